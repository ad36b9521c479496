/* srlab link / capture: a port of a lab node. Chassis ports are owned by
 * their iom, which does link down/up and impairment (no netem here); host
 * interfaces and a chassis's management interface are the kernel's (ip link).
 * Captures read the port's veth from inside the node's namespace, so they
 * see exactly what is on the wire, both directions. */
#include <czmq.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srlab.h"

struct endpoint_arg {
    char lab[TOPO_NAME_MAX + 1];
    char node[TOPO_NAME_MAX + 1];
    char port[32];
    enum topo_kind kind;
    bool mgmt;                 /* a chassis's management interface */
    char ifname[40];
};

/* "NODE:PORT" of a running lab. */
static int parse_endpoint_arg(const char *labopt, const char *arg, struct endpoint_arg *e)
{
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) > TOPO_NAME_MAX) {
        fprintf(stderr, "srlab: '%s' is not NODE:PORT\n", arg);
        return -1;
    }
    if (pick_lab(labopt, e->lab, sizeof e->lab) != 0)
        return -1;
    snprintf(e->node, sizeof e->node, "%.*s", (int)(colon - arg), arg);
    snprintf(e->port, sizeof e->port, "%s", colon + 1);
    char err[512];
    struct topology *t = lab_topology(e->lab, err, sizeof err);
    if (!t) {
        fprintf(stderr, "srlab: %s\n", err);
        return -1;
    }
    int i = topo_find_node(t, e->node);
    if (i < 0) {
        fprintf(stderr, "srlab: lab %s has no node '%s'\n", e->lab, e->node);
        topo_free(&t);
        return -1;
    }
    e->kind = t->nodes[i].kind;
    struct topo_endpoint ep = { .node = i };
    snprintf(ep.port, sizeof ep.port, "%s", e->port);
    e->mgmt = topo_is_mgmt(t, &ep);
    if (e->mgmt && topo_mgmt_link(t, i) < 0) {
        fprintf(stderr, "srlab: %s has no management link in lab %s\n", e->node, e->lab);
        topo_free(&t);
        return -1;
    }
    topo_ifname(t, &ep, e->ifname, sizeof e->ifname);
    topo_free(&t);
    return 0;
}

static unsigned port_slot(const char *port)
{
    unsigned s = 0;
    sscanf(port, "%u/", &s);
    return s;
}

static Srlab__Envelope *iom_request(const struct endpoint_arg *e, Srlab__Envelope *req)
{
    char dir[512], ep[600];
    node_dir(e->lab, e->node, dir, sizeof dir);
    snprintf(ep, sizeof ep, "ipc://%s/iom-%u.sock", dir, port_slot(e->port));
    return ipc_request(ep, req, 3000);
}

int cmd_link(int argc, char **argv)
{
    const char *labopt = NULL;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-l") == 0) {
        labopt = argv[i + 1];
        i += 2;
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "usage: srlab link NODE:PORT down | up | clear |\n"
                        "       srlab link NODE:PORT set [--loss PCT] [--delay MS] [--rate MBPS]\n");
        return 2;
    }
    struct endpoint_arg e;
    if (parse_endpoint_arg(labopt, argv[i], &e) != 0)
        return 1;
    const char *action = argv[i + 1];
    Srlab__LinkRequest rq = SRLAB__LINK_REQUEST__INIT;
    rq.port = e.port;
    rq.action = (char *)action;
    for (int k = i + 2; k < argc; k++) {
        char *end = NULL;
        double v = k + 1 < argc ? strtod(argv[k + 1], &end) : -1;
        bool ok = end && !*end && v >= 0;
        if (strcmp(argv[k], "--loss") == 0 && ok && v <= 100)
            rq.loss_ppm = (uint32_t)(v * 10000.0 + 0.5);
        else if (strcmp(argv[k], "--delay") == 0 && ok && v <= 60000)
            rq.delay_ms = (uint32_t)v;
        else if (strcmp(argv[k], "--rate") == 0 && ok && v > 0 && v <= 100000)
            rq.rate_kbps = (uint32_t)(v * 1000.0);
        else {
            fprintf(stderr, "srlab: bad option '%s' (--loss 0..100, --delay 0..60000 ms, "
                            "--rate MBPS)\n", argv[k]);
            return 2;
        }
        k++;
    }
    if (e.kind != KIND_SR || e.mgmt) {
        /* a host or peer interface, or a chassis's management interface: up/down by
         * the kernel; impairment lives in chassis ports */
        if (strcmp(action, "up") && strcmp(action, "down")) {
            if (e.mgmt)
                fprintf(stderr, "srlab: %s:mgmt is a kernel interface: up or down only "
                                "(impairment is done by chassis data ports; this kernel has "
                                "no netem)\n", e.node);
            else
                fprintf(stderr, "srlab: %s is not a chassis: impairment is done by chassis "
                                "ports (this kernel has no netem); use the chassis end of the "
                                "link\n", e.node);
            return 1;
        }
        char ns[64], out[256];
        netns_name(e.lab, e.node, ns, sizeof ns);
        const char *ipargv[] = { "ip", "link", "set", e.ifname, action, NULL };
        if (run_argv(ns, ipargv, out, sizeof out) != 0) {
            fprintf(stderr, "srlab: %s\n", out);
            return 1;
        }
        printf("%s:%s is %s\n", e.node, e.port, action);
        return 0;
    }
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_LINK_REQUEST;
    env.link_request = &rq;
    Srlab__Envelope *r = iom_request(&e, &env);
    if (!r || r->body_case != SRLAB__ENVELOPE__BODY_LINK_REPLY) {
        fprintf(stderr, "srlab: %s iom-%u is not answering\n", e.node, port_slot(e.port));
        if (r)
            srlab__envelope__free_unpacked(r, NULL);
        return 1;
    }
    int rc = 0;
    if (!r->link_reply->ok) {
        fprintf(stderr, "srlab: %s\n", r->link_reply->error);
        rc = 1;
    } else {
        const Srlab__PortStats *p = r->link_reply->port;
        printf("%s:%s link %s", e.node, e.port, p->ctl_down ? "down" : "up");
        if (p->loss_ppm || p->delay_ms || p->rate_kbps)
            printf(", loss %.2f%%, delay %u ms, rate %s", p->loss_ppm / 10000.0, p->delay_ms,
                   p->rate_kbps ? "" : "unlimited");
        if (p->rate_kbps)
            printf("%.3f Mbit/s", p->rate_kbps / 1000.0);
        printf("\n");
    }
    srlab__envelope__free_unpacked(r, NULL);
    return rc;
}

/* Impaired or cut chassis ports of a lab, for srlab status. */
int link_states(const char *lab, const struct topology *t, struct link_state *out, int max)
{
    int n = 0;
    for (int i = 0; i < t->n_nodes && n < max; i++) {
        if (t->nodes[i].kind != KIND_SR)
            continue;
        for (int c = 0; c < t->nodes[i].n_cards; c++) {
            struct endpoint_arg e = { .kind = KIND_SR };
            snprintf(e.lab, sizeof e.lab, "%s", lab);
            snprintf(e.node, sizeof e.node, "%s", t->nodes[i].name);
            snprintf(e.port, sizeof e.port, "%u/1/1", t->nodes[i].cards[c].slot);
            Srlab__Query q = SRLAB__QUERY__INIT;
            q.what = "ports";
            Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
            env.body_case = SRLAB__ENVELOPE__BODY_QUERY;
            env.query = &q;
            Srlab__Envelope *r = iom_request(&e, &env);
            for (size_t k = 0; r && r->body_case == SRLAB__ENVELOPE__BODY_QUERY_REPLY &&
                               k < r->query_reply->n_ports && n < max; k++) {
                const Srlab__PortStats *p = r->query_reply->ports[k];
                if (!p->ctl_down && !p->loss_ppm && !p->delay_ms && !p->rate_kbps)
                    continue;
                struct link_state *ls = &out[n++];
                snprintf(ls->node, sizeof ls->node, "%s", e.node);
                snprintf(ls->port, sizeof ls->port, "%s", p->name);
                ls->down = p->ctl_down;
                ls->loss_ppm = p->loss_ppm;
                ls->delay_ms = p->delay_ms;
                ls->rate_kbps = p->rate_kbps;
            }
            if (r)
                srlab__envelope__free_unpacked(r, NULL);
        }
    }
    return n;
}

/* ---- capture -------------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

int cmd_capture(int argc, char **argv)
{
    const char *labopt = NULL, *file = "-";
    double seconds = 0;
    long count = 0;
    const char *target = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            labopt = argv[++i];
        else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
            count = atol(argv[++i]);
        else if (argv[i][0] != '-' && !target)
            target = argv[i];
        else
            target = NULL, i = argc;
    }
    if (!target) {
        fprintf(stderr, "usage: srlab capture NODE:PORT [-w FILE|-] [--seconds S] [--count N]\n");
        return 2;
    }
    struct endpoint_arg e;
    if (parse_endpoint_arg(labopt, target, &e) != 0)
        return 1;
    if (strcmp(file, "-") == 0 && isatty(1)) {
        fprintf(stderr, "srlab: pcap is binary: give -w FILE, or pipe it (| wireshark -k -i -)\n");
        return 2;
    }
    char ns[64];
    netns_name(e.lab, e.node, ns, sizeof ns);
    if (netns_enter(ns) != 0) {
        fprintf(stderr, "srlab: cannot enter %s: %s\n", ns, strerror(errno));
        return 1;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_create(e.ifname, err);
    if (!pc) {
        fprintf(stderr, "srlab: %s:%s: %s\n", e.node, e.port, err);
        return 1;
    }
    pcap_set_snaplen(pc, 65535);
    pcap_set_promisc(pc, 1);
    pcap_set_immediate_mode(pc, 1);
    pcap_set_buffer_size(pc, 16 << 20);
    if (pcap_activate(pc) < 0) {
        fprintf(stderr, "srlab: %s:%s (%s): %s\n", e.node, e.port, e.ifname, pcap_geterr(pc));
        pcap_close(pc);
        return 1;
    }
    pcap_setdirection(pc, PCAP_D_INOUT);
    pcap_setnonblock(pc, 1, err);
    pcap_dumper_t *d = pcap_dump_open(pc, file);
    if (!d) {
        fprintf(stderr, "srlab: %s: %s\n", file, pcap_geterr(pc));
        pcap_close(pc);
        return 1;
    }
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGPIPE, on_stop);
    int64_t deadline = seconds > 0 ? zclock_mono() + (int64_t)(seconds * 1000) : 0;
    long got = 0;
    struct pollfd pfd = { .fd = pcap_get_selectable_fd(pc), .events = POLLIN };
    fprintf(stderr, "capturing %s:%s (%s)%s\n", e.node, e.port, e.ifname,
            deadline ? "" : ", Ctrl-C to stop");
    while (!stop && (!deadline || zclock_mono() < deadline) && (!count || got < count)) {
        poll(&pfd, 1, 100);
        int k = pcap_dispatch(pc, count ? (int)(count - got) : -1, pcap_dump, (u_char *)d);
        if (k < 0)
            break;
        got += k;
        pcap_dump_flush(d);
    }
    pcap_dump_close(d);
    struct pcap_stat st;
    if (pcap_stats(pc, &st) == 0 && st.ps_drop)
        fprintf(stderr, "%u packets dropped by the capture buffer\n", st.ps_drop);
    pcap_close(pc);
    fprintf(stderr, "%ld packets captured\n", got);
    return 0;
}

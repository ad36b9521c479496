/* Network of a lab: a namespace per node, veth pairs for links (a chassis's
 * management interface among them), Linux bridges for bridge nodes. Everything made is written to RUNDIR/lab.state
 * first, so `down` (or a failed `up`) removes exactly that. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srlab.h"

static int record(const char *lab, const char *what, const char *name)
{
    char path[512];
    lab_dir(lab, path, sizeof path);
    strncat(path, "/lab.state", sizeof path - strlen(path) - 1);
    FILE *f = fopen(path, "a");
    if (!f)
        return -1;
    fprintf(f, "%s %s\n", what, name);
    fclose(f);
    return 0;
}

#define IP(...) ((const char *const[]){ "ip", __VA_ARGS__, NULL })

static int ip_ok(const char *ns, const char *const argv[], char *err, size_t errlen,
                 const char *what)
{
    char out[512];
    if (run_argv(ns, argv, out, sizeof out) == 0)
        return 0;
    snprintf(err, errlen, "%s: %s", what, out[0] ? out : "failed");
    return -1;
}

static int write_sysctl(const char *ns, const char *key, const char *val)
{
    char setting[160];
    snprintf(setting, sizeof setting, "%s=%s", key, val);
    const char *argv[] = { "sysctl", "-q", "-w", setting, NULL };
    char out[256];
    return run_argv(ns, argv, out, sizeof out);
}

static int make_node(const struct topology *t, const struct topo_node *n, char *err,
                     size_t errlen)
{
    char ns[64];
    netns_name(t->name, n->name, ns, sizeof ns);
    if (record(t->name, "netns", ns) != 0) {
        snprintf(err, errlen, "cannot write the lab state file");
        return -1;
    }
    if (ip_ok(NULL, IP("netns", "add", ns), err, errlen, ns))
        return -1;
    if (ip_ok(ns, IP("link", "set", "lo", "up"), err, errlen, ns))
        return -1;
    if (n->kind == KIND_SR) {
        /* The chassis namespace's kernel must never answer for data ports:
         * iom owns them (no addresses, no IPv6 autoconfiguration). */
        write_sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1");
        write_sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1");
        write_sysctl(ns, "net.ipv4.ip_forward", "0");
        /* Only the management interface has an address: the kernel must not
         * answer ARP for it, or accept packets to it, on a data port. */
        write_sysctl(ns, "net.ipv4.conf.all.arp_ignore", "1");
        write_sysctl(ns, "net.ipv4.conf.all.arp_announce", "2");
        write_sysctl(ns, "net.ipv4.conf.all.rp_filter", "1");
        /* the iom/ISA hand-off queues up to this many datagrams per socket
         * (lib/dp.h); the kernel's default of 10 drops bursts */
        write_sysctl(ns, "net.unix.max_dgram_qlen", "8192");
    }
    if (n->kind == KIND_BRIDGE) {
        write_sysctl(ns, "net.ipv6.conf.all.disable_ipv6", "1");
        write_sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1");
        /* a lab bridge is a switch: with br_netfilter loaded on the host,
         * every frame it carries would also cross iptables (5% of the
         * sending iom's time in the ESP lab's profile) */
        write_sysctl(ns, "net.bridge.bridge-nf-call-iptables", "0");
        write_sysctl(ns, "net.bridge.bridge-nf-call-ip6tables", "0");
        write_sysctl(ns, "net.bridge.bridge-nf-call-arptables", "0");
        if (ip_ok(ns, IP("link", "add", "br0", "type", "bridge", "stp_state", "0"), err, errlen,
                  n->name) ||
            ip_ok(ns, IP("link", "set", "br0", "type", "bridge", "ageing_time", "30000"), err,
                  errlen, n->name) ||
            ip_ok(ns, IP("link", "set", "br0", "up"), err, errlen, n->name))
            return -1;
    }
    return 0;
}

/* A free UDP port on the root namespace's loopback (the kernel picks it). */
static unsigned free_udp_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* A udp pseudo-wire: each end's iom sends Ethernet frames as UDP datagrams
 * to the other's port on 127.0.0.1. The ports are chosen now and kept in
 * RUNDIR/udp-links for the supervisor to hand to each iom. */
static int make_udp_link(const struct topology *t, const struct topo_link *l, const char *what,
                         char *err, size_t errlen)
{
    unsigned port[2] = { free_udp_port(), free_udp_port() };
    if (!port[0] || !port[1] || port[0] == port[1]) {
        snprintf(err, errlen, "%s: no free UDP ports on 127.0.0.1", what);
        return -1;
    }
    char path[512];
    lab_dir(t->name, path, sizeof path);
    strncat(path, "/udp-links", sizeof path - strlen(path) - 1);
    FILE *f = fopen(path, "a");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write %s", what, path);
        return -1;
    }
    for (int e = 0; e < 2; e++)
        fprintf(f, "%s %s %u %u\n", t->nodes[l->ep[e].node].name, l->ep[e].port, port[e],
                port[1 - e]);
    return fclose(f);
}

/* A host receives like a host with its own NIC: GRO and a NAPI thread of
 * its own, so its TCP receive work does not run inside the sender (a chassis
 * iom writing to the veth) as veth otherwise makes it. */
static void host_rx_thread(const char *ns, const char *ifname)
{
    char cmd[160], out[128];
    snprintf(cmd, sizeof cmd, "echo 1 > /sys/class/net/%s/threaded", ifname);
    const char *argv[] = { "ip", "netns", "exec", ns, "sh", "-c", cmd, NULL };
    run_argv(NULL, argv, out, sizeof out);
}

/* A chassis's management interface is the kernel's: it gets the node's
 * address (IPv6 enabled on it alone when the address is IPv6; no router
 * advertisements, no autoconfiguration, no duplicate address detection). */
static int mgmt_address(const char *ns, const struct topo_node *n, char *err, size_t errlen)
{
    char what[64];
    snprintf(what, sizeof what, "%s:mgmt %s", n->name, n->mgmt);
    if (n->mgmt_v6) {
        write_sysctl(ns, "net.ipv6.conf." TOPO_MGMT_PORT ".accept_ra", "0");
        write_sysctl(ns, "net.ipv6.conf." TOPO_MGMT_PORT ".autoconf", "0");
        /* the address survives srlab link down/up, as an IPv4 one does */
        write_sysctl(ns, "net.ipv6.conf." TOPO_MGMT_PORT ".keep_addr_on_down", "1");
        if (write_sysctl(ns, "net.ipv6.conf." TOPO_MGMT_PORT ".disable_ipv6", "0") != 0) {
            snprintf(err, errlen, "%s: cannot enable IPv6", what);
            return -1;
        }
        return ip_ok(ns, IP("-6", "addr", "add", n->mgmt, "dev", TOPO_MGMT_PORT, "nodad"), err,
                     errlen, what);
    }
    return ip_ok(ns, IP("addr", "add", n->mgmt, "dev", TOPO_MGMT_PORT), err, errlen, what);
}

static int make_link(const struct topology *t, const struct topo_link *l, int index, char *err,
                     size_t errlen)
{
    char ns[2][64], ifname[2][32], tmp[2][16], what[160];
    for (int e = 0; e < 2; e++) {
        const struct topo_node *n = &t->nodes[l->ep[e].node];
        netns_name(t->name, n->name, ns[e], sizeof ns[e]);
        topo_ifname(t, &l->ep[e], ifname[e], sizeof ifname[e]);
        /* unique temporary names in the root namespace, renamed once moved */
        snprintf(tmp[e], sizeof tmp[e], "srl%05d%c%04d", (int)(getpid() % 100000), 'a' + e,
                 index % 10000);
    }
    snprintf(what, sizeof what, "link %s:%s - %s:%s", t->nodes[l->ep[0].node].name,
             l->ep[0].port, t->nodes[l->ep[1].node].name, l->ep[1].port);
    if (l->udp)
        return make_udp_link(t, l, what, err, errlen);
    /* a half made veth stays in the root namespace: down removes it by name */
    if (record(t->name, "veth", tmp[0]) != 0) {
        snprintf(err, errlen, "cannot write the lab state file");
        return -1;
    }
    if (ip_ok(NULL, IP("link", "add", tmp[0], "type", "veth", "peer", "name", tmp[1]), err,
              errlen, what))
        return -1;
    char mtu[16];
    snprintf(mtu, sizeof mtu, "%u", l->mtu ? l->mtu : 1500);
    for (int e = 0; e < 2; e++) {
        if (ip_ok(NULL, IP("link", "set", tmp[e], "netns", ns[e]), err, errlen, what) ||
            ip_ok(ns[e], IP("link", "set", tmp[e], "name", ifname[e]), err, errlen, what) ||
            ip_ok(ns[e], IP("link", "set", ifname[e], "mtu", mtu), err, errlen, what))
            goto fail;
        if (t->nodes[l->ep[e].node].kind == KIND_BRIDGE &&
            ip_ok(ns[e], IP("link", "set", ifname[e], "master", "br0"), err, errlen, what))
            goto fail;
        if (topo_is_mgmt(t, &l->ep[e]) &&
            mgmt_address(ns[e], &t->nodes[l->ep[e].node], err, errlen) != 0)
            goto fail;
        if (ip_ok(ns[e], IP("link", "set", ifname[e], "up"), err, errlen, what))
            goto fail;
        /* A real wire carries frames no bigger than its MTU, with their
         * checksums filled in: no segmentation or checksum offload on veths
         * (iom reads and writes raw frames; so do captures). */
        enum topo_kind kind = t->nodes[l->ep[e].node].kind;
        bool host = kind == KIND_LINUX || kind == KIND_STRONGSWAN;
        const char *argv[] = { "ethtool", "-K", ifname[e], "tx", "off", "rx", "off", "tso",
                               "off", "gso", "off", "gro", host ? "on" : "off", NULL };
        char out[256];
        run_argv(ns[e], argv, out, sizeof out);
        if (host)
            host_rx_thread(ns[e], ifname[e]);
    }
    return 0;
fail: {
        /* a veth half left in the root namespace would outlive the lab */
        char out[128];
        for (int e = 0; e < 2; e++)
            run_argv(NULL, IP("link", "del", tmp[e]), out, sizeof out);
        return -1;
    }
}

int lab_create(const struct topology *t, char *err, size_t errlen)
{
    for (int i = 0; i < t->n_nodes; i++)
        if (make_node(t, &t->nodes[i], err, errlen) != 0)
            goto fail;
    for (int i = 0; i < t->n_links; i++)
        if (make_link(t, &t->links[i], i, err, errlen) != 0)
            goto fail;
    return 0;
fail:
    lab_destroy_net(t->name);
    return -1;
}

void lab_destroy_net(const char *lab)
{
    char path[512], line[256], out[256];
    lab_dir(lab, path, sizeof path);
    strncat(path, "/lab.state", sizeof path - strlen(path) - 1);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        char what[32], name[200];
        if (sscanf(line, "%31s %199s", what, name) != 2)
            continue;
        if (strcmp(what, "netns") == 0)
            run_argv(NULL, IP("netns", "del", name), out, sizeof out);
        else if (strcmp(what, "veth") == 0) /* gone already unless up stopped half-way */
            run_argv(NULL, IP("link", "del", name), out, sizeof out);
    }
    if (f)
        fclose(f);
    if (f)
        unlink(path);
    /* and anything else named for this lab (a state file lost or cut short) */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "srl-%s-", lab);
    DIR *d = opendir("/run/netns");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            run_argv(NULL, IP("netns", "del", de->d_name), out, sizeof out);
    }
    if (d)
        closedir(d);
}

const char *mgmt_link_state(const char *lab, const struct topology *t, int node)
{
    if (!t->nodes[node].mgmt[0] || topo_mgmt_link(t, node) < 0)
        return "not linked";
    char ns[64], out[512];
    netns_name(lab, t->nodes[node].name, ns, sizeof ns);
    if (run_argv(ns, IP("-o", "link", "show", "dev", TOPO_MGMT_PORT), out, sizeof out) != 0)
        return "absent";
    /* "5: mgmt@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ..." */
    char flags[256] = "";
    const char *lt = strchr(out, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (gt)
        snprintf(flags, sizeof flags, ",%.*s,", (int)(gt - lt - 1), lt + 1);
    if (!strstr(flags, ",UP,"))
        return "down";
    return strstr(flags, ",LOWER_UP,") ? "up" : "no-carrier";
}

int lab_list(char names[][TOPO_NAME_MAX + 1], int max)
{
    DIR *d = opendir(srlab_runbase());
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) && n < max) {
        if (de->d_name[0] == '.' || strlen(de->d_name) > TOPO_NAME_MAX)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s/topology.yaml", srlab_runbase(), de->d_name);
        struct stat st;
        if (stat(path, &st) == 0)
            snprintf(names[n++], TOPO_NAME_MAX + 1, "%s", de->d_name);
    }
    if (d)
        closedir(d);
    return n;
}

/* Questions about the dataplane's state (ports, SAP counters, neighbours,
 * routes, drops), asked by cpm over the bus or by srlab on the iom's own
 * control socket; and srlab's link control (up, down, loss, delay, rate). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "iom.h"
#include "log.h"

#define APUSH(a, msg, field, item) arena_push(a, (void ***)&(msg)->field, &(msg)->n_##field, item)

static char *ip_str(struct arena *a, int family, const uint8_t *ip)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family, ip, buf, sizeof buf);
    return arena_strdup(a, buf);
}

static void add_ports(struct arena *a, struct iom *iom, Srlab__QueryReply *r, const char *only)
{
    for (size_t i = 0; i < iom->n_ports; i++) {
        const struct iom_port *p = &iom->ports[i];
        if (only && only[0] && strcmp(only, p->name) != 0)
            continue;
        Srlab__PortStats *s = arena_alloc(a, sizeof *s);
        char *mac = arena_alloc(a, 18);
        port_stats(p, s, mac);
        for (int d = 0; d < DROP_MAX; d++) {
            if (!p->drops[d])
                continue;
            Srlab__NamedCount *c = arena_alloc(a, sizeof *c);
            srlab__named_count__init(c);
            c->name = (char *)drop_name(d);
            c->count = p->drops[d];
            APUSH(a, s, drops, c);
        }
        APUSH(a, r, ports, s);
    }
}

static void add_saps(struct arena *a, struct iom *iom, Srlab__QueryReply *r, uint32_t svc,
                     const char *only)
{
    for (size_t i = 0; i < iom->n_ifs; i++) {
        const struct iom_if *ifp = iom->ifs[i];
        /* only the IOM that owns the SAP's port counts its traffic */
        if (ifp->kind != IFK_SAP || ifp->port < 0 || (svc && ifp->svc != svc) ||
            (only && only[0] && strcmp(only, ifp->sap) != 0))
            continue;
        Srlab__SapStats *s = arena_alloc(a, sizeof *s);
        srlab__sap_stats__init(s);
        s->svc = ifp->svc;
        s->sap = (char *)ifp->sap;
        s->interface = (char *)ifp->name;
        s->in_dropped_packets = ifp->in_dropped_pkts;
        s->in_dropped_octets = ifp->in_dropped_octets;
        s->ingress_qos = ifp->qos_in_id;
        s->egress_qos = ifp->qos_out_id;
        for (int fc = 0; fc < FC_MAX; fc++) {
            const struct fc_stats *st = &ifp->fc[fc];
            Srlab__FcStats *f = arena_alloc(a, sizeof *f);
            srlab__fc_stats__init(f);
            f->fc = (char *)fc_name(fc);
            f->in_off_packets = st->in_off_pkts;
            f->in_off_octets = st->in_off_octets;
            f->in_fwd_packets = st->in_fwd_pkts;
            f->in_fwd_octets = st->in_fwd_octets;
            f->out_off_packets = st->out_off_pkts;
            f->out_off_octets = st->out_off_octets;
            f->out_fwd_packets = st->out_fwd_pkts;
            f->out_fwd_octets = st->out_fwd_octets;
            APUSH(a, s, fcs, f);
        }
        APUSH(a, r, saps, s);
    }
}

static void add_neighbors(struct arena *a, struct iom *iom, Srlab__QueryReply *r, uint32_t svc,
                          bool v6)
{
    static const char *const states[] = { "incomplete", "reachable", "stale" };
    uint64_t now = mono_ms();
    for (struct iom_inst *inst = iom->insts; inst; inst = inst->next) {
        if (inst->id != svc)
            continue;
        /* the router's own addresses first, as the router lists them */
        for (size_t i = 0; i < iom->n_ifs; i++) {
            const struct iom_if *ifp = iom->ifs[i];
            if (ifp->inst != inst || ifp->port < 0 || (!v6 && !ifp->has_v4) || (v6 && !ifp->n6))
                continue;
            Srlab__Neighbor *n = arena_alloc(a, sizeof *n);
            srlab__neighbor__init(n);
            n->svc = svc;
            n->ip = v6 ? ip_str(a, AF_INET6, ifp->v6[0]) : ip_str(a, AF_INET, ifp->v4);
            n->mac = arena_alloc(a, 18);
            mac_str(iom->ports[ifp->port].mac, n->mac);
            n->interface = (char *)ifp->name;
            n->state = "local";
            n->port = (char *)iom->ports[ifp->port].name;
            APUSH(a, r, neighbors, n);
        }
        for (unsigned b = 0; b < NBR_BUCKETS; b++) {
            for (struct nbr *e = inst->nbr[b]; e; e = e->next) {
                if (e->family != (v6 ? AF_INET6 : AF_INET))
                    continue;
                Srlab__Neighbor *n = arena_alloc(a, sizeof *n);
                srlab__neighbor__init(n);
                n->svc = svc;
                n->ip = ip_str(a, e->family, e->ip);
                n->mac = arena_alloc(a, 18);
                if (e->state == NBR_INCOMPLETE)
                    snprintf(n->mac, 18, "%s", "");
                else
                    mac_str(e->mac, n->mac);
                n->interface = e->ifname;
                n->state = (char *)states[e->state];
                n->expires_s = e->state == NBR_REACHABLE && e->expires_ms > now
                                   ? (uint32_t)((e->expires_ms - now) / 1000) : 0;
                n->port = e->ifp && e->ifp->port >= 0 ? iom->ports[e->ifp->port].name : "";
                APUSH(a, r, neighbors, n);
            }
        }
    }
}

static void add_routes(struct arena *a, struct iom *iom, Srlab__QueryReply *r, uint32_t svc)
{
    static const char *const protos[] = { "local", "direct", "static", "ipsec" };
    uint64_t now = mono_ms();
    struct iom_inst *inst = iom_inst_get(iom, svc);
    for (size_t i = 0; inst && i < inst->fib.n; i++) {
        const struct route *rt = &inst->fib.routes[i];
        if (rt->proto == ROUTE_LOCAL)
            continue; /* the router shows host addresses as part of the direct route */
        Srlab__Route *o = arena_alloc(a, sizeof *o);
        srlab__route__init(o);
        o->svc = svc;
        char pfx[INET6_ADDRSTRLEN + 8];
        inet_ntop(rt->family, rt->addr, pfx, INET6_ADDRSTRLEN);
        snprintf(pfx + strlen(pfx), 8, "/%u", rt->plen);
        o->prefix = arena_strdup(a, pfx);
        o->protocol = (char *)protos[rt->proto];
        o->preference = rt->pref;
        o->metric = rt->metric;
        o->active = rt->active;
        o->blackhole = rt->blackhole;
        o->interface = rt->oif ? rt->oif->name : "";
        o->next_hop = rt->blackhole  ? "black-hole"
                      : rt->tunnel[0] ? arena_strdup(a, rt->tunnel)
                      : rt->has_nh   ? ip_str(a, rt->family, rt->nh)
                      : rt->oif     ? rt->oif->name : "";
        o->age_s = (now - rt->since_ms) / 1000;
        APUSH(a, r, routes, o);
    }
}

struct counter_out {
    struct arena *a;
    Srlab__QueryReply *r;
};

static void push_counter(void *arg, const char *name, uint64_t v)
{
    struct counter_out *o = arg;
    Srlab__NamedCount *c = arena_alloc(o->a, sizeof *c);
    srlab__named_count__init(c);
    c->name = arena_strdup(o->a, name);
    c->count = v;
    APUSH(o->a, o->r, counters, c);
}

static void add_counters(struct arena *a, struct iom *iom, Srlab__QueryReply *r)
{
    uint64_t totals[DROP_MAX];
    memcpy(totals, iom->drops, sizeof totals);
    for (size_t i = 0; i < iom->n_ports; i++)
        for (int d = 0; d < DROP_MAX; d++)
            totals[d] += iom->ports[i].drops[d];
    for (int d = 0; d < DROP_MAX; d++) {
        Srlab__NamedCount *c = arena_alloc(a, sizeof *c);
        srlab__named_count__init(c);
        c->name = (char *)drop_name(d);
        c->count = totals[d];
        APUSH(a, r, counters, c);
    }
    const struct { const char *name; uint64_t v; } extra[] = {
        { "to-isa-packets", iom->to_isa_pkts },
        { "to-isa-batches", iom->to_isa_batches },
        { "from-isa-packets", iom->from_isa_pkts },
        { "packet-buffers", iom->pkts_allocated },
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        Srlab__NamedCount *c = arena_alloc(a, sizeof *c);
        srlab__named_count__init(c);
        c->name = (char *)extra[i].name;
        c->count = extra[i].v;
        APUSH(a, r, counters, c);
    }
    struct counter_out o = { a, r };
    iom_mc_counters(iom, push_counter, &o);
}

void ctl_on_query(struct iom *iom, const Srlab__Query *q, Srlab__Envelope *env,
                  void (*send)(void *arg, Srlab__Envelope *env), void *arg)
{
    struct arena a;
    arena_init(&a);
    Srlab__QueryReply *r = arena_alloc(&a, sizeof *r);
    srlab__query_reply__init(r);
    r->id = q->id;
    r->ok = true;
    r->slot = iom->slot;
    const char *what = q->what ? q->what : "";
    if (strcmp(what, "ports") == 0)
        add_ports(&a, iom, r, q->filter);
    else if (strcmp(what, "saps") == 0)
        add_saps(&a, iom, r, q->svc, q->filter);
    else if (strcmp(what, "neighbors") == 0 || strcmp(what, "arp") == 0)
        add_neighbors(&a, iom, r, q->svc, strcmp(what, "neighbors") == 0);
    else if (strcmp(what, "routes") == 0)
        add_routes(&a, iom, r, q->svc);
    else if (strcmp(what, "counters") == 0)
        add_counters(&a, iom, r);
    else {
        r->ok = false;
        r->error = "unknown query";
    }
    env->body_case = SRLAB__ENVELOPE__BODY_QUERY_REPLY;
    env->query_reply = r;
    send(arg, env);
    arena_free(&a);
}

/* ---- the control socket ------------------------------------------------------------ */

struct ctl_reply_ctx {
    struct iom *iom;
    zframe_t *identity;
};

static void ctl_send(void *arg, Srlab__Envelope *env)
{
    struct ctl_reply_ctx *c = arg;
    bus_send(c->iom->ctl, c->identity, env, &c->iom->ctl_stats);
}

static int on_ctl(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct iom *iom = arg;
    zframe_t *identity = NULL;
    bus_msg_t *env = bus_recv(sock, &identity, &iom->ctl_stats);
    if (!env)
        return 0;
    struct ctl_reply_ctx c = { iom, identity };
    Srlab__Envelope out = SRLAB__ENVELOPE__INIT;
    if (env->body_case == SRLAB__ENVELOPE__BODY_QUERY) {
        ctl_on_query(iom, env->query, &out, ctl_send, &c);
    } else if (env->body_case == SRLAB__ENVELOPE__BODY_LINK_REQUEST) {
        char err[256] = "";
        Srlab__LinkReply r = SRLAB__LINK_REPLY__INIT;
        Srlab__PortStats ps;
        char mac[18];
        r.ok = port_link_control(iom, env->link_request, err, sizeof err) == 0;
        r.error = err;
        if (r.ok) {
            int idx = iom_port_index(iom, env->link_request->port);
            port_stats(&iom->ports[idx], &ps, mac);
            r.port = &ps;
            iom_update_oper(iom);
            iom_ports_report(iom);
        }
        out.body_case = SRLAB__ENVELOPE__BODY_LINK_REPLY;
        out.link_reply = &r;
        ctl_send(&c, &out);
    } else {
        iom->ctl_stats.unknown++;
        log_warn("ctl_unexpected", "body=%s", bus_body_name(env->body_case));
    }
    bus_free(&env);
    zframe_destroy(&identity);
    return 0;
}

int ctl_init(struct iom *iom)
{
    iom->ctl = zsock_new(ZMQ_ROUTER);
    zsock_set_linger(iom->ctl, 0);
    if (zsock_bind(iom->ctl, "ipc://%s/iom-%u.sock", iom->rundir, iom->slot) != 0) {
        log_error("ctl_bind_failed", "slot=%u", iom->slot);
        return -1;
    }
    zloop_reader(iom->loop, iom->ctl, on_ctl, iom);
    return 0;
}

void ctl_close(struct iom *iom)
{
    zsock_destroy(&iom->ctl);
}

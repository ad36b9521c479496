/* The dataplane hand-off between this IOM and the ISAs: packets routed to a
 * tunnel interface go to the ISA that holds the tunnel group's tunnels
 * (cpm tells which, in the pushed tunnel-group state); what the ISAs send
 * back is routed as if received on that tunnel interface. Batched: frames
 * [DpMeta][packet][DpMeta][packet]... up to HANDOFF_BATCH per message. */
#include <arpa/inet.h>
#include <string.h>

#include "iom.h"
#include "log.h"

#define HANDOFF_BATCH 64
#define HANDOFF_MAX_ISAS 32

struct isa_out {
    char identity[16];
    zmsg_t *msg;
    unsigned n;
};
static struct isa_out outs[HANDOFF_MAX_ISAS];
static size_t n_outs;
static zhashx_t *placement; /* "svc|interface" and "local|remote" -> "1/2" */

/* Where cpm placed each tunnel: private traffic by its interface, public
 * (tunnel) packets by their endpoints. */
void handoff_apply(struct iom *iom)
{
    zhashx_destroy(&placement);
    placement = zhashx_new();
    for (size_t i = 0; iom->config && i < iom->config->n_ip_tunnels; i++) {
        const Srlab__IpTunnelConfig *t = iom->config->ip_tunnels[i];
        if (!t->isa[0])
            continue;
        char k[160];
        snprintf(k, sizeof k, "%u|%s", t->svc, t->interface);
        zhashx_update(placement, k, t->isa);
        snprintf(k, sizeof k, "%s|%s", t->source, t->remote);
        zhashx_update(placement, k, t->isa);
    }
}

static const char *placed_isa(struct iom_if *oif, const struct pkt *p)
{
    if (!placement)
        return NULL;
    char k[160];
    if (oif->kind == IFK_TUNNEL_PRIVATE) {
        snprintf(k, sizeof k, "%u|%s", oif->svc, oif->name);
        return zhashx_lookup(placement, k);
    }
    char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
    bool v6 = (p->data[0] >> 4) == 6;
    if (p->len < (v6 ? 40u : 20u))
        return NULL;
    inet_ntop(v6 ? AF_INET6 : AF_INET, p->data + (v6 ? 24 : 16), dst, sizeof dst);
    inet_ntop(v6 ? AF_INET6 : AF_INET, p->data + (v6 ? 8 : 12), src, sizeof src);
    snprintf(k, sizeof k, "%s|%s", dst, src);
    return zhashx_lookup(placement, k);
}

static int on_dp(zloop_t *loop, zsock_t *sock, void *arg);

int handoff_init(struct iom *iom)
{
    iom->dp = zsock_new(ZMQ_ROUTER);
    zsock_set_linger(iom->dp, 0);
    zsock_set_sndhwm(iom->dp, 100000);
    zsock_set_rcvhwm(iom->dp, 100000);
    zsock_set_router_handover(iom->dp, 1);
    if (zsock_bind(iom->dp, "ipc://%s/dp-iom-%u.sock", iom->rundir, iom->slot) != 0) {
        log_error("dp_bind_failed", "slot=%u", iom->slot);
        return -1;
    }
    zloop_reader(iom->loop, iom->dp, on_dp, iom);
    return 0;
}

void handoff_close(struct iom *iom)
{
    for (size_t i = 0; i < n_outs; i++)
        zmsg_destroy(&outs[i].msg);
    n_outs = 0;
    zhashx_destroy(&placement);
    zsock_destroy(&iom->dp);
}

static const Srlab__TunnelGroupConfig *group(struct iom *iom, unsigned id)
{
    for (size_t i = 0; i < iom->n_groups; i++)
        if (iom->groups[i]->id == id)
            return iom->groups[i];
    return NULL;
}

static void flush_one(struct iom *iom, struct isa_out *o)
{
    if (!o->msg)
        return;
    if (zmsg_send(&o->msg, iom->dp) != 0) {
        iom->drops[DROP_HANDOFF] += o->n;
        zmsg_destroy(&o->msg);
    } else {
        iom->to_isa_batches++;
    }
    o->n = 0;
}

void handoff_flush(struct iom *iom)
{
    for (size_t i = 0; i < n_outs; i++)
        flush_one(iom, &outs[i]);
}

void handoff_to_isa(struct iom *iom, struct iom_if *oif, struct pkt *p, const uint8_t *nh)
{
    const Srlab__TunnelGroupConfig *g = group(iom, oif->tunnel_group);
    if (!g || !g->n_active_isas) {
        iom_drop(iom, p, DROP_NO_ISA, -1);
        return;
    }
    /* the ISA holding the tunnel; otherwise the group's first active ISA */
    const char *isa = placed_isa(oif, p);
    if (!isa)
        isa = g->active_isas[0];
    char identity[16];
    snprintf(identity, sizeof identity, "isa-%s", isa);
    struct isa_out *o = NULL;
    for (size_t i = 0; i < n_outs; i++)
        if (strcmp(outs[i].identity, identity) == 0)
            o = &outs[i];
    if (!o) {
        if (n_outs >= HANDOFF_MAX_ISAS) {
            iom_drop(iom, p, DROP_HANDOFF, -1);
            return;
        }
        o = &outs[n_outs++];
        memset(o, 0, sizeof *o);
        snprintf(o->identity, sizeof o->identity, "%s", identity);
    }
    Srlab__DpMeta meta = SRLAB__DP_META__INIT;
    meta.svc = oif->svc;
    meta.interface = oif->name;
    meta.tunnel_group = oif->tunnel_group;
    meta.private_side = oif->kind == IFK_TUNNEL_PRIVATE;
    meta.next_hop.data = (uint8_t *)nh;
    meta.next_hop.len = (p->data[0] >> 4) == 6 ? 16 : 4;
    meta.fc = p->fc;
    if (!o->msg) {
        o->msg = zmsg_new();
        zmsg_addstr(o->msg, o->identity);
    }
    size_t mlen = srlab__dp_meta__get_packed_size(&meta);
    zframe_t *mf = zframe_new(NULL, mlen);
    srlab__dp_meta__pack(&meta, zframe_data(mf));
    zmsg_append(o->msg, &mf);
    zmsg_addmem(o->msg, p->data, p->len);
    o->n++;
    iom->to_isa_pkts++;
    pkt_free(iom, p);
    if (o->n >= HANDOFF_BATCH)
        flush_one(iom, o);
}

static struct iom_if *tunnel_if(struct iom *iom, uint32_t svc, const char *name)
{
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *ifp = iom->ifs[i];
        if (ifp->svc == svc && strcmp(ifp->name, name) == 0 &&
            (ifp->kind == IFK_TUNNEL_PRIVATE || ifp->kind == IFK_TUNNEL_PUBLIC))
            return ifp;
    }
    return NULL;
}

static int on_dp(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct iom *iom = arg;
    zmsg_t *msg = zmsg_recv(sock);
    if (!msg)
        return 0;
    iom->now_ms = mono_ms();
    zframe_t *id = zmsg_pop(msg);
    zframe_destroy(&id);
    while (zmsg_size(msg) >= 2) {
        zframe_t *mf = zmsg_pop(msg), *pf = zmsg_pop(msg);
        Srlab__DpMeta *meta = srlab__dp_meta__unpack(NULL, zframe_size(mf), zframe_data(mf));
        struct iom_if *ifp = meta && meta->interface ? tunnel_if(iom, meta->svc, meta->interface) : NULL;
        size_t len = zframe_size(pf);
        const uint8_t *d = zframe_data(pf);
        if (!ifp || len < 1 || ((d[0] >> 4) != 4 && (d[0] >> 4) != 6)) {
            iom->drops[DROP_FROM_ISA_BAD]++;
        } else if (!ifp->oper_up) {
            iom->drops[DROP_IF_DOWN]++;
        } else {
            struct pkt *p = pkt_copy(iom, d, len);
            if (p) {
                iom->from_isa_pkts++;
                p->in_if = ifp;
                p->fc = meta->fc < FC_MAX ? (uint8_t)meta->fc : FC_BE;
                if ((d[0] >> 4) == 4)
                    ip4_input(iom, ifp, p);
                else
                    ip6_input(iom, ifp, p);
            }
        }
        if (meta)
            srlab__dp_meta__free_unpacked(meta, NULL);
        zframe_destroy(&mf);
        zframe_destroy(&pf);
    }
    if (zmsg_size(msg))
        iom->drops[DROP_FROM_ISA_BAD]++;
    zmsg_destroy(&msg);
    port_flush_all(iom);
    handoff_flush(iom);
    return 0;
}

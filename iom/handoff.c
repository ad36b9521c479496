/* The dataplane hand-off between this IOM and the ISAs (lib/dp.h): packets
 * routed to a tunnel interface go to the ISA holding that tunnel (cpm's
 * placement, pushed with the configuration), batched per ISA and flushed
 * at the end of every receive round; what the ISAs send back is routed as
 * if received on that tunnel interface. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"
#include "iom.h"
#include "key.h"
#include "log.h"

#define HANDOFF_MAX_ISAS 32

struct isa_out {
    char isa[8];               /* "1/2" */
    struct dp_batch *batch;
};

struct handoff {
    int fd;
    struct isa_out outs[HANDOFF_MAX_ISAS];
    size_t n_outs;
    zhashx_t *placement;       /* key_private() and key_addrs() -> "1/2" */
    struct dp_rx *rx;
    uint64_t sent, failed;
};
static struct handoff ho = { .fd = -1 };

static int on_dp(zloop_t *loop, zmq_pollitem_t *item, void *arg);

int handoff_init(struct iom *iom)
{
    char path[512];
    snprintf(path, sizeof path, "%s/dp-iom-%u.dg", iom->rundir, iom->slot);
    ho.fd = dp_open(path);
    if (ho.fd < 0) {
        log_error("dp_bind_failed", "path=%s", log_q(path));
        return -1;
    }
    ho.rx = malloc(sizeof *ho.rx);
    zmq_pollitem_t item = { .fd = ho.fd, .events = ZMQ_POLLIN };
    zloop_poller(iom->loop, &item, on_dp, iom);
    return 0;
}

void handoff_close(struct iom *iom)
{
    for (size_t i = 0; i < ho.n_outs; i++)
        dp_batch_free(&ho.outs[i].batch);
    ho.n_outs = 0;
    zhashx_destroy(&ho.placement);
    free(ho.rx);
    ho.rx = NULL;
    if (ho.fd >= 0) {
        zmq_pollitem_t item = { .fd = ho.fd };
        zloop_poller_end(iom->loop, &item);
        close(ho.fd);
    }
    ho.fd = -1;
}

/* the public-side key of a tunnel from its configured addresses; false
 * when they do not parse as one family */
static bool addrs_key(char k[KEY_ADDRS_LEN], const char *local, const char *remote)
{
    uint8_t l[16], r[16];
    int family = strchr(local, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, local, l) != 1 || inet_pton(family, remote, r) != 1)
        return false;
    key_addrs(k, family, l, r, -1);
    return true;
}

/* Where cpm placed each tunnel: private traffic by its interface (and
 * tunnel name), public (tunnel) packets by their endpoints. */
void handoff_apply(struct iom *iom)
{
    zhashx_destroy(&ho.placement);
    ho.placement = zhashx_new();
    char k[KEY_PRIVATE_LEN], a[KEY_ADDRS_LEN];
    for (size_t i = 0; iom->config && i < iom->config->n_ip_tunnels; i++) {
        const Srlab__IpTunnelConfig *t = iom->config->ip_tunnels[i];
        if (!t->isa[0])
            continue;
        key_private(k, t->svc, t->interface, NULL);
        zhashx_update(ho.placement, k, t->isa);
        if (addrs_key(a, t->source, t->remote))
            zhashx_update(ho.placement, a, t->isa);
    }
    for (size_t i = 0; iom->config && i < iom->config->n_ipsec_tunnels; i++) {
        const Srlab__IpsecTunnelConfig *t = iom->config->ipsec_tunnels[i];
        if (!t->isa[0])
            continue;
        key_private(k, t->svc, t->interface, t->name);
        zhashx_update(ho.placement, k, t->isa);
        key_private(k, t->svc, t->interface, NULL);
        if (!zhashx_lookup(ho.placement, k)) /* no route chose: the ISA matches policies */
            zhashx_insert(ho.placement, k, t->isa);
        if (addrs_key(a, t->local_gateway, t->peer))
            zhashx_update(ho.placement, a, t->isa);
    }
    for (struct dyn_route *d = iom->dyn_routes ? zhashx_first(iom->dyn_routes) : NULL; d;
         d = zhashx_next(iom->dyn_routes))
        handoff_place(d->svc, d->ifname, d->tunnel, d->isa);
}

/* a dynamic tunnel's reverse route: placed by its tunnel's name (without
 * one it would stand for the whole interface) */
void handoff_place(uint32_t svc, const char *ifname, const char *tunnel, const char *isa)
{
    if (!tunnel || !tunnel[0])
        return;
    if (!ho.placement)
        ho.placement = zhashx_new();
    char k[KEY_PRIVATE_LEN];
    key_private(k, svc, ifname, tunnel);
    if (isa)
        zhashx_update(ho.placement, k, (void *)isa);
    else
        zhashx_delete(ho.placement, k);
}

/* the ISA holding the tunnel a packet goes to: private traffic by its
 * interface and tunnel, public packets by destination (local) and source */
static const char *placed_isa(struct iom_if *oif, const struct pkt *p, const char *tunnel)
{
    if (!ho.placement)
        return NULL;
    if (oif->kind == IFK_TUNNEL_PRIVATE) {
        char k[KEY_PRIVATE_LEN];
        key_private(k, oif->svc, oif->name, tunnel);
        return zhashx_lookup(ho.placement, k);
    }
    bool v6 = (p->data[0] >> 4) == 6;
    if (p->len < (v6 ? 40u : 20u))
        return NULL;
    char a[KEY_ADDRS_LEN];
    key_addrs(a, v6 ? AF_INET6 : AF_INET, p->data + (v6 ? 24 : 16), p->data + (v6 ? 8 : 12), -1);
    return zhashx_lookup(ho.placement, a);
}

static const Srlab__TunnelGroupConfig *group(struct iom *iom, unsigned id)
{
    for (size_t i = 0; i < iom->n_groups; i++)
        if (iom->groups[i]->id == id)
            return iom->groups[i];
    return NULL;
}

static struct isa_out *out_for(struct iom *iom, const char *isa)
{
    for (size_t i = 0; i < ho.n_outs; i++)
        if (strcmp(ho.outs[i].isa, isa) == 0)
            return &ho.outs[i];
    if (ho.n_outs >= HANDOFF_MAX_ISAS)
        return NULL;
    struct isa_out *o = &ho.outs[ho.n_outs++];
    snprintf(o->isa, sizeof o->isa, "%s", isa);
    char path[512], file[16];
    snprintf(file, sizeof file, "%s", isa);
    for (char *c = file; *c; c++)
        if (*c == '/')
            *c = '-';
    snprintf(path, sizeof path, "%s/dp-isa-%s.dg", iom->rundir, file);
    o->batch = dp_batch_new(path);
    return o;
}

void handoff_flush(struct iom *iom)
{
    uint64_t failed = ho.failed;
    for (size_t i = 0; i < ho.n_outs; i++)
        if (ho.outs[i].batch->n) {
            dp_batch_flush(ho.outs[i].batch, &ho.sent, &ho.failed);
            iom->to_isa_batches++;
        }
    iom->drops[DROP_HANDOFF] += ho.failed - failed;
}

void handoff_to_isa(struct iom *iom, struct iom_if *oif, struct pkt *p, const uint8_t *nh,
                    const char *tunnel, bool dynamic)
{
    /* MC-IPsec: only the chassis forwarding for the group does IKE/ESP */
    if (oif->mc_standby) {
        iom_mc_standby(iom, oif, p, dynamic);
        return;
    }
    const Srlab__TunnelGroupConfig *g = group(iom, oif->tunnel_group);
    if (!g || !g->n_active_isas) {
        iom_drop(iom, p, DROP_NO_ISA, -1);
        return;
    }
    /* the ISA holding the tunnel; otherwise the group's first active ISA */
    const char *isa = placed_isa(oif, p, tunnel);
    if (!isa)
        isa = g->active_isas[0];
    struct isa_out *o = out_for(iom, isa);
    if (!o) {
        iom_drop(iom, p, DROP_HANDOFF, -1);
        return;
    }
    struct dp_hdr h = { .sender = (uint8_t)iom->slot, .private_side = oif->kind == IFK_TUNNEL_PRIVATE,
                        .svc = oif->svc, .group = oif->tunnel_group, .fc = p->fc };
    h.nh_len = (p->data[0] >> 4) == 6 ? 16 : 4;
    memcpy(h.nh, nh, h.nh_len);
    snprintf(h.ifname, sizeof h.ifname, "%s", oif->name);
    if (tunnel)
        snprintf(h.tunnel, sizeof h.tunnel, "%s", tunnel);
    uint64_t failed = ho.failed;
    if (dp_batch_add(o->batch, &h, p->data, p->len, &ho.sent, &ho.failed) != 0) {
        iom_drop(iom, p, DROP_HANDOFF, -1);
        return;
    }
    iom->drops[DROP_HANDOFF] += ho.failed - failed;
    iom->to_isa_pkts++;
    pkt_free(iom, p);
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

static int on_dp(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void)loop;
    (void)item;
    struct iom *iom = arg;
    iom->now_ms = mono_ms();
    for (int round = 0; round < 4; round++) {
        int n = dp_recv(ho.fd, ho.rx);
        const uint8_t *rec;
        size_t rlen;
        int got;
        while ((got = dp_next(ho.rx, &rec, &rlen)) != 0) {
            struct dp_hdr h;
            int hl = got > 0 ? dp_hdr_read(rec, rlen, &h) : -1;
            if (hl < 0) {
                iom->drops[DROP_FROM_ISA_BAD]++;
                continue;
            }
            const uint8_t *d = rec + hl;
            size_t len = rlen - (size_t)hl;
            struct iom_if *ifp = tunnel_if(iom, h.svc, h.ifname);
            if (!ifp || len < 1 || ((d[0] >> 4) != 4 && (d[0] >> 4) != 6)) {
                iom->drops[DROP_FROM_ISA_BAD]++;
                continue;
            }
            if (!ifp->oper_up) {
                iom->drops[DROP_IF_DOWN]++;
                continue;
            }
            struct pkt *p = pkt_copy(iom, d, len);
            if (!p)
                continue;
            iom->from_isa_pkts++;
            p->in_if = ifp;
            p->fc = h.fc < FC_MAX ? h.fc : FC_BE;
            if ((d[0] >> 4) == 4)
                ip4_input(iom, ifp, p);
            else
                ip6_input(iom, ifp, p);
        }
        if (n < DP_DGRAMS)
            break;
    }
    port_flush_all(iom);
    handoff_flush(iom);
    return 0;
}

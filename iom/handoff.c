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
#include "log.h"

#define HANDOFF_MAX_ISAS 32

struct isa_out {
    char isa[8];               /* "1/2" */
    struct dp_batch *batch;
};

/* The text keys of the placement cost a printf per packet; a flow's
 * packets ask the same question, so the last answer per side is kept. */
struct place_memo {
    uint64_t gen;              /* placement_gen it was answered at; 0: none */
    uint8_t key[48];           /* private: interface and tunnel name; public: addresses */
    size_t key_len;
    const char *isa;
};

struct handoff {
    int fd;
    struct isa_out outs[HANDOFF_MAX_ISAS];
    size_t n_outs;
    zhashx_t *placement;       /* "svc|interface" and "local|remote" -> "1/2" */
    uint64_t placement_gen;    /* bumped whenever placement changes */
    struct place_memo memo[2]; /* the last answer, private and public side */
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

/* Where cpm placed each tunnel: private traffic by its interface, public
 * (tunnel) packets by their endpoints. */
void handoff_apply(struct iom *iom)
{
    ho.placement_gen++;
    zhashx_destroy(&ho.placement);
    ho.placement = zhashx_new();
    for (size_t i = 0; iom->config && i < iom->config->n_ip_tunnels; i++) {
        const Srlab__IpTunnelConfig *t = iom->config->ip_tunnels[i];
        if (!t->isa[0])
            continue;
        char k[160];
        snprintf(k, sizeof k, "%u|%s", t->svc, t->interface);
        zhashx_update(ho.placement, k, t->isa);
        snprintf(k, sizeof k, "%s|%s", t->source, t->remote);
        zhashx_update(ho.placement, k, t->isa);
    }
    for (size_t i = 0; iom->config && i < iom->config->n_ipsec_tunnels; i++) {
        const Srlab__IpsecTunnelConfig *t = iom->config->ipsec_tunnels[i];
        if (!t->isa[0])
            continue;
        char k[200];
        snprintf(k, sizeof k, "%u|%s|%s", t->svc, t->interface, t->name);
        zhashx_update(ho.placement, k, t->isa);
        snprintf(k, sizeof k, "%u|%s", t->svc, t->interface);
        if (!zhashx_lookup(ho.placement, k)) /* no route chose: the ISA matches policies */
            zhashx_insert(ho.placement, k, t->isa);
        snprintf(k, sizeof k, "%s|%s", t->local_gateway, t->peer);
        zhashx_update(ho.placement, k, t->isa);
    }
    for (struct dyn_route *d = iom->dyn_routes ? zhashx_first(iom->dyn_routes) : NULL; d;
         d = zhashx_next(iom->dyn_routes)) {
        char k[200];
        snprintf(k, sizeof k, "%u|%s|%s", d->svc, d->ifname, d->tunnel);
        zhashx_update(ho.placement, k, d->isa);
    }
}

void handoff_place(const char *key, const char *isa)
{
    if (!ho.placement)
        ho.placement = zhashx_new();
    ho.placement_gen++;
    if (isa)
        zhashx_update(ho.placement, key, (void *)isa);
    else
        zhashx_delete(ho.placement, key);
}

static const char *placement_lookup(struct iom_if *oif, const struct pkt *p, const char *tunnel)
{
    char k[240];
    if (oif->kind == IFK_TUNNEL_PRIVATE) {
        if (tunnel && tunnel[0])
            snprintf(k, sizeof k, "%u|%s|%s", oif->svc, oif->name, tunnel);
        else
            snprintf(k, sizeof k, "%u|%s", oif->svc, oif->name);
        return zhashx_lookup(ho.placement, k);
    }
    char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
    bool v6 = (p->data[0] >> 4) == 6;
    inet_ntop(v6 ? AF_INET6 : AF_INET, p->data + (v6 ? 24 : 16), dst, sizeof dst);
    inet_ntop(v6 ? AF_INET6 : AF_INET, p->data + (v6 ? 8 : 12), src, sizeof src);
    snprintf(k, sizeof k, "%s|%s", dst, src);
    return zhashx_lookup(ho.placement, k);
}

/* what identifies the question: the interface and tunnel name, or the
 * packet's addresses; 0 when it does not fit a memo */
static size_t memo_key(uint8_t *k, struct iom_if *oif, const struct pkt *p, const char *tunnel)
{
    if (oif->kind == IFK_TUNNEL_PRIVATE) {
        size_t n = tunnel ? strnlen(tunnel, 40) : 0;
        if (n == 40)
            return 0;
        memcpy(k, &oif, sizeof oif);
        memcpy(k + sizeof oif, tunnel ? tunnel : "", n);
        return sizeof oif + n;
    }
    bool v6 = (p->data[0] >> 4) == 6;
    size_t n = v6 ? 32 : 8;
    memcpy(k, p->data + (v6 ? 8 : 12), n); /* source and destination, adjacent */
    return n;
}

static const char *placed_isa(struct iom_if *oif, const struct pkt *p, const char *tunnel)
{
    if (!ho.placement)
        return NULL;
    bool private_side = oif->kind == IFK_TUNNEL_PRIVATE;
    if (!private_side && p->len < ((p->data[0] >> 4) == 6 ? 40u : 20u))
        return NULL;
    struct place_memo *m = &ho.memo[private_side];
    uint8_t k[sizeof m->key];
    size_t kl = memo_key(k, oif, p, tunnel);
    if (kl && m->gen == ho.placement_gen && m->key_len == kl && memcmp(m->key, k, kl) == 0)
        return m->isa;
    const char *isa = placement_lookup(oif, p, tunnel);
    if (kl) {
        m->gen = ho.placement_gen;
        memcpy(m->key, k, kl);
        m->key_len = kl;
        m->isa = isa;
    }
    return isa;
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

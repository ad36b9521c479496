/* MC-IPsec in the dataplane (the chapter, "Multi-Chassis IPsec redundancy"):
 * per tunnel group, whether this chassis is forwarding for it (master or
 * eligible: cpm's TunnelGroupConfig.mc_forwarding, then each McMastership).
 * Only where the group is forwarding are its local gateway addresses
 * answered (ARP/ND) on the Ethernet interfaces of their delivery service,
 * and announced (gratuitous ARP / unsolicited NA, at once and 300 ms later)
 * when it starts forwarding. Elsewhere, traffic that would go to the group's
 * ISAs is shunted to the interface's redundant next hop, or dropped. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"
#include "log.h"

#define MC_GARP_AGAIN_MS 300

struct mc_group {
    bool mc;                   /* mc-ipsec protects it */
    bool forwarding;           /* this chassis does its IKE/ESP */
    bool oper_up;              /* TunnelGroupConfig.oper_up: shunting needs it */
    char state[16];            /* MIMP state, for the log */
    uint64_t garp_due_ms;      /* the second announcement; 0: none */
    uint64_t shunted_pkts[2], shunted_octets[2]; /* [MC_PUBLIC], [MC_PRIVATE] */
};

/* A local gateway address of an MC group, in its delivery service. */
struct mc_gw {
    uint8_t family;
    uint8_t addr[16];
    uint32_t svc;
    unsigned group;
    uint8_t owners;            /* MC_GW_STATIC | MC_GW_DYNAMIC */
};

struct iom_mc {
    struct mc_group groups[IOM_MC_GROUPS + 1]; /* by tunnel-group id */
    struct mc_gw *gws;         /* sorted by (family, addr, svc) */
    size_t n_gws;
};

static struct iom_mc *mc_get(struct iom *iom)
{
    if (!iom->mc)
        iom->mc = calloc(1, sizeof *iom->mc);
    return iom->mc;
}

static size_t alen(int family)
{
    return family == AF_INET ? 4 : 16;
}

/* ---- the decisions (pure) --------------------------------------------------------- */

enum iom_mc_verdict iom_mc_decide(bool forwarding, bool oper_up, const struct iom_if *oif,
                                  int family, int gw, bool dynamic,
                                  const struct iom_rnh **rnh)
{
    *rnh = NULL;
    if (forwarding)
        return MC_TO_ISA;
    /* the chapter: "Shunting only works when tunnel-group is operationally up" */
    if (!oper_up)
        return MC_DROP_STANDBY;
    const struct iom_rnh *r;
    if (oif->kind == IFK_TUNNEL_PUBLIC) {
        /* by the gateway its destination belongs to: an ipsec-gw's address
         * (dynamic tunnels) or a static ipsec-tunnel's local gateway */
        if (gw == MC_GW_DYNAMIC)
            r = &oif->rnh_dynamic;
        else if (gw == MC_GW_STATIC)
            r = &oif->rnh_static;
        else if (gw == (MC_GW_STATIC | MC_GW_DYNAMIC))
            r = oif->rnh_static.family ? &oif->rnh_static : &oif->rnh_dynamic;
        else
            return MC_DROP_STANDBY; /* not a tunnel's address */
    } else {
        /* a reverse route is a dynamic tunnel's; a route naming a static
         * ipsec-tunnel, or none on an interface that holds static tunnels,
         * a static one's */
        bool dyn = dynamic || (!oif->mc_static && oif->mc_dynamic);
        r = dyn ? &oif->rnh_dynamic : &oif->rnh_static;
    }
    if (r->family != family)
        return MC_DROP_STANDBY; /* none configured (or of the other family) */
    *rnh = r;
    return MC_SHUNT;
}

bool iom_mc_loops(const struct iom_if *in_if, const uint8_t *src_ip, const uint8_t *src_mac,
                  const struct iom_if *oif, int family, const uint8_t *nh, const struct nbr *n)
{
    if (!in_if || in_if != oif)
        return false;
    if (memcmp(src_ip, nh, alen(family)) == 0)
        return true;
    return src_mac && n && n->state != NBR_INCOMPLETE && memcmp(n->mac, src_mac, ETH_ALEN) == 0;
}

/* ---- gateway addresses ---------------------------------------------------------------- */

static int gw_cmp(const void *a, const void *b)
{
    const struct mc_gw *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    int c = memcmp(x->addr, y->addr, 16);
    if (c)
        return c;
    return x->svc < y->svc ? -1 : x->svc > y->svc;
}

static const struct mc_gw *gw_find(const struct iom_mc *mc, int family, const uint8_t *addr,
                                   uint32_t svc)
{
    if (!mc || !mc->n_gws)
        return NULL;
    struct mc_gw key = { .family = (uint8_t)family, .svc = svc };
    memcpy(key.addr, addr, alen(family));
    return bsearch(&key, mc->gws, mc->n_gws, sizeof key, gw_cmp);
}

static bool group_is_mc(const struct iom_mc *mc, unsigned id)
{
    return id >= 1 && id <= IOM_MC_GROUPS && mc->groups[id].mc;
}

static void gw_add(struct iom_mc *mc, size_t *cap, const char *addr, uint32_t svc,
                   unsigned group, uint8_t owner)
{
    struct mc_gw g = { .svc = svc, .group = group, .owners = owner };
    if (!addr || !group_is_mc(mc, group))
        return;
    if (inet_pton(AF_INET, addr, g.addr) == 1)
        g.family = AF_INET;
    else if (inet_pton(AF_INET6, addr, g.addr) == 1)
        g.family = AF_INET6;
    else
        return;
    if (mc->n_gws == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        mc->gws = realloc(mc->gws, *cap * sizeof *mc->gws);
    }
    mc->gws[mc->n_gws++] = g;
}

/* Sorted, one entry per (address, service): many static tunnels share one. */
static void gw_index(struct iom_mc *mc)
{
    if (!mc->n_gws)
        return;
    qsort(mc->gws, mc->n_gws, sizeof *mc->gws, gw_cmp);
    size_t k = 0;
    for (size_t i = 1; i < mc->n_gws; i++) {
        if (gw_cmp(&mc->gws[k], &mc->gws[i]) == 0)
            mc->gws[k].owners |= mc->gws[i].owners;
        else
            mc->gws[++k] = mc->gws[i];
    }
    mc->n_gws = k + 1;
}

bool iom_mc_owns(const struct iom *iom, const struct iom_if *ifp, int family,
                 const uint8_t *addr)
{
    const struct mc_gw *g = gw_find(iom->mc, family, addr, ifp->svc);
    return g && ifp->port >= 0 && iom->mc->groups[g->group].forwarding;
}

bool iom_mc_gw6(const struct iom *iom, const struct iom_if *ifp, const uint8_t *addr, bool sn_tail)
{
    const struct iom_mc *mc = iom->mc;
    for (size_t i = 0; mc && i < mc->n_gws; i++) {
        const struct mc_gw *g = &mc->gws[i];
        if (g->family == AF_INET6 && g->svc == ifp->svc &&
            (sn_tail ? memcmp(g->addr + 13, addr, 3) == 0 : memcmp(g->addr, addr, 16) == 0))
            return true;
    }
    return false;
}

/* ---- announcements --------------------------------------------------------------------- */

static void announce_on(struct iom *iom, struct iom_if *ifp, unsigned group)
{
    const struct iom_mc *mc = iom->mc;
    for (size_t i = 0; i < mc->n_gws; i++) {
        const struct mc_gw *g = &mc->gws[i];
        if (g->svc != ifp->svc || (group && g->group != group) ||
            !mc->groups[g->group].forwarding)
            continue;
        if (g->family == AF_INET)
            arp_announce(iom, ifp, g->addr);
        else
            nd_announce(iom, ifp, g->addr);
    }
}

static void announce_group(struct iom *iom, unsigned group)
{
    for (size_t i = 0; i < iom->n_ifs; i++)
        if (iom->ifs[i]->mc_gw_if && iom->ifs[i]->oper_up)
            announce_on(iom, iom->ifs[i], group);
}

void iom_mc_if_up(struct iom *iom, struct iom_if *ifp)
{
    if (iom->mc && ifp->mc_gw_if)
        announce_on(iom, ifp, 0);
}

static int on_garp_again(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct iom *iom = arg;
    iom_mc_garp_again(iom);
    port_flush_all(iom);
    return 0;
}

void iom_mc_garp_again(struct iom *iom)
{
    struct iom_mc *mc = iom->mc;
    uint64_t now = mono_ms();
    for (unsigned id = 1; mc && id <= IOM_MC_GROUPS; id++) {
        struct mc_group *g = &mc->groups[id];
        if (!g->garp_due_ms || g->garp_due_ms > now + 20)
            continue;
        g->garp_due_ms = 0;
        if (g->mc && g->forwarding)
            announce_group(iom, id);
    }
}

/* ---- state ------------------------------------------------------------------------------- */

static void refresh_ifs(struct iom *iom)
{
    const struct iom_mc *mc = iom->mc;
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *ifp = iom->ifs[i];
        unsigned id = ifp->tunnel_group;
        ifp->mc_standby = (ifp->kind == IFK_TUNNEL_PRIVATE || ifp->kind == IFK_TUNNEL_PUBLIC) &&
                          group_is_mc(mc, id) && !mc->groups[id].forwarding;
    }
}

/* One group's new state; a group that starts forwarding announces its
 * gateway addresses at once and again MC_GARP_AGAIN_MS later. */
static void group_set(struct iom *iom, unsigned id, bool forwarding, const char *state)
{
    struct mc_group *g = &iom->mc->groups[id];
    bool was = g->forwarding;
    bool renamed = state && state[0] && strcmp(g->state, state) != 0;
    if (renamed)
        snprintf(g->state, sizeof g->state, "%s", state);
    g->forwarding = forwarding;
    if (was == forwarding && !renamed)
        return;
    log_info("mc_state", "group=%u state=%s forwarding=%s", id, log_q(g->state),
             forwarding ? "yes" : "no");
    if (!g->mc || !forwarding || was)
        return;
    announce_group(iom, id);
    g->garp_due_ms = mono_ms() + MC_GARP_AGAIN_MS;
    if (iom->loop)
        zloop_timer(iom->loop, MC_GARP_AGAIN_MS, 1, on_garp_again, iom);
}

static void rnh_parse(struct iom_rnh *r, const char *s)
{
    memset(r, 0, sizeof *r);
    if (!s || !s[0])
        return;
    if (inet_pton(AF_INET, s, r->addr) == 1)
        r->family = AF_INET;
    else if (inet_pton(AF_INET6, s, r->addr) == 1)
        r->family = AF_INET6;
}

static struct iom_if *if_find(struct iom *iom, uint32_t svc, const char *name)
{
    for (size_t i = 0; name && i < iom->n_ifs; i++)
        if (iom->ifs[i]->svc == svc && strcmp(iom->ifs[i]->name, name) == 0)
            return iom->ifs[i];
    return NULL;
}

void iom_mc_config(struct iom *iom, const Srlab__CardConfig *cfg)
{
    struct iom_mc *mc = mc_get(iom);
    bool mc_before[IOM_MC_GROUPS + 1];
    for (unsigned id = 0; id <= IOM_MC_GROUPS; id++) {
        mc_before[id] = mc->groups[id].mc;
        mc->groups[id].mc = false;
        mc->groups[id].oper_up = false;
    }
    for (size_t i = 0; i < cfg->n_tunnel_groups; i++) {
        const Srlab__TunnelGroupConfig *t = cfg->tunnel_groups[i];
        if (t->id < 1 || t->id > IOM_MC_GROUPS)
            continue;
        mc->groups[t->id].mc = t->mc_ipsec;
        mc->groups[t->id].oper_up = t->oper_up;
        if (!t->mc_ipsec)
            mc->groups[t->id].forwarding = false;
    }
    /* the gateway addresses of MC groups, by delivery service */
    free(mc->gws);
    mc->gws = NULL;
    mc->n_gws = 0;
    size_t cap = 0;
    for (size_t i = 0; i < cfg->n_ipsec_gws; i++) {
        const Srlab__IpsecGwConfig *g = cfg->ipsec_gws[i];
        gw_add(mc, &cap, g->local_gateway, g->delivery_svc, g->tunnel_group, MC_GW_DYNAMIC);
    }
    for (size_t i = 0; i < cfg->n_ipsec_tunnels; i++) {
        const Srlab__IpsecTunnelConfig *t = cfg->ipsec_tunnels[i];
        gw_add(mc, &cap, t->local_gateway, t->delivery_svc, t->tunnel_group, MC_GW_STATIC);
    }
    gw_index(mc);
    /* interfaces: redundant next hops, which tunnels a private one holds,
     * which Ethernet interfaces answer for gateway addresses */
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *ifp = iom->ifs[i];
        ifp->mc_gw_if = false;
        ifp->mc_static = ifp->mc_dynamic = false;
        if (ifp->port < 0)
            continue;
        for (size_t k = 0; k < mc->n_gws && !ifp->mc_gw_if; k++)
            ifp->mc_gw_if = mc->gws[k].svc == ifp->svc;
    }
    for (size_t s = 0; s < cfg->n_services; s++) {
        const Srlab__ServiceConfig *svc = cfg->services[s];
        for (size_t k = 0; k < svc->n_interfaces; k++) {
            const Srlab__InterfaceConfig *ic = svc->interfaces[k];
            struct iom_if *ifp = if_find(iom, svc->id, ic->name);
            if (!ifp)
                continue;
            rnh_parse(&ifp->rnh_static, ic->static_tunnel_rnh);
            rnh_parse(&ifp->rnh_dynamic, ic->dynamic_tunnel_rnh);
        }
    }
    for (size_t i = 0; i < cfg->n_ipsec_tunnels; i++) {
        struct iom_if *ifp = if_find(iom, cfg->ipsec_tunnels[i]->svc, cfg->ipsec_tunnels[i]->interface);
        if (ifp)
            ifp->mc_static = true;
    }
    for (size_t i = 0; i < cfg->n_ipsec_gws; i++) {
        struct iom_if *ifp = if_find(iom, cfg->ipsec_gws[i]->private_svc,
                                     cfg->ipsec_gws[i]->private_interface);
        if (ifp)
            ifp->mc_dynamic = true;
    }
    /* the mastership the push carries (the latest cpm knows) */
    for (size_t i = 0; i < cfg->n_tunnel_groups; i++) {
        const Srlab__TunnelGroupConfig *t = cfg->tunnel_groups[i];
        if (t->id < 1 || t->id > IOM_MC_GROUPS || !t->mc_ipsec)
            continue;
        if (!mc_before[t->id])
            mc->groups[t->id].forwarding = false; /* newly MC: announce if it forwards */
        group_set(iom, t->id, t->mc_forwarding, t->mc_state);
    }
    refresh_ifs(iom);
}

void iom_mc_mastership(struct iom *iom, const Srlab__McMastership *m)
{
    struct iom_mc *mc = mc_get(iom);
    unsigned ignored = 0;
    /* groups it does not name keep their state; the latest message wins */
    for (size_t i = 0; m && i < m->n_groups; i++) {
        const Srlab__McGroupState *s = m->groups[i];
        if (!s || s->group < 1 || s->group > IOM_MC_GROUPS) {
            ignored++;
            continue;
        }
        if (!mc->groups[s->group].mc) {
            /* not an MC group in our configuration: remembered, no effect */
            mc->groups[s->group].forwarding = s->forwarding;
            continue;
        }
        group_set(iom, s->group, s->forwarding, s->state);
    }
    if (ignored)
        log_warn("mc_mastership_ignored", "groups=%u reason=unknown-group-id", ignored);
    refresh_ifs(iom);
}

/* ---- shunting ---------------------------------------------------------------------------- */

void iom_mc_standby(struct iom *iom, struct iom_if *oif, struct pkt *p, bool dynamic)
{
    struct iom_mc *mc = iom->mc;
    unsigned id = oif->tunnel_group;
    bool v6 = (p->data[0] >> 4) == 6;
    int family = v6 ? AF_INET6 : AF_INET;
    if (!mc || !group_is_mc(mc, id) || p->len < (v6 ? 40u : 20u)) {
        iom_drop(iom, p, DROP_MC_STANDBY, p->in_port);
        return;
    }
    struct mc_group *g = &mc->groups[id];
    const uint8_t *src = p->data + (v6 ? 8 : 12), *dst = p->data + (v6 ? 24 : 16);
    int gw = MC_GW_NONE;
    if (oif->kind == IFK_TUNNEL_PUBLIC) {
        const struct mc_gw *e = gw_find(mc, family, dst, oif->svc);
        gw = e ? e->owners : MC_GW_NONE;
    }
    const struct iom_rnh *rnh;
    enum iom_mc_verdict v = iom_mc_decide(g->forwarding, g->oper_up, oif, family, gw, dynamic, &rnh);
    if (v != MC_SHUNT) {
        iom_drop(iom, p, DROP_MC_STANDBY, p->in_port);
        return;
    }
    /* the redundant next hop, resolved like any next hop in the same instance */
    const struct route *r = fib_lookup(&oif->inst->fib, family, rnh->addr);
    if (!r || r->blackhole || r->proto == ROUTE_LOCAL || !r->oif ||
        r->oif->kind == IFK_TUNNEL_PRIVATE || r->oif->kind == IFK_TUNNEL_PUBLIC) {
        iom_drop(iom, p, DROP_NO_ROUTE, p->in_port);
        return;
    }
    uint8_t nh[16];
    memcpy(nh, r->has_nh ? r->nh : rnh->addr, alen(family));
    const uint8_t *src_mac = p->in_port >= 0 && p->l2_len >= ETH_HDR_LEN &&
                                     (size_t)(p->data - p->head) >= p->l2_len
                                 ? p->data - p->l2_len + ETH_ALEN : NULL;
    if (iom_mc_loops(p->in_if, src, src_mac, r->oif, family, nh,
                     nbr_get(oif->inst, family, nh))) {
        iom_drop(iom, p, DROP_MC_SHUNT_LOOP, p->in_port);
        return;
    }
    int dir = oif->kind == IFK_TUNNEL_PUBLIC ? MC_PUBLIC : MC_PRIVATE;
    g->shunted_pkts[dir]++;
    g->shunted_octets[dir] += p->len;
    if (v6)
        ip6_send(iom, r->oif, p->in_if, p, nh);
    else
        ip4_send(iom, r->oif, p->in_if, p, nh);
}

/* ---- counters ---------------------------------------------------------------------------- */

void iom_mc_counters(const struct iom *iom, void (*emit)(void *arg, const char *name, uint64_t v),
                     void *arg)
{
    static const char *const dirs[2] = { "public", "private" };
    uint64_t pkts[2] = { 0 }, octets[2] = { 0 };
    const struct iom_mc *mc = iom->mc;
    for (unsigned id = 1; mc && id <= IOM_MC_GROUPS; id++)
        for (int d = 0; d < 2; d++) {
            pkts[d] += mc->groups[id].shunted_pkts[d];
            octets[d] += mc->groups[id].shunted_octets[d];
        }
    char name[64];
    for (int d = 0; d < 2; d++) {
        snprintf(name, sizeof name, "mc-shunted-%s-packets", dirs[d]);
        emit(arg, name, pkts[d]);
        snprintf(name, sizeof name, "mc-shunted-%s-octets", dirs[d]);
        emit(arg, name, octets[d]);
    }
    for (unsigned id = 1; mc && id <= IOM_MC_GROUPS; id++) {
        const struct mc_group *g = &mc->groups[id];
        if (!g->mc && !g->shunted_pkts[0] && !g->shunted_pkts[1])
            continue;
        for (int d = 0; d < 2; d++) {
            snprintf(name, sizeof name, "mc-shunted-tg%u-%s-packets", id, dirs[d]);
            emit(arg, name, g->shunted_pkts[d]);
            snprintf(name, sizeof name, "mc-shunted-tg%u-%s-octets", id, dirs[d]);
            emit(arg, name, g->shunted_octets[d]);
        }
    }
}

void iom_mc_free(struct iom *iom)
{
    if (!iom->mc)
        return;
    free(iom->mc->gws);
    free(iom->mc);
    iom->mc = NULL;
}

void iom_mc_gw_routes(struct iom *iom, struct iom_inst *inst, struct fib *f, uint64_t now)
{
    const struct iom_mc *mc = iom->mc;
    for (size_t i = 0; mc && i < mc->n_gws; i++) {
        const struct mc_gw *g = &mc->gws[i];
        struct route r = { .proto = ROUTE_IPSEC, .pref = 0, .family = g->family,
                           .plen = g->family == AF_INET ? 32 : 128, .since_ms = now };
        memcpy(r.addr, g->addr, 16);
        for (size_t k = 0; k < iom->n_ifs && !r.oif; k++) {
            struct iom_if *ifp = iom->ifs[k];
            if (ifp->inst == inst && ifp->svc == g->svc && ifp->kind == IFK_TUNNEL_PUBLIC && ifp->oper_up)
                r.oif = ifp;
        }
        if (r.oif)
            fib_add(f, &r);
    }
}

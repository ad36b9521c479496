/* Forwarding tables, one per routing instance: local, direct (connected) and
 * static routes. Longest-prefix match hashes (prefix length, masked
 * address) for each length present, longest first. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"

static size_t alen(int family)
{
    return family == AF_INET ? 4 : 16;
}

static void mask(uint8_t *out, const uint8_t *in, int family, int plen)
{
    size_t n = alen(family);
    for (size_t i = 0; i < n; i++) {
        int bits = plen - (int)i * 8;
        uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
        out[i] = in[i] & m;
    }
}

static size_t slot_of(const struct fib *f, int family, int plen, const uint8_t *masked)
{
    uint32_t h = 2166136261u ^ (uint32_t)(family * 131 + plen);
    size_t n = alen(family);
    for (size_t i = 0; i < n; i++)
        h = (h ^ masked[i]) * 16777619u;
    return h & (f->nslots - 1);
}

void fib_clear(struct fib *f)
{
    f->n = 0;
    if (f->slots)
        memset(f->slots, 0, f->nslots * sizeof *f->slots);
    memset(f->lens4, 0, sizeof f->lens4);
    memset(f->lens6, 0, sizeof f->lens6);
}

void fib_free(struct fib *f)
{
    free(f->routes);
    free(f->slots);
    memset(f, 0, sizeof *f);
}

struct route *fib_add(struct fib *f, const struct route *r)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->routes = realloc(f->routes, f->cap * sizeof *f->routes);
    }
    struct route *dst = &f->routes[f->n++];
    *dst = *r;
    mask(dst->addr, r->addr, r->family, r->plen);
    return dst;
}

/* Picks the best route per prefix (lowest preference, then lowest next hop)
 * among active candidates, and indexes it. */
void fib_build_index(struct fib *f)
{
    size_t want = 64;
    while (want < f->n * 2)
        want *= 2;
    if (want != f->nslots) {
        free(f->slots);
        f->slots = calloc(want, sizeof *f->slots);
        f->nslots = want;
    } else {
        memset(f->slots, 0, f->nslots * sizeof *f->slots);
    }
    memset(f->lens4, 0, sizeof f->lens4);
    memset(f->lens6, 0, sizeof f->lens6);
    for (size_t i = 0; i < f->n; i++) {
        struct route *r = &f->routes[i];
        r->active = false;
    }
    for (size_t i = 0; i < f->n; i++) {
        struct route *r = &f->routes[i];
        if (!r->oif && !r->blackhole)
            continue; /* unresolved */
        size_t s = slot_of(f, r->family, r->plen, r->addr);
        for (;;) {
            struct route *cur = f->slots[s];
            if (!cur) {
                f->slots[s] = r;
                break;
            }
            if (cur->family == r->family && cur->plen == r->plen &&
                memcmp(cur->addr, r->addr, alen(r->family)) == 0) {
                bool better = r->pref < cur->pref ||
                              (r->pref == cur->pref &&
                               memcmp(r->nh, cur->nh, alen(r->family)) < 0);
                if (better)
                    f->slots[s] = r;
                break;
            }
            s = (s + 1) & (f->nslots - 1);
        }
        if (r->family == AF_INET)
            f->lens4[0] |= 1ull << r->plen; /* lengths 0..32 */
        else
            f->lens6[r->plen / 64] |= 1ull << (r->plen % 64);
    }
    for (size_t s = 0; s < f->nslots; s++)
        if (f->slots[s])
            f->slots[s]->active = true;
}

static bool has_len(const struct fib *f, int family, int plen)
{
    if (family == AF_INET)
        return (f->lens4[0] >> plen) & 1;
    return (f->lens6[plen / 64] >> (plen % 64)) & 1;
}

const struct route *fib_lookup(const struct fib *f, int family, const uint8_t *addr)
{
    if (!f->nslots)
        return NULL;
    int maxlen = family == AF_INET ? 32 : 128;
    uint8_t m[16];
    for (int plen = maxlen; plen >= 0; plen--) {
        if (!has_len(f, family, plen))
            continue;
        mask(m, addr, family, plen);
        size_t s = slot_of(f, family, plen, m);
        for (;;) {
            const struct route *r = f->slots[s];
            if (!r)
                break;
            if (r->family == family && r->plen == plen && memcmp(r->addr, m, alen(family)) == 0)
                return r;
            s = (s + 1) & (f->nslots - 1);
        }
    }
    return NULL;
}

/* ---- building an instance's table from its interfaces and static routes --------- */

/* The direct route of an up interface that covers nh, if any: looked up in
 * a table of the direct routes alone (an instance may have thousands of
 * tunnel interfaces and static routes: no scan per route). */
static struct iom_if *resolve_nh(const struct fib *direct, int family, const uint8_t *nh)
{
    const struct route *r = fib_lookup(direct, family, nh);
    return r ? r->oif : NULL;
}

/* The private interface of each operationally up ipsec-tunnel, by the
 * tunnel's name (made once per table: a static route per tunnel). */
static zhashx_t *ipsec_tunnel_ifs(struct iom *iom)
{
    zhashx_t *ifs = zhashx_new(), *by_tunnel = zhashx_new();
    for (size_t k = 0; k < iom->n_ifs; k++) {
        char key[128];
        snprintf(key, sizeof key, "%u|%s", iom->ifs[k]->svc, iom->ifs[k]->name);
        zhashx_insert(ifs, key, iom->ifs[k]);
    }
    for (size_t i = 0; iom->config && i < iom->config->n_ipsec_tunnels; i++) {
        const Srlab__IpsecTunnelConfig *t = iom->config->ipsec_tunnels[i];
        char key[128];
        snprintf(key, sizeof key, "%u|%s", t->svc, t->interface);
        struct iom_if *ifp = t->oper_up ? zhashx_lookup(ifs, key) : NULL;
        if (ifp)
            zhashx_insert(by_tunnel, t->name, ifp);
    }
    zhashx_destroy(&ifs);
    return by_tunnel;
}

static void add_dyn_routes(struct iom *iom, struct iom_inst *inst, struct fib *f, uint64_t now);

static void add_if_routes(struct fib *f, struct iom_if *ifp, uint64_t now)
{
    if (!ifp->oper_up)
        return;
    struct route r = { .family = AF_INET, .pref = 0, .oif = ifp, .since_ms = now };
    if (ifp->has_v4) {
        r.proto = ROUTE_LOCAL;
        r.plen = 32;
        memcpy(r.addr, ifp->v4, 4);
        fib_add(f, &r);
        r.proto = ROUTE_DIRECT;
        r.plen = (uint8_t)ifp->v4_len;
        fib_add(f, &r);
    }
    r.family = AF_INET6;
    for (int i = 0; i < ifp->n6; i++) {
        r.proto = ROUTE_LOCAL;
        r.plen = 128;
        memcpy(r.addr, ifp->v6[i], 16);
        fib_add(f, &r);
        r.proto = ROUTE_DIRECT;
        r.plen = (uint8_t)ifp->v6_len[i];
        memcpy(r.addr, ifp->v6[i], 16);
        fib_add(f, &r);
    }
}

void fib_rebuild(struct iom *iom, struct iom_inst *inst)
{
    struct fib *f = &inst->fib;
    uint64_t now = mono_ms();
    fib_clear(f);
    for (size_t i = 0; i < iom->n_ifs; i++)
        if (iom->ifs[i]->inst == inst)
            add_if_routes(f, iom->ifs[i], now);
    struct fib direct = { 0 };
    for (size_t i = 0; i < f->n; i++)
        if (f->routes[i].proto == ROUTE_DIRECT && f->routes[i].oif && f->routes[i].oif->oper_up)
            fib_add(&direct, &f->routes[i]);
    fib_build_index(&direct);
    zhashx_t *tunnel_ifs = NULL;
    /* static routes of the instance (Base: the router's; VPRN: its own) */
    const Srlab__CardConfig *cfg = iom->config;
    for (size_t s = 0; cfg && s < cfg->n_services; s++) {
        const Srlab__ServiceConfig *svc = cfg->services[s];
        bool mine = inst->id == 0 ? svc->type == SRLAB__SERVICE_TYPE__SVC_BASE
                                  : svc->type == SRLAB__SERVICE_TYPE__SVC_VPRN && svc->id == inst->id;
        if (!mine || (!svc->admin_up && svc->type != SRLAB__SERVICE_TYPE__SVC_BASE))
            continue;
        for (size_t k = 0; k < svc->n_static_routes; k++) {
            const Srlab__StaticRoute *sr = svc->static_routes[k];
            struct route r = { .proto = ROUTE_STATIC, .pref = 5, .metric = 1, .since_ms = now };
            int family, plen;
            if (!sr->admin_up || !prefix_parse(sr->prefix, &family, r.addr, &plen))
                continue;
            r.family = (uint8_t)family;
            r.plen = (uint8_t)plen;
            if (sr->tunnel[0]) {
                if (!tunnel_ifs)
                    tunnel_ifs = ipsec_tunnel_ifs(iom);
                r.oif = zhashx_lookup(tunnel_ifs, sr->tunnel);
                if (r.oif && !r.oif->oper_up)
                    r.oif = NULL;
                if (!r.oif)
                    continue; /* the tunnel is down: no route */
                snprintf(r.tunnel, sizeof r.tunnel, "%s", sr->tunnel);
            } else if (strcmp(sr->next_hop, "black-hole") == 0) {
                r.blackhole = true;
            } else {
                if (inet_pton(family, sr->next_hop, r.nh) != 1)
                    continue; /* an IPv4 next hop of an IPv6 prefix: not usable */
                r.has_nh = true;
                r.oif = resolve_nh(&direct, family, r.nh);
            }
            fib_add(f, &r);
        }
    }
    fib_free(&direct);
    zhashx_destroy(&tunnel_ifs);
    add_dyn_routes(iom, inst, f, now);
    iom_mc_gw_routes(iom, inst, f, now);
    fib_build_index(f);
}

/* ---- reverse routes of dynamic tunnels ---- */

static void dyn_free(void **item)
{
    free(*item);
    *item = NULL;
}

static void dyn_key(char *k, size_t len, uint32_t svc, const char *prefix, const char *tunnel)
{
    snprintf(k, len, "%u|%s|%s", svc, prefix, tunnel);
}

static void dyn_add(struct iom *iom, const Srlab__DynamicRoute *r)
{
    char k[200];
    dyn_key(k, sizeof k, r->svc, r->prefix, r->tunnel);
    struct dyn_route *d = zhashx_lookup(iom->dyn_routes, k);
    if (!d) {
        d = calloc(1, sizeof *d);
        zhashx_insert(iom->dyn_routes, k, d);
    }
    d->svc = r->svc;
    snprintf(d->prefix, sizeof d->prefix, "%s", r->prefix);
    snprintf(d->tunnel, sizeof d->tunnel, "%s", r->tunnel);
    snprintf(d->ifname, sizeof d->ifname, "%s", r->interface);
    snprintf(d->isa, sizeof d->isa, "%s", r->isa);
    handoff_place(d->svc, d->ifname, d->tunnel, d->isa);
}

void iom_dyn_routes_load(struct iom *iom, const Srlab__CardConfig *cfg)
{
    if (!iom->dyn_routes) {
        iom->dyn_routes = zhashx_new();
        zhashx_set_destructor(iom->dyn_routes, dyn_free);
    }
    zhashx_purge(iom->dyn_routes);
    for (size_t i = 0; i < cfg->n_dynamic_routes; i++)
        dyn_add(iom, cfg->dynamic_routes[i]);
}

void iom_route_update(struct iom *iom, const Srlab__RouteUpdate *u)
{
    if (!iom->dyn_routes) {
        iom->dyn_routes = zhashx_new();
        zhashx_set_destructor(iom->dyn_routes, dyn_free);
    }
    for (size_t i = 0; i < u->n_remove; i++) {
        char k[200];
        const Srlab__DynamicRoute *r = u->remove[i];
        dyn_key(k, sizeof k, r->svc, r->prefix, r->tunnel);
        if (zhashx_lookup(iom->dyn_routes, k)) {
            zhashx_delete(iom->dyn_routes, k);
            handoff_place(r->svc, r->interface, r->tunnel, NULL);
        }
    }
    for (size_t i = 0; i < u->n_add; i++)
        dyn_add(iom, u->add[i]);
    /* many updates arrive together while tunnels come up: one rebuild */
    iom->fib_dirty = true;
}

static void add_dyn_routes(struct iom *iom, struct iom_inst *inst, struct fib *f, uint64_t now)
{
    if (!iom->dyn_routes)
        return;
    for (struct dyn_route *d = zhashx_first(iom->dyn_routes); d; d = zhashx_next(iom->dyn_routes)) {
        if (d->svc != inst->id)
            continue;
        struct route r = { .proto = ROUTE_IPSEC, .pref = 5, .metric = 1, .since_ms = now };
        int family, plen;
        if (!prefix_parse(d->prefix, &family, r.addr, &plen))
            continue;
        r.family = (uint8_t)family;
        r.plen = (uint8_t)plen;
        for (size_t k = 0; k < iom->n_ifs && !r.oif; k++)
            if (iom->ifs[k]->svc == d->svc && strcmp(iom->ifs[k]->name, d->ifname) == 0 &&
                iom->ifs[k]->oper_up)
                r.oif = iom->ifs[k];
        if (!r.oif)
            continue;
        snprintf(r.tunnel, sizeof r.tunnel, "%s", d->tunnel);
        fib_add(f, &r);
    }
}

void iom_rebuild_all_fibs(struct iom *iom)
{
    for (struct iom_inst *inst = iom->insts; inst; inst = inst->next)
        fib_rebuild(iom, inst);
}

/* GRE and IP-IP tunnels as cpm sees them: each ip-tunnel resolved from
 * the configuration (its private interface, delivery service, public
 * interface, the remote in use), its operational state with the reasons
 * it is down, and the ISA that holds it. Pushes and show commands use this
 * one view. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "pkt.h"

static bool in_prefix(int family, const uint8_t *addr, const char *prefix)
{
    int f, len;
    uint8_t p[16];
    if (!prefix || !prefix_parse(prefix, &f, p, &len) || f != family)
        return false;
    for (int b = 0; b < len; b++)
        if (((addr[b / 8] ^ p[b / 8]) >> (7 - b % 8)) & 1)
            return false;
    return true;
}

static bool parse_ip(const char *s, int *family, uint8_t *out)
{
    if (!s)
        return false;
    *family = strchr(s, ':') ? AF_INET6 : AF_INET;
    return inet_pton(*family, s, out) == 1;
}

/* True when addr is inside a subnet of the interface. */
static bool if_covers(struct cfg_node *iface, int family, const uint8_t *addr)
{
    if (family == AF_INET)
        return in_prefix(family, addr, cfg_leaf(iface, "address", "address"));
    cfg_each(a6, cfg_child(iface, "ipv6"), "address")
        if (in_prefix(family, addr, cfg_get(a6, "address")))
            return true;
    return false;
}

/* The interfaces of a routing instance: Base (svc 0: router + IES) or a VPRN. */
typedef void if_visit_fn(void *arg, struct cfg_node *svc, struct cfg_node *iface);

static void each_instance_if(struct cpm *cpm, uint32_t inst, if_visit_fn *fn, void *arg)
{
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    if (inst == 0) {
        cfg_each(iface, cfg_child(cpm->tree->root, "router"), "interface")
            fn(arg, NULL, iface);
        cfg_each(ies, svcroot, "ies") cfg_each(iface, ies, "interface") fn(arg, ies, iface);
        return;
    }
    char id[16];
    snprintf(id, sizeof id, "%u", inst);
    struct cfg_node *vprn = cfg_find(cpm->tree, svcroot, "vprn", id);
    cfg_each(iface, vprn, "interface") fn(arg, vprn, iface);
}

/* The routing instance a service id belongs to: IES -> Base (0), VPRN -> itself. */
static uint32_t instance_of(struct cpm *cpm, uint32_t svc)
{
    char id[16];
    snprintf(id, sizeof id, "%u", svc);
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    return cfg_find(cpm->tree, svcroot, "vprn", id) ? svc : 0;
}

struct reach {
    struct cpm *cpm;
    int family;
    const uint8_t *addr;
    bool found;
};

static void reach_if(void *arg, struct cfg_node *svc, struct cfg_node *iface)
{
    struct reach *r = arg;
    if (!r->found && oper_interface_up(r->cpm, svc, iface) && if_covers(iface, r->family, r->addr))
        r->found = true;
}

/* Whether addr has a route in the instance: a connected subnet of an up
 * interface, or a static route whose next hop is on one. The same rules
 * the IOMs' forwarding tables follow (iom/fib.c). */
bool route_reachable(struct cpm *cpm, uint32_t inst, int family, const uint8_t *addr)
{
    struct reach r = { cpm, family, addr, false };
    each_instance_if(cpm, inst, reach_if, &r);
    if (r.found)
        return true;
    struct cfg_node *holder = inst == 0 ? cfg_child(cpm->tree->root, "router") : NULL;
    if (inst) {
        char id[16];
        snprintf(id, sizeof id, "%u", inst);
        holder = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "service"), "vprn", id);
    }
    cfg_each(sre, holder, "static-route-entry") {
        if (!in_prefix(family, addr, sre->key))
            continue;
        if (cfg_child(sre, "black-hole"))
            continue;
        cfg_each(nh, sre, "next-hop") {
            int f;
            uint8_t nha[16];
            if (!nh->admin_up || !parse_ip(nh->key, &f, nha) || f != family)
                continue;
            struct reach n = { cpm, f, nha, false };
            each_instance_if(cpm, inst, reach_if, &n);
            if (n.found)
                return true;
        }
    }
    return false;
}

struct pub_search {
    struct cpm *cpm;
    unsigned group;
    int family;
    const uint8_t *src;
    struct cfg_node *found;
    bool up;
};

static void find_public(void *arg, struct cfg_node *svc, struct cfg_node *iface)
{
    struct pub_search *ps = arg;
    struct cfg_node *sap = cfg_child(iface, "sap");
    char want[32];
    snprintf(want, sizeof want, "tunnel-%u.public:", ps->group);
    if (ps->found || !svc || !sap || strncmp(sap->key, want, strlen(want)) != 0)
        return;
    if (if_covers(iface, ps->family, ps->src)) {
        ps->found = iface;
        ps->up = oper_interface_up(ps->cpm, svc, iface);
    }
}

static void add_flag(char *flags, size_t len, const char *flag)
{
    size_t o = strlen(flags);
    snprintf(flags + o, len - o, "%s%s", o ? " " : "", flag);
}

/* What a static IPsec tunnel needs besides its addresses: a security
 * policy, and manual keys in both directions. */
static void ipsec_flags(struct cfg_node *tun, char *fl, size_t fll)
{
    if (!cfg_child(tun, "security-policy"))
        add_flag(fl, fll, "no-security-policy");
    struct cfg_node *dk = cfg_child(tun, "dynamic-keying");
    if (dk) {
        if (!cfg_child(dk, "ike-policy"))
            add_flag(fl, fll, "no-ike-policy");
        if (!cfg_child(dk, "pre-shared-key"))
            add_flag(fl, fll, "no-pre-shared-key");
        if (!cfg_child(dk, "transform"))
            add_flag(fl, fll, "no-transform");
        return;
    }
    struct cfg_node *mk = cfg_child(tun, "manual-keying");
    bool in = false, out = false;
    cfg_each(sa, mk, "security-association") {
        if (strcmp(cfg_get(sa, "direction"), "inbound") == 0)
            in = true;
        else
            out = true;
    }
    if (!mk)
        add_flag(fl, fll, "no-keying");
    else if (!in || !out)
        add_flag(fl, fll, !in ? "no-inbound-sa" : "no-outbound-sa");
}

int tunnels_resolve(struct cpm *cpm, struct tunnel_view **out)
{
    struct tunnel_view *tv = NULL;
    int n = 0;
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    for (struct cfg_node *svc = svcroot ? svcroot->child : NULL; svc; svc = svc->next) {
        if (strcmp(svc->sc->word, "ies") && strcmp(svc->sc->word, "vprn"))
            continue;
        cfg_each(iface, svc, "interface") {
            struct cfg_node *sap = cfg_child(iface, "sap");
            unsigned group, tag;
            if (!sap || sscanf(sap->key, "tunnel-%u.private:%u", &group, &tag) != 2)
                continue;
            for (struct cfg_node *tun = sap->child; tun; tun = tun->next) {
                bool ipsec = strcmp(tun->sc->word, "ipsec-tunnel") == 0;
                if (!ipsec && strcmp(tun->sc->word, "ip-tunnel") != 0)
                    continue;
                tv = realloc(tv, sizeof *tv * (size_t)(n + 1));
                struct tunnel_view *t = &tv[n++];
                memset(t, 0, sizeof *t);
                t->node = tun;
                t->ipsec = ipsec;
                t->svc_node = svc;
                t->iface = iface;
                t->sap = sap;
                t->group = group;
                t->tag = tag;
                t->svc = (uint32_t)strtoul(svc->key, NULL, 10);
                struct cfg_node *lga = ipsec ? cfg_child(tun, "local-gateway-address") : NULL;
                t->delivery_svc = (uint32_t)cfg_get_int(ipsec ? lga : cfg_child(tun, "delivery-service"),
                                                        "svc", 0);
                const char *src = ipsec ? cfg_get(lga, "ip") : cfg_leaf(tun, "source", "ip");
                const char *rip = ipsec ? cfg_get(lga, "peer") : cfg_leaf(tun, "remote-ip", "ip");
                const char *bip = ipsec ? NULL : cfg_leaf(tun, "backup-remote-ip", "ip");
                t->source = src;
                t->remote = rip;
                char *fl = t->flags;
                size_t fll = sizeof t->flags;
                if (!tun->admin_up)
                    add_flag(fl, fll, "admin-down");
                if (!oper_interface_up(cpm, svc, iface))
                    add_flag(fl, fll, "interface-down");
                if (ipsec)
                    ipsec_flags(tun, fl, fll);
                cfg_each(d, tun, "dest-ip") {
                    int f;
                    uint8_t a[16];
                    if (!parse_ip(cfg_get(d, "ip"), &f, a) || !if_covers(iface, f, a)) {
                        add_flag(fl, fll, "dest-ip-not-in-subnet");
                        break;
                    }
                }
                char g[8], flags[64];
                snprintf(g, sizeof g, "%u", group);
                struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"),
                                               "tunnel-group", g);
                if (!tg || strcmp(oper_tunnel_group(cpm, tg, flags, sizeof flags), "up") != 0)
                    add_flag(fl, fll, "tunnel-group-down");
                int sf = 0, rf = 0;
                uint8_t sa[16], ra[16];
                if (!src || !parse_ip(src, &sf, sa))
                    add_flag(fl, fll, ipsec ? "no-local-gateway-address" : "no-source");
                if (!rip || !parse_ip(rip, &rf, ra))
                    add_flag(fl, fll, ipsec ? "no-peer" : "no-remote");
                char d[16];
                snprintf(d, sizeof d, "%u", t->delivery_svc);
                struct cfg_node *dsvc = cfg_find(cpm->tree, svcroot, "vprn", d);
                if (!dsvc)
                    dsvc = cfg_find(cpm->tree, svcroot, "ies", d);
                if (!dsvc || !dsvc->admin_up) {
                    add_flag(fl, fll, "delivery-service-down");
                } else if (src && sf) {
                    struct pub_search ps = { cpm, group, sf, sa, NULL, false };
                    uint32_t inst = instance_of(cpm, t->delivery_svc);
                    each_instance_if(cpm, inst, find_public, &ps);
                    if (!ps.found)
                        add_flag(fl, fll, ipsec ? "local-gateway-not-in-public-subnet"
                                                : "source-not-in-public-subnet");
                    else if (!ps.up)
                        add_flag(fl, fll, "public-interface-down");
                    t->public_iface = ps.found;
                    /* the remote in use: remote-ip, else a reachable backup */
                    if (rip && rf) {
                        int bf = 0;
                        uint8_t ba[16];
                        bool primary = route_reachable(cpm, inst, rf, ra);
                        if (!primary && bip && parse_ip(bip, &bf, ba) &&
                            route_reachable(cpm, inst, bf, ba))
                            t->remote = bip;
                        else if (!primary)
                            add_flag(fl, fll, ipsec ? "peer-unreachable" : "remote-unreachable");
                    }
                }
                t->oper_up = fl[0] == 0;
            }
        }
    }
    /* placement: each tunnel on one active ISA of its group, spread in
     * turn, never more than isa-scale-mode allows on one ISA; counted per
     * group as we go (thousands of tunnels: no rescan of the earlier ones) */
    struct placing {
        bool known;
        int nact, seen;
        long limit, used[16];
        const char *act[16];
    } groups[17] = { { 0 } };
    for (int i = 0; i < n; i++) {
        if (tv[i].group < 1 || tv[i].group > 16)
            continue;
        struct placing *pg = &groups[tv[i].group];
        if (!pg->known) {
            char g[8];
            snprintf(g, sizeof g, "%u", tv[i].group);
            struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
            pg->known = true;
            pg->nact = tg ? tunnel_group_active_isas(cpm, tg, pg->act, 16) : 0;
            pg->limit = tg ? tunnel_group_limit(tg) : 0;
        }
        if (!pg->nact)
            continue;
        int k = pg->seen++;
        for (int tries = 0; tries < pg->nact; tries++) {
            int a = (k + tries) % pg->nact;
            if (pg->used[a] < pg->limit) {
                pg->used[a]++;
                snprintf(tv[i].isa, sizeof tv[i].isa, "%s", pg->act[a]);
                break;
            }
        }
        if (!tv[i].isa[0]) {
            add_flag(tv[i].flags, sizeof tv[i].flags, "no-resources");
            tv[i].oper_up = false;
        }
    }
    *out = tv;
    return n;
}

/* ---- IPsec gateways ------------------------------------------------------------- */

static struct cfg_node *find_service(struct cpm *cpm, const char *id)
{
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    struct cfg_node *s = cfg_find(cpm->tree, svcroot, "vprn", id);
    return s ? s : cfg_find(cpm->tree, svcroot, "ies", id);
}

/* default-secure-service: by id, or by the service's name */
static struct cfg_node *secure_service(struct cpm *cpm, struct cfg_node *dss)
{
    if (!dss)
        return NULL;
    if (cfg_get(dss, "svc"))
        return find_service(cpm, cfg_get(dss, "svc"));
    const char *name = cfg_get(dss, "svcname");
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    for (struct cfg_node *s = svcroot ? svcroot->child : NULL; s; s = s->next)
        if (name && cfg_get(s, "name") && strcmp(cfg_get(s, "name"), name) == 0)
            return s;
    return NULL;
}

int gateways_resolve(struct cpm *cpm, struct gw_view **out)
{
    struct gw_view *gv = NULL;
    int n = 0;
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    for (struct cfg_node *svc = svcroot ? svcroot->child : NULL; svc; svc = svc->next) {
        if (strcmp(svc->sc->word, "ies") && strcmp(svc->sc->word, "vprn"))
            continue;
        cfg_each(iface, svc, "interface") {
            struct cfg_node *sap = cfg_child(iface, "sap");
            unsigned group, tag;
            if (!sap || sscanf(sap->key, "tunnel-%u.public:%u", &group, &tag) != 2)
                continue;
            cfg_each(gw, sap, "ipsec-gw") {
                gv = realloc(gv, sizeof *gv * (size_t)(n + 1));
                struct gw_view *g = &gv[n++];
                memset(g, 0, sizeof *g);
                g->node = gw;
                g->svc_node = svc;
                g->iface = iface;
                g->sap = sap;
                g->group = group;
                g->svc = (uint32_t)strtoul(svc->key, NULL, 10);
                g->local = cfg_leaf(gw, "local-gateway-address", "ip");
                char *fl = g->flags;
                size_t fll = sizeof g->flags;
                if (!gw->admin_up)
                    add_flag(fl, fll, "admin-down");
                if (!oper_interface_up(cpm, svc, iface))
                    add_flag(fl, fll, "interface-down");
                int f;
                uint8_t a[16];
                if (!g->local || !parse_ip(g->local, &f, a))
                    add_flag(fl, fll, "no-local-gateway-address");
                else if (!if_covers(iface, f, a))
                    add_flag(fl, fll, "local-gateway-not-in-subnet");
                char gid[8], flags[64];
                snprintf(gid, sizeof gid, "%u", group);
                struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"),
                                               "tunnel-group", gid);
                if (!tg || strcmp(oper_tunnel_group(cpm, tg, flags, sizeof flags), "up") != 0)
                    add_flag(fl, fll, "tunnel-group-down");
                struct cfg_node *dss = cfg_child(gw, "default-secure-service");
                g->private_svc_node = secure_service(cpm, dss);
                if (!g->private_svc_node) {
                    add_flag(fl, fll, "no-default-secure-service");
                } else {
                    g->private_svc = (uint32_t)strtoul(g->private_svc_node->key, NULL, 10);
                    g->private_iface = cfg_find(cpm->tree, g->private_svc_node, "interface",
                                                cfg_get(dss, "interface"));
                    struct cfg_node *psap = cfg_child(g->private_iface, "sap");
                    if (!g->private_iface || !psap || !strstr(psap->key, ".private:"))
                        add_flag(fl, fll, "no-private-tunnel-interface");
                    else if (!oper_interface_up(cpm, g->private_svc_node, g->private_iface))
                        add_flag(fl, fll, "private-interface-down");
                }
                if (!cfg_child(gw, "ike-policy"))
                    add_flag(fl, fll, "no-ike-policy");
                if (!cfg_child(gw, "default-tunnel-template"))
                    add_flag(fl, fll, "no-tunnel-template");
                if (!cfg_child(gw, "pre-shared-key"))
                    add_flag(fl, fll, "no-pre-shared-key");
                const char *act[16];
                int nact = tg ? tunnel_group_active_isas(cpm, tg, act, 16) : 0;
                if (nact)
                    snprintf(g->isa, sizeof g->isa, "%s", act[0]);
                g->oper_up = fl[0] == 0;
            }
        }
    }
    *out = gv;
    return n;
}

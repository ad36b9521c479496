/* The IPsec part of the configuration push: static tunnels (manual or
 * dynamic keying), IPsec gateways, and the IKE and ESP policies they use,
 * resolved so the ISA needs nothing else. Keys and pre-shared keys go only
 * to the ISA holding the tunnel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cpm.h"
#include "grammar.h"

#define PUSH(arena, msg, field, item) \
    arena_push(arena, (void ***)&(msg)->field, &(msg)->n_##field, item)

static struct cfg_node *ipsec_root(struct cpm *cpm)
{
    return cfg_child(cpm->tree->root, "ipsec");
}

/* ike-policy ID with its ike-transforms, SR OS defaults filled in. */
static Srlab__IkePolicyConfig *build_ike_policy(struct arena *a, struct cpm *cpm, const char *id)
{
    struct cfg_node *p = id ? cfg_find(cpm->tree, ipsec_root(cpm), "ike-policy", id) : NULL;
    if (!p)
        return NULL;
    Srlab__IkePolicyConfig *c = arena_alloc(a, sizeof *c);
    srlab__ike_policy_config__init(c);
    c->id = (uint32_t)atoi(id);
    struct cfg_node *its = cfg_child(p, "ike-transform");
    static const char *const slots[] = { "t1", "t2", "t3", "t4" };
    for (int k = 0; its && k < 4; k++) {
        const char *tid = cfg_get(its, slots[k]);
        struct cfg_node *t = tid ? cfg_find(cpm->tree, ipsec_root(cpm), "ike-transform", tid) : NULL;
        if (!t)
            continue;
        Srlab__IkeTransformConfig *x = arena_alloc(a, sizeof *x);
        srlab__ike_transform_config__init(x);
        x->id = (uint32_t)atoi(tid);
        x->dh_group = (uint32_t)cfg_get_int(cfg_child(t, "dh-group"), "group", 2);
        const char *enc = cfg_leaf(t, "ike-encryption-algorithm", "algorithm");
        const char *auth = cfg_leaf(t, "ike-auth-algorithm", "algorithm");
        const char *prf = cfg_leaf(t, "ike-prf-algorithm", "algorithm");
        x->encryption = arena_strdup(a, enc ? enc : "aes128");
        x->auth = arena_strdup(a, auth ? auth : "sha1");
        /* the chapter: the configured authentication algorithm is the PRF
         * unless one is given (auth-encryption has none: then sha256) */
        if (!prf || strcmp(prf, "same-as-auth") == 0)
            prf = strcmp(x->auth, "auth-encryption") == 0 ? "sha256" : x->auth;
        x->prf = arena_strdup(a, prf);
        x->lifetime_s = (uint32_t)cfg_get_int(cfg_child(t, "isakmp-lifetime"), "seconds", 86400);
        PUSH(a, c, transforms, x);
    }
    const char *am = cfg_leaf(p, "auth-method", "method");
    c->auth_method = arena_strdup(a, am ? am : "psk");
    c->ipsec_lifetime_s = (uint32_t)cfg_get_int(cfg_child(p, "ipsec-lifetime"), "seconds", 3600);
    struct cfg_node *pfs = cfg_child(p, "pfs");
    c->pfs = pfs != NULL;
    c->pfs_group = (uint32_t)cfg_get_int(pfs, "group", 0);
    struct cfg_node *dpd = cfg_child(p, "dpd");
    c->dpd = dpd != NULL;
    c->dpd_interval_s = (uint32_t)cfg_get_int(dpd, "interval", 30);
    c->dpd_retries = (uint32_t)cfg_get_int(dpd, "retries", 3);
    c->dpd_reply_only = dpd && cfg_hit(dpd, "reply-only");
    struct cfg_node *nat = cfg_child(p, "nat-traversal");
    c->nat_force = nat && cfg_hit(nat, "force");
    c->nat_keepalive_s = (uint32_t)cfg_get_int(nat, "seconds", 0);
    c->nat_force_keepalive = nat && cfg_hit(nat, "force-keep-alive");
    struct cfg_node *lo = cfg_child(p, "lockout");
    c->lockout = lo != NULL;
    c->lockout_attempts = (uint32_t)cfg_get_int(lo, "attempts", 3);
    c->lockout_duration_min = (uint32_t)cfg_get_int(lo, "duration", 5);
    c->lockout_block_min = (uint32_t)cfg_get_int(lo, "block", 0); /* infinite: 0 */
    c->lockout_max_ports = (uint32_t)cfg_get_int(lo, "ports", 16);
    struct cfg_node *fr = cfg_child(p, "ikev2-fragment");
    c->frag_mtu = (uint32_t)cfg_get_int(fr, "mtu", 0);
    c->frag_timeout_s = (uint32_t)cfg_get_int(fr, "timeout", 2);
    return c;
}

/* `transform T1 [T2 ...]`: ipsec-transforms in order of preference. */
static void push_esp_transforms(struct arena *a, struct cpm *cpm, struct cfg_node *list,
                                const Srlab__IkePolicyConfig *pol, Srlab__EspTransformConfig ***arr,
                                size_t *n)
{
    static const char *const slots[] = { "t1", "t2", "t3", "t4" };
    for (int k = 0; list && k < 4; k++) {
        const char *tid = cfg_get(list, slots[k]);
        struct cfg_node *t = tid ? cfg_find(cpm->tree, ipsec_root(cpm), "ipsec-transform", tid) : NULL;
        if (!t)
            continue;
        Srlab__EspTransformConfig *x = arena_alloc(a, sizeof *x);
        srlab__esp_transform_config__init(x);
        x->id = (uint32_t)atoi(tid);
        const char *enc = cfg_leaf(t, "esp-encryption-algorithm", "algorithm");
        const char *auth = cfg_leaf(t, "esp-auth-algorithm", "algorithm");
        x->encryption = arena_strdup(a, enc ? enc : "aes128");
        x->auth = arena_strdup(a, auth ? auth : "sha1");
        x->lifetime_s = (uint32_t)cfg_get_int(cfg_child(t, "ipsec-lifetime"), "seconds",
                                              pol ? pol->ipsec_lifetime_s : 3600);
        x->pfs_group = (uint32_t)cfg_get_int(cfg_child(t, "pfs-dh-group"), "group", 0);
        arena_push(a, (void ***)arr, n, x);
    }
}

static void local_id(struct arena *a, struct cfg_node *lid, char **type, char **value)
{
    const char *t = cfg_get(lid, "type"), *v = cfg_get(lid, "value");
    *type = arena_strdup(a, t ? t : "");
    *value = arena_strdup(a, v ? v : "");
}

static void private_addresses(struct arena *a, struct cfg_node *iface, char ***arr, size_t *n)
{
    const char *v4 = cfg_leaf(iface, "address", "address");
    if (v4)
        arena_push(a, (void ***)arr, n, arena_strdup(a, v4));
    cfg_each(a6, cfg_child(iface, "ipv6"), "address")
        arena_push(a, (void ***)arr, n, arena_strdup(a, cfg_get(a6, "address")));
}

static uint8_t *hex_bytes(struct arena *a, const char *hex, size_t *len)
{
    *len = 0;
    if (!hex)
        return NULL;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t n = strlen(hex) / 2;
    uint8_t *out = arena_alloc(a, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        sscanf(hex + 2 * i, "%2x", &b);
        out[i] = (uint8_t)b;
    }
    *len = n;
    return out;
}

static const char *policy_side(struct cfg_node *entry, const char *word)
{
    struct cfg_node *n = cfg_child(entry, word);
    if (!n)
        return NULL;
    const char *p = cfg_get(n, "prefix");
    return p ? p : "any";
}

/* A static IPsec tunnel; its keys only to the ISA holding it. */
void push_ipsec_tunnel(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg,
                       const struct tunnel_view *v, bool for_isa)
{
    struct cfg_node *tn = v->node;
    Srlab__IpsecTunnelConfig *t = arena_alloc(a, sizeof *t);
    srlab__ipsec_tunnel_config__init(t);
    t->name = arena_strdup(a, tn->key);
    t->tunnel_group = v->group;
    t->svc = v->svc;
    t->interface = arena_strdup(a, v->iface->key);
    t->sap = arena_strdup(a, v->sap->key);
    t->admin_up = tn->admin_up;
    t->local_gateway = arena_strdup(a, v->source ? v->source : "");
    t->peer = arena_strdup(a, v->remote ? v->remote : "");
    t->delivery_svc = v->delivery_svc;
    t->public_interface = arena_strdup(a, v->public_iface ? v->public_iface->key : "");
    t->ip_mtu = (uint32_t)cfg_get_int(cfg_child(tn, "ip-mtu"), "mtu", 0);
    t->encap_mtu = (uint32_t)cfg_get_int(cfg_child(tn, "encapsulated-ip-mtu"), "mtu", 0);
    t->clear_df = cfg_child(tn, "clear-df-bit") != NULL;
    t->replay_window = (uint32_t)cfg_get_int(cfg_child(tn, "replay-window"), "window", 0);
    char g[8];
    snprintf(g, sizeof g, "%u", v->group);
    struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
    struct cfg_node *re = cfg_child(tg, "reassembly");
    t->reassembly_ms = re ? (uint32_t)cfg_get_int(re, "ms", 2000) : 0;
    struct cfg_node *ptb = cfg_child(tn, "icmp6-generation");
    if (ptb) { /* SR OS defaults: 100 messages per 10 s */
        t->ptb_count = (uint32_t)cfg_get_int(ptb, "count", 100);
        t->ptb_interval = (uint32_t)cfg_get_int(ptb, "seconds", 10);
    }
    t->oper_up = v->oper_up;
    t->oper_flags = arena_strdup(a, v->flags);
    private_addresses(a, v->iface, &t->private_addresses, &t->n_private_addresses);
    t->isa = arena_strdup(a, v->isa);
    const char *sp = cfg_leaf(tn, "security-policy", "id");
    t->security_policy = sp ? (uint32_t)atoi(sp) : 0;
    /* by the tree's index: a service may hold thousands of interfaces and routes */
    struct cfg_node *ipsec = cfg_find(cpm->tree, v->svc_node, "ipsec", NULL);
    struct cfg_node *pol = sp ? cfg_find(cpm->tree, ipsec, "security-policy", sp) : NULL;
    cfg_each(e, pol, "entry") {
        static const char *const sides[][2] = { { "local-ip", "remote-ip" },
                                                { "local-v6-ip", "remote-v6-ip" } };
        for (int k = 0; k < 2; k++) {
            const char *l = policy_side(e, sides[k][0]), *r = policy_side(e, sides[k][1]);
            if (!l && !r)
                continue;
            Srlab__PolicyEntry *pe = arena_alloc(a, sizeof *pe);
            srlab__policy_entry__init(pe);
            pe->id = (uint32_t)atoi(e->key);
            /* a side left out of a v6 entry means any v6 address */
            pe->local = arena_strdup(a, l ? l : (k ? "any6" : "any"));
            pe->remote = arena_strdup(a, r ? r : (k ? "any6" : "any"));
            if (k && strcmp(pe->local, "any") == 0)
                pe->local = "any6";
            if (k && strcmp(pe->remote, "any") == 0)
                pe->remote = "any6";
            arena_push(a, (void ***)&t->policy, &t->n_policy, pe);
        }
    }
    struct cfg_node *mk = cfg_child(tn, "manual-keying");
    struct cfg_node *udp = cfg_child(mk, "udp-encapsulation");
    t->udp_encap = udp != NULL;
    t->udp_port = (uint32_t)cfg_get_int(udp, "port", 4500);
    t->keepalive_s = (uint32_t)cfg_get_int(udp, "seconds", 0);
    cfg_each(sa, for_isa ? mk : NULL, "security-association") {
        Srlab__EspSaConfig *e = arena_alloc(a, sizeof *e);
        srlab__esp_sa_config__init(e);
        e->id = (uint32_t)atoi(sa->key);
        e->inbound = strcmp(cfg_get(sa, "direction"), "inbound") == 0;
        e->spi = (uint32_t)atoi(cfg_get(sa, "spi"));
        e->transform = (uint32_t)atoi(cfg_get(sa, "transform"));
        struct cfg_node *tf = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "ipsec"), "ipsec-transform",
                                       cfg_get(sa, "transform"));
        const char *enc = cfg_leaf(tf, "esp-encryption-algorithm", "algorithm");
        const char *auth = cfg_leaf(tf, "esp-auth-algorithm", "algorithm");
        e->encryption = arena_strdup(a, enc ? enc : "aes128");
        e->auth = arena_strdup(a, auth ? auth : "sha1");
        e->encryption_key.data = hex_bytes(a, cfg_get(sa, "ekey"), &e->encryption_key.len);
        e->auth_key.data = hex_bytes(a, cfg_get(sa, "akey"), &e->auth_key.len);
        arena_push(a, (void ***)&t->sas, &t->n_sas, e);
    }
    struct cfg_node *dk = cfg_child(tn, "dynamic-keying");
    if (dk) {
        t->dynamic = true;
        t->auto_establish = cfg_child(dk, "auto-establish") != NULL;
        t->ike_policy = build_ike_policy(a, cpm, cfg_leaf(dk, "ike-policy", "id"));
        push_esp_transforms(a, cpm, cfg_child(dk, "transform"), t->ike_policy, &t->transforms,
                            &t->n_transforms);
        local_id(a, cfg_child(dk, "local-id"), &t->local_id_type, &t->local_id);
        const char *psk = cfg_leaf(dk, "pre-shared-key", "key");
        if (for_isa && psk) {
            t->psk.data = (uint8_t *)arena_strdup(a, psk);
            t->psk.len = strlen(psk);
        }
    }
    PUSH(a, cfg, ipsec_tunnels, t);
}


/* ts-list NAME, one side: each entry as an address range, protocol, ports. */
static void push_ts(struct arena *a, struct cfg_node *side, Srlab__TsEntry ***arr, size_t *n)
{
    cfg_each(e, side, "entry") {
        Srlab__TsEntry *x = arena_alloc(a, sizeof *x);
        srlab__ts_entry__init(x);
        x->id = (uint32_t)atoi(e->key);
        struct cfg_node *ad = cfg_child(e, "address");
        const char *prefix = cfg_get(ad, "prefix");
        if (prefix) {
            x->start = arena_strdup(a, prefix); /* the ISA expands a prefix */
            x->end = arena_strdup(a, "");
        } else {
            const char *f = cfg_get(ad, "from"), *t = cfg_get(ad, "to");
            x->start = arena_strdup(a, f ? f : "0.0.0.0/0");
            x->end = arena_strdup(a, t ? t : "");
        }
        struct cfg_node *pr = cfg_child(e, "protocol");
        const char *proto = cfg_get(pr, "protocol");
        x->protocol = proto ? (uint32_t)ip_protocol_number(proto) : 0;
        x->opaque = pr && cfg_hit(pr, "opaque");
        x->low_port = (uint32_t)cfg_get_int(pr, "low", 0);
        x->high_port = (uint32_t)cfg_get_int(pr, "high", 65535);
        arena_push(a, (void ***)arr, n, x);
    }
}

void push_ipsec_gws(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg, const char *only_isa)
{
    struct gw_view *gv;
    int n = gateways_resolve(cpm, &gv);
    for (int i = 0; i < n; i++) {
        const struct gw_view *v = &gv[i];
        if (only_isa && strcmp(v->isa, only_isa) != 0)
            continue;
        struct cfg_node *gn = v->node;
        Srlab__IpsecGwConfig *g = arena_alloc(a, sizeof *g);
        srlab__ipsec_gw_config__init(g);
        g->name = arena_strdup(a, gn->key);
        g->tunnel_group = v->group;
        g->delivery_svc = v->svc;
        g->public_interface = arena_strdup(a, v->iface->key);
        g->sap = arena_strdup(a, v->sap->key);
        g->admin_up = gn->admin_up;
        g->oper_up = v->oper_up;
        g->oper_flags = arena_strdup(a, v->flags);
        g->local_gateway = arena_strdup(a, v->local ? v->local : "");
        g->private_svc = v->private_svc;
        g->private_interface = arena_strdup(a, v->private_iface ? v->private_iface->key : "");
        if (v->private_iface)
            private_addresses(a, v->private_iface, &g->private_addresses, &g->n_private_addresses);
        g->ike_policy = build_ike_policy(a, cpm, cfg_leaf(gn, "ike-policy", "id"));
        const char *psk = cfg_leaf(gn, "pre-shared-key", "key");
        if (only_isa && psk) {
            g->psk.data = (uint8_t *)arena_strdup(a, psk);
            g->psk.len = strlen(psk);
        }
        local_id(a, cfg_child(gn, "local-id"), &g->local_id_type, &g->local_id);
        const char *ttid = cfg_leaf(gn, "default-tunnel-template", "id");
        struct cfg_node *tt = ttid ? cfg_find(cpm->tree, ipsec_root(cpm), "tunnel-template", ttid) : NULL;
        g->ip_mtu = (uint32_t)cfg_get_int(cfg_child(tt, "ip-mtu"), "mtu", 0);
        g->encap_mtu = (uint32_t)cfg_get_int(cfg_child(tt, "encapsulated-ip-mtu"), "mtu", 0);
        g->clear_df = cfg_child(tt, "clear-df-bit") != NULL;
        g->replay_window = (uint32_t)cfg_get_int(cfg_child(tt, "replay-window"), "window", 0);
        struct cfg_node *rr = cfg_child(tt, "sp-reverse-route");
        g->reverse_route = rr != NULL;
        g->reverse_route_ignore_default = rr && cfg_hit(rr, "ignore-default-route");
        push_esp_transforms(a, cpm, cfg_child(tt, "transform"), g->ike_policy, &g->transforms,
                            &g->n_transforms);
        struct cfg_node *ptb = cfg_child(tt, "icmp6-generation");
        if (ptb) {
            g->ptb_count = (uint32_t)cfg_get_int(ptb, "count", 100);
            g->ptb_interval = (uint32_t)cfg_get_int(ptb, "seconds", 10);
        }
        const char *tsl = cfg_leaf(gn, "ts-negotiation", "name");
        struct cfg_node *ts = tsl ? cfg_find(cpm->tree, ipsec_root(cpm), "ts-list", tsl) : NULL;
        g->has_ts_list = ts != NULL;
        push_ts(a, cfg_child(ts, "local"), &g->ts_local, &g->n_ts_local);
        push_ts(a, cfg_child(ts, "remote"), &g->ts_remote, &g->n_ts_remote);
        g->isa = arena_strdup(a, v->isa);
        char gid[8];
        snprintf(gid, sizeof gid, "%u", v->group);
        struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", gid);
        struct cfg_node *re = cfg_child(tg, "reassembly");
        g->reassembly_ms = re ? (uint32_t)cfg_get_int(re, "ms", 2000) : 0;
        PUSH(a, cfg, ipsec_gws, g);
    }
    free(gv);
}

/* The redundancy multi-chassis part of mcs's configuration: every peer
 * with its MC-IPsec groups (and their sync tags), and the IPsec tunnels and
 * gateways by name only: mcs never gets keys or pre-shared keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cpm.h"

#define PUSH(arena, msg, field, item) \
    arena_push(arena, (void ***)&(msg)->field, &(msg)->n_##field, item)

/* SR OS defaults (sros-cli.md) */
#define MC_DISCOVERY_S 300
#define MC_KEEPALIVE_DS 10
#define MC_HOLD 3
#define MC_PRIORITY 100

static Srlab__McGroupConfig *build_group(struct arena *a, struct cpm *cpm, struct cfg_node *peer,
                                         struct cfg_node *g)
{
    Srlab__McGroupConfig *c = arena_alloc(a, sizeof *c);
    srlab__mc_group_config__init(c);
    c->group = (uint32_t)atoi(g->key);
    c->peer_group = (uint32_t)cfg_get_int(cfg_child(g, "peer-group"), "id", c->group);
    c->priority = (uint32_t)cfg_get_int(cfg_child(g, "priority"), "priority", MC_PRIORITY);
    c->admin_up = g->admin_up;
    struct cfg_node *st = cfg_find(cpm->tree, cfg_child(peer, "sync"), "tunnel-group", g->key);
    const char *tag = cfg_get(st, "sync-tag");
    c->sync_tag = arena_strdup(a, tag ? tag : "");
    return c;
}

void push_mc_peers(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    struct cfg_node *mc = cfg_child(cfg_child(cpm->tree->root, "redundancy"), "multi-chassis");
    cfg_each(peer, mc, "peer") {
        Srlab__McPeerConfig *p = arena_alloc(a, sizeof *p);
        srlab__mc_peer_config__init(p);
        p->peer = arena_strdup(a, peer->key);
        const char *src = cfg_leaf(peer, "source-address", "ip");
        p->source_address = arena_strdup(a, src ? src : "");
        p->admin_up = peer->admin_up;
        struct cfg_node *sync = cfg_child(peer, "sync");
        p->sync_ipsec = cfg_child(sync, "ipsec") != NULL;
        p->sync_admin_up = sync && sync->admin_up;
        struct cfg_node *mi = cfg_child(peer, "mc-ipsec");
        p->mc_ipsec = mi != NULL;
        p->bfd = cfg_child(mi, "bfd-enable") != NULL;
        struct cfg_node *di = cfg_child(mi, "discovery-interval");
        p->discovery_s = (uint32_t)cfg_get_int(di, "seconds", MC_DISCOVERY_S);
        p->discovery_boot_s = (uint32_t)cfg_get_int(di, "boot", MC_DISCOVERY_S);
        p->keepalive_ds = (uint32_t)cfg_get_int(cfg_child(mi, "keep-alive-interval"), "interval",
                                                MC_KEEPALIVE_DS);
        p->hold = (uint32_t)cfg_get_int(cfg_child(mi, "hold-on-neighbor-failure"), "multiplier",
                                        MC_HOLD);
        cfg_each(g, mi, "tunnel-group")
            PUSH(a, p, groups, build_group(a, cpm, peer, g));
        PUSH(a, cfg, mc_peers, p);
    }
}

void push_mc_tunnels(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    struct tunnel_view *tv;
    int n = tunnels_resolve(cpm, &tv);
    for (int i = 0; i < n; i++) {
        if (!tv[i].ipsec)
            continue;
        Srlab__IpsecTunnelConfig *t = arena_alloc(a, sizeof *t);
        srlab__ipsec_tunnel_config__init(t);
        t->name = arena_strdup(a, tv[i].node->key);
        t->tunnel_group = tv[i].group;
        t->isa = arena_strdup(a, tv[i].isa);
        t->local_gateway = arena_strdup(a, tv[i].source ? tv[i].source : "");
        PUSH(a, cfg, ipsec_tunnels, t);
    }
    free(tv);
    struct gw_view *gv;
    n = gateways_resolve(cpm, &gv);
    for (int i = 0; i < n; i++) {
        Srlab__IpsecGwConfig *g = arena_alloc(a, sizeof *g);
        srlab__ipsec_gw_config__init(g);
        g->name = arena_strdup(a, gv[i].node->key);
        g->tunnel_group = gv[i].group;
        g->isa = arena_strdup(a, gv[i].isa);
        g->local_gateway = arena_strdup(a, gv[i].local ? gv[i].local : "");
        PUSH(a, cfg, ipsec_gws, g);
    }
    free(gv);
}

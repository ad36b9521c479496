/* Configuration pushed to cards: from the tree to each card's CardConfig
 * (the iom gets its ports and every service; an ISA the tunnel groups it
 * belongs to; mcs the tunnel groups). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cpm.h"

#define PUSH(arena, msg, field, item) \
    arena_push(arena, (void ***)&(msg)->field, &(msg)->n_##field, item)

static Srlab__PortConfig *build_port(struct arena *a, struct cfg_node *port)
{
    Srlab__PortConfig *p = arena_alloc(a, sizeof *p);
    srlab__port_config__init(p);
    struct cfg_node *eth = cfg_child(port, "ethernet");
    const char *mode = cfg_leaf(eth, "mode", "mode");
    const char *encap = cfg_leaf(eth, "encap-type", "encap");
    const char *desc = cfg_leaf(port, "description", "text");
    p->name = arena_strdup(a, port->key);
    p->admin_up = port->admin_up;
    p->description = arena_strdup(a, desc ? desc : "");
    p->mode = arena_strdup(a, mode ? mode : "network");
    p->encap_type = arena_strdup(a, encap ? encap : "null");
    p->mtu = (uint32_t)cfg_get_int(cfg_child(eth, "mtu"), "mtu", 9212);
    return p;
}

static Srlab__InterfaceConfig *build_interface(struct arena *a, struct cfg_node *iface)
{
    Srlab__InterfaceConfig *i = arena_alloc(a, sizeof *i);
    srlab__interface_config__init(i);
    i->name = arena_strdup(a, iface->key);
    i->admin_up = iface->admin_up;
    i->tunnel = cfg_hit(iface, "tunnel");
    const char *v4 = cfg_leaf(iface, "address", "address");
    if (v4)
        PUSH(a, i, addresses, arena_strdup(a, v4));
    cfg_each(a6, cfg_child(iface, "ipv6"), "address")
        PUSH(a, i, addresses, arena_strdup(a, cfg_get(a6, "address")));
    struct cfg_node *sap = cfg_child(iface, "sap");
    i->sap = arena_strdup(a, sap ? sap->key : "");
    i->sap_admin_up = sap ? sap->admin_up : false;
    const char *port = cfg_leaf(iface, "port", "port");
    i->port = arena_strdup(a, port ? port : "");
    const char *desc = cfg_leaf(iface, "description", "text");
    i->description = arena_strdup(a, desc ? desc : "");
    return i;
}

static void build_static_routes(struct arena *a, Srlab__ServiceConfig *s, struct cfg_node *inst)
{
    cfg_each(sre, inst, "static-route-entry") {
        cfg_each(nh, sre, "next-hop") {
            Srlab__StaticRoute *r = arena_alloc(a, sizeof *r);
            srlab__static_route__init(r);
            r->prefix = arena_strdup(a, sre->key);
            r->next_hop = arena_strdup(a, nh->key);
            r->tunnel = arena_strdup(a, "");
            r->admin_up = nh->admin_up;
            PUSH(a, s, static_routes, r);
        }
        struct cfg_node *bh = cfg_child(sre, "black-hole");
        if (bh) {
            Srlab__StaticRoute *r = arena_alloc(a, sizeof *r);
            srlab__static_route__init(r);
            r->prefix = arena_strdup(a, sre->key);
            r->next_hop = arena_strdup(a, "black-hole");
            r->tunnel = arena_strdup(a, "");
            r->admin_up = bh->admin_up;
            PUSH(a, s, static_routes, r);
        }
    }
}

static void build_services(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    struct cfg_node *router = cfg_child(cpm->tree->root, "router");
    Srlab__ServiceConfig *base = arena_alloc(a, sizeof *base);
    srlab__service_config__init(base);
    base->id = 0;
    base->type = SRLAB__SERVICE_TYPE__SVC_BASE;
    base->admin_up = true;
    base->name = arena_strdup(a, "Base");
    cfg_each(iface, router, "interface")
        PUSH(a, base, interfaces, build_interface(a, iface));
    build_static_routes(a, base, router);
    PUSH(a, cfg, services, base);

    struct cfg_node *service = cfg_child(cpm->tree->root, "service");
    for (struct cfg_node *sn = service ? service->child : NULL; sn; sn = sn->next) {
        bool vprn = strcmp(sn->sc->word, "vprn") == 0;
        if (!vprn && strcmp(sn->sc->word, "ies") != 0)
            continue;
        Srlab__ServiceConfig *s = arena_alloc(a, sizeof *s);
        srlab__service_config__init(s);
        s->id = (uint32_t)strtoul(sn->key, NULL, 10);
        s->type = vprn ? SRLAB__SERVICE_TYPE__SVC_VPRN : SRLAB__SERVICE_TYPE__SVC_IES;
        s->admin_up = sn->admin_up;
        const char *name = cfg_get(sn, "name");
        s->name = arena_strdup(a, name ? name : "");
        s->customer = (uint32_t)cfg_get_int(sn, "customer", 1);
        cfg_each(iface, sn, "interface")
            PUSH(a, s, interfaces, build_interface(a, iface));
        build_static_routes(a, s, sn);
        PUSH(a, cfg, services, s);
    }
}

static bool group_has_isa(struct cfg_node *tg, const char *isa)
{
    const char *p = cfg_leaf(tg, "primary", "mda"), *b = cfg_leaf(tg, "backup", "mda");
    if ((p && strcmp(p, isa) == 0) || (b && strcmp(b, isa) == 0))
        return true;
    cfg_each(m, tg, "mda")
        if (strcmp(cfg_get(m, "mda"), isa) == 0)
            return true;
    return false;
}

static void build_tunnel_groups(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg,
                                const char *only_isa)
{
    cfg_each(tg, cfg_child(cpm->tree->root, "isa"), "tunnel-group") {
        if (only_isa && !group_has_isa(tg, only_isa))
            continue;
        Srlab__TunnelGroupConfig *t = arena_alloc(a, sizeof *t);
        srlab__tunnel_group_config__init(t);
        t->id = (uint32_t)strtoul(tg->key, NULL, 10);
        t->admin_up = tg->admin_up;
        t->multi_active = cfg_child(tg, "multi-active") != NULL;
        const char *p = cfg_leaf(tg, "primary", "mda"), *b = cfg_leaf(tg, "backup", "mda");
        t->primary = arena_strdup(a, p ? p : "");
        t->backup = arena_strdup(a, b ? b : "");
        cfg_each(m, tg, "mda")
            PUSH(a, t, mdas, arena_strdup(a, cfg_get(m, "mda")));
        t->active_mda_number = (uint32_t)cfg_get_int(cfg_child(tg, "active-mda-number"), "count", 0);
        const char *mode = cfg_get(tg, "mode");
        t->scale_mode = arena_strdup(a, mode ? mode : "tunnel-limit-32k");
        struct cfg_node *re = cfg_child(tg, "reassembly");
        t->reassembly_ms = re ? (uint32_t)cfg_get_int(re, "ms", 2000) : 0;
        t->responder_only = cfg_child(tg, "ipsec-responder-only") != NULL;
        t->this_isa_member = only_isa != NULL;
        PUSH(a, cfg, tunnel_groups, t);
    }
}

uint8_t *push_build(struct cpm *cpm, const struct card_proc *card, size_t *len)
{
    struct arena a;
    arena_init(&a);
    Srlab__CardConfig *cfg = arena_alloc(&a, sizeof *cfg);
    srlab__card_config__init(cfg);
    switch (card->role) {
    case SRLAB__ROLE__ROLE_IOM:
        cfg_each(port, cpm->tree->root, "port") {
            if ((unsigned)atoi(port->key) == card->slot)
                PUSH(&a, cfg, ports, build_port(&a, port));
        }
        build_services(&a, cpm, cfg);
        build_tunnel_groups(&a, cpm, cfg, NULL);
        break;
    case SRLAB__ROLE__ROLE_ISA: {
        char isa[16];
        snprintf(isa, sizeof isa, "%u/%u", card->slot, card->mda);
        build_tunnel_groups(&a, cpm, cfg, isa);
        break;
    }
    default:
        build_tunnel_groups(&a, cpm, cfg, NULL);
        break;
    }
    *len = srlab__card_config__get_packed_size(cfg);
    uint8_t *bytes = malloc(*len ? *len : 1);
    srlab__card_config__pack(cfg, bytes);
    arena_free(&a);
    return bytes;
}

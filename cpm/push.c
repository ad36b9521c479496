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
    i->arp_timeout = (uint32_t)cfg_get_int(cfg_child(iface, "arp-timeout"), "seconds", 0);
    i->ip_mtu = (uint32_t)cfg_get_int(cfg_child(iface, "ip-mtu"), "mtu", 0);
    struct cfg_node *in = cfg_child(sap, "ingress"), *out = cfg_child(sap, "egress");
    i->ingress_qos = (uint32_t)cfg_get_int(cfg_child(in, "qos"), "id", 0);
    i->egress_qos = (uint32_t)cfg_get_int(cfg_child(out, "qos"), "id", 0);
    i->ingress_filter = (uint32_t)cfg_get_int(cfg_child(in, "filter"), "id", 0);
    i->egress_filter = (uint32_t)cfg_get_int(cfg_child(out, "filter"), "id", 0);
    const char *srnh = cfg_leaf(iface, "static-tunnel-redundant-next-hop", "ip");
    const char *drnh = cfg_leaf(iface, "dynamic-tunnel-redundant-next-hop", "ip");
    i->static_tunnel_rnh = arena_strdup(a, srnh ? srnh : "");
    i->dynamic_tunnel_rnh = arena_strdup(a, drnh ? drnh : "");
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
        cfg_each(it, sre, "ipsec-tunnel") {
            Srlab__StaticRoute *r = arena_alloc(a, sizeof *r);
            srlab__static_route__init(r);
            r->prefix = arena_strdup(a, sre->key);
            r->next_hop = arena_strdup(a, "");
            r->tunnel = arena_strdup(a, it->key);
            r->admin_up = it->admin_up;
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

static void build_qos(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    struct cfg_node *qos = cfg_child(cpm->tree->root, "qos");
    cfg_each(pol, qos, "sap-ingress") {
        Srlab__QosPolicy *q = arena_alloc(a, sizeof *q);
        srlab__qos_policy__init(q);
        q->id = (uint32_t)atoi(pol->key);
        q->ingress = true;
        const char *dfc = cfg_leaf(pol, "default-fc", "fc");
        q->default_fc = arena_strdup(a, dfc ? dfc : "be");
        cfg_each(d, pol, "dscp") {
            Srlab__DscpMap *m = arena_alloc(a, sizeof *m);
            srlab__dscp_map__init(m);
            m->dscp = (uint32_t)dscp_value(cfg_get(d, "dscp"));
            m->fc = arena_strdup(a, cfg_get(d, "fc"));
            PUSH(a, q, dscp, m);
        }
        PUSH(a, cfg, qos, q);
    }
    cfg_each(pol, qos, "sap-egress") {
        Srlab__QosPolicy *q = arena_alloc(a, sizeof *q);
        srlab__qos_policy__init(q);
        q->id = (uint32_t)atoi(pol->key);
        q->default_fc = arena_strdup(a, "");
        cfg_each(fc, pol, "fc") {
            const char *d = cfg_leaf(fc, "dscp-in-profile", "dscp");
            if (!d)
                d = cfg_leaf(fc, "dscp-out-profile", "dscp");
            if (!d)
                continue;
            Srlab__DscpMap *m = arena_alloc(a, sizeof *m);
            srlab__dscp_map__init(m);
            m->dscp = (uint32_t)dscp_value(d);
            m->fc = arena_strdup(a, fc->key);
            PUSH(a, q, dscp, m);
        }
        PUSH(a, cfg, qos, q);
    }
}

static void build_filters(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    cfg_each(fl, cfg_child(cpm->tree->root, "filter"), "ip-filter") {
        Srlab__IpFilter *f = arena_alloc(a, sizeof *f);
        srlab__ip_filter__init(f);
        f->id = (uint32_t)atoi(fl->key);
        const char *da = cfg_leaf(fl, "default-action", "action");
        f->default_drop = da && strcmp(da, "drop") == 0;
        cfg_each(en, fl, "entry") {
            Srlab__FilterEntry *e = arena_alloc(a, sizeof *e);
            srlab__filter_entry__init(e);
            e->id = (uint32_t)atoi(en->key);
            struct cfg_node *m = cfg_child(en, "match");
            const char *proto = cfg_get(m, "protocol");
            e->protocol = proto ? ip_protocol_number(proto) : -1;
            const char *s = cfg_leaf(m, "src-ip", "prefix"), *d = cfg_leaf(m, "dst-ip", "prefix");
            e->src_ip = arena_strdup(a, s ? s : "");
            e->dst_ip = arena_strdup(a, d ? d : "");
            e->src_port = (int32_t)cfg_get_int(cfg_child(m, "src-port"), "port", -1);
            e->dst_port = (int32_t)cfg_get_int(cfg_child(m, "dst-port"), "port", -1);
            const char *act = cfg_leaf(en, "action", "action");
            e->drop = act && strcmp(act, "drop") == 0;
            PUSH(a, f, entries, e);
        }
        PUSH(a, cfg, filters, f);
    }
}

static void build_mirrors(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg)
{
    cfg_each(md, cfg_child(cpm->tree->root, "mirror"), "mirror-dest") {
        Srlab__MirrorDest *d = arena_alloc(a, sizeof *d);
        srlab__mirror_dest__init(d);
        d->id = (uint32_t)atoi(md->key);
        d->admin_up = md->admin_up;
        char file[600];
        snprintf(file, sizeof file, "%s/mirror-%s.pcap", cpm->rundir, md->key);
        d->file = arena_strdup(a, file);
        PUSH(a, cfg, mirror_dests, d);
    }
    cfg_each(ms, cfg_child(cpm->tree->root, "debug"), "mirror-source") {
        if (!ms->admin_up)
            continue;
        uint32_t dest = (uint32_t)atoi(ms->key);
        for (struct cfg_node *c = ms->child; c; c = c->next) {
            Srlab__MirrorSource *s = arena_alloc(a, sizeof *s);
            srlab__mirror_source__init(s);
            s->dest = dest;
            s->port = arena_strdup(a, strcmp(c->sc->word, "port") == 0 ? c->key : "");
            s->sap = arena_strdup(a, strcmp(c->sc->word, "sap") == 0 ? c->key : "");
            if (strcmp(c->sc->word, "ip-filter") == 0) {
                s->filter = (uint32_t)cfg_get_int(c, "id", 0);
                s->entry = (uint32_t)cfg_get_int(c, "entry", 0);
                s->ingress = true;
            } else {
                /* neither direction named: both, as on the router */
                bool in = cfg_hit(c, "ingress"), out = cfg_hit(c, "egress");
                s->ingress = in || !out;
                s->egress = out || !in;
            }
            if (s->sap[0]) {
                /* the service of the SAP */
                struct cfg_node *svcs = cfg_child(cpm->tree->root, "service");
                for (struct cfg_node *sv = svcs ? svcs->child : NULL; sv; sv = sv->next)
                    cfg_each(ifc, sv, "interface") cfg_each(sp, ifc, "sap")
                        if (strcmp(sp->key, c->key) == 0)
                            s->svc = (uint32_t)atoi(sv->key);
            }
            PUSH(a, cfg, mirror_sources, s);
        }
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
        char flags[64];
        t->oper_up = strcmp(oper_tunnel_group(cpm, tg, flags, sizeof flags), "up") == 0;
        const char *act[16];
        int nact = tunnel_group_active_isas(cpm, tg, act, 16);
        for (int k = 0; k < nact; k++)
            PUSH(a, t, active_isas, arena_strdup(a, act[k]));
        struct mc_view mv;
        t->mc_ipsec = mc_group_view(cpm, t->id, &mv);
        t->mc_state = arena_strdup(a, t->mc_ipsec ? mv.state : "");
        t->mc_forwarding = t->mc_ipsec && mv.forwarding;
        PUSH(a, cfg, tunnel_groups, t);
    }
}

static void build_tunnels(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg,
                          const char *only_isa)
{
    struct tunnel_view *tv;
    int n = tunnels_resolve(cpm, &tv);
    if (!only_isa) {
        /* what validation consults: "shut the tunnel down first" applies to oper-up ones */
        zhashx_purge(cpm->tunnel_up);
        for (int i = 0; i < n; i++)
            if (tv[i].oper_up)
                zhashx_insert(cpm->tunnel_up, tv[i].node->key, (void *)"up");
    }
    for (int i = 0; i < n; i++) {
        const struct tunnel_view *v = &tv[i];
        if (only_isa && strcmp(v->isa, only_isa) != 0)
            continue;
        if (v->ipsec) {
            push_ipsec_tunnel(a, cpm, cfg, v, only_isa != NULL);
            continue;
        }
        struct cfg_node *tn = v->node;
        Srlab__IpTunnelConfig *t = arena_alloc(a, sizeof *t);
        srlab__ip_tunnel_config__init(t);
        t->name = arena_strdup(a, tn->key);
        t->tunnel_group = v->group;
        t->svc = v->svc;
        t->interface = arena_strdup(a, v->iface->key);
        t->sap = arena_strdup(a, v->sap->key);
        t->admin_up = tn->admin_up;
        struct cfg_node *gre = cfg_child(tn, "gre-header");
        t->gre = gre != NULL;
        t->has_keys = gre && cfg_get(gre, "send");
        t->send_key = (uint32_t)strtoul(cfg_get(gre, "send") ? cfg_get(gre, "send") : "0", NULL, 10);
        t->receive_key = (uint32_t)strtoul(cfg_get(gre, "receive") ? cfg_get(gre, "receive") : "0",
                                           NULL, 10);
        const char *src = cfg_leaf(tn, "source", "ip");
        t->source = arena_strdup(a, src ? src : "");
        t->remote = arena_strdup(a, v->remote ? v->remote : "");
        const char *rip = cfg_leaf(tn, "remote-ip", "ip"), *bip = cfg_leaf(tn, "backup-remote-ip", "ip");
        t->remote_ip = arena_strdup(a, rip ? rip : "");
        t->backup_remote_ip = arena_strdup(a, bip ? bip : "");
        t->delivery_svc = v->delivery_svc;
        t->public_interface = arena_strdup(a, v->public_iface ? v->public_iface->key : "");
        const char *dscp = cfg_leaf(tn, "dscp", "dscp");
        t->dscp = dscp ? dscp_value(dscp) : -1;
        t->ip_mtu = (uint32_t)cfg_get_int(cfg_child(tn, "ip-mtu"), "mtu", 0);
        t->encap_mtu = (uint32_t)cfg_get_int(cfg_child(tn, "encapsulated-ip-mtu"), "mtu", 0);
        t->clear_df = cfg_child(tn, "clear-df-bit") != NULL;
        /* reassembly: the tunnel's own timeout, else its group's (0: off) */
        struct cfg_node *re = cfg_child(tn, "reassembly");
        char g[8];
        snprintf(g, sizeof g, "%u", v->group);
        struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
        struct cfg_node *gre_re = cfg_child(tg, "reassembly");
        if (re && cfg_get(re, "ms"))
            t->reassembly_ms = (uint32_t)cfg_get_int(re, "ms", 2000);
        else if (re && !cfg_hit(re, "use-tunnel-group-setting"))
            t->reassembly_ms = gre_re ? (uint32_t)cfg_get_int(gre_re, "ms", 2000) : 2000;
        else
            t->reassembly_ms = gre_re ? (uint32_t)cfg_get_int(gre_re, "ms", 2000) : 0;
        struct cfg_node *ptb = cfg_child(tn, "icmp6-generation");
        t->ptb_count = (uint32_t)cfg_get_int(ptb, "count", 0);
        t->ptb_interval = (uint32_t)cfg_get_int(ptb, "seconds", 0);
        t->oper_up = v->oper_up;
        t->oper_flags = arena_strdup(a, v->flags);
        const char *v4 = cfg_leaf(v->iface, "address", "address");
        if (v4)
            PUSH(a, t, private_addresses, arena_strdup(a, v4));
        cfg_each(a6, cfg_child(v->iface, "ipv6"), "address")
            PUSH(a, t, private_addresses, arena_strdup(a, cfg_get(a6, "address")));
        t->isa = arena_strdup(a, v->isa);
        PUSH(a, cfg, ip_tunnels, t);
    }
    free(tv);
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
        build_qos(&a, cpm, cfg);
        build_filters(&a, cpm, cfg);
        build_mirrors(&a, cpm, cfg);
        build_tunnels(&a, cpm, cfg, NULL);
        push_ipsec_gws(&a, cpm, cfg, NULL);
        ipsec_push_routes(&a, cfg);
        break;
    case SRLAB__ROLE__ROLE_ISA: {
        char isa[16];
        snprintf(isa, sizeof isa, "%u/%u", card->slot, card->mda);
        build_tunnel_groups(&a, cpm, cfg, isa);
        build_tunnels(&a, cpm, cfg, isa);
        push_ipsec_gws(&a, cpm, cfg, isa);
        /* the IOMs whose dataplane this ISA joins: every IOM with ports (by
         * name, not by walking cpm->cards: the caller is walking it) */
        cfg->iom_slots = arena_alloc(&a, sizeof *cfg->iom_slots * 10);
        for (unsigned slot = 1; slot <= 10; slot++) {
            char id[16];
            snprintf(id, sizeof id, "iom-%u", slot);
            const struct card_proc *c = cards_get(cpm, id);
            if (c && c->n_port_mdas > 0)
                cfg->iom_slots[cfg->n_iom_slots++] = slot;
        }
        break;
    }
    default: /* mcs */
        build_tunnel_groups(&a, cpm, cfg, NULL);
        push_mc_peers(&a, cpm, cfg);
        push_mc_tunnels(&a, cpm, cfg);
        break;
    }
    *len = srlab__card_config__get_packed_size(cfg);
    uint8_t *bytes = malloc(*len ? *len : 1);
    srlab__card_config__pack(cfg, bytes);
    arena_free(&a);
    return bytes;
}

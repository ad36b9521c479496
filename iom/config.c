/* A configuration generation from cpm, applied to the dataplane: ports,
 * QoS policies, filters, routing instances and their interfaces, tunnel
 * groups, mirrors. Interfaces are rebuilt; their counters, the instances
 * and the neighbour caches carry over. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"
#include "log.h"

struct iom_inst *iom_inst_get(struct iom *iom, uint32_t id)
{
    for (struct iom_inst *i = iom->insts; i; i = i->next)
        if (i->id == id)
            return i;
    return NULL;
}

static struct iom_inst *inst_make(struct iom *iom, uint32_t id, bool vprn)
{
    struct iom_inst *i = iom_inst_get(iom, id);
    if (i)
        return i;
    i = calloc(1, sizeof *i);
    i->id = id;
    i->vprn = vprn;
    /* reassembly of packets addressed to the router: 4 MB, 256 datagrams, 5 s */
    i->reasm = reasm_new(4u << 20, 256, 5000);
    i->next = iom->insts;
    iom->insts = i;
    return i;
}

static void inst_free(struct iom *iom, struct iom_inst *i)
{
    nbr_flush_inst(iom, i);
    fib_free(&i->fib);
    reasm_free(&i->reasm);
    free(i);
}

static void ll_from_mac(uint8_t *ll, const uint8_t *mac)
{
    /* fe80::/64 with a modified EUI-64 interface id (RFC 4291 appendix A) */
    memset(ll, 0, 16);
    ll[0] = 0xfe;
    ll[1] = 0x80;
    ll[8] = mac[0] ^ 0x02;
    ll[9] = mac[1];
    ll[10] = mac[2];
    ll[11] = 0xff;
    ll[12] = 0xfe;
    ll[13] = mac[3];
    ll[14] = mac[4];
    ll[15] = mac[5];
}

static void apply_ports(struct iom *iom, const Srlab__CardConfig *cfg)
{
    for (size_t i = 0; i < iom->n_ports; i++)
        iom->ports[i].configured = false;
    for (size_t k = 0; k < cfg->n_ports; k++) {
        const Srlab__PortConfig *pc = cfg->ports[k];
        int idx = iom_port_index(iom, pc->name);
        if (idx < 0)
            continue; /* on another IOM */
        struct iom_port *p = &iom->ports[idx];
        p->configured = true;
        p->admin_up = pc->admin_up;
        snprintf(p->mode, sizeof p->mode, "%s", pc->mode);
        snprintf(p->encap, sizeof p->encap, "%s", pc->encap_type);
        p->dot1q = strcmp(pc->encap_type, "dot1q") == 0;
        /* the port MTU counts the Ethernet header; the wire (veth) limits it */
        unsigned wire = p->wire_mtu + ETH_HDR_LEN;
        p->mtu = pc->mtu && pc->mtu < wire ? pc->mtu : wire;
    }
}

static void apply_qos(struct iom *iom, const Srlab__CardConfig *cfg)
{
    free(iom->qos);
    iom->n_qos = cfg->n_qos;
    iom->qos = calloc(cfg->n_qos ? cfg->n_qos : 1, sizeof *iom->qos);
    for (size_t i = 0; i < cfg->n_qos; i++) {
        const Srlab__QosPolicy *qp = cfg->qos[i];
        struct qos_policy *q = &iom->qos[i];
        q->id = qp->id;
        q->ingress = qp->ingress;
        int dfc = fc_parse(qp->default_fc);
        q->default_fc = (uint8_t)(dfc >= 0 ? dfc : FC_BE);
        memset(q->dscp_fc, -1, sizeof q->dscp_fc);
        memset(q->fc_dscp, -1, sizeof q->fc_dscp);
        for (size_t k = 0; k < qp->n_dscp; k++) {
            int fc = fc_parse(qp->dscp[k]->fc);
            if (fc < 0 || qp->dscp[k]->dscp > 63)
                continue;
            if (q->ingress)
                q->dscp_fc[qp->dscp[k]->dscp] = (int8_t)fc;
            else
                q->fc_dscp[fc] = (int8_t)qp->dscp[k]->dscp;
        }
    }
}

static void apply_filters(struct iom *iom, const Srlab__CardConfig *cfg)
{
    for (size_t i = 0; i < iom->n_filters; i++)
        free(iom->filters[i].entries);
    free(iom->filters);
    iom->n_filters = cfg->n_filters;
    iom->filters = calloc(cfg->n_filters ? cfg->n_filters : 1, sizeof *iom->filters);
    for (size_t i = 0; i < cfg->n_filters; i++) {
        const Srlab__IpFilter *fc = cfg->filters[i];
        struct ip_filter *f = &iom->filters[i];
        f->id = fc->id;
        f->default_drop = fc->default_drop;
        f->entries = calloc(fc->n_entries ? fc->n_entries : 1, sizeof *f->entries);
        for (size_t k = 0; k < fc->n_entries; k++) {
            const Srlab__FilterEntry *ec = fc->entries[k];
            struct filter_entry *e = &f->entries[f->n];
            memset(e, 0, sizeof *e);
            e->id = ec->id;
            e->protocol = ec->protocol;
            e->src_port = ec->src_port;
            e->dst_port = ec->dst_port;
            e->drop = ec->drop;
            e->src_len = e->dst_len = -1;
            int fam;
            if (ec->src_ip[0] && prefix_parse(ec->src_ip, &fam, e->src, &e->src_len))
                e->family = fam;
            if (ec->dst_ip[0] && prefix_parse(ec->dst_ip, &fam, e->dst, &e->dst_len))
                e->family = fam;
            f->n++;
        }
    }
}

static const struct qos_policy *qos_find(struct iom *iom, uint32_t id, bool ingress)
{
    for (size_t i = 0; id && i < iom->n_qos; i++)
        if (iom->qos[i].id == id && iom->qos[i].ingress == ingress)
            return &iom->qos[i];
    return NULL;
}

static const struct ip_filter *filter_find(struct iom *iom, uint32_t id)
{
    for (size_t i = 0; id && i < iom->n_filters; i++)
        if (iom->filters[i].id == id)
            return &iom->filters[i];
    return NULL;
}

static struct iom_if *if_new(struct iom *iom, const Srlab__ServiceConfig *svc,
                             const Srlab__InterfaceConfig *ic, struct iom_inst *inst)
{
    struct iom_if *ifp = calloc(1, sizeof *ifp);
    snprintf(ifp->name, sizeof ifp->name, "%s", ic->name);
    ifp->inst = inst;
    ifp->svc = svc->id;
    ifp->admin_up = ic->admin_up && (svc->type == SRLAB__SERVICE_TYPE__SVC_BASE || svc->admin_up);
    ifp->port = -1;
    ifp->vlan = -1;
    ifp->arp_timeout_s = ic->arp_timeout;
    ifp->qos_in_id = ic->ingress_qos;
    ifp->qos_out_id = ic->egress_qos;
    ifp->qos_in = qos_find(iom, ic->ingress_qos, true);
    ifp->qos_out = qos_find(iom, ic->egress_qos, false);
    ifp->filter_in = filter_find(iom, ic->ingress_filter);
    ifp->filter_out = filter_find(iom, ic->egress_filter);
    const char *where = svc->type == SRLAB__SERVICE_TYPE__SVC_BASE ? ic->port : ic->sap;
    snprintf(ifp->sap, sizeof ifp->sap, "%s", where);
    unsigned g, tag;
    char side[16];
    if (sscanf(where, "tunnel-%u.%15[a-z]:%u", &g, side, &tag) == 3) {
        ifp->kind = strcmp(side, "private") == 0 ? IFK_TUNNEL_PRIVATE : IFK_TUNNEL_PUBLIC;
        ifp->tunnel_group = g;
        ifp->tunnel_tag = tag;
    } else if (where[0]) {
        ifp->kind = svc->type == SRLAB__SERVICE_TYPE__SVC_BASE ? IFK_NETWORK : IFK_SAP;
        char port[32];
        snprintf(port, sizeof port, "%s", where);
        char *colon = strchr(port, ':');
        if (colon) {
            *colon = 0;
            ifp->vlan = colon[1] == '*' ? -1 : atoi(colon + 1);
        }
        ifp->port = iom_port_index(iom, port);
    } else {
        ifp->kind = IFK_NETWORK; /* a loopback-like interface (system) */
    }
    if (!ic->sap_admin_up && ifp->kind != IFK_NETWORK)
        ifp->admin_up = false;
    for (size_t a = 0; a < ic->n_addresses; a++) {
        int family, plen;
        uint8_t addr[16];
        if (!prefix_parse(ic->addresses[a], &family, addr, &plen))
            continue;
        if (family == AF_INET && !ifp->has_v4) {
            ifp->has_v4 = true;
            memcpy(ifp->v4, addr, 4);
            ifp->v4_len = plen;
        } else if (family == AF_INET6 && ifp->n6 < IF_MAX_V6) {
            memcpy(ifp->v6[ifp->n6], addr, 16);
            ifp->v6_len[ifp->n6++] = plen;
        }
    }
    return ifp;
}

/* Operational state of each interface from ports, groups and config. */
void iom_update_oper(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *ifp = iom->ifs[i];
        bool was = ifp->oper_up;
        bool up = ifp->admin_up && (ifp->has_v4 || ifp->n6);
        unsigned wire_mtu = 1500;
        if (ifp->kind == IFK_TUNNEL_PRIVATE || ifp->kind == IFK_TUNNEL_PUBLIC) {
            bool grp = false;
            for (size_t g = 0; g < iom->n_groups; g++)
                if (iom->groups[g]->id == ifp->tunnel_group)
                    grp = iom->groups[g]->oper_up && iom->groups[g]->n_active_isas > 0;
            up = up && grp;
            wire_mtu = 9000;
        } else if (ifp->port >= 0) {
            struct iom_port *p = &iom->ports[ifp->port];
            up = up && port_usable(p);
            wire_mtu = p->mtu - ETH_HDR_LEN - (ifp->vlan >= 0 ? VLAN_HDR_LEN : 0);
            ll_from_mac(ifp->v6_ll, p->mac);
        } else if (ifp->sap[0]) {
            up = false; /* a port of another IOM */
        }
        ifp->ip_mtu = wire_mtu;
        ifp->oper_up = up;
        if (up != was)
            log_info("interface_oper", "svc=%u interface=%s oper=%s", ifp->svc, log_q(ifp->name),
                     up ? "up" : "down");
        if (up && !was) {
            arp_gratuitous(iom, ifp);
            iom_mc_if_up(iom, ifp);
        }
    }
    iom_rebuild_all_fibs(iom);
}

static void index_saps(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_ports; i++) {
        free(iom->ports[i].saps);
        iom->ports[i].saps = NULL;
    }
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *ifp = iom->ifs[i];
        if (ifp->port < 0 || ifp->vlan > 4094)
            continue;
        struct iom_port *p = &iom->ports[ifp->port];
        if (!p->saps)
            p->saps = calloc(4096, sizeof *p->saps);
        p->saps[ifp->vlan + 1] = ifp;
    }
}

static Srlab__CardConfig *copy_config(const Srlab__CardConfig *cfg)
{
    size_t len = srlab__card_config__get_packed_size(cfg);
    uint8_t *buf = malloc(len ? len : 1);
    srlab__card_config__pack(cfg, buf);
    Srlab__CardConfig *copy = srlab__card_config__unpack(NULL, len, buf);
    free(buf);
    return copy;
}

int iom_apply_config(struct iom *iom, uint64_t generation, const Srlab__CardConfig *in,
                     char *err, size_t errlen)
{
    Srlab__CardConfig *cfg = copy_config(in);
    if (!cfg) {
        snprintf(err, errlen, "configuration could not be copied");
        return -1;
    }
    port_flush_all(iom);
    apply_ports(iom, cfg);
    apply_qos(iom, cfg);
    apply_filters(iom, cfg);

    /* instances: Base always; one per VPRN */
    inst_make(iom, 0, false);
    for (size_t s = 0; s < cfg->n_services; s++)
        if (cfg->services[s]->type == SRLAB__SERVICE_TYPE__SVC_VPRN)
            inst_make(iom, cfg->services[s]->id, true);
    for (struct iom_inst **pp = &iom->insts; *pp;) {
        struct iom_inst *i = *pp;
        bool keep = i->id == 0;
        for (size_t s = 0; s < cfg->n_services && !keep; s++)
            keep = cfg->services[s]->type == SRLAB__SERVICE_TYPE__SVC_VPRN &&
                   cfg->services[s]->id == i->id;
        if (keep) {
            pp = &i->next;
            continue;
        }
        *pp = i->next;
        inst_free(iom, i);
    }

    /* interfaces: new ones, counters carried over by (service, name),
     * found through an index of the old ones (thousands of interfaces) */
    zhashx_t *olds = zhashx_new();
    for (size_t o = 0; o < iom->n_ifs; o++) {
        char key[128];
        snprintf(key, sizeof key, "%u|%s", iom->ifs[o]->svc, iom->ifs[o]->name);
        zhashx_update(olds, key, iom->ifs[o]);
    }
    size_t n = 0;
    for (size_t s = 0; s < cfg->n_services; s++)
        n += cfg->services[s]->n_interfaces;
    struct iom_if **ifs = calloc(n ? n : 1, sizeof *ifs);
    size_t k = 0;
    for (size_t s = 0; s < cfg->n_services; s++) {
        const Srlab__ServiceConfig *svc = cfg->services[s];
        struct iom_inst *inst = iom_inst_get(iom, svc->type == SRLAB__SERVICE_TYPE__SVC_VPRN ? svc->id : 0);
        for (size_t i = 0; i < svc->n_interfaces; i++) {
            struct iom_if *ifp = if_new(iom, svc, svc->interfaces[i], inst);
            char key[128];
            snprintf(key, sizeof key, "%u|%s", ifp->svc, ifp->name);
            struct iom_if *old = zhashx_lookup(olds, key);
            if (old) {
                memcpy(ifp->fc, old->fc, sizeof ifp->fc);
                ifp->in_dropped_pkts = old->in_dropped_pkts;
                ifp->in_dropped_octets = old->in_dropped_octets;
                ifp->oper_up = old->oper_up;
            }
            ifs[k++] = ifp;
        }
    }
    zhashx_destroy(&olds);
    for (size_t o = 0; o < iom->n_ifs; o++)
        free(iom->ifs[o]);
    free(iom->ifs);
    iom->ifs = ifs;
    iom->n_ifs = k;

    if (iom->config)
        srlab__card_config__free_unpacked(iom->config, NULL);
    iom->config = cfg;
    iom->groups = cfg->tunnel_groups;
    iom->n_groups = cfg->n_tunnel_groups;
    iom->generation = generation;
    index_saps(iom);
    iom_mc_config(iom, cfg);
    iom_dyn_routes_load(iom, cfg);
    handoff_apply(iom);
    iom_update_oper(iom);
    nbr_relink(iom);
    mirror_apply(iom);
    port_flush_all(iom);
    log_info("config_run", "generation=%lu ports=%zu interfaces=%zu qos=%zu filters=%zu",
             (unsigned long)generation, cfg->n_ports, iom->n_ifs, iom->n_qos, iom->n_filters);
    return 0;
}

/* A port's link or wire MTU changed: its MTU and every interface's state follow. */
void iom_ports_reconfigure(struct iom *iom)
{
    if (!iom->config)
        return;
    apply_ports(iom, iom->config);
    iom_update_oper(iom);
}

void iom_config_free(struct iom *iom)
{
    mirror_close_all(iom);
    iom_mc_free(iom);
    while (iom->insts) {
        struct iom_inst *i = iom->insts;
        iom->insts = i->next;
        inst_free(iom, i);
    }
    for (size_t o = 0; o < iom->n_ifs; o++)
        free(iom->ifs[o]);
    free(iom->ifs);
    iom->ifs = NULL;
    iom->n_ifs = 0;
    for (size_t i = 0; i < iom->n_filters; i++)
        free(iom->filters[i].entries);
    free(iom->filters);
    free(iom->qos);
    if (iom->config)
        srlab__card_config__free_unpacked(iom->config, NULL);
    iom->config = NULL;
}

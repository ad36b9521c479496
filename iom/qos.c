/* QoS at SAPs: DSCP classification into forwarding classes (sap-ingress),
 * DSCP remarking per class (sap-egress), and the per-SAP per-class counters
 * used for billing. IP filters (match on addresses, protocol and ports). */
#include <arpa/inet.h>
#include <string.h>

#include "iom.h"

static const char *const fc_names[FC_MAX] = { "be", "l2", "af", "l1", "h2", "ef", "h1", "nc" };

const char *fc_name(int fc)
{
    return fc >= 0 && fc < FC_MAX ? fc_names[fc] : "be";
}

int fc_parse(const char *name)
{
    for (int i = 0; i < FC_MAX; i++)
        if (name && strcmp(name, fc_names[i]) == 0)
            return i;
    return -1;
}

static uint8_t dscp_of(const struct pkt *p, bool v6)
{
    return v6 ? ip6_dscp(p->data) : ip4_dscp(p->data);
}

void qos_ingress(struct iom *iom, struct iom_if *ifp, struct pkt *p, bool v6)
{
    (void)iom;
    p->fc = FC_BE;
    if (ifp->kind != IFK_SAP)
        return;
    const struct qos_policy *q = ifp->qos_in;
    if (q) {
        int8_t fc = q->dscp_fc[dscp_of(p, v6)];
        p->fc = fc >= 0 ? (uint8_t)fc : q->default_fc;
    }
    struct fc_stats *st = &ifp->fc[p->fc];
    st->in_off_pkts++;
    st->in_off_octets += p->len + p->l2_len;
}

void qos_forwarded_in(struct iom_if *in_if, const struct pkt *p)
{
    if (!in_if || in_if->kind != IFK_SAP)
        return;
    struct fc_stats *st = &in_if->fc[p->fc < FC_MAX ? p->fc : FC_BE];
    st->in_fwd_pkts++;
    st->in_fwd_octets += p->len + p->l2_len;
}

bool qos_egress(struct iom *iom, struct iom_if *ifp, struct pkt *p, bool v6)
{
    (void)iom;
    if (ifp->kind != IFK_SAP)
        return true;
    const struct qos_policy *q = ifp->qos_out;
    if (q && q->fc_dscp[p->fc] >= 0) {
        if (v6)
            ip6_set_dscp(p->data, (uint8_t)q->fc_dscp[p->fc]);
        else
            ip4_set_dscp(p->data, (uint8_t)q->fc_dscp[p->fc]);
    }
    struct fc_stats *st = &ifp->fc[p->fc];
    st->out_off_pkts++;
    /* offered octets as they leave: L3 plus the SAP's Ethernet header */
    st->out_off_octets += p->len + (ifp->vlan >= 0 ? 18 : 14);
    return true;
}

/* ---- IP filters ----------------------------------------------------------- */

static bool prefix_match(const uint8_t *a, const uint8_t *b, int len)
{
    for (int i = 0; i < len; i++)
        if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
            return false;
    return true;
}

const struct filter_entry *filter_match(const struct ip_filter *f, const uint8_t *ip, size_t len,
                                        bool v6)
{
    uint8_t proto;
    size_t off;
    const uint8_t *src, *dst;
    if (v6) {
        bool frag;
        if (len < 40 || ip6_upper(ip, len, &proto, &off, &frag) != PKT_OK)
            return NULL;
        src = ip + 8;
        dst = ip + 24;
    } else {
        if (len < 20)
            return NULL;
        proto = ip[9];
        off = (size_t)(ip[0] & 0x0f) * 4;
        src = ip + 12;
        dst = ip + 16;
        if (rd16(ip + 6) & 0x1fff)
            off = len; /* a non-first fragment carries no ports */
    }
    int sport = -1, dport = -1;
    if ((proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) && off + 4 <= len) {
        sport = rd16(ip + off);
        dport = rd16(ip + off + 2);
    }
    int family = v6 ? AF_INET6 : AF_INET;
    for (size_t i = 0; i < f->n; i++) {
        const struct filter_entry *e = &f->entries[i];
        if (e->family && e->family != family)
            continue;
        if (e->protocol >= 0 && e->protocol != proto)
            continue;
        if (e->src_len >= 0 && !prefix_match(src, e->src, e->src_len))
            continue;
        if (e->dst_len >= 0 && !prefix_match(dst, e->dst, e->dst_len))
            continue;
        if (e->src_port >= 0 && e->src_port != sport)
            continue;
        if (e->dst_port >= 0 && e->dst_port != dport)
            continue;
        ((struct filter_entry *)e)->matches++;
        return e;
    }
    return NULL;
}

bool filter_pass(const struct ip_filter *f, const uint8_t *ip, size_t len, bool v6)
{
    const struct filter_entry *e = filter_match(f, ip, len, v6);
    return e ? !e->drop : !f->default_drop;
}

/* Neighbours: ARP (RFC 826) for IPv4 and Neighbor Discovery (RFC 4861) for
 * IPv6, one table per routing instance. Packets waiting for resolution are
 * queued (at most NBR_QUEUE_MAX); unresolved after NBR_PROBES tries, they
 * are dropped with an ICMP host unreachable. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"
#include "log.h"

#define NBR_QUEUE_MAX 3
#define NBR_PROBES 3
#define NBR_PROBE_MS 1000
#define ARP_TIMEOUT_DEFAULT_S 14400 /* the router's arp-timeout default */
#define ND_REACHABLE_MS 30000       /* reachable-time default */

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned nbr_hash(int family, const uint8_t *ip)
{
    size_t n = family == AF_INET ? 4 : 16;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ ip[i]) * 16777619u;
    return h % NBR_BUCKETS;
}

static size_t alen(int family)
{
    return family == AF_INET ? 4 : 16;
}

static struct nbr *nbr_find(struct iom_inst *inst, int family, const uint8_t *ip)
{
    for (struct nbr *n = inst->nbr[nbr_hash(family, ip)]; n; n = n->next)
        if (n->family == family && memcmp(n->ip, ip, alen(family)) == 0)
            return n;
    return NULL;
}

const struct nbr *nbr_get(const struct iom_inst *inst, int family, const uint8_t *ip)
{
    return nbr_find((struct iom_inst *)inst, family, ip);
}

static struct nbr *nbr_create(struct iom_inst *inst, int family, const uint8_t *ip,
                              struct iom_if *ifp)
{
    struct nbr *n = calloc(1, sizeof *n);
    n->family = (uint8_t)family;
    memcpy(n->ip, ip, alen(family));
    n->ifp = ifp;
    snprintf(n->ifname, sizeof n->ifname, "%s", ifp->name);
    n->state = NBR_INCOMPLETE;
    unsigned b = nbr_hash(family, ip);
    n->next = inst->nbr[b];
    inst->nbr[b] = n;
    inst->n_nbr++;
    return n;
}

static void nbr_delete(struct iom *iom, struct iom_inst *inst, struct nbr *victim, bool unreachable)
{
    unsigned b = nbr_hash(victim->family, victim->ip);
    for (struct nbr **pp = &inst->nbr[b]; *pp; pp = &(*pp)->next) {
        if (*pp != victim)
            continue;
        *pp = victim->next;
        struct pkt *q = victim->q_head;
        while (q) {
            struct pkt *next = q->next;
            if (unreachable && victim->ifp && q->in_if) {
                /* ICMP host unreachable back to the sender of each queued packet */
                if (victim->family == AF_INET)
                    icmp4_error(iom, q->in_if, q, 3, 1, 0);
                else
                    icmp6_error(iom, q->in_if, q, 1, 3, 0);
            }
            iom_drop(iom, q, DROP_NBR_FAIL, -1);
            q = next;
        }
        inst->n_nbr--;
        free(victim);
        return;
    }
}

/* ---- sending requests --------------------------------------------------------- */

static void arp_send(struct iom *iom, struct iom_if *ifp, uint16_t op, const uint8_t *dst_mac,
                     const uint8_t *tha, const uint8_t *tpa, const uint8_t *spa)
{
    if (ifp->port < 0)
        return;
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return;
    }
    uint8_t *a = p->data;
    wr16(a, 1);
    wr16(a + 2, ETHERTYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    wr16(a + 6, op);
    memcpy(a + 8, iom->ports[ifp->port].mac, 6);
    memcpy(a + 14, spa, 4);
    memcpy(a + 18, tha, 6);
    memcpy(a + 24, tpa, 4);
    memset(a + 28, 0, 18); /* pad the frame to the Ethernet minimum */
    p->len = 46;
    l2_output(iom, ifp, p, dst_mac, ETHERTYPE_ARP);
}

static void arp_request(struct iom *iom, struct iom_if *ifp, const uint8_t *ip)
{
    static const uint8_t zero[6] = { 0 };
    if (ifp->has_v4)
        arp_send(iom, ifp, 1, bcast, zero, ip, ifp->v4);
}

void arp_gratuitous(struct iom *iom, struct iom_if *ifp)
{
    static const uint8_t zero[6] = { 0 };
    if (ifp->has_v4 && ifp->oper_up && ifp->kind != IFK_TUNNEL_PRIVATE &&
        ifp->kind != IFK_TUNNEL_PUBLIC)
        arp_send(iom, ifp, 1, bcast, zero, ifp->v4, ifp->v4);
}

/* RFC 5227 3: an announcement is a request with sender = target = the address. */
void arp_announce(struct iom *iom, struct iom_if *ifp, const uint8_t *addr)
{
    static const uint8_t zero[6] = { 0 };
    if (ifp->oper_up && ifp->port >= 0)
        arp_send(iom, ifp, 1, bcast, zero, addr, addr);
}

static void put_icmp6_csum(uint8_t *ip6)
{
    uint16_t plen = rd16(ip6 + 4);
    uint8_t *icmp = ip6 + 40;
    wr16(icmp + 2, 0);
    uint32_t s = csum_pseudo6(ip6 + 8, ip6 + 24, IPPROTO_ICMPV6_, plen);
    wr16(icmp + 2, csum_fold(csum_add(s, icmp, plen)));
}

static void nd_build(uint8_t *ip, const uint8_t *src, const uint8_t *dst, uint16_t plen)
{
    memset(ip, 0, 40);
    ip[0] = 0x60;
    wr16(ip + 4, plen);
    ip[6] = IPPROTO_ICMPV6_;
    ip[7] = 255; /* RFC 4861: ND messages carry hop limit 255 */
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
}

static void nd_solicit(struct iom *iom, struct iom_if *ifp, const uint8_t *target, bool unicast,
                       const uint8_t *mac)
{
    if (ifp->port < 0)
        return;
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return;
    }
    uint8_t dst[16], dmac[6];
    if (unicast) {
        memcpy(dst, target, 16);
        memcpy(dmac, mac, 6);
    } else {
        /* solicited-node multicast ff02::1:ffXX:XXXX (RFC 4291 2.7.1) */
        static const uint8_t sn[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
        memcpy(dst, sn, 13);
        memcpy(dst + 13, target + 13, 3);
        dmac[0] = dmac[1] = 0x33;
        memcpy(dmac + 2, dst + 12, 4);
    }
    uint8_t *ip = p->data;
    nd_build(ip, if_src6_for(ifp, target), dst, 32);
    uint8_t *icmp = ip + 40;
    memset(icmp, 0, 32);
    icmp[0] = 135;
    memcpy(icmp + 8, target, 16);
    icmp[24] = 1; /* source link-layer address option */
    icmp[25] = 1;
    memcpy(icmp + 26, iom->ports[ifp->port].mac, 6);
    put_icmp6_csum(ip);
    p->len = 72;
    l2_output(iom, ifp, p, dmac, ETHERTYPE_IPV6);
}

static void nd_advertise(struct iom *iom, struct iom_if *ifp, const uint8_t *target,
                         const uint8_t *dst, const uint8_t *dmac, bool solicited)
{
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return;
    }
    uint8_t *ip = p->data;
    nd_build(ip, target, dst, 32);
    uint8_t *icmp = ip + 40;
    memset(icmp, 0, 32);
    icmp[0] = 136;
    icmp[4] = (uint8_t)(0x80 | (solicited ? 0x40 : 0) | 0x20); /* router, solicited, override */
    memcpy(icmp + 8, target, 16);
    icmp[24] = 2; /* target link-layer address option */
    icmp[25] = 1;
    memcpy(icmp + 26, iom->ports[ifp->port].mac, 6);
    put_icmp6_csum(ip);
    p->len = 72;
    l2_output(iom, ifp, p, dmac, ETHERTYPE_IPV6);
}

/* RFC 4861 7.2.6: an unsolicited advertisement to all nodes, override set. */
void nd_announce(struct iom *iom, struct iom_if *ifp, const uint8_t *addr)
{
    static const uint8_t all_nodes[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t mac_all[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    if (ifp->oper_up && ifp->port >= 0)
        nd_advertise(iom, ifp, addr, all_nodes, mac_all, false);
}

static void probe(struct iom *iom, struct nbr *n, bool unicast)
{
    n->probes++;
    n->next_probe_ms = iom->now_ms + NBR_PROBE_MS;
    if (n->family == AF_INET)
        arp_request(iom, n->ifp, n->ip);
    else
        nd_solicit(iom, n->ifp, n->ip, unicast, n->mac);
}

/* ---- learning ------------------------------------------------------------------ */

static uint64_t reachable_ms(const struct nbr *n)
{
    if (n->family == AF_INET6)
        return ND_REACHABLE_MS;
    uint32_t s = n->ifp && n->ifp->arp_timeout_s ? n->ifp->arp_timeout_s : ARP_TIMEOUT_DEFAULT_S;
    return (uint64_t)s * 1000;
}

static void flush_queue(struct iom *iom, struct nbr *n)
{
    struct pkt *q = n->q_head;
    n->q_head = NULL;
    n->qlen = 0;
    while (q) {
        struct pkt *next = q->next;
        q->next = NULL;
        l2_output(iom, n->ifp, q, n->mac, n->family == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
        q = next;
    }
}

static void update(struct iom *iom, struct nbr *n, struct iom_if *ifp, const uint8_t *mac)
{
    memcpy(n->mac, mac, 6);
    n->ifp = ifp;
    snprintf(n->ifname, sizeof n->ifname, "%s", ifp->name);
    n->state = NBR_REACHABLE;
    n->probes = 0;
    n->expires_ms = iom->now_ms + reachable_ms(n);
    flush_queue(iom, n);
}

void nbr_learn(struct iom *iom, struct iom_if *ifp, int family, const uint8_t *ip,
               const uint8_t *mac, bool create)
{
    struct iom_inst *inst = ifp->inst;
    struct nbr *n = nbr_find(inst, family, ip);
    if (!n && !create)
        return;
    if (!n)
        n = nbr_create(inst, family, ip, ifp);
    update(iom, n, ifp, mac);
}

/* True when ip is inside one of the interface's subnets. */
static bool on_subnet4(const struct iom_if *ifp, const uint8_t *ip)
{
    if (!ifp->has_v4 || ifp->v4_len == 0)
        return false;
    uint32_t a = rd32(ifp->v4), b = rd32(ip);
    uint32_t mask = ifp->v4_len >= 32 ? 0xffffffffu : ~(0xffffffffu >> ifp->v4_len);
    return (a & mask) == (b & mask);
}

void arp_input(struct iom *iom, struct iom_if *ifp, struct pkt *p, const struct eth_view *eth)
{
    struct arp_view a;
    if (arp_parse(p->data + eth->hdr_len, p->len - eth->hdr_len, &a) != PKT_OK) {
        iom_drop(iom, p, DROP_ARP_BAD, p->in_port);
        return;
    }
    bool ours = ifp->has_v4 && memcmp(a.tpa, ifp->v4, 4) == 0;
    /* MC-IPsec: a gateway address of a group forwarding here is ours too;
     * another's announcement of it (sender = target) is not a question */
    if (!ours && ifp->mc_gw_if && memcmp(a.spa, a.tpa, 4) != 0)
        ours = iom_mc_owns(iom, ifp, AF_INET, a.tpa);
    bool sender_ok = on_subnet4(ifp, a.spa) && !mac_is_multicast(a.sha) &&
                     !(ifp->has_v4 && memcmp(a.spa, ifp->v4, 4) == 0);
    /* RFC 826: merge the sender into an existing entry; create one when the
     * request is for us (we will talk back). */
    if (sender_ok)
        nbr_learn(iom, ifp, AF_INET, a.spa, a.sha, ours);
    if (ours && a.op == 1) {
        uint8_t spa[4], sha[6];
        memcpy(spa, a.spa, 4);
        memcpy(sha, a.sha, 6);
        uint8_t tpa[4];
        memcpy(tpa, a.tpa, 4);
        arp_send(iom, ifp, 2, sha, sha, spa, tpa);
    }
    if (!ours) {
        iom_drop(iom, p, DROP_ARP_NOT_OURS, p->in_port);
        return;
    }
    pkt_free(iom, p);
}

static bool is_our6(const struct iom_if *ifp, const uint8_t *ip)
{
    if (memcmp(ip, ifp->v6_ll, 16) == 0)
        return true;
    for (int i = 0; i < ifp->n6; i++)
        if (memcmp(ip, ifp->v6[i], 16) == 0)
            return true;
    return false;
}

/* NS/NA (RFC 4861 7.1 validation: hop limit 255, code 0, length, checksum). */
bool nd_input(struct iom *iom, struct iom_if *ifp, struct pkt *p, size_t off)
{
    uint8_t *ip = p->data;
    uint8_t *icmp = ip + off;
    size_t len = p->len - off;
    uint8_t type = icmp[0];
    if (type != 135 && type != 136)
        return false;
    if (ip[7] != 255 || icmp[1] != 0 || len < 24) {
        iom_drop(iom, p, DROP_ND_BAD, p->in_port);
        return true;
    }
    const uint8_t *target = icmp + 8;
    const uint8_t *lladdr = NULL;
    for (size_t o = 24; o + 8 <= len;) {
        size_t olen = (size_t)icmp[o + 1] * 8;
        if (olen == 0 || o + olen > len) {
            iom_drop(iom, p, DROP_ND_BAD, p->in_port);
            return true;
        }
        if ((type == 135 && icmp[o] == 1) || (type == 136 && icmp[o] == 2))
            lladdr = icmp + o + 2;
        o += olen;
    }
    static const uint8_t unspec[16] = { 0 };
    const uint8_t *src = ip + 8;
    if (type == 135) {
        if (!is_our6(ifp, target) &&
            !(ifp->mc_gw_if && iom_mc_owns(iom, ifp, AF_INET6, target))) {
            pkt_free(iom, p);
            return true;
        }
        uint8_t t[16];
        memcpy(t, target, 16);
        if (memcmp(src, unspec, 16) == 0) {
            /* duplicate address detection: answer all nodes */
            static const uint8_t all_nodes[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
            static const uint8_t mac_all[6] = { 0x33, 0x33, 0, 0, 0, 1 };
            pkt_free(iom, p);
            nd_advertise(iom, ifp, t, all_nodes, mac_all, false);
            return true;
        }
        if (!lladdr) {
            struct nbr *n = nbr_find(ifp->inst, AF_INET6, src);
            if (!n || n->state == NBR_INCOMPLETE) {
                iom_drop(iom, p, DROP_ND_BAD, p->in_port); /* cannot answer */
                return true;
            }
            lladdr = n->mac;
        }
        uint8_t s[16], mac[6];
        memcpy(s, src, 16);
        memcpy(mac, lladdr, 6);
        nbr_learn(iom, ifp, AF_INET6, s, mac, true);
        pkt_free(iom, p);
        nd_advertise(iom, ifp, t, s, mac, true);
        return true;
    }
    if (lladdr) {
        uint8_t t[16], mac[6];
        memcpy(t, target, 16);
        memcpy(mac, lladdr, 6);
        nbr_learn(iom, ifp, AF_INET6, t, mac, false);
    }
    pkt_free(iom, p);
    return true;
}

/* ---- resolution on the forwarding path --------------------------------------------- */

void nbr_resolve_and_send(struct iom *iom, struct iom_if *oif, struct pkt *p, int family,
                          const uint8_t *nh)
{
    struct iom_inst *inst = oif->inst;
    struct nbr *n = nbr_find(inst, family, nh);
    if (n && n->state != NBR_INCOMPLETE && n->ifp == oif) {
        if (n->state == NBR_STALE && iom->now_ms >= n->next_probe_ms) {
            if (n->probes >= NBR_PROBES) {
                n->state = NBR_INCOMPLETE; /* gone quiet: resolve again */
            } else {
                probe(iom, n, true);
            }
        }
        if (n->state != NBR_INCOMPLETE) {
            l2_output(iom, oif, p, n->mac, family == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
            return;
        }
    }
    if (!n)
        n = nbr_create(inst, family, nh, oif);
    if (n->ifp != oif) {
        n->ifp = oif;
        snprintf(n->ifname, sizeof n->ifname, "%s", oif->name);
    }
    if (n->qlen >= NBR_QUEUE_MAX) {
        iom_drop(iom, p, DROP_NBR_QUEUE, -1);
    } else {
        memcpy(p->nh, nh, alen(family));
        p->next = NULL;
        struct pkt **tail = &n->q_head;
        while (*tail)
            tail = &(*tail)->next;
        *tail = p;
        n->qlen++;
    }
    if (n->probes == 0 || iom->now_ms >= n->next_probe_ms)
        probe(iom, n, false);
}

void nbr_tick(struct iom *iom)
{
    iom->now_ms = mono_ms();
    for (struct iom_inst *inst = iom->insts; inst; inst = inst->next) {
        for (unsigned b = 0; b < NBR_BUCKETS; b++) {
            struct nbr *n = inst->nbr[b];
            while (n) {
                struct nbr *next = n->next;
                if (n->state == NBR_INCOMPLETE && iom->now_ms >= n->next_probe_ms) {
                    if (n->probes >= NBR_PROBES)
                        nbr_delete(iom, inst, n, true);
                    else
                        probe(iom, n, false);
                } else if (n->state == NBR_REACHABLE && iom->now_ms >= n->expires_ms) {
                    if (n->family == AF_INET) {
                        nbr_delete(iom, inst, n, false); /* arp-timeout */
                    } else {
                        n->state = NBR_STALE;            /* RFC 4861 NUD */
                        n->probes = 0;
                        n->next_probe_ms = 0;
                    }
                } else if (n->state == NBR_STALE && n->probes >= NBR_PROBES &&
                           iom->now_ms >= n->next_probe_ms) {
                    nbr_delete(iom, inst, n, false);
                }
                n = next;
            }
        }
    }
    port_flush_all(iom);
}

void nbr_relink(struct iom *iom)
{
    for (struct iom_inst *inst = iom->insts; inst; inst = inst->next) {
        for (unsigned b = 0; b < NBR_BUCKETS; b++) {
            struct nbr *n = inst->nbr[b];
            while (n) {
                struct nbr *next = n->next;
                struct iom_if *found = NULL;
                for (size_t i = 0; i < iom->n_ifs; i++)
                    if (iom->ifs[i]->inst == inst && strcmp(iom->ifs[i]->name, n->ifname) == 0)
                        found = iom->ifs[i];
                bool keep = found && (n->family == AF_INET6 || on_subnet4(found, n->ip));
                if (keep)
                    n->ifp = found;
                else {
                    n->ifp = NULL;
                    nbr_delete(iom, inst, n, false);
                }
                n = next;
            }
        }
    }
}

void nbr_flush_inst(struct iom *iom, struct iom_inst *inst)
{
    for (unsigned b = 0; b < NBR_BUCKETS; b++) {
        while (inst->nbr[b]) {
            inst->nbr[b]->ifp = NULL;
            nbr_delete(iom, inst, inst->nbr[b], false);
        }
    }
}

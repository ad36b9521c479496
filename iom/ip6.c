/* IPv6: input checks, local delivery (ND, echo, reassembly), forwarding
 * (hop limit, longest-prefix match, Packet Too Big: routers never
 * fragment, RFC 8200 5) and ICMPv6 errors (RFC 4443). */
#include <arpa/inet.h>
#include <string.h>

#include "iom.h"

#define ICMP6_MAX_QUOTE (1280 - 48) /* RFC 4443 2.4(c): the error fits the minimum MTU */

static const enum drop_reason parse_drop[] = {
    [PKT_TRUNCATED] = DROP_IP6_TRUNC,   [PKT_BAD_VERSION] = DROP_IP6_VERSION,
    [PKT_BAD_HDRLEN] = DROP_IP6_LENGTH, [PKT_BAD_LENGTH] = DROP_IP6_LENGTH,
    [PKT_BAD_CHECKSUM] = DROP_IP6_LENGTH, [PKT_BAD_ARP] = DROP_IP6_LENGTH,
};

static bool is_multicast(const uint8_t *a) { return a[0] == 0xff; }
static bool is_linklocal(const uint8_t *a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
static bool is_unspecified(const uint8_t *a)
{
    static const uint8_t z[16] = { 0 };
    return memcmp(a, z, 16) == 0;
}

static bool local_route6(const struct route *r)
{
    return r && r->proto == ROUTE_LOCAL && r->plen == 128;
}

bool iom_is_local6(const struct iom_inst *inst, const uint8_t *ip)
{
    return local_route6(fib_lookup(&inst->fib, AF_INET6, ip));
}

/* Addresses an interface answers on besides its own: link-local, all-nodes,
 * all-routers and its solicited-node groups. */
static bool for_interface(const struct iom_if *ifp, const uint8_t *dst)
{
    static const uint8_t all_nodes[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t all_routers[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    static const uint8_t sn[13] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
    if (memcmp(dst, ifp->v6_ll, 16) == 0 || memcmp(dst, all_nodes, 16) == 0 ||
        memcmp(dst, all_routers, 16) == 0)
        return true;
    if (memcmp(dst, sn, 13) == 0) {
        if (memcmp(dst + 13, ifp->v6_ll + 13, 3) == 0)
            return true;
        for (int i = 0; i < ifp->n6; i++)
            if (memcmp(dst + 13, ifp->v6[i] + 13, 3) == 0)
                return true;
    }
    return false;
}

/* MC-IPsec: Neighbor Solicitations for a gateway address (to its
 * solicited-node group, or unicast NUD probes) are for ND here, never
 * routed to the ISA or shunted; nd_input answers only while forwarding. */
static bool mc_gw_solicit(struct iom *iom, const struct iom_if *ifp, const struct pkt *p,
                          const uint8_t *dst)
{
    static const uint8_t sn[13] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
    if (memcmp(dst, sn, 13) == 0)
        return iom_mc_gw6(iom, ifp, dst + 13, true);
    return p->len >= 48 && p->data[6] == IPPROTO_ICMPV6_ && p->data[40] == 135 &&
           iom_mc_gw6(iom, ifp, dst, false);
}

const uint8_t *if_src6_for(const struct iom_if *ifp, const uint8_t *dst)
{
    if (!is_linklocal(dst) && !is_multicast(dst)) {
        for (int i = 0; i < ifp->n6; i++) {
            int len = ifp->v6_len[i];
            bool same = true;
            for (int b = 0; b < len && same; b++)
                same = ((ifp->v6[i][b / 8] ^ dst[b / 8]) & (0x80 >> (b % 8))) == 0;
            if (same)
                return ifp->v6[i];
        }
        if (ifp->n6)
            return ifp->v6[0];
    }
    return ifp->v6_ll;
}

static void finish_icmp6(uint8_t *ip, size_t icmp_len)
{
    uint8_t *icmp = ip + 40;
    wr16(icmp + 2, 0);
    uint32_t s = csum_pseudo6(ip + 8, ip + 24, IPPROTO_ICMPV6_, (uint32_t)icmp_len);
    wr16(icmp + 2, csum_fold(csum_add(s, icmp, icmp_len)));
}

static void build_ip6(uint8_t *ip, const uint8_t *src, const uint8_t *dst, uint16_t plen,
                      uint8_t hlim)
{
    memset(ip, 0, 8);
    ip[0] = 0x60;
    wr16(ip + 4, plen);
    ip[6] = IPPROTO_ICMPV6_;
    ip[7] = hlim;
    memmove(ip + 8, src, 16);
    memmove(ip + 24, dst, 16);
}

void icmp6_error(struct iom *iom, struct iom_if *in_if, const struct pkt *orig, uint8_t type,
                 uint8_t code, uint32_t extra)
{
    struct ip6_view v;
    if (!in_if || ip6_parse(orig->data, orig->len, &v) != PKT_OK)
        return;
    /* RFC 4443 2.4(e): not about ICMPv6 errors, nor to multicast (PTB aside) */
    if (is_unspecified(v.src) || is_multicast(v.src) || (is_multicast(v.dst) && type != 2))
        return;
    uint8_t proto;
    size_t off;
    bool frag;
    if (ip6_upper(orig->data, orig->len, &proto, &off, &frag) == PKT_OK && proto == IPPROTO_ICMPV6_ &&
        off < orig->len && orig->data[off] < 128)
        return;
    if (!icmp_rate_ok(iom, in_if))
        return;
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return;
    }
    size_t olen = 40 + (size_t)v.payload_len;
    size_t quote = olen < ICMP6_MAX_QUOTE ? olen : ICMP6_MAX_QUOTE;
    uint8_t *ip = p->data;
    uint8_t *icmp = ip + 40;
    icmp[0] = type;
    icmp[1] = code;
    wr32(icmp + 4, extra);
    memcpy(icmp + 8, orig->data, quote);
    uint8_t dst[16];
    memcpy(dst, v.src, 16);
    build_ip6(ip, if_src6_for(in_if, dst), dst, (uint16_t)(8 + quote), 64);
    finish_icmp6(ip, 8 + quote);
    p->len = (uint32_t)(40 + 8 + quote);
    p->fc = FC_NC;
    ip6_output(iom, in_if->inst, p);
}

struct frag6_out {
    struct iom *iom;
    struct iom_if *oif;
    uint8_t nh[16];
    uint8_t fc;
};

static void emit6(void *arg, const uint8_t *frag, size_t len)
{
    struct frag6_out *o = arg;
    struct pkt *p = pkt_copy(o->iom, frag, len);
    if (!p)
        return;
    p->fc = o->fc;
    nbr_resolve_and_send(o->iom, o->oif, p, AF_INET6, o->nh);
}

void ip6_output(struct iom *iom, struct iom_inst *inst, struct pkt *p)
{
    const uint8_t *dst = p->data + 24;
    const struct route *r = fib_lookup(&inst->fib, AF_INET6, dst);
    struct iom_if *oif = r && !r->blackhole && r->proto != ROUTE_LOCAL ? r->oif : NULL;
    uint8_t nh[16];
    if (is_linklocal(dst)) {
        /* link-local: out of the interface that has the matching source */
        for (size_t i = 0; i < iom->n_ifs && !oif; i++)
            if (iom->ifs[i]->inst == inst && iom->ifs[i]->oper_up &&
                memcmp(iom->ifs[i]->v6_ll, p->data + 8, 16) == 0)
                oif = iom->ifs[i];
        memcpy(nh, dst, 16);
    } else if (oif) {
        memcpy(nh, r->has_nh ? r->nh : dst, 16);
    }
    if (!oif) {
        iom_drop(iom, p, DROP_NO_ROUTE, -1);
        return;
    }
    if (oif->kind == IFK_TUNNEL_PRIVATE || oif->kind == IFK_TUNNEL_PUBLIC) {
        bool ll = is_linklocal(dst);
        handoff_to_isa(iom, oif, p, nh, r && !ll ? r->tunnel : NULL,
                       r && !ll && r->proto == ROUTE_IPSEC);
        return;
    }
    if (p->len > oif->ip_mtu) {
        /* our own packets may be fragmented at the source (RFC 8200 4.5) */
        static uint32_t ident;
        struct frag6_out o = { iom, oif, { 0 }, p->fc };
        memcpy(o.nh, nh, 16);
        if (ip6_fragment(p->data, p->len, oif->ip_mtu, ++ident, emit6, &o) < 0)
            iom_drop(iom, p, DROP_FRAG_FAIL, -1);
        else
            pkt_free(iom, p);
        return;
    }
    nbr_resolve_and_send(iom, oif, p, AF_INET6, nh);
}

static void echo_reply6(struct iom *iom, struct iom_if *ifp, struct pkt *p, size_t off,
                        const uint8_t *reply_src)
{
    uint8_t *ip = p->data;
    size_t ilen = p->len - off;
    uint8_t *icmp = ip + off;
    uint8_t src[16], dst[16];
    memcpy(src, reply_src, 16);
    memcpy(dst, ip + 8, 16);
    if (off != 40) {
        memmove(ip + 40, icmp, ilen); /* extension headers are not echoed */
        icmp = ip + 40;
    }
    icmp[0] = 129;
    build_ip6(ip, src, dst, (uint16_t)ilen, 64);
    finish_icmp6(ip, ilen);
    p->len = (uint32_t)(40 + ilen);
    ip6_output(iom, ifp->inst, p);
}

static void ip6_local(struct iom *iom, struct iom_if *ifp, struct pkt *p, bool multicast_dst)
{
    uint8_t proto;
    size_t off;
    bool frag;
    if (ip6_upper(p->data, p->len, &proto, &off, &frag) != PKT_OK) {
        iom_drop(iom, p, DROP_IP6_EXTHDR, p->in_port);
        return;
    }
    if (frag) {
        if (iom_reassemble(iom, ifp, p) <= 0)
            return;
        if (ip6_upper(p->data, p->len, &proto, &off, &frag) != PKT_OK || frag) {
            iom_drop(iom, p, DROP_REASM, p->in_port);
            return;
        }
    }
    if (proto != IPPROTO_ICMPV6_) {
        if (proto == IPPROTO_UDP_ && !multicast_dst)
            icmp6_error(iom, ifp, p, 1, 4, 0); /* port unreachable */
        iom_drop(iom, p, DROP_LOCAL_PROTO, p->in_port);
        return;
    }
    size_t ilen = p->len - off;
    uint8_t *icmp = p->data + off;
    uint32_t s = csum_pseudo6(p->data + 8, p->data + 24, IPPROTO_ICMPV6_, (uint32_t)ilen);
    if (ilen < 8 || csum_fold(csum_add(s, icmp, ilen)) != 0) {
        iom_drop(iom, p, DROP_ICMP_BAD, p->in_port);
        return;
    }
    if (nd_input(iom, ifp, p, off))
        return;
    if (icmp[0] == 128) {
        /* the reply comes from the address asked, or the interface's for a group */
        uint8_t src[16];
        memcpy(src, multicast_dst ? if_src6_for(ifp, p->data + 8) : p->data + 24, 16);
        echo_reply6(iom, ifp, p, off, src);
        return;
    }
    pkt_free(iom, p); /* RS/RA, MLD, errors: nothing to do */
}

/* r: the route to the packet's destination (looked up once per packet:
 * input needs it first, to tell local from forwarded). */
static void forward(struct iom *iom, struct iom_if *in_if, struct pkt *p, const struct route *r)
{
    uint8_t *ip = p->data;
    if (ip[7] <= 1) {
        icmp6_error(iom, in_if, p, 3, 0, 0);
        iom_drop(iom, p, DROP_TTL, p->in_port);
        return;
    }
    if (!r) {
        icmp6_error(iom, in_if, p, 1, 0, 0);
        iom_drop(iom, p, DROP_NO_ROUTE, p->in_port);
        return;
    }
    if (r->blackhole) {
        iom_drop(iom, p, DROP_BLACKHOLE, p->in_port);
        return;
    }
    uint8_t nh[16];
    memcpy(nh, r->has_nh ? r->nh : ip + 24, 16);
    if (r->oif->kind == IFK_TUNNEL_PRIVATE || r->oif->kind == IFK_TUNNEL_PUBLIC) {
        ip[7]--;
        qos_forwarded_in(in_if, p);
        handoff_to_isa(iom, r->oif, p, nh, r->tunnel, r->proto == ROUTE_IPSEC);
        return;
    }
    if (p->len > r->oif->ip_mtu) {
        icmp6_error(iom, in_if, p, 2, 0, r->oif->ip_mtu);
        iom_drop(iom, p, DROP_PTB, p->in_port);
        return;
    }
    ip[7]--;
    qos_forwarded_in(in_if, p);
    nbr_resolve_and_send(iom, r->oif, p, AF_INET6, nh);
}

void ip6_forward(struct iom *iom, struct iom_inst *inst, struct iom_if *in_if, struct pkt *p)
{
    forward(iom, in_if, p, fib_lookup(&inst->fib, AF_INET6, p->data + 24));
}

void ip6_send(struct iom *iom, struct iom_if *oif, struct iom_if *in_if, struct pkt *p,
              const uint8_t *nh)
{
    if (p->len > oif->ip_mtu) {
        icmp6_error(iom, in_if, p, 2, 0, oif->ip_mtu);
        iom_drop(iom, p, DROP_PTB, p->in_port);
        return;
    }
    nbr_resolve_and_send(iom, oif, p, AF_INET6, nh);
}

void ip6_input(struct iom *iom, struct iom_if *ifp, struct pkt *p)
{
    struct ip6_view v;
    enum pkt_err e = ip6_parse(p->data, p->len, &v);
    if (e != PKT_OK) {
        if (p->in_port >= 0)
            iom->ports[p->in_port].rx_errors++;
        iom_drop(iom, p, parse_drop[e], p->in_port);
        return;
    }
    p->len = 40u + v.payload_len;
    if (is_multicast(v.src)) {
        iom_drop(iom, p, DROP_BAD_SRC, p->in_port);
        return;
    }
    qos_ingress(iom, ifp, p, true);
    if (ifp->filter_in && !filter_pass(ifp->filter_in, p->data, p->len, true)) {
        iom_drop(iom, p, DROP_FILTER, p->in_port);
        return;
    }
    mirror_filter(iom, p->data, p->len, true);
    struct iom_inst *inst = ifp->inst;
    bool group = is_multicast(v.dst);
    const struct route *r = fib_lookup(&inst->fib, AF_INET6, v.dst);
    if (local_route6(r) || for_interface(ifp, v.dst) ||
        (ifp->mc_gw_if && mc_gw_solicit(iom, ifp, p, v.dst))) {
        ip6_local(iom, ifp, p, group);
        return;
    }
    if (group && mcast_routable(p->data, true)) {
        mcast_forward(iom, ifp, p, true); /* over GRE */
        return;
    }
    if (group || is_linklocal(v.dst)) {
        iom_drop(iom, p, DROP_NO_ROUTE, p->in_port); /* not routed */
        return;
    }
    forward(iom, ifp, p, r);
}

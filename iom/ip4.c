/* IPv4: input checks, local delivery (ICMP echo, reassembly), forwarding
 * (TTL, longest-prefix match, fragmentation or ICMP fragmentation needed)
 * and the ICMP errors a router sends (RFC 792, RFC 1812). */
#include <arpa/inet.h>
#include <string.h>

#include "iom.h"

#define ICMP_MAX_QUOTE 548    /* RFC 1812 4.3.2.3: the error fits in 576 bytes */

static const enum drop_reason parse_drop[] = {
    [PKT_TRUNCATED] = DROP_IP4_TRUNC, [PKT_BAD_VERSION] = DROP_IP4_VERSION,
    [PKT_BAD_HDRLEN] = DROP_IP4_HDRLEN, [PKT_BAD_LENGTH] = DROP_IP4_LENGTH,
    [PKT_BAD_CHECKSUM] = DROP_IP4_CSUM, [PKT_BAD_ARP] = DROP_IP4_TRUNC,
};

static bool martian_src(const uint8_t *s)
{
    return s[0] == 0 || s[0] == 127 || s[0] >= 224;
}

static bool local_route4(const struct route *r)
{
    return r && r->proto == ROUTE_LOCAL && r->plen == 32;
}

bool iom_is_local4(const struct iom_inst *inst, const uint8_t *ip)
{
    return local_route4(fib_lookup(&inst->fib, AF_INET, ip));
}

static bool directed_broadcast(const struct iom_if *ifp, const uint8_t *dst)
{
    if (!ifp->has_v4 || ifp->v4_len >= 31)
        return false;
    uint32_t host = 0xffffffffu >> ifp->v4_len;
    uint32_t a = rd32(ifp->v4), d = rd32(dst);
    return (a & ~host) == (d & ~host) && (d & host) == host;
}

static void build_ip4(uint8_t *ip, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                      uint16_t total, uint8_t ttl)
{
    static uint16_t ident;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    wr16(ip + 2, total);
    wr16(ip + 4, ++ident);
    ip[8] = ttl;
    ip[9] = proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    wr16(ip + 10, inet_csum(ip, 20));
}

/* Any IPv4 address of the instance, for errors from an unnumbered path. */
static const uint8_t *inst_addr4(struct iom *iom, const struct iom_inst *inst)
{
    for (size_t i = 0; i < iom->n_ifs; i++)
        if (iom->ifs[i]->inst == inst && iom->ifs[i]->has_v4)
            return iom->ifs[i]->v4;
    return NULL;
}

void icmp4_error(struct iom *iom, struct iom_if *in_if, const struct pkt *orig, uint8_t type,
                 uint8_t code, uint32_t extra)
{
    const uint8_t *oip = orig->data;
    if (!in_if || orig->len < 20)
        return;
    struct ip4_view v;
    if (ip4_parse(oip, orig->len, &v) != PKT_OK)
        return;
    /* RFC 1812 4.3.2.7: never about an ICMP error, a non-first fragment, or
     * a packet from/to a broadcast or multicast address */
    if (v.frag_off || martian_src(v.src) || v.dst[0] >= 224 || directed_broadcast(in_if, v.dst))
        return;
    if (v.proto == IPPROTO_ICMP_ && v.ihl < v.total_len) {
        uint8_t t = oip[v.ihl];
        if (t != 0 && t != 8 && t != 13 && t != 14 && t != 15 && t != 16 && t != 17 && t != 18)
            return;
    }
    if (!icmp_rate_ok(iom, in_if))
        return;
    const uint8_t *src = in_if->has_v4 ? in_if->v4 : inst_addr4(iom, in_if->inst);
    if (!src)
        return;
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return;
    }
    size_t quote = v.total_len < ICMP_MAX_QUOTE ? v.total_len : ICMP_MAX_QUOTE;
    uint8_t *ip = p->data;
    uint8_t *icmp = ip + 20;
    icmp[0] = type;
    icmp[1] = code;
    wr16(icmp + 2, 0);
    wr32(icmp + 4, extra);
    memcpy(icmp + 8, oip, quote);
    wr16(icmp + 2, inet_csum(icmp, 8 + quote));
    build_ip4(ip, src, v.src, IPPROTO_ICMP_, (uint16_t)(20 + 8 + quote), 64);
    p->len = (uint32_t)(20 + 8 + quote);
    p->fc = FC_NC;
    ip4_output(iom, in_if->inst, p);
}

/* ---- output of the router's own packets --------------------------------------------- */

struct frag_out {
    struct iom *iom;
    struct iom_if *oif;
    const uint8_t *nh;
    uint8_t fc;
    struct pkt *orig;
};

static void emit_fragment(void *arg, const uint8_t *frag, size_t len)
{
    struct frag_out *o = arg;
    struct pkt *p = pkt_copy(o->iom, frag, len);
    if (!p)
        return;
    p->fc = o->fc;
    p->in_if = o->orig ? o->orig->in_if : NULL;
    nbr_resolve_and_send(o->iom, o->oif, p, AF_INET, o->nh);
}

/* Sends p (an IPv4 packet at p->data) to nh out of oif, fragmenting it
 * against the interface's IP MTU when DF allows; DF set and too big gives
 * ICMP fragmentation needed (RFC 1191) when in_if is known. */
static void send_out(struct iom *iom, struct iom_if *oif, struct iom_if *in_if, struct pkt *p,
                     const uint8_t *nh)
{
    if (p->len <= oif->ip_mtu) {
        nbr_resolve_and_send(iom, oif, p, AF_INET, nh);
        return;
    }
    bool df = (p->data[6] & 0x40) != 0;
    if (df) {
        if (in_if)
            icmp4_error(iom, in_if, p, 3, 4, oif->ip_mtu & 0xffff);
        iom_drop(iom, p, DROP_DF, -1);
        return;
    }
    struct frag_out o = { iom, oif, nh, p->fc, p };
    uint8_t nhc[16];
    memcpy(nhc, nh, 4);
    o.nh = nhc;
    int n = ip4_fragment(p->data, p->len, oif->ip_mtu, false, emit_fragment, &o);
    if (n < 0) {
        iom_drop(iom, p, DROP_FRAG_FAIL, -1);
        return;
    }
    pkt_free(iom, p);
}

void ip4_send(struct iom *iom, struct iom_if *oif, struct iom_if *in_if, struct pkt *p,
              const uint8_t *nh)
{
    send_out(iom, oif, in_if, p, nh);
}

void ip4_output(struct iom *iom, struct iom_inst *inst, struct pkt *p)
{
    const struct route *r = fib_lookup(&inst->fib, AF_INET, p->data + 16);
    if (!r || r->blackhole || r->proto == ROUTE_LOCAL || !r->oif) {
        iom_drop(iom, p, r && r->blackhole ? DROP_BLACKHOLE : DROP_NO_ROUTE, -1);
        return;
    }
    if (r->oif->kind == IFK_TUNNEL_PRIVATE || r->oif->kind == IFK_TUNNEL_PUBLIC) {
        handoff_to_isa(iom, r->oif, p, r->has_nh ? r->nh : p->data + 16, r->tunnel,
                       r->proto == ROUTE_IPSEC);
        return;
    }
    uint8_t nh[4];
    memcpy(nh, r->has_nh ? r->nh : p->data + 16, 4);
    send_out(iom, r->oif, NULL, p, nh);
}

/* ---- local delivery --------------------------------------------------------------- */

static void echo_reply(struct iom *iom, struct iom_if *ifp, struct pkt *p, const struct ip4_view *v)
{
    uint8_t *ip = p->data;
    uint8_t *icmp = ip + v->ihl;
    size_t ilen = v->total_len - v->ihl;
    if (ilen < 8 || inet_csum(icmp, ilen) != 0) {
        iom_drop(iom, p, DROP_ICMP_BAD, p->in_port);
        return;
    }
    if (icmp[0] != 8) { /* only echo requests need an answer */
        pkt_free(iom, p);
        return;
    }
    uint8_t src[4], dst[4];
    memcpy(src, v->dst, 4);
    memcpy(dst, v->src, 4);
    /* the reply: same payload, options dropped */
    if (v->ihl > 20) {
        memmove(ip + 20, icmp, ilen);
        icmp = ip + 20;
    }
    icmp[0] = 0;
    wr16(icmp + 2, 0);
    wr16(icmp + 2, inet_csum(icmp, ilen));
    build_ip4(ip, src, dst, IPPROTO_ICMP_, (uint16_t)(20 + ilen), 64);
    p->len = (uint32_t)(20 + ilen);
    ip4_output(iom, ifp->inst, p);
}

static void ip4_local(struct iom *iom, struct iom_if *ifp, struct pkt *p, struct ip4_view *v)
{
    if (ip4_is_fragment(v)) {
        if (iom_reassemble(iom, ifp, p) <= 0)
            return;
        if (ip4_parse(p->data, p->len, v) != PKT_OK) {
            iom_drop(iom, p, DROP_REASM, p->in_port);
            return;
        }
    }
    switch (v->proto) {
    case IPPROTO_ICMP_:
        echo_reply(iom, ifp, p, v);
        return;
    case IPPROTO_UDP_:
        icmp4_error(iom, ifp, p, 3, 3, 0); /* port unreachable */
        iom_drop(iom, p, DROP_LOCAL_PROTO, p->in_port);
        return;
    default:
        iom_drop(iom, p, DROP_LOCAL_PROTO, p->in_port);
        return;
    }
}

/* ---- forwarding -------------------------------------------------------------------- */

/* r: the route to the packet's destination (looked up once per packet:
 * input needs it first, to tell local from forwarded). */
static void forward(struct iom *iom, struct iom_if *in_if, struct pkt *p, const struct route *r)
{
    uint8_t *ip = p->data;
    if (ip[8] <= 1) {
        icmp4_error(iom, in_if, p, 11, 0, 0);
        iom_drop(iom, p, DROP_TTL, p->in_port);
        return;
    }
    if (!r) {
        icmp4_error(iom, in_if, p, 3, 0, 0);
        iom_drop(iom, p, DROP_NO_ROUTE, p->in_port);
        return;
    }
    if (r->blackhole) {
        iom_drop(iom, p, DROP_BLACKHOLE, p->in_port);
        return;
    }
    ip4_dec_ttl(ip);
    qos_forwarded_in(in_if, p);
    uint8_t nh[4];
    memcpy(nh, r->has_nh ? r->nh : ip + 16, 4);
    if (r->oif->kind == IFK_TUNNEL_PRIVATE || r->oif->kind == IFK_TUNNEL_PUBLIC) {
        handoff_to_isa(iom, r->oif, p, nh, r->tunnel, r->proto == ROUTE_IPSEC);
        return;
    }
    send_out(iom, r->oif, in_if, p, nh);
}

void ip4_forward(struct iom *iom, struct iom_inst *inst, struct iom_if *in_if, struct pkt *p)
{
    forward(iom, in_if, p, fib_lookup(&inst->fib, AF_INET, p->data + 16));
}

void ip4_input(struct iom *iom, struct iom_if *ifp, struct pkt *p)
{
    struct ip4_view v;
    enum pkt_err e = ip4_parse(p->data, p->len, &v);
    if (e != PKT_OK) {
        if (p->in_port >= 0)
            iom->ports[p->in_port].rx_errors++;
        iom_drop(iom, p, parse_drop[e], p->in_port);
        return;
    }
    p->len = v.total_len; /* Ethernet padding off */
    if (martian_src(v.src)) {
        iom_drop(iom, p, DROP_BAD_SRC, p->in_port);
        return;
    }
    qos_ingress(iom, ifp, p, false);
    if (ifp->filter_in && !filter_pass(ifp->filter_in, p->data, p->len, false)) {
        iom_drop(iom, p, DROP_FILTER, p->in_port);
        return;
    }
    mirror_filter(iom, p->data, p->len, false);
    struct iom_inst *inst = ifp->inst;
    const struct route *r = fib_lookup(&inst->fib, AF_INET, v.dst);
    if (local_route4(r) || directed_broadcast(ifp, v.dst) ||
        rd32(v.dst) == 0xffffffffu) {
        ip4_local(iom, ifp, p, &v);
        return;
    }
    if (v.dst[0] >= 224) {
        if (mcast_routable(p->data, false))
            mcast_forward(iom, ifp, p, false); /* over GRE */
        else
            iom_drop(iom, p, DROP_NO_ROUTE, p->in_port);
        return;
    }
    forward(iom, ifp, p, r);
}

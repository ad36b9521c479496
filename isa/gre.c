/* GRE (RFC 2784, keys RFC 2890) and IP-IP (IPv4 in IPv4/IPv6, RFC 2003
 * and RFC 4213) headers; the MTU rules, outer header and reassembly they
 * share with IPsec are in encap.c. */
#include <string.h>

#include "isa.h"

#define GRE_C 0x8000
#define GRE_K 0x2000
#define GRE_S 0x1000

void gre_encap_one(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                   size_t len, uint8_t dscp)
{
    uint8_t buf[ISA_BUF];
    bool v6in = (in[0] >> 4) == 6;
    size_t ghl = t->gre ? (t->keys ? 8 : 4) : 0;
    if (OUTER_ROOM + ghl + len > sizeof buf) {
        tunnel_drop(isa, t, TD_FRAG_FAIL);
        return;
    }
    uint8_t *g = buf + OUTER_ROOM;
    if (t->gre) {
        wr16(g, t->keys ? GRE_K : 0);
        wr16(g + 2, v6in ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
        if (t->keys)
            wr32(g + 4, t->send_key);
    }
    memcpy(g + ghl, in, len);
    t->encap_pkts++;
    t->encap_octets += len;
    uint8_t proto = t->gre ? IPPROTO_GRE_ : v6in ? IPPROTO_IPV6_ : IPPROTO_IPIP_;
    tunnel_send_outer(isa, iom, t, buf, ghl + len, proto, false, dscp);
}

/* The tunnel payload after the outer header: GRE header checks, keys. */
void gre_decap(struct isa *isa, unsigned iom, struct isa_tunnel *t, uint8_t proto, const uint8_t *p,
               size_t len)
{
    if (proto == IPPROTO_IPIP_ || proto == IPPROTO_IPV6_) {
        if (len < 1 || (inner_version(p) == 6) != (proto == IPPROTO_IPV6_)) {
            tunnel_drop(isa, t, TD_INNER);
            return;
        }
        tunnel_deliver(isa, iom, t, p, len);
        return;
    }
    if (len < 4) {
        tunnel_drop(isa, t, TD_TRUNC);
        return;
    }
    uint16_t flags = rd16(p);
    if ((flags & 0x0007) != 0) {
        tunnel_drop(isa, t, TD_GRE_VERSION); /* RFC 2784 2.3.1: version 0 only */
        return;
    }
    if (flags & 0x4ff8) {
        tunnel_drop(isa, t, TD_GRE_FLAGS);   /* routing present, reserved bits, RFC 1701 leftovers */
        return;
    }
    size_t hl = 4 + ((flags & GRE_C) ? 4 : 0) + ((flags & GRE_K) ? 4 : 0) + ((flags & GRE_S) ? 4 : 0);
    if (len < hl) {
        tunnel_drop(isa, t, TD_TRUNC);
        return;
    }
    if ((flags & GRE_C) && inet_csum(p, len) != 0) {
        tunnel_drop(isa, t, TD_GRE_CSUM);
        return;
    }
    bool has_key = (flags & GRE_K) != 0;
    uint32_t key = has_key ? rd32(p + 4 + ((flags & GRE_C) ? 4 : 0)) : 0;
    if (has_key != t->keys || (has_key && key != t->recv_key)) {
        tunnel_drop(isa, t, TD_GRE_KEY);
        return;
    }
    uint16_t ptype = rd16(p + 2);
    if (ptype != ETHERTYPE_IPV4 && ptype != ETHERTYPE_IPV6) {
        tunnel_drop(isa, t, TD_GRE_PROTO);
        return;
    }
    const uint8_t *inner = p + hl;
    size_t ilen = len - hl;
    if (ilen < 1 || (inner_version(inner) == 6) != (ptype == ETHERTYPE_IPV6)) {
        tunnel_drop(isa, t, TD_INNER);
        return;
    }
    tunnel_deliver(isa, iom, t, inner, ilen);
}

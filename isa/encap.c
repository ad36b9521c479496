/* What every tunnel type of the ISA shares (the chapter's fragmentation
 * rules hold for GRE, IP-IP and IPsec alike):
 *  - in from the private side: ip-mtu M limits the payload (IPv4: fragment
 *    before encapsulation when DF is clear or clear-df-bit is set, else drop
 *    with ICMP fragmentation needed; IPv6: see v6_too_big);
 *  - out to the public side: the outer IPv4/IPv6 (and UDP) header, and
 *    encapsulated-ip-mtu fragmentation of the tunnel packet;
 *  - back from the public side: outer header checks, per-tunnel reassembly
 *    of tunnel fragments, then the tunnel type's own decapsulation. */
#include <arpa/inet.h>
#include <string.h>

#include "ike.h"
#include "isa.h"

#define OUTER_TTL 64

/* ---- ICMP errors into the private service ------------------------------------ */

static void icmp4_back(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *inner,
                       size_t len, uint8_t type, uint8_t code, uint32_t extra)
{
    if (!t->has_priv4 || len < 20)
        return;
    uint8_t buf[20 + 8 + 548];
    size_t quote = len < 548 ? len : 548;
    uint8_t *ip = buf, *icmp = buf + 20;
    memset(buf, 0, 28);
    icmp[0] = type;
    icmp[1] = code;
    wr32(icmp + 4, extra);
    memcpy(icmp + 8, inner, quote);
    wr16(icmp + 2, inet_csum(icmp, 8 + quote));
    ip[0] = 0x45;
    wr16(ip + 2, (uint16_t)(28 + quote));
    ip[8] = 64;
    ip[9] = IPPROTO_ICMP_;
    memcpy(ip + 12, t->priv4, 4);
    memcpy(ip + 16, inner + 12, 4);
    wr16(ip + 10, inet_csum(ip, 20));
    /* as if it came out of the tunnel: the iom routes it back to the sender */
    isa_emit(isa, iom, t->svc, t->ifname, true, buf, 28 + quote);
}

static void icmp6_ptb(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *inner,
                      size_t len, uint32_t mtu)
{
    uint64_t now = (uint64_t)zclock_mono();
    if (!t->has_priv6 || !t->ptb_count)
        return;
    /* icmp6-generation packet-too-big COUNT SECONDS: at most COUNT per window */
    if (now - t->ptb_window_ms >= (uint64_t)t->ptb_interval * 1000) {
        t->ptb_window_ms = now;
        t->ptb_sent = 0;
    }
    if (t->ptb_sent >= t->ptb_count)
        return;
    t->ptb_sent++;
    uint8_t buf[1280];
    size_t quote = len < sizeof buf - 48 ? len : sizeof buf - 48;
    uint8_t *ip = buf, *icmp = buf + 40;
    memset(buf, 0, 48);
    ip[0] = 0x60;
    wr16(ip + 4, (uint16_t)(8 + quote));
    ip[6] = IPPROTO_ICMPV6_;
    ip[7] = 64;
    memcpy(ip + 8, t->priv6, 16);
    memcpy(ip + 24, inner + 8, 16);
    icmp[0] = 2; /* Packet Too Big (RFC 4443 3.2) */
    wr32(icmp + 4, mtu);
    memcpy(icmp + 8, inner, quote);
    uint32_t s = csum_pseudo6(ip + 8, ip + 24, IPPROTO_ICMPV6_, (uint32_t)(8 + quote));
    wr16(icmp + 2, csum_fold(csum_add(s, icmp, 8 + quote)));
    isa_emit(isa, iom, t->svc, t->ifname, true, buf, 48 + quote);
}

/* ---- out to the public side --------------------------------------------------------- */

struct emit_ctx {
    struct isa *isa;
    unsigned iom;
    struct isa_tunnel *t;
    uint8_t dscp;
};

static void emit_public(void *arg, const uint8_t *pkt, size_t len)
{
    struct emit_ctx *c = arg;
    c->t->frags_sent++;
    isa_emit(c->isa, c->iom, c->t->delivery_svc, c->t->pub_ifname, false, pkt, len);
}

void tunnel_send_outer(struct isa *isa, unsigned iom, struct isa_tunnel *t, uint8_t *buf,
                       size_t body_len, uint8_t proto, bool udp, uint8_t dscp)
{
    static uint16_t ident;
    static uint32_t ident6;
    size_t ohl = t->family == AF_INET ? 20 : 40;
    size_t uhl = udp ? 8 : 0;
    uint8_t *o = buf + OUTER_ROOM - uhl - ohl;
    size_t total = ohl + uhl + body_len;
    if (udp) { /* RFC 3948 2.1: source and destination port both the NAT-T port */
        uint8_t *u = buf + OUTER_ROOM - 8;
        wr16(u, t->udp_port);
        wr16(u + 2, t->udp_rport ? t->udp_rport : t->udp_port);
        wr16(u + 4, (uint16_t)(8 + body_len));
        wr16(u + 6, 0); /* IPv4: no checksum (RFC 3948 2.1); IPv6 below */
        proto = IPPROTO_UDP_;
    }
    if (t->family == AF_INET) {
        memset(o, 0, 20);
        o[0] = 0x45;
        o[1] = (uint8_t)(dscp << 2);
        wr16(o + 2, (uint16_t)total);
        wr16(o + 4, ++ident);
        /* DF clear: the public network, or encapsulated-ip-mtu, may fragment */
        o[8] = OUTER_TTL;
        o[9] = proto;
        memcpy(o + 12, t->src, 4);
        memcpy(o + 16, t->remote, 4);
        wr16(o + 10, inet_csum(o, 20));
    } else {
        memset(o, 0, 40);
        o[0] = (uint8_t)(0x60 | (dscp >> 2));
        o[1] = (uint8_t)((dscp & 3) << 6);
        wr16(o + 4, (uint16_t)(uhl + body_len));
        o[6] = proto;
        o[7] = OUTER_TTL;
        memcpy(o + 8, t->src, 16);
        memcpy(o + 24, t->remote, 16);
        if (udp) { /* RFC 8200 8.1: UDP over IPv6 carries a checksum */
            uint8_t *u = o + 40;
            uint32_t s = csum_pseudo6(o + 8, o + 24, IPPROTO_UDP_, (uint32_t)(8 + body_len));
            uint16_t c = csum_fold(csum_add(s, u, 8 + body_len));
            wr16(u + 6, c ? c : 0xffff);
        }
    }
    if (t->encap_mtu && total > t->encap_mtu) {
        struct emit_ctx c = { isa, iom, t, dscp };
        int rc = t->family == AF_INET ? ip4_fragment(o, total, t->encap_mtu, true, emit_public, &c)
                                      : ip6_fragment(o, total, t->encap_mtu, ++ident6, emit_public, &c);
        if (rc < 0)
            tunnel_drop(isa, t, TD_FRAG_FAIL);
        return;
    }
    isa_emit(isa, iom, t->delivery_svc, t->pub_ifname, false, o, total);
}

/* ---- in from the private side ----------------------------------------------------- */

/* One payload packet (already within ip-mtu) into the tunnel. */
static void encap_one(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                      size_t len)
{
    /* the chapter: DSCP marking stays relevant through the tunnel */
    bool v6in = (in[0] >> 4) == 6;
    uint8_t dscp = t->dscp >= 0 ? (uint8_t)t->dscp : v6in ? ip6_dscp(in) : ip4_dscp(in);
    if (t->ipsec)
        ipsec_encap_one(isa, iom, t, in, len, dscp);
    else
        gre_encap_one(isa, iom, t, in, len, dscp);
}

static void emit_inner(void *arg, const uint8_t *pkt, size_t len)
{
    struct emit_ctx *c = arg;
    encap_one(c->isa, c->iom, c->t, pkt, len);
}

/* An IPv6 payload bigger than ip-mtu (the chapter): below 1280 bytes it is
 * discarded; from 1280 on it goes through intact, unless icmp6-generation
 * packet-too-big is configured: then it is discarded and the source told. */
static bool v6_too_big(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                       size_t len)
{
    if (len < 1280)
        return true;
    if (!t->ptb_count)
        return false;
    icmp6_ptb(isa, iom, t, in, len, t->ip_mtu < 1280 ? 1280 : t->ip_mtu);
    return true;
}

void tunnel_private_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                          size_t len)
{
    if (!t->oper_up) {
        tunnel_drop(isa, t, TD_DOWN);
        return;
    }
    if (isa->mc_standby && mc_group_standby(isa, t->group)) {
        isa->mc_standby_drops++; /* MC-IPsec standby: the IOM shunts to the master */
        return;
    }
    if (len < 1 || ((in[0] >> 4) != 4 && (in[0] >> 4) != 6)) {
        tunnel_drop(isa, t, TD_INNER);
        return;
    }
    if (t->ipsec && t->dynamic && !t->out_sa) {
        tunnel_drop(isa, t, TD_ESP_NO_SA); /* IKE has not keyed it (yet) */
        return;
    }
    if ((in[0] >> 4) == 6) {
        struct ip6_view v6;
        if (ip6_parse(in, len, &v6) != PKT_OK) {
            tunnel_drop(isa, t, TD_INNER);
            return;
        }
        len = 40u + v6.payload_len;
        if (t->ipsec && !ipsec_policy_allows(t, in, len, false)) {
            tunnel_drop(isa, t, TD_POLICY_OUT);
            return;
        }
        if (t->ip_mtu && len > t->ip_mtu && v6_too_big(isa, iom, t, in, len)) {
            tunnel_drop(isa, t, TD_V6_TOO_BIG);
            return;
        }
        encap_one(isa, iom, t, in, len);
        return;
    }
    struct ip4_view v;
    if (ip4_parse(in, len, &v) != PKT_OK) {
        tunnel_drop(isa, t, TD_INNER);
        return;
    }
    len = v.total_len;
    if (t->ipsec && !ipsec_policy_allows(t, in, len, false)) {
        tunnel_drop(isa, t, TD_POLICY_OUT);
        return;
    }
    uint8_t copy[ISA_BUF];
    if (t->clear_df && v.df && len <= sizeof copy) {
        /* clear-df-bit: the payload may then be fragmented */
        memcpy(copy, in, len);
        uint16_t old = rd16(copy + 6);
        wr16(copy + 6, (uint16_t)(old & ~0x4000));
        csum_replace16(copy + 10, old, rd16(copy + 6));
        in = copy;
        v.df = false;
    }
    if (!t->ip_mtu || len <= t->ip_mtu) {
        encap_one(isa, iom, t, in, len);
        return;
    }
    if (v.df) {
        icmp4_back(isa, iom, t, in, len, 3, 4, t->ip_mtu & 0xffff);
        tunnel_drop(isa, t, TD_DF);
        return;
    }
    struct emit_ctx c = { isa, iom, t, 0 };
    if (ip4_fragment(in, len, t->ip_mtu, false, emit_inner, &c) < 0)
        tunnel_drop(isa, t, TD_FRAG_FAIL);
}

/* ---- back from the public side ---------------------------------------------------- */

void tunnel_deliver(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *inner,
                    size_t len)
{
    struct ip4_view v4;
    struct ip6_view v6v;
    bool v6 = len >= 1 && (inner[0] >> 4) == 6;
    if (len < 1 || ((inner[0] >> 4) != 4 && !v6) ||
        (v6 ? ip6_parse(inner, len, &v6v) != PKT_OK : ip4_parse(inner, len, &v4) != PKT_OK)) {
        tunnel_drop(isa, t, TD_INNER);
        return;
    }
    if (!t->oper_up) {
        tunnel_drop(isa, t, TD_DOWN);
        return;
    }
    if (t->ipsec && !ipsec_policy_allows(t, inner, len, true)) {
        tunnel_drop(isa, t, TD_POLICY_IN);
        return;
    }
    t->decap_pkts++;
    t->decap_octets += len;
    isa_emit(isa, iom, t->svc, t->ifname, true, inner, len);
}

static void dispatch(struct isa *isa, unsigned iom, struct isa_tunnel *t, uint8_t proto,
                     const uint8_t *p, size_t len)
{
    t->last_iom = iom;
    if (proto == IPPROTO_ESP_)
        ipsec_esp_input(isa, iom, t, p, len);
    else if (proto == IPPROTO_UDP_)
        ipsec_udp_input(isa, iom, t, p, len);
    else
        gre_decap(isa, iom, t, proto, p, len);
}

/* ESP and IKE for an ipsec-gw: IKE to the gateway, ESP by its SPI to the
 * dynamic tunnel that owns it (peers may share an address behind a NAT). */
static void gateway_input(struct isa *isa, unsigned iom, int family, const uint8_t *local,
                          const uint8_t *remote, uint8_t proto, bool fragment, const uint8_t *p,
                          size_t len)
{
    struct ike_gw *gw = ike_gw_by_local(isa, family, local);
    const uint8_t *esp = p;
    size_t esp_len = len;
    if (fragment) {
        isa->no_tunnel_drops++; /* no tunnel to reassemble for yet */
        return;
    }
    if (proto == IPPROTO_UDP_) {
        size_t ulen = len >= 8 ? rd16(p + 4) : 0;
        if (!gw || len < 8 || ulen < 8 || ulen > len) {
            isa->no_tunnel_drops++;
            return;
        }
        uint16_t sport = rd16(p), dport = rd16(p + 2);
        const uint8_t *pl = p + 8;
        size_t plen = ulen - 8;
        bool ike = dport == 500 || (dport == 4500 && plen >= 4 && rd32(pl) == 0);
        if (ike) {
            struct ike_path path = { .iom = iom, .family = family, .local_port = dport,
                                     .remote_port = sport, .delivery_svc = gw->delivery_svc };
            memcpy(path.local, local, family == AF_INET ? 4 : 16);
            memcpy(path.remote, remote, family == AF_INET ? 4 : 16);
            snprintf(path.pub_ifname, sizeof path.pub_ifname, "%s", gw->pub_ifname);
            size_t skip = dport == 500 ? 0 : 4;
            ike_input(isa, &path, NULL, gw, pl + skip, plen - skip);
            return;
        }
        if (plen == 1 && pl[0] == 0xff) { /* a NAT keepalive */
            struct isa_tunnel *any = NULL;
            for (size_t i = 0; i < isa->n_tunnels && !any; i++)
                if (isa->tunnels[i]->gw == gw && isa->tunnels[i]->family == family &&
                    memcmp(isa->tunnels[i]->remote, remote, family == AF_INET ? 4 : 16) == 0 &&
                    isa->tunnels[i]->udp_rport == sport)
                    any = isa->tunnels[i];
            if (any)
                any->keepalives_rcvd++;
            return;
        }
        esp = pl;
        esp_len = plen;
    }
    struct isa_tunnel *t = esp_len >= 4 ? ike_tunnel_by_spi(isa, rd32(esp)) : NULL;
    if (!t) {
        isa->no_tunnel_drops++;
        return;
    }
    t->last_iom = iom;
    ipsec_esp_input(isa, iom, t, esp, esp_len);
}

void tunnel_public_input(struct isa *isa, unsigned iom, const uint8_t *pkt, size_t len)
{
    if (len < 1) {
        isa->no_tunnel_drops++;
        return;
    }
    int family = (pkt[0] >> 4) == 6 ? AF_INET6 : AF_INET;
    const uint8_t *local, *remote;
    uint8_t proto;
    bool fragment;
    size_t off;
    struct ip4_view v4;
    if (family == AF_INET) {
        if (ip4_parse(pkt, len, &v4) != PKT_OK) {
            isa->from_iom_bad++;
            return;
        }
        len = v4.total_len;
        local = v4.dst;
        remote = v4.src;
        proto = v4.proto;
        fragment = ip4_is_fragment(&v4);
        off = v4.ihl;
    } else {
        struct ip6_view v6;
        if (ip6_parse(pkt, len, &v6) != PKT_OK || ip6_upper(pkt, len, &proto, &off, &fragment) != PKT_OK) {
            isa->from_iom_bad++;
            return;
        }
        len = 40u + v6.payload_len;
        local = v6.dst;
        remote = v6.src;
    }
    struct isa_tunnel *t = tunnel_by_public(isa, family, local, remote, proto);
    if (!t && (proto == IPPROTO_UDP_ || proto == IPPROTO_ESP_)) {
        gateway_input(isa, iom, family, local, remote, proto, fragment, pkt + off, len - off);
        return;
    }
    if (!t) {
        isa->no_tunnel_drops++;
        return;
    }
    if (fragment) {
        if (!t->reasm) {
            tunnel_drop(isa, t, TD_REASM_OFF); /* the chapter: reassembly off, fragments dropped */
            return;
        }
        const uint8_t *whole;
        size_t wlen;
        int rc = reasm_input(t->reasm, pkt, len, (uint64_t)zclock_mono(), &whole, &wlen);
        if (rc < 0) {
            tunnel_drop(isa, t, TD_REASM);
            return;
        }
        if (rc != REASM_DONE)
            return;
        t->reassembled++;
        pkt = whole;
        len = wlen;
        if (family == AF_INET) {
            if (ip4_parse(pkt, len, &v4) != PKT_OK) {
                tunnel_drop(isa, t, TD_REASM);
                return;
            }
            off = v4.ihl;
            len = v4.total_len;
        } else if (ip6_upper(pkt, len, &proto, &off, &fragment) != PKT_OK || fragment) {
            tunnel_drop(isa, t, TD_REASM);
            return;
        }
    }
    dispatch(isa, iom, t, proto, pkt + off, len - off);
}

/* CHILD SAs (RFC 7296 1.3, 2.8, 2.9, 2.17): ESP proposals both ways,
 * traffic selectors narrowed to what the tunnel may carry (the security
 * policy of a static tunnel, the ts-list of a gateway, with the chapter's
 * rules: the intersection, at most 32 selectors), keys into the ESP engine,
 * and CREATE_CHILD_SA: a new CHILD SA, a CHILD SA rekey (narrowed again as
 * responder, the current selectors as initiator) and an IKE SA rekey. */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

void ike_sa_established(struct isa *isa, struct ike_sa *sa);
void ike_esp_spi_bind(struct isa *isa, uint32_t spi, struct isa_tunnel *t);

/* ---- ESP proposals ------------------------------------------------------------------- */

static uint16_t esp_encr_id(const struct esp_transform *t)
{
    switch (t->cipher) {
    case ESP_CIPHER_AES_CBC:
        return IKE_ENCR_AES_CBC;
    case ESP_CIPHER_NULL:
        return IKE_ENCR_NULL;
    case ESP_CIPHER_NULL_GMAC:
        return IKE_ENCR_NULL_AUTH_AES_GMAC;
    default:
        return t->icv_len == 8 ? IKE_ENCR_AES_GCM_8 : t->icv_len == 12 ? IKE_ENCR_AES_GCM_12 : IKE_ENCR_AES_GCM_16;
    }
}

static uint16_t esp_integ_id(enum esp_integ i)
{
    static const uint16_t ids[] = {
        [ESP_INTEG_MD5_96] = IKE_INTEG_HMAC_MD5_96,         [ESP_INTEG_SHA1_96] = IKE_INTEG_HMAC_SHA1_96,
        [ESP_INTEG_SHA256_128] = IKE_INTEG_HMAC_SHA2_256_128, [ESP_INTEG_SHA384_192] = IKE_INTEG_HMAC_SHA2_384_192,
        [ESP_INTEG_SHA512_256] = IKE_INTEG_HMAC_SHA2_512_256, [ESP_INTEG_XCBC_96] = IKE_INTEG_AES_XCBC_96,
    };
    return (unsigned)i < sizeof ids / sizeof ids[0] ? ids[i] : IKE_INTEG_NONE;
}

static bool esp_has_integ(const struct esp_transform *t)
{
    return t->integ != ESP_INTEG_AEAD && t->integ != ESP_INTEG_NONE;
}

void ike_build_esp_proposals(const struct ike_policy *pol, uint32_t spi, uint16_t dh,
                             struct ike_proposal *props, unsigned *n)
{
    static uint8_t spi_buf[4];
    wr32(spi_buf, spi);
    *n = 0;
    for (size_t k = 0; k < pol->n_esp && k < 4; k++) {
        struct ike_proposal *p = &props[*n];
        const struct esp_transform *t = &pol->esp[k].tf;
        memset(p, 0, sizeof *p);
        p->num = (uint8_t)(*n + 1);
        p->protocol = IKE_PROTO_ESP;
        p->spi_size = 4;
        p->spi = spi_buf;
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, esp_encr_id(t),
                                                           (uint16_t)t->key_bits, false };
        if (esp_has_integ(t))
            p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_INTEG, esp_integ_id(t->integ), 0, false };
        if (dh)
            p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_DH, dh, 0, false };
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ESN, IKE_ESN_NO, 0, false };
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ESN, IKE_ESN_YES, 0, false };
        (*n)++;
    }
}

void ike_esp_chosen(const struct ike_esp_choice *e, bool esn, uint8_t num, uint32_t spi, uint16_t dh,
                    uint8_t spi_buf[4], struct ike_proposal *p)
{
    memset(p, 0, sizeof *p);
    wr32(spi_buf, spi);
    p->num = num;
    p->protocol = IKE_PROTO_ESP;
    p->spi_size = 4;
    p->spi = spi_buf;
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, esp_encr_id(&e->tf),
                                                       (uint16_t)e->tf.key_bits, false };
    if (esp_has_integ(&e->tf))
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_INTEG, esp_integ_id(e->tf.integ), 0, false };
    if (dh)
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_DH, dh, 0, false };
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ESN, esn ? IKE_ESN_YES : IKE_ESN_NO, 0, false };
}

bool ike_esp_select(const struct ike_policy *pol, const struct ike_sa_payload *sa, uint16_t ke_group,
                    struct ike_esp_choice *out, bool *esn, uint32_t *peer_spi, uint8_t *prop_num,
                    uint16_t *dh)
{
    for (unsigned p = 0; p < sa->n_proposals; p++) {
        const struct ike_proposal *pr = &sa->prop[p];
        if (pr->protocol != IKE_PROTO_ESP || pr->spi_size != 4)
            continue;
        for (size_t k = 0; k < pol->n_esp; k++) {
            const struct esp_transform *t = &pol->esp[k].tf;
            bool encr = false, integ = !esp_has_integ(t), other_integ = false, esn_no = false, esn_yes = false;
            bool dh_any = false, dh_ke = false, dh_none = false;
            for (unsigned i = 0; i < pr->n_transforms; i++) {
                const struct ike_transform *x = &pr->tf[i];
                if (x->unusable)
                    continue;
                switch (x->type) {
                case IKE_TF_ENCR: {
                    bool keyed = t->cipher != ESP_CIPHER_NULL;
                    encr |= x->id == esp_encr_id(t) && (!keyed || x->key_len == t->key_bits);
                    break;
                }
                case IKE_TF_INTEG:
                    if (x->id != IKE_INTEG_NONE)
                        other_integ = true;
                    integ |= esp_has_integ(t) && x->id == esp_integ_id(t->integ);
                    break;
                case IKE_TF_ESN:
                    esn_no |= x->id == IKE_ESN_NO;
                    esn_yes |= x->id == IKE_ESN_YES;
                    break;
                case IKE_TF_DH:
                    if (x->id == IKE_DH_NONE)
                        dh_none = true;
                    else
                        dh_any = true;
                    dh_ke |= ke_group && x->id == ke_group;
                    break;
                default:
                    break;
                }
            }
            if (!esp_has_integ(t) && other_integ)
                integ = false; /* AEAD: no integrity algorithm */
            if (!esn_no && !esn_yes)
                esn_no = true; /* absent: no ESN */
            /* PFS: the KE's group must be one the proposal allows; without a
             * KE (IKE_AUTH, RFC 7296 1.2, or no PFS) groups are ignored */
            uint16_t agreed = 0;
            if (ke_group) {
                if (!dh_ke)
                    continue;
                agreed = ke_group;
            }
            (void)dh_any;
            (void)dh_none;
            if (!encr || !integ)
                continue;
            *out = pol->esp[k];
            *esn = !esn_no;
            *peer_spi = rd32(pr->spi);
            *prop_num = pr->num;
            *dh = agreed;
            return true;
        }
    }
    return false;
}

/* ---- traffic selectors ---------------------------------------------------------------- */

static size_t alen(int family)
{
    return family == AF_INET ? 4 : 16;
}

static void sel_any(struct ike_sel *s, int family)
{
    memset(s, 0, sizeof *s);
    s->family = family;
    memset(s->end, 0xff, alen(family));
    s->hi = 0xffff;
}

static void sel_prefix(struct ike_sel *s, int family, const uint8_t *addr, int len)
{
    sel_any(s, family);
    memcpy(s->start, addr, alen(family));
    memcpy(s->end, addr, alen(family));
    for (int b = len; b < (int)alen(family) * 8; b++) {
        s->start[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
        s->end[b / 8] |= (uint8_t)(0x80 >> (b % 8));
    }
}

/* what the tunnel offers / allows: static tunnels from the security policy,
 * gateways from the ts-list (without one, anything) */
void ike_ts_ours(const struct ike_sa *sa, struct ike_sel *local, unsigned *n_local,
                 struct ike_sel *remote, unsigned *n_remote)
{
    *n_local = *n_remote = 0;
    if (sa->gw) {
        if (sa->gw->has_ts) {
            for (unsigned i = 0; i < sa->gw->n_ts_local && *n_local < IKE_MAX_CHILD_TS; i++)
                local[(*n_local)++] = sa->gw->ts_local[i];
            for (unsigned i = 0; i < sa->gw->n_ts_remote && *n_remote < IKE_MAX_CHILD_TS; i++)
                remote[(*n_remote)++] = sa->gw->ts_remote[i];
        }
        if (!*n_local)
            sel_any(&local[(*n_local)++], AF_INET);
        if (!*n_remote)
            sel_any(&remote[(*n_remote)++], AF_INET);
        return;
    }
    const struct isa_tunnel *t = sa->tunnel;
    for (size_t i = 0; t && i < t->n_policy && *n_local < IKE_MAX_CHILD_TS; i++) {
        const struct policy_entry *e = &t->policy[i];
        if (e->local_any)
            sel_any(&local[*n_local], e->family);
        else
            sel_prefix(&local[*n_local], e->family, e->local, e->local_len);
        if (e->remote_any)
            sel_any(&remote[*n_remote], e->family);
        else
            sel_prefix(&remote[*n_remote], e->family, e->remote, e->remote_len);
        (*n_local)++;
        (*n_remote)++;
    }
}

static bool sel_from_wire(const struct ike_ts *w, struct ike_sel *s)
{
    if (!w->start || (w->type != IKE_TS_IPV4_ADDR_RANGE && w->type != IKE_TS_IPV6_ADDR_RANGE))
        return false;
    memset(s, 0, sizeof *s);
    s->family = w->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
    memcpy(s->start, w->start, alen(s->family));
    memcpy(s->end, w->end, alen(s->family));
    s->proto = w->ip_proto;
    s->lo = w->start_port;
    s->hi = w->end_port;
    return memcmp(s->start, s->end, alen(s->family)) <= 0;
}

void ike_ts_to_wire(const struct ike_sel *s, unsigned n, struct ike_ts *out, uint8_t *addrs)
{
    for (unsigned i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].type = s[i].family == AF_INET ? IKE_TS_IPV4_ADDR_RANGE : IKE_TS_IPV6_ADDR_RANGE;
        out[i].ip_proto = s[i].proto;
        out[i].start_port = s[i].lo;
        out[i].end_port = s[i].hi;
        memcpy(addrs + 32 * i, s[i].start, 16);
        memcpy(addrs + 32 * i + 16, s[i].end, 16);
        out[i].start = addrs + 32 * i;
        out[i].end = addrs + 32 * i + 16;
    }
}

static bool opaque(const struct ike_sel *s)
{
    return s->lo == 0xffff && s->hi == 0;
}

/* The intersection of two selectors (RFC 7296 2.9), false when empty. */
static bool sel_intersect(const struct ike_sel *a, const struct ike_sel *b, struct ike_sel *out)
{
    if (a->family != b->family)
        return false;
    size_t n = alen(a->family);
    *out = *a;
    if (memcmp(b->start, out->start, n) > 0)
        memcpy(out->start, b->start, n);
    if (memcmp(b->end, out->end, n) < 0)
        memcpy(out->end, b->end, n);
    if (memcmp(out->start, out->end, n) > 0)
        return false;
    if (a->proto && b->proto && a->proto != b->proto)
        return false;
    out->proto = a->proto ? a->proto : b->proto;
    /* OPAQUE (the chapter): only with a full or opaque port range */
    bool fa = a->lo == 0 && a->hi == 0xffff, fb = b->lo == 0 && b->hi == 0xffff;
    if (opaque(a) || opaque(b)) {
        if ((opaque(a) || fa) && (opaque(b) || fb)) {
            out->lo = 0xffff;
            out->hi = 0;
            return true;
        }
        return false;
    }
    out->lo = a->lo > b->lo ? a->lo : b->lo;
    out->hi = a->hi < b->hi ? a->hi : b->hi;
    return out->lo <= out->hi;
}

static bool narrow_side(const struct ike_ts_payload *peer, const struct ike_sel *ours, unsigned n_ours,
                        struct ike_sel *out, unsigned *n_out)
{
    *n_out = 0;
    for (unsigned i = 0; i < peer->count; i++) {
        struct ike_sel p;
        if (!sel_from_wire(&peer->ts[i], &p))
            continue;
        for (unsigned k = 0; k < n_ours; k++) {
            struct ike_sel x;
            if (!sel_intersect(&p, &ours[k], &x))
                continue;
            if (*n_out >= IKE_MAX_CHILD_TS)
                return false; /* the chapter: more than 32 is TS_UNACCEPTABLE */
            bool dup = false;
            for (unsigned j = 0; j < *n_out && !dup; j++)
                dup = memcmp(&out[j], &x, sizeof x) == 0;
            if (!dup)
                out[(*n_out)++] = x;
        }
    }
    return *n_out > 0;
}

bool ike_ts_narrow(struct ike_sa *sa, const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
                   struct ike_sel *local, unsigned *n_local, struct ike_sel *remote, unsigned *n_remote,
                   bool we_initiated_child)
{
    static struct ike_sel our_l[IKE_MAX_CHILD_TS], our_r[IKE_MAX_CHILD_TS];
    unsigned nl, nr;
    ike_ts_ours(sa, our_l, &nl, our_r, &nr);
    /* TSi is the initiator's side of the traffic */
    const struct ike_ts_payload *peer_side = we_initiated_child ? tsr : tsi;
    const struct ike_ts_payload *our_side = we_initiated_child ? tsi : tsr;
    return narrow_side(our_side, our_l, nl, local, n_local) && narrow_side(peer_side, our_r, nr, remote, n_remote);
}

static bool in_range(const uint8_t *a, const struct ike_sel *s)
{
    size_t n = alen(s->family);
    return memcmp(a, s->start, n) >= 0 && memcmp(a, s->end, n) <= 0;
}

/* Whether a packet fits one selector pair: addresses, protocol, ports
 * (ICMP: type << 8 | code). */
static bool sel_match(const struct ike_sel *l, const struct ike_sel *r, int family, const uint8_t *src,
                      const uint8_t *dst, uint8_t proto, bool has_ports, uint16_t sport, uint16_t dport,
                      bool inbound)
{
    const uint8_t *la = inbound ? dst : src, *ra = inbound ? src : dst;
    uint16_t lp = inbound ? dport : sport, rp = inbound ? sport : dport;
    if (l->family != family || r->family != family || !in_range(la, l) || !in_range(ra, r))
        return false;
    if ((l->proto && l->proto != proto) || (r->proto && r->proto != proto))
        return false;
    if (opaque(l) || opaque(r))
        return !has_ports;
    if (!has_ports)
        return (l->lo == 0 && l->hi == 0xffff) && (r->lo == 0 && r->hi == 0xffff);
    return lp >= l->lo && lp <= l->hi && rp >= r->lo && rp <= r->hi;
}

bool ike_ts_allows(const struct ike_sa *sa, const uint8_t *pkt, size_t len, bool inbound)
{
    if (!sa || len < 20)
        return false;
    int family = (pkt[0] >> 4) == 6 ? AF_INET6 : AF_INET;
    const uint8_t *src = pkt + (family == AF_INET ? 12 : 8), *dst = pkt + (family == AF_INET ? 16 : 24);
    uint8_t proto;
    size_t off;
    bool frag = false;
    if (family == AF_INET) {
        proto = pkt[9];
        off = (size_t)(pkt[0] & 15) * 4;
        frag = (rd16(pkt + 6) & 0x1fff) != 0;
    } else if (len < 40 || ip6_upper(pkt, len, &proto, &off, &frag) != PKT_OK) {
        return false;
    }
    bool ports = !frag && off + 4 <= len &&
                 (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ || proto == 132 || proto == IPPROTO_ICMP_ ||
                  proto == IPPROTO_ICMPV6_);
    uint16_t sp = 0, dp = 0;
    if (ports && (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_)) {
        /* the chapter: type and code in the port; the sender's side carries them */
        sp = dp = (uint16_t)(pkt[off] << 8 | pkt[off + 1]);
    } else if (ports) {
        sp = rd16(pkt + off);
        dp = rd16(pkt + off + 2);
    }
    for (const struct child_sa *c = sa->children; c; c = c->next)
        for (unsigned i = 0; i < c->n_local; i++)
            for (unsigned k = 0; k < c->n_remote; k++)
                if (sel_match(&c->ts_local[i], &c->ts_remote[k], family, src, dst, proto, ports, sp, dp, inbound))
                    return true;
    return false;
}

bool ike_sel_is_default(const struct ike_sel *s)
{
    static const uint8_t zero[16];
    size_t alen = s->family == AF_INET ? 4 : 16;
    bool all = memcmp(s->start, zero, alen) == 0;
    for (size_t k = 0; k < alen && all; k++)
        all = s->end[k] == 0xff;
    return all;
}

static void sel_text(const struct ike_sel *s, unsigned n, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = 0;
    for (unsigned i = 0; i < n && o + 1 < cap; i++) {
        char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
        inet_ntop(s[i].family, s[i].start, a, sizeof a);
        inet_ntop(s[i].family, s[i].end, b, sizeof b);
        o += (size_t)snprintf(out + o, cap - o, "%s%s-%s", i ? "," : "", a, b);
        if (o < cap && s[i].proto)
            o += (size_t)snprintf(out + o, cap - o, "/%u", s[i].proto);
        if (o < cap && !(s[i].lo == 0 && s[i].hi == 0xffff))
            o += (size_t)snprintf(out + o, cap - o, opaque(&s[i]) ? ":opaque" : ":%u-%u", s[i].lo, s[i].hi);
    }
}

/* ---- installing -------------------------------------------------------------------------- */

static struct esp_sa *make_esp(uint32_t spi, bool inbound, const struct ike_esp_choice *e, bool esn,
                               unsigned window, const uint8_t *ek, const uint8_t *ak, const struct ike_child_keys *k,
                               char *why, size_t whylen)
{
    struct esp_sa_params p = {
        .spi = spi, .inbound = inbound, .tf = e->tf, .enc_key = ek, .enc_key_len = k->enc_len,
        .auth_key = ak, .auth_key_len = k->auth_len, .esn = esn,
        .replay_window = inbound ? (window ? window : 64) : 0,
        /* the engine stops an SA a little after IKE should have replaced it */
        .hard_secs = e->lifetime_s ? (uint64_t)e->lifetime_s + 30 : 0,
    };
    return esp_sa_new(&p, why, whylen);
}

struct child_sa *ike_child_install(struct isa *isa, struct ike_sa *sa, bool we_initiated,
                                   const struct ike_esp_choice *esp, bool esn, uint32_t spi_in,
                                   uint32_t spi_out, const struct ike_child_keys *keys,
                                   const struct ike_sel *local, unsigned n_local,
                                   const struct ike_sel *remote, unsigned n_remote, char *why,
                                   size_t whylen)
{
    struct isa_tunnel *t = sa->tunnel;
    if (!t) {
        snprintf(why, whylen, "no tunnel");
        return NULL;
    }
    /* the chapter: no CHILD SA whose reverse route would overlap a route to
     * another tunnel */
    for (unsigned i = 0; t->gw && t->gw->reverse_route && i < n_remote; i++)
        if (!(t->gw->reverse_ignore_default && ike_sel_is_default(&remote[i])) &&
            ike_routes_clash(isa, t, &remote[i])) {
            char r[128];
            sel_text(&remote[i], 1, r, sizeof r);
            snprintf(why, whylen, "TSi %s overlaps a reverse route to another tunnel", r);
            return NULL;
        }
    /* keys for traffic from the exchange's initiator come first (RFC 7296 2.17) */
    const uint8_t *in_e = we_initiated ? keys->er : keys->ei, *in_a = we_initiated ? keys->ar : keys->ai;
    const uint8_t *out_e = we_initiated ? keys->ei : keys->er, *out_a = we_initiated ? keys->ai : keys->ar;
    unsigned window = t->gw ? t->gw->replay_window : t->replay_window;
    struct esp_sa *in = make_esp(spi_in, true, esp, esn, window, in_e, in_a, keys, why, whylen);
    struct esp_sa *out = in ? make_esp(spi_out, false, esp, esn, 0, out_e, out_a, keys, why, whylen) : NULL;
    if (!in || !out) {
        esp_sa_destroy(&in);
        return NULL;
    }
    struct child_sa *c = calloc(1, sizeof *c);
    c->spi_in = spi_in;
    c->spi_out = spi_out;
    c->esp = *esp;
    c->esn = esn;
    c->sa_id = t->next_sa_id += 2;
    c->ts_local = malloc(sizeof *local * (n_local ? n_local : 1));
    c->ts_remote = malloc(sizeof *remote * (n_remote ? n_remote : 1));
    memcpy(c->ts_local, local, sizeof *local * n_local);
    memcpy(c->ts_remote, remote, sizeof *remote * n_remote);
    c->n_local = n_local;
    c->n_remote = n_remote;
    uint64_t now = (uint64_t)zclock_mono(), life = (uint64_t)(esp->lifetime_s ? esp->lifetime_s : 3600) * 1000;
    c->created_ms = now;
    c->expire_ms = now + life;
    c->rekey_ms = now + life * (sa->initiator ? 85 : 90) / 100;
    tunnel_sa_add(t, c->sa_id, spi_in, true, in, esp->encryption, esp->auth, in_e, keys->enc_len, in_a,
                  keys->auth_len);
    tunnel_sa_add(t, c->sa_id + 1, spi_out, false, out, esp->encryption, esp->auth, out_e, keys->enc_len,
                  out_a, keys->auth_len);
    ike_esp_spi_bind(isa, spi_in, t);
    /* NAT seen: ESP in UDP on the ports IKE uses (RFC 3948, RFC 7296 2.23) */
    if (sa->nat_local || sa->nat_remote || sa->pol->nat_force) {
        t->udp_encap = true;
        t->udp_port = sa->path.local_port;
        t->udp_rport = sa->path.remote_port;
        bool behind = sa->nat_local || sa->pol->nat_force;
        t->keepalive_s = behind && sa->pol->nat_keepalive_s ? sa->pol->nat_keepalive_s
                         : behind ? 20 : 0;
    } else {
        t->udp_encap = false;
        t->keepalive_s = 0;
    }
    c->next = sa->children;
    sa->children = c;
    if (t->gw)
        ike_gw_report_routes(isa, t, c, true);
    char detail[300], l[128], r[128];
    sel_text(local, n_local, l, sizeof l);
    sel_text(remote, n_remote, r, sizeof r);
    snprintf(detail, sizeof detail, "spi in %08x out %08x esp %s/%s%s%s ts %s === %s", spi_in, spi_out,
             esp->encryption, esp->auth, esn ? " esn" : "", t->udp_encap ? " udp-encap" : "", l, r);
    ike_log_event(isa, sa, "child-sa-up", detail);
    return c;
}

void ike_child_remove(struct isa *isa, struct ike_sa *sa, struct child_sa *c, const char *why)
{
    for (struct child_sa **p = &sa->children; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    struct isa_tunnel *t = sa->tunnel;
    if (t) {
        if (t->gw)
            ike_gw_report_routes(isa, t, c, false);
        tunnel_sa_remove(t, c->spi_in, true);
        tunnel_sa_remove(t, c->spi_out, false);
    }
    ike_release_esp_spi(isa, c->spi_in);
    char detail[96];
    snprintf(detail, sizeof detail, "spi in %08x out %08x: %s", c->spi_in, c->spi_out, why);
    ike_log_event(isa, sa, "child-sa-down", detail);
    free(c->ts_local);
    free(c->ts_remote);
    free(c);
}

struct child_sa *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi_out)
{
    for (struct child_sa *c = sa->children; c; c = c->next)
        if (c->spi_out == spi_out)
            return c;
    return NULL;
}

/* ---- CREATE_CHILD_SA as responder -------------------------------------------------------------- */

static uint8_t inner[IKE_MSG_MAX];
static struct ike_sel nl_sel[IKE_MAX_CHILD_TS], nr_sel[IKE_MAX_CHILD_TS];

static void respond_error(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, uint16_t type,
                          const uint8_t *data, size_t len)
{
    struct ike_build b;
    size_t n;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_notify(&b, 0, type, NULL, 0, data, len);
    ike_build_end(&b, &n, &first);
    ike_send_protected(isa, sa, IKE_CREATE_CHILD_SA, true, h->msg_id, inner, n, first, IKE_REQ_NONE);
}

static void spi8(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* the peer rekeys the IKE SA: a new SA takes over the CHILD SAs */
static void rekey_ike_responder(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                                const struct ike_msg *m)
{
    const struct ike_transforms *chosen = NULL;
    uint8_t num = 0;
    uint32_t life = sa->ike_lifetime_s;
    for (unsigned p = 0; p < m->sa.n_proposals && !chosen; p++)
        for (size_t k = 0; k < sa->pol->n_ike && !chosen; k++)
            if (m->sa.prop[p].spi_size == 8 && ike_ike_proposal_match(&m->sa.prop[p], &sa->pol->ike[k])) {
                chosen = &sa->pol->ike[k];
                num = m->sa.prop[p].num;
                life = sa->pol->ike_lifetime_s[k];
            }
    if (!chosen || !ike_msg_has(m, IKE_PL_KE) || !ike_msg_has(m, IKE_PL_NONCE)) {
        respond_error(isa, sa, h, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
        return;
    }
    if (m->ke.group != chosen->dh) {
        uint8_t g[2];
        wr16(g, chosen->dh);
        respond_error(isa, sa, h, IKE_N_INVALID_KE_PAYLOAD, g, 2);
        return;
    }
    uint64_t peer_spi = 0;
    for (unsigned p = 0; p < m->sa.n_proposals; p++)
        if (m->sa.prop[p].num == num)
            peer_spi = rd64(m->sa.prop[p].spi);
    struct ike_dh *dh = ike_dh_new(chosen->dh);
    uint8_t gir[IKE_DH_PUBLIC_MAX], nr[IKE_NONCE_LEN], pub[IKE_DH_PUBLIC_MAX], si[8], sr[8];
    size_t gir_len;
    RAND_bytes(nr, sizeof nr);
    struct ike_sa *n = ike_sa_new(isa, false, peer_spi, ike_new_spi(isa));
    spi8(si, n->spi_i);
    spi8(sr, n->spi_r);
    if (!dh || ike_dh_shared(dh, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len) != IKE_DH_OK ||
        ike_sa_keys_rekey(&n->keys, chosen, &sa->keys, gir, gir_len, m->nonce.data, m->nonce.len, nr,
                          sizeof nr, si, sr) != 0) {
        ike_dh_destroy(&dh);
        OPENSSL_cleanse(gir, sizeof gir);
        respond_error(isa, sa, h, IKE_N_INVALID_SYNTAX, NULL, 0);
        ike_sa_kill(isa, n, "rekey-failed");
        return;
    }
    OPENSSL_cleanse(gir, sizeof gir);
    int publen = ike_dh_public(dh, pub, sizeof pub);
    ike_dh_destroy(&dh);
    struct ike_proposal prop;
    memset(&prop, 0, sizeof prop);
    prop.num = num;
    prop.protocol = IKE_PROTO_IKE;
    prop.spi_size = 8;
    prop.spi = sr;
    prop.tf[prop.n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, chosen->encr, chosen->encr_bits, false };
    prop.tf[prop.n_transforms++] = (struct ike_transform){ IKE_TF_PRF, chosen->prf, 0, false };
    if (chosen->integ)
        prop.tf[prop.n_transforms++] = (struct ike_transform){ IKE_TF_INTEG, chosen->integ, 0, false };
    prop.tf[prop.n_transforms++] = (struct ike_transform){ IKE_TF_DH, chosen->dh, 0, false };
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_sa(&b, &prop, 1);
    ike_build_nonce(&b, nr, sizeof nr);
    ike_build_ke(&b, chosen->dh, pub, publen > 0 ? (size_t)publen : 0);
    ike_build_end(&b, &len, &first);
    ike_send_protected(isa, sa, IKE_CREATE_CHILD_SA, true, h->msg_id, inner, len, first, IKE_REQ_NONE);
    /* the new SA carries on: same peer, policy, CHILD SAs */
    n->tf = *chosen;
    n->ike_lifetime_s = life;
    n->path = sa->path;
    n->tunnel = sa->tunnel;
    n->gw = sa->gw;
    n->pol = sa->pol;
    n->nat_local = sa->nat_local;
    n->nat_remote = sa->nat_remote;
    n->peer_frag = sa->peer_frag;
    n->peer_id_type = sa->peer_id_type;
    memcpy(n->peer_id, sa->peer_id, sizeof n->peer_id);
    n->children = sa->children;
    sa->children = NULL;
    n->ike_rekeys = sa->ike_rekeys + 1;
    n->state = IKE_S_ESTABLISHED;
    if (n->tunnel)
        n->tunnel->ike_sa = n;
    ike_sa_established(isa, n);
    sa->rekeyed_to = n;
    sa->tunnel = NULL;
    ike_sa_set_state(sa, IKE_E_REKEYED, IKE_S_REKEYED);
    char detail[96];
    snprintf(detail, sizeof detail, "replaced by %016llx/%016llx", (unsigned long long)n->spi_i,
             (unsigned long long)n->spi_r);
    ike_log_event(isa, sa, "ike-sa-rekeyed", detail);
}

void ike_child_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    if (sa->state != IKE_S_ESTABLISHED) {
        respond_error(isa, sa, h, IKE_N_TEMPORARY_FAILURE, NULL, 0);
        return;
    }
    if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_NONCE)) {
        respond_error(isa, sa, h, IKE_N_INVALID_SYNTAX, NULL, 0);
        return;
    }
    if (m->sa.n_proposals && m->sa.prop[0].protocol == IKE_PROTO_IKE) {
        rekey_ike_responder(isa, sa, h, m);
        return;
    }
    const struct ike_notify *rk = ike_msg_notify(m, IKE_N_REKEY_SA);
    struct child_sa *old = NULL;
    if (rk) {
        if (rk->spi_size != 4 || !(old = ike_child_by_spi_out(sa, rd32(rk->spi)))) {
            uint8_t spi[4] = { 0 };
            if (rk->spi_size == 4)
                memcpy(spi, rk->spi, 4);
            respond_error(isa, sa, h, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
            return;
        }
    }
    if (!ike_msg_has(m, IKE_PL_TSI) || !ike_msg_has(m, IKE_PL_TSR)) {
        respond_error(isa, sa, h, IKE_N_INVALID_SYNTAX, NULL, 0);
        return;
    }
    uint16_t ke = ike_msg_has(m, IKE_PL_KE) ? m->ke.group : 0;
    struct ike_esp_choice choice;
    bool esn;
    uint32_t peer_spi;
    uint8_t num;
    uint16_t dh = 0;
    if (!ike_esp_select(sa->pol, &m->sa, ke, &choice, &esn, &peer_spi, &num, &dh)) {
        respond_error(isa, sa, h, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_NO_PROPOSAL);
        return;
    }
    if (sa->pol->pfs && !dh) {
        /* PFS required: tell the peer which group to use */
        uint8_t g[2];
        wr16(g, sa->pol->pfs_group ? sa->pol->pfs_group : sa->tf.dh);
        respond_error(isa, sa, h, IKE_N_INVALID_KE_PAYLOAD, g, 2);
        return;
    }
    unsigned nl, nr;
    if (!ike_ts_narrow(sa, &m->tsi, &m->tsr, nl_sel, &nl, nr_sel, &nr, false)) {
        respond_error(isa, sa, h, IKE_N_TS_UNACCEPTABLE, NULL, 0);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_TS);
        return;
    }
    uint8_t nonce[IKE_NONCE_LEN], gir[IKE_DH_PUBLIC_MAX], pub[IKE_DH_PUBLIC_MAX];
    size_t gir_len = 0;
    int publen = 0;
    RAND_bytes(nonce, sizeof nonce);
    if (dh) {
        struct ike_dh *d = ike_dh_new(dh);
        if (!d || ike_dh_shared(d, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len) != IKE_DH_OK) {
            ike_dh_destroy(&d);
            respond_error(isa, sa, h, IKE_N_INVALID_SYNTAX, NULL, 0);
            return;
        }
        publen = ike_dh_public(d, pub, sizeof pub);
        ike_dh_destroy(&d);
    }
    struct ike_child_keys ck;
    uint32_t spi_in = ike_new_esp_spi(isa);
    char why[96] = "";
    struct child_sa *c = NULL;
    if (ike_child_keys_derive(&ck, &sa->keys, &choice.tf, dh ? gir : NULL, gir_len, m->nonce.data,
                              m->nonce.len, nonce, sizeof nonce) == 0)
        c = ike_child_install(isa, sa, false, &choice, esn, spi_in, peer_spi, &ck, nl_sel, nl, nr_sel, nr,
                              why, sizeof why);
    ike_child_keys_clear(&ck);
    OPENSSL_cleanse(gir, sizeof gir);
    if (!c) {
        ike_release_esp_spi(isa, spi_in);
        respond_error(isa, sa, h, IKE_N_TS_UNACCEPTABLE, NULL, 0);
        return;
    }
    c->pfs_group = dh;
    if (old) {
        old->state = CHILD_REKEYED;
        old->expire_ms = (uint64_t)zclock_mono() + 30000; /* the peer deletes it; if not, we do */
        c->rekeys = old->rekeys + 1;
        if (sa->tunnel)
            tunnel_sa_hold(sa->tunnel, c->sa_id + 1);
    }
    struct ike_proposal prop;
    uint8_t spi_buf[4];
    ike_esp_chosen(&choice, esn, num, spi_in, dh, spi_buf, &prop);
    struct ike_ts ts[IKE_MAX_CHILD_TS];
    static uint8_t addrs[IKE_MAX_CHILD_TS * 32];
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_sa(&b, &prop, 1);
    ike_build_nonce(&b, nonce, sizeof nonce);
    if (dh)
        ike_build_ke(&b, dh, pub, publen > 0 ? (size_t)publen : 0);
    ike_ts_to_wire(nr_sel, nr, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSI, ts, nr);
    ike_ts_to_wire(nl_sel, nl, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSR, ts, nl);
    ike_build_end(&b, &len, &first);
    ike_send_protected(isa, sa, IKE_CREATE_CHILD_SA, true, h->msg_id, inner, len, first, IKE_REQ_NONE);
    if (old)
        ike_log_event(isa, sa, "child-sa-rekeyed", why[0] ? why : "responder");
}

/* ---- CREATE_CHILD_SA as initiator ------------------------------------------------------------ */

static struct ike_setup *fresh_setup(struct ike_sa *sa)
{
    if (!sa->setup)
        sa->setup = calloc(1, sizeof *sa->setup);
    struct ike_setup *s = sa->setup;
    ike_dh_destroy(&s->dh);
    s->rekeying = NULL;
    s->ni_len = IKE_NONCE_LEN;
    RAND_bytes(s->ni, IKE_NONCE_LEN);
    return s;
}

void ike_child_rekey(struct isa *isa, struct ike_sa *sa, struct child_sa *c)
{
    struct ike_setup *s = fresh_setup(sa);
    s->rekeying = c;
    s->new_spi_in = ike_new_esp_spi(isa);
    uint16_t dh = sa->pol->pfs ? (sa->pol->pfs_group ? sa->pol->pfs_group : sa->tf.dh) : 0;
    uint8_t pub[IKE_DH_PUBLIC_MAX];
    int publen = 0;
    if (dh) {
        s->dh = ike_dh_new(dh);
        publen = s->dh ? ike_dh_public(s->dh, pub, sizeof pub) : -1;
    }
    struct ike_proposal props[4];
    unsigned n;
    ike_build_esp_proposals(sa->pol, s->new_spi_in, dh, props, &n);
    struct ike_ts ts[IKE_MAX_CHILD_TS];
    static uint8_t addrs[IKE_MAX_CHILD_TS * 32];
    uint8_t spi[4];
    wr32(spi, c->spi_in);
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    if (!c->mc_replace) /* otherwise a new CHILD SA with the same selectors */
        ike_build_notify(&b, IKE_PROTO_ESP, IKE_N_REKEY_SA, spi, 4, NULL, 0);
    ike_build_sa(&b, props, n);
    ike_build_nonce(&b, s->ni, s->ni_len);
    if (dh && publen > 0)
        ike_build_ke(&b, dh, pub, (size_t)publen);
    /* the chapter: as rekey initiator, the selectors in use */
    ike_ts_to_wire(c->ts_local, c->n_local, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSI, ts, c->n_local);
    ike_ts_to_wire(c->ts_remote, c->n_remote, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSR, ts, c->n_remote);
    if (ike_build_end(&b, &len, &first) != IKE_MSG_OK ||
        ike_send_protected(isa, sa, IKE_CREATE_CHILD_SA, false, sa->next_req_id, inner, len, first,
                           IKE_REQ_REKEY_CHILD) != 0) {
        ike_release_esp_spi(isa, s->new_spi_in);
        return;
    }
    c->state = CHILD_REKEYING;
}

void ike_rekey_ike(struct isa *isa, struct ike_sa *sa)
{
    struct ike_setup *s = fresh_setup(sa);
    s->new_ike_spi = ike_new_spi(isa);
    s->dh = ike_dh_new(sa->tf.dh);
    uint8_t pub[IKE_DH_PUBLIC_MAX], spi[8];
    int publen = s->dh ? ike_dh_public(s->dh, pub, sizeof pub) : -1;
    if (publen <= 0)
        return;
    spi8(spi, s->new_ike_spi);
    struct ike_proposal props[4];
    unsigned n;
    ike_build_ike_proposals(sa->pol, props, &n, spi, 8, sa->tf.dh);
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_sa(&b, props, n);
    ike_build_nonce(&b, s->ni, s->ni_len);
    ike_build_ke(&b, sa->tf.dh, pub, (size_t)publen);
    if (ike_build_end(&b, &len, &first) == IKE_MSG_OK)
        ike_send_protected(isa, sa, IKE_CREATE_CHILD_SA, false, sa->next_req_id, inner, len, first,
                           IKE_REQ_REKEY_IKE);
    sa->rekey_ms = 0; /* once; the response (or a timeout) decides */
}

static void rekey_ike_done(struct isa *isa, struct ike_sa *sa, const struct ike_msg *m)
{
    struct ike_setup *s = sa->setup;
    const struct ike_transforms *chosen = NULL;
    uint32_t life = sa->ike_lifetime_s;
    if (ike_msg_has(m, IKE_PL_SA) && m->sa.n_proposals == 1 && m->sa.prop[0].spi_size == 8)
        for (size_t k = 0; k < sa->pol->n_ike && !chosen; k++)
            if (ike_ike_proposal_match(&m->sa.prop[0], &sa->pol->ike[k])) {
                chosen = &sa->pol->ike[k];
                life = sa->pol->ike_lifetime_s[k];
            }
    uint8_t gir[IKE_DH_PUBLIC_MAX], si[8], sr[8];
    size_t gir_len;
    if (!chosen || !s || !s->dh || !ike_msg_has(m, IKE_PL_KE) || !ike_msg_has(m, IKE_PL_NONCE) ||
        m->ke.group != chosen->dh) {
        sa->rekey_ms = (uint64_t)zclock_mono() + 60000; /* try again later */
        return;
    }
    struct ike_sa *n = ike_sa_new(isa, true, s->new_ike_spi, rd64(m->sa.prop[0].spi));
    spi8(si, n->spi_i);
    spi8(sr, n->spi_r);
    if (ike_dh_shared(s->dh, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len) != IKE_DH_OK ||
        ike_sa_keys_rekey(&n->keys, chosen, &sa->keys, gir, gir_len, s->ni, s->ni_len, m->nonce.data,
                          m->nonce.len, si, sr) != 0) {
        OPENSSL_cleanse(gir, sizeof gir);
        ike_sa_kill(isa, n, "rekey-failed");
        return;
    }
    OPENSSL_cleanse(gir, sizeof gir);
    n->tf = *chosen;
    n->ike_lifetime_s = life;
    n->path = sa->path;
    n->tunnel = sa->tunnel;
    n->gw = sa->gw;
    n->pol = sa->pol;
    n->nat_local = sa->nat_local;
    n->nat_remote = sa->nat_remote;
    n->peer_frag = sa->peer_frag;
    n->peer_id_type = sa->peer_id_type;
    memcpy(n->peer_id, sa->peer_id, sizeof n->peer_id);
    n->children = sa->children;
    sa->children = NULL;
    n->ike_rekeys = sa->ike_rekeys + 1;
    n->state = IKE_S_ESTABLISHED;
    if (n->tunnel)
        n->tunnel->ike_sa = n;
    ike_sa_established(isa, n);
    sa->tunnel = NULL;
    ike_sa_set_state(sa, IKE_E_REKEYED, IKE_S_REKEYED);
    char detail[96];
    snprintf(detail, sizeof detail, "replaced by %016llx/%016llx", (unsigned long long)n->spi_i,
             (unsigned long long)n->spi_r);
    ike_log_event(isa, sa, "ike-sa-rekeyed", detail);
    ike_send_delete(isa, sa); /* the old one goes */
}

void ike_child_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    (void)h;
    struct ike_setup *s = sa->setup;
    if (sa->req_was == IKE_REQ_REKEY_IKE) {
        rekey_ike_done(isa, sa, m);
        return;
    }
    if (sa->req_was != IKE_REQ_REKEY_CHILD || !s || !s->rekeying)
        return; /* the CHILD SA went meanwhile (deleted by the peer) */
    struct child_sa *old = s->rekeying;
    s->rekeying = NULL;
    old->state = CHILD_INSTALLED;
    uint16_t err = 0;
    for (unsigned i = 0; i < m->n_notifies && !err; i++)
        if (m->notify[i].type <= IKE_N_ERROR_MAX)
            err = m->notify[i].type;
    struct ike_esp_choice choice;
    bool esn;
    uint32_t peer_spi;
    uint8_t num;
    uint16_t dh = 0;
    unsigned nl = 0, nr = 0;
    uint16_t ke = ike_msg_has(m, IKE_PL_KE) ? m->ke.group : 0;
    if (!err && (!ike_msg_has(m, IKE_PL_SA) || m->sa.n_proposals != 1 || !ike_msg_has(m, IKE_PL_NONCE) ||
                 !ike_esp_select(sa->pol, &m->sa, ke, &choice, &esn, &peer_spi, &num, &dh) ||
                 (s->dh && dh != ike_dh_group(s->dh))))
        err = IKE_N_NO_PROPOSAL_CHOSEN;
    if (!err && (!ike_msg_has(m, IKE_PL_TSI) || !ike_msg_has(m, IKE_PL_TSR) ||
                 !ike_ts_narrow(sa, &m->tsi, &m->tsr, nl_sel, &nl, nr_sel, &nr, true)))
        err = IKE_N_TS_UNACCEPTABLE;
    uint8_t gir[IKE_DH_PUBLIC_MAX];
    size_t gir_len = 0;
    if (!err && dh && ike_dh_shared(s->dh, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len) != IKE_DH_OK)
        err = IKE_N_INVALID_SYNTAX;
    struct child_sa *c = NULL;
    char why[96] = "";
    if (!err) {
        struct ike_child_keys ck;
        if (ike_child_keys_derive(&ck, &sa->keys, &choice.tf, dh ? gir : NULL, gir_len, s->ni, s->ni_len,
                                  m->nonce.data, m->nonce.len) == 0)
            c = ike_child_install(isa, sa, true, &choice, esn, s->new_spi_in, peer_spi, &ck, nl_sel, nl, nr_sel,
                                  nr, why, sizeof why);
        ike_child_keys_clear(&ck);
    }
    OPENSSL_cleanse(gir, sizeof gir);
    if (!c) {
        ike_release_esp_spi(isa, s->new_spi_in);
        old->rekey_ms = (uint64_t)zclock_mono() + 30000; /* try again */
        char text[128];
        snprintf(text, sizeof text, "rekey refused: %s", err ? ike_notify_name(err) : why);
        if (err == IKE_N_CHILD_SA_NOT_FOUND && old->mc_rekey && !old->mc_replace) {
            /* a new MC-IPsec master holding a CHILD SA the peer has replaced
             * meanwhile (the chassis failed over again mid-rekey): the IKE
             * SA stands, so a new CHILD SA replaces the stale one at once */
            old->mc_replace = true;
            old->rekey_ms = (uint64_t)zclock_mono();
            snprintf(text, sizeof text, "rekey refused: %s: a new CHILD SA replaces it",
                     ike_notify_name(err));
        }
        ike_log_event(isa, sa, "child-sa-rekey-failed", text);
        return;
    }
    c->rekeys = old->rekeys + 1;
    c->pfs_group = dh;
    if (old->mc_replace) {
        ike_log_event(isa, sa, "child-sa-replaced", "a new CHILD SA for one the peer no longer had");
        ike_child_remove(isa, sa, old, "replaced");
        return;
    }
    ike_log_event(isa, sa, "child-sa-rekeyed", "initiator");
    old->state = CHILD_DELETING;
    ike_send_delete_child(isa, sa, old);
}

void ike_child_tick(struct isa *isa, struct ike_sa *sa, uint64_t now)
{
    for (struct child_sa *c = sa->children, *next; c; c = next) {
        next = c->next;
        if (now >= c->expire_ms) {
            ike_child_remove(isa, sa, c, c->state == CHILD_REKEYED ? "rekeyed" : "lifetime-expired");
            continue;
        }
        if (c->state == CHILD_INSTALLED && now >= c->rekey_ms && sa->req == IKE_REQ_NONE &&
            (c->mc_rekey || !(sa->tunnel && isa_responder_only(isa, sa->tunnel->group)))) {
            ike_child_rekey(isa, sa, c);
            return; /* one request at a time */
        }
    }
}

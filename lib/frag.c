/* IPv4 / IPv6 fragmentation and bounded reassembly (see frag.h). Each held
 * datagram keeps its fragments' bytes in one buffer in arrival order, a list of
 * (offset, length, position) and a bitmap of 8-byte blocks received: overlap
 * checks cost one bit test per block and the final copy scatters each piece
 * once, so nothing is quadratic in the number of fragments. */
#include "frag.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define IP4_HDR     20
#define IP6_HDR     40
#define IP_MAXLEN   65535
#define IP4_MINMTU  68   /* RFC 791: every module must forward 68 octets unfragmented */
#define IP6_MINMTU  1280 /* RFC 8200 5 */
#define IP4_RF      0x8000
#define IP4_DF      0x4000
#define IP4_MF      0x2000
#define IP4_OFFMASK 0x1fff

#define NH_HOPOPTS  0
#define NH_ROUTING  43
#define NH_FRAGMENT 44
#define NH_AH       51
#define NH_DSTOPTS  60
#define NH_MOBILITY 135
#define NH_HIP      139
#define NH_SHIM6    140

#define ECN_MASK    3
#define ECN_NOT_ECT 0
#define ECN_CE      3

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* RFC 1071 sum over an IPv4 header; 0 when a header's checksum is right. */
static uint16_t ip4_csum(const uint8_t *h, size_t hl)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < hl; i += 2)
        sum += get16(h + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void ip4_set_csum(uint8_t *h, size_t hl)
{
    put16(h + 10, 0);
    put16(h + 10, ip4_csum(h, hl));
}

const char *frag_err_name(int err)
{
    switch (err) {
    case REASM_DONE: return "done";
    case REASM_HELD: return "held";
    case FRAG_ERR_BAD: return "malformed";
    case FRAG_ERR_CSUM: return "bad-checksum";
    case FRAG_ERR_DF: return "dont-fragment";
    case FRAG_ERR_MTU: return "mtu-too-small";
    case FRAG_ERR_OVERLAP: return "overlap";
    case FRAG_ERR_TOOBIG: return "too-big";
    case FRAG_ERR_NOMEM: return "no-memory";
    case FRAG_ERR_TOOMANY: return "too-many-fragments";
    }
    return "unknown";
}

/* The IPv4 header's own lengths: ihl >= 5, header inside total length inside len. */
static int ip4_lengths(const uint8_t *pkt, size_t len, size_t *hl, size_t *tot)
{
    if (!pkt || len < IP4_HDR || pkt[0] >> 4 != 4)
        return FRAG_ERR_BAD;
    *hl = (size_t)(pkt[0] & 0x0f) * 4;
    *tot = get16(pkt + 2);
    if (*hl < IP4_HDR || *hl > len || *tot < *hl || *tot > len)
        return FRAG_ERR_BAD;
    return 0;
}

/* RFC 791 3.1: non-first fragments carry only options with the copy flag;
 * the header is padded with End of Option List to a multiple of 4. */
static int ip4_copied_header(const uint8_t *h, size_t hl, uint8_t out[60], size_t *out_hl)
{
    size_t o = IP4_HDR;
    memcpy(out, h, IP4_HDR);
    for (size_t i = IP4_HDR; i < hl;) {
        uint8_t type = h[i];
        if (type == 0) /* End of Option List */
            break;
        if (type == 1) { /* No Operation: one byte, not copied */
            i++;
            continue;
        }
        if (hl - i < 2)
            return FRAG_ERR_BAD;
        size_t ol = h[i + 1];
        if (ol < 2 || ol > hl - i)
            return FRAG_ERR_BAD;
        if (type & 0x80) {
            memcpy(out + o, h + i, ol);
            o += ol;
        }
        i += ol;
    }
    while (o % 4)
        out[o++] = 0;
    out[0] = (uint8_t)(0x40 | o / 4);
    *out_hl = o;
    return 0;
}

int ip4_fragment(const uint8_t *pkt, size_t len, unsigned mtu, bool ignore_df,
                 frag_emit_fn *emit, void *arg)
{
    uint8_t hdr2[60];
    size_t hl, tot, hl2;

    assert(emit);
    int rc = ip4_lengths(pkt, len, &hl, &tot);
    if (rc < 0)
        return rc;
    if (mtu > IP_MAXLEN)
        mtu = IP_MAXLEN;
    if (tot <= mtu) {
        emit(arg, pkt, tot);
        return 1;
    }
    uint16_t fo = get16(pkt + 6);
    if ((fo & IP4_DF) && !ignore_df)
        return FRAG_ERR_DF;
    if (mtu < IP4_MINMTU || mtu < hl + 8)
        return FRAG_ERR_MTU;
    size_t base = (size_t)(fo & IP4_OFFMASK) * 8, data = tot - hl;
    if (hl + base + data > IP_MAXLEN)
        return FRAG_ERR_TOOBIG;
    rc = ip4_copied_header(pkt, hl, hdr2, &hl2);
    if (rc < 0)
        return rc;

    uint8_t buf[mtu]; /* one fragment; mtu < tot <= 65535. Not static: emit may fragment again */
    unsigned keep = fo & (IP4_RF | IP4_DF);
    bool more = fo & IP4_MF; /* a fragment being refragmented keeps MF on its last piece */
    int n = 0;
    for (size_t pos = 0; pos < data; n++) {
        const uint8_t *h = n ? hdr2 : pkt;
        size_t fhl = n ? hl2 : hl;
        size_t room = (mtu - fhl) & ~(size_t)7;
        size_t d = data - pos;
        bool last = d <= room;
        if (!last)
            d = room;
        memcpy(buf, h, fhl);
        memcpy(buf + fhl, pkt + hl + pos, d);
        put16(buf + 2, (unsigned)(fhl + d));
        put16(buf + 6, keep | (last && !more ? 0 : IP4_MF) | (unsigned)((base + pos) / 8));
        ip4_set_csum(buf, fhl);
        emit(arg, buf, fhl + d);
        pos += d;
    }
    return n;
}

int ip6_fragment(const uint8_t *pkt, size_t len, unsigned mtu, uint32_t id,
                 frag_emit_fn *emit, void *arg)
{
    assert(emit);
    if (!pkt || len < IP6_HDR || pkt[0] >> 4 != 6)
        return FRAG_ERR_BAD;
    size_t tot = IP6_HDR + (size_t)get16(pkt + 4);
    if (tot > len)
        return FRAG_ERR_BAD;
    if (mtu > IP_MAXLEN)
        mtu = IP_MAXLEN;
    if (tot <= mtu) {
        emit(arg, pkt, tot);
        return 1;
    }
    if (mtu < IP6_MINMTU)
        return FRAG_ERR_MTU;

    /* RFC 8200 4.5: the unfragmentable part ends after the last Routing
     * header, else after Hop-by-Hop, else after the IPv6 header. */
    size_t at = IP6_HDR, unfrag = IP6_HDR, unfrag_nh = 6, nh_off = 6;
    uint8_t type = pkt[6];
    while (type == NH_HOPOPTS || type == NH_ROUTING || type == NH_DSTOPTS) {
        if (tot - at < 8 || (type == NH_HOPOPTS && at != IP6_HDR))
            return FRAG_ERR_BAD;
        size_t el = ((size_t)pkt[at + 1] + 1) * 8;
        if (el > tot - at)
            return FRAG_ERR_BAD;
        uint8_t cur = type;
        nh_off = at;
        type = pkt[at];
        at += el;
        if (cur != NH_DSTOPTS) {
            unfrag = at;
            unfrag_nh = nh_off;
        }
    }
    if (type == NH_FRAGMENT)
        return FRAG_ERR_BAD;
    size_t data = tot - unfrag;
    if (data == 0 || mtu < unfrag + 8 + 8)
        return FRAG_ERR_MTU;

    uint8_t buf[mtu]; /* one fragment; mtu < tot <= 65575 */
    size_t room = (mtu - unfrag - 8) & ~(size_t)7;
    uint8_t next = pkt[unfrag_nh];
    int n = 0;
    for (size_t pos = 0; pos < data; n++) {
        size_t d = data - pos;
        bool last = d <= room;
        if (!last)
            d = room;
        memcpy(buf, pkt, unfrag);
        buf[unfrag_nh] = NH_FRAGMENT;
        put16(buf + 4, (unsigned)(unfrag + 8 + d - IP6_HDR));
        uint8_t *fh = buf + unfrag;
        fh[0] = next;
        fh[1] = 0;
        put16(fh + 2, (unsigned)pos | (last ? 0 : 1));
        put32(fh + 4, id);
        memcpy(fh + 8, pkt + unfrag + pos, d);
        emit(arg, buf, unfrag + 8 + d);
        pos += d;
    }
    return n;
}

/* ---- reassembly ---- */

struct reasm_key {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t family, proto, pad[2];
};
_Static_assert(sizeof(struct reasm_key) == 40, "reasm_key must have no hidden padding");

/* One fragment as parsed, before it joins a datagram. */
struct frag_in {
    struct reasm_key key;
    const uint8_t *data;
    size_t off, len;   /* fragment data place and size */
    bool more;
    size_t hlen;       /* bytes before the data (IPv6: through the Fragment header) */
    size_t base;       /* bytes those headers add to the 65535 limit */
    size_t tot;        /* IP length of the packet */
    size_t nh_off;     /* IPv6: the Next Header byte that holds 44 */
    uint8_t nxt;       /* IPv6: the Fragment header's Next Header */
    uint8_t ecn;
};

enum { PARSED_FRAG = 1, PARSED_WHOLE, PARSED_ATOMIC };

struct piece {
    uint32_t pos;      /* in dgram.buf */
    uint16_t off, len;
};

#define MAP_WORDS (65536 / 8 / 64)

struct dgram {
    struct dgram *hnext, **hpprev;  /* hash chain */
    struct dgram *older, *newer;    /* age list, for expiry */
    struct reasm_key key;
    uint64_t deadline;
    uint8_t *buf;           /* first fragment's headers and every fragment's data */
    size_t buf_len, buf_cap;
    struct piece *pieces;
    unsigned npieces, cap_pieces;
    size_t got;             /* data bytes held */
    size_t max_end;
    size_t end;             /* data length, once the last fragment is in */
    size_t first_pos, first_hlen, first_len, first_base, first_nh_off;
    uint8_t first_nxt;
    bool have_first, have_last;
    uint8_t ecn_seen;       /* one bit per ECN codepoint */
    uint64_t map[MAP_WORDS]; /* 8-byte blocks received */
};

struct reasm {
    struct dgram **buckets;
    size_t nbuckets;        /* power of 2 */
    struct dgram *oldest, *newest;
    size_t max_bytes;
    unsigned max_datagrams, timeout_ms;
    uint64_t k0, k1;        /* SipHash key: fragment ids are attacker-chosen */
    struct reasm_stats st;
    uint8_t *out;           /* REASM_MAX_OUT bytes, the last reassembled packet; made at the
                               first (a tunnel with reassembly on may never need it) */
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                            \
    do {                                                                    \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);          \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                              \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                              \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);          \
    } while (0)

/* SipHash-1-3 of the 40-byte key. */
static uint64_t key_hash(const struct reasm *r, const struct reasm_key *k)
{
    uint64_t v0 = r->k0 ^ 0x736f6d6570736575ULL, v1 = r->k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = r->k0 ^ 0x6c7967656e657261ULL, v3 = r->k1 ^ 0x7465646279746573ULL;
    const uint8_t *p = (const uint8_t *)k;
    for (size_t i = 0; i < sizeof *k; i += 8) {
        uint64_t m;
        memcpy(&m, p + i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)sizeof *k << 56;
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

struct reasm *reasm_new(size_t max_bytes, unsigned max_datagrams, unsigned timeout_ms)
{
    if (!max_bytes || !max_datagrams)
        return NULL;
    struct reasm *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->max_bytes = max_bytes;
    r->max_datagrams = max_datagrams;
    r->timeout_ms = timeout_ms;
    r->nbuckets = 16;
    while (r->nbuckets < max_datagrams && r->nbuckets < (1u << 16))
        r->nbuckets *= 2;
    r->buckets = calloc(r->nbuckets, sizeof *r->buckets);
    if (!r->buckets)
        goto fail;
    uint64_t key[2];
    if (getrandom(key, sizeof key, GRND_NONBLOCK) != (ssize_t)sizeof key) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        key[0] = (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)r;
        key[1] = (uint64_t)ts.tv_sec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&key;
    }
    r->k0 = key[0];
    r->k1 = key[1];
    return r;
fail:
    free(r->buckets);
    free(r->out);
    free(r);
    return NULL;
}

static void dgram_drop(struct reasm *r, struct dgram *d)
{
    *d->hpprev = d->hnext;
    if (d->hnext)
        d->hnext->hpprev = d->hpprev;
    if (d->older)
        d->older->newer = d->newer;
    else
        r->oldest = d->newer;
    if (d->newer)
        d->newer->older = d->older;
    else
        r->newest = d->older;
    r->st.bytes_held -= d->buf_len;
    r->st.datagrams--;
    free(d->buf);
    free(d->pieces);
    free(d);
}

void reasm_free(struct reasm **rp)
{
    struct reasm *r = *rp;
    if (!r)
        return;
    while (r->oldest)
        dgram_drop(r, r->oldest);
    free(r->buckets);
    free(r->out);
    free(r);
    *rp = NULL;
}

const struct reasm_stats *reasm_stats(const struct reasm *r)
{
    return &r->st;
}

/* Every dropped packet is counted once, under its reason. */
static int count_drop(struct reasm *r, int err)
{
    switch (err) {
    case FRAG_ERR_CSUM: r->st.csum++; break;
    case FRAG_ERR_OVERLAP: r->st.overlap++; break;
    case FRAG_ERR_TOOBIG: r->st.toobig++; break;
    case FRAG_ERR_NOMEM: r->st.nomem++; break;
    case FRAG_ERR_TOOMANY: r->st.toomany++; break;
    default: r->st.bad++; break;
    }
    return err;
}

static int parse4(const uint8_t *pkt, size_t len, struct frag_in *f)
{
    size_t hl, tot;
    int rc = ip4_lengths(pkt, len, &hl, &tot);
    if (rc < 0)
        return rc;
    if (ip4_csum(pkt, hl) != 0)
        return FRAG_ERR_CSUM;
    f->tot = tot;
    uint16_t fo = get16(pkt + 6);
    f->off = (size_t)(fo & IP4_OFFMASK) * 8;
    f->more = fo & IP4_MF;
    if (!f->off && !f->more)
        return PARSED_WHOLE;
    memcpy(f->key.src, pkt + 12, 4);
    memcpy(f->key.dst, pkt + 16, 4);
    f->key.id = get16(pkt + 4);
    f->key.proto = pkt[9];
    f->key.family = 4;
    f->data = pkt + hl;
    f->len = tot - hl;
    f->hlen = f->base = hl;
    f->ecn = pkt[1] & ECN_MASK;
    return PARSED_FRAG;
}

/* RFC 7112: the first fragment must hold the whole extension header chain. */
static bool ip6_chain_in_first(uint8_t type, const uint8_t *p, size_t len)
{
    size_t at = 0;
    for (;;) {
        size_t el;
        switch (type) {
        case NH_ROUTING: case NH_DSTOPTS: case NH_MOBILITY: case NH_HIP: case NH_SHIM6:
            if (len - at < 2)
                return false;
            el = ((size_t)p[at + 1] + 1) * 8;
            break;
        case NH_AH:
            if (len - at < 2)
                return false;
            el = ((size_t)p[at + 1] + 2) * 4;
            break;
        case NH_HOPOPTS: /* only ever right after the IPv6 header */
        case NH_FRAGMENT:
            return false;
        default: /* upper layer, ESP or No Next Header */
            return true;
        }
        if (el > len - at)
            return false;
        type = p[at];
        at += el;
    }
}

static int parse6(const uint8_t *pkt, size_t len, struct frag_in *f)
{
    if (len < IP6_HDR)
        return FRAG_ERR_BAD;
    size_t tot = IP6_HDR + (size_t)get16(pkt + 4);
    if (tot > len)
        return FRAG_ERR_BAD;
    f->tot = tot;
    size_t at = IP6_HDR, nh_off = 6;
    uint8_t type = pkt[6];
    while (type == NH_HOPOPTS || type == NH_ROUTING || type == NH_DSTOPTS) {
        if (tot - at < 8 || (type == NH_HOPOPTS && at != IP6_HDR))
            return FRAG_ERR_BAD;
        size_t el = ((size_t)pkt[at + 1] + 1) * 8;
        if (el > tot - at)
            return FRAG_ERR_BAD;
        nh_off = at;
        type = pkt[at];
        at += el;
    }
    if (type != NH_FRAGMENT)
        return PARSED_WHOLE;
    if (tot - at < 8)
        return FRAG_ERR_BAD;
    uint16_t fo = get16(pkt + at + 2);
    f->off = fo & 0xfff8;
    f->more = fo & 1;
    f->nxt = pkt[at];
    f->nh_off = nh_off;
    f->hlen = at + 8;
    f->base = at - IP6_HDR;
    f->data = pkt + at + 8;
    f->len = tot - at - 8;
    memcpy(f->key.src, pkt + 8, 16);
    memcpy(f->key.dst, pkt + 24, 16);
    f->key.id = get32(pkt + at + 4);
    f->key.family = 6;
    f->ecn = (pkt[1] >> 4) & ECN_MASK;
    if (!f->off && !f->more)
        return PARSED_ATOMIC;
    if (!f->off && !ip6_chain_in_first(f->nxt, f->data, f->len))
        return FRAG_ERR_BAD;
    return PARSED_FRAG;
}

/* RFC 6946: an atomic fragment is processed alone; it only loses its Fragment header. */
static size_t ip6_strip_fragment_header(uint8_t *out, const uint8_t *pkt, const struct frag_in *f)
{
    size_t hl = f->hlen - 8;
    memcpy(out, pkt, hl);
    memcpy(out + hl, f->data, f->len);
    out[f->nh_off] = f->nxt;
    put16(out + 4, (unsigned)(hl - IP6_HDR + f->len));
    return hl + f->len;
}

static bool map_any(const uint64_t *m, size_t a, size_t b)
{
    for (size_t w = a / 64; w <= b / 64; w++) {
        uint64_t mask = ~0ULL;
        if (w == a / 64)
            mask &= ~0ULL << (a % 64);
        if (w == b / 64)
            mask &= ~0ULL >> (63 - b % 64);
        if (m[w] & mask)
            return true;
    }
    return false;
}

static void map_set(uint64_t *m, size_t a, size_t b)
{
    for (size_t w = a / 64; w <= b / 64; w++) {
        uint64_t mask = ~0ULL;
        if (w == a / 64)
            mask &= ~0ULL << (a % 64);
        if (w == b / 64)
            mask &= ~0ULL >> (63 - b % 64);
        m[w] |= mask;
    }
}

static struct dgram *dgram_find(struct reasm *r, const struct reasm_key *k, struct dgram ***bucket)
{
    *bucket = &r->buckets[key_hash(r, k) & (r->nbuckets - 1)];
    for (struct dgram *d = **bucket; d; d = d->hnext)
        if (!memcmp(&d->key, k, sizeof *k))
            return d;
    return NULL;
}

static struct dgram *dgram_new(struct reasm *r, const struct reasm_key *k, struct dgram **bucket,
                               uint64_t now_ms)
{
    struct dgram *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->key = *k;
    d->deadline = now_ms + r->timeout_ms;
    d->hnext = *bucket;
    if (d->hnext)
        d->hnext->hpprev = &d->hnext;
    d->hpprev = bucket;
    *bucket = d;
    d->older = r->newest;
    if (r->newest)
        r->newest->newer = d;
    else
        r->oldest = d;
    r->newest = d;
    r->st.datagrams++;
    return d;
}

static bool dgram_reserve(struct dgram *d, size_t need)
{
    if (d->buf_len + need > d->buf_cap) {
        size_t cap = d->buf_cap ? d->buf_cap * 2 : 2048;
        while (cap < d->buf_len + need)
            cap *= 2;
        uint8_t *b = realloc(d->buf, cap);
        if (!b)
            return false;
        d->buf = b;
        d->buf_cap = cap;
    }
    if (d->npieces == d->cap_pieces) {
        unsigned cap = d->cap_pieces ? d->cap_pieces * 2 : 8;
        struct piece *p = realloc(d->pieces, cap * sizeof *p);
        if (!p)
            return false;
        d->pieces = p;
        d->cap_pieces = cap;
    }
    return true;
}

/* Why f cannot join d, or 0. */
static int dgram_check(const struct reasm *r, const struct dgram *d, const struct frag_in *f,
                       size_t need)
{
    size_t end = f->off + f->len;
    if (d->npieces >= REASM_MAX_FRAGS)
        return FRAG_ERR_TOOMANY;
    if (map_any(d->map, f->off / 8, (end - 1) / 8))
        return FRAG_ERR_OVERLAP;
    if (!f->more && (d->have_last ? end != d->end : end < d->max_end))
        return FRAG_ERR_BAD; /* a second, different end, or data already past it */
    if (f->more && d->have_last && end > d->end)
        return FRAG_ERR_BAD;
    if (!f->off && f->base + d->max_end > IP_MAXLEN)
        return FRAG_ERR_TOOBIG;
    if (d->have_first && d->first_base + end > IP_MAXLEN)
        return FRAG_ERR_TOOBIG;
    if (r->st.bytes_held + need > r->max_bytes)
        return FRAG_ERR_NOMEM;
    return 0;
}

static void dgram_add(struct reasm *r, struct dgram *d, const uint8_t *pkt, const struct frag_in *f)
{
    size_t end = f->off + f->len, need = f->len;
    if (!f->off) {
        /* headers then data, so the ICMP quote on expiry is one span */
        d->first_pos = d->buf_len;
        d->first_hlen = f->hlen;
        d->first_len = f->len;
        d->first_base = f->base;
        d->first_nh_off = f->nh_off;
        d->first_nxt = f->nxt;
        d->have_first = true;
        memcpy(d->buf + d->buf_len, pkt, f->hlen);
        d->buf_len += f->hlen;
        need += f->hlen;
    }
    d->pieces[d->npieces++] = (struct piece){
        .pos = (uint32_t)d->buf_len, .off = (uint16_t)f->off, .len = (uint16_t)f->len};
    memcpy(d->buf + d->buf_len, f->data, f->len);
    d->buf_len += f->len;
    map_set(d->map, f->off / 8, (end - 1) / 8);
    d->got += f->len;
    if (end > d->max_end)
        d->max_end = end;
    if (!f->more) {
        d->have_last = true;
        d->end = end;
    }
    d->ecn_seen |= (uint8_t)(1u << f->ecn);
    r->st.bytes_held += need;
}

static uint8_t *out_buf(struct reasm *r)
{
    if (!r->out)
        r->out = malloc(REASM_MAX_OUT);
    return r->out;
}

/* Builds the whole packet in r->out; d must be complete. */
static int dgram_finish(struct reasm *r, struct dgram *d, size_t *out_len)
{
    /* RFC 3168 5.3: Not-ECT mixed with ECT or CE cannot be rebuilt honestly */
    if ((d->ecn_seen & 1u << ECN_NOT_ECT) && (d->ecn_seen & ~(1u << ECN_NOT_ECT)))
        return FRAG_ERR_BAD;
    bool ce = d->ecn_seen & 1u << ECN_CE;
    const uint8_t *fh = d->buf + d->first_pos;
    bool v4 = d->key.family == 4;
    size_t hl = v4 ? d->first_hlen : d->first_hlen - 8;
    uint8_t *o = out_buf(r);
    if (!o)
        return FRAG_ERR_NOMEM;
    memcpy(o, fh, hl);
    for (unsigned i = 0; i < d->npieces; i++)
        memcpy(o + hl + d->pieces[i].off, d->buf + d->pieces[i].pos, d->pieces[i].len);
    size_t total = hl + d->end;
    if (v4) {
        put16(o + 2, (unsigned)total);
        put16(o + 6, get16(o + 6) & (IP4_RF | IP4_DF));
        if (ce)
            o[1] |= ECN_CE;
        ip4_set_csum(o, hl);
    } else {
        o[d->first_nh_off] = d->first_nxt;
        put16(o + 4, (unsigned)(total - IP6_HDR));
        if (ce)
            o[1] |= ECN_CE << 4;
    }
    *out_len = total;
    return REASM_DONE;
}

int reasm_input(struct reasm *r, const uint8_t *pkt, size_t len, uint64_t now_ms,
                const uint8_t **out, size_t *out_len)
{
    struct frag_in f;
    struct dgram **bucket, *d;
    int rc;

    assert(r && out && out_len);
    memset(&f, 0, sizeof f);
    if (!pkt || len < 1)
        rc = FRAG_ERR_BAD;
    else if (pkt[0] >> 4 == 4)
        rc = parse4(pkt, len, &f);
    else if (pkt[0] >> 4 == 6)
        rc = parse6(pkt, len, &f);
    else
        rc = FRAG_ERR_BAD;
    if (rc < 0)
        return count_drop(r, rc);
    if (rc == PARSED_WHOLE) {
        *out = pkt;
        *out_len = f.tot;
        r->st.whole++;
        return REASM_DONE;
    }
    if (rc == PARSED_ATOMIC) {
        if (!out_buf(r))
            return count_drop(r, FRAG_ERR_NOMEM);
        *out = r->out;
        *out_len = ip6_strip_fragment_header(r->out, pkt, &f);
        r->st.done++;
        return REASM_DONE;
    }
    if (f.len == 0 || (f.more && f.len % 8))
        return count_drop(r, FRAG_ERR_BAD);
    if (f.base + f.off + f.len > IP_MAXLEN)
        return count_drop(r, FRAG_ERR_TOOBIG);

    size_t need = f.len + (f.off ? 0 : f.hlen);
    d = dgram_find(r, &f.key, &bucket);
    if (!d) {
        if (r->st.datagrams >= r->max_datagrams || r->st.bytes_held + need > r->max_bytes)
            return count_drop(r, FRAG_ERR_NOMEM);
        d = dgram_new(r, &f.key, bucket, now_ms);
        if (!d)
            return count_drop(r, FRAG_ERR_NOMEM);
    }
    rc = dgram_check(r, d, &f, need);
    if (rc == 0 && !dgram_reserve(d, need))
        rc = FRAG_ERR_NOMEM;
    if (rc < 0)
        goto fail;
    dgram_add(r, d, pkt, &f);
    if (!d->have_first || !d->have_last || d->got != d->end) {
        r->st.held++;
        return REASM_HELD;
    }
    rc = dgram_finish(r, d, out_len);
    if (rc < 0)
        goto fail;
    *out = r->out;
    dgram_drop(r, d);
    r->st.done++;
    return REASM_DONE;
fail:
    /* the datagram cannot complete any more: free its memory now */
    dgram_drop(r, d);
    return count_drop(r, rc);
}

unsigned reasm_expire(struct reasm *r, uint64_t now_ms, reasm_expired_fn *expired, void *arg)
{
    unsigned n = 0;
    while (r->oldest && r->oldest->deadline <= now_ms) {
        struct dgram *d = r->oldest;
        if (expired) {
            if (d->have_first)
                expired(arg, d->buf + d->first_pos,
                        d->first_hlen + (d->first_len < 8 ? d->first_len : 8));
            else
                expired(arg, NULL, 0);
        }
        dgram_drop(r, d);
        r->st.timeouts++;
        n++;
    }
    return n;
}

/* lib/frag.c: IPv4/IPv6 fragmentation and reassembly. Fragment sizes, offsets
 * and flags are checked to the byte; reassembled packets are compared with
 * the original whole packet. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag.h"

#define MAXF 4096

/* Every fragment an ip*_fragment call emitted, copied. */
struct coll {
    int n;
    uint8_t *p[MAXF];
    size_t len[MAXF];
};

static void collect(void *arg, const uint8_t *frag, size_t len)
{
    struct coll *c = arg;
    cr_assert_lt(c->n, MAXF);
    c->p[c->n] = malloc(len);
    memcpy(c->p[c->n], frag, len);
    c->len[c->n++] = len;
}

static void coll_free(struct coll *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->p[i]);
    c->n = 0;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *h, size_t hl)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < hl; i += 2)
        sum += get16(h + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void set_csum(uint8_t *h)
{
    size_t hl = (size_t)(h[0] & 15) * 4;
    put16(h + 10, 0);
    put16(h + 10, csum(h, hl));
}

static bool csum_ok(const uint8_t *h)
{
    return csum(h, (size_t)(h[0] & 15) * 4) == 0;
}

/* Payload byte at absolute data offset k, so overlapping fragments agree. */
static uint8_t pat(size_t k)
{
    return (uint8_t)(k * 31 + 7);
}

/* IPv4 header 10.0.0.1 -> 10.0.0.2, UDP, options opts, then data bytes pat(off..). */
static size_t ip4_build(uint8_t *b, size_t datalen, uint16_t id, unsigned frag_field,
                        const uint8_t *opts, size_t optlen)
{
    size_t hl = 20 + optlen;
    memset(b, 0, hl);
    b[0] = (uint8_t)(0x40 | hl / 4);
    put16(b + 2, (unsigned)(hl + datalen));
    put16(b + 4, id);
    put16(b + 6, frag_field);
    b[8] = 64;
    b[9] = 17;
    b[12] = 10, b[15] = 1;
    b[16] = 10, b[19] = 2;
    if (optlen)
        memcpy(b + 20, opts, optlen);
    size_t off = (size_t)(frag_field & 0x1fff) * 8;
    for (size_t i = 0; i < datalen; i++)
        b[hl + i] = pat(off + i);
    set_csum(b);
    return hl + datalen;
}

/* One hand-made IPv4 fragment: off and datalen in bytes. */
static size_t frag4(uint8_t *b, uint16_t id, size_t off, size_t datalen, bool mf)
{
    return ip4_build(b, datalen, id, (unsigned)(off / 8) | (mf ? 0x2000 : 0), NULL, 0);
}

static struct reasm *r_new(void)
{
    struct reasm *r = reasm_new(1 << 20, 64, 1000);
    cr_assert_not_null(r);
    return r;
}

/* Feeds c's fragments in the order given; all but the last must be held. */
static void feed_expect_done(struct reasm *r, struct coll *c, const int *order,
                             const uint8_t *want, size_t want_len)
{
    const uint8_t *out = NULL;
    size_t out_len = 0;
    for (int i = 0; i < c->n; i++) {
        int k = order ? order[i] : i;
        int rc = reasm_input(r, c->p[k], c->len[k], 10, &out, &out_len);
        if (i < c->n - 1)
            cr_assert_eq(rc, REASM_HELD, "fragment %d: %s", k, frag_err_name(rc));
        else
            cr_assert_eq(rc, REASM_DONE, "fragment %d: %s", k, frag_err_name(rc));
    }
    cr_assert_eq(out_len, want_len);
    cr_assert_arr_eq(out, want, want_len);
}

/* ---------------- IPv4 fragmentation ---------------- */

Test(frag4, splits_3000_bytes_at_mtu_1500_into_1500_1500_40)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    ip4_build(pkt, 2980, 0x1234, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    size_t want_len[] = {1500, 1500, 40};
    unsigned want_frag[] = {0x2000 | 0, 0x2000 | 185, 370}; /* 1480 / 8 = 185 */
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(c.len[i], want_len[i]);
        cr_expect_eq(get16(c.p[i] + 2), want_len[i]);
        cr_expect_eq(get16(c.p[i] + 6), want_frag[i], "frag %d: %#x", i, get16(c.p[i] + 6));
        cr_expect_eq(get16(c.p[i] + 4), 0x1234);
        cr_expect_eq(c.p[i][0], 0x45);
        cr_expect(csum_ok(c.p[i]));
        cr_expect_arr_eq(c.p[i] + 20, pkt + 20 + 1480 * i, want_len[i] - 20);
    }
    coll_free(&c);
}

Test(frag4, packet_that_fits_is_emitted_unchanged_without_padding)
{
    uint8_t pkt[1600];
    struct coll c = {0};
    size_t len = ip4_build(pkt, 1480, 7, 0x4000, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, len + 100, 1500, false, collect, &c), 1);
    cr_assert_eq(c.len[0], 1500);
    cr_assert_arr_eq(c.p[0], pkt, 1500);
    coll_free(&c);
    cr_assert_eq(ip4_fragment(pkt, len, 70000, false, collect, &c), 1);
    coll_free(&c);
}

Test(frag4, df_is_refused_unless_ignored_and_then_kept)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    ip4_build(pkt, 2980, 1, 0x4000, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), FRAG_ERR_DF);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, true, collect, &c), 3);
    cr_expect_eq(get16(c.p[0] + 6), 0x6000);
    cr_expect_eq(get16(c.p[1] + 6), 0x6000 | 185);
    cr_expect_eq(get16(c.p[2] + 6), 0x4000 | 370);
    coll_free(&c);
}

Test(frag4, later_fragments_carry_only_copied_options)
{
    /* Router Alert (copied, 4 bytes), Record Route (not copied, 3), EOL */
    const uint8_t opts[8] = {0x94, 0x04, 0, 0, 0x07, 0x03, 0x04, 0x00};
    uint8_t pkt[1000];
    struct coll c = {0};
    ip4_build(pkt, 972, 9, 0, opts, sizeof opts);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 300, false, collect, &c), 4);
    size_t want_len[] = {300, 296, 296, 180};
    unsigned want_off[] = {0, 272, 544, 816};
    for (int i = 0; i < 4; i++) {
        size_t hl = i ? 24 : 28;
        cr_expect_eq(c.len[i], want_len[i]);
        cr_expect_eq(c.p[i][0], 0x40 | hl / 4);
        cr_expect_eq(get16(c.p[i] + 6) & 0x1fff, want_off[i] / 8);
        cr_expect_eq(!!(get16(c.p[i] + 6) & 0x2000), i < 3);
        cr_expect(csum_ok(c.p[i]));
        cr_expect_arr_eq(c.p[i] + hl, pkt + 28 + want_off[i], want_len[i] - hl);
    }
    cr_expect_arr_eq(c.p[0] + 20, opts, 8);
    const uint8_t ra[4] = {0x94, 0x04, 0, 0};
    cr_expect_arr_eq(c.p[1] + 20, ra, 4);

    struct reasm *r = r_new();
    feed_expect_done(r, &c, NULL, pkt, sizeof pkt);
    reasm_free(&r);
    cr_assert_null(r);
    coll_free(&c);
}

Test(frag4, mtu_68_with_60_byte_header_sends_8_bytes_first)
{
    uint8_t opts[40];
    memset(opts, 1, sizeof opts); /* NOPs: not copied, later headers are 20 bytes */
    uint8_t pkt[160];
    struct coll c = {0};
    ip4_build(pkt, 100, 2, 0, opts, sizeof opts);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 67, false, collect, &c), FRAG_ERR_MTU);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 0, false, collect, &c), FRAG_ERR_MTU);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 68, false, collect, &c), 3);
    cr_expect_eq(c.len[0], 68); /* 60 + 8 */
    cr_expect_eq(c.len[1], 68); /* 20 + 48 */
    cr_expect_eq(c.len[2], 64); /* 20 + 44 */
    cr_expect_eq(get16(c.p[1] + 6), 0x2000 | 1);
    cr_expect_eq(get16(c.p[2] + 6), 7);
    coll_free(&c);
}

Test(frag4, malformed_packets_are_refused)
{
    uint8_t pkt[3000], bad[3000];
    struct coll c = {0};
    ip4_build(pkt, 2980, 3, 0, NULL, 0);

    cr_expect_eq(ip4_fragment(pkt, 19, 1500, false, collect, &c), FRAG_ERR_BAD);
    cr_expect_eq(ip4_fragment(NULL, 0, 1500, false, collect, &c), FRAG_ERR_BAD);
    /* total length past the buffer */
    cr_expect_eq(ip4_fragment(pkt, 2999, 1500, false, collect, &c), FRAG_ERR_BAD);
    memcpy(bad, pkt, sizeof bad);
    bad[0] = 0x44; /* ihl 4 */
    cr_expect_eq(ip4_fragment(bad, sizeof bad, 1500, false, collect, &c), FRAG_ERR_BAD);
    bad[0] = 0x65; /* version 6 */
    cr_expect_eq(ip4_fragment(bad, sizeof bad, 1500, false, collect, &c), FRAG_ERR_BAD);
    bad[0] = 0x4f; /* 60-byte header in a 40-byte buffer */
    cr_expect_eq(ip4_fragment(bad, 40, 1500, false, collect, &c), FRAG_ERR_BAD);
    memcpy(bad, pkt, sizeof bad);
    put16(bad + 2, 16); /* total length below the header */
    cr_expect_eq(ip4_fragment(bad, sizeof bad, 1500, false, collect, &c), FRAG_ERR_BAD);

    const uint8_t zero_len_opt[4] = {0x94, 0x00, 0, 0};
    ip4_build(bad, 2976, 3, 0, zero_len_opt, 4);
    cr_expect_eq(ip4_fragment(bad, 3000, 1500, false, collect, &c), FRAG_ERR_BAD);
    const uint8_t long_opt[4] = {0x94, 0x05, 0, 0};
    ip4_build(bad, 2976, 3, 0, long_opt, 4);
    cr_expect_eq(ip4_fragment(bad, 3000, 1500, false, collect, &c), FRAG_ERR_BAD);
    const uint8_t cut_opt[4] = {1, 1, 1, 0x94};
    ip4_build(bad, 2976, 3, 0, cut_opt, 4);
    cr_expect_eq(ip4_fragment(bad, 3000, 1500, false, collect, &c), FRAG_ERR_BAD);

    /* a fragment at offset 63000 with 2980 bytes ends past 65535 */
    ip4_build(bad, 2980, 3, 63000 / 8, NULL, 0);
    cr_expect_eq(ip4_fragment(bad, 3000, 1500, false, collect, &c), FRAG_ERR_TOOBIG);
    cr_expect_eq(c.n, 0);
}

Test(frag4, fragments_of_a_fragment_keep_offsets_and_reassemble)
{
    uint8_t pkt[3000];
    struct coll c = {0}, c1 = {0}, all = {0};
    ip4_build(pkt, 2980, 0x77, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    /* the first two again at 576: 552-byte pieces, MF on every one */
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(ip4_fragment(c.p[k], c.len[k], 576, false, collect, &c1), 3);
        for (int i = 0; i < 3; i++) {
            cr_expect_eq(get16(c1.p[i] + 6), 0x2000 | (1480 * k + 552 * i) / 8);
            cr_expect_eq(c1.len[i], i < 2 ? 572u : 20u + 1480 - 2 * 552);
            collect(&all, c1.p[i], c1.len[i]);
        }
        coll_free(&c1);
    }
    cr_assert_eq(ip4_fragment(c.p[2], c.len[2], 576, false, collect, &all), 1);
    cr_expect_eq(get16(all.p[6] + 6), 370);

    struct reasm *r = r_new();
    int order[] = {6, 3, 0, 5, 1, 4, 2};
    feed_expect_done(r, &all, order, pkt, sizeof pkt);
    reasm_free(&r);
    coll_free(&all);
    coll_free(&c);
}

/* ---------------- IPv4 reassembly ---------------- */

static void reassemble_3000_in(const int order[3])
{
    uint8_t pkt[3000];
    struct coll c = {0};
    ip4_build(pkt, 2980, 0x4242, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    struct reasm *r = r_new();
    feed_expect_done(r, &c, order, pkt, sizeof pkt);
    const struct reasm_stats *st = reasm_stats(r);
    cr_expect_eq(st->held, 2);
    cr_expect_eq(st->done, 1);
    cr_expect_eq(st->datagrams, 0);
    cr_expect_eq(st->bytes_held, 0);
    reasm_free(&r);
    coll_free(&c);
}

Test(reasm4, in_order)
{
    reassemble_3000_in((int[]){0, 1, 2});
}

Test(reasm4, reverse_order)
{
    reassemble_3000_in((int[]){2, 1, 0});
}

Test(reasm4, shuffled)
{
    reassemble_3000_in((int[]){1, 2, 0});
}

Test(reasm4, output_header_is_fixed)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    const uint8_t *out;
    size_t out_len;
    ip4_build(pkt, 2980, 5, 0x4000, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, true, collect, &c), 3);
    struct reasm *r = r_new();
    cr_assert_eq(reasm_input(r, c.p[2], c.len[2], 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[0], c.len[0], 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[1], c.len[1], 0, &out, &out_len), REASM_DONE);
    cr_expect_eq(out_len, 3000);
    cr_expect_eq(get16(out + 2), 3000);
    cr_expect_eq(get16(out + 6), 0x4000); /* DF kept, MF and offset cleared */
    cr_expect(csum_ok(out));
    cr_expect_arr_eq(out, pkt, 3000);
    reasm_free(&r);
    coll_free(&c);
}

Test(reasm4, duplicate_fragment_drops_the_datagram_as_overlap)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    const uint8_t *out;
    size_t out_len;
    ip4_build(pkt, 2980, 6, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    struct reasm *r = r_new();
    cr_assert_eq(reasm_input(r, c.p[1], c.len[1], 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[0], c.len[0], 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[1], c.len[1], 0, &out, &out_len), FRAG_ERR_OVERLAP);
    const struct reasm_stats *st = reasm_stats(r);
    cr_expect_eq(st->overlap, 1);
    cr_expect_eq(st->datagrams, 0);
    cr_expect_eq(st->bytes_held, 0);
    /* what is left starts a new datagram that never completes */
    cr_assert_eq(reasm_input(r, c.p[2], c.len[2], 0, &out, &out_len), REASM_HELD);
    cr_expect_eq(st->datagrams, 1);
    cr_expect_eq(st->bytes_held, 20);
    reasm_free(&r);
    coll_free(&c);
}

Test(reasm4, partial_overlap_drops_the_datagram)
{
    uint8_t a[64], b[64];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    size_t la = frag4(a, 1, 0, 16, true);
    size_t lb = frag4(b, 1, 8, 16, true);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, b, lb, 0, &out, &out_len), FRAG_ERR_OVERLAP);
    /* a last fragment's partial 8-byte block overlapping another fragment */
    la = frag4(a, 2, 16, 5, false); /* bytes 16..20 */
    lb = frag4(b, 2, 16, 8, true);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, b, lb, 0, &out, &out_len), FRAG_ERR_OVERLAP);
    cr_expect_eq(reasm_stats(r)->overlap, 2);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);
    reasm_free(&r);
}

Test(reasm4, inconsistent_last_fragment_is_bad)
{
    uint8_t a[64];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    /* two different ends */
    cr_assert_eq(reasm_input(r, a, frag4(a, 1, 16, 8, false), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 1, 32, 8, false), 0, &out, &out_len), FRAG_ERR_BAD);
    /* an end before data already held */
    cr_assert_eq(reasm_input(r, a, frag4(a, 2, 40, 8, true), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 2, 16, 8, false), 0, &out, &out_len), FRAG_ERR_BAD);
    /* data past the end */
    cr_assert_eq(reasm_input(r, a, frag4(a, 3, 16, 8, false), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 3, 24, 8, true), 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_stats(r)->bad, 3);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);
    reasm_free(&r);
}

static int expired_calls;
static uint8_t expired_quote[128];
static size_t expired_len;

static void on_expired(void *arg, const uint8_t *first, size_t len)
{
    (void)arg;
    expired_calls++;
    expired_len = len;
    if (first)
        memcpy(expired_quote, first, len < sizeof expired_quote ? len : sizeof expired_quote);
}

Test(reasm4, incomplete_datagrams_time_out_with_the_first_fragment_quoted)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    const uint8_t *out;
    size_t out_len;
    ip4_build(pkt, 2980, 8, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    struct reasm *r = reasm_new(1 << 20, 16, 1000);
    cr_assert_eq(reasm_input(r, c.p[0], c.len[0], 5, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[2], c.len[2], 500, &out, &out_len), REASM_HELD);
    uint8_t other[64];
    cr_assert_eq(reasm_input(r, other, frag4(other, 9, 8, 8, true), 600, &out, &out_len),
                 REASM_HELD);

    expired_calls = 0;
    cr_expect_eq(reasm_expire(r, 1004, on_expired, NULL), 0);
    cr_expect_eq(reasm_expire(r, 1005, on_expired, NULL), 1);
    cr_expect_eq(expired_calls, 1);
    cr_expect_eq(expired_len, 28); /* header + 8 data bytes, for ICMP time exceeded */
    cr_expect_arr_eq(expired_quote, c.p[0], 28);
    /* the late middle fragment starts a new datagram */
    cr_assert_eq(reasm_input(r, c.p[1], c.len[1], 1010, &out, &out_len), REASM_HELD);
    cr_expect_eq(reasm_expire(r, 1600, on_expired, NULL), 1);
    cr_expect_eq(expired_calls, 2);
    cr_expect_eq(expired_len, 0); /* first fragment never came */
    cr_expect_eq(reasm_expire(r, 2010, NULL, NULL), 1);
    const struct reasm_stats *st = reasm_stats(r);
    cr_expect_eq(st->timeouts, 3);
    cr_expect_eq(st->datagrams, 0);
    cr_expect_eq(st->bytes_held, 0);
    reasm_free(&r);
    coll_free(&c);
}

Test(reasm4, byte_limit_refuses_fragments_and_frees_the_datagram)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    const uint8_t *out;
    size_t out_len;
    ip4_build(pkt, 2980, 10, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);

    /* 1500 (header + 1480) + 1480 + 20 = 3000 bytes exactly fit */
    struct reasm *r = reasm_new(3000, 16, 1000);
    feed_expect_done(r, &c, NULL, pkt, sizeof pkt);
    reasm_free(&r);

    r = reasm_new(2999, 16, 1000);
    const struct reasm_stats *st = reasm_stats(r);
    cr_assert_eq(reasm_input(r, c.p[0], c.len[0], 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, c.p[1], c.len[1], 0, &out, &out_len), REASM_HELD);
    cr_expect_eq(st->bytes_held, 2980);
    cr_assert_eq(reasm_input(r, c.p[2], c.len[2], 0, &out, &out_len), FRAG_ERR_NOMEM);
    cr_expect_eq(st->nomem, 1);
    cr_expect_eq(st->datagrams, 0);
    cr_expect_eq(st->bytes_held, 0);
    /* a new datagram whose first bytes do not fit is refused, not created */
    cr_assert_eq(reasm_input(r, c.p[0], c.len[0], 0, &out, &out_len), REASM_HELD);
    uint8_t big[1600];
    cr_assert_eq(reasm_input(r, big, frag4(big, 11, 0, 1504, true), 0, &out, &out_len),
                 FRAG_ERR_NOMEM);
    cr_expect_eq(st->datagrams, 1);
    cr_expect_eq(st->bytes_held, 1500);
    reasm_free(&r);
    coll_free(&c);
}

Test(reasm4, datagram_limit_refuses_new_datagrams_only)
{
    uint8_t a[64];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = reasm_new(1 << 20, 2, 1000);
    cr_assert_eq(reasm_input(r, a, frag4(a, 1, 0, 8, true), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 2, 0, 8, true), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 3, 0, 8, true), 0, &out, &out_len), FRAG_ERR_NOMEM);
    cr_assert_eq(reasm_input(r, a, frag4(a, 1, 8, 4, false), 0, &out, &out_len), REASM_DONE);
    cr_expect_eq(out_len, 32);
    cr_assert_eq(reasm_input(r, a, frag4(a, 3, 0, 8, true), 0, &out, &out_len), REASM_HELD);
    cr_expect_eq(reasm_stats(r)->datagrams, 2);
    cr_expect_eq(reasm_stats(r)->nomem, 1);
    cr_expect_null(reasm_new(0, 2, 1000));
    cr_expect_null(reasm_new(1000, 0, 1000));
    reasm_free(&r);
}

Test(reasm4, at_most_1024_fragments_per_datagram)
{
    uint8_t a[64];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    for (size_t i = 0; i < REASM_MAX_FRAGS; i++)
        cr_assert_eq(reasm_input(r, a, frag4(a, 1, i * 8, 8, true), 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, frag4(a, 1, 1024 * 8, 8, false), 0, &out, &out_len),
                 FRAG_ERR_TOOMANY);
    cr_expect_eq(reasm_stats(r)->toomany, 1);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);

    /* 1024 fragments in reverse, the first one closing the datagram, are fine */
    for (size_t i = 1024; i-- > 0;)
        cr_assert_eq(reasm_input(r, a, frag4(a, 2, i * 8, 8, i < 1023), 0, &out, &out_len),
                     i ? REASM_HELD : REASM_DONE);
    cr_expect_eq(out_len, 20 + 8192);
    for (size_t k = 0; k < 8192; k++)
        cr_assert_eq(out[20 + k], pat(k));
    reasm_free(&r);
}

Test(reasm4, malformed_fragments_are_counted_not_held)
{
    uint8_t a[128], b[128];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    size_t la = frag4(a, 1, 8, 16, true);

    cr_expect_eq(reasm_input(r, a, 0, 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, NULL, 0, 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, a, 19, 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, a, la - 1, 0, &out, &out_len), FRAG_ERR_BAD); /* total > buffer */
    memcpy(b, a, la);
    b[0] = 0x44; /* ihl < 5 */
    cr_expect_eq(reasm_input(r, b, la, 0, &out, &out_len), FRAG_ERR_BAD);
    b[0] = 0x55;
    cr_expect_eq(reasm_input(r, b, la, 0, &out, &out_len), FRAG_ERR_BAD);
    memcpy(b, a, la);
    b[8] = 63; /* TTL changed, checksum not */
    cr_expect_eq(reasm_input(r, b, la, 0, &out, &out_len), FRAG_ERR_CSUM);
    /* non-last fragment of 12 bytes; empty fragment */
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 8, 12, true), 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 8, 0, false), 0, &out, &out_len), FRAG_ERR_BAD);
    /* 20 + 65512 + 8 > 65535; 20 + 65512 + 3 is the largest allowed */
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 65512, 8, false), 0, &out, &out_len),
                 FRAG_ERR_TOOBIG);
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 65512, 4, false), 0, &out, &out_len),
                 FRAG_ERR_TOOBIG);
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 65512, 3, false), 0, &out, &out_len), REASM_HELD);

    const struct reasm_stats *st = reasm_stats(r);
    cr_expect_eq(st->bad, 8);
    cr_expect_eq(st->csum, 1);
    cr_expect_eq(st->toobig, 2);
    cr_expect_eq(st->held, 1);
    reasm_free(&r);
}

Test(reasm4, first_fragment_header_pushing_past_65535_drops_the_datagram)
{
    /* data ending at 65512 + 3 fits behind a 20-byte header, not a 24-byte one */
    const uint8_t opts[4] = {0x94, 0x04, 0, 0};
    uint8_t b[128];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    cr_expect_eq(reasm_input(r, b, frag4(b, 1, 65512, 3, false), 0, &out, &out_len), REASM_HELD);
    size_t lb = ip4_build(b, 8, 1, 0x2000, opts, sizeof opts);
    cr_expect_eq(reasm_input(r, b, lb, 0, &out, &out_len), FRAG_ERR_TOOBIG);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);
    reasm_free(&r);
}

Test(reasm4, non_fragment_passes_through)
{
    uint8_t pkt[200];
    const uint8_t *out = NULL;
    size_t out_len = 0;
    size_t len = ip4_build(pkt, 100, 1, 0x4000, NULL, 0);
    struct reasm *r = r_new();
    cr_assert_eq(reasm_input(r, pkt, len + 50, 0, &out, &out_len), REASM_DONE);
    cr_expect_eq(out, pkt);
    cr_expect_eq(out_len, 120);
    cr_expect_eq(reasm_stats(r)->whole, 1);
    cr_expect_eq(reasm_stats(r)->done, 0);
    reasm_free(&r);
}

Test(reasm4, protocol_is_part_of_the_key)
{
    uint8_t a[64];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    size_t la = frag4(a, 1, 0, 8, true);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_HELD);
    a[9] = 6;
    set_csum(a);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_HELD);
    cr_expect_eq(reasm_stats(r)->datagrams, 2);
    reasm_free(&r);
}

static void set_ecn4(uint8_t *p, unsigned ecn)
{
    p[1] = (uint8_t)((p[1] & ~3u) | ecn);
    set_csum(p);
}

Test(reasm4, ecn_ce_on_one_fragment_marks_the_datagram)
{
    uint8_t pkt[3000];
    struct coll c = {0};
    const uint8_t *out;
    size_t out_len;
    ip4_build(pkt, 2980, 12, 0, NULL, 0);
    cr_assert_eq(ip4_fragment(pkt, sizeof pkt, 1500, false, collect, &c), 3);
    struct reasm *r = r_new();
    set_ecn4(c.p[0], 2);
    set_ecn4(c.p[1], 3);
    set_ecn4(c.p[2], 2);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(reasm_input(r, c.p[i], c.len[i], 0, &out, &out_len),
                     i < 2 ? REASM_HELD : REASM_DONE);
    cr_expect_eq(out[1] & 3, 3);
    cr_expect(csum_ok(out));

    set_ecn4(c.p[1], 0); /* Not-ECT among ECT(0): RFC 3168 5.3 says drop */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(reasm_input(r, c.p[i], c.len[i], 0, &out, &out_len),
                     i < 2 ? REASM_HELD : FRAG_ERR_BAD);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);
    reasm_free(&r);
    coll_free(&c);
}

/* ---------------- IPv6 ---------------- */

/* IPv6 2001:db8::1 -> 2001:db8::2, extension headers ext (first next header
 * nh0), then data bytes pat(0..). */
static size_t ip6_build(uint8_t *b, uint8_t nh0, const uint8_t *ext, size_t extlen, size_t datalen)
{
    memset(b, 0, 40);
    b[0] = 0x60;
    put16(b + 4, (unsigned)(extlen + datalen));
    b[6] = nh0;
    b[7] = 64;
    b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = 1;
    b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = 2;
    if (extlen)
        memcpy(b + 40, ext, extlen);
    for (size_t i = 0; i < datalen; i++)
        b[40 + extlen + i] = pat(i);
    return 40 + extlen + datalen;
}

Test(frag6, splits_3000_byte_payload_at_1280_and_reassembles)
{
    static uint8_t pkt[3040];
    struct coll c = {0};
    ip6_build(pkt, 17, NULL, 0, 3000);
    cr_assert_eq(ip6_fragment(pkt, sizeof pkt, 1280, 0xdeadbeef, collect, &c), 3);
    size_t want_len[] = {1280, 1280, 584};
    unsigned want_off[] = {0, 1232, 2464};
    for (int i = 0; i < 3; i++) {
        const uint8_t *f = c.p[i];
        cr_expect_eq(c.len[i], want_len[i]);
        cr_expect_eq(get16(f + 4), want_len[i] - 40);
        cr_expect_eq(f[6], 44);
        cr_expect_eq(f[40], 17);
        cr_expect_eq(f[41], 0);
        cr_expect_eq(get16(f + 42), want_off[i] | (i < 2));
        cr_expect_eq(get32(f + 44), 0xdeadbeef);
        cr_expect_arr_eq(f + 48, pkt + 40 + want_off[i], want_len[i] - 48);
    }
    struct reasm *r = r_new();
    feed_expect_done(r, &c, (int[]){2, 0, 1}, pkt, sizeof pkt);
    reasm_free(&r);
    coll_free(&c);
}

Test(frag6, unfragmentable_part_ends_after_routing_header)
{
    /* Hop-by-Hop (8) -> Routing (24) -> Destination Options (8) -> UDP */
    uint8_t ext[40] = {0};
    ext[0] = 43, ext[1] = 0, ext[2] = 1, ext[3] = 4; /* HBH: PadN */
    ext[8] = 60, ext[9] = 2;                         /* Routing, 24 bytes */
    ext[32] = 17, ext[33] = 0, ext[34] = 1, ext[35] = 4;
    static uint8_t pkt[2080];
    struct coll c = {0};
    ip6_build(pkt, 0, ext, sizeof ext, 2000);
    cr_assert_eq(ip6_fragment(pkt, sizeof pkt, 1280, 7, collect, &c), 2);
    /* 72 unfragmentable + 8 + 1200; then 72 + 8 + 808 */
    cr_expect_eq(c.len[0], 1280);
    cr_expect_eq(c.len[1], 888);
    for (int i = 0; i < 2; i++) {
        cr_expect_eq(c.p[i][6], 0);   /* still Hop-by-Hop first */
        cr_expect_eq(c.p[i][40], 43);
        cr_expect_eq(c.p[i][48], 44); /* Routing now points at the Fragment header */
        cr_expect_eq(c.p[i][72], 60); /* which carries on to Destination Options */
        cr_expect_eq(get16(c.p[i] + 74), i ? 1200 : 1);
    }
    struct reasm *r = r_new();
    feed_expect_done(r, &c, (int[]){1, 0}, pkt, sizeof pkt);
    reasm_free(&r);
    coll_free(&c);
}

Test(frag6, refusals)
{
    static uint8_t pkt[3040], bad[3040];
    struct coll c = {0};
    ip6_build(pkt, 17, NULL, 0, 3000);
    cr_expect_eq(ip6_fragment(pkt, sizeof pkt, 1279, 1, collect, &c), FRAG_ERR_MTU);
    cr_expect_eq(ip6_fragment(pkt, 39, 1280, 1, collect, &c), FRAG_ERR_BAD);
    cr_expect_eq(ip6_fragment(pkt, 3039, 1280, 1, collect, &c), FRAG_ERR_BAD);
    uint8_t ip4[3000];
    ip4_build(ip4, 2980, 1, 0, NULL, 0);
    cr_expect_eq(ip6_fragment(ip4, sizeof ip4, 1280, 1, collect, &c), FRAG_ERR_BAD);
    /* already has a Fragment header */
    uint8_t fh[8] = {17, 0, 0, 0, 0, 0, 0, 9};
    ip6_build(bad, 44, fh, 8, 2992);
    cr_expect_eq(ip6_fragment(bad, sizeof bad, 1280, 1, collect, &c), FRAG_ERR_BAD);
    /* Destination Options claiming 2048 bytes in a 1500-byte payload */
    uint8_t dst[8] = {17, 255};
    ip6_build(bad, 60, dst, 8, 1492);
    cr_expect_eq(ip6_fragment(bad, 1540, 1280, 1, collect, &c), FRAG_ERR_BAD);
    /* Hop-by-Hop after a Destination Options header */
    uint8_t dh[16] = {0, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4};
    ip6_build(bad, 60, dh, 16, 1484);
    cr_expect_eq(ip6_fragment(bad, 1540, 1280, 1, collect, &c), FRAG_ERR_BAD);
    cr_expect_eq(c.n, 0);
}

/* One hand-made IPv6 fragment: Fragment header right after the IPv6 header. */
static size_t frag6(uint8_t *b, uint32_t id, size_t off, size_t datalen, bool more, uint8_t nxt)
{
    uint8_t fh[8] = {nxt, 0};
    put16(fh + 2, (unsigned)off | more);
    fh[4] = (uint8_t)(id >> 24), fh[5] = (uint8_t)(id >> 16), fh[6] = (uint8_t)(id >> 8);
    fh[7] = (uint8_t)id;
    size_t len = ip6_build(b, 44, fh, 8, datalen);
    for (size_t i = 0; i < datalen; i++)
        b[48 + i] = pat(off + i);
    return len;
}

Test(reasm6, atomic_fragment_loses_its_header_alone)
{
    uint8_t a[128], want[128];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    cr_assert_eq(reasm_input(r, a, frag6(a, 5, 0, 16, true, 17), 0, &out, &out_len), REASM_HELD);
    size_t la = frag6(a, 5, 0, 20, false, 17);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_DONE);
    size_t lw = ip6_build(want, 17, NULL, 0, 20);
    cr_expect_eq(out_len, lw);
    cr_expect_arr_eq(out, want, lw);
    cr_expect_eq(reasm_stats(r)->datagrams, 1); /* the held datagram is untouched */
    cr_expect_eq(reasm_stats(r)->done, 1);

    /* not a fragment at all */
    cr_assert_eq(reasm_input(r, want, lw, 0, &out, &out_len), REASM_DONE);
    cr_expect_eq(out, want);
    cr_expect_eq(reasm_stats(r)->whole, 1);
    reasm_free(&r);
}

Test(reasm6, duplicates_overlap_and_malformed)
{
    uint8_t a[256];
    const uint8_t *out;
    size_t out_len;
    struct reasm *r = r_new();
    size_t la = frag6(a, 1, 0, 16, true, 17);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), REASM_HELD);
    cr_assert_eq(reasm_input(r, a, la, 0, &out, &out_len), FRAG_ERR_OVERLAP);

    cr_expect_eq(reasm_input(r, a, 47, 0, &out, &out_len), FRAG_ERR_BAD); /* cut Fragment header */
    cr_expect_eq(reasm_input(r, a, 39, 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, a, la - 1, 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, a, frag6(a, 1, 8, 12, true, 17), 0, &out, &out_len), FRAG_ERR_BAD);
    cr_expect_eq(reasm_input(r, a, frag6(a, 1, 8, 0, false, 17), 0, &out, &out_len), FRAG_ERR_BAD);
    /* RFC 7112: a first fragment whose Destination Options run past it */
    la = frag6(a, 2, 0, 16, true, 60);
    a[49] = 3;
    cr_expect_eq(reasm_input(r, a, la, 0, &out, &out_len), FRAG_ERR_BAD);
    /* the reassembled payload may reach 65535 (the Fragment header goes away) */
    cr_expect_eq(reasm_input(r, a, frag6(a, 3, 65528, 16, false, 17), 0, &out, &out_len),
                 FRAG_ERR_TOOBIG);
    cr_expect_eq(reasm_input(r, a, frag6(a, 3, 65528, 8, false, 17), 0, &out, &out_len),
                 FRAG_ERR_TOOBIG);
    cr_expect_eq(reasm_input(r, a, frag6(a, 3, 65528, 7, false, 17), 0, &out, &out_len),
                 REASM_HELD);
    const struct reasm_stats *st = reasm_stats(r);
    cr_expect_eq(st->overlap, 1);
    cr_expect_eq(st->bad, 6);
    cr_expect_eq(st->toobig, 2);
    reasm_free(&r);
}

/* ---------------- randomized round trips ---------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static unsigned rnd_in(unsigned lo, unsigned hi)
{
    return lo + rnd() % (hi - lo + 1);
}

static void shuffle(int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(rnd() % (unsigned)(i + 1));
        int t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

#define BATCH 8

/* Fragments batches of up to 8 packets, shuffles all their fragments
 * together, reassembles them and finds every packet back, byte for byte. */
static void round_trip(bool v6, int rounds)
{
    static uint8_t pkts[BATCH][21000];
    static int order[MAXF];
    size_t lens[BATCH];
    bool seen[BATCH];
    struct coll *c = calloc(1, sizeof *c);
    struct reasm *r = reasm_new(4 << 20, 64, 1000);
    const uint8_t ra[4] = {0x94, 0x04, 0, 0};                /* copied */
    const uint8_t rr[8] = {0x07, 0x07, 0x04, 0, 0, 0, 0, 0}; /* not copied */
    const uint8_t hbh[8] = {17, 0, 1, 4};                    /* Hop-by-Hop -> UDP */
    uint8_t hbh_dst[40] = {60, 0, 1, 4};                     /* Hop-by-Hop -> Dest Opts -> UDP */
    hbh_dst[8] = 17, hbh_dst[9] = 3;
    unsigned total = 0;

    rng_state = v6 ? 0x6a09e667f3bcc909ULL : 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < rounds; round++) {
        int np = (int)rnd_in(1, BATCH);
        unsigned mtu = v6 ? rnd_in(1280, 1500) : rnd_in(68, 1500);
        c->n = 0;
        for (int k = 0; k < np; k++) {
            uint8_t *p = pkts[k];
            unsigned kind = rnd() % 3;
            size_t hl;
            if (v6) {
                size_t extlen = kind == 0 ? 0 : kind == 1 ? 8 : 40;
                lens[k] = ip6_build(p, kind ? 0 : 17, kind == 1 ? hbh : hbh_dst, extlen,
                                    rnd_in(0, 20000));
                hl = 40 + extlen;
            } else {
                ip4_build(p, 0, (uint16_t)(round * BATCH + k), 0, kind == 1 ? ra : rr,
                          kind == 0 ? 0 : kind == 1 ? 4 : 8);
                hl = (size_t)(p[0] & 15) * 4;
                lens[k] = rnd_in(28, 9000);
                put16(p + 2, (unsigned)lens[k]);
                set_csum(p);
            }
            for (size_t i = hl; i < lens[k]; i++)
                p[i] = (uint8_t)rnd();
            int n = v6 ? ip6_fragment(p, lens[k], mtu, (uint32_t)(round * BATCH + k), collect, c)
                       : ip4_fragment(p, lens[k], mtu, false, collect, c);
            cr_assert_gt(n, 0, "round %d: %s", round, frag_err_name(n));
            seen[k] = false;
        }
        for (int i = 0; i < c->n; i++) {
            order[i] = i;
            cr_assert_leq(c->len[i], mtu);
        }
        shuffle(order, c->n);
        int done = 0;
        for (int i = 0; i < c->n; i++) {
            const uint8_t *out;
            size_t out_len;
            int rc = reasm_input(r, c->p[order[i]], c->len[order[i]], (uint64_t)round, &out,
                                 &out_len);
            cr_assert_geq(rc, 0, "round %d: %s", round, frag_err_name(rc));
            if (rc != REASM_DONE)
                continue;
            int k;
            for (k = 0; k < np; k++)
                if (!seen[k] && lens[k] == out_len && !memcmp(pkts[k], out, out_len))
                    break;
            cr_assert_lt(k, np, "round %d: reassembled packet matches no original", round);
            seen[k] = true;
            done++;
        }
        cr_assert_eq(done, np, "round %d", round);
        cr_assert_eq(reasm_stats(r)->datagrams, 0);
        cr_assert_eq(reasm_stats(r)->bytes_held, 0);
        total += (unsigned)c->n;
        coll_free(c);
    }
    cr_expect_gt(total, (unsigned)rounds * 3);
    reasm_free(&r);
    free(c);
}

Test(random, ipv4_round_trip_sizes_28_to_9000_mtu_68_to_1500)
{
    round_trip(false, 300);
}

Test(random, ipv6_round_trip)
{
    round_trip(true, 100);
}

static unsigned hostile_mtu;

static void check_fits(void *arg, const uint8_t *frag, size_t len)
{
    (void)frag;
    cr_assert_leq(len, hostile_mtu);
    ++*(int *)arg;
}

/* Mutated, truncated and padded fragments and packets: every call returns a
 * known code, and the limits hold after each one. Run it under SAN=1 too. */
Test(hostile, mutated_input_never_breaks_limits)
{
    static uint8_t base[10000], buf[10100];
    struct coll *c = calloc(1, sizeof *c);
    struct reasm *r = reasm_new(64 * 1024, 8, 100);
    uint64_t now = 0;
    unsigned dones = 0, helds = 0, drops = 0;

    rng_state = 0x243f6a8885a308d3ULL;
    for (int it = 0; it < 4000; it++) {
        bool v6 = rnd() & 1;
        size_t len;
        c->n = 0;
        if (v6) {
            uint8_t ext[8] = {rnd() & 1 ? 17 : 60, 0, 1, 4};
            len = ip6_build(base, rnd() & 1 ? 0 : 17, ext, 8, rnd_in(0, 5000));
            base[6] = ext[0] == 60 ? 0 : base[6];
            ip6_fragment(base, len, rnd_in(1280, 1500), rnd() % 4, collect, c);
        } else {
            len = ip4_build(base, rnd_in(0, 5000), (uint16_t)(rnd() % 4), 0, NULL, 0);
            ip4_fragment(base, len, rnd_in(68, 1500), false, collect, c);
        }
        for (int i = 0; i < c->n; i++) {
            size_t l = c->len[i];
            memcpy(buf, c->p[i], l);
            switch (rnd() % 4) {
            case 0: /* flip a few header bytes */
                for (unsigned n = rnd_in(1, 4); n--;)
                    buf[rnd() % (l < 96 ? l : 96)] ^= (uint8_t)rnd_in(1, 255);
                break;
            case 1: /* cut */
                l = rnd() % (l + 1);
                break;
            case 2: /* trailing garbage */
                for (unsigned n = rnd_in(1, 64); n--;)
                    buf[l++] = (uint8_t)rnd();
                break;
            default:
                break;
            }
            if (!v6 && l >= 20 && (rnd() & 1) && (size_t)(buf[0] & 15) * 4 <= l)
                set_csum(buf); /* let it past the checksum into deeper checks */
            const uint8_t *out = NULL;
            size_t out_len = 0;
            int rc = reasm_input(r, buf, l, now, &out, &out_len);
            cr_assert(rc >= FRAG_ERR_TOOMANY && rc <= REASM_HELD, "rc %d", rc);
            if (rc == REASM_DONE) {
                cr_assert_not_null(out);
                cr_assert_leq(out_len, REASM_MAX_OUT);
                cr_assert_geq(out_len, 20);
                dones++;
            } else if (rc == REASM_HELD) {
                helds++;
            } else {
                drops++;
            }
            const struct reasm_stats *st = reasm_stats(r);
            cr_assert_leq(st->datagrams, 8);
            cr_assert_leq(st->bytes_held, 64 * 1024);

            hostile_mtu = rnd_in(0, 2000);
            int emitted = 0, n = (buf[0] >> 4) == 6
                                     ? ip6_fragment(buf, l, hostile_mtu, 1, check_fits, &emitted)
                                     : ip4_fragment(buf, l, hostile_mtu, rnd() & 1, check_fits,
                                                    &emitted);
            cr_assert(n < 0 ? emitted == 0 && n >= FRAG_ERR_TOOMANY : emitted == n, "n %d", n);
        }
        coll_free(c);
        now += rnd() % 20;
        if (it % 16 == 0)
            reasm_expire(r, now, NULL, NULL);
    }
    reasm_expire(r, UINT64_MAX, NULL, NULL);
    cr_expect_eq(reasm_stats(r)->datagrams, 0);
    cr_expect_eq(reasm_stats(r)->bytes_held, 0);
    cr_expect_gt(dones, 100);
    cr_expect_gt(helds, 100);
    cr_expect_gt(drops, 100);
    reasm_free(&r);
    free(c);
}

Test(frag, error_names)
{
    cr_expect_str_eq(frag_err_name(REASM_DONE), "done");
    cr_expect_str_eq(frag_err_name(REASM_HELD), "held");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_BAD), "malformed");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_CSUM), "bad-checksum");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_DF), "dont-fragment");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_MTU), "mtu-too-small");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_OVERLAP), "overlap");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_TOOBIG), "too-big");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_NOMEM), "no-memory");
    cr_expect_str_eq(frag_err_name(FRAG_ERR_TOOMANY), "too-many-fragments");
    cr_expect_str_eq(frag_err_name(-99), "unknown");
}

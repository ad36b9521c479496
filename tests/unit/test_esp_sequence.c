/* isa/esp.c over many packets: anti-replay (RFC 4303 3.4.3), extended
 * sequence numbers and exhaustion, lifetimes in bytes and seconds, each
 * checked to the counter (the known answers are in test_esp_vectors.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_helpers.h"

/* ---- anti-replay ------------------------------------------------------------------------ */

/* RFC 4303 3.4.3 with a window of w: new numbers are accepted, duplicates are
 * replays, numbers at or below top - w are too old, the window slides. */
static void replay_window(unsigned w)
{
    char what[64];
    snprintf(what, sizeof what, "window %u", w);
    struct esp_sa *in = null_sha256(true, w, false, 0);
    unsigned ok = 0, replay = 0, old = 0;
    uint64_t top = w + 10;
#define DELIVER(seq, want)                                                                         \
    do {                                                                                           \
        struct pkt p_ = pkt_numbered((seq), false);                                                \
        enum esp_result r_ = deliver(in, &p_);                                                     \
        cr_expect_eq(r_, (want), "%s: packet %lu: %s, want %s", what, (unsigned long)(seq),        \
                     esp_result_name(r_), esp_result_name(want));                                  \
        ok += (want) == ESP_OK, replay += (want) == ESP_REPLAY, old += (want) == ESP_TOO_OLD;      \
    } while (0)
    DELIVER(top, ESP_OK);
    DELIVER(top, ESP_REPLAY);
    DELIVER(top - w + 1, ESP_OK);  /* the left edge is inside */
    DELIVER(top - w, ESP_TOO_OLD); /* one further is not */
    DELIVER(top - w + 1, ESP_REPLAY);
    for (uint64_t s = top - 1; s > top - w + 1; s--)
        DELIVER(s, ESP_OK);
    for (uint64_t s = top - w + 1; s <= top; s++)
        DELIVER(s, ESP_REPLAY);
    DELIVER(top + 2, ESP_OK);          /* slides by two, skipping top + 1 */
    DELIVER(top + 2 - w, ESP_TOO_OLD); /* seen, and now out of the window */
    DELIVER(top + 3 - w, ESP_REPLAY);
    DELIVER(top + 1, ESP_OK); /* late but inside */
    DELIVER(top + 1, ESP_REPLAY);
    expect_counts(what, in, ok, ok * 84, top + 2);

    /* a jump of almost the whole bitmap: every number in the new window is new */
    uint64_t far = top + 2 + ESP_REPLAY_MAX - 1;
    DELIVER(far, ESP_OK);
    DELIVER(far - w, ESP_TOO_OLD);
    for (uint64_t s = far - w + 1; s < far; s += (w > 64 ? 7 : 1))
        DELIVER(s, ESP_OK);
    DELIVER(far, ESP_REPLAY);
#undef DELIVER
    expect_errors(what, in, ESP_REPLAY, replay, ESP_TOO_OLD, old, -1);
    cr_expect_eq(esp_sa_stats(in)->packets, ok, "%s: packets", what);
    esp_sa_destroy(&in);
}

Test(replay, window_32)
{
    replay_window(32);
}

Test(replay, window_64)
{
    replay_window(64);
}

Test(replay, window_512)
{
    replay_window(512);
}

/* Each SA's bitmap is a ring of the window rounded up to a power of two
 * (64 bits at least): for windows around every such size, with jumps of
 * the ring's size and around it, every answer is RFC 4303 3.4.3's as a
 * plain set of the numbers received gives it. */
Test(replay, every_window_size_agrees_with_a_plain_set)
{
    static const unsigned windows[] = { 1, 2, 31, 63, 64, 65, 100, 127, 128, 129, 500, 1023, 1024 };
    static uint8_t seen[1 << 20];
    uint64_t rng = 0x2545f4914f6cdd1dull;
#define RAND(n) (rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17, rng % (n))
    for (size_t wi = 0; wi < NVEC(windows); wi++) {
        unsigned w = windows[wi], ring = 64;
        while (ring < w)
            ring *= 2;
        struct esp_sa *in = null_sha256(true, w, false, 0);
        memset(seen, 0, sizeof seen);
        uint64_t top = 0;
        for (int k = 0; k < 300; k++) {
            uint64_t seq;
            if (top == 0 || RAND(10) < 4) { /* forward */
                static const int around[] = { -1, 0, 1 };
                uint64_t jumps[] = { 1, 2, 1 + RAND(w), w + around[RAND(3)], ring + around[RAND(3)],
                                     1 + RAND(2 * ring + 2) };
                seq = top + jumps[RAND(NVEC(jumps))];
            } else { /* back into the window, or just out of it */
                uint64_t back = RAND(w + 3);
                seq = back < top ? top - back : 1;
            }
            cr_assert_lt(seq, sizeof seen);
            enum esp_result want = seq > top             ? ESP_OK
                                   : top - seq >= w      ? ESP_TOO_OLD
                                   : seen[seq]           ? ESP_REPLAY
                                                         : ESP_OK;
            struct pkt p = pkt_numbered(seq, false);
            enum esp_result got = deliver(in, &p);
            cr_expect_eq(got, want, "window %u (ring %u), packet %lu after top %lu: %s, want %s", w,
                         ring, (unsigned long)seq, (unsigned long)top, esp_result_name(got),
                         esp_result_name(want));
            if (got != want)
                break;
            if (want == ESP_OK) {
                seen[seq] = 1;
                top = seq > top ? seq : top;
            }
        }
        esp_sa_destroy(&in);
    }
#undef RAND
}

/* RFC 4303 3.4.3: the replay check comes before the ICV, so a replayed
 * packet with a broken ICV is counted as a replay. */
Test(replay, checked_before_the_icv)
{
    struct esp_sa *in = null_sha256(true, 32, false, 0);
    struct pkt p5 = pkt_numbered(5, false), p40 = pkt_numbered(40, false);
    expect_result("5", deliver(in, &p5), ESP_OK);
    expect_result("40", deliver(in, &p40), ESP_OK);
    p5.b[p5.n - 1] ^= 1; /* now both replayed and forged */
    expect_result("5 forged", deliver(in, &p5), ESP_TOO_OLD);
    p40.b[p40.n - 1] ^= 1;
    expect_result("40 forged", deliver(in, &p40), ESP_REPLAY);
    expect_errors("before icv", in, ESP_REPLAY, 1, ESP_TOO_OLD, 1, -1);
    esp_sa_destroy(&in);
}

/* ... and the window moves only for a packet whose ICV verified. */
Test(replay, a_bad_icv_does_not_move_the_window)
{
    struct esp_sa *in = null_sha256(true, 32, false, 0);
    struct pkt p1 = pkt_numbered(1, false), p3 = pkt_numbered(3, false),
               p1000 = pkt_numbered(1000, false), p2 = pkt_numbered(2, false);
    expect_result("1", deliver(in, &p1), ESP_OK);
    struct pkt bad = p1000;
    bad.b[20] ^= 0x10;
    expect_result("1000 forged", deliver(in, &bad), ESP_ICV);
    expect_counts("after forged 1000", in, 1, 84, 1);
    bad = p3;
    bad.b[bad.n - 5] ^= 0x10;
    expect_result("3 forged", deliver(in, &bad), ESP_ICV);
    expect_result("2", deliver(in, &p2), ESP_OK); /* 1000 moved nothing */
    expect_result("3", deliver(in, &p3), ESP_OK); /* forged 3 marked nothing */
    expect_result("1000", deliver(in, &p1000), ESP_OK);
    expect_counts("end", in, 4, 4 * 84, 1000);
    expect_errors("end", in, ESP_ICV, 2, -1);
    esp_sa_destroy(&in);
}

Test(replay, window_0_turns_anti_replay_off)
{
    struct esp_sa *in = null_sha256(true, 0, false, 0);
    struct pkt p9 = pkt_numbered(9, false), p2 = pkt_numbered(2, false);
    for (int i = 0; i < 3; i++)
        expect_result("9", deliver(in, &p9), ESP_OK);
    expect_result("2", deliver(in, &p2), ESP_OK);
    expect_errors("off", in, -1);
    esp_sa_destroy(&in);
}

Test(replay, window_above_the_maximum_is_refused)
{
    uint8_t k[32] = { 0 };
    struct esp_sa_params p = {
        .spi = 1,
        .inbound = true,
        .tf = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16),
        .auth_key = k,
        .auth_key_len = 32,
        .replay_window = ESP_REPLAY_MAX + 1,
    };
    char err[256] = "";
    struct esp_sa *sa = esp_sa_new(&p, err, sizeof err);
    cr_expect_null(sa);
    cr_expect_neq(err[0], 0, "a reason");
    esp_sa_destroy(&sa);
}

/* ---- extended sequence numbers and exhaustion ------------------------------------------- */

/* RFC 4303 Appendix A: numbers 0xfffffffe .. 0x1_00000001 cross 2^32; the
 * low half goes on the wire, the ICV covers the high half, the receiver
 * infers it from its window, also out of order across the boundary. */
Test(esn, wrap_across_2_to_the_32)
{
    struct esp_sa *o = null_sha256(false, 0, true, 0xfffffffeull);
    struct bytes in = inner7();
    struct pkt p[4];
    for (int i = 0; i < 4; i++) {
        assert_result("encap", esp_encap(o, in.b, in.n, 4, p[i].b, sizeof p[i].b, &p[i].n), ESP_OK);
        cr_expect_eq(get32(p[i].b + 4), (uint32_t)(0xfffffffeull + (uint64_t)i), "wire number %d",
                     i);
    }
    expect_counts("out", o, 4, 4 * in.n, 0x100000001ull);
    struct bytes icv0 = hex(wrap_icv_fffffffe), icv2 = hex(wrap_icv_100000000);
    expect_bytes("ICV of 0x0_fffffffe", p[0].b + p[0].n - 16, 16, icv0.b, icv0.n);
    expect_bytes("ICV of 0x1_00000000", p[2].b + p[2].n - 16, 16, icv2.b, icv2.n);
    esp_sa_destroy(&o);

    static const int order[] = { 0, 2, 1, 3 };
    for (unsigned w = 32; w <= 512; w *= 4) {
        struct esp_sa *i = null_sha256(true, w, true, 0xfffffffeull);
        for (int k = 0; k < 4; k++)
            expect_result("in order", deliver(i, &p[order[k]]), ESP_OK);
        expect_counts("in", i, 4, 4 * in.n, 0x100000001ull);
        expect_result("replay of 0x1_00000000", deliver(i, &p[2]), ESP_REPLAY);
        expect_result("replay of 0x0_fffffffe", deliver(i, &p[0]), ESP_REPLAY);
        expect_errors("in", i, ESP_REPLAY, 2, -1);
        esp_sa_destroy(&i);
    }
}

/* RFC 4303 3.3.3: without ESN the counter must not cycle past 2^32 - 1;
 * draft-mcgrew-gcm-test-01 page 16 is exactly number 0xffffffff. */
Test(esn, sequence_exhausted_without_esn)
{
    const struct gcm_vec *v = NULL;
    for (size_t i = 0; i < NVEC(gcm_vecs); i++)
        if (!gcm_vecs[i].esn && gcm_vecs[i].seq == 0xffffffffull)
            v = &gcm_vecs[i];
    cr_assert_not_null(v);
    struct gcm_parts g = gcm_parts(v);
    struct bytes want = gcm_wire(v, &g, 16);
    struct esp_sa *o = gcm_sa(v, &g, 16, false, v->seq);
    uint8_t out[MAXPKT];
    size_t n = 0;
    expect_result(v->name,
                  esp_encap_iv(o, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                  ESP_OK);
    expect_bytes(v->name, out, n, want.b, want.n);
    expect_result("after 0xffffffff",
                  esp_encap_iv(o, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                  ESP_SEQ_EXHAUSTED);
    expect_result("esp_encap too", esp_encap(o, g.payload.b, g.payload.n, 4, out, sizeof out, &n),
                  ESP_SEQ_EXHAUSTED);
    expect_counts("exhausted", o, 1, g.payload.n, 0xffffffffull);
    expect_errors("exhausted", o, ESP_SEQ_EXHAUSTED, 2, -1);
    esp_sa_destroy(&o);

    struct esp_sa *s = null_sha256(false, 0, false, 0xffffffffull);
    struct bytes in = inner7();
    expect_result("null 0xffffffff", esp_encap(s, in.b, in.n, 4, out, sizeof out, &n), ESP_OK);
    cr_expect_eq(get32(out + 4), 0xffffffffu);
    expect_result("null next", esp_encap(s, in.b, in.n, 4, out, sizeof out, &n), ESP_SEQ_EXHAUSTED);
    esp_sa_destroy(&s);
}

/* With ESN the last number is 2^64 - 1 (draft page 17 sends it). */
Test(esn, sequence_exhausted_with_esn)
{
    const struct gcm_vec *v = NULL;
    for (size_t i = 0; i < NVEC(gcm_vecs); i++)
        if (gcm_vecs[i].esn && gcm_vecs[i].seq == UINT64_MAX)
            v = &gcm_vecs[i];
    cr_assert_not_null(v);
    struct gcm_parts g = gcm_parts(v);
    struct esp_sa *o = gcm_sa(v, &g, 16, false, v->seq);
    uint8_t out[MAXPKT];
    size_t n = 0;
    expect_result(v->name,
                  esp_encap_iv(o, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                  ESP_OK);
    expect_result("after 2^64 - 1",
                  esp_encap_iv(o, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                  ESP_SEQ_EXHAUSTED);
    expect_counts("esn exhausted", o, 1, g.payload.n, UINT64_MAX);
    esp_sa_destroy(&o);
}

/* ---- lifetimes --------------------------------------------------------------------------- */

/* Byte lifetimes count payload octets: soft 200, hard 300, 100-byte packets.
 * The soft limit is reached with the packet that brings the count to it;
 * the packet that would pass the hard limit is refused; each crossing is
 * reported by the next tick, once. */
static void byte_lifetimes(bool inbound)
{
    const char *what = inbound ? "inbound" : "outbound";
    uint8_t k[32], pl[100];
    memset(k, 0x0b, sizeof k);
    memset(pl, 0x45, sizeof pl);
    struct esp_sa_params p = {
        .spi = 0xabcd,
        .tf = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16),
        .auth_key = k,
        .auth_key_len = 32,
        .replay_window = 64,
    };
    struct esp_sa *src = sa_open(&p); /* no limits: feeds the inbound SA */
    p.inbound = inbound;
    p.soft_bytes = 200;
    p.hard_bytes = 300;
    struct esp_sa *sa = sa_open(&p);
    const uint64_t now = 7000;
    enum esp_result want[] = { ESP_OK, ESP_OK, ESP_OK, ESP_EXPIRED, ESP_EXPIRED };
    int want_tick[] = { 0, 1, 0, 2, 0 };
    for (int i = 0; i < 5; i++) {
        uint8_t out[MAXPKT], back[MAXPKT], nh;
        size_t n = 0, m = 0;
        enum esp_result r;
        if (inbound) {
            assert_result("encap", esp_encap(src, pl, sizeof pl, 4, out, sizeof out, &n), ESP_OK);
            r = esp_decap(sa, out, n, back, sizeof back, &m, &nh);
        } else {
            r = esp_encap(sa, pl, sizeof pl, 4, out, sizeof out, &n);
        }
        cr_expect_eq(r, want[i], "%s packet %d: %s, want %s", what, i + 1, esp_result_name(r),
                     esp_result_name(want[i]));
        int t = esp_sa_tick(sa, now);
        cr_expect_eq(t, want_tick[i], "%s tick after packet %d: %d, want %d", what, i + 1, t,
                     want_tick[i]);
        if (i == 1)
            cr_expect_eq(esp_sa_tick(sa, now), 0, "soft reported once");
    }
    const struct esp_sa_stats *st = esp_sa_stats(sa);
    cr_expect(st->soft_expired, "%s soft", what);
    cr_expect(st->hard_expired, "%s hard", what);
    cr_expect_eq(st->packets, 3, "%s packets %lu", what, (unsigned long)st->packets);
    cr_expect_eq(st->octets, 300, "%s octets %lu", what, (unsigned long)st->octets);
    cr_expect_eq(st->errors[ESP_EXPIRED], 2, "%s expired count %lu", what,
                 (unsigned long)st->errors[ESP_EXPIRED]);
    esp_sa_destroy(&src);
    esp_sa_destroy(&sa);
}

Test(lifetime, bytes_outbound)
{
    byte_lifetimes(false);
}

Test(lifetime, bytes_inbound)
{
    byte_lifetimes(true);
}

/* Time lifetimes on esp_sa_tick's clock: soft 10 s, hard 20 s. */
static void time_lifetimes(bool inbound, uint64_t created_ms)
{
    uint8_t k[32];
    memset(k, 0x0b, sizeof k);
    struct bytes in = inner7();
    struct esp_sa_params p = {
        .spi = 0xabcd,
        .tf = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16),
        .auth_key = k,
        .auth_key_len = 32,
        .replay_window = 64,
    };
    struct esp_sa *src = sa_open(&p);
    p.inbound = inbound;
    p.soft_secs = 10;
    p.hard_secs = 20;
    p.created_ms = created_ms;
    struct esp_sa *sa = sa_open(&p);
    uint64_t t0 = created_ms ? created_ms : 123456;
    struct {
        uint64_t at;
        int tick;
    } steps[] = {
        { t0, 0 },         { t0 + 9999, 0 },  { t0 + 10000, 1 }, { t0 + 10001, 0 },
        { t0 + 15000, 0 }, { t0 + 19999, 0 }, { t0 + 20000, 2 }, { t0 + 25000, 0 },
    };
    for (size_t i = 0; i < NVEC(steps); i++) {
        int t = esp_sa_tick(sa, steps[i].at);
        cr_expect_eq(t, steps[i].tick, "%s tick at +%lu ms: %d, want %d", inbound ? "in" : "out",
                     (unsigned long)(steps[i].at - t0), t, steps[i].tick);
        uint8_t out[MAXPKT], back[MAXPKT], nh;
        size_t n = 0, m = 0;
        enum esp_result want = steps[i].at >= t0 + 20000 ? ESP_EXPIRED : ESP_OK, r;
        if (inbound) {
            assert_result("encap", esp_encap(src, in.b, in.n, 4, out, sizeof out, &n), ESP_OK);
            r = esp_decap(sa, out, n, back, sizeof back, &m, &nh);
        } else {
            r = esp_encap(sa, in.b, in.n, 4, out, sizeof out, &n);
        }
        cr_expect_eq(r, want, "packet at +%lu ms: %s, want %s", (unsigned long)(steps[i].at - t0),
                     esp_result_name(r), esp_result_name(want));
    }
    const struct esp_sa_stats *st = esp_sa_stats(sa);
    cr_expect(st->soft_expired && st->hard_expired);
    cr_expect_eq(st->packets, 6);
    cr_expect_eq(st->errors[ESP_EXPIRED], 2);
    esp_sa_destroy(&src);
    esp_sa_destroy(&sa);
}

Test(lifetime, time_from_the_first_tick)
{
    time_lifetimes(false, 0);
    time_lifetimes(true, 0);
}

Test(lifetime, time_from_created_ms)
{
    time_lifetimes(false, 50000);
    time_lifetimes(true, 50000);
}

/* A tick whose clock reads a little before created_ms (a clock read cached
 * before the SA was installed) is an age of zero, not of 2^64 ms. */
Test(lifetime, a_tick_before_created_ms_is_age_zero)
{
    uint8_t k[32];
    memset(k, 0x0b, sizeof k);
    struct esp_sa_params p = {
        .spi = 0xabcd,
        .tf = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16),
        .auth_key = k,
        .auth_key_len = 32,
        .soft_secs = 10,
        .hard_secs = 20,
        .created_ms = 100000,
    };
    struct esp_sa *sa = sa_open(&p);
    cr_expect_eq(esp_sa_tick(sa, 99990), 0);
    cr_expect(!esp_sa_stats(sa)->hard_expired, "hard-expired at age -10 ms");
    struct bytes in = inner7();
    uint8_t out[MAXPKT];
    size_t n = 0;
    expect_result("after the early tick", esp_encap(sa, in.b, in.n, 4, out, sizeof out, &n),
                  ESP_OK);
    cr_expect_eq(esp_sa_tick(sa, 110000), 1);
    cr_expect_eq(esp_sa_tick(sa, 120000), 2);
    esp_sa_destroy(&sa);
}

Test(lifetime, none_set_never_expires)
{
    struct esp_sa *o = null_sha256(false, 0, false, 0);
    cr_expect_eq(esp_sa_tick(o, 1), 0);
    cr_expect_eq(esp_sa_tick(o, UINT64_C(1) << 50), 0);
    cr_expect(!esp_sa_stats(o)->soft_expired && !esp_sa_stats(o)->hard_expired);
    esp_sa_destroy(&o);
}

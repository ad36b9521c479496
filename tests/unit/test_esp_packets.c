/* isa/esp.c and lib/esp_transform.c: every error result of a malformed or
 * refused packet, round trips of every SR OS transform, the context cache,
 * and the SR OS algorithm names (the known answers are in
 * test_esp_vectors.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_helpers.h"

/* ---- malformed and refused packets ------------------------------------------------------- */

Test(errors, shorter_than_a_header_is_too_short)
{
    struct bytes esp = hex(cbc_vecs[2].esp);
    struct esp_sa *sas[] = {
        cbc_sa(&cbc_vecs[2], true, 0),
        null_sha256(true, 32, false, 0),
    };
    const struct gcm_vec *v = &gcm_vecs[1];
    struct gcm_parts g = gcm_parts(v);
    struct esp_sa *gcm = gcm_sa(v, &g, 16, true, 0);
    for (size_t k = 0; k < 3; k++) {
        struct esp_sa *sa = k < 2 ? sas[k] : gcm;
        for (size_t len = 0; len < 8; len++) {
            char what[32];
            snprintf(what, sizeof what, "length %zu", len);
            expect_result(what, decap_expect(what, sa, esp.b, len, NULL, 0, 0), ESP_SHORT);
        }
        expect_errors("short", sa, ESP_SHORT, 8, -1);
        expect_counts("short", sa, 0, 0, 0);
        esp_sa_destroy(&sa);
    }
}

Test(errors, ciphertext_not_a_whole_number_of_blocks)
{
    struct bytes esp = hex(cbc_vecs[2].esp);
    struct esp_sa *sa = cbc_sa(&cbc_vecs[2], true, 0);
    expect_result("cbc -1", decap_expect("cbc", sa, esp.b, esp.n - 1, NULL, 0, 0), ESP_ALIGN);
    expect_result("cbc -8", decap_expect("cbc", sa, esp.b, esp.n - 8, NULL, 0, 0), ESP_ALIGN);
    expect_result("cbc +4", decap_expect("cbc", sa, esp.b, esp.n + 4, NULL, 0, 0), ESP_ALIGN);
    expect_errors("cbc", sa, ESP_ALIGN, 3, -1);
    esp_sa_destroy(&sa);

    const struct gcm_vec *v = &gcm_vecs[1];
    struct gcm_parts g = gcm_parts(v);
    struct bytes w = gcm_wire(v, &g, 16);
    sa = gcm_sa(v, &g, 16, true, 0);
    expect_result("gcm -1", decap_expect("gcm", sa, w.b, w.n - 1, NULL, 0, 0), ESP_ALIGN);
    expect_result("gcm -2", decap_expect("gcm", sa, w.b, w.n - 2, NULL, 0, 0), ESP_ALIGN);
    expect_errors("gcm", sa, ESP_ALIGN, 2, -1);
    esp_sa_destroy(&sa);
}

/* CBC without integrity is malleable: flipping bits in the next-to-last
 * ciphertext block flips the same bits of the last plaintext block, which
 * holds case 7's trailer: 4 payload bytes, padding 01..0a, pad length 0a,
 * next header 04. */
static enum esp_result case7_with_trailer_xor(size_t at, uint8_t x)
{
    struct bytes esp = hex(cbc_vecs[2].esp);
    esp.b[8 + 16 + 64 + at] ^= x; /* block 5 of 6 */
    struct esp_sa *sa = cbc_sa(&cbc_vecs[2], true, 0);
    enum esp_result r = decap_expect("trailer", sa, esp.b, esp.n, NULL, 0, 0);
    const struct esp_sa_stats *st = esp_sa_stats(sa);
    cr_expect_eq(st->packets, 0);
    cr_expect_eq(st->errors[r], r == ESP_OK ? 0 : 1);
    esp_sa_destroy(&sa);
    return r;
}

Test(errors, bad_padding)
{
    expect_result("a padding byte", case7_with_trailer_xor(6, 0x10), ESP_PAD);
    expect_result("the last padding byte", case7_with_trailer_xor(13, 0x01), ESP_PAD);
    expect_result("pad length 0xff", case7_with_trailer_xor(14, 0x0a ^ 0xff), ESP_PAD);
    expect_result("pad length 0x0b", case7_with_trailer_xor(14, 0x0a ^ 0x0b), ESP_PAD);
    expect_result("pad length 0x5f (beyond the packet)", case7_with_trailer_xor(14, 0x0a ^ 0x5f),
                  ESP_PAD);
}

Test(errors, next_header_other_than_ipv4_or_ipv6)
{
    expect_result("next header 6", case7_with_trailer_xor(15, 0x04 ^ 6), ESP_NEXT_HEADER);
    expect_result("next header 17", case7_with_trailer_xor(15, 0x04 ^ 17), ESP_NEXT_HEADER);
    expect_result("next header 0", case7_with_trailer_xor(15, 0x04), ESP_NEXT_HEADER);
}

Test(errors, next_header_59_is_a_dummy_packet)
{
    expect_result("next header 59", case7_with_trailer_xor(15, 0x04 ^ 59), ESP_DUMMY);
}

/* The same trick the other way: next header 41 (IPv6) is a tunnel payload. */
Test(errors, ipv6_next_header_is_accepted)
{
    struct bytes esp = hex(cbc_vecs[2].esp), pl = hex(cbc_vecs[2].payload);
    esp.b[8 + 16 + 64 + 15] ^= 0x04 ^ 41;
    struct esp_sa *sa = cbc_sa(&cbc_vecs[2], true, 0);
    uint8_t out[MAXPKT], nh = 0;
    size_t n = 0;
    expect_result("41", esp_decap(sa, esp.b, esp.n, out, sizeof out, &n, &nh), ESP_OK);
    cr_expect_eq(nh, 41);
    cr_expect_eq(n, pl.n);
    expect_bytes("last bytes", out + 80, 4, pl.b + 80, 4); /* block 6 untouched */
    esp_sa_destroy(&sa);
}

Test(errors, bad_icv_is_counted)
{
    struct esp_sa *in = null_sha256(true, 64, false, 0);
    for (uint64_t s = 1; s <= 5; s++) {
        struct pkt p = pkt_numbered(s, false);
        p.b[p.n - 16] ^= (uint8_t)s;
        expect_result("forged", deliver(in, &p), ESP_ICV);
    }
    expect_counts("forged", in, 0, 0, 0);
    expect_errors("forged", in, ESP_ICV, 5, -1);
    esp_sa_destroy(&in);
}

Test(errors, no_buffer_space)
{
    struct bytes in = inner7();
    struct esp_sa *o = null_sha256(false, 0, false, 0);
    uint8_t out[MAXPKT];
    size_t n = 0, need = in.n + esp_overhead(o, in.n);
    expect_result("cap - 1", esp_encap(o, in.b, in.n, 4, out, need - 1, &n), ESP_NO_SPACE);
    expect_counts("refused", o, 0, 0, 0);
    expect_result("cap", esp_encap(o, in.b, in.n, 4, out, need, &n), ESP_OK);
    cr_expect_eq(get32(out + 4), 1, "the refused packet used no number");
    expect_errors("out", o, ESP_NO_SPACE, 1, -1);
    esp_sa_destroy(&o);

    struct esp_sa *i = null_sha256(true, 32, false, 0);
    uint8_t back[MAXPKT], nh;
    size_t m = 0;
    expect_result("decap cap 10", esp_decap(i, out, n, back, 10, &m, &nh), ESP_NO_SPACE);
    expect_result("decap cap n", esp_decap(i, out, n, back, n, &m, &nh), ESP_OK);
    esp_sa_destroy(&i);
}

/* ---- statistics and round trips ---------------------------------------------------------- */

/* Every SR OS transform, payloads of every length 0..67 and a 1400-byte
 * one, IPv4 and IPv6: what goes in comes out, and packets/octets/seq count
 * exactly on both sides. */
Test(roundtrip, every_transform_every_padding)
{
    static const char *const encs[] = {
        "null",         "aes128",       "aes192",           "aes256",           "aes128-gcm8",
        "aes192-gcm12", "aes256-gcm16", "null-aes128-gmac", "null-aes192-gmac", "null-aes256-gmac",
    };
    static const char *const auths[] = { "null",   "md5",    "sha1",     "sha256",
                                         "sha384", "sha512", "aes-xcbc", "auth-encryption" };
    int tried = 0;
    for (size_t e = 0; e < NVEC(encs); e++) {
        for (size_t a = 0; a < NVEC(auths); a++) {
            struct esp_transform t;
            char err[256];
            if (esp_transform_parse(encs[e], auths[a], &t, err, sizeof err) != 0)
                continue;
            tried++;
            char what[64];
            snprintf(what, sizeof what, "%s/%s", encs[e], auths[a]);
            uint8_t ek[36], ak[64];
            for (int i = 0; i < 36; i++)
                ek[i] = (uint8_t)(0xa0 + i);
            for (int i = 0; i < 64; i++)
                ak[i] = (uint8_t)(0x30 + i);
            struct esp_sa_params p = {
                .spi = 0x10000 + (uint32_t)tried,
                .tf = t,
                .enc_key = ek,
                .enc_key_len = esp_enc_key_len(&t),
                .auth_key = ak,
                .auth_key_len = esp_auth_key_len(&t),
                .replay_window = 64,
            };
            struct esp_sa *o = sa_open(&p);
            p.inbound = true;
            struct esp_sa *i = sa_open(&p);
            uint64_t octets = 0, n_pk = 0;
            for (size_t len = 0; len <= 68; len++) {
                size_t L = len == 68 ? 1400 : len;
                uint8_t pl[1400], out[MAXPKT];
                for (size_t j = 0; j < L; j++)
                    pl[j] = (uint8_t)(j * 7 + len);
                uint8_t nh = len % 2 ? 41 : 4;
                size_t n = 0;
                assert_result(what, esp_encap(o, pl, L, nh, out, sizeof out, &n), ESP_OK);
                cr_expect_leq(n, L + esp_overhead(o, L), "%s len %zu: overhead", what, L);
                cr_expect_eq(get32(out), p.spi);
                expect_result(what, decap_expect(what, i, out, n, pl, L, nh), ESP_OK);
                octets += L;
                n_pk++;
            }
            expect_counts(what, o, n_pk, octets, n_pk);
            expect_counts(what, i, n_pk, octets, n_pk);
            expect_errors(what, o, -1);
            expect_errors(what, i, -1);
            esp_sa_destroy(&o);
            esp_sa_destroy(&i);
        }
    }
    cr_expect_eq(tried, 4 * 7 - 1 + 3 + 3, "transforms tried");
}

/* Jumbo payloads (9000 bytes, as a 9212-byte MTU carries) through every
 * integrity algorithm, with and without ESN, and GCM. */
Test(roundtrip, jumbo_payloads)
{
    static const char *const pairs[][2] = {
        { "aes256", "md5" },
        { "aes256", "sha1" },
        { "aes256", "sha256" },
        { "aes256", "sha384" },
        { "aes256", "sha512" },
        { "aes256", "aes-xcbc" },
        { "null", "aes-xcbc" },
        { "aes256-gcm16", "auth-encryption" },
        { "null-aes256-gmac", "auth-encryption" },
    };
    enum { BIG = 9000 };
    uint8_t *pl = malloc(BIG), *out = malloc(BIG + 128), *back = malloc(BIG + 128);
    cr_assert(pl && out && back);
    for (size_t j = 0; j < BIG; j++)
        pl[j] = (uint8_t)(j * 13);
    for (size_t c = 0; c < NVEC(pairs); c++) {
        for (int esn = 0; esn <= 1; esn++) {
            struct esp_transform t;
            char err[256], what[80];
            cr_assert_eq(esp_transform_parse(pairs[c][0], pairs[c][1], &t, err, sizeof err), 0,
                         "%s", err);
            snprintf(what, sizeof what, "%s/%s%s", pairs[c][0], pairs[c][1], esn ? " esn" : "");
            uint8_t ek[36], ak[64];
            memset(ek, 0x5a, sizeof ek);
            memset(ak, 0xa5, sizeof ak);
            struct esp_sa_params p = {
                .spi = 0x777,
                .tf = t,
                .enc_key = ek,
                .enc_key_len = esp_enc_key_len(&t),
                .auth_key = ak,
                .auth_key_len = esp_auth_key_len(&t),
                .esn = esn,
                .replay_window = 64,
            };
            struct esp_sa *o = sa_open(&p);
            p.inbound = true;
            struct esp_sa *i = sa_open(&p);
            for (size_t len = BIG - 3; len <= BIG; len++) {
                size_t n = 0, m = 0;
                uint8_t nh = 0;
                enum esp_result r = esp_encap(o, pl, len, 4, out, BIG + 128, &n);
                cr_expect_eq(r, ESP_OK, "%s encap %zu: %s", what, len, esp_result_name(r));
                if (r != ESP_OK)
                    continue;
                r = esp_decap(i, out, n, back, BIG + 128, &m, &nh);
                cr_expect_eq(r, ESP_OK, "%s decap %zu: %s", what, len, esp_result_name(r));
                if (r == ESP_OK)
                    expect_bytes(what, back, m, pl, len);
            }
            esp_sa_destroy(&o);
            esp_sa_destroy(&i);
        }
    }
    free(pl);
    free(out);
    free(back);
}

/* RFC 4303 2.4: padding 1, 2, 3, ... to the 4-byte boundary for NULL. */
Test(roundtrip, null_padding_is_1_2_3_to_four_bytes)
{
    struct esp_sa *o = null_sha256(false, 0, false, 0);
    for (size_t len = 0; len < 8; len++) {
        uint8_t pl[8] = { 0 }, out[MAXPKT];
        size_t n = 0;
        assert_result("encap", esp_encap(o, pl, len, 4, out, sizeof out, &n), ESP_OK);
        size_t pad = (4 - (len + 2) % 4) % 4;
        cr_expect_eq(n, 8 + len + pad + 2 + 16, "len %zu", len);
        for (size_t j = 0; j < pad; j++)
            cr_expect_eq(out[8 + len + j], j + 1);
        cr_expect_eq(out[8 + len + pad], pad);
        cr_expect_eq(out[8 + len + pad + 1], 4);
    }
    esp_sa_destroy(&o);
}

Test(roundtrip, sa_accessors)
{
    struct esp_sa *o = null_sha256(false, 0, false, 0);
    cr_expect_eq(esp_sa_spi(o), 0xabcd);
    const struct esp_transform *t = esp_sa_transform(o);
    cr_expect_eq(t->cipher, ESP_CIPHER_NULL);
    cr_expect_eq(t->integ, ESP_INTEG_SHA256_128);
    cr_expect_eq(t->icv_len, 16);
    cr_expect_str_eq(esp_result_name(ESP_ICV), "bad-icv");
    cr_expect_str_eq(esp_result_name(ESP_OK), "ok");
    esp_sa_destroy(&o);
    cr_expect_null(o);
}

Test(roundtrip, wrong_key_lengths_are_refused)
{
    uint8_t k[64] = { 0 };
    struct {
        struct esp_transform t;
        size_t ek, ak;
    } bad[] = {
        { xf(ESP_CIPHER_AES_GCM, 128, ESP_INTEG_AEAD, 16), 16, 0 }, /* no salt */
        { xf(ESP_CIPHER_NULL_GMAC, 256, ESP_INTEG_AEAD, 16), 32, 0 },
        { xf(ESP_CIPHER_AES_CBC, 256, ESP_INTEG_SHA1_96, 12), 16, 20 },
        { xf(ESP_CIPHER_AES_CBC, 128, ESP_INTEG_SHA256_128, 16), 16, 20 },
        { xf(ESP_CIPHER_AES_CBC, 100, ESP_INTEG_NONE, 0), 12, 0 }, /* no such AES */
        { xf(ESP_CIPHER_NULL, 128, ESP_INTEG_SHA1_96, 12), 16, 20 },
    };
    for (size_t i = 0; i < NVEC(bad); i++) {
        struct esp_sa_params p = { .spi = 1,
                                   .tf = bad[i].t,
                                   .enc_key = k,
                                   .enc_key_len = bad[i].ek,
                                   .auth_key = k,
                                   .auth_key_len = bad[i].ak };
        char err[256] = "";
        struct esp_sa *sa = esp_sa_new(&p, err, sizeof err);
        cr_expect_null(sa, "case %zu", i);
        cr_expect_neq(err[0], 0, "case %zu: a reason", i);
        esp_sa_destroy(&sa);
    }
}

/* ---- the context cache -------------------------------------------------------------------- */

/* Every SR OS transform (as roundtrip.every_transform_every_padding). */
static size_t all_transforms(struct esp_transform *t, size_t cap)
{
    static const char *const encs[] = {
        "null",         "aes128",       "aes192",           "aes256",           "aes128-gcm8",
        "aes192-gcm12", "aes256-gcm16", "null-aes128-gmac", "null-aes192-gmac", "null-aes256-gmac",
    };
    static const char *const auths[] = { "null",   "md5",    "sha1",     "sha256",
                                         "sha384", "sha512", "aes-xcbc", "auth-encryption" };
    size_t n = 0;
    for (size_t e = 0; e < NVEC(encs); e++)
        for (size_t a = 0; a < NVEC(auths); a++) {
            char err[256];
            cr_assert_lt(n, cap);
            if (esp_transform_parse(encs[e], auths[a], &t[n], err, sizeof err) == 0)
                n++;
        }
    return n;
}

/* One direction of SA number i: keys of its own, so a context keyed for
 * another SA would give other bytes. */
static struct esp_sa *cache_sa(const struct esp_transform *t, unsigned i, bool inbound)
{
    uint8_t ek[36], ak[64];
    for (int j = 0; j < 36; j++)
        ek[j] = (uint8_t)(i * 31 + j);
    for (int j = 0; j < 64; j++)
        ak[j] = (uint8_t)(i * 17 + 3 * j);
    struct esp_sa_params p = {
        .spi = 0x2000 + i,
        .inbound = inbound,
        .tf = *t,
        .enc_key = ek,
        .enc_key_len = esp_enc_key_len(t),
        .auth_key = ak,
        .auth_key_len = esp_auth_key_len(t),
        .replay_window = inbound ? 64 : 0,
    };
    return sa_open(&p);
}

static struct esp_cache_stats cache_now(void)
{
    struct esp_cache_stats st;
    esp_cache_stats(&st);
    return st;
}

/* Payload r of SA i (at most 129 bytes), and its IV: distinct for every packet. */
static size_t cache_payload(uint8_t *pl, unsigned i, unsigned r)
{
    size_t len = 40 + (i * 7 + r * 13) % 90;
    for (size_t j = 0; j < len; j++)
        pl[j] = (uint8_t)(i * 11 + r * 5 + j);
    pl[0] = 0x45;
    return len;
}

static void cache_iv(uint8_t iv[16], unsigned i, unsigned r)
{
    for (int j = 0; j < 16; j++)
        iv[j] = (uint8_t)(i + 3 * r + 29 * j);
}

TestSuite(cache, .fini = esp_cache_free);

struct cpkt {
    size_t n;
    uint8_t b[256];
};

/* 33 tunnels of every transform over 3 context slots, used in turn, so
 * nearly every packet re-keys a slot another SA (often of another cipher,
 * digest or direction) had: every packet is the one an SA alone in the
 * cache sends, and decapsulates back to its exact payload. */
Test(cache, more_sas_than_slots_send_the_same_bytes)
{
    enum { MAXT = 40, ROUNDS = 3 };
    struct esp_transform tf[MAXT];
    size_t nt = all_transforms(tf, MAXT);
    cr_assert_eq(nt, 33);
    cr_assert_eq(esp_cache_set_cap(3), 0);
    struct esp_sa *out[MAXT], *in[MAXT];
    for (unsigned i = 0; i < nt; i++) {
        out[i] = cache_sa(&tf[i], i, false);
        in[i] = cache_sa(&tf[i], i, true);
    }
    static struct cpkt sent[MAXT][ROUNDS];
    uint64_t misses = cache_now().misses;
    /* rounds 0 and 1 with given IVs (exact bytes), round 2 with the
     * engine's own (random CBC IVs on the running chain) */
    for (unsigned r = 0; r < ROUNDS; r++)
        for (unsigned i = 0; i < nt; i++) {
            uint8_t pl[160], iv[16];
            size_t len = cache_payload(pl, i, r);
            cache_iv(iv, i, r);
            struct cpkt *p = &sent[i][r];
            assert_result("encap", r < 2 ? esp_encap_iv(out[i], iv, pl, len, 4, p->b, sizeof p->b, &p->n)
                                         : esp_encap(out[i], pl, len, 4, p->b, sizeof p->b, &p->n),
                          ESP_OK);
        }
    struct esp_cache_stats st = cache_now();
    cr_expect_eq(st.live, 3);
    cr_expect_eq(st.misses - misses, ROUNDS * nt, "misses %lu", (unsigned long)(st.misses - misses));
    /* backwards, so the inbound SAs miss as well */
    for (unsigned r = 0; r < ROUNDS; r++)
        for (unsigned k = nt; k-- > 0;) {
            uint8_t pl[160];
            size_t len = cache_payload(pl, k, r);
            char what[64];
            snprintf(what, sizeof what, "SA %u round %u", k, r);
            expect_result(what, decap_expect(what, in[k], sent[k][r].b, sent[k][r].n, pl, len, 4),
                          ESP_OK);
        }
    for (unsigned i = 0; i < nt; i++) {
        uint64_t octets = 0;
        for (unsigned r = 0; r < ROUNDS; r++) {
            uint8_t pl[160];
            octets += cache_payload(pl, i, r);
        }
        expect_counts("out", out[i], ROUNDS, octets, ROUNDS);
        expect_counts("in", in[i], ROUNDS, octets, ROUNDS);
        expect_errors("out", out[i], -1);
        expect_errors("in", in[i], -1);
        esp_sa_destroy(&out[i]);
        esp_sa_destroy(&in[i]);
    }
    /* the same SAs alone: the same packets */
    for (unsigned i = 0; i < nt; i++) {
        struct esp_sa *o = cache_sa(&tf[i], i, false);
        for (unsigned r = 0; r < 2; r++) {
            uint8_t pl[160], iv[16];
            size_t len = cache_payload(pl, i, r);
            cache_iv(iv, i, r);
            struct cpkt p;
            assert_result("alone", esp_encap_iv(o, iv, pl, len, 4, p.b, sizeof p.b, &p.n), ESP_OK);
            char what[64];
            snprintf(what, sizeof what, "SA %u round %u", i, r);
            expect_bytes(what, sent[i][r].b, sent[i][r].n, p.b, p.n);
        }
        esp_sa_destroy(&o);
    }
}

/* One packet from SA sa: ESP_OK. */
static void cache_send(struct esp_sa *sa)
{
    uint8_t pl[64] = { 0x45 }, out[256];
    size_t n = 0;
    assert_result("send", esp_encap(sa, pl, sizeof pl, 4, out, sizeof out, &n), ESP_OK);
}

#define expect_cache(what, s0, misses_, evictions_, live_, spare_)                                 \
    do {                                                                                           \
        struct esp_cache_stats s_ = cache_now();                                                   \
        cr_expect_eq(s_.misses - (s0).misses, (misses_), "%s: misses %lu, want %lu", (what),      \
                     (unsigned long)(s_.misses - (s0).misses), (unsigned long)(misses_));          \
        cr_expect_eq(s_.evictions - (s0).evictions, (evictions_),                                  \
                     "%s: evictions %lu, want %lu", (what),                                        \
                     (unsigned long)(s_.evictions - (s0).evictions), (unsigned long)(evictions_)); \
        cr_expect_eq(s_.live, (live_), "%s: live %zu, want %zu", (what), s_.live, (size_t)(live_)); \
        cr_expect_eq(s_.spare, (spare_), "%s: spare %zu, want %zu", (what), s_.spare,             \
                     (size_t)(spare_));                                                            \
    } while (0)

/* Keyed at creation; a packet of an SA that holds its slot is a hit; a new
 * SA or one that lost its slot takes the least recently used one. */
Test(cache, the_least_recently_used_slot_goes_first)
{
    struct esp_transform t = xf(ESP_CIPHER_AES_GCM, 128, ESP_INTEG_AEAD, 16);
    cr_assert_eq(esp_cache_set_cap(2), 0);
    struct esp_cache_stats s0 = cache_now();
    cr_assert_eq(s0.live + s0.spare, 0);
    struct esp_sa *a = cache_sa(&t, 1, false), *b = cache_sa(&t, 2, false);
    expect_cache("a, b created", s0, 2, 0, 2, 0);
    cache_send(a);
    cache_send(b);
    cache_send(a); /* b is now the least recently used */
    expect_cache("a, b sent", s0, 2, 0, 2, 0);
    struct esp_sa *c = cache_sa(&t, 3, false);
    expect_cache("c created", s0, 3, 1, 2, 0);
    cache_send(a);
    cache_send(c);
    expect_cache("a, c sent", s0, 3, 1, 2, 0);
    cache_send(b); /* takes a's */
    expect_cache("b sent", s0, 4, 2, 2, 0);
    cache_send(c);
    expect_cache("c sent", s0, 4, 2, 2, 0);
    cache_send(a); /* takes b's */
    cache_send(c);
    expect_cache("a, c sent again", s0, 5, 3, 2, 0);
    expect_counts("a", a, 4, 4 * 64, 4);
    expect_counts("b", b, 2, 2 * 64, 2);
    expect_counts("c", c, 3, 3 * 64, 3);
    esp_sa_destroy(&a);
    esp_sa_destroy(&b);
    esp_sa_destroy(&c);
    expect_cache("destroyed", s0, 5, 3, 0, 2);
}

/* A destroyed SA's slot goes back to the free list, and the next SA takes
 * it without evicting anyone. */
Test(cache, destroy_returns_the_slot)
{
    struct esp_transform t = xf(ESP_CIPHER_AES_CBC, 256, ESP_INTEG_SHA256_128, 16);
    cr_assert_eq(esp_cache_set_cap(4), 0);
    struct esp_cache_stats s0 = cache_now();
    cr_assert_eq(s0.live + s0.spare, 0);
    struct esp_sa *sa[6];
    for (unsigned i = 0; i < 4; i++)
        sa[i] = cache_sa(&t, i, i % 2);
    expect_cache("4 created", s0, 4, 0, 4, 0);
    esp_sa_destroy(&sa[1]);
    esp_sa_destroy(&sa[2]);
    expect_cache("2 destroyed", s0, 4, 0, 2, 2);
    sa[4] = cache_sa(&t, 4, false);
    expect_cache("1 created", s0, 5, 0, 3, 1);
    sa[5] = cache_sa(&t, 5, false);
    expect_cache("2 created", s0, 6, 0, 4, 0);
    sa[1] = cache_sa(&t, 1, true); /* a fifth: the cap */
    expect_cache("a fifth created", s0, 7, 1, 4, 0);
    cache_send(sa[4]);
    cache_send(sa[5]);
    expect_cache("sent", s0, 7, 1, 4, 0);
    for (unsigned i = 0; i < 6; i++)
        esp_sa_destroy(&sa[i]);
    expect_cache("all destroyed", s0, 7, 1, 0, 4);
}

/* A smaller cap frees the least recently used slots; 0 is refused. */
Test(cache, a_smaller_cap_frees_the_least_recently_used)
{
    struct esp_transform t = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_XCBC_96, 12);
    cr_assert_eq(esp_cache_set_cap(4), 0);
    struct esp_cache_stats s0 = cache_now();
    struct esp_sa *sa[4];
    for (unsigned i = 0; i < 4; i++)
        sa[i] = cache_sa(&t, i, false);
    cache_send(sa[0]); /* order: 0, 3, 2, 1 */
    cr_expect_eq(esp_cache_set_cap(2), 0);
    expect_cache("cap 2", s0, 4, 0, 2, 0);
    cache_send(sa[0]);
    cache_send(sa[3]);
    expect_cache("0 and 3 kept theirs", s0, 4, 0, 2, 0);
    cache_send(sa[1]);
    expect_cache("1 lost its", s0, 5, 1, 2, 0);
    cr_expect_eq(esp_cache_set_cap(0), -1);
    cr_expect_eq(cache_now().cap, 2);
    for (unsigned i = 0; i < 4; i++)
        esp_sa_destroy(&sa[i]);
}

/* esp_cache_free leaves live SAs working: they re-key on their next packet. */
Test(cache, sas_outlive_a_freed_cache)
{
    struct esp_transform t = xf(ESP_CIPHER_AES_CBC, 128, ESP_INTEG_SHA1_96, 12);
    struct esp_sa *o = cache_sa(&t, 7, false), *i = cache_sa(&t, 7, true);
    for (int round = 0; round < 2; round++) {
        uint8_t pl[160];
        size_t len = cache_payload(pl, 7, (unsigned)round);
        struct cpkt p;
        assert_result("encap", esp_encap(o, pl, len, 4, p.b, sizeof p.b, &p.n), ESP_OK);
        expect_result("decap", decap_expect("decap", i, p.b, p.n, pl, len, 4), ESP_OK);
        esp_cache_free();
        struct esp_cache_stats st = cache_now();
        cr_expect_eq(st.live + st.spare, 0, "slots after esp_cache_free: %zu", st.live + st.spare);
    }
    esp_sa_destroy(&o);
    esp_sa_destroy(&i);
}

/* One slot for both directions of a tunnel: every packet re-keys it, CBC
 * IVs on the running chain included, and nothing is lost. */
Test(cache, one_slot_for_both_directions)
{
    struct esp_transform t = xf(ESP_CIPHER_AES_CBC, 192, ESP_INTEG_XCBC_96, 12);
    cr_assert_eq(esp_cache_set_cap(1), 0);
    struct esp_sa *o = cache_sa(&t, 9, false), *i = cache_sa(&t, 9, true);
    struct esp_cache_stats s0 = cache_now();
    uint64_t octets = 0;
    for (unsigned r = 0; r < 50; r++) {
        uint8_t pl[160];
        size_t len = cache_payload(pl, 9, r);
        struct cpkt p;
        assert_result("encap", esp_encap(o, pl, len, 4, p.b, sizeof p.b, &p.n), ESP_OK);
        expect_result("decap", decap_expect("decap", i, p.b, p.n, pl, len, 4), ESP_OK);
        octets += len;
    }
    expect_cache("50 each way", s0, 100, 100, 1, 0);
    expect_counts("out", o, 50, octets, 50);
    expect_counts("in", i, 50, octets, 50);
    esp_sa_destroy(&o);
    esp_sa_destroy(&i);
}

/* ---- SR OS names ------------------------------------------------------------------------- */

static void parse_ok(const char *enc, const char *auth, enum esp_cipher c, unsigned bits,
                     enum esp_integ i, unsigned icv, size_t ek, size_t ak)
{
    struct esp_transform t;
    char err[256] = "";
    cr_assert_eq(esp_transform_parse(enc, auth, &t, err, sizeof err), 0, "%s/%s: %s", enc, auth,
                 err);
    cr_expect_eq(t.cipher, c, "%s/%s cipher", enc, auth);
    cr_expect_eq(t.key_bits, bits, "%s/%s bits", enc, auth);
    cr_expect_eq(t.integ, i, "%s/%s integ", enc, auth);
    cr_expect_eq(t.icv_len, icv, "%s/%s icv %u, want %u", enc, auth, t.icv_len, icv);
    cr_expect_eq(esp_enc_key_len(&t), ek, "%s/%s enc key %zu, want %zu", enc, auth,
                 esp_enc_key_len(&t), ek);
    cr_expect_eq(esp_auth_key_len(&t), ak, "%s/%s auth key %zu, want %zu", enc, auth,
                 esp_auth_key_len(&t), ak);
}

static void parse_refused(const char *enc, const char *auth, const char *says)
{
    struct esp_transform t;
    char err[256] = "";
    cr_expect_eq(esp_transform_parse(enc, auth, &t, err, sizeof err), -1, "%s/%s accepted", enc,
                 auth);
    cr_expect_neq(err[0], 0, "%s/%s: a reason", enc, auth);
    if (says)
        cr_expect_not_null(strcasestr(err, says), "%s/%s: \"%s\" does not say \"%s\"", enc, auth,
                           err, says);
}

Test(transform, sr_os_names)
{
    parse_ok("aes128", "sha1", ESP_CIPHER_AES_CBC, 128, ESP_INTEG_SHA1_96, 12, 16, 20);
    parse_ok("aes192", "sha256", ESP_CIPHER_AES_CBC, 192, ESP_INTEG_SHA256_128, 16, 24, 32);
    parse_ok("aes256", "sha384", ESP_CIPHER_AES_CBC, 256, ESP_INTEG_SHA384_192, 24, 32, 48);
    parse_ok("aes256", "sha512", ESP_CIPHER_AES_CBC, 256, ESP_INTEG_SHA512_256, 32, 32, 64);
    parse_ok("aes128", "md5", ESP_CIPHER_AES_CBC, 128, ESP_INTEG_MD5_96, 12, 16, 16);
    parse_ok("aes128", "aes-xcbc", ESP_CIPHER_AES_CBC, 128, ESP_INTEG_XCBC_96, 12, 16, 16);
    parse_ok("aes128", "null", ESP_CIPHER_AES_CBC, 128, ESP_INTEG_NONE, 0, 16, 0);
    parse_ok("aes128-gcm8", "auth-encryption", ESP_CIPHER_AES_GCM, 128, ESP_INTEG_AEAD, 8, 20, 0);
    parse_ok("aes128-gcm16", "auth-encryption", ESP_CIPHER_AES_GCM, 128, ESP_INTEG_AEAD, 16, 20, 0);
    parse_ok("aes192-gcm12", "auth-encryption", ESP_CIPHER_AES_GCM, 192, ESP_INTEG_AEAD, 12, 28, 0);
    parse_ok("aes256-gcm16", "auth-encryption", ESP_CIPHER_AES_GCM, 256, ESP_INTEG_AEAD, 16, 36, 0);
    parse_ok("null-aes128-gmac", "auth-encryption", ESP_CIPHER_NULL_GMAC, 128, ESP_INTEG_AEAD, 16,
             20, 0);
    parse_ok("null-aes192-gmac", "auth-encryption", ESP_CIPHER_NULL_GMAC, 192, ESP_INTEG_AEAD, 16,
             28, 0);
    parse_ok("null-aes256-gmac", "auth-encryption", ESP_CIPHER_NULL_GMAC, 256, ESP_INTEG_AEAD, 16,
             36, 0);
    parse_ok("null", "sha256", ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16, 0, 32);
    parse_ok("null", "sha1", ESP_CIPHER_NULL, 0, ESP_INTEG_SHA1_96, 12, 0, 20);
}

Test(transform, refused_pairs)
{
    parse_refused("des", "sha1", "not supported");
    parse_refused("3des", "sha1", "not supported");
    parse_refused("aes128-gcm8", "sha1", NULL); /* combined mode needs auth-encryption */
    parse_refused("null-aes128-gmac", "sha256", NULL);
    parse_refused("aes128", "auth-encryption", NULL);
    parse_refused("null", "auth-encryption", NULL);
    parse_refused("null", "null", NULL);
    parse_refused("aes512", "sha1", NULL);
    parse_refused("aes128-gcm10", "auth-encryption", NULL);
    parse_refused("null-aes64-gmac", "auth-encryption", NULL);
    parse_refused("aes", "sha1", NULL);
    parse_refused("", "sha1", NULL);
    parse_refused("aes128", "sha3", NULL);
    parse_refused("aes128", "", NULL);
}

/* Names are whole words: trailing or signed text is not an algorithm. */
Test(transform, names_with_extra_characters_are_refused)
{
    parse_refused("aes128-gcm16x", "auth-encryption", NULL);
    parse_refused("aes128-gcm+16", "auth-encryption", NULL);
    parse_refused("aes128-gcm016", "auth-encryption", NULL);
    parse_refused("null-aes128-gmac ", "auth-encryption", NULL);
    parse_refused("aes 128", "sha1", NULL);
    parse_refused("aes128", "sha1 ", NULL);
}

/* Wireshark's esp_sa table spells them as epan/dissectors/packet-ipsec.c does. */
Test(transform, wireshark_names)
{
    struct esp_transform t;
    char err[256];
    cr_assert_eq(esp_transform_parse("aes256", "sha256", &t, err, sizeof err), 0);
    cr_expect_str_eq(esp_wireshark_encryption(&t), "AES-CBC [RFC3602]");
    cr_expect_str_eq(esp_wireshark_auth(&t), "HMAC-SHA-256-128 [RFC4868]");
    cr_assert_eq(esp_transform_parse("aes128", "sha1", &t, err, sizeof err), 0);
    cr_expect_str_eq(esp_wireshark_auth(&t), "HMAC-SHA-1-96 [RFC2404]");
    cr_assert_eq(esp_transform_parse("aes128-gcm12", "auth-encryption", &t, err, sizeof err), 0);
    cr_expect_str_eq(esp_wireshark_encryption(&t), "AES-GCM with 12 octet ICV [RFC4106]");
    cr_expect_str_eq(esp_wireshark_auth(&t), "NULL");
    cr_assert_eq(esp_transform_parse("null", "md5", &t, err, sizeof err), 0);
    cr_expect_str_eq(esp_wireshark_encryption(&t), "NULL");
    cr_expect_str_eq(esp_wireshark_auth(&t), "HMAC-MD5-96 [RFC2403]");
}

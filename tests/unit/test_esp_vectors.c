/* isa/esp.c, the ISA's ESP engine (RFC 4303, tunnel mode): known answers.
 *
 * Every transform is proven against something other than itself: published
 * ESP packets (RFC 3602 4 cases 5-8, draft-mcgrew-gcm-test-01 4) where they
 * exist, and ICVs computed once outside the engine where no ESP packet is
 * published (HMAC, XCBC, AES-192/256-CBC, ESN high bits); see
 * esp_vectors.h for where each byte comes from. Anti-replay, ESN, sequence
 * exhaustion and lifetimes are checked to the counter in test_esp_sequence.c,
 * every error result in test_esp_packets.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_helpers.h"

/* The integrity algorithms with the RFCs' test keys (esp_vectors.h). */
static const struct integ_case {
    const char *name;
    enum esp_integ integ;
    unsigned icv_len;
    size_t key_len;
} integs[] = {
    { "HMAC-MD5-96", ESP_INTEG_MD5_96, 12, 16 },
    { "HMAC-SHA-1-96", ESP_INTEG_SHA1_96, 12, 20 },
    { "HMAC-SHA-256-128", ESP_INTEG_SHA256_128, 16, 32 },
    { "HMAC-SHA-384-192", ESP_INTEG_SHA384_192, 24, 48 },
    { "HMAC-SHA-512-256", ESP_INTEG_SHA512_256, 32, 64 },
    { "AES-XCBC-MAC-96", ESP_INTEG_XCBC_96, 12, 16 },
};

static void integ_key(const struct integ_case *c, uint8_t *k)
{
    for (size_t i = 0; i < c->key_len; i++)
        k[i] = c->integ == ESP_INTEG_XCBC_96 ? (uint8_t)i : 0x0b;
}

/* ---- RFC 3602: AES-CBC ESP packets --------------------------------------------------- */

Test(rfc3602, cases_5_to_8_encrypt_to_the_published_packets)
{
    for (size_t i = 0; i < NVEC(cbc_vecs); i++) {
        const struct cbc_vec *v = &cbc_vecs[i];
        struct bytes pl = hex(v->payload), esp = hex(v->esp);
        struct esp_sa *sa = cbc_sa(v, false, v->seq);
        uint8_t out[MAXPKT];
        size_t n = 0;
        expect_result(v->name,
                      esp_encap_iv(sa, esp.b + 8, pl.b, pl.n, v->next_header, out, sizeof out, &n),
                      ESP_OK);
        expect_bytes(v->name, out, n, esp.b, esp.n);
        cr_expect_leq(n, pl.n + esp_overhead(sa, pl.n), "%s: overhead", v->name);
        expect_counts(v->name, sa, 1, pl.n, v->seq);
        esp_sa_destroy(&sa);
    }
}

/* 7 and 8 are tunnel mode and come back whole; 5 and 6 carry ICMP (next
 * header 1, transport mode), which a tunnel-mode SA decrypts and refuses. */
Test(rfc3602, cases_5_to_8_decrypt)
{
    for (size_t i = 0; i < NVEC(cbc_vecs); i++) {
        const struct cbc_vec *v = &cbc_vecs[i];
        struct bytes pl = hex(v->payload), esp = hex(v->esp);
        struct esp_sa *sa = cbc_sa(v, true, 0);
        enum esp_result r = decap_expect(v->name, sa, esp.b, esp.n, pl.b, pl.n, v->next_header);
        if (v->next_header == 4) {
            expect_result(v->name, r, ESP_OK);
            expect_counts(v->name, sa, 1, pl.n, v->seq);
            expect_errors(v->name, sa, -1);
        } else {
            expect_result(v->name, r, ESP_NEXT_HEADER);
            expect_counts(v->name, sa, 0, 0, v->seq);
            expect_errors(v->name, sa, ESP_NEXT_HEADER, 1, -1);
        }
        esp_sa_destroy(&sa);
    }
}

/* ---- draft-mcgrew-gcm-test-01: AES-GCM and AES-GMAC ESP packets ---------------------- */

/* An inbound SA that can place the number: ESN numbers above 2^32 need the
 * window to start near them (RFC 4303 A2). */
static uint64_t inbound_start(const struct gcm_vec *v)
{
    return v->esn && v->seq >> 32 ? v->seq : 0;
}

Test(gcm_draft, every_case_encrypts_to_the_published_packet)
{
    int sizes[3] = { 0 };
    for (size_t i = 0; i < NVEC(gcm_vecs); i++) {
        const struct gcm_vec *v = &gcm_vecs[i];
        struct gcm_parts g = gcm_parts(v);
        struct bytes want = gcm_wire(v, &g, 16);
        struct esp_sa *sa = gcm_sa(v, &g, 16, false, v->seq);
        uint8_t out[MAXPKT];
        size_t n = 0;
        expect_result(v->name,
                      esp_encap_iv(sa, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                      ESP_OK);
        expect_bytes(v->name, out, n, want.b, want.n);
        expect_counts(v->name, sa, 1, g.payload.n, v->seq);
        esp_sa_destroy(&sa);
        sizes[g.bits / 64 - 2]++;
    }
    cr_expect(sizes[0] && sizes[1] && sizes[2], "AES-128, -192 and -256 all covered");
}

/* RFC 4106 6: the 8- and 12-octet ICVs are the leading octets of the tag. */
Test(gcm_draft, truncated_icv_8_and_12_is_the_tags_prefix)
{
    for (unsigned icv = 8; icv <= 12; icv += 4) {
        for (size_t i = 0; i < NVEC(gcm_vecs); i++) {
            const struct gcm_vec *v = &gcm_vecs[i];
            if (v->gmac)
                continue; /* RFC 4543 3.4: GMAC's ICV is always 16 */
            char what[96];
            snprintf(what, sizeof what, "%s, ICV %u", v->name, icv);
            struct gcm_parts g = gcm_parts(v);
            struct bytes want = gcm_wire(v, &g, icv);
            struct esp_sa *sa = gcm_sa(v, &g, icv, false, v->seq);
            uint8_t out[MAXPKT];
            size_t n = 0;
            expect_result(
                what, esp_encap_iv(sa, g.iv.b, g.payload.b, g.payload.n, g.nh, out, sizeof out, &n),
                ESP_OK);
            expect_bytes(what, out, n, want.b, want.n);
            esp_sa_destroy(&sa);

            /* and it verifies inbound (next header 1: refused after verifying) */
            sa = gcm_sa(v, &g, icv, true, inbound_start(v));
            expect_result(what, decap_expect(what, sa, want.b, want.n, NULL, 0, 0),
                          ESP_NEXT_HEADER);
            esp_sa_destroy(&sa);
        }
    }
}

/* Inbound, the published packets verify and decrypt: the draft's next header
 * is 1, which a tunnel-mode SA refuses only after the tag and the padding
 * checked out (the window then holds the number). Any flipped bit in the
 * header, IV, ciphertext or tag fails the tag instead. */
Test(gcm_draft, every_case_verifies_inbound_and_a_flipped_bit_does_not)
{
    for (size_t i = 0; i < NVEC(gcm_vecs); i++) {
        const struct gcm_vec *v = &gcm_vecs[i];
        struct gcm_parts g = gcm_parts(v);
        struct bytes w = gcm_wire(v, &g, 16);
        struct esp_sa *sa = gcm_sa(v, &g, 16, true, inbound_start(v));
        expect_result(v->name, decap_expect(v->name, sa, w.b, w.n, NULL, 0, 0), ESP_NEXT_HEADER);
        expect_counts(v->name, sa, 0, 0, v->seq);
        expect_errors(v->name, sa, ESP_NEXT_HEADER, 1, -1);
        esp_sa_destroy(&sa);

        size_t spots[] = { 0, 8, 15, 16, w.n - 17, w.n - 1 }; /* SPI, IV, body, tag */
        for (size_t s = 0; s < NVEC(spots); s++) {
            char what[96];
            snprintf(what, sizeof what, "%s, byte %zu flipped", v->name, spots[s]);
            struct bytes bad = w;
            bad.b[spots[s]] ^= 0x20;
            sa = gcm_sa(v, &g, 16, true, inbound_start(v));
            expect_result(what, decap_expect(what, sa, bad.b, bad.n, NULL, 0, 0), ESP_ICV);
            expect_counts(what, sa, 0, 0, inbound_start(v) ? inbound_start(v) - 1 : 0);
            expect_errors(what, sa, ESP_ICV, 1, -1);
            esp_sa_destroy(&sa);
        }
    }
}

/* Tunnel-mode versions (next header 4) of a case per key size, an ESN case
 * with high bits, and the GMAC case: encrypt to the bytes computed outside
 * the engine, and decrypt back to the inner packet, ICV 16, 12 and 8. */
Test(gcm_draft, tunnel_mode_variants_round_trip_exactly)
{
    for (size_t j = 0; j < NVEC(gcm_nh4s); j++) {
        const struct gcm_vec *v = NULL;
        for (size_t i = 0; i < NVEC(gcm_vecs); i++)
            if (strcmp(gcm_vecs[i].name, gcm_nh4s[j].name) == 0)
                v = &gcm_vecs[i];
        cr_assert_not_null(v, "%s", gcm_nh4s[j].name);
        struct gcm_parts g = gcm_parts(v);
        g.nh = 4;
        g.ct.b[g.ct.n - 1] ^= 0x05; /* the next header octet, 1 -> 4, in clear or CTR */
        g.tag = hex(gcm_nh4s[j].tag);
        for (unsigned icv = 16; icv >= 8; icv -= 4) {
            if (v->gmac && icv != 16)
                break;
            char what[96];
            snprintf(what, sizeof what, "%s next header 4, ICV %u", v->name, icv);
            struct bytes want = gcm_wire(v, &g, icv);
            struct esp_sa *o = gcm_sa(v, &g, icv, false, v->seq);
            uint8_t out[MAXPKT];
            size_t n = 0;
            expect_result(what,
                          esp_encap_iv(o, g.iv.b, g.payload.b, g.payload.n, 4, out, sizeof out, &n),
                          ESP_OK);
            expect_bytes(what, out, n, want.b, want.n);
            esp_sa_destroy(&o);

            struct esp_sa *in = gcm_sa(v, &g, icv, true, inbound_start(v));
            expect_result(what, decap_expect(what, in, want.b, want.n, g.payload.b, g.payload.n, 4),
                          ESP_OK);
            expect_counts(what, in, 1, g.payload.n, v->seq);
            expect_errors(what, in, -1);
            esp_sa_destroy(&in);
        }
    }
}

/* RFC 4543: GMAC sends the payload in clear and authenticates it. */
Test(gcm_draft, gmac_sends_the_payload_in_clear_and_covers_it)
{
    const struct gcm_vec *v = NULL;
    for (size_t i = 0; i < NVEC(gcm_vecs); i++)
        if (gcm_vecs[i].gmac)
            v = &gcm_vecs[i];
    cr_assert_not_null(v);
    struct gcm_parts g = gcm_parts(v);
    struct bytes w = gcm_wire(v, &g, 16);
    expect_bytes("clear payload", w.b + 16, g.plain.n, g.plain.b, g.plain.n);
    struct bytes bad = w;
    bad.b[16 + 9] ^= 1; /* the inner packet's protocol */
    struct esp_sa *in = gcm_sa(v, &g, 16, true, 0);
    expect_result("payload changed", decap_expect("gmac", in, bad.b, bad.n, NULL, 0, 0), ESP_ICV);
    esp_sa_destroy(&in);
}

/* The IV esp_encap picks for GCM is the sequence number (RFC 4106 3.1), and
 * a CBC IV is fresh every packet (RFC 3602 3: random, unpredictable). */
Test(gcm_draft, encap_picks_the_counter_as_gcm_iv_and_random_cbc_ivs)
{
    const struct gcm_vec *v = &gcm_vecs[1]; /* page 7, AES-128 */
    struct gcm_parts g = gcm_parts(v);
    struct bytes in = inner7();
    for (int esn = 0; esn <= 1; esn++) {
        uint64_t first = esn ? 0x100000005ull : 5;
        struct esp_sa_params p = {
            .spi = 0x1234,
            .tf = xf(ESP_CIPHER_AES_GCM, 128, ESP_INTEG_AEAD, 16),
            .enc_key = g.key.b,
            .enc_key_len = g.key.n,
            .esn = esn,
            .first_seq = first,
        };
        struct esp_sa *o = sa_open(&p);
        p.inbound = true;
        p.first_seq = esn ? first : 0;
        p.replay_window = 64;
        struct esp_sa *i = sa_open(&p);
        for (uint64_t s = first; s < first + 3; s++) {
            uint8_t out[MAXPKT];
            size_t n = 0;
            assert_result("encap", esp_encap(o, in.b, in.n, 4, out, sizeof out, &n), ESP_OK);
            cr_expect_eq(get32(out + 4), (uint32_t)s);
            cr_expect_eq(get32(out + 8), (uint32_t)(s >> 32), "IV high half");
            cr_expect_eq(get32(out + 12), (uint32_t)s, "IV low half");
            expect_result("decap", decap_expect("gcm iv", i, out, n, in.b, in.n, 4), ESP_OK);
        }
        esp_sa_destroy(&o);
        esp_sa_destroy(&i);
    }

    struct esp_sa *c = cbc_sa(&cbc_vecs[2], false, 0), *d = cbc_sa(&cbc_vecs[2], true, 0);
    uint8_t a[MAXPKT], b[MAXPKT];
    size_t na = 0, nb = 0;
    assert_result("cbc", esp_encap(c, in.b, in.n, 4, a, sizeof a, &na), ESP_OK);
    assert_result("cbc", esp_encap(c, in.b, in.n, 4, b, sizeof b, &nb), ESP_OK);
    cr_expect_eq(na, 8 + 16 + 96);
    cr_expect_neq(memcmp(a + 8, b + 8, 16), 0, "two packets, one IV");
    expect_result("cbc 1", decap_expect("cbc 1", d, a, na, in.b, in.n, 4), ESP_OK);
    expect_result("cbc 2", decap_expect("cbc 2", d, b, nb, in.b, in.n, 4), ESP_OK);
    esp_sa_destroy(&c);
    esp_sa_destroy(&d);
}

/* ---- integrity algorithms: ICVs computed outside the engine ---------------------------- */

Test(integrity, null_encryption_icv_for_every_algorithm)
{
    struct bytes body = hex(null_esp_body), in = inner7();
    for (size_t i = 0; i < NVEC(integs); i++) {
        const struct integ_case *c = &integs[i];
        uint8_t k[64];
        integ_key(c, k);
        struct esp_sa_params p = {
            .spi = 0xabcd,
            .tf = xf(ESP_CIPHER_NULL, 0, c->integ, c->icv_len),
            .auth_key = k,
            .auth_key_len = c->key_len,
            .replay_window = 32,
        };
        struct bytes want = body, icv = hex(icv_null[i]);
        cr_assert_eq(icv.n, c->icv_len);
        append(&want, icv.b, icv.n);

        struct esp_sa *o = sa_open(&p);
        uint8_t out[MAXPKT];
        size_t n = 0;
        expect_result(c->name, esp_encap(o, in.b, in.n, 4, out, sizeof out, &n), ESP_OK);
        expect_bytes(c->name, out, n, want.b, want.n);
        cr_expect_leq(n, in.n + esp_overhead(o, in.n), "%s: overhead", c->name);
        esp_sa_destroy(&o);

        p.inbound = true;
        struct esp_sa *d = sa_open(&p);
        want.b[want.n - 1] ^= 0x80;
        expect_result(c->name, decap_expect(c->name, d, want.b, want.n, NULL, 0, 0), ESP_ICV);
        want.b[want.n - 1] ^= 0x80;
        want.b[20] ^= 0x01;
        expect_result(c->name, decap_expect(c->name, d, want.b, want.n, NULL, 0, 0), ESP_ICV);
        want.b[20] ^= 0x01;
        expect_result(c->name, decap_expect(c->name, d, want.b, want.n, in.b, in.n, 4), ESP_OK);
        expect_counts(c->name, d, 1, in.n, 1);
        expect_errors(c->name, d, ESP_ICV, 2, -1);
        esp_sa_destroy(&d);
    }
}

Test(integrity, rfc3602_case_7_with_every_algorithm)
{
    const struct cbc_vec *v = &cbc_vecs[2];
    struct bytes esp = hex(v->esp), in = inner7(), ek = hex(v->key);
    for (size_t i = 0; i < NVEC(integs); i++) {
        const struct integ_case *c = &integs[i];
        uint8_t k[64];
        integ_key(c, k);
        struct esp_sa_params p = {
            .spi = v->spi,
            .tf = xf(ESP_CIPHER_AES_CBC, 128, c->integ, c->icv_len),
            .enc_key = ek.b,
            .enc_key_len = ek.n,
            .auth_key = k,
            .auth_key_len = c->key_len,
            .first_seq = v->seq,
        };
        struct bytes want = esp, icv = hex(icv_case7[i]);
        append(&want, icv.b, icv.n);
        struct esp_sa *o = sa_open(&p);
        uint8_t out[MAXPKT];
        size_t n = 0;
        expect_result(c->name, esp_encap_iv(o, esp.b + 8, in.b, in.n, 4, out, sizeof out, &n),
                      ESP_OK);
        expect_bytes(c->name, out, n, want.b, want.n);
        esp_sa_destroy(&o);

        p.inbound = true;
        p.first_seq = 0;
        p.replay_window = 64;
        struct esp_sa *d = sa_open(&p);
        struct bytes bad = want;
        bad.b[40] ^= 0x04; /* ciphertext: caught by the ICV, never decrypted */
        expect_result(c->name, decap_expect(c->name, d, bad.b, bad.n, NULL, 0, 0), ESP_ICV);
        expect_result(c->name, decap_expect(c->name, d, want.b, want.n, in.b, in.n, 4), ESP_OK);
        expect_counts(c->name, d, 1, in.n, v->seq);
        expect_errors(c->name, d, ESP_ICV, 1, -1);
        esp_sa_destroy(&d);
    }
}

Test(integrity, aes192_cbc_sha384_and_aes256_cbc_sha512)
{
    struct {
        const char *name, *esp, *icv;
        unsigned bits;
        const struct integ_case *integ;
    } cases[] = {
        { "aes192 + sha384", cbc192_esp, cbc192_sha384_icv, 192, &integs[3] },
        { "aes256 + sha512", cbc256_esp, cbc256_sha512_icv, 256, &integs[4] },
    };
    struct bytes in = inner7();
    for (size_t i = 0; i < NVEC(cases); i++) {
        uint8_t ek[32], ak[64];
        for (int j = 0; j < 32; j++)
            ek[j] = (uint8_t)j;
        integ_key(cases[i].integ, ak);
        struct esp_sa_params p = {
            .spi = 0x8765,
            .tf = xf(ESP_CIPHER_AES_CBC, cases[i].bits, cases[i].integ->integ,
                     cases[i].integ->icv_len),
            .enc_key = ek,
            .enc_key_len = cases[i].bits / 8,
            .auth_key = ak,
            .auth_key_len = cases[i].integ->key_len,
            .first_seq = 2,
        };
        struct bytes want = hex(cases[i].esp), icv = hex(cases[i].icv);
        struct bytes iv = { .n = 0 };
        append(&iv, want.b + 8, 16);
        append(&want, icv.b, icv.n);
        struct esp_sa *o = sa_open(&p);
        uint8_t out[MAXPKT];
        size_t n = 0;
        expect_result(cases[i].name, esp_encap_iv(o, iv.b, in.b, in.n, 4, out, sizeof out, &n),
                      ESP_OK);
        expect_bytes(cases[i].name, out, n, want.b, want.n);
        esp_sa_destroy(&o);
        p.inbound = true;
        struct esp_sa *d = sa_open(&p);
        expect_result(cases[i].name, decap_expect(cases[i].name, d, want.b, want.n, in.b, in.n, 4),
                      ESP_OK);
        esp_sa_destroy(&d);
    }
}

/* RFC 4303 2.2.1: with ESN the high half is appended for the ICV only. */
Test(integrity, esn_high_half_is_covered_but_not_sent)
{
    const struct cbc_vec *v = &cbc_vecs[2];
    struct bytes esp = hex(v->esp), in = inner7(), ek = hex(v->key);
    uint8_t ak[32];
    memset(ak, 0x0b, sizeof ak);
    struct esp_sa_params p = {
        .spi = v->spi,
        .tf = xf(ESP_CIPHER_AES_CBC, 128, ESP_INTEG_SHA256_128, 16),
        .enc_key = ek.b,
        .enc_key_len = ek.n,
        .auth_key = ak,
        .auth_key_len = 32,
        .esn = true,
        .first_seq = 0x100000002ull,
    };
    struct bytes want = esp, icv = hex(case7_esn_sha256_icv);
    append(&want, icv.b, icv.n);
    struct esp_sa *o = sa_open(&p);
    uint8_t out[MAXPKT];
    size_t n = 0;
    expect_result("esn", esp_encap_iv(o, esp.b + 8, in.b, in.n, 4, out, sizeof out, &n), ESP_OK);
    expect_bytes("esn", out, n, want.b, want.n);
    expect_counts("esn", o, 1, in.n, 0x100000002ull);
    esp_sa_destroy(&o);

    p.inbound = true;
    p.replay_window = 64;
    struct esp_sa *d = sa_open(&p);
    expect_result("esn in", decap_expect("esn in", d, want.b, want.n, in.b, in.n, 4), ESP_OK);
    expect_counts("esn in", d, 1, in.n, 0x100000002ull);
    esp_sa_destroy(&d);

    /* a receiver without ESN computes the ICV without the high half */
    p.esn = false;
    p.first_seq = 0;
    d = sa_open(&p);
    expect_result("no esn", decap_expect("no esn", d, want.b, want.n, NULL, 0, 0), ESP_ICV);
    esp_sa_destroy(&d);
}

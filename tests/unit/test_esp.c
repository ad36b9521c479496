/* isa/esp.c, the ISA's ESP engine (RFC 4303, tunnel mode), and
 * lib/esp_transform.c, the SR OS algorithm names.
 *
 * Every transform is proven against something other than itself: published
 * ESP packets (RFC 3602 4 cases 5-8, draft-mcgrew-gcm-test-01 4) where they
 * exist, and ICVs computed once outside the engine where no ESP packet is
 * published (HMAC, XCBC, AES-192/256-CBC, ESN high bits); see
 * esp_vectors.h for where each byte comes from. Anti-replay, ESN, sequence
 * exhaustion, lifetimes and every error result are then checked to the
 * counter. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_vectors.h"
#include "isa/esp.h"

#define MAXPKT  2048
#define BYTES_MAX MAXPKT
#include "bytes.h"
#define NVEC(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ----------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define expect_result(what, got, want)                                                             \
    do {                                                                                           \
        enum esp_result got_ = (got), want_ = (want);                                              \
        cr_expect_eq(got_, want_, "%s: %s, want %s", (what), esp_result_name(got_),                \
                     esp_result_name(want_));                                                      \
    } while (0)

#define assert_result(what, got, want)                                                             \
    do {                                                                                           \
        enum esp_result got_ = (got), want_ = (want);                                              \
        cr_assert_eq(got_, want_, "%s: %s, want %s", (what), esp_result_name(got_),                \
                     esp_result_name(want_));                                                      \
    } while (0)

static struct esp_sa *sa_open(const struct esp_sa_params *p)
{
    char err[256] = "";
    struct esp_sa *sa = esp_sa_new(p, err, sizeof err);
    cr_assert_not_null(sa, "esp_sa_new: %s", err);
    return sa;
}

static struct esp_transform xf(enum esp_cipher c, unsigned bits, enum esp_integ i, unsigned icv)
{
    return (struct esp_transform){ .cipher = c, .key_bits = bits, .integ = i, .icv_len = icv };
}

/* Every error counter at once: all zero but the ones named (result, count
 * pairs ending with -1). */
static void expect_errors(const char *what, const struct esp_sa *sa, ...)
{
    uint64_t want[ESP_RESULT_MAX] = { 0 };
    va_list ap;
    va_start(ap, sa);
    for (int r; (r = va_arg(ap, int)) >= 0;)
        want[r] = va_arg(ap, unsigned);
    va_end(ap);
    const struct esp_sa_stats *st = esp_sa_stats(sa);
    for (int r = 1; r < ESP_RESULT_MAX; r++)
        cr_expect_eq(st->errors[r], want[r], "%s: errors[%s] %lu, want %lu", what,
                     esp_result_name((enum esp_result)r), (unsigned long)st->errors[r],
                     (unsigned long)want[r]);
}

static void expect_counts(const char *what, const struct esp_sa *sa, uint64_t packets,
                          uint64_t octets, uint64_t seq)
{
    const struct esp_sa_stats *st = esp_sa_stats(sa);
    cr_expect_eq(st->packets, packets, "%s: packets %lu, want %lu", what,
                 (unsigned long)st->packets, (unsigned long)packets);
    cr_expect_eq(st->octets, octets, "%s: octets %lu, want %lu", what, (unsigned long)st->octets,
                 (unsigned long)octets);
    cr_expect_eq(st->seq, seq, "%s: seq %#lx, want %#lx", what, (unsigned long)st->seq,
                 (unsigned long)seq);
}

/* Decap into a fresh buffer; on ESP_OK the payload must be want/nh. */
static enum esp_result decap_expect(const char *what, struct esp_sa *sa, const uint8_t *esp,
                                    size_t len, const uint8_t *want, size_t want_len,
                                    uint8_t want_nh)
{
    uint8_t out[MAXPKT];
    size_t n = 0;
    uint8_t nh = 0;
    enum esp_result r = esp_decap(sa, esp, len, out, sizeof out, &n, &nh);
    if (r == ESP_OK && want) {
        cr_expect_eq(nh, want_nh, "%s: next header %u, want %u", what, nh, want_nh);
        expect_bytes(what, out, n, want, want_len);
    }
    return r;
}

/* The inner packet of RFC 3602 case 7: an IPv4 ICMP echo request, 84 bytes. */
static struct bytes inner7(void)
{
    return hex(cbc_vecs[2].payload);
}

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

/* NULL encryption + HMAC-SHA-256-128, key 0x0b x32, SPI 0xabcd: the pair the
 * behaviour tests run on (its packets are fully visible). */
static struct esp_sa *null_sha256(bool inbound, unsigned window, bool esn, uint64_t first_seq)
{
    uint8_t k[32];
    memset(k, 0x0b, sizeof k);
    struct esp_sa_params p = {
        .spi = 0xabcd,
        .inbound = inbound,
        .tf = xf(ESP_CIPHER_NULL, 0, ESP_INTEG_SHA256_128, 16),
        .auth_key = k,
        .auth_key_len = sizeof k,
        .esn = esn,
        .replay_window = window,
        .first_seq = first_seq,
    };
    return sa_open(&p);
}

struct pkt {
    size_t n;
    uint8_t b[160];
};

/* The ESP packet numbered seq (case 7's inner packet, NULL + SHA-256). */
static struct pkt pkt_numbered(uint64_t seq, bool esn)
{
    struct esp_sa *o = null_sha256(false, 0, esn, seq);
    struct bytes in = inner7();
    struct pkt p = { 0 };
    assert_result("encap", esp_encap(o, in.b, in.n, 4, p.b, sizeof p.b, &p.n), ESP_OK);
    esp_sa_destroy(&o);
    return p;
}

static enum esp_result deliver(struct esp_sa *in, const struct pkt *p)
{
    struct bytes want = inner7();
    return decap_expect("deliver", in, p->b, p->n, want.b, want.n, 4);
}

/* ---- RFC 3602: AES-CBC ESP packets --------------------------------------------------- */

static struct esp_sa *cbc_sa(const struct cbc_vec *v, bool inbound, uint64_t first_seq)
{
    struct bytes k = hex(v->key);
    struct esp_sa_params p = {
        .spi = v->spi,
        .inbound = inbound,
        .tf = xf(ESP_CIPHER_AES_CBC, 128, ESP_INTEG_NONE, 0),
        .enc_key = k.b,
        .enc_key_len = k.n,
        .first_seq = first_seq,
    };
    return sa_open(&p);
}

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

struct gcm_parts {
    struct bytes key, iv, plain, ct, tag, payload;
    uint8_t nh;
    unsigned bits;
};

static struct gcm_parts gcm_parts(const struct gcm_vec *v)
{
    struct gcm_parts g = { .key = hex(v->key),
                           .iv = hex(v->iv),
                           .plain = hex(v->plain),
                           .ct = hex(v->ct),
                           .tag = hex(v->tag) };
    cr_assert_geq(g.plain.n, 2);
    uint8_t padlen = g.plain.b[g.plain.n - 2];
    g.nh = g.plain.b[g.plain.n - 1];
    cr_assert_leq(padlen + 2u, g.plain.n);
    append(&g.payload, g.plain.b, g.plain.n - 2 - padlen);
    g.bits = (unsigned)(g.key.n - 4) * 8;
    return g;
}

static struct esp_sa *gcm_sa(const struct gcm_vec *v, const struct gcm_parts *g, unsigned icv,
                             bool inbound, uint64_t first_seq)
{
    struct esp_sa_params p = {
        .spi = v->spi,
        .inbound = inbound,
        .tf = xf(v->gmac ? ESP_CIPHER_NULL_GMAC : ESP_CIPHER_AES_GCM, g->bits, ESP_INTEG_AEAD, icv),
        .enc_key = g->key.b,
        .enc_key_len = g->key.n,
        .esn = v->esn,
        .replay_window = 64,
        .first_seq = first_seq,
    };
    return sa_open(&p);
}

/* SPI, low half of the number, IV, ciphertext, the tag's first icv bytes. */
static struct bytes gcm_wire(const struct gcm_vec *v, const struct gcm_parts *g, unsigned icv)
{
    struct bytes w = { .n = 8 };
    put32(w.b, v->spi);
    put32(w.b + 4, (uint32_t)v->seq);
    append(&w, g->iv.b, g->iv.n);
    append(&w, g->ct.b, g->ct.n);
    append(&w, g->tag.b, icv);
    return w;
}

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

/* Helpers the ESP unit tests share (tests/unit/test_esp_*.c): SAs opened
 * from the published vectors (esp_vectors.h), numbered packets, and results
 * and counters checked to the value. */
#ifndef SRLAB_TEST_ESP_HELPERS_H
#define SRLAB_TEST_ESP_HELPERS_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_vectors.h"
#include "isa/esp.h"

#define MAXPKT  2048
#define BYTES_MAX MAXPKT
#include "bytes.h"
#define NVEC(a) (sizeof(a) / sizeof((a)[0]))

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static inline uint32_t get32(const uint8_t *p)
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

static inline struct esp_sa *sa_open(const struct esp_sa_params *p)
{
    char err[256] = "";
    struct esp_sa *sa = esp_sa_new(p, err, sizeof err);
    cr_assert_not_null(sa, "esp_sa_new: %s", err);
    return sa;
}

static inline struct esp_transform xf(enum esp_cipher c, unsigned bits, enum esp_integ i,
                                      unsigned icv)
{
    return (struct esp_transform){ .cipher = c, .key_bits = bits, .integ = i, .icv_len = icv };
}

/* Every error counter at once: all zero but the ones named (result, count
 * pairs ending with -1). */
static inline void expect_errors(const char *what, const struct esp_sa *sa, ...)
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

static inline void expect_counts(const char *what, const struct esp_sa *sa, uint64_t packets,
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
static inline enum esp_result decap_expect(const char *what, struct esp_sa *sa,
                                           const uint8_t *esp, size_t len, const uint8_t *want,
                                           size_t want_len, uint8_t want_nh)
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
static inline struct bytes inner7(void)
{
    return hex(cbc_vecs[2].payload);
}

/* NULL encryption + HMAC-SHA-256-128, key 0x0b x32, SPI 0xabcd: the pair the
 * behaviour tests run on (its packets are fully visible). */
static inline struct esp_sa *null_sha256(bool inbound, unsigned window, bool esn,
                                         uint64_t first_seq)
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
static inline struct pkt pkt_numbered(uint64_t seq, bool esn)
{
    struct esp_sa *o = null_sha256(false, 0, esn, seq);
    struct bytes in = inner7();
    struct pkt p = { 0 };
    assert_result("encap", esp_encap(o, in.b, in.n, 4, p.b, sizeof p.b, &p.n), ESP_OK);
    esp_sa_destroy(&o);
    return p;
}

static inline enum esp_result deliver(struct esp_sa *in, const struct pkt *p)
{
    struct bytes want = inner7();
    return decap_expect("deliver", in, p->b, p->n, want.b, want.n, 4);
}

/* ---- SAs and packets of the published vectors ---------------------------------------- */

static inline struct esp_sa *cbc_sa(const struct cbc_vec *v, bool inbound, uint64_t first_seq)
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

struct gcm_parts {
    struct bytes key, iv, plain, ct, tag, payload;
    uint8_t nh;
    unsigned bits;
};

static inline struct gcm_parts gcm_parts(const struct gcm_vec *v)
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

static inline struct esp_sa *gcm_sa(const struct gcm_vec *v, const struct gcm_parts *g,
                                    unsigned icv, bool inbound, uint64_t first_seq)
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
static inline struct bytes gcm_wire(const struct gcm_vec *v, const struct gcm_parts *g,
                                    unsigned icv)
{
    struct bytes w = { .n = 8 };
    put32(w.b, v->spi);
    put32(w.b + 4, (uint32_t)v->seq);
    append(&w, g->iv.b, g->iv.n);
    append(&w, g->ct.b, g->ct.n);
    append(&w, g->tag.b, icv);
    return w;
}

#endif

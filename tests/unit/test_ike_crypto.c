/* isa/ike_crypto.c: IKEv2 Diffie-Hellman, PRFs, key derivation, SK/SKF
 * protection and PSK AUTH.
 *
 * Every answer comes from outside srlab (ike_crypto_vectors.h): published
 * vectors for the PRFs and the ECP and Curve25519 groups, Python for MODP and
 * hand-built SK/SKF messages, and ten IKEv2 exchanges between two strongSwan
 * charons. From those, every key charon derived must come out of our
 * derivation bit for bit, every captured SK/SKF packet must open and re-seal
 * to the identical bytes, and both AUTH payloads must be what our PSK
 * computation gives. The rest checks the refusals: bad public values, forged
 * or truncated messages, padding that does not fit. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ike_crypto_vectors.h"
#include "isa/ike_crypto.h"

#define MAXB    8192
#define BYTES_MAX MAXB
#include "bytes.h"
#define NVEC(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ----------------------------------------------------------------------- */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* got against a vector's hex; a NULL vector means "nothing". */
static bool expect_hex(const char *what, const uint8_t *got, size_t glen, const char *want)
{
    struct bytes w = hex(want);
    return expect_bytes(what, got, glen, w.b, w.n);
}

#define expect_sk(what, got, want)                                                                 \
    do {                                                                                           \
        enum ike_sk_result got_ = (got), want_ = (want);                                           \
        cr_expect_eq(got_, want_, "%s: %s, want %s", (what), ike_sk_result_name(got_),             \
                     ike_sk_result_name(want_));                                                   \
    } while (0)

#define assert_sk(what, got, want)                                                                 \
    do {                                                                                           \
        enum ike_sk_result got_ = (got), want_ = (want);                                           \
        cr_assert_eq(got_, want_, "%s: %s, want %s", (what), ike_sk_result_name(got_),             \
                     ike_sk_result_name(want_));                                                   \
    } while (0)

#define expect_dh(what, got, want)                                                                 \
    do {                                                                                           \
        enum ike_dh_result got_ = (got), want_ = (want);                                           \
        cr_expect_eq(got_, want_, "%s: %s, want %s", (what), ike_dh_result_name(got_),             \
                     ike_dh_result_name(want_));                                                   \
    } while (0)

/* ---- PRFs -------------------------------------------------------------------------- */

Test(ike_crypto, prf_published_vectors)
{
    for (size_t i = 0; i < NVEC(prf_vecs); i++) {
        const struct prf_vec *v = &prf_vecs[i];
        struct bytes key = hex(v->key), data = hex(v->data);
        uint8_t out[IKE_PRF_MAX];
        cr_assert_eq(ike_prf(v->prf, key.b, key.n, data.b, data.n, out), 0, "%s", v->name);
        expect_hex(v->name, out, ike_prf_len(v->prf), v->out);
    }
}

Test(ike_crypto, prf_lengths)
{
    static const struct { uint16_t prf; size_t len; } lens[] = {
        { IKE_PRF_HMAC_MD5, 16 },      { IKE_PRF_HMAC_SHA1, 20 },     { IKE_PRF_AES128_XCBC, 16 },
        { IKE_PRF_HMAC_SHA2_256, 32 }, { IKE_PRF_HMAC_SHA2_384, 48 }, { IKE_PRF_HMAC_SHA2_512, 64 },
    };
    for (size_t i = 0; i < NVEC(lens); i++) {
        cr_expect_eq(ike_prf_len(lens[i].prf), lens[i].len, "%s", ike_prf_name(lens[i].prf));
        cr_expect_eq(ike_prf_key_len(lens[i].prf), lens[i].len, "%s", ike_prf_name(lens[i].prf));
    }
    uint8_t out[IKE_PRF_MAX];
    cr_expect_eq(ike_prf_len(3), 0, "PRF_HMAC_TIGER is not offered");
    cr_expect_eq(ike_prf(8, (const uint8_t *)"k", 1, (const uint8_t *)"d", 1, out), -1,
                 "AES128_CMAC is not offered");
}

/* prf+ against Python's hmac (T1 | T2 | T3 | the start of T4), and its
 * RFC 7296 2.13 limit: the counter is one octet, 255 blocks at most. */
Test(ike_crypto, prf_plus)
{
    static uint8_t out[255 * 32 + 1];
    const uint8_t *key = (const uint8_t *)prfplus_key, *seed = (const uint8_t *)prfplus_seed;
    cr_assert_eq(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, strlen(prfplus_key), seed,
                              strlen(prfplus_seed), out, 100), 0);
    expect_hex("prf+ 100 bytes", out, 100, prfplus_sha256_100);
    cr_expect_eq(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, 18, seed, 30, out, 255 * 32), 0,
                 "255 blocks");
    cr_expect_eq(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, 18, seed, 30, out, 255 * 32 + 1), -1,
                 "256 blocks");
    /* T2 begins with T1: the blocks chain, a shorter request is a prefix */
    uint8_t t1[32];
    cr_assert_eq(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, 18, seed, 30, t1, 32), 0);
    expect_bytes("prefix", t1, 32, out, 32);
}

/* ---- Diffie-Hellman ---------------------------------------------------------------- */

static struct ike_dh *dh_private(uint16_t group, const char *priv)
{
    struct bytes x = hex(priv);
    struct ike_dh *dh = ike_dh_new_with_private(group, x.b, x.n);
    cr_assert_not_null(dh, "%s: key from a private value", ike_dh_name(group));
    return dh;
}

static void expect_public(const char *what, const struct ike_dh *dh, const char *want)
{
    uint8_t pub[IKE_DH_PUBLIC_MAX];
    int n = ike_dh_public(dh, pub, sizeof pub);
    cr_assert_gt(n, 0, "%s: public value", what);
    cr_expect_eq((size_t)n, ike_dh_public_len(ike_dh_group(dh)), "%s", what);
    expect_hex(what, pub, (size_t)n, want);
}

static void expect_shared(const char *what, struct ike_dh *dh, const char *peer, const char *want)
{
    struct bytes p = hex(peer);
    uint8_t s[IKE_DH_PUBLIC_MAX];
    size_t n = 0;
    expect_dh(what, ike_dh_shared(dh, p.b, p.n, s, sizeof s, &n), IKE_DH_OK);
    cr_expect_eq(n, ike_dh_shared_len(ike_dh_group(dh)), "%s", what);
    expect_hex(what, s, n, want);
}

/* RFC 5903 8: KE data gix | giy, g^ir the x coordinate alone. */
Test(ike_crypto, ecp_rfc5903)
{
    for (size_t i = 0; i < NVEC(ecp_vecs); i++) {
        const struct ecp_vec *v = &ecp_vecs[i];
        char gi[400], gr[400], what[64];
        snprintf(gi, sizeof gi, "%s%s", v->gix, v->giy);
        snprintf(gr, sizeof gr, "%s%s", v->grx, v->gry);
        struct ike_dh *a = dh_private(v->group, v->i), *b = dh_private(v->group, v->r);
        snprintf(what, sizeof what, "%s g^i", ike_dh_name(v->group));
        expect_public(what, a, gi);
        snprintf(what, sizeof what, "%s g^r", ike_dh_name(v->group));
        expect_public(what, b, gr);
        snprintf(what, sizeof what, "%s initiator's g^ir", ike_dh_name(v->group));
        expect_shared(what, a, gr, v->girx);
        snprintf(what, sizeof what, "%s responder's g^ir", ike_dh_name(v->group));
        expect_shared(what, b, gi, v->girx);
        ike_dh_destroy(&a);
        ike_dh_destroy(&b);
        cr_expect_null(a);
    }
}

Test(ike_crypto, curve25519_rfc7748)
{
    struct ike_dh *a = dh_private(IKE_DH_CURVE25519, x25519_a_priv);
    struct ike_dh *b = dh_private(IKE_DH_CURVE25519, x25519_b_priv);
    expect_public("Alice's public key", a, x25519_a_pub);
    expect_public("Bob's public key", b, x25519_b_pub);
    expect_shared("Alice's K", a, x25519_b_pub, x25519_shared);
    expect_shared("Bob's K", b, x25519_a_pub, x25519_shared);
    ike_dh_destroy(&a);
    ike_dh_destroy(&b);
}

/* Python's pow() against ours, in every MODP group; group 14's vector has
 * leading zero octets in g^x_i and g^ir, which must stay (RFC 7296 2.14). */
Test(ike_crypto, modp_python)
{
    for (size_t i = 0; i < NVEC(modp_kats); i++) {
        const struct modp_kat *v = &modp_kats[i];
        char what[64];
        struct ike_dh *a = dh_private(v->group, v->xi), *b = dh_private(v->group, v->xr);
        cr_expect_eq(ike_dh_public_len(v->group), hex(v->p).n, "%s length", ike_dh_name(v->group));
        snprintf(what, sizeof what, "%s g^x_i", ike_dh_name(v->group));
        expect_public(what, a, v->pub_i);
        snprintf(what, sizeof what, "%s g^x_r", ike_dh_name(v->group));
        expect_public(what, b, v->pub_r);
        snprintf(what, sizeof what, "%s g^ir", ike_dh_name(v->group));
        expect_shared(what, a, v->pub_r, v->shared);
        expect_shared(what, b, v->pub_i, v->shared);
        ike_dh_destroy(&a);
        ike_dh_destroy(&b);
    }
    cr_expect_eq(hex(modp_kats[3].pub_i).b[0], 0, "the group 14 vector keeps a zero octet");
    cr_expect_eq(hex(modp_kats[3].shared).b[0], 0);
}

/* Two fresh key pairs in every group agree, at the lengths the RFCs give. */
Test(ike_crypto, dh_fresh_pairs)
{
    static const struct { uint16_t group; size_t pub, shared; } groups[] = {
        { IKE_DH_MODP_768, 96, 96 },   { IKE_DH_MODP_1024, 128, 128 },
        { IKE_DH_MODP_1536, 192, 192 }, { IKE_DH_MODP_2048, 256, 256 },
        { IKE_DH_MODP_3072, 384, 384 }, { IKE_DH_MODP_4096, 512, 512 },
        { IKE_DH_ECP_256, 64, 32 },     { IKE_DH_ECP_384, 96, 48 },
        { IKE_DH_ECP_521, 132, 66 },    { IKE_DH_CURVE25519, 32, 32 },
    };
    for (size_t i = 0; i < NVEC(groups); i++) {
        uint16_t g = groups[i].group;
        const char *name = ike_dh_name(g);
        cr_expect(ike_dh_supported(g), "%s", name);
        cr_expect_eq(ike_dh_public_len(g), groups[i].pub, "%s", name);
        cr_expect_eq(ike_dh_shared_len(g), groups[i].shared, "%s", name);
        struct ike_dh *a = ike_dh_new(g), *b = ike_dh_new(g);
        cr_assert(a && b, "%s: key generation", name);
        cr_expect_eq(ike_dh_group(a), g);
        uint8_t pa[IKE_DH_PUBLIC_MAX], pb[IKE_DH_PUBLIC_MAX], sa[IKE_DH_PUBLIC_MAX],
            sb[IKE_DH_PUBLIC_MAX];
        int na = ike_dh_public(a, pa, sizeof pa), nb = ike_dh_public(b, pb, sizeof pb);
        cr_assert_eq((size_t)na, groups[i].pub, "%s", name);
        cr_assert_eq((size_t)nb, groups[i].pub, "%s", name);
        cr_expect_neq(memcmp(pa, pb, (size_t)na), 0, "%s: two key pairs, one public value", name);
        cr_expect_eq(ike_dh_public(a, pa, groups[i].pub - 1), -1, "%s: short buffer", name);
        size_t la = 0, lb = 0;
        expect_dh(name, ike_dh_shared(a, pb, (size_t)nb, sa, sizeof sa, &la), IKE_DH_OK);
        expect_dh(name, ike_dh_shared(b, pa, (size_t)na, sb, sizeof sb, &lb), IKE_DH_OK);
        cr_expect_eq(la, groups[i].shared, "%s", name);
        expect_bytes(name, sa, la, sb, lb);
        ike_dh_destroy(&a);
        ike_dh_destroy(&b);
    }
    static const uint16_t unsupported[] = { 0, 3, 4, 17, 18, 22, 23, 24, 25, 26, 32 };
    for (size_t i = 0; i < NVEC(unsupported); i++) {
        cr_expect_null(ike_dh_new(unsupported[i]), "group %u", unsupported[i]);
        cr_expect_eq(ike_dh_public_len(unsupported[i]), 0);
        cr_expect(!ike_dh_supported(unsupported[i]));
    }
}

/* The big-endian number v + d (d = -2..1) in place; v is long enough. */
static void add_small(struct bytes *v, int d)
{
    for (size_t i = v->n; i-- > 0 && d;) {
        int x = v->b[i] + d;
        v->b[i] = (uint8_t)x;
        d = x < 0 ? -1 : x > 255 ? 1 : 0;
    }
}

/* RFC 6989 2.1: 1 < y < p-1, in every MODP group (two of them built from
 * RFC 2409's primes, four OpenSSL's named groups). p-2 is in range but not a
 * square, so not in the subgroup g = 2 generates: OpenSSL's y^q check. */
Test(ike_crypto, modp_refuses_bad_public_values)
{
    for (size_t i = 0; i < NVEC(modp_kats); i++) {
        const struct modp_kat *v = &modp_kats[i];
        const char *name = ike_dh_name(v->group);
        struct ike_dh *dh = dh_private(v->group, v->xi);
        struct bytes p = hex(v->p), y;
        uint8_t s[IKE_DH_PUBLIC_MAX];
        size_t n;
        struct { const char *what; int delta; bool from_p; uint8_t fill; } bad[] = {
            { "0", 0, false, 0x00 },   { "1", 1, false, 0x00 },  { "p-1", -1, true, 0 },
            { "p", 0, true, 0 },       { "p+1", 1, true, 0 },    { "p-2", -2, true, 0 },
            { "2^n-1", 0, false, 0xff },
        };
        for (size_t j = 0; j < NVEC(bad); j++) {
            if (bad[j].from_p) {
                y = p;
            } else {
                y.n = p.n;
                memset(y.b, bad[j].fill, y.n);
            }
            add_small(&y, bad[j].delta);
            char what[64];
            snprintf(what, sizeof what, "%s y = %s", name, bad[j].what);
            expect_dh(what, ike_dh_shared(dh, y.b, y.n, s, sizeof s, &n), IKE_DH_BAD_VALUE);
        }
        memset(y.b, 0, p.n);
        y.n = p.n;
        y.b[y.n - 1] = 2;      /* 2 = g: in range, in the subgroup */
        expect_dh(name, ike_dh_shared(dh, y.b, y.n, s, sizeof s, &n), IKE_DH_OK);
        expect_dh(name, ike_dh_shared(dh, y.b + 1, y.n - 1, s, sizeof s, &n), IKE_DH_BAD_LENGTH);
        expect_dh(name, ike_dh_shared(dh, y.b, y.n, s, p.n - 1, &n), IKE_DH_NO_SPACE);
        ike_dh_destroy(&dh);
    }
}

/* RFC 6989 2.3: a point off the curve (or the wrong size) never reaches the
 * multiplication. */
Test(ike_crypto, ecp_refuses_points_off_the_curve)
{
    for (size_t i = 0; i < NVEC(ecp_vecs); i++) {
        const struct ecp_vec *v = &ecp_vecs[i];
        const char *name = ike_dh_name(v->group);
        char gr[400];
        snprintf(gr, sizeof gr, "%s%s", v->grx, v->gry);
        struct bytes pt = hex(gr), bad = pt;
        struct ike_dh *dh = dh_private(v->group, v->i);
        uint8_t s[IKE_DH_PUBLIC_MAX];
        size_t n, half = pt.n / 2;
        bad.b[pt.n - 1] ^= 1;  /* y + 1 or y - 1: not on the curve */
        expect_dh(name, ike_dh_shared(dh, bad.b, bad.n, s, sizeof s, &n), IKE_DH_BAD_VALUE);
        memset(bad.b, 0, bad.n); /* (0, 0) */
        expect_dh(name, ike_dh_shared(dh, bad.b, bad.n, s, sizeof s, &n), IKE_DH_BAD_VALUE);
        bad = pt;              /* x >= p */
        memset(bad.b, 0xff, half);
        expect_dh(name, ike_dh_shared(dh, bad.b, bad.n, s, sizeof s, &n), IKE_DH_BAD_VALUE);
        expect_dh(name, ike_dh_shared(dh, pt.b, pt.n - 1, s, sizeof s, &n), IKE_DH_BAD_LENGTH);
        /* the SEC 1 form with its 0x04 is one octet too long for IKE */
        uint8_t sec1[1 + 132] = { 4 };
        memcpy(sec1 + 1, pt.b, pt.n);
        expect_dh(name, ike_dh_shared(dh, sec1, pt.n + 1, s, sizeof s, &n), IKE_DH_BAD_LENGTH);
        expect_dh(name, ike_dh_shared(dh, pt.b, pt.n, s, half - 1, &n), IKE_DH_NO_SPACE);
        expect_dh(name, ike_dh_shared(dh, pt.b, pt.n, s, sizeof s, &n), IKE_DH_OK);
        ike_dh_destroy(&dh);
    }
}

/* RFC 8031: points of small order give the all-zero secret; refused. */
Test(ike_crypto, curve25519_refuses_small_order_points)
{
    struct ike_dh *dh = dh_private(IKE_DH_CURVE25519, x25519_a_priv);
    uint8_t u[32] = { 0 }, s[32];
    size_t n;
    expect_dh("u = 0", ike_dh_shared(dh, u, 32, s, sizeof s, &n), IKE_DH_BAD_VALUE);
    u[0] = 1;
    expect_dh("u = 1", ike_dh_shared(dh, u, 32, s, sizeof s, &n), IKE_DH_BAD_VALUE);
    expect_dh("31 octets", ike_dh_shared(dh, u, 31, s, sizeof s, &n), IKE_DH_BAD_LENGTH);
    ike_dh_destroy(&dh);
}

/* ---- transforms -------------------------------------------------------------------- */

Test(ike_crypto, transform_check)
{
    char err[200];
    struct ike_transforms ok[] = {
        { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256,
          IKE_DH_ECP_256 },
        { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_384, IKE_DH_CURVE25519 },
        { IKE_ENCR_AES_CBC, 192, IKE_INTEG_AES_XCBC_96, IKE_PRF_AES128_XCBC, 0 },
    };
    for (size_t i = 0; i < NVEC(ok); i++)
        cr_expect_eq(ike_transforms_check(&ok[i], err, sizeof err), 0, "%zu: %s", i, err);
    struct { struct ike_transforms t; const char *err; } bad[] = {
        { { IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, 14 },
          "ENCR_AES_GCM_16 carries its own integrity; AUTH_HMAC_SHA1_96 must not be negotiated "
          "with it" },
        { { IKE_ENCR_AES_CBC, 128, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA1, 14 },
          "ENCR_AES_CBC needs a supported integrity algorithm, not 0" },
        { { IKE_ENCR_AES_CBC, 160, IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, 14 },
          "encryption ENCR_AES_CBC with a 160-bit key is not supported" },
        { { 3, 192, IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, 14 },
          "encryption ? with a 192-bit key is not supported" },
        { { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, 8, 14 },
          "pseudorandom function 8 is not supported" },
        { { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, 24 },
          "Diffie-Hellman group 24 is not supported" },
    };
    for (size_t i = 0; i < NVEC(bad); i++) {
        err[0] = 0;
        cr_expect_eq(ike_transforms_check(&bad[i].t, err, sizeof err), -1, "%zu", i);
        cr_expect_str_eq(err, bad[i].err);
    }
    cr_expect_eq(ike_encr_key_len(IKE_ENCR_AES_GCM_8, 128), 20, "GCM keys carry the salt");
    cr_expect_eq(ike_encr_key_len(IKE_ENCR_AES_CBC, 256), 32);
    cr_expect_eq(ike_integ_key_len(IKE_INTEG_HMAC_SHA2_384_192), 48);
    cr_expect_eq(ike_integ_icv_len(IKE_INTEG_HMAC_SHA2_512_256), 32);
    cr_expect_str_eq(ike_dh_name(IKE_DH_ECP_521), "ECP_521");
    cr_expect_str_eq(ike_prf_name(IKE_PRF_AES128_XCBC), "PRF_AES128_XCBC");
}

/* ---- SK and SKF ---------------------------------------------------------------------- */

static struct ike_sk_keys sk_keys(const struct ike_transforms *t, const char *ek, const char *ak)
{
    struct ike_sk_keys k = { .encr = t->encr, .encr_bits = t->encr_bits, .integ = t->integ };
    struct bytes e = hex(ek), a = hex(ak);
    cr_assert_leq(e.n, sizeof k.ek);
    cr_assert_leq(a.n, sizeof k.ak);
    memcpy(k.ek, e.b, e.n);
    memcpy(k.ak, a.b, a.n);
    k.ek_len = e.n;
    k.ak_len = a.n;
    return k;
}

/* Python's messages open to the plaintext, and seal back to every byte. */
Test(ike_crypto, sk_python_messages)
{
    struct bytes want = hex(sk_kat_plain);
    for (size_t i = 0; i < NVEC(sk_kats); i++) {
        const struct sk_kat *v = &sk_kats[i];
        struct ike_sk_keys k = sk_keys(&v->tf, v->ek, v->ak);
        struct bytes msg = hex(v->msg), iv = hex(v->iv), pad = hex(v->pad);
        uint8_t plain[MAXB], again[MAXB];
        size_t n = 0, len = 0, hdr = ike_sk_header_len(v->kind);
        enum ike_sk_result r;
        r = ike_sk_open(&k, v->kind, msg.b, msg.n, v->sk_off, plain, sizeof plain, &n);
        assert_sk(v->name, r, IKE_SK_OK);
        expect_bytes(v->name, plain, n, want.b, want.n);
        memcpy(again, msg.b, v->sk_off + hdr);
        memset(again + 24, 0xee, 4);   /* seal writes both lengths itself */
        memset(again + v->sk_off + 2, 0xee, 2);
        r = ike_sk_seal_iv(&k, v->kind, again, v->sk_off, want.b, want.n, iv.b, pad.b, sizeof again,
                           &len);
        assert_sk(v->name, r, IKE_SK_OK);
        expect_bytes(v->name, again, len, msg.b, msg.n);
        cr_expect_eq(len, v->sk_off + ike_sk_payload_len(&k, v->kind, want.n), "%s", v->name);
    }
}

/* RFC 7296 3.14: the padding may hold anything; only a Pad Length that
 * does not fit in the decrypted body is refused. */
Test(ike_crypto, sk_padding_rules)
{
    for (size_t i = 0; i < NVEC(sk_pad_kats); i++) {
        const struct sk_pad_kat *v = &sk_pad_kats[i];
        struct ike_sk_keys k = sk_keys(&v->tf, v->ek, v->ak);
        struct bytes msg = hex(v->msg);
        uint8_t plain[MAXB];
        size_t n = 99;
        enum ike_sk_result r;
        r = ike_sk_open(&k, IKE_PAYLOAD_SK, msg.b, msg.n, 28, plain, sizeof plain, &n);
        expect_sk(v->name, r, v->want);
        if (v->want == IKE_SK_OK)
            cr_expect_eq(n, v->plain_len, "%s: %zu bytes, want %zu", v->name, n, v->plain_len);
    }
}

static const struct ike_transforms sk_tfs[] = {
    { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_MD5_96, 0, 0 },
    { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, 0, 0 },
    { IKE_ENCR_AES_CBC, 128, IKE_INTEG_AES_XCBC_96, 0, 0 },
    { IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 },
    { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192, 0, 0 },
    { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, 0, 0 },
    { IKE_ENCR_AES_GCM_8, 128, IKE_INTEG_NONE, 0, 0 },
    { IKE_ENCR_AES_GCM_12, 192, IKE_INTEG_NONE, 0, 0 },
    { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 0, 0 },
};

/* Keys of the right lengths for t, filled with a pattern. */
static struct ike_sk_keys pattern_keys(const struct ike_transforms *t, uint8_t seed)
{
    struct ike_sk_keys k = { .encr = t->encr, .encr_bits = t->encr_bits, .integ = t->integ };
    k.ek_len = ike_encr_key_len(t->encr, t->encr_bits);
    k.ak_len = ike_integ_key_len(t->integ);
    for (size_t i = 0; i < sizeof k.ek; i++)
        k.ek[i] = (uint8_t)(seed + 3 * i);
    for (size_t i = 0; i < sizeof k.ak; i++)
        k.ak[i] = (uint8_t)(seed + 7 * i);
    return k;
}

/* An IKE header and the SK/SKF generic header as a caller writes them:
 * lengths left zero for seal to fill. */
static size_t start_msg(uint8_t *m, uint8_t kind, uint16_t frag, uint16_t total)
{
    memset(m, 0, 64);
    memcpy(m, "\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x00", 16);
    m[16] = kind;
    m[17] = 0x20;
    m[18] = 37;                /* INFORMATIONAL */
    m[19] = 0x08;
    m[23] = 7;
    m[28] = frag <= 1 ? 41 : 0; /* Notify first; later fragments carry 0 */
    if (kind == IKE_PAYLOAD_SKF) {
        m[32] = (uint8_t)(frag >> 8), m[33] = (uint8_t)frag;
        m[34] = (uint8_t)(total >> 8), m[35] = (uint8_t)total;
    }
    return IKE_HDR_LEN;
}

/* Seal then open, every transform, SK and SKF, plaintexts of 0 to 48
 * bytes; the lengths in the header and SK header are the final ones. */
Test(ike_crypto, sk_round_trip)
{
    static const uint8_t kinds[] = { IKE_PAYLOAD_SK, IKE_PAYLOAD_SKF };
    for (size_t t = 0; t < NVEC(sk_tfs); t++) {
        struct ike_sk_keys k = pattern_keys(&sk_tfs[t], (uint8_t)t);
        for (size_t j = 0; j < 2; j++) {
            for (size_t len = 0; len <= 48; len++) {
                uint8_t m[512], plain[64], back[512];
                char what[96];
                snprintf(what, sizeof what, "%s/%s %s %zu bytes", ike_encr_name(k.encr),
                         ike_integ_name(k.integ), kinds[j] == IKE_PAYLOAD_SK ? "SK" : "SKF", len);
                for (size_t i = 0; i < len; i++)
                    plain[i] = (uint8_t)(i * 13 + len);
                size_t off = start_msg(m, kinds[j], 2, 3), total = 0, n = 0;
                assert_sk(what, ike_sk_seal(&k, kinds[j], m, off, plain, len, sizeof m, &total),
                          IKE_SK_OK);
                cr_expect_eq(total, off + ike_sk_payload_len(&k, kinds[j], len), "%s", what);
                cr_expect_eq(get32(m + 24), total, "%s: IKE header Length", what);
                cr_expect_eq(get16(m + off + 2), total - off, "%s: Payload Length", what);
                assert_sk(what, ike_sk_open(&k, kinds[j], m, total, off, back, sizeof back, &n),
                          IKE_SK_OK);
                expect_bytes(what, back, n, plain, len);
                cr_expect_eq(ike_sk_max_plain(&k, kinds[j], total - off) >= len, true, "%s", what);
            }
        }
    }
}

/* Every byte from the IKE header through the ICV is covered: flipping any
 * one is caught (the two length fields by the length check). */
Test(ike_crypto, sk_every_byte_is_authenticated)
{
    static const uint8_t kinds[] = { IKE_PAYLOAD_SK, IKE_PAYLOAD_SKF };
    for (size_t t = 0; t < NVEC(sk_tfs); t++) {
        struct ike_sk_keys k = pattern_keys(&sk_tfs[t], (uint8_t)(t + 40));
        for (size_t j = 0; j < 2; j++) {
            uint8_t m[256], back[256], plain[20] = "twenty bytes of text";
            size_t off = start_msg(m, kinds[j], 1, 2), total = 0, n;
            assert_sk("seal",
                      ike_sk_seal(&k, kinds[j], m, off, plain, sizeof plain, sizeof m, &total),
                      IKE_SK_OK);
            for (size_t i = 0; i < total; i++) {
                char what[96];
                snprintf(what, sizeof what, "%s/%s %s byte %zu flipped", ike_encr_name(k.encr),
                         ike_integ_name(k.integ), kinds[j] == IKE_PAYLOAD_SK ? "SK" : "SKF", i);
                bool length = (i >= 24 && i < 28) || i == off + 2 || i == off + 3;
                m[i] ^= 0x10;
                expect_sk(what, ike_sk_open(&k, kinds[j], m, total, off, back, sizeof back, &n),
                          length ? IKE_SK_LENGTH : IKE_SK_ICV);
                m[i] ^= 0x10;
            }
            expect_sk("intact", ike_sk_open(&k, kinds[j], m, total, off, back, sizeof back, &n),
                      IKE_SK_OK);
            /* the other direction's keys (another pattern) do not open it */
            struct ike_sk_keys other = pattern_keys(&sk_tfs[t], (uint8_t)(t + 41));
            expect_sk("other keys",
                      ike_sk_open(&other, kinds[j], m, total, off, back, sizeof back, &n),
                      IKE_SK_ICV);
        }
    }
}

/* ike_sk_open of an SK message at offset 28 into a 256-byte buffer (cap of it). */
static enum ike_sk_result open_sk(const struct ike_sk_keys *k, const uint8_t *m, size_t len,
                                  size_t cap)
{
    static uint8_t back[256];
    size_t n;
    cr_assert_leq(cap, sizeof back);
    return ike_sk_open(k, IKE_PAYLOAD_SK, m, len, IKE_HDR_LEN, back, cap, &n);
}

/* Lengths that disagree with the datagram, bodies too short to hold an IV,
 * a block and an ICV, CBC bodies off the block size, a small buffer. */
Test(ike_crypto, sk_length_errors)
{
    struct ike_sk_keys cbc = pattern_keys(&sk_tfs[3], 1), gcm = pattern_keys(&sk_tfs[6], 2);
    uint8_t m[256], plain[33] = { 0 };
    size_t off = start_msg(m, IKE_PAYLOAD_SK, 0, 0), total = 0;
    assert_sk("seal", ike_sk_seal(&cbc, IKE_PAYLOAD_SK, m, off, plain, 33, sizeof m, &total),
              IKE_SK_OK);
    expect_sk("intact", open_sk(&cbc, m, total, 256), IKE_SK_OK);
    expect_sk("datagram one byte longer", open_sk(&cbc, m, total + 1, 256), IKE_SK_LENGTH);
    expect_sk("datagram one byte shorter", open_sk(&cbc, m, total - 1, 256), IKE_SK_LENGTH);
    /* four more bytes after the SK payload, the IKE header counting them */
    m[27] = (uint8_t)(total + 4);
    expect_sk("SK not the last payload", open_sk(&cbc, m, total + 4, 256), IKE_SK_LENGTH);
    m[27] = (uint8_t)total;
    expect_sk("no room for the body", open_sk(&cbc, m, total, 47), IKE_SK_NO_SPACE);
    expect_sk("shorter than a header", open_sk(&cbc, m, 20, 256), IKE_SK_SHORT);
    /* both lengths agreeing on a body one byte short of a block */
    m[27] = (uint8_t)(total - 1), m[off + 3] = (uint8_t)(total - 1 - off);
    expect_sk("CBC off the block size", open_sk(&cbc, m, total - 1, 256), IKE_SK_ALIGN);
    /* just the IV and the ICV, not one block between them */
    size_t bare = off + 4 + 16 + 16;
    m[27] = (uint8_t)bare, m[off + 2] = 0, m[off + 3] = (uint8_t)(bare - off);
    expect_sk("no ciphertext", open_sk(&cbc, m, bare, 256), IKE_SK_SHORT);
    bare = off + 4 + 8 + 8;
    m[27] = (uint8_t)bare, m[off + 3] = (uint8_t)(bare - off);
    expect_sk("GCM: no Pad Length", open_sk(&gcm, m, bare, 256), IKE_SK_SHORT);
    /* seal: room, the Payload Length's 16 bits, keys of the wrong size */
    off = start_msg(m, IKE_PAYLOAD_SK, 0, 0);
    size_t need = off + ike_sk_payload_len(&cbc, IKE_PAYLOAD_SK, 33);
    expect_sk("cap one short",
              ike_sk_seal(&cbc, IKE_PAYLOAD_SK, m, off, plain, 33, need - 1, &total),
              IKE_SK_NO_SPACE);
    expect_sk("cap exact", ike_sk_seal(&cbc, IKE_PAYLOAD_SK, m, off, plain, 33, need, &total),
              IKE_SK_OK);
    static uint8_t big[70000], huge[70000];
    off = start_msg(big, IKE_PAYLOAD_SK, 0, 0);
    size_t most = ike_sk_max_plain(&gcm, IKE_PAYLOAD_SK, 0xffff);
    expect_sk("65535-byte SK payload",
              ike_sk_seal(&gcm, IKE_PAYLOAD_SK, big, off, huge, most, sizeof big, &total),
              IKE_SK_OK);
    cr_expect_eq(total - off, 0xffff);
    expect_sk("65536-byte SK payload",
              ike_sk_seal(&gcm, IKE_PAYLOAD_SK, big, off, huge, most + 1, sizeof big, &total),
              IKE_SK_TOO_LONG);
    struct ike_sk_keys bad = cbc;
    bad.ak_len--;
    expect_sk("short SK_a", ike_sk_seal(&bad, IKE_PAYLOAD_SK, m, off, plain, 33, sizeof m, &total),
              IKE_SK_KEYS);
    bad = gcm;
    bad.integ = IKE_INTEG_HMAC_SHA1_96;
    expect_sk("GCM with an integrity key", open_sk(&bad, m, 100, 256), IKE_SK_KEYS);
}

/* ike_sk_max_plain is the inverse of ike_sk_payload_len: the most that fits
 * fits, one more byte does not. */
Test(ike_crypto, sk_sizes)
{
    static const uint8_t kinds[] = { IKE_PAYLOAD_SK, IKE_PAYLOAD_SKF };
    for (size_t t = 0; t < NVEC(sk_tfs); t++) {
        struct ike_sk_keys k = pattern_keys(&sk_tfs[t], 0);
        for (size_t j = 0; j < 2; j++) {
            for (size_t room = 0; room < 300; room++) {
                size_t p = ike_sk_max_plain(&k, kinds[j], room);
                if (p)
                    cr_expect_leq(ike_sk_payload_len(&k, kinds[j], p), room);
                cr_expect_gt(ike_sk_payload_len(&k, kinds[j], p + 1), room, "%s room %zu",
                             ike_encr_name(k.encr), room);
            }
        }
        size_t iv = ike_encr_is_aead(k.encr) ? 8 : 16;
        cr_expect_eq(ike_sk_iv_len(&k), iv);
        cr_expect_eq(ike_sk_plain_off(&k, IKE_PAYLOAD_SKF, 28), 28 + 8 + iv);
    }
}

/* The inner payloads built where the plaintext goes, sealed in place. */
Test(ike_crypto, sk_in_place)
{
    for (size_t t = 0; t < NVEC(sk_tfs); t++) {
        struct ike_sk_keys k = pattern_keys(&sk_tfs[t], 9);
        uint8_t m[256], back[256];
        size_t off = start_msg(m, IKE_PAYLOAD_SK, 0, 0), total = 0, n = 0;
        uint8_t *p = m + ike_sk_plain_off(&k, IKE_PAYLOAD_SK, off);
        memcpy(p, "\x00\x00\x00\x0c\x00\x00\x40\x00\xde\xad\xbe\xef", 12);
        assert_sk("seal in place", ike_sk_seal(&k, IKE_PAYLOAD_SK, m, off, p, 12, sizeof m, &total),
                  IKE_SK_OK);
        assert_sk("open", ike_sk_open(&k, IKE_PAYLOAD_SK, m, total, off, back, sizeof back, &n),
                  IKE_SK_OK);
        expect_bytes(ike_encr_name(k.encr), back, n,
                     (const uint8_t *)"\x00\x00\x00\x0c\x00\x00\x40\x00\xde\xad\xbe\xef", 12);
    }
}

/* ---- strongSwan captures ---------------------------------------------------------- */

/* The body of the first payload of type want in the chain that starts at p
 * with type first; NULL if the chain has none. */
static const uint8_t *find_payload(const uint8_t *p, size_t len, uint8_t first, uint8_t want,
                                   size_t *body_len)
{
    for (uint8_t type = first; type != 0;) {
        cr_assert_geq(len, 4, "payload chain cut short");
        size_t plen = get16(p + 2);
        cr_assert(plen >= 4 && plen <= len, "payload length %zu of %zu", plen, len);
        if (type == want) {
            *body_len = plen - 4;
            return p + 4;
        }
        type = p[0];
        p += plen;
        len -= plen;
    }
    return NULL;
}

static const uint8_t *must_find(const char *what, const uint8_t *p, size_t len, uint8_t first,
                                uint8_t want, size_t *body_len)
{
    const uint8_t *b = find_payload(p, len, first, want, body_len);
    cr_assert_not_null(b, "%s: no payload of type %u", what, want);
    return b;
}

/* What one capture settles: the IKE_SA_INIT messages, nonces and SPIs read
 * from them, and the IKE SA keys from charon's logged g^ir. */
struct cap {
    const struct capture *c;
    struct bytes init_req, init_resp, ni, nr;
    uint8_t spi_i[8], spi_r[8];
    struct ike_sa_keys sa;
    struct ike_sk_keys from_i, from_r;
};

static void cap_setup(const struct capture *c, struct cap *s)
{
    size_t n;
    const uint8_t *b;
    s->c = c;
    s->init_req = hex(c->init_req);
    s->init_resp = hex(c->init_resp);
    memcpy(s->spi_i, s->init_resp.b, 8);
    memcpy(s->spi_r, s->init_resp.b + 8, 8);
    b = must_find(c->name, s->init_req.b + 28, s->init_req.n - 28, s->init_req.b[16], 40, &n);
    s->ni.n = 0;
    append(&s->ni, b, n);
    b = must_find(c->name, s->init_resp.b + 28, s->init_resp.n - 28, s->init_resp.b[16], 40, &n);
    s->nr.n = 0;
    append(&s->nr, b, n);
    struct bytes gir = hex(c->gir);
    cr_assert_eq(ike_sa_keys_derive(&s->sa, &c->tf, gir.b, gir.n, s->ni.b, s->ni.n, s->nr.b,
                                    s->nr.n, s->spi_i, s->spi_r), 0, "%s: derive", c->name);
    ike_sk_keys_from_sa(&s->from_i, &s->sa, true);
    ike_sk_keys_from_sa(&s->from_r, &s->sa, false);
}

static void expect_ike_keys(const char *what, const struct ike_sa_keys *k,
                            const struct capture_ike_keys *w)
{
    char n[160];
    const struct { const char *name; const uint8_t *got; size_t len; const char *want; } keys[] = {
        { "SKEYSEED", k->skeyseed, k->seed_len, w->skeyseed },
        { "SK_d", k->sk_d, k->d_len, w->d },
        { "SK_ai", k->sk_ai, k->a_len, w->ai },
        { "SK_ar", k->sk_ar, k->a_len, w->ar },
        { "SK_ei", k->sk_ei, k->e_len, w->ei },
        { "SK_er", k->sk_er, k->e_len, w->er },
        { "SK_pi", k->sk_pi, k->p_len, w->pi },
        { "SK_pr", k->sk_pr, k->p_len, w->pr },
    };
    for (size_t i = 0; i < NVEC(keys); i++) {
        snprintf(n, sizeof n, "%s %s", what, keys[i].name);
        expect_hex(n, keys[i].got, keys[i].len, keys[i].want);
    }
}

static void expect_child_keys(const char *what, const struct ike_child_keys *k,
                              const struct capture_child_keys *w)
{
    char n[160];
    snprintf(n, sizeof n, "%s ESP encryption i->r", what);
    expect_hex(n, k->ei, k->enc_len, w->ei);
    snprintf(n, sizeof n, "%s ESP integrity i->r", what);
    expect_hex(n, k->ai, k->auth_len, w->ai);
    snprintf(n, sizeof n, "%s ESP encryption r->i", what);
    expect_hex(n, k->er, k->enc_len, w->er);
    snprintf(n, sizeof n, "%s ESP integrity r->i", what);
    expect_hex(n, k->ar, k->auth_len, w->ar);
}

/* Open every packet of a captured message (an SK message or its SKF
 * fragments), check each re-seals with its IV and its sender's padding to
 * the captured bytes, and return the inner payload chain and its first
 * payload type. */
static void cap_open(const char *what, const struct capture_msg *m, const struct ike_sk_keys *k,
                     struct bytes *plain, uint8_t *first)
{
    size_t frags = 0;
    while (frags < CAPTURE_FRAGS && m->pkt[frags])
        frags++;
    cr_assert_gt(frags, 0, "%s: not captured", what);
    plain->n = 0;
    for (size_t f = 0; f < frags; f++) {
        struct bytes pkt = hex(m->pkt[f]), pad = hex(m->pad[f]);
        uint8_t kind = pkt.b[16], buf[MAXB], again[MAXB];
        size_t n = 0, len = 0, hdr = ike_sk_header_len(kind);
        char w[160];
        snprintf(w, sizeof w, "%s packet %zu/%zu", what, f + 1, frags);
        cr_assert(kind == IKE_PAYLOAD_SK || kind == IKE_PAYLOAD_SKF, "%s: first payload %u", w,
                  kind);
        if (kind == IKE_PAYLOAD_SKF) {
            cr_expect_eq(get16(pkt.b + 32), f + 1, "%s: Fragment Number", w);
            cr_expect_eq(get16(pkt.b + 34), frags, "%s: Total Fragments", w);
        } else {
            cr_expect_eq(frags, 1, "%s", w);
        }
        if (f == 0)
            *first = pkt.b[28];
        assert_sk(w, ike_sk_open(k, kind, pkt.b, pkt.n, IKE_HDR_LEN, buf, sizeof buf, &n),
                  IKE_SK_OK);
        memcpy(again, pkt.b, IKE_HDR_LEN + hdr);
        memset(again + 24, 0, 4);
        memset(again + IKE_HDR_LEN + 2, 0, 2);
        assert_sk(w, ike_sk_seal_iv(k, kind, again, IKE_HDR_LEN, buf, n, pkt.b + IKE_HDR_LEN + hdr,
                                    pad.b, sizeof again, &len), IKE_SK_OK);
        snprintf(w, sizeof w, "%s packet %zu/%zu re-sealed", what, f + 1, frags);
        expect_bytes(w, again, len, pkt.b, pkt.n);
        append(plain, buf, n);
    }
}

/* Our SKEYSEED and seven keys from charon's g^ir, nonces and SPIs are
 * charon's, bit for bit; the KE payloads have the lengths we expect. */
Test(ike_crypto, strongswan_ike_sa_keys)
{
    for (size_t i = 0; i < NVEC(captures); i++) {
        const struct capture *c = &captures[i];
        struct cap s;
        cap_setup(c, &s);
        expect_ike_keys(c->name, &s.sa, &c->ike);
        cr_expect_eq(hex(c->gir).n, ike_dh_shared_len(c->tf.dh), "%s: g^ir length", c->name);
        const struct bytes *msgs[] = { &s.init_req, &s.init_resp };
        for (size_t j = 0; j < 2; j++) {
            size_t n;
            const uint8_t *ke = must_find(c->name, msgs[j]->b + 28, msgs[j]->n - 28, msgs[j]->b[16],
                                          34, &n);
            cr_expect_eq(get16(ke), c->tf.dh, "%s: KE group", c->name);
            cr_expect_eq(n - 4, ike_dh_public_len(c->tf.dh), "%s: KE data length", c->name);
        }
    }
}

/* Every captured SK/SKF packet -- IKE_AUTH, CREATE_CHILD_SA -- opens with
 * the sender's keys, not the other side's, and re-seals identically. */
Test(ike_crypto, strongswan_sk_payloads)
{
    for (size_t i = 0; i < NVEC(captures); i++) {
        const struct capture *c = &captures[i];
        struct cap s;
        struct bytes plain;
        uint8_t first, buf[MAXB];
        size_t n;
        char what[160];
        cap_setup(c, &s);
        const struct { const char *name; const struct capture_msg *m; bool from_i; } msgs[] = {
            { "IKE_AUTH request", &c->auth_req, true },
            { "IKE_AUTH response", &c->auth_resp, false },
            { "CREATE_CHILD_SA (CHILD SA) request", &c->rekey_child_req, true },
            { "CREATE_CHILD_SA (CHILD SA) response", &c->rekey_child_resp, false },
            { "CREATE_CHILD_SA (IKE SA) request", &c->rekey_ike_req, true },
            { "CREATE_CHILD_SA (IKE SA) response", &c->rekey_ike_resp, false },
        };
        for (size_t j = 0; j < NVEC(msgs); j++) {
            if (!msgs[j].m->pkt[0])
                continue;
            snprintf(what, sizeof what, "%s %s", c->name, msgs[j].name);
            cap_open(what, msgs[j].m, msgs[j].from_i ? &s.from_i : &s.from_r, &plain, &first);
            struct bytes pkt = hex(msgs[j].m->pkt[0]);
            expect_sk(what, ike_sk_open(msgs[j].from_i ? &s.from_r : &s.from_i, pkt.b[16], pkt.b,
                                        pkt.n, IKE_HDR_LEN, buf, sizeof buf, &n), IKE_SK_ICV);
        }
    }
}

/* RFC 7296 2.15: both AUTH payloads charon sent are our
 * prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | Nonce | prf(SK_p, ID')). */
Test(ike_crypto, strongswan_auth_psk)
{
    const uint8_t *psk = (const uint8_t *)CAPTURE_PSK;
    size_t psk_len = strlen(CAPTURE_PSK);
    for (size_t i = 0; i < NVEC(captures); i++) {
        const struct capture *c = &captures[i];
        struct cap s;
        cap_setup(c, &s);
        const struct {
            const char *name;
            const struct capture_msg *m;
            const struct ike_sk_keys *k;
            uint8_t id_type;
            const struct bytes *real, *nonce;
            const uint8_t *sk_p;
        } sides[] = {
            { "initiator", &c->auth_req, &s.from_i, 35, &s.init_req, &s.nr, s.sa.sk_pi },
            { "responder", &c->auth_resp, &s.from_r, 36, &s.init_resp, &s.ni, s.sa.sk_pr },
        };
        for (size_t j = 0; j < 2; j++) {
            char what[160];
            struct bytes plain;
            uint8_t first, mine[IKE_PRF_MAX];
            size_t id_len, auth_len, plen = ike_prf_len(c->tf.prf);
            snprintf(what, sizeof what, "%s %s AUTH", c->name, sides[j].name);
            cap_open(what, sides[j].m, sides[j].k, &plain, &first);
            const uint8_t *id = must_find(what, plain.b, plain.n, first, sides[j].id_type, &id_len);
            const uint8_t *auth = must_find(what, plain.b, plain.n, first, 39, &auth_len);
            cr_assert_eq(auth[0], 2, "%s: method %u, want Shared Key MIC", what, auth[0]);
            cr_assert_eq(ike_auth_psk(c->tf.prf, psk, psk_len, sides[j].real->b, sides[j].real->n,
                                      sides[j].nonce->b, sides[j].nonce->n, sides[j].sk_p,
                                      s.sa.p_len, id, id_len, mine), 0, "%s", what);
            expect_bytes(what, mine, plen, auth + 4, auth_len - 4);
            cr_expect_eq(ike_auth_psk_verify(c->tf.prf, psk, psk_len, sides[j].real->b,
                                             sides[j].real->n, sides[j].nonce->b, sides[j].nonce->n,
                                             sides[j].sk_p, s.sa.p_len, id, id_len, auth + 4,
                                             auth_len - 4), 0, "%s: verify", what);
            /* the wrong key, secret or length is refused */
            const uint8_t *other = j ? s.sa.sk_pi : s.sa.sk_pr;
            cr_expect_eq(ike_auth_psk_verify(c->tf.prf, psk, psk_len, sides[j].real->b,
                                             sides[j].real->n, sides[j].nonce->b, sides[j].nonce->n,
                                             other, s.sa.p_len, id, id_len, auth + 4, auth_len - 4),
                         -1, "%s: the other side's SK_p", what);
            cr_expect_eq(ike_auth_psk_verify(c->tf.prf, psk, psk_len - 1, sides[j].real->b,
                                             sides[j].real->n, sides[j].nonce->b, sides[j].nonce->n,
                                             sides[j].sk_p, s.sa.p_len, id, id_len, auth + 4,
                                             auth_len - 4), -1, "%s: another PSK", what);
            cr_expect_eq(ike_auth_psk_verify(c->tf.prf, psk, psk_len, sides[j].real->b,
                                             sides[j].real->n, sides[j].nonce->b, sides[j].nonce->n,
                                             sides[j].sk_p, s.sa.p_len, id, id_len, auth + 4,
                                             auth_len - 5), -1, "%s: truncated", what);
            /* the signed octets are RealMessage | Nonce | prf(SK_p, ID') */
            static uint8_t oct[MAXB];
            size_t olen = 0;
            uint8_t maced[IKE_PRF_MAX];
            cr_assert_eq(ike_auth_octets(c->tf.prf, sides[j].real->b, sides[j].real->n,
                                         sides[j].nonce->b, sides[j].nonce->n, sides[j].sk_p,
                                         s.sa.p_len, id, id_len, oct, sizeof oct, &olen), 0);
            cr_assert_eq(ike_prf(c->tf.prf, sides[j].sk_p, s.sa.p_len, id, id_len, maced), 0);
            cr_expect_eq(olen, sides[j].real->n + sides[j].nonce->n + plen);
            expect_bytes("octets: message", oct, sides[j].real->n, sides[j].real->b,
                         sides[j].real->n);
            expect_bytes("octets: nonce", oct + sides[j].real->n, sides[j].nonce->n,
                         sides[j].nonce->b, sides[j].nonce->n);
            expect_bytes("octets: MACedID", oct + olen - plen, plen, maced, plen);
        }
    }
}

static struct esp_transform esp_of(const struct capture *c)
{
    struct esp_transform t;
    char err[200];
    cr_assert_eq(esp_transform_parse(c->esp_enc, c->esp_auth, &t, err, sizeof err), 0, "%s: %s",
                 c->name, err);
    return t;
}

/* RFC 7296 2.17: the first CHILD SA's ESP keys from SK_d and the
 * IKE_SA_INIT nonces are the ones charon installed. */
Test(ike_crypto, strongswan_child_keys)
{
    for (size_t i = 0; i < NVEC(captures); i++) {
        const struct capture *c = &captures[i];
        struct cap s;
        struct ike_child_keys k;
        cap_setup(c, &s);
        struct esp_transform esp = esp_of(c);
        int rc = ike_child_keys_derive(&k, &s.sa, &esp, NULL, 0, s.ni.b, s.ni.n, s.nr.b, s.nr.n);
        cr_assert_eq(rc, 0, "%s", c->name);
        cr_expect_eq(k.enc_len, esp_enc_key_len(&esp));
        cr_expect_eq(k.auth_len, esp_auth_key_len(&esp));
        expect_child_keys(c->name, &k, &c->child);
    }
}

/* The nonce, KE data and (IKE SA proposals) SPI of a CREATE_CHILD_SA message. */
struct ccsa {
    struct bytes nonce, ke;
    uint16_t group;
    uint8_t spi[8];
    size_t spi_len;
};

static void ccsa_read(const char *what, const struct capture_msg *m, const struct ike_sk_keys *k,
                      struct ccsa *out)
{
    struct bytes plain;
    uint8_t first;
    size_t n;
    cap_open(what, m, k, &plain, &first);
    const uint8_t *b = must_find(what, plain.b, plain.n, first, 40, &n);
    out->nonce.n = 0;
    append(&out->nonce, b, n);
    b = must_find(what, plain.b, plain.n, first, 34, &n);
    out->group = get16(b);
    out->ke.n = 0;
    append(&out->ke, b + 4, n - 4);
    b = must_find(what, plain.b, plain.n, first, 33, &n); /* SA: the first proposal */
    cr_assert_geq(n, 8);
    out->spi_len = b[6];
    cr_assert_leq(out->spi_len, 8);
    cr_assert_geq(n, 8 + out->spi_len);
    memcpy(out->spi, b + 8, out->spi_len);
}

/* A CHILD SA rekeyed with PFS (KEYMAT = prf+(SK_d, g^ir | Ni | Nr)) and the
 * IKE SA rekeyed (RFC 7296 2.18) give charon's keys; the new IKE SA's SPIs
 * come from the SA payloads, not the header. */
Test(ike_crypto, strongswan_rekey)
{
    size_t rekeyed = 0;
    for (size_t i = 0; i < NVEC(captures); i++) {
        const struct capture *c = &captures[i];
        if (!c->rekey_child_req.pkt[0])
            continue;
        rekeyed++;
        struct cap s;
        struct ccsa req, resp;
        char what[160];
        cap_setup(c, &s);
        snprintf(what, sizeof what, "%s CHILD SA rekey", c->name);
        ccsa_read(what, &c->rekey_child_req, &s.from_i, &req);
        ccsa_read(what, &c->rekey_child_resp, &s.from_r, &resp);
        cr_expect_eq(req.spi_len, 4, "%s: ESP SPI", what);
        cr_expect_eq(req.group, resp.group);
        cr_expect_eq(req.ke.n, ike_dh_public_len(req.group), "%s: KE length", what);
        struct bytes gir = hex(c->child2_gir);
        cr_expect_eq(gir.n, ike_dh_shared_len(req.group), "%s: g^ir length", what);
        struct esp_transform esp = esp_of(c);
        struct ike_child_keys k;
        cr_assert_eq(ike_child_keys_derive(&k, &s.sa, &esp, gir.b, gir.n, req.nonce.b, req.nonce.n,
                                           resp.nonce.b, resp.nonce.n), 0, "%s", what);
        expect_child_keys(what, &k, &c->child2);

        snprintf(what, sizeof what, "%s IKE SA rekey", c->name);
        ccsa_read(what, &c->rekey_ike_req, &s.from_i, &req);
        ccsa_read(what, &c->rekey_ike_resp, &s.from_r, &resp);
        cr_assert_eq(req.spi_len, 8, "%s: IKE SPI", what);
        cr_assert_eq(resp.spi_len, 8, "%s: IKE SPI", what);
        cr_expect_eq(req.group, c->tf.dh);
        gir = hex(c->ike2_gir);
        struct ike_sa_keys k2;
        cr_assert_eq(ike_sa_keys_rekey(&k2, &c->tf, &s.sa, gir.b, gir.n, req.nonce.b, req.nonce.n,
                                       resp.nonce.b, resp.nonce.n, req.spi, resp.spi), 0, "%s",
                     what);
        expect_ike_keys(what, &k2, &c->ike2);
    }
    cr_expect_eq(rekeyed, 3, "captures that rekey");
}

/* ---- derivation arguments ------------------------------------------------------------ */

/* RFC 7296 3.9 nonces of 16-256 bytes, a g^ir, supported transforms; the
 * keys are wiped on refusal. */
Test(ike_crypto, derivation_refusals)
{
    static const uint8_t n16[16] = { 1 }, n15[15] = { 1 }, gir[32] = { 2 }, spi[8] = { 3 };
    static uint8_t n257[257];
    struct ike_transforms t = captures[0].tf, bad = t;
    struct ike_sa_keys k, old;
    cr_assert_eq(ike_sa_keys_derive(&old, &t, gir, 32, n16, 16, n16, 16, spi, spi), 0);
    cr_expect_eq(ike_sa_keys_derive(&k, &t, gir, 32, n15, 15, n16, 16, spi, spi), -1,
                 "Ni 15 bytes");
    cr_expect_eq(ike_sa_keys_derive(&k, &t, gir, 32, n16, 16, n257, 257, spi, spi), -1,
                 "Nr 257 bytes");
    cr_expect_eq(ike_sa_keys_derive(&k, &t, NULL, 0, n16, 16, n16, 16, spi, spi), -1, "no g^ir");
    cr_expect_eq(k.d_len, 0, "cleared");
    bad.integ = IKE_INTEG_NONE;
    cr_expect_eq(ike_sa_keys_derive(&k, &bad, gir, 32, n16, 16, n16, 16, spi, spi), -1,
                 "CBC without integrity");
    cr_expect_eq(ike_sa_keys_rekey(&k, &t, &old, NULL, 0, n16, 16, n16, 16, spi, spi), -1,
                 "RFC 7296 2.18: a rekey needs a fresh DH");
    struct esp_transform esp = esp_of(&captures[0]);
    struct ike_child_keys ck;
    cr_expect_eq(ike_child_keys_derive(&ck, &old, &esp, NULL, 0, n15, 15, n16, 16), -1);
    cr_expect_eq(ike_child_keys_derive(&ck, &old, &esp, gir, 0, n16, 16, n16, 16), -1,
                 "an empty g^ir");
    cr_expect_eq(ike_child_keys_derive(&ck, &old, &esp, NULL, 0, n16, 16, n16, 16), 0);
    /* without PFS and with it the KEYMAT differs */
    struct ike_child_keys pfs;
    cr_assert_eq(ike_child_keys_derive(&pfs, &old, &esp, gir, 32, n16, 16, n16, 16), 0);
    cr_expect_neq(memcmp(ck.ei, pfs.ei, ck.enc_len), 0);
}

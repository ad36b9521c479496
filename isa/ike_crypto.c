/* IKEv2 cryptography over OpenSSL 3 (RFC 7296 2.13-2.18 and 3.14, RFC 4434,
 * RFC 5282, RFC 5903, RFC 7383 2.5, RFC 8031): Diffie-Hellman, the PRFs and
 * prf+, IKE and CHILD SA keys, SK/SKF protection, PSK AUTH. Only struct
 * ike_dh holds state; everything else is a function of its arguments. */
#include <assert.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto.h"
#include "pkt.h"

#define NONCE_MIN 16           /* RFC 7296 3.9 */
#define NONCE_MAX 256

struct iov {
    const uint8_t *p;
    size_t n;
};

/* ---- transform tables ---------------------------------------------------------------- */

struct prf_def {
    uint16_t id;
    const char *name, *digest; /* digest NULL: AES-XCBC */
    size_t len;
};

static const struct prf_def prf_defs[] = {
    { IKE_PRF_HMAC_MD5, "PRF_HMAC_MD5", "MD5", 16 },
    { IKE_PRF_HMAC_SHA1, "PRF_HMAC_SHA1", "SHA1", 20 },
    { IKE_PRF_AES128_XCBC, "PRF_AES128_XCBC", NULL, 16 },
    { IKE_PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256", "SHA256", 32 },
    { IKE_PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384", "SHA384", 48 },
    { IKE_PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512", "SHA512", 64 },
};

struct integ_def {
    uint16_t id;
    const char *name, *digest; /* digest NULL: AES-XCBC */
    size_t key_len, icv_len;
};

static const struct integ_def integ_defs[] = {
    { IKE_INTEG_HMAC_MD5_96, "AUTH_HMAC_MD5_96", "MD5", 16, 12 },
    { IKE_INTEG_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96", "SHA1", 20, 12 },
    { IKE_INTEG_AES_XCBC_96, "AUTH_AES_XCBC_96", NULL, 16, 12 },
    { IKE_INTEG_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128", "SHA256", 32, 16 },
    { IKE_INTEG_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192", "SHA384", 48, 24 },
    { IKE_INTEG_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256", "SHA512", 64, 32 },
};

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };
static const char *const dh_types[] = { [DH_MODP] = "DH", [DH_ECP] = "EC", [DH_X25519] = "X25519" };

struct dh_def {
    uint16_t id;
    const char *name;
    enum dh_kind kind;
    const char *ossl;          /* OpenSSL's group or curve name; NULL: RFC 2409 prime */
    size_t pub_len, shared_len;
    BIGNUM *(*prime)(BIGNUM *); /* MODP: the published prime */
};

static const struct dh_def dh_defs[] = {
    { IKE_DH_MODP_768, "MODP_768", DH_MODP, NULL, 96, 96, BN_get_rfc2409_prime_768 },
    { IKE_DH_MODP_1024, "MODP_1024", DH_MODP, NULL, 128, 128, BN_get_rfc2409_prime_1024 },
    { IKE_DH_MODP_1536, "MODP_1536", DH_MODP, "modp_1536", 192, 192, BN_get_rfc3526_prime_1536 },
    { IKE_DH_MODP_2048, "MODP_2048", DH_MODP, "modp_2048", 256, 256, BN_get_rfc3526_prime_2048 },
    { IKE_DH_MODP_3072, "MODP_3072", DH_MODP, "modp_3072", 384, 384, BN_get_rfc3526_prime_3072 },
    { IKE_DH_MODP_4096, "MODP_4096", DH_MODP, "modp_4096", 512, 512, BN_get_rfc3526_prime_4096 },
    { IKE_DH_ECP_256, "ECP_256", DH_ECP, "P-256", 64, 32, NULL },
    { IKE_DH_ECP_384, "ECP_384", DH_ECP, "P-384", 96, 48, NULL },
    { IKE_DH_ECP_521, "ECP_521", DH_ECP, "P-521", 132, 66, NULL },
    { IKE_DH_CURVE25519, "CURVE_25519", DH_X25519, "X25519", 32, 32, NULL },
};

#define NDEFS(a) (sizeof(a) / sizeof((a)[0]))

static const struct prf_def *prf_def(uint16_t id)
{
    for (size_t i = 0; i < NDEFS(prf_defs); i++)
        if (prf_defs[i].id == id)
            return &prf_defs[i];
    return NULL;
}

static const struct integ_def *integ_def(uint16_t id)
{
    for (size_t i = 0; i < NDEFS(integ_defs); i++)
        if (integ_defs[i].id == id)
            return &integ_defs[i];
    return NULL;
}

static const struct dh_def *dh_def(uint16_t id)
{
    for (size_t i = 0; i < NDEFS(dh_defs); i++)
        if (dh_defs[i].id == id)
            return &dh_defs[i];
    return NULL;
}

const char *ike_encr_name(uint16_t encr)
{
    switch (encr) {
    case IKE_ENCR_AES_CBC:
        return "ENCR_AES_CBC";
    case IKE_ENCR_AES_GCM_8:
        return "ENCR_AES_GCM_8";
    case IKE_ENCR_AES_GCM_12:
        return "ENCR_AES_GCM_12";
    case IKE_ENCR_AES_GCM_16:
        return "ENCR_AES_GCM_16";
    default:
        return "?";
    }
}

const char *ike_prf_name(uint16_t prf)
{
    const struct prf_def *d = prf_def(prf);
    return d ? d->name : "?";
}

const char *ike_integ_name(uint16_t integ)
{
    const struct integ_def *d = integ_def(integ);
    return integ == IKE_INTEG_NONE ? "NONE" : d ? d->name : "?";
}

const char *ike_dh_name(uint16_t group)
{
    const struct dh_def *d = dh_def(group);
    return group == 0 ? "NONE" : d ? d->name : "?";
}

bool ike_encr_is_aead(uint16_t encr)
{
    return encr == IKE_ENCR_AES_GCM_8 || encr == IKE_ENCR_AES_GCM_12 || encr == IKE_ENCR_AES_GCM_16;
}

size_t ike_encr_key_len(uint16_t encr, unsigned bits)
{
    if (bits != 128 && bits != 192 && bits != 256)
        return 0;
    if (encr == IKE_ENCR_AES_CBC)
        return bits / 8;
    return ike_encr_is_aead(encr) ? bits / 8 + 4 : 0;
}

size_t ike_integ_key_len(uint16_t integ)
{
    const struct integ_def *d = integ_def(integ);
    return d ? d->key_len : 0;
}

size_t ike_integ_icv_len(uint16_t integ)
{
    const struct integ_def *d = integ_def(integ);
    return d ? d->icv_len : 0;
}

int ike_transforms_check(const struct ike_transforms *t, char *err, size_t errlen)
{
    if (!prf_def(t->prf)) {
        snprintf(err, errlen, "pseudorandom function %u is not supported", t->prf);
        return -1;
    }
    if (!ike_encr_key_len(t->encr, t->encr_bits)) {
        snprintf(err, errlen, "encryption %s with a %u-bit key is not supported",
                 ike_encr_name(t->encr), t->encr_bits);
        return -1;
    }
    if (ike_encr_is_aead(t->encr) && t->integ != IKE_INTEG_NONE) {
        snprintf(err, errlen, "%s carries its own integrity; %s must not be negotiated with it",
                 ike_encr_name(t->encr), ike_integ_name(t->integ));
        return -1;
    }
    if (!ike_encr_is_aead(t->encr) && !integ_def(t->integ)) {
        snprintf(err, errlen, "%s needs a supported integrity algorithm, not %u",
                 ike_encr_name(t->encr), t->integ);
        return -1;
    }
    if (t->dh && !dh_def(t->dh)) {
        snprintf(err, errlen, "Diffie-Hellman group %u is not supported", t->dh);
        return -1;
    }
    return 0;
}

/* ---- MACs: HMAC and AES-XCBC over a list of buffers --------------------------------- */

static int hmac_iov(const char *digest, const uint8_t *key, size_t key_len, const struct iov *v,
                    size_t n, uint8_t *out)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t olen;
    /* a NULL key would mean "keep the previous one" to OpenSSL */
    int ok = ctx && EVP_MAC_init(ctx, key ? key : (const uint8_t *)"", key_len, params);
    for (size_t i = 0; ok && i < n; i++)
        ok = !v[i].n || EVP_MAC_update(ctx, v[i].p, v[i].n);
    ok = ok && EVP_MAC_final(ctx, out, &olen, IKE_PRF_MAX);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok ? 0 : -1;
}

static int aes_block(EVP_CIPHER_CTX *c, const uint8_t in[16], uint8_t out[16])
{
    int n;
    return EVP_EncryptUpdate(c, out, &n, in, 16) && n == 16;
}

/* RFC 3566 2.4 with a 16-byte key; the last block is held back until the
 * input is known to end, since it alone gets K2 or K3. */
static int xcbc_iov(const uint8_t key[16], const struct iov *v, size_t n, uint8_t out[16])
{
    uint8_t consts[48], k[48], e[16] = { 0 }, buf[16];
    size_t fill = 0;
    int len;
    for (int i = 0; i < 48; i++)
        consts[i] = (uint8_t)(i / 16 + 1);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    /* K1, K2, K3 = E_K(0x01..), E_K(0x02..), E_K(0x03..); then encrypt with K1 */
    int ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) &&
             EVP_CIPHER_CTX_set_padding(c, 0) && EVP_EncryptUpdate(c, k, &len, consts, 48) &&
             len == 48 && EVP_EncryptInit_ex(c, NULL, NULL, k, NULL);
    for (size_t i = 0; ok && i < n; i++) {
        const uint8_t *p = v[i].p;
        size_t rest = v[i].n;
        while (ok && rest) {
            if (fill == 16) {
                for (int j = 0; j < 16; j++)
                    buf[j] ^= e[j];
                ok = aes_block(c, buf, e);
                fill = 0;
            }
            size_t take = rest < 16 - fill ? rest : 16 - fill;
            memcpy(buf + fill, p, take);
            fill += take;
            p += take;
            rest -= take;
        }
    }
    const uint8_t *kx = k + 16;         /* K2: a complete last block */
    if (fill < 16) {                    /* K3: 10* padding, also for no input at all */
        buf[fill] = 0x80;
        memset(buf + fill + 1, 0, 15 - fill);
        kx = k + 32;
    }
    for (int j = 0; j < 16; j++)
        buf[j] ^= e[j] ^ kx[j];
    ok = ok && aes_block(c, buf, out);
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(e, sizeof e);
    OPENSSL_cleanse(buf, sizeof buf);
    return ok ? 0 : -1;
}

/* RFC 4434 2: a 16-byte key is used as is, a shorter one is padded with
 * zeros, a longer one is first shortened to AES-XCBC-PRF-128(0^128, key). */
static int xcbc_prf_iov(const uint8_t *key, size_t key_len, const struct iov *v, size_t n,
                        uint8_t out[16])
{
    static const uint8_t zero[16];
    uint8_t k[16] = { 0 };
    int rc = 0;
    if (key_len <= 16) {
        if (key_len)
            memcpy(k, key, key_len);
    } else {
        struct iov kv = { key, key_len };
        rc = xcbc_iov(zero, &kv, 1, k);
    }
    rc = rc ? rc : xcbc_iov(k, v, n, out);
    OPENSSL_cleanse(k, sizeof k);
    return rc;
}

static int prf_iov(uint16_t prf, const uint8_t *key, size_t key_len, const struct iov *v, size_t n,
                   uint8_t *out)
{
    const struct prf_def *d = prf_def(prf);
    if (!d)
        return -1;
    return d->digest ? hmac_iov(d->digest, key, key_len, v, n, out)
                     : xcbc_prf_iov(key, key_len, v, n, out);
}

/* RFC 7296 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
static int prf_plus_iov(uint16_t prf, const uint8_t *key, size_t key_len, const struct iov *seed,
                        size_t nseed, uint8_t *out, size_t len)
{
    size_t plen = ike_prf_len(prf), done = 0, tlen = 0;
    uint8_t t[IKE_PRF_MAX];
    struct iov v[6];
    if (!plen || len > 255 * plen || nseed > 4)
        return -1;
    for (unsigned i = 1; done < len; i++) {
        uint8_t counter = (uint8_t)i;
        size_t m = 0;
        if (tlen)
            v[m++] = (struct iov){ t, tlen };
        for (size_t j = 0; j < nseed; j++)
            v[m++] = seed[j];
        v[m++] = (struct iov){ &counter, 1 };
        if (prf_iov(prf, key, key_len, v, m, t) != 0) {
            OPENSSL_cleanse(t, sizeof t);
            OPENSSL_cleanse(out, done);
            return -1;
        }
        tlen = plen;
        size_t take = len - done < plen ? len - done : plen;
        memcpy(out + done, t, take);
        done += take;
    }
    OPENSSL_cleanse(t, sizeof t);
    return 0;
}

size_t ike_prf_len(uint16_t prf)
{
    const struct prf_def *d = prf_def(prf);
    return d ? d->len : 0;
}

size_t ike_prf_key_len(uint16_t prf)
{
    /* HMAC: the hash's output length (RFC 7296 2.14); AES-XCBC-PRF-128: 16 */
    return ike_prf_len(prf);
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
            uint8_t *out)
{
    struct iov v = { data, len };
    return prf_iov(prf, key, key_len, &v, 1, out);
}

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len, const uint8_t *seed,
                 size_t seed_len, uint8_t *out, size_t len)
{
    struct iov v = { seed, seed_len };
    return prf_plus_iov(prf, key, key_len, &v, 1, out, len);
}

/* ---- Diffie-Hellman ------------------------------------------------------------------ */

struct ike_dh {
    const struct dh_def *def;
    EVP_PKEY *key;
    BIGNUM *p;                 /* MODP: the prime, for the peer's range check */
};

const char *ike_dh_result_name(enum ike_dh_result r)
{
    static const char *const names[] = {
#define X(id, name) name,
        IKE_DH_RESULTS(X)
#undef X
    };
    return (unsigned)r < IKE_DH_RESULT_MAX ? names[r] : "?";
}

bool ike_dh_supported(uint16_t group) { return dh_def(group) != NULL; }

size_t ike_dh_public_len(uint16_t group)
{
    const struct dh_def *d = dh_def(group);
    return d ? d->pub_len : 0;
}

size_t ike_dh_shared_len(uint16_t group)
{
    const struct dh_def *d = dh_def(group);
    return d ? d->shared_len : 0;
}

uint16_t ike_dh_group(const struct ike_dh *dh) { return dh->def->id; }

/* A MODP group's domain parameters onto a builder: OpenSSL's name where it
 * has one, else p, q = (p-1)/2 (the primes are safe) and g = 2 (RFC 2409 6). */
static int modp_domain(const struct dh_def *d, OSSL_PARAM_BLD *b, BIGNUM **keep)
{
    if (d->ossl)
        return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, d->ossl, 0) ? 0 : -1;
    BIGNUM *p = d->prime(NULL), *q = BN_new(), *g = BN_new();
    keep[0] = p, keep[1] = q, keep[2] = g;
    return p && q && g && BN_rshift1(q, p) && BN_set_word(g, 2) &&
                   OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, p) &&
                   OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_Q, q) &&
                   OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, g)
               ? 0
               : -1;
}

/* An EVP_PKEY of the group from a builder's parameters plus what push adds. */
static EVP_PKEY *pkey_from(const struct dh_def *d, int selection, OSSL_PARAM_BLD *b)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX *ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, dh_types[d->kind], NULL) : NULL;
    EVP_PKEY *pk = NULL;
    if (ctx && EVP_PKEY_fromdata_init(ctx) > 0)
        EVP_PKEY_fromdata(ctx, &pk, selection, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pk;
}

static struct ike_dh *dh_wrap(const struct dh_def *d, EVP_PKEY *key)
{
    struct ike_dh *dh = key ? calloc(1, sizeof *dh) : NULL;
    if (!dh) {
        EVP_PKEY_free(key);
        return NULL;
    }
    dh->def = d;
    dh->key = key;
    if (d->kind == DH_MODP && !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_FFC_P, &dh->p))
        ike_dh_destroy(&dh);
    return dh;
}

/* priv * G on the curve, uncompressed (0x04 | x | y), into pub. */
static int ecp_public_of(const struct dh_def *d, const BIGNUM *priv, uint8_t *pub, size_t cap,
                         size_t *len)
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(d->ossl));
    EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
    BN_CTX *bn = BN_CTX_new();
    int ok = pt && bn && EC_POINT_mul(g, pt, priv, NULL, NULL, bn) &&
             (*len = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, cap, bn)) > 0;
    BN_CTX_free(bn);
    EC_POINT_free(pt);
    EC_GROUP_free(g);
    return ok ? 0 : -1;
}

/* A MODP or ECP key pair from the private value x: the public value
 * computed here (OpenSSL imports a private key without one). */
static struct ike_dh *dh_from_private(const struct dh_def *d, const BIGNUM *x)
{
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *y = BN_new(), *two = BN_new(), *keep[4] = { 0 };
    BN_CTX *bn = BN_CTX_new();
    uint8_t point[1 + 2 * 66];
    size_t plen;
    int ok = b && y && two && bn;
    if (ok && d->kind == DH_MODP) {
        keep[3] = d->prime(NULL); /* y = 2^x mod p */
        ok = keep[3] && BN_set_word(two, 2) && BN_mod_exp(y, two, x, keep[3], bn) &&
             modp_domain(d, b, keep) == 0 &&
             OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, x) &&
             OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, y);
    } else if (ok) {
        ok = ecp_public_of(d, x, point, sizeof point, &plen) == 0 &&
             OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, d->ossl, 0) &&
             OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, x) &&
             OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, plen);
    }
    if (ok)
        key = pkey_from(d, EVP_PKEY_KEYPAIR, b);
    OSSL_PARAM_BLD_free(b);
    BN_free(y);
    BN_free(two);
    for (int i = 0; i < 4; i++)
        BN_free(keep[i]);
    BN_CTX_free(bn);
    return dh_wrap(d, key);
}

/* RFC 2409's groups: OpenSSL has no name for them, and will not generate a
 * key from explicit p, q, g itself, so x is drawn here from [2, q-1]. */
static struct ike_dh *modp_rfc2409_new(const struct dh_def *d)
{
    BIGNUM *p = d->prime(NULL), *range = BN_new(), *x = BN_secure_new();
    struct ike_dh *dh = NULL;
    /* q - 2 = (p - 1) / 2 - 2 */
    if (p && range && x && BN_rshift1(range, p) && BN_sub_word(range, 2) &&
        BN_priv_rand_range_ex(x, range, 0, NULL) && BN_add_word(x, 2))
        dh = dh_from_private(d, x);
    BN_free(p);
    BN_free(range);
    BN_clear_free(x);
    return dh;
}

struct ike_dh *ike_dh_new(uint16_t group)
{
    const struct dh_def *d = dh_def(group);
    if (!d)
        return NULL;
    if (d->kind == DH_MODP && !d->ossl)
        return modp_rfc2409_new(d);
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, dh_types[d->kind], NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)d->ossl, 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && EVP_PKEY_keygen_init(ctx) > 0 &&
        (d->kind == DH_X25519 || EVP_PKEY_CTX_set_params(ctx, params) > 0))
        EVP_PKEY_generate(ctx, &key);
    EVP_PKEY_CTX_free(ctx);
    return dh_wrap(d, key);
}

struct ike_dh *ike_dh_new_with_private(uint16_t group, const uint8_t *priv, size_t len)
{
    const struct dh_def *d = dh_def(group);
    if (!d || !len)
        return NULL;
    if (d->kind == DH_X25519) {
        EVP_PKEY *key = len == 32 ? EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv, len)
                                  : NULL;
        return dh_wrap(d, key);
    }
    BIGNUM *x = BN_bin2bn(priv, (int)len, NULL);
    struct ike_dh *dh = x ? dh_from_private(d, x) : NULL;
    BN_clear_free(x);
    return dh;
}

void ike_dh_destroy(struct ike_dh **dhp)
{
    struct ike_dh *dh = *dhp;
    if (!dh)
        return;
    EVP_PKEY_free(dh->key);
    BN_free(dh->p);
    free(dh);
    *dhp = NULL;
}

static int bn_param_pad(const EVP_PKEY *key, const char *name, uint8_t *out, size_t len)
{
    BIGNUM *v = NULL;
    int ok = EVP_PKEY_get_bn_param(key, name, &v) && BN_bn2binpad(v, out, (int)len) == (int)len;
    BN_free(v);
    return ok ? 0 : -1;
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t cap)
{
    const struct dh_def *d = dh->def;
    size_t len = d->pub_len;
    if (cap < len)
        return -1;
    switch (d->kind) {
    case DH_MODP:              /* RFC 7296 3.4: zero-padded to the prime's length */
        return bn_param_pad(dh->key, OSSL_PKEY_PARAM_PUB_KEY, buf, len) == 0 ? (int)len : -1;
    case DH_ECP:               /* RFC 5903 7: x | y, no point format octet */
        return bn_param_pad(dh->key, OSSL_PKEY_PARAM_EC_PUB_X, buf, len / 2) == 0 &&
                       bn_param_pad(dh->key, OSSL_PKEY_PARAM_EC_PUB_Y, buf + len / 2, len / 2) == 0
                   ? (int)len
                   : -1;
    case DH_X25519:
        return EVP_PKEY_get_raw_public_key(dh->key, buf, &len) && len == d->pub_len ? (int)len : -1;
    }
    return -1;
}

/* The peer's Key Exchange Data as an EVP_PKEY of our group, or NULL with
 * why: BAD_VALUE for a value no honest peer sends. */
static EVP_PKEY *peer_key(const struct ike_dh *dh, const uint8_t *peer, size_t len,
                          enum ike_dh_result *why)
{
    const struct dh_def *d = dh->def;
    EVP_PKEY *pk = NULL;
    *why = IKE_DH_CRYPTO;
    if (d->kind == DH_X25519)
        return EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, peer, len);
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *y = NULL, *pm1 = NULL, *keep[3] = { 0 };
    uint8_t point[1 + 2 * 66];
    if (!b)
        return NULL;
    if (d->kind == DH_MODP) {
        /* RFC 6989 2.1: 1 < y < p-1; OpenSSL adds y^q = 1 when validating */
        y = BN_bin2bn(peer, (int)len, NULL);
        pm1 = BN_dup(dh->p);
        if (!y || !pm1 || !BN_sub_word(pm1, 1))
            goto out;
        if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
            *why = IKE_DH_BAD_VALUE;
            goto out;
        }
        if (modp_domain(d, b, keep) != 0 || !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, y))
            goto out;
    } else {
        point[0] = 0x04;       /* SEC 1 uncompressed, which RFC 5903 leaves implicit */
        memcpy(point + 1, peer, len);
        if (!OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, d->ossl, 0) ||
            !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, len + 1))
            goto out;
    }
    pk = pkey_from(d, EVP_PKEY_PUBLIC_KEY, b);
    if (!pk && d->kind == DH_ECP)
        *why = IKE_DH_BAD_VALUE; /* OpenSSL refuses to decode a point off the curve */
out:
    OSSL_PARAM_BLD_free(b);
    BN_free(y);
    BN_free(pm1);
    for (int i = 0; i < 3; i++)
        BN_free(keep[i]);
    return pk;
}

enum ike_dh_result ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
                                 uint8_t *out, size_t cap, size_t *out_len)
{
    const struct dh_def *d = dh->def;
    enum ike_dh_result r = IKE_DH_CRYPTO;
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    size_t n = cap;
    if (peer_len != d->pub_len)
        return IKE_DH_BAD_LENGTH;
    if (cap < d->shared_len)
        return IKE_DH_NO_SPACE;
    pk = peer_key(dh, peer, peer_len, &r);
    if (!pk)
        goto fail;
    r = IKE_DH_CRYPTO;
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
    if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
        goto fail;
    /* RFC 7296 2.14: g^ir keeps its leading zeros, the prime's length */
    if (d->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
        goto fail;
    /* full validation: on the curve, in the subgroup, in range */
    if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0) {
        r = IKE_DH_BAD_VALUE;
        goto fail;
    }
    if (EVP_PKEY_derive(ctx, out, &n) <= 0) {
        if (d->kind == DH_X25519)
            r = IKE_DH_BAD_VALUE; /* OpenSSL refuses the all-zero result itself */
        goto fail;
    }
    if (n != d->shared_len)
        goto fail;
    if (d->kind == DH_X25519) { /* RFC 8031: a zero result means a low-order point */
        uint8_t acc = 0;
        for (size_t i = 0; i < n; i++)
            acc |= out[i];
        if (!acc) {
            r = IKE_DH_BAD_VALUE;
            goto fail;
        }
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pk);
    *out_len = n;
    return IKE_DH_OK;
fail:
    OPENSSL_cleanse(out, cap < d->shared_len ? cap : d->shared_len);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pk);
    return r;
}

/* ---- IKE SA and CHILD SA keys ------------------------------------------------------- */

static bool nonce_ok(size_t len) { return len >= NONCE_MIN && len <= NONCE_MAX; }

/* The seven keys from SKEYSEED (k->skeyseed, k->seed_len) with the new
 * SA's PRF: prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), RFC 7296 2.14. */
static int sa_keys_expand(struct ike_sa_keys *k, const uint8_t *ni, size_t ni_len,
                          const uint8_t *nr, size_t nr_len, const uint8_t spi_i[8],
                          const uint8_t spi_r[8])
{
    const struct ike_transforms *t = &k->tf;
    uint8_t km[3 * IKE_PRF_MAX + 2 * IKE_INTEG_KEY_MAX + 2 * IKE_ENCR_KEY_MAX];
    struct iov seed[] = { { ni, ni_len }, { nr, nr_len }, { spi_i, 8 }, { spi_r, 8 } };
    k->d_len = k->p_len = ike_prf_key_len(t->prf);
    k->a_len = ike_encr_is_aead(t->encr) ? 0 : ike_integ_key_len(t->integ);
    k->e_len = ike_encr_key_len(t->encr, t->encr_bits);
    size_t total = 3 * k->d_len + 2 * k->a_len + 2 * k->e_len;
    if (prf_plus_iov(t->prf, k->skeyseed, k->seed_len, seed, 4, km, total) != 0)
        return -1;
    const uint8_t *p = km;
    memcpy(k->sk_d, p, k->d_len), p += k->d_len;
    memcpy(k->sk_ai, p, k->a_len), p += k->a_len;
    memcpy(k->sk_ar, p, k->a_len), p += k->a_len;
    memcpy(k->sk_ei, p, k->e_len), p += k->e_len;
    memcpy(k->sk_er, p, k->e_len), p += k->e_len;
    memcpy(k->sk_pi, p, k->p_len), p += k->p_len;
    memcpy(k->sk_pr, p, k->p_len);
    OPENSSL_cleanse(km, sizeof km);
    return 0;
}

int ike_sa_keys_derive(struct ike_sa_keys *k, const struct ike_transforms *t, const uint8_t *gir,
                       size_t gir_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                       size_t nr_len, const uint8_t spi_i[8], const uint8_t spi_r[8])
{
    char err[128];
    uint8_t nonces[2 * NONCE_MAX];
    memset(k, 0, sizeof *k);
    if (ike_transforms_check(t, err, sizeof err) != 0 || !gir || !gir_len || !nonce_ok(ni_len) ||
        !nonce_ok(nr_len))
        return -1;
    k->tf = *t;
    /* RFC 7296 2.14: AES-XCBC-PRF-128 takes the first 64 bits of each nonce
     * as its key for SKEYSEED, prf+ still gets them whole */
    size_t ni_key = t->prf == IKE_PRF_AES128_XCBC ? 8 : ni_len;
    size_t nr_key = t->prf == IKE_PRF_AES128_XCBC ? 8 : nr_len;
    memcpy(nonces, ni, ni_key);
    memcpy(nonces + ni_key, nr, nr_key);
    struct iov secret = { gir, gir_len };
    k->seed_len = ike_prf_len(t->prf);
    int rc = prf_iov(t->prf, nonces, ni_key + nr_key, &secret, 1, k->skeyseed);
    rc = rc ? rc : sa_keys_expand(k, ni, ni_len, nr, nr_len, spi_i, spi_r);
    if (rc)
        ike_sa_keys_clear(k);
    return rc;
}

int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_transforms *t,
                      const struct ike_sa_keys *old, const uint8_t *gir, size_t gir_len,
                      const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
                      const uint8_t spi_i[8], const uint8_t spi_r[8])
{
    char err[128];
    memset(k, 0, sizeof *k);
    /* RFC 7296 2.18: a rekey must bring a fresh Diffie-Hellman exchange */
    if (ike_transforms_check(t, err, sizeof err) != 0 || !gir || !gir_len || !nonce_ok(ni_len) ||
        !nonce_ok(nr_len) || !old->d_len || !ike_prf_len(old->tf.prf))
        return -1;
    k->tf = *t;
    /* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF */
    struct iov v[] = { { gir, gir_len }, { ni, ni_len }, { nr, nr_len } };
    k->seed_len = ike_prf_len(old->tf.prf);
    int rc = prf_iov(old->tf.prf, old->sk_d, old->d_len, v, 3, k->skeyseed);
    rc = rc ? rc : sa_keys_expand(k, ni, ni_len, nr, nr_len, spi_i, spi_r);
    if (rc)
        ike_sa_keys_clear(k);
    return rc;
}

void ike_sa_keys_clear(struct ike_sa_keys *k) { OPENSSL_cleanse(k, sizeof *k); }

int ike_child_keys_derive(struct ike_child_keys *c, const struct ike_sa_keys *sa,
                          const struct esp_transform *esp, const uint8_t *gir, size_t gir_len,
                          const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len)
{
    uint8_t km[2 * (IKE_ENCR_KEY_MAX + IKE_INTEG_KEY_MAX)];
    struct iov seed[3];
    size_t m = 0;
    memset(c, 0, sizeof *c);
    c->enc_len = esp_enc_key_len(esp);
    c->auth_len = esp_auth_key_len(esp);
    if (c->enc_len > IKE_ENCR_KEY_MAX || c->auth_len > IKE_INTEG_KEY_MAX || !sa->d_len ||
        !nonce_ok(ni_len) || !nonce_ok(nr_len) || (gir && !gir_len))
        goto fail;
    if (gir)
        seed[m++] = (struct iov){ gir, gir_len };
    seed[m++] = (struct iov){ ni, ni_len };
    seed[m++] = (struct iov){ nr, nr_len };
    size_t half = c->enc_len + c->auth_len;
    if (prf_plus_iov(sa->tf.prf, sa->sk_d, sa->d_len, seed, m, km, 2 * half) != 0)
        goto fail;
    /* RFC 7296 2.17 with RFC 4301: encryption key first, then integrity */
    memcpy(c->ei, km, c->enc_len);
    memcpy(c->ai, km + c->enc_len, c->auth_len);
    memcpy(c->er, km + half, c->enc_len);
    memcpy(c->ar, km + half + c->enc_len, c->auth_len);
    OPENSSL_cleanse(km, sizeof km);
    return 0;
fail:
    ike_child_keys_clear(c);
    return -1;
}

void ike_child_keys_clear(struct ike_child_keys *c) { OPENSSL_cleanse(c, sizeof *c); }

/* ---- SK and SKF payloads ------------------------------------------------------------ */

const char *ike_sk_result_name(enum ike_sk_result r)
{
    static const char *const names[] = {
#define X(id, name) name,
        IKE_SK_RESULTS(X)
#undef X
    };
    return (unsigned)r < IKE_SK_RESULT_MAX ? names[r] : "?";
}

void ike_sk_keys_from_sa(struct ike_sk_keys *k, const struct ike_sa_keys *sa, bool from_initiator)
{
    memset(k, 0, sizeof *k);
    k->encr = sa->tf.encr;
    k->encr_bits = sa->tf.encr_bits;
    k->integ = ike_encr_is_aead(sa->tf.encr) ? IKE_INTEG_NONE : sa->tf.integ;
    k->ek_len = sa->e_len;
    k->ak_len = sa->a_len;
    memcpy(k->ek, from_initiator ? sa->sk_ei : sa->sk_er, sa->e_len);
    memcpy(k->ak, from_initiator ? sa->sk_ai : sa->sk_ar, sa->a_len);
}

void ike_sk_keys_clear(struct ike_sk_keys *k) { OPENSSL_cleanse(k, sizeof *k); }

static bool sk_keys_ok(const struct ike_sk_keys *k)
{
    size_t ek = ike_encr_key_len(k->encr, k->encr_bits);
    if (!ek || k->ek_len != ek)
        return false;
    if (ike_encr_is_aead(k->encr))
        return k->integ == IKE_INTEG_NONE && k->ak_len == 0;
    return integ_def(k->integ) && k->ak_len == ike_integ_key_len(k->integ);
}

size_t ike_sk_header_len(uint8_t kind) { return kind == IKE_PAYLOAD_SKF ? 8 : 4; }

size_t ike_sk_iv_len(const struct ike_sk_keys *k)
{
    return ike_encr_is_aead(k->encr) ? 8 : 16; /* RFC 5282: 8 octets; CBC: the AES block */
}

size_t ike_sk_icv_len(const struct ike_sk_keys *k)
{
    switch (k->encr) {
    case IKE_ENCR_AES_GCM_8:
        return 8;
    case IKE_ENCR_AES_GCM_12:
        return 12;
    case IKE_ENCR_AES_GCM_16:
        return 16;
    default:
        return ike_integ_icv_len(k->integ);
    }
}

/* CBC pads to the AES block; GCM is a stream: Pad Length alone. */
static size_t sk_block(const struct ike_sk_keys *k) { return ike_encr_is_aead(k->encr) ? 1 : 16; }

size_t ike_sk_plain_off(const struct ike_sk_keys *k, uint8_t kind, size_t sk_off)
{
    return sk_off + ike_sk_header_len(kind) + ike_sk_iv_len(k);
}

size_t ike_sk_payload_len(const struct ike_sk_keys *k, uint8_t kind, size_t plain_len)
{
    size_t bs = sk_block(k);
    size_t padded = (plain_len + 1 + bs - 1) / bs * bs;
    return ike_sk_header_len(kind) + ike_sk_iv_len(k) + padded + ike_sk_icv_len(k);
}

size_t ike_sk_max_plain(const struct ike_sk_keys *k, uint8_t kind, size_t payload_len)
{
    size_t fixed = ike_sk_header_len(kind) + ike_sk_iv_len(k) + ike_sk_icv_len(k);
    if (payload_len <= fixed)
        return 0;
    size_t room = (payload_len - fixed) / sk_block(k) * sk_block(k);
    return room ? room - 1 : 0;
}

static const EVP_CIPHER *aes(const struct ike_sk_keys *k)
{
    bool gcm = ike_encr_is_aead(k->encr);
    switch (k->encr_bits) {
    case 128:
        return gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
    case 192:
        return gcm ? EVP_aes_192_gcm() : EVP_aes_192_cbc();
    default:
        return gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
    }
}

/* AES-CBC without padding of len (a multiple of 16) bytes; in == out is fine. */
static int cbc_run(const struct ike_sk_keys *k, bool enc, const uint8_t *iv, const uint8_t *in,
                   uint8_t *out, size_t len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n, ok = c && EVP_CipherInit_ex(c, aes(k), NULL, k->ek, iv, enc) &&
                EVP_CIPHER_CTX_set_padding(c, 0) && EVP_CipherUpdate(c, out, &n, in, (int)len) &&
                (size_t)n == len;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

/* RFC 5282: nonce = salt (the last 4 bytes of SK_e) | 8-byte IV. -2: the
 * tag does not verify. */
static int gcm_run(const struct ike_sk_keys *k, bool enc, const uint8_t *aad, size_t aad_len,
                   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag)
{
    uint8_t nonce[12];
    int icv = (int)ike_sk_icv_len(k), n, rc = -1;
    memcpy(nonce, k->ek + k->encr_bits / 8, 4);
    memcpy(nonce + 4, iv, 8);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || !EVP_CipherInit_ex(c, aes(k), NULL, k->ek, nonce, enc) ||
        !EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) ||
        (len && !EVP_CipherUpdate(c, out, &n, in, (int)len)))
        goto out;
    if (!enc && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, icv, tag))
        goto out;
    if (!EVP_CipherFinal_ex(c, out + len, &n)) {
        rc = enc ? -1 : -2;
        goto out;
    }
    if (enc && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, icv, tag))
        goto out;
    rc = 0;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

/* The untruncated MAC of data under SK_a into out (64 bytes of room). */
static int integ_mac(const struct ike_sk_keys *k, const uint8_t *data, size_t len, uint8_t *out)
{
    const struct integ_def *d = integ_def(k->integ);
    struct iov v = { data, len };
    return d->digest ? hmac_iov(d->digest, k->ak, k->ak_len, &v, 1, out)
                     : xcbc_iov(k->ak, &v, 1, out);
}

enum ike_sk_result ike_sk_seal_iv(const struct ike_sk_keys *k, uint8_t kind, uint8_t *msg,
                                  size_t sk_off, const uint8_t *plain, size_t plain_len,
                                  const uint8_t *iv, const uint8_t *pad, size_t cap,
                                  size_t *msg_len)
{
    assert(kind == IKE_PAYLOAD_SK || kind == IKE_PAYLOAD_SKF);
    if (!sk_keys_ok(k))
        return IKE_SK_KEYS;
    if (sk_off < IKE_HDR_LEN)
        return IKE_SK_LENGTH;
    if (plain_len > 0xffff)
        return IKE_SK_TOO_LONG;
    size_t body_off = sk_off + ike_sk_header_len(kind), iv_len = ike_sk_iv_len(k);
    size_t icv_len = ike_sk_icv_len(k), bs = sk_block(k);
    size_t padded = (plain_len + 1 + bs - 1) / bs * bs, pad_len = padded - plain_len - 1;
    size_t ct_off = body_off + iv_len, total = ct_off + padded + icv_len;
    if (total - sk_off > 0xffff) /* the Payload Length field's reach */
        return IKE_SK_TOO_LONG;
    if (total > cap)
        return IKE_SK_NO_SPACE;
    /* the lengths are part of what the ICV covers: final values first */
    wr32(msg + 24, (uint32_t)total);
    wr16(msg + sk_off + 2, (uint16_t)(total - sk_off));
    if (plain_len)
        memmove(msg + ct_off, plain, plain_len);
    memcpy(msg + body_off, iv, iv_len);
    if (pad && pad_len)
        memcpy(msg + ct_off + plain_len, pad, pad_len);
    else
        memset(msg + ct_off + plain_len, 0, pad_len);
    msg[ct_off + padded - 1] = (uint8_t)pad_len;
    uint8_t *ct = msg + ct_off, *icv = ct + padded, mac[IKE_PRF_MAX];
    if (ike_encr_is_aead(k->encr)) {
        if (gcm_run(k, true, msg, body_off, msg + body_off, ct, ct, padded, icv) != 0)
            return IKE_SK_CRYPTO;
    } else {
        if (cbc_run(k, true, msg + body_off, ct, ct, padded) != 0 ||
            integ_mac(k, msg, (size_t)(icv - msg), mac) != 0)
            return IKE_SK_CRYPTO;
        memcpy(icv, mac, icv_len);
    }
    *msg_len = total;
    return IKE_SK_OK;
}

enum ike_sk_result ike_sk_seal(const struct ike_sk_keys *k, uint8_t kind, uint8_t *msg,
                               size_t sk_off, const uint8_t *plain, size_t plain_len, size_t cap,
                               size_t *msg_len)
{
    /* RFC 7296 3.14: CBC IVs must be unpredictable; GCM's must not repeat
     * under a key, which 64 random bits ensure for an IKE SA's messages */
    uint8_t iv[16];
    if (RAND_bytes(iv, sizeof iv) != 1)
        return IKE_SK_CRYPTO;
    return ike_sk_seal_iv(k, kind, msg, sk_off, plain, plain_len, iv, NULL, cap, msg_len);
}

enum ike_sk_result ike_sk_open(const struct ike_sk_keys *k, uint8_t kind, const uint8_t *msg,
                               size_t msg_len, size_t sk_off, uint8_t *plain, size_t cap,
                               size_t *plain_len)
{
    assert(kind == IKE_PAYLOAD_SK || kind == IKE_PAYLOAD_SKF);
    if (!sk_keys_ok(k))
        return IKE_SK_KEYS;
    size_t hdr = ike_sk_header_len(kind), iv_len = ike_sk_iv_len(k), icv_len = ike_sk_icv_len(k);
    if (msg_len < IKE_HDR_LEN || sk_off < IKE_HDR_LEN || sk_off > msg_len || msg_len - sk_off < hdr)
        return IKE_SK_SHORT;
    /* the SK payload is the last one (RFC 7296 3.14) and the header agrees */
    if (rd32(msg + 24) != msg_len || rd16(msg + sk_off + 2) != msg_len - sk_off)
        return IKE_SK_LENGTH;
    size_t body_off = sk_off + hdr, body = msg_len - body_off;
    if (body < iv_len + sk_block(k) + icv_len)
        return IKE_SK_SHORT;
    size_t ct_len = body - iv_len - icv_len;
    if (ct_len % sk_block(k))
        return IKE_SK_ALIGN;
    if (ct_len > cap)
        return IKE_SK_NO_SPACE;
    const uint8_t *iv = msg + body_off, *ct = iv + iv_len, *icv = ct + ct_len;
    if (ike_encr_is_aead(k->encr)) {
        uint8_t tag[16];
        memcpy(tag, icv, icv_len);
        int rc = gcm_run(k, false, msg, body_off, iv, ct, plain, ct_len, tag);
        if (rc == -2) {
            OPENSSL_cleanse(plain, ct_len);
            return IKE_SK_ICV;
        }
        if (rc != 0)
            return IKE_SK_CRYPTO;
    } else {
        /* the ICV first: nothing of a forged message is decrypted */
        uint8_t mac[IKE_PRF_MAX];
        if (integ_mac(k, msg, (size_t)(icv - msg), mac) != 0)
            return IKE_SK_CRYPTO;
        if (CRYPTO_memcmp(mac, icv, icv_len) != 0)
            return IKE_SK_ICV;
        if (cbc_run(k, false, iv, ct, plain, ct_len) != 0)
            return IKE_SK_CRYPTO;
    }
    /* RFC 7296 3.14: the padding's content is not checked, only its length */
    size_t pad_len = plain[ct_len - 1];
    if (pad_len + 1 > ct_len)
        return IKE_SK_PAD;
    *plain_len = ct_len - 1 - pad_len;
    return IKE_SK_OK;
}

/* ---- AUTH --------------------------------------------------------------------------- */

static const char key_pad[] = "Key Pad for IKEv2"; /* RFC 7296 2.15: 17 ASCII bytes, no NUL */

int ike_auth_octets(uint16_t prf, const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
                    size_t nonce_len, const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id,
                    size_t id_len, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t plen = ike_prf_len(prf);
    if (!plen || cap < msg_len + nonce_len + plen)
        return -1;
    memmove(out, msg, msg_len);
    memmove(out + msg_len, nonce, nonce_len);
    if (ike_prf(prf, sk_p, sk_p_len, id, id_len, out + msg_len + nonce_len) != 0)
        return -1;
    *out_len = msg_len + nonce_len + plen;
    return 0;
}

int ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *msg,
                 size_t msg_len, const uint8_t *nonce, size_t nonce_len, const uint8_t *sk_p,
                 size_t sk_p_len, const uint8_t *id, size_t id_len, uint8_t *out)
{
    uint8_t maced_id[IKE_PRF_MAX], padded_key[IKE_PRF_MAX];
    size_t plen = ike_prf_len(prf);
    struct iov idv = { id, id_len }, padv = { (const uint8_t *)key_pad, sizeof key_pad - 1 };
    struct iov octets[] = { { msg, msg_len }, { nonce, nonce_len }, { maced_id, plen } };
    int rc = plen ? 0 : -1;
    rc = rc ? rc : prf_iov(prf, sk_p, sk_p_len, &idv, 1, maced_id);
    rc = rc ? rc : prf_iov(prf, psk, psk_len, &padv, 1, padded_key);
    rc = rc ? rc : prf_iov(prf, padded_key, plen, octets, 3, out);
    OPENSSL_cleanse(maced_id, sizeof maced_id);
    OPENSSL_cleanse(padded_key, sizeof padded_key);
    return rc;
}

int ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *msg,
                        size_t msg_len, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
                        const uint8_t *auth, size_t auth_len)
{
    uint8_t want[IKE_PRF_MAX];
    int rc = ike_auth_psk(prf, psk, psk_len, msg, msg_len, nonce, nonce_len, sk_p, sk_p_len, id,
                          id_len, want);
    if (rc == 0 && (auth_len != ike_prf_len(prf) || CRYPTO_memcmp(want, auth, auth_len) != 0))
        rc = -1;
    OPENSSL_cleanse(want, sizeof want);
    return rc;
}

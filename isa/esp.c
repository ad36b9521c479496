/* ESP (RFC 4303) in tunnel mode: encapsulation, decapsulation, anti-replay
 * with extended sequence numbers, lifetimes. Every cipher and MAC is
 * OpenSSL's; contexts are keyed once per SA and only re-IVed per packet. */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp.h"
#include "pkt.h"

#define ESP_HDR 8              /* SPI + sequence number */
#define SCRATCH (2 * 10240)    /* XCBC: chaining output, and the ESN-extended input */
#define IV_POOL 4096

struct esp_sa {
    uint32_t spi;
    bool inbound, esn;
    struct esp_transform tf;
    unsigned window;
    size_t iv_len, align;      /* explicit IV on the wire; ciphertext alignment */
    EVP_CIPHER_CTX *cipher;    /* CBC, GCM, GMAC */
    EVP_MAC_CTX *hmac;
    EVP_CIPHER_CTX *xcbc;      /* AES-128-CBC keyed with K1 (RFC 3566) */
    uint8_t xcbc_k2[16], xcbc_k3[16];
    uint8_t salt[4];
    uint64_t seq;              /* inbound: the top of the replay window */
    uint64_t bitmap[ESP_REPLAY_MAX / 64];
    uint64_t bytes, soft_bytes, hard_bytes, soft_secs, hard_secs, created_ms;
    bool soft_told, hard_told;
    struct esp_sa_stats st;
};

/* Shared by every SA of the (single-threaded) process: an SA stays small
 * enough for tens of thousands of tunnels. */
static uint8_t iv_pool[IV_POOL];
static size_t iv_used = IV_POOL;
static uint8_t scratch[SCRATCH];

const char *esp_result_name(enum esp_result r)
{
    static const char *const names[] = {
#define X(id, name) name,
        ESP_RESULTS(X)
#undef X
    };
    return (unsigned)r < ESP_RESULT_MAX ? names[r] : "?";
}

/* ---- SA setup ---------------------------------------------------------------------- */

static const EVP_CIPHER *aes_cipher(const struct esp_transform *t)
{
    bool gcm = t->cipher != ESP_CIPHER_AES_CBC;
    switch (t->key_bits) {
    case 128:
        return gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
    case 192:
        return gcm ? EVP_aes_192_gcm() : EVP_aes_192_cbc();
    default:
        return gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
    }
}

static const char *hmac_digest(enum esp_integ i)
{
    switch (i) {
    case ESP_INTEG_MD5_96:
        return "MD5";
    case ESP_INTEG_SHA1_96:
        return "SHA1";
    case ESP_INTEG_SHA256_128:
        return "SHA256";
    case ESP_INTEG_SHA384_192:
        return "SHA384";
    case ESP_INTEG_SHA512_256:
        return "SHA512";
    default:
        return NULL;
    }
}

/* RFC 3566 2.1: K1, K2, K3 are the encryptions of 0x01.., 0x02.., 0x03.. */
static int xcbc_setup(struct esp_sa *sa, const uint8_t *key)
{
    uint8_t consts[48], derived[48];
    for (int i = 0; i < 48; i++)
        consts[i] = (uint8_t)(i / 16 + 1);
    EVP_CIPHER_CTX *ecb = EVP_CIPHER_CTX_new();
    int n = 0, ok = ecb && EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, key, NULL) &&
                    EVP_CIPHER_CTX_set_padding(ecb, 0) &&
                    EVP_EncryptUpdate(ecb, derived, &n, consts, 48) && n == 48;
    EVP_CIPHER_CTX_free(ecb);
    sa->xcbc = ok ? EVP_CIPHER_CTX_new() : NULL;
    ok = sa->xcbc && EVP_EncryptInit_ex(sa->xcbc, EVP_aes_128_cbc(), NULL, derived, NULL) &&
         EVP_CIPHER_CTX_set_padding(sa->xcbc, 0);
    memcpy(sa->xcbc_k2, derived + 16, 16);
    memcpy(sa->xcbc_k3, derived + 32, 16);
    OPENSSL_cleanse(derived, sizeof derived);
    return ok ? 0 : -1;
}

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, char *err, size_t errlen)
{
    const struct esp_transform *t = &p->tf;
    struct esp_sa *sa = calloc(1, sizeof *sa);
    if (!sa) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sa->spi = p->spi;
    sa->inbound = p->inbound;
    sa->esn = p->esn;
    sa->tf = *t;
    sa->window = p->replay_window;
    sa->st.seq = p->first_seq ? p->first_seq - 1 : 0;
    if (p->inbound)
        sa->seq = sa->st.seq;
    sa->soft_bytes = p->soft_bytes;
    sa->hard_bytes = p->hard_bytes;
    sa->soft_secs = p->soft_secs;
    sa->hard_secs = p->hard_secs;
    sa->created_ms = p->created_ms;
    if (p->spi == 0) { /* RFC 4303 2.1: reserved, never on the wire */
        snprintf(err, errlen, "SPI 0 is reserved");
        goto fail;
    }
    if (sa->window > ESP_REPLAY_MAX) {
        snprintf(err, errlen, "replay-window %u is larger than %u", sa->window, ESP_REPLAY_MAX);
        goto fail;
    }
    if (p->enc_key_len != esp_enc_key_len(t) || (p->enc_key_len && !p->enc_key)) {
        snprintf(err, errlen, "encryption key is %zu bytes, the transform needs %zu", p->enc_key_len,
                 esp_enc_key_len(t));
        goto fail;
    }
    if (p->auth_key_len != esp_auth_key_len(t) || (p->auth_key_len && !p->auth_key)) {
        snprintf(err, errlen, "authentication key is %zu bytes, the transform needs %zu",
                 p->auth_key_len, esp_auth_key_len(t));
        goto fail;
    }
    switch (t->cipher) {
    case ESP_CIPHER_NULL:
        sa->align = 4;
        break;
    case ESP_CIPHER_AES_CBC:
        sa->iv_len = sa->align = 16;
        sa->cipher = EVP_CIPHER_CTX_new();
        if (!sa->cipher ||
            !EVP_CipherInit_ex(sa->cipher, aes_cipher(t), NULL, p->enc_key, NULL, !p->inbound) ||
            !EVP_CIPHER_CTX_set_padding(sa->cipher, 0))
            goto crypto;
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC:
        sa->iv_len = 8;
        sa->align = 4;
        memcpy(sa->salt, p->enc_key + t->key_bits / 8, 4);
        sa->cipher = EVP_CIPHER_CTX_new();
        if (!sa->cipher ||
            !EVP_CipherInit_ex(sa->cipher, aes_cipher(t), NULL, p->enc_key, NULL, !p->inbound))
            goto crypto;
        break;
    }
    if (hmac_digest(t->integ)) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        sa->hmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
        EVP_MAC_free(mac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)hmac_digest(t->integ), 0),
            OSSL_PARAM_construct_end(),
        };
        if (!sa->hmac || !EVP_MAC_init(sa->hmac, p->auth_key, p->auth_key_len, params))
            goto crypto;
    } else if (t->integ == ESP_INTEG_XCBC_96 && xcbc_setup(sa, p->auth_key) != 0) {
        goto crypto;
    }
    return sa;
crypto:
    snprintf(err, errlen, "OpenSSL refused the SA's keys");
fail:
    esp_sa_destroy(&sa);
    return NULL;
}

void esp_sa_destroy(struct esp_sa **sap)
{
    struct esp_sa *sa = *sap;
    if (!sa)
        return;
    EVP_CIPHER_CTX_free(sa->cipher);
    EVP_CIPHER_CTX_free(sa->xcbc);
    EVP_MAC_CTX_free(sa->hmac);
    OPENSSL_cleanse(sa, sizeof *sa);
    free(sa);
    *sap = NULL;
}

uint32_t esp_sa_spi(const struct esp_sa *sa) { return sa->spi; }
const struct esp_transform *esp_sa_transform(const struct esp_sa *sa) { return &sa->tf; }
const struct esp_sa_stats *esp_sa_stats(const struct esp_sa *sa) { return &sa->st; }

size_t esp_overhead(const struct esp_sa *sa, size_t len)
{
    size_t body = len + 2;
    size_t padded = (body + sa->align - 1) / sa->align * sa->align;
    return ESP_HDR + sa->iv_len + (padded - len) + sa->tf.icv_len;
}

/* ---- integrity ---------------------------------------------------------------------- */

/* RFC 3566 2.4 over a ‖ b (b is the ESN high half, or empty). */
static int xcbc_mac(struct esp_sa *sa, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    uint8_t out[16])
{
    const uint8_t *m = a;
    size_t len = alen + blen;
    if (blen) {
        if (len > SCRATCH / 2)
            return -1;
        memcpy(scratch + SCRATCH / 2, a, alen);
        memcpy(scratch + SCRATCH / 2 + alen, b, blen);
        m = scratch + SCRATCH / 2;
    }
    size_t full = len ? (len - 1) / 16 : 0; /* blocks before the last */
    if (full * 16 > SCRATCH / 2)
        return -1;
    static const uint8_t zero[16];
    uint8_t e[16] = { 0 }, last[16];
    int n;
    if (full) {
        if (!EVP_EncryptInit_ex(sa->xcbc, NULL, NULL, NULL, zero) ||
            !EVP_EncryptUpdate(sa->xcbc, scratch, &n, m, (int)(full * 16)))
            return -1;
        memcpy(e, scratch + full * 16 - 16, 16);
    }
    size_t rest = len - full * 16;
    const uint8_t *k = rest == 16 ? sa->xcbc_k2 : sa->xcbc_k3;
    memset(last, 0, 16);
    memcpy(last, m + full * 16, rest);
    if (rest < 16)
        last[rest] = 0x80;
    for (int i = 0; i < 16; i++)
        last[i] ^= k[i];
    /* E_K1(M[n] ^ K ^ E): one CBC block with E as the IV */
    if (!EVP_EncryptInit_ex(sa->xcbc, NULL, NULL, NULL, e) ||
        !EVP_EncryptUpdate(sa->xcbc, out, &n, last, 16))
        return -1;
    return 0;
}

/* The ICV of a ‖ b into out (full length; the caller truncates). */
static int integ_mac(struct esp_sa *sa, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                     uint8_t *out)
{
    if (sa->tf.integ == ESP_INTEG_XCBC_96)
        return xcbc_mac(sa, a, alen, b, blen, out);
    size_t olen;
    if (!EVP_MAC_init(sa->hmac, NULL, 0, NULL) || !EVP_MAC_update(sa->hmac, a, alen) ||
        (blen && !EVP_MAC_update(sa->hmac, b, blen)) || !EVP_MAC_final(sa->hmac, out, &olen, 64))
        return -1;
    return 0;
}

/* GCM (RFC 4106) or GMAC (RFC 4543) over one packet; enc: outbound. For
 * GMAC everything after the ESP header is additional authenticated data. */
static int gcm_run(struct esp_sa *sa, bool enc, uint64_t seq, const uint8_t *hdr, const uint8_t *iv,
                   const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag)
{
    uint8_t nonce[12], aad[12];
    memcpy(nonce, sa->salt, 4);
    memcpy(nonce + 4, iv, 8);
    size_t alen = 8;
    memcpy(aad, hdr, 4);
    if (sa->esn) { /* RFC 4106 5: SPI, the 64-bit sequence number */
        wr32(aad + 4, (uint32_t)(seq >> 32));
        alen = 12;
    }
    memcpy(aad + alen - 4, hdr + 4, 4);
    int n;
    unsigned icv = sa->tf.icv_len;
    EVP_CIPHER_CTX *c = sa->cipher;
    if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, enc) || !EVP_CipherUpdate(c, NULL, &n, aad, (int)alen))
        return -1;
    if (sa->tf.cipher == ESP_CIPHER_NULL_GMAC) {
        if (!EVP_CipherUpdate(c, NULL, &n, iv, 8) || !EVP_CipherUpdate(c, NULL, &n, in, (int)len))
            return -1;
        if (out != in)
            memmove(out, in, len);
    } else if (len && !EVP_CipherUpdate(c, out, &n, in, (int)len)) {
        return -1;
    }
    if (!enc && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)icv, tag))
        return -1;
    if (!EVP_CipherFinal_ex(c, out + len, &n))
        return -2; /* the tag does not verify */
    if (enc && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, (int)icv, tag))
        return -1;
    return 0;
}

/* ---- outbound ----------------------------------------------------------------------- */

static enum esp_result count(struct esp_sa *sa, enum esp_result r)
{
    sa->st.errors[r]++;
    return r;
}

static bool over_hard(struct esp_sa *sa, size_t len)
{
    if (sa->st.hard_expired)
        return true;
    if (sa->hard_bytes && sa->bytes + len > sa->hard_bytes) {
        sa->st.hard_expired = true;
        return true;
    }
    return false;
}

static void account(struct esp_sa *sa, size_t len)
{
    sa->st.packets++;
    sa->st.octets += len;
    sa->bytes += len;
    if (sa->soft_bytes && sa->bytes >= sa->soft_bytes)
        sa->st.soft_expired = true;
}

/* chained: CBC without a per-packet IV set-up. iv is then a random block:
 * encrypted on the running chain its ciphertext is the wire IV, and the
 * body follows on the same chain (CBC with that IV), as unpredictable as a
 * fresh random IV and without re-initialising the context. */
static enum esp_result encap(struct esp_sa *sa, const uint8_t *iv, bool chained, const uint8_t *payload,
                             size_t len, uint8_t next_header, uint8_t *out, size_t cap, size_t *out_len)
{
    if (over_hard(sa, len))
        return count(sa, ESP_EXPIRED);
    /* RFC 4303 3.3.3: the counter never cycles; a new SA is needed */
    if (sa->esn ? sa->st.seq == UINT64_MAX : sa->st.seq >= UINT32_MAX)
        return count(sa, ESP_SEQ_EXHAUSTED);
    size_t padded = (len + 2 + sa->align - 1) / sa->align * sa->align;
    size_t pad = padded - len - 2;
    size_t total = ESP_HDR + sa->iv_len + padded + sa->tf.icv_len;
    if (total > cap)
        return count(sa, ESP_NO_SPACE);
    uint64_t seq = sa->st.seq + 1;
    wr32(out, sa->spi);
    wr32(out + 4, (uint32_t)seq);
    memcpy(out + ESP_HDR, iv, sa->iv_len);
    uint8_t *body = out + ESP_HDR + sa->iv_len;
    memmove(body, payload, len);
    for (size_t i = 0; i < pad; i++) /* RFC 4303 2.4: 1, 2, 3, ... */
        body[len + i] = (uint8_t)(i + 1);
    body[len + pad] = (uint8_t)pad;
    body[len + pad + 1] = next_header;
    uint8_t *icv = body + padded;
    sa->st.seq = seq;
    uint8_t hi[4], mac[64];
    wr32(hi, (uint32_t)(seq >> 32));
    int n;
    switch (sa->tf.cipher) {
    case ESP_CIPHER_AES_CBC:
        if (chained) {
            if (!EVP_CipherUpdate(sa->cipher, out + ESP_HDR, &n, out + ESP_HDR, 16) ||
                !EVP_CipherUpdate(sa->cipher, body, &n, body, (int)padded))
                goto crypto;
        } else if (!EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, iv, 1) ||
                   !EVP_CipherUpdate(sa->cipher, body, &n, body, (int)padded)) {
            goto crypto;
        }
        /* fall through */
    case ESP_CIPHER_NULL:
        if (sa->tf.integ != ESP_INTEG_NONE) {
            /* RFC 4303 2.2.1: the ESN high half counts in the ICV, unsent */
            if (integ_mac(sa, out, (size_t)(icv - out), hi, sa->esn ? 4 : 0, mac) != 0)
                goto crypto;
            memcpy(icv, mac, sa->tf.icv_len);
        }
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC:
        if (gcm_run(sa, true, seq, out, iv, body, body, padded, icv) != 0)
            goto crypto;
        break;
    }
    account(sa, len);
    *out_len = total;
    return ESP_OK;
crypto:
    return count(sa, ESP_DECRYPT);
}

enum esp_result esp_encap_iv(struct esp_sa *sa, const uint8_t *iv, const uint8_t *payload, size_t len,
                             uint8_t next_header, uint8_t *out, size_t cap, size_t *out_len)
{
    return encap(sa, iv, false, payload, len, next_header, out, cap, out_len);
}

enum esp_result esp_encap(struct esp_sa *sa, const uint8_t *payload, size_t len, uint8_t next_header,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t iv[16];
    if (sa->tf.cipher == ESP_CIPHER_AES_CBC) {
        /* RFC 3602 2.3: unpredictable IVs, drawn from OpenSSL in bulk */
        if (iv_used + 16 > IV_POOL) {
            if (RAND_bytes(iv_pool, IV_POOL) != 1)
                return count(sa, ESP_DECRYPT);
            iv_used = 0;
        }
        memcpy(iv, iv_pool + iv_used, 16);
        OPENSSL_cleanse(iv_pool + iv_used, 16); /* each IV once */
        iv_used += 16;
    } else {
        wr32(iv, (uint32_t)((sa->st.seq + 1) >> 32)); /* RFC 4106 3.1: the counter */
        wr32(iv + 4, (uint32_t)(sa->st.seq + 1));
    }
    return encap(sa, iv, sa->tf.cipher == ESP_CIPHER_AES_CBC, payload, len, next_header, out, cap,
                 out_len);
}

/* ---- inbound ------------------------------------------------------------------------ */

/* RFC 4303 A2.1: the high half of a received number from the window. */
static uint64_t infer_seq(const struct esp_sa *sa, uint32_t low)
{
    if (!sa->esn)
        return low;
    uint32_t w = sa->window ? sa->window : 64;
    uint32_t tl = (uint32_t)sa->seq, th = (uint32_t)(sa->seq >> 32);
    uint32_t hi;
    if (tl >= w - 1) { /* case A: the window is within one subspace */
        hi = low >= tl - w + 1 ? th : th + 1;
    } else {           /* case B: it spans two */
        if (low >= tl - w + 1 && th == 0)
            return 0;  /* below the first subspace: too old */
        hi = low >= tl - w + 1 ? th - 1 : th;
    }
    return (uint64_t)hi << 32 | low;
}

static bool bit_get(const struct esp_sa *sa, uint64_t seq)
{
    uint64_t b = seq % ESP_REPLAY_MAX;
    return (sa->bitmap[b / 64] >> (b % 64)) & 1;
}

static enum esp_result replay_check(const struct esp_sa *sa, uint64_t seq)
{
    if (!sa->window)
        return ESP_OK;
    if (seq == 0)
        return ESP_TOO_OLD;
    if (seq > sa->seq)
        return ESP_OK;
    if (sa->seq - seq >= sa->window)
        return ESP_TOO_OLD;
    return bit_get(sa, seq) ? ESP_REPLAY : ESP_OK;
}

static void replay_update(struct esp_sa *sa, uint64_t seq)
{
    if (seq > sa->seq) {
        uint64_t diff = seq - sa->seq;
        if (diff >= ESP_REPLAY_MAX) {
            memset(sa->bitmap, 0, sizeof sa->bitmap);
        } else {
            for (uint64_t s = sa->seq + 1; s < seq; s++) {
                uint64_t b = s % ESP_REPLAY_MAX;
                sa->bitmap[b / 64] &= ~(1ull << (b % 64));
            }
        }
        sa->seq = seq;
    }
    uint64_t b = seq % ESP_REPLAY_MAX;
    sa->bitmap[b / 64] |= 1ull << (b % 64);
}

enum esp_result esp_decap(struct esp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out, size_t cap,
                          size_t *out_len, uint8_t *next_header)
{
    size_t icv_len = sa->tf.icv_len, head = ESP_HDR + sa->iv_len;
    if (len < head + icv_len + sa->align)
        return count(sa, ESP_SHORT);
    size_t body = len - head - icv_len;
    if (body % sa->align)
        return count(sa, ESP_ALIGN);
    if (body > cap)
        return count(sa, ESP_NO_SPACE);
    if (sa->st.hard_expired)
        return count(sa, ESP_EXPIRED);
    uint64_t seq = infer_seq(sa, rd32(esp + 4));
    enum esp_result r = replay_check(sa, seq);
    if (r != ESP_OK)
        return count(sa, r);
    const uint8_t *iv = esp + ESP_HDR, *icv = esp + len - icv_len;
    uint8_t hi[4], mac[64];
    wr32(hi, (uint32_t)(seq >> 32));
    int n;
    switch (sa->tf.cipher) {
    case ESP_CIPHER_AES_CBC:
    case ESP_CIPHER_NULL:
        if (sa->tf.integ != ESP_INTEG_NONE) {
            /* the ICV first: nothing is decrypted for a forged packet */
            if (integ_mac(sa, esp, len - icv_len, hi, sa->esn ? 4 : 0, mac) != 0)
                return count(sa, ESP_DECRYPT);
            if (CRYPTO_memcmp(mac, icv, icv_len) != 0)
                return count(sa, ESP_ICV);
        }
        if (sa->tf.cipher == ESP_CIPHER_NULL) {
            memcpy(out, esp + head, body);
        } else {
            /* on the running chain: the IV block decrypts to nothing useful,
             * then the body to its plaintext (CBC with that IV), without a
             * per-packet context set-up */
            uint8_t junk[16];
            if (!EVP_CipherUpdate(sa->cipher, junk, &n, iv, 16) ||
                !EVP_CipherUpdate(sa->cipher, out, &n, esp + head, (int)body))
                return count(sa, ESP_DECRYPT);
        }
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC: {
        uint8_t tag[16];
        memcpy(tag, icv, icv_len);
        int rc = gcm_run(sa, false, seq, esp, iv, esp + head, out, body, tag);
        if (rc == -2)
            return count(sa, ESP_ICV);
        if (rc != 0)
            return count(sa, ESP_DECRYPT);
        break;
    }
    }
    uint8_t pad = out[body - 2], nh = out[body - 1];
    if ((size_t)pad + 2 > body)
        return count(sa, ESP_PAD);
    size_t plen = body - 2 - pad;
    for (unsigned i = 0; i < pad; i++)
        if (out[plen + i] != (uint8_t)(i + 1))
            return count(sa, ESP_PAD);
    if (over_hard(sa, plen))
        return count(sa, ESP_EXPIRED);
    /* authentic from here on: the window moves even for dummy packets */
    replay_update(sa, seq);
    sa->st.seq = sa->seq;
    if (nh == 59) /* RFC 4303 2.6: dummy packet, silently discarded */
        return count(sa, ESP_DUMMY);
    if (nh != 4 && nh != 41)
        return count(sa, ESP_NEXT_HEADER);
    account(sa, plen);
    *out_len = plen;
    *next_header = nh;
    return ESP_OK;
}

int esp_sa_tick(struct esp_sa *sa, uint64_t now_ms)
{
    if (!sa->created_ms)
        sa->created_ms = now_ms;
    /* a clock read just before the SA was installed: age 0 */
    uint64_t age_s = now_ms > sa->created_ms ? (now_ms - sa->created_ms) / 1000 : 0;
    if (sa->hard_secs && age_s >= sa->hard_secs)
        sa->st.hard_expired = true;
    if (sa->soft_secs && age_s >= sa->soft_secs)
        sa->st.soft_expired = true;
    if (sa->st.hard_expired && !sa->hard_told) {
        sa->hard_told = sa->soft_told = true;
        return 2;
    }
    if (sa->st.soft_expired && !sa->soft_told) {
        sa->soft_told = true;
        return 1;
    }
    return 0;
}

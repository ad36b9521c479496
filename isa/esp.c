/* ESP (RFC 4303) in tunnel mode: encapsulation, decapsulation, anti-replay
 * with extended sequence numbers, lifetimes. Every cipher and MAC is
 * OpenSSL's. An SA keeps only its keys: its keyed OpenSSL contexts live in a
 * bounded per-process cache of slots, re-keyed when an SA finds its slot
 * taken, and only re-IVed per packet while it keeps it. */
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

/* Context slots per process. A keyed slot holds ~1.3 KB (AES-GCM) to ~2 KB
 * (AES-CBC with HMAC) of OpenSSL state, so 4096 slots cap that at 5-8 MB
 * whatever the number of SAs (32,000 tunnels, 64,000 SAs, all keyed would
 * take 80-130 MB). The price is a re-key on the first packet of an SA that
 * lost its slot (0.6 us for AES-GCM to 2 us for CBC with HMAC-SHA-512: key
 * schedule, GCM hash key, HMAC pads): traffic spread evenly over more SAs than
 * slots pays it on every packet, so the cap is how many SAs can be busy at
 * once at full speed. */
#define ESP_CTX_CAP 4096

/* One slot: the keyed contexts of one SA at a time. Free slots hold none. */
struct esp_ctx {
    struct esp_sa *owner;      /* NULL: on the free list */
    struct esp_ctx *prev, *next; /* the LRU list (most recent first), or the free list */
    EVP_CIPHER_CTX *cipher;    /* CBC, GCM, GMAC */
    EVP_CIPHER_CTX *xcbc;      /* AES-128-CBC keyed with K1 (RFC 3566) */
    EVP_MAC_CTX *hmac;
    enum esp_integ hmac_integ; /* the digest `hmac` runs */
};

struct esp_sa {
    struct esp_ctx *ctx;       /* its keyed slot, NULL when it has none (never taken,
                                  or taken by another SA since) */
    uint32_t spi;
    bool inbound, esn, soft_told, hard_told;
    bool keyed;                /* needs contexts: everything but null encryption with no ICV */
    uint8_t iv_len, align;     /* explicit IV on the wire; ciphertext alignment */
    uint8_t replay_words;      /* inbound: 64-bit words of the replay bitmap, a power of two */
    uint8_t enc_len, auth_len; /* key bytes in the tail */
    uint16_t window;           /* inbound */
    struct esp_transform tf;
    uint64_t bytes, soft_bytes, hard_bytes, soft_secs, hard_secs, created_ms;
    struct esp_sa_stats st;    /* st.seq inbound: the top of the replay window */
    /* sized per SA: the replay bitmap (replay_words), then the encryption key
     * (GCM/GMAC: with the salt), then the authentication key (XCBC: K1, K2,
     * K3); outbound SAs have no bitmap */
    uint64_t tail[];
};

/* Shared by every SA of the (single-threaded) process: an SA stays small
 * enough for tens of thousands of tunnels. */
static uint8_t iv_pool[IV_POOL];
static size_t iv_used = IV_POOL;
static uint8_t scratch[SCRATCH];

static struct {
    struct esp_ctx *head, *tail; /* keyed slots, most recently used first */
    struct esp_ctx *free;      /* slots without contexts, through next */
    size_t cap, live, spare;
    uint64_t misses, evictions;
    EVP_MAC *hmac;             /* fetched once */
} cache = { .cap = ESP_CTX_CAP };

const char *esp_result_name(enum esp_result r)
{
    static const char *const names[] = {
#define X(id, name) name,
        ESP_RESULTS(X)
#undef X
    };
    return (unsigned)r < ESP_RESULT_MAX ? names[r] : "?";
}

static size_t sa_size(unsigned replay_words, size_t enc_len, size_t auth_len)
{
    return sizeof(struct esp_sa) + replay_words * sizeof(uint64_t) + enc_len + auth_len;
}

static uint8_t *enc_key(const struct esp_sa *sa) { return (uint8_t *)(sa->tail + sa->replay_words); }
static uint8_t *auth_key(const struct esp_sa *sa) { return enc_key(sa) + sa->enc_len; }

/* ---- algorithms --------------------------------------------------------------------- */

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
static int xcbc_derive(const uint8_t *key, uint8_t derived[48])
{
    uint8_t consts[48];
    for (int i = 0; i < 48; i++)
        consts[i] = (uint8_t)(i / 16 + 1);
    EVP_CIPHER_CTX *ecb = EVP_CIPHER_CTX_new();
    int n = 0, ok = ecb && EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, key, NULL) &&
                    EVP_CIPHER_CTX_set_padding(ecb, 0) &&
                    EVP_EncryptUpdate(ecb, derived, &n, consts, 48) && n == 48;
    EVP_CIPHER_CTX_free(ecb);
    return ok ? 0 : -1;
}

/* ---- the context cache -------------------------------------------------------------- */

/* A cipher context keyed for alg; one that already runs alg is re-keyed in
 * place (OpenSSL keeps its provider context: no allocation). */
static int cipher_key(EVP_CIPHER_CTX **cp, const EVP_CIPHER *alg, const uint8_t *key, int enc,
                      bool no_padding)
{
    if (!*cp && !(*cp = EVP_CIPHER_CTX_new()))
        return -1;
    EVP_CIPHER_CTX *c = *cp;
    if (EVP_CIPHER_CTX_get0_cipher(c) && EVP_CIPHER_CTX_get_nid(c) == EVP_CIPHER_get_nid(alg))
        alg = NULL;
    if (!EVP_CipherInit_ex(c, alg, NULL, key, NULL, enc) ||
        (no_padding && !EVP_CIPHER_CTX_set_padding(c, 0)))
        return -1;
    return 0;
}

/* Keys slot c for sa: the contexts sa needs, and no others. */
static int slot_key(struct esp_ctx *c, const struct esp_sa *sa)
{
    const struct esp_transform *t = &sa->tf;
    if (t->cipher == ESP_CIPHER_NULL) {
        EVP_CIPHER_CTX_free(c->cipher);
        c->cipher = NULL;
    } else if (cipher_key(&c->cipher, aes_cipher(t), enc_key(sa), !sa->inbound,
                          t->cipher == ESP_CIPHER_AES_CBC) != 0) {
        return -1;
    }
    if (t->integ != ESP_INTEG_XCBC_96) {
        EVP_CIPHER_CTX_free(c->xcbc);
        c->xcbc = NULL;
    } else if (cipher_key(&c->xcbc, EVP_aes_128_cbc(), auth_key(sa), 1, true) != 0) {
        return -1;
    }
    const char *digest = hmac_digest(t->integ);
    if (!digest) {
        EVP_MAC_CTX_free(c->hmac);
        c->hmac = NULL;
        c->hmac_integ = ESP_INTEG_NONE;
        return 0;
    }
    if (!cache.hmac && !(cache.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
        return -1;
    if (!c->hmac && !(c->hmac = EVP_MAC_CTX_new(cache.hmac)))
        return -1;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    /* the digest only when it changes: setting it fetches it again */
    bool same = c->hmac_integ == t->integ;
    c->hmac_integ = ESP_INTEG_NONE;
    if (!EVP_MAC_init(c->hmac, auth_key(sa), sa->auth_len, same ? NULL : params))
        return -1;
    c->hmac_integ = t->integ;
    return 0;
}

static void lru_unlink(struct esp_ctx *c)
{
    *(c->prev ? &c->prev->next : &cache.head) = c->next;
    *(c->next ? &c->next->prev : &cache.tail) = c->prev;
    c->prev = c->next = NULL;
}

static void lru_push_front(struct esp_ctx *c)
{
    c->prev = NULL;
    c->next = cache.head;
    *(cache.head ? &cache.head->prev : &cache.tail) = c;
    cache.head = c;
}

/* A keyed slot (off the LRU list) or one being keyed back to the free
 * list: its contexts are freed, and OpenSSL cleanses their keys. */
static void slot_release(struct esp_ctx *c)
{
    EVP_CIPHER_CTX_free(c->cipher);
    EVP_CIPHER_CTX_free(c->xcbc);
    EVP_MAC_CTX_free(c->hmac);
    c->cipher = c->xcbc = NULL;
    c->hmac = NULL;
    c->hmac_integ = ESP_INTEG_NONE;
    if (c->owner) {
        c->owner->ctx = NULL;
        c->owner = NULL;
        cache.live--;
    }
    c->prev = NULL;
    c->next = cache.free;
    cache.free = c;
    cache.spare++;
}

/* The miss: a free slot, a new one below the cap, or the least recently
 * used one, keyed for sa. NULL when memory or OpenSSL fails. Out of line:
 * the hit path stays small enough to inline. */
static __attribute__((noinline)) struct esp_ctx *ctx_miss(struct esp_sa *sa)
{
    struct esp_ctx *c = cache.free;
    if (c) {
        cache.free = c->next;
        cache.spare--;
    } else if (cache.live < cache.cap) {
        if (!(c = calloc(1, sizeof *c)))
            return NULL;
    } else {
        c = cache.tail;
        lru_unlink(c);
        c->owner->ctx = NULL;
        cache.live--;
        cache.evictions++;
    }
    cache.misses++;
    cache.live++;
    c->owner = sa;
    sa->ctx = c;
    if (slot_key(c, sa) != 0) {
        slot_release(c);
        return NULL;
    }
    lru_push_front(c);
    return c;
}

/* The hot path: the SA still holds its slot. */
static inline struct esp_ctx *sa_ctx(struct esp_sa *sa)
{
    struct esp_ctx *c = sa->ctx;
    if (!c)
        return ctx_miss(sa);
    if (c != cache.head) {
        lru_unlink(c);
        lru_push_front(c);
    }
    return c;
}

void esp_cache_stats(struct esp_cache_stats *st)
{
    *st = (struct esp_cache_stats){ .cap = cache.cap, .live = cache.live, .spare = cache.spare,
                                    .misses = cache.misses, .evictions = cache.evictions };
}

/* Slots above the cap go: spare ones first, then the least recently used. */
static void cache_trim(size_t cap)
{
    while (cache.live + cache.spare > cap) {
        if (!cache.free) {
            struct esp_ctx *c = cache.tail;
            lru_unlink(c);
            slot_release(c);
        }
        struct esp_ctx *f = cache.free;
        cache.free = f->next;
        cache.spare--;
        free(f);
    }
}

int esp_cache_set_cap(size_t cap)
{
    if (cap == 0)
        return -1;
    cache_trim(cap);
    cache.cap = cap;
    return 0;
}

void esp_cache_free(void)
{
    cache_trim(0);
    EVP_MAC_free(cache.hmac);
    cache.hmac = NULL;
    cache.misses = cache.evictions = 0;
}

/* ---- SA setup ---------------------------------------------------------------------- */

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, char *err, size_t errlen)
{
    const struct esp_transform *t = &p->tf;
    struct esp_sa *sa = NULL;
    if (p->spi == 0) { /* RFC 4303 2.1: reserved, never on the wire */
        snprintf(err, errlen, "SPI 0 is reserved");
        goto fail;
    }
    if (p->replay_window > ESP_REPLAY_MAX) {
        snprintf(err, errlen, "replay-window %u is larger than %u", p->replay_window,
                 ESP_REPLAY_MAX);
        goto fail;
    }
    if (t->cipher == ESP_CIPHER_NULL ? t->key_bits != 0
                                     : t->key_bits != 128 && t->key_bits != 192 && t->key_bits != 256) {
        snprintf(err, errlen, "no AES with %u-bit keys", t->key_bits);
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
    /* the replay bitmap: a ring of at least the window's bits */
    unsigned words = 0;
    if (p->inbound && p->replay_window)
        for (words = 1; words * 64 < p->replay_window; words *= 2)
            ;
    size_t auth_len = t->integ == ESP_INTEG_XCBC_96 ? 48 : p->auth_key_len;
    sa = calloc(1, sa_size(words, p->enc_key_len, auth_len));
    if (!sa) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    sa->spi = p->spi;
    sa->inbound = p->inbound;
    sa->esn = p->esn;
    sa->tf = *t;
    sa->window = (uint16_t)p->replay_window;
    sa->replay_words = (uint8_t)words;
    sa->enc_len = (uint8_t)p->enc_key_len;
    sa->auth_len = (uint8_t)auth_len;
    sa->st.seq = p->first_seq ? p->first_seq - 1 : 0;
    sa->soft_bytes = p->soft_bytes;
    sa->hard_bytes = p->hard_bytes;
    sa->soft_secs = p->soft_secs;
    sa->hard_secs = p->hard_secs;
    sa->created_ms = p->created_ms;
    sa->keyed = t->cipher != ESP_CIPHER_NULL || t->integ != ESP_INTEG_NONE;
    if (p->enc_key_len)
        memcpy(enc_key(sa), p->enc_key, p->enc_key_len);
    if (t->integ == ESP_INTEG_XCBC_96) {
        if (xcbc_derive(p->auth_key, auth_key(sa)) != 0)
            goto crypto;
    } else if (p->auth_key_len) {
        memcpy(auth_key(sa), p->auth_key, p->auth_key_len);
    }
    switch (t->cipher) {
    case ESP_CIPHER_NULL:
        sa->align = 4;
        break;
    case ESP_CIPHER_AES_CBC:
        sa->iv_len = sa->align = 16;
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC:
        sa->iv_len = 8;
        sa->align = 4;
        break;
    }
    /* keyed now: a key OpenSSL refuses fails here, not on the first packet */
    if (sa->keyed && !ctx_miss(sa))
        goto crypto;
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
    if (sa->ctx) {
        lru_unlink(sa->ctx);
        slot_release(sa->ctx);
    }
    OPENSSL_cleanse(sa, sa_size(sa->replay_words, sa->enc_len, sa->auth_len));
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
static int xcbc_mac(const struct esp_sa *sa, EVP_CIPHER_CTX *k1, const uint8_t *a, size_t alen,
                    const uint8_t *b, size_t blen, uint8_t out[16])
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
        if (!EVP_EncryptInit_ex(k1, NULL, NULL, NULL, zero) ||
            !EVP_EncryptUpdate(k1, scratch, &n, m, (int)(full * 16)))
            return -1;
        memcpy(e, scratch + full * 16 - 16, 16);
    }
    size_t rest = len - full * 16;
    const uint8_t *k = auth_key(sa) + (rest == 16 ? 16 : 32); /* K2 or K3 */
    memset(last, 0, 16);
    memcpy(last, m + full * 16, rest);
    if (rest < 16)
        last[rest] = 0x80;
    for (int i = 0; i < 16; i++)
        last[i] ^= k[i];
    /* E_K1(M[n] ^ K ^ E): one CBC block with E as the IV */
    if (!EVP_EncryptInit_ex(k1, NULL, NULL, NULL, e) || !EVP_EncryptUpdate(k1, out, &n, last, 16))
        return -1;
    return 0;
}

/* The ICV of a ‖ b into out (full length; the caller truncates). */
static int integ_mac(const struct esp_sa *sa, struct esp_ctx *x, const uint8_t *a, size_t alen,
                     const uint8_t *b, size_t blen, uint8_t *out)
{
    if (sa->tf.integ == ESP_INTEG_XCBC_96)
        return xcbc_mac(sa, x->xcbc, a, alen, b, blen, out);
    size_t olen;
    if (!EVP_MAC_init(x->hmac, NULL, 0, NULL) || !EVP_MAC_update(x->hmac, a, alen) ||
        (blen && !EVP_MAC_update(x->hmac, b, blen)) || !EVP_MAC_final(x->hmac, out, &olen, 64))
        return -1;
    return 0;
}

/* GCM (RFC 4106) or GMAC (RFC 4543) over one packet; enc: outbound. For
 * GMAC everything after the ESP header is additional authenticated data. */
static int gcm_run(const struct esp_sa *sa, EVP_CIPHER_CTX *c, bool enc, uint64_t seq,
                   const uint8_t *hdr, const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len,
                   uint8_t *tag)
{
    uint8_t nonce[12], aad[12];
    memcpy(nonce, enc_key(sa) + sa->tf.key_bits / 8, 4); /* the salt */
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
    struct esp_ctx *x = NULL;
    if (sa->keyed && !(x = sa_ctx(sa)))
        return count(sa, ESP_DECRYPT);
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
            if (!EVP_CipherUpdate(x->cipher, out + ESP_HDR, &n, out + ESP_HDR, 16) ||
                !EVP_CipherUpdate(x->cipher, body, &n, body, (int)padded))
                goto crypto;
        } else if (!EVP_CipherInit_ex(x->cipher, NULL, NULL, NULL, iv, 1) ||
                   !EVP_CipherUpdate(x->cipher, body, &n, body, (int)padded)) {
            goto crypto;
        }
        /* fall through */
    case ESP_CIPHER_NULL:
        if (sa->tf.integ != ESP_INTEG_NONE) {
            /* RFC 4303 2.2.1: the ESN high half counts in the ICV, unsent */
            if (integ_mac(sa, x, out, (size_t)(icv - out), hi, sa->esn ? 4 : 0, mac) != 0)
                goto crypto;
            memcpy(icv, mac, sa->tf.icv_len);
        }
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC:
        if (gcm_run(sa, x->cipher, true, seq, out, iv, body, body, padded, icv) != 0)
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
    uint32_t tl = (uint32_t)sa->st.seq, th = (uint32_t)(sa->st.seq >> 32);
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

/* The bitmap is a ring of replay_words * 64 bits, at least the window: the
 * bit of a number in the window is its own, not an older number's. */
static uint64_t bit_index(const struct esp_sa *sa, uint64_t seq)
{
    return seq & ((uint64_t)sa->replay_words * 64 - 1);
}

static bool bit_get(const struct esp_sa *sa, uint64_t seq)
{
    uint64_t b = bit_index(sa, seq);
    return (sa->tail[b / 64] >> (b % 64)) & 1;
}

static enum esp_result replay_check(const struct esp_sa *sa, uint64_t seq)
{
    if (!sa->window)
        return ESP_OK;
    if (seq == 0)
        return ESP_TOO_OLD;
    if (seq > sa->st.seq)
        return ESP_OK;
    if (sa->st.seq - seq >= sa->window)
        return ESP_TOO_OLD;
    return bit_get(sa, seq) ? ESP_REPLAY : ESP_OK;
}

/* Moves the window's top to seq (the top is kept for ESN without a window). */
static void replay_update(struct esp_sa *sa, uint64_t seq)
{
    uint64_t ring = (uint64_t)sa->replay_words * 64;
    if (seq > sa->st.seq) {
        uint64_t diff = seq - sa->st.seq;
        if (diff >= ring) {
            memset(sa->tail, 0, sa->replay_words * sizeof(uint64_t));
        } else {
            for (uint64_t s = sa->st.seq + 1; s < seq; s++) {
                uint64_t b = bit_index(sa, s);
                sa->tail[b / 64] &= ~(1ull << (b % 64));
            }
        }
        sa->st.seq = seq;
    }
    if (ring) {
        uint64_t b = bit_index(sa, seq);
        sa->tail[b / 64] |= 1ull << (b % 64);
    }
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
    struct esp_ctx *x = NULL;
    if (sa->keyed && !(x = sa_ctx(sa)))
        return count(sa, ESP_DECRYPT);
    const uint8_t *iv = esp + ESP_HDR, *icv = esp + len - icv_len;
    uint8_t hi[4], mac[64];
    wr32(hi, (uint32_t)(seq >> 32));
    int n;
    switch (sa->tf.cipher) {
    case ESP_CIPHER_AES_CBC:
    case ESP_CIPHER_NULL:
        if (sa->tf.integ != ESP_INTEG_NONE) {
            /* the ICV first: nothing is decrypted for a forged packet */
            if (integ_mac(sa, x, esp, len - icv_len, hi, sa->esn ? 4 : 0, mac) != 0)
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
            if (!EVP_CipherUpdate(x->cipher, junk, &n, iv, 16) ||
                !EVP_CipherUpdate(x->cipher, out, &n, esp + head, (int)body))
                return count(sa, ESP_DECRYPT);
        }
        break;
    case ESP_CIPHER_AES_GCM:
    case ESP_CIPHER_NULL_GMAC: {
        uint8_t tag[16];
        memcpy(tag, icv, icv_len);
        int rc = gcm_run(sa, x->cipher, false, seq, esp, iv, esp + head, out, body, tag);
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

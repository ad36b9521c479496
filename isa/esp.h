/* The ESP engine of the ISA (RFC 4303, tunnel mode): one security
 * association per direction, OpenSSL EVP for every cipher and MAC. IKEv2
 * and manual keying only install SAs into it. */
#ifndef SRLAB_ESP_H
#define SRLAB_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_transform.h"

#define ESP_REPLAY_MAX 1024    /* bits; SR OS offers 32..512 */

struct esp_sa_params {
    uint32_t spi;
    bool inbound;
    struct esp_transform tf;
    const uint8_t *enc_key;
    size_t enc_key_len;
    const uint8_t *auth_key;
    size_t auth_key_len;
    bool esn;                  /* RFC 4303 2.2.1: 64-bit sequence numbers */
    unsigned replay_window;    /* inbound; 0: no anti-replay */
    uint64_t soft_bytes, hard_bytes;  /* lifetimes; 0: none */
    uint64_t soft_secs, hard_secs;
    uint64_t first_seq;        /* outbound: the next packet's number (0: 1);
                                  inbound: the window's top starts just below it */
    uint64_t created_ms;       /* on esp_sa_tick's clock; 0: at the first tick */
};

#define ESP_RESULTS(X)                                                                         \
    X(OK, "ok")                                                                                \
    X(SHORT, "esp-too-short")                                                                  \
    X(ALIGN, "esp-bad-length")                                                                 \
    X(REPLAY, "replayed")                                                                      \
    X(TOO_OLD, "sequence-too-old")                                                             \
    X(ICV, "bad-icv")                                                                          \
    X(DECRYPT, "decrypt-error")                                                                \
    X(PAD, "bad-padding")                                                                      \
    X(NEXT_HEADER, "bad-next-header")                                                          \
    X(DUMMY, "dummy-packet")                                                                   \
    X(SEQ_EXHAUSTED, "sequence-exhausted")                                                     \
    X(EXPIRED, "sa-expired")                                                                   \
    X(NO_SPACE, "no-buffer-space")

enum esp_result {
#define X(id, name) ESP_##id,
    ESP_RESULTS(X)
#undef X
    ESP_RESULT_MAX
};
const char *esp_result_name(enum esp_result r);

struct esp_sa_stats {
    uint64_t packets, octets;  /* payload (inner) packets and octets */
    uint64_t seq;              /* outbound: last number sent; inbound: highest accepted */
    uint64_t errors[ESP_RESULT_MAX];
    bool soft_expired, hard_expired;
};

struct esp_sa;

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, char *err, size_t errlen);
void esp_sa_destroy(struct esp_sa **sa);
uint32_t esp_sa_spi(const struct esp_sa *sa);
const struct esp_transform *esp_sa_transform(const struct esp_sa *sa);
const struct esp_sa_stats *esp_sa_stats(const struct esp_sa *sa);
/* The largest number of bytes esp_encap adds to a payload of `len` bytes. */
size_t esp_overhead(const struct esp_sa *sa, size_t len);

/* Outbound: payload (an IPv4 or IPv6 packet; next_header 4 or 41, not
 * checked: known-answer vectors carry others) to an ESP
 * packet at `out` (SPI .. ICV), ready to follow the outer IP or UDP
 * header. The IV comes from the SA (GCM/GMAC: the sequence number, RFC
 * 4106 3.1; CBC: random). */
enum esp_result esp_encap(struct esp_sa *sa, const uint8_t *payload, size_t len,
                          uint8_t next_header, uint8_t *out, size_t cap, size_t *out_len);
/* The same with a given IV (16 bytes CBC, 8 GCM/GMAC; ignored for null):
 * known-answer tests. */
enum esp_result esp_encap_iv(struct esp_sa *sa, const uint8_t *iv, const uint8_t *payload,
                             size_t len, uint8_t next_header, uint8_t *out, size_t cap,
                             size_t *out_len);
/* Inbound: an ESP packet (SPI .. ICV) to its payload. The replay window is
 * checked before the ICV and updated only after it verifies (RFC 4303
 * 3.4.3), dummy packets included; the ICV is checked before anything is
 * decrypted. out must hold the whole decrypted body (payload, padding and
 * trailer). A failure is counted in the SA's stats. */
enum esp_result esp_decap(struct esp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out,
                          size_t cap, size_t *out_len, uint8_t *next_header);

/* Time lifetimes: returns 1 when the SA has just passed its soft limit,
 * 2 when it has just passed the hard one (it then refuses traffic), else 0.
 * Byte lifetimes are checked per packet; their crossing is reported here. */
int esp_sa_tick(struct esp_sa *sa, uint64_t now_ms);

/* An SA keeps its keys; OpenSSL's keyed contexts (most of an SA's memory)
 * live in a per-process cache of slots, held by the most recently used SAs.
 * An SA that finds its slot taken re-keys a free or the least recently used
 * one on its next packet. */
struct esp_cache_stats {
    size_t cap;                /* slots at most */
    size_t live;               /* slots keyed for an SA */
    size_t spare;              /* slots on the free list (no contexts) */
    uint64_t misses;           /* slots keyed for an SA, its creation included */
    uint64_t evictions;        /* slots taken from the least recently used SA */
};
void esp_cache_stats(struct esp_cache_stats *st);
/* At most cap (>= 1) slots; slots above it are freed, the least recently
 * used first. -1 for 0. */
int esp_cache_set_cap(size_t cap);
/* Frees every slot and the cache's OpenSSL objects (at exit). SAs still
 * alive stay usable: they re-key on their next packet. */
void esp_cache_free(void);

#endif

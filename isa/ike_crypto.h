/* IKEv2 cryptography for the ISA (RFC 7296): Diffie-Hellman groups, the
 * PRFs and prf+, IKE SA and CHILD SA keying material, the SK and SKF
 * payloads, and PSK authentication. OpenSSL 3 does every cipher, MAC, hash
 * and group operation; this file only puts bytes where the RFCs say.
 * Numbers are IANA's IKEv2 transform IDs, so a parsed proposal maps 1:1. */
#ifndef SRLAB_IKE_CRYPTO_H
#define SRLAB_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_transform.h"

/* Transform IDs (enum ike_encr, ike_prf, ike_integ, ike_dh_group): ike_msg.h */
#include "ike_msg.h"

#define IKE_PAYLOAD_SK     46  /* RFC 7296 3.14 */
#define IKE_PAYLOAD_SKF    53  /* RFC 7383 2.5 */
#define IKE_PRF_MAX        64  /* longest PRF output and key (HMAC-SHA2-512) */
#define IKE_ENCR_KEY_MAX   36  /* AES-256 and the GCM salt */
#define IKE_INTEG_KEY_MAX  64
#define IKE_DH_PUBLIC_MAX  512 /* MODP 4096 */
#define IKE_SK_ICV_MAX     32

const char *ike_encr_name(uint16_t encr);
const char *ike_prf_name(uint16_t prf);
const char *ike_integ_name(uint16_t integ);
const char *ike_dh_name(uint16_t group);

/* One negotiated IKE SA proposal. */
struct ike_transforms {
    uint16_t encr;             /* enum ike_encr */
    uint16_t encr_bits;        /* Key Length attribute: 128, 192, 256 */
    uint16_t integ;            /* enum ike_integ; IKE_INTEG_NONE with GCM */
    uint16_t prf;              /* enum ike_prf */
    uint16_t dh;               /* enum ike_dh_group; 0 when there is none */
};

/* 0 when every transform is supported and they fit together (GCM without
 * integrity, CBC with one); -1 with the reason. */
int ike_transforms_check(const struct ike_transforms *t, char *err, size_t errlen);
bool ike_encr_is_aead(uint16_t encr);
/* SK_e length: GCM's includes the 4-byte salt (RFC 5282); 0 unsupported. */
size_t ike_encr_key_len(uint16_t encr, unsigned bits);
size_t ike_integ_key_len(uint16_t integ);
size_t ike_integ_icv_len(uint16_t integ);

/* ---- Diffie-Hellman ----------------------------------------------------------------- */

#define IKE_DH_RESULTS(X)                                                                      \
    X(OK, "ok")                                                                                \
    X(BAD_LENGTH, "ke-bad-length")                                                             \
    X(BAD_VALUE, "ke-invalid-public-value")                                                    \
    X(NO_SPACE, "no-buffer-space")                                                             \
    X(CRYPTO, "crypto-error")

enum ike_dh_result {
#define X(id, name) IKE_DH_##id,
    IKE_DH_RESULTS(X)
#undef X
    IKE_DH_RESULT_MAX
};
const char *ike_dh_result_name(enum ike_dh_result r);

struct ike_dh;

bool ike_dh_supported(uint16_t group);
/* Key Exchange Data length: the prime's length for MODP (RFC 7296 3.4),
 * x | y for ECP (RFC 5903 7), 32 for Curve25519; 0 unsupported. */
size_t ike_dh_public_len(uint16_t group);
/* g^ir length: the prime's, the field's (x only, RFC 5903 7), or 32. */
size_t ike_dh_shared_len(uint16_t group);
/* A fresh key pair; NULL for an unsupported group. */
struct ike_dh *ike_dh_new(uint16_t group);
/* A key pair from a given private value (big-endian; little-endian scalar
 * for Curve25519 as RFC 7748 prints it): known-answer tests only. */
struct ike_dh *ike_dh_new_with_private(uint16_t group, const uint8_t *priv, size_t len);
void ike_dh_destroy(struct ike_dh **dh);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our Key Exchange Data into buf: its length, or -1 if cap is short. */
int ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t cap);
/* g^ir from the peer's Key Exchange Data. The peer value is checked first
 * (RFC 6989, SP 800-56A 5.6.2.3): the exact length; MODP 1 < y < p-1 and,
 * as OpenSSL's full check adds, y^q = 1; ECP a point on the curve; Curve25519
 * a non-zero result (RFC 8031). BAD_VALUE is for the peer's KE payload, the
 * others are local. The secret is the caller's to cleanse. */
enum ike_dh_result ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
                                 uint8_t *out, size_t cap, size_t *out_len);

/* ---- PRF ---------------------------------------------------------------------------- */

/* Output length; 0 for an unknown PRF. */
size_t ike_prf_len(uint16_t prf);
/* Preferred key length: SK_d, SK_pi, SK_pr (RFC 7296 2.13, 2.14). */
size_t ike_prf_key_len(uint16_t prf);
/* prf(key, data) into out (ike_prf_len bytes). Any key length: HMAC's own
 * rule, or RFC 4434's for AES-XCBC-PRF-128. 0 / -1. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
            uint8_t *out);
/* prf+ (RFC 7296 2.13): len bytes of T1 | T2 | ..., at most 255 blocks. */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len, const uint8_t *seed,
                 size_t seed_len, uint8_t *out, size_t len);

/* ---- IKE SA and CHILD SA keys ------------------------------------------------------- */

struct ike_sa_keys {
    struct ike_transforms tf;
    size_t seed_len;           /* SKEYSEED: the output length of the PRF that made it */
    size_t d_len, a_len, e_len, p_len;
    uint8_t skeyseed[IKE_PRF_MAX];
    uint8_t sk_d[IKE_PRF_MAX];
    uint8_t sk_ai[IKE_INTEG_KEY_MAX], sk_ar[IKE_INTEG_KEY_MAX]; /* none with GCM */
    uint8_t sk_ei[IKE_ENCR_KEY_MAX], sk_er[IKE_ENCR_KEY_MAX];   /* GCM: key | salt */
    uint8_t sk_pi[IKE_PRF_MAX], sk_pr[IKE_PRF_MAX];
};

/* RFC 7296 2.14: SKEYSEED = prf(Ni | Nr, g^ir), the seven keys from
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). AES-XCBC-PRF-128 keys SKEYSEED with
 * the first 8 bytes of each nonce only. Nonces are 16..256 bytes (3.9); the
 * SPIs are the IKE header's 8 bytes each. 0 / -1. */
int ike_sa_keys_derive(struct ike_sa_keys *k, const struct ike_transforms *t, const uint8_t *gir,
                       size_t gir_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                       size_t nr_len, const uint8_t spi_i[8], const uint8_t spi_r[8]);
/* RFC 7296 2.18: the new IKE SA's keys after a CREATE_CHILD_SA rekey:
 * SKEYSEED = prf_old(SK_d old, g^ir new | Ni | Nr), then prf+ with the new
 * SA's PRF over the new nonces and SPIs (the SA payload's, not the header's).
 * strongSwan 5.9 runs that prf+ with the old PRF too: the two differ only if
 * a rekey changes the PRF. */
int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_transforms *t,
                      const struct ike_sa_keys *old, const uint8_t *gir, size_t gir_len,
                      const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
                      const uint8_t spi_i[8], const uint8_t spi_r[8]);
void ike_sa_keys_clear(struct ike_sa_keys *k);

/* One CHILD SA's ESP keys; "i" protects initiator -> responder traffic
 * (the initiator's outbound SA), "r" the other direction. */
struct ike_child_keys {
    size_t enc_len, auth_len;  /* esp_enc_key_len, esp_auth_key_len */
    uint8_t ei[IKE_ENCR_KEY_MAX], ai[IKE_INTEG_KEY_MAX];
    uint8_t er[IKE_ENCR_KEY_MAX], ar[IKE_INTEG_KEY_MAX];
};

/* RFC 7296 2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken as
 * encryption then integrity key for initiator -> responder, then the same
 * for responder -> initiator. gir NULL without PFS; Ni, Nr are IKE_SA_INIT's
 * for the first CHILD SA, the CREATE_CHILD_SA exchange's after. 0 / -1. */
int ike_child_keys_derive(struct ike_child_keys *c, const struct ike_sa_keys *sa,
                          const struct esp_transform *esp, const uint8_t *gir, size_t gir_len,
                          const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len);
void ike_child_keys_clear(struct ike_child_keys *c);

/* ---- SK and SKF payloads ------------------------------------------------------------ */

/* The keys protecting one direction of an IKE SA. */
struct ike_sk_keys {
    uint16_t encr, encr_bits, integ;
    size_t ek_len, ak_len;
    uint8_t ek[IKE_ENCR_KEY_MAX], ak[IKE_INTEG_KEY_MAX];
};

/* SK_ei/SK_ai (from_initiator) or SK_er/SK_ar: what protects the messages
 * that side sends, whoever sends the request. */
void ike_sk_keys_from_sa(struct ike_sk_keys *k, const struct ike_sa_keys *sa, bool from_initiator);
void ike_sk_keys_clear(struct ike_sk_keys *k);

#define IKE_SK_RESULTS(X)                                                                      \
    X(OK, "ok")                                                                                \
    X(SHORT, "sk-too-short")                                                                   \
    X(LENGTH, "length-mismatch")                                                               \
    X(ALIGN, "sk-bad-length")                                                                  \
    X(ICV, "bad-icv")                                                                          \
    X(PAD, "bad-padding")                                                                      \
    X(NO_SPACE, "no-buffer-space")                                                             \
    X(TOO_LONG, "message-too-long")                                                            \
    X(KEYS, "bad-keys")                                                                        \
    X(CRYPTO, "crypto-error")

enum ike_sk_result {
#define X(id, name) IKE_SK_##id,
    IKE_SK_RESULTS(X)
#undef X
    IKE_SK_RESULT_MAX
};
const char *ike_sk_result_name(enum ike_sk_result r);

/* The SK payload's generic header: 4 bytes; SKF's adds Fragment Number and
 * Total Fragments: 8. kind is IKE_PAYLOAD_SK or IKE_PAYLOAD_SKF. */
size_t ike_sk_header_len(uint8_t kind);
size_t ike_sk_iv_len(const struct ike_sk_keys *k);
size_t ike_sk_icv_len(const struct ike_sk_keys *k);
/* Where the plaintext goes in the message, so a caller can build the inner
 * payloads in place: sk_off + header + IV. */
size_t ike_sk_plain_off(const struct ike_sk_keys *k, uint8_t kind, size_t sk_off);
/* The whole SK/SKF payload (generic header .. ICV) for plain_len bytes. */
size_t ike_sk_payload_len(const struct ike_sk_keys *k, uint8_t kind, size_t plain_len);
/* The most plaintext whose SK/SKF payload fits payload_len bytes (for
 * sizing RFC 7383 fragments); 0 if none fits. */
size_t ike_sk_max_plain(const struct ike_sk_keys *k, uint8_t kind, size_t payload_len);

/* Seal: the caller has written msg[0 .. sk_off + header): the IKE header,
 * any unencrypted payloads, and the SK/SKF generic header (Next Payload,
 * flags; for SKF Fragment Number and Total Fragments). This writes the rest
 * of the payload -- IV, the encrypted plaintext, padding (zeros, the fewest
 * that align), Pad Length, ICV -- after setting the two length fields to
 * their final values: the IKE header's Length (offset 24) = *msg_len and
 * the SK/SKF Payload Length = *msg_len - sk_off. Then it authenticates:
 *   CBC + integrity: ICV = MAC(SK_a, msg[0 .. end of ciphertext)), i.e. the
 *     IKE header through the padded ciphertext, IV included (RFC 7296 3.14);
 *   GCM: associated data msg[0 .. sk_off + header): the IKE header through
 *     the SK generic header, for SKF with its fragment fields (RFC 5282 5.1,
 *     RFC 7383 2.5); nonce = salt | IV; the tag is the ICV.
 * plain may already sit at ike_sk_plain_off (in place). IVs are random. */
enum ike_sk_result ike_sk_seal(const struct ike_sk_keys *k, uint8_t kind, uint8_t *msg,
                               size_t sk_off, const uint8_t *plain, size_t plain_len, size_t cap,
                               size_t *msg_len);
/* The same with a given IV (16 bytes CBC, 8 GCM) and padding bytes (NULL:
 * zeros): known-answer tests. */
enum ike_sk_result ike_sk_seal_iv(const struct ike_sk_keys *k, uint8_t kind, uint8_t *msg,
                                  size_t sk_off, const uint8_t *plain, size_t plain_len,
                                  const uint8_t *iv, const uint8_t *pad, size_t cap,
                                  size_t *msg_len);
/* Open a whole received message whose last payload is the SK/SKF payload at
 * sk_off. The IKE header's Length must equal msg_len and the payload must
 * run to the end; the ICV (the same bytes as above) is checked in constant
 * time before anything is decrypted (for GCM, together). Padding is only
 * checked to fit (RFC 7296 3.14: its content is not). The decrypted body,
 * padding included, goes to plain (cap >= the ciphertext length);
 * *plain_len counts the inner payloads only. Fragment numbers are the
 * caller's to check. */
enum ike_sk_result ike_sk_open(const struct ike_sk_keys *k, uint8_t kind, const uint8_t *msg,
                               size_t msg_len, size_t sk_off, uint8_t *plain, size_t cap,
                               size_t *plain_len);

/* ---- AUTH --------------------------------------------------------------------------- */

/* RFC 7296 2.15, one side's signed octets:
 *   RealMessage (its own IKE_SA_INIT message, as sent) | the peer's nonce
 *   (Nonce Data only) | prf(SK_p, RestOfIDPayload)
 * with SK_pi for the initiator and SK_pr for the responder, and id the ID
 * payload after its generic header (ID Type, 3 reserved bytes, data).
 * Into out; its length in *out_len. For signatures. 0 / -1. */
int ike_auth_octets(uint16_t prf, const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
                    size_t nonce_len, const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id,
                    size_t id_len, uint8_t *out, size_t cap, size_t *out_len);
/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets): the AUTH
 * payload's data for method 2 (Shared Key Message Integrity Code), also the
 * EAP form with the MSK as the secret (2.16). out gets ike_prf_len bytes. */
int ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *msg,
                 size_t msg_len, const uint8_t *nonce, size_t nonce_len, const uint8_t *sk_p,
                 size_t sk_p_len, const uint8_t *id, size_t id_len, uint8_t *out);
/* The peer's AUTH data checked against ours, in constant time: 0 if equal. */
int ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *msg,
                        size_t msg_len, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
                        const uint8_t *auth, size_t auth_len);

#endif

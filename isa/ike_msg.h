/* IKEv2 messages (RFC 7296 3, RFC 7383 2.5) on the ISA: parsing a datagram
 * into views of its payloads, and building one into a caller's buffer. No
 * crypto here: the SK and SKF bodies are carried as raw bytes, encrypted and
 * checked elsewhere; the plaintext inside them is parsed and built again as a
 * bare payload chain. Every datagram is hostile input: a parser takes a
 * buffer and its length, never reads past it, allocates nothing, and returns
 * an ike_msg_err the caller counts. */
#ifndef SRLAB_IKE_MSG_H
#define SRLAB_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_HDR_LEN 28
#define IKE_PAYLOAD_HDR_LEN 4
#define IKE_MAJOR_VERSION 2
#define IKE_CRITICAL 0x80      /* the generic payload header's critical bit */

/* Header flags (RFC 7296 3.1). */
#define IKE_FLAG_INITIATOR 0x08
#define IKE_FLAG_VERSION 0x10
#define IKE_FLAG_RESPONSE 0x20

/* Parser limits; past one the message is refused with IKE_MSG_TOO_MANY. */
#define IKE_MAX_PROPOSALS 16
#define IKE_MAX_TRANSFORMS 32  /* per proposal */
#define IKE_MAX_NOTIFIES 32
#define IKE_MAX_TS 64          /* selectors per TSi or TSr */
#define IKE_MAX_DELETES 8
#define IKE_MAX_VENDORS 16
#define IKE_MAX_CERTS 8        /* CERT payloads, and CERTREQ payloads */
#define IKE_MAX_CP_ATTRS 32
#define IKE_MAX_PAYLOADS 96    /* known payloads in one chain */

/* ---- numbers (IANA "IKEv2 Parameters") ---------------------------------------------- */

enum ike_exchange {
    IKE_SA_INIT = 34,
    IKE_AUTH = 35,
    IKE_CREATE_CHILD_SA = 36,
    IKE_INFORMATIONAL = 37,
};
const char *ike_exchange_name(unsigned exchange);    /* "?" when unknown */

#define IKE_PAYLOADS(X)                                                                        \
    X(NONE, 0, "none")                                                                         \
    X(SA, 33, "SA")                                                                            \
    X(KE, 34, "KE")                                                                            \
    X(IDI, 35, "IDi")                                                                          \
    X(IDR, 36, "IDr")                                                                          \
    X(CERT, 37, "CERT")                                                                        \
    X(CERTREQ, 38, "CERTREQ")                                                                  \
    X(AUTH, 39, "AUTH")                                                                        \
    X(NONCE, 40, "Nonce")                                                                      \
    X(NOTIFY, 41, "N")                                                                         \
    X(DELETE, 42, "D")                                                                         \
    X(VENDOR, 43, "V")                                                                         \
    X(TSI, 44, "TSi")                                                                          \
    X(TSR, 45, "TSr")                                                                          \
    X(SK, 46, "SK")                                                                            \
    X(CP, 47, "CP")                                                                            \
    X(EAP, 48, "EAP")                                                                          \
    X(SKF, 53, "SKF")

enum ike_payload_type {
#define X(id, num, name) IKE_PL_##id = num,
    IKE_PAYLOADS(X)
#undef X
};
const char *ike_payload_name(unsigned type);         /* "?" when unknown */

/* RFC 7296 3.10.1 (errors below 16384, status types from it) and the
 * extensions this project meets (RFC 4555, 5685, 7383, 7427). */
#define IKE_NOTIFIES(X)                                                                        \
    X(UNSUPPORTED_CRITICAL_PAYLOAD, 1)                                                         \
    X(INVALID_IKE_SPI, 4)                                                                      \
    X(INVALID_MAJOR_VERSION, 5)                                                                \
    X(INVALID_SYNTAX, 7)                                                                       \
    X(INVALID_MESSAGE_ID, 9)                                                                   \
    X(INVALID_SPI, 11)                                                                         \
    X(NO_PROPOSAL_CHOSEN, 14)                                                                  \
    X(INVALID_KE_PAYLOAD, 17)                                                                  \
    X(AUTHENTICATION_FAILED, 24)                                                               \
    X(SINGLE_PAIR_REQUIRED, 34)                                                                \
    X(NO_ADDITIONAL_SAS, 35)                                                                   \
    X(INTERNAL_ADDRESS_FAILURE, 36)                                                            \
    X(FAILED_CP_REQUIRED, 37)                                                                  \
    X(TS_UNACCEPTABLE, 38)                                                                     \
    X(INVALID_SELECTORS, 39)                                                                   \
    X(TEMPORARY_FAILURE, 43)                                                                   \
    X(CHILD_SA_NOT_FOUND, 44)                                                                  \
    X(INITIAL_CONTACT, 16384)                                                                  \
    X(SET_WINDOW_SIZE, 16385)                                                                  \
    X(ADDITIONAL_TS_POSSIBLE, 16386)                                                           \
    X(IPCOMP_SUPPORTED, 16387)                                                                 \
    X(NAT_DETECTION_SOURCE_IP, 16388)                                                          \
    X(NAT_DETECTION_DESTINATION_IP, 16389)                                                     \
    X(COOKIE, 16390)                                                                           \
    X(USE_TRANSPORT_MODE, 16391)                                                               \
    X(HTTP_CERT_LOOKUP_SUPPORTED, 16392)                                                       \
    X(REKEY_SA, 16393)                                                                         \
    X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394)                                                    \
    X(NON_FIRST_FRAGMENTS_ALSO, 16395)                                                         \
    X(MOBIKE_SUPPORTED, 16396)                                                                 \
    X(REDIRECT_SUPPORTED, 16406)                                                               \
    X(IKEV2_FRAGMENTATION_SUPPORTED, 16430)                                                    \
    X(SIGNATURE_HASH_ALGORITHMS, 16431)

enum ike_notify_type {
#define X(id, num) IKE_N_##id = num,
    IKE_NOTIFIES(X)
#undef X
};
#define IKE_N_ERROR_MAX 16383  /* types up to this one are errors (RFC 7296 3.10.1) */
const char *ike_notify_name(unsigned type);          /* "?" when unknown */

enum ike_protocol { IKE_PROTO_IKE = 1, IKE_PROTO_AH = 2, IKE_PROTO_ESP = 3 };

enum ike_transform_type {
    IKE_TF_ENCR = 1,
    IKE_TF_PRF = 2,
    IKE_TF_INTEG = 3,
    IKE_TF_DH = 4,             /* "Key Exchange Method" since RFC 9370 */
    IKE_TF_ESN = 5,
};

enum ike_encr {
    IKE_ENCR_DES = 2,
    IKE_ENCR_3DES = 3,
    IKE_ENCR_NULL = 11,
    IKE_ENCR_AES_CBC = 12,
    IKE_ENCR_AES_GCM_8 = 18,   /* ICV bytes */
    IKE_ENCR_AES_GCM_12 = 19,
    IKE_ENCR_AES_GCM_16 = 20,
    IKE_ENCR_NULL_AUTH_AES_GMAC = 21,
};

enum ike_prf {
    IKE_PRF_HMAC_MD5 = 1,
    IKE_PRF_HMAC_SHA1 = 2,
    IKE_PRF_AES128_XCBC = 4,
    IKE_PRF_HMAC_SHA2_256 = 5,
    IKE_PRF_HMAC_SHA2_384 = 6,
    IKE_PRF_HMAC_SHA2_512 = 7,
};

/* IANA names these AUTH_*; INTEG_ here keeps them apart from auth methods. */
enum ike_integ {
    IKE_INTEG_NONE = 0,
    IKE_INTEG_HMAC_MD5_96 = 1,
    IKE_INTEG_HMAC_SHA1_96 = 2,
    IKE_INTEG_AES_XCBC_96 = 5,
    IKE_INTEG_HMAC_SHA2_256_128 = 12,
    IKE_INTEG_HMAC_SHA2_384_192 = 13,
    IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

enum ike_dh_group {
    IKE_DH_NONE = 0,
    IKE_DH_MODP_768 = 1,
    IKE_DH_MODP_1024 = 2,
    IKE_DH_MODP_1536 = 5,
    IKE_DH_MODP_2048 = 14,
    IKE_DH_MODP_3072 = 15,
    IKE_DH_MODP_4096 = 16,
    IKE_DH_ECP_256 = 19,
    IKE_DH_ECP_384 = 20,
    IKE_DH_ECP_521 = 21,
    IKE_DH_CURVE25519 = 31,
};

enum ike_esn { IKE_ESN_NO = 0, IKE_ESN_YES = 1 };

#define IKE_ATTR_KEY_LENGTH 14 /* the one transform attribute (RFC 7296 3.3.5), TV */

enum ike_auth_method {
    IKE_AUTH_RSA_SIG = 1,
    IKE_AUTH_PSK = 2,          /* "Shared Key Message Integrity Code" */
    IKE_AUTH_DSS_SIG = 3,
    IKE_AUTH_ECDSA_256 = 9,
    IKE_AUTH_ECDSA_384 = 10,
    IKE_AUTH_ECDSA_521 = 11,
    IKE_AUTH_DIGITAL_SIG = 14, /* RFC 7427 */
};

enum ike_id_type {
    IKE_ID_IPV4_ADDR = 1,
    IKE_ID_FQDN = 2,
    IKE_ID_RFC822_ADDR = 3,
    IKE_ID_IPV6_ADDR = 5,
    IKE_ID_DER_ASN1_DN = 9,
    IKE_ID_KEY_ID = 11,
};

enum ike_ts_type { IKE_TS_IPV4_ADDR_RANGE = 7, IKE_TS_IPV6_ADDR_RANGE = 8 };

enum ike_cfg_type { IKE_CFG_REQUEST = 1, IKE_CFG_REPLY = 2, IKE_CFG_SET = 3, IKE_CFG_ACK = 4 };

enum ike_cfg_attr {
    IKE_CFG_INTERNAL_IP4_ADDRESS = 1,
    IKE_CFG_INTERNAL_IP4_NETMASK = 2,
    IKE_CFG_INTERNAL_IP4_DNS = 3,
    IKE_CFG_INTERNAL_IP6_ADDRESS = 8,
    IKE_CFG_INTERNAL_IP6_DNS = 10,
};

/* ---- errors ------------------------------------------------------------------------- */

#define IKE_MSG_ERRS(X)                                                                        \
    X(OK, "ok")                                                                                \
    X(SHORT, "shorter-than-ike-header")                                                        \
    X(BAD_VERSION, "bad-major-version")                                                        \
    X(BAD_LENGTH, "length-not-datagram-length")                                                \
    X(TRUNCATED, "payload-past-end")                                                           \
    X(PAYLOAD_LENGTH, "payload-length-below-minimum")                                          \
    X(TRAILING, "bytes-after-last-payload")                                                    \
    X(UNSUPPORTED_CRITICAL, "unsupported-critical-payload")                                    \
    X(DUPLICATE, "duplicate-payload")                                                          \
    X(TOO_MANY, "too-many-payloads-or-substructures")                                          \
    X(SK_NOT_LAST, "sk-not-last")                                                              \
    X(SKF_NOT_ALONE, "skf-not-alone")                                                          \
    X(BAD_SA, "malformed-sa")                                                                  \
    X(BAD_NONCE, "nonce-size")                                                                 \
    X(BAD_NOTIFY, "malformed-notify")                                                          \
    X(BAD_DELETE, "malformed-delete")                                                          \
    X(BAD_TS, "malformed-traffic-selectors")                                                   \
    X(BAD_SKF, "malformed-skf")                                                                \
    X(BAD_CP, "malformed-cp")                                                                  \
    X(NO_SPACE, "no-buffer-space")                                                             \
    X(BAD_ARG, "bad-argument")

enum ike_msg_err {
#define X(id, name) IKE_MSG_##id,
    IKE_MSG_ERRS(X)
#undef X
    IKE_MSG_ERR_MAX
};
const char *ike_msg_err_name(enum ike_msg_err e);
/* The notify a parse error calls for (RFC 7296 2.21): INVALID_MAJOR_VERSION,
 * UNSUPPORTED_CRITICAL_PAYLOAD (its data: the payload type), else
 * INVALID_SYNTAX; 0 for IKE_MSG_OK and the builder's errors. Whether to send it
 * at all (not before authentication, never in answer to a response) is the
 * caller's decision. */
uint16_t ike_msg_err_notify(enum ike_msg_err e);

/* ---- parsed views: every pointer points into the parsed buffer -------------------- */

struct ike_hdr {
    uint64_t spi_i, spi_r;     /* the 8 bytes read big-endian */
    uint8_t next;              /* the first payload's type */
    uint8_t major, minor;
    uint8_t exchange;
    uint8_t flags;             /* IKE_FLAG_* (others are reserved, kept as sent) */
    uint32_t msg_id;
    uint32_t length;
};

struct ike_transform {
    uint8_t type;              /* IKE_TF_* */
    uint16_t id;
    uint16_t key_len;          /* bits, from the Key Length attribute; 0: none */
    /* RFC 7296 3.3.6: an attribute this end does not understand (here also
     * a Key Length that is repeated, zero, or TLV-encoded) makes the
     * transform unacceptable; other transforms of its type in the proposal
     * are still considered, and the message is not refused. */
    bool unusable;
};

struct ike_proposal {
    uint8_t num;
    uint8_t protocol;          /* IKE_PROTO_* */
    uint8_t spi_size;          /* 0, 4 or 8 */
    const uint8_t *spi;
    uint8_t n_transforms;
    struct ike_transform tf[IKE_MAX_TRANSFORMS];
};

struct ike_sa_payload {
    uint8_t n_proposals;       /* >= 1 */
    struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke {
    uint16_t group;            /* IKE_DH_* */
    const uint8_t *data;
    size_t len;
};

struct ike_id {
    uint8_t type;              /* IKE_ID_* */
    const uint8_t *data;
    size_t len;
    /* RFC 7296 2.15: AUTH signs the ID payload from its ID Type on (no
     * generic header), reserved bytes included as sent. */
    const uint8_t *body;
    size_t body_len;
};

struct ike_cert {              /* CERT and CERTREQ */
    uint8_t encoding;
    const uint8_t *data;
    size_t len;
};

struct ike_auth {
    uint8_t method;            /* IKE_AUTH_* */
    const uint8_t *data;
    size_t len;
};

struct ike_blob {              /* Nonce, V, EAP */
    const uint8_t *data;
    size_t len;
};

struct ike_notify {
    uint8_t protocol;          /* 0 or IKE_PROTO_*: what the SPI names */
    uint8_t spi_size;
    uint16_t type;             /* IKE_N_* */
    const uint8_t *spi;
    const uint8_t *data;
    size_t len;
};

struct ike_delete {
    uint8_t protocol;
    uint8_t spi_size;          /* 0 for the IKE SA, 4 for AH/ESP */
    uint16_t count;
    const uint8_t *spis;       /* count * spi_size bytes */
};

struct ike_ts {
    uint8_t type;              /* IKE_TS_*; another type is kept raw */
    uint8_t ip_proto;          /* 0: any */
    uint16_t start_port, end_port;
    const uint8_t *start, *end;    /* 4 or 16 bytes each; NULL for another type */
    const uint8_t *raw;        /* the whole selector, from its TS Type on */
    size_t raw_len;
};

struct ike_ts_payload {
    uint8_t count;
    struct ike_ts ts[IKE_MAX_TS];
};

struct ike_sk {
    uint8_t next;              /* the type of the first payload inside */
    const uint8_t *payload;    /* the generic header (start of the AAD's tail) */
    const uint8_t *data;       /* IV, ciphertext, padding, ICV */
    size_t len;
};

struct ike_skf {               /* RFC 7383 2.5 */
    uint8_t next;              /* fragment 1: the first inner payload's type; others 0 */
    uint16_t number, total;    /* 1 <= number <= total */
    const uint8_t *payload;    /* the generic header */
    const uint8_t *data;       /* IV, ciphertext, padding, ICV */
    size_t len;
};

struct ike_cp_attr {
    uint16_t type;             /* IKE_CFG_INTERNAL_* (the reserved top bit dropped) */
    const uint8_t *value;
    uint16_t len;
};

struct ike_cp {
    uint8_t type;              /* IKE_CFG_REQUEST .. ACK */
    uint8_t n_attrs;
    struct ike_cp_attr attr[IKE_MAX_CP_ATTRS];
};

/* One payload chain. A payload type that may appear once has its field here
 * valid when ike_msg_has() says so; repeatable ones (N, D, V, CERT, CERTREQ)
 * are arrays with a count. order[] lists the known payloads as they came
 * (RFC 7296 2.6: COOKIE must be first). About 12 KB: not for small stacks. */
struct ike_msg {
    uint64_t present;          /* bit (1 << type) per known type seen */
    uint8_t order[IKE_MAX_PAYLOADS];
    unsigned n_payloads;       /* known ones, in order[] */
    unsigned n_unknown;        /* non-critical unknown payloads skipped */
    uint8_t unsupported_type;  /* with IKE_MSG_UNSUPPORTED_CRITICAL: the notify's data */
    uint8_t bad_type;          /* on any payload error: the type being parsed */

    struct ike_sa_payload sa;
    struct ike_ke ke;
    struct ike_id idi, idr;
    struct ike_auth auth;
    struct ike_blob nonce;
    struct ike_ts_payload tsi, tsr;
    struct ike_sk sk;
    struct ike_skf skf;
    struct ike_cp cp;
    struct ike_blob eap;

    unsigned n_notifies, n_deletes, n_vendors, n_certs, n_certreqs;
    struct ike_notify notify[IKE_MAX_NOTIFIES];
    struct ike_delete del[IKE_MAX_DELETES];
    struct ike_blob vendor[IKE_MAX_VENDORS];
    struct ike_cert cert[IKE_MAX_CERTS];
    struct ike_cert certreq[IKE_MAX_CERTS];
};

static inline bool ike_msg_has(const struct ike_msg *m, unsigned type)
{
    return type < 64 && (m->present >> type & 1);
}
/* The first notify of a type, or NULL. */
const struct ike_notify *ike_msg_notify(const struct ike_msg *m, uint16_t type);

/* ---- parsing ------------------------------------------------------------------------ */

/* The fixed IKE header of a datagram of len bytes. IKE_MSG_SHORT below 28
 * bytes, IKE_MSG_BAD_VERSION for a major version other than 2 (the minor is
 * ignored, RFC 7296 2.5; hdr is filled so the caller can answer
 * INVALID_MAJOR_VERSION), IKE_MSG_BAD_LENGTH when the Length field is not len. */
enum ike_msg_err ike_parse_header(const uint8_t *buf, size_t len, struct ike_hdr *hdr);

/* Walks the payload chain in buf[0..len) whose first payload is first_type
 * (the header's Next Payload, or an SK's for the decrypted plaintext) and
 * fills msg (cleared first). The chain must end exactly at len. Rules:
 * - a payload is at least 4 bytes plus its fixed fields and lies within len;
 * - an unknown type with the critical bit: IKE_MSG_UNSUPPORTED_CRITICAL and
 *   msg->unsupported_type; without it: skipped and counted in n_unknown;
 * - SK and SKF end the chain (their Next Payload names the inner first
 *   payload) and must end at len; SKF must also be the first payload;
 * - SA, KE, IDi, IDr, AUTH, Nonce, TSi, TSr, SK, CP, EAP at most once
 *   (IKE_MSG_DUPLICATE); more than the IKE_MAX_* limits: IKE_MSG_TOO_MANY;
 * - Nonce 16..256 bytes (RFC 7296 3.9);
 * - RESERVED fields are not checked (RFC 7296 3.2).
 * On error msg holds what was parsed before it and msg->bad_type. */
enum ike_msg_err ike_parse_payloads(uint8_t first_type, const uint8_t *buf, size_t len,
                                    struct ike_msg *msg);

/* Both: a whole datagram. */
enum ike_msg_err ike_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
                           struct ike_msg *msg);

/* ---- building ----------------------------------------------------------------------- */

/* A message (or a bare payload chain) being written into buf[0..cap). Each
 * ike_build_* appends one payload, links it from the previous payload's (or
 * the header's) Next Payload, and keeps the header's Length current. An append
 * that would pass cap writes nothing and returns IKE_MSG_NO_SPACE; the first
 * error sticks and ike_build_end returns it. */
struct ike_build {
    uint8_t *buf;
    size_t cap, len;
    size_t link;               /* offset of the Next Payload byte the next append
                                  fills; SIZE_MAX: none yet (inner chains) */
    bool inner;                /* no IKE header */
    bool closed;               /* after SK or SKF nothing may follow */
    uint8_t first;             /* type of the first payload */
    enum ike_msg_err err;
};

/* A message: the header as given (next and length are maintained; major
 * version 2 is written when hdr->major is 0). */
enum ike_msg_err ike_build_begin(struct ike_build *b, uint8_t *buf, size_t cap,
                                 const struct ike_hdr *hdr);
/* A bare chain, e.g. the plaintext of an SK payload. */
void ike_build_inner(struct ike_build *b, uint8_t *buf, size_t cap);
/* The total length in *len, and the first payload's type in *first (what a
 * bare chain's SK Next Payload must say; IKE_PL_NONE when empty); either may
 * be NULL. */
enum ike_msg_err ike_build_end(struct ike_build *b, size_t *len, uint8_t *first);

/* Proposals as parsed: num, protocol, spi_size/spi, transforms with key_len
 * (0: no Key Length attribute); unusable is ignored. */
enum ike_msg_err ike_build_sa(struct ike_build *b, const struct ike_proposal *prop, unsigned n);
enum ike_msg_err ike_build_ke(struct ike_build *b, uint16_t group, const uint8_t *data,
                              size_t len);
enum ike_msg_err ike_build_nonce(struct ike_build *b, const uint8_t *data, size_t len);
/* pl_type IKE_PL_IDI or IKE_PL_IDR. */
enum ike_msg_err ike_build_id(struct ike_build *b, uint8_t pl_type, uint8_t id_type,
                              const uint8_t *data, size_t len);
/* pl_type IKE_PL_CERT or IKE_PL_CERTREQ. */
enum ike_msg_err ike_build_cert(struct ike_build *b, uint8_t pl_type, uint8_t encoding,
                                const uint8_t *data, size_t len);
enum ike_msg_err ike_build_auth(struct ike_build *b, uint8_t method, const uint8_t *data,
                                size_t len);
enum ike_msg_err ike_build_notify(struct ike_build *b, uint8_t protocol, uint16_t type,
                                  const uint8_t *spi, uint8_t spi_size, const uint8_t *data,
                                  size_t len);
enum ike_msg_err ike_build_delete(struct ike_build *b, uint8_t protocol, uint8_t spi_size,
                                  const uint8_t *spis, uint16_t count);
enum ike_msg_err ike_build_vendor(struct ike_build *b, const uint8_t *data, size_t len);
/* pl_type IKE_PL_TSI or IKE_PL_TSR; types 7 and 8 from their fields, another
 * type from raw. */
enum ike_msg_err ike_build_ts(struct ike_build *b, uint8_t pl_type, const struct ike_ts *ts,
                              unsigned n);
enum ike_msg_err ike_build_cp(struct ike_build *b, uint8_t cfg_type,
                              const struct ike_cp_attr *attr, unsigned n);
enum ike_msg_err ike_build_eap(struct ike_build *b, const uint8_t *data, size_t len);
/* SK closes the chain: its Next Payload is inner_first. data == NULL reserves
 * len zero bytes; *body (when body is not NULL) points at them, for the
 * encryption to fill in place once the header's length is final. */
enum ike_msg_err ike_build_sk(struct ike_build *b, uint8_t inner_first, const uint8_t *data,
                              size_t len, uint8_t **body);
enum ike_msg_err ike_build_skf(struct ike_build *b, uint8_t inner_first, uint16_t number,
                               uint16_t total, const uint8_t *data, size_t len,
                               uint8_t **body);
/* Any payload from its body (tests, and payloads this file does not know). */
enum ike_msg_err ike_build_raw(struct ike_build *b, uint8_t type, bool critical,
                               const uint8_t *body, size_t len);

#endif

/* isa/ike_msg.c, the IKEv2 message codec (RFC 7296 3, RFC 7383 2.5).
 *
 * The builder is held to bytes written by hand from the RFC's payload
 * layouts; the parser to an IKE_SA_INIT request captured from strongSwan
 * 5.9.8 (see strongswan_init below for how). Then every refusal the parser
 * owes a peer: truncation at every byte, lengths that lie, critical unknown
 * payloads, duplicates, SK not last, selector counts, nonce sizes, Delete and
 * SKF numbers, limits. */
#include <criterion/criterion.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/ike_msg.h"

#define MAXMSG 8192
#define BYTES_MAX MAXMSG
#include "bytes.h"

/* ---- helpers ----------------------------------------------------------------------- */

#define expect_err(what, got, want)                                                            \
    do {                                                                                       \
        enum ike_msg_err got_ = (got), want_ = (want);                                         \
        cr_expect_eq(got_, want_, "%s: %s, want %s", (what), ike_msg_err_name(got_),           \
                     ike_msg_err_name(want_));                                                 \
    } while (0)

#define assert_err(what, got, want)                                                            \
    do {                                                                                       \
        enum ike_msg_err got_ = (got), want_ = (want);                                         \
        cr_assert_eq(got_, want_, "%s: %s, want %s", (what), ike_msg_err_name(got_),           \
                     ike_msg_err_name(want_));                                                 \
    } while (0)

/* struct ike_msg is ~12 KB: static instances. */
static struct ike_msg msg, msg2;
static struct ike_hdr hdr;

static const struct ike_hdr init_hdr = {
    .spi_i = 0x0123456789abcdefull,
    .exchange = IKE_SA_INIT,
    .flags = IKE_FLAG_INITIATOR,
};

/* A message under construction with the IKE_SA_INIT header above. */
static void begin(struct ike_build *b, struct bytes *out)
{
    assert_err("begin", ike_build_begin(b, out->b, sizeof out->b, &init_hdr), IKE_MSG_OK);
}

static void end(struct ike_build *b, struct bytes *out)
{
    assert_err("end", ike_build_end(b, &out->n, NULL), IKE_MSG_OK);
}

static void fill(uint8_t *p, size_t n, uint8_t first)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(first + i);
}

static enum ike_msg_err parse(const struct bytes *m) { return ike_parse(m->b, m->n, &hdr, &msg); }

/* A message of one payload given as its body, optionally after others. */
static enum ike_msg_err parse_one(uint8_t type, bool critical, const char *body_hex)
{
    struct ike_build b;
    struct bytes m, body = hex(body_hex);
    begin(&b, &m);
    ike_build_raw(&b, type, critical, body.b, body.n);
    end(&b, &m);
    return parse(&m);
}

/* ---- the IKE_SA_INIT request, built ------------------------------------------------ */

static uint8_t ke_data[256], ni[32], natd_s[20], natd_d[20];

static void init_data(void)
{
    fill(ke_data, sizeof ke_data, 0);
    fill(ni, sizeof ni, 0xa0);
    fill(natd_s, sizeof natd_s, 0x10);
    fill(natd_d, sizeof natd_d, 0x30);
}

/* RFC 7296 1.2 IKE_SA_INIT: HDR, SAi1, KEi, Ni, and RFC 7296 2.23 NAT-D, into
 * buf[0..cap); the builder's first error, and the length written. */
static enum ike_msg_err build_init_into(uint8_t *buf, size_t cap, size_t *len)
{
    struct ike_proposal prop = {
        .num = 1,
        .protocol = IKE_PROTO_IKE,
        .n_transforms = 4,
        .tf = {
            { .type = IKE_TF_ENCR, .id = IKE_ENCR_AES_CBC, .key_len = 256 },
            { .type = IKE_TF_PRF, .id = IKE_PRF_HMAC_SHA2_256 },
            { .type = IKE_TF_INTEG, .id = IKE_INTEG_HMAC_SHA2_256_128 },
            { .type = IKE_TF_DH, .id = IKE_DH_MODP_2048 },
        },
    };
    struct ike_build b;
    init_data();
    ike_build_begin(&b, buf, cap, &init_hdr);
    ike_build_sa(&b, &prop, 1);
    ike_build_ke(&b, IKE_DH_MODP_2048, ke_data, sizeof ke_data);
    ike_build_nonce(&b, ni, sizeof ni);
    ike_build_notify(&b, 0, IKE_N_NAT_DETECTION_SOURCE_IP, NULL, 0, natd_s, sizeof natd_s);
    ike_build_notify(&b, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, NULL, 0, natd_d, sizeof natd_d);
    return ike_build_end(&b, len, NULL);
}

static void build_init(struct bytes *m)
{
    assert_err("build", build_init_into(m->b, sizeof m->b, &m->n), IKE_MSG_OK);
}

Test(build, ike_sa_init_request_is_laid_out_as_rfc_7296_3)
{
    struct bytes m, want = { 0 };
    build_init(&m);
    /* 3.1 header: SPIi, SPIr 0, next SA (33), version 2.0, IKE_SA_INIT (34),
     * flags I, message id 0, length 28+48+264+36+28+28 = 432 */
    append_hex(&want, "0123456789abcdef 0000000000000000 21 20 22 08 00000000 000001b0");
    /* 3.3 SA: next KE (34), length 4 + 44; one proposal (3.3.1): last (0),
     * length 44, #1, protocol IKE, SPI size 0, 4 transforms */
    append_hex(&want, "22 00 0030  00 00 002c 01 01 00 04");
    /* 3.3.2 transforms, "more" (3) but the last; ENCR AES-CBC with the Key
     * Length attribute (3.3.5: AF=1, type 14, 256) */
    append_hex(&want, "03 00 000c 01 00 000c 800e 0100");
    append_hex(&want, "03 00 0008 02 00 0005");    /* PRF_HMAC_SHA2_256 */
    append_hex(&want, "03 00 0008 03 00 000c");    /* AUTH_HMAC_SHA2_256_128 */
    append_hex(&want, "00 00 0008 04 00 000e");    /* D-H group 14 */
    /* 3.4 KE: next Nonce (40), length 4+4+256, group 14, reserved */
    append_hex(&want, "28 00 0108 000e 0000");
    append(&want, ke_data, sizeof ke_data);
    /* 3.9 Nonce: next N (41), length 36 */
    append_hex(&want, "29 00 0024");
    append(&want, ni, sizeof ni);
    /* 3.10 Notify: next N, length 28, protocol 0, SPI size 0, type 16388 */
    append_hex(&want, "29 00 001c 00 00 4004");
    append(&want, natd_s, sizeof natd_s);
    /* the last: next none, type 16389 */
    append_hex(&want, "00 00 001c 00 00 4005");
    append(&want, natd_d, sizeof natd_d);
    cr_assert_eq(want.n, 432);
    expect_bytes("IKE_SA_INIT request", m.b, m.n, want.b, want.n);
}

Test(build, ike_sa_init_request_parses_back)
{
    struct bytes m;
    build_init(&m);
    assert_err("parse", parse(&m), IKE_MSG_OK);
    cr_expect_eq(hdr.spi_i, 0x0123456789abcdefull);
    cr_expect_eq(hdr.spi_r, 0);
    cr_expect_eq(hdr.next, IKE_PL_SA);
    cr_expect_eq(hdr.major, 2);
    cr_expect_eq(hdr.minor, 0);
    cr_expect_eq(hdr.exchange, IKE_SA_INIT);
    cr_expect_eq(hdr.flags, IKE_FLAG_INITIATOR);
    cr_expect_eq(hdr.msg_id, 0);
    cr_expect_eq(hdr.length, 432);

    const uint8_t order[] = { IKE_PL_SA, IKE_PL_KE, IKE_PL_NONCE, IKE_PL_NOTIFY, IKE_PL_NOTIFY };
    cr_assert_eq(msg.n_payloads, 5);
    cr_expect_arr_eq(msg.order, order, sizeof order);
    cr_expect_eq(msg.n_unknown, 0);
    cr_expect(ike_msg_has(&msg, IKE_PL_SA) && ike_msg_has(&msg, IKE_PL_KE) &&
              ike_msg_has(&msg, IKE_PL_NONCE) && ike_msg_has(&msg, IKE_PL_NOTIFY));
    cr_expect(!ike_msg_has(&msg, IKE_PL_AUTH) && !ike_msg_has(&msg, IKE_PL_SK));

    cr_assert_eq(msg.sa.n_proposals, 1);
    const struct ike_proposal *p = &msg.sa.prop[0];
    cr_expect_eq(p->num, 1);
    cr_expect_eq(p->protocol, IKE_PROTO_IKE);
    cr_expect_eq(p->spi_size, 0);
    cr_expect_null(p->spi);
    cr_assert_eq(p->n_transforms, 4);
    const struct ike_transform want[4] = {
        { IKE_TF_ENCR, IKE_ENCR_AES_CBC, 256, false },
        { IKE_TF_PRF, IKE_PRF_HMAC_SHA2_256, 0, false },
        { IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, false },
        { IKE_TF_DH, IKE_DH_MODP_2048, 0, false },
    };
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(p->tf[i].type, want[i].type, "transform %d", i);
        cr_expect_eq(p->tf[i].id, want[i].id, "transform %d", i);
        cr_expect_eq(p->tf[i].key_len, want[i].key_len, "transform %d", i);
        cr_expect_eq(p->tf[i].unusable, false, "transform %d", i);
    }

    cr_expect_eq(msg.ke.group, IKE_DH_MODP_2048);
    expect_bytes("KE data", msg.ke.data, msg.ke.len, ke_data, sizeof ke_data);
    expect_bytes("Ni", msg.nonce.data, msg.nonce.len, ni, sizeof ni);
    cr_assert_eq(msg.n_notifies, 2);
    const struct ike_notify *n = ike_msg_notify(&msg, IKE_N_NAT_DETECTION_SOURCE_IP);
    cr_assert_not_null(n);
    cr_expect_eq(n->protocol, 0);
    cr_expect_eq(n->spi_size, 0);
    cr_expect_null(n->spi);
    expect_bytes("NAT-D src", n->data, n->len, natd_s, sizeof natd_s);
    n = ike_msg_notify(&msg, IKE_N_NAT_DETECTION_DESTINATION_IP);
    cr_assert_not_null(n);
    expect_bytes("NAT-D dst", n->data, n->len, natd_d, sizeof natd_d);
    cr_expect_null(ike_msg_notify(&msg, IKE_N_COOKIE));
}

/* ---- strongSwan's IKE_SA_INIT request ---------------------------------------------- */

/* The first datagram charon 5.9.8 (Debian 12) sent to UDP port 500, with
 * swanctl.conf: local_addrs 192.0.2.1, remote_addrs 192.0.2.2, version 2,
 * proposals aes128gcm16-prfsha256-ecp256,aes256-sha256-modp2048,
 * fragmentation yes, PSK auth. charon ran in a network namespace with a
 * private /run (docs: shared/reference/strongswan-netns.md); the "responder"
 * was a python UDP socket in a second namespace that only recorded the
 * datagram. charon logged it as
 * "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP)
 *  N(HASH_ALG) N(REDIR_SUP) ]", 308 bytes. */
static const char strongswan_init[] =
    /* header: SPIi, SPIr 0, next SA, 2.0, IKE_SA_INIT, I, id 0, length 308 */
    "61b7ac132f9b5f4a 0000000000000000 21 20 22 08 00000000 00000134"
    /* SA: proposal 1 AES-GCM-16/128, PRF-SHA256, ECP-256 */
    "2200005402000024010100030300000c01000014800e0080030000080200000500000008040000"
    "13"
    /* proposal 2 AES-CBC/256, SHA2-256-128, PRF-SHA256, MODP-2048 */
    "0000002c020100040300000c0100000c800e0100030000080300000c03000008020000050000"
    "00080400000e"
    /* KE: group 19, 64 bytes */
    "28000048001300007e2b08aff3a7c363b04ab6032a08b332af3bf6a53a31b70d45433f95c4c8"
    "90ea40b4e1e1352b650cfbbe659ed78b70b358d6258225252ab80d0747cca6e0610a"
    /* Ni: 32 bytes */
    "29000024152d9c9b5826ea2e83484a43d8b9626b9b0f422263a8fb280fe5e1daacf4e426"
    /* N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) */
    "2900001c00004004e63b23b8056dcd713b1849ef8eee468ddd319403"
    "2900001c00004005bf157c467663a4df822676ba4108c0aa946ef307"
    /* N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS: SHA2-256,
     * SHA2-384, SHA2-512, Identity), N(REDIRECT_SUPPORTED) */
    "290000080000402e"
    "290000100000402f0002000300040005"
    "0000000800004016";

Test(strongswan, ike_sa_init_request)
{
    struct bytes m = hex(strongswan_init);
    cr_assert_eq(m.n, 308);
    assert_err("parse", parse(&m), IKE_MSG_OK);
    cr_expect_eq(hdr.spi_i, 0x61b7ac132f9b5f4aull);
    cr_expect_eq(hdr.spi_r, 0);
    cr_expect_eq(hdr.exchange, IKE_SA_INIT);
    cr_expect_eq(hdr.flags, IKE_FLAG_INITIATOR);
    cr_expect_eq(hdr.msg_id, 0);
    cr_expect_eq(hdr.length, 308);
    cr_expect_eq(msg.n_payloads, 8);
    cr_expect_eq(msg.n_unknown, 0);

    cr_assert_eq(msg.sa.n_proposals, 2);
    const struct ike_proposal *p = &msg.sa.prop[0];
    cr_expect_eq(p->num, 1);
    cr_expect_eq(p->protocol, IKE_PROTO_IKE);
    cr_expect_eq(p->spi_size, 0);
    cr_assert_eq(p->n_transforms, 3);
    cr_expect_eq(p->tf[0].type, IKE_TF_ENCR);
    cr_expect_eq(p->tf[0].id, IKE_ENCR_AES_GCM_16);
    cr_expect_eq(p->tf[0].key_len, 128);
    cr_expect_eq(p->tf[1].type, IKE_TF_PRF);
    cr_expect_eq(p->tf[1].id, IKE_PRF_HMAC_SHA2_256);
    cr_expect_eq(p->tf[2].type, IKE_TF_DH);
    cr_expect_eq(p->tf[2].id, IKE_DH_ECP_256);
    p = &msg.sa.prop[1];
    cr_expect_eq(p->num, 2);
    cr_expect_eq(p->protocol, IKE_PROTO_IKE);
    cr_assert_eq(p->n_transforms, 4);
    cr_expect_eq(p->tf[0].type, IKE_TF_ENCR);
    cr_expect_eq(p->tf[0].id, IKE_ENCR_AES_CBC);
    cr_expect_eq(p->tf[0].key_len, 256);
    cr_expect_eq(p->tf[1].type, IKE_TF_INTEG);
    cr_expect_eq(p->tf[1].id, IKE_INTEG_HMAC_SHA2_256_128);
    cr_expect_eq(p->tf[1].key_len, 0);
    cr_expect_eq(p->tf[2].type, IKE_TF_PRF);
    cr_expect_eq(p->tf[2].id, IKE_PRF_HMAC_SHA2_256);
    cr_expect_eq(p->tf[3].type, IKE_TF_DH);
    cr_expect_eq(p->tf[3].id, IKE_DH_MODP_2048);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < msg.sa.prop[i].n_transforms; j++)
            cr_expect(!msg.sa.prop[i].tf[j].unusable);

    /* KE of the first proposal's group: an ECP-256 point, x | y (RFC 5903 7) */
    cr_expect_eq(msg.ke.group, IKE_DH_ECP_256);
    cr_expect_eq(msg.ke.len, 64);
    cr_expect_eq(msg.ke.data[0], 0x7e);
    cr_expect_eq(msg.ke.data[63], 0x0a);
    cr_expect_eq(msg.nonce.len, 32);
    cr_expect_eq(msg.nonce.data[0], 0x15);

    cr_assert_eq(msg.n_notifies, 5);
    const uint16_t types[] = { IKE_N_NAT_DETECTION_SOURCE_IP, IKE_N_NAT_DETECTION_DESTINATION_IP,
                               IKE_N_IKEV2_FRAGMENTATION_SUPPORTED,
                               IKE_N_SIGNATURE_HASH_ALGORITHMS, IKE_N_REDIRECT_SUPPORTED };
    const size_t lens[] = { 20, 20, 0, 8, 0 };
    for (int i = 0; i < 5; i++) {
        cr_expect_eq(msg.notify[i].type, types[i], "notify %d: %u (%s)", i, msg.notify[i].type,
                     ike_notify_name(msg.notify[i].type));
        cr_expect_eq(msg.notify[i].len, lens[i], "notify %d", i);
        cr_expect_eq(msg.notify[i].protocol, 0, "notify %d", i);
        cr_expect_eq(msg.notify[i].spi_size, 0, "notify %d", i);
    }
    /* RFC 7296 2.23: NAT_DETECTION_DESTINATION_IP = SHA-1(SPIi | SPIr |
     * 192.0.2.2 | 500): proof the bytes are the notify's data */
    uint8_t natd_in[8 + 8 + 4 + 2] = { 0x61, 0xb7, 0xac, 0x13, 0x2f, 0x9b, 0x5f, 0x4a,
                                       0, 0, 0, 0, 0, 0, 0, 0,
                                       192, 0, 2, 2, 0x01, 0xf4 };
    uint8_t natd[SHA_DIGEST_LENGTH];
    SHA1(natd_in, sizeof natd_in, natd);
    expect_bytes("NAT-D destination", msg.notify[1].data, msg.notify[1].len, natd, sizeof natd);
    /* RFC 7427 4: hash algorithm numbers 2, 3, 4, 5 */
    expect_bytes("SIGNATURE_HASH_ALGORITHMS", msg.notify[3].data, msg.notify[3].len,
                 (const uint8_t *)"\x00\x02\x00\x03\x00\x04\x00\x05", 8);
}

/* ---- truncation ---------------------------------------------------------------------- */

/* Cut at every byte: the datagram as cut, then with the header's length
 * fixed to the cut (so the payload walk meets the end), then the chain alone. */
static void every_cut_is_refused(const char *what, const struct bytes *m)
{
    for (size_t n = 0; n < m->n; n++) {
        uint8_t *c = malloc(n ? n : 1);    /* exact size: ASan sees any overread */
        memcpy(c, m->b, n);
        cr_expect_neq(ike_parse(c, n, &hdr, &msg), IKE_MSG_OK, "%s cut at %zu", what, n);
        if (n >= IKE_HDR_LEN) {
            c[24] = (uint8_t)(n >> 24), c[25] = (uint8_t)(n >> 16), c[26] = (uint8_t)(n >> 8),
            c[27] = (uint8_t)n;
            /* every payload's own length still reaches past the cut */
            expect_err(what, ike_parse(c, n, &hdr, &msg), IKE_MSG_TRUNCATED);
            cr_expect_neq(ike_parse_payloads(m->b[16], c + IKE_HDR_LEN, n - IKE_HDR_LEN, &msg),
                          IKE_MSG_OK, "%s chain cut at %zu", what, n);
        }
        free(c);
    }
}

Test(truncation, every_cut_of_the_built_request_is_refused)
{
    struct bytes m;
    build_init(&m);
    every_cut_is_refused("built", &m);
}

Test(truncation, every_cut_of_strongswans_request_is_refused)
{
    struct bytes m = hex(strongswan_init);
    every_cut_is_refused("strongSwan", &m);
}

/* ---- header -------------------------------------------------------------------------- */

Test(header, shorter_than_28_bytes)
{
    struct bytes m = hex(strongswan_init);
    expect_err("27", ike_parse_header(m.b, 27, &hdr), IKE_MSG_SHORT);
    expect_err("0", ike_parse_header(m.b, 0, &hdr), IKE_MSG_SHORT);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_SHORT), IKE_N_INVALID_SYNTAX);
}

Test(header, major_version_other_than_2_minor_ignored)
{
    struct bytes m = hex(strongswan_init);
    m.b[17] = 0x10;    /* IKEv1 */
    expect_err("1.0", ike_parse_header(m.b, m.n, &hdr), IKE_MSG_BAD_VERSION);
    cr_expect_eq(hdr.major, 1);
    cr_expect_eq(hdr.spi_i, 0x61b7ac132f9b5f4aull, "filled for the INVALID_MAJOR_VERSION answer");
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_BAD_VERSION), IKE_N_INVALID_MAJOR_VERSION);
    m.b[17] = 0x30;
    expect_err("3.0", ike_parse(m.b, m.n, &hdr, &msg), IKE_MSG_BAD_VERSION);
    m.b[17] = 0x2f;    /* RFC 7296 2.5: a higher minor is fine */
    expect_err("2.15", ike_parse(m.b, m.n, &hdr, &msg), IKE_MSG_OK);
    cr_expect_eq(hdr.minor, 15);
}

Test(header, length_not_the_datagrams)
{
    struct bytes m = hex(strongswan_init);
    m.b[27] = 0x35;    /* 309 */
    expect_err("longer", ike_parse_header(m.b, m.n, &hdr), IKE_MSG_BAD_LENGTH);
    m.b[27] = 0x33;    /* 307 */
    expect_err("shorter", ike_parse_header(m.b, m.n, &hdr), IKE_MSG_BAD_LENGTH);
    m.b[27] = 0x34;
    m.b[m.n++] = 0;    /* a byte more in the datagram than the header says */
    expect_err("padded", ike_parse(m.b, m.n, &hdr, &msg), IKE_MSG_BAD_LENGTH);
}

Test(header, flags_and_an_empty_informational)
{
    /* RFC 7296 2.4: an empty INFORMATIONAL request (here its header alone)
     * is the liveness check */
    struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exchange = IKE_INFORMATIONAL,
                         .flags = IKE_FLAG_RESPONSE, .msg_id = 7 };
    struct ike_build b;
    struct bytes m;
    ike_build_begin(&b, m.b, sizeof m.b, &h);
    uint8_t first = 99;
    assert_err("end", ike_build_end(&b, &m.n, &first), IKE_MSG_OK);
    cr_expect_eq(first, IKE_PL_NONE);
    expect_bytes("header", m.b, m.n,
                 hex("0000000000000001 0000000000000002 00 20 25 20 00000007 0000001c").b, 28);
    assert_err("parse", parse(&m), IKE_MSG_OK);
    cr_expect_eq(hdr.flags, IKE_FLAG_RESPONSE);
    cr_expect_eq(hdr.msg_id, 7);
    cr_expect_eq(msg.n_payloads, 0);
    cr_expect_eq(msg.present, 0);
}

/* ---- the payload chain ------------------------------------------------------------------- */

Test(chain, payload_length_below_4_and_past_the_end)
{
    struct bytes m = hex(strongswan_init);
    /* the KE payload at 112 (28 + 84): length 3, then 0 */
    cr_assert_eq(m.b[112 + 3], 0x48);
    for (int l = 0; l < 4; l++) {
        m.b[112 + 3] = (uint8_t)l;
        expect_err("KE length < 4", parse(&m), IKE_MSG_PAYLOAD_LENGTH);
        cr_expect_eq(msg.bad_type, IKE_PL_KE);
    }
    m.b[112 + 2] = 0x01;    /* 256 + 3: past the end */
    expect_err("KE length past end", parse(&m), IKE_MSG_TRUNCATED);
    /* the last notify says one more follows */
    m = hex(strongswan_init);
    m.b[300] = IKE_PL_NOTIFY;
    expect_err("chain past end", parse(&m), IKE_MSG_TRUNCATED);
    /* the last notify ends early: bytes after the chain */
    m = hex(strongswan_init);
    m.b[284] = 0;    /* the SIGNATURE_HASH_ALGORITHMS notify ends the chain */
    expect_err("trailing", parse(&m), IKE_MSG_TRAILING);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_TRAILING), IKE_N_INVALID_SYNTAX);
}

Test(chain, fixed_fields_must_fit)
{
    expect_err("KE 3", parse_one(IKE_PL_KE, false, "000e00"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("KE 4", parse_one(IKE_PL_KE, false, "000e0000"), IKE_MSG_OK);
    cr_expect_eq(msg.ke.len, 0);
    expect_err("IDi", parse_one(IKE_PL_IDI, false, "010000"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("AUTH", parse_one(IKE_PL_AUTH, false, "02"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("CERT", parse_one(IKE_PL_CERT, false, ""), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("N", parse_one(IKE_PL_NOTIFY, false, "000040"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("D", parse_one(IKE_PL_DELETE, false, "0100"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("TSi", parse_one(IKE_PL_TSI, false, "00"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("CP", parse_one(IKE_PL_CP, false, "01"), IKE_MSG_PAYLOAD_LENGTH);
    expect_err("SKF", parse_one(IKE_PL_SKF, false, "0001"), IKE_MSG_PAYLOAD_LENGTH);
    /* N: SPI size past the payload */
    expect_err("N SPI", parse_one(IKE_PL_NOTIFY, false, "0304400901020304"), IKE_MSG_OK);
    expect_err("N SPI past", parse_one(IKE_PL_NOTIFY, false, "03054009 01020304"),
               IKE_MSG_BAD_NOTIFY);
}

Test(chain, unknown_critical_payload_is_refused_with_its_type)
{
    struct ike_build b;
    struct bytes m;
    begin(&b, &m);
    ike_build_nonce(&b, ni, sizeof ni);
    ike_build_raw(&b, 200, true, (const uint8_t *)"abc", 3);
    end(&b, &m);
    expect_err("critical 200", parse(&m), IKE_MSG_UNSUPPORTED_CRITICAL);
    cr_expect_eq(msg.unsupported_type, 200);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_UNSUPPORTED_CRITICAL),
                 IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
    /* an IKEv1 payload number is unknown to IKEv2 too */
    expect_err("critical 1", parse_one(1, true, ""), IKE_MSG_UNSUPPORTED_CRITICAL);
    cr_expect_eq(msg.unsupported_type, 1);
}

Test(chain, unknown_payload_without_critical_bit_is_skipped_and_counted)
{
    struct ike_build b;
    struct bytes m;
    init_data();
    begin(&b, &m);
    ike_build_raw(&b, 49, false, (const uint8_t *)"xyz", 3);
    ike_build_nonce(&b, ni, sizeof ni);
    ike_build_raw(&b, 250, false, NULL, 0);
    ike_build_notify(&b, 0, IKE_N_COOKIE, NULL, 0, ni, 16);
    end(&b, &m);
    assert_err("parse", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.n_unknown, 2);
    cr_expect_eq(msg.n_payloads, 2);
    cr_expect_eq(msg.order[0], IKE_PL_NONCE);
    cr_expect_eq(msg.order[1], IKE_PL_NOTIFY);
    cr_expect_eq(msg.nonce.len, 32);
    cr_expect_eq(msg.notify[0].type, IKE_N_COOKIE);
}

Test(chain, critical_bit_on_a_known_payload_is_ignored)
{
    expect_err("critical N", parse_one(IKE_PL_NOTIFY, true, "00004004"), IKE_MSG_OK);
    cr_expect_eq(msg.notify[0].type, IKE_N_NAT_DETECTION_SOURCE_IP);
}

Test(chain, payloads_allowed_once)
{
    const uint8_t once[] = { IKE_PL_SA, IKE_PL_KE, IKE_PL_IDI, IKE_PL_IDR, IKE_PL_AUTH,
                             IKE_PL_NONCE, IKE_PL_TSI, IKE_PL_TSR, IKE_PL_CP, IKE_PL_EAP };
    const char *body[] = { "00000008 01010000", "000e0000", "02000000", "02000000", "02000000",
                           "000102030405060708090a0b0c0d0e0f", "00000000", "00000000",
                           "01000000", "01" };
    for (size_t i = 0; i < sizeof once; i++) {
        struct ike_build b;
        struct bytes m, pl = hex(body[i]);
        begin(&b, &m);
        ike_build_raw(&b, once[i], false, pl.b, pl.n);
        ike_build_vendor(&b, (const uint8_t *)"v", 1);
        ike_build_raw(&b, once[i], false, pl.b, pl.n);
        end(&b, &m);
        expect_err(ike_payload_name(once[i]), parse(&m), IKE_MSG_DUPLICATE);
        cr_expect_eq(msg.bad_type, once[i]);
        cr_expect_eq(ike_msg_err_notify(IKE_MSG_DUPLICATE), IKE_N_INVALID_SYNTAX);
    }
    /* repeatable ones */
    struct ike_build b;
    struct bytes m;
    begin(&b, &m);
    for (int i = 0; i < 3; i++) {
        ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
        ike_build_vendor(&b, (const uint8_t *)"vid", 3);
        ike_build_cert(&b, IKE_PL_CERT, 4, (const uint8_t *)"c", 1);
        ike_build_cert(&b, IKE_PL_CERTREQ, 4, NULL, 0);
        ike_build_delete(&b, IKE_PROTO_ESP, 4, (const uint8_t *)"spi!", 1);
    }
    end(&b, &m);
    assert_err("repeated", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.n_notifies, 3);
    cr_expect_eq(msg.n_vendors, 3);
    cr_expect_eq(msg.n_certs, 3);
    cr_expect_eq(msg.n_certreqs, 3);
    cr_expect_eq(msg.n_deletes, 3);
    cr_expect_eq(msg.n_payloads, 15);
    cr_expect_eq(msg.cert[2].encoding, 4);
    cr_expect_eq(msg.cert[2].len, 1);
    cr_expect_eq(msg.certreq[1].len, 0);
}

Test(chain, sk_must_be_last_and_carries_the_inner_type)
{
    const uint8_t body[] = "iv-ciphertext-icv";
    struct ike_build b;
    struct bytes m;
    begin(&b, &m);
    ike_build_raw(&b, IKE_PL_SK, false, body, 17);
    ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    end(&b, &m);
    /* SK's Next Payload is the inner type (N here), not a link: the notify
     * after it is not part of the chain */
    expect_err("SK then N", parse(&m), IKE_MSG_SK_NOT_LAST);
    cr_expect_eq(msg.bad_type, IKE_PL_SK);

    begin(&b, &m);
    ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    uint8_t *at = NULL;
    expect_err("SK", ike_build_sk(&b, IKE_PL_IDI, body, 17, &at), IKE_MSG_OK);
    cr_expect_eq(at, m.b + 28 + 8 + 4);
    expect_err("after SK", ike_build_vendor(&b, body, 1), IKE_MSG_SK_NOT_LAST);
    expect_err("end", ike_build_end(&b, &m.n, NULL), IKE_MSG_SK_NOT_LAST);
    cr_expect_eq(m.n, 28 + 8 + 21, "nothing written after SK");
    assert_err("N, SK", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.sk.next, IKE_PL_IDI);
    cr_expect_eq(msg.sk.payload, m.b + 36);
    expect_bytes("SK body", msg.sk.data, msg.sk.len, body, 17);
    cr_expect_eq(msg.n_payloads, 2);
}

Test(chain, skf_alone_and_numbered_from_1)
{
    expect_err("1 of 1", parse_one(IKE_PL_SKF, false, "00010001 abcd"), IKE_MSG_OK);
    cr_expect_eq(msg.skf.number, 1);
    cr_expect_eq(msg.skf.total, 1);
    cr_expect_eq(msg.skf.len, 2);
    expect_err("3 of 3", parse_one(IKE_PL_SKF, false, "00030003"), IKE_MSG_OK);
    expect_err("total 0", parse_one(IKE_PL_SKF, false, "00010000 abcd"), IKE_MSG_BAD_SKF);
    expect_err("number 0", parse_one(IKE_PL_SKF, false, "00000002 abcd"), IKE_MSG_BAD_SKF);
    expect_err("4 of 3", parse_one(IKE_PL_SKF, false, "00040003 abcd"), IKE_MSG_BAD_SKF);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_BAD_SKF), IKE_N_INVALID_SYNTAX);

    struct ike_build b;
    struct bytes m;
    begin(&b, &m);
    ike_build_vendor(&b, (const uint8_t *)"v", 1);
    ike_build_raw(&b, IKE_PL_SKF, false, hex("00010001").b, 4);
    end(&b, &m);
    expect_err("after V", parse(&m), IKE_MSG_SKF_NOT_ALONE);
    begin(&b, &m);
    ike_build_raw(&b, IKE_PL_SKF, false, hex("00010001").b, 4);
    ike_build_vendor(&b, (const uint8_t *)"v", 1);
    end(&b, &m);
    expect_err("before V", parse(&m), IKE_MSG_SKF_NOT_ALONE);

    /* built: the header's next is SKF, SKF's next the inner first payload */
    begin(&b, &m);
    expect_err("SKF", ike_build_skf(&b, IKE_PL_IDI, 1, 2, (const uint8_t *)"xy", 2, NULL),
               IKE_MSG_OK);
    end(&b, &m);
    expect_bytes("SKF message", m.b + 16, m.n - 16,
                 hex("35 20 22 08 00000000 00000026  23 00 000a 0001 0002 7879").b, 22);
    assert_err("parse", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.skf.next, IKE_PL_IDI);
    cr_expect_eq(msg.skf.number, 1);
    cr_expect_eq(msg.skf.total, 2);
    begin(&b, &m);
    ike_build_vendor(&b, (const uint8_t *)"v", 1);
    expect_err("SKF second", ike_build_skf(&b, 0, 1, 1, NULL, 0, NULL), IKE_MSG_SKF_NOT_ALONE);
    begin(&b, &m);
    expect_err("SKF 2 of 1", ike_build_skf(&b, 0, 2, 1, NULL, 0, NULL), IKE_MSG_BAD_ARG);
}

/* ---- payload bodies --------------------------------------------------------------------- */

Test(nonce, between_16_and_256_bytes)
{
    uint8_t n[257];
    fill(n, sizeof n, 0);
    const size_t sizes[] = { 0, 15, 16, 256, 257 };
    const enum ike_msg_err want[] = { IKE_MSG_BAD_NONCE, IKE_MSG_BAD_NONCE, IKE_MSG_OK, IKE_MSG_OK,
                                      IKE_MSG_BAD_NONCE };
    for (int i = 0; i < 5; i++) {
        struct ike_build b;
        struct bytes m;
        begin(&b, &m);
        ike_build_nonce(&b, n, sizes[i]);
        end(&b, &m);
        char what[32];
        snprintf(what, sizeof what, "nonce of %zu", sizes[i]);
        expect_err(what, parse(&m), want[i]);
        if (want[i] == IKE_MSG_OK)
            cr_expect_eq(msg.nonce.len, sizes[i]);
    }
}

Test(delete, count_times_spi_size_must_be_the_payload)
{
    expect_err("IKE SA", parse_one(IKE_PL_DELETE, false, "01000000"), IKE_MSG_OK);
    cr_expect_eq(msg.del[0].protocol, IKE_PROTO_IKE);
    cr_expect_eq(msg.del[0].count, 0);
    cr_expect_null(msg.del[0].spis);
    expect_err("2 ESP SPIs", parse_one(IKE_PL_DELETE, false, "03040002 c0000001 c0000002"),
               IKE_MSG_OK);
    cr_expect_eq(msg.del[0].spi_size, 4);
    cr_expect_eq(msg.del[0].count, 2);
    expect_bytes("SPIs", msg.del[0].spis, 8, hex("c0000001c0000002").b, 8);
    expect_err("3 x 4 in 8", parse_one(IKE_PL_DELETE, false, "03040003 c0000001 c0000002"),
               IKE_MSG_BAD_DELETE);
    expect_err("1 x 4 in 8", parse_one(IKE_PL_DELETE, false, "03040001 c0000001 c0000002"),
               IKE_MSG_BAD_DELETE);
    expect_err("65535 x 255", parse_one(IKE_PL_DELETE, false, "03ffffff c0000001"),
               IKE_MSG_BAD_DELETE);
    expect_err("size 0 count 1", parse_one(IKE_PL_DELETE, false, "01000001"), IKE_MSG_BAD_DELETE);
}

Test(ts, count_must_match_the_selectors)
{
    /* RFC 7296 3.13.1: one IPv4 range, TCP 0..65535, 10.1.0.0..10.1.255.255 */
    const char *v4 = "07 06 0010 0000 ffff 0a010000 0a01ffff";
    const char *v6 = "08 00 0028 0000 ffff 20010db8000000000000000000000000"
                     "20010db8ffffffffffffffffffffffff";
    char body[512];
    snprintf(body, sizeof body, "02000000 %s %s", v4, v6);
    expect_err("v4 + v6", parse_one(IKE_PL_TSI, false, body), IKE_MSG_OK);
    cr_assert_eq(msg.tsi.count, 2);
    const struct ike_ts *ts = &msg.tsi.ts[0];
    cr_expect_eq(ts->type, IKE_TS_IPV4_ADDR_RANGE);
    cr_expect_eq(ts->ip_proto, 6);
    cr_expect_eq(ts->start_port, 0);
    cr_expect_eq(ts->end_port, 65535);
    expect_bytes("start", ts->start, 4, hex("0a010000").b, 4);
    expect_bytes("end", ts->end, 4, hex("0a01ffff").b, 4);
    ts = &msg.tsi.ts[1];
    cr_expect_eq(ts->type, IKE_TS_IPV6_ADDR_RANGE);
    expect_bytes("v6 end", ts->end, 16, hex("20010db8ffffffffffffffffffffffff").b, 16);

    snprintf(body, sizeof body, "02000000 %s", v4);
    expect_err("2 said, 1 there", parse_one(IKE_PL_TSR, false, body), IKE_MSG_BAD_TS);
    snprintf(body, sizeof body, "01000000 %s %s", v4, v4);
    expect_err("1 said, 2 there", parse_one(IKE_PL_TSR, false, body), IKE_MSG_BAD_TS);
    expect_err("v4 of 40", parse_one(IKE_PL_TSI, false,
                                     "01000000 07000028 0000ffff 20010db8000000000000000000000000"
                                     "20010db8ffffffffffffffffffffffff"),
               IKE_MSG_BAD_TS);
    expect_err("selector length 3", parse_one(IKE_PL_TSI, false, "01000000 07000003"),
               IKE_MSG_BAD_TS);
    /* another type (RFC 9478 SECLABEL) is kept raw */
    expect_err("type 10", parse_one(IKE_PL_TSI, false, "01000000 0a000008 73797374"), IKE_MSG_OK);
    cr_expect_eq(msg.tsi.ts[0].type, 10);
    cr_expect_null(msg.tsi.ts[0].start);
    cr_expect_eq(msg.tsi.ts[0].raw_len, 8);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_BAD_TS), IKE_N_INVALID_SYNTAX);
}

Test(ts, up_to_64_selectors)
{
    struct ike_ts ts[65];
    uint8_t a[4] = { 10, 0, 0, 1 };
    for (int i = 0; i < 65; i++)
        ts[i] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535,
                                 .start = a, .end = a };
    struct ike_build b;
    struct bytes m;
    begin(&b, &m);
    ike_build_ts(&b, IKE_PL_TSI, ts, 64);
    end(&b, &m);
    assert_err("64", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.tsi.count, 64);
    begin(&b, &m);
    ike_build_ts(&b, IKE_PL_TSI, ts, 65);
    end(&b, &m);
    expect_err("65", parse(&m), IKE_MSG_TOO_MANY);
}

Test(sa, attributes_and_substructure_rules)
{
    /* 3.3.6: an unknown attribute makes the transform unusable, not the message bad */
    expect_err("unknown TV attribute",
               parse_one(IKE_PL_SA, false, "00000014 01010001 0000000c 01000014 800f0001"),
               IKE_MSG_OK);
    cr_expect(msg.sa.prop[0].tf[0].unusable);
    cr_expect_eq(msg.sa.prop[0].tf[0].id, IKE_ENCR_AES_GCM_16);
    expect_err("unknown TLV attribute",
               parse_one(IKE_PL_SA, false, "00000016 01010001 0000000e 01000014 000f0002 abcd"),
               IKE_MSG_OK);
    cr_expect(msg.sa.prop[0].tf[0].unusable);
    expect_err("key length twice",
               parse_one(IKE_PL_SA, false,
                         "00000018 01010001 00000010 01000014 800e0080 800e0100"),
               IKE_MSG_OK);
    cr_expect(msg.sa.prop[0].tf[0].unusable);
    cr_expect_eq(msg.sa.prop[0].tf[0].key_len, 128);
    expect_err("key length TLV",
               parse_one(IKE_PL_SA, false, "00000016 01010001 0000000e 01000014 000e0002 0080"),
               IKE_MSG_OK);
    cr_expect(msg.sa.prop[0].tf[0].unusable);
    cr_expect_eq(msg.sa.prop[0].tf[0].key_len, 0);
    expect_err("attribute past transform",
               parse_one(IKE_PL_SA, false, "00000016 01010001 0000000e 01000014 000f0004 abcd"),
               IKE_MSG_BAD_SA);
    expect_err("ESP with SPI",
               parse_one(IKE_PL_SA, false, "00000014 01030401 c0000001 00000008 01000014"),
               IKE_MSG_OK);
    cr_expect_eq(msg.sa.prop[0].protocol, IKE_PROTO_ESP);
    cr_expect_eq(msg.sa.prop[0].spi_size, 4);
    expect_bytes("SPI", msg.sa.prop[0].spi, 4, hex("c0000001").b, 4);

    expect_err("empty SA", parse_one(IKE_PL_SA, false, ""), IKE_MSG_BAD_SA);
    expect_err("SPI size 3",
               parse_one(IKE_PL_SA, false, "00000013 01030301 c00000 00000008 01000014"),
               IKE_MSG_BAD_SA);
    expect_err("2 transforms said, 1 there",
               parse_one(IKE_PL_SA, false, "00000010 01010002 00000008 01000014"),
               IKE_MSG_BAD_SA);
    expect_err("last proposal says more",
               parse_one(IKE_PL_SA, false, "02000010 01010001 00000008 01000014"),
               IKE_MSG_BAD_SA);
    expect_err("proposal says last, one follows",
               parse_one(IKE_PL_SA, false,
                         "00000010 01010001 00000008 01000014 00000010 02010001 00000008 "
                         "0100000c"),
               IKE_MSG_BAD_SA);
    expect_err("last transform says more",
               parse_one(IKE_PL_SA, false, "00000010 01010001 03000008 01000014"),
               IKE_MSG_BAD_SA);
    expect_err("transform length 7",
               parse_one(IKE_PL_SA, false, "00000010 01010001 00000007 01000014"),
               IKE_MSG_BAD_SA);
    expect_err("proposal past the payload",
               parse_one(IKE_PL_SA, false, "00000011 01010001 00000008 01000014"),
               IKE_MSG_BAD_SA);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_BAD_SA), IKE_N_INVALID_SYNTAX);
}

/* A message with n proposals of t transforms each, or n notifies. */
static void sa_of(struct bytes *m, unsigned n, unsigned t)
{
    static struct ike_proposal prop[IKE_MAX_PROPOSALS + 1];
    struct ike_build b;
    for (unsigned i = 0; i < n; i++) {
        prop[i] = (struct ike_proposal){ .num = (uint8_t)(i + 1), .protocol = IKE_PROTO_IKE };
        /* the builder takes at most IKE_MAX_TRANSFORMS: extra ones are raw */
        prop[i].n_transforms = (uint8_t)(t > IKE_MAX_TRANSFORMS ? IKE_MAX_TRANSFORMS : t);
        for (unsigned j = 0; j < prop[i].n_transforms; j++)
            prop[i].tf[j] = (struct ike_transform){ .type = IKE_TF_ENCR, .id = (uint16_t)j };
    }
    begin(&b, m);
    assert_err("SA", ike_build_sa(&b, prop, n), IKE_MSG_OK);
    end(&b, m);
}

Test(limits, proposals_transforms_notifies)
{
    struct bytes m;
    sa_of(&m, 16, 32);
    assert_err("16 x 32", parse(&m), IKE_MSG_OK);
    cr_expect_eq(msg.sa.n_proposals, 16);
    cr_expect_eq(msg.sa.prop[15].n_transforms, 32);
    sa_of(&m, 17, 1);
    expect_err("17 proposals", parse(&m), IKE_MSG_TOO_MANY);
    /* a 33rd transform: append one to the single proposal by hand */
    sa_of(&m, 1, 32);
    m.b[28 + 4 + 7] = 33;
    m.b[28 + 4 + 8 + 32 * 8 - 8] = 3;    /* the old last now says "more" */
    const uint8_t extra[8] = { 0, 0, 0, 8, 1, 0, 0, 99 };
    memcpy(m.b + m.n, extra, 8);
    m.n += 8;
    uint16_t l = (uint16_t)(m.n - 28);
    m.b[28 + 2] = (uint8_t)(l >> 8), m.b[28 + 3] = (uint8_t)l;
    l = (uint16_t)(l - 4);
    m.b[32 + 2] = (uint8_t)(l >> 8), m.b[32 + 3] = (uint8_t)l;
    m.b[26] = (uint8_t)(m.n >> 8), m.b[27] = (uint8_t)m.n;
    expect_err("33 transforms", parse(&m), IKE_MSG_TOO_MANY);

    struct ike_build b;
    begin(&b, &m);
    for (int i = 0; i < IKE_MAX_NOTIFIES; i++)
        ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    end(&b, &m);
    assert_err("32 notifies", parse(&m), IKE_MSG_OK);
    ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    end(&b, &m);
    expect_err("33 notifies", parse(&m), IKE_MSG_TOO_MANY);
    cr_expect_eq(ike_msg_err_notify(IKE_MSG_TOO_MANY), IKE_N_INVALID_SYNTAX);
}

/* ---- inner chains, exact bytes ------------------------------------------------------- */

/* The plaintext of an IKE_AUTH request (RFC 7296 1.2: IDi, AUTH, SAi2, TSi,
 * TSr, here with a CP request and a Delete) as a bare chain. */
Test(build, ike_auth_inner_chain_is_laid_out_as_rfc_7296_3)
{
    static const uint8_t a0[4] = { 10, 1, 0, 0 }, a1[4] = { 10, 1, 255, 255 };
    static const uint8_t b0[4] = { 10, 2, 0, 0 }, b1[4] = { 10, 2, 255, 255 };
    static const uint8_t spi[4] = { 0xc0, 0, 0, 1 }, auth[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    struct ike_proposal esp = {
        .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4, .spi = spi, .n_transforms = 2,
        .tf = { { .type = IKE_TF_ENCR, .id = IKE_ENCR_AES_GCM_16, .key_len = 128 },
                { .type = IKE_TF_ESN, .id = IKE_ESN_NO } },
    };
    struct ike_ts tsi = { .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535, .start = a0,
                          .end = a1 };
    struct ike_ts tsr = { .type = IKE_TS_IPV4_ADDR_RANGE, .ip_proto = 17, .start_port = 500,
                          .end_port = 500, .start = b0, .end = b1 };
    struct ike_cp_attr cfg[2] = { { .type = IKE_CFG_INTERNAL_IP4_ADDRESS },
                                  { .type = IKE_CFG_INTERNAL_IP4_DNS } };
    struct ike_build b;
    struct bytes m;
    uint8_t first = 0;
    ike_build_inner(&b, m.b, sizeof m.b);
    ike_build_id(&b, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"a.example", 9);
    ike_build_auth(&b, IKE_AUTH_PSK, auth, sizeof auth);
    ike_build_cp(&b, IKE_CFG_REQUEST, cfg, 2);
    ike_build_sa(&b, &esp, 1);
    ike_build_ts(&b, IKE_PL_TSI, &tsi, 1);
    ike_build_ts(&b, IKE_PL_TSR, &tsr, 1);
    ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
    assert_err("end", ike_build_end(&b, &m.n, &first), IKE_MSG_OK);
    cr_expect_eq(first, IKE_PL_IDI);

    struct bytes want = { 0 };
    /* 3.5 IDi: next AUTH (39), length 17, FQDN (2), reserved */
    append_hex(&want, "27 00 0011 02 000000 612e6578616d706c65");
    /* 3.8 AUTH: next CP (47), length 12, method 2 (shared key) */
    append_hex(&want, "2f 00 000c 02 000000 aabbccdd");
    /* 3.15 CP: next SA (33), length 16, CFG_REQUEST, attributes (3.15.1)
     * INTERNAL_IP4_ADDRESS and INTERNAL_IP4_DNS with length 0 */
    append_hex(&want, "21 00 0010 01 000000 0001 0000 0003 0000");
    /* 3.3 SA: next TSi (44), length 4 + 32; ESP proposal with SPI c0000001,
     * ENCR_AES_GCM_16 / 128 and ESN none */
    append_hex(&want, "2c 00 0024 00 00 0020 01 03 04 02 c0000001"
                      "03 00 000c 01 00 0014 800e 0080  00 00 0008 05 00 0000");
    /* 3.13 TSi: next TSr (45), length 24, 1 selector: any protocol, all ports */
    append_hex(&want, "2d 00 0018 01 000000 07 00 0010 0000 ffff 0a010000 0a01ffff");
    /* TSr: next D (42): UDP port 500 */
    append_hex(&want, "2a 00 0018 01 000000 07 11 0010 01f4 01f4 0a020000 0a02ffff");
    /* 3.11 Delete: last, length 12, ESP, SPI size 4, 1 SPI */
    append_hex(&want, "00 00 000c 03 04 0001 c0000001");
    expect_bytes("IKE_AUTH plaintext", m.b, m.n, want.b, want.n);

    assert_err("parse", ike_parse_payloads(first, m.b, m.n, &msg), IKE_MSG_OK);
    cr_expect_eq(msg.idi.type, IKE_ID_FQDN);
    expect_bytes("IDi", msg.idi.data, msg.idi.len, (const uint8_t *)"a.example", 9);
    /* AUTH's input (RFC 7296 2.15) starts at the ID type */
    cr_expect_eq(msg.idi.body, m.b + 4);
    cr_expect_eq(msg.idi.body_len, 13);
    cr_expect_eq(msg.auth.method, IKE_AUTH_PSK);
    cr_expect_eq(msg.cp.type, IKE_CFG_REQUEST);
    cr_assert_eq(msg.cp.n_attrs, 2);
    cr_expect_eq(msg.cp.attr[1].type, IKE_CFG_INTERNAL_IP4_DNS);
    cr_expect_eq(msg.cp.attr[1].len, 0);
    cr_expect_eq(msg.sa.prop[0].tf[1].type, IKE_TF_ESN);
    cr_expect_eq(msg.tsr.ts[0].ip_proto, 17);
    cr_expect_eq(msg.tsr.ts[0].start_port, 500);
    cr_expect_eq(msg.del[0].count, 1);

    /* wrapped (unencrypted here) in an IKE_AUTH message's SK */
    struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exchange = IKE_AUTH,
                         .flags = IKE_FLAG_INITIATOR, .msg_id = 1 };
    struct bytes outer;
    ike_build_begin(&b, outer.b, sizeof outer.b, &h);
    ike_build_sk(&b, first, m.b, m.n, NULL);
    assert_err("outer", ike_build_end(&b, &outer.n, NULL), IKE_MSG_OK);
    cr_expect_eq(outer.n, 28 + 4 + m.n);
    assert_err("outer parse", ike_parse(outer.b, outer.n, &hdr, &msg2), IKE_MSG_OK);
    cr_expect_eq(hdr.next, IKE_PL_SK);
    cr_expect_eq(msg2.sk.next, IKE_PL_IDI);
    assert_err("inner again", ike_parse_payloads(msg2.sk.next, msg2.sk.data, msg2.sk.len, &msg),
               IKE_MSG_OK);
    cr_expect_eq(msg.n_payloads, 7);
}

/* ---- builder capacity ------------------------------------------------------------------- */

/* Every capacity short of the message: an error, and not a byte past cap. */
Test(build, every_short_capacity_fails_without_writing_past_it)
{
    struct bytes full;
    build_init(&full);
    for (size_t cap = 0; cap < full.n; cap++) {
        uint8_t *buf = malloc(cap ? cap : 1);    /* exact size: ASan sees any overflow */
        size_t len = 0;
        enum ike_msg_err e = build_init_into(buf, cap, &len);
        cr_expect_eq(e, IKE_MSG_NO_SPACE, "cap %zu: %s", cap, ike_msg_err_name(e));
        cr_expect_leq(len, cap);
        if (len >= IKE_HDR_LEN) {
            /* what was written before the error is a complete, parseable message */
            cr_expect_eq(ike_parse(buf, len, &hdr, &msg), IKE_MSG_OK, "cap %zu", cap);
        }
        free(buf);
    }
    /* with room to spare, one more append is refused once it no longer fits */
    struct ike_build b;
    uint8_t small[40];
    ike_build_begin(&b, small, sizeof small, &init_hdr);
    expect_err("8 bytes", ike_build_vendor(&b, ni, 8), IKE_MSG_OK);
    expect_err("1 more", ike_build_vendor(&b, ni, 1), IKE_MSG_NO_SPACE);
    size_t len;
    ike_build_end(&b, &len, NULL);
    cr_expect_eq(len, 40);
}

Test(build, arguments)
{
    struct ike_build b;
    struct bytes m;
    struct ike_proposal bad = { .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 3 };
    begin(&b, &m);
    expect_err("SPI size 3", ike_build_sa(&b, &bad, 1), IKE_MSG_BAD_ARG);
    begin(&b, &m);
    expect_err("no proposals", ike_build_sa(&b, &bad, 0), IKE_MSG_BAD_ARG);
    begin(&b, &m);
    expect_err("ID as AUTH", ike_build_id(&b, IKE_PL_AUTH, 1, NULL, 0), IKE_MSG_BAD_ARG);
    begin(&b, &m);
    expect_err("NULL data", ike_build_nonce(&b, NULL, 16), IKE_MSG_BAD_ARG);
    begin(&b, &m);
    expect_err("delete size 0 count 1", ike_build_delete(&b, 1, 0, NULL, 1), IKE_MSG_BAD_ARG);
    begin(&b, &m);
    static uint8_t big[65536];
    expect_err("65532-byte body", ike_build_vendor(&b, big, 65532), IKE_MSG_BAD_ARG);
    cr_expect_eq(b.len, IKE_HDR_LEN);
}

Test(names, for_logs)
{
    cr_expect_str_eq(ike_msg_err_name(IKE_MSG_UNSUPPORTED_CRITICAL),
                     "unsupported-critical-payload");
    cr_expect_str_eq(ike_msg_err_name(IKE_MSG_ERR_MAX), "?");
    cr_expect_str_eq(ike_notify_name(16388), "NAT_DETECTION_SOURCE_IP");
    cr_expect_str_eq(ike_notify_name(IKE_N_TS_UNACCEPTABLE), "TS_UNACCEPTABLE");
    cr_expect_str_eq(ike_notify_name(12345), "?");
    cr_expect_str_eq(ike_payload_name(IKE_PL_SKF), "SKF");
    cr_expect_str_eq(ike_payload_name(IKE_PL_IDI), "IDi");
    cr_expect_str_eq(ike_exchange_name(IKE_CREATE_CHILD_SA), "CREATE_CHILD_SA");
    cr_expect_str_eq(ike_exchange_name(33), "?");
}

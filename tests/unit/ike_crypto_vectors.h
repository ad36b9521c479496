/* Known answers for tests/unit/test_ike_crypto.c (hex, spaces ignored).
 *
 * 1. Published vectors, as the documents print them: RFC 2202 and RFC 4231
 *    (HMAC PRFs), RFC 3566 section 4 and RFC 4434 section 4 (AES-XCBC-PRF-128,
 *    every key length RFC 4434 covers), RFC 5903 section 8 (ECP 19, 20, 21),
 *    RFC 7748 section 6.1 (X25519). Each was recomputed with python3 and
 *    pyca/cryptography 48 before it was pasted.
 * 2. Values computed outside srlab where nothing is published (python3, the
 *    script's method is in each comment): MODP exchanges with the primes
 *    rebuilt from RFC 2409 6 / RFC 3526's formula with mpmath's pi, prf+,
 *    and SK/SKF messages laid out byte by byte.
 * 3. Ten IKEv2 exchanges between two strongSwan 5.9.8 charons (PSK, kernel-
 *    libipsec) in network namespaces, one per proposal, together covering
 *    every group, PRF, integrity and encryption transform of ike_crypto.h:
 *    the UDP payloads dumpcap saw on the initiator's veth (non-ESP marker
 *    removed; IKE_AUTH moves to port 4500), and what charon logged with
 *    "ike = 4, enc = 3, chd = 4" in its filelog: g^ir ("shared Diffie Hellman
 *    secret", "DH secret"), SKEYSEED and Sk_* ("Sk_d secret" ...), the CHILD SA
 *    keys ("encryption initiator key" ...), and for every SK/SKF payload its
 *    sender's random padding ("padding", matched to the packet by its IV;
 *    the last byte, Pad Length, dropped). Nonces and SPIs are not copied: the
 *    test reads them from the messages. Where a capture rekeys, the CHILD SA
 *    was rekeyed first (with PFS), then the IKE SA (swanctl --rekey).
 *
 * How the captures were made (root, Debian 12, strongSwan 5.9.8; see
 * /work/shared/reference/strongswan-netns.md), once per proposal:
 *   ip netns add ikc-i; ip netns add ikc-r
 *   ip link add ikc-vi netns ikc-i type veth peer name ikc-vr netns ikc-r
 *   192.0.2.1/24 on ikc-vi, 192.0.2.2/24 on ikc-vr; lo up with 10.1.0.1/32 and
 *   10.2.0.1/32 (kernel-libipsec routes the CHILD SA's traffic selectors)
 *   ip netns exec NS unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
 *       STRONGSWAN_CONF=DIR/strongswan.conf exec /usr/lib/ipsec/charon'
 *     strongswan.conf: install_routes = no, routing_table = 0, fragment_size,
 *     plugins { the stock /etc/strongswan.d/charon files, kernel-libipsec
 *     { load = yes }, vici { socket = unix://DIR/charon.vici } },
 *     filelog { keys { path = DIR/charon.log, default = 1, ike = 4, enc = 3,
 *     chd = 4, flush_line = yes } }
 *     swanctl.conf: connection t, version 2, the proposals below,
 *     fragmentation = yes, psk auth with ids initiator.srlab.example /
 *     responder.srlab.example, child c 10.1.0.0/16 === 10.2.0.0/16
 *   ip netns exec ikc-i dumpcap -i ikc-vi -f udp -w cap.pcapng
 *   swanctl --load-all --file DIR/swanctl.conf --uri unix://DIR/charon.vici
 *   swanctl --initiate --ike t --child c   (then --rekey --child c, --rekey --ike t)
 *   tshark -r cap.pcapng -T fields -e udp.dstport -e udp.payload
 * then both charons and dumpcap were killed by pid and the namespaces
 * deleted. */
#ifndef SRLAB_TEST_IKE_CRYPTO_VECTORS_H
#define SRLAB_TEST_IKE_CRYPTO_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "isa/ike_crypto.h"

/* ---- PRFs ---------------------------------------------------------------------------- */

struct prf_vec {
    const char *name;
    uint16_t prf;
    const char *key, *data, *out;
};

#define HI_THERE "48692054 68657265"                       /* "Hi There" */
#define JEFE     "4a656665"                                /* "Jefe" */
#define WHAT_DO  "77686174 20646f20 79612077 616e7420 666f7220 6e6f7468 696e673f"
#define AA_131                                                                              \
    "aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa"               \
    "aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa"               \
    "aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa"               \
    "aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa"               \
    "aaaaaa"
/* "Test Using Larger Than Block-Size Key - Hash Key First" */
#define LARGER_KEY                                                                          \
    "54657374 20557369 6e67204c 61726765 72205468 616e2042 6c6f636b 2d53697a"               \
    "65204b65 79202d20 48617368 204b6579 20466972 7374"

static const struct prf_vec prf_vecs[] = {
    /* RFC 2202 2 and 3, test cases 1 and 2 */
    { "RFC 2202 HMAC-MD5 1", IKE_PRF_HMAC_MD5, "0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b", HI_THERE,
      "9294727a 3638bb1c 13f48ef8 158bfc9d" },
    { "RFC 2202 HMAC-MD5 2", IKE_PRF_HMAC_MD5, JEFE, WHAT_DO,
      "750c783e 6ab0b503 eaa86e31 0a5db738" },
    { "RFC 2202 HMAC-SHA1 1", IKE_PRF_HMAC_SHA1, "0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b",
      HI_THERE, "b6173186 55057264 e28bc0b6 fb378c8e f146be00" },
    { "RFC 2202 HMAC-SHA1 2", IKE_PRF_HMAC_SHA1, JEFE, WHAT_DO,
      "effcdf6a e5eb2fa2 d27416d5 f184df9c 259a7c79" },
    /* RFC 4231 4.2, 4.3 and 4.7: test cases 1, 2 and 6 (a key longer than a block) */
    { "RFC 4231 HMAC-SHA-256 1", IKE_PRF_HMAC_SHA2_256,
      "0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b", HI_THERE,
      "b0344c61 d8db3853 5ca8afce af0bf12b 881dc200 c9833da7 26e9376c 2e32cff7" },
    { "RFC 4231 HMAC-SHA-256 2", IKE_PRF_HMAC_SHA2_256, JEFE, WHAT_DO,
      "5bdcc146 bf60754e 6a042426 089575c7 5a003f08 9d273983 9dec58b9 64ec3843" },
    { "RFC 4231 HMAC-SHA-256 6", IKE_PRF_HMAC_SHA2_256, AA_131, LARGER_KEY,
      "60e43159 1ee0b67f 0d8a26aa cbf5b77f 8e0bc621 3728c514 0546040f 0ee37f54" },
    { "RFC 4231 HMAC-SHA-384 1", IKE_PRF_HMAC_SHA2_384,
      "0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b", HI_THERE,
      "afd03944 d8489562 6b0825f4 ab46907f 15f9dadb e4101ec6 82aa034c 7cebc59c"
      "faea9ea9 076ede7f 4af152e8 b2fa9cb6" },
    { "RFC 4231 HMAC-SHA-384 2", IKE_PRF_HMAC_SHA2_384, JEFE, WHAT_DO,
      "af45d2e3 76484031 617f78d2 b58a6b1b 9c7ef464 f5a01b47 e42ec373 6322445e"
      "8e2240ca 5e69e2c7 8b3239ec fab21649" },
    { "RFC 4231 HMAC-SHA-384 6", IKE_PRF_HMAC_SHA2_384, AA_131, LARGER_KEY,
      "4ece0844 85813e90 88d2c63a 041bc5b4 4f9ef101 2a2b588f 3cd11f05 033ac4c6"
      "0c2ef6ab 4030fe82 96248df1 63f44952" },
    { "RFC 4231 HMAC-SHA-512 1", IKE_PRF_HMAC_SHA2_512,
      "0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b 0b0b0b0b", HI_THERE,
      "87aa7cde a5ef619d 4ff0b424 1a1d6cb0 2379f4e2 ce4ec278 7ad0b305 45e17cde"
      "daa833b7 d6b8a702 038b274e aea3f4e4 be9d914e eb61f170 2e696c20 3a126854" },
    { "RFC 4231 HMAC-SHA-512 2", IKE_PRF_HMAC_SHA2_512, JEFE, WHAT_DO,
      "164b7a7b fcf819e2 e395fbe7 3b56e0a3 87bd6422 2e831fd6 10270cd7 ea250554"
      "9758bf75 c05a994a 6d034f65 f8f0e6fd caeab1a3 4d4a6b4b 636e070a 38bce737" },
    { "RFC 4231 HMAC-SHA-512 6", IKE_PRF_HMAC_SHA2_512, AA_131, LARGER_KEY,
      "80b24263 c7c1a3eb b71493c1 dd7be8b4 9b46d1f4 1b4aeec1 121b0137 83f8f352"
      "6b56d037 e05f2598 bd0fd221 5d6a1e52 95e64f73 f63f0aec 8b915a98 5d786598" },
    /* RFC 3566 4, test cases 1-5: AES-XCBC-MAC with its whole 128-bit output,
     * which is AES-XCBC-PRF-128 for a 16-byte key (RFC 4434 2) */
    { "RFC 3566 1 (0 bytes)", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f", "",
      "75f0251d 528ac01c 4573dfd5 84d79f29" },
    { "RFC 3566 2 (3 bytes)", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f",
      "000102", "5b376580 ae2f19af e7219cee f172756f" },
    { "RFC 3566 3 (16 bytes)", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f",
      "00010203 04050607 08090a0b 0c0d0e0f", "d2a246fa 349b68a7 9998a439 4ff7a263" },
    { "RFC 3566 4 (20 bytes)", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f",
      "00010203 04050607 08090a0b 0c0d0e0f 10111213", "47f51b45 64966215 b8985c63 055ed308" },
    { "RFC 3566 5 (32 bytes)", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f",
      "00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f",
      "f54f0ec8 d2b9f3d3 6807734b d5283fd4" },
    /* RFC 4434 4: the same 20-byte message under 16-, 10- and 18-byte keys */
    { "RFC 4434 16-byte key", IKE_PRF_AES128_XCBC, "00010203 04050607 08090a0b 0c0d0e0f",
      "00010203 04050607 08090a0b 0c0d0e0f 10111213", "47f51b45 64966215 b8985c63 055ed308" },
    { "RFC 4434 10-byte key (zero-padded)", IKE_PRF_AES128_XCBC, "00010203 04050607 0809",
      "00010203 04050607 08090a0b 0c0d0e0f 10111213", "0fa087af 7d866e76 53434e60 2fdde835" },
    { "RFC 4434 18-byte key (shortened)", IKE_PRF_AES128_XCBC,
      "00010203 04050607 08090a0b 0c0d0e0f edcb",
      "00010203 04050607 08090a0b 0c0d0e0f 10111213", "8cd3c93a e598a980 3006ffb6 7c40e9e4" },
};

/* ---- Diffie-Hellman ------------------------------------------------------------------ */

/* RFC 5903 8.1-8.3: i, g^i = (gix, giy), r, g^r, and girx; the KE payload
 * carries gix | giy (RFC 5903 7) and g^ir is girx alone. */
struct ecp_vec {
    uint16_t group;
    const char *i, *gix, *giy, *r, *grx, *gry, *girx;
};

static const struct ecp_vec ecp_vecs[] = {
    { IKE_DH_ECP_256,
      "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
      "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
      "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
      "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
      "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
      "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
      "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
    { IKE_DH_ECP_384,
      "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
      "E35B5380 41E649EE 3FAEF896 783AB194",
      "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
      "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
      "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
      "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
      "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
      "E0308312 916B8ED2 960E4BD5 5A7448FC",
      "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
      "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
      "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
      "F83FA401 42209DFF 5EAAD96D B9E6386C",
      "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
      "D6031355 69B9E9D0 9CF5D4A2 70F59746" },
    { IKE_DH_ECP_521,
      "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
      "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D"
      "4A52",
      "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
      "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C"
      "ED3E",
      "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
      "D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F"
      "9582",
      "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
      "9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168"
      "5EB9",
      "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
      "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9"
      "460F",
      "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
      "220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F"
      "C56A",
      "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
      "D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3"
      "DDEA" },
};

/* RFC 7748 6.1: Alice's and Bob's private and public keys, and K. */
static const char x25519_a_priv[] =
    "77076d0a 7318a57d 3c16c172 51b26645 df4c2f87 ebc0992a b177fba5 1db92c2a";
static const char x25519_a_pub[] =
    "8520f009 8930a754 748b7ddc b43ef75a 0dbf3a0d 26381af4 eba4a98e aa9b4e6a";
static const char x25519_b_priv[] =
    "5dab087e 624a8a4b 79e17f8b 83800ee6 6f3bb129 2618b6fd 1c2f8b27 ff88e0eb";
static const char x25519_b_pub[] =
    "de9edb7d 7b7dc1b4 d35b61c2 ece43537 3f8343c8 5b78674d adfc7e14 6f882b4f";
static const char x25519_shared[] =
    "4a5d9d5b a4ce2de1 728e3bf4 80350f25 e07e21c9 47d19e33 76f09b3c 1e161742";

/* MODP exchanges computed with Python integers: p rebuilt from the RFC 2409 6
 * / RFC 3526 formula 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k) (mpmath,
 * 1400 digits), x_i and x_r from SHA-256 of "srlab modp <group>" and of that,
 * stepped for group 14 until g^x_i and g^ir start with a zero octet. */
struct modp_kat {
    uint16_t group;
    const char *p, *xi, *xr, *pub_i, *pub_r, *shared;
};

/* SK/SKF messages laid out in Python: an IKE header (SPIs 0123456789abcdef /
 * fedcba9876543210, IKE_AUTH request, Message ID 1), optionally an
 * unencrypted Vendor ID before the SK payload, an SK or SKF payload carrying
 * sk_kat_plain (an IDi and an AUTH payload); GCM with pyca/cryptography's
 * AESGCM (nonce salt | IV, AAD everything before the IV, the ICV the tag's
 * first octets), CBC with its AES-CBC and Python's hmac over everything before
 * the ICV. Keys are SHA-256/512 of labels; pad is the padding used. */
struct sk_kat {
    const char *name;
    struct ike_transforms tf;
    uint8_t kind;
    size_t sk_off;
    const char *ek, *ak, *iv, *pad, *msg;
};

/* Authentic messages with hand-made padding, built like sk_kats. */
struct sk_pad_kat {
    const char *name;
    struct ike_transforms tf;
    enum ike_sk_result want;
    size_t plain_len;
    const char *ek, *ak, *msg;
};

/* ---- strongSwan captures ------------------------------------------------------------- */

#define CAPTURE_PSK "srlab ike_crypto cross-check PSK"
#define CAPTURE_FRAGS 4

/* One message as sent: an SK message, or its SKF fragments in order, with
 * each packet's padding as its sender logged it. */
struct capture_msg {
    const char *pkt[CAPTURE_FRAGS];
    const char *pad[CAPTURE_FRAGS];
};

/* SKEYSEED, SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr (NULL: none) */
struct capture_ike_keys {
    const char *skeyseed, *d, *ai, *ar, *ei, *er, *pi, *pr;
};

/* ESP keys: initiator -> responder encryption and integrity, then back */
struct capture_child_keys {
    const char *ei, *ai, *er, *ar;
};

struct capture {
    const char *name;          /* the IKE proposal in swanctl.conf */
    const char *esp_proposal;
    unsigned fragment_size;    /* charon.fragment_size */
    struct ike_transforms tf;
    const char *esp_enc, *esp_auth; /* the ESP proposal in SR OS words */
    const char *init_req, *init_resp;
    struct capture_msg auth_req, auth_resp;
    const char *gir;
    struct capture_ike_keys ike;
    struct capture_child_keys child;
    /* rekeying, where done: the CHILD SA with PFS, then the IKE SA */
    struct capture_msg rekey_child_req, rekey_child_resp;
    const char *child2_gir;
    struct capture_child_keys child2;
    struct capture_msg rekey_ike_req, rekey_ike_resp;
    const char *ike2_gir;
    struct capture_ike_keys ike2;
};

/* ---- computed in Python --------------------------------------------------------------- */

/* MODP: x_i, x_r, g^x_i, g^x_r, g^ir with Python integers; p from the RFC formula */
static const struct modp_kat modp_kats[] = {
    { 1,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a63a3620 ffffffff ffffffff",
      "1d53ddb8 58d94490 b3ec05da 480e3b4b df6eea04 c2559d85 500c741c 0f4938d7",
      "2a12446c 3ce31e50 cbf3544f fbb58bbd ca379a4f 4b320181 53bc06d6 c8613d84",
      "c712c7ca 144b132b c0bb4115 63874910 69accbb8 8f941ae5 306da95c 9dc040aa"
      "c4ecbb07 40f28b0c b7f374e4 76f38871 321834a3 110605cd 415fda0e 436e3b5b"
      "700d5e88 5cbdbdad 5db3477e 98a8ce65 b31b38c9 8394229e 9df9146f 4c1e7589",
      "66b68f69 372c7fc0 0ec12095 41907edf 6a8985a2 526a7a3f 7208576c cc216dea"
      "0777fa28 1e59feb6 502177ed 3d5b9c5b 47ace135 5a122aff 2e882fbd bc09b691"
      "dab23ffc bf6dd0fa 4397491a 796acb11 c6ecb348 f6cd01e2 f12edf7a b7c3fb23",
      "3c558d92 6f1c3f14 90abfc38 e9692047 af583dcd 1537b56c 1487241d f2aa06c4"
      "fe0eb69b 2712fad5 e3af1b6b 6c400b64 f23fdfdd 1a84207c a06aea95 c5733ec1"
      "c70dadf9 399218bf f60501ce 46a08027 895ca7df e6afe1ba 4c7a8f0d cc1eb687" },
    { 2,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed"
      "ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece65381 ffffffff ffffffff",
      "2062cffe fd93315e 845549b0 48b883dc ecf3fb23 0492f38a d3d22b5d e855acca",
      "361a076a 4f7a8f9d 5eb04770 90faf930 1887c916 29cf761d f01f4ed8 1b44eaa7",
      "6f4a5573 0a7c49a0 3294f2f9 3c756264 d07fc1fd ff4b2040 75b4a684 01798ef0"
      "00fcc4f3 d2f6e883 2d14bd98 9e932fcb 7b087826 8da6cfe9 1800e270 3b88c389"
      "ee142219 5866deeb 0f903360 305e404e 3ddc03f9 7f52eff7 439ebf53 ad73d19c"
      "73d7e910 cbeb3b91 35bc1677 e4941f54 68aaf1b4 bd1e4fe7 6acfbe4d 7ddecf9d",
      "fbef35b5 7ad9c1c9 c864d030 832f1064 0f99fb42 e21f7697 83391fe5 75bb6c45"
      "c4ada241 5a6e2a8a 364bd82e 263f39ea 616c2d66 46aac367 1d0b21f5 26dd5421"
      "a0896b2c a3a29733 0843bf8e 36b28fb1 c265e5b2 cf6a8f54 04103ac3 b947e7f0"
      "8c7bc6f3 ed72017c 0d03c6e4 e40fb68c 63234095 0cbe227d 2f6a9c06 45be30ff",
      "877b22c0 142dea3a 72aaaed9 b1b0bd3e 0119c641 fd6e720b 46fe5414 ddcad295"
      "b53bb649 a01dbce4 11e41db3 af7711ea 91227be0 ab242dc5 d2bfd547 480bf9e2"
      "656b48ae 9a91d5f4 dc3b0916 40350df7 3cf1d8f5 d35bc91f a18cd958 fa954826"
      "4ac40043 87b5c907 4d01bcab 98a35996 1764300b 568729b4 6eaacaf8 0de50c18" },
    { 5,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed"
      "ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05"
      "98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb"
      "9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca237327 ffffffff ffffffff",
      "92aad646 fc331696 8856245d 39551a91 95652bf3 ecf74b0a a8b2e44a 72387435",
      "deedddec a3130c0c f68b775d e4c0a7ed fa8d5757 4a35aa13 fc4d427c 4c4eedb6",
      "94972ded fd185cbd b4373c99 a604c11a e291ccc7 7b4c225a 29c2651b 8e653e34"
      "7ef3a2fe 821471ce 7852282f bbc464b4 80147d6d c7216777 5a27f352 7f5fc98f"
      "13342a6a 92e3169b 8ab92524 19e66a44 c0227813 0e6153a6 9f82bd2b a89a054f"
      "767d0195 2e40698a 74f5290b a0a8883d b19e7a05 bc958991 744f4dc1 4b0482f7"
      "039d94d0 387f4b57 9cb70791 5e736983 f867838d 0f93c1af c7403d0e b179aef5"
      "8d62e341 0eeb321a 4acb83c0 44ba45a2 72cc00ca 96ff0203 db88ef1e ac48c807",
      "8376f5f9 5a3abe03 23718548 f8427655 26c2ce0d 417e5fbb d588e00e 01b858f7"
      "6edbdc9e db8c0d7f 63009171 b620e661 78fb22c7 3ece2ce8 86867f1d 01bddd20"
      "4307c652 e3d996b9 bdcbafd7 f87acc91 b42e9385 a7c85979 545c96ac 0876dbfa"
      "f866b002 d604fbf6 a5cb9dbb 36710f9f f3a082fd c8f494fc 7c3cc879 1efa08b0"
      "68dbeb28 67a73288 a02c203d 109768a2 5d30935e 616a68e3 d6c6ce7f ab1b4367"
      "475a20cd 762b9060 bc3e4869 d3c66081 0b39829a 5d051c9f 9c382060 5f70743e",
      "be3a1fbf b4299d95 73fcc944 3cecc069 25303e17 4d656815 8796a850 d78b0e66"
      "c50726a5 3634b2c1 f6aabe69 fe0376ea 80f5cf02 86f08eea 48b5a94d 38df5406"
      "315a45ed 80c1997b 137c56f5 fd1fd8d7 b156eac2 3dd81196 ab2d0ac7 8ba61aeb"
      "205c6e07 e30bc533 3a12a8e7 e79ce458 ed1b1e9a fbb56b04 a4f008d9 a5d89350"
      "2d2618be 12b95d9d 34fed01e 4527e95b c66cc713 b5bae39b 720e310c 7d782103"
      "4190fefc b7acb229 a84f7dc1 c4d94b48 01bda669 8dba45b3 a65ef0f0 85619f20" },
    { 14,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed"
      "ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05"
      "98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb"
      "9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca18217c 32905e46 2e36ce3b"
      "e39e772c 180e8603 9b2783a2 ec07a28f b5c55df0 6f4c52c9 de2bcbf6 95581718"
      "3995497c ea956ae5 15d22618 98fa0510 15728e5a 8aacaa68 ffffffff ffffffff",
      "2c687893 3acff939 ca5c6e11 0b977b24 8eaf748e 58dd2682 c5a638ad e8189227",
      "34caee34 7a9ee75f 867e742e f862b0b1 805dca2f b554d786 7e3a10b7 508d90c3",
      "0036e7cc 8577cb58 ab472df0 2dbda568 01e6b2ab 590c686e 4041ba19 b7fb1bc1"
      "8f68541d 81710ed3 3857cda2 e68a7509 f73876dc aee75813 cb3f18cf 20a74e77"
      "fe8df4a2 e9f69135 26bbfe1a dd9b3411 bdc9b97a 76bf8e46 8b3d67f4 fd3f3cf8"
      "d6fe3811 506234b0 d994aabd 4803a5fa 8f3ca36b 4dbfbc85 d6ddb6ac 2ea29915"
      "bf587028 34c41ff2 de6123bb 3d8ddaab 94c66d32 33df8c5d a3cb344b dec7cf9d"
      "ac1bbcf6 31280a80 63fa238b 80eab95c ee44cc13 66192566 4171e0f4 58195315"
      "cac0e4db 33b02b9e f3df46a8 db967c77 32d40237 80a240d3 f06bb4a7 37c9eda1"
      "0fa85dd9 d91d2145 322a85e3 4f7e4aef 4949135e 5159941f 053344f4 6374dd37",
      "f3ad5613 ef17b62b 5f291c2f f45023d2 6592479d c80fe4ed a827e58c ce6544fc"
      "7a8672e0 167f1e98 54a584c1 bd95bab1 8c582589 0d6ae675 eb63281f c2975863"
      "3652ab03 14134b6f 038bc054 aab342dc 79f2ac83 52c08809 85659f0e 6ae40997"
      "7d4cd6bf 7a205132 4210ecad b76ce5aa f2aefd87 5d91aa6d b2399d0b 2d5583cc"
      "036a7285 71bd8152 5926f4b2 2897e4b7 60cc779d df5512c2 af0406b3 e4aa1ee6"
      "95c07b41 6bce9dfe 08074a2b 455fda5c dc572bbc 80304ed5 fb80cfe8 14fd0190"
      "7b01262c 89b6456a 9ec5176f 51d19f1a addcd4a5 0d593b40 415913eb 1c1ccdd8"
      "4f932dbd 796d5bce ab859baf 73a283f7 31d0daf5 4296987c 829b7dc3 0ecce384",
      "00c0e0a2 831afe68 34daab62 2ed6a462 6b177985 7e64cd64 776ee368 daf76a6a"
      "e3f47468 c815ca93 43e3a751 2463d8f2 4eb9b27a 95cfffdd b4d21b84 1acb7657"
      "8d107083 a4153558 aa152e22 a25221b8 e9c03ac1 1bdd4bfa 31bc5993 b369ac75"
      "268058c0 1dffa66c 31a4d177 5f80ae4b 9af8310b cc54486a 50219604 09f03ea5"
      "185f690c 4eb9bb4f 427f19b7 9778e903 99c3f83c 666021a8 d3dd6388 8806b170"
      "66401d09 338d0db7 aadc52c4 579cc772 da1f8f50 48d2eff8 14b8d984 69501154"
      "b1a48c47 c7c42ff8 0fa0d404 94616b62 2f3e7237 d98b2a5b 9cd50ab9 d0544c27"
      "10d5de83 700a5c1b 244beeae 95786330 cb3f4e84 b72926b1 0a579b98 743c3d2b" },
    { 15,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed"
      "ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05"
      "98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb"
      "9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca18217c 32905e46 2e36ce3b"
      "e39e772c 180e8603 9b2783a2 ec07a28f b5c55df0 6f4c52c9 de2bcbf6 95581718"
      "3995497c ea956ae5 15d22618 98fa0510 15728e5a 8aaac42d ad33170d 04507a33"
      "a85521ab df1cba64 ecfb8504 58dbef0a 8aea7157 5d060c7d b3970f85 a6e1e4c7"
      "abf5ae8c db0933d7 1e8c94e0 4a25619d cee3d226 1ad2ee6b f12ffa06 d98a0864"
      "d8760273 3ec86a64 521f2b18 177b200c bbe11757 7a615d6c 770988c0 bad946e2"
      "08e24fa0 74e5ab31 43db5bfc e0fd108e 4b82d120 a93ad2ca ffffffff ffffffff",
      "f9380af5 ddefabe5 6bf480a2 2ede1f4f 450a02ad e3b86960 8324dfaf 667c2a30",
      "3231e49b f6db988e 48cf683c ccd45d51 b43ea1ec 5c5a7aa4 c7906e5b 523b5c7e",
      "370d0d82 43d603a3 19576162 62b2dceb 4fc786d8 ea75fa2e 5df3605d 6e9cc5ff"
      "5bfa51a6 1c4bb162 cbfebb73 1881174c 2501bde6 3c628305 8e80be4b 801e3137"
      "982781cb 6997eece f107bf2a 47057cf7 9be66336 d008fa2d 07fb9122 829daaff"
      "c60d4813 35f6274f dd882dac 3e7095bf 5b928a3b b219eb89 027ba423 4864aa28"
      "4c3b1716 f6292fca 6c887fb6 206e96a0 5feb6c9d fa960159 4f753ab6 18075842"
      "1b545355 c3b5fa3a 732d6490 e6bfbb52 b780ae41 e6caa128 d898d00e e4a3e2b2"
      "64a1e350 4938c8fe 8e1a219f 51f7ba72 e08dfd27 7649fba8 c9462ce3 73feb18f"
      "2765b005 c3aa0259 b3121047 fa073ce9 fdc11a4a f50f4e8d 10955d8b 37677d1f"
      "415c87a7 67b70695 7ccd525e c27236ec 0ed742f2 a1a38d15 c73b0a8e 5b50d0fd"
      "c52570e9 a86e6972 e6301a9c 9874cfeb 023a6e59 b3d379b5 dcfd33a7 6f425113"
      "59558a05 edafba98 c8694b12 cbd2bffe eea7f3cc 24d6decf fe04c370 72632c86"
      "849283c1 da3971ce 5415bda4 b261492c ee815daf 053eaef1 f5389637 94c79001",
      "aa574328 6b947af7 2790eaf3 fa08fd31 1f0b2244 43fc5837 b4dfa0d0 949746f9"
      "8c1b2b8a 030fbabf 8de8a3b5 f815b8e9 11c6431a 9cff5ea7 9452a9ff 39792849"
      "3ffb4cff d85b7538 e2570acc fca5bb4a beb187f0 ea9bc29b 18d39d71 539b0d51"
      "d3e64fcc c2b17c60 8cf78c1a 674df1a7 3720b1b6 a6b4de31 9db87ed2 9a6f1c40"
      "3f091fe9 9c05f160 743691f5 aa18a560 91ede42a ac4bfdf0 f9b7661c d6fda16d"
      "2953a834 7504bff9 171f9171 a2cdbb5c c74835bc 46d17009 67b3ab84 d481f0d0"
      "29027254 754f47b1 50743784 937fc42e c3e005e6 97a29718 b8e3c749 35f2b939"
      "8907c54d db814ebd 5fdb58d9 3c7413ad 6c4876a7 0801a0ad b360363f 33339771"
      "eea61119 d4ff690b 37ea8fdc a66a1a9b 3bb21c20 8e327419 5b7f29da feec65cf"
      "6b9c2673 37e76151 3a76d426 350a5dbe c707e710 371384c3 aab97477 d7e77c08"
      "08916553 839389d8 c3712a0c be81c209 33122096 d09fcc75 db27b441 134ca412"
      "0e1b96b0 b76f882b 62126ab4 deaa6c64 ae8e98cc 9a2fc3b8 4aae6182 b402156e",
      "b6dfd9f2 2f19ddc2 22e41987 08bcc2d3 d4496c99 4e374c08 c1d3b330 b58e65f4"
      "00b50159 f6d59680 f4a27fa5 2f4e31e4 a8bba836 47cdbb8b e1d3a587 f764b82d"
      "f5a809f1 e4d92cdd c95399f3 3806119b 2cc25592 d6dd0c56 52a7ee9d e6a6cd0e"
      "9746fa58 67c77b43 e1cdb246 084b4b59 b3135fce 440235ea f7437348 5ae44aca"
      "a7a56037 2445b1e4 de57dd9b ef0b762a 3ad3187d 4478b34a 52921ce2 a8a9e2be"
      "4c7e3b5e 9cce7fd5 e8c89c37 1e8028e8 41eb3f8a 2e1d0184 9cecae52 1c72c8a3"
      "1d858dc6 2a5e7bf0 68105723 ca3da83d 7a6c3823 21ae758f 751df6c0 df2163ff"
      "b3761e09 db8541ab 404e0ad6 c8097a18 736e3eba 09867992 5c210dfa 827defe1"
      "b1ce85b4 62c89607 0582d102 916acb07 d2f63125 4eed77ab 55fb4890 58be8df4"
      "6730ee7c 79027076 15fefc87 9b9339b7 3d029520 72782be3 d101186f e4139a1e"
      "f80ac8da c1cd2412 ad4bef94 c4f64ad2 f90da29d f6f8f122 f558d5a9 68d91e84"
      "28b2b5d4 d4a416fe ed503e22 89111a60 5676c7bc 6f5bfb2e ce054749 faa28919" },
    { 16,
      "ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74"
      "020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437"
      "4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed"
      "ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05"
      "98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb"
      "9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca18217c 32905e46 2e36ce3b"
      "e39e772c 180e8603 9b2783a2 ec07a28f b5c55df0 6f4c52c9 de2bcbf6 95581718"
      "3995497c ea956ae5 15d22618 98fa0510 15728e5a 8aaac42d ad33170d 04507a33"
      "a85521ab df1cba64 ecfb8504 58dbef0a 8aea7157 5d060c7d b3970f85 a6e1e4c7"
      "abf5ae8c db0933d7 1e8c94e0 4a25619d cee3d226 1ad2ee6b f12ffa06 d98a0864"
      "d8760273 3ec86a64 521f2b18 177b200c bbe11757 7a615d6c 770988c0 bad946e2"
      "08e24fa0 74e5ab31 43db5bfc e0fd108e 4b82d120 a9210801 1a723c12 a787e6d7"
      "88719a10 bdba5b26 99c32718 6af4e23c 1a946834 b6150bda 2583e9ca 2ad44ce8"
      "dbbbc2db 04de8ef9 2e8efc14 1fbecaa6 287c5947 4e6bc05d 99b2964f a090c3a2"
      "233ba186 515be7ed 1f612970 cee2d7af b81bdd76 2170481c d0069127 d5b05aa9"
      "93b4ea98 8d8fddc1 86ffb7dc 90a6c08f 4df435c9 34063199 ffffffff ffffffff",
      "cf2acad7 05f4a6ae d8a16885 1db4b8c4 d9fd7f7a 88ad96a3 c189ebdf 72e1a862",
      "eb5a5fbb 0bbba3ad 4efcc1e8 05518078 f31ff188 39df2cfb 7d8044a1 9687998b",
      "1a4f4c04 1af2056d 54ead20d 27c151fc e587bb7b 30c58083 a03713f6 db3eb158"
      "c9bd7807 10f8e5b2 47d99988 b41e4674 f029fbe3 6f2320c3 d5b43aa0 1a51d45f"
      "e0766b89 a89762e4 849b209d 93392f09 0722b40e d1cc4253 837e3670 ac58996b"
      "2cc27e20 02491111 0d8c33d3 1c8cab32 9e880fb9 1d5ed250 fef75609 5f3a440f"
      "803a284e c8df3c27 eba7fb8d 10dff0e9 a237c4af 766efbdf a6acde5e 416f667c"
      "364b0075 8245772d 585cceb7 9dfb106a 5a745ee0 e9a3147e f82c389c a58e097b"
      "f707ff1f ff3c4732 7bd5187a 8a6f86ff b36b3fce 2c365452 d46aa6e5 0bbe4fc1"
      "e38cefae 837d7990 1526e307 b6363360 f27fbd0d 5e79550a d0e912eb 9403e834"
      "af40a053 0a25033a c4ba3184 7652d772 20002a22 61a24096 ba1b8276 c7f0e35e"
      "f4118e55 3ae837b9 e85e6ecb c5289cb3 e6b2871d 3caa2595 ce99dddf 3ac97f9f"
      "dc15d69f 7f0a7330 5c42a4ef bc40e134 e819ceb8 fee6099b 19c3a253 ee666fba"
      "ba888f74 ecffd8e3 200b68be 01b41f56 aab68385 cf393e7a eda8dcd2 7edbdfd6"
      "bc39ac18 3f1c7f06 d030f180 c4560c5f 070b0f90 120eda2c 4daf5d16 66adfc82"
      "c7a3c64f 3a23c222 ff2c1a84 bb4c73cb f1c9a64a e254d252 341d7746 49d21c3a"
      "e61464e2 9c96a922 bd8b8bea 4ce32d01 835dbd95 540cdd67 e00ed7bb 6ae154a2"
      "8243e9c2 4923dbb8 c5793bf0 5032d1f4 fbea5e1d f032d634 1197ec41 2208c5e7",
      "365af875 df60123e 4c42233a 9655b3c2 460bdfff 6724b7dc d73c5a49 5dd79762"
      "627fee53 1ba073b6 ec0be192 00ccc4bd ef4d41f7 3c955b66 e6a27338 6a7bb2e3"
      "f62ef502 1a262064 7d308251 dd9431a2 576939e4 72b1fb1a 239a6753 9c6700ff"
      "9fcc6905 cdd0c31c 55d8628f 50cfd45e d37fec24 072f65c1 b202135b 4cfd6f0e"
      "be46923d 46644775 847ebb77 a32dbc2d 72bb0833 f3349470 b41a225f 358d5ff4"
      "8d49bbde fc571927 eb0ad712 02fc4a64 c1df054a e6b22246 57a07540 cc0f365b"
      "9d2624c9 2052f8b8 0904d9b0 dcd3fe7c abd775ff 71dea792 9e15683e d897b4ce"
      "9f2bbbc1 e4d971f0 73e36160 4b3271a5 b76fef74 21868557 50d303ab b6c93c79"
      "2d1a6b67 a8e19907 c3d112d2 0dbf66ad 00652003 000af8fc 0ae31c4a d91cf494"
      "8d4adcd8 8ae9c54d c51d6bbf 7e5aef44 e26f4426 612dbcca 3f6d5216 66d87ef9"
      "bb57191f 89cb66d3 149ef7c0 cfdb5bf7 9ab2602b 6794a506 dee03214 5d59983f"
      "7cc0e9af 2d8316e1 7d97d0fc 8c9b86a0 8f64f741 f9e3b7db c918a9f7 9ba2bc0f"
      "da239783 7f03e40c e8776dd6 61e5b7c7 7a6c2603 7f65ab2c 72f4db86 37669210"
      "bcc01142 c817de16 3bf26989 95b926c0 6b201a01 730a19ef 743eabd7 cec86521"
      "18cd536a eb26f73c b6092453 31583eb3 8f062d93 77910344 c134f078 cc97753d"
      "fa4d6d10 d281402f 5404b8d8 c7f06b09 bbeee593 fbe4fd03 9bf2ae9b 1c365b4f",
      "78a5c11b fa5d9fdc e29aa80a a5bb38e5 75b3c2e6 8ffec2a6 a724dea0 02c5b2f2"
      "aea83a4d 19e38cd7 d7e90260 8c950780 1f9eb0d0 c7c0dcc7 65693499 282683d9"
      "0595e83f 282a0eba c8e6c426 09c250c2 207b0a2c 2bb7053f ec3154c4 285d14a0"
      "02a1ed8f d0c8f538 f1ccc14a 9862d86a cc5a0385 6f9a53f0 db33026b 6c84f162"
      "3e662e9a 0766bbb5 9ff058f6 0b2823ab 290b6ca1 06062a87 f8a74dd6 34ea2c8a"
      "279d0709 869378d3 47e16686 c4ba686e f1e35cc7 6b6cb601 45fb6d42 e20243e2"
      "40e9b9b3 ef668b64 087683a4 0a403685 e34d977c d8db8873 479000f5 7b579178"
      "780166c2 3707cbb1 797fd08c c58320b6 b32a8056 6e5a78e5 7338142d 53fb0dbb"
      "f1b54e3d 9fbaaf40 1e79e044 26cd118c 714e75cd b8f8b3ab 98edd482 5e566066"
      "ae121957 9f0d7252 73200f91 532e9429 5ce32eeb 3a61b42a 98dcce34 5b23d620"
      "2448f7e1 d43d1fdb 3aa755eb de154c7a 960ed971 a8bedf10 e2834b7c 7c93a3c5"
      "34787fb0 bcfc325a 3db5cc3d 98156659 12a326f3 f4f83dcc a06e2ec4 bb8c7744"
      "ef14e694 68543b07 09f9c357 c84cd57d 5473f581 48a5c37c 9e5653f2 ecaf151d"
      "ce73a351 38290c6b b9c11f55 5754e024 83494ee0 552901e7 18be6507 8a2a8ecb"
      "2cd28bcd 59b083d9 79fe0825 a58261e7 f569b098 7d5c770a e365d29d eef01bb9"
      "983d7312 04d1411f a54ccc1f 8f01fd4b 47731a61 234b082d 9c2e3a8c 2d895772" },
};
static const char prfplus_key[] = "prf+ key for srlab";
static const char prfplus_seed[] = "Ni | Nr | SPIi | SPIr stand-in";
static const char prfplus_sha256_100[] =
    "f7462125 e17e9656 b28128e8 856eb8cf 5d7af455 198628b7 c69c1780 f0f995ce"
    "8b9fa9a7 65101e16 8b83b3b2 4062380e 4ec41b8b 737e8394 7ff98159 5e90ba11"
    "89a4ee2a 7c28b76c 6b4de058 4ae04581 3b096cb2 b9ea9ff8 746b0b44 1aba1571"
    "251ef673";
/* SK/SKF messages assembled in Python (pyca/cryptography AES, hmac) */
static const char sk_kat_plain[] =
    "2700001f 02000000 696e6974 6961746f 722e7372 6c61622e 6578616d 706c6500"
    "00002802 00000000 01020304 05060708 090a0b0c 0d0e0f10 11121314 15161718"
    "191a1b1c 1d1e1f";
static const struct sk_kat sk_kats[] = {
    { "AES-GCM-16 128, SK",
      { IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, 0, 0 }, 46, 28,
      "cda05193 a8a99c02 29d88f60 6f5da2a5 a1b2c3d4",
      "",
      "5ca1ab1e 0ddba11c", "",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 00000080 23000064"
      "5ca1ab1e 0ddba11c a64755c7 ff023221 9be8a865 b5c5cb77 00f1c388 b2016887"
      "1c0df44f 5a7bb26b d5fd6e0b b82c877e b4a0189a 1e303660 8f2dbbf3 57feca44"
      "a0e2673f 6bb07140 403af0d7 9dec59fd 2fe7d598 a91618c2 baacba1c b0e1a682" },
    { "AES-GCM-8 256, SKF 2/3",
      { IKE_ENCR_AES_GCM_8, 256, IKE_INTEG_NONE, 0, 0 }, 53, 28,
      "c12a44f2 b1b8561f 39ab7640 17ee5ea7 20dc7454 040b70a1 e717a0ca ee4ef2cd"
      "a1b2c3d4",
      "",
      "5ca1ab1e 0ddba11c", "",
      "01234567 89abcdef fedcba98 76543210 35202308 00000001 0000007c 00000060"
      "00020003 5ca1ab1e 0ddba11c 07227fec 7c545a37 6f860438 b8b2023f bd346c67"
      "32aa1eab fb948e6e d8ece92e 12b8e46f 1fe310e8 b0d45b84 3a9c35c9 ad9f3fe9"
      "03f3f8f9 fe0f1b7a eec45063 ab1ae1a6 155b5539 8270abfa 320ef9ab" },
    { "AES-GCM-12 192, SK after a Vendor ID",
      { IKE_ENCR_AES_GCM_12, 192, IKE_INTEG_NONE, 0, 0 }, 46, 44,
      "e338972b 79b9e877 8c43dd1b 1c2393b6 3a530beb bd027151 a1b2c3d4",
      "",
      "5ca1ab1e 0ddba11c", "",
      "01234567 89abcdef fedcba98 76543210 2b202308 00000001 0000008c 2e000010"
      "73726c61 62207665 6e646f72 23000060 5ca1ab1e 0ddba11c 704884e7 0f0b2894"
      "aa0c3fa3 898c1c28 6497391a 07e82867 4ff9a393 7d16beac d62c4458 50be6567"
      "e000e10a e35e8059 d3d7c75a f1dcd80a 61ab0618 45f2bfa9 ba39ccd8 c565eb9a"
      "e3eb8ae8 8b283c88 cd3cca42" },
    { "AES-CBC-256 HMAC-SHA2-512-256, SKF 1/2",
      { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, 0, 0 }, 53, 28,
      "5988f170 a9461444 a48efdce 504cdc70 c00c90d8 d14df13a e760e223 5a465733",
      "d551de45 1b0fbc84 8276e162 83f97e44 5691254a 4e8f3cf4 2916eed0 cd90c236"
      "a3d12f4f 52df0608 c522295b 59371ab8 ad391842 62e2d8c0 d36e2716 1be5ec74",
      "00010203 04050607 08090a0b 0c0d0e0f", "f0f1f2f3 f4f5f6f7",
      "01234567 89abcdef fedcba98 76543210 35202308 00000001 000000a4 00000088"
      "00010002 00010203 04050607 08090a0b 0c0d0e0f cbb91e91 314556d0 940d5a13"
      "5b5b44b1 0af1dccf 3516e798 f96fc539 14adaceb 3d82036c c3f3fa49 44030d69"
      "12ffa53d 8aa06684 1badd629 cbce0bdf 6bcbf6ab 86b6a5eb cbc52921 db176d0d"
      "4cecf04e a8f973dc 52b73602 0906a059 0e1bd62f 766f4693 1763eb01 1a074c36"
      "581f8410" },
    { "AES-CBC-128 HMAC-SHA1-96, SK after a Vendor ID",
      { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, 0, 0 }, 46, 44,
      "f5011266 823150b0 b4e0b9f7 f036075a",
      "e59f2fcb ef674d5c 419d8d11 dc8fd440 c2b2ba2a",
      "00010203 04050607 08090a0b 0c0d0e0f", "f0f1f2f3 f4f5f6f7",
      "01234567 89abcdef fedcba98 76543210 2b202308 00000001 0000009c 2e000010"
      "73726c61 62207665 6e646f72 23000070 00010203 04050607 08090a0b 0c0d0e0f"
      "90d013c3 88990bd2 0ac2d641 96e9e238 4da5e6cc 89753453 0d5a75cf 9811b900"
      "9cc13caf 79d8f692 5afe57cf d82fb733 86c0420d 42cf0bb9 abc8c187 5b50b227"
      "214b5891 02a8fee6 1f645b65 25e21031 340a5bfc 7901cd6c 11823b48" },
};
/* Hand-made padding, laid out like sk_kats: open gives want, and plain_len bytes */
static const struct sk_pad_kat sk_pad_kats[] = {
    { "CBC: 31 bytes of padding fill a 32-byte body",
      { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 }, IKE_SK_OK, 0,
      "f5011266 823150b0 b4e0b9f7 f036075a",
      "fff25f04 36f81a6c 908fd841 650164c9 8045c352 cccd472d 96e75fda 5b795d73",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 00000060 23000044"
      "00010203 04050607 08090a0b 0c0d0e0f 365ceb93 8178f846 8491a6aa 551434df"
      "b7fc7d0b c158d229 32e3c823 7fbf1b85 3cec27c6 362e4856 e09d65c0 e81c5ffd" },
    { "CBC: Pad Length 32 in a 32-byte body",
      { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 }, IKE_SK_PAD, 0,
      "f5011266 823150b0 b4e0b9f7 f036075a",
      "fff25f04 36f81a6c 908fd841 650164c9 8045c352 cccd472d 96e75fda 5b795d73",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 00000060 23000044"
      "00010203 04050607 08090a0b 0c0d0e0f 365ceb93 8178f846 8491a6aa 551434df"
      "621c9a53 f2b2c85f c019bb58 c3821814 7e2c6528 73720acb d401f774 55592397" },
    { "CBC: Pad Length 255 in a 16-byte body",
      { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 }, IKE_SK_PAD, 0,
      "f5011266 823150b0 b4e0b9f7 f036075a",
      "fff25f04 36f81a6c 908fd841 650164c9 8045c352 cccd472d 96e75fda 5b795d73",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 00000050 23000034"
      "00010203 04050607 08090a0b 0c0d0e0f 32c55b1f 348607e6 f75eacad 79f3a0ae"
      "fd9687d4 18fc7460 b01438a4 74ad1d1b" },
    { "CBC: 3 payload bytes, 12 of padding",
      { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 }, IKE_SK_OK, 3,
      "f5011266 823150b0 b4e0b9f7 f036075a",
      "fff25f04 36f81a6c 908fd841 650164c9 8045c352 cccd472d 96e75fda 5b795d73",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 00000050 23000034"
      "00010203 04050607 08090a0b 0c0d0e0f af3fe893 8972d049 181c532c 766ac81d"
      "d4adc33f e203ad25 88fb39c2 fbbb43c6" },
    { "GCM: 5 bytes of padding and nothing else",
      { IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, 0, 0 }, IKE_SK_OK, 0,
      "cda05193 a8a99c02 29d88f60 6f5da2a5 a1b2c3d4",
      "",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 0000003e 23000022"
      "5ca1ab1e 0ddba11c 804556dc f807ac45 8241aa55 69c2f7bd 710747b5 fd03" },
    { "GCM: Pad Length 6 in a 6-byte body",
      { IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, 0, 0 }, IKE_SK_PAD, 0,
      "cda05193 a8a99c02 29d88f60 6f5da2a5 a1b2c3d4",
      "",
      "01234567 89abcdef fedcba98 76543210 2e202308 00000001 0000003e 23000022"
      "5ca1ab1e 0ddba11c 804556dc f804cc96 f574632a 4f9ea150 52cf17bd 84c4" },
};

/* ---- captured ------------------------------------------------------------------------ */

static const struct capture captures[] = {
    {
      .name = "aes128-sha256-prfsha256-modp2048",
      .esp_proposal = "aes128-sha256-modp2048", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128,
              IKE_PRF_HMAC_SHA2_256, IKE_DH_MODP_2048 },
      .esp_enc = "aes128", .esp_auth = "sha256",
      .init_req = "a1094ea8 397f9267 00000000 00000000 21202208 00000000 000001d0 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 0300000c 03000008"
        "02000005 00000008 0400000e 28000108 000e0000 6fac5fba 05ba300f a50f820a"
        "1c018c79 cc8f3e33 f1b3e1ed 3d1623f8 12bdefcc 616ddd6b ec701b37 611f7570"
        "f64e88b8 76f7f30d ab88b7af cf9cd65a ec925cda ade5a618 01968161 b50e8a21"
        "fa39a200 9ec66b3a 73e9e548 9ef389fa fd874e5f 175698dd be977686 d7abf193"
        "8697aa18 f5eead04 241c6ecb 4fa7cf7e 573f09cc cede32bd 2d64cfb9 91a61558"
        "98241ea1 09ee5ff5 5c1fae27 a8418e9f 8c72909b 9e20ece9 673c95f0 0f1225c3"
        "d07a457c e11dd4fd 5126e29c cb71900d 8c8b8d6d 9c29a14c c1c2c4e9 55e08e7f"
        "1f915ffb 138cacad 8876912b 84c5d16a b0a89554 6bd18395 c6d6bbfa 6a42b370"
        "1a28e948 6f924e61 32b8d44b d6f647af 09299b9b 29000024 eb603699 4fb01154"
        "65bb1ae7 4d8bb36b a8bc631c 5b82f1b0 bbc73c8c d12e1192 2900001c 00004004"
        "328df36e 411b5873 257f8ceb bc1b47f6 d509c101 2900001c 00004005 9e2c6786"
        "6a5a6035 57da90d9 7c826fad 21c0db7d 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "a1094ea8 397f9267 07349c7c 0ea990d8 21202220 00000000 000001d8 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 0300000c 03000008"
        "02000005 00000008 0400000e 28000108 000e0000 c12d956d 9940419e 2bb1a8de"
        "f34931da 910070c8 92d3da07 0d0d50f1 b7a5f721 7ba46f82 b96c2029 4fe85c67"
        "7363a109 48725021 a8b88e7a 172bd594 8082fbad 02cc7518 209caecd ad2985c7"
        "58badac2 7c294a38 4f5f641e 6bc65523 649296d0 6bdf1e6a bba7cc63 0a8f84c8"
        "ace987fd ce1a2935 98a3cdb7 364481b0 56dfc042 c539b575 1d6f75df 8088752e"
        "714b57d7 c3487f92 fb53b9fc 9ecbfe06 565640c2 8042afc9 038dc07a c596a241"
        "8c5c97d4 bad41f4d 7912718b cf9d5a78 cc937898 adf108f3 d2d1773d ebed785b"
        "084bbfcc 96db2163 6cd2bbda 5c637e91 79d32b5f c99f060b 5c4f5462 1d6d48af"
        "40c7c7fc 1f831480 43d20d77 1730e8de a53b8cc5 29000024 cd48c141 45008ce3"
        "ae84fa1e dad2d03d 6274d096 325a0a09 b73bb680 04107ba9 2900001c 00004004"
        "9b14f98d 65645e6e fbc0d59e 029ab3c6 0c70e50f 2900001c 00004005 25caaac7"
        "c8e13ff4 2bf5bfa2 6b10c3b5 045137a9 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202308 00000001 00000140 23000124"
          "72acc955 20a9aea3 0a2930ef 683dc9ac 19c6cb85 fb46fe6d cfe16fe7 6dafbc97"
          "2b4d915d eb76d3e9 9e967aad 28dd1d26 43f4193a 8d7481ea 7f376c6e 6524aea2"
          "d1a76108 5c585611 a2480c21 649bf4d3 d3dc0374 b3a030b3 f0a51fe4 b4293eb0"
          "3d193dfe 25985035 02627092 aba246b9 3ac36fd4 d72a5e77 ef5be581 4acaf730"
          "d3d9c4d9 8e031471 d207a3f2 d9bfdc38 f37d6292 4397f9b2 e7203760 e6a5a89d"
          "134fa68f 49601e1a 17607f71 5e39996d 225d6c6b ff996393 44cd25aa 6b05ff5f"
          "70a514ae 0b3397f0 16eacc14 183c0ce6 87489833 358bc0b3 c4cf212d 973946db"
          "4758ac86 edca370f 8aed3c8e 0c7b62ab 65c9a135 4ad34128 29290f45 17909760"
          "1bed1f1a 540a4799 5588f040 58450542 3e649b44 70711cb7 dc62231b 5dbc5cb8" },
        { "704c9b36 e80280cf f42d83a4 a2" } },
      .auth_resp = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202320 00000001 00000100 240000e4"
          "ff1a6d2e 32314c7a 2b4c66eb 232bec38 1e9f4785 8f8854f7 ed0adcf1 5f4cced1"
          "31aa09fc e3186192 0e7f9fe8 9ad8ad08 c2e7b6b2 b564baf9 6b5cebcb c74c0303"
          "3393e53a cc6248f1 ce19d0ca 6da7e0de d6cbffe1 fed44a64 838a400d 0116c53d"
          "f46a2dbc 8aaeee31 94ebe76d 76f8af3c 18527563 c869106c ba2e5714 49084a86"
          "0277b8b5 883c69b6 7e1c500d 3c4c41f7 0a6d71b0 db8fbf45 88e7ce80 e98cafd1"
          "60b6d809 db764f25 d97a9aa2 22f73a22 45059925 45b151cc 0d51adee 87e282f9"
          "3a83d90a d42af65b 78389037 a4c40c56 b7386e15 0ad56dd1 00d26a21 7de5ce5c" },
        { "de01f3e1 5afe4a30 94b40960" } },
      .gir = "b6f06c17 adb2f13c dda57185 5f096698 3f20ca8f 7bc0bb59 bfca169b 0765ed80"
        "8944c950 4924a7f6 a129711a becb6e1f 7cabe5b9 0a0d3efa 36847411 6399f165"
        "0ca5aa84 741d3975 330f351f 7ac14813 097f0b08 b2e6d261 1a11253a 0556597a"
        "1cba2f2a 2e251b0c 0944dcce 31514be0 17f42e72 36f51505 4c50841e d99fae42"
        "ad8771d9 bfc6e9da ae169892 14129b09 b13dea99 e034cb92 3f5e13f3 eb4c1744"
        "27e30dcb 10e8e0f4 e12644f5 e45fa07d e96f2da3 9a9ba940 c0d54a14 bca5086d"
        "2606f680 64590514 c7a102cc 79f324c8 bd60d9e7 cc03d14f f06e18d3 dd4720ec"
        "d97e127e a01267e0 eb3f6cc3 fbc880db 46102544 fb422a2b f1b08683 8e3a559a",
      .ike = {
        "4615fe7e 5e1d816a b80fd269 ea435fec 9863e288 1f8f860a 9c31558d f3c9a679",
        "464b92e3 6626e659 9fe3b254 ca17b09e ac4afb28 3e75e102 9f8ae607 52f32b1a",
        "ddc19244 f6eca5ec ee621e38 4dd7ef48 4ca68f75 99809be9 198df5c3 cc5910d7",
        "c0eed567 f4a603af 69168ca3 29a47c97 b7436d3e fdb8c6de bd2073c9 4c170970",
        "8e3a62bd 56dc22c2 e2265e16 eaad7d28",
        "ed0f326f b37c0110 aa201590 711edb34",
        "1fd2a425 a36048a2 f53f1532 7a0bc61a 01512dbe 316d9190 61d9d16b 3ecee492",
        "bb7c33bf 8b660158 e7fe6702 625269f2 bac71476 14522ac9 701d858c a618fd3a",
      },
      .child = {
        "0708326a ecda394d f390b617 73a052ad",
        "6dd07e8c 51f69204 f91ab03f 0e768b6a 57f69041 7e698ad1 061ef07d 720472a1",
        "c4560176 a694a814 6fd98f3f 398c6496",
        "c3054bf1 f52775d2 746133d8 0181f066 bd513ecb b0dcac64 a6ffd305 3f1feb3e",
      },
      .rekey_child_req = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202408 00000002 000001e0 290001c4"
          "33315cb4 382e34cc 4e557f74 6ca67a82 6f8820de 9fa91112 ba83cf6e 115dfde7"
          "84edef58 c3eb46c6 5df0c08a 97153b2a e36f945d b23a3e0a df341cf5 b293bcf8"
          "34d56a3a 62f86b48 1aa6af40 2737212f c5ef1c0a 7835045e 2752a1f9 5796ecc8"
          "c15566ea eb5ae42b 309a4ad8 9f09a9e9 71ae9d6e 40cfa85e 75d0916e 018b895c"
          "b7ccffb0 67512b70 cad0154c b29a9343 4e332d88 55aeb121 303ff982 8ba9e0d6"
          "d45a6ac0 d6adba77 9ab0aca7 6818adb5 50ea2ecf b9f53894 49185c92 f8694b52"
          "513db21c 55cac485 4e898953 01602a2b 1b473aa2 f0d2410c bf46f1f8 9c087e2d"
          "10de4fed 32e44c45 61e13f8f e643bb93 263cd2f2 c6f32a05 2acfd71c bf1d61fc"
          "afcbd71e 716007fd e56dea74 9bea2161 9a601a31 0c8c5357 daa88b36 bc41600b"
          "991967a0 b19d1c3b 6f8ebb48 a52168f7 8b7f078c 35397299 99f908a3 98cef495"
          "86bead81 9e15ceb9 98227e5c f354db96 28c7ae5f 47eb462a 656fdf14 3ca5fe28"
          "fabfad51 a00fecef 9b16eb40 d788324f b6bd4738 214b8e08 ad8a36f5 547a8948"
          "a4490b75 1c5b5163 6c2c9f2e 836845c8 2f330913 4a3188cc 9a1fd14d b39ff018"
          "3a650a22 68a7aadd 336d90b6 8af78b65 fbc577d1 4f968aa2 1a816f10 61fd5565" },
        { "df93a4" } },
      .rekey_child_resp = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202420 00000002 000001e0 210001c4"
          "dd5539a3 9d29f20f f917cc78 49e701e7 85c6e12d ca61674d 87e571bf 9bc8f951"
          "e07a28a8 a98277f0 b4f25a36 f9ce59f2 0102e048 08fc2319 cdc6a424 391ffda8"
          "43472502 d3d0ddae 49b51b90 acd0cde5 a1a478c7 f6c48c62 28a26c7d 951dd30b"
          "5813d342 d5038da3 960fe7ae 5a2d10c0 616f7295 d42baa69 6e92b65d 6da7a230"
          "b425a1d9 935d24eb 852285e1 aca5f4ec 081bdb71 4c35b7d7 ab51b15a 5791f992"
          "d0806622 3047fc14 1f0c3ff9 29208be8 8692eca5 17dd7285 93e8b3ed 6b7b6536"
          "5988daf2 a28571dc d34a622e abc6d14a e3891d02 2ab9a52c 8cec5756 ba96e2d3"
          "46c17813 c5799f62 709da887 bef44ac5 73b8f422 ab925069 6e4511be 9c04f71e"
          "de53e37b 6afca40c f874172f 2558200d ebffbd3b 85709483 098d3961 b21af5b4"
          "91bd9276 f696086d f403ed28 850f812e 2e092564 54b2e989 ddef8b38 83cdf45f"
          "89af60cb b7edff69 43eb1c44 e0c684fb d9b4b33a aaa9105c 82ed16b9 eebb55fe"
          "dc7c230e 6bcc3576 c0d73b69 4e67cd92 55733019 1fcd2bf5 04ed0d12 8a49cf21"
          "2064bdde cb1f3fa5 9c3e9e04 8e3b1030 a14b52bc 35f21279 2717671e 1dfe7e72"
          "c2f9537d cf83e38e 413bc8ec 7148a36c 5d597b2c 9f5371dc 41d81714 448c3911" },
        { "f38e079b 8628dc44 caaaa8c6 6b67d3" } },
      .child2_gir = "3ed5c884 1d150150 86587174 b42dc538 4ab3c03b 396031d6 509e613c 12e9b5b4"
        "d6724b41 9b1c2f81 bf35c2ba c3303043 53c1236c 851cf942 57ceded7 f47a6450"
        "9c9f6808 baef344b a5aabb2b 8b5adc1c 65d60a97 edff3449 9930d11e 7d1ceefc"
        "00970d29 2de91a5d 62bc5f1a cd765691 3a66b28f a6ae093f eff45726 f61ec6ad"
        "d0f71d10 f8afefca 2971994f 6e6a1965 74821acc 25fc24c3 1d245dad d0030e76"
        "ebeeab50 d9571bbb df69009b d7f46c8c 24dc20dc 36d5cf60 c4907890 a8e2315d"
        "2bedea4d bbcb4178 3b0aad47 7361f8cc f9868d1f 6d7cbcaa 8c8f162f 9e9e828e"
        "c6029092 d61b16f9 2b0acda7 40592710 2a89a2bb 6425e223 5efd25b8 70a895ab",
      .child2 = {
        "abbdcc17 1895ec1a 3c028133 d466616f",
        "f598981f d9e627e1 bd3d19a8 fa411f0a 66639f86 a97a245a ae8144bd 6be6cce7",
        "f031aae1 c6a30a04 8bc29b7a 83665c0f",
        "593f5d5c e01051f5 2344424c a257fa37 8746bcd1 fd44a14a 0849230c 05563285",
      },
      .rekey_ike_req = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202408 00000004 000001b0 21000194"
          "690ddcc3 a3fe4dd7 0caccef8 c88875c3 7aba2104 b3be6dc0 64fcc635 25e3199a"
          "059fe7ce 0f541fdb dc96f906 f7c4688b 86ca3e48 1fd3d38e 25cfb8d7 c48e8c56"
          "6aeb5749 6ec1f384 78971853 4d97b917 e318a670 b5d2e310 bf127cfe cf0451c6"
          "85361619 70535e92 5cfdd8a3 321e4283 a9480f02 747c1472 9d37b216 32061076"
          "6c4f4a57 4db2d90e c02f9256 107297f7 73a11317 920a0302 ab86397b 99e616f3"
          "9bffd646 1c4c8fc9 f7dd08a9 19288e29 75c607a0 90df1c96 652cd0ac 246a0afd"
          "75720758 522c5da6 9c316bae 5f31a2d7 bf701499 215875ca e33bd55b 8d995d71"
          "51d1453f 6f92eba4 c649de7e 550aa05b 3b143854 e61b55bf 667554d3 5faa938e"
          "de799fc3 e3a3023b 96e7aa47 b9ebd7b4 3f1ffe06 2b0a2c9a 60b26643 22d0b0ca"
          "1c8d9f04 5556696f 10f0bf9a b8ebc3fb be9513f8 33b9b17a 3c2cdcf5 66edc7ac"
          "b7e10bff 8a97aedf 77e00e00 dd41dc18 934edf81 3f20592b 66b58147 d06526ea"
          "2e085802 2e8cedb1 6e73bc45 7b01c92b de8c5504 f693ce42 70d8da35 3b6e15f9"
          "99aea24a f319679c f72817a5 6a7dd7eb" },
        { "e3fbedce 4f4809f6 0695a3" } },
      .rekey_ike_resp = {
        { "a1094ea8 397f9267 07349c7c 0ea990d8 2e202420 00000004 000001b0 21000194"
          "7781b7f6 d9217aec 70657ec9 e0efe4db 53137d40 ea755275 7c6f1548 65f69b55"
          "afc515e9 3318aab5 8f97739b 7af2e200 14bb10d9 3fd9e165 adbd68db 8fc7c8bc"
          "9527c0e4 f25a33ea 66dc323e 9abc7d05 b8626fdf d262fb23 eaca9c2b 03900c27"
          "84188cf9 8ceaa30f 1ca45efe 3780f925 5c35e471 f4c3a452 3ee9db66 6ff7ff95"
          "d9c26e09 5130442e 50fab41a 1f027e6c 13deb34f a096ad9d fe821599 4b2ab002"
          "e34e35a1 a15527ed 66d31763 2bf46271 eee0300e 03f21d24 f73c438c 4ec79f06"
          "1663eb27 bda47c67 d467e2ac 7b13f786 ed628499 517a99fd 54092dd6 d6bda5c9"
          "22030e77 bbf77b4f d02dbfa8 1153cdf1 699b9790 c7dc3040 89ec26b4 1ddcbf8c"
          "7206fe0d db3d7c58 6a7a801f fd924ee3 f45c01ae 2fe10cc4 4bfcc760 9206a437"
          "53a4d372 3c47ef18 0d9ce9a9 b48c8585 094b5a44 df32cc00 4323dbbb 5bce6eba"
          "1c8389cc 52a27c2f d53b04cd 9271f7ab 893d42d3 7f06eace a20156c5 17de61a7"
          "1b36eab1 d66a45df ff71e919 c69d6585 615c0a14 c3345b2d 68d9a0e3 80ecb993"
          "0d2b6b76 071d82f6 c2ac2901 3ec6ccde" },
        { "7848ff48 ac571dfd c567a8" } },
      .ike2_gir = "0571315d 4e7be4f2 1039e8be b78067cd 7108ef8a f4d8b411 2f8d0fc4 9dca5ba1"
        "a33a012e 5d1de21b c48ee780 c11234c0 faedcac8 f99aae7e 468c1147 d9edacc6"
        "9a67b9dc aa5e89d6 ba68f25e 94b6ebb4 6e93b86b 61c6dcf8 03db3f1e 74b7c4a0"
        "b4b4154b 80030eae 769bdd52 f6b68839 123b23bd 8f978975 2483d918 3b76cd4c"
        "b5fa6d72 43750c54 117dda9d bb171168 db11f5ae 5c71fca4 c3548fa3 1ba99111"
        "0dcf5b7a 7f3194a3 f8cd798b 2548b140 d4f3b972 36e8d72d 015dceaa 765d8fbf"
        "e50dca63 2c125874 31491d13 8275d5fa 8d3cc31f 541e0b72 c31d10ba 3beeb6f5"
        "864cb1d6 d090b8a0 b8e56ead 130c2004 62db06bc 88dc30ad 04d674d8 f24a2302",
      .ike2 = {
        "07b16a92 e971fcd5 077828d7 5efc3f17 6f6fdae4 ad4d3c62 0c827958 ddff5d1e",
        "cc57e473 f9a142a0 56e8a7bb c6f3d08e b3329b5f a9b09115 d19d1a40 a81e8faa",
        "3752722f ff66e894 a5cf04ca e89ed420 3f234258 f226a560 144148f7 11068846",
        "695dbc19 042d0a22 658fc8f3 644edaa4 270e1a5c 075d337b b4c9ad23 79f92f26",
        "0959929e 09cbc871 b2323e81 15122ab4",
        "5ff811c7 678b0a03 8494a109 e0025443",
        "a4612315 9dc0a65d 9d923b65 010894af 188cd1ff 65fd7886 7bcfd19d 5fce164f",
        "9d817fd2 f4da624e 355def64 d83ce467 9b1d5f04 e9da95ce c2229514 dfce9329",
      },
    },
    {
      .name = "aes256gcm16-prfsha384-ecp384",
      .esp_proposal = "aes256gcm16-ecp384", .fragment_size = 200,
      .tf = { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE,
              IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP_384 },
      .esp_enc = "aes256-gcm16", .esp_auth = "auth-encryption",
      .init_req = "786bfaab c40e77e7 00000000 00000000 21202208 00000000 00000128 22000028"
        "00000024 01010003 0300000c 01000014 800e0100 03000008 02000006 00000008"
        "04000014 28000068 00140000 0837677a f8b56ced 6785e023 d90c21db d64f10f6"
        "aa43b764 b29fe9da 14939c1d e6375fa7 39524ea6 d6ae9804 0ec7ee5e 65fd199a"
        "f674b1da ed7dd2a1 55f2b856 45ca5dce 811fe55b 3aaef4a3 a4410076 d349facd"
        "344c86a3 e1bc9020 35266adc 29000024 82b4cde7 196116a7 d190ba20 08b099a1"
        "8f43a305 a3e436d5 3c48b0ee 6e68f926 2900001c 00004004 8f00e708 179e9374"
        "859c65c0 80492ce0 f4de42c8 2900001c 00004005 2bcb4df9 3a05c7fd 45a8d17f"
        "15fa2f3e a9c35e0a 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "00000008 00004016",
      .init_resp = "786bfaab c40e77e7 a00fd009 5a460292 21202220 00000000 00000130 22000028"
        "00000024 01010003 0300000c 01000014 800e0100 03000008 02000006 00000008"
        "04000014 28000068 00140000 8b853a49 ee00f02d 15cb4537 9e917839 748a4450"
        "80bec4ee ff054dc7 37af79ef f6ce3ace a7882e87 14109760 12e0b95d 7b1479a8"
        "44833884 64bc26f8 297a5f42 472ed960 9043e5c0 64e98284 d529f2f7 6897ef29"
        "d7852db8 89d94ab7 158ed4b1 29000024 e50d55e8 ec58f60d d0a6ce69 a2c629a2"
        "e8dd2bff 6fed921d 5b75e3af d5eec0c7 2900001c 00004004 d406dc25 41b06aa2"
        "4184bd24 76188608 6fa9bda7 2900001c 00004005 27f99ca2 a50aba22 41d8753d"
        "614de207 d542351c 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "29000008 00004022 00000008 00004014",
      .auth_req = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202308 00000001 000000a8 2300008c"
          "00010003 e42981c8 80f23fc1 6b1ddb73 df8592af 758a4372 48f52079 45031c9e"
          "1bd5c202 fe6006bd 20a7e43d 313fad8d c1257420 61b6be59 4b26df0a f595d57e"
          "53fa88b2 44704454 e7a372d3 8c32fd13 1f3fc545 eadc69a7 956b860e 48aef36f"
          "8f633e59 f3404e7c 4114f7d0 3f5598e7 cbc6dbb9 9fd00144 ca753697 a6fa2c9d"
          "fd572a23 6e3300a8",
          "786bfaab c40e77e7 a00fd009 5a460292 35202308 00000001 000000a8 0000008c"
          "00020003 e42981c8 80f23fc2 56880ebd b586dba0 80182163 a89970cd 3eb619e0"
          "33b67a63 25452b43 a4654b58 02103714 539d5fb6 81939597 a192b665 d7266a13"
          "330b927d a746b7eb dca7b830 7d309bf1 0098b824 638c2e0c 872d52a8 c21f2a38"
          "3d3cf2b1 0c64df6d 1bd88d5f b8c67c14 f5fc88f0 b69c103b 9795e646 95fa2990"
          "d39bb59e 1b9cb965",
          "786bfaab c40e77e7 a00fd009 5a460292 35202308 00000001 00000061 00000045"
          "00030003 e42981c8 80f23fc3 87f607dc 4a4a23b5 8fc9bc68 9029ed1f bec5fcc5"
          "8e5f5887 639c2101 13cd2a95 bdeb0d27 d2a9251c b86d1745 85752dc1 a2a70a43"
          "51" },
        { "", "", "" } },
      .auth_resp = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202320 00000001 000000a8 2400008c"
          "00010002 2504894b 7544756f f066fa2b 7f6647e6 b11a4747 2c19df0b 642f423c"
          "86ce04a5 8d207b3c 86c0ba3b f1527fd8 d3d08682 1e7ff1a2 982a93da 585a0173"
          "e442d70e ce0e42d7 0a69dbf4 8f062329 831bb773 c02a35fa 66332b78 3ecb9cc7"
          "63084fa5 e775d3fd 4d02c5fe c940e0a1 2ce41a01 a5d25c8f a8267d8b 39c58866"
          "73248d7d e79bb38b",
          "786bfaab c40e77e7 a00fd009 5a460292 35202320 00000001 0000008d 00000071"
          "00020002 2504894b 7544756c 8e126ebf 07062772 26abb37d a5cfa02d 4058e4ea"
          "a4d5f0d5 57d03536 f14df3f0 4a4f5409 18806a34 ed4d3b07 773a8469 4954d18c"
          "6bfff6f6 5b4d33a4 8308d51e 346ebb92 1922469f d5b3552b 70018e70 cb82e9ae"
          "5143312f b9052cb5 da5d860b 81" },
        { "", "" } },
      .gir = "b052b7dd 1040291a e676d1ce 5b61ca01 35cafb16 f338469d 0698393e 47520ed4"
        "8b7f6870 264ed8c9 03cadd6a 7e93ed50",
      .ike = {
        "0859b1d5 0da14088 e3cc9816 57045f27 c1340b55 a13fe2ba 64c7e7ff f57653b3"
        "5b56762c a034fbbe 8c2d3222 733bf855",
        "eae69618 aee6481e c8ea6cc1 52aef7aa d7d7c9f1 fc7e2c83 bf5b61c6 beea072e"
        "fb516079 d60496fb 036137f5 421e94a6",
        NULL,
        NULL,
        "33d383d3 1e4c0b7e 4d55c36b d44a84ab 7e4df542 0d104771 8c2b5413 50f4a502"
        "47705ef8",
        "bf60eb5b 419fa96e b9c989b1 8b57931f ddb3155f fec7f072 02aebc99 91b4fbf3"
        "da8bf500",
        "43430fab ed260722 dc518141 2eb53ba6 87f60942 bf9a9ac4 effa8503 da63341b"
        "f0e1efdb ceca005c e9b3fce9 b918ce5f",
        "7f81a690 413a8cb9 32647aeb a8210c18 94c5c0fa 07285975 f5599a60 605830ed"
        "c7d49dd7 aad1b3f7 62358218 e40248f2",
      },
      .child = {
        "45382f07 a9fa162f 0a352f7f c929c9b1 cc7bb7d0 f2477f2b 49af724f ef9f2acd"
        "26eeab70",
        NULL,
        "1f72f3b5 cfb0eb32 4fb98d82 b3e319c4 bda8c0de e3456c26 b59b7157 e5a6ef36"
        "2e4ea859",
        NULL,
      },
      .rekey_child_req = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202408 00000003 000000a8 2900008c"
          "00010003 e42981ca 80f23fc1 3d62fb00 5f905785 e570d81d 79a46b97 08253d07"
          "d0984b88 a3171240 47530773 91e1b1b8 3f6e93e6 4db629a1 fc222351 49eb67de"
          "2b6eb84b b67d4156 f5109349 03142a21 82d1fbb8 4ac23cc1 826edbcb de9b98ba"
          "ff78a0d5 4e996d15 0af7f1a3 71420f7b bc4646f0 44f016e4 595b1463 baf7039f"
          "d95bf706 c4f684e2",
          "786bfaab c40e77e7 a00fd009 5a460292 35202408 00000003 000000a8 0000008c"
          "00020003 e42981ca 80f23fc2 b31ce05d b8837846 2f9fed92 52ff4251 a272e977"
          "283a5b3e ef58641e cb23be6c cee2a299 4eb1cf32 803b7e6b acd79879 3e59f012"
          "eda21919 8b1dd7d7 2cf5f0a8 6233dea9 a74781b1 e7311867 827b185f a6bb4a63"
          "85f4a4f2 41997e3a e27e2a4c fb275c72 9a4079d7 67e42ebc 3f86a03a 21b3b5ca"
          "2f22c34b 324a0bd4",
          "786bfaab c40e77e7 a00fd009 5a460292 35202408 00000003 0000005b 0000003f"
          "00030003 e42981ca 80f23fc3 601c7701 966e54f1 61795efc 53db774e 5614d584"
          "c01e2cf6 123964bf b731e5ad 8b9ae581 96bf44d8 a795b2c3 7f7f32" },
        { "", "", "" } },
      .rekey_child_resp = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202420 00000003 000000a8 2100008c"
          "00010003 25048949 7544756f b6eaedcf 67ad2fe5 f4df1aae ac3c7cf6 4e56b54e"
          "eca34c05 7a7630b7 c4f9b729 45bf82af 7cd218ce 28e3e81c 6ddf8ce2 15b37dcf"
          "101ec0c7 20c9b377 232cdb5b bea77e34 317481b4 07ed73a7 02a90c6c a1c8319f"
          "ac94caaa f52559da 3c3bba0f 4aa3f28d 8febf586 7b73b103 0141da37 6df0227d"
          "0686328a f3f5c32b",
          "786bfaab c40e77e7 a00fd009 5a460292 35202420 00000003 000000a8 0000008c"
          "00020003 25048949 7544756c 8070937c 96183816 a46e96be f47adc71 417b6c9c"
          "78ae2905 cd6e8a2f 67ab41ac db286a8b a54d60aa 8b60d011 475ae7a7 42e774cf"
          "c78351b6 5b7ab219 4b856ced 442c39fc 47b6ebfe d896b022 23f850a9 c24b41cd"
          "0a1d1355 9a692c31 4f56fa58 e170a1bd a3237c17 0cbd3ba6 4d67de72 f52e34c7"
          "053d2540 3c766c74",
          "786bfaab c40e77e7 a00fd009 5a460292 35202420 00000003 0000004f 00000033"
          "00030003 25048949 7544756d 576cedfc 8ee9c938 0edfb333 fdc54fd4 01baedb1"
          "9b3fea36 246afbd7 5cfefae2 171d32" },
        { "", "", "" } },
      .child2_gir = "5e35b6cc 7f249f23 1ae4de73 6ee146a4 90548964 3a51d072 158ed324 f3697ce6"
        "f5225e1e 694f95ea e4194aa6 622f2eac",
      .child2 = {
        "47b89d23 3481a6f2 6742da70 4b4912a0 654a2d17 5efe008d df825539 aed3538f"
        "4818a8c6",
        NULL,
        "43cbbeb9 ebab7a79 94221d30 a8140e9e d6ffde32 b218c421 906bba64 da718e38"
        "38941e74",
        NULL,
      },
      .rekey_ike_req = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202408 00000005 000000a8 2100008c"
          "00010002 e42981cc 80f23fc1 be6e73f1 2ad28e0c a2f3037e 2d4f6979 97efba2b"
          "19712cbb 3be55c22 a5d1383c 4110ff94 18558a04 1b4561da 58f62638 079a8459"
          "3a0980a5 48c7def4 4d96e0e6 c744d1b1 ade624ec 87e253fe e2bde8c0 d79f342a"
          "8ff56c31 4bd3935d 653ce9d0 61bd80b7 3b0f770b d9a50b7c d13ee7c4 99ee0750"
          "a7514662 6bf6ee9d",
          "786bfaab c40e77e7 a00fd009 5a460292 35202408 00000005 0000008e 00000072"
          "00020002 e42981cc 80f23fc2 bd556543 c739dfca 2a4880d3 8d59c943 95bfae96"
          "59846137 6ae74f8e 1c21ea5a 4d66ce9d 773dc08d 11278765 e014dd95 610142ad"
          "aea88869 f8342c92 61138d45 bbd8815f c10aec0f 23d2c996 e92c9c0a d530779a"
          "903b216c 18bef7b9 51d8fc21 ce42" },
        { "", "" } },
      .rekey_ike_resp = {
        { "786bfaab c40e77e7 a00fd009 5a460292 35202420 00000005 000000a8 2100008c"
          "00010002 2504894f 7544756f e84da19b d100ae6f 47040692 aecdacb1 3d0ebe0a"
          "5de073d1 1157bb78 41e0fb3a 097147f8 23765696 420eeb55 110d6dc4 e877137b"
          "f794a2d1 aebc23a8 ec4911c9 bb6cd65f 9ce22632 5324d39a 27230a99 9e56016d"
          "a0a50c92 1903b0c5 f2880343 f13e18f8 91a3a4b3 5d9c5724 3f7c86ab 134bfcf7"
          "1cd2a72e 76114594",
          "786bfaab c40e77e7 a00fd009 5a460292 35202420 00000005 0000008e 00000072"
          "00020002 2504894f 7544756c 8d712065 063c7dab 5068fb50 aa5e4f25 340396c1"
          "6ccf8f2c 435ba503 67bdf189 888a9f40 35bbc1a4 e2fdf12d fc904192 b6ccf66e"
          "75ba0099 736f7701 792cf074 96e9f7c2 7f3846cf 177ca175 73b92b5c dfa55f1b"
          "8aa0e0ef e78fcd8a 7528e658 5584" },
        { "", "" } },
      .ike2_gir = "2c106e78 76bd6876 bda9af3e 73d8cc06 41be0b03 5d676108 2fe928e3 31c51c47"
        "fd4c41d4 6d48679c 08894d0c 16b7d84a",
      .ike2 = {
        "cc612760 71c07ef4 cce11684 c6aff36f 605d53bf 0b81b9ad 84047efe 4afaf45f"
        "be375f5c 86b9b1e2 bf27f853 86910a8b",
        "3678c082 23ba82e8 20d0b66e 6d714b02 6b3cf2e5 8019b77c 0585ff8a 14cfdd2c"
        "510a4a79 421b007a 8389527a e8af74e3",
        NULL,
        NULL,
        "b3d91cb6 59d47bdf 5dd39053 0157f306 a35b8ffd afa01728 3af6072f 07b3f286"
        "7d0777c4",
        "9bbdd426 88cd1bb7 7fecea04 679b18d2 fa137563 0f198b0a 368cd5a9 d277a0ef"
        "58f6ddc0",
        "218bf854 bb63d6e8 572e17bb feee4c3b 485cc8fd 40db3a43 02ab216e 52bc66e6"
        "dc0a1c11 f14054d8 7029b0f8 c6274aa6",
        "357d22b1 c5b1ceb3 035c12d7 4b7478e6 a06a580f a79bdc42 fde3840a 98e87d7b"
        "97a7598a b6a8d1e8 084fe70f d2fd4a14",
      },
    },
    {
      .name = "aes128-aesxcbc-prfaesxcbc-curve25519",
      .esp_proposal = "aes128-aesxcbc-curve25519", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 128, IKE_INTEG_AES_XCBC_96,
              IKE_PRF_AES128_XCBC, IKE_DH_CURVE25519 },
      .esp_enc = "aes128", .esp_auth = "aes-xcbc",
      .init_req = "37742df9 12fec46c 00000000 00000000 21202208 00000000 000000f0 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 03000005 03000008"
        "02000004 00000008 0400001f 28000028 001f0000 50b92003 cefab59c 83457590"
        "ec59ced3 ea27b17c 572f0a14 32af1cb8 20c25362 29000024 98fb33e0 7afc4537"
        "ed1e36b8 25ba8079 ff98622b 8b293b67 206a8f00 3eef61ed 2900001c 00004004"
        "423a7b96 e2415bc9 0036141e bca81661 8990c1cf 2900001c 00004005 da15af46"
        "33104d07 cf3f049f 0c3ab69a 76047f1c 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "37742df9 12fec46c d44ac988 64c0dd1d 21202220 00000000 000000f8 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 03000005 03000008"
        "02000004 00000008 0400001f 28000028 001f0000 4fe5b3c8 78458ad0 0eb7e805"
        "e67eb2ff f641ffc8 91312e08 ad39ddba 1a159e25 29000024 623b2987 3766ba93"
        "0057cf15 442fb617 affb57bb 97ffc7a2 7118849c c4ac0a5a 2900001c 00004004"
        "65eec357 1ce4ca49 b9f0e35b 3f065134 287c117d 2900001c 00004005 62f30700"
        "d509639b 874128d1 eaf8d29b c9b48c98 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202308 00000001 0000012c 23000110"
          "526110bb 251dabd6 3267574a ec5afc09 b0006e0f 949f57c6 2d890d9c a92b0704"
          "05a0c7ae 647f71ef aea2c85c 76a20559 26aad49a bd5be718 17d78b4b 1d8c3fe0"
          "1f8f1862 3fa01c1c db786393 b1e1bf4d 8a4b9a02 aac98c49 19d1d665 da5e5cfc"
          "0487a948 04e23e7f 1df3098f fe10a99b 5dd1a0fb ac7ab49d c9ff2b2f 4c873c54"
          "37aeb118 fdd903ec 1017463c ae6237e6 4f7d5582 00941a07 d174b8f7 e92e9350"
          "40832c6f a6986648 d22635fc 5810209c 77bcf4ed e1177122 eb8c0641 2335187c"
          "811451fb e23c9c36 b6e94999 276cd2be f3a60cf7 eaadba72 6d849a87 ed5c510b"
          "ec120985 3efc5bcd 35109992 5a6ad73c 3a98e7a5 a038b5f5 875df2e6 3a9a180a"
          "364ce0f0 cb7d53ff acd4bf71" },
        { "4af8849b 54ec5b78 bdccc922 e5" } },
      .auth_resp = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202320 00000001 000000ec 240000d0"
          "1d53c818 0b83b8d4 84a4e590 d5b25ad8 3a4eca27 4638885a 53d503fc 75adbf4e"
          "ed47e72b dfe2947c 428fe7d7 db3618ed 8a82941e 834f1118 782e3cd7 667b1f41"
          "f560c35c 081d6174 0ce38a48 a15296ea e745b6b2 1f9a2380 db3ffedd 8682b8c4"
          "c215ecb2 38121c4e 68f028b4 afc391bd 29d9d50d 8de0ca2d d42123a4 aab7c036"
          "ae27b3cb cd6beff9 6d0d1fab a9056b4b 3c0b8691 03e6b036 3d1fff1c 9da7c143"
          "3ac91901 c3fb6db0 7508763c 570108e5 fea306c2 3c52100c 53281aa8 8decbb38"
          "c91476ed 51b82fee 144a62fe" },
        { "a07eeeb5 dbce3c0c 7a6c3114" } },
      .gir = "7640b86e 228c612e eb2d0bb8 a96602ae 157b9722 76706629 a47f60e1 bd43ef03",
      .ike = {
        "0988ee26 b704e8d8 5a763f7b b03b68bb",
        "44bca886 aa3c7ff6 dadb0a28 30eb8f82",
        "d53b5907 4cb474db 78c5d5bf 133a077d",
        "1142d638 36706095 42ccd9c8 80a49317",
        "f5909ad9 26777929 70357110 8a64b94f",
        "d16dabde 9b414e96 3cc9f5b2 d80d9050",
        "a3f1067c 8393a175 7d33ea72 113226eb",
        "4c8e4767 9115a64d aa552ad6 41ad352b",
      },
      .child = {
        "ed6db3f2 ccb13e90 ad79d47b 9ffc2292",
        "b432ec31 f6a4e417 af458c36 e6299862",
        "7f07c2b6 ead57889 b6a325ed b2c72638",
        "533055a9 1483b126 b801e241 92f0e40b",
      },
      .rekey_child_req = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202408 00000003 000000fc 290000e0"
          "3dde05bb f4f832d8 d2a3e7db 6b22ead5 3a84933e 466ca041 d1e959e0 a1cbac16"
          "465f5d3e 1deeae2d af0cf1a5 c0536730 0ae84f54 261e2b79 d94ac341 6269ac33"
          "fb793a86 a37a377b 91c4ab08 c3ee9d69 d242df2e cc2216f6 c7dfea0a 8f158fe5"
          "685d62b7 bcea6c6e 7689e1c6 799c8341 19f5bae5 db2c13bd 4ec8e180 719544bf"
          "5de17b21 f938ef43 a2b5d174 bcd986a9 985f8ea9 713e9372 f5f704fb a520b2c4"
          "890e10bd 84e1cf2a a6ea091d d5db0749 838622af 0d424566 90bbc208 bd6824a0"
          "dcfc1079 278550c4 4a606599 c80e065b 5fc456cb 45eec775 19cce8f5" },
        { "b6ef0d" } },
      .rekey_child_resp = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202420 00000003 000000fc 210000e0"
          "6123894b 19d9ff85 a161eccb 8bef0e57 fa81ad03 816941f5 fd69fe0c 7eac061d"
          "00d49841 55e23fa3 fc995775 7df1d861 62f46a1d 6f4fe64f 8635111a bb38af79"
          "d96e4b59 d793f11b 89e09619 38fac9bc e3497704 214c8aae f61fdfd5 2c810c5d"
          "8def7153 478ddb99 df7af808 2209294e 46e10962 75040fbf 410c84be 9a4f15f9"
          "253fc622 002e07e0 b541de51 e98f2e90 6ffc1e93 afea30f1 f70b274a db4b3842"
          "07986fe0 dfeb1f5c 4d668db5 13178421 ee0596b6 8f135db6 dc6993df 07799db9"
          "d858e890 33ae7aa9 eba9fc8a 0fd472ae 96b3b58b c4e13e2f fd2ca100" },
        { "e2d171ef 086f3956 29df29ac 50fe1e" } },
      .child2_gir = "544525d9 058bade5 61a9ad13 16d1805c 620afa76 e1985e7a ea9166e4 7b5cd478",
      .child2 = {
        "4a332a1f 40d879c8 ad9bdedd 78e1ec70",
        "3fe60f01 88dad56b f1ff203b 26215dc4",
        "48a913cc 54baebea 70dad424 8f93fbcb",
        "21f6efca 35b92a7c 660566e4 b82fb4e8",
      },
      .rekey_ike_req = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202408 00000005 000000cc 210000b0"
          "0c510a16 fd3ef7a9 b6db3e6e df131ac9 2e45c927 9d9aba4f 272aea3e bdde8ea0"
          "87bc8c71 496f39e6 ea1a19fc cf0a3850 137679df daa510e2 1ad85718 500cde95"
          "ea1da89c a5a6e012 bb75c2e7 fa9e08fc 6816c6f1 1a7f70d5 9f823d0b 278dda04"
          "5c446504 18424e6b 3d21f8cb 0e6a7f8f 7f3889fe 68492a51 15d336ba ba073538"
          "3bbda0ef fc1fefe0 c3e65880 f20622e0 45da77a1 73f71e85 8a711526 e0b7f35b"
          "eeb6349d 51c90c37 6570e85d" },
        { "ffa46ecf 03e3888a b91e21" } },
      .rekey_ike_resp = {
        { "37742df9 12fec46c d44ac988 64c0dd1d 2e202420 00000005 000000cc 210000b0"
          "4f1dbc1a f8a4f6d5 16f64a63 cb08774f eb95ec10 1efea1f6 eef70d06 6c0ff35a"
          "9d566d28 af87a60a 3dc2694c 953344a5 9319572e f36342b1 0f406868 f45b6b3b"
          "f7512503 9ff507dd f03f5588 a12d4b07 df357158 fca4bd53 5b6ad352 84cf98e5"
          "e409deac cc7a018e 6d03abf8 54a0d7e8 5ccb7fb3 3e7be98d ea9c5b4b ffc776db"
          "bd60ef65 1ef4151b 48252c4a b069f4ea f0180638 8327f217 cd59c946 7c288329"
          "ce212dea 34b41daf 1e730bbd" },
        { "4e2a7274 559e81fb cf67df" } },
      .ike2_gir = "226b23b9 eb32eeb7 83535953 df0cbb18 11fd50ba a533fc83 726d6ce8 90a8c86e",
      .ike2 = {
        "87892bec 7af79537 d7d6d58b 07179213",
        "986bf186 96c3c5b1 1a948cda e8400bd0",
        "833f9f8d cbb2a158 205b7922 52830fd3",
        "2b5a0106 1e8498d0 9fd40983 c9131881",
        "5f94a335 bc071935 8ddf0361 5975f9bb",
        "b39536f6 14b243d5 ca44a32b 759e063f",
        "4113b6d9 e014f575 896c6f37 4bb88eaa",
        "45a52b7f 9cfaa971 2fd2074b d3ea2e47",
      },
    },
    {
      .name = "aes192-md5-prfsha1-modp1024",
      .esp_proposal = "aes192-md5", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_MD5_96,
              IKE_PRF_HMAC_SHA1, IKE_DH_MODP_1024 },
      .esp_enc = "aes192", .esp_auth = "md5",
      .init_req = "081621a0 52dea2e9 00000000 00000000 21202208 00000000 00000150 22000030"
        "0000002c 01010004 0300000c 0100000c 800e00c0 03000008 03000001 03000008"
        "02000002 00000008 04000002 28000088 00020000 5b5cdedd 625a3a93 ac187d26"
        "029921ec 012b6f82 04265ba2 dba9659a b92866ed 46c6c16c dc8c52d7 f4ca4f24"
        "fe4e04bf 124f7d3d 1fa23a12 49d4a69b c4a3bfd9 1c5f8174 626ab344 f9157b47"
        "19c54610 2fc6fb2f c236666a 53172f75 03e8c226 76f60003 02357496 ceafba8d"
        "37b34a81 d6cc058b ade11d9a bac363c9 d8c92c47 29000024 0635372c 005a6121"
        "348146dd 49f22dbb f8bfac38 fcf14d91 eb3db32b 6737a9ce 2900001c 00004004"
        "de576c1d 37cf16c8 7742a3f1 81d46a6d 2f53a9de 2900001c 00004005 684fedcc"
        "a16fab5e 5c1d1679 417ea163 a09e715b 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "081621a0 52dea2e9 69d5779d 71011fb9 21202220 00000000 00000158 22000030"
        "0000002c 01010004 0300000c 0100000c 800e00c0 03000008 03000001 03000008"
        "02000002 00000008 04000002 28000088 00020000 20137771 7f7826b2 4a90c998"
        "db540b50 d4f705b3 14aaf4da c361cdeb 60dfc29f 6d75eb27 f097b06c 678f8e42"
        "b0f5229a fe34e571 05d7c558 cfb8dd0d 059b3607 f8c8be24 910c354d ca9f4d21"
        "4422737d 94e98d42 fd776a8d b1996db3 819d64e5 49a818cc 106b48b5 4064ccfa"
        "b0f25993 8ccbcc92 e0bbc92b 5ff27078 405d0346 29000024 61474e87 373ef965"
        "5b7f034c 1c47b298 3860756f 5c2b2393 c9296615 b72c2c77 2900001c 00004004"
        "4c0851db dae6660b e046b7ee 81242407 44bc5247 2900001c 00004005 230bfb77"
        "ea856e25 7e48ba14 b6dd83a6 0ef6572a 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "081621a0 52dea2e9 69d5779d 71011fb9 2e202308 00000001 0000012c 23000110"
          "1ea80871 53cfd8e0 5dc929dc fbda9c9b 81853809 e845512d 563d7f29 7e8038b0"
          "c9949484 926a3427 4a5bca7a 73430701 6d2428d0 d00743fd 7e832cb3 6b2d8913"
          "7efffe14 25f1f224 51979213 2e97e08e b2da1953 05e480ea 5722c962 77ab41b5"
          "535aa2bd 53273b36 dee50b0c d68d37a0 ec3af4ad f03ee909 a3c99fab 6acd49b5"
          "5d7c453d d297a593 fa6971dc 642c5beb 73035196 27b2eda7 b4340892 62274196"
          "5963846d d215d8cb 3e266c8e 0d1db096 aaf84db6 699b792e afe08fc4 780e31d0"
          "efd790a3 95638101 67cd1df8 aa7ca3bf 1cd5676b feacc340 e7583d90 4dfbba82"
          "f5e27a43 9825b868 1c880c7b 6581c0b1 0d42d9f7 c8f2c7fa 3c84f0d7 171efe7b"
          "50cb7fa4 83aa5559 168d1f39" },
        { "f30807af c9c6e81b 1f" } },
      .auth_resp = {
        { "081621a0 52dea2e9 69d5779d 71011fb9 2e202320 00000001 000000ec 240000d0"
          "0c6faa46 98372874 c18927b4 0c047f57 08259fdb 26842bb9 746305cf c3c90021"
          "73c73fc3 5c212a75 c752b595 963c0ce5 f0e1b608 b5fbcf9e fd132d6f 348816f9"
          "63f4a200 2a2c6559 c5c26c6b ae842857 5c0510ea 7811a067 4e9fe070 fb4ecce2"
          "3b61793c 2bf48801 8da21bc4 63bc6101 a6982793 692c81d4 4f842424 ea75d5bf"
          "7ba0810c 50f233b2 b9026094 cbc4b40a dbdc8b2c 5b66031f 09770d7a ae5fed5a"
          "e271965b af1d73fe e85da026 fa2abc22 bbe20643 a3260739 3b4c52fd a1f369b4"
          "c3b1b113 53f665cb ce1e8cac" },
        { "8bcf0c4c 02b3662c" } },
      .gir = "40abf0ee 6e51dec0 45f20732 5f83ccb3 cd1e46a1 6af7b325 493256e8 fae684db"
        "83e230a2 b6e447ec 0b293930 dde66808 60de5a53 d0586c1b bfc78d5c 3a823187"
        "ca1098a8 8cf6e289 11124601 aad346b9 65b1bef1 7f291af4 72ef2481 17369027"
        "5fda91a9 cd03f09d b1b83bfb aa42aedc 31e4d976 663c060e 4f3e1d03 3d292fff",
      .ike = {
        "5d8ad1ef ef2aaf2e 65b7f33f e2d53491 7168f6b1",
        "471f4345 7dd5a5cb 53a2267d 505e6fd4 f682f9d0",
        "597a70a9 f3193ca8 da7266d6 741b3763",
        "d46df093 c1a8eccd 71fcca02 b1c3bfc5",
        "a754ad19 d0ec2653 81a829f8 cf91fca9 b4e96582 71dadb9b",
        "7c79c4f9 2cae3442 006b4e7c 111e02e8 c1267a25 5ba536ae",
        "ded4ffd8 ba8c7a8b a279742c ba8d148e 3190e479",
        "489a5ac6 2a05f1da c52e7242 e5bc9098 f1e2549b",
      },
      .child = {
        "a68ff592 4f0b5a97 d94ff962 30fc6193 4ae1cd8c 7f12d01d",
        "9b8a4d58 d7d39c69 2e6f23b9 88fa49b1",
        "82d66e7b b3e209b9 97cf6870 b5944b7a ff4e2297 033849e9",
        "b80b9030 c9f1ada9 7da5df4e 937f7956",
      },
    },
    {
      .name = "aes256-sha1-prfmd5-modp768",
      .esp_proposal = "aes256-sha1", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA1_96,
              IKE_PRF_HMAC_MD5, IKE_DH_MODP_768 },
      .esp_enc = "aes256", .esp_auth = "sha1",
      .init_req = "1f95afcd cf906c8e 00000000 00000000 21202208 00000000 00000130 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0100 03000008 03000002 03000008"
        "02000001 00000008 04000001 28000068 00010000 b28edd9e e705a6ba d7b976d0"
        "ede4f6a6 b51a40a3 0a803e4a 6eb5ff45 643ab765 a522e563 53159b37 f344d733"
        "4179b4a2 b1d5ae3b d1054450 cf95eebe 0cfa7544 f562d21f d55a282a ac64d891"
        "44021a32 f2d171d6 279bf304 48f5e54b c06cc6be 29000024 3fd7f927 a02f2e05"
        "e7335e17 d81995f6 cc60407e c8e5cc4b fc820236 5a1d204e 2900001c 00004004"
        "5aa00be2 e8c9a737 63903546 ba75d017 539a996e 2900001c 00004005 75ab3c1d"
        "b648d41b 0c1ac644 bebd8cb6 acb87bb6 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "1f95afcd cf906c8e 48a6ae96 76f8040d 21202220 00000000 00000138 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0100 03000008 03000002 03000008"
        "02000001 00000008 04000001 28000068 00010000 34102c09 8a567769 fdc2762e"
        "23081d68 17a36e48 0b9d0f47 d596e464 eb998ad2 383ae796 2df3c797 56e78ae7"
        "1fd248da 705581f5 8d9e00c9 40bee445 7763c9e9 bee9afad e0dfdfff 76ab11e8"
        "133745e7 adb53f89 69e4c70d 5460821e 9f7e8a5e 29000024 5cd84f1b ab70bd79"
        "9082eef9 1f8802a6 19c02b0c af724fe1 7bd28f2e e1451aa2 2900001c 00004004"
        "618921cb a51d3c2f 9107f8de 115e3e07 d21a7aae 2900001c 00004005 bfa47a5d"
        "a8aca7b0 c602b2d1 09529a58 ada73a73 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "1f95afcd cf906c8e 48a6ae96 76f8040d 2e202308 00000001 0000012c 23000110"
          "20a83dc0 9a832431 00f3f131 fa913836 4e542ccc 05ab0af0 e4d2e33e acd77068"
          "1d542a32 6c470634 fe3a4db0 04c1d33e 9767e6f0 f864e8b4 ed2a860c 4862cf86"
          "a3de6387 6c645b41 20521549 8d6b1cbc 8073d5e7 ddd5ab37 439db528 eaf88e46"
          "000fba84 4894ab93 8bc275fc 9f2a639e f9b2aa83 82197f6e 68be70ce bd1c7252"
          "bc60e417 abd0cc96 b202d285 346eb6ab 155baaf9 26843e5c b516484b f51a91f3"
          "027a6c9e 9c927697 e263a344 1c00aa43 3d4e1291 c95fc071 e8915d4f c345f3f6"
          "e2a5ee36 b48e57e4 2aeb45e9 e20d88aa 9a69b31f 34bb4861 64574d49 4240e949"
          "59766a1b ac829660 6ec96152 d336dd36 00486ce4 8db7e6e9 41e38471 71e9d674"
          "18d56629 dc098946 11a444f2" },
        { "5f4da436 b30d653b 8ec2a0cd 99" } },
      .auth_resp = {
        { "1f95afcd cf906c8e 48a6ae96 76f8040d 2e202320 00000001 000000ec 240000d0"
          "c5ff86fc 6261e424 8b864f0a 4b39d1c5 9b9ff257 3dbdccf9 0340cb8f 9b4c8182"
          "3f78a516 3a495f93 fde86a75 42741a72 4e3d387b 520d25f9 699b3224 8ea5001c"
          "9bb63a37 34154aba e2bc3257 127c95ee c9b56b4f e31df24a 7d6416c9 8a7c7292"
          "b41a9a1d 69e970d6 3fa7e6d4 72099146 e7540092 5f6de8fa 632a7308 f40800e9"
          "055c7793 87cb003e 723b03d3 7c18570c 709a17aa 1824f0a6 512beca0 0b7d7b81"
          "0f58691a 30507085 a82d620f 6a57cd1b 51dd86ac 58bc91f1 dd70083d 1b09bde3"
          "f797dd07 e0462bab ba1cfdb9" },
        { "0c5db8f3 14746681 01f3aa2e" } },
      .gir = "141208f2 04d69989 fe1ce7bf 78179592 db915885 637ad1e1 a6a2d2ae 942bb6aa"
        "fdb9b63e f86a31c5 d9cc2d2d 6ee291b3 ac2c7a85 916cf7d4 bad191a3 0930b6d3"
        "81fc8c97 c16cbc2c ecd901f7 1a369d0d 1cb22ba0 0e38f9fa 1fe4804e c503f4dc",
      .ike = {
        "4e765258 33059272 f390f416 1ae1bb30",
        "3c7fd294 276ce8ca ea7df399 e36d39bb",
        "499d6111 1747c364 00945673 5eb3e35a 0be32101",
        "4c7e641e 724d1169 bb07bfb6 1f52e297 14642c9e",
        "e3cfed4d 19f73d32 76b045b8 253ea7b2 45829a2f 817de3ec c04df008 ea060997",
        "ca6443b4 54ac7092 f96656a5 fb8516c7 67e21fb8 699150cc 29da547e a2e60f86",
        "0158be21 5f3c9451 75595ae9 93adfcf1",
        "baae4396 1677faf2 ebdbf9ea ba5cf857",
      },
      .child = {
        "2e96ee97 0c218d9f 65cf11f7 e59420cc 954fd512 b4028ec7 6763a6d8 ee1cddc5",
        "dfe69ae3 c55837fd 3402f87e cbe72682 d41ea5ce",
        "d6f58961 daa1be87 c2ef7576 d8dcece8 e1eedac3 9715c979 092c9fb5 a3c11bcf",
        "da28428e 46af5fcb 27bea031 07ba1ae6 b82d9e2d",
      },
    },
    {
      .name = "aes128-sha384-prfsha512-modp1536",
      .esp_proposal = "aes128-sha384", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_384_192,
              IKE_PRF_HMAC_SHA2_512, IKE_DH_MODP_1536 },
      .esp_enc = "aes128", .esp_auth = "sha384",
      .init_req = "5338e85b fac6c6cb 00000000 00000000 21202208 00000000 00000190 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 0300000d 03000008"
        "02000007 00000008 04000005 280000c8 00050000 3a7aa456 74e9254e db4edab8"
        "1ac72823 e32828a8 d2c605e8 4e468429 82ab5994 9d3efbd4 5ad0142e 6dea17f1"
        "c701c671 44f4bc74 d00a3b6f 713fe835 b682f17f c3f24035 a5445212 8390309a"
        "9959604f 6f410912 fb167436 39454c6d b273b4f0 2d80ebde b7aa3e9a f776edad"
        "5dbd9776 069c567b 135d67cf aa567b96 4c129654 c7f27c0a 275ba455 d0a356dc"
        "1464e1a4 5c3b875a 75a068dd c507019f 60187dc0 ae5313d7 66904c0f 608210da"
        "b82cdab4 32a7cadc cf78327a 85150fe9 6b833616 29000024 a2478608 21d652be"
        "8fefb2cd 494f5f6f 79cee69b 63adcf36 a524fcf7 3384cf07 2900001c 00004004"
        "47669ade 74baa1d0 c1f5bd29 94b25bc4 01c9858d 2900001c 00004005 c56655be"
        "9049f3f9 9572860a 18abf5b5 18cb9c05 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "5338e85b fac6c6cb 7070f568 970668c4 21202220 00000000 00000198 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0080 03000008 0300000d 03000008"
        "02000007 00000008 04000005 280000c8 00050000 5f3272fe c2e9ea04 9edd02c4"
        "48c1ac36 e6d7ac05 b963e7be 3d7272f8 b579a62e 3c375ba5 3079db9f 28da7942"
        "6c48bb0e fe8ab589 991cd817 916e151e 0923f2d9 47b4de8d 06a699ce df70200f"
        "e79e2103 bf155264 1ec6aa52 4284555a 521aca8d c8eae200 57b68f1e ed6b94a1"
        "32d73869 53131fbc 29afdf17 4ae4ed24 dcff4fe8 08feec5f 60716e4d 1f32f2cb"
        "f07eede4 fe55dc3a ce31377c f9b0e6c5 5b76560c 0c47b23a df97edd8 2ad12384"
        "73e283af a959cb05 e8d1e19c 10b636de 2efb3975 29000024 650cc496 e5465e9a"
        "d65efa00 faa8ffab e5113ca5 ca493a69 6d969946 ae260db2 2900001c 00004004"
        "fe5430e5 c5e9f3a5 1ef937b9 5ad989f3 104b4047 2900001c 00004005 ec72a233"
        "0d58a6f6 520da55a 4a771a50 9913cce7 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "5338e85b fac6c6cb 7070f568 970668c4 2e202308 00000001 00000168 2300014c"
          "26fba758 fc74082c 094ef754 e70188fe c138f17f 536fbc7f c75679cd 85027e65"
          "04603143 70abc97e 368448af 50f10b93 981714b8 95edbf38 fc6335c3 1dc00e7a"
          "f8ac6ed4 2c095cf7 71768e39 affd843f df2016da bbc0adc3 aa539881 30511e13"
          "ac5c32fc 5f984730 ca3bf95f c11350a7 b84b775f 678f9ad9 953b7edc 67483856"
          "bb82c950 68599f28 e99c8738 be5264f1 c8e9033d 950bdaf7 a4eebb44 c2b7a9f5"
          "b51a10e1 ebe34a7e 403132ef 6498a11a 4cb803ab 3dd99b83 3ef6a78c f7db1736"
          "04848830 07031ab5 b2fd2c0a 65d9464e a49242f8 936c0cc0 21a09d20 ba024cc0"
          "996f5b05 de3058b6 1f99a339 b1203c06 a892066c 9388f398 ccbe265d d66ebf39"
          "de177dad 37da283e 23184159 45306071 de2abc25 9f142ee3 8bbeb1bf 504515ff"
          "802c2dda 161492d6 c8a81470 8fcf8af5 33f1ccc8 6b98a720 cbc4b922 aef0ea3d"
          "7257f2f9 ba68ffd7" },
        { "1fcae856 d24e55dc e591968f f0" } },
      .auth_resp = {
        { "5338e85b fac6c6cb 7070f568 970668c4 2e202320 00000001 00000128 2400010c"
          "2f9cd1db 018b30b2 fdc48d58 bc526712 e18fa15a ac6c0600 cde73ffc 03f711d1"
          "9a2913ec b7818b15 e34cedd7 6c8d39c8 e5b2be6d d2320552 53797937 b7b9b002"
          "e0fa3641 bce175d8 b41ec6a0 8f5790c3 709db77d 558f08a2 bc7d431f 9dbba1d1"
          "2b429e66 a048788c 213a26ab 8a779659 568bddfd d272f61c 81710d59 3525e1ec"
          "391d89cd dcaa1037 19a7d343 c0666432 8f7f267c 2f76654c 05324a44 37ad8863"
          "6fb82b45 06604ff2 d647aedf bdb63399 42c0fdb7 5e9aaefc 9ce52122 26d7678b"
          "6619bd7a ae950a16 17eb048b 163589a8 48833313 26cfd47e f53e9a64 d27c8ced"
          "8c50d640 1bd312f5 733582a9 d1b54817 88950bc6 9557897f cd83aee2 2c8b5035"
          "7b631822 8d1d447e" },
        { "cdcb140d b84bebfc 753b68ab" } },
      .gir = "b20864d9 12e592e7 5c7dd5dc f55ee852 6fded36d 2ba9afd8 0bbc8ca5 a4cd0397"
        "7c4a9454 7f209c0c 79d77231 d647c686 f756d0a2 28a10969 99d7d0a8 5b0509ff"
        "8ce3a1f3 192efac5 86457d88 d7575158 236deba8 be980f38 0ee07565 b9a2f73c"
        "a1552c63 c1151770 22355ef7 305e91b5 2c9e33e5 e42b6546 1b5ea43e c94d17c4"
        "d42211e4 d4fe9b00 d7fc0764 f833330c 4a401749 0e142426 90f8c850 b16aba36"
        "94c46ebd a766e422 5b778d0c 5be5f21c 2aea80b7 c77cb5da 78ddce96 f9b15a20",
      .ike = {
        "18410bf2 e209bcfc 1c8d338f c6eae928 031a65da c08ad4b9 e9152b69 33e9b08a"
        "29f8f0af 8f7b9b40 16b51468 e0a1fd20 41c71f65 63f11e08 0ef8cd24 5a7565ce",
        "9fe56e54 b74e1e31 6143d2f5 e52a6dea ea0dfc64 6955b687 b4381225 cdd9bbab"
        "d51d4ccb 89185774 ec437a42 41fd9259 d1a101f0 6398c0b1 6bea2ff4 87e67d80",
        "7f8cc920 a4b4d13c 9c1b4038 7ca2bac4 336f30c0 220b40e7 2dea3960 26e78a0f"
        "6ed74822 00807aa4 340b9513 594a4f14",
        "8a31e77e 9b0a5116 d4146900 ce4a744f b5e0290f be22d69e cf2b125a b43ad5aa"
        "fb86d41f 1cf816e6 7a7ca827 d39fe2ca",
        "ee936bac 8a3fff5c 2236be80 2864dfae",
        "ccad50a5 7188e498 4984ba69 67e90175",
        "70f8d22f ca2b89de c09cc5d2 3602f94d f467e8c8 ba6210ea c278c03e e7c11be4"
        "8f2fdd26 3d5abf30 0036b7d9 fb65ff01 9c7d8f49 8f9a66ca 9c994e52 6d0f779d",
        "829d5095 604acb4a 194941ad f4b98bea 0a8d02d0 6cb0c0f3 22b8879e 2678f4f4"
        "024ec944 9b5674a9 ef3e4164 81bc743d 787d0dc6 40600bfa 785a670f fd0ef27c",
      },
      .child = {
        "faeee624 71f1d17b fc6d75b2 e13fd61c",
        "03a3f2a6 9ba075bc a2e4bfdb 046d2c81 73f83cce 7d81275b 0c7d6b9f 96b8af89"
        "255d101b c030e531 ceee8113 27388137",
        "4199502d f9f6003f e8d409e6 32b49033",
        "7d3b3133 defe26db 18e69774 6054f789 d0105ea8 4bf8a426 15599f90 59bfa102"
        "7b71d9fb 0d73bb04 376857f9 57560f07",
      },
    },
    {
      .name = "aes256-sha512-prfsha256-modp3072",
      .esp_proposal = "aes256-sha512", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256,
              IKE_PRF_HMAC_SHA2_256, IKE_DH_MODP_3072 },
      .esp_enc = "aes256", .esp_auth = "sha512",
      .init_req = "f95769ff e128ac8f 00000000 00000000 21202208 00000000 00000250 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0100 03000008 0300000e 03000008"
        "02000005 00000008 0400000f 28000188 000f0000 e3cb520a e6f643f9 cd8679cd"
        "763ba350 819b12a4 e89fb856 824e5842 fa3d8051 7c4128ce a7809981 e4dc126f"
        "be937ffb 3e50ce0a c0559b05 7e003355 17487d45 273a77a0 f0bd4e54 946f7cb1"
        "1193006e 59dde6b2 d377f74d 536fcc3e 5c391d14 d7e87a0c 6ce816c9 d9330cce"
        "1dd4ce51 5748df7f c6d844d4 d0683809 618b11fd 03b0325d c89bc539 c0dcbe94"
        "688c915b c4657164 48dcd9cf ed2b3460 90a46cad 66cfd372 ca335c33 ece73e07"
        "4896a09d 80f0dac2 8edd8cb8 b3b80d30 5d751400 39479428 67777ea5 b8782d45"
        "20f33a41 ecb44186 1b2b3658 06c9cc70 b23cdb17 29581d82 307c6689 631934d4"
        "4f3ecf1d 0d93416d 4c8014ec edefa873 1178a8b5 d39feda4 7f4463a2 c55e0659"
        "14ddaebd d58e7b0e c9daa43b 3bd24b45 36133f80 7de0b077 d91aad58 13f39490"
        "d1f5a5a1 2f5756b8 517c8a2c fd3dd19e f94245d5 c26584b8 adf22d52 4141b04c"
        "34959a9f d2722df7 71b8ba28 5cf3d5d6 bda73657 1352b30e 5a2801df d2a6a2df"
        "cb6edace ac6dcff4 94546596 1c64b9cf 7a9100d6 29000024 e8d50bc8 c8f15490"
        "de5a5fe5 8eba8257 604833ce 1894cb71 9570f4ab a7b62e16 2900001c 00004004"
        "be472654 b0938468 3c7c557b b5b25f94 7a7570f6 2900001c 00004005 61cae014"
        "371bccad 3e783e5c 5de0df03 a5620cbe 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 00000008 00004016",
      .init_resp = "f95769ff e128ac8f 44f7b05b 885f9b4e 21202220 00000000 00000258 22000030"
        "0000002c 01010004 0300000c 0100000c 800e0100 03000008 0300000e 03000008"
        "02000005 00000008 0400000f 28000188 000f0000 5365340f fe638a6f e1856956"
        "8a3db5e4 b097f6f5 c6510524 f40b9304 a1280b85 6d49bc31 f73e8153 29c58e4e"
        "2d4e521c be9d7e2b f16a5fc6 07a8acb7 d4f29f6d dac3bf75 5c6521fc e5bf5883"
        "1a70cb8b c64cbe85 154a52e2 548599cf 08d9ff1a 15b2cbf3 1520e96e 3b3cc363"
        "ecbcb9e0 614ba56d 38123a92 b8616c64 439246b0 6aa6d718 129aa44c 48e77ba7"
        "b7129721 b64a2b1a 0291618d 68822702 4977f27a 9fdf0436 6b4f7ead 3dacf5cb"
        "9588df80 9671cbe7 9ec0090e 2d4a3595 bd16c7cf 1a1dda3c 3c454544 e64abd51"
        "30f418b8 64c82f4a 0f1a8509 a67c8945 9be6bbb7 7cd52185 188b7f65 48b00678"
        "5c40b9f0 e1744ff5 391537ae 3f9c3d76 7cacd715 076c23d4 21126ba1 2c6fc005"
        "216c529b b70808b5 6fcec309 622b4df5 36483c8f cd2fbb45 ffa1d230 e3fa3d1e"
        "adeaa6e0 ab699f1b 121a12b5 e2c5dc39 fdeb7c34 b8c2dce6 e8e0f70f ac5fd46e"
        "5565f5bc 178d7cfc 483a3807 261a188a 7e16ffc2 a024e0b7 11809c90 fc680dd1"
        "196f096f 8989d3e6 3b5f61dc 548d3017 a7d0d514 29000024 7ee04f53 12620653"
        "5c112d89 b5662930 4b707e48 58bf33f2 b48e866d e098ec6c 2900001c 00004004"
        "9252f223 96bcdecd 4b05fa51 6250140e 983cc7b5 2900001c 00004005 5aea38fe"
        "7fee28e9 b8f7823d d55c7647 fac418d9 29000008 0000402e 29000010 0000402f"
        "00020003 00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "f95769ff e128ac8f 44f7b05b 885f9b4e 2e202308 00000001 00000150 23000134"
          "37799e52 eb97b1b5 07b5cafd 6c16e2f5 941a19d5 9e59511b be53faf1 15b41315"
          "d6a9ac50 51af1c40 a1ac2275 29bc5789 8052c9ea 48b56efc f9136e93 6e9e63b4"
          "20975661 052a7a6b 20ec1e38 4f109e13 3096b64e 2e587b65 13d8935e 1c960be5"
          "ad056c8f e7e4f137 748655da fd5013fb fe5b52df 237c42a9 72ab67a6 f47ebfa0"
          "35cda208 3e88f3fe ffc94475 b36f9d83 6ed10e4f 35cedd29 4e45c2e0 2e11cb35"
          "e00c6bbb 25f486f2 788903d8 70b3b0a5 547c159a 56b72504 064da351 0285debc"
          "1617f7f1 b2ceae63 9b2824fb 0391ebfe 543fd9f1 328f3fb5 0cbfd524 081faec4"
          "999c46a1 5b928dcb e0265a78 014dc6f6 285f5cff ee94ccc3 98fed59e b378fce3"
          "d69d6159 331c1631 ed03e0f9 e4b9536f fdbf821f ff67f56c 861903fa d9836bc7"
          "4c2dd8b0 d63169e1 f0aa0b42 7bdbc138" },
        { "2881ec6a ad997331 11af4bcc d9" } },
      .auth_resp = {
        { "f95769ff e128ac8f 44f7b05b 885f9b4e 2e202320 00000001 00000110 240000f4"
          "84833f6c 8d0a72ca 1c4a1a2f 6b3596b1 499bc490 b2cd04d7 f448d682 dbeec52f"
          "9c5aea14 0907987d e1289386 da6d6c6e 6dc52744 c1f47a44 aed0a537 71abf2f3"
          "1939fe38 252e05eb f7ec59af 5e1d9aaa 7bd8c32d c62fa76e 2e070989 e6640cd6"
          "bc9288a7 825d093b 9e1fa7a9 9945dfa6 23db2b24 bf364bc9 984b6d75 0fd9e73d"
          "c955218b 1a146b19 53e5674b 7ce14d32 8fbe1b6d e20c467f e6a37324 493a6f90"
          "117ab234 1ceafda0 481f3e37 2ddaa771 1855d6c7 7e9d2411 19cc620d 7fd85e7c"
          "f0f11bf6 cdb02679 f685c877 cc89f763 b1c2454a d59ed10a 3999c5ef 7b306ed7"
          "5d8c0e0e 29d4c1b5 7c979d7f 04bd02f0" },
        { "2c0436b3 f2c4d7f0 b120efd1" } },
      .gir = "17d7e99e ca1a2bd4 f12f5a36 8fc1fdb1 0349341c 1006b3ea 1509cde8 b10d2e3b"
        "638ca2c6 57999051 1a9ecbc3 0cbc8299 7e636714 b37b81aa af54a52c 194b2a23"
        "0b8247b7 1c4a3c33 51e76954 2af85cb5 3b66c0e7 599af40f 1c22fb1d af60b8ab"
        "35208874 b9fd40d4 cd6661bc db31a0bd 57afe853 bf51615f cf7b023b eb293070"
        "08447c54 cbd456d6 88ed9bb2 01933724 6a0f627d 3af7124e 5798ef00 3c346fd3"
        "b453a3a4 926bb974 b1e54e37 ab16298c bd554666 e03ace99 392c2e6b ae7c46fa"
        "90a3dd4d 5afa6aba c3a46297 14799be9 0c534cdf a39ff18a bd42c3f5 192df6ac"
        "9f55e750 e9310ca4 dfdc4dde 706dd8da 2b11ae17 6266980f 27a7ce96 7153acae"
        "9a7b171d 5397a20a 496973d3 b00cb558 58391262 1e3df267 d7a980d3 d8937d5d"
        "7457742a a71a813c 948087f9 b2c5991d c4822f91 d98ad764 90f0b043 08b64969"
        "82362530 676ebb2a 42b665d0 dd062c43 a73ced55 7ec36dfe 8c02ea06 fb84cc8f"
        "d5ccc793 5c29bb71 2da6302d de2cb352 288be9c8 376f7629 e766c6c1 8389c1ee",
      .ike = {
        "54af5798 59f2fac0 95911378 15c85a88 86266866 af504794 79f93e9d 887fd396",
        "c75bb783 e28a0939 f300dffd 1094575b 0fd5f183 a3f34bb5 1e3915d0 b225f7dd",
        "4bb9280f 77d78e5c bb7c4837 fc476e65 10c6109f 0f89a55c 92f4de68 3530fced"
        "6686b667 ef9bc919 fd900d1f f38c9d94 528338f8 910eb153 ec3c7258 6dde80f6",
        "910074e7 ec028261 b3193e43 c9157c09 832bb000 13d89bbd 16b32f09 00c2d25f"
        "16acc771 fdd47d11 fe45fc0d 6a6a3cfa ec21828e 1f1d14f7 38c6005d 4bd3ab8f",
        "e018b328 423bc35d e90d69c3 4c04c4a3 c2c0d6d9 0848bab9 bc2d6fd4 5cd0e22c",
        "6a4af9ec 9fc069e2 2652a03e d976dd50 e3480165 27b96838 e870a354 39a1defe",
        "2b71e46f b86cd56c 0a6976cb 3b6a5d1f c1f82043 dca0b8cf e509cb5d 523b6b38",
        "9e93e7d6 50eb9a1a 3f1f9aa5 bad1ccef ab2ab646 5522a11e b14eb2e6 0803e9a7",
      },
      .child = {
        "77bcb314 bbef133b 91ca3af6 88d096c0 00992fa0 c4d03f04 69a8e0b1 27c0db9e",
        "42161b24 edb9de06 c4bd32ba d7b271ff a0e4b25c 25f56a2b 5993aae3 14b91bf9"
        "da6365cc 83fbecfe 92396a50 9ad2f91e ba0584c7 2706f0ae f8cd9d73 c7989ffa",
        "07dcee08 d1acf059 dab85be1 390b6ac6 c0658308 80918f3c 60b0b497 f11dc014",
        "67252b28 75451d53 7dd3966b f964ced1 a56d92f4 ed14c960 dfef02b0 3a6eda88"
        "22decbc9 ae3f0be1 e830baf2 e82b44f8 99025d9a f51e5192 1fd488e0 fabde9c1",
      },
    },
    {
      .name = "aes128gcm8-prfsha256-ecp256",
      .esp_proposal = "aes128gcm8", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_GCM_8, 128, IKE_INTEG_NONE,
              IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP_256 },
      .esp_enc = "aes128-gcm8", .esp_auth = "auth-encryption",
      .init_req = "09307036 601e34d1 00000000 00000000 21202208 00000000 00000108 22000028"
        "00000024 01010003 0300000c 01000012 800e0080 03000008 02000005 00000008"
        "04000013 28000048 00130000 7444e333 aec40f26 740bdb70 d5d5c581 e5eefadf"
        "c9361cc4 7e67a8b0 be64b7c3 37b6c80a 6cb4dcb8 37c8d812 5564ebd5 3a476189"
        "d79c3990 7ad86f28 d90c3ca7 29000024 73182499 4b96d32f b44b3882 59f366e9"
        "6e297900 517ab0b7 7bab4b26 ac003a8b 2900001c 00004004 c2225205 19923b9f"
        "ba870f65 68cb3024 227cccd6 2900001c 00004005 b7e7fb0f ec1996e0 c602be50"
        "ed034f7b df3919c7 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "00000008 00004016",
      .init_resp = "09307036 601e34d1 d6b373d8 56dbc68b 21202220 00000000 00000110 22000028"
        "00000024 01010003 0300000c 01000012 800e0080 03000008 02000005 00000008"
        "04000013 28000048 00130000 0bfac0c8 f0447209 4621c2fd 69175cfc c62211d7"
        "6921770b 9c9e99f8 2fa272d3 bac1dd40 48fdca47 725251d4 92bc3f28 8b901824"
        "7d3a7b3f ae6d30ca 227b2f67 29000024 4df58b94 a56e926b 61e99a5e 9936fcc0"
        "5b9b0b2d 3bb3f2a5 44bbe26d 8c681851 2900001c 00004004 c4db47cd 2018d8db"
        "0b3fea79 506359de 6edf219e 2900001c 00004005 0cf0afcc 889993a6 db06826a"
        "6ec13e03 4da195d3 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "29000008 00004022 00000008 00004014",
      .auth_req = {
        { "09307036 601e34d1 d6b373d8 56dbc68b 2e202308 00000001 0000011b 230000ff"
          "818f2e23 868f7ae0 094da160 b5373e9e c915a921 96cb7cbb 0dce5057 00e15b03"
          "748be7b8 29a0d456 90965f87 756cda3b f4951077 b0f21e4b 3d660198 9ec1f7ee"
          "276e4482 da7426a4 9420597a a9024a0a 73c957ca 0e0dba44 1499ffb9 916a3408"
          "bd291a35 adf31c8b 81586735 372b04fc b95e981a 9bf67ddf e610d8a7 de2be6a4"
          "64779232 e450e803 330bace3 59e38d77 8e6be167 2c42942f f5a05d0d 28f657bb"
          "885ba1db 8a3892d3 12d250da 5a802e73 f5b735db 5ee1b7de c70074f9 55f65861"
          "03ac47cb 6028fae6 1ea3218f a45c0bb7 7c7ad58f e207f204 1686e540 7ad5a726"
          "27a5839d 9a43bf3c e2f09005 e983e144 6f7c31ee 867c4168 a2f47b" },
        { "" } },
      .auth_resp = {
        { "09307036 601e34d1 d6b373d8 56dbc68b 2e202320 00000001 000000dc 240000c0"
          "088c6b60 6b3c3eba 9bf06100 833b2514 0ab9e695 0282a6ff 66337b6e ffd5d174"
          "13888a99 d2e4bca9 d27046d0 a934e4e3 db7a5d62 e9ee132e f3b492a0 37900c46"
          "463c4f30 15be6021 fbc636d5 ee1e1230 af8d0bac c55e5532 5d913079 70170d69"
          "8630cc92 08e0d71d 96218870 e2d8c103 3be82813 b4997427 9ff8c709 3a97bfea"
          "4d8fe1f1 1261594e 460bb9ae 7fd0f4f3 8c0c92e5 209a0b8e bbd1ef24 bc71c84e"
          "d4246953 fbd18998 937bb66d 942e9a8b b8d30904 62a7241c 0b672e02" },
        { "" } },
      .gir = "7de8ab4f 8a5a4924 a2051684 4d9e40a5 f3db0c48 58e895fd 1055a2f9 dcd11d65",
      .ike = {
        "4ed8ecf5 c2832097 fad52d8b c511f185 5d1394a1 048583cb d98c53dc dfe9dc60",
        "c33d803b 04ce6f2c 77c2c9ae 4bd1ff11 676e1e6e 7abbfcc3 e8395f0b e15500a2",
        NULL,
        NULL,
        "01ef1d1c b32d10fb 3c66a4a2 48deb1e2 f4b3c8e9",
        "23fd7192 2fbe352e 9cf62fae 499566db 8e4aa228",
        "f429c38b 281625ab c24bc20d b5fec473 f2b903e2 d8fe3d60 95f2b541 09329c19",
        "b5144bc4 8c0c795e 1632946d 967853d4 5fb23579 c4c61f3b 6bfd104b d7118fc9",
      },
      .child = {
        "7f531f2b ef7080aa 20483dd2 7f2bc5d3 2c051327",
        NULL,
        "9209ceaf 68278d16 d9de5c09 b91475db 8a1454da",
        NULL,
      },
    },
    {
      .name = "aes256gcm12-prfsha512-ecp521",
      .esp_proposal = "aes256gcm12", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_GCM_12, 256, IKE_INTEG_NONE,
              IKE_PRF_HMAC_SHA2_512, IKE_DH_ECP_521 },
      .esp_enc = "aes256-gcm12", .esp_auth = "auth-encryption",
      .init_req = "80ae2d34 acc36e43 00000000 00000000 21202208 00000000 0000014c 22000028"
        "00000024 01010003 0300000c 01000013 800e0100 03000008 02000007 00000008"
        "04000015 2800008c 00150000 0013552c 4e8b8dda 50da4c81 5ca50ae9 d0962835"
        "2030a1bc 96616e1c 589ae40e 21378477 49f8c4aa ba44a9d8 a46d29d2 c2fad8b5"
        "99f4a3b4 a7d28603 fdb65ae3 ca7201b2 42bc2c69 9c51d97f c8c405ca 2f21a81b"
        "32167d8c f24b1577 2e14f10b ee1db558 8ba2d21b 23b9662c c1f8da3e b397f98e"
        "a50d6959 4b44109e 3b55e2ed 2d8f632c 29000024 e77e86a5 85418e10 06e0dae1"
        "9f4b43fb 34e388ba 8446406d 9e21f0f2 9780925e 2900001c 00004004 138212ce"
        "af3409b1 971f25f9 5a9a0598 1fbeac50 2900001c 00004005 26dc1e96 d75032d0"
        "2dc18c44 f66ad01f 32311ae4 29000008 0000402e 29000010 0000402f 00020003"
        "00040005 00000008 00004016",
      .init_resp = "80ae2d34 acc36e43 3a28b174 e1e91305 21202220 00000000 00000154 22000028"
        "00000024 01010003 0300000c 01000013 800e0100 03000008 02000007 00000008"
        "04000015 2800008c 00150000 004aef95 34fb939c 9f23faa9 007b8901 256c75be"
        "0c77cf14 dacd1345 1ce30121 97d2a361 a767bb93 afecc2d0 1885bf2f 4e8e468e"
        "ef64f162 759664c4 46d7db06 b3bb0179 e4c5a63a a64c69bf 9d6d7c05 235fc006"
        "b36df628 a3b24d8c 42d7ed21 2c39cdda 3bcafaad d49a8753 ebbecce2 d0f07d94"
        "32b4149f ccd06731 a3e99304 06ef908b 29000024 53de9800 b40609dd 24cdace6"
        "c13a19e1 0fd433bd 667e951b 222122cd 14b78813 2900001c 00004004 8276f672"
        "5873ae32 91f521c5 486c255a 11e8466b 2900001c 00004005 c3996004 be10b5cb"
        "eb491048 5742ea28 7f1d2fc6 29000008 0000402e 29000010 0000402f 00020003"
        "00040005 29000008 00004022 00000008 00004014",
      .auth_req = {
        { "80ae2d34 acc36e43 3a28b174 e1e91305 2e202308 00000001 0000013f 23000123"
          "d0cf05b1 2146573d f29eb3d7 9af570de bd9aa21e bc5cea4f d165a20f 9e49dc21"
          "c8180a80 2417a615 4920df76 656b632f 76e53909 90e41c34 bea1138b 92735214"
          "d431b2cb 4d912d46 f29be572 5867dc41 4106e1d1 4fa1e85e 395c150e 6636a6e6"
          "1ff08c9a 6577d21b a2517600 c4212037 52ea0534 2f6665c4 60e6ebd5 b0320d16"
          "50051d9e ebbdeede f87c42f5 d918ed54 cc834e5b 8867bec1 fe418b18 38f37ba3"
          "e5c23158 e4e680e2 32124010 068d5f1b ee6bec38 5bc318fe d9be48bf cfa261ad"
          "9654e13a 73327704 2d90a821 b630b087 80329ce0 da470876 81fa5429 cfcd1ef3"
          "41e338c9 72658c45 8204c621 8ec38ad7 585a591d 30e598a9 a08fc21f 4fbcc3f2"
          "3b7f3b16 799a7af6 be34594b e4b4c76f c3a61475 ec52b1dc 06548a7d 32c108" },
        { "" } },
      .auth_resp = {
        { "80ae2d34 acc36e43 3a28b174 e1e91305 2e202320 00000001 00000100 240000e4"
          "368fbe79 99bf93bc b7ed4a75 024f667e 0cd52aab 550bb03d f60c7897 4703495c"
          "603a2c80 a1709781 6aa05110 76459b73 7c46de0b ed0ef19f cb30965a 9965ed6c"
          "844a7a6f d412f2c9 3f161c6c 331c313f 50358b92 76daa0cb e5e8ac7d e7cf64f8"
          "4ad0b0f2 98b57d36 1db4af13 4e59e10e 3f73714a e4eb754e 98bdfae9 9f8a01a5"
          "7c9ff779 ee8d9b91 40dd9a3a b5aebd9f 3b0cd087 10c3e4e3 ab8e3dfa 82069085"
          "0f26ec4a aef5b777 cf120bb9 c0c1336e d75384d7 d9813ed9 2e40be15 d7baf4cc"
          "2e5747c9 e6fe8979 b8c9a714 77615830 9b1c21f7 839ccd8c 3fe941be c1bb99ca" },
        { "" } },
      .gir = "01f10075 cd0a648b 81c54504 b4afb8d2 049186c2 39607bde 3a609847 194ad0f0"
        "d2f33167 6f2a6b07 e7304e7a fa0eba5e 78a59c54 aa7d8a35 0749635f 051bab49"
        "997a",
      .ike = {
        "c938df8f 537c1710 0392bd29 0dea3d68 0318491b 63ba91a9 3cc0f789 ad49c430"
        "29f20018 299e789f 8d038474 309f8101 390ad89d a37984da a5a135a4 6347d4d8",
        "6e79e8ab df07a8c0 f30ce0d8 81f2ea6c 158ec0ff 5040f5e9 cbffbbf8 19d35910"
        "edfbb9ba cf645230 1cb0da2b 5d5e917a 69586533 68344391 9e47c53e 8523305b",
        NULL,
        NULL,
        "5058d38a 80295c61 ff8d317d 08f93aab 0db3599f 6e6f9c88 f1136ad1 903f30c3"
        "81104dfa",
        "0815dc7c 284ccf50 307cc039 30e39da6 169b10f9 00d77732 d648d054 a49f9297"
        "84af49ae",
        "da2cf49a be1e7c1b ce3eabec 61bb4b6d 255ed357 7fb48b60 ee0e8b0d 7ce5c9fb"
        "c3e62ee2 eb2c3f7e a3ecc7b2 f2dd42cb 07558af7 ff660d20 21ef9d01 3f77f7c1",
        "33926040 4fc1b1ae f4ac07d8 11eaa356 c32699d1 f565edf5 e07901dd 4afcc8be"
        "13b7f846 4007a529 a3783df9 5ac72bed bbc1a971 8f209cc2 7bd11bcd 7fc7cb32",
      },
      .child = {
        "54dd74d1 2f42f8d3 13645024 badc0891 345a9298 1a77f2e7 1537bd24 a1dd975d"
        "2a765ae7",
        NULL,
        "fcab94b3 bdf16936 be557577 4ae3c549 3e896d22 89ba3924 b630c061 6c623fa9"
        "22660253",
        NULL,
      },
    },
    {
      .name = "aes192gcm16-prfsha1-modp4096",
      .esp_proposal = "aes192gcm16", .fragment_size = 1280,
      .tf = { IKE_ENCR_AES_GCM_16, 192, IKE_INTEG_NONE,
              IKE_PRF_HMAC_SHA1, IKE_DH_MODP_4096 },
      .esp_enc = "aes192-gcm16", .esp_auth = "auth-encryption",
      .init_req = "9b5e3cb1 23c35d27 00000000 00000000 21202208 00000000 000002c8 22000028"
        "00000024 01010003 0300000c 01000014 800e00c0 03000008 02000002 00000008"
        "04000010 28000208 00100000 433c05af a241b9af 66506f7e ac4c6647 3f6c95c5"
        "0edddb28 90c1961e cff430a0 88037ccb eef6a630 be097613 af0f6d30 81b40fc6"
        "fc49d943 0cdee69a 68f4e88f 5ca360a3 4bb7ac64 82f0466c a84ceeaa c876221c"
        "c22cf0ef 87111d5d 8b0ea414 8e8d5357 48ac9a03 9f729253 4c1acdb3 6ae22695"
        "2b9b3a4a e478be24 22cea535 58f7fd50 9a2a8baa a18ede6d cbff495d c9a1e3e7"
        "beb2f965 c99b7fd6 5895ecd6 8e9cfd42 79731e1d a9e7be4f ca77674a 4a2b807a"
        "4d9f9bd7 2422cb2e 19afd30e 671f3042 889bde51 b98f9f80 37df3b8a 1551905d"
        "c1294dfc 44d3ec21 8d94e6dd 364843d2 ab3463f7 58c4581e 70601cb7 22a29ab9"
        "7b5f3a44 c34c2b7c 631be72f 3d444c29 4f0ef4b9 229ec58c 0e683810 d739809e"
        "a2e8b411 d4aaf6aa b2b6e964 f4075039 c485a0dc faed7a12 2b0b1235 a67411eb"
        "41a66925 553ae7e3 b89f20b9 97ca0a83 2563393d 357c3f44 c1acf703 ce7e3d24"
        "c793a149 9090db78 b6b4873b 9491713f 8ab41b65 5f7fb64f df57c732 61cdd710"
        "42d52c14 d6c9a024 d3d4000b 2b391600 c2f595f1 bb4f2361 66119f7d fab244d7"
        "703f1c1d 9de01ae3 b3a55f09 8518e689 b44d3d83 4db5afb8 7ef05917 8742c0a5"
        "f8a77cd1 492b82b5 6ffb2982 a382a293 70dfb50c 11b3050d 8b107b1a 518fdfb7"
        "50f10b9b 248d260e 5e87c0b1 3c00b070 d3bff824 4b69a3a5 c50df9a6 3638bfb8"
        "ec3753ce 192e1d1f 8b5b87bb 29000024 1b8f9af1 2c93192a 2f752c45 85184621"
        "6a7c1b3d e05998bf 614a83bf f7990a24 2900001c 00004004 9a7e0ea3 44df597d"
        "0f56fa59 8f1ef5fd aca5edc5 2900001c 00004005 61494fe6 d8394da1 c1e846fa"
        "bf54179f aefddb16 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "00000008 00004016",
      .init_resp = "9b5e3cb1 23c35d27 7593e4fb e3df578b 21202220 00000000 000002d0 22000028"
        "00000024 01010003 0300000c 01000014 800e00c0 03000008 02000002 00000008"
        "04000010 28000208 00100000 c25d2ea6 d3ca6584 2af6c05c 03565f87 b4c25b76"
        "0739eac9 46a0ffa7 4fc0cea4 43542bc1 75c69ed4 905ddf75 ac5144f8 85981093"
        "d82494a9 d7e6d87b c55d5f4a 4c04eda5 e96a5190 379f097e 83cc333c c1cc6143"
        "6ae533be 298cc799 0ed052f1 d7f561fa f2d2eeab c5d8d24f d67b7dcd a4e55fb7"
        "8e197ff9 26276a3e 1bfa0e70 5849578e 43734925 81cf2f63 7ef102ff 0995cc2d"
        "d7c6ef03 19303e62 e4da922f f42a1d55 e56c485b f2679dc3 379eaa5b b1b68c85"
        "a81c80e5 c2f73f0f 6dd97d72 ee61350c 2a777e4f ea6ddb76 bdc7ced2 64d6b4ab"
        "c9e07b8c 6e7542c7 dcd6e508 877ff981 f23d4a5b 8b86a162 77e92d05 9f3acc59"
        "ae51718f 007453fe 6861112e aebbae3d aeeeff03 f18c0dad 36270c15 7eeb0ea8"
        "f81be5a8 131060d0 4b9454e1 c9d8cfe5 5d5ff7c6 67ba925e 3f7e0a8c 13fc7665"
        "574f48cc 02edef1c 9276bbf7 47b08060 2f4525b4 ce017076 cf40567f 7c24f8b1"
        "6436eb8d 7902ddf9 d0d9ca50 09e7eb98 efffdf4d 102299ce ce2da9dd fb698786"
        "7483cdb0 4c379834 6b290eb4 39a74bfe 6d8374ff ba78baa0 66e44f37 191cdaaa"
        "a9e8bbc9 a063c0f7 40f3401f 72cbe774 48113bb9 1e4b9ae9 65e99168 4cdc512c"
        "8d40f63e 3e0e2775 ded120d2 f31a44e7 2ffc65e9 5a1af146 50104f10 5484527d"
        "2828ab02 b868fb7c 38a7b1e0 785aa5ad 0db44aeb 2a6c2cb5 137b834b 16fb4da5"
        "fcb18488 ded4ea27 18f30d7e 29000024 34af9088 f210a15e 86cce3be e7396847"
        "e5ff4460 c338db52 56204486 2d6e2e80 2900001c 00004004 174043a4 b847856c"
        "08642d21 b265be2e 934a7638 2900001c 00004005 5bc3e17d b80040be 46c33f11"
        "b0619db2 c9be8be7 29000008 0000402e 29000010 0000402f 00020003 00040005"
        "29000008 00004022 00000008 00004014",
      .auth_req = {
        { "9b5e3cb1 23c35d27 7593e4fb e3df578b 2e202308 00000001 00000117 230000fb"
          "f97917af 82aaec2e 57bbed97 9ceae768 9c67239c 3a37fe1c 181c76d9 c3078b50"
          "3e2732fe 3df92a19 6e8ad153 1978ecf9 d272d55c ba6bd795 5df93c64 e8f7d06e"
          "fde3c9b9 5d16e086 9cab15cb 2d5a72e6 70015f16 72282a4c d8b430a0 9f1a94dc"
          "4930af35 dfbbfe99 b41f67d5 503751e1 106ae2fe ea8d004d 2bd7f7f2 2d6d1294"
          "f9c8bc1e 2cec03b4 c5b8f2a1 bf4a7d50 a52b15ab 709a49a5 327f1a6e deb505c9"
          "07f1c3f8 98878a2d 46369a3c b65d3d33 5da63dab 54559f72 a45b9685 7f21189c"
          "a8a2e712 603d0d3e f71e7f34 937180c3 f550f279 41742452 89c7142f 2ebec150"
          "30d3799c 7d9cd427 844145f0 5467420f 8349d3d5 4d31a1" },
        { "" } },
      .auth_resp = {
        { "9b5e3cb1 23c35d27 7593e4fb e3df578b 2e202320 00000001 000000d8 240000bc"
          "e3cd64e4 512fe7e1 462ce959 bd1111f6 3e378533 4ff50b74 885ac959 5de374ba"
          "58ca5e10 e22df6f9 2859d706 7db1f4b7 a7e882c5 00ec1093 12616391 90d6b28d"
          "0fa15d8a 279f244b 97ae8de0 fa52c9dc 9034a04b 109cbb08 218192e3 85ea48f4"
          "39b3e00e 415488e0 5a29a128 01be4ff5 1c5fc6a7 ceab04d0 14937611 7cf34f1b"
          "184e4cae 054b6f45 e67071db 509d1d6c 0095ac5d a7cfcdad 75befd69 ef53894d"
          "886cf35f 18bc212a 8f6e0ba7 a2f88354 c49fc207 dd3bb3a6" },
        { "" } },
      .gir = "eae988a6 5c74b919 a5ad567f 65d97bdc 3dfe7527 9b5ece75 07cbaab9 8dd2af35"
        "a85df535 11d9a2ed badb8d14 ca4d7be0 c5819d2f d67a65a3 65263a8b d7a7a3b5"
        "f6501e64 58794e01 5c3336c3 a8619bb5 cce269c7 e0d5f7f2 f36717f3 4f713853"
        "235e660d 7d128991 77da9cb6 84558e13 980c579d 3e429361 03cdb8e9 6e3d824b"
        "2395937b 777c2f0c 842582fb b146e5b1 d4a26034 a324a822 83338825 00722ccf"
        "66dc388a 0b960e54 72ad7a18 26999f73 e78272a5 139e49f2 be367c62 9ec45f06"
        "15deca95 eb9d76dc f5139faf 1e0d194c 338c9034 9d04ba16 83d8b3f6 55040cff"
        "189f98a6 2f36900b 86d4ffc1 43d59b5c dc3c4af6 5e39ebc9 81f202d2 c821434f"
        "c18e8491 7f00fc22 23133bfa 6ba6c15e 8bb685e4 4b75e12a 2cc0f35f 85795e04"
        "70c23bbd 8332c0d5 d0171693 05f9a8d7 1bba4336 c7a788de 5a7ebfef a35a16a1"
        "a39cf5fe 4d50362b d2dbac1c d351de4d e232cb66 9be4cfa9 c95459d3 24dd984c"
        "71e8457b b6f022e9 cbf64e5e b1f7f0a9 bcbb16a4 2a617f0b 2d377983 e0a1e363"
        "70720d49 4ec4f34b 8e618e9e f5823f29 46c14cae 1dab2adc 16cc828f bf5b20f4"
        "82eb146d ea0a2794 30a8d3aa 53c4dd07 d8eabdcc 4ab2d21f 26a2d32a 9c44d01b"
        "c686d3cc 46a40f62 e1b4a3fb 9db7d76d 4c26911b ef622b5f 22d0333d b17f0d28"
        "828b63e2 d2a92c6f b393724a 16cfc1d6 16813a41 bd33714d a99b1d70 578ab935",
      .ike = {
        "81afe782 fe529a8f fd7cbe62 3c966a83 72e74555",
        "45b66a2d 07994d95 242cd258 a26de483 e8fe8a9e",
        NULL,
        NULL,
        "d79d160a cd9fda56 a524cda2 f21dfedc 56e7b937 e493f651 2e741e4e",
        "2029b9dd 1202f816 195854f7 2fa12e72 9a3634ca f30b859d 284127a8",
        "be83ac5f 28afc678 09be3f7a 856f13b5 f891f3c7",
        "971f9c38 114399c9 1580e803 74b2246e 3f884adb",
      },
      .child = {
        "a4444a8e 3b13f654 01addce4 abf61c2d 3c50d542 88721c29 1bee6aff",
        NULL,
        "ccda1cf2 d7892c08 1606ab61 f1c4cfa0 386d92fd 4add64f4 4db27e05",
        NULL,
      },
    },
};

#endif

/* ESP transforms as SR OS names them (ipsec-transform esp-encryption-
 * algorithm / esp-auth-algorithm): what cpm validates and the ISA's ESP
 * engine (isa/esp.c) runs. */
#ifndef SRLAB_ESP_TRANSFORM_H
#define SRLAB_ESP_TRANSFORM_H

#include <stddef.h>

enum esp_cipher {
    ESP_CIPHER_NULL,           /* RFC 2410 */
    ESP_CIPHER_AES_CBC,        /* RFC 3602 */
    ESP_CIPHER_AES_GCM,        /* RFC 4106 */
    ESP_CIPHER_NULL_GMAC,      /* RFC 4543: integrity only */
};

enum esp_integ {
    ESP_INTEG_NONE,
    ESP_INTEG_MD5_96,          /* RFC 2403 */
    ESP_INTEG_SHA1_96,         /* RFC 2404 */
    ESP_INTEG_SHA256_128,      /* RFC 4868 */
    ESP_INTEG_SHA384_192,
    ESP_INTEG_SHA512_256,
    ESP_INTEG_XCBC_96,         /* RFC 3566 */
    ESP_INTEG_AEAD,            /* the cipher's own ICV (GCM, GMAC) */
};

struct esp_transform {
    enum esp_cipher cipher;
    unsigned key_bits;         /* AES 128/192/256; 0 for null */
    enum esp_integ integ;
    unsigned icv_len;          /* bytes of ICV on the wire */
};

/* SR OS names (esp-encryption-algorithm, esp-auth-algorithm) to a
 * transform; -1 with the reason for refused or inconsistent pairs. */
int esp_transform_parse(const char *encryption, const char *auth, struct esp_transform *t,
                        char *err, size_t errlen);
/* Key lengths in bytes. GCM and GMAC keys include the 4-byte salt
 * (RFC 4106 8.1, RFC 4543 3.2). */
size_t esp_enc_key_len(const struct esp_transform *t);
size_t esp_auth_key_len(const struct esp_transform *t);
/* Wireshark's esp_sa table names for the transform's two halves. */
const char *esp_wireshark_encryption(const struct esp_transform *t);
const char *esp_wireshark_auth(const struct esp_transform *t);

#endif

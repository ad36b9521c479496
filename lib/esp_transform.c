/* SR OS ESP algorithm names to transforms, key lengths, and the names
 * Wireshark's esp_sa table uses for them. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "esp_transform.h"

int esp_transform_parse(const char *enc, const char *auth, struct esp_transform *t, char *err,
                        size_t errlen)
{
    memset(t, 0, sizeof *t);
    unsigned bits = 0, icv = 0;
    /* exact names only: aesN, aesN-gcmI, null-aesN-gmac, null */
    static const unsigned sizes[] = { 128, 192, 256 }, icvs[] = { 8, 12, 16 };
    char name[32];
    bool found = false;
    if (strcmp(enc, "null") == 0) {
        t->cipher = ESP_CIPHER_NULL;
        found = true;
    } else if (strcmp(enc, "des") == 0 || strcmp(enc, "3des") == 0) {
        snprintf(err, errlen, "esp-encryption-algorithm %s is not supported by srlab "
                 "(RFC 8221: MUST NOT / SHOULD NOT); use aes128 or stronger", enc);
        return -1;
    }
    for (int b = 0; b < 3 && !found; b++) {
        snprintf(name, sizeof name, "aes%u", sizes[b]);
        if (strcmp(enc, name) == 0) {
            t->cipher = ESP_CIPHER_AES_CBC;
            bits = sizes[b];
            found = true;
        }
        snprintf(name, sizeof name, "null-aes%u-gmac", sizes[b]);
        if (strcmp(enc, name) == 0) {
            t->cipher = ESP_CIPHER_NULL_GMAC;
            bits = sizes[b];
            icv = 16; /* RFC 4543 3.4: always 16 octets */
            found = true;
        }
        for (int i = 0; i < 3 && !found; i++) {
            snprintf(name, sizeof name, "aes%u-gcm%u", sizes[b], icvs[i]);
            if (strcmp(enc, name) == 0) {
                t->cipher = ESP_CIPHER_AES_GCM;
                bits = sizes[b];
                icv = icvs[i];
                found = true;
            }
        }
    }
    if (!found)
        goto bad_enc;
    t->key_bits = bits;
    bool aead = t->cipher == ESP_CIPHER_AES_GCM || t->cipher == ESP_CIPHER_NULL_GMAC;
    static const struct { const char *name; enum esp_integ integ; unsigned icv; } auths[] = {
        { "null", ESP_INTEG_NONE, 0 },          { "md5", ESP_INTEG_MD5_96, 12 },
        { "sha1", ESP_INTEG_SHA1_96, 12 },      { "sha256", ESP_INTEG_SHA256_128, 16 },
        { "sha384", ESP_INTEG_SHA384_192, 24 }, { "sha512", ESP_INTEG_SHA512_256, 32 },
        { "aes-xcbc", ESP_INTEG_XCBC_96, 12 },  { "auth-encryption", ESP_INTEG_AEAD, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof auths / sizeof auths[0]; i++)
        if (strcmp(auth, auths[i].name) == 0)
            break;
    if (i == sizeof auths / sizeof auths[0]) {
        snprintf(err, errlen, "unknown esp-auth-algorithm %s", auth);
        return -1;
    }
    if (aead != (auths[i].integ == ESP_INTEG_AEAD)) {
        snprintf(err, errlen, aead ? "esp-encryption-algorithm %s needs esp-auth-algorithm auth-encryption"
                                   : "esp-auth-algorithm auth-encryption needs a gcm or gmac "
                                     "esp-encryption-algorithm, not %s", enc);
        return -1;
    }
    if (t->cipher == ESP_CIPHER_NULL && auths[i].integ == ESP_INTEG_NONE) {
        snprintf(err, errlen, "esp-encryption-algorithm null with esp-auth-algorithm null protects "
                 "nothing (RFC 4303 3.2)");
        return -1;
    }
    t->integ = auths[i].integ;
    t->icv_len = aead ? icv : auths[i].icv;
    return 0;
bad_enc:
    snprintf(err, errlen, "unknown esp-encryption-algorithm %s", enc);
    return -1;
}

size_t esp_enc_key_len(const struct esp_transform *t)
{
    size_t k = t->key_bits / 8;
    return t->cipher == ESP_CIPHER_AES_GCM || t->cipher == ESP_CIPHER_NULL_GMAC ? k + 4 : k;
}

size_t esp_auth_key_len(const struct esp_transform *t)
{
    static const size_t len[] = { [ESP_INTEG_MD5_96] = 16,     [ESP_INTEG_SHA1_96] = 20,
                                  [ESP_INTEG_SHA256_128] = 32, [ESP_INTEG_SHA384_192] = 48,
                                  [ESP_INTEG_SHA512_256] = 64, [ESP_INTEG_XCBC_96] = 16 };
    return (unsigned)t->integ < sizeof len / sizeof len[0] ? len[t->integ] : 0;
}

const char *esp_wireshark_encryption(const struct esp_transform *t)
{
    switch (t->cipher) {
    case ESP_CIPHER_AES_CBC:
        return "AES-CBC [RFC3602]";
    case ESP_CIPHER_AES_GCM:
        return t->icv_len == 8    ? "AES-GCM with 8 octet ICV [RFC4106]"
               : t->icv_len == 12 ? "AES-GCM with 12 octet ICV [RFC4106]"
                                  : "AES-GCM with 16 octet ICV [RFC4106]";
    default:                   /* GMAC: Wireshark 4.0 has no ENCR_NULL_AUTH_AES_GMAC */
        return "NULL";
    }
}

const char *esp_wireshark_auth(const struct esp_transform *t)
{
    switch (t->integ) {
    case ESP_INTEG_MD5_96:
        return "HMAC-MD5-96 [RFC2403]";
    case ESP_INTEG_SHA1_96:
        return "HMAC-SHA-1-96 [RFC2404]";
    case ESP_INTEG_SHA256_128:
        return "HMAC-SHA-256-128 [RFC4868]";
    case ESP_INTEG_SHA384_192:
        return "HMAC-SHA-384-192 [RFC4868]";
    case ESP_INTEG_SHA512_256:
        return "HMAC-SHA-512-256 [RFC4868]";
    case ESP_INTEG_XCBC_96:
        return "ANY 96 bit authentication [no checking]";
    case ESP_INTEG_AEAD:
        return t->cipher == ESP_CIPHER_NULL_GMAC ? "ANY 128 bit authentication [no checking]" : "NULL";
    default:
        return "NULL";
    }
}

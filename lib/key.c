#include "key.h"

#include <string.h>
#include <sys/socket.h>

static char *put_hex(char *w, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *w++ = digits[b[i] >> 4];
        *w++ = digits[b[i] & 15];
    }
    return w;
}

static char *put_name(char *w, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(w, s, n);
    w[n] = '|';
    return w + n + 1;
}

void key_private(char k[KEY_PRIVATE_LEN], uint32_t svc, const char *interface, const char *tunnel)
{
    uint8_t s[4] = { (uint8_t)(svc >> 24), (uint8_t)(svc >> 16), (uint8_t)(svc >> 8), (uint8_t)svc };
    char *w = put_hex(k, s, 4);
    w = put_name(w, interface, KEY_NAME_MAX);
    w = put_name(w, tunnel ? tunnel : "", KEY_NAME_MAX);
    *w = 0;
}

void key_addrs(char k[KEY_ADDRS_LEN], int family, const uint8_t *local, const uint8_t *remote,
               int proto)
{
    size_t n = family == AF_INET6 ? 16 : 4;
    k[0] = family == AF_INET6 ? '6' : '4';
    char *w = put_hex(k + 1, local, n);
    w = put_hex(w, remote, n);
    if (proto >= 0) {
        uint8_t p = (uint8_t)proto;
        w = put_hex(w, &p, 1);
    }
    *w = 0;
}

/* Byte strings for the unit tests: test vectors written as hex the way
 * RFCs print them, and comparisons that say where the bytes part. A test
 * may set BYTES_MAX before including this. */
#ifndef SRLAB_TEST_BYTES_H
#define SRLAB_TEST_BYTES_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef BYTES_MAX
#define BYTES_MAX 8192
#endif

struct bytes {
    size_t n;
    uint8_t b[BYTES_MAX];
};

/* Hex to bytes (NULL: none); spaces and line breaks are ignored. */
static inline struct bytes hex(const char *s)
{
    struct bytes r = { 0 };
    int hi = -1;
    for (; s && *s; s++) {
        int v;
        if (*s == ' ' || *s == '\n')
            continue;
        if (*s >= '0' && *s <= '9')
            v = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F')
            v = *s - 'A' + 10;
        else
            cr_assert_fail("bad hex digit '%c'", *s);
        if (hi < 0) {
            hi = v;
        } else {
            cr_assert_lt(r.n, sizeof r.b);
            r.b[r.n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    cr_assert_eq(hi, -1, "odd number of hex digits");
    return r;
}

static inline void append(struct bytes *d, const uint8_t *p, size_t n)
{
    cr_assert_leq(d->n + n, sizeof d->b);
    memcpy(d->b + d->n, p, n);
    d->n += n;
}

static inline void append_hex(struct bytes *d, const char *s)
{
    struct bytes h = hex(s);
    append(d, h.b, h.n);
}

static inline void tohex(char *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", p[i]);
    s[2 * n] = 0;
}

/* Fails the test, naming the first byte that differs, unless equal. */
static inline bool expect_bytes(const char *what, const uint8_t *got, size_t glen, const uint8_t *want,
                                size_t wlen)
{
    if (glen == wlen && memcmp(got, want, glen) == 0)
        return true;
    size_t i = 0;
    while (i < glen && i < wlen && got[i] == want[i])
        i++;
    char g[65], w[65];
    tohex(g, got + i, glen - i < 32 ? glen - i : 32);
    tohex(w, want + i, wlen - i < 32 ? wlen - i : 32);
    cr_expect_fail("%s: %zu bytes, want %zu; from byte %zu got %s, want %s", what, glen, wlen, i, g,
                   w);
    return false;
}

#endif

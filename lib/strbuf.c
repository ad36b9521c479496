#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *sb)
{
    sb->s = NULL;
    sb->len = sb->cap = 0;
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *s = realloc(sb->s, cap);
    if (!s)
        abort(); /* out of memory: nothing sensible to do */
    sb->s = s;
    sb->cap = cap;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    sb_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void sb_puts(struct strbuf *sb, const char *s)
{
    size_t n = strlen(s);
    sb_grow(sb, n);
    memcpy(sb->s + sb->len, s, n + 1);
    sb->len += n;
}

void sb_putc(struct strbuf *sb, char c)
{
    sb_grow(sb, 1);
    sb->s[sb->len++] = c;
    sb->s[sb->len] = 0;
}

void sb_repeat(struct strbuf *sb, char c, int n)
{
    if (n <= 0)
        return;
    sb_grow(sb, (size_t)n);
    memset(sb->s + sb->len, c, (size_t)n);
    sb->len += (size_t)n;
    sb->s[sb->len] = 0;
}

char *sb_take(struct strbuf *sb)
{
    char *s = sb->s ? sb->s : strdup("");
    sb_init(sb);
    return s;
}

void sb_free(struct strbuf *sb)
{
    free(sb->s);
    sb_init(sb);
}

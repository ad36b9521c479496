/* A growable string, for building show output, configs and logs. */
#ifndef SRLAB_STRBUF_H
#define SRLAB_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *s;
    size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_repeat(struct strbuf *sb, char c, int n);
/* Hands over the string (never NULL) and resets sb. */
char *sb_take(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif

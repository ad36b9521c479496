/* Pieces every SR OS-style table shares: 79-column rules and titles. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpm.h"

void show_rule(struct strbuf *out, char c)
{
    sb_repeat(out, c, 79);
    sb_putc(out, '\n');
}

void show_title(struct strbuf *out, const char *title)
{
    show_rule(out, '=');
    sb_printf(out, "%s\n", title);
    show_rule(out, '=');
}

void show_row(struct strbuf *out, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\n'))
        line[--n] = 0;
    sb_puts(out, line);
    sb_putc(out, '\n');
}

/* Pieces every SR OS-style table shares: 79-column rules and titles. */
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

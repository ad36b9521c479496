#include "json.h"

#include <stdio.h>

void json_init(struct json *j)
{
    sb_init(&j->sb);
    j->depth = 0;
    j->first[0] = true;
}

static void put_string(struct json *j, const char *s)
{
    sb_putc(&j->sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sb_puts(&j->sb, "\\\""); break;
        case '\\': sb_puts(&j->sb, "\\\\"); break;
        case '\n': sb_puts(&j->sb, "\\n"); break;
        case '\t': sb_puts(&j->sb, "\\t"); break;
        case '\r': sb_puts(&j->sb, "\\r"); break;
        default:
            if (*p < 0x20)
                sb_printf(&j->sb, "\\u%04x", *p);
            else
                sb_putc(&j->sb, (char)*p);
        }
    }
    sb_putc(&j->sb, '"');
}

static void member(struct json *j, const char *key)
{
    if (!j->first[j->depth])
        sb_putc(&j->sb, ',');
    j->first[j->depth] = false;
    if (key) {
        put_string(j, key);
        sb_putc(&j->sb, ':');
    }
}

static void open_(struct json *j, const char *key, char c)
{
    member(j, key);
    sb_putc(&j->sb, c);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
    j->close[j->depth] = c == '{' ? '}' : ']';
}

void json_obj(struct json *j, const char *key) { open_(j, key, '{'); }
void json_arr(struct json *j, const char *key) { open_(j, key, '['); }

void json_end(struct json *j)
{
    if (j->depth == 0)
        return;
    sb_putc(&j->sb, j->close[j->depth]);
    j->depth--;
}

void json_str(struct json *j, const char *key, const char *val)
{
    member(j, key);
    if (val)
        put_string(j, val);
    else
        sb_puts(&j->sb, "null");
}

void json_int(struct json *j, const char *key, int64_t val)
{
    member(j, key);
    sb_printf(&j->sb, "%lld", (long long)val);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
    member(j, key);
    sb_printf(&j->sb, "%llu", (unsigned long long)val);
}

void json_bool(struct json *j, const char *key, bool val)
{
    member(j, key);
    sb_puts(&j->sb, val ? "true" : "false");
}

char *json_take(struct json *j)
{
    sb_putc(&j->sb, '\n');
    return sb_take(&j->sb);
}

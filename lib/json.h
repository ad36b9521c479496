/* A small JSON writer for show commands' --json forms and srlab status. */
#ifndef SRLAB_JSON_H
#define SRLAB_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

#define JSON_MAX_DEPTH 64 /* deeper nesting is a programming error */

struct json {
    struct strbuf sb;
    int depth;
    bool first[JSON_MAX_DEPTH];
    char close[JSON_MAX_DEPTH];
};

void json_init(struct json *j);
/* key is NULL inside arrays and at the top level */
void json_obj(struct json *j, const char *key);
void json_arr(struct json *j, const char *key);
void json_end(struct json *j);       /* closes the innermost object or array */
void json_str(struct json *j, const char *key, const char *val); /* NULL -> null */
void json_int(struct json *j, const char *key, int64_t val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
char *json_take(struct json *j);     /* the text, with a final newline */

#endif

/* Applying SR OS classic CLI configuration text to the tree, inside a
 * transaction: contexts, create, exit / exit all, no, [no] shutdown. */
#ifndef SRLAB_CPM_CONFIG_PARSE_H
#define SRLAB_CPM_CONFIG_PARSE_H

#include "config.h"

#define CLI_MAX_TOKENS 64
#define CLI_MAX_LINE 4096

struct cfg_error {
    int line;                  /* 1-based line of the offending input; 0 if none */
    char word[64];             /* the offending word */
    char reason[384];
};

void cfg_error_set(struct cfg_error *e, int line, const char *word, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "line 12: 'mda-type': reason" */
void cfg_error_format(const struct cfg_error *e, char *out, size_t outlen);

/* Applies one line in *ctx (NULL: outside `configure`); moves *ctx as the
 * CLI does. Lines that are not configuration (show, admin, ...) are
 * refused with an error: the CLI handles those before calling this. */
int cfg_apply_line(struct cfg_txn *txn, struct cfg_node **ctx, const char *line, int lineno,
                   struct cfg_error *err);
int cfg_apply_tokens(struct cfg_txn *txn, struct cfg_node **ctx, const struct token *toks,
                     int ntoks, int lineno, struct cfg_error *err);

/* Applies a whole text (a file) line by line from outside `configure`.
 * Stops at the first error. */
int cfg_apply_text(struct cfg_txn *txn, const char *text, struct cfg_error *err);

/* The CLI prompt path of a context: "config>service>vprn". */
void cfg_context_path(const struct cfg_node *ctx, char *out, size_t outlen);

#endif

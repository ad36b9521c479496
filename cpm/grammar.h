/* Argument grammars of SR OS classic CLI commands.
 *
 * Each command in the schema (config_schema.c) describes what follows its
 * keyword in a small notation, compiled once at start-up:
 *   word            a literal keyword
 *   <name:type>     a parameter; type is a range "1..16", an enum "a|b|c",
 *                   or a named type: str, name, ipv4, ipv6, ip, prefix4,
 *                   prefix6, prefix, net4, net6, net, port, mda, sap, hex,
 *                   dscp, word (one unquoted token), or "@catalogue" (card-type, mda-type)
 *   [ ... ]         optional; a run of optional groups matches in any order
 *   { a | b c }     one of the alternatives
 * A match records the parameters (canonical text, by name) and which
 * literals, options and alternatives matched, so a command prints back
 * exactly as display-config should show it. */
#ifndef SRLAB_GRAMMAR_H
#define SRLAB_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRAMMAR_MAX_ELEMS 64   /* per command: hits are a 64-bit mask */
#define GRAMMAR_MAX_PARAMS 12
#define GRAMMAR_MAX_VALUE 256

enum gel_kind { G_LIT, G_PARAM, G_OPT, G_ALT, G_SEQ };

enum ptype {
    P_INT, P_ENUM, P_STR, P_NAME, P_IPV4, P_IPV6, P_IP, P_PREFIX4, P_PREFIX6, P_PREFIX,
    P_NET4, P_NET6, P_NET, P_PORT, P_MDA, P_SAP, P_HEX, P_DSCP, P_WORD, P_CATALOGUE,
};

struct gel {
    enum gel_kind kind;
    int id;                    /* bit in match.hits */
    char *text;                /* literal word, or parameter name */
    enum ptype ptype;
    int64_t lo, hi;            /* P_INT */
    char **enums;              /* P_ENUM: NULL-terminated; P_CATALOGUE: name in text2 */
    char *catalogue;
    struct gel **kids;
    int nkids;
};

struct grammar {
    struct gel *root;          /* a G_SEQ */
    int nelems;
    char *params[GRAMMAR_MAX_PARAMS]; /* parameter names in grammar order */
    int nparams;
};

struct gmatch {
    uint64_t hits;
    int nvals;
    const char *names[GRAMMAR_MAX_PARAMS];
    char vals[GRAMMAR_MAX_PARAMS][GRAMMAR_MAX_VALUE];
};

/* A token of a command line. quoted tokens never match keywords. */
struct token {
    const char *text;
    bool quoted;
};

/* Compiles spec (NULL or "" for no arguments). Returns NULL and an error in
 * err for a malformed spec (a programming error in the schema). */
struct grammar *grammar_compile(const char *spec, char *err, size_t errlen);
void grammar_free(struct grammar **g);

/* Matches as many tokens as the grammar allows, from toks[0]. Returns the
 * number consumed, or -1 when the tokens cannot start a match at all; then
 * err holds the reason and *bad the index of the offending token. A match
 * that stops early leaves the rest to the caller (child commands). */
int grammar_match(const struct grammar *g, const struct token *toks, int ntoks,
                  struct gmatch *m, char *err, size_t errlen, int *bad);

/* Validates and canonicalises one value of a parameter type. */
int grammar_check_value(const struct gel *param, const char *in, char *out, size_t outlen,
                        char *err, size_t errlen);

/* Prints the matched arguments back in canonical order, with a leading
 * space before each token; strings are quoted when needed. */
void grammar_print(const struct grammar *g, const struct gmatch *m, char *out, size_t outlen);

/* The keyword of literal element id inside an optional group (a header
 * keyword like `tunnel`), or NULL. */
const char *grammar_lit_name(const struct grammar *g, int id);

/* The parameter element called name, or NULL. */
const struct gel *grammar_param(const struct grammar *g, const char *name);

const char *gmatch_get(const struct gmatch *m, const char *name);
bool gmatch_hit_word(const struct grammar *g, const struct gmatch *m, const char *word);
void gmatch_set(struct gmatch *m, const char *name, const char *value);

/* Appends s to out as a CLI token, quoted when it must be. */
void cli_quote(const char *s, char *out, size_t outlen);

/* Catalogue lookup used by P_CATALOGUE parameters (config_hw.c). */
bool catalogue_has(const char *catalogue, const char *value);
const char *catalogue_list(const char *catalogue);
int ip_protocol_number(const char *name_or_number);
/* A DSCP name (be, ef, afXY, csN, nc1, nc2) or number as its value. */
int dscp_value(const char *name_or_number);

#endif

/* libFuzzer target for cpm/grammar.c and cli_tokenize(): the input is one
 * CLI line, tokenized, and every token checked as a value of every
 * parameter type. A canonical value must be a fixed point (checking it again
 * gives it back), or display-config would not print back what it loaded.
 * The tokens are also matched against a few schema grammars, and what
 * matched must print, re-tokenize and match to the same text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_parse.h"
#include "grammar.h"

static const char *const value_specs[] = {
    "<v:1..4094>", "<v:0..4294967295>", "<v:access|network|hybrid>", "<v:str>", "<v:name>",
    "<v:ipv4>", "<v:ipv6>", "<v:ip>", "<v:prefix4>", "<v:prefix6>", "<v:prefix>", "<v:net4>",
    "<v:net6>", "<v:net>", "<v:port>", "<v:mda>", "<v:sap>", "<v:hex>", "<v:dscp>", "<v:word>",
    "<v:@card-type>", "<v:@mda-type>", "<v:@ip-protocol>",
};
#define NVALUE (sizeof value_specs / sizeof value_specs[0])

static const char *const match_specs[] = {
    "<id:1..2147483647> [name <name:name>] [customer <customer:1..2147483647>]",
    "<id:1..16> [isa-scale-mode <mode:tunnel-limit-2k|tunnel-limit-32k|tunnel-limit-64k>]",
    "<name:name> [tunnel]",
    "[<ms:100..5000>]",
    "{ <a:ipv4> | <p:prefix6> mtu <m:512..9800> } [<d:dscp>] [key <k:hex>] [<w:word>]",
};
#define NMATCH (sizeof match_specs / sizeof match_specs[0])

static struct grammar *value_g[NVALUE], *match_g[NMATCH];

static struct grammar *compile(const char *spec)
{
    char err[256];
    struct grammar *g = grammar_compile(spec, err, sizeof err);
    if (!g) {
        fprintf(stderr, "grammar_compile(\"%s\"): %s\n", spec, err);
        abort();
    }
    return g;
}

static void check_values(const char *tok)
{
    /* heap buffers of the callers' sizes, so ASan sees any overrun */
    char *out = malloc(GRAMMAR_MAX_VALUE), *again = malloc(GRAMMAR_MAX_VALUE);
    char *err = malloc(256);
    for (size_t i = 0; i < NVALUE; i++) {
        const struct gel *e = grammar_param(value_g[i], "v");
        if (grammar_check_value(e, tok, out, GRAMMAR_MAX_VALUE, err, 256) != 0)
            continue;
        if (grammar_check_value(e, out, again, GRAMMAR_MAX_VALUE, err, 256) != 0 ||
            strcmp(out, again) != 0) {
            fprintf(stderr, "fuzz_grammar: %s: '%s' -> '%s' is not canonical ('%s')\n",
                    value_specs[i], tok, out, again);
            abort();
        }
    }
    free(out);
    free(again);
    free(err);
}

/* Matched arguments printed as CLI text must read back to the same match. */
static void check_match(const struct grammar *g, const char *spec, const struct token *toks,
                        int n)
{
    struct gmatch m, m2;
    char err[256], printed[1024], reprinted[1024], buf[CLI_MAX_LINE];
    struct token t2[CLI_MAX_TOKENS];
    int bad;
    int used = grammar_match(g, toks, n, &m, err, sizeof err, &bad);
    if (used < 0)
        return;
    grammar_print(g, &m, printed, sizeof printed);
    int n2 = cli_tokenize(printed, buf, sizeof buf, t2, CLI_MAX_TOKENS, err, sizeof err);
    if (n2 < 0 || grammar_match(g, t2, n2, &m2, err, sizeof err, &bad) != n2) {
        fprintf(stderr, "fuzz_grammar: '%s': printed '%s' does not match again: %s\n", spec,
                printed, err);
        abort();
    }
    grammar_print(g, &m2, reprinted, sizeof reprinted);
    if (strcmp(printed, reprinted) != 0) {
        fprintf(stderr, "fuzz_grammar: '%s': '%s' reprints as '%s'\n", spec, printed,
                reprinted);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!value_g[0]) {
        for (size_t i = 0; i < NVALUE; i++)
            value_g[i] = compile(value_specs[i]);
        for (size_t i = 0; i < NMATCH; i++)
            match_g[i] = compile(match_specs[i]);
    }
    char *line = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = 0;

    /* a tight buffer whose size the first byte picks, then the callers' */
    size_t small = size ? 1 + data[0] % 64 : 1;
    char *buf = malloc(small), err[256];
    struct token toks[CLI_MAX_TOKENS];
    cli_tokenize(line, buf, small, toks, CLI_MAX_TOKENS, err, sizeof err);
    free(buf);
    buf = malloc(size + 2); /* it keeps one byte spare after the last NUL */
    int n = cli_tokenize(line, buf, size + 2, toks, CLI_MAX_TOKENS, err, sizeof err);
    for (int i = 0; i < n; i++)
        check_values(toks[i].text);
    for (size_t i = 0; i < NMATCH && n >= 0; i++)
        check_match(match_g[i], match_specs[i], toks, n);
    free(buf);
    free(line);
    return 0;
}

/* Compiles and matches the argument grammars of CLI commands (grammar.h). */
#include "grammar.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- compiling a spec ------------------------------------------------- */

struct spec_lexer {
    const char *s;
    size_t pos;
    struct grammar *g;
    char *err;
    size_t errlen;
};

static struct gel *gel_new(struct spec_lexer *lx, enum gel_kind kind)
{
    struct gel *e = calloc(1, sizeof *e);
    e->kind = kind;
    e->id = lx->g->nelems++;
    return e;
}

static void gel_free(struct gel *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nkids; i++)
        gel_free(e->kids[i]);
    free(e->kids);
    if (e->enums)
        for (char **p = e->enums; *p; p++)
            free(*p);
    free(e->enums);
    free(e->text);
    free(e->catalogue);
    free(e);
}

static void gel_add(struct gel *parent, struct gel *kid)
{
    parent->kids = realloc(parent->kids, sizeof *parent->kids * (size_t)(parent->nkids + 1));
    parent->kids[parent->nkids++] = kid;
}

static void lx_skip(struct spec_lexer *lx)
{
    while (lx->s[lx->pos] == ' ')
        lx->pos++;
}

static const struct {
    const char *name;
    enum ptype type;
} named_types[] = {
    { "str", P_STR },       { "name", P_NAME },     { "ipv4", P_IPV4 },   { "ipv6", P_IPV6 },
    { "ip", P_IP },         { "prefix4", P_PREFIX4 }, { "prefix6", P_PREFIX6 },
    { "prefix", P_PREFIX }, { "net4", P_NET4 },     { "net6", P_NET6 },   { "net", P_NET },
    { "port", P_PORT },     { "mda", P_MDA },       { "sap", P_SAP },     { "hex", P_HEX },
    { "dscp", P_DSCP },     { "word", P_WORD },
};

static int parse_param_type(struct spec_lexer *lx, struct gel *e, const char *type)
{
    long long lo, hi;
    int n = 0;
    if (sscanf(type, "%lld..%lld%n", &lo, &hi, &n) == 2 && type[n] == 0) {
        e->ptype = P_INT;
        e->lo = lo;
        e->hi = hi;
        return 0;
    }
    if (type[0] == '@') {
        e->ptype = P_CATALOGUE;
        e->catalogue = strdup(type + 1);
        return 0;
    }
    for (size_t i = 0; i < sizeof named_types / sizeof named_types[0]; i++) {
        if (strcmp(type, named_types[i].name) == 0) {
            e->ptype = named_types[i].type;
            return 0;
        }
    }
    if (strchr(type, '|')) {
        e->ptype = P_ENUM;
        size_t count = 1;
        for (const char *p = type; *p; p++)
            count += *p == '|';
        e->enums = calloc(count + 1, sizeof *e->enums);
        char *copy = strdup(type), *save = NULL;
        size_t i = 0;
        for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save))
            e->enums[i++] = strdup(t);
        free(copy);
        return 0;
    }
    snprintf(lx->err, lx->errlen, "unknown parameter type '%s'", type);
    return -1;
}

static struct gel *parse_seq(struct spec_lexer *lx);

static struct gel *parse_item(struct spec_lexer *lx)
{
    lx_skip(lx);
    char c = lx->s[lx->pos];
    if (c == '[') {
        lx->pos++;
        struct gel *opt = gel_new(lx, G_OPT);
        struct gel *seq = parse_seq(lx);
        if (!seq) {
            gel_free(opt);
            return NULL;
        }
        gel_add(opt, seq);
        lx_skip(lx);
        if (lx->s[lx->pos] != ']') {
            snprintf(lx->err, lx->errlen, "missing ']' at %zu", lx->pos);
            gel_free(opt);
            return NULL;
        }
        lx->pos++;
        return opt;
    }
    if (c == '{') {
        lx->pos++;
        struct gel *alt = gel_new(lx, G_ALT);
        for (;;) {
            struct gel *seq = parse_seq(lx);
            if (!seq) {
                gel_free(alt);
                return NULL;
            }
            gel_add(alt, seq);
            lx_skip(lx);
            if (lx->s[lx->pos] == '|') {
                lx->pos++;
                continue;
            }
            if (lx->s[lx->pos] == '}') {
                lx->pos++;
                return alt;
            }
            snprintf(lx->err, lx->errlen, "missing '}' at %zu", lx->pos);
            gel_free(alt);
            return NULL;
        }
    }
    if (c == '<') {
        const char *end = strchr(lx->s + lx->pos, '>');
        const char *colon = strchr(lx->s + lx->pos, ':');
        if (!end || !colon || colon > end) {
            snprintf(lx->err, lx->errlen, "bad parameter at %zu", lx->pos);
            return NULL;
        }
        struct gel *e = gel_new(lx, G_PARAM);
        e->text = strndup(lx->s + lx->pos + 1, (size_t)(colon - lx->s - (long)lx->pos - 1));
        char *type = strndup(colon + 1, (size_t)(end - colon - 1));
        int rc = parse_param_type(lx, e, type);
        free(type);
        lx->pos = (size_t)(end - lx->s) + 1;
        if (rc != 0 || lx->g->nparams >= GRAMMAR_MAX_PARAMS) {
            if (rc == 0)
                snprintf(lx->err, lx->errlen, "too many parameters");
            gel_free(e);
            return NULL;
        }
        lx->g->params[lx->g->nparams++] = strdup(e->text);
        return e;
    }
    size_t start = lx->pos;
    while (lx->s[lx->pos] && !strchr(" []{}|<>", lx->s[lx->pos]))
        lx->pos++;
    if (lx->pos == start) {
        snprintf(lx->err, lx->errlen, "unexpected '%c' at %zu", c, lx->pos);
        return NULL;
    }
    struct gel *e = gel_new(lx, G_LIT);
    e->text = strndup(lx->s + start, lx->pos - start);
    return e;
}

static struct gel *parse_seq(struct spec_lexer *lx)
{
    struct gel *seq = gel_new(lx, G_SEQ);
    for (;;) {
        lx_skip(lx);
        char c = lx->s[lx->pos];
        if (c == 0 || c == ']' || c == '}' || c == '|')
            return seq;
        struct gel *item = parse_item(lx);
        if (!item) {
            gel_free(seq);
            return NULL;
        }
        gel_add(seq, item);
    }
}

struct grammar *grammar_compile(const char *spec, char *err, size_t errlen)
{
    struct grammar *g = calloc(1, sizeof *g);
    struct spec_lexer lx = { .s = spec ? spec : "", .g = g, .err = err, .errlen = errlen };
    g->root = parse_seq(&lx);
    if (g->root && lx.s[lx.pos] != 0) {
        snprintf(err, errlen, "unbalanced '%c' at %zu", lx.s[lx.pos], lx.pos);
        goto fail;
    }
    if (!g->root)
        goto fail;
    if (g->nelems > GRAMMAR_MAX_ELEMS) {
        snprintf(err, errlen, "grammar has %d elements (max %d)", g->nelems, GRAMMAR_MAX_ELEMS);
        goto fail;
    }
    return g;
fail:
    grammar_free(&g);
    return NULL;
}

void grammar_free(struct grammar **pg)
{
    struct grammar *g = *pg;
    if (!g)
        return;
    gel_free(g->root);
    for (int i = 0; i < g->nparams; i++)
        free(g->params[i]);
    free(g);
    *pg = NULL;
}

/* ---- values ------------------------------------------------------------ */

static int parse_u32(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    if (!*s || !isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
        return -1;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* "a.b.c.d/len" or IPv6 "x::y/len" into canonical text; host bits allowed
 * unless net is set. */
static int check_prefix(const char *in, int family, bool net, char *out, size_t outlen,
                        char *err, size_t errlen)
{
    char addr[INET6_ADDRSTRLEN + 8];
    const char *slash = strchr(in, '/');
    if (!slash || (size_t)(slash - in) >= sizeof addr) {
        snprintf(err, errlen, "'%s' is not a prefix (address/length)", in);
        return -1;
    }
    memcpy(addr, in, (size_t)(slash - in));
    addr[slash - in] = 0;
    uint8_t bytes[16];
    int fam = family;
    if (fam == 0)
        fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
    unsigned long len;
    unsigned long maxlen = fam == AF_INET ? 32 : 128;
    if (inet_pton(fam, addr, bytes) != 1) {
        snprintf(err, errlen, "'%s' is not a valid %s address", addr,
                 fam == AF_INET ? "IPv4" : "IPv6");
        return -1;
    }
    if (parse_u32(slash + 1, 0, maxlen, &len) != 0) {
        snprintf(err, errlen, "prefix length '%s' is out of range 0..%lu", slash + 1, maxlen);
        return -1;
    }
    if (net) {
        size_t nbytes = fam == AF_INET ? 4 : 16;
        for (size_t i = 0; i < nbytes; i++) {
            unsigned bit0 = (unsigned)i * 8;
            uint8_t mask = len >= bit0 + 8 ? 0xff : len <= bit0 ? 0 : (uint8_t)(0xff << (8 - (len - bit0)));
            if (bytes[i] & ~mask) {
                snprintf(err, errlen, "'%s' has host bits set beyond /%lu", in, len);
                return -1;
            }
        }
    }
    char canon[INET6_ADDRSTRLEN];
    inet_ntop(fam, bytes, canon, sizeof canon);
    snprintf(out, outlen, "%s/%lu", canon, len);
    return 0;
}

static int check_ip(const char *in, int family, char *out, size_t outlen, char *err,
                    size_t errlen)
{
    uint8_t bytes[16];
    int fam = family ? family : strchr(in, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(fam, in, bytes) != 1) {
        snprintf(err, errlen, "'%s' is not a valid %s address", in,
                 family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP");
        return -1;
    }
    inet_ntop(fam, bytes, out, (socklen_t)outlen);
    return 0;
}

/* slot/mda/port: 1..10 / 1..6 / 1..64 */
static int check_port(const char *in, char *out, size_t outlen)
{
    unsigned s, m, p;
    int n = 0;
    if (sscanf(in, "%2u/%1u/%2u%n", &s, &m, &p, &n) != 3 || in[n] || s < 1 || s > 10 || m < 1 ||
        m > 6 || p < 1 || p > 64 || in[0] == '0')
        return -1;
    snprintf(out, outlen, "%u/%u/%u", s, m, p);
    return 0;
}

static int check_sap(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
    unsigned group;
    char side[16];
    unsigned long tag;
    int n = 0;
    if (strncmp(in, "tunnel-", 7) == 0) {
        if (sscanf(in, "tunnel-%2u.%15[a-z]:%n", &group, side, &n) == 2 && n > 0 &&
            group >= 1 && group <= 16 && (!strcmp(side, "public") || !strcmp(side, "private")) &&
            parse_u32(in + n, 0, 2147483647, &tag) == 0) {
            snprintf(out, outlen, "tunnel-%u.%s:%lu", group, side, tag);
            return 0;
        }
        snprintf(err, errlen, "'%s' is not a tunnel SAP (tunnel-<1..16>.public|private:<tag>)",
                 in);
        return -1;
    }
    char port[32];
    const char *colon = strchr(in, ':');
    size_t plen = colon ? (size_t)(colon - in) : strlen(in);
    if (plen >= sizeof port)
        goto bad;
    memcpy(port, in, plen);
    port[plen] = 0;
    char canon[32];
    if (check_port(port, canon, sizeof canon) != 0)
        goto bad;
    if (!colon) {
        snprintf(out, outlen, "%s", canon);
        return 0;
    }
    if (strcmp(colon + 1, "*") == 0) {
        snprintf(out, outlen, "%s:*", canon);
        return 0;
    }
    if (parse_u32(colon + 1, 0, 4094, &tag) != 0) {
        snprintf(err, errlen, "VLAN '%s' is out of range 0..4094", colon + 1);
        return -1;
    }
    snprintf(out, outlen, "%s:%lu", canon, tag);
    return 0;
bad:
    snprintf(err, errlen, "'%s' is not a SAP (slot/mda/port[:vlan] or tunnel-N.public|private:K)",
             in);
    return -1;
}

static const char *const dscp_names[] = {
    "be", "ef", "cs1", "cs2", "cs3", "cs4", "cs5", "nc1", "nc2", "af11", "af12", "af13",
    "af21", "af22", "af23", "af31", "af32", "af33", "af41", "af42", "af43", NULL,
};

static bool printable(const char *s, size_t maxlen)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return false;
    return n <= maxlen;
}

int grammar_check_value(const struct gel *e, const char *in, char *out, size_t outlen,
                        char *err, size_t errlen)
{
    unsigned long v;
    switch (e->ptype) {
    case P_INT: {
        errno = 0;
        char *end;
        long long x = strtoll(in, &end, 10);
        if (!*in || *end || errno || x < e->lo || x > e->hi ||
            (in[0] == '0' && in[1]) || !isdigit((unsigned char)in[0])) {
            snprintf(err, errlen, "'%s' is not a number in range %lld..%lld", in,
                     (long long)e->lo, (long long)e->hi);
            return -1;
        }
        snprintf(out, outlen, "%lld", x);
        return 0;
    }
    case P_ENUM:
        for (char **p = e->enums; *p; p++) {
            if (strcmp(*p, in) == 0) {
                snprintf(out, outlen, "%s", in);
                return 0;
            }
        }
        {
            char list[256] = "";
            for (char **p = e->enums; *p; p++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         p == e->enums ? "" : ", ", *p);
            snprintf(err, errlen, "'%s' is not one of: %s", in, list);
        }
        return -1;
    case P_CATALOGUE:
        if (catalogue_has(e->catalogue, in)) {
            snprintf(out, outlen, "%s", in);
            return 0;
        }
        snprintf(err, errlen, "unknown %s '%s' (known: %s)", e->catalogue, in,
                 catalogue_list(e->catalogue));
        return -1;
    case P_WORD:
        if (!printable(in, 64) || !*in || strchr(in, ' ')) {
            snprintf(err, errlen, "'%.40s' is not a valid word (at most 64 characters)", in);
            return -1;
        }
        snprintf(out, outlen, "%s", in);
        return 0;
    case P_STR:
    case P_NAME: {
        size_t max = e->ptype == P_NAME ? 32 : 80;
        if (!printable(in, max) || (e->ptype == P_NAME && !*in)) {
            snprintf(err, errlen, "'%.40s' is not a valid %s (printable, at most %zu characters)",
                     in, e->ptype == P_NAME ? "name" : "string", max);
            return -1;
        }
        snprintf(out, outlen, "%s", in);
        return 0;
    }
    case P_IPV4: return check_ip(in, AF_INET, out, outlen, err, errlen);
    case P_IPV6: return check_ip(in, AF_INET6, out, outlen, err, errlen);
    case P_IP: return check_ip(in, 0, out, outlen, err, errlen);
    case P_PREFIX4: return check_prefix(in, AF_INET, false, out, outlen, err, errlen);
    case P_PREFIX6: return check_prefix(in, AF_INET6, false, out, outlen, err, errlen);
    case P_PREFIX: return check_prefix(in, 0, false, out, outlen, err, errlen);
    case P_NET4: return check_prefix(in, AF_INET, true, out, outlen, err, errlen);
    case P_NET6: return check_prefix(in, AF_INET6, true, out, outlen, err, errlen);
    case P_NET: return check_prefix(in, 0, true, out, outlen, err, errlen);
    case P_PORT:
        if (check_port(in, out, outlen) == 0)
            return 0;
        snprintf(err, errlen, "'%s' is not a port (slot/mda/port)", in);
        return -1;
    case P_MDA: {
        unsigned s, m;
        int n = 0;
        if (sscanf(in, "%2u/%1u%n", &s, &m, &n) == 2 && !in[n] && s >= 1 && s <= 10 && m >= 1 &&
            m <= 6 && in[0] != '0') {
            snprintf(out, outlen, "%u/%u", s, m);
            return 0;
        }
        snprintf(err, errlen, "'%s' is not an MDA (slot/mda)", in);
        return -1;
    }
    case P_SAP: return check_sap(in, out, outlen, err, errlen);
    case P_HEX: {
        const char *h = in;
        if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
            h += 2;
        size_t n = strlen(h);
        if (n == 0 || n > 128 || n % 2 || n + 3 > outlen) {
            snprintf(err, errlen, "'%.40s' is not an even number of hex digits (at most 128)", in);
            return -1;
        }
        char *o = out;
        *o++ = '0';
        *o++ = 'x';
        for (size_t i = 0; i < n; i++) {
            if (!isxdigit((unsigned char)h[i])) {
                snprintf(err, errlen, "'%.40s' is not hexadecimal", in);
                return -1;
            }
            *o++ = (char)tolower((unsigned char)h[i]);
        }
        *o = 0;
        return 0;
    }
    case P_DSCP:
        for (const char *const *p = dscp_names; *p; p++) {
            if (strcmp(*p, in) == 0) {
                snprintf(out, outlen, "%s", in);
                return 0;
            }
        }
        if (parse_u32(in, 0, 63, &v) == 0) {
            snprintf(out, outlen, "%lu", v);
            return 0;
        }
        snprintf(err, errlen, "'%s' is not a DSCP name (be, ef, af11..af43, cs1..cs5, nc1, nc2) "
                 "or 0..63", in);
        return -1;
    }
    snprintf(err, errlen, "internal: unknown type");
    return -1;
}

/* ---- matching ---------------------------------------------------------- */

struct match_ctx {
    const struct token *toks;
    int ntoks;
    struct gmatch *m;
    int fail_pos;              /* furthest token index that failed, and why */
    char fail[256];
};

static void note_fail(struct match_ctx *c, int pos, const char *fmt, const char *arg)
{
    if (pos < c->fail_pos)
        return;
    c->fail_pos = pos;
    snprintf(c->fail, sizeof c->fail, fmt, arg);
}

static int match_el(struct match_ctx *c, const struct gel *e, int pos);

static int match_seq(struct match_ctx *c, const struct gel *seq, int pos)
{
    int i = 0;
    while (i < seq->nkids) {
        const struct gel *kid = seq->kids[i];
        if (kid->kind != G_OPT) {
            pos = match_el(c, kid, pos);
            if (pos < 0)
                return -1;
            i++;
            continue;
        }
        /* A run of optional groups matches in any order, each at most once. */
        int run_end = i;
        while (run_end < seq->nkids && seq->kids[run_end]->kind == G_OPT)
            run_end++;
        bool progress = true;
        while (progress && pos < c->ntoks) {
            progress = false;
            for (int k = i; k < run_end; k++) {
                const struct gel *opt = seq->kids[k];
                if (c->m->hits & (1ull << opt->id))
                    continue;
                uint64_t saved_hits = c->m->hits;
                int saved_nvals = c->m->nvals;
                int p = match_seq(c, opt->kids[0], pos);
                if (p > pos) {
                    c->m->hits |= 1ull << opt->id;
                    pos = p;
                    progress = true;
                } else {
                    c->m->hits = saved_hits;
                    c->m->nvals = saved_nvals;
                }
            }
        }
        i = run_end;
    }
    return pos;
}

static int match_el(struct match_ctx *c, const struct gel *e, int pos)
{
    switch (e->kind) {
    case G_SEQ:
        return match_seq(c, e, pos);
    case G_LIT:
        if (pos < c->ntoks && !c->toks[pos].quoted && strcmp(c->toks[pos].text, e->text) == 0) {
            c->m->hits |= 1ull << e->id;
            return pos + 1;
        }
        if (pos >= c->ntoks)
            note_fail(c, pos, "missing keyword '%s'", e->text);
        else
            note_fail(c, pos, "expected '%s'", e->text);
        return -1;
    case G_PARAM: {
        if (pos >= c->ntoks) {
            note_fail(c, pos, "missing value for <%s>", e->text);
            return -1;
        }
        char err[256];
        char val[GRAMMAR_MAX_VALUE];
        if (grammar_check_value(e, c->toks[pos].text, val, sizeof val, err, sizeof err) != 0) {
            note_fail(c, pos, "%s", err);
            return -1;
        }
        if (c->m->nvals >= GRAMMAR_MAX_PARAMS)
            return -1;
        c->m->names[c->m->nvals] = e->text;
        snprintf(c->m->vals[c->m->nvals], GRAMMAR_MAX_VALUE, "%s", val);
        c->m->nvals++;
        return pos + 1;
    }
    case G_OPT: {
        uint64_t saved_hits = c->m->hits;
        int saved_nvals = c->m->nvals;
        int p = match_seq(c, e->kids[0], pos);
        if (p > pos) {
            c->m->hits |= 1ull << e->id;
            return p;
        }
        c->m->hits = saved_hits;
        c->m->nvals = saved_nvals;
        return pos;
    }
    case G_ALT:
        for (int k = 0; k < e->nkids; k++) {
            uint64_t saved_hits = c->m->hits;
            int saved_nvals = c->m->nvals;
            int p = match_seq(c, e->kids[k], pos);
            if (p >= 0) {
                c->m->hits |= 1ull << e->kids[k]->id;
                return p;
            }
            c->m->hits = saved_hits;
            c->m->nvals = saved_nvals;
        }
        return -1;
    }
    return -1;
}

int grammar_match(const struct grammar *g, const struct token *toks, int ntoks, struct gmatch *m,
                  char *err, size_t errlen, int *bad)
{
    memset(m, 0, sizeof *m);
    struct match_ctx c = { .toks = toks, .ntoks = ntoks, .m = m, .fail_pos = -1 };
    int pos = match_seq(&c, g->root, 0);
    if (pos < 0) {
        if (err)
            snprintf(err, errlen, "%s", c.fail_pos >= 0 ? c.fail : "syntax error");
        if (bad)
            *bad = c.fail_pos >= 0 ? c.fail_pos : 0;
        return -1;
    }
    /* When the match stopped early, keep the reason a longer match failed:
     * the caller reports it if the rest is not a child command either. */
    if (err) {
        if (pos < ntoks && c.fail_pos == pos)
            snprintf(err, errlen, "%s", c.fail);
        else if (pos < ntoks)
            snprintf(err, errlen, "unexpected '%s'", toks[pos].text);
    }
    if (bad)
        *bad = pos;
    return pos;
}

/* ---- printing ---------------------------------------------------------- */

static void cli_quote_inner(const char *s, char *out, size_t outlen)
{
    size_t o = strlen(out);
    for (const char *p = s; *p && o + 3 < outlen; p++) {
        if (*p == '"' || *p == '\\')
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o] = 0;
}

void cli_quote(const char *s, char *out, size_t outlen)
{
    bool need = !*s || *s == '"';
    for (const char *p = s; *p; p++)
        if (strchr(" \t\"#\\", *p))
            need = true;
    size_t o = strlen(out);
    if (o >= outlen)
        return;
    if (!need) {
        snprintf(out + o, outlen - o, "%s", s);
        return;
    }
    /* room for the opening quote, the text, the closing quote and the NUL */
    if (o + 3 > outlen)
        return;
    out[o++] = '"';
    for (const char *p = s; *p; p++) {
        size_t need_bytes = (*p == '"' || *p == '\\') ? 2 : 1;
        if (o + need_bytes + 2 > outlen)
            break;
        if (need_bytes == 2)
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o++] = '"';
    out[o] = 0;
}

static int val_index(const struct gmatch *m, const char *name)
{
    for (int i = 0; i < m->nvals; i++)
        if (strcmp(m->names[i], name) == 0)
            return i;
    return -1;
}

static void print_el(const struct gel *e, const struct gmatch *m, char *out, size_t outlen)
{
    size_t o = strlen(out);
    switch (e->kind) {
    case G_SEQ:
        for (int i = 0; i < e->nkids; i++)
            print_el(e->kids[i], m, out, outlen);
        return;
    case G_LIT:
        snprintf(out + o, outlen - o, " %s", e->text);
        return;
    case G_PARAM: {
        int i = val_index(m, e->text);
        if (i < 0)
            return;
        snprintf(out + o, outlen - o, " ");
        /* names and free text are always quoted, as the router prints them */
        if (e->ptype == P_STR || e->ptype == P_NAME) {
            o = strlen(out);
            snprintf(out + o, outlen - o, "\"");
            cli_quote_inner(m->vals[i], out, outlen);
            o = strlen(out);
            snprintf(out + o, outlen - o, "\"");
        } else if (e->ptype == P_WORD) {
            cli_quote(m->vals[i], out, outlen); /* "#1" must not read as a comment */
        } else
            snprintf(out + o + 1, outlen - o - 1, "%s", m->vals[i]);
        return;
    }
    case G_OPT:
        if (m->hits & (1ull << e->id))
            print_el(e->kids[0], m, out, outlen);
        return;
    case G_ALT:
        for (int k = 0; k < e->nkids; k++)
            if (m->hits & (1ull << e->kids[k]->id))
                print_el(e->kids[k], m, out, outlen);
        return;
    }
}

void grammar_print(const struct grammar *g, const struct gmatch *m, char *out, size_t outlen)
{
    out[0] = 0;
    print_el(g->root, m, out, outlen);
}

const char *gmatch_get(const struct gmatch *m, const char *name)
{
    int i = val_index(m, name);
    return i < 0 ? NULL : m->vals[i];
}

void gmatch_set(struct gmatch *m, const char *name, const char *value)
{
    int i = val_index(m, name);
    if (i < 0) {
        if (m->nvals >= GRAMMAR_MAX_PARAMS)
            return;
        i = m->nvals++;
        m->names[i] = name;
    }
    snprintf(m->vals[i], GRAMMAR_MAX_VALUE, "%s", value);
}

static const struct gel *find_lit(const struct gel *e, const char *word)
{
    if (e->kind == G_LIT && strcmp(e->text, word) == 0)
        return e;
    for (int i = 0; i < e->nkids; i++) {
        const struct gel *f = find_lit(e->kids[i], word);
        if (f)
            return f;
    }
    return NULL;
}

bool gmatch_hit_word(const struct grammar *g, const struct gmatch *m, const char *word)
{
    const struct gel *e = find_lit(g->root, word);
    return e && (m->hits & (1ull << e->id));
}

static const struct gel *find_param(const struct gel *e, const char *name)
{
    if (e->kind == G_PARAM && strcmp(e->text, name) == 0)
        return e;
    for (int i = 0; i < e->nkids; i++) {
        const struct gel *f = find_param(e->kids[i], name);
        if (f)
            return f;
    }
    return NULL;
}

const struct gel *grammar_param(const struct grammar *g, const char *name)
{
    return find_param(g->root, name);
}

static const char *lit_in_opt(const struct gel *e, int id, bool in_opt)
{
    if (e->kind == G_LIT && e->id == id)
        return in_opt ? e->text : NULL;
    for (int i = 0; i < e->nkids; i++) {
        const char *f = lit_in_opt(e->kids[i], id, in_opt || e->kind == G_OPT);
        if (f)
            return f;
    }
    return NULL;
}

const char *grammar_lit_name(const struct grammar *g, int id)
{
    return lit_in_opt(g->root, id, false);
}

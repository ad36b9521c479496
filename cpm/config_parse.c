/* SR OS classic CLI configuration commands applied to the tree. */
#include "config_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cfg_error_set(struct cfg_error *e, int line, const char *word, const char *fmt, ...)
{
    e->line = line;
    snprintf(e->word, sizeof e->word, "%s", word ? word : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof e->reason, fmt, ap);
    va_end(ap);
}

void cfg_error_format(const struct cfg_error *e, char *out, size_t outlen)
{
    if (e->line > 0 && e->word[0])
        snprintf(out, outlen, "line %d: '%s': %s", e->line, e->word, e->reason);
    else if (e->line > 0)
        snprintf(out, outlen, "line %d: %s", e->line, e->reason);
    else if (e->word[0])
        snprintf(out, outlen, "'%s': %s", e->word, e->reason);
    else
        snprintf(out, outlen, "%s", e->reason);
}

int cli_tokenize(const char *line, char *buf, size_t buflen, struct token *toks, int maxtoks,
                 char *err, size_t errlen)
{
    int n = 0;
    size_t o = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p || *p == '#')
            return n;
        if (n >= maxtoks) {
            snprintf(err, errlen, "too many words on one line (at most %d)", maxtoks);
            return -1;
        }
        bool quoted = *p == '"';
        toks[n].quoted = quoted;
        toks[n].text = buf + o;
        if (quoted) {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                if (o + 1 >= buflen)
                    goto toolong;
                buf[o++] = *p++;
            }
            if (*p != '"') {
                snprintf(err, errlen, "unterminated quoted string");
                return -1;
            }
            p++;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
                if (o + 1 >= buflen)
                    goto toolong;
                buf[o++] = *p++;
            }
        }
        if (o >= buflen)
            goto toolong;
        buf[o++] = 0;
        n++;
    }
toolong:
    snprintf(err, errlen, "line too long");
    return -1;
}

static bool is_word(const struct token *t, const char *w)
{
    return !t->quoted && strcmp(t->text, w) == 0;
}

static const char *node_label(const struct cfg_node *n, char *buf, size_t len)
{
    char args[512];
    cfg_node_args(n, args, sizeof args);
    snprintf(buf, len, "%s%s", n->sc->word, args);
    return buf;
}

/* An admin-up container somewhere in n's subtree (n included), or NULL. */
static const struct cfg_node *admin_up_within(const struct cfg_node *n)
{
    if ((n->sc->flags & SC_ADMIN) && n->admin_up)
        return n;
    for (const struct cfg_node *c = n->child; c; c = c->next) {
        const struct cfg_node *f = admin_up_within(c);
        if (f)
            return f;
    }
    return NULL;
}

static bool same_params(const struct cfg_node *n, const struct gmatch *m)
{
    if (n->hits != m->hits || n->nparams != m->nvals)
        return false;
    for (int i = 0; i < m->nvals; i++) {
        const char *v = cfg_get(n, m->names[i]);
        if (!v || strcmp(v, m->vals[i]) != 0)
            return false;
    }
    return true;
}

static bool is_key_param(const struct schema *sc, const char *name)
{
    if (!sc->key)
        return false;
    char keys[128];
    snprintf(keys, sizeof keys, " %s ", sc->key);
    char probe[64];
    snprintf(probe, sizeof probe, " %s ", name);
    return strstr(keys, probe) != NULL;
}

static int apply_cmd(struct cfg_txn *txn, struct cfg_node *ctx, const struct token *t, int n,
                     int line, struct cfg_error *e, struct cfg_node **out_ctx);

/* A parameter an object needs when it is created (customer, sync-tag) is
 * missing: sets the error and returns true. */
static bool missing_create_param(const struct schema *sc, const struct gmatch *m, int line,
                                 const char *label, struct cfg_error *e)
{
    char req[128];
    snprintf(req, sizeof req, "%s", sc->create_req);
    char *save = NULL;
    for (char *r = strtok_r(req, " ", &save); r; r = strtok_r(NULL, " ", &save)) {
        if (!gmatch_get(m, r)) {
            cfg_error_set(e, line, sc->word, "creating %s%s needs '%s <value>'", sc->word,
                          label, r);
            return true;
        }
    }
    return false;
}

static int do_delete(struct cfg_txn *txn, struct cfg_node *where, struct schema *sc,
                     const struct token *t, int n, int line, struct cfg_error *e)
{
    char err[384], key[512], label[600];
    int bad = 0;
    struct gmatch m;
    const struct token *args = t + 1;
    int nargs = n - 1;

    if (!(sc->flags & SC_CONTAINER) && !(sc->flags & SC_MULTI)) {
        /* single leaf: `no X` with or without its arguments */
        if ((sc->flags & SC_NOEMPTY) && nargs > 0) {
            cfg_error_set(e, line, args[0].text, "'no %s' takes no arguments", sc->word);
            return -1;
        }
        if (nargs > 0 && grammar_match(sc->g, args, nargs, &m, err, sizeof err, &bad) != nargs) {
            cfg_error_set(e, line, bad < nargs ? args[bad].text : sc->word, "%s", err);
            return -1;
        }
        struct cfg_node *cur = cfg_lookup(cfg_txn_tree(txn), where, sc, NULL);
        if (cur)
            cfg_txn_delete(txn, cur, line);
        return 0;
    }
    int used = grammar_match(sc->g, args, nargs, &m, err, sizeof err, &bad);
    if (used < 0) {
        cfg_error_set(e, line, bad < nargs ? args[bad].text : sc->word, "%s", err);
        return -1;
    }
    if (used < nargs) {
        cfg_error_set(e, line, args[used].text, "%s", err);
        return -1;
    }
    cfg_match_key(sc, &m, key, sizeof key);
    struct cfg_node *cur = cfg_lookup(cfg_txn_tree(txn), where, sc, key);
    if (!cur) {
        if (!(sc->flags & SC_CONTAINER))
            return 0; /* removing an absent list entry is a no-op, as on the router */
        cfg_error_set(e, line, sc->word, "%s%s does not exist", sc->word,
                      (grammar_print(sc->g, &m, label, sizeof label), label));
        return -1;
    }
    const struct cfg_node *up = admin_up_within(cur);
    if (up) {
        char l1[600], l2[600];
        if (up == cur)
            cfg_error_set(e, line, sc->word, "%s is not shut down: 'shutdown' it first",
                          node_label(cur, l1, sizeof l1));
        else
            cfg_error_set(e, line, sc->word, "%s contains %s, which is not shut down",
                          node_label(cur, l1, sizeof l1), node_label(up, l2, sizeof l2));
        return -1;
    }
    cfg_txn_delete(txn, cur, line);
    return 0;
}

static int do_leaf(struct cfg_txn *txn, struct cfg_node *where, struct schema *sc,
                   const struct token *t, int n, int line, struct cfg_error *e)
{
    char err[384], key[512], label[600];
    int bad = 0;
    struct gmatch m;
    /* a list entry without a context of its own (sync tunnel-group ...
     * create): `create` ends the line when it is first made */
    bool create = (sc->flags & SC_CREATE) && n > 1 && is_word(&t[n - 1], "create");
    if (create)
        n--;
    int used = grammar_match(sc->g, t + 1, n - 1, &m, err, sizeof err, &bad);
    if (used < 0) {
        cfg_error_set(e, line, bad < n - 1 ? t[1 + bad].text : sc->word, "%s", err);
        return -1;
    }
    if (used < n - 1) {
        cfg_error_set(e, line, t[1 + used].text, "%s", err);
        return -1;
    }
    cfg_match_key(sc, &m, key, sizeof key);
    struct cfg_node *cur = cfg_lookup(cfg_txn_tree(txn), where, sc, key);
    if (!cur && (sc->flags & SC_CREATE)) {
        grammar_print(sc->g, &m, label, sizeof label);
        if (!create) {
            cfg_error_set(e, line, sc->word, "%s%s does not exist: add 'create' to create it",
                          sc->word, label);
            return -1;
        }
        if (sc->create_req && missing_create_param(sc, &m, line, label, e))
            return -1;
    }
    if (!cur)
        cfg_txn_add(txn, where, sc, &m, line);
    else if (!same_params(cur, &m))
        cfg_txn_set(txn, cur, &m, line);
    return 0;
}

static int do_container(struct cfg_txn *txn, struct cfg_node *where, struct schema *sc,
                        const struct token *t, int n, int line, struct cfg_error *e,
                        struct cfg_node **out_ctx)
{
    char err[384], key[512], label[600];
    int bad = 0;
    struct gmatch m;
    const struct token *args = t + 1;
    int nargs = n - 1;
    int used = grammar_match(sc->g, args, nargs, &m, err, sizeof err, &bad);
    if (used < 0) {
        cfg_error_set(e, line, bad < nargs ? args[bad].text : sc->word, "%s", err);
        return -1;
    }
    bool create = false;
    if (used < nargs && is_word(&args[used], "create")) {
        create = true;
        used++;
    }
    cfg_match_key(sc, &m, key, sizeof key);
    grammar_print(sc->g, &m, label, sizeof label);
    struct cfg_node *cur = cfg_lookup(cfg_txn_tree(txn), where, sc, key);
    if (cur) {
        /* Creation-time attributes (customer, isa-scale-mode, tunnel) stay:
         * naming them again is fine, changing or adding them is not. */
        for (int i = 0; i < m.nvals; i++) {
            if (is_key_param(sc, m.names[i]))
                continue;
            const char *old = cfg_get(cur, m.names[i]);
            if (!old || strcmp(old, m.vals[i]) != 0) {
                cfg_error_set(e, line, m.vals[i],
                              "%s %s exists with %s %s; it cannot be changed after creation",
                              sc->word, cur->key ? cur->key : "", m.names[i], old ? old : "unset");
                return -1;
            }
        }
        uint64_t added = m.hits & ~cur->hits;
        for (int w = 0; w < 64 && added; w++) {
            if (!(added & (1ull << w)))
                continue;
            const char *word = grammar_lit_name(sc->g, w);
            if (word) {
                cfg_error_set(e, line, word,
                              "%s %s exists without '%s'; it cannot be changed after creation",
                              sc->word, cur->key ? cur->key : "", word);
                return -1;
            }
        }
    } else {
        if ((sc->flags & SC_CREATE) && !create) {
            /* a 'create' further on means the words before it did not parse */
            for (int k = used; k < nargs; k++)
                if (is_word(&args[k], "create")) {
                    cfg_error_set(e, line, args[used].text, "%s", err);
                    return -1;
                }
            cfg_error_set(e, line, sc->word, "%s%s does not exist: add 'create' to create it",
                          sc->word, label);
            return -1;
        }
        if (sc->create_req && missing_create_param(sc, &m, line, label, e))
            return -1;
        cur = cfg_txn_add(txn, where, sc, &m, line);
    }
    if (used == nargs) {
        *out_ctx = cur;
        return 0;
    }
    struct cfg_node *inner = cur;
    if (apply_cmd(txn, cur, args + used, nargs - used, line, e, &inner) != 0)
        return -1;
    /* A line that ends in a deeper context moves there (service vprn 10 ...);
     * one that ends in a leaf leaves the session where it was. */
    bool deeper = false;
    for (const struct cfg_node *p = inner->parent; p && !deeper; p = p->parent)
        deeper = p == cur;
    *out_ctx = deeper ? inner : where;
    return 0;
}

/* One command in ctx (never NULL here). */
static int apply_cmd(struct cfg_txn *txn, struct cfg_node *ctx, const struct token *t, int n,
                     int line, struct cfg_error *e, struct cfg_node **out_ctx)
{
    bool negate = false;
    if (is_word(&t[0], "no")) {
        negate = true;
        t++;
        n--;
        if (n == 0) {
            cfg_error_set(e, line, "no", "'no' needs a command");
            return -1;
        }
    }
    if (is_word(&t[0], "shutdown")) {
        if (n > 1) {
            cfg_error_set(e, line, t[1].text, "'shutdown' takes no arguments");
            return -1;
        }
        if (!(ctx->sc->flags & SC_ADMIN)) {
            cfg_error_set(e, line, "shutdown", "'%s' has no admin state", ctx->sc->word);
            return -1;
        }
        cfg_txn_set_admin(txn, ctx, negate, line);
        *out_ctx = ctx;
        return 0;
    }
    /* A command not known here is looked up in the enclosing contexts, as
     * the router's CLI does; the context moves there. */
    struct cfg_node *where = ctx;
    struct schema *sc = NULL;
    for (; where; where = where->parent) {
        sc = t[0].quoted ? NULL : schema_child(where->sc, t[0].text);
        if (sc)
            break;
    }
    if (!sc || (sc->flags & SC_DEBUG)) {
        char path[256];
        cfg_context_path(ctx, path, sizeof path);
        cfg_error_set(e, line, t[0].text, "unknown command in %s", path);
        return -1;
    }
    *out_ctx = where;
    if (negate)
        return do_delete(txn, where, sc, t, n, line, e);
    if (sc->flags & SC_CONTAINER)
        return do_container(txn, where, sc, t, n, line, e, out_ctx);
    return do_leaf(txn, where, sc, t, n, line, e);
}

int cfg_apply_tokens(struct cfg_txn *txn, struct cfg_node **ctx, const struct token *t, int n,
                     int lineno, struct cfg_error *e)
{
    if (n == 0 || is_word(&t[0], "echo"))
        return 0;
    if (is_word(&t[0], "exit") || is_word(&t[0], "back")) {
        if (n == 2 && is_word(&t[0], "exit") && is_word(&t[1], "all")) {
            *ctx = NULL;
            return 0;
        }
        if (n > 1) {
            cfg_error_set(e, lineno, t[1].text, "unexpected after '%s'", t[0].text);
            return -1;
        }
        if (*ctx)
            *ctx = ((*ctx)->sc->flags & SC_DEBUG) ? NULL : (*ctx)->parent;
        return 0;
    }
    if (is_word(&t[0], "debug")) {
        /* `debug` is a root command of its own; its tree hangs off the root */
        struct cfg_node *root = cfg_txn_tree(txn)->root;
        struct schema *dsc = schema_child(root->sc, "debug");
        struct cfg_node *dbg = cfg_lookup(cfg_txn_tree(txn), root, dsc, NULL);
        if (!dbg)
            dbg = cfg_txn_add(txn, root, dsc, NULL, lineno);
        if (n == 1) {
            *ctx = dbg;
            return 0;
        }
        struct cfg_node *out = dbg;
        if (apply_cmd(txn, dbg, t + 1, n - 1, lineno, e, &out) != 0)
            return -1;
        *ctx = (!*ctx && out == dbg) ? NULL : out;
        return 0;
    }
    if (is_word(&t[0], "configure")) {
        struct cfg_node *root = cfg_txn_tree(txn)->root;
        if (n == 1) {
            *ctx = root;
            return 0;
        }
        struct cfg_node *out = root;
        if (apply_cmd(txn, root, t + 1, n - 1, lineno, e, &out) != 0)
            return -1;
        /* `configure port 1/1/1 no shutdown` typed outside configure stays outside. */
        *ctx = (!*ctx && out == root) ? NULL : out;
        return 0;
    }
    if (!*ctx) {
        cfg_error_set(e, lineno, t[0].text, "not a configuration command (expected 'configure')");
        return -1;
    }
    struct cfg_node *out = *ctx;
    if (apply_cmd(txn, *ctx, t, n, lineno, e, &out) != 0)
        return -1;
    *ctx = out;
    return 0;
}

int cfg_apply_line(struct cfg_txn *txn, struct cfg_node **ctx, const char *line, int lineno,
                   struct cfg_error *e)
{
    char buf[CLI_MAX_LINE];
    struct token toks[CLI_MAX_TOKENS];
    char err[256];
    if (strlen(line) >= CLI_MAX_LINE) {
        cfg_error_set(e, lineno, NULL, "line longer than %d characters", CLI_MAX_LINE - 1);
        return -1;
    }
    int n = cli_tokenize(line, buf, sizeof buf, toks, CLI_MAX_TOKENS, err, sizeof err);
    if (n < 0) {
        cfg_error_set(e, lineno, NULL, "%s", err);
        return -1;
    }
    return cfg_apply_tokens(txn, ctx, toks, n, lineno, e);
}

int cfg_apply_text(struct cfg_txn *txn, const char *text, struct cfg_error *e)
{
    struct cfg_node *ctx = NULL;
    int lineno = 0;
    const char *p = text;
    char line[CLI_MAX_LINE];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (len >= sizeof line) {
            cfg_error_set(e, lineno, NULL, "line longer than %zu characters", sizeof line - 1);
            return -1;
        }
        memcpy(line, p, len);
        line[len] = 0;
        if (cfg_apply_line(txn, &ctx, line, lineno, e) != 0)
            return -1;
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

void cfg_context_path(const struct cfg_node *ctx, char *out, size_t outlen)
{
    const struct cfg_node *chain[32];
    int depth = 0;
    for (const struct cfg_node *c = ctx; c && depth < 32; c = c->parent)
        chain[depth++] = c;
    out[0] = 0;
    size_t o = 0;
    bool debug = depth >= 2 && (chain[depth - 2]->sc->flags & SC_DEBUG);
    for (int i = depth - 1 - (debug ? 1 : 0); i >= 0; i--) {
        const char *w = chain[i]->parent ? chain[i]->sc->word : "config";
        o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0, "%s%s", o ? ">" : "", w);
        if (o >= outlen)
            break;
    }
    if (!depth)
        snprintf(out, outlen, "(root)");
}

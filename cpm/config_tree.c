/* The configuration tree, its indexes, and transactions with rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* ---- nodes and indexes ------------------------------------------------- */

static void index_key(char *buf, size_t len, const struct cfg_node *parent,
                      const struct schema *sc, const char *key)
{
    snprintf(buf, len, "%lu|%p|%s", (unsigned long)(parent ? parent->id : 0), (const void *)sc,
             key ? key : "");
}

static void index_add(struct cfg_tree *t, struct cfg_node *n)
{
    char k[512], idk[32];
    index_key(k, sizeof k, n->parent, n->sc, n->key);
    zhashx_update(t->by_key, k, n);
    snprintf(idk, sizeof idk, "%lu", (unsigned long)n->id);
    zhashx_update(t->by_id, idk, n);
}

static void index_del(struct cfg_tree *t, struct cfg_node *n)
{
    char k[512], idk[32];
    index_key(k, sizeof k, n->parent, n->sc, n->key);
    zhashx_delete(t->by_key, k);
    snprintf(idk, sizeof idk, "%lu", (unsigned long)n->id);
    zhashx_delete(t->by_id, idk);
}

static void index_subtree(struct cfg_tree *t, struct cfg_node *n, bool add)
{
    if (add)
        index_add(t, n);
    else
        index_del(t, n);
    for (struct cfg_node *c = n->child; c; c = c->next)
        index_subtree(t, c, add);
}

static void params_free(struct cfg_param *p, int n)
{
    for (int i = 0; i < n; i++)
        free(p[i].val);
    free(p);
}

static struct cfg_param *params_from_match(const struct gmatch *m, int *count)
{
    *count = m ? m->nvals : 0;
    if (!*count)
        return NULL;
    struct cfg_param *p = calloc((size_t)*count, sizeof *p);
    for (int i = 0; i < *count; i++) {
        p[i].name = m->names[i];
        p[i].val = strdup(m->vals[i]);
    }
    return p;
}

static void node_free(struct cfg_node *n)
{
    if (!n)
        return;
    struct cfg_node *c = n->child;
    while (c) {
        struct cfg_node *next = c->next;
        node_free(c);
        c = next;
    }
    params_free(n->params, n->nparams);
    free(n->key);
    free(n);
}

static void link_after(struct cfg_node *parent, struct cfg_node *prev, struct cfg_node *n)
{
    n->parent = parent;
    n->prev = prev;
    n->next = prev ? prev->next : parent->child;
    if (n->next)
        n->next->prev = n;
    else
        parent->last = n;
    if (prev)
        prev->next = n;
    else
        parent->child = n;
}

static void unlink_node(struct cfg_node *n)
{
    struct cfg_node *p = n->parent;
    if (n->prev)
        n->prev->next = n->next;
    else
        p->child = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        p->last = n->prev;
    n->next = n->prev = NULL;
    n->parent = NULL;
}

void cfg_match_key(const struct schema *sc, const struct gmatch *m, char *out, size_t outlen)
{
    out[0] = 0;
    if (sc->key) {
        char names[128];
        snprintf(names, sizeof names, "%s", sc->key);
        char *save = NULL;
        for (char *k = strtok_r(names, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
            const char *v = gmatch_get(m, k);
            size_t o = strlen(out);
            snprintf(out + o, outlen - o, "%s%s", o ? " " : "", v ? v : "");
        }
        return;
    }
    /* no key list: the whole argument text is the key (repeated leaves) */
    grammar_print(sc->g, m, out, outlen);
}

struct cfg_tree *cfg_tree_new(void)
{
    struct cfg_tree *t = calloc(1, sizeof *t);
    t->by_key = zhashx_new();
    t->by_id = zhashx_new();
    t->root = calloc(1, sizeof *t->root);
    t->root->sc = schema_root();
    t->root->id = 1;
    t->root->admin_up = true;
    t->next_id = 2;
    return t;
}

void cfg_tree_free(struct cfg_tree **pt)
{
    struct cfg_tree *t = *pt;
    if (!t)
        return;
    node_free(t->root);
    zhashx_destroy(&t->by_key);
    zhashx_destroy(&t->by_id);
    free(t);
    *pt = NULL;
}

struct cfg_node *cfg_node_by_id(const struct cfg_tree *t, uint64_t id)
{
    if (id == 1)
        return t->root;
    char idk[32];
    snprintf(idk, sizeof idk, "%lu", (unsigned long)id);
    return zhashx_lookup(t->by_id, idk);
}

struct cfg_node *cfg_lookup(const struct cfg_tree *t, const struct cfg_node *parent,
                            const struct schema *sc, const char *key)
{
    char k[512];
    index_key(k, sizeof k, parent, sc, (sc->flags & SC_MULTI) ? key : NULL);
    return zhashx_lookup(t->by_key, k);
}

struct cfg_node *cfg_tree_insert(struct cfg_tree *t, struct cfg_node *parent, struct schema *sc,
                                 const struct gmatch *m, uint64_t id)
{
    struct cfg_node *n = calloc(1, sizeof *n);
    n->sc = sc;
    n->id = id ? id : t->next_id;
    if (n->id >= t->next_id)
        t->next_id = n->id + 1;
    n->hits = m ? m->hits : 0;
    n->params = params_from_match(m, &n->nparams);
    if (sc->flags & SC_MULTI) {
        char key[512];
        cfg_match_key(sc, m, key, sizeof key);
        n->key = strdup(key);
    }
    n->admin_up = (sc->flags & SC_ADMIN_UP) != 0;
    link_after(parent, parent->last, n);
    index_add(t, n);
    return n;
}

void cfg_node_args(const struct cfg_node *n, char *out, size_t outlen)
{
    struct gmatch m;
    cfg_node_to_match(n, &m);
    grammar_print(n->sc->g, &m, out, outlen);
}

void cfg_node_to_match(const struct cfg_node *n, struct gmatch *m)
{
    memset(m, 0, sizeof *m);
    m->hits = n->hits;
    for (int i = 0; i < n->nparams && i < GRAMMAR_MAX_PARAMS; i++) {
        m->names[i] = n->params[i].name;
        snprintf(m->vals[i], GRAMMAR_MAX_VALUE, "%s", n->params[i].val);
    }
    m->nvals = n->nparams < GRAMMAR_MAX_PARAMS ? n->nparams : GRAMMAR_MAX_PARAMS;
}

/* ---- accessors --------------------------------------------------------- */

const char *cfg_get(const struct cfg_node *n, const char *param)
{
    if (!n)
        return NULL;
    for (int i = 0; i < n->nparams; i++)
        if (strcmp(n->params[i].name, param) == 0)
            return n->params[i].val;
    return NULL;
}

long cfg_get_int(const struct cfg_node *n, const char *param, long dflt)
{
    const char *v = cfg_get(n, param);
    return v ? strtol(v, NULL, 10) : dflt;
}

bool cfg_hit(const struct cfg_node *n, const char *word)
{
    struct gmatch m;
    if (!n)
        return false;
    memset(&m, 0, sizeof m);
    m.hits = n->hits;
    return gmatch_hit_word(n->sc->g, &m, word);
}

struct cfg_node *cfg_child(const struct cfg_node *n, const char *word)
{
    if (!n)
        return NULL;
    for (struct cfg_node *c = n->child; c; c = c->next)
        if (strcmp(c->sc->word, word) == 0)
            return c;
    return NULL;
}

struct cfg_node *cfg_next_same(const struct cfg_node *n)
{
    for (struct cfg_node *c = n->next; c; c = c->next)
        if (c->sc == n->sc)
            return c;
    return NULL;
}

struct cfg_node *cfg_find(const struct cfg_tree *t, const struct cfg_node *n, const char *word,
                          const char *key)
{
    if (!n)
        return NULL;
    struct schema *sc = schema_child(n->sc, word);
    return sc ? cfg_lookup(t, n, sc, key) : NULL;
}

const char *cfg_leaf(const struct cfg_node *n, const char *word, const char *param)
{
    return cfg_get(cfg_child(n, word), param);
}

/* ---- transactions ------------------------------------------------------ */

enum undo_op { U_ADD, U_SET, U_ADMIN, U_DELETE };

struct undo {
    enum undo_op op;
    struct cfg_node *node;
    int line;
    uint64_t old_hits;
    int old_nparams;
    struct cfg_param *old_params;
    bool old_admin;
    struct cfg_node *parent, *prev; /* U_DELETE: where it was */
    bool owner_up;             /* the admin object owning the node was up at the change */
};

struct cfg_txn {
    struct cfg_tree *tree;
    struct undo *ops;
    size_t nops, cap;
    /* what validation asks of every object, indexed: a file of 50,000 lines
     * checked against 3,000 tunnels is not 150 million comparisons */
    zhashx_t *first;           /* "node|op" -> 1 + index of the node's first op of that kind */
    zhashx_t *while_up;        /* "node" -> changed (besides admin state) while its owner was up */
};

/* The nearest object with admin state at or above n (a leaf's container). */
static const struct cfg_node *admin_owner(const struct cfg_node *n)
{
    for (const struct cfg_node *p = n; p; p = p->parent)
        if (p->sc->flags & SC_ADMIN)
            return p;
    return NULL;
}

static struct undo *txn_push(struct cfg_txn *txn, enum undo_op op, struct cfg_node *n, int line)
{
    if (txn->nops == txn->cap) {
        txn->cap = txn->cap ? txn->cap * 2 : 16;
        txn->ops = realloc(txn->ops, txn->cap * sizeof *txn->ops);
    }
    struct undo *u = &txn->ops[txn->nops++];
    memset(u, 0, sizeof *u);
    u->op = op;
    u->node = n;
    u->line = line;
    const struct cfg_node *owner = admin_owner(op == U_ADMIN ? n->parent : n);
    u->owner_up = owner && owner->admin_up;
    char k[48];
    snprintf(k, sizeof k, "%p|%d", (const void *)n, (int)op);
    if (!zhashx_lookup(txn->first, k))
        zhashx_insert(txn->first, k, (void *)(uintptr_t)txn->nops);
    if (op != U_ADMIN && u->owner_up) {
        snprintf(k, sizeof k, "%p", (const void *)n);
        zhashx_update(txn->while_up, k, (void *)1);
    }
    return u;
}

struct cfg_txn *cfg_txn_begin(struct cfg_tree *tree)
{
    struct cfg_txn *txn = calloc(1, sizeof *txn);
    txn->tree = tree;
    txn->first = zhashx_new();
    txn->while_up = zhashx_new();
    return txn;
}

struct cfg_tree *cfg_txn_tree(const struct cfg_txn *txn)
{
    return txn->tree;
}

static void clear_lines(struct cfg_node *n)
{
    n->line = 0;
    for (struct cfg_node *c = n->child; c; c = c->next)
        clear_lines(c);
}

static void txn_free(struct cfg_txn **ptxn)
{
    struct cfg_txn *txn = *ptxn;
    free(txn->ops);
    zhashx_destroy(&txn->first);
    zhashx_destroy(&txn->while_up);
    free(txn);
    *ptxn = NULL;
}

void cfg_txn_commit(struct cfg_txn **ptxn)
{
    struct cfg_txn *txn = *ptxn;
    if (!txn)
        return;
    for (size_t i = 0; i < txn->nops; i++) {
        struct undo *u = &txn->ops[i];
        if (u->op == U_SET)
            params_free(u->old_params, u->old_nparams);
    }
    /* Deleted subtrees are freed last: later records may point into them. */
    for (size_t i = 0; i < txn->nops; i++)
        if (txn->ops[i].op == U_DELETE)
            node_free(txn->ops[i].node);
    clear_lines(txn->tree->root);
    txn_free(ptxn);
}

void cfg_txn_rollback(struct cfg_txn **ptxn)
{
    struct cfg_txn *txn = *ptxn;
    if (!txn)
        return;
    for (size_t i = txn->nops; i-- > 0;) {
        struct undo *u = &txn->ops[i];
        struct cfg_node *n = u->node;
        switch (u->op) {
        case U_ADD:
            index_subtree(txn->tree, n, false);
            unlink_node(n);
            node_free(n);
            break;
        case U_SET:
            params_free(n->params, n->nparams);
            n->params = u->old_params;
            n->nparams = u->old_nparams;
            n->hits = u->old_hits;
            break;
        case U_ADMIN:
            n->admin_up = u->old_admin;
            break;
        case U_DELETE:
            link_after(u->parent, u->prev, n);
            index_subtree(txn->tree, n, true);
            break;
        }
    }
    clear_lines(txn->tree->root);
    txn_free(ptxn);
}

bool cfg_txn_changed(const struct cfg_txn *txn)
{
    return txn->nops > 0;
}

struct cfg_node *cfg_txn_add(struct cfg_txn *txn, struct cfg_node *parent, struct schema *sc,
                             const struct gmatch *m, int line)
{
    struct cfg_node *n = cfg_tree_insert(txn->tree, parent, sc, m, 0);
    n->line = line;
    txn_push(txn, U_ADD, n, line);
    return n;
}

void cfg_txn_set(struct cfg_txn *txn, struct cfg_node *n, const struct gmatch *m, int line)
{
    struct undo *u = txn_push(txn, U_SET, n, line);
    u->old_hits = n->hits;
    u->old_params = n->params;
    u->old_nparams = n->nparams;
    n->params = params_from_match(m, &n->nparams);
    n->hits = m->hits;
    n->line = line;
}

void cfg_txn_set_admin(struct cfg_txn *txn, struct cfg_node *n, bool up, int line)
{
    if (n->admin_up == up)
        return;
    struct undo *u = txn_push(txn, U_ADMIN, n, line);
    u->old_admin = n->admin_up;
    n->admin_up = up;
    n->line = line;
}

void cfg_txn_delete(struct cfg_txn *txn, struct cfg_node *n, int line)
{
    struct undo *u = txn_push(txn, U_DELETE, n, line);
    u->parent = n->parent;
    u->prev = n->prev;
    index_subtree(txn->tree, n, false);
    unlink_node(n);
}

static const struct undo *first_op(const struct cfg_txn *txn, const struct cfg_node *n,
                                   enum undo_op op)
{
    char k[48];
    snprintf(k, sizeof k, "%p|%d", (const void *)n, (int)op);
    uintptr_t i = (uintptr_t)zhashx_lookup(txn->first, k);
    return i ? &txn->ops[i - 1] : NULL;
}

bool cfg_txn_is_new(const struct cfg_txn *txn, const struct cfg_node *n)
{
    for (const struct cfg_node *p = n; p; p = p->parent)
        if (first_op(txn, p, U_ADD))
            return true;
    return false;
}

const char *cfg_txn_old(const struct cfg_txn *txn, const struct cfg_node *n, const char *param)
{
    if (cfg_txn_is_new(txn, n))
        return NULL;
    const struct undo *u = first_op(txn, n, U_SET);
    if (!u)
        return cfg_get(n, param);
    for (int i = 0; i < u->old_nparams; i++)
        if (strcmp(u->old_params[i].name, param) == 0)
            return u->old_params[i].val;
    return NULL;
}

bool cfg_txn_old_admin(const struct cfg_txn *txn, const struct cfg_node *n, bool *admin_up)
{
    if (cfg_txn_is_new(txn, n))
        return false;
    const struct undo *u = first_op(txn, n, U_ADMIN);
    *admin_up = u ? u->old_admin : n->admin_up;
    return true;
}

int cfg_txn_last_delete_line(const struct cfg_txn *txn)
{
    for (size_t i = txn->nops; i-- > 0;)
        if (txn->ops[i].op == U_DELETE)
            return txn->ops[i].line;
    return 0;
}

bool cfg_txn_changed_while_up(const struct cfg_txn *txn, const struct cfg_node *n)
{
    char k[48];
    snprintf(k, sizeof k, "%p", (const void *)n);
    return zhashx_lookup(txn->while_up, k) != NULL;
}

int cfg_txn_last_line(const struct cfg_txn *txn)
{
    return txn->nops ? txn->ops[txn->nops - 1].line : 0;
}

static bool attached(const struct cfg_tree *t, const struct cfg_node *n)
{
    while (n->parent)
        n = n->parent;
    return n == t->root;
}

static void visit_removed(const struct cfg_change_visitor *v, const struct cfg_node *n)
{
    v->remove(v->arg, n->id);
    for (const struct cfg_node *c = n->child; c; c = c->next)
        visit_removed(v, c);
}

void cfg_txn_visit(const struct cfg_txn *txn, const struct cfg_change_visitor *v)
{
    for (size_t i = 0; i < txn->nops; i++)
        if (txn->ops[i].op == U_DELETE)
            visit_removed(v, txn->ops[i].node);
    for (size_t i = 0; i < txn->nops; i++) {
        const struct undo *u = &txn->ops[i];
        if (u->op != U_DELETE && attached(txn->tree, u->node))
            v->upsert(v->arg, u->node);
    }
}

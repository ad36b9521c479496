/* cpm's configuration: the schema of SR OS classic CLI commands, the tree of
 * configured objects, and transactions that change it all or nothing.
 *
 * The tree is generic: every node is an instance of a schema command
 * (card 1, interface "to-wan", address 10.0.0.1/24). Semantic rules live in
 * config_validate.c; readers use the accessors below with the chapter's
 * words ("tunnel-group", "primary"). */
#ifndef SRLAB_CPM_CONFIG_H
#define SRLAB_CPM_CONFIG_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

#include "grammar.h"

/* schema flags */
#define SC_CONTAINER 0x01  /* opens a context (has children) */
#define SC_CREATE    0x02  /* first creation needs the 'create' keyword */
#define SC_ADMIN     0x04  /* has [no] shutdown */
#define SC_ADMIN_UP  0x08  /* created admin up (no shutdown) */
#define SC_MULTI     0x10  /* several instances, told apart by key params */
#define SC_PRESENCE  0x20  /* singleton container shown even when empty */
#define SC_NOEMPTY   0x40  /* leaf: 'no X' takes no arguments */
#define SC_DEBUG     0x80  /* the `debug` tree: entered from the root, not printed by display-config */

struct schema {
    const char *word;
    const char *syntax;        /* grammar of the arguments (grammar.h) */
    unsigned flags;
    const char *key;           /* SC_MULTI: space-separated key params; NULL: all params */
    const char *create_req;    /* params required when the object is created */
    struct schema *children;   /* array ending with { NULL } */
    const char *section;       /* top-level: display-config echo title */
    /* filled by schema_init() */
    struct grammar *g;
    int index;                 /* position among its siblings */
};

struct cfg_param {
    const char *name;          /* points into the grammar */
    char *val;
};

struct cfg_node {
    uint64_t id;               /* stable: the SQLite row id */
    struct schema *sc;
    struct cfg_node *parent, *child, *last, *next, *prev;
    uint64_t hits;             /* grammar elements matched */
    int nparams;
    struct cfg_param *params;
    char *key;                 /* SC_MULTI instance key; NULL for singletons */
    bool admin_up;
    int line;                  /* line that last changed it in this transaction; 0 if none */
};

struct cfg_tree {
    struct cfg_node *root;     /* "configure" */
    uint64_t next_id;
    zhashx_t *by_key;          /* "parent-id|schema|key" -> node */
    zhashx_t *by_id;           /* "id" -> node */
};

/* ---- schema ---- */
struct schema *schema_root(void);
int schema_init(char *err, size_t errlen); /* compiles every grammar once */
struct schema *schema_child(const struct schema *sc, const char *word);
/* The whole command tree as text (cpm --schema, docs/cli.md). */
char *schema_dump(void);

/* ---- tree ---- */
struct cfg_tree *cfg_tree_new(void);
void cfg_tree_free(struct cfg_tree **tree);
struct cfg_node *cfg_node_by_id(const struct cfg_tree *tree, uint64_t id);
/* Finds the instance of sc under parent with key (NULL for singletons). */
struct cfg_node *cfg_lookup(const struct cfg_tree *tree, const struct cfg_node *parent,
                            const struct schema *sc, const char *key);
/* Computes the instance key of a match for sc into out. */
void cfg_match_key(const struct schema *sc, const struct gmatch *m, char *out, size_t outlen);
/* The node's arguments as CLI text (leading space before each). */
void cfg_node_args(const struct cfg_node *n, char *out, size_t outlen);
void cfg_node_to_match(const struct cfg_node *n, struct gmatch *m);

/* accessors (word = a child command's keyword) */
const char *cfg_get(const struct cfg_node *n, const char *param);
long cfg_get_int(const struct cfg_node *n, const char *param, long dflt);
bool cfg_hit(const struct cfg_node *n, const char *word); /* keyword matched in its args */
struct cfg_node *cfg_child(const struct cfg_node *n, const char *word); /* first instance */
struct cfg_node *cfg_next_same(const struct cfg_node *n);               /* next instance */
struct cfg_node *cfg_find(const struct cfg_tree *t, const struct cfg_node *n, const char *word,
                          const char *key);
/* value of param of the (singleton) child leaf word, or NULL */
const char *cfg_leaf(const struct cfg_node *n, const char *word, const char *param);
#define cfg_each(var, parent, word) \
    for (struct cfg_node *var = cfg_child(parent, word); var; var = cfg_next_same(var))

/* ---- transactions ---- */
struct cfg_txn;
struct cfg_txn *cfg_txn_begin(struct cfg_tree *tree);
struct cfg_tree *cfg_txn_tree(const struct cfg_txn *txn);
/* Keeps the changes; returns the ids written/deleted for the store. */
void cfg_txn_commit(struct cfg_txn **txn);
void cfg_txn_rollback(struct cfg_txn **txn);
bool cfg_txn_changed(const struct cfg_txn *txn);
/* Old value of a node's parameter before this transaction (node modified in
 * it); NULL when the node is new or the parameter was unset. */
const char *cfg_txn_old(const struct cfg_txn *txn, const struct cfg_node *n, const char *param);
bool cfg_txn_is_new(const struct cfg_txn *txn, const struct cfg_node *n);
bool cfg_txn_old_admin(const struct cfg_txn *txn, const struct cfg_node *n, bool *admin_up);
/* Line of the latest deletion in this transaction (for errors about what it removed). */
int cfg_txn_last_delete_line(const struct cfg_txn *txn);
/* Whether n was added, set or removed in this transaction while the
 * object owning it (its nearest container with admin state) was up: the
 * chapter's "shut down to change" rules look at this, so a file may shut an
 * object, change it and bring it up again. */
bool cfg_txn_changed_while_up(const struct cfg_txn *txn, const struct cfg_node *n);
/* Line of the latest change of any kind in this transaction. */
int cfg_txn_last_line(const struct cfg_txn *txn);

/* tree edits, recorded for rollback */
struct cfg_node *cfg_txn_add(struct cfg_txn *txn, struct cfg_node *parent, struct schema *sc,
                             const struct gmatch *m, int line);
void cfg_txn_set(struct cfg_txn *txn, struct cfg_node *n, const struct gmatch *m, int line);
void cfg_txn_set_admin(struct cfg_txn *txn, struct cfg_node *n, bool up, int line);
void cfg_txn_delete(struct cfg_txn *txn, struct cfg_node *n, int line);

/* What a commit changed, for the store: visited in order. */
struct cfg_change_visitor {
    void (*upsert)(void *arg, const struct cfg_node *n);
    void (*remove)(void *arg, uint64_t id);
    void *arg;
};
void cfg_txn_visit(const struct cfg_txn *txn, const struct cfg_change_visitor *v);

/* Low-level insert used by the store's loader (no transaction). */
struct cfg_node *cfg_tree_insert(struct cfg_tree *tree, struct cfg_node *parent,
                                 struct schema *sc, const struct gmatch *m, uint64_t id);

/* ---- text ---- */
/* Splits a line into tokens (quotes, backslash escapes in quotes, '#'
 * comments). Returns the count, or -1 with err for an unterminated quote. */
int cli_tokenize(const char *line, char *buf, size_t buflen, struct token *toks, int maxtoks,
                 char *err, size_t errlen);

/* display-config of the whole tree, or `info` of one node's subtree. */
char *cfg_display(const struct cfg_tree *tree, const char *banner);
char *cfg_info(const struct cfg_node *n);
/* The `debug` tree (mirror sources), as `show debug` prints it. */
char *cfg_debug_display(const struct cfg_tree *tree);

#endif

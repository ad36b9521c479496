#include "config_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "log.h"

struct cfg_store {
    sqlite3 *db;
    sqlite3_stmt *upsert, *remove;
};

static const char *const schema_sql =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS config_node("
    "  id INTEGER PRIMARY KEY, parent INTEGER NOT NULL, word TEXT NOT NULL,"
    "  args TEXT NOT NULL, admin_up INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS commit_log("
    "  generation INTEGER PRIMARY KEY, time TEXT NOT NULL, source TEXT NOT NULL,"
    "  changes INTEGER NOT NULL);";

struct cfg_store *cfg_store_open(const char *path, char *err, size_t errlen)
{
    struct cfg_store *st = calloc(1, sizeof *st);
    char *msg = NULL;
    if (sqlite3_open(path, &st->db) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(st->db, 2000);
    if (sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR REPLACE INTO config_node(id,parent,word,args,admin_up) "
                           "VALUES(?,?,?,?,?)", -1, &st->upsert, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "DELETE FROM config_node WHERE id=?", -1, &st->remove,
                           NULL) != SQLITE_OK)
        goto fail;
    return st;
fail:
    snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(st->db));
    sqlite3_free(msg);
    cfg_store_close(&st);
    return NULL;
}

void cfg_store_close(struct cfg_store **pst)
{
    struct cfg_store *st = *pst;
    if (!st)
        return;
    sqlite3_finalize(st->upsert);
    sqlite3_finalize(st->remove);
    sqlite3_close(st->db);
    free(st);
    *pst = NULL;
}

sqlite3 *cfg_store_db(struct cfg_store *st)
{
    return st->db;
}

int cfg_store_load(struct cfg_store *st, struct cfg_tree *tree, uint64_t *generation, char *err,
                   size_t errlen)
{
    sqlite3_stmt *q = NULL;
    int rc = -1;
    *generation = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key='generation'", -1, &q,
                           NULL) != SQLITE_OK)
        goto sqlfail;
    if (sqlite3_step(q) == SQLITE_ROW)
        *generation = strtoull((const char *)sqlite3_column_text(q, 0), NULL, 10);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id,parent,word,args,admin_up FROM config_node "
                           "ORDER BY id", -1, &q, NULL) != SQLITE_OK)
        goto sqlfail;
    while (sqlite3_step(q) == SQLITE_ROW) {
        uint64_t id = (uint64_t)sqlite3_column_int64(q, 0);
        uint64_t parent_id = (uint64_t)sqlite3_column_int64(q, 1);
        const char *word = (const char *)sqlite3_column_text(q, 2);
        const char *args = (const char *)sqlite3_column_text(q, 3);
        struct cfg_node *parent = cfg_node_by_id(tree, parent_id);
        struct schema *sc = parent && word ? schema_child(parent->sc, word) : NULL;
        if (!sc || id <= 1 || cfg_node_by_id(tree, id)) {
            snprintf(err, errlen, "stored configuration row %lu ('%s') does not fit the tree",
                     (unsigned long)id, word ? word : "?");
            goto done;
        }
        char buf[CLI_MAX_LINE], terr[256];
        struct token toks[CLI_MAX_TOKENS];
        int n = cli_tokenize(args ? args : "", buf, sizeof buf, toks, CLI_MAX_TOKENS, terr,
                             sizeof terr);
        struct gmatch m;
        int bad;
        if (n < 0 || grammar_match(sc->g, toks, n, &m, terr, sizeof terr, &bad) != n) {
            snprintf(err, errlen, "stored configuration row %lu ('%s%s') is invalid: %s",
                     (unsigned long)id, word, args ? args : "", terr);
            goto done;
        }
        struct cfg_node *node = cfg_tree_insert(tree, parent, sc, &m, id);
        node->admin_up = sqlite3_column_int(q, 4) != 0;
    }
    rc = 0;
    goto done;
sqlfail:
    snprintf(err, errlen, "loading configuration: %s", sqlite3_errmsg(st->db));
done:
    sqlite3_finalize(q);
    return rc;
}

struct commit_ctx {
    struct cfg_store *st;
    int failed;
    int changes;
};

static void on_upsert(void *arg, const struct cfg_node *n)
{
    struct commit_ctx *c = arg;
    char args[1024];
    cfg_node_args(n, args, sizeof args);
    sqlite3_reset(c->st->upsert);
    sqlite3_bind_int64(c->st->upsert, 1, (sqlite3_int64)n->id);
    sqlite3_bind_int64(c->st->upsert, 2, (sqlite3_int64)n->parent->id);
    sqlite3_bind_text(c->st->upsert, 3, n->sc->word, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->st->upsert, 4, args, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(c->st->upsert, 5, n->admin_up);
    if (sqlite3_step(c->st->upsert) != SQLITE_DONE)
        c->failed = 1;
    c->changes++;
}

static void on_remove(void *arg, uint64_t id)
{
    struct commit_ctx *c = arg;
    sqlite3_reset(c->st->remove);
    sqlite3_bind_int64(c->st->remove, 1, (sqlite3_int64)id);
    if (sqlite3_step(c->st->remove) != SQLITE_DONE)
        c->failed = 1;
    c->changes++;
}

int cfg_store_commit(struct cfg_store *st, const struct cfg_txn *txn, uint64_t generation,
                     const char *source, char *err, size_t errlen)
{
    struct commit_ctx c = { .st = st };
    sqlite3_stmt *q = NULL;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    struct cfg_change_visitor v = { .upsert = on_upsert, .remove = on_remove, .arg = &c };
    cfg_txn_visit(txn, &v);
    if (c.failed)
        goto rollback;
    char gen[32];
    snprintf(gen, sizeof gen, "%lu", (unsigned long)generation);
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key,value) VALUES('generation',?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto rollback;
    sqlite3_bind_text(q, 1, gen, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) != SQLITE_DONE)
        goto rollback;
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO commit_log(generation,time,source,"
                           "changes) VALUES(?,strftime('%Y-%m-%dT%H:%M:%fZ','now'),?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto rollback;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)generation);
    sqlite3_bind_text(q, 2, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, c.changes);
    if (sqlite3_step(q) != SQLITE_DONE)
        goto rollback;
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto rollback;
    return 0;
rollback:
    snprintf(err, errlen, "configuration store: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(q);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    log_error("store_commit_failed", "reason=%s", log_q(err));
    return -1;
fail:
    snprintf(err, errlen, "configuration store: %s", sqlite3_errmsg(st->db));
    return -1;
}

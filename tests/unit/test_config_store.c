/* cpm/config_store.c: the configuration in SQLite. A commit written to the
 * store and loaded into a fresh tree gives back the same display-config and
 * generation; a damaged row is refused, not trusted. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpm/config.h"
#include "cpm/config_parse.h"
#include "cpm/config_store.h"
#include "log.h"

static char dir[64];
static char path[128];
static struct cfg_store *store;
static struct cfg_tree *tree;

static void setup(void)
{
    char err[256];
    log_open("test", "/dev/null");
    cr_assert_eq(schema_init(err, sizeof err), 0, "%s", err);
    snprintf(dir, sizeof dir, "/tmp/srlab-store-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/config.db", dir);
    store = cfg_store_open(path, err, sizeof err);
    cr_assert_not_null(store, "%s", err);
    tree = cfg_tree_new();
}

static void teardown(void)
{
    char f[160];
    cfg_store_close(&store);
    cfg_tree_free(&tree);
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s%s", path, suffixes[i]);
        unlink(f);
    }
    rmdir(dir);
    log_close();
}

TestSuite(store, .init = setup, .fini = teardown);

/* Applies text to the tree and commits it to the store as generation gen. */
static void commit(const char *text, uint64_t gen)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    char msg[512];
    if (cfg_apply_text(txn, text, &e) != 0) {
        cfg_error_format(&e, msg, sizeof msg);
        cfg_txn_rollback(&txn);
        cr_assert_fail("does not apply: %s", msg);
    }
    if (cfg_store_commit(store, txn, gen, "unit-test", msg, sizeof msg) != 0) {
        cfg_txn_rollback(&txn);
        cr_assert_fail("store commit: %s", msg);
    }
    cfg_txn_commit(&txn);
}

/* Loads the store into a fresh tree and expects tree's display-config. */
static void expect_reload(uint64_t want_gen)
{
    struct cfg_tree *fresh = cfg_tree_new();
    uint64_t gen = 99;
    char err[512] = "";
    cr_assert_eq(cfg_store_load(store, fresh, &gen, err, sizeof err), 0, "%s", err);
    cr_expect_eq(gen, want_gen, "generation %lu", (unsigned long)gen);
    char *want = cfg_display(tree, NULL);
    char *got = cfg_display(fresh, NULL);
    cr_expect_str_eq(got, want);
    free(want);
    free(got);
    cfg_tree_free(&fresh);
}

/* Runs one SQL statement on the store's database. */
static void sql(const char *stmt)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(cfg_store_db(store), stmt, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
                 stmt, msg ? msg : "");
}

/* Loading must fail with exactly want. */
static void expect_load_error(const char *want)
{
    struct cfg_tree *fresh = cfg_tree_new();
    uint64_t gen;
    char err[512] = "";
    cr_expect_eq(cfg_store_load(store, fresh, &gen, err, sizeof err), -1);
    cr_expect_str_eq(err, want);
    cfg_tree_free(&fresh);
}

static const char *const CONFIG =
    "configure\n"
    "    system name \"PE-1\"\n"
    "    card 1 card-type iom4-e\n"
    "    card 1 mda 1 mda-type me10-10gb-sfp+\n"
    "    card 1 mda 2 mda-type isa2-tunnel\n"
    "    card 2 card-type iom4-e\n"
    "    card 2 mda 1 mda-type isa2-tunnel\n"
    "    port 1/1/1 description \"access \\\"A\\\"\"\n"
    "    port 1/1/1 ethernet mode access\n"
    "    port 1/1/1 ethernet encap-type dot1q\n"
    "    port 1/1/1 no shutdown\n"
    "    port 1/1/2 no shutdown\n"
    "    isa tunnel-group 1 create primary 1/2\n"
    "    isa tunnel-group 1 backup 2/1\n"
    "    isa tunnel-group 1 no shutdown\n"
    "    service vprn 10 name \"blue\" customer 1 create\n"
    "    service vprn 10 interface \"lan\" create address 10.0.0.1/24\n"
    "    service vprn 10 interface \"lan\" sap 1/1/1:100 create\n"
    "    service vprn 10 interface \"lan\" ipv6 address 2001:DB8::1/64\n"
    "    service vprn 10 interface \"old\" create address 10.0.1.1/24\n"
    "    service vprn 10 interface \"tun\" tunnel create address 10.255.0.1/30\n"
    "    service vprn 10 interface \"tun\" sap tunnel-1.private:1 create\n"
    "    service vprn 10 static-route-entry 10.20.0.0/16 next-hop 10.0.0.2 no shutdown\n"
    "    service vprn 10 no shutdown\n"
    "    router interface \"core\" port 1/1/2\n"
    "    router interface \"core\" address 192.0.2.1/31\n"
    "exit all\n";

Test(store, empty_store_loads_nothing)
{
    struct cfg_tree *fresh = cfg_tree_new();
    uint64_t gen = 99;
    char err[256] = "";
    cr_assert_eq(cfg_store_load(store, fresh, &gen, err, sizeof err), 0, "%s", err);
    cr_expect_eq(gen, 0);
    cr_expect_null(fresh->root->child);
    cfg_tree_free(&fresh);
}

Test(store, commit_then_load)
{
    commit(CONFIG, 1);
    expect_reload(1);
    /* the stored rows keep the nodes' ids */
    struct cfg_tree *fresh = cfg_tree_new();
    uint64_t gen;
    char err[256];
    cr_assert_eq(cfg_store_load(store, fresh, &gen, err, sizeof err), 0, "%s", err);
    struct cfg_node *a = cfg_find(tree, cfg_find(tree, cfg_child(tree->root, "service"), "vprn",
                                                 "10"), "interface", "lan");
    struct cfg_node *b = cfg_find(fresh, cfg_find(fresh, cfg_child(fresh->root, "service"),
                                                  "vprn", "10"), "interface", "lan");
    cr_assert(a && b);
    cr_expect_eq(a->id, b->id);
    cfg_tree_free(&fresh);
}

Test(store, commit_log_records_generation_and_source)
{
    commit(CONFIG, 7);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(cfg_store_db(store),
                                    "SELECT generation, source FROM commit_log", -1, &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_expect_eq(sqlite3_column_int64(q, 0), 7);
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 1), "unit-test");
    cr_expect_eq(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
}

Test(store, second_commit_deletes_and_modifies)
{
    commit(CONFIG, 1);
    commit("configure\n"
           "    system name \"PE-2\"\n"
           "    port 1/1/1 description \"changed\"\n"
           "    port 1/1/1 ethernet no encap-type\n"
           "    port 1/1/2 shutdown\n"
           "    service vprn 10 interface \"old\" shutdown\n"
           "    service vprn 10 no interface \"old\"\n"
           "    service vprn 10 interface \"lan\" ipv6 no address 2001:db8::1/64\n"
           "    service vprn 10 interface \"lan\" ipv6 address 2001:db8::2/64\n"
           "    service vprn 10 interface \"new\" create address 10.0.2.1/24\n"
           "    service vprn 10 static-route-entry 10.20.0.0/16 next-hop 10.0.0.2 shutdown\n"
           "    service vprn 10 no static-route-entry 10.20.0.0/16\n"
           "    isa tunnel-group 1 shutdown\n"
           "    isa tunnel-group 1 no backup\n"
           "    card 1 mda 1 shutdown\n"
           "exit all\n", 2);
    expect_reload(2);

    /* the deleted subtrees left no rows behind */
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(cfg_store_db(store),
                                    "SELECT count(*) FROM config_node WHERE word IN "
                                    "('static-route-entry','next-hop','backup','encap-type')",
                                    -1, &q, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_expect_eq(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
}

Test(store, survives_close_and_reopen)
{
    commit(CONFIG, 3);
    cfg_store_close(&store);
    cr_expect_null(store);
    char err[256];
    store = cfg_store_open(path, err, sizeof err);
    cr_assert_not_null(store, "%s", err);
    expect_reload(3);
}

Test(store, add_and_remove_in_one_transaction)
{
    commit(CONFIG, 1);
    commit("configure port 1/1/3 description \"brief\"\n"
           "configure no port 1/1/3\n", 2);
    expect_reload(2);
}

Test(store, corrupted_args_refused)
{
    commit(CONFIG, 1);
    unsigned long id = (unsigned long)cfg_find(tree, tree->root, "card", "2")->id;
    sql("UPDATE config_node SET args='bogus!!' WHERE word='card' AND args=' 2'");
    char want[256];
    snprintf(want, sizeof want, "stored configuration row %lu ('cardbogus!!') is invalid: "
             "'bogus!!' is not a number in range 1..10", id);
    expect_load_error(want);
}

Test(store, corrupted_rows_refused)
{
    commit(CONFIG, 1);
    struct cfg_node *name = cfg_child(cfg_child(tree->root, "system"), "name");
    unsigned long id = (unsigned long)name->id;
    char stmt[128], want[256];

    snprintf(stmt, sizeof stmt, "UPDATE config_node SET args=' \"unterminated' WHERE id=%lu", id);
    sql(stmt);
    snprintf(want, sizeof want, "stored configuration row %lu ('name \"unterminated') is invalid: "
             "unterminated quoted string", id);
    expect_load_error(want);

    snprintf(stmt, sizeof stmt, "UPDATE config_node SET word='no-such-word' WHERE id=%lu", id);
    sql(stmt);
    snprintf(want, sizeof want, "stored configuration row %lu ('no-such-word') does not fit the "
             "tree", id);
    expect_load_error(want);

    snprintf(stmt, sizeof stmt, "UPDATE config_node SET word='name', parent=9999 WHERE id=%lu",
             id);
    sql(stmt);
    snprintf(want, sizeof want, "stored configuration row %lu ('name') does not fit the tree", id);
    expect_load_error(want);

    sql("INSERT INTO config_node(id,parent,word,args,admin_up) VALUES(1,0,'system','',0)");
    expect_load_error("stored configuration row 1 ('system') does not fit the tree");
}

Test(store, failed_commit_writes_nothing)
{
    commit(CONFIG, 1);
    /* another connection holds the write lock past the busy timeout */
    sqlite3 *other;
    cr_assert_eq(sqlite3_open(path, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    cr_assert_eq(cfg_apply_text(txn, "configure system name \"locked\"\n", &e), 0);
    char err[256] = "";
    cr_expect_eq(cfg_store_commit(store, txn, 2, "unit-test", err, sizeof err), -1);
    cr_expect_str_eq(err, "configuration store: database is locked");
    cfg_txn_rollback(&txn);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    expect_reload(1);
}

/* BUG: a <word> value that starts with '#' is stored unquoted (grammar.c
 * print_el) and reads back as a comment, so the store cannot be loaded after
 * a restart: "stored configuration row N ('route-distinguisher #1') is
 * invalid: missing value for <rd>". */
Test(store, word_starting_with_hash_reloads)
{
    commit("configure service vprn 1 customer 1 create route-distinguisher \"#1\"\n", 1);
    expect_reload(1);
}

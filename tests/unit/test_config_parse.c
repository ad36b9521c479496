/* cpm/config_parse.c: classic CLI text applied to the configuration tree in
 * a transaction — contexts, create, no, [no] shutdown, errors that name the
 * line and word, and rollback. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpm/config.h"
#include "cpm/config_parse.h"

static struct cfg_tree *tree;

static void setup(void)
{
    char err[256];
    cr_assert_eq(schema_init(err, sizeof err), 0, "%s", err);
    tree = cfg_tree_new();
}

static void teardown(void)
{
    cfg_tree_free(&tree);
}

TestSuite(parse, .init = setup, .fini = teardown);

/* Applies text in one transaction: committed when it applies, rolled back
 * when it does not. msg gets the formatted error ("" on success). */
static int apply(const char *text, char *msg, size_t len)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    int rc = cfg_apply_text(txn, text, &e);
    if (rc == 0) {
        cfg_txn_commit(&txn);
        msg[0] = 0;
    } else {
        cfg_txn_rollback(&txn);
        cfg_error_format(&e, msg, len);
    }
    return rc;
}

static void apply_ok(const char *text)
{
    char msg[512];
    cr_assert_eq(apply(text, msg, sizeof msg), 0, "%s", msg);
}

static void expect_error(const char *text, const char *want)
{
    char msg[512];
    cr_expect_eq(apply(text, msg, sizeof msg), -1, "applied: %s", text);
    cr_expect_str_eq(msg, want);
}

/* A node by path of (word, key) pairs from the root; key NULL for singletons. */
static struct cfg_node *node_at(int depth, const char *const *path)
{
    struct cfg_node *n = tree->root;
    for (int i = 0; n && i < depth; i++)
        n = cfg_find(tree, n, path[2 * i], path[2 * i + 1]);
    return n;
}
#define AT(...) node_at(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *) / 2, \
                        (const char *[]){ __VA_ARGS__ })

static const char *const CARD1 =
    "configure\n"
    "    card 1\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type me10-10gb-sfp+\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

/* ---- contexts ------------------------------------------------------------- */

Test(parse, contexts_exit_and_exit_all)
{
    apply_ok("configure\n"
             "    system\n"
             "        name \"PE-1\"\n"
             "    exit\n"
             "    card 1\n"
             "        card-type iom4-e\n"
             "        mda 2\n"
             "            mda-type isa2-tunnel\n"
             "        exit all\n"
             "configure\n"
             "    port 1/1/1\n"
             "        description \"to CE\"\n"
             "    exit\n"
             "exit all\n");
    cr_expect_str_eq(cfg_leaf(AT("system", NULL), "name", "name"), "PE-1");
    cr_expect_str_eq(cfg_leaf(AT("card", "1"), "card-type", "type"), "iom4-e");
    cr_expect_str_eq(cfg_leaf(AT("card", "1", "mda", "2"), "mda-type", "type"), "isa2-tunnel");
    cr_expect_str_eq(cfg_leaf(AT("port", "1/1/1"), "description", "text"), "to CE");
    /* `exit all` left configure: a bare command is refused */
    expect_error("configure\nexit all\ncard 2\n",
                 "line 3: 'card': not a configuration command (expected 'configure')");
}

Test(parse, context_path_follows_the_cli)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_node *ctx = NULL;
    struct cfg_error e = { 0 };
    char path[128];
    const struct {
        const char *line, *path;
    } steps[] = {
        { "configure", "config" },
        { "service", "config>service" },
        { "vprn 10 customer 1 create", "config>service>vprn" },
        { "interface \"a\" create", "config>service>vprn>interface" },
        { "sap 1/1/1:5 create", "config>service>vprn>interface>sap" },
        { "exit", "config>service>vprn>interface" },
        { "back", "config>service>vprn" },
        { "static-route-entry 10.0.0.0/8", "config>service>vprn>static-route-entry" },
        { "exit all", "(root)" },
        { "exit", "(root)" },
        { "configure port 1/1/1 no shutdown", "(root)" }, /* one-liner stays outside */
        { "configure service", "config>service" },
        { "configure port 1/1/2 description \"x\"", "config" }, /* inside: back to the top */
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        cr_assert_eq(cfg_apply_line(txn, &ctx, steps[i].line, (int)i + 1, &e), 0, "%s: %s",
                     steps[i].line, e.reason);
        cfg_context_path(ctx, path, sizeof path);
        cr_expect_str_eq(path, steps[i].path, "after '%s'", steps[i].line);
    }
    cfg_txn_commit(&txn);
    cr_expect(AT("port", "1/1/1")->admin_up);
}

Test(parse, configure_one_liners)
{
    apply_ok("configure port 1/1/2 ethernet mode access\n"
             "configure port 1/1/2 ethernet encap-type dot1q\n"
             "configure service vprn 10 customer 1 create\n"
             "configure service vprn 10 interface \"a\" create address 10.0.0.1/24\n"
             "configure service vprn 10 interface \"a\" sap 1/1/2:7 create\n"
             "configure isa tunnel-group 2 isa-scale-mode tunnel-limit-2k create\n");
    struct cfg_node *eth = AT("port", "1/1/2", "ethernet", NULL);
    cr_expect_str_eq(cfg_leaf(eth, "mode", "mode"), "access");
    cr_expect_str_eq(cfg_leaf(eth, "encap-type", "encap"), "dot1q");
    struct cfg_node *a = AT("service", NULL, "vprn", "10", "interface", "a");
    cr_assert_not_null(a);
    cr_expect_str_eq(cfg_leaf(a, "address", "address"), "10.0.0.1/24");
    cr_expect_not_null(cfg_find(tree, a, "sap", "1/1/2:7"));
    struct cfg_node *tg = AT("isa", NULL, "tunnel-group", "2");
    cr_assert_not_null(tg);
    cr_expect_str_eq(cfg_get(tg, "mode"), "tunnel-limit-2k");
    cr_expect_not(tg->admin_up);
}

/* ---- no, shutdown ------------------------------------------------------------ */

Test(parse, no_removes_leaves_and_containers)
{
    apply_ok(CARD1);
    apply_ok("configure port 1/1/1 description \"x\"\n"
             "configure port 1/1/1 ethernet mode access\n");
    apply_ok("configure\n"
             "    port 1/1/1\n"
             "        no description\n"
             "        no ethernet\n"
             "        no description\n"   /* already gone: no-op */
             "    exit\n"
             "    no port 1/1/1\n");
    cr_expect_null(AT("port", "1/1/1"));
    expect_error("configure\n    no port 1/1/9\n",
                 "line 2: 'port': port 1/1/9 does not exist");
    expect_error("configure isa tunnel-group 1 create\n"
                 "configure isa tunnel-group 1 no multi-active now\n",
                 "line 2: 'now': 'no multi-active' takes no arguments");
    expect_error("configure\n    no\n", "line 2: 'no': 'no' needs a command");
}

Test(parse, shutdown_and_no_shutdown)
{
    apply_ok("configure port 1/1/1 create\n");
    struct cfg_node *port = AT("port", "1/1/1");
    cr_assert_not_null(port);
    cr_expect_not(port->admin_up, "ports are created shut down");
    apply_ok("configure\n    port 1/1/1\n        no shutdown\n");
    cr_expect(port->admin_up);
    apply_ok("configure port 1/1/1 shutdown\n");
    cr_expect_not(port->admin_up);
    apply_ok("configure card 3\n");
    cr_expect(AT("card", "3")->admin_up, "cards are created admin up");
    expect_error("configure\n    port 1/1/1\n        shutdown now\n",
                 "line 3: 'now': 'shutdown' takes no arguments");
    expect_error("configure\n    system\n        no shutdown\n",
                 "line 3: 'shutdown': 'system' has no admin state");
    expect_error("configure\n    shutdown\n", "line 2: 'shutdown': 'configure' has no admin state");
}

/* ---- creation ---------------------------------------------------------------- */

Test(parse, creation_needs_create)
{
    expect_error("configure\n    service\n        vprn 20 customer 1\n",
                 "line 3: 'vprn': vprn 20 customer 1 does not exist: add 'create' to create it");
    expect_error("configure service vprn 20 customer 1 create interface \"a\"\n",
                 "line 1: 'interface': interface \"a\" does not exist: add 'create' to create it");
    cr_expect_null(AT("service", NULL, "vprn", "20"), "the failed text left nothing behind");
    apply_ok("configure service vprn 20 customer 1 create\n");
    /* once it exists, entering it needs neither create nor its attributes */
    apply_ok("configure service vprn 20\nconfigure service vprn 20 customer 1 create\n");
}

Test(parse, create_requires_customer)
{
    expect_error("configure\n    service\n        vprn 20 create\n",
                 "line 3: 'vprn': creating vprn 20 needs 'customer <value>'");
    expect_error("configure service ies 5 name \"x\" create\n",
                 "line 1: 'ies': creating ies 5 name \"x\" needs 'customer <value>'");
}

Test(parse, creation_attributes_cannot_change)
{
    apply_ok("configure service vprn 20 customer 1 create\n"
             "configure isa tunnel-group 1 isa-scale-mode tunnel-limit-2k create\n");
    expect_error("configure\n    service\n        vprn 20 customer 2\n",
                 "line 3: '2': vprn 20 exists with customer 1; it cannot be changed after "
                 "creation");
    expect_error("configure isa tunnel-group 1 isa-scale-mode tunnel-limit-32k create\n",
                 "line 1: 'tunnel-limit-32k': tunnel-group 1 exists with mode tunnel-limit-2k; "
                 "it cannot be changed after creation");
    expect_error("configure service vprn 20 name \"n\"\n",
                 "line 1: 'n': vprn 20 exists with name unset; it cannot be changed after "
                 "creation");
}

/* BUG: the `tunnel` keyword of an interface is a creation attribute
 * (config_parse.c do_container: "Creation-time attributes (customer,
 * isa-scale-mode, tunnel) stay"), but only parameters are compared, not
 * keywords, so `interface "a" tunnel` on an existing plain interface is
 * accepted silently and the interface stays a plain one. */
Test(parse, tunnel_keyword_cannot_be_added_later)
{
    apply_ok("configure service vprn 20 customer 1 create interface \"a\" create\n");
    char msg[512];
    int rc = apply("configure service vprn 20 interface \"a\" tunnel\n", msg, sizeof msg);
    cr_expect_eq(rc, -1, "a plain interface became a tunnel interface without complaint");
    cr_expect(strstr(msg, "cannot be changed after creation") != NULL, "%s", msg);
}

/* BUG (likely): a line naming nested contexts does not enter the innermost
 * one. `service` then `vprn 10 ...` on two lines leaves the CLI in
 * config>service>vprn, but `service vprn 10 customer 1 create` on one line
 * leaves it in config (config_parse.c do_container: after the nested
 * apply_cmd, `*out_ctx = where`), so the next line, `route-distinguisher`,
 * is an unknown command. On the router the prompt moves to the innermost
 * context named, as `configure service` alone already does here. */
Test(parse, nested_context_line_enters_innermost)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_node *ctx = NULL;
    struct cfg_error e = { 0 };
    char path[128];
    cr_assert_eq(cfg_apply_line(txn, &ctx, "configure", 1, &e), 0);
    cr_assert_eq(cfg_apply_line(txn, &ctx, "service vprn 10 customer 1 create", 2, &e), 0);
    cfg_context_path(ctx, path, sizeof path);
    cr_expect_str_eq(path, "config>service>vprn");
    cr_expect_eq(cfg_apply_line(txn, &ctx, "route-distinguisher 65000:10", 3, &e), 0, "%s",
                 e.reason);
    cfg_txn_rollback(&txn);
}

/* ---- deletion of admin-up objects ---------------------------------------------- */

Test(parse, deleting_admin_up_refused)
{
    apply_ok(CARD1);
    expect_error("configure\n    no card 1\n",
                 "line 2: 'card': card 1 is not shut down: 'shutdown' it first");
    expect_error("configure card 1 shutdown\nconfigure no card 1\n",
                 "line 2: 'card': card 1 contains mda 1, which is not shut down");
    apply_ok("configure card 1 mda 1 shutdown\n"
             "configure card 1 shutdown\n"
             "configure no card 1\n");
    cr_expect_null(AT("card", "1"));

    apply_ok("configure service vprn 10 customer 1 create interface \"a\" create\n");
    expect_error("configure service no vprn 10\n",
                 "line 1: 'vprn': vprn 10 customer 1 contains interface \"a\", which is not "
                 "shut down");
}

/* ---- commands found in an enclosing context -------------------------------------- */

Test(parse, implicit_lookup_in_enclosing_contexts)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_node *ctx = NULL;
    struct cfg_error e = { 0 };
    char path[128];
    const char *lines[] = {
        "configure", "card 1", "card-type iom4-e",
        "port 1/1/1",                         /* not a card command: found at the root */
        "description \"moved\"",
        "service", "vprn 10 customer 1 create", "interface \"a\" create",
        "interface \"b\" create",             /* a sibling, not a child of "a" */
        "address 10.0.1.1/24",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert_eq(cfg_apply_line(txn, &ctx, lines[i], (int)i + 1, &e), 0, "%s: %s",
                     lines[i], e.reason);
    cfg_context_path(ctx, path, sizeof path);
    cr_expect_str_eq(path, "config>service>vprn>interface");
    cfg_txn_commit(&txn);
    cr_expect_str_eq(cfg_leaf(AT("port", "1/1/1"), "description", "text"), "moved");
    cr_expect_null(cfg_child(AT("card", "1"), "port"));
    cr_expect_str_eq(cfg_leaf(AT("service", NULL, "vprn", "10", "interface", "b"), "address",
                              "address"), "10.0.1.1/24");
    cr_expect_null(cfg_child(AT("service", NULL, "vprn", "10", "interface", "a"), "address"));

    expect_error("configure\n    card 1\n        bogus 1\n",
                 "line 3: 'bogus': unknown command in config>card");
    expect_error("configure\n    \"port\" 1/1/1\n",
                 "line 2: 'port': unknown command in config");
}

/* ---- errors ----------------------------------------------------------------------- */

Test(parse, error_names_line_and_word)
{
    expect_error("configure\n"
                 "    port 1/1/1\n"
                 "        ethernet\n"
                 "            mtu 100\n",
                 "line 4: '100': '100' is not a number in range 512..9800");
    expect_error("# header\n\nconfigure\n    card 1\n        card-type iom9\n",
                 "line 5: 'iom9': unknown card-type 'iom9' (known: iom3-xp, iom3-xp-b, "
                 "iom3-xp-c, iom4-e, iom4-e-b, iom4-e-hs, iom5-e)");
    expect_error("configure\n    port 1/1/1 create extra\n",
                 "line 2: 'extra': unknown command in config>port");
    expect_error("configure\n    system\n        name \"unterminated\n",
                 "line 3: unterminated quoted string");
    expect_error("configure\nexit now\n", "line 2: 'now': unexpected after 'exit'");
    expect_error("show router interface\n",
                 "line 1: 'show': not a configuration command (expected 'configure')");
}

Test(parse, error_format_variants)
{
    struct cfg_error e;
    char out[128];
    cfg_error_set(&e, 12, "mda-type", "MDA %s is busy", "1/2");
    cfg_error_format(&e, out, sizeof out);
    cr_expect_str_eq(out, "line 12: 'mda-type': MDA 1/2 is busy");
    cfg_error_set(&e, 3, NULL, "too long");
    cfg_error_format(&e, out, sizeof out);
    cr_expect_str_eq(out, "line 3: too long");
    cfg_error_set(&e, 0, "x", "bad");
    cfg_error_format(&e, out, sizeof out);
    cr_expect_str_eq(out, "'x': bad");
    cfg_error_set(&e, 0, "", "plain");
    cfg_error_format(&e, out, sizeof out);
    cr_expect_str_eq(out, "plain");
}

Test(parse, echo_and_comments_are_skipped)
{
    apply_ok("exit all\nconfigure\n#----\necho \"Card Configuration\"\n#----\n"
             "    card 4 # trailing comment\n    exit\nexit all\n");
    cr_expect_not_null(AT("card", "4"));
    /* files written on Windows */
    apply_ok("configure\r\n    card 5\r\n        card-type iom4-e\r\n    exit\r\nexit all\r\n");
    cr_expect_str_eq(cfg_leaf(AT("card", "5"), "card-type", "type"), "iom4-e");
}

/* ---- rollback ----------------------------------------------------------------------- */

Test(parse, rollback_restores_display_byte_for_byte)
{
    apply_ok(CARD1);
    apply_ok("configure\n"
             "    port 1/1/1\n"
             "        description \"edge\"\n"
             "        ethernet\n"
             "            mode access\n"
             "        exit\n"
             "        no shutdown\n"
             "    exit\n"
             "    service\n"
             "        vprn 10 customer 1 create\n"
             "            interface \"z\" create\n"
             "                address 10.0.0.1/24\n"
             "            exit\n"
             "            interface \"a\" create\n"
             "                sap 1/1/1 create\n"
             "                exit\n"
             "            exit\n"
             "        exit\n"
             "    exit\n");
    char *before = cfg_display(tree, NULL);

    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    cr_assert_eq(cfg_apply_text(txn,
        "configure\n"
        "    port 1/1/1 description \"changed\"\n"
        "    port 1/1/1 no ethernet\n"
        "    port 1/1/1 shutdown\n"
        "    port 1/1/2 create\n"
        "    card 2 card-type iom5-e\n"
        "    service vprn 10 interface \"z\" shutdown\n"
        "    service vprn 10 no interface \"z\"\n"
        "    service vprn 10 interface \"z\" create address 10.9.9.9/24\n"
        "    service vprn 10 interface \"a\" sap 1/1/1 shutdown\n"
        "    service vprn 10 interface \"a\" no sap 1/1/1\n"
        "    service vprn 10 interface \"n\" create\n"
        "    service vprn 10 interface \"n\" shutdown\n"
        "    service vprn 10 no interface \"n\"\n"
        "    card 1 mda 1 mda-type me6-10gb-sfp+\n", &e), 0, "line %d: %s", e.line, e.reason);
    cr_expect(cfg_txn_changed(txn));
    char *during = cfg_display(tree, NULL);
    cr_expect_str_neq(during, before);
    cfg_txn_rollback(&txn);
    char *after = cfg_display(tree, NULL);
    cr_expect_str_eq(after, before);

    /* the indexes were restored too: lookups and a new edit still work */
    struct cfg_node *z = AT("service", NULL, "vprn", "10", "interface", "z");
    cr_assert_not_null(z);
    cr_expect_str_eq(cfg_leaf(z, "address", "address"), "10.0.0.1/24");
    cr_expect_null(AT("port", "1/1/2"));
    apply_ok("configure service vprn 10 interface \"z\" address 10.0.0.2/24\n");
    cr_expect_str_eq(cfg_leaf(AT("service", NULL, "vprn", "10", "interface", "z"), "address",
                              "address"), "10.0.0.2/24");
    free(before);
    free(during);
    free(after);
}

Test(parse, failed_text_leaves_nothing)
{
    apply_ok(CARD1);
    char *before = cfg_display(tree, NULL);
    expect_error("configure\n"
                 "    card 2\n"
                 "        card-type iom4-e\n"
                 "    exit\n"
                 "    card 1 mda 2 mda-type isa2-tunnel\n"
                 "    port 1/1/1 ethernet mode trunk\n",
                 "line 6: 'trunk': 'trunk' is not one of: access, network, hybrid");
    char *after = cfg_display(tree, NULL);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

/* ---- hostile input ---------------------------------------------------------------------- */

Test(parse, control_bytes_are_refused)
{
    /* the file reader turns NUL bytes into \x01 so the parser sees them */
    expect_error("configure\n    system\n        name \"a\x01" "b\"\n",
                 "line 3: 'a\x01" "b': 'a\x01" "b' is not a valid name (printable, at most 32 "
                 "characters)");
    expect_error("configure\n    \x01\n", "line 2: '\x01': unknown command in config");
    expect_error("configure\n\xff\xfe\x80\n", "line 2: '\xff\xfe\x80': unknown command in config");
}

Test(parse, text_ends_at_a_nul)
{
    static const char text[] = "configure\n    card 1\n\0    bogus\n";
    char msg[256];
    cr_expect_eq(apply(text, msg, sizeof msg), 0, "%s", msg);
    cr_expect_not_null(AT("card", "1"));
}

Test(parse, very_long_lines)
{
    size_t n = 5000;
    char *text = malloc(n + 64);
    strcpy(text, "configure\n    port 1/1/1 description \"");
    size_t o = strlen(text);
    memset(text + o, 'a', n);
    strcpy(text + o + n, "\"\n");
    expect_error(text, "line 2: line longer than 4095 characters");
    /* a 300-character word is cut to fit the error, not overflowed */
    char word[301];
    memset(word, 'w', 300);
    word[300] = 0;
    snprintf(text, n + 64, "configure\n%s\n", word);
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    cr_expect_eq(cfg_apply_text(txn, text, &e), -1);
    cr_expect_eq(e.line, 2);
    cr_expect_eq(strlen(e.word), sizeof e.word - 1);
    cr_expect_str_eq(e.reason, "unknown command in config");
    cfg_txn_rollback(&txn);
    /* 81 characters of description are one too many */
    memset(word, 'd', 81);
    word[81] = 0;
    snprintf(text, n + 64, "configure port 1/1/1 description \"%s\"\n", word);
    expect_error(text, "line 1: 'ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
                       "': 'dddddddddddddddddddddddddddddddddddddddd' is not a valid string "
                       "(printable, at most 80 characters)");
    free(text);
}

Test(parse, too_many_words)
{
    char text[512] = "configure\n    card 1";
    for (int i = 0; i < 98; i++)
        strcat(text, " x");
    strcat(text, "\n");
    expect_error(text, "line 2: too many words on one line (at most 64)");
}

Test(parse, deep_one_liner_nesting)
{
    /* each 'card 1 mda 1' climbs back to the root: 60 words, 30 levels of recursion */
    char text[512] = "configure";
    for (int i = 0; i < 15; i++)
        strcat(text, " card 1 mda 1");
    strcat(text, "\n");
    apply_ok(text);
    cr_expect_not_null(AT("card", "1", "mda", "1"));
    /* and deep contexts entered and left many times */
    char *many = malloc(128 * 1000 + 1);
    many[0] = 0;
    for (int i = 0; i < 1000; i++)
        strcat(many, "configure service vprn 1 customer 1 create interface \"i\" create\nexit\n");
    apply_ok(many);
    free(many);
    cr_expect_not_null(AT("service", NULL, "vprn", "1", "interface", "i"));
}

Test(parse, many_exits_and_blank_lines)
{
    apply_ok("exit\nexit all\n\n\n   \n\t\nconfigure\nexit\nexit\nexit all\nexit\n");
    cr_expect_null(tree->root->child);
}

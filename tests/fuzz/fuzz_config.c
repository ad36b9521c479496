/* libFuzzer target for cpm/config_parse.c: SR OS classic CLI configuration
 * text applied in a transaction, validated, printed and rolled back. A text
 * that applies and validates is applied again and committed, printed, and
 * loaded into a fresh tree: config_print.c promises the printed text loads
 * again (and validates, as cpm's startup load requires) and prints
 * byte-identical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_parse.h"
#include "config_validate.h"

static void die(const char *what, const struct cfg_error *err, const char *printed,
                const char *again)
{
    char msg[512] = "";
    if (err)
        cfg_error_format(err, msg, sizeof msg);
    fprintf(stderr, "fuzz_config: %s %s\n--- text\n%s", what, msg, printed);
    if (again)
        fprintf(stderr, "--- printed again\n%s", again);
    abort();
}

/* The committed tree's display-config must reload to the same text. */
static void round_trip(const char *printed)
{
    struct cfg_error err = { 0 };
    struct cfg_tree *tree = cfg_tree_new();
    struct cfg_txn *txn = cfg_txn_begin(tree);
    if (cfg_apply_text(txn, printed, &err) != 0)
        die("printed configuration does not load:", &err, printed, NULL);
    if (cfg_validate(txn, NULL, &err) != 0)
        die("printed configuration does not validate:", &err, printed, NULL);
    cfg_txn_commit(&txn);
    char *again = cfg_display(tree, NULL);
    if (strcmp(printed, again) != 0)
        die("reloaded configuration prints differently", NULL, printed, again);
    free(again);
    cfg_tree_free(&tree);
}

/* One transaction on tree: apply, validate, display, roll back (which must
 * restore the tree exactly); if the text was accepted, apply it again and
 * commit, and check that the result survives a round trip. */
static void transaction(struct cfg_tree *tree, const char *text)
{
    struct cfg_error err = { 0 };
    char *before = cfg_display(tree, NULL);
    struct cfg_txn *txn = cfg_txn_begin(tree);
    bool ok = cfg_apply_text(txn, text, &err) == 0 && cfg_validate(txn, NULL, &err) == 0;
    free(cfg_display(tree, NULL));
    cfg_txn_rollback(&txn);
    char *after = cfg_display(tree, NULL);
    if (strcmp(before, after) != 0)
        die("rollback did not restore the configuration", NULL, before, after);
    free(after);
    free(before);
    if (!ok)
        return;
    txn = cfg_txn_begin(tree);
    if (cfg_apply_text(txn, text, &err) != 0 || cfg_validate(txn, NULL, &err) != 0)
        die("text that applied once fails after a rollback:", &err, text, NULL);
    cfg_txn_commit(&txn);
    char *printed = cfg_display(tree, NULL);
    round_trip(printed);
    free(printed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        char err[256];
        if (schema_init(err, sizeof err) != 0) {
            fprintf(stderr, "schema_init: %s\n", err);
            abort();
        }
        ready = 1;
    }
    char *input = malloc(size + 1);
    memcpy(input, data, size);
    input[size] = 0;
    /* NUL bytes split the input into successive transactions on one tree,
     * so configurations reached by several commits are round-tripped too;
     * four are plenty and keep the target fast. */
    struct cfg_tree *tree = cfg_tree_new();
    const char *text = input;
    for (int n = 0; n < 4 && text <= input + size; n++, text += strlen(text) + 1)
        transaction(tree, text);
    cfg_tree_free(&tree);
    free(input);
    return 0;
}

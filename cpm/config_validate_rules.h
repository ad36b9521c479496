/* What the files of config_validate*.c share: the context a rule runs in
 * and how a rule blames a line. Not for use outside validation. */
#ifndef SRLAB_CPM_CONFIG_VALIDATE_RULES_H
#define SRLAB_CPM_CONFIG_VALIDATE_RULES_H

#include "config_validate.h"

struct vctx {
    struct cfg_txn *txn;
    struct cfg_tree *tree;
    const struct cfg_oper *oper;
    struct cfg_error *err;
};

/* The line that changed n (or an ancestor) in this transaction; 0 if none. */
int node_line(const struct cfg_node *n);
/* The line to blame for a problem found at n: its own, else the latest deletion. */
int blame(const struct vctx *v, const struct cfg_node *n);
/* n or something under it changed in this transaction. */
bool touched(const struct cfg_node *n);

#define FAIL(v, node, word, ...)                                                                \
    do {                                                                                       \
        cfg_error_set((v)->err, blame(v, node), word, __VA_ARGS__);                            \
        return -1;                                                                             \
    } while (0)

/* config_validate_mc.c: redundancy multi-chassis and redundant next hops */
int rule_multi_chassis(struct vctx *v);

#endif

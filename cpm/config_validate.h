/* Whole-configuration rules checked before every commit. */
#ifndef SRLAB_CPM_CONFIG_VALIDATE_H
#define SRLAB_CPM_CONFIG_VALIDATE_H

#include "config.h"
#include "config_parse.h"

/* What validation may ask of the running system; every hook may be NULL
 * (offline checks: `cpm --check`). */
struct cfg_oper {
    bool (*tunnel_group_backup_active)(void *arg, int group);
    bool (*tunnel_group_isa_active)(void *arg, int group, const char *isa);
    bool (*ip_tunnel_oper_up)(void *arg, const char *name);
    void *arg;
};

/* Checks the tree as the transaction left it. Returns 0, or -1 with err
 * naming the line, word and reason. */
int cfg_validate(struct cfg_txn *txn, const struct cfg_oper *oper, struct cfg_error *err);

/* The first tunnel SAP using tunnel-group `group` (its service in svc), or NULL. */
const char *cfg_tunnel_group_user(struct cfg_tree *tree, const char *group, char *svc,
                                  size_t len);

#endif

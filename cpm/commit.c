/* Commit: validate the whole changed configuration, write it to SQLite in
 * one transaction, keep it, push the difference to the cards. Any failure
 * rolls everything back: running config, database and cards unchanged. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "log.h"

/* Which ISAs carry the group now: the tunnel-group manager's decision. */
static bool isa_active(void *arg, int group, const char *isa)
{
    struct cpm *cpm = arg;
    char g[8];
    snprintf(g, sizeof g, "%d", group);
    struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
    const char *act[16];
    int n = tg ? tunnel_group_active_isas(cpm, tg, act, 16) : 0;
    for (int i = 0; i < n; i++)
        if (strcmp(act[i], isa) == 0)
            return true;
    return false;
}

static bool backup_active(void *arg, int group)
{
    struct cpm *cpm = arg;
    char g[8];
    snprintf(g, sizeof g, "%d", group);
    struct cfg_node *tg = cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
    const char *b = cfg_leaf(tg, "backup", "mda");
    return b && isa_active(arg, group, b);
}

static bool ip_tunnel_up(void *arg, const char *name)
{
    struct cpm *cpm = arg;
    return zhashx_lookup(cpm->tunnel_up, name) != NULL;
}

const struct cfg_oper *cpm_oper(struct cpm *cpm)
{
    static struct cfg_oper oper;
    oper.tunnel_group_backup_active = backup_active;
    oper.tunnel_group_isa_active = isa_active;
    oper.ip_tunnel_oper_up = ip_tunnel_up;
    oper.arg = cpm;
    return &oper;
}

int cpm_commit(struct cpm *cpm, struct cfg_txn **txn, const char *source, struct cfg_error *err)
{
    if (!cfg_txn_changed(*txn)) {
        cfg_txn_commit(txn);
        return 0;
    }
    if (cfg_validate(*txn, cpm_oper(cpm), err) != 0)
        goto reject;
    char serr[256];
    if (cfg_store_commit(cpm->store, *txn, cpm->generation + 1, source, serr, sizeof serr) != 0) {
        cfg_error_set(err, 0, NULL, "%s", serr);
        goto reject;
    }
    cpm->generation++;
    cfg_txn_commit(txn);
    log_info("config_committed", "generation=%lu source=%s", (unsigned long)cpm->generation,
             log_q(source));
    cards_push_all(cpm, false);
    return 0;
reject:
    cpm->config_rejects++;
    cfg_txn_rollback(txn);
    char msg[512];
    cfg_error_format(err, msg, sizeof msg);
    log_warn("config_rejected", "source=%s reason=%s", log_q(source), log_q(msg));
    return -1;
}

/* mcs: multi-chassis redundancy of one chassis (MIMP election, MCS sync).
 *   mcs --rundir DIR --name mcs
 * Registers with cpm and receives the tunnel groups. MIMP and MCS are not
 * implemented yet: it says so in its log, and cpm reports MC-IPsec as
 * unavailable. */
#include <stdio.h>

#include "card.h"
#include "log.h"

static int apply_config(void *arg, uint64_t generation, const Srlab__CardConfig *cfg, char *err,
                        size_t errlen)
{
    (void)arg;
    (void)err;
    (void)errlen;
    log_info("config_run", "generation=%lu tunnel_groups=%zu mc_ipsec=not-implemented",
             (unsigned long)generation, cfg->n_tunnel_groups);
    return 0;
}

int main(int argc, char **argv)
{
    struct card_args a;
    if (card_parse_args(argc, argv, &a) != 0)
        return 2;
    card_open_log(a.rundir, a.name);
    zsys_set_logstream(NULL);
    Srlab__Register reg = SRLAB__REGISTER__INIT;
    reg.role = SRLAB__ROLE__ROLE_MCS;
    reg.equipped_type = "mcs";
    static const struct card_ops ops = { .apply_config = apply_config };
    zloop_t *loop = zloop_new();
    char *endpoint = zsys_sprintf("ipc://%s/cpm.sock", a.rundir);
    struct card *card = card_new(loop, endpoint, a.name, &reg, &ops, NULL);
    zstr_free(&endpoint);
    int rc = 1;
    if (card) {
        log_info("started", "mimp=not-implemented mcs=not-implemented");
        zloop_start(loop);
        log_info("stopping", "reason=signal");
        rc = 0;
    }
    card_destroy(&card);
    zloop_destroy(&loop);
    log_close();
    return rc;
}

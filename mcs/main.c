/* mcs: multi-chassis redundancy of one chassis (MIMP election, optional BFD,
 * MCS state sync).
 *   mcs --rundir DIR --name mcs
 * Registers with cpm, takes the redundancy multi-chassis configuration from
 * its CardConfig, reports McsState and events to cpm and answers McCommand.
 * The local ISAs reach it on ipc://DIR/mcs-sync.sock. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "card.h"
#include "log.h"
#include "mcs.h"

static int apply_config(void *arg, uint64_t generation, const Srlab__CardConfig *cfg, char *err,
                        size_t errlen)
{
    struct mcs *m = arg;
    if (mcs_apply_config(m, cfg, err, errlen) != 0)
        return -1;
    log_info("config_generation", "generation=%lu", (unsigned long)generation);
    return 0;
}

static void on_registered(void *arg)
{
    struct mcs *m = arg;
    m->state_dirty = m->state_urgent = true; /* a (re)started cpm learns our state */
}

static void on_message(void *arg, bus_msg_t *env)
{
    struct mcs *m = arg;
    if (env->body_case == SRLAB__ENVELOPE__BODY_MC_COMMAND)
        mcs_on_command(m, env->mc_command);
    else if (env->body_case == SRLAB__ENVELOPE__BODY_MC_MASTERSHIP)
        ; /* cpm's echo of our own states to every card: nothing to do */
    else
        log_warn("bus_unexpected", "body=%s", bus_body_name(env->body_case));
}

int main(int argc, char **argv)
{
    struct card_args a;
    if (card_parse_args(argc, argv, &a) != 0)
        return 2;
    card_open_log(a.rundir, a.name);
    zsys_set_logstream(NULL);
    srandom((unsigned)(getpid() ^ zclock_time()));
    Srlab__Register reg = SRLAB__REGISTER__INIT;
    reg.role = SRLAB__ROLE__ROLE_MCS;
    reg.equipped_type = "mcs";
    static const struct card_ops ops = {
        .apply_config = apply_config, .registered = on_registered, .message = on_message
    };
    zloop_t *loop = zloop_new();
    int rc = 1;
    struct mcs *m = mcs_new(loop, a.rundir, NULL);
    char *endpoint = zsys_sprintf("ipc://%s/cpm.sock", a.rundir);
    struct card *card = m ? card_new(loop, endpoint, a.name, &reg, &ops, m) : NULL;
    zstr_free(&endpoint);
    if (card) {
        m->card = card;
        log_info("started", "boot_id=%016lx mimp_port=%d mcs_port=%d sync=ipc://%s/mcs-sync.sock",
                 (unsigned long)m->boot_id, MIMP_PORT, MCS_PORT, a.rundir);
        zloop_start(loop);
        log_info("stopping", "reason=signal");
        rc = 0;
    }
    card_destroy(&card);
    mcs_destroy(&m);
    zloop_destroy(&loop);
    log_close();
    return rc;
}

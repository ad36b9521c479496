/* iom: one IOM slot of a chassis.
 *   iom --rundir DIR --name iom-N --slot N --type CARD-TYPE --mdas 1=TYPE[,2=TYPE]
 *       [--udp PORT=LOCAL:REMOTE,...]
 * Owns the ports of its port MDAs (the veths srlab made, or udp
 * pseudo-wires), routes between its SAPs and interfaces, hands tunnel
 * traffic to the ISAs, and answers state queries. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"
#include "log.h"

static int apply_config(void *arg, uint64_t generation, const Srlab__CardConfig *cfg, char *err,
                        size_t errlen)
{
    return iom_apply_config(arg, generation, cfg, err, errlen);
}

static void registered(void *arg)
{
    iom_ports_report(arg);
}

static void bus_reply(void *arg, Srlab__Envelope *env)
{
    struct iom *iom = arg;
    card_send(iom->card, env);
}

static void on_message(void *arg, bus_msg_t *env)
{
    struct iom *iom = arg;
    if (env->body_case == SRLAB__ENVELOPE__BODY_QUERY) {
        Srlab__Envelope out = SRLAB__ENVELOPE__INIT;
        ctl_on_query(iom, env->query, &out, bus_reply, iom);
        return;
    }
    if (env->body_case == SRLAB__ENVELOPE__BODY_MC_MASTERSHIP) {
        /* the failover's critical path: applied and announced at once */
        iom_mc_mastership(iom, env->mc_mastership);
        port_flush_all(iom);
        return;
    }
    if (env->body_case == SRLAB__ENVELOPE__BODY_ROUTE_UPDATE) {
        iom_route_update(iom, env->route_update);
        return;
    }
    log_warn("bus_unexpected", "body=%s", bus_body_name(env->body_case));
}

static int on_link_poll(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct iom *iom = arg;
    if (iom_ports_poll(iom)) {
        iom_ports_reconfigure(iom);
        iom_ports_report(iom);
    }
    return 0;
}

static int on_fast_tick(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    port_delay_tick(arg);
    struct iom *iom = arg;
    /* A rebuild of tens of thousands of routes (a gateway's reverse routes)
     * costs milliseconds: at most 1/20 of the time goes to rebuilding, so
     * reverse routes arriving one by one batch up instead of saturating
     * the forwarding loop. */
    int64_t now = zclock_usecs();
    if (iom->fib_dirty && now >= iom->fib_next_us) {
        iom->fib_dirty = false;
        iom_rebuild_all_fibs(iom);
        int64_t end = zclock_usecs();
        iom->fib_next_us = end + (end - now) * 20;
    }
    return 0;
}

static int on_slow_tick(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct iom *iom = arg;
    nbr_tick(iom);
    uint64_t now = mono_ms();
    for (struct iom_inst *i = iom->insts; i; i = i->next) {
        unsigned expired = reasm_expire(i->reasm, now, NULL, NULL);
        iom->drops[DROP_REASM_TIMEOUT] += expired;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *udp = NULL;
    /* --udp is ours; the rest is the card's usual command line */
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--udp=", 6) == 0) {
            udp = argv[i] + 6;
            memmove(&argv[i], &argv[i + 1], sizeof *argv * (size_t)(argc - i));
            argc--;
            i--;
        }
    }
    struct card_args a;
    if (card_parse_args(argc, argv, &a) != 0 || !a.slot || !a.type) {
        fprintf(stderr, "usage: iom --rundir DIR --name iom-N --slot N --type CARD-TYPE "
                        "--mdas 1=TYPE[,2=TYPE] [--udp=PORT=LOCAL:REMOTE,...]\n");
        return 2;
    }
    card_open_log(a.rundir, a.name);
    zsys_set_logstream(NULL);
    struct iom *iom = calloc(1, sizeof *iom);
    iom->rundir = a.rundir;
    iom->name = a.name;
    iom->slot = a.slot;
    iom->rng = (uint32_t)mono_ns() | 1;
    Srlab__Register reg = SRLAB__REGISTER__INIT;
    Srlab__MdaInfo infos[IOM_MAX_PORT_MDAS];
    Srlab__MdaInfo *info_ptrs[IOM_MAX_PORT_MDAS];
    reg.role = SRLAB__ROLE__ROLE_IOM;
    reg.slot = a.slot;
    reg.equipped_type = (char *)a.type;
    if (iom_ports_init(iom, a.mdas, udp, &reg, infos, info_ptrs) != 0)
        return 2;

    static const struct card_ops ops = {
        .apply_config = apply_config, .registered = registered, .message = on_message,
    };
    iom->loop = zloop_new();
    int rc = 1;
    iom_ports_poll(iom);
    iom_ports_attach(iom);
    if (ctl_init(iom) != 0 || handoff_init(iom) != 0)
        goto out;
    char *endpoint = zsys_sprintf("ipc://%s/cpm.sock", a.rundir);
    iom->card = card_new(iom->loop, endpoint, a.name, &reg, &ops, iom);
    zstr_free(&endpoint);
    if (!iom->card)
        goto out;
    zloop_timer(iom->loop, IOM_LINK_POLL_MS, 0, on_link_poll, iom);
    zloop_timer(iom->loop, 1, 0, on_fast_tick, iom);
    zloop_timer(iom->loop, 100, 0, on_slow_tick, iom);
    log_info("started", "slot=%u type=%s ports=%zu", a.slot, log_q(a.type), iom->n_ports);
    zloop_start(iom->loop);
    log_info("stopping", "reason=signal");
    rc = 0;
out:
    card_destroy(&iom->card);
    ctl_close(iom);
    handoff_close(iom);
    zloop_destroy(&iom->loop);
    iom_ports_free(iom);
    iom_config_free(iom);
    zhashx_destroy(&iom->dyn_routes);
    for (size_t i = 0; i < reg.n_mdas; i++)
        free(infos[i].equipped_type);
    while (iom->free_pkts) {
        struct pkt *p = iom->free_pkts;
        iom->free_pkts = p->next;
        free(p);
    }
    free(iom);
    log_close();
    return rc;
}

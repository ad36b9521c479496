/* isa: one ISA MDA (isa-tunnel / isa2-tunnel) of a chassis.
 *   isa --rundir DIR --name isa-S/M --slot S --mda M --type MDA-TYPE [--memory-mb N]
 * Registers with cpm and runs the tunnel-group configuration it is given:
 * GRE, IP-IP and IPsec tunnels, IKEv2, within N MiB of card memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"
#include "log.h"

static int apply_config(void *arg, uint64_t generation, const Srlab__CardConfig *cfg, char *err,
                        size_t errlen)
{
    (void)err;
    (void)errlen;
    struct isa *isa = arg;
    isa->generation = generation;
    isa->groups = cfg->n_tunnel_groups;
    for (size_t i = 0; i < cfg->n_tunnel_groups; i++) {
        const Srlab__TunnelGroupConfig *tg = cfg->tunnel_groups[i];
        log_info("tunnel_group", "id=%u admin=%s mode=%s scale=%s", tg->id,
                 tg->admin_up ? "up" : "down", tg->multi_active ? "multi-active" : "single-active",
                 log_q(tg->scale_mode));
    }
    isa_dataplane_apply(isa, cfg);
    mc_apply(isa, cfg);
    log_info("config_run", "generation=%lu tunnel_groups=%zu ioms=%zu", (unsigned long)generation,
             cfg->n_tunnel_groups, cfg->n_iom_slots);
    return 0;
}

static void on_message(void *arg, bus_msg_t *env)
{
    struct isa *isa = arg;
    if (env->body_case == SRLAB__ENVELOPE__BODY_QUERY)
        isa_answer_query(isa, env->query);
    else if (env->body_case == SRLAB__ENVELOPE__BODY_MC_MASTERSHIP)
        mc_mastership(isa, env->mc_mastership);
    else
        log_warn("bus_unexpected", "body=%s", bus_body_name(env->body_case));
}

static int on_tick(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    tunnels_tick(arg, (uint64_t)zclock_mono());
    isa_mem_tick(arg, (uint64_t)zclock_mono());
    mc_tick(arg, (uint64_t)zclock_mono());
    isa_flush(arg); /* what the timers sent (NAT keepalives) */
    return 0;
}

int main(int argc, char **argv)
{
    struct card_args a;
    if (card_parse_args(argc, argv, &a) != 0 || !a.slot || !a.mda || !a.type) {
        fprintf(stderr, "usage: isa --rundir DIR --name isa-S/M --slot S --mda M --type TYPE [--memory-mb N]\n");
        return 2;
    }
    card_open_log(a.rundir, a.name);
    zsys_set_logstream(NULL);
    struct isa isa = { .rundir = a.rundir, .slot = a.slot, .mda = a.mda, .dp_fd = -1 };
    isa.mem_capacity = (uint64_t)(a.memory_mb ? a.memory_mb : ISA_MEMORY_MB_DEFAULT) << 20;
    snprintf(isa.name, sizeof isa.name, "isa-%u/%u", a.slot % 100, a.mda % 10);
    Srlab__Register reg = SRLAB__REGISTER__INIT;
    reg.role = SRLAB__ROLE__ROLE_ISA;
    reg.slot = a.slot;
    reg.mda = a.mda;
    reg.equipped_type = (char *)a.type;
    static const struct card_ops ops = { .apply_config = apply_config, .message = on_message };
    zloop_t *loop = zloop_new();
    isa.loop = loop;
    char *endpoint = zsys_sprintf("ipc://%s/cpm.sock", a.rundir);
    isa.card = card_new(loop, endpoint, a.name, &reg, &ops, &isa);
    zstr_free(&endpoint);
    int rc = 1;
    if (isa.card) {
        zloop_timer(loop, 100, 0, on_tick, &isa);
        mc_init(&isa);
        log_info("started", "slot=%u mda=%u type=%s", a.slot, a.mda, log_q(a.type));
        zloop_start(loop);
        log_info("stopping", "reason=signal");
        rc = 0;
    }
    mc_free(&isa);
    card_destroy(&isa.card);
    isa_dataplane_close(&isa);
    esp_cache_free(); /* the SAs went with the tunnels; their context slots stay till now */
    zloop_destroy(&loop);
    log_close();
    return rc;
}

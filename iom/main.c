/* iom: one IOM slot of a chassis.
 *   iom --rundir DIR --name iom-N --slot N --type CARD-TYPE --mdas 1=TYPE[,2=TYPE]
 * Registers with cpm, runs the configuration it is given, reports its ports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iom.h"
#include "log.h"

static int apply_config(void *arg, uint64_t generation, const Srlab__CardConfig *cfg, char *err,
                        size_t errlen)
{
    (void)err;
    (void)errlen;
    struct iom *iom = arg;
    /* keep our own copy: the pushed message is freed after this returns */
    size_t len = srlab__card_config__get_packed_size(cfg);
    uint8_t *buf = malloc(len ? len : 1);
    srlab__card_config__pack(cfg, buf);
    Srlab__CardConfig *copy = srlab__card_config__unpack(NULL, len, buf);
    free(buf);
    if (iom->config)
        srlab__card_config__free_unpacked(iom->config, NULL);
    iom->config = copy;
    iom->generation = generation;
    size_t interfaces = 0;
    for (size_t i = 0; i < cfg->n_services; i++)
        interfaces += cfg->services[i]->n_interfaces;
    log_info("config_run", "generation=%lu ports=%zu services=%zu interfaces=%zu",
             (unsigned long)generation, cfg->n_ports, cfg->n_services, interfaces);
    return 0;
}

static void registered(void *arg)
{
    iom_ports_report(arg);
}

static int on_poll(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct iom *iom = arg;
    if (iom_ports_poll(iom))
        iom_ports_report(iom);
    return 0;
}

int main(int argc, char **argv)
{
    struct card_args a;
    if (card_parse_args(argc, argv, &a) != 0 || !a.slot || !a.type) {
        fprintf(stderr, "usage: iom --rundir DIR --name iom-N --slot N --type CARD-TYPE "
                        "--mdas 1=TYPE[,2=TYPE]\n");
        return 2;
    }
    card_open_log(a.rundir, a.name);
    zsys_set_logstream(NULL);
    struct iom iom = { .rundir = a.rundir, .slot = a.slot };
    Srlab__Register reg = SRLAB__REGISTER__INIT;
    Srlab__MdaInfo infos[IOM_MAX_PORT_MDAS];
    Srlab__MdaInfo *info_ptrs[IOM_MAX_PORT_MDAS];
    reg.role = SRLAB__ROLE__ROLE_IOM;
    reg.slot = a.slot;
    reg.equipped_type = (char *)a.type;
    if (iom_ports_init(&iom, a.mdas, &reg, infos, info_ptrs) != 0)
        return 2;
    iom_ports_poll(&iom);

    static const struct card_ops ops = { .apply_config = apply_config, .registered = registered };
    zloop_t *loop = zloop_new();
    char *endpoint = zsys_sprintf("ipc://%s/cpm.sock", a.rundir);
    iom.card = card_new(loop, endpoint, a.name, &reg, &ops, &iom);
    zstr_free(&endpoint);
    int rc = 1;
    if (iom.card) {
        zloop_timer(loop, IOM_LINK_POLL_MS, 0, on_poll, &iom);
        log_info("started", "slot=%u type=%s ports=%zu", a.slot, log_q(a.type), iom.n_ports);
        zloop_start(loop);
        log_info("stopping", "reason=signal");
        rc = 0;
    }
    card_destroy(&iom.card);
    zloop_destroy(&loop);
    for (size_t i = 0; i < reg.n_mdas; i++)
        free(infos[i].equipped_type);
    if (iom.config)
        srlab__card_config__free_unpacked(iom.config, NULL);
    iom_ports_free(&iom);
    log_close();
    return rc;
}

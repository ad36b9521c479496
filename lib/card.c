#include "card.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct card {
    zloop_t *loop;
    zsock_t *dealer;
    char *identity;
    Srlab__Register reg;
    char *equipped_type;
    Srlab__MdaInfo **mdas;
    size_t n_mdas;
    const struct card_ops *ops;
    void *arg;
    bool registered;
    uint64_t generation;
    uint64_t hb_seq;
    uint64_t mem_used, mem_capacity;
    int64_t last_register_ms;
    int timer_id;
    struct bus_stats stats;
};

static void send_register(struct card *self)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    self->reg.config_generation = self->generation;
    env.body_case = SRLAB__ENVELOPE__BODY_REGISTER;
    env.register_ = &self->reg;
    bus_send(self->dealer, NULL, &env, &self->stats);
    self->last_register_ms = zclock_mono();
    log_info("register_sent", "identity=%s generation=%lu", log_q(self->identity),
             (unsigned long)self->generation);
}

static void send_heartbeat(struct card *self)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__Heartbeat hb = SRLAB__HEARTBEAT__INIT;
    hb.seq = ++self->hb_seq;
    hb.config_generation = self->generation;
    hb.mem_used_bytes = self->mem_used;
    hb.mem_capacity_bytes = self->mem_capacity;
    env.body_case = SRLAB__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    bus_send(self->dealer, NULL, &env, &self->stats);
}

static int on_timer(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct card *self = arg;
    if (!self->registered) {
        if (zclock_mono() - self->last_register_ms >= CARD_REGISTER_RETRY_MS)
            send_register(self);
        return 0;
    }
    send_heartbeat(self);
    return 0;
}

static void handle_config(struct card *self, const Srlab__ConfigPush *push)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__ConfigAck ack = SRLAB__CONFIG_ACK__INIT;
    char err[256] = "";
    ack.generation = push->generation;
    if (!push->config) {
        snprintf(err, sizeof err, "config push without a configuration");
        ack.ok = false;
    } else {
        ack.ok = self->ops->apply_config(self->arg, push->generation, push->config, err,
                                         sizeof err) == 0;
    }
    if (ack.ok) {
        self->generation = push->generation;
        log_info("config_applied", "generation=%lu", (unsigned long)push->generation);
    } else {
        ack.error = err;
        log_error("config_refused", "generation=%lu reason=%s", (unsigned long)push->generation,
                  log_q(err));
    }
    env.body_case = SRLAB__ENVELOPE__BODY_CONFIG_ACK;
    env.config_ack = &ack;
    bus_send(self->dealer, NULL, &env, &self->stats);
}

static int on_dealer(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct card *self = arg;
    bus_msg_t *env = bus_recv(sock, NULL, &self->stats);
    if (!env)
        return 0;
    switch (env->body_case) {
    case SRLAB__ENVELOPE__BODY_REGISTER_ACK:
        if (!self->registered)
            log_info("registered", "identity=%s", log_q(self->identity));
        self->registered = true;
        if (self->ops->registered)
            self->ops->registered(self->arg);
        break;
    case SRLAB__ENVELOPE__BODY_REREGISTER:
        /* one Register answers them all: cpm asks once per heartbeat it had
         * queued, and pushes the whole configuration for every Register
         * (the retry timer covers a lost one) */
        if (!self->registered)
            break;
        log_info("reregister_requested", "identity=%s", log_q(self->identity));
        self->registered = false;
        send_register(self);
        break;
    case SRLAB__ENVELOPE__BODY_CONFIG_PUSH:
        handle_config(self, env->config_push);
        break;
    default:
        if (self->ops->message)
            self->ops->message(self->arg, env);
        else
            log_warn("bus_unexpected", "body=%s", bus_body_name(env->body_case));
        break;
    }
    bus_free(&env);
    return 0;
}

struct card *card_new(zloop_t *loop, const char *endpoint, const char *identity,
                      const Srlab__Register *reg, const struct card_ops *ops, void *arg)
{
    struct card *self = calloc(1, sizeof *self);
    self->loop = loop;
    self->ops = ops;
    self->arg = arg;
    self->identity = strdup(identity);
    self->reg = *reg;
    self->equipped_type = strdup(reg->equipped_type ? reg->equipped_type : "");
    self->reg.equipped_type = self->equipped_type;
    if (reg->n_mdas) {
        self->mdas = calloc(reg->n_mdas, sizeof *self->mdas);
        for (size_t i = 0; i < reg->n_mdas; i++) {
            Srlab__MdaInfo *m = malloc(sizeof *m);
            srlab__mda_info__init(m);
            m->mda = reg->mdas[i]->mda;
            m->equipped_type = strdup(reg->mdas[i]->equipped_type);
            self->mdas[i] = m;
        }
        self->n_mdas = reg->n_mdas;
    }
    self->reg.mdas = self->mdas;
    self->reg.n_mdas = self->n_mdas;
    self->reg.pid = (uint32_t)getpid();
    self->reg.boot_id = ((uint64_t)random() << 32) ^ (uint64_t)random() ^ (uint64_t)zclock_time();

    self->dealer = zsock_new(ZMQ_DEALER);
    zsock_set_identity(self->dealer, identity);
    zsock_set_linger(self->dealer, 0);
    zsock_set_sndhwm(self->dealer, 10000);
    if (zsock_connect(self->dealer, "%s", endpoint) != 0) {
        log_error("bus_connect_failed", "endpoint=%s", log_q(endpoint));
        card_destroy(&self);
        return NULL;
    }
    zloop_reader(loop, self->dealer, on_dealer, self);
    self->timer_id = zloop_timer(loop, CARD_HEARTBEAT_MS, 0, on_timer, self);
    send_register(self);
    return self;
}

void card_destroy(struct card **pself)
{
    struct card *self = *pself;
    if (!self)
        return;
    if (self->loop) {
        zloop_reader_end(self->loop, self->dealer);
        zloop_timer_end(self->loop, self->timer_id);
    }
    zsock_destroy(&self->dealer);
    for (size_t i = 0; i < self->n_mdas; i++) {
        free(self->mdas[i]->equipped_type);
        free(self->mdas[i]);
    }
    free(self->mdas);
    free(self->equipped_type);
    free(self->identity);
    free(self);
    *pself = NULL;
}

int card_send(struct card *self, bus_msg_t *env)
{
    return bus_send(self->dealer, NULL, env, &self->stats);
}

bool card_is_registered(const struct card *self)
{
    return self->registered;
}

const struct bus_stats *card_bus_stats(const struct card *self)
{
    return &self->stats;
}

void card_set_memory(struct card *self, uint64_t used, uint64_t capacity)
{
    self->mem_used = used;
    self->mem_capacity = capacity;
}

int card_parse_args(int argc, char **argv, struct card_args *out)
{
    static const struct option opts[] = {
        { "rundir", required_argument, NULL, 'r' }, { "name", required_argument, NULL, 'n' },
        { "slot", required_argument, NULL, 's' },   { "mda", required_argument, NULL, 'm' },
        { "type", required_argument, NULL, 't' },   { "mdas", required_argument, NULL, 'M' },
        { "memory-mb", required_argument, NULL, 'e' }, { NULL, 0, NULL, 0 },
    };
    memset(out, 0, sizeof *out);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'r': out->rundir = optarg; break;
        case 'n': out->name = optarg; break;
        case 't': out->type = optarg; break;
        case 'M': out->mdas = optarg; break;
        case 'e': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v < 8 || v > 1048576) {
                fprintf(stderr, "%s: bad --memory-mb '%s' (8..1048576)\n", argv[0], optarg);
                return -1;
            }
            out->memory_mb = (unsigned)v;
            break;
        }
        case 's':
        case 'm': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v < 1 || v > 16) {
                fprintf(stderr, "%s: bad --%s '%s'\n", argv[0], c == 's' ? "slot" : "mda", optarg);
                return -1;
            }
            if (c == 's')
                out->slot = (unsigned)v;
            else
                out->mda = (unsigned)v;
            break;
        }
        default: return -1;
        }
    }
    if (!out->rundir || !out->name) {
        fprintf(stderr, "usage: %s --rundir DIR --name NAME [--slot N] [--mda N] [--type T]\n",
                argv[0]);
        return -1;
    }
    return 0;
}

int card_open_log(const char *rundir, const char *name)
{
    char file[128];
    snprintf(file, sizeof file, "%s", name);
    for (char *p = file; *p; p++)
        if (*p == '/')
            *p = '-';
    char *path = zsys_sprintf("%s/log/%s.log", rundir, file);
    int rc = log_open(name, path);
    zstr_free(&path);
    return rc;
}

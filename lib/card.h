/* The card side of the control bus, shared by iom, isa and mcs: connect to
 * cpm, register, heartbeat, receive configuration generations and ack them.
 * Re-registers by itself when cpm restarts (cpm answers an unknown card's
 * heartbeat with ReRegister). */
#ifndef SRLAB_CARD_H
#define SRLAB_CARD_H

#include <czmq.h>

#include "bus.h"

#define CARD_HEARTBEAT_MS 100
#define CARD_REGISTER_RETRY_MS 500

struct card;

struct card_ops {
    /* Apply a whole configuration generation; return 0, or -1 with err set. */
    int (*apply_config)(void *arg, uint64_t generation, const Srlab__CardConfig *cfg,
                        char *err, size_t errlen);
    /* Called after each RegisterAck (the card may now send state). */
    void (*registered)(void *arg);
    /* Any other message from cpm; the callee does not free env. */
    void (*message)(void *arg, bus_msg_t *env);
};

/* reg is copied; its pid and boot_id are filled in here. */
struct card *card_new(zloop_t *loop, const char *endpoint, const char *identity,
                      const Srlab__Register *reg, const struct card_ops *ops, void *arg);
void card_destroy(struct card **self);
int card_send(struct card *self, bus_msg_t *env);
bool card_is_registered(const struct card *self);
/* A tunnel ISA's three fixed memory thresholds (the chapter), percent of
 * its memory: above high the alarm is raised, below low it clears; above
 * max new IKE states are rejected. */
#define ISA_MEM_LOW_PCT 80
#define ISA_MEM_HIGH_PCT 90
#define ISA_MEM_MAX_PCT 95

/* Memory figures carried by the next heartbeats (ISAs). */
void card_set_memory(struct card *self, uint64_t used, uint64_t capacity);
const struct bus_stats *card_bus_stats(const struct card *self);

/* The usual command line of a card process:
 *   --rundir DIR --name NAME [--slot N] [--mda N] [--type T] [--mdas 1=TYPE,2=TYPE]
 *   [--memory-mb N] */
struct card_args {
    const char *rundir;
    const char *name;
    unsigned slot, mda;
    const char *type;
    const char *mdas;
    unsigned memory_mb;        /* 0: not given */
};
int card_parse_args(int argc, char **argv, struct card_args *out);

/* Opens DIR/log/NAME.log (NAME with '/' as '-') for this process's logs. */
int card_open_log(const char *rundir, const char *name);

#endif

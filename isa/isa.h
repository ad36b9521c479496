/* The isa process: one ISA MDA (isa-tunnel / isa2-tunnel) of a chassis. */
#ifndef SRLAB_ISA_H
#define SRLAB_ISA_H

#include <czmq.h>

#include "card.h"

#define ISA_MAX_IOMS 10

struct isa {
    const char *rundir;
    char name[16];             /* "isa-1/2" */
    unsigned slot, mda;
    zloop_t *loop;
    struct card *card;
    uint64_t generation;
    size_t groups;
    zsock_t *dp[ISA_MAX_IOMS + 1];     /* DEALER per IOM slot with ports */
    uint64_t from_iom_pkts, from_iom_octets, from_iom_bad, no_tunnel_drops;
};

/* dataplane.c */
void isa_dataplane_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void isa_dataplane_close(struct isa *isa);
void isa_answer_query(struct isa *isa, const Srlab__Query *q);

#endif

/* The iom process: ports, SAPs and forwarding of one IOM slot. */
#ifndef SRLAB_IOM_H
#define SRLAB_IOM_H

#include <czmq.h>
#include <stdbool.h>

#include "card.h"

#define IOM_MAX_PORT_MDAS 6
#define IOM_LINK_POLL_MS 200

struct iom_port {
    char name[32];             /* "1/1/1" */
    char ifname[40];           /* "e1-1-1": the veth srlab made in the chassis namespace */
    bool present, link_up;
    char mac[24];
};

struct iom {
    const char *rundir;
    unsigned slot;
    struct card *card;
    struct iom_port *ports;
    size_t n_ports;
    uint64_t generation;
    Srlab__CardConfig *config; /* the configuration being run */
};

/* ports.c */
/* The kernel interface name of a chassis port: 1/1/1 -> e1-1-1. */
void iom_port_ifname(const char *port, char *out, size_t len);
int iom_ports_init(struct iom *iom, const char *mdas_arg, Srlab__Register *reg,
                   Srlab__MdaInfo *infos, Srlab__MdaInfo **info_ptrs);
/* Re-reads link state; returns true when something changed. */
bool iom_ports_poll(struct iom *iom);
void iom_ports_report(struct iom *iom);
void iom_ports_free(struct iom *iom);

#endif

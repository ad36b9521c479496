/* Lab topology files (YAML, close to containerlab's). Parsed with libyaml,
 * checked whole: an error names the path of the offending key
 * ("nodes.chassis-a.cards.1.mdas.2") and nothing is created. */
#ifndef SRLAB_TOPOLOGY_H
#define SRLAB_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#define TOPO_NAME_MAX 24
#define TOPO_MAX_NODES 64
#define TOPO_MAX_LINKS 256
#define TOPO_MAX_CARDS 10
#define TOPO_MAX_MDAS 6

enum topo_kind { KIND_SR, KIND_LINUX, KIND_BRIDGE, KIND_STRONGSWAN };
enum topo_restart { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };

struct topo_mda {
    unsigned mda;
    char type[32];
};

struct topo_card {
    unsigned slot;
    char iom[32];
    struct topo_mda mdas[TOPO_MAX_MDAS];
    int n_mdas;
};

struct topo_node {
    char name[TOPO_NAME_MAX + 1];
    enum topo_kind kind;
    char *config;              /* sr: startup config, absolute path (may be NULL) */
    struct topo_card cards[TOPO_MAX_CARDS];
    int n_cards;
    bool mcs;                  /* sr: run mcs (default yes) */
    unsigned isa_memory_mb;    /* sr: each ISA's memory (0: the isa's default) */
    char **exec;               /* linux: shell commands run in the namespace */
    int n_exec;
    char *swanctl;             /* strongswan: swanctl.conf, absolute path */
    char *strongswan_conf;     /* strongswan: optional strongswan.conf */
    enum topo_restart restart;
    char mgmt[48];             /* sr: management address "ADDR/LEN", canonical ("" if none) */
    bool mgmt_v6;
};

/* A chassis's management interface: a kernel interface of the chassis
 * namespace (the one with an address), used by cpm and mcs; iom never opens it. */
#define TOPO_MGMT_PORT "mgmt"

struct topo_endpoint {
    int node;                  /* index into nodes */
    char port[32];             /* "1/1/1" or "mgmt" on a chassis, an interface name elsewhere */
};

struct topo_link {
    struct topo_endpoint ep[2];
    bool udp;
    unsigned mtu;              /* 0: default 1500 */
};

struct topology {
    char name[TOPO_NAME_MAX + 1];
    char *path;                /* absolute path of the file */
    struct topo_node nodes[TOPO_MAX_NODES];
    int n_nodes;
    struct topo_link links[TOPO_MAX_LINKS];
    int n_links;
};

/* Returns a topology or NULL with err ("path: reason"). */
struct topology *topo_load(const char *file, char *err, size_t errlen);
struct topology *topo_parse(const char *text, size_t len, const char *base_dir, char *err,
                            size_t errlen);
void topo_free(struct topology **t);

int topo_find_node(const struct topology *t, const char *name);
/* The endpoint names a chassis's management interface. */
bool topo_is_mgmt(const struct topology *t, const struct topo_endpoint *ep);
/* Index of the link holding NODE:mgmt, or -1. */
int topo_mgmt_link(const struct topology *t, int node);
const char *topo_kind_name(enum topo_kind k);
/* Kernel interface name of an endpoint inside its node's namespace. */
void topo_ifname(const struct topology *t, const struct topo_endpoint *ep, char *out,
                 size_t len);
/* Process names of a chassis, in start order: cpm, iom-N..., isa-S/M..., mcs. */
int topo_chassis_procs(const struct topo_node *n, char names[][16], int max);

#endif

/* The isa process: one ISA MDA (isa-tunnel / isa2-tunnel) of a chassis,
 * holding the tunnels cpm placed on it. */
#ifndef SRLAB_ISA_H
#define SRLAB_ISA_H

#include <czmq.h>

#include "card.h"
#include "dp.h"
#include "frag.h"
#include "pkt.h"

#define ISA_MAX_IOMS 10
#define ISA_BUF 10240          /* largest packet built: 9000 + headers */

#define TUNNEL_DROPS(X)                                                                        \
    X(DOWN, "tunnel-down")                                                                     \
    X(DF, "needs-fragmentation-df-set")                                                        \
    X(V6_TOO_BIG, "ipv6-larger-than-ip-mtu")                                                   \
    X(GRE_VERSION, "gre-bad-version")                                                          \
    X(GRE_FLAGS, "gre-unsupported-flags")                                                      \
    X(GRE_CSUM, "gre-bad-checksum")                                                            \
    X(GRE_KEY, "gre-key-mismatch")                                                             \
    X(GRE_PROTO, "gre-unknown-protocol")                                                       \
    X(TRUNC, "truncated")                                                                      \
    X(INNER, "inner-packet-malformed")                                                         \
    X(REASM_OFF, "fragment-reassembly-off")                                                    \
    X(REASM, "reassembly-failed")                                                              \
    X(REASM_TIMEOUT, "reassembly-timeout")                                                     \
    X(FRAG_FAIL, "fragmentation-failed")

enum tunnel_drop {
#define X(id, name) TD_##id,
    TUNNEL_DROPS(X)
#undef X
    TD_MAX
};

struct isa_tunnel {
    char name[40];
    uint32_t group, svc, delivery_svc;
    char ifname[40], pub_ifname[40];
    bool gre, keys;
    uint32_t send_key, recv_key;
    int family;                /* outer: AF_INET / AF_INET6 */
    uint8_t src[16], remote[16];
    int dscp;                  /* -1: copy the payload's */
    unsigned ip_mtu, encap_mtu;
    bool clear_df;
    unsigned reasm_ms;
    struct reasm *reasm;
    unsigned ptb_count, ptb_interval;
    uint64_t ptb_window_ms;
    unsigned ptb_sent;
    bool oper_up;
    bool has_priv4, has_priv6;
    uint8_t priv4[4], priv6[16];
    uint64_t encap_pkts, encap_octets, decap_pkts, decap_octets, frags_sent, reassembled;
    uint64_t drops[TD_MAX];
    bool seen;                 /* still configured (apply) */
};


struct isa {
    const char *rundir;
    char name[16];             /* "isa-1/2" */
    unsigned slot, mda;
    zloop_t *loop;
    struct card *card;
    uint64_t generation;
    size_t groups;
    int dp_fd;                 /* datagram socket (lib/dp.h) */
    bool iom_joined[ISA_MAX_IOMS + 1];
    struct dp_batch *out[ISA_MAX_IOMS + 1]; /* towards each IOM */
    struct dp_rx *rx;
    uint64_t dp_sent, dp_failed;
    uint64_t from_iom_pkts, from_iom_octets, from_iom_bad, no_tunnel_drops, to_iom_pkts;
    struct isa_tunnel **tunnels;
    size_t n_tunnels;
    zhashx_t *by_private;      /* "svc|interface" -> tunnel */
    zhashx_t *by_public;       /* "family|local|remote|proto" -> tunnel */
};

/* dataplane.c */
void isa_dataplane_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void isa_dataplane_close(struct isa *isa);
void isa_answer_query(struct isa *isa, const Srlab__Query *q);
/* Queues a packet for IOM slot `iom`, as coming from (svc, interface). */
void isa_emit(struct isa *isa, unsigned iom, uint32_t svc, const char *interface, bool private_side,
              const uint8_t *pkt, size_t len);
void isa_flush(struct isa *isa);

/* tunnel.c */
void tunnels_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void tunnels_free(struct isa *isa);
struct isa_tunnel *tunnel_by_private(struct isa *isa, uint32_t svc, const char *interface);
struct isa_tunnel *tunnel_by_public(struct isa *isa, int family, const uint8_t *local,
                                    const uint8_t *remote, uint8_t proto);
void tunnels_expire(struct isa *isa, uint64_t now_ms);
const char *tunnel_drop_name(enum tunnel_drop d);

/* gre.c: GRE and IP-IP */
void gre_encap(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *pkt, size_t len);
void gre_decap(struct isa *isa, unsigned iom, const uint8_t *pkt, size_t len);

#endif

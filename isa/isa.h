/* The isa process: one ISA MDA (isa-tunnel / isa2-tunnel) of a chassis,
 * holding the tunnels cpm placed on it. */
#ifndef SRLAB_ISA_H
#define SRLAB_ISA_H

#include <czmq.h>

#include "card.h"
#include "dp.h"
#include "esp.h"
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
    X(FRAG_FAIL, "fragmentation-failed")                                                      \
    X(ESP_SPI, "esp-unknown-spi")                                                              \
    X(ESP_SHORT, "esp-too-short")                                                              \
    X(ESP_ALIGN, "esp-bad-length")                                                             \
    X(ESP_REPLAY, "replayed")                                                                  \
    X(ESP_OLD, "sequence-too-old")                                                             \
    X(ESP_ICV, "bad-icv")                                                                      \
    X(ESP_DECRYPT, "decrypt-error")                                                            \
    X(ESP_PAD, "bad-padding")                                                                  \
    X(ESP_NH, "bad-next-header")                                                               \
    X(ESP_DUMMY, "dummy-packet")                                                               \
    X(ESP_SEQ, "sequence-exhausted")                                                           \
    X(ESP_EXPIRED, "sa-expired")                                                               \
    X(ESP_NO_SA, "no-outbound-sa")                                                             \
    X(POLICY_OUT, "outside-security-policy")                                                   \
    X(POLICY_IN, "inbound-outside-security-policy")                                            \
    X(UDP_BAD, "udp-encapsulation-malformed")                                                  \
    X(IKE, "ike-on-static-tunnel")                                                             \
    X(IKE_MALFORMED, "ike-malformed")                                                          \
    X(IKE_DECRYPT, "ike-decrypt-failed")                                                       \
    X(IKE_AUTH, "ike-authentication-failed")                                                   \
    X(IKE_NO_PROPOSAL, "ike-no-proposal-chosen")                                               \
    X(IKE_TS, "ike-ts-unacceptable")                                                           \
    X(IKE_MEMORY, "ike-rejected-memory-full")

enum tunnel_drop {
#define X(id, name) TD_##id,
    TUNNEL_DROPS(X)
#undef X
    TD_MAX
};

/* One manually keyed SA of a static IPsec tunnel. */
struct isa_sa {
    uint32_t id, spi;
    bool inbound;
    char encryption[24], auth[24];
    uint8_t ekey[64], akey[64];
    size_t ekey_len, akey_len;
    struct esp_sa *esp;
    bool held;                 /* outbound, ours as a rekey's responder: not used until the peer
                                  shows it has the new SAs (tunnel_sa_hold) */
};

/* A security-policy entry: what the tunnel may carry (local -> remote). */
struct policy_entry {
    int family;
    bool local_any, remote_any;
    uint8_t local[16], remote[16];
    int local_len, remote_len;
};

#define TUNNEL_MAX_SAS 16     /* manual keying */
#define TUNNEL_MAX_POLICY 32

/* The drops of a tunnel already reported in an event, per reason, and when;
 * `pending`: some are held back by the rate limit. */
struct tunnel_told {
    uint64_t count[TD_MAX];
    uint64_t ms[TD_MAX];
    bool pending;
};

/* An address range [start, end] of one family (a reverse route's). */
struct ike_range {
    int family;
    uint8_t start[16], end[16];
};

struct isa_tunnel {
    char name[80];
    bool ipsec;                /* static IPsec; otherwise GRE (gre) or IP-IP */
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
    struct tunnel_told *told;  /* drop events sent: made at the first drop */
    bool seen;                 /* still configured (apply) */
    /* IPsec */
    struct isa_sa *sas;        /* manual, or installed by IKE */
    size_t n_sas;
    struct isa_sa *out_sa;     /* the highest-numbered outbound SA not held */
    bool any_held;
    struct policy_entry *policy;
    size_t n_policy;
    bool dynamic;              /* keyed by IKE */
    bool auto_establish;
    struct ike_policy *ike_pol;
    struct ike_sa *ike_sa;     /* its current IKE SA */
    struct ike_gw *gw;         /* a gateway's dynamic tunnel */
    uint64_t next_attempt_ms;  /* auto-establish: when to try again */
    uint16_t udp_rport;        /* the peer's NAT-T port */
    uint32_t next_sa_id;
    unsigned replay_window;
    bool dead;                 /* a dynamic tunnel to free at the next tick */
    uint32_t private_svc;
    bool udp_encap;            /* RFC 3948 */
    uint16_t udp_port;
    unsigned keepalive_s;
    uint64_t next_keepalive_ms;
    uint64_t keepalives_sent, keepalives_rcvd;
    unsigned last_iom;         /* where keepalives go */
    struct ike_range *rr;      /* a gateway tunnel's reverse routes (ike_routes.c) */
    unsigned n_rr;
};


struct ike_engine;
struct ike_policy;
struct ike_sa;
struct ike_gw;

#define ISA_DP_SLICE_MS 20 /* packet batches read at one go, then the loop runs */

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
    struct ike_engine *ike;
    bool initiating;           /* a slice of IKE initiations is scheduled */
    uint64_t ike_malformed, ike_blocked, ike_unknown_spi, ike_retransmits_answered, ike_bad_msg_id,
        ike_unknown_exchange, ike_retransmits, ike_frag_timeouts, ike_cookies_sent, ike_half_open_drops,
        ike_invalid_ke, ike_no_proposal, ike_dpd_answered, ike_mem_rejected;
    size_t dead_tunnels;       /* dynamic tunnels marked dead, freed at the tick */
    size_t auto_tunnels;       /* static tunnels with auto-establish */
    size_t tick_cursor;        /* where the next tick's slice of tunnels starts */
    /* memory watch (mem.c) */
    uint64_t mem_capacity, mem_used, mem_next_ms, mem_sampled_ms;
    unsigned mem_new_states;   /* IKE states admitted since the last sample */
    bool mem_high;             /* above the high-watermark, not yet below the low one */
    bool mem_full;             /* above the max-threshold: new IKE states rejected */
    /* MC-IPsec (mc.c): bit g set for tunnel group g */
    struct isa_mc *mc;
    uint32_t mc_groups;        /* protected by MC-IPsec */
    uint32_t mc_standby;       /* ... and not forwarding here: no IKE, no ESP */
    uint32_t responder_only;   /* ipsec-responder-only */
    uint64_t mc_standby_drops, mc_records_sent, mc_installed, mc_install_failed, mc_activated,
        mc_rekeys_started;
};

/* tunnel.c: how many of n tunnels or SAs one 100 ms tick looks at: all of
 * a few hundred, a tenth of more (each at least once a second) */
static inline size_t tick_slice(size_t n)
{
    return n <= 640 ? n : n / 10 + 1;
}

/* mem.c (thresholds: lib/card.h) */
#define ISA_MEMORY_MB_DEFAULT 4096
void isa_mem_update(struct isa *isa, uint64_t used);
void isa_mem_tick(struct isa *isa, uint64_t now_ms);
/* A new IKE state may be made (false above the max-threshold). */
bool isa_mem_admit(struct isa *isa);

/* mc.c: MC-IPsec state sync with the chassis's mcs */
void mc_init(struct isa *isa);
void mc_free(struct isa *isa);
void mc_tick(struct isa *isa, uint64_t now_ms);
/* A tunnel is being freed: out of mc's index of record keys. */
void mc_tunnel_freed(struct isa *isa, struct isa_tunnel *t);
/* A gateway's dynamic tunnel was made: into that index. */
void mc_tunnel_made(struct isa *isa, struct isa_tunnel *t);
/* The groups' MC-IPsec flags from a configuration push. */
void mc_apply(struct isa *isa, const Srlab__CardConfig *cfg);
/* cpm's McMastership: groups becoming forwarding wake their SAs and rekey. */
void mc_mastership(struct isa *isa, const Srlab__McMastership *m);
static inline bool mc_group_standby(const struct isa *isa, uint32_t group)
{
    return group < 32 && (isa->mc_standby >> group & 1);
}
static inline bool isa_responder_only(const struct isa *isa, uint32_t group)
{
    return group < 32 && (isa->responder_only >> group & 1);
}
struct ike_sa;
/* The tunnel of this SA changed (an exchange, a request, a rekey): its
 * record goes to mcs when its group is MC-IPsec and forwarding here. */
void mc_sa_changed(struct isa *isa, struct ike_sa *sa);
/* The tunnel's IKE SA went: mcs removes the record. */
void mc_sa_gone(struct isa *isa, struct ike_sa *sa);

/* dataplane.c */
void isa_dataplane_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void isa_dataplane_close(struct isa *isa);
void isa_answer_query(struct isa *isa, const Srlab__Query *q);
/* Queues a packet for IOM slot `iom`, as coming from (svc, interface). */
void isa_emit(struct isa *isa, unsigned iom, uint32_t svc, const char *interface, bool private_side,
              const uint8_t *pkt, size_t len);
void isa_flush(struct isa *isa);

static inline unsigned inner_version(const uint8_t *p)
{
    return p[0] >> 4;
}

/* tunnel.c */
void tunnels_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void tunnels_free(struct isa *isa);
/* The tunnel for a packet from a private interface: the ipsec-tunnel a
 * route named, else the interface's GRE/IP-IP tunnel, else its IPsec
 * tunnel whose security policy covers the packet. */
struct isa_tunnel *tunnel_by_private(struct isa *isa, uint32_t svc, const char *interface,
                                     const char *tunnel, const uint8_t *pkt, size_t len);
struct isa_tunnel *tunnel_by_public(struct isa *isa, int family, const uint8_t *local,
                                    const uint8_t *remote, uint8_t proto);
void tunnels_tick(struct isa *isa, uint64_t now_ms);
const char *tunnel_drop_name(enum tunnel_drop d);
/* Counts a drop; the first of a kind, and then at most one per 10 s, goes
 * to cpm's event log with how many there were. */
void tunnel_drop(struct isa *isa, struct isa_tunnel *t, enum tunnel_drop d);
/* An event for cpm's log (severity: cpm's enum ev_severity). */
void tunnel_event(struct isa *isa, unsigned severity, unsigned event_id, const char *subject,
                  const char *text);

/* encap.c: what every tunnel type shares: the MTU rules on the way in,
 * the outer header and encapsulated-ip-mtu on the way out, outer parsing
 * and reassembly on the way back, ICMP errors into the private service. */
#define OUTER_ROOM 48          /* IPv6 + UDP: room left before a tunnel header */
void tunnel_private_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *pkt,
                          size_t len);
void tunnel_public_input(struct isa *isa, unsigned iom, const uint8_t *pkt, size_t len);
/* Sends body (at buf + OUTER_ROOM, body_len bytes) with an outer header of
 * protocol proto (UDP-encapsulated when udp is set) to the tunnel's remote. */
void tunnel_send_outer(struct isa *isa, unsigned iom, struct isa_tunnel *t, uint8_t *buf,
                       size_t body_len, uint8_t proto, bool udp, uint8_t dscp);
/* A decapsulated payload into the private service. */
void tunnel_deliver(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *inner,
                    size_t len);

/* gre.c: GRE and IP-IP headers */
void gre_encap_one(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                   size_t len, uint8_t dscp);
void gre_decap(struct isa *isa, unsigned iom, struct isa_tunnel *t, uint8_t proto, const uint8_t *p,
               size_t len);

/* ipsec.c: static IPsec tunnels over the ESP engine (esp.h) */
bool ipsec_policy_allows(const struct isa_tunnel *t, const uint8_t *pkt, size_t len, bool inbound);
void ipsec_encap_one(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                     size_t len, uint8_t dscp);
void ipsec_esp_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *esp,
                     size_t len);
void ipsec_udp_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *udp,
                     size_t len);
void ipsec_apply(struct isa_tunnel *t, const Srlab__IpsecTunnelConfig *c);
void ipsec_free(struct isa_tunnel *t);
/* SAs of a tunnel: added by manual keying or IKE, removed by SPI. */
struct isa_sa *tunnel_sa_add(struct isa_tunnel *t, uint32_t id, uint32_t spi, bool inbound,
                             struct esp_sa *esp, const char *encryption, const char *auth,
                             const uint8_t *ekey, size_t ekey_len, const uint8_t *akey,
                             size_t akey_len);
void tunnel_sa_remove(struct isa_tunnel *t, uint32_t spi, bool inbound);
void tunnel_sas_changed(struct isa_tunnel *t);
void tunnel_sa_hold(struct isa_tunnel *t, uint32_t out_id);
void tunnel_sa_used(struct isa_tunnel *t, const struct isa_sa *in);
void ipsec_tick(struct isa *isa, struct isa_tunnel *t, uint64_t now_ms);

#endif

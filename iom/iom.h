/* The iom process: the ports, SAPs, routing instances and forwarding of one
 * IOM slot. One event loop: port readers, the bus to cpm, the control
 * socket for srlab, the dataplane socket to the ISAs, and timers. */
#ifndef SRLAB_IOM_H
#define SRLAB_IOM_H

#include <czmq.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "card.h"
#include "frag.h"
#include "pkt.h"

#define IOM_MAX_PORT_MDAS 6
#define IOM_LINK_POLL_MS 200
#define IOM_RX_BATCH 64
#define IOM_TX_BATCH 64
#define IOM_RX_BURST 256       /* frames read from one port's ring per poll round */

/* ---- packet buffers ------------------------------------------------------- */

#define PKT_HEADROOM 256       /* room to prepend L2 (and, in ISAs, tunnel) headers */
#define PKT_MAX 9728           /* largest frame a port carries */
#define PKT_POOL_MAX 16384

struct pkt {
    struct pkt *next;
    uint8_t *data;             /* current start (L2 on rx; L3 while routing) */
    uint8_t *head;             /* room in front of data starts here: buf, or a ring slot's */
    uint32_t len;
    int16_t in_port;           /* port index, -1 if none */
    int16_t vlan;
    uint16_t l2_len;           /* bytes of L2 header in front of data (rx) */
    struct iom_if *in_if;
    uint8_t fc;                /* forwarding class (enum fc) */
    uint8_t nh[16];            /* next hop while waiting for a neighbour */
    uint64_t release_ns;       /* delay queue */
    uint8_t buf[PKT_HEADROOM + PKT_MAX];
};

/* ---- drop reasons: every drop has one ---------------------------------------- */

#define DROP_REASONS(X)                                                                        \
    X(PORT_DOWN, "port-down")                                                                  \
    X(RUNT, "runt-frame")                                                                      \
    X(OVERSIZE, "oversize-frame")                                                              \
    X(RX_OVERFLOW, "rx-ring-overflow")                                                         \
    X(NOT_FOR_US, "dst-mac-not-ours")                                                          \
    X(NO_SAP, "no-sap-for-vlan")                                                               \
    X(IF_DOWN, "interface-down")                                                               \
    X(ETHERTYPE, "unknown-ethertype")                                                          \
    X(ARP_BAD, "arp-malformed")                                                                \
    X(ARP_NOT_OURS, "arp-not-for-us")                                                          \
    X(IP4_TRUNC, "ipv4-truncated")                                                             \
    X(IP4_VERSION, "ipv4-bad-version")                                                         \
    X(IP4_HDRLEN, "ipv4-bad-header-length")                                                    \
    X(IP4_LENGTH, "ipv4-bad-length")                                                           \
    X(IP4_CSUM, "ipv4-bad-checksum")                                                           \
    X(BAD_SRC, "bad-source-address")                                                              \
    X(IP6_TRUNC, "ipv6-truncated")                                                             \
    X(IP6_VERSION, "ipv6-bad-version")                                                         \
    X(IP6_LENGTH, "ipv6-bad-length")                                                           \
    X(IP6_EXTHDR, "ipv6-bad-extension-headers")                                                \
    X(TTL, "ttl-expired")                                                                      \
    X(NO_ROUTE, "no-route")                                                                    \
    X(BLACKHOLE, "black-hole")                                                                 \
    X(DF, "needs-fragmentation-df-set")                                                        \
    X(PTB, "ipv6-packet-too-big")                                                              \
    X(FRAG_FAIL, "fragmentation-failed")                                                       \
    X(REASM, "reassembly-failed")                                                              \
    X(REASM_TIMEOUT, "reassembly-timeout")                                                     \
    X(NBR_FAIL, "neighbor-unresolved")                                                         \
    X(NBR_QUEUE, "neighbor-queue-full")                                                        \
    X(LOCAL_PROTO, "local-unsupported-protocol")                                               \
    X(ICMP_BAD, "icmp-malformed")                                                              \
    X(ND_BAD, "nd-malformed")                                                                  \
    X(FILTER, "ip-filter-drop")                                                                \
    X(NO_BUFFER, "no-packet-buffer")                                                           \
    X(NO_ISA, "tunnel-group-no-active-isa")                                                    \
    X(HANDOFF, "isa-handoff-failed")                                                           \
    X(FROM_ISA_BAD, "from-isa-malformed")                                                      \
    X(OTHER_IOM, "egress-on-another-iom")                                                      \
    X(LOSS, "link-loss")                                                                       \
    X(RATE, "link-rate-queue-full")                                                            \
    X(TX_ERROR, "tx-error")                                                                    \
    X(MC_STANDBY, "mc-standby")                                                                \
    X(MC_SHUNT_LOOP, "mc-shunt-loop")

enum drop_reason {
#define X(id, name) DROP_##id,
    DROP_REASONS(X)
#undef X
    DROP_MAX
};
const char *drop_name(enum drop_reason r);

/* ---- forwarding classes and QoS ----------------------------------------------- */

enum fc { FC_BE, FC_L2, FC_AF, FC_L1, FC_H2, FC_EF, FC_H1, FC_NC, FC_MAX };
const char *fc_name(int fc);
int fc_parse(const char *name);

struct fc_stats {
    uint64_t in_off_pkts, in_off_octets, in_fwd_pkts, in_fwd_octets;
    uint64_t out_off_pkts, out_off_octets, out_fwd_pkts, out_fwd_octets;
};

struct qos_policy {
    uint32_t id;
    bool ingress;
    uint8_t default_fc;
    int8_t dscp_fc[64];        /* ingress: dscp -> fc, -1 = default */
    int8_t fc_dscp[FC_MAX];    /* egress: fc -> dscp, -1 = keep */
};

struct filter_entry {
    uint32_t id;
    int protocol;
    int family;                /* 0: any; AF_INET / AF_INET6 when a prefix is set */
    uint8_t src[16], dst[16];
    int src_len, dst_len;      /* -1: any */
    int src_port, dst_port;
    bool drop;
    uint64_t matches;
};

struct ip_filter {
    uint32_t id;
    bool default_drop;
    struct filter_entry *entries;
    size_t n;
};

/* ---- ports ----------------------------------------------------------------------- */

/* ring.c: the receive and transmit rings of a veth port (AF_PACKET, TPACKET_V2). */
struct port_ring {
    int fd;
    uint8_t *map, *tx_map;
    size_t map_len;
    unsigned wire_mtu;         /* the veth MTU its slots were sized for */
    unsigned frame_size, frames_per_block, nframes, tx_nframes;
    unsigned next;             /* the receive slot to read next */
    unsigned held;             /* receive slots read and not yet handed back */
    uint64_t lost;             /* frames the kernel dropped, receive ring full */
    unsigned tx_fill;          /* the transmit slot to fill next */
    unsigned tx_queued;        /* filled slots the kernel has not taken yet */
    unsigned tx_discard;       /* of those, the first ones marked to be skipped */
};
struct ring_tx_result {
    unsigned sent, dropped;    /* slots taken by the kernel: sent, or skipped as discarded */
    uint64_t octets;
};
struct ring_frame {
    uint8_t *frame, *head;     /* head: free room in the slot before frame */
    size_t len;
};
enum ring_verdict { RING_EMPTY, RING_FRAME, RING_OVERSIZE, RING_RUNT, RING_OUTGOING };
int ring_open(struct port_ring *r, const char *ifname, unsigned wire_mtu);
void ring_close(struct port_ring *r);
/* The next received frame: valid, and writable, until ring_release. */
enum ring_verdict ring_next(struct port_ring *r, struct ring_frame *f);
void ring_release(struct port_ring *r);
/* One slot's descriptor and frame, checked against the slot's size. */
enum ring_verdict ring_slot_parse(uint8_t *slot, size_t slot_size, struct ring_frame *f);
/* Copies a frame into the next transmit slot: -1 with errno ENOBUFS when
 * that slot is still in flight (the ring is full), EMSGSIZE when too big. */
int ring_tx_put(struct port_ring *r, const uint8_t *frame, size_t len);
/* Hands the queued frames to the kernel and counts those it took (adds to
 * res); -1 with send()'s errno when it refused one (it stays queued). */
int ring_tx_send(struct port_ring *r, struct ring_tx_result *res);
/* Marks the first n queued frames (not marked yet) to be lost: the kernel
 * skips them at the next send. */
void ring_tx_discard(struct port_ring *r, unsigned n);

struct iom_port {
    struct iom *iom;
    char name[32];             /* "1/1/1" */
    char ifname[40];           /* "e1-1-1", the veth srlab made */
    bool udp;                  /* udp pseudo-wire instead of a veth */
    int udp_fd;
    struct sockaddr_in udp_peer;
    struct port_ring ring;     /* a veth's; ring.map NULL while closed */
    int fd;                    /* sends (and polls): the ring's or the udp socket */
    bool present, link_up;     /* the wire */
    bool admin_up, configured; /* configuration */
    bool ctl_down;             /* srlab link down */
    uint8_t mac[ETH_ALEN];
    unsigned wire_mtu;         /* veth MTU (payload bytes after the Ethernet header) */
    unsigned mtu;              /* port MTU in SR OS terms: frame bytes incl. the 14-byte header */
    bool dot1q;
    char mode[12], encap[8];
    /* impairment, applied to frames the port sends */
    uint32_t loss_ppm, delay_ms, rate_kbps;
    uint64_t tokens_bits, last_refill_ns;
    struct pkt *dq_head, *dq_tail; /* delayed / rate-limited frames */
    unsigned dq_len;
    /* transmit batch */
    struct pkt *txq[IOM_TX_BATCH];
    unsigned ntx;
    uint64_t rx_pkts, rx_octets, tx_pkts, tx_octets, rx_errors, tx_drops;
    uint64_t drops[DROP_MAX];
    struct iom_if **saps;      /* by VLAN + 1 (0: untagged); NULL when none */
};

/* ---- interfaces and routing instances ---------------------------------------------- */

enum if_kind { IFK_NETWORK, IFK_SAP, IFK_TUNNEL_PRIVATE, IFK_TUNNEL_PUBLIC };

#define IF_MAX_V6 8

/* A redundant next hop (MC-IPsec shunting); family 0: none configured. */
struct iom_rnh {
    uint8_t family;
    uint8_t addr[16];
};

struct iom_if {
    char name[40];
    struct iom_inst *inst;
    uint32_t svc;              /* 0: Base router interface; IES/VPRN id otherwise */
    enum if_kind kind;
    int port;                  /* port index, -1 if none (tunnel SAPs) */
    int vlan;                  /* -1: untagged */
    unsigned tunnel_group, tunnel_tag;
    char sap[48];
    bool admin_up, oper_up;
    bool has_v4;
    uint8_t v4[4];
    int v4_len;
    int n6;
    uint8_t v6[IF_MAX_V6][16];
    int v6_len[IF_MAX_V6];
    uint8_t v6_ll[16];         /* link-local, from the port MAC (EUI-64) */
    unsigned ip_mtu;
    uint32_t arp_timeout_s;
    const struct qos_policy *qos_in, *qos_out;
    const struct ip_filter *filter_in, *filter_out;
    uint32_t qos_in_id, qos_out_id;
    struct fc_stats fc[FC_MAX];
    uint64_t in_dropped_pkts, in_dropped_octets;
    uint64_t icmp_tokens_ms;   /* ICMP error rate limiting */
    unsigned icmp_tokens;
    /* MC-IPsec (mc.c), from the configuration and the groups' mastership */
    bool mc_standby;           /* tunnel interface of an MC group not forwarding here */
    bool mc_gw_if;             /* Ethernet interface of a delivery service with MC gateways */
    bool mc_static, mc_dynamic; /* private: holds static tunnels / an ipsec-gw's tunnels */
    struct iom_rnh rnh_static, rnh_dynamic;
};

struct route {
    uint8_t family;            /* AF_INET / AF_INET6 */
    uint8_t plen;
    uint8_t addr[16];
    uint8_t proto;             /* ROUTE_LOCAL / ROUTE_DIRECT / ROUTE_STATIC */
    uint8_t pref;
    bool active, blackhole, has_nh;
    uint8_t nh[16];
    struct iom_if *oif;
    uint32_t metric;
    uint64_t since_ms;
    char tunnel[80];           /* static route into an ipsec-tunnel: its name */
};
enum { ROUTE_LOCAL, ROUTE_DIRECT, ROUTE_STATIC, ROUTE_IPSEC };

struct fib {
    struct route *routes;      /* every candidate route, for show */
    size_t n, cap;
    struct route **slots;      /* hash of active routes: (family, plen, masked addr) */
    size_t nslots;
    uint64_t lens4[1], lens6[3]; /* bitmaps of prefix lengths present */
};

struct nbr {
    struct nbr *next;          /* hash chain */
    uint8_t family;
    uint8_t ip[16];
    uint8_t mac[ETH_ALEN];
    char ifname[40];
    struct iom_if *ifp;
    uint8_t state;             /* NBR_INCOMPLETE, NBR_REACHABLE, NBR_STALE */
    uint8_t probes;
    uint64_t expires_ms, next_probe_ms;
    struct pkt *q_head;
    unsigned qlen;
};
enum { NBR_INCOMPLETE, NBR_REACHABLE, NBR_STALE };

#define NBR_BUCKETS 1024

struct iom_inst {
    uint32_t id;               /* 0: Base (with its IES interfaces); VPRN id otherwise */
    bool vprn;
    bool admin_up;
    struct fib fib;
    struct nbr *nbr[NBR_BUCKETS];
    unsigned n_nbr;
    struct reasm *reasm;
    struct iom_inst *next;
};

/* ---- the process ------------------------------------------------------------------- */

struct mirror_out;
struct iom_mc;

struct iom {
    const char *rundir;
    const char *name;
    unsigned slot;
    zloop_t *loop;
    struct card *card;
    struct iom_port *ports;
    size_t n_ports;
    struct iom_if **ifs;       /* every interface of every instance */
    size_t n_ifs;
    struct iom_inst *insts;
    Srlab__CardConfig *config;
    uint64_t generation;
    struct qos_policy *qos;
    size_t n_qos;
    struct ip_filter *filters;
    size_t n_filters;
    struct mirror_out *mirrors;
    size_t n_mirrors;
    Srlab__TunnelGroupConfig **groups;
    size_t n_groups;
    /* packet buffers */
    struct pkt *free_pkts;
    unsigned pkts_allocated;
    struct pkt *lent[IOM_RX_BURST]; /* this round's packets in a ring's slots */
    uint8_t *lent_head[IOM_RX_BURST];
    unsigned n_lent;
    /* sockets */
    zsock_t *ctl;              /* ROUTER: srlab link control and queries */
    struct bus_stats ctl_stats;
    uint64_t drops[DROP_MAX];  /* drops not tied to a port */
    uint64_t to_isa_pkts, from_isa_pkts, to_isa_batches;
    bool in_dispatch;          /* batching: flush at the end of each poll round */
    uint64_t now_ms;           /* cached per round */
    uint32_t rng;
    zhashx_t *dyn_routes;      /* "svc|prefix|tunnel" -> struct dyn_route (ipsec-gw reverse routes) */
    bool fib_dirty;            /* rebuild the FIBs at the next tick */
    int64_t fib_next_us;       /* not before (zclock_usecs): rebuilds are throttled */
    struct iom_mc *mc;         /* MC-IPsec groups, gateway addresses, shunt counters */
};

/* A reverse route into a gateway's dynamic tunnel (cpm's RouteUpdate). */
struct dyn_route {
    uint32_t svc;
    char prefix[48], tunnel[80], ifname[40], isa[8];
};

/* pktbuf.c */
struct pkt *pkt_alloc(struct iom *iom);
void pkt_free(struct iom *iom, struct pkt *p);
void pkt_free_list(struct iom *iom, struct pkt *p);
struct pkt *pkt_copy(struct iom *iom, const uint8_t *data, size_t len);
/* A packet whose bytes stay in a ring slot (frame, room from head) until
 * pkt_end_loans, at the end of the poll round; NULL when out of buffers. */
struct pkt *pkt_borrow(struct iom *iom, uint8_t *frame, size_t len, uint8_t *head);
/* Gives p bytes of its own (a no-op for a packet that has them). */
void pkt_own(struct pkt *p);
/* Before the ring slots go back: a borrowed packet still kept (queued for a
 * neighbour, delayed) takes a copy of its bytes. */
void pkt_end_loans(struct iom *iom);
void iom_drop(struct iom *iom, struct pkt *p, enum drop_reason r, int port);
/* Feeds a fragment addressed to the router to its instance's reassembler:
 * 1 with p now holding the whole packet, 0 when held (p freed), -1 when
 * dropped (counted, p freed). */
int iom_reassemble(struct iom *iom, struct iom_if *ifp, struct pkt *p);
#define ICMP_RATE_PER_S 100    /* ICMP errors per interface per second */
bool icmp_rate_ok(struct iom *iom, struct iom_if *ifp);
uint64_t mono_ms(void);
uint64_t mono_ns(void);

/* port.c */
void iom_port_ifname(const char *port, char *out, size_t len);
int iom_ports_init(struct iom *iom, const char *mdas_arg, const char *udp_arg,
                   Srlab__Register *reg, Srlab__MdaInfo *infos, Srlab__MdaInfo **info_ptrs);
bool iom_ports_poll(struct iom *iom);      /* link state; true when something changed */
void iom_ports_report(struct iom *iom);
void iom_ports_attach(struct iom *iom);    /* pollers for open ports */
void iom_ports_free(struct iom *iom);
int iom_port_index(const struct iom *iom, const char *name);
bool port_usable(const struct iom_port *p);
void port_tx(struct iom *iom, int port, struct pkt *p);
void port_flush(struct iom *iom, struct iom_port *p);
void port_flush_all(struct iom *iom);
void port_delay_tick(struct iom *iom);
int port_link_control(struct iom *iom, const Srlab__LinkRequest *rq, char *err, size_t errlen);
void port_stats(const struct iom_port *p, Srlab__PortStats *out, char *macbuf);

/* l2.c */
void l2_input(struct iom *iom, int port, struct pkt *p);
/* Sends an L3 packet (p->data at the IP header) out of interface oif to MAC dst. */
void l2_output(struct iom *iom, struct iom_if *oif, struct pkt *p, const uint8_t *dst_mac,
               uint16_t ethertype);
struct iom_if *sap_lookup(struct iom *iom, int port, int vlan);

/* neighbor.c: ARP (IPv4) and ND (IPv6) */
void arp_input(struct iom *iom, struct iom_if *ifp, struct pkt *p, const struct eth_view *eth);
void nbr_resolve_and_send(struct iom *iom, struct iom_if *oif, struct pkt *p, int family,
                          const uint8_t *nh);
void nbr_learn(struct iom *iom, struct iom_if *ifp, int family, const uint8_t *ip,
               const uint8_t *mac, bool solicited);
void nbr_tick(struct iom *iom);
void nbr_relink(struct iom *iom);          /* after a configuration change */
void nbr_flush_inst(struct iom *iom, struct iom_inst *inst);
void arp_gratuitous(struct iom *iom, struct iom_if *ifp);
/* Gratuitous ARP request / unsolicited NA for addr (an address this router owns on ifp). */
void arp_announce(struct iom *iom, struct iom_if *ifp, const uint8_t *addr);
void nd_announce(struct iom *iom, struct iom_if *ifp, const uint8_t *addr);
bool nd_input(struct iom *iom, struct iom_if *ifp, struct pkt *p, size_t icmp_off);
const struct nbr *nbr_get(const struct iom_inst *inst, int family, const uint8_t *ip);

/* fib.c */
void fib_clear(struct fib *f);
void fib_free(struct fib *f);
struct route *fib_add(struct fib *f, const struct route *r);
void fib_build_index(struct fib *f);
const struct route *fib_lookup(const struct fib *f, int family, const uint8_t *addr);
void fib_rebuild(struct iom *iom, struct iom_inst *inst);
void iom_rebuild_all_fibs(struct iom *iom);

/* ip4.c / ip6.c */
void ip4_input(struct iom *iom, struct iom_if *ifp, struct pkt *p);
void ip6_input(struct iom *iom, struct iom_if *ifp, struct pkt *p);
/* Routes a packet the router itself originates (ICMP, replies). */
void ip4_output(struct iom *iom, struct iom_inst *inst, struct pkt *p);
void ip6_output(struct iom *iom, struct iom_inst *inst, struct pkt *p);
void ip4_forward(struct iom *iom, struct iom_inst *inst, struct iom_if *in_if, struct pkt *p);
void ip6_forward(struct iom *iom, struct iom_inst *inst, struct iom_if *in_if, struct pkt *p);
/* Sends a routed packet (TTL / hop limit already counted) to nh out of an
 * Ethernet interface: fragmentation or ICMP too big as forwarding does. */
void ip4_send(struct iom *iom, struct iom_if *oif, struct iom_if *in_if, struct pkt *p,
              const uint8_t *nh);
void ip6_send(struct iom *iom, struct iom_if *oif, struct iom_if *in_if, struct pkt *p,
              const uint8_t *nh);
void icmp4_error(struct iom *iom, struct iom_if *in_if, const struct pkt *orig, uint8_t type,
                 uint8_t code, uint32_t extra);
void icmp6_error(struct iom *iom, struct iom_if *in_if, const struct pkt *orig, uint8_t type,
                 uint8_t code, uint32_t extra);
bool iom_is_local4(const struct iom_inst *inst, const uint8_t *ip);
bool iom_is_local6(const struct iom_inst *inst, const uint8_t *ip);
const uint8_t *if_src6_for(const struct iom_if *ifp, const uint8_t *dst);

/* qos.c */
void qos_ingress(struct iom *iom, struct iom_if *ifp, struct pkt *p, bool v6);
bool qos_egress(struct iom *iom, struct iom_if *ifp, struct pkt *p, bool v6);
void qos_forwarded_in(struct iom_if *in_if, const struct pkt *p);
bool filter_pass(const struct ip_filter *f, const uint8_t *ip, size_t len, bool v6);
const struct filter_entry *filter_match(const struct ip_filter *f, const uint8_t *ip,
                                        size_t len, bool v6);

/* mcast.c: multicast payload over GRE (flooded within the instance) */
bool mcast_routable(const uint8_t *ip, bool v6);
void mcast_forward(struct iom *iom, struct iom_if *in_if, struct pkt *p, bool v6);

/* mirror.c */
void mirror_port(struct iom *iom, int port, const uint8_t *frame, size_t len, bool ingress);
void mirror_sap(struct iom *iom, const struct iom_if *ifp, const uint8_t *frame, size_t len,
                bool ingress);
void mirror_filter(struct iom *iom, const uint8_t *l3, size_t len, bool v6);
void mirror_apply(struct iom *iom);
void mirror_close_all(struct iom *iom);

/* handoff.c */
int handoff_init(struct iom *iom);
/* Reverse routes of dynamic tunnels: the full set of a push, or an update. */
void iom_dyn_routes_load(struct iom *iom, const Srlab__CardConfig *cfg);
void iom_route_update(struct iom *iom, const Srlab__RouteUpdate *u);
void handoff_place(uint32_t svc, const char *ifname, const char *tunnel,
                   const char *isa); /* NULL isa: remove */
/* tunnel: the tunnel a route chose (NULL otherwise); dynamic: that route is
 * a reverse route of an ipsec-gw's tunnel. */
void handoff_to_isa(struct iom *iom, struct iom_if *oif, struct pkt *p, const uint8_t *nh,
                    const char *tunnel, bool dynamic);
void handoff_flush(struct iom *iom);
void handoff_apply(struct iom *iom);
void handoff_close(struct iom *iom);

/* config.c */
int iom_apply_config(struct iom *iom, uint64_t generation, const Srlab__CardConfig *cfg,
                     char *err, size_t errlen);
void iom_update_oper(struct iom *iom);
void iom_ports_reconfigure(struct iom *iom);
void iom_config_free(struct iom *iom);
struct iom_inst *iom_inst_get(struct iom *iom, uint32_t id);

/* mc.c: MC-IPsec in the dataplane. Gateway addresses of an MC group are
 * answered (ARP/ND) and announced only where the group is forwarding;
 * elsewhere its tunnel traffic is shunted to a redundant next hop. */
#define IOM_MC_GROUPS 16       /* tunnel-group ids 1..16 */
enum iom_mc_verdict { MC_TO_ISA, MC_SHUNT, MC_DROP_STANDBY };
enum { MC_PUBLIC, MC_PRIVATE };
/* The gateway addresses owned through a public packet's destination. */
enum { MC_GW_NONE = 0, MC_GW_STATIC = 1, MC_GW_DYNAMIC = 2 };
/* Where a packet handed off for group traffic goes (pure: no state):
 * forwarding: the group is forwarding here; oper_up: TunnelGroupConfig.oper_up;
 * public_side: routed to the public tunnel interface (gw: which gateways own
 * its destination) or to a private one (dynamic: by a reverse route). */
enum iom_mc_verdict iom_mc_decide(bool forwarding, bool oper_up, const struct iom_if *oif,
                                  int family, int gw, bool dynamic,
                                  const struct iom_rnh **rnh);
/* True when sending to nh out of oif would return the packet to the neighbour
 * it came from (src_mac NULL when it did not come from a port). */
bool iom_mc_loops(const struct iom_if *in_if, const uint8_t *src_ip, const uint8_t *src_mac,
                  const struct iom_if *oif, int family, const uint8_t *nh, const struct nbr *n);
/* The configuration's groups, gateway addresses and redundant next hops. */
void iom_mc_config(struct iom *iom, const Srlab__CardConfig *cfg);
void iom_mc_mastership(struct iom *iom, const Srlab__McMastership *m);
/* The group of oif is not forwarding here: shunt p or drop it (consumes p). */
void iom_mc_standby(struct iom *iom, struct iom_if *oif, struct pkt *p, bool dynamic);
/* ARP/ND: does this router answer for addr on ifp (an MC gateway address
 * of its delivery service whose group is forwarding here)? */
bool iom_mc_owns(const struct iom *iom, const struct iom_if *ifp, int family,
                 const uint8_t *addr);
/* An IPv6 MC gateway address of ifp's service, forwarding or not (sn_tail:
 * compare only the last 3 bytes, as a solicited-node group does). */
bool iom_mc_gw6(const struct iom *iom, const struct iom_if *ifp, const uint8_t *addr, bool sn_tail);
void iom_mc_if_up(struct iom *iom, struct iom_if *ifp);  /* announce what it owns */
void iom_mc_garp_again(struct iom *iom);                 /* the second announcements due */
void iom_mc_counters(const struct iom *iom, void (*emit)(void *arg, const char *name, uint64_t v),
                     void *arg);
void iom_mc_free(struct iom *iom);
/* The chapter: a /32 (/128) route of each local gateway address of an MC
 * group, protocol ipsec, into the public tunnel interface of its service. */
void iom_mc_gw_routes(struct iom *iom, struct iom_inst *inst, struct fib *f, uint64_t now);

/* ctl.c */
int ctl_init(struct iom *iom);
void ctl_on_query(struct iom *iom, const Srlab__Query *q, Srlab__Envelope *reply_env,
                  void (*send)(void *arg, Srlab__Envelope *env), void *arg);
void ctl_close(struct iom *iom);

#endif

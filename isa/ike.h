/* IKEv2 on the ISA (RFC 7296): IKE SAs for static tunnels with
 * dynamic-keying and for ipsec-gw gateways, their exchanges, the CHILD SAs
 * they install into the ESP engine, DPD, rekeying, NAT traversal, IKEv2
 * fragmentation (RFC 7383) and lockout. Messages come and go as UDP 500 /
 * 4500 through the IOM hand-off like every tunnel packet.
 *   ike_sa.c     the IKE SA table, states, timers, sending and retransmission
 *   ike_init.c   IKE_SA_INIT both ways: proposals, DH, cookies, NAT detection
 *   ike_auth.c   IKE_AUTH both ways: PSK, identities, the first CHILD SA
 *   ike_child.c  CHILD SAs: ESP proposals, traffic selectors, keys, rekeying
 *   ike_info.c   INFORMATIONAL: delete, liveness (DPD)
 *   ike_gw.c     gateways: dynamic tunnels, reverse routes, lockout */
#ifndef SRLAB_ISA_IKE_H
#define SRLAB_ISA_IKE_H

#include "ike_crypto.h"
#include "ike_msg.h"
#include "isa.h"

#define IKE_MSG_MAX 8192         /* one IKE datagram, fragments reassembled */
#define IKE_NONCE_LEN 32         /* ours */
#define IKE_RETRANSMITS 5        /* 1, 2, 4, 8, 16 s, then the peer is gone */
#define IKE_HALF_OPEN_COOKIES 512  /* half-open SAs before cookies are asked (RFC 7296 2.6) */
#define IKE_HALF_OPEN_MAX 16384  /* and never more than this */
#define IKE_MAX_CHILD_TS 32      /* the chapter: more is TS_UNACCEPTABLE */
#define IKE_INITIATE_SLICE_MS 20 /* auto-establish initiations at one go, then the loop runs */

/* An ike-policy with what it refers to, copied from the configuration so
 * an SA never points into a message that the next push replaces. */
struct ike_esp_choice {
    struct esp_transform tf;
    char encryption[24], auth[24];
    uint32_t lifetime_s;
    uint16_t pfs_group;
};

struct ike_policy {
    uint32_t id;
    struct ike_transforms ike[4];
    uint32_t ike_lifetime_s[4];
    size_t n_ike;
    struct ike_esp_choice esp[4];
    size_t n_esp;
    uint32_t ipsec_lifetime_s;
    bool pfs;
    uint16_t pfs_group;          /* 0 with pfs: the IKE SA's group */
    bool dpd, dpd_reply_only;
    unsigned dpd_interval_s, dpd_retries;
    bool nat_force;
    unsigned nat_keepalive_s;
    bool lockout;
    unsigned lockout_attempts, lockout_duration_min, lockout_block_min, lockout_max_ports;
    unsigned frag_mtu, frag_timeout_s;
    uint8_t psk[256];
    size_t psk_len;
    uint8_t local_id_type;       /* IKE_ID_*; 0: the local gateway address */
    uint8_t local_id[128];
    size_t local_id_len;
};

/* One traffic selector, or a ts-list entry: [start, end] addresses of one
 * family, a protocol (0: any), ports [lo, hi] (ICMP: type << 8 | code;
 * OPAQUE: lo 0xffff, hi 0). */
struct ike_sel {
    int family;
    uint8_t start[16], end[16];
    uint8_t proto;
    uint16_t lo, hi;
};

/* Where an IKE message came from or goes to. */
struct ike_path {
    unsigned iom;
    int family;
    uint8_t local[16], remote[16];
    uint16_t local_port, remote_port;
    uint32_t delivery_svc;
    char pub_ifname[40];
};

enum child_state { CHILD_INSTALLED, CHILD_REKEYING, CHILD_REKEYED, CHILD_DELETING };

struct child_sa {
    struct child_sa *next;
    enum child_state state;
    uint32_t spi_in, spi_out;
    uint32_t sa_id;              /* the tunnel's isa_sa ids: in = sa_id, out = sa_id + 1 */
    struct ike_esp_choice esp;
    bool esn;
    uint16_t pfs_group;
    struct ike_sel *ts_local, *ts_remote;
    unsigned n_local, n_remote;
    uint64_t created_ms, rekey_ms, expire_ms;
    uint32_t rekeys;
    bool mc_rekey;               /* MC-IPsec: the new master's rekey, allowed when responder-only */
    bool mc_replace;             /* ... which the peer refused (it no longer has this CHILD SA: a
                                    failover during a failover): a new CHILD SA replaces it */
};

enum ike_state {
    IKE_S_INIT_SENT,             /* initiator: IKE_SA_INIT request out */
    IKE_S_INIT_DONE,             /* responder: answered IKE_SA_INIT, waiting for IKE_AUTH */
    IKE_S_AUTH_SENT,             /* initiator: IKE_AUTH request out */
    IKE_S_ESTABLISHED,
    IKE_S_REKEYED,               /* replaced by a rekey, waiting for its delete */
    IKE_S_DELETING,              /* our delete is out */
    IKE_S_DEAD,                  /* freed at the next tick */
    IKE_S_MAX
};

enum ike_event {
    IKE_E_INIT_REQ, IKE_E_INIT_RESP, IKE_E_AUTH_REQ, IKE_E_AUTH_RESP, IKE_E_REKEYED,
    IKE_E_DELETE, IKE_E_DELETE_REQ, IKE_E_TIMEOUT, IKE_E_AUTH_FAILED, IKE_E_ERROR,
    IKE_E_SYNCED,                /* installed from the MC-IPsec peer chassis (mc.c) */
    IKE_E_MAX
};

/* What our outstanding request is for (window size 1). */
enum ike_req {
    IKE_REQ_NONE, IKE_REQ_INIT, IKE_REQ_AUTH, IKE_REQ_DPD, IKE_REQ_DELETE, IKE_REQ_DELETE_CHILD,
    IKE_REQ_REKEY_CHILD, IKE_REQ_REKEY_IKE,
};

/* State of an exchange in progress that needs keys later: IKE_SA_INIT up
 * to IKE_AUTH, or a CREATE_CHILD_SA we sent. Freed when it completes. */
struct ike_setup {
    struct ike_dh *dh;
    uint8_t ni[256], nr[256];
    size_t ni_len, nr_len;
    uint8_t *init_req, *init_resp;   /* IKE_SA_INIT messages as sent, for AUTH */
    size_t init_req_len, init_resp_len;
    uint8_t cookie[64];
    size_t cookie_len;
    uint8_t peer_ke_sha256[32];  /* responder: the initiator's KE, to know its COOKIE retry */
    uint16_t group;              /* initiator: the KE we send */
    /* CREATE_CHILD_SA as initiator */
    struct child_sa *rekeying;   /* the CHILD SA being replaced */
    uint32_t new_spi_in;
    uint64_t new_ike_spi;
    struct ike_transforms new_tf;
};

/* Fragments of one message being reassembled (RFC 7383 2.6). */
struct ike_frags {
    uint32_t msg_id;
    bool response;
    uint16_t total;
    uint8_t next;
    uint64_t deadline_ms;
    uint8_t *part[64];
    uint16_t len[64];
    uint16_t have;
};

struct ike_gw;

struct ike_sa {
    uint64_t spi_i, spi_r;
    bool initiator;              /* we started this IKE SA (original initiator) */
    enum ike_state state;
    struct isa_tunnel *tunnel;   /* the static tunnel, or the gateway's dynamic one */
    struct ike_gw *gw;           /* a gateway's SA */
    struct ike_policy *pol;      /* the tunnel's or gateway's */
    struct ike_path path;
    bool nat_local, nat_remote;  /* NAT seen in front of us / of the peer */
    struct ike_transforms tf;
    uint32_t ike_lifetime_s;
    struct ike_sa_keys keys;
    uint32_t next_req_id;        /* our next request's Message ID */
    uint32_t peer_req_id;        /* the peer's next request */
    enum ike_req req;            /* our outstanding request */
    enum ike_req req_was;        /* what the response being handled answers */
    uint8_t *req_msg;
    size_t req_len;
    unsigned req_tries;
    uint64_t req_next_ms;
    uint8_t *resp_msg;           /* our response to peer_req_id - 1 */
    size_t resp_len;
    struct ike_setup *setup;
    struct ike_frags *frags;
    bool peer_frag;              /* peer announced IKEV2_FRAGMENTATION_SUPPORTED */
    uint64_t created_ms, established_ms, rekey_ms, expire_ms, last_rx_ms, next_dpd_ms;
    unsigned dpd_missed;
    uint8_t peer_id_type;
    char peer_id[80];
    struct child_sa *children;
    struct ike_sa *rekeyed_to;   /* REKEYED: the SA that replaced this one */
    uint32_t ike_rekeys;
    char why[64];                /* why it went down, for the log */
    bool mc_passive;             /* MC-IPsec standby: installed from the peer chassis, silent */
    bool mc_resync;              /* a new master: accept the peer's requests from any later ID once */
    uint32_t mc_gen;             /* the full resync that installed it last (mc.c) */
    uint64_t mc_version;         /* its last record's version (sent or installed) */
    struct ike_sa *all_prev, *all_next; /* every SA, for the sliced tick */
};

struct ike_gw {
    char name[40];
    uint32_t group, delivery_svc, private_svc;
    char pub_ifname[40], private_ifname[40];
    int family;
    uint8_t local[16];
    bool oper_up, seen;
    struct ike_policy pol;
    unsigned ip_mtu, encap_mtu, replay_window, reasm_ms, ptb_count, ptb_interval;
    bool clear_df, reverse_route, reverse_ignore_default;
    bool has_ts;
    struct ike_sel ts_local[32], ts_remote[32];
    unsigned n_ts_local, n_ts_remote;
    char priv_addrs[4][48];
    unsigned n_priv_addrs;
    uint64_t tunnels_made, auth_failures, blocked_packets;
};

/* ---- ike_sa.c ---- */
void ike_engine_init(struct isa *isa);
void ike_engine_free(struct isa *isa);
/* An IKE message (after the UDP header, and after the non-ESP marker on
 * port 4500) for a static tunnel t or a gateway gw. */
void ike_input(struct isa *isa, const struct ike_path *path, struct isa_tunnel *t, struct ike_gw *gw,
               const uint8_t *msg, size_t len);
void ike_tick(struct isa *isa, uint64_t now_ms);
/* Initiates the auto-establish tunnels that are due, for at most
 * IKE_INITIATE_SLICE_MS; true when some are left for the next slice. */
bool ike_initiate_due(struct isa *isa, uint64_t now_ms);
/* Kills the IKE SAs of tunnels tunnels_apply is removing, but their current one. */
void ike_drop_unseen_tunnels(struct isa *isa);
struct ike_sa *ike_sa_new(struct isa *isa, bool initiator, uint64_t spi_i, uint64_t spi_r);
struct ike_sa *ike_sa_find(struct isa *isa, uint64_t our_spi);
/* Every SA (those dead but not yet freed included): first, then all_next. */
struct ike_sa *ike_sa_first(struct isa *isa);
/* The one function that changes an IKE SA's state: checks the transition
 * is legal and logs "event X in state A -> B". */
void ike_sa_set_state(struct ike_sa *sa, enum ike_event ev, enum ike_state next);
const char *ike_state_name(enum ike_state s);
/* Tears the SA down: its CHILD SAs out of the dataplane, the gateway's
 * dynamic tunnel with them. Freed at the next tick. */
void ike_sa_kill(struct isa *isa, struct ike_sa *sa, const char *why);
/* Sends a built message on the SA's path (with the non-ESP marker on
 * port 4500), fragmented when RFC 7383 applies. */
void ike_send(struct isa *isa, struct ike_sa *sa, const uint8_t *msg, size_t len);
void ike_send_path(struct isa *isa, const struct ike_path *p, const uint8_t *msg, size_t len);
/* Starts a request (keeps it for retransmission). */
void ike_request(struct isa *isa, struct ike_sa *sa, enum ike_req kind, uint8_t *msg, size_t len);
/* Encrypts the inner payload chain into an SK message with hdr and sends
 * it; as a response it is also cached for retransmitted requests. */
int ike_send_protected(struct isa *isa, struct ike_sa *sa, uint8_t exchange, bool response,
                       uint32_t msg_id, const uint8_t *inner, size_t inner_len, uint8_t first,
                       enum ike_req kind);
/* Our IKE SPI, unique on this ISA; an ESP SPI likewise. */
uint64_t ike_new_spi(struct isa *isa);
uint32_t ike_new_esp_spi(struct isa *isa);
void ike_release_esp_spi(struct isa *isa, uint32_t spi);
struct isa_tunnel *ike_tunnel_by_spi(struct isa *isa, uint32_t spi);
void ike_log_event(struct isa *isa, struct ike_sa *sa, const char *what, const char *detail);

/* ---- ike_init.c ---- */
void ike_init_request(struct isa *isa, const struct ike_path *path, struct isa_tunnel *t,
                      struct ike_gw *gw, const struct ike_hdr *h, const uint8_t *msg, size_t len);
void ike_init_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                       const uint8_t *msg, size_t len);
/* Initiator: a new IKE SA for a static tunnel with auto-establish. */
struct ike_sa *ike_initiate(struct isa *isa, struct isa_tunnel *t);
bool ike_ike_proposal_match(const struct ike_proposal *p, const struct ike_transforms *ours);
void ike_build_ike_proposals(const struct ike_policy *pol, struct ike_proposal *props, unsigned *n,
                             const uint8_t *spi, uint8_t spi_size, uint16_t only_group);

/* ---- ike_auth.c ---- */
void ike_auth_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                      const struct ike_msg *m);
void ike_auth_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                       const struct ike_msg *m);
void ike_auth_send(struct isa *isa, struct ike_sa *sa);
/* Our identity: local-id, else the local gateway address. */
void ike_our_id(const struct ike_sa *sa, uint8_t *type, uint8_t *data, size_t *len);

/* ---- ike_child.c ---- */
/* The peer's ESP proposals against ours: the chosen one with its SPI. */
/* ke_group: the KE payload's group in a CREATE_CHILD_SA (0: none, or
 * IKE_AUTH, where DH transforms are ignored); *dh: the PFS group agreed. */
bool ike_esp_select(const struct ike_policy *pol, const struct ike_sa_payload *sa, uint16_t ke_group,
                    struct ike_esp_choice *out, bool *esn, uint32_t *peer_spi, uint8_t *prop_num,
                    uint16_t *dh);
void ike_build_esp_proposals(const struct ike_policy *pol, uint32_t spi, uint16_t dh,
                             struct ike_proposal *props, unsigned *n);
/* The one proposal answering a peer: exactly the chosen transforms. */
void ike_esp_chosen(const struct ike_esp_choice *e, bool esn, uint8_t num, uint32_t spi, uint16_t dh,
                    uint8_t spi_buf[4], struct ike_proposal *p);
/* Narrows the peer's TSi/TSr to what we allow (our local, our remote).
 * Returns false for TS_UNACCEPTABLE. */
bool ike_ts_narrow(struct ike_sa *sa, const struct ike_ts_payload *tsi, const struct ike_ts_payload *tsr,
                   struct ike_sel *local, unsigned *n_local, struct ike_sel *remote, unsigned *n_remote,
                   bool we_initiated_child);
void ike_ts_ours(const struct ike_sa *sa, struct ike_sel *local, unsigned *n_local,
                 struct ike_sel *remote, unsigned *n_remote);
void ike_ts_to_wire(const struct ike_sel *s, unsigned n, struct ike_ts *out, uint8_t *addrs);
/* Whether a payload packet fits the CHILD SAs' selectors (inbound: after
 * decryption, from the peer). */
bool ike_ts_allows(const struct ike_sa *sa, const uint8_t *pkt, size_t len, bool inbound);
/* Installs a CHILD SA's two ESP SAs into the tunnel; NULL with the reason. */
struct child_sa *ike_child_install(struct isa *isa, struct ike_sa *sa, bool we_initiated,
                                   const struct ike_esp_choice *esp,
                                   bool esn, uint32_t spi_in, uint32_t spi_out,
                                   const struct ike_child_keys *keys, const struct ike_sel *local,
                                   unsigned n_local, const struct ike_sel *remote, unsigned n_remote,
                                   char *why, size_t whylen);
void ike_child_remove(struct isa *isa, struct ike_sa *sa, struct child_sa *c, const char *why);
struct child_sa *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi_out);
void ike_child_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                       const struct ike_msg *m);
void ike_child_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                        const struct ike_msg *m);
void ike_child_rekey(struct isa *isa, struct ike_sa *sa, struct child_sa *c);
void ike_rekey_ike(struct isa *isa, struct ike_sa *sa);
void ike_child_tick(struct isa *isa, struct ike_sa *sa, uint64_t now_ms);

/* ---- ike_info.c ---- */
void ike_info_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                      const struct ike_msg *m);
void ike_info_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h,
                       const struct ike_msg *m);
void ike_send_delete(struct isa *isa, struct ike_sa *sa);
void ike_send_dpd(struct isa *isa, struct ike_sa *sa);
void ike_send_delete_child(struct isa *isa, struct ike_sa *sa, struct child_sa *c);

/* ---- ike_gw.c ---- */
void ike_gws_apply(struct isa *isa, const Srlab__CardConfig *cfg);
void ike_gws_free(struct isa *isa);
struct ike_gw *ike_gw_by_local(struct isa *isa, int family, const uint8_t *local);
void ike_policy_from_config(struct ike_policy *pol, const Srlab__IkePolicyConfig *c,
                            Srlab__EspTransformConfig **esp, size_t n_esp, const ProtobufCBinaryData *psk,
                            const char *id_type, const char *id);
/* A dynamic tunnel for a gateway's new peer. */
struct isa_tunnel *ike_gw_tunnel_new(struct isa *isa, struct ike_gw *gw, struct ike_sa *sa);
void ike_gw_tunnel_free(struct isa *isa, struct isa_tunnel *t);
/* Reverse routes of a dynamic tunnel's CHILD SA, to cpm (and the IOMs). */
void ike_gw_report_routes(struct isa *isa, struct isa_tunnel *t, struct child_sa *c, bool up);

/* Whether a selector covers its whole address family (a default route). */
bool ike_sel_is_default(const struct ike_sel *s);

/* ike_routes.c: the reverse-route index (ranges of struct ike_range, isa.h) */
bool ike_routes_clash(struct isa *isa, const struct isa_tunnel *t, const struct ike_sel *sel);
void ike_routes_set(struct isa *isa, struct isa_tunnel *t, const struct ike_range *ranges, unsigned n);
void ike_routes_free(struct isa *isa);
/* Lockout (the chapter): true when the source is blocked. */
bool ike_lockout_blocked(struct isa *isa, const struct ike_policy *pol, const struct ike_path *p);
void ike_lockout_failure(struct isa *isa, const struct ike_policy *pol, const struct ike_path *p);
void ike_lockout_success(struct isa *isa, const struct ike_path *p);
void ike_lockout_tick(struct isa *isa, uint64_t now_ms);

#endif

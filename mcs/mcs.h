/* mcs: multi-chassis redundancy of one chassis (MC-IPsec).
 * MIMP elects a master per tunnel group with the peer chassis (election.c,
 * mimp.c, optionally bound to a BFD session: bfd.c); MCS carries the
 * master's IPsec state to the standby over a reliable ordered stream
 * (frame.c: framing, session.c: the TCP session, sync.c: the record
 * database and the local ISAs). group.c applies election results and
 * reports to cpm; config.c applies a CardConfig; engine.c ties it together. */
#ifndef SRLAB_MCS_H
#define SRLAB_MCS_H

#include <czmq.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bus.h"

struct card;

#define MIMP_PORT 45066
#define MCS_PORT 45067
#define BFD_PORT 3784               /* RFC 5881 4: single-hop control packets */
#define MCS_MAX_FRAME (16u << 20)   /* a bigger MCS frame closes the session */
#define MCS_BATCH_MAX 256           /* records per SyncBatch */
#define MCS_ACK_MS 50               /* acknowledge within 50 ms ... */
#define MCS_ACK_FRAMES 64           /* ... or every 64 frames */
#define MCS_RECONNECT_MS 1000
#define MCS_IDLE_MS 500             /* reference: keepalive after 0.5 s idle */
#define MCS_DEAD_MS 3000            /* reference: peer down and out of sync after 3 s */
#define MCS_OUT_MAX (64u << 20)     /* a peer that reads nothing this long is closed */
#define MCS_STATE_MS 1000           /* McsState to cpm at least this often */
#define MCS_TICK_MS 10
#define MCS_MAX_GROUPS 256          /* per MIMP packet and per config */
#define MCS_KEY_MAX 256

/* Event ids of application MC_REDUNDANCY (docs/mc-ipsec-mcs.md). */
enum mcs_event_id {
    MCS_EV_GROUP_STATE = 2301,      /* a tunnel group's MIMP state changed */
    MCS_EV_PEER_UP = 2302,
    MCS_EV_PEER_DOWN = 2303,
    MCS_EV_SYNC_STATE = 2304,
    MCS_EV_BFD_STATE = 2305,
    MCS_EV_SWITCHOVER = 2306,       /* an operator switchover was accepted */
    MCS_EV_PROTECTION = 2307,
    MCS_EV_PEER_RESTART = 2308,     /* the peer's boot id changed */
    MCS_EV_RECORD_FAILED = 2309,    /* a standby ISA could not install a record */
};

/* ---- election.c: pure ------------------------------------------------- */

enum mimp_state { MS_DISCOVERY, MS_NOT_ELIGIBLE, MS_ELIGIBLE, MS_STANDBY, MS_MASTER, MS_MAX };

const char *mimp_state_name(enum mimp_state s);
/* -1 for a name that is not a MIMP state */
int mimp_state_parse(const char *name);
static inline bool mimp_state_acting(enum mimp_state s)
{
    return s == MS_MASTER || s == MS_ELIGIBLE;
}

/* What makes this side not eligible for a group; NULL when it is. */
struct elig_in {
    bool peer_admin_up;        /* redundancy multi-chassis peer no shutdown */
    bool mc_ipsec;             /* the mc-ipsec context exists */
    bool group_configured;     /* mc-ipsec tunnel-group <id> */
    bool group_admin_up;
    bool tg_configured;        /* isa tunnel-group <id> */
    bool tg_oper_up;
    unsigned active_isas;
};
const char *mcs_ineligible(const struct elig_in *in);

enum peer_presence {
    PEER_DISCOVERY,            /* not heard yet, discovery interval running */
    PEER_ABSENT,               /* not heard within discovery, or lost */
    PEER_PRESENT,              /* reachable */
};

struct elect_side {
    bool eligible;
    bool acting;               /* state master or eligible */
    uint32_t priority;
    uint32_t active_isas;
};

struct elect_in {
    enum mimp_state current;
    const char *ineligible;    /* mcs_ineligible(); NULL: this side is eligible */
    enum peer_presence peer;
    const char *absent_reason; /* PEER_ABSENT: "peer unreachable (keep-alive)", ... */
    bool yield;                /* an operator switchover is pending here */
    struct elect_side local;   /* local.eligible is ineligible == NULL */
    struct elect_side peer_side; /* the peer's paired group; eligible false when it has none */
    enum mimp_state peer_state;
    int addr_cmp;              /* >0: our MIMP source address is the higher */
};

struct elect_out {
    enum mimp_state state;
    bool keep_yield;           /* the switchover is still waiting for the peer */
    char reason[96];
};

/* The MIMP election of one tunnel group (reference "multi-chassis
 * redundancy": eligibility, stickiness, priority, active ISAs, address). */
void mcs_elect(const struct elect_in *in, struct elect_out *out);

/* ---- frame.c: MCS framing, pure ---------------------------------------- */

/* A growable byte buffer: the session's input and output. */
struct mcs_buf {
    uint8_t *data;
    size_t len, cap, off;      /* bytes [off, len) are pending */
};
int mcs_buf_append(struct mcs_buf *b, const void *data, size_t len);
void mcs_buf_consume(struct mcs_buf *b, size_t n);
void mcs_buf_free(struct mcs_buf *b);
static inline size_t mcs_buf_pending(const struct mcs_buf *b)
{
    return b->len - b->off;
}

enum mcs_frame_err {
    MF_OK,
    MF_MORE,                   /* incomplete: wait for more bytes */
    MF_EMPTY,                  /* length 0 */
    MF_OVERSIZE,               /* length above MCS_MAX_FRAME */
    MF_MALFORMED,              /* not an acceptable envelope */
    MF_BODY,                   /* an envelope body MCS does not carry */
};
const char *mcs_frame_err_name(enum mcs_frame_err e);

/* Appends env as one frame (4-byte big-endian length + packed envelope). */
int mcs_frame_put(struct mcs_buf *out, bus_msg_t *env);
/* Takes the next whole frame from in: MF_OK with *env (bus_free it), or
 * MF_MORE, or an error after which the stream cannot be trusted. */
enum mcs_frame_err mcs_frame_get(struct mcs_buf *in, bus_msg_t **env, struct bus_stats *st);

/* ---- bfd.c: RFC 5880 control packets and session, pure ------------------ */

enum bfd_state { BFD_ADMIN_DOWN, BFD_DOWN, BFD_INIT, BFD_UP };
const char *bfd_state_name(enum bfd_state s);

#define BFD_PKT_LEN 24
#define BFD_DETECT_MULT 3
#define BFD_FAST_US 100000         /* desired min tx / required min rx when up */
#define BFD_SLOW_US 1000000        /* RFC 5880 6.8.3: at least 1 s while not up */

struct bfd_pkt {
    uint8_t version, diag;
    enum bfd_state state;
    bool poll, final, cpi, auth, demand, multipoint;
    uint8_t detect_mult;
    uint32_t my_disc, your_disc;
    uint32_t min_tx_us, min_rx_us, min_echo_rx_us;
};
/* RFC 5880 6.8.6 checks that need no session; *why names the failure. */
int bfd_parse(const uint8_t *buf, size_t len, struct bfd_pkt *out, const char **why);
void bfd_build(const struct bfd_pkt *p, uint8_t out[BFD_PKT_LEN]);

struct bfd_session {
    enum bfd_state state, remote_state;
    uint8_t diag;
    uint32_t local_disc, remote_disc;
    uint32_t desired_tx_us, required_rx_us;
    uint32_t remote_min_rx_us, remote_desired_tx_us;
    uint8_t remote_mult;
    bool poll;                 /* a poll sequence is running (P set until F) */
    bool send_final;           /* answer a poll at once */
    int64_t last_rx_ms, next_tx_ms;
};
void bfd_session_init(struct bfd_session *s, uint32_t local_disc, int64_t now);
/* Processes a parsed packet; returns -1 (with *why) when the session discards it. */
int bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, int64_t now, const char **why);
/* Detection timeout; returns true when it took the session down. */
bool bfd_session_expire(struct bfd_session *s, int64_t now);
/* The next packet to send if one is due (or a final is owed); schedules the next. */
bool bfd_session_tx_due(struct bfd_session *s, int64_t now, struct bfd_pkt *p);

/* ---- the engine's state ------------------------------------------------ */

/* Bad input, counted by reason (MIMP, BFD, MCS stream, ISA socket). */
#define MCS_BAD_REASONS(X)                                                                     \
    X(MIMP_SOURCE, "mimp_unknown_source")                                                      \
    X(MIMP_MALFORMED, "mimp_malformed")                                                        \
    X(MIMP_BODY, "mimp_not_mimp")                                                              \
    X(MIMP_CONTENT, "mimp_bad_content")                                                        \
    X(BFD_SOURCE, "bfd_unknown_source")                                                        \
    X(BFD_TTL, "bfd_ttl_not_255")                                                              \
    X(BFD_PACKET, "bfd_bad_packet")                                                            \
    X(BFD_SESSION, "bfd_discarded")                                                            \
    X(MCS_SOURCE, "mcs_unknown_source")                                                        \
    X(MCS_FRAME, "mcs_bad_frame")                                                              \
    X(MCS_SEQ, "mcs_bad_seq")                                                                  \
    X(MCS_ACK, "mcs_bad_ack")                                                                  \
    X(MCS_RECORD, "mcs_bad_record")                                                            \
    X(MCS_GROUP, "mcs_unknown_group")                                                          \
    X(MCS_STALE, "mcs_stale_version")                                                          \
    X(MCS_OVERFLOW, "mcs_output_overflow")                                                     \
    X(MCS_TIMEOUT, "mcs_peer_silent")                                                          \
    X(ISA_IDENTITY, "isa_bad_identity")                                                        \
    X(ISA_MESSAGE, "isa_bad_message")                                                          \
    X(ISA_RECORD, "isa_bad_record")                                                            \
    X(ISA_NOT_MASTER, "isa_record_not_master")                                                 \
    X(ISA_STALE, "isa_stale_version")                                                          \
    X(ISA_RESULT, "isa_bad_result")                                                            \
    X(ISA_SEND, "isa_send_failed")

enum mcs_bad {
#define X(id, name) MB_##id,
    MCS_BAD_REASONS(X)
#undef X
    MB_MAX
};
const char *mcs_bad_name(enum mcs_bad b);

/* One record of the database (a tunnel's IKE SA and its CHILD SAs). */
enum rec_status { RS_LOCAL, RS_INSTALLING, RS_INSTALLED, RS_FAILED, RS_AWAIT_CONFIG, RS_HELD };

struct mcs_rec {
    Srlab__SyncIkeSa *sa;      /* owned, unpacked copy; sa->group is ours */
    enum rec_status status;
    char isa[16];              /* local: the ISA that sent it; peer: the one holding it ("1/2") */
    uint64_t gen;              /* full-resync generation that last refreshed it */
    bool unsent;               /* peer record not delivered to its ISA yet */
};

struct mcs_group {
    /* configuration */
    uint32_t id, peer_group, priority;
    bool admin_up;
    char sync_tag[64];
    bool tg_configured, tg_oper_up;
    char **isas;               /* active ISAs, "1/2" */
    size_t n_isas;
    /* election */
    enum mimp_state state;
    char reason[96];
    uint64_t since_ms;         /* wall clock */
    uint32_t transitions;
    bool yield;
    const char *ineligible;
    /* the peer's paired group, from its last MIMP */
    bool peer_has;
    enum mimp_state peer_state;
    bool peer_eligible, peer_acting;
    uint32_t peer_priority, peer_active_isas;
    char peer_sync_tag[64];
    /* protection */
    bool nominal;
    uint32_t installed, installing, await_config, failed;
};

struct mcs_isa {               /* a local ISA seen on the sync socket or in config */
    char name[16];             /* "1/2" */
    bool in_full;
    bool want_request;         /* a SyncRequest could not be delivered yet */
    uint64_t full_gen;
};

struct mcs_session {           /* MCS: the TCP stream to the peer's mcs */
    int listen_fd, fd;
    bool connecting, connected, want_write;
    int64_t connect_ms, last_rx_ms, last_tx_ms, next_attempt_ms;
    struct mcs_buf in, out;
    uint64_t tx_seq;           /* last numbered frame sent */
    uint64_t rx_seq;           /* last numbered frame received and applied */
    uint64_t acked_rx;         /* last rx_seq we acknowledged */
    int64_t first_unacked_rx_ms;
    zlistx_t *unacked;         /* struct mcs_unacked, oldest first */
    uint64_t resync_end_seq;   /* our full resync's last frame; 0: acknowledged */
    int64_t resync_start_ms;
    bool peer_full_done;       /* the peer's full resync to us completed */
    bool peer_in_full;
    uint64_t peer_full_gen;
    struct bus_stats bus;
};

struct mcs_unacked {
    uint64_t seq;
    uint32_t records;
};

typedef void (mcs_cpm_hook_fn)(void *arg, bus_msg_t *env);
struct mcs;
typedef void (mcs_fd_fn)(struct mcs *m, int fd, uint32_t events);

struct mcs {
    zloop_t *loop;
    struct card *card;         /* NULL in unit tests: messages go to cpm_hook */
    mcs_cpm_hook_fn *cpm_hook;
    void *hook_arg;
    char *rundir;
    uint64_t boot_id;
    int64_t start_ms;
    int tick_id;
    int epoll_fd;
    struct {
        int fd;
        mcs_fd_fn *fn;
    } fds[8];

    /* configuration (one peer) */
    bool configured;           /* a CardConfig was applied */
    bool have_peer;
    bool peer_admin_up, mc_ipsec, bfd_enabled, sync_ipsec, sync_admin_up;
    char peer_str[64], src_str[64];
    struct sockaddr_storage peer_addr, src_addr;
    socklen_t addr_len;
    uint32_t keepalive_ds, hold, discovery_s, discovery_boot_s;
    struct mcs_group *groups;
    size_t n_groups;
    zhashx_t *gw_isa;          /* ipsec-gw name -> "1/2" */
    zhashx_t *tunnel_isa;      /* ipsec-tunnel name -> "1/2" */

    /* MIMP */
    int mimp_fd;
    uint64_t mimp_seq;
    int64_t mimp_next_tx_ms, mimp_last_rx_ms, discovery_end_ms, bind_retry_ms;
    bool peer_heard, peer_reachable, peer_was_up, mimp_trigger;
    uint64_t peer_boot_id;
    uint32_t peer_mcs_port;
    char peer_down_reason[64];
    struct bus_stats mimp_bus;

    /* BFD */
    int bfd_rx_fd, bfd_tx_fd;
    int64_t bfd_retry_ms;
    struct bfd_session bfd;

    /* MCS */
    struct mcs_session s;
    zsock_t *isa_sock;         /* ROUTER at ipc://DIR/mcs-sync.sock */
    struct bus_stats isa_bus;
    zhashx_t *local;           /* key -> struct mcs_rec: records of tunnels mastered here */
    zhashx_t *peer;            /* key -> struct mcs_rec: records from the peer */
    zhashx_t *pending;         /* key -> uint32_t group: local changes not yet sent */
    zhashx_t *isas;            /* "1/2" -> struct mcs_isa */
    uint64_t isa_full_counter;
    int64_t isa_retry_ms;

    /* reporting */
    bool state_dirty;          /* McsState changed: sent within 100 ms */
    bool state_urgent;         /* a state or reachability change: sent at once */
    int64_t state_sent_ms;
    char sync_state[16];
    uint64_t mimp_tx, mimp_rx, mimp_bad;
    uint64_t bfd_tx, bfd_rx;
    uint64_t sync_tx, sync_rx, sync_acked, sync_resyncs, sync_bytes_tx, sync_bytes_rx, sync_bad;
    uint64_t last_resync_ms;
    uint64_t bad[MB_MAX];
};

/* ---- engine.c ---- */
/* Raw sockets are watched through one epoll fd that zloop polls, so they can
 * be added and removed from inside any handler. */
int mcs_fd_add(struct mcs *m, int fd, uint32_t events, mcs_fd_fn *fn);
int mcs_fd_mod(struct mcs *m, int fd, uint32_t events);
void mcs_fd_del(struct mcs *m, int fd);

struct mcs *mcs_new(zloop_t *loop, const char *rundir, struct card *card);
void mcs_destroy(struct mcs **self);
/* Messages for cpm go to hook instead of the card (unit tests). */
void mcs_set_cpm_hook(struct mcs *m, mcs_cpm_hook_fn *hook, void *arg);
/* After any input: elect, send triggered MIMP, flush sync, report. */
void mcs_run(struct mcs *m);
void mcs_to_cpm(struct mcs *m, bus_msg_t *env);
void mcs_count_bad(struct mcs *m, enum mcs_bad b, const char *detail);
void mcs_event(struct mcs *m, unsigned severity, unsigned id, const char *subject,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int64_t mcs_now(void);
/* Compares two addresses of one family: <0, 0, >0. */
int mcs_addr_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
bool mcs_addr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* ---- config.c ---- */
int mcs_apply_config(struct mcs *m, const Srlab__CardConfig *cfg, char *err, size_t errlen);
struct mcs_group *mcs_group_find(struct mcs *m, uint32_t id);
/* Our group paired with the peer's group id (its peer_group is that id). */
struct mcs_group *mcs_group_for_peer(struct mcs *m, uint32_t peer_group);
bool mcs_group_synced(const struct mcs *m, const struct mcs_group *g);
bool mcs_peer_active(const struct mcs *m);  /* MIMP runs */
bool mcs_sync_active(const struct mcs *m);  /* MCS runs */

/* ---- mimp.c ---- */
void mimp_open(struct mcs *m);
void mimp_close(struct mcs *m);
void mimp_send(struct mcs *m);
void mimp_tick(struct mcs *m, int64_t now);
/* Peer reachability from MIMP freshness and BFD; takes the peer up or down. */
void mimp_check_peer(struct mcs *m, int64_t now, const char *bfd_reason);

/* ---- bfd.c (sockets) ---- */
void mcs_bfd_open(struct mcs *m);
void mcs_bfd_close(struct mcs *m);
void mcs_bfd_tick(struct mcs *m, int64_t now);
void mcs_bfd_send_due(struct mcs *m, int64_t now);
/* Between batches of long work: the BFD packets and MIMP keep-alive that
 * are due go out (sends only: no receiving, no state change). */
void mcs_pulse(struct mcs *m);
bool mcs_bfd_up(const struct mcs *m);

/* ---- group.c ---- */
void mcs_elect_all(struct mcs *m, const char *why);
void mcs_group_set_state(struct mcs *m, struct mcs_group *g, enum mimp_state to,
                         const char *reason);
void mcs_protection_update(struct mcs *m);
void mcs_send_state(struct mcs *m);
void mcs_on_command(struct mcs *m, const Srlab__McCommand *cmd);
void mcs_group_free(struct mcs_group *g);

/* ---- session.c ---- */
void mcs_session_init(struct mcs *m);
void mcs_session_stop(struct mcs *m, const char *reason);
void mcs_session_tick(struct mcs *m, int64_t now);
/* Sends env on the stream; numbered bodies get the next seq. */
int mcs_session_send(struct mcs *m, bus_msg_t *env, uint32_t records);
const char *mcs_sync_state(const struct mcs *m);

/* ---- sync.c ---- */
void mcs_sync_init(struct mcs *m);
void mcs_sync_fini(struct mcs *m);
int mcs_sync_open_isa(struct mcs *m);
/* A batch or request that arrived on the MCS stream. */
void mcs_sync_peer_batch(struct mcs *m, const Srlab__SyncBatch *b);
void mcs_sync_peer_request(struct mcs *m, const Srlab__SyncRequest *r);
/* Sends our local records of `groups` (all synced groups when NULL) as a full resync. */
void mcs_sync_send_full(struct mcs *m, const uint32_t *groups, size_t n_groups);
void mcs_sync_flush(struct mcs *m);
void mcs_sync_tick(struct mcs *m, int64_t now);
void mcs_sync_group_forwarding(struct mcs *m, struct mcs_group *g, bool forwarding);
void mcs_sync_isa_up(struct mcs *m, const char *isa);
void mcs_sync_config_changed(struct mcs *m);
void mcs_sync_drop_group(struct mcs *m, uint32_t group);
/* A group became standby here: ask the peer for a full resync of it. */
void mcs_sync_want_peer_full(struct mcs *m, struct mcs_group *g);
void mcs_rec_free(struct mcs_rec **r);
const char *mcs_rec_status_name(enum rec_status s);

#endif

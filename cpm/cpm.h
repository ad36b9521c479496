/* The cpm process: what it owns and the functions its modules share.
 * One event loop (zloop): the card bus (ROUTER), the CLI socket (ROUTER)
 * and a health timer. */
#ifndef SRLAB_CPM_H
#define SRLAB_CPM_H

#include <czmq.h>
#include <stdint.h>
#include <sys/types.h>

#include "bus.h"
#include "config.h"
#include "config_parse.h"
#include "config_store.h"
#include "config_validate.h"
#include "json.h"
#include "strbuf.h"

#define CPM_HEALTH_TICK_MS 50
#define CPM_DEAD_INTERVAL_MS 700   /* no heartbeat for this long: the card is down (a dead process is seen at once) */

enum card_state {
    CARD_DOWN,                 /* registered once, now gone */
    CARD_BOOTING,              /* registered, configuration not yet acknowledged */
    CARD_UP,
};

struct port_state {
    char name[16];
    bool present, link_up;
    char mac[24];
};

/* One card process as cpm knows it: iom-N, isa-S/M or mcs. */
struct card_proc {
    char identity[32];
    Srlab__Role role;
    unsigned slot, mda;
    char equipped[32];         /* card type (iom) or MDA type (isa) */
    struct { unsigned mda; char type[32]; } port_mdas[6];
    int n_port_mdas;
    pid_t pid;
    uint64_t boot_id;
    enum card_state state;
    char down_reason[64];
    int64_t last_seen_ms;      /* monotonic */
    int64_t state_since;       /* wall clock ms */
    uint64_t pushed_generation, acked_generation;
    uint8_t *last_push;        /* serialized CardConfig last sent */
    size_t last_push_len;
    char config_error[256];
    struct port_state *ports;
    size_t n_ports;
    uint64_t heartbeats;
    uint64_t mem_used, mem_capacity; /* isa: from its heartbeats */
    int64_t pushed_ms, acked_ms; /* monotonic: the last push sent, the last ack */
};

struct mc;

struct cli_session {
    uint32_t id;
    uint64_t ctx_id;           /* 0: outside configure */
    int64_t last_used_ms;
};

struct cpm {
    char *rundir;
    char *name;                /* chassis name, e.g. chassis-a */
    zloop_t *loop;
    zsock_t *bus;              /* ROUTER: cards */
    zsock_t *cli;              /* ROUTER: CLI clients */
    struct bus_stats bus_stats, cli_stats;
    struct cfg_tree *tree;
    struct cfg_store *store;
    uint64_t generation;
    zhashx_t *cards;           /* identity -> struct card_proc */
    zhashx_t *sessions;        /* "id" -> struct cli_session */
    uint32_t next_session;
    uint64_t started_ms;
    uint64_t event_seq;
    uint64_t config_rejects;
    bool state_changed;        /* card states moved: re-push what depends on them */
    zhashx_t *tunnel_up;       /* ip-tunnel name -> non-NULL when oper up (as last pushed) */
    struct mc *mc;             /* MC-IPsec state from mcs (mc.c); NULL until first used */
};

/* ---- cards.c ---- */
void cards_init(struct cpm *cpm);
void cards_destroy(struct cpm *cpm);
void cards_on_message(struct cpm *cpm, zframe_t *identity, bus_msg_t *env);
void cards_health_tick(struct cpm *cpm);
/* Pushes the current generation to every card whose configuration changed. */
void cards_push_all(struct cpm *cpm, bool force);
struct card_proc *cards_get(struct cpm *cpm, const char *identity);
const char *card_state_name(enum card_state s);

/* ---- push.c ---- */
/* The configuration one card needs, serialized; caller frees. */
uint8_t *push_build(struct cpm *cpm, const struct card_proc *card, size_t *len);

/* ---- eventlog.c ---- */
enum ev_severity { EV_CLEARED, EV_INDETERMINATE, EV_WARNING, EV_MINOR, EV_MAJOR, EV_CRITICAL };
int eventlog_init(struct cpm *cpm);
void eventlog_add(struct cpm *cpm, enum ev_severity sev, const char *app, int event_id,
                  const char *subject, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void show_log(struct cpm *cpm, struct strbuf *out, struct json *j, int max);

/* ---- commit.c ---- */
/* Validates, stores and pushes a transaction's changes, or rolls it back.
 * Returns 0, or -1 with err filled. */
int cpm_commit(struct cpm *cpm, struct cfg_txn **txn, const char *source, struct cfg_error *err);
const struct cfg_oper *cpm_oper(struct cpm *cpm);

/* ---- cli.c ---- */
void cli_on_request(struct cpm *cpm, zframe_t *identity, bus_msg_t *env);
void cli_expire_sessions(struct cpm *cpm);
void cli_sessions_destroy(struct cpm *cpm);
/* Continues a parked request after its query was answered: runs the rest
 * of its lines (status 0) and replies to the client. */
void cli_resume(struct cpm *cpm, zframe_t *client, uint32_t session, bool json,
                const char *rest, struct strbuf *out, int status);

/* ---- query.c: show commands answered from the IOMs' state ---- */
typedef int show_render_fn(struct cpm *cpm, const char *line, const Srlab__QueryReply **replies,
                           size_t n, bool incomplete, struct strbuf *out, struct json *j);
void query_start(struct cpm *cpm, struct cli_session *s, zframe_t *client, bool json,
                 const char *line, const char *rest, struct strbuf *out, int status,
                 const char *what, uint32_t svc, const char *filter, show_render_fn *render);
void query_on_reply(struct cpm *cpm, bus_msg_t **env);
void query_tick(struct cpm *cpm);
void query_destroy_all(void);

/* ---- show_port.c, show_route.c, show_sap.c: rendered from IOM replies ---- */
show_render_fn render_port, render_route_table, render_arp, render_neighbor, render_sap_stats,
    render_dataplane, render_ip_tunnel, render_ipsec_tunnel, render_ipsec_keys, render_ipsec_ike_sa,
    render_ipsec_lockout;

/* ---- show_*.c: each prints text into out, or JSON into j when j is set ---- */
int show_card(struct cpm *cpm, struct strbuf *out, struct json *j);
int show_mda(struct cpm *cpm, struct strbuf *out, struct json *j);
int show_isa_tunnel_group(struct cpm *cpm, const char *group, bool detail, struct strbuf *out,
                          struct json *j);
int show_router_interface(struct cpm *cpm, const char *service, struct strbuf *out,
                          struct json *j);
int show_service_using(struct cpm *cpm, const char *type, struct strbuf *out, struct json *j);
int show_service_base(struct cpm *cpm, const char *id, struct strbuf *out, struct json *j);
int show_processes(struct cpm *cpm, struct strbuf *out, struct json *j);
int show_bus(struct cpm *cpm, struct strbuf *out, struct json *j);

/* ---- oper.c: operational state derived from config and cards ---- */
const char *oper_card(struct cpm *cpm, struct cfg_node *card);        /* "up", "down", ... */
const char *oper_mda(struct cpm *cpm, struct cfg_node *card, struct cfg_node *mda);
bool oper_mda_up(struct cpm *cpm, const char *slot_mda);
bool oper_port_up(struct cpm *cpm, const char *port);
bool oper_service_up(struct cpm *cpm, struct cfg_node *svc);
bool oper_interface_up(struct cpm *cpm, struct cfg_node *svc, struct cfg_node *iface);
const char *oper_tunnel_group(struct cpm *cpm, struct cfg_node *tg, char *flags, size_t flen);
/* The ISAs carrying a tunnel group's tunnels now (until the tunnel-group
 * manager of ISA failover decides it: primary, else backup; the first
 * active-mda-number members that are up). */
int tunnel_group_active_isas(struct cpm *cpm, struct cfg_node *tg, const char **out, int max);
/* ---- tgm.c: the tunnel-group manager ---- */
void tgm_update(struct cpm *cpm);      /* cards came or went: decide the active ISAs */
void tgm_tick(struct cpm *cpm);        /* failovers done? */
void tgm_destroy(void);
/* Tunnels of all types one ISA of the group may hold (isa-scale-mode). */
long tunnel_group_limit(struct cfg_node *tg);

/* ---- mc.c: MC-IPsec state as mcs reports it, told to IOMs and ISAs ---- */
/* One MC-IPsec tunnel group's state as cards are told it. */
struct mc_view {
    const char *state;              /* MIMP: discovery notEligible eligible standby master */
    bool forwarding;                /* this chassis does IKE/ESP for the group */
    const char *reason;
    const Srlab__McGroupState *gs;  /* mcs's latest report of it; NULL when none or stale */
};
/* The mc-ipsec tunnel-group node protecting `group` under a peer that is
 * not shut down (and that peer), or NULL: the group is not MC-IPsec. */
struct cfg_node *mc_group_config(struct cpm *cpm, unsigned group, struct cfg_node **peer);
/* false when the group is not MC-IPsec. */
bool mc_group_view(struct cpm *cpm, unsigned group, struct mc_view *v);
bool mc_mcs_up(struct cpm *cpm);
/* mcs's latest McsState about peer, or NULL; stale when mcs went down since. */
const Srlab__McsState *mc_report(struct cpm *cpm, const char *peer, bool *stale, int64_t *when_ms);
void mc_on_mcs_state(struct cpm *cpm, const Srlab__McsState *m);
void mc_on_command_reply(struct cpm *cpm, const Srlab__McCommandReply *r);
void mc_mcs_down(struct cpm *cpm);
/* A full push is about to carry the groups' states: they count as told. */
void mc_pushing(struct cpm *cpm);
/* tools perform redundancy multi-chassis mc-ipsec force-switchover */
int mc_force_switchover(struct cpm *cpm, unsigned group, bool now, struct strbuf *out);
void mc_destroy(struct cpm *cpm);
/* show_redundancy.c */
int show_mc_ipsec_peer(struct cpm *cpm, const char *peer, const char *group, struct strbuf *out,
                       struct json *j);
int show_mc_sync(struct cpm *cpm, const char *peer, struct strbuf *out, struct json *j);

/* ---- tunnels.c: GRE/IP-IP and IPsec tunnels resolved from the configuration ---- */
struct tunnel_view {
    struct cfg_node *node;          /* the ip-tunnel or ipsec-tunnel */
    bool ipsec;
    const char *source;             /* source / local-gateway-address */
    struct cfg_node *svc_node, *iface, *sap, *public_iface;
    unsigned group, tag;
    uint32_t svc, delivery_svc;
    const char *remote;             /* in use: remote-ip, or the backup */
    char flags[192];                /* why it is down; empty when up */
    bool oper_up;
    char isa[8];                    /* "1/2": the ISA holding it; empty when none */
};
/* Every ip-tunnel and ipsec-tunnel; *out is malloc'd (free it). */
int tunnels_resolve(struct cpm *cpm, struct tunnel_view **out);
bool route_reachable(struct cpm *cpm, uint32_t inst, int family, const uint8_t *addr);

/* An ipsec-gw resolved: its public side, its default secure service and
 * interface, why it is down, the ISA holding it. */
struct gw_view {
    struct cfg_node *node;          /* the ipsec-gw */
    struct cfg_node *svc_node, *iface, *sap;
    unsigned group;
    uint32_t svc;                   /* the public (delivery) service */
    const char *local;              /* local-gateway-address */
    struct cfg_node *private_svc_node, *private_iface;
    uint32_t private_svc;
    char flags[192];
    bool oper_up;
    char isa[8];
};
int gateways_resolve(struct cpm *cpm, struct gw_view **out);

struct arena;
/* ---- ipsec_state.c: dynamic tunnels, reverse routes, the session log ---- */
void ipsec_on_dynamic_tunnel(struct cpm *cpm, const struct card_proc *isa, const Srlab__DynamicTunnel *m);
int ipsec_dynamic_on(const char *isa);
void ipsec_isa_down(struct cpm *cpm, const struct card_proc *isa);
void ipsec_push_routes(struct arena *a, Srlab__CardConfig *cfg);
void ipsec_state_destroy(void);
int session_log_init(struct cpm *cpm);
void ipsec_on_session(struct cpm *cpm, const Srlab__IkeSession *m);
int show_ipsec_session_log(struct cpm *cpm, int max, struct strbuf *out, struct json *j);
/* Writes the session log rows that came since the last flush (one transaction). */
void ipsec_session_flush(struct cpm *cpm);
int show_ipsec_gateway(struct cpm *cpm, const char *name, bool tunnel_list, struct strbuf *out, struct json *j);

/* ---- push_ipsec.c: the IPsec part of a card's configuration ---- */
struct arena;
void push_ipsec_tunnel(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg,
                       const struct tunnel_view *v, bool for_isa);
void push_ipsec_gws(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg, const char *only_isa);

/* ---- push_mc.c: what mcs needs besides the tunnel groups ---- */
void push_mc_peers(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg);
/* Each IPsec tunnel and gateway by name, group, ISA and local gateway
 * (never keys): what mcs matches synced records with. */
void push_mc_tunnels(struct arena *a, struct cpm *cpm, Srlab__CardConfig *cfg);

/* ---- table helpers (show_util.c) ---- */
void show_rule(struct strbuf *out, char c);  /* 79 characters and a newline */
void show_title(struct strbuf *out, const char *title);
/* One table row: formatted, trailing blanks removed, newline added. */
void show_row(struct strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

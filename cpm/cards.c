/* Card and MDA inventory and health: registration, heartbeats, death
 * detection (missed heartbeats or the process gone), configuration pushes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "log.h"

const char *card_state_name(enum card_state s)
{
    switch (s) {
    case CARD_DOWN: return "down";
    case CARD_BOOTING: return "booting";
    case CARD_UP: return "up";
    }
    return "?";
}

static void card_free(void **item)
{
    struct card_proc *c = *item;
    if (!c)
        return;
    free(c->last_push);
    free(c->ports);
    free(c);
    *item = NULL;
}

void cards_init(struct cpm *cpm)
{
    cpm->cards = zhashx_new();
    zhashx_set_destructor(cpm->cards, card_free);
}

void cards_destroy(struct cpm *cpm)
{
    zhashx_destroy(&cpm->cards);
}

struct card_proc *cards_get(struct cpm *cpm, const char *identity)
{
    return zhashx_lookup(cpm->cards, identity);
}

static const char *card_subject(const struct card_proc *c, char *buf, size_t len)
{
    switch (c->role) {
    case SRLAB__ROLE__ROLE_IOM: snprintf(buf, len, "Card %u", c->slot); break;
    case SRLAB__ROLE__ROLE_ISA: snprintf(buf, len, "Mda %u/%u", c->slot, c->mda); break;
    default: snprintf(buf, len, "MCS"); break;
    }
    return buf;
}

static const char *card_class(const struct card_proc *c)
{
    return c->role == SRLAB__ROLE__ROLE_IOM ? "IOM" : c->role == SRLAB__ROLE__ROLE_ISA ?
                                               "MDA Module" : "MCS Process";
}

static void set_state(struct cpm *cpm, struct card_proc *c, enum card_state s, const char *why)
{
    if (c->state == s)
        return;
    enum card_state old = c->state;
    c->state = s;
    c->state_since = zclock_time();
    snprintf(c->down_reason, sizeof c->down_reason, "%s", s == CARD_DOWN ? why : "");
    log_info("card_state", "card=%s from=%s to=%s reason=%s", log_q(c->identity),
             card_state_name(old), card_state_name(s), log_q(why));
    cpm->state_changed = true; /* pushes follow: ISA activity, IOM lists */
    char subject[32];
    card_subject(c, subject, sizeof subject);
    if (s == CARD_DOWN && c->role == SRLAB__ROLE__ROLE_ISA)
        ipsec_isa_down(cpm, c); /* its dynamic tunnels went with it */
    if (s == CARD_DOWN && c->role == SRLAB__ROLE__ROLE_MCS)
        mc_mcs_down(cpm); /* MC-IPsec groups forward nothing until mcs reports again */
    if (s == CARD_DOWN)
        eventlog_add(cpm, EV_MAJOR, "CHASSIS", 2004, subject, "Class %s : failed, reason: %s",
                     card_class(c), why);
    else if (s == CARD_UP)
        eventlog_add(cpm, EV_CLEARED, "CHASSIS", 2005, subject, "Class %s : up (pid %d)",
                     card_class(c), (int)c->pid);
    else if (s == CARD_BOOTING)
        eventlog_add(cpm, EV_MINOR, "CHASSIS", 2002, subject, "Class %s : inserted (pid %d)",
                     card_class(c), (int)c->pid);
}

/* The identity a card claims must match its role and position. */
static bool identity_matches(const char *identity, const Srlab__Register *r)
{
    char expect[32];
    switch (r->role) {
    case SRLAB__ROLE__ROLE_IOM:
        if (r->slot < 1 || r->slot > 10)
            return false;
        snprintf(expect, sizeof expect, "iom-%u", r->slot);
        break;
    case SRLAB__ROLE__ROLE_ISA:
        if (r->slot < 1 || r->slot > 10 || r->mda < 1 || r->mda > 6)
            return false;
        snprintf(expect, sizeof expect, "isa-%u/%u", r->slot, r->mda);
        break;
    case SRLAB__ROLE__ROLE_MCS:
        snprintf(expect, sizeof expect, "mcs");
        break;
    default:
        return false;
    }
    return strcmp(identity, expect) == 0;
}

static void send_config(struct cpm *cpm, struct card_proc *c, const uint8_t *bytes, size_t len)
{
    Srlab__CardConfig *cfg = srlab__card_config__unpack(NULL, len, bytes);
    if (!cfg) {
        log_error("push_failed", "card=%s reason=\"could not re-read own message\"",
                  log_q(c->identity));
        return;
    }
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__ConfigPush push = SRLAB__CONFIG_PUSH__INIT;
    push.generation = cpm->generation;
    push.config = cfg;
    env.body_case = SRLAB__ENVELOPE__BODY_CONFIG_PUSH;
    env.config_push = &push;
    if (bus_send_to(cpm->bus, c->identity, &env, &cpm->bus_stats) == 0) {
        c->pushed_generation = cpm->generation;
        c->pushed_ms = zclock_mono();
        log_info("config_pushed", "card=%s generation=%lu bytes=%zu", log_q(c->identity),
                 (unsigned long)cpm->generation, len);
    } else {
        log_warn("config_push_failed", "card=%s", log_q(c->identity));
    }
    srlab__card_config__free_unpacked(cfg, NULL);
}

static void push_one(struct cpm *cpm, struct card_proc *c, bool force)
{
    size_t len;
    uint8_t *bytes = push_build(cpm, c, &len);
    bool same = c->last_push && c->last_push_len == len && memcmp(c->last_push, bytes, len) == 0;
    if (same && !force) {
        free(bytes);
        return;
    }
    free(c->last_push);
    c->last_push = bytes;
    c->last_push_len = len;
    send_config(cpm, c, bytes, len);
}

/* Iterate over a snapshot: zhashx_lookup() (cards_get) resets the hash's
 * own cursor, and building a card's configuration looks cards up. The
 * snapshot is a NULL-terminated array of borrowed pointers; free() it. */
static struct card_proc **snapshot(struct cpm *cpm)
{
    size_t n = zhashx_size(cpm->cards), i = 0;
    struct card_proc **all = calloc(n + 1, sizeof *all);
    for (struct card_proc *c = zhashx_first(cpm->cards); c && i < n; c = zhashx_next(cpm->cards))
        all[i++] = c;
    return all;
}

/* IOMs with ports first, then ISAs, then the rest (an IOM without ports
 * forwards nothing): an ISA that takes tunnels over starts their IKE as soon
 * as it has them, and the answers must find IOMs that already hand those
 * tunnels' packets to it */
static int push_rank(const struct card_proc *c)
{
    if (c->role == SRLAB__ROLE__ROLE_IOM && c->n_port_mdas > 0)
        return 0;
    return c->role == SRLAB__ROLE__ROLE_ISA ? 1 : 2;
}

void cards_push_all(struct cpm *cpm, bool force)
{
    tgm_update(cpm); /* which ISAs carry each tunnel group now */
    mc_pushing(cpm); /* the pushes carry the MC-IPsec groups' states */
    struct card_proc **all = snapshot(cpm);
    for (int rank = 0; rank < 3; rank++)
        for (struct card_proc **c = all; *c; c++)
            if ((*c)->state != CARD_DOWN && push_rank(*c) == rank)
                push_one(cpm, *c, force);
    free(all);
}

static void on_register(struct cpm *cpm, const char *identity, const Srlab__Register *r)
{
    if (!identity_matches(identity, r)) {
        log_warn("register_refused", "identity=%s role=%d slot=%u mda=%u reason=mismatch",
                 log_q(identity), r->role, r->slot, r->mda);
        return;
    }
    struct card_proc *c = cards_get(cpm, identity);
    if (!c) {
        c = calloc(1, sizeof *c);
        snprintf(c->identity, sizeof c->identity, "%s", identity);
        c->state = CARD_DOWN;
        zhashx_insert(cpm->cards, identity, c);
    }
    bool restarted = c->boot_id != r->boot_id;
    c->role = r->role;
    c->slot = r->slot;
    c->mda = r->mda;
    snprintf(c->equipped, sizeof c->equipped, "%s", r->equipped_type ? r->equipped_type : "");
    c->n_port_mdas = 0;
    for (size_t i = 0; i < r->n_mdas && i < 6; i++) {
        if (r->mdas[i]->mda < 1 || r->mdas[i]->mda > 6)
            continue;
        c->port_mdas[c->n_port_mdas].mda = r->mdas[i]->mda;
        snprintf(c->port_mdas[c->n_port_mdas].type, sizeof c->port_mdas[0].type, "%s",
                 r->mdas[i]->equipped_type);
        c->n_port_mdas++;
    }
    c->pid = (pid_t)r->pid;
    c->boot_id = r->boot_id;
    c->last_seen_ms = zclock_mono();
    c->acked_generation = 0;
    c->config_error[0] = 0;
    if (restarted) {
        free(c->ports);
        c->ports = NULL;
        c->n_ports = 0;
    }
    log_info("card_registered", "card=%s pid=%u type=%s restarted=%d generation=%lu",
             log_q(identity), r->pid, log_q(c->equipped), restarted,
             (unsigned long)r->config_generation);
    /* A card that comes back is booting until it acknowledges its config. */
    if (c->state == CARD_UP && restarted)
        set_state(cpm, c, CARD_DOWN, "restarted");
    if (c->state != CARD_UP)
        set_state(cpm, c, CARD_BOOTING, "registered");

    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__RegisterAck ack = SRLAB__REGISTER_ACK__INIT;
    ack.heartbeat_interval_ms = 100;
    ack.dead_interval_ms = CPM_DEAD_INTERVAL_MS;
    env.body_case = SRLAB__ENVELOPE__BODY_REGISTER_ACK;
    env.register_ack = &ack;
    bus_send_to(cpm->bus, identity, &env, &cpm->bus_stats);
    push_one(cpm, c, true);
}

static void on_config_ack(struct cpm *cpm, struct card_proc *c, const Srlab__ConfigAck *ack)
{
    if (!ack->ok) {
        snprintf(c->config_error, sizeof c->config_error, "%s", ack->error ? ack->error : "");
        char subject[32];
        eventlog_add(cpm, EV_MAJOR, "CHASSIS", 2010, card_subject(c, subject, sizeof subject),
                     "configuration generation %lu refused: %s", (unsigned long)ack->generation,
                     c->config_error);
        return;
    }
    if (ack->generation > c->acked_generation)
        c->acked_generation = ack->generation;
    c->acked_ms = zclock_mono();
    c->config_error[0] = 0;
    if (c->state == CARD_BOOTING && c->acked_generation >= c->pushed_generation)
        set_state(cpm, c, CARD_UP, "configured");
}

/* An event a card reports (tunnel drops, SA lifetimes) into the event log,
 * its text kept printable and short. */
static void on_card_event(struct cpm *cpm, struct card_proc *c, const Srlab__CardEvent *ev)
{
    char app[16], subject[64], text[256];
    snprintf(app, sizeof app, "%s", ev->application);
    snprintf(subject, sizeof subject, "%s", ev->subject);
    snprintf(text, sizeof text, "%s", ev->text);
    for (char *s = text; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    for (char *s = subject; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    unsigned sev = ev->severity <= EV_CRITICAL ? ev->severity : EV_INDETERMINATE;
    eventlog_add(cpm, (enum ev_severity)sev, app[0] ? app : c->identity, (int)(ev->event_id % 100000),
                 subject, "%s", text);
}

static void on_port_status(struct cpm *cpm, struct card_proc *c, const Srlab__PortStatus *ps)
{
    struct port_state *ports = calloc(ps->n_ports ? ps->n_ports : 1, sizeof *ports);
    size_t n = 0;
    for (size_t i = 0; i < ps->n_ports && i < 64 * 6; i++) {
        const Srlab__PortState *p = ps->ports[i];
        if (!p->port || strlen(p->port) >= sizeof ports[0].name)
            continue;
        snprintf(ports[n].name, sizeof ports[n].name, "%s", p->port);
        ports[n].present = p->present;
        ports[n].link_up = p->link_up;
        snprintf(ports[n].mac, sizeof ports[n].mac, "%s", p->mac ? p->mac : "");
        /* report link changes as the router does */
        bool was_up = false;
        for (size_t k = 0; k < c->n_ports; k++)
            if (strcmp(c->ports[k].name, ports[n].name) == 0)
                was_up = c->ports[k].link_up;
        if (was_up != ports[n].link_up) {
            char subject[32];
            snprintf(subject, sizeof subject, "Port %s", ports[n].name);
            eventlog_add(cpm, ports[n].link_up ? EV_CLEARED : EV_MAJOR, "SNMP",
                         ports[n].link_up ? 2005 : 2004, subject, "Interface %s is %s",
                         ports[n].name, ports[n].link_up ? "operational" : "not operational");
        }
        n++;
    }
    free(c->ports);
    c->ports = ports;
    c->n_ports = n;
}

static bool from_mcs(const struct card_proc *c)
{
    return c && c->role == SRLAB__ROLE__ROLE_MCS && c->state != CARD_DOWN;
}

void cards_on_message(struct cpm *cpm, zframe_t *idframe, bus_msg_t *env)
{
    char *identity = bus_identity_str(idframe);
    struct card_proc *c = cards_get(cpm, identity);
    switch (env->body_case) {
    case SRLAB__ENVELOPE__BODY_REGISTER:
        on_register(cpm, identity, env->register_);
        break;
    case SRLAB__ENVELOPE__BODY_HEARTBEAT:
        if (!c || c->state == CARD_DOWN) {
            /* cpm restarted, or declared it dead: it must register again */
            Srlab__Envelope rr = SRLAB__ENVELOPE__INIT;
            Srlab__ReRegister body = SRLAB__RE_REGISTER__INIT;
            rr.body_case = SRLAB__ENVELOPE__BODY_REREGISTER;
            rr.reregister = &body;
            bus_send(cpm->bus, idframe, &rr, &cpm->bus_stats);
            break;
        }
        c->last_seen_ms = zclock_mono();
        c->heartbeats++;
        c->mem_used = env->heartbeat->mem_used_bytes;
        c->mem_capacity = env->heartbeat->mem_capacity_bytes;
        break;
    case SRLAB__ENVELOPE__BODY_CONFIG_ACK:
        if (c && c->state != CARD_DOWN)
            on_config_ack(cpm, c, env->config_ack);
        break;
    case SRLAB__ENVELOPE__BODY_PORT_STATUS:
        if (c && c->role == SRLAB__ROLE__ROLE_IOM && c->state != CARD_DOWN)
            on_port_status(cpm, c, env->port_status);
        break;
    case SRLAB__ENVELOPE__BODY_CARD_EVENT:
        if (c && c->state != CARD_DOWN)
            on_card_event(cpm, c, env->card_event);
        break;
    case SRLAB__ENVELOPE__BODY_DYNAMIC_TUNNEL:
        if (c && c->state != CARD_DOWN && c->role == SRLAB__ROLE__ROLE_ISA)
            ipsec_on_dynamic_tunnel(cpm, c, env->dynamic_tunnel);
        break;
    case SRLAB__ENVELOPE__BODY_IKE_SESSION:
        if (c && c->state != CARD_DOWN && c->role == SRLAB__ROLE__ROLE_ISA)
            ipsec_on_session(cpm, env->ike_session);
        break;
    case SRLAB__ENVELOPE__BODY_MCS_STATE:
        if (!from_mcs(c) && strcmp(identity, "mcs") == 0)
            break; /* mcs reports every second: before it registers again with a
                      restarted cpm (or after cpm declared it down) this is stale */
        if (!from_mcs(c))
            goto unexpected;
        mc_on_mcs_state(cpm, env->mcs_state);
        break;
    case SRLAB__ENVELOPE__BODY_MC_COMMAND_REPLY:
        if (!from_mcs(c))
            goto unexpected;
        mc_on_command_reply(cpm, env->mc_command_reply);
        break;
    default:
    unexpected:
        cpm->bus_stats.unknown++;
        log_warn("bus_unexpected", "from=%s body=%s", log_q(identity),
                 bus_body_name(env->body_case));
        break;
    }
    free(identity);
}

/* A process that exited may linger as a zombie until its parent reaps it. */
static bool process_alive(pid_t pid)
{
    if (pid <= 0)
        return true; /* unknown: rely on heartbeats */
    if (kill(pid, 0) != 0 && errno == ESRCH)
        return false;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno != ENOENT;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *rp = strrchr(buf, ')');
    return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

void cards_health_tick(struct cpm *cpm)
{
    int64_t now = zclock_mono();
    struct card_proc **all = snapshot(cpm);
    for (struct card_proc **cp = all; *cp; cp++) {
        struct card_proc *c = *cp;
        if (c->state == CARD_DOWN)
            continue;
        if (!process_alive(c->pid))
            set_state(cpm, c, CARD_DOWN, "process exited");
        else if (now - c->last_seen_ms > CPM_DEAD_INTERVAL_MS)
            set_state(cpm, c, CARD_DOWN, "heartbeat timeout");
    }
    free(all);
}

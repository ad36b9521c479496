/* MC-IPsec on the cpm side: which tunnel groups redundancy multi-chassis
 * protects, their MIMP state as the mcs process last reported it
 * (McsState), and telling the IOMs and ISAs at once when a group's state or
 * forwarding changes (McMastership: in the failover's critical path, so a
 * small message rather than a configuration push). When mcs is down, every
 * MC-IPsec group is in discovery and forwards nothing. Also the operator's
 * force-switchover, sent to mcs as an McCommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "log.h"

/* The latest McsState of one peer, an owned copy. */
struct mc_report {
    Srlab__McsState *m;
    int64_t received_ms;        /* wall clock */
    bool stale;                 /* mcs went down since */
};

/* What the IOMs and ISAs were last told of one group. */
struct mc_told {
    char state[16];
    bool forwarding;
};

struct mc {
    zhashx_t *reports;          /* peer address -> struct mc_report */
    zhashx_t *told;             /* group id -> struct mc_told */
    unsigned switchover_group;  /* the last force-switchover sent to mcs */
    uint64_t mastership_sent, reports_received, reports_bad, replies_refused;
};

static void report_free(void **item)
{
    struct mc_report *r = *item;
    if (r) {
        srlab__mcs_state__free_unpacked(r->m, NULL);
        free(r);
    }
    *item = NULL;
}

static void told_free(void **item)
{
    free(*item);
    *item = NULL;
}

static struct mc *mc_of(struct cpm *cpm)
{
    if (!cpm->mc) {
        cpm->mc = calloc(1, sizeof *cpm->mc);
        cpm->mc->reports = zhashx_new();
        zhashx_set_destructor(cpm->mc->reports, report_free);
        cpm->mc->told = zhashx_new();
        zhashx_set_destructor(cpm->mc->told, told_free);
    }
    return cpm->mc;
}

void mc_destroy(struct cpm *cpm)
{
    if (!cpm->mc)
        return;
    zhashx_destroy(&cpm->mc->reports);
    zhashx_destroy(&cpm->mc->told);
    free(cpm->mc);
    cpm->mc = NULL;
}

static struct cfg_node *mc_peers(struct cpm *cpm)
{
    return cfg_child(cfg_child(cpm->tree->root, "redundancy"), "multi-chassis");
}

struct cfg_node *mc_group_config(struct cpm *cpm, unsigned group, struct cfg_node **peer)
{
    char g[16];
    snprintf(g, sizeof g, "%u", group);
    cfg_each(p, mc_peers(cpm), "peer") {
        struct cfg_node *mcg = cfg_find(cpm->tree, cfg_child(p, "mc-ipsec"), "tunnel-group", g);
        if (!mcg || !p->admin_up)
            continue;
        if (peer)
            *peer = p;
        return mcg;
    }
    return NULL;
}

bool mc_mcs_up(struct cpm *cpm)
{
    const struct card_proc *c = cards_get(cpm, "mcs");
    return c && c->state != CARD_DOWN;
}

const Srlab__McsState *mc_report(struct cpm *cpm, const char *peer, bool *stale, int64_t *when_ms)
{
    struct mc_report *r = zhashx_lookup(mc_of(cpm)->reports, peer);
    if (!r)
        return NULL;
    if (stale)
        *stale = r->stale || !mc_mcs_up(cpm);
    if (when_ms)
        *when_ms = r->received_ms;
    return r->m;
}

static const Srlab__McGroupState *report_group(const Srlab__McsState *m, unsigned group)
{
    for (size_t i = 0; m && i < m->n_groups; i++)
        if (m->groups[i]->group == group)
            return m->groups[i];
    return NULL;
}

bool mc_group_view(struct cpm *cpm, unsigned group, struct mc_view *v)
{
    struct cfg_node *peer = NULL;
    struct cfg_node *mcg = mc_group_config(cpm, group, &peer);
    if (!mcg)
        return false;
    *v = (struct mc_view){ .state = "discovery", .forwarding = false };
    bool stale = false;
    const Srlab__McsState *m = mc_report(cpm, peer->key, &stale, NULL);
    if (!mc_mcs_up(cpm)) {
        v->reason = "mcs down";
        return true;
    }
    if (!m || stale) {
        v->reason = "no report from mcs yet";
        return true;
    }
    const Srlab__McGroupState *gs = report_group(m, group);
    if (!gs) {
        v->reason = mcg->admin_up ? "not reported by mcs" : "mc-ipsec tunnel-group shut down";
        return true;
    }
    v->gs = gs;
    v->state = gs->state && gs->state[0] ? gs->state : "discovery";
    v->forwarding = gs->forwarding;
    v->reason = gs->reason ? gs->reason : "";
    return true;
}

/* Every MC-IPsec group's state as cards must know it; *out is malloc'd. */
static int views(struct cpm *cpm, unsigned **groups, struct mc_view **out)
{
    int n = 0;
    *groups = NULL;
    *out = NULL;
    cfg_each(tg, cfg_child(cpm->tree->root, "isa"), "tunnel-group") {
        struct mc_view v;
        unsigned id = (unsigned)atoi(tg->key);
        if (!mc_group_view(cpm, id, &v))
            continue;
        *groups = realloc(*groups, sizeof **groups * (size_t)(n + 1));
        *out = realloc(*out, sizeof **out * (size_t)(n + 1));
        (*groups)[n] = id;
        (*out)[n++] = v;
    }
    return n;
}

/* Whether cards were told something else than the views (or other groups). */
static bool told_differs(struct mc *mc, const unsigned *groups, const struct mc_view *v, int n)
{
    if (zhashx_size(mc->told) != (size_t)n)
        return true;
    for (int i = 0; i < n; i++) {
        char k[16];
        snprintf(k, sizeof k, "%u", groups[i]);
        const struct mc_told *t = zhashx_lookup(mc->told, k);
        if (!t || strcmp(t->state, v[i].state) != 0 || t->forwarding != v[i].forwarding)
            return true;
    }
    return false;
}

static void record_told(struct mc *mc, const unsigned *groups, const struct mc_view *v, int n)
{
    zhashx_purge(mc->told);
    for (int i = 0; i < n; i++) {
        char k[16];
        snprintf(k, sizeof k, "%u", groups[i]);
        struct mc_told *t = calloc(1, sizeof *t);
        snprintf(t->state, sizeof t->state, "%s", v[i].state);
        t->forwarding = v[i].forwarding;
        zhashx_insert(mc->told, k, t);
    }
}

/* McMastership to every IOM and ISA that is not down. */
static void send_mastership(struct cpm *cpm, const unsigned *groups, const struct mc_view *v, int n)
{
    Srlab__McGroupState *gs = calloc((size_t)n + 1, sizeof *gs);
    Srlab__McGroupState **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        if (v[i].gs)
            gs[i] = *v[i].gs; /* mcs's figures, with cpm's verdict on state below */
        else
            srlab__mc_group_state__init(&gs[i]);
        gs[i].group = groups[i];
        gs[i].state = (char *)v[i].state;
        gs[i].forwarding = v[i].forwarding;
        gs[i].reason = (char *)(v[i].reason ? v[i].reason : "");
        ptrs[i] = &gs[i];
    }
    Srlab__McMastership body = SRLAB__MC_MASTERSHIP__INIT;
    body.groups = ptrs;
    body.n_groups = (size_t)n;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MC_MASTERSHIP;
    env.mc_mastership = &body;
    /* cards_get() elsewhere moves the hash's cursor: walk a list of names */
    zlistx_t *names = zhashx_keys(cpm->cards);
    int sent = 0;
    for (const char *id = zlistx_first(names); id; id = zlistx_next(names)) {
        const struct card_proc *c = cards_get(cpm, id);
        if (!c || c->state == CARD_DOWN ||
            (c->role != SRLAB__ROLE__ROLE_IOM && c->role != SRLAB__ROLE__ROLE_ISA))
            continue;
        if (bus_send_to(cpm->bus, c->identity, &env, &cpm->bus_stats) == 0)
            sent++;
    }
    zlistx_destroy(&names);
    free(ptrs);
    free(gs);
    mc_of(cpm)->mastership_sent++;
    for (int i = 0; i < n; i++)
        log_info("mc_mastership", "group=%u state=%s forwarding=%d reason=%s cards=%d", groups[i],
                 v[i].state, v[i].forwarding, log_q(v[i].reason ? v[i].reason : ""), sent);
}

/* Tells the cards when a group's state or forwarding moved since they
 * were last told (send), or records what a full push carries (!send). */
static void evaluate(struct cpm *cpm, bool send)
{
    struct mc *mc = mc_of(cpm);
    unsigned *groups;
    struct mc_view *v;
    int n = views(cpm, &groups, &v);
    if (told_differs(mc, groups, v, n)) {
        if (send && cpm->bus)
            send_mastership(cpm, groups, v, n);
        record_told(mc, groups, v, n);
    }
    free(groups);
    free(v);
}

void mc_pushing(struct cpm *cpm)
{
    evaluate(cpm, false);
}

void mc_on_mcs_state(struct cpm *cpm, const Srlab__McsState *m)
{
    struct mc *mc = mc_of(cpm);
    if (!m->peer || !m->peer[0] || strlen(m->peer) > 64) {
        mc->reports_bad++;
        log_warn("mcs_state_dropped", "reason=\"no peer address\"");
        return;
    }
    /* keep an owned copy: the envelope is freed after dispatch */
    size_t len = srlab__mcs_state__get_packed_size(m);
    uint8_t *buf = malloc(len ? len : 1);
    srlab__mcs_state__pack(m, buf);
    Srlab__McsState *copy = srlab__mcs_state__unpack(NULL, len, buf);
    free(buf);
    if (!copy) {
        mc->reports_bad++;
        log_warn("mcs_state_dropped", "reason=\"could not copy\"");
        return;
    }
    struct mc_report *r = calloc(1, sizeof *r);
    r->m = copy;
    r->received_ms = zclock_time();
    zhashx_update(mc->reports, m->peer, r); /* frees the previous report */
    mc->reports_received++;
    evaluate(cpm, true);
}

void mc_mcs_down(struct cpm *cpm)
{
    struct mc *mc = mc_of(cpm);
    for (struct mc_report *r = zhashx_first(mc->reports); r; r = zhashx_next(mc->reports))
        r->stale = true;
    evaluate(cpm, true);
}

void mc_on_command_reply(struct cpm *cpm, const Srlab__McCommandReply *r)
{
    struct mc *mc = mc_of(cpm);
    if (r->ok) {
        log_info("mc_command_done", "group=%u", mc->switchover_group);
        return;
    }
    mc->replies_refused++;
    char why[160];
    snprintf(why, sizeof why, "%s", r->error && r->error[0] ? r->error : "no reason given");
    for (char *s = why; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    log_warn("mc_command_refused", "group=%u reason=%s", mc->switchover_group, log_q(why));
    char subject[32];
    snprintf(subject, sizeof subject, "tunnel-group %u", mc->switchover_group);
    eventlog_add(cpm, EV_MINOR, "MC_REDUNDANCY", 2120, subject,
                 "force-switchover refused by mcs: %s", why);
}

int mc_force_switchover(struct cpm *cpm, unsigned group, bool now, struct strbuf *out)
{
    struct mc_view v;
    if (!mc_group_view(cpm, group, &v)) {
        sb_printf(out, "Error: tunnel-group %u is not protected by MC-IPsec (no redundancy "
                  "multi-chassis peer that is up has it in mc-ipsec)\n", group);
        return -1;
    }
    if (!mc_mcs_up(cpm)) {
        sb_puts(out, "Error: the MCS process is down: no switchover is possible\n");
        return -1;
    }
    if (!v.gs) {
        sb_printf(out, "Error: tunnel-group %u: mcs has not reported its state (%s)\n", group,
                  v.reason);
        return -1;
    }
    if (strcmp(v.state, "master") != 0) {
        sb_printf(out, "Error: tunnel-group %u: this chassis is not master (MIMP state %s): "
                  "force the switchover on the master\n", group, v.state);
        return -1;
    }
    const char *prot = v.gs->protection && v.gs->protection[0] ? v.gs->protection : "not-ready";
    if (!now && strcmp(prot, "nominal") != 0) {
        sb_printf(out, "Error: tunnel-group %u: protection status is %s, the standby cannot take "
                  "the tunnels over yet; add 'now' to switch over anyway\n", group, prot);
        return -1;
    }
    Srlab__McCommand cmd = SRLAB__MC_COMMAND__INIT;
    cmd.verb = "switchover";
    cmd.group = group;
    cmd.now = now;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MC_COMMAND;
    env.mc_command = &cmd;
    if (bus_send_to(cpm->bus, "mcs", &env, &cpm->bus_stats) != 0) {
        sb_puts(out, "Error: could not send the command to mcs\n");
        return -1;
    }
    mc_of(cpm)->switchover_group = group;
    log_info("mc_command_sent", "verb=switchover group=%u now=%d", group, now);
    char subject[32];
    snprintf(subject, sizeof subject, "tunnel-group %u", group);
    eventlog_add(cpm, EV_WARNING, "MC_REDUNDANCY", 2121, subject,
                 "force-switchover%s requested by the operator", now ? " now" : "");
    sb_printf(out, "switchover requested for tunnel-group %u\n", group);
    return 0;
}

/* Tunnel groups under MC-IPsec: runs the election for each, applies its
 * result in one place (mcs_group_set_state: log line, event, triggered
 * MIMP, sync side effects), derives the protection status, reports
 * McsState to cpm and carries out operator switchovers. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcs.h"

static enum peer_presence presence(const struct mcs *m, int64_t now, const char **reason)
{
    static char why[96];
    *reason = NULL;
    if (m->peer_reachable)
        return PEER_PRESENT;
    if (!mcs_peer_active(m)) {
        *reason = "peer shutdown";
        return PEER_ABSENT;
    }
    if (!m->peer_was_up && now < m->discovery_end_ms)
        return PEER_DISCOVERY;
    if (m->peer_was_up) {
        snprintf(why, sizeof why, "peer unreachable (%s)",
                 m->peer_down_reason[0] ? m->peer_down_reason : "keep-alive");
        *reason = why;
    } else {
        *reason = "discovery interval expired";
    }
    return PEER_ABSENT;
}

static const char *group_ineligible(const struct mcs *m, const struct mcs_group *g)
{
    struct elig_in e = {
        .peer_admin_up = m->have_peer && m->peer_admin_up,
        .mc_ipsec = m->mc_ipsec,
        .group_configured = true,
        .group_admin_up = g->admin_up,
        .tg_configured = g->tg_configured,
        .tg_oper_up = g->tg_oper_up,
        .active_isas = (unsigned)g->n_isas,
    };
    return mcs_ineligible(&e);
}

void mcs_elect_all(struct mcs *m, const char *why)
{
    int64_t now = mcs_now();
    const char *absent = NULL;
    enum peer_presence pp = presence(m, now, &absent);
    int cmp = mcs_addr_cmp(&m->src_addr, &m->peer_addr);
    for (size_t i = 0; i < m->n_groups; i++) {
        struct mcs_group *g = &m->groups[i];
        const char *inel = group_ineligible(m, g);
        if (inel != g->ineligible) {
            g->ineligible = inel;
            m->mimp_trigger = true;
            m->state_dirty = true;
        }
        struct elect_in in = {
            .current = g->state,
            .ineligible = inel,
            .peer = pp,
            .absent_reason = absent,
            .yield = g->yield,
            .local = { .eligible = !inel, .acting = mimp_state_acting(g->state),
                       .priority = g->priority, .active_isas = (uint32_t)g->n_isas },
            .peer_side = { .eligible = g->peer_has && g->peer_eligible,
                           .acting = g->peer_has && g->peer_acting,
                           .priority = g->peer_priority,
                           .active_isas = g->peer_active_isas },
            .peer_state = g->peer_has ? g->peer_state : MS_DISCOVERY,
            .addr_cmp = cmp,
        };
        struct elect_out out;
        mcs_elect(&in, &out);
        g->yield = out.keep_yield;
        /* the reason shown is the one of the last change, not of each
         * election that confirms it */
        if (out.state != g->state) {
            log_debug("elect", "group=%u trigger=%s", g->id, log_q(why));
            mcs_group_set_state(m, g, out.state, out.reason);
        }
    }
}

void mcs_group_set_state(struct mcs *m, struct mcs_group *g, enum mimp_state to,
                         const char *reason)
{
    enum mimp_state from = g->state;
    bool was_fwd = mimp_state_acting(from), fwd = mimp_state_acting(to);
    g->state = to;
    snprintf(g->reason, sizeof g->reason, "%s", reason);
    g->since_ms = (uint64_t)zclock_time();
    g->transitions++;
    log_info("group_state", "group=%u from=%s to=%s reason=%s forwarding=%s", g->id,
             mimp_state_name(from), mimp_state_name(to), log_q(reason), fwd ? "yes" : "no");
    char subject[32];
    snprintf(subject, sizeof subject, "tunnel-group %u", g->id);
    mcs_event(m, to == MS_NOT_ELIGIBLE ? 3 : 2, MCS_EV_GROUP_STATE, subject,
              "MC-IPsec tunnel-group %u changed from %s to %s: %s", g->id, mimp_state_name(from),
              mimp_state_name(to), reason);
    m->mimp_trigger = true;
    m->state_dirty = m->state_urgent = true;
    if (was_fwd != fwd)
        mcs_sync_group_forwarding(m, g, fwd);
    if (to == MS_STANDBY)
        mcs_sync_want_peer_full(m, g);
}

void mcs_protection_update(struct mcs *m)
{
    for (size_t i = 0; i < m->n_groups; i++) {
        struct mcs_group *g = &m->groups[i];
        g->installed = g->installing = g->await_config = g->failed = 0;
    }
    struct mcs_rec *r;
    for (r = zhashx_first(m->peer); r; r = zhashx_next(m->peer)) {
        struct mcs_group *g = mcs_group_find(m, r->sa->group);
        if (!g)
            continue;
        switch (r->status) {
        case RS_INSTALLED: g->installed++; break;
        case RS_INSTALLING:
        case RS_HELD: g->installing++; break;
        case RS_AWAIT_CONFIG: g->await_config++; break;
        case RS_FAILED: g->failed++; break;
        case RS_LOCAL: break;
        }
    }
    bool in_sync = strcmp(mcs_sync_state(m), "in-sync") == 0;
    for (size_t i = 0; i < m->n_groups; i++) {
        struct mcs_group *g = &m->groups[i];
        /* a master is protected only by a peer that could take over */
        bool nominal = m->peer_reachable && in_sync && mcs_group_synced(m, g) &&
                       ((g->state == MS_MASTER && g->peer_has && g->peer_eligible) ||
                        (g->state == MS_STANDBY && !g->installing && !g->await_config &&
                         !g->failed));
        if (nominal == g->nominal)
            continue;
        g->nominal = nominal;
        m->state_dirty = true;
        log_info("protection", "group=%u status=%s", g->id, nominal ? "nominal" : "not-ready");
        char subject[32];
        snprintf(subject, sizeof subject, "tunnel-group %u", g->id);
        mcs_event(m, nominal ? 0 : 2, MCS_EV_PROTECTION, subject,
                  "MC-IPsec tunnel-group %u protection status %s", g->id,
                  nominal ? "nominal" : "not-ready");
    }
}

void mcs_send_state(struct mcs *m)
{
    Srlab__McsState st = SRLAB__MCS_STATE__INIT;
    Srlab__McGroupState *gs = calloc(m->n_groups ? m->n_groups : 1, sizeof *gs);
    Srlab__McGroupState **gp = calloc(m->n_groups ? m->n_groups : 1, sizeof *gp);
    for (size_t i = 0; i < m->n_groups; i++) {
        const struct mcs_group *g = &m->groups[i];
        /* what the peer said counts while it is reachable; after that the
         * show says "-", not its last state */
        bool heard = g->peer_has && m->peer_reachable;
        Srlab__McGroupState *o = &gs[i];
        srlab__mc_group_state__init(o);
        o->group = g->id;
        o->peer_group = g->peer_group;
        o->state = (char *)mimp_state_name(g->state);
        o->reason = (char *)g->reason;
        o->peer_state = heard ? (char *)mimp_state_name(g->peer_state) : "";
        o->forwarding = mimp_state_acting(g->state);
        o->eligible = g->ineligible == NULL;
        o->peer_eligible = heard && g->peer_eligible;
        o->priority = g->priority;
        o->peer_priority = g->peer_priority;
        o->active_isas = (uint32_t)g->n_isas;
        o->peer_active_isas = g->peer_active_isas;
        o->protection = g->nominal ? "nominal" : "not-ready";
        o->installed = g->installed;
        o->installing = g->installing;
        o->await_config = g->await_config;
        o->failed = g->failed;
        o->since_ms = g->since_ms;
        o->transitions = g->transitions;
        gp[i] = o;
    }
    st.peer = m->peer_str;
    st.source_address = m->src_str;
    st.peer_reachable = m->peer_reachable;
    st.bfd_state = !m->bfd_enabled ? "disabled" : (char *)bfd_state_name(m->bfd.state);
    if (m->bfd_enabled && m->bfd.state == BFD_ADMIN_DOWN)
        st.bfd_state = "down";
    st.sync_state = (char *)mcs_sync_state(m);
    st.mimp_tx = m->mimp_tx;
    st.mimp_rx = m->mimp_rx;
    st.mimp_bad = m->mimp_bad;
    st.sync_tx = m->sync_tx;
    st.sync_rx = m->sync_rx;
    st.sync_acked = m->sync_acked;
    st.sync_resyncs = m->sync_resyncs;
    st.sync_bytes_tx = m->sync_bytes_tx;
    st.sync_bytes_rx = m->sync_bytes_rx;
    st.entries_local = (uint32_t)zhashx_size(m->local);
    st.entries_peer = (uint32_t)zhashx_size(m->peer);
    uint32_t pending = 0;
    for (struct mcs_unacked *u = zlistx_first(m->s.unacked); u; u = zlistx_next(m->s.unacked))
        pending += u->records;
    st.sync_pending = pending;
    st.last_resync_ms = m->last_resync_ms;
    st.groups = gp;
    st.n_groups = m->n_groups;
    st.bfd_tx = m->bfd_tx;
    st.bfd_rx = m->bfd_rx;
    st.sync_bad = m->sync_bad;
    st.peer_down_reason = m->peer_down_reason;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MCS_STATE;
    env.mcs_state = &st;
    mcs_to_cpm(m, &env);
    free(gp);
    free(gs);
    m->state_dirty = m->state_urgent = false;
    m->state_sent_ms = mcs_now();
}

static void reply(struct mcs *m, bool ok, const char *error)
{
    Srlab__McCommandReply r = SRLAB__MC_COMMAND_REPLY__INIT;
    r.ok = ok;
    r.error = (char *)(error ? error : "");
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MC_COMMAND_REPLY;
    env.mc_command_reply = &r;
    mcs_to_cpm(m, &env);
}

void mcs_on_command(struct mcs *m, const Srlab__McCommand *cmd)
{
    char err[128];
    struct mcs_group *g = mcs_group_find(m, cmd->group);
    if (!cmd->verb || strcmp(cmd->verb, "switchover") != 0) {
        snprintf(err, sizeof err, "unknown command \"%.32s\"", cmd->verb ? cmd->verb : "");
        goto fail;
    }
    if (!g) {
        snprintf(err, sizeof err, "tunnel-group %u is not an MC-IPsec group", cmd->group);
        goto fail;
    }
    if (g->state != MS_MASTER) {
        snprintf(err, sizeof err, "not master of tunnel-group %u (state %s)", g->id,
                 mimp_state_name(g->state));
        goto fail;
    }
    if (!m->peer_reachable || !g->peer_has || !g->peer_eligible) {
        snprintf(err, sizeof err, "the peer cannot take tunnel-group %u over (%s)", g->id,
                 !m->peer_reachable ? "unreachable" : "not eligible");
        goto fail;
    }
    mcs_protection_update(m);
    if (!g->nominal && !cmd->now) {
        snprintf(err, sizeof err, "protection status of tunnel-group %u is not-ready", g->id);
        goto fail;
    }
    log_info("switchover", "group=%u now=%s protection=%s", g->id, cmd->now ? "yes" : "no",
             g->nominal ? "nominal" : "not-ready");
    char subject[32];
    snprintf(subject, sizeof subject, "tunnel-group %u", g->id);
    mcs_event(m, 2, MCS_EV_SWITCHOVER, subject,
              "MC-IPsec tunnel-group %u: forced switchover to peer %s (protection %s)", g->id,
              m->peer_str, g->nominal ? "nominal" : "not-ready");
    g->yield = true;
    mcs_group_set_state(m, g, MS_STANDBY, "forced switchover");
    reply(m, true, NULL);
    mcs_run(m);
    return;
fail:
    log_warn("command_refused", "group=%u reason=%s", cmd->group, log_q(err));
    reply(m, false, err);
}

void mcs_group_free(struct mcs_group *g)
{
    for (size_t i = 0; i < g->n_isas; i++)
        free(g->isas[i]);
    free(g->isas);
    g->isas = NULL;
    g->n_isas = 0;
}

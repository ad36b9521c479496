/* mcs's part of the CardConfig: redundancy multi-chassis peer (one), the
 * tunnel groups' oper state and active ISAs, and which ISA holds each
 * ipsec-gw and static ipsec-tunnel. Checked whole, then applied; what did
 * not change keeps running (MIMP, BFD and the MCS session restart only when
 * the addresses change). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcs.h"

#define DEF_KEEPALIVE_DS 10
#define DEF_HOLD 3
#define DEF_DISCOVERY_S 300

static int parse_addr(const char *s, struct sockaddr_storage *out, socklen_t *len)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *a4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
    if (s && inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        *len = sizeof *a4;
        return 0;
    }
    if (s && inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        *len = sizeof *a6;
        return 0;
    }
    return -1;
}

struct mcs_group *mcs_group_find(struct mcs *m, uint32_t id)
{
    for (size_t i = 0; i < m->n_groups; i++)
        if (m->groups[i].id == id)
            return &m->groups[i];
    return NULL;
}

struct mcs_group *mcs_group_for_peer(struct mcs *m, uint32_t peer_group)
{
    for (size_t i = 0; i < m->n_groups; i++)
        if (m->groups[i].peer_group == peer_group)
            return &m->groups[i];
    return NULL;
}

bool mcs_peer_active(const struct mcs *m)
{
    return m->have_peer && m->peer_admin_up && m->mc_ipsec;
}

bool mcs_sync_active(const struct mcs *m)
{
    return m->have_peer && m->peer_admin_up && m->sync_ipsec && m->sync_admin_up;
}

bool mcs_group_synced(const struct mcs *m, const struct mcs_group *g)
{
    return mcs_sync_active(m) && g->sync_tag[0];
}

static const char *check_range(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v < lo || v > hi ? "out of range" : NULL;
}

/* Everything is checked before anything changes. */
static int check(const Srlab__CardConfig *cfg, char *err, size_t errlen)
{
    if (cfg->n_mc_peers > 1) {
        snprintf(err, errlen, "only one multi-chassis peer is supported (%zu configured)",
                 cfg->n_mc_peers);
        return -1;
    }
    for (size_t i = 0; i < cfg->n_mc_peers; i++) {
        const Srlab__McPeerConfig *p = cfg->mc_peers[i];
        struct sockaddr_storage a, b;
        socklen_t al, bl;
        if (parse_addr(p->peer, &a, &al) != 0) {
            snprintf(err, errlen, "peer \"%.64s\": not an IP address", p->peer);
            return -1;
        }
        if (p->source_address[0] && parse_addr(p->source_address, &b, &bl) != 0) {
            snprintf(err, errlen, "peer %s: source-address \"%.64s\" is not an IP address",
                     p->peer, p->source_address);
            return -1;
        }
        if (p->source_address[0] && a.ss_family != b.ss_family) {
            snprintf(err, errlen, "peer %s: source-address %s is of another address family",
                     p->peer, p->source_address);
            return -1;
        }
        if (p->admin_up && (p->mc_ipsec || p->sync_admin_up) && !p->source_address[0]) {
            snprintf(err, errlen, "peer %s: source-address is required", p->peer);
            return -1;
        }
        const char *bad = NULL, *what = NULL;
        if (p->keepalive_ds && (bad = check_range(p->keepalive_ds, 5, 500)))
            what = "keep-alive-interval (5..500)";
        else if (p->hold && (bad = check_range(p->hold, 2, 25)))
            what = "hold-on-neighbor-failure (2..25)";
        else if (p->discovery_s && (bad = check_range(p->discovery_s, 1, 1800)))
            what = "discovery-interval (1..1800)";
        else if (p->discovery_boot_s && (bad = check_range(p->discovery_boot_s, 1, 1800)))
            what = "discovery-interval boot (1..1800)";
        if (bad) {
            snprintf(err, errlen, "peer %s: %s %s", p->peer, what, bad);
            return -1;
        }
        if (p->n_groups > MCS_MAX_GROUPS) {
            snprintf(err, errlen, "peer %s: more than %d mc-ipsec tunnel groups", p->peer,
                     MCS_MAX_GROUPS);
            return -1;
        }
        for (size_t k = 0; k < p->n_groups; k++) {
            const Srlab__McGroupConfig *g = p->groups[k];
            uint32_t pg = g->peer_group ? g->peer_group : g->group;
            if (g->priority > 255) {
                snprintf(err, errlen, "tunnel-group %u: priority %u out of range (0..255)",
                         g->group, g->priority);
                return -1;
            }
            if (strlen(g->sync_tag) >= sizeof((struct mcs_group *)0)->sync_tag) {
                snprintf(err, errlen, "tunnel-group %u: sync-tag too long", g->group);
                return -1;
            }
            for (size_t j = 0; j < k; j++) {
                const Srlab__McGroupConfig *o = p->groups[j];
                if (o->group == g->group ||
                    (o->peer_group ? o->peer_group : o->group) == pg) {
                    snprintf(err, errlen, "tunnel-group %u: configured twice or its peer-group "
                             "%u paired twice", g->group, pg);
                    return -1;
                }
            }
        }
    }
    for (size_t i = 0; i < cfg->n_tunnel_groups; i++)
        for (size_t k = 0; k < cfg->tunnel_groups[i]->n_active_isas; k++)
            if (strlen(cfg->tunnel_groups[i]->active_isas[k]) >= 16) {
                snprintf(err, errlen, "tunnel-group %u: bad active ISA name",
                         cfg->tunnel_groups[i]->id);
                return -1;
            }
    for (size_t i = 0; i < cfg->n_ipsec_gws; i++)
        if (strlen(cfg->ipsec_gws[i]->isa) >= 16) {
            snprintf(err, errlen, "ipsec-gw %.64s: bad ISA name", cfg->ipsec_gws[i]->name);
            return -1;
        }
    for (size_t i = 0; i < cfg->n_ipsec_tunnels; i++)
        if (strlen(cfg->ipsec_tunnels[i]->isa) >= 16) {
            snprintf(err, errlen, "ipsec-tunnel %.64s: bad ISA name",
                     cfg->ipsec_tunnels[i]->name);
            return -1;
        }
    return 0;
}

static bool isa_listed(const struct mcs_group *gs, size_t n, const char *isa)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < gs[i].n_isas; k++)
            if (strcmp(gs[i].isas[k], isa) == 0)
                return true;
    return false;
}

static zhashx_t *placement(void)
{
    zhashx_t *h = zhashx_new();
    zhashx_set_duplicator(h, (zhashx_duplicator_fn *)strdup);
    zhashx_set_destructor(h, (zhashx_destructor_fn *)zstr_free);
    return h;
}

/* A peer, source or enablement change: MIMP, BFD and MCS start over. */
static void reset_peer(struct mcs *m, int64_t now, bool booting)
{
    mimp_close(m);
    mcs_bfd_close(m);
    bool had = m->have_peer;
    m->have_peer = false; /* so the session closes its listener too */
    mcs_session_stop(m, "configuration changed");
    m->have_peer = had;
    m->peer_heard = m->peer_reachable = m->peer_was_up = false;
    m->peer_boot_id = 0;
    m->peer_down_reason[0] = 0;
    m->discovery_end_ms =
        booting ? m->start_ms + (int64_t)m->discovery_boot_s * 1000 : now + (int64_t)m->discovery_s * 1000;
    m->bind_retry_ms = m->bfd_retry_ms = now;
    m->s.next_attempt_ms = now; /* the first connect or listen at once */
    zhashx_purge(m->peer);
}

int mcs_apply_config(struct mcs *m, const Srlab__CardConfig *cfg, char *err, size_t errlen)
{
    if (check(cfg, err, errlen) != 0)
        return -1;
    int64_t now = mcs_now();
    const Srlab__McPeerConfig *p = cfg->n_mc_peers ? cfg->mc_peers[0] : NULL;
    static const Srlab__McPeerConfig none = SRLAB__MC_PEER_CONFIG__INIT;
    if (!p)
        p = &none;
    bool have = cfg->n_mc_peers > 0;
    bool was_active = mcs_peer_active(m);
    bool addr_changed = have != m->have_peer || strcmp(p->peer, m->peer_str) != 0 ||
                        strcmp(p->source_address, m->src_str) != 0;
    bool booting = !m->configured;

    m->have_peer = have;
    snprintf(m->peer_str, sizeof m->peer_str, "%s", p->peer);
    snprintf(m->src_str, sizeof m->src_str, "%s", p->source_address);
    socklen_t l1 = 0, l2 = 0;
    parse_addr(p->peer, &m->peer_addr, &l1);
    if (parse_addr(p->source_address, &m->src_addr, &l2) != 0)
        memset(&m->src_addr, 0, sizeof m->src_addr);
    m->addr_len = l1;
    m->peer_admin_up = p->admin_up;
    m->mc_ipsec = p->mc_ipsec;
    m->sync_ipsec = p->sync_ipsec;
    m->sync_admin_up = p->sync_admin_up;
    m->keepalive_ds = p->keepalive_ds ? p->keepalive_ds : DEF_KEEPALIVE_DS;
    m->hold = p->hold ? p->hold : DEF_HOLD;
    m->discovery_s = p->discovery_s ? p->discovery_s : DEF_DISCOVERY_S;
    m->discovery_boot_s = p->discovery_boot_s ? p->discovery_boot_s : DEF_DISCOVERY_S;
    bool bfd_was = m->bfd_enabled;
    m->bfd_enabled = p->bfd;

    if (addr_changed || booting)
        reset_peer(m, now, booting);
    else if (!was_active && mcs_peer_active(m))
        reset_peer(m, now, false); /* re-enabled: discovery again */
    if (bfd_was && !m->bfd_enabled)
        mcs_bfd_close(m);

    /* groups: election state carries over by id */
    struct mcs_group *gs = calloc(p->n_groups ? p->n_groups : 1, sizeof *gs);
    for (size_t i = 0; i < p->n_groups; i++) {
        const Srlab__McGroupConfig *c = p->groups[i];
        struct mcs_group *g = &gs[i];
        struct mcs_group *old = mcs_group_find(m, c->group);
        if (old) {
            *g = *old;
            g->isas = NULL;
            g->n_isas = 0;
        } else {
            g->state = MS_DISCOVERY;
            snprintf(g->reason, sizeof g->reason, "configured");
            g->since_ms = (uint64_t)zclock_time();
        }
        g->id = c->group;
        g->peer_group = c->peer_group ? c->peer_group : c->group;
        g->priority = c->priority;
        g->admin_up = c->admin_up;
        snprintf(g->sync_tag, sizeof g->sync_tag, "%s", c->sync_tag);
        g->tg_configured = g->tg_oper_up = false;
        for (size_t t = 0; t < cfg->n_tunnel_groups; t++) {
            const Srlab__TunnelGroupConfig *tg = cfg->tunnel_groups[t];
            if (tg->id != c->group)
                continue;
            g->tg_configured = true;
            g->tg_oper_up = tg->oper_up && tg->admin_up;
            g->isas = calloc(tg->n_active_isas ? tg->n_active_isas : 1, sizeof *g->isas);
            for (size_t k = 0; k < tg->n_active_isas; k++)
                g->isas[g->n_isas++] = strdup(tg->active_isas[k]);
        }
    }
    /* ISAs that became active: they may be new processes with nothing */
    zlistx_t *new_isas = zlistx_new();
    for (size_t i = 0; i < p->n_groups; i++)
        for (size_t k = 0; k < gs[i].n_isas; k++)
            if (!isa_listed(m->groups, m->n_groups, gs[i].isas[k]))
                zlistx_add_end(new_isas, gs[i].isas[k]);
    for (size_t i = 0; i < m->n_groups; i++)
        mcs_group_free(&m->groups[i]);
    free(m->groups);
    m->groups = gs;
    m->n_groups = p->n_groups;

    zhashx_t *gw = placement(), *tun = placement();
    for (size_t i = 0; i < cfg->n_ipsec_gws; i++)
        if (cfg->ipsec_gws[i]->isa[0])
            zhashx_update(gw, cfg->ipsec_gws[i]->name, cfg->ipsec_gws[i]->isa);
    for (size_t i = 0; i < cfg->n_ipsec_tunnels; i++)
        if (cfg->ipsec_tunnels[i]->isa[0])
            zhashx_update(tun, cfg->ipsec_tunnels[i]->name, cfg->ipsec_tunnels[i]->isa);
    zhashx_destroy(&m->gw_isa);
    zhashx_destroy(&m->tunnel_isa);
    m->gw_isa = gw;
    m->tunnel_isa = tun;
    m->configured = true;

    log_info("config_run", "peer=%s source=%s admin=%s mc_ipsec=%s bfd=%s sync=%s groups=%zu "
             "keepalive_ms=%u hold=%u discovery_s=%u boot_s=%u gateways=%zu tunnels=%zu",
             have ? m->peer_str : "-", m->src_str[0] ? m->src_str : "-",
             m->peer_admin_up ? "up" : "down", m->mc_ipsec ? "yes" : "no",
             m->bfd_enabled ? "yes" : "no", mcs_sync_active(m) ? "up" : "down", m->n_groups,
             m->keepalive_ds * 100, m->hold, m->discovery_s, m->discovery_boot_s,
             cfg->n_ipsec_gws, cfg->n_ipsec_tunnels);
    m->mimp_trigger = true;
    m->state_dirty = m->state_urgent = true;
    mcs_elect_all(m, "config");
    mcs_sync_config_changed(m);
    for (const char *isa = zlistx_first(new_isas); isa; isa = zlistx_next(new_isas))
        mcs_sync_isa_up(m, isa);
    zlistx_destroy(&new_isas);
    mcs_run(m);
    return 0;
}

/* MIMP: one UDP datagram (a packed srlab Envelope with a Mimp body) from our
 * source-address to the peer's port MIMP_PORT every keep-alive interval and
 * at once after a local change. The peer is reachable while its MIMP arrived
 * within keep-alive x hold-on-neighbor-failure (and the BFD session is up
 * when bfd-enable is set). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "mcs.h"

#define MIMP_MAX_DGRAM 65536

void mimp_send(struct mcs *m)
{
    if (m->mimp_fd < 0)
        return;
    Srlab__Mimp mimp = SRLAB__MIMP__INIT;
    Srlab__MimpGroup *gs = calloc(m->n_groups ? m->n_groups : 1, sizeof *gs);
    Srlab__MimpGroup **gp = calloc(m->n_groups ? m->n_groups : 1, sizeof *gp);
    for (size_t i = 0; i < m->n_groups; i++) {
        const struct mcs_group *g = &m->groups[i];
        srlab__mimp_group__init(&gs[i]);
        gs[i].group = g->id;
        gs[i].peer_group = g->peer_group;
        gs[i].state = (char *)mimp_state_name(g->state);
        gs[i].eligible = g->ineligible == NULL;
        gs[i].priority = g->priority;
        gs[i].active_isas = (uint32_t)g->n_isas;
        gs[i].acting_master = mimp_state_acting(g->state);
        gs[i].sync_tag = (char *)g->sync_tag;
        gp[i] = &gs[i];
    }
    mimp.source = m->src_str;
    mimp.seq = ++m->mimp_seq;
    mimp.keepalive_ds = m->keepalive_ds;
    mimp.hold = m->hold;
    mimp.groups = gp;
    mimp.n_groups = m->n_groups;
    mimp.boot_id = m->boot_id;
    mimp.mcs_port = MCS_PORT;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.version = BUS_VERSION;
    env.body_case = SRLAB__ENVELOPE__BODY_MIMP;
    env.mimp = &mimp;
    size_t len = srlab__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(len);
    srlab__envelope__pack(&env, buf);
    struct sockaddr_storage to = m->peer_addr;
    if (to.ss_family == AF_INET)
        ((struct sockaddr_in *)&to)->sin_port = htons(MIMP_PORT);
    else
        ((struct sockaddr_in6 *)&to)->sin6_port = htons(MIMP_PORT);
    if (len <= MIMP_MAX_DGRAM &&
        sendto(m->mimp_fd, buf, len, 0, (struct sockaddr *)&to, m->addr_len) == (ssize_t)len)
        m->mimp_tx++;
    free(buf);
    free(gp);
    free(gs);
    m->mimp_trigger = false;
    m->mimp_next_tx_ms = mcs_now() + (int64_t)m->keepalive_ds * 100;
}

/* A resync of thousands of tunnels keeps this loop busy for longer than
 * BFD's detection time (and, at tens of thousands, MIMP's hold time): the
 * sync code calls this between batches so that the peer keeps hearing
 * from us and does not take a busy chassis for a dead one. */
void mcs_pulse(struct mcs *m)
{
    int64_t now = mcs_now();
    mcs_bfd_send_due(m, now);
    if (m->mimp_fd >= 0 && now >= m->mimp_next_tx_ms)
        mimp_send(m);
}

/* Every field of a MIMP packet from the network is checked before use. */
static const char *check_mimp(const Srlab__Mimp *mi)
{
    if (mi->n_groups > MCS_MAX_GROUPS)
        return "too many groups";
    for (size_t i = 0; i < mi->n_groups; i++) {
        const Srlab__MimpGroup *g = mi->groups[i];
        if (mimp_state_parse(g->state) < 0)
            return "unknown state";
        if (g->priority > 255)
            return "priority above 255";
        if (strlen(g->sync_tag) >= sizeof((struct mcs_group *)0)->peer_sync_tag)
            return "sync tag too long";
        for (size_t k = 0; k < i; k++)
            if (mi->groups[k]->group == g->group)
                return "duplicate group";
    }
    return NULL;
}

static void peer_restarted(struct mcs *m, uint64_t boot_id)
{
    log_info("peer_restarted", "peer=%s old_boot_id=%016lx boot_id=%016lx", m->peer_str,
             (unsigned long)m->peer_boot_id, (unsigned long)boot_id);
    mcs_event(m, 2, MCS_EV_PEER_RESTART, m->peer_str,
              "MC peer %s restarted: MCS session restarted for a full resync", m->peer_str);
    /* its stream state is gone: a new session and a full resync both ways */
    mcs_session_stop(m, "peer restarted");
}

static void on_mimp(struct mcs *m, const Srlab__Mimp *mi, int64_t now)
{
    const char *bad = check_mimp(mi);
    if (bad) {
        mcs_count_bad(m, MB_MIMP_CONTENT, bad);
        return;
    }
    m->mimp_rx++;
    if (m->peer_heard && mi->boot_id && m->peer_boot_id && mi->boot_id != m->peer_boot_id)
        peer_restarted(m, mi->boot_id);
    m->peer_boot_id = mi->boot_id;
    m->peer_mcs_port = mi->mcs_port && mi->mcs_port <= 65535 ? mi->mcs_port : MCS_PORT;
    m->peer_heard = true;
    m->mimp_last_rx_ms = now;
    for (size_t i = 0; i < m->n_groups; i++) {
        struct mcs_group *g = &m->groups[i];
        const Srlab__MimpGroup *pg = NULL;
        for (size_t k = 0; k < mi->n_groups && !pg; k++)
            if (mi->groups[k]->group == g->peer_group)
                pg = mi->groups[k];
        bool had = g->peer_has;
        enum mimp_state before = g->peer_state;
        g->peer_has = pg != NULL;
        if (pg) {
            g->peer_state = (enum mimp_state)mimp_state_parse(pg->state);
            g->peer_eligible = pg->eligible;
            g->peer_acting = pg->acting_master;
            g->peer_priority = pg->priority;
            g->peer_active_isas = pg->active_isas;
            snprintf(g->peer_sync_tag, sizeof g->peer_sync_tag, "%s", pg->sync_tag);
        }
        if (had != g->peer_has || before != g->peer_state)
            m->state_dirty = true;
    }
    mimp_check_peer(m, now, NULL);
    mcs_elect_all(m, "mimp");
}

static void on_mimp_socket(struct mcs *m, int fd, uint32_t events)
{
    (void)events;
    static uint8_t buf[MIMP_MAX_DGRAM];
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC,
                             (struct sockaddr *)&from, &fl);
        if (n < 0)
            break;
        if (!mcs_addr_eq(&from, &m->peer_addr)) {
            mcs_count_bad(m, MB_MIMP_SOURCE, "");
            continue;
        }
        if ((size_t)n > sizeof buf) {
            mcs_count_bad(m, MB_MIMP_MALFORMED, "truncated");
            continue;
        }
        bus_msg_t *env = bus_unpack(buf, (size_t)n, &m->mimp_bus, "mimp");
        if (!env) {
            mcs_count_bad(m, MB_MIMP_MALFORMED, "not an envelope");
            continue;
        }
        if (env->body_case != SRLAB__ENVELOPE__BODY_MIMP)
            mcs_count_bad(m, MB_MIMP_BODY, bus_body_name(env->body_case));
        else
            on_mimp(m, env->mimp, mcs_now());
        bus_free(&env);
    }
}

void mimp_open(struct mcs *m)
{
    if (m->mimp_fd >= 0 || !mcs_peer_active(m))
        return;
    int fd = socket(m->src_addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage a = m->src_addr;
    if (a.ss_family == AF_INET)
        ((struct sockaddr_in *)&a)->sin_port = htons(MIMP_PORT);
    else
        ((struct sockaddr_in6 *)&a)->sin6_port = htons(MIMP_PORT);
    if (bind(fd, (struct sockaddr *)&a, m->addr_len) != 0) {
        /* the management address may not be there yet: retried by the tick */
        log_warn("mimp_bind_failed", "source=%s error=%s", m->src_str, strerror(errno));
        close(fd);
        return;
    }
    m->mimp_fd = fd;
    mcs_fd_add(m, fd, EPOLLIN, on_mimp_socket);
    log_info("mimp_open", "source=%s peer=%s port=%d keepalive_ms=%u hold=%u", m->src_str,
             m->peer_str, MIMP_PORT, m->keepalive_ds * 100, m->hold);
    m->mimp_trigger = true;
}

void mimp_close(struct mcs *m)
{
    if (m->mimp_fd < 0)
        return;
    mcs_fd_del(m, m->mimp_fd);
    close(m->mimp_fd);
    m->mimp_fd = -1;
    log_info("mimp_close", "peer=%s", m->peer_str);
}

void mimp_check_peer(struct mcs *m, int64_t now, const char *bfd_reason)
{
    bool fresh = m->peer_heard && mcs_peer_active(m) &&
                 now - m->mimp_last_rx_ms <= (int64_t)m->keepalive_ds * 100 * m->hold;
    bool bfd_ok = !m->bfd_enabled || mcs_bfd_up(m);
    bool reachable = fresh && bfd_ok;
    if (reachable == m->peer_reachable)
        return;
    m->peer_reachable = reachable;
    m->state_dirty = m->state_urgent = true;
    m->mimp_trigger = true;
    if (reachable) {
        m->peer_was_up = true;
        m->peer_down_reason[0] = 0;
        log_info("peer_up", "peer=%s", m->peer_str);
        mcs_event(m, 0, MCS_EV_PEER_UP, m->peer_str, "MC peer %s is reachable", m->peer_str);
    } else {
        const char *why = !mcs_peer_active(m) ? "peer shutdown"
                          : !fresh            ? "keep-alive"
                          : bfd_reason        ? bfd_reason
                                              : "bfd";
        snprintf(m->peer_down_reason, sizeof m->peer_down_reason, "%s", why);
        log_warn("peer_down", "peer=%s reason=%s", m->peer_str, log_q(why));
        mcs_event(m, 4, MCS_EV_PEER_DOWN, m->peer_str, "MC peer %s is unreachable (%s)",
                  m->peer_str, why);
        /* the MCS stream goes with it (a cut link would keep a silent TCP
         * connection for MCS_DEAD_MS); it reconnects and resyncs when the
         * peer is back */
        mcs_session_stop(m, "peer unreachable");
    }
    mcs_elect_all(m, reachable ? "peer reachable" : "peer unreachable");
}

void mimp_tick(struct mcs *m, int64_t now)
{
    if (!mcs_peer_active(m)) {
        mimp_close(m);
        return;
    }
    if (m->mimp_fd < 0 && now >= m->bind_retry_ms) {
        m->bind_retry_ms = now + 1000;
        mimp_open(m);
    }
    if (m->bfd_enabled && m->bfd_rx_fd < 0 && m->mimp_fd >= 0 && now >= m->bfd_retry_ms) {
        m->bfd_retry_ms = now + 1000;
        mcs_bfd_open(m);
    }
    mcs_bfd_tick(m, now);
    /* keep-alives that waited in the socket while the loop was busy count */
    if (m->mimp_fd >= 0)
        on_mimp_socket(m, m->mimp_fd, EPOLLIN);
    now = mcs_now();
    mimp_check_peer(m, now, NULL);
    if (m->mimp_fd >= 0 && (m->mimp_trigger || now >= m->mimp_next_tx_ms))
        mimp_send(m);
}

/* The mcs engine: owns the sockets and timers of one chassis's
 * multi-chassis redundancy, and after every input runs the same sequence
 * (mcs_run): elect, send a triggered MIMP, flush sync changes to the peer,
 * report to cpm. It runs without a card (cpm_hook) so unit tests can drive
 * two engines against each other over loopback. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "card.h"
#include "log.h"
#include "mcs.h"

#define STATE_MIN_MS 100           /* McsState at most this often unless urgent */

int64_t mcs_now(void)
{
    return zclock_mono();
}

static const void *addr_bytes(const struct sockaddr_storage *a, size_t *len)
{
    if (a->ss_family == AF_INET) {
        *len = 4;
        return &((const struct sockaddr_in *)a)->sin_addr;
    }
    *len = 16;
    return &((const struct sockaddr_in6 *)a)->sin6_addr;
}

int mcs_addr_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return a->ss_family < b->ss_family ? -1 : 1;
    size_t la, lb;
    const void *pa = addr_bytes(a, &la), *pb = addr_bytes(b, &lb);
    return memcmp(pa, pb, la); /* network order: numeric order */
}

bool mcs_addr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    return a->ss_family == b->ss_family && mcs_addr_cmp(a, b) == 0;
}

const char *mcs_bad_name(enum mcs_bad b)
{
    static const char *const names[] = {
#define X(id, name) name,
        MCS_BAD_REASONS(X)
#undef X
    };
    return (unsigned)b < MB_MAX ? names[b] : "?";
}

void mcs_count_bad(struct mcs *m, enum mcs_bad b, const char *detail)
{
    uint64_t n = ++m->bad[b];
    if (b <= MB_MIMP_CONTENT)
        m->mimp_bad++;
    /* every drop is counted; the log gets the first ten and then powers of two */
    if (n <= 10 || (n & (n - 1)) == 0)
        log_warn("bad_input", "reason=%s count=%lu detail=%s", mcs_bad_name(b),
                 (unsigned long)n, log_q(detail ? detail : ""));
    m->state_dirty = true;
}

void mcs_to_cpm(struct mcs *m, bus_msg_t *env)
{
    if (m->card)
        card_send(m->card, env);
    else if (m->cpm_hook)
        m->cpm_hook(m->hook_arg, env);
}

void mcs_event(struct mcs *m, unsigned severity, unsigned id, const char *subject,
               const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Srlab__CardEvent ev = SRLAB__CARD_EVENT__INIT;
    ev.application = "MC_REDUNDANCY";
    ev.event_id = id;
    ev.severity = severity;
    ev.subject = (char *)subject;
    ev.text = text;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CARD_EVENT;
    env.card_event = &ev;
    mcs_to_cpm(m, &env);
}

/* ---- raw sockets through one epoll fd ---- */

int mcs_fd_add(struct mcs *m, int fd, uint32_t events, mcs_fd_fn *fn)
{
    for (size_t i = 0; i < sizeof m->fds / sizeof m->fds[0]; i++) {
        if (m->fds[i].fd >= 0)
            continue;
        struct epoll_event ev = { .events = events, .data.fd = fd };
        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
            return -1;
        m->fds[i].fd = fd;
        m->fds[i].fn = fn;
        return 0;
    }
    log_error("fd_table_full", "fd=%d", fd);
    return -1;
}

int mcs_fd_mod(struct mcs *m, int fd, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.fd = fd };
    return epoll_ctl(m->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
}

void mcs_fd_del(struct mcs *m, int fd)
{
    for (size_t i = 0; i < sizeof m->fds / sizeof m->fds[0]; i++)
        if (m->fds[i].fd == fd) {
            epoll_ctl(m->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
            m->fds[i].fd = -1;
            m->fds[i].fn = NULL;
        }
}

static int on_epoll(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void)loop;
    (void)item;
    struct mcs *m = arg;
    struct epoll_event evs[16];
    int n = epoll_wait(m->epoll_fd, evs, 16, 0);
    for (int i = 0; i < n; i++) {
        /* looked up each time: an earlier handler may have closed it */
        for (size_t k = 0; k < sizeof m->fds / sizeof m->fds[0]; k++)
            if (m->fds[k].fd == evs[i].data.fd && m->fds[k].fn) {
                m->fds[k].fn(m, m->fds[k].fd, evs[i].events);
                break;
            }
    }
    mcs_run(m);
    return 0;
}

/* ---- the loop ---- */

static void report(struct mcs *m, int64_t now)
{
    const char *ss = mcs_sync_state(m);
    if (strcmp(ss, m->sync_state) != 0) {
        log_info("sync_state", "from=%s to=%s", m->sync_state[0] ? m->sync_state : "-", ss);
        if (m->sync_state[0])
            mcs_event(m, strcmp(ss, "sync-down") == 0 ? 3 : 0, MCS_EV_SYNC_STATE, m->peer_str,
                      "MCS sync with peer %s changed from %s to %s", m->peer_str,
                      m->sync_state, ss);
        snprintf(m->sync_state, sizeof m->sync_state, "%s", ss);
        m->state_dirty = true;
    }
    if (m->state_urgent || (m->state_dirty && now - m->state_sent_ms >= STATE_MIN_MS) ||
        now - m->state_sent_ms >= MCS_STATE_MS) {
        mcs_protection_update(m);
        mcs_send_state(m);
    }
}

void mcs_run(struct mcs *m)
{
    if (!m->configured)
        return;
    mcs_elect_all(m, "run");
    if (m->mimp_trigger && m->mimp_fd >= 0)
        mimp_send(m);
    mcs_sync_flush(m);
    report(m, mcs_now());
}

static int on_tick(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct mcs *m = arg;
    if (!m->configured)
        return 0;
    int64_t now = mcs_now();
    mimp_tick(m, now);
    mcs_session_tick(m, now);
    mcs_sync_tick(m, now);
    mcs_run(m);
    return 0;
}

struct mcs *mcs_new(zloop_t *loop, const char *rundir, struct card *card)
{
    struct mcs *m = calloc(1, sizeof *m);
    m->loop = loop;
    m->card = card;
    m->rundir = strdup(rundir);
    m->boot_id = ((uint64_t)random() << 32) ^ (uint64_t)random() ^ (uint64_t)zclock_time();
    if (!m->boot_id)
        m->boot_id = 1;
    m->start_ms = mcs_now();
    m->mimp_fd = m->bfd_rx_fd = m->bfd_tx_fd = -1;
    for (size_t i = 0; i < sizeof m->fds / sizeof m->fds[0]; i++)
        m->fds[i].fd = -1;
    m->gw_isa = zhashx_new();
    m->tunnel_isa = zhashx_new();
    mcs_session_init(m);
    mcs_sync_init(m);
    m->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (m->epoll_fd < 0 || mcs_sync_open_isa(m) != 0) {
        mcs_destroy(&m);
        return NULL;
    }
    zmq_pollitem_t item = { .socket = NULL, .fd = m->epoll_fd, .events = ZMQ_POLLIN };
    zloop_poller(loop, &item, on_epoll, m);
    m->tick_id = zloop_timer(loop, MCS_TICK_MS, 0, on_tick, m);
    return m;
}

void mcs_set_cpm_hook(struct mcs *m, mcs_cpm_hook_fn *hook, void *arg)
{
    m->cpm_hook = hook;
    m->hook_arg = arg;
}

void mcs_destroy(struct mcs **pm)
{
    struct mcs *m = *pm;
    if (!m)
        return;
    if (m->tick_id > 0)
        zloop_timer_end(m->loop, m->tick_id);
    if (m->isa_sock)
        zloop_reader_end(m->loop, m->isa_sock);
    mimp_close(m);
    mcs_bfd_close(m);
    m->have_peer = false;
    mcs_session_stop(m, "stopping");
    zlistx_destroy(&m->s.unacked);
    if (m->epoll_fd >= 0) {
        zmq_pollitem_t item = { .socket = NULL, .fd = m->epoll_fd };
        zloop_poller_end(m->loop, &item);
        close(m->epoll_fd);
    }
    mcs_sync_fini(m);
    for (size_t i = 0; i < m->n_groups; i++)
        mcs_group_free(&m->groups[i]);
    free(m->groups);
    zhashx_destroy(&m->gw_isa);
    zhashx_destroy(&m->tunnel_isa);
    free(m->rundir);
    free(m);
    *pm = NULL;
}

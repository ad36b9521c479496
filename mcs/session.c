/* The MCS session: one TCP connection between the two mcs, from the side
 * with the numerically lower source address to the other's MCS_PORT.
 * Non-blocking throughout; what the kernel does not take waits in the
 * output buffer. Numbered frames (SyncBatch, SyncRequest) are acknowledged
 * cumulatively by SyncAck; an idle session sends a SyncAck as keepalive
 * and one silent for MCS_DEAD_MS is closed. Every (re)connect starts with a
 * full resync both ways. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "mcs.h"

#define READ_CHUNK 65536
#define READS_PER_EVENT 64
/* what is left waits for the next loop round, so BFD and MIMP are heard
 * in between (a full resync of 10,000 records took 220 ms in one go) */
#define READ_BUDGET_MS 10

static void unacked_free(void **item)
{
    free(*item);
    *item = NULL;
}

void mcs_session_init(struct mcs *m)
{
    memset(&m->s, 0, sizeof m->s);
    m->s.listen_fd = m->s.fd = -1;
    m->s.unacked = zlistx_new();
    zlistx_set_destructor(m->s.unacked, unacked_free);
}

static bool we_connect(const struct mcs *m)
{
    return mcs_addr_cmp(&m->src_addr, &m->peer_addr) < 0;
}

const char *mcs_sync_state(const struct mcs *m)
{
    if (!mcs_sync_active(m) || !m->s.connected)
        return "sync-down";
    if (m->s.resync_end_seq || !m->s.peer_full_done || zlistx_size(m->s.unacked) ||
        zhashx_size(m->pending))
        return "synchronizing";
    return "in-sync";
}

static void close_conn(struct mcs *m)
{
    if (m->s.fd >= 0) {
        mcs_fd_del(m, m->s.fd);
        close(m->s.fd);
    }
    m->s.fd = -1;
    m->s.connected = m->s.connecting = m->s.want_write = false;
    mcs_buf_free(&m->s.in);
    mcs_buf_free(&m->s.out);
    zlistx_purge(m->s.unacked);
    m->s.tx_seq = m->s.rx_seq = m->s.acked_rx = 0;
    m->s.resync_end_seq = 0;
    m->s.peer_full_done = m->s.peer_in_full = false;
}

void mcs_session_stop(struct mcs *m, const char *reason)
{
    bool was = m->s.connected || m->s.connecting;
    if (was)
        log_info("mcs_down", "peer=%s reason=%s", m->peer_str, log_q(reason));
    close_conn(m);
    if (!mcs_sync_active(m) && m->s.listen_fd >= 0) {
        mcs_fd_del(m, m->s.listen_fd);
        close(m->s.listen_fd);
        m->s.listen_fd = -1;
    }
    m->s.next_attempt_ms = mcs_now() + (was ? 0 : MCS_RECONNECT_MS);
    m->state_dirty = true;
}

static void fail(struct mcs *m, enum mcs_bad b, const char *detail)
{
    mcs_count_bad(m, b, detail);
    m->sync_bad++;
    mcs_session_stop(m, detail);
    /* do not hammer a peer that sends garbage */
    m->s.next_attempt_ms = mcs_now() + MCS_RECONNECT_MS;
}

static void flush_out(struct mcs *m)
{
    while (mcs_buf_pending(&m->s.out)) {
        ssize_t n = send(m->s.fd, m->s.out.data + m->s.out.off, mcs_buf_pending(&m->s.out),
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            mcs_buf_consume(&m->s.out, (size_t)n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        mcs_session_stop(m, n == 0 ? "send returned 0" : strerror(errno));
        return;
    }
    bool want = mcs_buf_pending(&m->s.out) > 0;
    if (want != m->s.want_write) {
        m->s.want_write = want;
        mcs_fd_mod(m, m->s.fd, EPOLLIN | (want ? EPOLLOUT : 0));
    }
    if (mcs_buf_pending(&m->s.out) > MCS_OUT_MAX)
        fail(m, MB_MCS_OVERFLOW, "output overflow");
}

int mcs_session_send(struct mcs *m, bus_msg_t *env, uint32_t records)
{
    if (!m->s.connected)
        return -1;
    bool numbered = env->body_case != SRLAB__ENVELOPE__BODY_SYNC_ACK;
    env->seq = numbered ? m->s.tx_seq + 1 : 0;
    size_t before = mcs_buf_pending(&m->s.out);
    if (mcs_frame_put(&m->s.out, env) != 0) {
        log_error("mcs_frame_too_big", "body=%s", bus_body_name(env->body_case));
        return -1;
    }
    m->sync_bytes_tx += mcs_buf_pending(&m->s.out) - before;
    if (numbered) {
        m->s.tx_seq++;
        struct mcs_unacked *u = malloc(sizeof *u);
        u->seq = m->s.tx_seq;
        u->records = records;
        zlistx_add_end(m->s.unacked, u);
    }
    m->s.last_tx_ms = mcs_now();
    flush_out(m);
    return 0;
}

static void send_ack(struct mcs *m)
{
    Srlab__SyncAck ack = SRLAB__SYNC_ACK__INIT;
    ack.seq = m->s.rx_seq;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_ACK;
    env.sync_ack = &ack;
    m->s.acked_rx = m->s.rx_seq;
    mcs_session_send(m, &env, 0);
}

static void on_ack(struct mcs *m, uint64_t seq)
{
    if (seq > m->s.tx_seq) {
        fail(m, MB_MCS_ACK, "ack beyond what was sent");
        return;
    }
    struct mcs_unacked *u;
    while ((u = zlistx_first(m->s.unacked)) && u->seq <= seq) {
        m->sync_acked += u->records;
        zlistx_delete(m->s.unacked, zlistx_cursor(m->s.unacked));
    }
    if (m->s.resync_end_seq && seq >= m->s.resync_end_seq) {
        m->last_resync_ms = (uint64_t)(mcs_now() - m->s.resync_start_ms);
        m->s.resync_end_seq = 0;
        log_info("resync_acked", "peer=%s ms=%lu", m->peer_str,
                 (unsigned long)m->last_resync_ms);
    }
}

/* One frame from the peer; returns -1 when the session was closed. */
static int on_frame(struct mcs *m, bus_msg_t *env)
{
    if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_ACK) {
        on_ack(m, env->sync_ack->seq);
        return m->s.connected ? 0 : -1;
    }
    if (env->seq != m->s.rx_seq + 1) {
        char d[64];
        snprintf(d, sizeof d, "seq %lu, expected %lu", (unsigned long)env->seq,
                 (unsigned long)(m->s.rx_seq + 1));
        fail(m, MB_MCS_SEQ, d);
        return -1;
    }
    m->s.rx_seq++;
    if (m->s.rx_seq == m->s.acked_rx + 1)
        m->s.first_unacked_rx_ms = mcs_now();
    if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_BATCH)
        mcs_sync_peer_batch(m, env->sync_batch);
    else
        mcs_sync_peer_request(m, env->sync_request);
    if (m->s.connected && m->s.rx_seq - m->s.acked_rx >= MCS_ACK_FRAMES)
        send_ack(m);
    return m->s.connected ? 0 : -1;
}

static void on_readable(struct mcs *m)
{
    int64_t t0 = mcs_now();
    for (int i = 0; i < READS_PER_EVENT && m->s.connected; i++) {
        if (i && mcs_now() - t0 >= READ_BUDGET_MS)
            return; /* still readable: epoll reports it again */
        uint8_t buf[READ_CHUNK];
        ssize_t n = recv(m->s.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) {
            mcs_session_stop(m, "closed by the peer");
            return;
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                mcs_session_stop(m, strerror(errno));
            return;
        }
        m->sync_bytes_rx += (uint64_t)n;
        m->s.last_rx_ms = mcs_now();
        if (mcs_buf_append(&m->s.in, buf, (size_t)n) != 0) {
            fail(m, MB_MCS_FRAME, "out of memory");
            return;
        }
        for (;;) {
            bus_msg_t *env = NULL;
            enum mcs_frame_err e = mcs_frame_get(&m->s.in, &env, &m->s.bus);
            if (e == MF_MORE)
                break;
            if (e != MF_OK) {
                fail(m, MB_MCS_FRAME, mcs_frame_err_name(e));
                return;
            }
            int rc = on_frame(m, env);
            bus_free(&env);
            if (rc != 0)
                return;
        }
    }
}

static void on_connected(struct mcs *m)
{
    m->s.connecting = false;
    m->s.connected = true;
    m->s.last_rx_ms = m->s.last_tx_ms = mcs_now();
    int one = 1;
    setsockopt(m->s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    mcs_fd_mod(m, m->s.fd, EPOLLIN);
    log_info("mcs_up", "peer=%s role=%s", m->peer_str, we_connect(m) ? "connect" : "listen");
    m->state_dirty = true;
    /* a full resync of everything we are master of, whatever went before */
    zhashx_purge(m->pending);
    m->s.resync_start_ms = mcs_now();
    m->sync_resyncs++;
    mcs_sync_send_full(m, NULL, 0);
    m->s.resync_end_seq = m->s.tx_seq;
}

static void on_conn(struct mcs *m, int fd, uint32_t events)
{
    (void)fd;
    if (m->s.connecting) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(m->s.fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err || (events & (EPOLLERR | EPOLLHUP))) {
            log_debug("mcs_connect_failed", "peer=%s error=%s", m->peer_str,
                      strerror(err ? err : ECONNREFUSED));
            close_conn(m);
            m->s.next_attempt_ms = mcs_now() + MCS_RECONNECT_MS;
            return;
        }
        on_connected(m);
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        on_readable(m);
    if (m->s.connected && (events & EPOLLOUT))
        flush_out(m);
}

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
    if (a->ss_family == AF_INET)
        ((struct sockaddr_in *)a)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

static void start_connect(struct mcs *m, int64_t now)
{
    m->s.next_attempt_ms = now + MCS_RECONNECT_MS;
    int fd = socket(m->src_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct sockaddr_storage src = m->src_addr, dst = m->peer_addr;
    set_port(&src, 0);
    set_port(&dst, (uint16_t)(m->peer_mcs_port ? m->peer_mcs_port : MCS_PORT));
    if (bind(fd, (struct sockaddr *)&src, m->addr_len) != 0 ||
        (connect(fd, (struct sockaddr *)&dst, m->addr_len) != 0 && errno != EINPROGRESS)) {
        log_debug("mcs_connect_failed", "peer=%s error=%s", m->peer_str, strerror(errno));
        close(fd);
        return;
    }
    m->s.fd = fd;
    m->s.connecting = true;
    m->s.connect_ms = now;
    mcs_fd_add(m, fd, EPOLLOUT, on_conn);
}

static void on_listen(struct mcs *m, int fd, uint32_t events)
{
    (void)events;
    for (int i = 0; i < 8; i++) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        int c = accept4(fd, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0)
            return;
        if (!mcs_addr_eq(&from, &m->peer_addr) || we_connect(m)) {
            mcs_count_bad(m, MB_MCS_SOURCE, "");
            close(c);
            continue;
        }
        /* the peer reconnects only when its side of the old session is gone */
        if (m->s.connected || m->s.connecting)
            mcs_session_stop(m, "peer reconnected");
        m->s.fd = c;
        mcs_fd_add(m, c, EPOLLIN, on_conn);
        on_connected(m);
    }
}

static void open_listener(struct mcs *m, int64_t now)
{
    m->s.next_attempt_ms = now + MCS_RECONNECT_MS;
    int fd = socket(m->src_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage a = m->src_addr;
    set_port(&a, MCS_PORT);
    if (bind(fd, (struct sockaddr *)&a, m->addr_len) != 0 || listen(fd, 4) != 0) {
        log_warn("mcs_listen_failed", "source=%s error=%s", m->src_str, strerror(errno));
        close(fd);
        return;
    }
    m->s.listen_fd = fd;
    mcs_fd_add(m, fd, EPOLLIN, on_listen);
    log_info("mcs_listen", "source=%s port=%d", m->src_str, MCS_PORT);
}

void mcs_session_tick(struct mcs *m, int64_t now)
{
    if (!mcs_sync_active(m)) {
        if (m->s.connected || m->s.connecting || m->s.listen_fd >= 0)
            mcs_session_stop(m, "sync shutdown");
        return;
    }
    if (we_connect(m)) {
        if (m->s.listen_fd >= 0) {
            mcs_fd_del(m, m->s.listen_fd);
            close(m->s.listen_fd);
            m->s.listen_fd = -1;
        }
        if (!m->s.connected && !m->s.connecting && now >= m->s.next_attempt_ms)
            start_connect(m, now);
        if (m->s.connecting && now - m->s.connect_ms > MCS_RECONNECT_MS) {
            close_conn(m);
            m->s.next_attempt_ms = now;
        }
    } else if (m->s.listen_fd < 0 && now >= m->s.next_attempt_ms) {
        open_listener(m, now);
    }
    if (!m->s.connected)
        return;
    if (m->s.rx_seq > m->s.acked_rx && now - m->s.first_unacked_rx_ms >= MCS_ACK_MS)
        send_ack(m);
    else if (now - m->s.last_tx_ms >= MCS_IDLE_MS)
        send_ack(m); /* keepalive */
    if (m->s.connected && now - m->s.last_rx_ms > MCS_DEAD_MS)
        fail(m, MB_MCS_TIMEOUT, "peer silent");
}

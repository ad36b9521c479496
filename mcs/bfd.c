/* BFD bound to MIMP (bfd-enable): one RFC 5880 asynchronous-mode session to
 * the peer chassis, single hop over UDP (RFC 5881): control packets to port
 * 3784 from a source port in 49152-65535, sent and accepted with TTL 255.
 * The codec and the state machine are pure; the sockets are at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "mcs.h"

const char *bfd_state_name(enum bfd_state s)
{
    static const char *const names[] = { "admin-down", "down", "init", "up" };
    return (unsigned)s <= BFD_UP ? names[s] : "?";
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* RFC 5880 4.1 layout; 6.8.6 reception checks that need no session. */
int bfd_parse(const uint8_t *buf, size_t len, struct bfd_pkt *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (len < BFD_PKT_LEN) {
        *why = "short";
        return -1;
    }
    out->version = buf[0] >> 5;
    out->diag = buf[0] & 0x1f;
    out->state = (enum bfd_state)(buf[1] >> 6);
    out->poll = buf[1] & 0x20;
    out->final = buf[1] & 0x10;
    out->cpi = buf[1] & 0x08;
    out->auth = buf[1] & 0x04;
    out->demand = buf[1] & 0x02;
    out->multipoint = buf[1] & 0x01;
    out->detect_mult = buf[2];
    uint8_t length = buf[3];
    out->my_disc = get32(buf + 4);
    out->your_disc = get32(buf + 8);
    out->min_tx_us = get32(buf + 12);
    out->min_rx_us = get32(buf + 16);
    out->min_echo_rx_us = get32(buf + 20);
    if (out->version != 1)
        *why = "version";
    else if (length < BFD_PKT_LEN || length > len)
        *why = "length";
    else if (out->auth)
        *why = "authentication not configured";
    else if (length != BFD_PKT_LEN)
        *why = "length"; /* without authentication the packet is exactly 24 bytes */
    else if (out->detect_mult == 0)
        *why = "detect multiplier 0";
    else if (out->multipoint)
        *why = "multipoint";
    else if (out->my_disc == 0)
        *why = "my discriminator 0";
    else if (out->your_disc == 0 && out->state != BFD_DOWN && out->state != BFD_ADMIN_DOWN)
        *why = "your discriminator 0";
    else if (out->poll && out->final)
        *why = "poll and final";
    else
        return 0;
    return -1;
}

void bfd_build(const struct bfd_pkt *p, uint8_t out[BFD_PKT_LEN])
{
    out[0] = (uint8_t)(1u << 5 | (p->diag & 0x1f));
    out[1] = (uint8_t)((unsigned)p->state << 6 | (p->poll ? 0x20 : 0) | (p->final ? 0x10 : 0) |
                       (p->cpi ? 0x08 : 0) | (p->demand ? 0x02 : 0));
    out[2] = p->detect_mult;
    out[3] = BFD_PKT_LEN;
    put32(out + 4, p->my_disc);
    put32(out + 8, p->your_disc);
    put32(out + 12, p->min_tx_us);
    put32(out + 16, p->min_rx_us);
    put32(out + 20, p->min_echo_rx_us);
}

void bfd_session_init(struct bfd_session *s, uint32_t local_disc, int64_t now)
{
    memset(s, 0, sizeof *s);
    s->state = BFD_DOWN;
    s->remote_state = BFD_DOWN;
    s->local_disc = local_disc ? local_disc : 1;
    s->desired_tx_us = BFD_SLOW_US;
    s->required_rx_us = BFD_FAST_US;
    s->remote_min_rx_us = 1;   /* RFC 5880 6.8.1 initial value */
    s->next_tx_ms = now;
}

static void set_state(struct bfd_session *s, enum bfd_state to, uint8_t diag)
{
    if (s->state == to)
        return;
    s->state = to;
    s->diag = diag;
    if (to == BFD_UP) {
        /* 6.8.3: fast rate only once up, announced by a poll sequence */
        s->desired_tx_us = BFD_FAST_US;
        s->poll = true;
        /* 6.8.3: a decreased interval applies at once; the packets already
         * announce it, so the next one must not wait for the slow timer */
        s->next_tx_ms = 0;
    } else {
        s->desired_tx_us = BFD_SLOW_US;
        s->poll = false;
    }
}

int bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, int64_t now, const char **why)
{
    if (p->your_disc && p->your_disc != s->local_disc) {
        *why = "your discriminator unknown";
        return -1;
    }
    s->remote_disc = p->my_disc;
    s->remote_state = p->state;
    s->remote_min_rx_us = p->min_rx_us;
    s->remote_desired_tx_us = p->min_tx_us;
    s->remote_mult = p->detect_mult;
    s->last_rx_ms = now;
    if (p->final)
        s->poll = false;
    if (p->poll)
        s->send_final = true;
    if (s->state == BFD_ADMIN_DOWN)
        return 0;
    if (p->state == BFD_ADMIN_DOWN) {
        if (s->state != BFD_DOWN)
            set_state(s, BFD_DOWN, 3); /* neighbor signaled session down */
    } else if (s->state == BFD_DOWN) {
        if (p->state == BFD_DOWN)
            set_state(s, BFD_INIT, 0);
        else if (p->state == BFD_INIT)
            set_state(s, BFD_UP, 0);
    } else if (s->state == BFD_INIT) {
        if (p->state == BFD_INIT || p->state == BFD_UP)
            set_state(s, BFD_UP, 0);
    } else if (p->state == BFD_DOWN) { /* up */
        set_state(s, BFD_DOWN, 3);
    }
    return 0;
}

bool bfd_session_expire(struct bfd_session *s, int64_t now)
{
    if (s->state != BFD_INIT && s->state != BFD_UP)
        return false;
    /* 6.8.4: detection time = remote detect mult x the agreed receive interval */
    uint32_t iv = s->required_rx_us > s->remote_desired_tx_us ? s->required_rx_us
                                                               : s->remote_desired_tx_us;
    int64_t detect_ms = (int64_t)(s->remote_mult ? s->remote_mult : 1) * iv / 1000;
    if (now - s->last_rx_ms <= detect_ms)
        return false;
    set_state(s, BFD_DOWN, 1); /* control detection time expired */
    s->remote_disc = 0;
    return true;
}

bool bfd_session_tx_due(struct bfd_session *s, int64_t now, struct bfd_pkt *p)
{
    bool periodic = now >= s->next_tx_ms && s->remote_min_rx_us != 0;
    if (!periodic && !s->send_final)
        return false;
    memset(p, 0, sizeof *p);
    p->version = 1;
    p->diag = s->diag;
    p->state = s->state;
    p->detect_mult = BFD_DETECT_MULT;
    p->my_disc = s->local_disc;
    p->your_disc = s->remote_disc;
    p->min_tx_us = s->desired_tx_us;
    p->min_rx_us = s->required_rx_us;
    /* 6.8.7: a final answers a poll at once and carries no poll */
    if (s->send_final) {
        p->final = true;
        s->send_final = false;
    } else {
        p->poll = s->poll;
    }
    if (periodic) {
        uint32_t iv = s->desired_tx_us > s->remote_min_rx_us ? s->desired_tx_us
                                                             : s->remote_min_rx_us;
        /* jitter: 75-100% of the interval */
        int64_t ms = (int64_t)iv / 1000;
        s->next_tx_ms = now + ms * (75 + random() % 26) / 100;
    }
    return true;
}

/* ---- sockets ---- */

bool mcs_bfd_up(const struct mcs *m)
{
    return m->bfd_rx_fd >= 0 && m->bfd.state == BFD_UP;
}

/* what the peer sent, read before the detection time is checked: packets
 * that waited in the socket while this loop was busy (a resync of 10,000
 * tunnels) are the peer's, in time */
static void bfd_read(struct mcs *m, int fd)
{
    for (int i = 0; i < 64; i++) {
        uint8_t buf[128];
        struct sockaddr_storage from;
        char cbuf[CMSG_SPACE(sizeof(int)) * 2];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = cbuf,
                             .msg_controllen = sizeof cbuf };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0)
            break;
        if (!mcs_addr_eq(&from, &m->peer_addr)) {
            mcs_count_bad(m, MB_BFD_SOURCE, "");
            continue;
        }
        int ttl = -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
                (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
                memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        }
        /* RFC 5881 5: the generalized TTL security mechanism */
        if (ttl != 255) {
            mcs_count_bad(m, MB_BFD_TTL, "");
            continue;
        }
        struct bfd_pkt p;
        const char *why = "";
        if (bfd_parse(buf, (size_t)n, &p, &why) != 0) {
            mcs_count_bad(m, MB_BFD_PACKET, why);
            continue;
        }
        enum bfd_state before = m->bfd.state;
        if (bfd_session_rx(&m->bfd, &p, mcs_now(), &why) != 0) {
            mcs_count_bad(m, MB_BFD_SESSION, why);
            continue;
        }
        m->bfd_rx++;
        if (before != m->bfd.state) {
            log_info("bfd_state", "from=%s to=%s remote=%s", bfd_state_name(before),
                     bfd_state_name(m->bfd.state), bfd_state_name(p.state));
            mcs_event(m, m->bfd.state == BFD_UP ? 0 : 3, MCS_EV_BFD_STATE, m->peer_str,
                      "BFD session to peer %s changed from %s to %s", m->peer_str,
                      bfd_state_name(before), bfd_state_name(m->bfd.state));
            m->state_dirty = true;
            mimp_check_peer(m, mcs_now(), before == BFD_UP ? "bfd" : NULL);
        }
    }
}

static void on_bfd(struct mcs *m, int fd, uint32_t events)
{
    (void)fd;
    (void)events;
    mcs_bfd_tick(m, mcs_now()); /* reads; a poll is answered at once */
}

static int udp_socket(const struct mcs *m, uint16_t port, bool rx)
{
    int fam = m->src_addr.ss_family;
    int fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, ttl = 255;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fam == AF_INET) {
        setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
        if (rx)
            setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
        if (rx)
            setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    }
    struct sockaddr_storage a = m->src_addr;
    if (fam == AF_INET)
        ((struct sockaddr_in *)&a)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)&a)->sin6_port = htons(port);
    if (bind(fd, (struct sockaddr *)&a, m->addr_len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void mcs_bfd_open(struct mcs *m)
{
    if (m->bfd_rx_fd >= 0)
        return;
    int rx = udp_socket(m, BFD_PORT, true);
    int tx = -1;
    /* RFC 5881 4: the source port is in 49152-65535 */
    for (int tries = 0; rx >= 0 && tx < 0 && tries < 32; tries++)
        tx = udp_socket(m, (uint16_t)(49152 + random() % 16384), false);
    if (rx < 0 || tx < 0) {
        log_warn("bfd_bind_failed", "source=%s error=%s", m->src_str, strerror(errno));
        if (rx >= 0)
            close(rx);
        if (tx >= 0)
            close(tx);
        return;
    }
    m->bfd_rx_fd = rx;
    m->bfd_tx_fd = tx;
    uint32_t disc = 0;
    while (!disc)
        disc = (uint32_t)random() ^ (uint32_t)(random() << 16);
    bfd_session_init(&m->bfd, disc, mcs_now());
    mcs_fd_add(m, rx, EPOLLIN, on_bfd);
    log_info("bfd_open", "source=%s peer=%s discriminator=%u", m->src_str, m->peer_str, disc);
}

void mcs_bfd_close(struct mcs *m)
{
    if (m->bfd_rx_fd < 0)
        return;
    mcs_fd_del(m, m->bfd_rx_fd);
    close(m->bfd_rx_fd);
    close(m->bfd_tx_fd);
    m->bfd_rx_fd = m->bfd_tx_fd = -1;
    m->bfd.state = BFD_DOWN;
    log_info("bfd_close", "peer=%s", m->peer_str);
}

void mcs_bfd_tick(struct mcs *m, int64_t now)
{
    if (m->bfd_rx_fd < 0)
        return;
    bfd_read(m, m->bfd_rx_fd);
    if (m->bfd_rx_fd < 0)
        return; /* closed on the way (peer down, configuration) */
    now = mcs_now();
    enum bfd_state before = m->bfd.state;
    if (bfd_session_expire(&m->bfd, now)) {
        log_info("bfd_state", "from=%s to=down reason=detection_time_expired",
                 bfd_state_name(before));
        mcs_event(m, 3, MCS_EV_BFD_STATE, m->peer_str,
                  "BFD session to peer %s changed from %s to down: detection time expired",
                  m->peer_str, bfd_state_name(before));
        m->state_dirty = true;
        mimp_check_peer(m, now, before == BFD_UP ? "bfd" : NULL);
    }
    mcs_bfd_send_due(m, now);
}

/* The packets due now, and nothing else (no receiving, no state change):
 * mcs_pulse calls it between batches of long work. */
void mcs_bfd_send_due(struct mcs *m, int64_t now)
{
    if (m->bfd_tx_fd < 0)
        return;
    struct bfd_pkt p;
    while (bfd_session_tx_due(&m->bfd, now, &p)) {
        uint8_t buf[BFD_PKT_LEN];
        bfd_build(&p, buf);
        struct sockaddr_storage to = m->peer_addr;
        if (to.ss_family == AF_INET)
            ((struct sockaddr_in *)&to)->sin_port = htons(BFD_PORT);
        else
            ((struct sockaddr_in6 *)&to)->sin6_port = htons(BFD_PORT);
        if (sendto(m->bfd_tx_fd, buf, sizeof buf, 0, (struct sockaddr *)&to, m->addr_len) ==
            (ssize_t)sizeof buf)
            m->bfd_tx++;
        if (now < m->bfd.next_tx_ms && !m->bfd.send_final)
            break;
    }
}

#include "dp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt.h"

/* magic(2) version(1) flags(1) svc(4) group(4) fc(1) nh_len(1) if_len(1)
 * sender(1) nh if */
#define DP_FIXED 17

int dp_hdr_write(uint8_t *buf, size_t cap, const struct dp_hdr *h)
{
    size_t if_len = strnlen(h->ifname, sizeof h->ifname);
    size_t tun_len = strnlen(h->tunnel, sizeof h->tunnel);
    size_t len = DP_FIXED + h->nh_len + if_len + tun_len;
    if (len > cap || (h->nh_len != 0 && h->nh_len != 4 && h->nh_len != 16) ||
        if_len >= sizeof h->ifname || tun_len >= sizeof h->tunnel)
        return -1;
    wr16(buf, DP_MAGIC);
    buf[2] = DP_VERSION;
    buf[3] = h->private_side ? 1 : 0;
    wr32(buf + 4, h->svc);
    wr32(buf + 8, h->group);
    buf[12] = h->fc;
    buf[13] = h->nh_len;
    buf[14] = (uint8_t)if_len;
    buf[15] = h->sender;
    buf[16] = (uint8_t)tun_len;
    uint8_t *p = buf + DP_FIXED;
    memcpy(p, h->nh, h->nh_len);
    memcpy(p + h->nh_len, h->ifname, if_len);
    memcpy(p + h->nh_len + if_len, h->tunnel, tun_len);
    return (int)len;
}

int dp_hdr_read(const uint8_t *buf, size_t len, struct dp_hdr *h)
{
    if (len < DP_FIXED || rd16(buf) != DP_MAGIC || buf[2] != DP_VERSION || (buf[3] & ~1u))
        return -1;
    h->private_side = buf[3] & 1;
    h->svc = rd32(buf + 4);
    h->group = rd32(buf + 8);
    h->fc = buf[12];
    h->nh_len = buf[13];
    size_t if_len = buf[14], tun_len = buf[16];
    h->sender = buf[15];
    size_t total = DP_FIXED + h->nh_len + if_len + tun_len;
    if ((h->nh_len != 0 && h->nh_len != 4 && h->nh_len != 16) || if_len >= sizeof h->ifname ||
        tun_len >= sizeof h->tunnel || total > len)
        return -1;
    const uint8_t *p = buf + DP_FIXED;
    memcpy(h->nh, p, h->nh_len);
    memcpy(h->ifname, p + h->nh_len, if_len);
    h->ifname[if_len] = 0;
    memcpy(h->tunnel, p + h->nh_len + if_len, tun_len);
    h->tunnel[tun_len] = 0;
    if (memchr(h->ifname, 0, if_len) || memchr(h->tunnel, 0, tun_len))
        return -1; /* a NUL inside a name */
    return (int)total;
}

static void addr_of(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
}

static int dgram_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int buf = 8 << 20;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    }
    return fd;
}

int dp_open(const char *path)
{
    int fd = dgram_socket();
    if (fd < 0)
        return -1;
    struct sockaddr_un a;
    addr_of(&a, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct dp_batch *dp_batch_new(const char *peer_path)
{
    struct dp_batch *b = calloc(1, sizeof *b);
    snprintf(b->to, sizeof b->to, "%s", peer_path);
    b->fd = -1;
    return b;
}

void dp_batch_free(struct dp_batch **pb)
{
    if (*pb && (*pb)->fd >= 0)
        close((*pb)->fd);
    free(*pb);
    *pb = NULL;
}

/* (Re)connects to the peer's path: after a peer restart the old
 * connection refuses, and a new one finds the new socket. */
static int reconnect(struct dp_batch *b)
{
    if (b->fd >= 0)
        close(b->fd);
    b->fd = dgram_socket();
    struct sockaddr_un a;
    addr_of(&a, b->to);
    if (b->fd >= 0 && connect(b->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(b->fd);
        b->fd = -1;
    }
    return b->fd;
}

void dp_batch_flush(struct dp_batch *b, uint64_t *sent, uint64_t *failed)
{
    unsigned done = 0;
    bool retried = false;
    for (unsigned i = 0; i < b->nd; i++) {
        b->iov[i].iov_base = b->dgram[i];
        b->iov[i].iov_len = b->dlen[i];
        memset(&b->msg[i], 0, sizeof b->msg[i]);
        b->msg[i].msg_hdr.msg_iov = &b->iov[i];
        b->msg[i].msg_hdr.msg_iovlen = 1;
    }
    if (b->fd < 0)
        reconnect(b);
    while (done < b->nd && b->fd >= 0) {
        int k = sendmmsg(b->fd, b->msg + done, b->nd - done, MSG_DONTWAIT);
        if (k > 0) {
            for (unsigned i = done; i < done + (unsigned)k; i++)
                *sent += b->packets[i];
            done += (unsigned)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == ECONNREFUSED || errno == ENOTCONN) && !retried) {
            retried = true;
            reconnect(b);
            continue;
        }
        break; /* peer gone or its queue full: lost, as on a wire */
    }
    for (unsigned i = done; i < b->nd; i++)
        *failed += b->packets[i];
    b->n = b->nd = 0;
}

int dp_batch_add(struct dp_batch *b, const struct dp_hdr *h, const uint8_t *pkt, size_t len,
                 uint64_t *sent, uint64_t *failed)
{
    uint8_t hdr[DP_HDR_MAX];
    int hl = dp_hdr_write(hdr, sizeof hdr, h);
    if (hl < 0 || len > DP_PKT_MAX)
        return -1;
    size_t rec = (size_t)hl + len;
    if (!b->nd || b->dlen[b->nd - 1] + 2 + rec > DP_DGRAM_MAX) {
        if (b->nd == DP_DGRAMS)
            dp_batch_flush(b, sent, failed);
        b->dlen[b->nd] = 0;
        b->packets[b->nd] = 0;
        b->nd++;
    }
    unsigned d = b->nd - 1;
    uint8_t *w = b->dgram[d] + b->dlen[d];
    wr16(w, (uint16_t)rec);
    memcpy(w + 2, hdr, (size_t)hl);
    memcpy(w + 2 + hl, pkt, len);
    b->dlen[d] += 2 + rec;
    b->packets[d]++;
    b->n++;
    return 0;
}

int dp_recv(int fd, struct dp_rx *rx)
{
    for (int i = 0; i < DP_DGRAMS; i++) {
        rx->iov[i].iov_base = rx->buf[i];
        rx->iov[i].iov_len = sizeof rx->buf[i];
        memset(&rx->msg[i], 0, sizeof rx->msg[i]);
        rx->msg[i].msg_hdr.msg_iov = &rx->iov[i];
        rx->msg[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd, rx->msg, DP_DGRAMS, MSG_DONTWAIT, NULL);
    rx->n = n > 0 ? (unsigned)n : 0;
    rx->cur = 0;
    rx->off = 0;
    for (unsigned i = 0; i < rx->n; i++)
        rx->len[i] = (rx->msg[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : rx->msg[i].msg_len;
    return (int)rx->n;
}

int dp_next(struct dp_rx *rx, const uint8_t **rec, size_t *len)
{
    while (rx->cur < rx->n && rx->off == rx->len[rx->cur] && rx->off) {
        rx->cur++;
        rx->off = 0;
    }
    if (rx->cur >= rx->n)
        return 0;
    size_t have = rx->len[rx->cur] - rx->off;
    const uint8_t *p = rx->buf[rx->cur] + rx->off;
    size_t rl = have >= 2 ? rd16(p) : 0;
    if (have < 2 || rl == 0 || rl > have - 2) {
        rx->cur++; /* truncated, empty or a length past its end: the rest is not to be trusted */
        rx->off = 0;
        return -1;
    }
    *rec = p + 2;
    *len = rl;
    rx->off += 2 + rl;
    return 1;
}

/* The dataplane hand-off between an iom and the ISAs: unix datagram sockets
 * (packets packed into datagrams, sent and received in batches with
 * sendmmsg / recvmmsg), each packet led by a small binary header. Each end binds its
 * own path under the chassis run directory (dp-iom-N.dg, dp-isa-S-M.dg), so
 * either end may restart without the other noticing. Chosen over ZeroMQ for
 * packets: a ZeroMQ hop costs two thread hand-offs, which made tunnelled TCP
 * latency-bound (see docs/architecture.md). */
#ifndef SRLAB_DP_H
#define SRLAB_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#define DP_MAGIC 0x5344      /* "SD" */
#define DP_VERSION 3
#define DP_HDR_MAX 160
#define DP_PKT_MAX 10240

struct dp_hdr {
    uint8_t sender;          /* IOM slot of the iom that sent it; 0 from an ISA */
    bool private_side;       /* towards/from a private tunnel interface */
    uint32_t svc;            /* routing instance the packet belongs to */
    uint32_t group;          /* tunnel group */
    uint8_t fc;
    uint8_t nh_len;          /* 0, 4 or 16 */
    uint8_t nh[16];
    char ifname[40];         /* the tunnel interface */
    char tunnel[80];         /* private side: the ipsec-tunnel a route chose; "" otherwise */
};

/* Writes h into buf; returns its length, or -1 when it does not fit. */
int dp_hdr_write(uint8_t *buf, size_t cap, const struct dp_hdr *h);
/* Parses a header at the start of a datagram; returns its length, or -1
 * for anything short, long or inconsistent. */
int dp_hdr_read(const uint8_t *buf, size_t len, struct dp_hdr *h);

/* Binds a nonblocking datagram socket at path (replacing a stale one):
 * where this process receives. */
int dp_open(const char *path);

/* Packets towards one peer, packed into datagrams: each packet is a record
 * (16-bit length, header, packet bytes), as many records per datagram as
 * fit in DP_DGRAM_MAX, up to DP_DGRAMS datagrams per sendmmsg. One datagram
 * per packet cost a socket buffer, its memory accounting and a message
 * header per packet: 30% of an ISA's time in the ESP lab's profile. Sent on
 * a socket connected to the peer's path (no path lookup per datagram;
 * reconnected when the peer restarts). The header and packet are copied in
 * (senders reuse their buffers at once). */
#define DP_DGRAM_MAX 32768
#define DP_DGRAMS 16
struct dp_batch {
    char to[108];
    int fd;                  /* connected; -1 until the first send */
    unsigned n;              /* packets queued */
    unsigned nd;             /* datagrams in use; the last one is still filling */
    uint8_t dgram[DP_DGRAMS][DP_DGRAM_MAX];
    size_t dlen[DP_DGRAMS];
    unsigned packets[DP_DGRAMS];
    struct iovec iov[DP_DGRAMS];
    struct mmsghdr msg[DP_DGRAMS];
};
struct dp_batch *dp_batch_new(const char *peer_path);
void dp_batch_free(struct dp_batch **b);
/* Adds one packet; sends the batch when full. Returns -1 when the header
 * or packet does not fit (counted by the caller). */
int dp_batch_add(struct dp_batch *b, const struct dp_hdr *h, const uint8_t *pkt, size_t len,
                 uint64_t *sent, uint64_t *failed);
/* Sends what is queued; *sent and *failed count packets. */
void dp_batch_flush(struct dp_batch *b, uint64_t *sent, uint64_t *failed);

/* Received datagrams, read record by record with dp_next. */
struct dp_rx {
    uint8_t buf[DP_DGRAMS][DP_DGRAM_MAX];
    size_t len[DP_DGRAMS];   /* 0: truncated */
    struct iovec iov[DP_DGRAMS];
    struct mmsghdr msg[DP_DGRAMS];
    unsigned n, cur;         /* datagrams received; the one being read */
    size_t off;              /* where its next record starts */
};
/* Receives up to DP_DGRAMS datagrams; returns how many (0 when none). */
int dp_recv(int fd, struct dp_rx *rx);
/* The next record (header and packet) of what dp_recv received: 1 with
 * *rec and *len set, 0 when there is none left, -1 for a datagram that is
 * truncated or whose record lengths do not add up (the rest of it is
 * skipped; the caller counts it). */
int dp_next(struct dp_rx *rx, const uint8_t **rec, size_t *len);

#endif

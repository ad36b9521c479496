/* Ports of this IOM: a veth read through its receive ring (ring.c), or a
 * udp pseudo-wire; link state, counters, batched transmit, and the link
 * impairments srlab asks for (down, loss, delay, rate) applied to frames
 * the port sends. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hw.h"
#include "iom.h"
#include "log.h"

/* A veth refuses a frame (ENOBUFS) while its peer's receive ring is full:
 * the peer's NAPI thread needs CPU to drain it, which spinning here takes
 * away on a small machine. So wait as a full queue would make the sender
 * wait: yield a few times, then sleep, doubling up to TX_SLEEP_MAX_US. One
 * flush waits TX_WAIT_MAX_US in all at most, then loses what the peer still
 * refuses: the loop (heartbeats, the other ports) must not stall behind a
 * peer that stays full. */
#define TX_YIELDS 4
#define TX_SLEEP_MIN_US 20
#define TX_SLEEP_MAX_US 1000
#define TX_WAIT_MAX_US 20000

void iom_port_ifname(const char *port, char *out, size_t len)
{
    snprintf(out, len, "e%s", port);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '-';
}

int iom_port_index(const struct iom *iom, const char *name)
{
    for (size_t i = 0; i < iom->n_ports; i++)
        if (strcmp(iom->ports[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool port_usable(const struct iom_port *p)
{
    return p->link_up && p->admin_up && p->configured && !p->ctl_down;
}

/* A udp pseudo-wire's socket lives in the root namespace (where the lab's
 * loopback is): the supervisor binds it there and passes it down as an
 * inherited descriptor named in SRLAB_UDP_FDS ("PORT=FD,..."). Started by
 * hand outside a lab, the iom binds in its own namespace instead. */
static int udp_open(struct iom_port *p, unsigned local, unsigned remote)
{
    int fd = -1;
    const char *env = getenv("SRLAB_UDP_FDS");
    size_t plen = strlen(p->name);
    for (const char *e = env; e && *e;) {
        if (strncmp(e, p->name, plen) == 0 && e[plen] == '=') {
            fd = atoi(e + plen + 1);
            break;
        }
        e = strchr(e, ',');
        e = e ? e + 1 : NULL;
    }
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    if (fd >= 0 && (getsockname(fd, (struct sockaddr *)&a, &alen) != 0 ||
                    ntohs(a.sin_port) != local))
        fd = -1; /* not what it claims to be */
    if (fd < 0) {
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)local);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            close(fd);
            return -1;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    p->udp_peer.sin_family = AF_INET;
    p->udp_peer.sin_port = htons((uint16_t)remote);
    p->udp_peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return fd;
}

/* A port's MAC: stable for the chassis and port (hosts' ARP caches survive
 * an iom restart) and never the veth's own, so the chassis namespace's
 * kernel sees our frames as for another host and drops them at once
 * instead of routing each (iom owns the port). */
static void port_mac(const struct iom *iom, const char *name, uint8_t *mac)
{
    uint32_t h = 2166136261u;
    for (const char *c = iom->rundir; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    for (const char *c = name; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    mac[0] = 0x02; /* locally administered, unicast */
    mac[1] = 0x5e;
    mac[2] = (uint8_t)(h >> 24);
    mac[3] = (uint8_t)(h >> 16);
    mac[4] = (uint8_t)(h >> 8);
    mac[5] = (uint8_t)h;
}

int iom_ports_init(struct iom *iom, const char *mdas_arg, const char *udp_arg,
                   Srlab__Register *reg, Srlab__MdaInfo *infos, Srlab__MdaInfo **info_ptrs)
{
    /* --mdas "1=me10-10gb-sfp+,2=me6-10gb-sfp+" */
    char *copy = strdup(mdas_arg ? mdas_arg : ""), *save = NULL;
    size_t n_mdas = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned mda;
        char type[32];
        const struct hw_mda_type *mt = NULL;
        if (sscanf(tok, "%u=%31s", &mda, type) != 2 || mda < 1 || mda > IOM_MAX_PORT_MDAS ||
            n_mdas >= IOM_MAX_PORT_MDAS || !(mt = hw_mda_type(type)) || mt->ports <= 0) {
            fprintf(stderr, "iom: bad --mdas entry '%s' (want N=port-mda-type)\n", tok);
            free(copy);
            return -1;
        }
        srlab__mda_info__init(&infos[n_mdas]);
        infos[n_mdas].mda = mda;
        infos[n_mdas].equipped_type = strdup(type);
        info_ptrs[n_mdas] = &infos[n_mdas];
        n_mdas++;
        iom->ports = realloc(iom->ports, sizeof *iom->ports * (iom->n_ports + (size_t)mt->ports));
        for (int n = 1; n <= mt->ports; n++) {
            struct iom_port *p = &iom->ports[iom->n_ports++];
            memset(p, 0, sizeof *p);
            p->iom = iom;
            snprintf(p->name, sizeof p->name, "%u/%u/%d", iom->slot, mda, n);
            iom_port_ifname(p->name, p->ifname, sizeof p->ifname);
            p->fd = p->udp_fd = p->ring.fd = -1;
            p->wire_mtu = 1500;
            p->mtu = 1514;
            snprintf(p->mode, sizeof p->mode, "network");
            snprintf(p->encap, sizeof p->encap, "null");
            port_mac(iom, p->name, p->mac);
        }
    }
    free(copy);
    reg->mdas = info_ptrs;
    reg->n_mdas = n_mdas;

    /* --udp "1/1/3=40001:40000,..." local:remote UDP ports on 127.0.0.1 */
    copy = strdup(udp_arg ? udp_arg : "");
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char name[32];
        unsigned local, remote;
        int i;
        if (sscanf(tok, "%31[^=]=%u:%u", name, &local, &remote) != 3 || local > 65535 ||
            remote > 65535 || (i = iom_port_index(iom, name)) < 0) {
            fprintf(stderr, "iom: bad --udp entry '%s' (want PORT=LOCAL:REMOTE)\n", tok);
            free(copy);
            return -1;
        }
        struct iom_port *p = &iom->ports[i];
        p->udp = true;
        p->udp_fd = udp_open(p, local, remote);
        if (p->udp_fd < 0) {
            fprintf(stderr, "iom: port %s: cannot bind udp port %u: %s\n", name, local,
                    strerror(errno));
            free(copy);
            return -1;
        }
        p->present = p->link_up = true;
        p->fd = p->udp_fd;
    }
    free(copy);
    return 0;
}

static int on_port_readable(zloop_t *loop, zmq_pollitem_t *item, void *arg);

static int port_open(struct iom_port *p, unsigned wire_mtu)
{
    if (ring_open(&p->ring, p->ifname, wire_mtu) != 0) {
        log_warn("port_open_failed", "port=%s if=%s reason=%s", p->name, p->ifname,
                 log_q(strerror(errno)));
        return -1;
    }
    p->fd = p->ring.fd;
    int sndbuf = 4 << 20;
    setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    log_info("port_open", "port=%s if=%s ring_slots=%u", p->name, p->ifname, p->ring.nframes);
    return 0;
}

static void attach(struct iom *iom, struct iom_port *p)
{
    if (!iom->loop || p->fd < 0)
        return;
    zmq_pollitem_t item = { .fd = p->fd, .events = ZMQ_POLLIN };
    zloop_poller(iom->loop, &item, on_port_readable, p);
}

static void port_close(struct iom *iom, struct iom_port *p)
{
    if (!p->ring.map)
        return;
    if (iom->loop) {
        zmq_pollitem_t item = { .fd = p->fd };
        zloop_poller_end(iom->loop, &item);
    }
    ring_close(&p->ring);
    p->fd = -1;
    pkt_free_list(iom, p->dq_head);
    p->dq_head = p->dq_tail = NULL;
    p->dq_len = 0;
    for (unsigned i = 0; i < p->ntx; i++)
        pkt_free(iom, p->txq[i]);
    p->ntx = 0;
}

void iom_ports_attach(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_ports; i++)
        attach(iom, &iom->ports[i]);
}

bool iom_ports_poll(struct iom *iom)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return false;
    bool changed = false;
    for (size_t i = 0; i < iom->n_ports; i++) {
        struct iom_port *p = &iom->ports[i];
        if (p->udp)
            continue;
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        memcpy(ifr.ifr_name, p->ifname, strnlen(p->ifname, IFNAMSIZ - 1));
        bool present = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
        bool up = present && (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
        unsigned mtu = 1500;
        if (present && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
            mtu = (unsigned)ifr.ifr_mtu;
        if (p->ring.map && (!present || p->ring.wire_mtu != mtu))
            port_close(iom, p); /* gone, or its ring slots sized for another MTU */
        if (present && !p->ring.map && port_open(p, mtu) == 0)
            attach(iom, p);
        if (present != p->present || up != p->link_up || mtu != p->wire_mtu) {
            changed = true;
            if (up != p->link_up)
                log_info("port_link", "port=%s link=%s", p->name, up ? "up" : "down");
            p->present = present;
            p->link_up = up;
            p->wire_mtu = mtu;
        }
    }
    close(fd);
    return changed;
}

void iom_ports_report(struct iom *iom)
{
    if (!iom->card || !card_is_registered(iom->card))
        return;
    size_t n = iom->n_ports ? iom->n_ports : 1;
    Srlab__PortState *states = calloc(n, sizeof *states);
    Srlab__PortState **ptrs = calloc(n, sizeof *ptrs);
    char (*macs)[18] = calloc(n, sizeof *macs);
    for (size_t i = 0; i < iom->n_ports; i++) {
        const struct iom_port *p = &iom->ports[i];
        srlab__port_state__init(&states[i]);
        states[i].port = (char *)p->name;
        states[i].present = p->present;
        /* cpm shows the link as the tester set it: srlab link down is down */
        states[i].link_up = p->link_up && !p->ctl_down;
        mac_str(p->mac, macs[i]);
        states[i].mac = macs[i];
        ptrs[i] = &states[i];
    }
    Srlab__PortStatus ps = SRLAB__PORT_STATUS__INIT;
    ps.ports = ptrs;
    ps.n_ports = iom->n_ports;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_PORT_STATUS;
    env.port_status = &ps;
    card_send(iom->card, &env);
    free(macs);
    free(ptrs);
    free(states);
}

void iom_ports_free(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_ports; i++) {
        port_close(iom, &iom->ports[i]);
        if (iom->ports[i].udp_fd >= 0)
            close(iom->ports[i].udp_fd);
        free(iom->ports[i].saps);
    }
    free(iom->ports);
    iom->ports = NULL;
    iom->n_ports = 0;
}

/* ---- receive ------------------------------------------------------------------- */

/* Counts a frame in and checks it as the port's hardware would: false
 * when it is dropped. */
static bool rx_accept(struct iom *iom, int idx, const uint8_t *frame, size_t len)
{
    struct iom_port *p = &iom->ports[idx];
    p->rx_pkts++;
    p->rx_octets += len;
    if (!port_usable(p)) {
        p->drops[DROP_PORT_DOWN]++;
        return false;
    }
    if (len < ETH_HDR_LEN) {
        p->rx_errors++;
        p->drops[DROP_RUNT]++;
        return false;
    }
    if (len > p->mtu + (p->dot1q ? VLAN_HDR_LEN : 0)) {
        p->rx_errors++;
        p->drops[DROP_OVERSIZE]++;
        return false;
    }
    mirror_port(iom, idx, frame, len, true);
    return true;
}

static void rx_deliver(struct iom *iom, int idx, struct pkt *pk)
{
    if (!pk) {
        iom->ports[idx].drops[DROP_NO_BUFFER]++;
        return;
    }
    pk->in_port = (int16_t)idx;
    l2_input(iom, idx, pk);
}

static void udp_input(struct iom *iom, int idx)
{
    struct iom_port *p = &iom->ports[idx];
    static uint8_t buf[PKT_MAX];
    for (int i = 0; i < IOM_RX_BATCH; i++) {
        ssize_t n = recv(p->udp_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0)
            break;
        if ((size_t)n > sizeof buf) {
            p->rx_pkts++;
            p->drops[DROP_OVERSIZE]++;
            continue;
        }
        if (rx_accept(iom, idx, buf, (size_t)n))
            rx_deliver(iom, idx, pkt_copy(iom, buf, (size_t)n));
    }
}

/* Frames are forwarded from their ring slots: the caller ends the loans
 * and releases the slots once the round's packets are sent. */
static void ring_input(struct iom *iom, int idx)
{
    struct iom_port *p = &iom->ports[idx];
    struct ring_frame f;
    for (int i = 0; i < IOM_RX_BURST; i++) {
        enum ring_verdict v = ring_next(&p->ring, &f);
        if (v == RING_EMPTY)
            break;
        if (v == RING_OVERSIZE || v == RING_RUNT) {
            p->rx_pkts++;
            p->rx_errors++;
            p->drops[v == RING_RUNT ? DROP_RUNT : DROP_OVERSIZE]++;
        }
        if (v == RING_FRAME && rx_accept(iom, idx, f.frame, f.len))
            rx_deliver(iom, idx, pkt_borrow(iom, f.frame, f.len, f.head));
    }
    p->drops[DROP_RX_OVERFLOW] += p->ring.lost;
    p->ring.lost = 0;
}

static int on_port_readable(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void)loop;
    (void)item;
    struct iom_port *p = arg;
    struct iom *iom = p->iom;
    int idx = (int)(p - iom->ports);
    iom->now_ms = mono_ms();
    if (p->udp)
        udp_input(iom, idx);
    else if (p->ring.map)
        ring_input(iom, idx);
    port_flush_all(iom);
    handoff_flush(iom);
    pkt_end_loans(iom);
    if (p->ring.map)
        ring_release(&p->ring);
    return 0;
}

/* ---- transmit ------------------------------------------------------------------- */

static uint32_t rnd(struct iom *iom)
{
    /* xorshift: impairment loss needs speed, not cryptographic quality */
    uint32_t x = iom->rng ? iom->rng : 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    iom->rng = x;
    return x;
}

static void enqueue_tx(struct iom *iom, struct iom_port *p, struct pkt *pk)
{
    if (p->ntx == IOM_TX_BATCH)
        port_flush(iom, p);
    p->txq[p->ntx++] = pk;
}

static void dq_push(struct iom_port *p, struct pkt *pk)
{
    pk->next = NULL;
    if (p->dq_tail)
        p->dq_tail->next = pk;
    else
        p->dq_head = pk;
    p->dq_tail = pk;
    p->dq_len++;
}

void port_tx(struct iom *iom, int idx, struct pkt *pk)
{
    struct iom_port *p = &iom->ports[idx];
    if (!port_usable(p)) {
        p->tx_drops++;
        iom_drop(iom, pk, DROP_PORT_DOWN, idx);
        return;
    }
    if (pk->len > p->mtu + (p->dot1q ? VLAN_HDR_LEN : 0)) {
        p->tx_drops++;
        iom_drop(iom, pk, DROP_OVERSIZE, idx);
        return;
    }
    if (p->loss_ppm && rnd(iom) % 1000000u < p->loss_ppm) {
        p->tx_drops++;
        iom_drop(iom, pk, DROP_LOSS, idx);
        return;
    }
    if (p->delay_ms || p->rate_kbps || p->dq_head) {
        /* a bounded queue: about 100 ms at the configured rate, at least 256 frames */
        unsigned limit = p->rate_kbps ? p->rate_kbps / 120 + 256 : 100000;
        if (p->dq_len >= limit) {
            p->tx_drops++;
            iom_drop(iom, pk, DROP_RATE, idx);
            return;
        }
        pk->release_ns = mono_ns() + (uint64_t)p->delay_ms * 1000000ull;
        dq_push(p, pk);
        return;
    }
    enqueue_tx(iom, p, pk);
}

/* The bounded wait of one flush for a full peer (TX_WAIT_MAX_US). */
struct tx_wait {
    unsigned retries, waited_us, sleep_us;
};

static void tx_progress(struct tx_wait *w)
{
    w->retries = 0;
    w->sleep_us = TX_SLEEP_MIN_US;
}

/* false when the flush has waited all it may */
static bool tx_wait(struct tx_wait *w)
{
    if (w->waited_us >= TX_WAIT_MAX_US)
        return false;
    if (w->retries++ < TX_YIELDS) {
        sched_yield();
        return true;
    }
    struct timespec ts = { 0, (long)w->sleep_us * 1000 };
    nanosleep(&ts, NULL);
    w->waited_us += w->sleep_us;
    w->sleep_us = w->sleep_us * 2 > TX_SLEEP_MAX_US ? TX_SLEEP_MAX_US : w->sleep_us * 2;
    return true;
}

static void tx_lost(struct iom_port *p, unsigned n)
{
    p->tx_drops += n;
    p->drops[DROP_TX_ERROR] += n;
}

/* A udp pseudo-wire: one datagram per frame, a batch per sendmmsg. */
static void mmsg_flush(struct iom_port *p)
{
    struct mmsghdr msgs[IOM_TX_BATCH];
    struct iovec iov[IOM_TX_BATCH];
    memset(msgs, 0, sizeof msgs[0] * p->ntx);
    for (unsigned i = 0; i < p->ntx; i++) {
        iov[i].iov_base = p->txq[i]->data;
        iov[i].iov_len = p->txq[i]->len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        if (p->udp) {
            msgs[i].msg_hdr.msg_name = &p->udp_peer;
            msgs[i].msg_hdr.msg_namelen = sizeof p->udp_peer;
        }
    }
    unsigned done = 0;
    struct tx_wait w = { .sleep_us = TX_SLEEP_MIN_US };
    while (done < p->ntx) {
        int n = sendmmsg(p->fd, msgs + done, p->ntx - done, MSG_DONTWAIT);
        if (n > 0) {
            for (int i = 0; i < n; i++) {
                p->tx_pkts++;
                p->tx_octets += p->txq[done + (unsigned)i]->len;
            }
            done += (unsigned)n;
            tx_progress(&w);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        /* the receiver is full: let it run, send it again */
        if (n < 0 && (errno == ENOBUFS || errno == EAGAIN) && tx_wait(&w))
            continue;
        /* this one is lost, as the wire would lose it; the rest still go */
        tx_lost(p, 1);
        done++;
        w.retries = 0;
    }
}

/* A veth: the batch goes through the port's transmit ring. The kernel
 * keeps a frame it could not send queued in the ring: the peer's receive
 * ring is full (a veth answers ENOBUFS), so let its NAPI thread run and send
 * again; the ring itself fills when the peer still holds what we sent. */
static void ring_flush(struct iom_port *p)
{
    struct port_ring *r = &p->ring;
    struct tx_wait w = { .sleep_us = TX_SLEEP_MIN_US };
    unsigned next = 0;
    for (;;) {
        for (; next < p->ntx; next++) {
            if (ring_tx_put(r, p->txq[next]->data, p->txq[next]->len) == 0)
                continue;
            if (errno != EMSGSIZE)
                break; /* no free slot: after this send */
            p->tx_drops++;
            p->drops[DROP_OVERSIZE]++;
        }
        struct ring_tx_result res = { 0 };
        int rc = ring_tx_send(r, &res);
        bool busy = rc < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR);
        p->tx_pkts += res.sent;
        p->tx_octets += res.octets;
        tx_lost(p, res.dropped);
        if (!r->tx_queued && next == p->ntx)
            return;
        if (res.sent)
            tx_progress(&w);
        if (rc < 0 && !busy && r->tx_queued > r->tx_discard) {
            ring_tx_discard(r, 1); /* lost, as the wire would lose it; the rest still go */
        } else if (!tx_wait(&w)) {
            /* lose what the peer still refuses: the loop must go on */
            ring_tx_discard(r, r->tx_queued);
            tx_lost(p, p->ntx - next);
            next = p->ntx;
        }
    }
}

void port_flush(struct iom *iom, struct iom_port *p)
{
    if (!p->ntx)
        return;
    for (unsigned i = 0; i < p->ntx; i++)
        mirror_port(iom, (int)(p - iom->ports), p->txq[i]->data, p->txq[i]->len, false);
    if (p->ring.map)
        ring_flush(p);
    else
        mmsg_flush(p);
    for (unsigned i = 0; i < p->ntx; i++)
        pkt_free(iom, p->txq[i]);
    p->ntx = 0;
}

void port_flush_all(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_ports; i++)
        port_flush(iom, &iom->ports[i]);
}

/* Releases delayed frames whose time has come, within the rate limit. */
void port_delay_tick(struct iom *iom)
{
    uint64_t now = mono_ns();
    for (size_t i = 0; i < iom->n_ports; i++) {
        struct iom_port *p = &iom->ports[i];
        if (!p->dq_head)
            continue;
        if (p->rate_kbps) {
            uint64_t elapsed = now - p->last_refill_ns;
            uint64_t add = elapsed * p->rate_kbps / 1000000ull; /* bits */
            uint64_t cap = (uint64_t)p->rate_kbps * 10 + 12000 * 8; /* 10 ms burst */
            p->tokens_bits = p->tokens_bits + add > cap ? cap : p->tokens_bits + add;
            p->last_refill_ns = now;
        }
        while (p->dq_head && p->dq_head->release_ns <= now) {
            uint64_t bits = (uint64_t)p->dq_head->len * 8;
            if (p->rate_kbps && p->tokens_bits < bits)
                break;
            if (p->rate_kbps)
                p->tokens_bits -= bits;
            struct pkt *pk = p->dq_head;
            p->dq_head = pk->next;
            if (!p->dq_head)
                p->dq_tail = NULL;
            p->dq_len--;
            if (!port_usable(p)) {
                p->tx_drops++;
                iom_drop(iom, pk, DROP_PORT_DOWN, (int)i);
                continue;
            }
            enqueue_tx(iom, p, pk);
        }
        port_flush(iom, p);
    }
}

int port_link_control(struct iom *iom, const Srlab__LinkRequest *rq, char *err, size_t errlen)
{
    int idx = rq->port ? iom_port_index(iom, rq->port) : -1;
    if (idx < 0) {
        snprintf(err, errlen, "iom-%u has no port '%s'", iom->slot, rq->port ? rq->port : "");
        return -1;
    }
    struct iom_port *p = &iom->ports[idx];
    const char *a = rq->action ? rq->action : "";
    if (strcmp(a, "down") == 0) {
        p->ctl_down = true;
    } else if (strcmp(a, "up") == 0) {
        p->ctl_down = false;
    } else if (strcmp(a, "set") == 0) {
        if (rq->loss_ppm > 1000000 || rq->delay_ms > 60000) {
            snprintf(err, errlen, "loss is 0..100%%, delay 0..60000 ms");
            return -1;
        }
        p->loss_ppm = rq->loss_ppm;
        p->delay_ms = rq->delay_ms;
        p->rate_kbps = rq->rate_kbps;
        p->tokens_bits = 0;
        p->last_refill_ns = mono_ns();
    } else if (strcmp(a, "clear") == 0) {
        p->loss_ppm = p->delay_ms = p->rate_kbps = 0;
    } else {
        snprintf(err, errlen, "unknown link action '%s' (up, down, set, clear)", a);
        return -1;
    }
    log_info("link_control", "port=%s action=%s ctl_down=%d loss_ppm=%u delay_ms=%u rate_kbps=%u",
             p->name, a, p->ctl_down, p->loss_ppm, p->delay_ms, p->rate_kbps);
    return 0;
}

void port_stats(const struct iom_port *p, Srlab__PortStats *s, char *macbuf)
{
    srlab__port_stats__init(s);
    s->name = (char *)p->name;
    s->admin_up = p->admin_up && p->configured;
    s->link_up = p->link_up;
    s->ctl_down = p->ctl_down;
    s->oper_up = port_usable(p);
    s->mtu = p->mtu;
    mac_str(p->mac, macbuf);
    s->mac = macbuf;
    s->rx_packets = p->rx_pkts;
    s->rx_octets = p->rx_octets;
    s->tx_packets = p->tx_pkts;
    s->tx_octets = p->tx_octets;
    s->rx_errors = p->rx_errors;
    s->tx_drops = p->tx_drops;
    s->loss_ppm = p->loss_ppm;
    s->delay_ms = p->delay_ms;
    s->rate_kbps = p->rate_kbps;
    s->kind = (char *)(p->udp ? "udp" : "veth");
    s->mode = (char *)p->mode;
    s->encap = (char *)p->encap;
}

/* The rings of a veth port: one AF_PACKET socket with two TPACKET_V2 rings
 * shared with the kernel.
 * Receive: the kernel writes every frame the port receives into a slot;
 * iom forwards each frame from its slot (no copy, no system call per frame)
 * and hands the slots of a poll round back at the end of the round.
 * Transmit: iom copies the frames of a batch into slots and hands them all
 * to the kernel with one send(). Each goes behind a virtio-net header whose
 * hdr_len is the whole frame: the kernel then copies the frame into its
 * socket buffer instead of lending it the slot's page, which the peer would
 * still read after the slot is reused. Frames still go through the device
 * queue, so captures see them. */
#include <endian.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iom.h"

/* Room the kernel leaves in front of each frame (PACKET_RESERVE), on top of
 * the slot's own padding: a VLAN tag put back, and a longer L2 header out. */
#define RING_RESERVE 32
#define RING_BLOCK (64u << 10)
#define RING_RX_BYTES (4u << 20)
#define RING_TX_BYTES (2u << 20)
#define VNET_LEN sizeof(struct virtio_net_hdr)
/* Where the kernel puts a received frame in a slot (net/packet/af_packet.c
 * tpacket_rcv, SOCK_RAW): the network header at
 * TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + reserve + the virtio-net header,
 * the MAC header before it. */
#define RING_NET_OFF (TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + RING_RESERVE + VNET_LEN)
/* Where a frame to send starts in its slot (tpacket_parse_header, V2) */
#define RING_TX_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
/* hdr_len longer than the frame: the kernel skips the slot (PACKET_LOSS) */
#define VNET_DISCARD 0xffff

_Static_assert(RING_NET_OFF + VLAN_HDR_LEN < PKT_HEADROOM,
               "a borrowed frame's headroom fits a packet buffer's");

enum ring_verdict ring_slot_parse(uint8_t *slot, size_t slot_size, struct ring_frame *f)
{
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot;
    const struct sockaddr_ll *sll = (const void *)(slot + TPACKET_ALIGN(sizeof *h));
    if (sll->sll_pkttype == PACKET_OUTGOING)
        return RING_OUTGOING; /* another sender on this veth: not ours to forward */
    size_t mac = h->tp_mac, snap = h->tp_snaplen;
    /* a frame outside its slot, cut to the slot, or left in the socket's
     * queue (TP_STATUS_COPY): too big for the ring */
    if (mac < TPACKET2_HDRLEN + VLAN_HDR_LEN || mac > slot_size || snap > slot_size - mac ||
        snap < h->tp_len || h->tp_status & TP_STATUS_COPY)
        return RING_OVERSIZE;
    uint8_t *frame = slot + mac;
    size_t len = snap;
    if (h->tp_status & TP_STATUS_VLAN_VALID) {
        /* the kernel took the 802.1Q tag off (skb_vlan_untag): put it back,
         * in front, where the reserve leaves room */
        if (len < 2 * ETH_ALEN)
            return RING_RUNT;
        uint16_t tpid = h->tp_status & TP_STATUS_VLAN_TPID_VALID ? h->tp_vlan_tpid
                                                                 : ETHERTYPE_VLAN;
        memmove(frame - VLAN_HDR_LEN, frame, 2 * ETH_ALEN);
        frame -= VLAN_HDR_LEN;
        wr16(frame + 12, tpid);
        wr16(frame + 14, h->tp_vlan_tci);
        len += VLAN_HDR_LEN;
    }
    f->frame = frame;
    f->len = len;
    f->head = slot + TPACKET2_HDRLEN; /* the descriptor before it stays intact */
    return RING_FRAME;
}

static int set_opt(int fd, int opt, int v)
{
    return setsockopt(fd, SOL_PACKET, opt, &v, sizeof v);
}

/* Slots of both rings hold the largest frame the veth passes (tag
 * included), up to PKT_MAX: bigger ones come cut and count as oversize. */
static int ring_setup(struct port_ring *r, unsigned wire_mtu)
{
    if (set_opt(r->fd, PACKET_VERSION, TPACKET_V2) != 0 ||
        set_opt(r->fd, PACKET_RESERVE, RING_RESERVE) != 0 ||
        set_opt(r->fd, PACKET_VNET_HDR, 1) != 0 || set_opt(r->fd, PACKET_LOSS, 1) != 0)
        return -1;
    size_t frame = wire_mtu + ETH_HDR_LEN + VLAN_HDR_LEN;
    frame = frame > PKT_MAX ? PKT_MAX : frame;
    struct tpacket_req req = { .tp_block_size = RING_BLOCK,
                               .tp_frame_size = TPACKET_ALIGN(RING_NET_OFF + frame) };
    unsigned per_block = RING_BLOCK / req.tp_frame_size;
    req.tp_block_nr = RING_RX_BYTES / RING_BLOCK;
    req.tp_frame_nr = req.tp_block_nr * per_block;
    if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
        return -1;
    r->nframes = req.tp_frame_nr;
    req.tp_block_nr = RING_TX_BYTES / RING_BLOCK;
    req.tp_frame_nr = req.tp_block_nr * per_block;
    if (setsockopt(r->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0)
        return -1;
    r->tx_nframes = req.tp_frame_nr;
    /* one mapping: the receive ring, then the transmit ring */
    r->map_len = RING_RX_BYTES + RING_TX_BYTES;
    r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (r->map == MAP_FAILED) {
        r->map = NULL;
        return -1;
    }
    r->tx_map = r->map + RING_RX_BYTES;
    r->frame_size = req.tp_frame_size;
    r->frames_per_block = per_block;
    return 0;
}

/* Binds last: no frame arrives before the ring is there to take it. */
int ring_open(struct port_ring *r, const char *ifname, unsigned wire_mtu)
{
    memset(r, 0, sizeof *r);
    r->wire_mtu = wire_mtu;
    r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unsigned ifindex = if_nametoindex(ifname);
    if (r->fd < 0 || !ifindex || ring_setup(r, wire_mtu) != 0)
        goto fail;
    /* frames others send on the veth are not for iom to forward (the
     * ring's parser skips them too, should the kernel not know this) */
    set_opt(r->fd, PACKET_IGNORE_OUTGOING, 1);
    struct packet_mreq mr = { .mr_ifindex = (int)ifindex, .mr_type = PACKET_MR_PROMISC };
    if (setsockopt(r->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
        goto fail;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)ifindex };
    if (bind(r->fd, (struct sockaddr *)&sll, sizeof sll) != 0)
        goto fail;
    return 0;
fail: {
        int e = errno;
        ring_close(r);
        errno = e;
        return -1;
    }
}

void ring_close(struct port_ring *r)
{
    if (r->map)
        munmap(r->map, r->map_len);
    if (r->fd >= 0)
        close(r->fd);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

static uint8_t *slot_in(const struct port_ring *r, uint8_t *ring, unsigned i)
{
    unsigned block = i / r->frames_per_block, in_block = i % r->frames_per_block;
    return ring + (size_t)block * RING_BLOCK + (size_t)in_block * r->frame_size;
}

static uint8_t *slot_at(const struct port_ring *r, unsigned i)
{
    return slot_in(r, r->map, i);
}

/* Frames the kernel lost because the ring was full (it flags the next
 * frame it does store); reading the statistics resets them. */
static void count_losses(struct port_ring *r)
{
    struct tpacket_stats st;
    socklen_t len = sizeof st;
    if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
        r->lost += st.tp_drops;
}

enum ring_verdict ring_next(struct port_ring *r, struct ring_frame *f)
{
    if (r->held == r->nframes)
        return RING_EMPTY; /* every slot is ours until the release */
    uint8_t *slot = slot_at(r, r->next);
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot;
    /* acquire: the frame's bytes are read after the kernel's status says so */
    uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (!(status & TP_STATUS_USER))
        return RING_EMPTY;
    if (status & TP_STATUS_LOSING)
        count_losses(r);
    r->next = (r->next + 1) % r->nframes;
    r->held++;
    return ring_slot_parse(slot, r->frame_size, f);
}

void ring_release(struct port_ring *r)
{
    unsigned i = (r->next + r->nframes - r->held) % r->nframes;
    for (; r->held; r->held--, i = (i + 1) % r->nframes) {
        struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot_at(r, i);
        /* release: our reads and writes of the slot are done before the
         * kernel may write it again */
        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    }
}

/* ---- transmit ------------------------------------------------------------------ */

static struct tpacket2_hdr *tx_slot(const struct port_ring *r, unsigned i)
{
    return (struct tpacket2_hdr *)slot_in(r, r->tx_map, i % r->tx_nframes);
}

int ring_tx_put(struct port_ring *r, const uint8_t *frame, size_t len)
{
    if (len > r->frame_size - RING_TX_OFF - VNET_LEN) {
        errno = EMSGSIZE;
        return -1;
    }
    struct tpacket2_hdr *h = tx_slot(r, r->tx_fill);
    /* a slot is free again once the kernel has freed what it sent from it */
    if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
        errno = ENOBUFS;
        return -1;
    }
    uint8_t *d = (uint8_t *)h + RING_TX_OFF;
    struct virtio_net_hdr vh = { .flags = 0, .gso_type = VIRTIO_NET_HDR_GSO_NONE,
                                 .hdr_len = htole16((uint16_t)len) };
    memcpy(d, &vh, VNET_LEN);
    memcpy(d + VNET_LEN, frame, len);
    h->tp_len = (uint32_t)(VNET_LEN + len);
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    r->tx_fill = (r->tx_fill + 1) % r->tx_nframes;
    r->tx_queued++;
    return 0;
}

/* The kernel takes queued slots in order and stops at the first it cannot
 * send (left SEND_REQUEST, to go at the next send). */
int ring_tx_send(struct port_ring *r, struct ring_tx_result *res)
{
    int rc = send(r->fd, NULL, 0, MSG_DONTWAIT) < 0 ? -1 : 0;
    int err = errno;
    unsigned i = r->tx_fill + r->tx_nframes - r->tx_queued;
    for (; r->tx_queued; r->tx_queued--, i++) {
        struct tpacket2_hdr *h = tx_slot(r, i);
        if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) == TP_STATUS_SEND_REQUEST)
            break;
        if (r->tx_discard) {
            r->tx_discard--;
            res->dropped++;
        } else {
            res->sent++;
            res->octets += h->tp_len - VNET_LEN;
        }
    }
    errno = err;
    return rc;
}

void ring_tx_discard(struct port_ring *r, unsigned n)
{
    unsigned i = r->tx_fill + r->tx_nframes - r->tx_queued + r->tx_discard;
    for (; n && r->tx_discard < r->tx_queued; n--, i++, r->tx_discard++) {
        struct virtio_net_hdr *vh = (void *)((uint8_t *)tx_slot(r, i) + RING_TX_OFF);
        vh->hdr_len = htole16(VNET_DISCARD);
    }
}

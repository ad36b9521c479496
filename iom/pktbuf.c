/* Packet buffers: a free list grown on demand up to PKT_POOL_MAX, packets
 * lent a port ring's slot for one poll round, and the one place a packet is
 * dropped (counted by reason, per port or globally). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iom.h"

uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t mono_ms(void)
{
    return mono_ns() / 1000000ull;
}

struct pkt *pkt_alloc(struct iom *iom)
{
    struct pkt *p = iom->free_pkts;
    if (p) {
        iom->free_pkts = p->next;
    } else {
        if (iom->pkts_allocated >= PKT_POOL_MAX)
            return NULL;
        p = malloc(sizeof *p);
        if (!p)
            return NULL;
        iom->pkts_allocated++;
    }
    p->next = NULL;
    p->head = p->buf;
    p->data = p->buf + PKT_HEADROOM;
    p->len = 0;
    p->in_port = -1;
    p->vlan = -1;
    p->in_if = NULL;
    p->fc = FC_BE;
    return p;
}

void pkt_free(struct iom *iom, struct pkt *p)
{
    if (!p)
        return;
    p->head = p->buf; /* no longer on loan: pkt_end_loans leaves it alone */
    p->next = iom->free_pkts;
    iom->free_pkts = p;
}

void pkt_free_list(struct iom *iom, struct pkt *p)
{
    while (p) {
        struct pkt *next = p->next;
        pkt_free(iom, p);
        p = next;
    }
}

struct pkt *pkt_copy(struct iom *iom, const uint8_t *data, size_t len)
{
    if (len > PKT_MAX) {
        iom->drops[DROP_OVERSIZE]++;
        return NULL;
    }
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return NULL;
    }
    memcpy(p->data, data, len);
    p->len = (uint32_t)len;
    return p;
}

/* The caller (the port's receive loop) bounds a round to IOM_RX_BURST
 * frames, so the loan list has room for every packet of the round. */
struct pkt *pkt_borrow(struct iom *iom, uint8_t *frame, size_t len, uint8_t *head)
{
    if (iom->n_lent == IOM_RX_BURST || len > PKT_MAX) {
        iom->drops[DROP_NO_BUFFER]++;
        return NULL;
    }
    struct pkt *p = pkt_alloc(iom);
    if (!p) {
        iom->drops[DROP_NO_BUFFER]++;
        return NULL;
    }
    p->head = head;
    p->data = frame;
    p->len = (uint32_t)len;
    iom->lent[iom->n_lent] = p;
    iom->lent_head[iom->n_lent++] = head;
    return p;
}

void pkt_own(struct pkt *p)
{
    if (p->head == p->buf)
        return;
    /* the room in front comes along: an L2 header stripped on input is
     * still read there (mc.c, the neighbour a packet came from) */
    size_t front = (size_t)(p->data - p->head);
    front = front > PKT_HEADROOM ? PKT_HEADROOM : front;
    uint8_t *data = p->buf + PKT_HEADROOM;
    memcpy(data - front, p->data - front, front + p->len);
    p->head = p->buf;
    p->data = data;
}

void pkt_end_loans(struct iom *iom)
{
    for (unsigned i = 0; i < iom->n_lent; i++)
        if (iom->lent[i]->head == iom->lent_head[i]) /* not freed (nor reused) since */
            pkt_own(iom->lent[i]);
    iom->n_lent = 0;
}

void iom_drop(struct iom *iom, struct pkt *p, enum drop_reason r, int port)
{
    if (port >= 0 && (size_t)port < iom->n_ports)
        iom->ports[port].drops[r]++;
    else
        iom->drops[r]++;
    if (p && p->in_if && p->in_if->kind == IFK_SAP) {
        p->in_if->in_dropped_pkts++;
        p->in_if->in_dropped_octets += p->len;
    }
    pkt_free(iom, p);
}

const char *drop_name(enum drop_reason r)
{
    static const char *const names[] = {
#define X(id, name) name,
        DROP_REASONS(X)
#undef X
    };
    return (unsigned)r < DROP_MAX ? names[r] : "?";
}

int iom_reassemble(struct iom *iom, struct iom_if *ifp, struct pkt *p)
{
    const uint8_t *out;
    size_t out_len;
    int rc = reasm_input(ifp->inst->reasm, p->data, p->len, mono_ms(), &out, &out_len);
    if (rc < 0) {
        iom_drop(iom, p, DROP_REASM, p->in_port);
        return -1;
    }
    if (rc != REASM_DONE) {
        pkt_free(iom, p); /* its bytes are held by the reassembler */
        return 0;
    }
    if (out_len > PKT_MAX) {
        iom_drop(iom, p, DROP_OVERSIZE, p->in_port);
        return -1;
    }
    pkt_own(p); /* the whole packet may not fit the ring slot of a fragment */
    memmove(p->data, out, out_len);
    p->len = (uint32_t)out_len;
    return 1;
}

bool icmp_rate_ok(struct iom *iom, struct iom_if *ifp)
{
    uint64_t now = iom->now_ms ? iom->now_ms : mono_ms();
    if (now - ifp->icmp_tokens_ms >= 1000) {
        ifp->icmp_tokens = ICMP_RATE_PER_S;
        ifp->icmp_tokens_ms = now;
    }
    if (!ifp->icmp_tokens)
        return false;
    ifp->icmp_tokens--;
    return true;
}

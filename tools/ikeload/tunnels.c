/* ikeload: the tunnels of one process (all of them, or a worker's share).
 * Their bookkeeping, sending and receiving, retransmissions, and the phases
 * of a run: setup, hold, delete. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ikeload.h"

#define RETRANSMIT_MS 1000
#define RETRANSMITS 4          /* after the first send; then the setup fails */

struct ike_msg msg_out, msg_in; /* about 12 KB each: not on the stack */
uint8_t txbuf[MSG_CAP + 4];
static uint8_t rxbuf[MSG_CAP + 4], plain[MSG_CAP];

uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* ---- tunnel bookkeeping ---------------------------------------------------------------- */

static void setup_free(struct setup **sp)
{
    struct setup *s = *sp;
    if (!s)
        return;
    ike_dh_destroy(&s->dh);
    free(s->init_req);
    free(s->init_resp);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
    *sp = NULL;
}

void inflight_add(struct load *l, struct tunnel *t)
{
    t->slot = (int)l->n_inflight;
    l->inflight[l->n_inflight++] = (int)(t - l->t);
}

static void inflight_remove(struct load *l, struct tunnel *t)
{
    if (t->slot < 0)
        return;
    unsigned last = --l->n_inflight;
    l->inflight[t->slot] = l->inflight[last];
    l->t[l->inflight[t->slot]].slot = t->slot;
    t->slot = -1;
}

static void close_fd(struct load *l, struct tunnel *t)
{
    if (t->fd < 0)
        return;
    epoll_ctl(l->ep, EPOLL_CTL_DEL, t->fd, NULL);
    close(t->fd);
    t->fd = -1;
}

void request_done(struct load *l, struct tunnel *t)
{
    free(t->req);
    t->req = NULL;
    inflight_remove(l, t);
}

void fail(struct load *l, struct tunnel *t, const char *why)
{
    if (l->tally) {
        tally_fail(l->tally, why, now_ms());
    } else {
        struct rec r = { .kind = REC_FAIL };
        snprintf(r.why, sizeof r.why, "%s", why);
        report(l, &r);
    }
    t->state = T_FAILED;
    setup_free(&t->s);
    request_done(l, t);
    close_fd(l, t);
}

void tunnel_up(struct load *l, struct tunnel *t)
{
    uint64_t now = now_ms();
    uint32_t latency = (uint32_t)(now - t->started_ms);
    t->state = T_UP;
    setup_free(&t->s);
    request_done(l, t);
    l->up++;
    if (l->tally) {
        tally_up(l->tally, latency, now);
    } else {
        struct rec r = { .kind = REC_UP, .v = latency };
        report(l, &r);
    }
}

/* The datagram on the tunnel's socket: on 4500 after the 4-byte non-ESP
 * marker (RFC 3948 2.2). */
void send_msg(struct tunnel *t, const uint8_t *msg, size_t len)
{
    if (t->natt) {
        uint8_t buf[MSG_CAP + 4];
        memset(buf, 0, 4);
        memcpy(buf + 4, msg, len);
        (void)!send(t->fd, buf, len + 4, MSG_DONTWAIT);
    } else {
        (void)!send(t->fd, msg, len, MSG_DONTWAIT);
    }
}

/* Keeps msg as the outstanding request and sends it (1 s retransmissions). */
void request(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len)
{
    free(t->req);
    t->req = malloc(len);
    if (!t->req) {
        fail(l, t, "out-of-memory");
        return;
    }
    memcpy(t->req, msg, len);
    t->req_len = len;
    t->tries = 1;
    t->next_tx_ms = now_ms() + RETRANSMIT_MS;
    send_msg(t, msg, len);
}

/* Seals the inner chain into an SK message with hdr, into txbuf: its length, 0 on failure. */
size_t seal(struct tunnel *t, const struct ike_hdr *hdr, const uint8_t *inner, size_t inner_len,
            uint8_t first)
{
    struct ike_build b;
    size_t sk_off, len;
    if (ike_build_begin(&b, txbuf, MSG_CAP, hdr) != IKE_MSG_OK)
        return 0;
    sk_off = b.len;
    if (ike_build_sk(&b, first, NULL, 0, NULL) != IKE_MSG_OK ||
        ike_sk_seal(&t->ko, IKE_PAYLOAD_SK, txbuf, sk_off, inner, inner_len, MSG_CAP, &len) != IKE_SK_OK)
        return 0;
    return len;
}

/* Opens the SK payload of msg (its outer payloads in msg_out) into msg_in:
 * -1 when it does not authenticate (not from the responder, or broken),
 * -2 when the plaintext does not parse. */
int open_sk(struct tunnel *t, const uint8_t *msg, size_t len)
{
    size_t plen;
    if (!ike_msg_has(&msg_out, IKE_PL_SK))
        return -1;
    if (ike_sk_open(&t->ki, IKE_PAYLOAD_SK, msg, len, (size_t)(msg_out.sk.payload - msg), plain, sizeof plain,
                    &plen) != IKE_SK_OK)
        return -1;
    return ike_parse_payloads(msg_out.sk.next, plain, plen, &msg_in) == IKE_MSG_OK ? 0 : -2;
}

/* ---- receiving ----------------------------------------------------------------------------- */

static void input(struct load *l, struct tunnel *t, uint8_t *buf, size_t len)
{
    if (t->natt) { /* RFC 3948 2.2: IKE after 4 zero bytes; anything else is ESP or a keepalive */
        if (len < 4 || buf[0] || buf[1] || buf[2] || buf[3]) {
            l->ignored++;
            return;
        }
        buf += 4;
        len -= 4;
    }
    struct ike_hdr h;
    if (ike_parse(buf, len, &h, &msg_out) != IKE_MSG_OK || h.spi_i != t->spi_i) {
        l->ignored++;
        return;
    }
    if (!(h.flags & IKE_FLAG_RESPONSE)) {
        if ((t->state == T_UP || t->state == T_DELETING || t->state == T_LOST) && h.spi_r == t->spi_r &&
            !(h.flags & IKE_FLAG_INITIATOR))
            answer_request(l, t, &h, buf, len);
        else
            l->ignored++;
        return;
    }
    if (t->state == T_INIT && h.exchange == IKE_SA_INIT && h.msg_id == 0) {
        init_response(l, t, &h, buf, len);
    } else if (t->state == T_AUTH && h.exchange == IKE_AUTH && h.msg_id == t->next_id - 1 &&
               h.spi_r == t->spi_r) {
        auth_response(l, t, buf, len);
    } else if (t->state == T_DELETING && h.exchange == IKE_INFORMATIONAL && h.msg_id == t->next_id - 1 &&
               h.spi_r == t->spi_r && open_sk(t, buf, len) == 0) {
        t->state = T_DELETED;
        l->deleted++;
        request_done(l, t);
        close_fd(l, t);
    } else {
        l->ignored++;
    }
}

static void drain(struct load *l, unsigned k)
{
    struct tunnel *t = &l->t[k];
    for (int n = 0; n < 16 && t->fd >= 0; n++) {
        ssize_t got = recv(t->fd, rxbuf, sizeof rxbuf, MSG_DONTWAIT);
        if (got < 0) {
            if (errno == ECONNREFUSED)
                continue; /* an ICMP port unreachable: the retransmissions decide */
            return;
        }
        input(l, t, rxbuf, (size_t)got);
    }
}

/* Retransmissions and deadlines of what is in flight. */
static void timers(struct load *l, uint64_t now)
{
    for (unsigned k = 0; k < l->n_inflight;) {
        struct tunnel *t = &l->t[l->inflight[k]];
        if (t->state != T_DELETING && l->o.timeout_s && now - t->started_ms > l->o.timeout_s * 1000ull) {
            fail(l, t, "setup-timeout");
            continue; /* slot k now holds another tunnel */
        }
        if (now < t->next_tx_ms) {
            k++;
            continue;
        }
        if (t->tries > RETRANSMITS) {
            if (t->state == T_DELETING) {
                t->state = T_UP; /* no answer to the delete: still up as far as we know */
                request_done(l, t);
            } else {
                fail(l, t, t->state == T_INIT ? "no-response-init" : "no-response-auth");
            }
            continue;
        }
        t->tries++;
        t->next_tx_ms = now + RETRANSMIT_MS;
        l->retransmits++;
        send_msg(t, t->req, t->req_len);
        k++;
    }
}

static void poll_once(struct load *l, int timeout_ms)
{
    struct epoll_event ev[256];
    int n = epoll_wait(l->ep, ev, 256, timeout_ms);
    for (int k = 0; k < n; k++)
        drain(l, ev[k].data.u32);
    timers(l, now_ms());
}

/* ---- the phases of one process --------------------------------------------------------------- */

static void setup_all(struct load *l)
{
    while (!stop && (l->next_start < l->n || l->n_inflight)) {
        while (!stop && l->n_inflight < l->window && l->next_start < l->n)
            start(l, l->next_start++);
        poll_once(l, 10);
    }
    if (stop) { /* interrupted: what did not finish is a failure */
        while (l->n_inflight)
            fail(l, &l->t[l->inflight[0]], "interrupted");
        for (; l->next_start < l->n; l->next_start++)
            fail(l, &l->t[l->next_start], "not-started");
    }
    if (l->tally) {
        l->tally->retransmits = l->retransmits;
        l->tally->ignored = l->ignored;
        l->tally->cpu_s = cpu_seconds();
        tally_summary(l->tally);
        return;
    }
    struct rec r = { .kind = REC_SETUP_DONE, .a = l->retransmits, .b = l->ignored, .cpu_s = cpu_seconds() };
    report(l, &r);
}

/* Answers the responder's requests for hold_s seconds, or until a signal. */
static void hold(struct load *l)
{
    uint64_t end = now_ms() + (uint64_t)l->o.hold_s * 1000;
    unsigned lost0 = l->lost;
    while (!stop && now_ms() < end)
        poll_once(l, 200);
    if (l->tally) {
        printf("ikeload: held %u tunnels; %u lost to the responder's delete; %llu DPD answered; "
               "%llu CHILD SA rekeys answered, %llu refused\n",
               l->up - l->lost, l->lost - lost0, (unsigned long long)l->dpd_answered,
               (unsigned long long)l->child_rekeys_answered, (unsigned long long)l->child_rekeys_refused);
        fflush(stdout);
        return;
    }
    struct rec r = { .kind = REC_HOLD_DONE, .v = l->lost - lost0, .a = l->dpd_answered, .b = l->up - l->lost,
                     .c = l->child_rekeys_answered, .d = l->child_rekeys_refused };
    report(l, &r);
}

static void send_delete(struct load *l, struct tunnel *t)
{
    uint8_t inner[64];
    struct ike_build b;
    size_t inner_len, len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
    struct ike_hdr hdr = { .spi_i = t->spi_i, .spi_r = t->spi_r, .exchange = IKE_INFORMATIONAL,
                           .flags = IKE_FLAG_INITIATOR, .msg_id = t->next_id };
    if (ike_build_end(&b, &inner_len, &first) != IKE_MSG_OK || !(len = seal(t, &hdr, inner, inner_len, first)))
        return;
    t->next_id++;
    t->state = T_DELETING;
    inflight_add(l, t);
    t->started_ms = now_ms();
    request(l, t, txbuf, len);
    t->tries = RETRANSMITS; /* "send and wait briefly": one retransmission at most */
}

/* An INFORMATIONAL Delete for every IKE SA that is up, window at a time. */
static void delete_all(struct load *l)
{
    unsigned next = 0, asked = 0;
    for (;;) {
        while (!stop && l->n_inflight < l->window && next < l->n) {
            struct tunnel *t = &l->t[next++];
            if (t->state == T_UP && t->fd >= 0) {
                send_delete(l, t);
                asked++;
            }
        }
        if ((stop || next >= l->n) && !l->n_inflight)
            break;
        poll_once(l, 20);
    }
    if (l->tally) {
        printf("ikeload: sent Delete for %u IKE SAs, %u answered\n", asked, l->deleted);
        return;
    }
    struct rec r = { .kind = REC_DELETE_DONE, .v = asked, .a = l->deleted };
    report(l, &r);
}

/* Tunnels first .. first + n - 1 with window w: setup, hold, delete. */
int run(const struct opts *o, unsigned first, unsigned n, unsigned w, struct tally *y, int report_fd)
{
    static struct load l;
    memset(&l, 0, sizeof l);
    l.o = *o;
    l.first = first;
    l.n = n;
    l.window = w ? w : 1;
    l.tally = y;
    l.report_fd = report_fd;
    l.t = calloc(n, sizeof *l.t);
    l.inflight = calloc(l.window, sizeof *l.inflight);
    l.ep = epoll_create1(EPOLL_CLOEXEC);
    if (!l.t || !l.inflight || l.ep < 0) {
        perror("ikeload");
        return 1;
    }
    for (unsigned k = 0; k < n; k++) {
        l.t[k].fd = -1;
        l.t[k].slot = -1;
    }
    setup_all(&l);
    if (o->hold_s && !stop)
        hold(&l);
    if (o->delete_at_end) {
        stop = 0;
        delete_all(&l);
    }
    for (unsigned k = 0; k < n; k++) {
        close_fd(&l, &l.t[k]);
        setup_free(&l.t[k].s);
        free(l.t[k].req);
        free(l.t[k].resp);
        OPENSSL_cleanse(&l.t[k].ko, sizeof l.t[k].ko);
        OPENSSL_cleanse(&l.t[k].ki, sizeof l.t[k].ki);
    }
    close(l.ep);
    free(l.t);
    free(l.inflight);
    return 0;
}

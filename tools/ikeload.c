/* ikeload: an IKEv2 load generator for benchmarks (initiator only). It opens
 * N IKE SAs, each with one CHILD SA, against one responder and reports the
 * setup rate and the failures by reason:
 *   ikeload --target IP [--port 500] --psk KEY --count N [--window W]
 *           [--src-ip IP] [--base-port P] [--id-prefix load] [--id-type fqdn|key-id]
 *           [--ts-base 10.100.0.0] [--ts-remote 10.10.0.0/24] [--timeout S]
 *           [--report-every K] [--force-natt] [--hold S] [--delete]
 * Tunnel i has its own UDP socket bound to src-ip:(base-port + i), so the
 * responder sees N distinct clients; at most W setups are in flight. Every
 * tunnel proposes IKE AES-GCM-16-128 / PRF-HMAC-SHA2-256 / ECP-256 and ESP
 * AES-GCM-16-128 without ESN, authenticates with the PSK as
 * "<id-prefix>-<i>.example", and asks for TSi = ts-base + i (/32) and TSr =
 * ts-remote. Tunnels stay up until the end (DPD, Deletes and CHILD SA rekeys
 * from the responder are answered; other CREATE_CHILD_SA requests are
 * refused); --hold keeps them S seconds after the last setup
 * (SIGINT/SIGTERM ends the wait), --delete then sends each IKE SA an
 * INFORMATIONAL Delete.
 * One process is single-threaded: one epoll over its sockets. When the
 * descriptor limit cannot be raised to N + 100 (no CAP_SYS_RESOURCE), the
 * tunnels are split over as many worker processes as the limit needs, each
 * with its share of the window; the parent adds up their records and prints
 * the one report. Every datagram is hostile: it is parsed with ike_parse and
 * dropped unless it answers the tunnel's outstanding request or is the
 * responder's next request. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "isa/ike_crypto.h"
#include "isa/ike_msg.h"
#include "pkt.h"

#define MSG_CAP 8192
#define NONCE_LEN 32
#define RETRANSMIT_MS 1000
#define RETRANSMITS 4          /* after the first send; then the setup fails */
#define MAX_COOKIES 3          /* COOKIE answers in a row before giving up */
#define MAX_KE_RETRIES 2       /* INVALID_KE_PAYLOAD answers */
#define MAX_REASONS 48
#define MAX_WORKERS 64
#define FD_RESERVE 100         /* descriptors besides the tunnels' sockets */

/* ---- options --------------------------------------------------------------------------- */

struct opts {
    struct sockaddr_in target;
    uint16_t port;
    const char *psk;
    unsigned count, window, report_every;
    struct in_addr src;
    unsigned base_port;
    const char *id_prefix;
    uint8_t id_type;           /* IKE_ID_FQDN or IKE_ID_KEY_ID */
    uint32_t ts_base;          /* host order */
    uint32_t ts_remote_lo, ts_remote_hi;
    unsigned timeout_s, hold_s;
    bool force_natt, delete_at_end;
};

/* ---- tunnels --------------------------------------------------------------------------- */

enum tstate { T_IDLE, T_INIT, T_AUTH, T_UP, T_FAILED, T_LOST, T_DELETING, T_DELETED };

/* What only a setup in progress needs; freed once the tunnel is up. */
struct setup {
    struct ike_dh *dh;
    uint16_t group;
    uint8_t ni[NONCE_LEN];
    uint8_t nr[256];
    size_t nr_len;
    uint8_t cookie[64];
    size_t cookie_len;
    unsigned cookies, ke_retries;
    uint8_t *init_req, *init_resp;
    size_t init_req_len, init_resp_len;
    struct ike_sa_keys keys;
};

struct tunnel {
    int fd;
    enum tstate state;
    bool natt;                 /* on 4500 with the non-ESP marker */
    unsigned tries;            /* sends of the outstanding request */
    uint64_t spi_i, spi_r;
    uint32_t esp_spi;          /* our inbound ESP SPI */
    uint32_t peer_esp_spi;     /* the responder's inbound SPI of the same CHILD SA */
    uint32_t old_esp_spi, old_peer_esp_spi; /* the pair the last rekey replaced,
                                  until the responder deletes it; 0 when none */
    uint32_t next_id;          /* our next request's Message ID */
    uint32_t peer_id;          /* the responder's next request */
    uint64_t started_ms, next_tx_ms;
    struct in_addr local;
    uint16_t local_port;
    struct setup *s;
    struct ike_sk_keys ko, ki; /* SK_ei (ours), SK_er (the responder's) */
    uint8_t *req, *resp;       /* our outstanding request; our last response */
    size_t req_len, resp_len;
    int slot;                  /* in the in-flight table, -1 when not there */
};

/* ---- results --------------------------------------------------------------------------- */

struct reason {
    char name[48];
    unsigned n;
};

/* The run's results: kept by the one process, or by the parent of the
 * workers from their records. */
struct tally {
    unsigned report_every;
    unsigned up, failed;
    uint64_t t0_ms, last_done_ms, last_report_ms;
    uint32_t *latency_ms;      /* of each tunnel that came up */
    struct reason reasons[MAX_REASONS];
    unsigned n_reasons;
    uint64_t retransmits, ignored;
    double cpu_s;
};

/* What a worker tells its parent, one record per write (atomic: < PIPE_BUF). */
enum rec_kind { REC_UP, REC_FAIL, REC_SETUP_DONE, REC_HOLD_DONE, REC_DELETE_DONE };

struct rec {
    uint32_t kind;
    uint32_t v;                /* UP: latency ms; HOLD_DONE: lost; DELETE_DONE: asked */
    uint64_t a, b;             /* SETUP_DONE: retransmits, ignored; HOLD_DONE: DPD answered,
                                  held; DELETE_DONE: answered */
    uint64_t c, d;             /* HOLD_DONE: CHILD SA rekeys answered, refused */
    double cpu_s;
    char why[48];              /* FAIL */
};

/* The tunnels of this process: global indexes first .. first + n - 1. */
struct load {
    struct opts o;
    unsigned first, n, window;
    struct tunnel *t;
    int ep;
    int *inflight;             /* local tunnel indexes, window of them */
    unsigned n_inflight;
    unsigned next_start;
    unsigned up, lost, deleted;
    uint64_t retransmits, ignored, dpd_answered, requests_answered;
    uint64_t child_rekeys_answered, child_rekeys_refused; /* REKEY_SA requests */
    struct tally *tally;       /* the one process; NULL in a worker */
    int report_fd;             /* a worker's pipe to its parent; -1 otherwise */
};

static struct ike_msg msg_out, msg_in; /* about 12 KB each: not on the stack */
static uint8_t rxbuf[MSG_CAP + 4], txbuf[MSG_CAP + 4], plain[MSG_CAP];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t now_ms(void)
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

static void spi_bytes(uint8_t out[8], uint64_t spi)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(spi >> (56 - 8 * i));
}

static void be32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static void tally_fail(struct tally *y, const char *why, uint64_t now)
{
    y->failed++;
    y->last_done_ms = now;
    for (unsigned i = 0; i < y->n_reasons; i++)
        if (strcmp(y->reasons[i].name, why) == 0) {
            y->reasons[i].n++;
            return;
        }
    if (y->n_reasons == MAX_REASONS) { /* the last row is "other" */
        y->reasons[MAX_REASONS - 1].n++;
        return;
    }
    struct reason *r = &y->reasons[y->n_reasons++];
    snprintf(r->name, sizeof r->name, "%s", y->n_reasons == MAX_REASONS ? "other" : why);
    r->n = 1;
}

static void tally_up(struct tally *y, uint32_t latency_ms, uint64_t now)
{
    y->latency_ms[y->up++] = latency_ms;
    y->last_done_ms = now;
    unsigned k = y->report_every;
    if (!k || y->up % k)
        return;
    double secs = (double)(now - y->last_report_ms) / 1000.0;
    printf("ikeload: %u up, rate %.1f tunnels/s over the last %u\n", y->up, secs > 0 ? k / secs : 0.0, k);
    fflush(stdout);
    y->last_report_ms = now;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void tally_summary(struct tally *y)
{
    double secs = (double)((y->last_done_ms ? y->last_done_ms : now_ms()) - y->t0_ms) / 1000.0;
    double rate = secs > 0 ? y->up / secs : 0;
    char reasons[1024] = "";
    size_t o = 0;
    for (unsigned i = 0; i < y->n_reasons && o < sizeof reasons; i++)
        o += (size_t)snprintf(reasons + o, sizeof reasons - o, "%s%s %u", i ? ", " : "", y->reasons[i].name,
                              y->reasons[i].n);
    printf("ikeload: %u up, %u failed (%s), %.1f s, %.1f tunnels/s overall\n", y->up, y->failed,
           y->n_reasons ? reasons : "none", secs, rate);
    if (y->up) {
        qsort(y->latency_ms, y->up, sizeof *y->latency_ms, cmp_u32);
        printf("ikeload: setup latency p50 %u ms, p90 %u ms, p99 %u ms, max %u ms; %llu retransmissions, "
               "%llu datagrams ignored; own cpu %.1f s\n",
               y->latency_ms[y->up / 2], y->latency_ms[y->up * 9 / 10], y->latency_ms[y->up * 99 / 100],
               y->latency_ms[y->up - 1], (unsigned long long)y->retransmits, (unsigned long long)y->ignored,
               y->cpu_s);
    }
    printf("ikeload-result up=%u failed=%u seconds=%.2f rate=%.1f\n", y->up, y->failed, secs, rate);
    fflush(stdout);
}

static void report(struct load *l, const struct rec *r)
{
    if (write(l->report_fd, r, sizeof *r) != (ssize_t)sizeof *r)
        stop = 1; /* the parent is gone */
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

static void inflight_add(struct load *l, struct tunnel *t)
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

static void request_done(struct load *l, struct tunnel *t)
{
    free(t->req);
    t->req = NULL;
    inflight_remove(l, t);
}

static void fail(struct load *l, struct tunnel *t, const char *why)
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

static void tunnel_up(struct load *l, struct tunnel *t)
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
static void send_msg(struct tunnel *t, const uint8_t *msg, size_t len)
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
static void request(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len)
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
static size_t seal(struct tunnel *t, const struct ike_hdr *hdr, const uint8_t *inner, size_t inner_len,
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

/* ---- IKE_SA_INIT ------------------------------------------------------------------------ */

/* RFC 7296 2.23: SHA-1(SPIi | SPIr | IP address | port) */
static void natd_hash(uint64_t spi_i, uint64_t spi_r, struct in_addr a, uint16_t port, uint8_t out[20])
{
    uint8_t in[8 + 8 + 4 + 2];
    unsigned olen;
    spi_bytes(in, spi_i);
    spi_bytes(in + 8, spi_r);
    memcpy(in + 16, &a.s_addr, 4);
    wr16(in + 20, port);
    EVP_Digest(in, sizeof in, out, &olen, EVP_sha1(), NULL);
}

static void ike_proposal_ours(struct ike_proposal *p, uint16_t group)
{
    memset(p, 0, sizeof *p);
    p->num = 1;
    p->protocol = IKE_PROTO_IKE;
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 128, false };
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_PRF, IKE_PRF_HMAC_SHA2_256, 0, false };
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_DH, group, 0, false };
}

static void send_init(struct load *l, struct tunnel *t)
{
    struct setup *s = t->s;
    uint8_t pub[IKE_DH_PUBLIC_MAX], h[20];
    struct ike_hdr hdr = { .spi_i = t->spi_i, .exchange = IKE_SA_INIT, .flags = IKE_FLAG_INITIATOR };
    struct ike_proposal prop;
    struct ike_build b;
    size_t len;
    ike_dh_destroy(&s->dh);
    s->dh = ike_dh_new(s->group);
    int publen = s->dh ? ike_dh_public(s->dh, pub, sizeof pub) : -1;
    if (publen <= 0) {
        fail(l, t, "dh-failed");
        return;
    }
    ike_proposal_ours(&prop, s->group);
    ike_build_begin(&b, txbuf, MSG_CAP, &hdr);
    if (s->cookie_len) /* RFC 7296 2.6: first */
        ike_build_notify(&b, 0, IKE_N_COOKIE, NULL, 0, s->cookie, s->cookie_len);
    ike_build_sa(&b, &prop, 1);
    ike_build_ke(&b, s->group, pub, (size_t)publen);
    ike_build_nonce(&b, s->ni, NONCE_LEN);
    natd_hash(t->spi_i, 0, t->local, t->local_port, h);
    if (l->o.force_natt)
        h[0] ^= 0xff; /* the responder then sees a NAT in front of us */
    ike_build_notify(&b, 0, IKE_N_NAT_DETECTION_SOURCE_IP, NULL, 0, h, 20);
    natd_hash(t->spi_i, 0, l->o.target.sin_addr, l->o.port, h);
    ike_build_notify(&b, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, NULL, 0, h, 20);
    if (ike_build_end(&b, &len, NULL) != IKE_MSG_OK) {
        fail(l, t, "build-failed");
        return;
    }
    free(s->init_req);
    s->init_req = malloc(len);
    if (!s->init_req) {
        fail(l, t, "out-of-memory");
        return;
    }
    memcpy(s->init_req, txbuf, len);
    s->init_req_len = len;
    t->next_id = 1;
    request(l, t, txbuf, len);
}

static int open_socket(struct load *l, struct tunnel *t, unsigned k)
{
    unsigned i = l->first + k;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr = l->o.src,
                             .sin_port = htons((uint16_t)(l->o.base_port + i)) };
    struct sockaddr_in dst = l->o.target;
    dst.sin_port = htons(l->o.port);
    socklen_t alen = sizeof a;
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = k };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0 || epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    t->fd = fd;
    t->local = a.sin_addr; /* what the responder's NAT-D hashes should name */
    t->local_port = ntohs(a.sin_port);
    return 0;
}

static void start(struct load *l, unsigned k)
{
    struct tunnel *t = &l->t[k];
    memset(t, 0, sizeof *t);
    t->fd = -1;
    inflight_add(l, t);
    t->started_ms = now_ms();
    t->state = T_INIT;
    if (open_socket(l, t, k) != 0) {
        char why[48];
        snprintf(why, sizeof why, "socket-%s", errno == EADDRINUSE ? "address-in-use"
                                               : errno == EMFILE   ? "too-many-files"
                                                                   : "error");
        fail(l, t, why);
        return;
    }
    t->s = calloc(1, sizeof *t->s);
    if (!t->s) {
        fail(l, t, "out-of-memory");
        return;
    }
    t->s->group = IKE_DH_ECP_256;
    do
        RAND_bytes((uint8_t *)&t->spi_i, sizeof t->spi_i);
    while (!t->spi_i);
    do
        RAND_bytes((uint8_t *)&t->esp_spi, sizeof t->esp_spi);
    while (t->esp_spi < 256); /* RFC 4303 2.1: below are reserved */
    RAND_bytes(t->s->ni, NONCE_LEN);
    send_init(l, t);
}

/* ---- IKE_AUTH ----------------------------------------------------------------------- */

static size_t our_id(const struct load *l, unsigned i, uint8_t *out, size_t cap)
{
    int n = snprintf((char *)out, cap, "%s-%u.example", l->o.id_prefix, i);
    return n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
}

static void send_auth(struct load *l, struct tunnel *t)
{
    struct setup *s = t->s;
    unsigned i = l->first + (unsigned)(t - l->t);
    uint8_t id[128], body[4 + 128], auth[IKE_PRF_MAX], spi[4], inner[2048];
    size_t id_len = our_id(l, i, id, sizeof id);
    body[0] = l->o.id_type; /* RFC 7296 2.15: AUTH signs the ID payload's body */
    body[1] = body[2] = body[3] = 0;
    memcpy(body + 4, id, id_len);
    if (ike_auth_psk(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)l->o.psk, strlen(l->o.psk), s->init_req,
                     s->init_req_len, s->nr, s->nr_len, s->keys.sk_pi, s->keys.p_len, body, 4 + id_len,
                     auth) != 0) {
        fail(l, t, "auth-compute-failed");
        return;
    }
    struct ike_proposal esp;
    memset(&esp, 0, sizeof esp);
    be32(spi, t->esp_spi);
    esp.num = 1;
    esp.protocol = IKE_PROTO_ESP;
    esp.spi_size = 4;
    esp.spi = spi;
    esp.tf[esp.n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 128, false };
    esp.tf[esp.n_transforms++] = (struct ike_transform){ IKE_TF_ESN, IKE_ESN_NO, 0, false };
    uint8_t a[16];
    be32(a, l->o.ts_base + i);
    be32(a + 4, l->o.ts_base + i);
    be32(a + 8, l->o.ts_remote_lo);
    be32(a + 12, l->o.ts_remote_hi);
    struct ike_ts tsi = { .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535, .start = a, .end = a + 4 };
    struct ike_ts tsr = { .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535, .start = a + 8, .end = a + 12 };
    struct ike_build b;
    size_t inner_len, len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_id(&b, IKE_PL_IDI, l->o.id_type, id, id_len);
    ike_build_auth(&b, IKE_AUTH_PSK, auth, ike_prf_len(IKE_PRF_HMAC_SHA2_256));
    ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    ike_build_sa(&b, &esp, 1);
    ike_build_ts(&b, IKE_PL_TSI, &tsi, 1);
    ike_build_ts(&b, IKE_PL_TSR, &tsr, 1);
    struct ike_hdr hdr = { .spi_i = t->spi_i, .spi_r = t->spi_r, .exchange = IKE_AUTH,
                           .flags = IKE_FLAG_INITIATOR, .msg_id = t->next_id };
    if (ike_build_end(&b, &inner_len, &first) != IKE_MSG_OK || !(len = seal(t, &hdr, inner, inner_len, first))) {
        fail(l, t, "build-failed");
        return;
    }
    t->next_id++;
    t->state = T_AUTH;
    request(l, t, txbuf, len);
}

/* A notify's name as a failure reason: "N-AUTHENTICATION_FAILED". */
static void notify_reason(char *out, size_t cap, uint16_t type)
{
    const char *n = ike_notify_name(type);
    if (strcmp(n, "?") == 0)
        snprintf(out, cap, "N-%u", type);
    else
        snprintf(out, cap, "N-%s", n);
}

static const struct ike_notify *first_error(const struct ike_msg *m)
{
    for (unsigned i = 0; i < m->n_notifies; i++)
        if (m->notify[i].type <= IKE_N_ERROR_MAX)
            return &m->notify[i];
    return NULL;
}

/* Exactly what we proposed: AES-GCM-16-128, for IKE with PRF-SHA2-256 and
 * the group, for ESP without ESN. */
static bool proposal_is(const struct ike_proposal *p, uint8_t protocol, uint16_t group)
{
    bool ike = protocol == IKE_PROTO_IKE, encr = false, prf = !ike, dh = !ike;
    if (p->protocol != protocol)
        return false;
    for (unsigned i = 0; i < p->n_transforms; i++) {
        const struct ike_transform *x = &p->tf[i];
        switch (x->type) {
        case IKE_TF_ENCR:
            encr = x->id == IKE_ENCR_AES_GCM_16 && x->key_len == 128 && !x->unusable;
            break;
        case IKE_TF_PRF:
            prf = ike && x->id == IKE_PRF_HMAC_SHA2_256;
            break;
        case IKE_TF_DH:
            dh = ike ? x->id == group : x->id == IKE_DH_NONE;
            break;
        case IKE_TF_INTEG:
            if (x->id != IKE_INTEG_NONE)
                return false;
            break;
        case IKE_TF_ESN:
            if (ike || x->id != IKE_ESN_NO)
                return false;
            break;
        default:
            return false;
        }
    }
    return encr && prf && dh;
}

/* The IKE_SA_INIT response, its payloads in msg_out. */
static void init_response(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg,
                          size_t len)
{
    const struct ike_msg *m = &msg_out;
    struct setup *s = t->s;
    const struct ike_notify *n;
    char why[48];
    if ((n = ike_msg_notify(m, IKE_N_COOKIE))) {
        bool bad = n->len < 1 || n->len > sizeof s->cookie;
        if (bad || ++s->cookies > MAX_COOKIES) {
            fail(l, t, bad ? "bad-cookie" : "cookie-loop");
            return;
        }
        memcpy(s->cookie, n->data, n->len); /* RFC 7296 2.6: again, with the cookie */
        s->cookie_len = n->len;
        send_init(l, t);
        return;
    }
    if ((n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD))) {
        uint16_t g = n->len == 2 ? rd16(n->data) : 0;
        if (!g || g == s->group || !ike_dh_supported(g) || ++s->ke_retries > MAX_KE_RETRIES) {
            snprintf(why, sizeof why, "invalid-ke-payload-group-%u", g);
            fail(l, t, why);
            return;
        }
        s->group = g; /* RFC 7296 1.2: again, with the group the responder wants */
        send_init(l, t);
        return;
    }
    if ((n = first_error(m))) {
        notify_reason(why, sizeof why, n->type);
        fail(l, t, why);
        return;
    }
    if (!ike_msg_has(m, IKE_PL_SA) || m->sa.n_proposals != 1 || !proposal_is(&m->sa.prop[0], IKE_PROTO_IKE, s->group) ||
        !ike_msg_has(m, IKE_PL_KE) || m->ke.group != s->group || !ike_msg_has(m, IKE_PL_NONCE) || h->spi_r == 0) {
        fail(l, t, "bad-init-response");
        return;
    }
    t->spi_r = h->spi_r;
    memcpy(s->nr, m->nonce.data, m->nonce.len);
    s->nr_len = m->nonce.len;
    uint8_t gir[IKE_DH_PUBLIC_MAX], spi_i[8], spi_r[8];
    size_t gir_len;
    struct ike_transforms tf = { .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 128, .integ = IKE_INTEG_NONE,
                                 .prf = IKE_PRF_HMAC_SHA2_256, .dh = s->group };
    spi_bytes(spi_i, t->spi_i);
    spi_bytes(spi_r, t->spi_r);
    enum ike_dh_result dr = ike_dh_shared(s->dh, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len);
    int kr = dr == IKE_DH_OK ? ike_sa_keys_derive(&s->keys, &tf, gir, gir_len, s->ni, NONCE_LEN, s->nr,
                                                  s->nr_len, spi_i, spi_r)
                             : -1;
    OPENSSL_cleanse(gir, sizeof gir);
    if (kr != 0) {
        fail(l, t, dr != IKE_DH_OK ? ike_dh_result_name(dr) : "key-derivation-failed");
        return;
    }
    ike_sk_keys_from_sa(&t->ko, &s->keys, true);
    ike_sk_keys_from_sa(&t->ki, &s->keys, false);
    s->init_resp = malloc(len);
    if (!s->init_resp) {
        fail(l, t, "out-of-memory");
        return;
    }
    memcpy(s->init_resp, msg, len);
    s->init_resp_len = len;
    /* RFC 7296 2.23: the responder's NAT_DETECTION_SOURCE_IP names where it
     * sent from, its DESTINATION_IP where it sent to (us); a mismatch is a
     * NAT on the way. Without NAT-D the responder does no NAT-T. */
    bool nat = false;
    uint8_t hsh[20];
    for (unsigned k = 0; k < m->n_notifies; k++) {
        const struct ike_notify *x = &m->notify[k];
        if (x->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
            natd_hash(t->spi_i, t->spi_r, l->o.target.sin_addr, l->o.port, hsh);
            nat |= x->len != 20 || memcmp(hsh, x->data, 20) != 0;
        } else if (x->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
            natd_hash(t->spi_i, t->spi_r, t->local, t->local_port, hsh);
            nat |= x->len != 20 || memcmp(hsh, x->data, 20) != 0;
        }
    }
    if (nat || l->o.force_natt) {
        struct sockaddr_in dst = l->o.target;
        dst.sin_port = htons(4500);
        if (connect(t->fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
            fail(l, t, "float-to-4500-failed");
            return;
        }
        t->natt = true;
    }
    send_auth(l, t);
}

/* Opens the SK payload of msg (its outer payloads in msg_out) into msg_in:
 * -1 when it does not authenticate (not from the responder, or broken),
 * -2 when the plaintext does not parse. */
static int open_sk(struct tunnel *t, const uint8_t *msg, size_t len)
{
    size_t plen;
    if (!ike_msg_has(&msg_out, IKE_PL_SK))
        return -1;
    if (ike_sk_open(&t->ki, IKE_PAYLOAD_SK, msg, len, (size_t)(msg_out.sk.payload - msg), plain, sizeof plain,
                    &plen) != IKE_SK_OK)
        return -1;
    return ike_parse_payloads(msg_out.sk.next, plain, plen, &msg_in) == IKE_MSG_OK ? 0 : -2;
}

static void auth_response(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len)
{
    struct setup *s = t->s;
    char why[48];
    int r = open_sk(t, msg, len);
    if (r == -1) {
        l->ignored++; /* forged or broken: the real answer may still come */
        return;
    }
    if (r != 0) {
        fail(l, t, "malformed-auth-response");
        return;
    }
    const struct ike_notify *n = first_error(&msg_in);
    if (n) {
        notify_reason(why, sizeof why, n->type);
        fail(l, t, why);
        return;
    }
    if (!ike_msg_has(&msg_in, IKE_PL_IDR) || !ike_msg_has(&msg_in, IKE_PL_AUTH)) {
        fail(l, t, "no-idr-or-auth");
        return;
    }
    /* RFC 7296 2.15: the responder signs its IKE_SA_INIT, our nonce, its ID */
    if (msg_in.auth.method != IKE_AUTH_PSK ||
        ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)l->o.psk, strlen(l->o.psk), s->init_resp,
                            s->init_resp_len, s->ni, NONCE_LEN, s->keys.sk_pr, s->keys.p_len, msg_in.idr.body,
                            msg_in.idr.body_len, msg_in.auth.data, msg_in.auth.len) != 0) {
        fail(l, t, "responder-auth-bad");
        return;
    }
    if (!ike_msg_has(&msg_in, IKE_PL_SA) || !ike_msg_has(&msg_in, IKE_PL_TSI) ||
        !ike_msg_has(&msg_in, IKE_PL_TSR) || msg_in.tsi.count == 0 || msg_in.tsr.count == 0) {
        fail(l, t, "no-child-sa");
        return;
    }
    if (msg_in.sa.n_proposals != 1 || msg_in.sa.prop[0].spi_size != 4 ||
        !proposal_is(&msg_in.sa.prop[0], IKE_PROTO_ESP, 0)) {
        fail(l, t, "bad-child-proposal");
        return;
    }
    t->peer_esp_spi = rd32(msg_in.sa.prop[0].spi);
    tunnel_up(l, t);
}

/* ---- the responder's requests (DPD, Delete, rekeys) --------------------------------------- */

/* What answering one request changes in the tunnel: applied once the answer
 * is sealed, so a retransmitted request (answered from t->resp) changes nothing. */
struct answer {
    bool ike_deleted, child_deleted, old_deleted;
    bool rekeyed, rekey_refused;
    uint32_t new_esp_spi, new_peer_esp_spi;
};

/* The ESP proposal taken from a CHILD SA rekey request. */
struct esp_pick {
    const struct ike_proposal *p;
    uint16_t dh;               /* the KE's group; 0 without PFS */
    bool integ_tf, esn_tf, dh_tf; /* offered: the answer carries one of each type offered */
};

static bool child_alive(const struct tunnel *t)
{
    return t->state == T_UP || t->state == T_DELETING;
}

/* RFC 7296 1.4.1, 3.11: a Delete names the SPIs its sender receives on; the
 * answer names our halves of those pairs, and nothing for an SA we do not have. */
static void answer_delete(struct tunnel *t, struct ike_build *b, struct answer *a)
{
    uint8_t ours[8];
    uint16_t n = 0;
    for (unsigned i = 0; i < msg_in.n_deletes; i++) {
        const struct ike_delete *d = &msg_in.del[i];
        if (d->protocol == IKE_PROTO_IKE)
            a->ike_deleted = true;
        if (d->protocol != IKE_PROTO_ESP || d->spi_size != 4)
            continue;
        for (unsigned k = 0; k < d->count; k++) {
            uint32_t spi = rd32(d->spis + 4 * k);
            if (child_alive(t) && spi == t->peer_esp_spi && !a->child_deleted) {
                wr32(ours + 4 * n++, t->esp_spi);
                a->child_deleted = true;
            } else if (t->old_peer_esp_spi && spi == t->old_peer_esp_spi && !a->old_deleted) {
                wr32(ours + 4 * n++, t->old_esp_spi);
                a->old_deleted = true;
            }
        }
    }
    if (n)
        ike_build_delete(b, IKE_PROTO_ESP, 4, ours, n);
}

/* RFC 7296 3.3.6: a proposal we take offers ESP with a 4-byte SPI (not one of
 * RFC 4303's reserved 0..255), AES-GCM-16-128, no integrity or NONE, no ESN
 * or ESN off, and no other type but DH; RFC 7296 1.3: with a KE its group is
 * among the proposal's, without one NONE is or no group at all. 0 with *pick;
 * INVALID_KE_PAYLOAD with a group we can do in *want; else NO_PROPOSAL_CHOSEN. */
static uint16_t esp_pick(const struct ike_sa_payload *sa, uint16_t ke, struct esp_pick *pick, uint16_t *want)
{
    *want = 0;
    for (unsigned i = 0; i < sa->n_proposals; i++) {
        const struct ike_proposal *p = &sa->prop[i];
        bool encr = false, integ_tf = false, integ_none = false, esn_tf = false, esn_no = false;
        bool dh_tf = false, dh_none = false, dh_ke = false, other = false;
        uint16_t alt = 0; /* a group we could do instead */
        if (p->protocol != IKE_PROTO_ESP || p->spi_size != 4 || rd32(p->spi) < 256)
            continue;
        for (unsigned k = 0; k < p->n_transforms; k++) {
            const struct ike_transform *x = &p->tf[k];
            switch (x->type) {
            case IKE_TF_ENCR:
                encr |= x->id == IKE_ENCR_AES_GCM_16 && x->key_len == 128 && !x->unusable;
                break;
            case IKE_TF_INTEG:
                integ_tf = true;
                integ_none |= x->id == IKE_INTEG_NONE && !x->unusable;
                break;
            case IKE_TF_ESN:
                esn_tf = true;
                esn_no |= x->id == IKE_ESN_NO && !x->unusable;
                break;
            case IKE_TF_DH:
                dh_tf = true;
                if (x->unusable)
                    break;
                if (x->id == IKE_DH_NONE)
                    dh_none = true;
                else if (ke && x->id == ke && ike_dh_supported(ke))
                    dh_ke = true;
                else if (!alt && ike_dh_supported(x->id))
                    alt = x->id;
                break;
            default:
                other = true; /* PRF, or a type ESP does not have */
                break;
            }
        }
        if (!encr || other || (integ_tf && !integ_none) || (esn_tf && !esn_no))
            continue;
        if (ke ? dh_ke : (!dh_tf || dh_none)) {
            *pick = (struct esp_pick){ .p = p, .dh = ke, .integ_tf = integ_tf, .esn_tf = esn_tf, .dh_tf = dh_tf };
            return 0;
        }
        if (!*want)
            *want = alt; /* RFC 7296 1.3: a proposal with another group: ask for it */
    }
    return *want ? IKE_N_INVALID_KE_PAYLOAD : IKE_N_NO_PROPOSAL_CHOSEN;
}

/* RFC 7296 1.3.3, 2.8: the responder rekeys our CHILD SA. REKEY_SA names it
 * by the SPI its sender receives on: the responder's half of the pair. The
 * answer is SA (our new inbound SPI), Nr, [KEr], TSi, TSr; ikeload carries no
 * ESP, so no KEYMAT is derived, but g^ir is computed to check the peer's KE. */
static void answer_rekey(struct tunnel *t, const struct ike_notify *rk, struct ike_build *b, struct answer *a)
{
    const struct ike_msg *m = &msg_in;
    static struct ike_ts tsi[IKE_MAX_TS], tsr[IKE_MAX_TS];
    uint8_t pub[IKE_DH_PUBLIC_MAX], gir[IKE_DH_PUBLIC_MAX], nr[NONCE_LEN], spi[4], data[2];
    unsigned n_tsi = 0, n_tsr = 0;
    struct ike_dh *dh = NULL;
    struct esp_pick pick;
    uint16_t err, want = 0;
    int publen = 0;
    if (rk->spi_size != 4 || (rk->protocol != IKE_PROTO_ESP && rk->protocol != IKE_PROTO_AH)) {
        err = IKE_N_INVALID_SYNTAX;
        goto refuse;
    }
    if (rk->protocol != IKE_PROTO_ESP || !child_alive(t) || rd32(rk->spi) != t->peer_esp_spi) {
        err = IKE_N_CHILD_SA_NOT_FOUND;
        goto refuse;
    }
    if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_NONCE) || !ike_msg_has(m, IKE_PL_TSI) ||
        !ike_msg_has(m, IKE_PL_TSR) || (ike_msg_has(m, IKE_PL_KE) && m->ke.group == IKE_DH_NONE)) {
        err = IKE_N_INVALID_SYNTAX;
        goto refuse;
    }
    if ((err = esp_pick(&m->sa, ike_msg_has(m, IKE_PL_KE) ? m->ke.group : 0, &pick, &want)) != 0)
        goto refuse;
    /* RFC 7296 2.9: the selectors echoed, those of a type we do not know left out */
    for (unsigned i = 0; i < m->tsi.count; i++)
        if (m->tsi.ts[i].start)
            tsi[n_tsi++] = m->tsi.ts[i];
    for (unsigned i = 0; i < m->tsr.count; i++)
        if (m->tsr.ts[i].start)
            tsr[n_tsr++] = m->tsr.ts[i];
    if (!n_tsi || !n_tsr) {
        err = IKE_N_TS_UNACCEPTABLE;
        goto refuse;
    }
    if (pick.dh) {
        size_t gir_len;
        dh = ike_dh_new(pick.dh);
        publen = dh ? ike_dh_public(dh, pub, sizeof pub) : -1;
        enum ike_dh_result dr = publen > 0 ? ike_dh_shared(dh, m->ke.data, m->ke.len, gir, sizeof gir, &gir_len)
                                           : IKE_DH_CRYPTO;
        OPENSSL_cleanse(gir, sizeof gir);
        if (dr != IKE_DH_OK) {
            err = dr == IKE_DH_BAD_LENGTH || dr == IKE_DH_BAD_VALUE ? IKE_N_INVALID_SYNTAX : IKE_N_TEMPORARY_FAILURE;
            goto refuse;
        }
    }
    do
        RAND_bytes((uint8_t *)&a->new_esp_spi, sizeof a->new_esp_spi);
    while (a->new_esp_spi < 256 || a->new_esp_spi == t->esp_spi || a->new_esp_spi == t->old_esp_spi);
    a->new_peer_esp_spi = rd32(pick.p->spi);
    be32(spi, a->new_esp_spi);
    struct ike_proposal ours = { .num = pick.p->num, .protocol = IKE_PROTO_ESP, .spi_size = 4, .spi = spi };
    ours.tf[ours.n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 128, false };
    if (pick.integ_tf)
        ours.tf[ours.n_transforms++] = (struct ike_transform){ IKE_TF_INTEG, IKE_INTEG_NONE, 0, false };
    if (pick.dh_tf)
        ours.tf[ours.n_transforms++] = (struct ike_transform){ IKE_TF_DH, pick.dh, 0, false };
    if (pick.esn_tf)
        ours.tf[ours.n_transforms++] = (struct ike_transform){ IKE_TF_ESN, IKE_ESN_NO, 0, false };
    RAND_bytes(nr, sizeof nr);
    ike_build_sa(b, &ours, 1);
    ike_build_nonce(b, nr, sizeof nr);
    if (pick.dh)
        ike_build_ke(b, pick.dh, pub, (size_t)publen);
    ike_build_ts(b, IKE_PL_TSI, tsi, n_tsi);
    ike_build_ts(b, IKE_PL_TSR, tsr, n_tsr);
    ike_dh_destroy(&dh);
    a->rekeyed = true;
    return;
refuse:
    ike_dh_destroy(&dh);
    wr16(data, want);
    ike_build_notify(b, 0, err, NULL, 0, err == IKE_N_INVALID_KE_PAYLOAD ? data : NULL,
                     err == IKE_N_INVALID_KE_PAYLOAD ? 2 : 0);
    a->rekey_refused = true;
}

static void answer_request(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg,
                           size_t len)
{
    static uint8_t inner[MSG_CAP];
    if (t->peer_id > 0 && h->msg_id == t->peer_id - 1 && t->resp) {
        send_msg(t, t->resp, t->resp_len); /* our answer was lost */
        return;
    }
    if (h->msg_id != t->peer_id || open_sk(t, msg, len) != 0) {
        l->ignored++;
        return;
    }
    struct answer a = { 0 };
    const struct ike_notify *rk;
    struct ike_build b;
    size_t inner_len, out;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    if (h->exchange == IKE_INFORMATIONAL) {
        answer_delete(t, &b, &a);
        if (msg_in.n_payloads == 0)
            l->dpd_answered++; /* RFC 7296 2.4: an empty INFORMATIONAL is a liveness check */
    } else if (h->exchange == IKE_CREATE_CHILD_SA && (rk = ike_msg_notify(&msg_in, IKE_N_REKEY_SA))) {
        answer_rekey(t, rk, &b, &a);
    } else if (h->exchange == IKE_CREATE_CHILD_SA) {
        /* one CHILD SA per IKE SA, and no IKE SA rekeys: a run is shorter than an IKE lifetime */
        ike_build_notify(&b, 0, IKE_N_NO_ADDITIONAL_SAS, NULL, 0, NULL, 0);
    } else {
        l->ignored++;
        return;
    }
    struct ike_hdr rh = { .spi_i = t->spi_i, .spi_r = t->spi_r, .exchange = h->exchange,
                          .flags = IKE_FLAG_INITIATOR | IKE_FLAG_RESPONSE, .msg_id = h->msg_id };
    if (ike_build_end(&b, &inner_len, &first) != IKE_MSG_OK || !(out = seal(t, &rh, inner, inner_len, first))) {
        l->ignored++; /* an answer we cannot build: the request counts as not taken */
        return;
    }
    free(t->resp);
    t->resp = malloc(out);
    if (t->resp) {
        memcpy(t->resp, txbuf, out);
        t->resp_len = out;
    }
    t->peer_id++;
    l->requests_answered++;
    send_msg(t, txbuf, out);
    if (a.old_deleted)
        t->old_esp_spi = t->old_peer_esp_spi = 0;
    if (a.rekeyed) { /* an older pair the responder never deleted is forgotten */
        t->old_esp_spi = t->esp_spi;
        t->old_peer_esp_spi = t->peer_esp_spi;
        t->esp_spi = a.new_esp_spi;
        t->peer_esp_spi = a.new_peer_esp_spi;
        l->child_rekeys_answered++;
    }
    l->child_rekeys_refused += a.rekey_refused;
    /* the IKE SA, or the CHILD SA in use, gone: the tunnel is lost */
    if ((a.ike_deleted || a.child_deleted) && child_alive(t)) {
        t->state = T_LOST;
        l->lost++;
        request_done(l, t);
    }
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
static int run(const struct opts *o, unsigned first, unsigned n, unsigned w, struct tally *y, int report_fd)
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

/* ---- workers ------------------------------------------------------------------------------- */

/* Splits the tunnels over `workers` processes and adds up their records. */
static int run_workers(const struct opts *o, unsigned workers, struct tally *y)
{
    int p[2];
    pid_t pid[MAX_WORKERS];
    if (pipe(p) != 0) {
        perror("ikeload: pipe");
        return 1;
    }
    unsigned w_each = o->window / workers ? o->window / workers : 1;
    for (unsigned w = 0; w < workers; w++) {
        unsigned lo = (unsigned)((uint64_t)o->count * w / workers);
        unsigned hi = (unsigned)((uint64_t)o->count * (w + 1) / workers);
        pid[w] = fork();
        if (pid[w] < 0) {
            perror("ikeload: fork");
            return 1;
        }
        if (pid[w] == 0) {
            close(p[0]);
            _exit(run(o, lo, hi - lo, w_each, NULL, p[1]));
        }
    }
    close(p[1]);
    unsigned setups = 0, holds = 0, deletes = 0, lost = 0, held = 0, asked = 0;
    uint64_t dpd = 0, answered = 0, rekeys = 0, refused = 0;
    bool forwarded = false;
    for (;;) {
        if (stop && !forwarded) { /* our children end as we were asked to */
            for (unsigned w = 0; w < workers; w++)
                kill(pid[w], SIGTERM);
            forwarded = true;
        }
        struct rec r;
        ssize_t got = read(p[0], &r, sizeof r);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof r)
            break; /* every worker is gone */
        uint64_t now = now_ms();
        switch (r.kind) {
        case REC_UP:
            tally_up(y, r.v, now);
            break;
        case REC_FAIL:
            r.why[sizeof r.why - 1] = 0;
            tally_fail(y, r.why, now);
            break;
        case REC_SETUP_DONE:
            y->retransmits += r.a;
            y->ignored += r.b;
            y->cpu_s += r.cpu_s;
            if (++setups == workers)
                tally_summary(y);
            break;
        case REC_HOLD_DONE:
            lost += r.v;
            dpd += r.a;
            held += (unsigned)r.b;
            rekeys += r.c;
            refused += r.d;
            if (++holds == workers) {
                printf("ikeload: held %u tunnels; %u lost to the responder's delete; %llu DPD answered; "
                       "%llu CHILD SA rekeys answered, %llu refused\n",
                       held, lost, (unsigned long long)dpd, (unsigned long long)rekeys,
                       (unsigned long long)refused);
                fflush(stdout);
            }
            break;
        case REC_DELETE_DONE:
            asked += r.v;
            answered += r.a;
            if (++deletes == workers) {
                printf("ikeload: sent Delete for %u IKE SAs, %llu answered\n", asked, (unsigned long long)answered);
                fflush(stdout);
            }
            break;
        default:
            break;
        }
    }
    close(p[0]);
    int rc = 0;
    for (unsigned w = 0; w < workers; w++) {
        int status;
        if (waitpid(pid[w], &status, 0) != pid[w] || !WIFEXITED(status) || WEXITSTATUS(status))
            rc = 1;
    }
    if (setups < workers) {
        fprintf(stderr, "ikeload: %u of %u workers ended before reporting\n", workers - setups, workers);
        rc = 1;
    }
    return rc;
}

/* ---- options -------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: ikeload --target IP [--port 500] --psk KEY --count N [--window 64] [--src-ip IP]\n"
            "               [--base-port 10000] [--id-prefix load] [--id-type fqdn|key-id]\n"
            "               [--ts-base 10.100.0.0] [--ts-remote 10.10.0.0/24] [--timeout 30]\n"
            "               [--report-every 1000] [--force-natt] [--hold S] [--delete]\n");
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v < lo || v > hi)
        return false;
    *out = (unsigned)v;
    return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        { "target", 1, 0, 't' },     { "port", 1, 0, 'p' },      { "psk", 1, 0, 'k' },
        { "count", 1, 0, 'n' },      { "window", 1, 0, 'w' },    { "src-ip", 1, 0, 's' },
        { "base-port", 1, 0, 'b' },  { "id-prefix", 1, 0, 'i' }, { "id-type", 1, 0, 'I' },
        { "ts-base", 1, 0, 'T' },    { "ts-remote", 1, 0, 'R' }, { "timeout", 1, 0, 'o' },
        { "report-every", 1, 0, 'r' }, { "force-natt", 0, 0, 'F' }, { "hold", 1, 0, 'H' },
        { "delete", 0, 0, 'D' },     { "help", 0, 0, 'h' },      { 0, 0, 0, 0 },
    };
    memset(o, 0, sizeof *o);
    o->port = 500;
    o->window = 64;
    o->base_port = 10000;
    o->id_prefix = "load";
    o->id_type = IKE_ID_FQDN;
    o->ts_base = 0x0a640000;       /* 10.100.0.0 */
    o->ts_remote_lo = 0x0a0a0000; /* 10.10.0.0/24 */
    o->ts_remote_hi = 0x0a0a00ff;
    o->timeout_s = 30;
    o->report_every = 1000;
    o->src.s_addr = htonl(INADDR_ANY);
    bool target = false;
    unsigned v;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 't':
            o->target.sin_family = AF_INET;
            if (inet_pton(AF_INET, optarg, &o->target.sin_addr) != 1)
                goto bad;
            target = true;
            break;
        case 'p':
            if (!parse_uint(optarg, 1, 65535, &v))
                goto bad;
            o->port = (uint16_t)v;
            break;
        case 'k':
            o->psk = optarg;
            break;
        case 'n':
            if (!parse_uint(optarg, 1, 65535, &o->count))
                goto bad;
            break;
        case 'w':
            if (!parse_uint(optarg, 1, 65535, &o->window))
                goto bad;
            break;
        case 's':
            if (inet_pton(AF_INET, optarg, &o->src) != 1)
                goto bad;
            break;
        case 'b':
            if (!parse_uint(optarg, 1, 65535, &o->base_port))
                goto bad;
            break;
        case 'i':
            o->id_prefix = optarg;
            if (strlen(optarg) > 80)
                goto bad;
            break;
        case 'I':
            if (strcmp(optarg, "fqdn") == 0)
                o->id_type = IKE_ID_FQDN;
            else if (strcmp(optarg, "key-id") == 0)
                o->id_type = IKE_ID_KEY_ID;
            else
                goto bad;
            break;
        case 'T': {
            struct in_addr a;
            if (inet_pton(AF_INET, optarg, &a) != 1)
                goto bad;
            o->ts_base = ntohl(a.s_addr);
            break;
        }
        case 'R': {
            char addr[32];
            unsigned plen = 32;
            struct in_addr a;
            const char *slash = strchr(optarg, '/');
            size_t al = slash ? (size_t)(slash - optarg) : strlen(optarg);
            if (al >= sizeof addr)
                goto bad;
            memcpy(addr, optarg, al);
            addr[al] = 0;
            if (inet_pton(AF_INET, addr, &a) != 1 || (slash && !parse_uint(slash + 1, 0, 32, &plen)))
                goto bad;
            uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
            o->ts_remote_lo = ntohl(a.s_addr) & mask;
            o->ts_remote_hi = o->ts_remote_lo | ~mask;
            break;
        }
        case 'o':
            if (!parse_uint(optarg, 0, 86400, &o->timeout_s))
                goto bad;
            break;
        case 'r':
            if (!parse_uint(optarg, 0, 65535, &o->report_every))
                goto bad;
            break;
        case 'F':
            o->force_natt = true;
            break;
        case 'H':
            if (!parse_uint(optarg, 0, 86400 * 7, &o->hold_s))
                goto bad;
            break;
        case 'D':
            o->delete_at_end = true;
            break;
        default:
            usage();
            return -1;
        }
    }
    if (!target || !o->psk || !o->psk[0] || !o->count || optind != argc) {
        usage();
        return -1;
    }
    if (o->base_port + o->count - 1 > 65535) {
        fprintf(stderr, "ikeload: base-port %u + count %u passes port 65535\n", o->base_port, o->count);
        return -1;
    }
    if ((uint64_t)o->ts_base + o->count - 1 > 0xffffffffu) {
        fprintf(stderr, "ikeload: ts-base + count passes 255.255.255.255\n");
        return -1;
    }
    if (o->window > o->count)
        o->window = o->count;
    return 0;
bad:
    fprintf(stderr, "ikeload: bad value '%s'\n", optarg);
    usage();
    return -1;
}

/* One socket per tunnel: raise RLIMIT_NOFILE to count + FD_RESERVE, or
 * say how many processes the hard limit calls for. */
static unsigned workers_needed(unsigned count)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)count + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return 1;
    struct rlimit up = { want, rl.rlim_max > want ? rl.rlim_max : want };
    if (setrlimit(RLIMIT_NOFILE, &up) == 0)
        return 1;
    rl.rlim_cur = rl.rlim_max; /* no CAP_SYS_RESOURCE: as far as the hard limit goes */
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_max <= 2 * FD_RESERVE)
        return 0;
    rlim_t each = rl.rlim_max - FD_RESERVE;
    unsigned n = (unsigned)((count + each - 1) / each);
    printf("ikeload: the descriptor limit is %llu (no CAP_SYS_RESOURCE to raise it): %u worker processes\n",
           (unsigned long long)rl.rlim_max, n);
    return n <= MAX_WORKERS ? n : 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (parse_opts(argc, argv, &o) != 0)
        return 2;
    unsigned workers = workers_needed(o.count);
    if (!workers) {
        fprintf(stderr, "ikeload: too few descriptors for %u tunnels\n", o.count);
        return 1;
    }
    static struct tally y;
    y.report_every = o.report_every;
    y.latency_ms = calloc(o.count, sizeof *y.latency_ms);
    if (!y.latency_ms) {
        perror("ikeload");
        return 1;
    }
    struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    y.t0_ms = y.last_report_ms = now_ms();
    int rc = workers == 1 ? run(&o, 0, o.count, o.window, &y, -1) : run_workers(&o, workers, &y);
    free(y.latency_ms);
    return rc ? rc : y.failed ? 1 : 0;
}

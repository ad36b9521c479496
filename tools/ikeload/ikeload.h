/* ikeload: declarations its files share (main.c describes the tool). */
#ifndef SRLAB_IKELOAD_H
#define SRLAB_IKELOAD_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/ike_crypto.h"
#include "isa/ike_msg.h"

#define MSG_CAP 8192
#define NONCE_LEN 32
#define MAX_REASONS 48
#define MAX_WORKERS 64

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

/* ---- the one process's state (main.c, tunnels.c) ---- */
extern volatile sig_atomic_t stop;          /* SIGINT/SIGTERM */
extern struct ike_msg msg_out, msg_in;      /* the datagram's payloads; an SK payload's inner ones */
extern uint8_t txbuf[MSG_CAP + 4];          /* the message being built */

static inline void be32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

/* ---- tunnels (tunnels.c) ---- */
uint64_t now_ms(void);
void inflight_add(struct load *l, struct tunnel *t);
void request_done(struct load *l, struct tunnel *t);
void fail(struct load *l, struct tunnel *t, const char *why);
void tunnel_up(struct load *l, struct tunnel *t);
void send_msg(struct tunnel *t, const uint8_t *msg, size_t len);
void request(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len);
size_t seal(struct tunnel *t, const struct ike_hdr *hdr, const uint8_t *inner, size_t inner_len, uint8_t first);
int open_sk(struct tunnel *t, const uint8_t *msg, size_t len);
int run(const struct opts *o, unsigned first, unsigned n, unsigned w, struct tally *y, int report_fd);

/* ---- setup (setup.c) ---- */
void start(struct load *l, unsigned k);
void init_response(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg, size_t len);
void auth_response(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len);

/* ---- the responder's requests (answer.c) ---- */
void answer_request(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg, size_t len);

/* ---- results and workers (report.c) ---- */
void tally_fail(struct tally *y, const char *why, uint64_t now);
void tally_up(struct tally *y, uint32_t latency_ms, uint64_t now);
void tally_summary(struct tally *y);
void report(struct load *l, const struct rec *r);
int run_workers(const struct opts *o, unsigned workers, struct tally *y);

#endif

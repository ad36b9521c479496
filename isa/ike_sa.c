/* The IKE SA table of one ISA: SAs by our SPI, half-open ones by the
 * initiator's SPI and address, ESP SPIs we handed out; the state machine of
 * an IKE SA as a table of legal transitions; message IDs, the cached
 * response and retransmission of our request (window size 1, RFC 7296
 * 2.1-2.3); the UDP/IP framing of IKE messages and RFC 7383 fragments. */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

struct ike_engine {
    zhashx_t *by_spi;            /* our IKE SPI (16 hex) -> ike_sa */
    zhashx_t *half_open;         /* "spi_i|remote|port" -> ike_sa (responder, before IKE_AUTH) */
    zhashx_t *esp_spis;          /* our inbound ESP SPI (8 hex) -> isa_tunnel */
    size_t n_half_open;
    uint8_t cookie_secret[32];
    struct ike_gw **gws;
    size_t n_gws;
    void *lockout;               /* ike_gw.c */
    void *routes;                /* ike_routes.c */
    struct ike_sa *all;          /* every SA (all_next/all_prev) */
    struct ike_sa *cursor;       /* where the next tick's slice starts */
    size_t n_all;
};

/* ike_gw.c keeps its gateways and lockout table in the engine */
struct ike_gw ***ike_engine_gws(struct isa *isa, size_t **n);
void **ike_engine_lockout(struct isa *isa);

struct ike_gw ***ike_engine_gws(struct isa *isa, size_t **n)
{
    *n = &isa->ike->n_gws;
    return &isa->ike->gws;
}

void **ike_engine_lockout(struct isa *isa)
{
    return &isa->ike->lockout;
}

void **ike_engine_routes(struct isa *isa);
void **ike_engine_routes(struct isa *isa)
{
    return &isa->ike->routes;
}

static const char *const state_names[IKE_S_MAX] = {
    [IKE_S_INIT_SENT] = "init-sent", [IKE_S_INIT_DONE] = "init-done",
    [IKE_S_AUTH_SENT] = "auth-sent", [IKE_S_ESTABLISHED] = "established",
    [IKE_S_REKEYED] = "rekeyed",     [IKE_S_DELETING] = "deleting",
    [IKE_S_DEAD] = "dead",
};

static const char *const event_names[IKE_E_MAX] = {
    [IKE_E_INIT_REQ] = "init-request",   [IKE_E_INIT_RESP] = "init-response",
    [IKE_E_AUTH_REQ] = "auth-request",   [IKE_E_AUTH_RESP] = "auth-response",
    [IKE_E_REKEYED] = "rekeyed",         [IKE_E_DELETE] = "delete",
    [IKE_E_DELETE_REQ] = "delete-request", [IKE_E_TIMEOUT] = "timeout",
    [IKE_E_AUTH_FAILED] = "auth-failed", [IKE_E_ERROR] = "error",
    [IKE_E_SYNCED] = "mc-synced",
};

const char *ike_state_name(enum ike_state s)
{
    return (unsigned)s < IKE_S_MAX ? state_names[s] : "?";
}

/* {state, event, next}: every legal transition. */
static const struct {
    enum ike_state from;
    enum ike_event ev;
    enum ike_state to;
} transitions[] = {
    { IKE_S_INIT_SENT, IKE_E_INIT_RESP, IKE_S_AUTH_SENT },
    { IKE_S_INIT_DONE, IKE_E_AUTH_REQ, IKE_S_ESTABLISHED },
    { IKE_S_AUTH_SENT, IKE_E_AUTH_RESP, IKE_S_ESTABLISHED },
    { IKE_S_ESTABLISHED, IKE_E_REKEYED, IKE_S_REKEYED },
    { IKE_S_ESTABLISHED, IKE_E_DELETE, IKE_S_DELETING },
    { IKE_S_REKEYED, IKE_E_DELETE, IKE_S_DELETING },
    { IKE_S_INIT_SENT, IKE_E_SYNCED, IKE_S_ESTABLISHED }, /* a fresh SA filled from an MCS record */
};

void ike_sa_set_state(struct ike_sa *sa, enum ike_event ev, enum ike_state next)
{
    bool legal = next == IKE_S_DEAD; /* any state may end */
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0] && !legal; i++)
        legal = transitions[i].from == sa->state && transitions[i].ev == ev && transitions[i].to == next;
    if (!legal) {
        log_warn("ike_state_illegal", "spi_i=%016llx event=%s state=%s next=%s",
                 (unsigned long long)sa->spi_i, event_names[ev], ike_state_name(sa->state),
                 ike_state_name(next));
        return;
    }
    log_info("ike_state", "spi_i=%016llx spi_r=%016llx event=%s from=%s to=%s",
             (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, event_names[ev],
             ike_state_name(sa->state), ike_state_name(next));
    sa->state = next;
}

/* ---- the tables --------------------------------------------------------------------- */

static void spi_key(char *k, uint64_t spi)
{
    snprintf(k, 17, "%016llx", (unsigned long long)spi);
}

void ike_engine_init(struct isa *isa)
{
    struct ike_engine *e = calloc(1, sizeof *e);
    e->by_spi = zhashx_new();
    e->half_open = zhashx_new();
    e->esp_spis = zhashx_new();
    RAND_bytes(e->cookie_secret, sizeof e->cookie_secret);
    isa->ike = e;
}

static void sa_free(struct ike_sa *sa)
{
    if (sa->setup) {
        ike_dh_destroy(&sa->setup->dh);
        free(sa->setup->init_req);
        free(sa->setup->init_resp);
        OPENSSL_cleanse(sa->setup, sizeof *sa->setup);
        free(sa->setup);
    }
    if (sa->frags) {
        for (int i = 0; i < 64; i++)
            free(sa->frags->part[i]);
        free(sa->frags);
    }
    while (sa->children) {
        struct child_sa *c = sa->children;
        sa->children = c->next;
        free(c->ts_local);
        free(c->ts_remote);
        free(c);
    }
    free(sa->req_msg);
    free(sa->resp_msg);
    ike_sa_keys_clear(&sa->keys);
    free(sa);
}

void ike_engine_free(struct isa *isa)
{
    struct ike_engine *e = isa->ike;
    if (!e)
        return;
    for (struct ike_sa *sa = e->all, *next; sa; sa = next) {
        next = sa->all_next;
        sa_free(sa);
    }
    zhashx_destroy(&e->by_spi);
    zhashx_destroy(&e->half_open);
    zhashx_destroy(&e->esp_spis);
    ike_gws_free(isa);
    zhashx_destroy((zhashx_t **)&e->lockout);
    ike_routes_free(isa);
    free(e);
    isa->ike = NULL;
}

uint64_t ike_new_spi(struct isa *isa)
{
    uint64_t spi;
    char k[17];
    do {
        RAND_bytes((uint8_t *)&spi, sizeof spi);
        spi_key(k, spi);
    } while (!spi || zhashx_lookup(isa->ike->by_spi, k));
    return spi;
}

uint32_t ike_new_esp_spi(struct isa *isa)
{
    uint32_t spi;
    char k[9];
    do { /* 256..: below are reserved (RFC 4303 2.1) */
        RAND_bytes((uint8_t *)&spi, sizeof spi);
        snprintf(k, sizeof k, "%08x", spi);
    } while (spi < 256 || zhashx_lookup(isa->ike->esp_spis, k));
    zhashx_insert(isa->ike->esp_spis, k, (void *)"reserved");
    return spi;
}

static void esp_spi_bind(struct isa *isa, uint32_t spi, struct isa_tunnel *t)
{
    char k[9];
    snprintf(k, sizeof k, "%08x", spi);
    zhashx_update(isa->ike->esp_spis, k, t);
}

void ike_release_esp_spi(struct isa *isa, uint32_t spi)
{
    char k[9];
    snprintf(k, sizeof k, "%08x", spi);
    zhashx_delete(isa->ike->esp_spis, k);
}

struct isa_tunnel *ike_tunnel_by_spi(struct isa *isa, uint32_t spi)
{
    char k[9];
    snprintf(k, sizeof k, "%08x", spi);
    void *v = isa->ike ? zhashx_lookup(isa->ike->esp_spis, k) : NULL;
    return v && strcmp(v, "reserved") != 0 ? v : NULL;
}

/* exported for ike_child.c: bind an installed inbound SPI to its tunnel */
void ike_esp_spi_bind(struct isa *isa, uint32_t spi, struct isa_tunnel *t);
void ike_esp_spi_bind(struct isa *isa, uint32_t spi, struct isa_tunnel *t)
{
    esp_spi_bind(isa, spi, t);
}

struct ike_sa *ike_sa_new(struct isa *isa, bool initiator, uint64_t spi_i, uint64_t spi_r)
{
    struct ike_sa *sa = calloc(1, sizeof *sa);
    sa->initiator = initiator;
    sa->spi_i = spi_i;
    sa->spi_r = spi_r;
    sa->created_ms = (uint64_t)zclock_mono();
    sa->setup = calloc(1, sizeof *sa->setup);
    char k[17];
    spi_key(k, initiator ? spi_i : spi_r);
    zhashx_update(isa->ike->by_spi, k, sa); /* a dead SA of the same SPI may wait for its tick */
    struct ike_engine *e = isa->ike;
    sa->all_next = e->all;
    if (e->all)
        e->all->all_prev = sa;
    e->all = sa;
    e->n_all++;
    return sa;
}

struct ike_sa *ike_sa_first(struct isa *isa)
{
    return isa->ike ? isa->ike->all : NULL;
}

struct ike_sa *ike_sa_find(struct isa *isa, uint64_t our_spi)
{
    char k[17];
    spi_key(k, our_spi);
    return isa->ike ? zhashx_lookup(isa->ike->by_spi, k) : NULL;
}

static void half_open_key(char *k, size_t len, uint64_t spi_i, const struct ike_path *p)
{
    char r[INET6_ADDRSTRLEN];
    inet_ntop(p->family, p->remote, r, sizeof r);
    snprintf(k, len, "%016llx|%s|%u", (unsigned long long)spi_i, r, p->remote_port);
}

/* exported for ike_init.c */
struct ike_sa *ike_half_open_find(struct isa *isa, uint64_t spi_i, const struct ike_path *p);
void ike_half_open_add(struct isa *isa, struct ike_sa *sa);
size_t ike_half_open_count(struct isa *isa);
const uint8_t *ike_cookie_secret(struct isa *isa);

struct ike_sa *ike_half_open_find(struct isa *isa, uint64_t spi_i, const struct ike_path *p)
{
    char k[96];
    half_open_key(k, sizeof k, spi_i, p);
    return zhashx_lookup(isa->ike->half_open, k);
}

void ike_half_open_add(struct isa *isa, struct ike_sa *sa)
{
    char k[96];
    half_open_key(k, sizeof k, sa->spi_i, &sa->path);
    zhashx_insert(isa->ike->half_open, k, sa);
    isa->ike->n_half_open++;
}

static void half_open_remove(struct isa *isa, struct ike_sa *sa)
{
    char k[96];
    half_open_key(k, sizeof k, sa->spi_i, &sa->path);
    if (zhashx_lookup(isa->ike->half_open, k) == sa) {
        zhashx_delete(isa->ike->half_open, k);
        isa->ike->n_half_open--;
    }
}

size_t ike_half_open_count(struct isa *isa)
{
    return isa->ike->n_half_open;
}

const uint8_t *ike_cookie_secret(struct isa *isa)
{
    return isa->ike->cookie_secret;
}

/* exported for ike_auth.c: the SA is past IKE_AUTH */
void ike_sa_established(struct isa *isa, struct ike_sa *sa);
void ike_sa_established(struct isa *isa, struct ike_sa *sa)
{
    half_open_remove(isa, sa);
    if (sa->setup) {
        ike_dh_destroy(&sa->setup->dh);
        free(sa->setup->init_req);
        free(sa->setup->init_resp);
        OPENSSL_cleanse(sa->setup, sizeof *sa->setup);
        free(sa->setup);
        sa->setup = NULL;
    }
    uint64_t now = (uint64_t)zclock_mono();
    sa->established_ms = now;
    sa->last_rx_ms = now;
    /* rekey a little before the lifetime, the initiator of the SA first */
    uint64_t life = (uint64_t)sa->ike_lifetime_s * 1000;
    sa->expire_ms = now + life;
    sa->rekey_ms = now + life * (sa->initiator ? 85 : 90) / 100;
    if (sa->pol && sa->pol->dpd && !sa->pol->dpd_reply_only)
        sa->next_dpd_ms = now + (uint64_t)sa->pol->dpd_interval_s * 1000;
}

void ike_sa_kill(struct isa *isa, struct ike_sa *sa, const char *why)
{
    if (sa->state == IKE_S_DEAD)
        return;
    snprintf(sa->why, sizeof sa->why, "%s", why);
    bool was_up = sa->state == IKE_S_ESTABLISHED || sa->state == IKE_S_DELETING ||
                  sa->state == IKE_S_REKEYED;
    if (was_up)
        mc_sa_gone(isa, sa);
    while (sa->children)
        ike_child_remove(isa, sa, sa->children, why);
    half_open_remove(isa, sa);
    if (was_up || sa->state == IKE_S_AUTH_SENT || sa->state == IKE_S_INIT_SENT)
        ike_log_event(isa, sa, sa->state == IKE_S_REKEYED ? "ike-sa-rekeyed-away" : "ike-sa-down", why);
    if (sa->tunnel && sa->tunnel->ike_sa == sa) {
        sa->tunnel->ike_sa = NULL;
        if (sa->gw) {
            ike_gw_tunnel_free(isa, sa->tunnel);
        } else if (sa->tunnel->auto_establish) {
            /* try again soon: at once after a clean delete, later after a failure */
            sa->tunnel->next_attempt_ms = (uint64_t)zclock_mono() +
                                          (strcmp(why, "deleted-by-peer") == 0 ? 200 : 5000);
        }
    }
    sa->tunnel = NULL;
    ike_sa_set_state(sa, IKE_E_ERROR, IKE_S_DEAD);
}

static void sa_unlink(struct isa *isa, struct ike_sa *sa)
{
    struct ike_engine *e = isa->ike;
    if (e->cursor == sa)
        e->cursor = sa->all_next;
    if (sa->all_prev)
        sa->all_prev->all_next = sa->all_next;
    else if (e->all == sa)
        e->all = sa->all_next;
    if (sa->all_next)
        sa->all_next->all_prev = sa->all_prev;
    sa->all_prev = sa->all_next = NULL;
    e->n_all--;
    char k[17];
    spi_key(k, sa->initiator ? sa->spi_i : sa->spi_r);
    if (zhashx_lookup(isa->ike->by_spi, k) == sa)
        zhashx_delete(isa->ike->by_spi, k);
    half_open_remove(isa, sa);
}

/* ---- sending -------------------------------------------------------------------------- */

void ike_send_path(struct isa *isa, const struct ike_path *p, const uint8_t *msg, size_t len)
{
    uint8_t buf[IKE_MSG_MAX + 64];
    bool marker = p->local_port == 4500 || p->remote_port == 4500;
    size_t ohl = p->family == AF_INET ? 20 : 40;
    size_t ulen = 8 + (marker ? 4 : 0) + len;
    if (ohl + ulen > sizeof buf)
        return;
    uint8_t *o = buf, *u = buf + ohl;
    memset(buf, 0, ohl + 8 + 4);
    if (p->family == AF_INET) {
        o[0] = 0x45;
        wr16(o + 2, (uint16_t)(ohl + ulen));
        o[8] = 64;
        o[9] = IPPROTO_UDP_;
        memcpy(o + 12, p->local, 4);
        memcpy(o + 16, p->remote, 4);
        wr16(o + 10, inet_csum(o, 20));
    } else {
        o[0] = 0x60;
        wr16(o + 4, (uint16_t)ulen);
        o[6] = IPPROTO_UDP_;
        o[7] = 64;
        memcpy(o + 8, p->local, 16);
        memcpy(o + 24, p->remote, 16);
    }
    wr16(u, p->local_port);
    wr16(u + 2, p->remote_port);
    wr16(u + 4, (uint16_t)ulen);
    memcpy(u + 8 + (marker ? 4 : 0), msg, len); /* RFC 3948 2.2: the non-ESP marker */
    uint32_t s = p->family == AF_INET ? csum_pseudo4(o + 12, o + 16, IPPROTO_UDP_, (uint32_t)ulen)
                                      : csum_pseudo6(o + 8, o + 24, IPPROTO_UDP_, (uint32_t)ulen);
    uint16_t c = csum_fold(csum_add(s, u, ulen));
    wr16(u + 6, c ? c : 0xffff);
    unsigned iom = p->iom;
    for (unsigned k = 1; k <= ISA_MAX_IOMS && (!iom || !isa->out[iom]); k++)
        iom = isa->out[k] ? k : 0;
    if (iom)
        isa_emit(isa, iom, p->delivery_svc, p->pub_ifname, false, buf, ohl + ulen);
}

/* RFC 7383 2.5: the message's inner payloads, split into SKF fragments
 * that each fit the ike-policy's mtu (an IP packet's size). */
static bool send_fragments(struct isa *isa, struct ike_sa *sa, const uint8_t *msg, size_t len);

void ike_send(struct isa *isa, struct ike_sa *sa, const uint8_t *msg, size_t len)
{
    if (sa->mc_passive)
        return; /* an MC-IPsec standby's SA: the master speaks for it */
    if (send_fragments(isa, sa, msg, len))
        return;
    ike_send_path(isa, &sa->path, msg, len);
}

void ike_request(struct isa *isa, struct ike_sa *sa, enum ike_req kind, uint8_t *msg, size_t len)
{
    free(sa->req_msg);
    sa->req_msg = msg;
    sa->req_len = len;
    sa->req = kind;
    sa->req_tries = 0;
    uint64_t now = (uint64_t)zclock_mono();
    /* DPD retries at the dpd interval (the chapter's interval x retries);
     * other requests back off from 1 s */
    sa->req_next_ms = now + (kind == IKE_REQ_DPD ? (uint64_t)sa->pol->dpd_interval_s * 1000 : 1000);
    ike_send(isa, sa, msg, len);
    sa->next_req_id++;
}

/* The plaintext of a protected message we send, kept to fragment it. */
static uint8_t last_inner[IKE_MSG_MAX];
static size_t last_inner_len;
static uint8_t last_first;

int ike_send_protected(struct isa *isa, struct ike_sa *sa, uint8_t exchange, bool response,
                       uint32_t msg_id, const uint8_t *inner, size_t inner_len, uint8_t first,
                       enum ike_req kind)
{
    uint8_t *buf = malloc(IKE_MSG_MAX);
    struct ike_hdr h = { .spi_i = sa->spi_i, .spi_r = sa->spi_r, .exchange = exchange,
                         .flags = (uint8_t)((sa->initiator ? IKE_FLAG_INITIATOR : 0) |
                                            (response ? IKE_FLAG_RESPONSE : 0)),
                         .msg_id = msg_id };
    struct ike_build b;
    size_t sk_off, len;
    struct ike_sk_keys k;
    ike_sk_keys_from_sa(&k, &sa->keys, sa->initiator);
    if (!buf || ike_build_begin(&b, buf, IKE_MSG_MAX, &h) != IKE_MSG_OK)
        goto fail;
    sk_off = b.len;
    if (ike_build_sk(&b, first, NULL, 0, NULL) != IKE_MSG_OK ||
        ike_sk_seal(&k, IKE_PAYLOAD_SK, buf, sk_off, inner, inner_len, IKE_MSG_MAX, &len) != IKE_SK_OK)
        goto fail;
    ike_sk_keys_clear(&k);
    if (inner_len)
        memcpy(last_inner, inner, inner_len);
    last_inner_len = inner_len;
    last_first = first;
    /* the message is kept (retransmission, duplicate requests): only its
     * own size, not the build buffer's, for tens of thousands of SAs */
    uint8_t *fit = realloc(buf, len);
    if (fit)
        buf = fit;
    if (response) {
        free(sa->resp_msg);
        sa->resp_msg = buf;
        sa->resp_len = len;
        ike_send(isa, sa, buf, len);
    } else {
        ike_request(isa, sa, kind, buf, len);
    }
    return 0;
fail:
    ike_sk_keys_clear(&k);
    free(buf);
    log_warn("ike_build_failed", "spi_i=%016llx exchange=%u", (unsigned long long)sa->spi_i, exchange);
    return -1;
}

static bool send_fragments(struct isa *isa, struct ike_sa *sa, const uint8_t *msg, size_t len)
{
    unsigned mtu = sa->pol ? sa->pol->frag_mtu : 0;
    size_t ohl = sa->path.family == AF_INET ? 20 : 40;
    size_t udp = 8 + (sa->path.remote_port == 4500 ? 4 : 0);
    struct ike_hdr h;
    if (!mtu || !sa->peer_frag || ohl + udp + len <= mtu || ike_parse_header(msg, len, &h) != IKE_MSG_OK ||
        h.next != IKE_PL_SK || h.exchange == IKE_SA_INIT)
        return false;
    /* the message just sealed: its plaintext is still in last_inner */
    struct ike_sk_keys k;
    ike_sk_keys_from_sa(&k, &sa->keys, sa->initiator);
    size_t room = mtu - ohl - udp - IKE_HDR_LEN;
    size_t per = ike_sk_max_plain(&k, IKE_PAYLOAD_SKF, room);
    if (!per || last_inner_len == 0) {
        ike_sk_keys_clear(&k);
        return false;
    }
    uint16_t total = (uint16_t)((last_inner_len + per - 1) / per);
    for (uint16_t n = 1; n <= total; n++) {
        uint8_t frag[IKE_MSG_MAX];
        struct ike_hdr fh = h;
        struct ike_build b;
        size_t off, flen;
        ike_build_begin(&b, frag, sizeof frag, &fh);
        off = b.len;
        size_t chunk = n < total ? per : last_inner_len - per * (total - 1);
        if (ike_build_skf(&b, n == 1 ? last_first : 0, n, total, NULL, 0, NULL) != IKE_MSG_OK ||
            ike_sk_seal(&k, IKE_PAYLOAD_SKF, frag, off, last_inner + per * (n - 1), chunk, sizeof frag,
                        &flen) != IKE_SK_OK)
            break;
        ike_send_path(isa, &sa->path, frag, flen);
    }
    ike_sk_keys_clear(&k);
    return true;
}

/* ---- receiving ------------------------------------------------------------------------- */

/* RFC 7383 2.6: fragments are opened one by one; the message is their
 * plaintexts in order. Returns the whole plaintext when complete. */
static bool reassemble(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *msg,
                       size_t len, const struct ike_msg *m, uint8_t *plain, size_t *plain_len,
                       uint8_t *first)
{
    (void)isa;
    const struct ike_skf *f = &m->skf;
    if (f->total > 64 || f->number > f->total)
        return false;
    struct ike_sk_keys k;
    ike_sk_keys_from_sa(&k, &sa->keys, h->flags & IKE_FLAG_INITIATOR);
    uint8_t part[IKE_MSG_MAX];
    size_t plen;
    enum ike_sk_result r = ike_sk_open(&k, IKE_PAYLOAD_SKF, msg, len, (size_t)(f->payload - msg), part,
                                       sizeof part, &plen);
    ike_sk_keys_clear(&k);
    if (r != IKE_SK_OK)
        return false;
    bool response = h->flags & IKE_FLAG_RESPONSE;
    struct ike_frags *fr = sa->frags;
    if (fr && (fr->msg_id != h->msg_id || fr->response != response || fr->total != f->total)) {
        for (int i = 0; i < 64; i++)
            free(fr->part[i]);
        memset(fr, 0, sizeof *fr);
    }
    if (!fr)
        fr = sa->frags = calloc(1, sizeof *fr);
    if (!fr->total) {
        fr->msg_id = h->msg_id;
        fr->response = response;
        fr->total = f->total;
        fr->deadline_ms = (uint64_t)zclock_mono() + (sa->pol ? sa->pol->frag_timeout_s : 2) * 1000ull;
    }
    unsigned i = f->number - 1u;
    if (fr->part[i])
        return false; /* a duplicate */
    fr->part[i] = malloc(plen ? plen : 1);
    memcpy(fr->part[i], part, plen);
    fr->len[i] = (uint16_t)plen;
    fr->have++;
    if (f->number == 1)
        fr->next = f->next;
    if (fr->have < fr->total)
        return false;
    size_t o = 0;
    for (unsigned n = 0; n < fr->total; n++) {
        if (o + fr->len[n] > IKE_MSG_MAX)
            return false;
        memcpy(plain + o, fr->part[n], fr->len[n]);
        o += fr->len[n];
        free(fr->part[n]);
        fr->part[n] = NULL;
    }
    *plain_len = o;
    *first = fr->next;
    memset(fr, 0, sizeof *fr);
    return true;
}

/* exported for the exchanges: open the SK payload of msg and parse it */
int ike_open_msg(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *msg,
                 size_t len, const struct ike_msg *outer, struct ike_msg *inner);

static uint8_t plain_buf[IKE_MSG_MAX];

int ike_open_msg(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *msg,
                 size_t len, const struct ike_msg *outer, struct ike_msg *inner)
{
    size_t plen;
    uint8_t first;
    if (ike_msg_has(outer, IKE_PL_SKF)) {
        if (!reassemble(isa, sa, h, msg, len, outer, plain_buf, &plen, &first))
            return 1; /* more to come, or a bad fragment */
    } else if (ike_msg_has(outer, IKE_PL_SK)) {
        struct ike_sk_keys k;
        ike_sk_keys_from_sa(&k, &sa->keys, h->flags & IKE_FLAG_INITIATOR);
        enum ike_sk_result r = ike_sk_open(&k, IKE_PAYLOAD_SK, msg, len, (size_t)(outer->sk.payload - msg),
                                           plain_buf, sizeof plain_buf, &plen);
        ike_sk_keys_clear(&k);
        if (r != IKE_SK_OK) {
            log_warn("ike_drop", "spi_i=%016llx reason=%s", (unsigned long long)sa->spi_i,
                     ike_sk_result_name(r));
            if (sa->tunnel)
                tunnel_drop(isa, sa->tunnel, TD_IKE_DECRYPT);
            return -1;
        }
        first = outer->sk.next;
    } else {
        return -1; /* past IKE_SA_INIT everything is protected */
    }
    enum ike_msg_err e = ike_parse_payloads(first, plain_buf, plen, inner);
    if (e != IKE_MSG_OK) {
        log_warn("ike_drop", "spi_i=%016llx reason=%s", (unsigned long long)sa->spi_i, ike_msg_err_name(e));
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_MALFORMED);
        return -1;
    }
    return 0;
}

static struct ike_msg outer_msg, inner_msg;

void ike_input(struct isa *isa, const struct ike_path *path, struct isa_tunnel *t, struct ike_gw *gw,
               const uint8_t *msg, size_t len)
{
    struct ike_hdr h;
    enum ike_msg_err e = ike_parse(msg, len, &h, &outer_msg);
    if (e != IKE_MSG_OK) {
        if (t)
            tunnel_drop(isa, t, TD_IKE_MALFORMED);
        else
            isa->ike_malformed++;
        log_warn("ike_drop", "reason=%s", ike_msg_err_name(e));
        return;
    }
    if (mc_group_standby(isa, t ? t->group : gw ? gw->group : 0)) {
        isa->mc_standby_drops++; /* MC-IPsec: the master chassis answers */
        return;
    }
    const struct ike_policy *pol = t ? t->ike_pol : gw ? &gw->pol : NULL;
    if (pol && ike_lockout_blocked(isa, pol, path)) {
        if (gw)
            gw->blocked_packets++;
        isa->ike_blocked++;
        return;
    }
    bool response = h.flags & IKE_FLAG_RESPONSE;
    if (h.exchange == IKE_SA_INIT && !response && h.spi_r == 0) {
        ike_init_request(isa, path, t, gw, &h, msg, len);
        return;
    }
    /* our SPI: the responder's when the peer is the original initiator */
    uint64_t ours = (h.flags & IKE_FLAG_INITIATOR) ? h.spi_r : h.spi_i;
    struct ike_sa *sa = ike_sa_find(isa, ours);
    if (!sa || sa->state == IKE_S_DEAD) {
        isa->ike_unknown_spi++;
        return;
    }
    if (sa->mc_passive) {
        isa->mc_standby_drops++;
        return;
    }
    sa->last_rx_ms = (uint64_t)zclock_mono();
    /* NAT traversal: the peer may float to 4500 or its NAT may move it */
    if (path->remote_port != sa->path.remote_port || path->local_port != sa->path.local_port) {
        sa->path.remote_port = path->remote_port;
        sa->path.local_port = path->local_port;
        if (sa->tunnel && sa->tunnel->udp_encap)
            sa->tunnel->udp_rport = path->remote_port;
    }
    sa->path.iom = path->iom;
    if (h.exchange == IKE_SA_INIT) {
        if (response && sa->initiator && sa->state == IKE_S_INIT_SENT && h.msg_id == 0)
            ike_init_response(isa, sa, &h, msg, len);
        return;
    }
    if (!response) {
        if (h.msg_id == sa->peer_req_id - 1 && sa->resp_msg) {
            ike_send(isa, sa, sa->resp_msg, sa->resp_len); /* a retransmission */
            isa->ike_retransmits_answered++;
            return;
        }
        /* a new MC-IPsec master: requests the old one answered but did not
         * sync in time are behind it; take the peer's ID once */
        if (h.msg_id != sa->peer_req_id && sa->mc_resync && h.msg_id > sa->peer_req_id &&
            h.msg_id - sa->peer_req_id < 16)
            sa->peer_req_id = h.msg_id;
        if (h.msg_id != sa->peer_req_id) {
            isa->ike_bad_msg_id++;
            return;
        }
    } else if (sa->req == IKE_REQ_NONE || h.msg_id != sa->next_req_id - 1) {
        isa->ike_bad_msg_id++;
        return;
    }
    int r = ike_open_msg(isa, sa, &h, msg, len, &outer_msg, &inner_msg);
    if (r != 0)
        return;
    sa->mc_resync = false;
    if (!response)
        sa->peer_req_id++;
    else {
        sa->req_was = sa->req;
        sa->req = IKE_REQ_NONE;
        free(sa->req_msg);
        sa->req_msg = NULL;
    }
    switch (h.exchange) {
    case IKE_AUTH:
        if (response)
            ike_auth_response(isa, sa, &h, &inner_msg);
        else
            ike_auth_request(isa, sa, &h, &inner_msg);
        break;
    case IKE_CREATE_CHILD_SA:
        if (response)
            ike_child_response(isa, sa, &h, &inner_msg);
        else
            ike_child_request(isa, sa, &h, &inner_msg);
        break;
    case IKE_INFORMATIONAL:
        if (response)
            ike_info_response(isa, sa, &h, &inner_msg);
        else
            ike_info_request(isa, sa, &h, &inner_msg);
        break;
    default:
        isa->ike_unknown_exchange++;
        break;
    }
    mc_sa_changed(isa, sa);
}

/* ---- timers ---------------------------------------------------------------------------- */

static void sa_tick(struct isa *isa, struct ike_sa *sa, uint64_t now)
{
    if (sa->mc_passive)
        return; /* MC-IPsec standby: the master's timers run */
    if (sa->req != IKE_REQ_NONE && now >= sa->req_next_ms) {
        unsigned max = sa->req == IKE_REQ_DPD ? sa->pol->dpd_retries : IKE_RETRANSMITS;
        if (sa->req_tries >= max) {
            ike_sa_kill(isa, sa, sa->req == IKE_REQ_DPD ? "dead-peer-detected" : "peer-not-responding");
            return;
        }
        sa->req_tries++;
        sa->req_next_ms = now + (sa->req == IKE_REQ_DPD ? (uint64_t)sa->pol->dpd_interval_s * 1000
                                                         : (1000ull << sa->req_tries));
        ike_send(isa, sa, sa->req_msg, sa->req_len);
        isa->ike_retransmits++;
    }
    if (sa->frags && sa->frags->total && now > sa->frags->deadline_ms) {
        for (int i = 0; i < 64; i++) {
            free(sa->frags->part[i]);
            sa->frags->part[i] = NULL;
        }
        memset(sa->frags, 0, sizeof *sa->frags);
        isa->ike_frag_timeouts++;
    }
    if (sa->state == IKE_S_INIT_DONE || sa->state == IKE_S_INIT_SENT || sa->state == IKE_S_AUTH_SENT) {
        if (now - sa->created_ms > 30000)
            ike_sa_kill(isa, sa, "setup-timeout"); /* half-open state is bounded */
        return;
    }
    if (sa->state == IKE_S_REKEYED && now - sa->last_rx_ms > 30000) {
        ike_sa_kill(isa, sa, "rekeyed");
        return;
    }
    if (sa->state != IKE_S_ESTABLISHED)
        return;
    if (sa->expire_ms && now >= sa->expire_ms) {
        ike_sa_kill(isa, sa, "lifetime-expired");
        return;
    }
    if (sa->req == IKE_REQ_NONE && sa->rekey_ms && now >= sa->rekey_ms &&
        !(sa->tunnel && isa_responder_only(isa, sa->tunnel->group))) {
        ike_rekey_ike(isa, sa);
        return;
    }
    ike_child_tick(isa, sa, now);
    if (sa->req == IKE_REQ_NONE && sa->next_dpd_ms && now >= sa->next_dpd_ms) {
        uint64_t idle = (uint64_t)sa->pol->dpd_interval_s * 1000;
        if (now - sa->last_rx_ms >= idle)
            ike_send_dpd(isa, sa);
        sa->next_dpd_ms = now + idle;
    }
}

/* A slice of the SAs per tick (tunnel.c's tick_slice): each one's timers
 * (retransmission, DPD, rekey, lifetime) looked at once a second at least,
 * every tick while there are few. */
void ike_tick(struct isa *isa, uint64_t now_ms)
{
    struct ike_engine *e = isa->ike;
    if (!e)
        return;
    for (size_t budget = tick_slice(e->n_all); budget && e->all; budget--) {
        struct ike_sa *sa = e->cursor ? e->cursor : e->all;
        e->cursor = sa->all_next;
        if (sa->state == IKE_S_DEAD) {
            sa_unlink(isa, sa);
            sa_free(sa);
            continue;
        }
        uint32_t req_id = sa->next_req_id;
        sa_tick(isa, sa, now_ms);
        if (sa->next_req_id != req_id && sa->state == IKE_S_ESTABLISHED)
            mc_sa_changed(isa, sa); /* a request went out: the peer expects the next ID */
    }
    ike_lockout_tick(isa, now_ms);
}

/* Tunnels leaving the ISA (not seen by tunnels_apply): the IKE SAs that
 * still point at them besides their current one (a responder's half-open SA
 * is not the tunnel's yet, a replaced one no longer) go with them, before
 * the tunnel is freed under them. */
void ike_drop_unseen_tunnels(struct isa *isa)
{
    if (!isa->ike)
        return;
    for (struct ike_sa *sa = isa->ike->all; sa; sa = sa->all_next)
        if (sa->tunnel && !sa->tunnel->seen && sa->tunnel->ike_sa != sa)
            ike_sa_kill(isa, sa, "tunnel-removed");
}

/* Static tunnels with auto-establish that have no IKE SA. A thousand of
 * them at once (a failover, a new configuration) cost a DH key each: done
 * in slices, so that the event loop still answers packets and sends its
 * heartbeats (cpm declares a silent card dead after 700 ms). */
bool ike_initiate_due(struct isa *isa, uint64_t now_ms)
{
    if (!isa->ike || !isa->auto_tunnels)
        return false;
    int64_t start = zclock_mono();
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (t->dynamic && t->auto_establish && t->oper_up && !t->ike_sa && !t->gw &&
            now_ms >= t->next_attempt_ms && !mc_group_standby(isa, t->group) &&
            !isa_responder_only(isa, t->group)) {
            if (zclock_mono() - start >= IKE_INITIATE_SLICE_MS)
                return true;
            t->next_attempt_ms = now_ms + 5000;
            if (!isa_mem_admit(isa)) {
                isa->ike_mem_rejected++;
                tunnel_drop(isa, t, TD_IKE_MEMORY);
                continue;
            }
            ike_initiate(isa, t);
        }
    }
    return false;
}

/* ---- the session log -------------------------------------------------------------------- */

/* One line of cpm's session log. */
static void ike_session_event(struct isa *isa, struct ike_sa *sa, const char *what, const char *detail)
{
    Srlab__IkeSession m = SRLAB__IKE_SESSION__INIT;
    char peer[INET6_ADDRSTRLEN], algs[96], where[8];
    inet_ntop(sa->path.family, sa->path.remote, peer, sizeof peer);
    snprintf(algs, sizeof algs, "%s/%s/%s/%s", ike_encr_name(sa->tf.encr), ike_integ_name(sa->tf.integ),
             ike_prf_name(sa->tf.prf), ike_dh_name(sa->tf.dh));
    snprintf(where, sizeof where, "%u/%u", isa->slot, isa->mda);
    m.event = (char *)what;
    m.tunnel = sa->tunnel ? sa->tunnel->name : "";
    m.gateway = sa->gw ? sa->gw->name : "";
    m.peer = peer;
    m.peer_port = sa->path.remote_port;
    m.peer_id = sa->peer_id;
    m.spi_i = sa->spi_i;
    m.spi_r = sa->spi_r;
    m.ike_algorithms = algs;
    m.detail = (char *)(detail ? detail : "");
    m.svc = sa->tunnel ? sa->tunnel->svc : sa->gw ? sa->gw->private_svc : 0;
    m.isa = where;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_IKE_SESSION;
    env.ike_session = &m;
    if (isa->card)
        card_send(isa->card, &env);
}

void ike_log_event(struct isa *isa, struct ike_sa *sa, const char *what, const char *detail)
{
    if (sa->mc_passive)
        return; /* MC-IPsec standby: the master's session log has it */
    char peer[INET6_ADDRSTRLEN], text[240];
    inet_ntop(sa->path.family, sa->path.remote, peer, sizeof peer);
    snprintf(text, sizeof text, "%s peer %s:%u id \"%s\" IKE SA %016llx/%016llx %s/%s/%s/%s: %s",
             what, peer, sa->path.remote_port, sa->peer_id, (unsigned long long)sa->spi_i,
             (unsigned long long)sa->spi_r, ike_encr_name(sa->tf.encr), ike_integ_name(sa->tf.integ),
             ike_prf_name(sa->tf.prf), ike_dh_name(sa->tf.dh), detail ? detail : "");
    ike_session_event(isa, sa, what, detail);
    log_info("ike_session", "tunnel=%s %s", log_q(sa->tunnel ? sa->tunnel->name : "-"), text);
}

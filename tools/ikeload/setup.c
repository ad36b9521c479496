/* ikeload: a tunnel's setup as initiator, IKE_SA_INIT then IKE_AUTH, and
 * the checks of the responder's answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikeload.h"
#include "pkt.h"

#define MAX_COOKIES 3          /* COOKIE answers in a row before giving up */
#define MAX_KE_RETRIES 2       /* INVALID_KE_PAYLOAD answers */

static void spi_bytes(uint8_t out[8], uint64_t spi)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(spi >> (56 - 8 * i));
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

void start(struct load *l, unsigned k)
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
void init_response(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg,
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

void auth_response(struct load *l, struct tunnel *t, const uint8_t *msg, size_t len)
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

/* IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.23): the proposal, the Diffie-Hellman
 * exchange and the nonces that key a new IKE SA; cookies when too many SAs
 * are half open; INVALID_KE_PAYLOAD; NAT detection, which moves the SA to
 * port 4500 and its ESP into UDP. */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

struct ike_sa *ike_half_open_find(struct isa *isa, uint64_t spi_i, const struct ike_path *p);
void ike_half_open_add(struct isa *isa, struct ike_sa *sa);
size_t ike_half_open_count(struct isa *isa);
const uint8_t *ike_cookie_secret(struct isa *isa);

static struct ike_msg msg_in;

static void spi_bytes(uint8_t out[8], uint64_t spi)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(spi >> (56 - 8 * i));
}

/* RFC 7296 2.23: SHA-1(SPIi | SPIr | IP address | port) */
static void natd_hash(uint64_t spi_i, uint64_t spi_r, int family, const uint8_t *addr, uint16_t port,
                      uint8_t out[20])
{
    uint8_t in[8 + 8 + 16 + 2];
    size_t alen = family == AF_INET ? 4 : 16;
    spi_bytes(in, spi_i);
    spi_bytes(in + 8, spi_r);
    memcpy(in + 16, addr, alen);
    wr16(in + 16 + alen, port);
    unsigned olen;
    EVP_Digest(in, 18 + alen, out, &olen, EVP_sha1(), NULL);
}

/* NAT_DETECTION_*: src mismatch -> the peer is behind a NAT; dst mismatch
 * -> we are (or the peer fakes it to force UDP encapsulation). */
static void nat_detect(struct ike_sa *sa, const struct ike_msg *m, uint64_t spi_r_in_msg)
{
    uint8_t h[20];
    bool src_seen = false, src_ok = false, dst_seen = false, dst_ok = false;
    for (unsigned i = 0; i < m->n_notifies; i++) {
        const struct ike_notify *n = &m->notify[i];
        if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP && n->len == 20) {
            src_seen = true;
            natd_hash(sa->spi_i, spi_r_in_msg, sa->path.family, sa->path.remote, sa->path.remote_port, h);
            src_ok |= memcmp(h, n->data, 20) == 0;
        } else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP && n->len == 20) {
            dst_seen = true;
            natd_hash(sa->spi_i, spi_r_in_msg, sa->path.family, sa->path.local, sa->path.local_port, h);
            dst_ok = memcmp(h, n->data, 20) == 0;
        }
    }
    sa->nat_remote = src_seen && !src_ok;
    sa->nat_local = dst_seen && !dst_ok;
}

static void build_natd(struct ike_build *b, const struct ike_sa *sa, uint64_t spi_r)
{
    uint8_t h[20];
    natd_hash(sa->spi_i, spi_r, sa->path.family, sa->path.local, sa->path.local_port, h);
    if (sa->pol->nat_force)
        h[0] ^= 0xff; /* nat-traversal force: make the peer believe in a NAT */
    ike_build_notify(b, 0, IKE_N_NAT_DETECTION_SOURCE_IP, NULL, 0, h, 20);
    natd_hash(sa->spi_i, spi_r, sa->path.family, sa->path.remote, sa->path.remote_port, h);
    ike_build_notify(b, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, NULL, 0, h, 20);
}

bool ike_ike_proposal_match(const struct ike_proposal *p, const struct ike_transforms *ours)
{
    if (p->protocol != IKE_PROTO_IKE)
        return false;
    bool encr = false, prf = false, integ = ours->integ == IKE_INTEG_NONE, dh = false, any_integ = false;
    for (unsigned i = 0; i < p->n_transforms; i++) {
        const struct ike_transform *t = &p->tf[i];
        if (t->unusable)
            continue;
        switch (t->type) {
        case IKE_TF_ENCR:
            encr |= t->id == ours->encr && t->key_len == ours->encr_bits;
            break;
        case IKE_TF_PRF:
            prf |= t->id == ours->prf;
            break;
        case IKE_TF_INTEG:
            any_integ |= t->id != IKE_INTEG_NONE;
            integ |= t->id == ours->integ;
            break;
        case IKE_TF_DH:
            dh |= t->id == ours->dh;
            break;
        default:
            break;
        }
    }
    /* an AEAD proposal carries no integrity algorithm (RFC 5282 8) */
    if (ours->integ == IKE_INTEG_NONE && any_integ)
        integ = false;
    return encr && prf && integ && dh;
}

static void one_proposal(struct ike_proposal *p, uint8_t num, const struct ike_transforms *t,
                         const uint8_t *spi, uint8_t spi_size)
{
    memset(p, 0, sizeof *p);
    p->num = num;
    p->protocol = IKE_PROTO_IKE;
    p->spi_size = spi_size;
    p->spi = spi;
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_ENCR, t->encr, t->encr_bits, false };
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_PRF, t->prf, 0, false };
    if (t->integ != IKE_INTEG_NONE)
        p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_INTEG, t->integ, 0, false };
    p->tf[p->n_transforms++] = (struct ike_transform){ IKE_TF_DH, t->dh, 0, false };
}

void ike_build_ike_proposals(const struct ike_policy *pol, struct ike_proposal *props, unsigned *n,
                             const uint8_t *spi, uint8_t spi_size, uint16_t only_group)
{
    *n = 0;
    for (size_t k = 0; k < pol->n_ike; k++) {
        if (only_group && pol->ike[k].dh != only_group)
            continue;
        one_proposal(&props[*n], (uint8_t)(*n + 1), &pol->ike[k], spi, spi_size);
        (*n)++;
    }
}

/* An unprotected notify answering an IKE_SA_INIT request (RFC 7296 2.21.1). */
static void init_error(struct isa *isa, const struct ike_path *path, const struct ike_hdr *rq, uint16_t type,
                       const uint8_t *data, size_t len)
{
    uint8_t buf[256];
    struct ike_hdr h = { .spi_i = rq->spi_i, .spi_r = 0, .exchange = IKE_SA_INIT,
                         .flags = IKE_FLAG_RESPONSE, .msg_id = 0 };
    struct ike_build b;
    size_t out;
    ike_build_begin(&b, buf, sizeof buf, &h);
    ike_build_notify(&b, 0, type, NULL, 0, data, len);
    if (ike_build_end(&b, &out, NULL) == IKE_MSG_OK)
        ike_send_path(isa, path, buf, out);
}

/* RFC 7296 2.6: Cookie = <version> | SHA-256(Ni | IPi | SPIi | secret) */
static void make_cookie(struct isa *isa, const struct ike_path *p, uint64_t spi_i, const uint8_t *ni,
                        size_t ni_len, uint8_t out[33])
{
    uint8_t in[256 + 16 + 8 + 32];
    size_t o = 0, alen = p->family == AF_INET ? 4 : 16;
    memcpy(in, ni, ni_len);
    o += ni_len;
    memcpy(in + o, p->remote, alen);
    o += alen;
    spi_bytes(in + o, spi_i);
    o += 8;
    memcpy(in + o, ike_cookie_secret(isa), 32);
    o += 32;
    unsigned olen;
    out[0] = 1;
    EVP_Digest(in, o, out + 1, &olen, EVP_sha256(), NULL);
}

static void ke_digest(const struct ike_ke *ke, uint8_t out[32])
{
    unsigned olen = 32;
    EVP_Digest(ke->data, ke->len, out, &olen, EVP_sha256(), NULL);
}

/* We answered a first try of this IKE_SA_INIT (a retransmission that came
 * after our COOKIE, once the half-open count had dropped), and now its retry
 * with the COOKIE arrives. The initiator signs the request it sent last
 * (RFC 7296 2.15), the retry, which keeps every other payload (2.6): with
 * the same nonce and KE it becomes the request our AUTH check uses, else
 * every IKE_AUTH of such a race fails. */
static void adopt_cookie_retry(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *msg, size_t len)
{
    struct ike_setup *s = sa->setup;
    if (!s || !s->init_req || (s->init_req_len == len && memcmp(s->init_req, msg, len) == 0))
        return;
    if (ike_parse_payloads(h->next, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, &msg_in) != IKE_MSG_OK ||
        !ike_msg_notify(&msg_in, IKE_N_COOKIE) || !ike_msg_has(&msg_in, IKE_PL_KE) ||
        !ike_msg_has(&msg_in, IKE_PL_NONCE) || msg_in.nonce.len != s->ni_len ||
        memcmp(msg_in.nonce.data, s->ni, s->ni_len) != 0)
        return;
    uint8_t d[32];
    ke_digest(&msg_in.ke, d);
    if (memcmp(d, s->peer_ke_sha256, sizeof d) != 0)
        return;
    uint8_t *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, msg, len);
    free(s->init_req);
    s->init_req = copy;
    s->init_req_len = len;
}

void ike_init_request(struct isa *isa, const struct ike_path *path, struct isa_tunnel *t,
                      struct ike_gw *gw, const struct ike_hdr *h, const uint8_t *msg, size_t len)
{
    struct ike_policy *pol = t ? t->ike_pol : gw ? &gw->pol : NULL;
    if (!pol || (t && (!t->dynamic || !t->oper_up || t->gw)) || (gw && !gw->oper_up)) {
        if (t)
            tunnel_drop(isa, t, TD_IKE);
        return;
    }
    struct ike_sa *old = ike_half_open_find(isa, h->spi_i, path);
    if (old) {
        if (old->resp_msg) { /* a retransmitted request */
            adopt_cookie_retry(old, h, msg, len);
            ike_send_path(isa, path, old->resp_msg, old->resp_len);
        }
        return;
    }
    if (!isa_mem_admit(isa)) { /* the chapter: above the max-threshold no new IKE state */
        isa->ike_mem_rejected++;
        if (t)
            tunnel_drop(isa, t, TD_IKE_MEMORY);
        return;
    }
    if (ike_parse_payloads(h->next, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, &msg_in) != IKE_MSG_OK ||
        !ike_msg_has(&msg_in, IKE_PL_SA) || !ike_msg_has(&msg_in, IKE_PL_KE) ||
        !ike_msg_has(&msg_in, IKE_PL_NONCE)) {
        init_error(isa, path, h, IKE_N_INVALID_SYNTAX, NULL, 0);
        if (t)
            tunnel_drop(isa, t, TD_IKE_MALFORMED);
        else
            isa->ike_malformed++;
        return;
    }
    size_t half = ike_half_open_count(isa);
    if (half >= IKE_HALF_OPEN_COOKIES) {
        uint8_t want[33];
        make_cookie(isa, path, h->spi_i, msg_in.nonce.data, msg_in.nonce.len, want);
        const struct ike_notify *c = ike_msg_notify(&msg_in, IKE_N_COOKIE);
        if (!c || c->len != sizeof want || memcmp(c->data, want, sizeof want) != 0) {
            init_error(isa, path, h, IKE_N_COOKIE, want, sizeof want);
            isa->ike_cookies_sent++;
            return;
        }
        if (half >= IKE_HALF_OPEN_MAX) {
            isa->ike_half_open_drops++;
            return;
        }
    }
    /* the initiator's proposals in its order of preference, against ours */
    const struct ike_transforms *chosen = NULL;
    uint8_t prop_num = 0;
    uint32_t lifetime = 86400;
    for (unsigned p = 0; p < msg_in.sa.n_proposals && !chosen; p++)
        for (size_t k = 0; k < pol->n_ike && !chosen; k++)
            if (ike_ike_proposal_match(&msg_in.sa.prop[p], &pol->ike[k])) {
                chosen = &pol->ike[k];
                prop_num = msg_in.sa.prop[p].num;
                lifetime = pol->ike_lifetime_s[k];
            }
    if (!chosen) {
        init_error(isa, path, h, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
        isa->ike_no_proposal++;
        if (t)
            tunnel_drop(isa, t, TD_IKE_NO_PROPOSAL);
        return;
    }
    if (msg_in.ke.group != chosen->dh) {
        uint8_t g[2];
        wr16(g, chosen->dh);
        init_error(isa, path, h, IKE_N_INVALID_KE_PAYLOAD, g, 2);
        isa->ike_invalid_ke++;
        return;
    }
    struct ike_sa *sa = ike_sa_new(isa, false, h->spi_i, ike_new_spi(isa));
    sa->state = IKE_S_INIT_DONE;
    sa->path = *path;
    sa->tunnel = t;
    sa->gw = gw;
    sa->pol = pol;
    sa->tf = *chosen;
    sa->ike_lifetime_s = lifetime;
    sa->peer_req_id = 1;
    struct ike_setup *s = sa->setup;
    s->dh = ike_dh_new(chosen->dh);
    memcpy(s->ni, msg_in.nonce.data, msg_in.nonce.len);
    s->ni_len = msg_in.nonce.len;
    ke_digest(&msg_in.ke, s->peer_ke_sha256);
    s->nr_len = IKE_NONCE_LEN;
    RAND_bytes(s->nr, (int)s->nr_len);
    uint8_t gir[IKE_DH_PUBLIC_MAX], spi_i[8], spi_r[8];
    size_t gir_len;
    spi_bytes(spi_i, sa->spi_i);
    spi_bytes(spi_r, sa->spi_r);
    enum ike_dh_result dr = s->dh ? ike_dh_shared(s->dh, msg_in.ke.data, msg_in.ke.len, gir, sizeof gir, &gir_len)
                                  : IKE_DH_CRYPTO;
    if (dr != IKE_DH_OK || ike_sa_keys_derive(&sa->keys, &sa->tf, gir, gir_len, s->ni, s->ni_len, s->nr,
                                              s->nr_len, spi_i, spi_r) != 0) {
        OPENSSL_cleanse(gir, sizeof gir);
        log_warn("ike_init_refused", "reason=%s", ike_dh_result_name(dr));
        init_error(isa, path, h, IKE_N_INVALID_SYNTAX, NULL, 0);
        ike_sa_kill(isa, sa, "invalid-ke");
        return;
    }
    OPENSSL_cleanse(gir, sizeof gir);
    nat_detect(sa, &msg_in, 0);
    sa->peer_frag = ike_msg_notify(&msg_in, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
    /* the response: SA (the chosen transforms), KE, Nr, NAT-D, fragmentation */
    uint8_t *buf = malloc(IKE_MSG_MAX), pub[IKE_DH_PUBLIC_MAX];
    struct ike_hdr rh = { .spi_i = sa->spi_i, .spi_r = sa->spi_r, .exchange = IKE_SA_INIT,
                          .flags = IKE_FLAG_RESPONSE, .msg_id = 0 };
    struct ike_build b;
    struct ike_proposal prop;
    size_t out;
    one_proposal(&prop, prop_num, &sa->tf, NULL, 0);
    int publen = ike_dh_public(s->dh, pub, sizeof pub);
    ike_build_begin(&b, buf, IKE_MSG_MAX, &rh);
    ike_build_sa(&b, &prop, 1);
    ike_build_ke(&b, sa->tf.dh, pub, publen > 0 ? (size_t)publen : 0);
    ike_build_nonce(&b, s->nr, s->nr_len);
    build_natd(&b, sa, sa->spi_r);
    if (pol->frag_mtu)
        ike_build_notify(&b, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0);
    if (ike_build_end(&b, &out, NULL) != IKE_MSG_OK) {
        free(buf);
        ike_sa_kill(isa, sa, "build-failed");
        return;
    }
    s->init_req = malloc(len);
    memcpy(s->init_req, msg, len);
    s->init_req_len = len;
    s->init_resp = malloc(out);
    memcpy(s->init_resp, buf, out);
    s->init_resp_len = out;
    uint8_t *fit = realloc(buf, out); /* kept for duplicates: its own size */
    sa->resp_msg = fit ? fit : buf;
    buf = sa->resp_msg;
    sa->resp_len = out;
    ike_half_open_add(isa, sa);
    ike_send_path(isa, &sa->path, buf, out);
    log_info("ike_init", "role=responder spi_i=%016llx spi_r=%016llx proposal=%s/%s/%s/%s nat=%s",
             (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, ike_encr_name(sa->tf.encr),
             ike_integ_name(sa->tf.integ), ike_prf_name(sa->tf.prf), ike_dh_name(sa->tf.dh),
             sa->nat_local || sa->nat_remote ? "yes" : "no");
}

/* ---- initiator ------------------------------------------------------------------------ */

static void send_init(struct isa *isa, struct ike_sa *sa)
{
    struct ike_setup *s = sa->setup;
    /* RFC 7296 2.6: the retry with a COOKIE keeps every other payload, the
     * KE too (a responder may already have answered the first try with
     * keys from it); only INVALID_KE_PAYLOAD's other group needs a new key */
    if (!s->dh || ike_dh_group(s->dh) != s->group) {
        ike_dh_destroy(&s->dh);
        s->dh = ike_dh_new(s->group);
    }
    if (!s->dh) {
        ike_sa_kill(isa, sa, "dh-group-unsupported");
        return;
    }
    uint8_t *buf = malloc(IKE_MSG_MAX), pub[IKE_DH_PUBLIC_MAX];
    struct ike_hdr h = { .spi_i = sa->spi_i, .spi_r = 0, .exchange = IKE_SA_INIT,
                         .flags = IKE_FLAG_INITIATOR, .msg_id = 0 };
    struct ike_build b;
    struct ike_proposal props[4];
    unsigned n;
    size_t out;
    ike_build_ike_proposals(sa->pol, props, &n, NULL, 0, 0);
    int publen = ike_dh_public(s->dh, pub, sizeof pub);
    ike_build_begin(&b, buf, IKE_MSG_MAX, &h);
    if (s->cookie_len) /* RFC 7296 2.6: first */
        ike_build_notify(&b, 0, IKE_N_COOKIE, NULL, 0, s->cookie, s->cookie_len);
    ike_build_sa(&b, props, n);
    ike_build_ke(&b, s->group, pub, publen > 0 ? (size_t)publen : 0);
    ike_build_nonce(&b, s->ni, s->ni_len);
    build_natd(&b, sa, 0);
    if (sa->pol->frag_mtu)
        ike_build_notify(&b, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0);
    if (ike_build_end(&b, &out, NULL) != IKE_MSG_OK) {
        free(buf);
        ike_sa_kill(isa, sa, "build-failed");
        return;
    }
    free(s->init_req);
    s->init_req = malloc(out);
    memcpy(s->init_req, buf, out);
    s->init_req_len = out;
    sa->next_req_id = 0;
    ike_request(isa, sa, IKE_REQ_INIT, buf, out);
}

struct ike_sa *ike_initiate(struct isa *isa, struct isa_tunnel *t)
{
    struct ike_policy *pol = t->ike_pol;
    if (!pol || !pol->n_ike)
        return NULL;
    struct ike_sa *sa = ike_sa_new(isa, true, ike_new_spi(isa), 0);
    sa->state = IKE_S_INIT_SENT;
    sa->tunnel = t;
    sa->pol = pol;
    t->ike_sa = sa;
    sa->path.family = t->family;
    memcpy(sa->path.local, t->src, 16);
    memcpy(sa->path.remote, t->remote, 16);
    sa->path.local_port = sa->path.remote_port = 500;
    sa->path.delivery_svc = t->delivery_svc;
    snprintf(sa->path.pub_ifname, sizeof sa->path.pub_ifname, "%s", t->pub_ifname);
    sa->path.iom = t->last_iom;
    sa->setup->group = pol->ike[0].dh;
    sa->setup->ni_len = IKE_NONCE_LEN;
    RAND_bytes(sa->setup->ni, IKE_NONCE_LEN);
    log_info("ike_initiate", "tunnel=%s spi_i=%016llx", log_q(t->name), (unsigned long long)sa->spi_i);
    send_init(isa, sa);
    return sa;
}

void ike_init_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *msg,
                       size_t len)
{
    struct ike_setup *s = sa->setup;
    sa->req = IKE_REQ_NONE;
    free(sa->req_msg);
    sa->req_msg = NULL;
    if (ike_parse_payloads(h->next, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, &msg_in) != IKE_MSG_OK) {
        ike_sa_kill(isa, sa, "malformed-init-response");
        return;
    }
    const struct ike_notify *n;
    if ((n = ike_msg_notify(&msg_in, IKE_N_COOKIE)) && n->len <= sizeof s->cookie && n->len >= 1) {
        memcpy(s->cookie, n->data, n->len);
        s->cookie_len = n->len;
        send_init(isa, sa);
        return;
    }
    if ((n = ike_msg_notify(&msg_in, IKE_N_INVALID_KE_PAYLOAD)) && n->len == 2) {
        uint16_t g = rd16(n->data);
        bool ours = false;
        for (size_t k = 0; k < sa->pol->n_ike; k++)
            ours |= sa->pol->ike[k].dh == g;
        if (ours && g != s->group) {
            s->group = g;
            send_init(isa, sa);
            return;
        }
        ike_sa_kill(isa, sa, "invalid-ke-payload");
        return;
    }
    for (unsigned i = 0; i < msg_in.n_notifies; i++)
        if (msg_in.notify[i].type <= IKE_N_ERROR_MAX) {
            char why[64];
            snprintf(why, sizeof why, "peer-says-%s", ike_notify_name(msg_in.notify[i].type));
            for (char *c = why; *c; c++)
                if (*c == '_')
                    *c = '-';
            ike_sa_kill(isa, sa, why);
            return;
        }
    const struct ike_transforms *chosen = NULL;
    if (ike_msg_has(&msg_in, IKE_PL_SA) && msg_in.sa.n_proposals == 1)
        for (size_t k = 0; k < sa->pol->n_ike && !chosen; k++)
            if (ike_ike_proposal_match(&msg_in.sa.prop[0], &sa->pol->ike[k])) {
                chosen = &sa->pol->ike[k];
                sa->ike_lifetime_s = sa->pol->ike_lifetime_s[k];
            }
    if (!chosen || !ike_msg_has(&msg_in, IKE_PL_KE) || msg_in.ke.group != chosen->dh ||
        chosen->dh != s->group || !ike_msg_has(&msg_in, IKE_PL_NONCE) || h->spi_r == 0) {
        ike_sa_kill(isa, sa, "bad-init-response");
        return;
    }
    sa->tf = *chosen;
    sa->spi_r = h->spi_r;
    memcpy(s->nr, msg_in.nonce.data, msg_in.nonce.len);
    s->nr_len = msg_in.nonce.len;
    uint8_t gir[IKE_DH_PUBLIC_MAX], spi_i[8], spi_r[8];
    size_t gir_len;
    spi_bytes(spi_i, sa->spi_i);
    spi_bytes(spi_r, sa->spi_r);
    enum ike_dh_result dr = ike_dh_shared(s->dh, msg_in.ke.data, msg_in.ke.len, gir, sizeof gir, &gir_len);
    if (dr != IKE_DH_OK || ike_sa_keys_derive(&sa->keys, &sa->tf, gir, gir_len, s->ni, s->ni_len, s->nr,
                                              s->nr_len, spi_i, spi_r) != 0) {
        OPENSSL_cleanse(gir, sizeof gir);
        ike_sa_kill(isa, sa, ike_dh_result_name(dr));
        return;
    }
    OPENSSL_cleanse(gir, sizeof gir);
    nat_detect(sa, &msg_in, sa->spi_r);
    sa->peer_frag = ike_msg_notify(&msg_in, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
    free(s->init_resp);
    s->init_resp = malloc(len);
    memcpy(s->init_resp, msg, len);
    s->init_resp_len = len;
    if (sa->nat_local || sa->nat_remote || sa->pol->nat_force) {
        /* RFC 7296 2.23: float to 4500; ESP goes into UDP */
        sa->path.local_port = sa->path.remote_port = 4500;
        if (sa->tunnel) {
            sa->tunnel->udp_encap = true;
            sa->tunnel->udp_port = 4500;
            sa->tunnel->udp_rport = 4500;
        }
    }
    ike_sa_set_state(sa, IKE_E_INIT_RESP, IKE_S_AUTH_SENT);
    ike_auth_send(isa, sa);
}

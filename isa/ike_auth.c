/* IKE_AUTH (RFC 7296 1.2, 2.15): identities, the pre-shared key proof in
 * both directions, and the first CHILD SA. A wrong key answers
 * AUTHENTICATION_FAILED, counts for lockout and ends the IKE SA; a CHILD SA
 * that cannot be agreed (proposal, traffic selectors) leaves the IKE SA up
 * with the error notify, as the RFC has it. */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

void ike_sa_established(struct isa *isa, struct ike_sa *sa);

void ike_our_id(const struct ike_sa *sa, uint8_t *type, uint8_t *data, size_t *len)
{
    const struct ike_policy *p = sa->pol;
    if (p && p->local_id_type && p->local_id_len) {
        *type = p->local_id_type;
        memcpy(data, p->local_id, p->local_id_len);
        *len = p->local_id_len;
        return;
    }
    *type = sa->path.family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
    *len = sa->path.family == AF_INET ? 4 : 16;
    memcpy(data, sa->path.local, *len);
}

/* The ID payload's body as AUTH signs it: type, 3 reserved bytes, data. */
static size_t id_body(uint8_t type, const uint8_t *data, size_t len, uint8_t *out)
{
    out[0] = type;
    out[1] = out[2] = out[3] = 0;
    memcpy(out + 4, data, len);
    return 4 + len;
}

static void peer_id_text(struct ike_sa *sa, const struct ike_id *id)
{
    sa->peer_id_type = id->type;
    if ((id->type == IKE_ID_IPV4_ADDR && id->len == 4) || (id->type == IKE_ID_IPV6_ADDR && id->len == 16)) {
        inet_ntop(id->type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6, id->data, sa->peer_id, sizeof sa->peer_id);
        return;
    }
    size_t n = id->len < sizeof sa->peer_id - 1 ? id->len : sizeof sa->peer_id - 1;
    for (size_t i = 0; i < n; i++)
        sa->peer_id[i] = id->data[i] >= 0x20 && id->data[i] < 0x7f && id->data[i] != '"' ? (char)id->data[i] : '.';
    sa->peer_id[n] = 0;
}

/* What a CHILD SA needs from IKE_AUTH / CREATE_CHILD_SA: agreed, it is
 * installed; otherwise the notify that says why. */
struct child_offer {
    struct ike_esp_choice esp;
    bool esn;
    uint32_t peer_spi;
    uint8_t prop_num;
    uint16_t dh;
    struct ike_sel local[IKE_MAX_CHILD_TS], remote[IKE_MAX_CHILD_TS];
    unsigned n_local, n_remote;
};

static uint16_t child_terms(struct ike_sa *sa, const struct ike_msg *m, struct child_offer *o,
                            bool we_initiated)
{
    if (!ike_msg_has(m, IKE_PL_SA) || !ike_msg_has(m, IKE_PL_TSI) || !ike_msg_has(m, IKE_PL_TSR))
        return IKE_N_INVALID_SYNTAX;
    if (!ike_esp_select(sa->pol, &m->sa, 0, &o->esp, &o->esn, &o->peer_spi, &o->prop_num, &o->dh))
        return IKE_N_NO_PROPOSAL_CHOSEN;
    if (!ike_ts_narrow(sa, &m->tsi, &m->tsr, o->local, &o->n_local, o->remote, &o->n_remote, we_initiated))
        return IKE_N_TS_UNACCEPTABLE;
    return 0;
}

void ike_auth_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    if (sa->initiator || sa->state != IKE_S_INIT_DONE || !sa->setup) {
        isa->ike_unknown_exchange++;
        return;
    }
    struct ike_setup *s = sa->setup;
    uint8_t inner[IKE_MSG_MAX], body[4 + 128], our_id[128];
    struct ike_build b;
    size_t inner_len;
    uint8_t first, id_type;
    size_t id_len;
    ike_build_inner(&b, inner, sizeof inner);
    if (!ike_msg_has(m, IKE_PL_IDI) || !ike_msg_has(m, IKE_PL_AUTH)) {
        ike_build_notify(&b, 0, IKE_N_INVALID_SYNTAX, NULL, 0, NULL, 0);
        ike_build_end(&b, &inner_len, &first);
        ike_send_protected(isa, sa, IKE_AUTH, true, h->msg_id, inner, inner_len, first, IKE_REQ_NONE);
        ike_sa_kill(isa, sa, "malformed-auth");
        return;
    }
    peer_id_text(sa, &m->idi);
    /* RFC 7296 2.15: the initiator signs its IKE_SA_INIT, our nonce, its ID */
    bool ok = m->auth.method == IKE_AUTH_PSK && sa->pol->psk_len &&
              ike_auth_psk_verify(sa->tf.prf, sa->pol->psk, sa->pol->psk_len, s->init_req, s->init_req_len,
                                  s->nr, s->nr_len, sa->keys.sk_pi, sa->keys.p_len, m->idi.body,
                                  m->idi.body_len, m->auth.data, m->auth.len) == 0;
    if (!ok) {
        ike_build_notify(&b, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0);
        ike_build_end(&b, &inner_len, &first);
        ike_send_protected(isa, sa, IKE_AUTH, true, h->msg_id, inner, inner_len, first, IKE_REQ_NONE);
        ike_lockout_failure(isa, sa->pol, &sa->path);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_AUTH);
        if (sa->gw)
            sa->gw->auth_failures++;
        char peer[INET6_ADDRSTRLEN], text[200];
        inet_ntop(sa->path.family, sa->path.remote, peer, sizeof peer);
        snprintf(text, sizeof text, "IKEv2 authentication failed: peer %s:%u id \"%s\" on %s \"%s\" "
                 "(%s)", peer, sa->path.remote_port, sa->peer_id, sa->gw ? "ipsec-gw" : "ipsec-tunnel",
                 sa->gw ? sa->gw->name : sa->tunnel ? sa->tunnel->name : "?",
                 m->auth.method == IKE_AUTH_PSK ? "pre-shared key mismatch" : "not a pre-shared key");
        tunnel_event(isa, 4, 2200, sa->gw ? sa->gw->name : sa->tunnel ? sa->tunnel->name : "-", text);
        ike_sa_kill(isa, sa, "authentication-failed");
        return;
    }
    ike_lockout_success(isa, &sa->path);
    /* a static tunnel has one IKE SA: a new one from its peer replaces it
     * (the peer restarted; INITIAL_CONTACT says so, RFC 7296 2.4) */
    if (sa->tunnel && sa->tunnel->ike_sa && sa->tunnel->ike_sa != sa)
        ike_sa_kill(isa, sa->tunnel->ike_sa, "replaced-by-new-ike-sa");
    if (sa->tunnel)
        sa->tunnel->ike_sa = sa;
    ike_our_id(sa, &id_type, our_id, &id_len);
    size_t blen = id_body(id_type, our_id, id_len, body);
    uint8_t auth[IKE_PRF_MAX];
    ike_auth_psk(sa->tf.prf, sa->pol->psk, sa->pol->psk_len, s->init_resp, s->init_resp_len, s->ni,
                 s->ni_len, sa->keys.sk_pr, sa->keys.p_len, body, blen, auth);
    ike_build_id(&b, IKE_PL_IDR, id_type, our_id, id_len);
    ike_build_auth(&b, IKE_AUTH_PSK, auth, ike_prf_len(sa->tf.prf));
    static struct child_offer o;
    memset(&o, 0, sizeof o);
    uint16_t err = child_terms(sa, m, &o, false);
    struct child_sa *c = NULL;
    char why[96] = "";
    if (!err && sa->gw && !sa->tunnel && !ike_gw_tunnel_new(isa, sa->gw, sa))
        err = IKE_N_TEMPORARY_FAILURE;
    if (!err) {
        struct ike_child_keys ck;
        uint32_t spi_in = ike_new_esp_spi(isa);
        if (ike_child_keys_derive(&ck, &sa->keys, &o.esp.tf, NULL, 0, s->ni, s->ni_len, s->nr, s->nr_len) == 0)
            c = ike_child_install(isa, sa, false, &o.esp, o.esn, spi_in, o.peer_spi, &ck, o.local, o.n_local,
                                  o.remote, o.n_remote, why, sizeof why);
        ike_child_keys_clear(&ck);
        if (!c) {
            ike_release_esp_spi(isa, spi_in);
            err = IKE_N_TS_UNACCEPTABLE; /* a reverse route clash, or no keys */
        } else {
            struct ike_proposal prop;
            uint8_t spi[4];
            ike_esp_chosen(&o.esp, o.esn, o.prop_num, c->spi_in, 0, spi, &prop);
            ike_build_sa(&b, &prop, 1);
            struct ike_ts ts[IKE_MAX_CHILD_TS];
            uint8_t addrs[IKE_MAX_CHILD_TS * 32];
            ike_ts_to_wire(o.remote, o.n_remote, ts, addrs);
            ike_build_ts(&b, IKE_PL_TSI, ts, o.n_remote);
            ike_ts_to_wire(o.local, o.n_local, ts, addrs);
            ike_build_ts(&b, IKE_PL_TSR, ts, o.n_local);
        }
    }
    if (err)
        ike_build_notify(&b, 0, err, NULL, 0, NULL, 0);
    if (ike_build_end(&b, &inner_len, &first) != IKE_MSG_OK ||
        ike_send_protected(isa, sa, IKE_AUTH, true, h->msg_id, inner, inner_len, first, IKE_REQ_NONE) != 0) {
        ike_sa_kill(isa, sa, "build-failed");
        return;
    }
    ike_sa_set_state(sa, IKE_E_AUTH_REQ, IKE_S_ESTABLISHED);
    ike_sa_established(isa, sa);
    ike_log_event(isa, sa, "ike-sa-up", "responder");
    if (err) {
        char text[160];
        snprintf(text, sizeof text, "no CHILD SA: %s%s%s", ike_notify_name(err), why[0] ? ": " : "", why);
        ike_log_event(isa, sa, "child-sa-refused", text);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, err == IKE_N_NO_PROPOSAL_CHOSEN ? TD_IKE_NO_PROPOSAL : TD_IKE_TS);
    }
}

/* ---- initiator -------------------------------------------------------------------------- */

void ike_auth_send(struct isa *isa, struct ike_sa *sa)
{
    struct ike_setup *s = sa->setup;
    uint8_t inner[IKE_MSG_MAX], body[4 + 128], our_id[128];
    struct ike_build b;
    size_t inner_len, id_len;
    uint8_t first, id_type;
    ike_our_id(sa, &id_type, our_id, &id_len);
    size_t blen = id_body(id_type, our_id, id_len, body);
    uint8_t auth[IKE_PRF_MAX];
    ike_auth_psk(sa->tf.prf, sa->pol->psk, sa->pol->psk_len, s->init_req, s->init_req_len, s->nr,
                 s->nr_len, sa->keys.sk_pi, sa->keys.p_len, body, blen, auth);
    s->new_spi_in = ike_new_esp_spi(isa);
    struct ike_proposal props[4];
    unsigned n;
    ike_build_esp_proposals(sa->pol, s->new_spi_in, 0, props, &n);
    static struct ike_sel local[IKE_MAX_CHILD_TS], remote[IKE_MAX_CHILD_TS];
    unsigned nl, nr;
    ike_ts_ours(sa, local, &nl, remote, &nr);
    struct ike_ts ts[IKE_MAX_CHILD_TS];
    uint8_t addrs[IKE_MAX_CHILD_TS * 32];
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_id(&b, IKE_PL_IDI, id_type, our_id, id_len);
    ike_build_auth(&b, IKE_AUTH_PSK, auth, ike_prf_len(sa->tf.prf));
    ike_build_notify(&b, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
    ike_build_sa(&b, props, n);
    ike_ts_to_wire(local, nl, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSI, ts, nl);
    ike_ts_to_wire(remote, nr, ts, addrs);
    ike_build_ts(&b, IKE_PL_TSR, ts, nr);
    if (ike_build_end(&b, &inner_len, &first) != IKE_MSG_OK ||
        ike_send_protected(isa, sa, IKE_AUTH, false, sa->next_req_id, inner, inner_len, first,
                           IKE_REQ_AUTH) != 0)
        ike_sa_kill(isa, sa, "build-failed");
}

void ike_auth_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    (void)h;
    struct ike_setup *s = sa->setup;
    if (!sa->initiator || sa->state != IKE_S_AUTH_SENT || !s)
        return;
    const struct ike_notify *af = ike_msg_notify(m, IKE_N_AUTHENTICATION_FAILED);
    if (af || !ike_msg_has(m, IKE_PL_IDR) || !ike_msg_has(m, IKE_PL_AUTH)) {
        ike_release_esp_spi(isa, s->new_spi_in);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_AUTH);
        ike_sa_kill(isa, sa, af ? "peer-says-authentication-failed" : "malformed-auth-response");
        return;
    }
    peer_id_text(sa, &m->idr);
    bool ok = m->auth.method == IKE_AUTH_PSK &&
              ike_auth_psk_verify(sa->tf.prf, sa->pol->psk, sa->pol->psk_len, s->init_resp, s->init_resp_len,
                                  s->ni, s->ni_len, sa->keys.sk_pr, sa->keys.p_len, m->idr.body,
                                  m->idr.body_len, m->auth.data, m->auth.len) == 0;
    if (!ok) {
        ike_release_esp_spi(isa, s->new_spi_in);
        if (sa->tunnel)
            tunnel_drop(isa, sa->tunnel, TD_IKE_AUTH);
        tunnel_event(isa, 4, 2200, sa->tunnel ? sa->tunnel->name : "-",
                     "IKEv2 authentication failed: the responder's AUTH does not verify");
        ike_send_delete(isa, sa);
        ike_sa_kill(isa, sa, "responder-authentication-failed");
        return;
    }
    ike_sa_set_state(sa, IKE_E_AUTH_RESP, IKE_S_ESTABLISHED);
    static struct child_offer o;
    memset(&o, 0, sizeof o);
    uint16_t err = 0;
    for (unsigned i = 0; i < m->n_notifies && !err; i++)
        if (m->notify[i].type <= IKE_N_ERROR_MAX)
            err = m->notify[i].type;
    if (!err) {
        err = child_terms(sa, m, &o, true);
        if (!err && (m->sa.n_proposals != 1 || o.peer_spi == 0))
            err = IKE_N_NO_PROPOSAL_CHOSEN;
    }
    uint32_t spi_in = s->new_spi_in;
    struct ike_child_keys ck;
    char why[96] = "";
    struct child_sa *c = NULL;
    if (!err && ike_child_keys_derive(&ck, &sa->keys, &o.esp.tf, NULL, 0, s->ni, s->ni_len, s->nr,
                                      s->nr_len) == 0) {
        c = ike_child_install(isa, sa, true, &o.esp, o.esn, spi_in, o.peer_spi, &ck, o.local, o.n_local,
                              o.remote, o.n_remote, why, sizeof why);
        ike_child_keys_clear(&ck);
    }
    ike_sa_established(isa, sa);
    ike_log_event(isa, sa, "ike-sa-up", "initiator");
    if (!c) {
        ike_release_esp_spi(isa, spi_in);
        snprintf(why, sizeof why, "no CHILD SA: %s", err ? ike_notify_name(err) : why);
        ike_log_event(isa, sa, "child-sa-refused", why);
        /* a static tunnel without a CHILD SA carries nothing: start over later */
        ike_send_delete(isa, sa);
    }
}

/* ikeload: answers to the responder's requests once a tunnel is up: DPD,
 * Deletes, CHILD SA rekeys; other CREATE_CHILD_SA requests are refused. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "ikeload.h"
#include "pkt.h"

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

void answer_request(struct load *l, struct tunnel *t, const struct ike_hdr *h, const uint8_t *msg,
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

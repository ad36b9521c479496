/* INFORMATIONAL exchanges (RFC 7296 1.4, 1.5, 2.4): liveness checks (DPD,
 * the empty request), deletion of CHILD SAs and of the IKE SA, both as
 * requester and responder. */
#include <stdio.h>
#include <string.h>

#include "ike.h"
#include "log.h"

static uint8_t inner[IKE_MSG_MAX];

void ike_info_request(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    bool kill_ike = false;
    uint8_t ours[4 * 64];
    uint16_t n_ours = 0;
    for (unsigned d = 0; d < m->n_deletes; d++) {
        const struct ike_delete *del = &m->del[d];
        if (del->protocol == IKE_PROTO_IKE) {
            kill_ike = true;
            continue;
        }
        if (del->protocol != IKE_PROTO_ESP || del->spi_size != 4)
            continue;
        /* the SPIs the peer receives on: our outbound ones (RFC 7296 3.11) */
        for (unsigned i = 0; i < del->count; i++) {
            struct child_sa *c = ike_child_by_spi_out(sa, rd32(del->spis + 4 * i));
            if (!c)
                continue;
            /* a CHILD SA we are rekeying or deleting ourselves: the peer's
             * delete crosses ours; answer without ours (RFC 7296 2.25.1) */
            if (c->state != CHILD_DELETING && n_ours < 64)
                wr32(ours + 4 * n_ours++, c->spi_in);
            if (sa->setup && sa->setup->rekeying == c)
                sa->setup->rekeying = NULL;
            ike_child_remove(isa, sa, c, "deleted-by-peer");
        }
    }
    if (n_ours)
        ike_build_delete(&b, IKE_PROTO_ESP, 4, ours, n_ours);
    ike_build_end(&b, &len, &first);
    ike_send_protected(isa, sa, IKE_INFORMATIONAL, true, h->msg_id, inner, len, first, IKE_REQ_NONE);
    if (kill_ike) {
        ike_sa_kill(isa, sa, sa->state == IKE_S_REKEYED ? "rekeyed" : "deleted-by-peer");
        return;
    }
    if (!m->n_deletes && !m->n_notifies)
        isa->ike_dpd_answered++;
}

void ike_info_response(struct isa *isa, struct ike_sa *sa, const struct ike_hdr *h, const struct ike_msg *m)
{
    (void)h;
    (void)m;
    enum ike_req was = sa->req_was;
    if (was == IKE_REQ_DPD) {
        sa->dpd_missed = 0;
        return;
    }
    if (was == IKE_REQ_DELETE) {
        ike_sa_kill(isa, sa, sa->state == IKE_S_REKEYED ? "rekeyed" : "deleted");
        return;
    }
    if (was == IKE_REQ_DELETE_CHILD) {
        for (struct child_sa *c = sa->children, *next; c; c = next) {
            next = c->next;
            if (c->state == CHILD_DELETING)
                ike_child_remove(isa, sa, c, "rekeyed");
        }
    }
}

void ike_send_dpd(struct isa *isa, struct ike_sa *sa)
{
    ike_send_protected(isa, sa, IKE_INFORMATIONAL, false, sa->next_req_id, NULL, 0, IKE_PL_NONE, IKE_REQ_DPD);
}

void ike_send_delete(struct isa *isa, struct ike_sa *sa)
{
    struct ike_build b;
    size_t len;
    uint8_t first;
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
    ike_build_end(&b, &len, &first);
    /* a delete cuts across whatever was outstanding */
    sa->req = IKE_REQ_NONE;
    ike_send_protected(isa, sa, IKE_INFORMATIONAL, false, sa->next_req_id, inner, len, first, IKE_REQ_DELETE);
    if (sa->state == IKE_S_ESTABLISHED || sa->state == IKE_S_REKEYED)
        ike_sa_set_state(sa, IKE_E_DELETE, IKE_S_DELETING);
}

void ike_send_delete_child(struct isa *isa, struct ike_sa *sa, struct child_sa *c)
{
    struct ike_build b;
    size_t len;
    uint8_t first, spi[4];
    wr32(spi, c->spi_in);
    ike_build_inner(&b, inner, sizeof inner);
    ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
    ike_build_end(&b, &len, &first);
    c->state = CHILD_DELETING;
    ike_send_protected(isa, sa, IKE_INFORMATIONAL, false, sa->next_req_id, inner, len, first,
                       IKE_REQ_DELETE_CHILD);
}

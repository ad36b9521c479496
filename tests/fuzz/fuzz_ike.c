/* libFuzzer target for isa/ike_msg.c: the input as an IKE datagram (as it
 * came, and with the header's Length set to the input's so the payload walk
 * is reached), and as a bare payload chain (the first byte names the first
 * payload, as an SK's Next Payload would). Whatever parses is built again
 * from the views and must parse to the same views: parse(build(parse(x)))
 * == parse(x), unknown non-critical payloads aside; and building that again
 * gives the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/ike_msg.h"

static struct ike_msg first, again;
static struct ike_hdr hdr1, hdr2;

#define fail(...)                                                                              \
    do {                                                                                       \
        fprintf(stderr, "fuzz_ike: " __VA_ARGS__);                                             \
        fputc('\n', stderr);                                                                   \
        abort();                                                                               \
    } while (0)

static bool same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The payloads of m appended to b, in their order. */
static enum ike_msg_err build_from(struct ike_build *b, const struct ike_msg *m)
{
    unsigned n = 0, d = 0, v = 0, c = 0, cr = 0;
    enum ike_msg_err err = IKE_MSG_OK;
    for (unsigned i = 0; i < m->n_payloads && !err; i++) {
        uint8_t t = m->order[i];
        switch (t) {
        case IKE_PL_SA:
            err = ike_build_sa(b, m->sa.prop, m->sa.n_proposals);
            break;
        case IKE_PL_KE:
            err = ike_build_ke(b, m->ke.group, m->ke.data, m->ke.len);
            break;
        case IKE_PL_IDI:
        case IKE_PL_IDR: {
            const struct ike_id *id = t == IKE_PL_IDI ? &m->idi : &m->idr;
            err = ike_build_id(b, t, id->type, id->data, id->len);
            break;
        }
        case IKE_PL_CERT:
            err = ike_build_cert(b, t, m->cert[c].encoding, m->cert[c].data, m->cert[c].len);
            c++;
            break;
        case IKE_PL_CERTREQ:
            err = ike_build_cert(b, t, m->certreq[cr].encoding, m->certreq[cr].data,
                                 m->certreq[cr].len);
            cr++;
            break;
        case IKE_PL_AUTH:
            err = ike_build_auth(b, m->auth.method, m->auth.data, m->auth.len);
            break;
        case IKE_PL_NONCE:
            err = ike_build_nonce(b, m->nonce.data, m->nonce.len);
            break;
        case IKE_PL_NOTIFY: {
            const struct ike_notify *x = &m->notify[n++];
            err = ike_build_notify(b, x->protocol, x->type, x->spi, x->spi_size, x->data, x->len);
            break;
        }
        case IKE_PL_DELETE: {
            const struct ike_delete *x = &m->del[d++];
            err = ike_build_delete(b, x->protocol, x->spi_size, x->spis, x->count);
            break;
        }
        case IKE_PL_VENDOR:
            err = ike_build_vendor(b, m->vendor[v].data, m->vendor[v].len);
            v++;
            break;
        case IKE_PL_TSI:
            err = ike_build_ts(b, t, m->tsi.ts, m->tsi.count);
            break;
        case IKE_PL_TSR:
            err = ike_build_ts(b, t, m->tsr.ts, m->tsr.count);
            break;
        case IKE_PL_SK:
            err = ike_build_sk(b, m->sk.next, m->sk.data, m->sk.len, NULL);
            break;
        case IKE_PL_SKF:
            err = ike_build_skf(b, m->skf.next, m->skf.number, m->skf.total, m->skf.data,
                                m->skf.len, NULL);
            break;
        case IKE_PL_CP:
            err = ike_build_cp(b, m->cp.type, m->cp.attr, m->cp.n_attrs);
            break;
        case IKE_PL_EAP:
            err = ike_build_eap(b, m->eap.data, m->eap.len);
            break;
        default:
            fail("order[%u] holds type %u", i, t);
        }
    }
    return err;
}

static void same_ts(const char *what, const struct ike_ts_payload *a,
                    const struct ike_ts_payload *b)
{
    if (a->count != b->count)
        fail("%s: %u selectors, rebuilt %u", what, a->count, b->count);
    for (unsigned i = 0; i < a->count; i++) {
        const struct ike_ts *x = &a->ts[i], *y = &b->ts[i];
        if (x->type != y->type || x->raw_len != y->raw_len)
            fail("%s[%u]: type/length", what, i);
        if (x->start) {
            size_t alen = (x->raw_len - 8) / 2;
            if (!y->start || x->ip_proto != y->ip_proto || x->start_port != y->start_port ||
                x->end_port != y->end_port || !same(x->start, alen, y->start, alen) ||
                !same(x->end, alen, y->end, alen))
                fail("%s[%u]: range differs", what, i);
        } else if (y->start || !same(x->raw, x->raw_len, y->raw, y->raw_len)) {
            fail("%s[%u]: raw selector differs", what, i);
        }
    }
}

/* a as parsed from the input, b from what was built of it. */
static void same_msg(const struct ike_msg *a, const struct ike_msg *b)
{
    if (a->present != b->present || a->n_payloads != b->n_payloads ||
        memcmp(a->order, b->order, a->n_payloads) != 0)
        fail("payload order differs");
    if (b->n_unknown != 0)
        fail("rebuilt message has unknown payloads");
    if (ike_msg_has(a, IKE_PL_SA)) {
        if (a->sa.n_proposals != b->sa.n_proposals)
            fail("SA: proposal count");
        for (unsigned i = 0; i < a->sa.n_proposals; i++) {
            const struct ike_proposal *x = &a->sa.prop[i], *y = &b->sa.prop[i];
            if (x->num != y->num || x->protocol != y->protocol ||
                !same(x->spi, x->spi_size, y->spi, y->spi_size) ||
                x->n_transforms != y->n_transforms)
                fail("SA: proposal %u", i);
            for (unsigned j = 0; j < x->n_transforms; j++) {
                const struct ike_transform *s = &x->tf[j], *r = &y->tf[j];
                /* attributes that made it unusable are not rebuilt */
                if (s->type != r->type || s->id != r->id || s->key_len != r->key_len ||
                    r->unusable)
                    fail("SA: proposal %u transform %u", i, j);
            }
        }
    }
    if (ike_msg_has(a, IKE_PL_KE) &&
        (a->ke.group != b->ke.group || !same(a->ke.data, a->ke.len, b->ke.data, b->ke.len)))
        fail("KE");
    const struct ike_id *ids[2][2] = { { &a->idi, &b->idi }, { &a->idr, &b->idr } };
    for (int i = 0; i < 2; i++) {
        const struct ike_id *x = ids[i][0], *y = ids[i][1];
        if (x->type != y->type || !same(x->data, x->len, y->data, y->len) ||
            x->body_len != y->body_len || (x->body && !same(x->body + 4, x->body_len - 4,
                                                            y->body + 4, y->body_len - 4)))
            fail("ID%c", i ? 'r' : 'i');
    }
    if (a->auth.method != b->auth.method ||
        !same(a->auth.data, a->auth.len, b->auth.data, b->auth.len))
        fail("AUTH");
    if (!same(a->nonce.data, a->nonce.len, b->nonce.data, b->nonce.len))
        fail("Nonce");
    if (!same(a->eap.data, a->eap.len, b->eap.data, b->eap.len))
        fail("EAP");
    same_ts("TSi", &a->tsi, &b->tsi);
    same_ts("TSr", &a->tsr, &b->tsr);
    if (a->sk.next != b->sk.next || !same(a->sk.data, a->sk.len, b->sk.data, b->sk.len))
        fail("SK");
    if (a->skf.next != b->skf.next || a->skf.number != b->skf.number ||
        a->skf.total != b->skf.total || !same(a->skf.data, a->skf.len, b->skf.data, b->skf.len))
        fail("SKF");
    if (a->cp.type != b->cp.type || a->cp.n_attrs != b->cp.n_attrs)
        fail("CP");
    for (unsigned i = 0; i < a->cp.n_attrs; i++)
        if (a->cp.attr[i].type != b->cp.attr[i].type ||
            !same(a->cp.attr[i].value, a->cp.attr[i].len, b->cp.attr[i].value,
                  b->cp.attr[i].len))
            fail("CP attribute %u", i);
    if (a->n_notifies != b->n_notifies || a->n_deletes != b->n_deletes ||
        a->n_vendors != b->n_vendors || a->n_certs != b->n_certs ||
        a->n_certreqs != b->n_certreqs)
        fail("repeated payload counts");
    for (unsigned i = 0; i < a->n_notifies; i++) {
        const struct ike_notify *x = &a->notify[i], *y = &b->notify[i];
        if (x->protocol != y->protocol || x->type != y->type ||
            !same(x->spi, x->spi_size, y->spi, y->spi_size) ||
            !same(x->data, x->len, y->data, y->len))
            fail("N %u", i);
    }
    for (unsigned i = 0; i < a->n_deletes; i++) {
        const struct ike_delete *x = &a->del[i], *y = &b->del[i];
        size_t n = (size_t)x->count * x->spi_size;
        if (x->protocol != y->protocol || x->spi_size != y->spi_size || x->count != y->count ||
            !same(x->spis, n, y->spis, n))
            fail("D %u", i);
    }
    for (unsigned i = 0; i < a->n_vendors; i++)
        if (!same(a->vendor[i].data, a->vendor[i].len, b->vendor[i].data, b->vendor[i].len))
            fail("V %u", i);
    for (unsigned i = 0; i < a->n_certs; i++)
        if (a->cert[i].encoding != b->cert[i].encoding ||
            !same(a->cert[i].data, a->cert[i].len, b->cert[i].data, b->cert[i].len))
            fail("CERT %u", i);
    for (unsigned i = 0; i < a->n_certreqs; i++)
        if (a->certreq[i].encoding != b->certreq[i].encoding ||
            !same(a->certreq[i].data, a->certreq[i].len, b->certreq[i].data,
                  b->certreq[i].len))
            fail("CERTREQ %u", i);
}

/* Nothing rebuilt is longer than what it came from: room for the input. */
static void round_trip(const uint8_t *data, size_t size, bool inner, uint8_t first_type)
{
    size_t cap = size + IKE_HDR_LEN, len = 0, len2 = 0;
    uint8_t *buf = malloc(cap), *buf2 = malloc(cap), first_built = 0;
    struct ike_build b;
    enum ike_msg_err err;

    if (inner) {
        if (ike_parse_payloads(first_type, data, size, &first) != IKE_MSG_OK)
            goto out;
        ike_build_inner(&b, buf, cap);
    } else {
        if (ike_parse(data, size, &hdr1, &first) != IKE_MSG_OK)
            goto out;
        ike_build_begin(&b, buf, cap, &hdr1);
    }
    build_from(&b, &first);
    err = ike_build_end(&b, &len, &first_built);
    if (err)
        fail("building what parsed: %s", ike_msg_err_name(err));
    if (inner) {
        uint8_t want = first.n_payloads ? first.order[0] : IKE_PL_NONE;
        if (first_built != want)
            fail("first payload %u, want %u", first_built, want);
        err = ike_parse_payloads(first_built, buf, len, &again);
    } else {
        err = ike_parse(buf, len, &hdr2, &again);
        /* the header's Next Payload skips the unknown payloads that were dropped */
        uint8_t want = first.n_payloads ? first.order[0] : IKE_PL_NONE;
        if (!err && (hdr1.spi_i != hdr2.spi_i || hdr1.spi_r != hdr2.spi_r ||
                     hdr1.exchange != hdr2.exchange || hdr1.flags != hdr2.flags ||
                     hdr1.msg_id != hdr2.msg_id || hdr1.minor != hdr2.minor ||
                     hdr2.next != want || first_built != want))
            fail("header differs");
    }
    if (err)
        fail("rebuilt %s %zu bytes refused: %s (payload %u)", inner ? "chain" : "message", len,
             ike_msg_err_name(err), again.bad_type);
    same_msg(&first, &again);

    /* what the rebuilt message parsed to builds to the same bytes */
    if (inner)
        ike_build_inner(&b, buf2, cap);
    else
        ike_build_begin(&b, buf2, cap, &hdr2);
    build_from(&b, &again);
    if (ike_build_end(&b, &len2, NULL) || !same(buf, len, buf2, len2))
        fail("second build differs");
out:
    free(buf);
    free(buf2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    round_trip(data, size, false, 0);
    if (size >= IKE_HDR_LEN) {
        uint8_t *copy = malloc(size);
        memcpy(copy, data, size);
        copy[24] = (uint8_t)(size >> 24), copy[25] = (uint8_t)(size >> 16);
        copy[26] = (uint8_t)(size >> 8), copy[27] = (uint8_t)size;
        copy[17] = (uint8_t)(IKE_MAJOR_VERSION << 4 | (copy[17] & 0x0f));
        round_trip(copy, size, false, 0);
        free(copy);
    }
    if (size >= 1)
        round_trip(data + 1, size - 1, true, data[0]);
    return 0;
}

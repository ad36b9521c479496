/* IKEv2 message codec (RFC 7296 3, RFC 7383 2.5): the header, the payload
 * chain and each payload's substructures, parsed into views of the buffer
 * and built into a caller's buffer. Every length is checked against what is
 * left before a byte is read. */
#include <string.h>

#include "ike_msg.h"
#include "pkt.h"

/* ---- names -------------------------------------------------------------------------- */

const char *ike_msg_err_name(enum ike_msg_err e)
{
    static const char *const names[] = {
#define X(id, name) name,
        IKE_MSG_ERRS(X)
#undef X
    };
    return (unsigned)e < IKE_MSG_ERR_MAX ? names[e] : "?";
}

uint16_t ike_msg_err_notify(enum ike_msg_err e)
{
    switch (e) {
    case IKE_MSG_OK:
    case IKE_MSG_NO_SPACE:
    case IKE_MSG_BAD_ARG:
    case IKE_MSG_ERR_MAX:
        return 0;
    case IKE_MSG_BAD_VERSION:
        return IKE_N_INVALID_MAJOR_VERSION;
    case IKE_MSG_UNSUPPORTED_CRITICAL:
        return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
    default:
        return IKE_N_INVALID_SYNTAX;
    }
}

const char *ike_exchange_name(unsigned exchange)
{
    switch (exchange) {
    case IKE_SA_INIT:
        return "IKE_SA_INIT";
    case IKE_AUTH:
        return "IKE_AUTH";
    case IKE_CREATE_CHILD_SA:
        return "CREATE_CHILD_SA";
    case IKE_INFORMATIONAL:
        return "INFORMATIONAL";
    default:
        return "?";
    }
}

const char *ike_payload_name(unsigned type)
{
    switch (type) {
#define X(id, num, name)                                                                       \
    case num:                                                                                  \
        return name;
        IKE_PAYLOADS(X)
#undef X
    default:
        return "?";
    }
}

const char *ike_notify_name(unsigned type)
{
    switch (type) {
#define X(id, num)                                                                             \
    case num:                                                                                  \
        return #id;
        IKE_NOTIFIES(X)
#undef X
    default:
        return "?";
    }
}

const struct ike_notify *ike_msg_notify(const struct ike_msg *m, uint16_t type)
{
    for (unsigned i = 0; i < m->n_notifies; i++)
        if (m->notify[i].type == type)
            return &m->notify[i];
    return NULL;
}

static bool payload_known(unsigned type)
{
    return (type >= IKE_PL_SA && type <= IKE_PL_EAP) || type == IKE_PL_SKF;
}

/* RFC 7296 3: these appear at most once in a message (CP and EAP: one per
 * exchange step, and struct ike_msg holds one). */
static bool payload_single(unsigned type)
{
    switch (type) {
    case IKE_PL_NOTIFY:
    case IKE_PL_DELETE:
    case IKE_PL_VENDOR:
    case IKE_PL_CERT:
    case IKE_PL_CERTREQ:
        return false;
    default:
        return true;
    }
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) << 32 | rd32(p + 4); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)(v >> 32)); wr32(p + 4, (uint32_t)v); }

/* ---- header ------------------------------------------------------------------------- */

enum ike_msg_err ike_parse_header(const uint8_t *buf, size_t len, struct ike_hdr *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    if (len < IKE_HDR_LEN)
        return IKE_MSG_SHORT;
    hdr->spi_i = rd64(buf);
    hdr->spi_r = rd64(buf + 8);
    hdr->next = buf[16];
    hdr->major = buf[17] >> 4;
    hdr->minor = buf[17] & 0x0f;
    hdr->exchange = buf[18];
    hdr->flags = buf[19];
    hdr->msg_id = rd32(buf + 20);
    hdr->length = rd32(buf + 24);
    /* RFC 7296 2.5: a higher minor version is still understood */
    if (hdr->major != IKE_MAJOR_VERSION)
        return IKE_MSG_BAD_VERSION;
    if (hdr->length != len)
        return IKE_MSG_BAD_LENGTH;
    return IKE_MSG_OK;
}

/* ---- payload bodies: p is the body after the generic header, len its length ------- */

/* RFC 7296 3.3.5: Key Length is the only attribute defined; it is TV. */
static enum ike_msg_err parse_attributes(const uint8_t *p, size_t len, struct ike_transform *tf)
{
    bool seen = false;
    size_t off = 0;
    while (off < len) {
        if (len - off < 4)
            return IKE_MSG_BAD_SA;
        uint16_t type = rd16(p + off);
        bool tv = type & 0x8000;
        size_t alen = tv ? 4 : 4 + (size_t)rd16(p + off + 2);
        if (alen > len - off)
            return IKE_MSG_BAD_SA;
        type &= 0x7fff;
        uint16_t value = rd16(p + off + 2);
        if (tv && type == IKE_ATTR_KEY_LENGTH && !seen && value != 0)
            tf->key_len = value;
        else
            tf->unusable = true;
        if (type == IKE_ATTR_KEY_LENGTH)
            seen = true;
        off += alen;
    }
    return IKE_MSG_OK;
}

static enum ike_msg_err parse_transforms(const uint8_t *p, size_t len, uint8_t count,
                                         struct ike_proposal *prop)
{
    size_t off = 0;
    while (off < len) {
        if (prop->n_transforms == IKE_MAX_TRANSFORMS)
            return IKE_MSG_TOO_MANY;
        if (len - off < 8)
            return IKE_MSG_BAD_SA;
        const uint8_t *t = p + off;
        size_t tlen = rd16(t + 2);
        if (tlen < 8 || tlen > len - off)
            return IKE_MSG_BAD_SA;
        struct ike_transform *tf = &prop->tf[prop->n_transforms];
        tf->type = t[4];
        tf->id = rd16(t + 6);
        enum ike_msg_err err = parse_attributes(t + 8, tlen - 8, tf);
        if (err)
            return err;
        off += tlen;
        prop->n_transforms++;
        /* Last Substruc: 3 while more transforms follow, 0 on the last */
        if (t[0] != (off == len ? 0 : 3))
            return IKE_MSG_BAD_SA;
    }
    return prop->n_transforms == count ? IKE_MSG_OK : IKE_MSG_BAD_SA;
}

static enum ike_msg_err parse_sa(const uint8_t *p, size_t len, struct ike_sa_payload *sa)
{
    size_t off = 0;
    if (len == 0)
        return IKE_MSG_BAD_SA;
    while (off < len) {
        if (sa->n_proposals == IKE_MAX_PROPOSALS)
            return IKE_MSG_TOO_MANY;
        if (len - off < 8)
            return IKE_MSG_BAD_SA;
        const uint8_t *q = p + off;
        size_t plen = rd16(q + 2);
        struct ike_proposal *prop = &sa->prop[sa->n_proposals];
        prop->num = q[4];
        prop->protocol = q[5];
        prop->spi_size = q[6];
        if (prop->spi_size != 0 && prop->spi_size != 4 && prop->spi_size != 8)
            return IKE_MSG_BAD_SA;
        if (plen < 8u + prop->spi_size || plen > len - off)
            return IKE_MSG_BAD_SA;
        prop->spi = prop->spi_size ? q + 8 : NULL;
        enum ike_msg_err err =
            parse_transforms(q + 8 + prop->spi_size, plen - 8 - prop->spi_size, q[7], prop);
        if (err)
            return err;
        off += plen;
        sa->n_proposals++;
        /* Last Substruc: 2 while more proposals follow, 0 on the last */
        if (q[0] != (off == len ? 0 : 2))
            return IKE_MSG_BAD_SA;
    }
    return IKE_MSG_OK;
}

static enum ike_msg_err parse_ts(const uint8_t *p, size_t len, struct ike_ts_payload *tsp)
{
    if (len < 4)
        return IKE_MSG_PAYLOAD_LENGTH;
    tsp->count = p[0];
    if (tsp->count > IKE_MAX_TS)
        return IKE_MSG_TOO_MANY;
    size_t off = 4;
    for (unsigned i = 0; i < tsp->count; i++) {
        if (len - off < 4)
            return IKE_MSG_BAD_TS;
        const uint8_t *q = p + off;
        size_t slen = rd16(q + 2);
        if (slen < 4 || slen > len - off)
            return IKE_MSG_BAD_TS;
        struct ike_ts *ts = &tsp->ts[i];
        ts->type = q[0];
        ts->ip_proto = q[1];
        ts->raw = q;
        ts->raw_len = slen;
        if (ts->type == IKE_TS_IPV4_ADDR_RANGE || ts->type == IKE_TS_IPV6_ADDR_RANGE) {
            size_t alen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
            if (slen != 8 + 2 * alen)
                return IKE_MSG_BAD_TS;
            ts->start_port = rd16(q + 4);
            ts->end_port = rd16(q + 6);
            ts->start = q + 8;
            ts->end = q + 8 + alen;
        }
        off += slen;
    }
    /* the Number of TSs must account for every byte */
    return off == len ? IKE_MSG_OK : IKE_MSG_BAD_TS;
}

static enum ike_msg_err parse_cp(const uint8_t *p, size_t len, struct ike_cp *cp)
{
    if (len < 4)
        return IKE_MSG_PAYLOAD_LENGTH;
    cp->type = p[0];
    size_t off = 4;
    while (off < len) {
        if (cp->n_attrs == IKE_MAX_CP_ATTRS)
            return IKE_MSG_TOO_MANY;
        if (len - off < 4)
            return IKE_MSG_BAD_CP;
        const uint8_t *q = p + off;
        uint16_t alen = rd16(q + 2);
        if (alen > len - off - 4)
            return IKE_MSG_BAD_CP;
        struct ike_cp_attr *a = &cp->attr[cp->n_attrs++];
        a->type = rd16(q) & 0x7fff;
        a->len = alen;
        a->value = alen ? q + 4 : NULL;
        off += 4 + (size_t)alen;
    }
    return IKE_MSG_OK;
}

static enum ike_msg_err parse_notify(const uint8_t *p, size_t len, struct ike_msg *m)
{
    if (len < 4)
        return IKE_MSG_PAYLOAD_LENGTH;
    if (m->n_notifies == IKE_MAX_NOTIFIES)
        return IKE_MSG_TOO_MANY;
    struct ike_notify *n = &m->notify[m->n_notifies];
    n->protocol = p[0];
    n->spi_size = p[1];
    n->type = rd16(p + 2);
    if (n->spi_size > len - 4)
        return IKE_MSG_BAD_NOTIFY;
    n->spi = n->spi_size ? p + 4 : NULL;
    n->len = len - 4 - n->spi_size;
    n->data = n->len ? p + 4 + n->spi_size : NULL;
    m->n_notifies++;
    return IKE_MSG_OK;
}

static enum ike_msg_err parse_delete(const uint8_t *p, size_t len, struct ike_msg *m)
{
    if (len < 4)
        return IKE_MSG_PAYLOAD_LENGTH;
    if (m->n_deletes == IKE_MAX_DELETES)
        return IKE_MSG_TOO_MANY;
    struct ike_delete *d = &m->del[m->n_deletes];
    d->protocol = p[0];
    d->spi_size = p[1];
    d->count = rd16(p + 2);
    /* RFC 7296 3.11: the payload holds exactly count SPIs of spi_size bytes
     * (the IKE SA: size 0, count 0) */
    if ((size_t)d->count * d->spi_size != len - 4 || (d->spi_size == 0 && d->count != 0))
        return IKE_MSG_BAD_DELETE;
    d->spis = d->count ? p + 4 : NULL;
    m->n_deletes++;
    return IKE_MSG_OK;
}

static enum ike_msg_err parse_cert(const uint8_t *p, size_t len, struct ike_cert *arr,
                                   unsigned *n)
{
    if (len < 1)
        return IKE_MSG_PAYLOAD_LENGTH;
    if (*n == IKE_MAX_CERTS)
        return IKE_MSG_TOO_MANY;
    struct ike_cert *c = &arr[(*n)++];
    c->encoding = p[0];
    c->len = len - 1;
    c->data = c->len ? p + 1 : NULL;
    return IKE_MSG_OK;
}

static void blob(struct ike_blob *b, const uint8_t *p, size_t len)
{
    b->data = len ? p : NULL;
    b->len = len;
}

/* One known payload; gen is its generic header, p/len its body. */
static enum ike_msg_err parse_payload(uint8_t type, const uint8_t *gen, const uint8_t *p,
                                      size_t len, struct ike_msg *m)
{
    switch (type) {
    case IKE_PL_SA:
        return parse_sa(p, len, &m->sa);
    case IKE_PL_KE:
        if (len < 4)
            return IKE_MSG_PAYLOAD_LENGTH;
        m->ke.group = rd16(p);
        m->ke.len = len - 4;
        m->ke.data = m->ke.len ? p + 4 : NULL;
        return IKE_MSG_OK;
    case IKE_PL_IDI:
    case IKE_PL_IDR: {
        if (len < 4)
            return IKE_MSG_PAYLOAD_LENGTH;
        struct ike_id *id = type == IKE_PL_IDI ? &m->idi : &m->idr;
        id->type = p[0];
        id->len = len - 4;
        id->data = id->len ? p + 4 : NULL;
        id->body = p;
        id->body_len = len;
        return IKE_MSG_OK;
    }
    case IKE_PL_CERT:
        return parse_cert(p, len, m->cert, &m->n_certs);
    case IKE_PL_CERTREQ:
        return parse_cert(p, len, m->certreq, &m->n_certreqs);
    case IKE_PL_AUTH:
        if (len < 4)
            return IKE_MSG_PAYLOAD_LENGTH;
        m->auth.method = p[0];
        m->auth.len = len - 4;
        m->auth.data = m->auth.len ? p + 4 : NULL;
        return IKE_MSG_OK;
    case IKE_PL_NONCE:
        /* RFC 7296 3.9: between 16 and 256 octets */
        if (len < 16 || len > 256)
            return IKE_MSG_BAD_NONCE;
        blob(&m->nonce, p, len);
        return IKE_MSG_OK;
    case IKE_PL_NOTIFY:
        return parse_notify(p, len, m);
    case IKE_PL_DELETE:
        return parse_delete(p, len, m);
    case IKE_PL_VENDOR:
        if (m->n_vendors == IKE_MAX_VENDORS)
            return IKE_MSG_TOO_MANY;
        blob(&m->vendor[m->n_vendors++], p, len);
        return IKE_MSG_OK;
    case IKE_PL_TSI:
        return parse_ts(p, len, &m->tsi);
    case IKE_PL_TSR:
        return parse_ts(p, len, &m->tsr);
    case IKE_PL_SK:
        m->sk.next = gen[0];
        m->sk.payload = gen;
        m->sk.data = len ? p : NULL;
        m->sk.len = len;
        return IKE_MSG_OK;
    case IKE_PL_SKF:
        if (len < 4)
            return IKE_MSG_PAYLOAD_LENGTH;
        m->skf.next = gen[0];
        m->skf.number = rd16(p);
        m->skf.total = rd16(p + 2);
        m->skf.payload = gen;
        m->skf.len = len - 4;
        m->skf.data = m->skf.len ? p + 4 : NULL;
        /* RFC 7383 2.5: numbered from 1, the total at least 1 */
        if (m->skf.total == 0 || m->skf.number == 0 || m->skf.number > m->skf.total)
            return IKE_MSG_BAD_SKF;
        return IKE_MSG_OK;
    case IKE_PL_CP:
        return parse_cp(p, len, &m->cp);
    case IKE_PL_EAP:
        blob(&m->eap, p, len);
        return IKE_MSG_OK;
    default:
        return IKE_MSG_BAD_ARG;    /* not reached: only known types come here */
    }
}

/* ---- the chain ---------------------------------------------------------------------- */

enum ike_msg_err ike_parse_payloads(uint8_t first_type, const uint8_t *buf, size_t len,
                                    struct ike_msg *m)
{
    enum ike_msg_err err = IKE_MSG_OK;
    uint8_t type = first_type;
    size_t off = 0;

    memset(m, 0, sizeof *m);
    while (type != IKE_PL_NONE) {
        m->bad_type = type;
        if (len - off < IKE_PAYLOAD_HDR_LEN) {
            err = IKE_MSG_TRUNCATED;
            goto fail;
        }
        const uint8_t *gen = buf + off;
        size_t plen = rd16(gen + 2);
        if (plen < IKE_PAYLOAD_HDR_LEN) {
            err = IKE_MSG_PAYLOAD_LENGTH;
            goto fail;
        }
        if (plen > len - off) {
            err = IKE_MSG_TRUNCATED;
            goto fail;
        }
        if (!payload_known(type)) {
            /* RFC 7296 2.5: the critical bit matters only for unknown types */
            if (gen[1] & IKE_CRITICAL) {
                m->unsupported_type = type;
                err = IKE_MSG_UNSUPPORTED_CRITICAL;
                goto fail;
            }
            m->n_unknown++;
        } else {
            if (type == IKE_PL_SKF && off != 0) {
                err = IKE_MSG_SKF_NOT_ALONE;
                goto fail;
            }
            if (payload_single(type) && ike_msg_has(m, type)) {
                err = IKE_MSG_DUPLICATE;
                goto fail;
            }
            /* the per-type limits keep below this; it guards order[] */
            if (m->n_payloads == IKE_MAX_PAYLOADS) {
                err = IKE_MSG_TOO_MANY;
                goto fail;
            }
            err = parse_payload(type, gen, gen + IKE_PAYLOAD_HDR_LEN,
                                plen - IKE_PAYLOAD_HDR_LEN, m);
            if (err)
                goto fail;
            m->present |= 1ull << type;
            m->order[m->n_payloads++] = type;
        }
        off += plen;
        /* RFC 7296 3.14, RFC 7383 2.5: SK and SKF end the chain; their Next
         * Payload is the first payload inside */
        if (type == IKE_PL_SK || type == IKE_PL_SKF) {
            if (off != len) {
                err = type == IKE_PL_SK ? IKE_MSG_SK_NOT_LAST : IKE_MSG_SKF_NOT_ALONE;
                goto fail;
            }
            break;
        }
        type = gen[0];
    }
    if (off != len) {
        m->bad_type = IKE_PL_NONE;
        err = IKE_MSG_TRAILING;
        goto fail;
    }
    m->bad_type = IKE_PL_NONE;
    return IKE_MSG_OK;
fail:
    return err;
}

enum ike_msg_err ike_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
                           struct ike_msg *msg)
{
    enum ike_msg_err err = ike_parse_header(buf, len, hdr);
    if (err) {
        memset(msg, 0, sizeof *msg);
        return err;
    }
    return ike_parse_payloads(hdr->next, buf + IKE_HDR_LEN, len - IKE_HDR_LEN, msg);
}

/* ---- building ----------------------------------------------------------------------- */

#define PAYLOAD_MAX ((size_t)65535 - IKE_PAYLOAD_HDR_LEN)   /* a body's largest length */

enum ike_msg_err ike_build_begin(struct ike_build *b, uint8_t *buf, size_t cap,
                                 const struct ike_hdr *hdr)
{
    memset(b, 0, sizeof *b);
    b->buf = buf;
    b->cap = cap;
    b->link = 16;
    if (cap < IKE_HDR_LEN)
        return b->err = IKE_MSG_NO_SPACE;
    wr64(buf, hdr->spi_i);
    wr64(buf + 8, hdr->spi_r);
    buf[16] = IKE_PL_NONE;
    buf[17] = (uint8_t)((hdr->major ? hdr->major : IKE_MAJOR_VERSION) << 4 | (hdr->minor & 0x0f));
    buf[18] = hdr->exchange;
    buf[19] = hdr->flags;
    wr32(buf + 20, hdr->msg_id);
    wr32(buf + 24, IKE_HDR_LEN);
    b->len = IKE_HDR_LEN;
    return IKE_MSG_OK;
}

void ike_build_inner(struct ike_build *b, uint8_t *buf, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->buf = buf;
    b->cap = cap;
    b->inner = true;
    b->link = SIZE_MAX;
}

enum ike_msg_err ike_build_end(struct ike_build *b, size_t *len, uint8_t *first)
{
    if (len)
        *len = b->len;
    if (first)
        *first = b->first;
    return b->err;
}

static enum ike_msg_err build_fail(struct ike_build *b, enum ike_msg_err err)
{
    if (!b->err)
        b->err = err;
    return b->err;
}

/* Room for a payload with a body of len bytes: its generic header written
 * (Next Payload none), linked into the chain, lengths updated. NULL when it
 * does not fit, after an earlier error, or after SK/SKF (b->err says). */
static uint8_t *append(struct ike_build *b, uint8_t type, bool critical, size_t len)
{
    if (b->err)
        return NULL;
    if (b->closed) {
        build_fail(b, IKE_MSG_SK_NOT_LAST);
        return NULL;
    }
    if (len > PAYLOAD_MAX) {
        build_fail(b, IKE_MSG_BAD_ARG);
        return NULL;
    }
    if (b->cap - b->len < IKE_PAYLOAD_HDR_LEN + len) {
        build_fail(b, IKE_MSG_NO_SPACE);
        return NULL;
    }
    uint8_t *p = b->buf + b->len;
    p[0] = IKE_PL_NONE;
    p[1] = critical ? IKE_CRITICAL : 0;
    wr16(p + 2, (uint16_t)(IKE_PAYLOAD_HDR_LEN + len));
    if (b->link != SIZE_MAX)
        b->buf[b->link] = type;
    if (b->len == (b->inner ? 0 : IKE_HDR_LEN))
        b->first = type;
    b->link = b->len;
    b->len += IKE_PAYLOAD_HDR_LEN + len;
    if (!b->inner)
        wr32(b->buf + 24, (uint32_t)b->len);
    return p + IKE_PAYLOAD_HDR_LEN;
}

/* Data pointers may be NULL only with a zero length. */
static bool data_ok(const void *p, size_t len) { return p || len == 0; }

static void put(uint8_t *p, const uint8_t *data, size_t len)
{
    if (len)
        memcpy(p, data, len);
}

static size_t transform_len(const struct ike_transform *tf) { return tf->key_len ? 12 : 8; }

static size_t proposal_len(const struct ike_proposal *prop)
{
    size_t n = 8 + prop->spi_size;
    for (unsigned i = 0; i < prop->n_transforms; i++)
        n += transform_len(&prop->tf[i]);
    return n;
}

enum ike_msg_err ike_build_sa(struct ike_build *b, const struct ike_proposal *prop, unsigned n)
{
    size_t len = 0;
    if (n == 0 || n > 255 || !prop)
        return build_fail(b, IKE_MSG_BAD_ARG);
    for (unsigned i = 0; i < n; i++) {
        const struct ike_proposal *pr = &prop[i];
        if ((pr->spi_size != 0 && pr->spi_size != 4 && pr->spi_size != 8) ||
            !data_ok(pr->spi, pr->spi_size) || pr->n_transforms > IKE_MAX_TRANSFORMS)
            return build_fail(b, IKE_MSG_BAD_ARG);
        len += proposal_len(pr);
    }
    uint8_t *p = append(b, IKE_PL_SA, false, len);
    if (!p)
        return b->err;
    for (unsigned i = 0; i < n; i++) {
        const struct ike_proposal *pr = &prop[i];
        size_t plen = proposal_len(pr);
        p[0] = i + 1 < n ? 2 : 0;
        p[1] = 0;
        wr16(p + 2, (uint16_t)plen);
        p[4] = pr->num;
        p[5] = pr->protocol;
        p[6] = pr->spi_size;
        p[7] = pr->n_transforms;
        put(p + 8, pr->spi, pr->spi_size);
        uint8_t *t = p + 8 + pr->spi_size;
        for (unsigned j = 0; j < pr->n_transforms; j++) {
            const struct ike_transform *tf = &pr->tf[j];
            size_t tlen = transform_len(tf);
            t[0] = j + 1 < pr->n_transforms ? 3 : 0;
            t[1] = 0;
            wr16(t + 2, (uint16_t)tlen);
            t[4] = tf->type;
            t[5] = 0;
            wr16(t + 6, tf->id);
            if (tf->key_len) {
                wr16(t + 8, 0x8000 | IKE_ATTR_KEY_LENGTH);
                wr16(t + 10, tf->key_len);
            }
            t += tlen;
        }
        p += plen;
    }
    return IKE_MSG_OK;
}

/* The common shape: one type byte, three reserved, data (KE has a 16-bit group). */
static enum ike_msg_err build_typed(struct ike_build *b, uint8_t pl_type, uint16_t head,
                                    bool head16, const uint8_t *data, size_t len)
{
    if (!data_ok(data, len) || len > PAYLOAD_MAX - 4)
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append(b, pl_type, false, 4 + len);
    if (!p)
        return b->err;
    memset(p, 0, 4);
    if (head16)
        wr16(p, head);
    else
        p[0] = (uint8_t)head;
    put(p + 4, data, len);
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_ke(struct ike_build *b, uint16_t group, const uint8_t *data,
                              size_t len)
{
    return build_typed(b, IKE_PL_KE, group, true, data, len);
}

enum ike_msg_err ike_build_id(struct ike_build *b, uint8_t pl_type, uint8_t id_type,
                              const uint8_t *data, size_t len)
{
    if (pl_type != IKE_PL_IDI && pl_type != IKE_PL_IDR)
        return build_fail(b, IKE_MSG_BAD_ARG);
    return build_typed(b, pl_type, id_type, false, data, len);
}

enum ike_msg_err ike_build_auth(struct ike_build *b, uint8_t method, const uint8_t *data,
                                size_t len)
{
    return build_typed(b, IKE_PL_AUTH, method, false, data, len);
}

enum ike_msg_err ike_build_raw(struct ike_build *b, uint8_t type, bool critical,
                               const uint8_t *body, size_t len)
{
    if (!data_ok(body, len))
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append(b, type, critical, len);
    if (!p)
        return b->err;
    put(p, body, len);
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_nonce(struct ike_build *b, const uint8_t *data, size_t len)
{
    return ike_build_raw(b, IKE_PL_NONCE, false, data, len);
}

enum ike_msg_err ike_build_vendor(struct ike_build *b, const uint8_t *data, size_t len)
{
    return ike_build_raw(b, IKE_PL_VENDOR, false, data, len);
}

enum ike_msg_err ike_build_eap(struct ike_build *b, const uint8_t *data, size_t len)
{
    return ike_build_raw(b, IKE_PL_EAP, false, data, len);
}

enum ike_msg_err ike_build_cert(struct ike_build *b, uint8_t pl_type, uint8_t encoding,
                                const uint8_t *data, size_t len)
{
    if ((pl_type != IKE_PL_CERT && pl_type != IKE_PL_CERTREQ) || !data_ok(data, len) ||
        len > PAYLOAD_MAX - 1)
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append(b, pl_type, false, 1 + len);
    if (!p)
        return b->err;
    p[0] = encoding;
    put(p + 1, data, len);
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_notify(struct ike_build *b, uint8_t protocol, uint16_t type,
                                  const uint8_t *spi, uint8_t spi_size, const uint8_t *data,
                                  size_t len)
{
    if (!data_ok(spi, spi_size) || !data_ok(data, len) || len > PAYLOAD_MAX - 4 - spi_size)
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append(b, IKE_PL_NOTIFY, false, 4 + spi_size + len);
    if (!p)
        return b->err;
    p[0] = protocol;
    p[1] = spi_size;
    wr16(p + 2, type);
    put(p + 4, spi, spi_size);
    put(p + 4 + spi_size, data, len);
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_delete(struct ike_build *b, uint8_t protocol, uint8_t spi_size,
                                  const uint8_t *spis, uint16_t count)
{
    size_t len = (size_t)spi_size * count;
    if (!data_ok(spis, len) || (spi_size == 0 && count != 0) || len > PAYLOAD_MAX - 4)
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append(b, IKE_PL_DELETE, false, 4 + len);
    if (!p)
        return b->err;
    p[0] = protocol;
    p[1] = spi_size;
    wr16(p + 2, count);
    put(p + 4, spis, len);
    return IKE_MSG_OK;
}

static size_t ts_len(const struct ike_ts *ts)
{
    if (ts->type == IKE_TS_IPV4_ADDR_RANGE)
        return 16;
    if (ts->type == IKE_TS_IPV6_ADDR_RANGE)
        return 40;
    return ts->raw_len;
}

enum ike_msg_err ike_build_ts(struct ike_build *b, uint8_t pl_type, const struct ike_ts *ts,
                              unsigned n)
{
    size_t len = 4;
    if ((pl_type != IKE_PL_TSI && pl_type != IKE_PL_TSR) || n > 255 || !data_ok(ts, n))
        return build_fail(b, IKE_MSG_BAD_ARG);
    for (unsigned i = 0; i < n; i++) {
        bool range = ts[i].type == IKE_TS_IPV4_ADDR_RANGE || ts[i].type == IKE_TS_IPV6_ADDR_RANGE;
        if (range ? !ts[i].start || !ts[i].end : !ts[i].raw || ts[i].raw_len < 4)
            return build_fail(b, IKE_MSG_BAD_ARG);
        len += ts_len(&ts[i]);
        if (len > PAYLOAD_MAX)
            return build_fail(b, IKE_MSG_BAD_ARG);
    }
    uint8_t *p = append(b, pl_type, false, len);
    if (!p)
        return b->err;
    p[0] = (uint8_t)n;
    memset(p + 1, 0, 3);
    p += 4;
    for (unsigned i = 0; i < n; i++) {
        size_t slen = ts_len(&ts[i]);
        if (ts[i].type == IKE_TS_IPV4_ADDR_RANGE || ts[i].type == IKE_TS_IPV6_ADDR_RANGE) {
            size_t alen = (slen - 8) / 2;
            p[0] = ts[i].type;
            p[1] = ts[i].ip_proto;
            wr16(p + 2, (uint16_t)slen);
            wr16(p + 4, ts[i].start_port);
            wr16(p + 6, ts[i].end_port);
            memcpy(p + 8, ts[i].start, alen);
            memcpy(p + 8 + alen, ts[i].end, alen);
        } else {
            memcpy(p, ts[i].raw, slen);
        }
        p += slen;
    }
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_cp(struct ike_build *b, uint8_t cfg_type,
                              const struct ike_cp_attr *attr, unsigned n)
{
    size_t len = 4;
    if (!data_ok(attr, n))
        return build_fail(b, IKE_MSG_BAD_ARG);
    for (unsigned i = 0; i < n; i++) {
        if (!data_ok(attr[i].value, attr[i].len) || attr[i].type > 0x7fff)
            return build_fail(b, IKE_MSG_BAD_ARG);
        len += 4 + (size_t)attr[i].len;
        if (len > PAYLOAD_MAX)
            return build_fail(b, IKE_MSG_BAD_ARG);
    }
    uint8_t *p = append(b, IKE_PL_CP, false, len);
    if (!p)
        return b->err;
    p[0] = cfg_type;
    memset(p + 1, 0, 3);
    p += 4;
    for (unsigned i = 0; i < n; i++) {
        wr16(p, attr[i].type);
        wr16(p + 2, attr[i].len);
        put(p + 4, attr[i].value, attr[i].len);
        p += 4 + attr[i].len;
    }
    return IKE_MSG_OK;
}

/* SK and SKF: the chain ends here; Next Payload is the first inner payload. */
static uint8_t *append_encrypted(struct ike_build *b, uint8_t type, uint8_t inner_first,
                                 size_t len)
{
    uint8_t *p = append(b, type, false, len);
    if (!p)
        return NULL;
    p[-IKE_PAYLOAD_HDR_LEN] = inner_first;
    b->closed = true;
    return p;
}

enum ike_msg_err ike_build_sk(struct ike_build *b, uint8_t inner_first, const uint8_t *data,
                              size_t len, uint8_t **body)
{
    uint8_t *p = append_encrypted(b, IKE_PL_SK, inner_first, len);
    if (!p)
        return b->err;
    if (data)
        put(p, data, len);
    else
        memset(p, 0, len);
    if (body)
        *body = p;
    return IKE_MSG_OK;
}

enum ike_msg_err ike_build_skf(struct ike_build *b, uint8_t inner_first, uint16_t number,
                               uint16_t total, const uint8_t *data, size_t len,
                               uint8_t **body)
{
    if (b->len != (b->inner ? 0 : IKE_HDR_LEN))
        return build_fail(b, IKE_MSG_SKF_NOT_ALONE);
    if (total == 0 || number == 0 || number > total || len > PAYLOAD_MAX - 4)
        return build_fail(b, IKE_MSG_BAD_ARG);
    uint8_t *p = append_encrypted(b, IKE_PL_SKF, inner_first, 4 + len);
    if (!p)
        return b->err;
    wr16(p, number);
    wr16(p + 2, total);
    if (data)
        put(p + 4, data, len);
    else
        memset(p + 4, 0, len);
    if (body)
        *body = p + 4;
    return IKE_MSG_OK;
}

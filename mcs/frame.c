/* MCS framing: a frame is a 4-byte big-endian length and that many bytes of
 * packed srlab Envelope. The parser takes whatever arrived and returns whole
 * frames; anything it cannot trust (empty, oversize, not an envelope, a body
 * MCS does not carry) is an error after which the stream is closed. */
#include <stdlib.h>
#include <string.h>

#include "mcs.h"

int mcs_buf_append(struct mcs_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    if (b->off && b->off == b->len)
        b->off = b->len = 0;
    if (b->len + len > b->cap) {
        /* move pending bytes to the front before growing */
        if (b->off) {
            memmove(b->data, b->data + b->off, b->len - b->off);
            b->len -= b->off;
            b->off = 0;
        }
        if (b->len + len > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + len)
                cap *= 2;
            uint8_t *d = realloc(b->data, cap);
            if (!d)
                return -1;
            b->data = d;
            b->cap = cap;
        }
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

void mcs_buf_consume(struct mcs_buf *b, size_t n)
{
    b->off += n <= mcs_buf_pending(b) ? n : mcs_buf_pending(b);
    if (b->off == b->len)
        b->off = b->len = 0;
}

void mcs_buf_free(struct mcs_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

const char *mcs_frame_err_name(enum mcs_frame_err e)
{
    switch (e) {
    case MF_OK: return "ok";
    case MF_MORE: return "incomplete";
    case MF_EMPTY: return "empty_frame";
    case MF_OVERSIZE: return "oversize_frame";
    case MF_MALFORMED: return "malformed_envelope";
    case MF_BODY: return "unexpected_body";
    }
    return "?";
}

int mcs_frame_put(struct mcs_buf *out, bus_msg_t *env)
{
    env->version = BUS_VERSION;
    size_t len = srlab__envelope__get_packed_size(env);
    if (len == 0 || len > MCS_MAX_FRAME)
        return -1;
    uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                       (uint8_t)len };
    uint8_t *body = malloc(len);
    if (!body)
        return -1;
    srlab__envelope__pack(env, body);
    int rc = mcs_buf_append(out, hdr, 4) == 0 && mcs_buf_append(out, body, len) == 0 ? 0 : -1;
    free(body);
    return rc;
}

enum mcs_frame_err mcs_frame_get(struct mcs_buf *in, bus_msg_t **env, struct bus_stats *st)
{
    *env = NULL;
    size_t have = mcs_buf_pending(in);
    if (have < 4)
        return MF_MORE;
    const uint8_t *p = in->data + in->off;
    uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (len == 0)
        return MF_EMPTY;
    if (len > MCS_MAX_FRAME)
        return MF_OVERSIZE;
    if (have - 4 < len)
        return MF_MORE;
    bus_msg_t *e = bus_unpack(p + 4, len, st, "mcs-peer");
    mcs_buf_consume(in, 4 + (size_t)len);
    if (!e)
        return MF_MALFORMED;
    switch (e->body_case) {
    case SRLAB__ENVELOPE__BODY_SYNC_BATCH:
    case SRLAB__ENVELOPE__BODY_SYNC_ACK:
    case SRLAB__ENVELOPE__BODY_SYNC_REQUEST:
        *env = e;
        return MF_OK;
    default:
        bus_free(&e);
        return MF_BODY;
    }
}

#include "bus.h"

#include <ctype.h>
#include <string.h>

#include "log.h"

const char *bus_body_name(int body_case)
{
    switch (body_case) {
    case SRLAB__ENVELOPE__BODY_REGISTER: return "register";
    case SRLAB__ENVELOPE__BODY_REGISTER_ACK: return "register_ack";
    case SRLAB__ENVELOPE__BODY_HEARTBEAT: return "heartbeat";
    case SRLAB__ENVELOPE__BODY_REREGISTER: return "reregister";
    case SRLAB__ENVELOPE__BODY_CONFIG_PUSH: return "config_push";
    case SRLAB__ENVELOPE__BODY_CONFIG_ACK: return "config_ack";
    case SRLAB__ENVELOPE__BODY_PORT_STATUS: return "port_status";
    case SRLAB__ENVELOPE__BODY_CLI_REQUEST: return "cli_request";
    case SRLAB__ENVELOPE__BODY_CLI_REPLY: return "cli_reply";
    case SRLAB__ENVELOPE__BODY_CPM_STATUS_REQUEST: return "cpm_status_request";
    case SRLAB__ENVELOPE__BODY_CPM_STATUS: return "cpm_status";
    case SRLAB__ENVELOPE__BODY_SUP_REQUEST: return "sup_request";
    case SRLAB__ENVELOPE__BODY_SUP_REPLY: return "sup_reply";
    case SRLAB__ENVELOPE__BODY_QUERY: return "query";
    case SRLAB__ENVELOPE__BODY_QUERY_REPLY: return "query_reply";
    case SRLAB__ENVELOPE__BODY_LINK_REQUEST: return "link_request";
    case SRLAB__ENVELOPE__BODY_LINK_REPLY: return "link_reply";
    case SRLAB__ENVELOPE__BODY_MCS_STATE: return "mcs_state";
    case SRLAB__ENVELOPE__BODY_MC_MASTERSHIP: return "mc_mastership";
    case SRLAB__ENVELOPE__BODY_MC_COMMAND: return "mc_command";
    case SRLAB__ENVELOPE__BODY_MC_COMMAND_REPLY: return "mc_command_reply";
    case SRLAB__ENVELOPE__BODY_SYNC_BATCH: return "sync_batch";
    case SRLAB__ENVELOPE__BODY_SYNC_RESULT: return "sync_result";
    case SRLAB__ENVELOPE__BODY_SYNC_REQUEST: return "sync_request";
    case SRLAB__ENVELOPE__BODY_SYNC_ACK: return "sync_ack";
    case SRLAB__ENVELOPE__BODY_MIMP: return "mimp";
    default: return "unknown";
    }
}

char *bus_identity_str(zframe_t *identity)
{
    size_t n = zframe_size(identity);
    const uint8_t *d = zframe_data(identity);
    char *out = malloc(n * 2 + 1);
    size_t o = 0;
    bool printable = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!isprint(d[i]))
            printable = false;
    for (size_t i = 0; i < n; i++) {
        if (printable)
            out[o++] = (char)d[i];
        else
            o += (size_t)sprintf(out + o, "%02x", d[i]);
    }
    out[o] = 0;
    return out;
}

static int send_frames(zsock_t *sock, zframe_t *identity, bus_msg_t *env, struct bus_stats *st)
{
    env->version = BUS_VERSION;
    size_t len = srlab__envelope__get_packed_size(env);
    zframe_t *frame = zframe_new(NULL, len);
    zmsg_t *msg = zmsg_new();
    if (!frame || !msg)
        goto fail;
    srlab__envelope__pack(env, zframe_data(frame));
    if (identity) {
        zframe_t *id = zframe_dup(identity);
        zmsg_append(msg, &id);
    }
    zmsg_append(msg, &frame);
    if (zmsg_send(&msg, sock) != 0)
        goto fail;
    if (st)
        st->tx++;
    return 0;
fail:
    zframe_destroy(&frame);
    zmsg_destroy(&msg);
    if (st)
        st->tx_fail++;
    return -1;
}

int bus_send(zsock_t *sock, zframe_t *identity, bus_msg_t *env, struct bus_stats *st)
{
    return send_frames(sock, identity, env, st);
}

int bus_send_to(zsock_t *sock, const char *identity, bus_msg_t *env, struct bus_stats *st)
{
    zframe_t *id = zframe_new(identity, strlen(identity));
    int rc = send_frames(sock, id, env, st);
    zframe_destroy(&id);
    return rc;
}

/* protobuf-c keeps a field numbered 0 with a long tag as an unknown field,
 * though no valid message has one (and re-packing it fails): refuse. */
static bool has_field_zero(const ProtobufCMessage *m)
{
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == 0)
            return true;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned f = 0; f < d->n_fields; f++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[f];
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        const char *at = (const char *)m + fd->offset;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
            ProtobufCMessage *const *arr = *(ProtobufCMessage *const *const *)at;
            for (size_t k = 0; k < n; k++)
                if (arr[k] && has_field_zero(arr[k]))
                    return true;
        } else {
            const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)at;
            if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
                uint32_t which = *(const uint32_t *)((const char *)m + fd->quantifier_offset);
                if (which != fd->id)
                    continue;
            }
            if (sub && has_field_zero(sub))
                return true;
        }
    }
    return false;
}

bus_msg_t *bus_unpack(const uint8_t *data, size_t len, struct bus_stats *st, const char *from)
{
    if (len > BUS_MAX_MSG) {
        st->bad_frames++;
        log_warn("bus_drop", "reason=oversize from=%s len=%zu", log_q(from), len);
        return NULL;
    }
    bus_msg_t *env = srlab__envelope__unpack(NULL, len, data);
    if (env && has_field_zero(&env->base)) {
        srlab__envelope__free_unpacked(env, NULL);
        env = NULL;
    }
    if (!env) {
        st->malformed++;
        log_warn("bus_drop", "reason=malformed from=%s len=%zu", log_q(from), len);
        return NULL;
    }
    if (env->version != BUS_VERSION) {
        st->bad_version++;
        log_warn("bus_drop", "reason=version from=%s version=%u expected=%u", log_q(from),
                 env->version, BUS_VERSION);
        srlab__envelope__free_unpacked(env, NULL);
        return NULL;
    }
    if (env->body_case == SRLAB__ENVELOPE__BODY__NOT_SET) {
        st->unknown++;
        log_warn("bus_drop", "reason=unknown_body from=%s", log_q(from));
        srlab__envelope__free_unpacked(env, NULL);
        return NULL;
    }
    st->rx++;
    return env;
}

bus_msg_t *bus_recv(zsock_t *sock, zframe_t **identity_out, struct bus_stats *st)
{
    bus_msg_t *env = NULL;
    zframe_t *identity = NULL;
    char *from = NULL;
    zmsg_t *msg = zmsg_recv(sock);
    if (!msg)
        return NULL;
    if (identity_out) {
        identity = zmsg_pop(msg);
        if (!identity)
            goto bad_frames;
        from = bus_identity_str(identity);
    }
    if (zmsg_size(msg) != 1)
        goto bad_frames;
    zframe_t *frame = zmsg_first(msg);
    env = bus_unpack(zframe_data(frame), zframe_size(frame), st, from ? from : "-");
    zmsg_destroy(&msg);
    free(from);
    if (env && identity_out)
        *identity_out = identity;
    else
        zframe_destroy(&identity);
    return env;
bad_frames:
    st->bad_frames++;
    log_warn("bus_drop", "reason=frames from=%s frames=%zu", log_q(from ? from : "-"),
             zmsg_size(msg));
    free(from);
    zframe_destroy(&identity);
    zmsg_destroy(&msg);
    return NULL;
}

void bus_free(bus_msg_t **env)
{
    if (env && *env) {
        srlab__envelope__free_unpacked(*env, NULL);
        *env = NULL;
    }
}

void bus_sync_batch(bus_msg_t *env, Srlab__SyncBatch *b, Srlab__SyncIkeSa **sas, size_t n, bool full,
                    bool end_of_full, uint32_t *groups, size_t n_groups)
{
    srlab__sync_batch__init(b);
    b->sas = sas;
    b->n_sas = n;
    b->full = full;
    b->end_of_full = end_of_full;
    b->groups = groups;
    b->n_groups = n_groups;
    srlab__envelope__init(env);
    env->body_case = SRLAB__ENVELOPE__BODY_SYNC_BATCH;
    env->sync_batch = b;
}

/* srlab's side of the ipc sockets: the lab supervisor and each chassis's cpm. */
#include <czmq.h>
#include <string.h>

#include "bus.h"
#include "srlab.h"

Srlab__Envelope *ipc_request(const char *endpoint, Srlab__Envelope *req, int timeout_ms)
{
    zsys_set_logstream(NULL);
    zsock_t *s = zsock_new(ZMQ_DEALER);
    if (!s)
        return NULL;
    zsock_set_linger(s, 0);
    zsock_set_rcvtimeo(s, timeout_ms);
    zsock_set_sndtimeo(s, timeout_ms);
    Srlab__Envelope *reply = NULL;
    struct bus_stats st = { 0 };
    if (zsock_connect(s, "%s", endpoint) != 0)
        goto out;
    /* a DEALER talking to a REP needs the empty delimiter frame */
    bool rep_peer = strstr(endpoint, "supervisor.sock") != NULL;
    req->version = BUS_VERSION;
    size_t len = srlab__envelope__get_packed_size(req);
    zmsg_t *msg = zmsg_new();
    if (rep_peer)
        zmsg_addmem(msg, "", 0);
    zframe_t *f = zframe_new(NULL, len);
    srlab__envelope__pack(req, zframe_data(f));
    zmsg_append(msg, &f);
    if (zmsg_send(&msg, s) != 0) {
        zmsg_destroy(&msg);
        goto out;
    }
    zmsg_t *in = zmsg_recv(s);
    if (!in)
        goto out;
    if (rep_peer) {
        zframe_t *delim = zmsg_pop(in);
        zframe_destroy(&delim);
    }
    if (zmsg_size(in) == 1) {
        zframe_t *body = zmsg_first(in);
        reply = bus_unpack(zframe_data(body), zframe_size(body), &st, endpoint);
    }
    zmsg_destroy(&in);
out:
    zsock_destroy(&s);
    return reply;
}

Srlab__SupReply *sup_request(const char *lab, const char *verb, const char *node,
                             const char *proc, Srlab__Envelope **owner)
{
    char dir[512], ep[600];
    lab_dir(lab, dir, sizeof dir);
    snprintf(ep, sizeof ep, "ipc://%s/supervisor.sock", dir);
    Srlab__SupRequest rq = SRLAB__SUP_REQUEST__INIT;
    rq.verb = (char *)verb;
    rq.node = (char *)(node ? node : "");
    rq.proc = (char *)(proc ? proc : "");
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SUP_REQUEST;
    env.sup_request = &rq;
    *owner = ipc_request(ep, &env, 2000);
    if (!*owner || (*owner)->body_case != SRLAB__ENVELOPE__BODY_SUP_REPLY)
        return NULL;
    return (*owner)->sup_reply;
}

Srlab__CpmStatus *cpm_status(const char *lab, const char *node, Srlab__Envelope **owner)
{
    char dir[512], ep[600];
    node_dir(lab, node, dir, sizeof dir);
    snprintf(ep, sizeof ep, "ipc://%s/cli.sock", dir);
    Srlab__CpmStatusRequest rq = SRLAB__CPM_STATUS_REQUEST__INIT;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CPM_STATUS_REQUEST;
    env.cpm_status_request = &rq;
    *owner = ipc_request(ep, &env, 1000);
    if (!*owner || (*owner)->body_case != SRLAB__ENVELOPE__BODY_CPM_STATUS)
        return NULL;
    return (*owner)->cpm_status;
}

/* The ISA's side of the IOM hand-off: a DEALER (identity isa-S/M) on the
 * dataplane socket of every IOM with ports. In: batches of [DpMeta][packet]
 * (private side: to encapsulate into the tunnel of that interface; public
 * side: a tunnel packet for one of our tunnels). Out: the same framing,
 * batched per IOM and flushed at the end of each input batch. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "isa.h"
#include "log.h"

#define ISA_OUT_BATCH 64

struct dp_src {
    struct isa *isa;
    unsigned slot;
};
static struct dp_src srcs[ISA_MAX_IOMS + 1];

void isa_emit(struct isa *isa, unsigned iom, uint32_t svc, const char *interface, bool private_side,
              const uint8_t *pkt, size_t len)
{
    if (iom > ISA_MAX_IOMS || !isa->dp[iom])
        return;
    struct isa_out *o = &isa->out[iom];
    Srlab__DpMeta meta = SRLAB__DP_META__INIT;
    meta.svc = svc;
    meta.interface = (char *)interface;
    meta.private_side = private_side;
    if (!o->msg)
        o->msg = zmsg_new();
    size_t mlen = srlab__dp_meta__get_packed_size(&meta);
    zframe_t *mf = zframe_new(NULL, mlen);
    srlab__dp_meta__pack(&meta, zframe_data(mf));
    zmsg_append(o->msg, &mf);
    zmsg_addmem(o->msg, pkt, len);
    o->n++;
    isa->to_iom_pkts++;
    if (o->n >= ISA_OUT_BATCH) {
        zmsg_send(&o->msg, isa->dp[iom]);
        zmsg_destroy(&o->msg);
        o->n = 0;
    }
}

void isa_flush(struct isa *isa)
{
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++) {
        struct isa_out *o = &isa->out[s];
        if (o->msg && isa->dp[s])
            zmsg_send(&o->msg, isa->dp[s]);
        zmsg_destroy(&o->msg);
        o->n = 0;
    }
}

static int on_dp(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct dp_src *src = arg;
    struct isa *isa = src->isa;
    zmsg_t *msg = zmsg_recv(sock);
    if (!msg)
        return 0;
    while (zmsg_size(msg) >= 2) {
        zframe_t *mf = zmsg_pop(msg), *pf = zmsg_pop(msg);
        Srlab__DpMeta *meta = srlab__dp_meta__unpack(NULL, zframe_size(mf), zframe_data(mf));
        const uint8_t *d = zframe_data(pf);
        size_t len = zframe_size(pf);
        if (!meta || !meta->interface || len > ISA_BUF) {
            isa->from_iom_bad++;
        } else {
            isa->from_iom_pkts++;
            isa->from_iom_octets += len;
            if (meta->private_side) {
                struct isa_tunnel *t = tunnel_by_private(isa, meta->svc, meta->interface);
                if (t)
                    gre_encap(isa, src->slot, t, d, len);
                else
                    isa->no_tunnel_drops++;
            } else {
                gre_decap(isa, src->slot, d, len);
            }
        }
        if (meta)
            srlab__dp_meta__free_unpacked(meta, NULL);
        zframe_destroy(&mf);
        zframe_destroy(&pf);
    }
    if (zmsg_size(msg))
        isa->from_iom_bad++;
    zmsg_destroy(&msg);
    isa_flush(isa);
    return 0;
}

void isa_dataplane_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    bool want[ISA_MAX_IOMS + 1] = { false };
    for (size_t i = 0; i < cfg->n_iom_slots; i++)
        if (cfg->iom_slots[i] >= 1 && cfg->iom_slots[i] <= ISA_MAX_IOMS)
            want[cfg->iom_slots[i]] = true;
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++) {
        if (want[s] && !isa->dp[s]) {
            zsock_t *d = zsock_new(ZMQ_DEALER);
            zsock_set_identity(d, isa->name);
            zsock_set_linger(d, 0);
            zsock_set_rcvhwm(d, 100000);
            zsock_set_sndhwm(d, 100000);
            if (zsock_connect(d, "ipc://%s/dp-iom-%u.sock", isa->rundir, s) != 0) {
                zsock_destroy(&d);
                continue;
            }
            srcs[s] = (struct dp_src){ isa, s };
            zloop_reader(isa->loop, d, on_dp, &srcs[s]);
            isa->dp[s] = d;
            log_info("dataplane_join", "iom=%u", s);
        } else if (!want[s] && isa->dp[s]) {
            zloop_reader_end(isa->loop, isa->dp[s]);
            zsock_destroy(&isa->dp[s]);
        }
    }
    tunnels_apply(isa, cfg);
}

void isa_dataplane_close(struct isa *isa)
{
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++) {
        zmsg_destroy(&isa->out[s].msg);
        if (isa->dp[s]) {
            zloop_reader_end(isa->loop, isa->dp[s]);
            zsock_destroy(&isa->dp[s]);
        }
    }
    tunnels_free(isa);
}

#define APUSH(a, msg, field, item) arena_push(a, (void ***)&(msg)->field, &(msg)->n_##field, item)

static void add_count(struct arena *a, Srlab__QueryReply *r, const char *name, uint64_t v)
{
    Srlab__NamedCount *c = arena_alloc(a, sizeof *c);
    srlab__named_count__init(c);
    c->name = (char *)name;
    c->count = v;
    APUSH(a, r, counters, c);
}

void isa_answer_query(struct isa *isa, const Srlab__Query *q)
{
    struct arena a;
    arena_init(&a);
    Srlab__QueryReply *r = arena_alloc(&a, sizeof *r);
    srlab__query_reply__init(r);
    r->id = q->id;
    r->ok = true;
    r->slot = isa->slot * 10 + isa->mda; /* 12 for isa-1/2 */
    add_count(&a, r, "from-iom-packets", isa->from_iom_pkts);
    add_count(&a, r, "from-iom-octets", isa->from_iom_octets);
    add_count(&a, r, "from-iom-malformed", isa->from_iom_bad);
    add_count(&a, r, "no-tunnel", isa->no_tunnel_drops);
    add_count(&a, r, "to-iom-packets", isa->to_iom_pkts);
    add_count(&a, r, "tunnels", isa->n_tunnels);
    char *where = arena_alloc(&a, 8);
    snprintf(where, 8, "%u/%u", isa->slot, isa->mda);
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        const struct isa_tunnel *t = isa->tunnels[i];
        if (q->filter && q->filter[0] && strcmp(q->filter, t->name) != 0)
            continue;
        Srlab__TunnelStats *s = arena_alloc(&a, sizeof *s);
        srlab__tunnel_stats__init(s);
        s->name = (char *)t->name;
        s->isa = where;
        s->encap_packets = t->encap_pkts;
        s->encap_octets = t->encap_octets;
        s->decap_packets = t->decap_pkts;
        s->decap_octets = t->decap_octets;
        s->fragments_sent = t->frags_sent;
        s->reassembled = t->reassembled;
        for (int d = 0; d < TD_MAX; d++) {
            if (!t->drops[d])
                continue;
            Srlab__NamedCount *c = arena_alloc(&a, sizeof *c);
            srlab__named_count__init(c);
            c->name = (char *)tunnel_drop_name(d);
            c->count = t->drops[d];
            APUSH(&a, s, drops, c);
        }
        APUSH(&a, r, tunnels, s);
    }
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_QUERY_REPLY;
    env.query_reply = r;
    card_send(isa->card, &env);
    arena_free(&a);
}

/* The ISA's side of the IOM hand-off (lib/dp.h): one datagram socket
 * (RUNDIR/dp-isa-S-M.dg). In: packets from the IOMs, private side (to
 * encapsulate into the tunnel of that interface) or public side (a tunnel
 * packet for one of our tunnels). Out: batched per IOM, flushed at the end
 * of each input batch. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "ike.h"
#include "isa.h"
#include "log.h"

void isa_emit(struct isa *isa, unsigned iom, uint32_t svc, const char *interface, bool private_side,
              const uint8_t *pkt, size_t len)
{
    if (iom < 1 || iom > ISA_MAX_IOMS || !isa->out[iom])
        return;
    struct dp_hdr h = { .private_side = private_side, .svc = svc };
    snprintf(h.ifname, sizeof h.ifname, "%s", interface);
    if (dp_batch_add(isa->out[iom], &h, pkt, len, &isa->dp_sent, &isa->dp_failed) == 0)
        isa->to_iom_pkts++;
    else
        isa->dp_failed++;
}

void isa_flush(struct isa *isa)
{
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++)
        if (isa->out[s] && isa->out[s]->n)
            dp_batch_flush(isa->out[s], &isa->dp_sent, &isa->dp_failed);
}

static int on_dp(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void)loop;
    (void)item;
    struct isa *isa = arg;
    for (int round = 0; round < 4; round++) {
        int n = dp_recv(isa->dp_fd, isa->rx);
        for (int i = 0; i < n; i++) {
            struct dp_hdr h;
            size_t len = isa->rx->len[i];
            int hl = len ? dp_hdr_read(isa->rx->buf[i], len, &h) : -1;
            unsigned slot = hl >= 0 ? h.sender : 0;
            if (hl < 0 || slot < 1 || slot > ISA_MAX_IOMS || !isa->out[slot]) {
                isa->from_iom_bad++;
                continue;
            }
            const uint8_t *d = isa->rx->buf[i] + hl;
            len -= (size_t)hl;
            isa->from_iom_pkts++;
            isa->from_iom_octets += len;
            if (h.private_side) {
                struct isa_tunnel *t = tunnel_by_private(isa, h.svc, h.ifname, h.tunnel, d, len);
                if (t)
                    tunnel_private_input(isa, slot, t, d, len);
                else
                    isa->no_tunnel_drops++;
            } else {
                tunnel_public_input(isa, slot, d, len);
            }
        }
        if (n < DP_BATCH)
            break;
    }
    isa_flush(isa);
    return 0;
}

void isa_dataplane_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    if (isa->dp_fd < 0) {
        char path[512], file[16];
        snprintf(file, sizeof file, "%u-%u", isa->slot, isa->mda);
        snprintf(path, sizeof path, "%s/dp-isa-%s.dg", isa->rundir, file);
        isa->dp_fd = dp_open(path);
        if (isa->dp_fd < 0) {
            log_error("dp_bind_failed", "path=%s", log_q(path));
        } else {
            isa->rx = malloc(sizeof *isa->rx);
            zmq_pollitem_t item = { .fd = isa->dp_fd, .events = ZMQ_POLLIN };
            zloop_poller(isa->loop, &item, on_dp, isa);
        }
    }
    bool want[ISA_MAX_IOMS + 1] = { false };
    for (size_t i = 0; i < cfg->n_iom_slots; i++)
        if (cfg->iom_slots[i] >= 1 && cfg->iom_slots[i] <= ISA_MAX_IOMS)
            want[cfg->iom_slots[i]] = true;
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++) {
        if (want[s] && !isa->out[s]) {
            char path[512];
            snprintf(path, sizeof path, "%s/dp-iom-%u.dg", isa->rundir, s);
            isa->out[s] = dp_batch_new(path);
            log_info("dataplane_join", "iom=%u", s);
        } else if (!want[s] && isa->out[s]) {
            dp_batch_free(&isa->out[s]);
        }
    }
    if (!isa->ike)
        ike_engine_init(isa);
    ike_gws_apply(isa, cfg);
    tunnels_apply(isa, cfg);
}

void isa_dataplane_close(struct isa *isa)
{
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++)
        dp_batch_free(&isa->out[s]);
    if (isa->dp_fd >= 0) {
        zmq_pollitem_t item = { .fd = isa->dp_fd };
        zloop_poller_end(isa->loop, &item);
        close(isa->dp_fd);
    }
    isa->dp_fd = -1;
    free(isa->rx);
    isa->rx = NULL;
    ike_engine_free(isa);
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


static char *ip_text(struct arena *a, int family, const uint8_t *addr)
{
    char *s = arena_alloc(a, INET6_ADDRSTRLEN);
    inet_ntop(family, addr, s, INET6_ADDRSTRLEN);
    return s;
}

/* An SA's counters; its keys only when asked (srlab keys). */
static Srlab__SaStats *sa_stats(struct arena *a, const struct isa_tunnel *t, const struct isa_sa *sa,
                                bool keys)
{
    Srlab__SaStats *o = arena_alloc(a, sizeof *o);
    srlab__sa_stats__init(o);
    const struct esp_sa_stats *st = esp_sa_stats(sa->esp);
    o->id = sa->id;
    o->inbound = sa->inbound;
    o->spi = sa->spi;
    o->encryption = (char *)sa->encryption;
    o->auth = (char *)sa->auth;
    o->packets = st->packets;
    o->octets = st->octets;
    o->seq = st->seq;
    o->soft_expired = st->soft_expired;
    o->hard_expired = st->hard_expired;
    for (int r = 1; r < ESP_RESULT_MAX; r++) {
        if (!st->errors[r])
            continue;
        Srlab__NamedCount *c = arena_alloc(a, sizeof *c);
        srlab__named_count__init(c);
        c->name = (char *)esp_result_name(r);
        c->count = st->errors[r];
        APUSH(a, o, errors, c);
    }
    o->src = ip_text(a, t->family, sa->inbound ? t->remote : t->src);
    o->dst = ip_text(a, t->family, sa->inbound ? t->src : t->remote);
    o->udp_encap = t->udp_encap;
    const struct esp_transform *tf = esp_sa_transform(sa->esp);
    o->wireshark_encryption = (char *)esp_wireshark_encryption(tf);
    o->wireshark_auth = (char *)esp_wireshark_auth(tf);
    if (keys) {
        o->encryption_key.data = (uint8_t *)sa->ekey;
        o->encryption_key.len = sa->ekey_len;
        o->auth_key.data = (uint8_t *)sa->akey;
        o->auth_key.len = sa->akey_len;
    }
    return o;
}

void isa_answer_query(struct isa *isa, const Srlab__Query *q)
{
    bool keys = q->what && strcmp(q->what, "keys") == 0;
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
    add_count(&a, r, "to-iom-send-failed", isa->dp_failed);
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
        s->keepalives_sent = t->keepalives_sent;
        s->keepalives_received = t->keepalives_rcvd;
        for (size_t k = 0; k < t->n_sas; k++)
            APUSH(&a, s, sas, sa_stats(&a, t, &t->sas[k], keys));
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

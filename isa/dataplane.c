/* The ISA's side of the IOM hand-off: a DEALER (identity isa-S/M) on the
 * dataplane socket of every IOM with ports. Packets come in batches of
 * [DpMeta][packet]. Tunnels arrive with the GRE/IP-IP and IPsec features;
 * until then every packet is counted and dropped as having no tunnel. */
#include <string.h>

#include "isa.h"
#include "log.h"

static int on_dp(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct isa *isa = arg;
    zmsg_t *msg = zmsg_recv(sock);
    if (!msg)
        return 0;
    while (zmsg_size(msg) >= 2) {
        zframe_t *mf = zmsg_pop(msg), *pf = zmsg_pop(msg);
        Srlab__DpMeta *meta = srlab__dp_meta__unpack(NULL, zframe_size(mf), zframe_data(mf));
        if (!meta) {
            isa->from_iom_bad++;
        } else {
            isa->from_iom_pkts++;
            isa->from_iom_octets += zframe_size(pf);
            isa->no_tunnel_drops++;
            srlab__dp_meta__free_unpacked(meta, NULL);
        }
        zframe_destroy(&mf);
        zframe_destroy(&pf);
    }
    if (zmsg_size(msg))
        isa->from_iom_bad++;
    zmsg_destroy(&msg);
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
            zloop_reader(isa->loop, d, on_dp, isa);
            isa->dp[s] = d;
            log_info("dataplane_join", "iom=%u", s);
        } else if (!want[s] && isa->dp[s]) {
            zloop_reader_end(isa->loop, isa->dp[s]);
            zsock_destroy(&isa->dp[s]);
        }
    }
}

void isa_dataplane_close(struct isa *isa)
{
    for (unsigned s = 1; s <= ISA_MAX_IOMS; s++)
        if (isa->dp[s]) {
            zloop_reader_end(isa->loop, isa->dp[s]);
            zsock_destroy(&isa->dp[s]);
        }
}

void isa_answer_query(struct isa *isa, const Srlab__Query *q)
{
    Srlab__NamedCount c[4];
    Srlab__NamedCount *cp[4];
    const struct { const char *n; uint64_t v; } vals[] = {
        { "from-iom-packets", isa->from_iom_pkts },
        { "from-iom-octets", isa->from_iom_octets },
        { "from-iom-malformed", isa->from_iom_bad },
        { "no-tunnel", isa->no_tunnel_drops },
    };
    for (int i = 0; i < 4; i++) {
        srlab__named_count__init(&c[i]);
        c[i].name = (char *)vals[i].n;
        c[i].count = vals[i].v;
        cp[i] = &c[i];
    }
    Srlab__QueryReply r = SRLAB__QUERY_REPLY__INIT;
    r.id = q->id;
    r.ok = true;
    r.slot = isa->slot * 10 + isa->mda; /* 12 for isa-1/2 */
    r.counters = cp;
    r.n_counters = 4;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_QUERY_REPLY;
    env.query_reply = &r;
    card_send(isa->card, &env);
}

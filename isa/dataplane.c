/* The ISA's side of the IOM hand-off (lib/dp.h): one datagram socket
 * (RUNDIR/dp-isa-S-M.dg). In: packets from the IOMs, private side (to
 * encapsulate into the tunnel of that interface) or public side (a tunnel
 * packet for one of our tunnels). Out: batched per IOM, flushed at the end
 * of each input batch. */
#include <arpa/inet.h>
#include <stddef.h>
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
    size_t n = strnlen(interface, sizeof h.ifname - 1);
    memcpy(h.ifname, interface, n); /* not snprintf: this is per packet */
    h.ifname[n] = 0;
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
    /* at most four batches, and no more batches after ISA_DP_SLICE_MS: a
     * burst of IKE (a DH each) must not keep the loop from its heartbeats */
    int64_t start = zclock_mono();
    for (int round = 0; round < 4; round++) {
        int n = dp_recv(isa->dp_fd, isa->rx);
        const uint8_t *rec;
        size_t len;
        int got;
        while ((got = dp_next(isa->rx, &rec, &len)) != 0) {
            struct dp_hdr h;
            int hl = got > 0 ? dp_hdr_read(rec, len, &h) : -1;
            unsigned slot = hl >= 0 ? h.sender : 0;
            if (hl < 0 || slot < 1 || slot > ISA_MAX_IOMS || !isa->out[slot]) {
                isa->from_iom_bad++;
                continue;
            }
            const uint8_t *d = rec + hl;
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
        if (n < DP_DGRAMS || zclock_mono() - start >= ISA_DP_SLICE_MS)
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

/* SR OS's names for the IKE transforms (ike-transform's words). */
static char *ike_names(struct arena *a, const struct ike_transforms *t, int which)
{
    char *s = arena_alloc(a, 24);
    static const struct { uint16_t id; const char *name; } integ[] = {
        { IKE_INTEG_NONE, "auth-encryption" },      { IKE_INTEG_HMAC_MD5_96, "md5" },
        { IKE_INTEG_HMAC_SHA1_96, "sha1" },         { IKE_INTEG_HMAC_SHA2_256_128, "sha256" },
        { IKE_INTEG_HMAC_SHA2_384_192, "sha384" },  { IKE_INTEG_HMAC_SHA2_512_256, "sha512" },
        { IKE_INTEG_AES_XCBC_96, "aes-xcbc" },
    }, prf[] = {
        { IKE_PRF_HMAC_MD5, "md5" },        { IKE_PRF_HMAC_SHA1, "sha1" },
        { IKE_PRF_HMAC_SHA2_256, "sha256" }, { IKE_PRF_HMAC_SHA2_384, "sha384" },
        { IKE_PRF_HMAC_SHA2_512, "sha512" }, { IKE_PRF_AES128_XCBC, "aes-xcbc" },
    };
    snprintf(s, 24, "?");
    if (which == 0) {
        if (t->encr == IKE_ENCR_AES_CBC)
            snprintf(s, 24, "aes%u", t->encr_bits);
        else if (ike_encr_is_aead(t->encr))
            snprintf(s, 24, "aes%u-gcm%u", t->encr_bits,
                     t->encr == IKE_ENCR_AES_GCM_8 ? 8 : t->encr == IKE_ENCR_AES_GCM_12 ? 12 : 16);
    } else if (which == 1) {
        for (size_t i = 0; i < sizeof integ / sizeof integ[0]; i++)
            if (integ[i].id == t->integ)
                snprintf(s, 24, "%s", integ[i].name);
    } else if (which == 2) {
        for (size_t i = 0; i < sizeof prf / sizeof prf[0]; i++)
            if (prf[i].id == t->prf)
                snprintf(s, 24, "%s", prf[i].name);
    } else {
        snprintf(s, 24, "%u", t->dh);
    }
    return s;
}

static Srlab__IkeSaStats *ike_sa_stats(struct arena *a, const struct ike_sa *sa, bool keys)
{
    Srlab__IkeSaStats *o = arena_alloc(a, sizeof *o);
    srlab__ike_sa_stats__init(o);
    o->spi_i = sa->spi_i;
    o->spi_r = sa->spi_r;
    o->initiator = sa->initiator;
    o->state = (char *)ike_state_name(sa->state);
    o->encryption = ike_names(a, &sa->tf, 0);
    o->integrity = ike_names(a, &sa->tf, 1);
    o->prf = ike_names(a, &sa->tf, 2);
    o->dh_group = ike_names(a, &sa->tf, 3);
    o->lifetime_s = sa->ike_lifetime_s;
    o->established_s = sa->established_ms ? ((uint64_t)zclock_mono() - sa->established_ms) / 1000 : 0;
    o->peer = ip_text(a, sa->path.family, sa->path.remote);
    o->local = ip_text(a, sa->path.family, sa->path.local);
    o->peer_port = sa->path.remote_port;
    o->peer_id = (char *)sa->peer_id;
    o->nat_t = sa->path.remote_port == 4500 || sa->nat_local || sa->nat_remote;
    o->ike_rekeys = sa->ike_rekeys;
    uint32_t child_rekeys = 0;
    for (const struct child_sa *c = sa->children; c; c = c->next)
        child_rekeys += c->rekeys;
    o->child_rekeys = child_rekeys;
    if (keys) {
        const struct ike_sa_keys *k = &sa->keys;
        o->sk_ei.data = (uint8_t *)k->sk_ei;
        o->sk_ei.len = k->e_len;
        o->sk_er.data = (uint8_t *)k->sk_er;
        o->sk_er.len = k->e_len;
        o->sk_ai.data = (uint8_t *)k->sk_ai;
        o->sk_ai.len = k->a_len;
        o->sk_ar.data = (uint8_t *)k->sk_ar;
        o->sk_ar.len = k->a_len;
    }
    return o;
}

size_t ike_lockout_list(struct isa *isa, char (*out)[64], unsigned *failures, uint64_t *remaining_s, size_t max);
void ike_lockout_clear(struct isa *isa, const char *who);

static void lockout_reply(struct arena *a, struct isa *isa, Srlab__QueryReply *r)
{
    static char who[256][64];
    static unsigned failures[256];
    static uint64_t remaining[256];
    size_t n = ike_lockout_list(isa, who, failures, remaining, 256);
    char *where = arena_alloc(a, 8);
    snprintf(where, 8, "%u/%u", isa->slot, isa->mda);
    for (size_t i = 0; i < n; i++) {
        Srlab__LockoutEntry *e = arena_alloc(a, sizeof *e);
        srlab__lockout_entry__init(e);
        e->client = arena_strdup(a, who[i]);
        e->failures = failures[i];
        e->blocked = remaining[i] != 0;
        e->infinite = remaining[i] == UINT64_MAX;
        e->remaining_s = e->infinite ? 0 : remaining[i];
        e->isa = where;
        APUSH(a, r, lockouts, e);
    }
}

void isa_answer_query(struct isa *isa, const Srlab__Query *q)
{
    bool keys = q->what && strcmp(q->what, "keys") == 0;
    if (q->what && strcmp(q->what, "clear-lockout") == 0)
        ike_lockout_clear(isa, q->filter);
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
    static const struct { const char *name; size_t off; } ike_counts[] = {
        { "ike-malformed", offsetof(struct isa, ike_malformed) },
        { "ike-blocked-by-lockout", offsetof(struct isa, ike_blocked) },
        { "ike-unknown-spi", offsetof(struct isa, ike_unknown_spi) },
        { "ike-retransmits-answered", offsetof(struct isa, ike_retransmits_answered) },
        { "ike-bad-message-id", offsetof(struct isa, ike_bad_msg_id) },
        { "ike-unknown-exchange", offsetof(struct isa, ike_unknown_exchange) },
        { "ike-retransmits", offsetof(struct isa, ike_retransmits) },
        { "ike-fragment-timeouts", offsetof(struct isa, ike_frag_timeouts) },
        { "ike-cookies-sent", offsetof(struct isa, ike_cookies_sent) },
        { "ike-half-open-drops", offsetof(struct isa, ike_half_open_drops) },
        { "ike-invalid-ke", offsetof(struct isa, ike_invalid_ke) },
        { "ike-no-proposal-chosen", offsetof(struct isa, ike_no_proposal) },
        { "ike-dpd-answered", offsetof(struct isa, ike_dpd_answered) },
        { "ike-rejected-memory-full", offsetof(struct isa, ike_mem_rejected) },
        { "mc-standby-drops", offsetof(struct isa, mc_standby_drops) },
        { "mc-records-sent", offsetof(struct isa, mc_records_sent) },
        { "mc-records-installed", offsetof(struct isa, mc_installed) },
        { "mc-install-failed", offsetof(struct isa, mc_install_failed) },
        { "mc-sas-activated", offsetof(struct isa, mc_activated) },
        { "mc-rekeys-started", offsetof(struct isa, mc_rekeys_started) },
    };
    for (size_t i = 0; i < sizeof ike_counts / sizeof ike_counts[0]; i++) {
        uint64_t v = *(const uint64_t *)((const char *)isa + ike_counts[i].off);
        if (v)
            add_count(&a, r, ike_counts[i].name, v);
    }
    if (q->what && (strcmp(q->what, "lockout") == 0 || strcmp(q->what, "clear-lockout") == 0))
        lockout_reply(&a, isa, r);
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
        s->dynamic = t->dynamic;
        s->gateway = t->gw ? t->gw->name : "";
        s->peer = ip_text(&a, t->family, t->remote);
        s->peer_port = t->udp_encap ? t->udp_rport : 0;
        if (t->ike_sa)
            APUSH(&a, s, ike_sas, ike_sa_stats(&a, t->ike_sa, keys));
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

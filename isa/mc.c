/* MC-IPsec on the ISA (the chapter: "IPsec states are synced between
 * chassis by using the MCS protocol").
 *
 * Master (its tunnel group forwarding here): every change of a tunnel's IKE
 * state (an exchange answered or completed, a request sent, a CHILD SA or
 * IKE SA rekey) goes to the chassis's mcs as one SyncIkeSa record: the IKE
 * SA's SPIs, keys, message IDs, lifetimes, identity and NAT state, and its
 * CHILD SAs' SPIs, keys, selectors and lifetimes. mcs carries it to the
 * peer chassis over MCS.
 *
 * Standby: the records the peer chassis sent are installed as passive SAs:
 * in the SA tables and the ESP engine, with their reverse routes, but with
 * no timers, requests or packets. When the group becomes forwarding here
 * they wake up and every CHILD SA is rekeyed at once: ESP sequence numbers
 * are not synced and the rekey resets them (the chapter); it is the one
 * exchange an ipsec-responder-only group initiates.
 *
 * The socket: a DEALER named after the ISA ("isa-1/2") connected to mcs's
 * ROUTER at RUNDIR/mcs-sync.sock. Records are not queued for an absent mcs:
 * a starting mcs asks for all of them (SyncRequest). */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "ike.h"
#include "log.h"

#define MC_MAX_CHILDREN 16       /* CHILD SAs of one tunnel in a record */
#define MC_SEL_BYTES 38          /* family(1) start(16) end(16) proto(1) lo(2) hi(2) */
#define MC_BATCH 64              /* records per message of a full resync */

struct ike_gw ***ike_engine_gws(struct isa *isa, size_t **n); /* ike_sa.c */

struct isa_mc {
    zsock_t *sock;
    struct bus_stats stats;
    uint32_t full_gen;           /* the full resync being received */
    bool full_active;
    uint64_t bad_records;
    zhashx_t *by_key;            /* record key -> tunnel (installed ones) */
    uint64_t hello_ms;           /* next hello to mcs */
    bool started;                /* the first hello (a SyncRequest) went */
};

/* ---- clocks: records carry the wall clock, the chassis share this host's ---------- */

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t to_real(uint64_t mono)
{
    return mono ? real_ms() + ((int64_t)mono - zclock_mono()) : 0;
}

static uint64_t to_mono(int64_t real)
{
    if (!real)
        return 0;
    int64_t m = zclock_mono() + (real - real_ms());
    return m > 0 ? (uint64_t)m : 1;
}

/* ---- records out ----------------------------------------------------------------------- */

static void record_key(const struct isa_tunnel *t, char *out, size_t len)
{
    snprintf(out, len, "%s %s", t->gw ? "gw" : "tunnel", t->name);
}

static const struct isa_sa *tunnel_esp(const struct isa_tunnel *t, uint32_t spi, bool inbound)
{
    for (size_t i = 0; i < t->n_sas; i++)
        if (t->sas[i].spi == spi && t->sas[i].inbound == inbound)
            return &t->sas[i];
    return NULL;
}

static ProtobufCBinaryData bin(struct arena *a, const void *p, size_t len)
{
    ProtobufCBinaryData b = { .len = len, .data = arena_alloc(a, len ? len : 1) };
    if (len)
        memcpy(b.data, p, len);
    return b;
}

static void sels_out(struct arena *a, const struct ike_sel *s, unsigned n, ProtobufCBinaryData **out,
                     size_t *n_out)
{
    *out = arena_alloc(a, sizeof **out * (n ? n : 1));
    for (unsigned i = 0; i < n; i++) {
        uint8_t b[MC_SEL_BYTES];
        b[0] = s[i].family == AF_INET6 ? 6 : 4;
        memcpy(b + 1, s[i].start, 16);
        memcpy(b + 17, s[i].end, 16);
        b[33] = s[i].proto;
        wr16(b + 34, s[i].lo);
        wr16(b + 36, s[i].hi);
        (*out)[i] = bin(a, b, sizeof b);
    }
    *n_out = n;
}

static uint64_t version_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The record of tunnel t (its current IKE SA sa, NULL: a removal). */
static Srlab__SyncIkeSa *record(struct arena *a, struct isa *isa, struct isa_tunnel *t, struct ike_sa *sa)
{
    Srlab__SyncIkeSa *r = arena_alloc(a, sizeof *r);
    srlab__sync_ike_sa__init(r);
    char key[128];
    record_key(t, key, sizeof key);
    r->key = arena_strdup(a, key);
    r->group = t->group;
    r->tunnel = arena_strdup(a, t->gw ? "" : t->name);
    r->gateway = arena_strdup(a, t->gw ? t->gw->name : "");
    r->version = version_now();
    char where[16];
    snprintf(where, sizeof where, "%u/%u", isa->slot, isa->mda);
    r->isa = arena_strdup(a, where);
    if (!sa) {
        r->remove = true;
        return r;
    }
    size_t alen = sa->path.family == AF_INET6 ? 16 : 4;
    r->spi_i = sa->spi_i;
    r->spi_r = sa->spi_r;
    r->initiator = sa->initiator;
    r->local = bin(a, sa->path.local, alen);
    r->remote = bin(a, sa->path.remote, alen);
    r->local_port = sa->path.local_port;
    r->remote_port = sa->path.remote_port;
    r->nat_local = sa->nat_local;
    r->nat_remote = sa->nat_remote;
    r->keys = bin(a, &sa->keys, sizeof sa->keys);
    r->tf = bin(a, &sa->tf, sizeof sa->tf);
    r->next_req_id = sa->next_req_id;
    r->peer_req_id = sa->peer_req_id;
    r->peer_id_type = sa->peer_id_type;
    r->peer_id = arena_strdup(a, sa->peer_id);
    r->peer_frag = sa->peer_frag;
    r->ike_lifetime_s = sa->ike_lifetime_s;
    r->created_ms = to_real(sa->created_ms);
    r->established_ms = to_real(sa->established_ms);
    r->rekey_ms = to_real(sa->rekey_ms);
    r->expire_ms = to_real(sa->expire_ms);
    r->ike_rekeys = sa->ike_rekeys;
    for (struct child_sa *c = sa->children; c; c = c->next) {
        if (c->state != CHILD_INSTALLED && c->state != CHILD_REKEYING)
            continue; /* replaced or going: the new master need not know them */
        if (r->n_children >= MC_MAX_CHILDREN)
            break;
        const struct isa_sa *in = tunnel_esp(t, c->spi_in, true), *out = tunnel_esp(t, c->spi_out, false);
        if (!in || !out)
            continue;
        Srlab__SyncChild *k = arena_alloc(a, sizeof *k);
        srlab__sync_child__init(k);
        k->spi_in = c->spi_in;
        k->spi_out = c->spi_out;
        k->encryption = arena_strdup(a, c->esp.encryption);
        k->auth = arena_strdup(a, c->esp.auth);
        k->esn = c->esn;
        k->pfs_group = c->pfs_group;
        k->lifetime_s = c->esp.lifetime_s;
        k->enc_in = bin(a, in->ekey, in->ekey_len);
        k->auth_in = bin(a, in->akey, in->akey_len);
        k->enc_out = bin(a, out->ekey, out->ekey_len);
        k->auth_out = bin(a, out->akey, out->akey_len);
        sels_out(a, c->ts_local, c->n_local, &k->ts_local, &k->n_ts_local);
        sels_out(a, c->ts_remote, c->n_remote, &k->ts_remote, &k->n_ts_remote);
        k->created_ms = to_real(c->created_ms);
        k->rekey_ms = to_real(c->rekey_ms);
        k->expire_ms = to_real(c->expire_ms);
        k->rekeys = c->rekeys;
        arena_push(a, (void ***)&r->children, &r->n_children, k);
    }
    if (sa->tunnel && sa->tunnel->gw)
        for (unsigned i = 0; i < sa->tunnel->n_rr; i++) {
            const struct ike_range *g = &sa->tunnel->rr[i];
            char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN], txt[100];
            inet_ntop(g->family, g->start, s, sizeof s);
            inet_ntop(g->family, g->end, e, sizeof e);
            snprintf(txt, sizeof txt, "%s-%s", s, e);
            arena_push(a, (void ***)&r->routes, &r->n_routes, arena_strdup(a, txt));
        }
    return r;
}

static void send_env(struct isa *isa, Srlab__Envelope *env)
{
    if (isa->mc && isa->mc->sock)
        bus_send(isa->mc->sock, NULL, env, &isa->mc->stats);
}

static void send_batch(struct isa *isa, Srlab__SyncIkeSa **recs, size_t n, bool full, bool end,
                       uint32_t *groups, size_t n_groups)
{
    Srlab__SyncBatch b;
    Srlab__Envelope env;
    bus_sync_batch(&env, &b, recs, n, full, end, groups, n_groups);
    send_env(isa, &env);
    isa->mc_records_sent += n;
}

/* An IKE-keyed tunnel of an MC-IPsec group (a static tunnel with dynamic
 * keying, or a gateway's). */
static bool mc_tunnel(const struct isa *isa, const struct isa_tunnel *t)
{
    return t && t->ipsec && t->dynamic && t->group < 32 && (isa->mc_groups >> t->group & 1);
}

/* ... whose group is forwarding here: its changes go to mcs. */
static bool syncing(const struct isa *isa, const struct isa_tunnel *t)
{
    return mc_tunnel(isa, t) && !mc_group_standby(isa, t->group);
}

/* Sends tunnel t's record alone (sa NULL: its removal), at `version` or
 * (0) a new one; returns the version sent. */
static uint64_t send_one(struct isa *isa, struct isa_tunnel *t, struct ike_sa *sa, uint64_t version)
{
    struct arena a;
    arena_init(&a);
    Srlab__SyncIkeSa *r = record(&a, isa, t, sa);
    if (version)
        r->version = version;
    version = r->version;
    send_batch(isa, &r, 1, false, false, NULL, 0);
    arena_free(&a);
    return version;
}

void mc_sa_changed(struct isa *isa, struct ike_sa *sa)
{
    struct isa_tunnel *t = sa ? sa->tunnel : NULL;
    if (!syncing(isa, t) || !t->ike_sa || t->ike_sa->mc_passive)
        return;
    sa = t->ike_sa; /* after an IKE SA rekey: the new one */
    if (sa->state == IKE_S_ESTABLISHED)
        sa->mc_version = send_one(isa, t, sa, 0);
}

void mc_sa_gone(struct isa *isa, struct ike_sa *sa)
{
    struct isa_tunnel *t = sa->tunnel;
    if (syncing(isa, t) && t->ike_sa == sa && !sa->mc_passive)
        send_one(isa, t, NULL, 0);
}

/* mcs asks for every record of some groups (it started, the group became
 * forwarding, or the peer needs a full resync): they go as full batches, the
 * last one marked. Passive SAs are included: mcs may ask as the group turns
 * master, before cpm's McMastership has woken them here. */
static void send_all(struct isa *isa, const Srlab__SyncRequest *rq)
{
    uint32_t want = 0;
    for (size_t i = 0; i < rq->n_groups; i++)
        if (rq->groups[i] < 32)
            want |= 1u << rq->groups[i];
    uint32_t groups[32];
    size_t ng = 0;
    for (uint32_t g = 1; g < 32; g++)
        if (want >> g & 1)
            groups[ng++] = g;
    struct arena a;
    arena_init(&a);
    Srlab__SyncIkeSa *recs[MC_BATCH];
    size_t n = 0, total = 0;
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (t->dead || !mc_tunnel(isa, t) || !(want >> t->group & 1) || !t->ike_sa ||
            t->ike_sa->state != IKE_S_ESTABLISHED)
            continue;
        recs[n] = record(&a, isa, t, t->ike_sa);
        if (t->ike_sa->mc_version)
            recs[n]->version = t->ike_sa->mc_version; /* unchanged: the same state */
        else
            t->ike_sa->mc_version = recs[n]->version;
        n++;
        total++;
        if (n == MC_BATCH) {
            send_batch(isa, recs, n, true, false, groups, ng);
            arena_free(&a);
            arena_init(&a);
            n = 0;
        }
    }
    send_batch(isa, recs, n, true, true, groups, ng);
    arena_free(&a);
    log_info("mc_full_sync_sent", "groups=%zu records=%zu", ng, total);
}

/* ---- records in: installing as standby ------------------------------------------------------ */

static struct ike_gw *gw_by_name(struct isa *isa, const char *name)
{
    size_t *n;
    struct ike_gw ***gws = isa->ike ? ike_engine_gws(isa, &n) : NULL;
    for (size_t i = 0; gws && i < *n; i++)
        if (strcmp((*gws)[i]->name, name) == 0)
            return (*gws)[i];
    return NULL;
}

static void index_put(struct isa *isa, struct isa_tunnel *t)
{
    char k[128];
    record_key(t, k, sizeof k);
    zhashx_update(isa->mc->by_key, k, t);
}

void mc_tunnel_made(struct isa *isa, struct isa_tunnel *t)
{
    if (isa->mc && isa->mc->by_key)
        index_put(isa, t);
}

void mc_tunnel_freed(struct isa *isa, struct isa_tunnel *t)
{
    if (!isa->mc || !isa->mc->by_key || !t->ipsec || !t->dynamic)
        return;
    /* under either kind of key: a removed gateway's tunnels lose t->gw first */
    static const char *const kinds[] = { "gw", "tunnel" };
    for (int i = 0; i < 2; i++) {
        char k[128];
        snprintf(k, sizeof k, "%s %s", kinds[i], t->name);
        if (zhashx_lookup(isa->mc->by_key, k) == t)
            zhashx_delete(isa->mc->by_key, k);
    }
}

/* The tunnel a record is for: through its IKE SA when this ISA has it, the
 * index of gateway tunnels (made here by IKE or by a record), or, for a
 * static tunnel, a walk over the tunnels, remembered. */
static struct isa_tunnel *tunnel_by_key(struct isa *isa, const Srlab__SyncIkeSa *r)
{
    char k[128];
    struct ike_sa *sa = ike_sa_find(isa, r->initiator ? r->spi_i : r->spi_r);
    if (sa && sa->state != IKE_S_DEAD && sa->tunnel && !sa->tunnel->dead) {
        record_key(sa->tunnel, k, sizeof k);
        if (strcmp(k, r->key) == 0)
            return sa->tunnel;
    }
    struct isa_tunnel *t = zhashx_lookup(isa->mc->by_key, r->key);
    if (t && !t->dead)
        return t;
    if (strncmp(r->key, "tunnel ", 7) != 0)
        return NULL; /* a gateway's: the index has every one */
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        t = isa->tunnels[i];
        if (t->dead || !t->ipsec || !t->dynamic)
            continue;
        record_key(t, k, sizeof k);
        if (strcmp(k, r->key) == 0) {
            index_put(isa, t);
            return t;
        }
    }
    return NULL;
}

static bool sel_in(const ProtobufCBinaryData *b, struct ike_sel *s)
{
    if (b->len != MC_SEL_BYTES || (b->data[0] != 4 && b->data[0] != 6))
        return false;
    memset(s, 0, sizeof *s);
    s->family = b->data[0] == 6 ? AF_INET6 : AF_INET;
    memcpy(s->start, b->data + 1, 16);
    memcpy(s->end, b->data + 17, 16);
    s->proto = b->data[33];
    s->lo = rd16(b->data + 34);
    s->hi = rd16(b->data + 36);
    return true;
}

static const struct ike_esp_choice *esp_choice(const struct ike_policy *pol, const char *enc, const char *auth)
{
    for (size_t i = 0; i < pol->n_esp; i++)
        if (strcmp(pol->esp[i].encryption, enc) == 0 && strcmp(pol->esp[i].auth, auth) == 0)
            return &pol->esp[i];
    return NULL;
}

/* Everything in a record checked before anything is changed. */
static bool record_ok(const Srlab__SyncIkeSa *r, const struct ike_policy *pol, char *why, size_t len)
{
    if (r->local.len != r->remote.len || (r->local.len != 4 && r->local.len != 16)) {
        snprintf(why, len, "bad addresses");
        return false;
    }
    if (r->keys.len != sizeof(struct ike_sa_keys) || r->tf.len != sizeof(struct ike_transforms)) {
        snprintf(why, len, "keys or transforms of another size (another srlab build?)");
        return false;
    }
    struct ike_sa_keys k;
    memcpy(&k, r->keys.data, sizeof k);
    struct ike_transforms tf;
    memcpy(&tf, r->tf.data, sizeof tf);
    char err[96];
    bool lens = k.seed_len <= IKE_PRF_MAX && k.d_len <= IKE_PRF_MAX && k.p_len <= IKE_PRF_MAX &&
                k.a_len <= IKE_INTEG_KEY_MAX && k.e_len <= IKE_ENCR_KEY_MAX;
    OPENSSL_cleanse(&k, sizeof k);
    if (!lens || ike_transforms_check(&tf, err, sizeof err) != 0) {
        snprintf(why, len, "bad IKE keys or transforms");
        return false;
    }
    if (r->local_port > 65535 || r->remote_port > 65535 || r->n_children > MC_MAX_CHILDREN ||
        !r->peer_id || strlen(r->peer_id) >= sizeof(((struct ike_sa *)0)->peer_id)) {
        snprintf(why, len, "bad ports, identity or CHILD SA count");
        return false;
    }
    for (size_t i = 0; i < r->n_children; i++) {
        const Srlab__SyncChild *c = r->children[i];
        const struct ike_esp_choice *e = esp_choice(pol, c->encryption, c->auth);
        if (!e) {
            snprintf(why, len, "CHILD SA transform %s/%s is not in this chassis's policy", c->encryption,
                     c->auth);
            return false;
        }
        if (c->enc_in.len != c->enc_out.len || c->auth_in.len != c->auth_out.len ||
            c->enc_in.len > IKE_ENCR_KEY_MAX || c->auth_in.len > IKE_INTEG_KEY_MAX ||
            c->n_ts_local > IKE_MAX_CHILD_TS || c->n_ts_remote > IKE_MAX_CHILD_TS || c->spi_in < 256) {
            snprintf(why, len, "bad CHILD SA keys, selectors or SPI");
            return false;
        }
        struct ike_sel s;
        for (size_t j = 0; j < c->n_ts_local; j++)
            if (!sel_in(&c->ts_local[j], &s)) {
                snprintf(why, len, "bad traffic selector");
                return false;
            }
        for (size_t j = 0; j < c->n_ts_remote; j++)
            if (!sel_in(&c->ts_remote[j], &s)) {
                snprintf(why, len, "bad traffic selector");
                return false;
            }
    }
    return true;
}

/* Replaces tunnel t's IKE SA by a fresh one, keeping its CHILD SAs. */
static struct ike_sa *replace_sa(struct isa *isa, struct isa_tunnel *t, struct ike_sa *old,
                                 const Srlab__SyncIkeSa *r)
{
    struct ike_sa *sa = ike_sa_new(isa, r->initiator, r->spi_i, r->spi_r);
    free(sa->setup);
    sa->setup = NULL;
    if (old) {
        sa->children = old->children;
        old->children = NULL;
        old->tunnel = NULL;
        old->mc_passive = true;
        ike_sa_set_state(old, IKE_E_ERROR, IKE_S_DEAD); /* freed at the next tick, no delete sent */
    }
    sa->tunnel = t;
    if (t)
        t->ike_sa = sa;
    return sa;
}

static void fill_sa(struct ike_sa *sa, const Srlab__SyncIkeSa *r, struct ike_gw *gw, struct isa_tunnel *t)
{
    sa->gw = gw;
    sa->pol = gw ? &gw->pol : t->ike_pol;
    sa->path.family = r->local.len == 16 ? AF_INET6 : AF_INET;
    memset(sa->path.local, 0, 16);
    memset(sa->path.remote, 0, 16);
    memcpy(sa->path.local, r->local.data, r->local.len);
    memcpy(sa->path.remote, r->remote.data, r->remote.len);
    sa->path.local_port = (uint16_t)r->local_port;
    sa->path.remote_port = (uint16_t)r->remote_port;
    sa->path.delivery_svc = gw ? gw->delivery_svc : t->delivery_svc;
    snprintf(sa->path.pub_ifname, sizeof sa->path.pub_ifname, "%s", gw ? gw->pub_ifname : t->pub_ifname);
    sa->path.iom = t ? t->last_iom : 0;
    sa->nat_local = r->nat_local;
    sa->nat_remote = r->nat_remote;
    memcpy(&sa->tf, r->tf.data, sizeof sa->tf);
    memcpy(&sa->keys, r->keys.data, sizeof sa->keys);
    sa->ike_lifetime_s = r->ike_lifetime_s;
    sa->next_req_id = r->next_req_id;
    sa->peer_req_id = r->peer_req_id;
    sa->peer_id_type = (uint8_t)r->peer_id_type;
    snprintf(sa->peer_id, sizeof sa->peer_id, "%s", r->peer_id);
    sa->peer_frag = r->peer_frag;
    sa->created_ms = to_mono(r->created_ms);
    sa->established_ms = to_mono(r->established_ms);
    sa->rekey_ms = to_mono(r->rekey_ms);
    sa->expire_ms = to_mono(r->expire_ms);
    sa->ike_rekeys = r->ike_rekeys;
    sa->last_rx_ms = (uint64_t)zclock_mono();
    sa->next_dpd_ms = 0;
    sa->req = IKE_REQ_NONE;
    free(sa->req_msg);
    sa->req_msg = NULL;
    free(sa->resp_msg);
    sa->resp_msg = NULL;
    sa->mc_passive = true;
    if (sa->state != IKE_S_ESTABLISHED)
        ike_sa_set_state(sa, IKE_E_SYNCED, IKE_S_ESTABLISHED);
}

/* The CHILD SAs of the record, installed; those no longer in it, removed. */
static bool sync_children(struct isa *isa, struct ike_sa *sa, const Srlab__SyncIkeSa *r, char *why,
                          size_t whylen)
{
    for (struct child_sa *c = sa->children, *next; c; c = next) {
        next = c->next;
        bool keep = false;
        for (size_t i = 0; i < r->n_children && !keep; i++)
            keep = r->children[i]->spi_in == c->spi_in && r->children[i]->spi_out == c->spi_out;
        if (!keep)
            ike_child_remove(isa, sa, c, "mc-sync");
    }
    static struct ike_sel local[IKE_MAX_CHILD_TS], remote[IKE_MAX_CHILD_TS];
    for (size_t i = 0; i < r->n_children; i++) {
        const Srlab__SyncChild *k = r->children[i];
        struct child_sa *c = ike_child_by_spi_out(sa, k->spi_out);
        if (!c) {
            if (ike_tunnel_by_spi(isa, k->spi_in)) {
                snprintf(why, whylen, "inbound SPI %08x already in use here", k->spi_in);
                return false;
            }
            const struct ike_esp_choice *e = esp_choice(sa->pol, k->encryption, k->auth);
            struct ike_esp_choice esp = *e;
            esp.lifetime_s = k->lifetime_s;
            esp.pfs_group = (uint16_t)k->pfs_group;
            struct ike_child_keys ck = { .enc_len = k->enc_in.len, .auth_len = k->auth_in.len };
            /* not we_initiated: ei/ai are inbound (empty bytes have no data:
             * no integrity key with GCM, no cipher key with NULL) */
            if (k->enc_in.len) {
                memcpy(ck.ei, k->enc_in.data, k->enc_in.len);
                memcpy(ck.er, k->enc_out.data, k->enc_out.len);
            }
            if (k->auth_in.len) {
                memcpy(ck.ai, k->auth_in.data, k->auth_in.len);
                memcpy(ck.ar, k->auth_out.data, k->auth_out.len);
            }
            unsigned nl = 0, nr = 0;
            for (size_t j = 0; j < k->n_ts_local; j++)
                sel_in(&k->ts_local[j], &local[nl++]);
            for (size_t j = 0; j < k->n_ts_remote; j++)
                sel_in(&k->ts_remote[j], &remote[nr++]);
            c = ike_child_install(isa, sa, false, &esp, k->esn, k->spi_in, k->spi_out, &ck, local, nl, remote,
                                  nr, why, whylen);
            OPENSSL_cleanse(&ck, sizeof ck);
            if (!c)
                return false;
            c->pfs_group = (uint16_t)k->pfs_group;
        }
        c->state = CHILD_INSTALLED;
        c->created_ms = to_mono(k->created_ms);
        c->rekey_ms = to_mono(k->rekey_ms);
        c->expire_ms = to_mono(k->expire_ms);
        c->rekeys = k->rekeys;
    }
    return true;
}

enum install_result { INSTALLED, FAILED, AWAIT_CONFIG };

static void wake(struct isa *isa, struct ike_sa *sa);

static enum install_result install(struct isa *isa, const Srlab__SyncIkeSa *r, char *why, size_t whylen)
{
    if (!r->key || !r->tunnel || !r->gateway) {
        snprintf(why, whylen, "record without key");
        return FAILED;
    }
    struct isa_tunnel *t = tunnel_by_key(isa, r);
    struct ike_gw *gw = r->gateway[0] ? gw_by_name(isa, r->gateway) : NULL;
    /* the newest state of a tunnel wins: after the chassis lost each other
     * both were masters, and the one that stays master takes the other's
     * newer state (its SAs were rekeyed by the peer meanwhile) */
    if (t && t->ike_sa && t->ike_sa->mc_version >= r->version) {
        t->ike_sa->mc_gen = isa->mc->full_gen; /* part of this full resync: not stale */
        return INSTALLED; /* held already (a resync after mcs restarted), or newer here */
    }
    if (r->remove) {
        if (t && t->ike_sa)
            ike_sa_kill(isa, t->ike_sa, "mc-sync-removed");
        return INSTALLED;
    }
    if (r->gateway[0] ? !gw : !t) {
        snprintf(why, whylen, "no %s \"%s\" on this ISA", r->gateway[0] ? "ipsec-gw" : "ipsec-tunnel",
                 r->gateway[0] ? r->gateway : r->tunnel);
        return AWAIT_CONFIG;
    }
    if (!record_ok(r, gw ? &gw->pol : t->ike_pol, why, whylen))
        return FAILED;
    struct ike_sa *sa = t ? t->ike_sa : NULL;
    if (!sa || sa->spi_i != r->spi_i || sa->spi_r != r->spi_r || sa->initiator != r->initiator)
        sa = replace_sa(isa, t, sa, r);
    fill_sa(sa, r, gw, t);
    if (!t) {
        t = ike_gw_tunnel_new(isa, gw, sa);
        if (!t) {
            ike_sa_kill(isa, sa, "mc-sync-no-tunnel");
            snprintf(why, whylen, "no dynamic tunnel");
            return FAILED;
        }
        /* the master's name for it (made from the peer's port at its first
         * message, which NAT-T may have moved since) */
        if (strncmp(r->key, "gw ", 3) == 0) {
            mc_tunnel_freed(isa, t); /* out of the index under the name it was made with */
            snprintf(t->name, sizeof t->name, "%s", r->key + 3);
        }
        index_put(isa, t);
    }
    sa->mc_gen = isa->mc->full_gen;
    sa->mc_version = r->version;
    if (!sync_children(isa, sa, r, why, whylen)) {
        ike_sa_kill(isa, sa, "mc-sync-failed");
        return FAILED;
    }
    if (!mc_group_standby(isa, t->group))
        wake(isa, sa); /* forwarding here: live at once, with fresh CHILD SAs */
    return INSTALLED;
}

static void on_batch(struct isa *isa, const Srlab__SyncBatch *b)
{
    struct isa_mc *mc = isa->mc;
    if (b->full && !mc->full_active) {
        mc->full_gen++;
        mc->full_active = true;
    }
    Srlab__SyncResult res = SRLAB__SYNC_RESULT__INIT;
    struct arena a;
    arena_init(&a);
    for (size_t i = 0; i < b->n_sas; i++) {
        char why[160] = "";
        enum install_result ir = install(isa, b->sas[i], why, sizeof why);
        char *key = arena_strdup(&a, b->sas[i]->key ? b->sas[i]->key : "");
        if (ir == INSTALLED) {
            isa->mc_installed++;
            arena_push(&a, (void ***)&res.installed, &res.n_installed, key);
        } else if (ir == AWAIT_CONFIG) {
            arena_push(&a, (void ***)&res.await_config, &res.n_await_config, key);
        } else if (ir == FAILED) {
            isa->mc_install_failed++;
            mc->bad_records++;
            log_warn("mc_install_failed", "key=%s reason=%s", log_q(key), log_q(why));
            arena_push(&a, (void ***)&res.failed, &res.n_failed, key);
            arena_push(&a, (void ***)&res.reasons, &res.n_reasons, arena_strdup(&a, why));
        }
    }
    if (b->end_of_full) {
        /* what the peer no longer has goes */
        uint32_t groups = 0;
        for (size_t i = 0; i < b->n_groups; i++)
            if (b->groups[i] < 32)
                groups |= 1u << b->groups[i];
        size_t gone = 0;
        for (struct ike_sa *sa = ike_sa_first(isa); sa; sa = sa->all_next)
            if (sa->mc_passive && sa->state != IKE_S_DEAD && sa->tunnel && sa->tunnel->group < 32 &&
                (groups >> sa->tunnel->group & 1) && sa->mc_gen != mc->full_gen) {
                ike_sa_kill(isa, sa, "mc-sync-stale");
                gone++;
            }
        mc->full_active = false;
        log_info("mc_full_sync_received", "gen=%u removed=%zu", mc->full_gen, gone);
    }
    if (res.n_installed || res.n_failed || res.n_await_config) {
        Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
        env.body_case = SRLAB__ENVELOPE__BODY_SYNC_RESULT;
        env.sync_result = &res;
        send_env(isa, &env);
    }
    arena_free(&a);
    isa_flush(isa);
}

static int on_mcs(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct isa *isa = arg;
    /* one message (up to a few hundred records) per call: the loop runs
     * between them, heartbeats and packets included (zloop polls again at
     * once while messages wait) */
    bus_msg_t *env = bus_recv(sock, NULL, &isa->mc->stats);
    if (!env)
        return 0;
    if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_BATCH)
        on_batch(isa, env->sync_batch);
    else if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_REQUEST)
        send_all(isa, env->sync_request);
    else
        log_warn("mc_unexpected", "body=%s", bus_body_name(env->body_case));
    bus_free(&env);
    return 0;
}

/* ---- mastership --------------------------------------------------------------------------- */

/* The group's SAs stop: no timers, no requests (the one outstanding is
 * dropped), no packets; half-made SAs go. */
static void demote(struct isa *isa, uint32_t group)
{
    size_t n = 0;
    for (struct ike_sa *sa = ike_sa_first(isa); sa; sa = sa->all_next) {
        struct isa_tunnel *t = sa->tunnel;
        if (sa->state == IKE_S_DEAD || sa->mc_passive || !t || t->group != group)
            continue;
        if (sa->state != IKE_S_ESTABLISHED || t->ike_sa != sa) {
            ike_sa_kill(isa, sa, "mc-standby");
            continue;
        }
        sa->mc_passive = true;
        sa->req = IKE_REQ_NONE;
        free(sa->req_msg);
        sa->req_msg = NULL;
        for (struct child_sa *c = sa->children; c; c = c->next)
            if (c->state == CHILD_REKEYING)
                c->state = CHILD_INSTALLED;
        /* its last state, as last sent (same version): after a split the
         * peer, master again, may hold older state than this one */
        send_one(isa, t, sa, sa->mc_version);
        n++;
    }
    log_info("mc_standby", "group=%u sas=%zu", group, n);
}

/* A passive SA wakes up: its timers run again and each CHILD SA is
 * rekeyed now (the first at once, the others by ike_child_tick, one
 * request at a time). */
static void wake(struct isa *isa, struct ike_sa *sa)
{
    uint64_t now = (uint64_t)zclock_mono();
    sa->mc_passive = false;
    sa->mc_resync = true;
    sa->last_rx_ms = now;
    if (sa->pol && sa->pol->dpd && !sa->pol->dpd_reply_only)
        sa->next_dpd_ms = now + (uint64_t)sa->pol->dpd_interval_s * 1000;
    if (!sa->expire_ms || sa->expire_ms < now + 60000)
        sa->expire_ms = now + 60000; /* a lifetime almost spent: the peer rekeys it soon */
    bool first = true;
    for (struct child_sa *c = sa->children; c; c = c->next) {
        if (c->state != CHILD_INSTALLED)
            continue;
        c->mc_rekey = true;
        c->rekey_ms = now;
        if (first && sa->req == IKE_REQ_NONE) {
            ike_child_rekey(isa, sa, c);
            isa->mc_rekeys_started++;
            first = false;
        }
    }
    isa->mc_activated++;
    ike_log_event(isa, sa, "mc-activated", "this chassis is now master: CHILD SAs rekeyed");
    mc_sa_changed(isa, sa);
}

/* The group's passive SAs wake up. */
static void activate(struct isa *isa, uint32_t group)
{
    size_t n = 0;
    for (struct ike_sa *sa = ike_sa_first(isa); sa; sa = sa->all_next) {
        struct isa_tunnel *t = sa->tunnel;
        if (sa->state != IKE_S_ESTABLISHED || !sa->mc_passive || !t || t->group != group)
            continue;
        wake(isa, sa);
        n++;
    }
    isa_flush(isa);
    log_info("mc_master", "group=%u sas=%zu", group, n);
}

static void set_group(struct isa *isa, uint32_t group, bool mc, bool forwarding)
{
    if (group >= 32)
        return;
    uint32_t bit = 1u << group;
    bool was_standby = isa->mc_standby & bit;
    if (mc)
        isa->mc_groups |= bit;
    else
        isa->mc_groups &= ~bit;
    bool standby = mc && !forwarding;
    if (standby)
        isa->mc_standby |= bit;
    else
        isa->mc_standby &= ~bit;
    if (standby && !was_standby)
        demote(isa, group);
    else if (!standby && was_standby)
        activate(isa, group);
}

void mc_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    uint32_t ro = 0;
    for (size_t i = 0; i < cfg->n_tunnel_groups; i++) {
        const Srlab__TunnelGroupConfig *g = cfg->tunnel_groups[i];
        if (g->id >= 32)
            continue;
        if (g->responder_only)
            ro |= 1u << g->id;
        set_group(isa, g->id, g->mc_ipsec, g->mc_forwarding);
    }
    isa->responder_only = ro;
}

void mc_mastership(struct isa *isa, const Srlab__McMastership *m)
{
    for (size_t i = 0; i < m->n_groups; i++) {
        const Srlab__McGroupState *g = m->groups[i];
        if (g->group >= 32 || !(isa->mc_groups >> g->group & 1))
            continue; /* not ours, or not MC-IPsec here */
        set_group(isa, g->group, true, g->forwarding);
    }
}

/* mcs learns of an ISA from its messages: the first says "I (re)started,
 * send me what I hold" (an empty SyncRequest), the others (an empty
 * SyncResult each second) let a restarted mcs find it. */
void mc_tick(struct isa *isa, uint64_t now_ms)
{
    struct isa_mc *mc = isa->mc;
    if (!mc || !mc->sock || now_ms < mc->hello_ms)
        return;
    mc->hello_ms = now_ms + 1000;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__SyncRequest rq = SRLAB__SYNC_REQUEST__INIT;
    Srlab__SyncResult res = SRLAB__SYNC_RESULT__INIT;
    if (!mc->started) {
        env.body_case = SRLAB__ENVELOPE__BODY_SYNC_REQUEST;
        env.sync_request = &rq;
    } else {
        env.body_case = SRLAB__ENVELOPE__BODY_SYNC_RESULT;
        env.sync_result = &res;
    }
    if (bus_send(mc->sock, NULL, &env, &mc->stats) == 0)
        mc->started = true;
}

void mc_init(struct isa *isa)
{
    struct isa_mc *mc = calloc(1, sizeof *mc);
    isa->mc = mc;
    mc->by_key = zhashx_new();
    mc->sock = zsock_new(ZMQ_DEALER);
    if (!mc->sock)
        return;
    zsock_set_identity(mc->sock, isa->name);
    zsock_set_sndtimeo(mc->sock, 0);
    zsock_set_sndhwm(mc->sock, 100000);
    zsock_set_linger(mc->sock, 0);
    zsock_set_immediate(mc->sock, 1); /* nothing queued for an absent mcs: it asks when it comes */
    char ep[600];
    snprintf(ep, sizeof ep, "ipc://%s/mcs-sync.sock", isa->rundir);
    zsock_connect(mc->sock, "%s", ep);
    zloop_reader(isa->loop, mc->sock, on_mcs, isa);
}

void mc_free(struct isa *isa)
{
    if (!isa->mc)
        return;
    if (isa->mc->sock && isa->loop)
        zloop_reader_end(isa->loop, isa->mc->sock);
    zsock_destroy(&isa->mc->sock);
    zhashx_destroy(&isa->mc->by_key);
    free(isa->mc);
    isa->mc = NULL;
}

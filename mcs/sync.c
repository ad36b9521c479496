/* The MCS record database and the local ISAs' side of sync.
 * Local records: tunnels this chassis is master of, sent by its ISAs over
 * the ROUTER socket ipc://DIR/mcs-sync.sock (each ISA a DEALER named by its
 * bus name, "isa-1/2"), forwarded to the peer in batches. Peer records: what
 * the peer's mcs sent, handed to the local ISA that holds the tunnel (by its
 * ipsec-gw or ipsec-tunnel placement) for install as standby, with the
 * ISA's answer kept per record for the protection status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcs.h"

const char *mcs_rec_status_name(enum rec_status s)
{
    static const char *const names[] = { "local",   "installing",   "installed",
                                         "failed",  "await-config", "held" };
    return (unsigned)s <= RS_HELD ? names[s] : "?";
}

void mcs_rec_free(struct mcs_rec **pr)
{
    struct mcs_rec *r = *pr;
    if (!r)
        return;
    if (r->sa)
        srlab__sync_ike_sa__free_unpacked(r->sa, NULL);
    free(r);
    *pr = NULL;
}

static void rec_destructor(void **item)
{
    mcs_rec_free((struct mcs_rec **)item);
}

static void free_destructor(void **item)
{
    free(*item);
    *item = NULL;
}

void mcs_sync_init(struct mcs *m)
{
    m->local = zhashx_new();
    zhashx_set_destructor(m->local, rec_destructor);
    m->peer = zhashx_new();
    zhashx_set_destructor(m->peer, rec_destructor);
    m->pending = zhashx_new();
    zhashx_set_destructor(m->pending, free_destructor);
    m->isas = zhashx_new();
    zhashx_set_destructor(m->isas, free_destructor);
}

void mcs_sync_fini(struct mcs *m)
{
    zhashx_destroy(&m->local);
    zhashx_destroy(&m->peer);
    zhashx_destroy(&m->pending);
    zhashx_destroy(&m->isas);
    zsock_destroy(&m->isa_sock);
}

/* An owned deep copy (what arrived belongs to its envelope). */
static Srlab__SyncIkeSa *sa_copy(const Srlab__SyncIkeSa *sa)
{
    size_t len = srlab__sync_ike_sa__get_packed_size(sa);
    uint8_t *buf = malloc(len ? len : 1);
    srlab__sync_ike_sa__pack(sa, buf);
    Srlab__SyncIkeSa *c = srlab__sync_ike_sa__unpack(NULL, len, buf);
    free(buf);
    return c;
}

static const char *check_record(const Srlab__SyncIkeSa *sa)
{
    size_t kl = strlen(sa->key);
    if (kl == 0)
        return "empty key";
    if (kl > MCS_KEY_MAX)
        return "key too long";
    for (size_t i = 0; i < kl; i++)
        if ((unsigned char)sa->key[i] < 0x20 || sa->key[i] == 0x7f)
            return "key not printable";
    if (!sa->remove && !sa->tunnel[0] && !sa->gateway[0])
        return "neither tunnel nor gateway";
    return NULL;
}

static bool group_forwarding(const struct mcs_group *g)
{
    return mimp_state_acting(g->state);
}

/* The ISA ("1/2") holding a peer record's tunnel here, NULL when none. */
static const char *holding_isa(const struct mcs *m, const Srlab__SyncIkeSa *sa)
{
    if (sa->gateway[0])
        return zhashx_lookup(m->gw_isa, sa->gateway);
    if (sa->tunnel[0])
        return zhashx_lookup(m->tunnel_isa, sa->tunnel);
    return NULL;
}

static bool isa_active_in(const struct mcs_group *g, const char *isa)
{
    for (size_t i = 0; i < g->n_isas; i++)
        if (strcmp(g->isas[i], isa) == 0)
            return true;
    return false;
}

static struct mcs_isa *isa_get(struct mcs *m, const char *name)
{
    struct mcs_isa *i = zhashx_lookup(m->isas, name);
    if (!i) {
        i = calloc(1, sizeof *i);
        snprintf(i->name, sizeof i->name, "%s", name);
        zhashx_insert(m->isas, name, i);
    }
    return i;
}

/* ---- to the local ISAs ---- */

static int isa_send(struct mcs *m, const char *isa, bus_msg_t *env)
{
    if (!m->isa_sock)
        return -1;
    char id[24];
    snprintf(id, sizeof id, "isa-%s", isa);
    int rc = bus_send_to(m->isa_sock, id, env, &m->isa_bus);
    if (rc != 0)
        log_debug("isa_send_failed", "isa=%s body=%s", isa, bus_body_name(env->body_case));
    return rc;
}

static int isa_send_batch(struct mcs *m, const char *isa, Srlab__SyncIkeSa **sas, size_t n,
                          bool full, bool end, uint32_t *groups, size_t n_groups)
{
    Srlab__SyncBatch b;
    Srlab__Envelope env;
    bus_sync_batch(&env, &b, sas, n, full, end, groups, n_groups);
    return isa_send(m, isa, &env);
}

static void isa_send_request(struct mcs *m, const char *isa, uint32_t *groups, size_t n)
{
    Srlab__SyncRequest r = SRLAB__SYNC_REQUEST__INIT;
    r.groups = groups;
    r.n_groups = n;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_REQUEST;
    env.sync_request = &r;
    struct mcs_isa *i = isa_get(m, isa);
    if (isa_send(m, isa, &env) == 0) {
        log_info("isa_sync_request", "isa=%s groups=%zu", isa, n);
        i->want_request = false;
    } else {
        i->want_request = true; /* retried by the tick and when it shows up */
    }
}

/* Peer records queued per holding ISA by key (a record may be replaced
 * before the queue is sent), sent MCS_BATCH_MAX at a time. */
struct isa_queue {
    char isa[16];
    char **keys;
    Srlab__SyncIkeSa **tombs;  /* owned removals; NULL: look the key up */
    size_t n, cap;
};

static void queue_add(zhashx_t *q, const char *isa, const char *key, Srlab__SyncIkeSa *tomb)
{
    struct isa_queue *e = zhashx_lookup(q, isa);
    if (!e) {
        e = calloc(1, sizeof *e);
        snprintf(e->isa, sizeof e->isa, "%s", isa);
        zhashx_insert(q, isa, e);
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->keys = realloc(e->keys, e->cap * sizeof *e->keys);
        e->tombs = realloc(e->tombs, e->cap * sizeof *e->tombs);
    }
    e->keys[e->n] = strdup(key);
    e->tombs[e->n++] = tomb;
}

static void queue_destructor(void **item)
{
    struct isa_queue *e = *item;
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        free(e->keys[i]);
        if (e->tombs[i])
            srlab__sync_ike_sa__free_unpacked(e->tombs[i], NULL);
    }
    free(e->keys);
    free(e->tombs);
    free(e);
    *item = NULL;
}

static zhashx_t *queue_new(void)
{
    zhashx_t *q = zhashx_new();
    zhashx_set_destructor(q, queue_destructor);
    return q;
}

static void queue_send(struct mcs *m, zhashx_t **pq, bool full, uint32_t *groups,
                       size_t n_groups)
{
    zhashx_t *q = *pq;
    Srlab__SyncIkeSa *sas[MCS_BATCH_MAX];
    struct mcs_rec *recs[MCS_BATCH_MAX];
    for (struct isa_queue *e = zhashx_first(q); e; e = zhashx_next(q)) {
        size_t n = 0;
        for (size_t i = 0; i < e->n; i++) {
            struct mcs_rec *r = e->tombs[i] ? NULL : zhashx_lookup(m->peer, e->keys[i]);
            if (!e->tombs[i] && !r)
                continue;
            recs[n] = r;
            sas[n++] = r ? r->sa : e->tombs[i];
            if (n < MCS_BATCH_MAX && i + 1 < e->n)
                continue;
            int rc = isa_send_batch(m, e->isa, sas, n, full, false, groups, n_groups);
            for (size_t k = 0; k < n; k++)
                if (recs[k])
                    recs[k]->unsent = rc != 0;
            n = 0;
            mcs_pulse(m);
        }
        if (n) {
            int rc = isa_send_batch(m, e->isa, sas, n, full, false, groups, n_groups);
            for (size_t k = 0; k < n; k++)
                if (recs[k])
                    recs[k]->unsent = rc != 0;
        }
    }
    zhashx_destroy(pq);
}

static Srlab__SyncIkeSa *tombstone(const char *key, uint32_t group)
{
    Srlab__SyncIkeSa t = SRLAB__SYNC_IKE_SA__INIT;
    t.key = (char *)key;
    t.group = group;
    t.remove = true;
    return sa_copy(&t);
}

/* Where a peer record goes now: held (we are master), awaiting config, or to its ISA. */
static void place_peer_record(struct mcs *m, struct mcs_rec *r, zhashx_t *q)
{
    struct mcs_group *g = mcs_group_find(m, r->sa->group);
    const char *isa = holding_isa(m, r->sa);
    snprintf(r->isa, sizeof r->isa, "%s", isa ? isa : "");
    r->unsent = false;
    if (g && group_forwarding(g)) {
        /* we are master. A peer that stood down hands over its last state:
         * the ISA takes it when it is newer than its own (the peer was
         * master too while the chassis were apart). A peer still acting as
         * master is not listened to: two masters would answer each other's
         * rekeys for ever. */
        r->status = RS_HELD;
        if (isa && !(g->peer_has && g->peer_acting))
            queue_add(q, isa, r->sa->key, NULL);
    } else if (!isa) {
        r->status = RS_AWAIT_CONFIG;
    } else {
        r->status = RS_INSTALLING;
        queue_add(q, isa, r->sa->key, NULL);
    }
}

/* ---- to the peer ---- */

static void add_pending(struct mcs *m, const char *key, uint32_t group)
{
    uint32_t *g = zhashx_lookup(m->pending, key);
    if (!g) {
        g = malloc(sizeof *g);
        zhashx_insert(m->pending, key, g);
    }
    *g = group;
}

static int peer_send_batch(struct mcs *m, Srlab__SyncIkeSa **sas, size_t n, bool full, bool end,
                           uint32_t *groups, size_t n_groups)
{
    Srlab__SyncBatch b;
    Srlab__Envelope env;
    bus_sync_batch(&env, &b, sas, n, full, end, groups, n_groups);
    if (mcs_session_send(m, &env, (uint32_t)n) != 0)
        return -1;
    m->sync_tx += n;
    mcs_pulse(m);
    return 0;
}

void mcs_sync_flush(struct mcs *m)
{
    if (!zhashx_size(m->pending))
        return;
    if (!m->s.connected) {
        zhashx_purge(m->pending); /* the full resync after reconnecting covers them */
        return;
    }
    Srlab__SyncIkeSa *sas[MCS_BATCH_MAX];
    bool owned[MCS_BATCH_MAX];
    size_t n = 0;
    for (uint32_t *g = zhashx_first(m->pending); g; g = zhashx_next(m->pending)) {
        const char *key = zhashx_cursor(m->pending);
        struct mcs_rec *r = zhashx_lookup(m->local, key);
        owned[n] = !r;
        sas[n++] = r ? r->sa : tombstone(key, *g);
        if (n == MCS_BATCH_MAX) {
            peer_send_batch(m, sas, n, false, false, NULL, 0);
            for (size_t i = 0; i < n; i++)
                if (owned[i])
                    srlab__sync_ike_sa__free_unpacked(sas[i], NULL);
            n = 0;
        }
    }
    if (n)
        peer_send_batch(m, sas, n, false, false, NULL, 0);
    for (size_t i = 0; i < n; i++)
        if (owned[i])
            srlab__sync_ike_sa__free_unpacked(sas[i], NULL);
    zhashx_purge(m->pending);
}

void mcs_sync_send_full(struct mcs *m, const uint32_t *want, size_t n_want)
{
    if (!m->s.connected)
        return;
    uint32_t groups[MCS_MAX_GROUPS];
    size_t ng = 0;
    for (size_t i = 0; i < m->n_groups && ng < MCS_MAX_GROUPS; i++) {
        const struct mcs_group *g = &m->groups[i];
        bool wanted = !want;
        for (size_t k = 0; want && k < n_want; k++)
            wanted |= want[k] == g->id;
        if (wanted && mcs_group_synced(m, g))
            groups[ng++] = g->id;
    }
    Srlab__SyncIkeSa *sas[MCS_BATCH_MAX];
    size_t n = 0, total = 0;
    for (struct mcs_rec *r = zhashx_first(m->local); r; r = zhashx_next(m->local)) {
        bool in = false;
        for (size_t k = 0; k < ng; k++)
            in |= groups[k] == r->sa->group;
        if (!in)
            continue;
        sas[n++] = r->sa;
        if (n == MCS_BATCH_MAX) {
            peer_send_batch(m, sas, n, true, false, groups, ng);
            total += n;
            n = 0;
        }
    }
    /* the last batch, possibly empty, ends the resync of these groups */
    peer_send_batch(m, sas, n, true, true, groups, ng);
    total += n;
    log_info("full_resync_sent", "peer=%s groups=%zu records=%zu", m->peer_str, ng, total);
}

void mcs_sync_want_peer_full(struct mcs *m, struct mcs_group *g)
{
    if (!m->s.connected || !mcs_group_synced(m, g))
        return;
    Srlab__SyncRequest r = SRLAB__SYNC_REQUEST__INIT;
    uint32_t pg = g->peer_group;
    r.groups = &pg;
    r.n_groups = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_REQUEST;
    env.sync_request = &r;
    mcs_session_send(m, &env, 0);
}

void mcs_sync_peer_request(struct mcs *m, const Srlab__SyncRequest *r)
{
    size_t n = r->n_groups < MCS_MAX_GROUPS ? r->n_groups : MCS_MAX_GROUPS;
    log_info("peer_sync_request", "peer=%s groups=%zu", m->peer_str, n);
    m->sync_resyncs++;
    mcs_sync_send_full(m, r->groups, n);
}

/* ---- from the peer ---- */

void mcs_sync_peer_batch(struct mcs *m, const Srlab__SyncBatch *b)
{
    struct mcs_session *s = &m->s;
    if (b->full && !s->peer_in_full) {
        s->peer_in_full = true;
        s->peer_full_gen++;
    }
    zhashx_t *q = queue_new();
    for (size_t i = 0; i < b->n_sas; i++) {
        if (i % 64 == 63)
            mcs_pulse(m);
        const Srlab__SyncIkeSa *in = b->sas[i];
        const char *bad = check_record(in);
        if (bad) {
            mcs_count_bad(m, MB_MCS_RECORD, bad);
            m->sync_bad++;
            continue;
        }
        struct mcs_group *g = mcs_group_for_peer(m, in->group);
        if (!g || !mcs_group_synced(m, g)) {
            mcs_count_bad(m, MB_MCS_GROUP, "");
            m->sync_bad++;
            continue;
        }
        m->sync_rx++;
        struct mcs_rec *old = zhashx_lookup(m->peer, in->key);
        if (in->remove) {
            if (old) {
                if (old->isa[0] && old->status != RS_HELD)
                    queue_add(q, old->isa, in->key, tombstone(in->key, g->id));
                zhashx_delete(m->peer, in->key);
            }
            continue;
        }
        if (old && old->sa->version > in->version && !b->full) {
            mcs_count_bad(m, MB_MCS_STALE, "");
            continue;
        }
        struct mcs_rec *r = calloc(1, sizeof *r);
        r->sa = sa_copy(in);
        if (!r->sa) {
            free(r);
            continue;
        }
        r->sa->group = g->id; /* our number for the paired group */
        r->gen = b->full ? s->peer_full_gen : old ? old->gen : 0;
        if (!group_forwarding(g) && zhashx_lookup(m->local, in->key)) {
            zhashx_delete(m->pending, in->key); /* a handed-over record: the peer has it now */
            zhashx_delete(m->local, in->key);
        }
        char was_isa[sizeof r->isa] = "";
        bool was_installed = old && old->status == RS_INSTALLED;
        if (was_installed)
            snprintf(was_isa, sizeof was_isa, "%s", old->isa);
        zhashx_update(m->peer, in->key, r); /* frees the old one */
        place_peer_record(m, r, q);
        /* an update of a tunnel its ISA holds (a rekey, a DPD exchange's
         * message IDs) leaves it installed: protection does not flap with
         * every exchange; a failed update is reported */
        if (was_installed && r->status == RS_INSTALLING && strcmp(was_isa, r->isa) == 0)
            r->status = RS_INSTALLED;
    }
    uint32_t groups[MCS_MAX_GROUPS];
    size_t ng = 0;
    for (size_t i = 0; i < b->n_groups && ng < MCS_MAX_GROUPS; i++) {
        struct mcs_group *g = mcs_group_for_peer(m, b->groups[i]);
        if (g && mcs_group_synced(m, g) && !group_forwarding(g))
            groups[ng++] = g->id;
    }
    queue_send(m, &q, b->full, groups, ng);
    if (!b->end_of_full)
        return;
    /* the peer's full resync of these groups replaces what we had of them */
    size_t dropped = 0;
    zlistx_t *gone = zlistx_new();
    for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer)) {
        bool covered = false;
        for (size_t i = 0; i < b->n_groups; i++) {
            struct mcs_group *g = mcs_group_for_peer(m, b->groups[i]);
            covered |= g && g->id == r->sa->group;
        }
        if (covered && r->gen != s->peer_full_gen)
            zlistx_add_end(gone, (void *)zhashx_cursor(m->peer));
    }
    for (const char *k = zlistx_first(gone); k; k = zlistx_next(gone)) {
        zhashx_delete(m->peer, k);
        dropped++;
    }
    zlistx_destroy(&gone);
    /* and every ISA drops the standby SAs of these groups it was not sent again */
    zlistx_t *targets = zlistx_new();
    zlistx_set_duplicator(targets, (zlistx_duplicator_fn *)strdup);
    zlistx_set_destructor(targets, (zlistx_destructor_fn *)zstr_free);
    zlistx_set_comparator(targets, (zlistx_comparator_fn *)strcmp);
    for (struct mcs_isa *i = zhashx_first(m->isas); i; i = zhashx_next(m->isas))
        zlistx_add_end(targets, i->name);
    for (size_t k = 0; k < ng; k++) {
        struct mcs_group *g = mcs_group_find(m, groups[k]);
        for (size_t j = 0; g && j < g->n_isas; j++)
            if (!zlistx_find(targets, g->isas[j]))
                zlistx_add_end(targets, g->isas[j]);
    }
    if (ng)
        for (const char *isa = zlistx_first(targets); isa; isa = zlistx_next(targets))
            isa_send_batch(m, isa, NULL, 0, true, true, groups, ng);
    zlistx_destroy(&targets);
    s->peer_in_full = false;
    s->peer_full_done = true;
    m->state_dirty = true;
    log_info("peer_full_resync", "peer=%s groups=%zu dropped=%zu peer_records=%zu", m->peer_str,
             b->n_groups, dropped, zhashx_size(m->peer));
}

/* ---- from the local ISAs ---- */

static void local_batch(struct mcs *m, struct mcs_isa *isa, const Srlab__SyncBatch *b)
{
    if (b->full && !isa->in_full) {
        isa->in_full = true;
        isa->full_gen = ++m->isa_full_counter;
    }
    for (size_t i = 0; i < b->n_sas; i++) {
        if (i % 64 == 63)
            mcs_pulse(m);
        const Srlab__SyncIkeSa *in = b->sas[i];
        const char *bad = check_record(in);
        if (bad) {
            mcs_count_bad(m, MB_ISA_RECORD, bad);
            continue;
        }
        struct mcs_group *g = mcs_group_find(m, in->group);
        if (!g || !mcs_group_synced(m, g)) {
            mcs_count_bad(m, MB_ISA_RECORD, "group not synced");
            continue;
        }
        if (!group_forwarding(g)) {
            /* an ISA that just stood down hands over its last state; the
             * peer takes it when it is newer than what the peer sent us */
            struct mcs_rec *pr = zhashx_lookup(m->peer, in->key);
            if (in->remove || (pr && pr->sa->version >= in->version)) {
                mcs_count_bad(m, MB_ISA_NOT_MASTER, "");
                continue;
            }
        }
        struct mcs_rec *old = zhashx_lookup(m->local, in->key);
        if (in->remove) {
            if (old)
                zhashx_delete(m->local, in->key);
            add_pending(m, in->key, g->id);
            continue;
        }
        if (old && old->sa->version > in->version) {
            mcs_count_bad(m, MB_ISA_STALE, "");
            continue;
        }
        struct mcs_rec *r = calloc(1, sizeof *r);
        r->sa = sa_copy(in);
        if (!r->sa) {
            free(r);
            continue;
        }
        r->status = RS_LOCAL;
        snprintf(r->isa, sizeof r->isa, "%s", isa->name);
        r->gen = b->full ? isa->full_gen : old ? old->gen : 0;
        zhashx_update(m->local, in->key, r);
        add_pending(m, in->key, g->id);
    }
    if (!b->end_of_full)
        return;
    /* the ISA's full answer for these groups: what it did not send is gone */
    zlistx_t *gone = zlistx_new();
    for (struct mcs_rec *r = zhashx_first(m->local); r; r = zhashx_next(m->local)) {
        bool covered = false;
        for (size_t i = 0; i < b->n_groups; i++)
            covered |= b->groups[i] == r->sa->group;
        if (covered && strcmp(r->isa, isa->name) == 0 && r->gen != isa->full_gen)
            zlistx_add_end(gone, (void *)zhashx_cursor(m->local));
    }
    for (const char *k = zlistx_first(gone); k; k = zlistx_next(gone)) {
        struct mcs_rec *r = zhashx_lookup(m->local, k);
        add_pending(m, k, r->sa->group);
        zhashx_delete(m->local, k);
    }
    log_info("isa_full_resync", "isa=%s groups=%zu removed=%zu local_records=%zu", isa->name,
             b->n_groups, zlistx_size(gone), zhashx_size(m->local));
    zlistx_destroy(&gone);
    isa->in_full = false;
}

static void on_result(struct mcs *m, struct mcs_isa *isa, const Srlab__SyncResult *res)
{
    struct {
        char **keys;
        size_t n;
        enum rec_status to;
    } lists[] = { { res->installed, res->n_installed, RS_INSTALLED },
                  { res->failed, res->n_failed, RS_FAILED },
                  { res->await_config, res->n_await_config, RS_AWAIT_CONFIG } };
    size_t failed = 0;
    const char *first_reason = NULL;
    for (size_t l = 0; l < 3; l++) {
        for (size_t i = 0; i < lists[l].n; i++) {
            struct mcs_rec *r = zhashx_lookup(m->peer, lists[l].keys[i]);
            if (!r || strcmp(r->isa, isa->name) != 0) {
                mcs_count_bad(m, MB_ISA_RESULT, "not a record held by this ISA");
                continue;
            }
            r->status = lists[l].to;
            if (lists[l].to == RS_FAILED) {
                const char *why = i < res->n_reasons ? res->reasons[i] : "no reason given";
                log_warn("record_failed", "isa=%s key=%s reason=%s", isa->name,
                         log_q(r->sa->key), log_q(why));
                if (!failed++)
                    first_reason = why;
            }
        }
    }
    if (failed)
        mcs_event(m, 3, MCS_EV_RECORD_FAILED, isa->name,
                  "ISA %s could not install %zu synced tunnel%s: %.120s", isa->name, failed,
                  failed == 1 ? "" : "s", first_reason);
    m->state_dirty = true;
}

/* "isa-S/M" -> "S/M"; NULL when the identity is not an ISA's */
static const char *isa_name(const char *identity, char out[16])
{
    unsigned slot, mda;
    char tail;
    if (strlen(identity) > 12 || sscanf(identity, "isa-%u/%u%c", &slot, &mda, &tail) != 2 ||
        slot < 1 || slot > 99 || mda < 1 || mda > 9)
        return NULL;
    snprintf(out, 16, "%u/%u", slot, mda);
    return out;
}

static int on_isa_socket(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct mcs *m = arg;
    zframe_t *id = NULL;
    bus_msg_t *env = bus_recv(sock, &id, &m->isa_bus);
    if (!env) {
        mcs_count_bad(m, MB_ISA_MESSAGE, "undecodable");
        return 0;
    }
    char *ident = bus_identity_str(id);
    char name[16];
    if (!isa_name(ident, name)) {
        mcs_count_bad(m, MB_ISA_IDENTITY, ident);
        goto out;
    }
    bool known = zhashx_lookup(m->isas, name) != NULL;
    struct mcs_isa *isa = isa_get(m, name);
    if (!known)
        mcs_sync_isa_up(m, name);
    switch (env->body_case) {
    case SRLAB__ENVELOPE__BODY_SYNC_BATCH: local_batch(m, isa, env->sync_batch); break;
    case SRLAB__ENVELOPE__BODY_SYNC_RESULT: on_result(m, isa, env->sync_result); break;
    case SRLAB__ENVELOPE__BODY_SYNC_REQUEST:
        /* an ISA's first message after it (re)started: what it should hold */
        if (known)
            mcs_sync_isa_up(m, name);
        break;
    default: mcs_count_bad(m, MB_ISA_MESSAGE, bus_body_name(env->body_case)); break;
    }
out:
    free(ident);
    zframe_destroy(&id);
    bus_free(&env);
    mcs_run(m);
    return 0;
}

int mcs_sync_open_isa(struct mcs *m)
{
    m->isa_sock = zsock_new(ZMQ_ROUTER);
    zsock_set_router_mandatory(m->isa_sock, 1); /* an absent ISA fails the send: retried */
    zsock_set_router_handover(m->isa_sock, 1);  /* a restarted ISA takes its name back */
    zsock_set_linger(m->isa_sock, 0);
    zsock_set_sndhwm(m->isa_sock, 100000);
    zsock_set_sndtimeo(m->isa_sock, 0);
    if (zsock_bind(m->isa_sock, "ipc://%s/mcs-sync.sock", m->rundir) != 0) {
        log_error("isa_bind_failed", "endpoint=ipc://%s/mcs-sync.sock", m->rundir);
        zsock_destroy(&m->isa_sock);
        return -1;
    }
    zloop_reader(m->loop, m->isa_sock, on_isa_socket, m);
    return 0;
}

/* ---- mastership and configuration changes ---- */

static void request_from_isas(struct mcs *m, struct mcs_group *g)
{
    uint32_t id = g->id;
    for (size_t i = 0; i < g->n_isas; i++)
        isa_send_request(m, g->isas[i], &id, 1);
}

void mcs_sync_group_forwarding(struct mcs *m, struct mcs_group *g, bool forwarding)
{
    if (!mcs_group_synced(m, g))
        return;
    if (forwarding) {
        /* the peer's records of g are ours now; the ISAs re-send fresher ones */
        zlistx_t *keys = zlistx_new();
        for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer))
            if (r->sa->group == g->id)
                zlistx_add_end(keys, (void *)zhashx_cursor(m->peer));
        size_t n = 0;
        for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
            if (++n % 256 == 0)
                mcs_pulse(m);
            struct mcs_rec *p = zhashx_lookup(m->peer, k);
            struct mcs_rec *r = calloc(1, sizeof *r);
            r->sa = sa_copy(p->sa);
            if (!r->sa) {
                free(r);
                continue;
            }
            r->status = RS_LOCAL;
            snprintf(r->isa, sizeof r->isa, "%s", p->isa);
            zhashx_update(m->local, k, r);
            add_pending(m, k, g->id);
            zhashx_delete(m->peer, k); /* frees k: last use */
        }
        log_info("group_records_taken_over", "group=%u records=%zu", g->id, zlistx_size(keys));
        zlistx_destroy(&keys);
        request_from_isas(m, g);
    } else {
        mcs_sync_drop_group(m, g->id);
        /* peer records held while we were master go to the ISAs now */
        zhashx_t *q = queue_new();
        for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer))
            if (r->sa->group == g->id)
                place_peer_record(m, r, q);
        queue_send(m, &q, false, NULL, 0);
    }
}

void mcs_sync_drop_group(struct mcs *m, uint32_t group)
{
    zlistx_t *keys = zlistx_new();
    for (struct mcs_rec *r = zhashx_first(m->local); r; r = zhashx_next(m->local))
        if (r->sa->group == group)
            zlistx_add_end(keys, (void *)zhashx_cursor(m->local));
    for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        zhashx_delete(m->pending, k);
        zhashx_delete(m->local, k);
    }
    if (zlistx_size(keys))
        log_info("group_local_records_dropped", "group=%u records=%zu", group,
                 zlistx_size(keys));
    zlistx_destroy(&keys);
}

void mcs_sync_isa_up(struct mcs *m, const char *isa)
{
    log_info("isa_up", "isa=%s", isa);
    isa_get(m, isa)->want_request = false;
    uint32_t groups[MCS_MAX_GROUPS];
    size_t ng = 0;
    for (size_t i = 0; i < m->n_groups; i++) {
        struct mcs_group *g = &m->groups[i];
        if (mcs_group_synced(m, g) && group_forwarding(g) && isa_active_in(g, isa))
            groups[ng++] = g->id;
    }
    if (ng)
        isa_send_request(m, isa, groups, ng);
    /* a (re)started ISA has no standby state: everything it holds again */
    zhashx_t *q = queue_new();
    for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer)) {
        if (strcmp(r->isa, isa) == 0 && r->status != RS_HELD && r->status != RS_AWAIT_CONFIG) {
            r->status = RS_INSTALLING;
            queue_add(q, isa, r->sa->key, NULL);
        }
    }
    queue_send(m, &q, false, NULL, 0);
}

void mcs_sync_config_changed(struct mcs *m)
{
    zlistx_t *gone = zlistx_new();
    zhashx_t *q = queue_new();
    size_t n = 0;
    for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer)) {
        if (++n % 256 == 0)
            mcs_pulse(m);
        struct mcs_group *g = mcs_group_find(m, r->sa->group);
        if (!g || !mcs_group_synced(m, g)) {
            zlistx_add_end(gone, (void *)zhashx_cursor(m->peer));
            continue;
        }
        const char *isa = holding_isa(m, r->sa);
        bool moved = strcmp(isa ? isa : "", r->isa) != 0;
        if (moved || r->status == RS_AWAIT_CONFIG || r->status == RS_HELD)
            place_peer_record(m, r, q);
    }
    for (const char *k = zlistx_first(gone); k; k = zlistx_next(gone))
        zhashx_delete(m->peer, k);
    zlistx_purge(gone);
    for (struct mcs_rec *r = zhashx_first(m->local); r; r = zhashx_next(m->local)) {
        struct mcs_group *g = mcs_group_find(m, r->sa->group);
        if (!g || !mcs_group_synced(m, g))
            zlistx_add_end(gone, (void *)zhashx_cursor(m->local));
    }
    for (const char *k = zlistx_first(gone); k; k = zlistx_next(gone))
        zhashx_delete(m->local, k);
    zlistx_destroy(&gone);
    queue_send(m, &q, false, NULL, 0);
}

void mcs_sync_tick(struct mcs *m, int64_t now)
{
    if (now < m->isa_retry_ms)
        return;
    m->isa_retry_ms = now + 1000;
    for (struct mcs_isa *i = zhashx_first(m->isas); i; i = zhashx_next(m->isas)) {
        if (!i->want_request)
            continue;
        uint32_t groups[MCS_MAX_GROUPS];
        size_t ng = 0;
        for (size_t k = 0; k < m->n_groups; k++) {
            struct mcs_group *g = &m->groups[k];
            if (mcs_group_synced(m, g) && group_forwarding(g) && isa_active_in(g, i->name))
                groups[ng++] = g->id;
        }
        if (ng)
            isa_send_request(m, i->name, groups, ng);
        else
            i->want_request = false;
    }
    zhashx_t *q = queue_new();
    for (struct mcs_rec *r = zhashx_first(m->peer); r; r = zhashx_next(m->peer))
        if (r->unsent && r->status == RS_INSTALLING && r->isa[0])
            queue_add(q, r->isa, r->sa->key, NULL);
    queue_send(m, &q, false, NULL, 0);
}

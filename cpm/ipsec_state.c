/* IPsec state that is not configuration: the dynamic tunnels ISAs build
 * for their gateways (with the reverse routes cpm hands to the IOMs, and
 * takes back when the tunnel or its ISA goes), and the session log of
 * every SA setup, rekey and teardown (SQLite, `show ipsec session-log`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cpm.h"
#include "log.h"

#define MAX_ROUTES 64

struct dyn_tunnel {
    char name[80], gateway[40], peer[48], peer_id[80], iface[40], isa[8];
    uint32_t peer_port, svc;
    char (*routes)[48];        /* n_routes of them: tens of thousands of tunnels */
    unsigned n_routes;
    int64_t since_ms;
};

static zhashx_t *tunnels; /* name -> struct dyn_tunnel */

static void dyn_free(void **item)
{
    struct dyn_tunnel *t = *item;
    if (t)
        free(t->routes);
    free(t);
    *item = NULL;
}

static zhashx_t *table(void)
{
    if (!tunnels) {
        tunnels = zhashx_new();
        zhashx_set_destructor(tunnels, dyn_free);
    }
    return tunnels;
}

static void session_rows_destroy(void);

void ipsec_state_destroy(void)
{
    zhashx_destroy(&tunnels);
    session_rows_destroy();
}

static Srlab__DynamicRoute *route_msg(struct arena *a, const struct dyn_tunnel *t, const char *prefix)
{
    Srlab__DynamicRoute *r = arena_alloc(a, sizeof *r);
    srlab__dynamic_route__init(r);
    r->svc = t->svc;
    r->prefix = arena_strdup(a, prefix);
    r->tunnel = arena_strdup(a, t->name);
    r->interface = arena_strdup(a, t->iface);
    r->isa = arena_strdup(a, t->isa);
    return r;
}

/* Every IOM gets the reverse routes that came and went. */
static void send_update(struct cpm *cpm, Srlab__RouteUpdate *u)
{
    if (!u->n_add && !u->n_remove)
        return;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_ROUTE_UPDATE;
    env.route_update = u;
    for (unsigned slot = 1; slot <= 10; slot++) {
        char id[16];
        snprintf(id, sizeof id, "iom-%u", slot);
        struct card_proc *c = cards_get(cpm, id);
        if (c && c->state != CARD_DOWN)
            bus_send_to(cpm->bus, id, &env, &cpm->bus_stats);
    }
}

static bool has_route(const struct dyn_tunnel *t, const char *prefix)
{
    for (unsigned i = 0; i < t->n_routes; i++)
        if (strcmp(t->routes[i], prefix) == 0)
            return true;
    return false;
}

void ipsec_on_dynamic_tunnel(struct cpm *cpm, const struct card_proc *isa, const Srlab__DynamicTunnel *m)
{
    struct arena a;
    arena_init(&a);
    Srlab__RouteUpdate u = SRLAB__ROUTE_UPDATE__INIT;
    struct dyn_tunnel *t = zhashx_lookup(table(), m->tunnel);
    struct dyn_tunnel next = { 0 };
    char routes[MAX_ROUTES][48];
    next.routes = routes;
    snprintf(next.name, sizeof next.name, "%s", m->tunnel);
    snprintf(next.gateway, sizeof next.gateway, "%s", m->gateway);
    snprintf(next.peer, sizeof next.peer, "%s", m->peer);
    snprintf(next.peer_id, sizeof next.peer_id, "%s", m->peer_id);
    snprintf(next.iface, sizeof next.iface, "%s", m->private_interface);
    snprintf(next.isa, sizeof next.isa, "%u/%u", isa->slot, isa->mda);
    next.peer_port = m->peer_port;
    next.svc = m->private_svc;
    next.since_ms = t ? t->since_ms : zclock_time();
    for (size_t i = 0; m->up && i < m->n_routes && next.n_routes < MAX_ROUTES; i++)
        if (!has_route(&next, m->routes[i]))
            snprintf(next.routes[next.n_routes++], 48, "%s", m->routes[i]);
    for (unsigned i = 0; t && i < t->n_routes; i++)
        if (!has_route(&next, t->routes[i]))
            arena_push(&a, (void ***)&u.remove, &u.n_remove, route_msg(&a, t, t->routes[i]));
    for (unsigned i = 0; i < next.n_routes; i++)
        if (!t || !has_route(t, next.routes[i]))
            arena_push(&a, (void ***)&u.add, &u.n_add, route_msg(&a, &next, next.routes[i]));
    send_update(cpm, &u);
    if (!m->up) {
        if (t)
            zhashx_delete(table(), m->tunnel);
        log_info("dynamic_tunnel", "tunnel=%s gateway=%s up=no", log_q(m->tunnel), log_q(m->gateway));
    } else {
        if (!t) {
            t = calloc(1, sizeof *t);
            zhashx_insert(table(), next.name, t);
        }
        free(t->routes);
        next.routes = NULL;
        if (next.n_routes && (next.routes = malloc(next.n_routes * sizeof *next.routes)))
            memcpy(next.routes, routes, next.n_routes * sizeof *next.routes);
        if (!next.routes)
            next.n_routes = 0;
        *t = next;
        log_info("dynamic_tunnel", "tunnel=%s gateway=%s up=yes routes=%u", log_q(m->tunnel),
                 log_q(m->gateway), next.n_routes);
    }
    arena_free(&a);
}

/* Dynamic tunnels held by ISA "S/M". */
int ipsec_dynamic_on(const char *isa)
{
    int n = 0;
    for (struct dyn_tunnel *t = zhashx_first(table()); t; t = zhashx_next(table()))
        n += strcmp(t->isa, isa) == 0;
    return n;
}

/* An ISA went: its dynamic tunnels, and their routes, with it. */
void ipsec_isa_down(struct cpm *cpm, const struct card_proc *isa)
{
    char where[8];
    snprintf(where, sizeof where, "%u/%u", isa->slot, isa->mda);
    zlistx_t *keys = zhashx_keys(table());
    for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        struct dyn_tunnel *t = zhashx_lookup(table(), k);
        if (strcmp(t->isa, where) != 0)
            continue;
        Srlab__DynamicTunnel m = SRLAB__DYNAMIC_TUNNEL__INIT;
        char name[80], gw[40]; /* t goes with the update */
        snprintf(name, sizeof name, "%s", t->name);
        snprintf(gw, sizeof gw, "%s", t->gateway);
        m.tunnel = name;
        m.gateway = gw;
        m.up = false;
        ipsec_on_dynamic_tunnel(cpm, isa, &m);
    }
    zlistx_destroy(&keys);
}

/* The reverse routes of every dynamic tunnel, for an IOM's full push. */
void ipsec_push_routes(struct arena *a, Srlab__CardConfig *cfg)
{
    for (struct dyn_tunnel *t = zhashx_first(table()); t; t = zhashx_next(table()))
        for (unsigned i = 0; i < t->n_routes; i++)
            arena_push(a, (void ***)&cfg->dynamic_routes, &cfg->n_dynamic_routes, route_msg(a, t, t->routes[i]));
}

/* show ipsec gateway [NAME] [tunnel] */
int show_ipsec_gateway(struct cpm *cpm, const char *name, bool tunnel_list, struct strbuf *out, struct json *j)
{
    struct gw_view *gv;
    int n = gateways_resolve(cpm, &gv);
    int shown = 0;
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "gateways");
    } else if (!tunnel_list) {
        show_title(out, "IPsec Gateways");
        sb_puts(out, "Name                             LocalAddress      SvcId      Admn  Oper  Tunnels\n");
        sb_puts(out, "  Sap                              SecureSvc  Interface             Oper Flags\n");
        show_rule(out, '-');
    }
    for (int i = 0; i < n; i++) {
        const struct gw_view *g = &gv[i];
        if (name && strcmp(name, g->node->key) != 0)
            continue;
        shown++;
        unsigned count = 0;
        for (struct dyn_tunnel *t = zhashx_first(table()); t; t = zhashx_next(table()))
            count += strcmp(t->gateway, g->node->key) == 0;
        if (j) {
            json_obj(j, NULL);
            json_str(j, "name", g->node->key);
            json_str(j, "sap", g->sap->key);
            json_int(j, "service", g->svc);
            json_str(j, "local_gateway_address", g->local);
            json_int(j, "secure_service", g->private_svc);
            json_str(j, "interface", g->private_iface ? g->private_iface->key : NULL);
            json_str(j, "admin_state", g->node->admin_up ? "up" : "down");
            json_str(j, "oper_state", g->oper_up ? "up" : "down");
            json_str(j, "oper_flags", g->flags);
            json_str(j, "isa", g->isa[0] ? g->isa : NULL);
            json_uint(j, "tunnels", count);
            json_arr(j, "dynamic_tunnels");
            for (struct dyn_tunnel *t = zhashx_first(table()); t; t = zhashx_next(table())) {
                if (strcmp(t->gateway, g->node->key) != 0)
                    continue;
                json_obj(j, NULL);
                json_str(j, "name", t->name);
                json_str(j, "peer", t->peer);
                json_int(j, "peer_port", t->peer_port);
                json_str(j, "peer_id", t->peer_id);
                json_str(j, "isa", t->isa);
                json_uint(j, "up_s", (uint64_t)((zclock_time() - t->since_ms) / 1000));
                json_arr(j, "reverse_routes");
                for (unsigned r = 0; r < t->n_routes; r++)
                    json_str(j, NULL, t->routes[r]);
                json_end(j);
                json_end(j);
            }
            json_end(j);
            json_end(j);
            continue;
        }
        if (tunnel_list) {
            show_title(out, "IPsec Gateway Tunnels");
            sb_printf(out, "Gateway: %s (%s)\n", g->node->key, g->local ? g->local : "-");
            sb_puts(out, "Remote Address:Port           Peer Id                   ISA   Up Time   Reverse Routes\n");
            show_rule(out, '-');
            unsigned k = 0;
            for (struct dyn_tunnel *t = zhashx_first(table()); t; t = zhashx_next(table())) {
                if (strcmp(t->gateway, g->node->key) != 0)
                    continue;
                char rp[64], routes[160] = "";
                snprintf(rp, sizeof rp, "%s:%u", t->peer, t->peer_port);
                for (unsigned r = 0; r < t->n_routes && strlen(routes) < 140; r++)
                    snprintf(routes + strlen(routes), sizeof routes - strlen(routes), "%s%s", r ? "," : "",
                             t->routes[r]);
                int64_t up = (zclock_time() - t->since_ms) / 1000;
                show_row(out, "%-29s %-25.25s %-5s %02lldh%02lldm%02llds %s", rp, t->peer_id, t->isa,
                         (long long)(up / 3600), (long long)(up / 60 % 60), (long long)(up % 60),
                         routes[0] ? routes : "-");
                k++;
            }
            show_rule(out, '-');
            sb_printf(out, "Tunnels: %u\n", k);
            show_rule(out, '=');
            continue;
        }
        char svc[16], psvc[16];
        snprintf(svc, sizeof svc, "%u", g->svc);
        snprintf(psvc, sizeof psvc, "%u", g->private_svc);
        show_row(out, "%-32s %-17s %-10s %-5s %-5s %u", g->node->key, g->local ? g->local : "-", svc,
                 g->node->admin_up ? "Up" : "Down", g->oper_up ? "Up" : "Down", count);
        show_row(out, "  %-32s %-10s %-21s %s", g->sap->key, g->private_svc ? psvc : "-",
                 g->private_iface ? g->private_iface->key : "-", g->flags[0] ? g->flags : "None");
    }
    free(gv);
    if (name && !shown) {
        sb_printf(out, "Error: no ipsec-gw called \"%s\"\n", name);
        return -1;
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else if (!tunnel_list) {
        show_rule(out, '-');
        sb_printf(out, "IPsec Gateways: %d\n", shown);
        show_rule(out, '=');
    }
    return 0;
}

/* ---- the session log ----------------------------------------------------------------------- */

static const char *const session_sql =
    "CREATE TABLE IF NOT EXISTS session_log("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, event TEXT NOT NULL,"
    "  tunnel TEXT, gateway TEXT, service INTEGER, peer TEXT, peer_port INTEGER, peer_id TEXT,"
    "  ike_spis TEXT, ike_algorithms TEXT, detail TEXT, isa TEXT);";

int session_log_init(struct cpm *cpm)
{
    return sqlite3_exec(cfg_store_db(cpm->store), session_sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Rows wait in memory and are written together, one transaction per
 * flush (every health tick, and before the log is read): a failover brings
 * thousands at once, and a transaction each held cpm's loop for seconds. */
struct session_row {
    char when[40], spis[40];
    char *text[8]; /* event tunnel gateway peer peer_id algorithms detail isa */
    int64_t svc;
    int peer_port;
};
static struct session_row *pending;
static size_t n_pending, cap_pending;

static void pending_free(void)
{
    for (size_t i = 0; i < n_pending; i++)
        for (int k = 0; k < 8; k++)
            free(pending[i].text[k]);
    n_pending = 0;
}

static void session_rows_destroy(void)
{
    pending_free();
    free(pending);
    pending = NULL;
    cap_pending = 0;
}

void ipsec_on_session(struct cpm *cpm, const Srlab__IkeSession *m)
{
    (void)cpm;
    if (n_pending == cap_pending) {
        size_t cap = cap_pending ? cap_pending * 2 : 256;
        struct session_row *grown = realloc(pending, cap * sizeof *pending);
        if (!grown) {
            log_warn("session_log_failed", "reason=%s", log_q("out of memory"));
            return;
        }
        pending = grown;
        cap_pending = cap;
    }
    struct session_row *r = &pending[n_pending++];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->when, sizeof r->when, "%Y/%m/%d %H:%M:%S UTC", &tm);
    snprintf(r->spis, sizeof r->spis, "%016llx/%016llx", (unsigned long long)m->spi_i,
             (unsigned long long)m->spi_r);
    const char *text[8] = { m->event, m->tunnel, m->gateway, m->peer, m->peer_id, m->ike_algorithms,
                            m->detail, m->isa };
    for (int k = 0; k < 8; k++)
        r->text[k] = strdup(text[k] ? text[k] : "");
    r->svc = m->svc;
    r->peer_port = (int)m->peer_port;
}

void ipsec_session_flush(struct cpm *cpm)
{
    if (!n_pending)
        return;
    sqlite3 *db = cfg_store_db(cpm->store);
    sqlite3_stmt *q;
    bool tx = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    if (sqlite3_prepare_v2(db, "INSERT INTO session_log(time,event,tunnel,gateway,service,peer,peer_port,"
                           "peer_id,ike_spis,ike_algorithms,detail,isa) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL) == SQLITE_OK) {
        for (size_t i = 0; i < n_pending; i++) {
            const struct session_row *r = &pending[i];
            sqlite3_bind_text(q, 1, r->when, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, r->text[0], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, r->text[1], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, r->text[2], -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 5, r->svc);
            sqlite3_bind_text(q, 6, r->text[3], -1, SQLITE_STATIC);
            sqlite3_bind_int(q, 7, r->peer_port);
            sqlite3_bind_text(q, 8, r->text[4], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 9, r->spis, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 10, r->text[5], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 11, r->text[6], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 12, r->text[7], -1, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_DONE)
                log_warn("session_log_failed", "reason=%s", log_q(sqlite3_errmsg(db)));
            sqlite3_reset(q);
        }
        sqlite3_finalize(q);
    } else {
        log_warn("session_log_failed", "reason=%s", log_q(sqlite3_errmsg(db)));
    }
    /* keep the last 100,000 */
    sqlite3_exec(db, "DELETE FROM session_log WHERE seq <= (SELECT MAX(seq) FROM session_log) - 100000",
                 NULL, NULL, NULL);
    if (tx && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_warn("session_log_failed", "reason=%s", log_q(sqlite3_errmsg(db)));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    pending_free();
}

int show_ipsec_session_log(struct cpm *cpm, int max, struct strbuf *out, struct json *j)
{
    ipsec_session_flush(cpm);
    sqlite3 *db = cfg_store_db(cpm->store);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT seq,time,event,tunnel,gateway,service,peer,peer_port,peer_id,"
                           "ike_spis,ike_algorithms,detail,isa FROM session_log ORDER BY seq DESC LIMIT ?",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int(q, 1, max);
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "sessions");
    } else {
        show_title(out, "IPsec Session Log");
    }
    int rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *t[13];
        for (int i = 0; i < 13; i++)
            t[i] = (const char *)sqlite3_column_text(q, i);
        rows++;
        if (j) {
            json_obj(j, NULL);
            json_uint(j, "seq", (uint64_t)sqlite3_column_int64(q, 0));
            json_str(j, "time", t[1]);
            json_str(j, "event", t[2]);
            json_str(j, "tunnel", t[3]);
            json_str(j, "gateway", t[4]);
            json_int(j, "service", sqlite3_column_int64(q, 5));
            json_str(j, "peer", t[6]);
            json_int(j, "peer_port", sqlite3_column_int(q, 7));
            json_str(j, "peer_id", t[8]);
            json_str(j, "ike_spis", t[9]);
            json_str(j, "ike_algorithms", t[10]);
            json_str(j, "detail", t[11]);
            json_str(j, "isa", t[12]);
            json_end(j);
        } else {
            sb_printf(out, "%s %s %s %s%s%s peer %s:%s \"%s\" svc %s isa %s\n  IKE %s %s\n  %s\n", t[0], t[1],
                      t[2], t[3] && t[3][0] ? t[3] : "", t[4] && t[4][0] ? " gw " : "", t[4] ? t[4] : "",
                      t[6], t[7] ? t[7] : "", t[8] ? t[8] : "", t[5] ? t[5] : "", t[12] ? t[12] : "",
                      t[9] ? t[9] : "", t[10] ? t[10] : "", t[11] ? t[11] : "");
        }
    }
    sqlite3_finalize(q);
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '-');
        sb_printf(out, "Entries shown: %d\n", rows);
        show_rule(out, '=');
    }
    return 0;
}

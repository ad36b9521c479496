/* The CLI server: sessions of `srlab cli` and `srlab config`, commands
 * dispatched to configuration, show and admin. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpm.h"
#include "log.h"

#define CLI_SESSION_IDLE_MS (3600 * 1000)

static struct cli_session *session_get(struct cpm *cpm, uint32_t id)
{
    char k[16];
    snprintf(k, sizeof k, "%u", id);
    return zhashx_lookup(cpm->sessions, k);
}

static struct cli_session *session_new(struct cpm *cpm)
{
    struct cli_session *s = calloc(1, sizeof *s);
    do
        s->id = ++cpm->next_session;
    while (s->id == 0 || session_get(cpm, s->id));
    char k[16];
    snprintf(k, sizeof k, "%u", s->id);
    zhashx_insert(cpm->sessions, k, s);
    return s;
}

static void session_del(struct cpm *cpm, uint32_t id)
{
    char k[16];
    snprintf(k, sizeof k, "%u", id);
    struct cli_session *s = zhashx_lookup(cpm->sessions, k);
    zhashx_delete(cpm->sessions, k);
    free(s);
}

void cli_expire_sessions(struct cpm *cpm)
{
    int64_t now = zclock_mono();
    zlistx_t *keys = zhashx_keys(cpm->sessions);
    for (char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        struct cli_session *s = zhashx_lookup(cpm->sessions, k);
        if (s && now - s->last_used_ms > CLI_SESSION_IDLE_MS)
            session_del(cpm, s->id);
    }
    zlistx_destroy(&keys);
}

void cli_sessions_destroy(struct cpm *cpm)
{
    for (struct cli_session *s = zhashx_first(cpm->sessions); s; s = zhashx_next(cpm->sessions))
        free(s);
    zhashx_destroy(&cpm->sessions);
}

static struct cfg_node *session_ctx(struct cpm *cpm, struct cli_session *s)
{
    if (!s->ctx_id)
        return NULL;
    struct cfg_node *n = cfg_node_by_id(cpm->tree, s->ctx_id);
    if (!n)
        s->ctx_id = 0; /* another session deleted it */
    return n;
}

static void prompt(struct cpm *cpm, struct cli_session *s, char *out, size_t len)
{
    struct cfg_node *ctx = session_ctx(cpm, s);
    char path[256] = "";
    if (ctx)
        cfg_context_path(ctx, path, sizeof path);
    snprintf(out, len, "A:%s%s%s# ", cpm->name, ctx ? ">" : "", path);
}

static bool is_word(const struct token *t, const char *w)
{
    return !t->quoted && strcmp(t->text, w) == 0;
}

/* One request being run: where output goes, and what a query needs to park it. */
struct cli_run {
    struct cpm *cpm;
    struct cli_session *s;
    zframe_t *client;
    bool json;
    const char *line;
    const char *rest;          /* lines after this one */
    struct strbuf *out;
    bool parked;               /* a query took over the request */
};

/* Parks the request on a query to the IOMs (see query.c). */
static int park(struct cli_run *r, const char *what, uint32_t svc, const char *filter,
                show_render_fn *render)
{
    query_start(r->cpm, r->s, r->client, r->json, r->line, r->rest, r->out, 0, what, svc, filter,
                render);
    r->parked = true;
    return 0;
}

/* ---- show ---------------------------------------------------------------- */

static int cli_show(struct cli_run *r, const struct token *t, int n)
{
    struct cpm *cpm = r->cpm;
    struct strbuf *out = r->out;
    bool json = r->json;
    if (n > 0 && is_word(&t[n - 1], "json")) {
        json = r->json = true;
        n--;
    }
    /* state that lives in the IOMs: ask them */
    if (n >= 1 && is_word(&t[0], "port"))
        return park(r, "ports", 0, n >= 2 ? t[1].text : NULL, render_port);
    if (n >= 2 && is_word(&t[0], "router")) {
        bool svc_given = n >= 3 && !is_word(&t[1], "route-table") && !is_word(&t[1], "arp") &&
                         !is_word(&t[1], "neighbor");
        uint32_t svc = svc_given ? (uint32_t)strtoul(t[1].text, NULL, 10) : 0;
        const struct token *w = &t[svc_given ? 2 : 1];
        if (svc_given && (!svc || !cfg_find(cpm->tree, cfg_child(cpm->tree->root, "service"),
                                            "vprn", t[1].text))) {
            sb_printf(out, "Error: service %s is not a VPRN\n", t[1].text);
            return -1;
        }
        if (is_word(w, "route-table"))
            return park(r, "routes", svc, NULL, render_route_table);
        if (is_word(w, "arp"))
            return park(r, "arp", svc, NULL, render_arp);
        if (is_word(w, "neighbor"))
            return park(r, "neighbors", svc, NULL, render_neighbor);
    }
    if (n >= 5 && is_word(&t[0], "service") && is_word(&t[1], "id") && is_word(&t[3], "sap") &&
        is_word(&t[n - 1], "stats"))
        return park(r, "saps", (uint32_t)strtoul(t[2].text, NULL, 10), t[4].text,
                    render_sap_stats);
    if (n >= 2 && is_word(&t[0], "srlab") && is_word(&t[1], "dataplane"))
        return park(r, "counters", 0, NULL, render_dataplane);
    if (n >= 2 && is_word(&t[0], "ip") && is_word(&t[1], "tunnel"))
        return park(r, "tunnels", 0, n >= 3 ? t[2].text : NULL, render_ip_tunnel);
    if (n >= 2 && is_word(&t[0], "ipsec") && is_word(&t[1], "ike-sa"))
        return park(r, "tunnels", 0, NULL, render_ipsec_ike_sa);
    if (n >= 2 && is_word(&t[0], "ipsec") && is_word(&t[1], "lockout"))
        return park(r, "lockout", 0, NULL, render_ipsec_lockout);
    if (n >= 2 && is_word(&t[0], "ipsec") && is_word(&t[1], "tunnel"))
        return park(r, "tunnels", 0, n >= 3 && !is_word(&t[2], "detail") ? t[2].text : NULL,
                    render_ipsec_tunnel);
    struct json j;
    json_init(&j);
    struct json *jp = json ? &j : NULL;
    int rc = 0;
    if (n >= 1 && is_word(&t[0], "card")) {
        rc = show_card(cpm, out, jp);
    } else if (n >= 1 && is_word(&t[0], "mda")) {
        rc = show_mda(cpm, out, jp);
    } else if (n >= 2 && is_word(&t[0], "isa") && is_word(&t[1], "tunnel-group")) {
        const char *group = n >= 3 && !is_word(&t[2], "detail") ? t[2].text : NULL;
        bool detail = n >= 3 && is_word(&t[n - 1], "detail");
        rc = show_isa_tunnel_group(cpm, group, detail, out, jp);
    } else if (n >= 2 && is_word(&t[0], "router") && is_word(&t[1], "interface")) {
        rc = show_router_interface(cpm, NULL, out, jp);
    } else if (n >= 3 && is_word(&t[0], "router") && is_word(&t[2], "interface")) {
        rc = show_router_interface(cpm, t[1].text, out, jp);
    } else if (n >= 2 && is_word(&t[0], "service") && is_word(&t[1], "service-using")) {
        rc = show_service_using(cpm, n >= 3 ? t[2].text : NULL, out, jp);
    } else if (n >= 1 && is_word(&t[0], "debug")) {
        char *text = cfg_debug_display(cpm->tree);
        sb_puts(out, text);
        free(text);
    } else if (n >= 3 && is_word(&t[0], "service") && is_word(&t[1], "id") &&
               is_word(&t[3 < n ? 3 : 2], "base")) {
        rc = show_service_base(cpm, t[2].text, out, jp);
    } else if (n >= 2 && is_word(&t[0], "ipsec") && is_word(&t[1], "gateway")) {
        const char *name = n >= 3 && !is_word(&t[2], "tunnel") ? t[2].text : NULL;
        rc = show_ipsec_gateway(cpm, name, is_word(&t[n - 1], "tunnel") && n >= 3, out, jp);
    } else if (n >= 2 && is_word(&t[0], "ipsec") && is_word(&t[1], "session-log")) {
        int max = n >= 3 ? atoi(t[2].text) : 50;
        rc = show_ipsec_session_log(cpm, max > 0 && max <= 100000 ? max : 50, out, jp);
    } else if (n >= 5 && is_word(&t[0], "redundancy") && is_word(&t[1], "multi-chassis") &&
               is_word(&t[2], "mc-ipsec") && is_word(&t[3], "peer")) {
        const char *group = n >= 7 && is_word(&t[5], "tunnel-group") ? t[6].text : NULL;
        if (n != 5 && !(n == 7 && group)) {
            sb_puts(out, "Error: show redundancy multi-chassis mc-ipsec peer ADDRESS "
                         "[tunnel-group ID]\n");
            rc = -1;
        } else {
            rc = show_mc_ipsec_peer(cpm, t[4].text, group, out, jp);
        }
    } else if (n >= 3 && is_word(&t[0], "redundancy") && is_word(&t[1], "multi-chassis") &&
               is_word(&t[2], "sync")) {
        if (n != 3 && !(n == 5 && is_word(&t[3], "peer"))) {
            sb_puts(out, "Error: show redundancy multi-chassis sync [peer ADDRESS]\n");
            rc = -1;
        } else {
            rc = show_mc_sync(cpm, n == 5 ? t[4].text : NULL, out, jp);
        }
    } else if (n >= 1 && is_word(&t[0], "log")) {
        show_log(cpm, out, jp, 500);
    } else if (n >= 2 && is_word(&t[0], "srlab") && is_word(&t[1], "processes")) {
        rc = show_processes(cpm, out, jp);
    } else if (n >= 2 && is_word(&t[0], "srlab") && is_word(&t[1], "bus")) {
        rc = show_bus(cpm, out, jp);
    } else {
        sb_printf(out, "Error: unknown show command '%s'. Known: show card, show mda, show port "
                  "[PORT], show isa tunnel-group [N] [detail], show ip tunnel [NAME], show ipsec tunnel [NAME] | ike-sa | gateway [NAME] [tunnel] | session-log [N] | lockout, show router [SVC] interface | "
                  "route-table | arp | neighbor, show service service-using [ies|vprn], show "
                  "service id N base, show service id N sap SAP stats, show debug, show log "
                  "log-id 99, show redundancy multi-chassis mc-ipsec peer ADDRESS [tunnel-group ID] | sync [peer "
                  "ADDRESS], show srlab processes | bus | dataplane\n", n ? t[0].text : "");
        rc = -1;
    }
    if (json) {
        char *text = json_take(&j);
        if (rc == 0)
            sb_puts(out, text);
        free(text);
    } else {
        sb_free(&j.sb);
    }
    return rc;
}

/* ---- admin ---------------------------------------------------------------- */

static char *display_config(struct cpm *cpm)
{
    char banner[160];
    snprintf(banner, sizeof banner, "# srlab: emulated Nokia 7750 SR, chassis %s\n", cpm->name);
    return cfg_display(cpm->tree, banner);
}

static int cli_admin(struct cpm *cpm, const struct token *t, int n, struct strbuf *out)
{
    if (n == 1 && is_word(&t[0], "display-config")) {
        char *text = display_config(cpm);
        sb_puts(out, text);
        free(text);
        return 0;
    }
    if (n >= 1 && n <= 2 && is_word(&t[0], "save")) {
        char *path = n == 2 ? (t[1].text[0] == '/' ? strdup(t[1].text)
                                                   : zsys_sprintf("%s/%s", cpm->rundir, t[1].text))
                            : zsys_sprintf("%s/config.cfg", cpm->rundir);
        char *text = display_config(cpm);
        char *tmp = zsys_sprintf("%s.tmp", path);
        FILE *f = fopen(tmp, "w");
        int rc = -1;
        if (f && fputs(text, f) >= 0 && fclose(f) == 0 && rename(tmp, path) == 0) {
            sb_printf(out, "Writing configuration to %s\nSaving configuration .... "
                      "Completed.\n", path);
            rc = 0;
        } else {
            sb_printf(out, "Error: could not write %s: %s\n", path, strerror(errno));
            unlink(tmp);
        }
        free(text);
        free(tmp);
        free(path);
        return rc;
    }
    sb_puts(out, "Error: known admin commands: admin display-config, admin save [FILE], admin ipsec "
                 "display-keys [TUNNEL]\n");
    return -1;
}

/* ---- tools perform ---------------------------------------------------------- */

static int cli_tools(struct cpm *cpm, const struct token *t, int n, struct strbuf *out)
{
    /* perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group ID [now] */
    static const char *const path[] = { "perform", "redundancy", "multi-chassis", "mc-ipsec",
                                        "force-switchover", "tunnel-group" };
    bool ok = n == 7 || (n == 8 && is_word(&t[7], "now"));
    for (int i = 0; ok && i < 6; i++)
        ok = is_word(&t[i], path[i]);
    char *end = NULL;
    unsigned long group = ok ? strtoul(t[6].text, &end, 10) : 0;
    if (!ok || !end || *end || group < 1 || group > 16) {
        sb_puts(out, "Error: known tools commands: tools perform redundancy multi-chassis "
                     "mc-ipsec force-switchover tunnel-group <1..16> [now]\n");
        return -1;
    }
    return mc_force_switchover(cpm, (unsigned)group, n == 8, out);
}

/* ---- configuration lines --------------------------------------------------- */

static int cli_config(struct cpm *cpm, struct cli_session *s, const struct token *t, int n,
                      struct strbuf *out)
{
    struct cfg_node *ctx = session_ctx(cpm, s);
    uint64_t before = s->ctx_id;
    struct cfg_txn *txn = cfg_txn_begin(cpm->tree);
    struct cfg_error err = { 0 };
    if (cfg_apply_tokens(txn, &ctx, t, n, 1, &err) != 0) {
        cfg_txn_rollback(&txn);
        cpm->config_rejects++;
        goto fail;
    }
    uint64_t after = ctx ? ctx->id : 0;
    if (cpm_commit(cpm, &txn, "cli", &err) != 0) {
        s->ctx_id = before; /* what the line created is gone again */
        goto fail;
    }
    s->ctx_id = after;
    return 0;
fail:
    sb_printf(out, "Error: %s%s%s\n", err.word[0] ? "'" : "", err.word,
              err.word[0] ? "': " : "");
    sb_printf(out, "%s\n", err.reason);
    return -1;
}

static int exec_line(struct cli_run *r)
{
    struct cpm *cpm = r->cpm;
    struct cli_session *s = r->s;
    struct strbuf *out = r->out;
    const char *line = r->line;
    char buf[CLI_MAX_LINE], err[256];
    struct token t[CLI_MAX_TOKENS];
    if (strlen(line) >= CLI_MAX_LINE) {
        sb_printf(out, "Error: line longer than %d characters\n", CLI_MAX_LINE - 1);
        return -1;
    }
    int n = cli_tokenize(line, buf, sizeof buf, t, CLI_MAX_TOKENS, err, sizeof err);
    if (n < 0) {
        sb_printf(out, "Error: %s\n", err);
        return -1;
    }
    if (n == 0)
        return 0;
    if (is_word(&t[0], "show"))
        return cli_show(r, t + 1, n - 1);
    if (n >= 3 && is_word(&t[0], "admin") && is_word(&t[1], "ipsec") && is_word(&t[2], "display-keys")) {
        r->json = r->json || is_word(&t[n - 1], "json");
        return park(r, "keys", 0,
                    n >= 4 && !is_word(&t[3], "json") && !is_word(&t[3], "wireshark") ? t[3].text : NULL,
                    render_ipsec_keys);
    }
    if (is_word(&t[0], "admin"))
        return cli_admin(cpm, t + 1, n - 1, out);
    if (is_word(&t[0], "tools"))
        return cli_tools(cpm, t + 1, n - 1, out);
    if (n >= 3 && is_word(&t[0], "clear") && is_word(&t[1], "ipsec") && is_word(&t[2], "lockout"))
        return park(r, "clear-lockout", 0, n >= 4 ? t[3].text : NULL, render_ipsec_lockout);
    if (is_word(&t[0], "environment"))
        return 0; /* terminal settings: nothing to do here */
    if (is_word(&t[0], "info")) {
        struct cfg_node *ctx = session_ctx(cpm, s);
        if (!ctx) {
            sb_puts(out, "Error: 'info' works inside 'configure'\n");
            return -1;
        }
        char *text = cfg_info(ctx);
        sb_puts(out, text);
        free(text);
        return 0;
    }
    return cli_config(cpm, s, t, n, out);
}

/* ---- requests --------------------------------------------------------------- */

static void reply(struct cpm *cpm, zframe_t *identity, uint32_t session, int status,
                  const char *output, const char *prompt_text)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__CliReply r = SRLAB__CLI_REPLY__INIT;
    r.session = session;
    r.status = status;
    r.output = (char *)(output ? output : "");
    r.prompt = (char *)(prompt_text ? prompt_text : "");
    env.body_case = SRLAB__ENVELOPE__BODY_CLI_REPLY;
    env.cli_reply = &r;
    bus_send(cpm->cli, identity, &env, &cpm->cli_stats);
}

/* Runs input's lines in order; the first error stops them. Returns true
 * when a line parked the request on a query (the reply is sent later). */
static bool run_lines(struct cpm *cpm, struct cli_session *s, zframe_t *client, bool json,
                      const char *input, struct strbuf *out, int *status)
{
    char *copy = strdup(input);
    char *line = copy;
    bool parked = false;
    while (line && *status == 0) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        struct cli_run r = { .cpm = cpm, .s = s, .client = client, .json = json, .line = line,
                             .rest = nl ? nl + 1 : "", .out = out };
        if (exec_line(&r) != 0)
            *status = 1;
        if (r.parked) {
            parked = true;
            break;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    return parked;
}

void cli_resume(struct cpm *cpm, zframe_t *client, uint32_t sid, bool json, const char *rest,
                struct strbuf *out, int status)
{
    struct cli_session *s = session_get(cpm, sid);
    char pr[300] = "";
    if (s && status == 0 && rest && *rest && run_lines(cpm, s, client, json, rest, out, &status))
        return;
    if (s)
        prompt(cpm, s, pr, sizeof pr);
    reply(cpm, client, sid, status, out->s, pr);
}

static int run_file(struct cpm *cpm, const char *text, bool check_only, struct strbuf *out)
{
    struct cfg_txn *txn = cfg_txn_begin(cpm->tree);
    struct cfg_error err = { 0 };
    char msg[512];
    if (cfg_apply_text(txn, text, &err) != 0) {
        cfg_txn_rollback(&txn);
        cpm->config_rejects++;
        goto fail;
    }
    if (check_only) {
        int rc = cfg_validate(txn, cpm_oper(cpm), &err);
        cfg_txn_rollback(&txn);
        if (rc != 0)
            goto fail;
        sb_puts(out, "Configuration is valid.\n");
        return 0;
    }
    if (cpm_commit(cpm, &txn, "config-file", &err) != 0)
        goto fail;
    sb_printf(out, "Configuration applied (generation %lu).\n", (unsigned long)cpm->generation);
    return 0;
fail:
    cfg_error_format(&err, msg, sizeof msg);
    sb_printf(out, "Error: %s\nNothing was changed.\n", msg);
    return -1;
}

static void reply_status(struct cpm *cpm, zframe_t *identity)
{
    size_t n = zhashx_size(cpm->cards), i = 0;
    Srlab__CardStatus *st = calloc(n ? n : 1, sizeof *st);
    Srlab__CardStatus **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    for (struct card_proc *c = zhashx_first(cpm->cards); c && i < n; c = zhashx_next(cpm->cards)) {
        srlab__card_status__init(&st[i]);
        st[i].name = c->identity;
        st[i].pid = (uint32_t)c->pid;
        st[i].state = (char *)card_state_name(c->state);
        st[i].reason = c->down_reason;
        st[i].acked_generation = c->acked_generation;
        ptrs[i] = &st[i];
        i++;
    }
    Srlab__CpmStatus s = SRLAB__CPM_STATUS__INIT;
    s.chassis = cpm->name;
    s.cpm_pid = (uint32_t)getpid();
    s.generation = cpm->generation;
    s.cards = ptrs;
    s.n_cards = i;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CPM_STATUS;
    env.cpm_status = &s;
    bus_send(cpm->cli, identity, &env, &cpm->cli_stats);
    free(ptrs);
    free(st);
}

void cli_on_request(struct cpm *cpm, zframe_t *identity, bus_msg_t *env)
{
    if (env->body_case == SRLAB__ENVELOPE__BODY_CPM_STATUS_REQUEST) {
        reply_status(cpm, identity);
        return;
    }
    if (env->body_case != SRLAB__ENVELOPE__BODY_CLI_REQUEST) {
        cpm->cli_stats.unknown++;
        log_warn("cli_unexpected", "body=%s", bus_body_name(env->body_case));
        return;
    }
    const Srlab__CliRequest *req = env->cli_request;
    const char *input = req->input ? req->input : "";
    struct strbuf out;
    sb_init(&out);
    char pr[300] = "";
    int status = 0;
    uint32_t sid = req->session;

    switch (req->mode) {
    case SRLAB__CLI_MODE__CLI_CLOSE:
        session_del(cpm, sid);
        break;
    case SRLAB__CLI_MODE__CLI_TRANSACTION:
    case SRLAB__CLI_MODE__CLI_CHECK:
        status = run_file(cpm, input, req->mode == SRLAB__CLI_MODE__CLI_CHECK, &out) ? 1 : 0;
        break;
    case SRLAB__CLI_MODE__CLI_LINE:
    default: {
        struct cli_session *s = sid ? session_get(cpm, sid) : NULL;
        if (!s)
            s = session_new(cpm);
        sid = s->id;
        s->last_used_ms = zclock_mono();
        if (run_lines(cpm, s, identity, req->json, input, &out, &status)) {
            sb_free(&out);
            return; /* parked: the reply comes when the query is answered */
        }
        prompt(cpm, s, pr, sizeof pr);
        break;
    }
    }
    reply(cpm, identity, sid, status, out.s, pr);
    sb_free(&out);
}

/* cpm: configuration, CLI, card inventory and health of one chassis.
 *
 *   cpm --rundir DIR --name CHASSIS [--startup FILE]
 *   cpm --check FILE        parse and validate a configuration file, then exit
 *
 * On start it loads the configuration from DIR/config.db; when that holds
 * nothing yet, it applies the startup file as one transaction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpm.h"
#include "log.h"

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    struct strbuf sb;
    sb_init(&sb);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > (64u << 20)) {
            snprintf(err, errlen, "%s: larger than 64 MiB", path);
            fclose(f);
            sb_free(&sb);
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            sb_putc(&sb, buf[i] ? buf[i] : '\x01'); /* a NUL byte is rejected by the parser */
    }
    fclose(f);
    return sb_take(&sb);
}

static int check_file(const char *path)
{
    char err[512];
    char *text = read_file(path, err, sizeof err);
    if (!text) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct cfg_tree *tree = cfg_tree_new();
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    int rc = cfg_apply_text(txn, text, &e);
    if (rc == 0)
        rc = cfg_validate(txn, NULL, &e);
    cfg_txn_rollback(&txn);
    cfg_tree_free(&tree);
    free(text);
    if (rc != 0) {
        cfg_error_format(&e, err, sizeof err);
        fprintf(stderr, "%s: %s\n", path, err);
        return 1;
    }
    return 0;
}

static int on_bus(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct cpm *cpm = arg;
    zframe_t *identity = NULL;
    bus_msg_t *env = bus_recv(sock, &identity, &cpm->bus_stats);
    if (env && env->body_case == SRLAB__ENVELOPE__BODY_QUERY_REPLY)
        query_on_reply(cpm, &env); /* takes env */
    else if (env)
        cards_on_message(cpm, identity, env);
    bus_free(&env);
    zframe_destroy(&identity);
    return 0;
}

static int on_cli(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct cpm *cpm = arg;
    zframe_t *identity = NULL;
    bus_msg_t *env = bus_recv(sock, &identity, &cpm->cli_stats);
    if (env)
        cli_on_request(cpm, identity, env);
    bus_free(&env);
    zframe_destroy(&identity);
    return 0;
}

static int on_health(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct cpm *cpm = arg;
    /* Heartbeats queued while cpm was busy (a large commit) prove the cards
     * alive: read them before judging anyone dead. */
    for (int i = 0; i < 100000 && (zsock_events(cpm->bus) & ZMQ_POLLIN); i++)
        on_bus(loop, cpm->bus, cpm);
    ipsec_session_flush(cpm);
    cards_health_tick(cpm);
    query_tick(cpm);
    tgm_tick(cpm);
    if (cpm->state_changed) {
        cpm->state_changed = false;
        cards_push_all(cpm, false);
    }
    return 0;
}

static int on_housekeeping(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    cli_expire_sessions(arg);
    return 0;
}

static int apply_startup(struct cpm *cpm, const char *path)
{
    char err[512];
    char *text = read_file(path, err, sizeof err);
    if (!text) {
        log_error("startup_config_failed", "reason=%s", log_q(err));
        return -1;
    }
    struct cfg_txn *txn = cfg_txn_begin(cpm->tree);
    struct cfg_error e = { 0 };
    int rc = cfg_apply_text(txn, text, &e);
    free(text);
    if (rc != 0) {
        cfg_txn_rollback(&txn);
    } else {
        rc = cpm_commit(cpm, &txn, "startup", &e);
    }
    if (rc != 0) {
        cfg_error_format(&e, err, sizeof err);
        log_error("startup_config_failed", "file=%s reason=%s", log_q(path), log_q(err));
        fprintf(stderr, "cpm: %s: %s\n", path, err);
        return -1;
    }
    eventlog_add(cpm, EV_MINOR, "SYSTEM", 2006, "Base", "startup configuration %s loaded", path);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "rundir", required_argument, NULL, 'r' }, { "name", required_argument, NULL, 'n' },
        { "startup", required_argument, NULL, 's' }, { "check", required_argument, NULL, 'c' },
        { "schema", no_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 },
    };
    const char *rundir = NULL, *name = NULL, *startup = NULL, *check = NULL;
    bool dump_schema = false;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rundir = optarg; break;
        case 'n': name = optarg; break;
        case 's': startup = optarg; break;
        case 'c': check = optarg; break;
        case 'S': dump_schema = true; break;
        default: return 2;
        }
    }
    char err[512];
    if (schema_init(err, sizeof err) != 0) {
        fprintf(stderr, "cpm: %s\n", err);
        return 2;
    }
    if (check)
        return check_file(check);
    if (dump_schema) {
        char *text = schema_dump();
        fputs(text, stdout);
        free(text);
        return 0;
    }
    if (!rundir || !name) {
        fprintf(stderr, "usage: cpm --rundir DIR --name CHASSIS [--startup FILE]\n"
                        "       cpm --check FILE\n       cpm --schema\n");
        return 2;
    }

    struct cpm cpm = { 0 };
    cpm.rundir = strdup(rundir);
    cpm.name = strdup(name);
    char *logdir = zsys_sprintf("%s/log", rundir);
    mkdir(logdir, 0700);
    char *logpath = zsys_sprintf("%s/cpm.log", logdir);
    log_open("cpm", logpath);
    zstr_free(&logpath);
    zstr_free(&logdir);
    zsys_set_logstream(NULL);
    cpm.started_ms = (uint64_t)zclock_time();

    int rc = 1;
    char *dbpath = zsys_sprintf("%s/config.db", rundir);
    cpm.store = cfg_store_open(dbpath, err, sizeof err);
    zstr_free(&dbpath);
    if (!cpm.store || eventlog_init(&cpm) != 0 || session_log_init(&cpm) != 0) {
        log_error("store_open_failed", "reason=%s", log_q(err));
        fprintf(stderr, "cpm: %s\n", err);
        goto out;
    }
    cpm.tree = cfg_tree_new();
    if (cfg_store_load(cpm.store, cpm.tree, &cpm.generation, err, sizeof err) != 0) {
        log_error("config_load_failed", "reason=%s", log_q(err));
        fprintf(stderr, "cpm: %s\n", err);
        goto out;
    }
    cards_init(&cpm);
    cpm.sessions = zhashx_new();
    cpm.tunnel_up = zhashx_new();

    cpm.bus = zsock_new(ZMQ_ROUTER);
    cpm.cli = zsock_new(ZMQ_ROUTER);
    zsock_set_router_handover(cpm.bus, 1);
    zsock_set_linger(cpm.bus, 0);
    zsock_set_linger(cpm.cli, 0);
    zsock_set_maxmsgsize(cpm.bus, BUS_MAX_MSG);
    zsock_set_maxmsgsize(cpm.cli, BUS_MAX_MSG);
    if (zsock_bind(cpm.bus, "ipc://%s/cpm.sock", rundir) != 0 ||
        zsock_bind(cpm.cli, "ipc://%s/cli.sock", rundir) != 0) {
        log_error("bind_failed", "rundir=%s", log_q(rundir));
        fprintf(stderr, "cpm: cannot bind sockets under %s\n", rundir);
        goto out;
    }
    if (cpm.generation > 0) {
        log_info("config_loaded", "generation=%lu source=store", (unsigned long)cpm.generation);
        eventlog_add(&cpm, EV_MINOR, "SYSTEM", 2007, "Base",
                     "cpm restarted: configuration generation %lu loaded from the store",
                     (unsigned long)cpm.generation);
    } else if (startup && apply_startup(&cpm, startup) != 0) {
        rc = 3;
        goto out;
    }
    cpm.loop = zloop_new();
    zloop_reader(cpm.loop, cpm.bus, on_bus, &cpm);
    zloop_reader(cpm.loop, cpm.cli, on_cli, &cpm);
    zloop_timer(cpm.loop, CPM_HEALTH_TICK_MS, 0, on_health, &cpm);
    zloop_timer(cpm.loop, 60000, 0, on_housekeeping, &cpm);
    log_info("started", "name=%s pid=%d generation=%lu", log_q(name), (int)getpid(),
             (unsigned long)cpm.generation);
    zloop_start(cpm.loop);
    log_info("stopping", "reason=signal");
    rc = 0;
out:
    zloop_destroy(&cpm.loop);
    zsock_destroy(&cpm.bus);
    zsock_destroy(&cpm.cli);
    if (cpm.cards)
        cards_destroy(&cpm);
    if (cpm.sessions)
        cli_sessions_destroy(&cpm);
    query_destroy_all();
    if (cpm.store)
        ipsec_session_flush(&cpm);
    ipsec_state_destroy();
    tgm_destroy();
    mc_destroy(&cpm);
    zhashx_destroy(&cpm.tunnel_up);
    cfg_tree_free(&cpm.tree);
    cfg_store_close(&cpm.store);
    free(cpm.rundir);
    free(cpm.name);
    log_close();
    return rc;
}

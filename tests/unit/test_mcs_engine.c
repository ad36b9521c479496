/* Two mcs engines against each other over loopback (127.0.N.1 and
 * 127.0.N.2, a different N per test), with test DEALERs standing in for
 * their ISAs and a hook standing in for cpm: election, MCS sync of a record
 * to the standby's ISA, forced switchover, peer loss and restart, BFD, and
 * hostile MIMP/MCS input. Every wait has a generous deadline and no test
 * asserts how long anything took. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mcs/mcs.h"

#define DEADLINE_MS 20000

struct side {
    struct mcs *m;
    char dir[64];
    char src[32], peer[32];
    zsock_t *isa;              /* stands in for isa-1/2 */
    /* what cpm would have seen */
    char state[16], reason[96], sync_state[16], protection[16];
    bool reachable, reply_ok, have_reply;
    char bfd_state[16];
    uint32_t entries_local, entries_peer, installed;
    zlistx_t *events;          /* event texts */
    /* what the ISA saw */
    zlistx_t *isa_keys;        /* keys of records received */
    int isa_requests;
};

static void hook(void *arg, bus_msg_t *env)
{
    struct side *s = arg;
    if (env->body_case == SRLAB__ENVELOPE__BODY_MCS_STATE) {
        const Srlab__McsState *st = env->mcs_state;
        snprintf(s->sync_state, sizeof s->sync_state, "%s", st->sync_state);
        snprintf(s->bfd_state, sizeof s->bfd_state, "%s", st->bfd_state);
        s->reachable = st->peer_reachable;
        s->entries_local = st->entries_local;
        s->entries_peer = st->entries_peer;
        if (st->n_groups) {
            snprintf(s->state, sizeof s->state, "%s", st->groups[0]->state);
            snprintf(s->reason, sizeof s->reason, "%s", st->groups[0]->reason);
            snprintf(s->protection, sizeof s->protection, "%s", st->groups[0]->protection);
            s->installed = st->groups[0]->installed;
        }
    } else if (env->body_case == SRLAB__ENVELOPE__BODY_CARD_EVENT) {
        cr_expect_str_eq(env->card_event->application, "MC_REDUNDANCY");
        zlistx_add_end(s->events, env->card_event->text);
    } else if (env->body_case == SRLAB__ENVELOPE__BODY_MC_COMMAND_REPLY) {
        s->have_reply = true;
        s->reply_ok = env->mc_command_reply->ok;
    }
}

static bool saw_event(struct side *s, const char *text)
{
    for (const char *e = zlistx_first(s->events); e; e = zlistx_next(s->events))
        if (strstr(e, text))
            return true;
    return false;
}

static void configure(struct side *s, uint32_t priority, bool bfd, bool with_tunnel)
{
    Srlab__McGroupConfig g = SRLAB__MC_GROUP_CONFIG__INIT;
    g.group = 1;
    g.peer_group = 1;
    g.priority = priority;
    g.admin_up = true;
    g.sync_tag = "tag1";
    Srlab__McGroupConfig *gs[] = { &g };
    Srlab__McPeerConfig p = SRLAB__MC_PEER_CONFIG__INIT;
    p.peer = s->peer;
    p.source_address = s->src;
    p.admin_up = true;
    p.mc_ipsec = true;
    p.bfd = bfd;
    p.discovery_s = 1;
    p.discovery_boot_s = 1;
    p.keepalive_ds = 5;
    p.hold = 2;
    p.groups = gs;
    p.n_groups = 1;
    p.sync_ipsec = true;
    p.sync_admin_up = true;
    Srlab__McPeerConfig *ps[] = { &p };
    Srlab__TunnelGroupConfig tg = SRLAB__TUNNEL_GROUP_CONFIG__INIT;
    char *isas[] = { "1/2" };
    tg.id = 1;
    tg.admin_up = true;
    tg.oper_up = true;
    tg.active_isas = isas;
    tg.n_active_isas = 1;
    tg.mc_ipsec = true;
    Srlab__TunnelGroupConfig *tgs[] = { &tg };
    Srlab__IpsecTunnelConfig t = SRLAB__IPSEC_TUNNEL_CONFIG__INIT;
    t.name = "tun1";
    t.tunnel_group = 1;
    t.isa = "1/2";
    Srlab__IpsecTunnelConfig *ts[] = { &t };
    Srlab__CardConfig cfg = SRLAB__CARD_CONFIG__INIT;
    cfg.mc_peers = ps;
    cfg.n_mc_peers = 1;
    cfg.tunnel_groups = tgs;
    cfg.n_tunnel_groups = 1;
    cfg.ipsec_tunnels = ts;
    cfg.n_ipsec_tunnels = with_tunnel ? 1 : 0;
    char err[256] = "";
    cr_assert_eq(mcs_apply_config(s->m, &cfg, err, sizeof err), 0, "%s", err);
}

static void side_start(struct side *s, zloop_t *loop, int net, int host, int peer_host)
{
    if (!s->events) {
        s->events = zlistx_new();
        zlistx_set_duplicator(s->events, (zlistx_duplicator_fn *)strdup);
        zlistx_set_destructor(s->events, (zlistx_destructor_fn *)zstr_free);
        s->isa_keys = zlistx_new();
        zlistx_set_duplicator(s->isa_keys, (zlistx_duplicator_fn *)strdup);
        zlistx_set_destructor(s->isa_keys, (zlistx_destructor_fn *)zstr_free);
        snprintf(s->dir, sizeof s->dir, "/tmp/mcs-test.XXXXXX");
        cr_assert_not_null(mkdtemp(s->dir));
    }
    snprintf(s->src, sizeof s->src, "127.0.%d.%d", net, host);
    snprintf(s->peer, sizeof s->peer, "127.0.%d.%d", net, peer_host);
    s->m = mcs_new(loop, s->dir, NULL);
    cr_assert_not_null(s->m);
    mcs_set_cpm_hook(s->m, hook, s);
    if (!s->isa) {
        s->isa = zsock_new(ZMQ_DEALER);
        zsock_set_identity(s->isa, "isa-1/2");
        zsock_set_linger(s->isa, 0);
        cr_assert_eq(zsock_connect(s->isa, "ipc://%s/mcs-sync.sock", s->dir), 0);
    }
}

static void side_stop(struct side *s)
{
    mcs_destroy(&s->m);
}

static void side_free(struct side *s)
{
    side_stop(s);
    zsock_destroy(&s->isa);
    zlistx_destroy(&s->events);
    zlistx_destroy(&s->isa_keys);
    char path[128];
    snprintf(path, sizeof path, "%s/mcs-sync.sock", s->dir);
    unlink(path);
    rmdir(s->dir);
}

/* What the stand-in ISA received. */
static void isa_drain(struct side *s)
{
    while (s->isa && (zsock_events(s->isa) & ZMQ_POLLIN)) {
        struct bus_stats st = { 0 };
        bus_msg_t *env = bus_recv(s->isa, NULL, &st);
        if (!env)
            continue;
        if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_BATCH)
            for (size_t i = 0; i < env->sync_batch->n_sas; i++)
                zlistx_add_end(s->isa_keys, env->sync_batch->sas[i]->key);
        else if (env->body_case == SRLAB__ENVELOPE__BODY_SYNC_REQUEST)
            s->isa_requests++;
        bus_free(&env);
    }
}

static bool isa_got(struct side *s, const char *key)
{
    for (const char *k = zlistx_first(s->isa_keys); k; k = zlistx_next(s->isa_keys))
        if (strcmp(k, key) == 0)
            return true;
    return false;
}

typedef bool(cond_fn)(void *arg);
struct wait {
    cond_fn *cond;
    void *arg;
    bool met;
    struct side *drain[2];
};

static int on_check(zloop_t *loop, int id, void *arg)
{
    (void)loop;
    (void)id;
    struct wait *w = arg;
    for (int i = 0; i < 2; i++)
        if (w->drain[i])
            isa_drain(w->drain[i]);
    w->met = w->cond(w->arg);
    return w->met ? -1 : 0;
}

static int on_deadline(zloop_t *loop, int id, void *arg)
{
    (void)loop;
    (void)id;
    (void)arg;
    return -1;
}

/* Runs the loop until cond holds (true) or the deadline passes (false). */
static bool run_until(zloop_t *loop, cond_fn *cond, void *arg, struct side *a, struct side *b)
{
    struct wait w = { cond, arg, false, { a, b } };
    int t1 = zloop_timer(loop, 5, 0, on_check, &w);
    int t2 = zloop_timer(loop, DEADLINE_MS, 1, on_deadline, NULL);
    zloop_start(loop);
    zloop_timer_end(loop, t1);
    zloop_timer_end(loop, t2);
    return w.met;
}

struct pair {
    struct side a, b;
};

static bool master_standby(void *arg)
{
    struct pair *p = arg;
    return strcmp(p->a.state, "master") == 0 && strcmp(p->b.state, "standby") == 0 &&
           strcmp(p->a.sync_state, "in-sync") == 0 && strcmp(p->b.sync_state, "in-sync") == 0;
}

static bool standby_master(void *arg)
{
    struct pair *p = arg;
    return strcmp(p->a.state, "standby") == 0 && strcmp(p->b.state, "master") == 0 &&
           strcmp(p->a.sync_state, "in-sync") == 0 && strcmp(p->b.sync_state, "in-sync") == 0;
}

static bool b_has_record(void *arg)
{
    struct pair *p = arg;
    return isa_got(&p->b, "tunnel tun1") && p->b.entries_peer == 1 && p->a.entries_local == 1;
}

static bool b_installed(void *arg)
{
    struct pair *p = arg;
    return p->b.installed == 1 && strcmp(p->b.protection, "nominal") == 0 &&
           strcmp(p->a.protection, "nominal") == 0;
}

static bool after_takeover(void *arg)
{
    struct pair *p = arg;
    /* MIMP and MCS arrive on different sockets: wait for both effects */
    return standby_master(arg) && p->b.entries_local == 1 && p->a.entries_local == 0 &&
           p->a.entries_peer == 1;
}

static void isa_send_record(struct side *s, const char *key, uint64_t version)
{
    Srlab__SyncIkeSa sa = SRLAB__SYNC_IKE_SA__INIT;
    Srlab__SyncIkeSa *sas[] = { &sa };
    sa.key = (char *)key;
    sa.group = 1;
    sa.tunnel = "tun1";
    sa.version = version;
    sa.spi_i = 0x1122334455667788ull;
    Srlab__SyncBatch batch = SRLAB__SYNC_BATCH__INIT;
    batch.sas = sas;
    batch.n_sas = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_BATCH;
    env.sync_batch = &batch;
    cr_assert_eq(bus_send(s->isa, NULL, &env, NULL), 0);
}

static void isa_send_installed(struct side *s, const char *key)
{
    Srlab__SyncResult r = SRLAB__SYNC_RESULT__INIT;
    char *keys[] = { (char *)key };
    r.installed = keys;
    r.n_installed = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_RESULT;
    env.sync_result = &r;
    cr_assert_eq(bus_send(s->isa, NULL, &env, NULL), 0);
}

static void quiet_log(void)
{
    log_open("test", "/dev/null");
}

TestSuite(mcs_engine, .init = quiet_log, .fini = log_close, .timeout = 120);

Test(mcs_engine, elect_sync_install_and_forced_switchover)
{
    zloop_t *loop = zloop_new();
    struct pair p = { 0 };
    side_start(&p.a, loop, 41, 1, 2);
    side_start(&p.b, loop, 41, 2, 1);
    configure(&p.a, 200, false, true);
    configure(&p.b, 100, false, true);
    cr_assert(run_until(loop, master_standby, &p, &p.a, &p.b), "a %s b %s sync %s/%s", p.a.state,
              p.b.state, p.a.sync_state, p.b.sync_state);
    cr_expect(p.a.reachable && p.b.reachable);
    cr_expect(saw_event(&p.a, "to master: higher priority 200 > 100"));
    /* b decides on a's first MIMP: a is master already by then, or not yet */
    cr_expect(saw_event(&p.b, "to standby: lower priority 100 < 200") ||
              saw_event(&p.b, "to standby: stickiness"));
    cr_expect(p.a.isa_requests >= 1, "the master asks its ISA for its records");

    /* the master's ISA sends a record: it reaches the standby's ISA */
    isa_send_record(&p.a, "tunnel tun1", 1);
    cr_assert(run_until(loop, b_has_record, &p, &p.a, &p.b), "b isa got=%d peer=%u",
              isa_got(&p.b, "tunnel tun1"), p.b.entries_peer);
    cr_expect_str_eq(p.b.protection, "not-ready"); /* installing */
    isa_send_installed(&p.b, "tunnel tun1");
    cr_assert(run_until(loop, b_installed, &p, &p.a, &p.b), "b installed=%u protection %s/%s",
              p.b.installed, p.a.protection, p.b.protection);

    /* refused where it makes no sense, accepted on the master */
    Srlab__McCommand cmd = SRLAB__MC_COMMAND__INIT;
    cmd.verb = "switchover";
    cmd.group = 1;
    mcs_on_command(p.b.m, &cmd);
    cr_expect(p.b.have_reply && !p.b.reply_ok);
    mcs_on_command(p.a.m, &cmd);
    cr_expect(p.a.have_reply && p.a.reply_ok);
    cr_assert(run_until(loop, after_takeover, &p, &p.a, &p.b), "a %s b %s local %u/%u peer %u",
              p.a.state, p.b.state, p.a.entries_local, p.b.entries_local, p.a.entries_peer);
    cr_expect(saw_event(&p.a, "from master to standby: forced switchover"));
    cr_expect(saw_event(&p.b, "from standby to master: peer standby (forced switchover)"));
    /* and it stays there: the reason shown is the last change's */
    cr_expect_str_eq(p.a.state, "standby");
    cr_expect_str_eq(p.a.reason, "forced switchover");

    side_free(&p.a);
    side_free(&p.b);
    zloop_destroy(&loop);
}

static bool b_alone(void *arg)
{
    struct pair *p = arg;
    return strcmp(p->b.state, "eligible") == 0 && !p->b.reachable;
}

Test(mcs_engine, peer_loss_then_restart_with_full_resync)
{
    zloop_t *loop = zloop_new();
    struct pair p = { 0 };
    side_start(&p.a, loop, 42, 1, 2);
    side_start(&p.b, loop, 42, 2, 1);
    configure(&p.a, 200, false, true);
    configure(&p.b, 100, false, true);
    cr_assert(run_until(loop, master_standby, &p, &p.a, &p.b));
    isa_send_record(&p.a, "tunnel tun1", 1);
    cr_assert(run_until(loop, b_has_record, &p, &p.a, &p.b));

    /* a's mcs dies: b acts as master without peer once keep-alive x hold passes */
    side_stop(&p.a);
    cr_assert(run_until(loop, b_alone, &p, NULL, &p.b), "b %s reachable %d", p.b.state,
              p.b.reachable);
    cr_expect_str_eq(p.b.reason, "peer unreachable (keep-alive)");
    cr_expect(saw_event(&p.b, "from standby to eligible: peer unreachable (keep-alive)"));
    cr_expect_str_eq(p.b.sync_state, "sync-down");

    /* a comes back (new boot id): b stays master by stickiness, a's record
     * arrives back with b's full resync */
    memset(p.a.state, 0, sizeof p.a.state);
    side_start(&p.a, loop, 42, 1, 2);
    configure(&p.a, 200, false, true);
    cr_assert(run_until(loop, standby_master, &p, &p.a, &p.b), "a %s b %s sync %s/%s",
              p.a.state, p.b.state, p.a.sync_state, p.b.sync_state);
    cr_expect_str_eq(p.b.reason, "stickiness");
    cr_expect_eq(p.b.entries_local, 1);
    cr_expect_eq(p.a.entries_peer, 1);
    cr_expect(p.b.m->last_resync_ms > 0 || p.b.m->sync_resyncs >= 2);

    side_free(&p.a);
    side_free(&p.b);
    zloop_destroy(&loop);
}

static bool bfd_up(void *arg)
{
    struct pair *p = arg;
    return master_standby(arg) && strcmp(p->a.bfd_state, "up") == 0 &&
           strcmp(p->b.bfd_state, "up") == 0;
}

Test(mcs_engine, bfd_binds_reachability)
{
    zloop_t *loop = zloop_new();
    struct pair p = { 0 };
    side_start(&p.a, loop, 43, 1, 2);
    side_start(&p.b, loop, 43, 2, 1);
    configure(&p.a, 200, true, true);
    configure(&p.b, 100, true, true);
    cr_assert(run_until(loop, bfd_up, &p, &p.a, &p.b), "a %s/%s b %s/%s", p.a.state,
              p.a.bfd_state, p.b.state, p.b.bfd_state);
    cr_expect(p.a.m->bfd_rx > 0 && p.a.m->bfd_tx > 0);
    side_stop(&p.a);
    cr_assert(run_until(loop, b_alone, &p, NULL, &p.b));
    /* BFD (detect time 300 ms) notices before MIMP (1 s) */
    cr_expect(strstr(p.b.reason, "peer unreachable (") != NULL, "%s", p.b.reason);
    side_free(&p.a);
    side_free(&p.b);
    zloop_destroy(&loop);
}

/* Long work on the loop (a resync of thousands of tunnels takes a few
 * hundred ms), twice BFD's detection time, with the pulses the sync code
 * gives between batches: the peers keep hearing each other and what waited
 * in the sockets counts when the loop comes back. */
static int busy(zloop_t *loop, int id, void *arg)
{
    (void)loop;
    (void)id;
    struct pair *p = arg;
    for (int i = 0; i < 30; i++) {
        zclock_sleep(20);
        mcs_pulse(p->a.m);
        mcs_pulse(p->b.m);
    }
    return -1;
}

static bool settled(void *arg)
{
    (void)arg;
    return false;
}

Test(mcs_engine, long_work_between_pulses_keeps_the_peer)
{
    zloop_t *loop = zloop_new();
    struct pair p = { 0 };
    side_start(&p.a, loop, 46, 1, 2);
    side_start(&p.b, loop, 46, 2, 1);
    configure(&p.a, 200, true, true);
    configure(&p.b, 100, true, true);
    cr_assert(run_until(loop, bfd_up, &p, &p.a, &p.b));
    uint64_t rx_a = p.a.m->bfd_rx, rx_b = p.b.m->bfd_rx;
    zloop_timer(loop, 1, 1, busy, &p);
    /* the loop ends with the busy handler; then a while to take it in */
    zloop_start(loop);
    zloop_timer(loop, 1000, 1, on_deadline, NULL);
    run_until(loop, settled, NULL, &p.a, &p.b);
    cr_expect(p.a.m->bfd_rx > rx_a + 5 && p.b.m->bfd_rx > rx_b + 5, "BFD went on both ways");
    cr_expect(p.a.reachable && p.b.reachable, "peer reachable on both sides");
    cr_expect_str_eq(p.a.state, "master");
    cr_expect_str_eq(p.b.state, "standby");
    cr_expect(!saw_event(&p.a, "unreachable") && !saw_event(&p.b, "unreachable"),
              "no peer loss in the event logs");
    side_free(&p.a);
    side_free(&p.b);
    zloop_destroy(&loop);
}

static bool b_discovery_over(void *arg)
{
    struct side *b = arg;
    return strcmp(b->state, "eligible") == 0 && b->m->s.listen_fd >= 0;
}

static bool bad_counted(void *arg)
{
    struct side *b = arg;
    return b->m->bad[MB_MIMP_MALFORMED] >= 1 && b->m->bad[MB_MIMP_SOURCE] >= 1 &&
           b->m->bad[MB_MIMP_CONTENT] >= 1 && b->m->bad[MB_MCS_FRAME] >= 1 &&
           b->m->bad[MB_MCS_SOURCE] >= 1 && b->m->bad[MB_ISA_IDENTITY] >= 1;
}

static int udp_from(const char *src)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    inet_pton(AF_INET, src, &a.sin_addr);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void send_to(int fd, const char *dst, int port, const void *buf, size_t len)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, dst, &a.sin_addr);
    sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof a);
}

/* The test plays a hostile peer at 127.0.44.1 (and a stranger at .3). */
Test(mcs_engine, hostile_input_is_counted_and_survived)
{
    zloop_t *loop = zloop_new();
    struct side b = { 0 };
    side_start(&b, loop, 44, 2, 1);
    configure(&b, 100, false, true);
    cr_assert(run_until(loop, b_discovery_over, &b, NULL, NULL), "b %s", b.state);

    int peer = udp_from("127.0.44.1"), stranger = udp_from("127.0.44.3");
    send_to(peer, "127.0.44.2", MIMP_PORT, "\xff\xff\xff", 3);
    send_to(stranger, "127.0.44.2", MIMP_PORT, "\x08\x01", 2);
    /* a well-formed MIMP with a state that does not exist */
    Srlab__MimpGroup g = SRLAB__MIMP_GROUP__INIT;
    Srlab__MimpGroup *gs[] = { &g };
    g.group = 1;
    g.state = "boss";
    Srlab__Mimp mi = SRLAB__MIMP__INIT;
    mi.groups = gs;
    mi.n_groups = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.version = BUS_VERSION;
    env.body_case = SRLAB__ENVELOPE__BODY_MIMP;
    env.mimp = &mi;
    uint8_t buf[256];
    size_t len = srlab__envelope__pack(&env, buf);
    send_to(peer, "127.0.44.2", MIMP_PORT, buf, len);

    /* MCS: a stranger, then the peer's address with a garbage frame */
    int t1 = socket(AF_INET, SOCK_STREAM, 0), t2 = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in s3 = { .sin_family = AF_INET }, s1 = { .sin_family = AF_INET };
    inet_pton(AF_INET, "127.0.44.3", &s3.sin_addr);
    inet_pton(AF_INET, "127.0.44.1", &s1.sin_addr);
    bind(t1, (struct sockaddr *)&s3, sizeof s3);
    bind(t2, (struct sockaddr *)&s1, sizeof s1);
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(MCS_PORT) };
    inet_pton(AF_INET, "127.0.44.2", &dst.sin_addr);
    cr_assert_eq(connect(t1, (struct sockaddr *)&dst, sizeof dst), 0);
    cr_assert_eq(connect(t2, (struct sockaddr *)&dst, sizeof dst), 0);
    const uint8_t junk[] = { 0, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef };
    cr_assert_eq(write(t2, junk, sizeof junk), (ssize_t)sizeof junk);

    /* an ISA socket peer that is not an ISA */
    zsock_t *rogue = zsock_new(ZMQ_DEALER);
    zsock_set_identity(rogue, "cpm");
    zsock_connect(rogue, "ipc://%s/mcs-sync.sock", b.dir);
    Srlab__SyncResult r = SRLAB__SYNC_RESULT__INIT;
    Srlab__Envelope renv = SRLAB__ENVELOPE__INIT;
    renv.body_case = SRLAB__ENVELOPE__BODY_SYNC_RESULT;
    renv.sync_result = &r;
    bus_send(rogue, NULL, &renv, NULL);

    cr_assert(run_until(loop, bad_counted, &b, NULL, NULL),
              "malformed %lu source %lu content %lu frame %lu mcs_source %lu identity %lu",
              (unsigned long)b.m->bad[MB_MIMP_MALFORMED], (unsigned long)b.m->bad[MB_MIMP_SOURCE],
              (unsigned long)b.m->bad[MB_MIMP_CONTENT], (unsigned long)b.m->bad[MB_MCS_FRAME],
              (unsigned long)b.m->bad[MB_MCS_SOURCE], (unsigned long)b.m->bad[MB_ISA_IDENTITY]);
    /* nothing of it made the peer reachable or changed the group */
    cr_expect_not(b.reachable);
    cr_expect_str_eq(b.state, "eligible");
    cr_expect_eq(b.m->mimp_rx, 0);
    cr_expect_str_eq(b.sync_state, "sync-down");
    close(peer);
    close(stranger);
    close(t1);
    close(t2);
    zsock_destroy(&rogue);
    side_free(&b);
    zloop_destroy(&loop);
}

Test(mcs_engine, config_refused_whole)
{
    zloop_t *loop = zloop_new();
    struct side s = { 0 };
    side_start(&s, loop, 45, 1, 2);
    Srlab__McPeerConfig p = SRLAB__MC_PEER_CONFIG__INIT;
    p.peer = "not-an-address";
    p.source_address = "127.0.45.1";
    p.admin_up = true;
    Srlab__McPeerConfig *ps[] = { &p };
    Srlab__CardConfig cfg = SRLAB__CARD_CONFIG__INIT;
    cfg.mc_peers = ps;
    cfg.n_mc_peers = 1;
    char err[256] = "";
    cr_expect_eq(mcs_apply_config(s.m, &cfg, err, sizeof err), -1);
    cr_expect_str_eq(err, "peer \"not-an-address\": not an IP address");
    p.peer = "127.0.45.2";
    p.keepalive_ds = 4;
    cr_expect_eq(mcs_apply_config(s.m, &cfg, err, sizeof err), -1);
    cr_expect_str_eq(err, "peer 127.0.45.2: keep-alive-interval (5..500) out of range");
    p.keepalive_ds = 0;
    p.source_address = "::1";
    cr_expect_eq(mcs_apply_config(s.m, &cfg, err, sizeof err), -1);
    cr_expect_str_eq(err, "peer 127.0.45.2: source-address ::1 is of another address family");
    cr_expect_not(s.m->configured); /* nothing was applied */
    side_free(&s);
    zloop_destroy(&loop);
}

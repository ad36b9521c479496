/* cpm's MC-IPsec runtime: McsState from mcs kept and turned into
 * McMastership for the IOMs and ISAs at once, the state carried by full
 * pushes, mcs's own configuration (never keys), mcs going down, the shows
 * (exact text), force-switchover and MC_REDUNDANCY events. A cpm runs in
 * the test process with its card socket on inproc; fake cards are DEALERs. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpm/cpm.h"

static const char *const CONFIG =
    "configure\n"
    "    card 1\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type me10-10gb-sfp+\n"
    "        exit\n"
    "        mda 2\n"
    "            mda-type isa2-tunnel\n"
    "        exit\n"
    "    exit\n"
    "    port 1/1/1\n"
    "        ethernet\n"
    "            mode access\n"
    "        exit\n"
    "        no shutdown\n"
    "    exit\n"
    "    isa\n"
    "        tunnel-group 1 create\n"
    "            multi-active\n"
    "            active-mda-number 1\n"
    "            mda 1/2\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "    redundancy multi-chassis\n"
    "        peer 192.0.2.2 create\n"
    "            source-address 192.0.2.1\n"
    "            sync\n"
    "                ipsec\n"
    "                tunnel-group 1 sync-tag \"tg1\" create\n"
    "                no shutdown\n"
    "            exit\n"
    "            mc-ipsec\n"
    "                tunnel-group 1 create\n"
    "                    priority 200\n"
    "                    no shutdown\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "    ipsec\n"
    "        ike-transform 1 create\n"
    "        exit\n"
    "        ike-policy 1 create\n"
    "            ike-version 2\n"
    "            ike-transform 1\n"
    "        exit\n"
    "        tunnel-template 1 create\n"
    "        exit\n"
    "    exit\n"
    "    service\n"
    "        ies 100 customer 1 create\n"
    "            interface \"wan\" create\n"
    "                address 192.168.0.2/24\n"
    "                sap 1/1/1 create\n"
    "                exit\n"
    "            exit\n"
    "            interface \"public\" create\n"
    "                address 192.168.10.1/24\n"
    "                static-tunnel-redundant-next-hop 192.168.10.9\n"
    "                dynamic-tunnel-redundant-next-hop 192.168.10.9\n"
    "                sap tunnel-1.public:1 create\n"
    "                    ipsec-gw \"gw\" create\n"
    "                        local-gateway-address 192.168.10.3\n"
    "                        default-secure-service 200 interface \"dynamic\"\n"
    "                        default-tunnel-template 1\n"
    "                        ike-policy 1\n"
    "                        pre-shared-key \"secret-gw\"\n"
    "                        no shutdown\n"
    "                    exit\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "        vprn 200 customer 1 create\n"
    "            interface \"dynamic\" tunnel create\n"
    "                address 10.255.1.1/30\n"
    "                dynamic-tunnel-redundant-next-hop 10.255.1.2\n"
    "                sap tunnel-1.private:2 create\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

static struct cpm cpm;
static char dir[64];
static zsock_t *iom, *isa, *mcs;
static struct bus_stats card_stats;

static void pump(void)
{
    zframe_t *id = NULL;
    bus_msg_t *env = bus_recv(cpm.bus, &id, &cpm.bus_stats);
    cr_assert_not_null(env, "cpm received nothing");
    cards_on_message(&cpm, id, env);
    bus_free(&env);
    zframe_destroy(&id);
    if (cpm.state_changed) { /* as cpm's health tick does */
        cpm.state_changed = false;
        cards_push_all(&cpm, false);
    }
}

static void card_send(zsock_t *card, Srlab__Envelope *env)
{
    cr_assert_eq(bus_send(card, NULL, env, &card_stats), 0);
    pump();
}

/* The next message of this body to the card (others skipped), or NULL. */
static bus_msg_t *card_expect(zsock_t *card, int body, int timeout_ms)
{
    zsock_set_rcvtimeo(card, timeout_ms);
    for (;;) {
        bus_msg_t *env = bus_recv(card, NULL, &card_stats);
        if (!env || (int)env->body_case == body)
            return env;
        bus_free(&env);
    }
}

static zsock_t *card_new(const char *identity, Srlab__Role role, unsigned slot, unsigned mda,
                         const char *type)
{
    zsock_t *s = zsock_new(ZMQ_DEALER);
    zsock_set_identity(s, identity);
    cr_assert_eq(zsock_connect(s, "inproc://cpm-mc-test"), 0);
    Srlab__Register r = SRLAB__REGISTER__INIT;
    Srlab__MdaInfo mi = SRLAB__MDA_INFO__INIT, *mis[1] = { &mi };
    r.role = role;
    r.slot = slot;
    r.mda = mda;
    r.equipped_type = (char *)type;
    r.pid = (uint32_t)getpid();
    r.boot_id = 42;
    if (role == SRLAB__ROLE__ROLE_IOM) {
        mi.mda = 1;
        mi.equipped_type = "me10-10gb-sfp+";
        r.mdas = mis;
        r.n_mdas = 1;
    }
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_REGISTER;
    env.register_ = &r;
    card_send(s, &env);
    Srlab__ConfigAck ack = SRLAB__CONFIG_ACK__INIT;
    ack.ok = true;
    Srlab__Envelope a = SRLAB__ENVELOPE__INIT;
    a.body_case = SRLAB__ENVELOPE__BODY_CONFIG_ACK;
    a.config_ack = &ack;
    card_send(s, &a);
    return s;
}

static void setup(void)
{
    char err[256];
    cr_assert_eq(schema_init(err, sizeof err), 0, "%s", err);
    snprintf(dir, sizeof dir, "/tmp/srlab-mc-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/log", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/config.db", dir);
    memset(&cpm, 0, sizeof cpm);
    cpm.rundir = dir;
    cpm.name = "chassis-a";
    cpm.store = cfg_store_open(path, err, sizeof err);
    cr_assert_not_null(cpm.store, "%s", err);
    cr_assert_eq(eventlog_init(&cpm), 0);
    cpm.started_ms = (uint64_t)zclock_time();
    cpm.tree = cfg_tree_new();
    struct cfg_txn *txn = cfg_txn_begin(cpm.tree);
    struct cfg_error e = { 0 };
    cr_assert_eq(cfg_apply_text(txn, CONFIG, &e), 0, "line %d: %s", e.line, e.reason);
    cr_assert_eq(cfg_validate(txn, NULL, &e), 0, "line %d: %s", e.line, e.reason);
    cfg_txn_commit(&txn);
    cards_init(&cpm);
    cpm.tunnel_up = zhashx_new();
    cpm.bus = zsock_new(ZMQ_ROUTER);
    zsock_set_router_handover(cpm.bus, 1);
    zsock_set_rcvtimeo(cpm.bus, 1000);
    cr_assert_eq(zsock_bind(cpm.bus, "inproc://cpm-mc-test"), 0);
    iom = card_new("iom-1", SRLAB__ROLE__ROLE_IOM, 1, 0, "iom4-e");
    isa = card_new("isa-1/2", SRLAB__ROLE__ROLE_ISA, 1, 2, "isa2-tunnel");
    mcs = card_new("mcs", SRLAB__ROLE__ROLE_MCS, 0, 0, "");
    /* what they were sent on registering */
    zsock_set_rcvtimeo(iom, 50);
    for (zsock_t *c[] = { iom, isa, mcs, NULL }, **p = c; *p; p++) {
        bus_msg_t *m;
        while ((m = card_expect(*p, -1, 50)))
            bus_free(&m);
    }
}

static void teardown(void)
{
    zsock_destroy(&iom);
    zsock_destroy(&isa);
    zsock_destroy(&mcs);
    zsock_destroy(&cpm.bus);
    cards_destroy(&cpm);
    mc_destroy(&cpm);
    tgm_destroy();
    ipsec_state_destroy();
    zhashx_destroy(&cpm.tunnel_up);
    cfg_tree_free(&cpm.tree);
    cfg_store_close(&cpm.store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(mc_state, .init = setup, .fini = teardown);

static Srlab__McGroupState group1 = SRLAB__MC_GROUP_STATE__INIT;
static Srlab__McGroupState *groups[] = { &group1 };

/* mcs reports: group 1 master, the peer standby, protection nominal. */
static void report(const char *state, bool forwarding, const char *protection)
{
    group1.group = 1;
    group1.state = (char *)state;
    group1.reason = "higher priority";
    group1.peer_state = "standby";
    group1.forwarding = forwarding;
    group1.eligible = true;
    group1.peer_eligible = true;
    group1.priority = 200;
    group1.peer_priority = 100;
    group1.active_isas = 1;
    group1.peer_active_isas = 1;
    group1.protection = (char *)protection;
    group1.installed = 0;
    group1.installing = 0;
    group1.await_config = 2;
    group1.failed = 1;
    group1.since_ms = 1700000000000ull; /* 2023/11/14 22:13:20 UTC */
    group1.peer_group = 1;
    group1.transitions = 3;
    Srlab__McsState m = SRLAB__MCS_STATE__INIT;
    m.peer = "192.0.2.2";
    m.source_address = "192.0.2.1";
    m.peer_reachable = true;
    m.bfd_state = "disabled";
    m.sync_state = "in-sync";
    m.mimp_tx = 120;
    m.mimp_rx = 118;
    m.mimp_bad = 1;
    m.sync_tx = 40;
    m.sync_rx = 0;
    m.sync_acked = 40;
    m.sync_resyncs = 1;
    m.sync_bytes_tx = 51200;
    m.sync_bytes_rx = 96;
    m.entries_local = 20;
    m.entries_peer = 0;
    m.sync_pending = 0;
    m.last_resync_ms = 35;
    m.groups = groups;
    m.n_groups = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MCS_STATE;
    env.mcs_state = &m;
    card_send(mcs, &env);
}

static Srlab__CardConfig *pushed(const char *identity)
{
    size_t len;
    uint8_t *bytes = push_build(&cpm, cards_get(&cpm, identity), &len);
    Srlab__CardConfig *cfg = srlab__card_config__unpack(NULL, len, bytes);
    free(bytes);
    cr_assert_not_null(cfg);
    return cfg;
}

static void expect_group(const Srlab__CardConfig *cfg, const char *state, bool fwd)
{
    cr_assert_eq(cfg->n_tunnel_groups, 1);
    cr_expect(cfg->tunnel_groups[0]->mc_ipsec);
    cr_expect_str_eq(cfg->tunnel_groups[0]->mc_state, state);
    cr_expect_eq(cfg->tunnel_groups[0]->mc_forwarding, fwd);
}

static void expect_mastership(zsock_t *card, const char *state, bool fwd, const char *reason)
{
    bus_msg_t *m = card_expect(card, SRLAB__ENVELOPE__BODY_MC_MASTERSHIP, 500);
    cr_assert_not_null(m, "no McMastership");
    cr_assert_eq(m->mc_mastership->n_groups, 1);
    const Srlab__McGroupState *g = m->mc_mastership->groups[0];
    cr_expect_eq(g->group, 1);
    cr_expect_str_eq(g->state, state);
    cr_expect_eq(g->forwarding, fwd);
    cr_expect_str_eq(g->reason, reason);
    bus_free(&m);
}

Test(mc_state, mastership_goes_to_ioms_and_isas_at_once_and_pushes_carry_it)
{
    /* before mcs reports: discovery, not forwarding */
    Srlab__CardConfig *cfg = pushed("iom-1");
    expect_group(cfg, "discovery", false);
    srlab__card_config__free_unpacked(cfg, NULL);

    report("master", true, "nominal");
    expect_mastership(iom, "master", true, "higher priority");
    expect_mastership(isa, "master", true, "higher priority");
    bus_msg_t *none = card_expect(mcs, SRLAB__ENVELOPE__BODY_MC_MASTERSHIP, 50);
    cr_expect_null(none, "mcs is not told its own state");
    bus_free(&none);

    cfg = pushed("iom-1");
    expect_group(cfg, "master", true);
    srlab__card_config__free_unpacked(cfg, NULL);
    cfg = pushed("isa-1/2");
    expect_group(cfg, "master", true);
    srlab__card_config__free_unpacked(cfg, NULL);

    /* the same state again (the 1 s refresh): nothing to tell */
    report("master", true, "nominal");
    none = card_expect(iom, SRLAB__ENVELOPE__BODY_MC_MASTERSHIP, 50);
    cr_expect_null(none, "McMastership sent without a change");
    bus_free(&none);

    report("standby", false, "nominal");
    expect_mastership(iom, "standby", false, "higher priority");
}

Test(mc_state, mcs_down_puts_every_group_in_discovery)
{
    report("master", true, "nominal");
    expect_mastership(iom, "master", true, "higher priority");
    expect_mastership(isa, "master", true, "higher priority");
    cards_get(&cpm, "mcs")->last_seen_ms = 0; /* heartbeats stopped */
    cards_health_tick(&cpm);
    cr_assert_eq(cards_get(&cpm, "mcs")->state, CARD_DOWN);
    cpm.state_changed = false;
    cards_push_all(&cpm, false);
    expect_mastership(iom, "discovery", false, "mcs down");
    expect_mastership(isa, "discovery", false, "mcs down");
    Srlab__CardConfig *cfg = pushed("iom-1");
    expect_group(cfg, "discovery", false);
    srlab__card_config__free_unpacked(cfg, NULL);

    struct strbuf out;
    sb_init(&out);
    cr_assert_eq(show_mc_ipsec_peer(&cpm, "192.0.2.2", "1", &out, NULL), 0);
    cr_expect_not_null(strstr(out.s, "*** MCS process is down: MC-IPsec groups are in discovery "
                                     "and do not forward ***\n"
                                     "Last Report        : "), "%s", out.s);
    cr_expect_not_null(strstr(out.s, "Master State       : discovery           Peer State        : -\n"
                                     "Reason             : mcs down\n"), "%s", out.s);
    sb_free(&out);
    /* the sync figures are mcs's last ones, said to be so */
    sb_init(&out);
    cr_assert_eq(show_mc_sync(&cpm, "192.0.2.2", &out, NULL), 0);
    cr_expect_not_null(strstr(out.s, "*** MCS process is down: MC-IPsec groups are in discovery "
                                     "and do not forward; the figures are from its last report ***\n"
                                     "Last Report        : "), "%s", out.s);
    cr_expect_not_null(strstr(out.s, "MCS Sync State     : in-sync\n"), "%s", out.s);
    sb_free(&out);
    /* nor can it switch over */
    sb_init(&out);
    cr_expect_eq(mc_force_switchover(&cpm, 1, false, &out), -1);
    cr_expect_str_eq(out.s, "Error: the MCS process is down: no switchover is possible\n");
    sb_free(&out);
}

Test(mc_state, mcs_gets_peers_groups_and_tunnels_but_no_keys)
{
    Srlab__CardConfig *cfg = pushed("mcs");
    cr_assert_eq(cfg->n_mc_peers, 1);
    const Srlab__McPeerConfig *p = cfg->mc_peers[0];
    cr_expect_str_eq(p->peer, "192.0.2.2");
    cr_expect_str_eq(p->source_address, "192.0.2.1");
    cr_expect(p->admin_up && p->mc_ipsec && p->sync_ipsec && p->sync_admin_up && !p->bfd);
    cr_expect_eq(p->discovery_s, 300);
    cr_expect_eq(p->discovery_boot_s, 300);
    cr_expect_eq(p->keepalive_ds, 10);
    cr_expect_eq(p->hold, 3);
    cr_assert_eq(p->n_groups, 1);
    cr_expect_eq(p->groups[0]->group, 1);
    cr_expect_eq(p->groups[0]->peer_group, 1);
    cr_expect_eq(p->groups[0]->priority, 200);
    cr_expect(p->groups[0]->admin_up);
    cr_expect_str_eq(p->groups[0]->sync_tag, "tg1");
    cr_assert_eq(cfg->n_tunnel_groups, 1);
    cr_expect(cfg->tunnel_groups[0]->oper_up);
    cr_assert_eq(cfg->tunnel_groups[0]->n_active_isas, 1);
    cr_expect_str_eq(cfg->tunnel_groups[0]->active_isas[0], "1/2");
    cr_assert_eq(cfg->n_ipsec_gws, 1);
    const Srlab__IpsecGwConfig *g = cfg->ipsec_gws[0];
    cr_expect_str_eq(g->name, "gw");
    cr_expect_eq(g->tunnel_group, 1);
    cr_expect_str_eq(g->isa, "1/2");
    cr_expect_str_eq(g->local_gateway, "192.168.10.3");
    cr_expect_eq(g->psk.len, 0);
    cr_expect_null(g->ike_policy);
    srlab__card_config__free_unpacked(cfg, NULL);

    /* IOMs: the redundant next hops */
    cfg = pushed("iom-1");
    int seen = 0;
    for (size_t s = 0; s < cfg->n_services; s++)
        for (size_t i = 0; i < cfg->services[s]->n_interfaces; i++) {
            const Srlab__InterfaceConfig *ifc = cfg->services[s]->interfaces[i];
            if (strcmp(ifc->name, "public") == 0) {
                cr_expect_str_eq(ifc->static_tunnel_rnh, "192.168.10.9");
                cr_expect_str_eq(ifc->dynamic_tunnel_rnh, "192.168.10.9");
                seen++;
            } else if (strcmp(ifc->name, "dynamic") == 0) {
                cr_expect_str_eq(ifc->static_tunnel_rnh, "");
                cr_expect_str_eq(ifc->dynamic_tunnel_rnh, "10.255.1.2");
                seen++;
            }
        }
    cr_expect_eq(seen, 2);
    srlab__card_config__free_unpacked(cfg, NULL);
}

static const char *const PEER_SHOW =
    "===============================================================================\n"
    "Multi-Chassis MC-IPsec\n"
    "===============================================================================\n"
    "Peer Address       : 192.0.2.2\n"
    "Admin State        : Up\n"
    "Keep Alive Intvl   : 1.0 secs            Hold on Nbr Fail  : 3\n"
    "Discovery Intvl    : 300 secs            Discovery Boot    : 300 secs\n"
    "BFD                : disabled\n"
    "-------------------------------------------------------------------------------\n"
    "Tunnel  Peer   Priority Admin Master State  Peer State    Fwd  Protection\n"
    "Group   Group\n"
    "-------------------------------------------------------------------------------\n"
    "1       1      200      Up    master        standby       yes  nominal\n"
    "-------------------------------------------------------------------------------\n"
    "MC-IPsec Tunnel Groups: 1\n"
    "===============================================================================\n";

static const char *const GROUP_SHOW =
    "===============================================================================\n"
    "Multi-Chassis MC-IPsec Tunnel Group: 1\n"
    "===============================================================================\n"
    "Peer Address       : 192.0.2.2\n"
    "Tunnel Group       : 1                   Peer Group        : 1\n"
    "Priority           : 200                 Peer Priority     : 100\n"
    "Admin State        : Up\n"
    "Master State       : master              Peer State        : standby\n"
    "Reason             : higher priority\n"
    "Forwarding         : yes\n"
    "Eligible           : yes                 Peer Eligible     : yes\n"
    "Active ISAs        : 1                   Peer Active ISAs  : 1\n"
    "Protection Status  : nominal\n"
    "Installed          : 0                   Installing        : 0\n"
    "Await Config       : 2                   Failed            : 1\n"
    "Last State Change  : 2023/11/14 22:13:20 UTC (3 transitions)\n"
    "===============================================================================\n";

static const char *const SYNC_SHOW =
    "===============================================================================\n"
    "Multi-chassis Peer Synchronization\n"
    "===============================================================================\n"
    "Peer Address       : 192.0.2.2\n"
    "Source Address     : 192.0.2.1\n"
    "Admin State        : Up                  Sync Admin State  : Up\n"
    "Sync IPsec         : yes\n"
    "Peer Reachable     : yes                 BFD State         : disabled\n"
    "MCS Sync State     : in-sync\n"
    "Records Local      : 20                  Records Peer      : 0\n"
    "Records Sent       : 40                  Records Received  : 0\n"
    "Bytes Sent         : 51200               Bytes Received    : 96\n"
    "Acknowledged       : 40                  Pending           : 0\n"
    "Full Resyncs       : 1                   Last Resync       : 35 ms\n"
    "Sync Bad           : 0                   MIMP Packets Bad  : 1\n"
    "MIMP Packets Tx    : 120                 MIMP Packets Rx   : 118\n"
    "BFD Packets Tx     : 0                   BFD Packets Rx    : 0\n"
    "-------------------------------------------------------------------------------\n"
    "Multi-chassis Peers: 1\n"
    "===============================================================================\n";

static char *show(int (*fn)(struct strbuf *out))
{
    struct strbuf out;
    sb_init(&out);
    cr_expect_eq(fn(&out), 0);
    return sb_take(&out);
}

static int peer_text(struct strbuf *out)
{
    return show_mc_ipsec_peer(&cpm, "192.0.2.2", NULL, out, NULL);
}

static int group_text(struct strbuf *out)
{
    return show_mc_ipsec_peer(&cpm, "192.0.2.2", "1", out, NULL);
}

static int sync_text(struct strbuf *out)
{
    return show_mc_sync(&cpm, NULL, out, NULL);
}

Test(mc_state, shows_in_sr_os_layout)
{
    report("master", true, "nominal");
    char *s = show(peer_text);
    cr_expect_str_eq(s, PEER_SHOW);
    free(s);
    s = show(group_text);
    cr_expect_str_eq(s, GROUP_SHOW);
    free(s);
    s = show(sync_text);
    cr_expect_str_eq(s, SYNC_SHOW);
    free(s);
    /* 79 columns at most */
    const char *all[] = { PEER_SHOW, GROUP_SHOW, SYNC_SHOW };
    for (int i = 0; i < 3; i++)
        for (const char *l = all[i]; *l;) {
            const char *nl = strchr(l, '\n');
            cr_expect_leq(nl - l, 79, "%.*s", (int)(nl - l), l);
            l = nl + 1;
        }
    struct json j;
    json_init(&j);
    struct strbuf unused;
    sb_init(&unused);
    cr_expect_eq(show_mc_ipsec_peer(&cpm, "192.0.2.2", "1", &unused, &j), 0);
    char *js = json_take(&j);
    cr_expect_not_null(strstr(js, "\"master_state\":\"master\""), "%s", js);
    cr_expect_not_null(strstr(js, "\"protection\":\"nominal\""), "%s", js);
    free(js);
    json_init(&j);
    cr_expect_eq(show_mc_sync(&cpm, "192.0.2.2", &unused, &j), 0);
    js = json_take(&j);
    cr_expect_not_null(strstr(js, "\"sync_state\":\"in-sync\""), "%s", js);
    cr_expect_not_null(strstr(js, "\"bytes_sent\":51200"), "%s", js);
    free(js);
    sb_free(&unused);
}

Test(mc_state, shows_say_when_mcs_has_not_reported)
{
    char *s = show(group_text);
    cr_expect_not_null(strstr(s, "*** MCS process has not reported on this peer yet ***\n"), "%s", s);
    cr_expect_not_null(strstr(s, "Master State       : discovery           Peer State        : -\n"
                                 "Reason             : no report from mcs yet\n"
                                 "Forwarding         : no\n"), "%s", s);
    free(s);
    s = show(sync_text);
    cr_expect_not_null(strstr(s, "*** MCS process has not reported on this peer yet ***\n"), "%s", s);
    cr_expect_null(strstr(s, "MCS Sync State"), "%s", s);
    free(s);
}

static void expect_refused(unsigned group, bool now, const char *want)
{
    struct strbuf out;
    sb_init(&out);
    cr_expect_eq(mc_force_switchover(&cpm, group, now, &out), -1);
    cr_expect_str_eq(out.s, want);
    sb_free(&out);
}

Test(mc_state, force_switchover)
{
    expect_refused(2, false, "Error: tunnel-group 2 is not protected by MC-IPsec (no redundancy "
                             "multi-chassis peer that is up has it in mc-ipsec)\n");
    expect_refused(1, false, "Error: tunnel-group 1: mcs has not reported its state (no report "
                             "from mcs yet)\n");
    report("standby", false, "nominal");
    expect_refused(1, false, "Error: tunnel-group 1: this chassis is not master (MIMP state "
                             "standby): force the switchover on the master\n");
    report("master", true, "not-ready");
    expect_refused(1, false, "Error: tunnel-group 1: protection status is not-ready, the standby "
                             "cannot take the tunnels over yet; add 'now' to switch over anyway\n");
    struct strbuf out;
    sb_init(&out);
    cr_expect_eq(mc_force_switchover(&cpm, 1, true, &out), 0);
    cr_expect_str_eq(out.s, "switchover requested for tunnel-group 1\n");
    sb_free(&out);
    bus_msg_t *m = card_expect(mcs, SRLAB__ENVELOPE__BODY_MC_COMMAND, 500);
    cr_assert_not_null(m);
    cr_expect_str_eq(m->mc_command->verb, "switchover");
    cr_expect_eq(m->mc_command->group, 1);
    cr_expect(m->mc_command->now);
    bus_free(&m);

    /* mcs refuses after all: the event log says so */
    Srlab__McCommandReply r = SRLAB__MC_COMMAND_REPLY__INIT;
    r.ok = false;
    r.error = "peer unreachable";
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_MC_COMMAND_REPLY;
    env.mc_command_reply = &r;
    card_send(mcs, &env);
    sb_init(&out);
    show_log(&cpm, &out, NULL, 10);
    cr_expect_not_null(strstr(out.s, "MINOR: MC_REDUNDANCY #2120 Base tunnel-group 1\n"
                                     "\"force-switchover refused by mcs: peer unreachable\""),
                       "%s", out.s);
    sb_free(&out);
}

Test(mc_state, mc_redundancy_events_and_unexpected_bodies)
{
    Srlab__CardEvent ev = SRLAB__CARD_EVENT__INIT;
    ev.application = "MC_REDUNDANCY";
    ev.event_id = 2101;
    ev.severity = EV_MAJOR;
    ev.subject = "tunnel-group 1";
    ev.text = "MIMP state changed from standby to master (peer down)";
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CARD_EVENT;
    env.card_event = &ev;
    card_send(mcs, &env);
    struct strbuf out;
    sb_init(&out);
    show_log(&cpm, &out, NULL, 10);
    cr_expect_not_null(strstr(out.s, "MAJOR: MC_REDUNDANCY #2101 Base tunnel-group 1\n"
                                     "\"MIMP state changed from standby to master (peer down)\""),
                       "%s", out.s);
    sb_free(&out);

    /* an McsState that does not come from mcs is counted, not kept */
    uint64_t unknown = cpm.bus_stats.unknown;
    Srlab__McsState m = SRLAB__MCS_STATE__INIT;
    m.peer = "192.0.2.2";
    Srlab__Envelope bad = SRLAB__ENVELOPE__INIT;
    bad.body_case = SRLAB__ENVELOPE__BODY_MCS_STATE;
    bad.mcs_state = &m;
    card_send(iom, &bad);
    cr_expect_eq(cpm.bus_stats.unknown, unknown + 1);
    cr_expect_null(mc_report(&cpm, "192.0.2.2", NULL, NULL));
    /* nor McMastership sent to cpm */
    Srlab__McMastership ms = SRLAB__MC_MASTERSHIP__INIT;
    bad.body_case = SRLAB__ENVELOPE__BODY_MC_MASTERSHIP;
    bad.mc_mastership = &ms;
    card_send(mcs, &bad);
    cr_expect_eq(cpm.bus_stats.unknown, unknown + 2);
}

/* One CLI line through cpm's CLI socket, as srlab cli sends it. */
static char *cli(const char *line, int *status)
{
    zsock_t *client = zsock_new(ZMQ_DEALER);
    cr_assert_eq(zsock_connect(client, "inproc://cpm-mc-cli"), 0);
    Srlab__CliRequest req = SRLAB__CLI_REQUEST__INIT;
    req.mode = SRLAB__CLI_MODE__CLI_LINE;
    req.input = (char *)line;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CLI_REQUEST;
    env.cli_request = &req;
    struct bus_stats st = { 0 };
    cr_assert_eq(bus_send(client, NULL, &env, &st), 0);
    zframe_t *id = NULL;
    zsock_set_rcvtimeo(cpm.cli, 1000);
    bus_msg_t *in = bus_recv(cpm.cli, &id, &cpm.cli_stats);
    cr_assert_not_null(in);
    cli_on_request(&cpm, id, in);
    bus_free(&in);
    zframe_destroy(&id);
    zsock_set_rcvtimeo(client, 1000);
    bus_msg_t *r = bus_recv(client, NULL, &st);
    cr_assert_not_null(r);
    cr_assert_eq(r->body_case, SRLAB__ENVELOPE__BODY_CLI_REPLY);
    char *out = strdup(r->cli_reply->output);
    *status = r->cli_reply->status;
    bus_free(&r);
    zsock_destroy(&client);
    return out;
}

Test(mc_state, cli_lines)
{
    cpm.cli = zsock_new(ZMQ_ROUTER);
    cr_assert_eq(zsock_bind(cpm.cli, "inproc://cpm-mc-cli"), 0);
    cpm.sessions = zhashx_new();
    report("master", true, "nominal");
    int status;
    char *out = cli("show redundancy multi-chassis sync", &status);
    cr_expect_eq(status, 0);
    cr_expect_str_eq(out, SYNC_SHOW);
    free(out);
    out = cli("show redundancy multi-chassis mc-ipsec peer 192.0.2.2", &status);
    cr_expect_str_eq(out, PEER_SHOW);
    free(out);
    out = cli("show redundancy multi-chassis mc-ipsec peer 192.0.2.2 tunnel-group 1", &status);
    cr_expect_str_eq(out, GROUP_SHOW);
    free(out);
    out = cli("show redundancy multi-chassis mc-ipsec peer 192.0.2.9", &status);
    cr_expect_eq(status, 1);
    cr_expect_str_eq(out, "Error: multi-chassis peer 192.0.2.9 is not configured\n");
    free(out);
    out = cli("show redundancy multi-chassis sync json", &status);
    cr_expect_eq(status, 0);
    cr_expect_eq(out[0], '{', "%s", out);
    free(out);
    out = cli("tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1", &status);
    cr_expect_eq(status, 0);
    cr_expect_str_eq(out, "switchover requested for tunnel-group 1\n");
    free(out);
    out = cli("tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 17", &status);
    cr_expect_eq(status, 1);
    cr_expect_str_eq(out, "Error: known tools commands: tools perform redundancy multi-chassis "
                          "mc-ipsec force-switchover tunnel-group <1..16> [now]\n");
    free(out);
    cli_sessions_destroy(&cpm);
    zsock_destroy(&cpm.cli);
}

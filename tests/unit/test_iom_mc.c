/* iom/mc.c: MC-IPsec in the dataplane. Where a tunnel group forwards, its
 * gateway addresses are answered (ARP, ND) with the port's MAC and handed
 * to the ISA; where it does not, ARP/ND stay silent and the traffic goes to
 * the interface's redundant next hop (public: by the gateway, private: by
 * the route), TTL down by one, counted per direction and group; without a
 * next hop it is dropped (mc-standby), and never sent back to the neighbour
 * it came from (mc-shunt-loop). A group that starts forwarding announces
 * its addresses at once and 300 ms later. Groups without MC-IPsec answer
 * nothing for gateway addresses, as before. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "iom/iom.h"

/* ---- the decision alone ----------------------------------------------------------------- */

static struct iom_if pub, priv;

static void decide_setup(void)
{
    memset(&pub, 0, sizeof pub);
    memset(&priv, 0, sizeof priv);
    pub.kind = IFK_TUNNEL_PUBLIC;
    priv.kind = IFK_TUNNEL_PRIVATE;
    pub.rnh_dynamic.family = AF_INET;
    inet_pton(AF_INET, "192.168.0.3", pub.rnh_dynamic.addr);
    pub.rnh_static.family = AF_INET;
    inet_pton(AF_INET, "192.168.0.4", pub.rnh_static.addr);
    priv.rnh_static.family = AF_INET;
    inet_pton(AF_INET, "10.10.0.3", priv.rnh_static.addr);
    priv.mc_static = true;
}

TestSuite(mc_decide, .init = decide_setup);

Test(mc_decide, forwarding_hands_to_the_isa)
{
    const struct iom_rnh *r = (void *)1;
    cr_assert_eq(iom_mc_decide(true, true, &pub, AF_INET, MC_GW_DYNAMIC, false, &r), MC_TO_ISA);
    cr_assert_null(r);
    cr_assert_eq(iom_mc_decide(true, false, &priv, AF_INET, MC_GW_NONE, false, &r), MC_TO_ISA);
}

Test(mc_decide, public_by_the_gateway_that_owns_the_destination)
{
    const struct iom_rnh *r;
    cr_assert_eq(iom_mc_decide(false, true, &pub, AF_INET, MC_GW_DYNAMIC, false, &r), MC_SHUNT);
    cr_assert_eq(r, &pub.rnh_dynamic);
    cr_assert_eq(iom_mc_decide(false, true, &pub, AF_INET, MC_GW_STATIC, false, &r), MC_SHUNT);
    cr_assert_eq(r, &pub.rnh_static);
    /* an address of the public subnet that no tunnel owns */
    cr_assert_eq(iom_mc_decide(false, true, &pub, AF_INET, MC_GW_NONE, false, &r),
                 MC_DROP_STANDBY);
    cr_assert_null(r);
}

Test(mc_decide, private_by_the_route)
{
    const struct iom_rnh *r;
    cr_assert_eq(iom_mc_decide(false, true, &priv, AF_INET, MC_GW_NONE, false, &r), MC_SHUNT);
    cr_assert_eq(r, &priv.rnh_static);
    /* a reverse route: the dynamic next hop, not configured here */
    cr_assert_eq(iom_mc_decide(false, true, &priv, AF_INET, MC_GW_NONE, true, &r),
                 MC_DROP_STANDBY);
}

Test(mc_decide, not_oper_up_never_shunts)
{
    const struct iom_rnh *r;
    cr_assert_eq(iom_mc_decide(false, false, &pub, AF_INET, MC_GW_DYNAMIC, false, &r),
                 MC_DROP_STANDBY);
    cr_assert_eq(iom_mc_decide(false, false, &priv, AF_INET, MC_GW_NONE, false, &r),
                 MC_DROP_STANDBY);
}

Test(mc_decide, next_hop_of_the_other_family_is_none)
{
    const struct iom_rnh *r;
    cr_assert_eq(iom_mc_decide(false, true, &pub, AF_INET6, MC_GW_DYNAMIC, false, &r),
                 MC_DROP_STANDBY);
}

Test(mc_decide, loop_guard)
{
    uint8_t src[4], nh[4], other[4];
    inet_pton(AF_INET, "192.168.0.3", src);
    inet_pton(AF_INET, "192.168.0.3", nh);
    inet_pton(AF_INET, "192.168.0.100", other);
    uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 0xb }, mac_p[6] = { 2, 0, 0, 0, 0, 0x10 };
    struct nbr n = { .family = AF_INET, .state = NBR_REACHABLE };
    memcpy(n.ip, nh, 4);
    memcpy(n.mac, mac_b, 6);
    /* from the next hop itself, by address */
    cr_assert(iom_mc_loops(&pub, src, NULL, &pub, AF_INET, nh, NULL));
    /* from the next hop's MAC with another source address (routed through it) */
    cr_assert(iom_mc_loops(&pub, other, mac_b, &pub, AF_INET, nh, &n));
    /* from someone else on that interface */
    cr_assert_not(iom_mc_loops(&pub, other, mac_p, &pub, AF_INET, nh, &n));
    /* out of another interface */
    cr_assert_not(iom_mc_loops(&priv, src, mac_b, &pub, AF_INET, nh, &n));
    /* originated by the router */
    cr_assert_not(iom_mc_loops(NULL, src, NULL, &pub, AF_INET, nh, &n));
}

/* ---- through the iom: a configured dataplane with two ports ------------------------------ */

static struct iom *iom;
static const uint8_t MAC_WAN[6] = { 2, 0xaa, 0, 0, 0, 1 }, MAC_LAN[6] = { 2, 0xaa, 0, 0, 0, 2 };
static const uint8_t MAC_PEER[6] = { 2, 0, 0, 0, 0, 0x10 }, MAC_B_WAN[6] = { 2, 0xbb, 0, 0, 0, 1 };
static const uint8_t MAC_HOST[6] = { 2, 0, 0, 0, 0, 0x20 }, MAC_B_LAN[6] = { 2, 0xbb, 0, 0, 0, 2 };
static const uint8_t MAC_B_LAN2[6] = { 2, 0xbb, 0, 0, 0, 3 };

/* The ike lab's chassis (topology/ike) with tunnel group 1 under MC-IPsec
 * and a non-MC group 2 whose ipsec-gw is on the same WAN. */
struct cfg_store {
    Srlab__CardConfig cfg;
    Srlab__PortConfig ports[2], *port_p[2];
    Srlab__ServiceConfig svcs[2], *svc_p[2];
    Srlab__InterfaceConfig ifs[7], *ies_if[3], *vprn_if[4];
    char *addr[7][2];
    Srlab__TunnelGroupConfig tgs[2], *tg_p[2];
    char *isas[1];
    Srlab__IpsecGwConfig gws[3], *gw_p[3];
    Srlab__IpsecTunnelConfig tun, *tun_p[1];
    Srlab__StaticRoute sr, *sr_p[1];
    Srlab__DynamicRoute dr, *dr_p[1];
};
static struct cfg_store cs;

static void iface(int i, const char *name, const char *a4, const char *a6, const char *sap,
                  bool tunnel)
{
    Srlab__InterfaceConfig *ic = &cs.ifs[i];
    srlab__interface_config__init(ic);
    ic->name = (char *)name;
    ic->admin_up = ic->sap_admin_up = true;
    ic->tunnel = tunnel;
    ic->sap = (char *)sap;
    cs.addr[i][0] = (char *)a4;
    cs.addr[i][1] = (char *)a6;
    ic->addresses = cs.addr[i];
    ic->n_addresses = a6 ? 2 : 1;
}

static void gw(int i, const char *name, unsigned group, const char *addr, const char *pub_if)
{
    Srlab__IpsecGwConfig *g = &cs.gws[i];
    srlab__ipsec_gw_config__init(g);
    g->name = (char *)name;
    g->tunnel_group = group;
    g->delivery_svc = 100;
    g->public_interface = (char *)pub_if;
    g->local_gateway = (char *)addr;
    g->private_svc = 200;
    g->private_interface = "dynamic";
    g->admin_up = g->oper_up = true;
    g->isa = "1/2";
    cs.gw_p[i] = g;
}

static void build_config(bool forwarding)
{
    memset(&cs, 0, sizeof cs);
    srlab__card_config__init(&cs.cfg);
    const char *pnames[2] = { "1/1/1", "1/1/2" };
    for (int i = 0; i < 2; i++) {
        srlab__port_config__init(&cs.ports[i]);
        cs.ports[i].name = (char *)pnames[i];
        cs.ports[i].admin_up = true;
        cs.ports[i].mode = "access";
        cs.ports[i].encap_type = "null";
        cs.port_p[i] = &cs.ports[i];
    }
    cs.cfg.ports = cs.port_p;
    cs.cfg.n_ports = 2;
    /* IES 100: the WAN and the public tunnel interfaces */
    iface(0, "wan", "192.168.0.2/24", "2001:db8::2/64", "1/1/1", false);
    iface(1, "public", "192.168.10.1/24", "2001:db8:10::1/64", "tunnel-1.public:1", false);
    cs.ifs[1].dynamic_tunnel_rnh = "192.168.0.3";
    cs.ifs[1].static_tunnel_rnh = "192.168.0.3";
    iface(2, "public2", "192.168.20.1/24", NULL, "tunnel-2.public:1", false);
    /* VPRN 200: the LAN, a static tunnel's interface, the ipsec-gw's */
    iface(3, "lan", "10.10.0.2/24", NULL, "1/1/2", false);
    iface(4, "to-peer", "10.255.0.1/30", NULL, "tunnel-1.private:1", true);
    cs.ifs[4].static_tunnel_rnh = "10.10.0.3";
    iface(5, "dynamic", "10.255.1.1/30", NULL, "tunnel-1.private:2", true);
    cs.ifs[5].dynamic_tunnel_rnh = "10.10.0.4";
    for (int i = 0; i < 3; i++)
        cs.ies_if[i] = &cs.ifs[i];
    for (int i = 0; i < 3; i++)
        cs.vprn_if[i] = &cs.ifs[3 + i];
    srlab__service_config__init(&cs.svcs[0]);
    cs.svcs[0].id = 100;
    cs.svcs[0].type = SRLAB__SERVICE_TYPE__SVC_IES;
    cs.svcs[0].admin_up = true;
    cs.svcs[0].interfaces = cs.ies_if;
    cs.svcs[0].n_interfaces = 3;
    srlab__service_config__init(&cs.svcs[1]);
    cs.svcs[1].id = 200;
    cs.svcs[1].type = SRLAB__SERVICE_TYPE__SVC_VPRN;
    cs.svcs[1].admin_up = true;
    cs.svcs[1].interfaces = cs.vprn_if;
    cs.svcs[1].n_interfaces = 3;
    srlab__static_route__init(&cs.sr);
    cs.sr.prefix = "10.20.0.0/24";
    cs.sr.tunnel = "peer-static";
    cs.sr.next_hop = "";
    cs.sr.admin_up = true;
    cs.sr_p[0] = &cs.sr;
    cs.svcs[1].static_routes = cs.sr_p;
    cs.svcs[1].n_static_routes = 1;
    cs.svc_p[0] = &cs.svcs[0];
    cs.svc_p[1] = &cs.svcs[1];
    cs.cfg.services = cs.svc_p;
    cs.cfg.n_services = 2;
    /* tunnel groups: 1 under MC-IPsec, 2 without */
    cs.isas[0] = "1/2";
    for (int i = 0; i < 2; i++) {
        Srlab__TunnelGroupConfig *t = &cs.tgs[i];
        srlab__tunnel_group_config__init(t);
        t->id = (uint32_t)i + 1;
        t->admin_up = t->oper_up = true;
        t->active_isas = cs.isas;
        t->n_active_isas = 1;
        cs.tg_p[i] = t;
    }
    cs.tgs[0].mc_ipsec = true;
    cs.tgs[0].mc_forwarding = forwarding;
    cs.tgs[0].mc_state = forwarding ? "master" : "standby";
    cs.cfg.tunnel_groups = cs.tg_p;
    cs.cfg.n_tunnel_groups = 2;
    gw(0, "gw", 1, "192.168.10.3", "public");
    gw(1, "gw6", 1, "2001:db8:10::3", "public");
    gw(2, "other", 2, "192.168.20.3", "public2");
    cs.cfg.ipsec_gws = cs.gw_p;
    cs.cfg.n_ipsec_gws = 3;
    srlab__ipsec_tunnel_config__init(&cs.tun);
    cs.tun.name = "peer-static";
    cs.tun.tunnel_group = 1;
    cs.tun.svc = 200;
    cs.tun.interface = "to-peer";
    cs.tun.local_gateway = "192.168.10.2";
    cs.tun.peer = "192.168.0.100";
    cs.tun.delivery_svc = 100;
    cs.tun.public_interface = "public";
    cs.tun.admin_up = cs.tun.oper_up = true;
    cs.tun.isa = "1/2";
    cs.tun_p[0] = &cs.tun;
    cs.cfg.ipsec_tunnels = cs.tun_p;
    cs.cfg.n_ipsec_tunnels = 1;
    srlab__dynamic_route__init(&cs.dr);
    cs.dr.svc = 200;
    cs.dr.prefix = "10.30.0.0/24";
    cs.dr.tunnel = "gw-1";
    cs.dr.interface = "dynamic";
    cs.dr.isa = "1/2";
    cs.dr_p[0] = &cs.dr;
    cs.cfg.dynamic_routes = cs.dr_p;
    cs.cfg.n_dynamic_routes = 1;
}

static void apply(bool forwarding)
{
    build_config(forwarding);
    char err[256];
    cr_assert_eq(iom_apply_config(iom, 1, &cs.cfg, err, sizeof err), 0, "%s", err);
}

static void port_init(struct iom_port *p, const char *name, const uint8_t *mac)
{
    snprintf(p->name, sizeof p->name, "%s", name);
    p->iom = iom;
    p->fd = p->udp_fd = -1;     /* frames stay in the transmit batch for the test to read */
    p->present = p->link_up = true;
    p->wire_mtu = 1500;
    memcpy(p->mac, mac, 6);
}

static uint8_t ip(const char *s, uint8_t *out)
{
    if (inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    cr_assert_eq(inet_pton(AF_INET6, s, out), 1);
    return AF_INET6;
}

static void learn(int ifidx, const char *addr, const uint8_t *mac)
{
    uint8_t a[16];
    int family = ip(addr, a);
    iom->now_ms = mono_ms();
    nbr_learn(iom, iom->ifs[ifidx], family, a, mac, true);
}

static void mc_setup(void)
{
    iom = calloc(1, sizeof *iom);
    iom->rundir = "/nonexistent-srlab-test";
    iom->name = "iom-1";
    iom->slot = 1;
    iom->n_ports = 2;
    iom->ports = calloc(2, sizeof *iom->ports);
    port_init(&iom->ports[0], "1/1/1", MAC_WAN);
    port_init(&iom->ports[1], "1/1/2", MAC_LAN);
    apply(false);
    learn(0, "192.168.0.3", MAC_B_WAN);
    learn(0, "192.168.0.100", MAC_PEER);
    learn(3, "10.10.0.3", MAC_B_LAN);
    learn(3, "10.10.0.4", MAC_B_LAN2);
    learn(3, "10.10.0.10", MAC_HOST);
}

static void drain(int port)
{
    struct iom_port *p = &iom->ports[port];
    for (unsigned i = 0; i < p->ntx; i++)
        pkt_free(iom, p->txq[i]);
    p->ntx = 0;
}

static void mc_teardown(void)
{
    drain(0);
    drain(1);
    iom_config_free(iom);
    handoff_close(iom);
    zhashx_destroy(&iom->dyn_routes);
    for (size_t i = 0; i < iom->n_ports; i++)
        free(iom->ports[i].saps);
    free(iom->ports);
    while (iom->free_pkts) {
        struct pkt *p = iom->free_pkts;
        iom->free_pkts = p->next;
        free(p);
    }
    free(iom);
}

static uint64_t drops(enum drop_reason r)
{
    uint64_t n = iom->drops[r];
    for (size_t i = 0; i < iom->n_ports; i++)
        n += iom->ports[i].drops[r];
    return n;
}

struct counters {
    uint64_t pub_pkts, pub_octets, priv_pkts, priv_octets, tg1_pub_pkts, tg1_priv_pkts;
    bool tg1_listed, tg2_listed;
};

static void collect(void *arg, const char *name, uint64_t v)
{
    struct counters *c = arg;
    if (strcmp(name, "mc-shunted-public-packets") == 0)
        c->pub_pkts = v;
    else if (strcmp(name, "mc-shunted-public-octets") == 0)
        c->pub_octets = v;
    else if (strcmp(name, "mc-shunted-private-packets") == 0)
        c->priv_pkts = v;
    else if (strcmp(name, "mc-shunted-private-octets") == 0)
        c->priv_octets = v;
    else if (strcmp(name, "mc-shunted-tg1-public-packets") == 0) {
        c->tg1_pub_pkts = v;
        c->tg1_listed = true;
    } else if (strcmp(name, "mc-shunted-tg1-private-packets") == 0)
        c->tg1_priv_pkts = v;
    else if (strncmp(name, "mc-shunted-tg2-", 15) == 0)
        c->tg2_listed = true;
}

static struct counters counters(void)
{
    struct counters c = { 0 };
    iom_mc_counters(iom, collect, &c);
    return c;
}

/* A frame into a port, as the port reader hands it to l2_input. */
static void rx(int port, const uint8_t *src_mac, uint16_t ethertype, const uint8_t *l3,
               size_t len)
{
    struct pkt *p = pkt_alloc(iom);
    cr_assert_not_null(p);
    uint8_t *f = p->data;
    memcpy(f, iom->ports[port].mac, 6);
    if (ethertype == ETHERTYPE_ARP || (ethertype == ETHERTYPE_IPV6 && l3[24] == 0xff)) {
        if (ethertype == ETHERTYPE_ARP)
            memset(f, 0xff, 6);
        else {
            f[0] = f[1] = 0x33;
            memcpy(f + 2, l3 + 36, 4);
        }
    }
    memcpy(f + 6, src_mac, 6);
    wr16(f + 12, ethertype);
    memcpy(f + 14, l3, len);
    p->len = (uint32_t)(14 + len);
    if (p->len < 60) {
        memset(f + p->len, 0, 60 - p->len);
        p->len = 60;
    }
    p->in_port = (int16_t)port;
    iom->now_ms = mono_ms();
    l2_input(iom, port, p);
}

static void arp_request(const char *sender, const uint8_t *sha, const char *target)
{
    uint8_t a[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    memcpy(a + 8, sha, 6);
    ip(sender, a + 14);
    ip(target, a + 24);
    rx(0, sha, ETHERTYPE_ARP, a, sizeof a);
}

/* An ESP packet (IPv4, TTL 64, 100 bytes) from src to dst. */
static void esp(int port, const uint8_t *mac, const char *src, const char *dst, uint8_t proto)
{
    uint8_t p[100] = { 0x45, 0, 0, 100, 0, 1, 0, 0, 64, proto };
    ip(src, p + 12);
    ip(dst, p + 16);
    wr16(p + 10, inet_csum(p, 20));
    rx(port, mac, ETHERTYPE_IPV4, p, sizeof p);
}

/* The frames a port has queued: how many, and the n-th. */
static unsigned sent(int port)
{
    return iom->ports[port].ntx;
}

static const uint8_t *frame(int port, unsigned n)
{
    cr_assert_lt(n, iom->ports[port].ntx);
    return iom->ports[port].txq[n]->data;
}

static bool is_garp(const uint8_t *f, const char *addr)
{
    uint8_t a[4];
    ip(addr, a);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return memcmp(f, bcast, 6) == 0 && rd16(f + 12) == ETHERTYPE_ARP && rd16(f + 20) == 1 &&
           memcmp(f + 22, MAC_WAN, 6) == 0 && memcmp(f + 28, a, 4) == 0 &&
           memcmp(f + 38, a, 4) == 0;
}

static bool is_na(const uint8_t *f, const char *target, bool solicited)
{
    uint8_t t[16];
    ip(target, t);
    return rd16(f + 12) == ETHERTYPE_IPV6 && f[14 + 6] == 58 && f[14 + 40] == 136 &&
           memcmp(f + 14 + 48, t, 16) == 0 && ((f[14 + 44] & 0x40) != 0) == solicited &&
           memcmp(f + 14 + 40 + 26, MAC_WAN, 6) == 0;
}

static void mastership(unsigned group, bool forwarding)
{
    Srlab__McGroupState s = SRLAB__MC_GROUP_STATE__INIT, *sp = &s;
    s.group = group;
    s.forwarding = forwarding;
    s.state = forwarding ? "master" : "standby";
    Srlab__McMastership m = SRLAB__MC_MASTERSHIP__INIT;
    m.groups = &sp;
    m.n_groups = 1;
    iom_mc_mastership(iom, &m);
}

TestSuite(mc_iom, .init = mc_setup, .fini = mc_teardown);

Test(mc_iom, standby_is_silent_for_the_gateway)
{
    uint64_t before = drops(DROP_ARP_NOT_OURS);
    arp_request("192.168.0.100", MAC_PEER, "192.168.10.3");
    cr_assert_eq(sent(0), 0);
    cr_assert_eq(drops(DROP_ARP_NOT_OURS), before + 1);
}

Test(mc_iom, master_answers_arp_for_its_gateways_with_the_port_mac)
{
    mastership(1, true);
    drain(0);
    const char *gws[] = { "192.168.10.3", "192.168.10.2" };
    for (int i = 0; i < 2; i++) {
        arp_request("192.168.0.100", MAC_PEER, gws[i]);
        cr_assert_eq(sent(0), 1, "%s", gws[i]);
        const uint8_t *f = frame(0, 0);
        uint8_t a[4], peer[4];
        ip(gws[i], a);
        ip("192.168.0.100", peer);
        cr_assert_arr_eq(f, MAC_PEER, 6);
        cr_assert_eq(rd16(f + 12), ETHERTYPE_ARP);
        cr_assert_eq(rd16(f + 20), 2);
        cr_assert_arr_eq(f + 22, MAC_WAN, 6);
        cr_assert_arr_eq(f + 28, a, 4);
        cr_assert_arr_eq(f + 32, MAC_PEER, 6);
        cr_assert_arr_eq(f + 38, peer, 4);
        drain(0);
    }
    /* the router's own address, as always */
    arp_request("192.168.0.100", MAC_PEER, "192.168.0.2");
    cr_assert_eq(sent(0), 1);
    drain(0);
    /* not the other chassis's announcement of it */
    arp_request("192.168.10.3", MAC_B_WAN, "192.168.10.3");
    cr_assert_eq(sent(0), 0);
}

Test(mc_iom, group_without_mc_ipsec_answers_nothing_for_its_gateway)
{
    mastership(2, true); /* hostile: names a group that is not MC */
    drain(0);
    arp_request("192.168.0.100", MAC_PEER, "192.168.20.3");
    cr_assert_eq(sent(0), 0);
    cr_assert_not(iom->ifs[2]->mc_standby);
}

Test(mc_iom, becoming_master_announces_twice)
{
    mastership(1, true);
    /* two IPv4 gateways: a gratuitous ARP each; the IPv6 one: an unsolicited NA */
    cr_assert_eq(sent(0), 3);
    bool g3 = false, g2 = false, na = false;
    for (unsigned i = 0; i < 3; i++) {
        g3 |= is_garp(frame(0, i), "192.168.10.3");
        g2 |= is_garp(frame(0, i), "192.168.10.2");
        na |= is_na(frame(0, i), "2001:db8:10::3", false);
    }
    cr_assert(g3 && g2 && na);
    drain(0);
    cr_assert_eq(sent(1), 0, "nothing on the private service's port");
    iom_mc_garp_again(iom);
    cr_assert_eq(sent(0), 0, "not before 300 ms");
    usleep(300 * 1000);
    iom_mc_garp_again(iom);
    cr_assert_eq(sent(0), 3);
    drain(0);
    iom_mc_garp_again(iom);
    cr_assert_eq(sent(0), 0, "twice only");
    /* already master: no announcement */
    mastership(1, true);
    cr_assert_eq(sent(0), 0);
}

Test(mc_iom, second_announcement_skipped_when_no_longer_master)
{
    mastership(1, true);
    drain(0);
    mastership(1, false);
    usleep(300 * 1000);
    iom_mc_garp_again(iom);
    cr_assert_eq(sent(0), 0);
}

Test(mc_iom, master_answers_ns_for_its_ipv6_gateway)
{
    uint8_t p[72] = { 0x60, 0, 0, 0, 0, 32, 58, 255 };
    ip("2001:db8::100", p + 8);
    ip("ff02::1:ff00:3", p + 24);
    uint8_t *icmp = p + 40;
    icmp[0] = 135;
    ip("2001:db8:10::3", icmp + 8);
    icmp[24] = 1;
    icmp[25] = 1;
    memcpy(icmp + 26, MAC_PEER, 6);
    wr16(icmp + 2, csum_fold(csum_add(csum_pseudo6(p + 8, p + 24, 58, 32), icmp, 32)));
    rx(0, MAC_PEER, ETHERTYPE_IPV6, p, sizeof p);
    cr_assert_eq(sent(0), 0, "standby: silent");
    mastership(1, true);
    drain(0);
    rx(0, MAC_PEER, ETHERTYPE_IPV6, p, sizeof p);
    cr_assert_eq(sent(0), 1);
    cr_assert(is_na(frame(0, 0), "2001:db8:10::3", true));
    cr_assert_arr_eq(frame(0, 0), MAC_PEER, 6);
}

Test(mc_iom, standby_shunts_ike_and_esp_to_the_redundant_next_hop)
{
    uint8_t proto[2] = { 50, 17 };
    for (int i = 0; i < 2; i++) {
        esp(0, MAC_PEER, "192.168.0.100", "192.168.10.3", proto[i]);
        cr_assert_eq(sent(0), 1);
        const uint8_t *f = frame(0, 0);
        cr_assert_arr_eq(f, MAC_B_WAN, 6);
        cr_assert_arr_eq(f + 6, MAC_WAN, 6);
        cr_assert_eq(f[14 + 8], 63, "TTL down by one");
        cr_assert_eq(inet_csum(f + 14, 20), 0);
        uint8_t dst[4];
        ip("192.168.10.3", dst);
        cr_assert_arr_eq(f + 14 + 16, dst, 4, "unchanged");
        drain(0);
    }
    /* a static tunnel's gateway: its (here the same) next hop */
    esp(0, MAC_PEER, "192.168.0.100", "192.168.10.2", 50);
    cr_assert_eq(sent(0), 1);
    drain(0);
    struct counters c = counters();
    cr_assert_eq(c.pub_pkts, 3);
    cr_assert_eq(c.pub_octets, 300);
    cr_assert_eq(c.tg1_pub_pkts, 3);
    cr_assert_eq(c.priv_pkts, 0);
    cr_assert(c.tg1_listed);
    cr_assert_not(c.tg2_listed);
}

Test(mc_iom, standby_shunts_clear_traffic_by_route)
{
    /* a static route into the ipsec-tunnel: static-tunnel-redundant-next-hop */
    esp(1, MAC_HOST, "10.10.0.10", "10.20.0.5", 17);
    cr_assert_eq(sent(1), 1);
    cr_assert_arr_eq(frame(1, 0), MAC_B_LAN, 6);
    drain(1);
    /* a reverse route of the gateway's tunnel: dynamic-tunnel-redundant-next-hop */
    esp(1, MAC_HOST, "10.10.0.10", "10.30.0.5", 17);
    cr_assert_eq(sent(1), 1);
    cr_assert_arr_eq(frame(1, 0), MAC_B_LAN2, 6);
    cr_assert_eq(frame(1, 0)[14 + 8], 63);
    struct counters c = counters();
    cr_assert_eq(c.priv_pkts, 2);
    cr_assert_eq(c.priv_octets, 200);
    cr_assert_eq(c.tg1_priv_pkts, 2);
    cr_assert_eq(c.pub_pkts, 0);
}

Test(mc_iom, never_back_to_where_it_came_from)
{
    uint64_t before = drops(DROP_MC_SHUNT_LOOP);
    /* the other chassis shunted it here: its next hop is that chassis */
    esp(0, MAC_B_WAN, "192.168.0.100", "192.168.10.3", 50);
    cr_assert_eq(sent(0), 0);
    cr_assert_eq(drops(DROP_MC_SHUNT_LOOP), before + 1);
    esp(1, MAC_B_LAN, "10.10.0.10", "10.20.0.5", 17);
    cr_assert_eq(sent(1), 0);
    cr_assert_eq(drops(DROP_MC_SHUNT_LOOP), before + 2);
    cr_assert_eq(counters().pub_pkts, 0);
}

Test(mc_iom, no_tunnel_address_or_no_next_hop_drops_mc_standby)
{
    uint64_t before = drops(DROP_MC_STANDBY);
    esp(0, MAC_PEER, "192.168.0.100", "192.168.10.77", 50);
    cr_assert_eq(sent(0), 0);
    cr_assert_eq(drops(DROP_MC_STANDBY), before + 1);
    /* without a redundant next hop */
    cs.ifs[1].dynamic_tunnel_rnh = "";
    char err[256];
    cr_assert_eq(iom_apply_config(iom, 2, &cs.cfg, err, sizeof err), 0);
    esp(0, MAC_PEER, "192.168.0.100", "192.168.10.3", 50);
    cr_assert_eq(sent(0), 0);
    cr_assert_eq(drops(DROP_MC_STANDBY), before + 2);
}

Test(mc_iom, master_hands_to_the_isa)
{
    mastership(1, true);
    drain(0);
    uint64_t to_isa = iom->to_isa_pkts + drops(DROP_HANDOFF);
    esp(0, MAC_PEER, "192.168.0.100", "192.168.10.3", 50);
    cr_assert_eq(sent(0), 0);
    cr_assert_eq(iom->to_isa_pkts + drops(DROP_HANDOFF), to_isa + 1);
    cr_assert_eq(counters().pub_pkts, 0);
}

Test(mc_iom, config_push_carries_the_state_too)
{
    build_config(true);
    char err[256];
    cr_assert_eq(iom_apply_config(iom, 2, &cs.cfg, err, sizeof err), 0);
    cr_assert_not(iom->ifs[1]->mc_standby);
    cr_assert(iom_mc_owns(iom, iom->ifs[0], AF_INET, (uint8_t[]){ 192, 168, 10, 3 }));
    /* the latest state wins: a McMastership after it */
    mastership(1, false);
    cr_assert(iom->ifs[1]->mc_standby);
    cr_assert_not(iom_mc_owns(iom, iom->ifs[0], AF_INET, (uint8_t[]){ 192, 168, 10, 3 }));
}

Test(mc_iom, hostile_mastership_changes_nothing)
{
    Srlab__McMastership empty = SRLAB__MC_MASTERSHIP__INIT;
    iom_mc_mastership(iom, &empty);
    iom_mc_mastership(iom, NULL);
    Srlab__McGroupState a = SRLAB__MC_GROUP_STATE__INIT, b = SRLAB__MC_GROUP_STATE__INIT;
    a.group = 0;
    a.forwarding = true;
    b.group = 4000000000u;
    b.forwarding = true;
    Srlab__McGroupState *list[3] = { &a, NULL, &b };
    Srlab__McMastership m = SRLAB__MC_MASTERSHIP__INIT;
    m.groups = list;
    m.n_groups = 3;
    iom_mc_mastership(iom, &m);
    cr_assert(iom->ifs[1]->mc_standby);
    cr_assert_eq(sent(0), 0);
    arp_request("192.168.0.100", MAC_PEER, "192.168.10.3");
    cr_assert_eq(sent(0), 0);
}

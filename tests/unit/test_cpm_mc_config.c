/* cpm's MC-IPsec configuration: redundancy multi-chassis and the redundant
 * next hops of interfaces; parsed, validated, printed back by
 * admin display-config and loaded again to the same text. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpm/config.h"
#include "cpm/config_parse.h"
#include "cpm/config_validate.h"

static struct cfg_tree *tree;

/* Two multi-active groups and one single-active; an IES public interface
 * and a VPRN private tunnel interface. */
static const char *const BASE =
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
    "    card 2\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type isa2-tunnel\n"
    "        exit\n"
    "        mda 2\n"
    "            mda-type isa2-tunnel\n"
    "        exit\n"
    "    exit\n"
    "    isa\n"
    "        tunnel-group 1 create\n"
    "            multi-active\n"
    "            active-mda-number 1\n"
    "            mda 1/2\n"
    "            no shutdown\n"
    "        exit\n"
    "        tunnel-group 2 create\n"
    "            multi-active\n"
    "            active-mda-number 1\n"
    "            mda 2/1\n"
    "            no shutdown\n"
    "        exit\n"
    "        tunnel-group 3 create\n"
    "            primary 2/2\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

/* Everything the MC-IPsec configuration has, in display-config's order and
 * indentation (as it prints it back, sections aside). */
static const char *const MC =
    "configure\n"
    "    redundancy\n"
    "        multi-chassis\n"
    "            peer 192.0.2.2 create\n"
    "                description \"chassis-b\"\n"
    "                source-address 192.0.2.1\n"
    "                sync\n"
    "                    ipsec\n"
    "                    tunnel-group 1 sync-tag \"tg1\" create\n"
    "                    tunnel-group 2 sync-tag \"tg2\" create\n"
    "                    no shutdown\n"
    "                exit\n"
    "                mc-ipsec\n"
    "                    bfd-enable\n"
    "                    discovery-interval 5 boot 10\n"
    "                    keep-alive-interval 5\n"
    "                    hold-on-neighbor-failure 4\n"
    "                    tunnel-group 1 create\n"
    "                        peer-group 3\n"
    "                        priority 200\n"
    "                        no shutdown\n"
    "                    exit\n"
    "                    tunnel-group 2 create\n"
    "                        shutdown\n"
    "                    exit\n"
    "                exit\n"
    "                no shutdown\n"
    "            exit\n"
    "        exit\n"
    "    exit\n"
    "    service\n"
    "        ies 100 customer 1 create\n"
    "            interface \"public\" create\n"
    "                address 172.16.0.1/24\n"
    "                static-tunnel-redundant-next-hop 172.16.0.2\n"
    "                dynamic-tunnel-redundant-next-hop 172.16.0.2\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "        vprn 200 customer 1 create\n"
    "            interface \"private\" tunnel create\n"
    "                address 10.1.0.1/30\n"
    "                ipv6\n"
    "                    address 2001:db8::1/64\n"
    "                exit\n"
    "                static-tunnel-redundant-next-hop 10.1.0.2\n"
    "                dynamic-tunnel-redundant-next-hop 2001:db8::2\n"
    "                sap tunnel-1.private:1 create\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

static const char *const MC_DISPLAY =
    "exit all\n"
    "configure\n"
    "#--------------------------------------------------\n"
    "echo \"Redundancy Configuration\"\n"
    "#--------------------------------------------------\n"
    "    redundancy\n"
    "        multi-chassis\n"
    "            peer 192.0.2.2 create\n"
    "                description \"chassis-b\"\n"
    "                source-address 192.0.2.1\n"
    "                sync\n"
    "                    ipsec\n"
    "                    tunnel-group 1 sync-tag \"tg1\" create\n"
    "                    tunnel-group 2 sync-tag \"tg2\" create\n"
    "                    no shutdown\n"
    "                exit\n"
    "                mc-ipsec\n"
    "                    bfd-enable\n"
    "                    discovery-interval 5 boot 10\n"
    "                    keep-alive-interval 5\n"
    "                    hold-on-neighbor-failure 4\n"
    "                    tunnel-group 1 create\n"
    "                        peer-group 3\n"
    "                        priority 200\n"
    "                        no shutdown\n"
    "                    exit\n"
    "                    tunnel-group 2 create\n"
    "                        shutdown\n"
    "                    exit\n"
    "                exit\n"
    "                no shutdown\n"
    "            exit\n"
    "        exit\n"
    "    exit\n"
    "#--------------------------------------------------\n"
    "echo \"Service Configuration\"\n"
    "#--------------------------------------------------\n"
    "    service\n"
    "        ies 100 customer 1 create\n"
    "            interface \"public\" create\n"
    "                address 172.16.0.1/24\n"
    "                static-tunnel-redundant-next-hop 172.16.0.2\n"
    "                dynamic-tunnel-redundant-next-hop 172.16.0.2\n"
    "                no shutdown\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "        vprn 200 customer 1 create\n"
    "            interface \"private\" tunnel create\n"
    "                address 10.1.0.1/30\n"
    "                ipv6\n"
    "                    address 2001:db8::1/64\n"
    "                exit\n"
    "                static-tunnel-redundant-next-hop 10.1.0.2\n"
    "                dynamic-tunnel-redundant-next-hop 2001:db8::2\n"
    "                sap tunnel-1.private:1 create\n"
    "                    no shutdown\n"
    "                exit\n"
    "                no shutdown\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

/* Applies text (which must apply) and validates; commits when valid, rolls
 * back when not. msg gets the formatted error. */
static int check(const char *text, char *msg, size_t len)
{
    struct cfg_txn *txn = cfg_txn_begin(tree);
    struct cfg_error e = { 0 };
    if (cfg_apply_text(txn, text, &e) != 0) {
        cfg_error_format(&e, msg, len);
        cfg_txn_rollback(&txn);
        return -2;
    }
    int rc = cfg_validate(txn, NULL, &e);
    if (rc == 0) {
        cfg_txn_commit(&txn);
        msg[0] = 0;
    } else {
        cfg_error_format(&e, msg, len);
        cfg_txn_rollback(&txn);
    }
    return rc;
}

static void expect_valid(const char *text)
{
    char msg[512];
    cr_expect_eq(check(text, msg, sizeof msg), 0, "%s", msg);
}

/* rc -1: refused by validation; -2: by the parser */
static void expect_refused(int rc, const char *text, const char *want)
{
    char msg[512];
    cr_expect_eq(check(text, msg, sizeof msg), rc, "accepted or refused otherwise:\n%s\n%s", text,
                 msg);
    cr_expect_str_eq(msg, want);
}

/* display-config minus BASE's sections */
static char *display_mc(struct cfg_tree *t)
{
    char *d = cfg_display(t, NULL);
    const char *from = strstr(d, "#--------------------------------------------------\n"
                                 "echo \"Redundancy Configuration\"");
    cr_assert(from, "no Redundancy section in:\n%s", d);
    char *out = malloc(strlen(d) + 32);
    sprintf(out, "exit all\nconfigure\n%s", from);
    free(d);
    return out;
}

static void setup(void)
{
    char err[256];
    cr_assert_eq(schema_init(err, sizeof err), 0, "%s", err);
    tree = cfg_tree_new();
    char msg[512];
    cr_assert_eq(check(BASE, msg, sizeof msg), 0, "BASE: %s", msg);
}

static void teardown(void)
{
    cfg_tree_free(&tree);
}

TestSuite(mc_config, .init = setup, .fini = teardown);

Test(mc_config, display_config_prints_it_all_back)
{
    expect_valid(MC);
    char *d = display_mc(tree);
    cr_expect_str_eq(d, MC_DISPLAY);
    free(d);
}

Test(mc_config, display_config_reloads_to_the_same_text)
{
    expect_valid(MC);
    char *d1 = cfg_display(tree, NULL);
    struct cfg_tree *t2 = cfg_tree_new();
    struct cfg_txn *txn = cfg_txn_begin(t2);
    struct cfg_error e = { 0 };
    cr_assert_eq(cfg_apply_text(txn, d1, &e), 0, "%s", e.reason);
    cr_assert_eq(cfg_validate(txn, NULL, &e), 0, "%s", e.reason);
    cfg_txn_commit(&txn);
    char *d2 = cfg_display(t2, NULL);
    cr_expect_str_eq(d2, d1);
    free(d1);
    free(d2);
    cfg_tree_free(&t2);
}

Test(mc_config, defaults_print_nothing)
{
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 create\n"
                 "configure redundancy multi-chassis peer 192.0.2.2 source-address 192.0.2.1\n"
                 "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec tunnel-group 1 "
                 "create\n");
    char *d = display_mc(tree);
    cr_expect_str_eq(d, "exit all\n"
                        "configure\n"
                        "#--------------------------------------------------\n"
                        "echo \"Redundancy Configuration\"\n"
                        "#--------------------------------------------------\n"
                        "    redundancy\n"
                        "        multi-chassis\n"
                        "            peer 192.0.2.2 create\n"
                        "                source-address 192.0.2.1\n"
                        "                mc-ipsec\n"
                        "                    tunnel-group 1 create\n"
                        "                        shutdown\n"
                        "                    exit\n"
                        "                exit\n"
                        "                shutdown\n"
                        "            exit\n"
                        "        exit\n"
                        "    exit\n"
                        "exit all\n");
    free(d);
}

Test(mc_config, sync_tunnel_group_needs_create_and_a_tag)
{
    const char *peer = "configure redundancy multi-chassis peer 192.0.2.2 create\n";
    expect_valid(peer);
    expect_refused(-2, "configure redundancy multi-chassis peer 192.0.2.2 sync tunnel-group 1 "
                       "sync-tag \"a\"\n",
                   "line 1: 'tunnel-group': tunnel-group 1 sync-tag \"a\" does not exist: add "
                   "'create' to create it");
    expect_refused(-2, "configure redundancy multi-chassis peer 192.0.2.2 sync tunnel-group 1 "
                       "create\n",
                   "line 1: 'tunnel-group': creating tunnel-group 1 needs 'sync-tag <value>'");
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 sync tunnel-group 1 sync-tag "
                 "\"a\" create\n");
    /* the tag may change; `no` removes the entry by its id */
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 sync tunnel-group 1 sync-tag "
                 "\"b\"\n");
    struct cfg_node *peer_n = cfg_child(cfg_child(cfg_child(tree->root, "redundancy"),
                                                  "multi-chassis"), "peer");
    struct cfg_node *st = cfg_child(cfg_child(peer_n, "sync"), "tunnel-group");
    cr_assert(st);
    cr_expect_str_eq(cfg_get(st, "sync-tag"), "b");
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 sync no tunnel-group 1\n");
    cr_expect_null(cfg_child(cfg_child(peer_n, "sync"), "tunnel-group"));
}

Test(mc_config, ranges_are_checked)
{
    const char *p = "configure redundancy multi-chassis peer 192.0.2.2 create\n";
    expect_valid(p);
    expect_refused(-2, "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec "
                       "keep-alive-interval 4\n",
                   "line 1: '4': '4' is not a number in range 5..500");
    expect_refused(-2, "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec "
                       "tunnel-group 17 create\n",
                   "line 1: '17': '17' is not a number in range 1..16");
}

Test(mc_config, mc_ipsec_needs_a_multi_active_group)
{
    expect_refused(-1,
                   "configure redundancy multi-chassis peer 192.0.2.2 create\n"
                   "configure redundancy multi-chassis peer 192.0.2.2 source-address 192.0.2.1\n"
                   "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec tunnel-group 3 "
                   "create\n",
                   "line 3: '3': tunnel-group 3 is single-active: MC-IPsec is only supported on "
                   "multi-active tunnel groups");
    expect_refused(-1,
                   "configure redundancy multi-chassis peer 192.0.2.2 create\n"
                   "configure redundancy multi-chassis peer 192.0.2.2 source-address 192.0.2.1\n"
                   "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec tunnel-group 9 "
                   "create\n",
                   "line 3: '9': multi-chassis peer 192.0.2.2: mc-ipsec tunnel-group 9 does not "
                   "exist");
}

Test(mc_config, mc_ipsec_needs_a_source_address)
{
    expect_refused(-1,
                   "configure redundancy multi-chassis peer 192.0.2.2 create\n"
                   "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec\n",
                   "line 2: 'mc-ipsec': multi-chassis peer 192.0.2.2: mc-ipsec needs a "
                   "source-address (MIMP and MCS are sent from it)");
    expect_valid(MC);
    expect_refused(-1, "configure redundancy multi-chassis peer 192.0.2.2 no source-address\n",
                   "line 1: 'mc-ipsec': multi-chassis peer 192.0.2.2: mc-ipsec needs a "
                   "source-address (MIMP and MCS are sent from it)");
    expect_refused(-1, "configure redundancy multi-chassis peer 192.0.2.2 source-address 2001:db8::1\n",
                   "line 1: '2001:db8::1': multi-chassis peer 192.0.2.2: source-address "
                   "2001:db8::1 is IPv6, the peer is IPv4");
}

Test(mc_config, a_group_has_one_mc_ipsec_peer)
{
    expect_valid(MC);
    expect_refused(-1,
                   "configure redundancy multi-chassis peer 192.0.2.3 create\n"
                   "configure redundancy multi-chassis peer 192.0.2.3 source-address 192.0.2.1\n"
                   "configure redundancy multi-chassis peer 192.0.2.3 mc-ipsec tunnel-group 1 "
                   "create\n",
                   "line 3: '1': tunnel-group 1 is already in mc-ipsec of multi-chassis peer "
                   "192.0.2.2: a tunnel group has one MC-IPsec peer");
    /* two of ours cannot pair with one of the peer's */
    expect_refused(-1,
                   "configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec tunnel-group 2 "
                   "peer-group 3\n",
                   "line 1: '3': multi-chassis peer 192.0.2.2: tunnel-group 1 and 2 both pair "
                   "with the peer's tunnel-group 3");
}

Test(mc_config, a_group_in_mc_ipsec_cannot_be_deleted)
{
    expect_valid(MC);
    expect_refused(-1,
                   "configure isa tunnel-group 2 shutdown\n"
                   "configure isa no tunnel-group 2\n",
                   "line 2: '2': tunnel-group 2 is used by sync of multi-chassis peer 192.0.2.2 "
                   "and cannot be deleted");
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 sync no tunnel-group 2\n");
    expect_refused(-1,
                   "configure isa tunnel-group 2 shutdown\n"
                   "configure isa no tunnel-group 2\n",
                   "line 2: '2': tunnel-group 2 is used by mc-ipsec of multi-chassis peer "
                   "192.0.2.2 and cannot be deleted");
    /* nor turned single-active while it is there */
    expect_refused(-1,
                   "configure isa tunnel-group 2 shutdown\n"
                   "configure isa tunnel-group 2 no mda 2/1\n"
                   "configure isa tunnel-group 2 no active-mda-number\n"
                   "configure isa tunnel-group 2 no multi-active\n",
                   "line 4: '2': tunnel-group 2 is single-active: MC-IPsec is only supported on "
                   "multi-active tunnel groups");
    expect_valid("configure redundancy multi-chassis peer 192.0.2.2 mc-ipsec no tunnel-group 2\n"
                 "configure isa tunnel-group 2 shutdown\n"
                 "configure isa no tunnel-group 2\n");
}

Test(mc_config, redundant_next_hop_family_matches_the_interface)
{
    expect_refused(-1,
                   "configure service ies 100 customer 1 create\n"
                   "configure service ies 100 interface \"public\" create\n"
                   "configure service ies 100 interface \"public\" address 172.16.0.1/24\n"
                   "configure service ies 100 interface \"public\" "
                   "static-tunnel-redundant-next-hop 2001:db8::2\n",
                   "line 4: '2001:db8::2': ies 100 interface \"public\": "
                   "static-tunnel-redundant-next-hop 2001:db8::2 is IPv6 but the interface has "
                   "no IPv6 address");
    expect_refused(-1,
                   "configure service vprn 200 customer 1 create\n"
                   "configure service vprn 200 interface \"private\" tunnel create\n"
                   "configure service vprn 200 interface \"private\" "
                   "dynamic-tunnel-redundant-next-hop 10.1.0.2\n",
                   "line 3: '10.1.0.2': vprn 200 interface \"private\": "
                   "dynamic-tunnel-redundant-next-hop 10.1.0.2 is IPv4 but the interface has no "
                   "IPv4 address");
    expect_refused(-2,
                   "configure service ies 100 customer 1 create\n"
                   "configure service ies 100 interface \"public\" create\n"
                   "configure service ies 100 interface \"public\" "
                   "static-tunnel-redundant-next-hop 172.16.0\n",
                   "line 3: '172.16.0': '172.16.0' is not a valid IP address");
}

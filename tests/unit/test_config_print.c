/* cpm/config_print.c: admin display-config. What it prints must load again
 * into the same configuration, byte for byte, and look like the router's. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cpm/config.h"
#include "cpm/config_parse.h"

static void setup(void)
{
    char err[256];
    cr_assert_eq(schema_init(err, sizeof err), 0, "%s", err);
}

TestSuite(print, .init = setup);

/* A fresh tree holding text, committed; fails the test if it does not apply. */
static struct cfg_tree *load(const char *text)
{
    struct cfg_tree *t = cfg_tree_new();
    struct cfg_txn *txn = cfg_txn_begin(t);
    struct cfg_error e = { 0 };
    char msg[512];
    if (cfg_apply_text(txn, text, &e) != 0) {
        cfg_error_format(&e, msg, sizeof msg);
        cfg_txn_rollback(&txn);
        cfg_tree_free(&t);
        cr_assert_fail("does not load: %s", msg);
    }
    cfg_txn_commit(&txn);
    return t;
}

/* display-config of text loaded, loaded again and printed again: identical. */
static char *round_trip(const char *text)
{
    struct cfg_tree *t1 = load(text);
    char *d1 = cfg_display(t1, NULL);
    struct cfg_tree *t2 = load(d1);
    char *d2 = cfg_display(t2, NULL);
    cr_expect_str_eq(d2, d1);
    free(d2);
    cfg_tree_free(&t1);
    cfg_tree_free(&t2);
    return d1;
}

static const char *const CHASSIS =
    "configure\n"
    "    system\n"
    "        name \"PE-1\"\n"
    "        location \"lab \\\"rack\\\" 3\"\n"
    "    exit\n"
    "    card 10\n"
    "        card-type iom5-e\n"
    "        mda 1\n"
    "            mda-type me40-1gb-csfp\n"
    "        exit\n"
    "    exit\n"
    "    card 1\n"
    "        card-type iom4-e\n"
    "        mda 2\n"
    "            mda-type isa2-tunnel\n"
    "        exit\n"
    "        mda 1\n"
    "            mda-type me10-10gb-sfp+\n"
    "        exit\n"
    "    exit\n"
    "    card 2\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type isa2-tunnel\n"
    "        exit\n"
    "        mda 2\n"
    "            mda-type isa2-tunnel\n"
    "            shutdown\n"
    "        exit\n"
    "    exit\n"
    "    port 1/1/10 description \"core\" \n"
    "    port 1/1/10 no shutdown\n"
    "    port 1/1/1\n"
    "        description \"access to CE\"\n"
    "        ethernet\n"
    "            mode access\n"
    "            encap-type dot1q\n"
    "            mtu 9212\n"
    "        exit\n"
    "        no shutdown\n"
    "    exit\n"
    "    port 1/1/2 ethernet mode access\n"
    "    port 10/1/2 ethernet mode network\n"
    "    isa\n"
    "        tunnel-group 2 isa-scale-mode tunnel-limit-2k create\n"
    "            multi-active\n"
    "            active-mda-number 1\n"
    "            mda 2/2\n"
    "            reassembly\n"
    "            ipsec-responder-only\n"
    "            no shutdown\n"
    "        exit\n"
    "        tunnel-group 1 create\n"
    "            description \"single active\"\n"
    "            primary 1/2\n"
    "            backup 2/1\n"
    "            reassembly 1200\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "    redundancy multi-chassis\n"
    "        peer 10.0.0.0 create\n"
    "            source-address 10.0.0.1\n"
    "            sync\n"
    "                tunnel-group 2 sync-tag \"tg-2\" create\n"
    "                ipsec\n"
    "                no shutdown\n"
    "            exit\n"
    "            mc-ipsec\n"
    "                tunnel-group 2 create\n"
    "                    priority 150\n"
    "                    no shutdown\n"
    "                exit\n"
    "                discovery-interval 30\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "    service\n"
    "        customer 2 create\n"
    "            description \"second customer\"\n"
    "        exit\n"
    "        vprn 200 name \"blue\" customer 2 create\n"
    "            route-distinguisher 65000:200\n"
    "            interface \"lan\" create\n"
    "                address 10.1.1.1/24\n"
    "                ipv6\n"
    "                    address 2001:DB8:1::1/64\n"
    "                    address 2001:db8:2::1/64\n"
    "                exit\n"
    "                sap 1/1/1:200 create\n"
    "                    description \"CE-1\"\n"
    "                exit\n"
    "            exit\n"
    "            interface \"private\" tunnel create\n"
    "                dynamic-tunnel-redundant-next-hop 10.255.0.2\n"
    "                address 10.255.0.1/30\n"
    "                sap tunnel-1.private:200 create\n"
    "                exit\n"
    "            exit\n"
    "            static-route-entry 10.20.0.0/16\n"
    "                next-hop 10.1.1.2\n"
    "                    no shutdown\n"
    "                exit\n"
    "            exit\n"
    "            static-route-entry 0.0.0.0/0\n"
    "                black-hole\n"
    "                    no shutdown\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "        ies 100 customer 1 create\n"
    "            description \"public\"\n"
    "            interface \"public\" create\n"
    "                address 192.0.2.1/24\n"
    "                sap 1/1/1:100 create\n"
    "                exit\n"
    "            exit\n"
    "            interface \"tunnels\" tunnel create\n"
    "                address 172.16.0.1/30\n"
    "                sap tunnel-1.private:1 create\n"
    "                    shutdown\n"
    "                exit\n"
    "            exit\n"
    "            no shutdown\n"
    "        exit\n"
    "    exit\n"
    "    router\n"
    "        router-id 192.0.2.255\n"
    "        autonomous-system 65000\n"
    "        interface \"system\"\n"
    "            address 192.0.2.255/32\n"
    "        exit\n"
    "        interface \"to-core\"\n"
    "            address 10.0.0.1/31\n"
    "            port 1/1/10\n"
    "            ipv6\n"
    "                address 2001:db8::1/127\n"
    "            exit\n"
    "        exit\n"
    "        interface \"to-dc\"\n"
    "            port 10/1/2\n"
    "            address 10.0.1.1/31\n"
    "            shutdown\n"
    "        exit\n"
    "        static-route-entry 198.51.100.0/24\n"
    "            next-hop 10.0.0.0\n"
    "                no shutdown\n"
    "            exit\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

Test(print, chassis_round_trip)
{
    char *d = round_trip(CHASSIS);
    /* spot checks on what the round trip alone cannot see */
    const char *c2 = strstr(d, "\n    card 2\n"), *c10 = strstr(d, "\n    card 10\n");
    cr_expect(c2 && c10 && c2 < c10, "card 2 prints before card 10");
    const char *p2 = strstr(d, "\n    port 1/1/2\n"), *p10 = strstr(d, "\n    port 1/1/10\n");
    cr_expect(p2 && p10 && p2 < p10, "port 1/1/2 prints before port 1/1/10");
    const char *t1 = strstr(d, "tunnel-group 1 create\n");
    const char *t2 = strstr(d, "tunnel-group 2 isa-scale-mode tunnel-limit-2k create\n");
    cr_expect(t1 && t2 && t1 < t2);
    cr_expect_not_null(strstr(d, "                    address 2001:db8:1::1/64\n"));
    cr_expect_not_null(strstr(d, "        location \"lab \\\"rack\\\" 3\"\n"));
    cr_expect_not_null(strstr(d, "            interface \"private\" tunnel create\n"));
    cr_expect_not_null(strstr(d, "                sap tunnel-1.private:200 create\n"
                                 "                    no shutdown\n"));
    const char *ies = strstr(d, "        ies 100 customer 1 create\n");
    const char *vprn = strstr(d, "        vprn 200 name \"blue\" customer 2 create\n");
    cr_expect(ies && vprn && ies < vprn, "ies before vprn, as listed in the schema");
    /* MC-IPsec: sync before mc-ipsec, leaves before lists, whatever the input order */
    cr_expect_not_null(strstr(d, "                sync\n"
                                 "                    ipsec\n"
                                 "                    tunnel-group 2 sync-tag \"tg-2\" create\n"
                                 "                    no shutdown\n"
                                 "                exit\n"
                                 "                mc-ipsec\n"
                                 "                    discovery-interval 30\n"
                                 "                    tunnel-group 2 create\n"
                                 "                        priority 150\n"
                                 "                        no shutdown\n"
                                 "                    exit\n"
                                 "                exit\n"
                                 "                no shutdown\n"));
    cr_expect_not_null(strstr(d, "                address 10.255.0.1/30\n"
                                 "                dynamic-tunnel-redundant-next-hop 10.255.0.2\n"));
    const char *sys = strstr(d, "interface \"system\"\n");
    const char *core = strstr(d, "interface \"to-core\"\n");
    cr_expect(sys && core && sys < core, "router interfaces keep their creation order");
    free(d);
}

Test(print, display_of_a_display_is_stable_twice)
{
    char *d1 = round_trip(CHASSIS);
    char *d2 = round_trip(d1);
    cr_expect_str_eq(d2, d1);
    free(d1);
    free(d2);
}

static const char *const SMALL =
    "configure\n"
    "    card 10\n"
    "        card-type iom4-e\n"
    "    exit\n"
    "    card 2\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type me10-10gb-sfp+\n"
    "        exit\n"
    "    exit\n"
    "    port 2/1/1\n"
    "        ethernet\n"
    "            encap-type dot1q\n"
    "            mode access\n"
    "        exit\n"
    "        description uplink\n"
    "        no shutdown\n"
    "    exit\n"
    "    service\n"
    "        vprn 10 customer 1 create\n"
    "            interface \"zeta\" create\n"
    "                address 10.0.0.1/24\n"
    "            exit\n"
    "            interface \"alpha\" create\n"
    "                address 10.0.1.1/24\n"
    "                shutdown\n"
    "            exit\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

static const char *const SMALL_DISPLAY =
    "exit all\n"
    "configure\n"
    "#--------------------------------------------------\n"
    "echo \"Card Configuration\"\n"
    "#--------------------------------------------------\n"
    "    card 2\n"
    "        card-type iom4-e\n"
    "        mda 1\n"
    "            mda-type me10-10gb-sfp+\n"
    "            no shutdown\n"
    "        exit\n"
    "        no shutdown\n"
    "    exit\n"
    "    card 10\n"
    "        card-type iom4-e\n"
    "        no shutdown\n"
    "    exit\n"
    "#--------------------------------------------------\n"
    "echo \"Port Configuration\"\n"
    "#--------------------------------------------------\n"
    "    port 2/1/1\n"
    "        description \"uplink\"\n"
    "        ethernet\n"
    "            mode access\n"
    "            encap-type dot1q\n"
    "        exit\n"
    "        no shutdown\n"
    "    exit\n"
    "#--------------------------------------------------\n"
    "echo \"Service Configuration\"\n"
    "#--------------------------------------------------\n"
    "    service\n"
    "        vprn 10 customer 1 create\n"
    "            interface \"zeta\" create\n"
    "                address 10.0.0.1/24\n"
    "                no shutdown\n"
    "            exit\n"
    "            interface \"alpha\" create\n"
    "                address 10.0.1.1/24\n"
    "                shutdown\n"
    "            exit\n"
    "            shutdown\n"
    "        exit\n"
    "    exit\n"
    "exit all\n";

Test(print, exact_text_of_a_small_config)
{
    struct cfg_tree *t = load(SMALL);
    char *d = cfg_display(t, NULL);
    cr_expect_str_eq(d, SMALL_DISPLAY);
    free(d);
    cfg_tree_free(&t);
}

Test(print, banner_comes_first)
{
    struct cfg_tree *t = load("configure card 3\n");
    char *d = cfg_display(t, "# TiMOS-C-20.10.R1\n# Generated by srlab\n");
    cr_expect_str_eq(d, "# TiMOS-C-20.10.R1\n# Generated by srlab\n"
                        "exit all\n"
                        "configure\n"
                        "#--------------------------------------------------\n"
                        "echo \"Card Configuration\"\n"
                        "#--------------------------------------------------\n"
                        "    card 3\n"
                        "        no shutdown\n"
                        "    exit\n"
                        "exit all\n");
    free(d);
    cfg_tree_free(&t);
}

Test(print, empty_tree_and_empty_containers)
{
    /* an empty `service` or `ethernet` is not worth a line; ipv6 is a presence container */
    struct cfg_tree *t = load("configure service\nconfigure port 1/1/1 ethernet\n"
                              "configure router interface \"x\" ipv6\n");
    char *d = cfg_display(t, NULL);
    cr_expect_str_eq(d, "exit all\n"
                        "configure\n"
                        "#--------------------------------------------------\n"
                        "echo \"Port Configuration\"\n"
                        "#--------------------------------------------------\n"
                        "    port 1/1/1\n"
                        "        shutdown\n"
                        "    exit\n"
                        "#--------------------------------------------------\n"
                        "echo \"Router (Network Side) Configuration\"\n"
                        "#--------------------------------------------------\n"
                        "    router\n"
                        "        interface \"x\"\n"
                        "            ipv6\n"
                        "            exit\n"
                        "            no shutdown\n"
                        "        exit\n"
                        "    exit\n"
                        "exit all\n");
    free(d);
    cfg_tree_free(&t);

    t = cfg_tree_new();
    d = cfg_display(t, NULL);
    cr_expect_str_eq(d, "exit all\nconfigure\nexit all\n");
    free(d);
    cfg_tree_free(&t);
}

Test(print, recreated_interface_goes_last)
{
    struct cfg_tree *t = load("configure service vprn 1 customer 1 create\n"
                              "configure service vprn 1 interface \"a\" create shutdown\n"
                              "configure service vprn 1 interface \"b\" create\n"
                              "configure service vprn 1 no interface \"a\"\n"
                              "configure service vprn 1 interface \"a\" create\n");
    char *info = cfg_info(cfg_find(t, cfg_child(t->root, "service"), "vprn", "1"));
    cr_expect_str_eq(info, "interface \"b\" create\n"
                           "    no shutdown\n"
                           "exit\n"
                           "interface \"a\" create\n"
                           "    no shutdown\n"
                           "exit\n"
                           "shutdown\n");
    free(info);
    cfg_tree_free(&t);
}

Test(print, info_of_one_node)
{
    struct cfg_tree *t = load(SMALL);
    char *info = cfg_info(cfg_find(t, t->root, "port", "2/1/1"));
    cr_expect_str_eq(info, "description \"uplink\"\n"
                           "ethernet\n"
                           "    mode access\n"
                           "    encap-type dot1q\n"
                           "exit\n"
                           "no shutdown\n");
    free(info);
    cfg_tree_free(&t);
}

Test(print, awkward_strings_round_trip)
{
    char *d = round_trip("configure system name \"a \\\\ b\"\n"
                         "configure system location \"# not a comment\"\n"
                         "configure system contact \"\"\n"
                         "configure port 1/1/1 description \"tab-free \\\"quoted\\\" text\"\n");
    cr_expect_not_null(strstr(d, "        name \"a \\\\ b\"\n"));
    cr_expect_not_null(strstr(d, "        location \"# not a comment\"\n"));
    cr_expect_not_null(strstr(d, "        contact \"\"\n"));
    free(d);
}

/* BUG: a <word> value is printed unquoted (grammar.c print_el, G_PARAM: only
 * P_STR and P_NAME are quoted), so a route-distinguisher entered quoted as
 * "#1" prints as `route-distinguisher #1`, which reads back as a comment:
 * the display does not load ("missing value for <rd>"), and neither does the
 * same row from the SQLite store. */
Test(print, word_starting_with_hash_round_trips)
{
    char *d = round_trip("configure service vprn 1 customer 1 create "
                         "route-distinguisher \"#1\"\n");
    free(d);
}

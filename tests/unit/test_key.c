/* lib/key.c: the tunnel keys the iom and the ISAs build per packet. The
 * exact text matters only in that a key built from configuration (names,
 * parsed addresses) equals the one built from a packet's bytes. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "lib/key.h"

Test(key, private_names_service_interface_and_tunnel)
{
    char k[KEY_PRIVATE_LEN];
    key_private(k, 200, "tun-priv", "peer-static");
    cr_assert_str_eq(k, "000000c8tun-priv|peer-static|");
    key_private(k, 0x01020304, "if", NULL);
    cr_assert_str_eq(k, "01020304if||");
    char empty[KEY_PRIVATE_LEN];
    key_private(empty, 0x01020304, "if", "");
    cr_assert_str_eq(empty, k, "no tunnel and an empty name are the same key");
}

Test(key, private_names_are_cut_at_the_maximum)
{
    char name[200], k[KEY_PRIVATE_LEN];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = 0;
    key_private(k, 1, name, name);
    cr_assert_eq(strlen(k), 8 + 2 * (KEY_NAME_MAX + 1));
}

Test(key, addresses_from_text_and_from_a_packet_agree)
{
    /* an IPv4 header from 192.168.10.2 to 192.168.10.3, as the iom sees
     * a tunnel packet arriving at the local gateway */
    static const uint8_t ip4[20] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 50, 0, 0,
                                     192, 168, 10, 2, 192, 168, 10, 3 };
    uint8_t l[4], r[4];
    cr_assert_eq(inet_pton(AF_INET, "192.168.10.3", l), 1);
    cr_assert_eq(inet_pton(AF_INET, "192.168.10.2", r), 1);
    char from_cfg[KEY_ADDRS_LEN], from_pkt[KEY_ADDRS_LEN];
    key_addrs(from_cfg, AF_INET, l, r, -1);
    key_addrs(from_pkt, AF_INET, ip4 + 16, ip4 + 12, -1);
    cr_assert_str_eq(from_cfg, "4c0a80a03c0a80a02");
    cr_assert_str_eq(from_pkt, from_cfg);
    key_addrs(from_pkt, AF_INET, ip4 + 16, ip4 + 12, 50);
    cr_assert_str_eq(from_pkt, "4c0a80a03c0a80a0232", "the protocol follows in hex");
}

Test(key, ipv6_keys_differ_from_ipv4)
{
    uint8_t a[16], b[16];
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8::1", a), 1);
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8::2", b), 1);
    char k[KEY_ADDRS_LEN];
    key_addrs(k, AF_INET6, a, b, 17);
    cr_assert_str_eq(k, "6" "20010db8000000000000000000000001" "20010db8000000000000000000000002" "11");
    cr_assert_eq(strlen(k), KEY_ADDRS_LEN - 1);
}

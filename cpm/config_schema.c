/* The SR OS classic CLI configuration tree this emulator accepts.
 * Syntax follows ../shared/reference/sros-cli.md; grammar notation in
 * grammar.h. Children are listed in display-config order. Later features
 * add commands here and their rules in config_validate.c. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "strbuf.h"

#define END { NULL }
#define LEAF(w, syn) { .word = w, .syntax = syn }
#define FLAG(w) { .word = w, .flags = SC_NOEMPTY }
#define DESCRIPTION LEAF("description", "<text:str>")

/* ---- system ---- */
static struct schema system_children[] = {
    LEAF("name", "<name:name>"),
    LEAF("location", "<text:str>"),
    LEAF("contact", "<text:str>"),
    END,
};

/* ---- card / mda ---- */
static struct schema mda_children[] = {
    LEAF("mda-type", "<type:@mda-type>"),
    END,
};

static struct schema card_children[] = {
    LEAF("card-type", "<type:@card-type>"),
    { .word = "mda", .syntax = "<mda:1..6>", .key = "mda", .children = mda_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN | SC_ADMIN_UP },
    END,
};

/* ---- port ---- */
static struct schema ethernet_children[] = {
    LEAF("mode", "<mode:access|network|hybrid>"),
    LEAF("encap-type", "<encap:null|dot1q|qinq>"),
    LEAF("mtu", "<mtu:512..9800>"),
    END,
};

static struct schema port_children[] = {
    DESCRIPTION,
    { .word = "ethernet", .children = ethernet_children, .flags = SC_CONTAINER },
    END,
};

/* ---- isa ---- */
static struct schema tunnel_group_children[] = {
    DESCRIPTION,
    LEAF("primary", "<mda:mda>"),
    LEAF("backup", "<mda:mda>"),
    FLAG("multi-active"),
    LEAF("active-mda-number", "<count:1..16>"),
    { .word = "mda", .syntax = "<mda:mda>", .flags = SC_MULTI },
    LEAF("reassembly", "[<ms:100..5000>]"),
    FLAG("ipsec-responder-only"),
    END,
};

static struct schema isa_children[] = {
    { .word = "tunnel-group",
      .syntax = "<id:1..16> [isa-scale-mode <mode:tunnel-limit-2k|tunnel-limit-32k|tunnel-limit-64k>]",
      .key = "id", .children = tunnel_group_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

/* ---- ipsec (global policies) ---- */
#define ESP_ENCRYPTIONS                                                                        \
    "null|des|3des|aes128|aes192|aes256|aes128-gcm8|aes128-gcm12|aes128-gcm16|aes192-gcm8|"    \
    "aes192-gcm12|aes192-gcm16|aes256-gcm8|aes256-gcm12|aes256-gcm16|null-aes128-gmac|"         \
    "null-aes192-gmac|null-aes256-gmac"

#define DH_GROUPS "<group:1|2|5|14|15|19|20|21>"
#define FOUR_IDS(max) "<t1:1.." max "> [<t2:1.." max ">] [<t3:1.." max ">] [<t4:1.." max ">]"

static struct schema ipsec_transform_children[] = {
    LEAF("esp-auth-algorithm", "<algorithm:null|md5|sha1|sha256|sha384|sha512|aes-xcbc|auth-encryption>"),
    LEAF("esp-encryption-algorithm", "<algorithm:" ESP_ENCRYPTIONS ">"),
    LEAF("ipsec-lifetime", "<seconds:1200..31536000>"),
    LEAF("pfs-dh-group", DH_GROUPS),
    END,
};

static struct schema ike_transform_children[] = {
    LEAF("dh-group", DH_GROUPS),
    LEAF("ike-auth-algorithm", "<algorithm:md5|sha1|sha256|sha384|sha512|aes-xcbc|auth-encryption>"),
    LEAF("ike-encryption-algorithm",
         "<algorithm:des|3des|aes128|aes192|aes256|aes128-gcm8|aes128-gcm16|aes256-gcm8|aes256-gcm16>"),
    LEAF("ike-prf-algorithm", "<algorithm:md5|sha1|sha256|sha384|sha512|aes-xcbc|same-as-auth>"),
    LEAF("isakmp-lifetime", "<seconds:1200..31536000>"),
    END,
};

static struct schema ike_policy_children[] = {
    DESCRIPTION,
    LEAF("ike-version", "<version:1|2>"),
    LEAF("ike-transform", FOUR_IDS("4096")),
    LEAF("auth-method", "<method:psk|plain-psk-xauth|cert-auth|psk-radius|cert-radius|eap|auto-eap-radius|auto-eap>"),
    LEAF("ipsec-lifetime", "<seconds:1200..31536000>"),
    LEAF("pfs", "[dh-group " DH_GROUPS "]"),
    LEAF("dpd", "[interval <interval:10..300>] [max-retries <retries:2..5>] [reply-only]"),
    LEAF("nat-traversal", "[force] [keep-alive-interval <seconds:120..600>] [force-keep-alive]"),
    LEAF("lockout", "failed-attempts <attempts:1..64> duration <duration:1..60> block "
                    "{<block:1..1440>|infinite} max-port-per-ip <ports:1..32000>"),
    LEAF("ikev2-fragment", "mtu <mtu:512..9000> reassembly-timeout <timeout:1..5>"),
    END,
};

static struct schema tunnel_template_children[] = {
    DESCRIPTION,
    FLAG("clear-df-bit"),
    LEAF("ip-mtu", "<mtu:512..9000>"),
    LEAF("encapsulated-ip-mtu", "<mtu:512..9000>"),
    LEAF("replay-window", "<window:32|64|128|256|512>"),
    LEAF("sp-reverse-route", "[ignore-default-route]"),
    LEAF("transform", FOUR_IDS("2048")),
    LEAF("icmp6-generation", "pkt-too-big [interval <seconds:1..60>] [message-count <count:10..1000>]"),
    END,
};

/* ts-list entries (the chapter): an address range, a protocol and ports;
 * for icmp/icmp6 the port's high byte is the type, the low byte the code */
static struct schema ts_entry_children[] = {
    LEAF("address", "{prefix <prefix:net>|from <from:ip> to <to:ip>}"),
    LEAF("protocol", "{any|<protocol:@ip-protocol> [port {any|opaque|from <low:0..65535> to <high:0..65535>}]}"),
    END,
};

static struct schema ts_side_children[] = {
    { .word = "entry", .syntax = "<id:1..32>", .key = "id", .children = ts_entry_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

static struct schema ts_list_children[] = {
    { .word = "local", .children = ts_side_children, .flags = SC_CONTAINER },
    { .word = "remote", .children = ts_side_children, .flags = SC_CONTAINER },
    END,
};

static struct schema ipsec_children[] = {
    { .word = "ike-transform", .syntax = "<id:1..4096>", .key = "id",
      .children = ike_transform_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "ike-policy", .syntax = "<id:1..2048>", .key = "id",
      .children = ike_policy_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "ipsec-transform", .syntax = "<id:1..2048>", .key = "id",
      .children = ipsec_transform_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "tunnel-template", .syntax = "<id:1..2048>", .key = "id",
      .children = tunnel_template_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "ts-list", .syntax = "<name:name>", .key = "name", .children = ts_list_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

/* ---- services ---- */
static struct schema sap_qos_children[] = {
    LEAF("qos", "<id:1..65535>"),
    LEAF("filter", "ip <id:1..65535>"),
    END,
};

/* GRE / IP-IP tunnel of a private tunnel SAP (the chapter; sros-cli.md) */
static struct schema ip_tunnel_children[] = {
    DESCRIPTION,
    LEAF("source", "<ip:ip>"),
    LEAF("remote-ip", "<ip:ip>"),
    LEAF("backup-remote-ip", "<ip:ip>"),
    { .word = "dest-ip", .syntax = "<ip:ip>", .flags = SC_MULTI },
    LEAF("gre-header", "[send-key <send:0..4294967295> receive-key <receive:0..4294967295>]"),
    LEAF("delivery-service", "<svc:1..2147483647>"),
    LEAF("dscp", "<dscp:dscp>"),
    LEAF("ip-mtu", "<mtu:512..9000>"),
    LEAF("encapsulated-ip-mtu", "<mtu:512..9000>"),
    FLAG("clear-df-bit"),
    LEAF("reassembly", "[{<ms:100..5000>|use-tunnel-group-setting}]"),
    LEAF("icmp6-generation", "packet-too-big <count:10..1000> <seconds:1..60>"),
    END,
};

/* A static IPsec tunnel of a private tunnel SAP (the chapter; sros-cli.md).
 * udp-encapsulation is an srlab extension: SR OS negotiates NAT traversal
 * with IKE only, manual keying here may ask for RFC 3948 UDP encapsulation. */
static struct schema manual_keying_children[] = {
    { .word = "security-association",
      .syntax = "<id:1..16> <direction:inbound|outbound> spi <spi:256..16383> transform "
                "<transform:1..2048> [authentication-key <akey:hex>] [encryption-key <ekey:hex>]",
      .key = "id", .flags = SC_MULTI },
    LEAF("udp-encapsulation", "[port <port:1..65535>] [keep-alive-interval <seconds:1..3600>]"),
    END,
};

static struct schema dynamic_keying_children[] = {
    FLAG("auto-establish"),
    LEAF("ike-policy", "<id:1..2048>"),
    LEAF("pre-shared-key", "<key:str>"),
    LEAF("transform", FOUR_IDS("2048")),
    LEAF("local-id", "type <type:ipv4|fqdn|ipv6> [value <value:str>]"),
    END,
};

static struct schema ipsec_tunnel_children[] = {
    DESCRIPTION,
    LEAF("security-policy", "<id:1..8192>"),
    LEAF("local-gateway-address", "<ip:ip> peer <peer:ip> delivery-service <svc:1..2147483647>"),
    LEAF("ip-mtu", "<mtu:512..9000>"),
    LEAF("encapsulated-ip-mtu", "<mtu:512..9000>"),
    FLAG("clear-df-bit"),
    LEAF("replay-window", "<window:32|64|128|256|512>"),
    LEAF("icmp6-generation", "pkt-too-big [interval <seconds:1..60>] [message-count <count:10..1000>]"),
    { .word = "manual-keying", .children = manual_keying_children,
      .flags = SC_CONTAINER | SC_PRESENCE },
    { .word = "dynamic-keying", .children = dynamic_keying_children,
      .flags = SC_CONTAINER | SC_PRESENCE },
    END,
};

/* An IPsec gateway of a public tunnel SAP: dynamic LAN-to-LAN tunnels from
 * any peer with its credentials. */
static struct schema ipsec_gw_children[] = {
    DESCRIPTION,
    LEAF("local-gateway-address", "<ip:ip>"),
    LEAF("default-secure-service", "{<svc:1..2147483647>|name <svcname:name>} interface <interface:name>"),
    LEAF("default-tunnel-template", "<id:1..2048>"),
    LEAF("ike-policy", "<id:1..2048>"),
    LEAF("pre-shared-key", "<key:str>"),
    LEAF("ts-negotiation", "ts-list <name:name>"),
    LEAF("local-id", "type <type:ipv4|fqdn|ipv6> [value <value:str>]"),
    END,
};

static struct schema sap_children[] = {
    DESCRIPTION,
    { .word = "ingress", .children = sap_qos_children, .flags = SC_CONTAINER },
    { .word = "egress", .children = sap_qos_children, .flags = SC_CONTAINER },
    { .word = "ip-tunnel", .syntax = "<name:name>", .key = "name", .children = ip_tunnel_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    { .word = "ipsec-tunnel", .syntax = "<name:name>", .key = "name",
      .children = ipsec_tunnel_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    { .word = "ipsec-gw", .syntax = "<name:name>", .key = "name",
      .children = ipsec_gw_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

static struct schema ipv6_children[] = {
    { .word = "address", .syntax = "<address:prefix6>", .flags = SC_MULTI },
    END,
};

/* redundant next hops (the chapter's MC-IPsec shunting): where a standby
 * chassis sends a tunnel group's traffic that reaches this interface */
static struct schema svc_interface_children[] = {
    DESCRIPTION,
    LEAF("address", "<address:prefix4>"),
    LEAF("arp-timeout", "<seconds:0..65535>"),
    LEAF("ip-mtu", "<mtu:512..9786>"),
    { .word = "ipv6", .children = ipv6_children, .flags = SC_CONTAINER | SC_PRESENCE },
    LEAF("static-tunnel-redundant-next-hop", "<ip:ip>"),
    LEAF("dynamic-tunnel-redundant-next-hop", "<ip:ip>"),
    { .word = "sap", .syntax = "<sap:sap>", .key = "sap", .children = sap_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN | SC_ADMIN_UP },
    END,
};

static struct schema next_hop_children[] = {
    DESCRIPTION,
    END,
};

static struct schema static_route_children[] = {
    { .word = "next-hop", .syntax = "<ip:ip>", .key = "ip", .children = next_hop_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN },
    { .word = "ipsec-tunnel", .syntax = "<name:name>", .key = "name", .children = next_hop_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN },
    { .word = "black-hole", .children = next_hop_children,
      .flags = SC_CONTAINER | SC_ADMIN | SC_PRESENCE },
    END,
};

#define STATIC_ROUTE_ENTRY                                                                     \
    { .word = "static-route-entry", .syntax = "<prefix:net>", .key = "prefix",                  \
      .children = static_route_children, .flags = SC_CONTAINER | SC_MULTI }

#define SVC_INTERFACE                                                                          \
    { .word = "interface", .syntax = "<name:name> [tunnel]", .key = "name",                    \
      .children = svc_interface_children,                                                      \
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN | SC_ADMIN_UP }

/* security policies of a service: what a static tunnel may carry */
static struct schema policy_entry_children[] = {
    LEAF("local-ip", "{<prefix:net4>|any}"),
    LEAF("remote-ip", "{<prefix:net4>|any}"),
    LEAF("local-v6-ip", "{<prefix:net6>|any}"),
    LEAF("remote-v6-ip", "{<prefix:net6>|any}"),
    END,
};

static struct schema security_policy_children[] = {
    { .word = "entry", .syntax = "<id:1..16>", .key = "id", .children = policy_entry_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

static struct schema svc_ipsec_children[] = {
    { .word = "security-policy", .syntax = "<id:1..8192>", .key = "id",
      .children = security_policy_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

#define SVC_IPSEC { .word = "ipsec", .children = svc_ipsec_children, .flags = SC_CONTAINER }

static struct schema ies_children[] = {
    DESCRIPTION,
    SVC_IPSEC,
    SVC_INTERFACE,
    END,
};

static struct schema vprn_children[] = {
    DESCRIPTION,
    LEAF("route-distinguisher", "<rd:word>"),
    SVC_IPSEC,
    SVC_INTERFACE,
    STATIC_ROUTE_ENTRY,
    END,
};

static struct schema customer_children[] = {
    DESCRIPTION,
    END,
};

#define SERVICE_SYNTAX "<id:1..2147483647> [name <name:name>] [customer <customer:1..2147483647>]"

static struct schema service_children[] = {
    { .word = "customer", .syntax = "<id:1..2147483647>", .key = "id",
      .children = customer_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "ies", .syntax = SERVICE_SYNTAX, .key = "id", .create_req = "customer",
      .children = ies_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    { .word = "vprn", .syntax = SERVICE_SYNTAX, .key = "id", .create_req = "customer",
      .children = vprn_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

/* ---- router Base ---- */
static struct schema router_interface_children[] = {
    DESCRIPTION,
    LEAF("address", "<address:prefix4>"),
    LEAF("port", "<port:port>"),
    LEAF("arp-timeout", "<seconds:0..65535>"),
    LEAF("ip-mtu", "<mtu:512..9786>"),
    { .word = "ipv6", .children = ipv6_children, .flags = SC_CONTAINER | SC_PRESENCE },
    END,
};

static struct schema router_children[] = {
    LEAF("router-id", "<ip:ipv4>"),
    LEAF("autonomous-system", "<as:1..4294967295>"),
    { .word = "interface", .syntax = "<name:name>", .key = "name",
      .children = router_interface_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN | SC_ADMIN_UP },
    STATIC_ROUTE_ENTRY,
    END,
};

/* ---- qos ---- */
#define FC_ENUM "<fc:be|l2|af|l1|h2|ef|h1|nc>"

static struct schema sap_ingress_children[] = {
    DESCRIPTION,
    LEAF("default-fc", FC_ENUM),
    { .word = "dscp", .syntax = "<dscp:dscp> fc " FC_ENUM, .key = "dscp", .flags = SC_MULTI },
    END,
};

static struct schema egress_fc_children[] = {
    LEAF("dscp-in-profile", "<dscp:dscp>"),
    LEAF("dscp-out-profile", "<dscp:dscp>"),
    END,
};

static struct schema sap_egress_children[] = {
    DESCRIPTION,
    { .word = "fc", .syntax = FC_ENUM, .key = "fc", .children = egress_fc_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

static struct schema qos_children[] = {
    { .word = "sap-ingress", .syntax = "<id:1..65535>", .key = "id",
      .children = sap_ingress_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    { .word = "sap-egress", .syntax = "<id:1..65535>", .key = "id",
      .children = sap_egress_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

/* ---- filter ---- */
static struct schema match_children[] = {
    LEAF("src-ip", "<prefix:net4>"),
    LEAF("dst-ip", "<prefix:net4>"),
    LEAF("src-port", "eq <port:0..65535>"),
    LEAF("dst-port", "eq <port:0..65535>"),
    END,
};

static struct schema filter_entry_children[] = {
    DESCRIPTION,
    { .word = "match", .syntax = "[protocol <protocol:@ip-protocol>]", .children = match_children,
      .flags = SC_CONTAINER | SC_PRESENCE },
    LEAF("action", "<action:forward|drop>"),
    END,
};

static struct schema ip_filter_children[] = {
    DESCRIPTION,
    LEAF("default-action", "<action:forward|drop>"),
    { .word = "entry", .syntax = "<id:1..65535>", .key = "id", .children = filter_entry_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

static struct schema filter_children[] = {
    { .word = "ip-filter", .syntax = "<id:1..65535>", .key = "id", .children = ip_filter_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE },
    END,
};

/* ---- mirror ---- */
static struct schema mirror_dest_children[] = {
    DESCRIPTION,
    END,
};

static struct schema mirror_children[] = {
    { .word = "mirror-dest", .syntax = "<id:1..2147483647>", .key = "id",
      .children = mirror_dest_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

/* ---- redundancy multi-chassis (MC-IPsec; sros-cli.md) ---- */
/* sync / tunnel-group: a list entry that needs `create` but has no context */
static struct schema mc_sync_children[] = {
    FLAG("ipsec"),
    { .word = "tunnel-group", .syntax = "<id:1..16> [sync-tag <sync-tag:name>]", .key = "id",
      .create_req = "sync-tag", .flags = SC_MULTI | SC_CREATE },
    END,
};

static struct schema mc_ipsec_group_children[] = {
    LEAF("peer-group", "<id:1..16>"),
    LEAF("priority", "<priority:0..255>"),
    END,
};

static struct schema mc_ipsec_children[] = {
    FLAG("bfd-enable"),
    LEAF("discovery-interval", "<seconds:1..1800> [boot <boot:1..1800>]"),
    LEAF("keep-alive-interval", "<interval:5..500>"),
    LEAF("hold-on-neighbor-failure", "<multiplier:2..25>"),
    { .word = "tunnel-group", .syntax = "<id:1..16>", .key = "id",
      .children = mc_ipsec_group_children, .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

static struct schema mc_peer_children[] = {
    DESCRIPTION,
    LEAF("source-address", "<ip:ip>"),
    { .word = "sync", .children = mc_sync_children, .flags = SC_CONTAINER | SC_ADMIN },
    { .word = "mc-ipsec", .children = mc_ipsec_children, .flags = SC_CONTAINER | SC_PRESENCE },
    END,
};

static struct schema multi_chassis_children[] = {
    { .word = "peer", .syntax = "<ip:ip>", .key = "ip", .children = mc_peer_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_CREATE | SC_ADMIN },
    END,
};

static struct schema redundancy_children[] = {
    { .word = "multi-chassis", .children = multi_chassis_children, .flags = SC_CONTAINER },
    END,
};

/* ---- debug (not part of the configuration: `debug` at the root) ---- */
static struct schema mirror_source_children[] = {
    { .word = "port", .syntax = "<port:port> [egress] [ingress]", .key = "port", .flags = SC_MULTI },
    { .word = "sap", .syntax = "<sap:sap> [egress] [ingress]", .key = "sap", .flags = SC_MULTI },
    { .word = "ip-filter", .syntax = "<id:1..65535> entry <entry:1..65535>", .flags = SC_MULTI },
    END,
};

static struct schema debug_children[] = {
    { .word = "mirror-source", .syntax = "<id:1..2147483647>", .key = "id",
      .children = mirror_source_children, .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN },
    END,
};

/* ---- root ---- */
static struct schema configure_children[] = {
    { .word = "system", .children = system_children, .flags = SC_CONTAINER,
      .section = "System Configuration" },
    { .word = "card", .syntax = "<slot:1..10>", .key = "slot", .children = card_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN | SC_ADMIN_UP, .section = "Card Configuration" },
    { .word = "port", .syntax = "<port:port>", .key = "port", .children = port_children,
      .flags = SC_CONTAINER | SC_MULTI | SC_ADMIN, .section = "Port Configuration" },
    { .word = "qos", .children = qos_children, .flags = SC_CONTAINER,
      .section = "QoS Policy Configuration" },
    { .word = "filter", .children = filter_children, .flags = SC_CONTAINER,
      .section = "Filter Configuration" },
    { .word = "mirror", .children = mirror_children, .flags = SC_CONTAINER,
      .section = "Mirror Configuration" },
    { .word = "isa", .children = isa_children, .flags = SC_CONTAINER,
      .section = "ISA Configuration" },
    { .word = "redundancy", .children = redundancy_children, .flags = SC_CONTAINER,
      .section = "Redundancy Configuration" },
    { .word = "ipsec", .children = ipsec_children, .flags = SC_CONTAINER,
      .section = "IPsec Configuration" },
    { .word = "service", .children = service_children, .flags = SC_CONTAINER,
      .section = "Service Configuration" },
    { .word = "router", .children = router_children, .flags = SC_CONTAINER,
      .section = "Router (Network Side) Configuration" },
    { .word = "debug", .children = debug_children, .flags = SC_CONTAINER | SC_DEBUG },
    END,
};

static struct schema root_schema = {
    .word = "configure", .children = configure_children, .flags = SC_CONTAINER,
};

struct schema *schema_root(void)
{
    return &root_schema;
}

static int compile_all(struct schema *sc, char *err, size_t errlen)
{
    if (sc->g)
        return 0; /* shared child arrays are compiled once */
    char gerr[256];
    sc->g = grammar_compile(sc->syntax, gerr, sizeof gerr);
    if (!sc->g) {
        snprintf(err, errlen, "schema '%s': %s", sc->word, gerr);
        return -1;
    }
    if (!sc->children)
        return 0;
    for (int i = 0; sc->children[i].word; i++) {
        sc->children[i].index = i;
        if (compile_all(&sc->children[i], err, errlen) != 0)
            return -1;
    }
    return 0;
}

int schema_init(char *err, size_t errlen)
{
    return compile_all(&root_schema, err, errlen);
}

struct schema *schema_child(const struct schema *sc, const char *word)
{
    if (!sc->children)
        return NULL;
    for (int i = 0; sc->children[i].word; i++)
        if (strcmp(sc->children[i].word, word) == 0)
            return &sc->children[i];
    return NULL;
}

static void dump(const struct schema *sc, int depth, struct strbuf *out)
{
    for (int i = 0; sc->children && sc->children[i].word; i++) {
        const struct schema *c = &sc->children[i];
        sb_repeat(out, ' ', depth * 4);
        sb_printf(out, "%s%s%s%s", c->word, c->syntax ? " " : "", c->syntax ? c->syntax : "",
                  (c->flags & SC_CREATE) ? " create" : "");
        if (c->flags & SC_ADMIN)
            sb_printf(out, "    [shutdown: default %s]", (c->flags & SC_ADMIN_UP) ? "no shutdown" : "shutdown");
        if (c->create_req)
            sb_printf(out, "    [create needs: %s]", c->create_req);
        sb_putc(out, '\n');
        dump(c, depth + 1, out);
    }
}

char *schema_dump(void)
{
    struct strbuf out;
    sb_init(&out);
    sb_puts(&out, "configure\n");
    dump(&root_schema, 1, &out);
    return sb_take(&out);
}

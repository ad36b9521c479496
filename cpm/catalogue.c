/* Catalogues the CLI grammar checks values against (P_CATALOGUE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "hw.h"

static const struct {
    const char *name;
    int number;
} ip_protocols[] = {
    { "icmp", 1 }, { "igmp", 2 }, { "ip", 4 }, { "tcp", 6 }, { "udp", 17 }, { "ipv6", 41 },
    { "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 }, { "ospf-igp", 89 },
    { "pim", 103 }, { "vrrp", 112 }, { "l2tp", 115 }, { "sctp", 132 },
    { "icmp6", 58 }, { "ipv6-mh", 135 }, /* ts-list names (the chapter) */
};

/* The protocol number of a name or number (ip-filter match protocol), or -1. */
int ip_protocol_number(const char *v)
{
    for (size_t i = 0; i < sizeof ip_protocols / sizeof ip_protocols[0]; i++)
        if (strcmp(v, ip_protocols[i].name) == 0)
            return ip_protocols[i].number;
    /* digits only, canonical: no sign, blanks or leading zeros */
    if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 3 || (v[0] == '0' && v[1]))
        return -1;
    int n = atoi(v);
    return n <= 255 ? n : -1;
}

bool catalogue_has(const char *catalogue, const char *value)
{
    if (strcmp(catalogue, "ip-protocol") == 0)
        return ip_protocol_number(value) >= 0;
    if (strcmp(catalogue, "card-type") == 0)
        return hw_card_type(value) != NULL;
    if (strcmp(catalogue, "mda-type") == 0)
        return hw_mda_type(value) != NULL;
    return false;
}

const char *catalogue_list(const char *catalogue)
{
    static char list[512];
    list[0] = 0;
    size_t o = 0;
    if (strcmp(catalogue, "card-type") == 0)
        for (size_t i = 0; hw_card_types()[i].name; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  hw_card_types()[i].name);
    if (strcmp(catalogue, "ip-protocol") == 0)
        for (size_t i = 0; i < sizeof ip_protocols / sizeof ip_protocols[0]; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s, ", ip_protocols[i].name);
    if (strcmp(catalogue, "ip-protocol") == 0)
        snprintf(list + o, sizeof list - o, "or 0..255");
    if (strcmp(catalogue, "mda-type") == 0)
        for (size_t i = 0; hw_mda_types()[i].name; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  hw_mda_types()[i].name);
    return list;
}

int dscp_value(const char *s)
{
    static const struct { const char *name; int v; } names[] = {
        { "be", 0 }, { "ef", 46 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 }, { "cs4", 32 },
        { "cs5", 40 }, { "nc1", 48 }, { "nc2", 56 },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].v;
    if (s[0] == 'a' && s[1] == 'f' && s[2] >= '1' && s[2] <= '4' && s[3] >= '1' && s[3] <= '3' && !s[4])
        return (s[2] - '0') * 8 + (s[3] - '0') * 2; /* RFC 2597 */
    return atoi(s);
}

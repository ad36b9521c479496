#include "pkt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t s = sum;
    while (len >= 2) {
        s += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        len -= 2;
    }
    if (len)
        s += (uint32_t)(p[0] << 8);
    /* fold to 16 bits so callers may add a few more words without overflow */
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

void csum_replace16(uint8_t *field, uint16_t old_word, uint16_t new_word)
{
    /* HC' = ~(~HC + ~m + m') (RFC 1624 eqn. 3) */
    uint32_t sum = (uint16_t)~rd16(field);
    sum += (uint16_t)~old_word;
    sum += new_word;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    wr16(field, (uint16_t)~sum);
}

uint32_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len)
{
    uint32_t s = csum_add(0, src, 4);
    s = csum_add(s, dst, 4);
    return s + proto + (len & 0xffff) + (len >> 16);
}

uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len)
{
    uint32_t s = csum_add(0, src, 16);
    s = csum_add(s, dst, 16);
    return s + proto + (len & 0xffff) + (len >> 16);
}

const char *pkt_err_name(enum pkt_err e)
{
    static const char *const names[] = {
        "ok", "truncated", "bad-version", "bad-header-length", "bad-length", "bad-checksum",
        "bad-arp",
    };
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

enum pkt_err eth_parse(const uint8_t *p, size_t len, struct eth_view *v)
{
    if (len < ETH_HDR_LEN)
        return PKT_TRUNCATED;
    v->dst = p;
    v->src = p + 6;
    v->ethertype = rd16(p + 12);
    v->vlan = -1;
    v->pcp = 0;
    v->hdr_len = ETH_HDR_LEN;
    if (v->ethertype == ETHERTYPE_VLAN) {
        if (len < ETH_HDR_LEN + VLAN_HDR_LEN)
            return PKT_TRUNCATED;
        uint16_t tci = rd16(p + 14);
        v->vlan = tci & 0x0fff;
        v->pcp = (uint8_t)(tci >> 13);
        v->ethertype = rd16(p + 16);
        v->hdr_len = ETH_HDR_LEN + VLAN_HDR_LEN;
    }
    return PKT_OK;
}

enum pkt_err arp_parse(const uint8_t *p, size_t len, struct arp_view *v)
{
    /* Ethernet/IPv4 ARP only (RFC 826): htype 1, ptype 0x0800, hlen 6, plen 4 */
    if (len < 28)
        return PKT_TRUNCATED;
    if (rd16(p) != 1 || rd16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
        return PKT_BAD_ARP;
    v->op = rd16(p + 6);
    if (v->op != 1 && v->op != 2)
        return PKT_BAD_ARP;
    v->sha = p + 8;
    v->spa = p + 14;
    v->tha = p + 18;
    v->tpa = p + 24;
    return PKT_OK;
}

enum pkt_err ip4_parse(const uint8_t *p, size_t len, struct ip4_view *v)
{
    if (len < 20)
        return PKT_TRUNCATED;
    if ((p[0] >> 4) != 4)
        return PKT_BAD_VERSION;
    v->ihl = (uint8_t)((p[0] & 0x0f) * 4);
    if (v->ihl < 20)
        return PKT_BAD_HDRLEN;
    if (v->ihl > len)
        return PKT_TRUNCATED;
    v->total_len = rd16(p + 2);
    if (v->total_len < v->ihl || v->total_len > len)
        return PKT_BAD_LENGTH;
    if (inet_csum(p, v->ihl) != 0)
        return PKT_BAD_CHECKSUM;
    v->tos = p[1];
    v->id = rd16(p + 4);
    uint16_t ff = rd16(p + 6);
    v->df = (ff & 0x4000) != 0;
    v->mf = (ff & 0x2000) != 0;
    v->frag_off = (uint16_t)((ff & 0x1fff) * 8);
    v->ttl = p[8];
    v->proto = p[9];
    v->src = p + 12;
    v->dst = p + 16;
    return PKT_OK;
}

enum pkt_err ip6_parse(const uint8_t *p, size_t len, struct ip6_view *v)
{
    if (len < 40)
        return PKT_TRUNCATED;
    if ((p[0] >> 4) != 6)
        return PKT_BAD_VERSION;
    v->payload_len = rd16(p + 4);
    if ((size_t)v->payload_len + 40 > len)
        return PKT_BAD_LENGTH;
    v->tclass = (uint8_t)(((p[0] & 0x0f) << 4) | (p[1] >> 4));
    v->next = p[6];
    v->hlim = p[7];
    v->src = p + 8;
    v->dst = p + 24;
    return PKT_OK;
}

enum pkt_err ip6_upper(const uint8_t *p, size_t len, uint8_t *proto, size_t *off, bool *frag)
{
    size_t end = 40 + (size_t)rd16(p + 4);
    if (end > len)
        return PKT_BAD_LENGTH;
    uint8_t nh = p[6];
    size_t o = 40;
    *frag = false;
    for (int hops = 0; hops < 16; hops++) {
        switch (nh) {
        case 0:   /* hop-by-hop */
        case 43:  /* routing */
        case 60:  /* destination options */
            if (o + 8 > end)
                return PKT_TRUNCATED;
            nh = p[o];
            o += ((size_t)p[o + 1] + 1) * 8;
            if (o > end)
                return PKT_BAD_LENGTH;
            break;
        case 44:  /* fragment */
            if (o + 8 > end)
                return PKT_TRUNCATED;
            *frag = true;
            nh = p[o];
            o += 8;
            break;
        default:
            *proto = nh;
            *off = o;
            return PKT_OK;
        }
    }
    return PKT_BAD_LENGTH; /* a chain this long is not a packet we forward to ourselves */
}

void ip4_set_dscp(uint8_t *ip, uint8_t dscp)
{
    uint16_t old = rd16(ip);
    ip[1] = (uint8_t)((dscp << 2) | (ip[1] & 0x03));
    csum_replace16(ip + 10, old, rd16(ip));
}

void ip6_set_dscp(uint8_t *ip, uint8_t dscp)
{
    ip[0] = (uint8_t)((ip[0] & 0xf0) | (dscp >> 2));
    ip[1] = (uint8_t)(((dscp & 0x03) << 6) | (ip[1] & 0x3f));
}

void ip4_dec_ttl(uint8_t *ip)
{
    uint16_t old = rd16(ip + 8);
    ip[8]--;
    csum_replace16(ip + 10, old, rd16(ip + 8));
}

bool mac_is_multicast(const uint8_t *mac)
{
    return mac[0] & 1;
}

void mac_str(const uint8_t *m, char *out)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int mac_parse(const char *s, uint8_t *mac)
{
    unsigned b[6];
    int n = 0;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6 ||
        s[n])
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

bool prefix_parse(const char *s, int *family, uint8_t *addr, int *plen)
{
    char a[64];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof a)
        return false;
    memcpy(a, s, (size_t)(slash - s));
    a[slash - s] = 0;
    *family = strchr(a, ':') ? AF_INET6 : AF_INET;
    char *end;
    long len = strtol(slash + 1, &end, 10);
    if (!slash[1] || *end || len < 0 || len > (*family == AF_INET ? 32 : 128))
        return false;
    *plen = (int)len;
    return inet_pton(*family, a, addr) == 1;
}

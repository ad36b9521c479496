/* Wire formats shared by the dataplanes (iom, isa): byte-order helpers,
 * Internet checksums, and parsers of Ethernet, ARP, IPv4 and IPv6 headers
 * that check every length before they read. */
#ifndef SRLAB_PKT_H
#define SRLAB_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ETH_ALEN 6
#define ETH_HDR_LEN 14
#define VLAN_HDR_LEN 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd

#define IPPROTO_ICMP_ 1
#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_ICMPV6_ 58

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* One's complement sum (RFC 1071), unfolded; fold with csum_fold. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
static inline uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}
static inline uint16_t inet_csum(const void *data, size_t len) { return csum_fold(csum_add(0, data, len)); }
/* RFC 1624: the checksum field at `field` after a 16-bit word changed old -> new. */
void csum_replace16(uint8_t *field, uint16_t old_word, uint16_t new_word);
/* Pseudo-header sums for TCP/UDP/ICMPv6 checksums. */
uint32_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);

enum pkt_err {
    PKT_OK = 0,
    PKT_TRUNCATED,             /* shorter than its headers */
    PKT_BAD_VERSION,
    PKT_BAD_HDRLEN,            /* IPv4 IHL < 5 or past the data */
    PKT_BAD_LENGTH,            /* total / payload length inconsistent with the data */
    PKT_BAD_CHECKSUM,
    PKT_BAD_ARP,
};
const char *pkt_err_name(enum pkt_err e);

struct eth_view {
    const uint8_t *dst, *src;
    uint16_t ethertype;        /* after any 802.1Q tag */
    int vlan;                  /* -1: untagged */
    uint8_t pcp;
    size_t hdr_len;            /* 14 or 18 */
};
enum pkt_err eth_parse(const uint8_t *p, size_t len, struct eth_view *v);

struct arp_view {
    uint16_t op;               /* 1 request, 2 reply */
    const uint8_t *sha, *spa, *tha, *tpa;
};
enum pkt_err arp_parse(const uint8_t *p, size_t len, struct arp_view *v);

struct ip4_view {
    uint8_t ihl;               /* header length in bytes */
    uint16_t total_len;
    uint8_t tos, ttl, proto;
    uint16_t id;
    bool df, mf;
    uint16_t frag_off;         /* in bytes */
    const uint8_t *src, *dst;
};
/* Checks version, IHL, total length (<= len; trailing bytes are padding),
 * and the header checksum. */
enum pkt_err ip4_parse(const uint8_t *p, size_t len, struct ip4_view *v);
static inline bool ip4_is_fragment(const struct ip4_view *v) { return v->mf || v->frag_off; }

struct ip6_view {
    uint8_t tclass, hlim, next;  /* next: the first next-header value */
    uint16_t payload_len;
    const uint8_t *src, *dst;
};
enum pkt_err ip6_parse(const uint8_t *p, size_t len, struct ip6_view *v);
/* Walks extension headers to the upper layer: *proto and *off (offset of
 * the upper-layer header from p); *frag is set when a Fragment header is
 * present. Returns PKT_TRUNCATED/PKT_BAD_LENGTH for a chain past the data. */
enum pkt_err ip6_upper(const uint8_t *p, size_t len, uint8_t *proto, size_t *off, bool *frag);

/* DSCP of an IPv4 or IPv6 header, and rewriting it (fixing the IPv4 checksum). */
static inline uint8_t ip4_dscp(const uint8_t *ip) { return ip[1] >> 2; }
static inline uint8_t ip6_dscp(const uint8_t *ip) { return (uint8_t)(((ip[0] & 0x0f) << 2) | (ip[1] >> 6)); }
void ip4_set_dscp(uint8_t *ip, uint8_t dscp);
void ip6_set_dscp(uint8_t *ip, uint8_t dscp);
/* Decrements the IPv4 TTL, fixing the checksum incrementally. */
void ip4_dec_ttl(uint8_t *ip);

/* "10.0.0.1/24" or "2001:db8::1/64": family (AF_INET/AF_INET6), address
 * bytes (4 or 16) and length. False for anything else. */
bool prefix_parse(const char *s, int *family, uint8_t *addr, int *plen);

bool mac_is_multicast(const uint8_t *mac);
void mac_str(const uint8_t *mac, char *out /* 18 */);
int mac_parse(const char *s, uint8_t *mac);

#endif

/* IP fragmentation and reassembly, shared by the iom (one reassembly context
 * per routing instance) and the isa (one per tunnel group). Every packet is
 * hostile input: a bad one returns a negative enum frag_err that the caller
 * counts; nothing here reads past the length it was given. */
#ifndef SRLAB_FRAG_H
#define SRLAB_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum frag_err {
    FRAG_ERR_BAD = -1,     /* malformed header, bad lengths, zero-length fragment... */
    FRAG_ERR_CSUM = -2,    /* IPv4 header checksum wrong */
    FRAG_ERR_DF = -3,      /* must fragment but DF is set: send ICMP frag-needed */
    FRAG_ERR_MTU = -4,     /* mtu below 68 (IPv4) / 1280 (IPv6) or too small for the headers + 8 */
    FRAG_ERR_OVERLAP = -5, /* fragments overlap or repeat: the whole datagram is dropped */
    FRAG_ERR_TOOBIG = -6,  /* datagram would exceed 65535 bytes */
    FRAG_ERR_NOMEM = -7,   /* reassembly limits (bytes, datagrams) reached */
    FRAG_ERR_TOOMANY = -8, /* more than REASM_MAX_FRAGS fragments in one datagram */
};

/* Name of a negative enum frag_err, or of REASM_DONE / REASM_HELD ("done", "held"). */
const char *frag_err_name(int err);

typedef void frag_emit_fn(void *arg, const uint8_t *frag, size_t len);

/* IPv4 fragmentation (RFC 791). pkt starts at the IP header; bytes after its
 * total length are ignored. Splits it so every fragment's total length is
 * <= mtu (mtu above 65535 counts as 65535): data in multiples of 8, the first
 * fragment keeps every option, the others only options with the copy flag.
 * Header checksums are recomputed; the input checksum is not checked. A packet
 * that is itself a fragment keeps its offset base and, on its last piece, its
 * MF. DF is kept as it was, also with ignore_df. A packet that already fits is
 * emitted unchanged (returns 1). emit(arg, frag, len) sees each fragment in
 * order; frag is valid only during the call and may be fragmented again from
 * inside it (the work buffer is on the stack, up to mtu bytes).
 * Returns the number of fragments, or FRAG_ERR_BAD, FRAG_ERR_DF, FRAG_ERR_MTU,
 * FRAG_ERR_TOOBIG (header + offset + data > 65535). Nothing is emitted on error. */
int ip4_fragment(const uint8_t *pkt, size_t len, unsigned mtu, bool ignore_df,
                 frag_emit_fn *emit, void *arg);

/* IPv6 fragmentation (RFC 8200 4.5), for tunnel encapsulation (the source of
 * the packet). Inserts a Fragment header carrying id after the unfragmentable
 * part: the IPv6 header and extension headers up to and including the last
 * Routing header, else the Hop-by-Hop header. Needs mtu >= 1280. A packet that
 * already fits is emitted unchanged (returns 1, no atomic fragment: RFC 8021).
 * Returns the number of fragments, or FRAG_ERR_BAD (malformed, or already
 * carries a Fragment header), FRAG_ERR_MTU. */
int ip6_fragment(const uint8_t *pkt, size_t len, unsigned mtu, uint32_t id,
                 frag_emit_fn *emit, void *arg);

/* Reassembly. A context is not thread-safe: one per user (the iom has one per
 * routing instance, the isa one per tunnel group). Datagrams are keyed by
 * (src, dst, protocol, id) for IPv4 and (src, dst, id) for IPv6. A context
 * holds at most max_bytes of packet bytes (fragment data plus each first
 * fragment's headers; real memory adds about 1.2 KB per datagram and up to 2x
 * for buffer growth) and max_datagrams incomplete datagrams; past either limit
 * a fragment is refused (FRAG_ERR_NOMEM).
 * Incomplete datagrams expire timeout_ms after their first fragment arrived. */
#define REASM_MAX_FRAGS 1024 /* per datagram; more is FRAG_ERR_TOOMANY */
#define REASM_MAX_OUT (40 + 65535)

enum { REASM_DONE = 0, REASM_HELD = 1 };

struct reasm;

/* NULL if a limit is 0 or memory is short. */
struct reasm *reasm_new(size_t max_bytes, unsigned max_datagrams, unsigned timeout_ms);
void reasm_free(struct reasm **r);

/* Feeds one packet; now_ms is a monotonic clock. Returns
 *  REASM_HELD: kept, its datagram is still incomplete;
 *  REASM_DONE: *out / *out_len hold a whole packet, valid until the next
 *    reasm_input() or reasm_free() on r. For a reassembled IPv4 datagram: the
 *    first fragment's header, total length set, MF and offset cleared (DF
 *    kept), checksum recomputed. For IPv6: the first fragment's unfragmentable
 *    part, Fragment header removed, Next Header and Payload Length set. An IPv6
 *    atomic fragment (offset 0, M 0) gets the same treatment alone, never
 *    joining a datagram (RFC 6946). A packet that is not a fragment at all is
 *    passed through: *out == pkt, *out_len its IP length (count: stats.whole).
 *    ECN follows RFC 3168 5.3: CE on any fragment gives CE.
 *  negative enum frag_err: the packet was dropped, and counted in reasm_stats:
 *    FRAG_ERR_BAD (malformed; a non-last fragment whose length is not a
 *      multiple of 8; an empty fragment; a second, different last fragment or
 *      data past the last; Not-ECT mixed with ECT; an IPv6 first fragment
 *      without the whole extension header chain, RFC 7112),
 *    FRAG_ERR_CSUM, FRAG_ERR_OVERLAP (any overlap, duplicates included:
 *      RFC 5722, applied to IPv4 too), FRAG_ERR_TOOBIG,
 *    FRAG_ERR_NOMEM, FRAG_ERR_TOOMANY. Any error found after the fragment
 *    matched a held datagram frees that datagram too (it cannot complete any
 *    more); a fragment refused for limits never creates one. */
int reasm_input(struct reasm *r, const uint8_t *pkt, size_t len, uint64_t now_ms,
                const uint8_t **out, size_t *out_len);

/* Called once per expired datagram. first is the first fragment's leading
 * bytes (its headers - for IPv6 through the Fragment header - plus up to 8
 * data bytes), what ICMP Time Exceeded code 1 quotes (RFC 792, RFC 8200 4.5);
 * NULL with len 0 when the first fragment never arrived (send no ICMP then).
 * first is valid only during the call; its version nibble gives the family.
 * The callback must not call reasm_* on the same context. */
typedef void reasm_expired_fn(void *arg, const uint8_t *first, size_t len);

/* Drops every datagram whose timeout has passed at now_ms, calling expired
 * (may be NULL) for each. Returns how many were dropped (also in stats.timeouts).
 * Call it from a timer; reasm_input never expires anything itself. */
unsigned reasm_expire(struct reasm *r, uint64_t now_ms, reasm_expired_fn *expired, void *arg);

struct reasm_stats {
    uint64_t held;      /* fragments kept (REASM_HELD) */
    uint64_t done;      /* datagrams reassembled, atomic fragments included */
    uint64_t whole;     /* non-fragments passed through */
    uint64_t timeouts;  /* datagrams dropped by reasm_expire */
    /* fragments dropped, one counter per enum frag_err */
    uint64_t bad, csum, overlap, toobig, nomem, toomany;
    size_t bytes_held;  /* counted against max_bytes */
    unsigned datagrams; /* incomplete datagrams held */
};
/* Live counters, valid as long as r. */
const struct reasm_stats *reasm_stats(const struct reasm *r);

#endif

/* The control bus: protobuf-c envelopes carried in ZeroMQ frames.
 * A ROUTER peer sees [identity][envelope]; everyone else sees [envelope]. */
#ifndef SRLAB_BUS_H
#define SRLAB_BUS_H

#include <czmq.h>
#include <stdint.h>

#include "srlab.pb-c.h"

#define BUS_VERSION 1
#define BUS_MAX_MSG (16u << 20) /* bigger envelopes are refused unread */

typedef Srlab__Envelope bus_msg_t;

struct bus_stats {
    uint64_t rx;
    uint64_t tx;
    uint64_t tx_fail;
    uint64_t malformed;        /* not a protobuf envelope */
    uint64_t unknown;          /* a body this build does not know */
    uint64_t bad_version;
    uint64_t bad_frames;       /* wrong number of frames, oversize */
};

/* Sends env; identity is the ROUTER destination frame (copied), NULL on a
 * DEALER. Sets env->version. Returns 0 or -1 (counted in st->tx_fail). */
int bus_send(zsock_t *sock, zframe_t *identity, bus_msg_t *env, struct bus_stats *st);
/* The same, to a ROUTER peer whose identity is a string ("isa-1/2"). */
int bus_send_to(zsock_t *sock, const char *identity, bus_msg_t *env, struct bus_stats *st);

/* Receives one message. Returns an envelope to free with bus_free(), or NULL
 * when the message was bad (counted and logged) or nothing was there. With
 * identity_out set (ROUTER), stores the sender's identity frame there. */
bus_msg_t *bus_recv(zsock_t *sock, zframe_t **identity_out, struct bus_stats *st);

/* A printable copy of an identity frame (non-printable bytes as hex). */
char *bus_identity_str(zframe_t *identity);

/* Unpacks one serialized envelope (used by bus_recv and the fuzz target).
 * Returns NULL and counts the reason when the bytes are not acceptable. */
bus_msg_t *bus_unpack(const uint8_t *data, size_t len, struct bus_stats *st, const char *from);

void bus_free(bus_msg_t **env);

/* MC-IPsec: fills a SyncBatch (records sas, a full resync's flags) and an
 * envelope carrying it, both the caller's (isa and mcs send them). */
void bus_sync_batch(bus_msg_t *env, Srlab__SyncBatch *b, Srlab__SyncIkeSa **sas, size_t n, bool full,
                    bool end_of_full, uint32_t *groups, size_t n_groups);

/* Name of a body case, for logs. */
const char *bus_body_name(int body_case);

#endif

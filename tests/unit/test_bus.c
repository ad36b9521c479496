/* lib/bus.c: bus_unpack decides which envelopes a process accepts; every
 * drop is counted under its reason in struct bus_stats. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "log.h"
#include "srlab.pb-c.h"

static void quiet_log(void)
{
    log_open("test", "/dev/null");
}

TestSuite(bus, .init = quiet_log, .fini = log_close);

/* Every counter at once, so an unexpected side count fails the test too. */
static void expect_stats(const struct bus_stats *st, uint64_t rx, uint64_t malformed,
                         uint64_t unknown, uint64_t bad_version, uint64_t bad_frames)
{
    cr_expect_eq(st->rx, rx, "rx %lu, want %lu", (unsigned long)st->rx, (unsigned long)rx);
    cr_expect_eq(st->tx, 0);
    cr_expect_eq(st->tx_fail, 0);
    cr_expect_eq(st->malformed, malformed, "malformed %lu, want %lu",
                 (unsigned long)st->malformed, (unsigned long)malformed);
    cr_expect_eq(st->unknown, unknown, "unknown %lu, want %lu", (unsigned long)st->unknown,
                 (unsigned long)unknown);
    cr_expect_eq(st->bad_version, bad_version, "bad_version %lu, want %lu",
                 (unsigned long)st->bad_version, (unsigned long)bad_version);
    cr_expect_eq(st->bad_frames, bad_frames, "bad_frames %lu, want %lu",
                 (unsigned long)st->bad_frames, (unsigned long)bad_frames);
}

/* A heartbeat envelope packed into buf; returns its length. */
static size_t pack_heartbeat(uint32_t version, uint64_t seq, uint8_t *buf, size_t buflen)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__Heartbeat hb = SRLAB__HEARTBEAT__INIT;
    hb.seq = seq;
    hb.config_generation = 3;
    env.version = version;
    env.seq = 11;
    env.body_case = SRLAB__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    size_t len = srlab__envelope__get_packed_size(&env);
    cr_assert_leq(len, buflen);
    return srlab__envelope__pack(&env, buf);
}

Test(bus, accepts_a_valid_envelope)
{
    struct bus_stats st = { 0 };
    uint8_t buf[64];
    size_t len = pack_heartbeat(BUS_VERSION, 42, buf, sizeof buf);
    bus_msg_t *env = bus_unpack(buf, len, &st, "iom-1");
    cr_assert_not_null(env);
    cr_expect_eq(env->version, BUS_VERSION);
    cr_expect_eq(env->seq, 11);
    cr_expect_eq(env->body_case, SRLAB__ENVELOPE__BODY_HEARTBEAT);
    cr_assert_not_null(env->heartbeat);
    cr_expect_eq(env->heartbeat->seq, 42);
    cr_expect_eq(env->heartbeat->config_generation, 3);
    expect_stats(&st, 1, 0, 0, 0, 0);
    bus_free(&env);
    cr_expect_null(env);
    bus_free(&env); /* freeing twice through the nulled pointer is harmless */
}

Test(bus, accepts_an_empty_body_message)
{
    /* ReRegister has no fields: the body is present but empty */
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    Srlab__ReRegister rr = SRLAB__RE_REGISTER__INIT;
    env.version = BUS_VERSION;
    env.body_case = SRLAB__ENVELOPE__BODY_REREGISTER;
    env.reregister = &rr;
    uint8_t buf[16];
    size_t len = srlab__envelope__pack(&env, buf);
    struct bus_stats st = { 0 };
    bus_msg_t *got = bus_unpack(buf, len, &st, "iom-1");
    cr_assert_not_null(got);
    cr_expect_eq(got->body_case, SRLAB__ENVELOPE__BODY_REREGISTER);
    expect_stats(&st, 1, 0, 0, 0, 0);
    bus_free(&got);
}

Test(bus, malformed_bytes)
{
    struct bus_stats st = { 0 };
    /* wire type 7 does not exist */
    static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff };
    cr_expect_null(bus_unpack(junk, sizeof junk, &st, "iom-1"));
    expect_stats(&st, 0, 1, 0, 0, 0);

    /* field 0 is not a valid tag */
    static const uint8_t zeros[] = { 0, 0, 0 };
    cr_expect_null(bus_unpack(zeros, sizeof zeros, &st, "iom-1"));
    expect_stats(&st, 0, 2, 0, 0, 0);
}

Test(bus, truncated_envelope_is_malformed)
{
    struct bus_stats st = { 0 };
    uint8_t buf[64];
    size_t len = pack_heartbeat(BUS_VERSION, 300, buf, sizeof buf);
    /* cut inside the heartbeat body: its length prefix promises more */
    cr_expect_null(bus_unpack(buf, len - 1, &st, "iom-1"));
    expect_stats(&st, 0, 1, 0, 0, 0);
}

Test(bus, wrong_version)
{
    struct bus_stats st = { 0 };
    uint8_t buf[64];
    size_t len = pack_heartbeat(BUS_VERSION + 1, 1, buf, sizeof buf);
    cr_expect_null(bus_unpack(buf, len, &st, "isa-1/2"));
    expect_stats(&st, 0, 0, 0, 1, 0);
}

Test(bus, empty_buffer_is_version_zero)
{
    /* zero bytes are a valid protobuf message with every field at 0 */
    struct bus_stats st = { 0 };
    static const uint8_t none[1];
    cr_expect_null(bus_unpack(none, 0, &st, "iom-1"));
    expect_stats(&st, 0, 0, 0, 1, 0);
}

Test(bus, envelope_with_only_a_version_is_unknown)
{
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.version = BUS_VERSION;
    uint8_t buf[16];
    size_t len = srlab__envelope__pack(&env, buf);
    cr_assert_eq(len, 2); /* 0x08 0x01 */
    struct bus_stats st = { 0 };
    cr_expect_null(bus_unpack(buf, len, &st, "iom-1"));
    expect_stats(&st, 0, 0, 1, 0, 0);
}

Test(bus, body_from_a_newer_build_is_unknown)
{
    /* version 1, then field 99 (length-delimited, empty): a body this build lacks */
    static const uint8_t msg[] = { 0x08, 0x01, 0x9a, 0x06, 0x00 };
    struct bus_stats st = { 0 };
    cr_expect_null(bus_unpack(msg, sizeof msg, &st, "iom-1"));
    expect_stats(&st, 0, 0, 1, 0, 0);
}

Test(bus, oversize_is_refused_unread)
{
    struct bus_stats st = { 0 };
    /* the length alone decides: the buffer is never read */
    static const uint8_t one[1] = { 0x08 };
    cr_expect_null(bus_unpack(one, (size_t)BUS_MAX_MSG + 1, &st, "iom-1"));
    expect_stats(&st, 0, 0, 0, 0, 1);
    cr_expect_null(bus_unpack(one, SIZE_MAX, &st, "iom-1"));
    expect_stats(&st, 0, 0, 0, 0, 2);
}

Test(bus, exactly_max_size_reaches_the_parser)
{
    struct bus_stats st = { 0 };
    uint8_t *big = calloc(1, BUS_MAX_MSG);
    cr_assert_not_null(big);
    cr_expect_null(bus_unpack(big, BUS_MAX_MSG, &st, "iom-1"));
    expect_stats(&st, 0, 1, 0, 0, 0); /* zeros are malformed, not oversize */
    free(big);
}

Test(bus, counters_accumulate_across_reasons)
{
    struct bus_stats st = { 0 };
    uint8_t good[64], old[64];
    size_t glen = pack_heartbeat(BUS_VERSION, 1, good, sizeof good);
    size_t olen = pack_heartbeat(0, 1, old, sizeof old);
    static const uint8_t junk[] = { 0xff };
    for (int i = 0; i < 3; i++) {
        bus_msg_t *env = bus_unpack(good, glen, &st, "iom-1");
        cr_expect_not_null(env);
        bus_free(&env);
    }
    cr_expect_null(bus_unpack(old, olen, &st, "iom-1"));
    cr_expect_null(bus_unpack(junk, sizeof junk, &st, "iom-1"));
    cr_expect_null(bus_unpack(junk, (size_t)BUS_MAX_MSG + 1, &st, "iom-1"));
    expect_stats(&st, 3, 1, 0, 1, 1);
}

Test(bus, body_names)
{
    cr_expect_str_eq(bus_body_name(SRLAB__ENVELOPE__BODY_HEARTBEAT), "heartbeat");
    cr_expect_str_eq(bus_body_name(SRLAB__ENVELOPE__BODY_CONFIG_PUSH), "config_push");
    cr_expect_str_eq(bus_body_name(SRLAB__ENVELOPE__BODY__NOT_SET), "unknown");
    cr_expect_str_eq(bus_body_name(9999), "unknown");
}

Test(bus, identity_strings)
{
    zframe_t *f = zframe_new("isa-1/2", 7);
    char *s = bus_identity_str(f);
    cr_expect_str_eq(s, "isa-1/2");
    free(s);
    zframe_destroy(&f);

    /* a ROUTER's generated identity is binary: printed as hex */
    static const uint8_t bin[] = { 0x00, 0x6b, 0x8b, 0x45, 0x67 };
    f = zframe_new(bin, sizeof bin);
    s = bus_identity_str(f);
    cr_expect_str_eq(s, "006b8b4567");
    free(s);
    zframe_destroy(&f);

    f = zframe_new(NULL, 0);
    s = bus_identity_str(f);
    cr_expect_str_eq(s, "");
    free(s);
    zframe_destroy(&f);
}

/* mcs/frame.c and mcs/bfd.c against hostile input: an MCS stream cut
 * anywhere, oversize and empty frames, garbage, bodies MCS does not carry;
 * BFD control packets with every field wrong once; and the BFD three-way
 * handshake between two sessions. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcs/mcs.h"

static void quiet_log(void)
{
    log_open("test", "/dev/null");
}

TestSuite(mcs_frame, .init = quiet_log, .fini = log_close);
TestSuite(mcs_bfd, .init = quiet_log, .fini = log_close);

static void put_batch(struct mcs_buf *b, uint64_t seq, const char *key)
{
    Srlab__SyncIkeSa sa = SRLAB__SYNC_IKE_SA__INIT;
    Srlab__SyncIkeSa *sas[] = { &sa };
    sa.key = (char *)key;
    sa.group = 1;
    sa.tunnel = "t1";
    Srlab__SyncBatch batch = SRLAB__SYNC_BATCH__INIT;
    batch.sas = sas;
    batch.n_sas = 1;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.seq = seq;
    env.body_case = SRLAB__ENVELOPE__BODY_SYNC_BATCH;
    env.sync_batch = &batch;
    cr_assert_eq(mcs_frame_put(b, &env), 0);
}

Test(mcs_frame, whole_frames_come_out_in_order)
{
    struct mcs_buf b = { 0 };
    struct bus_stats st = { 0 };
    put_batch(&b, 1, "tunnel a");
    put_batch(&b, 2, "tunnel b");
    bus_msg_t *env;
    cr_assert_eq(mcs_frame_get(&b, &env, &st), MF_OK);
    cr_expect_eq(env->seq, 1);
    cr_expect_str_eq(env->sync_batch->sas[0]->key, "tunnel a");
    bus_free(&env);
    cr_assert_eq(mcs_frame_get(&b, &env, &st), MF_OK);
    cr_expect_eq(env->seq, 2);
    bus_free(&env);
    cr_expect_eq(mcs_frame_get(&b, &env, &st), MF_MORE);
    cr_expect_null(env);
    mcs_buf_free(&b);
}

/* A frame fed one byte at a time is incomplete until its last byte. */
Test(mcs_frame, truncated_anywhere_waits_for_more)
{
    struct mcs_buf whole = { 0 }, in = { 0 };
    struct bus_stats st = { 0 };
    put_batch(&whole, 7, "gw G 10.0.0.1 500");
    size_t len = mcs_buf_pending(&whole);
    bus_msg_t *env;
    for (size_t i = 0; i < len; i++) {
        cr_assert_eq(mcs_frame_get(&in, &env, &st), MF_MORE, "byte %zu of %zu", i, len);
        mcs_buf_append(&in, whole.data + i, 1);
    }
    cr_assert_eq(mcs_frame_get(&in, &env, &st), MF_OK);
    cr_expect_eq(env->seq, 7);
    bus_free(&env);
    cr_expect_eq(mcs_buf_pending(&in), 0);
    mcs_buf_free(&whole);
    mcs_buf_free(&in);
}

Test(mcs_frame, oversize_length_is_refused_before_reading_it)
{
    struct mcs_buf b = { 0 };
    struct bus_stats st = { 0 };
    uint32_t len = MCS_MAX_FRAME + 1;
    uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                       (uint8_t)len };
    mcs_buf_append(&b, hdr, 4);
    bus_msg_t *env;
    cr_expect_eq(mcs_frame_get(&b, &env, &st), MF_OVERSIZE);
    cr_expect_null(env);
    uint8_t ff[4] = { 0xff, 0xff, 0xff, 0xff };
    struct mcs_buf c = { 0 };
    mcs_buf_append(&c, ff, 4);
    cr_expect_eq(mcs_frame_get(&c, &env, &st), MF_OVERSIZE);
    mcs_buf_free(&b);
    mcs_buf_free(&c);
}

Test(mcs_frame, empty_frame_is_an_error)
{
    struct mcs_buf b = { 0 };
    struct bus_stats st = { 0 };
    uint8_t zero[4] = { 0 };
    mcs_buf_append(&b, zero, 4);
    bus_msg_t *env;
    cr_expect_eq(mcs_frame_get(&b, &env, &st), MF_EMPTY);
    mcs_buf_free(&b);
}

Test(mcs_frame, garbage_is_malformed_and_counted)
{
    struct mcs_buf b = { 0 };
    struct bus_stats st = { 0 };
    uint8_t junk[4 + 6] = { 0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    mcs_buf_append(&b, junk, sizeof junk);
    bus_msg_t *env;
    cr_expect_eq(mcs_frame_get(&b, &env, &st), MF_MALFORMED);
    cr_expect_null(env);
    cr_expect_eq(st.malformed, 1);
    mcs_buf_free(&b);
}

Test(mcs_frame, other_bodies_are_refused)
{
    struct mcs_buf b = { 0 };
    struct bus_stats st = { 0 };
    Srlab__Heartbeat hb = SRLAB__HEARTBEAT__INIT;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    cr_assert_eq(mcs_frame_put(&b, &env), 0);
    bus_msg_t *out;
    cr_expect_eq(mcs_frame_get(&b, &out, &st), MF_BODY);
    cr_expect_null(out);
    mcs_buf_free(&b);
}

Test(mcs_frame, random_bytes_never_crash)
{
    srandom(1234);
    for (int round = 0; round < 2000; round++) {
        struct mcs_buf b = { 0 };
        struct bus_stats st = { 0 };
        uint8_t buf[64];
        size_t n = (size_t)(random() % sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)random();
        if (n >= 4) { /* mostly plausible lengths */
            buf[0] = buf[1] = 0;
            buf[2] = 0;
            buf[3] = (uint8_t)(n - 4);
        }
        mcs_buf_append(&b, buf, n);
        bus_msg_t *env = NULL;
        enum mcs_frame_err e;
        while ((e = mcs_frame_get(&b, &env, &st)) == MF_OK)
            bus_free(&env);
        cr_assert(e == MF_MORE || e == MF_EMPTY || e == MF_MALFORMED || e == MF_BODY ||
                  e == MF_OVERSIZE);
        mcs_buf_free(&b);
    }
}

/* ---- BFD ---- */

static void good_packet(uint8_t out[BFD_PKT_LEN])
{
    struct bfd_pkt p = { .version = 1, .state = BFD_DOWN, .detect_mult = 3, .my_disc = 0x1234,
                         .your_disc = 0, .min_tx_us = 1000000, .min_rx_us = 100000 };
    bfd_build(&p, out);
}

Test(mcs_bfd, builds_rfc5880_layout)
{
    uint8_t b[BFD_PKT_LEN];
    struct bfd_pkt p = { .version = 1, .diag = 1, .state = BFD_UP, .poll = true,
                         .detect_mult = 3, .my_disc = 0x01020304, .your_disc = 0x05060708,
                         .min_tx_us = 100000, .min_rx_us = 100000 };
    bfd_build(&p, b);
    const uint8_t want[BFD_PKT_LEN] = { 0x21, 0xe0, 3,    24,   1,    2,    3,    4,
                                        5,    6,    7,    8,    0,    1,    0x86, 0xa0,
                                        0,    1,    0x86, 0xa0, 0,    0,    0,    0 };
    cr_expect_arr_eq(b, want, BFD_PKT_LEN);
    struct bfd_pkt q;
    const char *why = NULL;
    cr_assert_eq(bfd_parse(b, sizeof b, &q, &why), 0);
    cr_expect_eq(q.state, BFD_UP);
    cr_expect(q.poll);
    cr_expect_eq(q.my_disc, 0x01020304u);
    cr_expect_eq(q.your_disc, 0x05060708u);
    cr_expect_eq(q.min_rx_us, 100000u);
}

static void expect_bad(const uint8_t *b, size_t len, const char *reason)
{
    struct bfd_pkt p;
    const char *why = NULL;
    cr_expect_eq(bfd_parse(b, len, &p, &why), -1, "accepted, want %s", reason);
    cr_expect_str_eq(why ? why : "", reason);
}

Test(mcs_bfd, refuses_each_bad_field)
{
    uint8_t b[BFD_PKT_LEN + 8];
    good_packet(b);
    expect_bad(b, 10, "short");
    good_packet(b);
    b[0] = (uint8_t)(2u << 5);
    expect_bad(b, BFD_PKT_LEN, "version");
    good_packet(b);
    b[3] = 30; /* longer than the datagram */
    expect_bad(b, BFD_PKT_LEN, "length");
    good_packet(b);
    b[3] = 20;
    expect_bad(b, BFD_PKT_LEN, "length");
    good_packet(b);
    b[1] |= 0x04;
    expect_bad(b, BFD_PKT_LEN, "authentication not configured");
    good_packet(b);
    b[2] = 0;
    expect_bad(b, BFD_PKT_LEN, "detect multiplier 0");
    good_packet(b);
    b[1] |= 0x01;
    expect_bad(b, BFD_PKT_LEN, "multipoint");
    good_packet(b);
    memset(b + 4, 0, 4);
    expect_bad(b, BFD_PKT_LEN, "my discriminator 0");
    good_packet(b);
    b[1] = (uint8_t)(BFD_UP << 6); /* up without knowing our discriminator */
    expect_bad(b, BFD_PKT_LEN, "your discriminator 0");
    good_packet(b);
    b[1] |= 0x30;
    expect_bad(b, BFD_PKT_LEN, "poll and final");
}

/* Two sessions exchanging packets come up (Down -> Init -> Up) and the
 * first to stop hearing the other goes down on its detection time. */
Test(mcs_bfd, three_way_handshake_and_detection)
{
    struct bfd_session a, b;
    int64_t now = 1000;
    bfd_session_init(&a, 11, now);
    bfd_session_init(&b, 22, now);
    const char *why;
    for (int i = 0; i < 6; i++) {
        struct bfd_pkt p, q;
        uint8_t wire[BFD_PKT_LEN];
        if (bfd_session_tx_due(&a, now, &p)) {
            bfd_build(&p, wire);
            cr_assert_eq(bfd_parse(wire, sizeof wire, &q, &why), 0, "%s", why);
            cr_assert_eq(bfd_session_rx(&b, &q, now, &why), 0);
        }
        if (bfd_session_tx_due(&b, now, &p)) {
            bfd_build(&p, wire);
            cr_assert_eq(bfd_parse(wire, sizeof wire, &q, &why), 0, "%s", why);
            cr_assert_eq(bfd_session_rx(&a, &q, now, &why), 0);
        }
        now += 1000;
    }
    cr_expect_eq(a.state, BFD_UP, "a %s", bfd_state_name(a.state));
    cr_expect_eq(b.state, BFD_UP, "b %s", bfd_state_name(b.state));
    cr_expect_eq(a.remote_disc, 22u);
    cr_expect_eq(b.remote_disc, 11u);
    cr_expect_eq(a.desired_tx_us, BFD_FAST_US);
    /* a packet for another discriminator is discarded */
    struct bfd_pkt stray = { .version = 1, .state = BFD_UP, .detect_mult = 3, .my_disc = 22,
                             .your_disc = 99, .min_tx_us = 100000, .min_rx_us = 100000 };
    cr_expect_eq(bfd_session_rx(&a, &stray, now, &why), -1);
    cr_expect_str_eq(why, "your discriminator unknown");
    /* silence: down after the detection time, not before */
    int64_t last = a.last_rx_ms;
    cr_expect_not(bfd_session_expire(&a, last + 1));
    cr_expect(bfd_session_expire(&a, last + 60000));
    cr_expect_eq(a.state, BFD_DOWN);
    cr_expect_eq(a.diag, 1);
    cr_expect_eq(a.desired_tx_us, BFD_SLOW_US);
}

Test(mcs_bfd, neighbor_down_takes_the_session_down)
{
    struct bfd_session a;
    bfd_session_init(&a, 5, 0);
    const char *why;
    struct bfd_pkt init = { .version = 1, .state = BFD_INIT, .detect_mult = 3, .my_disc = 6,
                            .your_disc = 5, .min_tx_us = 100000, .min_rx_us = 100000 };
    cr_assert_eq(bfd_session_rx(&a, &init, 0, &why), 0);
    cr_expect_eq(a.state, BFD_UP);
    struct bfd_pkt down = init;
    down.state = BFD_DOWN;
    cr_assert_eq(bfd_session_rx(&a, &down, 10, &why), 0);
    cr_expect_eq(a.state, BFD_DOWN);
    cr_expect_eq(a.diag, 3); /* neighbor signaled session down */
}

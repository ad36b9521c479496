/* lib/dp.c: the iom/ISA hand-off. Packets queued towards a peer arrive in
 * order, each with its header, packed several to a datagram; a datagram
 * whose record lengths do not add up is refused once, as a whole, and what
 * follows it is still read. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dp.h"

static char path[64];
static int fd = -1;
static struct dp_batch *b;
static struct dp_rx *rx;
static uint64_t sent, failed;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/srlab-test-dp-%d.dg", (int)getpid());
    fd = dp_open(path);
    cr_assert_geq(fd, 0);
    b = dp_batch_new(path);
    rx = malloc(sizeof *rx);
    sent = failed = 0;
}

static void teardown(void)
{
    dp_batch_free(&b);
    free(rx);
    close(fd);
    unlink(path);
}

TestSuite(dp, .init = setup, .fini = teardown);

static struct dp_hdr hdr(uint32_t svc)
{
    struct dp_hdr h = { .sender = 1, .svc = svc, .group = 1, .nh_len = 4 };
    snprintf(h.ifname, sizeof h.ifname, "tun-%u", svc);
    return h;
}

/* every record dp_next gives until the end; -1 results counted in *bad */
static unsigned drain(uint32_t *svcs, size_t *lens, unsigned max, unsigned *bad)
{
    unsigned n = 0;
    const uint8_t *rec;
    size_t len;
    int got;
    *bad = 0;
    while (dp_recv(fd, rx) > 0)
        while ((got = dp_next(rx, &rec, &len)) != 0) {
            struct dp_hdr h;
            int hl = got > 0 ? dp_hdr_read(rec, len, &h) : -1;
            if (hl < 0) {
                (*bad)++;
                continue;
            }
            cr_assert_lt(n, max);
            svcs[n] = h.svc;
            lens[n] = len - (size_t)hl;
            for (size_t i = 0; i < lens[n]; i++)
                cr_assert_eq(rec[hl + i], (uint8_t)(h.svc + i), "packet %u byte %zu", n, i);
            n++;
        }
    return n;
}

Test(dp, packets_arrive_in_order_packed_into_few_datagrams)
{
    uint8_t pkt[1500];
    for (uint32_t i = 0; i < 100; i++) {
        size_t len = 20 + (i * 37) % 1480;
        for (size_t j = 0; j < len; j++)
            pkt[j] = (uint8_t)(i + j);
        struct dp_hdr h = hdr(i);
        cr_assert_eq(dp_batch_add(b, &h, pkt, len, &sent, &failed), 0);
    }
    cr_expect_eq(b->n, 100);
    cr_expect_lt(b->nd, 8, "100 packets of at most 1,500 bytes: %u datagrams", b->nd);
    dp_batch_flush(b, &sent, &failed);
    cr_expect_eq(sent, 100);
    cr_expect_eq(failed, 0);
    uint32_t svcs[128];
    size_t lens[128];
    unsigned bad;
    cr_assert_eq(drain(svcs, lens, 128, &bad), 100);
    cr_expect_eq(bad, 0);
    for (uint32_t i = 0; i < 100; i++) {
        cr_expect_eq(svcs[i], i);
        cr_expect_eq(lens[i], 20 + (i * 37) % 1480);
    }
}

Test(dp, more_than_a_batch_holds_is_sent_on_the_way)
{
    static uint8_t pkt[DP_PKT_MAX];
    for (size_t j = 0; j < sizeof pkt; j++)
        pkt[j] = (uint8_t)(7 + j);
    struct dp_hdr h = hdr(7);
    for (int i = 0; i < DP_DGRAMS * 3 + 1; i++) /* three big packets fill a datagram */
        cr_assert_eq(dp_batch_add(b, &h, pkt, sizeof pkt, &sent, &failed), 0);
    dp_batch_flush(b, &sent, &failed);
    cr_expect_eq(sent + failed, DP_DGRAMS * 3 + 1);
    uint32_t svcs[DP_DGRAMS * 3 + 1];
    size_t lens[DP_DGRAMS * 3 + 1];
    unsigned bad;
    cr_expect_eq(drain(svcs, lens, DP_DGRAMS * 3 + 1, &bad), sent);
    cr_expect_eq(bad, 0);
}

Test(dp, a_packet_too_big_is_refused)
{
    static uint8_t pkt[DP_PKT_MAX + 1];
    struct dp_hdr h = hdr(1);
    cr_expect_eq(dp_batch_add(b, &h, pkt, sizeof pkt, &sent, &failed), -1);
    cr_expect_eq(b->n, 0);
}

/* raw datagrams, as a hostile or broken sender would write them */
static void send_raw(const uint8_t *d, size_t len)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    cr_assert_eq(sendto(s, d, len, 0, (struct sockaddr *)&a, sizeof a), (ssize_t)len);
    close(s);
}

static size_t record(uint8_t *w, uint32_t svc, size_t plen)
{
    struct dp_hdr h = hdr(svc);
    int hl = dp_hdr_write(w + 2, DP_HDR_MAX, &h);
    for (size_t i = 0; i < plen; i++)
        w[2 + hl + i] = (uint8_t)(svc + i);
    w[0] = (uint8_t)((hl + plen) >> 8);
    w[1] = (uint8_t)(hl + plen);
    return 2 + (size_t)hl + plen;
}

Test(dp, a_record_length_past_the_datagram_refuses_the_rest_of_it)
{
    uint8_t d[512];
    size_t len = record(d, 1, 40);
    size_t second = len;
    len += record(d + len, 2, 40);
    d[second] = 0x01; /* 256 + ...: past the end */
    send_raw(d, len);
    len = record(d, 3, 10);
    send_raw(d, len);
    uint32_t svcs[4];
    size_t lens[4];
    unsigned bad;
    cr_assert_eq(drain(svcs, lens, 4, &bad), 2);
    cr_expect_eq(svcs[0], 1);
    cr_expect_eq(svcs[1], 3, "the next datagram is read");
    cr_expect_eq(bad, 1);
}

Test(dp, empty_short_and_zero_length_records_are_refused)
{
    uint8_t d[8] = { 0 };
    send_raw(d, 1);  /* shorter than a length */
    send_raw(d, 2);  /* a zero-length record */
    uint8_t ok[256];
    size_t len = record(ok, 9, 1);
    send_raw(ok, len);
    uint32_t svcs[4];
    size_t lens[4];
    unsigned bad;
    cr_assert_eq(drain(svcs, lens, 4, &bad), 1);
    cr_expect_eq(svcs[0], 9);
    cr_expect_eq(lens[0], 1);
    cr_expect_eq(bad, 2);
}

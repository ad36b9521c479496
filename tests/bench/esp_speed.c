/* esp_speed: throughput of the ISA's ESP engine (isa/esp.c) itself, single
 * threaded: esp_encap and esp_decap of IPv4 payloads (next header 4) for
 * AES-128-GCM-16 and AES-256-CBC + HMAC-SHA-256-128 at 64, 512 and 1400
 * bytes. tests/bench/esp.sh runs it against `openssl speed`.
 *
 *   esp_speed [-w] [-t TRANSFORM] [-s SIZE] [-d encap|decap] [-r RING] [SECONDS]
 *
 * SECONDS (default 2) per measurement. Times are CPU time of the process
 * (like openssl speed's default divisor), -w: wall-clock time instead;
 * both are printed. One line per measurement:
 *
 *   esp aes128-gcm16 1400 encap pps=... gbps=... packets=... cpu_s=... wall_s=...
 *
 * gbps counts payload (inner packet) bits. Decap runs over a ring of RING
 * (default 256) packets encapsulated beforehand by an outbound SA; every
 * pass over the ring gets a fresh inbound SA (replay window 64, as the
 * router would run), its creation outside the timed part. The default ring
 * (256 x 2 KB) stays in L2 like a packet the ISA has just received, and
 * like openssl speed's single buffer; -r 4096 measures it coming from L3
 * or memory instead. Any result but ESP_OK, or a decapsulated payload that
 * differs from the original, exits 1. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/esp.h"

#define OUT_CAP 2048
#define CHECK_EVERY 256 /* packets between clock reads */

struct tf_case {
    const char *name, *enc, *auth;
};

static const struct tf_case tf_cases[] = {
    { "aes128-gcm16", "aes128-gcm16", "auth-encryption" },
    { "aes256-sha256", "aes256", "sha256" },
};
static const size_t sizes[] = { 64, 512, 1400 };

static bool use_wall;
static volatile uint64_t sink; /* results the compiler must keep */

struct clocks {
    struct timespec cpu, wall;
};

static void now(struct clocks *c)
{
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
    clock_gettime(CLOCK_MONOTONIC, &c->wall);
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct elapsed {
    double cpu, wall;
};

static void add_since(struct elapsed *e, const struct clocks *from)
{
    struct clocks to;
    now(&to);
    e->cpu += ts_diff(&from->cpu, &to.cpu);
    e->wall += ts_diff(&from->wall, &to.wall);
}

static double base(const struct elapsed *e) { return use_wall ? e->wall : e->cpu; }

static void fail(const char *what, const char *tf, size_t size, enum esp_result r)
{
    fprintf(stderr, "esp_speed: %s %s %zu: %s\n", what, tf, size, esp_result_name(r));
    exit(1);
}

/* Deterministic filler (xorshift64): keys and payload bytes. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        p[i] = (uint8_t)rng;
    }
}

/* An IPv4 packet of `len` bytes: a header that says so, then filler. */
static void make_payload(uint8_t *p, size_t len)
{
    fill(p, len);
    p[0] = 0x45;
    p[1] = 0;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    p[8] = 64;
    p[9] = 17;
}

static struct esp_sa *new_sa(const struct esp_transform *t, bool inbound, const uint8_t *ek,
                             const uint8_t *ak, const char *name)
{
    struct esp_sa_params p = {
        .spi = 0x1000,
        .inbound = inbound,
        .tf = *t,
        .enc_key = ek,
        .enc_key_len = esp_enc_key_len(t),
        .auth_key = esp_auth_key_len(t) ? ak : NULL,
        .auth_key_len = esp_auth_key_len(t),
        .replay_window = inbound ? 64 : 0,
    };
    char err[256];
    struct esp_sa *sa = esp_sa_new(&p, err, sizeof err);
    if (!sa) {
        fprintf(stderr, "esp_speed: %s: esp_sa_new: %s\n", name, err);
        exit(1);
    }
    return sa;
}

static void report(const char *tf, size_t size, const char *dir, uint64_t packets,
                   const struct elapsed *e)
{
    double s = base(e);
    double pps = s > 0 ? (double)packets / s : 0;
    printf("esp %s %zu %s pps=%.0f gbps=%.4f packets=%llu cpu_s=%.4f wall_s=%.4f\n", tf, size, dir,
           pps, pps * (double)size * 8 / 1e9, (unsigned long long)packets, e->cpu, e->wall);
    fflush(stdout);
}

static void bench_encap(const struct tf_case *c, const struct esp_transform *t, size_t size,
                        double secs, const uint8_t *ek, const uint8_t *ak)
{
    struct esp_sa *sa = new_sa(t, false, ek, ak, c->name);
    static uint8_t payload[OUT_CAP], out[OUT_CAP];
    make_payload(payload, size);
    uint64_t packets = 0, acc = 0;
    struct elapsed e = { 0, 0 };
    while (base(&e) < secs) {
        struct clocks t0;
        now(&t0);
        for (int i = 0; i < CHECK_EVERY; i++) {
            size_t olen = 0;
            enum esp_result r = esp_encap(sa, payload, size, 4, out, sizeof out, &olen);
            if (r != ESP_OK)
                fail("esp_encap", c->name, size, r);
            acc += olen + out[olen - 1];
        }
        packets += CHECK_EVERY;
        add_since(&e, &t0);
    }
    sink += acc;
    if (esp_sa_stats(sa)->packets != packets)
        fail("esp_encap: the SA counted another number of packets", c->name, size, ESP_OK);
    report(c->name, size, "encap", packets, &e);
    esp_sa_destroy(&sa);
}

static void bench_decap(const struct tf_case *c, const struct esp_transform *t, size_t size,
                        double secs, size_t ring_n, const uint8_t *ek, const uint8_t *ak)
{
    struct esp_sa *osa = new_sa(t, false, ek, ak, c->name);
    static uint8_t payload[OUT_CAP], out[OUT_CAP];
    make_payload(payload, size);
    uint8_t *ring = malloc(ring_n * OUT_CAP);
    size_t *lens = malloc(ring_n * sizeof *lens);
    if (!ring || !lens) {
        fprintf(stderr, "esp_speed: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < ring_n; i++) {
        payload[4] = (uint8_t)(i >> 8); /* the IP ID: packets differ */
        payload[5] = (uint8_t)i;
        enum esp_result r = esp_encap(osa, payload, size, 4, ring + i * OUT_CAP, OUT_CAP, &lens[i]);
        if (r != ESP_OK)
            fail("esp_encap (ring)", c->name, size, r);
    }
    esp_sa_destroy(&osa);

    uint64_t packets = 0, acc = 0;
    struct elapsed e = { 0, 0 };
    bool verified = false;
    while (base(&e) < secs) {
        /* a fresh SA per pass: the replay window would refuse the ring's
         * numbers the second time round */
        struct esp_sa *isa = new_sa(t, true, ek, ak, c->name);
        struct clocks t0;
        now(&t0);
        size_t i = 0;
        for (; i < ring_n; i++) {
            size_t olen = 0;
            uint8_t nh = 0;
            enum esp_result r =
                esp_decap(isa, ring + i * OUT_CAP, lens[i], out, sizeof out, &olen, &nh);
            if (r != ESP_OK)
                fail("esp_decap", c->name, size, r);
            acc += olen + nh + out[olen - 1];
            if ((i & (CHECK_EVERY - 1)) == CHECK_EVERY - 1 && i + 1 < ring_n) {
                struct clocks t1;
                now(&t1);
                if (base(&e) + (use_wall ? ts_diff(&t0.wall, &t1.wall) : ts_diff(&t0.cpu, &t1.cpu)) >=
                    secs) {
                    i++;
                    break;
                }
            }
            if (!verified && i == ring_n - 1) {
                payload[4] = (uint8_t)(i >> 8);
                payload[5] = (uint8_t)i;
                if (olen != size || nh != 4 || memcmp(out, payload, size) != 0) {
                    fprintf(stderr, "esp_speed: %s %zu: decap does not give back the payload\n",
                            c->name, size);
                    exit(1);
                }
                verified = true;
            }
        }
        add_since(&e, &t0);
        packets += i;
        if (esp_sa_stats(isa)->packets != i)
            fail("esp_decap: the SA counted another number of packets", c->name, size, ESP_OK);
        esp_sa_destroy(&isa);
    }
    sink += acc;
    report(c->name, size, "decap", packets, &e);
    free(ring);
    free(lens);
}

static void usage(void)
{
    fprintf(stderr, "usage: esp_speed [-w] [-t TRANSFORM] [-s SIZE] [-d encap|decap] [-r RING] "
                    "[SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *only_tf = NULL, *only_dir = NULL;
    long only_size = 0, ring_n = 256;
    int o;
    while ((o = getopt(argc, argv, "wt:s:d:r:h")) != -1) {
        switch (o) {
        case 'w':
            use_wall = true;
            break;
        case 't':
            only_tf = optarg;
            break;
        case 's':
            only_size = strtol(optarg, NULL, 10);
            break;
        case 'd':
            only_dir = optarg;
            break;
        case 'r':
            ring_n = strtol(optarg, NULL, 10);
            break;
        default:
            usage();
        }
    }
    double secs = 2;
    if (optind < argc)
        secs = strtod(argv[optind++], NULL);
    if (optind < argc || secs <= 0 || ring_n < 1 || ring_n > 1 << 20 ||
        (only_size && (only_size < 20 || only_size > 1500)) ||
        (only_dir && strcmp(only_dir, "encap") && strcmp(only_dir, "decap")))
        usage();

    uint8_t ek[64], ak[64];
    fill(ek, sizeof ek);
    fill(ak, sizeof ak);
    bool any = false;
    for (size_t ci = 0; ci < sizeof tf_cases / sizeof tf_cases[0]; ci++) {
        const struct tf_case *c = &tf_cases[ci];
        if (only_tf && strcmp(only_tf, c->name))
            continue;
        struct esp_transform t;
        char err[256];
        if (esp_transform_parse(c->enc, c->auth, &t, err, sizeof err) != 0) {
            fprintf(stderr, "esp_speed: %s/%s: %s\n", c->enc, c->auth, err);
            return 1;
        }
        size_t list[1] = { (size_t)only_size };
        const size_t *sz = only_size ? list : sizes;
        size_t nsz = only_size ? 1 : sizeof sizes / sizeof sizes[0];
        for (size_t si = 0; si < nsz; si++) {
            if (!only_dir || !strcmp(only_dir, "encap"))
                bench_encap(c, &t, sz[si], secs, ek, ak);
            if (!only_dir || !strcmp(only_dir, "decap"))
                bench_decap(c, &t, sz[si], secs, (size_t)ring_n, ek, ak);
            any = true;
        }
    }
    if (!any) {
        fprintf(stderr, "esp_speed: no transform called %s\n", only_tf);
        return 2;
    }
    return sink == 0x5a5a5a5a5a5a5a5aull ? 3 : 0; /* reads sink: never optimised away */
}

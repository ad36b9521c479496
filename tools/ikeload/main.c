/* ikeload: an IKEv2 load generator for benchmarks (initiator only). It opens
 * N IKE SAs, each with one CHILD SA, against one responder and reports the
 * setup rate and the failures by reason:
 *   ikeload --target IP [--port 500] --psk KEY --count N [--window W]
 *           [--src-ip IP] [--base-port P] [--id-prefix load] [--id-type fqdn|key-id]
 *           [--ts-base 10.100.0.0] [--ts-remote 10.10.0.0/24] [--timeout S]
 *           [--report-every K] [--force-natt] [--hold S] [--delete]
 * Tunnel i has its own UDP socket bound to src-ip:(base-port + i), so the
 * responder sees N distinct clients; at most W setups are in flight. Every
 * tunnel proposes IKE AES-GCM-16-128 / PRF-HMAC-SHA2-256 / ECP-256 and ESP
 * AES-GCM-16-128 without ESN, authenticates with the PSK as
 * "<id-prefix>-<i>.example", and asks for TSi = ts-base + i (/32) and TSr =
 * ts-remote. Tunnels stay up until the end (DPD, Deletes and CHILD SA rekeys
 * from the responder are answered; other CREATE_CHILD_SA requests are
 * refused); --hold keeps them S seconds after the last setup
 * (SIGINT/SIGTERM ends the wait), --delete then sends each IKE SA an
 * INFORMATIONAL Delete.
 * One process is single-threaded: one epoll over its sockets. When the
 * descriptor limit cannot be raised to N + 100 (no CAP_SYS_RESOURCE), the
 * tunnels are split over as many worker processes as the limit needs, each
 * with its share of the window; the parent adds up their records and prints
 * the one report. Every datagram is hostile: it is parsed with ike_parse and
 * dropped unless it answers the tunnel's outstanding request or is the
 * responder's next request.
 * Here: the options and the descriptor limit. tunnels.c keeps the tunnels of
 * one process and runs its phases, setup.c sets a tunnel up (IKE_SA_INIT,
 * IKE_AUTH), answer.c answers the responder's requests, report.c keeps the
 * results and runs the workers. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ikeload.h"

#define FD_RESERVE 100         /* descriptors besides the tunnels' sockets */

volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* ---- options -------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: ikeload --target IP [--port 500] --psk KEY --count N [--window 64] [--src-ip IP]\n"
            "               [--base-port 10000] [--id-prefix load] [--id-type fqdn|key-id]\n"
            "               [--ts-base 10.100.0.0] [--ts-remote 10.10.0.0/24] [--timeout 30]\n"
            "               [--report-every 1000] [--force-natt] [--hold S] [--delete]\n");
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v < lo || v > hi)
        return false;
    *out = (unsigned)v;
    return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        { "target", 1, 0, 't' },     { "port", 1, 0, 'p' },      { "psk", 1, 0, 'k' },
        { "count", 1, 0, 'n' },      { "window", 1, 0, 'w' },    { "src-ip", 1, 0, 's' },
        { "base-port", 1, 0, 'b' },  { "id-prefix", 1, 0, 'i' }, { "id-type", 1, 0, 'I' },
        { "ts-base", 1, 0, 'T' },    { "ts-remote", 1, 0, 'R' }, { "timeout", 1, 0, 'o' },
        { "report-every", 1, 0, 'r' }, { "force-natt", 0, 0, 'F' }, { "hold", 1, 0, 'H' },
        { "delete", 0, 0, 'D' },     { "help", 0, 0, 'h' },      { 0, 0, 0, 0 },
    };
    memset(o, 0, sizeof *o);
    o->port = 500;
    o->window = 64;
    o->base_port = 10000;
    o->id_prefix = "load";
    o->id_type = IKE_ID_FQDN;
    o->ts_base = 0x0a640000;       /* 10.100.0.0 */
    o->ts_remote_lo = 0x0a0a0000; /* 10.10.0.0/24 */
    o->ts_remote_hi = 0x0a0a00ff;
    o->timeout_s = 30;
    o->report_every = 1000;
    o->src.s_addr = htonl(INADDR_ANY);
    bool target = false;
    unsigned v;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 't':
            o->target.sin_family = AF_INET;
            if (inet_pton(AF_INET, optarg, &o->target.sin_addr) != 1)
                goto bad;
            target = true;
            break;
        case 'p':
            if (!parse_uint(optarg, 1, 65535, &v))
                goto bad;
            o->port = (uint16_t)v;
            break;
        case 'k':
            o->psk = optarg;
            break;
        case 'n':
            if (!parse_uint(optarg, 1, 65535, &o->count))
                goto bad;
            break;
        case 'w':
            if (!parse_uint(optarg, 1, 65535, &o->window))
                goto bad;
            break;
        case 's':
            if (inet_pton(AF_INET, optarg, &o->src) != 1)
                goto bad;
            break;
        case 'b':
            if (!parse_uint(optarg, 1, 65535, &o->base_port))
                goto bad;
            break;
        case 'i':
            o->id_prefix = optarg;
            if (strlen(optarg) > 80)
                goto bad;
            break;
        case 'I':
            if (strcmp(optarg, "fqdn") == 0)
                o->id_type = IKE_ID_FQDN;
            else if (strcmp(optarg, "key-id") == 0)
                o->id_type = IKE_ID_KEY_ID;
            else
                goto bad;
            break;
        case 'T': {
            struct in_addr a;
            if (inet_pton(AF_INET, optarg, &a) != 1)
                goto bad;
            o->ts_base = ntohl(a.s_addr);
            break;
        }
        case 'R': {
            char addr[32];
            unsigned plen = 32;
            struct in_addr a;
            const char *slash = strchr(optarg, '/');
            size_t al = slash ? (size_t)(slash - optarg) : strlen(optarg);
            if (al >= sizeof addr)
                goto bad;
            memcpy(addr, optarg, al);
            addr[al] = 0;
            if (inet_pton(AF_INET, addr, &a) != 1 || (slash && !parse_uint(slash + 1, 0, 32, &plen)))
                goto bad;
            uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
            o->ts_remote_lo = ntohl(a.s_addr) & mask;
            o->ts_remote_hi = o->ts_remote_lo | ~mask;
            break;
        }
        case 'o':
            if (!parse_uint(optarg, 0, 86400, &o->timeout_s))
                goto bad;
            break;
        case 'r':
            if (!parse_uint(optarg, 0, 65535, &o->report_every))
                goto bad;
            break;
        case 'F':
            o->force_natt = true;
            break;
        case 'H':
            if (!parse_uint(optarg, 0, 86400 * 7, &o->hold_s))
                goto bad;
            break;
        case 'D':
            o->delete_at_end = true;
            break;
        default:
            usage();
            return -1;
        }
    }
    if (!target || !o->psk || !o->psk[0] || !o->count || optind != argc) {
        usage();
        return -1;
    }
    if (o->base_port + o->count - 1 > 65535) {
        fprintf(stderr, "ikeload: base-port %u + count %u passes port 65535\n", o->base_port, o->count);
        return -1;
    }
    if ((uint64_t)o->ts_base + o->count - 1 > 0xffffffffu) {
        fprintf(stderr, "ikeload: ts-base + count passes 255.255.255.255\n");
        return -1;
    }
    if (o->window > o->count)
        o->window = o->count;
    return 0;
bad:
    fprintf(stderr, "ikeload: bad value '%s'\n", optarg);
    usage();
    return -1;
}

/* One socket per tunnel: raise RLIMIT_NOFILE to count + FD_RESERVE, or
 * say how many processes the hard limit calls for. */
static unsigned workers_needed(unsigned count)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)count + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return 1;
    struct rlimit up = { want, rl.rlim_max > want ? rl.rlim_max : want };
    if (setrlimit(RLIMIT_NOFILE, &up) == 0)
        return 1;
    rl.rlim_cur = rl.rlim_max; /* no CAP_SYS_RESOURCE: as far as the hard limit goes */
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_max <= 2 * FD_RESERVE)
        return 0;
    rlim_t each = rl.rlim_max - FD_RESERVE;
    unsigned n = (unsigned)((count + each - 1) / each);
    printf("ikeload: the descriptor limit is %llu (no CAP_SYS_RESOURCE to raise it): %u worker processes\n",
           (unsigned long long)rl.rlim_max, n);
    return n <= MAX_WORKERS ? n : 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (parse_opts(argc, argv, &o) != 0)
        return 2;
    unsigned workers = workers_needed(o.count);
    if (!workers) {
        fprintf(stderr, "ikeload: too few descriptors for %u tunnels\n", o.count);
        return 1;
    }
    static struct tally y;
    y.report_every = o.report_every;
    y.latency_ms = calloc(o.count, sizeof *y.latency_ms);
    if (!y.latency_ms) {
        perror("ikeload");
        return 1;
    }
    struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    y.t0_ms = y.last_report_ms = now_ms();
    int rc = workers == 1 ? run(&o, 0, o.count, o.window, &y, -1) : run_workers(&o, workers, &y);
    free(y.latency_ms);
    return rc ? rc : y.failed ? 1 : 0;
}

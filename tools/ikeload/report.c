/* ikeload: the run's results, kept by the one process or added up by the
 * parent from its workers' records, and the workers themselves. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ikeload.h"

void tally_fail(struct tally *y, const char *why, uint64_t now)
{
    y->failed++;
    y->last_done_ms = now;
    for (unsigned i = 0; i < y->n_reasons; i++)
        if (strcmp(y->reasons[i].name, why) == 0) {
            y->reasons[i].n++;
            return;
        }
    if (y->n_reasons == MAX_REASONS) { /* the last row is "other" */
        y->reasons[MAX_REASONS - 1].n++;
        return;
    }
    struct reason *r = &y->reasons[y->n_reasons++];
    snprintf(r->name, sizeof r->name, "%s", y->n_reasons == MAX_REASONS ? "other" : why);
    r->n = 1;
}

void tally_up(struct tally *y, uint32_t latency_ms, uint64_t now)
{
    y->latency_ms[y->up++] = latency_ms;
    y->last_done_ms = now;
    unsigned k = y->report_every;
    if (!k || y->up % k)
        return;
    double secs = (double)(now - y->last_report_ms) / 1000.0;
    printf("ikeload: %u up, rate %.1f tunnels/s over the last %u\n", y->up, secs > 0 ? k / secs : 0.0, k);
    fflush(stdout);
    y->last_report_ms = now;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void tally_summary(struct tally *y)
{
    double secs = (double)((y->last_done_ms ? y->last_done_ms : now_ms()) - y->t0_ms) / 1000.0;
    double rate = secs > 0 ? y->up / secs : 0;
    char reasons[1024] = "";
    size_t o = 0;
    for (unsigned i = 0; i < y->n_reasons && o < sizeof reasons; i++)
        o += (size_t)snprintf(reasons + o, sizeof reasons - o, "%s%s %u", i ? ", " : "", y->reasons[i].name,
                              y->reasons[i].n);
    printf("ikeload: %u up, %u failed (%s), %.1f s, %.1f tunnels/s overall\n", y->up, y->failed,
           y->n_reasons ? reasons : "none", secs, rate);
    if (y->up) {
        qsort(y->latency_ms, y->up, sizeof *y->latency_ms, cmp_u32);
        printf("ikeload: setup latency p50 %u ms, p90 %u ms, p99 %u ms, max %u ms; %llu retransmissions, "
               "%llu datagrams ignored; own cpu %.1f s\n",
               y->latency_ms[y->up / 2], y->latency_ms[y->up * 9 / 10], y->latency_ms[y->up * 99 / 100],
               y->latency_ms[y->up - 1], (unsigned long long)y->retransmits, (unsigned long long)y->ignored,
               y->cpu_s);
    }
    printf("ikeload-result up=%u failed=%u seconds=%.2f rate=%.1f\n", y->up, y->failed, secs, rate);
    fflush(stdout);
}

void report(struct load *l, const struct rec *r)
{
    if (write(l->report_fd, r, sizeof *r) != (ssize_t)sizeof *r)
        stop = 1; /* the parent is gone */
}

/* ---- workers ------------------------------------------------------------------------------- */

/* Splits the tunnels over `workers` processes and adds up their records. */
int run_workers(const struct opts *o, unsigned workers, struct tally *y)
{
    int p[2];
    pid_t pid[MAX_WORKERS];
    if (pipe(p) != 0) {
        perror("ikeload: pipe");
        return 1;
    }
    unsigned w_each = o->window / workers ? o->window / workers : 1;
    for (unsigned w = 0; w < workers; w++) {
        unsigned lo = (unsigned)((uint64_t)o->count * w / workers);
        unsigned hi = (unsigned)((uint64_t)o->count * (w + 1) / workers);
        pid[w] = fork();
        if (pid[w] < 0) {
            perror("ikeload: fork");
            return 1;
        }
        if (pid[w] == 0) {
            close(p[0]);
            _exit(run(o, lo, hi - lo, w_each, NULL, p[1]));
        }
    }
    close(p[1]);
    unsigned setups = 0, holds = 0, deletes = 0, lost = 0, held = 0, asked = 0;
    uint64_t dpd = 0, answered = 0, rekeys = 0, refused = 0;
    bool forwarded = false;
    for (;;) {
        if (stop && !forwarded) { /* our children end as we were asked to */
            for (unsigned w = 0; w < workers; w++)
                kill(pid[w], SIGTERM);
            forwarded = true;
        }
        struct rec r;
        ssize_t got = read(p[0], &r, sizeof r);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof r)
            break; /* every worker is gone */
        uint64_t now = now_ms();
        switch (r.kind) {
        case REC_UP:
            tally_up(y, r.v, now);
            break;
        case REC_FAIL:
            r.why[sizeof r.why - 1] = 0;
            tally_fail(y, r.why, now);
            break;
        case REC_SETUP_DONE:
            y->retransmits += r.a;
            y->ignored += r.b;
            y->cpu_s += r.cpu_s;
            if (++setups == workers)
                tally_summary(y);
            break;
        case REC_HOLD_DONE:
            lost += r.v;
            dpd += r.a;
            held += (unsigned)r.b;
            rekeys += r.c;
            refused += r.d;
            if (++holds == workers) {
                printf("ikeload: held %u tunnels; %u lost to the responder's delete; %llu DPD answered; "
                       "%llu CHILD SA rekeys answered, %llu refused\n",
                       held, lost, (unsigned long long)dpd, (unsigned long long)rekeys,
                       (unsigned long long)refused);
                fflush(stdout);
            }
            break;
        case REC_DELETE_DONE:
            asked += r.v;
            answered += r.a;
            if (++deletes == workers) {
                printf("ikeload: sent Delete for %u IKE SAs, %llu answered\n", asked, (unsigned long long)answered);
                fflush(stdout);
            }
            break;
        default:
            break;
        }
    }
    close(p[0]);
    int rc = 0;
    for (unsigned w = 0; w < workers; w++) {
        int status;
        if (waitpid(pid[w], &status, 0) != pid[w] || !WIFEXITED(status) || WEXITSTATUS(status))
            rc = 1;
    }
    if (setups < workers) {
        fprintf(stderr, "ikeload: %u of %u workers ended before reporting\n", workers - setups, workers);
        rc = 1;
    }
    return rc;
}

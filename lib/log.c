#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static FILE *log_fp;
static char log_proc[64] = "?";
static enum log_level log_min = LL_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *proc, const char *path)
{
    snprintf(log_proc, sizeof log_proc, "%s", proc);
    if (log_fp && log_fp != stderr)
        fclose(log_fp);
    log_fp = stderr;
    if (path) {
        FILE *fp = fopen(path, "a");
        if (!fp)
            return -1;
        setvbuf(fp, NULL, _IOLBF, 0);
        log_fp = fp;
    }
    const char *env = getenv("SRLAB_LOG_LEVEL");
    if (env && strcmp(env, "debug") == 0)
        log_min = LL_DEBUG;
    return 0;
}

void log_close(void)
{
    if (log_fp && log_fp != stderr)
        fclose(log_fp);
    log_fp = NULL;
}

void log_set_level(enum log_level level)
{
    log_min = level;
}

const char *log_q(const char *s)
{
    static __thread char ring[8][256];
    static __thread unsigned next;
    char *out = ring[next++ % 8];
    size_t o = 0;
    out[o++] = '"';
    for (; s && *s && o < sizeof ring[0] - 4; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            out[o++] = '?';
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = 0;
    return out;
}

void log_event(enum log_level level, const char *event, const char *fmt, ...)
{
    if (level < log_min)
        return;
    FILE *fp = log_fp ? log_fp : stderr;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    fprintf(fp, "ts=%s.%03ldZ level=%s proc=%s event=%s%s%s\n", ts, (long)(tv.tv_usec / 1000),
            level_names[level], log_proc, event, body[0] ? " " : "", body);
}

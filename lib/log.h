/* Structured logs: one line per event, logfmt (key=value), to the process's
 * own file under the run directory. Shared by every process. */
#ifndef SRLAB_LOG_H
#define SRLAB_LOG_H

#include <stdarg.h>

enum log_level { LL_DEBUG, LL_INFO, LL_WARN, LL_ERROR };

/* proc names the process in every line ("cpm", "isa-1/2"); path NULL logs to stderr. */
int log_open(const char *proc, const char *path);
void log_close(void);
void log_set_level(enum log_level level);

/* event is a short snake_case name ("card_down"); fmt continues with
 * key=value pairs. Use log_q() for values that may hold spaces or quotes. */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Quotes s for a logfmt value into a per-thread ring of buffers: valid until
 * a few more calls; meant to be used inside one log_event() argument list. */
const char *log_q(const char *s);

#define log_debug(ev, ...) log_event(LL_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)  log_event(LL_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)  log_event(LL_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...) log_event(LL_ERROR, ev, __VA_ARGS__)

#endif

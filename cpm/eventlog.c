/* The event log: state changes, failures and errors, as SR OS's log 99.
 * Kept in SQLite (survives a cpm restart) and written as RFC 5424 syslog
 * lines to RUNDIR/log/events.log for tools that tail it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cpm.h"
#include "log.h"

static const char *const sev_names[] = {
    "CLEARED", "INDETERMINATE", "WARNING", "MINOR", "MAJOR", "CRITICAL",
};
/* RFC 5424 severities for the same levels */
static const int sev_syslog[] = { 6, 6, 4, 4, 3, 2 };

static const char *const table_sql =
    "CREATE TABLE IF NOT EXISTS event_log("
    "  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, severity TEXT NOT NULL,"
    "  application TEXT NOT NULL, event_id INTEGER NOT NULL, subject TEXT NOT NULL,"
    "  message TEXT NOT NULL);";

int eventlog_init(struct cpm *cpm)
{
    sqlite3 *db = cfg_store_db(cpm->store);
    if (sqlite3_exec(db, table_sql, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(seq),0) FROM event_log", -1, &q, NULL) !=
        SQLITE_OK)
        return -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        cpm->event_seq = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return 0;
}

void eventlog_add(struct cpm *cpm, enum ev_severity sev, const char *app, int event_id,
                  const char *subject, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char when[40], iso[40];
    strftime(when, sizeof when, "%Y/%m/%d %H:%M:%S", &tm);
    snprintf(when + strlen(when), sizeof when - strlen(when), ".%02ld UTC",
             (long)(tv.tv_usec / 10000));
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(iso + strlen(iso), sizeof iso - strlen(iso), ".%03ldZ", (long)(tv.tv_usec / 1000));

    uint64_t seq = ++cpm->event_seq;
    sqlite3 *db = cfg_store_db(cpm->store);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "INSERT INTO event_log VALUES(?,?,?,?,?,?,?)", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)seq);
        sqlite3_bind_text(q, 2, when, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, sev_names[sev], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, app, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 5, event_id);
        sqlite3_bind_text(q, 6, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 7, msg, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q) != SQLITE_DONE)
            log_warn("eventlog_store_failed", "reason=%s", log_q(sqlite3_errmsg(db)));
        sqlite3_finalize(q);
    }

    char *path = zsys_sprintf("%s/log/events.log", cpm->rundir);
    FILE *f = fopen(path, "a");
    if (f) {
        /* RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG (facility local7) */
        fprintf(f, "<%d>1 %s %s cpm %d %s-%d - %s: %s\n", 23 * 8 + sev_syslog[sev], iso,
                cpm->name, (int)getpid(), app, event_id, subject, msg);
        fclose(f);
    }
    zstr_free(&path);
    log_info("event", "seq=%lu severity=%s app=%s id=%d subject=%s msg=%s", (unsigned long)seq,
             sev_names[sev], app, event_id, log_q(subject), log_q(msg));
}

void show_log(struct cpm *cpm, struct strbuf *out, struct json *j, int max)
{
    sqlite3 *db = cfg_store_db(cpm->store);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT seq,time,severity,application,event_id,subject,message "
                           "FROM event_log ORDER BY seq DESC LIMIT ?", -1, &q, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(q, 1, max);
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "events");
    } else {
        show_rule(out, '=');
        sb_puts(out, "Event Log 99\n");
        show_rule(out, '=');
        sb_printf(out, "Description : Default System Log\nMemory Log contents  [size=%d   "
                  "next event=%lu]\n\n", max, (unsigned long)cpm->event_seq + 1);
    }
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *t[7];
        for (int i = 0; i < 7; i++)
            t[i] = (const char *)sqlite3_column_text(q, i);
        if (j) {
            json_obj(j, NULL);
            json_uint(j, "seq", (uint64_t)sqlite3_column_int64(q, 0));
            json_str(j, "time", t[1]);
            json_str(j, "severity", t[2]);
            json_str(j, "application", t[3]);
            json_int(j, "event_id", sqlite3_column_int(q, 4));
            json_str(j, "subject", t[5]);
            json_str(j, "message", t[6]);
            json_end(j);
        } else {
            sb_printf(out, "%s %s %s: %s #%s Base %s\n\"%s\"\n\n", t[0], t[1], t[2], t[3], t[4],
                      t[5], t[6]);
        }
    }
    sqlite3_finalize(q);
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
}

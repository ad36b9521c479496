/* Show commands that need the dataplane's state (ports, SAP counters, ARP,
 * routes) ask every IOM over the bus and answer the CLI client when all
 * have replied or QUERY_TIMEOUT_MS has passed. The CLI request is parked
 * meanwhile (the event loop never waits), with the lines that follow it. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "log.h"

#define QUERY_TIMEOUT_MS 2000

struct pending {
    uint64_t id;
    zframe_t *client;
    uint32_t session;
    bool json;
    char *line;                /* the show command being answered */
    char *rest;                /* the request's lines after it */
    struct strbuf out;         /* output so far */
    int status;
    int waiting;
    Srlab__Envelope **replies;
    size_t n_replies;
    int64_t deadline;
    show_render_fn *render;
    struct pending *next;
};

static struct pending *pendings;
static uint64_t next_id = 1;

void query_start(struct cpm *cpm, struct cli_session *s, zframe_t *client, bool json,
                 const char *line, const char *rest, struct strbuf *out, int status,
                 const char *what, uint32_t svc, const char *filter, show_render_fn *render)
{
    struct pending *p = calloc(1, sizeof *p);
    p->id = next_id++;
    p->client = zframe_dup(client);
    p->session = s->id;
    p->json = json;
    p->line = strdup(line);
    p->rest = strdup(rest ? rest : "");
    p->out = *out; /* takes over the output so far */
    sb_init(out);
    p->status = status;
    p->render = render;
    p->deadline = zclock_mono() + QUERY_TIMEOUT_MS;
    Srlab__Query q = SRLAB__QUERY__INIT;
    q.id = p->id;
    q.what = (char *)what;
    q.svc = svc;
    q.filter = (char *)(filter ? filter : "");
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_QUERY;
    env.query = &q;
    /* the IOMs; the ISAs for tunnels; both for counters */
    bool tunnels = strcmp(what, "tunnels") == 0 || strcmp(what, "keys") == 0 ||
                   strcmp(what, "lockout") == 0 || strcmp(what, "clear-lockout") == 0;
    bool isas = strcmp(what, "counters") == 0 || tunnels;
    bool ioms = !tunnels;
    for (unsigned slot = 1; slot <= 10; slot++) {
        for (unsigned mda = ioms ? 0 : 1; mda <= (isas ? 6u : 0u); mda++) {
            char id[16];
            if (mda)
                snprintf(id, sizeof id, "isa-%u/%u", slot, mda);
            else
                snprintf(id, sizeof id, "iom-%u", slot);
            struct card_proc *c = cards_get(cpm, id);
            if (c && c->state != CARD_DOWN && bus_send_to(cpm->bus, id, &env, &cpm->bus_stats) == 0)
                p->waiting++;
        }
    }
    p->next = pendings;
    pendings = p;
    if (p->waiting == 0)
        query_tick(cpm); /* nobody to ask: answer now, with what cpm knows */
}

static void finish(struct cpm *cpm, struct pending *p)
{
    const Srlab__QueryReply **replies = calloc(p->n_replies ? p->n_replies : 1, sizeof *replies);
    for (size_t i = 0; i < p->n_replies; i++)
        replies[i] = p->replies[i]->query_reply;
    struct json j;
    json_init(&j);
    int rc = p->render(cpm, p->line, replies, p->n_replies, p->waiting > 0, &p->out,
                       p->json ? &j : NULL);
    if (p->json) {
        char *text = json_take(&j);
        if (rc == 0)
            sb_puts(&p->out, text);
        free(text);
    } else {
        sb_free(&j.sb);
    }
    free(replies);
    if (rc != 0)
        p->status = 1;
    cli_resume(cpm, p->client, p->session, p->json, p->rest, &p->out, p->status);
}

static void destroy(struct pending *p)
{
    for (size_t i = 0; i < p->n_replies; i++)
        srlab__envelope__free_unpacked(p->replies[i], NULL);
    free(p->replies);
    zframe_destroy(&p->client);
    free(p->line);
    free(p->rest);
    sb_free(&p->out);
    free(p);
}

static void unlink_pending(struct pending *p)
{
    for (struct pending **pp = &pendings; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            return;
        }
}

void query_on_reply(struct cpm *cpm, bus_msg_t **env)
{
    uint64_t id = (*env)->query_reply->id;
    for (struct pending *p = pendings; p; p = p->next) {
        if (p->id != id)
            continue;
        p->replies = realloc(p->replies, sizeof *p->replies * (p->n_replies + 1));
        p->replies[p->n_replies++] = *env;
        *env = NULL;
        if (--p->waiting <= 0) {
            unlink_pending(p);
            finish(cpm, p);
            destroy(p);
        }
        return;
    }
    log_warn("query_reply_late", "id=%lu", (unsigned long)id); /* after its timeout */
}

void query_tick(struct cpm *cpm)
{
    int64_t now = zclock_mono();
    struct pending *p = pendings;
    while (p) {
        struct pending *next = p->next;
        if (p->waiting <= 0 || now >= p->deadline) {
            unlink_pending(p);
            finish(cpm, p);
            destroy(p);
        }
        p = next;
    }
}

void query_destroy_all(void)
{
    while (pendings) {
        struct pending *p = pendings;
        pendings = p->next;
        destroy(p);
    }
}

/* The reverse routes of the gateways' dynamic tunnels, indexed so that a
 * CHILD SA whose TSi would overlap a route to another tunnel is refused (the
 * chapter). Per private service and address family, the address ranges each
 * tunnel's CHILD SAs route back to it (one tunnel's ranges merged into their
 * union) are kept sorted by start address; ranges of different tunnels never
 * overlap, so one binary search answers whether a new range clashes, and
 * the cost stays flat with tens of thousands of tunnels.
 * Routes to other kinds of tunnels (static routes in the private service)
 * are the IOM's, not checked here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

struct rr_ent {
    uint8_t start[16], end[16];
    const struct isa_tunnel *t;
};

struct rr_set {
    struct rr_ent *v;
    size_t n, cap;
};

void **ike_engine_routes(struct isa *isa);

static size_t alen_of(int family)
{
    return family == AF_INET ? 4 : 16;
}

static void set_free(void **item)
{
    struct rr_set *s = *item;
    if (s)
        free(s->v);
    free(s);
    *item = NULL;
}

static struct rr_set *set_of(struct isa *isa, uint32_t svc, int family, bool create)
{
    zhashx_t **idx = (zhashx_t **)ike_engine_routes(isa);
    if (!*idx) {
        if (!create)
            return NULL;
        *idx = zhashx_new();
        zhashx_set_destructor(*idx, set_free);
    }
    char k[24];
    snprintf(k, sizeof k, "%u|%d", svc, family);
    struct rr_set *s = zhashx_lookup(*idx, k);
    if (!s && create) {
        s = calloc(1, sizeof *s);
        zhashx_insert(*idx, k, s);
    }
    return s;
}

/* The first entry starting after `addr`. */
static size_t upper(const struct rr_set *s, const uint8_t *addr, size_t alen)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(s->v[mid].start, addr, alen) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool clash_in(const struct rr_set *s, const struct isa_tunnel *t, const uint8_t *start,
                     const uint8_t *end, size_t alen)
{
    /* the entries overlapping [start, end] end the run before upper(end) */
    for (size_t i = s ? upper(s, end, alen) : 0; i-- > 0;) {
        if (memcmp(s->v[i].end, start, alen) < 0)
            break;
        if (s->v[i].t != t)
            return true;
    }
    return false;
}

bool ike_routes_clash(struct isa *isa, const struct isa_tunnel *t, const struct ike_sel *sel)
{
    return clash_in(set_of(isa, t->private_svc, sel->family, false), t, sel->start, sel->end,
                    alen_of(sel->family));
}

static void remove_one(struct rr_set *s, const struct isa_tunnel *t, const uint8_t *start, size_t alen)
{
    size_t i = upper(s, start, alen);
    if (i == 0 || memcmp(s->v[i - 1].start, start, alen) != 0 || s->v[i - 1].t != t)
        return;
    i--;
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
    s->n--;
}

static void insert_one(struct rr_set *s, const struct isa_tunnel *t, const struct ike_range *r)
{
    size_t alen = alen_of(r->family);
    if (clash_in(s, t, r->start, r->end, alen)) {
        log_warn("reverse_route_clash", "tunnel=%s", log_q(t->name));
        return; /* the index stays disjoint; install refuses such CHILD SAs first */
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct rr_ent *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return;
        s->v = v;
        s->cap = cap;
    }
    size_t i = upper(s, r->start, alen);
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof *s->v);
    memset(&s->v[i], 0, sizeof s->v[i]);
    memcpy(s->v[i].start, r->start, alen);
    memcpy(s->v[i].end, r->end, alen);
    s->v[i].t = t;
    s->n++;
}

static int range_cmp(const void *a, const void *b)
{
    const struct ike_range *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->start, y->start, 16);
}

/* The tunnel's ranges become `ranges` (NULL/0: none). */
void ike_routes_set(struct isa *isa, struct isa_tunnel *t, const struct ike_range *ranges, unsigned n)
{
    for (unsigned i = 0; i < t->n_rr; i++) {
        struct rr_set *s = set_of(isa, t->private_svc, t->rr[i].family, false);
        if (s)
            remove_one(s, t, t->rr[i].start, alen_of(t->rr[i].family));
    }
    free(t->rr);
    t->rr = NULL;
    t->n_rr = 0;
    if (!n)
        return;
    struct ike_range *u = malloc(n * sizeof *u);
    if (!u)
        return;
    memcpy(u, ranges, n * sizeof *u);
    qsort(u, n, sizeof *u, range_cmp);
    /* the union: overlapping ranges of one family merged */
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t alen = alen_of(u[i].family);
        if (m && u[m - 1].family == u[i].family && memcmp(u[i].start, u[m - 1].end, alen) <= 0) {
            if (memcmp(u[i].end, u[m - 1].end, alen) > 0)
                memcpy(u[m - 1].end, u[i].end, 16);
            continue;
        }
        u[m++] = u[i];
    }
    for (unsigned i = 0; i < m; i++)
        insert_one(set_of(isa, t->private_svc, u[i].family, true), t, &u[i]);
    t->rr = u;
    t->n_rr = m;
}

void ike_routes_free(struct isa *isa)
{
    zhashx_destroy((zhashx_t **)ike_engine_routes(isa));
}

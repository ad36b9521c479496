/* The tunnel-group manager (the chapter's ISA redundancy): which ISAs
 * carry each tunnel group now, decided when cards come and go and kept
 * until something forces a change:
 *  - single-active: the primary, else the backup; cold standby, so a
 *    recovered primary waits as standby (no pre-emption); an ISA backing
 *    several groups takes only one of them at a time (no double failure);
 *  - multi-active: active-mda-number members carry tunnels, the others wait;
 *    a failed active member is replaced in its place (its tunnels move, the
 *    others stay), and without a standby left the group is down.
 * Failovers are logged when they start (ISA down, who takes over, how many
 * tunnels) and when they are done (the new ISA acknowledged its tunnels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "log.h"

#define TG_MAX_ACTIVE 16
#define BOOT_GRACE_MS 10000   /* after cpm starts: the ISAs are still registering */

struct tg_state {
    unsigned id;
    char active[TG_MAX_ACTIVE][8];   /* slot order; "" for an empty slot */
    int n_slots;
    char why[64];                    /* why it is down */
    bool primary_seen;               /* the primary (multi-active: the first members) up since cpm started */
    /* a failover in progress: its new ISAs and when it started */
    char pending[TG_MAX_ACTIVE][8];
    int n_pending;
    int64_t started_ms;
    unsigned tunnels_moving;
};

static zhashx_t *states;

static void state_free(void **item)
{
    free(*item);
    *item = NULL;
}

static struct tg_state *state_of(unsigned id)
{
    if (!states) {
        states = zhashx_new();
        zhashx_set_destructor(states, state_free);
    }
    char k[16];
    snprintf(k, sizeof k, "%u", id);
    struct tg_state *s = zhashx_lookup(states, k);
    if (!s) {
        s = calloc(1, sizeof *s);
        s->id = id;
        zhashx_insert(states, k, s);
    }
    return s;
}

void tgm_destroy(void)
{
    zhashx_destroy(&states);
}

static bool is_active(const struct tg_state *s, const char *isa)
{
    for (int i = 0; i < s->n_slots; i++)
        if (strcmp(s->active[i], isa) == 0)
            return true;
    return false;
}

/* Another group has failed over to isa (it carries that group as its backup). */
static bool taken_as_backup(struct cpm *cpm, unsigned group, const char *isa)
{
    cfg_each(tg, cfg_child(cpm->tree->root, "isa"), "tunnel-group") {
        unsigned id = (unsigned)atoi(tg->key);
        if (id == group || cfg_child(tg, "multi-active"))
            continue;
        const char *b = cfg_leaf(tg, "backup", "mda");
        if (b && strcmp(b, isa) == 0 && is_active(state_of(id), isa))
            return true;
    }
    return false;
}

static int tunnels_of(struct cpm *cpm, unsigned group, const char *isa)
{
    struct tunnel_view *tv;
    int n = tunnels_resolve(cpm, &tv), c = 0;
    for (int i = 0; i < n; i++)
        c += tv[i].group == group && strcmp(tv[i].isa, isa) == 0;
    free(tv);
    return c;
}

static void failover(struct cpm *cpm, struct tg_state *s, const char *from, const char *to)
{
    char subject[32];
    snprintf(subject, sizeof subject, "tunnel-group %u", s->id);
    if (!s->n_pending) {
        s->started_ms = zclock_mono();
        s->tunnels_moving = 0;
    }
    if (s->n_pending < TG_MAX_ACTIVE)
        snprintf(s->pending[s->n_pending++], 8, "%s", to);
    eventlog_add(cpm, EV_MAJOR, "ISA", 4001, subject, "failover started: ISA %s %s, ISA %s takes over",
                 from[0] ? from : "-", from[0] ? "down" : "unavailable", to);
    log_info("tg_failover", "group=%u from=%s to=%s", s->id, log_q(from), log_q(to));
}

/* Recomputes one group's active ISAs; true when they changed. */
static bool update_group(struct cpm *cpm, struct cfg_node *tg)
{
    struct tg_state *s = state_of((unsigned)atoi(tg->key));
    char before[TG_MAX_ACTIVE][8];
    int n_before = s->n_slots;
    memcpy(before, s->active, sizeof before);
    if (!tg->admin_up) {
        s->n_slots = 0;
        snprintf(s->why, sizeof s->why, "admin-down");
        s->n_pending = 0;
        return n_before != 0;
    }
    if (!cfg_child(tg, "multi-active")) {
        const char *p = cfg_leaf(tg, "primary", "mda"), *b = cfg_leaf(tg, "backup", "mda");
        const char *cur = s->n_slots ? s->active[0] : "";
        bool member = cur[0] && ((p && strcmp(cur, p) == 0) || (b && strcmp(cur, b) == 0));
        /* while the chassis boots, the primary takes its place when it first
         * comes up (the backup may only have registered first); once it has
         * been up, a recovered primary waits as standby */
        bool booting = (uint64_t)zclock_time() - cpm->started_ms < BOOT_GRACE_MS && !s->primary_seen;
        if (p && oper_mda_up(cpm, p) && !s->primary_seen) {
            s->primary_seen = true;
        } else {
            booting = false;
        }
        if (booting && strcmp(cur, p) != 0) {
            snprintf(s->active[0], 8, "%s", p);
            s->n_slots = 1;
            s->why[0] = 0;
        } else if (!(member && oper_mda_up(cpm, cur))) {
            const char *pick = NULL;
            if (p && oper_mda_up(cpm, p))
                pick = p;
            else if (b && oper_mda_up(cpm, b) && !taken_as_backup(cpm, s->id, b))
                pick = b;
            char old[8];
            snprintf(old, sizeof old, "%s", cur);
            if (pick) {
                snprintf(s->active[0], 8, "%s", pick);
                s->n_slots = 1;
                s->why[0] = 0;
                if (old[0])
                    failover(cpm, s, old, pick);
            } else {
                s->n_slots = 0;
                snprintf(s->why, sizeof s->why, "%s",
                         b && oper_mda_up(cpm, b) ? "backup-busy" : "no-active");
                if (old[0]) {
                    char subject[32];
                    snprintf(subject, sizeof subject, "tunnel-group %u", s->id);
                    eventlog_add(cpm, EV_CRITICAL, "ISA", 4003, subject,
                                 "tunnel-group %u down: ISA %s down and no ISA to take over (%s)", s->id, old,
                                 s->why);
                }
            }
        }
    } else {
        long want = cfg_get_int(cfg_child(tg, "active-mda-number"), "count", 1);
        if (want > TG_MAX_ACTIVE)
            want = TG_MAX_ACTIVE;
        /* while the chassis boots, the first active-mda-number members in
         * configuration order take the slots as they come up, whichever
         * registered first; once they all have been up, slots are sticky */
        if (!s->primary_seen && (uint64_t)zclock_time() - cpm->started_ms < BOOT_GRACE_MS) {
            int k = 0, up = 0;
            s->n_slots = 0;
            cfg_each(m, tg, "mda") {
                const char *mda = cfg_get(m, "mda");
                if (k++ >= want)
                    break;
                up += oper_mda_up(cpm, mda);
                snprintf(s->active[s->n_slots++], 8, "%s", oper_mda_up(cpm, mda) ? mda : "");
            }
            s->primary_seen = up == want;
        }
        /* members still in the configuration keep their slot while up */
        for (int i = 0; i < s->n_slots; i++) {
            bool member = false;
            cfg_each(m, tg, "mda") member |= strcmp(cfg_get(m, "mda"), s->active[i]) == 0;
            if (s->active[i][0] && (!member || !oper_mda_up(cpm, s->active[i]))) {
                char old[8];
                snprintf(old, sizeof old, "%s", s->active[i]);
                s->active[i][0] = 0;
                /* a standby takes the slot */
                cfg_each(m, tg, "mda") {
                    const char *mda = cfg_get(m, "mda");
                    if (!s->active[i][0] && oper_mda_up(cpm, mda) && !is_active(s, mda)) {
                        snprintf(s->active[i], 8, "%s", mda);
                        failover(cpm, s, old, mda);
                    }
                }
                if (!s->active[i][0]) {
                    char subject[32];
                    snprintf(subject, sizeof subject, "tunnel-group %u", s->id);
                    eventlog_add(cpm, EV_CRITICAL, "ISA", 4003, subject,
                                 "tunnel-group %u down: active ISA %s down and no standby left", s->id, old);
                }
            }
        }
        s->n_slots = (int)want < s->n_slots ? (int)want : s->n_slots;
        /* empty slots (a new group, or more wanted): up members not active */
        while (s->n_slots < want)
            s->active[s->n_slots++][0] = 0;
        for (int i = 0; i < s->n_slots; i++)
            if (!s->active[i][0])
                cfg_each(m, tg, "mda") {
                    const char *mda = cfg_get(m, "mda");
                    if (!s->active[i][0] && oper_mda_up(cpm, mda) && !is_active(s, mda))
                        snprintf(s->active[i], 8, "%s", mda);
                }
        int filled = 0;
        for (int i = 0; i < s->n_slots; i++)
            filled += s->active[i][0] != 0;
        snprintf(s->why, sizeof s->why, "%s", filled == s->n_slots ? "" : filled ? "no-standby" : "no-active");
    }
    return n_before != s->n_slots || memcmp(before, s->active, sizeof before) != 0;
}

void tgm_update(struct cpm *cpm)
{
    cfg_each(tg, cfg_child(cpm->tree->root, "isa"), "tunnel-group")
        update_group(cpm, tg);
}

/* A failover is done when every new ISA acknowledged the configuration
 * carrying its tunnels. */
void tgm_tick(struct cpm *cpm)
{
    if (!states)
        return;
    for (struct tg_state *s = zhashx_first(states); s; s = zhashx_next(states)) {
        if (!s->n_pending)
            continue;
        bool done = true;
        unsigned tunnels = 0;
        for (int i = 0; i < s->n_pending; i++) {
            char id[16];
            unsigned slot, mda;
            if (sscanf(s->pending[i], "%u/%u", &slot, &mda) != 2)
                continue;
            snprintf(id, sizeof id, "isa-%u/%u", slot, mda);
            const struct card_proc *c = cards_get(cpm, id);
            done &= c && c->state == CARD_UP && c->pushed_ms >= s->started_ms && c->acked_ms >= c->pushed_ms;
        }
        if (!done) {
            if (zclock_mono() - s->started_ms > 10000) {
                s->n_pending = 0; /* the new ISA never confirmed: the next change decides */
            }
            continue;
        }
        char subject[32], list[64] = "";
        for (int i = 0; i < s->n_pending; i++) {
            tunnels += (unsigned)tunnels_of(cpm, s->id, s->pending[i]);
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", s->pending[i]);
        }
        snprintf(subject, sizeof subject, "tunnel-group %u", s->id);
        eventlog_add(cpm, EV_CLEARED, "ISA", 4002, subject,
                     "failover done: ISA %s carries %u tunnel%s (%lld ms)", list, tunnels,
                     tunnels == 1 ? "" : "s", (long long)(zclock_mono() - s->started_ms));
        s->n_pending = 0;
    }
}

int tunnel_group_active_isas(struct cpm *cpm, struct cfg_node *tg, const char **out, int max)
{
    struct tg_state *s = state_of((unsigned)atoi(tg->key));
    if (!s->n_slots && tg->admin_up)
        update_group(cpm, tg); /* not decided yet (start-up, a new group) */
    int n = 0;
    for (int i = 0; i < s->n_slots && n < max; i++)
        if (s->active[i][0])
            out[n++] = s->active[i];
    return n;
}

const char *oper_tunnel_group(struct cpm *cpm, struct cfg_node *tg, char *flags, size_t flen)
{
    const char *act[TG_MAX_ACTIVE];
    int n = tunnel_group_active_isas(cpm, tg, act, TG_MAX_ACTIVE);
    struct tg_state *s = state_of((unsigned)atoi(tg->key));
    bool up = tg->admin_up && n > 0 && n == s->n_slots;
    snprintf(flags, flen, "%s", up ? "" : s->why[0] ? s->why : tg->admin_up ? "no-active" : "admin-down");
    /* an MC-IPsec group whose mc-ipsec tunnel-group is shut down is down:
     * neither chassis would otherwise stop serving it */
    struct cfg_node *mcg = up ? mc_group_config(cpm, s->id, NULL) : NULL;
    if (mcg && !mcg->admin_up) {
        up = false;
        snprintf(flags, flen, "mc-admin-down");
    }
    return up ? "up" : "down";
}

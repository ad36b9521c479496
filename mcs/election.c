/* The MIMP election of one tunnel group, as a pure function of what this
 * chassis knows (reference "multi-chassis redundancy"; the chapter's
 * "Calculate Master Eligibility"). The rules are tried in order and the
 * first that decides names itself in the reason. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcs.h"

static const char *const state_names[MS_MAX] = {
    [MS_DISCOVERY] = "discovery", [MS_NOT_ELIGIBLE] = "notEligible",
    [MS_ELIGIBLE] = "eligible",   [MS_STANDBY] = "standby",
    [MS_MASTER] = "master",
};

const char *mimp_state_name(enum mimp_state s)
{
    return (unsigned)s < MS_MAX ? state_names[s] : "?";
}

int mimp_state_parse(const char *name)
{
    for (int i = 0; name && i < MS_MAX; i++)
        if (strcmp(name, state_names[i]) == 0)
            return i;
    return -1;
}

const char *mcs_ineligible(const struct elig_in *in)
{
    if (!in->peer_admin_up)
        return "peer shutdown";
    if (!in->mc_ipsec)
        return "mc-ipsec not configured";
    if (!in->group_configured)
        return "mc-ipsec tunnel group not configured";
    if (!in->group_admin_up)
        return "mc-ipsec tunnel group shutdown";
    if (!in->tg_configured)
        return "tunnel group not configured";
    if (!in->tg_oper_up)
        return "tunnel group oper down";
    if (in->active_isas == 0)
        return "no active ISA";
    return NULL;
}

static void decide(struct elect_out *out, enum mimp_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void decide(struct elect_out *out, enum mimp_state s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out->state = s;
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
}

void mcs_elect(const struct elect_in *in, struct elect_out *out)
{
    const struct elect_side *l = &in->local, *p = &in->peer_side;
    bool eligible = in->ineligible == NULL;
    out->keep_yield = false;

    if (in->peer == PEER_DISCOVERY) {
        decide(out, MS_DISCOVERY, "waiting for the peer");
        return;
    }
    if (!eligible) {
        decide(out, MS_NOT_ELIGIBLE, "%s", in->ineligible);
        return;
    }
    if (in->peer == PEER_ABSENT) {
        /* master without peer: acting master on its own */
        decide(out, MS_ELIGIBLE, "%s", in->absent_reason ? in->absent_reason : "no peer");
        return;
    }
    /* 1. eligibility: only one side eligible -> it is master */
    if (!p->eligible) {
        decide(out, MS_MASTER, "peer not eligible");
        return;
    }
    /* an operator switchover here: standby until the peer acts as master,
     * then stickiness keeps it there */
    if (in->yield && !p->acting) {
        out->keep_yield = true;
        decide(out, MS_STANDBY, "forced switchover");
        return;
    }
    /* 2. stickiness: the one acting master stays master */
    if (l->acting != p->acting) {
        decide(out, l->acting ? MS_MASTER : MS_STANDBY, "stickiness");
        return;
    }
    /* the peer gave mastership up (its forced switchover): take it */
    if (!l->acting && !p->acting && in->peer_state == MS_STANDBY && in->current == MS_STANDBY) {
        decide(out, MS_MASTER, "peer standby (forced switchover)");
        return;
    }
    /* 3. priority */
    if (l->priority != p->priority) {
        if (l->priority > p->priority)
            decide(out, MS_MASTER, "higher priority %u > %u", l->priority, p->priority);
        else
            decide(out, MS_STANDBY, "lower priority %u < %u", l->priority, p->priority);
        return;
    }
    /* 4. active ISAs */
    if (l->active_isas != p->active_isas) {
        if (l->active_isas > p->active_isas)
            decide(out, MS_MASTER, "more active ISAs %u > %u", l->active_isas, p->active_isas);
        else
            decide(out, MS_STANDBY, "fewer active ISAs %u < %u", l->active_isas,
                   p->active_isas);
        return;
    }
    /* 5. tie breaker: the higher MIMP source address */
    if (in->addr_cmp > 0)
        decide(out, MS_MASTER, "higher source address");
    else if (in->addr_cmp < 0)
        decide(out, MS_STANDBY, "lower source address");
    else
        decide(out, MS_STANDBY, "same source address as the peer");
}

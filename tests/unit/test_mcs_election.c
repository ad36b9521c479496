/* mcs/election.c: every election rule decides a case of its own, with the
 * exact state and reason an operator sees in show and in the event log. */
#include <criterion/criterion.h>
#include <string.h>

#include "mcs/mcs.h"

/* Both sides eligible, the peer present, nobody acting, equal on everything
 * but the address: each test changes what its rule looks at. */
static struct elect_in base(void)
{
    struct elect_in in = {
        .current = MS_DISCOVERY,
        .ineligible = NULL,
        .peer = PEER_PRESENT,
        .local = { .eligible = true, .acting = false, .priority = 100, .active_isas = 1 },
        .peer_side = { .eligible = true, .acting = false, .priority = 100, .active_isas = 1 },
        .peer_state = MS_DISCOVERY,
        .addr_cmp = 1,
    };
    return in;
}

static void expect(const struct elect_in *in, enum mimp_state state, const char *reason)
{
    struct elect_out out;
    mcs_elect(in, &out);
    cr_expect_eq(out.state, state, "state %s, want %s", mimp_state_name(out.state),
                 mimp_state_name(state));
    cr_expect_str_eq(out.reason, reason);
}

Test(mcs_election, discovery_until_the_peer_is_heard)
{
    struct elect_in in = base();
    in.peer = PEER_DISCOVERY;
    expect(&in, MS_DISCOVERY, "waiting for the peer");
    in.ineligible = "tunnel group oper down"; /* discovery whatever the eligibility */
    expect(&in, MS_DISCOVERY, "waiting for the peer");
}

Test(mcs_election, discovery_expired_eligible_or_not)
{
    struct elect_in in = base();
    in.peer = PEER_ABSENT;
    in.absent_reason = "discovery interval expired";
    expect(&in, MS_ELIGIBLE, "discovery interval expired");
    in.ineligible = "no active ISA";
    expect(&in, MS_NOT_ELIGIBLE, "no active ISA");
}

Test(mcs_election, peer_lost_eligible_acts_as_master_without_peer)
{
    struct elect_in in = base();
    in.current = MS_STANDBY;
    in.peer = PEER_ABSENT;
    in.absent_reason = "peer unreachable (keep-alive)";
    expect(&in, MS_ELIGIBLE, "peer unreachable (keep-alive)");
    in.absent_reason = "peer unreachable (bfd)";
    expect(&in, MS_ELIGIBLE, "peer unreachable (bfd)");
    in.ineligible = "tunnel group oper down";
    expect(&in, MS_NOT_ELIGIBLE, "tunnel group oper down");
}

Test(mcs_election, not_eligible_with_peer)
{
    struct elect_in in = base();
    in.current = MS_MASTER;
    in.local.acting = true;
    in.ineligible = "tunnel group oper down";
    in.local.eligible = false;
    expect(&in, MS_NOT_ELIGIBLE, "tunnel group oper down");
}

Test(mcs_election, only_this_side_eligible_is_master)
{
    struct elect_in in = base();
    in.current = MS_STANDBY;
    in.peer_side.eligible = false;
    in.peer_side.acting = true; /* even a peer still acting: it is not eligible */
    in.local.priority = 1;
    in.addr_cmp = -1;
    expect(&in, MS_MASTER, "peer not eligible");
}

Test(mcs_election, stickiness_keeps_the_acting_master)
{
    struct elect_in in = base();
    /* we act as master though the peer has the higher priority */
    in.current = MS_ELIGIBLE;
    in.local.acting = true;
    in.peer_side.priority = 200;
    in.addr_cmp = -1;
    expect(&in, MS_MASTER, "stickiness");
    /* the peer acts as master though we are better on every count */
    in = base();
    in.current = MS_DISCOVERY;
    in.peer_side.acting = true;
    in.peer_state = MS_MASTER;
    in.local.priority = 250;
    in.local.active_isas = 4;
    expect(&in, MS_STANDBY, "stickiness");
}

Test(mcs_election, higher_priority_when_both_or_neither_act)
{
    struct elect_in in = base();
    in.local.priority = 200;
    in.addr_cmp = -1;
    expect(&in, MS_MASTER, "higher priority 200 > 100");
    in.local.acting = in.peer_side.acting = true; /* both were alone: priority decides */
    in.current = MS_ELIGIBLE;
    in.peer_state = MS_ELIGIBLE;
    expect(&in, MS_MASTER, "higher priority 200 > 100");
    in.local.priority = 50;
    in.addr_cmp = 1;
    expect(&in, MS_STANDBY, "lower priority 50 < 100");
}

Test(mcs_election, more_active_isas_at_equal_priority)
{
    struct elect_in in = base();
    in.local.active_isas = 2;
    in.addr_cmp = -1;
    expect(&in, MS_MASTER, "more active ISAs 2 > 1");
    in.local.active_isas = 1;
    in.peer_side.active_isas = 3;
    in.addr_cmp = 1;
    expect(&in, MS_STANDBY, "fewer active ISAs 1 < 3");
}

Test(mcs_election, higher_source_address_breaks_the_tie)
{
    struct elect_in in = base();
    in.addr_cmp = 1;
    expect(&in, MS_MASTER, "higher source address");
    in.addr_cmp = -1;
    expect(&in, MS_STANDBY, "lower source address");
}

Test(mcs_election, forced_switchover_waits_for_the_peer_then_sticks)
{
    struct elect_in in = base();
    struct elect_out out;
    /* we gave mastership up: standby although we win on priority */
    in.current = MS_STANDBY;
    in.yield = true;
    in.local.priority = 200;
    in.peer_state = MS_STANDBY;
    mcs_elect(&in, &out);
    cr_expect_eq(out.state, MS_STANDBY);
    cr_expect_str_eq(out.reason, "forced switchover");
    cr_expect(out.keep_yield);
    /* the peer, standby, sees us standby and not acting: it takes over */
    struct elect_in peer = base();
    peer.current = MS_STANDBY;
    peer.peer_state = MS_STANDBY;
    peer.local.priority = 100;
    peer.peer_side.priority = 200;
    peer.addr_cmp = -1;
    expect(&peer, MS_MASTER, "peer standby (forced switchover)");
    /* once the peer acts as master, stickiness keeps it there */
    in.peer_side.acting = true;
    in.peer_state = MS_MASTER;
    mcs_elect(&in, &out);
    cr_expect_eq(out.state, MS_STANDBY);
    cr_expect_str_eq(out.reason, "stickiness");
    cr_expect_not(out.keep_yield);
}

Test(mcs_election, ineligibility_reasons_in_order)
{
    struct elig_in e = { .peer_admin_up = true, .mc_ipsec = true, .group_configured = true,
                         .group_admin_up = true, .tg_configured = true, .tg_oper_up = true,
                         .active_isas = 1 };
    cr_expect_null(mcs_ineligible(&e));
    e.active_isas = 0;
    cr_expect_str_eq(mcs_ineligible(&e), "no active ISA");
    e.tg_oper_up = false;
    cr_expect_str_eq(mcs_ineligible(&e), "tunnel group oper down");
    e.tg_configured = false;
    cr_expect_str_eq(mcs_ineligible(&e), "tunnel group not configured");
    e.group_admin_up = false;
    cr_expect_str_eq(mcs_ineligible(&e), "mc-ipsec tunnel group shutdown");
    e.mc_ipsec = false;
    cr_expect_str_eq(mcs_ineligible(&e), "mc-ipsec not configured");
    e.peer_admin_up = false;
    cr_expect_str_eq(mcs_ineligible(&e), "peer shutdown");
}

Test(mcs_election, state_names_round_trip)
{
    for (int s = 0; s < MS_MAX; s++)
        cr_expect_eq(mimp_state_parse(mimp_state_name((enum mimp_state)s)), s);
    cr_expect_eq(mimp_state_parse("Master"), -1);
    cr_expect_eq(mimp_state_parse(""), -1);
    cr_expect_eq(mimp_state_parse(NULL), -1);
    cr_expect_str_eq(mimp_state_name(MS_NOT_ELIGIBLE), "notEligible");
}

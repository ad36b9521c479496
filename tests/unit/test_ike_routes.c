/* isa/ike_routes.c: the reverse-route index of gateway tunnels. A range
 * clashes with another tunnel's route when they share an address, in the
 * same private service and family; a tunnel never clashes with itself; its
 * overlapping ranges merge; replacing or clearing a tunnel's ranges frees
 * the addresses for others. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "isa/ike.h"
#include "isa/isa.h"

static struct isa isa;
static struct isa_tunnel ta, tb, tc;

static void setup(void)
{
    memset(&isa, 0, sizeof isa);
    ike_engine_init(&isa);
    memset(&ta, 0, sizeof ta);
    memset(&tb, 0, sizeof tb);
    memset(&tc, 0, sizeof tc);
    snprintf(ta.name, sizeof ta.name, "a");
    snprintf(tb.name, sizeof tb.name, "b");
    snprintf(tc.name, sizeof tc.name, "c");
    ta.private_svc = tb.private_svc = 200;
    tc.private_svc = 300;
}

static void teardown(void)
{
    ike_routes_set(&isa, &ta, NULL, 0);
    ike_routes_set(&isa, &tb, NULL, 0);
    ike_routes_set(&isa, &tc, NULL, 0);
    ike_engine_free(&isa);
}

static struct ike_range range(const char *start, const char *end)
{
    struct ike_range r = { .family = strchr(start, ':') ? AF_INET6 : AF_INET };
    cr_assert_eq(inet_pton(r.family, start, r.start), 1);
    cr_assert_eq(inet_pton(r.family, end, r.end), 1);
    return r;
}

static bool clash(struct isa_tunnel *t, const char *start, const char *end)
{
    struct ike_range r = range(start, end);
    struct ike_sel s = { .family = r.family };
    memcpy(s.start, r.start, 16);
    memcpy(s.end, r.end, 16);
    return ike_routes_clash(&isa, t, &s);
}

TestSuite(ike_routes, .init = setup, .fini = teardown);

Test(ike_routes, overlap_with_another_tunnel_clashes)
{
    struct ike_range a[] = { range("10.1.0.0", "10.1.0.255") };
    ike_routes_set(&isa, &ta, a, 1);
    cr_expect(clash(&tb, "10.1.0.7", "10.1.0.7"), "inside");
    cr_expect(clash(&tb, "10.0.0.0", "10.1.0.0"), "touching the start");
    cr_expect(clash(&tb, "10.1.0.255", "10.2.0.0"), "touching the end");
    cr_expect(clash(&tb, "10.0.0.0", "10.255.255.255"), "covering it");
    cr_expect_not(clash(&tb, "10.1.1.0", "10.1.1.255"), "next to it");
    cr_expect_not(clash(&tb, "10.0.255.0", "10.0.255.255"), "just before it");
}

Test(ike_routes, own_ranges_and_other_services_do_not_clash)
{
    struct ike_range a[] = { range("10.1.0.0", "10.1.0.255") };
    ike_routes_set(&isa, &ta, a, 1);
    cr_expect_not(clash(&ta, "10.1.0.0", "10.1.255.255"), "the same tunnel widening");
    cr_expect_not(clash(&tc, "10.1.0.0", "10.1.0.255"), "another private service");
    cr_expect_not(clash(&tb, "::", "ffff::"), "another family");
}

Test(ike_routes, many_tunnels_each_checked_against_the_right_neighbours)
{
    static struct isa_tunnel many[1000];
    char s[32];
    for (int i = 0; i < 1000; i++) {
        many[i].private_svc = 200;
        snprintf(s, sizeof s, "10.100.%d.%d", i / 256, i % 256);
        struct ike_range r = range(s, s);
        ike_routes_set(&isa, &many[i], &r, 1);
    }
    for (int i = 0; i < 1000; i++) {
        snprintf(s, sizeof s, "10.100.%d.%d", i / 256, i % 256);
        cr_assert_not(clash(&many[i], s, s), "tunnel %d with its own /32", i);
        cr_assert(clash(&tb, s, s), "another tunnel on %s", s);
    }
    cr_expect_not(clash(&tb, "10.100.3.232", "10.100.3.255"), "the addresses after the last");
    cr_expect(clash(&tb, "10.100.3.200", "10.100.3.255"), "a range reaching back into them");
    for (int i = 0; i < 1000; i++)
        ike_routes_set(&isa, &many[i], NULL, 0);
    cr_expect_not(clash(&tb, "10.100.0.0", "10.100.255.255"), "all cleared");
}

Test(ike_routes, overlapping_ranges_of_one_tunnel_merge_and_clear)
{
    struct ike_range a[] = { range("10.1.0.0", "10.1.0.127"), range("10.1.0.64", "10.1.0.255"),
                             range("10.1.0.10", "10.1.0.20") };
    ike_routes_set(&isa, &ta, a, 3);
    cr_expect_eq(ta.n_rr, 1, "one union, not %u ranges", ta.n_rr);
    cr_expect(clash(&tb, "10.1.0.200", "10.1.0.200"));
    struct ike_range b[] = { range("10.1.0.0", "10.1.0.63") };
    ike_routes_set(&isa, &ta, b, 1);
    cr_expect_not(clash(&tb, "10.1.0.64", "10.1.0.255"), "the part given up is free");
    cr_expect(clash(&tb, "10.1.0.63", "10.1.0.63"), "the part kept is not");
}

Test(ike_routes, a_clashing_range_is_not_indexed)
{
    struct ike_range a[] = { range("10.1.0.0", "10.1.0.255") };
    ike_routes_set(&isa, &ta, a, 1);
    struct ike_range b[] = { range("10.1.0.128", "10.1.1.255") };
    ike_routes_set(&isa, &tb, b, 1); /* install refuses it first; the index stays disjoint */
    ike_routes_set(&isa, &ta, NULL, 0);
    cr_expect_not(clash(&tc, "10.1.0.0", "10.1.0.255"), "another service");
    struct isa_tunnel td = { .private_svc = 200 };
    cr_expect_not(clash(&td, "10.1.0.0", "10.1.0.127"), "a's range is free after a went");
}

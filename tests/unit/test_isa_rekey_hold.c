/* isa/ipsec.c: which outbound SA a tunnel sends on while a CHILD SA rekey
 * we answered settles. The new outbound SA is held (the old one carries on)
 * until traffic arrives on its inbound twin or the old SA goes; a held SA
 * left alone is used rather than none. */
#include <criterion/criterion.h>
#include <string.h>

#include "isa/esp.h"
#include "isa/isa.h"

static struct isa_tunnel t;
static const uint8_t key[32];

static struct esp_sa *esp(uint32_t spi, bool inbound)
{
    struct esp_sa_params p = {
        .spi = spi,
        .inbound = inbound,
        .tf = { .cipher = ESP_CIPHER_NULL, .integ = ESP_INTEG_SHA256_128, .icv_len = 16 },
        .auth_key = key,
        .auth_key_len = sizeof key,
    };
    char err[128] = "";
    struct esp_sa *sa = esp_sa_new(&p, err, sizeof err);
    cr_assert_not_null(sa, "esp_sa_new: %s", err);
    return sa;
}

/* a CHILD SA as IKE installs it: inbound id, outbound id + 1 */
static void child(uint32_t id, uint32_t spi_in, uint32_t spi_out)
{
    cr_assert_not_null(tunnel_sa_add(&t, id, spi_in, true, esp(spi_in, true), "null", "sha256", key, 0,
                                     key, sizeof key));
    cr_assert_not_null(tunnel_sa_add(&t, id + 1, spi_out, false, esp(spi_out, false), "null", "sha256",
                                     key, 0, key, sizeof key));
}

static const struct isa_sa *inbound(uint32_t spi)
{
    for (size_t i = 0; i < t.n_sas; i++)
        if (t.sas[i].inbound && t.sas[i].spi == spi)
            return &t.sas[i];
    cr_assert_fail("no inbound SA %08x", spi);
    return NULL;
}

static uint32_t out_spi(void)
{
    return t.out_sa ? t.out_sa->spi : 0;
}

static void setup(void)
{
    memset(&t, 0, sizeof t);
    child(2, 0x1001, 0x2001);
}

static void teardown(void)
{
    while (t.n_sas)
        tunnel_sa_remove(&t, t.sas[0].spi, t.sas[0].inbound);
    free(t.sas);
}

TestSuite(rekey_hold, .init = setup, .fini = teardown);

Test(rekey_hold, the_newest_outbound_sa_is_used_when_none_is_held)
{
    child(4, 0x1002, 0x2002);
    cr_expect_eq(out_spi(), 0x2002);
}

Test(rekey_hold, a_held_sa_waits_behind_the_old_one)
{
    child(4, 0x1002, 0x2002);
    tunnel_sa_hold(&t, 5);
    cr_expect_eq(out_spi(), 0x2001);
    tunnel_sa_used(&t, inbound(0x1001)); /* the old SA's traffic says nothing */
    cr_expect_eq(out_spi(), 0x2001);
}

Test(rekey_hold, traffic_on_its_inbound_twin_releases_it)
{
    child(4, 0x1002, 0x2002);
    tunnel_sa_hold(&t, 5);
    tunnel_sa_used(&t, inbound(0x1002));
    cr_expect_eq(out_spi(), 0x2002);
    tunnel_sa_remove(&t, 0x2001, false);
    tunnel_sa_remove(&t, 0x1001, true);
    cr_expect_eq(out_spi(), 0x2002);
}

Test(rekey_hold, deleting_the_old_sa_releases_it)
{
    child(4, 0x1002, 0x2002);
    tunnel_sa_hold(&t, 5);
    tunnel_sa_remove(&t, 0x1001, true);
    tunnel_sa_remove(&t, 0x2001, false);
    cr_expect_eq(out_spi(), 0x2002);
    /* and it stays in use when a later rekey is held behind it */
    child(6, 0x1003, 0x2003);
    tunnel_sa_hold(&t, 7);
    cr_expect_eq(out_spi(), 0x2002);
}

Test(rekey_hold, two_rekeys_before_any_traffic_the_newest_twin_releases_both)
{
    child(4, 0x1002, 0x2002);
    tunnel_sa_hold(&t, 5);
    child(6, 0x1003, 0x2003);
    tunnel_sa_hold(&t, 7);
    cr_expect_eq(out_spi(), 0x2001);
    tunnel_sa_used(&t, inbound(0x1003));
    cr_expect_eq(out_spi(), 0x2003);
    tunnel_sa_remove(&t, 0x2003, false); /* even if the newest goes, the older is no longer held */
    cr_expect_eq(out_spi(), 0x2002);
}

#include "hw.h"

#include <stdio.h>
#include <string.h>


static const struct hw_card_type card_types[] = {
    { "iom3-xp", 2 }, { "iom3-xp-b", 2 }, { "iom3-xp-c", 2 }, { "iom4-e", 2 },
    { "iom4-e-b", 2 }, { "iom4-e-hs", 2 }, { "iom5-e", 2 }, { NULL, 0 },
};

static const struct hw_mda_type mda_types[] = {
    { "me10-10gb-sfp+", 10, "10-Gig Ethernet", false },
    { "me6-10gb-sfp+", 6, "10-Gig Ethernet", false },
    { "me40-1gb-csfp", 40, "Gigabit Ethernet", false },
    { "me1-100gb-cfp2", 1, "100-Gig Ethernet", false },
    { "me2-100gb-cfp4", 2, "100-Gig Ethernet", false },
    { "m10-1gb-xp-sfp", 10, "Gigabit Ethernet", false },
    { "m20-1gb-xp-sfp", 20, "Gigabit Ethernet", false },
    { "m4-10gb-xp-xfp", 4, "10-Gig Ethernet", false },
    { "isa-tunnel", 0, NULL, true },
    { "isa2-tunnel", 0, NULL, true },
    { "isa2-bb", 0, NULL, false },
    { "isa2-aa", 0, NULL, false },
    { NULL, 0, NULL, false },
};

const struct hw_card_type *hw_card_types(void)
{
    return card_types;
}

const struct hw_mda_type *hw_mda_types(void)
{
    return mda_types;
}

const struct hw_card_type *hw_card_type(const char *name)
{
    for (size_t i = 0; name && card_types[i].name; i++)
        if (strcmp(card_types[i].name, name) == 0)
            return &card_types[i];
    return NULL;
}

const struct hw_mda_type *hw_mda_type(const char *name)
{
    for (size_t i = 0; name && mda_types[i].name; i++)
        if (strcmp(mda_types[i].name, name) == 0)
            return &mda_types[i];
    return NULL;
}

bool hw_is_tunnel_isa(const char *mda_type)
{
    const struct hw_mda_type *t = hw_mda_type(mda_type);
    return t && t->tunnel_isa;
}


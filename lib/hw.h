/* The hardware catalogue: card and MDA types the emulator knows, with what
 * each carries. Shared by cpm (grammar, validation, show), iom (its ports)
 * and srlab (topology checks). */
#ifndef SRLAB_HW_H
#define SRLAB_HW_H

#include <stdbool.h>

struct hw_card_type {
    const char *name;
    int mda_slots;
};

struct hw_mda_type {
    const char *name;
    int ports;                 /* Ethernet ports; 0 for ISAs */
    const char *port_speed;    /* "10-Gig Ethernet" */
    bool tunnel_isa;           /* may join a tunnel group */
};

/* The whole catalogues, each ending with a NULL name. */
const struct hw_card_type *hw_card_types(void);
const struct hw_mda_type *hw_mda_types(void);
const struct hw_card_type *hw_card_type(const char *name);
const struct hw_mda_type *hw_mda_type(const char *name);
bool hw_is_tunnel_isa(const char *mda_type);

#endif

/* Operational state, derived from the configuration and what the card
 * processes report. One place, so every show command agrees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"
#include "hw.h"

static struct card_proc *iom_of(struct cpm *cpm, unsigned slot)
{
    char id[16];
    snprintf(id, sizeof id, "iom-%u", slot);
    return cards_get(cpm, id);
}

const char *oper_card(struct cpm *cpm, struct cfg_node *card)
{
    const char *type = cfg_leaf(card, "card-type", "type");
    if (!type)
        return "unprovisioned";
    if (!card->admin_up)
        return "down";
    struct card_proc *p = iom_of(cpm, (unsigned)atoi(card->key));
    if (!p)
        return "provisioned"; /* nothing in the slot */
    if (p->state == CARD_DOWN)
        return "down";
    if (strcmp(p->equipped, type) != 0)
        return "failed";
    return p->state == CARD_UP ? "up" : "booting";
}

const char *oper_mda(struct cpm *cpm, struct cfg_node *card, struct cfg_node *mda)
{
    const char *type = cfg_leaf(mda, "mda-type", "type");
    if (!type)
        return "unprovisioned";
    if (!mda->admin_up)
        return "down";
    const char *cs = oper_card(cpm, card);
    if (strcmp(cs, "up") != 0)
        return strcmp(cs, "provisioned") == 0 ? "provisioned" : "down";
    unsigned slot = (unsigned)atoi(card->key), m = (unsigned)atoi(mda->key);
    const struct hw_mda_type *mt = hw_mda_type(type);
    if (mt && mt->ports > 0) {
        struct card_proc *iom = iom_of(cpm, slot);
        for (int i = 0; iom && i < iom->n_port_mdas; i++)
            if (iom->port_mdas[i].mda == m)
                return strcmp(iom->port_mdas[i].type, type) == 0 ? "up" : "failed";
        return "provisioned";
    }
    char id[16];
    snprintf(id, sizeof id, "isa-%u/%u", slot, m);
    struct card_proc *p = cards_get(cpm, id);
    if (!p)
        return "provisioned";
    if (p->state == CARD_DOWN)
        return "down";
    if (strcmp(p->equipped, type) != 0)
        return "failed";
    return p->state == CARD_UP ? "up" : "booting";
}

bool oper_mda_up(struct cpm *cpm, const char *slot_mda)
{
    unsigned s, m;
    if (sscanf(slot_mda, "%u/%u", &s, &m) != 2)
        return false;
    char k[16];
    snprintf(k, sizeof k, "%u", s);
    struct cfg_node *card = cfg_find(cpm->tree, cpm->tree->root, "card", k);
    snprintf(k, sizeof k, "%u", m);
    struct cfg_node *mda = cfg_find(cpm->tree, card, "mda", k);
    return card && mda && strcmp(oper_mda(cpm, card, mda), "up") == 0;
}

bool oper_port_up(struct cpm *cpm, const char *port)
{
    struct cfg_node *pn = cfg_find(cpm->tree, cpm->tree->root, "port", port);
    if (!pn || !pn->admin_up)
        return false;
    unsigned s, m, p;
    if (sscanf(port, "%u/%u/%u", &s, &m, &p) != 3)
        return false;
    char sm[16];
    snprintf(sm, sizeof sm, "%u/%u", s, m);
    if (!oper_mda_up(cpm, sm))
        return false;
    struct card_proc *iom = iom_of(cpm, s);
    for (size_t i = 0; iom && i < iom->n_ports; i++)
        if (strcmp(iom->ports[i].name, port) == 0)
            return iom->ports[i].link_up;
    return false;
}

bool oper_service_up(struct cpm *cpm, struct cfg_node *svc)
{
    (void)cpm;
    return svc->admin_up;
}

bool oper_interface_up(struct cpm *cpm, struct cfg_node *svc, struct cfg_node *iface)
{
    if (!iface->admin_up || (svc && !svc->admin_up))
        return false;
    if (!svc) { /* Base router network interface */
        const char *port = cfg_leaf(iface, "port", "port");
        return port ? oper_port_up(cpm, port) : true; /* loopback-like: up */
    }
    struct cfg_node *sap = cfg_child(iface, "sap");
    if (!sap || !sap->admin_up)
        return false;
    if (strncmp(sap->key, "tunnel-", 7) == 0) {
        unsigned group;
        sscanf(sap->key, "tunnel-%u", &group);
        char g[8], flags[64];
        snprintf(g, sizeof g, "%u", group);
        struct cfg_node *tg =
            cfg_find(cpm->tree, cfg_child(cpm->tree->root, "isa"), "tunnel-group", g);
        return tg && strcmp(oper_tunnel_group(cpm, tg, flags, sizeof flags), "up") == 0;
    }
    char port[32];
    snprintf(port, sizeof port, "%s", sap->key);
    char *colon = strchr(port, ':');
    if (colon)
        *colon = 0;
    return oper_port_up(cpm, port);
}


/* show service service-using [ies|vprn] */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

int show_service_using(struct cpm *cpm, const char *type, struct strbuf *out, struct json *j)
{
    if (type && strcmp(type, "ies") != 0 && strcmp(type, "vprn") != 0) {
        sb_printf(out, "Error: show service service-using [ies|vprn]: unknown type '%s'\n", type);
        return -1;
    }
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "services");
    } else {
        show_title(out, type ? (strcmp(type, "ies") == 0 ? "Services [ies]" : "Services [vprn]")
                             : "Services");
        sb_puts(out, "ServiceId    Type      Adm    Opr      CustomerId Service Name\n");
        show_rule(out, '-');
    }
    int count = 0;
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    for (struct cfg_node *s = svcroot ? svcroot->child : NULL; s; s = s->next) {
        bool ies = strcmp(s->sc->word, "ies") == 0, vprn = strcmp(s->sc->word, "vprn") == 0;
        if ((!ies && !vprn) || (type && strcmp(type, s->sc->word) != 0))
            continue;
        const char *name = cfg_get(s, "name");
        bool up = oper_service_up(cpm, s);
        count++;
        if (j) {
            json_obj(j, NULL);
            json_int(j, "id", atol(s->key));
            json_str(j, "type", ies ? "IES" : "VPRN");
            json_str(j, "admin_state", s->admin_up ? "up" : "down");
            json_str(j, "oper_state", up ? "up" : "down");
            json_int(j, "customer", cfg_get_int(s, "customer", 1));
            json_str(j, "name", name ? name : "");
            json_end(j);
            continue;
        }
        show_row(out, "%-12s %-9s %-6s %-8s %-10ld %s", s->key, ies ? "IES" : "VPRN",
                  s->admin_up ? "Up" : "Down", up ? "Up" : "Down", cfg_get_int(s, "customer", 1),
                  name ? name : "");
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '-');
        sb_printf(out, "Matching Services : %d\n", count);
        show_rule(out, '-');
        show_rule(out, '=');
    }
    return 0;
}

/* show service id N base: what the service is and its SAPs. */
int show_service_base(struct cpm *cpm, const char *id, struct strbuf *out, struct json *j)
{
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    struct cfg_node *s = cfg_find(cpm->tree, svcroot, "vprn", id);
    if (!s)
        s = cfg_find(cpm->tree, svcroot, "ies", id);
    if (!s) {
        sb_printf(out, "Error: service %s does not exist\n", id);
        return -1;
    }
    bool ies = strcmp(s->sc->word, "ies") == 0;
    const char *name = cfg_get(s, "name"), *desc = cfg_leaf(s, "description", "text");
    int saps = 0;
    cfg_each(iface, s, "interface") saps += cfg_child(iface, "sap") != NULL;
    if (j) {
        json_obj(j, NULL);
        json_int(j, "id", atol(id));
        json_str(j, "type", ies ? "IES" : "VPRN");
        json_str(j, "name", name ? name : "");
        json_str(j, "description", desc ? desc : "");
        json_int(j, "customer", cfg_get_int(s, "customer", 1));
        json_str(j, "admin_state", s->admin_up ? "up" : "down");
        json_str(j, "oper_state", oper_service_up(cpm, s) ? "up" : "down");
        json_arr(j, "saps");
    } else {
        show_title(out, "Service Basic Information");
        show_row(out, "Service Id        : %-19s Vpn Id            : 0", id);
        show_row(out, "Service Type      : %s", ies ? "IES" : "VPRN");
        show_row(out, "Name              : %s", name ? name : "(Not Specified)");
        show_row(out, "Description       : %s", desc ? desc : "(Not Specified)");
        show_row(out, "Customer Id       : %ld", cfg_get_int(s, "customer", 1));
        show_row(out, "Admin State       : %-19s Oper State        : %s", s->admin_up ? "Up" : "Down",
                 oper_service_up(cpm, s) ? "Up" : "Down");
        show_row(out, "SAP Count         : %d", saps);
        show_rule(out, '-');
        sb_puts(out, "Service Access & Destination Points\n");
        show_rule(out, '-');
        sb_puts(out, "Identifier                               Type         Interface          Adm  Opr\n");
        show_rule(out, '-');
    }
    cfg_each(iface, s, "interface") {
        struct cfg_node *sap = cfg_child(iface, "sap");
        if (!sap)
            continue;
        bool tunnel = strncmp(sap->key, "tunnel-", 7) == 0;
        const char *type = tunnel ? "tunnel" : strchr(sap->key, ':') ? "q-tag" : "null";
        bool up = oper_interface_up(cpm, s, iface);
        if (j) {
            json_obj(j, NULL);
            json_str(j, "sap", sap->key);
            json_str(j, "type", type);
            json_str(j, "interface", iface->key);
            json_str(j, "admin_state", sap->admin_up ? "up" : "down");
            json_str(j, "oper_state", up ? "up" : "down");
            json_end(j);
            continue;
        }
        char idn[64];
        snprintf(idn, sizeof idn, "sap:%s", sap->key);
        show_row(out, "%-40s %-12s %-18.18s %-4s %s", idn, type, iface->key,
                 sap->admin_up ? "Up" : "Down", up ? "Up" : "Down");
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
    return 0;
}

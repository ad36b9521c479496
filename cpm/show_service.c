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

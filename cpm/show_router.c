/* show router [SERVICE] interface: the interfaces of a routing instance.
 * Base holds the router's network interfaces and every IES's interfaces
 * (IES is part of the Base routing instance on the router); a VPRN has its own. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

static const char *updown(bool b)
{
    return b ? "Up" : "Down";
}

struct if_row {
    struct cfg_node *svc;      /* NULL: Base router interface */
    struct cfg_node *iface;
};

static void print_row(struct cpm *cpm, const struct if_row *r, struct strbuf *out,
                      struct json *j)
{
    struct cfg_node *iface = r->iface;
    bool up = oper_interface_up(cpm, r->svc, iface);
    const char *v4 = cfg_leaf(iface, "address", "address");
    struct cfg_node *v6 = cfg_child(iface, "ipv6");
    bool has6 = v6 && cfg_child(v6, "address");
    bool up4 = up && v4, up6 = up && has6;
    const char *mode = !r->svc ? "Network" : strcmp(r->svc->sc->word, "ies") == 0 ? "IES" : "VPRN";
    const char *port = r->svc ? NULL : cfg_leaf(iface, "port", "port");
    struct cfg_node *sap = cfg_child(iface, "sap");
    const char *where = r->svc ? (sap ? sap->key : "n/a") : (port ? port : "loopback");
    if (j) {
        json_obj(j, NULL);
        json_str(j, "name", iface->key);
        json_str(j, "admin_state", iface->admin_up ? "up" : "down");
        json_str(j, "oper_state_v4", up4 ? "up" : "down");
        json_str(j, "oper_state_v6", up6 ? "up" : "down");
        json_str(j, "mode", mode);
        json_bool(j, "tunnel", cfg_hit(iface, "tunnel"));
        json_str(j, "port_sap", where);
        json_int(j, "service", r->svc ? atoi(r->svc->key) : 0);
        json_arr(j, "addresses");
        if (v4)
            json_str(j, NULL, v4);
        cfg_each(a, v6, "address")
            json_str(j, NULL, cfg_get(a, "address"));
        json_end(j);
        json_end(j);
        return;
    }
    char opr[16];
    snprintf(opr, sizeof opr, "%s/%s", updown(up4), updown(up6));
    show_row(out, "%-32s %-9s %-11s %-7s %s", iface->key, updown(iface->admin_up), opr, mode,
              where);
    if (v4)
        show_row(out, "   %-59s %s", v4, "n/a");
    cfg_each(a, v6, "address")
        show_row(out, "   %-59s %s", cfg_get(a, "address"), up6 ? "PREFERRED" : "INACCESSIBLE");
}

int show_router_interface(struct cpm *cpm, const char *service, struct strbuf *out,
                          struct json *j)
{
    struct if_row *rows = NULL;
    size_t n = 0;
    struct cfg_node *svcroot = cfg_child(cpm->tree->root, "service");
    char title[80];
    if (!service || strcmp(service, "Base") == 0) {
        snprintf(title, sizeof title, "Interface Table (Router: Base)");
        cfg_each(iface, cfg_child(cpm->tree->root, "router"), "interface") {
            rows = realloc(rows, sizeof *rows * (n + 1));
            rows[n++] = (struct if_row){ NULL, iface };
        }
        cfg_each(ies, svcroot, "ies") cfg_each(iface, ies, "interface") {
            rows = realloc(rows, sizeof *rows * (n + 1));
            rows[n++] = (struct if_row){ ies, iface };
        }
    } else {
        struct cfg_node *vprn = cfg_find(cpm->tree, svcroot, "vprn", service);
        if (!vprn) {
            sb_printf(out, "Error: service %s is not a VPRN (show router [<vprn-id>] "
                      "interface)\n", service);
            return -1;
        }
        snprintf(title, sizeof title, "Interface Table (Service: %s)", service);
        cfg_each(iface, vprn, "interface") {
            rows = realloc(rows, sizeof *rows * (n + 1));
            rows[n++] = (struct if_row){ vprn, iface };
        }
    }
    if (j) {
        json_obj(j, NULL);
        json_str(j, "router", service ? service : "Base");
        json_arr(j, "interfaces");
    } else {
        show_title(out, title);
        sb_puts(out, "Interface-Name                   Adm       Opr(v4/v6)  Mode    Port/SapId\n"
                     "   IP-Address                                                  PfxState\n");
        show_rule(out, '-');
    }
    for (size_t i = 0; i < n; i++)
        print_row(cpm, &rows[i], out, j);
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '-');
        sb_printf(out, "Interfaces : %zu\n", n);
        show_rule(out, '=');
    }
    free(rows);
    return 0;
}

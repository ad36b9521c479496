/* show router [VPRN] route-table [ipv6] | arp | neighbor: from the IOMs'
 * forwarding tables and neighbour caches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

/* "show router [SVC] X ...": the routing instance named, and the word after X. */
static void instance_of(const char *line, char *label, size_t len, const char **family_word,
                        char *famword, size_t famlen)
{
    char buf[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int n = cli_tokenize(line, buf, sizeof buf, t, CLI_MAX_TOKENS, err, sizeof err);
    bool svc = n >= 4 && strcmp(t[2].text, "route-table") && strcmp(t[2].text, "arp") &&
               strcmp(t[2].text, "neighbor");
    snprintf(label, len, svc ? "Service: %s" : "Router: Base", svc ? t[2].text : "");
    int next = svc ? 4 : 3;
    famword[0] = 0;
    if (n > next)
        snprintf(famword, famlen, "%s", t[next].text);
    *family_word = famword;
}

static void hms(uint64_t s, char *out, size_t len)
{
    snprintf(out, len, "%02luh%02lum%02lus", (unsigned long)(s / 3600),
             (unsigned long)(s / 60 % 60), (unsigned long)(s % 60));
}

int render_route_table(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                       bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    char label[64], famword[16], title[96];
    const char *fam;
    instance_of(line, label, sizeof label, &fam, famword, sizeof famword);
    bool v6 = strcmp(fam, "ipv6") == 0;
    if (j) {
        json_obj(j, NULL);
        json_bool(j, "complete", !incomplete);
        json_arr(j, "routes");
    } else {
        snprintf(title, sizeof title, "%s Route Table (%s)", v6 ? "IPv6" : "", label);
        show_title(out, title[0] == ' ' ? title + 1 : title);
        sb_puts(out, "Dest Prefix[Flags]                            Type    Proto     Age         Pref\n"
                     "      Next Hop[Interface Name]                                    Metric\n");
        show_rule(out, '-');
    }
    /* Each IOM reports its own forwarding table; a route whose next hop is
     * reached through another card's port is unresolved there. The union of
     * the active routes (by prefix, protocol and next hop) is the router's
     * table; the IOM with the most active routes is listed first. */
    size_t *order = calloc(n ? n : 1, sizeof *order), *act = calloc(n ? n : 1, sizeof *act);
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        for (size_t k = 0; k < r[i]->n_routes; k++)
            act[i] += r[i]->routes[k]->active;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of IOMs */
        for (size_t k = i; k > 0 && act[order[k]] > act[order[k - 1]]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    zhashx_t *seen = zhashx_new(); /* "prefix|protocol|next hop" of the routes listed */
    int count = 0;
    for (size_t oi = 0; oi < n; oi++) {
        const Srlab__QueryReply *rep = r[order[oi]];
        for (size_t k = 0; k < rep->n_routes; k++) {
            const Srlab__Route *rt = rep->routes[k];
            bool is6 = strchr(rt->prefix, ':') != NULL;
            if (is6 != v6 || !rt->active)
                continue;
            char key[256];
            snprintf(key, sizeof key, "%s|%s|%s", rt->prefix, rt->protocol, rt->next_hop);
            if (zhashx_insert(seen, key, (void *)rt) != 0)
                continue; /* listed already, from another IOM */
            count++;
            bool direct = strcmp(rt->protocol, "direct") == 0;
            const char *proto = direct ? "Local" : strcmp(rt->protocol, "ipsec") == 0 ? "IPsec" : "Static";
            if (j) {
                json_obj(j, NULL);
                json_str(j, "prefix", rt->prefix);
                json_str(j, "type", direct ? "Local" : "Remote");
                json_str(j, "protocol", proto);
                json_str(j, "next_hop", rt->next_hop);
                json_str(j, "interface", rt->interface);
                json_uint(j, "preference", rt->preference);
                json_uint(j, "metric", rt->metric);
                json_uint(j, "age_s", rt->age_s);
                json_end(j);
                continue;
            }
            char age[32];
            hms(rt->age_s, age, sizeof age);
            show_row(out, "%-45s %-7s %-9s %-11s %u", rt->prefix, direct ? "Local" : "Remote",
                     proto, age, rt->preference);
            show_row(out, "       %-60s %u", rt->next_hop, rt->metric);
        }
    }
    zhashx_destroy(&seen);
    free(order);
    free(act);
    if (j) {
        json_end(j);
        json_end(j);
        return 0;
    }
    show_rule(out, '-');
    sb_printf(out, "No. of Routes: %d\n", count);
    show_rule(out, '=');
    if (incomplete || n == 0)
        sb_puts(out, "(no IOM answered: the table is empty here)\n");
    return 0;
}

static int render_nbr(const char *line, const Srlab__QueryReply **r, size_t n, bool incomplete,
                      struct strbuf *out, struct json *j, bool v6)
{
    char label[64], famword[16], title[96];
    const char *fam;
    instance_of(line, label, sizeof label, &fam, famword, sizeof famword);
    if (j) {
        json_obj(j, NULL);
        json_bool(j, "complete", !incomplete);
        json_arr(j, v6 ? "neighbors" : "arp");
    } else {
        snprintf(title, sizeof title, "%s (%s)", v6 ? "Neighbor Table" : "ARP Table", label);
        show_title(out, title);
        if (v6)
            sb_puts(out, "IPv6 Address                                      Interface\n"
                         "Link-layer Address                   State        Expiry    Type\n");
        else
            sb_puts(out, "IP Address      MAC Address       Expiry    Type   Interface\n");
        show_rule(out, '-');
    }
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < r[i]->n_neighbors; k++) {
            const Srlab__Neighbor *e = r[i]->neighbors[k];
            bool local = strcmp(e->state, "local") == 0;
            count++;
            if (j) {
                json_obj(j, NULL);
                json_str(j, "ip", e->ip);
                json_str(j, "mac", e->mac);
                json_str(j, "interface", e->interface);
                json_str(j, "state", e->state);
                json_uint(j, "expires_s", e->expires_s);
                json_str(j, "port", e->port);
                json_end(j);
                continue;
            }
            char exp[32];
            hms(e->expires_s, exp, sizeof exp);
            if (v6) {
                show_row(out, "%-49s %s", e->ip, e->interface);
                char st[16];
                snprintf(st, sizeof st, "%s", local ? "REACHABLE" : e->state);
                for (char *c = st; *c; c++)
                    *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
                show_row(out, "%-36s %-12s %-9s %s", e->mac[0] ? e->mac : "(unresolved)", st,
                         exp, local ? "Other" : "Dynamic");
            } else {
                show_row(out, "%-15s %-17s %-9s %-6s %s", e->ip,
                         e->mac[0] ? e->mac : "(unresolved)", exp,
                         local ? "Oth[I]" : strcmp(e->state, "incomplete") == 0 ? "Inc" : "Dyn[I]",
                         e->interface);
            }
        }
    }
    if (j) {
        json_end(j);
        json_end(j);
        return 0;
    }
    show_rule(out, '-');
    sb_printf(out, "No. of %s Entries: %d\n", v6 ? "Neighbor" : "ARP", count);
    show_rule(out, '=');
    return 0;
}

int render_arp(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
               bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    return render_nbr(line, r, n, incomplete, out, j, false);
}

int render_neighbor(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                    bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    return render_nbr(line, r, n, incomplete, out, j, true);
}

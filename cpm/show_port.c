/* show port [PORT]: from the IOMs' port state and counters. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

static const Srlab__PortStats *find_port(const Srlab__QueryReply **r, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i]->n_ports; k++)
            if (strcmp(r[i]->ports[k]->name, name) == 0)
                return r[i]->ports[k];
    return NULL;
}

static void port_json(struct json *j, const Srlab__PortStats *p)
{
    json_obj(j, NULL);
    json_str(j, "port", p->name);
    json_str(j, "admin_state", p->admin_up ? "up" : "down");
    json_bool(j, "link", p->link_up && !p->ctl_down);
    json_str(j, "oper_state", p->oper_up ? "up" : "down");
    json_uint(j, "mtu", p->mtu);
    json_str(j, "mac", p->mac);
    json_str(j, "mode", p->mode);
    json_str(j, "encap", p->encap);
    json_str(j, "kind", p->kind);
    json_uint(j, "rx_packets", p->rx_packets);
    json_uint(j, "rx_octets", p->rx_octets);
    json_uint(j, "tx_packets", p->tx_packets);
    json_uint(j, "tx_octets", p->tx_octets);
    json_uint(j, "rx_errors", p->rx_errors);
    json_uint(j, "tx_drops", p->tx_drops);
    json_obj(j, "drops");
    for (size_t d = 0; d < p->n_drops; d++)
        json_uint(j, p->drops[d]->name, p->drops[d]->count);
    json_end(j);
    json_obj(j, "impairment");
    json_bool(j, "link_down", p->ctl_down);
    json_uint(j, "loss_ppm", p->loss_ppm);
    json_uint(j, "delay_ms", p->delay_ms);
    json_uint(j, "rate_kbps", p->rate_kbps);
    json_end(j);
    json_end(j);
}

static void port_detail(struct cpm *cpm, const Srlab__PortStats *p, struct strbuf *out)
{
    struct cfg_node *pn = cfg_find(cpm->tree, cpm->tree->root, "port", p->name);
    const char *desc = cfg_leaf(pn, "description", "text");
    show_title(out, "Ethernet Interface");
    sb_printf(out, "Description        : %s\n", desc ? desc : "(Not Specified)");
    show_row(out, "Interface          : %-26s Link-level       : Ethernet", p->name);
    show_row(out, "Admin State        : %-26s Port Mode        : %s", p->admin_up ? "up" : "down",
             p->mode);
    show_row(out, "Oper State         : %-26s Encap Type       : %s",
             p->oper_up ? "up" : "down", p->encap);
    show_row(out, "Physical Link      : %-26s MTU              : %u",
             p->link_up && !p->ctl_down ? "Yes" : "No", p->mtu);
    show_row(out, "Hardware Address   : %-26s Port Backend     : %s", p->mac, p->kind);
    if (p->ctl_down || p->loss_ppm || p->delay_ms || p->rate_kbps)
        show_row(out, "Link Impairment    : %s loss %.2f%% delay %u ms rate %s",
                 p->ctl_down ? "down," : "", (double)p->loss_ppm / 10000.0, p->delay_ms,
                 p->rate_kbps ? "limited" : "unlimited");
    show_title(out, "Traffic Statistics");
    sb_puts(out, "                                                   Input                 Output\n");
    show_rule(out, '-');
    sb_printf(out, "Octets                              %20lu %22lu\n",
              (unsigned long)p->rx_octets, (unsigned long)p->tx_octets);
    sb_printf(out, "Packets                             %20lu %22lu\n",
              (unsigned long)p->rx_packets, (unsigned long)p->tx_packets);
    sb_printf(out, "Errors                              %20lu %22lu\n",
              (unsigned long)p->rx_errors, (unsigned long)p->tx_drops);
    show_rule(out, '=');
    if (p->n_drops) {
        show_title(out, "Discards by Reason");
        for (size_t d = 0; d < p->n_drops; d++)
            show_row(out, "%-50s %lu", p->drops[d]->name, (unsigned long)p->drops[d]->count);
        show_rule(out, '=');
    }
}

int render_port(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                bool incomplete, struct strbuf *out, struct json *j)
{
    char buf[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int nt = cli_tokenize(line, buf, sizeof buf, t, CLI_MAX_TOKENS, err, sizeof err);
    const char *want = nt >= 3 && strcmp(t[2].text, "json") != 0 ? t[2].text : NULL;
    if (want) {
        const Srlab__PortStats *p = find_port(r, n, want);
        if (!p) {
            sb_printf(out, "Error: port %s is not known%s\n", want,
                      incomplete ? " (an IOM did not answer)" : "");
            return -1;
        }
        if (j)
            port_json(j, p);
        else
            port_detail(cpm, p, out);
        return 0;
    }
    if (j) {
        json_obj(j, NULL);
        json_bool(j, "complete", !incomplete);
        json_arr(j, "ports");
    }
    for (size_t i = 0; i < n; i++) {
        if (r[i]->n_ports == 0)
            continue; /* an IOM carrying only ISAs */
        if (!j) {
            char title[48];
            snprintf(title, sizeof title, "Ports on Slot %u", r[i]->slot);
            show_title(out, title);
            sb_puts(out, "Port          Admin Link Port    Cfg  Oper Port Port Port\n"
                         "Id            State      State   MTU  MTU  Mode Encp Type\n");
            show_rule(out, '-');
        }
        for (size_t k = 0; k < r[i]->n_ports; k++) {
            const Srlab__PortStats *p = r[i]->ports[k];
            if (j) {
                port_json(j, p);
                continue;
            }
            struct cfg_node *pn = cfg_find(cpm->tree, cpm->tree->root, "port", p->name);
            unsigned cfg_mtu = (unsigned)cfg_get_int(cfg_child(cfg_child(pn, "ethernet"), "mtu"),
                                                     "mtu", (long)p->mtu);
            show_row(out, "%-13s %-5s %-4s %-7s %-4u %-4u %-4.4s %-4.4s %s", p->name,
                     p->admin_up ? "Up" : "Down", p->link_up && !p->ctl_down ? "Yes" : "No",
                     p->oper_up ? "Up" : "Down", cfg_mtu, p->mtu,
                     strcmp(p->mode, "access") == 0 ? "accs" : strcmp(p->mode, "hybrid") == 0 ? "hybr" : "netw",
                     strcmp(p->encap, "dot1q") == 0 ? "dotq" : p->encap, p->kind);
        }
        if (!j)
            show_rule(out, '=');
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else if (incomplete) {
        sb_puts(out, "(an IOM did not answer: its ports are missing)\n");
    }
    return 0;
}

/* show ip tunnel [NAME]: GRE and IP-IP tunnels, their state and, from the
 * ISAs holding them, their counters. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

static const Srlab__TunnelStats *stats_of(const Srlab__QueryReply **r, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i]->n_tunnels; k++)
            if (strcmp(r[i]->tunnels[k]->name, name) == 0)
                return r[i]->tunnels[k];
    return NULL;
}

static void tunnel_json(struct json *j, const struct tunnel_view *v, const Srlab__TunnelStats *st)
{
    struct cfg_node *t = v->node;
    const char *src = cfg_leaf(t, "source", "ip");
    json_obj(j, NULL);
    json_str(j, "name", t->key);
    json_str(j, "sap", v->sap->key);
    json_int(j, "service", v->svc);
    json_str(j, "interface", v->iface->key);
    json_int(j, "delivery_service", v->delivery_svc);
    json_str(j, "type", cfg_child(t, "gre-header") ? "gre" : "ip-ip");
    json_str(j, "source", src);
    json_str(j, "remote_ip", cfg_leaf(t, "remote-ip", "ip"));
    json_str(j, "backup_remote_ip", cfg_leaf(t, "backup-remote-ip", "ip"));
    json_str(j, "oper_remote", v->remote);
    json_str(j, "admin_state", t->admin_up ? "up" : "down");
    json_str(j, "oper_state", v->oper_up ? "up" : "down");
    json_str(j, "oper_flags", v->flags);
    json_str(j, "isa", v->isa[0] ? v->isa : NULL);
    json_arr(j, "dest_ips");
    cfg_each(d, t, "dest-ip") json_str(j, NULL, cfg_get(d, "ip"));
    json_end(j);
    json_obj(j, "statistics");
    if (st) {
        json_uint(j, "encap_packets", st->encap_packets);
        json_uint(j, "encap_octets", st->encap_octets);
        json_uint(j, "decap_packets", st->decap_packets);
        json_uint(j, "decap_octets", st->decap_octets);
        json_uint(j, "fragments_sent", st->fragments_sent);
        json_uint(j, "reassembled", st->reassembled);
        json_obj(j, "drops");
        for (size_t d = 0; d < st->n_drops; d++)
            json_uint(j, st->drops[d]->name, st->drops[d]->count);
        json_end(j);
    }
    json_end(j);
    json_end(j);
}

static const char *or_(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

static void tunnel_detail(const struct tunnel_view *v, const Srlab__TunnelStats *st,
                          struct strbuf *out)
{
    struct cfg_node *t = v->node;
    show_title(out, "IP Tunnel Configuration Detail");
    show_row(out, "Service Id       : %-21u Sap Id            : %s", v->svc, v->sap->key);
    show_row(out, "Tunnel Name      : %s", t->key);
    show_row(out, "Description      : %s", or_(cfg_leaf(t, "description", "text"), "None"));
    show_row(out, "Delivery Service : %-21u Tunnel Type       : %s", v->delivery_svc,
             cfg_child(t, "gre-header") ? "GRE" : "IP-IP");
    show_row(out, "Admin State      : %-21s Oper State        : %s", t->admin_up ? "Up" : "Down",
             v->oper_up ? "Up" : "Down");
    show_row(out, "Source Address   : %-21s Oper Remote Addr  : %s",
             or_(cfg_leaf(t, "source", "ip"), "(Not Specified)"), v->remote ? v->remote : "");
    show_row(out, "Remote Address   : %-21s Backup Address    : %s",
             or_(cfg_leaf(t, "remote-ip", "ip"), "(Not Specified)"),
             or_(cfg_leaf(t, "backup-remote-ip", "ip"), "(Not Specified)"));
    struct cfg_node *gre = cfg_child(t, "gre-header");
    char keys[64] = "None";
    if (gre && cfg_get(gre, "send"))
        snprintf(keys, sizeof keys, "send %s receive %s", cfg_get(gre, "send"), cfg_get(gre, "receive"));
    show_row(out, "DSCP             : %-21s GRE Keys          : %s",
             or_(cfg_leaf(t, "dscp", "dscp"), "None (copied)"), keys);
    char ipmtu[24], emtu[24];
    snprintf(ipmtu, sizeof ipmtu, "%s", or_(cfg_leaf(t, "ip-mtu", "mtu"), "Max Available"));
    snprintf(emtu, sizeof emtu, "%s", or_(cfg_leaf(t, "encapsulated-ip-mtu", "mtu"), "Max Available"));
    show_row(out, "IP MTU           : %-21s Encap IP MTU      : %s", ipmtu, emtu);
    struct cfg_node *re = cfg_child(t, "reassembly");
    show_row(out, "Clear DF Bit     : %-21s Reassembly        : %s",
             cfg_child(t, "clear-df-bit") ? "true" : "false",
             re ? (cfg_get(re, "ms") ? cfg_get(re, "ms") : "use-tunnel-group-setting")
                : "use-tunnel-group-setting");
    show_row(out, "Oper Flags       : %s", v->flags[0] ? v->flags : "None");
    bool first = true;
    cfg_each(d, t, "dest-ip") {
        show_row(out, "%s%s", first ? "Dest IP          : " : "                   ", cfg_get(d, "ip"));
        first = false;
    }
    if (first)
        show_row(out, "Dest IP          : None");
    show_row(out, "ISA              : %s", v->isa[0] ? v->isa : "(none active)");
    show_rule(out, '-');
    sb_puts(out, "Statistics\n");
    show_rule(out, '-');
    if (!st) {
        sb_puts(out, "(the ISA holding the tunnel did not answer)\n");
    } else {
        show_row(out, "Encapsulated Pkts: %-21lu Octets            : %lu",
                 (unsigned long)st->encap_packets, (unsigned long)st->encap_octets);
        show_row(out, "Decapsulated Pkts: %-21lu Octets            : %lu",
                 (unsigned long)st->decap_packets, (unsigned long)st->decap_octets);
        show_row(out, "Fragments Sent   : %-21lu Reassembled       : %lu",
                 (unsigned long)st->fragments_sent, (unsigned long)st->reassembled);
        for (size_t d = 0; d < st->n_drops; d++)
            show_row(out, "Dropped %-33s: %lu", st->drops[d]->name, (unsigned long)st->drops[d]->count);
    }
    show_rule(out, '=');
}

int render_ip_tunnel(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                     bool incomplete, struct strbuf *out, struct json *j)
{
    (void)incomplete;
    char buf[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int nt = cli_tokenize(line, buf, sizeof buf, t, CLI_MAX_TOKENS, err, sizeof err);
    const char *want = nt >= 4 && strcmp(t[3].text, "json") != 0 ? t[3].text : NULL;
    struct tunnel_view *tv;
    int count = tunnels_resolve(cpm, &tv);
    int shown = 0;
    if (j && !want) {
        json_obj(j, NULL);
        json_arr(j, "tunnels");
    } else if (!want) {
        show_title(out, "IP Tunnels");
        sb_puts(out, "TunnelName                       SapId                          SvcId      Admn\n"
                     " Local Address                                                  DlvrySvcId Oper\n"
                     "  OperRemoteAddress\n");
        show_rule(out, '-');
    }
    for (int i = 0; i < count; i++) {
        const struct tunnel_view *v = &tv[i];
        if (v->ipsec || (want && strcmp(want, v->node->key) != 0))
            continue;
        shown++;
        const Srlab__TunnelStats *st = stats_of(r, n, v->node->key);
        if (j) {
            tunnel_json(j, v, st);
            continue;
        }
        if (want) {
            tunnel_detail(v, st, out);
            continue;
        }
        const char *src = cfg_leaf(v->node, "source", "ip");
        show_row(out, "%-32s %-30s %-10u %s", v->node->key, v->sap->key, v->svc,
                 v->node->admin_up ? "Up" : "Down");
        show_row(out, " %-62s %-10u %s", src ? src : "", v->delivery_svc, v->oper_up ? "Up" : "Down");
        show_row(out, "  %s", v->remote ? v->remote : "");
    }
    free(tv);
    if (want && !shown) {
        sb_printf(out, "Error: no ip-tunnel called \"%s\"\n", want);
        return -1;
    }
    if (j && !want) {
        json_end(j);
        json_end(j);
    } else if (!want) {
        show_rule(out, '-');
        sb_printf(out, "IP Tunnels: %d\n", shown);
        show_rule(out, '=');
    }
    return 0;
}

/* show redundancy multi-chassis mc-ipsec peer <ip> [tunnel-group <id>]
 * show redundancy multi-chassis sync [peer <ip>]
 * From the configuration and the mcs process's latest McsState; when mcs
 * is down or has not reported, they say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpm.h"

static struct cfg_node *mc_root(struct cpm *cpm)
{
    return cfg_child(cfg_child(cpm->tree->root, "redundancy"), "multi-chassis");
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static void utc(uint64_t ms, char *out, size_t len)
{
    if (!ms) {
        snprintf(out, len, "never");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y/%m/%d %H:%M:%S UTC", &tm);
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && s[0] ? s : dflt;
}

/* Why there is no (fresh) report, or NULL; figures: the show prints the
 * report's counters (sync), which are then its last ones. */
static const char *report_note(struct cpm *cpm, const Srlab__McsState *m, bool stale, bool figures)
{
    if (!mc_mcs_up(cpm) && !m)
        return "MCS process is down and has not reported: MC-IPsec groups are in discovery"
               " and do not forward";
    if (!mc_mcs_up(cpm))
        return figures ? "MCS process is down: MC-IPsec groups are in discovery and do not"
                         " forward; the figures are from its last report"
                       : "MCS process is down: MC-IPsec groups are in discovery and do not forward";
    if (!m)
        return "MCS process has not reported on this peer yet";
    return stale ? "MCS report is stale" : NULL;
}

static void print_note(struct strbuf *out, const char *note, bool stale, int64_t when)
{
    if (!note)
        return;
    sb_printf(out, "*** %s ***\n", note);
    if (stale) {
        char t[40];
        utc((uint64_t)when, t, sizeof t);
        sb_printf(out, "Last Report        : %s\n", t);
    }
}

static void json_note(struct json *j, struct cpm *cpm, const Srlab__McsState *m, bool stale)
{
    json_bool(j, "mcs_up", mc_mcs_up(cpm));
    json_bool(j, "reported", m != NULL);
    json_bool(j, "stale", m && stale);
}

/* ---- mc-ipsec ---------------------------------------------------------- */

static void group_json(struct json *j, struct cpm *cpm, struct cfg_node *mcg)
{
    unsigned id = (unsigned)atoi(mcg->key);
    struct mc_view v;
    bool mc = mc_group_view(cpm, id, &v);
    const Srlab__McGroupState *gs = mc ? v.gs : NULL;
    json_obj(j, NULL);
    json_int(j, "tunnel_group", id);
    json_int(j, "peer_group", cfg_get_int(cfg_child(mcg, "peer-group"), "id", id));
    json_int(j, "priority", cfg_get_int(cfg_child(mcg, "priority"), "priority", 100));
    json_str(j, "admin_state", mcg->admin_up ? "up" : "down");
    json_str(j, "master_state", mc ? v.state : "discovery");
    json_str(j, "reason", mc ? v.reason : "peer shut down");
    json_bool(j, "forwarding", mc && v.forwarding);
    json_str(j, "peer_state", gs ? gs->peer_state : NULL);
    if (gs) {
        json_bool(j, "eligible", gs->eligible);
        json_bool(j, "peer_eligible", gs->peer_eligible);
        json_int(j, "peer_priority", gs->peer_priority);
        json_int(j, "active_isas", gs->active_isas);
        json_int(j, "peer_active_isas", gs->peer_active_isas);
        json_str(j, "protection", str_or(gs->protection, "not-ready"));
        json_int(j, "installed", gs->installed);
        json_int(j, "installing", gs->installing);
        json_int(j, "await_config", gs->await_config);
        json_int(j, "failed", gs->failed);
        json_int(j, "transitions", gs->transitions);
        json_uint(j, "last_change_ms", gs->since_ms);
    }
    json_end(j);
}

static void group_detail(struct strbuf *out, struct cpm *cpm, struct cfg_node *peer,
                         struct cfg_node *mcg)
{
    unsigned id = (unsigned)atoi(mcg->key);
    struct mc_view v;
    bool mc = mc_group_view(cpm, id, &v);
    const Srlab__McGroupState *gs = mc ? v.gs : NULL;
    char title[80], a[24], b[24], when[40];
    snprintf(title, sizeof title, "Multi-Chassis MC-IPsec Tunnel Group: %u", id);
    show_title(out, title);
    bool stale = false;
    int64_t at = 0;
    const Srlab__McsState *m = mc_report(cpm, peer->key, &stale, &at);
    print_note(out, report_note(cpm, m, stale, false), m && stale, at);
    sb_printf(out, "Peer Address       : %s\n", peer->key);
    snprintf(a, sizeof a, "%u", id);
    show_row(out, "Tunnel Group       : %-19s Peer Group        : %ld", a,
             cfg_get_int(cfg_child(mcg, "peer-group"), "id", id));
    snprintf(a, sizeof a, "%ld", cfg_get_int(cfg_child(mcg, "priority"), "priority", 100));
    snprintf(b, sizeof b, "%u", gs ? gs->peer_priority : 0);
    show_row(out, "Priority           : %-19s Peer Priority     : %s", a, gs ? b : "-");
    show_row(out, "Admin State        : %s", mcg->admin_up ? "Up" : "Down");
    show_row(out, "Master State       : %-19s Peer State        : %s", mc ? v.state : "discovery",
             gs ? str_or(gs->peer_state, "-") : "-");
    show_row(out, "Reason             : %s", mc ? str_or(v.reason, "-") : "peer shut down");
    show_row(out, "Forwarding         : %s", yes_no(mc && v.forwarding));
    if (!gs) {
        show_row(out, "Eligible           : %-19s Peer Eligible     : %s", "-", "-");
        show_row(out, "Active ISAs        : %-19s Peer Active ISAs  : %s", "-", "-");
        show_row(out, "Protection Status  : %s", "not-ready");
        show_row(out, "Installed          : %-19s Installing        : %s", "-", "-");
        show_row(out, "Await Config       : %-19s Failed            : %s", "-", "-");
        show_row(out, "Last State Change  : %s", "-");
        show_rule(out, '=');
        return;
    }
    show_row(out, "Eligible           : %-19s Peer Eligible     : %s", yes_no(gs->eligible),
             yes_no(gs->peer_eligible));
    snprintf(a, sizeof a, "%u", gs->active_isas);
    show_row(out, "Active ISAs        : %-19s Peer Active ISAs  : %u", a, gs->peer_active_isas);
    show_row(out, "Protection Status  : %s", str_or(gs->protection, "not-ready"));
    snprintf(a, sizeof a, "%u", gs->installed);
    show_row(out, "Installed          : %-19s Installing        : %u", a, gs->installing);
    snprintf(a, sizeof a, "%u", gs->await_config);
    show_row(out, "Await Config       : %-19s Failed            : %u", a, gs->failed);
    utc(gs->since_ms, when, sizeof when);
    show_row(out, "Last State Change  : %s (%u transitions)", when, gs->transitions);
    show_rule(out, '=');
}

int show_mc_ipsec_peer(struct cpm *cpm, const char *peer_ip, const char *group,
                       struct strbuf *out, struct json *j)
{
    struct cfg_node *peer = cfg_find(cpm->tree, mc_root(cpm), "peer", peer_ip);
    if (!peer) {
        sb_printf(out, "Error: multi-chassis peer %s is not configured\n", peer_ip);
        return -1;
    }
    struct cfg_node *mi = cfg_child(peer, "mc-ipsec");
    if (!mi) {
        sb_printf(out, "Error: multi-chassis peer %s has no mc-ipsec\n", peer_ip);
        return -1;
    }
    struct cfg_node *only = NULL;
    if (group && !(only = cfg_find(cpm->tree, mi, "tunnel-group", group))) {
        sb_printf(out, "Error: tunnel-group %s is not in mc-ipsec of peer %s\n", group, peer_ip);
        return -1;
    }
    bool stale = false;
    int64_t at = 0;
    const Srlab__McsState *m = mc_report(cpm, peer->key, &stale, &at);
    if (j) {
        json_obj(j, NULL);
        json_str(j, "peer", peer->key);
        json_str(j, "admin_state", peer->admin_up ? "up" : "down");
        json_note(j, cpm, m, stale);
        json_arr(j, "tunnel_groups");
        cfg_each(g, mi, "tunnel-group")
            if (!only || g == only)
                group_json(j, cpm, g);
        json_end(j);
        json_end(j);
        return 0;
    }
    if (only) {
        group_detail(out, cpm, peer, only);
        return 0;
    }
    struct cfg_node *di = cfg_child(mi, "discovery-interval");
    long ka = cfg_get_int(cfg_child(mi, "keep-alive-interval"), "interval", 10);
    char a[24];
    show_title(out, "Multi-Chassis MC-IPsec");
    print_note(out, report_note(cpm, m, stale, false), m && stale, at);
    sb_printf(out, "Peer Address       : %s\n", peer->key);
    show_row(out, "Admin State        : %s", peer->admin_up ? "Up" : "Down");
    snprintf(a, sizeof a, "%ld.%ld secs", ka / 10, ka % 10);
    show_row(out, "Keep Alive Intvl   : %-19s Hold on Nbr Fail  : %ld", a,
             cfg_get_int(cfg_child(mi, "hold-on-neighbor-failure"), "multiplier", 3));
    snprintf(a, sizeof a, "%ld secs", cfg_get_int(di, "seconds", 300));
    show_row(out, "Discovery Intvl    : %-19s Discovery Boot    : %ld secs", a,
             cfg_get_int(di, "boot", 300));
    show_row(out, "BFD                : %s", !cfg_child(mi, "bfd-enable") ? "disabled"
                                             : m ? str_or(m->bfd_state, "down") : "enabled");
    show_rule(out, '-');
    sb_puts(out, "Tunnel  Peer   Priority Admin Master State  Peer State    Fwd  Protection\n"
                 "Group   Group\n");
    show_rule(out, '-');
    int count = 0;
    cfg_each(g, mi, "tunnel-group") {
        unsigned id = (unsigned)atoi(g->key);
        struct mc_view v;
        bool mc = mc_group_view(cpm, id, &v);
        const Srlab__McGroupState *gs = mc ? v.gs : NULL;
        show_row(out, "%-7u %-6ld %-8ld %-5s %-13s %-13s %-4s %s", id,
                 cfg_get_int(cfg_child(g, "peer-group"), "id", id),
                 cfg_get_int(cfg_child(g, "priority"), "priority", 100), g->admin_up ? "Up" : "Down",
                 mc ? v.state : "discovery", gs ? str_or(gs->peer_state, "-") : "-",
                 mc && v.forwarding ? "yes" : "no", gs ? str_or(gs->protection, "not-ready") : "not-ready");
        count++;
    }
    show_rule(out, '-');
    sb_printf(out, "MC-IPsec Tunnel Groups: %d\n", count);
    show_rule(out, '=');
    return 0;
}

/* ---- sync ---------------------------------------------------------------- */

static void sync_json(struct json *j, struct cpm *cpm, struct cfg_node *peer)
{
    bool stale = false;
    int64_t at = 0;
    const Srlab__McsState *m = mc_report(cpm, peer->key, &stale, &at);
    struct cfg_node *sync = cfg_child(peer, "sync");
    const char *src = cfg_leaf(peer, "source-address", "ip");
    json_obj(j, NULL);
    json_str(j, "peer", peer->key);
    json_str(j, "source_address", src);
    json_str(j, "admin_state", peer->admin_up ? "up" : "down");
    json_str(j, "sync_admin_state", sync && sync->admin_up ? "up" : "down");
    json_bool(j, "sync_ipsec", cfg_child(sync, "ipsec") != NULL);
    json_note(j, cpm, m, stale);
    if (m) {
        json_uint(j, "report_ms", (uint64_t)at);
        json_bool(j, "peer_reachable", m->peer_reachable);
        json_str(j, "peer_down_reason", m->peer_down_reason);
        json_str(j, "bfd_state", m->bfd_state);
        json_str(j, "sync_state", m->sync_state);
        json_uint(j, "records_local", m->entries_local);
        json_uint(j, "records_peer", m->entries_peer);
        json_uint(j, "pending", m->sync_pending);
        json_uint(j, "records_sent", m->sync_tx);
        json_uint(j, "records_received", m->sync_rx);
        json_uint(j, "bytes_sent", m->sync_bytes_tx);
        json_uint(j, "bytes_received", m->sync_bytes_rx);
        json_uint(j, "acknowledged", m->sync_acked);
        json_uint(j, "full_resyncs", m->sync_resyncs);
        json_uint(j, "last_resync_ms", m->last_resync_ms);
        json_uint(j, "sync_bad", m->sync_bad);
        json_uint(j, "mimp_tx", m->mimp_tx);
        json_uint(j, "mimp_rx", m->mimp_rx);
        json_uint(j, "mimp_bad", m->mimp_bad);
        json_uint(j, "bfd_tx", m->bfd_tx);
        json_uint(j, "bfd_rx", m->bfd_rx);
    }
    json_end(j);
}

static void two(struct strbuf *out, const char *l1, uint64_t v1, const char *l2, uint64_t v2)
{
    char a[24];
    snprintf(a, sizeof a, "%lu", (unsigned long)v1);
    show_row(out, "%-18s : %-19s %-17s : %lu", l1, a, l2, (unsigned long)v2);
}

static void sync_text(struct strbuf *out, struct cpm *cpm, struct cfg_node *peer)
{
    bool stale = false;
    int64_t at = 0;
    const Srlab__McsState *m = mc_report(cpm, peer->key, &stale, &at);
    struct cfg_node *sync = cfg_child(peer, "sync");
    const char *src = cfg_leaf(peer, "source-address", "ip");
    print_note(out, report_note(cpm, m, stale, true), m && stale, at);
    sb_printf(out, "Peer Address       : %s\n", peer->key);
    show_row(out, "Source Address     : %s", src ? src : "(Not Specified)");
    show_row(out, "Admin State        : %-19s Sync Admin State  : %s", peer->admin_up ? "Up" : "Down",
             sync && sync->admin_up ? "Up" : "Down");
    show_row(out, "Sync IPsec         : %s", yes_no(cfg_child(sync, "ipsec") != NULL));
    if (!m)
        return;
    show_row(out, "Peer Reachable     : %-19s BFD State         : %s", yes_no(m->peer_reachable),
             str_or(m->bfd_state, "disabled"));
    if (!m->peer_reachable)
        show_row(out, "Peer Down Reason   : %s", str_or(m->peer_down_reason, "-"));
    show_row(out, "MCS Sync State     : %s", str_or(m->sync_state, "sync-down"));
    two(out, "Records Local", m->entries_local, "Records Peer", m->entries_peer);
    two(out, "Records Sent", m->sync_tx, "Records Received", m->sync_rx);
    two(out, "Bytes Sent", m->sync_bytes_tx, "Bytes Received", m->sync_bytes_rx);
    two(out, "Acknowledged", m->sync_acked, "Pending", m->sync_pending);
    char a[24];
    snprintf(a, sizeof a, "%lu", (unsigned long)m->sync_resyncs);
    show_row(out, "Full Resyncs       : %-19s Last Resync       : %lu ms", a,
             (unsigned long)m->last_resync_ms);
    two(out, "Sync Bad", m->sync_bad, "MIMP Packets Bad", m->mimp_bad);
    two(out, "MIMP Packets Tx", m->mimp_tx, "MIMP Packets Rx", m->mimp_rx);
    two(out, "BFD Packets Tx", m->bfd_tx, "BFD Packets Rx", m->bfd_rx);
}

int show_mc_sync(struct cpm *cpm, const char *peer_ip, struct strbuf *out, struct json *j)
{
    struct cfg_node *root = mc_root(cpm);
    if (peer_ip && !cfg_find(cpm->tree, root, "peer", peer_ip)) {
        sb_printf(out, "Error: multi-chassis peer %s is not configured\n", peer_ip);
        return -1;
    }
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "peers");
    } else {
        show_title(out, "Multi-chassis Peer Synchronization");
    }
    int count = 0;
    cfg_each(peer, root, "peer") {
        if (peer_ip && strcmp(peer->key, peer_ip) != 0)
            continue;
        if (j) {
            sync_json(j, cpm, peer);
        } else {
            if (count)
                show_rule(out, '-');
            sync_text(out, cpm, peer);
        }
        count++;
    }
    if (j) {
        json_end(j);
        json_end(j);
        return 0;
    }
    show_rule(out, '-');
    sb_printf(out, "Multi-chassis Peers: %d\n", count);
    show_rule(out, '=');
    return 0;
}

/* show isa tunnel-group [N] [detail] */
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "cpm.h"

static long scale_limit(const char *mode)
{
    if (mode && strcmp(mode, "tunnel-limit-2k") == 0)
        return 2000;
    if (mode && strcmp(mode, "tunnel-limit-64k") == 0)
        return 64000;
    return 32000;
}

/* Tunnels per ISA for each isa-scale-mode; the chapter fixes 32,000 by default. */
long tunnel_group_limit(struct cfg_node *tg)
{
    return scale_limit(cfg_get(tg, "mode"));
}

/* Tunnels of group `group` placed on `isa` (NULL: on any ISA): configured
 * ones, and the dynamic tunnels of gateways on the ISAs active for it. */
static int tunnels_on(struct cpm *cpm, struct cfg_node *tg, const struct tunnel_view *tv, int n,
                      const char *isa)
{
    unsigned group = (unsigned)atoi(tg->key);
    int c = 0;
    for (int i = 0; i < n; i++)
        c += tv[i].group == group && tv[i].isa[0] && (!isa || strcmp(tv[i].isa, isa) == 0);
    const char *act[16];
    int nact = tunnel_group_active_isas(cpm, tg, act, 16);
    for (int k = 0; k < nact; k++)
        if (!isa || strcmp(isa, act[k]) == 0)
            c += ipsec_dynamic_on(act[k]);
    return c;
}

/* Every ISA of a group, with its role and whether it carries tunnels now. */
struct member {
    const char *isa, *role;
    bool active;
};

static int group_members(struct cpm *cpm, struct cfg_node *tg, struct member *out, int max)
{
    int n = 0;
    if (!cfg_child(tg, "multi-active")) {
        const char *p = cfg_leaf(tg, "primary", "mda"), *b = cfg_leaf(tg, "backup", "mda");
        if (p)
            out[n++] = (struct member){ .isa = p, .role = "primary" };
        if (b)
            out[n++] = (struct member){ .isa = b, .role = "backup" };
    } else {
        cfg_each(m, tg, "mda") if (n < max) out[n++] = (struct member){ .isa = cfg_get(m, "mda"), .role = "member" };
    }
    const char *act[16];
    int nact = tunnel_group_active_isas(cpm, tg, act, 16);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < nact; k++)
            out[i].active |= strcmp(act[k], out[i].isa) == 0;
    return n;
}

/* An ISA's memory as its last heartbeat gave it; false when unknown. */
static bool isa_memory(struct cpm *cpm, const char *slot_mda, uint64_t *used, uint64_t *cap)
{
    char id[24];
    snprintf(id, sizeof id, "isa-%s", slot_mda);
    const struct card_proc *c = cards_get(cpm, id);
    if (!c || c->state == CARD_DOWN || !c->mem_capacity)
        return false;
    *used = c->mem_used;
    *cap = c->mem_capacity;
    return true;
}

static void detail(struct cpm *cpm, struct cfg_node *tg, const struct tunnel_view *tv, int ntv,
                   struct strbuf *out)
{
    char title[64], flags[64];
    const char *oper = oper_tunnel_group(cpm, tg, flags, sizeof flags);
    bool multi = cfg_child(tg, "multi-active") != NULL;
    const char *desc = cfg_leaf(tg, "description", "text");
    const char *mode = cfg_get(tg, "mode");
    struct cfg_node *re = cfg_child(tg, "reassembly");
    snprintf(title, sizeof title, "ISA Tunnel Group %s", tg->key);
    show_title(out, title);
    sb_printf(out, "Description        : %s\n", desc ? desc : "(Not Specified)");
    sb_printf(out, "Mode               : %-19s Active MDA Number : %ld\n",
              multi ? "multi-active" : "single-active",
              multi ? cfg_get_int(cfg_child(tg, "active-mda-number"), "count", 0) : 1);
    sb_printf(out, "Admin State        : %-19s Oper State        : %s\n",
              tg->admin_up ? "Up" : "Down", strcmp(oper, "up") == 0 ? "Up" : "Down");
    sb_printf(out, "Oper Flags         : %s\n", flags[0] ? flags : "(none)");
    char reasm[32];
    if (re)
        snprintf(reasm, sizeof reasm, "%ld ms", cfg_get_int(re, "ms", 2000));
    sb_printf(out, "ISA Scale Mode     : %-19s Reassembly        : %s\n",
              mode ? mode : "tunnel-limit-32k", re ? reasm : "disabled");
    sb_printf(out, "IPsec Resp. Only   : %s\n",
              cfg_child(tg, "ipsec-responder-only") ? "yes" : "no");
    show_rule(out, '-');
    sb_puts(out, "ISA      Role      Oper  Activity  Tunnels  Max Tun.  Memory MiB    Used\n");
    show_rule(out, '-');
    long limit = scale_limit(mode);
    struct member members[20];
    int nm = group_members(cpm, tg, members, 20);
    for (int i = 0; i < nm; i++) {
        uint64_t used, cap;
        char mib[24] = "-", pct[8] = "-", mem[40];
        if (isa_memory(cpm, members[i].isa, &used, &cap)) {
            snprintf(mib, sizeof mib, "%.1f/%.0f", (double)used / (1 << 20), (double)cap / (1 << 20));
            snprintf(pct, sizeof pct, "%lu%%", (unsigned long)(used * 100 / cap));
        }
        snprintf(mem, sizeof mem, "%-13s %s", mib, pct);
        show_row(out, "%-8s %-9s %-5s %-9s %-8d %-9ld %s", members[i].isa, members[i].role,
                 oper_mda_up(cpm, members[i].isa) ? "up" : "down",
                 members[i].active ? "active" : "standby", tunnels_on(cpm, tg, tv, ntv, members[i].isa),
                 limit, mem);
    }
    show_rule(out, '-');
    sb_printf(out, "Memory thresholds  : low-watermark %d%%, high-watermark %d%%, max-threshold %d%%\n",
              ISA_MEM_LOW_PCT, ISA_MEM_HIGH_PCT, ISA_MEM_MAX_PCT);
    show_rule(out, '=');
}

int show_isa_tunnel_group(struct cpm *cpm, const char *group, bool want_detail,
                          struct strbuf *out, struct json *j)
{
    struct cfg_node *isa = cfg_child(cpm->tree->root, "isa");
    if (group && !cfg_find(cpm->tree, isa, "tunnel-group", group)) {
        sb_printf(out, "Error: tunnel-group %s does not exist\n", group);
        return -1;
    }
    struct tunnel_view *tv;
    int ntv = tunnels_resolve(cpm, &tv);
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "tunnel_groups");
    } else if (!want_detail) {
        show_title(out, "ISA Tunnel Groups");
        sb_puts(out, "Id   Mode    Primary  Backup   Active ISAs          Admin  Oper   Tunnels\n"
                     "                                                                  /Max\n");
        show_rule(out, '-');
    }
    int count = 0;
    cfg_each(tg, isa, "tunnel-group") {
        if (group && strcmp(group, tg->key) != 0)
            continue;
        count++;
        char flags[64];
        const char *oper = oper_tunnel_group(cpm, tg, flags, sizeof flags);
        bool multi = cfg_child(tg, "multi-active") != NULL;
        const char *p = cfg_leaf(tg, "primary", "mda"), *b = cfg_leaf(tg, "backup", "mda");
        const char *act[16];
        int nact = tunnel_group_active_isas(cpm, tg, act, 16);
        long limit = scale_limit(cfg_get(tg, "mode"));
        long max = limit * (nact ? nact : 1);
        if (j) {
            json_obj(j, NULL);
            json_int(j, "id", atoi(tg->key));
            json_str(j, "mode", multi ? "multi-active" : "single-active");
            json_str(j, "primary", p);
            json_str(j, "backup", b);
            /* every ISA of the group: role, state, whether it carries tunnels */
            json_arr(j, "members");
            struct member mem[20];
            int nm = group_members(cpm, tg, mem, 20);
            for (int i = 0; i < nm; i++) {
                json_obj(j, NULL);
                json_str(j, "isa", mem[i].isa);
                json_str(j, "role", mem[i].role);
                json_str(j, "oper", oper_mda_up(cpm, mem[i].isa) ? "up" : "down");
                json_str(j, "activity", mem[i].active ? "active" : "standby");
                json_int(j, "tunnels", tunnels_on(cpm, tg, tv, ntv, mem[i].isa));
                uint64_t used, cap;
                if (isa_memory(cpm, mem[i].isa, &used, &cap)) {
                    json_uint(j, "memory_used_bytes", used);
                    json_uint(j, "memory_bytes", cap);
                    json_uint(j, "memory_used_percent", used * 100 / cap);
                }
                json_end(j);
            }
            json_end(j);
            json_arr(j, "active_isas");
            for (int i = 0; i < nact; i++)
                json_str(j, NULL, act[i]);
            json_end(j);
            json_str(j, "admin_state", tg->admin_up ? "up" : "down");
            json_str(j, "oper_state", oper);
            json_str(j, "oper_flags", flags);
            json_int(j, "tunnels", tunnels_on(cpm, tg, tv, ntv, NULL));
            json_int(j, "max_tunnels", max);
            json_int(j, "tunnels_per_isa_limit", limit);
            json_arr(j, "isa_tunnels");
            for (int k = 0; k < nact; k++) {
                json_obj(j, NULL);
                json_str(j, "isa", act[k]);
                json_int(j, "tunnels", tunnels_on(cpm, tg, tv, ntv, act[k]));
                json_end(j);
            }
            json_end(j);
            json_end(j);
            continue;
        }
        if (want_detail) {
            detail(cpm, tg, tv, ntv, out);
            continue;
        }
        char actives[64] = "";
        for (int i = 0; i < nact; i++)
            snprintf(actives + strlen(actives), sizeof actives - strlen(actives), "%s%s",
                     i ? " " : "", act[i]);
        char tun[24];
        snprintf(tun, sizeof tun, "%d/%ld", tunnels_on(cpm, tg, tv, ntv, NULL), max);
        show_row(out, "%-4s %-7s %-8s %-8s %-20s %-6s %-6s %s", tg->key,
                  multi ? "multi" : "single", p ? p : "-", b ? b : "-",
                  actives[0] ? actives : "-", tg->admin_up ? "Up" : "Down",
                  strcmp(oper, "up") == 0 ? "Up" : "Down", tun);
    }
    free(tv);
    if (j) {
        json_end(j);
        json_end(j);
    } else if (!want_detail) {
        show_rule(out, '-');
        sb_printf(out, "No. of Tunnel Groups: %d\n", count);
        show_rule(out, '=');
    }
    return 0;
}

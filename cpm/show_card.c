/* show card, show mda, show srlab processes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpm.h"
#include "hw.h"

static const char *admin_word(bool up)
{
    return up ? "up" : "down";
}

static struct card_proc *proc_for_mda(struct cpm *cpm, unsigned slot, unsigned mda,
                                      const char *type)
{
    char id[16];
    if (hw_mda_type(type) && hw_mda_type(type)->ports > 0)
        snprintf(id, sizeof id, "iom-%u", slot);
    else
        snprintf(id, sizeof id, "isa-%u/%u", slot, mda);
    return cards_get(cpm, id);
}

int show_card(struct cpm *cpm, struct strbuf *out, struct json *j)
{
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "cards");
    } else {
        show_title(out, "Card Summary");
        sb_puts(out, "Slot      Provisioned Type                         Admin Operational   "
                     "Comments\n"
                     "              Equipped Type (if different)         State State\n");
        show_rule(out, '-');
    }
    cfg_each(card, cpm->tree->root, "card") {
        const char *type = cfg_leaf(card, "card-type", "type");
        const char *oper = oper_card(cpm, card);
        char id[16];
        snprintf(id, sizeof id, "iom-%s", card->key);
        struct card_proc *p = cards_get(cpm, id);
        const char *equipped = p ? p->equipped : NULL;
        const char *comment = p && p->state == CARD_DOWN ? p->down_reason : "";
        if (j) {
            json_obj(j, NULL);
            json_int(j, "slot", atoi(card->key));
            json_str(j, "provisioned_type", type);
            json_str(j, "equipped_type", equipped);
            json_str(j, "admin_state", admin_word(card->admin_up));
            json_str(j, "oper_state", oper);
            json_str(j, "process", id);
            json_int(j, "pid", p ? p->pid : 0);
            json_str(j, "reason", comment);
            json_end(j);
            continue;
        }
        show_row(out, "%-9s %-40s %-5s %-13s %s", card->key, type ? type : "(not provisioned)",
                  admin_word(card->admin_up), oper, comment);
        if (equipped && type && strcmp(equipped, type) != 0)
            show_row(out, "              %s", equipped);
    }
    if (j) {
        json_obj(j, NULL);
        json_str(j, "slot", "A");
        json_str(j, "provisioned_type", "cpm5");
        json_str(j, "admin_state", "up");
        json_str(j, "oper_state", "up/active");
        json_str(j, "process", "cpm");
        json_int(j, "pid", getpid());
        json_end(j);
        json_end(j);
        json_end(j);
    } else {
        show_row(out, "%-9s %-40s %-5s %-13s", "A", "cpm5", "up", "up/active");
        show_rule(out, '=');
    }
    return 0;
}

int show_mda(struct cpm *cpm, struct strbuf *out, struct json *j)
{
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "mdas");
    } else {
        show_title(out, "MDA Summary");
        sb_puts(out, "Slot  Mda   Provisioned Type                            Admin     "
                     "Operational\n"
                     "                Equipped Type (if different)            State     State\n");
        show_rule(out, '-');
    }
    cfg_each(card, cpm->tree->root, "card") {
        bool first = true;
        cfg_each(mda, card, "mda") {
            const char *type = cfg_leaf(mda, "mda-type", "type");
            const char *oper = oper_mda(cpm, card, mda);
            unsigned slot = (unsigned)atoi(card->key), m = (unsigned)atoi(mda->key);
            struct card_proc *p = type ? proc_for_mda(cpm, slot, m, type) : NULL;
            const char *equipped = NULL;
            if (p && p->role == SRLAB__ROLE__ROLE_ISA)
                equipped = p->equipped;
            for (int i = 0; p && p->role == SRLAB__ROLE__ROLE_IOM && i < p->n_port_mdas; i++)
                if (p->port_mdas[i].mda == m)
                    equipped = p->port_mdas[i].type;
            const char *reason = p && p->state == CARD_DOWN ? p->down_reason : "";
            if (j) {
                json_obj(j, NULL);
                json_int(j, "slot", slot);
                json_int(j, "mda", m);
                json_str(j, "provisioned_type", type);
                json_str(j, "equipped_type", equipped);
                json_str(j, "admin_state", admin_word(mda->admin_up));
                json_str(j, "oper_state", oper);
                json_str(j, "process", p ? p->identity : NULL);
                json_int(j, "pid", p ? p->pid : 0);
                json_str(j, "reason", reason);
                json_end(j);
                continue;
            }
            show_row(out, "%-5s %-5s %-43s %-9s %s", first ? card->key : "", mda->key,
                      type ? type : "(not provisioned)", admin_word(mda->admin_up), oper);
            if (equipped && type && strcmp(equipped, type) != 0)
                show_row(out, "                %s", equipped);
            first = false;
        }
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
    return 0;
}

/* Not an SR OS command: the emulator's own view of its processes, used by
 * `srlab up` to know the chassis is ready and by `srlab status`. */
int show_processes(struct cpm *cpm, struct strbuf *out, struct json *j)
{
    if (j) {
        json_obj(j, NULL);
        json_str(j, "chassis", cpm->name);
        json_int(j, "cpm_pid", getpid());
        json_uint(j, "config_generation", cpm->generation);
        json_arr(j, "processes");
    } else {
        show_title(out, "srlab Processes");
        sb_puts(out, "Process      Pid      State     Equipped Type        Config Gen  "
                     "Heartbeats\n");
        show_rule(out, '-');
        show_row(out, "%-12s %-8d %-9s %-20s %-11lu %s", "cpm", (int)getpid(), "up", "cpm5",
                  (unsigned long)cpm->generation, "-");
    }
    zlistx_t *keys = zhashx_keys(cpm->cards);
    zlistx_set_comparator(keys, (zlistx_comparator_fn *)strcmp);
    zlistx_sort(keys);
    for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        struct card_proc *c = cards_get(cpm, k);
        if (j) {
            json_obj(j, NULL);
            json_str(j, "name", c->identity);
            json_int(j, "pid", c->pid);
            json_str(j, "state", card_state_name(c->state));
            json_str(j, "equipped_type", c->equipped);
            json_uint(j, "acked_generation", c->acked_generation);
            json_uint(j, "heartbeats", c->heartbeats);
            json_str(j, "reason", c->down_reason);
            json_str(j, "config_error", c->config_error);
            json_end(j);
        } else {
            show_row(out, "%-12s %-8d %-9s %-20s %-11lu %lu", c->identity, (int)c->pid,
                      card_state_name(c->state), c->equipped[0] ? c->equipped : "-",
                      (unsigned long)c->acked_generation, (unsigned long)c->heartbeats);
        }
    }
    zlistx_destroy(&keys);
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
    return 0;
}

/* Not an SR OS command: message counters of cpm's two sockets, drops by reason. */
int show_bus(struct cpm *cpm, struct strbuf *out, struct json *j)
{
    const struct { const char *name; const struct bus_stats *st; } socks[] = {
        { "cards", &cpm->bus_stats }, { "cli", &cpm->cli_stats },
    };
    if (j) {
        json_obj(j, NULL);
        json_uint(j, "config_rejects", cpm->config_rejects);
        json_arr(j, "sockets");
    } else {
        show_title(out, "srlab Bus Counters");
        sb_puts(out, "Socket   Received   Sent       Send Fail  Malformed  Unknown    "
                     "Version    Frames\n");
        show_rule(out, '-');
    }
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++) {
        const struct bus_stats *st = socks[i].st;
        if (j) {
            json_obj(j, NULL);
            json_str(j, "socket", socks[i].name);
            json_uint(j, "rx", st->rx);
            json_uint(j, "tx", st->tx);
            json_uint(j, "tx_fail", st->tx_fail);
            json_uint(j, "malformed", st->malformed);
            json_uint(j, "unknown", st->unknown);
            json_uint(j, "bad_version", st->bad_version);
            json_uint(j, "bad_frames", st->bad_frames);
            json_end(j);
        } else {
            show_row(out, "%-8s %-10lu %-10lu %-10lu %-10lu %-10lu %-10lu %lu", socks[i].name,
                      (unsigned long)st->rx, (unsigned long)st->tx, (unsigned long)st->tx_fail,
                      (unsigned long)st->malformed, (unsigned long)st->unknown,
                      (unsigned long)st->bad_version, (unsigned long)st->bad_frames);
        }
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
        sb_printf(out, "Rejected configuration changes: %lu\n", (unsigned long)cpm->config_rejects);
    }
    return 0;
}

/* Rules a whole configuration must satisfy before it is committed: references
 * between objects, hardware, and the chapter's restrictions on changes. A
 * rule names the line that broke it, the word and the reason. */
#include "config_validate.h"
#include "config_validate_rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_transform.h"
#include "grammar.h"
#include "hw.h"
#include "pkt.h"

/* The line to blame for a problem found at n: the line that changed n (or
 * an ancestor) in this transaction, else the latest deletion. */
int node_line(const struct cfg_node *n)
{
    for (const struct cfg_node *p = n; p; p = p->parent)
        if (p->line)
            return p->line;
    return 0;
}

int blame(const struct vctx *v, const struct cfg_node *n)
{
    int line = node_line(n);
    if (!line)
        line = cfg_txn_last_delete_line(v->txn);
    return line ? line : cfg_txn_last_line(v->txn);
}

/* A problem at `n` caused by a change to `cause` (a port's mode breaking
 * its SAPs): the line that changed either. */
static int blame2(const struct vctx *v, const struct cfg_node *n, const struct cfg_node *cause)
{
    int line = node_line(n);
    if (!line && cause)
        line = node_line(cause);
    return line ? line : blame(v, n);
}

bool touched(const struct cfg_node *n)
{
    if (n->line)
        return true;
    for (const struct cfg_node *c = n->child; c; c = c->next)
        if (touched(c))
            return true;
    return false;
}

static struct cfg_node *croot(const struct vctx *v, const char *word)
{
    return cfg_child(v->tree->root, word);
}

/* ---- hardware ---------------------------------------------------------- */

static const char *mda_type_of(const struct vctx *v, unsigned slot, unsigned mda)
{
    char k[16];
    snprintf(k, sizeof k, "%u", slot);
    struct cfg_node *card = cfg_find(v->tree, v->tree->root, "card", k);
    snprintf(k, sizeof k, "%u", mda);
    struct cfg_node *m = cfg_find(v->tree, card, "mda", k);
    return cfg_leaf(m, "mda-type", "type");
}

static int rule_cards(struct vctx *v)
{
    cfg_each(card, v->tree->root, "card") {
        const char *type = cfg_leaf(card, "card-type", "type");
        const struct hw_card_type *ct = hw_card_type(type);
        struct cfg_node *ctn = cfg_child(card, "card-type");
        if (ctn && ctn->line && !cfg_txn_is_new(v->txn, ctn)) {
            const char *old = cfg_txn_old(v->txn, ctn, "type");
            if (old && strcmp(old, type) != 0 && cfg_child(card, "mda"))
                FAIL(v, ctn, type,
                     "card %s is provisioned as %s with MDAs: remove the MDAs first", card->key,
                     old);
        }
        cfg_each(mda, card, "mda") {
            if (!ct)
                FAIL(v, mda, "mda", "card %s has no card-type: provision the card before its MDAs",
                     card->key);
            if (atoi(mda->key) > ct->mda_slots)
                FAIL(v, mda, mda->key, "card-type %s has %d MDA slots", type, ct->mda_slots);
            struct cfg_node *mt = cfg_child(mda, "mda-type");
            if (mt && mt->line && !cfg_txn_is_new(v->txn, mt)) {
                const char *old = cfg_txn_old(v->txn, mt, "type");
                const char *now = cfg_get(mt, "type");
                if (old && strcmp(old, now) != 0)
                    FAIL(v, mt, now,
                         "MDA %s/%s is provisioned as %s: 'no mda-type' first, then provision "
                         "the new type", card->key, mda->key, old);
            }
        }
    }
    return 0;
}

static int rule_ports(struct vctx *v)
{
    cfg_each(port, v->tree->root, "port") {
        unsigned s, m, p;
        sscanf(port->key, "%u/%u/%u", &s, &m, &p);
        const char *type = mda_type_of(v, s, m);
        const struct hw_mda_type *mt = hw_mda_type(type);
        if (!mt && !touched(port))
            FAIL(v, port, port->key, "MDA %u/%u carries configured port %s: remove the port "
                 "configuration first", s, m, port->key);
        if (!mt)
            FAIL(v, port, port->key, "port %s: MDA %u/%u is not provisioned", port->key, s, m);
        if (mt->ports == 0)
            FAIL(v, port, port->key, "port %s: MDA %u/%u is a %s, which has no ports", port->key,
                 s, m, type);
        if ((int)p > mt->ports)
            FAIL(v, port, port->key, "port %s: a %s has ports 1..%d", port->key, type, mt->ports);
    }
    return 0;
}

/* ---- services, SAPs, interfaces ----------------------------------------- */

static const char *port_mode(struct cfg_node *port)
{
    const char *mode = cfg_leaf(cfg_child(port, "ethernet"), "mode", "mode");
    return mode ? mode : "network"; /* the router's default for Ethernet ports */
}

static const char *port_encap(struct cfg_node *port)
{
    const char *encap = cfg_leaf(cfg_child(port, "ethernet"), "encap-type", "encap");
    return encap ? encap : "null";
}

static int check_port_sap(struct vctx *v, struct cfg_node *sap, const char *svc)
{
    char portname[32];
    snprintf(portname, sizeof portname, "%s", sap->key);
    char *colon = strchr(portname, ':');
    if (colon)
        *colon = 0;
    struct cfg_node *port = cfg_find(v->tree, v->tree->root, "port", portname);
    if (!port)
        FAIL(v, sap, sap->key, "SAP %s in service %s: port %s is not configured", sap->key, svc,
             portname);
    struct cfg_node *eth = cfg_child(port, "ethernet");
    const char *err_fmt = NULL;
    if (strcmp(port_mode(port), "network") == 0)
        err_fmt = "SAP %s: port %s is in network mode (set 'ethernet mode access')";
    else if (strcmp(port_encap(port), "null") == 0 && colon)
        err_fmt = "SAP %s: port %s has encap-type null, so the SAP takes no VLAN";
    else if (strcmp(port_encap(port), "dot1q") == 0 && !colon)
        err_fmt = "SAP %s: port %s has encap-type dot1q, so the SAP needs a VLAN (%s:<vlan>)";
    if (err_fmt) {
        cfg_error_set(v->err, blame2(v, sap, eth ? eth : port), sap->key, err_fmt, sap->key,
                      portname, portname);
        return -1;
    }
    return 0;
}

static int check_tunnel_sap(struct vctx *v, struct cfg_node *iface, struct cfg_node *sap,
                            const char *svc)
{
    unsigned group;
    char side[16];
    sscanf(sap->key, "tunnel-%u.%15[a-z]", &group, side);
    char g[8];
    snprintf(g, sizeof g, "%u", group);
    struct cfg_node *tg = cfg_find(v->tree, croot(v, "isa"), "tunnel-group", g);
    if (!tg)
        FAIL(v, sap, sap->key, "SAP %s in service %s: tunnel-group %u does not exist", sap->key,
             svc, group);
    bool private_side = strcmp(side, "private") == 0;
    bool tunnel_if = cfg_hit(iface, "tunnel");
    if (private_side && !tunnel_if)
        FAIL(v, sap, sap->key, "SAP %s: a private tunnel SAP belongs on a tunnel interface "
             "(interface \"%s\" tunnel create)", sap->key, iface->key);
    if (!private_side && tunnel_if)
        FAIL(v, sap, sap->key, "SAP %s: a tunnel interface takes a private tunnel SAP", sap->key);
    return 0;
}

struct sap_use {
    const char *sap;
    const char *svc;
};

static int rule_services(struct vctx *v)
{
    struct cfg_node *service = croot(v, "service");
    zhashx_t *ids = zhashx_new();
    zhashx_t *saps = zhashx_new();
    int rc = -1;
    char svc[16];
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next) {
        if (strcmp(s->sc->word, "ies") != 0 && strcmp(s->sc->word, "vprn") != 0)
            continue;
        const char *cust = cfg_get(s, "customer");
        if (cust && strcmp(cust, "1") != 0 && !cfg_find(v->tree, service, "customer", cust)) {
            cfg_error_set(v->err, blame(v, s), cust, "%s %s: customer %s does not exist",
                          s->sc->word, s->key, cust);
            goto done;
        }
        const char *other = zhashx_lookup(ids, s->key);
        if (other) {
            cfg_error_set(v->err, blame(v, s), s->key, "service id %s is already used by %s %s",
                          s->key, other, s->key);
            goto done;
        }
        zhashx_insert(ids, s->key, (void *)s->sc->word);
        snprintf(svc, sizeof svc, "%s", s->key);
        cfg_each(iface, s, "interface") {
            int nsaps = 0;
            cfg_each(sap, iface, "sap") {
                if (++nsaps > 1) {
                    cfg_error_set(v->err, blame(v, sap), sap->key,
                                  "interface \"%s\" already has a SAP: an IP interface has one",
                                  iface->key);
                    goto done;
                }
                struct cfg_node *used = zhashx_lookup(saps, sap->key);
                if (used) {
                    /* blame the SAP this change added, not the one already there */
                    struct cfg_node *newer = node_line(sap) ? sap : used;
                    struct cfg_node *older = newer == sap ? used : sap;
                    cfg_error_set(v->err, blame(v, newer), sap->key,
                                  "SAP %s is already used in service %s", sap->key,
                                  older->parent->parent->key);
                    goto done;
                }
                zhashx_insert(saps, sap->key, sap);
                bool is_tunnel = strncmp(sap->key, "tunnel-", 7) == 0;
                if (is_tunnel ? check_tunnel_sap(v, iface, sap, svc) : check_port_sap(v, sap, svc))
                    goto done;
            }
            if (cfg_hit(iface, "tunnel") && !cfg_leaf(iface, "address", "address") &&
                iface->admin_up && cfg_child(iface, "sap")) {
                cfg_error_set(v->err, blame(v, iface), iface->key,
                              "tunnel interface \"%s\" needs an address: a private tunnel "
                              "interface does not support unnumbered operation", iface->key);
                goto done;
            }
        }
    }
    rc = 0;
done:
    zhashx_destroy(&ids);
    zhashx_destroy(&saps);
    return rc;
}

static int rule_router_ports(struct vctx *v)
{
    zhashx_t *used = zhashx_new();
    int rc = -1;
    cfg_each(iface, croot(v, "router"), "interface") {
        struct cfg_node *pn = cfg_child(iface, "port");
        const char *p = cfg_get(pn, "port");
        if (!p)
            continue;
        struct cfg_node *port = cfg_find(v->tree, v->tree->root, "port", p);
        if (!port) {
            cfg_error_set(v->err, blame(v, pn), p, "interface \"%s\": port %s is not configured",
                          iface->key, p);
            goto done;
        }
        if (strcmp(port_mode(port), "access") == 0) {
            cfg_error_set(v->err, blame2(v, pn, cfg_child(port, "ethernet")), p,
                          "interface \"%s\": port %s is in access mode (network interfaces need "
                          "network or hybrid mode)", iface->key, p);
            goto done;
        }
        const char *other = zhashx_lookup(used, p);
        if (other) {
            cfg_error_set(v->err, blame(v, pn), p, "port %s is already used by interface \"%s\"",
                          p, other);
            goto done;
        }
        zhashx_insert(used, p, iface->key);
    }
    rc = 0;
done:
    zhashx_destroy(&used);
    return rc;
}

/* ---- addresses ----------------------------------------------------------- */

struct pfx {
    int family;
    uint8_t addr[16];
    int len;
    const struct cfg_node *node;
    const char *iface;
};

static bool parse_pfx(const char *s, struct pfx *p)
{
    return prefix_parse(s, &p->family, p->addr, &p->len);
}

static bool pfx_overlap(const struct pfx *a, const struct pfx *b)
{
    if (a->family != b->family)
        return false;
    int len = a->len < b->len ? a->len : b->len;
    for (int bit = 0; bit < len; bit++) {
        int byte = bit / 8, shift = 7 - bit % 8;
        if (((a->addr[byte] >> shift) & 1) != ((b->addr[byte] >> shift) & 1))
            return false;
    }
    return true;
}

static int add_pfx(struct pfx **arr, size_t *n, const char *s, const struct cfg_node *node,
                   const char *iface)
{
    struct pfx p = { .node = node, .iface = iface };
    if (!s || !parse_pfx(s, &p))
        return 0;
    *arr = realloc(*arr, sizeof **arr * (*n + 1));
    (*arr)[(*n)++] = p;
    return 0;
}

/* RFC-free rule of the router: the subnets of a routing instance's
 * interfaces may not overlap. */
static void collect_addresses(struct cfg_node *inst, struct pfx **arr, size_t *n)
{
    cfg_each(iface, inst, "interface") {
        struct cfg_node *a = cfg_child(iface, "address");
        if (a)
            add_pfx(arr, n, cfg_get(a, "address"), a, iface->key);
        cfg_each(a6, cfg_child(iface, "ipv6"), "address")
            add_pfx(arr, n, cfg_get(a6, "address"), a6, iface->key);
    }
}

/* inst: the routing instance; with_ies: Base, which holds every IES's
 * interfaces as well (IES is part of the Base routing instance). */
static int check_instance_addresses(struct vctx *v, struct cfg_node *inst, bool with_ies,
                                    const char *label)
{
    struct pfx *arr = NULL;
    size_t n = 0;
    if (inst)
        collect_addresses(inst, &arr, &n);
    if (with_ies)
        cfg_each(ies, croot(v, "service"), "ies")
            collect_addresses(ies, &arr, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (!pfx_overlap(&arr[i], &arr[j]))
                continue;
            const struct pfx *newer = arr[j].node->line ? &arr[j] : &arr[i];
            const struct pfx *older = newer == &arr[j] ? &arr[i] : &arr[j];
            cfg_error_set(v->err, blame(v, newer->node), cfg_get(newer->node, "address"),
                          "%s: address overlaps %s of interface \"%s\"", label,
                          cfg_get(older->node, "address"), older->iface);
            rc = -1;
            break;
        }
    }
    free(arr);
    return rc;
}

static int rule_addresses(struct vctx *v)
{
    if (check_instance_addresses(v, croot(v, "router"), true, "router Base"))
        return -1;
    cfg_each(s, croot(v, "service"), "vprn") {
        if (!touched(s))
            continue;
        char label[48];
        snprintf(label, sizeof label, "%s %s", s->sc->word, s->key);
        if (check_instance_addresses(v, s, false, label))
            return -1;
    }
    return 0;
}

/* ---- tunnel groups ---------------------------------------------------------- */

static int check_isa_ref(struct vctx *v, struct cfg_node *tg, struct cfg_node *ref,
                         const char *mda)
{
    unsigned s, m;
    sscanf(mda, "%u/%u", &s, &m);
    const char *type = mda_type_of(v, s, m);
    if (!type && !touched(ref))
        FAIL(v, ref, mda, "MDA %s is used by tunnel-group %s and cannot be removed", mda, tg->key);
    if (!type)
        FAIL(v, ref, mda, "tunnel-group %s: MDA %s is not provisioned", tg->key, mda);
    if (!hw_is_tunnel_isa(type))
        FAIL(v, ref, mda, "tunnel-group %s: MDA %s is a %s, not an isa-tunnel or isa2-tunnel",
             tg->key, mda, type);
    return 0;
}

static const struct cfg_node *tunnel_group_user(const struct vctx *v, const char *group)
{
    char prefix[24];
    snprintf(prefix, sizeof prefix, "tunnel-%s.", group);
    struct cfg_node *service = croot(v, "service");
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next)
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap")
            if (strncmp(sap->key, prefix, strlen(prefix)) == 0)
                return sap;
    return NULL;
}

static int rule_tunnel_group_changes(struct vctx *v, struct cfg_node *tg)
{
    /* The chapter lists what needs the group shut down: each change is
     * judged by the group's state at its line, so a file may shut the
     * group, change it and bring it up again. */
    struct cfg_node *primary = cfg_child(tg, "primary");
    const char *oldp = primary ? cfg_txn_old(v->txn, primary, "mda") : NULL;
    bool primary_changed = primary && primary->line && oldp && strcmp(oldp, cfg_get(primary, "mda")) != 0 &&
                           cfg_txn_changed_while_up(v->txn, primary);
    if (primary_changed) {
        bool backup_active = v->oper && v->oper->tunnel_group_backup_active &&
                             v->oper->tunnel_group_backup_active(v->oper->arg, atoi(tg->key));
        if (!backup_active)
            FAIL(v, primary, cfg_get(primary, "mda"),
                 "tunnel-group %s: the primary ISA may change only while the group is shut down "
                 "(or while its backup is active)", tg->key);
    }
    /* the chapter: the backup may be added or changed unless the ISA it
     * replaces is the one active for the group */
    struct cfg_node *backup = cfg_child(tg, "backup");
    const char *oldb = backup ? cfg_txn_old(v->txn, backup, "mda") : NULL;
    if (backup && backup->line && oldb && strcmp(oldb, cfg_get(backup, "mda")) != 0 && v->oper &&
        v->oper->tunnel_group_isa_active && v->oper->tunnel_group_isa_active(v->oper->arg, atoi(tg->key), oldb))
        FAIL(v, backup, cfg_get(backup, "mda"), "tunnel-group %s: backup ISA %s is active for the group "
             "and cannot be replaced now", tg->key, oldb);
    struct cfg_node *ma = cfg_child(tg, "multi-active");
    if (ma && ma->line && cfg_txn_is_new(v->txn, ma) && cfg_txn_changed_while_up(v->txn, ma))
        FAIL(v, ma, "multi-active", "tunnel-group %s: shut the group down to change its mode",
             tg->key);
    struct cfg_node *amn = cfg_child(tg, "active-mda-number");
    if (amn && amn->line && cfg_txn_changed_while_up(v->txn, amn)) {
        const char *old = cfg_txn_old(v->txn, amn, "count");
        if (!old || strcmp(old, cfg_get(amn, "count")))
            FAIL(v, amn, cfg_get(amn, "count"),
                 "tunnel-group %s: shut the group down to change active-mda-number", tg->key);
    }
    return 0;
}

static int rule_tunnel_groups(struct vctx *v)
{
    struct cfg_node *isa = croot(v, "isa");
    zhashx_t *primaries = zhashx_new(); /* mda -> group using it as primary or member */
    int rc = -1;
    cfg_each(tg, isa, "tunnel-group") {
        bool multi = cfg_child(tg, "multi-active") != NULL;
        struct cfg_node *primary = cfg_child(tg, "primary");
        struct cfg_node *backup = cfg_child(tg, "backup");
        struct cfg_node *amn = cfg_child(tg, "active-mda-number");
        int members = 0;
        if (multi && primary) {
            cfg_error_set(v->err, blame(v, primary), "primary",
                          "tunnel-group %s is multi-active: list its ISAs with 'mda', not "
                          "'primary'", tg->key);
            goto done;
        }
        if (!multi && (cfg_child(tg, "mda") || amn)) {
            struct cfg_node *bad = amn ? amn : cfg_child(tg, "mda");
            cfg_error_set(v->err, blame(v, bad), bad->sc->word,
                          "tunnel-group %s is single-active: '%s' needs 'multi-active'", tg->key,
                          bad->sc->word);
            goto done;
        }
        if (primary && check_isa_ref(v, tg, primary, cfg_get(primary, "mda")))
            goto done;
        if (backup && check_isa_ref(v, tg, backup, cfg_get(backup, "mda")))
            goto done;
        if (primary && backup && strcmp(cfg_get(primary, "mda"), cfg_get(backup, "mda")) == 0) {
            cfg_error_set(v->err, blame(v, backup), cfg_get(backup, "mda"),
                          "tunnel-group %s: the backup ISA must differ from the primary",
                          tg->key);
            goto done;
        }
        if (primary) {
            const char *other = zhashx_lookup(primaries, cfg_get(primary, "mda"));
            if (other) {
                cfg_error_set(v->err, blame(v, primary), cfg_get(primary, "mda"),
                              "ISA %s is already active in tunnel-group %s", cfg_get(primary, "mda"),
                              other);
                goto done;
            }
            zhashx_insert(primaries, cfg_get(primary, "mda"), tg->key);
        }
        cfg_each(m, tg, "mda") {
            const char *mda = cfg_get(m, "mda");
            if (check_isa_ref(v, tg, m, mda))
                goto done;
            const char *other = zhashx_lookup(primaries, mda);
            if (other) {
                cfg_error_set(v->err, blame(v, m), mda, "ISA %s is already in tunnel-group %s",
                              mda, other);
                goto done;
            }
            zhashx_insert(primaries, mda, tg->key);
            members++;
        }
        if (backup && zhashx_lookup(primaries, cfg_get(backup, "mda")) &&
            strcmp(zhashx_lookup(primaries, cfg_get(backup, "mda")), tg->key) == 0 && multi) {
            cfg_error_set(v->err, blame(v, backup), "backup",
                          "tunnel-group %s: a multi-active group's standby ISAs are its extra "
                          "'mda' members", tg->key);
            goto done;
        }
        if (tg->admin_up) {
            if (!multi && !primary) {
                cfg_error_set(v->err, blame(v, tg), "no shutdown",
                              "tunnel-group %s needs a primary ISA before 'no shutdown'", tg->key);
                goto done;
            }
            if (multi && (!amn || members < cfg_get_int(amn, "count", 0))) {
                cfg_error_set(v->err, blame(v, tg), "no shutdown",
                              "tunnel-group %s needs active-mda-number and at least that many "
                              "'mda' members before 'no shutdown'", tg->key);
                goto done;
            }
        }
        if (rule_tunnel_group_changes(v, tg))
            goto done;
    }
    rc = 0;
done:
    zhashx_destroy(&primaries);
    return rc;
}

/* Objects deleted in this transaction that something still uses. */
static int rule_references_to_deleted(struct vctx *v)
{
    /* tunnel groups: a group in use cannot be deleted (the chapter) */
    struct cfg_node *service = croot(v, "service");
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next)
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap") {
            if (strncmp(sap->key, "tunnel-", 7) != 0)
                continue;
            unsigned group;
            sscanf(sap->key, "tunnel-%u", &group);
            char g[8];
            snprintf(g, sizeof g, "%u", group);
            if (!cfg_find(v->tree, croot(v, "isa"), "tunnel-group", g) && !sap->line)
                FAIL(v, sap, "tunnel-group",
                     "tunnel-group %u is in use by SAP %s in service %s and cannot be deleted",
                     group, sap->key, s->key);
        }
    return 0;
}

/* SAPs name existing QoS policies and filters; mirror sources name an
 * existing mirror-dest; a policy or filter in use cannot be removed. */
static int check_sap_refs(struct vctx *v, struct cfg_node *sap, const char *dir)
{
    struct cfg_node *d = cfg_child(sap, dir);
    struct cfg_node *q = cfg_child(d, "qos"), *f = cfg_child(d, "filter");
    const char *pol = strcmp(dir, "ingress") == 0 ? "sap-ingress" : "sap-egress";
    if (q && !cfg_find(v->tree, croot(v, "qos"), pol, cfg_get(q, "id")))
        FAIL(v, q, cfg_get(q, "id"), "SAP %s: %s policy %s does not exist%s", sap->key, pol,
             cfg_get(q, "id"), node_line(q) ? "" : " (it is in use and cannot be removed)");
    if (f && !cfg_find(v->tree, croot(v, "filter"), "ip-filter", cfg_get(f, "id")))
        FAIL(v, f, cfg_get(f, "id"), "SAP %s: ip-filter %s does not exist%s", sap->key,
             cfg_get(f, "id"), node_line(f) ? "" : " (it is in use and cannot be removed)");
    return 0;
}

static int rule_references(struct vctx *v)
{
    struct cfg_node *service = croot(v, "service");
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next)
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap") {
            if (check_sap_refs(v, sap, "ingress") || check_sap_refs(v, sap, "egress"))
                return -1;
        }
    cfg_each(ms, croot(v, "debug"), "mirror-source") {
        if (!cfg_find(v->tree, croot(v, "mirror"), "mirror-dest", ms->key))
            FAIL(v, ms, ms->key, "mirror-source %s: mirror-dest %s does not exist%s", ms->key,
                 ms->key, node_line(ms) ? "" : " (it is in use and cannot be removed)");
        cfg_each(src, ms, "ip-filter") {
            const char *id = cfg_get(src, "id"), *entry = cfg_get(src, "entry");
            struct cfg_node *f = cfg_find(v->tree, croot(v, "filter"), "ip-filter", id);
            if (!f || !cfg_find(v->tree, f, "entry", entry))
                FAIL(v, src, id, "mirror-source %s: ip-filter %s entry %s does not exist",
                     ms->key, id, entry);
        }
    }
    return 0;
}

/* GRE / IP-IP tunnels (the chapter): one ip-tunnel per private tunnel SAP,
 * at most 16 dest-ip, names unique, the delivery service exists and is not
 * removed while tunnels use it, and source / remote / delivery service do
 * not change while the tunnel stays up. */
static int rule_ip_tunnels(struct vctx *v)
{
    struct cfg_node *service = croot(v, "service");
    zhashx_t *names = zhashx_new();
    int rc = -1;
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next) {
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap") {
            int count = 0;
            cfg_each(t, sap, "ip-tunnel") {
                if (++count > 1) {
                    cfg_error_set(v->err, blame(v, t), t->key, "SAP %s already has an ip-tunnel: "
                                  "a private tunnel SAP carries one GRE or IP-IP tunnel", sap->key);
                    goto done;
                }
                if (strncmp(sap->key, "tunnel-", 7) != 0 || !strstr(sap->key, ".private:")) {
                    cfg_error_set(v->err, blame(v, t), t->key,
                                  "an ip-tunnel belongs under a private tunnel SAP "
                                  "(tunnel-N.private:K), not SAP %s", sap->key);
                    goto done;
                }
                if (zhashx_lookup(names, t->key)) {
                    cfg_error_set(v->err, blame(v, t), t->key,
                                  "ip-tunnel \"%s\" already exists in service %s", t->key,
                                  (char *)zhashx_lookup(names, t->key));
                    goto done;
                }
                zhashx_insert(names, t->key, s->key);
                int dests = 0;
                cfg_each(d, t, "dest-ip") if (++dests > 16) {
                    cfg_error_set(v->err, blame(v, d), cfg_get(d, "ip"),
                                  "ip-tunnel \"%s\": at most 16 dest-ip", t->key);
                    goto done;
                }
                const char *dsvc = cfg_leaf(t, "delivery-service", "svc");
                if (dsvc && !cfg_find(v->tree, service, "ies", dsvc) &&
                    !cfg_find(v->tree, service, "vprn", dsvc)) {
                    struct cfg_node *dn = cfg_child(t, "delivery-service");
                    cfg_error_set(v->err, blame(v, dn), dsvc, "%s", node_line(dn)
                                  ? "the delivery service does not exist"
                                  : "the service is the delivery service of a tunnel and cannot "
                                    "be deleted");
                    goto done;
                }
                /* the chapter: change these only while the tunnel is not
                 * operationally up (shut it down first) */
                bool oper_up = !v->oper || !v->oper->ip_tunnel_oper_up ||
                               v->oper->ip_tunnel_oper_up(v->oper->arg, t->key);
                if (!cfg_txn_is_new(v->txn, t) && oper_up) {
                    static const char *const fixed[][2] = {
                        { "source", "ip" }, { "remote-ip", "ip" }, { "delivery-service", "svc" },
                    };
                    for (size_t k = 0; k < 3; k++) {
                        struct cfg_node *leaf = cfg_child(t, fixed[k][0]);
                        const char *now = cfg_get(leaf, fixed[k][1]);
                        const char *old = leaf ? cfg_txn_old(v->txn, leaf, fixed[k][1]) : NULL;
                        bool changed = leaf && leaf->line && (!old || strcmp(old, now) != 0) &&
                                       cfg_txn_changed_while_up(v->txn, leaf);
                        if (changed) {
                            cfg_error_set(v->err, blame(v, leaf), now,
                                          "ip-tunnel \"%s\" is operationally up: shut it down to change its %s",
                                          t->key, fixed[k][0]);
                            goto done;
                        }
                    }
                }
            }
        }
    }
    rc = 0;
done:
    zhashx_destroy(&names);
    return rc;
}

/* ---- IPsec ------------------------------------------------------------------ */

static void transform_algorithms(struct cfg_node *tf, const char **enc, const char **auth)
{
    *enc = cfg_leaf(tf, "esp-encryption-algorithm", "algorithm");
    *auth = cfg_leaf(tf, "esp-auth-algorithm", "algorithm");
    if (!*enc)
        *enc = "aes128"; /* SR OS defaults */
    if (!*auth)
        *auth = "sha1";
}

static bool tunnel_oper_up(const struct vctx *v, const char *name)
{
    return !v->oper || !v->oper->ip_tunnel_oper_up || v->oper->ip_tunnel_oper_up(v->oper->arg, name);
}

/* Whether the ipsec-tunnel t uses ipsec-transform id. */
static bool uses_transform(struct cfg_node *t, const char *id)
{
    cfg_each(sa, cfg_child(t, "manual-keying"), "security-association")
        if (strcmp(cfg_get(sa, "transform"), id) == 0)
            return true;
    struct cfg_node *list = cfg_child(cfg_child(t, "dynamic-keying"), "transform");
    static const char *const slots[] = { "t1", "t2", "t3", "t4" };
    for (int k = 0; list && k < 4; k++)
        if (cfg_get(list, slots[k]) && strcmp(cfg_get(list, slots[k]), id) == 0)
            return true;
    return false;
}

/* Two ts-list entries overlap when address ranges, protocols and port
 * ranges all intersect. */
static bool ts_range(struct cfg_node *e, int *family, uint8_t *lo, uint8_t *hi)
{
    struct cfg_node *ad = cfg_child(e, "address");
    const char *prefix = cfg_get(ad, "prefix");
    int len;
    if (!ad) { /* any address */
        *family = 0;
        return true;
    }
    if (prefix) {
        if (!prefix_parse(prefix, family, lo, &len))
            return false;
        size_t alen = *family == AF_INET ? 4 : 16;
        memcpy(hi, lo, alen);
        for (int b = len; b < (int)alen * 8; b++)
            hi[b / 8] |= (uint8_t)(0x80 >> (b % 8));
        return true;
    }
    const char *f = cfg_get(ad, "from"), *t = cfg_get(ad, "to");
    *family = f && strchr(f, ':') ? AF_INET6 : AF_INET;
    return f && t && inet_pton(*family, f, lo) == 1 && inet_pton(*family, t, hi) == 1;
}

static bool ts_entries_overlap(struct cfg_node *a, struct cfg_node *b)
{
    int fa, fb;
    uint8_t alo[16] = { 0 }, ahi[16] = { 0 }, blo[16] = { 0 }, bhi[16] = { 0 };
    if (!ts_range(a, &fa, alo, ahi) || !ts_range(b, &fb, blo, bhi))
        return false;
    if (fa && fb) {
        if (fa != fb)
            return false;
        size_t n = fa == AF_INET ? 4 : 16;
        if (memcmp(ahi, blo, n) < 0 || memcmp(bhi, alo, n) < 0)
            return false;
    }
    struct cfg_node *pa = cfg_child(a, "protocol"), *pb = cfg_child(b, "protocol");
    const char *na = cfg_get(pa, "protocol"), *nb = cfg_get(pb, "protocol");
    if (na && nb && ip_protocol_number(na) != ip_protocol_number(nb))
        return false;
    if (na && nb) {
        bool oa = cfg_hit(pa, "opaque"), ob = cfg_hit(pb, "opaque");
        long la = cfg_get_int(pa, "low", 0), ha = cfg_get_int(pa, "high", 65535);
        long lb = cfg_get_int(pb, "low", 0), hb = cfg_get_int(pb, "high", 65535);
        if (oa != ob && (oa || ob))
            return false; /* opaque matches only packets without ports */
        if (!oa && (ha < lb || hb < la))
            return false;
    }
    return true;
}

static int check_ipsec_transforms(struct vctx *v)
{
    cfg_each(tf, croot(v, "ipsec"), "ipsec-transform") {
        const char *enc, *auth;
        transform_algorithms(tf, &enc, &auth);
        struct esp_transform t;
        char why[160];
        if (esp_transform_parse(enc, auth, &t, why, sizeof why) != 0) {
            struct cfg_node *n = cfg_child(tf, "esp-encryption-algorithm");
            FAIL(v, n && n->line ? n : tf, tf->key, "ipsec-transform %s: %s", tf->key, why);
        }
    }
    return 0;
}

/* The chapter: an ipsec-transform in use does not change. */
static int check_transform_in_use(struct vctx *v, struct cfg_node *t)
{
    cfg_each(tf, croot(v, "ipsec"), "ipsec-transform") {
        if (!uses_transform(t, tf->key) || cfg_txn_is_new(v->txn, tf))
            continue;
        static const char *const algs[] = { "esp-encryption-algorithm", "esp-auth-algorithm" };
        for (int k = 0; k < 2; k++) {
            struct cfg_node *leaf = cfg_child(tf, algs[k]);
            const char *old = leaf ? cfg_txn_old(v->txn, leaf, "algorithm") : NULL;
            if (leaf && leaf->line && (!old || strcmp(old, cfg_get(leaf, "algorithm"))))
                FAIL(v, leaf, cfg_get(leaf, "algorithm"),
                     "ipsec-transform %s is in use by ipsec-tunnel \"%s\" and cannot change",
                     tf->key, t->key);
        }
    }
    return 0;
}

static int check_manual_keying(struct vctx *v, struct cfg_node *t, bool up_before)
{
    struct cfg_node *mk = cfg_child(t, "manual-keying");
    zhashx_t *spis = zhashx_new();
    int rc = -1;
    cfg_each(sa, mk, "security-association") {
        const char *tfid = cfg_get(sa, "transform");
        struct cfg_node *tf = cfg_find(v->tree, croot(v, "ipsec"), "ipsec-transform", tfid);
        if (!tf) {
            cfg_error_set(v->err, blame(v, sa), tfid, "ipsec-tunnel \"%s\": ipsec-transform %s does "
                          "not exist%s", t->key, tfid, node_line(sa) ? "" : " (it is in use)");
            goto done;
        }
        const char *enc, *auth;
        transform_algorithms(tf, &enc, &auth);
        struct esp_transform et;
        char why[160];
        if (esp_transform_parse(enc, auth, &et, why, sizeof why) != 0) {
            cfg_error_set(v->err, blame(v, sa), tfid, "ipsec-transform %s: %s", tfid, why);
            goto done;
        }
        static const char *const keys[][2] = { { "ekey", "encryption-key" }, { "akey", "authentication-key" } };
        for (int k = 0; k < 2; k++) {
            const char *hex = cfg_get(sa, keys[k][0]);
            size_t want = k == 0 ? esp_enc_key_len(&et) : esp_auth_key_len(&et);
            size_t have = hex ? (strlen(hex) - 2) / 2 : 0;
            if (have != want) {
                if (want)
                    cfg_error_set(v->err, blame(v, sa), keys[k][1], "security-association %s: "
                                  "transform %s (%s, %s) needs a %zu-byte %s, not %zu bytes",
                                  sa->key, tfid, enc, auth, want, keys[k][1], have);
                else
                    cfg_error_set(v->err, blame(v, sa), keys[k][1], "security-association %s: "
                                  "transform %s (%s, %s) takes no %s", sa->key, tfid, enc, auth,
                                  keys[k][1]);
                goto done;
            }
        }
        if (strcmp(cfg_get(sa, "direction"), "inbound") == 0) {
            const char *spi = cfg_get(sa, "spi");
            if (zhashx_lookup(spis, spi)) {
                cfg_error_set(v->err, blame(v, sa), spi, "ipsec-tunnel \"%s\": inbound SPI %s is "
                              "already used by security-association %s", t->key, spi,
                              (char *)zhashx_lookup(spis, spi));
                goto done;
            }
            zhashx_insert(spis, spi, sa->key);
        }
        /* an SA carrying traffic keeps its SPI, keys and transform: add a
         * new one to rekey by hand */
        if (up_before && !cfg_txn_is_new(v->txn, sa) && sa->line && cfg_txn_changed_while_up(v->txn, sa)) {
            cfg_error_set(v->err, blame(v, sa), sa->key, "ipsec-tunnel \"%s\" is operationally up: "
                          "security-association %s cannot change (shut the tunnel down, or add "
                          "another security-association)", t->key, sa->key);
            goto done;
        }
    }
    rc = 0;
done:
    zhashx_destroy(&spis);
    return rc;
}

/* The chapter: local-gateway-address, peer, delivery service and security
 * policy do not change while the tunnel is operationally up. */
static int check_ipsec_fixed(struct vctx *v, struct cfg_node *t)
{
    static const char *const fixed[][2] = {
        { "local-gateway-address", "ip" }, { "local-gateway-address", "peer" },
        { "local-gateway-address", "svc" }, { "security-policy", "id" },
    };
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        struct cfg_node *leaf = cfg_child(t, fixed[k][0]);
        const char *now = cfg_get(leaf, fixed[k][1]);
        const char *old = leaf ? cfg_txn_old(v->txn, leaf, fixed[k][1]) : NULL;
        if (leaf && leaf->line && (!old || !now || strcmp(old, now) != 0) &&
            cfg_txn_changed_while_up(v->txn, leaf))
            FAIL(v, leaf, now ? now : fixed[k][0],
                 "ipsec-tunnel \"%s\" is operationally up: shut it down to change its %s%s%s", t->key,
                 fixed[k][0], strcmp(fixed[k][1], "ip") && strcmp(fixed[k][1], "id") ? " " : "",
                 strcmp(fixed[k][1], "peer") == 0 ? "peer" : strcmp(fixed[k][1], "svc") == 0
                                                             ? "delivery-service" : "");
    }
    return 0;
}

static int check_security_policy(struct vctx *v, struct cfg_node *svc, struct cfg_node *t, bool up)
{
    const char *sp = cfg_leaf(t, "security-policy", "id");
    if (!sp)
        return 0;
    struct cfg_node *pol = cfg_find(v->tree, cfg_find(v->tree, svc, "ipsec", NULL), "security-policy", sp);
    if (!pol)
        FAIL(v, cfg_child(t, "security-policy"), sp, "ipsec-tunnel \"%s\": security-policy %s does "
             "not exist in service %s%s", t->key, sp, svc->key,
             node_line(cfg_child(t, "security-policy")) ? "" : " (it is in use and cannot be removed)");
    /* the chapter: not while a tunnel using it is active */
    if (up && touched(pol) && !cfg_txn_is_new(v->txn, pol))
        FAIL(v, pol, sp, "security-policy %s is used by ipsec-tunnel \"%s\", which is "
             "operationally up: shut the tunnel down first", sp, t->key);
    return 0;
}

static int check_ike(struct vctx *v)
{
    cfg_each(t, croot(v, "ipsec"), "ike-transform") {
        const char *enc = cfg_leaf(t, "ike-encryption-algorithm", "algorithm");
        const char *auth = cfg_leaf(t, "ike-auth-algorithm", "algorithm");
        const char *prf = cfg_leaf(t, "ike-prf-algorithm", "algorithm");
        enc = enc ? enc : "aes128";
        auth = auth ? auth : "sha1";
        bool gcm = strstr(enc, "gcm") != NULL, aead = strcmp(auth, "auth-encryption") == 0;
        if (strcmp(enc, "des") == 0 || strcmp(enc, "3des") == 0)
            FAIL(v, cfg_child(t, "ike-encryption-algorithm"), enc, "ike-transform %s: %s is not "
                 "supported by srlab (RFC 8247: MUST NOT / SHOULD NOT); use aes128 or stronger", t->key, enc);
        if (gcm != aead)
            FAIL(v, cfg_child(t, gcm ? "ike-encryption-algorithm" : "ike-auth-algorithm"), gcm ? enc : auth,
                 "ike-transform %s: %s", t->key, gcm ? "a gcm ike-encryption-algorithm needs "
                 "ike-auth-algorithm auth-encryption" : "ike-auth-algorithm auth-encryption needs a gcm "
                 "ike-encryption-algorithm");
        if (aead && prf && strcmp(prf, "same-as-auth") == 0)
            FAIL(v, cfg_child(t, "ike-prf-algorithm"), prf, "ike-transform %s: auth-encryption is no "
                 "PRF: name an ike-prf-algorithm", t->key);
    }
    cfg_each(p, croot(v, "ipsec"), "ike-policy") {
        const char *ver = cfg_leaf(p, "ike-version", "version");
        if (ver && strcmp(ver, "2") != 0)
            FAIL(v, cfg_child(p, "ike-version"), ver, "ike-policy %s: IKEv1 is not supported by srlab "
                 "(IKEv2 only)", p->key);
        const char *am = cfg_leaf(p, "auth-method", "method");
        if (am && strcmp(am, "psk") != 0)
            FAIL(v, cfg_child(p, "auth-method"), am, "ike-policy %s: auth-method %s is not supported by "
                 "srlab yet (psk only)", p->key, am);
        struct cfg_node *its = cfg_child(p, "ike-transform");
        static const char *const slots[] = { "t1", "t2", "t3", "t4" };
        for (int k = 0; its && k < 4; k++) {
            const char *id = cfg_get(its, slots[k]);
            if (id && !cfg_find(v->tree, croot(v, "ipsec"), "ike-transform", id))
                FAIL(v, its, id, "ike-policy %s: ike-transform %s does not exist%s", p->key, id,
                     node_line(its) ? "" : " (it is in use and cannot be removed)");
        }
    }
    /* ts-lists: entries of one side do not overlap (the chapter) */
    cfg_each(tl, croot(v, "ipsec"), "ts-list") {
        static const char *const sides[] = { "local", "remote" };
        for (int k = 0; k < 2; k++) {
            struct cfg_node *side = cfg_child(tl, sides[k]);
            cfg_each(e1, side, "entry") {
                for (struct cfg_node *e2 = cfg_next_same(e1); e2; e2 = cfg_next_same(e2))
                    if (ts_entries_overlap(e1, e2))
                        FAIL(v, e2, e2->key, "ts-list \"%s\" %s: entry %s overlaps entry %s "
                             "(address, protocol and ports)", tl->key, sides[k], e2->key, e1->key);
            }
        }
    }
    return 0;
}

/* The chapter: an ike-policy or transform in use does not change. */
static int check_policy_in_use(struct vctx *v, const char *what, const char *id, const char *user)
{
    struct cfg_node *p = id ? cfg_find(v->tree, croot(v, "ipsec"), what, id) : NULL;
    if (p && !cfg_txn_is_new(v->txn, p) && touched(p))
        FAIL(v, p, id, "%s %s is in use by %s and cannot change", what, id, user);
    return 0;
}

static int check_ids_exist(struct vctx *v, struct cfg_node *list, const char *what, const char *user)
{
    static const char *const slots[] = { "t1", "t2", "t3", "t4" };
    for (int k = 0; list && k < 4; k++) {
        const char *id = cfg_get(list, slots[k]);
        if (id && !cfg_find(v->tree, croot(v, "ipsec"), what, id))
            FAIL(v, list, id, "%s: %s %s does not exist%s", user, what, id,
                 node_line(list) ? "" : " (it is in use and cannot be removed)");
    }
    return 0;
}

static int check_dynamic_keying(struct vctx *v, struct cfg_node *t, bool up)
{
    struct cfg_node *dk = cfg_child(t, "dynamic-keying");
    if (!dk)
        return 0;
    char user[80];
    snprintf(user, sizeof user, "ipsec-tunnel \"%s\"", t->key);
    if (cfg_child(t, "manual-keying"))
        FAIL(v, dk, "dynamic-keying", "%s: manual-keying and dynamic-keying exclude each other", user);
    const char *ip = cfg_leaf(dk, "ike-policy", "id");
    if (ip && !cfg_find(v->tree, croot(v, "ipsec"), "ike-policy", ip))
        FAIL(v, cfg_child(dk, "ike-policy"), ip, "%s: ike-policy %s does not exist%s", user, ip,
             node_line(cfg_child(dk, "ike-policy")) ? "" : " (it is in use and cannot be removed)");
    if (check_ids_exist(v, cfg_child(dk, "transform"), "ipsec-transform", user))
        return -1;
    if (!up)
        return 0;
    /* the chapter: transform and ike-policy assignments need the tunnel shut down */
    static const char *const fixed[] = { "ike-policy", "transform", "pre-shared-key", "local-id" };
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        struct cfg_node *leaf = cfg_child(dk, fixed[k]);
        if (leaf && leaf->line && cfg_txn_changed_while_up(v->txn, leaf))
            FAIL(v, leaf, fixed[k], "%s is operationally up: shut it down to change its %s", user, fixed[k]);
    }
    if (check_policy_in_use(v, "ike-policy", ip, user))
        return -1;
    return 0;
}

static int check_gateway(struct vctx *v, struct cfg_node *service, struct cfg_node *sap, struct cfg_node *g)
{
    char user[80];
    snprintf(user, sizeof user, "ipsec-gw \"%s\"", g->key);
    if (strncmp(sap->key, "tunnel-", 7) != 0 || !strstr(sap->key, ".public:"))
        FAIL(v, g, g->key, "an ipsec-gw belongs under a public tunnel SAP (tunnel-N.public:K), not "
             "SAP %s", sap->key);
    const char *ip = cfg_leaf(g, "ike-policy", "id");
    if (ip && !cfg_find(v->tree, croot(v, "ipsec"), "ike-policy", ip))
        FAIL(v, cfg_child(g, "ike-policy"), ip, "%s: ike-policy %s does not exist%s", user, ip,
             node_line(cfg_child(g, "ike-policy")) ? "" : " (it is in use and cannot be removed)");
    const char *tt = cfg_leaf(g, "default-tunnel-template", "id");
    struct cfg_node *ttn = tt ? cfg_find(v->tree, croot(v, "ipsec"), "tunnel-template", tt) : NULL;
    if (tt && !ttn)
        FAIL(v, cfg_child(g, "default-tunnel-template"), tt, "%s: tunnel-template %s does not exist%s",
             user, tt, node_line(cfg_child(g, "default-tunnel-template")) ? "" : " (it is in use and "
             "cannot be removed)");
    if (ttn && check_ids_exist(v, cfg_child(ttn, "transform"), "ipsec-transform", user))
        return -1;
    const char *ts = cfg_leaf(g, "ts-negotiation", "name");
    if (ts && !cfg_find(v->tree, croot(v, "ipsec"), "ts-list", ts))
        FAIL(v, cfg_child(g, "ts-negotiation"), ts, "%s: ts-list \"%s\" does not exist%s", user, ts,
             node_line(cfg_child(g, "ts-negotiation")) ? "" : " (it is in use and cannot be removed)");
    struct cfg_node *dss = cfg_child(g, "default-secure-service");
    const char *svc = cfg_get(dss, "svc");
    if (svc && !cfg_find(v->tree, service, "vprn", svc) && !cfg_find(v->tree, service, "ies", svc))
        FAIL(v, dss, svc, "%s: default-secure-service %s does not exist%s", user, svc,
             node_line(dss) ? "" : " (it is in use and cannot be removed)");
    bool was_up;
    if (g->admin_up && cfg_txn_old_admin(v->txn, g, &was_up) && was_up &&
        check_policy_in_use(v, "ike-policy", ip, user))
        return -1;
    return 0;
}

static int rule_ipsec(struct vctx *v)
{
    if (check_ipsec_transforms(v) || check_ike(v))
        return -1;
    struct cfg_node *service = croot(v, "service");
    zhashx_t *names = zhashx_new(), *ends = zhashx_new(), *in_svc = zhashx_new();
    int rc = -1;
    /* one name space for ip-tunnel and ipsec-tunnel (show, the ISAs) */
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next)
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap") cfg_each(t, sap, "ip-tunnel")
            zhashx_insert(names, t->key, s->key);
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next) {
        cfg_each(iface, s, "interface") cfg_each(sap, iface, "sap") {
            cfg_each(t, sap, "ipsec-tunnel") {
                if (strncmp(sap->key, "tunnel-", 7) != 0 || !strstr(sap->key, ".private:")) {
                    cfg_error_set(v->err, blame(v, t), t->key, "an ipsec-tunnel belongs under a "
                                  "private tunnel SAP (tunnel-N.private:K), not SAP %s", sap->key);
                    goto done;
                }
                if (cfg_child(sap, "ip-tunnel")) {
                    cfg_error_set(v->err, blame(v, t), t->key, "SAP %s has an ip-tunnel: GRE/IP-IP "
                                  "and IPsec tunnels need SAPs of their own", sap->key);
                    goto done;
                }
                if (zhashx_lookup(names, t->key)) {
                    cfg_error_set(v->err, blame(v, t), t->key, "ipsec-tunnel \"%s\" already exists "
                                  "in service %s", t->key, (char *)zhashx_lookup(names, t->key));
                    goto done;
                }
                zhashx_insert(names, t->key, s->key);
                char svc_tunnel[160];
                snprintf(svc_tunnel, sizeof svc_tunnel, "%s|%s", s->key, t->key);
                zhashx_update(in_svc, svc_tunnel, t);
                struct cfg_node *lga = cfg_child(t, "local-gateway-address");
                if (lga) {
                    const char *dsvc = cfg_get(lga, "svc");
                    if (!cfg_find(v->tree, service, "ies", dsvc) &&
                        !cfg_find(v->tree, service, "vprn", dsvc)) {
                        cfg_error_set(v->err, blame(v, lga), dsvc, "%s", node_line(lga)
                                      ? "the delivery service does not exist"
                                      : "the service is the delivery service of a tunnel and "
                                        "cannot be deleted");
                        goto done;
                    }
                    const char *ip = cfg_get(lga, "ip"), *peer = cfg_get(lga, "peer");
                    if ((strchr(ip, ':') != NULL) != (strchr(peer, ':') != NULL)) {
                        cfg_error_set(v->err, blame(v, lga), peer, "ipsec-tunnel \"%s\": the "
                                      "local-gateway-address and the peer must be of one family", t->key);
                        goto done;
                    }
                    char end[160];
                    snprintf(end, sizeof end, "%s|%s|%s", dsvc, ip, peer);
                    if (zhashx_lookup(ends, end)) {
                        cfg_error_set(v->err, blame(v, lga), peer, "ipsec-tunnel \"%s\": "
                                      "ipsec-tunnel \"%s\" already runs from %s to %s", t->key,
                                      (char *)zhashx_lookup(ends, end), ip, peer);
                        goto done;
                    }
                    zhashx_insert(ends, end, t->key);
                }
                bool up = !cfg_txn_is_new(v->txn, t) && tunnel_oper_up(v, t->key);
                if (check_security_policy(v, s, t, up && t->admin_up) ||
                    check_manual_keying(v, t, up) || (up && check_ipsec_fixed(v, t)) ||
                    (up && check_transform_in_use(v, t)) || check_dynamic_keying(v, t, up))
                    goto done;
            }
            cfg_each(g, sap, "ipsec-gw") {
                if (zhashx_lookup(names, g->key)) {
                    cfg_error_set(v->err, blame(v, g), g->key, "\"%s\" is already the name of a tunnel "
                                  "or gateway", g->key);
                    goto done;
                }
                zhashx_insert(names, g->key, s->key);
                if (check_gateway(v, service, sap, g))
                    goto done;
            }
        }
        /* static routes into a tunnel name one of this service's (looked
         * up, not searched: a route per tunnel, thousands of them) */
        cfg_each(sre, s, "static-route-entry") cfg_each(it, sre, "ipsec-tunnel") {
            char svc_tunnel[160];
            snprintf(svc_tunnel, sizeof svc_tunnel, "%s|%s", s->key, it->key);
            if (!zhashx_lookup(in_svc, svc_tunnel)) {
                cfg_error_set(v->err, blame(v, it), it->key, node_line(it)
                              ? "static-route-entry %s: no ipsec-tunnel \"%s\" in service %s"
                              : "ipsec-tunnel \"%s\" is the next hop of static-route-entry %s "
                                "in service %s and cannot be deleted",
                              node_line(it) ? sre->key : it->key, node_line(it) ? it->key : sre->key, s->key);
                goto done;
            }
        }
    }
    rc = 0;
done:
    zhashx_destroy(&names);
    zhashx_destroy(&ends);
    zhashx_destroy(&in_svc);
    return rc;
}

int cfg_validate(struct cfg_txn *txn, const struct cfg_oper *oper, struct cfg_error *err)
{
    struct vctx v = { .txn = txn, .tree = cfg_txn_tree(txn), .oper = oper, .err = err };
    int (*const rules[])(struct vctx *) = {
        rule_references_to_deleted, rule_cards,     rule_ports,
        rule_tunnel_groups,         rule_services,  rule_router_ports,
        rule_addresses,             rule_references, rule_ip_tunnels,
        rule_ipsec,                 rule_multi_chassis,
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i](&v) != 0)
            return -1;
    return 0;
}

const char *cfg_tunnel_group_user(struct cfg_tree *tree, const char *group, char *svc, size_t len)
{
    struct vctx v = { .tree = tree };
    const struct cfg_node *sap = tunnel_group_user(&v, group);
    if (sap && svc)
        snprintf(svc, len, "%s", sap->parent->parent->key);
    return sap ? sap->key : NULL;
}

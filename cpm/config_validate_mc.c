/* Rules of redundancy multi-chassis (MC-IPsec) and of the redundant next
 * hops that shunt a standby chassis's traffic to the master. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_validate_rules.h"

static int ip_family(const char *ip)
{
    uint8_t buf[16];
    if (!ip)
        return 0;
    if (inet_pton(AF_INET, ip, buf) == 1)
        return AF_INET;
    return inet_pton(AF_INET6, ip, buf) == 1 ? AF_INET6 : 0;
}

static const char *family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* ref names isa tunnel-group `group` (mc-ipsec or sync): it must exist; one
 * deleted in this transaction is refused while referenced. */
static int check_group_ref(struct vctx *v, const struct cfg_node *peer, const struct cfg_node *ref,
                           const char *group, const char *what, struct cfg_node **tg_out)
{
    struct cfg_node *tg = cfg_find(v->tree, cfg_child(v->tree->root, "isa"), "tunnel-group", group);
    *tg_out = tg;
    if (tg)
        return 0;
    if (!ref->line) /* it was valid before this transaction: the group was deleted */
        FAIL(v, ref, group, "tunnel-group %s is used by %s of multi-chassis peer %s and cannot be "
             "deleted", group, what, peer->key);
    FAIL(v, ref, group, "multi-chassis peer %s: %s tunnel-group %s does not exist", peer->key, what,
         group);
}

static int check_peer(struct vctx *v, struct cfg_node *peer, zhashx_t *mc_groups)
{
    int pf = ip_family(peer->key);
    struct cfg_node *src = cfg_child(peer, "source-address");
    const char *sa = cfg_get(src, "ip");
    if (sa && ip_family(sa) != pf)
        FAIL(v, src, sa, "multi-chassis peer %s: source-address %s is %s, the peer is %s", peer->key,
             sa, family_name(ip_family(sa)), family_name(pf));
    cfg_each(st, cfg_child(peer, "sync"), "tunnel-group") {
        struct cfg_node *tg;
        if (check_group_ref(v, peer, st, st->key, "sync", &tg))
            return -1;
    }
    struct cfg_node *mc = cfg_child(peer, "mc-ipsec");
    if (!mc)
        return 0;
    if (!sa)
        FAIL(v, mc, "mc-ipsec", "multi-chassis peer %s: mc-ipsec needs a source-address (MIMP "
             "and MCS are sent from it)", peer->key);
    zhashx_t *peer_groups = zhashx_new();
    int rc = -1;
    cfg_each(g, mc, "tunnel-group") {
        struct cfg_node *tg;
        if (check_group_ref(v, peer, g, g->key, "mc-ipsec", &tg))
            goto done;
        if (!cfg_child(tg, "multi-active")) {
            /* blames the line that added g, or the one that removed multi-active */
            cfg_error_set(v->err, blame(v, g), g->key,
                          "tunnel-group %s is single-active: MC-IPsec is only supported on "
                          "multi-active tunnel groups", g->key);
            goto done;
        }
        const char *other = zhashx_lookup(mc_groups, g->key);
        if (other) {
            cfg_error_set(v->err, blame(v, g), g->key,
                          "tunnel-group %s is already in mc-ipsec of multi-chassis peer %s: a "
                          "tunnel group has one MC-IPsec peer", g->key, other);
            goto done;
        }
        zhashx_insert(mc_groups, g->key, peer->key);
        const char *pg = cfg_leaf(g, "peer-group", "id");
        if (!pg)
            pg = g->key;
        const char *twin = zhashx_lookup(peer_groups, pg);
        if (twin) {
            cfg_error_set(v->err, blame(v, g), pg,
                          "multi-chassis peer %s: tunnel-group %s and %s both pair with the peer's "
                          "tunnel-group %s", peer->key, twin, g->key, pg);
            goto done;
        }
        zhashx_insert(peer_groups, pg, g->key);
    }
    rc = 0;
done:
    zhashx_destroy(&peer_groups);
    return rc;
}

/* A redundant next hop is an IP next hop of the interface's own family. */
static int check_rnh(struct vctx *v, struct cfg_node *svc, struct cfg_node *iface, const char *word)
{
    struct cfg_node *rnh = cfg_child(iface, word);
    const char *ip = cfg_get(rnh, "ip");
    if (!ip)
        return 0;
    int family = ip_family(ip);
    bool has = family == AF_INET ? cfg_leaf(iface, "address", "address") != NULL
                                 : cfg_child(cfg_child(iface, "ipv6"), "address") != NULL;
    if (!has)
        FAIL(v, rnh, ip, "%s %s interface \"%s\": %s %s is %s but the interface has no %s address",
             svc->sc->word, svc->key, iface->key, word, ip, family_name(family),
             family_name(family));
    return 0;
}

int rule_multi_chassis(struct vctx *v)
{
    zhashx_t *mc_groups = zhashx_new(); /* tunnel group -> the peer whose mc-ipsec has it */
    int rc = 0;
    cfg_each(peer, cfg_child(cfg_child(v->tree->root, "redundancy"), "multi-chassis"), "peer")
        if ((rc = check_peer(v, peer, mc_groups)) != 0)
            break;
    zhashx_destroy(&mc_groups);
    if (rc)
        return rc;
    struct cfg_node *service = cfg_child(v->tree->root, "service");
    for (struct cfg_node *s = service ? service->child : NULL; s; s = s->next)
        cfg_each(iface, s, "interface") {
            if (check_rnh(v, s, iface, "static-tunnel-redundant-next-hop") ||
                check_rnh(v, s, iface, "dynamic-tunnel-redundant-next-hop"))
                return -1;
        }
    return 0;
}

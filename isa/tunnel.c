/* The ISA's tunnel table: built from the GRE/IP-IP and IPsec tunnels cpm
 * placed on this ISA, found by their private interface (packets to
 * encapsulate) or by their public endpoints (packets to decapsulate).
 * Counters, reassembly state and unchanged SAs of a tunnel carry over a
 * configuration change by name. Drops are counted here and reported to
 * cpm's event log, rate-limited. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "isa.h"
#include "key.h"
#include "log.h"

#define EVENT_INTERVAL_MS 10000
#define EVENT_DROP_BASE 2100   /* event ids: 2100 + the drop reason */

const char *tunnel_drop_name(enum tunnel_drop d)
{
    static const char *const names[] = {
#define X(id, name) name,
        TUNNEL_DROPS(X)
#undef X
    };
    return (unsigned)d < TD_MAX ? names[d] : "?";
}

void tunnel_event(struct isa *isa, unsigned severity, unsigned event_id, const char *subject,
                  const char *text)
{
    Srlab__CardEvent ev = SRLAB__CARD_EVENT__INIT;
    ev.application = "IPSEC";
    ev.event_id = event_id;
    ev.severity = severity;
    ev.subject = (char *)subject;
    ev.text = (char *)text;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CARD_EVENT;
    env.card_event = &ev;
    if (isa->card)
        card_send(isa->card, &env);
}

/* Reports the drops of one reason counted since the last report. */
static void report_drops(struct isa *isa, struct isa_tunnel *t, enum tunnel_drop d, uint64_t now)
{
    uint64_t n = t->drops[d] - t->told->count[d];
    if (!n)
        return;
    char text[200];
    snprintf(text, sizeof text, "%s tunnel \"%s\" on ISA %u/%u dropped %lu packet%s: %s",
             t->ipsec ? "IPsec" : t->gre ? "GRE" : "IP-IP", t->name, isa->slot, isa->mda,
             (unsigned long)n, n == 1 ? "" : "s", tunnel_drop_name(d));
    log_warn("tunnel_drop", "tunnel=%s reason=%s count=%lu", log_q(t->name), tunnel_drop_name(d),
             (unsigned long)n);
    tunnel_event(isa, d == TD_DOWN ? 2 : 3, EVENT_DROP_BASE + d, t->name, text);
    t->told->count[d] = t->drops[d];
    t->told->ms[d] = now;
}

void tunnel_drop(struct isa *isa, struct isa_tunnel *t, enum tunnel_drop d)
{
    t->drops[d]++;
    if (!t->told && !(t->told = calloc(1, sizeof *t->told)))
        return;
    uint64_t now = (uint64_t)zclock_mono();
    if (!t->told->ms[d] || now - t->told->ms[d] >= EVENT_INTERVAL_MS)
        report_drops(isa, t, d, now);
    else
        t->told->pending = true;
}

struct isa_tunnel *tunnel_by_private(struct isa *isa, uint32_t svc, const char *interface,
                                     const char *tunnel, const uint8_t *pkt, size_t len)
{
    if (!isa->by_private)
        return NULL;
    char k[KEY_PRIVATE_LEN];
    key_private(k, svc, interface, tunnel);
    struct isa_tunnel *t = zhashx_lookup(isa->by_private, k);
    if (t || (tunnel && tunnel[0]))
        return t;
    /* no route named a tunnel (a connected subnet): the interface's
     * IPsec tunnel whose security policy covers the packet */
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *c = isa->tunnels[i];
        if (c->ipsec && c->svc == svc && strcmp(c->ifname, interface) == 0 && len >= 1 &&
            ipsec_policy_allows(c, pkt, len, false))
            return c;
    }
    return NULL;
}

struct isa_tunnel *tunnel_by_public(struct isa *isa, int family, const uint8_t *local,
                                    const uint8_t *remote, uint8_t proto)
{
    char k[KEY_ADDRS_LEN];
    key_addrs(k, family, local, remote, proto);
    return isa->by_public ? zhashx_lookup(isa->by_public, k) : NULL;
}

static struct isa_tunnel *find_old(struct isa *isa, const char *name, bool ipsec)
{
    for (size_t i = 0; i < isa->n_tunnels; i++)
        if (strcmp(isa->tunnels[i]->name, name) == 0 && isa->tunnels[i]->ipsec == ipsec)
            return isa->tunnels[i];
    return NULL;
}

static void index_public(struct isa *isa, struct isa_tunnel *t, bool add)
{
    /* GRE is protocol 47; IP-IP carries IPv4 (4) or IPv6 (41); IPsec is
     * ESP (50), or ESP and keepalives in UDP (17) */
    static const uint8_t gre[] = { IPPROTO_GRE_ }, ipip[] = { IPPROTO_IPIP_, IPPROTO_IPV6_ },
                         esp[] = { IPPROTO_ESP_, IPPROTO_UDP_ };
    const uint8_t *protos = t->ipsec ? esp : t->gre ? gre : ipip;
    size_t n = t->gre && !t->ipsec ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        char k[KEY_ADDRS_LEN];
        key_addrs(k, t->family, t->src, t->remote, protos[i]);
        if (add)
            zhashx_update(isa->by_public, k, t);
        else if (zhashx_lookup(isa->by_public, k) == t)
            zhashx_delete(isa->by_public, k);
    }
}

static void set_private_addresses(struct isa_tunnel *t, char **addrs, size_t n)
{
    t->has_priv4 = t->has_priv6 = false;
    for (size_t a = 0; a < n; a++) {
        int f, len;
        uint8_t addr[16];
        if (!prefix_parse(addrs[a], &f, addr, &len))
            continue;
        if (f == AF_INET && !t->has_priv4) {
            memcpy(t->priv4, addr, 4);
            t->has_priv4 = true;
        } else if (f == AF_INET6 && !t->has_priv6) {
            memcpy(t->priv6, addr, 16);
            t->has_priv6 = true;
        }
    }
}

static void set_reassembly(struct isa_tunnel *t, unsigned ms)
{
    if (ms != t->reasm_ms || (ms && !t->reasm)) {
        reasm_free(&t->reasm);
        t->reasm_ms = ms;
        if (ms) /* per tunnel: 1 MB, 64 datagrams */
            t->reasm = reasm_new(1u << 20, 64, ms);
    }
}

static bool set_endpoints(struct isa_tunnel *t, const char *src, const char *remote)
{
    t->family = strchr(src, ':') ? AF_INET6 : AF_INET;
    return inet_pton(t->family, src, t->src) == 1 && inet_pton(t->family, remote, t->remote) == 1;
}

static struct isa_tunnel *apply_ip_tunnel(struct isa *isa, const Srlab__IpTunnelConfig *c)
{
    struct isa_tunnel *t = find_old(isa, c->name, false);
    if (!t) {
        t = calloc(1, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", c->name);
    }
    t->group = c->tunnel_group;
    t->svc = c->svc;
    t->delivery_svc = c->delivery_svc;
    snprintf(t->ifname, sizeof t->ifname, "%s", c->interface);
    snprintf(t->pub_ifname, sizeof t->pub_ifname, "%s", c->public_interface);
    t->gre = c->gre;
    t->keys = c->has_keys;
    t->send_key = c->send_key;
    t->recv_key = c->receive_key;
    bool ok = set_endpoints(t, c->source, c->remote);
    t->dscp = c->dscp;
    t->ip_mtu = c->ip_mtu;
    t->encap_mtu = c->encap_mtu;
    t->clear_df = c->clear_df;
    set_reassembly(t, c->reassembly_ms);
    t->ptb_count = c->ptb_count;
    t->ptb_interval = c->ptb_interval;
    t->oper_up = c->oper_up && ok;
    set_private_addresses(t, c->private_addresses, c->n_private_addresses);
    return t;
}

static struct isa_tunnel *apply_ipsec_tunnel(struct isa *isa, const Srlab__IpsecTunnelConfig *c)
{
    struct isa_tunnel *t = find_old(isa, c->name, true);
    if (t && t->gw)
        t = NULL; /* a gateway's dynamic tunnel of that name is not this one */
    if (!t) {
        t = calloc(1, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", c->name);
        t->ipsec = true;
    }
    t->group = c->tunnel_group;
    t->svc = c->svc;
    t->delivery_svc = c->delivery_svc;
    snprintf(t->ifname, sizeof t->ifname, "%s", c->interface);
    snprintf(t->pub_ifname, sizeof t->pub_ifname, "%s", c->public_interface);
    bool ok = set_endpoints(t, c->local_gateway, c->peer);
    t->dscp = -1; /* the chapter: the payload's DSCP, translated to the outer header */
    t->ip_mtu = c->ip_mtu;
    t->encap_mtu = c->encap_mtu;
    t->clear_df = c->clear_df;
    set_reassembly(t, c->reassembly_ms);
    t->ptb_count = c->ptb_count;
    t->ptb_interval = c->ptb_interval;
    ipsec_apply(t, c);
    bool was_up = t->oper_up;
    t->oper_up = c->oper_up && ok;
    set_private_addresses(t, c->private_addresses, c->n_private_addresses);
    if (c->dynamic) {
        if (!t->ike_pol)
            t->ike_pol = calloc(1, sizeof *t->ike_pol);
        ike_policy_from_config(t->ike_pol, c->ike_policy, c->transforms, c->n_transforms, &c->psk,
                               c->local_id_type, c->local_id);
    }
    /* down, or no longer keyed by IKE: its IKE SA goes (with a delete) */
    if (t->ike_sa && ((was_up && !t->oper_up) || !c->dynamic)) {
        ike_send_delete(isa, t->ike_sa);
        ike_sa_kill(isa, t->ike_sa, t->oper_up ? "keying-changed" : "tunnel-down");
    }
    if (!c->dynamic) {
        free(t->ike_pol);
        t->ike_pol = NULL;
    }
    return t;
}

void tunnel_index_private(struct isa *isa, struct isa_tunnel *t, bool add)
{
    char k[KEY_PRIVATE_LEN];
    key_private(k, t->svc, t->ifname, t->ipsec ? t->name : "");
    if (!isa->by_private)
        return;
    if (add)
        zhashx_update(isa->by_private, k, t);
    else if (zhashx_lookup(isa->by_private, k) == t)
        zhashx_delete(isa->by_private, k);
}

static void tunnel_free(struct isa *isa, struct isa_tunnel *t)
{
    mc_tunnel_freed(isa, t);
    reasm_free(&t->reasm);
    ipsec_free(t);
    free(t->sas);
    free(t->policy);
    free(t->ike_pol);
    free(t->told);
    free(t->rr);
    free(t);
}

static void initiate(struct isa *isa);

void tunnels_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    for (size_t i = 0; i < isa->n_tunnels; i++)
        isa->tunnels[i]->seen = false;
    size_t total = cfg->n_ip_tunnels + cfg->n_ipsec_tunnels + isa->n_tunnels;
    struct isa_tunnel **next = calloc(total ? total : 1, sizeof *next);
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_ip_tunnels; i++)
        next[n++] = apply_ip_tunnel(isa, cfg->ip_tunnels[i]);
    for (size_t i = 0; i < cfg->n_ipsec_tunnels; i++)
        next[n++] = apply_ipsec_tunnel(isa, cfg->ipsec_tunnels[i]);
    /* gateways' dynamic tunnels are not configuration: they stay with their gateway */
    for (size_t i = 0; i < isa->n_tunnels; i++)
        if (isa->tunnels[i]->gw && !isa->tunnels[i]->dead)
            next[n++] = isa->tunnels[i];
    for (size_t i = 0; i < n; i++)
        next[i]->seen = true;
    ike_drop_unseen_tunnels(isa);
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (t->seen)
            continue;
        if (t->ike_sa) {
            ike_send_delete(isa, t->ike_sa); /* not from a standby's passive SA: ike_send */
            ike_sa_kill(isa, t->ike_sa, "tunnel-removed");
        }
        log_info("tunnel_removed", "name=%s", log_q(t->name));
        tunnel_free(isa, t);
    }
    free(isa->tunnels);
    isa->tunnels = next;
    isa->n_tunnels = n;
    zhashx_destroy(&isa->by_private);
    zhashx_destroy(&isa->by_public);
    isa->by_private = zhashx_new();
    isa->by_public = zhashx_new();
    isa->auto_tunnels = 0;
    for (size_t i = 0; i < n; i++) {
        isa->auto_tunnels += next[i]->dynamic && next[i]->auto_establish && !next[i]->gw;
        char k[KEY_PRIVATE_LEN];
        key_private(k, next[i]->svc, next[i]->ifname, next[i]->ipsec ? next[i]->name : "");
        zhashx_update(isa->by_private, k, next[i]);
        if (!next[i]->gw) /* a gateway's tunnels are found by SPI, many share one peer */
            index_public(isa, next[i], true);
        log_info("tunnel", "name=%s kind=%s oper=%s", log_q(next[i]->name),
                 next[i]->ipsec ? "ipsec" : next[i]->gre ? "gre" : "ip-ip",
                 next[i]->oper_up ? "up" : "down");
    }
    /* tunnels that came with this configuration (a failover) start their
     * IKE now, not at the next tick */
    initiate(isa);
}

void tunnels_free(struct isa *isa)
{
    for (size_t i = 0; i < isa->n_tunnels; i++)
        tunnel_free(isa, isa->tunnels[i]);
    free(isa->tunnels);
    isa->tunnels = NULL;
    isa->n_tunnels = 0;
    zhashx_destroy(&isa->by_private);
    zhashx_destroy(&isa->by_public);
}

static int on_initiate_slice(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct isa *isa = arg;
    isa->initiating = false;
    initiate(isa);
    isa_flush(isa);
    return 0;
}

/* IKE initiations due: a slice now, the rest in further slices with the
 * loop's other work (packets, heartbeats) in between. */
static void initiate(struct isa *isa)
{
    if (!isa->initiating && ike_initiate_due(isa, (uint64_t)zclock_mono()) && isa->loop)
        isa->initiating = zloop_timer(isa->loop, 1, 1, on_initiate_slice, isa) >= 0;
}

void tunnels_tick(struct isa *isa, uint64_t now_ms)
{
    ike_tick(isa, now_ms);
    initiate(isa);
    /* dynamic tunnels whose IKE SA went */
    for (size_t i = 0; isa->dead_tunnels && i < isa->n_tunnels;) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (!t->dead) {
            i++;
            continue;
        }
        isa->tunnels[i] = isa->tunnels[--isa->n_tunnels];
        if (isa->by_public)
            index_public(isa, t, false);
        tunnel_free(isa, t);
    }
    isa->dead_tunnels = 0;
    /* timers of a slice of the tunnels: reassembly, drop events held back,
     * SA lifetimes, NAT keepalives */
    for (size_t budget = tick_slice(isa->n_tunnels); budget; budget--) {
        if (isa->tick_cursor >= isa->n_tunnels)
            isa->tick_cursor = 0;
        struct isa_tunnel *t = isa->tunnels[isa->tick_cursor++];
        if (t->reasm) {
            uint64_t n = reasm_expire(t->reasm, now_ms, NULL, NULL);
            for (uint64_t k = 0; k < n; k++)
                tunnel_drop(isa, t, TD_REASM_TIMEOUT);
        }
        /* what was held back by the rate limit */
        if (t->told && t->told->pending) {
            t->told->pending = false;
            for (int d = 0; d < TD_MAX; d++) {
                if (t->drops[d] == t->told->count[d])
                    continue;
                if (now_ms - t->told->ms[d] >= EVENT_INTERVAL_MS)
                    report_drops(isa, t, d, now_ms);
                else
                    t->told->pending = true;
            }
        }
        if (t->ipsec)
            ipsec_tick(isa, t, now_ms);
    }
}

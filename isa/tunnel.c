/* The ISA's tunnel table: built from the tunnels cpm placed on this ISA,
 * found by their private interface (packets to encapsulate) or by their
 * public endpoints (packets to decapsulate). Counters and reassembly state
 * of a tunnel carry over a configuration change by name. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"
#include "log.h"

const char *tunnel_drop_name(enum tunnel_drop d)
{
    static const char *const names[] = {
#define X(id, name) name,
        TUNNEL_DROPS(X)
#undef X
    };
    return (unsigned)d < TD_MAX ? names[d] : "?";
}

static void private_key(char *k, size_t len, uint32_t svc, const char *interface)
{
    snprintf(k, len, "%u|%s", svc, interface);
}

static void public_key(char *k, size_t len, int family, const uint8_t *local,
                       const uint8_t *remote, uint8_t proto)
{
    char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
    inet_ntop(family, local, l, sizeof l);
    inet_ntop(family, remote, r, sizeof r);
    snprintf(k, len, "%s|%s|%u", l, r, proto);
}

struct isa_tunnel *tunnel_by_private(struct isa *isa, uint32_t svc, const char *interface)
{
    char k[96];
    private_key(k, sizeof k, svc, interface);
    return isa->by_private ? zhashx_lookup(isa->by_private, k) : NULL;
}

struct isa_tunnel *tunnel_by_public(struct isa *isa, int family, const uint8_t *local,
                                    const uint8_t *remote, uint8_t proto)
{
    char k[128];
    public_key(k, sizeof k, family, local, remote, proto);
    return isa->by_public ? zhashx_lookup(isa->by_public, k) : NULL;
}

static struct isa_tunnel *find_old(struct isa *isa, const char *name)
{
    for (size_t i = 0; i < isa->n_tunnels; i++)
        if (strcmp(isa->tunnels[i]->name, name) == 0)
            return isa->tunnels[i];
    return NULL;
}

static void index_public(struct isa *isa, struct isa_tunnel *t)
{
    /* GRE is protocol 47; IP-IP carries IPv4 (4) or IPv6 (41) */
    const uint8_t protos[] = { IPPROTO_GRE_, IPPROTO_IPIP_, IPPROTO_IPV6_ };
    for (size_t i = t->gre ? 0 : 1; i < (t->gre ? 1u : 3u); i++) {
        char k[128];
        public_key(k, sizeof k, t->family, t->src, t->remote, protos[i]);
        zhashx_update(isa->by_public, k, t);
    }
}

void tunnels_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    for (size_t i = 0; i < isa->n_tunnels; i++)
        isa->tunnels[i]->seen = false;
    struct isa_tunnel **next = calloc(cfg->n_ip_tunnels ? cfg->n_ip_tunnels : 1, sizeof *next);
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_ip_tunnels; i++) {
        const Srlab__IpTunnelConfig *c = cfg->ip_tunnels[i];
        struct isa_tunnel *t = find_old(isa, c->name);
        if (!t) {
            t = calloc(1, sizeof *t);
            snprintf(t->name, sizeof t->name, "%s", c->name);
        }
        t->seen = true;
        t->group = c->tunnel_group;
        t->svc = c->svc;
        t->delivery_svc = c->delivery_svc;
        snprintf(t->ifname, sizeof t->ifname, "%s", c->interface);
        snprintf(t->pub_ifname, sizeof t->pub_ifname, "%s", c->public_interface);
        t->gre = c->gre;
        t->keys = c->has_keys;
        t->send_key = c->send_key;
        t->recv_key = c->receive_key;
        t->family = strchr(c->source, ':') ? AF_INET6 : AF_INET;
        bool ok = inet_pton(t->family, c->source, t->src) == 1 &&
                  inet_pton(t->family, c->remote, t->remote) == 1;
        t->dscp = c->dscp;
        t->ip_mtu = c->ip_mtu;
        t->encap_mtu = c->encap_mtu;
        t->clear_df = c->clear_df;
        if (c->reassembly_ms != t->reasm_ms || (c->reassembly_ms && !t->reasm)) {
            reasm_free(&t->reasm);
            t->reasm_ms = c->reassembly_ms;
            if (t->reasm_ms) /* per tunnel: 1 MB, 64 datagrams */
                t->reasm = reasm_new(1u << 20, 64, t->reasm_ms);
        }
        t->ptb_count = c->ptb_count;
        t->ptb_interval = c->ptb_interval;
        t->oper_up = c->oper_up && ok;
        t->has_priv4 = t->has_priv6 = false;
        for (size_t a = 0; a < c->n_private_addresses; a++) {
            int f, len;
            uint8_t addr[16];
            if (!prefix_parse(c->private_addresses[a], &f, addr, &len))
                continue;
            if (f == AF_INET && !t->has_priv4) {
                memcpy(t->priv4, addr, 4);
                t->has_priv4 = true;
            } else if (f == AF_INET6 && !t->has_priv6) {
                memcpy(t->priv6, addr, 16);
                t->has_priv6 = true;
            }
        }
        next[n++] = t;
    }
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        if (!isa->tunnels[i]->seen) {
            log_info("tunnel_removed", "name=%s", log_q(isa->tunnels[i]->name));
            reasm_free(&isa->tunnels[i]->reasm);
            free(isa->tunnels[i]);
        }
    }
    free(isa->tunnels);
    isa->tunnels = next;
    isa->n_tunnels = n;
    zhashx_destroy(&isa->by_private);
    zhashx_destroy(&isa->by_public);
    isa->by_private = zhashx_new();
    isa->by_public = zhashx_new();
    for (size_t i = 0; i < n; i++) {
        char k[96];
        private_key(k, sizeof k, next[i]->svc, next[i]->ifname);
        zhashx_update(isa->by_private, k, next[i]);
        index_public(isa, next[i]);
        log_info("tunnel", "name=%s kind=%s oper=%s", log_q(next[i]->name),
                 next[i]->gre ? "gre" : "ip-ip", next[i]->oper_up ? "up" : "down");
    }
}

void tunnels_free(struct isa *isa)
{
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        reasm_free(&isa->tunnels[i]->reasm);
        free(isa->tunnels[i]);
    }
    free(isa->tunnels);
    isa->tunnels = NULL;
    isa->n_tunnels = 0;
    zhashx_destroy(&isa->by_private);
    zhashx_destroy(&isa->by_public);
}

void tunnels_expire(struct isa *isa, uint64_t now_ms)
{
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (t->reasm)
            t->drops[TD_REASM_TIMEOUT] += reasm_expire(t->reasm, now_ms, NULL, NULL);
    }
}

/* Static IPsec tunnels on the ISA (ipsec-tunnel with manual-keying): the
 * security policy that says what a tunnel carries, the manually keyed SAs
 * installed in the ESP engine (esp.c), raw ESP (IP protocol 50) or RFC 3948
 * UDP encapsulation with NAT keepalives. The MTU rules and outer headers
 * are shared with GRE (encap.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <stdlib.h>

#include "ike.h"
#include "isa.h"
#include "log.h"

/* ---- security policy ---------------------------------------------------------------- */

static bool in_net(const uint8_t *addr, const uint8_t *net, int len)
{
    for (int b = 0; b < len; b++)
        if (((addr[b / 8] ^ net[b / 8]) >> (7 - b % 8)) & 1)
            return false;
    return true;
}

bool ipsec_policy_allows(const struct isa_tunnel *t, const uint8_t *pkt, size_t len, bool inbound)
{
    if (t->dynamic) /* keyed by IKE: what its CHILD SAs negotiated */
        return ike_ts_allows(t->ike_sa, pkt, len, inbound);
    int family = (pkt[0] >> 4) == 6 ? AF_INET6 : AF_INET;
    if (len < (family == AF_INET ? 20u : 40u))
        return false;
    const uint8_t *src = pkt + (family == AF_INET ? 12 : 8), *dst = pkt + (family == AF_INET ? 16 : 24);
    /* outbound: local -> remote; inbound the other way round */
    const uint8_t *local = inbound ? dst : src, *remote = inbound ? src : dst;
    for (size_t i = 0; i < t->n_policy; i++) {
        const struct policy_entry *e = &t->policy[i];
        if (e->family == family && (e->local_any || in_net(local, e->local, e->local_len)) &&
            (e->remote_any || in_net(remote, e->remote, e->remote_len)))
            return true;
    }
    return false;
}

static bool policy_side(const char *text, int family, bool *any, uint8_t *addr, int *len)
{
    if (strcmp(text, "any") == 0 || strcmp(text, "any6") == 0) {
        *any = true;
        return true;
    }
    int f;
    *any = false;
    return prefix_parse(text, &f, addr, len) && f == family;
}

/* ---- configuration ------------------------------------------------------------------ */

static bool same_sa(const struct isa_sa *s, const Srlab__EspSaConfig *c)
{
    return s->esp && s->id == c->id && s->spi == c->spi && s->inbound == c->inbound &&
           strcmp(s->encryption, c->encryption) == 0 && strcmp(s->auth, c->auth) == 0 &&
           s->ekey_len == c->encryption_key.len && s->akey_len == c->auth_key.len &&
           memcmp(s->ekey, c->encryption_key.data, s->ekey_len) == 0 &&
           memcmp(s->akey, c->auth_key.data, s->akey_len) == 0;
}

/* The outbound SA in use: the newest one not held. When only held ones are
 * left (the SA they were held behind is gone), the newest of them. */
void tunnel_sas_changed(struct isa_tunnel *t)
{
    struct isa_sa *newest[2] = { NULL, NULL }; /* [held] */
    size_t n_held = 0;
    for (size_t i = 0; i < t->n_sas; i++) {
        struct isa_sa *s = &t->sas[i];
        if (s->inbound || !s->esp)
            continue;
        n_held += s->held;
        if (!newest[s->held] || s->id > newest[s->held]->id)
            newest[s->held] = s;
    }
    if (!newest[0] && newest[1]) {
        newest[1]->held = false;
        newest[0] = newest[1];
        n_held--;
    }
    t->out_sa = newest[0];
    t->any_held = n_held > 0;
}

/* RFC 7296 2.8: the responder of a CHILD SA rekey may see its first packet
 * on the new SA reach the initiator before the initiator has installed it
 * (our response and that packet race inside the peer). So the new outbound
 * SA waits until traffic arrives on its inbound twin, or the old SA is
 * deleted; meanwhile the old one carries on. */
void tunnel_sa_hold(struct isa_tunnel *t, uint32_t out_id)
{
    for (size_t i = 0; i < t->n_sas; i++)
        if (!t->sas[i].inbound && t->sas[i].id == out_id)
            t->sas[i].held = true;
    tunnel_sas_changed(t);
}

/* traffic on an inbound SA: its outbound twin, and any older held one, goes into use */
void tunnel_sa_used(struct isa_tunnel *t, const struct isa_sa *in)
{
    uint32_t out_id = in->id + 1;
    bool released = false;
    for (size_t i = 0; i < t->n_sas; i++)
        if (t->sas[i].held && t->sas[i].id <= out_id) {
            t->sas[i].held = false;
            released = true;
        }
    if (released)
        tunnel_sas_changed(t);
}

struct isa_sa *tunnel_sa_add(struct isa_tunnel *t, uint32_t id, uint32_t spi, bool inbound,
                             struct esp_sa *esp, const char *encryption, const char *auth,
                             const uint8_t *ekey, size_t ekey_len, const uint8_t *akey,
                             size_t akey_len)
{
    struct isa_sa *n = realloc(t->sas, (t->n_sas + 1) * sizeof *n);
    if (!n)
        return NULL;
    t->sas = n;
    struct isa_sa *s = &t->sas[t->n_sas++];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->spi = spi;
    s->inbound = inbound;
    s->esp = esp;
    snprintf(s->encryption, sizeof s->encryption, "%s", encryption);
    snprintf(s->auth, sizeof s->auth, "%s", auth);
    s->ekey_len = ekey_len <= sizeof s->ekey ? ekey_len : 0;
    s->akey_len = akey_len <= sizeof s->akey ? akey_len : 0;
    memcpy(s->ekey, ekey, s->ekey_len);
    memcpy(s->akey, akey, s->akey_len);
    tunnel_sas_changed(t);
    return s;
}

void tunnel_sa_remove(struct isa_tunnel *t, uint32_t spi, bool inbound)
{
    for (size_t i = 0; i < t->n_sas; i++) {
        if (t->sas[i].spi != spi || t->sas[i].inbound != inbound)
            continue;
        esp_sa_destroy(&t->sas[i].esp);
        OPENSSL_cleanse(&t->sas[i], sizeof t->sas[i]);
        t->sas[i] = t->sas[--t->n_sas];
        break;
    }
    tunnel_sas_changed(t);
}

/* Installs the tunnel's manual SAs; an SA whose keys did not change keeps
 * its sequence numbers, replay window and counters. */
void ipsec_apply(struct isa_tunnel *t, const Srlab__IpsecTunnelConfig *c)
{
    if (c->dynamic != t->dynamic)
        ipsec_free(t); /* manual SAs out, or IKE's */
    t->dynamic = c->dynamic;
    t->auto_establish = c->auto_establish;
    t->replay_window = c->replay_window;
    if (!c->dynamic) {
        struct isa_sa *next = calloc(c->n_sas ? c->n_sas : 1, sizeof *next);
        size_t n = 0;
        for (size_t i = 0; i < c->n_sas && n < TUNNEL_MAX_SAS; i++) {
            const Srlab__EspSaConfig *sc = c->sas[i];
            struct isa_sa *s = &next[n];
            for (size_t k = 0; k < t->n_sas; k++)
                if (same_sa(&t->sas[k], sc)) {
                    *s = t->sas[k];
                    t->sas[k].esp = NULL; /* moved */
                    break;
                }
            if (!s->esp) {
                s->id = sc->id;
                s->spi = sc->spi;
                s->inbound = sc->inbound;
                snprintf(s->encryption, sizeof s->encryption, "%s", sc->encryption);
                snprintf(s->auth, sizeof s->auth, "%s", sc->auth);
                s->ekey_len = sc->encryption_key.len < sizeof s->ekey ? sc->encryption_key.len : 0;
                s->akey_len = sc->auth_key.len < sizeof s->akey ? sc->auth_key.len : 0;
                memcpy(s->ekey, sc->encryption_key.data, s->ekey_len);
                memcpy(s->akey, sc->auth_key.data, s->akey_len);
                struct esp_sa_params p = {
                    .spi = s->spi, .inbound = s->inbound, .enc_key = s->ekey,
                    .enc_key_len = s->ekey_len, .auth_key = s->akey, .auth_key_len = s->akey_len,
                    .replay_window = s->inbound ? c->replay_window : 0,
                };
                char err[160];
                if (esp_transform_parse(s->encryption, s->auth, &p.tf, err, sizeof err) == 0)
                    s->esp = esp_sa_new(&p, err, sizeof err);
                if (!s->esp) {
                    log_warn("sa_refused", "tunnel=%s sa=%u spi=%u reason=%s", log_q(c->name), s->id,
                             s->spi, log_q(err));
                    continue;
                }
                log_info("sa_installed", "tunnel=%s sa=%u direction=%s spi=%u transform=%s/%s",
                         log_q(c->name), s->id, s->inbound ? "inbound" : "outbound", s->spi,
                         s->encryption, s->auth);
            }
            n++;
        }
        ipsec_free(t);
        free(t->sas);
        t->sas = next;
        t->n_sas = n;
        tunnel_sas_changed(t);
    }
    free(t->policy);
    t->policy = calloc(c->n_policy ? c->n_policy : 1, sizeof *t->policy);
    t->n_policy = 0;
    for (size_t i = 0; i < c->n_policy && t->n_policy < TUNNEL_MAX_POLICY; i++) {
        const Srlab__PolicyEntry *pe = c->policy[i];
        struct policy_entry *e = &t->policy[t->n_policy];
        bool v6 = strchr(pe->local, ':') || strchr(pe->remote, ':') || strcmp(pe->local, "any6") == 0;
        e->family = v6 ? AF_INET6 : AF_INET;
        if (policy_side(pe->local, e->family, &e->local_any, e->local, &e->local_len) &&
            policy_side(pe->remote, e->family, &e->remote_any, e->remote, &e->remote_len))
            t->n_policy++;
    }
    t->udp_encap = c->udp_encap;
    t->udp_port = (uint16_t)(c->udp_port ? c->udp_port : 4500);
    if (!t->dynamic)
        t->udp_rport = t->udp_port;
    unsigned ka = c->udp_encap ? c->keepalive_s : 0;
    if (ka != t->keepalive_s)
        t->next_keepalive_ms = 0; /* a new interval starts now */
    t->keepalive_s = ka;
}

void ipsec_free(struct isa_tunnel *t)
{
    for (size_t i = 0; i < t->n_sas; i++)
        esp_sa_destroy(&t->sas[i].esp);
    t->n_sas = 0;
    t->out_sa = NULL;
}

/* ---- ESP ------------------------------------------------------------------------------ */

static enum tunnel_drop drop_of(enum esp_result r)
{
    switch (r) {
    case ESP_SHORT:
        return TD_ESP_SHORT;
    case ESP_ALIGN:
        return TD_ESP_ALIGN;
    case ESP_REPLAY:
        return TD_ESP_REPLAY;
    case ESP_TOO_OLD:
        return TD_ESP_OLD;
    case ESP_ICV:
        return TD_ESP_ICV;
    case ESP_PAD:
        return TD_ESP_PAD;
    case ESP_NEXT_HEADER:
        return TD_ESP_NH;
    case ESP_DUMMY:
        return TD_ESP_DUMMY;
    case ESP_SEQ_EXHAUSTED:
        return TD_ESP_SEQ;
    case ESP_EXPIRED:
        return TD_ESP_EXPIRED;
    case ESP_NO_SPACE:
        return TD_FRAG_FAIL;
    default:
        return TD_ESP_DECRYPT;
    }
}

void ipsec_encap_one(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *in,
                     size_t len, uint8_t dscp)
{
    if (!t->out_sa) {
        tunnel_drop(isa, t, TD_ESP_NO_SA);
        return;
    }
    uint8_t buf[ISA_BUF];
    size_t out_len;
    uint8_t nh = (in[0] >> 4) == 6 ? IPPROTO_IPV6_ : IPPROTO_IPIP_;
    enum esp_result r = esp_encap(t->out_sa->esp, in, len, nh, buf + OUTER_ROOM,
                                  sizeof buf - OUTER_ROOM, &out_len);
    if (r != ESP_OK) {
        tunnel_drop(isa, t, drop_of(r));
        return;
    }
    t->encap_pkts++;
    t->encap_octets += len;
    tunnel_send_outer(isa, iom, t, buf, out_len, IPPROTO_ESP_, t->udp_encap, dscp);
}

void ipsec_esp_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *esp,
                     size_t len)
{
    if (!t->ipsec) {
        isa->no_tunnel_drops++;
        return;
    }
    if (isa->mc_standby && mc_group_standby(isa, t->group)) {
        isa->mc_standby_drops++;
        return;
    }
    if (len < 8) {
        tunnel_drop(isa, t, TD_ESP_SHORT);
        return;
    }
    uint32_t spi = rd32(esp);
    struct isa_sa *sa = NULL;
    for (size_t i = 0; i < t->n_sas && !sa; i++)
        if (t->sas[i].inbound && t->sas[i].spi == spi)
            sa = &t->sas[i];
    if (!sa) {
        tunnel_drop(isa, t, TD_ESP_SPI);
        return;
    }
    uint8_t buf[ISA_BUF];
    size_t plen;
    uint8_t nh;
    enum esp_result r = esp_decap(sa->esp, esp, len, buf, sizeof buf, &plen, &nh);
    if (r != ESP_OK) {
        tunnel_drop(isa, t, drop_of(r));
        return;
    }
    if (t->any_held)
        tunnel_sa_used(t, sa);
    if (plen < 1 || (nh == IPPROTO_IPV6_) != ((buf[0] >> 4) == 6)) {
        tunnel_drop(isa, t, TD_INNER);
        return;
    }
    tunnel_deliver(isa, iom, t, buf, plen);
}

/* RFC 3948: UDP port 4500 carries ESP (a non-zero SPI first), IKE (behind
 * the 4-byte non-ESP marker) and NAT keepalives (the single byte 0xFF). */
void ipsec_udp_input(struct isa *isa, unsigned iom, struct isa_tunnel *t, const uint8_t *udp,
                     size_t len)
{
    if (!t->ipsec) {
        isa->no_tunnel_drops++;
        return;
    }
    size_t ulen = len >= 8 ? rd16(udp + 4) : 0;
    if (len < 8 || ulen < 8 || ulen > len) {
        tunnel_drop(isa, t, TD_UDP_BAD);
        return;
    }
    uint16_t dport = rd16(udp + 2);
    const uint8_t *p = udp + 8;
    size_t plen = ulen - 8;
    if (dport == 500 || (plen >= 4 && rd32(p) == 0)) {
        if (!t->dynamic) {
            tunnel_drop(isa, t, TD_IKE); /* a manually keyed tunnel does not negotiate */
            return;
        }
        struct ike_path path = { .iom = iom, .family = t->family, .local_port = dport,
                                 .remote_port = rd16(udp), .delivery_svc = t->delivery_svc };
        memcpy(path.local, t->src, 16);
        memcpy(path.remote, t->remote, 16);
        snprintf(path.pub_ifname, sizeof path.pub_ifname, "%s", t->pub_ifname);
        size_t skip = dport == 500 ? 0 : 4; /* the non-ESP marker */
        ike_input(isa, &path, t, NULL, p + skip, plen - skip);
        return;
    }
    if (t->dynamic && dport != t->udp_port && dport == 4500)
        dport = t->udp_port; /* ESP in UDP follows IKE to 4500 */
    if (dport != t->udp_port) {
        tunnel_drop(isa, t, TD_UDP_BAD);
        return;
    }
    if (plen == 1 && p[0] == 0xff) {
        t->keepalives_rcvd++;
        return;
    }
    ipsec_esp_input(isa, iom, t, p, plen);
}

/* ---- timers ----------------------------------------------------------------------- */

static void send_keepalive(struct isa *isa, struct isa_tunnel *t)
{
    unsigned iom = t->last_iom;
    for (unsigned s = 1; s <= ISA_MAX_IOMS && (!iom || !isa->out[iom]); s++)
        iom = isa->out[s] ? s : 0;
    if (!iom)
        return;
    uint8_t buf[OUTER_ROOM + 1];
    buf[OUTER_ROOM] = 0xff;
    tunnel_send_outer(isa, iom, t, buf, 1, IPPROTO_UDP_, true, 0);
    t->keepalives_sent++;
}

void ipsec_tick(struct isa *isa, struct isa_tunnel *t, uint64_t now_ms)
{
    if (t->oper_up && t->keepalive_s) {
        if (!t->next_keepalive_ms || now_ms >= t->next_keepalive_ms) {
            if (t->next_keepalive_ms)
                send_keepalive(isa, t);
            t->next_keepalive_ms = now_ms + (uint64_t)t->keepalive_s * 1000;
        }
    }
    for (size_t i = 0; i < t->n_sas; i++) {
        int e = esp_sa_tick(t->sas[i].esp, now_ms);
        if (!e)
            continue;
        char text[160];
        snprintf(text, sizeof text, "tunnel \"%s\": %s SA %u (SPI 0x%08x) passed its %s lifetime",
                 t->name, t->sas[i].inbound ? "inbound" : "outbound", t->sas[i].id, t->sas[i].spi,
                 e == 2 ? "hard" : "soft");
        tunnel_event(isa, e == 2 ? 4 : 2, 2110, t->name, text);
    }
}

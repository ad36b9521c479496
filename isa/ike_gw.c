/* IPsec gateways (ipsec-gw) on the ISA: any peer with the gateway's
 * credentials gets a dynamic LAN-to-LAN tunnel into the default secure
 * service, with reverse routes from its CHILD SA's narrowed TSi (the
 * chapter: minimal covering subnets, the larger wins for the same tunnel,
 * a clash with another tunnel's route fails the CHILD SA); the ike-policy
 * conversion shared with static tunnels; and lockout of clients that keep
 * failing authentication (the chapter's lockout command). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "log.h"

struct ike_gw ***ike_engine_gws(struct isa *isa, size_t **n);
void **ike_engine_lockout(struct isa *isa);

/* ---- ike-policy from the configuration ------------------------------------------------ */

static bool ike_names(const Srlab__IkeTransformConfig *c, struct ike_transforms *t)
{
    static const struct { const char *name; uint16_t id, bits; } encs[] = {
        { "aes128", IKE_ENCR_AES_CBC, 128 },          { "aes192", IKE_ENCR_AES_CBC, 192 },
        { "aes256", IKE_ENCR_AES_CBC, 256 },          { "aes128-gcm8", IKE_ENCR_AES_GCM_8, 128 },
        { "aes128-gcm16", IKE_ENCR_AES_GCM_16, 128 }, { "aes256-gcm8", IKE_ENCR_AES_GCM_8, 256 },
        { "aes256-gcm16", IKE_ENCR_AES_GCM_16, 256 },
    };
    static const struct { const char *name; uint16_t integ, prf; } auths[] = {
        { "md5", IKE_INTEG_HMAC_MD5_96, IKE_PRF_HMAC_MD5 },
        { "sha1", IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1 },
        { "sha256", IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256 },
        { "sha384", IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384 },
        { "sha512", IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512 },
        { "aes-xcbc", IKE_INTEG_AES_XCBC_96, IKE_PRF_AES128_XCBC },
        { "auth-encryption", IKE_INTEG_NONE, 0 },
    };
    memset(t, 0, sizeof *t);
    bool e = false, a = false, p = false;
    for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++)
        if (strcmp(c->encryption, encs[i].name) == 0) {
            t->encr = encs[i].id;
            t->encr_bits = encs[i].bits;
            e = true;
        }
    for (size_t i = 0; i < sizeof auths / sizeof auths[0]; i++) {
        if (strcmp(c->auth, auths[i].name) == 0) {
            t->integ = auths[i].integ;
            a = true;
        }
        if (strcmp(c->prf, auths[i].name) == 0 && auths[i].prf) {
            t->prf = auths[i].prf;
            p = true;
        }
    }
    t->dh = (uint16_t)c->dh_group;
    char err[128];
    return e && a && p && ike_transforms_check(t, err, sizeof err) == 0;
}

static uint8_t id_type_of(const char *s)
{
    return strcmp(s, "ipv4") == 0 ? IKE_ID_IPV4_ADDR : strcmp(s, "ipv6") == 0 ? IKE_ID_IPV6_ADDR
           : strcmp(s, "fqdn") == 0 ? IKE_ID_FQDN : 0;
}

void ike_policy_from_config(struct ike_policy *pol, const Srlab__IkePolicyConfig *c,
                            Srlab__EspTransformConfig **esp, size_t n_esp, const ProtobufCBinaryData *psk,
                            const char *id_type, const char *id)
{
    memset(pol, 0, sizeof *pol);
    if (!c)
        return;
    pol->id = c->id;
    for (size_t i = 0; i < c->n_transforms && pol->n_ike < 4; i++)
        if (ike_names(c->transforms[i], &pol->ike[pol->n_ike])) {
            pol->ike_lifetime_s[pol->n_ike] = c->transforms[i]->lifetime_s;
            pol->n_ike++;
        }
    for (size_t i = 0; i < n_esp && pol->n_esp < 4; i++) {
        struct ike_esp_choice *e = &pol->esp[pol->n_esp];
        char err[160];
        if (esp_transform_parse(esp[i]->encryption, esp[i]->auth, &e->tf, err, sizeof err) != 0)
            continue;
        snprintf(e->encryption, sizeof e->encryption, "%s", esp[i]->encryption);
        snprintf(e->auth, sizeof e->auth, "%s", esp[i]->auth);
        e->lifetime_s = esp[i]->lifetime_s;
        e->pfs_group = (uint16_t)esp[i]->pfs_group;
        pol->n_esp++;
    }
    pol->ipsec_lifetime_s = c->ipsec_lifetime_s;
    pol->pfs = c->pfs;
    pol->pfs_group = (uint16_t)c->pfs_group;
    pol->dpd = c->dpd;
    pol->dpd_interval_s = c->dpd_interval_s ? c->dpd_interval_s : 30;
    pol->dpd_retries = c->dpd_retries ? c->dpd_retries : 3;
    pol->dpd_reply_only = c->dpd_reply_only;
    pol->nat_force = c->nat_force;
    pol->nat_keepalive_s = c->nat_keepalive_s;
    pol->lockout = c->lockout;
    pol->lockout_attempts = c->lockout_attempts;
    pol->lockout_duration_min = c->lockout_duration_min;
    pol->lockout_block_min = c->lockout_block_min;
    pol->lockout_max_ports = c->lockout_max_ports;
    pol->frag_mtu = c->frag_mtu;
    pol->frag_timeout_s = c->frag_timeout_s ? c->frag_timeout_s : 2;
    if (psk && psk->len <= sizeof pol->psk) {
        memcpy(pol->psk, psk->data, psk->len);
        pol->psk_len = psk->len;
    }
    pol->local_id_type = id_type ? id_type_of(id_type) : 0;
    if (pol->local_id_type == IKE_ID_FQDN) {
        pol->local_id_len = strlen(id) < sizeof pol->local_id ? strlen(id) : 0;
        memcpy(pol->local_id, id, pol->local_id_len);
    } else if (pol->local_id_type && id && id[0]) {
        int f = pol->local_id_type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6;
        if (inet_pton(f, id, pol->local_id) == 1)
            pol->local_id_len = f == AF_INET ? 4 : 16;
    }
    if (!pol->local_id_len)
        pol->local_id_type = 0; /* the local gateway address */
}

/* ---- gateways ------------------------------------------------------------------------------ */

static bool ts_entry(const Srlab__TsEntry *e, struct ike_sel *s)
{
    memset(s, 0, sizeof *s);
    int f, len;
    uint8_t a[16];
    if (!e->end[0]) { /* a prefix */
        if (!prefix_parse(e->start, &f, a, &len))
            return false;
        s->family = f;
        size_t n = f == AF_INET ? 4 : 16;
        memcpy(s->start, a, n);
        memcpy(s->end, a, n);
        for (int b = len; b < (int)n * 8; b++) {
            s->start[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
            s->end[b / 8] |= (uint8_t)(0x80 >> (b % 8));
        }
    } else {
        f = strchr(e->start, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(f, e->start, s->start) != 1 || inet_pton(f, e->end, s->end) != 1)
            return false;
        s->family = f;
    }
    s->proto = (uint8_t)e->protocol;
    if (e->opaque) {
        s->lo = 0xffff;
        s->hi = 0;
    } else {
        s->lo = (uint16_t)e->low_port;
        s->hi = (uint16_t)(e->high_port ? e->high_port : 65535);
        if (!e->protocol) {
            s->lo = 0;
            s->hi = 65535;
        }
    }
    return true;
}

struct ike_gw *ike_gw_by_local(struct isa *isa, int family, const uint8_t *local)
{
    size_t *n;
    struct ike_gw ***gws = isa->ike ? ike_engine_gws(isa, &n) : NULL;
    for (size_t i = 0; gws && i < *n; i++)
        if ((*gws)[i]->family == family && memcmp((*gws)[i]->local, local, family == AF_INET ? 4 : 16) == 0)
            return (*gws)[i];
    return NULL;
}

static void kill_gw_sas(struct isa *isa, struct ike_gw *gw)
{
    for (size_t i = 0; i < isa->n_tunnels; i++) {
        struct isa_tunnel *t = isa->tunnels[i];
        if (t->gw == gw && t->ike_sa) {
            ike_send_delete(isa, t->ike_sa); /* not from a standby's passive SA: ike_send */
            ike_sa_kill(isa, t->ike_sa, "gateway-removed");
        }
    }
}

void ike_gws_apply(struct isa *isa, const Srlab__CardConfig *cfg)
{
    size_t *n;
    struct ike_gw ***gws = ike_engine_gws(isa, &n);
    for (size_t i = 0; i < *n; i++)
        (*gws)[i]->seen = false;
    for (size_t i = 0; i < cfg->n_ipsec_gws; i++) {
        const Srlab__IpsecGwConfig *c = cfg->ipsec_gws[i];
        struct ike_gw *g = NULL;
        for (size_t k = 0; k < *n && !g; k++)
            if (strcmp((*gws)[k]->name, c->name) == 0)
                g = (*gws)[k];
        if (!g) {
            g = calloc(1, sizeof *g);
            snprintf(g->name, sizeof g->name, "%s", c->name);
            *gws = realloc(*gws, (*n + 1) * sizeof **gws);
            (*gws)[(*n)++] = g;
        }
        g->seen = true;
        g->group = c->tunnel_group;
        g->delivery_svc = c->delivery_svc;
        g->private_svc = c->private_svc;
        snprintf(g->pub_ifname, sizeof g->pub_ifname, "%s", c->public_interface);
        snprintf(g->private_ifname, sizeof g->private_ifname, "%s", c->private_interface);
        g->family = strchr(c->local_gateway, ':') ? AF_INET6 : AF_INET;
        bool ok = inet_pton(g->family, c->local_gateway, g->local) == 1;
        bool was_up = g->oper_up;
        g->oper_up = c->oper_up && ok;
        ike_policy_from_config(&g->pol, c->ike_policy, c->transforms, c->n_transforms, &c->psk,
                               c->local_id_type, c->local_id);
        g->ip_mtu = c->ip_mtu;
        g->encap_mtu = c->encap_mtu;
        g->clear_df = c->clear_df;
        g->replay_window = c->replay_window;
        g->reasm_ms = c->reassembly_ms;
        g->ptb_count = c->ptb_count;
        g->ptb_interval = c->ptb_interval;
        g->reverse_route = c->reverse_route;
        g->reverse_ignore_default = c->reverse_route_ignore_default;
        g->has_ts = c->has_ts_list;
        g->n_ts_local = g->n_ts_remote = 0;
        for (size_t k = 0; k < c->n_ts_local && g->n_ts_local < 32; k++)
            if (ts_entry(c->ts_local[k], &g->ts_local[g->n_ts_local]))
                g->n_ts_local++;
        for (size_t k = 0; k < c->n_ts_remote && g->n_ts_remote < 32; k++)
            if (ts_entry(c->ts_remote[k], &g->ts_remote[g->n_ts_remote]))
                g->n_ts_remote++;
        g->n_priv_addrs = 0;
        for (size_t k = 0; k < c->n_private_addresses && k < 4; k++)
            snprintf(g->priv_addrs[g->n_priv_addrs++], sizeof g->priv_addrs[0], "%s", c->private_addresses[k]);
        if (was_up && !g->oper_up)
            kill_gw_sas(isa, g);
        log_info("ipsec_gw", "name=%s oper=%s ike_transforms=%zu esp_transforms=%zu", log_q(g->name),
                 g->oper_up ? "up" : "down", g->pol.n_ike, g->pol.n_esp);
    }
    for (size_t i = 0; i < *n;) {
        struct ike_gw *g = (*gws)[i];
        if (g->seen) {
            i++;
            continue;
        }
        kill_gw_sas(isa, g);
        for (size_t k = 0; k < isa->n_tunnels; k++)
            if (isa->tunnels[k]->gw == g)
                isa->tunnels[k]->gw = NULL; /* freed at the next tick (dead) */
        free(g);
        (*gws)[i] = (*gws)[--(*n)];
    }
}

void ike_gws_free(struct isa *isa)
{
    size_t *n;
    struct ike_gw ***gws = ike_engine_gws(isa, &n);
    for (size_t i = 0; i < *n; i++)
        free((*gws)[i]);
    free(*gws);
    *gws = NULL;
    *n = 0;
}

/* ---- dynamic tunnels --------------------------------------------------------------------- */

void tunnel_index_private(struct isa *isa, struct isa_tunnel *t, bool add);

struct isa_tunnel *ike_gw_tunnel_new(struct isa *isa, struct ike_gw *gw, struct ike_sa *sa)
{
    struct isa_tunnel *t = calloc(1, sizeof *t);
    char peer[INET6_ADDRSTRLEN];
    inet_ntop(sa->path.family, sa->path.remote, peer, sizeof peer);
    snprintf(t->name, sizeof t->name, "%s:%s:%u", gw->name, peer, sa->path.remote_port);
    t->ipsec = t->dynamic = true;
    t->gw = gw;
    t->group = gw->group;
    t->svc = gw->private_svc;
    t->private_svc = gw->private_svc;
    t->delivery_svc = gw->delivery_svc;
    snprintf(t->ifname, sizeof t->ifname, "%s", gw->private_ifname);
    snprintf(t->pub_ifname, sizeof t->pub_ifname, "%s", gw->pub_ifname);
    t->family = sa->path.family;
    memcpy(t->src, sa->path.local, 16);
    memcpy(t->remote, sa->path.remote, 16);
    t->dscp = -1;
    t->ip_mtu = gw->ip_mtu;
    t->encap_mtu = gw->encap_mtu;
    t->clear_df = gw->clear_df;
    t->replay_window = gw->replay_window;
    t->ptb_count = gw->ptb_count;
    t->ptb_interval = gw->ptb_interval;
    if (gw->reasm_ms) {
        t->reasm_ms = gw->reasm_ms;
        t->reasm = reasm_new(1u << 16, 16, gw->reasm_ms);
    }
    t->oper_up = true;
    t->last_iom = sa->path.iom;
    for (unsigned a = 0; a < gw->n_priv_addrs; a++) {
        int f, len;
        uint8_t addr[16];
        if (!prefix_parse(gw->priv_addrs[a], &f, addr, &len))
            continue;
        if (f == AF_INET && !t->has_priv4) {
            memcpy(t->priv4, addr, 4);
            t->has_priv4 = true;
        } else if (f == AF_INET6 && !t->has_priv6) {
            memcpy(t->priv6, addr, 16);
            t->has_priv6 = true;
        }
    }
    t->ike_sa = sa;
    sa->tunnel = t;
    isa->tunnels = realloc(isa->tunnels, (isa->n_tunnels + 1) * sizeof *isa->tunnels);
    isa->tunnels[isa->n_tunnels++] = t;
    tunnel_index_private(isa, t, true);
    mc_tunnel_made(isa, t);
    gw->tunnels_made++;
    return t;
}

static void report(struct isa *isa, struct isa_tunnel *t, bool up, char routes[][48], unsigned n_routes);

void ike_gw_tunnel_free(struct isa *isa, struct isa_tunnel *t)
{
    if (t->dead)
        return;
    if (t->gw)
        report(isa, t, false, NULL, 0);
    ike_routes_set(isa, t, NULL, 0);
    tunnel_index_private(isa, t, false);
    t->dead = true; /* out of the table at the next tick: a packet may still hold it */
    isa->dead_tunnels++;
    t->oper_up = false;
}

/* Minimal subnets covering [start, end] (the chapter's reverse routes). */
static unsigned cover(int family, const uint8_t *start, const uint8_t *end, char out[][48], unsigned max)
{
    size_t n = family == AF_INET ? 4 : 16;
    unsigned bits = (unsigned)n * 8, count = 0;
    uint8_t cur[16], last[16];
    memcpy(cur, start, n);
    memcpy(last, end, n);
    while (count < max) {
        /* the largest block aligned at cur that ends at or before last */
        unsigned len = bits;
        while (len > 0) {
            unsigned b = len - 1; /* try one bit shorter */
            if ((cur[b / 8] >> (7 - b % 8)) & 1)
                break; /* cur is not aligned to it */
            uint8_t hi[16];
            memcpy(hi, cur, n);
            for (unsigned k = b; k < bits; k++)
                hi[k / 8] |= (uint8_t)(0x80 >> (k % 8));
            if (memcmp(hi, last, n) > 0)
                break;
            len = b;
        }
        char a[INET6_ADDRSTRLEN];
        inet_ntop(family, cur, a, sizeof a);
        snprintf(out[count++], 48, "%s/%u", a, len);
        uint8_t hi[16];
        memcpy(hi, cur, n);
        for (unsigned k = len; k < bits; k++)
            hi[k / 8] |= (uint8_t)(0x80 >> (k % 8));
        if (memcmp(hi, last, n) >= 0)
            break;
        /* cur = hi + 1 */
        memcpy(cur, hi, n);
        for (int k = (int)n - 1; k >= 0; k--)
            if (++cur[k])
                break;
    }
    return count;
}

static void report(struct isa *isa, struct isa_tunnel *t, bool up, char routes[][48], unsigned n_routes)
{
    Srlab__DynamicTunnel d = SRLAB__DYNAMIC_TUNNEL__INIT;
    char peer[INET6_ADDRSTRLEN], where[8];
    inet_ntop(t->family, t->remote, peer, sizeof peer);
    snprintf(where, sizeof where, "%u/%u", isa->slot, isa->mda);
    d.gateway = t->gw ? t->gw->name : "";
    d.tunnel = t->name;
    d.up = up;
    d.peer = peer;
    d.peer_port = t->udp_rport ? t->udp_rport : (t->ike_sa ? t->ike_sa->path.remote_port : 500);
    d.peer_id = t->ike_sa ? t->ike_sa->peer_id : "";
    d.private_svc = t->private_svc;
    d.private_interface = t->ifname;
    d.isa = where;
    char *ptrs[64];
    for (unsigned i = 0; i < n_routes && i < 64; i++)
        ptrs[i] = routes[i];
    d.routes = ptrs;
    d.n_routes = n_routes < 64 ? n_routes : 64;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_DYNAMIC_TUNNEL;
    env.dynamic_tunnel = &d;
    if (isa->card)
        card_send(isa->card, &env);
}

/* addr/len of "addr/len" */
static bool parse_prefix(const char *p, int *family, uint8_t *addr, unsigned *len)
{
    char a[INET6_ADDRSTRLEN];
    const char *slash = strchr(p, '/');
    if (!slash || (size_t)(slash - p) >= sizeof a)
        return false;
    memcpy(a, p, (size_t)(slash - p));
    a[slash - p] = 0;
    *family = strchr(a, ':') ? AF_INET6 : AF_INET;
    *len = (unsigned)atoi(slash + 1);
    return inet_pton(*family, a, addr) == 1;
}

/* Whether prefix `in` lies inside prefix `out` (and is not it). */
static bool prefix_inside(const char *in, const char *out)
{
    int fi, fo;
    uint8_t ai[16], ao[16];
    unsigned li, lo;
    if (!parse_prefix(in, &fi, ai, &li) || !parse_prefix(out, &fo, ao, &lo) || fi != fo || li <= lo)
        return false;
    for (unsigned b = 0; b < lo; b++)
        if (((ai[b / 8] ^ ao[b / 8]) >> (7 - b % 8)) & 1)
            return false;
    return true;
}

void ike_gw_report_routes(struct isa *isa, struct isa_tunnel *t, struct child_sa *c, bool up)
{
    static char routes[64][48];
    static struct ike_range ranges[64];
    unsigned n = 0, nr = 0;
    /* every CHILD SA of the tunnel still installed (this one going when !up) */
    struct ike_sa *sa = t->ike_sa;
    for (struct child_sa *x = sa ? sa->children : c; x && n < 64; x = sa ? x->next : NULL) {
        if (!up && x == c)
            continue;
        if (!t->gw || !t->gw->reverse_route)
            break;
        for (unsigned i = 0; i < x->n_remote && n < 64; i++) {
            struct ike_sel *s = &x->ts_remote[i];
            if (t->gw->reverse_ignore_default && ike_sel_is_default(s))
                continue;
            if (nr < 64) {
                ranges[nr].family = s->family;
                memcpy(ranges[nr].start, s->start, 16);
                memcpy(ranges[nr].end, s->end, 16);
                nr++;
            }
            char tmp[16][48];
            unsigned m = cover(s->family, s->start, s->end, tmp, 16);
            for (unsigned k = 0; k < m && n < 64; k++) {
                bool dup = false;
                for (unsigned j = 0; j < n && !dup; j++)
                    dup = strcmp(routes[j], tmp[k]) == 0;
                if (!dup)
                    snprintf(routes[n++], 48, "%s", tmp[k]);
            }
        }
    }
    /* the chapter: for one tunnel the larger subnet wins */
    unsigned kept = 0;
    for (unsigned i = 0; i < n; i++) {
        bool inside = false;
        for (unsigned j = 0; j < n && !inside; j++)
            inside = j != i && prefix_inside(routes[i], routes[j]);
        if (!inside && kept != i)
            memcpy(routes[kept], routes[i], 48);
        kept += !inside;
    }
    ike_routes_set(isa, t, ranges, nr);
    report(isa, t, true, routes, kept);
}

/* ---- lockout ---------------------------------------------------------------------------------- */

struct lockout_entry {
    unsigned failures;
    uint64_t first_ms, blocked_until;  /* UINT64_MAX: infinite */
    bool ip_wide;                       /* the whole address (max-port-per-ip) */
};

static void entry_free(void **item)
{
    free(*item);
    *item = NULL;
}

static zhashx_t *lockouts(struct isa *isa)
{
    void **l = ike_engine_lockout(isa);
    if (!*l) {
        *l = zhashx_new();
        zhashx_set_destructor(*l, entry_free);
    }
    return *l;
}

static void lo_key(char *k, size_t len, const struct ike_path *p, bool with_port)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(p->family, p->remote, a, sizeof a);
    /* one client: its IKE_SA_INIT on 500 and the rest on 4500 (NAT-T) */
    if (with_port)
        snprintf(k, len, "%s:%u", a, p->remote_port == 500 ? 4500 : p->remote_port);
    else
        snprintf(k, len, "%s", a);
}

bool ike_lockout_blocked(struct isa *isa, const struct ike_policy *pol, const struct ike_path *p)
{
    if (!pol->lockout || !isa->ike)
        return false;
    char k[64];
    uint64_t now = (uint64_t)zclock_mono();
    zhashx_t *h = lockouts(isa);
    for (int wide = 0; wide < 2; wide++) {
        lo_key(k, sizeof k, p, !wide);
        struct lockout_entry *e = zhashx_lookup(h, k);
        if (e && e->blocked_until && now < e->blocked_until)
            return true;
    }
    return false;
}

void ike_lockout_failure(struct isa *isa, const struct ike_policy *pol, const struct ike_path *p)
{
    if (!pol->lockout)
        return;
    char k[64];
    uint64_t now = (uint64_t)zclock_mono();
    zhashx_t *h = lockouts(isa);
    lo_key(k, sizeof k, p, true);
    struct lockout_entry *e = zhashx_lookup(h, k);
    if (!e) {
        e = calloc(1, sizeof *e);
        zhashx_insert(h, k, e);
    }
    if (!e->failures || now - e->first_ms > (uint64_t)pol->lockout_duration_min * 60000) {
        e->failures = 0;
        e->first_ms = now;
    }
    e->failures++;
    uint64_t until = pol->lockout_block_min ? now + (uint64_t)pol->lockout_block_min * 60000 : UINT64_MAX;
    if (e->failures >= pol->lockout_attempts && !e->blocked_until) {
        e->blocked_until = until;
        char text[160];
        snprintf(text, sizeof text, "IKEv2 client %s blocked after %u failed authentications (lockout)", k,
                 e->failures);
        tunnel_event(isa, 3, 2201, k, text);
    }
    /* max-port-per-ip: too many ports of one address failing: all of it */
    char ip[64];
    lo_key(ip, sizeof ip, p, false);
    size_t ports = 0;
    zlistx_t *keys = zhashx_keys(h);
    for (const char *key = zlistx_first(keys); key; key = zlistx_next(keys))
        if (strncmp(key, ip, strlen(ip)) == 0 && key[strlen(ip)] == ':')
            ports++;
    zlistx_destroy(&keys);
    if (ports > pol->lockout_max_ports && !zhashx_lookup(h, ip)) {
        struct lockout_entry *w = calloc(1, sizeof *w);
        w->ip_wide = true;
        w->blocked_until = until;
        w->first_ms = now;
        zhashx_insert(h, ip, w);
    }
}

void ike_lockout_success(struct isa *isa, const struct ike_path *p)
{
    if (!isa->ike || !*ike_engine_lockout(isa))
        return;
    char k[64];
    lo_key(k, sizeof k, p, true);
    zhashx_t *h = lockouts(isa);
    struct lockout_entry *e = zhashx_lookup(h, k);
    if (e && !e->blocked_until) /* the chapter: a success resets the count */
        zhashx_delete(h, k);
}

void ike_lockout_tick(struct isa *isa, uint64_t now_ms)
{
    if (!*ike_engine_lockout(isa))
        return;
    zhashx_t *h = lockouts(isa);
    zlistx_t *keys = zhashx_keys(h);
    for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        struct lockout_entry *e = zhashx_lookup(h, k);
        /* block over, or an unblocked count past its duration (10 min at most) */
        if ((e->blocked_until && now_ms >= e->blocked_until) ||
            (!e->blocked_until && now_ms - e->first_ms > 3600000))
            zhashx_delete(h, k);
    }
    zlistx_destroy(&keys);
}

/* For show ipsec lockout and clear ipsec lockout. */
size_t ike_lockout_list(struct isa *isa, char (*out)[64], unsigned *failures, uint64_t *remaining_s, size_t max);
void ike_lockout_clear(struct isa *isa, const char *who);

size_t ike_lockout_list(struct isa *isa, char (*out)[64], unsigned *failures, uint64_t *remaining_s, size_t max)
{
    if (!isa->ike || !*ike_engine_lockout(isa))
        return 0;
    zhashx_t *h = lockouts(isa);
    size_t n = 0;
    uint64_t now = (uint64_t)zclock_mono();
    for (struct lockout_entry *e = zhashx_first(h); e && n < max; e = zhashx_next(h)) {
        snprintf(out[n], 64, "%s", (const char *)zhashx_cursor(h));
        failures[n] = e->failures;
        remaining_s[n] = !e->blocked_until ? 0 : e->blocked_until == UINT64_MAX ? UINT64_MAX
                                                                                : (e->blocked_until - now) / 1000;
        n++;
    }
    return n;
}

void ike_lockout_clear(struct isa *isa, const char *who)
{
    if (!isa->ike || !*ike_engine_lockout(isa))
        return;
    zhashx_t *h = lockouts(isa);
    zlistx_t *keys = zhashx_keys(h);
    for (const char *k = zlistx_first(keys); k; k = zlistx_next(keys)) {
        if (who && who[0] && strncmp(k, who, strlen(who)) != 0)
            continue;
        zhashx_delete(h, k);
    }
    zlistx_destroy(&keys);
}

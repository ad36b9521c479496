/* show ipsec tunnel [NAME] and admin ipsec display-keys: static IPsec
 * tunnels, their state and, from the ISAs holding them, their SAs and
 * counters. Keys appear only in the admin command (srlab keys uses it). */
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

/* A dynamically keyed tunnel is up when its configuration allows it and its
 * ISA has CHILD SAs both ways (IKE established); flags say why not. */
static bool oper_up(const struct tunnel_view *v, const Srlab__TunnelStats *st, char *flags, size_t len)
{
    snprintf(flags, len, "%s", v->flags);
    if (!v->oper_up || !cfg_child(v->node, "dynamic-keying"))
        return v->oper_up;
    bool in = false, out = false;
    for (size_t k = 0; st && k < st->n_sas; k++) {
        in |= st->sas[k]->inbound;
        out |= !st->sas[k]->inbound;
    }
    if (in && out)
        return true;
    size_t used = strlen(flags);
    snprintf(flags + used, len - used, "%s%s", used ? " " : "", "sa-not-established");
    return false;
}

static const char *or_(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

static void hex(char *out, size_t cap, const ProtobufCBinaryData *b)
{
    size_t o = 0;
    o += (size_t)snprintf(out, cap, "0x");
    for (size_t i = 0; i < b->len && o + 3 <= cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%02x", b->data[i]);
}

static void sa_json(struct json *j, const Srlab__SaStats *sa, bool keys)
{
    json_obj(j, NULL);
    json_int(j, "id", sa->id);
    json_str(j, "direction", sa->inbound ? "inbound" : "outbound");
    json_uint(j, "spi", sa->spi);
    json_str(j, "encryption", sa->encryption);
    json_str(j, "auth", sa->auth);
    json_str(j, "src", sa->src);
    json_str(j, "dst", sa->dst);
    json_bool(j, "udp_encapsulation", sa->udp_encap);
    json_uint(j, "packets", sa->packets);
    json_uint(j, "octets", sa->octets);
    json_uint(j, "sequence", sa->seq);
    json_bool(j, "soft_expired", sa->soft_expired);
    json_bool(j, "hard_expired", sa->hard_expired);
    json_obj(j, "errors");
    for (size_t e = 0; e < sa->n_errors; e++)
        json_uint(j, sa->errors[e]->name, sa->errors[e]->count);
    json_end(j);
    if (keys) {
        char k[200];
        hex(k, sizeof k, &sa->encryption_key);
        json_str(j, "encryption_key", k);
        hex(k, sizeof k, &sa->auth_key);
        json_str(j, "auth_key", k);
        json_str(j, "wireshark_encryption", sa->wireshark_encryption);
        json_str(j, "wireshark_auth", sa->wireshark_auth);
    }
    json_end(j);
}

static const char *keying(const struct tunnel_view *v)
{
    return cfg_child(v->node, "dynamic-keying") ? "Dynamic" : "Manual";
}

static void ike_sa_json(struct json *j, const Srlab__IkeSaStats *x)
{
    char spi[20];
    json_obj(j, NULL);
    snprintf(spi, sizeof spi, "%016llx", (unsigned long long)x->spi_i);
    json_str(j, "spi_i", spi);
    snprintf(spi, sizeof spi, "%016llx", (unsigned long long)x->spi_r);
    json_str(j, "spi_r", spi);
    json_str(j, "role", x->initiator ? "initiator" : "responder");
    json_str(j, "state", x->state);
    json_str(j, "encryption", x->encryption);
    json_str(j, "integrity", x->integrity);
    json_str(j, "prf", x->prf);
    json_str(j, "dh_group", x->dh_group);
    json_uint(j, "lifetime_s", x->lifetime_s);
    json_uint(j, "established_s", x->established_s);
    json_str(j, "local", x->local);
    json_str(j, "peer", x->peer);
    json_uint(j, "peer_port", x->peer_port);
    json_str(j, "peer_id", x->peer_id);
    json_bool(j, "nat_t", x->nat_t);
    json_uint(j, "ike_rekeys", x->ike_rekeys);
    json_uint(j, "child_rekeys", x->child_rekeys);
    json_end(j);
}

static void ike_sa_rows(struct strbuf *out, const Srlab__IkeSaStats *x)
{
    char spis[40], algs[80], peer[64];
    snprintf(spis, sizeof spis, "%016llx/%016llx", (unsigned long long)x->spi_i, (unsigned long long)x->spi_r);
    snprintf(algs, sizeof algs, "%s/%s/%s/%s", x->encryption, x->integrity, x->prf, x->dh_group);
    snprintf(peer, sizeof peer, "%s:%u", x->peer, x->peer_port);
    show_row(out, "IKE SPIs         : %s (%s)", spis, x->initiator ? "initiator" : "responder");
    show_row(out, "State            : %-21s Established       : %lus ago", x->state, (unsigned long)x->established_s);
    show_row(out, "Algorithms       : %s", algs);
    show_row(out, "Peer             : %-21s Peer Id           : %s", peer, x->peer_id);
    show_row(out, "Lifetime         : %-21u NAT-T             : %s", x->lifetime_s, x->nat_t ? "yes" : "no");
    show_row(out, "IKE SA Rekeys    : %-21u CHILD SA Rekeys   : %u", x->ike_rekeys, x->child_rekeys);
}

static void tunnel_json(struct json *j, const struct tunnel_view *v, const Srlab__TunnelStats *st,
                        bool keys)
{
    struct cfg_node *t = v->node;
    json_obj(j, NULL);
    json_str(j, "name", t->key);
    json_str(j, "sap", v->sap->key);
    json_int(j, "service", v->svc);
    json_str(j, "interface", v->iface->key);
    json_int(j, "delivery_service", v->delivery_svc);
    json_str(j, "keying", cfg_child(t, "dynamic-keying") ? "dynamic" : "manual");
    if (st && st->n_ike_sas) {
        json_arr(j, "ike_sas");
        for (size_t k = 0; k < st->n_ike_sas; k++)
            ike_sa_json(j, st->ike_sas[k]);
        json_end(j);
    }
    json_str(j, "local_gateway_address", v->source);
    json_str(j, "peer", v->remote);
    json_str(j, "security_policy", cfg_leaf(t, "security-policy", "id"));
    json_str(j, "encapsulation",
             cfg_child(cfg_child(t, "manual-keying"), "udp-encapsulation") || (st && st->peer_port) ? "udp" : "esp");
    json_str(j, "admin_state", t->admin_up ? "up" : "down");
    char flags[96];
    bool up = oper_up(v, st, flags, sizeof flags);
    json_str(j, "oper_state", up ? "up" : "down");
    json_str(j, "oper_flags", flags);
    json_str(j, "isa", v->isa[0] ? v->isa : NULL);
    json_obj(j, "statistics");
    if (st) {
        json_uint(j, "encap_packets", st->encap_packets);
        json_uint(j, "encap_octets", st->encap_octets);
        json_uint(j, "decap_packets", st->decap_packets);
        json_uint(j, "decap_octets", st->decap_octets);
        json_uint(j, "fragments_sent", st->fragments_sent);
        json_uint(j, "reassembled", st->reassembled);
        json_uint(j, "keepalives_sent", st->keepalives_sent);
        json_uint(j, "keepalives_received", st->keepalives_received);
        json_obj(j, "drops");
        for (size_t d = 0; d < st->n_drops; d++)
            json_uint(j, st->drops[d]->name, st->drops[d]->count);
        json_end(j);
    }
    json_end(j);
    json_arr(j, "security_associations");
    for (size_t k = 0; st && k < st->n_sas; k++)
        sa_json(j, st->sas[k], keys);
    json_end(j);
    json_end(j);
}

static void tunnel_detail(const struct tunnel_view *v, const Srlab__TunnelStats *st,
                          struct strbuf *out)
{
    struct cfg_node *t = v->node;
    struct cfg_node *udp = cfg_child(cfg_child(t, "manual-keying"), "udp-encapsulation");
    show_title(out, "IPsec Tunnel Configuration Detail");
    show_row(out, "Service Id       : %-21u Sap Id            : %s", v->svc, v->sap->key);
    show_row(out, "Tunnel Name      : %s", t->key);
    show_row(out, "Description      : %s", or_(cfg_leaf(t, "description", "text"), "None"));
    show_row(out, "Delivery Service : %-21u Keying Type       : %s", v->delivery_svc, keying(v));
    char flags[96];
    show_row(out, "Admin State      : %-21s Oper State        : %s", t->admin_up ? "Up" : "Down",
             oper_up(v, st, flags, sizeof flags) ? "Up" : "Down");
    show_row(out, "Local Address    : %-21s Remote Address    : %s", or_(v->source, "(Not Specified)"),
             or_(v->remote, "(Not Specified)"));
    show_row(out, "Security Policy  : %-21s Replay Window     : %s",
             or_(cfg_leaf(t, "security-policy", "id"), "None"),
             or_(cfg_leaf(t, "replay-window", "window"), "None"));
    char encap[40] = "ESP";
    if (udp)
        snprintf(encap, sizeof encap, "ESP in UDP %ld", cfg_get_int(udp, "port", 4500));
    else if (st && st->peer_port)
        snprintf(encap, sizeof encap, "ESP in UDP (NAT-T)");
    char ka[24] = "None";
    if (udp && cfg_get(udp, "seconds"))
        snprintf(ka, sizeof ka, "%s s", cfg_get(udp, "seconds"));
    show_row(out, "Encapsulation    : %-21s NAT Keepalive     : %s", encap, ka);
    show_row(out, "IP MTU           : %-21s Encap IP MTU      : %s",
             or_(cfg_leaf(t, "ip-mtu", "mtu"), "Max Available"),
             or_(cfg_leaf(t, "encapsulated-ip-mtu", "mtu"), "Max Available"));
    show_row(out, "Clear DF Bit     : %-21s ISA               : %s",
             cfg_child(t, "clear-df-bit") ? "true" : "false", v->isa[0] ? v->isa : "(none active)");
    show_row(out, "Oper Flags       : %s", flags[0] ? flags : "None");
    if (cfg_child(t, "dynamic-keying")) {
        show_rule(out, '-');
        sb_puts(out, "IKE SA\n");
        show_rule(out, '-');
        if (!st || !st->n_ike_sas)
            sb_puts(out, "None established\n");
        for (size_t k = 0; st && k < st->n_ike_sas; k++)
            ike_sa_rows(out, st->ike_sas[k]);
    }
    show_rule(out, '-');
    sb_puts(out, "Security Associations\n");
    show_rule(out, '-');
    sb_puts(out, "Id  Direction SPI        Transform                     Packets      Octets\n");
    if (!st) {
        sb_puts(out, "(the ISA holding the tunnel did not answer)\n");
    } else {
        for (size_t k = 0; k < st->n_sas; k++) {
            const Srlab__SaStats *sa = st->sas[k];
            char tf[40];
            snprintf(tf, sizeof tf, "%s/%s", sa->encryption, sa->auth);
            show_row(out, "%-3u %-9s 0x%08x %-29s %-12lu %lu", sa->id,
                     sa->inbound ? "inbound" : "outbound", sa->spi, tf, (unsigned long)sa->packets,
                     (unsigned long)sa->octets);
            for (size_t e = 0; e < sa->n_errors; e++)
                show_row(out, "      %-30s: %lu", sa->errors[e]->name,
                         (unsigned long)sa->errors[e]->count);
        }
        if (!st->n_sas)
            sb_puts(out, "None installed\n");
    }
    show_rule(out, '-');
    sb_puts(out, "Statistics\n");
    show_rule(out, '-');
    if (st) {
        show_row(out, "Encapsulated Pkts: %-21lu Octets            : %lu",
                 (unsigned long)st->encap_packets, (unsigned long)st->encap_octets);
        show_row(out, "Decapsulated Pkts: %-21lu Octets            : %lu",
                 (unsigned long)st->decap_packets, (unsigned long)st->decap_octets);
        show_row(out, "Fragments Sent   : %-21lu Reassembled       : %lu",
                 (unsigned long)st->fragments_sent, (unsigned long)st->reassembled);
        if (udp)
            show_row(out, "Keepalives Sent  : %-21lu Received          : %lu",
                     (unsigned long)st->keepalives_sent, (unsigned long)st->keepalives_received);
        for (size_t d = 0; d < st->n_drops; d++)
            show_row(out, "Dropped %-33s: %lu", st->drops[d]->name, (unsigned long)st->drops[d]->count);
    } else {
        sb_puts(out, "(the ISA holding the tunnel did not answer)\n");
    }
    show_rule(out, '=');
}

/* NAME: the token after `tunnel` (detail view), else NULL (the table). */
static const char *tunnel_name(const char *line, char *buf, size_t cap)
{
    char tb[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int nt = cli_tokenize(line, tb, sizeof tb, t, CLI_MAX_TOKENS, err, sizeof err);
    for (int i = 0; i + 1 < nt; i++)
        if (strcmp(t[i].text, "tunnel") == 0 || strcmp(t[i].text, "display-keys") == 0) {
            const char *w = t[i + 1].text;
            if (strcmp(w, "json") == 0 || strcmp(w, "detail") == 0)
                return NULL;
            snprintf(buf, cap, "%s", w);
            return buf;
        }
    return NULL;
}

int render_ipsec_tunnel(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                        bool incomplete, struct strbuf *out, struct json *j)
{
    (void)incomplete;
    char nb[64];
    const char *want = tunnel_name(line, nb, sizeof nb);
    struct tunnel_view *tv;
    int count = tunnels_resolve(cpm, &tv);
    int shown = 0;
    if (j && !want) {
        json_obj(j, NULL);
        json_arr(j, "tunnels");
    } else if (!want) {
        show_title(out, "IPsec Tunnels");
        sb_puts(out, "TunnelName                       LocalAddress      SvcId        Admn   Keying\n"
                     "  SapId                            RemoteAddress     DlvrySvcId   Oper   Sec\n"
                     "                                                                         Plcy\n");
        show_rule(out, '-');
    }
    for (int i = 0; i < count; i++) {
        const struct tunnel_view *v = &tv[i];
        if (!v->ipsec || (want && strcmp(want, v->node->key) != 0))
            continue;
        shown++;
        const Srlab__TunnelStats *st = stats_of(r, n, v->node->key);
        if (j) {
            tunnel_json(j, v, st, false);
            continue;
        }
        if (want) {
            tunnel_detail(v, st, out);
            continue;
        }
        char svc[16], dsvc[16];
        snprintf(svc, sizeof svc, "%u", v->svc);
        snprintf(dsvc, sizeof dsvc, "%u", v->delivery_svc);
        show_row(out, "%-32s %-17s %-12s %-6s %s", v->node->key, or_(v->source, ""), svc,
                 v->node->admin_up ? "Up" : "Down", keying(v));
        char flags[96];
        show_row(out, "  %-32s %-17s %-12s %-6s %s", v->sap->key, or_(v->remote, ""), dsvc,
                 oper_up(v, st, flags, sizeof flags) ? "Up" : "Down",
                 or_(cfg_leaf(v->node, "security-policy", "id"), "-"));
    }
    free(tv);
    if (want && !shown) {
        sb_printf(out, "Error: no ipsec-tunnel called \"%s\"\n", want);
        return -1;
    }
    if (j && !want) {
        json_end(j);
        json_end(j);
    } else if (!want) {
        show_rule(out, '-');
        sb_printf(out, "IPsec Tunnels: %d\n", shown);
        show_rule(out, '=');
    }
    return 0;
}

/* show ipsec ike-sa: every IKE SA of the ISAs, static tunnels and gateways. */
int render_ipsec_ike_sa(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                        bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    (void)line;
    (void)incomplete;
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "ike_sas");
    } else {
        show_title(out, "IKE SAs");
        sb_puts(out, "Tunnel                             Peer:Port              Role  State\n"
                     "  SPIi/SPIr                          Algorithms                      Up (s)\n");
        show_rule(out, '-');
    }
    int count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i]->n_tunnels; k++) {
            const Srlab__TunnelStats *t = r[i]->tunnels[k];
            for (size_t x = 0; x < t->n_ike_sas; x++) {
                const Srlab__IkeSaStats *s = t->ike_sas[x];
                count++;
                if (j) {
                    ike_sa_json(j, s);
                    continue;
                }
                char peer[64], spis[40], algs[80];
                snprintf(peer, sizeof peer, "%s:%u", s->peer, s->peer_port);
                snprintf(spis, sizeof spis, "%016llx/%016llx", (unsigned long long)s->spi_i,
                         (unsigned long long)s->spi_r);
                snprintf(algs, sizeof algs, "%s/%s/%s/%s", s->encryption, s->integrity, s->prf, s->dh_group);
                show_row(out, "%-34.34s %-22s %-5s %s", t->name, peer, s->initiator ? "init" : "resp", s->state);
                show_row(out, "  %-34s %-31s %lu", spis, algs, (unsigned long)s->established_s);
            }
        }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '-');
        sb_printf(out, "IKE SAs: %d\n", count);
        show_rule(out, '=');
    }
    return 0;
}

/* show ipsec lockout, clear ipsec lockout [ADDRESS] */
int render_ipsec_lockout(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                         bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    (void)incomplete;
    bool clearing = strstr(line, "clear") != NULL;
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "clients");
    } else {
        show_title(out, clearing ? "IPsec Lockout (after clear)" : "IPsec Lockout");
        sb_puts(out, "Client                                   Failures  Blocked  Remaining  ISA\n");
        show_rule(out, '-');
    }
    int count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i]->n_lockouts; k++) {
            const Srlab__LockoutEntry *e = r[i]->lockouts[k];
            count++;
            if (j) {
                json_obj(j, NULL);
                json_str(j, "client", e->client);
                json_uint(j, "failures", e->failures);
                json_bool(j, "blocked", e->blocked);
                json_bool(j, "infinite", e->infinite);
                json_uint(j, "remaining_s", e->remaining_s);
                json_str(j, "isa", e->isa);
                json_end(j);
                continue;
            }
            char rem[24];
            snprintf(rem, sizeof rem, e->infinite ? "infinite" : "%lus", (unsigned long)e->remaining_s);
            show_row(out, "%-40s %-9u %-8s %-10s %s", e->client, e->failures, e->blocked ? "yes" : "no",
                     e->blocked ? rem : "-", e->isa);
        }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '-');
        sb_printf(out, "Clients: %d\n", count);
        show_rule(out, '=');
    }
    return 0;
}

/* One line of Wireshark's ikev2_decryption_table (its UAT file, 4.0). */
static void wireshark_ike_line(struct strbuf *out, const Srlab__IkeSaStats *x)
{
    char enc[64] = "ANY", k[4][160];
    unsigned bits, icv;
    if (sscanf(x->encryption, "aes%u-gcm%u", &bits, &icv) == 2)
        snprintf(enc, sizeof enc, "AES-GCM-%u with %u octet ICV [RFC5282]", bits, icv);
    else if (sscanf(x->encryption, "aes%u", &bits) == 1)
        snprintf(enc, sizeof enc, "AES-CBC-%u [RFC3602]", bits);
    const char *integ = strcmp(x->integrity, "auth-encryption") == 0 ? "NONE [RFC4306]"
                        : strcmp(x->integrity, "md5") == 0          ? "HMAC_MD5_96 [RFC2403]"
                        : strcmp(x->integrity, "sha1") == 0         ? "HMAC_SHA1_96 [RFC2404]"
                        : strcmp(x->integrity, "sha256") == 0       ? "HMAC_SHA2_256_128 [RFC4868]"
                        : strcmp(x->integrity, "sha384") == 0       ? "HMAC_SHA2_384_192 [RFC4868]"
                        : strcmp(x->integrity, "sha512") == 0       ? "HMAC_SHA2_512_256 [RFC4868]"
                                                                    : "ANY 96-bits of Authentication [No Checking]";
    const ProtobufCBinaryData *b[4] = { &x->sk_ei, &x->sk_er, &x->sk_ai, &x->sk_ar };
    for (int i = 0; i < 4; i++) {
        size_t o = 0;
        k[i][0] = 0;
        for (size_t c = 0; c < b[i]->len && o + 3 < sizeof k[i]; c++)
            o += (size_t)snprintf(k[i] + o, sizeof k[i] - o, "%02x", b[i]->data[c]);
    }
    /* byte fields are bare hex in a UAT file, text fields quoted */
    sb_printf(out, "%016llx,%016llx,%s,%s,\"%s\",%s,%s,\"%s\"\n", (unsigned long long)x->spi_i,
              (unsigned long long)x->spi_r, k[0], k[1], enc, k[2], k[3], integ);
}

/* One line of Wireshark's esp_sa table (its UAT file format, 4.0). */
static void wireshark_line(struct strbuf *out, const Srlab__SaStats *sa)
{
    char ek[160], ak[160];
    hex(ek, sizeof ek, &sa->encryption_key);
    hex(ak, sizeof ak, &sa->auth_key);
    bool null_enc = strcmp(sa->wireshark_encryption, "NULL") == 0;
    bool null_auth = strcmp(sa->wireshark_auth, "NULL") == 0;
    sb_printf(out, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"%s\",\"%s\",\"%s\"\n",
              strchr(sa->src, ':') ? "IPv6" : "IPv4", sa->src, sa->dst, sa->spi,
              sa->wireshark_encryption, null_enc ? "" : ek, sa->wireshark_auth,
              null_auth || strncmp(sa->wireshark_auth, "ANY", 3) == 0 ? "" : ak);
}

static bool has_word(const char *line, const char *word)
{
    char tb[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int nt = cli_tokenize(line, tb, sizeof tb, t, CLI_MAX_TOKENS, err, sizeof err);
    for (int i = 0; i < nt; i++)
        if (strcmp(t[i].text, word) == 0)
            return true;
    return false;
}

/* admin ipsec display-keys [NAME]: the live SAs with their keys (what
 * Wireshark needs to decrypt a capture). Never part of a show command. */
int render_ipsec_keys(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                      bool incomplete, struct strbuf *out, struct json *j)
{
    (void)incomplete;
    char nb[64];
    const char *want = tunnel_name(line, nb, sizeof nb);
    if (want && strcmp(want, "wireshark") == 0)
        want = NULL;
    bool ws = !j && has_word(line, "wireshark");
    struct tunnel_view *tv;
    int count = tunnels_resolve(cpm, &tv);
    if (ws) {
        sb_puts(out, "# Wireshark esp_sa table: the live SAs (srlab keys)\n");
        int shown = 0;
        for (int i = 0; i < count; i++) {
            const struct tunnel_view *v = &tv[i];
            if (!v->ipsec || (want && strcmp(want, v->node->key) != 0))
                continue;
            shown++;
            const Srlab__TunnelStats *st = stats_of(r, n, v->node->key);
            for (size_t k = 0; st && k < st->n_sas; k++)
                wireshark_line(out, st->sas[k]);
        }
        for (size_t i = 0; i < n && !want; i++) /* gateways' dynamic tunnels */
            for (size_t k = 0; k < r[i]->n_tunnels; k++)
                if (r[i]->tunnels[k]->gateway && r[i]->tunnels[k]->gateway[0])
                    for (size_t x = 0; x < r[i]->tunnels[k]->n_sas; x++)
                        wireshark_line(out, r[i]->tunnels[k]->sas[x]);
        /* IKE SAs: their own table (srlab keys splits at this line) */
        sb_puts(out, "# ikev2_decryption_table\n");
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < r[i]->n_tunnels; k++) {
                const Srlab__TunnelStats *t = r[i]->tunnels[k];
                if (want && strcmp(want, t->name) != 0)
                    continue;
                for (size_t x = 0; x < t->n_ike_sas; x++)
                    wireshark_ike_line(out, t->ike_sas[x]);
            }
        free(tv);
        if (want && !shown) {
            sb_printf(out, "Error: no ipsec-tunnel called \"%s\"\n", want);
            return -1;
        }
        return 0;
    }
    if (j) {
        json_obj(j, NULL);
        json_arr(j, "tunnels");
    } else {
        show_title(out, "IPsec Keys (live SAs)");
    }
    int shown = 0;
    for (int i = 0; i < count; i++) {
        const struct tunnel_view *v = &tv[i];
        if (!v->ipsec || (want && strcmp(want, v->node->key) != 0))
            continue;
        shown++;
        const Srlab__TunnelStats *st = stats_of(r, n, v->node->key);
        if (j) {
            tunnel_json(j, v, st, true);
            continue;
        }
        show_row(out, "Tunnel \"%s\" (%s -> %s)%s", v->node->key, or_(v->source, "?"),
                 or_(v->remote, "?"), st ? "" : ": the ISA holding it did not answer");
        for (size_t k = 0; st && k < st->n_sas; k++) {
            const Srlab__SaStats *sa = st->sas[k];
            char ek[160], ak[160];
            hex(ek, sizeof ek, &sa->encryption_key);
            hex(ak, sizeof ak, &sa->auth_key);
            show_row(out, "  SA %u %s SPI 0x%08x %s -> %s %s/%s", sa->id,
                     sa->inbound ? "inbound" : "outbound", sa->spi, sa->src, sa->dst, sa->encryption,
                     sa->auth);
            show_row(out, "    encryption-key %s", ek);
            show_row(out, "    authentication-key %s", ak);
        }
    }
    free(tv);
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
    if (want && !shown) {
        sb_printf(out, "Error: no ipsec-tunnel called \"%s\"\n", want);
        return -1;
    }
    return 0;
}

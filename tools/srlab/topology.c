/* Topology YAML: libyaml events -> a small document tree -> struct topology. */
#include "topology.h"

#include "hw.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YDOC_MAX_DEPTH 32
#define YDOC_MAX_NODES 100000

/* ---- a YAML document as a tree ------------------------------------------ */

enum ytype { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ytype type;
    char *scalar;
    int line;
    struct ynode **kids;       /* seq items; map: key, value, key, value... */
    size_t nkids;
};

static void ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        ynode_free(n->kids[i]);
    free(n->kids);
    free(n->scalar);
    free(n);
}

static void ynode_add(struct ynode *parent, struct ynode *kid)
{
    parent->kids = realloc(parent->kids, sizeof *parent->kids * (parent->nkids + 1));
    parent->kids[parent->nkids++] = kid;
}

static struct ynode *ydoc_parse(const char *text, size_t len, char *err, size_t errlen)
{
    yaml_parser_t p;
    yaml_event_t ev;
    struct ynode *stack[YDOC_MAX_DEPTH];
    int depth = 0;
    struct ynode *root = NULL;
    size_t count = 0;
    bool done = false;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            snprintf(err, errlen, "line %zu: %s", p.problem_mark.line + 1,
                     p.problem ? p.problem : "YAML syntax error");
            goto fail;
        }
        struct ynode *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            done = ev.type == YAML_STREAM_END_EVENT || root != NULL;
            break;
        case YAML_ALIAS_EVENT:
            snprintf(err, errlen, "line %zu: YAML aliases are not supported",
                     ev.start_mark.line + 1);
            yaml_event_delete(&ev);
            goto fail;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++count > YDOC_MAX_NODES) {
                snprintf(err, errlen, "document too large");
                yaml_event_delete(&ev);
                goto fail;
            }
            n = calloc(1, sizeof *n);
            n->line = (int)ev.start_mark.line + 1;
            if (ev.type == YAML_SCALAR_EVENT) {
                n->type = Y_SCALAR;
                n->scalar = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            } else {
                n->type = ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
            }
            if (depth > 0)
                ynode_add(stack[depth - 1], n);
            else if (!root)
                root = n;
            else
                ynode_free(n); /* a second document: ignored */
            if (n->type != Y_SCALAR) {
                if (depth >= YDOC_MAX_DEPTH) {
                    snprintf(err, errlen, "line %d: nesting deeper than %d", n->line,
                             YDOC_MAX_DEPTH);
                    yaml_event_delete(&ev);
                    goto fail;
                }
                stack[depth++] = n;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (!root)
        snprintf(err, errlen, "empty topology");
    return root;
fail:
    yaml_parser_delete(&p);
    ynode_free(root);
    return NULL;
}

/* ---- typed extraction with paths ------------------------------------------- */

struct tctx {
    struct topology *t;
    char *err;
    size_t errlen;
    const char *base_dir;
};

static int fail(struct tctx *c, const char *path, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct tctx *c, const char *path, const struct ynode *n, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        snprintf(c->err, c->errlen, "%s (line %d): %s", path, n->line, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", path, msg);
    return -1;
}

static const struct ynode *map_get(const struct ynode *m, const char *key)
{
    if (!m || m->type != Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < m->nkids; i += 2)
        if (m->kids[i]->type == Y_SCALAR && strcmp(m->kids[i]->scalar, key) == 0)
            return m->kids[i + 1];
    return NULL;
}

/* Unknown keys are errors: a typo must not be silently ignored. */
static int check_keys(struct tctx *c, const char *path, const struct ynode *m,
                      const char *const *allowed)
{
    for (size_t i = 0; i + 1 < m->nkids; i += 2) {
        const struct ynode *k = m->kids[i];
        if (k->type != Y_SCALAR)
            return fail(c, path, k, "keys must be plain strings");
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, k->scalar) == 0;
        if (!ok) {
            char known[256] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                         a == allowed ? "" : ", ", *a);
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", path, k->scalar);
            return fail(c, sub, k, "unknown key (known: %s)", known);
        }
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(m->kids[j]->scalar, k->scalar) == 0) {
                char sub[256];
                snprintf(sub, sizeof sub, "%s.%s", path, k->scalar);
                return fail(c, sub, k, "duplicate key");
            }
    }
    return 0;
}

static int get_str(struct tctx *c, const char *path, const struct ynode *n, char *out,
                   size_t outlen)
{
    if (!n || n->type != Y_SCALAR)
        return fail(c, path, n, "expected a string");
    if (strlen(n->scalar) >= outlen)
        return fail(c, path, n, "longer than %zu characters", outlen - 1);
    snprintf(out, outlen, "%s", n->scalar);
    return 0;
}

static int get_uint(struct tctx *c, const char *path, const struct ynode *n, unsigned lo,
                    unsigned hi, unsigned *out)
{
    if (!n || n->type != Y_SCALAR || !n->scalar[0])
        return fail(c, path, n, "expected a number %u..%u", lo, hi);
    char *end;
    unsigned long v = strtoul(n->scalar, &end, 10);
    if (*end || !isdigit((unsigned char)n->scalar[0]) || v < lo || v > hi)
        return fail(c, path, n, "'%s' is not a number in %u..%u", n->scalar, lo, hi);
    *out = (unsigned)v;
    return 0;
}

static bool valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || !isalnum((unsigned char)s[0]))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

static char *resolve_path(struct tctx *c, const char *p)
{
    if (p[0] == '/')
        return strdup(p);
    size_t n = strlen(c->base_dir) + strlen(p) + 2;
    char *out = malloc(n);
    snprintf(out, n, "%s/%s", c->base_dir, p);
    return out;
}

static bool file_readable(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* Ports of an MDA type and whether it is a tunnel ISA; -1 if unknown. */
static int mda_ports(const char *type, bool *isa)
{
    const struct hw_mda_type *t = hw_mda_type(type);
    if (!t || (t->ports == 0 && !t->tunnel_isa))
        return -1; /* a chassis in a lab carries port MDAs and tunnel ISAs */
    *isa = t->tunnel_isa;
    return t->ports;
}

static int parse_cards(struct tctx *c, const char *path, const struct ynode *cards,
                       struct topo_node *node)
{
    if (cards->type != Y_MAP)
        return fail(c, path, cards, "expected a map of slot numbers");
    for (size_t i = 0; i + 1 < cards->nkids; i += 2) {
        char cpath[256];
        snprintf(cpath, sizeof cpath, "%s.%s", path, cards->kids[i]->scalar ? cards->kids[i]->scalar : "?");
        if (node->n_cards >= TOPO_MAX_CARDS)
            return fail(c, cpath, cards->kids[i], "at most %d cards", TOPO_MAX_CARDS);
        struct topo_card *card = &node->cards[node->n_cards];
        if (get_uint(c, cpath, cards->kids[i], 1, 10, &card->slot))
            return -1;
        for (int k = 0; k < node->n_cards; k++)
            if (node->cards[k].slot == card->slot)
                return fail(c, cpath, cards->kids[i], "slot %u listed twice", card->slot);
        const struct ynode *body = cards->kids[i + 1];
        static const char *const keys[] = { "iom", "mdas", NULL };
        if (body->type != Y_MAP)
            return fail(c, cpath, body, "expected { iom: TYPE, mdas: {...} }");
        if (check_keys(c, cpath, body, keys))
            return -1;
        char sub[300];
        snprintf(sub, sizeof sub, "%s.iom", cpath);
        const struct ynode *iom = map_get(body, "iom");
        if (!iom)
            return fail(c, cpath, body, "missing 'iom' (card type)");
        if (get_str(c, sub, iom, card->iom, sizeof card->iom))
            return -1;
        if (!hw_card_type(card->iom))
            return fail(c, sub, iom, "unknown IOM type '%s'", card->iom);
        const struct ynode *mdas = map_get(body, "mdas");
        snprintf(sub, sizeof sub, "%s.mdas", cpath);
        if (mdas && mdas->type != Y_MAP)
            return fail(c, sub, mdas, "expected a map of MDA numbers to MDA types");
        for (size_t m = 0; mdas && m + 1 < mdas->nkids; m += 2) {
            char mpath[320];
            snprintf(mpath, sizeof mpath, "%s.%s", sub,
                     mdas->kids[m]->scalar ? mdas->kids[m]->scalar : "?");
            if (card->n_mdas >= 2)
                return fail(c, mpath, mdas->kids[m], "an %s has 2 MDA slots", card->iom);
            struct topo_mda *md = &card->mdas[card->n_mdas];
            if (get_uint(c, mpath, mdas->kids[m], 1, 2, &md->mda))
                return -1;
            for (int k = 0; k < card->n_mdas; k++)
                if (card->mdas[k].mda == md->mda)
                    return fail(c, mpath, mdas->kids[m], "MDA %u listed twice", md->mda);
            if (get_str(c, mpath, mdas->kids[m + 1], md->type, sizeof md->type))
                return -1;
            bool isa = false;
            if (mda_ports(md->type, &isa) < 0)
                return fail(c, mpath, mdas->kids[m + 1], "unknown MDA type '%s'", md->type);
            card->n_mdas++;
        }
        node->n_cards++;
    }
    return 0;
}

/* nodes.X.mgmt: "ADDR/LEN", one unicast IPv4 or IPv6 address the chassis
 * namespace's kernel puts on its management interface. */
static int parse_mgmt(struct tctx *c, const char *path, const struct ynode *v,
                      struct topo_node *n)
{
    char s[64], addr[INET6_ADDRSTRLEN];
    if (get_str(c, path, v, s, sizeof s))
        return -1;
    char *slash = strchr(s, '/');
    unsigned char a[16];
    bool v6 = false;
    if (slash) {
        *slash = 0;
        v6 = strchr(s, ':') != NULL;
    }
    if (!slash || inet_pton(v6 ? AF_INET6 : AF_INET, s, a) != 1) {
        if (slash)
            *slash = '/';
        return fail(c, path, v, "'%s' is not an IPv4 or IPv6 address/prefix-length "
                    "(e.g. 172.31.255.1/30, 2001:db8::1/64)", s);
    }
    unsigned max = v6 ? 128 : 32, len = 0;
    const char *p = slash + 1;
    int used = 0;
    if (!isdigit((unsigned char)*p) || sscanf(p, "%u%n", &len, &used) != 1 || p[used] ||
        used > 3 || len < 1 || len > max)
        return fail(c, path, v, "prefix length '%s' is not in 1..%u", p, max);
    uint32_t ip4 = 0;
    if (!v6) {
        memcpy(&ip4, a, 4);
        ip4 = ntohl(ip4);
    }
    static const unsigned char zero16[16];
    bool bad = v6 ? (memcmp(a, zero16, 16) == 0 || a[0] == 0xff ||
                     (memcmp(a, zero16, 15) == 0 && a[15] == 1))
                  : (ip4 == 0 || ip4 >> 24 == 127 || ip4 >> 28 == 14 || ip4 >> 28 == 15);
    if (bad)
        return fail(c, path, v, "%s is not a unicast host address", s);
    if (!v6 && len <= 30) {
        uint32_t host = ip4 & ((1u << (32 - len)) - 1);
        if (host == 0 || host == (1u << (32 - len)) - 1)
            return fail(c, path, v, "%s is the %s address of its /%u", s,
                        host ? "broadcast" : "network", len);
    }
    inet_ntop(v6 ? AF_INET6 : AF_INET, a, addr, sizeof addr);
    for (int i = 0; i < c->t->n_nodes; i++) {
        const struct topo_node *o = &c->t->nodes[i];
        size_t k = strcspn(o->mgmt, "/");
        if (o != n && o->mgmt[0] && strlen(addr) == k && strncmp(o->mgmt, addr, k) == 0)
            return fail(c, path, v, "%s is also the mgmt address of %s", addr, o->name);
    }
    snprintf(n->mgmt, sizeof n->mgmt, "%s/%u", addr, len);
    n->mgmt_v6 = v6;
    return 0;
}

static int parse_node(struct tctx *c, const char *name, const struct ynode *body)
{
    char path[128];
    snprintf(path, sizeof path, "nodes.%s", name);
    struct topology *t = c->t;
    if (t->n_nodes >= TOPO_MAX_NODES)
        return fail(c, path, body, "at most %d nodes", TOPO_MAX_NODES);
    if (!valid_name(name, 15))
        return fail(c, path, body, "node names are 1..15 letters, digits, '-' or '_'");
    if (topo_find_node(t, name) >= 0)
        return fail(c, path, body, "node defined twice");
    if (body->type != Y_MAP)
        return fail(c, path, body, "expected a map with 'kind'");
    struct topo_node *n = &t->nodes[t->n_nodes];
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->mcs = true;
    char kind[32], sub[192];
    snprintf(sub, sizeof sub, "%s.kind", path);
    if (get_str(c, sub, map_get(body, "kind"), kind, sizeof kind))
        return -1;
    static const char *const sr_keys[] = { "kind", "config", "cards", "mcs", "restart",
                                           "isa-memory-mb", "mgmt", NULL };
    static const char *const linux_keys[] = { "kind", "exec", NULL };
    static const char *const bridge_keys[] = { "kind", NULL };
    static const char *const swan_keys[] = { "kind", "swanctl", "strongswan-conf", "exec",
                                             "restart", NULL };
    const char *const *keys;
    if (strcmp(kind, "sr") == 0) {
        n->kind = KIND_SR;
        keys = sr_keys;
    } else if (strcmp(kind, "linux") == 0) {
        n->kind = KIND_LINUX;
        keys = linux_keys;
    } else if (strcmp(kind, "bridge") == 0) {
        n->kind = KIND_BRIDGE;
        keys = bridge_keys;
    } else if (strcmp(kind, "strongswan") == 0) {
        n->kind = KIND_STRONGSWAN;
        keys = swan_keys;
    } else {
        return fail(c, sub, map_get(body, "kind"), "unknown kind '%s' (sr, linux, bridge, "
                    "strongswan)", kind);
    }
    t->n_nodes++; /* from here on topo_free() releases what the node holds */
    if (check_keys(c, path, body, keys))
        return -1;
    const struct ynode *v;
    if ((v = map_get(body, "restart"))) {
        char r[16];
        snprintf(sub, sizeof sub, "%s.restart", path);
        if (get_str(c, sub, v, r, sizeof r))
            return -1;
        if (strcmp(r, "no") == 0 || strcmp(r, "false") == 0)
            n->restart = RESTART_NO;
        else if (strcmp(r, "on-failure") == 0)
            n->restart = RESTART_ON_FAILURE;
        else if (strcmp(r, "always") == 0)
            n->restart = RESTART_ALWAYS;
        else
            return fail(c, sub, v, "'%s' is not one of no, on-failure, always", r);
    }
    if ((v = map_get(body, "mcs"))) {
        char b[8];
        snprintf(sub, sizeof sub, "%s.mcs", path);
        if (get_str(c, sub, v, b, sizeof b))
            return -1;
        if (strcmp(b, "true") && strcmp(b, "false"))
            return fail(c, sub, v, "expected true or false");
        n->mcs = strcmp(b, "true") == 0;
    }
    if ((v = map_get(body, "isa-memory-mb"))) {
        snprintf(sub, sizeof sub, "%s.isa-memory-mb", path);
        if (get_uint(c, sub, v, 8, 1048576, &n->isa_memory_mb))
            return -1;
    }
    if ((v = map_get(body, "mgmt"))) {
        snprintf(sub, sizeof sub, "%s.mgmt", path);
        if (parse_mgmt(c, sub, v, n))
            return -1;
    }
    if ((v = map_get(body, "config"))) {
        char f[PATH_MAX];
        snprintf(sub, sizeof sub, "%s.config", path);
        if (get_str(c, sub, v, f, sizeof f))
            return -1;
        n->config = resolve_path(c, f);
        if (!file_readable(n->config))
            return fail(c, sub, v, "cannot read '%s'", n->config);
    }
    if ((v = map_get(body, "cards"))) {
        snprintf(sub, sizeof sub, "%s.cards", path);
        if (parse_cards(c, sub, v, n))
            return -1;
    }
    if (n->kind == KIND_SR && n->n_cards == 0)
        return fail(c, path, body, "a chassis needs 'cards'");
    if ((v = map_get(body, "exec"))) {
        snprintf(sub, sizeof sub, "%s.exec", path);
        if (v->type != Y_SEQ)
            return fail(c, sub, v, "expected a list of commands");
        n->exec = calloc(v->nkids ? v->nkids : 1, sizeof *n->exec);
        for (size_t i = 0; i < v->nkids; i++) {
            char cmd[1024], ipath[224];
            snprintf(ipath, sizeof ipath, "%s[%zu]", sub, i);
            if (get_str(c, ipath, v->kids[i], cmd, sizeof cmd))
                return -1;
            n->exec[n->n_exec++] = strdup(cmd);
        }
    }
    if ((v = map_get(body, "swanctl"))) {
        char f[PATH_MAX];
        snprintf(sub, sizeof sub, "%s.swanctl", path);
        if (get_str(c, sub, v, f, sizeof f))
            return -1;
        n->swanctl = resolve_path(c, f);
        if (!file_readable(n->swanctl))
            return fail(c, sub, v, "cannot read '%s'", n->swanctl);
    }
    if ((v = map_get(body, "strongswan-conf"))) {
        char f[PATH_MAX];
        snprintf(sub, sizeof sub, "%s.strongswan-conf", path);
        if (get_str(c, sub, v, f, sizeof f))
            return -1;
        n->strongswan_conf = resolve_path(c, f);
        if (!file_readable(n->strongswan_conf))
            return fail(c, sub, v, "cannot read '%s'", n->strongswan_conf);
    }
    if (n->kind == KIND_STRONGSWAN && !n->swanctl)
        return fail(c, path, body, "a strongswan node needs 'swanctl' (its swanctl.conf)");
    return 0;
}

static bool valid_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 15)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return strcmp(s, "lo") != 0;
}

static int parse_endpoint(struct tctx *c, const char *path, const struct ynode *v,
                          struct topo_endpoint *ep)
{
    char s[64];
    if (get_str(c, path, v, s, sizeof s))
        return -1;
    char *colon = strchr(s, ':');
    if (!colon)
        return fail(c, path, v, "'%s' is not NODE:PORT", s);
    *colon = 0;
    ep->node = topo_find_node(c->t, s);
    if (ep->node < 0)
        return fail(c, path, v, "no node called '%s'", s);
    snprintf(ep->port, sizeof ep->port, "%s", colon + 1);
    const struct topo_node *n = &c->t->nodes[ep->node];
    if (n->kind == KIND_SR && strcmp(ep->port, TOPO_MGMT_PORT) == 0) {
        if (!n->mgmt[0])
            return fail(c, path, v, "%s has no management address (give nodes.%s.mgmt: "
                        "ADDRESS/PREFIX-LENGTH)", n->name, n->name);
        return 0;
    }
    if (n->kind != KIND_SR) {
        if (!valid_ifname(ep->port))
            return fail(c, path, v, "'%s' is not an interface name (1..15 of [A-Za-z0-9._-])",
                        ep->port);
        return 0;
    }
    unsigned slot, mda, port;
    int used = 0;
    if (sscanf(ep->port, "%u/%u/%u%n", &slot, &mda, &port, &used) != 3 || ep->port[used])
        return fail(c, path, v, "'%s' is not a chassis port (slot/mda/port or mgmt)", ep->port);
    for (int i = 0; i < n->n_cards; i++) {
        if (n->cards[i].slot != slot)
            continue;
        for (int m = 0; m < n->cards[i].n_mdas; m++) {
            if (n->cards[i].mdas[m].mda != mda)
                continue;
            bool isa = false;
            int nports = mda_ports(n->cards[i].mdas[m].type, &isa);
            if (isa)
                return fail(c, path, v, "MDA %u/%u of %s is an ISA: it has no ports", slot, mda,
                            n->name);
            if (port < 1 || (int)port > nports)
                return fail(c, path, v, "a %s has ports 1..%d", n->cards[i].mdas[m].type,
                            nports);
            snprintf(ep->port, sizeof ep->port, "%u/%u/%u", slot, mda, port);
            return 0;
        }
    }
    return fail(c, path, v, "%s has no MDA %u/%u", n->name, slot, mda);
}

static int parse_links(struct tctx *c, const struct ynode *links)
{
    if (links->type != Y_SEQ)
        return fail(c, "links", links, "expected a list");
    for (size_t i = 0; i < links->nkids; i++) {
        char path[64];
        snprintf(path, sizeof path, "links[%zu]", i);
        if (c->t->n_links >= TOPO_MAX_LINKS)
            return fail(c, path, links->kids[i], "at most %d links", TOPO_MAX_LINKS);
        const struct ynode *l = links->kids[i];
        static const char *const keys[] = { "endpoints", "type", "mtu", NULL };
        if (l->type != Y_MAP)
            return fail(c, path, l, "expected { endpoints: [\"a:p\", \"b:p\"] }");
        if (check_keys(c, path, l, keys))
            return -1;
        struct topo_link *link = &c->t->links[c->t->n_links];
        memset(link, 0, sizeof *link);
        const struct ynode *eps = map_get(l, "endpoints");
        char sub[96];
        snprintf(sub, sizeof sub, "%s.endpoints", path);
        if (!eps || eps->type != Y_SEQ || eps->nkids != 2)
            return fail(c, sub, eps ? eps : l, "expected two endpoints");
        for (int e = 0; e < 2; e++) {
            char epath[112];
            snprintf(epath, sizeof epath, "%s[%d]", sub, e);
            if (parse_endpoint(c, epath, eps->kids[e], &link->ep[e]))
                return -1;
            /* every endpoint is used once */
            for (int k = 0; k < c->t->n_links; k++)
                for (int f = 0; f < 2; f++)
                    if (c->t->links[k].ep[f].node == link->ep[e].node &&
                        strcmp(c->t->links[k].ep[f].port, link->ep[e].port) == 0)
                        return fail(c, epath, eps->kids[e], "%s:%s is already linked (links[%d])%s",
                                    c->t->nodes[link->ep[e].node].name, link->ep[e].port, k,
                                    topo_is_mgmt(c->t, &link->ep[e])
                                        ? ": a chassis has one management link" : "");
        }
        /* the management network stays out of band: never a chassis data port */
        for (int e = 0; e < 2; e++) {
            const struct topo_endpoint *me = &link->ep[e], *other = &link->ep[1 - e];
            if (topo_is_mgmt(c->t, me) && c->t->nodes[other->node].kind == KIND_SR &&
                !topo_is_mgmt(c->t, other))
                return fail(c, sub, eps, "%s:mgmt cannot join the chassis port %s:%s (a "
                            "management interface joins another chassis's mgmt, a bridge or "
                            "a host)", c->t->nodes[me->node].name, c->t->nodes[other->node].name,
                            other->port);
        }
        if (link->ep[0].node == link->ep[1].node && !strcmp(link->ep[0].port, link->ep[1].port))
            return fail(c, sub, eps, "a link joins two different endpoints");
        const struct ynode *type = map_get(l, "type");
        if (type) {
            char ty[16];
            snprintf(sub, sizeof sub, "%s.type", path);
            if (get_str(c, sub, type, ty, sizeof ty))
                return -1;
            if (strcmp(ty, "udp") == 0)
                link->udp = true;
            else if (strcmp(ty, "veth") != 0)
                return fail(c, sub, type, "'%s' is not veth or udp", ty);
            if (link->udp && (c->t->nodes[link->ep[0].node].kind != KIND_SR ||
                              c->t->nodes[link->ep[1].node].kind != KIND_SR))
                return fail(c, sub, type, "udp links join two chassis ports");
            if (link->udp && (topo_is_mgmt(c->t, &link->ep[0]) || topo_is_mgmt(c->t, &link->ep[1])))
                return fail(c, sub, type, "a management link is a veth, not udp");
        }
        const struct ynode *mtu = map_get(l, "mtu");
        if (mtu) {
            snprintf(sub, sizeof sub, "%s.mtu", path);
            if (get_uint(c, sub, mtu, 576, 9600, &link->mtu))
                return -1;
        }
        c->t->n_links++;
    }
    return 0;
}

struct topology *topo_parse(const char *text, size_t len, const char *base_dir, char *err,
                            size_t errlen)
{
    struct topology *t = calloc(1, sizeof *t);
    struct tctx c = { .t = t, .err = err, .errlen = errlen, .base_dir = base_dir };
    struct ynode *doc = ydoc_parse(text, len, err, errlen);
    if (!doc)
        goto fail;
    static const char *const keys[] = { "name", "nodes", "links", NULL };
    if (doc->type != Y_MAP) {
        fail(&c, "(top)", doc, "expected a map with name, nodes, links");
        goto fail;
    }
    if (check_keys(&c, "(top)", doc, keys))
        goto fail;
    if (get_str(&c, "name", map_get(doc, "name"), t->name, sizeof t->name))
        goto fail;
    if (!valid_name(t->name, 20)) {
        fail(&c, "name", map_get(doc, "name"), "lab names are 1..20 letters, digits, '-' or '_'");
        goto fail;
    }
    const struct ynode *nodes = map_get(doc, "nodes");
    if (!nodes || nodes->type != Y_MAP || nodes->nkids == 0) {
        fail(&c, "nodes", nodes, "expected a map of node names");
        goto fail;
    }
    for (size_t i = 0; i + 1 < nodes->nkids; i += 2) {
        if (nodes->kids[i]->type != Y_SCALAR) {
            fail(&c, "nodes", nodes->kids[i], "node names are strings");
            goto fail;
        }
        if (parse_node(&c, nodes->kids[i]->scalar, nodes->kids[i + 1]))
            goto fail;
    }
    const struct ynode *links = map_get(doc, "links");
    if (links && parse_links(&c, links))
        goto fail;
    ynode_free(doc);
    return t;
fail:
    ynode_free(doc);
    topo_free(&t);
    return NULL;
}

struct topology *topo_load(const char *file, char *err, size_t errlen)
{
    char abs[PATH_MAX];
    if (!realpath(file, abs)) {
        snprintf(err, errlen, "%s: no such file", file);
        return NULL;
    }
    FILE *f = fopen(abs, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", file);
        return NULL;
    }
    char *text = malloc(1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        free(text);
        snprintf(err, errlen, "%s: larger than 1 MiB", file);
        return NULL;
    }
    text[n] = 0;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", abs);
    char msg[512];
    struct topology *t = topo_parse(text, n, dirname(dir), msg, sizeof msg);
    free(text);
    if (!t) {
        snprintf(err, errlen, "%s: %s", file, msg);
        return NULL;
    }
    t->path = strdup(abs);
    return t;
}

void topo_free(struct topology **pt)
{
    struct topology *t = *pt;
    if (!t)
        return;
    for (int i = 0; i < t->n_nodes; i++) {
        struct topo_node *n = &t->nodes[i];
        free(n->config);
        for (int k = 0; k < n->n_exec; k++)
            free(n->exec[k]);
        free(n->exec);
        free(n->swanctl);
        free(n->strongswan_conf);
    }
    free(t->path);
    free(t);
    *pt = NULL;
}

int topo_find_node(const struct topology *t, const char *name)
{
    for (int i = 0; i < t->n_nodes; i++)
        if (strcmp(t->nodes[i].name, name) == 0)
            return i;
    return -1;
}

bool topo_is_mgmt(const struct topology *t, const struct topo_endpoint *ep)
{
    return t->nodes[ep->node].kind == KIND_SR && strcmp(ep->port, TOPO_MGMT_PORT) == 0;
}

int topo_mgmt_link(const struct topology *t, int node)
{
    for (int i = 0; i < t->n_links; i++)
        for (int e = 0; e < 2; e++)
            if (t->links[i].ep[e].node == node && topo_is_mgmt(t, &t->links[i].ep[e]))
                return i;
    return -1;
}

const char *topo_kind_name(enum topo_kind k)
{
    switch (k) {
    case KIND_SR: return "sr";
    case KIND_LINUX: return "linux";
    case KIND_BRIDGE: return "bridge";
    case KIND_STRONGSWAN: return "strongswan";
    }
    return "?";
}

void topo_ifname(const struct topology *t, const struct topo_endpoint *ep, char *out, size_t len)
{
    if (t->nodes[ep->node].kind == KIND_SR && !topo_is_mgmt(t, ep)) {
        /* iom/port.c: chassis port 1/1/1 is the veth e1-1-1 */
        snprintf(out, len, "e%s", ep->port);
        for (char *p = out; *p; p++)
            if (*p == '/')
                *p = '-';
        return;
    }
    snprintf(out, len, "%s", ep->port);
}

int topo_chassis_procs(const struct topo_node *n, char names[][16], int max)
{
    int k = 0;
    if (k < max)
        snprintf(names[k++], 16, "cpm");
    for (int i = 0; i < n->n_cards && k < max; i++)
        snprintf(names[k++], 16, "iom-%u", n->cards[i].slot % 100);
    for (int i = 0; i < n->n_cards; i++)
        for (int m = 0; m < n->cards[i].n_mdas && k < max; m++) {
            bool isa = false;
            mda_ports(n->cards[i].mdas[m].type, &isa);
            if (isa)
                snprintf(names[k++], 16, "isa-%u/%u", n->cards[i].slot % 100,
                         n->cards[i].mdas[m].mda % 10);
        }
    if (n->mcs && k < max)
        snprintf(names[k++], 16, "mcs");
    return k;
}

/* The configuration printed back as classic CLI text (admin display-config,
 * info). The output loads again unchanged: the round trip is tested. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "strbuf.h"

/* Numbers inside keys compare as numbers: card 2 before card 10,
 * 1/1/2 before 1/1/10. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
            if (x != y)
                return x < y ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static bool key_is_named(const struct schema *sc)
{
    if (!sc->key)
        return false;
    char first[64];
    snprintf(first, sizeof first, "%s", sc->key);
    char *sp = strchr(first, ' ');
    if (sp)
        *sp = 0;
    const struct gel *p = grammar_param(sc->g, first);
    return p && (p->ptype == P_STR || p->ptype == P_NAME);
}

static int child_cmp(const void *pa, const void *pb)
{
    const struct cfg_node *a = *(struct cfg_node *const *)pa;
    const struct cfg_node *b = *(struct cfg_node *const *)pb;
    if (a->sc->index != b->sc->index)
        return a->sc->index < b->sc->index ? -1 : 1;
    if (a->key && b->key && !key_is_named(a->sc)) {
        int c = natural_cmp(a->key, b->key);
        if (c)
            return c;
    }
    /* named objects (interfaces) keep their creation order */
    return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

static size_t sorted_children(const struct cfg_node *n, struct cfg_node ***out)
{
    size_t count = 0;
    for (struct cfg_node *c = n->child; c; c = c->next)
        count++;
    struct cfg_node **arr = count ? malloc(count * sizeof *arr) : NULL;
    size_t i = 0;
    for (struct cfg_node *c = n->child; c; c = c->next)
        arr[i++] = c;
    if (count > 1)
        qsort(arr, count, sizeof *arr, child_cmp);
    *out = arr;
    return count;
}

static bool worth_printing(const struct cfg_node *n)
{
    const struct schema *sc = n->sc;
    if (!(sc->flags & SC_CONTAINER))
        return true;
    if (sc->flags & (SC_MULTI | SC_PRESENCE | SC_ADMIN))
        return true;
    for (const struct cfg_node *c = n->child; c; c = c->next)
        if (worth_printing(c))
            return true;
    return false;
}

static void print_node(struct strbuf *sb, const struct cfg_node *n, int depth);

static void print_children(struct strbuf *sb, const struct cfg_node *n, int depth)
{
    struct cfg_node **kids;
    size_t count = sorted_children(n, &kids);
    for (size_t i = 0; i < count; i++)
        print_node(sb, kids[i], depth);
    free(kids);
}

static void print_node(struct strbuf *sb, const struct cfg_node *n, int depth)
{
    if (!worth_printing(n))
        return;
    char args[1024];
    cfg_node_args(n, args, sizeof args);
    sb_repeat(sb, ' ', depth * 4);
    sb_printf(sb, "%s%s%s\n", n->sc->word, args, (n->sc->flags & SC_CREATE) ? " create" : "");
    if (!(n->sc->flags & SC_CONTAINER))
        return;
    print_children(sb, n, depth + 1);
    if (n->sc->flags & SC_ADMIN) {
        sb_repeat(sb, ' ', (depth + 1) * 4);
        sb_puts(sb, n->admin_up ? "no shutdown\n" : "shutdown\n");
    }
    sb_repeat(sb, ' ', depth * 4);
    sb_puts(sb, "exit\n");
}

char *cfg_display(const struct cfg_tree *tree, const char *banner)
{
    struct strbuf sb;
    sb_init(&sb);
    if (banner)
        sb_printf(&sb, "%s", banner);
    sb_puts(&sb, "exit all\nconfigure\n");
    struct cfg_node **kids;
    size_t count = sorted_children(tree->root, &kids);
    const struct schema *section = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!worth_printing(kids[i]) || (kids[i]->sc->flags & SC_DEBUG))
            continue;
        if (kids[i]->sc != section && kids[i]->sc->section) {
            section = kids[i]->sc;
            sb_printf(&sb, "#--------------------------------------------------\n"
                           "echo \"%s\"\n"
                           "#--------------------------------------------------\n",
                      section->section);
        }
        print_node(&sb, kids[i], 1);
    }
    free(kids);
    sb_puts(&sb, "exit all\n");
    return sb_take(&sb);
}

char *cfg_info(const struct cfg_node *n)
{
    struct strbuf sb;
    sb_init(&sb);
    print_children(&sb, n, 0);
    if (n->parent && (n->sc->flags & SC_ADMIN))
        sb_puts(&sb, n->admin_up ? "no shutdown\n" : "shutdown\n");
    return sb_take(&sb);
}

char *cfg_debug_display(const struct cfg_tree *tree)
{
    struct strbuf sb;
    sb_init(&sb);
    const struct cfg_node *dbg = cfg_child(tree->root, "debug");
    sb_puts(&sb, "debug\n");
    if (dbg)
        print_children(&sb, dbg, 1);
    sb_puts(&sb, "exit\n");
    return sb_take(&sb);
}

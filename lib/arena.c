#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define ARENA_CHUNK 16384

void arena_init(struct arena *a)
{
    a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct arena_chunk *c = a->head;
    if (!c || c->used + size > c->size) {
        size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c)
            abort();
        c->size = cap;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    memcpy(p, s, n);
    return p;
}

void arena_push(struct arena *a, void ***arr, size_t *n, void *ptr)
{
    /* capacity is 4, then the next power of two: full when n is one */
    size_t k = *n;
    if (k == 0 || (k >= 4 && (k & (k - 1)) == 0)) {
        void **grown = arena_alloc(a, sizeof *grown * (k ? k * 2 : 4));
        if (k)
            memcpy(grown, *arr, sizeof *grown * k);
        *arr = grown;
    }
    (*arr)[(*n)++] = ptr;
}

void arena_free(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

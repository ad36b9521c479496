/* A bump allocator: many small allocations freed at once (used to build
 * protobuf-c messages field by field, then pack them). */
#ifndef SRLAB_ARENA_H
#define SRLAB_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
    struct arena_chunk *head;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);      /* zeroed */
char *arena_strdup(struct arena *a, const char *s);
/* Appends ptr to a growing array of pointers (protobuf-c repeated fields). */
void arena_push(struct arena *a, void ***arr, size_t *n, void *ptr);
void arena_free(struct arena *a);

#endif

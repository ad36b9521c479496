/* The configuration in SQLite (WAL): one row per configured object, written
 * incrementally in one SQLite transaction per commit, so a cpm killed at any
 * moment restarts with the last committed configuration. */
#ifndef SRLAB_CPM_CONFIG_STORE_H
#define SRLAB_CPM_CONFIG_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "config.h"

struct cfg_store;

struct cfg_store *cfg_store_open(const char *path, char *err, size_t errlen);
void cfg_store_close(struct cfg_store **store);
sqlite3 *cfg_store_db(struct cfg_store *store);

/* Fills an empty tree from the store. *generation is 0 when nothing was
 * ever committed. Returns -1 with err when a stored row is not valid. */
int cfg_store_load(struct cfg_store *store, struct cfg_tree *tree, uint64_t *generation,
                   char *err, size_t errlen);

/* Writes the transaction's changes as `generation`. On failure nothing is
 * written (the caller then rolls the transaction back). */
int cfg_store_commit(struct cfg_store *store, const struct cfg_txn *txn, uint64_t generation,
                     const char *source, char *err, size_t errlen);

#endif

/* libFuzzer target for tools/srlab/topology.c: a lab topology file parsed
 * and checked whole, then freed. Relative file names resolve under /tmp. */
#include <stdint.h>
#include <stdlib.h>

#include "topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    struct topology *t = topo_parse((const char *)data, size, "/tmp", err, sizeof err);
    topo_free(&t);
    return 0;
}

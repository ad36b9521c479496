/* libFuzzer target for lib/dp.c's receive side: the input is one datagram
 * on the iom/ISA hand-off socket, read record by record (dp_next) and each
 * record's header parsed (dp_hdr_read). Every record handed out must lie
 * inside the datagram, a parsed header inside its record, and the walk must
 * end. */
#include <stdlib.h>
#include <string.h>

#include "dp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dp_rx *rx;
    if (!rx)
        rx = malloc(sizeof *rx);
    if (size > DP_DGRAM_MAX)
        size = DP_DGRAM_MAX;
    memcpy(rx->buf[0], data, size);
    rx->len[0] = size;
    rx->n = 1;
    rx->cur = 0;
    rx->off = 0;
    const uint8_t *rec;
    size_t len;
    int got;
    for (unsigned steps = 0; (got = dp_next(rx, &rec, &len)) != 0; steps++) {
        if (steps > DP_DGRAM_MAX)
            abort(); /* a walk that does not end */
        if (got < 0)
            continue;
        if (rec < rx->buf[0] || rec + len > rx->buf[0] + size)
            abort();
        struct dp_hdr h;
        int hl = dp_hdr_read(rec, len, &h);
        if (hl > (int)len)
            abort();
    }
    return 0;
}

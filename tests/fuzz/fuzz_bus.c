/* libFuzzer target for lib/bus.c: one serialized envelope as it arrives in
 * a ZeroMQ frame. An envelope the bus accepts must pack and unpack again. */
#include <stdio.h>
#include <stdlib.h>

#include "bus.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        log_open("fuzz", "/dev/null");
        ready = 1;
    }
    struct bus_stats stats = { 0 };
    bus_msg_t *env = bus_unpack(data, size, &stats, "fuzz");
    if (env) {
        size_t len = srlab__envelope__get_packed_size(env);
        uint8_t *buf = malloc(len ? len : 1);
        if (srlab__envelope__pack(env, buf) != len) {
            fprintf(stderr, "fuzz_bus: packed size differs from get_packed_size\n");
            abort();
        }
        bus_msg_t *again = bus_unpack(buf, len, &stats, "fuzz-repack");
        if (!again) {
            fprintf(stderr, "fuzz_bus: a re-packed %s envelope (%zu bytes) is refused\n",
                    bus_body_name(env->body_case), len);
            abort();
        }
        bus_free(&again);
        free(buf);
    }
    bus_free(&env);
    return 0;
}

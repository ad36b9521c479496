/* libFuzzer target for mcs/frame.c: bytes from the MCS TCP stream, arriving
 * in pieces of sizes the input chooses (its first byte), parsed into frames
 * until more bytes are needed or the stream is refused. A frame taken must
 * be an envelope MCS carries; a refused stream stops there. */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "mcs/mcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        log_open("fuzz", "/dev/null");
        ready = 1;
    }
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] % 64 + 1;
    data++;
    size--;
    struct mcs_buf in = { 0 };
    struct bus_stats st = { 0 };
    bool refused = false;
    for (size_t off = 0; off < size && !refused; off += piece) {
        size_t n = size - off < piece ? size - off : piece;
        if (mcs_buf_append(&in, data + off, n) != 0)
            break;
        for (;;) {
            bus_msg_t *env = NULL;
            enum mcs_frame_err e = mcs_frame_get(&in, &env, &st);
            if (e == MF_MORE)
                break;
            if (e != MF_OK) {
                refused = true;
                break;
            }
            if (env->body_case != SRLAB__ENVELOPE__BODY_SYNC_BATCH &&
                env->body_case != SRLAB__ENVELOPE__BODY_SYNC_ACK &&
                env->body_case != SRLAB__ENVELOPE__BODY_SYNC_REQUEST) {
                fprintf(stderr, "fuzz_mcs: a frame with body %s was taken\n", bus_body_name(env->body_case));
                abort();
            }
            bus_free(&env);
        }
    }
    mcs_buf_free(&in);
    return 0;
}

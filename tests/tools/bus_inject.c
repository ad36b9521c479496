/* Test tool: sends hostile messages to a ROUTER endpoint of the bus.
 *   bus_inject ENDPOINT IDENTITY KIND [COUNT]
 * KIND: garbage | version | unknown | frames | truncated | empty
 * Exits 0 once everything is sent. */
#include <czmq.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"

static zframe_t *packed(Srlab__Envelope *env)
{
    size_t len = srlab__envelope__get_packed_size(env);
    zframe_t *f = zframe_new(NULL, len);
    srlab__envelope__pack(env, zframe_data(f));
    return f;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bus_inject ENDPOINT IDENTITY KIND [COUNT]\n");
        return 2;
    }
    int count = argc > 4 ? atoi(argv[4]) : 1;
    zsys_set_logstream(NULL);
    zsock_t *s = zsock_new(ZMQ_DEALER);
    zsock_set_identity(s, argv[2]);
    zsock_set_linger(s, 2000);
    if (zsock_connect(s, "%s", argv[1]) != 0)
        return 1;
    for (int i = 0; i < count; i++) {
        zmsg_t *m = zmsg_new();
        const char *kind = argv[3];
        if (strcmp(kind, "garbage") == 0) {
            uint8_t junk[64];
            for (size_t k = 0; k < sizeof junk; k++)
                junk[k] = (uint8_t)(0xff - k * 7 - (size_t)i);
            zmsg_addmem(m, junk, sizeof junk);
        } else if (strcmp(kind, "version") == 0) {
            Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
            Srlab__Heartbeat hb = SRLAB__HEARTBEAT__INIT;
            env.version = 99;
            env.body_case = SRLAB__ENVELOPE__BODY_HEARTBEAT;
            env.heartbeat = &hb;
            zframe_t *f = packed(&env);
            zmsg_append(m, &f);
        } else if (strcmp(kind, "unknown") == 0) {
            /* version 1 and a field 99 this build does not know */
            const uint8_t bytes[] = { 0x08, BUS_VERSION, 0x9a, 0x06, 0x02, 0x08, 0x01 };
            zmsg_addmem(m, bytes, sizeof bytes);
        } else if (strcmp(kind, "frames") == 0) {
            zmsg_addstr(m, "one");
            zmsg_addstr(m, "two");
        } else if (strcmp(kind, "truncated") == 0) {
            Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
            Srlab__Register reg = SRLAB__REGISTER__INIT;
            env.version = BUS_VERSION;
            reg.role = SRLAB__ROLE__ROLE_ISA;
            reg.equipped_type = "isa2-tunnel-with-a-long-name";
            env.body_case = SRLAB__ENVELOPE__BODY_REGISTER;
            env.register_ = &reg;
            zframe_t *f = packed(&env);
            zmsg_addmem(m, zframe_data(f), zframe_size(f) - 5);
            zframe_destroy(&f);
        } else if (strcmp(kind, "empty") == 0) {
            zmsg_addmem(m, "", 0);
        } else {
            fprintf(stderr, "bus_inject: unknown kind %s\n", kind);
            return 2;
        }
        zmsg_send(&m, s);
    }
    zsock_destroy(&s);
    return 0;
}

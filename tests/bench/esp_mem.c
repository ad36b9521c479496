/* esp_mem: the ISA's ESP memory per tunnel (isa/esp.c): heap bytes per
 * pair of SAs (inbound with a 64-packet replay window, as IKE installs
 * them, and outbound), measured with mallinfo2 around their creation, then
 * again after one packet each way on every pair (every SA has been keyed at
 * least once), then after destroying them all.
 *
 *   esp_mem [-n PAIRS] [-t TRANSFORM]
 *
 * PAIRS defaults to 32,000 (an ISA's tunnel limit). One line per transform:
 *
 *   esp-mem aes128-gcm16 pairs=32000 created=... traffic=... left=...
 *
 * created and traffic are bytes per pair, the context cache's slots
 * included; left is bytes still held after every SA is destroyed (per
 * process, not per pair). Only the SA API is used, so older commits can be
 * measured with the same program. Not run by `make bench`: a figure to
 * compare, not a ratio. */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/esp.h"

struct tf_case {
    const char *name, *enc, *auth;
};

static const struct tf_case tf_cases[] = {
    { "aes128-gcm16", "aes128-gcm16", "auth-encryption" },
    { "aes256-sha256", "aes256", "sha256" },
};

static size_t heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static struct esp_sa *new_sa(const struct esp_transform *t, uint32_t spi, bool inbound,
                             const uint8_t *key)
{
    struct esp_sa_params p = {
        .spi = spi,
        .inbound = inbound,
        .tf = *t,
        .enc_key = key,
        .enc_key_len = esp_enc_key_len(t),
        .auth_key = esp_auth_key_len(t) ? key + 36 : NULL,
        .auth_key_len = esp_auth_key_len(t),
        .replay_window = inbound ? 64 : 0,
    };
    char err[256];
    struct esp_sa *sa = esp_sa_new(&p, err, sizeof err);
    if (!sa) {
        fprintf(stderr, "esp_mem: esp_sa_new: %s\n", err);
        exit(1);
    }
    return sa;
}

/* A key per pair: the SPI in the first bytes. */
static void pair_key(uint8_t key[100], uint32_t i)
{
    for (int b = 0; b < 100; b++)
        key[b] = (uint8_t)(b * 7 + 1);
    memcpy(key, &i, sizeof i);
}

static void run(const struct tf_case *c, const struct esp_transform *t, size_t pairs)
{
    struct esp_sa **in = calloc(pairs, sizeof *in), **out = calloc(pairs, sizeof *out);
    if (!in || !out) {
        fprintf(stderr, "esp_mem: out of memory\n");
        exit(1);
    }
    uint8_t key[100];
    size_t h0 = heap_bytes();
    for (size_t i = 0; i < pairs; i++) {
        pair_key(key, (uint32_t)i);
        in[i] = new_sa(t, (uint32_t)(2 * i + 256), true, key);
        out[i] = new_sa(t, (uint32_t)(2 * i + 256), false, key);
    }
    size_t h1 = heap_bytes();
    static uint8_t payload[100], pkt[256], back[256];
    payload[0] = 0x45;
    payload[3] = sizeof payload;
    for (size_t i = 0; i < pairs; i++) {
        size_t len = 0, plen = 0;
        uint8_t nh = 0;
        enum esp_result r = esp_encap(out[i], payload, sizeof payload, 4, pkt, sizeof pkt, &len);
        if (r == ESP_OK)
            r = esp_decap(in[i], pkt, len, back, sizeof back, &plen, &nh);
        if (r != ESP_OK || plen != sizeof payload || memcmp(back, payload, plen) != 0) {
            fprintf(stderr, "esp_mem: %s pair %zu: %s\n", c->name, i, esp_result_name(r));
            exit(1);
        }
    }
    size_t h2 = heap_bytes();
    for (size_t i = 0; i < pairs; i++) {
        esp_sa_destroy(&in[i]);
        esp_sa_destroy(&out[i]);
    }
    size_t h3 = heap_bytes();
    printf("esp-mem %s pairs=%zu created=%.0f traffic=%.0f left=%ld\n", c->name, pairs,
           (double)(h1 - h0) / (double)pairs, (double)(h2 - h0) / (double)pairs,
           (long)h3 - (long)h0);
    fflush(stdout);
    free(in);
    free(out);
}

int main(int argc, char **argv)
{
    const char *only_tf = NULL;
    long pairs = 32000;
    int o;
    while ((o = getopt(argc, argv, "n:t:")) != -1) {
        switch (o) {
        case 'n':
            pairs = strtol(optarg, NULL, 10);
            break;
        case 't':
            only_tf = optarg;
            break;
        default:
            fprintf(stderr, "usage: esp_mem [-n PAIRS] [-t TRANSFORM]\n");
            return 2;
        }
    }
    if (pairs < 1 || pairs > 1000000) {
        fprintf(stderr, "esp_mem: PAIRS is 1 to 1000000\n");
        return 2;
    }
    for (size_t ci = 0; ci < sizeof tf_cases / sizeof tf_cases[0]; ci++) {
        const struct tf_case *c = &tf_cases[ci];
        if (only_tf && strcmp(only_tf, c->name))
            continue;
        struct esp_transform t;
        char err[256];
        if (esp_transform_parse(c->enc, c->auth, &t, err, sizeof err) != 0) {
            fprintf(stderr, "esp_mem: %s/%s: %s\n", c->enc, c->auth, err);
            return 1;
        }
        run(c, &t, (size_t)pairs);
    }
    return 0;
}

/* Hash keys that name a tunnel, built for every packet by the iom (which
 * ISA holds it) and the ISAs (which tunnel it is): hex digits and copied
 * names, no printf (which was 3% of the ISA's time under tunnelled TCP).
 * A tunnel is found by its private-side interface (and name), or by its
 * public addresses. */
#ifndef SRLAB_KEY_H
#define SRLAB_KEY_H

#include <stddef.h>
#include <stdint.h>

#define KEY_NAME_MAX 80
#define KEY_PRIVATE_LEN (8 + 2 * (KEY_NAME_MAX + 1) + 1)
#define KEY_ADDRS_LEN (1 + 32 + 32 + 2 + 1)

/* service, interface and tunnel name (NULL or "": none); names are cut at
 * KEY_NAME_MAX */
void key_private(char k[KEY_PRIVATE_LEN], uint32_t svc, const char *interface, const char *tunnel);
/* family (AF_INET or AF_INET6), local and remote address, and the IP
 * protocol (-1: any) */
void key_addrs(char k[KEY_ADDRS_LEN], int family, const uint8_t *local, const uint8_t *remote,
               int proto);

#endif

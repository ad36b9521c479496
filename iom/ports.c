/* Chassis ports of this IOM: which exist, their link state and MAC. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw.h"
#include "iom.h"
#include "log.h"

void iom_port_ifname(const char *port, char *out, size_t len)
{
    snprintf(out, len, "e%s", port);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '-';
}

int iom_ports_init(struct iom *iom, const char *mdas_arg, Srlab__Register *reg,
                   Srlab__MdaInfo *infos, Srlab__MdaInfo **info_ptrs)
{
    /* --mdas "1=me10-10gb-sfp+,2=me6-10gb-sfp+" */
    char *copy = strdup(mdas_arg ? mdas_arg : ""), *save = NULL;
    size_t n_mdas = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned mda;
        char type[32];
        if (sscanf(tok, "%u=%31s", &mda, type) != 2 || mda < 1 || mda > IOM_MAX_PORT_MDAS ||
            n_mdas >= IOM_MAX_PORT_MDAS) {
            fprintf(stderr, "iom: bad --mdas entry '%s' (want N=type)\n", tok);
            free(copy);
            return -1;
        }
        const struct hw_mda_type *mt = hw_mda_type(type);
        int nports = mt ? mt->ports : 0;
        if (nports <= 0) {
            fprintf(stderr, "iom: MDA %u: '%s' is not a port MDA type\n", mda, type);
            free(copy);
            return -1;
        }
        srlab__mda_info__init(&infos[n_mdas]);
        infos[n_mdas].mda = mda;
        infos[n_mdas].equipped_type = strdup(type);
        info_ptrs[n_mdas] = &infos[n_mdas];
        n_mdas++;
        iom->ports = realloc(iom->ports, sizeof *iom->ports * (iom->n_ports + (size_t)nports));
        for (int p = 1; p <= nports; p++) {
            struct iom_port *port = &iom->ports[iom->n_ports++];
            memset(port, 0, sizeof *port);
            snprintf(port->name, sizeof port->name, "%u/%u/%d", iom->slot % 100, mda % 10, p % 100);
            iom_port_ifname(port->name, port->ifname, sizeof port->ifname);
        }
    }
    free(copy);
    reg->mdas = info_ptrs;
    reg->n_mdas = n_mdas;
    return 0;
}

bool iom_ports_poll(struct iom *iom)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return false;
    bool changed = false;
    for (size_t i = 0; i < iom->n_ports; i++) {
        struct iom_port *p = &iom->ports[i];
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        if (strlen(p->ifname) >= sizeof ifr.ifr_name)
            continue;
        memcpy(ifr.ifr_name, p->ifname, strlen(p->ifname));
        bool present = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
        bool up = present && (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
        char mac[24] = "";
        if (present && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
            const unsigned char *m = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
            snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
                     m[4], m[5]);
        }
        if (present != p->present || up != p->link_up || strcmp(mac, p->mac) != 0) {
            changed = true;
            if (up != p->link_up)
                log_info("port_link", "port=%s link=%s", p->name, up ? "up" : "down");
            p->present = present;
            p->link_up = up;
            snprintf(p->mac, sizeof p->mac, "%s", mac);
        }
    }
    close(fd);
    return changed;
}

void iom_ports_report(struct iom *iom)
{
    if (!iom->card || !card_is_registered(iom->card))
        return;
    Srlab__PortState *states = calloc(iom->n_ports ? iom->n_ports : 1, sizeof *states);
    Srlab__PortState **ptrs = calloc(iom->n_ports ? iom->n_ports : 1, sizeof *ptrs);
    for (size_t i = 0; i < iom->n_ports; i++) {
        srlab__port_state__init(&states[i]);
        states[i].port = iom->ports[i].name;
        states[i].present = iom->ports[i].present;
        states[i].link_up = iom->ports[i].link_up;
        states[i].mac = iom->ports[i].mac;
        ptrs[i] = &states[i];
    }
    Srlab__PortStatus ps = SRLAB__PORT_STATUS__INIT;
    ps.ports = ptrs;
    ps.n_ports = iom->n_ports;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_PORT_STATUS;
    env.port_status = &ps;
    card_send(iom->card, &env);
    free(ptrs);
    free(states);
}

void iom_ports_free(struct iom *iom)
{
    free(iom->ports);
    iom->ports = NULL;
    iom->n_ports = 0;
}

/* Multicast payload over GRE (the chapter: GRE tunnels carry unicast and
 * multicast). Without IGMP/PIM on the private interfaces (not emulated),
 * routable multicast is flooded within its routing instance: from a SAP
 * into every GRE tunnel interface, and out of a GRE tunnel to the other
 * GRE tunnels and to every SAP interface of the instance. Link-local groups
 * (224.0.0.0/24, ff02::/16) are never forwarded. */
#include <string.h>

#include "iom.h"

/* Whether a private tunnel interface carries a GRE (not IP-IP) tunnel. */
static bool is_gre_if(struct iom *iom, const struct iom_if *ifp)
{
    if (ifp->kind != IFK_TUNNEL_PRIVATE || !iom->config)
        return false;
    for (size_t i = 0; i < iom->config->n_ip_tunnels; i++) {
        const Srlab__IpTunnelConfig *t = iom->config->ip_tunnels[i];
        if (t->svc == ifp->svc && strcmp(t->interface, ifp->name) == 0)
            return t->gre;
    }
    return false;
}

bool mcast_routable(const uint8_t *ip, bool v6)
{
    if (v6)
        return ip[24] == 0xff && (ip[25] & 0x0f) > 2; /* scope wider than link-local */
    return ip[16] >= 224 && ip[16] <= 239 && !(ip[16] == 224 && ip[17] == 0 && ip[18] == 0);
}

void mcast_forward(struct iom *iom, struct iom_if *in_if, struct pkt *p, bool v6)
{
    uint8_t *ip = p->data;
    uint8_t *ttl = v6 ? ip + 7 : ip + 8;
    bool from_gre = is_gre_if(iom, in_if);
    /* only what crosses GRE: between SAPs, multicast routing would need PIM */
    bool any_gre = false;
    for (size_t i = 0; i < iom->n_ifs && !any_gre; i++)
        any_gre = iom->ifs[i]->inst == in_if->inst && is_gre_if(iom, iom->ifs[i]);
    if (*ttl <= 1 || (!from_gre && !any_gre)) {
        iom_drop(iom, p, DROP_NO_ROUTE, p->in_port);
        return;
    }
    if (v6)
        ip[7]--;
    else
        ip4_dec_ttl(ip);
    uint8_t mac[ETH_ALEN];
    if (v6) { /* RFC 2464: 33:33 + the group's last 32 bits */
        mac[0] = mac[1] = 0x33;
        memcpy(mac + 2, ip + 36, 4);
    } else {  /* RFC 1112: 01:00:5e + the group's low 23 bits */
        mac[0] = 0x01;
        mac[1] = 0x00;
        mac[2] = 0x5e;
        mac[3] = ip[17] & 0x7f;
        mac[4] = ip[18];
        mac[5] = ip[19];
    }
    for (size_t i = 0; i < iom->n_ifs; i++) {
        struct iom_if *o = iom->ifs[i];
        if (o == in_if || o->inst != in_if->inst || !o->oper_up)
            continue;
        bool gre = is_gre_if(iom, o);
        bool sap = o->kind == IFK_SAP && from_gre;
        if (!gre && !sap)
            continue;
        struct pkt *c = pkt_copy(iom, p->data, p->len);
        if (!c)
            continue;
        c->fc = p->fc;
        c->in_if = in_if;
        if (gre)
            handoff_to_isa(iom, o, c, v6 ? ip + 24 : ip + 16, NULL, false);
        else if (c->len <= o->ip_mtu)
            l2_output(iom, o, c, mac, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
        else
            iom_drop(iom, c, DROP_DF, -1);
    }
    qos_forwarded_in(in_if, p);
    pkt_free(iom, p);
}

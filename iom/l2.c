/* Ethernet: frames in from a port are mapped to their SAP (port, VLAN) and
 * routing interface; routed packets get their Ethernet header here. */
#include <string.h>

#include "iom.h"

struct iom_if *sap_lookup(struct iom *iom, int port, int vlan)
{
    const struct iom_port *p = &iom->ports[port];
    if (!p->saps || vlan < -1 || vlan > 4094)
        return NULL;
    return p->saps[vlan + 1];
}

static bool for_us(const struct iom_port *p, const uint8_t *dst)
{
    return mac_is_multicast(dst) || memcmp(dst, p->mac, ETH_ALEN) == 0;
}

void l2_input(struct iom *iom, int port, struct pkt *pk)
{
    struct eth_view eth;
    if (eth_parse(pk->data, pk->len, &eth) != PKT_OK) {
        iom_drop(iom, pk, DROP_RUNT, port);
        return;
    }
    struct iom_port *p = &iom->ports[port];
    if (!for_us(p, eth.dst)) {
        iom_drop(iom, pk, DROP_NOT_FOR_US, port);
        return;
    }
    /* a null-encapsulated port has one untagged SAP; a dot1q port one per VLAN */
    struct iom_if *ifp = sap_lookup(iom, port, p->dot1q ? eth.vlan : (eth.vlan < 0 ? -1 : -2));
    if (!ifp) {
        iom_drop(iom, pk, DROP_NO_SAP, port);
        return;
    }
    if (!ifp->oper_up) {
        iom_drop(iom, pk, DROP_IF_DOWN, port);
        return;
    }
    if (ifp->kind == IFK_SAP)
        mirror_sap(iom, ifp, pk->data, pk->len, true);
    pk->in_if = ifp;
    pk->vlan = (int16_t)eth.vlan;
    switch (eth.ethertype) {
    case ETHERTYPE_ARP:
        arp_input(iom, ifp, pk, &eth);
        return;
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
        pk->l2_len = (uint16_t)eth.hdr_len;
        pk->data += eth.hdr_len;
        pk->len -= (uint32_t)eth.hdr_len;
        if (eth.ethertype == ETHERTYPE_IPV4)
            ip4_input(iom, ifp, pk);
        else
            ip6_input(iom, ifp, pk);
        return;
    default:
        iom_drop(iom, pk, DROP_ETHERTYPE, port);
        return;
    }
}

void l2_output(struct iom *iom, struct iom_if *oif, struct pkt *pk, const uint8_t *dst_mac,
               uint16_t ethertype)
{
    if (oif->port < 0) {
        iom_drop(iom, pk, DROP_OTHER_IOM, -1);
        return;
    }
    struct iom_port *p = &iom->ports[oif->port];
    if (oif->kind == IFK_SAP && ethertype != ETHERTYPE_ARP)
        qos_egress(iom, oif, pk, ethertype == ETHERTYPE_IPV6);
    size_t hlen = oif->vlan >= 0 ? ETH_HDR_LEN + VLAN_HDR_LEN : ETH_HDR_LEN;
    if ((size_t)(pk->data - pk->head) < hlen)
        pkt_own(pk); /* a ring slot's room is short for this header */
    if ((size_t)(pk->data - pk->head) < hlen) {
        iom_drop(iom, pk, DROP_NO_BUFFER, oif->port);
        return;
    }
    pk->data -= hlen;
    pk->len += (uint32_t)hlen;
    uint8_t *h = pk->data;
    memcpy(h, dst_mac, ETH_ALEN);
    memcpy(h + 6, p->mac, ETH_ALEN);
    if (oif->vlan >= 0) {
        wr16(h + 12, ETHERTYPE_VLAN);
        wr16(h + 14, (uint16_t)oif->vlan);
        wr16(h + 16, ethertype);
    } else {
        wr16(h + 12, ethertype);
    }
    if (oif->kind == IFK_SAP) {
        struct fc_stats *st = &oif->fc[pk->fc < FC_MAX ? pk->fc : FC_BE];
        if (ethertype != ETHERTYPE_ARP && port_usable(p)) {
            st->out_fwd_pkts++;
            st->out_fwd_octets += pk->len;
        }
        mirror_sap(iom, oif, pk->data, pk->len, false);
    }
    port_tx(iom, oif->port, pk);
}

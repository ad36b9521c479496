/* iom/ring.c: a receive slot's descriptor is the kernel's, but checked as
 * hostile input: a frame outside its slot, cut to the slot or left in the
 * socket queue is oversize; another sender's frame is skipped; a VLAN tag
 * the kernel took off is put back in front of the frame. */
#include <criterion/criterion.h>
#include <linux/if_packet.h>
#include <string.h>

#include "iom/iom.h"

#define SLOT 2048
#define MAC_OFF 108

static uint8_t slot[SLOT];

static struct tpacket2_hdr *slot_init(uint32_t status, unsigned mac, unsigned snap, unsigned len)
{
    memset(slot, 0, sizeof slot);
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot;
    h->tp_status = status;
    h->tp_mac = (uint16_t)mac;
    h->tp_snaplen = snap;
    h->tp_len = len;
    struct sockaddr_ll *sll = (void *)(slot + TPACKET_ALIGN(sizeof *h));
    sll->sll_pkttype = PACKET_HOST;
    for (unsigned i = 0; i < snap && mac + i < SLOT; i++)
        slot[mac + i] = (uint8_t)i;
    return h;
}

Test(ring_slot, plain_frame_in_place)
{
    slot_init(TP_STATUS_USER, MAC_OFF, 60, 60);
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_FRAME);
    cr_assert_eq(f.frame, slot + MAC_OFF);
    cr_assert_eq(f.len, 60);
    cr_assert_eq(f.head, slot + TPACKET2_HDRLEN);
}

Test(ring_slot, vlan_tag_put_back)
{
    struct tpacket2_hdr *h =
        slot_init(TP_STATUS_USER | TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID, MAC_OFF, 60, 60);
    h->tp_vlan_tci = 0x2064; /* PCP 1, VLAN 100 */
    h->tp_vlan_tpid = 0x88a8;
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_FRAME);
    cr_assert_eq(f.frame, slot + MAC_OFF - 4);
    cr_assert_eq(f.len, 64);
    for (int i = 0; i < 12; i++)
        cr_assert_eq(f.frame[i], i, "MAC byte %d", i);
    const uint8_t tag[] = { 0x88, 0xa8, 0x20, 0x64 };
    cr_assert_arr_eq(f.frame + 12, tag, 4);
    cr_assert_eq(f.frame[16], 12); /* the ethertype that followed the MACs */
    cr_assert_eq(f.frame[63], 59);
}

Test(ring_slot, vlan_tag_without_tpid_is_8021q)
{
    struct tpacket2_hdr *h = slot_init(TP_STATUS_USER | TP_STATUS_VLAN_VALID, MAC_OFF, 60, 60);
    h->tp_vlan_tci = 7;
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_FRAME);
    const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x07 };
    cr_assert_arr_eq(f.frame + 12, tag, 4);
}

Test(ring_slot, vlan_tag_on_a_runt)
{
    slot_init(TP_STATUS_USER | TP_STATUS_VLAN_VALID, MAC_OFF, 8, 8);
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_RUNT);
}

Test(ring_slot, cut_to_the_slot_is_oversize)
{
    slot_init(TP_STATUS_USER, MAC_OFF, SLOT - MAC_OFF, 9000);
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
}

Test(ring_slot, left_in_the_socket_queue_is_oversize)
{
    slot_init(TP_STATUS_USER | TP_STATUS_COPY, MAC_OFF, 60, 60);
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
}

Test(ring_slot, outside_the_slot_is_oversize)
{
    struct ring_frame f;
    slot_init(TP_STATUS_USER, MAC_OFF, SLOT - MAC_OFF + 1, SLOT - MAC_OFF + 1);
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
    slot_init(TP_STATUS_USER, 60000, 60, 60);
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
    slot_init(TP_STATUS_USER, 8, 60, 60); /* over the descriptor */
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
    slot_init(TP_STATUS_USER, MAC_OFF, 0xffffffffu, 60);
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OVERSIZE);
}

Test(ring_slot, another_senders_frame_is_skipped)
{
    slot_init(TP_STATUS_USER, MAC_OFF, 60, 60);
    ((struct sockaddr_ll *)(slot + TPACKET_ALIGN(sizeof(struct tpacket2_hdr))))->sll_pkttype =
        PACKET_OUTGOING;
    struct ring_frame f;
    cr_assert_eq(ring_slot_parse(slot, SLOT, &f), RING_OUTGOING);
}

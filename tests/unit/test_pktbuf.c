/* iom/pktbuf.c: packets lent a port ring's slot for a poll round take a
 * copy of their bytes (and the room in front, where the L2 header they came
 * with is still read) when still kept at the end of the round; packets freed
 * or reused since are left alone; a round lends at most IOM_RX_BURST. */
#include <criterion/criterion.h>
#include <string.h>

#include "iom/iom.h"

#define SLOT 2048
#define FRAME_OFF 108
#define ROOM_OFF 52

static uint8_t slot[SLOT];

static void slot_init(void)
{
    memset(slot, 0, sizeof slot);
    for (unsigned i = 0; i < 100; i++)
        slot[FRAME_OFF + i] = (uint8_t)i;
}

static struct iom *iom;

static void loan_setup(void)
{
    iom = calloc(1, sizeof *iom);
}

static void loan_teardown(void)
{
    while (iom->free_pkts) {
        struct pkt *p = iom->free_pkts;
        iom->free_pkts = p->next;
        free(p);
    }
    free(iom);
}

Test(pkt_loan, kept_packet_takes_its_bytes_and_room, .init = loan_setup, .fini = loan_teardown)
{
    slot_init();
    struct pkt *p = pkt_borrow(iom, slot + FRAME_OFF, 100, slot + ROOM_OFF);
    cr_assert_not_null(p);
    cr_assert_eq(p->data, slot + FRAME_OFF);
    p->data += 14; /* routed: the L2 header is in front now */
    p->len -= 14;
    p->l2_len = 14;
    pkt_end_loans(iom);
    memset(slot, 0xee, sizeof slot); /* the kernel writes the slot again */
    cr_assert_eq(p->head, p->buf);
    cr_assert_eq(p->len, 86);
    for (unsigned i = 0; i < 100; i++)
        cr_assert_eq(p->data[(int)i - 14], i, "byte %u", i);
    pkt_free(iom, p);
}

Test(pkt_loan, freed_and_reused_packets_are_left_alone, .init = loan_setup, .fini = loan_teardown)
{
    slot_init();
    struct pkt *p = pkt_borrow(iom, slot + FRAME_OFF, 100, slot + ROOM_OFF);
    pkt_free(iom, p);
    struct pkt *q = pkt_alloc(iom); /* the same buffer, now its own */
    cr_assert_eq(q, p);
    memcpy(q->data, "own", 3);
    q->len = 3;
    pkt_end_loans(iom);
    cr_assert_eq(q->head, q->buf);
    cr_assert_eq(q->data, q->buf + PKT_HEADROOM);
    cr_assert_eq(memcmp(q->data, "own", 3), 0);
    pkt_free(iom, q);
}

Test(pkt_loan, round_bounded_by_the_loan_list, .init = loan_setup, .fini = loan_teardown)
{
    slot_init();
    struct pkt *kept[IOM_RX_BURST];
    for (int i = 0; i < IOM_RX_BURST; i++)
        cr_assert_not_null(kept[i] = pkt_borrow(iom, slot + FRAME_OFF, 100, slot + ROOM_OFF));
    cr_assert_null(pkt_borrow(iom, slot + FRAME_OFF, 100, slot + ROOM_OFF));
    cr_assert_eq(iom->drops[DROP_NO_BUFFER], 1);
    pkt_end_loans(iom);
    for (int i = 0; i < IOM_RX_BURST; i++)
        pkt_free(iom, kept[i]);
}

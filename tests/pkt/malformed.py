#!/usr/bin/python3
"""Sends hostile frames at a chassis port from inside a lab host.

    malformed.py IFACE DST_MAC SRC_IP DST_IP

Each case is one frame; prints "CASE n" lines naming how many of each were
sent, so the test can expect exact drop counters. Uses Debian's scapy."""
import sys
from scapy.all import Ether, IP, IPv6, ICMP, ARP, Raw, sendp, raw

iface, dst_mac, src, dst = sys.argv[1:5]
eth = Ether(dst=dst_mac, type=0x0800)
good = raw(IP(src=src, dst=dst) / ICMP())

cases = []
# IPv4 header cut short: 10 bytes after the Ethernet header
cases.append(("ipv4-truncated", raw(eth) + good[:10]))
# IHL 3 (12 bytes): below the minimum of 5
bad_ihl = bytearray(good); bad_ihl[0] = 0x43
cases.append(("ipv4-bad-header-length", raw(eth) + bytes(bad_ihl)))
# total length says 400, the frame carries far less
long_len = IP(src=src, dst=dst, len=400) / ICMP()
cases.append(("ipv4-bad-length", raw(eth) + raw(long_len)))
# checksum wrong
bad_sum = IP(src=src, dst=dst, chksum=0x1234) / ICMP()
cases.append(("ipv4-bad-checksum", raw(eth) + raw(bad_sum)))
# version 5 in an IPv4 frame
bad_ver = bytearray(good); bad_ver[0] = 0x55
cases.append(("ipv4-bad-version", raw(eth) + bytes(bad_ver)))
# IPv6: 20 bytes of a 40-byte header
eth6 = Ether(dst=dst_mac, type=0x86dd)
six = raw(IPv6(src="2001:db8:1::10", dst="2001:db8:2::10") / Raw(b"x" * 8))
cases.append(("ipv6-truncated", raw(eth6) + six[:20]))
# IPv6 payload length beyond the frame
six_long = bytearray(six); six_long[4:6] = (900).to_bytes(2, "big")
cases.append(("ipv6-bad-length", raw(eth6) + bytes(six_long)))
# ARP with a hardware length of 7
arp = bytearray(raw(ARP(op=1, psrc=src, pdst=dst))); arp[4] = 7
cases.append(("arp-malformed", raw(Ether(dst="ff:ff:ff:ff:ff:ff", type=0x0806)) + bytes(arp)))
# 10 bytes: the veth pads it to a 14-byte header with ethertype 0
cases.append(("unknown-ethertype", bytes.fromhex(dst_mac.replace(":", "")) + b"\x00\x01\x02\x03"))

for name, frame in cases:
    sendp(frame, iface=iface, verbose=False)
    print("CASE", name, 1)

#!/usr/bin/python3
"""Sends hostile GRE / IP-IP packets at a chassis's tunnel endpoint.

    bad_gre.py IFACE DST_MAC LOCAL REMOTE

Run where IFACE reaches the chassis's WAN port (the wan bridge namespace).
LOCAL is the tunnel source on the chassis, REMOTE its configured remote.
Prints "CASE counter n" per hostile packet: the ISA counter it must raise."""
import sys
from scapy.all import Ether, IP, ICMP, GRE, Raw, sendp, raw

iface, mac, local, remote = sys.argv[1:5]
eth = Ether(dst=mac)
inner = IP(src="10.2.0.10", dst="10.1.0.10") / ICMP()

def gre_raw(flags_ver, proto, rest=b""):
    return flags_ver.to_bytes(2, "big") + proto.to_bytes(2, "big") + rest

cases = [
    # version 1 (PPTP-style) is not GRE as RFC 2784 has it
    ("gre-bad-version", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0x0001, 0x0800) + raw(inner))),
    # the routing bit (RFC 1701) is not supported
    ("gre-unsupported-flags", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0x4000, 0x0800, b"\0" * 4) + raw(inner))),
    # checksum present and wrong
    ("gre-bad-checksum", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0x8000, 0x0800, b"\x12\x34\0\0") + raw(inner))),
    # a key the tunnel does not have
    ("gre-key-mismatch", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0x2000, 0x0800, (77).to_bytes(4, "big")) + raw(inner))),
    # an unknown payload type
    ("gre-unknown-protocol", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0, 0x88cc) + raw(inner))),
    # GRE header cut short
    ("truncated", IP(src=remote, dst=local, proto=47) / Raw(b"\x00\x00")),
    # a truncated inner packet
    ("inner-packet-malformed", IP(src=remote, dst=local, proto=47) / Raw(gre_raw(0, 0x0800) + raw(inner)[:12])),
]
for name, pkt in cases:
    sendp(eth / pkt, iface=iface, verbose=False)
    print("CASE", name, 1)
# a fragment from a remote no tunnel has: the ISA drops it as no tunnel
frag = IP(src="192.168.77.7", dst=local, proto=47, flags="MF", frag=0) / Raw(b"\0" * 64)
sendp(eth / frag, iface=iface, verbose=False)
print("ISA no-tunnel 1")

#!/usr/bin/python3
"""Sends hostile ESP and UDP-encapsulated ESP at a chassis's static IPsec
tunnels (topology/ipsec-static.yaml), encrypted with Python's own AES-GCM,
AES-CBC and HMAC (python3-cryptography), not with srlab's code.

    bad_esp.py IFACE DST_MAC GCM_LOCAL GCM_REMOTE GCM_SPI GCM_KEY GCM_SEQ \
               CBC_LOCAL CBC_REMOTE CBC_SPI CBC_KEY HMAC_KEY

GCM_*: the raw-ESP tunnel (AES-128-GCM-16), its inbound SPI and key (hex,
with the 4-byte salt). CBC_*: the UDP-encapsulated tunnel (AES-256-CBC +
HMAC-SHA-256-128), its inbound SPI and keys. GCM_SEQ: the next sequence
number the peer will send on the GCM tunnel: the forged packets that pass
the ICV take GCM_SEQ, +1, +2 (so the peer's next three are replays) and
the window stays where real traffic can use it. Prints "CASE TUNNEL counter n"
per hostile packet: the counter of that tunnel it must raise by n."""
import hashlib
import hmac
import os
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import ICMP, IP, UDP, Ether, Raw, raw, sendp

(iface, mac, g_local, g_remote, g_spi, g_key, g_seq, c_local, c_remote, c_spi, c_key,
 h_key) = sys.argv[1:13]
g_spi, c_spi, g_seq = int(g_spi), int(c_spi), int(g_seq)
g_key, c_key, h_key = (bytes.fromhex(k[2:] if k.startswith("0x") else k) for k in (g_key, c_key, h_key))
eth = Ether(dst=mac)
inner = raw(IP(src="10.2.0.10", dst="10.1.0.10") / ICMP(id=7, seq=1) / Raw(b"srlab" * 8))


def trailer(payload, align, next_header, pad_bytes=None):
    """RFC 4303 2.4: padding 1, 2, 3..., pad length, next header."""
    n = (-(len(payload) + 2)) % align
    pad = pad_bytes if pad_bytes is not None else bytes(range(1, n + 1))
    return payload + pad + bytes([len(pad), next_header])


def gcm(seq, payload, next_header=4, pad_bytes=None, icv_flip=False):
    """RFC 4106: nonce = salt | IV, AAD = SPI | seq, ICV 16."""
    hdr = g_spi.to_bytes(4, "big") + seq.to_bytes(4, "big")
    iv = os.urandom(8)
    ct = AESGCM(g_key[:16]).encrypt(g_key[16:] + iv, trailer(payload, 4, next_header, pad_bytes), hdr)
    if icv_flip:
        ct = ct[:-1] + bytes([ct[-1] ^ 1])
    return hdr + iv + ct


def cbc(seq, payload, next_header=4, pad_bytes=None):
    """RFC 3602 + RFC 4868: AES-256-CBC, then HMAC-SHA-256 truncated to 128 bits."""
    hdr = c_spi.to_bytes(4, "big") + seq.to_bytes(4, "big")
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(c_key), modes.CBC(iv)).encryptor()
    body = hdr + iv + enc.update(trailer(payload, 16, next_header, pad_bytes)) + enc.finalize()
    return body + hmac.new(h_key, body, hashlib.sha256).digest()[:16]


def esp(data):
    return eth / IP(src=g_remote, dst=g_local, proto=50) / Raw(data)


def nat_t(data, sport=4500, dport=4500):
    return eth / IP(src=c_remote, dst=c_local) / UDP(sport=sport, dport=dport) / Raw(data)


BASE = 1_000_000  # the CBC tunnel: nothing sent there passes the ICV
cases = [
    ("esp-too-short", "gcm", esp(g_spi.to_bytes(4, "big") + b"\0\0")),
    ("esp-unknown-spi", "gcm", esp((0x9999).to_bytes(4, "big") + os.urandom(60))),
    ("esp-bad-length", "gcm", esp(gcm(g_seq + 9, inner)[:-1])),        # not 4-byte aligned
    ("bad-icv", "gcm", esp(gcm(g_seq + 9, inner, icv_flip=True))),
    ("bad-padding", "gcm", esp(gcm(g_seq + 9, inner, pad_bytes=b"\x07\x07\x07\x07\x07\x07"))),
    # authentic: these two move the replay window to g_seq + 1
    ("bad-next-header", "gcm", esp(gcm(g_seq, inner, next_header=17))),
    ("dummy-packet", "gcm", esp(gcm(g_seq + 1, b"", next_header=59))),
    # 1 is far left of a 64-packet window by now
    ("sequence-too-old", "gcm", esp(gcm(1, inner))),
    ("bad-padding", "cbc", nat_t(cbc(BASE, inner, pad_bytes=b"\x09" * 10))),
    ("bad-icv", "cbc", nat_t(cbc(BASE + 1, inner)[:-1] + b"\0")),
    ("esp-bad-length", "cbc", nat_t(cbc(BASE + 2, inner)[:-17] + b"\0" * 16)),  # 15-byte ciphertext tail
    ("udp-encapsulation-malformed", "cbc",
     eth / IP(src=c_remote, dst=c_local, proto=17) / Raw(b"\x11\x94\x11\x94\x00\x40\x00\x00" + b"\0" * 8)),
    ("udp-encapsulation-malformed", "cbc", eth / IP(src=c_remote, dst=c_local, proto=17) / Raw(b"\x11\x94")),
    ("ike-on-static-tunnel", "cbc", nat_t(b"\0\0\0\0" + os.urandom(28))),
    ("ike-on-static-tunnel", "cbc", nat_t(os.urandom(28), 500, 500)),
]
for name, tunnel, pkt in cases:
    sendp(pkt, iface=iface, verbose=False)
    print("CASE", name, tunnel, 1)
# a NAT keepalive (RFC 3948 2.3) is counted, not dropped
sendp(nat_t(b"\xff"), iface=iface, verbose=False)
print("KEEPALIVE cbc 1")
# and a well-formed packet still gets through after all that
sendp(esp(gcm(g_seq + 2, inner)), iface=iface, verbose=False)
print("GOOD gcm 1")

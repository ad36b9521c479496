#!/usr/bin/env bash
# Static manually keyed IPsec tunnels in topology/ipsec-static.yaml: raw ESP
# (esp-a, AES-128-GCM-16) and ESP in UDP 4500 (udp-a, AES-256-CBC +
# HMAC-SHA-256) carry ping and iperf3; counters match the traffic; tshark
# decrypts a WAN capture with the keys srlab exports; replayed and hostile
# ESP is dropped and counted; ip-mtu / encapsulated-ip-mtu on the wire;
# DSCP copied to the outer header; forbidden changes refused.
source "$(dirname "$0")/lib.sh"
LAB=t-ipsec
if lab_up topology/ipsec-static.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "ipsec-static lab up"; else
  fail "ipsec-static lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
WS=$(mktemp -d /tmp/srlab-ipsec.XXXXXX)
CLEAN_DIRS=("$WS")
trap 'rm -rf "${CLEAN_DIRS[@]}"; cleanup' EXIT

tstat() { # tstat NODE TUNNEL FIELD
  jcli "$1" show ipsec tunnel | json "[t for t in d['tunnels'] if t['name']=='$2'][0]['statistics'].get('$3', 0)"
}
tdrop() { # tdrop NODE TUNNEL REASON
  jcli "$1" show ipsec tunnel | json "[t for t in d['tunnels'] if t['name']=='$2'][0]['statistics'].get('drops', {}).get('$3', 0)"
}
sastat() { # sastat NODE TUNNEL DIRECTION FIELD
  jcli "$1" show ipsec tunnel | json "[s for t in d['tunnels'] if t['name']=='$2' for s in t['security_associations'] if s['direction']=='$3'][0]['$4']"
}
apply() { # apply NODE <<CFG
  local f; f=$(mktemp /tmp/srlab-ipsec.XXXXXX.cfg); cat > "$f"
  "$SRLAB" config -l $LAB "$1" "$f" > /tmp/$LAB.cfg.out 2>&1; local rc=$?; rm -f "$f"; return $rc
}
tun() { # tun TUNNEL LINE...: lines inside chassis-a's ipsec-tunnel TUNNEL
  local t=$1; shift
  for l in "$@"; do
    printf 'configure service vprn 200 interface "to-chassis-b" sap tunnel-1.private:1 ipsec-tunnel "%s" %s\n' "$t" "$l"
  done
}
capture() { # capture FILE SECONDS: chassis-a's WAN port, in the background (waits ready)
  "$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$1" --seconds "$2" 2>/dev/null & capid=$!
  sleep 0.4
}

# --- traffic through both tunnels ---------------------------------------------------------
expect_match "show ipsec tunnel: esp-a and udp-a up, manual keying, security policies 1 and 2" \
"esp-a +192\.168\.1\.2 +200 +Up +Manual
  tunnel-1\.private:1 +192\.168\.2\.2 +100 +Up +1
udp-a +192\.168\.1\.3 +200 +Up +Manual
  tunnel-1\.private:1 +192\.168\.2\.3 +100 +Up +2" "$(cli chassis-a show ipsec tunnel)"
e0=$(tstat chassis-a esp-a encap_packets); d0=$(tstat chassis-a esp-a decap_packets)
eo0=$(tstat chassis-a esp-a encap_octets)
u0=$(tstat chassis-a udp-a encap_packets)
o0=$(sastat chassis-a esp-a outbound packets); i0=$(sastat chassis-b esp-b inbound packets)
check "host-a pings host-b through raw ESP" x host-a ping -c 5 -i 0.2 -W 1 10.2.0.10
check "IPv6 through the same tunnel" x host-a ping -6 -c 5 -i 0.2 -W 1 2001:db8:2::10
check "10.1.0.20 pings 10.2.0.20 through ESP in UDP" x host-a ping -c 5 -i 0.2 -W 1 -I 10.1.0.20 10.2.0.20
expect_eq "esp-a encapsulated the 5 + 5 echo requests" 10 $(( $(tstat chassis-a esp-a encap_packets) - e0 ))
expect_eq "esp-a decapsulated the 10 replies" 10 $(( $(tstat chassis-a esp-a decap_packets) - d0 ))
expect_eq "udp-a encapsulated its 5" 5 $(( $(tstat chassis-a udp-a encap_packets) - u0 ))
expect_eq "chassis-a's outbound SA and chassis-b's inbound SA both counted 10" "10 10" \
  "$(( $(sastat chassis-a esp-a outbound packets) - o0 )) $(( $(sastat chassis-b esp-b inbound packets) - i0 ))"
expect_eq "5 x 84-byte IPv4 + 5 x 104-byte IPv6 echo requests: 940 octets into esp-a" 940 \
  $(( $(tstat chassis-a esp-a encap_octets) - eo0 ))
out=$(x host-a ping -c 2 -i 0.2 -W 1 10.2.0.20 2>&1)
expect_match "10.1.0.10 -> 10.2.0.20 routes into udp-a, outside its security policy: lost" " 0 received" "$out"
expect_eq "counted as outside-security-policy" 2 "$(tdrop chassis-a udp-a outside-security-policy)"
bg host-b iperf3 -s -1 -p 5301
sleep 0.3
got=$(x host-a iperf3 -c 10.2.0.10 -p 5301 -t 2 -J 2>/dev/null | json "d['end']['sum_received']['bytes']")
[ "${got:-0}" -gt 1000000 ] && ok "iperf3 TCP through raw ESP ($got bytes)" || fail "iperf3 TCP through raw ESP ($got)"
bg host-b iperf3 -s -1 -p 5302
sleep 0.3
got=$(x host-a iperf3 -c 10.2.0.20 -B 10.1.0.20 -p 5302 -t 2 -J 2>/dev/null | json "d['end']['sum_received']['bytes']")
[ "${got:-0}" -gt 1000000 ] && ok "iperf3 TCP through ESP in UDP ($got bytes)" || fail "iperf3 TCP through ESP in UDP ($got)"
expect_eq "no ESP drops on chassis-b after all that" "{} {}" \
  "$(jcli chassis-b show ipsec tunnel | json "' '.join(str(t['statistics'].get('drops', {})) for t in d['tunnels'])")"

# --- on the wire, decrypted by tshark with srlab's keys --------------------------------------
cap=$WS/wan.pcap
capture "$cap" 2
x host-a ping -c 1 -W 1 -Q 0xb8 10.2.0.10 >/dev/null
x host-a ping -c 1 -W 1 -I 10.1.0.20 10.2.0.20 >/dev/null
wait $capid
out=$("$SRLAB" keys -l $LAB chassis-a --wireshark "$WS/ws")
expect_match "srlab keys wrote the 4 SAs" "esp_sa: 4 SAs of chassis-a" "$out"
dec() { WIRESHARK_CONFIG_DIR=$WS/ws tshark -r "$cap" "$@" 2>/dev/null; }
outer() { dec -Y "$1" -T fields -E occurrence=f "${@:2}" | head -1; }
inner() { dec -Y "$1" -T fields -E occurrence=l "${@:2}" | head -1; }
expect_eq "tshark: raw ESP (protocol 50) 192.168.1.2 > 192.168.2.2, SPI 0x000003e9" \
  "50	192.168.1.2	192.168.2.2	0x000003e9" \
  "$(outer 'esp.spi==0x3e9 && icmp.type==8' -e ip.proto -e ip.src -e ip.dst -e esp.spi)"
expect_eq "tshark decrypts it: 10.1.0.10 > 10.2.0.10 echo request, GCM ICV good" "10.1.0.10	10.2.0.10	8	1" \
  "$(inner 'esp.spi==0x3e9 && icmp.type==8' -e ip.src -e ip.dst -e icmp.type -e esp.icv_good)"
expect_eq "tshark: ESP in UDP 4500 > 4500 from 192.168.1.3, SPI 0x000003ea" "192.168.1.3	4500	4500	0x000003ea" \
  "$(outer 'esp.spi==0x3ea && icmp.type==8' -e ip.src -e udp.srcport -e udp.dstport -e esp.spi)"
expect_eq "tshark decrypts it: 10.1.0.20 > 10.2.0.20, HMAC-SHA-256-128 ICV good" "10.1.0.20	10.2.0.20	8	1" \
  "$(inner 'esp.spi==0x3ea && icmp.type==8' -e ip.src -e ip.dst -e icmp.type -e esp.icv_good)"
expect_eq "the outer header carries the payload's DSCP (ef = 46)" "46	46" \
  "$(dec -Y 'esp.spi==0x3e9 && icmp.type==8' -T fields -E occurrence=a -e ip.dsfield.dscp | head -1 | tr , '\t')"
expect_eq "no malformed packets on the WAN" 0 "$(dec -Y _ws.malformed | wc -l)"

# --- replay: scapy re-sends what it captured ------------------------------------------------
macb=$(jcli chassis-b show port 1/1/1 | json "d['mac']")
r0=$(tdrop chassis-b esp-b replayed)
x wan /usr/bin/python3 -c "
import sys
from scapy.all import rdpcap, sendp, IP, Ether
pk = [p for p in rdpcap('$cap') if IP in p and p[IP].proto == 50 and p[IP].dst == '192.168.2.2']
for p in pk:
    p[Ether].dst = '$macb'
    sendp(p, iface='pb', verbose=False)
print(len(pk))" > /tmp/$LAB.replay 2>/dev/null
sleep 0.3
expect_eq "the re-sent ESP packet is dropped on chassis-b and counted as replayed" \
  "$(cat /tmp/$LAB.replay)" $(( $(tdrop chassis-b esp-b replayed) - r0 ))

# --- ip-mtu / clear-df-bit / encapsulated-ip-mtu ------------------------------------------------
tun esp-a "ip-mtu 1300" | apply chassis-a && ok "ip-mtu 1300 on esp-a" || fail "ip-mtu 1300 ($(cat /tmp/$LAB.cfg.out))"
out=$(x host-a ping -c 1 -W 1 -s 1372 -M do 10.2.0.10 2>&1)
expect_match "1400-byte DF ping: fragmentation needed (mtu = 1300) from the tunnel interface" \
  "From 10\.255\.0\.1.*(Frag needed|mtu = 1300)" "$out"
expect_eq "counted as needs-fragmentation-df-set on esp-a" 1 "$(tdrop chassis-a esp-a needs-fragmentation-df-set)"
capture "$cap" 2
check "1400-byte ping without DF arrives" x host-a ping -c 1 -W 1 -s 1372 -M dont 10.2.0.10
wait $capid
expect_eq "fragmented before encryption: two ESP packets of SPI 0x3e9 carrying 1300 + 120 bytes" \
  "1300 120" "$(dec -Y 'esp.spi==0x3e9' -T fields -E occurrence=l -e ip.len | paste -sd' ')"
tun esp-a "no ip-mtu" "encapsulated-ip-mtu 1200" | apply chassis-a
r0=$(tstat chassis-b esp-b reassembled)
capture "$cap" 2
x host-a ip route flush cache # forget the path MTU (1300) learnt above
check "1400-byte ping over encapsulated-ip-mtu 1200" x host-a ping -c 1 -W 1 -s 1372 10.2.0.10
wait $capid
sizes=$(tshark -r "$cap" -Y 'ip.src==192.168.1.2 && (ip.flags.mf==1 || ip.frag_offset>0)' -T fields -E occurrence=f -e ip.len 2>/dev/null | sort -n | paste -sd' ')
# 1400 + ESP (8 SPI/seq, 8 IV, 2 pad, 2 trailer, 16 ICV) + 20 = 1456: 1196 + 280
expect_eq "the ESP packet leaves in outer fragments of at most 1200 bytes" "280 1196" "$sizes"
expect_eq "chassis-b reassembled it before decrypting" 1 $(( $(tstat chassis-b esp-b reassembled) - r0 ))
tun esp-a "no encapsulated-ip-mtu" | apply chassis-a

# --- hostile ESP ---------------------------------------------------------------------------------
maca=$(jcli chassis-a show port 1/1/1 | json "d['mac']")
# chassis-b's own keepalives would race the count of the forged one
printf 'configure service vprn 200 interface "to-chassis-a" sap tunnel-1.private:1 ipsec-tunnel "udp-b" manual-keying udp-encapsulation keep-alive-interval 3600\n' | apply chassis-b
before=$(jcli chassis-a show ipsec tunnel | json "{t['name']: t['statistics'].get('drops', {}) for t in d['tunnels']}")
k0=$(tstat chassis-a udp-a keepalives_received)
g0=$(tstat chassis-a esp-a decap_packets)
next=$(( $(sastat chassis-b esp-b outbound sequence) + 1 ))
x wan /usr/bin/python3 tests/pkt/bad_esp.py pa "$maca" 192.168.1.2 192.168.2.2 2001 \
  0xfedcba9876543210fedcba9876543210a1a2a3a4 $next 192.168.1.3 192.168.2.3 2002 \
  0x99999999999999990000000000000000aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb \
  0xccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffff > /tmp/$LAB.cases 2>/tmp/$LAB.cases.err
sleep 0.3
after=$(jcli chassis-a show ipsec tunnel | json "{t['name']: t['statistics'].get('drops', {}) for t in d['tunnels']}")
[ -s /tmp/$LAB.cases ] || { fail "bad_esp.py ran"; sed 's/^/#   /' /tmp/$LAB.cases.err; }
delta() { /usr/bin/python3 -c "import ast,sys; a=ast.literal_eval(sys.argv[1]); b=ast.literal_eval(sys.argv[2]); print(b['$1'].get('$2',0)-a['$1'].get('$2',0))" "$before" "$after"; }
while read -r n reason tunnel; do
  t=$([ "$tunnel" = gcm ] && echo esp-a || echo udp-a)
  expect_eq "hostile ESP: '$reason' counted $n on $t" "$n" "$(delta "$t" "$reason")"
done < <(awk '/^CASE/{print $2, $3}' /tmp/$LAB.cases | sort | uniq -c)
expect_eq "the forged NAT keepalive was counted, not dropped" 1 $(( $(tstat chassis-a udp-a keepalives_received) - k0 ))
printf 'configure service vprn 200 interface "to-chassis-a" sap tunnel-1.private:1 ipsec-tunnel "udp-b" manual-keying udp-encapsulation keep-alive-interval 5\n' | apply chassis-b
expect_eq "a good packet after them still decapsulates" 1 $(( $(tstat chassis-a esp-a decap_packets) - g0 ))
r0=$(tdrop chassis-a esp-a replayed)
out=$(x host-a ping -c 6 -i 0.2 -W 1 10.2.0.10 2>&1)
expect_match "chassis-b's next 3 replies carry the sequence numbers the forgeries used: lost" \
  "6 packets transmitted, 3 received" "$out"
expect_eq "and counted as replayed" 3 $(( $(tdrop chassis-a esp-a replayed) - r0 ))
expect_match "the event log names the bad ICV" 'esp-a" on ISA 1/2 dropped 1 packet: bad-icv' \
  "$(cli chassis-a show log log-id 99)"
check "the tunnels still carry traffic" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10
expect_match "chassis-b sends NAT keepalives every 5 s and chassis-a counts them" "^[1-9]" \
  "$(tstat chassis-a udp-a keepalives_received)"

# --- what may and may not change ------------------------------------------------------------------
tun esp-a "local-gateway-address 192.168.1.9 peer 192.168.2.2 delivery-service 100" | apply chassis-a \
  && fail "local-gateway-address of an up tunnel cannot change" \
  || expect_match "local-gateway-address of an up tunnel cannot change" \
       'is operationally up: shut it down to change its local-gateway-address' "$(cat /tmp/$LAB.cfg.out)"
tun esp-a "security-policy 2" | apply chassis-a && fail "security-policy of an up tunnel cannot change" \
  || expect_match "security-policy of an up tunnel cannot change" 'shut it down to change its security-policy' \
       "$(cat /tmp/$LAB.cfg.out)"
printf 'configure service vprn 200 ipsec security-policy 1 entry 1 remote-ip 10.3.0.0/24\n' | apply chassis-a \
  && fail "a security policy in use by an up tunnel cannot change" \
  || expect_match "a security policy in use by an up tunnel cannot change" 'used by ipsec-tunnel "esp-a", which is operationally up' \
       "$(cat /tmp/$LAB.cfg.out)"
printf 'configure ipsec ipsec-transform 1 esp-encryption-algorithm aes128-gcm12\n' | apply chassis-a \
  && fail "an ipsec-transform in use cannot change" \
  || expect_match "an ipsec-transform in use cannot change" 'ipsec-transform 1 is in use by ipsec-tunnel "esp-a"' \
       "$(cat /tmp/$LAB.cfg.out)"
tun esp-a "manual-keying security-association 1 outbound spi 1111 transform 1 encryption-key 0x0123456789abcdef0123456789abcdef01020304" \
  | apply chassis-a && fail "an SA carrying traffic cannot change" \
  || expect_match "an SA carrying traffic cannot change" 'security-association 1 cannot change' "$(cat /tmp/$LAB.cfg.out)"
tun esp-a "manual-keying security-association 3 inbound spi 3001 transform 1 encryption-key 0x0102" \
  | apply chassis-a && fail "a key of the wrong length is refused" \
  || expect_match "a key of the wrong length is refused" 'needs a 20-byte encryption-key, not 2 bytes' "$(cat /tmp/$LAB.cfg.out)"
printf 'configure ipsec ipsec-transform 9 create\nconfigure ipsec ipsec-transform 9 esp-encryption-algorithm 3des\n' \
  | apply chassis-a && fail "3des is refused" \
  || expect_match "3des is refused with a reason" 'not supported by srlab' "$(cat /tmp/$LAB.cfg.out)"
{ tun esp-a shutdown; printf 'configure service vprn 200 interface "to-chassis-b" sap tunnel-1.private:1 no ipsec-tunnel "esp-a"\n'; } \
  | apply chassis-a && fail "a tunnel a static route uses cannot be deleted" \
  || expect_match "a tunnel a static route uses cannot be deleted" 'next hop of static-route-entry' "$(cat /tmp/$LAB.cfg.out)"
tun esp-a "manual-keying security-association 3 inbound spi 3001 transform 1 encryption-key 0x0123456789abcdef0123456789abcdef01020304" \
  | apply chassis-a && ok "a new inbound SA may be added to an up tunnel (manual rekey)" \
  || fail "adding an inbound SA ($(cat /tmp/$LAB.cfg.out))"
tun esp-a "shutdown" "security-policy 2" "security-policy 1" "no shutdown" | apply chassis-a \
  && ok "shutdown, change, no shutdown in one file is allowed" || fail "shutdown-change-no shutdown ($(cat /tmp/$LAB.cfg.out))"
check "the tunnel is back up" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10

#!/usr/bin/env bash
# GRE and IP-IP tunnels in topology/gre.yaml: traffic through each, counters,
# the wire as tshark sees it, multicast over GRE, ip-mtu / clear-df-bit / encapsulated-ip-mtu /
# reassembly, IPv6 over GRE and Packet Too Big, oper flags, forbidden
# changes, hostile tunnel packets.
source "$(dirname "$0")/lib.sh"
LAB=t-gre
if lab_up topology/gre.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "gre lab up"; else
  fail "gre lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi

tstat() { # tstat NODE TUNNEL FIELD
  jcli "$1" show ip tunnel "$2" | json "d['statistics'].get('$3', 0)"
}
tdrop() { # tdrop NODE TUNNEL REASON
  jcli "$1" show ip tunnel "$2" | json "d['statistics'].get('drops', {}).get('$3', 0)"
}
apply() { # apply NODE <<CFG
  local f; f=$(mktemp /tmp/srlab-gre.XXXXXX.cfg); cat > "$f"
  "$SRLAB" config -l $LAB "$1" "$f" > /tmp/$LAB.cfg.out 2>&1; local rc=$?; rm -f "$f"; return $rc
}
pri() { printf 'configure service vprn 200 interface "to-chassis-b-gre" sap tunnel-1.private:1 ip-tunnel "gre-a" %s\n' "$@"; }

# --- traffic through both tunnels -----------------------------------------------------
expect_match "show ip tunnel: gre-a and ipip-a up" "gre-a .*Up.*
 192\.168\.1\.2 +100 +Up" "$(cli chassis-a show ip tunnel)"
e0=$(tstat chassis-a gre-a encap_packets); d0=$(tstat chassis-a gre-a decap_packets)
check "host-a pings host-b through GRE" x host-a ping -c 5 -i 0.2 -W 1 10.2.0.10
check "host-a pings host-b's second address through IP-IP" x host-a ping -c 5 -i 0.2 -W 1 10.2.0.20
check "IPv6 over the IPv4 GRE tunnel" x host-a ping -6 -c 5 -i 0.2 -W 1 2001:db8:2::10
expect_eq "gre-a encapsulated the 5 + 5 echo requests (IPv4, IPv6)" 10 $(( $(tstat chassis-a gre-a encap_packets) - e0 ))
expect_eq "gre-a decapsulated 15 replies (chassis-b answers 10.2.0.20 over GRE too)" 15 \
  $(( $(tstat chassis-a gre-a decap_packets) - d0 ))
expect_eq "ipip-a encapsulated the 5 requests to 10.2.0.20" 5 "$(tstat chassis-a ipip-a encap_packets)"
bg host-b iperf3 -s -1 -p 5301
sleep 0.3
got=$(x host-a iperf3 -c 10.2.0.10 -p 5301 -t 2 -J 2>/dev/null | json "d['end']['sum_received']['bytes']")
[ "${got:-0}" -gt 1000000 ] && ok "iperf3 TCP through GRE ($got bytes)" || fail "iperf3 TCP through GRE ($got)"
bg host-b iperf3 -s -1 -p 5302
sleep 0.3
got=$(x host-a iperf3 -c 10.2.0.20 -p 5302 -t 2 -J 2>/dev/null | json "d['end']['sum_received']['bytes']")
[ "${got:-0}" -gt 1000000 ] && ok "iperf3 TCP through IP-IP ($got bytes)" || fail "iperf3 TCP through IP-IP ($got)"

# --- on the wire ---------------------------------------------------------------------------
cap=$(mktemp /tmp/srlab-gre.XXXXXX.pcap)
"$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$cap" --seconds 2 2>/dev/null & capid=$!
sleep 0.4
x host-a ping -c 1 -W 1 10.2.0.10 >/dev/null; x host-a ping -c 1 -W 1 10.2.0.20 >/dev/null
wait $capid
expect_eq "tshark: GRE from 192.168.1.2 to 192.168.2.2 carrying 10.1.0.10 > 10.2.0.10" \
  "192.168.1.2,10.1.0.10	192.168.2.2,10.2.0.10	0x0800" \
  "$(tshark -r "$cap" -Y 'gre && icmp.type==8' -T fields -e ip.src -e ip.dst -e gre.proto 2>/dev/null | head -1)"
expect_eq "tshark: IP-IP from 192.168.1.3 to 192.168.2.3 carrying 10.1.0.10 > 10.2.0.20" \
  "192.168.1.3,10.1.0.10	192.168.2.3,10.2.0.20	4,1" \
  "$(tshark -r "$cap" -Y 'ip.proto==4 && icmp.type==8' -T fields -e ip.src -e ip.dst -e ip.proto 2>/dev/null | head -1)"
expect_eq "no malformed packets on the WAN" 0 "$(tshark -r "$cap" -Y _ws.malformed 2>/dev/null | wc -l)"
rm -f "$cap"

# --- multicast payload over GRE (flooded within the VPRN; no IGMP/PIM) -------------------------
mcap=$(mktemp /tmp/srlab-gre.XXXXXX.txt)
x host-b timeout 4 tshark -l -n -i eth0 -f 'ip multicast or ip6 multicast' -T fields \
  -e eth.dst -e ip.dst -e ipv6.dst -e ip.ttl -e ipv6.hlim -e udp.dstport > "$mcap" 2>/dev/null & mcid=$!
sleep 1.5
g0=$(tstat chassis-a gre-a encap_packets)
x host-a /usr/bin/python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 8)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex("eth0"))
l = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
l.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
for i in range(3):
    s.sendto(b"srlab-mcast", ("239.1.1.1", 5000))
    s6.sendto(b"srlab-mcast", ("ff0e::1:2", 5000))
    l.sendto(b"link-local", ("224.0.0.99", 5000))
    time.sleep(0.05)
'
wait $mcid
expect_eq "host-b got 239.1.1.1 three times over GRE, TTL 8-2, MAC 01:00:5e:01:01:01" \
  "3 01:00:5e:01:01:01	239.1.1.1		6		5000" \
  "$(grep -c '239.1.1.1' "$mcap") $(grep '239.1.1.1' "$mcap" | head -1)"
expect_eq "host-b got ff0e::1:2 three times over GRE, hop limit 8-2, MAC 33:33:00:01:00:02" \
  "3 33:33:00:01:00:02		ff0e::1:2		6	5000" \
  "$(grep -c 'ff0e::1:2' "$mcap") $(grep 'ff0e::1:2' "$mcap" | head -1)"
expect_eq "link-local group 224.0.0.99 is not forwarded" 0 "$(grep -c '224.0.0.99' "$mcap")"
expect_eq "gre-a encapsulated the 6 routable multicast packets" 6 $(( $(tstat chassis-a gre-a encap_packets) - g0 ))
rm -f "$mcap"

# --- ip-mtu 1300: DF gets fragmentation needed; no DF is fragmented first ---------------------
pri "ip-mtu 1300" | apply chassis-a && ok "ip-mtu 1300 on gre-a" || fail "ip-mtu 1300 on gre-a"
out=$(x host-a ping -c 1 -W 1 -s 1372 -M do 10.2.0.10 2>&1)
expect_match "1400-byte DF ping: fragmentation needed (mtu = 1300) from the tunnel interface" \
  "From 10.255.0.1 icmp_seq=1 Frag needed and DF set \(mtu = 1300\)" "$out"
expect_eq "counted as needs-fragmentation on gre-a" 1 "$(tdrop chassis-a gre-a needs-fragmentation-df-set)"
cap=$(mktemp /tmp/srlab-gre.XXXXXX.pcap)
"$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$cap" --seconds 2 2>/dev/null & capid=$!
sleep 0.4
check "1400-byte ping without DF arrives" x host-a ping -c 1 -W 1 -s 1372 -M dont 10.2.0.10
wait $capid
expect_eq "fragmented before encapsulation: two GRE packets, inner fragments 1300 and 120 bytes" \
  "1300 120" "$(tshark -r "$cap" -Y 'gre && ip.src==192.168.1.2' -T fields -e ip.len 2>/dev/null | awk -F, '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
rm -f "$cap"
pri "clear-df-bit" | apply chassis-a && ok "clear-df-bit on gre-a" || fail "clear-df-bit on gre-a"
x host-a ip route flush cache   # forget the path MTU learned from the frag-needed above
check "with clear-df-bit the 1400-byte DF ping arrives" x host-a ping -c 1 -W 1 -s 1372 -M do 10.2.0.10
pri "no clear-df-bit" "no ip-mtu" | apply chassis-a

# --- encapsulated-ip-mtu 1200: fragments on the WAN, reassembled on chassis-b --------------------
pri "encapsulated-ip-mtu 1200" | apply chassis-a
x host-a ip route flush cache
r0=$(tstat chassis-b gre-b reassembled)
cap=$(mktemp /tmp/srlab-gre.XXXXXX.pcap)
"$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$cap" --seconds 2 2>/dev/null & capid=$!
sleep 0.4
check "1400-byte ping over encapsulated-ip-mtu 1200" x host-a ping -c 1 -W 1 -s 1372 10.2.0.10
wait $capid
# 1400 + 24 (IPv4 + GRE) = 1424: fragments of 20 + 1176 and 20 + 228 bytes
sizes=$(tshark -o ip.defragment:FALSE -r "$cap" -Y 'ip.src==192.168.1.2' -T fields -e ip.len 2>/dev/null | cut -d, -f1 | sort -n | tr '\n' ' ' | sed 's/ $//')
expect_eq "tunnel packets on the WAN are fragments of at most 1200 bytes" "248 1196" "$sizes"
expect_eq "chassis-b reassembled the tunnel packet" 1 $(( $(tstat chassis-b gre-b reassembled) - r0 ))
rm -f "$cap"
printf 'configure isa tunnel-group 1 no reassembly\n' | apply chassis-b && ok "chassis-b: reassembly off" || fail "chassis-b: reassembly off ($(cat /tmp/$LAB.cfg.out))"
sleep 0.3
out=$(x host-a ping -c 1 -W 1 -s 1372 10.2.0.10 2>&1)
expect_match "without reassembly the fragmented tunnel packet is lost" " 0 received" "$out"
expect_eq "chassis-b counted both fragments as reassembly-off drops" 2 "$(tdrop chassis-b gre-b fragment-reassembly-off)"
printf 'configure isa tunnel-group 1 reassembly 2000\n' | apply chassis-b
pri "no encapsulated-ip-mtu" | apply chassis-a

# --- IPv6 over GRE with ip-mtu 1300: intact, or Packet Too Big with icmp6-generation ----------
pri "ip-mtu 1300" | apply chassis-a
check "1400-byte IPv6 without icmp6-generation goes through intact (chapter)" \
  x host-a ping -6 -c 1 -W 1 -s 1352 2001:db8:2::10
pri "icmp6-generation packet-too-big 10 1" | apply chassis-a && ok "icmp6-generation packet-too-big" || fail "icmp6-generation ($(cat /tmp/$LAB.cfg.out))"
out=$(x host-a ping -6 -c 1 -W 1 -s 1352 2001:db8:2::10 2>&1)
expect_match "1400-byte IPv6 over ip-mtu 1300: Packet Too Big (mtu=1300) from the tunnel interface" \
  "From 2001:db8:ff00::1 icmp_seq=1 Packet too big: mtu=1300" "$out"
expect_eq "counted as ipv6-larger-than-ip-mtu" 1 "$(tdrop chassis-a gre-a ipv6-larger-than-ip-mtu)"
pri "no icmp6-generation" "no ip-mtu" | apply chassis-a

# --- oper flags, forbidden changes -------------------------------------------------------------
pri "dest-ip 10.9.9.9" | apply chassis-a
expect_match "a dest-ip outside the private subnet keeps the tunnel down, with the reason" \
  "Oper State +: Down.*
.*
.*
.*
.*
Oper Flags +: dest-ip-not-in-subnet" "$(cli chassis-a show ip tunnel gre-a | sed -n '/Admin State/,/Oper Flags/p')"
pri "no dest-ip 10.9.9.9" | apply chassis-a
check "the tunnel is back up" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10
pri "source 192.168.1.9" | apply chassis-a && fail "changing source of an up tunnel is refused" || {
  expect_match "changing source of an up tunnel is refused" "is operationally up: shut it down to change its source" "$(cat /tmp/$LAB.cfg.out)"; }
pri "shutdown" "source 192.168.1.9" "source 192.168.1.2" "no shutdown" | apply chassis-a \
  && ok "shutdown, change, no shutdown in one file is allowed" || fail "shutdown-change-no shutdown ($(cat /tmp/$LAB.cfg.out))"
printf 'configure service ies 100 shutdown\nconfigure service no ies 100\n' | apply chassis-a \
  && fail "the delivery service cannot be deleted" \
  || expect_match "the delivery service cannot be deleted" "cannot be deleted|not shut down" "$(cat /tmp/$LAB.cfg.out)"

# --- hostile tunnel packets --------------------------------------------------------------------
mac=$(jcli chassis-a show port 1/1/1 | json "d['mac']")
nt0=$(jcli chassis-a show srlab dataplane | json "[c['counters']['no-tunnel'] for c in d['cards'] if c['card']=='isa' and c['slot']==1 and c['mda']==2][0]")
before=$(jcli chassis-a show ip tunnel gre-a | json "d['statistics'].get('drops', {})")
x wan /usr/bin/python3 tests/pkt/bad_gre.py pa "$mac" 192.168.1.2 192.168.2.2 > /tmp/$LAB.cases 2>/dev/null
sleep 0.3
after=$(jcli chassis-a show ip tunnel gre-a | json "d['statistics'].get('drops', {})")
for c in $(awk '/^CASE/{print $2}' /tmp/$LAB.cases); do
  d=$(/usr/bin/python3 -c "import ast,sys; a=ast.literal_eval(sys.argv[1]); b=ast.literal_eval(sys.argv[2]); print(b.get('$c',0)-a.get('$c',0))" "$before" "$after")
  expect_eq "hostile GRE '$c' counted once on gre-a" 1 "$d"
done
nt1=$(jcli chassis-a show srlab dataplane | json "[c['counters']['no-tunnel'] for c in d['cards'] if c['card']=='isa' and c['slot']==1 and c['mda']==2][0]")
expect_eq "a fragment from an unknown remote: counted as no-tunnel on the ISA" 1 $((nt1 - nt0))
check "the tunnel still carries traffic" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10

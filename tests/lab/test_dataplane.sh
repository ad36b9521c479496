#!/usr/bin/env bash
# The IOM dataplane in topology/two-chassis.yaml: hosts ping the chassis and
# each other across the WAN (IPv4, IPv6), fragmentation and
# fragmentation-needed / packet-too-big, captures, link control, SAP
# counters against an iperf3 transfer, QoS classes, mirroring, hostile frames.
source "$(dirname "$0")/lib.sh"
LAB=t-dp
RUN=/run/srlab/$LAB
if lab_up topology/two-chassis.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "lab up"; else
  fail "lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi

# --- reachability -------------------------------------------------------------------
check "host-a pings chassis-a 10.1.0.1" x host-a ping -c 2 -i 0.2 -W 1 10.1.0.1
check "host-a pings chassis-a 2001:db8:1::1" x host-a ping -6 -c 2 -i 0.2 -W 1 2001:db8:1::1
check "host-a pings chassis-a's WAN address 192.168.0.1" x host-a ping -c 1 -W 1 192.168.0.1
check "host-a pings host-b across both chassis (IPv4)" x host-a ping -c 3 -i 0.2 -W 1 10.2.0.10
check "host-a pings host-b across both chassis (IPv6)" x host-a ping -6 -c 3 -i 0.2 -W 1 2001:db8:2::10
out=$(x host-a ping -c 1 -W 1 -t 1 10.2.0.10 2>&1)
expect_match "TTL 1 gets time exceeded from chassis-a" "From 10.1.0.1 .*Time to live exceeded" "$out"
out=$(x host-a ping -c 1 -W 1 10.99.0.1 2>&1)
expect_match "no route gets net unreachable from chassis-a" "From 10.1.0.1 .*Destination Net Unreachable" "$out"

# --- fragmentation, with a capture of the WAN port running --------------------------------
cap=$(mktemp /tmp/srlab-dp.XXXXXX.pcap)
"$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$cap" --seconds 4 2>/dev/null & capid=$!
sleep 0.5
check "3000-byte ping, DF clear, crosses the 1500-byte WAN" \
  x host-a ping -c 2 -i 0.3 -W 1 -s 2972 -M dont 10.2.0.10
out=$(x host-a ping -c 1 -W 1 -s 2972 -M do 10.2.0.10 2>&1)
expect_match "3000-byte ping, DF set: fragmentation needed (mtu = 1500) from chassis-a" \
  "From 10.1.0.1 icmp_seq=1 Frag needed and DF set \(mtu = 1500\)" "$out"
out=$(x host-a ping -6 -c 1 -W 1 -s 2952 2001:db8:2::10 2>&1)
expect_match "IPv6 3000 bytes: packet too big (mtu=1500) from chassis-a" \
  "From 2001:db8:1::1 icmp_seq=1 Packet too big: mtu=1500" "$out"
check "3000-byte ping to chassis-a itself is reassembled and answered" \
  x host-a ping -c 1 -W 1 -s 2972 -M dont 10.1.0.1
wait $capid
frames=$(tshark -r "$cap" 2>/dev/null | wc -l)
bad=$(tshark -r "$cap" -Y "_ws.malformed" 2>/dev/null | wc -l)
expect_eq "capture: tshark reads it with no malformed packets" 0 "$bad"
[ "$frames" -gt 6 ] && ok "capture holds $frames frames" || fail "capture holds frames ($frames)"
fwd=$(tshark -r "$cap" -Y "ip.src==10.1.0.10 && ip.dst==10.2.0.10" 2>/dev/null | wc -l)
rev=$(tshark -r "$cap" -Y "ip.src==10.2.0.10 && ip.dst==10.1.0.10" 2>/dev/null | wc -l)
[ "$fwd" -gt 0 ] && [ "$rev" -gt 0 ] && ok "capture shows both directions ($fwd out, $rev in)" \
  || fail "capture shows both directions ($fwd out, $rev in)"
frag=$(tshark -r "$cap" -Y "ip.src==10.1.0.10 && ip.flags.mf==1" -T fields -e frame.len 2>/dev/null | sort -u)
expect_eq "fragments on the WAN are 1514-byte frames" "1514" "$frag"
rm -f "$cap"

# --- link control --------------------------------------------------------------------------
check "srlab link chassis-a:1/1/1 down" "$SRLAB" link -l $LAB chassis-a:1/1/1 down
out=$(x host-a ping -c 3 -i 0.2 -W 1 10.2.0.10 2>&1)
expect_match "link down: the ping fails" " 0 received" "$out"
expect_match "status reports the cut link" '"down":true' "$("$SRLAB" status -l $LAB --json)"
check "srlab link chassis-a:1/1/1 up" "$SRLAB" link -l $LAB chassis-a:1/1/1 up
sleep 0.3
check "link up: the ping works again" x host-a ping -c 3 -i 0.2 -W 1 10.2.0.10
check "srlab link set --loss 50" "$SRLAB" link -l $LAB chassis-a:1/1/1 set --loss 50
got=$(x host-a ping -c 400 -i 0.002 -W 1 -q 10.2.0.10 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
note "loss 50%: $got of 400 pings answered"
[ "${got:-0}" -ge 140 ] && [ "${got:-0}" -le 260 ] && ok "loss 50 loses about half ($got/400 answered)" \
  || fail "loss 50 loses about half ($got/400 answered)"
check "srlab link clear" "$SRLAB" link -l $LAB chassis-a:1/1/1 clear

# --- SAP counters against a known iperf3 transfer --------------------------------------------
# UDP: iperf3 reports exactly how many datagrams it sent; each is a 1042-byte frame
# (1000 payload + 8 UDP + 20 IPv4 + 14 Ethernet). The TCP control connection adds a little.
sap_in() { jcli chassis-a show service id 100 sap 1/1/2 stats | json "sum(f['ingress_forwarded_octets'] for f in d['forwarding_classes'])"; }
before=$(sap_in)
bg host-b iperf3 -s -1 -p 5201
sleep 0.5
pkts=$(x host-a iperf3 -c 10.2.0.10 -p 5201 -u -l 1000 -b 40M -t 2 -J 2>/dev/null | json "d['end']['sum']['packets']")
sleep 0.3
after=$(sap_in)
delta=$((after - before)); want=$((pkts * 1042))
note "iperf3 sent $pkts datagrams = $want frame octets; SAP 1/1/2 ingress forwarded $delta octets"
if [ "${pkts:-0}" -gt 1000 ] && [ "$delta" -ge "$want" ] && [ "$delta" -le $((want + 50000)) ]; then
  ok "SAP ingress octets match the iperf3 transfer (plus its control connection)"
else
  fail "SAP ingress octets match the iperf3 transfer (pkts=$pkts want=$want delta=$delta)"
fi

# --- QoS: DSCP EF into forwarding class ef, remarked on the way out --------------------------
cfg=$(mktemp /tmp/srlab-qos.XXXXXX.cfg)
cat > "$cfg" <<'CFG'
configure qos
    sap-ingress 10 create
        dscp ef fc ef
    exit
    sap-egress 20 create
        fc be create
            dscp-in-profile af11
        exit
    exit
exit all
configure service ies 100 interface "to-host-a" sap 1/1/2 ingress qos 10
configure service ies 100 interface "to-host-a" sap 1/1/2 egress qos 20
CFG
check "sap-ingress/sap-egress policies apply" "$SRLAB" config -l $LAB chassis-a "$cfg"
rm -f "$cfg"
ef0=$(jcli chassis-a show service id 100 sap 1/1/2 stats | json "[f['ingress_offered_packets'] for f in d['forwarding_classes'] if f['fc']=='ef'][0]")
x host-a ping -c 5 -i 0.2 -W 1 -Q 0xb8 10.2.0.10 >/dev/null
ef1=$(jcli chassis-a show service id 100 sap 1/1/2 stats | json "[f['ingress_offered_packets'] for f in d['forwarding_classes'] if f['fc']=='ef'][0]")
expect_eq "5 pings with DSCP EF counted in forwarding class ef" 5 $((ef1 - ef0))
cap=$(mktemp /tmp/srlab-dp.XXXXXX.pcap)
"$SRLAB" capture -l $LAB host-a:eth0 -w "$cap" --seconds 2 2>/dev/null & capid=$!
sleep 0.5; x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10 >/dev/null; wait $capid
expect_eq "egress remarking: replies reach host-a with DSCP af11 (10)" "10" \
  "$(tshark -r "$cap" -Y "icmp.type==0" -T fields -e ip.dsfield.dscp 2>/dev/null | sort -u)"
rm -f "$cap"

# --- mirroring to a pcap file -------------------------------------------------------------------
cfg=$(mktemp /tmp/srlab-mir.XXXXXX.cfg)
printf 'configure mirror mirror-dest 1 create\nconfigure mirror mirror-dest 1 no shutdown\ndebug mirror-source 1 port 1/1/1 ingress egress\ndebug mirror-source 1 no shutdown\n' > "$cfg"
check "mirror-dest 1 with a mirror-source on port 1/1/1" "$SRLAB" config -l $LAB chassis-a "$cfg"
rm -f "$cfg"
pingout=$(x host-a ping -c 3 -i 0.2 -W 1 10.2.0.10 2>&1)
mirrored() { [ "$(tshark -r $RUN/chassis-a/mirror-1.pcap -Y icmp 2>/dev/null | wc -l)" -ge 6 ]; }
wait_for 3 mirrored || { note "ping: $pingout"; tshark -r $RUN/chassis-a/mirror-1.pcap 2>&1 | head -5 | sed 's/^/#   /'; }
req=$(tshark -r $RUN/chassis-a/mirror-1.pcap -Y "icmp.type==8 && ip.dst==10.2.0.10" 2>/dev/null | wc -l)
rep=$(tshark -r $RUN/chassis-a/mirror-1.pcap -Y "icmp.type==0 && ip.src==10.2.0.10" 2>/dev/null | wc -l)
expect_eq "mirror file holds the 3 requests (egress) and 3 replies (ingress)" "3 3" "$req $rep"
expect_match "show debug lists the mirror source" "mirror-source 1" "$(cli chassis-a show debug)"

# --- hostile frames: counted by reason, forwarding goes on -----------------------------------------
mac=$(jcli chassis-a show port 1/1/2 | json "d['mac']")
dp() { jcli chassis-a show srlab dataplane | json "[i for i in d['cards'] if i['card']=='iom' and i['slot']==1][0]['counters']"; }
before=$(dp)
x host-a /usr/bin/python3 tests/pkt/malformed.py eth0 "$mac" 10.1.0.10 10.2.0.10 > /tmp/$LAB.cases
sleep 0.3
after=$(dp)
for c in $(awk '/^CASE/{print $2}' /tmp/$LAB.cases); do
  d=$(/usr/bin/python3 -c "import json,sys; a=json.loads(sys.argv[1].replace(\"'\",'\"')); b=json.loads(sys.argv[2].replace(\"'\",'\"')); print(b['$c']-a['$c'])" "$before" "$after")
  expect_eq "hostile frame '$c' counted once" 1 "$d"
done
check "iom still forwards after hostile frames" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10

# --- shows ---------------------------------------------------------------------------------------
expect_match "show router route-table has the static route" "^10\.2\.0\.0/24 +Remote +Static" \
  "$(cli chassis-a show router route-table)"
expect_match "show router arp knows host-a" "^10\.1\.0\.10 +[0-9a-f:]{17} .*Dyn\[I\] to-host-a" \
  "$(cli chassis-a show router arp)"
expect_match "show router neighbor knows host-a" "2001:db8:1::10 +to-host-a" "$(cli chassis-a show router neighbor)"
expect_match "show port 1/1/1 counts traffic" "^Packets +[1-9][0-9]* +[1-9]" "$(cli chassis-a show port 1/1/1)"
expect_match "show service id 100 base lists the SAP up" "^sap:1/1/2 +null +to-host-a +Up +Up" \
  "$(cli chassis-a show service id 100 base)"

# --- hand-off to the ISA: a route into a private tunnel interface --------------------------
cfg=$(mktemp /tmp/srlab-tun.XXXXXX.cfg)
cat > "$cfg" <<'CFG'
configure service ies 100
    interface "tun" tunnel create
        address 10.99.0.1/30
        sap tunnel-1.private:1 create
        exit
    exit
exit all
configure router static-route-entry 10.98.0.0/24 next-hop 10.99.0.2 no shutdown
CFG
check "a private tunnel interface and a route into it" "$SRLAB" config -l $LAB chassis-a "$cfg"
rm -f "$cfg"
cnt() { jcli chassis-a show srlab dataplane | json "[c['counters'].get('$2',0) for c in d['cards'] if c['card']=='$1' and (c['card']=='iom' and c['slot']==1 or c['card']=='isa' and c['slot']==1 and c['mda']==2)][0]"; }
i0=$(cnt iom to-isa-packets); s0=$(cnt isa from-iom-packets)
x host-a ping -c 4 -i 0.2 -W 1 10.98.0.1 >/dev/null
sleep 0.3
expect_eq "iom-1 handed the 4 packets to the active ISA" 4 $(( $(cnt iom to-isa-packets) - i0 ))
expect_eq "isa-1/2 (primary of tunnel-group 1) received them" 4 $(( $(cnt isa from-iom-packets) - s0 ))

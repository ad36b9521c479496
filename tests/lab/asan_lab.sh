#!/usr/bin/env bash
# Run by `make asan` with the sanitizer build: the GRE lab started, worked
# (CLI, config changes, traffic through GRE and IP-IP, fragments, IPv6,
# hostile frames, impairments, a killed ISA and cpm) and stopped; then the
# ike lab with IKEv2 against strongSwan (rekeys, gateways, narrowing,
# fragments, lockout, hostile IKE, a killed ISA); then the mc-ipsec lab
# (election, sync, shunting, the master's ISAs killed, an mcs killed and
# restarted, the link cut and restored, hostile MIMP/BFD/MCS input, a forced
# switchover). Every process must exit 0
# on SIGTERM, and no AddressSanitizer, LeakSanitizer or UBSan report may
# appear in any log.
source "$(dirname "$0")/lib.sh"
LAB=t-asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
BUSINJ=${SRLAB_BUILD:-build/asan}/tests/tools/bus_inject

if lab_up topology/gre.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "sanitizer lab up"; else
  fail "sanitizer lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
for c in chassis-a chassis-b; do
  for cmd in "show card" "show mda" "show isa tunnel-group 1 detail" "show router interface" \
             "show service service-using" "show log log-id 99" "show srlab processes" \
             "admin display-config" "show port" "show port 1/1/1" "show router 200 route-table" \
             "show router arp" "show router 200 neighbor" "show ip tunnel" \
             "show service id 200 sap 1/1/2 stats" "show srlab dataplane" "show srlab bus"; do
    cli $c $cmd > /dev/null || fail "$c: $cmd"
    cli $c --json $cmd > /dev/null || true
  done
done
cli chassis-a show ip tunnel gre-a > /dev/null || fail "chassis-a: show ip tunnel gre-a"
cli chassis-b show ip tunnel gre-b > /dev/null || fail "chassis-b: show ip tunnel gre-b"
ok "show commands ran"
x host-a ping -c 3 -i 0.1 -W 1 10.2.0.10 >/dev/null
x host-a ping -c 3 -i 0.1 -W 1 10.2.0.20 >/dev/null
x host-a ping -6 -c 3 -i 0.1 -W 1 2001:db8:2::10 >/dev/null
x host-a ping -c 2 -i 0.1 -W 1 -s 2972 -M dont 10.2.0.10 >/dev/null
x host-a ping -c 2 -i 0.1 -W 1 -s 2972 10.1.0.1 >/dev/null
printf 'configure service vprn 200 interface "to-chassis-b-gre" sap tunnel-1.private:1 ip-tunnel "gre-a" encapsulated-ip-mtu 1200\n' > /tmp/$LAB.cfg
"$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg >/dev/null
x host-a ping -c 2 -i 0.1 -W 1 -s 1372 10.2.0.10 >/dev/null
mac=$(jcli chassis-a show port 1/1/2 | json "d['mac']")
x host-a /usr/bin/python3 tests/pkt/malformed.py eth0 "$mac" 10.1.0.10 10.2.0.10 >/dev/null 2>&1
mac=$(jcli chassis-a show port 1/1/1 | json "d['mac']")
x wan /usr/bin/python3 tests/pkt/bad_gre.py pa "$mac" 192.168.1.2 192.168.2.2 >/dev/null 2>&1
"$SRLAB" link -l $LAB chassis-a:1/1/1 set --loss 20 --delay 5 --rate 10 >/dev/null
x host-a ping -c 10 -i 0.05 -W 1 10.2.0.10 >/dev/null
"$SRLAB" link -l $LAB chassis-a:1/1/1 clear >/dev/null
ok "traffic, fragments, hostile frames and impairments ran"
printf 'configure service vprn 300 customer 1 create interface "lan" create address 10.30.0.1/24\n' > /tmp/$LAB.cfg
check "config change" "$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg
printf 'configure card 1 mda 2 mda-type bogus\n' > /tmp/$LAB.cfg
"$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg > /dev/null 2>&1
rm -f /tmp/$LAB.cfg
for kind in garbage version unknown frames truncated empty; do
  "$BUSINJ" "ipc:///run/srlab/$LAB/chassis-a/cpm.sock" attacker $kind 2
done
check "kill isa-1/2" "$SRLAB" kill -l $LAB chassis-a isa-1/2
sleep 0.3
x host-a ping -c 3 -i 0.1 -W 1 10.2.0.10 >/dev/null   # now through the backup ISA
check "start isa-1/2" "$SRLAB" start -l $LAB chassis-a isa-1/2
check "kill -9 cpm" "$SRLAB" kill -l $LAB chassis-b cpm
check "start cpm" "$SRLAB" start -l $LAB chassis-b cpm
sleep 1

# stop_and_judge: every process of $LAB stopped with SIGTERM; each must exit
# 0 and no sanitizer report may appear in any log
stop_and_judge() {
  local procs codes reports
  procs=$("$SRLAB" status -l $LAB --json | json "' '.join(n['name']+':'+p['name'] for n in d['nodes'] for p in n['processes'] if p['running'])")
  for np in $procs; do "$SRLAB" kill -l $LAB "${np%%:*}" "${np#*:}" --signal TERM > /dev/null; done
  all_stopped() { [ "$("$SRLAB" status -l $LAB --json | json "sum(p['running'] for n in d['nodes'] for p in n['processes'])")" = 0 ]; }
  if wait_for 20 all_stopped; then ok "$LAB: every process stopped on SIGTERM"; else fail "$LAB: every process stopped on SIGTERM"; fi
  codes=$("$SRLAB" status -l $LAB --json | json "' '.join(n['name']+':'+p['name']+'='+str(p['exit_code']) for n in d['nodes'] for p in n['processes'] if p['exit_code']!=0 and p['name']!='charon')")
  expect_eq "$LAB: every process exited with status 0" "" "$codes"
  reports=$(grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" /run/srlab/$LAB/*/log/*.out 2>/dev/null)
  if [ -z "$reports" ]; then ok "$LAB: no sanitizer report in any process log"; else
    fail "$LAB: no sanitizer report in any process log"
    for f in $reports; do note "$f:"; grep -A12 -E "ERROR: |runtime error" "$f" | head -30 | sed 's/^/#   /'; done
  fi
}
stop_and_judge

# --- IKEv2 with strongSwan (topology/ike.yaml) ---------------------------------------------
LAB=t-asan-ike
if lab_up topology/ike.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "sanitizer IKE lab up"; else
  fail "sanitizer IKE lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
swan() { x peer swanctl "$@" > /dev/null 2>&1; }
up() { "$SRLAB" cli -l $LAB chassis-a --json show ipsec ike-sa | grep -q established; }
wait_for 30 up && ok "auto-established" || fail "auto-established"
x peer-host ping -c 3 -i 0.1 -W 1 10.10.0.10 > /dev/null
swan --rekey --child static; swan --rekey --ike static
x peer-host ping -c 3 -i 0.1 -W 1 10.10.0.10 > /dev/null
for c in gw wide frag; do swan --initiate --child $c; done
for c in badpsk badpsk badpsk badpsk; do timeout 8 "$SRLAB" exec -l $LAB peer -- swanctl --initiate --child $c --timeout 3 > /dev/null 2>&1; done
for cmd in "show ipsec tunnel" "show ipsec tunnel peer-static" "show ipsec ike-sa" "show ipsec gateway" \
           "show ipsec gateway gw tunnel" "show ipsec session-log" "show ipsec lockout" \
           "clear ipsec lockout" "admin ipsec display-keys" "admin ipsec display-keys wireshark" \
           "show router 200 route-table" "show srlab dataplane"; do
  cli chassis-a $cmd > /dev/null || fail "chassis-a: $cmd"
  cli chassis-a --json $cmd > /dev/null || true
done
mac=$(jcli chassis-a show port 1/1/1 | json "d['mac']")
x wan /usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, Raw, sendp
import os
for i in range(200):
    n = os.urandom(1)[0] % 120
    body = os.urandom(n) if i % 3 else bytes(8) + os.urandom(8) + bytes([33, 0x20, 34, 8]) + bytes(4) + (28 + n).to_bytes(4, 'big') + os.urandom(n)
    sendp(Ether(dst='$mac') / IP(src='192.168.0.100', dst='192.168.10.3') / UDP(sport=500 + i, dport=500) / Raw(body), iface='pa', verbose=False)
" > /dev/null 2>&1
ok "IKE exchanges, rekeys, gateways, lockout, show commands and hostile IKE ran"
swan --terminate --ike gw; swan --terminate --ike wide
printf 'configure service vprn 200 interface "to-peer" sap tunnel-1.private:1 ipsec-tunnel "peer-static" shutdown\n' > /tmp/$LAB.cfg
"$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg > /dev/null
rm -f /tmp/$LAB.cfg
check "kill the gateway's ISA with a live dynamic tunnel" "$SRLAB" kill -l $LAB chassis-a isa-1/2
check "start it again" "$SRLAB" start -l $LAB chassis-a isa-1/2
sleep 1
stop_and_judge

# --- MC-IPsec (topology/mc-ipsec.yaml) ---------------------------------------------------------
LAB=t-asan-mc
if lab_up topology/mc-ipsec.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "sanitizer MC-IPsec lab up"; else
  fail "sanitizer MC-IPsec lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
mcstate() { jcli chassis-a show redundancy multi-chassis mc-ipsec peer 172.31.255.2 tunnel-group 1 |
            json "d['tunnel_groups'][0]['master_state']"; }
is_master() { [ "$(mcstate)" = master ]; }
wait_for 20 is_master && ok "MIMP elected chassis-a" || fail "MIMP elected chassis-a ($(mcstate))"
swan() { x peer swanctl "$@" > /dev/null 2>&1; }
swan --initiate --child gw
x peer-host ping -c 3 -i 0.1 -W 1 10.10.0.10 > /dev/null
for c in chassis-a chassis-b; do
  p=$([ $c = chassis-a ] && echo 172.31.255.2 || echo 172.31.255.1)
  for cmd in "show redundancy multi-chassis mc-ipsec peer $p" "show redundancy multi-chassis mc-ipsec peer $p tunnel-group 1" \
             "show redundancy multi-chassis sync" "show srlab dataplane" "show ipsec gateway gw tunnel" \
             "admin display-config"; do
    cli $c $cmd > /dev/null || fail "$c: $cmd"
    cli $c --json $cmd > /dev/null || true
  done
done
# hostile MIMP, BFD and MCS from the management link's far end
x chassis-b /usr/bin/python3 -c "
import os, socket
for port, kind in ((45066, socket.SOCK_DGRAM), (3784, socket.SOCK_DGRAM)):
    s = socket.socket(socket.AF_INET, kind)
    for i in range(100):
        s.sendto(os.urandom(os.urandom(1)[0]), ('172.31.255.1', port))
" > /dev/null 2>&1
pings() { x peer-host ping -c 2 -i 0.2 -W 1 10.10.0.10 > /dev/null; }
bstate() { jcli chassis-b show redundancy multi-chassis mc-ipsec peer 172.31.255.1 tunnel-group 1 |
           json "d['tunnel_groups'][0]['master_state']"; }
b_is() { [ "$(bstate)" = "$1" ]; }
a_is() { [ "$(mcstate)" = "$1" ]; }
"$SRLAB" kill -l $LAB chassis-a isa-1/2 > /dev/null; "$SRLAB" kill -l $LAB chassis-a isa-2/1 > /dev/null
wait_for 20 b_is master; wait_for 20 pings
"$SRLAB" start -l $LAB chassis-a isa-1/2 > /dev/null; "$SRLAB" start -l $LAB chassis-a isa-2/1 > /dev/null
wait_for 20 a_is standby
check "kill chassis-b's mcs (master)" "$SRLAB" kill -l $LAB chassis-b mcs
wait_for 20 a_is eligible; wait_for 20 pings
check "start it again" "$SRLAB" start -l $LAB chassis-b mcs
wait_for 20 b_is standby
"$SRLAB" link -l $LAB chassis-a:mgmt down > /dev/null; wait_for 20 b_is eligible
"$SRLAB" link -l $LAB chassis-a:mgmt up > /dev/null; wait_for 20 b_is standby
sleep 2
cli chassis-b tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 > /dev/null 2>&1
cli chassis-a tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 > /dev/null 2>&1
wait_for 20 b_is master
wait_for 20 pings && ok "traffic after every MC-IPsec failure" || fail "traffic after every MC-IPsec failure (a $(mcstate), b $(bstate))"
stop_and_judge

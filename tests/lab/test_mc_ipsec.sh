#!/usr/bin/env bash
# MC-IPsec (topology/mc-ipsec.yaml): two chassis share the ipsec-gw address
# 192.168.10.3 and the static ipsec-tunnel 192.168.10.2 towards a strongSwan
# peer, which brings up a tunnel to each. Checked: MIMP elects chassis-a
# (priority 200) master and chassis-b standby; the peer's tunnel comes up,
# its state reaches chassis-b's ISA over MCS; a standby that gets IPsec
# traffic shunts it to the master; killing the master's ISAs makes the
# standby master with strongSwan's IKE SA unchanged and its CHILD SA rekeyed
# by the new master; killing the master's mcs hands mastership over the same
# way and a restarted mcs comes back as standby (stickiness); cutting the
# inter-chassis link makes both sides lose the peer, restoring it elects one
# master by priority, resyncs and returns to nominal; equal priorities let
# the active ISA count decide; a controlled switchover; an IPv6 gateway
# address, whose ND answers follow the master; the whole master chassis
# killed (srlab kill NODE all) and booted again. Outages are measured from
# 100/s pings.
source "$(dirname "$0")/lib.sh"
LAB=t-mc
if lab_up topology/mc-ipsec.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "mc-ipsec lab up"; else
  fail "mc-ipsec lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
WS=$(mktemp -d /tmp/srlab-mc.XXXXXX)
trap 'rm -rf "$WS"; cleanup' EXIT
A=chassis-a B=chassis-b
peer_of() { [ "$1" = $A ] && echo 172.31.255.2 || echo 172.31.255.1; }
# mc NODE EXPR: EXPR over tunnel group 1's MC-IPsec state (as g)
mc() { jcli "$1" show redundancy multi-chassis mc-ipsec peer "$(peer_of "$1")" tunnel-group 1 |
       json "(lambda g: $2)(d['tunnel_groups'][0])"; }
sync() { jcli "$1" show redundancy multi-chassis sync | json "(lambda p: $2)(d['peers'][0])"; }
states() { echo "$(mc $A "g['master_state']") $(mc $B "g['master_state']")"; }
is_states() { [ "$(states)" = "$1" ]; }
# ctr NODE KIND COUNTER: a dataplane counter summed over the chassis's iom or isa cards
ctr() { jcli "$1" show srlab dataplane | json "sum(c['counters'].get('$3', 0) for c in d['cards'] if c['card'] == '$2')"; }
# strongSwan's IKE SAs (SPIs, sorted) and CHILD SAs (inbound SPIs, sorted)
ike_spis() { x peer swanctl --list-sas 2>/dev/null | sed -nE 's/.*IKEv2, ([0-9a-f]+_i)\*? ([0-9a-f]+_r).*/\1 \2/p' | sort | tr '\n' ' '; }
child_spis() { x peer swanctl --list-sas 2>/dev/null | sed -nE 's/^ +in +([0-9a-f]+),.*/\1/p' | sort | tr '\n' ' '; }
# both tunnels: the gateway's (peer-host 10.20.0.10) and the static one's (10.21.0.10)
ping_ok() { x peer-host ping -c 2 -i 0.2 -W 1 10.10.0.10 > /dev/null &&
            x peer-host ping -c 2 -i 0.2 -W 1 -I 10.21.0.10 10.10.0.10 > /dev/null; }
# ping_start NAME / ping_gap NAME: 100/s pings from peer-host to host-a; the
# longest silence between replies (ms) and whether replies came at the end
ping_start() { bg peer-host sh -c "ping -D -i 0.01 -W 1 10.10.0.10 > $WS/$1 2>&1"; PING_PID=${BGPIDS[-1]}; }
ping_stop() { sleep 1; kill "$PING_PID" 2>/dev/null; x peer-host pkill -INT -f "ping -D -i 0.01" 2>/dev/null; sleep 0.3; }
ping_gap() { /usr/bin/python3 -c "
import re, sys, time
t = [float(m.group(1)) for m in re.finditer(r'^\[(\d+\.\d+)\] .*icmp_seq', open(sys.argv[1]).read(), re.M)]
print(round(max(b - a for a, b in zip(t, t[1:])) * 1000) if len(t) > 1 else -1, 1 if t and t[-1] > time.time() - 2 else 0)" "$WS/$1"; }

# alone NODE: acting master on its own after losing the peer over BFD
alone() { [ "$(mc "$1" "g['master_state'] + ' ' + g['reason']")" = "eligible peer unreachable (bfd)" ]; }
# resumed NAME NODE WHAT: stops the pings NAME; replies came back through NODE
resumed() {
  sleep 2
  ping_stop
  read -r gap alive <<< "$(ping_gap "$1")"
  expect_eq "traffic resumed through $2" 1 "$alive"
  note "outage after $3: ${gap} ms (longest gap between replies at 100/s)"
}

# --- 1. election and a tunnel through the master ------------------------------------------------
wait_for 15 is_states "master standby" && ok "MIMP: chassis-a master, chassis-b standby" ||
  fail "MIMP election (states: $(states))"
# which rule made chassis-a master at start depends on boot order: both
# eligible when they met (priority), chassis-b's ISAs still coming up (peer
# not eligible), or chassis-b's mcs later than the 2-s discovery interval
# (chassis-a acting alone, then stickiness). Priority is checked for sure
# after the split in section 4.
reason_a=$(mc $A "g['reason']")
case "$reason_a" in
  "higher priority 200 > 100"|"peer not eligible"|stickiness) ok "chassis-a master at start: $reason_a" ;;
  *) fail "chassis-a's reason at start: '$reason_a'" ;;
esac
expect_eq "chassis-b: standby, not forwarding, peer master" "False master" "$(mc $B "str(g['forwarding']) + ' ' + g['peer_state']")"
peers() { echo "$(sync $A "str(p['peer_reachable']) + ' ' + p['bfd_state'] + ' ' + p['sync_state']") $(sync $B "str(p['peer_reachable']) + ' ' + p['bfd_state'] + ' ' + p['sync_state']")"; }
wait_for 5 eval '[ "$(peers)" = "True up in-sync True up in-sync" ]'
expect_eq "both sides: peer reachable over BFD, MCS in sync" "True up in-sync True up in-sync" "$(peers)"
log=$(cli $A show log log-id 99)
expect_match "event log: chassis-a's MIMP state change with the reason" \
  "^\"MC-IPsec tunnel-group 1 changed from [a-zA-Z]+ to master: $reason_a\"$" "$(echo "$log" | grep -A1 MC_REDUNDANCY)"
gwroute() { jcli "$1" show router route-table | json "' '.join(r['protocol'] + ':' + r['interface'] for r in d['routes'] if r['prefix'] == '192.168.10.3/32')"; }
expect_eq "a /32 route of the gateway address (protocol IPsec) in the public service on both chassis" \
  "IPsec:public IPsec:public" "$(gwroute $A) $(gwroute $B)"
check "strongSwan brings up its tunnel to the shared gateway 192.168.10.3" x peer swanctl --initiate --child gw
check "and its tunnel to the static ipsec-tunnel 192.168.10.2" x peer swanctl --initiate --child static
check "ping peer-host -> host-a through both tunnels" ping_ok
installed() { [ "$(mc $B "str(g['installed']) + ' ' + g['protection']")" = "2 nominal" ]; }
wait_for 5 installed && ok "chassis-b's ISAs installed the 2 synced tunnels; protection nominal" ||
  fail "standby installed the tunnel ($(mc $B "g"))"
expect_eq "chassis-a: protection nominal" nominal "$(mc $A "g['protection']")"
peer_mac=$(x peer ip neigh show 192.168.10.3 dev eth0 | awk '{print $3}')
x peer ping -c 1 -W 1 192.168.0.2 > /dev/null; x peer ping -c 1 -W 1 192.168.0.3 > /dev/null
a_mac=$(x peer ip neigh show 192.168.0.2 dev eth0 | awk '{print $3}')
b_mac=$(x peer ip neigh show 192.168.0.3 dev eth0 | awk '{print $3}')
expect_eq "the peer resolved the gateway address to the master's MAC" "$a_mac" "$peer_mac"
spis0=$(ike_spis)

# --- 2. a standby that receives IPsec traffic shunts it to the master ----------------------------
x peer ip neigh replace 192.168.10.3 lladdr "$b_mac" dev eth0 nud permanent
pub0=$(ctr $B iom mc-shunted-public-packets)
check "ping still crosses when the peer sends the gateway's traffic to the standby" ping_ok
pub1=$(ctr $B iom mc-shunted-public-packets)
expect_eq "chassis-b shunted the ESP packets to the master (mc-shunted-public-packets +2)" 2 $((pub1 - pub0))
x peer ip neigh del 192.168.10.3 dev eth0
priv=$(ctr $B iom mc-shunted-private-packets)
if [ "$priv" -ge 2 ]; then ok "chassis-b shunted host-a's clear traffic to the master ($priv packets)"; else
  fail "private shunt counter ($priv)"; fi

# --- 3. kill both ISAs of the master's tunnel group ------------------------------------------------
child0=$(child_spis)
ping_start kill-isas
sleep 1
check "srlab kill chassis-a isa-1/2 and isa-2/1" sh -c "'$SRLAB' kill -l $LAB $A isa-1/2 && '$SRLAB' kill -l $LAB $A isa-2/1"
wait_for 5 is_states "notEligible master" && ok "chassis-b master, chassis-a notEligible" ||
  fail "switchover after the ISAs died (states: $(states))"
resumed kill-isas "the new master" "killing the master's ISAs"
expect_eq "chassis-b's reason" "peer not eligible" "$(mc $B "g['reason']")"
unprotected() { [ "$(mc $B "g['protection']")" = not-ready ]; }
wait_for 3 unprotected && ok "chassis-b's protection not-ready: chassis-a could not take over" ||
  fail "protection with a notEligible peer ($(mc $B "g['protection']"))"
expect_eq "strongSwan's IKE SA SPIs unchanged (no re-authentication)" "$spis0" "$(ike_spis)"
rekeyed() { local c=$(child_spis); [ "$(echo $c | wc -w)" = 2 ] &&
            [ -z "$(comm -12 <(echo $child0 | tr ' ' '\n' | sort) <(echo $c | tr ' ' '\n' | sort))" ]; }
wait_for 5 rekeyed
child1=$(child_spis)
common=$(comm -12 <(echo $child0 | tr ' ' '\n' | sort) <(echo $child1 | tr ' ' '\n' | sort) | tr '\n' ' ')
if [ "$(echo $child1 | wc -w)" = 2 ] && [ -z "$common" ]; then
  ok "the new master rekeyed both CHILD SAs ($child0-> $child1)"; else fail "CHILD SAs rekeyed ($child0-> $child1)"; fi
expect_eq "chassis-b's ISAs: 2 SAs activated, 2 rekeys started" "2 2" \
  "$(ctr $B isa mc-sas-activated) $(ctr $B isa mc-rekeys-started)"
expect_match "event log on chassis-b: standby -> master" 'standby.*master.*peer not eligible' \
  "$(cli $B show log log-id 99 | grep -A1 MC_REDUNDANCY)"
expect_match "session log on chassis-b: activated, then the CHILD SA rekeyed" 'child-sa-rekeyed' \
  "$(cli $B show ipsec session-log 10 | grep -E '^[0-9]+ ')"

# --- 4. the ISAs come back: stickiness keeps chassis-b master --------------------------------------
check "srlab start chassis-a isa-1/2 and isa-2/1" sh -c "'$SRLAB' start -l $LAB $A isa-1/2 && '$SRLAB' start -l $LAB $A isa-2/1"
wait_for 10 is_states "standby master" && ok "chassis-a back as standby: the acting master stays (stickiness)" ||
  fail "stickiness after the ISAs returned (states: $(states))"
expect_eq "chassis-a's reason" stickiness "$(mc $A "g['reason']")"
installed_a() { [ "$(mc $A "str(g['installed']) + ' ' + g['protection']")" = "2 nominal" ]; }
wait_for 10 installed_a && ok "chassis-a's restarted ISAs got the tunnels back from chassis-b (resync); nominal" ||
  fail "resync to chassis-a ($(mc $A "g"))"
check "ping through chassis-b" ping_ok

# --- 5. kill the master's mcs ------------------------------------------------------------------------
ping_start kill-mcs
sleep 1
check "srlab kill chassis-b mcs" "$SRLAB" kill -l $LAB $B mcs
wait_for 5 alone $A && ok "chassis-a: eligible (acting master), reason: peer unreachable (bfd)" ||
  fail "chassis-a after chassis-b's mcs died ($(mc $A "g['master_state'] + ' ' + g['reason']"))"
expect_match "chassis-b (mcs down): its groups are in discovery, not forwarding" "MCS process is down" \
  "$(cli $B show redundancy multi-chassis mc-ipsec peer 172.31.255.1 tunnel-group 1)"
resumed kill-mcs chassis-a "killing the master's mcs"
expect_eq "strongSwan's IKE SA SPIs still unchanged" "$spis0" "$(ike_spis)"
check "srlab start chassis-b mcs" "$SRLAB" start -l $LAB $B mcs
wait_for 10 is_states "master standby" && ok "the restarted mcs comes back standby; chassis-a stays master (stickiness)" ||
  fail "after chassis-b's mcs restart (states: $(states))"
expect_eq "chassis-b's reason" stickiness "$(mc $B "g['reason']")"
installed_b() { [ "$(mc $B "str(g['installed']) + ' ' + g['protection']")" = "2 nominal" ]; }
wait_for 10 installed_b && ok "chassis-b resynced (2 installed, nominal)" || fail "chassis-b resync ($(mc $B "g"))"
check "ping through chassis-a" ping_ok

# --- 6. cut the inter-chassis link ---------------------------------------------------------------------
check "srlab link chassis-a:mgmt down" "$SRLAB" link -l $LAB $A:mgmt down
unreach() { [ "$(sync $A "str(p['peer_reachable'])") $(sync $B "str(p['peer_reachable'])")" = "False False" ]; }
wait_for 5 unreach && ok "both sides report the peer unreachable" || fail "peer unreachable on both sides"
expect_eq "both act as master without a peer (eligible)" "eligible eligible" "$(states)"
expect_eq "MCS down on both sides" "sync-down sync-down" "$(sync $A "p['sync_state']") $(sync $B "p['sync_state']")"
expect_eq "protection not-ready on both sides" "not-ready not-ready" "$(mc $A "g['protection']") $(mc $B "g['protection']")"
check "srlab link chassis-a:mgmt up" "$SRLAB" link -l $LAB $A:mgmt up
wait_for 10 is_states "master standby" && ok "one master again: chassis-a on priority (both were acting masters)" ||
  fail "after the link came back (states: $(states))"
expect_eq "chassis-a's reason" "higher priority 200 > 100" "$(mc $A "g['reason']")"
nominal() { [ "$(mc $A "g['protection']") $(mc $B "g['protection']") $(sync $B "p['sync_state']")" = "nominal nominal in-sync" ]; }
wait_for 10 nominal && ok "resync done: in sync, protection nominal on both sides" ||
  fail "protection after the link came back ($(mc $A "g['protection']") $(mc $B "g['protection']") $(sync $B "p['sync_state']"))"
expect_match "event log on chassis-b: peer unreachable, then reachable" 'unreachable' \
  "$(cli $B show log log-id 99 | grep -A1 MC_REDUNDANCY)"
sleep 1
check "strongSwan's tunnels still carry traffic" ping_ok
expect_eq "no re-authentication through all of it: the IKE SA SPIs are the first ones" "$spis0" "$(ike_spis)"

# --- 7. equal priorities: the active ISA count decides, then the source address ---------------------
"$SRLAB" config -l $LAB $A /dev/stdin > "$WS/cfg.out" 2>&1 <<'CFG' && ok "chassis-a: priority 100, one active ISA" ||
configure redundancy multi-chassis peer 172.31.255.2 mc-ipsec tunnel-group 1 priority 100
configure isa tunnel-group 1 shutdown
configure isa tunnel-group 1 active-mda-number 1
configure isa tunnel-group 1 no shutdown
CFG
  fail "chassis-a config ($(cat "$WS/cfg.out"))"
wait_for 10 is_states "standby master"
expect_eq "active ISAs: chassis-a 1, chassis-b 2" "1 2" "$(mc $A "g['active_isas']") $(mc $B "g['active_isas']")"
"$SRLAB" link -l $LAB $A:mgmt down > /dev/null
wait_for 5 unreach
"$SRLAB" link -l $LAB $A:mgmt up > /dev/null
wait_for 10 is_states "standby master" && ok "both acting, equal priority: chassis-b master with more active ISAs" ||
  fail "active ISA rule (states: $(states))"
expect_eq "chassis-b's reason" "more active ISAs 2 > 1" "$(mc $B "g['reason']")"

# --- 8. a controlled switchover ---------------------------------------------------------------------
out=$(cli $A tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 2>&1)
expect_match "force-switchover refused on the standby" "not master|standby" "$out"
wait_for 10 nominal
out=$(cli $B tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 2>&1)
expect_match "force-switchover accepted on the master" "switchover requested for tunnel-group 1" "$out"
wait_for 5 is_states "master standby" && ok "chassis-a master after the switchover; chassis-b standby" ||
  fail "after force-switchover (states: $(states))"
expect_eq "chassis-b's reason" "forced switchover" "$(mc $B "g['reason']")"
check "strongSwan's tunnels carry traffic through chassis-a" ping_ok
expect_eq "still the first IKE SAs" "$spis0" "$(ike_spis)"

# --- 9. an IPv6 gateway address: strongSwan over IPv6; ND follows the master ---------------------
gw6_cfg() { # gw6_cfg WAN-HOST PUBLIC-HOST: the chassis's IPv6 addresses and the shared gateway 2001:db8:10::3
  local g='configure service ies 100 interface "public" sap tunnel-1.public:1 ipsec-gw "gw6"'
  printf '%s\n' "configure service ies 100 interface \"wan\" ipv6 address 2001:db8::$1/64" \
    "configure service ies 100 interface \"public\" ipv6 address 2001:db8:10::$2/64" \
    "$g create" "$g local-gateway-address 2001:db8:10::3" \
    "$g default-secure-service 200 interface \"dynamic\"" "$g default-tunnel-template 1" \
    "$g ike-policy 1" "$g pre-shared-key \"srlab-mc-demo6\"" "$g no shutdown"
}
gw6_cfg 2 1 | "$SRLAB" config -l $LAB $A /dev/stdin > "$WS/cfg6.out" 2>&1 &&
  gw6_cfg 3 2 | "$SRLAB" config -l $LAB $B /dev/stdin >> "$WS/cfg6.out" 2>&1 &&
  ok "both chassis: ipsec-gw \"gw6\" on the IPv6 address 2001:db8:10::3" ||
  { fail "IPv6 gateway config"; sed 's/^/#   /' "$WS/cfg6.out"; }
x peer ip -6 addr add 2001:db8::100/64 dev eth0 nodad
x peer ip -6 route add 2001:db8:10::/64 dev eth0
x peer ip addr add 10.22.0.1/24 dev eth1
x peer-host ip addr add 10.22.0.10/24 dev eth0
# strongSwan's connection to it, loaded beside the lab's (the settings
# parser merges the two connections sections)
swandir=${SRLAB_RUNDIR:-/run/srlab}/$LAB/peer/swanctl
{ cat "$swandir/swanctl.conf"; cat <<'SWAN'; } > "$swandir/gw6.conf"
connections {
  gw6 {
    local_addrs = 2001:db8::100
    remote_addrs = 2001:db8:10::3
    version = 2
    proposals = aes128gcm16-prfsha256-ecp256
    local {
      auth = psk
      id = peer6.example
    }
    remote {
      auth = psk
      id = 2001:db8:10::3
    }
    children {
      gw6 {
        local_ts = 10.22.0.0/24
        remote_ts = 10.10.0.0/24
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-gw6 {
    id-1 = peer6.example
    id-2 = 2001:db8:10::3
    secret = "srlab-mc-demo6"
  }
}
SWAN
x peer swanctl --load-all --file "$swandir/gw6.conf" > "$WS/swan6.out" 2>&1
check "strongSwan brings up its tunnel to the IPv6 gateway 2001:db8:10::3" x peer swanctl --initiate --child gw6
ping6_ok() { x peer-host ping -c 2 -i 0.2 -W 1 -I 10.22.0.10 10.10.0.10 > /dev/null; }
gw6_mac() { x peer ip -6 neigh show 2001:db8:10::3 dev eth0 | awk '{print $3}'; }
gw6_spis() { x peer swanctl --list-sas --ike gw6 2>/dev/null | sed -nE 's/.*IKEv2, ([0-9a-f]+_i)\*? ([0-9a-f]+_r).*/\1 \2/p'; }
check "ping peer-host (10.22.0.10) -> host-a through the IPv6 tunnel" ping6_ok
expect_eq "the peer resolved 2001:db8:10::3 to the master's (chassis-a's) MAC" "$a_mac" "$(gw6_mac)"
spis6=$(gw6_spis)
cli $A tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 > /dev/null 2>&1
wait_for 5 is_states "standby master" && ok "switchover: chassis-b master" || fail "switchover (states: $(states))"
wait_for 3 eval '[ "$(gw6_mac)" = "$b_mac" ]' &&
  ok "the new master's unsolicited NA moved 2001:db8:10::3 to chassis-b's MAC" ||
  fail "gateway MAC after the switchover: $(gw6_mac), chassis-b's is $b_mac"
check "the IPv6 tunnel carries traffic through chassis-b" ping6_ok
expect_eq "its IKE SA is the first one ($spis6)" "$spis6" "$(gw6_spis)"

# --- 10. the whole master chassis dies ----------------------------------------------------------
# (chassis-a master again first: host-a's gateway is chassis-b, which must live)
cli $B tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 > /dev/null 2>&1
wait_for 5 is_states "master standby" && ok "chassis-a master again (switchover)" ||
  fail "switchover back to chassis-a (states: $(states))"
three() { [ "$(mc $B "str(g['installed']) + ' ' + g['protection']")" = "3 nominal" ]; }
wait_for 10 three && ok "chassis-b holds the 3 tunnels, nominal" || fail "chassis-b before the chassis kill ($(mc $B "g"))"
spis_all=$(ike_spis)
child0=$(child_spis)
ping_start kill-chassis
sleep 1
check "srlab kill chassis-a all (cpm, IOMs, ISAs, mcs at once)" "$SRLAB" kill -l $LAB $A all
wait_for 5 alone $B && ok "chassis-b: eligible (acting master), reason: peer unreachable (bfd)" ||
  fail "chassis-b after chassis-a died ($(mc $B "g['master_state'] + ' / ' + g['reason']"))"
expect_eq "chassis-b shows no peer state while chassis-a is dead" "-" \
  "$(cli $B show redundancy multi-chassis mc-ipsec peer 172.31.255.1 tunnel-group 1 | sed -nE 's/.*Peer State +: (.*)$/\1/p')"
resumed kill-chassis chassis-b "killing the whole master chassis"
check "strongSwan's tunnels carry traffic through chassis-b" ping_ok
check "and the IPv6 one" ping6_ok
expect_eq "strongSwan's 3 IKE SAs unchanged (no re-authentication)" "$spis_all" "$(ike_spis)"
# three CHILD SAs strongSwan did not have before (old ones from earlier
# failovers may still be on their way out)
fresh() { [ "$(comm -13 <(echo $child0 | tr ' ' '\n' | sort) <(child_spis | tr ' ' '\n' | sort) | grep -c .)" -ge 3 ]; }
wait_for 5 fresh && ok "chassis-b rekeyed the 3 CHILD SAs" || fail "CHILD SAs after the chassis kill ($child0-> $(child_spis))"
check "srlab start chassis-a all" "$SRLAB" start -l $LAB $A all
wait_for 15 is_states "standby master" && ok "chassis-a back as standby (stickiness), chassis-b master" ||
  fail "after chassis-a's restart (states: $(states))"
three_a() { [ "$(mc $A "str(g['installed']) + ' ' + g['protection']")" = "3 nominal" ]; }
wait_for 15 three_a && ok "chassis-a resynced the 3 tunnels; nominal" || fail "chassis-a's resync ($(mc $A "g"))"
expect_eq "still the same IKE SAs" "$spis_all" "$(ike_spis)"

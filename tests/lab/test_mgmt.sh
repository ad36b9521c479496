#!/usr/bin/env bash
# A chassis's management interface (nodes.X.mgmt, endpoint X:mgmt): a kernel
# interface of the chassis namespace that mcs uses to reach its peer. It
# carries the node's address, srlab link cuts it, srlab capture sees it, iom
# never opens it, bad topologies are refused with the exact reason, and
# down (or a failed up) leaves nothing behind.
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/srlab-mgmt.XXXXXX)
trap 'cleanup; rm -rf "$dir"' EXIT
LAB=t-mgmt

gone() { # gone LAB: no namespace, veth or run directory of the lab is left
  ip netns list | grep -E "^srl-$1-" || true
  ip -br link | grep -E '^srl[0-9]{5}[ab]' || true
  ls "${SRLAB_RUNDIR:-/run/srlab}" 2>/dev/null | grep -xE "$1" || true
}

if ! lab_up tests/lab/mgmt.yaml "$LAB" >"$dir/up.out" 2>&1; then
  fail "lab $LAB starts"; sed 's/^/#   /' "$dir/up.out"; exit 1
fi
ok "lab $LAB starts"

ping_b() { x chassis-a ping -c1 -W1 172.31.255.2; }
check "chassis-a pings chassis-b over mgmt" ping_b
check "chassis-c pings the management host over a bridge (IPv6)" \
  x chassis-c ping -6 -c1 -W1 2001:db8:ff::100
expect_eq "mgmt has the node's address" "172.31.255.1/30" \
  "$(x chassis-a ip -o -4 addr show dev mgmt | awk '{print $4}')"
expect_eq "IPv6 stays off on chassis-a (IPv4 mgmt)" "" "$(x chassis-a ip -6 addr show)"
expect_eq "iom opened its data port and never mgmt" "if=e1-1-1" \
  "$(grep -ho 'event=port_open port=[^ ]* if=[^ ]*' /run/srlab/$LAB/chassis-a/log/iom-1.log | sed 's/.* //' | sort -u | tr '\n' ' ' | sed 's/ $//')"

st=$("$SRLAB" status --json "$LAB")
expect_eq "status --json: mgmt address and link" "172.31.255.1/30 up True | 2001:db8:ff::3/64 up True" \
  "$(printf '%s' "$st" | json "' | '.join('%s %s %s' % (n['mgmt'], n['mgmt_link'], n['mgmt_up']) for n in d['nodes'] if n['name'] in ('chassis-a', 'chassis-c'))")"
expect_match "status shows mgmt" '^Mgmt  chassis-a:mgmt  172\.31\.255\.1/30  up$' "$("$SRLAB" status "$LAB")"

# cut and restore
expect_eq "link chassis-a:mgmt down" "chassis-a:mgmt is down" "$("$SRLAB" link -l "$LAB" chassis-a:mgmt down 2>&1)"
if ping_b >/dev/null 2>&1; then fail "no ping while mgmt is down"; else ok "no ping while mgmt is down"; fi
expect_eq "status: down here, no carrier at the far end" "down no-carrier" \
  "$("$SRLAB" status --json "$LAB" | json "' '.join(n['mgmt_link'] for n in d['nodes'] if n['name'] in ('chassis-a', 'chassis-b'))")"
expect_eq "link chassis-a:mgmt up" "chassis-a:mgmt is up" "$("$SRLAB" link -l "$LAB" chassis-a:mgmt up 2>&1)"
check "ping again once mgmt is up" wait_for 5 ping_b
expect_eq "mgmt is not impaired (kernel interface)" \
  "srlab: chassis-a:mgmt is a kernel interface: up or down only (impairment is done by chassis data ports; this kernel has no netem)" \
  "$("$SRLAB" link -l "$LAB" chassis-a:mgmt set --loss 5 2>&1)"
"$SRLAB" link -l "$LAB" chassis-c:mgmt down >/dev/null && "$SRLAB" link -l "$LAB" chassis-c:mgmt up >/dev/null
check "an IPv6 mgmt address survives down/up" \
  wait_for 5 x chassis-c ping -6 -c1 -W1 2001:db8:ff::100

# capture: both directions of a ping
"$SRLAB" capture -l "$LAB" chassis-a:mgmt -w "$dir/mgmt.pcap" --seconds 2 2>"$dir/cap.err" &
capture=$!
BGPIDS+=("$capture")
sleep 0.5
x chassis-a ping -c2 -i 0.2 -W1 172.31.255.2 >/dev/null 2>&1
wait "$capture"
expect_eq "capture on mgmt: ICMP both ways" \
  "172.31.255.1 172.31.255.2 8,172.31.255.2 172.31.255.1 0,172.31.255.1 172.31.255.2 8,172.31.255.2 172.31.255.1 0" \
  "$(tshark -r "$dir/mgmt.pcap" -Y icmp -T fields -e ip.src -e ip.dst -e icmp.type 2>/dev/null | tr '\t' ' ' | paste -sd,)"

"$SRLAB" down "$LAB" >/dev/null 2>&1
expect_eq "down leaves no namespace, veth or run directory" "" "$(gone "$LAB")"

# a failed up (a host's exec fails after every link is made) leaves nothing either
sed 's/nodad"\]/nodad", "false"]/' tests/lab/mgmt.yaml > "$dir/fail.yaml"
LABS+=(t-mgmt-fail)
if "$SRLAB" up "$dir/fail.yaml" --name t-mgmt-fail >/dev/null 2>&1; then
  fail "an up whose exec fails is refused"; else ok "an up whose exec fails is refused"; fi
expect_eq "a failed up leaves nothing" "" "$(gone t-mgmt-fail)"

# bad topologies: the exact reason, nothing created
A='cards: { 1: { iom: iom4-e, mdas: { 1: me10-10gb-sfp+ } } }'
bad() { # bad DESCRIPTION EXPECTED-MESSAGE  (topology text on stdin)
  cat > "$dir/t.yaml"
  local out rc
  out=$("$SRLAB" up "$dir/t.yaml" 2>&1); rc=$?
  expect_eq "$1" "exit 1: srlab: $dir/t.yaml: $2" "exit $rc: $out"
  expect_eq "$1: nothing created" "" "$(gone t-mgmt-bad)"
}
bad "mgmt endpoint without an address" \
  "links[0].endpoints[1] (line 6): b has no management address (give nodes.b.mgmt: ADDRESS/PREFIX-LENGTH)" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.1/30, $A }
  b: { kind: sr, $A }
links:
  - endpoints: ["a:mgmt", "b:mgmt"]
Y
bad "mgmt address that is not one" \
  "nodes.a.mgmt (line 3): '172.31.255.300/30' is not an IPv4 or IPv6 address/prefix-length (e.g. 172.31.255.1/30, 2001:db8::1/64)" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.300/30, $A }
Y
bad "mgmt address without a prefix length" \
  "nodes.a.mgmt (line 3): '172.31.255.1' is not an IPv4 or IPv6 address/prefix-length (e.g. 172.31.255.1/30, 2001:db8::1/64)" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.1, $A }
Y
bad "IPv6 prefix length beyond 128" "nodes.a.mgmt (line 3): prefix length '129' is not in 1..128" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: "2001:db8::1/129", $A }
Y
bad "the subnet's broadcast address" "nodes.a.mgmt (line 3): 172.31.255.3 is the broadcast address of its /30" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.3/30, $A }
Y
bad "the same address on two chassis" "nodes.b.mgmt (line 4): 172.31.255.1 is also the mgmt address of a" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.1/30, $A }
  b: { kind: sr, mgmt: 172.31.255.1/24, $A }
Y
bad "two mgmt links on one chassis" \
  "links[1].endpoints[0] (line 8): a:mgmt is already linked (links[0]): a chassis has one management link" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.1/30, $A }
  b: { kind: sr, mgmt: 172.31.255.2/30, $A }
  oob: { kind: bridge }
links:
  - endpoints: ["a:mgmt", "b:mgmt"]
  - endpoints: ["a:mgmt", "oob:p1"]
Y
bad "mgmt joined to a chassis data port" \
  "links[0].endpoints (line 6): a:mgmt cannot join the chassis port b:1/1/1 (a management interface joins another chassis's mgmt, a bridge or a host)" <<Y
name: t-mgmt-bad
nodes:
  a: { kind: sr, mgmt: 172.31.255.1/30, $A }
  b: { kind: sr, $A }
links:
  - endpoints: ["a:mgmt", "b:1/1/1"]
Y
bad "mgmt on a host node" "nodes.h.mgmt (line 3): unknown key (known: kind, exec)" <<Y
name: t-mgmt-bad
nodes:
  h: { kind: linux, mgmt: 172.31.255.1/30 }
Y

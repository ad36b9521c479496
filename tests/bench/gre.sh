#!/usr/bin/env bash
# bench gre: host-a to host-b through a GRE tunnel across both chassis
# (topology/gre.yaml) against the same hosts routed across both chassis
# without a tunnel (topology/two-chassis.yaml), alternating rounds, medians.
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
cleanup() {
  "$SRLAB" down bench-plain >/dev/null 2>&1
  "$SRLAB" down bench-gre >/dev/null 2>&1
  pkill -f "iperf3 -s -p 52" 2>/dev/null
}
trap cleanup EXIT
"$SRLAB" up topology/two-chassis.yaml --name bench-plain >/dev/null || { echo "bench gre: plain lab did not start"; exit 1; }
"$SRLAB" up topology/gre.yaml --name bench-gre >/dev/null || { echo "bench gre: gre lab did not start"; exit 1; }
for l in bench-plain bench-gre; do
  "$SRLAB" exec -l $l host-a -- ping -c 2 -W 1 10.2.0.10 >/dev/null
  # the plain lab's hosts link at 9000: path MTU 1500 like the tunnel's
  "$SRLAB" exec -l $l host-a -- ip link set eth0 mtu 1500
  "$SRLAB" exec -l $l host-b -- ip link set eth0 mtu 1500
done
# as operators do: the tunnel's ip-mtu leaves room for the 24 bytes of
# IPv4 + GRE, so TCP picks a fitting MSS instead of every packet being
# fragmented on the 1500-byte WAN
for side in a b; do
  peer=$([ $side = a ] && echo chassis-b || echo chassis-a)
  printf 'configure service vprn 200 interface "to-%s-gre" sap tunnel-1.private:1 ip-tunnel "gre-%s" ip-mtu 1476\n' $peer $side > /tmp/bench-gre.cfg
  "$SRLAB" config -l bench-gre chassis-$side /tmp/bench-gre.cfg >/dev/null
done
rm -f /tmp/bench-gre.cfg
P=$(mktemp /tmp/bench.XXXXXX); G=$(mktemp /tmp/bench.XXXXXX)
for r in $(seq $ROUNDS); do
  run_pair "$SRLAB exec -l bench-plain host-a --" "$SRLAB exec -l bench-plain host-b --" 10.2.0.10 >> $P
  run_pair "$SRLAB exec -l bench-gre host-a --" "$SRLAB exec -l bench-gre host-b --" 10.2.0.10 >> $G
done
compare gre "plain routing" $P "GRE tunnel" $G 0.70 0.70
rm -f $P $G

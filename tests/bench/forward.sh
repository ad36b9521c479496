#!/usr/bin/env bash
# bench forward: hosts forwarded by a chassis (one iom) against the same
# hosts forwarded by a plain Linux namespace router (ip_forward=1), same
# machine, same run, same link settings (veth, offloads off, MTU 1500).
#   TCP: iperf3 throughput;  64-byte frames: iperf3 UDP, packets/s received.
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
PFX=bfk$$
# other labs may be running on this machine: every srlab verb names ours
export SRLAB_LAB=bench-fwd
cleanup() {
  "$SRLAB" down bench-fwd >/dev/null 2>&1
  for n in a r b; do ip netns del $PFX-$n 2>/dev/null; done
  pkill -f "iperf3 -s -p 52" 2>/dev/null
}
trap cleanup EXIT

# --- baseline: the kernel routes ---------------------------------------------------------
baseline_up() {
  for n in a r b; do ip netns add $PFX-$n; ip -n $PFX-$n link set lo up; done
  ip link add $PFX-a0 type veth peer name $PFX-r0
  ip link add $PFX-b0 type veth peer name $PFX-r1
  ip link set $PFX-a0 netns $PFX-a; ip link set $PFX-r0 netns $PFX-r
  ip link set $PFX-b0 netns $PFX-b; ip link set $PFX-r1 netns $PFX-r
  # the same link settings srlab uses (tools/srlab/lab.c): no offloads on the
  # router's side; hosts with GRO and a NAPI thread of their own
  for spec in "a $PFX-a0 on" "r $PFX-r0 off" "r $PFX-r1 off" "b $PFX-b0 on"; do
    set -- $spec
    ip -n $PFX-$1 link set $2 up
    ip netns exec $PFX-$1 ethtool -K $2 tx off rx off tso off gso off gro $3 >/dev/null 2>&1
    [ "$3" = on ] && ip netns exec $PFX-$1 sh -c "echo 1 > /sys/class/net/$2/threaded"
  done
  ip -n $PFX-a addr add 10.1.0.10/24 dev $PFX-a0; ip -n $PFX-a route add default via 10.1.0.1
  ip -n $PFX-r addr add 10.1.0.1/24 dev $PFX-r0; ip -n $PFX-r addr add 10.2.0.1/24 dev $PFX-r1
  ip -n $PFX-b addr add 10.2.0.10/24 dev $PFX-b0; ip -n $PFX-b route add default via 10.2.0.1
  ip netns exec $PFX-r sysctl -q -w net.ipv4.ip_forward=1
  ip netns exec $PFX-a ping -c 1 -W 1 10.2.0.10 >/dev/null
}

# Rounds alternate between the two, so slow phases of this shared machine
# hit both alike; the medians are compared.
baseline_up
"$SRLAB" up topology/bench/forward.yaml >/dev/null || { echo "bench forward: lab did not start"; exit 1; }
"$SRLAB" exec host-a -- ping -c 1 -W 1 10.2.0.10 >/dev/null
: > /tmp/bfk$$.k; : > /tmp/bfk$$.s
for r in $(seq $ROUNDS); do
  run_pair "ip netns exec $PFX-a" "ip netns exec $PFX-b" 10.2.0.10 >> /tmp/bfk$$.k
  run_pair "$SRLAB exec host-a --" "$SRLAB exec host-b --" 10.2.0.10 >> /tmp/bfk$$.s
done

compare forward "kernel router" /tmp/bfk$$.k "srlab chassis" /tmp/bfk$$.s 0.80 0.50
rm -f /tmp/bfk$$.k /tmp/bfk$$.s

#!/usr/bin/env bash
# bench forward: hosts forwarded by a chassis (one iom) against the same
# hosts forwarded by a plain Linux namespace router (ip_forward=1), same
# machine, same run, same link settings (veth, offloads off, MTU 1500).
#   TCP: iperf3 throughput;  64-byte frames: iperf3 UDP, packets/s received.
set -u
cd "$(dirname "$0")/../.."
SRLAB=${SRLAB_BIN:-bin}/srlab
SECS=${BENCH_SECONDS:-5}
BLAST=$(cd "$(dirname "$SRLAB")" && pwd)/udpblast
PFX=bfk$$
cleanup() {
  "$SRLAB" down bench-fwd >/dev/null 2>&1
  for n in a r b; do ip netns del $PFX-$n 2>/dev/null; done
  pkill -f "iperf3 -s -p 52" 2>/dev/null
}
trap cleanup EXIT

# run_pair EXEC_A EXEC_B DST: prints "tcp_bps udp_pps"
run_pair() {
  local ea=$1 eb=$2 dst=$3
  $eb iperf3 -s -p 5211 -D >/dev/null 2>&1; sleep 0.3
  local tcp=$($ea iperf3 -c $dst -p 5211 -t $SECS -J 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))")
  pkill -f "iperf3 -s -p 5211" 2>/dev/null
  # 64-byte frames: 14 Ethernet + 20 IP + 8 UDP + 22 payload, sendmmsg bursts
  $eb $BLAST recv 5212 $((SECS + 2)) > /tmp/bfk$$.recv &
  local rpid=$!
  sleep 0.5
  $ea $BLAST send $dst 5212 22 $SECS >/dev/null
  wait $rpid
  local udp=$(sed -n 's/.* pps \([0-9]*\).*/\1/p' /tmp/bfk$$.recv); rm -f /tmp/bfk$$.recv
  echo "${tcp:-0} ${udp:-0}"
}

# --- baseline: the kernel routes ---------------------------------------------------------
for n in a r b; do ip netns add $PFX-$n; ip -n $PFX-$n link set lo up; done
ip link add $PFX-a0 type veth peer name $PFX-r0
ip link add $PFX-b0 type veth peer name $PFX-r1
ip link set $PFX-a0 netns $PFX-a; ip link set $PFX-r0 netns $PFX-r
ip link set $PFX-b0 netns $PFX-b; ip link set $PFX-r1 netns $PFX-r
for spec in "a $PFX-a0" "r $PFX-r0" "r $PFX-r1" "b $PFX-b0"; do
  set -- $spec
  ip -n $PFX-$1 link set $2 up
  ip netns exec $PFX-$1 ethtool -K $2 tx off rx off tso off gso off gro off >/dev/null 2>&1
done
ip -n $PFX-a addr add 10.1.0.10/24 dev $PFX-a0; ip -n $PFX-a route add default via 10.1.0.1
ip -n $PFX-r addr add 10.1.0.1/24 dev $PFX-r0; ip -n $PFX-r addr add 10.2.0.1/24 dev $PFX-r1
ip -n $PFX-b addr add 10.2.0.10/24 dev $PFX-b0; ip -n $PFX-b route add default via 10.2.0.1
ip netns exec $PFX-r sysctl -q -w net.ipv4.ip_forward=1
ip netns exec $PFX-a ping -c 1 -W 1 10.2.0.10 >/dev/null
read ktcp kudp < <(run_pair "ip netns exec $PFX-a" "ip netns exec $PFX-b" 10.2.0.10)
for n in a r b; do ip netns del $PFX-$n; done

# --- the chassis routes -------------------------------------------------------------------
"$SRLAB" up topology/bench/forward.yaml >/dev/null || { echo "bench forward: lab did not start"; exit 1; }
"$SRLAB" exec host-a -- ping -c 1 -W 1 10.2.0.10 >/dev/null
read stcp sudp < <(run_pair "$SRLAB exec host-a --" "$SRLAB exec host-b --" 10.2.0.10)

/usr/bin/python3 - "$ktcp" "$kudp" "$stcp" "$sudp" <<'PY'
import sys
ktcp, kudp, stcp, sudp = map(int, sys.argv[1:5])
print(f"kernel router : TCP {ktcp/1e9:.2f} Gbit/s, 64-byte UDP {kudp/1e3:.0f} kpps")
print(f"srlab chassis : TCP {stcp/1e9:.2f} Gbit/s, 64-byte UDP {sudp/1e3:.0f} kpps")
rt = stcp / ktcp if ktcp else 0
ru = sudp / kudp if kudp else 0
print(f"bench forward-tcp: {stcp/1e9:.2f} vs {ktcp/1e9:.2f} Gbit/s ratio {rt:.2f} (target 0.80)")
print(f"bench forward-64b: {sudp/1e3:.0f} vs {kudp/1e3:.0f} kpps ratio {ru:.2f} (target 0.50)")
PY

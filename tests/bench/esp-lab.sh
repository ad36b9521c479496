#!/usr/bin/env bash
# bench esp-lab: iperf3 TCP host-a -> host-b through a static ESP tunnel across
# both chassis (topology/ipsec-static.yaml) against the same through two
# strongSwan charons with kernel-libipsec (tests/bench/swan_pair.sh), in the
# same run, alternating rounds, medians. Two transforms:
#   AES-128-GCM-16: ours raw ESP (esp-a); strongSwan 5.9.8's libipsec can
#                   only do ESP in UDP 4500
#   AES-256-CBC + HMAC-SHA-256-128: both ESP in UDP 4500 (ours udp-a)
# Both sides' tunnels carry at most 1400-byte packets (ip-mtu 1400 here;
# libipsec's ipsec0 has MTU 1400).
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
source tests/bench/swan_pair.sh
L=bench-esp
G=swg$$; C=swc$$
cleanup() {
  "$SRLAB" down $L >/dev/null 2>&1
  swan_pair_down $G; swan_pair_down $C
  rm -f "${F[@]}" 2>/dev/null
}
F=()
trap cleanup EXIT
"$SRLAB" up topology/ipsec-static.yaml --name $L >/dev/null || { echo "bench esp-lab: lab did not start"; exit 1; }
for side in a b; do
  peer=$([ $side = a ] && echo chassis-b || echo chassis-a)
  for t in esp udp; do
    printf 'configure service vprn 200 interface "to-%s" sap tunnel-1.private:1 ipsec-tunnel "%s-%s" ip-mtu 1400\n' \
      $peer $t $side
  done > /tmp/$L.cfg
  "$SRLAB" config -l $L chassis-$side /tmp/$L.cfg >/dev/null || { echo "bench esp-lab: ip-mtu refused"; exit 1; }
done
rm -f /tmp/$L.cfg
"$SRLAB" exec -l $L host-a -- ping -c 2 -W 1 10.2.0.10 >/dev/null
"$SRLAB" exec -l $L host-a -- ping -c 2 -W 1 -I 10.1.0.20 10.2.0.20 >/dev/null
swan_pair_up $G aes128gcm16 udp || { echo "bench esp-lab: strongSwan AES-GCM pair did not come up"; exit 1; }
swan_pair_up $C aes256-sha256 udp || { echo "bench esp-lab: strongSwan AES-CBC pair did not come up"; exit 1; }

# ours SRC DST PORT: TCP bits/s through the chassis
ours() {
  "$SRLAB" exec -l $L host-b -- iperf3 -s -1 -p "$3" >/dev/null 2>&1 &
  local srv=$!
  sleep 0.3
  "$SRLAB" exec -l $L host-a -- iperf3 -c "$2" -B "$1" -p "$3" -t "$SECS" -J 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))" \
    2>/dev/null || echo 0
  wait $srv 2>/dev/null
}

OG=$(mktemp /tmp/bench.XXXXXX); OC=$(mktemp /tmp/bench.XXXXXX)
SG=$(mktemp /tmp/bench.XXXXXX); SC=$(mktemp /tmp/bench.XXXXXX)
F=("$OG" "$OC" "$SG" "$SC")
for r in $(seq "$ROUNDS"); do
  ours 10.1.0.10 10.2.0.10 5301 >> "$OG"
  swan_pair_iperf $G "$SECS" >> "$SG" || echo 0 >> "$SG"
  ours 10.1.0.20 10.2.0.20 5302 >> "$OC"
  swan_pair_iperf $C "$SECS" >> "$SC" || echo 0 >> "$SC"
done
/usr/bin/python3 - "$OG" "$SG" "$OC" "$SC" <<'PY'
import statistics, sys
def load(p):
    return [int(l) for l in open(p) if l.strip()]
og, sg, oc, sc = (load(p) for p in sys.argv[1:5])
fmt = lambda xs: " ".join(f"{x/1e6:.0f}" for x in xs)
print(f"AES-128-GCM-16  srlab (raw ESP)     : {fmt(og)} Mbit/s")
print(f"AES-128-GCM-16  strongSwan (UDP)    : {fmt(sg)} Mbit/s")
print(f"AES-256-CBC+SHA256 srlab (UDP)      : {fmt(oc)} Mbit/s")
print(f"AES-256-CBC+SHA256 strongSwan (UDP) : {fmt(sc)} Mbit/s")
for name, o, s in (("aes128-gcm16", og, sg), ("aes256-sha256", oc, sc)):
    mo, ms = statistics.median(o), statistics.median(s)
    print(f"bench esp-lab-{name}: median {mo/1e6:.0f} vs strongSwan {ms/1e6:.0f} Mbit/s "
          f"ratio {mo/ms if ms else 0:.2f} (target 2.0)")
PY

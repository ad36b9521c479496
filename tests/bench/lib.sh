# Shared pieces of the benchmarks: traffic runs and the median comparison.
SRLAB=${SRLAB_BIN:-bin}/srlab
BLAST=$(cd "$(dirname "$SRLAB")" && pwd)/udpblast
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}

# run_pair EXEC_A EXEC_B DST: prints "tcp_bits_per_s udp_64_byte_pps"
run_pair() {
  local ea=$1 eb=$2 dst=$3
  $eb iperf3 -s -p 5211 -D >/dev/null 2>&1; sleep 0.3
  local tcp=$($ea iperf3 -c $dst -p 5211 -t $SECS -J 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))")
  pkill -f "iperf3 -s -p 5211" 2>/dev/null
  # 64-byte frames: 14 Ethernet + 20 IP + 8 UDP + 22 payload, sendmmsg bursts
  local rf; rf=$(mktemp /tmp/bench.XXXXXX)
  $eb $BLAST recv 5212 $((SECS + 2)) > "$rf" &
  local rpid=$!
  sleep 0.5
  $ea $BLAST send $dst 5212 22 $SECS >/dev/null
  wait $rpid
  local udp=$(sed -n 's/.* pps \([0-9]*\).*/\1/p' "$rf"); rm -f "$rf"
  echo "${tcp:-0} ${udp:-0}"
}

# compare NAME BASELINE_LABEL BASE_FILE SUBJECT_LABEL SUBJECT_FILE TCP_TARGET PPS_TARGET
compare() {
  /usr/bin/python3 - "$@" <<'PY'
import sys, statistics
name, bl, bf, sl, sf, tt, pt = sys.argv[1:8]
def load(p):
    rows = [tuple(map(int, l.split())) for l in open(p) if l.strip()]
    return [r[0] for r in rows], [r[1] for r in rows]
bt, bu = load(bf); st, su = load(sf)
fmt = lambda xs, d: " ".join(f"{x/d:.2f}" for x in xs)
print(f"{bl:14}: TCP {fmt(bt,1e9)} Gbit/s, 64-byte UDP {fmt(bu,1e3)} kpps")
print(f"{sl:14}: TCP {fmt(st,1e9)} Gbit/s, 64-byte UDP {fmt(su,1e3)} kpps")
mb, ms, ub, us = (statistics.median(x) for x in (bt, st, bu, su))
if tt != "-":
    print(f"bench {name}-tcp: median {ms/1e9:.2f} vs {mb/1e9:.2f} Gbit/s ratio {ms/mb if mb else 0:.2f} (target {tt})")
print(f"bench {name}-64b: median {us/1e3:.0f} vs {ub/1e3:.0f} kpps ratio {us/ub if ub else 0:.2f} (target {pt})")
PY
}

#!/usr/bin/env bash
# bench ike: IKEv2 tunnel setup rate and scale (topology/bench/ike.yaml).
#  a) bin/ikeload opens BENCH_IKE_COUNT (2,000) IKE SAs, each with one CHILD SA,
#     against the chassis's ipsec-gw "gw" (one ISA, 1/2) and against
#     strongSwan's charon as responder (kernel-libipsec, node "swan"), in the
#     same lab, alternating rounds (BENCH_IKE_ROUNDS, 2), deleting every SA
#     after each run so each round starts empty; medians.
#  b) BENCH_IKE_SCALE (32,000) tunnels against the one ISA of a fresh lab:
#     all up (ikeload's count and the chassis's), the ISA process's resident
#     memory per tunnel, and the setup rate of the first and the last
#     thousand (flat: the last is not much slower).
# Both use the same proposals (IKE AES-128-GCM-16 / PRF-SHA-256 / ECP-256,
# ESP AES-128-GCM-16), the same PSK, one UDP source port per tunnel and at
# most BENCH_IKE_WINDOW (64) setups in flight.
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
L=bench-ike
IKELOAD=$(cd "$(dirname "$SRLAB")" && pwd)/ikeload
N=${BENCH_IKE_COUNT:-2000}
SCALE=${BENCH_IKE_SCALE:-32000}
R=${BENCH_IKE_ROUNDS:-2}
W=${BENCH_IKE_WINDOW:-64}
PSK=srlab-bench-ike
GW=192.168.10.3
SWAN=192.168.0.20
TMP=$(mktemp -d /tmp/bench-ike.XXXXXX)
LOADPID=

cleanup() {
  if [ -n "$LOADPID" ] && kill -0 "$LOADPID" 2>/dev/null; then
    kill -TERM "$LOADPID" 2>/dev/null; wait "$LOADPID" 2>/dev/null
  fi
  "$SRLAB" down $L >/dev/null 2>&1   # the chassis, charon and every namespace of the lab
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# pid NODE PROC: a process of the lab, from srlab status --json
pid() {
  "$SRLAB" status -l $L --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
print(next(p['pid'] for n in d['nodes'] if n['name'] == '$1' for p in n.get('processes', []) if p['name'] == '$2'))"
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_s() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a - b}'; }
# tunnels of the ipsec-gw as the chassis counts them
gw_tunnels() {
  "$SRLAB" cli -l $L chassis --json show ipsec gateway gw 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['gateways'][0]['tunnels'])" 2>/dev/null || echo "?"
}
swan_sas() {
  "$SRLAB" exec -l $L swan -- swanctl --stats 2>/dev/null | sed -n 's/^IKE_SAs: \([0-9]*\) total.*/\1/p'
}
# wait_zero SECONDS CMD: until CMD prints 0
wait_zero() {
  local end=$((SECONDS + $1)) v; shift
  while [ $SECONDS -le $end ]; do v=$("$@"); [ "$v" = 0 ] && return 0; sleep 0.5; done
  echo "  (still $v after waiting)"; return 1
}
# load TARGET N [ARGS...]: one ikeload run in the loadgen namespace; its output in $TMP/out
load() {
  local target=$1 n=$2; shift 2
  "$SRLAB" exec -l $L loadgen -- "$IKELOAD" --target "$target" --psk $PSK --count "$n" --window "$W" \
    --src-ip 192.168.0.10 "$@" > "$TMP/out" 2>&1
}
result() { sed -n 's/^ikeload-result .*rate=\([0-9.]*\).*/\1/p' "$TMP/out"; }
line() { grep -E '^ikeload: [0-9]+ up, [0-9]+ failed' "$TMP/out" | sed 's/^ikeload: //'; }
up_lab() {
  "$SRLAB" down $L >/dev/null 2>&1
  "$SRLAB" up topology/bench/ike.yaml >/dev/null || { echo "bench ike: lab did not start"; exit 1; }
  # the gateway is operationally up and charon has its connection
  local i
  for i in $(seq 50); do
    "$SRLAB" cli -l $L chassis show ipsec gateway 2>/dev/null | grep -qE '^gw .* Up +Up' &&
      "$SRLAB" exec -l $L swan -- swanctl --list-conns 2>/dev/null | grep -q '^load:' && return 0
    sleep 0.2
  done
  echo "bench ike: gateway or charon not ready"; exit 1
}

# ---- a) 2,000 tunnels: the ISA against charon ------------------------------------------------
up_lab
ISA=$(pid chassis isa-1/2); CHARON=$(pid swan charon)
echo "bench ike: $N tunnels per run, window $W, $R rounds; ISA pid $ISA, charon pid $CHARON"
OURS=$TMP/ours; THEIRS=$TMP/theirs
: > "$OURS"; : > "$THEIRS"
# run LABEL TARGET PID RESULTS COUNT_CMD: one round against one responder,
# then wait until the responder has no SA left
run() {
  local c0; c0=$(cpu_s "$3")
  load "$2" "$N" --report-every 0 --delete
  echo "round $r $1: $(line)   [cpu $(minus "$(cpu_s "$3")" "$c0") s]"
  result >> "$4"
  grep -q "^ikeload-result up=$N " "$TMP/out" || sed 's/^/    /' "$TMP/out" | head -5
  wait_zero 60 "$5" >/dev/null || echo "  (still $($5) SAs at the responder)"
}
for r in $(seq "$R"); do
  run "srlab  " $GW "$ISA" "$OURS" gw_tunnels
  run "charon " $SWAN "$CHARON" "$THEIRS" swan_sas
done
/usr/bin/python3 - "$OURS" "$THEIRS" <<'PY'
import statistics, sys
o, t = ([float(l) for l in open(p) if l.strip()] for p in sys.argv[1:3])
fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
print(f"srlab ipsec-gw (ISA) : {fmt(o)} tunnels/s")
print(f"strongSwan charon    : {fmt(t)} tunnels/s")
mo = statistics.median(o) if o else 0
mt = statistics.median(t) if t else 0
print(f"bench ike: median {mo:.0f} vs charon {mt:.0f} tunnels/s ratio {mo / mt if mt else 0:.2f} (target 1.5)")
PY

# ---- b) BENCH_IKE_SCALE tunnels on one ISA ------------------------------------------------------
up_lab
ISA=$(pid chassis isa-1/2)
sleep 1
RSS0=$(rss_kb "$ISA"); C0=$(cpu_s "$ISA")
echo "bench ike-32k: $SCALE tunnels against one ISA (pid $ISA, VmRSS before $RSS0 kB)"
T0=$SECONDS
"$SRLAB" exec -l $L loadgen -- "$IKELOAD" --target $GW --psk $PSK --count "$SCALE" --window "$W" \
  --src-ip 192.168.0.10 --report-every 1000 --hold 3600 --delete > "$TMP/scale" 2>&1 &
LOADPID=$!
# until the setups are over (a generous bound: 20 tunnels/s)
while ! grep -q '^ikeload-result' "$TMP/scale"; do
  kill -0 $LOADPID 2>/dev/null || break
  [ $((SECONDS - T0)) -gt $((SCALE / 20 + 60)) ] && { echo "  ikeload still setting up after $((SECONDS - T0)) s"; break; }
  sleep 1
done
grep -E '^ikeload: [0-9]+ up, rate' "$TMP/scale" | sed 's/^ikeload: /  /'
grep -E '^ikeload: ' "$TMP/scale" | grep -vE 'up, rate' | sed 's/^ikeload: /  /'
sleep 2 # what the ISA still had queued (session log, routes) settles
RSS1=$(rss_kb "$ISA"); C1=$(cpu_s "$ISA")
COUNT=$(gw_tunnels)
UP=$(sed -n 's/^ikeload-result up=\([0-9]*\).*/\1/p' "$TMP/scale")
echo "  chassis: show ipsec gateway gw counts $COUNT tunnels; ISA VmRSS $RSS0 -> $RSS1 kB; ISA cpu $(minus "$C1" "$C0") s"
sleep 5
echo "  ISA cpu while $UP tunnels sit idle: $(awk -v a="$(cpu_s "$ISA")" -v b="$C1" 'BEGIN {printf "%.0f", (a - b) * 20}')% of a core"
if kill -0 $LOADPID 2>/dev/null; then
  kill -TERM $LOADPID; wait $LOADPID 2>/dev/null; LOADPID=
  grep -E '^ikeload: (sent Delete|held)' "$TMP/scale" | sed 's/^ikeload: /  /'
  wait_zero 120 gw_tunnels >/dev/null
  echo "  after the deletes: the chassis counts $(gw_tunnels) tunnels, ISA VmRSS $(rss_kb "$ISA") kB"
fi
/usr/bin/python3 - "$TMP/scale" "${UP:-0}" "${COUNT:-0}" "$RSS0" "$RSS1" <<'PY'
import re, sys
path, up, count, rss0, rss1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rates = [float(m.group(1)) for m in re.finditer(r"^ikeload: \d+ up, rate ([0-9.]+) tunnels/s", open(path).read(), re.M)]
per = (rss1 - rss0) * 1024 / up if up else 0
first, last = (rates[0], rates[-1]) if rates else (0, 0)
n = min(up, int(count)) if count.isdigit() else up
print(f"bench ike-32k: {n} up, {per:.0f} bytes per tunnel (target 4096), rate first 1k {first:.0f}/s, last 1k {last:.0f}/s")
PY

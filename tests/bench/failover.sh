#!/usr/bin/env bash
# bench failover: ISA failover under load (topology/bench/failover.yaml).
# BENCH_FO_GRE (1,000) GRE tunnels and BENCH_FO_IPSEC (1,000) IKEv2 tunnels
# (auto-established by chassis-a, answered by chassis-b), each with its own
# endpoints, private /30 and destination behind host-b, all on chassis-a's
# primary ISA 1/2 (tunnel-group 1, backup 2/1). host-a sends BENCH_FO_PPS
# (1,000) UDP packets/s in total, round-robin over the tunnels, each packet
# with its tunnel's flow number and sequence number; host-b logs arrivals.
# Then `srlab kill chassis-a isa-1/2`. Figures per kind of tunnel (see
# report() in failover.py): packets lost, each tunnel's outage (its lost
# packets times its sending interval), the last loss, the longest silence and
# the delays after it, when `show ip tunnel` / `show ipsec tunnel` say every
# tunnel is up on ISA 2/1, and the CPU each process used meanwhile.
# Baseline in the same run: the first setup of the same IPsec tunnels (ISA
# 1/2's log, first initiation to last CHILD SA), against their recovery (ISA
# 2/1's log, the kill to the last CHILD SA).
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
L=bench-failover
N=${BENCH_FO_GRE:-1000}
M=${BENCH_FO_IPSEC:-1000}
PPS=${BENCH_FO_PPS:-1000}
PORT=7000
FO=tests/bench/failover.py
export SRLAB
TMP=$(mktemp -d /tmp/bench-failover.XXXXXX)
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  # BENCH_FO_KEEP=DIR keeps the configurations, traffic logs, polls and the lab's logs there
  if [ -n "${BENCH_FO_KEEP:-}" ]; then
    mkdir -p "$BENCH_FO_KEEP" && cp -a "$TMP"/. "$BENCH_FO_KEEP"/
    cp -a "${SRLAB_RUNDIR:-/run/srlab}/$L" "$BENCH_FO_KEEP/run" 2>/dev/null
  fi
  "$SRLAB" down $L >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
# stop PID: ends a background process and waits for it
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

"$SRLAB" down $L >/dev/null 2>&1
"$SRLAB" up topology/bench/failover.yaml >/dev/null || { echo "bench failover: lab did not start"; exit 1; }
echo "bench failover: $N GRE + $M IPsec tunnels, $PPS packets/s in total"

# ---- the tunnels, and the baseline: their first setup ------------------------------------------
LOGS=${SRLAB_RUNDIR:-/run/srlab}/$L/chassis-a/log
/usr/bin/python3 $FO config b "$N" "$M" "$TMP/chassis-b.cfg" || exit 1
/usr/bin/python3 $FO config a "$N" "$M" "$TMP/chassis-a-gre.cfg" gre || exit 1
/usr/bin/python3 $FO config a "$N" "$M" "$TMP/chassis-a-ipsec.cfg" ipsec || exit 1
/usr/bin/python3 $FO addrs "$N" "$M" | "$SRLAB" exec -l $L host-b -- ip -batch - ||
  { echo "bench failover: host-b's addresses"; exit 1; }
# commit FILE NODE: applies a file, says how long the commit took
commit() {
  local t=$(now)
  "$SRLAB" config -l $L "$2" "$TMP/$1" > "$TMP/config.out" 2>&1 ||
    { echo "bench failover: $2 refused $1:"; head -5 "$TMP/config.out"; exit 1; }
  echo "  $2: $(wc -l < "$TMP/$1") lines ($1) committed in $(since "$t") s"
}
# the responder first, so that chassis-a's first attempts find their peers;
# then the GRE tunnels, and a ping through the first of them and back,
# so that the IKE burst does not meet cold ARP entries on the WAN (an IOM
# queues 3 packets per unresolved neighbour: the rest would wait for IKE's
# 1 s retransmission)
commit chassis-b.cfg chassis-b
[ "$N" -gt 0 ] && commit chassis-a-gre.cfg chassis-a
[ "$N" -gt 0 ] && { "$SRLAB" exec -l $L host-a -- ping -c 3 -i 0.2 -W 1 10.100.0.1 > /dev/null 2>&1 ||
  echo "  (no answer through GRE tunnel gre-1 before the IPsec tunnels)"; }
T_COMMIT=$(now)
[ "$M" -gt 0 ] && commit chassis-a-ipsec.cfg chassis-a
T_SETUP=$(now)
/usr/bin/python3 $FO watch $L chassis-a 1/2 "$TMP/setup.watch"
read -r SHOW_GRE SHOW_IPSEC <<< "$(/usr/bin/python3 -c "
import sys; sys.path.insert(0, 'tests/bench'); import failover as f
g, i = f.all_up_at('$TMP/setup.watch')
print('%.2f' % (g - $T_SETUP) if g else 'nan', '%.2f' % (i - $T_SETUP) if i else 'nan')")"
read -r IKE0 IKE1 <<< "$(/usr/bin/python3 $FO ike "$LOGS/isa-1-2.log" "$T_COMMIT" "$M")"
SETUP_S=$(awk -v a="$IKE0" -v b="$IKE1" 'BEGIN {printf "%.3f", b - a}')
echo "  first setup on ISA 1/2, after the commit: show ip tunnel all up in $SHOW_GRE s, show ipsec tunnel" \
  "in $SHOW_IPSEC s; ISA 1/2 log: $M CHILD SAs in $SETUP_S s from its first initiation"
tail -1 "$TMP/setup.watch" | awk '$2 != $3 || $4 != $5 {print "  (not all up: GRE " $2 "/" $3 ", IPsec " $4 "/" $5 ")"}'

# ---- traffic, the kill, the recovery -------------------------------------------------------------
# the traffic generator and receiver run with a real-time priority, as a
# hardware tester would: the failover keeps both cores busy, and a starved
# sender would send in bursts and time its packets late
RT="chrt -f 10"
$RT true 2>/dev/null || RT=
"$SRLAB" exec -l $L host-b -- $RT /usr/bin/python3 $FO recv $PORT "$TMP/recv.log" &
PIDS+=($!); RECV=$!
sleep 0.5
"$SRLAB" exec -l $L host-a -- $RT /usr/bin/python3 $FO send "$N" "$M" "$PPS" $PORT "$TMP/sent.log" &
PIDS+=($!); SEND=$!
# every tunnel carries a few packets before the kill
PERIOD=$(awk -v t=$((N + M)) -v r="$PPS" 'BEGIN {printf "%.3f", t / r}')
sleep "$(awk -v p="$PERIOD" 'BEGIN {print (3 * p > 3 ? 3 * p : 3)}')"
/usr/bin/python3 $FO cpu $L "$TMP/cpu.before"
KILL_T=$(now)
"$SRLAB" kill -l $L chassis-a isa-1/2 >/dev/null || { echo "bench failover: srlab kill failed"; exit 1; }
/usr/bin/python3 $FO watch $L chassis-a 2/1 "$TMP/failover.watch"
/usr/bin/python3 $FO cpu $L "$TMP/cpu.after" "$TMP/cpu.before"
# then long enough for every tunnel to send (and deliver) a few more packets
sleep "$(awk -v p="$PERIOD" 'BEGIN {print 3 * p + 1}')"
stop $SEND; sleep 1; stop $RECV
grep -o 'failover done: .*' "$LOGS/cpm.log" 2>/dev/null | tail -1 | sed 's/"$//; s/^/  cpm: /'
read -r FO0 FO1 <<< "$(/usr/bin/python3 $FO ike "$LOGS/isa-2-1.log" "$KILL_T" "$M")"
[ "$M" -gt 0 ] && echo "  ISA 2/1 log: first IKE initiation $FO0 s after the kill, the last of $M CHILD SAs $FO1 s"
/usr/bin/python3 $FO report "$N" "$M" "$PPS" "$TMP/sent.log" "$TMP/recv.log" "$KILL_T" \
  "$TMP/failover.watch" "$SETUP_S" "$FO1"

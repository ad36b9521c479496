#!/usr/bin/env bash
# bench mc: MC-IPsec failover under load (topology/bench/mc.yaml: the
# mc-ipsec lab with keep-alive-interval 5, hold-on-neighbor-failure 2 and BFD).
# strongSwan's tunnel plus BENCH_MC_TUNNELS - 1 (999) tunnels from bin/ikeload
# on the shared gateway; peer-host pings host-a BENCH_MC_PPS (1,000) times a
# second through strongSwan's tunnel. Four failures, one after the other,
# each with the outage (the longest silence between replies), strongSwan's
# IKE SA SPIs before and after (a change is a re-authentication), ikeload's
# tunnels lost, and how many tunnels the new master's gateway holds:
#   1. kill both ISAs of the master (chassis-a)
#   2. kill the new master's (chassis-b's) mcs
#   3. cut the inter-chassis link (chassis-a:mgmt), then restore it
#   4. kill the whole master chassis (chassis-a, srlab kill NODE all), then
#      boot it again
# Then MCS sync throughput: ikeload brings the total to BENCH_MC_SYNC (10,000)
# tunnels, and the standby's mcs is restarted; the time until its ISAs hold
# every tunnel again is compared with the time the same tunnels took to set
# up (the baseline, in the same run): ratio = setup time / resync time.
# Last the standby's ISAs are restarted: the time until they hold every
# tunnel again, and the peer losses either chassis logged meanwhile (a busy
# mcs must not miss BFD: target 0).
set -u
cd "$(dirname "$0")/../.."
source tests/bench/lib.sh
L=bench-mc
N=${BENCH_MC_TUNNELS:-1000}
S=${BENCH_MC_SYNC:-10000}
PPS=${BENCH_MC_PPS:-1000}
IKELOAD=$(cd "$(dirname "$SRLAB")" && pwd)/ikeload
TMP=$(mktemp -d /tmp/bench-mc.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [ -n "${BENCH_MC_KEEP:-}" ] && { mkdir -p "$BENCH_MC_KEEP"; cp -a "$TMP"/. "$BENCH_MC_KEEP"/; }
  "$SRLAB" down $L >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
A=chassis-a B=chassis-b
x() { local n=$1; shift; "$SRLAB" exec -l $L "$n" -- "$@"; }
peer_of() { [ "$1" = $A ] && echo 172.31.255.2 || echo 172.31.255.1; }
mc() { "$SRLAB" cli -l $L "$1" --json show redundancy multi-chassis mc-ipsec peer "$(peer_of "$1")" tunnel-group 1 |
       /usr/bin/python3 -c "import json,sys; g=json.load(sys.stdin)['tunnel_groups'][0]; print($2)"; }
gw_tunnels() { "$SRLAB" cli -l $L "$1" --json show ipsec gateway |
               /usr/bin/python3 -c "import json,sys; print(sum(g['tunnels'] for g in json.load(sys.stdin)['gateways']))"; }
states() { echo "$(mc $A "g['master_state']") $(mc $B "g['master_state']")"; }
ike_spis() { x peer swanctl --list-sas 2>/dev/null | sed -nE 's/.*IKEv2, ([0-9a-f]+_i)\*? ([0-9a-f]+_r).*/\1 \2/p' | head -1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
# until_true SECONDS CMD...: polls every 50 ms
until_true() {
  local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  while [ "$(date +%s%N)" -lt "$end" ]; do "$@" > /dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
is_states() { [ "$(states)" = "$1" ]; }
installed_is() { [ "$(mc "$1" "g['installed']")" = "$2" ]; }
tunnels_is() { [ "$(gw_tunnels "$1")" = "$2" ]; }
# load COUNT TAG BASE_PORT TS_BASE: ikeload tunnels, held until the end
load() {
  x loadgen "$IKELOAD" --target 192.168.10.3 --psk srlab-mc-demo --src-ip 192.168.0.10 --report-every 0 \
    --count "$1" --id-prefix "$2" --base-port "$3" --ts-base "$4" --ts-remote 10.10.0.0/24 --window 64 \
    --hold 100000 > "$TMP/load.$2" 2>&1 &
  PIDS+=($!)
  until_true 120 grep -q ikeload-result "$TMP/load.$2"
  sed -n 's/^ikeload-result //p' "$TMP/load.$2"
}
# ping_on NAME / ping_off: peer-host -> host-a at PPS through strongSwan's tunnel
ping_on() { x peer-host ping -D -i "$(awk -v p=$PPS 'BEGIN {printf "%.4f", 1 / p}')" -W 1 10.10.0.10 > "$TMP/ping.$1" 2>&1 & PING=$!; PIDS+=($PING); sleep 1; }
ping_off() { sleep 2; x peer-host pkill -INT -f "ping -D -i" 2>/dev/null; wait "$PING" 2>/dev/null; }
gap() { /usr/bin/python3 -c "
import re, sys
t = [float(m.group(1)) for m in re.finditer(r'^\[(\d+\.\d+)\] .*icmp_seq', open(sys.argv[1]).read(), re.M)]
print(round(max(b - a for a, b in zip(t, t[1:])) * 1000) if len(t) > 1 else -1)" "$TMP/ping.$1"; }

"$SRLAB" down $L >/dev/null 2>&1
"$SRLAB" up topology/bench/mc.yaml >/dev/null || { echo "bench mc: lab did not start"; exit 1; }
until_true 15 is_states "master standby" || { echo "bench mc: no election ($(states))"; exit 1; }
x peer swanctl --initiate --child gw > /dev/null 2>&1 || { echo "bench mc: strongSwan's tunnel did not come up"; exit 1; }
echo "bench mc: strongSwan's tunnel + $((N - 1)) ikeload tunnels, $PPS pings/s through strongSwan's"
t=$(now)
echo "  ikeload: $(load $((N - 1)) a 20000 10.100.0.0)"
until_true 60 installed_is $B $N && echo "  chassis-b (standby) holds all $N tunnels $(since "$t") s after the first setup" ||
  echo "  chassis-b (standby) holds $(mc $B "g['installed']") of $N tunnels"
SPIS=$(ike_spis)
declare -A OUT REAUTH HELD

# scenario NAME KILL_CMD WAIT_STATES NEW_MASTER: one failure under the ping
scenario() {
  local name=$1 cmd=$2 want=$3 master=$4
  ping_on "$name"
  local t0=$(now)
  eval "$cmd" > /dev/null
  until_true 10 ${STATES_IS:-is_states} "$want" || echo "  $name: states $(states), wanted $want"
  local t_state=$(since "$t0")
  until_true 30 tunnels_is "$master" "$N"
  local t_all=$(since "$t0")
  ping_off
  OUT[$name]=$(gap "$name")
  local s=$(ike_spis)
  REAUTH[$name]=$([ "$s" = "$SPIS" ] && echo 0 || echo 1)
  HELD[$name]=$(gw_tunnels "$master")
  echo "  $name: outage ${OUT[$name]} ms; $master $want after ${t_state} s; its gateway holds ${HELD[$name]}/$N tunnels" \
       "(all after ${t_all} s); strongSwan re-authenticated: ${REAUTH[$name]}"
}

scenario isa-kill "'$SRLAB' kill -l $L $A isa-1/2; '$SRLAB' kill -l $L $A isa-2/1" "notEligible master" $B
"$SRLAB" start -l $L $A isa-1/2 > /dev/null; "$SRLAB" start -l $L $A isa-2/1 > /dev/null
until_true 30 installed_is $A $N || echo "  chassis-a holds $(mc $A "g['installed']") of $N after its ISAs came back"
scenario mcs-kill "'$SRLAB' kill -l $L $B mcs" "eligible discovery" $A
t=$(now)
"$SRLAB" start -l $L $B mcs > /dev/null
until_true 60 installed_is $B $N && echo "  chassis-b's restarted mcs: $N tunnels back on its ISAs in $(since "$t") s" ||
  echo "  chassis-b's restarted mcs: $(mc $B "g['installed']") of $N tunnels back"
until_true 10 is_states "master standby"
scenario link-cut "'$SRLAB' link -l $L $A:mgmt down" "eligible eligible" $A
"$SRLAB" link -l $L $A:mgmt up > /dev/null
t=$(now)
nominal() { [ "$(mc $A "g['protection']") $(mc $B "g['protection']")" = "nominal nominal" ]; }
until_true 30 nominal && echo "  link restored: $(states), protection nominal after $(since "$t") s" ||
  echo "  link restored: $(states), protection $(mc $A "g['protection']")/$(mc $B "g['protection']")"
# the whole master chassis (chassis-a: host-a's gateway, chassis-b, lives);
# a dead chassis has no CLI, so only chassis-b's state is watched
b_is() { [ "$(mc $B "g['master_state']")" = "$1" ]; }
STATES_IS=b_is scenario chassis-kill "'$SRLAB' kill -l $L $A all" eligible $B
t=$(now)
"$SRLAB" start -l $L $A all > /dev/null
until_true 60 installed_is $A $N && echo "  chassis-a booted again: standby with all $N tunnels after $(since "$t") s" ||
  echo "  chassis-a booted again: $(states), $(mc $A "g['installed']") of $N tunnels"
# chassis-a master again, so that what follows runs as before
until_true 10 is_states "standby master"
"$SRLAB" cli -l $L $B tools perform redundancy multi-chassis mc-ipsec force-switchover tunnel-group 1 > /dev/null
until_true 10 is_states "master standby" || echo "  switchover back to chassis-a: $(states)"
until_true 30 tunnels_is $A $N
until_true 30 installed_is $B $N
# ---- MCS sync throughput: S tunnels, the standby's mcs restarted -----------------------------------
M=$(mc $A "g['master_state']")
SB=$([ "$M" = master ] && echo $B || echo $A)
have=$(gw_tunnels "$([ "$SB" = $A ] && echo $B || echo $A)")
t=$(now)
r=$(load $((S - have)) s 30000 10.110.0.0)
T_SETUP=$(since "$t")
echo "  ikeload: $r (to $S tunnels)"
until_true 120 installed_is $SB $S || echo "  $SB holds $(mc $SB "g['installed']") of $S"
"$SRLAB" kill -l $L $SB mcs > /dev/null
sleep 0.5
t=$(now)
"$SRLAB" start -l $L $SB mcs > /dev/null
until_true 120 installed_is $SB $S
T_SYNC=$(since "$t")
echo "  $SB's restarted mcs: $(mc $SB "g['installed']")/$S tunnels installed again in $T_SYNC s;" \
     "$((S - have)) of them took $T_SETUP s to set up"
# the same standby's ISAs restarted: every tunnel installed from scratch.
# Peer losses either chassis logs meanwhile: none should be (both mcs are
# busy with the resync, and must keep BFD going)
losses() { echo $(( $("$SRLAB" cli -l $L $A show log log-id 99 | grep -c "is unreachable") +
                    $("$SRLAB" cli -l $L $B show log log-id 99 | grep -c "is unreachable") )); }
LOSSES0=$(losses)
"$SRLAB" kill -l $L $SB isa-1/2 > /dev/null; "$SRLAB" kill -l $L $SB isa-2/1 > /dev/null
until_true 10 installed_is $SB 0
t=$(now)
"$SRLAB" start -l $L $SB isa-1/2 > /dev/null; "$SRLAB" start -l $L $SB isa-2/1 > /dev/null
if until_true 120 installed_is $SB $S; then T_ISA=$(since "$t")
  echo "  $SB's restarted ISAs: all $S tunnels installed from scratch in $T_ISA s"
else T_ISA=0; echo "  $SB's restarted ISAs: $(mc $SB "g['installed']") of $S tunnels installed after 120 s"; fi
FALSE_LOSSES=$(( $(losses) - LOSSES0 ))
echo "  peer losses logged while the ISAs resynced: $FALSE_LOSSES"
x loadgen pkill -INT -f "ikeload --target" 2>/dev/null
until_true 10 grep -q "held" "$TMP/load.a"
LOST=$(sed -n 's/.*; \([0-9]*\) lost.*/\1/p' "$TMP/load.a" | head -1)
REKEYS=$(sed -n 's/.*; \([0-9]*\) CHILD SA rekeys answered.*/\1/p' "$TMP/load.a" | head -1)
echo "  ikeload's first $((N - 1)) tunnels: ${LOST:-?} lost, ${REKEYS:-?} CHILD SA rekeys answered (4 failovers)"
/usr/bin/python3 - "${OUT[isa-kill]}" "${OUT[mcs-kill]}" "${OUT[link-cut]}" \
  "$((${REAUTH[isa-kill]} + ${REAUTH[mcs-kill]} + ${REAUTH[link-cut]} + ${REAUTH[chassis-kill]}))" \
  "${HELD[isa-kill]} ${HELD[mcs-kill]} ${HELD[link-cut]} ${HELD[chassis-kill]}" "$N" "$S" "$T_SYNC" "$T_SETUP" \
  "$((S - have))" "${LOST:-?}" "$T_ISA" "$FALSE_LOSSES" "${OUT[chassis-kill]}" <<'PY'
import sys
o1, o2, o3, reauth, held, n, s, tsync, tsetup, made, lost, tisa, losses, o4 = sys.argv[1:15]
tsync, tsetup, made, tisa = float(tsync), float(tsetup), int(made), float(tisa)
ratio = (int(s) / tsync) / (made / tsetup) if tsync > 0 and tsetup > 0 else 0
print(f"bench mc: outage isa-kill {o1} ms, mcs-kill {o2} ms, link-cut {o3} ms, chassis-kill {o4} ms (target 500); "
      f"re-authentications {reauth} (target 0); tunnels on the new master {held} of {n}; "
      f"ikeload tunnels lost {lost}; resync of {s} tunnels {tsync:.2f} s (restarted mcs), "
      f"{tisa:.2f} s (restarted ISAs, {int(s) / tisa if tisa else 0:.0f} tunnels/s); "
      f"mcs resync {int(s) / tsync:.0f} tunnels/s vs setup {made / tsetup:.0f}/s ratio {ratio:.2f} (target 1.0); "
      f"peer losses during the ISA resync {losses} (target 0)")
PY

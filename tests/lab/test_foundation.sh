#!/usr/bin/env bash
# The chassis foundation, end to end in topology/two-chassis.yaml: the lab
# comes up, processes register, a killed ISA is marked down and comes back,
# a bad config changes nothing, cpm survives kill -9 with its config, hostile
# bus messages are counted, and `down` leaves nothing behind.
source "$(dirname "$0")/lib.sh"
LAB=t-found
BUSINJ=${SRLAB_BUILD:-build}/tests/tools/bus_inject

t0=$(now_ms)
if lab_up topology/two-chassis.yaml $LAB > /tmp/$LAB.up 2>&1; then
  ok "srlab up two-chassis returns 0"
else
  fail "srlab up two-chassis returns 0"; sed 's/^/#   /' /tmp/$LAB.up; exit 1
fi
note "srlab up took $(( $(now_ms) - t0 )) ms"

# --- status lists both chassis, every process running with a pid ----------
st=$("$SRLAB" status -l $LAB --json)
for c in chassis-a chassis-b; do
  procs=$(printf '%s' "$st" | json "' '.join(sorted(p['name'] for n in d['nodes'] if n['name']=='$c' for p in n['processes'] if p['running'] and p['pid']>0))")
  expect_eq "$c: cpm, iom-1, iom-2, isa-1/2, isa-2/1, mcs running with pids" \
    "cpm iom-1 iom-2 isa-1/2 isa-2/1 mcs" "$procs"
  states=$(printf '%s' "$st" | json "' '.join(p.get('chassis_state') or '-' for n in d['nodes'] if n['name']=='$c' for p in n['processes'])")
  expect_eq "$c: cpm sees every card up" "- up up up up up" "$states"
done
expect_eq "status names the three other nodes" "bridge linux linux" \
  "$(printf '%s' "$st" | json "' '.join(n['kind'] for n in d['nodes'][2:])")"

# --- show mda / show card ------------------------------------------------------
mda=$(cli chassis-a show mda)
expect_match "show mda: ISA 1/2 up" "^      2     isa2-tunnel +up +up$" "$mda"
expect_match "show mda: ISA 2/1 up" "^2     1     isa2-tunnel +up +up$" "$mda"
expect_match "show card: slot 1 iom4-e up" "^1 +iom4-e +up +up$" "$(cli chassis-a show card)"
expect_eq "show mda json: three MDAs, all up" "up up up" \
  "$(jcli chassis-a show mda | json "' '.join(m['oper_state'] for m in d['mdas'])")"

# --- kill an ISA: down within a second, status shows it, start brings it back --
t0=$(now_ms)
check "srlab kill chassis-a isa-1/2" "$SRLAB" kill -l $LAB chassis-a isa-1/2
isa_state() { jcli chassis-a show mda | json "[m['oper_state'] for m in d['mdas'] if m['process']=='isa-1/2'][0]"; }
isa_is() { [ "$(isa_state)" = "$1" ]; }
if wait_for 5 isa_is down; then
  ok "show mda: MDA 1/2 down after the kill"
  note "MDA 1/2 marked down $(( $(now_ms) - t0 )) ms after the kill (requirement: within 1000 ms)"
else
  fail "show mda: MDA 1/2 down after the kill"
fi
expect_match "show mda text: MDA 1/2 down" "^      2     isa2-tunnel +up +down$" "$(cli chassis-a show mda)"
expect_eq "status: isa-1/2 killed by SIGKILL" "killed (KILL) False" \
  "$("$SRLAB" status -l $LAB --json | json "[(p['state'], p['running']) for n in d['nodes'] for p in n['processes'] if n['name']=='chassis-a' and p['name']=='isa-1/2'][0][0] + ' ' + str([p['running'] for n in d['nodes'] for p in n['processes'] if n['name']=='chassis-a' and p['name']=='isa-1/2'][0])")"
expect_match "event log: Mda 1/2 failed, process exited" 'Mda 1/2.*|failed, reason: process exited' \
  "$(cli chassis-a show log log-id 99 | head -14)"
expect_match "tunnel-group 1 fails over to backup 2/1" "^1 +single +1/2 +2/1 +2/1 +Up +Up" \
  "$(cli chassis-a show isa tunnel-group)"
log=$(cli chassis-a show log log-id 99 | head -14)
expect_match "event log: failover started, ISA 2/1 takes over" "failover started: ISA 1/2 down, ISA 2/1 takes over" "$log"
wait_for 3 bash -c "$SRLAB cli -l $LAB chassis-a show log log-id 99 | grep -q 'failover done'"
expect_match "event log: failover done, with the tunnel count" "failover done: ISA 2/1 carries 0 tunnels" \
  "$(cli chassis-a show log log-id 99 | head -14)"
check "srlab start chassis-a isa-1/2" "$SRLAB" start -l $LAB chassis-a isa-1/2
if wait_for 5 isa_is up; then ok "MDA 1/2 up again after start"; else fail "MDA 1/2 up again after start"; fi
sleep 0.3
expect_match "the recovered primary waits as standby: no pre-emption" "^1 +single +1/2 +2/1 +2/1 +Up +Up" \
  "$(cli chassis-a show isa tunnel-group)"

# --- a bad config file changes nothing ------------------------------------------
before=$(cli chassis-a admin display-config)
bad=$(mktemp /tmp/srlab-bad.XXXXXX.cfg)
cat > "$bad" <<'CFG'
configure
    service
        vprn 200 customer 1 create
            interface "x" create
                address 10.9.0.1/24
            exit
            no shutdown
        exit
    exit
    card 1
        mda 2
            mda-type isa9-tunnel
        exit
    exit
exit all
CFG
out=$("$SRLAB" config -l $LAB chassis-a "$bad" 2>&1); rc=$?
expect_eq "bad config: non-zero exit" 1 "$rc"
expect_match "bad config: names line 12, the word and the reason" \
  "^Error: line 12: 'isa9-tunnel': unknown mda-type 'isa9-tunnel'" "$out"
expect_eq "bad config: display-config byte-for-byte unchanged" "$before" "$(cli chassis-a admin display-config)"
# a semantic error found only after the whole file was read
cat > "$bad" <<'CFG'
configure
    service ies 100 interface "to-host-a" sap 1/1/2 shutdown
    service ies 100 interface "to-host-a" no sap 1/1/2
    service ies 100 interface "to-host-a" sap 1/1/5 create
exit all
CFG
out=$("$SRLAB" config -l $LAB chassis-a "$bad" 2>&1)
expect_match "semantic error names line 4 and port 1/1/5" \
  "^Error: line 4: '1/1/5': SAP 1/1/5 in service 100: port 1/1/5 is not configured" "$out"
expect_eq "semantic error: display-config unchanged" "$before" "$(cli chassis-a admin display-config)"
rm -f "$bad"

# --- a good change, then cpm kill -9 and restart: same running config -------------
good=$(mktemp /tmp/srlab-good.XXXXXX.cfg)
cat > "$good" <<'CFG'
configure
    service
        vprn 300 customer 1 create
            route-distinguisher 65000:300
            interface "lan" create
                address 10.30.0.1/24
            exit
            no shutdown
        exit
    exit
exit all
CFG
check "a good config file applies" "$SRLAB" config -l $LAB chassis-a "$good"
rm -f "$good"
expect_match "show service service-using lists vprn 300" "^300 +VPRN +Up +Up +1$" \
  "$(cli chassis-a show service service-using)"
saved=$(cli chassis-a admin display-config)
check "kill -9 cpm" "$SRLAB" kill -l $LAB chassis-a cpm
sleep 0.3
check "srlab start chassis-a cpm" "$SRLAB" start -l $LAB chassis-a cpm
cpm_up() { cli chassis-a show card >/dev/null; }
wait_for 5 cpm_up
expect_eq "display-config after cpm kill -9 and restart is the same" "$saved" \
  "$(cli chassis-a admin display-config)"
all_up() { [ "$(jcli chassis-a show mda | json "' '.join(m['oper_state'] for m in d['mdas'])")" = "up up up" ]; }
if wait_for 5 all_up; then ok "cards re-register with the restarted cpm"; else fail "cards re-register with the restarted cpm"; fi
expect_match "the restarted cpm logged its reload" "loaded from the store" "$(cli chassis-a show log log-id 99)"

# --- hostile bus messages: counted, logged, cpm keeps running ------------------------
ep="ipc:///run/srlab/$LAB/chassis-a/cpm.sock"
for kind in garbage version unknown frames truncated empty; do
  "$BUSINJ" "$ep" attacker $kind 3
done
sleep 0.3
bus=$(jcli chassis-a show srlab bus)
expect_eq "bus: 3 garbage + 3 truncated counted malformed" 6 \
  "$(printf '%s' "$bus" | json "[s['malformed'] for s in d['sockets'] if s['socket']=='cards'][0]")"
expect_eq "bus: 3 wrong-version + 3 empty counted bad_version" 6 \
  "$(printf '%s' "$bus" | json "[s['bad_version'] for s in d['sockets'] if s['socket']=='cards'][0]")"
unknown=$(printf '%s' "$bus" | json "[s['unknown'] for s in d['sockets'] if s['socket']=='cards'][0]")
expect_eq "bus: 3 unknown bodies counted" 3 "$unknown"
[ "$unknown" = 3 ] || grep "reason=unknown" /run/srlab/$LAB/chassis-a/log/cpm.log | head -5 | sed 's/^/#   /'
expect_eq "bus: 3 wrong frame counts counted" 3 \
  "$(printf '%s' "$bus" | json "[s['bad_frames'] for s in d['sockets'] if s['socket']=='cards'][0]")"
expect_match "cpm logged the drops with reasons" "event=bus_drop reason=malformed from=\"attacker\"" \
  "$(cat /run/srlab/$LAB/chassis-a/log/cpm.log)"
if wait_for 2 all_up; then ok "cpm still serves after hostile input"; else fail "cpm still serves after hostile input"; fi

# --- interactive session: context, prompt, info ------------------------------------
sess=$(printf 'configure\ncard 1\ninfo\nexit all\nlogout\n' | "$SRLAB" cli -l $LAB chassis-a 2>&1)
expect_match "interactive CLI: info in card 1 shows mda-type" "mda-type isa2-tunnel" "$sess"

# --- down leaves nothing ------------------------------------------------------------
pids=$("$SRLAB" status -l $LAB --json | json "' '.join(str(p['pid']) for n in d['nodes'] for p in n['processes'])")
check "srlab down" "$SRLAB" down $LAB
expect_eq "no namespace of the lab left" "" "$(ip netns list | grep "srl-$LAB-" || true)"
expect_eq "no run directory left" "no" "$([ -e /run/srlab/$LAB ] && echo yes || echo no)"
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
expect_eq "no process of the lab left" "" "$left"

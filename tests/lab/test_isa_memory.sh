#!/usr/bin/env bash
# A tunnel ISA's three fixed memory thresholds (the chapter): the ipsec-gw
# lab of the IKE benchmark with an 8 MiB ISA (topology key isa-memory-mb);
# bin/ikeload opens tunnels until the ISA is above its high-watermark (alarm
# raised) and max-threshold (new IKE states rejected, counted, the peers'
# IKE_SA_INIT unanswered); deleting them clears both; new tunnels come up
# again.
source "$(dirname "$0")/lib.sh"
LAB=t-isamem
WS=$(mktemp -d /tmp/srlab-mem.XXXXXX)
trap 'rm -rf "$WS"; cleanup' EXIT
TOPO=$PWD/topology/bench
sed -e "s|config: ike.cfg|config: $TOPO/ike.cfg\n    isa-memory-mb: 8|" \
    -e "s|swanctl: ike-swan|swanctl: $TOPO/ike-swan|" \
    -e "s|strongswan-conf: ike-swan|strongswan-conf: $TOPO/ike-swan|" topology/bench/ike.yaml > "$WS/lab.yaml"
if lab_up "$WS/lab.yaml" $LAB > "$WS/up" 2>&1; then ok "ipsec-gw lab up with isa-memory-mb 8"; else
  fail "lab up"; sed 's/^/#   /' "$WS/up"; exit 1; fi
member() { jcli chassis show isa tunnel-group 1 | json "d['tunnel_groups'][0]['members'][0]$1"; }
events() { cli chassis show log log-id 99 | grep -c "$1"; }
rejected() { jcli chassis show srlab dataplane | json "[c for c in d['cards'] if c['card'] == 'isa'][0]['counters'].get('ike-rejected-memory-full', 0)"; }
wait_for 10 gw_ready || fail "gateway gw up"
reported() { member "['memory_bytes']"; }
wait_for 5 reported

expect_eq "the ISA reports its memory: 8 MiB, under the low-watermark" "8388608 True" \
  "$(member "['memory_bytes'], d['tunnel_groups'][0]['members'][0]['memory_used_percent'] < 80")"
detail=$(cli chassis show isa tunnel-group 1 detail)
expect_match "detail view: the ISA's memory in MiB and percent" "^1/2 +primary +up +active +0 +32000 +[0-9.]+/8 +[0-9]+%" "$detail"
expect_match "detail view: the three thresholds" \
  "^Memory thresholds +: low-watermark 80%, high-watermark 90%, max-threshold 95%" "$detail"

# --- fill the ISA: 1,600 tunnels do not fit in 8 MiB ----------------------------------------------
gw_load --count 1600 --window 256 --hold 600 --delete > "$WS/fill" 2>&1 &
FILL=$!
BGPIDS+=($FILL)
full() { [ "$(events 'above the max-threshold')" -ge 1 ]; }
wait_for 60 full && ok "event: above the max-threshold, new IKE states rejected" || fail "max-threshold event"
expect_match "event text names the ISA, its usage and the threshold" \
  "ISA 1/2 memory usage (9[5-9]|1[0-9][0-9])% \([0-9.]+ of 8.0 MiB\) is above the max-threshold: new IKE states are rejected \(95%\)" \
  "$(cli chassis show log log-id 99)"
expect_eq "the high-watermark alarm was raised before it" 1 "$(events 'is above the high-watermark (90%)')"
settled() { grep -q '^ikeload-result' "$WS/fill"; }
wait_for 120 settled || fail "ikeload finished its setups"
up=$(sed -n 's/^ikeload-result up=\([0-9]*\) failed=\([0-9]*\).*/\1 \2/p' "$WS/fill")
note "ikeload: $(grep -E '^ikeload: [0-9]+ up' "$WS/fill")"
expect_match "some tunnels up, the rest refused for want of memory (no answer to IKE_SA_INIT)" \
  "^[1-9][0-9]* [1-9][0-9]*$" "$up"
expect_match "their failures are unanswered IKE_SA_INITs" "failed \(no-response-init [0-9]+\)" "$(cat "$WS/fill")"
r=$(rejected)
[ "$r" -gt 0 ] && ok "ISA counter ike-rejected-memory-full counts them ($r)" || fail "ike-rejected-memory-full ($r)"
expect_eq "the group counts the tunnels that are up" "${up%% *}" "$(member "['tunnels']")"

# --- delete them: usage falls, both alarms clear --------------------------------------------
x loadgen pkill -TERM -x ikeload # ends its hold: it deletes every IKE SA
wait $FILL 2>/dev/null
gone() { [ "$(member "['tunnels']")" = 0 ]; }
wait_for 60 gone && ok "every tunnel deleted" || fail "tunnels deleted ($(member "['tunnels']") left)"
cleared() { [ "$(events 'is back below the low-watermark (80%)')" -ge 1 ]; }
wait_for 10 cleared && ok "event: back below the low-watermark, alarm cleared" || fail "low-watermark clear event"
expect_eq "event: new IKE states accepted again" 1 "$(events 'back below the high-watermark: new IKE states are accepted again')"
gw_load --count 50 --window 16 --timeout 10 > "$WS/after" 2>&1
expect_match "50 new tunnels come up again" "^ikeload-result up=50 failed=0" "$(cat "$WS/after")"
exit 0

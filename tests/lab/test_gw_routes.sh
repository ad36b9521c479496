#!/usr/bin/env bash
# Reverse routes of an ipsec-gw's dynamic tunnels (the chapter), in the
# ipsec-gw lab of the IKE benchmark: bin/ikeload opens tunnels from distinct
# client ports, each with a /32 TSi; every tunnel's route appears in the
# private VPRN as IPsec; a CHILD SA whose TSi would overlap a route to
# another tunnel is refused (TS_UNACCEPTABLE, logged with the reason) and
# installs no route; deleting the tunnels takes their routes away.
source "$(dirname "$0")/lib.sh"
LAB=t-gwroutes
WS=$(mktemp -d /tmp/srlab-gwr.XXXXXX)
trap 'rm -rf "$WS"; cleanup' EXIT
if lab_up topology/bench/ike.yaml $LAB > "$WS/up" 2>&1; then ok "ipsec-gw lab up"; else
  fail "lab up"; sed 's/^/#   /' "$WS/up"; exit 1; fi
wait_for 10 gw_ready || fail "gateway gw up"
ipsec_routes() { jcli chassis show router 200 route-table | json "' '.join(sorted(r['prefix'] for r in d['routes'] if r['protocol'] == 'IPsec'))"; }

# --- 8 tunnels, TSi 10.100.0.0/32 .. 10.100.0.7/32 ------------------------------------------------
gw_load --count 8 --base-port 20000 --ts-base 10.100.0.0 --hold 600 --delete > "$WS/first" 2>&1 &
FIRST=$!
BGPIDS+=($FIRST)
first_up() { grep -q '^ikeload-result up=8 ' "$WS/first"; }
wait_for 20 first_up && ok "8 tunnels up" || fail "8 tunnels up ($(cat "$WS/first"))"
want=$(for i in 0 1 2 3 4 5 6 7; do echo "10.100.0.$i/32"; done | sort | tr '\n' ' ' | sed 's/ $//')
routed() { [ "$(ipsec_routes)" = "$want" ]; }
wait_for 5 routed
expect_eq "one IPsec reverse route per tunnel in VPRN 200" "$want" "$(ipsec_routes)"

# --- overlapping TSi from other clients: refused ---------------------------------------------------
gw_load --count 3 --base-port 21000 --ts-base 10.100.0.5 --timeout 10 > "$WS/clash" 2>&1
expect_match "3 CHILD SAs overlapping another tunnel's route refused with TS_UNACCEPTABLE" \
  "^ikeload: 0 up, 3 failed \(N-TS_UNACCEPTABLE 3\)" "$(cat "$WS/clash")"
expect_match "the session log says why" "overlaps a reverse route to another tunnel" \
  "$(cli chassis show ipsec session-log)"
expect_eq "no route added or taken away by the refused ones" "$want" "$(ipsec_routes)"

# --- a disjoint TSi from another client: accepted --------------------------------------------------
gw_load --count 2 --base-port 22000 --ts-base 10.100.1.0 --timeout 10 > "$WS/other" 2>&1
expect_match "2 tunnels with TSi outside the others' routes come up" "^ikeload-result up=2 failed=0" \
  "$(cat "$WS/other")"
more() { ipsec_routes | grep -q "10.100.1.1/32"; }
wait_for 5 more && ok "their routes appear (10.100.1.0/32, 10.100.1.1/32)" || fail "routes of the new tunnels"

# --- a commit while the tunnels are up, then the first 8 deleted: their routes go ----------------------
printf 'configure service vprn 200 description "private, touched"\n' > "$WS/touch.cfg"
check "a configuration commit while the gateway's tunnels are up" "$SRLAB" config -l $LAB chassis "$WS/touch.cfg"
x loadgen pkill -TERM -f "ikeload --target 192.168.10.3 .*--base-port 20000" # ends the hold: deletes
wait $FIRST 2>/dev/null
left() { [ "$(ipsec_routes)" = "10.100.1.0/32 10.100.1.1/32" ]; }
wait_for 10 left && ok "the deleted tunnels' routes are gone, the others stay" \
  || fail "routes after the deletes: $(ipsec_routes)"
gw_load --count 1 --base-port 23000 --ts-base 10.100.0.5 --timeout 10 > "$WS/again" 2>&1
expect_match "10.100.0.5 is free again: a new tunnel takes it" "^ikeload-result up=1 failed=0" "$(cat "$WS/again")"
expect_match "the ISA never took a gateway's IKE for a static tunnel's" "^0$" \
  "$(grep -c 'ike-on-static-tunnel' /run/srlab/$LAB/chassis/log/isa-1-2.log)"
exit 0

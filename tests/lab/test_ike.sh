#!/usr/bin/env bash
# IKEv2 against a real strongSwan peer (topology/ike.yaml): chassis-a
# initiates its static tunnel (auto-establish), strongSwan initiates to the
# static tunnel and to the ipsec-gw, both sides agree on SPIs and
# algorithms, traffic crosses, rekeys every 20 s (CHILD) and 60 s (IKE) lose
# nothing, traffic selectors are narrowed with reverse routes, IKE messages
# are fragmented, a wrong key is refused and locked out, a dead peer is
# detected, and Wireshark decrypts IKE_AUTH with the exported keys.
source "$(dirname "$0")/lib.sh"
LAB=t-ike
PING_S=${IKE_TEST_PING_SECONDS:-180}
if lab_up topology/ike.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "ike lab up"; else
  fail "ike lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
WS=$(mktemp -d /tmp/srlab-ike.XXXXXX)
trap 'rm -rf "$WS"; cleanup' EXIT

swan() { x peer swanctl "$@"; }
apply() { # apply <<CFG
  local f; f=$(mktemp /tmp/srlab-ike.XXXXXX.cfg); cat > "$f"
  "$SRLAB" config -l $LAB chassis-a "$f" > /tmp/$LAB.cfg.out 2>&1; local rc=$?; rm -f "$f"; return $rc
}
static() { printf 'configure service vprn 200 interface "to-peer" sap tunnel-1.private:1 ipsec-tunnel "peer-static" %s\n' "$@"; }
# the IKE SA of a tunnel as chassis-a sees it (JSON field), "" when none
ike() { jcli chassis-a show ipsec ike-sa | json "([s['$2'] for s in d['ike_sas'] if s['peer_id']=='$1'] or [''])[0]"; }
established() { [ "$(ike "$1" state)" = established ]; }
# strongSwan's CHILD SA SPIs "in out" and algorithm of a connection
swan_child() {
  swan --list-sas --ike "$1" 2>/dev/null | awk '/INSTALLED/{alg=$NF} / in  /{i=$2} / out /{o=$2} END{gsub(",","",i); gsub(",","",o); print i, o, alg}'
}
# ours: "inbound outbound" SPIs of the newest CHILD SA of a tunnel
our_child() {
  jcli chassis-a show ipsec tunnel | json "' '.join('%08x' % s['spi'] for s in sorted([s for t in d['tunnels'] if t['name']=='$1' for s in t['security_associations']], key=lambda s: (s['id'], not s['direction']=='inbound'))[-2:])"
}
seslog() { jcli chassis-a show ipsec session-log 1000 | json "sum(1 for s in d['sessions'] if s['event']=='$1')"; }

# --- chassis-a initiates (auto-establish), strongSwan answers ------------------------------------
wait_for 20 established peer.example && ok "auto-establish: chassis-a's IKE SA with strongSwan is up" \
  || fail "auto-establish: no IKE SA (state '$(ike peer.example state)')"
expect_eq "chassis-a is the initiator, with the proposal strongSwan also offers" \
  "initiator aes128-gcm16 auth-encryption sha256 19" \
  "$(ike peer.example role) $(ike peer.example encryption) $(ike peer.example integrity) $(ike peer.example prf) $(ike peer.example dh_group)"
read -r sin sout salg <<< "$(swan_child static)"
expect_eq "strongSwan's CHILD SA: AES_GCM_16-128 in UDP" "ESP:AES_GCM_16-128" "$salg"
expect_eq "SPIs agree: our inbound is strongSwan's outbound and the reverse" "$sout $sin" "$(our_child peer-static)"
check "peer-host pings host-a through the tunnel" x peer-host ping -c 5 -i 0.2 -W 1 10.10.0.10
bg host-a iperf3 -s -1 -p 5401
sleep 0.3
got=$(x peer-host iperf3 -c 10.10.0.10 -p 5401 -t 2 -J 2>/dev/null | json "d['end']['sum_received']['bytes']")
[ "${got:-0}" -gt 1000000 ] && ok "iperf3 TCP peer-host -> host-a ($got bytes)" || fail "iperf3 through IKE-keyed tunnel ($got)"

# --- rekeys: strongSwan rekeys the CHILD SA every 20 s, the IKE SA every 60 s ---------------------
c0=$(seslog child-sa-rekeyed); i0=$(seslog ike-sa-rekeyed)
all=$(x peer-host ping -O -c $((PING_S * 10)) -i 0.1 -W 1 10.10.0.10 2>&1)
out=$(printf '%s\n' "$all" | tail -2)
# charon's kernel-libipsec swaps its route into ipsec0 when it replaces a
# CHILD SA: a ping sent in that instant gets "Net Unreachable" from the
# peer's own kernel (10.20.0.1) and never reaches a chassis. Those are the
# peer's; every packet that left it must come back.
peer_unreach=$(printf '%s\n' "$all" | grep -c "From 10.20.0.1 icmp_seq=.* Destination Net Unreachable")
got=$(printf '%s\n' "$out" | sed -nE 's/.* ([0-9]+) received.*/\1/p')
expect_eq "${PING_S} s of ping at 10/s across every rekey: nothing lost by the chassis" \
  "$((PING_S * 10))" "$(( ${got:-0} + peer_unreach ))"
[ "$peer_unreach" -gt 0 ] && note "$peer_unreach ping(s) refused by the peer's own kernel (no route during its CHILD SA swap)"
if [ $(( ${got:-0} + peer_unreach )) -ne $((PING_S * 10)) ]; then
  printf '%s\n' "$all" | grep "no answer yet" | head -5 | sed 's/^/#   /'
  note "the tunnel's drops: $(jcli chassis-a show ipsec tunnel | json "[t['statistics']['drops'] for t in d['tunnels'] if t['name']=='peer-static']")"
fi
c=$(( $(seslog child-sa-rekeyed) - c0 )); i=$(( $(seslog ike-sa-rekeyed) - i0 ))
expect_match "the session log has the CHILD SA rekeys ($c) and IKE SA rekeys ($i)" "^[1-9]" "$((c >= PING_S / 30 ? 1 : 0))$((i >= PING_S / 90 ? 1 : 0))"
note "rekeys seen in ${PING_S} s: $c CHILD SA, $i IKE SA"

# --- strongSwan initiates to the static tunnel --------------------------------------------------------
static "dynamic-keying no auto-establish" | apply && ok "no auto-establish (allowed while up)" \
  || fail "no auto-establish ($(cat /tmp/$LAB.cfg.out))"
swan --terminate --ike static > /dev/null 2>&1
wait_for 5 bash -c "[ -z \"\$($SRLAB cli -l $LAB chassis-a --json show ipsec ike-sa | grep -o peer.example)\" ]"
out=$(swan --initiate --child static 2>&1)
expect_match "strongSwan initiates to the static tunnel: CHILD SA up" "CHILD_SA static\{[0-9]+\} established" "$out"
expect_eq "chassis-a answers as responder" responder "$(ike peer.example role)"
read -r sin sout salg <<< "$(swan_child static)"
expect_eq "SPIs agree again" "$sout $sin" "$(our_child peer-static)"
check "traffic crosses" x peer-host ping -c 3 -i 0.2 -W 1 10.10.0.10
static "dynamic-keying auto-establish" | apply

# --- the ipsec-gw: a dynamic tunnel with a reverse route -------------------------------------------------
static shutdown | apply && ok "static tunnel shut down (its static route goes)" || fail "shutdown ($(cat /tmp/$LAB.cfg.out))"
cap=$WS/wan.pcap
"$SRLAB" capture -l $LAB chassis-a:1/1/1 -w "$cap" --seconds 3 2>/dev/null & capid=$!
sleep 0.4
out=$(swan --initiate --child gw 2>&1)
wait $capid
expect_match "strongSwan initiates to the ipsec-gw: CHILD SA up" "CHILD_SA gw\{[0-9]+\} established" "$out"
expect_match "show ipsec gateway gw tunnel: the peer and its reverse route" \
  "192\.168\.0\.100:4500 +peer\.example +1/2 .* 10\.20\.0\.0/24" "$(cli chassis-a show ipsec gateway gw tunnel)"
expect_match "the reverse route is in VPRN 200's route table, protocol ipsec" \
  "10\.20\.0\.0/24 .*Remote +IPsec" "$(cli chassis-a show router 200 route-table)"
check "peer-host pings host-a through the gateway" x peer-host ping -c 3 -i 0.2 -W 1 10.10.0.10
check "host-a pings peer-host through the reverse route" x host-a ping -c 3 -i 0.2 -W 1 10.20.0.10
"$SRLAB" keys -l $LAB chassis-a --wireshark "$WS/ws" > /dev/null
expect_eq "tshark decrypts IKE_AUTH with the exported IKE keys: IDi peer.example" "peer.example" \
  "$(WIRESHARK_CONFIG_DIR=$WS/ws tshark -r "$cap" -Y 'isakmp.exchangetype==35 && isakmp.flag_r==0' -T fields -e isakmp.id.data.fqdn 2>/dev/null | head -1)"
swan --terminate --ike gw > /dev/null 2>&1
wait_for 5 bash -c "! $SRLAB cli -l $LAB chassis-a show router 200 route-table | grep -q '10.20.0.0/24'"
expect_eq "with the tunnel gone, so is its reverse route" "" \
  "$(cli chassis-a show router 200 route-table | grep '10\.20\.0\.0/24')"

# --- traffic selectors narrowed to the ts-list ---------------------------------------------------------
out=$(swan --initiate --child wide 2>&1)
expect_match "strongSwan proposes 10.20.0.0/16 === 10.0.0.0/8; it gets the intersection with the ts-list" \
  "CHILD_SA wide\{[0-9]+\} established .* TS 10\.20\.0\.0/24 === 10\.10\.0\.0/24" "$out"
expect_match "with AES-CBC-256 + HMAC-SHA-256 and MODP-2048, its second choice" \
  "selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128" "$out"
expect_match "the reverse route is the narrowed TSi" "10\.20\.0\.0/24" "$(cli chassis-a show router 200 route-table)"
swan --terminate --ike wide > /dev/null 2>&1

# --- IKEv2 fragmentation (RFC 7383): ipsec-gw gw-frag with ikev2-fragment mtu 512 -----------------------
out=$(swan --initiate --child frag 2>&1)
expect_match "our IKE_AUTH response (24 selectors) reaches strongSwan in 512-byte fragments" \
  "received fragment #[12] of 2, reassembled fragmented IKE message" "$out"
expect_match "and its CHILD SA carries the 24 narrowed selectors" "=== 10\.10\.0\.0/28 .* 10\.10\.1\.112/28" "$out"
swan --terminate --ike frag > /dev/null 2>&1

# --- a wrong pre-shared key: refused, logged, locked out after 3 --------------------------------------------
for n in 1 2 3; do
  out=$(swan --initiate --child badpsk 2>&1)
  expect_match "wrong key, attempt $n: strongSwan gets AUTHENTICATION_FAILED" "received AUTHENTICATION_FAILED notify" "$out"
done
expect_match "the event log says so" 'IKEv2 authentication failed: peer 192\.168\.0\.100:4500 id "bad\.example"' \
  "$(cli chassis-a show log log-id 99)"
expect_match "show ipsec lockout: the client blocked after 3 failures" "192\.168\.0\.100:4500 +3 +yes" \
  "$(cli chassis-a show ipsec lockout)"
b0=$(jcli chassis-a show srlab dataplane | json "sum(c['counters'].get('ike-blocked-by-lockout', 0) for c in d['cards'] if c['card']=='isa')")
out=$(timeout 8 "$SRLAB" exec -l $LAB peer -- swanctl --initiate --child badpsk --timeout 5 2>&1)
b1=$(jcli chassis-a show srlab dataplane | json "sum(c['counters'].get('ike-blocked-by-lockout', 0) for c in d['cards'] if c['card']=='isa')")
[ "$b1" -gt "$b0" ] && ok "a fourth attempt is dropped unanswered ($((b1 - b0)) packets blocked)" \
  || fail "the blocked client was answered ($b0 -> $b1)"
cli chassis-a clear ipsec lockout > /dev/null
expect_match "clear ipsec lockout" "Clients: 0" "$(cli chassis-a show ipsec lockout)"

# --- dead peer detection: dpd interval 10 max-retries 3 -------------------------------------------------------
static "no shutdown" | apply
wait_for 20 established peer.example && ok "the static tunnel is back (auto-establish)" || fail "static tunnel not back"
d0=$(date +%s)
note "$("$SRLAB" kill -l $LAB peer charon 2>&1)"
note "$("$SRLAB" status $LAB | grep charon)"
wait_for 60 bash -c "$SRLAB cli -l $LAB chassis-a --json show ipsec session-log 20 | grep -q dead-peer-detected"
down=$(( $(date +%s) - d0 ))
expect_match "killing charon takes the tunnel down by DPD" "dead-peer-detected" \
  "$(jcli chassis-a show ipsec session-log 20 | json "' | '.join(s['detail'] for s in d['sessions'] if s['event']=='ike-sa-down')")"
note "DPD took ${down} s (interval 10 s x 3 retries)"
static_oper() { jcli chassis-a show ipsec tunnel | json "[t['oper_state'] + ' ' + t['oper_flags'] for t in d['tunnels'] if t['name']=='peer-static'][0]"; }
expect_eq "show ipsec tunnel: the static tunnel is down without SAs" "down sa-not-established" "$(static_oper)"
"$SRLAB" start -l $LAB peer charon > /dev/null
wait_for 30 established peer.example && ok "charon back: chassis-a re-establishes by itself" || fail "no re-establish"
check "and traffic crosses again" x peer-host ping -c 3 -i 0.2 -W 1 10.10.0.10
expect_eq "show ipsec tunnel: up again" "up " "$(static_oper)"

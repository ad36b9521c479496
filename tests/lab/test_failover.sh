#!/usr/bin/env bash
# Tunnel groups and ISA failover (topology/gre.yaml): GRE, IP-IP and an
# IKEv2 tunnel (strongSwan peer) on chassis-a's primary ISA; killing it moves
# all three to the backup (GRE/IP-IP at once, IPsec by re-negotiation), the
# outage measured from 100/s pings; a recovered primary waits as standby;
# multi-active with 2 active + 1 standby replaces a failed active and goes
# down with no standby left; tunnel-limit-2k refuses the 2,001st tunnel;
# the chapter's forbidden changes are refused with their reason.
source "$(dirname "$0")/lib.sh"
LAB=t-failover
if lab_up topology/gre.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "gre lab up"; else
  fail "gre lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
WS=$(mktemp -d /tmp/srlab-fo.XXXXXX)
trap 'rm -rf "$WS"; cleanup' EXIT
apply() { # apply NODE <<CFG
  "$SRLAB" config -l $LAB "$1" /dev/stdin > /tmp/$LAB.cfg.out 2>&1
}
group() { jcli "$1" show isa tunnel-group "$2" detail | json "$3"; }
ike_up() { "$SRLAB" cli -l $LAB chassis-a --json show ipsec ike-sa | grep -q established; }
# gap MS: the longest silence between replies in a `ping -D` log, and the last reply's time
gaps() { /usr/bin/python3 -c "
import re, sys
t = [float(m.group(1)) for m in re.finditer(r'^\[(\d+\.\d+)\] .*icmp_seq', open(sys.argv[1]).read(), re.M)]
print(round(max(b - a for a, b in zip(t, t[1:])) * 1000) if len(t) > 1 else -1, t[-1] if t else 0)" "$1"; }

# --- single-active: GRE, IP-IP and IPsec on primary 1/2 --------------------------------------
wait_for 30 ike_up && ok "the IKEv2 tunnel to strongSwan is up (auto-establish)" || fail "IKEv2 tunnel up"
expect_eq "all three tunnels on the primary ISA 1/2" "1/2 3" \
  "$(group chassis-a 1 "' '.join(d['tunnel_groups'][0]['active_isas']) + ' ' + str(d['tunnel_groups'][0]['tunnels'])")"
for d in 10.2.0.10 10.2.0.20 10.30.0.10; do
  bg host-a sh -c "ping -D -i 0.01 -c 900 -W 1 $d > $WS/ping.$d 2>&1"
done
sleep 2
kill_at=$(date +%s.%N)
check "srlab kill chassis-a isa-1/2" "$SRLAB" kill -l $LAB chassis-a isa-1/2
sleep 8
wait_for 5 bash -c "! pgrep -f 'ping -D -i 0.01' > /dev/null"
for d in 10.2.0.10 10.2.0.20 10.30.0.10; do
  read -r gap last <<< "$(gaps "$WS/ping.$d")"
  kind=$([ $d = 10.2.0.10 ] && echo GRE || { [ $d = 10.2.0.20 ] && echo IP-IP || echo IPsec; })
  after=$(/usr/bin/python3 -c "print(1 if $last > $kill_at + 3 else 0)")
  expect_eq "$kind ($d): replies again after the failover" 1 "$after"
  note "$kind outage: ${gap} ms (longest gap between replies at 100/s)"
done
expect_eq "show isa tunnel-group 1: the backup 2/1 carries the 3 tunnels, 1/2 is down" "2/1 3 down" \
  "$(group chassis-a 1 "' '.join(d['tunnel_groups'][0]['active_isas']) + ' ' + str(d['tunnel_groups'][0]['tunnels']) + ' ' + [m['oper'] for m in d['tunnel_groups'][0]['members'] if m['isa']=='1/2'][0]")"
log=$(cli chassis-a show log log-id 99)
expect_match "event log: ISA 1/2 down" 'Mda 1/2.*|failed, reason: process exited' "$(echo "$log" | grep -A1 'Mda 1/2')"
expect_match "event log: failover started" "failover started: ISA 1/2 down, ISA 2/1 takes over" "$log"
expect_match "event log: failover done with the tunnel count" "failover done: ISA 2/1 carries 3 tunnels" "$log"
expect_match "session log: the IPsec tunnel re-established on ISA 2/1" "isa 2/1" \
  "$(cli chassis-a show ipsec session-log 20 | grep -E '^[0-9]+ .* ike-sa-up ike-a')"
check "srlab start chassis-a isa-1/2" "$SRLAB" start -l $LAB chassis-a isa-1/2
mda_up() { [ "$(jcli chassis-a show mda | json "[m['oper_state'] for m in d['mdas'] if m['process']=='isa-1/2'][0]")" = up ]; }
wait_for 5 mda_up
sleep 0.5
expect_eq "the recovered primary waits as standby (no pre-emption)" "2/1 standby" \
  "$(group chassis-a 1 "' '.join(d['tunnel_groups'][0]['active_isas']) + ' ' + [m['activity'] for m in d['tunnel_groups'][0]['members'] if m['isa']=='1/2'][0]")"
check "GRE still through the backup" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10
check "IPsec still through the backup" x host-a ping -c 2 -i 0.2 -W 1 10.30.0.10

# --- forbidden and allowed changes (the chapter) --------------------------------------------------
printf 'configure isa tunnel-group 1 backup 2/2\n' | apply chassis-a && fail "the active backup cannot be replaced" \
  || expect_match "the active backup cannot be replaced" "backup ISA 2/1 is active for the group" "$(cat /tmp/$LAB.cfg.out)"
printf 'configure isa tunnel-group 1 primary 2/2\n' | apply chassis-a \
  && ok "the primary may change without a shutdown while the backup is active" \
  || fail "primary change while the backup is active ($(cat /tmp/$LAB.cfg.out))"
printf 'configure isa tunnel-group 1 primary 1/2\n' | apply chassis-a
printf 'configure isa tunnel-group 1 no primary\nconfigure isa tunnel-group 1 no backup\nconfigure isa tunnel-group 1 multi-active\nconfigure isa tunnel-group 1 active-mda-number 1\nconfigure isa tunnel-group 1 mda 1/2\nconfigure isa tunnel-group 1 mda 2/1\n' \
  | apply chassis-a && fail "the mode changes only while shut down" \
  || expect_match "the mode changes only while shut down" "shut the group down to change its mode" "$(cat /tmp/$LAB.cfg.out)"
printf 'configure isa no tunnel-group 1\n' | apply chassis-a && fail "a group in use cannot be deleted" \
  || expect_match "a group in use cannot be deleted" "cannot be deleted|not shut down" "$(cat /tmp/$LAB.cfg.out)"

# --- multi-active: 2 active + 1 standby ----------------------------------------------------------------
apply chassis-a <<'CFG' && ok "tunnel-group 1 made multi-active: 1/2, 2/1, 2/2, active-mda-number 2" \
  || fail "multi-active ($(cat /tmp/$LAB.cfg.out))"
configure isa tunnel-group 1 shutdown
configure isa tunnel-group 1 no primary
configure isa tunnel-group 1 no backup
configure isa tunnel-group 1 multi-active
configure isa tunnel-group 1 active-mda-number 2
configure isa tunnel-group 1 mda 1/2
configure isa tunnel-group 1 mda 2/1
configure isa tunnel-group 1 mda 2/2
configure isa tunnel-group 1 no shutdown
CFG
wait_for 30 ike_up
counts() { group chassis-a 1 "' '.join('%s:%s:%d' % (m['isa'], m['activity'], m['tunnels']) for m in d['tunnel_groups'][0]['members'])"; }
c=$(counts)
expect_match "tunnels spread over both actives, none on the standby" "1/2:active:[12] 2/1:active:[12] 2/2:standby:0" "$c"
check "GRE through the multi-active group" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.10
check "IP-IP through it" x host-a ping -c 2 -i 0.2 -W 1 10.2.0.20
victim=$(echo "$c" | tr ' ' '\n' | awk -F: '$2=="active" && $3>0 {print $1; exit}')
keep=$(echo "$c" | tr ' ' '\n' | awk -F: -v v="$victim" '$2=="active" && $1!=v {print $1":"$3}')
check "kill the active ISA $victim" "$SRLAB" kill -l $LAB chassis-a "isa-$victim"
sleep 1
c2=$(counts)
expect_match "the standby 2/2 takes $victim's place and tunnels; ${keep%%:*} keeps its ${keep##*:}" \
  "2/2:active:[12]" "$c2"
expect_match "the other active kept its tunnels" "${keep%%:*}:active:${keep##*:}" "$c2"
wait_for 30 ike_up
for d in 10.2.0.10 10.2.0.20 10.30.0.10; do check "traffic to $d after the replacement" x host-a ping -c 2 -i 0.2 -W 1 $d; done
second=${keep%%:*}
check "kill the other original active ISA $second" "$SRLAB" kill -l $LAB chassis-a "isa-$second"
sleep 1
expect_eq "no standby left: the group is oper-down, with the reason" "down no-standby" \
  "$(group chassis-a 1 "d['tunnel_groups'][0]['oper_state'] + ' ' + d['tunnel_groups'][0]['oper_flags']")"
expect_match "and its tunnels are down" "tunnel-group-down" "$(cli chassis-a show ip tunnel gre-a)"
expect_match "event log: the group went down" "tunnel-group 1 down: active ISA .* down and no standby left" \
  "$(cli chassis-a show log log-id 99)"

# --- isa-scale-mode tunnel-limit-2k: the 2,001st tunnel ----------------------------------------------
cfg=$WS/2k.cfg
/usr/bin/python3 - "$cfg" <<'PY'
import sys
out = open(sys.argv[1], "w")
w = out.write
w("configure isa tunnel-group 2 isa-scale-mode tunnel-limit-2k create primary 2/2\n")
w("configure isa tunnel-group 2 no shutdown\n")
w('configure service ies 100 interface "public-2" create address 192.168.20.1/24\n')
w('configure service ies 100 interface "public-2" sap tunnel-2.public:1 create\n')
w('configure service ies 100 interface "public-2" no shutdown\n')
for k in range(1, 2002):
    n = 4 * k
    net = "172.16.%d.%d" % (n // 256, n % 256)
    peer = "172.16.%d.%d" % (n // 256, n % 256 + 2)
    ifn = 'configure service vprn 200 interface "t%d"' % k
    w('%s tunnel create address 172.16.%d.%d/30\n' % (ifn, n // 256, n % 256 + 1))
    w('%s sap tunnel-2.private:%d create\n' % (ifn, k))
    sap = '%s sap tunnel-2.private:%d ip-tunnel "t%d"' % (ifn, k, k)
    w('%s create\n' % sap)
    for line in ("source 192.168.20.2", "remote-ip 192.168.1.2", "dest-ip " + peer, "gre-header",
                 "delivery-service 100", "no shutdown"):
        w('%s %s\n' % (sap, line))
    w('%s no shutdown\n' % ifn)
PY
"$SRLAB" config -l $LAB chassis-b "$cfg" > /tmp/$LAB.cfg.out 2>&1 && ok "2,001 GRE tunnels in tunnel-group 2 (tunnel-limit-2k, one ISA)" \
  || fail "2,001 tunnels ($(head -3 /tmp/$LAB.cfg.out))"
expect_eq "2,000 are up; the 2,001st stays down for want of resources" "2000 t2001 no-resources" \
  "$(jcli chassis-b show ip tunnel | json "str(sum(t['oper_state']=='up' for t in d['tunnels'] if t['name'].startswith('t'))) + ' ' + ' '.join(t['name'] + ' ' + t['oper_flags'] for t in d['tunnels'] if t['name'].startswith('t') and t['oper_state']!='up')" | cut -c1-300)"
expect_match "show isa tunnel-group 2: 2000 of 2000" "^2 +single +2/2 .* 2000/2000" "$(cli chassis-b show isa tunnel-group)"

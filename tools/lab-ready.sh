#!/usr/bin/env bash
# make lab, after `srlab up topology/mc-ipsec.yaml`: waits for MIMP to elect
# a master, brings up strongSwan's tunnel to the shared gateway, pings
# through it and prints who is master.
set -u
cd "$(dirname "$0")/.."
SRLAB=${SRLAB:-bin/srlab}
LAB=${1:-mc-ipsec}
state() { # state NODE PEER: tunnel group 1's MIMP state on NODE
  "$SRLAB" cli -l "$LAB" "$1" --json show redundancy multi-chassis mc-ipsec peer "$2" tunnel-group 1 2>/dev/null |
    python3 -c "import json,sys; print(json.load(sys.stdin)['tunnel_groups'][0]['master_state'])" 2>/dev/null
}
for i in $(seq 1 100); do
  a=$(state chassis-a 172.31.255.2) b=$(state chassis-b 172.31.255.1)
  case "$a $b" in "master standby"|"standby master") break ;; esac
  sleep 0.1
done
echo "MC-IPsec tunnel group 1: chassis-a ${a:-?}, chassis-b ${b:-?}"
up=0
for i in 1 2 3; do
  if "$SRLAB" exec -l "$LAB" peer -- swanctl --initiate --child gw > /dev/null 2>&1; then up=1; break; fi
  sleep 1
done
[ $up = 1 ] && echo "strongSwan: tunnel \"gw\" to 192.168.10.3 established" ||
  { echo "strongSwan: tunnel \"gw\" did not come up (srlab exec $LAB peer -- swanctl --initiate --child gw)"; exit 1; }
"$SRLAB" exec -l "$LAB" peer-host -- ping -c 3 -i 0.2 -W 1 10.10.0.10 | tail -2
for n in chassis-a chassis-b; do
  p=$([ $n = chassis-a ] && echo 172.31.255.2 || echo 172.31.255.1)
  echo "--- $n"
  "$SRLAB" cli -l "$LAB" $n show redundancy multi-chassis mc-ipsec peer $p
done

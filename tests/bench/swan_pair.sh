#!/usr/bin/env bash
# swan_pair.sh: the baseline of the ESP throughput benchmark. Two strongSwan
# charons (IKEv2, PSK, kernel-libipsec: userspace ESP over the TUN device
# ipsec0, this kernel has no XFRM) between two hosts, all in namespaces:
#
#   PREFIX-ha --veth-- PREFIX-ga ==== WAN ==== PREFIX-gb --veth-- PREFIX-hb
#   hosta 10.1.0.10/24  gwa 10.1.0.1       gwb 10.2.0.1   hostb 10.2.0.10/24
#                       192.168.100.1/24 <-> 192.168.100.2/24
#
# Sourced by bench scripts:
#   source tests/bench/swan_pair.sh
#   trap 'swan_pair_down sw$$' EXIT
#   swan_pair_up sw$$ aes128gcm16 udp && swan_pair_iperf sw$$ 5
# or run directly for a self-check:  bash tests/bench/swan_pair.sh selftest [ESP-PROPOSAL]
#
# Link settings are those of tools/srlab/lab.c: MTU 1500, and on the
# gateways' (the "chassis") side of each veth no checksum offload, no TSO,
# GSO or GRO; the hosts keep GRO and get a NAPI thread of their own.
# charon runs in its namespace under `unshare -m` with a tmpfs on /run (its
# pid file is fixed), its own strongswan.conf (STRONGSWAN_CONF) and a vici
# socket in the pair's temp dir, so swanctl reaches it from anywhere.
# Everything a pair writes is under one `mktemp -d` dir,
# ${SWAN_PAIR_TMP:-/tmp}/swan_pair.PREFIX.XXXXXX (found again by that name).

SWAN_PAIR_CHARON=${SWAN_PAIR_CHARON:-/usr/lib/ipsec/charon}
SWAN_PAIR_PY=${SWAN_PAIR_PY:-/usr/bin/python3}
declare -gA SWAN_PAIR_DIRS 2>/dev/null || true

# _swan_pair_dirs PREFIX: prints the pair's temp dir(s), one a line: the one
# recorded in this shell, else any left under the well-known name.
_swan_pair_dirs() {
  local p=$1 d
  if [ -n "${SWAN_PAIR_DIRS[$p]:-}" ] && [ -d "${SWAN_PAIR_DIRS[$p]}" ]; then
    echo "${SWAN_PAIR_DIRS[$p]}"
    return
  fi
  for d in "${SWAN_PAIR_TMP:-/tmp}/swan_pair.$p".??????; do
    if [ -d "$d" ] && [ -f "$d/prefix" ] && [ "$(cat "$d/prefix")" = "$p" ]; then echo "$d"; fi
  done
  return 0
}

# _swan_pair_err MSG...: the reason, on stderr.
_swan_pair_err() { echo "swan_pair: $*" >&2; }

# _swan_pair_alive PID: true while PID is a charon or iperf3 process (a
# recycled pid of anything else is left alone).
_swan_pair_alive() {
  local comm
  comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
  case $comm in charon|iperf3) return 0 ;; esac
  return 1
}

# _swan_pair_kill PIDFILE: ends the process saved in PIDFILE (TERM, then
# KILL after ~3 s) and waits until it is gone.
_swan_pair_kill() {
  local f=$1 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  case $pid in ''|*[!0-9]*) rm -f "$f"; return 0 ;; esac
  if _swan_pair_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 30); do _swan_pair_alive "$pid" || break; sleep 0.1; done
    if _swan_pair_alive "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 20); do _swan_pair_alive "$pid" || break; sleep 0.1; done
    fi
  fi
  # reap it if it is this shell's child (no zombie, no "Killed" later)
  wait "$pid" 2>/dev/null || true
  rm -f "$f"
}

# The plugins charon loads, in order of preference for an algorithm: only
# what a PSK site-to-site tunnel over kernel-libipsec needs (the Debian
# default set also brings farp, forecast, dhcp, stroke, eap-radius...). The
# ones not installed are skipped with a log line: aesni, openssl and gcm come
# with libstrongswan-standard-plugins; without them there is no AES-GCM and
# no ECP DH, and AES-CBC is the plain C "aes" plugin.
SWAN_PAIR_PLUGINS=${SWAN_PAIR_PLUGINS:-"aesni openssl aes gcm ccm ctr chapoly sha1 sha2 hmac xcbc cmac kdf gmp curve25519 random nonce drbg kernel-libipsec kernel-netlink socket-default vici"}

# _swan_pair_conf DIR GW RAW(yes|no): writes DIR/GW/strongswan.conf.
_swan_pair_conf() {
  local d=$1/$2
  cat > "$d/strongswan.conf" <<EOF
charon {
  install_routes = no
  install_virtual_ip = no
  routing_table = 0
  filelog {
    $2 {
      path = $d/charon.log
      time_format = %H:%M:%S
      flush_line = yes
      default = ${SWAN_PAIR_LOGLEVEL:-1}
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
  load = $SWAN_PAIR_PLUGINS
  plugins {
    kernel-libipsec {
      raw_esp = $3
    }
    vici {
      socket = unix://$d/charon.vici
    }
  }
}
EOF
}

# _swan_pair_swanctl DIR GW LOCAL REMOTE LTS RTS PROPOSAL ENCAP(yes|no):
# writes DIR/GW/swanctl.conf (one option a line, as swanctl wants).
_swan_pair_swanctl() {
  local d=$1/$2
  cat > "$d/swanctl.conf" <<EOF
connections {
  bench {
    version = 2
    local_addrs = $3
    remote_addrs = $4
    proposals = aes128-sha256-x25519
    encap = $8
    mobike = no
    local {
      auth = psk
      id = $3
    }
    remote {
      auth = psk
      id = $4
    }
    children {
      c {
        local_ts = $5
        remote_ts = $6
        esp_proposals = $7
        mode = tunnel
      }
    }
  }
}
secrets {
  ike-bench {
    id-a = 192.168.100.1
    id-b = 192.168.100.2
    secret = swan-pair-bench-psk
  }
}
EOF
}

# _swan_pair_ctl DIR GW ARGS...: swanctl against the charon of GW.
_swan_pair_ctl() {
  local base=$1 gw=$2
  shift 2
  STRONGSWAN_CONF=$base/swanctl.strongswan.conf swanctl "$@" --uri "unix://$base/$gw/charon.vici"
}

# swan_pair_up PREFIX PROPOSAL ENCAP
#   Builds the four namespaces PREFIX-ha, -ga, -gb, -hb and their veths,
#   starts a charon in gwa and gwb, loads the PSK connection (IKE
#   aes128-sha256-x25519, which needs no openssl plugin; ESP PROPOSAL, e.g. aes128gcm16 or
#   aes256-sha256; local_ts 10.1.0.0/24 remote_ts 10.2.0.0/24 seen from gwa),
#   initiates it from gwa and, once the CHILD_SA is INSTALLED on both sides,
#   routes the remote LAN via ipsec0 on each gateway.
#   ENCAP: raw = plain ESP (IP protocol 50): kernel-libipsec raw_esp = yes,
#          connection encap = no;
#          udp = ESP in UDP 4500 (RFC 3948): raw_esp = no and encap = yes,
#          which fakes the NAT detection so the peers encapsulate without NAT.
#   The SA's real encapsulation is checked against ENCAP: kernel-libipsec
#   before strongSwan 5.9.11 (Debian 12 has 5.9.8) has no raw_esp and always
#   encapsulates, so "raw" fails there, unless SWAN_PAIR_ALLOW_UDP_FALLBACK=1
#   (then it only warns and the pair runs ESP in UDP).
#   Returns 0 when traffic can flow; non-zero with the reason on stderr
#   otherwise, e.g. when the CHILD_SA is not up within ~10 s. What was built
#   is left for swan_pair_down, which the caller runs in any case.
swan_pair_up() {
  local p=${1:-} prop=${2:-} encap=${3:-}
  local raw natt
  if [ -z "$p" ] || [ -z "$prop" ] || [ -z "$encap" ]; then
    _swan_pair_err "usage: swan_pair_up PREFIX PROPOSAL raw|udp"; return 2
  fi
  case $encap in
    raw) raw=yes; natt=no ;;
    udp) raw=no; natt=yes ;;
    *) _swan_pair_err "encapsulation '$encap' is neither raw nor udp"; return 2 ;;
  esac
  case $prop in *[!A-Za-z0-9_-]*) _swan_pair_err "bad proposal '$prop'"; return 2 ;; esac
  local t
  for t in ip ethtool unshare swanctl iperf3 "$SWAN_PAIR_CHARON" "$SWAN_PAIR_PY"; do
    command -v "$t" >/dev/null || { _swan_pair_err "$t is missing"; return 1; }
  done
  if [ -n "$(_swan_pair_dirs "$p")" ] || ip netns list | grep -qE "^$p-(ha|ga|gb|hb)( |$)"; then
    _swan_pair_err "a pair named $p exists already (swan_pair_down $p first)"; return 1
  fi
  local d
  d=$(mktemp -d "${SWAN_PAIR_TMP:-/tmp}/swan_pair.$p.XXXXXX") || {
    _swan_pair_err "mktemp failed"; return 1; }
  SWAN_PAIR_DIRS[$p]=$d
  echo "$p" > "$d/prefix"
  mkdir "$d/gwa" "$d/gwb"
  # swanctl's own plugins: only installed ones that PSK needs (its default
  # list logs a line for each plugin not installed, on every call)
  printf 'swanctl {\n  load = random nonce pem pkcs1 x509 pubkey\n}\n' > "$d/swanctl.strongswan.conf"

  # --- namespaces and links -------------------------------------------------------------
  local n
  for n in ha ga gb hb; do
    ip netns add "$p-$n" || { _swan_pair_err "ip netns add $p-$n failed"; return 1; }
    ip -n "$p-$n" link set lo up || { _swan_pair_err "lo up in $p-$n failed"; return 1; }
  done
  # each veth is born with its ends already in their namespaces: no names
  # in the root namespace to collide with anyone's
  ip -n "$p-ha" link add eth0 type veth peer name lan0 netns "$p-ga" &&
  ip -n "$p-ga" link add wan0 type veth peer name wan0 netns "$p-gb" &&
  ip -n "$p-gb" link add lan0 type veth peer name eth0 netns "$p-hb" ||
    { _swan_pair_err "veth creation failed"; return 1; }
  local spec ns ifc host
  for spec in "ha eth0 on" "ga lan0 off" "ga wan0 off" "gb wan0 off" "gb lan0 off" "hb eth0 on"; do
    set -- $spec
    ns=$p-$1 ifc=$2 host=$3
    ip -n "$ns" link set "$ifc" mtu 1500 up || { _swan_pair_err "$ns $ifc: link up failed"; return 1; }
    ip netns exec "$ns" ethtool -K "$ifc" tx off rx off tso off gso off gro "$host" >/dev/null 2>&1 ||
      _swan_pair_err "warning: ethtool -K $ifc in $ns failed"
    if [ "$host" = on ]; then
      ip netns exec "$ns" sh -c "echo 1 > /sys/class/net/$ifc/threaded" 2>/dev/null || true
    fi
  done
  ip -n "$p-ha" addr add 10.1.0.10/24 dev eth0 &&
  ip -n "$p-ha" route add default via 10.1.0.1 &&
  ip -n "$p-ga" addr add 10.1.0.1/24 dev lan0 &&
  ip -n "$p-ga" addr add 192.168.100.1/24 dev wan0 &&
  ip -n "$p-gb" addr add 192.168.100.2/24 dev wan0 &&
  ip -n "$p-gb" addr add 10.2.0.1/24 dev lan0 &&
  ip -n "$p-hb" addr add 10.2.0.10/24 dev eth0 &&
  ip -n "$p-hb" route add default via 10.2.0.1 ||
    { _swan_pair_err "addressing failed"; return 1; }
  for n in ga gb; do
    ip netns exec "$p-$n" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null ||
      { _swan_pair_err "ip_forward on $p-$n failed"; return 1; }
  done

  # --- charons ----------------------------------------------------------------------------
  _swan_pair_conf "$d" gwa $raw
  _swan_pair_conf "$d" gwb $raw
  _swan_pair_swanctl "$d" gwa 192.168.100.1 192.168.100.2 10.1.0.0/24 10.2.0.0/24 "$prop" $natt
  _swan_pair_swanctl "$d" gwb 192.168.100.2 192.168.100.1 10.2.0.0/24 10.1.0.0/24 "$prop" $natt
  local gw pid i
  for gw in gwa gwb; do
    ns=$p-${gw/w/}
    # ip netns exec, unshare and sh all exec: $! is charon itself
    ip netns exec "$ns" unshare -m sh -c \
      'mount -t tmpfs -o mode=0755 tmpfs /run && exec env STRONGSWAN_CONF="$1" "$2"' \
      sh "$d/$gw/strongswan.conf" "$SWAN_PAIR_CHARON" \
      </dev/null >"$d/$gw/charon.out" 2>&1 &
    echo $! > "$d/$gw/charon.pid"
  done
  for gw in gwa gwb; do
    pid=$(cat "$d/$gw/charon.pid")
    for i in $(seq 100); do
      [ -S "$d/$gw/charon.vici" ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if [ ! -S "$d/$gw/charon.vici" ]; then
      _swan_pair_err "charon in $p-${gw/w/} did not start: $(tail -q -n 3 "$d/$gw/charon.out" "$d/$gw/charon.log" 2>/dev/null | tr '\n' ' ')"
      return 1
    fi
    _swan_pair_ctl "$d" $gw --load-all --noprompt --file "$d/$gw/swanctl.conf" \
      >"$d/$gw/load.out" 2>&1 ||
      { _swan_pair_err "swanctl --load-all on $gw failed: $(tr '\n' ' ' < "$d/$gw/load.out")"; return 1; }
  done

  # --- the CHILD_SA, within ~10 s -------------------------------------------------------------
  local deadline=$((SECONDS + 10)) ok=
  # swanctl waits for the IKE_AUTH exchange: when it says failed, it is
  # over (nothing retries), no use waiting out the 10 s
  _swan_pair_ctl "$d" gwa --initiate --child c --timeout 10 >"$d/initiate.out" 2>&1 ||
    deadline=$((SECONDS + 1))
  while [ $SECONDS -le $deadline ]; do
    if _swan_pair_ctl "$d" gwa --list-sas 2>/dev/null | grep -q "INSTALLED" &&
       _swan_pair_ctl "$d" gwb --list-sas 2>/dev/null | grep -q "INSTALLED"; then
      ok=1; break
    fi
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    local why hint=
    why=$(cat "$d/initiate.out" "$d/gwa/charon.log" "$d/gwb/charon.log" 2>/dev/null |
      grep -v "plugin '" | grep -iE 'fail|error|no acceptable|not supported|NO_PROP' | tail -n 4 |
      sed 's/^[0-9:]* [0-9]*//' | tr '\n' ' ')
    case $prop in
      *gcm*) _swan_pair_ctl "$d" gwa --list-algs 2>/dev/null | grep -q AES_GCM ||
        hint=" [AES-GCM is not available: charon has neither the gcm nor the openssl plugin (Debian: libstrongswan-standard-plugins)]" ;;
    esac
    _swan_pair_err "CHILD_SA not up (waited up to 10 s; ESP $prop, $encap): ${why:-no reason logged}$hint"
    return 1
  fi
  # what was negotiated: TUNNEL-in-UDP is ESP in UDP 4500
  local mode
  mode=$(_swan_pair_ctl "$d" gwa --list-sas 2>/dev/null | grep -o 'INSTALLED, [A-Za-z_-]*' | head -n 1)
  case $encap:$mode in
    raw:*in-UDP)
      if [ "${SWAN_PAIR_ALLOW_UDP_FALLBACK:-0}" = 1 ]; then
        _swan_pair_err "warning: raw ESP asked, but the SA is UDP-encapsulated ($mode)"
      else
        _swan_pair_err "raw ESP asked, but the SA is UDP-encapsulated ($mode): this strongSwan's kernel-libipsec has no raw_esp (it came in strongSwan 5.9.11)"
        return 1
      fi ;;
    udp:*in-UDP) ;;
    udp:*) _swan_pair_err "UDP encapsulation asked, but the SA is not ($mode)"; return 1 ;;
  esac

  # --- routes through the tunnel ----------------------------------------------------------------
  # kernel-libipsec of strongSwan 5.9 installs this route itself whatever
  # install_routes says ("installing route: ... dev ipsec0", log level 2),
  # maybe not yet: replace, so both orders end with the one route.
  for i in $(seq 20); do
    ip -n "$p-ga" link show ipsec0 >/dev/null 2>&1 && ip -n "$p-gb" link show ipsec0 >/dev/null 2>&1 && break
    sleep 0.1
  done
  ip -n "$p-ga" link set ipsec0 up 2>/dev/null || true
  ip -n "$p-gb" link set ipsec0 up 2>/dev/null || true
  ip -n "$p-ga" route replace 10.2.0.0/24 dev ipsec0 src 10.1.0.1 &&
  ip -n "$p-gb" route replace 10.1.0.0/24 dev ipsec0 src 10.2.0.1 ||
    { _swan_pair_err "routes via ipsec0 failed"; return 1; }
  return 0
}

# swan_pair_iperf PREFIX SECONDS
#   iperf3 TCP from hosta (client) to hostb (server, `iperf3 -s -1`) for
#   SECONDS; prints the receiver's rate in bits/s as an integer
#   (end.sum_received.bits_per_second of `iperf3 -J`). Non-zero with the
#   reason on stderr if the run fails.
swan_pair_iperf() {
  local p=${1:-} secs=${2:-}
  case $secs in ''|*[!0-9]*) _swan_pair_err "usage: swan_pair_iperf PREFIX SECONDS"; return 2 ;; esac
  local d
  d=$(_swan_pair_dirs "$p" | head -n 1)
  [ -n "$d" ] || { _swan_pair_err "no pair named $p"; return 1; }
  ip netns exec "$p-hb" iperf3 -s -1 -p 5201 </dev/null >"$d/iperf-server.out" 2>&1 &
  echo $! > "$d/iperf.pid"
  local i
  for i in $(seq 50); do
    ip netns exec "$p-hb" ss -Hltn 'sport = :5201' 2>/dev/null | grep -q . && break
    sleep 0.1
  done
  timeout $((secs + 20)) ip netns exec "$p-ha" iperf3 -c 10.2.0.10 -p 5201 -t "$secs" -J \
    --connect-timeout 3000 </dev/null >"$d/iperf-client.json" 2>"$d/iperf-client.err" || true
  local rate rc=0
  rate=$("$SWAN_PAIR_PY" - "$d/iperf-client.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit("iperf3 gave no JSON: %s" % e)
if "error" in d:
    sys.exit("iperf3: %s" % d["error"])
print(int(d["end"]["sum_received"]["bits_per_second"]))
PY
  ) || rc=$?
  # the server ends by itself after its one test (-1); not if the client
  # never reached it
  for i in $(seq 20); do _swan_pair_alive "$(cat "$d/iperf.pid")" || break; sleep 0.1; done
  _swan_pair_kill "$d/iperf.pid"
  if [ $rc -ne 0 ] || [ -z "$rate" ]; then
    _swan_pair_err "iperf3 failed: $(cat "$d/iperf-client.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  echo "$rate"
}

# swan_pair_sa PREFIX
#   Prints `swanctl --list-sas` of gwa's charon (SPIs, algorithms, mode,
#   TUNNEL-in-UDP when UDP-encapsulated, byte and packet counters).
swan_pair_sa() {
  local p=${1:-} d
  d=$(_swan_pair_dirs "$p" | head -n 1)
  [ -n "$d" ] || { _swan_pair_err "no pair named $p"; return 1; }
  _swan_pair_ctl "$d" gwa --list-sas
}

# swan_pair_down PREFIX
#   Ends the pair's charons and iperf3 server by their saved pids, deletes
#   its namespaces (and with them the veths) and its temp dir. Safe after a
#   partial swan_pair_up, twice, or for a pair that was never up; meant for
#   traps. Always returns 0.
swan_pair_down() {
  local p=${1:-} d n
  [ -n "$p" ] || { _swan_pair_err "usage: swan_pair_down PREFIX"; return 0; }
  while read -r d; do
    [ -n "$d" ] || continue
    _swan_pair_kill "$d/iperf.pid"
    _swan_pair_kill "$d/gwa/charon.pid"
    _swan_pair_kill "$d/gwb/charon.pid"
  done < <(_swan_pair_dirs "$p")
  for n in ha ga gb hb; do
    if ip netns list | grep -qE "^$p-$n( |$)"; then
      ip netns del "$p-$n" 2>/dev/null || _swan_pair_err "warning: ip netns del $p-$n failed"
    fi
  done
  while read -r d; do
    if [ -n "$d" ]; then rm -rf -- "$d"; fi
  done < <(_swan_pair_dirs "$p")
  unset 'SWAN_PAIR_DIRS[$p]'
  return 0
}

# --- self-check ------------------------------------------------------------------------------
# _swan_pair_selftest [PROPOSAL]: for raw and udp: up (ESP PROPOSAL,
# default aes128gcm16), ping hostb from hosta, 3 s of iperf3, down (twice);
# then checks that nothing of the pairs is left.
_swan_pair_selftest() {
  local prop=${1:-aes128gcm16}
  local p=sw$$ rc=0 encap rate pids=() left
  trap "swan_pair_down $p" EXIT
  trap 'exit 130' INT TERM
  for encap in raw udp; do
    echo "== $encap ESP, $prop"
    if ! swan_pair_up "$p" "$prop" "$encap"; then
      echo "FAIL: swan_pair_up $p $prop $encap"
      rc=1
    else
      local d
      d=$(_swan_pair_dirs "$p")
      pids+=("$(cat "$d/gwa/charon.pid")" "$(cat "$d/gwb/charon.pid")")
      if ip netns exec "$p-ha" ping -c 3 -i 0.2 -W 2 10.2.0.10 >/dev/null; then
        echo "ping hosta -> hostb: ok"
      else
        echo "FAIL: ping hosta -> hostb"; rc=1
      fi
      if rate=$(swan_pair_iperf "$p" 3); then
        echo "iperf3 TCP 3 s: $rate bit/s ($(awk -v r="$rate" 'BEGIN{printf "%.1f", r/1e6}') Mbit/s)"
      else
        echo "FAIL: iperf3"; rc=1
      fi
      swan_pair_sa "$p" | grep -E 'INSTALLED|in  |out |ESP' | sed 's/^/  /'
    fi
    swan_pair_down "$p"
    swan_pair_down "$p"   # twice: must be harmless
    left=$(ip netns list | grep -E "^$p-" | tr '\n' ' ')
    [ -z "$left" ] || { echo "FAIL: namespaces left: $left"; rc=1; }
  done
  # nothing left: our charons (by pid, and any charon run with a conf of ours)
  local pid
  for pid in "${pids[@]}"; do
    _swan_pair_alive "$pid" && { echo "FAIL: charon $pid still running"; rc=1; }
  done
  for pid in $(pgrep -x charon); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -q "swan_pair\.$p\."; then
      echo "FAIL: charon $pid of this test still running"; rc=1
    fi
  done
  left=$(ls -d "${SWAN_PAIR_TMP:-/tmp}/swan_pair.$p".* 2>/dev/null)
  [ -z "$left" ] || { echo "FAIL: temp dirs left: $left"; rc=1; }
  echo "left: netns matching $p-: $(ip netns list | grep -cE "^$p-"), charon processes (all): $(pgrep -xc charon)"
  [ $rc -eq 0 ] && echo "selftest: ok" || echo "selftest: FAILED"
  return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    selftest) _swan_pair_selftest "${2:-}"; exit $? ;;
    # tests/bench/run.sh runs every *.sh without arguments: nothing to do
    '') echo "swan_pair.sh: a library for bench scripts; 'bash $0 selftest' checks it" >&2; exit 0 ;;
    *) echo "usage: bash $0 selftest [ESP-PROPOSAL]" >&2; exit 2 ;;
  esac
fi

# Shared helpers of lab scenario tests. A test sources this, calls lab_up,
# and reports with ok/fail/check; everything it started is removed on exit,
# whatever happens (trap).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SRLAB=${SRLAB_BIN:-bin}/srlab
TAPN=0
LABS=()

ok()   { TAPN=$((TAPN + 1)); echo "ok $TAPN - $*"; }
fail() { TAPN=$((TAPN + 1)); echo "not ok $TAPN - $*"; }
note() { echo "# $*"; }

# check DESCRIPTION COMMAND...: ok when the command succeeds
check() {
  local desc=$1; shift
  local out
  if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc"; echo "$out" | sed 's/^/#   /' | head -20; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; note "expected: $2"; note "actual:   $3"; fi
}

# expect_match DESCRIPTION REGEX TEXT
expect_match() {
  if printf '%s' "$3" | grep -qE -- "$2"; then ok "$1"; else fail "$1"; note "no match for /$2/ in:"; printf '%s\n' "$3" | head -20 | sed 's/^/#   /'; fi
}

BGPIDS=()
cleanup() {
  for p in "${BGPIDS[@]}"; do kill "$p" 2>/dev/null; done
  for l in "${LABS[@]}"; do
    # SRLAB_TEST_KEEP=DIR: the lab's run directory (logs, configs) is kept there
    [ -n "${SRLAB_TEST_KEEP:-}" ] && mkdir -p "$SRLAB_TEST_KEEP" &&
      cp -a "${SRLAB_RUNDIR:-/run/srlab}/$l" "$SRLAB_TEST_KEEP/" 2>/dev/null
    "$SRLAB" down "$l" >/dev/null 2>&1
  done
}

# bg NODE CMD...: runs a command in a lab node in the background; killed at exit
bg() { local node=$1; shift; "$SRLAB" exec -l "$LAB" "$node" -- "$@" >/dev/null 2>&1 & BGPIDS+=($!); }
x() { local node=$1; shift; "$SRLAB" exec -l "$LAB" "$node" -- "$@"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# lab_up TOPOLOGY NAME: starts a lab under a test-only name
lab_up() {
  LABS+=("$2")
  "$SRLAB" down "$2" >/dev/null 2>&1
  "$SRLAB" up "$1" --name "$2"
}

cli()  { "$SRLAB" cli -l "$LAB" "$@"; }
jcli() { "$SRLAB" cli -l "$LAB" "$1" --json "${@:2}"; }

# json EXPR: evaluates a Python expression over the JSON document on stdin (as d)
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# wait_for SECONDS COMMAND...: polls every 50 ms until the command succeeds
wait_for() {
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The ipsec-gw lab of the IKE benchmark (topology/bench/ike.yaml): gw_load
# runs bin/ikeload from node loadgen against gateway "gw" with the lab's key.
IKELOAD=$(cd "$(dirname "$SRLAB")" && pwd)/ikeload
gw_load() { x loadgen "$IKELOAD" --target 192.168.10.3 --psk srlab-bench-ike --src-ip 192.168.0.10 --report-every 0 "$@"; }
gw_ready() { cli chassis show ipsec gateway | grep -qE '^gw .* Up +Up'; }

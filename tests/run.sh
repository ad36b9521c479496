#!/usr/bin/env bash
# Runs every test and ends with one line: "N passed, N failed".
#   tests/run.sh              unit tests, then lab scenario tests
#   tests/run.sh --unit-only  criterion unit tests only
#   tests/run.sh --lab-only   lab scenario tests only
#   tests/run.sh --asan-lab   the sanitizer start/stop lab (make asan)
#   tests/run.sh FILTER       only lab tests whose file name contains FILTER
# Unit tests and lab tests both speak TAP; this script counts "ok"/"not ok".
set -u
cd "$(dirname "$0")/.."
BUILD=${SRLAB_BUILD:-build}
export SRLAB_BIN=${SRLAB_BIN:-$( [ "$BUILD" = build ] && echo bin || echo "$BUILD/bin")}
mode=all filter=""
case "${1:-}" in
  --unit-only) mode=unit ;;
  --lab-only) mode=lab ;;
  --asan-lab) mode=asan ;;
  "") ;;
  *) mode=lab filter=$1 ;;
esac

passed=0 failed=0
failures=()
logdir=$(mktemp -d /tmp/srlab-tests.XXXXXX)

count() { # count TAP results of one suite from its output file
  local name=$1 out=$2 rc=$3
  local p f
  p=$(grep -cE '^ok( |$)' "$out")
  f=$(grep -cE '^not ok( |$)' "$out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # a suite that died without reporting a failure still failed
    echo "not ok - $name exited with status $rc" >> "$out"
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    failures+=("$name: $(grep -E '^not ok' "$out" | head -5 | tr '\n' ';')  (log: $out)")
  fi
  printf '%-40s %3d passed, %3d failed\n' "$name" "$p" "$f"
}

if [ "$mode" = all ] || [ "$mode" = unit ]; then
  for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=unit/$(basename "$t")
    out=$logdir/$(basename "$t").tap
    # criterion writes TAP to the named file; its own progress goes to the log
    timeout 300 "$t" --tap="$out.raw" -j2 > "$out.log" 2>&1
    rc=$?
    cp "$out.raw" "$out" 2>/dev/null || : > "$out"
    count "$name" "$out" "$rc"
  done
fi

if [ "$mode" = all ] || [ "$mode" = lab ]; then
  for t in tests/lab/test_*.sh; do
    [ -f "$t" ] || continue
    case "$t" in *"$filter"*) ;; *) continue ;; esac
    name=lab/$(basename "$t" .sh)
    out=$logdir/$(basename "$t" .sh).tap
    timeout 900 bash "$t" > "$out" 2>&1
    count "$name" "$out" $?
  done
fi

if [ "$mode" = asan ]; then
  out=$logdir/asan_lab.tap
  timeout 600 bash tests/lab/asan_lab.sh > "$out" 2>&1
  count lab/asan_lab "$out" $?
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "failures:"
  for f in "${failures[@]}"; do echo "  $f"; done
else
  rm -rf "$logdir"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

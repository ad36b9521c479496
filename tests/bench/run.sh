#!/usr/bin/env bash
# make bench: every benchmark; make bench-NAME: one (tests/bench/NAME.sh).
# Each prints its figures and ends with lines "bench NAME: ... ratio R (target T)".
cd "$(dirname "$0")"
if [ $# -gt 0 ]; then exec bash "./$1.sh"; fi
rc=0
# run.sh, lib.sh and swan_pair.sh are not benchmarks but their helpers
for b in *.sh; do
  case $b in run.sh|lib.sh|swan_pair.sh) continue ;; esac
  bash "./$b" || rc=1
done
exit $rc

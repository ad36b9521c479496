#!/usr/bin/env bash
# make bench: every benchmark; make bench-NAME: one (tests/bench/NAME.sh).
# Each prints its figures and ends with lines "bench NAME: ... ratio R (target T)".
cd "$(dirname "$0")"
if [ $# -gt 0 ]; then exec bash "./$1.sh"; fi
rc=0
for b in *.sh; do [ "$b" = run.sh ] && continue; bash "./$b" || rc=1; done
exit $rc

#!/usr/bin/env bash
# Run by `make asan` with the sanitizer build: a lab start/stop cycle with
# some work in between; every process must exit 0 on SIGTERM, and no
# AddressSanitizer, LeakSanitizer or UBSan report may appear in any log.
source "$(dirname "$0")/lib.sh"
LAB=t-asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
BUSINJ=${SRLAB_BUILD:-build/asan}/tests/tools/bus_inject

if lab_up topology/two-chassis.yaml $LAB > /tmp/$LAB.up 2>&1; then ok "sanitizer lab up"; else
  fail "sanitizer lab up"; sed 's/^/#   /' /tmp/$LAB.up; exit 1; fi
for c in chassis-a chassis-b; do
  for cmd in "show card" "show mda" "show isa tunnel-group 1 detail" "show router interface" \
             "show service service-using" "show log log-id 99" "show srlab processes" \
             "admin display-config"; do
    cli $c $cmd > /dev/null || fail "$c: $cmd"
    cli $c --json $cmd > /dev/null || true
  done
done
ok "show commands ran"
printf 'configure service vprn 300 customer 1 create interface "lan" create address 10.30.0.1/24\n' > /tmp/$LAB.cfg
check "config change" "$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg
printf 'configure card 1 mda 2 mda-type bogus\n' > /tmp/$LAB.cfg
"$SRLAB" config -l $LAB chassis-a /tmp/$LAB.cfg > /dev/null 2>&1
rm -f /tmp/$LAB.cfg
for kind in garbage version unknown frames truncated empty; do
  "$BUSINJ" "ipc:///run/srlab/$LAB/chassis-a/cpm.sock" attacker $kind 2
done
check "kill isa-1/2" "$SRLAB" kill -l $LAB chassis-a isa-1/2
sleep 0.3
check "start isa-1/2" "$SRLAB" start -l $LAB chassis-a isa-1/2
check "kill -9 cpm" "$SRLAB" kill -l $LAB chassis-b cpm
check "start cpm" "$SRLAB" start -l $LAB chassis-b cpm
sleep 1

# stop every process with SIGTERM and collect the verdicts
procs=$("$SRLAB" status -l $LAB --json | json "' '.join(n['name']+':'+p['name'] for n in d['nodes'] for p in n['processes'] if p['running'])")
for np in $procs; do "$SRLAB" kill -l $LAB "${np%%:*}" "${np#*:}" --signal TERM > /dev/null; done
all_stopped() { [ "$("$SRLAB" status -l $LAB --json | json "sum(p['running'] for n in d['nodes'] for p in n['processes'])")" = 0 ]; }
if wait_for 20 all_stopped; then ok "every process stopped on SIGTERM"; else fail "every process stopped on SIGTERM"; fi
codes=$("$SRLAB" status -l $LAB --json | json "' '.join(n['name']+':'+p['name']+'='+str(p['exit_code']) for n in d['nodes'] for p in n['processes'] if p['exit_code']!=0)")
expect_eq "every process exited with status 0" "" "$codes"
reports=$(grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" /run/srlab/$LAB/*/log/*.out 2>/dev/null)
if [ -z "$reports" ]; then ok "no sanitizer report in any process log"; else
  fail "no sanitizer report in any process log"
  for f in $reports; do note "$f:"; grep -A12 -E "ERROR: |runtime error" "$f" | head -30 | sed 's/^/#   /'; done
fi

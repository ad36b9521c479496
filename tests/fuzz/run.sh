#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, ASan and
# UBSan into build/fuzz/, then runs each for FUZZ_SECONDS (default 60) on a
# copy of its seed corpus (build/fuzz/corpus/, kept between runs). Exits
# non-zero when any target crashes; the input is kept in build/fuzz/crashes/.
#   tests/fuzz/run.sh [target...]      e.g. FUZZ_SECONDS=300 tests/fuzz/run.sh fuzz_config
# Reproduce a crash: build/fuzz/fuzz_config build/fuzz/crashes/fuzz_config-crash-...
set -u
cd "$(dirname "$0")/../.." || exit 2

SECS=${FUZZ_SECONDS:-60}
OUT=build/fuzz
CC=${FUZZ_CC:-clang}
PKGS="libczmq libzmq libprotobuf-c openssl libpcap sqlite3 yaml-0.1"

# protoc-c's output is the one generated source the targets need; make
# regenerates it only when proto/ changed (or build/gen is missing).
make -s build/gen/srlab.pb-c.c build/gen/srlab.pb-c.h || exit 2

SRC="lib/*.c build/gen/srlab.pb-c.c tools/srlab/topology.c"
for f in cpm/*.c; do
    [ "$f" = cpm/main.c ] || SRC="$SRC $f"
done
# Sources a target needs beyond SRC, by target name.
declare -A EXTRA_SRC=([fuzz_ike]="isa/ike_msg.c" [fuzz_mcs]="mcs/frame.c")
# UBSan findings must stop the run like ASan's do, or libFuzzer never sees them;
# warnings are the normal build's business (-Werror there).
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -I. -Ilib -Icpm -Ibuild/gen
        -Itools/srlab -w"
# shellcheck disable=SC2086
PKG=$(pkg-config --cflags --libs $PKGS) || exit 2

if [ $# -gt 0 ]; then
    TARGETS="$*"
else
    TARGETS=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
fi

mkdir -p "$OUT/crashes"
for t in $TARGETS; do
    echo "  CC      $OUT/$t"
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$OUT/$t" "tests/fuzz/$t.c" $SRC ${EXTRA_SRC[$t]:-} $PKG -lreadline -lm || exit 2
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in $TARGETS; do
    corpus="$OUT/corpus/$t"
    mkdir -p "$corpus"
    [ -d "tests/fuzz/corpus/$t" ] && cp -R "tests/fuzz/corpus/$t/." "$corpus/"
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    log="$OUT/$t.log"
    # shellcheck disable=SC2086
    "$OUT/$t" -max_len=65536 -max_total_time="$SECS" -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$t-" $dict "$corpus" >"$log" 2>&1
    rc=$?
    name=${t#fuzz_}
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        echo "fuzz $name: ${runs:-0} runs, no crash"
        continue
    fi
    failed=1
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz $name: CRASH after ${runs:-?} runs: ${crash:-see $log} (log $log)"
    grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z]+:)' "$log" | sed 's/^/    /'
done
exit $failed

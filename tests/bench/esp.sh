#!/usr/bin/env bash
# bench esp: the ISA's ESP engine (isa/esp.c, run by build/bench/esp_speed)
# against `openssl speed` on the same machine, single core, alternating
# rounds, medians. AES-128-GCM-16 against `-evp aes-128-gcm`; AES-256-CBC +
# HMAC-SHA-256-128 against `-evp aes-256-cbc` and `-hmac sha256` combined as
# two passes over the data: 1/(1/cbc + 1/hmac) in bytes/s.
#
# Decap baselines: CBC+HMAC uses `-evp aes-256-cbc -decrypt` (CBC decryption
# runs several blocks at once and is several times faster than CBC
# encryption, so the encrypt figure would flatter us). GCM uses the encrypt
# figure for both directions: GCM decryption is the same work, and
# openssl 3.0's `-decrypt` GCM loop initialises the context twice per
# buffer, which would flatter us instead.
#
# Both sides divide by CPU time (openssl speed's default: user time).
# openssl 3.0.x's `speed -evp aes-128-gcm` runs Init (key and IV) + Update
# + Final per buffer, so it is a per-packet figure like ours (it even
# re-keys, which the engine does not); CBC is streamed (one Init for the
# whole run), HMAC is Init (no re-key) + Update + Final per buffer.
set -u
cd "$(dirname "$0")/../.."
SPEED=${SRLAB_BUILD:-build}/bench/esp_speed
SECS=${BENCH_SECONDS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
SIZES="64 512 1400"
# openssl speed -seconds takes a whole number
OSECS=$(printf '%.0f' "$SECS"); [ "$OSECS" -ge 1 ] 2>/dev/null || OSECS=1

[ -x "$SPEED" ] || { echo "bench esp: $SPEED is missing (make benches)"; exit 1; }
command -v openssl >/dev/null || { echo "bench esp: no openssl"; exit 1; }
OURS=$(mktemp /tmp/bench.XXXXXX); BASE=$(mktemp /tmp/bench.XXXXXX)
trap 'rm -f "$OURS" "$BASE"' EXIT

# openssl_run KEY SIZE ARGS...: appends "KEY SIZE count seconds F_bytes_per_s"
openssl_run() {
  local key=$1 n=$2; shift 2
  local out r f
  out=$(openssl speed -mr "$@" -bytes "$n" -seconds "$OSECS" 2>&1)  # +R is on stderr
  # -mr: "+R:count:name:seconds" and "+F:index:name:bytes per second" (the
  # human table's figures are in 1000s of bytes per second)
  r=$(printf '%s\n' "$out" | sed -n 's/^+R:\([0-9]*\):[^:]*:\([0-9.]*\)$/\1 \2/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^+F:[0-9]*:[^:]*:\([0-9.]*\)$/\1/p' | tail -1)
  if [ -z "$r" ] || [ -z "$f" ]; then
    echo "bench esp: openssl speed $* -bytes $n gave no figure" >&2
    return 1
  fi
  echo "$key $n $r $f" >> "$BASE"
}

for round in $(seq "$ROUNDS"); do
  "$SPEED" "$SECS" >> "$OURS" || { echo "bench esp: esp_speed failed (round $round)"; exit 1; }
  for n in $SIZES; do
    openssl_run gcm-enc "$n" -evp aes-128-gcm || exit 1
    openssl_run cbc-enc "$n" -evp aes-256-cbc || exit 1
    openssl_run cbc-dec "$n" -evp aes-256-cbc -decrypt || exit 1
    openssl_run hmac "$n" -hmac sha256 || exit 1
  done
done

/usr/bin/python3 - "$OURS" "$BASE" "$SIZES" <<'PY'
import sys, statistics
ours_f, base_f, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split()]
med = statistics.median

ours = {}  # (transform, size, dir) -> [Gbit/s]
for line in open(ours_f):
    w = line.split()
    if len(w) < 5 or w[0] != "esp":
        continue
    kv = dict(x.split("=", 1) for x in w[4:] if "=" in x)
    ours.setdefault((w[1], int(w[2]), w[3]), []).append(float(kv["gbps"]))

base = {}  # (key, size) -> [bytes/s]
for line in open(base_f):
    key, n, count, secs, f = line.split()
    n, count, secs, f = int(n), int(count), float(secs), float(f)
    bps = count * n / secs if secs > 0 else 0.0
    # sanity: our own count*size/time must be openssl's +F figure, and the
    # rate must be a plausible single-core one (1 MB/s .. 100 GB/s)
    if f > 0 and abs(bps - f) / f > 0.01:
        print(f"bench esp: warning: openssl {key} {n}: {count}*{n}/{secs} = {bps:.0f} B/s "
              f"but +F says {f:.0f}", file=sys.stderr)
    if not 1e6 < bps < 1e11:
        print(f"bench esp: warning: openssl {key} {n}: implausible {bps:.0f} B/s", file=sys.stderr)
    base.setdefault((key, n), []).append(bps)

def gbit(bps):
    return bps * 8 / 1e9

def combined(cbc, hmac):
    # two passes over the same bytes: the times add
    return [1 / (1 / c + 1 / h) if c > 0 and h > 0 else 0.0 for c, h in zip(cbc, hmac)]

baseline = {}
for n in sizes:
    baseline[("aes128-gcm16", n, "encap")] = [gbit(x) for x in base.get(("gcm-enc", n), [])]
    baseline[("aes128-gcm16", n, "decap")] = [gbit(x) for x in base.get(("gcm-enc", n), [])]
    h = base.get(("hmac", n), [])
    baseline[("aes256-sha256", n, "encap")] = [gbit(x) for x in combined(base.get(("cbc-enc", n), []), h)]
    baseline[("aes256-sha256", n, "decap")] = [gbit(x) for x in combined(base.get(("cbc-dec", n), []), h)]

print("openssl components, median Gbit/s:")
for n in sizes:
    parts = []
    for key in ("gcm-enc", "cbc-enc", "cbc-dec", "hmac"):
        v = base.get((key, n))
        parts.append(f"{key} {gbit(med(v)):.2f}" if v else f"{key} -")
    print(f"  {n:5}B: " + ", ".join(parts))
print(f"{'transform':14} {'size':>5} {'dir':5}  {'srlab Gbit/s (runs)':32} {'srlab':>7} {'openssl':>8} {'ratio':>6}")
ratio = {}
for tf in ("aes128-gcm16", "aes256-sha256"):
    for n in sizes:
        for d in ("encap", "decap"):
            o, b = ours.get((tf, n, d), []), baseline.get((tf, n, d), [])
            if not o or not b:
                print(f"{tf:14} {n:5} {d:5}  missing figures")
                ratio[(tf, n, d)] = 0.0
                continue
            mo, mb = med(o), med(b)
            ratio[(tf, n, d)] = mo / mb if mb else 0.0
            runs = " ".join(f"{x:.2f}" for x in o)
            print(f"{tf:14} {n:5} {d:5}  {runs:32} {mo:7.2f} {mb:8.2f} {ratio[(tf, n, d)]:6.2f}")
big = max(sizes)
for tf in ("aes128-gcm16", "aes256-sha256"):
    print(f"bench esp: {tf} {big}B encap ratio {ratio[(tf, big, 'encap')]:.2f}, "
          f"decap ratio {ratio[(tf, big, 'decap')]:.2f} (target 0.7)")
PY

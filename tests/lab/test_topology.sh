#!/usr/bin/env bash
# Bad topology files: a clear error naming the offending key's path, a
# non-zero exit, and nothing created (no namespace, no run directory).
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/srlab-topo.XXXXXX)
trap 'cleanup; rm -rf "$dir"' EXIT
cp topology/two-chassis/chassis-a.cfg "$dir/a.cfg"

try() { # try DESCRIPTION EXPECTED-REGEX  (topology text on stdin)
  cat > "$dir/t.yaml"
  local out rc
  out=$("$SRLAB" up "$dir/t.yaml" 2>&1); rc=$?
  if [ $rc -ne 0 ] && printf '%s' "$out" | grep -qE -- "$2"; then ok "$1"; else
    fail "$1"; note "exit $rc, output:"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
  expect_eq "$1: nothing created" "" "$(ip netns list | grep -E '^srl-tbad' || true; ls /run/srlab 2>/dev/null | grep -E '^tbad' || true)"
}

try "unknown MDA type names its path" 'nodes\.a\.cards\.1\.mdas\.2 \(line [0-9]+\): unknown MDA type .isa9-tunnel.' <<'Y'
name: tbad
nodes:
  a: { kind: sr, config: a.cfg, cards: { 1: { iom: iom4-e, mdas: { 1: me10-10gb-sfp+, 2: isa9-tunnel } } } }
Y
try "unknown key is refused" 'nodes\.a\.cardz .*unknown key' <<'Y'
name: tbad
nodes:
  a: { kind: sr, cardz: {} }
Y
try "link to a missing node" 'links\[0\]\.endpoints\[1\].*no node called .nope.' <<'Y'
name: tbad
nodes:
  a: { kind: sr, cards: { 1: { iom: iom4-e, mdas: { 1: me10-10gb-sfp+ } } } }
links:
  - endpoints: ["a:1/1/1", "nope:eth0"]
Y
try "port beyond the MDA" 'links\[0\]\.endpoints\[0\].*ports 1\.\.10' <<'Y'
name: tbad
nodes:
  a: { kind: sr, cards: { 1: { iom: iom4-e, mdas: { 1: me10-10gb-sfp+ } } } }
  h: { kind: linux }
links:
  - endpoints: ["a:1/1/11", "h:eth0"]
Y
try "endpoint used twice" 'already linked' <<'Y'
name: tbad
nodes:
  h: { kind: linux }
  g: { kind: linux }
links:
  - endpoints: ["h:eth0", "g:eth0"]
  - endpoints: ["h:eth0", "g:eth1"]
Y
try "YAML syntax error has a line" 'line [0-9]+' <<'Y'
name: tbad
nodes: [ unclosed
Y
printf "configure\n    card 1\n        bogus\n" > "$dir/bad.cfg"
try "bad startup config is refused before anything starts" "nodes\.a\.config: .*line 3: 'bogus'" <<Y
name: tbad
nodes:
  a: { kind: sr, config: bad.cfg, cards: { 1: { iom: iom4-e, mdas: { 1: me10-10gb-sfp+ } } } }
Y

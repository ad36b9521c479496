#!/usr/bin/env bash
# The docs describe the code: docs/cli.md carries the configuration tree
# exactly as `cpm --schema` prints it.
source "$(dirname "$0")/lib.sh"
doc=$(awk '/^## The configuration tree/{f=1} f&&/^```$/{n++; next} f&&n==1' docs/cli.md)
expect_eq "docs/cli.md holds the current cpm --schema tree" "$("${SRLAB_BIN:-bin}/cpm" --schema)" "$doc"
for t in topology/*.yaml; do
  expect_match "README or docs mention $t" "$(basename "$t")" "$(cat README.md docs/*.md)"
done

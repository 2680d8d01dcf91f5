#!/bin/sh
# Run every end-to-end test script against the real binary.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export HTTPSVIZ_BIN="$bin"
fail=0
pass=0
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	if sh "$t"; then pass=$((pass + 1)); echo "ok: $t"; else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

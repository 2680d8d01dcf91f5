#!/bin/sh
# Run every cmocka unit test in BUILD/tests (or only the one named).
build=$1
only=${2:-}
fail=0
pass=0
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	name=$(basename "$t")
	[ -n "$only" ] && [ "$name" != "$only" ] && continue
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $name"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

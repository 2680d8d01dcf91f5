#!/bin/sh
# bench runs to the end with a few exchanges: the bare OpenSSL baseline and
# the instrumented exchange both complete with the demo PKI (a smoke test;
# the numbers themselves are for make bench, never asserted).
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup bench_runs

timeout 60 "$bin" bench 3 > "$tmp/out" 2> "$tmp/err" || fail "bench exited $?: $(cat "$tmp/err")"
grep -q "^bare OpenSSL (no callbacks) " "$tmp/out" || fail "no baseline line: $(cat "$tmp/out")"
grep -q "^httpsviz, all hooks, no packet capture " "$tmp/out" || fail "no instrumented line"
grep -q "^peak resident memory: [0-9]* KiB" "$tmp/out" || fail "no memory line"
exit 0

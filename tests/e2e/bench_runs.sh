#!/bin/sh
# bench runs to the end with a few runs of everything: the TUI driven on a
# pty, the bare OpenSSL baseline and every instrumented variant with the demo
# PKI, and the bulk output against a local server (a smoke test; the numbers
# themselves are for make bench, never asserted).
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup bench_runs

timeout 60 "$bin" bench 3 > "$tmp/out" 2> "$tmp/err" || fail "bench exited $?: $(cat "$tmp/err")"
for want in "^first frame (--explore) " "^first frame (--explore --scenario mitm) " \
	"^picker: Enter -> lesson frame " "^r restart (after 2 steps) " "^q quit mid-exchange" \
	"^bare OpenSSL (no callbacks) " "^hooks + events (same certs, kept SSL_CTX) " \
	"^+ teaching recomputations " "^  hook overhead, like for like " "^  teaching recomputations " \
	"^  --json / --trace: [0-9.]*x" "^load average: " "^peak resident memory of the bench itself: [0-9]* KiB"; do
	grep -q -- "$want" "$tmp/out" || fail "no line '$want' in: $(cat "$tmp/out")"
done
exit 0

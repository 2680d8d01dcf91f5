#!/bin/sh
# connect against TLS servers whose HTTP response is hostile or broken:
#  - a body that never ends and a 100 MB body: peak memory stays under the
#    README's bound (32 MiB), the run ends by its --timeout deadline, the
#    first records are events of their own and one tls.records_summary
#    counts the rest;
#  - a body shorter than its Content-Length, a chunked body cut inside a
#    chunk, a close-delimited body without close_notify: exit 7 saying what
#    was missing;
#  - conflicting and negative Content-Length: exit 7, malformed.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup hostile_bodies
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"

# The README promises 32 MiB whatever the peer sends.  AddressSanitizer's
# shadow memory and quarantine are not the program's: under `make check`
# (build/asan) the bound is the quarantine's size on top.
limit=32768
case "$bin" in */asan/*) limit=$((32768 + 65536)); export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=32" ;; esac

# run NAME OUTPUT-OPTION ARGS...: connect to the current peer; sets rc,
# rss (KiB) and secs
run() {
	name=$1 out=$2
	shift 2
	t0=$(date +%s)
	timeout 30 python3 "$here/helpers/peakrss.py" "$tmp/$name.rss" \
		"$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" "$out" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
	secs=$(($(date +%s) - t0))
	rss=$(cat "$tmp/$name.rss" 2> /dev/null || echo 0)
	[ $rc -lt 128 ] || fail "$name: crashed or hung (exit $rc)"
}

json_check() {
	python3 - "$@" <<'PY'
import json, sys
path, want_resp = sys.argv[1], sys.argv[2]
ev = [json.loads(l) for l in open(path)]
recv = [e for e in ev if e["name"] == "tls.application_data" and e["actor"] == "server"]
summ = [e for e in ev if e["name"] == "tls.records_summary"]
assert len(recv) == 16, "%d application records shown, not the first 16" % len(recv)
assert len(summ) == 1, "%d summaries" % len(summ)
f = {x["name"]: x["value"] for x in summ[0]["fields"]}
assert int(f["records"]) > 100 and int(f["bytes"]) > 100 * 16384, f
assert int(f["last_t_us"]) >= int(f["first_t_us"]), f
assert summ[0]["seq"] > recv[-1]["seq"], "the summary comes after the records it follows"
if want_resp != "-":
    resp = [e for e in ev if e["name"] == "http.response"]
    assert len(resp) == 1 and want_resp in resp[0]["summary"], [r["summary"] for r in resp]
PY
}

# a body without end: the deadline holds while data keeps arriving
hostile_peer endless 20 "$tmp/srv.pem" "$tmp/srv.key"
run endless --json --timeout 2000
[ $rc -eq 4 ] || fail "endless: exit $rc, not 4: $(cat "$tmp/endless.err")"
grep -q "the server.s response was not complete after 2000 ms: [0-9]* bytes so far" "$tmp/endless.err" || fail "endless: $(cat "$tmp/endless.err")"
[ "$secs" -le 6 ] || fail "endless: a 2000 ms deadline took $secs s"
[ "$rss" -le "$limit" ] || fail "endless: peak RSS $rss KiB, more than $limit"
json_check "$tmp/endless.out" - || fail "endless: records"
python3 -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1])]; assert e[-1]["name"]=="error.timeout"' \
	"$tmp/endless.out" || fail "endless: the last event is not error.timeout"

# 100 MB with a Content-Length: read to its end, in bounded memory and output
hostile_peer huge 30 "$tmp/srv.pem" "$tmp/srv.key"
run huge --json --timeout 20000
[ $rc -eq 0 ] || fail "huge: exit $rc: $(cat "$tmp/huge.err")"
[ "$rss" -le "$limit" ] || fail "huge: peak RSS $rss KiB, more than $limit"
json_check "$tmp/huge.out" "(100000046 bytes, decrypted by the client)" || fail "huge: records"
size=$(wc -c < "$tmp/huge.out")
[ "$size" -le 4000000 ] || fail "huge: --json wrote $size bytes"
run huge_trace --trace --timeout 20000
[ $rc -eq 0 ] || fail "huge --trace: exit $rc"
grep -q "C <-* \[encrypted\] [0-9]* more records -* S\|more records" "$tmp/huge_trace.out" || fail "huge --trace: no summary line"
echo "hostile_bodies: peak RSS: endless $(cat "$tmp/endless.rss") KiB, 100 MB $(cat "$tmp/huge.rss") KiB" >&2

# expect_http MODE REASON: exit 7, one line on stderr with REASON, the
# response shown, then error.protocol as the last event
expect_http() {
	hostile_peer "$1" 10 "$tmp/srv.pem" "$tmp/srv.key"
	run "$1" --json
	[ $rc -eq 7 ] || fail "$1: exit $rc, not 7: $(cat "$tmp/$1.err")"
	[ "$(wc -l < "$tmp/$1.err")" -eq 1 ] || fail "$1: not one line on stderr: $(cat "$tmp/$1.err")"
	grep -q -- "$2" "$tmp/$1.err" || fail "$1: reason is not '$2': $(cat "$tmp/$1.err")"
	python3 - "$tmp/$1.out" <<'PY' || fail "$1: events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["name"] for e in ev]
assert "http.response" in names, names
assert names[-1] == "error.protocol" or names[-2] == "error.protocol", names[-3:]
PY
}
expect_http short_cl "its body has 600 of the 1000 bytes its Content-Length announced"
expect_http cut_chunked "its chunked body ended inside chunk 2 (100 of its 1024 bytes)"
expect_http no_notify "closed without TLS close_notify, so its end cannot be told from a truncation"
expect_http bad_cl "malformed: it has conflicting Content-Length values"
expect_http neg_cl "malformed: its Content-Length is not a non-negative decimal number"
exit 0

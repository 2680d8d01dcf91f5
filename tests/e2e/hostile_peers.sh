#!/bin/sh
# connect against hostile peers started here on loopback: each run ends with
# a clear error event, a one-line reason, the documented exit status, in
# bounded time and without a crash.  Also a chunked and a 1 MiB response
# from a real (Python ssl) server.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup hostile_peers

# expect NAME STATUS EVENT REASON-TEXT -- ARGS: run connect ARGS --trace
# --json, once each, in bounded time; check the exit status, the error event
# (last error.* in the JSON), the one line on stderr
expect() {
	name=$1 want=$2 event=$3 reason=$4
	shift 5
	t0=$(date +%s)
	timeout 20 "$bin" connect "$@" --trace > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
	[ $rc -lt 128 ] || fail "$name: crashed or hung (exit $rc)"
	[ $rc -eq "$want" ] || fail "$name: exit $rc, not $want: $(cat "$tmp/$name.err")"
	[ "$(wc -l < "$tmp/$name.err")" -eq 1 ] || fail "$name: not one line on stderr: $(cat "$tmp/$name.err")"
	grep -q -- "$reason" "$tmp/$name.err" || fail "$name: reason is not '$reason': $(cat "$tmp/$name.err")"
	grep -q "FAILED: " "$tmp/$name.out" || fail "$name: no failure event in the trace"
	timeout 20 "$bin" connect "$@" --json > "$tmp/$name.json" 2> /dev/null
	rc=$?
	[ $rc -eq "$want" ] || fail "$name --json: exit $rc, not $want"
	python3 - "$tmp/$name.json" "$event" <<'PY' || fail "$name: --json has no $event event"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
errs = [e["name"] for e in ev if e["name"].startswith("error.")]
assert errs == [sys.argv[2]], errs
PY
	t=$(($(date +%s) - t0))
	[ $t -le 8 ] || fail "$name: took $t s"
}

hostile_peer plain_http
expect plain_http 5 error.protocol 'it answered in plain HTTP, "HTTP/1.0 200 OK"' -- "localhost:$port"
hostile_peer close_hello
expect close_hello 5 error.peer_closed "the peer closed the connection during the handshake" -- "localhost:$port"
hostile_peer random
expect random 5 error.protocol "not a TLS record header" -- "localhost:$port"
hostile_peer bad_length
expect bad_length 5 error.protocol "a record header announced 65535 bytes" -- "localhost:$port"
grep -q "Alert fatal record overflow" "$tmp/bad_length.out" || fail "bad_length: no record_overflow alert"
hostile_peer alert155
expect alert155 5 error.tls "the peer ended the handshake with alert 155, an unknown alert" -- "localhost:$port"
grep -q "Alert fatal unknown alert (155)" "$tmp/alert155.out" || fail "alert155: the alert is not named by its number"
grep -q "reason(" "$tmp/alert155.out" "$tmp/alert155.err" && fail "alert155: OpenSSL's reason(1155) reached the reader"
hostile_peer silent
expect silent 4 error.timeout "the server did not answer within 1000 ms" -- "localhost:$port" --timeout 1000
refused=$(free_port)
expect refused 3 error.connect "Connection refused" -- "127.0.0.1:$refused"
expect unresolvable 3 error.connect "cannot resolve no-such-host.invalid" -- no-such-host.invalid

# a real server's chunked and large responses are read to their end
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"
hostile_peer chunked 15 "$tmp/srv.pem" "$tmp/srv.key"
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/chunked" 2> "$tmp/err" ||
	fail "chunked: exit $?: $(cat "$tmp/err")"
grep -q "^done: .*HTTP 200$" "$tmp/chunked" || fail "chunked: no HTTP 200"
hostile_peer large 15 "$tmp/srv.pem" "$tmp/srv.key"
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/large" 2> "$tmp/err" ||
	fail "large: exit $?: $(cat "$tmp/err")"
grep -q "HTTP/1.1 200 OK (1048639 bytes, decrypted by the client)" "$tmp/large" || fail "large: not all bytes read"
exit 0

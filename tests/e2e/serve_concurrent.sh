#!/bin/sh
# serve answers clients at once: a client that connects and stays silent
# does not hold up the next one, and each line of output says whose it is.
set -u
bin=${HTTPSVIZ_BIN:?}
tmp=$(mktemp -d)
srv=""
holder=""
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2> /dev/null
	[ -n "$srv" ] && kill "$srv" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "serve_concurrent: $*" >&2; cat "$tmp/serve" >&2; exit 1; }

"$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/ca.pem" --timeout 4000 --trace > "$tmp/serve" 2>&1 &
srv=$!
for _ in $(seq 100); do grep -q "HTTPS on" "$tmp/serve" 2> /dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve")
[ -n "$port" ] || fail "serve did not start"

# client 1 connects and says nothing for 5 s
python3 -c 'import socket, sys, time; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); time.sleep(5)' \
	"$port" &
holder=$!
for _ in $(seq 100); do grep -q "^=== exchange 1, client" "$tmp/serve" && break; sleep 0.05; done
# client 2 is served while client 1 still holds its connection (a server
# that took one client at a time would make it wait the 4 s timeout)
timeout 3 curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/" > "$tmp/page" 2> "$tmp/err" ||
	fail "the second client was not served while the first was silent: $(cat "$tmp/err")"
grep -q "Hello over HTTPS" "$tmp/page" || fail "no page"
# the silent client is dropped after the 4 s --timeout (it never sent a
# ClientHello: the learner's long wait does not apply to it)
for _ in $(seq 160); do grep -q "^=== exchange 1: failed" "$tmp/serve" && break; sleep 0.05; done
kill -TERM "$srv"
wait "$srv"
srv=""
grep -q "^=== exchange 2: complete " "$tmp/serve" || fail "exchange 2 not complete"
grep -q "^=== exchange 1: failed: .*did not answer within 4000 ms" "$tmp/serve" || fail "the silent client did not time out"
grep -q "^#2 .*ClientHello" "$tmp/serve" || fail "lines do not say which exchange they belong to"
echo "ok: serve_concurrent"

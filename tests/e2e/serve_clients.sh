#!/bin/sh
# serve against real clients: curl, openssl s_client, httpsviz connect, and
# clients that send garbage or plain HTTP; serve logs their failure and keeps
# serving.  Then serve --tls 1.3 --json with TLS 1.3 clients.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup serve_clients

# start_serve OUT ARGS...: serve in the background (bounded); its port in $port
start_serve() {
	out=$1
	shift
	timeout 60 "$bin" serve --listen 127.0.0.1:0 "$@" > "$out" 2> "$out.err" &
	serve_pid=$!
	pids="$pids $serve_pid"
	for _ in $(seq 100); do
		grep -q "HTTPS on" "$out" && break
		sleep 0.05
	done
	port=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$out")
	[ -n "$port" ] || fail "no banner with the port: $(cat "$out" "$out.err")"
}

# wait_exit N: once N exchanges have ended, SIGTERM ends serve (status 0)
# within 10 s, with its summary line
wait_exit() {
	for _ in $(seq 200); do
		[ "$(grep -c "^=== exchange [0-9]*: \|^httpsviz serve: exchange [0-9]* failed\|\"name\":\"tls.handshake_done\"" "$out")" -ge "$1" ] && break
		sleep 0.05
	done
	sleep 0.3
	kill -TERM "$serve_pid"
	for _ in $(seq 200); do
		kill -0 "$serve_pid" 2> /dev/null || break
		sleep 0.05
	done
	kill -0 "$serve_pid" 2> /dev/null && fail "serve did not stop on SIGTERM"
	wait "$serve_pid"
}

# send_raw FILE|-: bytes to the server over a plain socket, wait for it to close
send_raw() {
	python3 - "$port" "$1" <<'PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(os.urandom(700) if sys.argv[2] == "random" else b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
s.settimeout(5)
try:
    while s.recv(4096):
        pass
except ConnectionResetError:
    pass
PY
}

req='GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'

start_serve "$tmp/serve" --ca-out "$tmp/ca.pem" --trace

# the CA file: one certificate, a CA, and never a private key
grep -q "BEGIN CERTIFICATE" "$tmp/ca.pem" || fail "no certificate in the CA file"
grep -q "PRIVATE" "$tmp/ca.pem" && fail "the CA file holds a private key"
openssl x509 -in "$tmp/ca.pem" -noout -text | grep -q "CA:TRUE" || fail "the CA file is not a CA certificate"

# 1: curl
timeout 10 curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/" > "$tmp/curl" 2>&1 || fail "curl: $(cat "$tmp/curl")"
grep -q "Hello over HTTPS" "$tmp/curl" || fail "curl got no page: $(cat "$tmp/curl")"
# 2: openssl s_client
printf "$req" | timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$tmp/ca.pem" -servername localhost \
	-ign_eof > "$tmp/s_client" 2>&1
grep -q "Verify return code: 0 (ok)" "$tmp/s_client" || fail "s_client did not verify: $(grep -i verify "$tmp/s_client")"
grep -q "^HTTP/1.1 200 OK" "$tmp/s_client" || fail "s_client got no 200"
# 3, 4: garbage and plain HTTP
send_raw random
send_raw http
# 5: httpsviz connect
timeout 10 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/connect" 2> "$tmp/err" ||
	fail "connect: exit $?: $(cat "$tmp/err")"
grep -q "^done: .*HTTP 200$" "$tmp/connect" || fail "connect: no HTTP 200"
# 6: curl again: still serving after the misbehaving clients
timeout 10 curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/" | grep -q "Hello over HTTPS" ||
	fail "no page after the garbage"
wait_exit 6
rc=$?
[ $rc -eq 0 ] || fail "serve exited $rc: $(cat "$tmp/serve.err")"
for n in 1 2 5 6; do
	grep -q "^=== exchange $n: complete " "$tmp/serve" || fail "exchange $n not complete: $(grep "exchange $n:" "$tmp/serve")"
done
grep -q "^=== exchange 3: failed: server: the peer does not speak TLS here: its first bytes were" "$tmp/serve" ||
	fail "garbage not reported: $(grep "exchange 3:" "$tmp/serve")"
grep -q '^=== exchange 4: failed: server: the peer does not speak TLS here: it sent a plain HTTP request, "GET / HTTP/1.0"' \
	"$tmp/serve" || fail "plain HTTP not reported: $(grep "exchange 4:" "$tmp/serve")"
grep -q "FAILED: server: the peer does not speak TLS here" "$tmp/serve" || fail "no error event in the log"
grep -q "the server decrypted the request: GET / HTTP/1.1" "$tmp/serve" || fail "no server-side view of the request"
# the server's side of RSA key exchange, checked (kexview)
grep -q "RSA decrypt: .* equals OpenSSL's" "$tmp/serve" || fail "the RSA decryption is not checked"
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/serve"; then fail "control bytes in serve's output"; fi

# TLS 1.3 only, as JSON: curl, s_client and connect --tls 1.3 work, a
# TLS 1.2 client gets a clear failure
start_serve "$tmp/s13" --ca-out "$tmp/ca13.pem" --tls 1.3 --json
timeout 10 curl -sS --tlsv1.3 --cacert "$tmp/ca13.pem" "https://localhost:$port/" | grep -q "Hello over HTTPS" ||
	fail "TLS 1.3: curl got no page"
printf "$req" | timeout 10 openssl s_client -tls1_3 -connect "127.0.0.1:$port" -CAfile "$tmp/ca13.pem" \
	-servername localhost -ign_eof > "$tmp/s_client13" 2>&1
grep -q "Verify return code: 0 (ok)" "$tmp/s_client13" || fail "TLS 1.3: s_client did not verify"
grep -q "^HTTP/1.1 200 OK" "$tmp/s_client13" || fail "TLS 1.3: s_client got no 200"
timeout 10 "$bin" connect "localhost:$port" --cafile "$tmp/ca13.pem" --tls 1.3 --trace > "$tmp/c13" 2> "$tmp/err" ||
	fail "TLS 1.3: connect exit $?: $(cat "$tmp/err")"
grep -q "^done: .* TLSv1.3 .*HTTP 200$" "$tmp/c13" || fail "TLS 1.3: connect: $(tail -1 "$tmp/c13")"
timeout 10 "$bin" connect "localhost:$port" --cafile "$tmp/ca13.pem" --trace > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 5 ] || fail "TLS 1.2 client against TLS 1.3 serve: exit $rc, not 5"
grep -q "no TLS version in common" "$tmp/err" || fail "no clear reason: $(cat "$tmp/err")"
wait_exit 3 || fail "serve --tls 1.3 exited $?"
python3 - "$tmp/s13" <<'PY' || fail "serve --json output is wrong"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[0].startswith("httpsviz serve: HTTPS on"), lines[0]
ev = [json.loads(l) for l in lines if l.startswith("{")]
names = [e["name"] for e in ev]
assert names.count("http.request") == 3, names.count("http.request")
assert names.count("tls.handshake_done") == 3
assert names.count("error.tls") == 1
assert all(e["actor"] in ("server", "client", "kernel", "app") for e in ev)
PY
exit 0

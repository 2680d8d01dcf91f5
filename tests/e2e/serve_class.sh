#!/bin/sh
# serve for a class: one server for every kind of learner (TLS 1.2 with RSA
# key exchange first, ECDHE-only clients, TLS 1.3; a client asked for 1.3
# never quietly gets 1.2), a certificate naming every interface address
# (read back from the served chain), --max-clients as places with a waiting
# line and a clear refusal, the key log appended per exchange, and options
# that do not apply to serve refused.  Traffic goes to loopback only.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup serve_class

# start_serve OUT ARGS...: serve --trace in the background; $port, $serve_pid
start_serve() {
	out=$1
	shift
	timeout 120 "$bin" serve --ca-out "$tmp/ca.pem" --trace "$@" > "$out" 2> "$out.err" &
	serve_pid=$!
	pids="$pids $serve_pid"
	for _ in $(seq 100); do
		grep -q "HTTPS on" "$out" 2> /dev/null && break
		sleep 0.05
	done
	port=$(sed -n '1s/^httpsviz serve: HTTPS on .*:\([0-9]*\), .*/\1/p' "$out")
	[ -n "$port" ] || fail "no banner with the port: $(cat "$out" "$out.err")"
}

# stop_serve: SIGTERM; serve ends with status 0 within 10 s
stop_serve() {
	kill -TERM "$serve_pid"
	for _ in $(seq 200); do
		kill -0 "$serve_pid" 2> /dev/null || break
		sleep 0.05
	done
	kill -0 "$serve_pid" 2> /dev/null && fail "serve did not stop on SIGTERM"
	wait "$serve_pid" || fail "serve exited $? on SIGTERM"
	grep -q "^httpsviz serve: stopped: " "$out" || fail "no summary when serve stopped"
}

# sans HOST: the subjectAltName of the certificate served on HOST:$port,
# one name a line, sorted
sans() {
	openssl s_client -connect "$1:$port" -servername localhost < /dev/null 2> /dev/null |
		openssl x509 -noout -ext subjectAltName 2> /dev/null | tail -n +2 | tr ',' '\n' |
		sed 's/^ *//; s/^IP Address:/IP:/; /^IP:/y/ABCDEF/abcdef/' | grep . | sort
}

# the addresses every interface has, as the certificate must list them
expected_ips() {
	{
		echo "IP:127.0.0.1"
		echo "IP:0:0:0:0:0:0:0:1"
		ip -o addr show | awk '{print $4}' | sed 's,/.*,,' | python3 -c '
import ipaddress, sys
for line in sys.stdin:
    a = ipaddress.ip_address(line.strip())
    print("IP:" + (str(a) if a.version == 4 else ":".join("%x" % int(a.exploded.replace(":", "")[i:i + 4], 16) for i in range(0, 32, 4))))'
	} | sort -u
}

req='GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'

# --- one server, every kind of learner -------------------------------------
start_serve "$tmp/serve" --listen 127.0.0.1:0 --keylog "$tmp/keys"
grep -q "offers TLS 1.2 and 1.3 (TLS 1.2: RSA key exchange first" "$tmp/serve" || fail "the banner does not say what is offered"
# a TLS 1.2 client that offers RSA key exchange gets it
printf "$req" | timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -CAfile "$tmp/ca.pem" \
	-servername localhost -ign_eof > "$tmp/rsa" 2>&1
grep -q "Cipher is AES128-GCM-SHA256" "$tmp/rsa" || fail "TLS 1.2: RSA key exchange not first: $(grep Cipher "$tmp/rsa")"
# ECDHE-only clients (issue 13 item 4: DEFAULT was dropped from the list)
for c in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305; do
	printf "$req" | timeout 10 openssl s_client -tls1_2 -cipher "$c" -connect "127.0.0.1:$port" \
		-CAfile "$tmp/ca.pem" -servername localhost -ign_eof > "$tmp/ec" 2>&1
	grep -q "Cipher is $c" "$tmp/ec" || fail "s_client -cipher $c: $(grep -i "cipher\|error" "$tmp/ec" | head -3)"
	grep -q "^HTTP/1.1 200 OK" "$tmp/ec" || fail "s_client -cipher $c: no 200"
done
# Python's default ssl (no RSA key exchange at all), at TLS 1.2 and at its best
python3 - "$port" "$tmp/ca.pem" <<'PY' || fail "Python's ssl against serve"
import socket, ssl, sys
for top, want in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    ctx.maximum_version = top
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10),
                         server_hostname="localhost") as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = s.recv(100)
        assert s.version() == want, (s.version(), want)
        assert want == "TLSv1.3" or s.cipher()[0].startswith("ECDHE-"), s.cipher()
        assert data.startswith(b"HTTP/1.1 200"), data
PY
# httpsviz connect in each mode against the same server
for mode in "" "--kex ecdhe" "--tls 1.3"; do
	# shellcheck disable=SC2086
	timeout 10 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace $mode > "$tmp/c" 2> "$tmp/err" ||
		fail "connect $mode: exit $?: $(cat "$tmp/err")"
	case $mode in
	"") want="TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256" ;;
	--kex*) want="TLSv1.2 TLS_ECDHE_RSA_" ;;
	*) want="TLSv1.3 TLS_AES_" ;;
	esac
	grep -q "^done: .*$want.*HTTP 200$" "$tmp/c" || fail "connect $mode: $(tail -1 "$tmp/c")"
done
# the key log holds every exchange (appended, not truncated by each), 0600
[ "$(stat -c %a "$tmp/keys")" = 600 ] || fail "the key log is not 0600"
n=$(grep -c "^CLIENT_RANDOM " "$tmp/keys")
[ "$n" -ge 6 ] || fail "the key log kept $n TLS 1.2 exchanges, not 6: $(cat "$tmp/keys")"
[ "$(grep "^CLIENT_RANDOM " "$tmp/keys" | cut -d' ' -f2 | sort -u | wc -l)" -eq "$n" ] || fail "key log lines repeated"
grep -q "^SERVER_HANDSHAKE_TRAFFIC_SECRET " "$tmp/keys" || fail "no TLS 1.3 secrets in the key log"
# the certificate names every interface address (and ::1), printed at start
sans 127.0.0.1 > "$tmp/sans"
grep -q "^DNS:localhost$" "$tmp/sans" || fail "no DNS:localhost: $(cat "$tmp/sans")"
if command -v ip > /dev/null 2>&1; then
	expected_ips > "$tmp/want"
	grep "^IP:" "$tmp/sans" > "$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" || fail "certificate addresses differ from the interfaces: $(diff "$tmp/want" "$tmp/got")"
	for a in $(ip -o addr show | awk '{print $4}' | sed 's,/.*,,'); do
		grep -q "certificate for .*IP:$a\(,\|$\)" "$tmp/serve" || fail "banner does not print $a"
	done
fi
stop_serve
grep -q "^=== exchange 1: complete TLS_RSA_WITH_AES_128_GCM_SHA256 ===" "$tmp/serve" || fail "exchange 1 not complete"
grep -q "^=== exchange 2: complete TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 ===" "$tmp/serve" || fail "exchange 2 not ECDHE"

# --- --tls restricts; a 1.3 learner is never downgraded --------------------
start_serve "$tmp/s12" --listen 127.0.0.1:0 --tls 1.2
grep -q "offers TLS 1.2 only" "$tmp/s12" || fail "--tls 1.2 is not said"
timeout 10 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --tls 1.3 --trace > "$tmp/c" 2> "$tmp/err"
rc=$?
[ $rc -eq 5 ] || fail "connect --tls 1.3 against a TLS 1.2 server: exit $rc, not 5: $(tail -1 "$tmp/c")"
grep -q "TLSv1.2" "$tmp/c" && fail "connect --tls 1.3 was given TLS 1.2"
grep -q "no TLS version in common" "$tmp/err" && grep -q "(this side allows TLS 1.3)" "$tmp/err" ||
	fail "no clear reason: $(cat "$tmp/err")"
# the README quotes this error as the program prints it
quote=$(sed -n 's/^"\(httpsviz: client: no TLS version in common[^"]*\)"$/\1/p' "$here/../../README.md")
[ -n "$quote" ] || fail "the README no longer quotes the no-version error on a line of its own"
grep -qF "$quote (" "$tmp/err" || fail "the README's quote differs from the program's error: $quote vs $(cat "$tmp/err")"
stop_serve

# --- ::1 is in the certificate when serve listens there ---------------------
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null; then
	start_serve "$tmp/s6" --listen "[::1]:0"
	sans "[::1]" > "$tmp/sans6"
	grep -q "^IP:0:0:0:0:0:0:0:1$" "$tmp/sans6" || fail "::1 is not in the certificate: $(cat "$tmp/sans6")"
	timeout 10 "$bin" connect "[::1]:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/c" 2> "$tmp/err" ||
		fail "connect [::1]: exit $?: $(cat "$tmp/err")"
	stop_serve
fi

# --- --max-clients 2 with three learners ------------------------------------
start_serve "$tmp/mc" --listen 127.0.0.1:0 --max-clients 2
grep -q "2 learners served at once (--max-clients)" "$tmp/mc" || fail "the banner does not say the limit"
# two learners take the places: TLS done, their request held until told
for k in 1 2; do
	python3 - "$port" "$tmp/ca.pem" "$tmp/go$k" > "$tmp/learner$k" 2>&1 <<'PY' &
import os, socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10), server_hostname="localhost")
print("handshake done", flush=True)
end = time.time() + 30
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode(), flush=True)
PY
	pids="$pids $!"
done
for _ in $(seq 200); do
	[ "$(cat "$tmp/learner1" "$tmp/learner2" | grep -c "handshake done")" -eq 2 ] && break
	sleep 0.05
done
# the third waits for a place, then is told the class is full (HTTP 503)
timeout 20 curl -sS --cacert "$tmp/ca.pem" -w '%{http_code}\n' "https://localhost:$port/" > "$tmp/third" 2>&1
grep -q "^503$" "$tmp/third" || fail "the third learner was not refused with 503: $(cat "$tmp/third")"
grep -q "The class server is full: it serves 2 learners at once" "$tmp/third" || fail "the refusal does not say why"
grep -q "^=== exchange 3, client 127.0.0.1 waits for a place: 2 learners served at once (--max-clients) ===" \
	"$tmp/mc" || fail "the log does not say the third waits"
grep -q "^=== exchange 3, client 127.0.0.1 refused: the class was full" "$tmp/mc" || fail "the log does not say the refusal"
# httpsviz connect, refused too, says so plainly as its last line (exit 0:
# TLS and HTTP worked, the 503 is the server's answer), after the handshake
# a served learner would get (TLS 1.2: RSA key exchange first)
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/c503" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "connect refused by a full class: exit $rc, not 0: $(cat "$tmp/err")"
grep -q "^done: .*TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256, HTTP 503$" "$tmp/c503" ||
	fail "the refusal's handshake differs from an exchange's: $(grep "^done" "$tmp/c503")"
[ "$(tail -1 "$tmp/c503")" = "the server answered HTTP 503 Service Unavailable: The class server is full: it serves 2 learners at once (httpsviz serve --max-clients 2)." ] ||
	fail "connect does not say the refusal and its reason: $(tail -2 "$tmp/c503")"
# the same in --json: the response's typed fact carries the body's first line
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --tls 1.3 --json --save "$tmp/s503" --save-secrets \
	> "$tmp/j503" 2> "$tmp/err" || fail "connect --json refused by a full class: exit $?: $(cat "$tmp/err")"
grep -q '"http":{"start_line":"HTTP/1.1 503 Service Unavailable","status":503,"body_line":"The class server is full: it serves 2 learners at once' \
	"$tmp/j503" || fail "no body_line in the JSON response: $(grep '"http"' "$tmp/j503")"
# a saved run keeps it: replayed, the same JSON and the same last line
"$bin" replay "$tmp/s503" --json | cmp -s - "$tmp/j503" || fail "the refused run replays differently"
"$bin" replay "$tmp/s503" --trace | tail -1 | grep -q "^the server answered HTTP 503 Service Unavailable: The class server is full" ||
	fail "the replayed trace does not say the refusal"
# a fourth waits, and gets the place the first frees
timeout 20 curl -sS --cacert "$tmp/ca.pem" -w '%{http_code}\n' "https://localhost:$port/" > "$tmp/fourth" 2>&1 &
curl4=$!
for _ in $(seq 100); do grep -q "exchange 6, client .* waits" "$tmp/mc" && break; sleep 0.05; done
touch "$tmp/go1"
wait "$curl4"
grep -q "^200$" "$tmp/fourth" || fail "the fourth learner did not get the freed place: $(cat "$tmp/fourth")"
touch "$tmp/go2"
for _ in $(seq 100); do grep -q "HTTP/1.1 200" "$tmp/learner2" && break; sleep 0.05; done
grep -q "HTTP/1.1 200" "$tmp/learner1" || fail "learner 1 was not served: $(cat "$tmp/learner1")"
grep -q "HTTP/1.1 200" "$tmp/learner2" || fail "learner 2 was not served: $(cat "$tmp/learner2")"
stop_serve
grep -q "^httpsviz serve: stopped: 3 exchanges with 1 learner(s) (3 complete, 0 failed), 3 refused" "$tmp/mc" ||
	fail "summary: $(tail -1 "$tmp/mc")"

# --- a second Ctrl-C ends serve at once (the first waits for exchanges) ----
# (no timeout(1) in between: the signals go to serve itself)
"$bin" serve --ca-out "$tmp/ca.pem" --trace --listen 127.0.0.1:0 > "$tmp/s2" 2>&1 &
serve_pid=$!
pids="$pids $serve_pid"
for _ in $(seq 100); do grep -q "HTTPS on" "$tmp/s2" 2> /dev/null && break; sleep 0.05; done
port=$(sed -n '1s/^httpsviz serve: HTTPS on .*:\([0-9]*\), .*/\1/p' "$tmp/s2")
python3 - "$port" "$tmp/ca.pem" > "$tmp/hold" 2>&1 <<'PY' &
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10), server_hostname="localhost")
print("handshake done", flush=True)
time.sleep(15)
PY
pids="$pids $!"
for _ in $(seq 100); do grep -q "handshake done" "$tmp/hold" 2> /dev/null && break; sleep 0.05; done
kill -TERM "$serve_pid"
kill -TERM "$serve_pid"
sleep 0.3
kill -0 "$serve_pid" 2> /dev/null || fail "SIGTERM (twice, as timeout(1) sends it) did not give the exchange its moment"
kill -INT "$serve_pid"
wait "$serve_pid" 2> /dev/null
rc=$?
[ $rc -eq 130 ] || fail "a Ctrl-C after the first signal: exit $rc, not 130"

# --- options that do not apply to serve are errors; the key log is safe ----
for o in "--pcap $tmp/p" "--no-pcap" "--scenario expired" "--path /x" "--insecure" "--lesson 1" "--cafile $tmp/ca.pem"; do
	# shellcheck disable=SC2086
	"$bin" serve --listen 127.0.0.1:0 $o > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "serve $o: exit $rc, not 2"
	grep -q "does not apply to serve" "$tmp/err" || fail "serve $o: $(cat "$tmp/err")"
done
"$bin" --listen 127.0.0.1:0 > /dev/null 2>&1 && fail "--listen without serve was accepted"
ln -s "$tmp/target" "$tmp/link"
"$bin" serve --listen 127.0.0.1:0 --keylog "$tmp/link" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "serve --keylog SYMLINK: exit $rc, not 2"
grep -q "symbolic link" "$tmp/err" || fail "no clear reason for the symlink: $(cat "$tmp/err")"
[ -e "$tmp/target" ] && fail "the symlink was followed"
echo "ok: serve_class"

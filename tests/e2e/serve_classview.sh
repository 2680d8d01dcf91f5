#!/bin/sh
# serve in a terminal shows the class view: one row per learner (address,
# exchanges, the step reached, ok / FAILED and why), the places taken with
# --max-clients, who waits and who was refused; Enter opens a learner's
# exchange as the live diagram (it grows while the learner goes on), q
# goes back, q again stops the server.  Learners come from different
# loopback addresses.  Skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup serve_classview

tui_start serve --listen 127.0.0.1:0 --ca-out "$tmp/ca.pem" --max-clients 1
wait_for "class view" 10 || fail "no class view"
port=$(sed -n 's/.*HTTPS on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/screen" | head -1)
[ -n "$port" ] || fail "no port on screen"
grep -q "No learner yet" "$tmp/screen" || fail "no word for an empty class"
grep -q "Listening on loopback only: for learners on other machines, restart with --listen 0.0.0.0:$port" \
	"$tmp/screen" || fail "no warning that only this machine can connect"
grep -q "Places: 0 of 1 taken (--max-clients 1)" "$tmp/screen" || fail "the places are not shown"
grep -q "Certificate names: DNS:localhost, IP:127.0.0.1" "$tmp/screen" || fail "the certificate's names are not shown"

# learner 127.0.0.1: curl, complete
timeout 10 curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/" > /dev/null 2> "$tmp/err" ||
	fail "curl: $(cat "$tmp/err")"
wait_for "ok TLSv1.3" 5 || fail "no ok row for curl"
grep -q "^  127\.0\.0\.1  *1  *FIN  *ok TLSv1.3 TLS_" "$tmp/screen" || fail "curl's row is wrong"
# learner 127.0.0.3: garbage
python3 - "$port" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.3", 0))
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
s.settimeout(5)
try:
    s.recv(100)
except OSError:
    pass
PY
wait_for "FAILED: server: the peer does not speak TLS" 5 || fail "no FAILED row for the garbage"
grep -q "^  127\.0\.0\.3 " "$tmp/screen" || fail "the garbage's row does not name 127.0.0.3"
# learner 127.0.0.2 takes the only place and holds it after the handshake
python3 - "$port" "$tmp/ca.pem" "$tmp/go" > "$tmp/holder" 2>&1 <<'PY' &
import os, socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
raw = socket.socket()
raw.bind(("127.0.0.2", 0))
raw.connect(("127.0.0.1", int(sys.argv[1])))
s = ctx.wrap_socket(raw, server_hostname="localhost")
end = time.time() + 40
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode(), flush=True)
PY
pids="$pids $!"
wait_for "in progress" 5 || fail "no in-progress row"
wait_for "Places: 1 of 1 taken (--max-clients 1), the class is full" 5 || fail "a full class is not shown"
# learner 127.0.0.4 waits for a place, then is refused
timeout 20 curl -sS --interface 127.0.0.4 --cacert "$tmp/ca.pem" -w '%{http_code}\n' "https://127.0.0.1:$port/" \
	> "$tmp/refused" 2>&1 &
curl4=$!
wait_for "waiting for a place" 5 || fail "the waiting learner is not shown"
grep -q "1 waiting for a place" "$tmp/screen" || fail "the waiting count is not shown"
wait "$curl4"
grep -q "^503$" "$tmp/refused" || fail "the fourth learner was not refused: $(cat "$tmp/refused")"
wait_for "refused: the class was full" 5 || fail "the refusal is not shown"
grep -q "1 refused (class full)" "$tmp/screen" || fail "the refusal is not counted"

# Enter on 127.0.0.2 (third row): its exchange, live
T send-keys Down Down Down
sleep 0.3
T send-keys Enter
wait_for "127.0.0.2 #" 5 || fail "Enter did not open the learner's diagram"
grep -q "ClientHello" "$tmp/screen" || fail "the diagram does not show the ClientHello"
grep -q "(complete)" "$tmp/screen" && fail "the held exchange is shown complete"
touch "$tmp/go"
wait_for "(complete)" 10 || fail "the diagram did not follow the learner to the end"
grep -q "HTTP/1.1 200" "$tmp/holder" || fail "the holder got no page: $(cat "$tmp/holder")"
# stepping back stays back (the live refresh does not undo it); play goes on
T send-keys b b
wait_for "rewound: viewing" 5 || fail "b did not step back in the learner's diagram"
sleep 0.6
cap
grep -q "rewound: viewing" "$tmp/screen" || fail "the refresh undid the step back"
T send-keys p
wait_for "(complete)" 10 || fail "play did not go on to the end"
T send-keys p
# the inspector works here as in the TUI
T send-keys g Enter
wait_for "tcp.connected" 5 || fail "the inspector does not open on the first event"
T send-keys Tab q
wait_for "Step reached" 5 || fail "q did not go back to the class"
grep -q "^> 127\.0\.0\.2 .*ok TLSv1.3" "$tmp/screen" || fail "127.0.0.2's row is not ok and selected"
grep -q "Exchanges: 3 served, 2 complete, 1 failed, 1 refused (class full); 4 learners" "$tmp/screen" ||
	fail "the totals are wrong"

# too small: a plain message; back to size: the class again
tui_resize 60 15
wait_for "enlarge" 5 || fail "no message when too small"
tui_resize 100 30
wait_for "Step reached" 5 || fail "the class did not come back after the resize"

T send-keys q
wait_for "TUI-EXITED-0" 10 || fail "q did not stop serve with status 0"
grep -q "httpsviz serve: stopped: 3 exchanges with 4 learner(s) (2 complete, 1 failed), 1 refused" "$tmp/screen" ||
	fail "no summary after the class view"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "the alternate screen is still on"
echo "ok: serve_classview"

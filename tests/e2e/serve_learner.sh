#!/bin/sh
# serve waits at the learner's pace: a learner in the connect TUI who reads
# for 30 s between two steps still completes (serve's --timeout of 2 s
# holds only until the ClientHello is in), and a learner who quits mid-way
# ends the exchange at once (serve does not wait its 10 minutes).  Skips
# only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup serve_learner

timeout 120 "$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/ca.pem" --timeout 2000 --trace > "$tmp/serve" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do grep -q "HTTPS on" "$tmp/serve" && break; sleep 0.05; done
port=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve")
[ -n "$port" ] || fail "serve did not start: $(cat "$tmp/serve")"
grep -q "a learner may pause 600 s between steps" "$tmp/serve" || fail "the banner does not say how long a learner may pause"

tui_start connect "localhost:$port" --cafile "$tmp/ca.pem" --explore
wait_for "PAUSED" 10 || fail "the learner's TUI did not start"
# the server's first flight is in; the learner's answer is held
press_until n 20 "ServerHelloDone" || fail "the learner did not reach the ServerHelloDone"
grep -q "exchange 1: failed" "$tmp/serve" && fail "serve gave up before the pause"
sleep 30
grep -q "exchange 1: failed" "$tmp/serve" && fail "serve gave up during a 30 s pause: $(grep "exchange 1" "$tmp/serve")"
press_until n 40 "HTTP/1.1 200" || fail "the learner got no response after the pause"
# reading the response for a while: serve still waits for the learner's
# close_notify (no reset at the end)
sleep 3
press_until n 20 "(complete)" || fail "the learner did not complete after reading the response"
grep -q "RST" "$tmp/screen" && fail "serve closed before the learner did (RST)"
tui_quit
for _ in $(seq 60); do grep -q "^=== exchange 1: " "$tmp/serve" && break; sleep 0.05; done
grep -q "^=== exchange 1: complete " "$tmp/serve" || fail "serve: $(grep "exchange 1" "$tmp/serve")"

# a learner who quits after the ClientHello: serve ends that exchange at once
tui_start connect "localhost:$port" --cafile "$tmp/ca.pem" --explore
wait_for "PAUSED" 10 || fail "the second learner's TUI did not start"
press_until n 20 "ServerHelloDone" || fail "the second learner did not reach the ServerHelloDone"
t0=$(date +%s)
tui_quit
for _ in $(seq 100); do grep -q "^=== exchange 2: " "$tmp/serve" && break; sleep 0.05; done
grep -q "^=== exchange 2: failed: " "$tmp/serve" || fail "serve still waits for a learner who left"
[ $(($(date +%s) - t0)) -le 5 ] || fail "serve took more than 5 s to see the learner leave"
echo "ok: serve_learner"

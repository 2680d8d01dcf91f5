#!/bin/sh
# The TUI against a remote peer that never answers: while the engine waits
# on the network the status line says so, and the run then ends with the
# timeout, the terminal restored.  Then q and Ctrl-C during a long wait end
# the program at once (not at the timeout).  Skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_connect

hostile_peer silent 15

tui_start connect "127.0.0.1:$port" --timeout 2000 --explore
wait_for "event 0 of 0" 5 || wait_for "PAUSED" 5 || fail "the TUI did not start"
# step through the TCP connect and the ClientHello; the next step waits
for _ in 1 2 3 4 5 6; do
	T send-keys n
	sleep 0.1
done
wait_for "waiting for the server (up to 2000 ms)" 5 || fail "no waiting notice while the engine waits"
wait_for "did not answer within 2000 ms" 6 || fail "no timeout after the wait"
grep -q "waiting for the server" "$tmp/screen" && fail "the waiting notice stayed after the step ended"
tui_quit 5

# q while a 30 s wait is under way: out well before the timeout, status 0;
# Ctrl-C the same with 130
for key in q C-c; do
	want=0
	[ "$key" = C-c ] && want=130
	tui_start connect "127.0.0.1:$port" --timeout 30000 --explore
	wait_for "PAUSED" 5 || fail "the TUI did not start ($key)"
	press_until n 8 "waiting for the server (up to 30000 ms)... q quits" ||
		fail "no waiting notice with its quit hint ($key)"
	T send-keys "$key"
	wait_for "TUI-EXITED-$want" 3 || fail "$key did not end the wait within 3 s (want status $want)"
	[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "the terminal was not restored after $key"
done
echo "ok: tui_connect"

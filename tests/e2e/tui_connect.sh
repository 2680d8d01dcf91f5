#!/bin/sh
# The TUI against a remote peer that never answers: while the engine waits
# on the network the status line says so, and the run then ends with the
# timeout, the terminal restored.  Skips only without tmux.
set -u
bin=${HTTPSVIZ_BIN:?}
here=$(dirname "$0")
command -v tmux > /dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 0; }
tmp=$(mktemp -d)
sock="httpsviz-connect-$$"
peer=""
cleanup() {
	tmux -L "$sock" kill-server 2> /dev/null
	[ -n "$peer" ] && kill "$peer" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "tui_connect: $*" >&2
	tmux -L "$sock" capture-pane -p 2> /dev/null | tail -5 >&2
	exit 1
}
python3 "$here/helpers/hostile.py" silent 15 > "$tmp/port" 2> /dev/null &
peer=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
[ -n "$port" ] || fail "the silent peer did not start"

# wait_for TEXT SECONDS: poll the screen until TEXT shows
wait_for() {
	i=0
	while [ "$i" -lt $(($2 * 20)) ]; do
		tmux -L "$sock" capture-pane -p > "$tmp/screen" 2> /dev/null
		grep -q -- "$1" "$tmp/screen" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

tmux -L "$sock" new-session -d -x 100 -y 30 \
	"LANG=C.UTF-8 $bin connect 127.0.0.1:$port --timeout 2000 --explore; echo EXITED \$?; sleep 30"
wait_for "step 0 of 0" 5 || wait_for "PAUSED" 5 || fail "the TUI did not start"
# step through the TCP connect and the ClientHello; the next step waits
for _ in 1 2 3 4 5 6; do
	tmux -L "$sock" send-keys n
	sleep 0.1
done
wait_for "waiting for the server (up to 2000 ms)" 5 || fail "no waiting notice while the engine waits"
wait_for "did not answer within 2000 ms" 6 || fail "no timeout after the wait"
grep -q "waiting for the server" "$tmp/screen" && fail "the waiting notice stayed after the step ended"
tmux -L "$sock" send-keys q
wait_for "EXITED 0" 5 || fail "did not quit cleanly"
[ "$(tmux -L "$sock" display -p '#{alternate_on}')" = 0 ] || fail "the terminal was not restored"
echo "ok: tui_connect"

#!/bin/sh
# Idle means idle: while the TUI is paused (before the first step, and
# halfway through the exchange with sockets open) the process sleeps in
# getch; over two seconds it uses almost no CPU and is almost never woken.
# A busy loop (a getch or poll timeout of 0) would wake it thousands of
# times.  Counted by the kernel (/proc), not timed.
set -u
. "$(dirname "$0")/helpers/common.sh"
. "$(dirname "$0")/helpers/tmux.sh"
tui_setup tui_idle

# the httpsviz process: the child of the pane's wrapper shell
tui_pid() {
	shell=$(T list-panes -F '#{pane_pid}')
	pgrep -P "$shell" | head -1
}

# CPU ticks (user + system) and context switches (voluntary + not) of $1
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
wakeups() { awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$1/status"; }

# idle WHAT: two seconds paused cost at most 5 ticks (50 ms) and 20 wakeups
idle() {
	t0=$(ticks "$pid")
	w0=$(wakeups "$pid")
	sleep 2
	t1=$(ticks "$pid")
	w1=$(wakeups "$pid")
	echo "tui_idle: $1: $((t1 - t0)) ticks, $((w1 - w0)) wakeups in 2 s"
	[ $((t1 - t0)) -le 5 ] || fail "$1: $((t1 - t0)) CPU ticks in 2 s while paused"
	[ $((w1 - w0)) -le 20 ] || fail "$1: woken $((w1 - w0)) times in 2 s while paused"
}

tui_start --explore --no-pcap
wait_for "PAUSED" || fail "no paused status line"
pid=$(tui_pid)
[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || fail "cannot find the httpsviz process"
# the RSA keys are made by a background thread started at launch (bounded
# work: two keys, then it ends); idleness is about the loop after that
i=0
while [ "$(ls "/proc/$pid/task" | wc -l)" -gt 1 ]; do
	i=$((i + 1))
	[ $i -le 200 ] || fail "the key thread did not end within 20 s"
	sleep 0.1
done
sleep 0.3
idle "before the first step"
press_until n 40 "ServerHelloDone" || fail "the exchange did not get to ServerHelloDone"
wait_for "PAUSED" || fail "not paused after stepping"
sleep 0.3
idle "paused mid-exchange"
tui_quit
echo "ok: tui_idle"

#!/bin/sh
# Instant start: the RSA keys are made in the background, so the first frame
# does not wait for them; a step pressed before they are ready is kept (the
# screen may say "preparing keys") and happens when they are; restarts and
# scenario changes reuse them: the key thread ends after two keys and no
# other thread ever starts (the process has one task again), and every
# restart shows the diagram again.  Counted in /proc, not timed.
set -u
. "$(dirname "$0")/helpers/common.sh"
. "$(dirname "$0")/helpers/tmux.sh"
tui_setup tui_keys

tui_pid() {
	shell=$(T list-panes -F '#{pane_pid}')
	pgrep -P "$shell" | head -1
}
tasks() { ls "/proc/$1/task" 2> /dev/null | wc -l; }

tui_start --explore --scenario mitm --no-pcap
# at once, without waiting for anything: a step
T send-keys Space
wait_for "PAUSED" || fail "no first frame"
wait_gone "step 0 of 0" 20 || fail "the step pressed before the keys were ready never happened"
grep -qF "preparing keys" "$tmp/screen" && fail "'preparing keys' stayed on screen after the keys came"
pid=$(tui_pid)
[ -n "$pid" ] || fail "cannot find the httpsviz process"
i=0
while [ "$(tasks "$pid")" -gt 1 ]; do
	i=$((i + 1))
	[ $i -le 200 ] || fail "the key thread did not end within 20 s"
	sleep 0.1
done
# restarts and another scenario: the exchange starts again at once, and
# no key thread comes back (the keys are kept)
for k in r r; do
	T send-keys "$k"
	wait_for "step 0 of 0" || fail "no fresh exchange after $k"
	T send-keys n
	wait_gone "step 0 of 0" || fail "no step after $k"
	[ "$(tasks "$pid")" -eq 1 ] || fail "a thread started again after $k"
done
tui_quit
echo "ok: tui_keys"

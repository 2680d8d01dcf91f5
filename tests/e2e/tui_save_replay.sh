#!/bin/sh
# The TUI keeps what you saw (tmux, 100x30): w saves the run so far, quitting
# with --save saves it whole; replay FILE opens it offline with the same keys
# (step, back, inspector, restart), and a lesson replayed over it judges its
# predictions against the recorded run.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_save_replay
f="$tmp/tui.jsonl"

# a --save file that cannot be written is refused at the start, exit 2
tui_start --explore --no-pcap --save "$tmp/no-such-dir/run.jsonl"
wait_for "TUI-EXITED-2" 20 || fail "an unwritable --save did not exit 2 at the start"
grep -qF "cannot write" "$tmp/screen" || fail "no reason for the unwritable --save"

tui_start --explore --no-pcap --save "$f"
wait_for "PAUSED" 20 || fail "the TUI did not start"
T send-keys w
wait_for "nothing to save yet" 5 || fail "w before any step did not say there is nothing yet"
press_until Space 40 "ServerHelloDone" || fail "never reached ServerHelloDone"
T send-keys w
wait_for "saved " 5 || fail "w did not save"
grep -qF "events to $f" "$tmp/screen" || fail "the notice does not say where"
[ "$(stat -c %a "$f")" = 600 ] || fail "the saved run is mode $(stat -c %a "$f")"
tail -1 "$f" | grep -q '"status":"partial"' || fail "a run saved midway is not marked partial"
"$bin" replay "$f" --json > /dev/null || fail "the midway save does not replay"
"$bin" replay "$f" --trace | tail -1 | grep -q "^saved midway: " || fail "a midway save's trace does not say so"
press_until Space 120 "(complete)" || fail "the exchange did not complete"
tui_quit
grep -qF "httpsviz: saved" "$tmp/screen" || fail "quitting with --save did not say it saved"
tail -1 "$f" | grep -q '"status":"done"' || fail "the run saved at quit is not complete"
n=$(($(wc -l < "$f") - 2))

# without --save, w saves into the current directory under a new name
# each time (never over an earlier save)
mkdir "$tmp/here"
back=$(pwd)
cd "$tmp/here" || fail "cannot enter $tmp/here"
tui_start --explore --no-pcap
wait_for "PAUSED" 20 || fail "the TUI did not start"
press_until Space 10 "ClientHello" || fail "no ClientHello"
T send-keys w
wait_for "saved " 5 || fail "w without --save did not save"
T send-keys w
sleep 0.3
tui_quit
cd "$back" || fail "cannot go back"
[ "$(ls "$tmp/here" | grep -c '^httpsviz-[0-9]\{8\}-[0-9]\{6\}\(-[0-9]*\)\{0,1\}\.jsonl$')" -eq 2 ] ||
	fail "two presses of w did not make two files: $(ls "$tmp/here")"

# replay: the same diagram, stepped with the same keys, no network
tui_start replay "$f"
wait_for "recorded 20" 20 || fail "the replay does not say when the run was recorded"
wait_for "event 0 of $n" 5 || fail "the replay does not start before the first event"
press_until Space 10 "ClientHello" || fail "Space does not reveal the recorded events"
grep -qF "replay: tui.jsonl" "$tmp/screen" || fail "the status line does not name the replay"
press_until Space 10 "ServerHello " || fail "no ServerHello in the replay"
cap
grep -qF "event 3 of $n" "$tmp/screen" || fail "the replay's position is wrong"
T send-keys b
wait_for "rewound: viewing 2 of 3" 5 || fail "b does not step back in a replay"
T send-keys Enter
wait_for "Tab back" 5 || fail "Enter does not open the inspector in a replay"
T send-keys Tab
press_until Space 120 "(complete)" || fail "the replay does not reach the end"
T send-keys r
wait_for "event 0 of $n" 5 || fail "r does not rewind the replay"
T send-keys m
wait_for "over the recorded run" 5 || fail "the menu of a replay does not say what it is for"
grep -qF "TLS 1.2, ECDHE" "$tmp/screen" && fail "a replay's menu offers a protocol"
grep -qF "untrusted-ca" "$tmp/screen" && fail "a replay's menu offers a scenario"
T send-keys Escape
T send-keys w
wait_for "saved run already" 5 || fail "w in a replay does not say it is a saved run"
tui_quit

# a failed run: its failure is told when the replay reaches it, not before
timeout 30 "$bin" --json --no-pcap --scenario expired --save "$tmp/expired.jsonl" > /dev/null 2>&1
tail -1 "$tmp/expired.jsonl" | grep -q '"status":"failed"' || fail "the expired run is not saved as failed"
tui_start replay "$tmp/expired.jsonl"
wait_for "recorded 20" 20 || fail "the failed run's replay did not start"
T send-keys Space
sleep 0.2
cap
grep -qF "(failed)" "$tmp/screen" && fail "the replay gives the failure away at the start"
press_until Space 80 "(failed)" || fail "the replay never reaches the failure"
grep -qF "certificate" "$tmp/screen" || fail "the failure's reason is not shown at the end"
tui_quit

# a lesson over the recorded run: predictions are judged against it
timeout 30 "$bin" --json --no-pcap --save "$tmp/rsa.jsonl" > /dev/null || fail "cannot save an RSA run"
tui_start replay "$tmp/rsa.jsonl" --lesson 05-rsa-key-exchange
wait_for "Lesson:" 20 || fail "the lesson did not start over the replay"
i=0
while [ "$i" -lt 200 ]; do
	cap
	grep -qF "End of the lesson." "$tmp/screen" && break
	if grep -qF "predict: press" "$tmp/screen"; then
		T send-keys 1
	elif grep -qF "answer: press" "$tmp/screen" || grep -qF "Enter answers" "$tmp/screen"; then
		T send-keys s
	else
		T send-keys Space
	fi
	sleep 0.05
	i=$((i + 1))
done
grep -qF "End of the lesson." "$tmp/screen" || fail "the lesson over the replay did not end after $i keys"
tui_quit

# a shipped lesson is recorded by its name, however it was chosen (--lesson
# NAME finds a file, the picker lists files): another install has its own copy
tui_start --lesson 05-rsa-key-exchange --no-pcap --save "$tmp/l5.jsonl"
wait_for "Lesson:" 20 || fail "lesson 5 did not start"
press_until Space 10 "ClientHello" || fail "no ClientHello in lesson 5"
tui_quit
head -1 "$tmp/l5.jsonl" | grep -q '"lesson":"05-rsa-key-exchange"' ||
	fail "--lesson NAME in the TUI is recorded as $(head -1 "$tmp/l5.jsonl" | grep -o '"lesson":"[^"]*"')"
tui_start --no-pcap --save "$tmp/l1.jsonl"
wait_for "Choose a lesson" 20 || fail "no picker"
T send-keys Enter
wait_for "Lesson:" 20 || fail "the picker's first lesson did not start"
press_until Space 10 "ClientHello" || fail "no ClientHello in the picked lesson"
tui_quit
head -1 "$tmp/l1.jsonl" | grep -q '"lesson":"01-https-stack"' ||
	fail "a lesson from the picker is recorded as $(head -1 "$tmp/l1.jsonl" | grep -o '"lesson":"[^"]*"')"
"$bin" replay "$tmp/l1.jsonl" --trace > /dev/null 2> "$tmp/err" < /dev/null || fail "the picked lesson's run does not replay"
grep -q "not here" "$tmp/err" && fail "the picked lesson is not found in the replay: $(cat "$tmp/err")"
exit 0

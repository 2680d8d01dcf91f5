#!/bin/sh
# End-to-end test of lessons in the TUI (tmux, 100x30): start lesson 1 with
# --lesson, step to its first question, answer wrongly (wrong feedback), then
# rightly (right feedback), step to the end of the lesson (end message),
# quit with the terminal restored.  Then the picker: no arguments lists the
# lessons; choosing free exploration shows the diagram.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
bin=${HTTPSVIZ_BIN:-}
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed"
	exit 0
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
	echo "FAIL: HTTPSVIZ_BIN is not an executable: '$bin'"
	exit 1
fi
# one tmux server per part, each on its own socket
base="httpsviz-tuilesson-$$"
part=0
sock="$base-$part"
tmp=$(mktemp -d)
T() { tmux -L "$sock" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	cat "$tmp/screen" 2>/dev/null
	exit 1
}
cap() { T capture-pane -p >"$tmp/screen" 2>/dev/null; }
# wait_for TEXT [SECONDS]: poll the screen until TEXT appears
wait_for() {
	n=$(( ${2:-10} * 20 ))
	while [ "$n" -gt 0 ]; do
		cap
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}
# start ARGS...: the program in a fresh session, then a marker when it exits
start() {
	T kill-server >/dev/null 2>&1
	part=$((part + 1))
	sock="$base-$part"
	T new-session -d -x 100 -y 30 "env LANG=C.UTF-8 TERM=xterm-256color sh -c '\"$bin\" $*; echo TUI-EXITED-\$?; sleep 60'" ||
		fail "cannot start tmux"
}
# quit: q, the exit marker, and no trace of the TUI
quit() {
	T send-keys q
	wait_for "TUI-EXITED-0" 10 || fail "the program did not exit with status 0"
	cap
	grep -qF "legend:" "$tmp/screen" && fail "the TUI is still on screen after quit"
	[ "$(T display -p '#{alternate_on}')" = "0" ] || fail "the alternate screen is still on"
}

# ---- a lesson, started directly
start --lesson 01-https-stack
wait_for "Lesson: The HTTPS stack" 20 || fail "the lesson did not start"
wait_for "lesson step 0 of 9" 5 || fail "no progress line before the first step"
i=0
while [ "$i" -lt 40 ]; do
	cap
	grep -qF "What does TLS add on top of TCP?" "$tmp/screen" && break
	T send-keys Space
	sleep 0.05
	i=$((i + 1))
done
grep -qF "What does TLS add on top of TCP?" "$tmp/screen" || fail "never reached the first question"
grep -qF "lesson step 2 of 9" "$tmp/screen" || fail "no progress line at the question"
grep -qF "Look at cipher_suites" "$tmp/screen" || fail "the highlighted field is not named"
grep -qF "selected" "$tmp/screen" || fail "the inspector does not select the highlighted field"
# held: Space does not go on while the question is open
T send-keys Space
wait_for "answer the question first" 5 || fail "the question did not hold the cursor"
# wrongly: choice 1 alone (reliable delivery is TCP's job)
T send-keys 1 Enter
wait_for "Wrong. Not quite." 5 || fail "no wrong-answer feedback"
grep -qF "Right!" "$tmp/screen" && fail "right feedback after a wrong answer"
# rightly: 2, 3 and 4
T send-keys 2 3 4 Enter
wait_for "Right! Yes: TLS adds confidentiality" 5 || fail "no right-answer feedback"
# to the end: predict the application data record, skip anything else
i=0
while [ "$i" -lt 150 ]; do
	cap
	grep -qF "End of the lesson." "$tmp/screen" && break
	if grep -qF "predict: press" "$tmp/screen"; then
		T send-keys 2
	elif grep -qF "answer: press" "$tmp/screen" || grep -qF "Enter answers" "$tmp/screen"; then
		T send-keys s
	else
		T send-keys Space
	fi
	sleep 0.05
	i=$((i + 1))
done
grep -qF "End of the lesson." "$tmp/screen" || fail "the lesson did not end after $i keys"
grep -qF "go on exploring" "$tmp/screen" || fail "no offer to go on exploring"
grep -qF "lesson step" "$tmp/screen" || fail "no progress line at the end"
# e leaves the lesson: the narration pane goes, the exchange stays
T send-keys e
i=0
while [ "$i" -lt 40 ]; do
	cap
	grep -qF "Lesson: The HTTPS stack" "$tmp/screen" || break
	sleep 0.05
	i=$((i + 1))
done
grep -qF "Lesson: The HTTPS stack" "$tmp/screen" && fail "e did not leave the lesson"
grep -qF "legend:" "$tmp/screen" || fail "the diagram went away with the lesson"
quit

# ---- the picker
start
wait_for "Choose a lesson" 20 || fail "no picker without arguments"
grep -qF "01-https-stack" "$tmp/screen" || fail "the picker does not list lesson 1"
grep -qF "The HTTPS stack" "$tmp/screen" || fail "the picker does not show lesson titles"
grep -qF "Free exploration" "$tmp/screen" || fail "no free exploration entry"
grep -qF "mitm, attacker CA trusted" "$tmp/screen" || fail "no scenario entries"
i=0
while [ "$i" -lt 30 ]; do
	cap
	grep -E '(▶|>) +explore ' "$tmp/screen" >/dev/null && break
	T send-keys Down
	sleep 0.05
	i=$((i + 1))
done
grep -E '(▶|>) +explore ' "$tmp/screen" >/dev/null || fail "could not select free exploration"
T send-keys Enter
wait_for "step 0 of 0" 20 || fail "free exploration did not start"
T send-keys Space
wait_for "network" 10 || fail "no diagram after choosing free exploration"
grep -qF "Client" "$tmp/screen" || fail "no client lifeline"
grep -qF "Lesson:" "$tmp/screen" && fail "a lesson pane in free exploration"
# the scenario menu from the running exchange: choose mitm with a trusted rogue CA
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu"
T send-keys G Enter
wait_for "scenario mitm (attacker CA trusted)" 20 || fail "the scenario did not restart the exchange"
i=0
while [ "$i" -lt 40 ]; do
	cap
	grep -qF "Interceptor" "$tmp/screen" && break
	T send-keys Space
	sleep 0.05
	i=$((i + 1))
done
grep -qF "Interceptor" "$tmp/screen" || fail "no interceptor lifeline in the mitm scenario"
quit
echo "ok: tui_lesson"
exit 0

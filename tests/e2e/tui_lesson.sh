#!/bin/sh
# End-to-end test of lessons in the TUI (tmux, 100x30): start lesson 1 with
# --lesson, step to its first question, answer wrongly (wrong feedback), then
# rightly (right feedback), step to the end of the lesson (end message),
# quit with the terminal restored.  Then the picker: no arguments lists the
# lessons; choosing free exploration shows the diagram.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_lesson

# ---- a lesson, started directly
tui_start --lesson 01-https-stack
wait_for "Lesson: The HTTPS stack" 20 || fail "the lesson did not start"
wait_for "lesson step 0 of 9" 5 || fail "no progress line before the first step"
press_until Space 40 "What does TLS add on top of TCP?" || fail "never reached the first question"
grep -qF "lesson step 2 of 9" "$tmp/screen" || fail "no progress line at the question"
grep -qF "Look at cipher_suites" "$tmp/screen" || fail "the highlighted field is not named"
grep -qF "selected" "$tmp/screen" || fail "the inspector does not select the highlighted field"
# held: Space does not go on while the question is open
T send-keys Space
wait_for "answer the question first" 5 || fail "the question did not hold the cursor"
# wrongly: choice 1 alone (reliable delivery is TCP's job)
T send-keys 1 Enter
wait_for "Not quite. 1) Reliable, ordered delivery is TCP's" 5 || fail "no per-choice wrong-answer feedback"
grep -qF "Right!" "$tmp/screen" && fail "right feedback after a wrong answer"
# the wrong pick is marked and its tick cleared; then rightly: 2, 3 and 4
grep -qF "[ ] 1) Reliable" "$tmp/screen" || fail "the wrong pick's tick was not cleared"
grep -qF "(wrong)" "$tmp/screen" || fail "the wrong pick is not marked"
# partial credit: one right and one wrong pick
T send-keys 2 1 Enter
wait_for "Partly right: 1 of 3 right choices" 5 || fail "no partial credit"
T send-keys 3 4 Enter
wait_for "Yes: TLS adds confidentiality" 5 || fail "no right-answer feedback"
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
wait_gone "Lesson: The HTTPS stack" 2 || fail "e did not leave the lesson"
# (the diagram's header; the legend's row may show the selected row whole)
grep -qE "Client .* Server" "$tmp/screen" || fail "the diagram went away with the lesson"
tui_quit

# ---- the picker
tui_start
wait_for "Choose a lesson" 20 || fail "no picker without arguments"
grep -qF "01-https-stack" "$tmp/screen" || fail "the picker does not list lesson 1"
grep -qF "The HTTPS stack" "$tmp/screen" || fail "the picker does not show lesson titles"
grep -qF "Free exploration" "$tmp/screen" || fail "no free exploration entry"
grep -qF "Protocol and key exchange" "$tmp/screen" || fail "no protocol entries"
grep -qF "Scenarios: what goes wrong" "$tmp/screen" || fail "no scenario entries"
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
wait_for "event 0 of 0" 20 || fail "free exploration did not start"
T send-keys Space
wait_for "network" 10 || fail "no diagram after choosing free exploration"
grep -qF "Client" "$tmp/screen" || fail "no client lifeline"
grep -qF "Lesson:" "$tmp/screen" && fail "a lesson pane in free exploration"
# the scenario menu from the running exchange: choose mitm with a trusted rogue CA
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu"
T send-keys G Enter
wait_for "scenario mitm (attacker CA trusted)" 20 || fail "the scenario did not restart the exchange"
press_until Space 40 "Interceptor" || fail "no interceptor lifeline in the mitm scenario"
# a lesson's number in the menu starts it
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu again"
T send-keys 3
wait_for "Lesson: The Hello messages" 20 || fail "the digit 3 did not start lesson 3"
tui_quit
echo "ok: tui_lesson"
exit 0

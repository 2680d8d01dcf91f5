#!/bin/sh
# The live diagram at 80x24, 120x36 and 160x45 (tmux), as a student reads
# it: the selected note's whole text is on screen (a failed hostname
# check, cut in its row, shown whole under the panes); / finds it, n N move
# between matches; the filter f hides the TCP segments; in the inspector's
# hex dump a byte cursor names the field under it; i gives the diagram the
# screen.  Then a lesson: the step's whole narration can be read in the
# reading view (v), at each size.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_sizes

# the whole text of the hostname check, as the engine logs it
"$bin" --json --scenario wrong-host > "$tmp/json" 2> /dev/null
hostname_note=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["name"] == "cert.hostname":
        # the cross says FAILED: the diagram does not repeat it
        s = e["summary"]
        print(s[:-len(" FAILED")] if s.endswith(" FAILED") else s); break
' "$tmp/json")
[ -n "$hostname_note" ] || fail "no cert.hostname event in the JSON run"

# screen_joined: the screen's text, its lines trimmed and joined by spaces,
# runs of spaces collapsed (a wrapped line reads as one)
screen_joined() {
	python3 -c '
import re, sys
t = " ".join(l.strip() for l in open(sys.argv[1], encoding="utf-8"))
print(re.sub(r"\s+", " ", t))' "$tmp/screen"
}

for size in 80x24 120x36 160x45; do
	tui_start -s "$size" --explore --scenario wrong-host
	wait_for "PAUSED" 20 || fail "$size: the TUI did not start"
	press_until Space 80 "TLS failure" || fail "$size: the exchange did not end"
	# / finds the check (typed on the status line), Enter sets the search
	T send-keys / h o s t n a m e :
	wait_for "/hostname:_" 5 || fail "$size: the search is not typed on the status line"
	T send-keys Enter
	wait_for "/hostname:: match" 5 || wait_for "/hostname:: " 5 || fail "$size: no match count"
	# the selected note, whole (joined lines: it may wrap under the panes)
	cap
	screen_joined | grep -qF -- "$hostname_note" ||
		fail "$size: the selected note's whole text is not on screen: '$hostname_note'"
	grep -q "✗ hostname" "$tmp/screen" || fail "$size: the hostname check is not marked as failed"
	# n and N move between matches: the two signature checks (and more)
	T send-keys / s i g n a t u r e Enter
	wait_for "/signature: match" 5 || fail "$size: no match for 'signature'"
	m=$(grep -o "match [0-9]* of [0-9]*" "$tmp/screen" | head -1)
	k=$(echo "$m" | awk '{print $2}')
	n=$(echo "$m" | awk '{print $4}')
	[ "$n" -ge 2 ] || fail "$size: fewer than two events match 'signature' ($m)"
	T send-keys n
	wait_for "match $((k % n + 1)) of $n" 5 || fail "$size: n did not go to the next match (from $m)"
	T send-keys N
	wait_for "match $k of $n" 5 || fail "$size: N did not go back to $m"
	T send-keys Escape
	wait_for "search ended" 5 || fail "$size: Esc did not end the search"
	# the filter: hide TCP
	grep -q "SYN seq=" "$tmp/screen" || T send-keys g
	wait_for "SYN" 5 || fail "$size: no SYN before filtering"
	T send-keys f
	wait_for "Filter: layers shown" 5 || fail "$size: no filter box"
	T send-keys t f
	wait_for "hidden (f)" 5 || fail "$size: the status line does not count hidden events"
	# the selected event always shows: select the last one (not TCP)
	T send-keys G
	wait_gone "SYN seq=" 5 || fail "$size: the TCP segments still show"
	T send-keys f t f g
	wait_for "SYN seq=" 5 || fail "$size: the TCP segments did not come back"
	# the hex cursor: ClientHello, into the inspector, walk a few bytes
	T send-keys / C l i e n t H e l l o Enter Escape Enter
	wait_for "#4 ClientHello" 5 || fail "$size: the search did not select the ClientHello"
	T send-keys Right Right Right Right Right Right
	wait_for "byte 5 = 0x" 5 || fail "$size: no byte cursor"
	grep -qE "byte 5 = 0x[0-9a-f]{2} in [a-z_]+" "$tmp/screen" ||
		fail "$size: the byte cursor does not name its field"
	# i: the diagram takes the whole width
	T send-keys Escape i
	wait_for "side pane hidden" 5 || fail "$size: i did not hide the side pane"
	grep -q "Fields (" "$tmp/screen" && fail "$size: the inspector still shows after i"
	tui_quit
done

# a lesson step's whole narration, readable at each size (v)
narration=$(python3 -c '
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = lines.index("at cert.hostname")
text = []
for l in lines[i + 1:]:
    if l.startswith(">"):
        text.append(l[1:].strip())
    elif l.startswith("ask") or l == "end":
        break
print(" ".join(text))' lessons/04-certificates.lesson)
[ -n "$narration" ] || fail "no narration for cert.hostname in lesson 4"
for size in 80x24 120x36 160x45; do
	tui_start -s "$size" --lesson 04-certificates
	wait_for "Lesson: Certificate validation" 20 || fail "$size: the lesson did not start"
	press_until Space 60 "3) The hostname check" || fail "$size: never reached the hostname question"
	T send-keys v
	wait_for "back to the diagram" 5 || fail "$size: v did not open the reading view"
	cap
	joined=$(screen_joined)
	# every piece of the text around the live values ({...})
	printf '%s\n' "$narration" | python3 -c '
import re, sys
text, screen = sys.stdin.read().strip(), sys.argv[1]
for piece in re.split(r"\{[^}]*\}", text):
    piece = re.sub(r"\s+", " ", piece).strip()
    if piece and piece not in screen:
        print("missing: " + piece); sys.exit(1)' "$joined" || fail "$size: the step's narration is not whole in the reading view"
	grep -qF "(lines " "$tmp/screen" && fail "$size: the reading view cuts the text"
	# answering works from the reading view
	T send-keys 3
	wait_for "everything about that certificate is valid" 5 || fail "$size: no feedback in the reading view"
	T send-keys Escape
	wait_gone "back to the diagram" 5 || fail "$size: Esc did not close the reading view"
	tui_quit
done
# --projector at 160x45: a room layout, not the same panes spaced out: the
# diagram across the screen, the lesson's text in a band under it, no
# inspector until it is used
tui_start -s 160x45 --projector --lesson 04-certificates
wait_for "Lesson: Certificate validation" 20 || fail "projector: the lesson did not start"
press_until Space 60 "3) The hostname check" || fail "projector: never reached the question"
grep -q "Fields (" "$tmp/screen" && fail "projector: the inspector shows while not in use"
# the question's row is under the diagram's last lifeline row, across the screen
qrow=$(grep -n "3) The hostname check" "$tmp/screen" | head -1 | cut -d: -f1)
drow=$(grep -n "hostname: localhost matches" "$tmp/screen" | head -1 | cut -d: -f1)
[ -n "$drow" ] && [ "$qrow" -gt "$drow" ] || fail "projector: the lesson's text is not under the diagram"
grep -q "│ *Server *$" "$tmp/screen" || grep -q "Server$" "$tmp/screen" || fail "projector: the diagram does not span the screen"
T send-keys Enter
wait_for "Fields (" 5 || fail "projector: Enter does not show the inspector"
tui_quit
echo "tui_sizes: ok"

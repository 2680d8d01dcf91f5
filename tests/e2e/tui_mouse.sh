#!/bin/sh
# The mouse in the menu and the diagram (tmux, xterm's SGR mouse reports
# sent as keys): the wheel moves the menu's selection, a click selects an
# item and a second click starts it; in the diagram the wheel moves the
# selection.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_mouse

# mouse COL ROW BUTTON: press and release at 1-based COL ROW (SGR 1006)
press() { T send-keys -l "$(printf '\033[<%d;%d;%dM' "$3" "$1" "$2")"; }
release() { T send-keys -l "$(printf '\033[<%d;%d;%dm' "$3" "$1" "$2")"; }
click() { press "$1" "$2" 0; release "$1" "$2" 0; }

tui_start -s 100x30
wait_for "01-https-stack" 20 || fail "no menu"
grep -q "▶ 01-https-stack" "$tmp/screen" || fail "the first lesson is not selected at first"
# the wheel: down twice
press 10 5 65
sleep 0.1
press 10 5 65
wait_for "▶ 03-hello" 5 || fail "the wheel did not move the menu's selection"
press 10 5 64
wait_for "▶ 02-tcp-handshake" 5 || fail "the wheel up did not move it back"
# a click on 06 selects it; a second click starts it
row=$(grep -n "06-data-exchange" "$tmp/screen" | head -1 | cut -d: -f1)
[ -n "$row" ] || fail "no 06-data-exchange in the menu"
click 10 "$row"
wait_for "▶ 06-data-exchange" 5 || fail "a click did not select the lesson"
click 10 "$row"
wait_for "Lesson: Data exchange" 10 || fail "a second click did not start the lesson"
# the diagram: step a few events, the wheel moves the selection up
press_until Space 20 "event 3 of" || fail "could not step"
wait_for "  3▶" 5 || fail "the newest event is not selected"
press 20 10 64
wait_for "  2▶" 5 || fail "the wheel did not move the diagram's selection"
tui_quit

# a click on a byte of the hex dump: the byte cursor goes there and names
# the field that holds it (bytes -> field)
tui_start -s 120x36 --explore
wait_for "PAUSED" 20 || fail "explore did not start"
press_until Space 20 "ClientHello" || fail "no ClientHello"
T send-keys / C l i e n t H e l l o Enter Escape Enter
wait_for "#4 ClientHello" 5 || fail "the ClientHello is not in the inspector"
wait_for "0000  01 00" 5 || fail "no hex dump of the ClientHello"
# where the fifth byte (index 4) is now: the ClientHello's legacy_version
# starts there (read again before each try: the screen may have moved)
byte_pos() {
	cap
	python3 -c '
import sys
for y, l in enumerate(open(sys.argv[1], encoding="utf-8")):
    x = l.find("0000  01 00")
    if x >= 0:
        print(x + 6 + 3 * 4 + 1, y + 1); break' "$tmp/screen"
}
# Under load a report may reach curses in pieces (its ESC alone reads as the
# Esc key), so a lost click is tried again, a few times at most
ok=0
for _ in 1 2 3 4 5; do
	pos=$(byte_pos)
	[ -n "$pos" ] || fail "no hex line found"
	click $pos
	if wait_for "byte 4 = 0x03 in legacy_version" 4; then ok=1; break; fi
	# a lost half of a report may have left the inspector: back to it
	grep -qF "0000  01 00" "$tmp/screen" || { T send-keys Enter; wait_for "0000  01 00" 5; }
done
[ "$ok" = 1 ] || fail "a click on a byte did not name its field"
tui_quit
echo "tui_mouse: ok"

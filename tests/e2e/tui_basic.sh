#!/bin/sh
# End-to-end test of the TUI in tmux at 100x30: step through the whole
# exchange, step back, help overlay, resize to 60x20 and back, inspect the
# ClientHello's cipher suites, quit, and check the terminal is restored.
# With TUI_BASIC_ASCII=1 (tests/e2e/tui_ascii.sh) the same with --ascii, and
# no byte outside ASCII may reach the screen.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
ascii=${TUI_BASIC_ASCII:-0}
args="--explore"
arrows='(▶|◀)'
if [ "$ascii" = 1 ]; then
	args="--explore --ascii"
	arrows='(>|<)'
fi
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_basic

# shellcheck disable=SC2086
tui_start $args
wait_for "PAUSED" 20 || fail "the TUI did not start"
wait_for "step 0 of 0" 5 || fail "not paused before the first step"

# Step until the exchange is complete, collecting every screen.
: >"$tmp/all"
i=0
while [ "$i" -lt 120 ]; do
	T send-keys Space
	sleep 0.05
	cap
	cat "$tmp/screen" >>"$tmp/all"
	grep -q "(complete)" "$tmp/screen" && break
	i=$((i + 1))
done
grep -q "(complete)" "$tmp/screen" || fail "the exchange did not complete after $i steps"

# The arrows appear in order: take the first line of each in the diagram
# as seen at Home (the whole exchange scrolled from the top) and at End.
T send-keys g
wait_for " 1" 5 || true
cap
cp "$tmp/screen" "$tmp/top"
T send-keys G
sleep 0.3
cap
cp "$tmp/screen" "$tmp/bottom"
order_ok=1
last=0
for m in "ClientHello" "ServerHello" "Certificate" "ClientKeyExchange" "ChangeCipherSpec" "Finished" "[encrypted] GET /" "[encrypted] HTTP/1.1 200"; do
	# event numbers are in the gutter: the first number on the arrow's line
	num=$(cat "$tmp/top" "$tmp/bottom" | grep -F -- "$m" | grep -E "$arrows" | head -1 | awk '{print $1}' | tr -dc 0-9)
	[ -n "$num" ] || fail "no arrow for '$m'"
	[ "$num" -gt "$last" ] || order_ok=0
	last=$num
done
[ "$order_ok" -eq 1 ] || fail "arrows are not in protocol order"

# Back: the view rewinds and says so.
T send-keys b
wait_for "rewound: viewing" 5 || fail "no rewound status after back"
T send-keys n
wait_gone "rewound:" 5 || fail "forward again did not leave the rewound view"

# Help overlay, closed by any key.
T send-keys '?'
wait_for "restart with a fresh exchange" 5 || fail "no help overlay"
T send-keys Escape
wait_gone "restart with a fresh exchange" 5 || fail "help overlay did not close"

# Small terminal: a plain message, then back to the picture.
# Keys other than q do nothing while nothing can be seen.
cap
before=$(grep -o 'step [0-9]* of [0-9]*' "$tmp/screen" | head -1)
tui_resize 60 20
wait_for "please enlarge the terminal" 5 || fail "no small-terminal message at 60x20"
grep -qF "quits" "$tmp/screen" || fail "the small-terminal message does not say q quits"
T send-keys b b Up
sleep 0.3
tui_resize 100 30
wait_gone "please enlarge" 5 || fail "the picture did not come back at 100x30"
wait_for "close notify" 5 || fail "diagram missing after resize"
[ -n "$before" ] || fail "no step count on the status line"
wait_for "$before" 3 || fail "keys acted while the terminal was too small (was: $before)"
grep -qF "rewound" "$tmp/screen" && fail "keys acted while the terminal was too small (rewound)"

# Inspector: select the ClientHello and walk its fields to the cipher suites.
T send-keys g
sleep 0.2
found=0
i=0
while [ "$i" -lt 10 ]; do
	cap
	grep -E '(▶|>) .*ClientHello' "$tmp/screen" | grep -qv '#' && { found=1; break; }
	grep -q "#[0-9]* ClientHello" "$tmp/screen" && { found=1; break; }
	T send-keys j
	sleep 0.1
	i=$((i + 1))
done
[ "$found" -eq 1 ] || fail "could not select the ClientHello"
T send-keys Enter
wait_for "Fields" 5 || fail "inspector shows no fields"
i=0
while [ "$i" -lt 40 ]; do
	cap
	grep -q "cipher_suites" "$tmp/screen" && grep -q "TLS_RSA_WITH_AES_128_GCM_SHA256" "$tmp/screen" && break
	T send-keys j
	sleep 0.05
	i=$((i + 1))
done
grep -q "cipher_suites" "$tmp/screen" || fail "inspector does not show cipher_suites"
grep -q "TLS_RSA_WITH_AES_128_GCM_SHA256" "$tmp/screen" || fail "inspector does not list the offered suites"
grep -q "#2 ClientHello\|#[0-9]* ClientHello" "$tmp/screen" || fail "inspector is not on the ClientHello"

# ASCII mode: nothing but ASCII on any screen seen.
if [ "$ascii" = 1 ]; then
	cat "$tmp/all" "$tmp/top" "$tmp/bottom" "$tmp/screen" >"$tmp/every"
	[ "$(LC_ALL=C tr -d '\000-\177' <"$tmp/every" | wc -c)" -eq 0 ] ||
		fail "non-ASCII bytes on screen with --ascii: $(LC_ALL=C tr -d '\000-\177' <"$tmp/every" | head -c 30)"
	grep -q -- "-->" "$tmp/all" || fail "no ASCII arrows with --ascii"
fi

# The menu opens on what runs now (the good scenario) and Esc goes back.
T send-keys Escape m
wait_for "Scenarios: what goes wrong" 5 || fail "no menu on m"
grep -Eq '(▶|>) +good ' "$tmp/screen" || fail "the menu does not start on the current scenario"
grep -q "(current)" "$tmp/screen" || fail "the current scenario is not marked"
T send-keys Escape
wait_gone "Scenarios: what goes wrong" 5 || fail "Esc did not close the menu"

# Quit: the program exits 0 and the terminal shows the shell again.
tui_quit
grep -qF "PAUSED" "$tmp/screen" && fail "the TUI is still on screen after quit"
if [ "$ascii" = 1 ]; then echo "ok: tui_basic (ascii)"; else echo "ok: tui_basic"; fi
exit 0

# shellcheck shell=sh disable=SC2154
# Sourced by the TUI e2e scripts, after helpers/common.sh: the program in
# tmux, its screen polled.
#
#   tui_setup NAME          SKIP (exit 0) without tmux; else e2e_setup NAME,
#                           and the tmux server is killed on exit too
#   tui_start [-s WxH] ARGS...
#                           "$bin" ARGS in a fresh tmux server and session,
#                           100x30 unless -s, LANG=C.UTF-8 TERM=xterm-256color;
#                           after it exits the shell prints TUI-EXITED-<status>
#                           (so a restored terminal shows the marker, none of
#                           the TUI) and waits
#   T ARGS...               tmux on this test's own server
#   cap                     the screen into $tmp/screen
#   wait_for TEXT [SECONDS] poll the screen every 0.05 s until TEXT (a fixed
#                           string) shows; 10 s by default; status 1 if not
#   wait_gone TEXT [SECONDS] the same until TEXT is no longer on screen
#   press_until KEY TIMES TEXT
#                           press KEY until TEXT shows, at most TIMES times
#   tui_resize W H          resize the window
#   tui_quit [SECONDS]      q; the exit marker TUI-EXITED-0 within SECONDS (10),
#                           no "legend:" on screen, the alternate screen off
#   fail MESSAGE            "NAME: MESSAGE" and the last screen captured
#                           ($tmp/screen) on stderr, exit 1

tui_setup() {
	if ! command -v tmux > /dev/null 2>&1; then
		echo "$1: SKIP: tmux is not installed"
		exit 0
	fi
	e2e_setup "$1"
	tui_part=0
	tui_sock="$tmp/tmux.$tui_part"
	trap tui_cleanup EXIT
}

tui_cleanup() {
	T kill-server > /dev/null 2>&1
	e2e_cleanup
}

# the server's socket is in $tmp (removed with it); no user or system tmux
# configuration, so the same tmux everywhere
T() { tmux -f /dev/null -S "$tui_sock" "$@"; }

fail() {
	echo "$e2e_name: $*" >&2
	if [ -f "$tmp/screen" ]; then
		echo "--- last screen:" >&2
		cat "$tmp/screen" >&2
	fi
	exit 1
}

# tui_quote WORD: WORD quoted for sh
tui_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

tui_start() {
	tui_w=100
	tui_h=30
	if [ "${1:-}" = -s ]; then
		tui_w=${2%x*}
		tui_h=${2#*x}
		shift 2
	fi
	# each run on its own server, so nothing is left of the one before
	T kill-server > /dev/null 2>&1
	tui_part=$((tui_part + 1))
	tui_sock="$tmp/tmux.$tui_part"
	rm -f "$tmp/screen"
	{
		# Ctrl-C reaches the whole foreground group: the wrapper shell
		# must live on to print the marker (a handler, not SIG_IGN,
		# which the program would inherit)
		echo "trap : INT"
		echo "export LANG=C.UTF-8 TERM=xterm-256color"
		tui_quote "$bin"
		for a in "$@"; do
			printf ' '
			tui_quote "$a"
		done
		echo
		echo 'echo "TUI-EXITED-$?"'
		echo 'sleep 60'
	} > "$tmp/tui.$tui_part.sh"
	T new-session -d -x "$tui_w" -y "$tui_h" "sh '$tmp/tui.$tui_part.sh'" || fail "cannot start tmux"
}

cap() { T capture-pane -p > "$tmp/screen" 2> /dev/null; }

wait_for() {
	tui_n=$((${2:-10} * 20))
	while [ "$tui_n" -gt 0 ]; do
		cap
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.05
		tui_n=$((tui_n - 1))
	done
	return 1
}

wait_gone() {
	tui_n=$((${2:-10} * 20))
	while [ "$tui_n" -gt 0 ]; do
		cap
		grep -qF -- "$1" "$tmp/screen" || return 0
		sleep 0.05
		tui_n=$((tui_n - 1))
	done
	return 1
}

press_until() {
	tui_n=$2
	while [ "$tui_n" -gt 0 ]; do
		cap
		grep -qF -- "$3" "$tmp/screen" && return 0
		T send-keys "$1"
		sleep 0.05
		tui_n=$((tui_n - 1))
	done
	return 1
}

tui_resize() {
	T resize-window -x "$1" -y "$2" 2> /dev/null || T resize-window -t 0 -x "$1" -y "$2"
}

# shellcheck disable=SC2120
tui_quit() {
	T send-keys q
	wait_for "TUI-EXITED-0" "${1:-10}" || fail "the program did not exit with status 0"
	cap
	grep -qF "legend:" "$tmp/screen" && fail "the TUI is still on screen after quit"
	[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "the alternate screen is still on"
}

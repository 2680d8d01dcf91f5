#!/bin/sh
# The live view needs a terminal: with standard input or output redirected
# it says so on stderr, names --trace, and exits 2 at once (it used to wait
# for keys on a blank screen, or write escape codes into the file).
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); the tmux part skips
# without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup tui_notty

# neither a terminal: stdin from /dev/null, stdout into a pipe
timeout 5 "$bin" < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "stdin and stdout not terminals: exit $rc, expected 2"
grep -q "needs a terminal" "$tmp/err" || fail "no 'needs a terminal' on stderr: $(cat "$tmp/err")"
grep -q -- "--trace" "$tmp/err" || fail "stderr does not name --trace: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "something was written to stdout: $(od -c "$tmp/out" | head -3)"

# `httpsviz </dev/null | head` ends at once
start=$(date +%s)
timeout 5 sh -c "'$bin' < /dev/null 2>/dev/null | head -1" > /dev/null
[ $(($(date +%s) - start)) -lt 3 ] || fail "'httpsviz </dev/null | head' did not end at once"

# a lesson and --explore are no exception
for a in --explore "--lesson 1"; do
	# shellcheck disable=SC2086
	timeout 5 "$bin" $a < /dev/null > /dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "'httpsviz $a' without a terminal: exit $rc, expected 2"
done

# stdin a terminal, stdout a file: in tmux
if command -v tmux > /dev/null 2>&1; then
	. "$here/helpers/tmux.sh"
	tui_part=0
	tui_sock="$tmp/tmux.0"
	trap tui_cleanup EXIT
	T new-session -d -x 80 -y 24 "sh -c '\"$bin\" > \"$tmp/file\" 2> \"$tmp/err2\"; echo \$? > \"$tmp/rc2\"; sleep 60'" ||
		fail "cannot start tmux"
	n=0
	while [ ! -s "$tmp/rc2" ] && [ "$n" -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
	[ "$(cat "$tmp/rc2" 2> /dev/null)" = 2 ] || fail "stdout a file: exit '$(cat "$tmp/rc2" 2> /dev/null)', expected 2 at once"
	grep -q "standard output is not one" "$tmp/err2" || fail "stdout a file: stderr says $(cat "$tmp/err2")"
	[ -s "$tmp/file" ] && fail "escape codes were written to the file: $(od -c "$tmp/file" | head -3)"
fi
echo "tui_notty: ok"

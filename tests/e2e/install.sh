#!/bin/sh
# make install / make uninstall as packagers use them: the program under
# test (built with the default PREFIX, /usr/local) is installed with
# DESTDIR into a temporary tree under another PREFIX, and again straight
# into a temporary PREFIX; run from another directory, each finds its own
# lessons (next to the binary, not the compiled-in path); `make uninstall`
# with the same variables leaves no file behind.  Also: with no lessons
# anywhere, `httpsviz lessons` and the picker say where they looked.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); run from the checkout.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup install
top=$(pwd)
[ -f "$top/Makefile" ] || fail "run from the checkout (no Makefile in $top)"

# make -o BIN: the program under test is installed as it is, never rebuilt
mk() { make -s --no-print-directory -C "$top" -o "$bin" BIN="$bin" "$@"; }

check_installed() { # ROOT (where PREFIX ends up) PREFIX-shown
	root=$1
	[ -x "$root/bin/httpsviz" ] || fail "no $root/bin/httpsviz"
	[ -f "$root/share/man/man1/httpsviz.1" ] || fail "no man page under $root"
	n=$(find "$root/share/httpsviz/lessons" -name '*.lesson' | wc -l)
	[ "$n" -ge 8 ] || fail "only $n lessons under $root/share/httpsviz/lessons"
	mkdir -p "$tmp/elsewhere"
	# from a directory with no lessons/, with a home that has none either
	(cd "$tmp/elsewhere" && HOME="$tmp/elsewhere" XDG_DATA_HOME= "$root/bin/httpsviz" lessons) > "$tmp/list" 2> "$tmp/err" ||
		fail "the installed program finds no lessons from another directory: $(cat "$tmp/err")"
	grep -q "^01-https-stack" "$tmp/list" || fail "lessons listed: $(cat "$tmp/list")"
	(cd "$tmp/elsewhere" && HOME="$tmp/elsewhere" "$root/bin/httpsviz" --trace --lesson 2 --no-questions) > "$tmp/trace" 2>&1 ||
		fail "--lesson 2 from another directory failed: $(tail -3 "$tmp/trace")"
	grep -qi "lesson" "$tmp/trace" || fail "no lesson narration in the trace"
}

# 1. a packager: DESTDIR, and a PREFIX the program was not built with
mk install DESTDIR="$tmp/dest" PREFIX=/opt/httpsviz-test > "$tmp/log" 2>&1 || fail "make install DESTDIR: $(cat "$tmp/log")"
check_installed "$tmp/dest/opt/httpsviz-test"
mk uninstall DESTDIR="$tmp/dest" PREFIX=/opt/httpsviz-test > "$tmp/log" 2>&1 || fail "make uninstall DESTDIR: $(cat "$tmp/log")"
left=$(find "$tmp/dest" -type f -o -type l -o -name httpsviz)
[ -z "$left" ] || fail "make uninstall left behind: $left"

# 2. straight into a PREFIX
mk install PREFIX="$tmp/prefix" > "$tmp/log" 2>&1 || fail "make install PREFIX: $(cat "$tmp/log")"
check_installed "$tmp/prefix"
# a file of someone else's in the same tree is kept
echo keep > "$tmp/prefix/bin/other"
mk uninstall PREFIX="$tmp/prefix" > "$tmp/log" 2>&1 || fail "make uninstall PREFIX: $(cat "$tmp/log")"
left=$(find "$tmp/prefix" \( -type f -o -type l -o -name httpsviz \) ! -path "$tmp/prefix/bin/other")
[ -z "$left" ] || fail "make uninstall left behind: $left"
[ -f "$tmp/prefix/bin/other" ] || fail "make uninstall removed a file it did not install"

# 3. CPPFLAGS and LDFLAGS reach the compiler and the linker (a dry run)
make -n -B --no-print-directory -C "$top" BUILD="$tmp/nb" V=1 CPPFLAGS=-DHTTPSVIZ_CPPFLAGS_SEEN \
	LDFLAGS=-Wl,-z,now "$tmp/nb/httpsviz" > "$tmp/dry" 2>&1 || fail "make -n: $(tail -3 "$tmp/dry")"
grep -q -- "-DHTTPSVIZ_CPPFLAGS_SEEN .*-c protocol/event.c" "$tmp/dry" || fail "CPPFLAGS not used when compiling"
grep -E -- "-Wl,-z,now .*-o $tmp/nb/httpsviz" "$tmp/dry" > /dev/null || fail "LDFLAGS not used when linking"

# 4. no lessons anywhere: say where they were looked for
mkdir -p "$tmp/bare/bin" "$tmp/none"
cp "$bin" "$tmp/bare/bin/httpsviz"
(cd "$tmp/none" && HOME="$tmp/none" XDG_DATA_HOME= "$tmp/bare/bin/httpsviz" lessons) > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "'lessons' with none found did not exit 2"
grep -qF "$tmp/bare/share/httpsviz/lessons" "$tmp/err" || fail "'lessons' does not say where it looked: $(cat "$tmp/err")"
grep -qF "$tmp/none/.local/share/httpsviz/lessons" "$tmp/err" || fail "'lessons' does not name the user's directory: $(cat "$tmp/err")"
if command -v tmux > /dev/null 2>&1; then
	. "$here/helpers/tmux.sh"
	tui_part=0
	tui_sock="$tmp/tmux.0"
	trap tui_cleanup EXIT
	bin_saved=$bin
	bin="$tmp/bare/bin/httpsviz"
	cd "$tmp/none" || exit 1
	HOME="$tmp/none"
	export HOME
	unset XDG_DATA_HOME
	tui_start -s 120x36
	wait_for "No lessons found" 10 || fail "the picker does not say no lessons were found"
	wait_for "$tmp/bare/share/httpsviz/lessons" 2 || fail "the picker does not say where it looked"
	T send-keys q
	cd "$top" || exit 1
	bin=$bin_saved
fi
echo "install: ok"

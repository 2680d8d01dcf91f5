#!/bin/sh
# End to end: `httpsviz lesson check` on the built-in and on broken lessons,
# and `httpsviz lessons`.
set -u
bin=${HTTPSVIZ_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lessons_check: $*" >&2; exit 1; }

# every built-in lesson is valid
"$bin" lesson check lessons/*.lesson > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "built-in lessons: exit $rc: $(cat "$tmp/err")"
[ "$(grep -c ': ok (' "$tmp/out")" -eq 8 ] || fail "expected 8 ok lines: $(cat "$tmp/out")"

# broken lessons: each problem as FILE:LINE: message, exit status 2
d=$tmp/broken
mkdir -p "$d"
printf 'title T\ndescription D\nat tls.client_hello\n> x\nfrobnicate\nend\n' > "$d/directive.lesson"
printf 'title T\ndescription D\nat tls.client_helo\n> x\nend\n' > "$d/event.lesson"
printf 'title T\ndescription D\nat tls.finished\nask Q?\nchoice a\nchoice b\nend\n' > "$d/noanswer.lesson"
printf 'title T\ndescription D\nat tls.finished\n> x\n' > "$d/unterminated.lesson"
printf 'title T\ndescription D\nat tls.finished\n> %0250d\nend\n' 0 > "$d/long.lesson"
printf 'title T\ndescription D\nat tls.finished\n> ok\n> bad \303\050\nend\n' > "$d/utf8.lesson"
printf 'title T\ndescription D\nat tls.finished\n> ok\n> \033[2J\nend\n' > "$d/control.lesson"
printf 'description D\nat tls.finished\n> x\nend\n' > "$d/notitle.lesson"
cd "$d" || fail "cd"
"$bin" lesson check directive.lesson event.lesson noanswer.lesson unterminated.lesson \
	long.lesson utf8.lesson control.lesson notitle.lesson > "$tmp/out" 2> "$tmp/err"
rc=$?
cd - > /dev/null || fail "cd back"
[ "$rc" -eq 2 ] || fail "broken lessons: exit $rc, want 2"
for want in \
	"directive.lesson:5: unknown directive 'frobnicate'" \
	"event.lesson:3: unknown event name 'tls.client_helo'" \
	"noanswer.lesson:4: question without a right answer" \
	"unterminated.lesson:3: unterminated step" \
	"long.lesson:4: line too long (252 bytes, at most 200)" \
	"utf8.lesson:5: bad encoding: invalid or unsafe UTF-8" \
	"control.lesson:5: bad encoding: control character 0x1b" \
	"notitle.lesson:1: missing 'title'"; do
	grep -qF "$want" "$tmp/err" || fail "missing: $want; got: $(cat "$tmp/err")"
done
# the escape character itself never reaches the terminal
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/err"; then fail "escape byte in output"; fi
# one good file among bad ones still gives 2; a good one alone gives 0
"$bin" lesson check lessons/01-https-stack.lesson "$d/event.lesson" > /dev/null 2>&1
[ $? -eq 2 ] || fail "mixed files: want exit 2"
"$bin" lesson check 3 > /dev/null 2>&1 || fail "lesson check by name failed"
"$bin" lesson check > /dev/null 2>&1
[ $? -eq 2 ] || fail "no file: want exit 2"
# a FIFO or a directory is not a lesson: a clear error, never a hang in open
mkfifo "$tmp/fifo.lesson"
timeout 5 "$bin" lesson check "$tmp/fifo.lesson" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "FIFO: exit $rc, not 2"
grep -q "fifo.lesson:0: not a regular file" "$tmp/err" || fail "FIFO: $(cat "$tmp/err")"
timeout 5 "$bin" lesson check "$tmp" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "directory: want exit 2"
grep -q "not a regular file" "$tmp/err" || fail "directory: $(cat "$tmp/err")"
timeout 5 "$bin" --trace --lesson "$tmp/fifo.lesson" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--lesson FIFO: exit $rc, not 2"

# httpsviz lessons: the eight built-in lessons with their descriptions
XDG_DATA_HOME=$tmp/xdg "$bin" lessons > "$tmp/list" 2> "$tmp/err" || fail "lessons: exit $?: $(cat "$tmp/err")"
n=$(grep -c '^[0-9][0-9]-' "$tmp/list")
[ "$n" -eq 8 ] || fail "lessons lists $n, want 8: $(cat "$tmp/list")"
grep -q '^01-https-stack  *The HTTPS stack' "$tmp/list" || fail "no lesson 1 title"
grep -q '^    .*forward\|^    .*ephemeral\|^    The same exchange with ECDHE' "$tmp/list" || fail "no descriptions"
exit 0

#!/bin/sh
# End to end: every built-in lesson runs in trace mode, every step that is
# not marked optional fires at its event, predictions match the live run,
# and questions can be answered on standard input.
set -u
bin=${HTTPSVIZ_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lessons_trace: $*" >&2; exit 1; }

for f in lessons/*.lesson; do
	name=$(basename "$f" .lesson)
	out=$tmp/$name.out
	"$bin" --lesson "$name" --trace --no-questions < /dev/null > "$out" 2> "$tmp/err" ||
		fail "$name: exit $?: $(cat "$tmp/err")"
	n=$(grep -c '^ *at ' "$f")
	grep -q "== end of lesson: reached step $n of $n" "$out" || fail "$name: did not reach its last step"
	# every event a lesson refers to occurs in the run: each non-optional
	# step fired, by its own number (two steps may share an event name),
	# at its event (or its alternative)
	grep '^ *at ' "$f" | awk '{ k++ } !/ optional/ { alt = ($3 == "or") ? $4 : $2; print k, $2, alt }' |
		while read -r k ev alt; do
			grep -q -- "--- lesson step $k of $n: \($ev\|$alt\) ---" "$out" ||
				{ echo "$name: step $k did not fire at $ev" > "$tmp/missing"; break; }
		done
	[ -f "$tmp/missing" ] && fail "$(cat "$tmp/missing")"
	# a prediction the live run contradicts is a bug in the lesson
	if grep -q 'lesson note:' "$out"; then fail "$name: $(grep 'lesson note:' "$out")"; fi
	grep -q '{?}' "$out" && fail "$name: a placeholder had no value"
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$out"; then fail "$name: control bytes"; fi
done

# answering on stdin: lesson 3 asks a prediction (1 = ServerHello, right),
# then a question answered wrongly (1) and then rightly (2)
printf '1\n1\n2\n' | "$bin" --lesson 03-hello --trace > "$tmp/q.out" 2> "$tmp/err" ||
	fail "questions: exit $?: $(cat "$tmp/err")"
grep -q 'Your prediction was right!' "$tmp/q.out" || fail "prediction not judged right"
grep -q 'Not quite\. The client only offers' "$tmp/q.out" || fail "no wrong feedback"
grep -q 'Try again\.' "$tmp/q.out" || fail "no second try"
grep -q 'Yes: the client offers' "$tmp/q.out" || fail "no right feedback"
grep -q 'Right! Yes' "$tmp/q.out" && fail "the right feedback is praised twice"
grep -q '1 of 2 questions right at the first try' "$tmp/q.out" || fail "bad score: $(tail -1 "$tmp/q.out")"
# EOF on standard input skips the questions and the lesson still ends
"$bin" --lesson 05-rsa-key-exchange --trace < /dev/null > "$tmp/eof.out" 2>&1 || fail "EOF run failed"
grep -q '== end of lesson: reached step 9 of 9' "$tmp/eof.out" || fail "EOF run did not finish"
exit 0

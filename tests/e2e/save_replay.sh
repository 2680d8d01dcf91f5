#!/bin/sh
# Keep what you saw: --save on every kind of run, replay --json / --trace
# printing exactly what the original printed, the secrets left out unless
# asked, a lesson replayed, connect saved, and damaged files refused with
# FILE:LINE and exit 2.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup save_replay

# same_output NAME ARGS...: run with --save-secrets, replay, compare stdout
# and stderr byte for byte
for args in "--json" "--json --kex ecdhe" "--json --tls 1.3" "--json --scenario mitm" \
	"--json --scenario expired" "--json --openssl-states --kex ecdhe" "--trace -v" "--trace --tls 1.3 -v" "--trace --scenario wrong-host"; do
	f="$tmp/run.jsonl"
	# shellcheck disable=SC2086
	timeout 30 "$bin" $args --no-pcap --save "$f" --save-secrets > "$tmp/orig" 2> "$tmp/orig.err"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 6 ] || fail "$args: exit $rc: $(cat "$tmp/orig.err")"
	[ "$(stat -c %a "$f")" = 600 ] || fail "$args: the saved run is mode $(stat -c %a "$f"), not 600"
	head -1 "$f" | grep -q '^{"httpsviz":"saved-run","format":1,"version":"[0-9.]*","date":"20[0-9-]*T[0-9:]*Z"' ||
		fail "$args: no header line: $(head -c 200 "$f")"
	tail -1 "$f" | grep -q '^{"httpsviz":"end","events":[0-9]*' || fail "$args: no end line"
	case "$args" in --json*) mode="--json" ;; *-v) mode="--trace -v" ;; *) mode="--trace" ;; esac
	# shellcheck disable=SC2086
	timeout 30 "$bin" replay "$f" $mode > "$tmp/again" 2> "$tmp/again.err" || fail "$args: replay failed: $(cat "$tmp/again.err")"
	cmp -s "$tmp/orig" "$tmp/again" || fail "$args: the replay printed something else: $(diff "$tmp/orig" "$tmp/again" | head -5)"
	cmp -s "$tmp/orig.err" "$tmp/again.err" || fail "$args: the replay's stderr differs: $(cat "$tmp/again.err")"
	# the saved event lines are the --json lines (a superset: + header, end)
	if [ "$mode" = "--json" ]; then
		sed '1d;$d' "$f" | cmp -s - "$tmp/orig" || fail "$args: the event lines are not the --json lines"
	fi
done

# With packet capture (root or CAP_NET_RAW): the segments' typed facts too.
timeout 30 "$bin" --json --save "$tmp/pcap.jsonl" --save-secrets > "$tmp/orig" 2> /dev/null || fail "a captured run failed"
"$bin" replay "$tmp/pcap.jsonl" --json | cmp -s - "$tmp/orig" || fail "a captured run replays differently"
grep -q '"tcp":{' "$tmp/orig" || echo "save_replay: note: no packet capture here; the TCP facts were not exercised"

# Without --save-secrets: on every kind of run the keylog's secrets are
# nowhere in the file (not even 12 bytes of one), what is not a secret is
# kept (extended_master_secret's decoded value, in the Hellos and in the
# master secret's formula), and only the lines that say "redacted":true
# differ from the original.
for args in "--kex rsa" "--kex ecdhe" "--classic" "--tls 1.3" "--scenario mitm --trust-attacker" \
	"--tls 1.3 --scenario mitm --trust-attacker"; do
	rm -f "$tmp/keys"
	# shellcheck disable=SC2086
	timeout 30 "$bin" --json $args --no-pcap --save "$tmp/ns.jsonl" --keylog "$tmp/keys" > "$tmp/orig" ||
		fail "$args: run without secrets failed"
	n=0
	while read -r _label _random secret; do
		n=$((n + 1))
		grep -qi "$secret" "$tmp/ns.jsonl" && fail "$args: a keylog secret is in the saved run: $secret"
		i=1
		while [ "$i" -le $((${#secret} - 23)) ]; do
			part=$(printf %s "$secret" | cut -c"$i-$((i + 23))")
			grep -qi "$part" "$tmp/ns.jsonl" && fail "$args: part of a keylog secret is in the saved run: $part"
			i=$((i + 8))
		done
	done < "$tmp/keys"
	case "$args" in
	*1.3*) [ "$n" -ge 5 ] || fail "$args: the keylog has $n secrets" ;;
	*) [ "$n" -ge 1 ] || fail "$args: the keylog has no secret" ;;
	esac
	head -1 "$tmp/ns.jsonl" | grep -q '"secrets":false' || fail "$args: the header does not say the secrets are out"
	case "$args" in
	*1.3*) ;;
	--classic)
		grep -q '"name":"kex.master_secret".*"name":"extended_master_secret","value":"no (--classic)' "$tmp/ns.jsonl" ||
			fail "$args: the master secret's extended_master_secret was left out" ;;
	*)
		grep -q '"name":"kex.master_secret".*"name":"extended_master_secret","value":"yes (RFC 7627' "$tmp/ns.jsonl" ||
			fail "$args: the master secret's extended_master_secret was left out"
		grep -q '"name":"tls.server_hello".*"name":"extended_master_secret","value":"empty' "$tmp/ns.jsonl" ||
			fail "$args: the ServerHello's extended_master_secret was left out" ;;
	esac
	grep -q '"value":"(a session secret: not saved' "$tmp/ns.jsonl" || fail "$args: nothing was left out"
done
timeout 30 "$bin" --json --tls 1.3 --no-pcap --save "$tmp/ns.jsonl" > "$tmp/orig" || fail "run without secrets failed"
"$bin" replay "$tmp/ns.jsonl" --json > "$tmp/again" || fail "replay of a run without secrets failed"
# the events that differ are exactly those the file marks "redacted":true
diff "$tmp/orig" "$tmp/again" | sed -n 's/^> {"seq":\([0-9]*\),.*/\1/p' > "$tmp/differ"
grep '"redacted":true' "$tmp/ns.jsonl" | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p' > "$tmp/redacted"
cmp -s "$tmp/differ" "$tmp/redacted" || fail "events $(tr '\n' ' ' < "$tmp/differ") differ, $(tr '\n' ' ' < "$tmp/redacted") are redacted"
[ "$(wc -l < "$tmp/redacted")" -ge 3 ] || fail "nothing was redacted"

# A bare --json capture is a saved run too.
"$bin" replay "$tmp/orig" --json > "$tmp/again" 2> "$tmp/err" || fail "a --json capture does not replay: $(cat "$tmp/err")"
cmp -s "$tmp/orig" "$tmp/again" || fail "the --json capture replays differently"

# A lesson: the replay follows the recorded lesson and prints the same,
# standard error included; the questions the run skipped (--no-questions)
# stay skipped without saying so again.
timeout 30 "$bin" --trace --lesson 05-rsa-key-exchange --no-questions --no-pcap --save "$tmp/l.jsonl" --save-secrets \
	> "$tmp/orig" 2> "$tmp/orig.err" < /dev/null || fail "lesson run failed"
grep -q '"lesson":"05-rsa-key-exchange"' "$tmp/l.jsonl" || fail "the header does not name the lesson"
head -1 "$tmp/l.jsonl" | grep -q '"no_questions":true' || fail "the header does not record --no-questions"
grep -q "(questions skipped)" "$tmp/orig" || fail "the lesson run asked no question to skip"
"$bin" replay "$tmp/l.jsonl" --trace > "$tmp/again" 2> "$tmp/again.err" < /dev/null || fail "lesson replay failed"
cmp -s "$tmp/orig" "$tmp/again" || fail "the lesson replay differs: $(diff "$tmp/orig" "$tmp/again" | head -5)"
cmp -s "$tmp/orig.err" "$tmp/again.err" || fail "the lesson replay's stderr differs: $(cat "$tmp/again.err")"
grep -q "lesson note:" "$tmp/again" && fail "a prediction disagrees with the recorded run"
"$bin" replay "$tmp/l.jsonl" --trace --no-questions < /dev/null | cmp -s - "$tmp/orig" ||
	fail "replay --no-questions of a run without questions differs"
# without the secrets the narration shows the redaction note, but no prompt
timeout 30 "$bin" --trace --lesson 05-rsa-key-exchange --no-questions --no-pcap --save "$tmp/lns.jsonl" \
	> /dev/null 2>&1 < /dev/null || fail "lesson run without secrets failed"
"$bin" replay "$tmp/lns.jsonl" --trace > "$tmp/again" 2>&1 < /dev/null || fail "lesson replay without secrets failed"
grep -q "Enter to skip" "$tmp/again" && fail "the replay asks the questions the run skipped"
# a run that asked its questions replays asking them (the same prompts)
timeout 30 "$bin" --trace --lesson 05-rsa-key-exchange --no-pcap --save "$tmp/lq.jsonl" --save-secrets \
	> "$tmp/orig" 2>&1 < /dev/null || fail "lesson run with questions failed"
head -1 "$tmp/lq.jsonl" | grep -q '"no_questions":false' || fail "the header records no_questions wrongly"
grep -q "Enter to skip" "$tmp/orig" || fail "the lesson run asked nothing"
"$bin" replay "$tmp/lq.jsonl" --trace > "$tmp/again" 2>&1 < /dev/null || fail "lesson replay with questions failed"
cmp -s "$tmp/orig" "$tmp/again" || fail "the replay of a run with questions differs: $(diff "$tmp/orig" "$tmp/again" | head -5)"

# a recorded lesson that is not on this machine: the run replays without it
sed '1s/"lesson":"05-rsa-key-exchange"/"lesson":"\/elsewhere\/class.lesson"/' "$tmp/l.jsonl" > "$tmp/l2.jsonl"
"$bin" replay "$tmp/l2.jsonl" --trace > "$tmp/again" 2> "$tmp/err" || fail "a run whose lesson is missing does not replay"
grep -q "not here; replaying without it" "$tmp/err" || fail "no word about the missing lesson: $(cat "$tmp/err")"
grep -q "^done: " "$tmp/again" || fail "the run without its lesson was not printed"

# connect: saved against a peer no one here wrote (openssl s_server).
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"
port=$(free_port)
timeout 60 openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/srv.pem" -key "$tmp/srv.key" -www -quiet \
	> "$tmp/s_server.log" 2>&1 &
pids="$pids $!"
wait_port "$port" || fail "s_server did not start"
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --kex ecdhe --trace --save "$tmp/c.jsonl" \
	--save-secrets > "$tmp/orig" 2>&1 || fail "connect --save failed: $(cat "$tmp/orig")"
grep -q '"host":"localhost","port":"'"$port"'"' "$tmp/c.jsonl" || fail "the header does not name the server"
"$bin" replay "$tmp/c.jsonl" --trace > "$tmp/again" || fail "connect replay failed"
cmp -s "$tmp/orig" "$tmp/again" || fail "the connect replay differs"
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --tls 1.3 --export markdown > "$tmp/c.md" 2> "$tmp/err" ||
	fail "connect --export failed: $(cat "$tmp/err")"
grep -qF '| Server | Client | **\[encrypted\] Certificate** | tls |' "$tmp/c.md" ||
	fail "the connect handout lacks the server's encrypted Certificate: $(grep Certificate "$tmp/c.md" | head -3)"

# --save never writes through a planted symbolic link.
ln -s "$tmp/victim" "$tmp/planted"
"$bin" --json --no-pcap --save "$tmp/planted" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--save through a symlink did not exit 2"
grep -q "symbolic link" "$tmp/err" || fail "no reason for refusing the symlink: $(cat "$tmp/err")"
[ -e "$tmp/victim" ] && fail "the symlink's target was created"

# a replay cannot change the recorded run
"$bin" replay "$tmp/run.jsonl" --tls 1.3 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "replay --tls 1.3 was accepted"
grep -q "shows the recorded run" "$tmp/err" || fail "no reason for refusing replay --tls: $(cat "$tmp/err")"

# Damaged files: FILE:LINE: reason, exit 2, never a crash.
good="$tmp/run.jsonl"
lines=$(wc -l < "$good")
check_bad() { # FILE LINE-PATTERN WHY
	"$bin" replay "$1" --json > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$3: replay exited $rc, not 2"
	grep -q "^httpsviz: $1:$2: " "$tmp/err" || fail "$3: no FILE:LINE message: $(cat "$tmp/err")"
	"$bin" replay "$1" > /dev/null 2>&1 < /dev/null
	[ $? -eq 2 ] || fail "$3: the TUI replay did not refuse it"
	"$bin" export "$1" --format html > /dev/null 2>&1
	[ $? -eq 2 ] || fail "$3: export did not refuse it"
}
head -c $(($(wc -c < "$good") / 2)) "$good" > "$tmp/cut.jsonl"
check_bad "$tmp/cut.jsonl" "[0-9]*" "cut in the middle"
grep -q "truncated" "$tmp/err" || fail "a cut file does not say truncated"
sed '$d' "$good" > "$tmp/noend.jsonl"
check_bad "$tmp/noend.jsonl" "$lines" "the end line missing"
sed '5d' "$good" > "$tmp/gap.jsonl"
check_bad "$tmp/gap.jsonl" 5 "a line missing"
sed '7s/"hex":"\(..\)/"hex":"\1zz/' "$good" > "$tmp/hex.jsonl"
check_bad "$tmp/hex.jsonl" 7 "a corrupted hex string"
sed '1s/"format":1/"format":9/' "$good" > "$tmp/newer.jsonl"
check_bad "$tmp/newer.jsonl" 1 "a newer format"
grep -q "newer httpsviz" "$tmp/err" || fail "a newer file does not say so: $(cat "$tmp/err")"
head -c 4000 /dev/urandom > "$tmp/noise.jsonl"
printf '\n' >> "$tmp/noise.jsonl"
check_bad "$tmp/noise.jsonl" "[0-9]*" "random bytes"
"$bin" replay "$tmp/does-not-exist" --json 2> "$tmp/err"
[ $? -eq 2 ] || fail "a missing file did not exit 2"
grep -q "does-not-exist:0: No such file" "$tmp/err" || fail "a missing file: $(cat "$tmp/err")"
exit 0

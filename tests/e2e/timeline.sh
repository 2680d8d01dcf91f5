#!/bin/sh
# The event log is the causal timeline of both sides, in every mode: each run
# is made with --openssl-states, so OpenSSL's own handshake states (its info
# callback) are recorded in the same log, and helpers/timeline.py checks that
# every derivation and check stands on the lifeline of the side that does it,
# between the OpenSSL states that bracket the work, and each side's
# handshake ends after its Finished check.  Modes: embedded TLS 1.2 RSA,
# --classic, ECDHE, TLS 1.3, every scenario, mitm (both versions), connect to
# openssl s_server (RSA, ECDHE, TLS 1.3) and serve with httpsviz connect as
# its client.  The checker is itself checked on a doctored log.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup timeline

ssl_h=$(printf '#include <openssl/ssl.h>\n' | cpp -H -o /dev/null 2>&1 | sed -n 's/^\. *\(.*openssl\/ssl\.h\)$/\1/p' | head -1)
[ -f "$ssl_h" ] || fail "cannot find OpenSSL's ssl.h (libssl-dev)"
check() {
	python3 "$here/helpers/timeline.py" "$ssl_h" "$@" || fail "timeline broken: $2"
}

# embedded: both sides are ours
for args in "" "--classic" "--kex ecdhe" "--tls 1.3" "--kex ecdhe --classic" \
	"--scenario mitm --trust-attacker" "--scenario mitm --trust-attacker --tls 1.3"; do
	# shellcheck disable=SC2086
	timeout 30 "$bin" --json --no-pcap --openssl-states $args > "$tmp/run.json" 2> "$tmp/err" ||
		fail "embedded $args: exit $?: $(cat "$tmp/err")"
	check "$tmp/run.json" "embedded $args" --need client --need server
done
# failing scenarios: what happened before the failure is still in order
for scen in expired not-yet-valid wrong-host untrusted-ca mitm; do
	for v in 1.2 1.3; do
		timeout 30 "$bin" --json --no-pcap --openssl-states --scenario $scen --tls $v > "$tmp/run.json" 2> "$tmp/err"
		[ $? -eq 6 ] || fail "scenario $scen TLS $v: expected exit 6"
		check "$tmp/run.json" "scenario $scen TLS $v"
	done
done

# the checker can fail: the client's master secret moved after its
# ChangeCipherSpec state is caught
timeout 30 "$bin" --json --no-pcap --openssl-states > "$tmp/run.json" 2> /dev/null
python3 - "$tmp/run.json" "$tmp/bad.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
evs = [json.loads(l) for l in lines]
ms = next(i for i, e in enumerate(evs) if e["name"] == "kex.master_secret")
kb = next(i for i, e in enumerate(evs) if e["name"] == "kex.key_block")
moved = lines[:ms] + lines[ms + 1:kb] + [lines[ms]] + lines[kb:]
open(sys.argv[2], "w").write("\n".join(moved) + "\n")
PY
if python3 "$here/helpers/timeline.py" "$ssl_h" "$tmp/bad.json" doctored 2> "$tmp/bad.err"; then
	fail "the checker accepted a master secret after ChangeCipherSpec"
fi
grep -q "kex.master_secret" "$tmp/bad.err" || fail "the checker's complaint does not name the event: $(cat "$tmp/bad.err")"

# connect: openssl s_server, the client side is ours
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"
for suite in "-cipher AES128-GCM-SHA256 -tls1_2" "-cipher ECDHE-RSA-AES128-GCM-SHA256 -tls1_2" "-tls1_3"; do
	tls=1.2
	[ "$suite" = "-tls1_3" ] && tls=1.3
	port=$(free_port)
	# shellcheck disable=SC2086
	timeout 60 openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/srv.pem" -key "$tmp/srv.key" -www $suite \
		-quiet > "$tmp/s_server.log" 2>&1 &
	spid=$!
	pids="$pids $spid"
	wait_port "$port" || fail "s_server $suite did not start"
	timeout 30 "$bin" connect "localhost:$port" --tls $tls --cafile "$tmp/ca.pem" --json --openssl-states \
		> "$tmp/connect.json" 2> "$tmp/err" || fail "connect ($suite): exit $?: $(cat "$tmp/err")"
	check "$tmp/connect.json" "connect s_server $suite" --need client
	kill "$spid" 2> /dev/null
done

# serve: the server side is ours; httpsviz connect is its client
for v in 1.2 1.3; do
	# emptied here, not by the background start: the loop below must not
	# read the previous round's port
	: > "$tmp/serve.json"
	timeout 60 "$bin" serve --listen 127.0.0.1:0 --tls $v --json --openssl-states \
		--ca-out "$tmp/serve-ca.pem" > "$tmp/serve.json" 2> "$tmp/serve.err" &
	spid=$!
	pids="$pids $spid"
	for _ in $(seq 50); do
		port=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve.json")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || fail "serve --tls $v did not start: $(cat "$tmp/serve.err")"
	timeout 30 "$bin" connect "localhost:$port" --tls $v --cafile "$tmp/serve-ca.pem" --json --openssl-states \
		> "$tmp/client.json" 2> "$tmp/err" || fail "connect to serve TLS $v: exit $?: $(cat "$tmp/err")"
	# the exchange ends, then SIGTERM ends serve (status 0)
	for _ in $(seq 100); do
		grep -q "^httpsviz serve: exchange 1 \(complete\|failed\)" "$tmp/serve.json" && break
		sleep 0.05
	done
	kill -TERM "$spid"
	wait "$spid" || fail "serve TLS $v exited $?"
	check "$tmp/serve.json" "serve TLS $v" --need server
	check "$tmp/client.json" "connect to serve TLS $v" --need client
	# serve tells its own side in wire order: the response record, then
	# its close_notify
	python3 - "$tmp/serve.json" <<'PY' || fail "serve TLS $v: close_notify before the response"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
resp = [i for i, e in enumerate(evs) if e["name"] == "tls.application_data" and e["actor"] == "server"]
alert = [i for i, e in enumerate(evs) if e["name"] == "tls.alert" and e["actor"] == "server"]
sys.exit(0 if resp and alert and resp[0] < alert[0] else 1)
PY
done
echo "timeline: every mode in OpenSSL's order"

#!/bin/sh
# Servers that ask for more than httpsviz gives, told apart clearly:
#  - a TLS 1.2 server that sends HelloRequest after the request (openssl
#    s_server's "r" command): the HelloRequest and httpsviz's
#    no_renegotiation alert are shown as steps, and the run ends with exit 5
#    saying the server wanted to renegotiate, never with a timeout;
#  - a TLS 1.2 server that requires a client certificate: exit 5 saying so,
#    not "no cipher suite in common".
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup renegotiation
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"

port=$(free_port)
mkfifo "$tmp/in"
timeout 30 openssl s_server -tls1_2 -accept "127.0.0.1:$port" -cert "$tmp/srv.pem" -key "$tmp/srv.key" \
	-naccept 1 < "$tmp/in" > "$tmp/server.out" 2>&1 &
pids="$pids $!"
exec 3> "$tmp/in"
# (not wait_port: its probe would be s_server's one connection)
for _ in $(seq 100); do
	grep -q "^ACCEPT" "$tmp/server.out" && break
	sleep 0.05
done
grep -q "^ACCEPT" "$tmp/server.out" || fail "s_server did not start: $(cat "$tmp/server.out")"
t0=$(date +%s)
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --json --timeout 4000 \
	> "$tmp/reneg.json" 2> "$tmp/reneg.err" &
client=$!
# once the request is in, the server asks to renegotiate
for _ in $(seq 100); do
	grep -q "GET / HTTP/1.1" "$tmp/server.out" && break
	sleep 0.05
done
grep -q "GET / HTTP/1.1" "$tmp/server.out" || fail "the request never reached s_server"
echo r >&3
wait $client
rc=$?
exec 3>&-
t=$(($(date +%s) - t0))
[ $rc -eq 5 ] || fail "renegotiation: exit $rc, not 5: $(cat "$tmp/reneg.err")"
grep -q "the server asked to renegotiate (HelloRequest); httpsviz declined (no_renegotiation alert)" \
	"$tmp/reneg.err" || fail "renegotiation: $(cat "$tmp/reneg.err")"
[ $t -lt 4 ] || fail "renegotiation: took $t s (the 4 s timeout?)"
python3 - "$tmp/reneg.json" <<'PY' || fail "renegotiation: events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
hr = [e for e in ev if e["summary"].startswith("HelloRequest")]
assert len(hr) == 1 and hr[0]["actor"] == "server", [e["summary"] for e in ev]
assert any(f["name"] == "renegotiation" for f in hr[0]["fields"])
alerts = [e for e in ev if e["name"] == "tls.alert" and e["actor"] == "client"]
assert alerts and "no renegotiation" in alerts[0]["summary"], [a["summary"] for a in alerts]
assert alerts[0]["seq"] > hr[0]["seq"]
# the refusal left in a step after the one that read the HelloRequest
assert alerts[0]["step"] > hr[0]["step"], (hr[0]["step"], alerts[0]["step"])
assert ev[-1]["name"].startswith("error.") or ev[-2]["name"].startswith("error."), ev[-1]["name"]
PY

hostile_peer client_cert 10 "$tmp/srv.pem" "$tmp/srv.key"
timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --trace > "$tmp/cc.out" 2> "$tmp/cc.err"
rc=$?
[ $rc -eq 5 ] || fail "client certificate: exit $rc, not 5: $(cat "$tmp/cc.err")"
grep -q "the server requires a client certificate (it sent CertificateRequest)" "$tmp/cc.err" ||
	fail "client certificate: $(cat "$tmp/cc.err")"
grep -q "no cipher suite" "$tmp/cc.err" && fail "client certificate: still 'no cipher suite'"
exit 0

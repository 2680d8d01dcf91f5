#!/bin/sh
# What a learner reads must be what happened (issue 12): each check here
# would fail on the old text.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup accuracy

# mitm with the attacker's CA trusted: the client's half of the run is its
# session with the interceptor, and says so; the interceptor's segments are
# drawn from its own lifeline.
"$bin" --trace --scenario mitm --trust-attacker > "$tmp/mitm" 2> "$tmp/err" || fail "mitm: exit $?: $(cat "$tmp/err")"
grep -q "interceptor's Finished: verify_data" "$tmp/mitm" ||
	fail "the interceptor's Finished is called the server's"
grep -q "\[record decrypt\] .* the interceptor's first record decrypted" "$tmp/mitm" ||
	fail "the interceptor's record is called the server's"
grep -q "server's Finished\|the server's first record" "$tmp/mitm" && fail "the client half still names the server"
if grep -q "SYN-ACK.*(captured)" "$tmp/mitm"; then
	# captured packets: the SYN-ACK arrow stops at the middle column
	grep -q "C <--- SYN-ACK -----                 S" "$tmp/mitm" || fail "the SYN-ACK is drawn from the server"
fi
"$bin" --json --scenario mitm --trust-attacker > "$tmp/mitm.json" 2> /dev/null || fail "mitm --json failed"
python3 - "$tmp/mitm.json" <<'PY' || fail "mitm --json: wrong senders or sessions"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def field(e, n):
    return next((f["value"] for f in e["fields"] if f["name"] == n), None)
seg = [e for e in ev if e["layer"] == "tcp" and "captured" in e["summary"] and "not captured" not in e["summary"]]
for e in seg:
    if e["direction"] == "s2c":
        assert e["actor"] == "mitm" and e["peer"] == "client", e
        assert "interceptor's kernel" in field(e, "sent_by"), e
    else:
        assert e["peer"] == "mitm" and "client's kernel" in field(e, "sent_by"), e
assert not seg or any(e["name"] == "tcp.syn_ack" for e in seg)
kex = [e for e in ev if e["name"].startswith("kex.") and e["name"] != "kex.secret"]
assert kex
for e in kex:
    assert "session with the interceptor" in (field(e, "session") or ""), e["name"]
PY
# the ClientHello counts suites apart from the renegotiation signal (SCSV)
"$bin" --json > "$tmp/good.json" 2> /dev/null || fail "--json failed"
python3 - "$tmp/good.json" <<'PY' || fail "the SCSV is counted as a suite"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ch = next(e for e in ev if e["name"] == "tls.client_hello")
cs = next(f for f in ch["fields"] if f["name"] == "cipher_suites")
suites = [c for c in cs["children"] if c["name"] == "cipher_suite"]
signals = [c for c in cs["children"] if c["name"] == "signal"]
assert len(signals) == 1 and signals[0]["value"].startswith("TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff): not a suite")
assert not [c for c in suites if "SCSV" in c["value"]]
assert cs["value"].startswith("%d suites + 1 signalling value" % len(suites)), cs["value"]
assert ("%d suites + SCSV" % len(suites)) in ch["summary"], ch["summary"]
PY
# serve against a scanner-like client: a valid ClientHello in a 16 03 01
# record (TLS 1.2 agreed), then an alert in a record marked 0x0301.  OpenSSL
# says "wrong version number"; that is not "the peer does not speak TLS".
timeout 30 "$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/serve-ca.pem" --max-clients 1 > "$tmp/serve" 2> "$tmp/serve.err" &
spid=$!
pids="$pids $spid"
for _ in $(seq 100); do
	grep -q "HTTPS on" "$tmp/serve" && break
	sleep 0.05
done
sport=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve")
[ -n "$sport" ] || fail "serve did not start: $(cat "$tmp/serve.err")"
python3 - "$sport" <<'PY' || fail "the scanner probe failed"
import os, socket, struct, sys
sa = struct.pack(">HHH", 13, 6, 4) + struct.pack(">HH", 0x0401, 0x0804)
grp = struct.pack(">HHH", 10, 4, 2) + struct.pack(">H", 0x0017)
exts = sa + grp
body = (b"\x03\x03" + os.urandom(32) + b"\x00" + struct.pack(">HHH", 4, 0x009c, 0xc02f) + b"\x01\x00"
        + struct.pack(">H", len(exts)) + exts)
hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs)
s.settimeout(5)
assert s.recv(5)[:3] == b"\x16\x03\x03", "no ServerHello"
s.sendall(bytes.fromhex("15030100020228"))
try:
    while s.recv(4096):
        pass
except OSError:
    pass
PY
for _ in $(seq 100); do
	kill -0 "$spid" 2> /dev/null || break
	sleep 0.05
done
grep -q "exchange 1: failed: server: a record after the peer's first said version 0x0301 (TLS 1.0) although TLS 1.2 (0x0303) had been agreed" \
	"$tmp/serve" || fail "wrong version number misexplained: $(grep 'exchange 1:' "$tmp/serve")"
grep -q "does not speak TLS" "$tmp/serve" && fail "a TLS client is said not to speak TLS"
exit 0

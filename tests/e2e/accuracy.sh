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
grep -q "\[Finished check\] .* interceptor's Finished: verify_data" "$tmp/mitm" ||
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
exit 0

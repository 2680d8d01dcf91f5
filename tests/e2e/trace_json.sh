#!/bin/sh
# End to end: the real binary's --trace and --json output, and bad usage.
set -u
bin=${HTTPSVIZ_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "trace_json: $*" >&2; exit 1; }

# --trace: a text sequence diagram with arrows in the right directions
"$bin" --trace > "$tmp/trace" 2> "$tmp/err" || fail "--trace exited $?: $(cat "$tmp/err")"
grep -q "C ---------- ClientHello ----------> S" "$tmp/trace" || fail "no ClientHello arrow"
grep -q "C <--------- ServerHello ----------- S" "$tmp/trace" || fail "no ServerHello arrow"
grep -q "ServerHello TLS_RSA_WITH_AES_128_GCM_SHA256" "$tmp/trace" || fail "wrong cipher suite"
grep -q "ClientKeyExchange: RSA-encrypted pre-master secret (256 bytes)" "$tmp/trace" || fail "no CKE"
grep -q "\[encrypted\] GET / HTTP/1.1" "$tmp/trace" || fail "no encrypted request"
grep -q "^done: 12 steps, .* TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256, HTTP 200$" "$tmp/trace" ||
	fail "bad summary: $(tail -1 "$tmp/trace")"
# no control character other than newline ever reaches the output
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/trace"; then fail "control bytes in trace"; fi

# --trace -v: fields with byte ranges and the explanation
"$bin" --trace -v --no-pcap > "$tmp/v" || fail "--trace -v failed"
grep -q "cipher_suite: TLS_RSA_WITH_AES_128_GCM_SHA256" "$tmp/v" || fail "-v shows no fields"
grep -q "source_of_numbers: the socket's TCP_INFO" "$tmp/v" || fail "--no-pcap does not say where TCP facts come from"

# --json: one object per line, the contract keys, parsable, in order
for v in "--tls 1.2" "--kex ecdhe" "--tls 1.3"; do
	# shellcheck disable=SC2086
	"$bin" --json $v > "$tmp/json" || fail "--json $v exited $?"
	python3 - "$tmp/json" "$v" <<'PY' || fail "--json $v output is wrong"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
keys = {"seq", "t_us", "actor", "direction", "layer", "name", "summary", "hex", "fields"}
for i, e in enumerate(events):
    assert keys <= e.keys(), e.keys()
    assert e["seq"] == i + 1
    for f in e["fields"]:
        assert {"name", "value", "offset", "length", "children"} <= f.keys()
        assert f["offset"] + f["length"] <= len(e["hex"]) // 2
names = [e["name"] for e in events]
order = ["tls.client_hello", "tls.server_hello", "tls.certificate", "cert.verdict", "tls.finished",
         "http.request", "tls.application_data", "http.response"]
pos = [names.index(n) for n in order]
pos[4] = len(names) - 1 - names[::-1].index("tls.finished")  # the last Finished
assert pos == sorted(pos), pos
resp = next(e for e in events if e["name"] == "http.response")
assert any(f["name"] == "status" and f["value"] == "200" for f in resp["fields"][0]["children"])
verdict = next(e for e in events if e["name"] == "cert.verdict")
assert verdict["result"] == "pass"
ch = next(e for e in events if e["name"] == "tls.client_hello")
assert bytes.fromhex(ch["hex"])[0] == 1  # handshake type client_hello
# every kex.* comparison: verified true, and its derivation's parts named
kex = [e for e in events if "verified" in e]
assert len(kex) >= 5, len(kex)
for e in kex:
    assert e["verified"] is True, e["summary"]
    roles = [f.get("role") for f in e["fields"]]
    assert roles.count("function") == 1 and "input" in roles and "check" in roles, (e["name"], roles)
    assert all(r in (None, "input", "function", "output", "check") for r in roles)
assert not any("role" in f for e in events if not e["name"].startswith("kex.") for f in e["fields"])
# the typed facts (README: JSON keys), each where it applies, agreeing
# with the event's own bytes
tls13 = "1.3" in sys.argv[2]
sh = next(e for e in events if e["name"] == "tls.server_hello")
assert sh["tls_version"] == ("TLS 1.3" if tls13 else "TLS 1.2"), sh.get("tls_version")
assert not any("tls_version" in e for e in events if e["name"] != "tls.server_hello")
for e in events:
    raw = bytes.fromhex(e["hex"])
    if e["name"] in ("tls.client_hello", "tls.server_hello", "tls.change_cipher_spec"):
        assert e["encrypted"] is False, e["name"]
    if e["name"] == "tls.application_data":
        assert e["encrypted"] is True and raw[0] == 23
        assert e["http"]["start_line"] in ("GET / HTTP/1.1", "HTTP/1.1 200 OK"), e["http"]
    if e["name"] == "tls.alert":
        a = e["alert"]
        assert (a["level"], a["description"]) == (raw[0], raw[1]), a
        assert a["close_notify"] is True and a["description_name"] == "close_notify"
        assert e["encrypted"] is True
    if e["name"] in ("tls.encrypted_extensions", "tls.certificate_verify"):
        assert e["encrypted"] is True
    if e["layer"] != "tls":
        assert "encrypted" not in e and "alert" not in e, e["name"]
    if "tcp" in e:
        ihl = (raw[0] & 15) * 4
        t = e["tcp"]
        assert t["seq"] == int.from_bytes(raw[ihl + 4:ihl + 8], "big")
        assert t["window"] == int.from_bytes(raw[ihl + 14:ihl + 16], "big")
        assert ("ack" in t) == bool(raw[ihl + 13] & 0x10)
req = next(e for e in events if e["name"] == "http.request")
assert (req["http"]["method"], req["http"]["target"]) == ("GET", "/"), req["http"]
assert resp["http"]["status"] == 200 and "method" not in resp["http"]
syn = [e for e in events if e["name"] == "tcp.syn"]
if syn:  # captured (needs CAP_NET_RAW)
    sa = next(e for e in events if e["name"] == "tcp.syn_ack")
    assert syn[0]["tcp"]["flags"] == "SYN" and sa["tcp"]["flags"] == "SYN,ACK"
    assert sa["tcp"]["ack"] == (syn[0]["tcp"]["seq"] + 1) % 2**32
PY
done

# bad usage: exit 2 with a one-line reason
"$bin" --bogus > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || fail "unknown option did not exit 2"
grep -q "unknown option '--bogus'" "$tmp/err" || fail "no reason for the unknown option"
"$bin" --tls 1.1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "--tls 1.1 did not exit 2"
"$bin" --scenario nope > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad scenario did not exit 2"
"$bin" --help | grep -q -- "--kex rsa|ecdhe" || fail "--help does not list --kex"

# a rejected certificate: the story up to the alert, then exit 6
"$bin" --trace --scenario expired > "$tmp/exp" 2> "$tmp/err"; rc=$?
[ $rc -eq 6 ] || fail "expired certificate exited $rc, not 6"
grep -q "Alert fatal certificate expired" "$tmp/exp" || fail "no certificate_expired alert"
grep -q "certificate rejected" "$tmp/err" || fail "no one-line reason on stderr"
# the trace marks each failure once, from the event's result
grep -q "FAILED: validity: localhost expired on .* UTC$" "$tmp/exp" || fail "the failed check is not marked"
grep -q "FAILED: verdict: rejected (10 " "$tmp/exp" || fail "the verdict is not marked failed"
if grep -q "FAILED.*FAILED" "$tmp/exp"; then fail "a failure marked twice"; fi
# and --json says the alert is fatal, in the clear (before ChangeCipherSpec)
"$bin" --json --scenario expired > "$tmp/expj" 2> /dev/null
python3 - "$tmp/expj" <<'PY' || fail "--json: the rejection's alert facts are wrong"
import json, sys
a = next(e for e in map(json.loads, open(sys.argv[1])) if e["name"] == "tls.alert")
assert a["alert"]["level_name"] == "fatal" and a["alert"]["description"] == 45, a["alert"]
assert a["alert"]["close_notify"] is False and a["encrypted"] is False
PY
# wrong-host: OpenSSL stops at the name; the checks after it are httpsviz's
# alone and carry no X509 code (only the name check and the verdict do)
"$bin" --json --scenario wrong-host > "$tmp/whj" 2> /dev/null
python3 - "$tmp/whj" <<'PY' || fail "--json: the checks OpenSSL never reached are wrong"
import json, sys
ev = [e for e in map(json.loads, open(sys.argv[1])) if e["layer"] == "cert"]
names = [e["name"] for e in ev]
assert names[:4] == ["cert.key", "cert.chain", "cert.hostname", "cert.revocation"], names
assert names[-2:] == ["cert.validity", "cert.verdict"], names
coded = [e["name"] for e in ev if "x509_error" in e]
assert coded == ["cert.hostname", "cert.verdict"], coded
assert all(e["x509_error"] == 62 for e in ev if "x509_error" in e)
for e in ev[:3]:
    assert e["checked_by"] == "openssl and httpsviz", e
for e in ev[3:-1]:
    assert e["checked_by"] == "httpsviz alone" and e["result"] == "pass", e
PY
exit 0

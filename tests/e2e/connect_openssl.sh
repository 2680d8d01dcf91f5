#!/bin/sh
# connect against a real peer no one here wrote: openssl s_server on
# loopback with certificates made by the openssl command line (TLS 1.2, RSA
# key exchange): a good one, an expired one, and no --cafile (unknown CA).
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup connect_openssl

sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"

# start_server CERT: openssl s_server answering GET / with its status page
start_server() {
	port=$(free_port)
	timeout 60 openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/$1" -key "$tmp/srv.key" -www \
		-cipher AES128-GCM-SHA256 -tls1_2 -quiet > "$tmp/s_server.$1.log" 2>&1 &
	pids="$pids $!"
	wait_port "$port" || fail "s_server with $1 did not start"
}

start_server srv.pem
good=$port
start_server exp.pem
expired=$port

# the good certificate: every step, every check passes, HTTP 200, exit 0
timeout 20 "$bin" connect "localhost:$good" --cafile "$tmp/ca.pem" --trace > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "good certificate: exit $rc: $(cat "$tmp/err")"
for want in "C ---------- ClientHello ----------> S" \
	"ServerHello TLS_RSA_WITH_AES_128_GCM_SHA256" \
	"Certificate: 1 cert, CN=localhost" \
	"chain: localhost <- e2e Test CA (trusted root) ok" \
	"validity: localhost valid until" \
	"hostname: localhost matches DNS:localhost ok" \
	"verdict: ok, OpenSSL accepts the certificate" \
	"ClientKeyExchange: RSA-encrypted pre-master secret (256 bytes)" \
	"C <----------- Finished ------------ S" \
	"client handshake complete: TLSv1.2, TLS_RSA_WITH_AES_128_GCM_SHA256" \
	"[encrypted] GET / HTTP/1.1" \
	"HTTP/1.0 200 ok"; do
	grep -qF -- "$want" "$tmp/out" || fail "good certificate: no '$want' in the trace"
done
grep -q "^done: .* TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256, HTTP 200$" "$tmp/out" ||
	fail "good certificate: bad summary: $(tail -1 "$tmp/out")"
grep -q "FAILED" "$tmp/out" && fail "good certificate: something failed: $(grep FAILED "$tmp/out")"

# the same as JSON: parsable, the five checks pass, status 200, no error
timeout 20 "$bin" connect "localhost:$good" --cafile "$tmp/ca.pem" --json > "$tmp/json" 2> "$tmp/err" ||
	fail "--json exited $?: $(cat "$tmp/err")"
python3 - "$tmp/json" <<'PY' || fail "--json output is wrong"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["name"] for e in ev]
for n in ("cert.chain", "cert.signature", "cert.validity", "cert.hostname", "cert.verdict"):
    assert n in names, n
    assert all(e["result"] == "pass" for e in ev if e["name"] == n), n
assert not [n for n in names if n.startswith("error.")], names
resp = next(e for e in ev if e["name"] == "http.response")
assert any(f["name"] == "status" and f["value"] == "200" for f in resp["fields"][0]["children"])
assert resp["http"]["status"] == 200, resp.get("http")
assert "s_server" in bytes.fromhex(resp["hex"]).decode("latin-1")
PY

# an IP literal: no SNI (RFC 6066), checked against the IP SAN
timeout 20 "$bin" connect "127.0.0.1:$good" --cafile "$tmp/ca.pem" --trace > "$tmp/ip" 2> "$tmp/err" ||
	fail "127.0.0.1: exit $?: $(cat "$tmp/err")"
grep -q "hostname: 127.0.0.1 matches IP:127.0.0.1" "$tmp/ip" || fail "IP literal not checked against the IP SAN"

# the expired certificate: the story up to the alert, then exit 6
timeout 20 "$bin" connect "localhost:$expired" --cafile "$tmp/ca.pem" --trace > "$tmp/exp" 2> "$tmp/err"
rc=$?
[ $rc -eq 6 ] || fail "expired certificate: exit $rc, not 6: $(cat "$tmp/err")"
grep -q "FAILED: validity: localhost expired on 2020-02-01 00:00:00 UTC$" "$tmp/exp" || fail "no failed validity check"
grep -q "FAILED: verdict: rejected (10 certificate has expired), the client aborts with alert certificate_expired" \
	"$tmp/exp" || fail "no verdict with error 10"
grep -q "C ------------- Alert -------------> S  Alert fatal certificate expired" "$tmp/exp" ||
	fail "no certificate_expired alert sent"
grep -q "GET / HTTP" "$tmp/exp" && fail "a request left after the certificate was rejected"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "certificate rejected: certificate has expired (X509 error 10)" "$tmp/err" ||
	fail "no one-line reason on stderr: $(cat "$tmp/err")"
timeout 20 "$bin" connect "localhost:$expired" --cafile "$tmp/ca.pem" --json > "$tmp/expjson" 2> /dev/null
[ $? -eq 6 ] || fail "expired --json did not exit 6"
python3 - "$tmp/expjson" <<'PY' || fail "expired --json is wrong"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
v = next(e for e in ev if e["name"] == "cert.validity")
assert v["result"] == "fail" and v["x509_error"] == 10, v
assert v["x509_error_text"] == "certificate has expired"
verdict = next(e for e in ev if e["name"] == "cert.verdict")
assert verdict["result"] == "fail" and verdict["x509_error"] == 10
errs = [e["name"] for e in ev if e["name"].startswith("error.")]
assert errs == ["error.tls"], errs
names = [e["name"] for e in ev]
assert names.index("tls.alert") < names.index("error.tls")
PY

# the system trust store does not know the test CA: exit 6, unknown_ca
timeout 20 "$bin" connect "localhost:$good" --trace > "$tmp/sys" 2> "$tmp/err"
rc=$?
[ $rc -eq 6 ] || fail "unknown CA: exit $rc, not 6"
grep -q "Alert fatal unknown CA" "$tmp/sys" || fail "no unknown_ca alert for an unknown issuer"
exit 0

#!/bin/sh
# connect to openssl s_server once per cipher family (AES-GCM, ChaCha20-
# Poly1305, AES-CBC with HMAC-SHA1/SHA256/SHA384, each CBC one with and
# without encrypt_then_mac, TLS 1.3 GCM and ChaCha20, DHE): each record is
# taken apart by the suite's real layout, and the first record each way is
# decrypted by httpsviz and equals what OpenSSL delivered.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
e2e_setup connect_ciphers

sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"

# family CIPHER SUITE_ID MAC ETM [s_server options...]: one run, checked
family() {
	cipher=$1 id=$2 mac=$3 etm=$4
	shift 4
	port=$(free_port)
	timeout 30 openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/srv.pem" -key "$tmp/srv.key" -www \
		-quiet "$@" > "$tmp/s_server.log" 2>&1 &
	spid=$!
	pids="$pids $spid"
	wait_port "$port" || fail "$cipher: s_server did not start: $(cat "$tmp/s_server.log")"
	tls=1.2
	case "$cipher" in TLS_*) tls=1.3 ;; esac
	timeout 20 "$bin" connect "localhost:$port" --cafile "$tmp/ca.pem" --tls "$tls" --json > "$tmp/json" \
		2> "$tmp/err" || fail "$cipher: exit $?: $(cat "$tmp/err")"
	kill "$spid" 2> /dev/null
	python3 - "$tmp/json" "$cipher" "$id" "$mac" "$etm" <<'PY' || fail "$cipher (etm $etm): wrong record decoding"
import json, sys
path, cipher, sid, mac, etm = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), sys.argv[4], sys.argv[5] == "1"
ev = [json.loads(l) for l in open(path)]

def flat(fields):
    for f in fields:
        yield f
        yield from flat(f.get("children", []))

def names(e):
    return {f["name"]: f for f in flat(e["fields"])}

sh = next(e for e in ev if e["name"] == "tls.server_hello")
assert f"(0x{sid:04x})" in names(sh)["cipher_suite"]["value"], names(sh)["cipher_suite"]
# every record we sent after the handshake, taken apart by the real layout
sent = [e for e in ev if e["name"] == "tls.application_data" and e["actor"] == "client"]
got = [e for e in ev if e["name"] == "tls.application_data" and e["actor"] == "server"]
assert sent and got, "no application data records"
for e in sent + got:
    f = names(e)
    assert "protection" in f, f.keys()
    if cipher.startswith("TLS_"):
        assert "legacy_record_version" in f and "frozen" in f["legacy_record_version"]["value"]
        assert "encrypted_record" in f and len(f["tag"]["value"]) == 32
        assert "explicit_nonce" not in f and "iv" not in f
    elif mac == "AEAD" and "CHACHA" in cipher:
        assert "explicit_nonce" not in f and "iv" not in f, f.keys()
        assert len(f["tag"]["value"]) == 32 and "Poly1305" in f["protection"]["value"]
    elif mac == "AEAD":
        assert len(f["explicit_nonce"]["value"]) == 16 and len(f["tag"]["value"]) == 32
    else:
        assert len(f["iv"]["value"]) == 32, f["iv"]
        assert "tag" not in f and "explicit_nonce" not in f, f.keys()
        assert "HMAC-" + mac in f["protection"]["value"], f["protection"]
        if etm:
            assert "encrypt-then-MAC" in f["protection"]["value"]
            maclen = {"SHA1": 20, "SHA256": 32, "SHA384": 48}[mac]
            assert len(f["mac"]["value"]) == 2 * maclen, f["mac"]
        else:
            assert "MAC-then-encrypt" in f["protection"]["value"] and "mac" not in f
# the first record each way decrypted by httpsviz, equal to OpenSSL's plaintext
dec = [e for e in ev if e["name"] == "kex.record_decrypt"]
assert len(dec) == 2, [e["summary"] for e in dec]
for e in dec:
    assert e["verified"] is True, e["summary"]
    f = names(e)
    if mac not in ("AEAD",):
        assert "HMAC-" + mac in f["mac"]["value"] and "verified" in f["mac"]["value"], f["mac"]
        assert "well formed" in f["padding"]["value"]
        assert ("RFC 7366" in f["mac_then_encrypt"]["value"]) == etm
    else:
        assert "verified" in f["tag"]["value"]
        assert ("Poly1305" in f["tag"]["value"]) == ("CHACHA" in cipher)
assert "equals the HTTP request" in dec[0]["summary"] + dec[1]["summary"]
assert "equals the HTTP response" in dec[0]["summary"] + dec[1]["summary"]
assert not [e for e in ev if e["name"].startswith("error.")]
PY
}

family AES128-GCM-SHA256 009c AEAD 0 -tls1_2 -cipher AES128-GCM-SHA256
family ECDHE-RSA-CHACHA20-POLY1305 cca8 AEAD 0 -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
family AES128-SHA 002f SHA1 0 -tls1_2 -cipher AES128-SHA -no_etm
family ECDHE-RSA-AES256-SHA c014 SHA1 1 -tls1_2 -cipher ECDHE-RSA-AES256-SHA
family AES256-SHA256 003d SHA256 0 -tls1_2 -cipher AES256-SHA256 -no_etm
family ECDHE-RSA-AES128-SHA256 c027 SHA256 1 -tls1_2 -cipher ECDHE-RSA-AES128-SHA256
family ECDHE-RSA-AES256-SHA384 c028 SHA384 0 -tls1_2 -cipher ECDHE-RSA-AES256-SHA384 -no_etm
family ECDHE-RSA-AES256-SHA384 c028 SHA384 1 -tls1_2 -cipher ECDHE-RSA-AES256-SHA384
family DHE-RSA-AES256-GCM-SHA384 009f AEAD 0 -tls1_2 -cipher DHE-RSA-AES256-GCM-SHA384
family TLS_CHACHA20_POLY1305_SHA256 1303 AEAD 0 -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
family TLS_AES_128_GCM_SHA256 1301 AEAD 0 -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256

# serve, the other way round: openssl s_client per family against serve
# --json; every exchange decrypts its first record each way, and serve
# accepts OpenSSL's default suites after its own (not only its own)
timeout 60 "$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/serve-ca.pem" --max-clients 4 --json > "$tmp/serve.json" 2> "$tmp/serve.err" &
spid=$!
pids="$pids $spid"
for _ in $(seq 100); do
	grep -q '"exchange"' "$tmp/serve.json" 2> /dev/null && break
	grep -q "HTTPS on" "$tmp/serve.err" "$tmp/serve.json" 2> /dev/null && break
	sleep 0.05
done
sport=$(sed -n 's/.*HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve.json" "$tmp/serve.err" | head -1)
[ -n "$sport" ] || fail "serve did not start: $(cat "$tmp/serve.err")"
for c in "AES128-SHA -no_etm" "ECDHE-RSA-AES256-SHA384" "ECDHE-RSA-CHACHA20-POLY1305" "AES128-GCM-SHA256"; do
	# shellcheck disable=SC2086
	printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
		timeout 10 openssl s_client -connect "127.0.0.1:$sport" -quiet -tls1_2 -cipher $c > /dev/null 2>&1
done
for _ in $(seq 200); do
	kill -0 "$spid" 2> /dev/null || break
	sleep 0.05
done
python3 - "$tmp/serve.json" <<'PY' || fail "serve: a record not decrypted by its suite"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
by = {}
for e in ev:
    by.setdefault(e.get("exchange"), []).append(e)
assert len(by) == 4, sorted(by)
for x, es in by.items():
    dec = [e for e in es if e["name"] == "kex.record_decrypt"]
    assert len(dec) == 2 and all(e["verified"] is True for e in dec), (x, [e["summary"] for e in dec])
PY
exit 0

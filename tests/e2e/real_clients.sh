#!/bin/sh
# Real clients against serve: headless Chromium, curl, Python's ssl module,
# openssl s_client over TLS 1.2 and 1.3.  Each fetches the page, and the
# ClientHello it sent decodes with every code point named: no "unknown",
# no "unassigned".  Chromium's hello is explained: the X25519MLKEM768 share
# (1184 + 32 bytes), which share the server took and why, its ALPN offer
# and what the server answered.
#
# Everything stays on 127.0.0.1: where the system allows it the test runs
# in a network namespace of its own holding only the loopback interface,
# and Chromium is started without background networking either way.
set -u
here=$(dirname "$0")
if [ -z "${HTTPSVIZ_NETNS:-}" ] && command -v unshare > /dev/null 2>&1 && command -v ip > /dev/null 2>&1 &&
	unshare -n true 2> /dev/null; then
	HTTPSVIZ_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -n "${HTTPSVIZ_NETNS:-}" ] && ip link set lo up
. "$here/helpers/common.sh"
e2e_setup real_clients

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || fail "chromium is not installed (tools/deps.sh installs it)"

# start_serve OUT ARGS...: serve in the background (bounded); its port in $port
start_serve() {
	out=$1
	shift
	timeout 60 "$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/ca.pem" --json "$@" > "$out" 2> "$out.err" &
	serve_pid=$!
	pids="$pids $serve_pid"
	for _ in $(seq 100); do
		grep -qs "HTTPS on" "$out" && break
		sleep 0.05
	done
	port=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$out")
	[ -n "$port" ] || fail "no banner with the port: $(cat "$out" "$out.err")"
}

# stop_serve: once an exchange has completed, SIGTERM ends serve (it lets
# the exchanges under way end first, up to 2 s)
stop_serve() {
	for _ in $(seq 100); do
		grep -q "^httpsviz serve: exchange [0-9]* complete" "$out" && break
		sleep 0.05
	done
	kill "$serve_pid" 2> /dev/null
	wait "$serve_pid" 2> /dev/null
}

# check_hello OUT WHO [chromium]: the ClientHello of the first exchange that
# was served is named in full; for chromium, its post-quantum share explained
check_hello() {
	python3 - "$1" "$2" "${3:-}" <<'PY' || fail "$2: the decoded exchange is wrong"
import json, sys
path, who, kind = sys.argv[1], sys.argv[2], sys.argv[3]
ev = [json.loads(l) for l in open(path) if l.startswith("{")]
# the first exchange that carried a request (a browser may open a spare
# connection first and close it unused)
served = [e["exchange"] for e in ev if e["name"] == "http.request"]
assert served, f"{who}: no request served in {sorted({e.get('exchange') for e in ev})}"
ex = [e for e in ev if e.get("exchange") == served[0]]

def walk(fields):
    for f in fields:
        yield f
        yield from walk(f["children"])

def one(name):
    found = [e for e in ex if e["name"] == name]
    assert found, f"{who}: no {name} event in exchange 1"
    return found[0]

ch = one("tls.client_hello")
values = [f for f in walk(ch["fields"])]
bad = [f"{f['name']}: {f['value']}" for f in values
       if "unknown" in f["value"].lower() or "unassigned" in f["value"].lower()]
assert not bad, f"{who}: ClientHello has unnamed values: {bad}"
assert len(values) > 30, f"{who}: only {len(values)} fields decoded"
if kind == "chromium":
    shares = [f for f in walk(ch["fields"]) if f["name"] == "key_share_entry"]
    pq = [f for f in shares if f["value"].startswith("X25519MLKEM768")]
    assert pq, f"chromium: no X25519MLKEM768 share in {[f['value'] for f in shares]}"
    parts = {c["name"]: c for c in pq[0]["children"] for c in walk([c])}
    assert parts["mlkem768_encapsulation_key"]["length"] == 1184, parts
    assert parts["x25519_public_key"]["length"] == 32, parts
    assert "1216" in pq[0]["value"], pq[0]["value"]
    names = {f["name"] for f in walk(ch["fields"])}
    for ext in ("encrypted_client_hello", "application_settings", "compress_certificate",
                "application_layer_protocol_negotiation", "grease"):
        assert ext in names, f"chromium: no {ext} in the ClientHello"
    sh = one("tls.server_hello")
    choice = [f["value"] for f in walk(sh["fields"]) if f["name"] == "choice"]
    why = [f["value"] for f in walk(sh["fields"]) if f["name"] == "why"]
    assert choice and "x25519 (0x001d)" in choice[0] and "X25519MLKEM768" in choice[0], choice
    assert why and "does not implement X25519MLKEM768" in why[0], why
    ee = one("tls.encrypted_extensions")
    alpn = [f["value"] for f in walk(ee["fields"]) if f["name"] == "alpn_answer"]
    assert alpn and "h2, http/1.1" in alpn[0], alpn
PY
}

req='GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'

# 1: headless Chromium, TLS 1.3 (it refuses RSA key exchange); only ever to
# 127.0.0.1, with no background services
start_serve "$tmp/chromium" --tls 1.3 --max-clients 4
timeout 40 "$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --ignore-certificate-errors \
	--no-first-run --no-default-browser-check --disable-background-networking --disable-component-update \
	--disable-sync --disable-default-apps --disable-extensions --disable-domain-reliability \
	--no-proxy-server --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
	--user-data-dir="$tmp/profile" --dump-dom "https://127.0.0.1:$port/" > "$tmp/page" 2> "$tmp/chromium.err"
grep -q "Hello over HTTPS" "$tmp/page" || fail "chromium got no page: $(tail -5 "$tmp/chromium.err")"
stop_serve
check_hello "$tmp/chromium" chromium chromium

# 2: curl
start_serve "$tmp/curl" --max-clients 1
timeout 10 curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/" > "$tmp/page" 2>&1 || fail "curl: $(cat "$tmp/page")"
grep -q "Hello over HTTPS" "$tmp/page" || fail "curl got no page"
stop_serve
check_hello "$tmp/curl" curl

# 3: Python's ssl module
start_serve "$tmp/python" --max-clients 1
python3 - "$port" "$tmp/ca.pem" > "$tmp/page" <<'PY' || fail "python ssl: $(cat "$tmp/page")"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
print(data.decode(errors="replace"))
PY
grep -q "Hello over HTTPS" "$tmp/page" || fail "python ssl got no page"
stop_serve
check_hello "$tmp/python" python

# 4, 5: openssl s_client, TLS 1.2 and TLS 1.3
for v in 1_2 1_3; do
	start_serve "$tmp/s_client$v" --max-clients 1 $([ $v = 1_3 ] && echo "--tls 1.3")
	printf "$req" | timeout 10 openssl s_client -tls$v -connect "127.0.0.1:$port" -CAfile "$tmp/ca.pem" \
		-servername localhost -ign_eof > "$tmp/page" 2>&1
	grep -q "Verify return code: 0 (ok)" "$tmp/page" || fail "s_client -tls$v did not verify"
	grep -q "Hello over HTTPS" "$tmp/page" || fail "s_client -tls$v got no page"
	stop_serve
	check_hello "$tmp/s_client$v" "s_client -tls$v"
done
exit 0

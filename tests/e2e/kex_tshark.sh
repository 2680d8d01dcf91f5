#!/bin/sh
# End to end: the --keylog and --pcap files of one real run open, decrypted,
# in tshark (Wireshark's command line), which shows that run's HTTP request
# and response.  Skipped only where tshark is absent (make deps installs it)
# or the process may not capture packets.
set -u
bin=${HTTPSVIZ_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "kex_tshark: $*" >&2; exit 1; }

if ! command -v tshark > /dev/null 2>&1; then
	echo "kex_tshark: SKIP: tshark is not installed (make deps installs it)"
	exit 0
fi

for v in "--tls 1.2" "--kex ecdhe" "--classic" "--tls 1.3"; do
	rm -f "$tmp/keys" "$tmp/pcap"
	# shellcheck disable=SC2086
	if ! "$bin" --trace $v --keylog "$tmp/keys" --pcap "$tmp/pcap" > "$tmp/trace" 2> "$tmp/err"; then
		if grep -qi "not permitted\|permission\|capture" "$tmp/err" "$tmp/trace" && [ "$(id -u)" != 0 ]; then
			echo "kex_tshark: SKIP: this process may not capture packets: $(head -1 "$tmp/err")"
			exit 0
		fi
		fail "$v: the run failed: $(cat "$tmp/err")"
	fi
	[ -s "$tmp/pcap" ] || fail "$v: no pcap written"
	[ -s "$tmp/keys" ] || fail "$v: no key log written"
	mode=$(stat -c %a "$tmp/keys")
	[ "$mode" = 600 ] || fail "$v: key log mode is $mode, not 600"
	# the embedded server's port is ephemeral: tell tshark it is TLS
	port=$(sed -n '1s/.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$tmp/trace")
	[ -n "$port" ] || fail "$v: no port on the trace's first line: $(head -1 "$tmp/trace")"
	tshark -r "$tmp/pcap" -o "tls.keylog_file:$tmp/keys" -d "tcp.port==$port,tls" -Y http \
		-T fields -e http.request.uri -e http.response.code > "$tmp/http" 2> "$tmp/terr" ||
		fail "$v: tshark failed: $(cat "$tmp/terr")"
	grep -q "^/[[:space:]]*$" "$tmp/http" || fail "$v: tshark did not decrypt the request 'GET /': $(cat "$tmp/http")"
	grep -q "^[[:space:]]*200$" "$tmp/http" || fail "$v: tshark did not decrypt the response 200: $(cat "$tmp/http")"
	# and without the key log the same capture shows no HTTP at all
	tshark -r "$tmp/pcap" -d "tcp.port==$port,tls" -Y http -T fields -e http.request.uri > "$tmp/nokeys" 2> /dev/null
	[ ! -s "$tmp/nokeys" ] || fail "$v: tshark shows HTTP without the key log"
done
exit 0

#!/bin/sh
# The TUI's menu chooses the protocol without restarting the program
# (tmux, 100x30): TLS 1.3 from a TLS 1.2 start, then TLS 1.2 ECDHE, each
# exchange run to its end with that version and key exchange; in connect
# mode (against httpsviz serve) the three protocols and no certificate
# scenarios, the current one marked: RSA chosen there completes with RSA
# key exchange, and TLS 1.3 chosen there is used.
# Needs $HTTPSVIZ_BIN (set by tests/run_e2e.sh); skips only without tmux.
set -u
here=$(dirname "$0")
. "$here/helpers/common.sh"
. "$here/helpers/tmux.sh"
tui_setup tui_menu_protocol

# choose LABEL: open the menu and choose the entry LABEL
choose() {
	T send-keys m
	wait_for "Esc back" 5 || fail "m did not open the menu"
	T send-keys g
	i=0
	while [ "$i" -lt 40 ]; do
		cap
		grep -E "(▶|>) +$1 " "$tmp/screen" > /dev/null && break
		T send-keys Down
		sleep 0.05
		i=$((i + 1))
	done
	grep -E "(▶|>) +$1 " "$tmp/screen" > /dev/null || fail "could not select '$1'"
	T send-keys Enter
	wait_for "event 0 of 0" 20 || fail "'$1' did not restart the exchange"
}

tui_start --explore --no-pcap
wait_for "PAUSED" 20 || fail "the TUI did not start"
choose "TLS 1.3"
press_until Space 120 "(complete)" || fail "the TLS 1.3 exchange did not complete"
grep -qF "TLSv1.3" "$tmp/screen" || fail "TLS 1.3 was chosen but not used"
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu"
grep -E "TLS 1.3 .*\(current\)" "$tmp/screen" > /dev/null || fail "TLS 1.3 is not marked current"
T send-keys Escape
choose "TLS 1.2, ECDHE"
press_until Space 120 "(complete)" || fail "the ECDHE exchange did not complete"
grep -qF "TLSv1.2" "$tmp/screen" || fail "TLS 1.2 was chosen but not used"
grep -qF "ECDHE" "$tmp/screen" || fail "ECDHE was chosen but the cipher is $(tail -1 "$tmp/screen")"
tui_quit

# connect, against a local httpsviz serve: the three protocols (RSA too:
# connect's default, which serve takes), the current one marked, the hint
# true (the server picks; scenarios need the embedded server); started
# with ECDHE, RSA chosen from the menu completes with RSA key exchange,
# then TLS 1.3
timeout 120 "$bin" serve --listen 127.0.0.1:0 --ca-out "$tmp/ca.pem" --trace > "$tmp/serve" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do grep -q "HTTPS on" "$tmp/serve" && break; sleep 0.05; done
port=$(sed -n '1s/^httpsviz serve: HTTPS on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/serve")
[ -n "$port" ] || fail "serve did not start: $(cat "$tmp/serve")"
# wide enough for the status line to name the cipher suite
tui_start -s 150x30 connect "127.0.0.1:$port" --cafile "$tmp/ca.pem" --explore --kex ecdhe
wait_for "PAUSED" 20 || fail "the connect TUI did not start"
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu in connect mode"
T send-keys G
sleep 0.2
cap
for p in "TLS 1.2, RSA" "TLS 1.2, ECDHE" "TLS 1.3"; do
	grep -qF "$p " "$tmp/screen" || fail "'$p' is not offered against a remote server"
done
grep -E "TLS 1.2, ECDHE .*\(current\)" "$tmp/screen" > /dev/null || fail "ECDHE (the current one) is not marked"
grep -E "TLS 1.2, RSA .*\(current\)" "$tmp/screen" > /dev/null && fail "RSA is marked current"
grep -qF "untrusted-ca" "$tmp/screen" && fail "a certificate scenario offered against a remote server"
grep -qF "the server picks; scenarios need the embedded server" "$tmp/screen" || fail "the menu's hint is not there"
grep -qF "RSA and the scenarios need" "$tmp/screen" && fail "the menu still says RSA needs the embedded server"
T send-keys Escape
choose "TLS 1.2, RSA"
press_until Space 120 "(complete)" || fail "the connect exchange with RSA did not complete"
grep -qF "TLS_RSA_WITH_AES_128_GCM_SHA256" "$tmp/screen" ||
	fail "RSA was chosen in connect mode but the suite is $(tail -1 "$tmp/screen")"
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu"
grep -E "TLS 1.2, RSA .*\(current\)" "$tmp/screen" > /dev/null || fail "RSA is not marked current after choosing it"
T send-keys Escape
choose "TLS 1.3"
press_until Space 120 "(complete)" || fail "the connect exchange did not complete"
grep -qF "TLSv1.3" "$tmp/screen" || fail "TLS 1.3 chosen in connect mode was not used"
tui_quit
exit 0

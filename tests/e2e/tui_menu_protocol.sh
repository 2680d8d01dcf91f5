#!/bin/sh
# The TUI's menu chooses the protocol without restarting the program
# (tmux, 100x30): TLS 1.3 from a TLS 1.2 start, then TLS 1.2 ECDHE, each
# exchange run to its end with that version and key exchange; in connect
# mode only what works against a remote server is offered (no RSA key
# exchange, no certificate scenarios), and TLS 1.3 chosen there is used.
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
	wait_for "step 0 of 0" 20 || fail "'$1' did not restart the exchange"
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

# connect: only what works against a remote server
sh "$here/helpers/pki.sh" "$tmp" || fail "cannot make the test PKI"
port=$(free_port)
timeout 60 openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/srv.pem" -key "$tmp/srv.key" -www -quiet \
	> "$tmp/s_server.log" 2>&1 &
pids="$pids $!"
wait_port "$port" || fail "s_server did not start"
tui_start connect "localhost:$port" --cafile "$tmp/ca.pem" --explore --kex ecdhe
wait_for "PAUSED" 20 || fail "the connect TUI did not start"
T send-keys m
wait_for "Esc back" 5 || fail "m did not open the menu in connect mode"
T send-keys G
sleep 0.2
cap
grep -qF "TLS 1.2, RSA" "$tmp/screen" && fail "RSA key exchange offered against a remote server"
grep -qF "untrusted-ca" "$tmp/screen" && fail "a certificate scenario offered against a remote server"
grep -qF "need the embedded server" "$tmp/screen" || fail "the menu does not say why"
T send-keys Escape
choose "TLS 1.3"
press_until Space 120 "(complete)" || fail "the connect exchange did not complete"
grep -qF "TLSv1.3" "$tmp/screen" || fail "TLS 1.3 chosen in connect mode was not used"
tui_quit
exit 0

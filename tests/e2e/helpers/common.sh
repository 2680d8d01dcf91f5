# shellcheck shell=sh disable=SC2154
# Sourced by the e2e scripts: setup and cleanup, a free loopback port,
# bounded waits, hostile peers.

# A TCP port nobody listens on right now (the kernel's choice).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait until something accepts on 127.0.0.1:$1, at most about 5 seconds.
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)
PY
}

# e2e_setup NAME: the usual start of a test script named NAME.  Needs
# $HTTPSVIZ_BIN (tests/run_e2e.sh sets it) and sets:
#   bin   the program under test (FAIL, exit 1, if it is not executable)
#   tmp   a fresh directory, removed on exit
#   pids  background processes to kill on exit: add yours with pids="$pids $!"
# INT and TERM exit 1 (the cleanup still runs).  fail MESSAGE prints
# "NAME: MESSAGE" on stderr and exits 1.
e2e_setup() {
	e2e_name=$1
	bin=${HTTPSVIZ_BIN:-}
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		echo "$e2e_name: FAIL: HTTPSVIZ_BIN is not an executable: '$bin'" >&2
		exit 1
	fi
	tmp=$(mktemp -d) || exit 1
	pids=""
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
}

e2e_cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	rm -rf "$tmp"
}

fail() {
	echo "$e2e_name: $*" >&2
	exit 1
}

# hostile_peer MODE [ARGS...]: helpers/hostile.py MODE ARGS in the background
# (see there for the modes and the lifetime); its port in $port.  Needs
# $here, the directory of the test scripts.
hostile_peer() {
	python3 "$here/helpers/hostile.py" "$@" > "$tmp/port.$1" 2> "$tmp/peer.$1.err" &
	pids="$pids $!"
	for _ in $(seq 50); do
		[ -s "$tmp/port.$1" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/port.$1")
	[ -n "$port" ] || fail "$1 peer did not start: $(cat "$tmp/peer.$1.err")"
}

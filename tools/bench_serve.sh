#!/bin/sh
# make bench, second half: openssl s_time against `httpsviz serve` and
# against `openssl s_server`, the same certificate and key, side by side
# (alternating rounds), new TLS sessions each time (s_time -new: a full
# handshake per connection, what a class of learners costs the server).
# Usage: tools/bench_serve.sh BIN [SECONDS_PER_ROUND] [ROUNDS]
set -u
bin=$1
secs=${2:-3}
rounds=${3:-8}
for c in openssl python3; do
	command -v $c > /dev/null 2>&1 || { echo "bench_serve: SKIP: $c is not installed"; exit 0; }
done
tmp=$(mktemp -d) || exit 1
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# the same RSA-2048 certificate for both servers
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 > /dev/null 2>&1 ||
	{ echo "bench_serve: openssl req failed"; exit 1; }
chmod 600 "$tmp/key.pem"

p1=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$p1" -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
	> /dev/null 2>&1 < /dev/null &
pid1=$!
pids="$pids $!"
p2=$(free_port)
"$bin" serve --listen "127.0.0.1:$p2" --cert "$tmp/cert.pem" --key "$tmp/key.pem" --trace \
	> /dev/null 2> "$tmp/serve.err" < /dev/null &
pid2=$!
pids="$pids $!"
wait_port "$p1" && wait_port "$p2" || { echo "bench_serve: a server did not start: $(cat "$tmp/serve.err")"; exit 1; }

# rate PORT PID: "connections/s cpu-ms/connection" of one s_time run: the
# connections per wall-clock second, and the server's own CPU time (user +
# system, from /proc) per connection
rate() {
	python3 - "$1" "$2" "$secs" <<'PY'
import os, re, subprocess, sys, time
def cpu(pid):
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0, t0 = cpu(sys.argv[2]), time.monotonic()
out = subprocess.run(["openssl", "s_time", "-connect", "127.0.0.1:" + sys.argv[1], "-new",
                      "-time", sys.argv[3]], capture_output=True, text=True).stdout
dt, c1 = time.monotonic() - t0, cpu(sys.argv[2])
m = re.search(r"(\d+) connections in", out)
n = int(m.group(1)) if m else 0
print("%.1f %.3f" % (n / dt, (c1 - c0) * 1000 / n if n else 0))
PY
}

echo "bench: openssl s_time -new (a full TLS handshake per connection) against openssl s_server"
echo "       and httpsviz serve --trace (to /dev/null), the same RSA-2048 certificate,"
echo "       $rounds alternating rounds of $secs s each"
a=""
b=""
for r in $(seq "$rounds"); do
	x=$(rate "$p1" "$pid1")
	y=$(rate "$p2" "$pid2")
	echo "  round $r: s_server ${x% *} conn/s (${x#* } ms CPU each), serve ${y% *} conn/s (${y#* } ms CPU each)"
	a="$a $x"
	b="$b $y"
done
python3 - "$a" "$b" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ra, ca = a[0::2], a[1::2]
rb, cb = b[0::2], b[1::2]
# each round's two runs are back to back: their ratio drifts least with the
# machine's other load
ratio = statistics.median(y / x for x, y in zip(ra, rb) if x > 0)
print("  median: s_server %.1f conn/s, serve %.1f conn/s; serve/s_server per round, median %.2fx "
      "(goal >= 0.90: %s)" % (statistics.median(ra), statistics.median(rb), ratio, "met" if ratio >= 0.9 else "NOT met"))
print("  server CPU per connection: s_server %.3f ms, serve %.3f ms (%.2fx: serve decodes, checks and logs "
      "every message and derivation)" % (statistics.median(ca), statistics.median(cb),
                                          statistics.median(cb) / statistics.median(ca)))
PY

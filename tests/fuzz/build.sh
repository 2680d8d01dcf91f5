#!/bin/sh
# Build and run every libFuzzer target tests/fuzz/fuzz_*.c (make fuzz).
#
# Each target is linked with clang -fsanitize=fuzzer,address,undefined
# against the project's non-terminal sources (protocol/*.c, lessons/*.c,
# ui/*.c), built with the same sanitizers.  Its corpus is built in
# build/fuzz/corpus-NAME/ from:
#   - tests/fuzz/corpus/NAME/, kept in the repository (seeded from real runs
#     by tests/fuzz/make_seeds.py, grown by earlier fuzzing);
#   - tests/fuzz/seed_NAME.c, if present, a program that writes seeds into
#     the directory given as its argument (seed_tlsdecode runs a real
#     in-memory OpenSSL exchange);
#   - for the lesson parser, the real lessons.
# Then each target runs for FUZZ_SECONDS seconds (default 60); FUZZ_TARGETS
# (e.g. "http grid") runs only those.  Any crash,
# leak, sanitizer report or broken promise fails the script; the input that
# caused it is left in build/fuzz/.  The executions of each run are printed
# and appended to build/fuzz/stats.tsv.  FUZZ_MERGE=1 merges the inputs
# that found new coverage into tests/fuzz/corpus/NAME/ (to commit).
set -eu

cd "$(dirname "$0")/../.."
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
PER=${FUZZ_SECONDS:-60}
PKGS="openssl"
pkg-config --exists libpcap 2>/dev/null && PKGS="$PKGS libpcap"
LIBS=$(pkg-config --libs $PKGS)
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -I. -Wall -Wextra -Werror $(pkg-config --cflags $PKGS)"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (sh tools/deps.sh fuzz)"; exit 1; }
targets=$(ls tests/fuzz/fuzz_*.c 2>/dev/null || true)
# FUZZ_TARGETS="http grid": only these
if [ -n "${FUZZ_TARGETS:-}" ]; then
	targets=$(for t in $FUZZ_TARGETS; do echo "tests/fuzz/fuzz_$t.c"; done)
fi
[ -n "$targets" ] || { echo "fuzz: no tests/fuzz/fuzz_*.c"; exit 1; }
mkdir -p "$OUT/obj"

# The library, instrumented for coverage.
rm -f "$OUT/libfuzzdeps.a"
objs=""
for src in protocol/*.c lessons/*.c ui/*.c; do
	[ -f "$src" ] || continue
	obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find protocol ui lessons -name '*.h' -newer "$obj" | head -1)" ]; then
		$CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	fi
	objs="$objs $obj"
done
# shellcheck disable=SC2086
ar rcs "$OUT/libfuzzdeps.a" $objs

[ "$PER" -ge 1 ] || PER=1
status=0
for src in $targets; do
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	corpus="$OUT/corpus-$short"
	echo "== $name: build"
	$CC $CFLAGS $SAN -fsanitize=fuzzer "$src" "$OUT/libfuzzdeps.a" $LIBS -o "$OUT/$name"
	mkdir -p "$corpus"
	if [ -f "tests/fuzz/seed_$short.c" ]; then
		$CC $CFLAGS "tests/fuzz/seed_$short.c" $LIBS -o "$OUT/seed_$short"
		"$OUT/seed_$short" "$corpus"
	fi
	if [ -d "tests/fuzz/corpus/$short" ]; then
		cp tests/fuzz/corpus/"$short"/* "$corpus"/ 2>/dev/null || true
	fi
	# the lesson parser starts from the real lessons and the format's example
	if [ "$short" = lesson ]; then
		cp lessons/*.lesson "$corpus"/ 2>/dev/null || true
	fi
	maxlen=""
	case "$short" in
	engine) maxlen="-max_len=16384" ;;
	certcheck | http | tlsdecode) maxlen="-max_len=8192" ;;
	esac
	echo "== $name: run ${PER}s on $(ls "$corpus" | wc -l) corpus files"
	# shellcheck disable=SC2086
	if "$OUT/$name" -max_total_time="$PER" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 $maxlen \
		-artifact_prefix="$OUT/$name-" "$corpus" >"$OUT/$name.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$name.log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$name.log")
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$OUT/$name.log" | tail -1)
		echo "== $name: ok, $execs executions without a finding, $rate exec/s, $cov"
		printf '%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$short" "$execs" "$PER" >> "$OUT/stats.tsv"
		if [ "${FUZZ_MERGE:-}" = 1 ]; then
			mkdir -p "tests/fuzz/corpus/$short"
			# shellcheck disable=SC2086
			"$OUT/$name" -merge=1 $maxlen "tests/fuzz/corpus/$short" "$corpus" >"$OUT/$name.merge.log" 2>&1 ||
				echo "== $name: merge failed (log: $OUT/$name.merge.log)"
		fi
	else
		status=1
		echo "== $name: FAILED (log: $OUT/$name.log)"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|abort' "$OUT/$name.log" | head -20
	fi
done
exit $status

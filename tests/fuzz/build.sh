#!/bin/sh
# Build and run every libFuzzer target tests/fuzz/fuzz_*.c (make fuzz).
#
# Each target is linked with clang -fsanitize=fuzzer,address,undefined
# against the project's non-UI sources (protocol/*.c, lessons/*.c), built
# with the same sanitizers.  Seed corpora go to build/fuzz/corpus-NAME/:
#   - tests/fuzz/seed_NAME.c, if present, is a program that writes seeds into
#     the directory given as its argument (seed_tlsdecode runs a real
#     in-memory OpenSSL exchange);
#   - tests/fuzz/seeds-NAME/, if present, is copied in as it is.
# Then each target runs for FUZZ_SECONDS / number-of-targets seconds
# (FUZZ_SECONDS defaults to 60 in total).  Any crash, leak or sanitizer
# report fails the script; the input that caused it is left in build/fuzz/.
set -eu

cd "$(dirname "$0")/../.."
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
TOTAL=${FUZZ_SECONDS:-60}
PKGS="openssl"
pkg-config --exists libpcap 2>/dev/null && PKGS="$PKGS libpcap"
LIBS=$(pkg-config --libs $PKGS)
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -I. -Wall -Wextra $(pkg-config --cflags $PKGS)"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install clang)"; exit 1; }
targets=$(ls tests/fuzz/fuzz_*.c 2>/dev/null || true)
[ -n "$targets" ] || { echo "fuzz: no tests/fuzz/fuzz_*.c"; exit 1; }
mkdir -p "$OUT/obj"

# The library, instrumented for coverage.  A file that does not compile is
# reported and left out: the link then fails only if a target needs it.
rm -f "$OUT/libfuzzdeps.a"
objs=""
for src in protocol/*.c lessons/*.c; do
	[ -f "$src" ] || continue
	obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if $CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src" -o "$obj"; then
		objs="$objs $obj"
	else
		echo "fuzz: WARNING: $src does not compile with $CC; left out"
	fi
done
# shellcheck disable=SC2086
ar rcs "$OUT/libfuzzdeps.a" $objs

ntargets=$(echo "$targets" | wc -w)
per=$((TOTAL / ntargets))
[ "$per" -ge 1 ] || per=1
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
	if [ -d "tests/fuzz/seeds-$short" ]; then
		cp tests/fuzz/seeds-"$short"/* "$corpus"/ 2>/dev/null || true
	fi
	# the lesson parser starts from the real lessons and the format's example
	if [ "$short" = lesson ]; then
		cp lessons/*.lesson "$corpus"/ 2>/dev/null || true
	fi
	echo "== $name: run ${per}s on $(ls "$corpus" | wc -l) corpus files"
	if "$OUT/$name" -max_total_time="$per" -print_final_stats=1 \
		-artifact_prefix="$OUT/$name-" "$corpus" >"$OUT/$name.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$name.log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$name.log")
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$OUT/$name.log" | tail -1)
		echo "== $name: ok, $execs executions, $rate exec/s, $cov"
	else
		status=1
		echo "== $name: FAILED (log: $OUT/$name.log)"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$OUT/$name.log" | head -20
	fi
done
exit $status

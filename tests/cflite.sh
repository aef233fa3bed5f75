#!/bin/sh
# tests/cflite.sh - .clusterfuzzlite/build.sh run by hand with the variables
# ClusterFuzzLite sets (no docker here): every target lands in $OUT with its
# seed corpus zip, dictionary and options file, and runs its seeds.
set -u
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/out" "$T/work"
CC=${CFLITE_CC:-clang} CFLAGS="-O0 -g -fsanitize=fuzzer-no-link" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$T/out" SRC="$(cd .. && pwd)" \
	WORK="$T/work" bash .clusterfuzzlite/build.sh >"$T/log" 2>&1 && ok ||
	bad "build.sh failed: $(tail -n 3 "$T/log")"
for t in fz_xmcheck fz_spec fz_prog fz_findings; do
	[ -x "$T/out/$t" ] && ok || bad "no $t"
	n=$(unzip -l "$T/out/${t}_seed_corpus.zip" 2>/dev/null | tail -n 1 |
		awk '{print $2}')
	[ "${n:-0}" -gt 0 ] && ok || bad "no seeds in ${t}_seed_corpus.zip"
	[ -s "$T/out/$t.dict" ] && ok || bad "no $t.dict"
	grep -q "^dict = $t.dict" "$T/out/$t.options" && ok || bad "$t.options"
	rm -rf "$T/seeds" && mkdir -p "$T/seeds"
	unzip -q "$T/out/${t}_seed_corpus.zip" -d "$T/seeds"
	(cd "$T/out" && "./$t" -runs=200 -seed=1 -dict="$t.dict" "$T/seeds" \
		>"$T/run" 2>&1) && ok || bad "$t fails on its seeds"
done
done_tests cflite

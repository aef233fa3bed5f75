#!/bin/sh
# tools/fuzz-million.sh - the spec loader, program text parser and findings
# loader targets under ASan + UBSan (MODE=fuzzsan), RUNS inputs each (default
# 1,000,000), with -seed=1 from their seed corpora and dictionaries: a
# measurement (`make fuzz-million`), not part of `make check`. The parser
# and findings targets run side by side, then the loader alone (it is the
# slow one: a YAML parse and a spec compile per input), so no two share a
# core on a 2-core machine. Prints, per target, the inputs run, the wall
# time and whether it crashed; exits 1 when one crashed or fell short.
set -eu
runs=${RUNS:-1000000}
fz=${FZ:-build/fuzzsan/fuzz}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
one() { # target
	mkdir -p "$W/c_$1"
	t0=$(now)
	rc=0
	"$fz/fz_$1" -seed=1 -runs="$runs" -print_final_stats=1 \
		-artifact_prefix="$W/" $([ -f "fuzz/$1.dict" ] &&
		echo "-dict=fuzz/$1.dict") "$W/c_$1" "build/seeds/$1" \
		>"$W/log.$1" 2>&1 || rc=$?
	t1=$(now)
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/log.$1")
	echo "$1 ${n:-0} $(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f", b - a }') $rc" >"$W/res.$1"
}
one prog &
one findings &
wait
one spec
status=0
for t in prog findings spec; do
	read -r name n secs rc <"$W/res.$t"
	what=ok
	if [ "$rc" -ne 0 ]; then
		what="CRASHED (exit $rc)"
		grep -m 3 'ERROR\|DEDUP_TOKEN\|runtime error' "$W/log.$t" || true
		status=1
	elif [ "$n" -lt "$runs" ]; then
		what="short of $runs"
		status=1
	fi
	printf 'fz_%-9s %9s inputs in %5s s (%s exec/s): %s\n' "$name" "$n" \
		"$secs" "$(awk -v n="$n" -v s="$secs" \
		'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" "$what"
done
exit "$status"

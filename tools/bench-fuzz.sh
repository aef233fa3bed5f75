#!/bin/sh
# tools/bench-fuzz.sh [SECONDS] - fuzzing throughput, side by side in one
# run (a benchmark, not a test; `make bench-fuzz`, part of `make bench`):
#   libFuzzer: the xmcheck target (model + sim, no sanitizers, programs cut
#              to 16 ops) against an empty target, exec/s;
#   AFL++:     the same two in persistent mode, exec/s.
# Inputs: 64 seeded random decoder-byte inputs of 256 bytes (16 ops each).
# Prints one line per figure and the ratios; never fails on them.
set -eu
secs=${1:-${BENCH_SECONDS:-20}}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
make -s MODE=fuzz fuzz-bins >/dev/null
make -s MODE=afl fuzz-bins >/dev/null 2>&1
mkdir -p "$W/in"
# decoder-form power inputs: header 0, then 255 bytes of a seeded LCG
LC_ALL=C awk -v W="$W" 'BEGIN { x = 12345; for (f = 0; f < 64; f++) {
	out = sprintf("%s/in/%02d", W, f); printf "%c", 0 > out;
	for (i = 0; i < 255; i++) { x = (x * 1103515245 + 12345) % 2147483648;
	printf "%c", int(x / 65536) % 256 > out } close(out) } }' </dev/null
export XMCHECK_MAX_OPS=16
lf() { # target -> "exec/s exec/cpu-s" (libFuzzer's final stats, CPU time)
	rm -rf "$W/c" && mkdir -p "$W/c" && cp "$W/in"/* "$W/c/"
	XMCHECK_FZ_STATS=$((secs - 1)) /usr/bin/time -f "cpu %U %S" -o "$W/cpu.$1" \
		"build/fuzz/fuzz/fz_$1" -max_total_time="$secs" -seed=1 \
		-max_len=256 -len_control=0 -print_final_stats=1 "$W/c" \
		>"$W/lf.$1" 2>&1 || true
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$W/lf.$1")
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/lf.$1")
	c=$(awk '/^cpu/ {print $2 + $3}' "$W/cpu.$1")
	echo "$r $(awk -v n="$n" -v c="$c" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')"
}
afl() { # target -> exec/s (fuzzer_stats)
	rm -rf "$W/o"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FAST_CAL=1 \
		afl-fuzz -V "$secs" -i "$W/in" -o "$W/o" -- \
		"build/afl/fuzz/fz_$1" >"$W/afl.$1" 2>&1 || true
	sed -n 's/^execs_per_sec *: *//p' "$W/o/default/fuzzer_stats" 2>/dev/null
}
set -- $(lf xmcheck)
echo "libFuzzer xmcheck target (model + sim, <= 16 ops): $1 exec/s ($2 per CPU second)"
grep -h '^fz-stats' "$W/lf.xmcheck" | tail -n 1
set -- $(lf empty)
echo "libFuzzer empty target:                            $1 exec/s ($2 per CPU second)"
c=$(afl xmcheck)
d=$(afl empty)
echo "AFL++ persistent xmcheck target:                 ${c:-?} exec/s"
echo "AFL++ persistent empty target:                   ${d:-?} exec/s"
[ -n "$c" ] && [ -n "$d" ] && awk -v c="$c" -v d="$d" \
	'BEGIN { printf "AFL++ xmcheck / empty: %.1f%%\n", 100 * c / d }'
echo "($secs s each; the machine is shared: figures are noisy)"

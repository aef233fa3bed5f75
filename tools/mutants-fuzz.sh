#!/bin/sh
# tools/mutants-fuzz.sh - every planted-bug simulator (impl/sim/mutants.txt)
# under the coverage-guided engines, from an empty corpus: seconds and
# executions to the first crash (a divergence), per mutant and engine.
# A long measurement (`make mutants-fuzz`), not a test.
#
#   sh tools/mutants-fuzz.sh [TABLE]
#
# Environment: MUTANTS (names to run; default every one), LIMIT (60 s per
# mutant and engine), ENGINES ("libfuzzer afl"), SEEDED (1: start from the
# seed corpus build/seeds/xmcheck instead of an empty one), REPORT
# (reports/mutants-fuzz.json). When reports/mutants.json (make mutants)
# exists, libfuzzer_s and afl_s are added to its rows too.
set -eu
table=${1:-impl/sim/mutants.txt}
limit=${LIMIT:-60}
engines=${ENGINES:-libfuzzer afl}
report=${REPORT:-reports/mutants-fuzz.json}
names=${MUTANTS:-$(awk '/^[0-9]/ {print $2}' "$table")}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$(dirname "$report")"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
for e in $engines; do
	case $e in
	libfuzzer) make -s MODE=fuzz fuzz-bins $(for n in $names; do
		echo build/fuzz/mutants/$n.so; done) >/dev/null ;;
	afl) make -s MODE=afl fuzz-bins $(for n in $names; do
		echo build/afl/mutants/$n.so; done) >/dev/null 2>&1 ;;
	esac
done
printf '%-30s %-10s %9s %11s  %s\n' mutant engine seconds execs signature
: >"$W/rows"
for n in $names; do
	lf_s=null lf_x=null lf_sig="" afl_s=null afl_x=null
	for e in $engines; do
		d=$W/$n-$e
		mkdir -p "$d/corpus" "$d/in"
		t0=$(now)
		if [ "$e" = libfuzzer ]; then
			XMCHECK_IMPL=build/fuzz/mutants/$n.so \
			build/fuzz/fuzz/fz_xmcheck -seed=1 \
				-max_total_time="$limit" -dict=fuzz/xmcheck.dict \
				-print_final_stats=1 -artifact_prefix="$d/" \
				"$d/corpus" ${SEEDED:+build/seeds/xmcheck} \
				>"$d/log" 2>&1 || true
			t1=$(now)
			sig=$(sed -n 's/^DEDUP_TOKEN: //p' "$d/log" | head -n 1)
			x=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
			if [ -n "$sig" ]; then
				lf_s=$(el "$t0" "$t1") lf_x=${x:-null} lf_sig=$sig
			fi
			printf '%-30s %-10s %9s %11s  %s\n' "$n" libfuzzer \
				"$lf_s" "$lf_x" "$sig"
		else
			printf '\000' >"$d/in/empty"
			[ -z "${SEEDED:-}" ] || cp build/seeds/xmcheck/* "$d/in/"
			XMCHECK_IMPL=build/afl/mutants/$n.so AFL_NO_UI=1 \
			AFL_BENCH_UNTIL_CRASH=1 AFL_SKIP_CPUFREQ=1 \
			AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
				afl-fuzz -V "$limit" -s 1 -i "$d/in" -o "$d/out" \
				-x fuzz/xmcheck.dict -- build/afl/fuzz/fz_xmcheck \
				>"$d/log" 2>&1 || true
			t1=$(now)
			st=$d/out/default/fuzzer_stats
			c=$(sed -n 's/^saved_crashes *: *//p' "$st" 2>/dev/null)
			[ -n "$c" ] || c=$(sed -n 's/^unique_crashes *: *//p' "$st" 2>/dev/null)
			x=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null)
			if [ "${c:-0}" -gt 0 ]; then
				afl_s=$(el "$t0" "$t1") afl_x=${x:-null}
			fi
			printf '%-30s %-10s %9s %11s\n' "$n" afl "$afl_s" "$afl_x"
		fi
	done
	printf '{"name": "%s", "libfuzzer_s": %s, "libfuzzer_execs": %s, "libfuzzer_signature": "%s", "afl_s": %s, "afl_execs": %s, "limit_s": %s}\n' \
		"$n" "$lf_s" "$lf_x" "$lf_sig" "$afl_s" "$afl_x" "$limit" >>"$W/rows"
done
jq -s --arg from "${SEEDED:+the seed corpus}" '{engines: ("libFuzzer and AFL++ from " + (if $from == "" then "an empty corpus" else $from end) + ", seed 1"),
	mutants: .}' "$W/rows" >"$report"
echo "report: $report"
if [ -f reports/mutants.json ] && [ "$report" != reports/mutants.json ]; then
	jq --slurpfile f "$report" '
		($f[0].mutants | map({(.name): .}) | add) as $m |
		walk(if type == "object" and has("name") and $m[.name]
		     then . + {libfuzzer_s: $m[.name].libfuzzer_s,
			       afl_s: $m[.name].afl_s} else . end)' \
		reports/mutants.json >"$W/m.json" && cp "$W/m.json" reports/mutants.json
	echo "libfuzzer_s, afl_s added to reports/mutants.json"
fi

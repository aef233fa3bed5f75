#!/bin/sh
# tools/mutants-fuzz.sh - every planted-bug simulator (impl/sim/mutants.txt)
# under the coverage-guided engines, from an empty corpus: seconds and
# executions to the first crash (a divergence), per mutant and engine.
# A long measurement (`make mutants-fuzz`), not a test.
#
#   sh tools/mutants-fuzz.sh [TABLE]
#
# Per mutant, libFuzzer (structure-aware mutator linked in) and AFL++
# (persistent, the same mutator as its custom mutator, the dictionary) run
# side by side, each pinned to its own core (taskset), so neither starves
# the other on a 2-core machine; with one core they run one after the other.
# libFuzzer: seconds are wall time to its exit at the first crash, execs its
# final stats. AFL++: seconds and execs are those in the name of its first
# crash file (time since it started, in ms, and executions), its signature
# is that crash replayed through the libFuzzer binary (DEDUP_TOKEN).
#
# Environment: MUTANTS (names to run; default every one), FUZZ_SEED (the
# engines' -seed / -s, default 1), LIMIT (60 s per
# mutant and engine), ENGINES ("libfuzzer afl"), SEEDED (1: start from the
# seed corpus build/seeds/xmcheck instead of an empty one), REPORT
# (reports/mutants-fuzz.json), MUTANTS_JSON (reports/mutants.json: when it
# exists, libfuzzer_s, libfuzzer_execs, libfuzzer_signature, afl_s,
# afl_execs, afl_signature and fuzz_limit_s are merged into its rows by
# mutant name, every other field kept).
set -eu
table=${1:-impl/sim/mutants.txt}
limit=${LIMIT:-60}
fseed=${FUZZ_SEED:-1}
engines=${ENGINES:-libfuzzer afl}
report=${REPORT:-reports/mutants-fuzz.json}
mjson=${MUTANTS_JSON:-reports/mutants.json}
names=${MUTANTS:-$(awk '/^[0-9]/ {print $2}' "$table")}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$(dirname "$report")"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Two cores: the engines side by side, one core each; else in turn.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
	pin0="taskset -c 0" pin1="taskset -c 1" par=1
else
	pin0="" pin1="" par=0
fi
# libFuzzer's binary replays AFL++'s crashes (signatures) in every case.
make -s -j2 MODE=fuzz fuzz-bins $(for n in $names; do
	echo build/fuzz/mutants/$n.so; done) >/dev/null
case " $engines " in *" afl "*)
	make -s -j2 MODE=afl fuzz-bins $(for n in $names; do
		echo build/afl/mutants/$n.so; done) >/dev/null 2>&1 ;;
esac

# run_lf NAME DIR: libFuzzer from an empty corpus; writes DIR/result
run_lf() {
	d=$2
	t0=$(now)
	XMCHECK_IMPL=build/fuzz/mutants/$1.so $pin0 \
	build/fuzz/fuzz/fz_xmcheck -seed="$fseed" \
		-max_total_time="$limit" -dict=fuzz/xmcheck.dict \
		-print_final_stats=1 -artifact_prefix="$d/" \
		"$d/corpus" ${SEEDED:+build/seeds/xmcheck} \
		>"$d/log" 2>&1 || true
	t1=$(now)
	sig=$(sed -n 's/^DEDUP_TOKEN: //p' "$d/log" | head -n 1)
	x=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	if [ -n "$sig" ]; then
		echo "$(el "$t0" "$t1") ${x:-null} $sig" >"$d/result"
	else
		echo "null null" >"$d/result"
	fi
}

# run_afl NAME DIR: AFL++ from one empty input; writes DIR/result
run_afl() {
	d=$2
	printf '\000' >"$d/in/empty"
	[ -z "${SEEDED:-}" ] || cp build/seeds/xmcheck/* "$d/in/"
	XMCHECK_IMPL=build/afl/mutants/$1.so AFL_NO_UI=1 \
	AFL_BENCH_UNTIL_CRASH=1 AFL_SKIP_CPUFREQ=1 \
	AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_CUSTOM_MUTATOR_LIBRARY=build/afl/fuzz/xmcheck-mutator.so \
		$pin1 afl-fuzz -V "$limit" -s "$fseed" -i "$d/in" -o "$d/out" \
		-x fuzz/xmcheck.dict -- build/afl/fuzz/fz_xmcheck \
		>"$d/log" 2>&1 || true
	c=$(ls "$d/out/default/crashes" 2>/dev/null | grep '^id:' |
		sort | head -n 1)
	if [ -z "$c" ]; then
		echo "null null" >"$d/result"
		return
	fi
	ms=$(echo "$c" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
	x=$(echo "$c" | sed -n 's/.*,execs:\([0-9]*\).*/\1/p')
	sig=$(XMCHECK_IMPL=build/fuzz/mutants/$1.so build/fuzz/fuzz/fz_xmcheck \
		"$d/out/default/crashes/$c" 2>&1 |
		sed -n 's/^DEDUP_TOKEN: //p' | head -n 1)
	echo "$(awk -v m="${ms:-0}" 'BEGIN { printf "%.2f", m / 1000 }')" \
		"${x:-null} $sig" >"$W/afl.tmp.$1"
	mv "$W/afl.tmp.$1" "$d/result"
}

printf '%-30s %-10s %9s %11s  %s\n' mutant engine seconds execs signature
: >"$W/rows"
for n in $names; do
	for e in $engines; do
		mkdir -p "$W/$n-$e/corpus" "$W/$n-$e/in"
		echo "null null" >"$W/$n-$e/result"
	done
	for e in $engines; do
		case $e in
		libfuzzer) f=run_lf ;;
		afl) f=run_afl ;;
		*) echo "mutants-fuzz: unknown engine $e" >&2; exit 2 ;;
		esac
		if [ "$par" = 1 ]; then
			$f "$n" "$W/$n-$e" &
		else
			$f "$n" "$W/$n-$e"
		fi
	done
	wait
	lf_s=null lf_x=null lf_sig="" afl_s=null afl_x=null afl_sig=""
	for e in $engines; do
		read -r s x sig <"$W/$n-$e/result" || true
		printf '%-30s %-10s %9s %11s  %s\n' "$n" "$e" "$s" "$x" "${sig:-}"
		case $e in
		libfuzzer) lf_s=$s lf_x=$x lf_sig=${sig:-} ;;
		afl) afl_s=$s afl_x=$x afl_sig=${sig:-} ;;
		esac
	done
	jq -nc --arg m "$n" --argjson ls "$lf_s" --argjson lx "$lf_x" \
		--arg lg "$lf_sig" --argjson fs "$afl_s" --argjson fx "$afl_x" \
		--arg fg "$afl_sig" --argjson lim "$limit" \
		'{name: $m, libfuzzer_s: $ls, libfuzzer_execs: $lx,
		  libfuzzer_signature: (if $lg == "" then null else $lg end),
		  afl_s: $fs, afl_execs: $fx,
		  afl_signature: (if $fg == "" then null else $fg end),
		  limit_s: $lim}' >>"$W/rows"
done
jq -s --arg from "${SEEDED:+the seed corpus}" --arg par "$par" \
	--arg seed "$fseed" '
	{engines: ("libFuzzer and AFL++ from " +
		   (if $from == "" then "an empty corpus" else $from end) +
		   ", seed " + $seed + (if $par == "1" then
		   ", side by side on one core each" else "" end)),
	 found: {libfuzzer: ([.[] | select(.libfuzzer_s != null)] | length),
		 afl: ([.[] | select(.afl_s != null)] | length),
		 of: length},
	 median_s: {libfuzzer: ([.[] | .libfuzzer_s // empty] | sort |
				if length > 0 then .[length / 2 | floor]
				else null end),
		    afl: ([.[] | .afl_s // empty] | sort |
			  if length > 0 then .[length / 2 | floor]
			  else null end)},
	 mutants: .}' "$W/rows" >"$report"
echo "report: $report"
jq -r '"found: libFuzzer \(.found.libfuzzer), AFL++ \(.found.afl) of \(.found.of);" +
	" median seconds: libFuzzer \(.median_s.libfuzzer), AFL++ \(.median_s.afl)"' \
	"$report"
if [ -f "$mjson" ] && [ "$report" != "$mjson" ]; then
	# Rows of make mutants ({mutant, killed, ...}) get the engines'
	# figures; every field another tool wrote stays.
	jq --slurpfile f "$report" '
		($f[0].mutants | map({(.name): .}) | add) as $m |
		map(if type == "object" and $m[.mutant] then
			. + ($m[.mutant] | {libfuzzer_s, libfuzzer_execs,
			     libfuzzer_signature, afl_s, afl_execs,
			     afl_signature, fuzz_limit_s: .limit_s})
		    else . end)' "$mjson" >"$W/m.json" &&
		cp "$W/m.json" "$mjson"
	echo "libfuzzer_s, afl_s (and execs, signatures) merged into $mjson"
fi

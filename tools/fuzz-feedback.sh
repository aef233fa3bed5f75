#!/bin/sh
# tools/fuzz-feedback.sh [SECONDS] [EVERY] - spec feedback on and off, side
# by side: the xmcheck libFuzzer target (MODE=fuzz, sim) from an empty
# corpus, once with XMCHECK_SPEC_FEEDBACK=1 and once with 0, both at the
# same time with the same -seed; every EVERY seconds each prints the
# distinct clauses, clause pairs, page-state combinations and clauses in
# context (kinds of memory, descriptor, level) reached
# (XMCHECK_FZ_STATS). Prints a table. A measurement, not a test.
set -eu
secs=${1:-300}
every=${2:-30}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
make -s MODE=fuzz fuzz-bins >/dev/null
for fb in 1 0; do
	mkdir -p "$W/c$fb"
	XMCHECK_SPEC_FEEDBACK=$fb XMCHECK_FZ_STATS=$every \
		build/fuzz/fuzz/fz_xmcheck -seed=1 -max_total_time="$secs" \
		-dict=fuzz/xmcheck.dict -print_final_stats=1 \
		-artifact_prefix="$W/" "$W/c$fb" >"$W/log$fb" 2>&1 &
done
wait
printf '%6s | %-42s | %-42s\n' "" "spec feedback on" "spec feedback off"
printf '%6s | %8s %7s %7s %8s %7s | %8s %7s %7s %8s %7s\n' t execs clauses \
	pairs states ctx execs clauses pairs states ctx
for f in 1 0; do
	sed -n 's/^fz-stats: t=\([0-9]*\) execs=\([0-9]*\) clauses=\([0-9]*\) pairs=\([0-9]*\) states=\([0-9]*\) contexts=\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' \
		"$W/log$f" >"$W/s$f"
done
paste -d' ' "$W/s1" "$W/s0" | awk 'NF == 12 {
	printf "%5ss | %8s %7s %7s %8s %7s | %8s %7s %7s %8s %7s\n",
	$1, $2, $3, $4, $5, $6, $8, $9, $10, $11, $12 }'
for f in 1 0; do
	echo "feedback $f: $(grep -c . "$W/c$f/"* 2>/dev/null | wc -l) corpus units," \
		"$(sed -n 's/^stat::average_exec_per_sec: *//p' "$W/log$f") exec/s"
done

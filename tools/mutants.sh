#!/bin/sh
# tools/mutants.sh - run every planted-bug simulator against the model.
#
#   sh tools/mutants.sh [TABLE]        (TABLE: impl/sim/mutants.txt)
#
# For each line `N name description` of TABLE it runs
#   xmcheck run --impl MUTDIR/name.so --seed SEED --runs RUNS --quiet
# on profile power, and on powerpc only when power did not kill it. A mutant
# is killed when the run diverged within OPS_BUDGET ops (first_divergence.ops
# of the run summary). repro_ops is the length in ops of the minimized
# reproducer the run kept for its first divergence (the finding whose
# signature is first_divergence.signature). Prints a table and writes it as
# JSON to REPORT (merged per mutant over what REPORT already holds, so that
# fields other tools add survive). signatures is the number of distinct
# finding signatures the mutant's run kept (one bug should be one finding:
# docs/WORLD.md, "One bug, one signature"). Exit status: 0 every mutant
# killed, 1 one survived, 2 a run failed or something is missing.
#
# Environment: XMCHECK (build/release/xmcheck), MUTDIR
# (build/release/mutants), SEED (1), RUNS (50000 programs, about 1,000,000
# ops), OPS_BUDGET (1000000), REPORT (reports/mutants.json). Run summaries
# and findings are kept in MUTDIR/runs/.
set -eu

table=${1:-impl/sim/mutants.txt}
xmcheck=${XMCHECK:-build/release/xmcheck}
mutdir=${MUTDIR:-build/release/mutants}
seed=${SEED:-1}
runs=${RUNS:-50000}
budget=${OPS_BUDGET:-1000000}
report=${REPORT:-reports/mutants.json}

die() { echo "mutants.sh: $*" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || die "jq not found (make deps installs it)"
[ -x "$xmcheck" ] || die "$xmcheck: not built"
[ -r "$table" ] || die "$table: cannot read"

work=$mutdir/runs
rm -rf "$work"
mkdir -p "$work" "$(dirname "$report")"
names=$work/names
rows=$work/rows.jsonl
awk '/^[0-9]/ {print $2}' "$table" >"$names"
: >"$rows"
[ -s "$names" ] || die "$table: no mutants"

now() { date +%s.%N; }

# The minimized reproducer of signature $2 in findings directory $1, or empty.
finding_of() {
	for f in "$1"/*.prog; do
		[ -f "$f" ] || continue
		if grep -qFx "# signature: $2" "$f"; then
			echo "$f"
			return
		fi
	done
}

row() { printf '%-30s %-6s %-13s %11s %8s %9s\n' "$@"; }
row mutant killed profile ops_to_kill seconds repro_ops
status=0
equiv=${EQUIV:-$(dirname "$table")/equivalent.txt}
# The reason a mutant is a legal reading, or "" (impl/sim/equivalent.txt).
equiv_of() {
	[ -f "$equiv" ] || return 0
	awk -v n="$1" '$1 == n { $1 = ""; sub(/^ +/, ""); print; exit }' "$equiv"
}
while read -r name; do
	so=$mutdir/$name.so
	killed=false ops=null repro=null prof=- err="" note="" nsig=0
	t0=$(now)
	if [ ! -f "$so" ]; then
		err="$so: not built"
	else
		for prof in power powerpc; do
			out=$work/$name-$prof
			rc=0
			"$xmcheck" run --impl "$so" --profile "$prof" \
				--seed "$seed" --runs "$runs" --quiet \
				--findings "$out.findings" \
				--summary-json "$out.json" >"$out.txt" 2>&1 ||
				rc=$?
			if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
				err="xmcheck run exited $rc (see $out.txt)"
				break
			fi
			[ "$(jq '.divergences' "$out.json")" -gt 0 ] || continue
			# distinct signatures: one bug should be one finding
			nsig=$(ls "$out.findings" 2>/dev/null | grep -c '\.prog$')
			ops=$(jq '.first_divergence.ops // null' "$out.json")
			sig=$(jq -r '.first_divergence.signature // empty' \
				"$out.json")
			f=$(finding_of "$out.findings" "$sig")
			[ -n "$f" ] && repro=$(grep -cvE '^[[:space:]]*(#|$)' "$f")
			if [ "$ops" != null ] && [ "$ops" -le "$budget" ]; then
				killed=true
			else
				note="diverged only after $ops ops (budget $budget)"
			fi
			break
		done
	fi
	# a survivor ran on both profiles
	[ "$killed" = true ] || [ -n "$err" ] || prof=power+powerpc
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	row "$name" "$killed" "$prof" "$ops" "$secs" "$repro"
	[ -z "$note" ] || echo "  $name: $note" >&2
	if [ -n "$err" ]; then
		echo "  $name: $err" >&2
		status=2
	fi
	why=$(equiv_of "$name")
	if [ -n "$why" ] && [ "$killed" = true ]; then
		echo "  $name: listed as equivalent but killed" >&2
		status=1
	elif [ -z "$why" ] && [ "$killed" != true ] && [ "$status" -eq 0 ]; then
		status=1
	fi
	[ -z "$why" ] || [ "$killed" = true ] || echo "  $name: equivalent: $why"
	jq -nc --arg m "$name" --argjson k "$killed" --argjson o "$ops" \
		--argjson s "$secs" --argjson r "$repro" --arg p "$prof" \
		--arg e "$why" --argjson g "$nsig" \
		'{mutant: $m, killed: $k, ops_to_kill: $o, seconds: $s,
		  repro_ops: $r, profile: $p, signatures: $g,
		  equivalent: (if $e == "" then null else $e end)}' >>"$rows"
done <"$names"

# Fields other tools add to a mutant's row (libfuzzer_s, afl_s, ...) are
# kept: each new row is merged over the old row of the same mutant. Rows of
# mutants no longer in the table are dropped.
if [ -s "$report" ] && jq -e 'type == "array"' "$report" >/dev/null 2>&1; then
	jq -s --slurpfile old "$report" \
		'($old[0] | map({(.mutant): .}) | add // {}) as $o |
		 map(($o[.mutant] // {}) + .)' "$rows" >"$report.tmp"
else
	jq -s '.' "$rows" >"$report.tmp"
fi
mv "$report.tmp" "$report"
total=$(jq 'length' "$report")
dead=$(jq '[.[] | select(.killed)] | length' "$report")
eq=$(jq '[.[] | select(.equivalent != null and (.killed | not))] | length' \
	"$report")
long=$(jq '[.[] | select(.killed and .repro_ops != null and .repro_ops > 8)
	   | .mutant] | join(" ")' -r "$report")
echo "killed $dead of $total mutants, $eq equivalent (seed $seed, $runs" \
	"programs each); report: $report"
[ -z "$long" ] || echo "reproducers longer than 8 ops: $long"
jq -r '[.[] | select(.killed) | .signatures] | sort |
	"signatures per killed mutant: median \(.[length / 2 | floor]), max \(max)"' \
	"$report"
exit "$status"

#!/bin/sh
# tools/variants.sh - run every legitimate-variant simulator against the model.
#
#   sh tools/variants.sh [TABLE]       (TABLE: impl/sim/variants.txt)
#
# For each line `N name description` of TABLE and each profile (power,
# powerpc) it runs
#   xmcheck run --impl VARDIR/name.so --profile P --seed SEED --runs RUNS
# and reads the run's summary JSON. A variant is a reading the pages allow,
# so the model must accept it: every run must show 0 divergences. Prints a
# table and writes REPORT, a JSON array of {variant, profile, programs,
# divergences, readings, first_signature, why} (readings: the summary's
# `readings` object, {} when the summary has none; why: the `# why:` line
# under the variant in TABLE). Exit status: 0 no variant diverged, 1 one
# diverged, 2 a run failed or something is missing.
#
# Environment: XMCHECK (build/release/xmcheck), VARDIR
# (build/release/variants), SEED (1), RUNS (100000 programs per profile),
# PROFILES ("power powerpc"), ONLY (names of the variants to run; default
# all), REPORT (reports/variants.json). Run summaries and findings are kept
# in VARDIR/runs/.
set -eu

table=${1:-impl/sim/variants.txt}
xmcheck=${XMCHECK:-build/release/xmcheck}
vardir=${VARDIR:-build/release/variants}
seed=${SEED:-1}
runs=${RUNS:-100000}
profiles=${PROFILES:-power powerpc}
report=${REPORT:-reports/variants.json}

die() { echo "variants.sh: $*" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || die "jq not found (make deps installs it)"
[ -x "$xmcheck" ] || die "$xmcheck: not built"
[ -r "$table" ] || die "$table: cannot read"

work=$vardir/runs
rm -rf "$work"
mkdir -p "$work" "$(dirname "$report")"
names=$work/names
rows=$work/rows.jsonl
# name<TAB>why: the why line is the first `# why:` comment after the entry
awk '/^[0-9]/ { if (n != "") print n "\t" w; n = $2; w = ""; next }
     n != "" && w == "" && /^[[:space:]]*# why:/ {
	sub(/^[[:space:]]*# why:[[:space:]]*/, ""); w = $0 }
     END { if (n != "") print n "\t" w }' "$table" >"$names"
: >"$rows"
[ -s "$names" ] || die "$table: no variants"

row() { printf '%-24s %-8s %9s %11s  %s\n' "$@"; }
row variant profile programs divergences first_signature
status=0
tab=$(printf '\t')
while IFS="$tab" read -r name why; do
	case " ${ONLY:-$name} " in *" $name "*) ;; *) continue ;; esac
	so=$vardir/$name.so
	[ -f "$so" ] || die "$so: not built"
	for prof in $profiles; do
		out=$work/$name-$prof
		rc=0
		"$xmcheck" run --impl "$so" --profile "$prof" --seed "$seed" \
			--runs "$runs" --quiet --findings "$out.findings" \
			--summary-json "$out.json" >"$out.txt" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
			echo "  $name/$prof: xmcheck run exited $rc" \
				"(see $out.txt)" >&2
			status=2
			continue
		fi
		jq -c --arg v "$name" --arg p "$prof" --arg why "$why" \
			'{variant: $v, profile: $p, programs: .programs,
			  divergences: .divergences,
			  readings: (.readings // {}),
			  first_signature: (.first_divergence.signature // null),
			  why: $why}' "$out.json" >>"$rows"
		div=$(jq '.divergences' "$out.json")
		row "$name" "$prof" "$(jq '.programs' "$out.json")" "$div" \
			"$(jq -r '.first_divergence.signature // "-"' \
				"$out.json")"
		[ "$div" -eq 0 ] || [ "$status" -ne 0 ] || status=1
	done
done <"$names"

jq -s '.' "$rows" >"$report.tmp" && mv "$report.tmp" "$report"
total=$(jq '[.[].variant] | unique | length' "$report")
bad=$(jq -r '[.[] | select(.divergences > 0) | .variant] | unique
	     | join(" ")' "$report")
echo "$total variants, seed $seed, $runs programs per profile;" \
	"report: $report"
[ -z "$bad" ] || echo "diverged (the model refuses a legitimate reading): $bad"
exit "$status"

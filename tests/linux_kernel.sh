#!/bin/sh
# tests/linux_kernel.sh - the Linux shim's kernel side: each optional kernel
# feature forced off (XMCHECK_LINUX_DISABLE) still gives a clean short run,
# and the summary names the feature as unavailable with its effect; the
# planted bug linux-munlock-early is found by the kernel check (KPF_MLOCKED)
# and not without it; fresh worlds and reused worlds give the same trace.
# Process images and kernel space (W12, W13) run in every configuration.
# Needs jq and the Linux shim (LINUX=1).
set -u
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-600}

# avail JSON NAME: prints true/false for the feature NAME of impl 0.
avail() {
	jq -r --arg n "$2" '.impls[0].features[] | select(.name == $n) |
		.available' "$1"
}

for f in uffd procmap_query pagemap_scan kpageflags kernel_check \
	procmap_query,pagemap_scan; do
	for p in power powerpc; do
		XMCHECK_LINUX_DISABLE=$f "$X" run --impl linux --profile $p \
			--seed 1 --runs "$RUNS" --findings "$T/f" \
			--summary-json "$T/s.json" >"$T/out" 2>"$T/err" ||
			bad "disable=$f $p: exit $?"
		d=$(jq .divergences "$T/s.json")
		[ "$d" = 0 ] && ok || bad "disable=$f $p: $d divergences"
		# images and kernel space run with the feature off too
		for c in xmattach.attach-kernel xmattach.attach-user-text; do
			[ "$(jq -r --arg c $c '.clauses.status.linux[$c]' \
				"$T/s.json")" = pass ] && ok ||
				bad "disable=$f $p: $c not passed"
		done
		for g in $(echo "$f" | tr , ' '); do
			[ "$(avail "$T/s.json" "$g")" = false ] && ok ||
				bad "disable=$f: $g not reported unavailable"
			grep -q "feature $g unavailable: disabled" "$T/out" && ok ||
				bad "disable=$f: no text line for $g"
		done
	done
done
# every feature is listed, with an effect
n=$(jq '[.impls[0].features[] | select(.effect != "")] | length' "$T/s.json")
[ "$n" = 5 ] && ok || bad "features listed: $n, want 5"

# a name the shim does not know: one-line error, exit 2
XMCHECK_LINUX_DISABLE=bogus "$X" run --impl linux --runs 1 >"$T/out" 2>"$T/err"
[ $? = 2 ] && ok || bad "unknown feature name: exit not 2"
grep -q "unknown feature 'bogus'" "$T/err" && ok || bad "no error for 'bogus'"

# the planted bug: found through KPF_MLOCKED, invisible to bookkeeping
M=$B/mutants/linux-munlock-early.so
if [ -r /proc/kpageflags ] && [ -f "$M" ]; then
	"$X" run --impl "$M" --seed 1 --runs 300 --findings "$T/m1" \
		--summary-json "$T/m1.json" >"$T/out" 2>"$T/err"
	sig=$(jq -r '.first_divergence.signature' "$T/m1.json")
	[ "$sig" = linux/step/unpin/pin_count ] && ok ||
		bad "munlock-early: first divergence '$sig'"
	XMCHECK_LINUX_DISABLE=kernel_check "$X" run --impl "$M" --seed 1 \
		--runs 300 --findings "$T/m2" --summary-json "$T/m2.json" \
		>"$T/out" 2>"$T/err"
	[ "$(jq .divergences "$T/m2.json")" = 0 ] && ok ||
		bad "munlock-early found without the kernel check"
	XMCHECK_LINUX_DISABLE=kpageflags "$X" run --impl "$M" --seed 1 \
		--runs 300 --findings "$T/m3" --summary-json "$T/m3.json" \
		>"$T/out" 2>"$T/err"
	sig=$(jq -r '.first_divergence.signature' "$T/m3.json")
	[ "$sig" = linux/step/unpin/pin_count ] && ok ||
		bad "munlock-early (smaps fallback): first divergence '$sig'"
else
	echo "linux_kernel.sh: no /proc/kpageflags or $M: mutant case skipped"
fi

# fast reset: the same programs on reused worlds (children and segments
# restored in place) and on fresh ones give byte-identical traces
for cfg in power: powerpc: power:uffd; do
	p=${cfg%%:*}
	d=${cfg#*:}
	for fr in 0 1; do
		XMCHECK_LINUX_DISABLE=$d XMCHECK_LINUX_FRESH=$fr "$X" run \
			--impl linux --profile $p --seed 2 --runs "$RUNS" \
			--findings "$T/t" --summary-json "$T/t$fr.json" \
			--trace "$T/trace$fr" >"$T/out" 2>"$T/err" ||
			bad "trace run $cfg fresh=$fr: exit $?"
	done
	[ -s "$T/trace0" ] && cmp -s "$T/trace0" "$T/trace1" && ok ||
		bad "$cfg: traces differ between reused and fresh worlds"
	[ "$(jq .divergences "$T/t0.json")" = 0 ] && ok ||
		bad "$cfg: reused worlds diverge"
done

done_tests linux_kernel.sh

#!/bin/sh
# tests/fuzz.sh - the fuzz targets in `make check`: each runs a fixed number
# of inputs with a fixed -seed and no crash; the seed corpus replays through
# the libFuzzer binary; a planted bug is found from nothing, its crash file
# replays with `xmcheck replay` and minimizes into a finding with the same
# signature; spec feedback adds features. FZ = build/<mode>/fuzz.
set -u
. "$(dirname "$0")/lib.sh"
FZ=${FZ:-build/fuzzsan/fuzz}
RUNS=${RUNS:-2000}
S=build/seeds
BUGGY_CLI=${BUGGY_CLI:-build/sanitize/tests/buggy.so}

for t in xmcheck spec prog findings; do
	mkdir -p "$T/c_$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	if "$FZ/fz_$t" -seed=1 -runs="$RUNS" $dict "$T/c_$t" "$S/$t" \
		>"$T/log" 2>&1; then ok
	else bad "fz_$t crashed: $(grep -m1 'DEDUP_TOKEN\|ERROR' "$T/log")"; fi
done

# The whole seed corpus, each file once, through the libFuzzer binary.
n=$(ls "$S/xmcheck" | wc -l)
"$FZ/fz_xmcheck" "$S/xmcheck"/* >"$T/log" 2>&1 && ok ||
	bad "seed corpus diverges: $(grep -m1 DEDUP_TOKEN "$T/log")"
r=$(grep -c '^Executed ' "$T/log")
[ "$r" = "$n" ] && ok || bad "replayed $r of $n seed files"

# Spec feedback shows as features libFuzzer counts (ft:) on the same corpus;
# so does its context (kinds of memory, descriptor, level).
ft() {
	env XMCHECK_SPEC_FEEDBACK="$1" XMCHECK_SPEC_CONTEXT="$2" \
		"$FZ/fz_xmcheck" -runs=0 "$S/xmcheck" 2>&1 |
		sed -n 's/.*INITED .* ft: \([0-9]*\).*/\1/p'
}
on=$(ft 1 1)
bare=$(ft 1 0)
off=$(ft 0 1)
[ -n "$on" ] && [ -n "$off" ] && [ "$on" -gt "$off" ] && ok ||
	bad "spec feedback adds no features ($on with, $off without)"
[ -n "$bare" ] && [ "$on" -gt "$bare" ] && ok ||
	bad "the context adds no features ($on with, $bare without)"

# A planted bug, from an empty corpus: found, deduplicated by signature.
mkdir -p "$T/c_b" "$T/art"
XMCHECK_IMPL="$B/tests/buggy.so" "$FZ/fz_xmcheck" -seed=1 -runs=200000 \
	-artifact_prefix="$T/art/" "$T/c_b" >"$T/log" 2>&1
[ $? != 0 ] && ok || bad "the buggy plug-in was not found"
sig=$(sed -n 's/^DEDUP_TOKEN: //p' "$T/log" | head -n 1)
case "$sig" in buggy/*/*/*) ok ;; *) bad "DEDUP_TOKEN '$sig'" ;; esac
crash=$(ls "$T/art"/crash-* 2>/dev/null | head -n 1)
[ -n "$crash" ] && ok || bad "no crash file"
if [ -n "$crash" ]; then
	"$XMCHECK" replay "$crash" --impl "$BUGGY_CLI" >"$T/out" 2>&1
	[ $? = 1 ] && ok || bad "crash file does not replay as a divergence"
	"$XMCHECK" replay "$crash" --impl sim >"$T/out" 2>&1 && ok ||
		bad "crash file diverges on sim"
	"$XMCHECK" minimize "$crash" --impl "$BUGGY_CLI" -o "$T/min.prog" \
		2>/dev/null && ok || bad "crash file does not minimize"
	grep -q "^# signature: $sig\$" "$T/min.prog" && ok ||
		bad "minimized finding lost signature $sig"
fi
done_tests fuzz

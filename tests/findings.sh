#!/bin/sh
# tests/findings.sh - findings that last: kept durably (even through
# SIGKILL), one per signature, minimized, replayable, and turned into C
# reproducers that build and exit non-zero against the buggy plug-in only.
set -u
. "$(dirname "$0")/lib.sh"
BUGGY=$B/tests/buggy.so

# complete DIR: every finding ends with "# end" and names its signature.
complete() {
	for f in "$1"/*.prog; do
		[ -e "$f" ] || continue
		[ "$(tail -n 1 "$f")" = "# end" ] || { bad "truncated $f"; return; }
		grep -q '^# signature: ' "$f" || { bad "no signature in $f"; return; }
	done
	ok
}

"$X" run --impl "$BUGGY" --seed 5 --runs 3000 --findings "$T/f" \
	--summary-json "$T/s.json" >"$T/out" 2>"$T/err"
[ $? = 1 ] && ok || bad "run against the buggy plug-in did not exit 1"
n=$(ls "$T/f"/*.prog 2>/dev/null | wc -l)
[ "$n" -ge 3 ] && ok || bad "expected >= 3 findings, got $n"
complete "$T/f"
grep -q '^# signature: buggy/xmemin/xmemin.copy/kbuf_overrun$' "$T/f"/*.prog &&
	ok || bad "no kbuf overrun finding"
grep -q '"first_divergence": {"signature"' "$T/s.json" && ok ||
	bad "summary lacks first_divergence"
for f in "$T/f"/*.prog; do
	ops=$(grep -vc '^#' "$f")
	[ "$ops" -le 10 ] && ok || bad "$f has $ops ops after minimizing"
done
"$X" corpus "$T/f" --impl "$BUGGY" >"$T/out" && ok ||
	bad "findings do not replay: $(cat "$T/out")"
# A finding names its implementation: sim replays the programs cleanly.
"$X" corpus "$T/f" --impl sim >/dev/null && ok || bad "findings diverge on sim"

# A rerun keeps nothing twice and reports no signature as new.
"$X" run --impl "$BUGGY" --seed 5 --runs 3000 --findings "$T/f" >"$T/out"
grep -q '^findings: 0 new' "$T/out" && ok || bad "rerun reported new findings"
[ "$(ls "$T/f"/*.prog | wc -l)" = "$n" ] && ok || bad "rerun added files"

# SIGKILL at random moments: what a run said it kept is there and whole.
i=0
while [ $i -lt 20 ]; do
	d="$T/k$i"
	"$X" run --impl "$BUGGY" --seed $((i + 100)) --runs 1000000 \
		--findings "$d" >"$T/k.out" 2>/dev/null &
	pid=$!
	sleep "0.$(( (i * 37) % 9 + 1 ))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	for f in $(sed -n 's/^  kept: \(.*\) (.*/\1/p' "$T/k.out"); do
		[ -s "$f" ] || bad "kill $i lost $f"
	done
	complete "$d"
	ls -a "$d" 2>/dev/null | grep -q '\.tmp$' && "$X" run --runs 1 --findings "$d" \
		>/dev/null
	ls -a "$d" 2>/dev/null | grep -q '\.tmp$' && bad "stale temporary file in $d"
	i=$((i + 1))
done

# A C reproducer: builds with one cc line, exits 1 on buggy, 0 on sim.
f=$(ls "$T/f"/*.prog | head -n 1)
"$X" repro "$f" --c "$T/repro.c" --impl "$BUGGY" >/dev/null && ok ||
	bad "repro failed"
cc ${REPRO_CFLAGS:-} -std=c11 -Wall -Wextra -Werror -Iharness -o "$T/repro" \
	"$T/repro.c" -ldl &&
	ok || bad "reproducer does not build"
"$T/repro" "$BUGGY" >/dev/null
[ $? = 1 ] && ok || bad "reproducer does not fail on the buggy plug-in"
"$T/repro" "$B/plugins/sim.so" >/dev/null && ok ||
	bad "reproducer fails on sim"

done_tests findings

#!/bin/sh
# tools/repro-mutants.sh - a reproducer must fail on the bug it was made
# from: for every mutant .so in MUTDIR, run it, and for each finding write
# the C reproducer, build it, and check it exits 1 on the mutant and 0 on
# the simulator. Prints one line per finding and a total; exits 1 when a
# reproducer misses its bug.
set -u
X=${XMCHECK:-build/release/xmcheck}
MUTDIR=${MUTDIR:-build/release/mutants}
SIM=${SIM:-build/release/plugins/sim.so}
RUNS=${RUNS:-5000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
total=0 missed=0
for so in "$MUTDIR"/*.so; do
	[ -e "$so" ] || continue
	m=$(basename "$so" .so)
	"$X" run --impl "$so" --seed 1 --runs "$RUNS" --quiet \
		--findings "$T/$m" >/dev/null 2>&1
	for f in "$T/$m"/*.prog; do
		[ -e "$f" ] || continue
		total=$((total + 1))
		sig=$(sed -n 's/^# signature: //p' "$f")
		if ! "$X" repro "$f" --c "$T/r.c" >/dev/null 2>"$T/err" ||
			! cc -std=c11 -Iharness -o "$T/r" "$T/r.c" -ldl 2>>"$T/err"; then
			echo "MISSED $m $sig: no reproducer: $(head -n 1 "$T/err")"
			missed=$((missed + 1))
			continue
		fi
		"$T/r" "$so" >/dev/null 2>&1
		on_mut=$?
		"$T/r" "$SIM" >/dev/null 2>&1
		on_sim=$?
		if [ "$on_mut" = 1 ] && [ "$on_sim" = 0 ]; then
			echo "ok     $m $sig"
		else
			echo "MISSED $m $sig: exit $on_mut on the mutant, $on_sim on sim"
			missed=$((missed + 1))
		fi
	done
done
echo "repro-mutants: $total findings, $missed reproducers missed their bug"
[ "$missed" = 0 ]

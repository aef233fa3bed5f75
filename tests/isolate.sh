#!/bin/sh
# tests/isolate.sh - a plug-in that segfaults, aborts, hangs, allocates
# without bound or opens a socket: the run survives it, keeps exactly one
# minimized finding of the right kind, prints its summary with the fault
# counted; a rerun counts the finding as known. Then the isolated simulator
# gives the in-process run's figures exactly.
set -u
. "$(dirname "$0")/lib.sh"

# fault KIND SIGNATURE RUNS OPTIONS...
fault() {
	kind=$1 sig=$2 runs=$3
	shift 3
	so=$B/tests/faulty-$kind.so
	for round in 1 2; do
		"$X" run --impl "$so" --seed 1 --runs "$runs" --findings "$T/$kind" \
			--summary-json "$T/$kind.json" "$@" >"$T/out" 2>"$T/err"
		st=$?
		[ $st = 1 ] && ok || bad "$kind round $round: exit $st, want 1"
		grep -q "^programs $runs " "$T/out" && ok ||
			bad "$kind round $round: no summary"
		grep -Eq "^faulty: isolated; faults: .*[1-9]" "$T/out" && ok ||
			bad "$kind round $round: faults not counted"
		n=$(ls "$T/$kind"/*.prog 2>/dev/null | wc -l)
		[ "$n" = 1 ] && ok || bad "$kind round $round: $n findings, want 1"
		f=$(ls "$T/$kind"/*.prog | head -n 1)
		grep -q "^# signature: $sig\$" "$f" && ok ||
			bad "$kind: signature $(grep '^# signature' "$f"), want $sig"
		jq -e '.impls[0].isolated' "$T/$kind.json" >/dev/null && ok ||
			bad "$kind: summary JSON does not say isolated"
	done
	grep -q "findings: 0 new in $T/$kind, 1 signatures seen" "$T/out" && ok ||
		bad "$kind: rerun does not count the finding as known"
	ops=$(grep -vc '^#' "$f")
	[ "$ops" -le "${MAXOPS:-4}" ] && ok || bad "$kind: not minimized ($ops ops)"
}

fault segv 'faulty/crash/xmattach/SIGSEGV' 12
fault abort 'faulty/crash/xmattach/SIGABRT' 12
fault socket 'faulty/sandbox/socket' 12
MAXOPS=64 fault hang 'faulty/timeout/xmattach' 3 --timeout-ms 300
fault leak 'faulty/oom/xmattach' 3 --max-rss 16 --timeout-ms 20000

# Hooks that cannot observe (the template's stubs) are not divergences.
"$X" run --impl "$B/tests/faulty-blind.so" --seed 1 --runs 200 --quiet \
	--findings "$T/blind" >"$T/out" 2>&1
[ $? = 0 ] && [ ! -e "$T/blind" ] && ok ||
	bad "cannot observe became a divergence: $(sed -n 2p "$T/out")"

# The worker changes nothing but where the hooks run: same figures, across
# re-forks (--refork 500).
"$X" run --impl sim --seed 4 --runs 1200 --quiet >"$T/in" 2>&1
"$X" run --impl sim --isolate --refork 500 --seed 4 --runs 1200 --quiet \
	>"$T/iso" 2>&1
a=$(sed -n 2p "$T/in" | sed 's/  [0-9.]*s .*//')
b=$(sed -n 2p "$T/iso" | sed 's/  [0-9.]*s .*//')
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "isolated sim differs: '$a' / '$b'"
# The Linux shim creates processes (XMC_CAP_CHILDREN): isolated under the
# sandbox, it gives the same figures too.
if "$X" run --impl linux --runs 1 >/dev/null 2>&1; then
	"$X" run --impl linux --seed 2 --runs 100 --quiet >"$T/lin" 2>&1
	"$X" run --impl linux --isolate --seed 2 --runs 100 --quiet \
		>"$T/liniso" 2>&1
	a=$(sed -n 2p "$T/lin" | sed 's/  [0-9.]*s .*//')
	b=$(sed -n 2p "$T/liniso" | sed 's/  [0-9.]*s .*//')
	[ -n "$a" ] && [ "$a" = "$b" ] && ok ||
		bad "isolated linux differs: '$a' / '$(cat "$T/liniso")'"
fi
# An isolated plug-in's reasons for missing capabilities reach the summary.
"$X" run --impl "$B/plugins/template.so" --runs 2 \
	--summary-json "$T/tpl.json" >/dev/null 2>&1
jq -e '.impls[0].missing_caps[0].reason | test("template")' "$T/tpl.json" \
	>/dev/null && ok || bad "isolated template: cap reasons lost"
# A buggy plug-in's findings are the same in and out of process.
"$X" run --impl "$B/tests/buggy.so" --seed 5 --runs 300 --no-minimize \
	--findings "$T/b1" --trace "$T/t1" >/dev/null 2>&1
"$X" run --impl "$B/tests/buggy.so" --no-isolate --seed 5 --runs 300 \
	--no-minimize --findings "$T/b2" --trace "$T/t2" >/dev/null 2>&1
[ "$(ls "$T/b1")" = "$(ls "$T/b2")" ] && [ -n "$(ls "$T/b1")" ] && ok ||
	bad "findings differ in and out of process"
cmp -s "$T/t1" "$T/t2" && ok || bad "traces differ in and out of process"
# --no-sandbox: a socket is no longer refused.
"$X" run --impl "$B/tests/faulty-socket.so" --no-sandbox --seed 1 --runs 5 \
	--findings "$T/ns" >/dev/null 2>&1
[ ! -e "$T/ns" ] || ! ls "$T/ns" | grep -q sandbox && ok ||
	bad "--no-sandbox still refuses the socket"

done_tests isolate

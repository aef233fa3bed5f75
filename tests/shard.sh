#!/bin/sh
# tests/shard.sh - scale-out of `xmcheck run`: --jobs 2, and two --shard
# runs merged with `xmcheck merge`, give the summary one run gives (all but
# elapsed time and the findings directory's name) and the same findings;
# merge refuses what is not every shard of one run.
set -u
. "$(dirname "$0")/lib.sh"
BUGGY=${BUGGY_CLI:-$B/tests/buggy.so}
norm() { jq -S 'del(.elapsed_s, .findings.dir)' "$1"; }

cases="sim:power:1500 $BUGGY:power:1500 sim:powerpc:1000"
# The Linux shim lacks capabilities: unsupported and not_observed lists.
"$X" run --impl linux --runs 1 --findings "$T/probe" >/dev/null 2>&1 &&
	cases="$cases linux:powerpc:300 linux:power:300"
for c in $cases; do
	impl=${c%%:*} rest=${c#*:}
	prof=${rest%%:*} runs=${rest#*:}
	rm -rf "$T"/f* "$T"/*.json
	a="--impl $impl --profile $prof --seed 11 --runs $runs --quiet"
	"$X" run $a --findings "$T/f1" --summary-json "$T/one.json" >/dev/null 2>&1
	want=$?
	"$X" run $a --findings "$T/f2" --summary-json "$T/jobs.json" --jobs 2 \
		>"$T/out" 2>&1
	[ $? = "$want" ] && ok || bad "--jobs 2 exit status differs ($impl)"
	"$X" run $a --findings "$T/f3" --summary-json "$T/s0.json" --shard 0/2 \
		>/dev/null 2>&1
	"$X" run $a --findings "$T/f4" --summary-json "$T/s1.json" --shard 1/2 \
		>/dev/null 2>&1
	"$X" merge "$T/s1.json" "$T/s0.json" -o "$T/merged.json" && ok ||
		bad "merge failed ($impl)"
	norm "$T/one.json" >"$T/one.n"
	for m in jobs merged; do
		norm "$T/$m.json" >"$T/$m.n"
		cmp -s "$T/one.n" "$T/$m.n" && ok ||
			bad "$m summary differs from one run ($impl): $(diff "$T/one.n" "$T/$m.n" | head -n 4)"
	done
	# (a run without findings makes no directory)
	{ [ ! -e "$T/f1" ] && [ ! -e "$T/f2" ]; } || diff -r "$T/f1" "$T/f2" \
		>/dev/null && ok || bad "--jobs findings differ ($impl)"
	[ "$impl" != "$BUGGY" ] || jq -e '.divergences > 0 and
		.first_divergence != null and .findings.new >= 3' \
		"$T/one.json" >/dev/null && ok || bad "buggy run found too little"
done

"$X" merge "$T/s0.json" >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -q 'not shard of 1' "$T/err" && ok || bad "merge of one shard of two"
"$X" merge "$T/one.json" "$T/s0.json" >"$T/out" 2>"$T/err"
[ $? = 2 ] && ok || bad "merge of an unsharded summary"
"$X" merge "$T/s0.json" "$T/s0.json" >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -q 'given twice' "$T/err" && ok || bad "merge of a shard twice"
"$X" run --shard 2/2 --runs 1 >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -q 'bad --shard' "$T/err" && ok || bad "--shard 2/2 accepted"
done_tests shard

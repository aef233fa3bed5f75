#!/bin/sh
# tests/bench.sh - throughput figures; see tests/bench.c. Not a test: it
# prints numbers and never fails on them.
set -e
B=${1:-build/release}
"$B/tests/bench" 100000 1
if [ -x "$B/tests/bench_lnx" ]; then
	echo "== the Linux shim against the raw system calls it rests on =="
	"$B/tests/bench_lnx"
fi

# ---- isolation overhead (issue 10): sim in process vs in its worker ----
# One run each, same seed and programs; the ratio is the cost of the round
# trip per program (target: isolated at least half as fast).
echo "== sim in process vs isolated (--isolate), 20000 programs, seed 1 =="
rate() {
	"$B/xmcheck" run --impl sim --seed 1 --runs 20000 --quiet \
		--findings "${TMPDIR:-/tmp}/xmc-bench-findings" "$@" |
		sed -n 's/.* \([0-9][0-9]*\) ops\/s$/\1/p'
}
inp=$(rate)
iso=$(rate --isolate)
nsb=$(rate --isolate --no-sandbox)
echo "in process:            $inp ops/s"
echo "isolated:              $iso ops/s"
echo "isolated, no sandbox:  $nsb ops/s"
awk -v a="$inp" -v b="$iso" 'BEGIN { printf "isolated / in process: %.2f (target >= 0.50)\n", b / a }'

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
# ---- Linux shim: the kernel-side checks (docs/LINUX.md) ---- begin ----
# The same run with and without page_state asking the kernel; the summary
# line gives ops/s (wall clock: compare on a quiet machine).
if [ -x "$B/tests/bench_lnx" ]; then
	for d in "" kernel_check; do
		echo "== xmcheck run --impl linux --seed 1 --runs ${LNX_RUNS:-20000}" \
			"${d:+(XMCHECK_LINUX_DISABLE=$d)}"
		XMCHECK_LINUX_DISABLE=$d "$B/xmcheck" run --impl linux --seed 1 \
			--runs "${LNX_RUNS:-20000}" --findings "$B/bench-findings" |
			grep '^programs'
	done
fi
# ---- Linux shim ---- end ----

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

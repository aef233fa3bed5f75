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

# ---- isolation overhead (issue 10): sim in process vs in its worker ----
# Same seed and programs, alternated three times, the median of each. Two
# rates: ops per second of wall clock (what xmcheck prints; on a shared
# machine it mostly measures the other tenants) and ops per CPU second of
# the harness and its worker together (user + system, from time(1)).
# Target: the isolated run at least half as fast.
echo "== sim in process vs isolated (--isolate), 20000 programs, seed 1 =="
rate() {
	/usr/bin/time -f "cpu %U %S" "$B/xmcheck" run --impl sim --seed 1 \
		--runs 20000 --quiet \
		--findings "${TMPDIR:-/tmp}/xmc-bench-findings" "$@" 2>&1 |
		awk '/ ops\/s$/ { ops = $4; wall = $(NF - 1) }
		     /^cpu / { cpu = $2 + $3 }
		     END { printf "%d/%d", wall, (cpu > 0 ? ops / cpu : 0) }'
}
med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
row() {
	a=$(rate "$@"); b=$(rate "$@"); c=$(rate "$@")
	w=$(med "${a%/*}" "${b%/*}" "${c%/*}")
	u=$(med "${a#*/}" "${b#*/}" "${c#*/}")
	echo "$w $u"
}
set -- $(row); inw=$1 inc=$2
set -- $(row --isolate); isw=$1 isc=$2
set -- $(row --isolate --no-sandbox); nsw=$1 nsc=$2
printf '%-22s %10s ops/s wall  %10s ops/CPU-s\n' "in process:" "$inw" "$inc" \
	"isolated:" "$isw" "$isc" "isolated, no sandbox:" "$nsw" "$nsc"
awk -v a="$inw" -v b="$isw" -v c="$inc" -v d="$isc" 'BEGIN {
	printf "isolated / in process: %.2f wall, %.2f CPU (target >= 0.50)\n",
	       b / a, d / c }'

#!/bin/sh
# tools/coverage.sh - line and branch coverage of a conform run (make
# coverage): for each IMPL, zero the counters of the --coverage build, run
# `xmcheck conform`, capture with lcov, write genhtml pages to
# OUT/IMPL/coverage/ and a summary (model, harness, implementation) to
# OUT/IMPL/coverage/summary.txt, then run conform again so index.html shows
# the figures beside clause coverage and links the pages.
# Environment: BUILD (build/coverage), OUT (reports/coverage), RUNS (2000),
# SEED (1), IMPLS ("sim linux").
set -eu
BUILD=${BUILD:-build/coverage}
OUT=${OUT:-reports/coverage}
RUNS=${RUNS:-2000}
SEED=${SEED:-1}
IMPLS=${IMPLS:-sim linux}
RC="--rc lcov_branch_coverage=1"
for impl in $IMPLS; do
	dir=$OUT/$impl
	cov=$dir/coverage
	rm -rf "$cov"
	mkdir -p "$cov"
	find "$BUILD" -name '*.gcda' -delete
	conform() {
		"$BUILD/xmcheck" conform --quiet --impl "$impl" --seed "$SEED" \
			--runs "$RUNS" --out "$dir" >/dev/null || [ $? = 1 ]
	}
	conform
	lcov -q $RC --capture --directory "$BUILD" --base-directory . \
		-o "$cov/all.info" 2>/dev/null
	# The Linux shim's children run the requests (child_do); they must
	# have written their counters (impl/linux/chan.c, LNX_GCOV).
	if [ "$impl" = linux ]; then
		l=$(grep -n 'int e = child_do(' impl/linux/chan.c | cut -d: -f1)
		lcov -q --extract "$cov/all.info" '*/impl/linux/chan.c' \
			-o "$cov/chan.info" 2>/dev/null
		grep -q "^DA:$l,[1-9]" "$cov/chan.info" || {
			echo "coverage: impl/linux/chan.c:$l (child_do, in the" \
				"forked children) not counted: children did not" \
				"flush their counters" >&2
			exit 1
		}
		rm -f "$cov/chan.info"
	fi
	: >"$cov/summary.txt"
	for part in model harness "impl/$impl"; do
		lcov -q $RC --extract "$cov/all.info" "*/$part/*" \
			-o "$cov/part.info" 2>/dev/null || continue
		lcov $RC --summary "$cov/part.info" 2>&1 |
			awk -v p="$part" '/lines|branches/ {
				sub(/^ +/, ""); printf "%-12s %s\n", p, $0 }' \
			>>"$cov/summary.txt"
	done
	rm -f "$cov/part.info"
	genhtml -q $RC --branch-coverage -o "$cov" "$cov/all.info" \
		>/dev/null 2>&1
	conform
	echo "coverage: $dir/index.html, $cov/index.html"
	cat "$cov/summary.txt"
done

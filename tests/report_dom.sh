#!/bin/sh
# tests/report_dom.sh - index.html as a browser sees it: headless Chromium
# loads a conform report of a planted bug (MUTANT) and dumps the DOM; the
# verdict, one row per clause of report.json (n/a ones left out), the
# failing clause's row, one row per page sentence and the not-covered ones
# must be there. Needs chromium (tools/deps.sh).
set -u
. "$(dirname "$0")/lib.sh"
MUTANT=${MUTANT:-$B/mutants/acc-none-ok.so}
CLAUSE=xmemdma.acc-no-access
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { bad "no $CHROMIUM (tools/deps.sh)"; done_tests report_dom; exit 1; }
"$X" conform --quiet --impl "$MUTANT" --runs 200 --out "$T/r" >/dev/null 2>&1
[ $? = 1 ] && ok || bad "conform with the mutant did not exit 1"
"$CHROMIUM" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --user-data-dir="$T/profile" \
	--dump-dom "file://$(cd "$T/r" && pwd)/index.html" >"$T/dom" 2>"$T/err"
[ -s "$T/dom" ] && ok || { bad "no DOM dumped"; cat "$T/err"; }
grep -q '<h1 id="verdict">NOT CONFORMANT: ' "$T/dom" && ok ||
	bad "DOM: no verdict heading"
want=$(jq '[.profiles[].clauses[] | select(.outcome != "n/a")] | length' \
	"$T/r/report.json")
got=$(grep -o '<tr class="clause" data-clause="[^"]*" data-outcome="[^"]*"' \
	"$T/dom" | wc -l)
[ "$want" -gt 0 ] && [ "$got" = "$want" ] && ok ||
	bad "DOM: $got clause rows, report.json has $want"
grep -q "<tr class=\"clause\" data-clause=\"$CLAUSE\" data-outcome=\"fail\"" \
	"$T/dom" && ok || bad "DOM: no failing row for $CLAUSE"
want=$(jq '.sentences.items | length' "$T/r/report.json")
got=$(grep -o '<tr class="sentence" data-sentence="[^"]*" data-outcome="[^"]*"' \
	"$T/dom" | wc -l)
[ "$want" -gt 0 ] && [ "$got" = "$want" ] && ok ||
	bad "DOM: $got page-sentence rows, report.json has $want"
grep -q '<tr class="sentence" data-sentence="xmemdma.s8" data-outcome="fail"' \
	"$T/dom" && ok || bad "DOM: the broken sentence xmemdma.s8 is not fail"
grep -q '<tr class="uncovered-sentence" data-sentence="xmattach.s6"' \
	"$T/dom" && ok || bad "DOM: xmattach.s6 not under not covered"
grep -q '<svg' "$T/dom" && ok || bad "DOM: no chart"
grep -q '<script' "$T/dom" && bad "DOM: a script in the report" || ok
done_tests report_dom

#!/bin/sh
# tests/conform.sh - `xmcheck conform` and its report set: the five files,
# the verdict and exit status with the simulator and with a planted bug
# (MUTANT, a sim mutant .so) named in every format, waivers (valid, expired,
# malformed), --baseline marks, escaping, byte-identical reruns, and the
# junit.xml / report.json checked against tests/junit.xsd and
# reports/report.schema.json by xmllint and the jsonschema validator.
set -u
. "$(dirname "$0")/lib.sh"
MUTANT=${MUTANT:-$B/mutants/acc-none-ok.so}
CLAUSE=xmemdma.acc-no-access # the clause MUTANT breaks
RUNS=300
export SOURCE_DATE_EPOCH=1798675200 # 2027-01-01
FILES="index.html report.md junit.xml report.json summary.txt"
# The Debian validator (tools/deps.sh), not whatever python is first in PATH.
JSONSCHEMA="/usr/bin/python3 -m jsonschema"

conform() { "$X" conform --quiet --runs $RUNS "$@" >"$T/out" 2>"$T/err"; }
valid() { # DIR: junit.xml and report.json against their schemas
	xmllint --noout --schema tests/junit.xsd "$1/junit.xml" 2>"$T/xerr" &&
		ok || { bad "$1/junit.xml invalid"; cat "$T/xerr"; }
	$JSONSCHEMA -i "$1/report.json" reports/report.schema.json \
		>"$T/jerr" 2>&1 && ok || { bad "$1/report.json invalid"; cat "$T/jerr"; }
}

# 1. the simulator conforms; five files; schemas; byte-identical reruns
conform --impl sim --out "$T/sim"
[ $? = 0 ] && ok || { bad "conform --impl sim did not exit 0"; cat "$T/err"; }
for f in $FILES; do
	[ -s "$T/sim/$f" ] && ok || bad "sim: no $f"
done
grep -q '^CONFORMANT: sim ' "$T/sim/summary.txt" && ok || bad "sim verdict"
valid "$T/sim"
mkdir "$T/sim1" && cp "$T/sim"/* "$T/sim1/"
conform --impl sim --out "$T/sim"
for f in $FILES; do
	cmp -s "$T/sim/$f" "$T/sim1/$f" && ok || bad "$f differs between runs"
done
# the validators can fail: a report with an unknown outcome is refused
sed 's/"outcome": "pass"/"outcome": "fine"/' "$T/sim/report.json" >"$T/bad.json"
$JSONSCHEMA -i "$T/bad.json" reports/report.schema.json >/dev/null 2>&1 &&
	bad "schema accepts an unknown outcome" || ok
sed 's/<testcase /<testcase bogus="1" /' "$T/sim/junit.xml" >"$T/bad.xml"
xmllint --noout --schema tests/junit.xsd "$T/bad.xml" 2>/dev/null &&
	bad "XSD accepts an unknown attribute" || ok

# 2. a planted bug: exit 1, the clause named in every format
conform --impl "$MUTANT" --out "$T/mut"
[ $? = 1 ] && ok || bad "conform with the mutant did not exit 1"
valid "$T/mut"
grep -q "^NOT CONFORMANT: .*$CLAUSE" "$T/mut/summary.txt" && ok ||
	bad "summary.txt does not name $CLAUSE"
grep -q "| \`$CLAUSE\` | \*\*fail\*\*" "$T/mut/report.md" && ok ||
	bad "report.md does not list $CLAUSE as fail"
grep -q "<failure type=\"fail\" message=\"fail $CLAUSE" "$T/mut/junit.xml" &&
	ok || bad "junit.xml has no failure for $CLAUSE"
jq -e --arg c "$CLAUSE" '[.profiles[].clauses[] | select(.id == $c) |
	.outcome] | index("fail") != null' "$T/mut/report.json" >/dev/null &&
	ok || bad "report.json: $CLAUSE is not fail"
jq -e '.findings[0].program | test("xmemdma")' "$T/mut/report.json" \
	>/dev/null && ok || bad "report.json: finding without its program"
grep -q "data-clause=\"$CLAUSE\" data-outcome=\"fail\"" "$T/mut/index.html" &&
	ok || bad "index.html: $CLAUSE row is not fail"

# 3. waivers: an expired one does not waive and says so; a valid one does
# (the mutant's bug is in code xmemdma64 shares: both clauses fail)
cat >"$T/w-old.yaml" <<W
waivers:
  - clause: $CLAUSE
    reason: "vendor bug <b>&amp; 42</b>"
    expires: 2026-06-30
  - clause: xmemdma64.acc-no-access
    reason: "the same bug through xmemdma64"
    expires: 2026-06-30
W
conform --impl "$MUTANT" --waivers "$T/w-old.yaml" --out "$T/wold"
[ $? = 1 ] && ok || bad "an expired waiver waived"
for f in report.md index.html; do
	grep -qi "expired" "$T/wold/$f" && ok || bad "$f does not say expired"
done
jq -e '.waivers[0].expired == true' "$T/wold/report.json" >/dev/null && ok ||
	bad "report.json: waiver not expired"
grep -q "skipped\|waiver expired" "$T/wold/junit.xml" && ok ||
	bad "junit.xml does not mention the expired waiver"
grep -q '&lt;b&gt;&amp;amp; 42&lt;/b&gt;' "$T/wold/index.html" && ok ||
	bad "index.html does not escape the waiver reason"
grep -q '<b>&amp; 42' "$T/wold/index.html" && bad "raw markup in index.html" ||
	ok
sed 's/2026-06-30/2027-06-30/' "$T/w-old.yaml" >"$T/w-new.yaml"
conform --impl "$MUTANT" --waivers "$T/w-new.yaml" --out "$T/wnew"
[ $? = 0 ] && ok || bad "a valid waiver did not waive"
jq -e --arg c "$CLAUSE" '[.profiles[].clauses[] | select(.id == $c) |
	.outcome] | index("waived") != null' "$T/wnew/report.json" >/dev/null &&
	ok || bad "report.json: $CLAUSE not waived"
valid "$T/wnew"
unset SOURCE_DATE_EPOCH
conform --impl "$MUTANT" --waivers "$T/w-old.yaml" --out "$T/wtoday"
jq -e '.date_source == "today"' "$T/wtoday/report.json" >/dev/null && ok ||
	bad "without SOURCE_DATE_EPOCH the date is not today's"
export SOURCE_DATE_EPOCH=1798675200
printf 'waivers:\n  - clause: no.such-clause\n    reason: x\n    expires: 2030-01-01\n' \
	>"$T/w-bad.yaml"
conform --impl sim --waivers "$T/w-bad.yaml" --out "$T/wbad"
[ $? = 2 ] && grep -q "w-bad.yaml:2:.*unknown clause" "$T/err" && ok ||
	bad "unknown waiver clause not refused with its line"
printf -- '- clause: %s\n  reason: x\n  expires: next week\n' "$CLAUSE" \
	>"$T/w-date.yaml"
conform --impl sim --waivers "$T/w-date.yaml" --out "$T/wbad"
[ $? = 2 ] && grep -q "w-date.yaml:3:.*not a date" "$T/err" && ok ||
	bad "bad expiry date not refused with its line"

# 4. baseline: known, new, fixed
conform --impl "$MUTANT" --baseline "$T/mut/report.json" --out "$T/b1"
jq -e '[.profiles[].clauses[] | select(.outcome == "fail") | .baseline] |
	all(. == "known")' "$T/b1/report.json" >/dev/null && ok ||
	bad "baseline: a failure it had is not known"
conform --impl "$MUTANT" --baseline "$T/sim/report.json" --out "$T/b2"
jq -e '[.profiles[].clauses[] | select(.outcome == "fail") | .baseline] |
	all(. == "new")' "$T/b2/report.json" >/dev/null && ok ||
	bad "baseline: a new failure is not new"
conform --impl sim --baseline "$T/mut/report.json" --out "$T/b3"
jq -e --arg c "power/$CLAUSE" '.baseline.fixed | index($c) != null' \
	"$T/b3/report.json" >/dev/null && ok || bad "baseline: fix not listed"
conform --impl sim --baseline "$T/sim/summary.txt" --out "$T/b4"
[ $? = 2 ] && ok || bad "a baseline that is not a report was accepted"

# 5. a divergence that does not come back in a fresh world is flaky
# (in process: its misbehaving world is the first one the .so creates, and
# an isolated re-run is a fresh worker that would misbehave again)
conform --impl "$B/tests/flaky.so" --no-isolate --out "$T/flaky"
[ $? = 1 ] && ok || bad "a flaky divergence did not exit 1"
jq -e '.findings[0] | .flaky and .rerun.observed == "no divergence" and
	(.observed | test("returned"))' "$T/flaky/report.json" >/dev/null && ok ||
	bad "report.json: flaky finding without both runs"
jq -e '[.profiles[0].clauses[] | select(.id == "xmattach.count-nonpositive")
	| .outcome] == ["flaky"]' "$T/flaky/report.json" >/dev/null && ok ||
	bad "report.json: clause not flaky"
grep -q '<failure type="flaky"' "$T/flaky/junit.xml" && ok ||
	bad "junit.xml: no flaky failure"
valid "$T/flaky"

# 5b. a crash finding (signature impl/crash/...) makes its clause crash,
# a JUnit error, and the run not conformant
conform --impl "$B/tests/fakecrash.so" --out "$T/crash"
[ $? = 1 ] && ok || bad "a crash did not exit 1"
jq -e '[.profiles[0].clauses[] | select(.id == "xmattach.count-nonpositive")
	| .outcome] == ["crash"]' "$T/crash/report.json" >/dev/null && ok ||
	bad "report.json: clause not crash"
jq -e '.findings[0].kind == "crash"' "$T/crash/report.json" >/dev/null && ok ||
	bad "report.json: finding kind not crash"
grep -q '<error type="crash" message="crash xmattach.count-nonpositive' \
	"$T/crash/junit.xml" && ok || bad "junit.xml: no error for the crash"
valid "$T/crash"

# 6. the progress line: on a terminal's stderr only, and not with --quiet
if command -v script >/dev/null; then
	script -qc "$X conform --impl sim --runs $RUNS --out $T/tty" /dev/null |
		tr '\r' '\n' >"$T/tty.out"
	grep -q "^\[power\] programs $RUNS/$RUNS .* ops/s  clauses hit [0-9]*/[0-9]*  findings 0 " \
		"$T/tty.out" && ok || bad "no progress line on a terminal"
	script -qc "$X conform --quiet --impl sim --runs $RUNS --out $T/tty" \
		/dev/null | grep -q "ops/s" && bad "progress line with --quiet" || ok
	"$X" conform --impl sim --runs $RUNS --out "$T/tty" 2>&1 | grep -q "ops/s" &&
		bad "progress line when stderr is not a terminal" || ok
else
	bad "no script(1) to test the progress line"
fi

# 7. usage errors
"$X" conform --impl sim >/dev/null 2>&1
[ $? = 2 ] && ok || bad "conform without --out did not exit 2"
"$X" conform --impl sim --corpus "$T/none" --out "$T/nc" >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "none/seeds: No such file" "$T/err" && ok ||
	bad "a missing directed suite is not an error"
done_tests conform

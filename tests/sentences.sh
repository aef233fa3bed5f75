#!/bin/sh
# tests/sentences.sh - page sentences in the conform report: every {#id} of
# docs/SERVICES.md is in report.json, tested by a directed program or listed
# as not covered with its reason, in every format; the map is refused when a
# sentence has no id, an id is neither tested nor listed, or both, or a
# program names an unknown one; a directed program whose expectation breaks
# fails its sentence and the verdict; a mutant fails the sentence its bug
# breaks. Then conform's "not observed" against the run summary's: both
# come from hx_unobserved (harness/observe.c) and must say the same.
set -u
. "$(dirname "$0")/lib.sh"
MUTANT=${MUTANT:-$B/mutants/acc-none-ok.so}
RUNS=50
export SOURCE_DATE_EPOCH=1798675200
PAGE=docs/SERVICES.md

conform() { "$X" conform --quiet --runs $RUNS "$@" >"$T/out" 2>"$T/err"; }

# 1. the real map: every id, in every format
conform --impl sim --out "$T/sim"
[ $? = 0 ] && ok || { bad "conform --impl sim did not exit 0"; cat "$T/err"; }
sed -n '/^## /,$p' $PAGE | grep -o '{#[a-z0-9_.]*}' | tr -d '{#}' >"$T/ids"
jq -r '.sentences.items[].id' "$T/sim/report.json" >"$T/got"
[ -s "$T/ids" ] && cmp -s "$T/ids" "$T/got" && ok ||
	bad "report.json sentences differ from the ids of $PAGE"
jq -e '.sentences.items | all((.outcome == "not covered" and
	(.not_covered | length) > 10 and (.tests | length) == 0) or
	(.outcome != "not covered" and (.tests | length) > 0))' \
	"$T/sim/report.json" >/dev/null && ok ||
	bad "a sentence neither tested nor listed with a reason"
jq -e '[.sentences.items[] | select(.outcome != "not covered" and
	.outcome != "pass") | .id] == ["xmemdma64.s3"]' "$T/sim/report.json" \
	>/dev/null && ok || bad "sim: a tested sentence other than xmemdma64.s3 \
(the other reading's) does not pass"
# kernel processes: not covered, with the reason, in every format
id=xmemin.s2
jq -e --arg i "$id" '.sentences.items[] | select(.id == $i) |
	.not_covered | test("kernel processes")' "$T/sim/report.json" \
	>/dev/null && ok || bad "$id: not listed as needing kernel processes"
grep -q "class=\"uncovered-sentence\" data-sentence=\"$id\"" \
	"$T/sim/index.html" && ok || bad "index.html: $id not under not covered"
grep -q "| \`$id\` | .* | not covered | kernel processes" \
	"$T/sim/report.md" && ok || bad "report.md: $id not listed"
# the kernel-space sentences (W13) are tested and pass
for id in xmattach.s3 xmemdma.s2 decision.15; do
	jq -e --arg i "$id" '.sentences.items[] | select(.id == $i) |
		.outcome == "pass" and (.tests | length) > 0' \
		"$T/sim/report.json" >/dev/null && ok || bad "$id: not tested"
done
n=$(grep -c '<tr class="sentence" data-sentence=' "$T/sim/index.html")
[ "$n" = "$(wc -l <"$T/ids")" ] && ok || bad "index.html: $n sentence rows"
grep -q '<testsuite name="sim/sentences"' "$T/sim/junit.xml" && ok ||
	bad "junit.xml: no sentences suite"
xmllint --noout --schema tests/junit.xsd "$T/sim/junit.xml" 2>/dev/null &&
	ok || bad "junit.xml invalid"
/usr/bin/python3 -m jsonschema -i "$T/sim/report.json" \
	reports/report.schema.json >/dev/null 2>&1 && ok || bad "report.json invalid"
# the schema holds the rule: a not-covered sentence has no tests
jq '.sentences.items[0].outcome = "not covered"' "$T/sim/report.json" \
	>"$T/bad.json"
/usr/bin/python3 -m jsonschema -i "$T/bad.json" reports/report.schema.json \
	>/dev/null 2>&1 && bad "schema: a not-covered sentence with tests" || ok

# 2. a broken map is an input error (exit 2) naming file and line
refused() { # WHAT PATTERN ARGS...
	what=$1 pat=$2
	shift 2
	conform --impl sim --out "$T/x" "$@"
	[ $? = 2 ] && grep -q "$pat" "$T/err" && ok ||
		{ bad "$what not refused"; cat "$T/err"; }
}
sed 's/{#xmdetach.s2} *//' $PAGE >"$T/p1.md"
refused "a sentence without an id" "p1.md:[0-9]*:1: two sentences" \
	--sentences "$T/p1.md"
sed 's/{#as_getsrval.s2}//' $PAGE >"$T/p2.md"
refused "a last sentence without an id" \
	"p2.md:[0-9]*:1: a sentence without an id" --sentences "$T/p2.md"
sed 's/{#xmdetach.s2}/{#xmdetach.s1}/' $PAGE >"$T/p3.md"
refused "a duplicate id" "duplicate sentence id 'xmdetach.s1'" \
	--sentences "$T/p3.md"
cp -r corpus "$T/c1"
sed -i '/^# sentence:/d' "$T/c1/directed/xmdetach.interrupt-level.prog"
refused "an untested, unlisted sentence" \
	"SERVICES.md:[0-9]*:1: sentence 'xmdetach.s2' is neither tested" \
	--corpus "$T/c1" --sentences $PAGE
cp -r corpus "$T/c2"
sed -i 's/^# sentence: xmdetach.s2/# sentence: xmdetach.s2, xmdetach.s99/' \
	"$T/c2/directed/xmdetach.interrupt-level.prog"
refused "an unknown sentence" \
	"xmdetach.interrupt-level.prog:[0-9]*:1: unknown sentence 'xmdetach.s99'" \
	--corpus "$T/c2"
cp -r corpus "$T/c3"
printf '  - sentence: xmdetach.s2\n    reason: "x"\n' >>"$T/c3/not-covered.yaml"
refused "a tested sentence listed as not covered" \
	"sentence 'xmdetach.s2' is listed as not covered" --corpus "$T/c3"
cp -r corpus "$T/c4"
printf '  - sentence: nosuch.s1\n    reason: "x"\n' >>"$T/c4/not-covered.yaml"
refused "an unknown sentence in the list" \
	"not-covered.yaml:[0-9]*:[0-9]*: unknown sentence 'nosuch.s1'" \
	--corpus "$T/c4"

# 3. a directed program whose expectation breaks fails its sentence
cp -r corpus "$T/c5"
sed -i 's/^expect dp=1 aspace_id=-3/expect dp=1 aspace_id=-2/' \
	"$T/c5/directed/constants.values.prog"
conform --impl sim --corpus "$T/c5" --out "$T/brk"
[ $? = 1 ] && ok || bad "a broken sentence did not exit 1"
grep -q "^NOT CONFORMANT: .*sentence constants.s1" "$T/brk/summary.txt" &&
	ok || bad "summary.txt does not name the sentence"
jq -e '.sentences.items[] | select(.id == "constants.s1") | .outcome ==
	"fail" and (.tests[0].result | test("aspace_id is -3"))' \
	"$T/brk/report.json" >/dev/null && ok || bad "report.json: not failed"
grep -q '<failure type="fail" message="fail constants.s1">' \
	"$T/brk/junit.xml" && ok || bad "junit.xml: no failure"
grep -q '| `constants.s1` | \*\*fail\*\*' "$T/brk/report.md" && ok ||
	bad "report.md: sentence not failing"

# 4. a planted bug fails the sentence it breaks, as its clause does
conform --impl "$MUTANT" --profile power --out "$T/mut"
[ $? = 1 ] && ok || bad "the mutant did not exit 1"
jq -e '.sentences.items[] | select(.id == "xmemdma.s8") | .outcome ==
	"fail"' "$T/mut/report.json" >/dev/null && ok ||
	bad "mutant: xmemdma.s8 does not fail"
grep -q 'data-sentence="xmemdma.s8" data-outcome="fail"' "$T/mut/index.html" &&
	ok || bad "index.html: xmemdma.s8 row not fail"

# 5. "not observed": conform says what the run summary says (hx_unobserved)
for prof in power powerpc; do
	conform --impl linux --profile $prof --runs 300 --out "$T/nb-$prof"
	"$X" run --quiet --impl linux --profile $prof --runs 300 \
		--summary-json "$T/s-$prof.json" >/dev/null 2>&1
	n=$(jq -r '.not_observed.linux | keys | length' "$T/s-$prof.json")
	jq -e -n --slurpfile s "$T/s-$prof.json" --slurpfile r \
		"$T/nb-$prof/report.json" '
		($r[0].profiles[0].clauses | map({(.id): .not_observed}) | add)
			as $c |
		$s[0].not_observed.linux | to_entries |
		all(($c[.key] // "" | split("; ") | unique) ==
		    (.value | split("; ") | unique))' >/dev/null && ok ||
		bad "$prof: conform's not_observed differs from the summary's"
	[ $prof = power ] || [ "$n" -gt 0 ] && ok ||
		bad "$prof: the summary lists nothing not observed"
done
jq -e '.profiles[0].clauses[] | select(.id == "xmemdma.hide-first") |
	.not_observed | test("hide count not compared on powerpc")' \
	"$T/nb-powerpc/report.json" >/dev/null && ok ||
	bad "powerpc: the hide count is not said to be unobserved"
jq -e '.profiles[0].clauses[] | select(.id == "xmemdma.hide-first") |
	.not_observed == null' "$T/nb-power/report.json" >/dev/null && ok ||
	bad "power: the hide count is said to be unobserved"
done_tests sentences

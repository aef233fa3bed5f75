#!/bin/sh
# tests/badinput.sh - every door, knocked on with bad input. One row per
# case: the command runs in an empty directory of its own; it must exit 2,
# print exactly one line on standard error, and leave nothing behind (the
# directory stays empty, the fixtures are unchanged, no temporary file).
set -u
. "$(dirname "$0")/lib.sh"
X=$(cd "$(dirname "$X")" && pwd)/$(basename "$X")
B=$(cd "$B" && pwd)
F=$T/fix
mkdir -p "$F/x.yaml" "$F/dir"
SEED=$(pwd)/corpus/seeds/xmattach.attach-one.prog
cp "$SEED" "$F/good.prog"
: >"$F/empty.prog"
printf '# only a comment\n# profile: power\n' >"$F/comments.prog"
head -c 16777217 /dev/zero | tr '\0' '#' >"$F/big.prog"
printf 'seg_new seg=0 npages=1 high=0\n\0\n' >"$F/bin.prog"
printf 'seg_new seg=0 npages=1 high=0\nfrobnicate x=1\n' >"$F/unknown-op.prog"
printf 'seg_new seg=0 npages=99 high=0\n' >"$F/range.prog"
printf 'seg_new seg=0 npages=1 high\n' >"$F/syntax.prog"
printf 'seg_new seg=0 npages=1 high=0 high=0\n' >"$F/dupkey.prog"
printf '# profile: sparc\nseg_new seg=0 npages=1 high=0\n' >"$F/prof.prog"
printf '# impl: acme 1.0\nseg_new seg=0 npages=1 high=0\n' >"$F/acme.prog"
printf '# impl: acme 1.0\n# impl-path: /nonexistent/acme.so\n' >"$F/gone.prog"
printf 'seg_new seg=0 npages=1 high=0\n' >>"$F/gone.prog"
printf 'services: [\n' >"$F/broken.yaml"
: >"$F/empty.yaml"
: >"$F/file"
: >"$F/empty.so"
echo 'not a shared object' >"$F/text.so"
printf 'int xmcheck_nothing(void);\nint xmcheck_nothing(void) { return 0; }\n' \
	>"$T/nosym.c"
cc -shared -fPIC -o "$F/nosym.so" "$T/nosym.c"
printf '#include "xmcheck.h"\nstatic struct xmc_plugin p = {99, sizeof p};\n%s\n' \
	'const struct xmc_plugin *xmcheck_plugin(void) { return &p; }' >"$T/abi.c"
cc -shared -fPIC -Iharness -o "$F/abi.so" "$T/abi.c"
# A finding the buggy plug-in makes, for minimize and repro.
"$X" run --impl "$B/tests/buggy.so" --seed 5 --runs 300 --no-minimize \
	--findings "$T/found" >/dev/null 2>&1
cp "$(ls "$T/found"/*.prog | head -n 1)" "$F/finding.prog"
ls -lAR --time-style=+%s.%N "$F" >"$T/before"
before=$(ls -lAR "$F" | md5sum)
n=0

# row SHELL-COMMAND: one case ($X is xmcheck, $F the fixtures).
row() {
	n=$((n + 1))
	d=$T/case$n
	mkdir "$d"
	(cd "$d" && X=$X F=$F B=$B sh -c "$1" >/dev/null 2>"$T/err")
	st=$?
	lines=$(wc -l <"$T/err")
	left=$(ls -A "$d")
	if [ "$st" = 2 ] && [ "$lines" = 1 ] && [ -z "$left" ]; then
		ok
	else
		bad "#$n [$1]: exit $st, $lines stderr lines," \
			"left '$left': $(head -c 300 "$T/err")"
	fi
	rm -rf "$d"
}

# ---- the command line itself
row '"$X"'
row '"$X" frobnicate'
row '"$X" -x'
row '"$X" run extra'
row '"$X" run --frob'
row '"$X" run --runs'
row '"$X" run -q'
# ---- numbers: decimal or 0x, no sign, space, leading zero, overflow
for v in "''" "' 1'" "'1 '" "-1" "+1" "010" "0x" "0xg" "1e3" "1.5" "abc" \
	"18446744073709551616" "0x10000000000000000" "0" "' -1'" "0b1" \
	"'1,000'" "1k"; do
	row "\"\$X\" run --runs $v"
done
for v in "''" "-1" "+5" "' 5'" "05" "0x" "99999999999999999999" "x" \
	"0X1G" "00"; do
	row "\"\$X\" run --seed $v"
done
for v in 0 65 -1 abc 010 "''"; do
	row "\"\$X\" run --max-ops $v"
done
for v in 0 -5 abc 3600001 "''"; do
	row "\"\$X\" run --timeout-ms $v"
done
for v in 0 abc 1048577 -1; do
	row "\"\$X\" run --max-rss $v"
done
row '"$X" gen --program -1'
row '"$X" gen --seed 007'
row '"$X" gen extra'
# ---- profiles and implementations
row '"$X" run --profile sparc'
row '"$X" run --profile ""'
row '"$X" run --profile POWER'
row '"$X" run --impl nosuch'
row '"$X" run --impl ""'
row '"$X" run --impl /nonexistent/x.so'
row '"$X" run --impl "$F/dir"'
row '"$X" run --impl /dev/null'
row '"$X" run --impl "$F/empty.so"'
row '"$X" run --impl "$F/text.so"'
row '"$X" run --impl "$F/nosym.so"'
row '"$X" run --impl "$F/abi.so"'
row '"$X" run --impl "$F/nosym.so" --no-isolate'
row '"$X" run --impl "$B/plugins/template.so" --runs 5'
row '"$X" run --impl sim --impl sim --impl sim --impl sim --impl sim --impl sim --impl sim --impl sim --impl sim'
# ---- specs
row '"$X" run --spec /nonexistent'
row '"$X" run --spec "$F/x.yaml"'
row '"$X" run --spec "$F/broken.yaml"'
row '"$X" run --spec "$F/empty.yaml"'
row '"$X" spec check /nonexistent.yaml'
row '"$X" spec check "$F/x.yaml"'
row '"$X" spec check "$F/broken.yaml"'
row '"$X" spec check "$F/empty.yaml"'
row '"$X" spec check a b'
row '"$X" spec'
row '"$X" spec frob'
row '"$X" spec list --spec /nonexistent'
row '"$X" spec list extra'
row '"$X" spec list > /dev/full'
# ---- output paths: checked first, whole or absent
row '"$X" run --runs 3 --trace "$F/dir"'
row '"$X" run --runs 3 --trace /nonexistent/dir/t'
row '"$X" run --runs 3 --trace /dev/full'
row '"$X" run --runs 3 --trace ""'
row '"$X" run --runs 3 --summary-json "$F/dir"'
row '"$X" run --runs 3 --summary-json /nonexistent/s.json'
row '"$X" run --runs 3 --summary-json /dev/full'
row '"$X" run --runs 3 --summary-json ""'
row '"$X" run --runs 3 --findings "$F/file"'
row '"$X" run --runs 3 --trace t --spec /nonexistent'
row '"$X" run --runs 3 --summary-json s --impl nosuch'
row '"$X" run --runs 3 --trace t --summary-json "$F/dir"'
row 'ulimit -f 1; exec "$X" run --runs 200 --trace t'
row 'ulimit -f 1; exec "$X" run --runs 200 --summary-json s'
row '"$X" run --runs 3 > /dev/full'
row '"$X" gen --program 1 > /dev/full'
# ---- program files: replay
row '"$X" replay'
row '"$X" replay a b'
row '"$X" replay /nonexistent.prog'
row '"$X" replay "$F/dir"'
row '"$X" replay "$F/x.yaml"'
row '"$X" replay "$F/empty.prog"'
row '"$X" replay "$F/comments.prog"'
row '"$X" replay "$F/big.prog"'
row '"$X" replay "$F/bin.prog"'
row '"$X" replay "$F/unknown-op.prog"'
row '"$X" replay "$F/range.prog"'
row '"$X" replay "$F/syntax.prog"'
row '"$X" replay "$F/dupkey.prog"'
row '"$X" replay "$F/prof.prog"'
row '"$X" replay "$F/acme.prog"'
row '"$X" replay "$F/gone.prog"'
row '"$X" replay "$F/good.prog" --profile sparc'
row '"$X" replay "$F/good.prog" --impl nosuch'
row '"$X" replay "$F/good.prog" > /dev/full'
# ---- minimize
row '"$X" minimize'
row '"$X" minimize /nonexistent.prog'
row '"$X" minimize "$F/empty.prog"'
row '"$X" minimize "$F/good.prog"'
row '"$X" minimize "$F/finding.prog" -o "$F/dir"'
row '"$X" minimize "$F/finding.prog" -o /nonexistent/m.prog'
row '"$X" minimize "$F/finding.prog" --quiet -o /dev/full'
row '"$X" minimize "$F/finding.prog" --impl sim --impl sim'
row '"$X" minimize "$F/acme.prog"'
# ---- repro
row '"$X" repro "$F/finding.prog"'
row '"$X" repro --c r.c'
row '"$X" repro /nonexistent.prog --c r.c'
row '"$X" repro "$F/empty.prog" --c r.c'
row '"$X" repro "$F/finding.prog" --c "$F/dir"'
row '"$X" repro "$F/finding.prog" --c /nonexistent/r.c'
row '"$X" repro "$F/finding.prog" --c /dev/full'
row '"$X" repro "$F/acme.prog" --c r.c'
row 'ulimit -f 1; exec "$X" repro "$F/finding.prog" --c r.c'
# ---- corpus
row '"$X" corpus'
row '"$X" corpus /nonexistent'
row '"$X" corpus "$F/good.prog" /nonexistent'
row '"$X" corpus "$F/good.prog" --impl nosuch'
row '"$X" corpus "$F/good.prog" --spec /nonexistent'
row '"$X" corpus "$F/good.prog" --profile sparc'

[ "$(ls -lAR "$F" | md5sum)" = "$before" ] && ok ||
	bad "fixtures changed: $(ls -lAR --time-style=+%s.%N "$F" | diff "$T/before" - | tr "\n" " ")"
echo "badinput: $n cases"
[ "$n" -ge 100 ] && ok || bad "only $n cases"
done_tests badinput

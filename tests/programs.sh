#!/bin/sh
# tests/programs.sh - directed tests people write (docs/PROGRAMS.md): expect
# lines after any op, constants by name, and the errors a hand-written file
# gets: an expectation not met or naming an unknown clause, an illegal world
# step, a value out of range, an unknown profile or constant, each with its
# file:line:col. Files in tests/programs/.
set -u
. "$(dirname "$0")/lib.sh"
P=tests/programs

# expect FILE STATUS PATTERN: corpus exits STATUS and prints PATTERN.
expect() {
	"$X" corpus "$P/$1" --impl sim >"$T/out" 2>&1
	st=$?
	[ "$st" = "$2" ] || { bad "$1: exit $st, expected $2"; cat "$T/out"; return; }
	grep -q -- "$3" "$T/out" && ok || { bad "$1: no '$3'"; cat "$T/out"; }
}
expect expect-ok.prog 0 "corpus: 1 passed, 0 failed"
expect expect-page.prog 1 "expect-page.prog:11:8: sim: 'expect seg=0 page=0 valid=0 hide=2 pin=1' not met: hide is 1"
expect expect-ret.prog 1 "expect-ret.prog:6:8: sim: 'expect ret=-1' not met: the model allows 0"
expect expect-unknown.prog 2 "expect-unknown.prog:8:41: unknown clause 'xmattach.attach-three'"
expect illegal.prog 1 "illegal.prog:2:1: 'seg_new seg=1 npages=2 high=0' is not legal here: segments are created in order"
expect range.prog 1 "range.prog:2:22: bad value for npages (1..16)"
expect profile.prog 1 "profile.prog:2:1: unknown profile 'pwr' (power, powerpc)"
expect doc-example.prog 0 "corpus: 1 passed"
expect const.prog 1 "const.prog:4:47: bad value for segflag"
expect header-fires.prog 1 "header-fires.prog:3:1: sim: 'expect fires=xmemdma.hide-nested' not met"
# the same programs with the constants written as numbers behave the same
sed 's/segflag=USER_ADSPACE/segflag=0/; s/flag=XMEM_HIDE/flag=0/;
     s/XMEM_ACC_CHK|XMEM_WRITE_ONLY/6/; s/ret=XMEM_SUCC/ret=0/;
     s/aspace_id=XMEM_PROC$/aspace_id=0/; s/aspace_id=XMEM_INVAL/aspace_id=-2/' \
	"$P/expect-ok.prog" >"$T/num.prog"
"$X" corpus "$T/num.prog" --impl sim >/dev/null && ok || bad "numeric form fails"
"$X" replay "$P/expect-ok.prog" --impl sim >"$T/replay" && ok ||
	bad "replay of a file with expect lines"
grep -q "xmemdma xp=0 xaddr=0x30000000 flag=6" "$T/replay" && ok ||
	bad "replay does not show the or-ed constants as a number"
# replay shows everything compared: allowed results, aspace_id, kbuf hashes
"$X" replay "$P/doc-example.prog" --impl sim >"$T/replay"
grep -q "compared: return one of {-1}" "$T/replay" && ok ||
	bad "replay does not show the allowed results"
grep -q "compared: dp0 aspace_id model 0 impl 0" "$T/replay" && ok ||
	bad "replay does not show aspace_id"
"$X" replay corpus/seeds/xmemin.copy.prog --impl sim >"$T/replay2"
grep -Eq "compared: k0 fnv1a model ([0-9a-f]{8}) impl \1$" "$T/replay2" && ok ||
	bad "replay does not show the kernel buffer hashes"
"$X" replay corpus/regressions/probe-hidden-alias.prog --impl sim |
	grep -q "compared: probe, the model says it faults (0)" && ok ||
	bad "replay does not show the probe answer"
"$X" replay "$P/profile.prog" --impl sim 2>"$T/err" >/dev/null
[ $? = 2 ] && grep -q "profile.prog:2:1: unknown profile" "$T/err" && ok ||
	bad "replay: profile error without its line"
done_tests programs

#!/bin/sh
# tests/cli.sh - the command line as a user meets it: exit codes, one-line
# errors naming file and position, the seed printed first, byte-identical
# traces, the summary's keys, plug-in loading.
set -u
. "$(dirname "$0")/lib.sh"

# expect STATUS CMD...: run CMD, check its exit status.
expect() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$* exited $got, want $want"; fi
}

# one_line_error PATTERN: stderr's first line matches, and it is one line
# (plus an optional "Try ..." hint).
one_line_error() {
	if head -n 1 "$T/err" | grep -Eq "$1"; then ok
	else bad "stderr '$(head -n 1 "$T/err")' does not match '$1'"; fi
	n=$(grep -vc '^Try ' "$T/err")
	[ "$n" = 1 ] && ok || bad "expected one error line, got $n"
}

expect 0 "$X" run --impl sim --seed 3 --runs 2000 --summary-json "$T/s.json"
[ "$(head -n 1 "$T/out")" = "seed 3" ] && ok || bad "seed not printed first"
for k in '"seed": 3' '"profile": "power"' '"impls"' '"programs": 2000' \
	'"ops"' '"divergences": 0' '"clauses"' '"total"' '"hit"' \
	'"elapsed_s"'; do
	grep -q "$k" "$T/s.json" && ok || bad "summary lacks $k"
done

expect 0 "$X" run --seed 9 --runs 500 --profile powerpc --trace "$T/a.trace"
expect 0 "$X" run --seed 9 --runs 500 --profile powerpc --trace "$T/b.trace"
cmp -s "$T/a.trace" "$T/b.trace" && ok || bad "traces of one seed differ"
[ -s "$T/a.trace" ] && ok || bad "empty trace"

expect 2 "$X" run --impl nosuch --runs 1
one_line_error "unknown implementation 'nosuch'"
expect 2 "$X" run --impl /nonexistent/x.so --runs 1
one_line_error "/nonexistent/x.so: cannot load"
expect 2 "$X" run --profile sparc
one_line_error "unknown profile"
expect 2 "$X" run --runs -3
one_line_error "bad --runs"
expect 2 "$X" frobnicate

mkdir -p "$T/spec"
cp spec/*.yaml "$T/spec/"
sed -i 's/when: count <= 0/when: count <= zero/' "$T/spec/xmem.yaml"
expect 2 "$X" spec check "$T/spec"
one_line_error "xmem.yaml:[0-9]+:[0-9]+: .*zero"
expect 2 "$X" run --spec "$T/spec" --runs 1
printf 'services: [\n' >"$T/broken.yaml"
expect 2 "$X" spec check "$T/broken.yaml"
one_line_error "broken.yaml:[0-9]+:[0-9]+: "
# A partial spec checks alone, but a run needs every service (issue 7 bug).
mkdir -p "$T/partial"
cp spec/xmem.yaml spec/profiles.yaml "$T/partial/"
expect 0 "$X" spec check "$T/partial/xmem.yaml"
expect 2 "$X" run --spec "$T/partial" --runs 1 --findings "$T/pf"
one_line_error "service as_att is not defined"
printf 'services: []\n' >"$T/partial/adspace.yaml"
expect 2 "$X" run --spec "$T/partial" --runs 1 --findings "$T/pf"
expect 0 "$X" spec check
expect 0 "$X" spec list
grep -q '^xmattach.count-nonpositive' "$T/out" && ok || bad "spec list"

printf 'seg_new seg=0 npages=1 high=0\npin seg=0 page=zz\n' >"$T/bad.prog"
expect 2 "$X" replay "$T/bad.prog"
one_line_error "bad.prog:2:16: bad value for page"
printf 'seg_new seg=0\0npages=1\n' >"$T/bin.prog"
expect 2 "$X" replay "$T/bin.prog"
one_line_error "bin.prog:1:1: "
expect 2 "$X" replay "$T/missing.prog"
one_line_error "missing.prog: No such file"

cat >"$T/ok.prog" <<'P'
seg_new seg=0 npages=2 high=0
map pid=0 region=3 seg=0 key=1
xmattach addr=0x30000010 count=100 dp=0 segflag=0
xmemin uaddr=0x30000010 kaddr=k0+0x0 count=100 dp=0
P
expect 0 "$X" replay "$T/ok.prog" --impl sim --impl "$B/plugins/sim.so"
grep -q 'xmattach.attach-one' "$T/out" && ok || bad "replay trace lacks clause"
grep -q '^result sim: pass' "$T/out" && ok || bad "replay result"

# The vendor template loads; with no steps every program stops unsupported,
# and a run that compared no service says so (exit 2), naming no plug-in path.
expect 2 "$X" run --impl "$B/plugins/template.so" --runs 50
grep -q '0 undefined, 50 unsupported' "$T/out" && ok ||
	bad "template: $(grep stopped "$T/out")"
one_line_error "template: no service was compared in 50 programs"
# Built-in names win; any other name that is a regular file is a plug-in.
cp "$B/plugins/sim.so" "$T/acme.so"
(cd "$T" && "$OLDPWD/$X" run --impl acme.so --runs 20 >out 2>err)
[ $? = 0 ] && ok || bad "--impl acme.so without ./: $(cat "$T/err")"

for c in run replay spec; do
	expect 0 "$X" $c --help
	grep -q "^Usage: xmcheck $c" "$T/out" && ok || bad "$c --help"
done
expect 0 "$X" --help

done_tests cli

# tests/lib.sh - shared by the shell tests: the binary, a scratch directory,
# and pass/fail counting closed by an "N passed, N failed" line (done NAME).
X=${XMCHECK:-build/release/xmcheck}
B=${BUILD:-build/release}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
done_tests() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}

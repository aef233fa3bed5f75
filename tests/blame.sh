#!/bin/sh
# tests/blame.sh - one bug, one signature (docs/WORLD.md): a planted bug
# whose effects cascade into later ops is one finding, and two unrelated
# bugs planted together are still two.
set -u
. "$(dirname "$0")/lib.sh"

# sigs IMPL PROFILE RUNS: the sorted signatures a run keeps.
sigs() {
	rm -rf "$T/f"
	"$X" run --impl "$1" --profile "$2" --seed 1 --runs "$3" --quiet \
		--findings "$T/f" >"$T/out" 2>&1
	[ $? = 1 ] || echo "run on $1 did not exit 1" >&2
	grep -h '^# signature: ' "$T/f"/*.prog 2>/dev/null |
		sed 's/^# signature: //' | sort
}

# xmattach-proc2-no-sid2: the descriptor is bad from the xmattach that made
# it; every later xmdetach, xmemin, xmemout and xmemdma refuses it (8
# signatures before the descriptor counterfactual).
got=$(sigs "$B/mutants/xmattach-proc2-no-sid2.so" power 20000)
[ "$got" = sim/xmattach/xmattach.attach-two/descriptor ] && ok ||
	bad "xmattach-proc2-no-sid2: $(echo $got)"

# hide-no-flush: the stale bytes showed in dma_read, xmemin, xmemout and the
# sweep (4 signatures); they are laid to the first hide.
got=$(sigs "$B/mutants/hide-no-flush.so" power 20000)
[ "$got" = sim/xmemdma/xmemdma.hide-first/dma_bytes ] && ok ||
	bad "hide-no-flush: $(echo $got)"

# partial-copy-success: a move that stops at a failing page and reports
# success is a short copy, whichever check the page failed (6 before).
got=$(sigs "$B/mutants/partial-copy-success.so" power 50000)
want="sim/xmemin/xmemin.copy/kbuf_bytes
sim/xmemout/xmemout.copy/user_bytes"
[ "$got" = "$want" ] && ok || bad "partial-copy-success: $(echo $got)"

# count-off-by-one: moves walk and copy count - 1 bytes. It showed as every
# page check the last byte would have failed, per service, and as the
# modified bit when the missing byte held the value already there (10
# signatures); a canary replay tells the short copy each time.
got=$(sigs "$B/mutants/count-off-by-one.so" power 20000)
want="sim/xmemin/xmemin.copy/kbuf_bytes
sim/xmemout/xmemout.copy/user_bytes"
[ "$got" = "$want" ] && ok || bad "count-off-by-one: $(echo $got)"

# The descriptor bug and a short xmemin planted together: two signatures,
# neither folded into the other.
got=$(sigs "$B/tests/twobugs.so" power 20000)
want="twobugs/xmattach/xmattach.attach-two/descriptor
twobugs/xmemin/xmemin.copy/kbuf_bytes"
[ "$got" = "$want" ] && ok || bad "two bugs: $(echo $got)"

# A real failure-clause bug is not taken for a short copy: an xmemin that
# reads a no-access page moves every byte.
got=$(sigs "$B/mutants/no-access-read-ok.so" power 20000)
[ "$got" = sim/xmemin/xmemin.no-access/return ] && ok ||
	bad "no-access-read-ok: $(echo $got)"

# xmemdma64 repeats xmemdma's page: one bug in the shared rule is one
# finding, under xmemdma.
got=$(sigs "$B/mutants/hide-stays-valid.so" power 20000)
[ "$got" = sim/xmemdma/xmemdma.hide-first/valid ] && ok ||
	bad "hide-stays-valid: $(echo $got)"

# The correct simulator stays clean on both profiles.
for p in power powerpc; do
	"$X" run --impl sim --profile $p --seed 1 --runs 3000 --quiet \
		>"$T/out" 2>&1 && ok || bad "sim diverges on $p"
done

done_tests blame

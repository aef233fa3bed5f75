#!/bin/sh
# tools/fuzz-cores.sh N [libfuzzer|afl] [SECONDS] [TARGET]
# Fuzz on N cores of this machine with the engine's own parallel mode:
# libFuzzer -fork=N (one corpus, crashes deduplicated by DEDUP_TOKEN), or
# N AFL++ instances (one -M main, N-1 -S secondaries) sharing an output
# directory. Builds what it needs (make fuzz-bins seeds in MODE=fuzz or afl).
# Corpus: build/corpus/TARGET; crashes: findings/fuzz/ (libFuzzer) or
# build/afl-out/TARGET/*/crashes (AFL++). XMCHECK_IMPL selects the
# implementation (default sim), as for the targets.
set -eu
n=${1:?usage: fuzz-cores.sh N [libfuzzer|afl] [SECONDS] [TARGET]}
engine=${2:-libfuzzer}
secs=${3:-600}
t=${4:-xmcheck}
dict=""
[ -f "fuzz/$t.dict" ] && dict="fuzz/$t.dict"
case "$engine" in
libfuzzer)
	make -s MODE=fuzz fuzz-bins seeds
	mkdir -p "build/corpus/$t" findings/fuzz
	exec build/fuzz/fuzz/fz_"$t" -fork="$n" -max_total_time="$secs" \
		-ignore_crashes=1 ${dict:+-dict=$dict} \
		-artifact_prefix=findings/fuzz/ "build/corpus/$t" "build/seeds/$t"
	;;
afl)
	make -s MODE=afl fuzz-bins seeds
	out="build/afl-out/$t"
	mkdir -p "$out"
	export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
	export AFL_NO_UI=1
	pids=""
	i=0
	while [ "$i" -lt "$n" ]; do
		role="-S s$i"
		[ "$i" = 0 ] && role="-M main"
		afl-fuzz $role -V "$secs" -i "build/seeds/$t" -o "$out" \
			${dict:+-x $dict} -- "build/afl/fuzz/fz_$t" \
			>"$out/log.$i" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	st=0
	for p in $pids; do wait "$p" || st=$?; done
	afl-whatsup -s "$out" || true
	exit "$st"
	;;
*)
	echo "fuzz-cores.sh: unknown engine '$engine' (libfuzzer, afl)" >&2
	exit 2
	;;
esac

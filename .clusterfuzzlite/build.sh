#!/bin/bash -eu
# .clusterfuzzlite/build.sh - builds xmcheck's fuzz targets the OSS-Fuzz
# way: the sources with $CC $CFLAGS, each target linked with
# $LIB_FUZZING_ENGINE into $OUT/<target>, with <target>_seed_corpus.zip,
# <target>.dict and <target>.options beside it. Runs in the ClusterFuzzLite
# container (cwd = $SRC/xmcheck), or by hand:
#   CC=clang CFLAGS='-O1 -fsanitize=fuzzer-no-link,address' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out SRC=.. \
#   .clusterfuzzlite/build.sh
# The built-in simulator only (no Linux shim: it forks helper processes).
cd "$(dirname "$0")/.."
W=${WORK:-$(mktemp -d)}/xmcheck-cflite
mkdir -p "$W/obj" "$OUT"

# The spec, compiled in (a host tool: no fuzzing flags).
${CC_HOST:-cc} -O1 -o "$W/embed" tools/embed.c
"$W/embed" "$W/spec_builtin.c" spec/*.yaml

INC="-Iharness -Ifuzz -Imodel -Iimpl/sim"
YAML_CFLAGS=$(pkg-config --cflags yaml-0.1)
# Linked statically: the runner images lack libyaml.
YAML_LIB="$(pkg-config --variable=libdir yaml-0.1)/libyaml.a"
[ -f "$YAML_LIB" ] || YAML_LIB=$(pkg-config --libs yaml-0.1)
# The plug-in sandbox (harness/iso_worker.c) uses libseccomp, also static.
SECCOMP_LIB="$(pkg-config --variable=libdir libseccomp)/libseccomp.a"
[ -f "$SECCOMP_LIB" ] || SECCOMP_LIB=$(pkg-config --libs libseccomp)

objs=""
# The library's sources, as the Makefile lists them (without the shim).
# A clean make: under a parent `make -j2` the inherited MAKEFLAGS made this
# one print "Entering directory" lines into the list.
lib=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory LINUX=0 fz-src 2>/dev/null)
for src in $lib fuzz/core.c fuzz/mutate.c fuzz/crash.c fuzz/lf_mutator.c \
	"$W/spec_builtin.c"; do
	o="$W/obj/$(echo "$src" | tr / _).o"
	$CC $CFLAGS -std=c11 -D_GNU_SOURCE $INC $YAML_CFLAGS -c "$src" -o "$o"
	objs="$objs $o"
done

for t in xmcheck spec prog findings; do
	$CC $CFLAGS -std=c11 -D_GNU_SOURCE $INC -c "fuzz/target_$t.c" \
		-o "$W/obj/target_$t.o"
	# The structure-aware mutator reads programs: the xmcheck target only.
	tobjs="$objs"
	[ "$t" = xmcheck ] ||
		tobjs=$(echo "$objs" | tr ' ' '\n' | grep -v lf_mutator | tr '\n' ' ')
	$CC $CFLAGS -o "$OUT/fz_$t" "$W/obj/target_$t.o" $tobjs \
		$LIB_FUZZING_ENGINE $YAML_LIB $SECCOMP_LIB -ldl
done

# Seed corpora, dictionaries, options.
${CC_HOST:-cc} -O1 -D_GNU_SOURCE $INC -o "$W/fz-seeds" fuzz/seeds.c \
	harness/prog.c harness/progbin.c harness/decode.c harness/findings.c
rm -rf "$W/seeds" && mkdir -p "$W/seeds/xmcheck"
"$W/fz-seeds" "$W/seeds/xmcheck" corpus/seeds/*.prog corpus/regressions/*.prog corpus/directed/*.prog
cp fuzz/regressions/*.bin "$W/seeds/xmcheck/"
zip -qj "$OUT/fz_xmcheck_seed_corpus.zip" "$W/seeds/xmcheck"/*
zip -qj "$OUT/fz_spec_seed_corpus.zip" spec/*.yaml
zip -qj "$OUT/fz_prog_seed_corpus.zip" corpus/seeds/*.prog corpus/regressions/*.prog corpus/directed/*.prog
zip -qj "$OUT/fz_findings_seed_corpus.zip" corpus/seeds/*.prog corpus/regressions/*.prog corpus/directed/*.prog
for t in xmcheck spec prog findings; do
	cp "fuzz/$t.dict" "$OUT/fz_$t.dict"
	max=4096
	[ "$t" = xmcheck ] && max=1345
	printf '[libfuzzer]\ndict = fz_%s.dict\nmax_len = %s\n' "$t" "$max" \
		>"$OUT/fz_$t.options"
done

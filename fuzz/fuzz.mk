# fuzz/fuzz.mk - the fuzz targets (fuzz/), included by the Makefile.
#
#   make fuzz          libFuzzer on the xmcheck target for FUZZ_SECONDS
#                      (FUZZ_TARGET=spec|prog|findings for the others)
#   make afl           AFL++ on the same target for FUZZ_SECONDS
#   make fuzz-check    each target a fixed number of inputs (-runs, -seed),
#                      the seed corpus replayed (part of `make check`)
#   make bench-fuzz    exec/s of the xmcheck target against an empty one
#   make mutants-fuzz  every sim mutant under libFuzzer and AFL++ (long)
#   make fuzz-million  loader, parser, findings: 10^6 inputs under ASan+UBSan
#
# Targets: build/<mode>/fuzz/fz_<name> for name in FZ_NAMES. In MODE=fuzz
# and fuzzsan they are libFuzzer binaries; in MODE=afl AFL++ persistent
# binaries (fuzz/afl.c); in the other modes plain replayers (fuzz/afl.c).
FUZZ_SECONDS ?= 60
FUZZ_TARGET  ?= xmcheck
FUZZ_RUNS    ?= 2000
FZ_NAMES     := xmcheck spec prog findings empty
FZ_BINS      := $(FZ_NAMES:%=$(BUILD)/fuzz/fz_%)
FZ_DRIVER    := $(if $(FZ_LINK),,$(BUILD)/fuzz/afl.o)
FZ_CORE_OBJ  := $(call obj,fuzz/core.c harness/plugin.c fuzz/mutate.c \
                  fuzz/crash.c) $(if $(FZ_LINK),$(BUILD)/fuzz/lf_mutator.o)
SEEDS        := build/seeds
FZ_PROGS     := $(sort $(wildcard corpus/seeds/*.prog corpus/regressions/*.prog \
                  corpus/directed/*.prog))

.PHONY: fuzz afl fuzz-bins fuzz-check bench-fuzz mutants-fuzz seeds cflite-check

fuzz-bins: $(FZ_BINS) $(BUILD)/tests/buggy.so \
  $(if $(filter afl,$(MODE)),$(BUILD)/fuzz/xmcheck-mutator.so)

$(BUILD)/fuzz/fz_xmcheck: $(BUILD)/fuzz/target_xmcheck.o $(FZ_CORE_OBJ) \
  $(FZ_DRIVER) $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) $(FZ_LINK) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/fz_%: $(BUILD)/fuzz/target_%.o $(BUILD)/fuzz/crash.o \
  $(FZ_DRIVER) $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) $(FZ_LINK) -o $@ $^ $(LDLIBS)

# AFL++ leaves the driver's own loop and the core's counter clearing out of
# the map (fuzz/afl.deny).
$(BUILD)/fuzz/afl.o $(BUILD)/fuzz/core.o: \
  export AFL_LLVM_DENYLIST := $(CURDIR)/fuzz/afl.deny

# The AFL++ custom mutator: a plain shared object (no instrumentation).
FZ_MUT_SRC := fuzz/afl_mutator.c fuzz/mutate.c harness/progbin.c \
              harness/prog.c harness/decode.c
$(BUILD)/fuzz/xmcheck-mutator.so: $(FZ_MUT_SRC)
	@mkdir -p $(dir $@)
	cc $(WARN) -O2 -fPIC -shared -D_GNU_SOURCE $(INC) -o $@ $(FZ_MUT_SRC)

# Seed corpora, one directory per target, the same in every mode.
build/tools/fz-seeds: fuzz/seeds.c harness/prog.c harness/progbin.c \
  harness/decode.c harness/findings.c
	@mkdir -p $(dir $@)
	cc $(WARN) -O1 -D_GNU_SOURCE $(INC) -o $@ $^

$(SEEDS)/stamp: build/tools/fz-seeds $(FZ_PROGS) $(SPEC) \
  $(wildcard fuzz/regressions/*.bin)
	rm -rf $(SEEDS) && mkdir -p $(SEEDS)/xmcheck $(SEEDS)/prog \
	  $(SEEDS)/findings $(SEEDS)/spec $(SEEDS)/empty
	@build/tools/fz-seeds $(SEEDS)/xmcheck $(FZ_PROGS)
	cp fuzz/regressions/*.bin $(SEEDS)/xmcheck/
	@cp $(FZ_PROGS) $(SEEDS)/prog/
	@cp $(FZ_PROGS) $(SEEDS)/findings/
	cp $(SPEC) $(SEEDS)/spec/
	printf x >$(SEEDS)/empty/x
	touch $@
seeds: $(SEEDS)/stamp

# The dictionary of each target (fuzz/<name>.dict; empty has none).
fz_dict = $(if $(wildcard fuzz/$(1).dict),-dict=fuzz/$(1).dict)

fuzz: deps
	$(MAKE) MODE=fuzz fuzz-bins seeds
	@mkdir -p build/corpus/$(FUZZ_TARGET) findings/fuzz
	build/fuzz/fuzz/fz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
	  $(call fz_dict,$(FUZZ_TARGET)) -artifact_prefix=findings/fuzz/ \
	  -print_final_stats=1 build/corpus/$(FUZZ_TARGET) $(SEEDS)/$(FUZZ_TARGET)

afl: deps
	$(MAKE) MODE=afl fuzz-bins seeds
	@mkdir -p build/afl-out
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_NO_UI=1 afl-fuzz -V $(FUZZ_SECONDS) -i $(SEEDS)/$(FUZZ_TARGET) \
	  -o build/afl-out/$(FUZZ_TARGET) \
	  $(if $(wildcard fuzz/$(FUZZ_TARGET).dict),-x fuzz/$(FUZZ_TARGET).dict) \
	  -- build/afl/fuzz/fz_$(FUZZ_TARGET)

# Run inside `make check` (MODE=fuzzsan): bounded, seeded, replays seeds.
fuzz-check: fuzz-bins seeds $(BUILD)/tests/test_fuzz
	$(BUILD)/tests/test_fuzz
	FZ=$(BUILD)/fuzz BUILD=$(BUILD) XMCHECK=build/sanitize/xmcheck \
	  BUGGY_CLI=build/sanitize/tests/buggy.so RUNS=$(FUZZ_RUNS) \
	  sh tests/fuzz.sh
	sh tests/cflite.sh

cflite-check:
	sh tests/cflite.sh

# The binary form, the mutator and the core, as a unit test (fuzz-check).
$(BUILD)/tests/test_fuzz: $(BUILD)/tests/test_fuzz.o \
  $(call obj,fuzz/core.c harness/plugin.c fuzz/mutate.c) \
  $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

bench-fuzz: deps
	sh tools/bench-fuzz.sh $(BENCH_SECONDS)
bench: bench-fuzz

# Every sim mutant under libFuzzer and AFL++ (LIMIT seconds each; long).
mutants-fuzz: deps
	sh tools/mutants-fuzz.sh $(MUT_TABLE)

# ---- fuzz-million (fuzz9) ---- begin ----
# The loader, parser and findings targets under ASan + UBSan, 1,000,000
# inputs each (FUZZ_MILLION_RUNS), no time limit: a measurement of about
# ten minutes on 2 cores, not part of `make check`.
FUZZ_MILLION_RUNS ?= 1000000
fuzz-million: deps
	$(MAKE) MODE=fuzzsan fuzz-bins seeds
	RUNS=$(FUZZ_MILLION_RUNS) sh tools/fuzz-million.sh
.PHONY: fuzz-million
# ---- fuzz-million ---- end ----

# The library's sources without the Linux shim (.clusterfuzzlite/build.sh).
fz-src:
	@echo $(MODEL_SRC) $(CORE_SRC) $(SIM_SRC) harness/plugin.c

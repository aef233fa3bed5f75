# xmcheck - differential fuzzing and conformance harness for the AIX
# cross-memory and address-space kernel services.
#
#   make              build build/release/xmcheck and the plug-in .so files
#   make conformance  the main job: every built-in implementation against the
#                     model, both profiles, reports in reports/
#   make check        build with -Werror under ASan+UBSan, run every test
#   make sanitize     the sanitizer build only (build/sanitize/)
#   make coverage     a gcov build, conform, lcov/genhtml: reports/coverage/
#   make report-shot  a PNG of reports/conformance/sim/index.html (Chromium)
#   make bench        ops/s figures (a benchmark, not a test)
#   make clean

# ---- settings ---------------------------------------------------------------
SEED      ?= 1
RUNS      ?= 100000
CC        ?= cc
OPT       ?= -O2
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-missing-field-initializers
LINUX     ?= 1
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
PKGS      := yaml-0.1 jansson libseccomp
TEST_PKGS := check
# Check's 4 s per-test default trips when the sanitizer build shares a loaded
# 2-core machine; none of the unit tests is a timing test.
export CK_DEFAULT_TIMEOUT ?= 120
# -----------------------------------------------------------------------------

MODE      ?= release
BUILD     := build/$(MODE)
ifeq ($(MODE),sanitize)
  MODEFLAGS := -O1 -g $(SAN)
else ifeq ($(MODE),coverage)
  MODEFLAGS := -O0 -g --coverage -DLNX_GCOV  # LNX_GCOV: impl/linux/chan.c
else
  MODEFLAGS := $(OPT) -g
endif
-include fuzz/modes.mk

INC       := -Iharness -Ifuzz -Imodel -Iimpl/sim -Iimpl/linux
CFLAGS    += $(WARN) $(MODEFLAGS) -D_GNU_SOURCE -fPIC $(INC) \
             $(shell pkg-config --cflags $(PKGS))
LDLIBS    += $(shell pkg-config --libs $(PKGS)) -ldl -lm
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

MODEL_SRC := model/world.c model/steps.c model/effects.c model/interp.c \
             model/tables.c model/spec_load.c model/spec_files.c model/expr.c \
             model/readings.c
CORE_SRC  := harness/prog.c harness/prog_expect.c harness/decode.c \
             harness/exec.c \
             harness/call.c harness/observe.c harness/blame.c \
             harness/findings.c harness/minimize.c harness/progbin.c \
             harness/iso.c harness/iso_worker.c
CLI_SRC   := harness/cli.c harness/plugin.c harness/summary.c harness/run.c \
             harness/outfile.c \
             harness/corpus.c harness/repro.c \
             harness/conform.c harness/cf_yaml.c harness/cf_write.c \
             harness/cf_html.c harness/cf_sent.c harness/cf_files.c \
             harness/replay_show.c \
             harness/merge.c
SIM_SRC   := $(filter-out impl/sim/so.c,$(wildcard impl/sim/*.c))
LNX_SRC   := $(filter-out impl/linux/so.c impl/linux/bench_%.c,\
               $(wildcard impl/linux/*.c))
IMPL_SRC  := $(SIM_SRC)
ifeq ($(LINUX),1)
  IMPL_SRC += $(LNX_SRC)
  CFLAGS   += -DXMC_WITH_LINUX
endif
SPEC      := $(sort $(wildcard spec/*.yaml))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
IMPLS     := --impl sim $(if $(filter 1,$(LINUX)),--impl linux)
LIB_OBJ   := $(call obj,$(MODEL_SRC) $(CORE_SRC) $(IMPL_SRC)) \
             $(BUILD)/spec_builtin.o
XMCHECK   := $(BUILD)/xmcheck
PLUGINS   := $(BUILD)/plugins/sim.so $(BUILD)/plugins/template.so
TESTS     := $(BUILD)/tests/test_spec $(BUILD)/tests/test_sim \
             $(BUILD)/tests/test_clauses \
             $(BUILD)/tests/test_model $(BUILD)/tests/test_world
# ---- sim8: the simulator's image and kernel space (W12, W13) ---- begin ----
TESTS     += $(BUILD)/tests/test_sim_world
# ---- sim8 ---- end ----
ifeq ($(LINUX),1)
  PLUGINS += $(BUILD)/plugins/linux.so
  TESTS   += $(BUILD)/tests/test_linux
  # ---- shim8: process images and kernel space (W12, W13) ---- begin ----
  TESTS   += $(BUILD)/tests/test_linux_kern
  # ---- shim8 ---- end ----
endif

.SECONDARY:
.PHONY: FORCE all check sanitize coverage bench clean test-run deps conformance \
        report-shot \
        mutants install repro-mutants
all: $(XMCHECK) $(PLUGINS)

# Objects are rebuilt when the flags change (LINUX=0/1, OPT, ...).
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CFLAGS)' | cmp -s - $@ || echo '$(CFLAGS)' >$@

$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

$(BUILD)/spec_builtin.c: $(BUILD)/embed $(SPEC)
	$(BUILD)/embed $@ $(SPEC)

$(BUILD)/spec_builtin.o: $(BUILD)/spec_builtin.c
	$(CC) $(CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/libxmcheck.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(XMCHECK): $(call obj,$(CLI_SRC)) $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/plugins/sim.so: $(call obj,$(SIM_SRC) impl/sim/so.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $^

$(BUILD)/plugins/template.so: $(call obj,impl/template/template.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $^

$(BUILD)/plugins/linux.so: $(call obj,$(LNX_SRC) impl/linux/so.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

$(BUILD)/tests/buggy.so: $(BUILD)/tests/buggy.o $(call obj,$(SIM_SRC))
	$(CC) $(CFLAGS) -shared -o $@ $^

# ---- blame: one bug, one signature (tests/blame.sh) ---- begin ----
BLAME_MUTANTS := xmattach-proc2-no-sid2 hide-no-flush partial-copy-success \
                 no-access-read-ok hide-stays-valid count-off-by-one
$(BUILD)/tests/twobugs.so: $(BUILD)/tests/twobugs.o $(call obj,$(SIM_SRC))
	$(CC) $(CFLAGS) -shared -o $@ $^
# ---- blame ---- end ----

$(BUILD)/tests/flaky.so: $(BUILD)/tests/flaky.o $(call obj,$(SIM_SRC))
	$(CC) $(CFLAGS) -shared -o $@ $^

$(BUILD)/tests/fakecrash.so: $(BUILD)/tests/fakecrash.o $(call obj,$(SIM_SRC))
	$(CC) $(CFLAGS) -shared -o $@ $^

# ---- isolation: faulty test plug-ins (tests/plugins/faulty.c) ---- begin --
FAULTS     := segv abort hang leak socket blind
FAULTY_SO  := $(FAULTS:%=$(BUILD)/tests/faulty-%.so)
# faulty.c itself is built without sanitizers: its faults must reach the
# worker raw, not as a sanitizer's report.
FAULT_segv := 1
FAULT_abort := 2
FAULT_hang := 3
FAULT_leak := 4
FAULT_socket := 5
FAULT_blind := 6
$(BUILD)/tests/faulty-%.so: tests/plugins/faulty.c $(call obj,$(SIM_SRC)) \
  $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g -D_GNU_SOURCE -fPIC -Iharness -DFAULT=$(FAULT_$*) \
	  -c -o $(@:.so=.o) $<
	$(CC) $(CFLAGS) -shared -o $@ $(@:.so=.o) $(call obj,$(SIM_SRC))
# ---- isolation ---- end ----

# The tests run from the source tree: they read spec/ and corpus/.
# Simulator variants that take the other option of a reading: the corpus,
# with its files written for either option, must pass on them too.
READING_VARIANTS := addr-offset-both key0-ro-bypass powerpc-hide-sets-mod \
                    xmdetach-deleted-fails
test-run: $(XMCHECK) $(PLUGINS) $(TESTS) $(BUILD)/tests/buggy.so \
          $(READING_VARIANTS:%=$(BUILD)/variants/%.so) $(FAULTY_SO) \
          $(BUILD)/mutants/acc-none-ok.so $(BUILD)/tests/flaky.so \
          $(BUILD)/tests/fakecrash.so $(BUILD)/tests/twobugs.so \
          $(BLAME_MUTANTS:%=$(BUILD)/mutants/%.so) \
          $(if $(filter 1,$(LINUX)),$(BUILD)/mutants/linux-munlock-early.so)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done
	$(XMCHECK) corpus corpus $(IMPLS)
	$(XMCHECK) corpus corpus $(READING_VARIANTS:%=--impl $(BUILD)/variants/%.so)
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/cli.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) REPRO_CFLAGS="$(MODEFLAGS)" \
	  sh tests/findings.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/conform.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/sentences.sh  # report11
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/report_dom.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/programs.sh
	$(if $(filter 1,$(LINUX)),XMCHECK=$(XMCHECK) BUILD=$(BUILD) \
	  sh tests/linux_kernel.sh)
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/shard.sh  # fuzz (issue 9)
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/isolate.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/badinput.sh
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/blame.sh  # blame (issue 8)
	MODE=$(MODE) BUILD=$(BUILD) sh tests/install.sh

deps:
	@sh tools/deps.sh

check: deps
	$(MAKE) MODE=sanitize test-run
	$(MAKE) MODE=fuzzsan fuzz-check

# ---- conformance: `xmcheck conform` per implementation ---- begin ----
# reports/conformance/<impl>/index.html (and report.md, junit.xml,
# report.json, summary.txt): every profile the implementation claims.
CONF_IMPLS := sim $(if $(filter 1,$(LINUX)),linux)
CONF_DIR   ?= reports/conformance
conformance: deps
	$(MAKE) MODE=release all
	@mkdir -p $(CONF_DIR)
	@st=0; for i in $(CONF_IMPLS); do \
	  build/release/xmcheck conform --impl $$i --seed $(SEED) \
	    --runs $(RUNS) --out $(CONF_DIR)/$$i || st=1; done; \
	echo "open $(CONF_DIR)/<impl>/index.html"; exit $$st

# `make report-shot`: a PNG of the sim report as headless Chromium draws it.
SHOT_RUNS ?= 10000
report-shot: deps
	$(MAKE) MODE=release all
	build/release/xmcheck conform --quiet --impl sim --runs $(SHOT_RUNS) \
	  --out $(CONF_DIR)/sim || true
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	  --disable-background-networking --disable-component-update \
	  --disable-sync --no-first-run --user-data-dir=$$(mktemp -d) \
	  --window-size=1280,2400 --screenshot=$(CONF_DIR)/sim/index.png \
	  file://$(CURDIR)/$(CONF_DIR)/sim/index.html
	@echo "screenshot: $(CONF_DIR)/sim/index.png"
# ---- conformance ---- end ----

sanitize:
	$(MAKE) MODE=sanitize all

# ---- coverage: gcov build, conform, lcov/genhtml beside the report ----
COV_RUNS ?= 2000
coverage: deps
	$(MAKE) MODE=coverage all
	BUILD=build/coverage OUT=reports/coverage RUNS=$(COV_RUNS) SEED=$(SEED) \
	  IMPLS="$(CONF_IMPLS)" sh tools/coverage.sh

bench: deps
	$(MAKE) MODE=release all build/release/tests/bench \
	  $(if $(filter 1,$(LINUX)),build/release/tests/bench_lnx)
	sh tests/bench.sh build/release

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- mutants: planted-bug simulators (impl/sim/mutants.txt) ---- begin ----
# `make mutants` builds build/release/mutants/<name>.so for every line
# `N name description` of impl/sim/mutants.txt (the sim sources compiled with
# -DSIM_MUTANT=N, objects under build/<mode>/mutants/obj/<name>/), runs each
# against the model with a fixed seed and budget (tools/mutants.sh) and writes
# reports/mutants.json. It fails when a mutant survives.
MUT_SEED  ?= 1
MUT_RUNS  ?= 50000
MUT_TABLE := impl/sim/mutants.txt
MUT_LIST  := $(shell awk '/^[0-9]/ {print $$1 ":" $$2}' $(MUT_TABLE) 2>/dev/null)
MUT_NAMES := $(foreach m,$(MUT_LIST),$(word 2,$(subst :, ,$(m))))

# One simulator build per table line, shared with the variants block:
# $(1) = kind (mutants, variants: the directory under $(BUILD)), $(2) = the
# macro set to N (SIM_MUTANT, SIM_VARIANT), $(3) = table, $(4) = N:name.
define SIMX_RULES
SIMX_OBJ_$(1)_$(word 2,$(subst :, ,$(4))) := $(patsubst %.c,$(BUILD)/$(1)/obj/$(word 2,$(subst :, ,$(4)))/%.o,$(SIM_SRC) impl/sim/so.c)
$$(SIMX_OBJ_$(1)_$(word 2,$(subst :, ,$(4)))): $(BUILD)/$(1)/obj/$(word 2,$(subst :, ,$(4)))/%.o: %.c $(3) \
  $(wildcard $(BUILD)/flags)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -D$(2)=$(word 1,$(subst :, ,$(4))) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/$(word 2,$(subst :, ,$(4))).so: $$(SIMX_OBJ_$(1)_$(word 2,$(subst :, ,$(4))))
	$$(CC) $$(CFLAGS) -shared -o $$@ $$^
endef
$(foreach m,$(MUT_LIST),$(eval $(call SIMX_RULES,mutants,SIM_MUTANT,$(MUT_TABLE),$(m))))

mutants: deps
	$(MAKE) MODE=release all $(MUT_NAMES:%=build/release/mutants/%.so)
	XMCHECK=build/release/xmcheck MUTDIR=build/release/mutants \
	  SEED=$(MUT_SEED) RUNS=$(MUT_RUNS) sh tools/mutants.sh $(MUT_TABLE)
# ---- mutants ---- end ----

# ---- variants: legitimate readings of the pages (impl/sim/variants.txt) ----
# `make variants` builds build/release/variants/<name>.so for every line
# `N name description` of impl/sim/variants.txt (the sim sources compiled
# with -DSIM_VARIANT=N through SIMX_RULES above), runs each against the model
# on both profiles (tools/variants.sh, VAR_RUNS programs each) and writes
# reports/variants.json. It fails when a variant diverges: the model must
# accept every reading the pages allow.
VAR_SEED  ?= 1
VAR_RUNS  ?= 100000
VAR_TABLE := impl/sim/variants.txt
VAR_LIST  := $(shell awk '/^[0-9]/ {print $$1 ":" $$2}' $(VAR_TABLE) 2>/dev/null)
VAR_NAMES := $(foreach m,$(VAR_LIST),$(word 2,$(subst :, ,$(m))))
$(foreach m,$(VAR_LIST),$(eval $(call SIMX_RULES,variants,SIM_VARIANT,$(VAR_TABLE),$(m))))

.PHONY: variants
variants: deps
	$(MAKE) MODE=release all $(VAR_NAMES:%=build/release/variants/%.so)
	XMCHECK=build/release/xmcheck VARDIR=build/release/variants \
	  SEED=$(VAR_SEED) RUNS=$(VAR_RUNS) sh tools/variants.sh $(VAR_TABLE)
# ---- variants ---- end ----

# ---- linux mutants: planted bugs in the Linux shim ---- begin ----
# For every line `N name description` of impl/linux/mutants.txt:
# build/<mode>/mutants/<name>.so, the shim sources and so.c compiled with
# -DLNX_MUTANT=N, objects under build/<mode>/mut-linux/<name>/.
# `make linux-mutants` builds them all. Run one with
# `xmcheck run --impl build/release/mutants/<name>.so --seed 1 --runs 20000`.
LNXMUT_TABLE := impl/linux/mutants.txt
LNXMUT_LIST  := $(shell awk '/^[0-9]/ {print $$1 ":" $$2}' $(LNXMUT_TABLE) 2>/dev/null)
LNXMUT_NAMES := $(foreach m,$(LNXMUT_LIST),$(word 2,$(subst :, ,$(m))))

# $(1) = N, $(2) = name
define LNXMUT_RULES
LNXMUT_OBJ_$(2) := $(patsubst %.c,$(BUILD)/mut-linux/$(2)/%.o,$(LNX_SRC) impl/linux/so.c)
$$(LNXMUT_OBJ_$(2)): $(BUILD)/mut-linux/$(2)/%.o: %.c $(BUILD)/flags
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -DLNX_MUTANT=$(1) -MMD -MP -c $$< -o $$@
$(BUILD)/mutants/$(2).so: $$(LNXMUT_OBJ_$(2))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -shared -o $$@ $$^
endef
$(foreach m,$(LNXMUT_LIST),$(eval $(call LNXMUT_RULES,$(word 1,$(subst :, ,$(m))),$(word 2,$(subst :, ,$(m))))))

.PHONY: linux-mutants
linux-mutants: $(LNXMUT_NAMES:%=$(BUILD)/mutants/%.so)
# ---- linux mutants ---- end ----

# ---- fuzz: libFuzzer and AFL++ targets, seeds, shards (issue 9) ---- begin ----
# fuzz/fuzz.mk: `make fuzz` (libFuzzer, FUZZ_SECONDS), `make afl`,
# `make fuzz-check` (part of `make check`), `make bench-fuzz`,
# `make mutants-fuzz`, `make cflite-check`. Modes (fuzz/modes.mk):
# MODE=fuzz (clang -fsanitize=fuzzer), MODE=fuzzsan (the same with
# ASan+UBSan), MODE=afl (afl-clang-fast).
include fuzz/fuzz.mk
# ---- fuzz ---- end ----

# ---- install: the developer kit (docs/PLUGINS.md) ---- begin ----
# make install PREFIX=DIR [DESTDIR=...]: the binary of the current MODE, the
# ABI header, xmcheck.pc, the man pages, docs/ and the plug-in template.
PREFIX    ?= /usr/local
VERSION   := 1.0
KIT       := $(DESTDIR)$(PREFIX)
install: $(XMCHECK)
	install -d $(KIT)/bin $(KIT)/include $(KIT)/lib/pkgconfig \
	  $(KIT)/share/man/man1 $(KIT)/share/man/man7 \
	  $(KIT)/share/doc/xmcheck $(KIT)/share/xmcheck/template
	install -m 755 $(XMCHECK) $(KIT)/bin/xmcheck
	install -m 644 harness/xmcheck.h $(KIT)/include/xmcheck.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	  xmcheck.pc.in >$(KIT)/lib/pkgconfig/xmcheck.pc
	install -m 644 man/xmcheck.1 $(KIT)/share/man/man1/xmcheck.1
	install -m 644 man/xmcheck-plugin.7 $(KIT)/share/man/man7/
	install -m 644 README.md docs/*.md $(KIT)/share/doc/xmcheck/
	install -m 644 impl/template/template.c $(KIT)/share/xmcheck/template/
# ---- install ---- end ----

# ---- repro-mutants: every mutant's reproducers fail on it ---- begin ----
# Builds the mutants, runs each, and checks that the C reproducer of each
# finding exits 1 on its mutant and 0 on sim (tools/repro-mutants.sh).
repro-mutants: deps
	$(MAKE) MODE=release all $(MUT_NAMES:%=build/release/mutants/%.so)
	XMCHECK=build/release/xmcheck MUTDIR=build/release/mutants \
	  SIM=build/release/plugins/sim.so sh tools/repro-mutants.sh
# ---- repro-mutants ---- end ----

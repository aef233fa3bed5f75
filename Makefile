# xmcheck - differential fuzzing and conformance harness for the AIX
# cross-memory and address-space kernel services.
#
#   make              build build/release/xmcheck and the plug-in .so files
#   make conformance  the main job: every built-in implementation against the
#                     model, both profiles, reports in reports/
#   make check        build with -Werror under ASan+UBSan, run every test
#   make sanitize     the sanitizer build only (build/sanitize/)
#   make coverage     a gcov build (build/coverage/)
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
PKGS      := yaml-0.1
TEST_PKGS := check
# -----------------------------------------------------------------------------

MODE      ?= release
BUILD     := build/$(MODE)
ifeq ($(MODE),sanitize)
  MODEFLAGS := -O1 -g $(SAN)
else ifeq ($(MODE),coverage)
  MODEFLAGS := -O0 -g --coverage
else
  MODEFLAGS := $(OPT) -g
endif

INC       := -Iharness -Imodel -Iimpl/sim -Iimpl/linux
CFLAGS    += $(WARN) $(MODEFLAGS) -D_GNU_SOURCE -fPIC $(INC) \
             $(shell pkg-config --cflags $(PKGS))
LDLIBS    += $(shell pkg-config --libs $(PKGS)) -ldl
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

MODEL_SRC := model/world.c model/steps.c model/effects.c model/interp.c \
             model/tables.c model/spec_load.c model/expr.c
CORE_SRC  := harness/prog.c harness/decode.c harness/exec.c \
             harness/call.c harness/observe.c \
             harness/findings.c harness/minimize.c
CLI_SRC   := harness/cli.c harness/plugin.c harness/summary.c harness/run.c
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
LIB_OBJ   := $(call obj,$(MODEL_SRC) $(CORE_SRC) $(IMPL_SRC)) \
             $(BUILD)/spec_builtin.o
XMCHECK   := $(BUILD)/xmcheck
PLUGINS   := $(BUILD)/plugins/sim.so
TESTS     := $(BUILD)/tests/test_spec $(BUILD)/tests/test_sim \
             $(BUILD)/tests/test_clauses \
             $(BUILD)/tests/test_model
ifeq ($(LINUX),1)
  PLUGINS += $(BUILD)/plugins/linux.so
  TESTS   += $(BUILD)/tests/test_linux
endif

.PHONY: all check sanitize coverage bench clean test-run deps conformance
all: $(XMCHECK) $(PLUGINS)

$(BUILD)/%.o: %.c
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

$(BUILD)/plugins/linux.so: $(call obj,$(LNX_SRC) impl/linux/so.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libxmcheck.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

# The tests run from the source tree: they read spec/ and corpus/.
test-run: $(XMCHECK) $(PLUGINS) $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done
	XMCHECK=$(XMCHECK) BUILD=$(BUILD) sh tests/cli.sh

deps:
	@sh tools/deps.sh

check: deps
	$(MAKE) MODE=sanitize test-run

IMPLS := --impl sim $(if $(filter 1,$(LINUX)),--impl linux)
conformance: deps
	$(MAKE) MODE=release all
	@mkdir -p reports
	@st=0; for p in power powerpc; do \
	  build/release/xmcheck run $(IMPLS) --profile $$p --seed $(SEED) \
	    --runs $(RUNS) --summary-json reports/conformance-$$p.json \
	    >reports/conformance-$$p.txt || st=$$?; \
	  cat reports/conformance-$$p.txt; done; exit $$st

sanitize:
	$(MAKE) MODE=sanitize all

coverage:
	$(MAKE) MODE=coverage all

bench: deps
	$(MAKE) MODE=release all build/release/tests/bench
	sh tests/bench.sh build/release

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

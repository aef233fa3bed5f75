# fuzz/modes.mk - build modes for the fuzz targets (included by the Makefile
# right after the MODE switch). Each mode has its own build/<mode>/.
# The targets export __sancov_lowest_stack (libFuzzer's, which instrumented
# plug-ins refer to) and nothing else: exporting everything (-rdynamic) would
# let a plug-in's sim_* bind to the target's own built-in simulator.
ifeq ($(MODE),fuzz)
  CC        := clang
  MODEFLAGS := $(OPT) -g -fsanitize=fuzzer-no-link
  FZ_LINK   := -fsanitize=fuzzer -Wl,--dynamic-list=fuzz/export.list
else ifeq ($(MODE),fuzzsan)
  CC        := clang
  MODEFLAGS := -O1 -g -fsanitize=fuzzer-no-link $(SAN)
  FZ_LINK   := -fsanitize=fuzzer -Wl,--dynamic-list=fuzz/export.list
else ifeq ($(MODE),afl)
  CC        := afl-clang-fast
  MODEFLAGS := $(OPT) -g
endif

# The oracle (model/, harness/) without comparison tracing: it is most of
# the time per input (about 3x), and what guides toward the model's deep
# states is the spec feedback (fuzz/core.h). The code under test (impl/,
# plug-ins) and the core keep it, for libFuzzer's value profile and CMP
# dictionary.
ifneq ($(FZ_LINK),)
$(BUILD)/model/%.o $(BUILD)/harness/%.o: \
  MODEFLAGS += -fno-sanitize-coverage=trace-cmp
endif

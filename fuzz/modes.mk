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

# The oracle (model/, and the harness's executor, comparisons and stores)
# without coverage instrumentation: it is most of the time per input, and
# what guides toward the model's deep states is the spec feedback
# (fuzz/core.h), one feature per clause, clause pair and page state instead
# of one per oracle edge (libFuzzer's cost per input grows with the
# features an input has). The code under test (impl/, plug-ins), the core
# and the decoder (which reads the fuzzer's bytes: decode.c, progbin.c,
# prog.c) keep edge coverage, the latter without comparison tracing; the
# code under test keeps it too, for libFuzzer's value profile and CMP
# dictionary.
ifneq ($(FZ_LINK),)
FZ_DECODER := $(BUILD)/harness/decode.o $(BUILD)/harness/progbin.o \
              $(BUILD)/harness/prog.o
FZ_ORACLE  := $(filter-out $(FZ_DECODER),\
                $(patsubst %.c,$(BUILD)/%.o,$(wildcard model/*.c harness/*.c)))
$(FZ_DECODER): MODEFLAGS += -fno-sanitize-coverage=trace-cmp
$(FZ_ORACLE): MODEFLAGS += -fno-sanitize=fuzzer-no-link
endif

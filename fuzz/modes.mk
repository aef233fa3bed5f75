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

# The run-time oracle (the model's world, steps, effects, interpreter and
# readings; the harness's executor, calls and comparisons) without coverage
# instrumentation: it is most of the time per input of the xmcheck target,
# and what guides toward the model's deep states is the spec feedback
# (fuzz/core.h), one feature per clause, clause pair and page state instead
# of one per oracle edge (libFuzzer's cost per input grows with the
# features an input has). The code under test (impl/, plug-ins) keeps
# full coverage, for libFuzzer's value profile and CMP dictionary. The rest of model/ and harness/ keeps edge coverage without
# comparison tracing: the decoder reads the engine's bytes, and the spec
# loader, program parser and findings loader are what the other targets
# fuzz.
ifneq ($(FZ_LINK),)
FZ_ORACLE := $(patsubst %,$(BUILD)/%.o,model/world model/steps \
               model/effects model/interp model/tables model/readings \
               harness/exec harness/call harness/observe harness/iso \
               harness/iso_worker)
FZ_LOADERS := $(filter-out $(FZ_ORACLE),\
                $(patsubst %.c,$(BUILD)/%.o,$(wildcard model/*.c harness/*.c)))
# The core and the mutators are the fuzzer's own machinery: their edges
# and comparisons are no guide (the core's guidance is the spec feedback)
# and cost time on every input.
FZ_MACHINE := $(patsubst %,$(BUILD)/fuzz/%.o,core mutate lf_mutator) \
              $(patsubst %,$(BUILD)/harness/%.o,progbin decode)
$(FZ_ORACLE) $(FZ_MACHINE): MODEFLAGS += -fno-sanitize=fuzzer-no-link
$(FZ_LOADERS): MODEFLAGS += -fno-sanitize-coverage=trace-cmp
endif

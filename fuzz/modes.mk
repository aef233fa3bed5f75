# fuzz/modes.mk - build modes for the fuzz targets (included by the Makefile
# right after the MODE switch). Each mode has its own build/<mode>/.
ifeq ($(MODE),fuzz)
  CC        := clang
  MODEFLAGS := $(OPT) -g -fsanitize=fuzzer-no-link
  FZ_LINK   := -fsanitize=fuzzer
else ifeq ($(MODE),fuzzsan)
  CC        := clang
  MODEFLAGS := -O1 -g -fsanitize=fuzzer-no-link $(SAN)
  FZ_LINK   := -fsanitize=fuzzer
else ifeq ($(MODE),afl)
  CC        := afl-clang-fast
  MODEFLAGS := $(OPT) -g
endif

/*
 * entry.h - the libFuzzer interface every target implements, and the spec
 * feedback counters the xmcheck target exports to the engines.
 *
 * A target is built three ways from the same file: with libFuzzer
 * (clang -fsanitize=fuzzer, which supplies main), with AFL++ (fuzz/afl.c
 * supplies a persistent-mode main) and as a plain replayer for tests
 * (fuzz/afl.c without afl-clang-fast runs the files named on its command
 * line).
 */
#ifndef FZ_ENTRY_H
#define FZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The xmcheck target's spec feedback counters (FZ_NCOUNTERS bytes), in the
 * section libFuzzer reads as extra coverage; weak so that other targets
 * link without them.
 */
extern uint8_t fz_extra[] __attribute__((weak));

/* Print "DEDUP_TOKEN: sig" (what libFuzzer's dedup and minimizer compare)
 * and the divergence, then abort: a divergence is a crash to an engine. */
void fz_crash(const char *what, const char *sig) __attribute__((noreturn));

#endif /* FZ_ENTRY_H */

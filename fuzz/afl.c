/*
 * afl.c - the AFL++ entry point over a libFuzzer-style target: persistent
 * mode (__AFL_LOOP) with test cases in shared memory (__AFL_FUZZ_INIT), and
 * __AFL_INIT (the fork server starts) only after LLVMFuzzerInitialize has
 * loaded the spec and the plug-ins, so every child starts with them.
 *
 * Spec feedback reaches AFL++'s coverage map through the SanitizerCoverage
 * guard interface, which afl-clang-fast's default (PCGUARD) runtime
 * implements: a constructor registers one guard per counter with
 * __sanitizer_cov_trace_pc_guard_init, which gives each its own slot in the
 * map, as for an instrumented edge; after each input every counter the core
 * set is reported with __sanitizer_cov_trace_pc_guard, once per unit of its
 * value (core.h: a counter's value class is a feature).
 *
 * main and publish are not instrumented (fuzz/afl.deny): the loop's body is
 * entered from before the loop on the first input and from its end on every
 * later one, and those two edges made the first input in each child look
 * unstable to AFL++.
 *
 * Built without afl-clang-fast (a plain compiler) it is a replayer: it runs
 * each file named on the command line, or standard input, once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "entry.h"

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc_guard(uint32_t *guard);

static uint32_t guards[FZ_NCOUNTERS]; /* one map slot per spec counter */

__attribute__((constructor)) static void register_guards(void)
{
	if (fz_extra)
		__sanitizer_cov_trace_pc_guard_init(guards,
						    guards + FZ_NCOUNTERS);
}

static void publish(void)
{
	if (!fz_extra)
		return;
	/* as many hits as the counter's value: AFL++ classes hit counts as
	 * libFuzzer classes counter values (core.h) */
	for (size_t i = 0; i < FZ_NCOUNTERS; i++)
		for (unsigned n = fz_extra[i]; n > 0; n--)
			__sanitizer_cov_trace_pc_guard(&guards[i]);
}
#endif

#define MAX_INPUT (1 << 20) /* longest replayed input */

static int replay(const char *path, uint8_t *buf)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		perror(path);
		return 2;
	}
	size_t n = fread(buf, 1, MAX_INPUT, f);
	if (f != stdin)
		fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
#ifdef __AFL_FUZZ_TESTCASE_LEN
	if (argc < 2) {
		__AFL_INIT();
		unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
		while (__AFL_LOOP(100000)) {
			LLVMFuzzerTestOneInput(buf,
					       (size_t)__AFL_FUZZ_TESTCASE_LEN);
			publish();
		}
		return 0;
	}
#endif
	static uint8_t buf[MAX_INPUT];
	int r = 0;
	for (int i = 1; i < argc && !r; i++)
		r = replay(argv[i], buf);
	if (argc < 2)
		r = replay("-", buf);
	return r;
}

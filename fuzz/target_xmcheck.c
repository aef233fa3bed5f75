/*
 * target_xmcheck.c - the main target: one input = one program against the
 * model and the implementations of XMCHECK_IMPL (fuzz/core.h). A divergence
 * is a crash whose DEDUP_TOKEN is its signature.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core.h"
#include "entry.h"

/* libFuzzer finds these through __start/__stop___libfuzzer_extra_counters. */
__attribute__((section("__libfuzzer_extra_counters"), used))
uint8_t fz_extra[FZ_NCOUNTERS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	(void)argc;
	(void)argv;
	if (fz_init(err, sizeof err)) {
		fprintf(stderr, "xmcheck fuzz: %s\n", err);
		exit(2);
	}
	fz_set_counters(fz_extra, FZ_NCOUNTERS);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_result r;
	if (fz_one(data, size, &r))
		fz_crash("divergence", r.signature);
	fz_stats_tick();
	return 0;
}

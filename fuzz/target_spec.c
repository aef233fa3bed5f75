/*
 * target_spec.c - the spec loader: one input = one YAML file. Loading must
 * succeed or fail with a message, never crash; a loaded spec must give the
 * model a world for every profile.
 */
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "model.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: a read past it is a sanitizer error. */
	char *buf = malloc(size ? size : 1);
	const char *name = "fuzz.yaml";
	struct mdl_spec *s = NULL;
	char err[512];
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	const char *bufs[1] = {buf};
	size_t lens[1] = {size};
	if (!mdl_spec_load_mem(1, &name, bufs, lens, &s, err, sizeof err)) {
		for (int p = XMC_PROFILE_POWER; p <= XMC_PROFILE_POWERPC; p++)
			mdl_free(mdl_new(s, p));
		mdl_spec_free(s);
	} else if (!err[0]) {
		fz_crash("spec loader failed without a message", "spec/no-message");
	}
	free(buf);
	return 0;
}

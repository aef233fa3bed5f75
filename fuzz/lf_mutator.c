/*
 * lf_mutator.c - libFuzzer's custom mutator hooks over fuzz/mutate.c. One
 * call in four (and every call when XMCHECK_MUTATOR=0) is left to
 * libFuzzer's own byte mutations, which also reach the decoder-byte form.
 */
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "progbin.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
				 const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max, unsigned int seed);

static int structural(unsigned int seed)
{
	static int on = -1;
	if (on < 0) {
		const char *e = getenv("XMCHECK_MUTATOR");
		on = !(e && !strcmp(e, "0"));
	}
	return on && seed % 4 != 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed)
{
	static uint8_t out[XMP_BIN_MAX];
	if (!structural(seed))
		return LLVMFuzzerMutate(data, size, max);
	size_t n = fz_mutate(data, size, out, max < sizeof out ? max : sizeof out,
			     seed);
	if (!n)
		return LLVMFuzzerMutate(data, size, max);
	memcpy(data, out, n);
	return n;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
				 const uint8_t *d2, size_t s2, uint8_t *out,
				 size_t max, unsigned int seed)
{
	return fz_crossover(d1, s1, d2, s2, out, max, seed);
}

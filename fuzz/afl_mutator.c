/*
 * afl_mutator.c - AFL++'s custom mutator API over fuzz/mutate.c, built as
 * build/<mode>/fuzz/xmcheck-mutator.so; use it with
 *   AFL_CUSTOM_MUTATOR_LIBRARY=build/afl/fuzz/xmcheck-mutator.so afl-fuzz ...
 * The per-call seed is the engine's seed and a call counter, so a run of
 * AFL++ with a fixed -s seed repeats its mutations.
 */
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "progbin.h"

/* The mutator's state across calls. */
struct fz_afl {
	uint64_t seed; /* afl-fuzz's seed */
	uint64_t calls; /* calls so far */
	uint8_t out[XMP_BIN_MAX]; /* the last output */
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
		       uint8_t **out_buf, uint8_t *add_buf,
		       size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct fz_afl *m = calloc(1, sizeof *m);
	(void)afl;
	if (m)
		m->seed = seed;
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
		       uint8_t **out_buf, uint8_t *add_buf,
		       size_t add_buf_size, size_t max_size)
{
	struct fz_afl *m = data;
	uint64_t seed = m->seed * 0x9e3779b97f4a7c15ull + m->calls++;
	size_t max = max_size < sizeof m->out ? max_size : sizeof m->out;
	size_t n = add_buf && (seed & 7) == 0
			   ? fz_crossover(buf, buf_size, add_buf, add_buf_size,
					  m->out, max, seed)
			   : fz_mutate(buf, buf_size, m->out, max, seed);
	*out_buf = m->out;
	return n;
}

void afl_custom_deinit(void *data)
{
	free(data);
}

/*
 * bench.c - throughput figures (a benchmark, not a test): ops per second of
 * program decoding, of the reference model alone, and of the model paired
 * with each built-in implementation, over the same programs.
 * Usage: bench [PROGRAMS] [SEED]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "model.h"

extern const struct xmc_plugin sim_plugin;
#ifdef XMC_WITH_LINUX
extern const struct xmc_plugin lnx_plugin;
#endif
extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void gen(uint64_t seed, uint64_t i, uint32_t caps, struct xmp_prog *p)
{
	struct xmp_src src;
	uint64_t st = seed ^ (i * 0x9e3779b97f4a7c15ull);
	xmp_src_rng(&src, xmp_splitmix(&st));
	int n = 4 + (int)(xmp_rng_next(src.rng) % 48);
	xmp_decode(&src, n, caps, XMC_PROFILE_POWER, p);
}

/* The model on its own: evaluate, choose its own answer, commit. */
static uint64_t model_alone(const struct mdl_spec *s, uint64_t n,
			    uint64_t seed)
{
	struct mdl_world *m = mdl_new(s, XMC_PROFILE_POWER);
	struct mdl_eval ev;
	struct xmp_prog p;
	uint64_t ops = 0;
	for (uint64_t i = 0; i < n; i++) {
		gen(seed, i, XMC_CAP_ALL, &p);
		mdl_reset(m);
		for (int j = 0; j < p.n; j++) {
			mdl_eval(m, &p.op[j], &ev);
			if (ev.kind == MDL_EV_ILLEGAL)
				continue;
			if (ev.kind == MDL_EV_UNDEF)
				break;
			ops++;
			mdl_commit(m, &p.op[j], &ev, mdl_choose(m, &p.op[j], &ev),
				   NULL, 0);
		}
	}
	mdl_free(m);
	return ops;
}

static void paired(const struct mdl_spec *s, const struct xmc_plugin *pl,
		   uint64_t n, uint64_t seed)
{
	struct hx_exec x;
	char err[256];
	const struct xmc_plugin *pls[1] = {pl};
	if (hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, seed, err, sizeof err)) {
		printf("model+%-6s skipped: %s\n", pl->name, err);
		return;
	}
	struct xmp_prog p;
	double t = now();
	for (uint64_t i = 0; i < n; i++) {
		gen(seed, i, hx_common_caps(&x), &p);
		hx_run(&x, &p, NULL);
	}
	t = now() - t;
	printf("model+%-6s %10" PRIu64 " ops %8.3f s %12.0f ops/s  "
	       "(divergences %" PRIu64 ")\n",
	       pl->name, x.ops, t, (double)x.ops / t, x.divergences);
	hx_fini(&x);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	struct mdl_spec *s;
	char err[256];
	if (mdl_spec_load_mem(mdl_builtin_nfiles, mdl_builtin_names,
			      mdl_builtin_bufs, mdl_builtin_lens, &s, err,
			      sizeof err))
		return fprintf(stderr, "%s\n", err), 2;
	printf("seed %" PRIu64 ", %" PRIu64 " programs, profile power\n", seed,
	       n);
	struct xmp_prog p;
	uint64_t ops = 0;
	double t = now();
	for (uint64_t i = 0; i < n; i++) {
		gen(seed, i, XMC_CAP_ALL, &p);
		ops += (uint64_t)p.n;
	}
	t = now() - t;
	printf("decode       %10" PRIu64 " ops %8.3f s %12.0f ops/s\n", ops, t,
	       (double)ops / t);
	t = now();
	ops = model_alone(s, n, seed);
	t = now() - t;
	printf("model alone  %10" PRIu64 " ops %8.3f s %12.0f ops/s\n", ops, t,
	       (double)ops / t);
	paired(s, &sim_plugin, n, seed);
#ifdef XMC_WITH_LINUX
	paired(s, &lnx_plugin, n / 10, seed);
#endif
	mdl_spec_free(s);
	return 0;
}

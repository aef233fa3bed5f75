/*
 * flaky.c - a test plug-in: the simulator, except that in the first world it
 * creates xmattach accepts count <= 0 (xmattach.count-nonpositive). A
 * divergence found there does not come back in a fresh world, which is what
 * `xmcheck conform` must report as flaky, with both runs (tests/conform.sh).
 */
#include <stddef.h>

#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;

static struct xmc_plugin flaky;
static xmc_world *first; /* the first world created: the misbehaving one */

static xmc_world *f_create(const struct xmc_config *cfg, char *err,
			   size_t errlen)
{
	xmc_world *w = sim_plugin.create(cfg, err, errlen);
	if (!first)
		first = w;
	return w;
}

static int f_xmattach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp, int segflag)
{
	if (w == first && count <= 0)
		count = 1;
	return sim_plugin.xmattach(w, addr, count, dp, segflag);
}

const struct xmc_plugin *xmcheck_plugin(void)
{
	flaky = sim_plugin;
	flaky.name = "flaky";
	flaky.create = f_create;
	flaky.xmattach = f_xmattach;
	return &flaky;
}

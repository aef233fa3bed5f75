/*
 * twobugs.c - a test plug-in: the simulator with two unrelated bugs planted
 * together, for tests/blame.sh. Each must keep its own signature however the
 * executor folds the cascades of one bug into one finding:
 *  - xmattach leaves subspace_id2 of an XMEM_PROC2 descriptor 0, so every
 *    later use of the descriptor is refused (the cascade of mutant 18);
 *  - xmemin moves one byte fewer than asked (half of mutant 21).
 */
#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;

static struct xmc_plugin twobugs;

static int t_xmattach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp, int segflag)
{
	int r = sim_plugin.xmattach(w, addr, count, dp, segflag);
	if (r == XMEM_SUCC && dp->aspace_id == XMEM_PROC2)
		dp->subspace_id2 = 0;
	return r;
}

static int t_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
		    struct xmc_xmem *dp)
{
	return sim_plugin.xmemin(w, uaddr, kaddr, count > 0 ? count - 1 : count,
				 dp);
}

const struct xmc_plugin *xmcheck_plugin(void)
{
	twobugs = sim_plugin;
	twobugs.name = "twobugs";
	twobugs.xmattach = t_xmattach;
	twobugs.xmemin = t_xmemin;
	return &twobugs;
}

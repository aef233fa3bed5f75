/*
 * buggy.c - a test plug-in: the simulator with a few planted bugs in
 * wrappers around its hooks, each with its own signature, so that tests can
 * watch findings being found, kept, minimized and reproduced.
 */
#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;

static struct xmc_plugin buggy;

/* Accepts count <= 0 (xmattach.count-nonpositive). */
static int b_xmattach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp, int segflag)
{
	return sim_plugin.xmattach(w, addr, count <= 0 ? 1 : count, dp,
				   segflag);
}

/* Leaves the descriptor in use (xmdetach.detach/descriptor). */
static int b_xmdetach(xmc_world *w, struct xmc_xmem *dp)
{
	int32_t id = dp->aspace_id;
	int r = sim_plugin.xmdetach(w, dp);
	if (r == XMEM_SUCC)
		dp->aspace_id = id;
	return r;
}

/* Reports success for an unallocated region (as_det.unallocated). */
static int b_as_det(xmc_world *w, xmc_adspace *as, xmc_caddr eaddr)
{
	int r = sim_plugin.as_det(w, as, eaddr);
	uint32_t reg = XMC_REGION(eaddr);
	return r && reg > 2 && reg != 14 ? 0 : r;
}

/* Copies one byte too many into the kernel buffer (xmemin.copy/overrun). */
static int b_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
		    struct xmc_xmem *dp)
{
	int r = sim_plugin.xmemin(w, uaddr, kaddr, count, dp);
	if (r == XMEM_SUCC && count > 0 && count < 64)
		((unsigned char *)kaddr)[count] ^= 0xa5;
	return r;
}

const struct xmc_plugin *xmcheck_plugin(void)
{
	buggy = sim_plugin;
	buggy.name = "buggy";
	buggy.xmattach = b_xmattach;
	buggy.xmdetach = b_xmdetach;
	buggy.as_det = b_as_det;
	buggy.xmemin = b_xmemin;
	return &buggy;
}

/*
 * fakecrash.c - a test plug-in that stands in for an isolated plug-in's
 * crash findings until the fork server reports them: the simulator, named
 * "fake/crash" so that its findings' signatures read
 * "fake/crash/<service>/...", the form issue 10's isolation gives a signal,
 * with xmattach accepting count <= 0. tests/conform.sh checks that conform
 * reports the clause as crash (JUnit: error) and exits 1.
 */
#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;

static struct xmc_plugin fake;

static int c_xmattach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp, int segflag)
{
	return sim_plugin.xmattach(w, addr, count <= 0 ? 1 : count, dp,
				   segflag);
}

const struct xmc_plugin *xmcheck_plugin(void)
{
	fake = sim_plugin;
	fake.name = "fake/crash";
	fake.xmattach = c_xmattach;
	return &fake;
}

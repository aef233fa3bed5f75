/* so.c - the one exported symbol of the Linux shim's plug-in .so. */
#include "linux.h"

const struct xmc_plugin *xmcheck_plugin(void)
{
	return &lnx_plugin;
}

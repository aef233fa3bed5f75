#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;
const struct xmc_plugin *xmcheck_plugin(void) { return &sim_plugin; }

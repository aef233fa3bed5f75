/*
 * sim.h - the xmcheck simulator: an AIX-like VMM behind the plug-in ABI.
 */
#ifndef SIM_H
#define SIM_H

#include "xmcheck.h"

extern const struct xmc_plugin sim_plugin;

#endif /* SIM_H */

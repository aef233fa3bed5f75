/*
 * faulty.c - test plug-ins that fail the way vendor code does: the
 * simulator, except that xmattach misbehaves. Built once per FAULT:
 *   1 segv    NULL dereference          -> faulty/crash/xmattach/SIGSEGV
 *   2 abort   abort()                   -> faulty/crash/xmattach/SIGABRT
 *   3 hang    loops forever             -> faulty/timeout/xmattach
 *   4 leak    allocates without bound   -> faulty/oom/xmattach
 *   5 socket  opens a network socket    -> faulty/sandbox/socket
 * The harness must survive each, keep one minimized finding, and go on.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "xmcheck.h"

#ifndef FAULT
#error "build with -DFAULT=1..5"
#endif

extern const struct xmc_plugin sim_plugin;

static struct xmc_plugin faulty;

static void misbehave(void)
{
	volatile int *volatile null = NULL; /* the compiler may not drop it */
	switch (FAULT) {
	case 1: *null = 1; break;
	case 2: abort();
	case 3:
		for (volatile int spin = 1; spin;)
			;
		break;
	case 4:
		/* mmap, not malloc: a sanitizer's allocator would report first */
		for (;;) {
			size_t n = 16u << 20;
			void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				abort();
			memset(p, 1, n);
		}
	case 5: socket(AF_INET, SOCK_STREAM, 0); break;
	}
}

static int f_xmattach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp, int segflag)
{
	if (count > 0)
		misbehave();
	return sim_plugin.xmattach(w, addr, count, dp, segflag);
}

const struct xmc_plugin *xmcheck_plugin(void)
{
	faulty = sim_plugin;
	faulty.name = "faulty";
	faulty.xmattach = f_xmattach;
	return &faulty;
}

/*
 * faulty.c - test plug-ins that fail the way vendor code does: the
 * simulator, except that xmattach misbehaves. Built once per FAULT:
 *   1 segv    NULL dereference          -> faulty/crash/xmattach/SIGSEGV
 *   2 abort   abort()                   -> faulty/crash/xmattach/SIGABRT
 *   3 hang    loops forever             -> faulty/timeout/xmattach
 *   4 leak    allocates without bound   -> faulty/oom/xmattach
 *   5 socket  opens a network socket    -> faulty/sandbox/socket
 *   6 blind   page_state and peek return -1 ("cannot observe"), as the
 *             template's stubs do: no finding at all
 * The harness must survive each, keep one minimized finding, and go on.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "xmcheck.h"

#ifndef FAULT
#error "build with -DFAULT=1..6"
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
	default: break;
	}
}

static int f_page_state(xmc_world *w, uint32_t sid, uint32_t page,
			struct xmc_page_state *out)
{
	(void)w, (void)sid, (void)page, (void)out;
	return -1;
}

static int f_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		  uint32_t len)
{
	(void)w, (void)sid, (void)off, (void)buf, (void)len;
	return -1;
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
	if (FAULT == 6) {
		faulty.page_state = f_page_state;
		faulty.peek = f_peek;
	} else {
		faulty.xmattach = f_xmattach;
	}
	return &faulty;
}

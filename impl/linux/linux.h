/*
 * linux.h - the Linux shim of xmcheck: AIX cross-memory and address-space
 * services done with real Linux facilities from user space.
 *
 * Each world process is a forked "user process" with a 4 GiB window of 16
 * slots (the regions); segments are memfds mapped into slots; the shim
 * reaches user memory only from outside with process_vm_readv/writev and
 * enacts page state (hide, page-out, protection) at every alias with
 * userfaultfd MINOR mode (mprotect without it).
 */
#ifndef LNX_LINUX_H
#define LNX_LINUX_H

#include <stddef.h>
#include <sys/types.h>

#include "xmcheck.h"

/* The plug-in: name "linux", version "1.0", both profiles. */
extern const struct xmc_plugin lnx_plugin;

/*
 * Diagnostics for tests and the bench (not part of the ABI).
 * lnx_probe reads len bytes at effective address addr of world process pid
 * through its real Linux mapping (process_vm_readv): the return value is
 * what the syscall returned (-1 when the page is unreachable).
 */
ssize_t lnx_probe(xmc_world *w, int pid, xmc_caddr addr, void *buf, size_t len);

/*
 * lnx_xcheck compares the shim's tables with Linux: for every live page at
 * every alias, a 1-byte probe must succeed exactly when the page is
 * addressable (in memory, not hidden, protection not NONE). Returns the
 * number of disagreements (0 = consistent).
 */
int lnx_xcheck(xmc_world *w);

/* Count of internal disagreements met by the services so far. */
unsigned lnx_errors(xmc_world *w);

/* 1 when the world hides and pages out with userfaultfd, 0 with mprotect. */
int lnx_uses_uffd(xmc_world *w);

#endif /* LNX_LINUX_H */

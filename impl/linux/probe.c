/*
 * probe.c - the probe hook (WORLD.md "Probes"): would a processor load by
 * world process pid at addr complete now, through that process's own
 * mapping?
 *
 * The answer is Linux's, observed from outside as the kernel sees it: once
 * the child has done every request posted to it, a 1-byte process_vm_readv
 * of the child's address. It completes when the address is mapped, its
 * protection allows a read and the page has a PTE (or gets one without
 * help); it fails with EFAULT otherwise: a free slot or fixed region (the
 * PROT_NONE window reservation), a deleted segment (memfd truncated to 0),
 * a page with PROT_NONE, and a page hidden or paged out (no PTE, and the
 * userfaultfd MINOR fault is refused at once: SIGBUS feature; or PROT_NONE
 * without uffd). Nothing moves: no UFFDIO_CONTINUE, no page-in, and the
 * shim's modified bits are its own.
 *
 * The shim's tables give their own answer (region allocated with a live
 * segment, defined page, in memory, not hidden, protection not NONE); when
 * the two disagree, or a readable page is not the segment's memfd at the
 * right offset (PROCMAP_QUERY) or holds other bytes than real memory, the
 * disagreement is counted (lnx_errors) and told on stderr, and Linux's
 * answer is returned: the probe is an independent observation.
 */
#include "lnx_int.h"

#include <errno.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

/* The tables' answer; *k and *page name the page when a segment is there. */
static int table_says(xmc_world *w, int pid, uint32_t addr, int *k,
		      uint32_t *page)
{
	const struct lnx_proc *p = &w->proc[pid];
	int r = (int)XMC_REGION(addr);
	*k = -1;
	if (!p->exists || !(p->adsp.alloc & (0x80000000u >> r)) ||
	    p->seg[r] < 0)
		return 0;
	struct lnx_seg *s = &w->seg[p->seg[r]];
	*page = XMC_OFFSET(addr) / LNX_PG;
	const struct lnx_page *pg = lnx_pg(s, *page);
	if (s->deleted || !pg)
		return 0;
	*k = p->seg[r];
	return lnx_visible(pg) && pg->prot != XMC_PROT_NONE;
}

static void disagree(xmc_world *w, int pid, uint32_t addr, const char *what)
{
	if (w->errors++ < 20)
		fprintf(stderr,
			"xmcheck linux shim: probe of process %d at 0x%08x: "
			"%s\n",
			pid, addr, what);
}

int lnx_probe_load(xmc_world *w, int pid, xmc_caddr addr)
{
	if (pid < 0 || pid >= XMC_MAX_PROCS || lnx_barrier(w, pid) < 0)
		return -1;
	uint64_t at = w->ch[pid].base + addr;
	uint8_t b = 0;
	struct iovec l = {&b, 1}, r = {(void *)(uintptr_t)at, 1};
	ssize_t n = process_vm_readv(w->ch[pid].pid, &l, 1, &r, 1, 0);
	if (n < 0 && errno != EFAULT) {
		lnx_complain(w, "probe: process_vm_readv", errno);
		return -1; /* the child is gone or out of reach */
	}
	int got = n == 1, k;
	uint32_t page = 0;
	int want = table_says(w, pid, addr, &k, &page);
	if (got != want) {
		disagree(w, pid, addr,
			 got ? "Linux reads it, the tables say it faults"
			     : "Linux faults, the tables say a load completes");
		return got;
	}
	if (!got)
		return 0;
	const struct lnx_seg *s = &w->seg[k];
	uint32_t off = XMC_OFFSET(addr) - s->first * LNX_PG;
	uint8_t real = 0;
	if (pread(s->fd, &real, 1, (off_t)s->foff * LNX_PG + off) != 1 ||
	    b != real)
		disagree(w, pid, addr, "the byte read is not real memory's");
	if (w->have_pmq &&
	    lnx_vma_check(w, pid, at & ~(uint64_t)(LNX_PG - 1), k, page) < 0)
		disagree(w, pid, addr, "not the segment's memfd there");
	return 1;
}

/*
 * kseg.c - process images (text and private data, WORLD.md W12) and kernel
 * space (W13).
 *
 * An image's two segments are memfd pool entries like a user segment's,
 * mapped in the process's child at slots 1 and 2; text pages carry the
 * read-only key, enacted as PROT_READ at every alias as `protect` does.
 *
 * Kernel segments live in the shim's OWN memory, the shim process acting
 * as the kernel: a 4 GiB PROT_NONE reservation (made at the first kseg_new
 * of a run and kept) whose region r is kernel region r; kernel segment j
 * is its memfd mapped MAP_SHARED at region XMC_KREGION(j) (the segment's
 * "kernel alias", kva). No child maps it. Its state is enacted on that
 * mapping by the shim itself:
 *   - hidden for DMA (power): mprotect(PROT_NONE), the PTE stays (the page
 *     is still resident, as pagemap shows);
 *   - paged out: PROT_NONE and MADV_DONTNEED (no PTE: pagemap's present
 *     bit clears); paged in: populated again (MADV_POPULATE_READ, or a
 *     process_vm_readv of one byte on an older kernel) and re-protected;
 *   - pinned: mlock of the segment's real mapping, as for user pages.
 * Moves through XMEM_GLOBAL descriptors copy with process_vm_readv/writev
 * on the shim itself through the kernel alias, so a page the tables think
 * addressable but Linux does not gives a short copy (counted), not a
 * signal.
 */
#include "lnx_int.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

#define LNX_KWIN (16 * LNX_SLOT) /* kernel space: 16 regions */

int lnx_image(xmc_world *w, int pid, int npages)
{
	int kt = XMC_SEG_TEXT(pid), kd = XMC_SEG_DATA(pid);
	if (pid < 0 || pid >= XMC_MAX_PROCS || !w->proc[pid].exists ||
	    w->seg[kt].created || npages < 1 || npages > (int)XMC_OBJ_PAGES ||
	    w->ch[pid].broken)
		return -1;
	if (lnx_seg_create(w, kt, npages, 0) < 0)
		return -1;
	if (lnx_seg_create(w, kd, npages, 0) < 0) {
		w->seg[kt].created = 0; /* the pool entry stays */
		return -1;
	}
	for (int i = 0; i < npages; i++)
		w->seg[kt].pg[i].prot = XMC_PROT_RO; /* text: read-only key */
	struct lnx_proc *p = &w->proc[pid];
	if (lnx_map_slot(w, pid, 1, kt) < 0 || lnx_map_slot(w, pid, 2, kd) < 0)
		return -1; /* the child is broken: restarted at reset */
	p->seg[1] = (int8_t)kt;
	p->seg[2] = (int8_t)kd;
	p->adsp.srval[1] = XMC_SRVAL(XMC_SID(kt), 1);
	p->adsp.srval[2] = XMC_SRVAL(XMC_SID(kd), 1);
	return 0;
}

/* The kernel alias of page i of kernel segment s. */
static uint8_t *kpage(const struct lnx_seg *s, uint32_t i)
{
	return s->kva + (size_t)i * LNX_PG;
}

static int kprot_bits(uint8_t p)
{
	return p == XMC_PROT_RW	  ? PROT_READ | PROT_WRITE
	       : p == XMC_PROT_RO ? PROT_READ
				  : PROT_NONE;
}

/* The kernel space reserved (kept to destroy: reserving it again costs). */
int lnx_kwin(xmc_world *w)
{
	if (w->kwin)
		return 0;
	void *p = mmap(NULL, LNX_KWIN, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		lnx_complain(w, "kernel space reservation", errno);
		return -1;
	}
	w->kwin = p;
	return 0;
}

int lnx_kseg_new(xmc_world *w, int j, int npages)
{
	int k = XMC_SEG_KERN(j);
	if (j < 0 || j >= XMC_KSEGS || w->seg[k].created || lnx_kwin(w) < 0)
		return -1;
	if (lnx_seg_create(w, k, npages, 0) < 0)
		return -1;
	struct lnx_seg *s = &w->seg[k];
	uint8_t *at = w->kwin + (size_t)XMC_KREGION(j) * LNX_SLOT;
	size_t len = (size_t)npages * LNX_PG;
	if (mmap(at, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | MAP_POPULATE, s->fd,
		 (off_t)s->foff * LNX_PG) == MAP_FAILED) {
		lnx_complain(w, "kernel segment mapping", errno);
		s->created = 0;
		return -1;
	}
	s->kva = at;
	s->kabsent = 0;
	memset(s->kprot, XMC_PROT_RW, sizeof s->kprot);
	return 0;
}

int lnx_kseg_at(xmc_world *w, int region)
{
	for (int j = 0; j < XMC_KSEGS; j++)
		if (XMC_KREGION(j) == region && w->seg[XMC_SEG_KERN(j)].created)
			return XMC_SEG_KERN(j);
	return -1;
}

/* Gives page i back its PTE: populated with a read fault under
 * PROT_READ (the final protection may be PROT_NONE). */
static int kpopulate(struct lnx_seg *s, uint32_t i)
{
	uint8_t *a = kpage(s, i);
	if (mprotect(a, LNX_PG, PROT_READ) < 0)
		return -1;
	s->kprot[i] = XMC_PROT_RO;
	if (madvise(a, LNX_PG, MADV_POPULATE_READ) == 0)
		return 0;
	char b; /* before 5.14: the kernel's own read fault populates it */
	struct iovec l = {&b, 1}, r = {a, 1};
	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1 ? 0 : -1;
}

/* Page `page` of kernel segment k as the tables want it at the kernel
 * alias: no PTE when paged out, PROT_NONE when hidden or paged out,
 * else its key's protection. */
int lnx_kenact(xmc_world *w, int k, uint32_t page)
{
	struct lnx_seg *s = &w->seg[k];
	uint32_t i = page - s->first;
	const struct lnx_page *pg = &s->pg[i];
	uint16_t bit = (uint16_t)(1u << i);
	uint8_t want = lnx_visible(pg) ? pg->prot : XMC_PROT_NONE;
	w->kgen++;
	if (!pg->in_memory && !(s->kabsent & bit)) {
		if (mprotect(kpage(s, i), LNX_PG, PROT_NONE) < 0 ||
		    madvise(kpage(s, i), LNX_PG, MADV_DONTNEED) < 0)
			goto fail;
		s->kprot[i] = XMC_PROT_NONE;
		s->kabsent |= bit;
	} else if (pg->in_memory && (s->kabsent & bit)) {
		if (kpopulate(s, i) < 0)
			goto fail;
		s->kabsent &= (uint16_t)~bit;
	}
	if (s->kprot[i] != want) {
		if (mprotect(kpage(s, i), LNX_PG, kprot_bits(want)) < 0)
			goto fail;
		s->kprot[i] = want;
	}
	return 0;
fail:
	lnx_complain(w, "kernel page", errno);
	return -1;
}

/* Reset: every kernel alias re-reserved (the next program maps anew). */
void lnx_kreset(xmc_world *w)
{
	for (int j = 0; j < XMC_KSEGS; j++) {
		struct lnx_seg *s = &w->seg[XMC_SEG_KERN(j)];
		if (!s->kva)
			continue;
		if (mmap(s->kva, (size_t)s->npages * LNX_PG, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			     MAP_FIXED,
			 -1, 0) == MAP_FAILED)
			lnx_complain(w, "kernel space re-reservation", errno);
		s->kva = NULL;
	}
	w->kgen++;
}

void lnx_kclose(xmc_world *w)
{
	if (w->kwin)
		munmap(w->kwin, LNX_KWIN);
	w->kwin = NULL;
	for (int j = 0; j < XMC_KSEGS; j++)
		w->seg[XMC_SEG_KERN(j)].kva = NULL;
}

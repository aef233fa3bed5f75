/*
 * xmem.c - xmattach, xmdetach, xmemin, xmemout, xmemdma (WORLD.md W1..W8).
 *
 * Every failure is classified from the shim's tables before anything moves
 * (all-or-nothing); the bytes then move with one process_vm_readv/writev
 * through an alias of the segment, and a short count is a failure too (an
 * internal disagreement, counted). xmattach cross-checks "defined" against
 * the child's VMAs with PROCMAP_QUERY.
 */
#include "lnx_int.h"

#include <string.h>

#define XMEM_FLAGS 0x7 /* HIDE/UNHIDE | ACC_CHK | WRITE_ONLY */

/* Segment index named by a register value, or -1. */
static int seg_index(xmc_world *w, uint32_t srval)
{
	int k;
	return lnx_seg_of(w, srval, &k) ? k : -1;
}

/* W2 valid: fills the segment indices (k2 = -1 for XMEM_PROC). */
static int desc_valid(xmc_world *w, const struct xmc_xmem *dp, int *k1, int *k2)
{
	if (!dp || (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2))
		return 0;
	*k1 = seg_index(w, dp->subspace_id);
	*k2 = dp->aspace_id == XMEM_PROC2 ? seg_index(w, dp->subspace_id2) : -1;
	return *k1 >= 0 && (dp->aspace_id == XMEM_PROC || *k2 >= 0);
}

/* Splits [u, u+count) at region boundaries; -1 when it touches more than
 * two regions or passes 2^32. Fills region, off and len of each piece. */
static int split(uint32_t u, uint32_t count, struct lnx_piece *pc)
{
	uint64_t end = (uint64_t)u + count;
	if (end > (1ull << 32))
		return -1;
	int n = 0;
	for (uint64_t a = u; a < end && n < 3; n++) {
		uint64_t rend = ((a >> XMC_SEGSHIFT) + 1) << XMC_SEGSHIFT;
		uint64_t e = end < rend ? end : rend;
		if (n < 2)
			pc[n] = (struct lnx_piece){-1, (int)(a >> XMC_SEGSHIFT),
						   XMC_OFFSET((uint32_t)a),
						   (uint32_t)(e - a)};
		a = e;
	}
	return n <= 2 ? n : -1;
}

/* The piece lies on defined pages of segment k. */
static int on_defined(xmc_world *w, const struct lnx_piece *pc)
{
	struct lnx_seg *s = &w->seg[pc->k];
	return lnx_pg(s, pc->off / LNX_PG) &&
	       lnx_pg(s, (pc->off + pc->len - 1) / LNX_PG);
}

/* W2 reachable: the pieces of [u, u+count) through the descriptor. */
static int reach(xmc_world *w, const struct xmc_xmem *dp, int k1, int k2,
		 uint32_t u, uint32_t count, struct lnx_piece *pc)
{
	int r0 = (int)XMC_REGION(dp->uaddr);
	int n = split(u, count, pc);
	for (int i = 0; i < n; i++) {
		pc[i].k = pc[i].region == r0	   ? k1
			  : pc[i].region == r0 + 1 ? k2
						   : -1;
		if (pc[i].k < 0 || !on_defined(w, &pc[i]))
			return -1;
	}
	return n;
}

/* W13 kernel-defined: the pieces of kernel range [u, u+count), each on
 * defined pages of the kernel segment of its region (regions 0 and 14 are
 * not adjacent, so a range over two regions never is). */
static int kreach(xmc_world *w, uint32_t u, uint32_t count,
		  struct lnx_piece *pc)
{
	int n = split(u, count, pc);
	for (int i = 0; i < n; i++) {
		pc[i].k = lnx_kseg_at(w, pc[i].region);
		if (pc[i].k < 0 || !on_defined(w, &pc[i]))
			return -1;
	}
	return n;
}

/* The pages a range touches (each piece lies on at most 16). */
struct touched {
	int n;					/* pages */
	int k[2 * XMC_OBJ_PAGES];		/* segment index */
	uint32_t page[2 * XMC_OBJ_PAGES];	/* page number in the segment */
	struct lnx_page *pg[2 * XMC_OBJ_PAGES]; /* shim state */
};

static void collect(xmc_world *w, const struct lnx_piece *pc, int n,
		    struct touched *t)
{
	t->n = 0;
	for (int i = 0; i < n; i++) {
		uint32_t e = (pc[i].off + pc[i].len - 1) / LNX_PG;
		for (uint32_t p = pc[i].off / LNX_PG; p <= e; p++) {
			t->k[t->n] = pc[i].k;
			t->page[t->n] = p;
			t->pg[t->n++] = lnx_pg(&w->seg[pc[i].k], p);
		}
	}
}

/* W6 page conditions; 0 when the copy may go ahead. */
static int pages_ok(xmc_world *w, const struct touched *t, int out)
{
	for (int i = 0; i < t->n; i++) {
		const struct lnx_page *pg = t->pg[i];
		if (pg->prot == XMC_PROT_NONE ||
		    (out && pg->prot != XMC_PROT_RW))
			return -1; /* no access authority */
		if (!pg->in_memory && (w->intr || pg->io_error))
			return -1; /* not in memory / paging I/O error */
		if (pg->hide_count)
			return -1; /* W3: the caller would block */
	}
	return 0;
}

static int xm_copy(xmc_world *w, uint32_t u, void *kaddr, int count,
		   struct xmc_xmem *dp, int out)
{
	struct lnx_piece pc[2];
	struct touched t;
	int k1 = -1, k2 = -1, n;
	int kern = dp && dp->aspace_id == XMEM_GLOBAL; /* W13 */
	if (!kern && (!desc_valid(w, dp, &k1, &k2) || w->seg[k1].deleted ||
		      (k2 >= 0 && w->seg[k2].deleted)))
		return XMEM_FAIL;
	if (count < 0)
		return XMEM_FAIL;
	if (count == 0)
		return XMEM_SUCC;
	/* through XMEM_GLOBAL a range that is not kernel-defined is a
	 * kernel fault (W3 undefined): refused here */
	n = kern ? kreach(w, u, (uint32_t)count, pc)
		 : reach(w, dp, k1, k2, u, (uint32_t)count, pc);
	if (n < 0)
		return XMEM_FAIL;
	collect(w, pc, n, &t);
	if (pages_ok(w, &t, out) < 0)
		return XMEM_FAIL;
	for (int i = 0; i < t.n; i++) /* process level: page in */
		if (!t.pg[i]->in_memory &&
		    lnx_page_in(w, t.k[i], t.page[i]) < 0)
			return XMEM_FAIL;
	if (lnx_copy(w, pc, n, kaddr, out) < 0)
		return XMEM_FAIL;
	for (int i = 0; out && i < t.n; i++)
		t.pg[i]->modified = 1;
	return XMEM_SUCC;
}

int lnx_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
	       struct xmc_xmem *dp)
{
	return xm_copy(w, uaddr, kaddr, count, dp, 0);
}

int lnx_xmemout(xmc_world *w, void *kaddr, xmc_caddr uaddr, int count,
		struct xmc_xmem *dp)
{
	return xm_copy(w, uaddr, kaddr, count, dp, 1);
}

/* W1 in the current process; cross-checked with the child's VMAs. */
static int defined(xmc_world *w, uint32_t addr, uint32_t count)
{
	struct lnx_proc *p = &w->proc[w->cur];
	struct lnx_piece pc[2];
	int n = split(addr, count, pc);
	for (int i = 0; i < n; i++) {
		pc[i].k = p->seg[pc[i].region];
		if (pc[i].k < 0 || w->seg[pc[i].k].deleted ||
		    !on_defined(w, &pc[i]))
			return 0;
	}
	for (int i = 0; i < n; i++) {
		uint64_t slot =
		    w->ch[w->cur].base + (uint64_t)pc[i].region * LNX_SLOT;
		uint32_t lo = pc[i].off / LNX_PG;
		uint32_t hi = (pc[i].off + pc[i].len - 1) / LNX_PG;
		if (lnx_vma_check(w, w->cur, slot + (uint64_t)lo * LNX_PG,
				  pc[i].k, lo) < 0 ||
		    lnx_vma_check(w, w->cur, slot + (uint64_t)hi * LNX_PG,
				  pc[i].k, hi) < 0) {
			lnx_complain(w, "xmattach: VMA disagrees with table",
				     0);
			return 0;
		}
	}
	return n > 0;
}

/* W13 kernel-defined, cross-checked with the shim's own kernel mapping. */
static int kdefined(xmc_world *w, uint32_t addr, uint32_t count, int *k)
{
	struct lnx_piece pc[2];
	if (kreach(w, addr, count, pc) != 1)
		return 0;
	const struct lnx_seg *s = &w->seg[pc[0].k];
	uint32_t end[2] = {pc[0].off / LNX_PG,
			   (pc[0].off + pc[0].len - 1) / LNX_PG};
	for (int e = 0; e < 2; e++) /* first and last page */
		if (lnx_vma_check(w, LNX_SELF,
				  (uint64_t)(uintptr_t)s->kva +
				      (uint64_t)end[e] * LNX_PG,
				  pc[0].k, end[e]) < 0) {
			lnx_complain(w, "xmattach: kernel VMA disagrees", 0);
			return 0;
		}
	*k = pc[0].k;
	return 1;
}

/* SYS_ADSPACE (reading sys_aspace=global): the descriptor names the
 * kernel's address space; its private words record the kernel segment's
 * register (key 0) and the address, for nothing but a reader's eyes. */
static int sys_attach(xmc_world *w, xmc_caddr addr, int count,
		      struct xmc_xmem *dp)
{
	int k;
	if (count <= 0 || dp->aspace_id != XMEM_INVAL ||
	    !kdefined(w, addr, (uint32_t)count, &k))
		return XMEM_FAIL;
	dp->aspace_id = XMEM_GLOBAL;
	dp->subspace_id = XMC_SRVAL(XMC_SID(k), 0);
	dp->subspace_id2 = 0;
	dp->uaddr = addr;
	return XMEM_SUCC;
}

/* USER_ADSPACE and USERI_ADSPACE attach the same way, text and data
 * included (readings user_text=allowed, useri_data=allowed: one effective
 * address space, as on POWER). */
int lnx_xmattach(xmc_world *w, xmc_caddr addr, int count, struct xmc_xmem *dp,
		 int segflag)
{
	if (dp && segflag == SYS_ADSPACE)
		return sys_attach(w, addr, count, dp);
	if (!dp || (segflag != USER_ADSPACE && segflag != USERI_ADSPACE))
		return XMEM_FAIL; /* W3: other flags undefined */
	if (count <= 0 || dp->aspace_id != XMEM_INVAL ||
	    !defined(w, addr, (uint32_t)count))
		return XMEM_FAIL;
	const struct lnx_proc *p = &w->proc[w->cur];
	uint32_t r0 = XMC_REGION(addr);
	int two = XMC_REGION(addr + (uint32_t)count - 1) != r0;
	dp->aspace_id = two ? XMEM_PROC2 : XMEM_PROC;
	dp->subspace_id = p->adsp.srval[r0];
	dp->subspace_id2 = two ? p->adsp.srval[r0 + 1] : 0;
	dp->uaddr = addr;
	return XMEM_SUCC;
}

int lnx_xmdetach(xmc_world *w, struct xmc_xmem *dp)
{
	int k1, k2;
	/* XMEM_GLOBAL: a SYS_ADSPACE attach's is freed; a hand-made one is
	 * W13 undefined and freed the same way */
	if (!(dp && dp->aspace_id == XMEM_GLOBAL) &&
	    !desc_valid(w, dp, &k1, &k2))
		return XMEM_FAIL;
	dp->aspace_id = XMEM_INVAL;
	return XMEM_SUCC;
}

/* W7 checks; the page of xaddr through the descriptor, or NULL. */
static struct lnx_page *dma_page(xmc_world *w, const struct xmc_xmem *xp,
				 uint32_t xaddr, int flag, int *k)
{
	int k1, k2, r = (int)XMC_REGION(xaddr);
	if (xp && xp->aspace_id == XMEM_GLOBAL) { /* W13: a kernel address */
		*k = lnx_kseg_at(w, r);
	} else {
		if (!desc_valid(w, xp, &k1, &k2))
			return NULL;
		int r0 = (int)XMC_REGION(xp->uaddr);
		*k = r == r0 ? k1 : r == r0 + 1 ? k2 : -1;
	}
	if (*k < 0 || w->seg[*k].deleted)
		return NULL;
	struct lnx_page *pg = lnx_pg(&w->seg[*k], XMC_OFFSET(xaddr) / LNX_PG);
	if (!pg || !pg->in_memory || pg->pin_count == 0)
		return NULL;
	if ((flag & XMEM_ACC_CHK) &&
	    (pg->prot == XMC_PROT_NONE ||
	     (pg->prot == XMC_PROT_RO && !(flag & XMEM_WRITE_ONLY))))
		return NULL;
	return pg;
}

/* power profile: hide/unhide at every alias. */
static int hide_unhide(xmc_world *w, int k, uint32_t page, struct lnx_page *pg,
		       int flag)
{
	if (!(flag & XMEM_UNHIDE)) {
		if (pg->hide_count++ == 0 && lnx_enact_hide(w, k, page) < 0) {
			pg->hide_count = 0; /* undo where it was done */
			lnx_enact(w, k, page, 0);
			return -1;
		}
		return 0;
	}
	if (pg->hide_count == 0)
		return -1; /* W3: undefined */
	if (--pg->hide_count == 0) {
		if (lnx_enact(w, k, page, 0) < 0)
			return -1;
		if (pg->prot != XMC_PROT_RO) /* no pager I/O state here */
			pg->modified = 1;
	}
	return 0;
}

int lnx_xmemdma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag)
{
	int k;
	if (flag & ~XMEM_FLAGS)
		return XMEM_FAIL; /* W3: undefined flag bits */
	struct lnx_page *pg = dma_page(w, xp, xaddr, flag, &k);
	if (!pg)
		return XMEM_FAIL;
	if (w->cfg.profile == XMC_PROFILE_POWER &&
	    hide_unhide(w, k, XMC_OFFSET(xaddr) / LNX_PG, pg, flag) < 0)
		return XMEM_FAIL;
	return (int)((pg->frame << 12) | (xaddr & 0xfffu));
}

/*
 * xmemdma64: xmemdma with a 64-bit result; on the cache-consistent profile
 * its page sets the modified bit on a HIDE, and on an UNHIDE unless the
 * page has a read-only key (the shim has no pager I/O state).
 */
uint64_t lnx_xmemdma64(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
		       int flag)
{
	int k, r = lnx_xmemdma(w, xp, xaddr, flag);
	if (r == XMEM_FAIL)
		return UINT64_MAX;
	if (w->cfg.profile == XMC_PROFILE_POWERPC) {
		struct lnx_page *pg = dma_page(w, xp, xaddr, flag, &k);
		if (pg && (!(flag & XMEM_UNHIDE) || pg->prot != XMC_PROT_RO))
			pg->modified = 1;
	}
	return (uint32_t)r;
}

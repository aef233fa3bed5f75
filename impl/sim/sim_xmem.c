/*
 * sim_xmem.c - cross-memory services: xmattach, xmdetach, xmemin, xmemout,
 * xmemdma (WORLD.md W1, W2, W4..W8).
 */
#include "sim_int.h"

/*
 * Two consecutive regions and the live segment each reaches (NULL when it
 * reaches none). A defined range never spans more: a middle region would
 * need all 65536 pages of its segment defined.
 */
struct win {
	uint32_t r0;	      /* first region */
	struct sim_seg *s[2]; /* segment reached in r0 and r0 + 1 */
};

/*
 * Split [u, u+count) into per-page spans over the window; -1 when a page is
 * not reached or not defined (W1, W2). count must be > 0.
 */
static int walk(const struct win *wn, uint32_t u, uint32_t count,
		struct sim_span *sp)
{
	uint64_t a = u, end = (uint64_t)u + count;
	int n = 0;

	if (end > 0x100000000ull)
		return -1;
	while (a < end) {
		uint32_t r = XMC_REGION((uint32_t)a),
			 po = (uint32_t)(a & 0xfff);
		uint64_t left = end - a;

		if (n == SIM_MAX_SPANS || r - wn->r0 > 1 || !wn->s[r - wn->r0])
			return -1;
		sp[n].s = wn->s[r - wn->r0];
		sp[n].vp =
		    sim_vpage(sp[n].s, XMC_OFFSET((uint32_t)a) / XMC_PAGE_SIZE);
		if (!sp[n].vp)
			return -1;
		sp[n].off = po;
		sp[n].len = left < XMC_PAGE_SIZE - po ? (uint32_t)left
						      : XMC_PAGE_SIZE - po;
		a += sp[n].len;
		n++;
	}
	return n;
}

/* The live user segment region r of an address space maps, or NULL. */
static struct sim_seg *region_seg(xmc_world *w, const xmc_adspace *as,
				  uint32_t r)
{
	struct sim_seg *s;

	if (r > 15 || !(as->alloc & (0x80000000u >> r)))
		return NULL;
	s = sim_seg(w, XMC_SRVAL_SID(as->srval[r]));
	return sim_seg_live(s) ? s : NULL;
}

/*
 * Window of a descriptor (W2). Returns -1 when it is not valid; *deleted
 * tells whether a segment it names is deleted.
 */
static int desc_win(xmc_world *w, const struct xmc_xmem *dp, struct win *wn,
		    int *deleted)
{
	struct sim_seg *s1, *s2 = NULL;

	if (!dp || (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2))
		return -1;
	s1 = sim_seg(w, XMC_SRVAL_SID(dp->subspace_id));
	if (!s1)
		return -1;
	if (dp->aspace_id == XMEM_PROC2) {
		s2 = sim_seg(w, XMC_SRVAL_SID(dp->subspace_id2));
		if (!s2)
			return -1;
	}
	*deleted = s1->state == SIM_SEG_DELETED ||
		   (s2 && s2->state == SIM_SEG_DELETED);
	wn->r0 = XMC_REGION(dp->uaddr);
	wn->s[0] = sim_seg_live(s1) ? s1 : NULL;
	wn->s[1] = sim_seg_live(s2) ? s2 : NULL;
	return 0;
}

int sim_xmattach(xmc_world *w, xmc_caddr addr, int count, struct xmc_xmem *dp,
		 int segflag)
{
	struct sim_span sp[SIM_MAX_SPANS];
	const xmc_adspace *as;
	struct win wn;
	uint32_t r0 = XMC_REGION(addr);
	int two;

	if (!w || !dp || w->intr)
		return XMEM_FAIL;
	if (segflag != USER_ADSPACE && segflag != USERI_ADSPACE)
		return XMEM_FAIL;
	if (count <= 0 || dp->aspace_id != XMEM_INVAL)
		return XMEM_FAIL;
	as = sim_as_cur(w);
	wn.r0 = r0;
	wn.s[0] = region_seg(w, as, r0);
	wn.s[1] = region_seg(w, as, r0 + 1);
	if (walk(&wn, addr, (uint32_t)count, sp) < 0)
		return XMEM_FAIL;
	two = XMC_REGION(addr + (uint32_t)count - 1) != r0;
	dp->aspace_id = two ? XMEM_PROC2 : XMEM_PROC;
	dp->subspace_id = as->srval[r0];
	dp->subspace_id2 = two ? as->srval[r0 + 1] : 0;
	dp->uaddr = addr;
	return XMEM_SUCC;
}

int sim_xmdetach(xmc_world *w, struct xmc_xmem *dp)
{
	struct win wn;
	int deleted;

	if (!w || desc_win(w, dp, &wn, &deleted) < 0)
		return XMEM_FAIL;
	dp->aspace_id = XMEM_INVAL;
	return XMEM_SUCC;
}

/* May a processor move of direction `out` touch this page now (W6)? */
static int page_ok(const xmc_world *w, const struct sim_span *sp, int out)
{
	const struct sim_vpage *vp = sp->vp;

	if (vp->prot == XMC_PROT_NONE || (out && vp->prot != XMC_PROT_RW))
		return 0;
	if (vp->frame == SIM_NOFRAME)
		return !w->intr && !vp->io_error;
	/* a hidden page would block the caller until the last unhide (W3) */
	return w->fr[vp->frame].hide == 0;
}

/*
 * Check a whole xmemin/xmemout range, then page in what it needs. Returns
 * the number of spans (0 for count 0) or -1, having changed nothing.
 */
static int xmem_prep(xmc_world *w, uint32_t u, int count,
		     const struct xmc_xmem *dp, int out, const void *kaddr,
		     struct sim_span *sp)
{
	struct win wn;
	int deleted, n, i;

	if (!w || desc_win(w, dp, &wn, &deleted) < 0 || deleted || count < 0)
		return -1;
	if (count == 0)
		return 0;
	if (!kaddr)
		return -1;
	n = walk(&wn, u, (uint32_t)count, sp);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!page_ok(w, &sp[i], out))
			return -1;
	for (i = 0; i < n; i++)
		if (sim_page_in(w, sp[i].s, sp[i].vp) < 0)
			return -1; /* cannot happen: checked above */
	return n;
}

int sim_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
	       struct xmc_xmem *dp)
{
	struct sim_span sp[SIM_MAX_SPANS];
	uint8_t *k = kaddr;
	int n, i;

	n = xmem_prep(w, uaddr, count, dp, 0, kaddr, sp);
	if (n < 0)
		return XMEM_FAIL;
	for (i = 0; i < n; i++) {
		sim_cpu_read(w, &sp[i], k);
		k += sp[i].len;
	}
	return XMEM_SUCC;
}

int sim_xmemout(xmc_world *w, void *kaddr, xmc_caddr uaddr, int count,
		struct xmc_xmem *dp)
{
	struct sim_span sp[SIM_MAX_SPANS];
	const uint8_t *k = kaddr;
	int n, i;

	n = xmem_prep(w, uaddr, count, dp, 1, kaddr, sp);
	if (n < 0)
		return XMEM_FAIL;
	for (i = 0; i < n; i++) {
		sim_cpu_write(w, &sp[i], k);
		k += sp[i].len;
	}
	return XMEM_SUCC;
}

/* Hide or reveal a pinned page around device DMA (power profile only). */
static int dma_hide(xmc_world *w, const struct sim_vpage *vp, int flag)
{
	struct sim_frame *f = &w->fr[vp->frame];

	if (flag & XMEM_UNHIDE) {
		if (f->hide == 0)
			return -1; /* unbalanced unhide: caller error (W3) */
		if (--f->hide > 0)
			return 0;
		f->valid = 1;
		if (!vp->pager_io) {
			f->waiters = 0;
			if (vp->prot != XMC_PROT_RO)
				f->mod = 1;
		}
		return 0;
	}
	if (f->hide == UINT16_MAX)
		return -1;
	if (f->hide++ == 0) {
		sim_cache_flush(w, vp->frame, 1);
		f->valid = 0;
	}
	return 0;
}

int sim_xmemdma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag)
{
	struct sim_span sp[SIM_MAX_SPANS];
	const struct sim_vpage *vp;
	struct win wn;
	int deleted;

	if (!w || (flag & ~0x7) || desc_win(w, xp, &wn, &deleted) < 0)
		return XMEM_FAIL;
	if (walk(&wn, xaddr, 1, sp) < 0)
		return XMEM_FAIL;
	vp = sp[0].vp;
	if (vp->frame == SIM_NOFRAME || w->fr[vp->frame].pin == 0)
		return XMEM_FAIL;
	if ((flag & XMEM_ACC_CHK) &&
	    (vp->prot == XMC_PROT_NONE ||
	     (vp->prot == XMC_PROT_RO && !(flag & XMEM_WRITE_ONLY))))
		return XMEM_FAIL;
	if (w->profile == XMC_PROFILE_POWER && dma_hide(w, vp, flag) < 0)
		return XMEM_FAIL;
	return (int)(((SIM_FRAME_BASE + vp->frame) << 12) | (xaddr & 0xfffu));
}

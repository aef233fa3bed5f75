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
#if SIM_MUTANT == 22 /* page-range-off-by-one: last page (u+count)/4096 */
	if ((end & 0xfff) == 0) {
		uint32_t r = XMC_REGION((uint32_t)end);

		if (end == 0x100000000ull || r - wn->r0 > 1 ||
		    !sim_vpage(wn->s[r - wn->r0],
			       XMC_OFFSET((uint32_t)end) / XMC_PAGE_SIZE))
			return -1;
	}
#endif
	while (a < end) {
		uint32_t r = XMC_REGION((uint32_t)a),
			 po = (uint32_t)(a & 0xfff);
		uint64_t left = end - a;

#if SIM_MUTANT == 38 /* range-region-unchecked: only r0 + 1 is told apart */
		if (r - wn->r0 != 1)
			r = wn->r0;
#endif

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

#if SIM_MUTANT == 37 /* desc-valid-any-aspace: any in-use value is PROC */
	if (!dp || dp->aspace_id == XMEM_INVAL)
		return -1;
#else
	if (!dp || (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2))
		return -1;
#endif
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
#if SIM_MUTANT == 16 /* xmattach-count-zero-ok */
	if (count < 0 || dp->aspace_id != XMEM_INVAL)
		return XMEM_FAIL;
#elif SIM_MUTANT == 17 /* desc-in-use-ok */
	if (count <= 0)
		return XMEM_FAIL;
#else
	if (count <= 0 || dp->aspace_id != XMEM_INVAL)
		return XMEM_FAIL;
#endif
	as = sim_as_cur(w);
	wn.r0 = r0;
	wn.s[0] = region_seg(w, as, r0);
	wn.s[1] = region_seg(w, as, r0 + 1);
	if (walk(&wn, addr, (uint32_t)count, sp) < 0)
		return XMEM_FAIL;
	two = XMC_REGION(addr + (uint32_t)count - 1) != r0;
	dp->aspace_id = two ? XMEM_PROC2 : XMEM_PROC;
	dp->subspace_id = as->srval[r0];
#if SIM_MUTANT == 18 /* xmattach-proc2-no-sid2 */
	dp->subspace_id2 = 0;
#else
	dp->subspace_id2 = two ? as->srval[r0 + 1] : 0;
#endif
	dp->uaddr = addr;
	return XMEM_SUCC;
}

int sim_xmdetach(xmc_world *w, struct xmc_xmem *dp)
{
	struct win wn;
	int deleted;

#if SIM_MUTANT == 20 /* xmdetach-buffer-undefined-ok: aspace_id only */
	(void)wn;
	(void)deleted;
	if (!w || !dp ||
	    (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2))
		return XMEM_FAIL;
#else
	if (!w || desc_win(w, dp, &wn, &deleted) < 0)
		return XMEM_FAIL;
#endif
#if SIM_MUTANT != 19 /* xmdetach-keeps-desc: the descriptor stays in use */
	dp->aspace_id = XMEM_INVAL;
#endif
	return XMEM_SUCC;
}

/* May a processor move of direction `out` touch this page now (W6)? */
static int page_ok(const xmc_world *w, const struct sim_span *sp, int out)
{
	const struct sim_vpage *vp = sp->vp;

#if SIM_MUTANT == 26 /* no-access-read-ok: only writes check the key */
	if (out && vp->prot != XMC_PROT_RW)
		return 0;
#elif SIM_MUTANT == 27 /* xmemout-ro-ok: writes only refuse no-access */
	(void)out;
	if (vp->prot == XMC_PROT_NONE)
		return 0;
#else
	if (vp->prot == XMC_PROT_NONE || (out && vp->prot != XMC_PROT_RW))
		return 0;
#endif
#if SIM_MUTANT == 24 /* interrupt-nonresident-ok: pages in at interrupt level */
	if (vp->frame == SIM_NOFRAME)
		return !vp->io_error;
#elif SIM_MUTANT == 28 /* paging-error-ignored (with sim_page_in) */
	if (vp->frame == SIM_NOFRAME)
		return !w->intr;
#else
	if (vp->frame == SIM_NOFRAME)
		return !w->intr && !vp->io_error;
#endif
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

#if SIM_MUTANT == 25 /* segment-deleted-ok: left to the page walk */
	if (!w || desc_win(w, dp, &wn, &deleted) < 0 || count < 0)
		return -1;
#else
	if (!w || desc_win(w, dp, &wn, &deleted) < 0 || deleted || count < 0)
		return -1;
#endif
	if (count == 0)
		return 0;
	if (!kaddr)
		return -1;
#if SIM_MUTANT == 21 /* count-off-by-one: u + count - 1 taken as the end */
	n = walk(&wn, u, (uint32_t)count - 1, sp);
#else
	n = walk(&wn, u, (uint32_t)count, sp);
#endif
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!page_ok(w, &sp[i], out)) {
#if SIM_MUTANT == 23 /* partial-copy-success: copies the pages before */
			if (i > 0) {
				n = i;
				break;
			}
#endif
			return -1;
		}
	for (i = 0; i < n; i++) {
#if SIM_MUTANT == 29 /* xmemin-no-page-in: reads paging space instead */
		if (!out)
			break;
#endif
		if (sim_page_in(w, sp[i].s, sp[i].vp) < 0)
			return -1; /* cannot happen: checked above */
	}
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
#if SIM_MUTANT == 29 /* xmemin-no-page-in */
		sim_cpu_peek(w, &sp[i], k);
#else
		sim_cpu_read(w, &sp[i], k);
#endif
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
#if SIM_MUTANT == 4 /* unhide-last-off-by-one: 2 -> 1 is taken as last */
		if (--f->hide > 1)
			return 0;
#else
		if (--f->hide > 0)
			return 0;
#endif
#if SIM_MUTANT != 5 /* last-unhide-stays-invalid */
		f->valid = 1;
#endif
#if SIM_MUTANT == 8 /* unhide-pagerio-readies: waiters readied anyway */
		f->waiters = 0;
#endif
#if SIM_MUTANT == 9 /* unhide-pagerio-sets-mod: modified set anyway */
		if (vp->prot != XMC_PROT_RO)
			f->mod = 1;
#endif
		if (!vp->pager_io) {
#if SIM_MUTANT != 10 /* waiters-not-readied */
			f->waiters = 0;
#endif
#if SIM_MUTANT == 6 /* unhide-no-mod: the modified bit is never set */
#elif SIM_MUTANT == 7 /* unhide-ro-sets-mod: the key is not looked at */
			f->mod = 1;
#else
			if (vp->prot != XMC_PROT_RO)
				f->mod = 1;
#endif
		}
		return 0;
	}
	if (f->hide == UINT16_MAX)
		return -1;
#if SIM_MUTANT == 3 /* hide-count-not-nested: a hide sets the count to 1 */
	if (f->hide == 0) {
		sim_cache_flush(w, vp->frame, 1);
		f->valid = 0;
	}
	f->hide = 1;
	return 0;
#endif
	if (f->hide++ == 0) {
#if SIM_MUTANT != 1 /* hide-no-flush: dirty lines stay in the cache */
		sim_cache_flush(w, vp->frame, 1);
#endif
#if SIM_MUTANT != 2 /* hide-stays-valid */
		f->valid = 0;
#endif
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
#if SIM_MUTANT == 15 /* dma-not-pinned-ok: only residency is checked */
	if (vp->frame == SIM_NOFRAME)
		return XMEM_FAIL;
#else
	if (vp->frame == SIM_NOFRAME || w->fr[vp->frame].pin == 0)
		return XMEM_FAIL;
#endif
#if SIM_MUTANT == 12 /* acc-ro-without-writeonly-ok: RO always suffices */
	if ((flag & XMEM_ACC_CHK) && vp->prot == XMC_PROT_NONE)
		return XMEM_FAIL;
#elif SIM_MUTANT == 13 /* acc-writeonly-ignored: RO always refused */
	if ((flag & XMEM_ACC_CHK) && vp->prot != XMC_PROT_RW)
		return XMEM_FAIL;
#elif SIM_MUTANT == 14 /* acc-none-ok: only the read-only key is checked */
	if ((flag & XMEM_ACC_CHK) && vp->prot == XMC_PROT_RO &&
	    !(flag & XMEM_WRITE_ONLY))
		return XMEM_FAIL;
#else
	if ((flag & XMEM_ACC_CHK) &&
	    (vp->prot == XMC_PROT_NONE ||
	     (vp->prot == XMC_PROT_RO && !(flag & XMEM_WRITE_ONLY))))
		return XMEM_FAIL;
#endif
#if SIM_MUTANT == 11 /* powerpc-hides: the profile is not looked at */
	if (dma_hide(w, vp, flag) < 0)
		return XMEM_FAIL;
#else
	if (w->profile == XMC_PROFILE_POWER && dma_hide(w, vp, flag) < 0)
		return XMEM_FAIL;
#endif
	return (int)(((SIM_FRAME_BASE + vp->frame) << 12) | (xaddr & 0xfffu));
}

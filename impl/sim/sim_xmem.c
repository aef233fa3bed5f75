/*
 * sim_xmem.c - cross-memory services: xmattach, xmdetach, xmemin, xmemout,
 * xmemdma (WORLD.md W1, W2, W4..W8, W12, W13).
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
#if SIM_VARIANT == 15
	uint8_t key[2]; /* key0-ro-bypass: key bit of each region's handle */
#endif
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
#if SIM_VARIANT == 15
		sp[n].key = wn->key[r - wn->r0];
#endif
		a += sp[n].len;
		n++;
	}
	return n;
}

/*
 * The live segment region r of an address space maps, or NULL: a user
 * segment or the process's text or data, never a kernel segment (W1).
 */
static struct sim_seg *region_seg(xmc_world *w, const xmc_adspace *as,
				  uint32_t r)
{
	struct sim_seg *s;

	if (r > 15 || !(as->alloc & (0x80000000u >> r)))
		return NULL;
	s = sim_seg(w, XMC_SRVAL_SID(as->srval[r]));
	return sim_seg_live(s) && !SIM_IS_KERN(s - w->seg) ? s : NULL;
}

/*
 * The window of kernel address a in the kernel's own address space (W13):
 * its region's kernel segment and the next region's (none today: regions
 * 0 and 14 are not adjacent, so no kernel range spans two segments).
 */
static void kern_win(xmc_world *w, uint32_t a, struct win *wn)
{
	wn->r0 = XMC_REGION(a);
	wn->s[0] = sim_kseg_at(w, wn->r0);
	wn->s[1] = wn->r0 < 15 ? sim_kseg_at(w, wn->r0 + 1) : NULL;
#if SIM_VARIANT == 15
	wn->key[0] = wn->key[1] = XMC_VM_PRIV; /* the kernel's own key 0 */
#endif
}

#if SIM_VARIANT == 9 || SIM_VARIANT == 24
/*
 * remap-fails, desc-names-region: the attaching process is kept in bits
 * 24..25 of subspace_id (a segment register value leaves them 0).
 */
#define PID_SHIFT 24
#endif

#if SIM_VARIANT == 9
/*
 * remap-fails: the descriptor still works only while the attaching process
 * maps the descriptor's segments at the descriptor's regions (xmattach
 * page: after a remap "the effects are machine-dependent").
 */
static int still_mapped(xmc_world *w, const struct xmc_xmem *dp)
{
	uint32_t pid = (dp->subspace_id >> PID_SHIFT) & 3u;
	uint32_t r0 = XMC_REGION(dp->uaddr);
	const xmc_adspace *as;

	if (pid >= (uint32_t)w->nproc)
		return 0;
	as = &w->as[pid];
	if (!(as->alloc & (0x80000000u >> r0)) ||
	    XMC_SRVAL_SID(as->srval[r0]) != XMC_SRVAL_SID(dp->subspace_id))
		return 0;
	if (dp->aspace_id != XMEM_PROC2)
		return 1;
	return r0 < 15 && (as->alloc & (0x80000000u >> (r0 + 1))) &&
	       XMC_SRVAL_SID(as->srval[r0 + 1]) ==
		   XMC_SRVAL_SID(dp->subspace_id2);
}
#endif

#if SIM_VARIANT == 24
/*
 * desc-names-region: the descriptor names regions of the attaching
 * process, whose registers are read again at each call, so after a remap
 * a move reaches the segment mapped there now; a freed region fails.
 */
static int region_view(xmc_world *w, const struct xmc_xmem *dp,
		       struct xmc_xmem *d)
{
	uint32_t pid = (dp->subspace_id >> PID_SHIFT) & 3u;
	uint32_t r0 = XMC_REGION(dp->uaddr);
	const xmc_adspace *as;

	if (pid >= (uint32_t)w->nproc)
		return -1;
	as = &w->as[pid];
	*d = *dp;
	if (!(as->alloc & (0x80000000u >> r0)))
		return -1;
	d->subspace_id = as->srval[r0];
	if (dp->aspace_id != XMEM_PROC2)
		return 0;
	if (r0 == 15 || !(as->alloc & (0x80000000u >> (r0 + 1))))
		return -1;
	d->subspace_id2 = as->srval[r0 + 1];
	return 0;
}
#endif

#if SIM_VARIANT == 6
/*
 * desc-cookie: the private words hold the registers inverted and the
 * buffer address rotated left by 4 (region in the low bits), so nothing
 * outside the simulator can read them as the default layout.
 */
#define COOKIE_NONE 0x5eed0000u /* subspace_id2 of an XMEM_PROC buffer */
static uint32_t rol4(uint32_t v)
{
	return (v << 4) | (v >> 28);
}

static void desc_encode(xmc_world *w, struct xmc_xmem *dp)
{
	(void)w;
	dp->subspace_id = ~dp->subspace_id;
	dp->subspace_id2 =
	    dp->aspace_id == XMEM_PROC2 ? ~dp->subspace_id2 : COOKIE_NONE;
	dp->uaddr = rol4(dp->uaddr);
}

static int desc_decode(xmc_world *w, const struct xmc_xmem *dp,
		       struct xmc_xmem *d)
{
	(void)w;
	d->aspace_id = dp->aspace_id;
	d->subspace_id = ~dp->subspace_id;
	d->subspace_id2 = dp->aspace_id == XMEM_PROC2 ? ~dp->subspace_id2 : 0;
	d->uaddr = (dp->uaddr >> 4) | (dp->uaddr << 28);
	return 0;
}
#elif SIM_VARIANT == 17
/*
 * desc-table: the simulator keeps each attachment in a table; subspace_id
 * holds its index with a tag, subspace_id2 and uaddr a check word.
 */
#define ATT_TAG 0xa7700000u
static void desc_encode(xmc_world *w, struct xmc_xmem *dp)
{
	uint32_t i;

	for (i = 0; i < SIM_NATT && w->att[i].used; i++)
		;
	if (i == SIM_NATT) /* cannot happen: one attach per op at most */
		i = SIM_NATT - 1;
	w->att[i].used = 1;
	w->att[i].aspace_id = dp->aspace_id;
	w->att[i].srval[0] = dp->subspace_id;
	w->att[i].srval[1] = dp->subspace_id2;
	w->att[i].uaddr = dp->uaddr;
	dp->subspace_id = ATT_TAG | i;
	dp->subspace_id2 = ~(ATT_TAG | i);
	dp->uaddr = 0;
}

static int desc_decode(xmc_world *w, const struct xmc_xmem *dp,
		       struct xmc_xmem *d)
{
	uint32_t i = dp->subspace_id & 0xfffffu;

	if ((dp->subspace_id & ~0xfffffu) != ATT_TAG || i >= SIM_NATT ||
	    dp->subspace_id2 != ~dp->subspace_id || !w->att[i].used ||
	    w->att[i].aspace_id != dp->aspace_id)
		return -1;
	d->aspace_id = dp->aspace_id;
	d->subspace_id = w->att[i].srval[0];
	d->subspace_id2 = w->att[i].srval[1];
	d->uaddr = w->att[i].uaddr;
	return 0;
}

/* The table entry a detached descriptor no longer needs. */
static void desc_release(xmc_world *w, const struct xmc_xmem *dp)
{
	w->att[dp->subspace_id & 0xfffffu].used = 0;
}
#endif

/*
 * Window of a descriptor (W2) for address u. Returns -1 when it is not
 * valid; *deleted tells whether a segment it names is deleted. An
 * XMEM_GLOBAL descriptor names the kernel's address space, whatever its
 * other words (W13), and u is a kernel address.
 */
static int desc_win(xmc_world *w, const struct xmc_xmem *dp, uint32_t u,
		    struct win *wn, int *deleted)
{
	struct sim_seg *s1, *s2 = NULL;

	if (dp && dp->aspace_id == XMEM_GLOBAL) {
		kern_win(w, u, wn);
		*deleted = 0; /* kernel segments are never deleted */
		return 0;
	}
#if SIM_MUTANT == 37 /* desc-valid-any-aspace: any in-use value is PROC */
	if (!dp || dp->aspace_id == XMEM_INVAL)
		return -1;
#else
	if (!dp || (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2))
		return -1;
#endif
#if SIM_VARIANT == 6 || SIM_VARIANT == 17
	struct xmc_xmem d;

	if (desc_decode(w, dp, &d) < 0)
		return -1;
	dp = &d;
#elif SIM_VARIANT == 24
	struct xmc_xmem d;

	if (region_view(w, dp, &d) < 0)
		return -1;
	dp = &d;
#endif
	s1 = sim_seg(w, XMC_SRVAL_SID(dp->subspace_id));
	if (!s1)
		return -1;
	if (dp->aspace_id == XMEM_PROC2) {
		s2 = sim_seg(w, XMC_SRVAL_SID(dp->subspace_id2));
		if (!s2)
			return -1;
	}
#if SIM_VARIANT == 9 /* remap-fails */
	if (!still_mapped(w, dp))
		return -1;
#endif
	*deleted = s1->state == SIM_SEG_DELETED ||
		   (s2 && s2->state == SIM_SEG_DELETED);
	wn->r0 = XMC_REGION(dp->uaddr);
	wn->s[0] = sim_seg_live(s1) ? s1 : NULL;
	wn->s[1] = sim_seg_live(s2) ? s2 : NULL;
#if SIM_VARIANT == 15
	wn->key[0] = (uint8_t)((dp->subspace_id >> 30) & 1u);
	wn->key[1] = (uint8_t)((dp->subspace_id2 >> 30) & 1u);
#endif
	return 0;
}

/*
 * xmattach SYS_ADSPACE (W13): a kernel-defined range. The descriptor names
 * the kernel's address space (reading sys_aspace=global), or, in the other
 * reading, the kernel segment as a user descriptor would, through key 0.
 */
static int sys_attach(xmc_world *w, uint32_t addr, uint32_t count,
		      struct xmc_xmem *dp)
{
	struct sim_span sp[SIM_MAX_SPANS];
	struct win wn;

	kern_win(w, addr, &wn);
#if SIM_MUTANT == 41 /* sys-attach-range-unchecked: any range attaches */
	(void)sp;
	(void)count;
#else
	if (walk(&wn, addr, count, sp) < 0)
		return XMEM_FAIL;
#endif
#if SIM_VARIANT == 26 /* sys-aspace-proc */
	dp->aspace_id = XMEM_PROC;
	dp->subspace_id = XMC_SRVAL(XMC_SID(wn.s[0] - w->seg), XMC_VM_PRIV);
#else
	dp->aspace_id = XMEM_GLOBAL;
	dp->subspace_id = 0; /* the kernel's space needs no segment word */
#endif
	dp->subspace_id2 = 0;
	dp->uaddr = addr;
	return XMEM_SUCC;
}

/*
 * The readings user_text and useri_data (W12): may segflag attach a range
 * whose pages lie on the segments of wn (the second one when two)?
 */
static int flag_allows(const xmc_world *w, const struct win *wn, int two,
		       int segflag)
{
#if SIM_VARIANT == 27 /* user-text-refused: USER_ADSPACE is data only */
	if (segflag == USER_ADSPACE &&
	    (sim_is_text(w, wn->s[0]) || (two && sim_is_text(w, wn->s[1]))))
		return 0;
#elif SIM_VARIANT == 28 /* useri-data-refused: USERI_ADSPACE is text only */
	if (segflag == USERI_ADSPACE &&
	    (!sim_is_text(w, wn->s[0]) || (two && !sim_is_text(w, wn->s[1]))))
		return 0;
#else
	(void)w;
	(void)wn;
	(void)two;
	(void)segflag;
#endif
	return 1;
}

int sim_xmattach(xmc_world *w, xmc_caddr addr, int count, struct xmc_xmem *dp,
		 int segflag)
{
	struct sim_span sp[SIM_MAX_SPANS];
	const xmc_adspace *as;
	struct win wn;
	uint32_t r0 = XMC_REGION(addr);
	int two;

	if (!w)
		return XMEM_FAIL;
	sim_served(w);
	if (!dp || w->intr)
		return XMEM_FAIL;
	if (segflag != USER_ADSPACE && segflag != USERI_ADSPACE &&
	    segflag != SYS_ADSPACE)
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
	if (segflag == SYS_ADSPACE)
		return sys_attach(w, addr, (uint32_t)count, dp);
	as = sim_as_cur(w);
	wn.r0 = r0;
	wn.s[0] = region_seg(w, as, r0);
	wn.s[1] = region_seg(w, as, r0 + 1);
#if SIM_VARIANT == 15
	wn.key[0] = wn.key[1] = 0; /* attaching checks no protection (W4) */
#endif
	if (walk(&wn, addr, (uint32_t)count, sp) < 0)
		return XMEM_FAIL;
	two = XMC_REGION(addr + (uint32_t)count - 1) != r0;
	if (!flag_allows(w, &wn, two, segflag))
		return XMEM_FAIL;
	dp->aspace_id = two ? XMEM_PROC2 : XMEM_PROC;
	dp->subspace_id = as->srval[r0];
#if SIM_MUTANT == 18 /* xmattach-proc2-no-sid2 */
	dp->subspace_id2 = 0;
#else
	dp->subspace_id2 = two ? as->srval[r0 + 1] : 0;
#endif
	dp->uaddr = addr;
#if SIM_VARIANT == 9 || SIM_VARIANT == 24 /* the attaching process */
	dp->subspace_id |= (uint32_t)w->cur << PID_SHIFT;
#elif SIM_VARIANT == 6 || SIM_VARIANT == 17
	desc_encode(w, dp);
#endif
	return XMEM_SUCC;
}

int sim_xmdetach(xmc_world *w, struct xmc_xmem *dp)
{
	struct win wn;
	int deleted;

	if (!w)
		return XMEM_FAIL;
	sim_served(w);
#if SIM_MUTANT == 20 /* xmdetach-buffer-undefined-ok: aspace_id only */
	(void)wn;
	(void)deleted;
	if (!dp || (dp->aspace_id != XMEM_PROC && dp->aspace_id != XMEM_PROC2 &&
		    dp->aspace_id != XMEM_GLOBAL))
		return XMEM_FAIL;
#else
	/* a SYS_ADSPACE attach's XMEM_GLOBAL descriptor detaches too (W13) */
	if (desc_win(w, dp, dp ? dp->uaddr : 0, &wn, &deleted) < 0)
		return XMEM_FAIL;
#endif
#if SIM_VARIANT == 14 /* xmdetach-deleted-fails: "buffer not defined" */
	if (deleted)
		return XMEM_FAIL;
#elif SIM_VARIANT == 17
	if (dp->aspace_id != XMEM_GLOBAL) /* no table entry for the kernel */
		desc_release(w, dp);
#elif SIM_VARIANT == 20 /* detach-clears-words: the private words too */
	dp->subspace_id = 0;
	dp->subspace_id2 = 0;
	dp->uaddr = 0;
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
#elif SIM_MUTANT == 39 /* text-xmemout-ro-ok: text's read-only key ignored */
	if (vp->prot == XMC_PROT_NONE ||
	    (out && vp->prot != XMC_PROT_RW && !sim_is_text(w, sp->s)))
		return 0;
#elif SIM_VARIANT == 15 /* key0-ro-bypass: key 0 writes a read-only page */
	if (vp->prot == XMC_PROT_NONE ||
	    (out && vp->prot != XMC_PROT_RW && sp->key != XMC_VM_PRIV))
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
#elif SIM_MUTANT == 43 /* kernel-interrupt-pages-in: kernel "always there" */
	if (vp->frame == SIM_NOFRAME)
		return (!w->intr || SIM_IS_KERN(sp->s - w->seg)) &&
		       !vp->io_error;
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
	if (!w || desc_win(w, dp, u, &wn, &deleted) < 0 || count < 0)
		return -1;
#else
	if (!w || desc_win(w, dp, u, &wn, &deleted) < 0 || deleted || count < 0)
		return -1;
#endif
	if (count == 0)
		return 0;
	if (!kaddr)
		return -1;
/* uaddr-offset, addr-offset-both: one segment, the offset picks the page */
#if SIM_VARIANT == 2 || SIM_VARIANT == 21
	if (dp->aspace_id == XMEM_PROC)
		u = (wn.r0 << XMC_SEGSHIFT) | XMC_OFFSET(u);
#endif
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

#if SIM_VARIANT == 3 || SIM_VARIANT == 4 || SIM_VARIANT == 16 || \
    SIM_VARIANT == 18
/*
 * Moves that check page by page as they go (item 5 of issue 7: after
 * XMEM_FAIL each byte of the range is old or copied, each page of it as
 * before or as after an access). PART_TOUCH(out): a failed move of that
 * direction pages in the pages it got through; PART_COPY(out): it also
 * copies them; PART_BACK(out): it goes from the last page down.
 */
#define SIM_PARTIAL 1
#if SIM_VARIANT == 3 /* xmemout-partial */
#define PART_TOUCH(out) (out)
#define PART_COPY(out) (out)
#define PART_BACK(out) 0
#elif SIM_VARIANT == 4 /* move-fail-pages-in */
#define PART_TOUCH(out) 1
#define PART_COPY(out) 0
#define PART_BACK(out) 0
#elif SIM_VARIANT == 16 /* xmemin-partial */
#define PART_TOUCH(out) (!(out))
#define PART_COPY(out) (!(out))
#define PART_BACK(out) 0
#else /* xmemout-backward */
#define PART_TOUCH(out) (out)
#define PART_COPY(out) (out)
#define PART_BACK(out) (out)
#endif

/* Span of the page at a of [a, end), when a move may touch it now. */
static int page_span(xmc_world *w, const struct win *wn, uint64_t a,
		     uint64_t end, int out, struct sim_span *sp)
{
	uint64_t room = XMC_PAGE_SIZE - (a & 0xfffu);
	uint32_t len = (uint32_t)(end - a < room ? end - a : room);

	return walk(wn, (uint32_t)a, len, sp) == 1 && page_ok(w, sp, out)
		   ? 0
		   : -1;
}

/*
 * The pages of [u, u+count) a move gets through before the first page it
 * cannot touch, from the start or (back) from the end, in address order.
 * *skip is the offset of the first in the range; *whole is set when they
 * are the whole range.
 */
static int part_walk(xmc_world *w, const struct win *wn, uint32_t u,
		     uint32_t count, int out, int back, struct sim_span *sp,
		     uint32_t *skip, int *whole)
{
	uint64_t lo = u, hi = (uint64_t)u + count;
	int n = 0, i;

	*whole = 0;
	*skip = 0;
	if (hi > 0x100000000ull)
		return 0; /* the end is checked first */
	while (!back && lo < hi) {
		if (n == SIM_MAX_SPANS || page_span(w, wn, lo, hi, out, &sp[n]))
			return n;
		lo += sp[n++].len;
	}
	while (back && hi > lo) {
		uint64_t a = (hi - 1) & ~(uint64_t)0xfff;

		a = a < lo ? lo : a;
		if (n == SIM_MAX_SPANS || page_span(w, wn, a, hi, out, &sp[n]))
			break;
		hi = a;
		n++;
	}
	for (i = 0; back && i < n / 2; i++) {
		struct sim_span t = sp[i];

		sp[i] = sp[n - 1 - i];
		sp[n - 1 - i] = t;
	}
	*skip = back ? (uint32_t)(hi - u) : 0;
	*whole = hi == lo;
	return n;
}

/* xmem_prep for these variants: -1, or the spans to copy (see *whole). */
static int xmem_part(xmc_world *w, uint32_t u, int count,
		     const struct xmc_xmem *dp, int out, const void *kaddr,
		     struct sim_span *sp, uint32_t *skip, int *whole)
{
	struct win wn;
	int deleted, n, i;

	*whole = 1;
	*skip = 0;
	if (!w || desc_win(w, dp, u, &wn, &deleted) < 0 || deleted || count < 0)
		return -1;
	if (count == 0)
		return 0;
	if (!kaddr)
		return -1;
	n = part_walk(w, &wn, u, (uint32_t)count, out, PART_BACK(out), sp,
		      skip, whole);
	if (!*whole && !PART_TOUCH(out))
		return -1;
	for (i = 0; i < n; i++)
		if (sim_page_in(w, sp[i].s, sp[i].vp) < 0)
			return -1; /* cannot happen: page_ok holds */
	return n;
}

/* A move through xmem_part: copies what it got through, then reports. */
static int xmem_part_move(xmc_world *w, xmc_caddr uaddr, uint8_t *kaddr,
			  int count, struct xmc_xmem *dp, int out)
{
	struct sim_span sp[SIM_MAX_SPANS];
	uint32_t skip;
	int n, i, whole;

	n = xmem_part(w, uaddr, count, dp, out, kaddr, sp, &skip, &whole);
	if (n < 0 || (!whole && !PART_COPY(out)))
		return XMEM_FAIL;
	kaddr += skip;
	for (i = 0; i < n; i++) {
		if (out)
			sim_cpu_write(w, &sp[i], kaddr);
		else
			sim_cpu_read(w, &sp[i], kaddr);
		kaddr += sp[i].len;
	}
	return whole ? XMEM_SUCC : XMEM_FAIL;
}
#endif

int sim_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
	       struct xmc_xmem *dp)
{
	struct sim_span sp[SIM_MAX_SPANS];
	uint8_t *k = kaddr;
	int n, i;

	if (w)
		sim_served(w);
#ifdef SIM_PARTIAL
	return xmem_part_move(w, uaddr, kaddr, count, dp, 0);
#endif
	n = xmem_prep(w, uaddr, count, dp, 0, kaddr, sp);
#if SIM_VARIANT == 12 /* xmemin-scribble: the kernel range is scratch space */
	for (i = 0; n < 0 && k && i < count && i < (int)XMC_KBUF_SIZE; i++)
		k[i] = (uint8_t)(0xa5 ^ i);
#endif
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

	if (w)
		sim_served(w);
#ifdef SIM_PARTIAL
	return xmem_part_move(w, uaddr, kaddr, count, dp, 1);
#endif
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

#if SIM_VARIANT == 23
/*
 * powerpc-mod-keyed: on powerpc HIDE and UNHIDE both set the modified bit
 * "accordingly": never under a read-only storage key, and an UNHIDE not in
 * pager I/O state (the last-unhide rule of the xmemdma page).
 */
static int ppc_dma(xmc_world *w, const struct sim_vpage *vp, int flag)
{
	if (vp->prot != XMC_PROT_RO &&
	    (!(flag & XMEM_UNHIDE) || !vp->pager_io))
		w->fr[vp->frame].mod = 1;
	return 0;
}
#elif SIM_VARIANT == 5
/*
 * powerpc-hide-sets-mod, the xmemdma64 page's reading of a cache-consistent
 * platform: HIDE "the modified bit is set"; UNHIDE "sets the modified bit
 * accordingly" (as a last unhide on power: not in pager I/O state, not
 * under a read-only storage key).
 */
static int ppc_dma(xmc_world *w, const struct sim_vpage *vp, int flag)
{
	struct sim_frame *f = &w->fr[vp->frame];

	if (!(flag & XMEM_UNHIDE))
		f->mod = 1;
	else if (!vp->pager_io && vp->prot != XMC_PROT_RO)
		f->mod = 1;
	return 0;
}
#elif SIM_VARIANT == 10 || SIM_VARIANT == 22
/*
 * powerpc-hide-count: hides are counted on powerpc too (nothing is hidden
 * or flushed); an unhide without a hide leaves the count at 0.
 * powerpc-unhide-unbalanced-fails: such an unhide (a caller error on any
 * platform: the page describes no unhide without a hide) returns XMEM_FAIL.
 */
static int ppc_dma(xmc_world *w, const struct sim_vpage *vp, int flag)
{
	struct sim_frame *f = &w->fr[vp->frame];

	if (flag & XMEM_UNHIDE) {
		if (f->ppc_hide > 0)
			f->ppc_hide--;
		else if (SIM_VARIANT == 22)
			return -1;
	} else if (f->ppc_hide < UINT16_MAX) {
		f->ppc_hide++;
	}
	return 0;
}
#endif

/*
 * xmemdma and xmemdma64 (W7): translate xaddr through the descriptor (a
 * kernel address through XMEM_GLOBAL, W13), check, hide or reveal on
 * power. Returns the real address or XMEM_FAIL; *out is the page.
 */
static int dma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag,
	       const struct sim_vpage **out)
{
	struct sim_span sp[SIM_MAX_SPANS];
	const struct sim_vpage *vp;
	struct win wn;
	int deleted;

	if (!w)
		return XMEM_FAIL;
	sim_served(w);
	if ((flag & ~0x7) || desc_win(w, xp, xaddr, &wn, &deleted) < 0)
		return XMEM_FAIL;
/* xaddr-offset, addr-offset-both: one segment, the offset picks the page */
#if SIM_VARIANT == 1 || SIM_VARIANT == 21
	if (xp->aspace_id == XMEM_PROC) {
		if (walk(&wn, (wn.r0 << XMC_SEGSHIFT) | XMC_OFFSET(xaddr), 1,
			 sp) < 0)
			return XMEM_FAIL;
	} else
#endif
	if (walk(&wn, xaddr, 1, sp) < 0)
		return XMEM_FAIL;
	vp = sp[0].vp;
#if SIM_VARIANT == 25
	/* dma-pages-in: a process-level call that passes the access check
	 * faults the page in (and then fails the pinned check) */
	if (vp->frame == SIM_NOFRAME && !w->intr &&
	    (!(flag & XMEM_ACC_CHK) ||
	     (vp->prot == XMC_PROT_RW ||
	      (vp->prot == XMC_PROT_RO && (flag & XMEM_WRITE_ONLY)))))
		(void)sim_page_in(w, sp[0].s, sp[0].vp);
#endif
/* dma-not-pinned-ok (mutant) and dma-unpinned-ok (variant): residency only */
#if SIM_MUTANT == 15 || SIM_VARIANT == 11
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
#elif SIM_VARIANT == 15 /* key0-ro-bypass: a key-0 handle may write RO */
	if ((flag & XMEM_ACC_CHK) &&
	    (vp->prot == XMC_PROT_NONE ||
	     (vp->prot == XMC_PROT_RO && !(flag & XMEM_WRITE_ONLY) &&
	      sp[0].key != XMC_VM_PRIV)))
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
#elif SIM_MUTANT == 40 /* kernel-dma-no-hide: kernel pages stay visible */
	if (w->profile == XMC_PROFILE_POWER && xp->aspace_id != XMEM_GLOBAL &&
	    dma_hide(w, vp, flag) < 0)
		return XMEM_FAIL;
#else
	if (w->profile == XMC_PROFILE_POWER && dma_hide(w, vp, flag) < 0)
		return XMEM_FAIL;
#endif
#if SIM_VARIANT == 5 || SIM_VARIANT == 10 || SIM_VARIANT == 22 || \
    SIM_VARIANT == 23
	if (w->profile == XMC_PROFILE_POWERPC && ppc_dma(w, vp, flag) < 0)
		return XMEM_FAIL;
#endif
	*out = vp;
#if SIM_VARIANT == 19 /* realaddr-descending: another frame numbering (W8) */
	return (int)(((0x7ff00u - vp->frame) << 12) | (xaddr & 0xfffu));
#endif
	return (int)(((SIM_FRAME_BASE + vp->frame) << 12) | (xaddr & 0xfffu));
}

int sim_xmemdma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag)
{
	const struct sim_vpage *vp;

	return dma(w, xp, xaddr, flag, &vp);
}

/*
 * xmemdma64: the same service with a 64-bit result. Its page is explicit
 * where xmemdma's is not: on a cache-consistent platform a HIDE sets the
 * modified bit, an UNHIDE "accordingly" (not in pager I/O state, not under
 * a read-only storage key, as the power rule).
 */
uint64_t sim_xmemdma64(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
		       int flag)
{
	const struct sim_vpage *vp;
	int r = dma(w, xp, xaddr, flag, &vp);

	if (r == XMEM_FAIL)
		return UINT64_MAX;
	if (w->profile == XMC_PROFILE_POWERPC &&
	    (!(flag & XMEM_UNHIDE) ||
	     (!vp->pager_io && vp->prot != XMC_PROT_RO)))
		w->fr[vp->frame].mod = 1;
	return (uint32_t)r;
}

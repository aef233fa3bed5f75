/*
 * sim_step.c - world steps and observation hooks (WORLD.md, "World steps").
 * Every step re-checks its legality condition and returns non-zero instead
 * of acting when it does not hold.
 */
#include <string.h>

#include "sim_int.h"

#define MAX_PINS 100   /* WORLD.md bound on pins and waiters */
#define MAX_POKE 8192u /* WORLD.md bound on a poke */

/* Defined page of a live segment, or NULL. */
static struct sim_vpage *live_page(xmc_world *w, uint32_t sid, uint32_t page,
				   struct sim_seg **sp)
{
	struct sim_seg *s = sim_seg(w, sid);

	if (!sim_seg_live(s))
		return NULL;
	if (sp)
		*sp = s;
	return sim_vpage(s, page);
}

/* Frame state of a resident page, or NULL when it is on paging space. */
static struct sim_frame *frame_of(xmc_world *w, const struct sim_vpage *vp)
{
	return vp->frame == SIM_NOFRAME ? NULL : &w->fr[vp->frame];
}

int sim_proc_new(xmc_world *w, int pid)
{
	if (pid < 1 || pid >= XMC_MAX_PROCS || pid != w->nproc)
		return -1;
	sim_as_init(w, pid);
	w->nproc++;
	return 0;
}

int sim_proc_switch(xmc_world *w, int pid)
{
	if (pid < 0 || pid >= w->nproc)
		return -1;
	w->cur = pid;
	return 0;
}

int sim_seg_new(xmc_world *w, uint32_t sid, int npages, int high)
{
	if (w->nseg >= XMC_MAX_SEGS || sid != XMC_SID(w->nseg))
		return -1;
	if (npages < 1 || npages > (int)XMC_OBJ_PAGES)
		return -1;
	if (sim_seg_create(w, w->nseg, npages, high != 0, XMC_PROT_RW) < 0)
		return -1;
	w->nseg++;
	return 0;
}

/* Only user segments (0..15) are deleted or mapped by the harness. */
static int user_sid(uint32_t sid)
{
	return sid - XMC_SID(0) < (uint32_t)XMC_MAX_SEGS;
}

int sim_seg_delete(xmc_world *w, uint32_t sid)
{
	struct sim_seg *s = sim_seg(w, sid);
	int i;

	if (!s || s->state != SIM_SEG_LIVE || !user_sid(sid))
		return -1;
	for (i = 0; i < s->npages; i++) {
		const struct sim_frame *f = frame_of(w, &s->pg[i]);

		if (f && f->pin > 0)
			return -1;
	}
	if (s->holds > 0)
		s->state = SIM_SEG_PENDING;
	else
		sim_seg_destroy(w, s);
	return 0;
}

int sim_map(xmc_world *w, int pid, int region, uint32_t sid, int key)
{
	xmc_adspace *as;
	uint32_t bit;

	if (pid < 0 || pid >= w->nproc || region < 3 || region > 15 ||
	    region == 14 || (key != 0 && key != 1))
		return -1;
	as = &w->as[pid];
	bit = 0x80000000u >> region;
	if ((as->alloc & bit) || !user_sid(sid) ||
	    !sim_seg_live(sim_seg(w, sid)))
		return -1;
	as->alloc |= bit;
	as->srval[region] = XMC_SRVAL(sid, key);
	return 0;
}

int sim_protect(xmc_world *w, uint32_t sid, uint32_t page, int prot)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);
	struct sim_frame *f;

	if (!vp || prot < XMC_PROT_RW || prot > XMC_PROT_NONE)
		return -1;
	f = frame_of(w, vp);
	if (f && f->hide > 0)
		return -1;
	vp->prot = (uint8_t)prot;
	if (f)
		f->key = (uint8_t)prot;
	return 0;
}

int sim_pin(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_seg *s;
	struct sim_vpage *vp = live_page(w, sid, page, &s);

	if (!vp || (vp->frame == SIM_NOFRAME && vp->io_error))
		return -1;
	if (vp->frame != SIM_NOFRAME && w->fr[vp->frame].pin >= MAX_PINS)
		return -1;
	if (sim_page_in(w, s, vp) < 0)
		return -1;
#if SIM_VARIANT == 13 /* pin-moves-frame */
	sim_frame_move(w, vp);
#endif
	w->fr[vp->frame].pin++;
	return 0;
}

int sim_unpin(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);
	struct sim_frame *f = vp ? frame_of(w, vp) : NULL;

	if (!f || f->pin == 0 || f->hide > 0)
		return -1;
	f->pin--;
	return 0;
}

int sim_page_out_step(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_seg *s;
	struct sim_vpage *vp = live_page(w, sid, page, &s);
	struct sim_frame *f = vp ? frame_of(w, vp) : NULL;

	if (!f || f->pin > 0 || f->hide > 0 || vp->pager_io)
		return -1;
	sim_page_out(w, s, vp);
	return 0;
}

int sim_page_in_step(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_seg *s;
	struct sim_vpage *vp = live_page(w, sid, page, &s);

	if (!vp || vp->frame != SIM_NOFRAME)
		return -1;
	return sim_page_in(w, s, vp);
}

int sim_io_error(xmc_world *w, uint32_t sid, uint32_t page, int on)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);

	if (!vp)
		return -1;
	vp->io_error = on != 0;
	return 0;
}

int sim_pager_io(xmc_world *w, uint32_t sid, uint32_t page, int on)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);

	if (!vp)
		return -1;
	vp->pager_io = on != 0;
	return 0;
}

int sim_wait(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);
	struct sim_frame *f = vp ? frame_of(w, vp) : NULL;

	if (w->profile != XMC_PROFILE_POWER || !f || f->hide == 0 ||
	    f->waiters >= MAX_PINS)
		return -1;
	f->waiters++;
	return 0;
}

int sim_set_env(xmc_world *w, int interrupt)
{
	w->intr = interrupt != 0;
	return 0;
}

int sim_poke(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
	     uint32_t len)
{
	struct sim_span sp[3];
	struct sim_seg *s = sim_seg(w, sid);
	const uint8_t *b = buf;
	int n, i;

	if (!sim_seg_live(s) || !buf || len < 1 || len > MAX_POKE)
		return -1;
	n = sim_seg_span(s, off, len, sp, 3);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct sim_frame *f = frame_of(w, sp[i].vp);

		if (!f || f->hide > 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		sim_cpu_write(w, &sp[i], b);
		b += sp[i].len;
	}
	return 0;
}

/* Real memory a device may reach: one pinned, resident (hidden) page. */
static uint8_t *dma_target(xmc_world *w, uint32_t sid, uint32_t off,
			   uint32_t len)
{
	struct sim_seg *s = sim_seg(w, sid);
	struct sim_span sp;
	const struct sim_frame *f;

	if (!sim_seg_live(s) || sim_seg_span(s, off, len, &sp, 1) != 1)
		return NULL;
	f = frame_of(w, sp.vp);
	if (!f || f->pin == 0)
		return NULL;
	if (w->profile == XMC_PROFILE_POWER && f->hide == 0)
		return NULL;
	w->fdirty[sp.vp->frame] = 1; /* dma_write stores there */
	return w->mem[sp.vp->frame] + sp.off;
}

int sim_dma_read(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		 uint32_t len)
{
	const uint8_t *m = dma_target(w, sid, off, len);

	if (!m || !buf)
		return -1;
	memcpy(buf, m, len);
	return 0;
}

int sim_dma_write(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		  uint32_t len)
{
	uint8_t *m = dma_target(w, sid, off, len);

	if (!m || !buf)
		return -1;
	memcpy(m, buf, len);
	return 0;
}

int sim_clear_mod(xmc_world *w, uint32_t sid, uint32_t page)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);
	struct sim_frame *f = vp ? frame_of(w, vp) : NULL;

	if (!f)
		return -1;
	f->mod = 0;
	return 0;
}

int sim_page_state(xmc_world *w, uint32_t sid, uint32_t page,
		   struct xmc_page_state *out)
{
	struct sim_vpage *vp = live_page(w, sid, page, NULL);
	const struct sim_frame *f;

	if (!vp || !out)
		return -1;
	f = frame_of(w, vp);
	memset(out, 0, sizeof(*out));
	out->in_memory = f != NULL;
	out->valid = f ? f->valid : 1;
	out->modified = f ? f->mod : 0;
	out->pager_io = vp->pager_io;
	out->prot = vp->prot;
	out->io_error = vp->io_error;
	out->pin_count = f ? f->pin : 0;
#if SIM_VARIANT == 10 /* powerpc-hide-count: the count it keeps there */
	out->hide_count = !f ? 0
			  : w->profile == XMC_PROFILE_POWER ? f->hide
							    : f->ppc_hide;
#else
	out->hide_count = f ? f->hide : 0;
#endif
	out->waiters = f ? f->waiters : 0;
	return 0;
}

int sim_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf, uint32_t len)
{
	struct sim_span sp[XMC_OBJ_PAGES];
	struct sim_seg *s = sim_seg(w, sid);
	uint8_t *b = buf;
	int n, i;

	if (!sim_seg_live(s) || !buf)
		return -1;
	n = sim_seg_span(s, off, len, sp, XMC_OBJ_PAGES);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		sim_cpu_peek(w, &sp[i], b);
		b += sp[i].len;
	}
	return 0;
}

/*
 * A processor load by process pid at addr, through its segment registers
 * and the page table: it completes when the translation finds a resident,
 * valid frame whose storage key allows loads. Nothing is faulted in.
 */
int sim_probe(xmc_world *w, int pid, xmc_caddr addr)
{
	if (pid < 0 || pid >= w->nproc)
		return 0;
	const xmc_adspace *as = &w->as[pid];
	uint32_t r = XMC_REGION(addr);
	if (!(as->alloc & (0x80000000u >> r)))
		return 0;
	struct sim_seg *s = sim_seg(w, XMC_SRVAL_SID(as->srval[r]));
	if (!sim_seg_live(s) || SIM_IS_KERN(s - w->seg))
		return 0; /* a kernel segment is in no process's space (W13) */
	struct sim_vpage *vp = sim_vpage(s, XMC_OFFSET(addr) / XMC_PAGE_SIZE);
	if (!vp || vp->frame == SIM_NOFRAME)
		return 0;
	const struct sim_frame *f = &w->fr[vp->frame];
	return f->valid && f->key != XMC_PROT_NONE;
}

int sim_seg_state(xmc_world *w, uint32_t sid, int *state, int *holds)
{
	const struct sim_seg *s = sim_seg(w, sid);
	if (!s || s->state == SIM_SEG_FREE)
		return -1;
	*state = s->state == SIM_SEG_LIVE      ? XMC_SEG_LIVE
		 : s->state == SIM_SEG_PENDING ? XMC_SEG_PENDING
					       : XMC_SEG_DELETED;
	*holds = s->holds;
	return 0;
}

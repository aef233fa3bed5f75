/*
 * sim_mem.c - segments, page frames, paging space and the data cache.
 *
 * Invariants the rest of the simulator relies on:
 *  - a free frame has no line in the cache (lines are dropped when a frame is
 *    freed), so a newly allocated frame never shows stale cached bytes;
 *  - a hidden frame has no line in the cache (flushed at the first hide, and
 *    no processor access reaches a hidden page), so a device sees and writes
 *    real memory coherently until the last unhide.
 */
#include <string.h>

#include "sim_int.h"

/* Any created segment, user, image or kernel (deleted ones included). */
struct sim_seg *sim_seg(xmc_world *w, uint32_t sid)
{
	uint32_t k = sid - XMC_SID(0); /* wraps above XMC_NSEGS below 0 */

	if (k >= XMC_NSEGS || w->seg[k].state == SIM_SEG_FREE)
		return NULL;
	return &w->seg[k];
}

/* The kernel segment region r of the kernel's address space holds (W13). */
struct sim_seg *sim_kseg_at(xmc_world *w, uint32_t r)
{
	int j;

	for (j = 0; j < XMC_KSEGS; j++)
		if (r == (uint32_t)XMC_KREGION(j))
			return sim_seg(w, XMC_SID(XMC_SEG_KERN(j)));
	return NULL;
}

int sim_seg_live(const struct sim_seg *s)
{
	return s && (s->state == SIM_SEG_LIVE || s->state == SIM_SEG_PENDING);
}

struct sim_vpage *sim_vpage(struct sim_seg *s, uint32_t page)
{
	if (!s || page < s->first || page - s->first >= s->npages)
		return NULL;
	return &s->pg[page - s->first];
}

/* Paging-space slot of a page: fixed, one per possible user page. */
static uint8_t *ps_slot(xmc_world *w, struct sim_seg *s, struct sim_vpage *vp)
{
	size_t k = (size_t)(s - w->seg);
	size_t i = (size_t)(vp - s->pg);

	return w->ps[k * XMC_OBJ_PAGES + i];
}

static int frame_alloc(xmc_world *w, uint8_t key)
{
	struct sim_frame *f;
	uint16_t fi;

	if (w->nfree == 0)
		return -1;
#if SIM_VARIANT == 8 /* frames-fifo: the longest-free frame goes first */
	fi = w->freelist[0];
	memmove(w->freelist, w->freelist + 1,
		(size_t)--w->nfree * sizeof(w->freelist[0]));
#else
	fi = w->freelist[--w->nfree];
#endif
	f = &w->fr[fi];
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->valid = 1;
	return fi;
}

static void frame_free(xmc_world *w, uint16_t fi)
{
	sim_cache_flush(w, fi, 0);
	w->freelist[w->nfree++] = fi;
}

/* Create segment index k: npages zeroed, resident pages under key prot. */
int sim_seg_create(xmc_world *w, int k, int npages, int high, int prot)
{
	struct sim_seg *s = &w->seg[k];
	int i, fi;

	if (w->nfree < npages)
		return -1;
	s->state = SIM_SEG_LIVE;
	s->npages = (uint8_t)npages;
	s->holds = 0;
	s->first = high ? XMC_SEG_PAGES - (uint32_t)npages : 0;
	for (i = 0; i < npages; i++) {
		fi = frame_alloc(w, (uint8_t)prot);
		if (w->fdirty[fi]) /* freed and taken again in one program */
			memset(w->mem[fi], 0, XMC_PAGE_SIZE);
		w->fdirty[fi] = 0;
		s->pg[i].frame = (uint16_t)fi;
		s->pg[i].prot = (uint8_t)prot;
		s->pg[i].pager_io = 0;
		s->pg[i].io_error = 0;
	}
	return 0;
}

void sim_seg_destroy(xmc_world *w, struct sim_seg *s)
{
	int i;

	for (i = 0; i < s->npages; i++) {
		if (s->pg[i].frame != SIM_NOFRAME)
			frame_free(w, s->pg[i].frame);
		s->pg[i].frame = SIM_NOFRAME;
	}
	s->state = SIM_SEG_DELETED;
	s->holds = 0;
}

/* Read the paging-space copy into a new frame: in memory, not modified. */
int sim_page_in(xmc_world *w, struct sim_seg *s, struct sim_vpage *vp)
{
	int fi;

	if (vp->frame != SIM_NOFRAME)
		return 0;
#if SIM_MUTANT != 28 /* paging-error-ignored: the flag is never read */
	if (vp->io_error)
		return -1;
#endif
	fi = frame_alloc(w, vp->prot);
	if (fi < 0)
		return -1;
	memcpy(w->mem[fi], ps_slot(w, s, vp), XMC_PAGE_SIZE);
	w->fdirty[fi] = 1;
	vp->frame = (uint16_t)fi;
	return 0;
}

#if SIM_VARIANT == 13
/*
 * pin-moves-frame: before its first pin a resident page is copied to a
 * fresh frame (as a VMM that pins into a DMA-able pool would); its frame
 * state goes with it. W8 only asks the frame to stay while pinned.
 */
void sim_frame_move(xmc_world *w, struct sim_vpage *vp)
{
	uint16_t old = vp->frame;
	int fi;

	if (old == SIM_NOFRAME || w->fr[old].pin > 0)
		return;
	fi = frame_alloc(w, w->fr[old].key);
	if (fi < 0)
		return; /* no free frame: the page stays where it is */
	sim_cache_flush(w, old, 1);
	memcpy(w->mem[fi], w->mem[old], XMC_PAGE_SIZE);
	w->fdirty[fi] = 1;
	w->fr[fi] = w->fr[old];
	vp->frame = (uint16_t)fi;
	frame_free(w, old);
}
#endif

/* Paging I/O is DMA too: write back the cache before copying the frame. */
void sim_page_out(xmc_world *w, struct sim_seg *s, struct sim_vpage *vp)
{
	uint16_t fi = vp->frame;

	if (fi == SIM_NOFRAME)
		return;
	sim_cache_flush(w, fi, 1);
	memcpy(ps_slot(w, s, vp), w->mem[fi], XMC_PAGE_SIZE);
	frame_free(w, fi);
	vp->frame = SIM_NOFRAME;
}

/* The free list every reset starts from: the stack pops rot, rot + 1, ... */
void sim_mem_init(xmc_world *w)
{
	uint32_t i, f = (w->rot + SIM_NFRAMES - 1) % SIM_NFRAMES;

	for (i = 0; i < SIM_NFRAMES; i++) {
		w->free0[i] = (uint16_t)f;
		f = f ? f - 1 : SIM_NFRAMES - 1;
	}
}

void sim_mem_reset(xmc_world *w)
{
	uint32_t i;

	w->nfree = SIM_NFRAMES;
	memcpy(w->freelist, w->free0, sizeof(w->freelist));
	/* Zeroed here, not when next allocated: which frames the previous
	 * program wrote must not decide the next program's path (a fuzzer
	 * that runs an empty program after each input sees a clean start). */
	for (i = 0; i < SIM_NFRAMES; i++)
		if (w->fdirty[i]) {
			memset(w->mem[i], 0, XMC_PAGE_SIZE);
			w->fdirty[i] = 0;
		}
	memset(w->cache, 0, sizeof(w->cache));
	for (i = 0; i < XMC_NSEGS; i++)
		w->seg[i].state = SIM_SEG_FREE;
	w->nseg = 0;
	w->imaged = 0;
	w->served = 0;
#if SIM_VARIANT == 17 /* desc-table: no attachment survives a reset */
	memset(w->att, 0, sizeof(w->att));
#endif
}

/*
 * Split [off, off+len) of segment s into per-page spans. Returns the number
 * of spans, or -1 when a page is not defined or there are more than max.
 */
int sim_seg_span(struct sim_seg *s, uint32_t off, uint32_t len,
		 struct sim_span *sp, int max)
{
	uint64_t a = off, end = (uint64_t)off + len;
	int n = 0;

	if (len == 0 || end > (uint64_t)XMC_SEG_PAGES * XMC_PAGE_SIZE)
		return -1;
	while (a < end) {
		uint32_t po = (uint32_t)(a % XMC_PAGE_SIZE);
		uint64_t left = end - a;

		if (n == max)
			return -1;
		sp[n].s = s;
		sp[n].vp = sim_vpage(s, (uint32_t)(a / XMC_PAGE_SIZE));
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

/* ---- data cache (power profile only) ---- */

static int cache_on(const xmc_world *w)
{
	return w->profile == XMC_PROFILE_POWER;
}

static int cache_find(xmc_world *w, uint32_t set, uint16_t fi)
{
	uint32_t i;

	for (i = 0; i < SIM_WAYS; i++) {
		struct sim_line *l = &w->cache[set].way[i];

		if (l->valid && l->frame == fi)
			return (int)i;
	}
	return -1;
}

/* Bring line `set` of frame fi into the cache, evicting the LRU way. */
static int cache_fill(xmc_world *w, uint32_t set, uint16_t fi)
{
	struct sim_set *cs = &w->cache[set];
	uint32_t v = cs->lru;
	struct sim_line *l;

	if (!cs->way[0].valid)
		v = 0;
	else if (!cs->way[1].valid)
		v = 1;
	l = &cs->way[v];
	if (l->valid && l->dirty)
		memcpy(w->mem[l->frame] + set * SIM_LINE, w->cdata[set][v],
		       SIM_LINE);
	if (l->valid)
		w->fr[l->frame].ncached--;
	memcpy(w->cdata[set][v], w->mem[fi] + set * SIM_LINE, SIM_LINE);
	w->fr[fi].ncached++;
	l->frame = fi;
	l->valid = 1;
	l->dirty = 0;
	return (int)v;
}

/* Processor load or store of one span, line by line through the cache. */
static void cpu_access(xmc_world *w, const struct sim_span *sp, uint8_t *rd,
		       const uint8_t *wr)
{
	uint16_t fi = sp->vp->frame;
	uint32_t a = sp->off, end = sp->off + sp->len;

	while (a < end) {
		uint32_t set = a / SIM_LINE, lo = a % SIM_LINE;
		uint32_t n = SIM_LINE - lo < end - a ? SIM_LINE - lo : end - a;
		int v = cache_find(w, set, fi);
		uint8_t *line;

		if (v < 0)
			v = cache_fill(w, set, fi);
		w->cache[set].lru = (uint8_t)(1 - v);
		line = w->cdata[set][v] + lo;
		if (wr) {
			memcpy(line, wr + (a - sp->off), n);
			w->cache[set].way[v].dirty = 1;
		} else {
			memcpy(rd + (a - sp->off), line, n);
		}
		a += n;
	}
}

void sim_cpu_read(xmc_world *w, const struct sim_span *sp, uint8_t *buf)
{
	if (cache_on(w))
		cpu_access(w, sp, buf, NULL);
	else
		memcpy(buf, w->mem[sp->vp->frame] + sp->off, sp->len);
}

void sim_cpu_write(xmc_world *w, const struct sim_span *sp, const uint8_t *buf)
{
	w->fdirty[sp->vp->frame] = 1;
	if (cache_on(w))
		cpu_access(w, sp, NULL, buf);
	else
		memcpy(w->mem[sp->vp->frame] + sp->off, buf, sp->len);
	w->fr[sp->vp->frame].mod = 1;
}

/* Coherent view without disturbing the cache: hit lines, else memory. */
void sim_cpu_peek(xmc_world *w, const struct sim_span *sp, uint8_t *buf)
{
	uint16_t fi = sp->vp->frame;
	uint32_t a = sp->off, end = sp->off + sp->len;

	if (fi == SIM_NOFRAME) {
		memcpy(buf, ps_slot(w, sp->s, sp->vp) + sp->off, sp->len);
		return;
	}
	if (w->fr[fi].ncached == 0) { /* the end-of-program compare's case */
		memcpy(buf, w->mem[fi] + sp->off, sp->len);
		return;
	}
	while (a < end) {
		uint32_t set = a / SIM_LINE, lo = a % SIM_LINE;
		uint32_t n = SIM_LINE - lo < end - a ? SIM_LINE - lo : end - a;
		int v = cache_on(w) ? cache_find(w, set, fi) : -1;
		const uint8_t *src =
		    v < 0 ? w->mem[fi] + a : w->cdata[set][v] + lo;

		memcpy(buf + (a - sp->off), src, n);
		a += n;
	}
}

/* Drop every line of frame fi, writing dirty ones back first if asked. */
void sim_cache_flush(xmc_world *w, uint16_t fi, int writeback)
{
	uint32_t set, v;

	if (!cache_on(w) || w->fr[fi].ncached == 0)
		return;
	for (set = 0; set < SIM_SETS; set++) {
		for (v = 0; v < SIM_WAYS; v++) {
			struct sim_line *l = &w->cache[set].way[v];

			if (!l->valid || l->frame != fi)
				continue;
			if (writeback && l->dirty)
				memcpy(w->mem[fi] + set * SIM_LINE,
				       w->cdata[set][v], SIM_LINE);
			l->valid = 0;
			l->dirty = 0;
			w->fr[fi].ncached--;
		}
	}
}

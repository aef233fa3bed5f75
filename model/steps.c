/*
 * steps.c - the model's world steps (legality and effect), service effects
 * and observation hooks. Legality is the table of docs/WORLD.md.
 */
#include <string.h>

#include "world.h"

static void touch(struct mdl_eval *ev, int64_t seg, int64_t page)
{
	if (ev->ntouched < MDL_MAX_TOUCHED) {
		ev->touched[ev->ntouched].seg = (uint16_t)seg;
		ev->touched[ev->ntouched].idx = 0;
		ev->touched[ev->ntouched++].page = (uint16_t)page;
	}
}

/* Segment k exists and is not deleted (user, image or kernel). */
static int seg_alive(const struct mdl_world *m, int64_t k)
{
	return k >= 0 && k < XMC_NSEGS && mdlw_seg_made(m, (int)k) &&
	       !m->seg[k].deleted;
}

static struct mdl_page *step_page(struct mdl_world *m, const struct xmp_op *op)
{
	int64_t k = op->a[0], pg = op->a[1];
	if (!seg_alive(m, k) || pg < 0 ||
	    pg > 0xffff)
		return NULL;
	return mdlw_page(m, (int)k, (uint32_t)pg);
}

/* Pages of [off, off+len) in segment k, all defined; 0 when not. */
static int seg_range_ok(struct mdl_world *m, int64_t k, int64_t off,
			int64_t len, int need_valid)
{
	if (!seg_alive(m, k) || off < 0 || len < 1)
		return 0;
	for (int64_t pg = off / XMC_PAGE_SIZE;
	     pg <= (off + len - 1) / XMC_PAGE_SIZE; pg++) {
		struct mdl_page *p = pg > 0xffff ? NULL
						 : mdlw_page(m, (int)k,
							     (uint32_t)pg);
		if (!p || (need_valid && (!p->in_mem || p->hide > 0)))
			return 0;
	}
	return 1;
}

static int dma_ok(struct mdl_world *m, const struct xmp_op *op)
{
	int64_t off = op->a[1], len = op->a[2];
	if (!seg_range_ok(m, op->a[0], off, len, 0))
		return 0;
	if (off / XMC_PAGE_SIZE != (off + len - 1) / XMC_PAGE_SIZE)
		return 0;
	struct mdl_page *p =
		mdlw_page(m, (int)op->a[0], (uint32_t)(off / XMC_PAGE_SIZE));
	if (!p->pin || !p->in_mem)
		return 0;
	return m->profile != XMC_PROFILE_POWER || p->hide > 0;
}

static int map_ok(struct mdl_world *m, const struct xmp_op *op)
{
	int64_t pid = op->a[0], r = op->a[1], k = op->a[2];
	if (pid < 0 || pid >= XMC_MAX_PROCS || !m->proc[pid].exists)
		return 0;
	if (!mdlw_region_eligible((int)r) ||
	    (m->proc[pid].as.alloc & (0x80000000u >> r)))
		return 0;
	return k >= 0 && k < m->nsegs && !m->seg[k].deleted;
}

static int seg_delete_ok(struct mdl_world *m, int64_t k)
{
	if (k < 0 || k >= m->nsegs || m->seg[k].deleted || m->seg[k].pending)
		return 0;
	for (int i = 0; i < m->seg[k].npages; i++)
		if (m->seg[k].pg[i].pin)
			return 0;
	return 1;
}

static int page_step_ok(struct mdl_world *m, const struct xmp_op *op,
			struct mdl_page *p)
{
	switch (op->code) {
	case XMP_PROTECT:
		return p->hide == 0 && op->a[2] >= 0 && op->a[2] <= 2;
	case XMP_PIN:
		/* Not while a delete is pending: the last as_puth would free
		 * pinned frames (WORLD.md "Deletion"). */
		return p->pin < 100 && (p->in_mem || !p->io_err) &&
		       !m->seg[op->a[0]].pending;
	case XMP_UNPIN:
		return p->pin > 0 && p->hide == 0;
	case XMP_PAGE_OUT:
		/* Not with processes waiting on the page: no page says where
		 * they would wait once its frame is gone. */
		return p->in_mem && !p->pin && !p->hide && !p->pager_io &&
		       !p->waiters;
	case XMP_PAGE_IN:
		return !p->in_mem && !p->io_err;
	case XMP_IO_ERROR:
	case XMP_PAGER_IO:
		return op->a[2] == 0 || op->a[2] == 1;
	case XMP_WAIT:
		return m->profile == XMC_PROFILE_POWER && p->hide > 0 &&
		       p->waiters < 100;
	case XMP_CLEAR_MOD:
		return p->in_mem;
	}
	return 0;
}

int mdlw_step_legal(struct mdl_world *m, const struct xmp_op *op,
		    struct mdl_eval *ev)
{
	const int64_t *a = op->a;
	switch (op->code) {
	case XMP_PROC_NEW:
		return m->nprocs < XMC_MAX_PROCS && a[0] == m->nprocs;
	case XMP_PROC_SWITCH:
		return a[0] >= 0 && a[0] < m->nprocs;
	case XMP_SEG_NEW:
		return m->nsegs < XMC_MAX_SEGS && a[0] == m->nsegs && a[1] >= 1 &&
		       a[1] <= XMC_OBJ_PAGES && (a[2] == 0 || a[2] == 1);
	case XMP_SEG_DELETE:
		return seg_delete_ok(m, a[0]);
	case XMP_MAP:
		return map_ok(m, op);
	case XMP_SET_ENV:
		return a[0] == 0 || a[0] == 1;
	case XMP_IMAGE: /* W12: once, before the process has run a service */
		return a[0] >= 0 && a[0] < m->nprocs && !m->proc[a[0]].image &&
		       !m->proc[a[0]].ran && a[1] >= 1 && a[1] <= XMC_OBJ_PAGES;
	case XMP_KSEG_NEW: /* W13 */
		return a[0] >= 0 && a[0] < XMC_KSEGS &&
		       !mdlw_seg_made(m, XMC_SEG_KERN((int)a[0])) && a[1] >= 1 &&
		       a[1] <= XMC_OBJ_PAGES;
	case XMP_DESC_SET:
		/* Only aspace_id is the caller's: XMEM_INVAL, XMEM_GLOBAL or
		 * a value no header defines; the other words are the
		 * implementation's own (item 1 of the envelope). */
		return a[0] >= 0 && a[0] < XMC_MAX_DESCS && a[1] != XMEM_PROC &&
		       a[1] != XMEM_PROC2 && a[1] >= INT32_MIN &&
		       a[1] <= INT32_MAX;
	case XMP_PROBE: {
		int k;
		uint32_t pg;
		if (a[0] < 0 || a[0] >= m->nprocs)
			return 0;
		ev->rets[0] = mdlw_probe(m, (int)a[0], a[1], &k, &pg);
		ev->nrets = 1;
		ev->rule = MDL_RULE_VALUES;
		if (k >= 0) {
			const struct mdl_page *p = mdlw_page(m, k, pg);
			ev->cause = (int16_t)(p->by - 1);
			touch(ev, k, pg);
		}
		return 1;
	}
	case XMP_POKE:
		if (a[2] > 8192 || !seg_range_ok(m, a[0], a[1], a[2], 1))
			return 0;
		for (int64_t pg = a[1] / XMC_PAGE_SIZE;
		     pg <= (a[1] + a[2] - 1) / XMC_PAGE_SIZE; pg++)
			touch(ev, a[0], pg);
		return 1;
	case XMP_DMA_READ:
	case XMP_DMA_WRITE:
		if (!dma_ok(m, op))
			return 0;
		touch(ev, a[0], a[1] / XMC_PAGE_SIZE);
		return 1;
	}
	struct mdl_page *p = step_page(m, op);
	if (!p || !page_step_ok(m, op, p))
		return 0;
	touch(ev, a[0], a[1]);
	return 1;
}

/* A new segment k of npages pages with protection prot (WORLD.md). */
static void seg_make(struct mdl_world *m, int k, int npages, int high,
		     int prot)
{
	struct mdl_seg *s = &m->seg[k];
	s->deleted = s->pending = 0;
	s->holds = 0;
	s->high = (uint8_t)high;
	s->npages = (uint16_t)npages;
	s->base = s->high ? XMC_SEG_PAGES - s->npages : 0;
	for (int i = 0; i < s->npages; i++) {
		struct mdl_page *p = &s->pg[i];
		memset(p, 0, sizeof *p);
		p->in_mem = p->valid = p->zero = 1;
		p->prot = (uint8_t)prot;
		p->frame = MDL_FRAME_NONE;
	}
	if (k >= XMC_MAX_SEGS)
		m->xsegs |= (uint16_t)(1u << (k - XMC_MAX_SEGS));
}

static void seg_new(struct mdl_world *m, const struct xmp_op *op)
{
	seg_make(m, m->nsegs++, (int)op->a[1], (int)op->a[2], XMC_PROT_RW);
}

/* W12: text in region 1 (read-only key), private data in region 2. */
static void image(struct mdl_world *m, int pid, int npages)
{
	struct mdl_proc *pr = &m->proc[pid];
	seg_make(m, XMC_SEG_TEXT(pid), npages, 0, XMC_PROT_RO);
	seg_make(m, XMC_SEG_DATA(pid), npages, 0, XMC_PROT_RW);
	pr->as.srval[1] = XMC_SRVAL(XMC_SID(XMC_SEG_TEXT(pid)), 1);
	pr->as.srval[2] = XMC_SRVAL(XMC_SID(XMC_SEG_DATA(pid)), 1);
	pr->image = 1;
}

static void write_bytes(struct mdl_world *m, int k, int64_t off,
			const uint8_t *src, int64_t len, int set_mod)
{
	while (len > 0) {
		uint32_t page = (uint32_t)(off / XMC_PAGE_SIZE);
		uint32_t in = (uint32_t)(off % XMC_PAGE_SIZE);
		uint32_t n = XMC_PAGE_SIZE - in;
		if (n > len)
			n = (uint32_t)len;
		memcpy(mdlw_bytes(m, k, page) + in, src, n);
		if (set_mod)
			mdlw_page(m, k, page)->mod = 1;
		src += n;
		off += n;
		len -= n;
	}
}

static void page_step_apply(const struct xmp_op *op, struct mdl_page *p)
{
	switch (op->code) {
	case XMP_PROTECT: p->prot = (uint8_t)op->a[2]; break;
	case XMP_PIN:
		if (!p->in_mem)
			p->in_mem = 1, p->mod = 0;
		p->pin++;
		break;
	case XMP_UNPIN:
		if (--p->pin == 0)
			p->frame = MDL_FRAME_NONE;
		break;
	case XMP_PAGE_OUT: p->in_mem = 0, p->mod = 0; break;
	case XMP_PAGE_IN: p->in_mem = 1, p->mod = 0; break;
	case XMP_IO_ERROR: p->io_err = (uint8_t)op->a[2]; break;
	case XMP_PAGER_IO: p->pager_io = (uint8_t)op->a[2]; break;
	case XMP_WAIT: p->waiters++; break;
	case XMP_CLEAR_MOD: p->mod = 0; break;
	}
}

void mdlw_step_apply(struct mdl_world *m, const struct xmp_op *op)
{
	const int64_t *a = op->a;
	uint8_t buf[8192];
	switch (op->code) {
	case XMP_PROC_NEW:
		mdlw_proc_init(&m->proc[a[0]], (int)a[0]);
		m->nprocs++;
		return;
	case XMP_PROC_SWITCH: m->cur = (int)a[0]; return;
	case XMP_SEG_NEW: seg_new(m, op); return;
	case XMP_IMAGE: image(m, (int)a[0], (int)a[1]); return;
	case XMP_KSEG_NEW:
		seg_make(m, XMC_SEG_KERN((int)a[0]), (int)a[1], 0, XMC_PROT_RW);
		return;
	case XMP_SEG_DELETE:
		if (m->seg[a[0]].holds)
			m->seg[a[0]].pending = 1;
		else
			m->seg[a[0]].deleted = 1;
		return;
	case XMP_MAP:
		m->proc[a[0]].as.alloc |= 0x80000000u >> a[1];
		m->proc[a[0]].as.srval[a[1]] = XMC_SRVAL(XMC_SID(a[2]), a[3]);
		return;
	case XMP_SET_ENV: m->interrupt = (int)a[0]; return;
	case XMP_DESC_SET:
		m->desc[a[0]].aspace_id = (int32_t)a[1];
		m->dpid[a[0]] = -1;
		m->dsys[a[0]] = m->dopen[a[0]] = 0; /* hand-made from now on */
		return;
	case XMP_POKE:
		xmp_fill((uint32_t)a[3], buf, (uint32_t)a[2]);
		write_bytes(m, (int)a[0], a[1], buf, a[2], 1);
		return;
	case XMP_DMA_WRITE:
		xmp_fill((uint32_t)a[3], buf, (uint32_t)a[2]);
		write_bytes(m, (int)a[0], a[1], buf, a[2], 0);
		return;
	case XMP_DMA_READ:
	case XMP_PROBE: return;
	}
	struct mdl_page *p = step_page(m, op);
	uint8_t before = p->in_mem << 2 | p->valid << 1 | (p->prot == XMC_PROT_NONE);
	page_step_apply(op, p);
	/* A step that changed what a probe sees takes the blame from clauses. */
	if (before != (p->in_mem << 2 | p->valid << 1 | (p->prot == XMC_PROT_NONE)))
		p->by = 0;
}

/*
 * effects.c - what the spec's effect names do to the model's world, and the
 * observation hooks. Arguments come from the op in signature order
 * (harness/prog.h); the clauses that fired decide which effects run.
 */
#include <string.h>

#include "world.h"

enum {
	E_ATTACH, E_DETACH, E_PAGE_IN_RANGE, E_COPY_IN, E_COPY_OUT,
	E_MARK_MODIFIED_RANGE, E_HIDE_INC, E_HIDE_DEC, E_FLUSH, E_INVALIDATE,
	E_VALIDATE, E_READY_WAITERS, E_SET_MODIFIED, E_ALLOC_REGION,
	E_FREE_REGION, E_HOLD, E_RELEASE, E_PPC_MODIFIED,
};

/* The range argument of a move service: slot, user address, count. */
static void move_args(const struct xmp_op *op, int *slot, int64_t *u,
		      int64_t *count, int64_t *kaddr)
{
	int in = op->code == XMP_XMEMIN;
	*u = in ? op->a[0] : op->a[1];
	*kaddr = in ? op->a[1] : op->a[0];
	*count = op->a[2];
	*slot = (int)op->a[3];
}

/* Copy between the user range and the kernel buffer; dir 0 = in. */
static void copy(struct mdl_world *m, const struct xmp_op *op, int out)
{
	int slot;
	int64_t u, count, kaddr;
	move_args(op, &slot, &u, &count, &kaddr);
	const struct mdl_range *rc = mdlw_range(m, slot, u, count);
	int kb = (int)(kaddr / XMC_KBUF_SIZE);
	uint32_t koff = (uint32_t)(kaddr % XMC_KBUF_SIZE);
	mdl_kbuf_touch(m, kb, koff, (uint32_t)count);
	uint8_t *k = m->kbuf[kb] + koff;
	uint32_t in = (uint32_t)(u % XMC_PAGE_SIZE);
	int64_t left = count;
	for (int i = 0; i < rc->n && left > 0; i++) {
		uint32_t n = XMC_PAGE_SIZE - in;
		if (n > left)
			n = (uint32_t)left;
		uint8_t *b = mdlw_bytes(m, rc->pages[i].seg, rc->pages[i].page);
		if (out)
			memcpy(b + in, k, n);
		else
			memcpy(k, b + in, n);
		k += n;
		left -= n;
		in = 0;
	}
}

static void range_pages(struct mdl_world *m, const struct xmp_op *op,
			int effect)
{
	int slot;
	int64_t u, count, kaddr;
	move_args(op, &slot, &u, &count, &kaddr);
	const struct mdl_range *rc = mdlw_range(m, slot, u, count);
	for (int i = 0; i < rc->n; i++) {
		struct mdl_page *p =
			mdlw_page(m, rc->pages[i].seg, rc->pages[i].page);
		if (effect == E_MARK_MODIFIED_RANGE)
			p->mod = 1;
		else if (!p->in_mem)
			p->in_mem = 1, p->mod = 0, p->by = (uint16_t)(m->clause_now + 1);
	}
}

static struct mdl_page *dma_page(struct mdl_world *m, const struct xmp_op *op)
{
	int k;
	uint32_t page;
	if (mdlw_resolve(m, (int)op->a[0], op->a[1], &k, &page))
		return NULL;
	return mdlw_page(m, k, page);
}

/*
 * W13: a SYS_ADSPACE attach. Under `proc` the descriptor works like a user
 * one whose segment is the kernel segment (key 0); under `global` it names
 * the kernel's space; while the reading is open it is kept as `proc` and
 * settled from the implementation's aspace_id (mdl_settle_desc).
 */
static void attach_sys(struct mdl_world *m, const struct xmp_op *op)
{
	int slot = (int)op->a[2], k;
	uint32_t page;
	struct xmc_xmem *d = &m->desc[slot];
	mdlw_kresolve(m, op->a[0], &k, &page);
	int rd = m->rd[MDL_RD_SYS_ASPACE];
	d->aspace_id = rd == 1 ? XMEM_GLOBAL : XMEM_PROC;
	d->subspace_id = XMC_SRVAL(XMC_SID(k), 0);
	d->subspace_id2 = 0;
	d->uaddr = (uint32_t)op->a[0];
	m->dpid[slot] = -1; /* in no process's address space: never remapped */
	m->dsys[slot] = 1;
	m->dopen[slot] = rd < 0;
}

void mdl_settle_desc(struct mdl_world *m, int slot, int32_t got)
{
	if (!m->dopen[slot])
		return;
	m->dopen[slot] = 0;
	if (got != XMEM_PROC && got != XMEM_GLOBAL)
		return; /* neither reading: the comparison says so */
	m->rd[MDL_RD_SYS_ASPACE] = (int8_t)(got == XMEM_GLOBAL);
	m->desc[slot].aspace_id = got;
}

void mdl_set_caps(struct mdl_world *m, uint32_t caps)
{
	m->caps = caps;
}

int mdl_cur_pid(const struct mdl_world *m)
{
	return m->cur;
}

int mdl_interrupt(const struct mdl_world *m)
{
	return m->interrupt;
}

int mdl_has_image(const struct mdl_world *m, int pid)
{
	return pid >= 0 && pid < XMC_MAX_PROCS && m->proc[pid].image;
}

static void attach(struct mdl_world *m, const struct xmp_op *op)
{
	if (op->a[3] == SYS_ADSPACE) {
		attach_sys(m, op);
		return;
	}
	uint32_t addr = (uint32_t)op->a[0];
	uint32_t last = (uint32_t)(op->a[0] + op->a[1] - 1);
	struct xmc_xmem *d = &m->desc[op->a[2]];
	const xmc_adspace *as = &m->proc[m->cur].as;
	uint32_t r = XMC_REGION(addr);
	int two = XMC_REGION(last) != r;
	d->aspace_id = two ? XMEM_PROC2 : XMEM_PROC;
	d->subspace_id = as->srval[r];
	d->subspace_id2 = two ? as->srval[r + 1] : 0;
	d->uaddr = addr;
	m->dpid[op->a[2]] = (int8_t)m->cur;
}

/*
 * powerpc xmemdma: under the reading `set` the modified bit is set. Whether
 * that holds for a read-only key, or for an UNHIDE in pager I/O state, no
 * page says (the power rule excludes both): there either bit is allowed
 * (mod_open 2), and it tells the reading nothing.
 */
static void ppc_modified(struct mdl_world *m, const struct xmp_op *op,
			 struct mdl_page *p)
{
	if (!p || p->mod)
		return;
	/* xmemdma64's own page says it: "the modified bit is set". */
	int rd = op->code == XMP_XMEMDMA64 ? 1 : m->rd[MDL_RD_PPC_MODIFIED];
	if (p->prot == XMC_PROT_RO ||
	    ((op->a[2] & XMEM_UNHIDE) && p->pager_io))
		p->mod_open = rd == 0 ? 0 : 2;
	else if (rd < 0)
		p->mod_open = 1;
	else if (rd)
		p->mod = 1, p->by = (uint16_t)(m->clause_now + 1);
}

void mdl_settle_page(struct mdl_world *m, int seg, uint32_t page, int got_mod)
{
	struct mdl_page *p = mdlw_page(m, seg, page);
	if (!p || !p->mod_open)
		return;
	int fix = p->mod_open == 1;
	p->mod_open = 0;
	if (got_mod < 0)
		return;
	if (fix)
		m->rd[MDL_RD_PPC_MODIFIED] = (int8_t)(got_mod != 0);
	p->mod = (uint8_t)(got_mod != 0);
}

/* A failed move's page: reachable, and may the move touch its bytes? */
static const struct mdl_page *move_page(struct mdl_world *m,
					const struct xmp_op *op, int64_t i,
					int *may_copy)
{
	int slot;
	int64_t u, count, kaddr;
	move_args(op, &slot, &u, &count, &kaddr);
	const struct mdl_range *rc = mdlw_range(m, slot, u, count);
	int64_t idx = (u % XMC_PAGE_SIZE + i) / XMC_PAGE_SIZE, j = 0;
	while (j < rc->n && rc->pages[j].idx != idx)
		j++;
	if (i < 0 || i >= count || j == rc->n)
		return NULL;
	const struct mdl_page *p =
		mdlw_page(m, rc->pages[j].seg, rc->pages[j].page);
	int reach = p->in_mem || (!m->interrupt && !p->io_err);
	int ok = op->code == XMP_XMEMIN
			 ? p->prot != XMC_PROT_NONE
			 : p->prot == XMC_PROT_RW ||
				   (p->prot == XMC_PROT_RO &&
				    rc->pages[j].key == 0 &&
				    m->rd[MDL_RD_KEY0_RO] != 0);
	*may_copy = reach && ok;
	return p;
}

int mdl_failed_move_byte_ok(struct mdl_world *m, const struct xmp_op *op,
			    int64_t i)
{
	int may = 0;
	return move_page(m, op, i, &may) && may;
}

int mdl_failed_move_page(struct mdl_world *m, const struct xmp_op *op,
			 int seg, uint32_t page, int in_mem, int mod)
{
	struct mdl_page *p = mdlw_page(m, seg, page);
	if (!p)
		return 0;
	if (in_mem == p->in_mem && mod == p->mod)
		return 1;
	int pageable = p->in_mem || (!m->interrupt && !p->io_err);
	int slot, key0 = 0;
	int64_t u, count, kaddr;
	move_args(op, &slot, &u, &count, &kaddr);
	const struct mdl_range *rc = mdlw_range(m, slot, u, count);
	for (int j = 0; j < rc->n; j++)
		key0 |= rc->pages[j].seg == seg && rc->pages[j].page == page &&
			rc->pages[j].key == 0;
	int writable = op->code == XMP_XMEMOUT &&
		       (p->prot == XMC_PROT_RW ||
			(p->prot == XMC_PROT_RO && key0 &&
			 m->rd[MDL_RD_KEY0_RO] != 0));
	int ok = in_mem == 1 && pageable &&
		 (mod == (p->in_mem ? p->mod : 0) || (mod == 1 && writable));
	if (ok) {
		if (!p->in_mem)
			p->by = 0;
		p->in_mem = 1;
		p->mod = (uint8_t)mod;
	}
	return ok;
}

void mdl_adopt_kbuf(struct mdl_world *m, int kb, uint32_t off,
		    const uint8_t *buf, uint32_t len)
{
	mdl_kbuf_touch(m, kb, off, len);
	memcpy(m->kbuf[kb] + off, buf, len);
}

int mdl_adopt_bytes(struct mdl_world *m, int seg, uint32_t off,
		    const uint8_t *buf, uint32_t len)
{
	while (len > 0) {
		uint32_t page = off / XMC_PAGE_SIZE, in = off % XMC_PAGE_SIZE;
		uint32_t n = XMC_PAGE_SIZE - in < len ? XMC_PAGE_SIZE - in : len;
		if (!mdlw_page(m, seg, page))
			return -1;
		memcpy(mdlw_bytes(m, seg, page) + in, buf, n);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

static void hold(struct mdl_world *m, uint32_t srval, int delta)
{
	int k = mdlw_sid_seg(m, srval);
	if (k < 0)
		return;
	struct mdl_seg *s = &m->seg[k];
	if (delta > 0) {
		s->holds++;
	} else if (s->holds && --s->holds == 0 && s->pending) {
		s->pending = 0;
		s->deleted = 1;
	}
}

static void page_effect(int effect, struct mdl_page *p, int clause)
{
	if (!p)
		return;
	p->by = (uint16_t)(clause + 1);
	switch (effect) {
	case E_HIDE_INC: p->hide++; break;
	case E_HIDE_DEC: if (p->hide) p->hide--; break;
	case E_INVALIDATE: p->valid = 0; break;
	case E_VALIDATE: p->valid = 1; break;
	case E_READY_WAITERS: p->waiters = 0; break;
	case E_SET_MODIFIED: p->mod = 1; break;
	}
}

void mdlw_effect(struct mdl_world *m, int effect, const struct xmp_op *op,
		 int64_t ret)
{
	xmc_adspace *as = &m->proc[m->cur].as;
	uint32_t r;
	switch (effect) {
	case E_ATTACH: attach(m, op); return;
	case E_DETACH:
		m->desc[op->a[0]].aspace_id = XMEM_INVAL;
		m->dpid[op->a[0]] = -1;
		m->dsys[op->a[0]] = m->dopen[op->a[0]] = 0;
		return;
	case E_PAGE_IN_RANGE:
	case E_MARK_MODIFIED_RANGE: range_pages(m, op, effect); return;
	case E_COPY_IN: copy(m, op, 0); return;
	case E_COPY_OUT: copy(m, op, 1); return;
	case E_FLUSH: return; /* the model's memory is coherent */
	case E_ALLOC_REGION:
		r = XMC_REGION((uint32_t)ret);
		as->alloc |= 0x80000000u >> r;
		as->srval[r] = (uint32_t)op->a[1];
		return;
	case E_FREE_REGION:
		r = XMC_REGION((uint32_t)op->a[1]);
		as->alloc &= ~(0x80000000u >> r);
		as->srval[r] = XMC_NULLSEGVAL;
		return;
	case E_HOLD:
		hold(m, as->srval[XMC_REGION((uint32_t)op->a[1])], 1);
		return;
	case E_RELEASE: hold(m, (uint32_t)op->a[1], -1); return;
	case E_PPC_MODIFIED: ppc_modified(m, op, dma_page(m, op)); return;
	}
	page_effect(effect, dma_page(m, op), m->clause_now);
}

int mdl_page_state(const struct mdl_world *m, int seg, uint32_t page,
		   struct xmc_page_state *out)
{
	const struct mdl_page *p = mdlw_page((struct mdl_world *)m, seg, page);
	if (!p || m->seg[seg].deleted)
		return -1;
	out->in_memory = p->in_mem;
	out->valid = p->valid;
	out->modified = p->mod;
	out->pager_io = p->pager_io;
	out->prot = p->prot;
	out->io_error = p->io_err;
	out->pin_count = p->pin;
	out->hide_count = p->hide;
	out->waiters = p->waiters;
	return 0;
}

int mdl_peek(const struct mdl_world *m, int seg, uint32_t off, void *buf,
	     uint32_t len)
{
	uint8_t *dst = buf;
	while (len > 0) {
		uint32_t page = off / XMC_PAGE_SIZE, in = off % XMC_PAGE_SIZE;
		const struct mdl_page *p =
			mdlw_page((struct mdl_world *)m, seg, page);
		if (!p)
			return -1;
		uint32_t n = XMC_PAGE_SIZE - in < len ? XMC_PAGE_SIZE - in : len;
		const struct mdl_seg *s = &m->seg[seg];
		if (p->zero)
			memset(dst, 0, n);
		else
			memcpy(dst,
			       s->mem + (size_t)(page - s->base) * XMC_PAGE_SIZE +
				       in,
			       n);
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

const uint8_t *mdl_page_bytes(const struct mdl_world *m, int seg,
			      uint32_t page)
{
	static const uint8_t zero[XMC_PAGE_SIZE];
	const struct mdl_page *p = mdlw_page((struct mdl_world *)m, seg, page);
	if (!p)
		return NULL;
	const struct mdl_seg *s = &m->seg[seg];
	return p->zero ? zero
		       : s->mem + (size_t)(page - s->base) * XMC_PAGE_SIZE;
}

const struct xmc_xmem *mdl_desc(const struct mdl_world *m, int slot)
{
	return &m->desc[slot];
}

const uint8_t *mdl_kbuf(const struct mdl_world *m, int kb)
{
	return m->kbuf[kb];
}

const xmc_adspace *mdl_adspace(const struct mdl_world *m)
{
	return &m->proc[m->cur].as;
}

int mdl_seg_state(const struct mdl_world *m, int seg, int *state, int *holds)
{
	if (!mdlw_seg_made(m, seg))
		return -1;
	const struct mdl_seg *s = &m->seg[seg];
	*state = s->deleted ? XMC_SEG_DELETED
		 : s->pending ? XMC_SEG_PENDING
			      : XMC_SEG_LIVE;
	*holds = s->holds;
	return 0;
}

int mdl_nsegs(const struct mdl_world *m)
{
	return m->xsegs ? XMC_NSEGS : m->nsegs; /* callers skip unmade ones */
}

int mdl_seg_live(const struct mdl_world *m, int seg, uint32_t *first,
		 uint32_t *npages)
{
	if (!mdlw_seg_made(m, seg) || m->seg[seg].deleted)
		return 0;
	*first = m->seg[seg].base;
	*npages = m->seg[seg].npages;
	return 1;
}

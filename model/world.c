/*
 * world.c - the model's world: state, world steps, effects, observation.
 * Semantics: docs/WORLD.md. No system calls, no allocation after mdl_new.
 */
#include <stdlib.h>
#include <string.h>

#include "world.h"

static const uint32_t fixed_regions = (0x80000000u >> 0) |
				      (0x80000000u >> 1) |
				      (0x80000000u >> 2) | (0x80000000u >> 14);

static int ktab_made; /* the kernel buffer pattern table is filled */
static void ktab_make(void);

int mdlw_region_eligible(int r)
{
	return r >= 3 && r <= 15 && r != 14;
}

void mdlw_proc_init(struct mdl_proc *p, int pid)
{
	p->exists = 1;
	p->as.alloc = fixed_regions;
	for (int r = 0; r < 16; r++)
		p->as.srval[r] = XMC_NULLSEGVAL;
	/* Fixed regions hold model-private values; they are never compared. */
	p->as.srval[0] = 0;
	p->as.srval[1] = 0x100u + 2u * (uint32_t)pid;
	p->as.srval[2] = 0x101u + 2u * (uint32_t)pid;
	p->as.srval[14] = 0xe;
}

struct mdl_world *mdl_new(const struct mdl_spec *spec, int profile)
{
	struct mdl_world *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	/* Made now, not at the first program that moves bytes: a process
	 * forked after set-up (AFL++'s fork server) then runs every program
	 * on the same path, its first one included. */
	if (!ktab_made)
		ktab_make();
	m->spec = spec;
	m->profile = profile;
	for (int k = 0; k < XMC_NSEGS; k++) {
		m->seg[k].mem = calloc(XMC_OBJ_PAGES, XMC_PAGE_SIZE);
		if (!m->seg[k].mem)
			goto oom;
	}
	for (int b = 0; b < XMC_KBUFS; b++) {
		m->kbuf[b] = calloc(1, XMC_KBUF_SIZE);
		if (!m->kbuf[b])
			goto oom;
	}
	mdl_clear_readings(m);
	mdl_reset(m);
	return m;
oom:
	mdl_free(m);
	return NULL;
}

void mdl_free(struct mdl_world *m)
{
	if (!m)
		return;
	for (int k = 0; k < XMC_NSEGS; k++)
		free(m->seg[k].mem);
	for (int b = 0; b < XMC_KBUFS; b++)
		free(m->kbuf[b]);
	free(m);
}

void mdl_reset(struct mdl_world *m)
{
	memset(m->kmade, 0, sizeof m->kmade);
	m->kseed = 0;
	m->cur = 0;
	m->nprocs = 1;
	m->nsegs = 0;
	m->xsegs = 0;
	m->interrupt = 0;
	memset(m->dsys, 0, sizeof m->dsys);
	memset(m->dopen, 0, sizeof m->dopen);
	memset(m->proc, 0, sizeof m->proc);
	mdlw_proc_init(&m->proc[0], 0);
	for (int d = 0; d < XMC_MAX_DESCS; d++) {
		memset(&m->desc[d], 0, sizeof m->desc[d]);
		m->desc[d].aspace_id = XMEM_INVAL;
		m->dpid[d] = -1;
	}
	m->rc.valid = 0;
}

/*
 * A fixed random table (xorshift64 from a constant) XORed with a word
 * derived from the program seed: every offset differs from its neighbours
 * and from other programs, at memcpy speed.
 */
static uint64_t ktab[XMC_KBUFS][XMC_KBUF_SIZE / 8];

static void ktab_make(void)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < sizeof ktab / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ktab[i / (XMC_KBUF_SIZE / 8)][i % (XMC_KBUF_SIZE / 8)] = x;
	}
	ktab_made = 1;
}

void mdl_kbuf_pattern(uint32_t seed, int kb, uint32_t chunk, uint8_t *buf)
{
	if (!ktab_made) /* a caller without a world (mdl_new makes it) */
		ktab_make();
	uint64_t key = ((uint64_t)seed << 8 | (uint64_t)kb) *
		       0x9e3779b97f4a7c15ull;
	const uint64_t *t = &ktab[kb][chunk * (MDL_KCHUNK / 8)];
	for (uint32_t i = 0; i < MDL_KCHUNK / 8; i++) {
		uint64_t w = t[i] ^ key;
		memcpy(buf + 8 * i, &w, 8);
	}
}

void mdl_kbuf_seed(struct mdl_world *m, uint32_t seed)
{
	m->kseed = seed;
	memset(m->kmade, 0, sizeof m->kmade);
}

void mdl_kbuf_touch(struct mdl_world *m, int kb, uint32_t off, uint32_t len)
{
	if (!len || off >= XMC_KBUF_SIZE)
		return;
	uint32_t last = off + len - 1 < XMC_KBUF_SIZE ? off + len - 1
						      : XMC_KBUF_SIZE - 1;
	for (uint32_t c = off / MDL_KCHUNK; c <= last / MDL_KCHUNK; c++)
		if (!(m->kmade[kb][c / 64] & (1ull << c % 64))) {
			mdl_kbuf_pattern(m->kseed, kb, c,
					 m->kbuf[kb] + c * MDL_KCHUNK);
			m->kmade[kb][c / 64] |= 1ull << c % 64;
		}
}

/* Segment number of a register value naming any created segment, or -1. */
int mdlw_sid_any(const struct mdl_world *m, uint32_t srval)
{
	uint32_t sid = XMC_SRVAL_SID(srval);
	if (sid < XMC_SID(0) || sid >= XMC_SID(XMC_NSEGS))
		return -1;
	int k = (int)(sid - XMC_SID(0));
	return mdlw_seg_made(m, k) ? k : -1;
}

/*
 * Segment number of a register value, or -1 when it names no segment a
 * process can hold (user and image segments; never a kernel one, W1).
 */
int mdlw_sid_seg(const struct mdl_world *m, uint32_t srval)
{
	int k = mdlw_sid_any(m, srval);
	return k >= XMC_SEG_KERN(0) ? -1 : k;
}

struct mdl_page *mdlw_page(struct mdl_world *m, int seg, uint32_t page)
{
	if (!mdlw_seg_made(m, seg))
		return NULL;
	struct mdl_seg *s = &m->seg[seg];
	if (page < s->base || page - s->base >= s->npages)
		return NULL;
	return &s->pg[page - s->base];
}

static const struct mdl_page *cpage(const struct mdl_world *m, int seg,
				    uint32_t page)
{
	return mdlw_page((struct mdl_world *)m, seg, page);
}

uint8_t *mdlw_bytes(struct mdl_world *m, int seg, uint32_t page)
{
	struct mdl_seg *s = &m->seg[seg];
	struct mdl_page *p = &s->pg[page - s->base];
	uint8_t *b = s->mem + (size_t)(page - s->base) * XMC_PAGE_SIZE;
	if (p->zero) {
		memset(b, 0, XMC_PAGE_SIZE);
		p->zero = 0;
	}
	return b;
}

/*
 * W2: (seg, page) reached by address u through descriptor slot. Under the
 * offset reading of xmemdma's xaddr, the region bits of an XMEM_PROC
 * descriptor's address are ignored.
 */
int mdlw_resolve(struct mdl_world *m, int slot, int64_t u, int *seg,
		 uint32_t *page)
{
	int key;
	return mdlw_resolve_key(m, slot, u, seg, page, &key);
}

/* As mdlw_resolve, with the key bit of the handle that reaches the page. */
int mdlw_resolve_key(struct mdl_world *m, int slot, int64_t u, int *seg,
		     uint32_t *page, int *key)
{
	const struct xmc_xmem *d = &m->desc[slot];
	if (u < 0 || u > 0xffffffffll)
		return -1;
	if (d->aspace_id == XMEM_GLOBAL) { /* a kernel address (W13) */
		*key = 0;
		return mdlw_kresolve(m, u, seg, page);
	}
	if (d->aspace_id != XMEM_PROC && d->aspace_id != XMEM_PROC2)
		return -1;
	uint32_t r0 = XMC_REGION(d->uaddr), r = XMC_REGION((uint32_t)u);
	if (d->aspace_id == XMEM_PROC && r != r0 &&
	    m->op_rd == MDL_RD_XADDR && mdlw_rd(m, MDL_RD_XADDR))
		r = r0;
	uint32_t sv;
	if (r == r0)
		sv = d->subspace_id;
	else if (d->aspace_id == XMEM_PROC2 && r == r0 + 1)
		sv = d->subspace_id2;
	else
		return -1;
	int k = mdlw_sid_any(m, sv); /* a SYS attach holds a kernel handle */
	if (k < 0)
		return -1;
	uint32_t pg = XMC_OFFSET((uint32_t)u) / XMC_PAGE_SIZE;
	if (!cpage(m, k, pg))
		return -1;
	*seg = k;
	*page = pg;
	*key = (int)(sv >> 30 & 1);
	return 0;
}

int mdlw_desc_known(const struct mdl_world *m, int slot)
{
	const struct xmc_xmem *d = &m->desc[slot];
	if (d->aspace_id == XMEM_GLOBAL) /* the kernel's space is always there */
		return 1;
	if (mdlw_sid_any(m, d->subspace_id) < 0)
		return 0;
	if (d->aspace_id == XMEM_PROC2 && mdlw_sid_any(m, d->subspace_id2) < 0)
		return 0;
	return 1;
}

/*
 * Item 6 of the envelope: a descriptor whose segment is no longer mapped at
 * its region in the address space that attached it ("remaps user memory
 * containing the cross-memory buffer": machine-dependent).
 */
int mdlw_desc_remapped(const struct mdl_world *m, int slot)
{
	const struct xmc_xmem *d = &m->desc[slot];
	int two = d->aspace_id == XMEM_PROC2, p = m->dpid[slot];
	if ((d->aspace_id != XMEM_PROC && !two) || p < 0)
		return 0;
	const xmc_adspace *as = &m->proc[p].as;
	uint32_t r0 = XMC_REGION(d->uaddr);
	for (uint32_t i = 0; i <= (uint32_t)two; i++) {
		uint32_t r = r0 + i, want = i ? d->subspace_id2 : d->subspace_id;
		if (r > 15 || !(as->alloc & (0x80000000u >> r)) ||
		    XMC_SRVAL_SID(as->srval[r]) != XMC_SRVAL_SID(want))
			return 1;
	}
	return 0;
}

int mdlw_desc_deleted(const struct mdl_world *m, int slot)
{
	const struct xmc_xmem *d = &m->desc[slot];
	if (d->aspace_id != XMEM_PROC && d->aspace_id != XMEM_PROC2)
		return 0;
	int k1 = mdlw_sid_seg(m, d->subspace_id);
	if (k1 >= 0 && m->seg[k1].deleted)
		return 1;
	if (d->aspace_id != XMEM_PROC2)
		return 0;
	int k2 = mdlw_sid_seg(m, d->subspace_id2);
	return k2 >= 0 && m->seg[k2].deleted;
}

/* W1, in the current process. */
int mdlw_defined(const struct mdl_world *m, int64_t addr, int64_t count)
{
	if (count <= 0 || addr < 0 || addr + count > 0x100000000ll)
		return 0;
	const xmc_adspace *as = &m->proc[m->cur].as;
	int64_t first = addr / XMC_PAGE_SIZE;
	int64_t last = (addr + count - 1) / XMC_PAGE_SIZE;
	for (int64_t pg = first; pg <= last; pg++) {
		uint32_t a = (uint32_t)(pg * XMC_PAGE_SIZE);
		uint32_t r = XMC_REGION(a);
		if (!(as->alloc & (0x80000000u >> r)))
			return 0;
		int k = mdlw_sid_seg(m, as->srval[r]);
		if (k < 0 || m->seg[k].deleted)
			return 0;
		if (!cpage(m, k, XMC_OFFSET(a) / XMC_PAGE_SIZE))
			return 0;
	}
	return 1;
}

/* W13: (seg, page) of kernel address a, or -1. */
int mdlw_kresolve(const struct mdl_world *m, int64_t a, int *seg,
		  uint32_t *page)
{
	if (a < 0 || a > 0xffffffffll)
		return -1;
	uint32_t r = XMC_REGION((uint32_t)a);
	int j = r == XMC_KREGION(0) ? 0 : r == XMC_KREGION(1) ? 1 : -1;
	if (j < 0 || !mdlw_seg_made(m, XMC_SEG_KERN(j)))
		return -1;
	uint32_t pg = XMC_OFFSET((uint32_t)a) / XMC_PAGE_SIZE;
	if (!cpage(m, XMC_SEG_KERN(j), pg))
		return -1;
	*seg = XMC_SEG_KERN(j);
	*page = pg;
	return 0;
}

/* W13: every page of [addr, addr+count) is a kernel page. */
int mdlw_kdefined(const struct mdl_world *m, int64_t addr, int64_t count)
{
	if (count <= 0 || addr < 0 || addr + count > 0x100000000ll)
		return 0;
	for (int64_t pg = addr / XMC_PAGE_SIZE;
	     pg <= (addr + count - 1) / XMC_PAGE_SIZE; pg++) {
		int k;
		uint32_t page;
		if (mdlw_kresolve(m, pg * XMC_PAGE_SIZE, &k, &page))
			return 0;
	}
	return 1;
}

/* W12: pages of a range in the current process that lie on a text segment. */
int mdlw_text_pages(const struct mdl_world *m, int64_t addr, int64_t count)
{
	if (count <= 0 || addr < 0 || addr + count > 0x100000000ll)
		return 0;
	const xmc_adspace *as = &m->proc[m->cur].as;
	int n = 0;
	for (int64_t pg = addr / XMC_PAGE_SIZE;
	     pg <= (addr + count - 1) / XMC_PAGE_SIZE; pg++) {
		uint32_t r = XMC_REGION((uint32_t)(pg * XMC_PAGE_SIZE));
		int k = (as->alloc & (0x80000000u >> r))
				? mdlw_sid_seg(m, as->srval[r])
				: -1;
		n += k >= XMC_SEG_TEXT(0) && k < XMC_SEG_DATA(0);
	}
	return n;
}

/* Resolve a range through a descriptor once per op (all builtins share it). */
const struct mdl_range *mdlw_range(struct mdl_world *m, int slot, int64_t u,
				   int64_t count)
{
	struct mdl_range *rc = &m->rc;
	if (rc->valid && rc->slot == slot && rc->u == u && rc->count == count)
		return rc;
	memset(rc, 0, sizeof *rc);
	rc->valid = 1;
	rc->slot = slot;
	rc->u = u;
	rc->count = count;
	rc->reach = count >= 0;
	if (count <= 0)
		return rc;
	if (u < 0 || u + count > 0x100000000ll) {
		rc->reach = 0;
		return rc;
	}
	/* The offset reading of a move's uaddr: the range starts in r0. */
	const struct xmc_xmem *d = &m->desc[slot];
	uint32_t r0 = XMC_REGION(d->uaddr);
	if (m->op_rd == MDL_RD_UADDR && d->aspace_id == XMEM_PROC &&
	    XMC_REGION((uint32_t)u) != r0 && mdlw_rd(m, MDL_RD_UADDR)) {
		u = (int64_t)((r0 << XMC_SEGSHIFT) | XMC_OFFSET((uint32_t)u));
		if (u + count > 0x100000000ll) {
			rc->reach = 0;
			return rc;
		}
	}
	/* Every reachable page, also past one that is not: a failed move may
	 * have touched any of them (a copy need not go forwards). */
	int64_t first = u / XMC_PAGE_SIZE, last = (u + count - 1) / XMC_PAGE_SIZE;
	for (int64_t pg = first; pg <= last; pg++) {
		int k;
		uint32_t page;
		if (rc->n == MDL_MAX_TOUCHED) {
			rc->reach = 0;
			break;
		}
		int key;
		if (mdlw_resolve_key(m, slot, pg * XMC_PAGE_SIZE, &k, &page,
				     &key)) {
			rc->reach = 0;
			continue;
		}
		const struct mdl_page *p = cpage(m, k, page);
		rc->pages[rc->n].seg = (uint16_t)k;
		rc->pages[rc->n].key = (uint8_t)key;
		rc->pages[rc->n].idx = (uint16_t)(pg - first);
		if (p->prot == XMC_PROT_RO) {
			rc->any_ro_k0 |= key == 0;
			rc->any_ro_k1 |= key == 1;
		}
		rc->pages[rc->n++].page = (uint16_t)page;
		rc->any_none |= p->prot == XMC_PROT_NONE;
		rc->any_ro |= p->prot == XMC_PROT_RO;
		rc->any_nonres |= !p->in_mem;
		rc->any_ioerr |= !p->in_mem && p->io_err;
		rc->any_hidden |= p->hide > 0;
	}
	return rc;
}

/* WORLD.md "Probes": a load by process pid at addr, without side effects. */
int mdlw_probe(struct mdl_world *m, int pid, int64_t addr, int *seg,
	       uint32_t *page)
{
	*seg = -1;
	if (addr < 0 || addr > 0xffffffffll)
		return 0;
	const xmc_adspace *as = &m->proc[pid].as;
	uint32_t r = XMC_REGION((uint32_t)addr);
	if (!(as->alloc & (0x80000000u >> r)))
		return 0;
	int k = mdlw_sid_seg(m, as->srval[r]);
	if (k < 0 || m->seg[k].deleted)
		return 0;
	uint32_t pg = XMC_OFFSET((uint32_t)addr) / XMC_PAGE_SIZE;
	const struct mdl_page *p = cpage(m, k, pg);
	if (!p)
		return 0;
	*seg = k;
	*page = pg;
	return p->in_mem && p->valid && p->prot != XMC_PROT_NONE;
}

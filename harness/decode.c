/*
 * decode.c - bytes to program. Every byte string decodes to a valid program;
 * each byte is spent on a choice that matters. A shadow of the program so far
 * (segments, mappings, attached buffers, pins, hides) steers arguments toward
 * defined buffers, page edges and earlier descriptors, so that random bytes
 * reach deep clauses (last unhide with waiters, PROC2 buffers, held deletes).
 */
#include <string.h>

#include "xmcheck.h"
#include "prog.h"

#define NDMA 8 /* (slot, page address) pairs remembered for xmemdma */

struct shadow {
	int nprocs, cur, nsegs, interrupt; /* as in the world */
	uint8_t npages[XMC_NSEGS]; /* defined pages of each segment */
	uint8_t high[XMC_NSEGS]; /* segment ends its region */
	uint8_t gone[XMC_NSEGS]; /* a seg_delete was issued for it */
	uint8_t img; /* processes given their image (bit pid) */
	uint8_t ran; /* processes that ran a service while current (bit) */
	uint8_t kseg; /* kernel segments made (bit j) */
	uint8_t dkern[XMC_MAX_DESCS]; /* slot holds a kernel range (W13) */
	int8_t map[XMC_MAX_PROCS][16]; /* segment mapped in a region, or -1 */
	uint8_t key[XMC_MAX_PROCS][16]; /* key bit of that mapping */
	uint32_t daddr[XMC_MAX_DESCS]; /* last xmattach address of a slot */
	int32_t dcount[XMC_MAX_DESCS]; /* its count; 0 = none */
	int8_t dseg[XMC_MAX_DESCS][2]; /* segments of its regions r0, r0 + 1 */
	int ndma; /* entries in dma[] */
	struct { uint8_t slot, hides; uint32_t addr; } dma[NDMA]; /* hides */
	int hidden; /* hides not yet undone, over dma[] */
	int force_unhide; /* next xmemdma undoes a hide */
	int npin; /* entries in pin[] */
	struct { uint8_t seg, n; uint16_t page; } pin[16]; /* pins held */
	struct { uint8_t seg, prot; uint16_t page; } prot[8]; /* protected */
	int nprot; /* entries in prot[] */
	uint32_t held[4]; /* handles given by as_geth */
	int nheld; /* entries in held[] */
	uint32_t caps; /* steps allowed */
	int profile; /* enum xmc_profile */
};

/* Relative weights of op codes in the decoder's choice. */
static const uint8_t weight[XMP_NCODES] = {
	[XMP_PROC_NEW] = 2, [XMP_PROC_SWITCH] = 2, [XMP_SEG_NEW] = 7,
	[XMP_SEG_DELETE] = 2, [XMP_MAP] = 7, [XMP_PROTECT] = 5, [XMP_PIN] = 9,
	[XMP_UNPIN] = 3, [XMP_PAGE_OUT] = 4, [XMP_PAGE_IN] = 2,
	[XMP_IO_ERROR] = 3, [XMP_PAGER_IO] = 3, [XMP_WAIT] = 3,
	[XMP_SET_ENV] = 3, [XMP_POKE] = 4, [XMP_DMA_READ] = 3,
	[XMP_DMA_WRITE] = 3, [XMP_CLEAR_MOD] = 2, [XMP_DESC_SET] = 2,
	[XMP_PROBE] = 5, [XMP_IMAGE] = 1, [XMP_KSEG_NEW] = 2,
	[XMP_XMATTACH] = 14, [XMP_XMDETACH] = 4, [XMP_XMEMIN] = 10,
	[XMP_XMEMOUT] = 10, [XMP_XMEMDMA] = 13,
	[XMP_XMEMDMA64] = 5, [XMP_AS_ATT] = 4,
	[XMP_AS_DET] = 3, [XMP_GETADSP] = 1, [XMP_AS_GETH] = 3,
	[XMP_AS_PUTH] = 3, [XMP_AS_GETSRVAL] = 2,
};

static int pick_code(struct xmp_src *s, const struct shadow *sh)
{
	unsigned total = 0, w[XMP_NCODES];
	for (int c = 0; c < XMP_NCODES; c++) {
		w[c] = (xmp_ops[c].cap & ~sh->caps) ? 0 : weight[c];
		if (c == XMP_WAIT && sh->profile != XMC_PROFILE_POWER)
			w[c] = 0;
		total += w[c];
	}
	unsigned x = (xmp_byte(s) << 8 | xmp_byte(s)) % total;
	for (int c = 0; c < XMP_NCODES; c++) {
		if (x < w[c])
			return c;
		x -= w[c];
	}
	return XMP_XMEMIN;
}

static uint32_t seg_base(const struct shadow *sh, int k)
{
	return sh->high[k] ? XMC_SEG_PAGES - sh->npages[k] : 0;
}

/* Remember a page's protection (the last few pages protected). */
static void shadow_prot(struct shadow *sh, int seg, uint32_t page, int prot)
{
	int i;
	for (i = 0; i < sh->nprot; i++)
		if (sh->prot[i].seg == seg && sh->prot[i].page == page)
			break;
	if (i == sh->nprot)
		i = sh->nprot < 8 ? sh->nprot++ : (int)(page % 8);
	sh->prot[i].seg = (uint8_t)seg;
	sh->prot[i].page = (uint16_t)page;
	sh->prot[i].prot = (uint8_t)prot;
}

static int shadow_prot_of(const struct shadow *sh, int seg, uint32_t page)
{
	for (int i = 0; i < sh->nprot; i++)
		if (sh->prot[i].seg == seg && sh->prot[i].page == page)
			return sh->prot[i].prot;
	return XMC_PROT_RW;
}

/* Count a pin (+1) or an unpin (-1) of a page in the shadow. */
static void shadow_pin(struct shadow *sh, int seg, uint32_t page, int delta)
{
	int i;
	for (i = 0; i < sh->npin; i++)
		if (sh->pin[i].seg == seg && sh->pin[i].page == page)
			break;
	if (i == sh->npin) {
		if (delta < 0 || sh->npin == 16)
			return;
		sh->pin[sh->npin].seg = (uint8_t)seg;
		sh->pin[sh->npin].page = (uint16_t)page;
		sh->pin[sh->npin++].n = 0;
	}
	if (delta > 0 && sh->pin[i].n < 255)
		sh->pin[i].n++;
	else if (delta < 0 && sh->pin[i].n > 0)
		sh->pin[i].n--;
}

/* Image and kernel segments made so far (WORLD.md W12, W13). */
static int extra_segs(const struct shadow *sh, int *ks)
{
	int n = 0;
	for (int pid = 0; pid < XMC_MAX_PROCS; pid++)
		if (sh->img >> pid & 1) {
			ks[n++] = XMC_SEG_TEXT(pid);
			ks[n++] = XMC_SEG_DATA(pid);
		}
	for (int j = 0; j < XMC_KSEGS; j++)
		if (sh->kseg >> j & 1)
			ks[n++] = XMC_SEG_KERN(j);
	return n;
}

/* The kernel segment at kernel address a, or -1. */
static int kseg_at(const struct shadow *sh, uint32_t a)
{
	for (int j = 0; j < XMC_KSEGS; j++)
		if ((sh->kseg >> j & 1) && XMC_REGION(a) == XMC_KREGION(j))
			return XMC_SEG_KERN(j);
	return -1;
}

/* A user segment, mostly the newest; mostly one not deleted. */
static int pick_useg(struct xmp_src *s, const struct shadow *sh)
{
	uint8_t b = xmp_byte(s);
	if (sh->nsegs == 0)
		return 0;
	int k = b & 0x80 ? sh->nsegs - 1 : b % sh->nsegs;
	for (int i = 0; i < sh->nsegs && sh->gone[k] && (b & 0x70); i++)
		k = (k + 1) % sh->nsegs;
	return k;
}

/* Any segment: sometimes an image or kernel one. */
static int pick_seg(struct xmp_src *s, const struct shadow *sh)
{
	int ks[2 * XMC_MAX_PROCS + XMC_KSEGS], n = extra_segs(sh, ks);
	if (n && (sh->nsegs == 0 || xmp_byte(s) < 48))
		return ks[xmp_byte(s) % n];
	return pick_useg(s, sh);
}

/* A page of segment k: mostly defined, sometimes just outside. */
static uint32_t pick_page(struct xmp_src *s, const struct shadow *sh, int k)
{
	uint8_t b = xmp_byte(s);
	uint32_t n = sh->nsegs ? sh->npages[k] : 1, base = seg_base(sh, k);
	if (b < 240)
		return base + b % n;
	if ((b & 1) && base + n < XMC_SEG_PAGES)
		return base + n;
	return base ? base - 1 : 0x1000;
}

/* A region of the current process holding a segment; -1 if none. */
static int pick_mapped(struct xmp_src *s, const struct shadow *sh)
{
	int regs[16], n = 0;
	for (int r = 0; r < 16; r++)
		if (sh->map[sh->cur][r] >= 0)
			regs[n++] = r;
	uint8_t b = xmp_byte(s);
	return n ? regs[b % n] : -1;
}

static uint32_t pick_inpage(struct xmp_src *s)
{
	uint8_t b = xmp_byte(s);
	switch (b & 7) {
	case 0: case 1: return 0;
	case 2: return XMC_PAGE_SIZE - 1 - (b >> 3) % 16;
	case 3: return XMC_PAGE_SIZE - 64;
	}
	return (uint32_t)(b >> 3) * 97 % XMC_PAGE_SIZE;
}

/* An address: inside a mapped buffer mostly, else an edge or anything. */
static uint32_t pick_addr(struct xmp_src *s, const struct shadow *sh)
{
	uint8_t mode = xmp_byte(s);
	int r = pick_mapped(s, sh);
	if (mode < 180 && r >= 0) {
		int k = sh->map[sh->cur][r];
		uint32_t pg = pick_page(s, sh, k);
		return ((uint32_t)r << XMC_SEGSHIFT) +
		       (pg << 12 & 0x0fffffffu) + pick_inpage(s);
	}
	if (mode < 200 && r >= 0)
		return ((uint32_t)(r + 1) << XMC_SEGSHIFT) - 1 - xmp_byte(s) % 8;
	if (mode < 230) {
		static const uint8_t fixed[] = {0, 1, 2, 14, 3, 13, 15, 7};
		return ((uint32_t)fixed[xmp_byte(s) % 8] << XMC_SEGSHIFT) |
		       (xmp_u32(s) & 0x3ffff);
	}
	return xmp_u32(s);
}

static int32_t pick_count(struct xmp_src *s, int32_t room)
{
	uint8_t b = xmp_byte(s);
	if (room < 1)
		room = XMC_PAGE_SIZE;
	if (room > (int32_t)XMC_KBUF_SIZE)
		room = XMC_KBUF_SIZE;
	switch (b % 16) {
	case 0: return 0;
	case 1: return b < 128 ? -1 : INT32_MIN + xmp_byte(s);
	case 2: return room + 1 + xmp_byte(s) % 64;
	case 3: return b < 200 ? room : 0x7fffffff;
	case 4: case 5: return 1 + xmp_byte(s) % 16;
	}
	uint32_t x = (uint32_t)xmp_byte(s) << 8 | xmp_byte(s);
	return 1 + (int32_t)(x % (uint32_t)room);
}

/* A (segment, page) of an attached buffer mostly, else any. */
static void pick_seg_page(struct xmp_src *s, const struct shadow *sh,
			  int64_t *seg, int64_t *page)
{
	uint8_t b = xmp_byte(s);
	int slot = b % XMC_MAX_DESCS;
	if (b < 180 && sh->dcount[slot] > 0) {
		uint32_t a = sh->daddr[slot] +
			     (uint32_t)(xmp_byte(s) * 4096u) % (uint32_t)sh->dcount[slot];
		int k = sh->dkern[slot] ? kseg_at(sh, a)
					: sh->map[sh->cur][XMC_REGION(a)];
		if (k >= 0) {
			*seg = k;
			*page = XMC_OFFSET(a) / XMC_PAGE_SIZE;
			return;
		}
	}
	*seg = pick_seg(s, sh);
	*page = pick_page(s, sh, (int)*seg);
}

static int pick_slot(struct xmp_src *s, const struct shadow *sh, int attached)
{
	uint8_t b = xmp_byte(s);
	for (int i = 0; i < XMC_MAX_DESCS && b < 200; i++) {
		int d = (b + i) % XMC_MAX_DESCS;
		if ((sh->dcount[d] > 0) == attached)
			return d;
	}
	return b % XMC_MAX_DESCS;
}

/* An entry of dma[] with a hide outstanding, or -1. */
static int pick_hidden(struct xmp_src *s, const struct shadow *sh)
{
	uint8_t b = xmp_byte(s);
	for (int i = 0; i < sh->ndma; i++) {
		int j = (b + i) % sh->ndma;
		if (sh->dma[j].hides)
			return j;
	}
	return -1;
}

static void gen_map(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	uint8_t b = xmp_byte(s);
	int pid = b < 200 ? sh->cur : b % sh->nprocs, region = -1;
	for (int r = 3; r < 13 && (b & 1); r++)
		if (sh->map[pid][r] >= 0 && sh->high[sh->map[pid][r]] &&
		    sh->map[pid][r + 1] < 0)
			region = r + 1;
	if (region < 0) {
		int free[16], n = 0;
		for (int r = 3; r < 16; r++)
			if (r != 14 && sh->map[pid][r] < 0)
				free[n++] = r;
		region = n ? free[xmp_byte(s) % n] : 3 + xmp_byte(s) % 13;
	}
	int k = xmp_byte(s) < 160 ? sh->nsegs - 1 : pick_useg(s, sh);
	op->a[0] = pid;
	op->a[1] = region;
	op->a[2] = k;
	op->a[3] = xmp_byte(s) & 1;
	if (sh->map[pid][region] < 0 && region != 14 && !sh->gone[k]) {
		sh->map[pid][region] = (int8_t)k;
		sh->key[pid][region] = (uint8_t)op->a[3];
	}
}

static void gen_seg_new(struct xmp_src *s, struct shadow *sh,
			struct xmp_op *op)
{
	uint8_t b = xmp_byte(s);
	op->a[0] = sh->nsegs < XMC_MAX_SEGS ? sh->nsegs : XMC_MAX_SEGS - 1;
	op->a[1] = b % 16 < 11 ? 1 + b % 4 : 1 + (b >> 4) % (int)XMC_OBJ_PAGES;
	op->a[2] = xmp_byte(s) < 72;
	if (sh->nsegs < XMC_MAX_SEGS) {
		sh->npages[sh->nsegs] = (uint8_t)op->a[1];
		sh->high[sh->nsegs++] = (uint8_t)op->a[2];
	}
}

static void gen_bytes_step(struct xmp_src *s, struct shadow *sh,
			   struct xmp_op *op)
{
	int64_t seg, page;
	pick_seg_page(s, sh, &seg, &page);
	uint32_t in = pick_inpage(s);
	op->a[0] = seg;
	op->a[1] = page * XMC_PAGE_SIZE + in;
	if (op->code == XMP_POKE) {
		uint8_t b = xmp_byte(s);
		op->a[2] = b < 200 ? 1 + b % 64 * 8 : 1 + (b * 37) % 8192;
		op->a[3] = xmp_u32(s);
		return;
	}
	op->a[2] = 1 + (uint32_t)(xmp_byte(s) * 17) % (XMC_PAGE_SIZE - in);
	if (op->code == XMP_DMA_WRITE)
		op->a[3] = xmp_u32(s);
}

/* aspace_id only: free, the kernel's, or a value no header defines. */
static void gen_desc_set(struct xmp_src *s, struct shadow *sh,
			 struct xmp_op *op)
{
	static const int32_t ids[] = {XMEM_INVAL, XMEM_INVAL, XMEM_INVAL,
				      5,	  -4,	      0x7fffffff,
				      XMEM_INVAL, XMEM_GLOBAL};
	uint8_t b = xmp_byte(s);
	int slot = pick_slot(s, sh, xmp_byte(s) < 160);
	op->a[0] = slot;
	op->a[1] = ids[b % 8 == 7 && (b < 128 || xmp_byte(s) >= 64) ? 0 : b % 8];
	sh->dkern[slot] = 0;
	if (op->a[1] == XMEM_INVAL)
		sh->dcount[slot] = 0;
	/* With kernel space, mostly the kernel's descriptor, aimed at it. */
	int ks[2 * XMC_MAX_PROCS + XMC_KSEGS], n = extra_segs(sh, ks);
	if (sh->kseg && b < 160) {
		int k = ks[n - 1 - xmp_byte(s) % (1 + (sh->kseg == 3))];
		op->a[1] = XMEM_GLOBAL;
		sh->dkern[slot] = 1;
		sh->daddr[slot] = (uint32_t)XMC_KREGION(k - XMC_SEG_KERN(0))
				  << XMC_SEGSHIFT;
		sh->dcount[slot] = sh->npages[k] * (int32_t)XMC_PAGE_SIZE;
		sh->dseg[slot][0] = (int8_t)k;
		sh->dseg[slot][1] = -1;
	}
}

/*
 * A probe: often of a page under DMA, through any mapping of its segment
 * (in any process), since every alias must see the page invalid.
 */
static void gen_probe(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	int h = xmp_byte(s) < 150 ? pick_hidden(s, sh) : -1, seg = -1;
	uint32_t a = h >= 0 ? sh->dma[h].addr : 0;
	if (h >= 0)
		seg = sh->map[sh->cur][XMC_REGION(a)];
	op->a[0] = sh->cur;
	op->a[1] = pick_addr(s, sh);
	if (seg < 0)
		return;
	int pids[XMC_MAX_PROCS * 16], regs[XMC_MAX_PROCS * 16], n = 0;
	for (int pid = 0; pid < sh->nprocs; pid++)
		for (int r = 0; r < 16; r++)
			if (sh->map[pid][r] == seg) {
				pids[n] = pid;
				regs[n++] = r;
			}
	int i = n ? xmp_byte(s) % n : 0;
	if (n) {
		op->a[0] = pids[i];
		op->a[1] = ((uint32_t)regs[i] << XMC_SEGSHIFT) | XMC_OFFSET(a);
	}
}

/* W12: process pid's text and data, mapped in regions 1 and 2. */
static void gen_image(struct xmp_src *s, struct shadow *sh, struct xmp_op *op,
		      int pid)
{
	uint8_t b = xmp_byte(s);
	memset(op, 0, sizeof *op);
	op->code = XMP_IMAGE;
	op->a[0] = pid;
	op->a[1] = 1 + b % (b < 200 ? 4 : (int)XMC_OBJ_PAGES);
	if ((sh->img | sh->ran) >> pid & 1)
		return; /* not legal: the model skips it */
	sh->img |= (uint8_t)(1u << pid);
	sh->npages[XMC_SEG_TEXT(pid)] = sh->npages[XMC_SEG_DATA(pid)] =
		(uint8_t)op->a[1];
	sh->map[pid][1] = (int8_t)XMC_SEG_TEXT(pid);
	sh->map[pid][2] = (int8_t)XMC_SEG_DATA(pid);
	sh->key[pid][1] = sh->key[pid][2] = 1;
	for (uint32_t pg = 0; pg < (uint32_t)op->a[1] && pg < 8; pg++)
		shadow_prot(sh, XMC_SEG_TEXT(pid), pg, XMC_PROT_RO);
}

static void gen_step(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	uint8_t b;
	switch (op->code) {
	case XMP_PROC_NEW:
		op->a[0] = sh->nprocs < XMC_MAX_PROCS ? sh->nprocs : 3;
		sh->nprocs += sh->nprocs < XMC_MAX_PROCS;
		return;
	case XMP_PROC_SWITCH:
		op->a[0] = sh->cur = xmp_byte(s) % sh->nprocs;
		return;
	case XMP_SEG_NEW: gen_seg_new(s, sh, op); return;
	case XMP_SEG_DELETE:
		op->a[0] = pick_useg(s, sh);
		sh->gone[op->a[0]] = 1;
		return;
	case XMP_MAP: gen_map(s, sh, op); return;
	case XMP_SET_ENV:
		op->a[0] = xmp_byte(s) < 224 ? !sh->interrupt : sh->interrupt;
		sh->interrupt = (int)op->a[0];
		return;
	case XMP_POKE:
	case XMP_DMA_READ:
	case XMP_DMA_WRITE: gen_bytes_step(s, sh, op); return;
	case XMP_DESC_SET: gen_desc_set(s, sh, op); return;
	case XMP_PROBE: gen_probe(s, sh, op); return;
	case XMP_IMAGE: gen_image(s, sh, op, xmp_byte(s) % sh->nprocs); return;
	case XMP_KSEG_NEW:
		b = xmp_byte(s);
		op->a[0] = (sh->kseg & 1) ? 1 : (b & 3) == 3;
		op->a[1] = 1 + (b >> 1) % (b < 128 ? 4 : (int)XMC_OBJ_PAGES);
		if (!(sh->kseg >> op->a[0] & 1)) {
			sh->kseg |= (uint8_t)(1u << op->a[0]);
			sh->npages[XMC_SEG_KERN(op->a[0])] = (uint8_t)op->a[1];
		}
		return;
	}
	int h = op->code == XMP_WAIT ? pick_hidden(s, sh) : -1;
	if (h >= 0) {
		uint32_t a = sh->dma[h].addr;
		int k = sh->dkern[sh->dma[h].slot] ? kseg_at(sh, a)
						   : sh->map[sh->cur][XMC_REGION(a)];
		op->a[0] = k >= 0 ? k : 0;
		op->a[1] = XMC_OFFSET(a) / XMC_PAGE_SIZE;
		return;
	}
	pick_seg_page(s, sh, &op->a[0], &op->a[1]);
	if (op->code == XMP_PIN || op->code == XMP_UNPIN)
		shadow_pin(sh, (int)op->a[0], (uint32_t)op->a[1],
			   op->code == XMP_PIN ? 1 : -1);
	b = xmp_byte(s);
	if (op->code == XMP_PROTECT) {
		op->a[2] = b < 100 ? XMC_PROT_RO : b < 180 ? XMC_PROT_NONE
							  : XMC_PROT_RW;
		shadow_prot(sh, (int)op->a[0], (uint32_t)op->a[1], (int)op->a[2]);
	}
	else if (op->code == XMP_IO_ERROR || op->code == XMP_PAGER_IO)
		op->a[2] = b < 190;
}

/* W13: xmattach(SYS_ADSPACE) of a range in a kernel segment. */
static void gen_attach_sys(struct xmp_src *s, struct shadow *sh,
			   struct xmp_op *op, int slot)
{
	int j = (sh->kseg == 3 ? xmp_byte(s) & 1 : sh->kseg == 2);
	int k = XMC_SEG_KERN(j);
	uint32_t pg = pick_page(s, sh, k), in = pick_inpage(s);
	uint32_t end = sh->npages[k] * XMC_PAGE_SIZE, off = pg * XMC_PAGE_SIZE + in;
	int32_t count = pick_count(s, end > off ? (int32_t)(end - off) : 1);
	op->a[0] = ((uint32_t)XMC_KREGION(j) << XMC_SEGSHIFT) + (off & 0x0fffffffu);
	op->a[1] = count;
	op->a[2] = slot;
	op->a[3] = SYS_ADSPACE;
	if (count > 0 && sh->dcount[slot] == 0) {
		sh->dkern[slot] = 1;
		sh->daddr[slot] = (uint32_t)op->a[0];
		sh->dcount[slot] = count > (int32_t)XMC_KBUF_SIZE ? (int32_t)XMC_KBUF_SIZE
								 : count;
		sh->dseg[slot][0] = (int8_t)k;
		sh->dseg[slot][1] = -1;
	}
}

static void gen_attach(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	uint8_t mode = xmp_byte(s);
	int r = pick_mapped(s, sh), slot = pick_slot(s, sh, 0);
	uint32_t addr;
	int32_t count, room_used = 0;
	if (sh->kseg && mode >= 150 && mode < 200) {
		gen_attach_sys(s, sh, op, slot);
		return;
	}
	if (mode < 190 && r >= 0) {
		int k = sh->map[sh->cur][r];
		uint32_t pg = pick_page(s, sh, k), in = pick_inpage(s);
		uint32_t end = (seg_base(sh, k) + sh->npages[k]) * XMC_PAGE_SIZE;
		addr = ((uint32_t)r << XMC_SEGSHIFT) + (pg << 12 & 0x0fffffffu) + in;
		uint32_t off = (pg * XMC_PAGE_SIZE + in) & 0x0fffffffu;
		int32_t room = end > off ? (int32_t)(end - off) : 1;
		/* Reach into the next region when a high segment ends this one. */
		if (sh->high[k] && r < 15 && sh->map[sh->cur][r + 1] >= 0 &&
		    (mode & 3) == 0)
			room += sh->npages[sh->map[sh->cur][r + 1]] *
				(int32_t)XMC_PAGE_SIZE;
		count = pick_count(s, room);
		room_used = room;
	} else {
		addr = pick_addr(s, sh);
		count = pick_count(s, XMC_PAGE_SIZE);
	}
	uint8_t f = xmp_byte(s);
	op->a[0] = addr;
	op->a[1] = count;
	op->a[2] = slot;
	/* Caller errors (W3) end the comparison: keep them rare. */
	op->a[3] = f < 236 ? USER_ADSPACE
		   : f < 255 || (f = xmp_byte(s)) >= 64 ? USERI_ADSPACE
		   : f < 32 ? SYS_ADSPACE : 3 + f % 8;
	/* Text is what USERI_ADSPACE names: often, there. */
	if (XMC_REGION(addr) == 1 && op->a[3] == USER_ADSPACE && f < 100)
		op->a[3] = USERI_ADSPACE;
	sh->dkern[slot] = 0;
	/* The shadow errs toward "attached": a wrong guess then costs a
	 * failure (desc-invalid), never a caller error. */
	r = XMC_REGION(addr);
	if (count > 0 && sh->dcount[slot] == 0 && sh->map[sh->cur][r] >= 0 &&
	    (op->a[3] == USER_ADSPACE || op->a[3] == USERI_ADSPACE)) {
		sh->daddr[slot] = addr;
		sh->dcount[slot] = room_used && count > room_used ? room_used
				   : count > (int32_t)XMC_KBUF_SIZE ? (int32_t)XMC_KBUF_SIZE
								     : count;
		sh->dseg[slot][0] = sh->map[sh->cur][r];
		sh->dseg[slot][1] = r < 15 ? sh->map[sh->cur][r + 1] : -1;
	}
}

static void gen_move(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	int slot = pick_slot(s, sh, 1);
	uint8_t b = xmp_byte(s);
	uint32_t u;
	int32_t room = sh->dcount[slot], count;
	if (b < 200 && room > 0) {
		uint32_t off = b < 120 ? 0 : (uint32_t)xmp_u32(s) % (uint32_t)room;
		u = sh->daddr[slot] + off;
		count = pick_count(s, room - (int32_t)off);
	} else {
		u = pick_addr(s, sh);
		count = pick_count(s, XMC_PAGE_SIZE);
	}
	if (count > (int32_t)XMC_KBUF_SIZE)
		count = XMC_KBUF_SIZE;
	uint32_t span = XMC_KBUF_SIZE - (count > 0 ? (uint32_t)count : 0);
	int64_t kaddr = XMP_KADDR(xmp_byte(s) & 1,
				  span ? (uint32_t)xmp_byte(s) * 61 % (span + 1) : 0);
	int in = op->code == XMP_XMEMIN;
	op->a[in ? 0 : 1] = u;
	op->a[in ? 1 : 0] = kaddr;
	op->a[2] = count;
	op->a[3] = slot;
}

static int shadow_page(const struct shadow *sh, int slot, uint32_t a,
		       int *seg, uint32_t *page);

/*
 * Would a hide of x through slot take (as far as the shadow sees)? One that
 * fails its access check or misses the descriptor's regions must not be
 * undone later (an unbalanced UNHIDE is a caller error).
 */
static int hide_works(const struct shadow *sh, int slot, uint32_t x, int flag)
{
	int seg;
	uint32_t page, r0 = XMC_REGION(sh->daddr[slot]);
	if (sh->dcount[slot] <= 0 ||
	    (!sh->dkern[slot] && XMC_REGION(x) != r0 && XMC_REGION(x) != r0 + 1) ||
	    shadow_page(sh, slot, x, &seg, &page))
		return 0;
	int prot = shadow_prot_of(sh, seg, page);
	if (!(flag & XMEM_ACC_CHK))
		return 1;
	return prot == XMC_PROT_RW ||
	       (prot == XMC_PROT_RO && (flag & XMEM_WRITE_ONLY));
}

static void gen_dma(struct xmp_src *s, struct shadow *sh, struct xmp_op *op)
{
	static const uint8_t flags[16] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
					  2, 2, 6, 6, 3, 4};
	uint8_t b = xmp_byte(s);
	int flag = b < 255 || xmp_byte(s) >= 64 ? flags[b % 16]
					       : 8 | xmp_byte(s) % 8;
	int slot = pick_slot(s, sh, 1), h = -1;
	uint32_t x;
	if (sh->force_unhide)
		flag = XMEM_UNHIDE | (flag & XMEM_ACC_CHK);
	sh->force_unhide = 0;
	if (flag & XMEM_UNHIDE) {
		h = pick_hidden(s, sh);
		if (h < 0 && xmp_byte(s) < 252)
			flag &= ~XMEM_UNHIDE;
	} else if (sh->ndma && xmp_byte(s) < 80) {
		h = xmp_byte(s) % sh->ndma; /* a nested hide */
	}
	if (h >= 0) {
		slot = sh->dma[h].slot;
		x = sh->dma[h].addr;
	} else if (sh->dcount[slot] > 0 && xmp_byte(s) < 240) {
		x = sh->daddr[slot] +
		    (uint32_t)(xmp_byte(s) * 4096u) % (uint32_t)sh->dcount[slot];
	} else {
		x = pick_addr(s, sh);
	}
	op->a[0] = slot;
	op->a[1] = x;
	op->a[2] = flag;
	if (flag & ~7)
		return;
	if ((flag & XMEM_UNHIDE) && h >= 0 && sh->dma[h].hides) {
		sh->dma[h].hides--;
		sh->hidden--;
	} else if (!(flag & XMEM_UNHIDE) && hide_works(sh, slot, x, flag)) {
		if (h < 0 && sh->ndma < NDMA) {
			h = sh->ndma++;
			sh->dma[h].slot = (uint8_t)slot;
			sh->dma[h].addr = x;
			sh->dma[h].hides = 0;
		}
		if (h >= 0 && sh->dma[h].hides < 255) {
			sh->dma[h].hides++;
			sh->hidden++;
		}
	}
}

/* Region r of the current process backs an attached descriptor. */
static int attached_region(const struct shadow *sh, uint32_t r)
{
	for (int d = 0; d < XMC_MAX_DESCS; d++) {
		uint32_t r0 = XMC_REGION(sh->daddr[d]);
		uint32_t r1 = XMC_REGION(sh->daddr[d] + (uint32_t)sh->dcount[d] - 1);
		if (sh->dcount[d] > 0 && (r == r0 || r == r1))
			return 1;
	}
	return 0;
}

static uint32_t pick_handle(struct xmp_src *s, struct shadow *sh)
{
	uint8_t b = xmp_byte(s);
	if (b < 255 || sh->nsegs == 0)
		return XMC_SRVAL(XMC_SID(pick_seg(s, sh)), b & 1);
	return xmp_u32(s);
}

static void gen_adspace(struct xmp_src *s, struct shadow *sh,
			struct xmp_op *op)
{
	uint8_t b;
	switch (op->code) {
	case XMP_AS_ATT:
		op->a[1] = pick_handle(s, sh);
		op->a[2] = xmp_u32(s);
		for (int r = 3; r < 16; r++)
			if (r != 14 && sh->map[sh->cur][r] < 0 &&
			    (uint32_t)XMC_SRVAL_SID(op->a[1]) - XMC_SID(0) <
				    (uint32_t)sh->nsegs) {
				sh->map[sh->cur][r] =
					(int8_t)(XMC_SRVAL_SID(op->a[1]) - XMC_SID(0));
				sh->key[sh->cur][r] = (op->a[1] >> 30) & 1;
				break;
			}
		return;
	case XMP_AS_PUTH:
		b = xmp_byte(s) | (sh->nheld ? 0 : 1);
		if (sh->nheld && b < 254) {
			int i = b % sh->nheld;
			op->a[1] = sh->held[i];
			sh->nheld--;
			sh->held[i] = sh->held[sh->nheld];
		} else {
			op->a[1] = pick_handle(s, sh);
		}
		return;
	}
	op->a[1] = pick_addr(s, sh);
	uint32_t r = XMC_REGION((uint32_t)op->a[1]);
	/* Detaching an attached buffer's region makes its moves undefined
	 * (remapped): rarely. */
	if (op->code == XMP_AS_DET && attached_region(sh, r) &&
	    xmp_byte(s) < 254) {
		op->a[1] = (uint32_t)op->a[1] & 0x0fffffffu;
		r = 0;
	}
	if (op->code == XMP_AS_DET && sh->map[sh->cur][r] >= 0)
		sh->map[sh->cur][r] = -1;
	if (op->code == XMP_AS_GETH && sh->map[sh->cur][r] >= 0 && sh->nheld < 4)
		sh->held[sh->nheld++] = XMC_SRVAL(
			XMC_SID(sh->map[sh->cur][r]), sh->key[sh->cur][r]);
}

static int needs_mapping(int code)
{
	return code == XMP_XMATTACH || code == XMP_XMEMIN ||
	       code == XMP_XMEMOUT || code == XMP_XMEMDMA ||
	       code == XMP_XMEMDMA64;
}

static int process_only(int code)
{
	return code == XMP_XMATTACH || code == XMP_AS_ATT ||
	       code == XMP_AS_DET || code == XMP_GETADSP ||
	       code == XMP_AS_GETH || code == XMP_AS_PUTH;
}

static int any_attached(const struct shadow *sh)
{
	for (int d = 0; d < XMC_MAX_DESCS; d++)
		if (sh->dcount[d] > 0)
			return 1;
	return 0;
}

static int fix_code(struct xmp_src *s, struct shadow *sh, int code)
{
	int mapped = 0;
	for (int r = 0; r < 16; r++)
		mapped |= sh->map[sh->cur][r] >= 0;
	if (sh->nsegs == 0 && !sh->img && !sh->kseg &&
	    (code != XMP_PROC_NEW && code != XMP_SET_ENV))
		return XMP_SEG_NEW;
	if (!mapped && needs_mapping(code))
		code = XMP_MAP;
	if ((code == XMP_MAP || code == XMP_SEG_DELETE) && sh->nsegs == 0)
		return XMP_SEG_NEW; /* only user segments are mapped, deleted */
	if (sh->interrupt && process_only(code) && xmp_byte(s) < 254)
		return XMP_SET_ENV;
	if (code == XMP_AS_PUTH && !sh->nheld && xmp_byte(s) < 254)
		return XMP_AS_GETH;
	if ((code == XMP_XMEMIN || code == XMP_XMEMOUT) && sh->hidden &&
	    xmp_byte(s) < 254) {
		sh->force_unhide = 1;
		return XMP_XMEMDMA;
	}
	if ((code == XMP_XMEMDMA || code == XMP_XMEMDMA64 ||
	     code == XMP_XMEMIN || code == XMP_XMEMOUT ||
	     code == XMP_XMDETACH) &&
	    !any_attached(sh) && xmp_byte(s) < 200)
		return sh->interrupt ? XMP_SET_ENV : XMP_XMATTACH;
	return code;
}

/*
 * The (segment, page) an xmemdma address reaches through the shadow: by the
 * descriptor's own regions when it was attached here, else by the current
 * process's map; -1 if none.
 */
static int shadow_page(const struct shadow *sh, int slot, uint32_t a,
		       int *seg, uint32_t *page)
{
	int k = sh->map[sh->cur][XMC_REGION(a)];
	if (sh->dkern[slot])
		k = kseg_at(sh, a);
	else if (sh->dcount[slot] > 0) {
		uint32_t r0 = XMC_REGION(sh->daddr[slot]);
		k = sh->dseg[slot][XMC_REGION(a) == r0 + 1];
	}
	if (k < 0)
		return -1;
	*seg = k;
	*page = XMC_OFFSET(a) / XMC_PAGE_SIZE;
	return 0;
}

static int pinned(const struct shadow *sh, int seg, uint32_t page)
{
	for (int i = 0; i < sh->npin; i++)
		if (sh->pin[i].seg == seg && sh->pin[i].page == page)
			return sh->pin[i].n > 0;
	return 0;
}

/* Ops that prepare the next one: a pin before a hide, a run of as_att. */
static void prepare(struct xmp_src *s, struct shadow *sh, struct xmp_prog *p,
		    int maxops)
{
	struct xmp_op *op = &p->op[p->n - 1];
	int seg;
	uint32_t page;
	/* xmemdma on a page not pinned is a caller error: pin it first. */
	if ((op->code == XMP_XMEMDMA || op->code == XMP_XMEMDMA64) &&
	    !shadow_page(sh, (int)op->a[0], (uint32_t)op->a[1], &seg, &page) &&
	    !pinned(sh, seg, page) && xmp_byte(s) < 255) {
		/* With no room left, the pin takes the xmemdma's place. */
		if (p->n < maxops)
			p->op[p->n++] = *op;
		memset(op, 0, sizeof *op);
		op->code = XMP_PIN;
		op->a[0] = seg;
		op->a[1] = page;
		shadow_pin(sh, seg, page, 1);
	}
	/* Every process has its text and data (W12): give them at birth. */
	if (op->code == XMP_PROC_NEW && (sh->caps & XMC_CAP_IMAGE) &&
	    p->n < maxops && xmp_byte(s) < 200)
		gen_image(s, sh, &p->op[p->n++], (int)op->a[0]);
	if (op->code == XMP_AS_ATT && xmp_byte(s) < 20)
		while (p->n < maxops) {
			p->op[p->n] = *op;
			p->op[p->n++].a[2] = xmp_u32(s);
		}
}

void xmp_decode(struct xmp_src *s, int maxops, uint32_t caps, int profile,
		struct xmp_prog *p)
{
	struct shadow sh;
	memset(&sh, 0, sizeof sh);
	memset(sh.map, -1, sizeof sh.map);
	sh.nprocs = 1;
	sh.caps = caps;
	sh.profile = profile;
	if (maxops > XMP_MAX_OPS)
		maxops = XMP_MAX_OPS;
	p->n = 0;
	if ((caps & XMC_CAP_IMAGE) && maxops > 0 &&
	    (!s->buf || s->pos < s->len) && xmp_byte(s) < 192) {
		gen_image(s, &sh, &p->op[p->n++], 0);
	}
	while (p->n < maxops && (!s->buf || s->pos < s->len)) {
		struct xmp_op *op = &p->op[p->n++];
		memset(op, 0, sizeof *op);
		op->code = (uint8_t)fix_code(s, &sh, pick_code(s, &sh));
		if (XMP_IS_SVC(op->code))
			sh.ran |= (uint8_t)(1u << sh.cur);
		switch (op->code) {
		case XMP_XMATTACH: gen_attach(s, &sh, op); break;
		case XMP_XMDETACH:
			op->a[0] = pick_slot(s, &sh, 1);
			sh.dcount[op->a[0]] = 0;
			sh.dkern[op->a[0]] = 0;
			break;
		case XMP_XMEMIN:
		case XMP_XMEMOUT: gen_move(s, &sh, op); break;
		case XMP_XMEMDMA:
		case XMP_XMEMDMA64: gen_dma(s, &sh, op); break;
		case XMP_GETADSP: break;
		default:
			if (XMP_IS_SVC(op->code))
				gen_adspace(s, &sh, op);
			else
				gen_step(s, &sh, op);
		}
		prepare(s, &sh, p, maxops);
	}
}

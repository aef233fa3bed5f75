/*
 * mutate.c - the structure-aware mutator (see mutate.h).
 */
#include <string.h>

#include "mutate.h"
#include "progbin.h"
#include "xmcheck.h"

/* The mutator's PRNG: the project's xoshiro256**, seeded by splitmix. */
struct rng {
	uint64_t s[4]; /* state */
};

static void rng_init(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = xmp_splitmix(&seed);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(xmp_rng_next(r->s) % n) : 0;
}

/* Boundary values by argument name (the services' interesting values). */
static const int64_t counts[] = {0, 1, -1, INT32_MIN, INT32_MAX, 4095, 4096,
				 4097, 8191, 8192, 65536, XMC_KBUF_SIZE};
static const int64_t segflags[] = {USER_ADSPACE, USERI_ADSPACE,
				   SYS_ADSPACE, 3, 7};
static const int64_t flags[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10};
static const int64_t addr_steps[] = {1, -1, 4095, 4096, -4096, 8192,
				     0x0fffffff, 64};
static const int64_t aspace_ids[] = {XMEM_INVAL, XMEM_PROC, XMEM_PROC2,
				     XMEM_GLOBAL, 5};

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

/* A value some other op of p gives an argument of the same kind, or -1. */
static int64_t borrow(struct rng *r, const struct xmp_prog *p, int kind)
{
	for (int tries = 0; tries < 8 && p->n; tries++) {
		const struct xmp_op *op = &p->op[below(r, (uint32_t)p->n)];
		const struct xmp_opdef *d = &xmp_ops[op->code];
		if (!d->nargs)
			continue;
		int i = (int)below(r, d->nargs);
		if (d->args[i].kind == kind)
			return op->a[i];
	}
	return -1;
}

static int64_t new_value(struct rng *r, const struct xmp_prog *p,
			 const struct xmp_argdef *d, int64_t v)
{
	int64_t b;
	switch (d->kind) {
	case XMP_A_SMALL:
		switch (below(r, 4)) {
		case 0: return d->lo;
		case 1: return d->hi;
		case 2: return v + (below(r, 2) ? 1 : -1);
		}
		return d->lo + below(r, (uint32_t)(d->hi - d->lo + 1));
	case XMP_A_INT:
		if (!strcmp(d->name, "segflag"))
			return PICK(r, segflags);
		if (!strcmp(d->name, "flag"))
			return PICK(r, flags);
		if (!strcmp(d->name, "aspace_id"))
			return PICK(r, aspace_ids);
		return below(r, 3) ? PICK(r, counts)
				   : v + (int64_t)below(r, 9) - 4;
	case XMP_A_ADDR:
		b = below(r, 3) ? borrow(r, p, XMP_A_ADDR) : -1;
		if (b < 0)
			b = v;
		switch (below(r, 4)) {
		case 0: return b;
		case 1: return (b & ~0xfffll) + PICK(r, addr_steps);
		case 2: return (int64_t)below(r, 16) << XMC_SEGSHIFT;
		}
		return b + PICK(r, addr_steps);
	case XMP_A_KADDR:
		return XMP_KADDR(below(r, XMC_KBUFS),
				 below(r, 2) ? 0 : below(r, XMC_KBUF_SIZE));
	}
	return 0;
}

/* Fold a value back into the argument's range (progbin's encoding). */
static int64_t clamp_arg(const struct xmp_argdef *d, int64_t v)
{
	switch (d->kind) {
	case XMP_A_INT: return (int32_t)(uint32_t)v;
	case XMP_A_ADDR: return (uint32_t)v;
	case XMP_A_SMALL: return v < d->lo ? d->lo : v > d->hi ? d->hi : v;
	case XMP_A_KADDR:
		return (uint32_t)v % ((uint32_t)XMC_KBUFS * XMC_KBUF_SIZE);
	}
	return 0;
}

static void reargue(struct rng *r, struct xmp_prog *p, struct xmp_op *op)
{
	const struct xmp_opdef *d = &xmp_ops[op->code];
	if (!d->nargs)
		return;
	int i = (int)below(r, d->nargs);
	if (d->args[i].kind != XMP_A_ZERO)
		op->a[i] = clamp_arg(&d->args[i],
				     new_value(r, p, &d->args[i], op->a[i]));
}

/* An op the decoder makes from the seed, re-argued against p. */
static void fresh_op(struct rng *r, struct xmp_prog *p, struct xmp_op *out)
{
	static struct xmp_prog g;
	struct xmp_src s;
	xmp_src_rng(&s, xmp_rng_next(r->s));
	xmp_decode(&s, 1 + (int)below(r, 12), XMC_CAP_ALL, XMC_PROFILE_POWER,
		   &g);
	*out = g.op[below(r, (uint32_t)g.n)];
	if (below(r, 2))
		reargue(r, p, out);
}

/*
 * A program the decoder makes from the seed, of 2 to 12 ops: what
 * `xmcheck run` would generate. Its ops come in the decoder's coherent
 * sequences (a segment made, mapped, attached, then used; a handle got,
 * the segment deleted, the handle put back; the environment switched to
 * interrupt level before a move of a paged-out page), which single-op
 * insertions reach only by chance.
 */
static void fresh_prog(struct rng *r, int maxops, struct xmp_prog *g)
{
	struct xmp_src s;
	xmp_src_rng(&s, xmp_rng_next(r->s));
	xmp_decode(&s, 2 + (int)below(r, (uint32_t)maxops - 1), XMC_CAP_ALL,
		   XMC_PROFILE_POWER, g);
}

static void insert_at(struct xmp_prog *p, int at, const struct xmp_op *op)
{
	if (p->n >= XMP_MAX_OPS)
		p->n = XMP_MAX_OPS - 1; /* full: the last op makes room */
	if (at > p->n)
		at = p->n;
	memmove(&p->op[at + 1], &p->op[at],
		(size_t)(p->n - at) * sizeof p->op[0]);
	p->op[at] = *op;
	p->n++;
}

static void delete_at(struct xmp_prog *p, int at)
{
	memmove(&p->op[at], &p->op[at + 1],
		(size_t)(p->n - at - 1) * sizeof p->op[0]);
	p->n--;
}

/*
 * What the ops before an index build, as far as the ops alone tell (the
 * model decides what is legal; this is guidance, like the decoder's
 * shadow): the segments made and their defined pages, the segment last
 * mapped at each region, the slots that hold a kernel descriptor, the
 * execution level.
 */
struct shape {
	uint8_t npages[XMC_NSEGS]; /* defined pages per segment, 0 not made */
	uint8_t high[XMC_NSEGS]; /* its pages are the last ones */
	int8_t region[16]; /* segment last mapped at a region, -1 none */
	uint8_t kdesc[XMC_MAX_DESCS]; /* slot holds a kernel descriptor */
	int nsegs; /* user segments made */
	int interrupt; /* at interrupt level */
};

static void shape_op(struct shape *sh, const struct xmp_op *op)
{
	const int64_t *a = op->a;
	switch (op->code) {
	case XMP_SEG_NEW:
		if (sh->nsegs < XMC_MAX_SEGS) {
			sh->npages[sh->nsegs] = (uint8_t)a[1];
			sh->high[sh->nsegs++] = (uint8_t)a[2];
		}
		return;
	case XMP_MAP: sh->region[a[1] & 15] = (int8_t)a[2]; return;
	case XMP_IMAGE:
		sh->npages[XMC_SEG_TEXT(a[0])] = (uint8_t)a[1];
		sh->npages[XMC_SEG_DATA(a[0])] = (uint8_t)a[1];
		sh->region[1] = (int8_t)XMC_SEG_TEXT(a[0]);
		sh->region[2] = (int8_t)XMC_SEG_DATA(a[0]);
		return;
	case XMP_KSEG_NEW:
		sh->npages[XMC_SEG_KERN(a[0])] = (uint8_t)a[1];
		return;
	case XMP_SET_ENV: sh->interrupt = (int)a[0]; return;
	case XMP_DESC_SET: sh->kdesc[a[0]] = a[1] == XMEM_GLOBAL; return;
	case XMP_XMATTACH: sh->kdesc[a[2]] = a[3] == SYS_ADSPACE; return;
	}
}

static void shape_upto(const struct xmp_prog *p, int upto, struct shape *sh)
{
	memset(sh, 0, sizeof *sh);
	memset(sh->region, -1, sizeof sh->region);
	for (int i = 0; i < upto && i < p->n; i++)
		shape_op(sh, &p->op[i]);
}

/* The address an op moves through or probes, and whether it is a kernel
 * address (through a kernel descriptor); 0 for an op without one. */
static int op_addr(const struct shape *sh, const struct xmp_op *op,
		   uint32_t *addr, int *kern)
{
	const int64_t *a = op->a;
	switch (op->code) {
	case XMP_XMEMIN:
	case XMP_XMEMOUT:
		*addr = (uint32_t)a[op->code == XMP_XMEMOUT];
		*kern = sh->kdesc[a[3]];
		return 1;
	case XMP_XMEMDMA:
	case XMP_XMEMDMA64:
		*addr = (uint32_t)a[1];
		*kern = sh->kdesc[a[0]];
		return 1;
	case XMP_XMATTACH:
		*addr = (uint32_t)a[0];
		*kern = a[3] == SYS_ADSPACE;
		return 1;
	case XMP_PROBE: *addr = (uint32_t)a[1]; *kern = 0; return 1;
	}
	return 0;
}

/* An op of p that moves through, probes or attaches an address (svc 0),
 * or any service (svc 1), at random; any op when p has none. */
static int pick_op(struct rng *r, const struct xmp_prog *p, int svc)
{
	static const struct shape none;
	int idx[XMP_MAX_OPS], n = 0;
	uint32_t addr;
	int kern;
	for (int i = 0; i < p->n; i++)
		if (svc ? XMP_IS_SVC(p->op[i].code)
			: op_addr(&none, &p->op[i], &addr, &kern))
			idx[n++] = i;
	return n ? idx[below(r, (uint32_t)n)] : (int)below(r, (uint32_t)p->n);
}

/* A defined page of a made segment near page pg (pg itself if defined). */
static uint32_t defined_page(const struct shape *sh, int seg, uint32_t pg)
{
	uint32_t n = sh->npages[seg], first = sh->high[seg] ? 65536 - n : 0;
	return pg >= first && pg < first + n ? pg : first + pg % n;
}

/* The segment and page op reaches (seg -1: none the shape knows). */
static int op_page(const struct shape *sh, const struct xmp_op *op,
		   uint32_t *page)
{
	uint32_t addr;
	int kern, seg = -1;
	if (!op_addr(sh, op, &addr, &kern))
		return -1;
	uint32_t r = XMC_REGION(addr);
	for (int j = 0; kern && j < XMC_KSEGS; j++)
		if (r == XMC_KREGION(j))
			seg = XMC_SEG_KERN(j);
	if (!kern)
		seg = sh->region[r];
	if (seg < 0 || !sh->npages[seg])
		return -1;
	*page = defined_page(sh, seg, XMC_OFFSET(addr) / XMC_PAGE_SIZE);
	return seg;
}

/* A segment the shape knows to be made, at random; -1 none. */
static int made_seg(struct rng *r, const struct shape *sh)
{
	int made[XMC_NSEGS], n = 0;
	for (int k = 0; k < XMC_NSEGS; k++)
		if (sh->npages[k])
			made[n++] = k;
	return n ? made[below(r, (uint32_t)n)] : -1;
}

/* Page steps, the page-outs most often (interrupt-level and paging
 * clauses need a page out of memory). */
static const uint8_t page_steps[] = {
	XMP_PAGE_OUT, XMP_PAGE_OUT, XMP_PAGE_OUT, XMP_PIN, XMP_PIN,
	XMP_UNPIN, XMP_PROTECT, XMP_IO_ERROR, XMP_PAGER_IO, XMP_PAGE_IN,
	XMP_CLEAR_MOD, XMP_WAIT,
};

/*
 * Aim: a page step (page-out, pin, protect, ...) on the page a later op
 * moves through, probes or attaches, inserted before that op: the page
 * states a service's clauses read, on the very page it reads them on.
 * Without a page of its own to aim at, a page of a segment the program
 * makes.
 */
static int aim_step(struct rng *r, struct xmp_prog *p)
{
	static struct shape sh;
	int i = pick_op(r, p, 0);
	shape_upto(p, i, &sh);
	uint32_t page = 0;
	int seg = op_page(&sh, &p->op[i], &page);
	if (seg < 0 && (seg = made_seg(r, &sh)) >= 0)
		page = defined_page(&sh, seg, below(r, XMC_OBJ_PAGES));
	if (seg < 0)
		return 0;
	struct xmp_op st = {.code = PICK(r, page_steps)};
	st.a[0] = seg;
	st.a[1] = page;
	if (xmp_ops[st.code].nargs == 3) /* prot 0..2; on, mostly 1 */
		st.a[2] = st.code == XMP_PROTECT ? below(r, 3)
						 : below(r, 4) != 0;
	/* right before the op, or anywhere after the segment's making */
	int at = below(r, 2) ? i : (int)below(r, (uint32_t)i + 1);
	insert_at(p, at, &st);
	return 1;
}

/* A region where the shape reaches segment seg (kernel: through a kernel
 * descriptor), -1 none. */
static int seg_region(const struct shape *sh, int seg, int kern)
{
	if (kern)
		return seg >= XMC_SEG_KERN(0)
			       ? (int)XMC_KREGION(seg - XMC_SEG_KERN(0))
			       : -1;
	for (int k = 0; k < 16; k++)
		if (sh->region[k] == seg)
			return k;
	return -1;
}

/*
 * Retarget: point an op that takes a page or an address at a page of a
 * segment the program makes (the kernel's through a kernel descriptor),
 * where re-arguing one number at a time rarely lands on one.
 */
static int retarget(struct rng *r, struct xmp_prog *p)
{
	static struct shape sh;
	int i = (int)below(r, (uint32_t)p->n), kern, region;
	struct xmp_op *op = &p->op[i];
	uint32_t addr;
	shape_upto(p, i, &sh);
	int seg = made_seg(r, &sh);
	if (seg < 0)
		return 0;
	uint32_t page = defined_page(&sh, seg, below(r, XMC_OBJ_PAGES));
	if ((op->code >= XMP_PROTECT && op->code <= XMP_WAIT) ||
	    op->code == XMP_CLEAR_MOD) {
		op->a[0] = seg;
		op->a[1] = page;
		return 1;
	}
	if (!op_addr(&sh, op, &addr, &kern) ||
	    (region = seg_region(&sh, seg, kern)) < 0)
		return 0;
	addr = (uint32_t)region << XMC_SEGSHIFT | page * XMC_PAGE_SIZE |
	       (below(r, 2) ? 0 : below(r, XMC_PAGE_SIZE));
	int uarg = op->code == XMP_XMEMOUT || op->code == XMP_XMEMDMA ||
		   op->code == XMP_XMEMDMA64 || op->code == XMP_PROBE;
	op->a[uarg] = addr;
	return 1;
}

/*
 * Level: the execution level switched right before an op (and, one time
 * in two, back after it): every service has clauses for interrupt level,
 * and a program's services mostly run where its steps left it.
 */
static int switch_level(struct rng *r, struct xmp_prog *p)
{
	static struct shape sh;
	int i = pick_op(r, p, 1);
	shape_upto(p, i, &sh);
	struct xmp_op env = {.code = XMP_SET_ENV, .a = {!sh.interrupt}};
	insert_at(p, i, &env);
	if (below(r, 2) && p->n < XMP_MAX_OPS) {
		env.a[0] = sh.interrupt;
		insert_at(p, i + 2, &env);
	}
	return 1;
}

#define FZ_SNIPPET_BELOW 24 /* programs this long get no more snippets */
#define FZ_FRESH_MAX 32 /* longest new program (the decoder's ops) */

/* Splice a fresh decoder program's ops (all of them) into p at a place. */
static void insert_snippet(struct rng *r, struct xmp_prog *p)
{
	static struct xmp_prog g;
	fresh_prog(r, 12, &g);
	int at = (int)below(r, (uint32_t)p->n + 1);
	for (int k = 0; k < g.n && p->n < XMP_MAX_OPS; k++)
		insert_at(p, at + k, &g.op[k]);
}

/* One structural change of p (and maybe its profile). */
static void mutate_once(struct rng *r, struct xmp_prog *p, int *profile)
{
	struct xmp_op op;
	int i = (int)below(r, (uint32_t)p->n), j = (int)below(r, (uint32_t)p->n);
	/* a coherent sequence of ops, while the program is short (it would
	 * otherwise grow by about an op per change, to slow 64-op inputs) */
	if (!p->n || (p->n < FZ_SNIPPET_BELOW && !below(r, 8))) {
		insert_snippet(r, p);
		return;
	}
	switch (below(r, 20)) {
	case 0: case 1: case 2: /* insert */
		fresh_op(r, p, &op);
		insert_at(p, (int)below(r, (uint32_t)p->n + 1), &op);
		return;
	case 3: case 4: delete_at(p, i); return;
	case 5: /* duplicate */
		op = p->op[i];
		insert_at(p, j, &op);
		return;
	case 6: case 7: /* swap */
		op = p->op[i];
		p->op[i] = p->op[j];
		p->op[j] = op;
		return;
	case 8:
		*profile = *profile == XMC_PROFILE_POWER ? XMC_PROFILE_POWERPC
							 : XMC_PROFILE_POWER;
		return;
	case 9: case 10: case 11:
		if (aim_step(r, p))
			return;
		break;
	case 12:
		if (retarget(r, p))
			return;
		break;
	case 13: case 14: switch_level(r, p); return;
	}
	reargue(r, p, &p->op[i]); /* the most frequent change */
	if (!xmp_valid(&p->op[i])) /* a move past its kernel buffer */
		p->op[i].a[2] = 1;
}

size_t fz_mutate(const uint8_t *in, size_t len, uint8_t *out, size_t max,
		 uint64_t seed)
{
	static struct xmp_prog p;
	struct rng r;
	int profile;
	rng_init(&r, seed);
	xmp_bin_decode(in, len, &profile, &p);
	if (!below(&r, 16)) {
		/* One call in sixteen, a new program from the decoder: what
		 * `xmcheck run` generates, so the engine finds at least what
		 * the deterministic run finds; coverage keeps the good ones. */
		fresh_prog(&r, FZ_FRESH_MAX, &p);
	} else {
		int n = 1 + (int)below(&r, 4);
		for (int k = 0; k < n; k++)
			mutate_once(&r, &p, &profile);
	}
	while (xmp_bin_encode(&p, profile, out, max) == 0 && p.n > 0)
		p.n--; /* too long for max: drop ops from the end */
	return xmp_bin_encode(&p, profile, out, max);
}

size_t fz_crossover(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, uint8_t *out, size_t max, uint64_t seed)
{
	static struct xmp_prog pa, pb;
	struct rng r;
	int profile, pb_profile;
	rng_init(&r, seed);
	xmp_bin_decode(a, alen, &profile, &pa);
	xmp_bin_decode(b, blen, &pb_profile, &pb);
	int cut = (int)below(&r, (uint32_t)pa.n + 1);
	int from = (int)below(&r, (uint32_t)pb.n + 1);
	pa.n = cut;
	for (int k = from; k < pb.n && pa.n < XMP_MAX_OPS; k++)
		pa.op[pa.n++] = pb.op[k];
	while (xmp_bin_encode(&pa, profile, out, max) == 0 && pa.n > 0)
		pa.n--;
	return xmp_bin_encode(&pa, profile, out, max);
}

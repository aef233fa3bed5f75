/*
 * observe.c - what is compared after each op (docs/WORLD.md, last section)
 * and the op-by-op trace. Addresses are compared as values the harness
 * assigned (segment ids, regions, offsets), never as host pointers.
 */
#include <inttypes.h>
#include <string.h>

#include "exec_int.h"

const char *hx_unobserved(const struct hx_exec *x, int i, int e)
{
	uint32_t caps = x->impl[i].caps;
	const char *n = mdl_effect_names[e];
	if (!strcmp(n, "flush") && !(caps & XMC_CAP_DMA_DEVICE))
		return "flush not observed: no dma_device capability (a device "
		       "read of the hidden page is what shows stale bytes)";
	if ((!strcmp(n, "mark_modified_range") || !strcmp(n, "set_modified") ||
	     !strcmp(n, "ppc_modified")) &&
	    !(caps & XMC_CAP_MODIFIED))
		return "modified bit not observed: no modified capability";
	if ((!strcmp(n, "hide_inc") || !strcmp(n, "hide_dec")) &&
	    x->profile == XMC_PROFILE_POWERPC)
		return "hide count not compared on powerpc: no page sentence "
		       "makes it visible";
	if (!strcmp(n, "ready_waiters") && !(caps & XMC_CAP_WAITERS))
		return "waiters not observed: no waiters capability";
	/* Holds show through what follows: a seg_delete deferred or not,
	 * then moves that fail on the deleted segment (mutants 35, 36). */
	return NULL;
}

static const char *const kind_name[] = {
	[MDL_EV_STEP] = "step", [MDL_EV_ILLEGAL] = "illegal",
	[MDL_EV_OK] = "ok", [MDL_EV_FAIL] = "fail",
	[MDL_EV_UNDEF] = "undefined", [MDL_EV_NOCLAUSE] = "no-clause",
};

static int fmt_fired(const struct hx_exec *x, const struct mdl_eval *ev,
		     char *buf, size_t len)
{
	int o = snprintf(buf, len, "%s", kind_name[ev->kind]);
	for (int i = 0; i < ev->nfired && o > 0 && (size_t)o < len; i++)
		o += snprintf(buf + o, len - (size_t)o, "%s%s", i ? "," : " ",
			      x->spec->clauses[ev->fired[i]].id);
	return o;
}

void hx_trace_op(struct hx_exec *x, struct hx_ctx *c, const char *what)
{
	char op[200];
	if (!x->trace)
		return;
	xmp_print_op(&c->p->op[c->opi], op, sizeof op);
	fprintf(x->trace, "  #%d %s | %s\n", c->opi, op, what);
}

void hx_trace_ret(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
		  const char *what)
{
	char op[200], fired[400];
	if (!x->trace)
		return;
	xmp_print_op(&c->p->op[c->opi], op, sizeof op);
	fmt_fired(x, c->ev, fired, sizeof fired);
	char r[32];
	if ((uint32_t)ret > 0xffff && (int32_t)ret != -1)
		snprintf(r, sizeof r, "0x%" PRIx32, (uint32_t)ret);
	else
		snprintf(r, sizeof r, "%" PRId32, (int32_t)ret);
	fprintf(x->trace, "  #%d %s | model %s | %s ret=%s%s%s\n", c->opi, op,
		fired, x->impl[c->ii].pl->name, r, what ? " | " : "",
		what ? what : "");
}

static void fmt_state(const struct xmc_page_state *s, char *buf, size_t len)
{
	snprintf(buf, len,
		 "in_memory=%u valid=%u modified=%u pager_io=%u prot=%u "
		 "io_error=%u pin=%u hide=%u waiters=%u",
		 s->in_memory, s->valid, s->modified, s->pager_io, s->prot,
		 s->io_error, s->pin_count, s->hide_count, s->waiters);
}

/* The seg_state hook, when the plug-in's struct is new enough to have it. */
static int (*seg_hook(const struct xmc_plugin *pl))(xmc_world *, uint32_t,
						      int *, int *)
{
	return HX_HAS_TAIL(pl, seg_state) ? pl->seg_state : NULL;
}

/*
 * Every created segment's state and holds (issue 8: the op that breaks a
 * hold is the one blamed). Holds of a deleted segment are not compared:
 * nothing can take or use one any more.
 */
static int cmp_segs(struct hx_exec *x, struct hx_ctx *c)
{
	static const char *const st[] = {"live", "delete pending", "deleted"};
	struct hx_impl *im = &x->impl[c->ii];
	int (*hook)(xmc_world *, uint32_t, int *, int *) = seg_hook(im->pl);
	if (!hook)
		return 0;
	for (int k = 0; k < mdl_nsegs(im->m); k++) {
		int ws, wh, gs = -1, gh = 0;
		char e[HX_TEXT], o[HX_TEXT];
		if (mdl_seg_state(im->m, k, &ws, &wh))
			continue;
		if (hook(im->w, XMC_SID(k), &gs, &gh) || gs < 0 || gs > 2) {
			snprintf(e, sizeof e, "seg %d: %s, %d holds", k, st[ws], wh);
			hx_diverge(x, c, "segment", HX_F_SEG, e,
				   "cannot observe the segment");
			return 1;
		}
		if (gs == ws && (gh == wh || ws == XMC_SEG_DELETED))
			continue;
		snprintf(e, sizeof e, "seg %d: %s, %d holds", k, st[ws], wh);
		snprintf(o, sizeof o, "seg %d: %s, %d holds", k, st[gs], gh);
		hx_diverge(x, c, "segment", HX_F_SEG, e, o);
		return 1;
	}
	return 0;
}

/* Compare one page's DMA state; 1 on divergence. */
/* What differs in one page's state, before it is reported. */
struct pdiff {
	const char *f; /* the first field that differs */
	unsigned mask; /* every field that does */
	char e[HX_TEXT], o[HX_TEXT]; /* the model's state, the impl's */
};

/* One page's DMA state against the model's; 1 and *d when they differ. */
static int page_diff(struct hx_exec *x, struct hx_ctx *c, int seg,
		     uint32_t page, struct pdiff *d)
{
	struct hx_impl *im = &x->impl[c->ii];
	struct xmc_page_state want, got;
	memset(&got, 0, sizeof got);
	if (mdl_page_state(im->m, seg, page, &want))
		return 0;
	if (im->pl->page_state(im->w, XMC_SID(seg), page, &got)) {
		/* The hook's contract: non-zero = cannot observe, not a fault. */
		if (x->trace)
			fprintf(x->trace, "      seg %d page %u: cannot observe\n",
				seg, page);
		return 0;
	}
	mdl_settle_page(im->m, seg, page,
			(im->caps & XMC_CAP_MODIFIED) ? got.modified : -1);
	mdl_page_state(im->m, seg, page, &want);
	if (!(im->caps & XMC_CAP_MODIFIED))
		got.modified = want.modified;
	/* powerpc: no page sentence makes a hide count visible (item 4). */
	if (x->profile == XMC_PROFILE_POWERPC)
		got.hide_count = want.hide_count;
	unsigned mask = 0;
	const char *f = NULL;
#define FIELD(name, bit)                       \
	if (want.name != got.name) {           \
		mask |= bit;                   \
		f = f ? f : #name;             \
	}
	FIELD(in_memory, HX_F_INMEM)
	FIELD(valid, HX_F_VALID)
	FIELD(modified, HX_F_MOD)
	FIELD(pager_io, HX_F_PAGERIO)
	FIELD(prot, HX_F_PROT)
	FIELD(io_error, HX_F_IOERR)
	FIELD(pin_count, HX_F_PIN)
	FIELD(hide_count, HX_F_HIDE)
	FIELD(waiters, HX_F_WAITERS)
#undef FIELD
	if (!mask)
		return 0;
	d->f = f;
	d->mask = mask;
	snprintf(d->e, 24, "seg %d page %u: ", seg, page);
	size_t n = strlen(d->e);
	fmt_state(&want, d->e + n, sizeof d->e - n);
	memcpy(d->o, d->e, n);
	fmt_state(&got, d->o + n, sizeof d->o - n);
	return 1;
}

/* Compare one page's DMA state; 1 on divergence. */
static int cmp_page(struct hx_exec *x, struct hx_ctx *c, int seg,
		    uint32_t page)
{
	struct pdiff d;
	if (!page_diff(x, c, seg, page, &d))
		return 0;
	hx_diverge(x, c, d.f, d.mask, d.e, d.o);
	return 1;
}

static void fmt_bytes(const uint8_t *b, uint32_t off, uint32_t len, char *buf,
		      size_t blen)
{
	int o = snprintf(buf, blen, "at +%u:", off);
	for (uint32_t i = 0; i < len && i < 16 && o > 0 && (size_t)o < blen;
	     i++)
		o += snprintf(buf + o, blen - (size_t)o, " %02x", b[off + i]);
}

/* Compare two byte ranges; 1 on divergence (reported with the offset),
 * laid to clause (HX_BLAME: the op's own, worked out). */
static int cmp_bytes_at(struct hx_exec *x, struct hx_ctx *c, int clause,
			const char *field, const uint8_t *want,
			const uint8_t *got, uint32_t len)
{
	if (!memcmp(want, got, len))
		return 0;
	uint32_t i = 0;
	while (want[i] == got[i])
		i++;
	char e[HX_TEXT], o[HX_TEXT];
	fmt_bytes(want, i, len - i, e, sizeof e);
	fmt_bytes(got, i, len - i, o, sizeof o);
	hx_diverge_at(x, c, clause, field, HX_F_BYTES, e, o);
	return 1;
}

static int cmp_bytes(struct hx_exec *x, struct hx_ctx *c, const char *field,
		     const uint8_t *want, const uint8_t *got, uint32_t len)
{
	return cmp_bytes_at(x, c, HX_BLAME, field, want, got, len);
}

/* Compare a segment's bytes [off, off+len) through peek. */
static int cmp_peek(struct hx_exec *x, struct hx_ctx *c, int seg, uint32_t off,
		    uint32_t len, const char *field)
{
	struct hx_impl *im = &x->impl[c->ii];
	uint8_t buf[XMC_PAGE_SIZE];
	while (len > 0) {
		uint32_t n = len < XMC_PAGE_SIZE ? len : XMC_PAGE_SIZE;
		/* whole pages (the sweep) are read in place: no copy */
		const uint8_t *want =
			off % XMC_PAGE_SIZE || n < XMC_PAGE_SIZE
				? (mdl_peek(im->m, seg, off, buf, n) ? NULL : buf)
				: mdl_page_bytes(im->m, seg, off / XMC_PAGE_SIZE);
		if (!want)
			return 0;
		if (im->pl->peek(im->w, XMC_SID(seg), off, im->scratch, n))
			return 0; /* cannot observe: not compared */
		if (cmp_bytes(x, c, field, want, im->scratch, n))
			return 1;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Only aspace_id: the pages define it; subspace_id, subspace_id2 and uaddr
 * are the implementation's own, judged by what later calls do (item 1).
 */
static int cmp_desc(struct hx_exec *x, struct hx_ctx *c, int slot)
{
	struct hx_impl *im = &x->impl[c->ii];
	mdl_settle_desc(im->m, slot, im->desc[slot].aspace_id);
	const struct xmc_xmem *w = mdl_desc(im->m, slot), *g = &im->desc[slot];
	if (w->aspace_id == g->aspace_id)
		return 0;
	char e[HX_TEXT], o[HX_TEXT];
	snprintf(e, sizeof e, "dp%d.aspace_id=%d", slot, w->aspace_id);
	snprintf(o, sizeof o, "dp%d.aspace_id=%d", slot, g->aspace_id);
	hx_diverge(x, c, "descriptor", HX_F_DESC, e, o);
	return 1;
}

/*
 * as_att attached a free region but its return names another (free) one,
 * which the model took as the region chosen: the bitmaps differ in exactly
 * those two bits. The return value is what is wrong, not the address space
 * (one field per bug: docs/WORLD.md, "One bug, one signature").
 */
static int att_elsewhere(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
			 uint32_t want, uint32_t got)
{
	const struct xmp_op *op = &c->p->op[c->opi];
	uint32_t said = 0x80000000u >> (ret >> 28 & 15);
	uint32_t other = (want ^ got) & ~said;
	if (op->code != XMP_AS_ATT || !(want & said) || (got & said) ||
	    !other || (other & (other - 1)) || !(got & other))
		return 0;
	char e[HX_TEXT], o[HX_TEXT];
	snprintf(e, sizeof e, "an address in the region attached (%d)",
		 31 - __builtin_ctz(other));
	snprintf(o, sizeof o, "0x%08x (region %u)", (uint32_t)ret,
		 (uint32_t)(ret >> 28 & 15));
	hx_diverge(x, c, "return", HX_F_RET, e, o);
	return 1;
}

/* getadsp: the allocation bitmap and the registers of user regions. */
static int cmp_adspace(struct hx_exec *x, struct hx_ctx *c, int64_t ret)
{
	struct hx_impl *im = &x->impl[c->ii];
	const xmc_adspace *w = mdl_adspace(im->m);
	const xmc_adspace *g = im->pl->getadsp(im->w);
	int r = -1;
	if (!g)
		return hx_diverge(x, c, "adspace", HX_F_ADSPACE, "an address space",
				  "NULL"),
		       1;
	if (w->alloc != g->alloc && att_elsewhere(x, c, ret, w->alloc, g->alloc))
		return 1;
	if (w->alloc != g->alloc)
		r = 16;
	/* Regions 1 and 2 compare once the process has its image (W12). */
	int img = mdl_has_image(im->m, mdl_cur_pid(im->m));
	for (int i = img ? 1 : 3; i < 16 && r < 0; i++)
		if (i != 14 && (w->alloc & (0x80000000u >> i)) &&
		    w->srval[i] != g->srval[i])
			r = i;
	if (r < 0)
		return 0;
	char e[HX_TEXT], o[HX_TEXT];
	snprintf(e, sizeof e, "alloc=0x%08x srval[%d]=0x%x", w->alloc, r & 15,
		 w->srval[r & 15]);
	snprintf(o, sizeof o, "alloc=0x%08x srval[%d]=0x%x", g->alloc, r & 15,
		 g->srval[r & 15]);
	hx_diverge(x, c, "adspace", HX_F_ADSPACE, e, o);
	return 1;
}

/*
 * A step that loads registers of the current process (map, image), a
 * switch to a process that has its image, or the return to process level
 * shows the address space at once,
 * so that the step that set a register is the one blamed. Not before an
 * image is given: getadsp is a service, and a process that ran one gets no
 * image (W12). Process level only: getadsp is process-only.
 */
static int regs_loaded(const struct hx_impl *im, const struct xmp_op *op)
{
	int cur = mdl_cur_pid(im->m);
	if (!im->pl->getadsp || mdl_interrupt(im->m) || !mdl_has_image(im->m, cur))
		return 0;
	return op->code == XMP_PROC_SWITCH || op->code == XMP_SET_ENV ||
	       ((op->code == XMP_MAP || op->code == XMP_IMAGE) && op->a[0] == cur);
}

/*
 * The pages the op touched. A move that succeeded on both sides and left a
 * page in another state (its modified bit, say) is first asked, by a canary
 * replay (blame.c), whether it moved every byte: a short copy whose missing
 * bytes happened to hold the value already there is the copy's signature,
 * not the modified bit's (one bug, one field).
 */
static int cmp_touched(struct hx_exec *x, struct hx_ctx *c, int64_t ret)
{
	const struct xmp_op *op = &c->p->op[c->opi];
	int move = (op->code == XMP_XMEMIN || op->code == XMP_XMEMOUT) &&
		   c->ev->kind == MDL_EV_OK;
	char st[HX_TEXT];
	for (int i = 0; i < c->ev->ntouched; i++) {
		const struct mdl_page_ref *r = &c->ev->touched[i];
		struct xmc_page_state s;
		struct pdiff d;
		if (page_diff(x, c, r->seg, r->page, &d)) {
			/* The replay resets the pair: report either way. */
			if (!move || !hx_short_copy(x, c, ret, NULL))
				hx_diverge(x, c, d.f, d.mask, d.e, d.o);
			return 1;
		}
		if (x->trace && x->verbose &&
		    !mdl_page_state(x->impl[c->ii].m, r->seg, r->page, &s)) {
			fmt_state(&s, st, sizeof st);
			fprintf(x->trace, "      seg %d page %u: %s (both)\n",
				r->seg, r->page, st);
		}
	}
	return 0;
}

/*
 * A device read or write of a page hidden for DMA: the device sees real
 * memory (dma_read), the processor sees what the device wrote (dma_write).
 * On power each holds only if the first hide wrote back and dropped the
 * page's cache lines, so a divergence is laid to the clause that promises
 * the flush (docs/WORLD.md, "One bug, one signature"); elsewhere the step.
 */
static int cmp_device(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	int seg = (int)op->a[0];
	uint32_t off = (uint32_t)op->a[1], len = (uint32_t)op->a[2];
	uint8_t want[XMC_PAGE_SIZE];
	int flush = hx_effect_clause(x, MDL_XMEMDMA, HX_F_BYTES);
	if (mdl_peek(im->m, seg, off, want, len))
		return 0;
	if (op->code == XMP_DMA_WRITE &&
	    im->pl->peek(im->w, XMC_SID(seg), off, im->scratch, len))
		return 0; /* cannot observe: not compared */
	return cmp_bytes_at(x, c, flush >= 0 ? flush : HX_BLAME, "dma_bytes",
			    want, im->scratch, len);
}

/*
 * After a clause that flushes a page (the first hide, power): what a device
 * reads of it is what the processor saw. Without the dma_device capability
 * hx_unobserved says why this is not compared.
 */
static int cmp_flushed(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	uint8_t want[XMC_PAGE_SIZE];
	int svc = c->p->op[c->opi].code - XMP_FIRST_SVC, fired = 0;
	int flush = hx_effect_clause(x, svc, HX_F_BYTES);
	for (int i = 0; i < c->ev->nfired; i++)
		fired |= c->ev->fired[i] == flush;
	if (!fired || !(im->caps & XMC_CAP_DMA_DEVICE))
		return 0;
	for (int i = 0; i < c->ev->ntouched; i++) {
		const struct mdl_page_ref *r = &c->ev->touched[i];
		uint32_t off = r->page * XMC_PAGE_SIZE;
		if (mdl_peek(im->m, r->seg, off, want, XMC_PAGE_SIZE) ||
		    im->pl->dma_read(im->w, XMC_SID(r->seg), off, im->scratch,
				     XMC_PAGE_SIZE))
			continue;
		if (cmp_bytes_at(x, c, flush, "dma_bytes", want, im->scratch,
				 XMC_PAGE_SIZE))
			return 1;
	}
	return 0;
}

static void check_step(struct hx_exec *x, struct hx_ctx *c, int64_t ret)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	hx_trace_ret(x, c, ret, NULL);
	if (op->code == XMP_PROBE) {
		static const char *const res[] = {"fault", "load completes"};
		if (ret != c->ev->rets[0])
			hx_diverge(x, c, "probe", HX_F_VALID,
				   res[c->ev->rets[0] & 1],
				   ret == 0 ? res[0] : ret == 1 ? res[1]
						     : "cannot tell");
		else
			cmp_touched(x, c, ret);
		return;
	}
	if (ret != 0) {
		hx_diverge(x, c, "step", HX_F_RET, "done (0)", "refused (non-zero)");
		return;
	}
	mdl_commit(im->m, op, c->ev, 0, NULL, 0);
	if (op->code == XMP_SEG_DELETE && cmp_segs(x, c))
		return;
	if (regs_loaded(im, op) && cmp_adspace(x, c, 0))
		return;
	if ((op->code == XMP_DMA_READ || op->code == XMP_DMA_WRITE) &&
	    cmp_device(x, c))
		return;
	cmp_touched(x, c, ret);
}

/*
 * The 16 bytes on either side of an xmemin's kernel range are as the model
 * has them (past the buffer: the zeroed slack page): a copy never spills.
 */
static int guard(struct hx_exec *x, struct hx_ctx *c, int kb, uint32_t koff,
		 uint32_t count)
{
	static const uint8_t zero[16];
	struct hx_impl *im = &x->impl[c->ii];
	const uint8_t *want = mdl_kbuf(im->m, kb);
	uint32_t lo = koff < 16 ? 0 : koff - 16, end = koff + count;
	uint32_t hi = end + 16 > XMC_KBUF_SIZE ? XMC_KBUF_SIZE : end + 16;
	if (cmp_bytes(x, c, "kbuf_overrun", want + lo, im->kbuf[kb] + lo,
		      koff - lo) ||
	    (hi > end && cmp_bytes(x, c, "kbuf_overrun", want + end,
				   im->kbuf[kb] + end, hi - end)))
		return 1;
	if (end + 16 > XMC_KBUF_SIZE && end <= XMC_KBUF_SIZE)
		return cmp_bytes(x, c, "kbuf_overrun", zero,
				 im->kbuf[kb] + XMC_KBUF_SIZE, 16);
	return 0;
}

/* One page's span of a failed move: old, or copied where it may be. */
static int failed_span(struct hx_exec *x, struct hx_ctx *c, const char *field,
		       const uint8_t *old, const uint8_t *got,
		       const uint8_t *val, uint32_t n, int may, uint32_t at)
{
	/* the common outcomes first: all as before, or all copied */
	if (!memcmp(got, old, n) || (may && !memcmp(got, val, n)))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (got[i] == old[i] || (may && got[i] == val[i]))
			continue;
		char e[HX_TEXT], o[HX_TEXT];
		snprintf(e, sizeof e, "byte %u of the range: 0x%02x (as before)%s",
			 at + i, old[i], may ? " or the byte copied" : "");
		if (may)
			snprintf(e + strlen(e), sizeof e - strlen(e), " 0x%02x",
				 val[i]);
		snprintf(o, sizeof o, "byte %u of the range: 0x%02x", at + i,
			 got[i]);
		hx_diverge(x, c, field, HX_F_BYTES, e, o);
		return 1;
	}
	return 0;
}

/*
 * After a failed move (W6): the kernel range of an xmemin is unspecified
 * (adopted as the implementation left it); each user byte of an xmemout is
 * its old value or the value being copied, on a page the move could reach
 * and write (a copy that stopped part way, in either direction). The model
 * adopts what the implementation left, then the touched pages' residency
 * and modified bits (as before, or as after an access).
 */
static int failed_move(struct hx_exec *x, struct hx_ctx *c, int in, int kb,
		       uint32_t koff, int64_t u, uint32_t count)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	uint8_t user[XMC_PAGE_SIZE];
	uint32_t in0 = (uint32_t)(u % XMC_PAGE_SIZE), first, npg;
	if (in) {
		uint32_t n = koff + count > XMC_KBUF_SIZE ? XMC_KBUF_SIZE - koff
							   : count;
		mdl_adopt_kbuf(im->m, kb, koff, im->kbuf[kb] + koff, n);
	}
	for (int i = 0; i < c->ev->ntouched && !in; i++) {
		const struct mdl_page_ref *r = &c->ev->touched[i];
		uint32_t at = r->idx ? r->idx * XMC_PAGE_SIZE - in0 : 0;
		uint32_t inpage = r->idx ? 0 : in0;
		uint32_t n = XMC_PAGE_SIZE - inpage, off;
		if (at >= count)
			continue;
		if (n > count - at)
			n = count - at;
		off = r->page * XMC_PAGE_SIZE + inpage;
		if (!mdl_seg_live(im->m, r->seg, &first, &npg))
			continue; /* a deleted segment is never observed */
		int may = mdl_failed_move_byte_ok(im->m, op, at);
		if (mdl_peek(im->m, r->seg, off, user, n))
			continue;
		if (im->pl->peek(im->w, XMC_SID(r->seg), off, im->scratch, n))
			continue; /* cannot observe: not compared */
		if (failed_span(x, c, "user_bytes", user, im->scratch,
				mdl_kbuf(im->m, kb) + koff + at, n, may, at))
			return 1;
		mdl_adopt_bytes(im->m, r->seg, off, im->scratch, n);
	}
	for (int i = 0; i < c->ev->ntouched; i++) {
		const struct mdl_page_ref *r = &c->ev->touched[i];
		struct xmc_page_state got;
		if (!mdl_seg_live(im->m, r->seg, &first, &npg) ||
		    im->pl->page_state(im->w, XMC_SID(r->seg), r->page, &got))
			continue; /* cmp_touched reports what it must */
		mdl_failed_move_page(im->m, op, r->seg, r->page,
				     got.in_memory, got.modified);
	}
	return 0;
}

/* Bytes a move copied: the kernel buffer (xmemin) or the user range. */
static int check_move(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	int in = op->code == XMP_XMEMIN;
	int64_t k = in ? op->a[1] : op->a[0], u = in ? op->a[0] : op->a[1];
	int64_t count = op->a[2];
	int kb = (int)(k / XMC_KBUF_SIZE);
	uint32_t koff = (uint32_t)(k % XMC_KBUF_SIZE);
	if (count <= 0)
		return 0;
	if (in && guard(x, c, kb, koff, (uint32_t)count))
		return 1;
	if (c->ev->kind == MDL_EV_FAIL)
		return failed_move(x, c, in, kb, koff, u, (uint32_t)count);
	if (c->ev->kind != MDL_EV_OK)
		return 0;
	if (in)
		return cmp_bytes(x, c, "kbuf_bytes", mdl_kbuf(im->m, kb) + koff,
				 im->kbuf[kb] + koff, (uint32_t)count);
	uint32_t inpage = (uint32_t)(u % XMC_PAGE_SIZE);
	for (int i = 0; i < c->ev->ntouched && count > 0; i++) {
		uint32_t n = XMC_PAGE_SIZE - inpage;
		if (n > count)
			n = (uint32_t)count;
		const struct mdl_page_ref *r = &c->ev->touched[i];
		if (cmp_peek(x, c, r->seg, r->page * XMC_PAGE_SIZE + inpage, n,
			     "user_bytes"))
			return 1;
		count -= n;
		inpage = 0;
	}
	return 0;
}

void hx_check(struct hx_exec *x, struct hx_ctx *c, int64_t ret)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	char why[HX_TEXT], fired[HX_TEXT];
	if (c->ev->kind == MDL_EV_STEP) {
		check_step(x, c, ret);
		return;
	}
	if (mdl_commit(im->m, op, c->ev, ret, why, sizeof why)) {
		hx_trace_ret(x, c, ret, NULL);
		fmt_fired(x, c->ev, fired, sizeof fired);
		if (hx_short_copy(x, c, ret, fired))
			return;
		/* A refused descriptor made bad by its xmattach (blame.c). */
		int made = hx_desc_origin(x, c, ret);
		if (made >= 0)
			hx_diverge_at(x, c, made, "descriptor", HX_F_DESC, fired,
				      why);
		else
			hx_diverge(x, c, "return", HX_F_RET, fired, why);
		return;
	}
	hx_trace_ret(x, c, ret, NULL);
	int slot = xmp_desc_slot(op);
	if (slot >= 0 && cmp_desc(x, c, slot))
		return;
	if ((op->code == XMP_XMEMIN || op->code == XMP_XMEMOUT) &&
	    check_move(x, c))
		return;
	if (op->code >= XMP_AS_ATT && cmp_adspace(x, c, ret))
		return;
	if ((op->code == XMP_AS_GETH || op->code == XMP_AS_PUTH) &&
	    cmp_segs(x, c))
		return;
	if (cmp_touched(x, c, ret))
		return;
	if (op->code == XMP_XMEMDMA || op->code == XMP_XMEMDMA64)
		cmp_flushed(x, c);
}

int hx_sweep(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	c->opi = c->p->n;
	for (int k = 0; k < mdl_nsegs(im->m); k++) {
		uint32_t first, n;
		if (!mdl_seg_live(im->m, k, &first, &n))
			continue;
		for (uint32_t pg = first; pg < first + n; pg++)
			if (cmp_page(x, c, k, pg) ||
			    cmp_peek(x, c, k, pg * XMC_PAGE_SIZE, XMC_PAGE_SIZE,
				     "sweep_bytes"))
				return 1;
	}
	for (int d = 0; d < XMC_MAX_DESCS; d++)
		if (cmp_desc(x, c, d))
			return 1;
	return cmp_segs(x, c);
}

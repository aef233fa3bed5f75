/*
 * blame.c - which clause a divergence is laid to, and the signature it is
 * filed under (docs/WORLD.md, "One bug, one signature"). One bug should be
 * one finding: the rules here lay a divergence to the clause whose effect
 * is missing or wrong, not to whichever op first tripped over it.
 */
#include <string.h>

#include "exec_int.h"

/* Fields each effect (mdl_effect_names order) changes; an effect added to
 * the model and not listed here changes none as far as blame can tell. */
static const unsigned effect_fields[] = {
	HX_F_DESC, HX_F_DESC, HX_F_INMEM | HX_F_MOD, HX_F_BYTES, HX_F_BYTES,
	HX_F_MOD, HX_F_HIDE, HX_F_HIDE, HX_F_BYTES, HX_F_VALID, HX_F_VALID,
	HX_F_WAITERS, HX_F_MOD, HX_F_ADSPACE, HX_F_ADSPACE, HX_F_SEG, HX_F_SEG,
	HX_F_MOD,
};

static unsigned clause_fields(const struct mdl_clause *c)
{
	unsigned m = 0;
	for (int e = 0; e < c->neffects; e++)
		if (c->effects[e] < sizeof effect_fields / sizeof *effect_fields)
			m |= effect_fields[c->effects[e]];
	return m;
}

static int applies(const struct hx_exec *x, const struct mdl_clause *c)
{
	return !c->profiles || (c->profiles & (1u << x->profile));
}

int hx_effect_clause(const struct hx_exec *x, int svc, unsigned mask)
{
	const struct mdl_service *s = &x->spec->svc[svc];
	for (int i = s->first; i < s->first + s->count; i++) {
		const struct mdl_clause *c = &x->spec->clauses[i];
		if (c->kind == MDL_SUCCESS && applies(x, c) &&
		    (clause_fields(c) & mask))
			return i;
	}
	return -1;
}

/*
 * The clause a divergence is laid to: among the fired clauses of the kind
 * the model expected, the last whose effects change what differed; else the
 * last without effects that is an exception to a rule of the service that
 * does change it on this profile (a clause that says a field stays: an
 * unhide under a read-only key keeps the modified bit); else the last (the
 * op's main clause: it says what the op does, and so what it leaves).
 * A return value is laid to the first (the reason the model gives).
 */
int hx_blame(const struct hx_exec *x, const struct mdl_eval *ev, unsigned mask)
{
	int want = ev->kind == MDL_EV_FAIL ? MDL_FAILURE : MDL_SUCCESS;
	int by_effect = -1, quiet = -1, first = -1, last = -1;
	for (int i = 0; i < ev->nfired; i++) {
		const struct mdl_clause *c = &x->spec->clauses[ev->fired[i]];
		if (c->kind != want)
			continue;
		if (first < 0)
			first = ev->fired[i];
		last = ev->fired[i];
		if (clause_fields(c) & mask)
			by_effect = ev->fired[i];
		else if (!c->neffects && hx_effect_clause(x, c->svc, mask) >= 0)
			quiet = ev->fired[i];
	}
	int any = ev->nfired ? ev->fired[0] : -1;
	if (want == MDL_FAILURE || (mask & HX_F_RET))
		return first >= 0 ? first : any;
	if (by_effect >= 0)
		return by_effect;
	if (quiet >= 0)
		return quiet;
	return last >= 0 ? last : any;
}

/*
 * Services whose page repeats another's (xmemdma64: "as xmemdma" for every
 * clause but its 64-bit result): a clause both have is signed under the
 * first, so that one bug in the shared rule is one finding.
 */
static const struct {
	int code, as; /* op code, and the op whose clauses it repeats */
} twins[] = {
	{XMP_XMEMDMA64, XMP_XMEMDMA},
};

/* The clause of the twin service with the same name after the dot, or -1. */
static int twin_clause(const struct hx_exec *x, int clause, int as)
{
	const char *id = x->spec->clauses[clause].id, *dot = strchr(id, '.');
	const char *tw = xmp_ops[as].name;
	size_t n = strlen(tw);
	if (!dot)
		return -1;
	for (int i = 0; i < x->spec->nclauses; i++) {
		const char *o = x->spec->clauses[i].id;
		if (!strncmp(o, tw, n) && o[n] == '.' && !strcmp(o + n, dot))
			return i;
	}
	return -1;
}

void hx_sign(const struct hx_exec *x, int ii, int code, int clause,
	     const char *field, char *out, size_t len)
{
	/* Filed under the service of the clause it is laid to (the op that
	 * made a descriptor, the hide that should have flushed a page). */
	if (clause >= 0)
		code = XMP_FIRST_SVC + x->spec->clauses[clause].svc;
	const char *svc = code < 0			  ? "sweep"
			  : XMP_IS_SVC(code) || code == XMP_PROBE ? xmp_ops[code].name
								  : "step";
	for (size_t t = 0; clause >= 0 && t < sizeof twins / sizeof twins[0];
	     t++) {
		int tc = twins[t].code == code ? twin_clause(x, clause, twins[t].as)
					       : -1;
		if (tc >= 0) {
			clause = tc;
			svc = xmp_ops[twins[t].as].name;
		}
	}
	snprintf(out, len, "%s/%s/%s/%s", x->impl[ii].pl->name, svc,
		 clause >= 0 ? x->spec->clauses[clause].id
		 : code >= 0 ? xmp_ops[code].name
			     : "end",
		 field);
}

void hx_cf_begin(struct hx_exec *x, int ii, struct hx_cf *s)
{
	s->trace = x->trace;
	x->trace = NULL; /* a counterfactual is not the run's trace */
	for (int r = 0; r < MDL_NREADINGS; r++)
		s->rd[r] = (int8_t)mdl_reading(x->impl[ii].m, r);
}

void hx_cf_end(struct hx_exec *x, int ii, const struct hx_cf *s)
{
	x->trace = s->trace;
	for (int r = 0; r < MDL_NREADINGS; r++)
		mdl_set_reading(x->impl[ii].m, r, s->rd[r]);
}

/*
 * Replay ops [0, end) of p on pair ii from a reset, the model committing
 * what the implementation returns (no comparison beyond the return rule).
 * *made receives the clause that made descriptor slot `slot` as it is at
 * the end (-1: none), *at the op that did. 0, or -1 when the replay does
 * not go as the run went.
 */
int hx_replay(struct hx_exec *x, int ii, const struct xmp_prog *p, int end,
	      int slot, int *made, int *at)
{
	struct hx_impl *im = &x->impl[ii];
	struct mdl_eval ev;
	char why[HX_TEXT];
	hx_reset_pair(x, im, xmp_prog_seed(p));
	for (int i = 0; i < end; i++) {
		const struct xmp_op *op = &p->op[i];
		mdl_eval(im->m, op, &ev);
		if (ev.kind == MDL_EV_ILLEGAL)
			continue;
		if (!hx_has_hook(im, op) || ev.kind == MDL_EV_UNDEF)
			return -1;
		int64_t r = hx_call(im, op);
		if (ev.kind == MDL_EV_STEP) {
			if (op->code != XMP_PROBE && r)
				return -1;
			if (op->code != XMP_PROBE)
				mdl_commit(im->m, op, &ev, 0, why, sizeof why);
			if (op->code == XMP_DESC_SET && op->a[0] == slot)
				*made = -1;
			continue;
		}
		if (mdl_commit(im->m, op, &ev, r, why, sizeof why))
			return -1;
		if (ev.kind == MDL_EV_OK && op->code == XMP_XMDETACH &&
		    op->a[0] == slot)
			*made = -1;
		if (ev.kind == MDL_EV_OK && op->code == XMP_XMATTACH &&
		    op->a[2] == slot) {
			*made = hx_blame(x, &ev, HX_F_DESC);
			*at = i;
		}
	}
	return 0;
}

/*
 * A service refused a descriptor the model holds good (return: a failure
 * where success was due). Was the descriptor bad from the xmattach that
 * made it? The counterfactual, run on the same pair from a reset: the
 * program up to that xmattach, then xmdetach of the descriptor at once. When
 * that xmdetach is refused too, nothing after the xmattach is needed to show
 * the bug: the divergence is laid to the xmattach clause (field
 * "descriptor"). Returns that clause, or -1 (blame stays with the op).
 */
int hx_desc_origin(struct hx_exec *x, struct hx_ctx *c, int64_t ret)
{
	const struct xmp_op *op = &c->p->op[c->opi];
	int slot = xmp_desc_slot(op), made = -1, at = -1;
	if (slot < 0 || op->code == XMP_XMATTACH || c->ev->kind != MDL_EV_OK ||
	    (int32_t)ret != XMEM_FAIL)
		return -1;
	struct hx_impl *im = &x->impl[c->ii];
	struct mdl_eval ev;
	struct xmp_op det = {.code = XMP_XMDETACH, .a = {slot}};
	struct hx_cf cf;
	char why[HX_TEXT];
	int bad = 0;
	hx_cf_begin(x, c->ii, &cf);
	/* Which xmattach made the descriptor, then that xmattach and an
	 * xmdetach at once. */
	if (!hx_replay(x, c->ii, c->p, c->opi, slot, &made, &at) && made >= 0 &&
	    !hx_replay(x, c->ii, c->p, at + 1, slot, &made, &at)) {
		mdl_eval(im->m, &det, &ev);
		bad = ev.kind == MDL_EV_OK && hx_has_hook(im, &det) &&
		      mdl_commit(im->m, &det, &ev, hx_call(im, &det), why,
				 sizeof why);
	}
	hx_cf_end(x, c->ii, &cf);
	return bad ? made : -1;
}

/* ---- a failed move reported done: a short copy? ---- */

/* Where byte `at` of a move's range is: its page ref, or NULL (unreached). */
static const struct mdl_page_ref *byte_page(const struct hx_ctx *c,
					    int64_t u, uint32_t at,
					    uint32_t *off)
{
	uint32_t in0 = (uint32_t)(u % XMC_PAGE_SIZE);
	uint32_t idx = (in0 + at) / XMC_PAGE_SIZE;
	for (int i = 0; i < c->ev->ntouched; i++)
		if (c->ev->touched[i].idx == idx) {
			*off = c->ev->touched[i].page * XMC_PAGE_SIZE +
			       (in0 + at) % XMC_PAGE_SIZE;
			return &c->ev->touched[i];
		}
	return NULL;
}

/* A move's operands: in (xmemin), kernel buffer kb at koff, user u. */
struct mv {
	int in, kb; /* xmemin; kernel buffer */
	uint32_t koff, count; /* offset in it; bytes */
	int64_t u; /* user address */
};

/* The span of the range from byte at to the end of its page (max n). */
static uint32_t span(const struct mv *v, uint32_t at)
{
	uint32_t n = XMC_PAGE_SIZE - (uint32_t)((v->u + at) % XMC_PAGE_SIZE);
	return n < v->count - at ? n : v->count - at;
}

/*
 * Make every byte the move would copy differ from the byte it would
 * replace, on both sides, so that what moved is told without doubt: the
 * kernel buffer (the source of an xmemout, the target of an xmemin) gets
 * the complement of the page's byte; 0xa5 where the page is unreached.
 */
static void canary(struct hx_exec *x, struct hx_ctx *c, const struct mv *v)
{
	struct hx_impl *im = &x->impl[c->ii];
	uint8_t b[XMC_PAGE_SIZE];
	uint32_t n, off;
	hx_kbuf_prepare(im, (int64_t)v->kb * XMC_KBUF_SIZE + v->koff, v->count);
	for (uint32_t at = 0; at < v->count; at += n) {
		n = span(v, at);
		const struct mdl_page_ref *r = byte_page(c, v->u, at, &off);
		if (!r || mdl_peek(im->m, r->seg, off, b, n))
			memset(b, 0x5a, n);
		for (uint32_t i = 0; i < n; i++)
			b[i] = (uint8_t)~b[i];
		mdl_adopt_kbuf(im->m, v->kb, v->koff + at, b, n);
		memcpy(im->kbuf[v->kb] + v->koff + at, b, n);
	}
}

/* Every byte of the live segments off the move's range as the model has
 * it: an xmemout reported done wrote nowhere else. */
static int rest_untouched(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	uint8_t want[XMC_PAGE_SIZE];
	for (int k = 0; k < mdl_nsegs(im->m); k++) {
		uint32_t first, n, off = 0;
		if (!mdl_seg_live(im->m, k, &first, &n))
			continue;
		for (uint32_t pg = first; pg < first + n; pg++) {
			int mine = 0;
			for (int i = 0; i < c->ev->ntouched; i++)
				mine |= c->ev->touched[i].seg == k &&
					c->ev->touched[i].page == pg;
			off = pg * XMC_PAGE_SIZE;
			if (mine || mdl_peek(im->m, k, off, want, XMC_PAGE_SIZE) ||
			    im->pl->peek(im->w, XMC_SID(k), off, im->scratch,
					 XMC_PAGE_SIZE))
				continue;
			if (memcmp(want, im->scratch, XMC_PAGE_SIZE))
				return 0;
		}
	}
	return 1;
}

/*
 * After the canary: p such that bytes [0, p) of the range were moved and
 * [p, count) are as before; -1 when there is none (a byte past the prefix
 * changed, a byte was moved from or to where nothing can see, or an
 * xmemout wrote elsewhere).
 */
static int64_t moved_prefix(struct hx_exec *x, struct hx_ctx *c,
			    const struct mv *v)
{
	struct hx_impl *im = &x->impl[c->ii];
	uint8_t page[XMC_PAGE_SIZE], got[XMC_PAGE_SIZE];
	const uint8_t *kb = mdl_kbuf(im->m, v->kb) + v->koff;
	int64_t p = -1;
	uint32_t n, off;
	for (uint32_t at = 0; at < v->count; at += n) {
		n = span(v, at);
		const struct mdl_page_ref *r = byte_page(c, v->u, at, &off);
		int seen = r && !mdl_peek(im->m, r->seg, off, page, n);
		if (v->in)
			memcpy(got, im->kbuf[v->kb] + v->koff + at, n);
		else if (seen && im->pl->peek(im->w, XMC_SID(r->seg), off, got, n))
			seen = 0;
		if (!seen) {
			/* xmemin: the canary shows any byte that came in;
			 * xmemout: no page anywhere else may have changed. */
			if ((v->in && memcmp(got, kb + at, n)) ||
			    (!v->in && !rest_untouched(x, c)))
				return -1;
			p = p < 0 ? at : p;
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			/* the moved byte: the page's (in), the buffer's (out) */
			int moved = got[i] == (v->in ? page[i] : kb[at + i]);
			if (moved && p >= 0)
				return -1; /* moved past the prefix */
			if (!moved && got[i] != (v->in ? kb[at + i] : page[i]))
				return -1; /* neither moved nor as before */
			if (!moved)
				p = p < 0 ? at + i : p;
		}
	}
	return p;
}

/*
 * A move the model fails (a byte of the range fails a page check) that the
 * implementation reports done (or one both did, fired NULL, whose pages
 * differ after it). When, replayed with a canary, it moved a
 * prefix of the range and left the rest as it was, and the model holds the
 * move of that prefix good, it did not skip the failure clause: it stopped
 * short and said it had finished, the bug of a short copy in a move that
 * succeeds. Laid to the copy clause (docs/WORLD.md, "One bug, one
 * signature"). 1 when reported. Resets the pair.
 */
int hx_short_copy(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
		  const char *fired)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	struct mv v = {.in = op->code == XMP_XMEMIN};
	int64_t k = v.in ? op->a[1] : op->a[0], moved = -1;
	v.u = v.in ? op->a[0] : op->a[1];
	v.kb = (int)(k / XMC_KBUF_SIZE);
	v.koff = (uint32_t)(k % XMC_KBUF_SIZE);
	int done = c->ev->kind == MDL_EV_OK; /* the model moved it all */
	if ((!v.in && op->code != XMP_XMEMOUT) ||
	    c->ev->kind != (done ? MDL_EV_OK : MDL_EV_FAIL) ||
	    ret != XMEM_SUCC || op->a[2] <= 0 ||
	    v.koff + op->a[2] > XMC_KBUF_SIZE)
		return 0;
	v.count = (uint32_t)op->a[2];
	struct hx_cf cf;
	struct mdl_eval ev;
	struct xmp_op part = *op;
	int made, at, ok = 0;
	hx_cf_begin(x, c->ii, &cf);
	if (!hx_replay(x, c->ii, c->p, c->opi, -1, &made, &at)) {
		canary(x, c, &v);
		if (hx_call(im, op) == XMEM_SUCC)
			moved = moved_prefix(x, c, &v);
	}
	if (moved >= 0 && done) {
		ok = 1;
	} else if (moved >= 0) {
		part.a[2] = moved;
		mdl_eval(im->m, &part, &ev);
		ok = ev.kind == MDL_EV_OK;
	}
	hx_cf_end(x, c->ii, &cf);
	if (!ok)
		return 0;
	char e[HX_TEXT], o[HX_TEXT];
	snprintf(e, sizeof e, "%.150s%sall %u bytes moved", fired ? fired : "",
		 fired ? ", or " : "", v.count);
	snprintf(o, sizeof o,
		 "XMEM_SUCC after moving %u of %u bytes (the rest as before)",
		 (unsigned)moved, v.count);
	hx_diverge_at(x, c,
		      hx_effect_clause(x, op->code - XMP_FIRST_SVC, HX_F_BYTES),
		      v.in ? "kbuf_bytes" : "user_bytes", HX_F_BYTES, e, o);
	return 1;
}

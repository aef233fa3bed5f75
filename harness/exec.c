/*
 * exec.c - the executor's run loop: program -> ops -> model and impl ->
 * verdict per op. Comparisons live in observe.c.
 */
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "iso.h"

int hx_init(struct hx_exec *x, const struct mdl_spec *spec, int profile,
	    const struct xmc_plugin *const *pls, int n, uint64_t seed,
	    char *err, size_t errlen)
{
	memset(x, 0, sizeof *x);
	x->spec = spec;
	x->profile = profile;
	if (n > HX_MAX_IMPLS)
		return snprintf(err, errlen, "at most %d implementations",
				HX_MAX_IMPLS), -1;
	x->hits = calloc((size_t)(n ? n : 1) * spec->nclauses, sizeof *x->hits);
	x->fails = calloc((size_t)(n ? n : 1) * spec->nclauses,
			  sizeof *x->fails);
	if (!x->hits || !x->fails)
		return snprintf(err, errlen, "out of memory"), -1;
	for (int i = 0; i < n; i++) {
		if (hx_impl_open(&x->impl[i], pls[i], profile, seed, spec, err,
				 errlen))
			return hx_fini(x), -1;
		x->nimpl++;
		const char *rd = hx_plugin_readings(pls[i]);
		if (rd && hx_set_readings(x, i, rd, err, errlen))
			return hx_fini(x), -1;
	}
	return 0;
}

void hx_fini(struct hx_exec *x)
{
	for (int i = 0; i < x->nimpl; i++)
		hx_impl_close(&x->impl[i]);
	x->nimpl = 0;
	free(x->hits);
	free(x->fails);
	x->hits = x->fails = NULL;
}

uint32_t hx_common_caps(const struct hx_exec *x)
{
	uint32_t c = XMC_CAP_ALL;
	for (int i = 0; i < x->nimpl; i++)
		c &= x->impl[i].caps;
	return c;
}

int hx_set_readings(struct hx_exec *x, int i, const char *s, char *err,
		    size_t errlen)
{
	struct hx_impl *im = &x->impl[i];
	mdl_clear_readings(im->m);
	if (mdl_parse_readings(im->m, s, err, errlen))
		return -1;
	for (int r = 0; r < MDL_NREADINGS; r++)
		im->rd0[r] = (int8_t)mdl_reading(im->m, r);
	return 0;
}

void hx_reset_pair(struct hx_exec *x, struct hx_impl *im, uint32_t kseed)
{
	im->pl->reset(im->w);
	mdl_reset(im->m);
	xmp_fill_forget();
	if (x->fresh_readings)
		for (int r = 0; r < MDL_NREADINGS; r++)
			mdl_set_reading(im->m, r, im->rd0[r]);
	mdl_kbuf_seed(im->m, kseed);
	for (int d = 0; d < XMC_MAX_DESCS; d++) {
		memset(&im->desc[d], 0, sizeof im->desc[d]);
		im->desc[d].aspace_id = XMEM_INVAL;
	}
	im->kseed = kseed;
	memset(im->kmade, 0, sizeof im->kmade);
	for (int b = 0; b < XMC_KBUFS; b++) {
		/* The slack past the end must stay zero (a spill shows). */
		memset(im->kbuf[b] + XMC_KBUF_SIZE, 0, 64);
	}
}

void hx_diverge(struct hx_exec *x, struct hx_ctx *c, const char *field,
		unsigned mask, const char *expected, const char *observed)
{
	hx_diverge_at(x, c, HX_BLAME, field, mask, expected, observed);
}

/* clause: the one blamed (blame.c), or HX_BLAME to work it out here. */
void hx_diverge_at(struct hx_exec *x, struct hx_ctx *c, int clause,
		   const char *field, unsigned mask, const char *expected,
		   const char *observed)
{
	struct hx_div *d = &c->div;
	const struct xmp_op *op =
		c->opi < c->p->n ? &c->p->op[c->opi] : NULL;
	d->impl = c->ii;
	d->op = c->opi;
	d->clause = clause != HX_BLAME	     ? clause
		    : !op			     ? -1
		    : XMP_IS_SVC(op->code)	     ? hx_blame(x, c->ev, mask)
		    : op->code == XMP_PROBE ? c->ev->cause
					     : -1;
	snprintf(d->field, sizeof d->field, "%s", field);
	snprintf(d->expected, sizeof d->expected, "%s", expected);
	snprintf(d->observed, sizeof d->observed, "%s", observed);
	hx_sign(x, c->ii, op ? op->code : -1, d->clause, field, d->signature,
		sizeof d->signature);
	c->diverged = 1;
	if (d->clause >= 0)
		x->fails[c->ii * x->spec->nclauses + d->clause]++;
	if (x->trace)
		fprintf(x->trace, "  DIVERGENCE %s\n    expected: %s\n"
				  "    observed: %s\n",
			d->signature, expected, observed);
	if (x->on_div)
		x->on_div(x->ctx, c->p, d);
}

static void count_hits(struct hx_exec *x, int ii, const struct mdl_eval *ev)
{
	uint32_t *h = &x->hits[ii * x->spec->nclauses];
	for (int i = 0; i < ev->nfired; i++)
		h[ev->fired[i]]++;
}

/* Run one op on one pair; returns the pair's outcome so far. */
static int run_op(struct hx_exec *x, struct hx_ctx *c)
{
	struct hx_impl *im = &x->impl[c->ii];
	const struct xmp_op *op = &c->p->op[c->opi];
	mdl_eval(im->m, op, c->ev);
	if (c->ev->kind == MDL_EV_ILLEGAL) {
		hx_trace_op(x, c, "skip (not legal now)");
		return HX_PASS;
	}
	if ((xmp_ops[op->code].cap & ~im->caps) || !hx_has_hook(im, op)) {
		hx_trace_op(x, c, "unsupported by the implementation");
		return HX_UNSUPPORTED;
	}
	x->ops++;
	if (c->ev->kind != MDL_EV_STEP)
		count_hits(x, c->ii, c->ev);
	int64_t ret = hx_call(im, op);
	if (c->ev->kind == MDL_EV_UNDEF) {
		hx_trace_ret(x, c, ret, "undefined: reported, not compared");
		if (x->on_op)
			x->on_op(x->ctx, c->ii, c->opi, c->ev);
		return HX_UNDEFINED;
	}
	hx_check(x, c, ret);
	if (x->on_op)
		x->on_op(x->ctx, c->ii, c->opi, c->ev);
	return c->diverged ? HX_DIVERGED : HX_PASS;
}

int hx_run(struct hx_exec *x, const struct xmp_prog *p, int *outcome)
{
	int ndiv = 0;
	struct mdl_eval ev;
	uint32_t kseed = xmp_prog_seed(p);
	x->programs++;
	for (int i = 0; i < x->nimpl; i++) {
		struct hx_ctx c = {.p = p, .ii = i, .ev = &ev};
		int out = HX_PASS;
		if (x->impl[i].iso) { /* isolated: its worker runs the pair */
			out = hx_iso_run(x, i, p);
			goto tally;
		}
		hx_reset_pair(x, &x->impl[i], kseed);
		if (x->trace)
			fprintf(x->trace, "program %llu impl %s\n",
				(unsigned long long)x->programs,
				x->impl[i].pl->name);
		for (c.opi = 0; c.opi < p->n && out == HX_PASS; c.opi++)
			out = run_op(x, &c);
		if (out == HX_PASS)
			out = hx_sweep(x, &c) ? HX_DIVERGED : HX_PASS;
	tally:
		x->divergences += out == HX_DIVERGED;
		x->undefined += out == HX_UNDEFINED;
		x->unsupported += out == HX_UNSUPPORTED;
		ndiv += out == HX_DIVERGED;
		if (outcome)
			outcome[i] = out;
	}
	return ndiv;
}

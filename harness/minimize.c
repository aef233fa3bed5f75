/*
 * minimize.c - delta debugging over ops, then arguments toward the smallest
 * values, keeping the first divergence's signature. Each trial is one run
 * of the program on the executor's first implementation.
 */
#include <stdio.h>
#include <string.h>

#include "findings.h"

struct first {
	int found; /* a divergence was seen */
	struct hx_div div; /* the first one */
};

static void keep_first(void *ctx, const struct xmp_prog *p,
		       const struct hx_div *d)
{
	struct first *f = ctx;
	(void)p;
	if (!f->found) {
		f->found = 1;
		f->div = *d;
	}
}

int hx_first_div(struct hx_exec *x, const struct xmp_prog *p,
		 struct hx_div *d)
{
	struct first f = {0};
	void (*on_div)(void *, const struct xmp_prog *, const struct hx_div *) =
		x->on_div;
	void (*on_op)(void *, int, int, const struct mdl_eval *) = x->on_op;
	void *ctx = x->ctx;
	FILE *trace = x->trace;
	x->on_div = keep_first;
	x->on_op = NULL;
	x->ctx = &f;
	x->trace = NULL;
	hx_run(x, p, NULL);
	x->on_div = on_div;
	x->on_op = on_op;
	x->ctx = ctx;
	x->trace = trace;
	if (f.found && d)
		*d = f.div;
	return f.found;
}

struct mctx {
	struct hx_exec *x; /* executor with the implementation */
	const char *sig; /* signature to keep */
	int trials; /* runs so far */
	int budget; /* most trials, 0 = no limit */
};

static int same(struct mctx *m, const struct xmp_prog *p)
{
	struct hx_div d;
	if (m->budget && m->trials >= m->budget)
		return 0; /* out of budget: keep what we have */
	m->trials++;
	return hx_first_div(m->x, p, &d) && !strcmp(d.signature, m->sig);
}

/* Drop chunks of ops, halving the chunk size (ddmin's complement step). */
static int drop_ops(struct mctx *m, struct xmp_prog *p)
{
	static struct xmp_prog q;
	int changed = 0;
	for (int chunk = p->n / 2 ? p->n / 2 : 1; chunk >= 1; chunk /= 2) {
		for (int i = 0; i < p->n;) {
			int k = i + chunk > p->n ? p->n - i : chunk;
			q.n = p->n - k;
			memcpy(q.op, p->op, (size_t)i * sizeof q.op[0]);
			memcpy(q.op + i, p->op + i + k,
			       (size_t)(p->n - i - k) * sizeof q.op[0]);
			if (q.n > 0 && same(m, &q)) {
				*p = q;
				changed = 1;
			} else {
				i += k;
			}
		}
	}
	return changed;
}

/*
 * Drop two ops at once, anywhere: a hide and its unhide, a pin and its unpin
 * are only removable together. Quadratic, so only for short programs.
 */
static int drop_pairs(struct mctx *m, struct xmp_prog *p)
{
	static struct xmp_prog q;
	int changed = 0;
	for (int i = 0; i < p->n && p->n <= 24; i++)
		for (int j = i + 1; j < p->n; j++) {
			q.n = 0;
			for (int k = 0; k < p->n; k++)
				if (k != i && k != j)
					q.op[q.n++] = p->op[k];
			if (q.n > 0 && same(m, &q)) {
				*p = q;
				changed = 1;
				j = i; /* the ops moved up: look again */
			}
		}
	return changed;
}

/* Simpler values for one argument, simplest first. */
static int candidates(const struct xmp_argdef *d, int64_t v, int64_t *c)
{
	int n = 0;
	switch (d->kind) {
	case XMP_A_SMALL:
		for (int64_t x = d->lo; x < v && n < 8; x++)
			c[n++] = x;
		break;
	case XMP_A_INT: c[n++] = 0, c[n++] = 1, c[n++] = v / 2; break;
	case XMP_A_KADDR:
		c[n++] = 0;
		c[n++] = v - v % XMC_KBUF_SIZE;
		break;
	case XMP_A_ADDR:
		c[n++] = 0;
		c[n++] = v & 0xf0000000;
		c[n++] = v & ~0xfffll;
		c[n++] = v & ~0xffll;
		break;
	}
	return n;
}

static int simplify_args(struct mctx *m, struct xmp_prog *p)
{
	int changed = 0;
	for (int i = 0; i < p->n; i++) {
		const struct xmp_opdef *d = &xmp_ops[p->op[i].code];
		for (int j = 0; j < d->nargs; j++) {
			int64_t c[8];
			int n = candidates(&d->args[j], p->op[i].a[j], c);
			for (int k = 0; k < n; k++) {
				int64_t old = p->op[i].a[j];
				if (c[k] == old || (old >= 0 && c[k] > old))
					continue;
				p->op[i].a[j] = c[k];
				if (xmp_valid(&p->op[i]) && same(m, p)) {
					changed = 1;
					break;
				}
				p->op[i].a[j] = old;
			}
		}
	}
	return changed;
}

int hx_minimize(struct hx_exec *x, struct xmp_prog *p, const char *sig,
		void (*progress)(void *ctx, const char *line), void *ctx)
{
	/* A hang costs --timeout-ms per trial: a budget bounds the minimizing
	 * (a trial count, not a clock, so that the result is deterministic). */
	struct mctx m = {x, sig, 0, strstr(sig, "/timeout/") ? 16 : 0};
	char line[160];
	int start = p->n;
	for (int round = 1; round <= 8; round++) {
		int changed = drop_ops(&m, p);
		changed |= drop_pairs(&m, p);
		changed |= simplify_args(&m, p);
		if (progress) {
			snprintf(line, sizeof line,
				 "minimize: round %d: %d -> %d ops, %d trials",
				 round, start, p->n, m.trials);
			progress(ctx, line);
		}
		if (!changed)
			break;
	}
	return m.trials;
}

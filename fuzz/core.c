/*
 * core.c - the engine-neutral fuzzing core (see core.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "cli.h"
#include "iso.h"
#include "progbin.h"

#define STATE_BITS 65536 /* exact-ish page-state combinations for stats */
#define FZ_SET_MAX 1024 /* counters one input sets, remembered for clearing */

extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

/* The core's state: one executor per profile, shared by every input. */
static struct {
	struct mdl_spec *spec; /* the spec */
	const struct xmc_plugin *pl[HX_MAX_IMPLS]; /* implementations */
	int npl; /* how many */
	struct hx_exec x[3]; /* per profile (enum xmc_profile) */
	int ready[3]; /* x[p] set up: every implementation claims p */
	int feedback; /* spec feedback on */
	int context; /* ... with clauses in context (XMCHECK_SPEC_CONTEXT) */
	uint8_t *ctr; /* engine's counters, or NULL */
	size_t nctr; /* their number */
	uint16_t set[FZ_SET_MAX]; /* counters set by this input (to clear) */
	int nset; /* their number; > FZ_SET_MAX: clear them all */
	int prev[HX_MAX_IMPLS]; /* last clause fired per impl, -1 none */
	struct fz_result *res; /* result of the input being run */
	const struct xmp_prog *prog; /* the program being run */
	uint8_t *seen_clause; /* [nclauses]: reached (stats) */
	uint8_t *seen_pair; /* [(nclauses + 1) * nclauses] (stats) */
	uint8_t *seen_state; /* [STATE_BITS / 8] (stats) */
	uint8_t *seen_ctx; /* [STATE_BITS / 8]: clause contexts (stats) */
	uint64_t execs; /* inputs run */
	uint64_t len; /* ops in the programs run, summed (stats) */
	int stats_every; /* XMCHECK_FZ_STATS seconds, 0 off */
	int max_ops; /* XMCHECK_MAX_OPS: programs cut to this length */
	double t0, next; /* stats clock (reporting only) */
} fz;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
	return h * 0x85ebca6bu;
}

/* Set feature f (core.h), remembering its byte: clearing a few beats
 * clearing them all. */
static void bump(size_t f)
{
	static const uint8_t class_of[8] = {1, 2, 3, 4, 8, 16, 32, 128};
	size_t i = f / 8;
	uint8_t v = class_of[f % 8];
	if (!fz.ctr || i >= fz.nctr || fz.ctr[i] >= v)
		return;
	if (!fz.ctr[i]) {
		if (fz.nset < FZ_SET_MAX)
			fz.set[fz.nset] = (uint16_t)i;
		fz.nset++;
	}
	fz.ctr[i] = v;
}

/*
 * Clear the counters the last input set (all of them after an overflow).
 * How much there is to clear depends on the previous input, so this is no
 * coverage: an engine would count it as the input's own path (AFL++ as
 * instability, libFuzzer as features). clang's attribute keeps libFuzzer's
 * instrumentation out; AFL++ 4.04 ignores it and reads fuzz/afl.deny
 * (not inlined, so that the name it lists stays a function of its own).
 */
#if defined(__clang__)
__attribute__((no_sanitize("coverage"), noinline))
#endif
static void clear_counters(void)
{
	if (!fz.ctr)
		return;
	if (fz.nset > FZ_SET_MAX)
		memset(fz.ctr, 0, fz.nctr);
	else
		for (int i = 0; i < fz.nset; i++)
			fz.ctr[fz.set[i]] = 0;
	fz.nset = 0;
}

/* Branch-free: an input takes the same path the first time a clause is
 * seen as later (AFL++'s stability counts a differing path as unstable). */
static void mark(uint8_t *bits, size_t i)
{
	bits[i / 8] |= (uint8_t)(1u << (i % 8));
}

static unsigned count_bits(const uint8_t *bits, size_t nbits)
{
	unsigned n = 0;
	for (size_t i = 0; i < (nbits + 7) / 8; i++)
		n += (unsigned)__builtin_popcount(bits[i]);
	return n;
}

/* Clause and clause-pair feedback for the clauses one op fired. */
static void feed_clauses(int impl, const struct mdl_eval *ev)
{
	int n = fz.spec->nclauses;
	for (int i = 0; i < ev->nfired; i++) {
		int c = ev->fired[i], pv = fz.prev[impl];
		size_t pair = (size_t)(pv + 1) * (size_t)n + (size_t)c;
		mark(fz.seen_clause, (size_t)c);
		mark(fz.seen_pair, pair);
		if (fz.feedback) {
			bump((size_t)c % FZ_CLAUSE_SLOTS);
			bump(FZ_CLAUSE_SLOTS +
			     mix((uint32_t)pv, (uint32_t)c) % FZ_PAIR_SLOTS);
		}
		fz.prev[impl] = c;
	}
}

/*
 * The kind of memory a segment number is (docs/WORLD.md): user 0..15, a
 * process's text 16..19 or data 20..23 (W12), the kernel's 24..25 (W13).
 */
static uint32_t seg_class(int seg)
{
	return seg < XMC_SEG_TEXT(0)   ? 0
	       : seg < XMC_SEG_DATA(0) ? 1
	       : seg < XMC_SEG_KERN(0) ? 2
				       : 3;
}

/* The kind of descriptor an op's slot holds after it, 0 for no slot. */
static uint32_t desc_kind(const struct hx_exec *x, int impl,
			  const struct xmp_op *op)
{
	int slot = xmp_desc_slot(op);
	const struct xmc_xmem *d =
		slot < 0 ? NULL : mdl_desc(x->impl[impl].m, slot);
	if (!d)
		return 0;
	switch (d->aspace_id) {
	case XMEM_PROC: return 1;
	case XMEM_PROC2: return 2;
	case XMEM_GLOBAL: return 3;
	case XMEM_INVAL: return 4;
	}
	return 5; /* a value no header defines */
}

/* The page-state fields of the pages the op touched (and the kind of
 * memory each is), as one hash. */
static void feed_state(const struct hx_exec *x, int impl,
		       const struct mdl_eval *ev)
{
	uint32_t h = mix(0, ev->kind);
	for (int i = 0; i < ev->ntouched && i < 8; i++) {
		struct xmc_page_state st;
		if (mdl_page_state(x->impl[impl].m, ev->touched[i].seg,
				   ev->touched[i].page, &st))
			continue;
		uint32_t v = st.in_memory | st.valid << 1 | st.modified << 2 |
			     st.pager_io << 3 | (uint32_t)st.prot << 4 |
			     st.io_error << 6 |
			     (uint32_t)(st.pin_count < 3 ? st.pin_count : 3) << 7 |
			     (uint32_t)(st.hide_count < 3 ? st.hide_count : 3) << 9 |
			     (uint32_t)(st.waiters < 3 ? st.waiters : 3) << 11 |
			     (fz.context ? seg_class(ev->touched[i].seg) : 0)
				     << 13;
		h = mix(h, v);
	}
	mark(fz.seen_state, h % STATE_BITS);
	if (fz.feedback)
		bump(FZ_CLAUSE_SLOTS + FZ_PAIR_SLOTS + h % FZ_STATE_SLOTS);
}

/*
 * The clause (or, for a world step, the step) in its context: the kinds of
 * memory the op touched, the kind of descriptor it went through, the
 * execution level. A clause reached through kernel pages, through an
 * XMEM_GLOBAL descriptor or at interrupt level is new coverage even where
 * the same clause through user pages is old, and a step on a kernel page
 * (a page-out, a pin) is new where the same step on a user page is old:
 * the stepping stones to a combination no single clause tells apart.
 */
static void feed_context(const struct hx_exec *x, int impl, int opi,
			 const struct mdl_eval *ev)
{
	const struct xmp_op *op = &fz.prog->op[opi];
	uint32_t mem = 0;
	for (int i = 0; i < ev->ntouched; i++)
		mem |= 1u << seg_class(ev->touched[i].seg);
	uint32_t ctx = mem | desc_kind(x, impl, op) << 4 |
		       (uint32_t)mdl_interrupt(x->impl[impl].m) << 7;
	uint32_t what[MDL_MAX_FIRED + 1];
	int n = 0;
	if (ev->kind == MDL_EV_STEP || ev->kind == MDL_EV_ILLEGAL)
		what[n++] = 0x10000u | (uint32_t)op->code << 1 |
			    (ev->kind == MDL_EV_ILLEGAL);
	else
		for (int i = 0; i < ev->nfired && n < MDL_MAX_FIRED; i++)
			what[n++] = ev->fired[i];
	for (int i = 0; i < n; i++) {
		uint32_t h = mix(mix(0x51u, what[i]), ctx);
		mark(fz.seen_ctx, h % STATE_BITS);
		if (fz.feedback && fz.context)
			bump(FZ_CLAUSE_SLOTS + FZ_PAIR_SLOTS + FZ_STATE_SLOTS +
			     h % FZ_CTX_SLOTS);
	}
}

static void on_op(void *ctx, int impl, int opi, const struct mdl_eval *ev)
{
	const struct hx_exec *x = ctx;
	feed_clauses(impl, ev);
	if (ev->ntouched)
		feed_state(x, impl, ev);
	feed_context(x, impl, opi, ev);
}

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	(void)ctx;
	(void)p;
	if (!fz.res->diverged) {
		fz.res->diverged = 1;
		snprintf(fz.res->signature, sizeof fz.res->signature, "%s",
			 d->signature);
	}
}

static int open_impls(char *err, size_t errlen)
{
	const char *env = getenv("XMCHECK_IMPL");
	char list[1024], *save = NULL;
	snprintf(list, sizeof list, "%s", env && *env ? env : "sim");
	for (char *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (fz.npl == HX_MAX_IMPLS)
			return snprintf(err, errlen, "XMCHECK_IMPL: too many"), -1;
		if (!(fz.pl[fz.npl] = hx_plugin_open(t, err, errlen)))
			return -1;
		fz.npl++;
	}
	return 0;
}

static int load_spec(char *err, size_t errlen)
{
	const char *path = getenv("XMCHECK_SPEC");
	if (path && *path)
		return mdl_spec_load(path, &fz.spec, err, errlen);
	return mdl_spec_load_mem(mdl_builtin_nfiles, mdl_builtin_names,
				 mdl_builtin_bufs, mdl_builtin_lens, &fz.spec,
				 err, errlen);
}

int fz_init(char *err, size_t errlen)
{
	const char *fb = getenv("XMCHECK_SPEC_FEEDBACK");
	const char *st = getenv("XMCHECK_FZ_STATS");
	memset(&fz, 0, sizeof fz);
	const char *cx = getenv("XMCHECK_SPEC_CONTEXT");
	fz.feedback = !(fb && !strcmp(fb, "0"));
	fz.context = !(cx && !strcmp(cx, "0"));
	const char *mo = getenv("XMCHECK_MAX_OPS");
	fz.stats_every = st ? atoi(st) : 0;
	fz.max_ops = mo ? atoi(mo) : XMP_MAX_OPS;
	if (fz.max_ops < 1 || fz.max_ops > XMP_MAX_OPS)
		fz.max_ops = XMP_MAX_OPS;
	/* Plug-ins in process, never in a sandboxed worker (iso.h): an
	 * engine sees only its own process's coverage, a worker's restarts
	 * and pipes would make runs unstable, and under AFL++ a worker that
	 * loads an instrumented plug-in after the fork server is refused. */
	hx_iso_opts.no_isolate = 1;
	hx_iso_opts.isolate = 0;
	if (load_spec(err, errlen) || open_impls(err, errlen))
		return -1;
	size_t n = fz.spec->nclauses;
	fz.seen_clause = calloc(n / 8 + 1, 1);
	fz.seen_pair = calloc((n + 1) * n / 8 + 1, 1);
	fz.seen_state = calloc(STATE_BITS / 8, 1);
	fz.seen_ctx = calloc(STATE_BITS / 8, 1);
	if (!fz.seen_clause || !fz.seen_pair || !fz.seen_state || !fz.seen_ctx)
		return snprintf(err, errlen, "out of memory"), -1;
	char why[512];
	int any = 0;
	for (int p = XMC_PROFILE_POWER; p <= XMC_PROFILE_POWERPC; p++) {
		if (hx_init(&fz.x[p], fz.spec, p, fz.pl, fz.npl, 1, why,
			    sizeof why))
			continue; /* an implementation does not claim p */
		fz.x[p].on_op = on_op;
		fz.x[p].on_div = on_div;
		fz.x[p].ctx = &fz.x[p];
		/* every input from the declared readings: one input is one
		 * program whatever ran before it (and replays alone) */
		fz.x[p].fresh_readings = 1;
		fz.ready[p] = any = 1;
	}
	if (!any)
		return snprintf(err, errlen, "%s", why), -1;
	fz.t0 = mono();
	fz.next = fz.t0 + fz.stats_every;
	return 0;
}

void fz_fini(void)
{
	for (int p = 0; p < 3; p++)
		if (fz.ready[p])
			hx_fini(&fz.x[p]);
	for (int i = 0; i < fz.npl; i++)
		hx_plugin_close(fz.pl[i]);
	mdl_spec_free(fz.spec);
	free(fz.seen_clause);
	free(fz.seen_pair);
	free(fz.seen_state);
	free(fz.seen_ctx);
	memset(&fz, 0, sizeof fz);
}

int fz_one(const uint8_t *data, size_t size, struct fz_result *r)
{
	static struct xmp_prog p;
	static const struct xmp_prog empty; /* n = 0 */
	int profile;
	memset(r, 0, sizeof *r);
	xmp_bin_decode(data, size, &profile, &p);
	if (p.n > fz.max_ops) /* a cut program is still a program */
		p.n = fz.max_ops;
	if (!fz.ready[profile]) /* the implementations lack it: the other */
		profile = profile == XMC_PROFILE_POWER ? XMC_PROFILE_POWERPC
						       : XMC_PROFILE_POWER;
	r->profile = profile;
	r->nops = p.n;
	fz.len += (uint64_t)p.n;
	fz.res = r;
	fz.prog = &p;
	for (int i = 0; i < HX_MAX_IMPLS; i++)
		fz.prev[i] = -1;
	clear_counters();
	hx_run(&fz.x[profile], &p, NULL);
	/* Reset now, with an empty program: the reset's path then depends on
	 * this input alone, and the next input starts from a clean world on
	 * the same path whatever ran before (AFL++ stability). */
	fz.x[profile].on_op = NULL;
	fz.x[profile].on_div = NULL;
	hx_run(&fz.x[profile], &empty, NULL);
	fz.x[profile].on_op = on_op;
	fz.x[profile].on_div = on_div;
	fz.execs++;
	fz.res = NULL;
	return r->diverged;
}

void fz_set_counters(uint8_t *counters, size_t n)
{
	fz.ctr = counters;
	fz.nctr = counters ? n : 0;
	fz.nset = FZ_SET_MAX + 1; /* unknown contents: the first clear is whole */
}

int fz_feedback_on(void)
{
	return fz.feedback;
}

void fz_stats(unsigned *clauses, unsigned *pairs, unsigned *states,
	      uint64_t *execs)
{
	size_t n = fz.spec ? fz.spec->nclauses : 0;
	*clauses = fz.spec ? count_bits(fz.seen_clause, n) : 0;
	*pairs = fz.spec ? count_bits(fz.seen_pair, (n + 1) * n) : 0;
	*states = fz.spec ? count_bits(fz.seen_state, STATE_BITS) : 0;
	*execs = fz.execs;
}

unsigned fz_stats_contexts(void)
{
	return fz.seen_ctx ? count_bits(fz.seen_ctx, STATE_BITS) : 0;
}

void fz_stats_tick(void)
{
	if (fz.stats_every <= 0 || (fz.execs & 255))
		return;
	double t = mono();
	if (t < fz.next)
		return;
	unsigned c, p, s;
	uint64_t e;
	fz.next = t + fz.stats_every;
	fz_stats(&c, &p, &s, &e);
	uint64_t ops = fz.x[1].ops + fz.x[2].ops;
	fprintf(stderr, "fz-stats: t=%.0f execs=%llu clauses=%u pairs=%u "
			"states=%u contexts=%u feedback=%d len/exec=%.1f "
			"ops/exec=%.1f\n",
		t - fz.t0, (unsigned long long)e, c, p, s, fz_stats_contexts(),
		fz.feedback,
		e ? (double)fz.len / (double)e : 0.0,
		e ? (double)ops / (double)e : 0.0);
}

/*
 * conform.c - `xmcheck conform`: the directed suite, the regression corpus
 * and generated programs, per profile, for one implementation; then the
 * report set (conform.h). Exit 0 conformant, 1 not, 2 error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conform.h"
#include "iso.h"

struct cf_opts {
	const char *impl, *spec, *waivers, *baseline, *out; /* options */
	const char *sentences; /* --sentences, or NULL: docs/SERVICES.md */
	const char *corpus, *oracle; /* corpus and measurement dirs */
	int profile; /* 0 = every profile claimed */
	uint64_t seed, runs; /* --seed, --runs */
	int max_ops; /* --max-ops */
	int quiet; /* --quiet */
};

/* State of one profile's run. */
struct cf {
	struct hx_cf_report *r; /* the report being filled */
	const struct cf_opts *o; /* options */
	const struct xmc_plugin *pl; /* the implementation */
	struct hx_exec x; /* executor for the profile */
	int profile; /* enum xmc_profile */
	int diverged; /* this program diverged */
	struct hx_div div; /* its first divergence */
	int last_op; /* last op the model judged */
	struct mdl_eval last_ev; /* its verdict */
	double t0, shown; /* progress clock (display only) */
	int tty; /* stderr is a terminal and not --quiet */
	const struct xmp_expects *ex; /* the directed file's, or NULL */
	uint64_t reached; /* ops the model judged (a bit each) */
	char unmet[240]; /* the first expectation not met, or "" */
};

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	struct cf *c = ctx;
	(void)p;
	if (!c->diverged)
		c->div = *d;
	c->diverged = 1;
}

static void on_op(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	struct cf *c = ctx;
	char why[160], line[200];
	c->last_op = op;
	c->last_ev = *ev;
	c->reached |= 1ull << op;
	for (int i = 0; c->ex && i < c->ex->n && !*c->unmet; i++) {
		const struct xmp_expect *e = &c->ex->e[i];
		/* an isolated implementation's model world lives in its worker:
		 * the page and descriptor words the model holds are checked by
		 * the in-process runs (make check), ret and clauses here */
		int remote = c->x.impl[impl].iso &&
			     (e->kind == XMP_X_PAGE || e->kind == XMP_X_ASPACE);
		if (e->op != op || remote ||
		    !hx_expect_check(&c->x, impl, ev, e, why, sizeof why))
			continue;
		xmp_print_expect(e, line, sizeof line);
		snprintf(c->unmet, sizeof c->unmet, "line %d: '%.100s' not "
			 "met: %.100s", e->line, line, why);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct hx_cf_finding *find_sig(struct hx_cf_report *r, int prof,
				      const char *sig)
{
	for (int i = 0; i < r->nfind; i++)
		if (r->find[i].profile == prof &&
		    !strcmp(r->find[i].signature, sig))
			return &r->find[i];
	return NULL;
}

static char *prog_text(const struct xmp_prog *p)
{
	size_t len = (size_t)XMP_MAX_OPS * 200;
	char *t = malloc(len);
	if (t)
		xmp_print(p, t, len);
	return t;
}

/* Re-run p from a fresh world; minimize when the divergence comes back. */
static void recheck(struct cf *c, const struct xmp_prog *p,
		    struct hx_cf_finding *f)
{
	static struct xmp_prog q;
	struct hx_exec y;
	struct hx_div d2, d3;
	char err[256];
	const struct xmc_plugin *pls[1] = {c->pl};
	q = *p;
	f->orig_ops = p->n;
	if (hx_init(&y, c->r->spec, c->profile, pls, 1, c->o->seed, err,
		    sizeof err)) {
		f->flaky = 1;
		snprintf(f->observed2, sizeof f->observed2,
			 "re-run impossible: %.150s", err);
		f->program = prog_text(p);
		return;
	}
	int again = hx_first_div(&y, p, &d2);
	if (!again || strcmp(d2.signature, f->signature)) {
		f->flaky = 1;
		snprintf(f->expected2, sizeof f->expected2, "%s",
			 again ? d2.expected : "(as the model)");
		snprintf(f->observed2, sizeof f->observed2, "%.90s%s%.90s",
			 again ? d2.signature : "no divergence",
			 again ? ": " : "", again ? d2.observed : "");
	} else {
		snprintf(f->expected2, sizeof f->expected2, "%s", d2.expected);
		snprintf(f->observed2, sizeof f->observed2, "%s", d2.observed);
		hx_minimize(&y, &q, f->signature, NULL, NULL);
		if (hx_first_div(&y, &q, &d3) &&
		    !strcmp(d3.signature, f->signature)) {
			f->op = d3.op;
			snprintf(f->expected, sizeof f->expected, "%s",
				 d3.expected);
			snprintf(f->observed, sizeof f->observed, "%s",
				 d3.observed);
		} else {
			q = *p; /* does not reproduce alone: keep it whole */
		}
	}
	f->program = prog_text(&q);
	hx_fini(&y);
}

static int sig_kind(const char *sig)
{
	const char *s = strchr(sig, '/');
	if (!s++)
		return HX_CF_K_DIVERGENCE;
	if (!strncmp(s, "timeout/", 8))
		return HX_CF_K_TIMEOUT;
	if (!strncmp(s, "crash/", 6) || !strncmp(s, "oom/", 4) ||
	    !strncmp(s, "sandbox/", 8))
		return HX_CF_K_CRASH;
	return HX_CF_K_DIVERGENCE;
}

/* Count one program's finding against its clause, or its profile. */
static void tally(struct hx_cf_profile *pr, struct hx_cf_clause *cl,
		  int kind, int flaky)
{
	if (kind == HX_CF_K_CRASH)
		cl ? cl->crashes++ : pr->crashes++;
	else if (kind == HX_CF_K_TIMEOUT)
		cl ? cl->timeouts++ : pr->timeouts++;
	else if (cl && flaky)
		cl->flaky++;
	else if (cl)
		cl->fails++;
}

/* Account the divergence of the program just run. */
static void divergence(struct cf *c, const struct xmp_prog *p,
		       const char *origin)
{
	struct hx_cf_report *r = c->r;
	struct hx_cf_finding *f = find_sig(r, c->profile, c->div.signature);
	struct hx_cf_clause *cl = c->div.clause >= 0
					  ? &r->prof[c->profile].cl[c->div.clause]
					  : NULL;
	struct hx_cf_profile *pr = &r->prof[c->profile];
	int kind = sig_kind(c->div.signature);
	if (!f && r->nfind == HX_CF_MAX_FINDINGS) {
		r->more_findings++;
		tally(pr, cl, kind, 0);
		return;
	}
	if (!f) {
		f = &r->find[r->nfind++];
		memset(f, 0, sizeof *f);
		f->profile = c->profile;
		f->kind = kind;
		f->clause = c->div.clause;
		f->op = c->div.op;
		snprintf(f->signature, sizeof f->signature, "%s",
			 c->div.signature);
		snprintf(f->origin, sizeof f->origin, "%s", origin);
		snprintf(f->field, sizeof f->field, "%s", c->div.field);
		snprintf(f->expected, sizeof f->expected, "%s",
			 c->div.expected);
		snprintf(f->observed, sizeof f->observed, "%s",
			 c->div.observed);
		recheck(c, p, f);
	}
	f->count++;
	tally(pr, cl, kind, f->flaky);
}

static int run_prog(struct cf *c, const struct xmp_prog *p,
		    const char *origin)
{
	int out[HX_MAX_IMPLS];
	c->diverged = 0;
	c->last_op = -1;
	c->reached = 0;
	*c->unmet = 0;
	hx_run(&c->x, p, out);
	if (c->diverged)
		divergence(c, p, origin);
	return out[0];
}

/* How a directed file that names page sentences ran (conform.h). */
static void note_sentences(struct cf *c, const char *sub, const char *nm,
			   const struct xmp_expects *ex, int outcome)
{
	char name[300];
	snprintf(name, sizeof name, "%s/%s", sub, nm);
	struct hx_cf_dfile *f = hx_cf_sent_file(c->r->sent, name);
	if (!f)
		return;
	f->clause = -1;
	if (c->diverged) {
		f->run = HX_CF_R_DIVERGED;
		f->kind = (uint8_t)sig_kind(c->div.signature);
		f->clause = c->div.clause;
		snprintf(f->why, sizeof f->why, "%s", c->div.signature);
	} else if (outcome == HX_UNSUPPORTED) {
		f->run = HX_CF_R_UNSUPPORTED;
	} else if (*c->unmet) {
		f->run = HX_CF_R_UNMET;
		snprintf(f->why, sizeof f->why, "%s", c->unmet);
	} else {
		f->run = HX_CF_R_PASS;
		for (int k = 0; k < ex->n; k++)
			if (!((c->reached >> ex->e[k].op) & 1)) {
				f->run = HX_CF_R_UNMET;
				snprintf(f->why, sizeof f->why, "line %d: op %d "
					 "never judged (the program stopped "
					 "before it)", ex->e[k].line,
					 ex->e[k].op + 1);
				break;
			}
	}
}

/* The "# expect: fires|misses CLAUSE" lines of a directed file. */
static void note_directed(struct cf *c, const char *name, const char *text,
			  int n)
{
	const struct mdl_spec *s = c->r->spec;
	for (const char *l = strstr(text, "# expect:"); l;
	     l = strstr(l + 1, "# expect:")) {
		char kind[16] = "", id[160] = "";
		if (sscanf(l, "# expect: %15s %159s", kind, id) != 2)
			continue;
		int fires = !strcmp(kind, "fires");
		int k = mdl_spec_find(s, id);
		if (k < 0 || (!fires && strcmp(kind, "misses")))
			continue;
		int hit = 0;
		for (int i = 0; i < c->last_ev.nfired; i++)
			hit |= c->last_ev.fired[i] == k;
		int ok = !c->diverged && c->last_op == n - 1 && hit == fires;
		struct hx_cf_clause *cl = &c->r->prof[c->profile].cl[k];
		if (cl->ndirected < HX_CF_MAX_DIRECTED) {
			snprintf(cl->directed[cl->ndirected], 96, "%.95s", name);
			cl->directed_ok[cl->ndirected++] = (uint8_t)ok;
		}
	}
}

static int is_prog(const char *n)
{
	size_t l = strlen(n);
	return l > 5 && !strcmp(n + l - 5, ".prog");
}

/* Run every *.prog of dir written for this profile; counts into *count. */
/* A file written for a reading the implementation declares it does not
 * take is not its test (docs/WORLD.md, "Readings"). */
static int for_other_reading(const struct cf *c, const char *text)
{
	char rd[256] = "", wo[128] = "";
	hx_header_get(text, "readings", rd, sizeof rd);
	hx_header_get(text, "without", wo, sizeof wo);
	/* ... or for an implementation without a capability it has. */
	return hx_readings_conflict(rd, hx_plugin_readings(c->x.impl[0].pl)) ||
	       (mdl_cap_mask(wo) & c->x.impl[0].caps);
}

/* The file's own readings hold for it alone; keep what the run had. */
static void file_readings(struct cf *c, const char *text, int8_t *keep)
{
	char rd[256] = "", err[200];
	struct mdl_world *m = c->x.impl[0].m;
	for (int r = 0; r < MDL_NREADINGS; r++)
		keep[r] = (int8_t)mdl_reading(m, r);
	if (hx_header_get(text, "readings", rd, sizeof rd))
		mdl_parse_readings(m, rd, err, sizeof err);
}

static void restore_readings(struct cf *c, const int8_t *keep)
{
	for (int r = 0; r < MDL_NREADINGS; r++)
		mdl_set_reading(c->x.impl[0].m, r, keep[r]);
}

/* Run one file of CORPUS/sub on this profile; 1 after an input error. */
static int run_file(struct cf *c, const char *sub, const char *nm,
		    const char *path, const char *text, uint64_t *count)
{
	static struct xmp_prog p;
	static struct xmp_expects ex;
	char err[512], prof[32] = "power";
	int hand = strcmp(sub, "regressions") != 0;
	hx_header_get(text, "profile", prof, sizeof prof);
	int pid = hx_parse_profile(prof);
	if (pid < 0)
		return fprintf(stderr, "%s:%d:1: unknown profile '%s' (power, "
			       "powerpc)\n", path,
			       xmp_header_line(text, "profile"), prof), 1;
	memset(&ex, 0, sizeof ex);
	if (xmp_parse(path, text, &p, err, sizeof err) ||
	    (hand && hx_expects_read(path, text, p.n, &ex, err, sizeof err)))
		return fprintf(stderr, "%s\n", err), 1;
	for (int i = 0; i < ex.n; i++)
		if ((ex.e[i].kind == XMP_X_FIRES ||
		     ex.e[i].kind == XMP_X_MISSES) &&
		    mdl_spec_find(c->r->spec, ex.e[i].clause) < 0)
			return fprintf(stderr, "%s:%d:%d: unknown clause '%s'\n",
				       path, ex.e[i].line, ex.e[i].col,
				       ex.e[i].clause), 1;
	if (pid != c->profile)
		return 0;
	if (for_other_reading(c, text)) {
		char name[300];
		snprintf(name, sizeof name, "%s/%s", sub, nm);
		struct hx_cf_dfile *f = hx_cf_sent_file(c->r->sent, name);
		if (f)
			f->run = HX_CF_R_READING;
		return 0;
	}
	int8_t keep[MDL_NREADINGS];
	file_readings(c, text, keep);
	c->ex = hand ? &ex : NULL;
	int out = run_prog(c, &p, path);
	c->ex = NULL;
	restore_readings(c, keep);
	if (!strcmp(sub, "seeds"))
		note_directed(c, nm, text, p.n);
	if (hand)
		note_sentences(c, sub, nm, &ex, out);
	(*count)++;
	return 0;
}

static int run_dir(struct cf *c, const char *corpus, const char *sub,
		   uint64_t *count)
{
	struct dirent **ents;
	char path[1400], dir[1100];
	int directed = !strcmp(sub, "seeds");
	snprintf(dir, sizeof dir, "%s/%s", corpus, sub);
	int n = scandir(dir, &ents, NULL, alphasort), r = 0;
	if (n < 0 && directed) /* a report without its directed suite misleads */
		return fprintf(stderr, "xmcheck conform: %s: %s (give --corpus "
				       "DIR)\n", dir, strerror(errno)), 1;
	if (n < 0)
		return 0; /* no regression corpus: nothing to run */
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char *text = NULL;
		snprintf(path, sizeof path, "%s/%s", dir, nm);
		if (r || !is_prog(nm) || !(text = hx_read_text(path))) {
			r |= text == NULL && is_prog(nm) && !r;
			free(ents[i]);
			continue;
		}
		r = run_file(c, sub, nm, path, text, count);
		free(text);
		free(ents[i]);
	}
	free(ents);
	return r;
}

/* Program i of `xmcheck run --seed S`: the same formula as run.c. */
static void gen(const struct cf_opts *o, uint64_t i, uint32_t caps,
		int profile, struct xmp_prog *p)
{
	struct xmp_src src;
	uint64_t st = o->seed ^ (i * 0x9e3779b97f4a7c15ull);
	xmp_src_rng(&src, xmp_splitmix(&st));
	int n = 4 + (int)(xmp_rng_next(src.rng) % (uint64_t)o->max_ops);
	xmp_decode(&src, n < o->max_ops ? n : o->max_ops, caps, profile, p);
}

static void progress(struct cf *c, uint64_t i, int last)
{
	double t = now();
	if (!c->tty || (!last && t - c->shown < 0.5))
		return;
	c->shown = t;
	int hit = 0, all = 0;
	for (int k = 0; k < c->r->spec->nclauses; k++) {
		uint32_t pm = c->r->spec->clauses[k].profiles;
		if (pm && !(pm & (1u << c->profile)))
			continue;
		all++;
		hit += c->x.hits[k] > 0;
	}
	double el = t - c->t0;
	fprintf(stderr,
		"\r[%s] programs %" PRIu64 "/%" PRIu64 "  %.0f ops/s  clauses "
		"hit %d/%d  findings %d  %.1fs%s",
		hx_profile_name(c->profile), i, c->o->runs,
		el > 0 ? (double)c->x.ops / el : 0.0, hit, all, c->r->nfind,
		el, last ? "\n" : "");
}

static void gen_loop(struct cf *c)
{
	static struct xmp_prog p;
	uint32_t caps = hx_common_caps(&c->x);
	char origin[64];
	for (uint64_t i = 0; i < c->o->runs; i++) {
		gen(c->o, i, caps, c->profile, &p);
		snprintf(origin, sizeof origin, "generated program %" PRIu64, i);
		run_prog(c, &p, origin);
		if ((i & 63) == 0)
			progress(c, i, 0);
	}
	progress(c, c->o->runs, 1);
}

static const char *cap_name(uint32_t cap)
{
	int b = __builtin_ctz(cap);
	return b < mdl_ncaps ? mdl_cap_names[b] : "?";
}

/* What the clauses change that this run does not observe, from the one
 * table the executor and the run summary use (hx_unobserved, observe.c). */
static void unobserved(struct cf *c, struct hx_cf_profile *pr)
{
	const struct mdl_spec *sp = c->r->spec;
	for (int k = 0; k < sp->nclauses; k++) {
		const struct mdl_clause *cl = &sp->clauses[k];
		struct hx_cf_clause *o = &pr->cl[k];
		size_t n = 0, cap = sizeof o->not_observed;
		int blind = 0;
		for (int e = 0; e < cl->neffects; e++) {
			const char *why = hx_unobserved(&c->x, 0, cl->effects[e]);
			if (!why)
				continue;
			blind++;
			if (strstr(o->not_observed, why))
				continue; /* two effects, one reason */
			n += (size_t)snprintf(o->not_observed + n,
					      n < cap ? cap - n : 0, "%s%s",
					      n ? "; " : "", why);
		}
		o->blind = cl->neffects && blind == cl->neffects;
	}
}

/* Run one profile; 0, or 2 after a message. */
static int run_profile(struct hx_cf_report *r, const struct cf_opts *o,
		       const struct xmc_plugin *pl, int profile)
{
	static struct cf c;
	char err[512];
	memset(&c, 0, sizeof c);
	c.r = r;
	c.o = o;
	c.pl = pl;
	c.profile = profile;
	c.tty = !o->quiet && isatty(2);
	if (hx_init(&c.x, r->spec, profile, &pl, 1, o->seed, err, sizeof err)) {
		fprintf(stderr, "xmcheck conform: %s\n", err);
		return 2;
	}
	struct hx_cf_profile *pr = &r->prof[profile];
	pr->ran = 1;
	r->caps = c.x.impl[0].caps;
	for (int b = 0; b < 32 && b < mdl_ncaps; b++)
		if (!(r->caps & (1u << b)) && pl->cap_reason) {
			const char *why = pl->cap_reason(c.x.impl[0].w, 1u << b);
			snprintf(r->cap_reason[b], sizeof r->cap_reason[b], "%s",
				 why ? why : "");
		}
	c.x.on_div = on_div;
	c.x.on_op = on_op;
	c.x.ctx = &c;
	c.t0 = c.shown = now();
	int bad = 0;
	bad |= run_dir(&c, o->corpus, "seeds", &pr->directed);
	bad |= run_dir(&c, o->corpus, "directed", &pr->directed);
	bad |= run_dir(&c, o->corpus, "regressions", &pr->regressions);
	if (!bad)
		gen_loop(&c);
	for (int k = 0; k < r->spec->nclauses; k++)
		pr->cl[k].hits = c.x.hits[k];
	unobserved(&c, pr);
	pr->generated = bad ? 0 : o->runs;
	pr->ops = c.x.ops;
	pr->stopped_undefined = c.x.undefined;
	pr->stopped_unsupported = c.x.unsupported;
	/* The reading taken where the pages allow several (model.h). */
	pr->nreadings = 0;
	for (int k = 0; k < MDL_NREADINGS && k < 16; k++) {
		struct hx_cf_reading *rd = &pr->readings[pr->nreadings++];
		int opt = mdl_reading(c.x.impl[0].m, k);
		snprintf(rd->decision, sizeof rd->decision, "%s",
			 mdl_readings[k].name);
		snprintf(rd->reading, sizeof rd->reading, "%s (%s)",
			 opt < 0 ? "open: never told apart"
				 : mdl_readings[k].opt[opt],
			 hx_plugin_readings(pl) && opt >= 0 ? "declared or taken"
							    : "taken");
	}
	hx_fini(&c.x);
	return bad ? 2 : 0;
}

static int find_waiver(const struct hx_cf_report *r, const char *id)
{
	for (int i = 0; i < r->nwaivers; i++)
		if (!strcmp(r->waivers[i].clause, id))
			return i;
	return -1;
}

/* The outcome of clause k on profile p, from the counts. */
static void judge(struct hx_cf_report *r, int p, int k)
{
	const struct mdl_clause *c = &r->spec->clauses[k];
	struct hx_cf_clause *cl = &r->prof[p].cl[k];
	cl->waiver = find_waiver(r, c->id);
	int blind = cl->blind;
	if (c->profiles && !(c->profiles & (1u << p)))
		cl->outcome = HX_CF_NA;
	else if (cl->crashes)
		cl->outcome = HX_CF_CRASH;
	else if (cl->timeouts)
		cl->outcome = HX_CF_TIMEOUT;
	else if (cl->fails || cl->flaky)
		cl->outcome = cl->fails ? HX_CF_FAIL : HX_CF_FLAKY;
	else if ((c->needs & ~r->caps) || blind) {
		uint32_t miss = c->needs & ~r->caps;
		cl->outcome = HX_CF_UNSUPPORTED;
		if (miss) {
			const char *why = r->cap_reason[__builtin_ctz(miss)];
			snprintf(cl->reason, sizeof cl->reason,
				 "needs the %s capability: %s", cap_name(miss),
				 *why ? why : "not declared by the "
					      "implementation");
		} else {
			snprintf(cl->reason, sizeof cl->reason, "%.319s",
				 cl->not_observed);
		}
	} else
		cl->outcome = cl->hits ? HX_CF_PASS : HX_CF_UNTESTED;
	if (cl->waiver < 0 || cl->outcome > HX_CF_FLAKY)
		return;
	struct hx_cf_waiver *w = &r->waivers[cl->waiver];
	if (w->expired) {
		snprintf(cl->reason, sizeof cl->reason,
			 "waiver expired on %s: %s", w->expires, w->reason);
		return;
	}
	w->used = 1;
	cl->outcome = HX_CF_WAIVED;
	snprintf(cl->reason, sizeof cl->reason, "waived until %s: %s",
		 w->expires, w->reason);
}

static int in_list(char (*l)[180], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return 1;
	return 0;
}

/* Outcomes, baseline marks and the verdict. */
static void conclude(struct hx_cf_report *r, char (*base)[180], int nbase)
{
	int bad = 0, ran = 0;
	char first[180] = "";
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		if (!r->prof[p].ran)
			continue;
		ran++;
		if (r->prof[p].crashes + r->prof[p].timeouts && !bad++)
			snprintf(first, sizeof first, "%s/%s",
				 hx_profile_name(p), r->prof[p].crashes
							     ? "crash"
							     : "timeout");
		for (int k = 0; k < r->spec->nclauses; k++) {
			judge(r, p, k);
			struct hx_cf_clause *cl = &r->prof[p].cl[k];
			char key[180];
			snprintf(key, sizeof key, "%s/%s", hx_profile_name(p),
				 r->spec->clauses[k].id);
			if (cl->outcome <= HX_CF_FLAKY) {
				if (!bad++)
					snprintf(first, sizeof first, "%s", key);
				if (r->have_baseline)
					cl->base = in_list(base, nbase, key)
							   ? HX_CF_BASE_KNOWN
							   : HX_CF_BASE_NEW;
			} else if (cl->outcome == HX_CF_PASS &&
				   in_list(base, nbase, key) &&
				   r->nfixed < HX_CF_MAX_FIXED) {
				snprintf(r->fixed[r->nfixed++], 180, "%s", key);
			}
		}
	}
	for (int i = 0; i < r->nfind; i++) {
		struct hx_cf_finding *f = &r->find[i];
		if (f->clause >= 0)
			f->base = r->prof[f->profile].cl[f->clause].base;
	}
	/* a directed program whose expectation about the model is not met:
	 * the spec no longer says what the page sentence says */
	hx_cf_sent_judge(r);
	if (r->sent->unmet && !bad)
		snprintf(first, sizeof first, "sentence %s",
			 r->sent->first_unmet);
	bad += r->sent->unmet;
	r->conformant = ran && !bad;
	if (!ran)
		snprintf(r->verdict, sizeof r->verdict,
			 "NOT CONFORMANT: %s claims none of the profiles asked "
			 "for", r->impl);
	else if (!bad)
		snprintf(r->verdict, sizeof r->verdict,
			 "CONFORMANT: %s %s, %d profile%s, no failing clause",
			 r->impl, r->impl_version, ran, ran > 1 ? "s" : "");
	else
		snprintf(r->verdict, sizeof r->verdict,
			 "NOT CONFORMANT: %s %s, %d failing clause%s (first: "
			 "%s)", r->impl, r->impl_version, bad,
			 bad > 1 ? "s" : "", first);
}

/* The day waivers are judged on: SOURCE_DATE_EPOCH, else today (UTC). */
static int set_date(struct hx_cf_report *r)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	time_t t;
	if (e && *e) {
		if (hx_parse_u64(e, &v)) {
			fprintf(stderr, "xmcheck conform: SOURCE_DATE_EPOCH: not "
					"a number: %s\n", e);
			return -1;
		}
		t = (time_t)v;
		snprintf(r->date_src, sizeof r->date_src, "SOURCE_DATE_EPOCH");
	} else {
		t = time(NULL);
		snprintf(r->date_src, sizeof r->date_src, "today");
	}
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(r->date, sizeof r->date, "%Y-%m-%d", &tm);
	for (int i = 0; i < r->nwaivers; i++)
		r->waivers[i].expired = strcmp(r->waivers[i].expires, r->date) < 0;
	return 0;
}

static const char conform_help[] =
	"Usage: xmcheck conform --impl NAME|PATH.so --out DIR [options]\n"
	"Run the directed suite (CORPUS/seeds), the regression corpus\n"
	"(CORPUS/regressions) and N generated programs on each profile the\n"
	"implementation claims, re-run every divergence from a fresh world,\n"
	"and write DIR/index.html, report.md, junit.xml, report.json and\n"
	"summary.txt.\n\n"
	"  --impl NAME       the implementation (one; default sim)\n"
	"  --profile P       power or powerpc only (default: all it claims)\n"
	"  --seed N          PRNG seed of the generated programs (default 1)\n"
	"  --runs N          generated programs per profile (default 1000)\n"
	"  --max-ops N       longest generated program (default 48)\n"
	"  --waivers FILE    YAML list of {clause, reason, expires: YYYY-MM-DD}\n"
	"  --baseline FILE   an earlier report.json: mark fails new or known\n"
	"  --corpus DIR      where seeds/ and regressions/ are (default corpus)\n"
	"  --oracle DIR      where mutants.json, variants.json are (reports)\n"
	"  --spec PATH       spec file or directory (default: built-in)\n"
	"  --sentences FILE  the page file whose {#id} sentences the report\n"
	"                    lists (default docs/SERVICES.md, when present)\n"
	"  --quiet           no progress line on standard error\n"
	"  --isolate         run a built-in implementation in a sandboxed worker\n"
	"                    too (a plug-in .so always is)\n"
	"  --no-isolate      run a plug-in .so in process\n\n"
	"Waivers expire on the day given by SOURCE_DATE_EPOCH, else today.\n"
	"Exit status: 0 conformant, 1 not conformant, 2 usage or input error.\n";

enum { C_IMPL = 300, C_PROFILE, C_SEED, C_RUNS, C_MAXOPS, C_WAIVERS,
       C_BASELINE, C_OUT, C_CORPUS, C_ORACLE, C_SPEC, C_QUIET, C_ISOLATE,
       C_NOISOLATE, C_SENTENCES };

static const struct option conform_opts[] = {
	{"impl", required_argument, 0, C_IMPL},
	{"profile", required_argument, 0, C_PROFILE},
	{"seed", required_argument, 0, C_SEED},
	{"runs", required_argument, 0, C_RUNS},
	{"max-ops", required_argument, 0, C_MAXOPS},
	{"waivers", required_argument, 0, C_WAIVERS},
	{"baseline", required_argument, 0, C_BASELINE},
	{"out", required_argument, 0, C_OUT},
	{"corpus", required_argument, 0, C_CORPUS},
	{"oracle", required_argument, 0, C_ORACLE},
	{"spec", required_argument, 0, C_SPEC},
	{"quiet", no_argument, 0, C_QUIET},
	{"isolate", no_argument, 0, C_ISOLATE},
	{"no-isolate", no_argument, 0, C_NOISOLATE},
	{"sentences", required_argument, 0, C_SENTENCES},
	{"help", no_argument, 0, 'h'},
	{0, 0, 0, 0},
};

/* Parse options; -1 to go on, else an exit status. */
static int parse_opts(int argc, char **argv, struct cf_opts *o)
{
	uint64_t v;
	int c, nimpl = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", conform_opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(conform_help, stdout); return 0;
		case C_IMPL:
			if (nimpl++)
				return hx_cli_usage("conform", "one --impl only",
						    optarg);
			o->impl = optarg;
			break;
		case C_PROFILE:
			if ((o->profile = hx_parse_profile(optarg)) < 0)
				return hx_cli_usage("conform", "unknown profile "
						    "(power, powerpc)", optarg);
			break;
		case C_SEED:
			if (hx_parse_u64(optarg, &o->seed))
				return hx_cli_usage("conform", "bad --seed",
						    optarg);
			break;
		case C_RUNS:
			if (hx_parse_u64(optarg, &o->runs))
				return hx_cli_usage("conform", "bad --runs",
						    optarg);
			break;
		case C_MAXOPS:
			if (hx_parse_u64(optarg, &v) || v < 1 || v > XMP_MAX_OPS)
				return hx_cli_usage("conform", "bad --max-ops "
						    "(1..64)", optarg);
			o->max_ops = (int)v;
			break;
		case C_WAIVERS: o->waivers = optarg; break;
		case C_BASELINE: o->baseline = optarg; break;
		case C_OUT: o->out = optarg; break;
		case C_CORPUS: o->corpus = optarg; break;
		case C_ORACLE: o->oracle = optarg; break;
		case C_SPEC: o->spec = optarg; break;
		case C_SENTENCES: o->sentences = optarg; break;
		case C_QUIET: o->quiet = 1; break;
		/* a plug-in .so runs in a sandboxed worker unless told (iso.h) */
		case C_ISOLATE: hx_iso_opts.isolate = 1; break;
		case C_NOISOLATE: hx_iso_opts.no_isolate = 1; break;
		case ':':
			return hx_cli_usage("conform", "missing value",
					    argv[optind - 1]);
		default:
			return hx_cli_usage("conform", "unknown option",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hx_cli_usage("conform", "unexpected argument",
				    argv[optind]);
	if (!o->out)
		return hx_cli_usage("conform", "--out DIR is required", NULL);
	return -1;
}

/* Waivers, baseline, oracle, date: 0 or 2 after a message. */
static int read_inputs(struct hx_cf_report *r, const struct cf_opts *o,
		       char (**base)[180], int *nbase)
{
	char err[512];
	if (o->waivers && hx_cf_read_waivers(o->waivers, r, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 2;
	if (o->baseline) {
		if (hx_cf_read_baseline(o->baseline, base, nbase, err,
					sizeof err))
			return fprintf(stderr, "%s\n", err), 2;
		r->have_baseline = 1;
	}
	hx_cf_read_oracle(o->oracle, &r->oracle);
	hx_cf_read_coverage(r, o->out);
	return set_date(r) ? 2 : 0;
}

static void free_report(struct hx_cf_report *r)
{
	for (int p = 0; p < HX_CF_PROFILES; p++)
		free(r->prof[p].cl);
	for (int i = 0; i < r->nfind; i++)
		free(r->find[i].program);
	free(r->sent);
}

/* Profiles to run, then the report; returns the exit status. */
static int conform(struct hx_cf_report *r, const struct cf_opts *o,
		   const struct xmc_plugin *pl, char (*base)[180], int nbase)
{
	int rc = 0;
	for (int p = 1; p < HX_CF_PROFILES && !rc; p++) {
		if (!(r->prof[p].cl = calloc(r->spec->nclauses,
					     sizeof *r->prof[p].cl)))
			return fprintf(stderr, "xmcheck conform: out of "
					       "memory\n"), 2;
		if ((o->profile && o->profile != p) ||
		    !(pl->profiles & (1u << p)))
			continue;
		rc = run_profile(r, o, pl, p);
	}
	if (rc)
		return rc;
	conclude(r, base, nbase);
	if (hx_cf_write_all(r, o->out))
		return 2;
	printf("%s\nreport: %s/index.html\n", r->verdict, o->out);
	return r->conformant ? 0 : 1;
}

int hx_cmd_conform(int argc, char **argv)
{
	struct cf_opts o = {.impl = "sim", .seed = 1, .runs = 1000,
			    .max_ops = 48, .corpus = "corpus",
			    .oracle = "reports"};
	static struct hx_cf_report r;
	char err[512], (*base)[180] = NULL;
	int nbase = 0, rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	memset(&r, 0, sizeof r);
	printf("seed %" PRIu64 "\n", o.seed);
	fflush(stdout);
	r.seed = o.seed;
	r.runs = o.runs;
	r.max_ops = o.max_ops;
	hx_cf_set_cmdline(&r, argc, argv); /* argv[0] is "conform" */
	if ((rc = read_inputs(&r, &o, &base, &nbase)))
		return free(base), rc;
	struct mdl_spec *spec = NULL;
	if (o.spec ? mdl_spec_load(o.spec, &spec, err, sizeof err)
		   : hx_spec_builtin(&spec, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return free(base), 2;
	}
	r.spec = spec;
	if (!(r.sent = calloc(1, sizeof *r.sent)) ||
	    hx_cf_sent_load(r.sent, o.sentences ? o.sentences
						 : "docs/SERVICES.md",
			    o.sentences != NULL, o.corpus, spec, err,
			    sizeof err)) {
		fprintf(stderr, "%s\n", r.sent ? err : "out of memory");
		free_report(&r);
		mdl_spec_free(spec);
		return free(base), 2;
	}
	for (int i = 0; i < r.nwaivers; i++)
		if (mdl_spec_find(spec, r.waivers[i].clause) < 0) {
			fprintf(stderr, "%s:%d:1: unknown clause '%s'\n",
				o.waivers, r.waivers[i].line,
				r.waivers[i].clause);
			free(r.sent);
			mdl_spec_free(spec);
			return free(base), 2;
		}
	const struct xmc_plugin *pl = hx_plugin_open(o.impl, err, sizeof err);
	if (!pl) {
		fprintf(stderr, "xmcheck conform: %s\n", err);
		free(r.sent);
		mdl_spec_free(spec);
		return free(base), 2;
	}
	snprintf(r.impl, sizeof r.impl, "%s", pl->name);
	snprintf(r.impl_version, sizeof r.impl_version, "%s", pl->version);
	rc = conform(&r, &o, pl, base, nbase);
	free_report(&r);
	hx_plugin_close(pl);
	mdl_spec_free(spec);
	free(base);
	return rc;
}

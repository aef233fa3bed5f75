/*
 * run.c - `xmcheck run` (generate, compare, keep findings) and
 * `xmcheck minimize`.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "iso.h"
#include "outfile.h"

struct run_ctx {
	struct hx_exec *x; /* the run's executor */
	uint64_t program; /* index of the program being run */
	int quiet; /* print nothing per divergence */
	int has[HX_MAX_IMPLS]; /* implementation diverged on this program */
	struct hx_div div[HX_MAX_IMPLS]; /* its divergence */
	char first_sig[160]; /* first divergence of the run */
	uint64_t first_program, first_ops; /* where it was */
	struct hx_shard *shard; /* --shard bookkeeping, or NULL */
};

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	struct run_ctx *rc = ctx;
	(void)p;
	rc->has[d->impl] = 1;
	rc->div[d->impl] = *d;
	if (!rc->first_sig[0]) {
		snprintf(rc->first_sig, sizeof rc->first_sig, "%s", d->signature);
		rc->first_program = rc->program;
		rc->first_ops = rc->x->ops;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(void *ctx, const char *line)
{
	if (!*(int *)ctx)
		fprintf(stderr, "%s\n", line);
}

/* A second executor per implementation, for minimizing its findings. */
struct minimizers {
	struct hx_exec x[HX_MAX_IMPLS]; /* one implementation each */
	int ready[HX_MAX_IMPLS]; /* set up */
};

static struct hx_exec *minimizer(struct minimizers *mz, const struct hx_exec *x,
				 int i, uint64_t seed, const char *readings)
{
	char err[256];
	const struct xmc_plugin *pl[1] = {x->impl[i].pl};
	if (!mz->ready[i] && !hx_init(&mz->x[i], x->spec, x->profile, pl, 1,
				      seed, err, sizeof err))
		mz->ready[i] = 1;
	if (!mz->ready[i])
		return NULL;
	/* The minimizer runs under the readings the run had fixed. */
	mz->x[i].fresh_readings = 1;
	hx_set_readings(&mz->x[i], 0, readings, err, sizeof err);
	return &mz->x[i];
}

/* Keep the divergence of implementation i on p: minimize, then store. */
static int keep(struct run_ctx *rc, const struct hx_opts *o,
		struct hx_store *st, struct minimizers *mz,
		const struct xmp_prog *p, int i)
{
	static struct xmp_prog q;
	struct hx_div d = rc->div[i];
	char path[1024], err[512];
	if (hx_store_seen(st, d.signature) >= 0)
		return 0;
	char rd[256];
	mdl_print_readings(rc->x->impl[i].m, rd, sizeof rd);
	q = *p;
	struct hx_exec *mx = o->no_minimize ? NULL
					    : minimizer(mz, rc->x, i, o->seed, rd);
	if (mx) {
		struct xmp_prog orig = q;
		hx_minimize(mx, &q, d.signature, progress, &rc->quiet);
		if (!hx_first_div(mx, &q, &d) ||
		    strcmp(d.signature, rc->div[i].signature)) {
			q = orig; /* not reproducible alone: keep it whole */
			d = rc->div[i];
		}
	}
	const struct xmc_plugin *pl = rc->x->impl[i].pl;
	struct hx_finding f = {&d, pl->name, pl->version,
			       hx_profile_name(o->profile), o->seed, rc->program,
			       rc->x->spec->hash, p->n, &q,
			       hx_plugin_path(pl), rd};
	if (hx_store_put(st, &f, path, sizeof path, err, sizeof err)) {
		fprintf(stderr, "xmcheck run: %s\n", err);
		return -1;
	}
	if (rc->shard && st->nsig > 0) /* the order an unsharded run keeps */
		rc->shard->key[st->nsig - 1] =
			HX_MAX_SIGS + rc->program * HX_MAX_IMPLS + (uint64_t)i;
	if (!rc->quiet)
		printf("finding %s (program %" PRIu64 ", op %d)\n  expected: %s\n"
		       "  observed: %s\n  kept: %s (%d ops, %d before "
		       "minimizing)\n",
		       d.signature, rc->program, rc->div[i].op, d.expected,
		       d.observed, path, q.n, p->n);
	fflush(stdout); /* a killed run still tells what it kept */
	return 0;
}

static void gen(const struct hx_opts *o, uint64_t i, uint32_t caps,
		struct xmp_prog *p)
{
	struct xmp_src src;
	uint64_t st = o->seed ^ (i * 0x9e3779b97f4a7c15ull);
	xmp_src_rng(&src, xmp_splitmix(&st));
	int n = 4 + (int)(xmp_rng_next(src.rng) % (uint64_t)o->max_ops);
	xmp_decode(&src, n < o->max_ops ? n : o->max_ops, caps, o->profile, p);
}

static int write_summary(struct hx_out *out, const struct hx_exec *x,
			 const struct hx_summary *s)
{
	char err[1200];
	if (hx_summary_json(x, s, out->f) ||
	    hx_out_commit(out, err, sizeof err)) {
		if (out->f)
			snprintf(err, sizeof err, "%s: %s", out->path,
				 strerror(errno));
		hx_out_abort(out);
		fprintf(stderr, "xmcheck run: %s\n", err);
		return -1;
	}
	return 0;
}

/* Note one program's ops (--shard); -1 when out of memory. */
static int shard_add(struct hx_shard *sh, uint64_t ops)
{
	if (sh->nprog == sh->cap) {
		uint64_t cap = sh->cap ? sh->cap * 2 : 4096;
		uint64_t *n = realloc(sh->prog_ops, cap * sizeof *n);
		if (!n) {
			fprintf(stderr, "xmcheck run: out of memory\n");
			return -1;
		}
		sh->prog_ops = n;
		sh->cap = cap;
	}
	sh->prog_ops[sh->nprog++] = ops;
	return 0;
}

/* The generation loop; returns 0, or 2 when a finding could not be kept. */
static int loop(const struct hx_opts *o, struct hx_exec *x,
		struct run_ctx *rc, struct hx_store *st)
{
	static struct minimizers mz;
	static struct xmp_prog batch[HX_ISO_BATCH];
	uint32_t caps = hx_common_caps(x);
	int r = 0;
	uint64_t step = o->shard_n ? o->shard_n : 1;
	memset(&mz, 0, sizeof mz);
	for (rc->program = o->shard_k; rc->program < o->runs && !r;
	     rc->program += step) {
		/* ---- isolation: programs made a batch ahead (this shard's),
		 * so that an isolated implementation runs them in one round
		 * trip ---- */
		int k = (int)((rc->program - o->shard_k) / step % HX_ISO_BATCH);
		if (!k) {
			int n = 0;
			for (uint64_t q = rc->program;
			     n < HX_ISO_BATCH && q < o->runs; q += step)
				gen(o, q, caps, &batch[n++]);
			hx_iso_prefetch(x, batch, n);
		}
		const struct xmp_prog *p = &batch[k];
		memset(rc->has, 0, sizeof rc->has);
		uint64_t ops0 = x->ops;
		int ndiv = hx_run(x, p, NULL);
		if (rc->shard && shard_add(rc->shard, x->ops - ops0))
			r = 2;
		if (!ndiv)
			continue;
		for (int i = 0; i < x->nimpl && !r; i++)
			if (rc->has[i] && keep(rc, o, st, &mz, p, i))
				r = 2;
	}
	for (int i = 0; i < HX_MAX_IMPLS; i++)
		if (mz.ready[i])
			hx_fini(&mz.x[i]);
	return r;
}

/* Open the store; a --jobs shard learns the signatures in the findings
 * directory but writes its own into findings_write. */
static int open_store(const struct hx_opts *o, struct hx_store *st,
		      struct hx_shard *sh)
{
	char err[512];
	struct hx_store w; /* creates findings_write */
	int bad = hx_store_open(st, o->findings, err, sizeof err);
	if (!bad && o->findings_write) {
		bad = hx_store_open(&w, o->findings_write, err, sizeof err);
		hx_store_close(&w);
	}
	if (bad) {
		fprintf(stderr, "xmcheck run: %s\n", err);
		hx_store_close(st);
		return 2;
	}
	if (o->findings_write)
		snprintf(st->dir, sizeof st->dir, "%s", o->findings_write);
	for (int i = 0; sh && i < st->nsig; i++)
		sh->key[i] = (uint64_t)i;
	return 0;
}

static int run_one(struct hx_opts *op)
{
	struct hx_opts o = *op;
	struct hx_exec x;
	struct hx_store st;
	struct mdl_spec *spec;
	static struct hx_shard shard;
	struct hx_shard *sh = o.shard_n ? &shard : NULL;
	char err[512];
	int r;
	/* Outputs, spec and implementations checked before anything is made. */
	struct hx_out tr_out = {0}, sum_out = {0};
	if ((o.trace && hx_out_open(&tr_out, o.trace, err, sizeof err)) ||
	    (o.summary && hx_out_open(&sum_out, o.summary, err, sizeof err))) {
		hx_out_abort(&tr_out);
		fprintf(stderr, "xmcheck run: %s\n", err);
		return 2;
	}
	if ((r = hx_cli_setup("run", &o, &x, &spec))) {
		hx_out_abort(&tr_out);
		hx_out_abort(&sum_out);
		return r;
	}
	if (sh) {
		free(shard.prog_ops);
		memset(&shard, 0, sizeof shard);
		shard.k = o.shard_k;
		shard.n = o.shard_n;
	}
	if ((r = open_store(&o, &st, sh))) {
		hx_cli_teardown(&x, spec);
		hx_out_abort(&tr_out);
		hx_out_abort(&sum_out);
		return r;
	}
	printf("seed %" PRIu64 "\n", o.seed);
	fflush(stdout);
	struct run_ctx rc = {.x = &x, .quiet = o.quiet, .shard = sh};
	x.on_div = on_div;
	x.ctx = &rc;
	x.trace = tr_out.f;
	double t0 = now();
	if (!r)
		r = loop(&o, &x, &rc, &st);
	struct hx_summary s = {o.seed, hx_profile_name(o.profile), o.runs,
			       now() - t0, rc.first_sig[0] ? rc.first_sig : NULL,
			       rc.first_program, rc.first_ops, &st, sh};
	hx_summary_text(&x, &s, stdout);
	if (!r)
		r = x.divergences ? 1 : 0;
	x.trace = NULL;
	if (o.trace && hx_out_commit(&tr_out, err, sizeof err)) {
		fprintf(stderr, "xmcheck run: %s\n", err);
		r = 2;
	}
	if (o.summary && (r == 2 ? (hx_out_abort(&sum_out), 0)
				 : write_summary(&sum_out, &x, &s)))
		r = 2;
	if (!r && hx_nothing_compared(&x, "run"))
		r = 2; /* after the summary: it says what was not tested */
	hx_cli_teardown(&x, spec);
	hx_store_close(&st);
	return r;
}

int hx_cmd_run(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER, .seed = 1,
			    .runs = 1000, .max_ops = 48, .findings = "findings"};
	int r = hx_cli_opts("run", hx_run_help, argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind < argc)
		return hx_cli_usage("run", "unexpected argument", argv[optind]);
	if (o.jobs > 1 && o.shard_n)
		return hx_cli_usage("run", "--jobs and --shard together", NULL);
	return o.jobs > 1 ? hx_run_jobs(&o, run_one) : run_one(&o);
}

static const char minimize_help[] =
	"Usage: xmcheck minimize FILE [--impl NAME|PATH.so] [-o OUT] "
	"[--profile P]\n"
	"Shrink the program in FILE while its first divergence on the\n"
	"implementation keeps its signature: drop ops, then move arguments\n"
	"toward the smallest values. Writes the result as a finding (header and\n"
	"program) to OUT, or to standard output; a progress line per round goes\n"
	"to standard error. The profile defaults to the file's '# profile:'.\n\n"
	"  --impl NAME   implementation (default: sim)\n"
	"  -o, --output  where to write the minimized program\n"
	"  --spec PATH   spec file or directory\n"
	"  --quiet       no progress lines\n"
	"Exit status: 0 minimized, 2 usage or input error, or no divergence.\n";

static int write_min(struct hx_out *out, const struct hx_finding *f)
{
	char err[1200];
	hx_finding_write(out->f ? out->f : stdout, f);
	if (out->f && hx_out_commit(out, err, sizeof err)) {
		fprintf(stderr, "xmcheck minimize: %s\n", err);
		return 2;
	}
	return 0;
}

int hx_cmd_minimize(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER};
	static struct xmp_prog p;
	struct hx_exec x;
	struct hx_div d;
	struct mdl_spec *spec;
	char *text, seed[32] = "0";
	int r = hx_cli_opts("minimize", minimize_help, argc, argv, &o);
	int quiet = o.quiet;
	if (r >= 0)
		return r;
	if (optind != argc - 1 || o.nimpls != 1)
		return hx_cli_usage("minimize", "expected one FILE and one --impl",
				    NULL);
	if ((r = hx_load_prog(argv[optind], &o, &p, &text)))
		return r;
	hx_header_get(text, "seed", seed, sizeof seed);
	free(text);
	struct hx_out out = {0};
	char err[1200];
	if (o.out && hx_out_open(&out, o.out, err, sizeof err))
		return fprintf(stderr, "xmcheck minimize: %s\n", err), 2;
	if ((r = hx_cli_setup("minimize", &o, &x, &spec)))
		return hx_out_abort(&out), r;
	if (!hx_first_div(&x, &p, &d)) {
		fprintf(stderr, "%s: no divergence on %s\n", argv[optind],
			x.impl[0].pl->name);
		hx_cli_teardown(&x, spec);
		hx_out_abort(&out);
		return 2;
	}
	int before = p.n;
	char sig[160];
	snprintf(sig, sizeof sig, "%s", d.signature);
	hx_minimize(&x, &p, sig, progress, &quiet);
	hx_first_div(&x, &p, &d);
	if (!quiet)
		fprintf(stderr, "minimized %s: %d -> %d ops\n", sig, before, p.n);
	struct hx_finding f = {&d, x.impl[0].pl->name, x.impl[0].pl->version,
			       hx_profile_name(o.profile),
			       strtoull(seed, NULL, 0), 0, spec->hash, before,
			       &p, hx_plugin_path(x.impl[0].pl)};
	r = write_min(&out, &f);
	hx_cli_teardown(&x, spec);
	return r;
}

static const char gen_help[] =
	"Usage: xmcheck gen --seed N --program I [--profile P] [--impl ...]\n"
	"Print program I of the run `xmcheck run --seed N` would make (with the\n"
	"same --profile and --impl, which decide what may be generated), as\n"
	"text: the program a divergence message names, ready for replay.\n";

int hx_cmd_gen(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER, .seed = 1,
			    .max_ops = 48};
	static struct xmp_prog p;
	static char text[XMP_MAX_OPS * 160];
	struct hx_exec x;
	struct mdl_spec *spec;
	int r = hx_cli_opts("gen", gen_help, argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind < argc)
		return hx_cli_usage("gen", "unexpected argument", argv[optind]);
	if ((r = hx_cli_setup("gen", &o, &x, &spec)))
		return r;
	gen(&o, o.runs, hx_common_caps(&x), &p);
	xmp_print(&p, text, sizeof text);
	printf("# program %" PRIu64 " of seed %" PRIu64 "\n# profile: %s\n%s",
	       o.runs, o.seed, hx_profile_name(o.profile), text);
	hx_cli_teardown(&x, spec);
	return 0;
}

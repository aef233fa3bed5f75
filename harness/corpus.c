/*
 * corpus.c - `xmcheck corpus`: replay program files against the model and
 * every implementation and hold each to the outcome written in its header,
 * the way SQLite's fuzzcheck replays its corpus. Header lines:
 *
 *   # profile: power|powerpc          (default power)
 *   # expect: fires CLAUSE            the last op fires CLAUSE (each line)
 *   # expect: misses CLAUSE           the last op does not fire CLAUSE
 *   # expect: pass                    no implementation diverges
 *   # expect: diverged SIGNATURE      that divergence (a finding)
 *
 * and `expect` lines after any op (prog.h, docs/PROGRAMS.md). Without an
 * outcome line a file must not diverge. A world step the model finds illegal
 * is an error in a hand-written file (not in a kept finding, whose program
 * was generated). A failure names the file and line; a malformed file or an
 * unknown clause is an input error (exit 2).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct expect {
	char diverged[160]; /* signature expected, or "" */
	char readings[256]; /* "# readings:" the file is written for */
	uint32_t without; /* "# without:" caps it is written to lack */
	int finding; /* a kept finding (# signature:): skipped steps allowed */
	struct xmp_expects ex; /* expect lines, and "# expect: fires|misses" */
};

struct seen {
	const struct hx_exec *x; /* the executor (its model worlds) */
	const struct xmp_expects *ex; /* what to check after each op */
	const char *path; /* the file, for messages */
	uint64_t reached[HX_MAX_IMPLS]; /* ops the model judged, a bit each */
	int bad[HX_MAX_IMPLS]; /* expectations not met */
	uint32_t skip; /* implementations the file is not for (bit each) */
	char sig[HX_MAX_IMPLS][160]; /* divergence signature, or "" */
};

static int fired(const struct hx_exec *x, const struct mdl_eval *ev,
		 const char *id)
{
	for (int i = 0; i < ev->nfired; i++)
		if (!strcmp(x->spec->clauses[ev->fired[i]].id, id))
			return 1;
	return 0;
}

/* The allowed set of ev is exactly the values e lists. */
static int same_rets(const struct mdl_eval *ev, const struct xmp_expect *e)
{
	if (ev->rule != MDL_RULE_VALUES || ev->nrets == 0)
		return 0;
	for (int i = 0; i < ev->nrets; i++) {
		int in = 0;
		for (int j = 0; j < e->nvals; j++)
			in |= ev->rets[i] == e->vals[j];
		if (!in)
			return 0;
	}
	for (int j = 0; j < e->nvals; j++) {
		int in = 0;
		for (int i = 0; i < ev->nrets; i++)
			in |= ev->rets[i] == e->vals[j];
		if (!in)
			return 0;
	}
	return 1;
}

static int64_t page_field(const struct xmc_page_state *st, int f)
{
	const int64_t v[XMP_NPAGE_FIELDS] = {
		st->in_memory, st->valid, st->modified, st->pager_io,
		st->prot, st->io_error, st->pin_count, st->hide_count,
		st->waiters,
	};
	return v[f];
}

/* Check one expectation after its op; writes what differs to why. */
int hx_expect_check(const struct hx_exec *x, int impl,
		    const struct mdl_eval *ev, const struct xmp_expect *e,
		    char *why, size_t len)
{
	const struct mdl_world *m = x->impl[impl].m;
	struct xmc_page_state st;
	switch (e->kind) {
	case XMP_X_RET:
		if (same_rets(ev, e))
			return 0;
		int o = snprintf(why, len, "the model allows ");
		for (int i = 0; i < ev->nrets && o > 0 && (size_t)o < len; i++)
			o += snprintf(why + o, len - (size_t)o, "%s%lld",
				      i ? "," : "", (long long)ev->rets[i]);
		if (ev->rule != MDL_RULE_VALUES && o > 0 && (size_t)o < len)
			snprintf(why + o, len - (size_t)o, "%s",
				 "no fixed set (the implementation chooses)");
		return 1;
	case XMP_X_FIRES:
	case XMP_X_MISSES:
		if (fired(x, ev, e->clause) == (e->kind == XMP_X_FIRES))
			return 0;
		snprintf(why, len, "%s %s", e->clause,
			 e->kind == XMP_X_FIRES ? "does not fire" : "fires");
		return 1;
	case XMP_X_PAGE:
		if (mdl_page_state(m, (int)e->vals[0], (uint32_t)e->vals[1],
				   &st))
			return snprintf(why, len, "no such page"), 1;
		for (int i = 0; i < e->nfields; i++)
			if (page_field(&st, e->field[i]) != e->fval[i])
				return snprintf(why, len, "%s is %lld",
						xmp_page_fields[e->field[i]],
						(long long)page_field(
							&st, e->field[i])),
				       1;
		return 0;
	case XMP_X_ASPACE: {
		int32_t a = mdl_desc(m, (int)e->vals[0])->aspace_id;
		if (a == e->value)
			return 0;
		snprintf(why, len, "aspace_id is %d", (int)a);
		return 1;
	}
	}
	return 0;
}

static void on_op(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	struct seen *s = ctx;
	char why[160], line[200];
	s->reached[impl] |= 1ull << op;
	for (int i = 0; i < s->ex->n && !(s->skip >> impl & 1); i++) {
		const struct xmp_expect *e = &s->ex->e[i];
		/* an isolated implementation's model world lives in its
		 * worker: its page and descriptor words are checked where the
		 * model runs in process (the built-in implementations) */
		int remote = s->x->impl[impl].iso &&
			     (e->kind == XMP_X_PAGE || e->kind == XMP_X_ASPACE);
		if (e->op != op || remote ||
		    !hx_expect_check(s->x, impl, ev, e, why, sizeof why))
			continue;
		xmp_print_expect(e, line, sizeof line);
		printf("%s:%d:%d: %s: '%s' not met: %s\n", s->path, e->line,
		       e->col, s->x->impl[impl].pl->name, line, why);
		s->bad[impl]++;
	}
}

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	struct seen *s = ctx;
	(void)p;
	snprintf(s->sig[d->impl], sizeof s->sig[0], "%s", d->signature);
}

/* Why a world step can be illegal (model/steps.c, docs/WORLD.md). */
static const char *const illegal_why[XMP_FIRST_SVC] = {
	[XMP_PROC_NEW] = "processes are created in order: pid must be the "
			 "next id, at most 4",
	[XMP_PROC_SWITCH] = "the process does not exist",
	[XMP_SEG_NEW] = "segments are created in order: seg must be the next "
			"number, at most 16",
	[XMP_SEG_DELETE] = "the segment must exist, not be deleted or held, "
			   "and have no pinned page",
	[XMP_MAP] = "the process and segment must exist and the region be "
		    "one a process may use and free",
	[XMP_PROTECT] = "the page must exist and not be hidden for DMA",
	[XMP_PIN] = "the page must exist, be pinned fewer than 100 times, and "
		    "be readable from paging space",
	[XMP_UNPIN] = "the page must be pinned and not hidden",
	[XMP_PAGE_OUT] = "the page must be in memory, unpinned, not hidden and "
			 "not in pager I/O",
	[XMP_PAGE_IN] = "the page must be paged out without an I/O error",
	[XMP_IO_ERROR] = "the page must exist",
	[XMP_PAGER_IO] = "the page must exist",
	[XMP_WAIT] = "waiting is on a page hidden for DMA, on power only",
	[XMP_SET_ENV] = "interrupt must be 0 or 1",
	[XMP_POKE] = "the range must lie in the segment's defined pages",
	[XMP_DMA_READ] = "the device range must lie in one defined page",
	[XMP_DMA_WRITE] = "the device range must lie in one defined page",
	[XMP_CLEAR_MOD] = "the page must be in memory",
	[XMP_PROBE] = "the process does not exist",
	[XMP_DESC_SET] = "dp must be 0..3",
	[XMP_IMAGE] = "the process must exist, have no image yet, and have run "
		      "no service while current",
	[XMP_KSEG_NEW] = "the kernel segment must not exist yet",
};

/* Steps the model skipped as illegal; 1 (and a message) when any. */
static int illegal_steps(const struct seen *s, const struct xmp_prog *p,
			 int impl, int outcome)
{
	uint64_t r = s->reached[impl];
	int last = 63 - (r ? __builtin_clzll(r) : 64), bad = 0;
	int limit = outcome == HX_PASS ? p->n : last;
	char op[200];
	for (int i = 0; i < limit; i++) {
		if ((r >> i) & 1 || XMP_IS_SVC(p->op[i].code))
			continue;
		xmp_print_op(&p->op[i], op, sizeof op);
		printf("%s:%d:1: '%s' is not legal here: %s\n", s->path,
		       s->ex->op_line[i], op, illegal_why[p->op[i].code]);
		bad = 1;
	}
	return bad;
}

int hx_expects_read(const char *path, const char *text, int nops,
		    struct xmp_expects *ex, char *err, size_t errlen)
{
	if (xmp_parse_expects(path, text, ex, err, errlen))
		return -1;
	for (const char *l = strstr(text, "# expect:"); l;
	     l = strstr(l + 1, "# expect:")) {
		char kind[16] = "", arg[160] = "";
		if (sscanf(l, "# expect: %15s %159s", kind, arg) < 1)
			continue;
		int f = !strcmp(kind, "fires"), m = !strcmp(kind, "misses");
		if ((!f && !m) || !nops || ex->n == XMP_MAX_EXPECT)
			continue;
		struct xmp_expect *x = &ex->e[ex->n++];
		memset(x, 0, sizeof *x);
		x->op = nops - 1;
		x->kind = f ? XMP_X_FIRES : XMP_X_MISSES;
		x->col = 1;
		for (const char *q = text; q < l; q++)
			x->line += *q == '\n';
		x->line++;
		snprintf(x->clause, sizeof x->clause, "%.95s", arg);
	}
	return 0;
}

/* "# expect: ..." header lines; fires/misses apply to the last op. */
static int parse_expect(const char *path, const char *text, int nops,
			struct expect *e)
{
	char err[512], kind[16], arg[160];
	memset(e, 0, sizeof *e);
	e->finding = strstr(text, "# signature:") != NULL;
	if (hx_expects_read(path, text, nops, &e->ex, err, sizeof err))
		return printf("%s\n", err), -1;
	for (const char *l = strstr(text, "# expect:"); l;
	     l = strstr(l + 1, "# expect:"))
		if (sscanf(l, "# expect: %15s %159s", kind, arg) == 2 &&
		    !strcmp(kind, "diverged"))
			snprintf(e->diverged, sizeof e->diverged, "%s", arg);
	return 0;
}

/* Every clause an expectation names must be in the spec. */
int hx_expects_known(const char *path, const struct mdl_spec *spec,
		     const struct xmp_expects *ex)
{
	for (int i = 0; i < ex->n; i++) {
		const struct xmp_expect *e = &ex->e[i];
		if ((e->kind == XMP_X_FIRES || e->kind == XMP_X_MISSES) &&
		    mdl_spec_find(spec, e->clause) < 0) {
			printf("%s:%d:%d: unknown clause '%s'\n", path, e->line,
			       e->col, e->clause);
			return -1;
		}
	}
	return 0;
}

/* Check one implementation's run against the expectations; 0 = as expected. */
static int judge(const char *path, const struct hx_exec *x, int i,
		 const struct seen *s, const struct expect *e,
		 const struct xmp_prog *p, int outcome)
{
	const char *name = x->impl[i].pl->name;
	if (outcome == HX_UNSUPPORTED && !s->sig[i][0])
		return 0; /* a step it declares it cannot do: not judged */
	if (hx_readings_conflict(e->readings, hx_plugin_readings(x->impl[i].pl)))
		return 0; /* written for a reading it declares it does not take */
	if (e->without & x->impl[i].caps)
		return 0; /* written for an implementation without a cap */
	size_t nl = strlen(name);
	int mine = e->diverged[0] && !strncmp(e->diverged, name, nl) &&
		   e->diverged[nl] == '/';
	if (mine || s->sig[i][0]) {
		if (mine && !strcmp(s->sig[i], e->diverged))
			return 0;
		printf("%s: %s: expected %s, got %s\n", path, name,
		       mine ? e->diverged : "no divergence",
		       s->sig[i][0] ? s->sig[i] : "no divergence");
		return 1;
	}
	int bad = s->bad[i] > 0;
	if (!e->finding)
		bad |= illegal_steps(s, p, i, outcome);
	for (int k = 0; k < e->ex.n; k++) {
		int op = e->ex.e[k].op;
		if (!((s->reached[i] >> op) & 1)) {
			printf("%s:%d:%d: %s: op %d never judged (the program "
			       "stopped before it)\n", path, e->ex.e[k].line,
			       e->ex.e[k].col, name, op + 1);
			bad = 1;
			break;
		}
	}
	return bad;
}

struct corpus {
	struct hx_exec x[3]; /* per profile (index enum xmc_profile) */
	int ready[3]; /* set up */
	struct mdl_spec *spec; /* shared spec */
	int passed, failed; /* files */
	int unsupported; /* (file, implementation) pairs not judged */
};

static int replay_file(struct corpus *c, const struct hx_opts *o,
		       const char *path)
{
	static struct xmp_prog p;
	struct hx_opts fo = *o;
	static struct expect e;
	static struct seen s;
	char *text, err[512], prof[32] = "power", rd[256] = "";
	if (!(text = hx_read_text(path)))
		return -1;
	hx_header_get(text, "profile", prof, sizeof prof);
	hx_header_get(text, "readings", rd, sizeof rd);
	fo.profile = hx_parse_profile(prof);
	if (fo.profile < 0)
		snprintf(err, sizeof err, "%s:%d:1: unknown profile '%s' "
			 "(power, powerpc)", path,
			 xmp_header_line(text, "profile"), prof);
	if (fo.profile < 0 || xmp_parse(path, text, &p, err, sizeof err)) {
		printf("%s\n", err);
		free(text);
		return -1;
	}
	if (parse_expect(path, text, p.n, &e) ||
	    hx_expects_known(path, c->spec, &e.ex)) {
		free(text);
		return -2; /* a malformed test is an input error */
	}
	snprintf(e.readings, sizeof e.readings, "%s", rd);
	char wo[128] = "";
	hx_header_get(text, "without", wo, sizeof wo);
	e.without = mdl_cap_mask(wo);
	free(text);
	struct hx_exec *x = &c->x[fo.profile];
	if (!c->ready[fo.profile]) {
		const struct xmc_plugin *pls[HX_MAX_IMPLS];
		for (int i = 0; i < o->nimpls; i++)
			if (!(pls[i] = hx_plugin_open(o->impls[i], err, sizeof err)))
				return fprintf(stderr, "xmcheck corpus: %s\n",
					       err), -2;
		if (hx_init(x, c->spec, fo.profile, pls, o->nimpls, 1, err,
			    sizeof err))
			return fprintf(stderr, "xmcheck corpus: %s\n", err), -2;
		c->ready[fo.profile] = 1;
	}
	x->fresh_readings = 1;
	for (int i = 0; i < x->nimpl; i++) {
		const char *own = hx_plugin_readings(x->impl[i].pl);
		if (hx_set_readings(x, i, own ? own : "", err, sizeof err) ||
		    (!hx_readings_conflict(rd, own) &&
		     mdl_parse_readings(x->impl[i].m, rd, err, sizeof err)))
			return printf("%s: %s\n", path, err), -1;
		for (int r = 0; r < MDL_NREADINGS; r++)
			x->impl[i].rd0[r] = (int8_t)mdl_reading(x->impl[i].m, r);
	}
	memset(&s, 0, sizeof s);
	/* Written for a reading an implementation declares it does not take:
	 * not its test (docs/WORLD.md, "Readings"). */
	for (int i = 0; i < x->nimpl; i++)
		if (hx_readings_conflict(e.readings,
					 hx_plugin_readings(x->impl[i].pl)) ||
		    (e.without & x->impl[i].caps))
			s.skip |= 1u << i;
	s.x = x;
	s.ex = &e.ex;
	s.path = path;
	x->on_op = on_op;
	x->on_div = on_div;
	x->ctx = &s;
	int outcome[HX_MAX_IMPLS], bad = 0;
	hx_run(x, &p, outcome);
	for (int i = 0; i < x->nimpl; i++) {
		bad |= judge(path, x, i, &s, &e, &p, outcome[i]);
		c->unsupported += outcome[i] == HX_UNSUPPORTED;
	}
	return bad ? -1 : 0;
}

static int is_prog_name(const char *n)
{
	size_t l = strlen(n);
	return l > 5 && !strcmp(n + l - 5, ".prog");
}

static int walk(struct corpus *c, const struct hx_opts *o, const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return printf("%s: no such file or directory\n", path), -1;
	if (!S_ISDIR(st.st_mode)) {
		int r = replay_file(c, o, path);
		if (r == -2)
			return -2;
		r ? c->failed++ : c->passed++;
		return 0;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort), r = 0;
	for (int i = 0; i < n; i++) {
		char sub[1024];
		const char *nm = ents[i]->d_name;
		snprintf(sub, sizeof sub, "%s/%s", path, nm);
		if (nm[0] != '.' && !r && (is_prog_name(nm) || stat(sub, &st) ||
					   S_ISDIR(st.st_mode)))
			r = walk(c, o, sub);
		free(ents[i]);
	}
	free(ents);
	return r;
}

static const char corpus_help[] =
	"Usage: xmcheck corpus PATH... [--impl NAME|PATH.so]...\n"
	"Replay every *.prog under PATH against the model and each\n"
	"implementation, and check the outcome its '# expect:' lines state.\n"
	"Each file that does not behave as stated is named on one line.\n"
	"Exit status: 0 all as stated, 1 some not, 2 usage error.\n";

int hx_cmd_corpus(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER};
	static struct corpus c;
	char err[512];
	int r = hx_cli_opts("corpus", corpus_help, argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return hx_cli_usage("corpus", "expected a PATH", NULL);
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st))
			return fprintf(stderr, "xmcheck corpus: %s: %s\n",
				       argv[i], strerror(errno)),
			       2;
	}
	memset(&c, 0, sizeof c);
	if (o.spec ? mdl_spec_load(o.spec, &c.spec, err, sizeof err)
		   : hx_spec_builtin(&c.spec, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 2;
	for (int i = optind; i < argc && r != -2; i++)
		if ((r = walk(&c, &o, argv[i])) == -1)
			c.failed++;
	for (int p = 0; p < 3; p++)
		if (c.ready[p]) {
			const struct xmc_plugin *pls[HX_MAX_IMPLS];
			int n = c.x[p].nimpl;
			for (int i = 0; i < n; i++)
				pls[i] = c.x[p].impl[i].pl;
			hx_fini(&c.x[p]);
			for (int i = 0; i < n; i++)
				hx_plugin_close(pls[i]);
		}
	mdl_spec_free(c.spec);
	if (r == -2)
		return 2;
	if (c.unsupported)
		printf("(%d file/implementation pairs stopped at a step the "
		       "implementation declares unsupported)\n", c.unsupported);
	printf("corpus: %d passed, %d failed\n", c.passed, c.failed);
	return c.failed ? 1 : 0;
}

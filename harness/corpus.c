/*
 * corpus.c - `xmcheck corpus`: replay program files against the model and
 * every implementation and hold each to the outcome written in its header,
 * the way SQLite's fuzzcheck replays its corpus. Header lines:
 *
 *   # profile: power|powerpc          (default power)
 *   # expect: fires CLAUSE            the last op fires CLAUSE
 *   # expect: misses CLAUSE           the last op does not fire CLAUSE
 *   # expect: pass                    no implementation diverges
 *   # expect: diverged SIGNATURE      that divergence (a finding)
 *
 * Without an outcome line a file must not diverge. A failure names the file.
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
	char fires[160]; /* clause the last op must fire, or "" */
	char misses[160]; /* clause it must not fire, or "" */
	char diverged[160]; /* signature expected, or "" */
	char readings[256]; /* "# readings:" the file is written for */
};

struct seen {
	int last_op[HX_MAX_IMPLS]; /* last op executed, per impl */
	struct mdl_eval ev[HX_MAX_IMPLS]; /* its verdict */
	char sig[HX_MAX_IMPLS][160]; /* divergence signature, or "" */
};

static void on_op(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	struct seen *s = ctx;
	s->last_op[impl] = op;
	s->ev[impl] = *ev;
}

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	struct seen *s = ctx;
	(void)p;
	snprintf(s->sig[d->impl], sizeof s->sig[0], "%s", d->signature);
}

static int fired(const struct hx_exec *x, const struct mdl_eval *ev,
		 const char *id)
{
	for (int i = 0; i < ev->nfired; i++)
		if (!strcmp(x->spec->clauses[ev->fired[i]].id, id))
			return 1;
	return 0;
}

static void parse_expect(const char *text, struct expect *e)
{
	memset(e, 0, sizeof *e);
	for (const char *l = strstr(text, "# expect:"); l;
	     l = strstr(l + 1, "# expect:")) {
		char kind[16] = "", arg[160] = "";
		if (sscanf(l, "# expect: %15s %159s", kind, arg) < 1)
			continue;
		if (!strcmp(kind, "fires"))
			snprintf(e->fires, sizeof e->fires, "%s", arg);
		else if (!strcmp(kind, "misses"))
			snprintf(e->misses, sizeof e->misses, "%s", arg);
		else if (!strcmp(kind, "diverged"))
			snprintf(e->diverged, sizeof e->diverged, "%s", arg);
	}
}

/* Check one implementation's run against the expectations; 0 = as expected. */
static int judge(const char *path, const struct hx_exec *x, int i,
		 const struct seen *s, const struct expect *e, int n,
		 int outcome)
{
	const char *name = x->impl[i].pl->name;
	if (outcome == HX_UNSUPPORTED && !s->sig[i][0])
		return 0; /* a step it declares it cannot do: not judged */
	if (hx_readings_conflict(e->readings, hx_plugin_readings(x->impl[i].pl)))
		return 0; /* written for a reading it declares it does not take */
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
	if ((e->fires[0] || e->misses[0]) && s->last_op[i] != n - 1) {
		printf("%s: %s: stopped at op %d of %d\n", path, name,
		       s->last_op[i], n);
		return 1;
	}
	if (e->fires[0] && !fired(x, &s->ev[i], e->fires)) {
		printf("%s: %s: last op does not fire %s\n", path, name,
		       e->fires);
		return 1;
	}
	if (e->misses[0] && fired(x, &s->ev[i], e->misses)) {
		printf("%s: %s: last op fires %s\n", path, name, e->misses);
		return 1;
	}
	return 0;
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
	struct expect e;
	struct seen s;
	char *text, err[512], prof[32] = "power", rd[256] = "";
	if (!(text = hx_read_text(path)))
		return -1;
	hx_header_get(text, "profile", prof, sizeof prof);
	hx_header_get(text, "readings", rd, sizeof rd);
	fo.profile = hx_parse_profile(prof);
	if (fo.profile < 0 || xmp_parse(path, text, &p, err, sizeof err)) {
		printf("%s\n", fo.profile < 0 ? "bad '# profile:' line" : err);
		free(text);
		return -1;
	}
	parse_expect(text, &e);
	snprintf(e.readings, sizeof e.readings, "%s", rd);
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
	x->on_op = on_op;
	x->on_div = on_div;
	x->ctx = &s;
	int outcome[HX_MAX_IMPLS], bad = 0;
	hx_run(x, &p, outcome);
	for (int i = 0; i < x->nimpl; i++) {
		bad |= judge(path, x, i, &s, &e, p.n, outcome[i]);
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

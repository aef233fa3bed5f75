/*
 * test_clauses.c - the per-clause seed corpus (corpus/seeds/): for every
 * clause of the built-in spec, <id>.prog must make its last op fire the
 * clause and <id>.miss.prog must not, both replaying on the simulator with
 * no step skipped and no divergence. Each file says how to run it:
 *
 *   # profile: power
 *   # expect: fires <id>      (or "misses <id>" in the .miss.prog)
 *
 * Run from the project root, or set CORPUS_DIR.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "model.h"
#include "prog.h"
#include "sim.h"
#include "spec.h"
#include "xmcheck.h"

/* The spec compiled into the library (build/<mode>/spec_builtin.c). */
extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

#define MAX_TEXT 65536 /* bytes of one seed file */

static struct mdl_spec *spec;

/* The simulator without kernel space: the seeds written "# without: kernel". */
static struct xmc_plugin sim_nokern;

static void spec_setup(void)
{
	char err[512];

	sim_nokern = sim_plugin;
	sim_nokern.name = "sim-nokernel";
	sim_nokern.kseg_new = NULL;

	if (mdl_spec_load_mem(mdl_builtin_nfiles, mdl_builtin_names,
			      mdl_builtin_bufs, mdl_builtin_lens, &spec, err,
			      sizeof err)) {
		fprintf(stderr, "built-in spec: %s\n", err);
		abort();
	}
}

static void spec_teardown(void)
{
	mdl_spec_free(spec);
	spec = NULL;
}

static const char *corpus_dir(void)
{
	const char *d = getenv("CORPUS_DIR");
	return d && *d ? d : "corpus/seeds";
}

/* The whole file as a string; the test fails naming it when absent. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	size_t n;

	ck_assert_msg(f != NULL, "%s: missing", path);
	b = malloc(MAX_TEXT + 1);
	ck_assert_ptr_nonnull(b);
	n = fread(b, 1, MAX_TEXT, f);
	ck_assert_msg(!ferror(f) && feof(f), "%s: unreadable or too long",
		      path);
	fclose(f);
	b[n] = 0;
	return b;
}

/* The value of a "# key: value" header line, copied into out. */
static int header(const char *text, const char *key, char *out,
		  size_t len)
{
	size_t kl = strlen(key);

	for (const char *s = text; *s;) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		const char *v = s + 1;

		while (v < s + n && *v == ' ')
			v++;
		if (*s == '#' && !strncmp(v, key, kl) && v[kl] == ':') {
			v += kl + 1;
			while (v < s + n && *v == ' ')
				v++;
			size_t vl = (size_t)(s + n - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
				vl--;
			if (vl >= len)
				return -1;
			memcpy(out, v, vl);
			out[vl] = 0;
			return 0;
		}
		s += n + (eol != NULL);
	}
	return -1;
}

static int profile_id(const char *name)
{
	for (int i = 0; i < spec->nprofiles; i++)
		if (!strcmp(spec->profiles[i].name, name))
			return spec->profiles[i].id;
	return -1;
}

/* What the executor reported for impl 0, op by op. */
struct rec {
	int nops; /* on_op calls, i.e. ops executed */
	int skipped; /* first op index not executed in order, -1 none */
	int last; /* index of the last op executed, -1 none */
	struct mdl_eval ev; /* the model's verdict on it */
};

static void on_op(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	struct rec *r = ctx;

	if (impl != 0)
		return;
	if (op != r->last + 1 && r->skipped < 0)
		r->skipped = r->last + 1;
	r->nops++;
	r->last = op;
	r->ev = *ev;
}

static int fired(const struct mdl_eval *ev, int clause)
{
	for (int i = 0; i < ev->nfired; i++)
		if (ev->fired[i] == clause)
			return 1;
	return 0;
}

static const char *outcome_name(int o)
{
	static const char *const n[] = {"pass", "diverged", "undefined",
					"unsupported"};
	return o >= 0 && o <= HX_UNSUPPORTED ? n[o] : "?";
}

#ifdef XMC_WITH_LINUX
extern const struct xmc_plugin lnx_plugin;
#endif

/* Every built-in implementation: each must agree with the model on a seed. */
static const struct xmc_plugin *const impls[] = {
	&sim_plugin,
	&sim_nokern,
#ifdef XMC_WITH_LINUX
	&lnx_plugin,
#endif
};

/* Run the program on one implementation; returns its outcome, fills r. */
static int run(const char *path, const struct xmp_prog *p, int profile,
	       const struct xmc_plugin *pl, struct rec *r, uint32_t *caps,
	       const char *readings)
{
	const struct xmc_plugin *pls[] = {pl};
	struct hx_exec x;
	char err[512];
	int out = -1;

	ck_assert_msg(hx_init(&x, spec, profile, pls, 1, 1, err,
			      sizeof err) == 0,
		      "%s: hx_init: %s", path, err);
	x.fresh_readings = 1;
	ck_assert_msg(hx_set_readings(&x, 0, readings, err, sizeof err) == 0,
		      "%s: %s", path, err);
	*r = (struct rec){.skipped = -1, .last = -1};
	x.on_op = on_op;
	x.ctx = r;
	*caps = x.impl[0].caps;
	hx_run(&x, p, &out);
	hx_fini(&x);
	return out;
}

/* Check one seed file against clause c; miss selects the .miss.prog. */
static void check_seed(const struct mdl_clause *c, int miss)
{
	char path[1024], buf[256], want[256], err[512];
	struct xmp_prog *p = malloc(sizeof *p);
	struct rec r;
	char *text;
	int profile, out, expect;

	ck_assert_ptr_nonnull(p);
	snprintf(path, sizeof path, "%s/%s%s", corpus_dir(), c->id,
		 miss ? ".miss.prog" : ".prog");
	text = slurp(path);

	ck_assert_msg(header(text, "profile", buf, sizeof buf) == 0,
		      "%s: no '# profile:' line", path);
	profile = profile_id(buf);
	ck_assert_msg(profile >= 0, "%s: unknown profile '%s'", path, buf);
	ck_assert_msg(!c->profiles || (c->profiles & (1u << profile)),
		      "%s: clause %s does not apply to profile %s", path,
		      c->id, buf);
	ck_assert_msg(header(text, "expect", buf, sizeof buf) == 0,
		      "%s: no '# expect:' line", path);
	snprintf(want, sizeof want, "%s %s", miss ? "misses" : "fires",
		 c->id);
	ck_assert_msg(!strcmp(buf, want), "%s: '# expect: %s', want '%s'",
		      path, buf, want);

	ck_assert_msg(xmp_parse(path, text, p, err, sizeof err) == 0, "%s",
		      err);
	ck_assert_msg(p->n > 0, "%s: no ops", path);
	char rd[256] = "", wo[128] = "";
	header(text, "readings", rd, sizeof rd);
	header(text, "without", wo, sizeof wo);
	uint32_t without = mdl_cap_mask(wo);
	for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
		const char *nm = impls[i]->name;
		uint32_t caps;
		/* A seed written for a reading the implementation declares it
		 * does not take is not its test (docs/WORLD.md, "Readings"). */
		if (hx_readings_conflict(rd, hx_plugin_readings(impls[i])))
			continue;
		out = run(path, p, profile, impls[i], &r, &caps, rd);
		if (out == HX_UNSUPPORTED && (c->needs & ~caps))
			continue; /* the clause reads `unsupported` for it */
		if (without & caps)
			continue; /* written for one without that capability */
		ck_assert_msg(r.skipped < 0, "%s: %s: op #%d was skipped (not "
			      "legal or not run)", path, nm, r.skipped);
		ck_assert_msg(r.last == p->n - 1, "%s: %s: stopped after op #%d "
			      "of %d (%s)", path, nm, r.last, p->n,
			      outcome_name(out));
		ck_assert_msg(fired(&r.ev, c->index) == !miss,
			      "%s: %s: the last op %s %s", path, nm,
			      miss ? "fires" : "does not fire", c->id);
		expect = r.ev.kind == MDL_EV_UNDEF ? HX_UNDEFINED : HX_PASS;
		if (!miss)
			expect = c->kind == MDL_UNDEFINED ? HX_UNDEFINED
							  : HX_PASS;
		ck_assert_msg(out == expect, "%s: %s: outcome %s, want %s", path,
			      nm, outcome_name(out), outcome_name(expect));
	}
	free(text);
	free(p);
}

START_TEST(t_clause)
{
	ck_assert_int_lt(_i, spec->nclauses);
	check_seed(&spec->clauses[_i], 0);
	check_seed(&spec->clauses[_i], 1);
}
END_TEST

/* The clause id a seed file name stands for, or NULL when not a seed. */
static char *seed_id(const char *name)
{
	static const char *const suf[] = {".miss.prog", ".prog"};
	size_t n = strlen(name);

	for (int i = 0; i < 2; i++) {
		size_t sl = strlen(suf[i]);
		if (n > sl && !strcmp(name + n - sl, suf[i]))
			return strndup(name, n - sl);
	}
	return NULL;
}

START_TEST(t_no_stale)
{
	DIR *d = opendir(corpus_dir());
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d != NULL, "%s: cannot open", corpus_dir());
	while ((e = readdir(d))) {
		char *id = seed_id(e->d_name);
		if (!id)
			continue;
		ck_assert_msg(mdl_spec_find(spec, id) >= 0,
			      "%s/%s: no clause %s in the spec", corpus_dir(),
			      e->d_name, id);
		free(id);
		n++;
	}
	closedir(d);
	ck_assert_int_eq(n, 2 * spec->nclauses);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("clauses");
	TCase *tc = tcase_create("seeds");
	int n;

	spec_setup();
	n = spec->nclauses;
	spec_teardown();
	tcase_add_unchecked_fixture(tc, spec_setup, spec_teardown);
	tcase_add_loop_test(tc, t_clause, 0, n);
	tcase_add_test(tc, t_no_stale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}

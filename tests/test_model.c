/*
 * test_model.c - the codec round trip, the spec driving the model (an edited
 * clause changes the verdict without a rebuild), determinism of traces, and
 * the executor finding a planted bug with the clause named.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "prog.h"
#include "spec.h"

extern const struct xmc_plugin sim_plugin;
extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

static struct mdl_spec *builtin(void)
{
	struct mdl_spec *s = NULL;
	char err[256];
	ck_assert_msg(!mdl_spec_load_mem(mdl_builtin_nfiles, mdl_builtin_names,
					 mdl_builtin_bufs, mdl_builtin_lens,
					 &s, err, sizeof err),
		      "%s", err);
	return s;
}

static void gen_caps(uint64_t seed, int maxops, uint32_t caps,
		     struct xmp_prog *p)
{
	struct xmp_src src;
	xmp_src_rng(&src, seed);
	xmp_decode(&src, maxops, caps, XMC_PROFILE_POWER, p);
}

static void gen(uint64_t seed, int maxops, struct xmp_prog *p)
{
	gen_caps(seed, maxops, XMC_CAP_ALL, p);
}

static void assert_same(const struct xmp_prog *a, const struct xmp_prog *b)
{
	ck_assert_int_eq(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->op[i].code, b->op[i].code);
		for (int j = 0; j < XMP_NARGS; j++)
			ck_assert_msg(a->op[i].a[j] == b->op[i].a[j],
				      "op %d arg %d", i, j);
	}
}

START_TEST(codec_roundtrip_rng)
{
	static char text[XMP_MAX_OPS * 160];
	char err[256];
	for (uint64_t seed = 0; seed < 3000; seed++) {
		struct xmp_prog p, q;
		gen(seed, XMP_MAX_OPS, &p);
		ck_assert_int_gt(p.n, 0);
		ck_assert_int_ge(xmp_print(&p, text, sizeof text), 0);
		ck_assert_msg(!xmp_parse("gen", text, &q, err, sizeof err),
			      "seed %llu: %s\n%s", (unsigned long long)seed, err,
			      text);
		assert_same(&p, &q);
	}
}
END_TEST

START_TEST(codec_every_byte_string)
{
	static char text[XMP_MAX_OPS * 160];
	uint8_t buf[512];
	uint64_t x = 42;
	char err[256];
	for (int i = 0; i < 3000; i++) {
		size_t len = (size_t)(xmp_splitmix(&x) % sizeof buf);
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)xmp_splitmix(&x);
		struct xmp_src src;
		struct xmp_prog p, q;
		xmp_src_bytes(&src, buf, len);
		xmp_decode(&src, XMP_MAX_OPS, XMC_CAP_ALL, XMC_PROFILE_POWER,
			   &p);
		ck_assert_int_le(p.n, XMP_MAX_OPS);
		ck_assert_int_ge(xmp_print(&p, text, sizeof text), 0);
		ck_assert_msg(!xmp_parse("bytes", text, &q, err, sizeof err),
			      "%s", err);
		assert_same(&p, &q);
	}
}
END_TEST

/* Damaged program texts are refused cleanly, never a crash (ASan). */
START_TEST(codec_damaged_text)
{
	static char text[XMP_MAX_OPS * 160];
	uint64_t x = 7;
	char err[256];
	for (uint64_t seed = 0; seed < 2000; seed++) {
		struct xmp_prog p, q;
		gen(seed, 16, &p);
		int n = xmp_print(&p, text, sizeof text);
		ck_assert_int_gt(n, 0);
		for (int k = 0; k < 4; k++) {
			uint64_t r = xmp_splitmix(&x);
			text[r % (uint64_t)n] = (char)(r >> 32);
		}
		if (xmp_parse("d", text, &q, err, sizeof err) == 0)
			for (int i = 0; i < q.n; i++)
				ck_assert(xmp_valid(&q.op[i]));
		else
			ck_assert_msg(!strncmp(err, "d:", 2), "%s", err);
	}
}
END_TEST

static void parse_fails(const char *text, const char *want)
{
	struct xmp_prog p;
	char err[256] = "";
	ck_assert_int_eq(xmp_parse("f.prog", text, &p, err, sizeof err), -1);
	ck_assert_msg(strstr(err, want), "got '%s', want '%s'", err, want);
}

START_TEST(codec_errors)
{
	parse_fails("seg_new seg=0 npages=1 high=0\nbogus x=1\n",
		    "f.prog:2:1: unknown op");
	parse_fails("seg_new seg=0 npages=99 high=0\n",
		    "f.prog:1:22: bad value for npages");
	parse_fails("seg_new seg=0 high=0\n", "f.prog:1:21: missing argument "
					      "npages");
	parse_fails("pin seg=0 seg=1 page=0\n", "f.prog:1:11: argument seg "
						"given twice");
	parse_fails("pin seg=0 pages=1\n", "f.prog:1:11: unknown argument");
	parse_fails("xmemin uaddr=0x30000000 kaddr=k0+0x1ffff count=2 dp=0\n",
		    "f.prog:1:1: kaddr + count passes the end");
	parse_fails("pin seg=0 page\n", "f.prog:1:11: expected key=value");
	parse_fails("xmemin uaddr=0x30000000 kaddr=k7+0 count=2 dp=0\n",
		    "bad value for kaddr");
	char big[65 * 32] = "";
	for (int i = 0; i < 65; i++)
		strcat(big, "set_env interrupt=0\n");
	parse_fails(big, "f.prog:65:1: more than 64 ops");
}
END_TEST

/* Run a program text against sim; returns the outcome, fills sig. */
static int run_text(const struct mdl_spec *s, const char *text, char *sig,
		    size_t siglen);

struct divsig {
	char sig[160]; /* first divergence signature */
};

static void keep_sig(void *ctx, const struct xmp_prog *p,
		     const struct hx_div *d)
{
	struct divsig *ds = ctx;
	(void)p;
	if (!ds->sig[0])
		snprintf(ds->sig, sizeof ds->sig, "%s", d->signature);
}

static int run_prog(const struct mdl_spec *s, const struct xmc_plugin *pl,
		    const struct xmp_prog *p, char *sig, size_t siglen)
{
	struct hx_exec x;
	struct divsig ds = {""};
	char err[256];
	const struct xmc_plugin *pls[1] = {pl};
	ck_assert_msg(!hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, 1, err,
			       sizeof err),
		      "%s", err);
	x.on_div = keep_sig;
	x.ctx = &ds;
	int out;
	hx_run(&x, p, &out);
	hx_fini(&x);
	snprintf(sig, siglen, "%s", ds.sig);
	return out;
}

static int run_text(const struct mdl_spec *s, const char *text, char *sig,
		    size_t siglen)
{
	struct xmp_prog p;
	char err[256];
	ck_assert_msg(!xmp_parse("t", text, &p, err, sizeof err), "%s", err);
	return run_prog(s, &sim_plugin, &p, sig, siglen);
}

static const char attach_twice[] =
	"seg_new seg=0 npages=2 high=0\n"
	"map pid=0 region=3 seg=0 key=1\n"
	"xmattach addr=0x30000000 count=100 dp=0 segflag=0\n"
	"xmattach addr=0x30000000 count=100 dp=0 segflag=0\n";

/* Copy spec/ to a temporary directory, replacing one string in a file. */
static char *edited_spec(const char *file, const char *from, const char *to)
{
	static char dir[64];
	char cmd[512];
	snprintf(dir, sizeof dir, "/tmp/xmcheck-spec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *src = getenv("SPEC_DIR") ? getenv("SPEC_DIR") : "spec";
	snprintf(cmd, sizeof cmd, "cp %s/*.yaml %s/", src, dir);
	ck_assert_int_eq(system(cmd), 0);
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[1 << 17];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *at = strstr(buf, from);
	ck_assert_msg(at, "'%s' not in %s", from, file);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(buf, 1, (size_t)(at - buf), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	return dir;
}

static void rm_dir(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(spec_edit_changes_verdict)
{
	struct mdl_spec *s = builtin(), *e = NULL;
	char sig[160], err[256];
	ck_assert_int_eq(run_text(s, attach_twice, sig, sizeof sig), HX_PASS);
	/* Weaken the in-use check: the model now expects a second attach to
	 * succeed, the simulator still refuses it. */
	char *dir = edited_spec("xmem.yaml", "when: dp.aspace_id != XMEM_INVAL",
				"when: dp.aspace_id == 12345");
	ck_assert_msg(!mdl_spec_load(dir, &e, err, sizeof err), "%s", err);
	ck_assert_int_eq(run_text(e, attach_twice, sig, sizeof sig),
			 HX_DIVERGED);
	ck_assert_str_eq(sig, "sim/xmattach/xmattach.attach-one/return");
	ck_assert_uint_ne(s->hash, e->hash);
	mdl_spec_free(e);
	rm_dir(dir);
	mdl_spec_free(s);
}
END_TEST

START_TEST(spec_edit_return_value)
{
	struct mdl_spec *e = NULL;
	char sig[160], err[256];
	char *dir = edited_spec("adspace.yaml", "returns: EINVAL",
				"returns: 0");
	ck_assert_msg(!mdl_spec_load(dir, &e, err, sizeof err), "%s", err);
	ck_assert_int_eq(run_text(e, "as_det eaddr=0x10000000\n", sig,
				  sizeof sig),
			 HX_DIVERGED);
	ck_assert_str_eq(sig, "sim/as_det/as_det.reserved-region/return");
	mdl_spec_free(e);
	rm_dir(dir);
}
END_TEST

static char *trace_of(const struct mdl_spec *s, uint64_t seed, size_t *len)
{
	struct hx_exec x;
	char err[256], *buf = NULL;
	const struct xmc_plugin *pls[1] = {&sim_plugin};
	ck_assert(!hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, seed, err,
			   sizeof err));
	x.trace = open_memstream(&buf, len);
	for (uint64_t i = 0; i < 300; i++) {
		struct xmp_prog p;
		gen(seed * 1000003 + i, 40, &p);
		hx_run(&x, &p, NULL);
	}
	fclose(x.trace);
	hx_fini(&x);
	return buf;
}

START_TEST(determinism)
{
	struct mdl_spec *s = builtin();
	size_t la, lb, lc;
	char *a = trace_of(s, 7, &la), *b = trace_of(s, 7, &lb);
	char *c = trace_of(s, 8, &lc);
	ck_assert_uint_gt(la, 10000);
	ck_assert_uint_eq(la, lb);
	ck_assert(!memcmp(a, b, la));
	ck_assert(la != lc || memcmp(a, c, la));
	free(a);
	free(b);
	free(c);
	mdl_spec_free(s);
}
END_TEST

/* A planted bug: a copy of sim whose xmattach accepts count <= 0. */
static struct xmc_plugin buggy;
static int buggy_attach(xmc_world *w, xmc_caddr addr, int count,
			struct xmc_xmem *dp, int segflag)
{
	return sim_plugin.xmattach(w, addr, count <= 0 ? 1 : count, dp, segflag);
}

START_TEST(planted_bug_found)
{
	struct mdl_spec *s = builtin();
	char sig[160] = "";
	buggy = sim_plugin;
	buggy.xmattach = buggy_attach;
	int found = 0;
	for (uint64_t seed = 0; seed < 5000 && !found; seed++) {
		struct xmp_prog p;
		gen(seed, 40, &p);
		found = run_prog(s, &buggy, &p, sig, sizeof sig) == HX_DIVERGED;
	}
	ck_assert_msg(found, "planted bug not found in 5000 programs");
	ck_assert_msg(strstr(sig, "xmattach.count-nonpositive"), "%s", sig);
	mdl_spec_free(s);
}
END_TEST

/* A plug-in built against the ABI before readings and seg_state loads. */
START_TEST(older_struct_runs)
{
	struct mdl_spec *s = builtin();
	struct xmc_plugin old = sim_plugin;
	struct hx_exec x;
	char err[256];
	int out;
	old.struct_size = (uint32_t)offsetof(struct xmc_plugin, readings);
	const struct xmc_plugin *pls[1] = {&old};
	ck_assert_ptr_null(hx_plugin_readings(&old));
	ck_assert(!hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, 1, err,
			   sizeof err));
	for (int r = 0; r < MDL_NREADINGS; r++)
		ck_assert_int_eq(mdl_reading(x.impl[0].m, r), -1);
	/* Hooks past the short struct (image, kseg_new) are unsupported. */
	ck_assert_int_eq(x.impl[0].caps & (XMC_CAP_IMAGE | XMC_CAP_KERNEL), 0);
	for (uint64_t i = 0; i < 500; i++) {
		struct xmp_prog p;
		gen_caps(i, 40, x.impl[0].caps, &p);
		hx_run(&x, &p, &out);
		ck_assert_int_ne(out, HX_DIVERGED);
	}
	/* learned, not declared: the simulator's own options */
	ck_assert_int_eq(mdl_reading(x.impl[0].m, MDL_RD_DETACH_DELETED), 0);
	hx_fini(&x);
	/* Built before the image and kernel hooks: loads, runs a program
	 * that asks for an image (unsupported, never a divergence). */
	old.struct_size = (uint32_t)offsetof(struct xmc_plugin, image);
	ck_assert(!hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, 1, err,
			   sizeof err));
	ck_assert_int_eq(x.impl[0].caps & (XMC_CAP_IMAGE | XMC_CAP_KERNEL), 0);
	struct xmp_prog q;
	char perr[256];
	ck_assert(!xmp_parse("old", "image pid=0 npages=1\nkseg_new j=0 "
				    "npages=1\ngetadsp\n",
			     &q, perr, sizeof perr));
	hx_run(&x, &q, &out);
	ck_assert_int_ne(out, HX_DIVERGED);
	hx_fini(&x);
	mdl_spec_free(s);
}
END_TEST

/* A plug-in whose xmdetach after a delete succeeds once, then fails. */
static struct xmc_plugin flipper;
static int flips;
static int flip_detach(xmc_world *w, struct xmc_xmem *dp)
{
	int st = 0, holds = 0;
	if (dp->aspace_id == XMEM_PROC &&
	    !sim_plugin.seg_state(w, XMC_SRVAL_SID(dp->subspace_id), &st,
				  &holds) &&
	    st == XMC_SEG_DELETED && flips++)
		return XMEM_FAIL;
	return sim_plugin.xmdetach(w, dp);
}

START_TEST(reading_held_for_the_run)
{
	static const char text[] = "seg_new seg=0 npages=1 high=0\n"
				   "map pid=0 region=3 seg=0 key=1\n"
				   "xmattach addr=0x30000000 count=16 dp=0 segflag=0\n"
				   "seg_delete seg=0\n"
				   "xmdetach dp=0\n";
	struct mdl_spec *s = builtin();
	struct xmp_prog p;
	struct hx_exec x;
	char err[256];
	int out;
	flipper = sim_plugin;
	flipper.readings = NULL;
	flipper.xmdetach = flip_detach;
	flips = 0;
	const struct xmc_plugin *pls[1] = {&flipper};
	ck_assert(!xmp_parse("flip", text, &p, err, sizeof err));
	ck_assert(!hx_init(&x, s, XMC_PROFILE_POWER, pls, 1, 1, err,
			   sizeof err));
	hx_run(&x, &p, &out);
	ck_assert_int_eq(out, HX_PASS); /* either reading is fine... */
	ck_assert_int_eq(mdl_reading(x.impl[0].m, MDL_RD_DETACH_DELETED), 0);
	hx_run(&x, &p, &out);
	ck_assert_int_eq(out, HX_DIVERGED); /* ...but not both in one run */
	hx_fini(&x);
	mdl_spec_free(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model");
	TCase *t = tcase_create("codec");
	tcase_add_test(t, codec_roundtrip_rng);
	tcase_add_test(t, codec_every_byte_string);
	tcase_add_test(t, codec_errors);
	tcase_add_test(t, codec_damaged_text);
	suite_add_tcase(s, t);
	t = tcase_create("spec drives the model");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, spec_edit_changes_verdict);
	tcase_add_test(t, spec_edit_return_value);
	suite_add_tcase(s, t);
	t = tcase_create("executor");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, determinism);
	tcase_add_test(t, planted_bug_found);
	tcase_add_test(t, older_struct_runs);
	tcase_add_test(t, reading_held_for_the_run);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

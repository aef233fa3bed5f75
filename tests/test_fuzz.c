/*
 * test_fuzz.c - the fuzzers' ground: the binary program form round-trips
 * every corpus program and decodes any bytes to a valid program; the
 * structure-aware mutator is a pure function of (input, seed), writes
 * valid programs and makes each kind of change (page steps aimed at the
 * page a move reaches, the level switched before a service); crossover
 * splices; the core's spec feedback uses the engines' counter classes.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "findings.h"
#include "mutate.h"
#include "progbin.h"
#include "xmcheck.h"

static int same(const struct xmp_prog *a, const struct xmp_prog *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++)
		if (a->op[i].code != b->op[i].code ||
		    memcmp(a->op[i].a, b->op[i].a, sizeof a->op[i].a))
			return 0;
	return 1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Round trip of every program under dir; returns how many. */
static int round_trip_dir(const char *dir)
{
	static struct xmp_prog p, q;
	static uint8_t bin[XMP_BIN_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0, profile;
	ck_assert_msg(d != NULL, "%s", dir);
	while ((e = readdir(d))) {
		char path[1024], err[256], prof[16] = "power";
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".prog"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *text = slurp(path);
		ck_assert_msg(!xmp_bin_is_binary((uint8_t *)text, strlen(text)),
			      "%s taken as binary", path);
		ck_assert_msg(!xmp_parse(path, text, &p, err, sizeof err), "%s",
			      err);
		hx_header_get(text, "profile", prof, sizeof prof);
		int want = strcmp(prof, "powerpc") ? XMC_PROFILE_POWER
						   : XMC_PROFILE_POWERPC;
		size_t len = xmp_bin_encode(&p, want, bin, sizeof bin);
		ck_assert(len > 0 && xmp_bin_is_binary(bin, len));
		xmp_bin_decode(bin, len, &profile, &q);
		ck_assert_msg(same(&p, &q) && profile == want, "%s", path);
		free(text);
		n++;
	}
	closedir(d);
	return n;
}

START_TEST(corpus_round_trip)
{
	ck_assert_int_gt(round_trip_dir("corpus/seeds"), 100);
	ck_assert_int_gt(round_trip_dir("corpus/regressions"), 0);
}
END_TEST

START_TEST(any_bytes_valid)
{
	static struct xmp_prog p;
	uint8_t buf[600];
	uint64_t st = 7, s[4];
	for (int i = 0; i < 4; i++)
		s[i] = xmp_splitmix(&st);
	int nonempty = 0, profile;
	for (int k = 0; k < 4000; k++) {
		size_t len = 1 + xmp_rng_next(s) % sizeof buf;
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)xmp_rng_next(s);
		xmp_bin_decode(buf, len, &profile, &p);
		for (int i = 0; i < p.n; i++)
			ck_assert_msg(xmp_valid(&p.op[i]), "input %d op %d", k, i);
		nonempty += p.n > 0;
	}
	ck_assert_int_gt(nonempty, 3900);
}
END_TEST

/* A decoded seed program to mutate. */
static size_t sample(uint8_t *buf, size_t cap)
{
	static struct xmp_prog p;
	struct xmp_src s;
	xmp_src_rng(&s, 42);
	xmp_decode(&s, 12, XMC_CAP_ALL, XMC_PROFILE_POWER, &p);
	return xmp_bin_encode(&p, XMC_PROFILE_POWER, buf, cap);
}

START_TEST(mutator_pure_and_valid)
{
	static struct xmp_prog before, p;
	static uint8_t in[XMP_BIN_MAX], a[XMP_BIN_MAX], b[XMP_BIN_MAX];
	size_t n = sample(in, sizeof in);
	int profile, longer = 0, shorter = 0, same_len_changed = 0, flips = 0;
	xmp_bin_decode(in, n, &profile, &before);
	for (uint64_t seed = 0; seed < 2000; seed++) {
		size_t la = fz_mutate(in, n, a, sizeof a, seed);
		size_t lb = fz_mutate(in, n, b, sizeof b, seed);
		ck_assert(la > 0 && la == lb && !memcmp(a, b, la));
		xmp_bin_decode(a, la, &profile, &p);
		for (int i = 0; i < p.n; i++)
			ck_assert(xmp_valid(&p.op[i]));
		longer += p.n > before.n;
		shorter += p.n < before.n;
		same_len_changed += p.n == before.n && !same(&p, &before);
		flips += profile == XMC_PROFILE_POWERPC;
	}
	ck_assert_int_gt(longer, 100);
	ck_assert_int_gt(shorter, 100);
	ck_assert_int_gt(same_len_changed, 100);
	ck_assert_int_gt(flips, 20);
	/* a short max: the output fits, or is empty when nothing fits */
	ck_assert_uint_le(fz_mutate(in, n, a, 30, 3), 30);
}
END_TEST

START_TEST(crossover_splices)
{
	static struct xmp_prog pa, pb, pc;
	static uint8_t a[XMP_BIN_MAX], b[XMP_BIN_MAX], c[XMP_BIN_MAX];
	struct xmp_src s;
	int profile;
	xmp_src_rng(&s, 1);
	xmp_decode(&s, 10, XMC_CAP_ALL, XMC_PROFILE_POWER, &pa);
	xmp_src_rng(&s, 2);
	xmp_decode(&s, 10, XMC_CAP_ALL, XMC_PROFILE_POWER, &pb);
	size_t la = xmp_bin_encode(&pa, XMC_PROFILE_POWER, a, sizeof a);
	size_t lb = xmp_bin_encode(&pb, XMC_PROFILE_POWER, b, sizeof b);
	int mixed = 0;
	for (uint64_t seed = 0; seed < 200; seed++) {
		size_t lc = fz_crossover(a, la, b, lb, c, sizeof c, seed);
		ck_assert(lc == fz_crossover(a, la, b, lb, c, sizeof c, seed));
		xmp_bin_decode(c, lc, &profile, &pc);
		/* a prefix of a, then a suffix of b */
		int k = 0;
		while (k < pc.n && k < pa.n && !memcmp(&pc.op[k], &pa.op[k],
						       sizeof pc.op[k]))
			k++;
		int tail = pc.n - k;
		ck_assert(tail <= pb.n);
		for (int i = 0; i < tail; i++)
			ck_assert(!memcmp(&pc.op[k + i],
					  &pb.op[pb.n - tail + i],
					  sizeof pc.op[0]));
		mixed += k > 0 && tail > 0;
	}
	ck_assert_int_gt(mixed, 50);
}
END_TEST

/*
 * From nothing, the mutator grows whole decoder-made programs (2 to 12 ops
 * per insertion, segments made before they are used), not one op per change:
 * single-op insertions give at most 4 ops from an empty program.
 */
START_TEST(mutator_inserts_sequences)
{
	static struct xmp_prog p;
	static uint8_t a[XMP_BIN_MAX];
	const uint8_t empty[1] = {XMP_BIN_PROGFORM};
	int profile, long_ones = 0, seg_first = 0;
	for (uint64_t seed = 0; seed < 200; seed++) {
		size_t la = fz_mutate(empty, sizeof empty, a, sizeof a, seed);
		xmp_bin_decode(a, la, &profile, &p);
		long_ones += p.n >= 5;
		/* a step that makes segments: seg_new, or the process image
		 * the decoder gives process 0 first (W12) */
		seg_first += p.n > 0 && (p.op[0].code == XMP_SEG_NEW ||
					 p.op[0].code == XMP_IMAGE ||
					 p.op[0].code == XMP_KSEG_NEW);
	}
	ck_assert_int_gt(long_ones, 100);
	ck_assert_int_gt(seg_first, 100);
}
END_TEST

/*
 * The mutator aims page steps at the page a move goes through (here a
 * kernel page, through an XMEM_GLOBAL descriptor), and switches the level
 * right before a service: single-op insertions and re-arguing land on
 * either by chance only.
 */
START_TEST(mutator_aims_and_switches_level)
{
	static struct xmp_prog p;
	static uint8_t in[XMP_BIN_MAX], a[XMP_BIN_MAX];
	char err[256];
	const char *text = "kseg_new j=0 npages=2\n"
			   "desc_set dp=0 aspace_id=-1\n"
			   "xmemin uaddr=0x00001010 kaddr=k0+0x0 count=16 "
			   "dp=0\n";
	ck_assert_int_eq(xmp_parse("t", text, &p, err, sizeof err), 0);
	size_t n = xmp_bin_encode(&p, XMC_PROFILE_POWER, in, sizeof in);
	int profile, aimed = 0, outed = 0, level = 0;
	for (uint64_t seed = 0; seed < 2000; seed++) {
		size_t la = fz_mutate(in, n, a, sizeof a, seed);
		xmp_bin_decode(a, la, &profile, &p);
		int step = 0, out = 0;
		for (int i = 0; i < p.n; i++) {
			const struct xmp_op *o = &p.op[i];
			int pstep = o->code >= XMP_PROTECT &&
				    o->code <= XMP_WAIT && o->a[0] == 24 &&
				    o->a[1] == 1;
			step |= pstep;
			out |= pstep && o->code == XMP_PAGE_OUT;
			if (o->code == XMP_XMEMIN && o->a[0] == 0x1010) {
				aimed += step;
				outed += out;
				level += i > 0 &&
					 p.op[i - 1].code == XMP_SET_ENV &&
					 p.op[i - 1].a[0] == 1;
				break;
			}
		}
	}
	ck_assert_int_gt(aimed, 100);
	ck_assert_int_gt(outed, 30);
	ck_assert_int_gt(level, 50);
}
END_TEST

/* The stream xmp_fill is defined as, without its kept fill. */
static void fill_ref(uint32_t pattern, uint8_t *buf, uint32_t len)
{
	uint32_t x = pattern * 2654435761u + 0x9e3779b9u;
	for (uint32_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

/* xmp_fill's kept fill changes no byte: the same pattern again, shorter,
 * longer, another pattern, past XMP_FILL_MAX, after a forget. */
START_TEST(fill_as_defined)
{
	static uint8_t got[2 * XMP_FILL_MAX], want[2 * XMP_FILL_MAX];
	static const uint32_t len[] = {1, 4096, 100, 4096, 8192, 8193, 7, 0};
	for (int k = 0; k < 64; k++) {
		uint32_t pat = (uint32_t)k / 3 * 0x01000193u, n = len[k % 8];
		if (k % 5 == 4)
			xmp_fill_forget();
		memset(got, 0xee, sizeof got);
		xmp_fill(pat, got, n);
		fill_ref(pat, want, n);
		ck_assert_msg(!memcmp(got, want, n), "call %d", k);
		ck_assert_uint_eq(got[n], 0xee); /* nothing past len */
	}
}
END_TEST

/*
 * Spec feedback: every counter byte holds one of the eight class values
 * (core.h), several classes occur, and the same input sets the same bytes
 * again (nothing carried over from the input before).
 */
START_TEST(feedback_classes)
{
	static uint8_t ctr[FZ_NCOUNTERS], first[FZ_NCOUNTERS];
	static const uint8_t cls[] = {1, 2, 3, 4, 8, 16, 32, 128};
	char err[256];
	ck_assert_msg(!fz_init(err, sizeof err), "%s", err);
	fz_set_counters(ctr, sizeof ctr);
	unsigned seen = 0; /* bit c: class value cls[c] occurred */
	uint8_t buf[XMP_BIN_MAX];
	struct fz_result r;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		static struct xmp_prog p;
		struct xmp_src src;
		xmp_src_rng(&src, seed);
		xmp_decode(&src, 16, XMC_CAP_ALL, XMC_PROFILE_POWER, &p);
		size_t len = xmp_bin_encode(&p, XMC_PROFILE_POWER, buf, sizeof buf);
		fz_one(buf, len, &r);
		if (seed == 1)
			memcpy(first, ctr, sizeof ctr);
		for (size_t i = 0; i < sizeof ctr; i++) {
			if (!ctr[i])
				continue;
			const uint8_t *c = memchr(cls, ctr[i], sizeof cls);
			ck_assert_msg(c != NULL, "byte %zu = %u", i, ctr[i]);
			seen |= 1u << (c - cls);
		}
	}
	ck_assert_uint_eq(seen, 0xffu);
	{
		static struct xmp_prog p;
		struct xmp_src src;
		xmp_src_rng(&src, 1);
		xmp_decode(&src, 16, XMC_CAP_ALL, XMC_PROFILE_POWER, &p);
		size_t len = xmp_bin_encode(&p, XMC_PROFILE_POWER, buf, sizeof buf);
		fz_one(buf, len, &r);
	}
	ck_assert(!memcmp(ctr, first, sizeof ctr));
	fz_fini();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, corpus_round_trip);
	tcase_add_test(t, any_bytes_valid);
	tcase_add_test(t, mutator_pure_and_valid);
	tcase_add_test(t, crossover_splices);
	tcase_add_test(t, mutator_inserts_sequences);
	tcase_add_test(t, mutator_aims_and_switches_level);
	tcase_add_test(t, feedback_classes);
	tcase_add_test(t, fill_as_defined);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}

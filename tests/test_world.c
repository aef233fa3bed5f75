/*
 * test_world.c - the model's process images (WORLD.md W12) and kernel space
 * (W13), driven op by op through mdl_eval/mdl_commit with the answers an
 * implementation would give: which steps are legal, which clauses fire,
 * which readings an answer fixes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prog.h"
#include "spec.h"

extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

static struct mdl_spec *spec;

static struct mdl_world *world(uint32_t caps)
{
	char err[256];
	if (!spec)
		ck_assert_msg(!mdl_spec_load_mem(mdl_builtin_nfiles,
						 mdl_builtin_names,
						 mdl_builtin_bufs,
						 mdl_builtin_lens, &spec, err,
						 sizeof err),
			      "%s", err);
	struct mdl_world *m = mdl_new(spec, XMC_PROFILE_POWER);
	ck_assert_ptr_nonnull(m);
	mdl_reset(m);
	mdl_set_caps(m, caps);
	return m;
}

/* Evaluate one op (text form), commit it with ret; return the verdict. */
static int op(struct mdl_world *m, const char *line, int64_t ret,
	      struct mdl_eval *ev)
{
	struct xmp_prog p;
	char err[256], why[256] = "";
	ck_assert_msg(!xmp_parse("t", line, &p, err, sizeof err), "%s", err);
	mdl_eval(m, &p.op[0], ev);
	int bad = mdl_commit(m, &p.op[0], ev, ret, why, sizeof why);
	ck_assert_msg(!bad, "%s: %s", line, why);
	return ev->kind;
}

static int fired(const struct mdl_eval *ev, const char *id)
{
	for (int i = 0; i < ev->nfired; i++)
		if (!strcmp(spec->clauses[ev->fired[i]].id, id))
			return 1;
	return 0;
}

static int allows(const struct mdl_eval *ev, int64_t v)
{
	for (int i = 0; i < ev->nrets; i++)
		if (ev->rets[i] == v)
			return 1;
	return 0;
}

START_TEST(image_legality)
{
	struct mdl_world *m = world(XMC_CAP_ALL);
	struct mdl_eval ev;
	ck_assert_int_eq(op(m, "image pid=0 npages=2", 0, &ev), MDL_EV_STEP);
	ck_assert_int_eq(op(m, "image pid=0 npages=2", 0, &ev), MDL_EV_ILLEGAL);
	ck_assert_int_eq(op(m, "image pid=1 npages=2", 0, &ev), MDL_EV_ILLEGAL);
	/* Text pages carry the read-only key; data pages do not. */
	struct xmc_page_state st;
	ck_assert_int_eq(mdl_page_state(m, XMC_SEG_TEXT(0), 1, &st), 0);
	ck_assert_int_eq(st.prot, XMC_PROT_RO);
	ck_assert_int_eq(mdl_page_state(m, XMC_SEG_DATA(0), 1, &st), 0);
	ck_assert_int_eq(st.prot, XMC_PROT_RW);
	ck_assert_int_ne(mdl_page_state(m, XMC_SEG_DATA(0), 2, &st), 0);
	/* Neither can be deleted or mapped elsewhere; regions 1, 2 compare. */
	ck_assert_int_eq(op(m, "seg_delete seg=20", 0, &ev), MDL_EV_ILLEGAL);
	ck_assert_int_eq(op(m, "map pid=0 region=5 seg=20 key=1", 0, &ev),
			 MDL_EV_ILLEGAL);
	ck_assert_int_eq(mdl_adspace(m)->srval[2],
			 XMC_SRVAL(XMC_SID(XMC_SEG_DATA(0)), 1));
	/* A process that ran a service while current gets no image. */
	ck_assert_int_eq(op(m, "proc_new pid=1", 0, &ev), MDL_EV_STEP);
	ck_assert_int_eq(op(m, "proc_switch pid=1", 0, &ev), MDL_EV_STEP);
	op(m, "getadsp", 1, &ev);
	ck_assert_int_eq(op(m, "image pid=1 npages=1", 0, &ev), MDL_EV_ILLEGAL);
	mdl_free(m);
}
END_TEST

START_TEST(data_attach_and_text_readings)
{
	struct mdl_world *m = world(XMC_CAP_ALL);
	struct mdl_eval ev;
	op(m, "image pid=0 npages=2", 0, &ev);
	/* A read() buffer in private data: attached, moved into. */
	ck_assert_int_eq(op(m, "xmattach addr=0x20000100 count=5000 dp=0 "
			       "segflag=USER_ADSPACE", 0, &ev),
			 MDL_EV_OK);
	ck_assert_int_eq(mdl_desc(m, 0)->aspace_id, XMEM_PROC);
	ck_assert_int_eq(op(m, "xmemout kaddr=k0+0 uaddr=0x20000100 count=5000 "
			       "dp=0", 0, &ev),
			 MDL_EV_OK);
	/* xmemout into text: its read-only key refuses (key-1 handle). */
	op(m, "xmattach addr=0x10000000 count=64 dp=1 segflag=USERI_ADSPACE", 0,
	   &ev);
	ck_assert(fired(&ev, "xmattach.attach-user-text"));
	ck_assert_int_eq(op(m, "xmemout kaddr=k0+0 uaddr=0x10000000 count=64 "
			       "dp=1", -1, &ev),
			 MDL_EV_FAIL);
	ck_assert(fired(&ev, "xmemout.no-access"));
	/* USER_ADSPACE on text: either reading, and the answer fixes it. */
	op(m, "xmattach addr=0x10000010 count=16 dp=2 segflag=USER_ADSPACE", -1,
	   &ev);
	ck_assert(fired(&ev, "xmattach.user-text-refused"));
	ck_assert_int_eq(mdl_reading(m, MDL_RD_USER_TEXT), 1);
	/* USERI_ADSPACE on data: allowed, fixing useri_data. */
	op(m, "xmattach addr=0x20000000 count=16 dp=3 segflag=USERI_ADSPACE", 0,
	   &ev);
	ck_assert_int_eq(mdl_reading(m, MDL_RD_USERI_DATA), 0);
	/* as_det refuses region 2; as_geth holds the data segment. */
	op(m, "as_det eaddr=0x20000000", XMC_EINVAL, &ev);
	ck_assert(fired(&ev, "as_det.reserved-region"));
	op(m, "as_geth addr=0x20000000", XMC_SRVAL(XMC_SID(20), 1), &ev);
	ck_assert(fired(&ev, "as_geth.hold"));
	mdl_free(m);
}
END_TEST

START_TEST(sys_attach_settles_reading)
{
	for (int glob = 0; glob < 2; glob++) {
		struct mdl_world *m = world(XMC_CAP_ALL);
		struct mdl_eval ev;
		op(m, "kseg_new j=1 npages=3", 0, &ev);
		/* Kernel region 14; region 0 has no kernel segment yet. */
		op(m, "xmattach addr=0x00000000 count=16 dp=0 "
		      "segflag=SYS_ADSPACE", -1, &ev);
		ck_assert(fired(&ev, "xmattach.kernel-range-undefined"));
		ck_assert(allows(&ev, XMEM_FAIL) && !allows(&ev, XMEM_SUCC));
		ck_assert_int_eq(op(m, "xmattach addr=0xe0001000 count=8192 dp=0 "
				       "segflag=SYS_ADSPACE", 0, &ev),
				 MDL_EV_OK);
		ck_assert(fired(&ev, "xmattach.attach-kernel"));
		ck_assert_int_eq(mdl_reading(m, MDL_RD_SYS_ASPACE), -1);
		mdl_settle_desc(m, 0, glob ? XMEM_GLOBAL : XMEM_PROC);
		ck_assert_int_eq(mdl_reading(m, MDL_RD_SYS_ASPACE), glob);
		ck_assert_int_eq(mdl_desc(m, 0)->aspace_id,
				 glob ? XMEM_GLOBAL : XMEM_PROC);
		/* Pinned and hidden on power, through the descriptor. */
		op(m, "pin seg=25 page=2", 0, &ev);
		ck_assert_int_eq(op(m, "xmemdma xp=0 xaddr=0xe0002010 flag=0",
				    0x5000010, &ev),
				 MDL_EV_OK);
		struct xmc_page_state st;
		mdl_page_state(m, XMC_SEG_KERN(1), 2, &st);
		ck_assert_int_eq(st.hide_count, 1);
		ck_assert_int_eq(st.valid, 0);
		ck_assert_int_eq(op(m, "xmdetach dp=0", 0, &ev), MDL_EV_OK);
		ck_assert_int_eq(mdl_desc(m, 0)->aspace_id, XMEM_INVAL);
		mdl_free(m);
	}
}
END_TEST

START_TEST(global_descriptor_moves)
{
	struct mdl_world *m = world(XMC_CAP_ALL);
	struct mdl_eval ev;
	op(m, "kseg_new j=0 npages=2", 0, &ev);
	op(m, "desc_set dp=1 aspace_id=XMEM_GLOBAL", 0, &ev);
	ck_assert_int_eq(op(m, "xmemout kaddr=k1+16 uaddr=0x00001fe0 count=32 "
			       "dp=1", 0, &ev),
			 MDL_EV_OK);
	uint8_t a[32], b[32];
	ck_assert_int_eq(mdl_peek(m, XMC_SEG_KERN(0), 0x1fe0, a, 32), 0);
	mdl_kbuf_touch(m, 1, 16, 32);
	memcpy(b, mdl_kbuf(m, 1) + 16, 32);
	ck_assert_mem_eq(a, b, 32);
	/* Past the kernel segment: a kernel fault, undefined. */
	ck_assert_int_eq(op(m, "xmemin uaddr=0x00001ff0 kaddr=k0+0 count=8192 "
			       "dp=1", 0, &ev),
			 MDL_EV_UNDEF);
	ck_assert(fired(&ev, "xmemin.kernel-range-undefined"));
	/* xmemdma through it: a kernel page not defined is not valid. */
	ck_assert_int_eq(op(m, "xmemdma xp=1 xaddr=0xe0000000 flag=0", -1, &ev),
			 MDL_EV_FAIL);
	ck_assert(fired(&ev, "xmemdma.page-invalid"));
	mdl_free(m);
}
END_TEST

START_TEST(no_kernel_space_is_unmodelled)
{
	struct mdl_world *m = world(XMC_CAP_ALL & ~XMC_CAP_KERNEL);
	struct mdl_eval ev;
	ck_assert_int_eq(op(m, "xmattach addr=0xe0000000 count=16 dp=0 "
			       "segflag=SYS_ADSPACE", 0, &ev),
			 MDL_EV_UNDEF);
	ck_assert(fired(&ev, "xmattach.segflag-kernel"));
	op(m, "desc_set dp=1 aspace_id=XMEM_GLOBAL", 0, &ev);
	ck_assert_int_eq(op(m, "xmemin uaddr=0 kaddr=k0+0 count=8 dp=1", 0, &ev),
			 MDL_EV_UNDEF);
	ck_assert(fired(&ev, "xmemin.desc-global"));
	/* ... and no kernel range is required to fail without kernel space */
	ck_assert(!fired(&ev, "xmemin.kernel-range-undefined"));
	mdl_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("world");
	TCase *t = tcase_create("image and kernel space");
	tcase_add_test(t, image_legality);
	tcase_add_test(t, data_attach_and_text_readings);
	tcase_add_test(t, sys_attach_settles_reading);
	tcase_add_test(t, global_descriptor_moves);
	tcase_add_test(t, no_kernel_space_is_unmodelled);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	mdl_spec_free(spec);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

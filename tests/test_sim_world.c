/*
 * test_sim_world.c - unit tests of the simulator's process images and
 * kernel space (docs/WORLD.md W12, W13), calling sim_plugin's hooks
 * directly: image, kseg_new, SYS_ADSPACE attaches, moves and xmemdma
 * through XMEM_GLOBAL descriptors. tests/test_sim.c has the rest.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define A(r, off) (((uint32_t)(r) << XMC_SEGSHIFT) | (uint32_t)(off))
#define PG XMC_PAGE_SIZE
#define TEXT(p) XMC_SID(XMC_SEG_TEXT(p))
#define DATA(p) XMC_SID(XMC_SEG_DATA(p))
#define KSEG(j) XMC_SID(XMC_SEG_KERN(j))

static const struct xmc_plugin *P = &sim_plugin;
static xmc_world *w;

static void setup(int profile)
{
	struct xmc_config cfg = {profile, 3};
	char err[128] = "";

	w = P->create(&cfg, err, sizeof(err));
	ck_assert_msg(w != NULL, "create: %s", err);
}

static void setup_power(void)
{
	setup(XMC_PROFILE_POWER);
}

static void setup_powerpc(void)
{
	setup(XMC_PROFILE_POWERPC);
}

static void teardown(void)
{
	P->destroy(w);
	w = NULL;
}

static struct xmc_xmem desc(int32_t aspace_id)
{
	struct xmc_xmem d = {aspace_id, 0, 0, 0};

	return d;
}

static struct xmc_page_state st(uint32_t sid, uint32_t page)
{
	struct xmc_page_state s;

	ck_assert_int_eq(P->page_state(w, sid, page, &s), 0);
	return s;
}

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 13);
}

static void live(uint32_t sid, int holds)
{
	int state = -1, h = -1;

	ck_assert_int_eq(P->seg_state(w, sid, &state, &h), 0);
	ck_assert_int_eq(state, XMC_SEG_LIVE);
	ck_assert_int_eq(h, holds);
}

/* ---- W12: process text and private data ---- */

START_TEST(t_image_creates)
{
	const xmc_adspace *as;
	int state, holds;

	ck_assert_uint_ne(P->caps & XMC_CAP_IMAGE, 0);
	ck_assert_int_ne(P->seg_state(w, TEXT(0), &state, &holds), 0);
	ck_assert_int_eq(P->image(w, 0, 3), 0);
	live(TEXT(0), 0);
	live(DATA(0), 0);
	for (uint32_t p = 0; p < 3; p++) {
		struct xmc_page_state t = st(TEXT(0), p), d = st(DATA(0), p);

		ck_assert_int_eq(t.prot, XMC_PROT_RO);
		ck_assert_int_eq(d.prot, XMC_PROT_RW);
		ck_assert_int_eq(t.in_memory && t.valid && !t.modified, 1);
		ck_assert_int_eq(d.in_memory && d.valid && !d.modified, 1);
	}
	ck_assert_int_ne(
	    P->page_state(w, TEXT(0), 3, &(struct xmc_page_state){0}), 0);
	as = P->getadsp(w);
	ck_assert_uint_eq(as->srval[1], XMC_SRVAL(TEXT(0), 1));
	ck_assert_uint_eq(as->srval[2], XMC_SRVAL(DATA(0), 1));
	ck_assert_uint_eq(P->as_getsrval(w, P->getadsp(w), A(2, 5)),
			  XMC_SRVAL(DATA(0), 1));
	/* the process's own loads reach text and data */
	ck_assert_int_eq(P->probe(w, 0, A(1, 0)), 1);
	ck_assert_int_eq(P->probe(w, 0, A(2, 2 * PG)), 1);
	ck_assert_int_eq(P->probe(w, 0, A(2, 3 * PG)), 0);
}
END_TEST

START_TEST(t_image_refused)
{
	ck_assert_int_ne(P->image(w, 1, 2), 0); /* no process 1 */
	ck_assert_int_ne(P->image(w, 0, 0), 0);
	ck_assert_int_ne(P->image(w, 0, 17), 0);
	ck_assert_int_ne(P->image(w, -1, 1), 0);
	ck_assert_int_eq(P->image(w, 0, 16), 0);
	ck_assert_int_ne(P->image(w, 0, 1), 0); /* has one */
	/* a service has run while process 1 was current */
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_eq(P->proc_switch(w, 1), 0);
	ck_assert_uint_eq(P->as_getsrval(w, P->getadsp(w), A(3, 0)),
			  XMC_NULLSEGVAL);
	ck_assert_int_ne(P->image(w, 1, 1), 0);
	/* process 2 was never current: it may still get its image */
	ck_assert_int_eq(P->proc_new(w, 2), 0);
	ck_assert_int_eq(P->image(w, 2, 1), 0);
	live(TEXT(2), 0);
	/* a reset forgets images and services */
	ck_assert_int_eq(P->reset(w), 0);
	ck_assert_int_eq(P->image(w, 0, 1), 0);
}
END_TEST

START_TEST(t_image_fixed)
{
	uint32_t u = XMC_SID(0);

	ck_assert_int_eq(P->image(w, 0, 2), 0);
	ck_assert_int_ne(P->seg_delete(w, TEXT(0)), 0);
	ck_assert_int_ne(P->seg_delete(w, DATA(0)), 0);
	ck_assert_int_ne(P->map(w, 0, 5, TEXT(0), 1), 0);
	ck_assert_int_ne(P->map(w, 0, 5, DATA(0), 0), 0);
	ck_assert_int_eq(P->as_det(w, P->getadsp(w), A(1, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(w, P->getadsp(w), A(2, 0)), XMC_EINVAL);
	/* user segments still count from 0 */
	ck_assert_int_eq(P->seg_new(w, u, 1, 0), 0);
	ck_assert_int_eq(P->map(w, 0, 3, u, 1), 0);
	/* as_geth holds text like any segment; as_att may attach its handle */
	ck_assert_uint_eq(P->as_geth(w, P->getadsp(w), A(1, 0)),
			  XMC_SRVAL(TEXT(0), 1));
	live(TEXT(0), 1);
	P->as_puth(w, P->getadsp(w), XMC_SRVAL(TEXT(0), 1));
	live(TEXT(0), 0);
	ck_assert_uint_eq(
	    P->as_att(w, P->getadsp(w), XMC_SRVAL(DATA(0), 1), A(9, 0x10)),
	    A(4, 0x10));
	ck_assert_int_eq(P->probe(w, 0, A(4, PG)), 1);
}
END_TEST

START_TEST(t_image_attach_moves)
{
	struct xmc_xmem d = desc(XMEM_INVAL), t = desc(XMEM_INVAL);
	uint8_t b[300], r[300];

	ck_assert_int_eq(P->image(w, 0, 2), 0);
	/* without an image region 2 holds nothing */
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_eq(P->proc_switch(w, 1), 0);
	ck_assert_int_eq(P->xmattach(w, A(2, 0), 10, &d, USER_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->proc_switch(w, 0), 0);
	/* default readings: user_text=allowed, useri_data=allowed */
	ck_assert_int_eq(
	    P->xmattach(w, A(2, 100), 2 * PG - 100, &d, USERI_ADSPACE),
	    XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC);
	ck_assert_int_eq(P->xmattach(w, A(1, 0), PG, &t, USER_ADSPACE),
			 XMEM_SUCC);
	ck_assert_int_eq(P->xmattach(w, A(2, 0), 2 * PG + 1,
				     &(struct xmc_xmem){XMEM_INVAL, 0, 0, 0},
				     USER_ADSPACE),
			 XMEM_FAIL);
	fill(b, sizeof(b), 9);
	ck_assert_int_eq(P->xmemout(w, b, A(2, PG - 10), sizeof(b), &d),
			 XMEM_SUCC);
	ck_assert_int_eq(P->peek(w, DATA(0), PG - 10, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_eq(st(DATA(0), 1).modified, 1);
	/* text: read-only key refuses xmemout, xmemin reads */
	ck_assert_int_eq(P->xmemout(w, b, A(1, 0), 8, &t), XMEM_FAIL);
	ck_assert_int_eq(st(TEXT(0), 0).modified, 0);
	ck_assert_int_eq(P->poke(w, TEXT(0), 40, b, 8), 0);
	ck_assert_int_eq(P->xmemin(w, A(1, 40), r, 8, &t), XMEM_SUCC);
	ck_assert_mem_eq(r, b, 8);
	/* protect makes text writable, as mprotect does */
	ck_assert_int_eq(P->protect(w, TEXT(0), 0, XMC_PROT_RW), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(1, 0), 8, &t), XMEM_SUCC);
	ck_assert_int_eq(P->xmdetach(w, &t), XMEM_SUCC);
	ck_assert_int_eq(P->xmdetach(w, &d), XMEM_SUCC);
}
END_TEST

/* Another process's data is its own segment: private. */
START_TEST(t_image_private)
{
	struct xmc_xmem d = desc(XMEM_INVAL);
	uint8_t b[16], r[16], z[16] = {0};

	ck_assert_int_eq(P->image(w, 0, 1), 0);
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_eq(P->image(w, 1, 1), 0);
	ck_assert_uint_eq(P->as_getsrval(w, &(xmc_adspace){0}, A(2, 0)),
			  XMC_SRVAL(DATA(0), 1));
	ck_assert_int_eq(P->proc_switch(w, 1), 0);
	ck_assert_uint_eq(P->getadsp(w)->srval[2], XMC_SRVAL(DATA(1), 1));
	ck_assert_int_eq(P->xmattach(w, A(2, 0), 16, &d, USER_ADSPACE),
			 XMEM_SUCC);
	fill(b, sizeof(b), 1);
	ck_assert_int_eq(P->xmemout(w, b, A(2, 0), 16, &d), XMEM_SUCC);
	ck_assert_int_eq(P->peek(w, DATA(1), 0, r, 16), 0);
	ck_assert_mem_eq(r, b, 16);
	ck_assert_int_eq(P->peek(w, DATA(0), 0, r, 16), 0);
	ck_assert_mem_eq(r, z, 16);
}
END_TEST

/* ---- W13: kernel space ---- */

START_TEST(t_kseg_new)
{
	uint8_t b[64], r[64];
	struct xmc_xmem d = desc(XMEM_INVAL);

	ck_assert_uint_ne(P->caps & XMC_CAP_KERNEL, 0);
	ck_assert_int_ne(P->kseg_new(w, 2, 1), 0);
	ck_assert_int_ne(P->kseg_new(w, 0, 0), 0);
	ck_assert_int_ne(P->kseg_new(w, 0, 17), 0);
	ck_assert_int_eq(P->kseg_new(w, 1, 4), 0);
	ck_assert_int_ne(P->kseg_new(w, 1, 4), 0);
	ck_assert_int_eq(P->kseg_new(w, 0, 2), 0);
	live(KSEG(0), 0);
	live(KSEG(1), 0);
	ck_assert_int_ne(P->seg_delete(w, KSEG(1)), 0);
	ck_assert_int_ne(P->map(w, 0, 3, KSEG(1), 0), 0);
	/* every page step acts on it */
	ck_assert_int_eq(st(KSEG(1), 3).prot, XMC_PROT_RW);
	ck_assert_int_ne(
	    P->page_state(w, KSEG(1), 4, &(struct xmc_page_state){0}), 0);
	fill(b, sizeof(b), 5);
	ck_assert_int_eq(P->poke(w, KSEG(1), 2 * PG - 32, b, sizeof(b)), 0);
	ck_assert_int_eq(P->page_out(w, KSEG(1), 1), 0);
	ck_assert_int_eq(st(KSEG(1), 1).in_memory, 0);
	ck_assert_int_eq(P->peek(w, KSEG(1), 2 * PG - 32, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(r));
	ck_assert_int_eq(P->pin(w, KSEG(1), 1), 0);
	ck_assert_int_eq(st(KSEG(1), 1).pin_count, 1);
	ck_assert_int_eq(P->protect(w, KSEG(0), 1, XMC_PROT_NONE), 0);
	ck_assert_int_eq(st(KSEG(0), 1).prot, XMC_PROT_NONE);
	/* in no process's address space */
	ck_assert_int_eq(P->probe(w, 0, A(14, 0)), 0);
	ck_assert_int_eq(P->xmattach(w, A(14, 0), 8, &d, USER_ADSPACE),
			 XMEM_FAIL);
	ck_assert_uint_ne(P->getadsp(w)->srval[14], XMC_SRVAL(KSEG(1), 0));
}
END_TEST

START_TEST(t_sys_attach)
{
	struct xmc_xmem d = desc(XMEM_INVAL), e = desc(XMEM_INVAL);
	uint8_t b[32], r[32];

	ck_assert_int_eq(P->xmattach(w, A(14, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* no kernel segment yet */
	ck_assert_int_eq(P->kseg_new(w, 1, 2), 0);
	ck_assert_int_eq(P->kseg_new(w, 0, 1), 0);
	ck_assert_int_eq(P->xmattach(w, A(14, 0), 2 * PG + 1, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* past the defined pages */
	ck_assert_int_eq(P->xmattach(w, A(14, 0), 0, &d, SYS_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(1, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* region 1 holds no kernel segment */
	ck_assert_int_eq(P->xmattach(w, A(0, PG - 4), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* region 0 has one page */
	ck_assert_int_eq(
	    P->xmattach(w, A(14, 16), 2 * PG - 16, &d, SYS_ADSPACE), XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_GLOBAL); /* sys_aspace=global */
	ck_assert_int_eq(P->xmattach(w, A(14, 16), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* in use */
	ck_assert_int_eq(P->xmattach(w, A(0, 0), PG, &e, SYS_ADSPACE),
			 XMEM_SUCC);
	/* the descriptor moves kernel bytes */
	fill(b, sizeof(b), 77);
	ck_assert_int_eq(P->xmemout(w, b, A(14, PG - 8), sizeof(b), &d),
			 XMEM_SUCC);
	ck_assert_int_eq(P->peek(w, KSEG(1), PG - 8, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(r));
	ck_assert_int_eq(P->xmdetach(w, &d), XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
	ck_assert_int_eq(P->xmdetach(w, &e), XMEM_SUCC);
	ck_assert_int_eq(e.aspace_id, XMEM_INVAL);
	/* at interrupt level xmattach is a caller error and does nothing */
	ck_assert_int_eq(P->set_env(w, 1), 0);
	ck_assert_int_eq(P->xmattach(w, A(0, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL);
}
END_TEST

START_TEST(t_global_moves)
{
	struct xmc_xmem g = desc(XMEM_GLOBAL);
	uint8_t b[PG + 64], r[PG + 64];

	fill(b, sizeof(b), 3);
	/* before any kernel segment nothing is reachable */
	ck_assert_int_eq(P->xmemout(w, b, A(0, 0), 8, &g), XMEM_FAIL);
	ck_assert_int_eq(P->kseg_new(w, 0, 3), 0);
	/* a kernel address, whatever the descriptor's other words */
	g.subspace_id = 0x12345;
	g.uaddr = A(7, 0);
	ck_assert_int_eq(P->xmemout(w, b, A(0, PG - 32), sizeof(b), &g),
			 XMEM_SUCC);
	ck_assert_int_eq(P->peek(w, KSEG(0), PG - 32, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(r));
	ck_assert_int_eq(st(KSEG(0), 2).modified, 1);
	memset(r, 0, sizeof(r));
	ck_assert_int_eq(P->xmemin(w, A(0, PG - 32), r, sizeof(r), &g),
			 XMEM_SUCC);
	ck_assert_mem_eq(r, b, sizeof(r));
	ck_assert_int_eq(P->xmemin(w, A(0, 0), r, 0, &g), XMEM_SUCC);
	/* protection through key 0: key0_ro=refused */
	ck_assert_int_eq(P->protect(w, KSEG(0), 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(0, PG), 4, &g), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(0, PG), r, 4, &g), XMEM_SUCC);
	ck_assert_int_eq(P->protect(w, KSEG(0), 1, XMC_PROT_NONE), 0);
	ck_assert_int_eq(P->xmemin(w, A(0, PG), r, 4, &g), XMEM_FAIL);
	/* paging: process level pages in, interrupt level fails */
	ck_assert_int_eq(P->page_out(w, KSEG(0), 2), 0);
	ck_assert_int_eq(P->set_env(w, 1), 0);
	ck_assert_int_eq(P->xmemin(w, A(0, 2 * PG), r, 4, &g), XMEM_FAIL);
	ck_assert_int_eq(P->set_env(w, 0), 0);
	ck_assert_int_eq(P->io_error(w, KSEG(0), 2, 1), 0);
	ck_assert_int_eq(P->xmemin(w, A(0, 2 * PG), r, 4, &g), XMEM_FAIL);
	ck_assert_int_eq(P->io_error(w, KSEG(0), 2, 0), 0);
	ck_assert_int_eq(P->xmemin(w, A(0, 2 * PG), r, 4, &g), XMEM_SUCC);
	ck_assert_int_eq(st(KSEG(0), 2).in_memory, 1);
	ck_assert_int_eq(st(KSEG(0), 2).modified, 0);
	ck_assert_mem_eq(r, b + PG + 32, 4);
	/* past the defined pages */
	ck_assert_int_eq(P->xmemin(w, A(0, 3 * PG - 2), r, 4, &g), XMEM_FAIL);
}
END_TEST

START_TEST(t_global_dma_power)
{
	struct xmc_xmem g = desc(XMEM_GLOBAL), s = desc(XMEM_INVAL);
	struct xmc_page_state p;
	uint8_t b[16], r[16];
	int ra, rb;
	uint64_t r64;

	ck_assert_int_eq(P->kseg_new(w, 1, 2), 0);
	ck_assert_int_eq(P->xmemdma(w, &g, A(0, 0), 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(w, &g, A(14, 2 * PG), 0), XMEM_FAIL);
	ck_assert_int_eq(P->pin(w, KSEG(1), 1), 0);
	ra = P->xmemdma(w, &g, A(14, PG + 0x123), 0);
	ck_assert_int_ne(ra, XMEM_FAIL);
	ck_assert_int_eq(ra & 0xfff, 0x123);
	p = st(KSEG(1), 1);
	ck_assert_int_eq(p.hide_count, 1);
	ck_assert_int_eq(p.valid, 0);
	/* hidden: moves through any descriptor refuse it, the device writes */
	ck_assert_int_eq(P->xmemin(w, A(14, PG), r, 4, &g), XMEM_FAIL);
	fill(b, sizeof(b), 40);
	ck_assert_int_eq(P->dma_write(w, KSEG(1), PG + 8, b, sizeof(b)), 0);
	/* the same page through a SYS attach: same frame, nested hide */
	ck_assert_int_eq(P->xmattach(w, A(14, 0), 2 * PG, &s, SYS_ADSPACE),
			 XMEM_SUCC);
	r64 = P->xmemdma64(w, &s, A(14, PG + 0x10), 0);
	ck_assert_uint_eq(r64 >> 12, (uint32_t)ra >> 12);
	ck_assert_int_eq(st(KSEG(1), 1).hide_count, 2);
	rb = P->xmemdma(w, &g, A(14, PG), XMEM_UNHIDE);
	ck_assert_int_eq(rb >> 12, ra >> 12);
	ck_assert_int_eq(st(KSEG(1), 1).valid, 0);
	ck_assert_int_ne(P->xmemdma(w, &g, A(14, PG), XMEM_UNHIDE), XMEM_FAIL);
	p = st(KSEG(1), 1);
	ck_assert_int_eq(p.hide_count, 0);
	ck_assert_int_eq(p.valid, 1);
	ck_assert_int_eq(p.modified, 1);
	ck_assert_int_eq(P->xmemin(w, A(14, PG + 8), r, sizeof(r), &g),
			 XMEM_SUCC);
	ck_assert_mem_eq(r, b, sizeof(r));
	/* access check through key 0 */
	ck_assert_int_eq(P->protect(w, KSEG(1), 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemdma(w, &g, A(14, PG), XMEM_ACC_CHK), XMEM_FAIL);
	ck_assert_int_ne(
	    P->xmemdma(w, &g, A(14, PG), XMEM_ACC_CHK | XMEM_WRITE_ONLY),
	    XMEM_FAIL);
}
END_TEST

START_TEST(t_global_dma_powerpc)
{
	struct xmc_xmem g = desc(XMEM_GLOBAL);
	struct xmc_page_state p;

	ck_assert_int_eq(P->kseg_new(w, 0, 1), 0);
	ck_assert_int_eq(P->pin(w, KSEG(0), 0), 0);
	ck_assert_int_ne(P->xmemdma(w, &g, A(0, 5), 0), XMEM_FAIL);
	p = st(KSEG(0), 0);
	ck_assert_int_eq(p.hide_count, 0);
	ck_assert_int_eq(p.valid, 1);
	ck_assert_int_eq(p.modified, 0); /* ppc_modified=untouched */
	ck_assert_uint_ne(P->xmemdma64(w, &g, A(0, 5), 0), UINT64_MAX);
	ck_assert_int_eq(st(KSEG(0), 0).modified, 1);
	ck_assert_uint_eq(P->xmemdma64(w, &g, A(0, PG), 0), UINT64_MAX);
}
END_TEST

/*
 * A new page reads zero whatever its frame held before: written by a store,
 * by a device, or read back from paging space (the simulator zeroes only
 * frames written since they were last zeroed).
 */
START_TEST(t_new_pages_zero)
{
	uint8_t b[64], r[64], z[64] = {0};

	fill(b, sizeof(b), 21);
	ck_assert_int_eq(P->kseg_new(w, 0, 3), 0);
	ck_assert_int_eq(P->poke(w, KSEG(0), 8, b, sizeof(b)), 0);
	ck_assert_int_eq(P->pin(w, KSEG(0), 1), 0);
	ck_assert_int_eq(P->dma_write(w, KSEG(0), PG + 8, b, sizeof(b)), 0);
	ck_assert_int_eq(P->poke(w, KSEG(0), 2 * PG + 8, b, sizeof(b)), 0);
	ck_assert_int_eq(P->page_out(w, KSEG(0), 2), 0);
	/* another page takes the freed frame: page 2 comes back elsewhere */
	ck_assert_int_eq(P->kseg_new(w, 1, 1), 0);
	ck_assert_int_eq(P->page_in(w, KSEG(0), 2), 0);
	ck_assert_int_eq(P->reset(w), 0);
	/* the same frames again, first popped first (W8: seeded free list) */
	ck_assert_int_eq(P->kseg_new(w, 0, 16), 0);
	for (uint32_t p = 0; p < 16; p++) {
		ck_assert_int_eq(P->peek(w, KSEG(0), p * PG + 8, r, sizeof(r)),
				 0);
		ck_assert_mem_eq(r, z, sizeof(r));
	}
	/* a deleted segment's frames serve the next one zeroed */
	ck_assert_int_eq(P->seg_new(w, XMC_SID(0), 2, 0), 0);
	ck_assert_int_eq(P->poke(w, XMC_SID(0), 0, b, sizeof(b)), 0);
	ck_assert_int_eq(P->seg_delete(w, XMC_SID(0)), 0);
	ck_assert_int_eq(P->seg_new(w, XMC_SID(1), 2, 0), 0);
	ck_assert_int_eq(P->peek(w, XMC_SID(1), 0, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, z, sizeof(r));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim_world");
	TCase *t = tcase_create("power");
	TCase *pc = tcase_create("powerpc");

	tcase_add_checked_fixture(t, setup_power, teardown);
	tcase_add_test(t, t_image_creates);
	tcase_add_test(t, t_image_refused);
	tcase_add_test(t, t_image_fixed);
	tcase_add_test(t, t_image_attach_moves);
	tcase_add_test(t, t_image_private);
	tcase_add_test(t, t_kseg_new);
	tcase_add_test(t, t_sys_attach);
	tcase_add_test(t, t_global_moves);
	tcase_add_test(t, t_global_dma_power);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(pc, setup_powerpc, teardown);
	tcase_add_test(pc, t_global_dma_powerpc);
	tcase_add_test(pc, t_global_moves);
	tcase_add_test(pc, t_new_pages_zero);
	suite_add_tcase(s, pc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

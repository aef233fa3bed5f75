/*
 * test_sim.c - unit tests of the simulator, calling sim_plugin's hooks
 * directly. A few cache tests also look inside the world (sim_int.h) to show
 * that the cache really holds bytes that real memory does not.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_int.h"

#define A(r, off) (((uint32_t)(r) << XMC_SEGSHIFT) | (uint32_t)(off))
#define PG XMC_PAGE_SIZE
#define HI(n) (XMC_SEG_PAGES - (n)) /* first page of a high segment */

static const struct xmc_plugin *P = &sim_plugin;
static xmc_world *w;
static int nseg;

static xmc_world *mk(int profile, uint64_t seed)
{
	struct xmc_config cfg = {profile, seed};
	char err[128] = "";
	xmc_world *x = P->create(&cfg, err, sizeof(err));

	ck_assert_msg(x != NULL, "create: %s", err);
	return x;
}

static void setup_power(void)
{
	w = mk(XMC_PROFILE_POWER, 1);
	nseg = 0;
}

static void setup_powerpc(void)
{
	w = mk(XMC_PROFILE_POWERPC, 7);
	nseg = 0;
}

static void teardown(void)
{
	P->destroy(w);
	w = NULL;
}

static uint32_t new_seg(int npages, int high)
{
	uint32_t sid = XMC_SID(nseg);

	ck_assert_int_eq(P->seg_new(w, sid, npages, high), 0);
	nseg++;
	return sid;
}

static void map(int region, uint32_t sid)
{
	ck_assert_int_eq(P->map(w, 0, region, sid, 1), 0);
}

/* A mapped low segment of n pages in region r. */
static uint32_t seg_at(int r, int n)
{
	uint32_t sid = new_seg(n, 0);

	map(r, sid);
	return sid;
}

static struct xmc_xmem inval(void)
{
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};

	return d;
}

static struct xmc_xmem attach(uint32_t addr, int count)
{
	struct xmc_xmem d = inval();

	ck_assert_int_eq(P->xmattach(w, addr, count, &d, USER_ADSPACE),
			 XMEM_SUCC);
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
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

/* ---- identity and lifecycle ---- */

START_TEST(t_identity)
{
	ck_assert_uint_eq(P->abi_version, XMC_ABI_VERSION);
	ck_assert_uint_eq(P->struct_size, sizeof(struct xmc_plugin));
	ck_assert_str_eq(P->name, "sim");
	ck_assert_str_eq(P->version, "1.0");
	ck_assert_uint_eq(P->profiles, (1u << XMC_PROFILE_POWER) |
					   (1u << XMC_PROFILE_POWERPC));
	ck_assert_uint_eq(P->caps, XMC_CAP_ALL);
	ck_assert_uint_eq(P->runtime_caps(w), XMC_CAP_ALL);
	ck_assert_ptr_null(P->cap_reason(w, XMC_CAP_PIN));
}
END_TEST

#define HOOK(h) ck_assert_msg(P->h != NULL, #h " is NULL")

START_TEST(t_hooks_filled)
{
	HOOK(create);
	HOOK(reset);
	HOOK(destroy);
	HOOK(runtime_caps);
	HOOK(cap_reason);
	HOOK(proc_new);
	HOOK(proc_switch);
	HOOK(seg_new);
	HOOK(seg_delete);
	HOOK(map);
	HOOK(protect);
	HOOK(pin);
	HOOK(unpin);
	HOOK(page_out);
	HOOK(page_in);
	HOOK(io_error);
	HOOK(pager_io);
	HOOK(wait);
	HOOK(set_env);
	HOOK(poke);
	HOOK(dma_read);
	HOOK(dma_write);
	HOOK(clear_mod);
	HOOK(xmattach);
	HOOK(xmdetach);
	HOOK(xmemin);
	HOOK(xmemout);
	HOOK(xmemdma);
	HOOK(as_att);
	HOOK(as_det);
	HOOK(getadsp);
	HOOK(as_geth);
	HOOK(as_puth);
	HOOK(as_getsrval);
	HOOK(page_state);
	HOOK(peek);
}
END_TEST

START_TEST(t_create_bad_profile)
{
	struct xmc_config cfg = {3, 0};
	char err[64] = "";

	ck_assert_ptr_null(P->create(&cfg, err, sizeof(err)));
	ck_assert(err[0] != 0);
	ck_assert_ptr_null(P->create(NULL, NULL, 0));
}
END_TEST

static void check_initial(void)
{
	xmc_adspace *as = P->getadsp(w);
	int r;

	ck_assert_uint_eq(as->alloc, 0xe0020000u);
	for (r = 3; r < 16; r++)
		if (r != 14)
			ck_assert_uint_eq(as->srval[r], XMC_NULLSEGVAL);
	ck_assert_int_ne(P->page_state(w, XMC_SID(0), 0, NULL), 0);
	ck_assert_int_ne(P->proc_switch(w, 1), 0);
	ck_assert_int_eq(P->seg_new(w, XMC_SID(1), 1, 0), -1);
}

START_TEST(t_initial_state)
{
	check_initial();
}
END_TEST

START_TEST(t_reset)
{
	xmc_world *fresh = mk(XMC_PROFILE_POWER, 1);
	uint8_t b[64], z[64] = {0};
	struct xmc_xmem d;
	uint32_t sid;
	int ra, rb;

	sid = seg_at(3, 4);
	new_seg(2, 1);
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_eq(P->pin(w, sid, 1), 0);
	d = attach(A(3, 0), 4 * PG);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, PG), XMEM_HIDE), XMEM_FAIL);
	fill(b, sizeof(b), 3);
	ck_assert_int_eq(P->poke(w, sid, 0, b, sizeof(b)), 0);
	ck_assert_int_eq(P->page_out(w, sid, 2), 0);
	ck_assert_int_eq(P->set_env(w, 1), 0);
	ck_assert_int_eq(P->reset(w), 0);
	nseg = 0;
	check_initial();
	/* the same program gives the same frames and zeroed pages */
	seg_at(3, 4);
	d = attach(A(3, 0), 4 * PG);
	ck_assert_int_eq(P->pin(w, sid, 1), 0);
	ra = P->xmemdma(w, &d, A(3, PG), XMEM_HIDE);
	ck_assert_int_eq(P->seg_new(fresh, sid, 4, 0), 0);
	ck_assert_int_eq(P->map(fresh, 0, 3, sid, 1), 0);
	ck_assert_int_eq(P->pin(fresh, sid, 1), 0);
	d = inval();
	ck_assert_int_eq(P->xmattach(fresh, A(3, 0), 4 * PG, &d, 0), 0);
	rb = P->xmemdma(fresh, &d, A(3, PG), XMEM_HIDE);
	ck_assert_int_eq(ra, rb);
	ck_assert_int_eq(P->peek(w, sid, 0, b, sizeof(b)), 0);
	ck_assert_mem_eq(b, z, sizeof(b));
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	P->destroy(fresh);
}
END_TEST

/* ---- world steps ---- */

START_TEST(t_steps_legality)
{
	uint32_t sid;
	uint8_t b[8] = {1};

	ck_assert_int_ne(P->proc_new(w, 0), 0);
	ck_assert_int_ne(P->proc_new(w, 2), 0);
	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_ne(P->proc_new(w, 4), 0);
	ck_assert_int_ne(P->seg_new(w, XMC_SID(1), 1, 0), 0);
	ck_assert_int_ne(P->seg_new(w, XMC_SID(0), 0, 0), 0);
	ck_assert_int_ne(P->seg_new(w, XMC_SID(0), 17, 0), 0);
	sid = new_seg(2, 0);
	ck_assert_int_ne(P->map(w, 0, 14, sid, 0), 0);
	ck_assert_int_ne(P->map(w, 0, 2, sid, 0), 0);
	ck_assert_int_ne(P->map(w, 2, 3, sid, 0), 0);
	ck_assert_int_ne(P->map(w, 0, 16, sid, 0), 0);
	ck_assert_int_eq(P->map(w, 1, 3, sid, 0), 0);
	ck_assert_int_ne(P->map(w, 1, 3, sid, 0), 0);
	ck_assert_int_ne(P->map(w, 0, 4, XMC_SID(5), 0), 0);
	/* out-of-range sids and pages are refused, not crashed on */
	ck_assert_int_ne(P->pin(w, sid, 2), 0);
	ck_assert_int_ne(P->pin(w, 0xffffffffu, 0), 0);
	ck_assert_int_ne(P->protect(w, sid, 0, 3), 0);
	ck_assert_int_ne(P->poke(w, sid, 2 * PG - 4, b, 8), 0);
	ck_assert_int_ne(P->poke(w, sid, 0xfffffff0u, b, 8), 0);
	ck_assert_int_ne(P->peek(w, sid, 0, b, 0), 0);
	ck_assert_int_ne(P->dma_read(w, sid, 0, b, 8), 0);
	ck_assert_int_ne(P->unpin(w, sid, 0), 0);
	ck_assert_int_ne(P->wait(w, sid, 0), 0);
	ck_assert_int_ne(P->page_in(w, sid, 0), 0);
	ck_assert_int_ne(P->clear_mod(w, sid, 65535), 0);
}
END_TEST

START_TEST(t_new_page_state)
{
	uint32_t sid = new_seg(3, 1);
	struct xmc_page_state s = st(sid, HI(3));

	ck_assert_int_eq(s.in_memory, 1);
	ck_assert_int_eq(s.valid, 1);
	ck_assert_int_eq(s.modified, 0);
	ck_assert_int_eq(s.prot, XMC_PROT_RW);
	ck_assert_int_eq(s.pin_count + s.hide_count + s.waiters, 0);
	ck_assert_int_eq(s.pager_io + s.io_error, 0);
	ck_assert_int_ne(P->page_state(w, sid, HI(3) - 1, &s), 0);
	ck_assert_int_ne(P->page_state(w, sid, 0, &s), 0);
}
END_TEST

START_TEST(t_paging)
{
	uint32_t sid = new_seg(2, 0);
	uint8_t b[100], r[100];

	fill(b, sizeof(b), 9);
	ck_assert_int_eq(P->poke(w, sid, PG - 50, b, sizeof(b)), 0);
	ck_assert_int_eq(st(sid, 0).modified, 1);
	ck_assert_int_eq(st(sid, 1).modified, 1);
	ck_assert_int_eq(P->page_out(w, sid, 0), 0);
	ck_assert_int_ne(P->page_out(w, sid, 0), 0);
	ck_assert_int_eq(st(sid, 0).in_memory, 0);
	ck_assert_int_eq(st(sid, 0).modified, 0);
	ck_assert_int_ne(P->poke(w, sid, 0, b, 1), 0);
	ck_assert_int_eq(P->peek(w, sid, PG - 50, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_eq(P->io_error(w, sid, 0, 1), 0);
	ck_assert_int_ne(P->page_in(w, sid, 0), 0);
	ck_assert_int_ne(P->pin(w, sid, 0), 0);
	ck_assert_int_eq(st(sid, 0).io_error, 1);
	ck_assert_int_eq(P->io_error(w, sid, 0, 0), 0);
	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_eq(st(sid, 0).in_memory, 1);
	ck_assert_int_eq(st(sid, 0).modified, 0);
	ck_assert_int_eq(st(sid, 0).pin_count, 1);
	ck_assert_int_ne(P->page_out(w, sid, 0), 0);
	ck_assert_int_ne(P->seg_delete(w, sid), 0);
	ck_assert_int_eq(P->peek(w, sid, PG - 50, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_eq(P->pager_io(w, sid, 1, 1), 0);
	ck_assert_int_ne(P->page_out(w, sid, 1), 0);
	ck_assert_int_eq(P->clear_mod(w, sid, 1), 0);
	ck_assert_int_eq(st(sid, 1).modified, 0);
	ck_assert_int_eq(P->unpin(w, sid, 0), 0);
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	ck_assert_int_ne(P->page_state(w, sid, 0, NULL), 0);
	ck_assert_int_ne(P->peek(w, sid, 0, r, 1), 0);
}
END_TEST

START_TEST(t_pin_limit)
{
	uint32_t sid = new_seg(1, 0);
	int i;

	for (i = 0; i < 100; i++)
		ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_ne(P->pin(w, sid, 0), 0);
	ck_assert_int_eq(st(sid, 0).pin_count, 100);
}
END_TEST

/* ---- xmattach / xmdetach (W4, W5) ---- */

START_TEST(t_xmattach_fails)
{
	struct xmc_xmem d = inval();
	uint32_t sid = seg_at(3, 2);

	ck_assert_int_eq(P->xmattach(w, A(3, 0), 0, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), -5, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(4, 0), 1, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 2 * PG + 1, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(3, 2 * PG), 1, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(1, 0), 1, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, 0xffffffffu, 2, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, NULL, 0), XMEM_FAIL);
	/* a user range is not kernel-defined (W13) */
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, SYS_ADSPACE),
			 XMEM_FAIL);
	/* W3 caller errors: refused */
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, 7), XMEM_FAIL);
	P->set_env(w, 1);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, 0), XMEM_FAIL);
	P->set_env(w, 0);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
	/* in use */
	d.aspace_id = XMEM_PROC;
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, 0), XMEM_FAIL);
	d = attach(A(3, 0), 1);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, 0), XMEM_FAIL);
	/* deleted segment */
	d = inval();
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	ck_assert_int_eq(P->xmattach(w, A(3, 0), 1, &d, 0), XMEM_FAIL);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
}
END_TEST

START_TEST(t_xmattach_ok)
{
	uint32_t sid = new_seg(2, 0);
	struct xmc_xmem d = inval();

	ck_assert_int_eq(P->map(w, 0, 7, sid, 0), 0);
	ck_assert_int_eq(P->protect(w, sid, 1, XMC_PROT_NONE), 0);
	ck_assert_int_eq(P->page_out(w, sid, 1), 0);
	ck_assert_int_eq(P->xmattach(w, A(7, 5), 2 * PG - 5, &d, USERI_ADSPACE),
			 XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(sid, 0));
	ck_assert_uint_eq(d.subspace_id2, 0);
	ck_assert_uint_eq(d.uaddr, A(7, 5));
}
END_TEST

START_TEST(t_xmattach_proc2)
{
	uint32_t hi = new_seg(3, 1), lo = new_seg(2, 0);
	struct xmc_xmem d;
	uint8_t b[8], r[8];

	map(14 - 1, hi);
	ck_assert_int_eq(P->map(w, 0, 15, lo, 0), 0);
	d = inval();
	/* 13 -> 14 would cross into the kernel extension region */
	ck_assert_int_eq(P->xmattach(w, A(13, 0x0ffffffc), 8, &d, 0),
			 XMEM_FAIL);
	ck_assert_int_eq(P->as_det(w, P->getadsp(w), A(13, 0)), 0);
	map(3, hi);
	map(4, lo);
	d = attach(A(3, 0x0ffffffc), 8);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC2);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(hi, 1));
	ck_assert_uint_eq(d.subspace_id2, XMC_SRVAL(lo, 1));
	fill(b, 8, 1);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0x0ffffffc), 8, &d), 0);
	ck_assert_int_eq(P->peek(w, hi, 0x0ffffffc, r, 4), 0);
	ck_assert_int_eq(P->peek(w, lo, 0, r + 4, 4), 0);
	ck_assert_mem_eq(r, b, 8);
	memset(r, 0, 8);
	ck_assert_int_eq(P->xmemin(w, A(3, 0x0ffffffc), r, 8, &d), 0);
	ck_assert_mem_eq(r, b, 8);
	/* the second region is reached only through subspace_id2 */
	ck_assert_int_eq(P->xmemin(w, A(4, 2 * PG - 1), r, 2, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(5, 0), r, 1, &d), XMEM_FAIL);
	/* beyond the defined pages of either segment */
	d = inval();
	ck_assert_int_eq(P->xmattach(w, A(3, 0x0fffd000 - 1), 2, &d, 0),
			 XMEM_FAIL);
	ck_assert_int_eq(
	    P->xmattach(w, A(3, 0x0fffd000), 0x3000 + 0x2001, &d, 0),
	    XMEM_FAIL);
	ck_assert_int_eq(
	    P->xmattach(w, A(3, 0x0fffd000), 0x3000 + 0x2000, &d, 0),
	    XMEM_SUCC);
}
END_TEST

START_TEST(t_xmdetach)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0x10), 16), e;

	e = d;
	e.aspace_id = XMEM_INVAL;
	ck_assert_int_eq(P->xmdetach(w, &e), XMEM_FAIL);
	e = d;
	e.subspace_id = XMC_SRVAL(XMC_SID(9), 0);
	ck_assert_int_eq(P->xmdetach(w, &e), XMEM_FAIL);
	e = d;
	e.aspace_id = XMEM_PROC2;
	ck_assert_int_eq(P->xmdetach(w, &e), XMEM_FAIL);
	ck_assert_int_eq(P->xmdetach(w, NULL), XMEM_FAIL);
	/* a deleted segment still names a created one; interrupt level ok */
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	P->set_env(w, 1);
	ck_assert_int_eq(P->xmdetach(w, &d), XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(sid, 1));
	ck_assert_uint_eq(d.uaddr, A(3, 0x10));
	ck_assert_int_eq(P->xmdetach(w, &d), XMEM_FAIL);
}
END_TEST

/* ---- xmemin / xmemout (W6) ---- */

START_TEST(t_xmem_ok)
{
	uint32_t sid = seg_at(3, 3);
	struct xmc_xmem d = attach(A(3, 0), 3 * PG);
	static uint8_t b[3 * PG], r[3 * PG];

	fill(b, sizeof(b), 5);
	ck_assert_int_eq(P->xmemin(w, A(3, 0), r, 0, &d), XMEM_SUCC);
	ck_assert_int_eq(P->xmemout(w, b, A(9, 0), 0, &d), XMEM_SUCC);
	ck_assert_int_eq(P->page_out(w, sid, 2), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 100), 2 * PG, &d), 0);
	ck_assert_int_eq(st(sid, 0).modified, 1);
	ck_assert_int_eq(st(sid, 2).modified, 1);
	ck_assert_int_eq(st(sid, 2).in_memory, 1);
	ck_assert_int_eq(P->peek(w, sid, 100, r, 2 * PG), 0);
	ck_assert_mem_eq(r, b, 2 * PG);
	ck_assert_int_eq(P->page_out(w, sid, 1), 0);
	memset(r, 0, sizeof(r));
	ck_assert_int_eq(P->xmemin(w, A(3, 100), r, 2 * PG, &d), 0);
	ck_assert_mem_eq(r, b, 2 * PG);
	ck_assert_int_eq(st(sid, 1).in_memory, 1);
	ck_assert_int_eq(st(sid, 1).modified, 0);
	/* interrupt level, resident pages, RO page readable */
	ck_assert_int_eq(P->protect(w, sid, 0, XMC_PROT_RO), 0);
	P->set_env(w, 1);
	ck_assert_int_eq(P->xmemin(w, A(3, 100), r, 10, &d), 0);
	ck_assert_mem_eq(r, b, 10);
}
END_TEST

START_TEST(t_xmem_fails)
{
	uint32_t sid = seg_at(3, 2);
	struct xmc_xmem d = attach(A(3, 0), 2 * PG), e;
	uint8_t b[16] = {0};

	e = d;
	e.aspace_id = XMEM_INVAL;
	ck_assert_int_eq(P->xmemin(w, A(3, 0), b, 1, &e), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 0, &e), XMEM_FAIL);
	e = d;
	e.subspace_id = 0x7fffff;
	ck_assert_int_eq(P->xmemin(w, A(3, 0), b, 1, &e), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(3, 0), b, -1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(4, 0), b, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(3, 2 * PG - 1), b, 2, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(3, 2 * PG - 1), b, 1, &d), 0);
	/* protection */
	ck_assert_int_eq(P->protect(w, sid, 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(3, PG), 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(3, PG), b, 1, &d), XMEM_SUCC);
	ck_assert_int_eq(P->protect(w, sid, 1, XMC_PROT_NONE), 0);
	ck_assert_int_eq(P->xmemin(w, A(3, PG), b, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->protect(w, sid, 1, XMC_PROT_RW), 0);
	/* paging I/O error at process level; not in memory at interrupt */
	ck_assert_int_eq(P->page_out(w, sid, 1), 0);
	ck_assert_int_eq(P->io_error(w, sid, 1, 1), 0);
	ck_assert_int_eq(P->xmemin(w, A(3, PG), b, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->io_error(w, sid, 1, 0), 0);
	P->set_env(w, 1);
	ck_assert_int_eq(P->xmemin(w, A(3, PG), b, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(w, b, A(3, PG), 1, &d), XMEM_FAIL);
	ck_assert_int_eq(st(sid, 1).in_memory, 0);
	P->set_env(w, 0);
	ck_assert_int_eq(P->xmemin(w, A(3, PG), b, 1, &d), XMEM_SUCC);
	/* segment deleted; count 0 does not save a bad descriptor */
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	ck_assert_int_eq(P->xmemin(w, A(3, 0), b, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 0, &d), XMEM_FAIL);
}
END_TEST

START_TEST(t_xmem_all_or_nothing)
{
	uint32_t sid = seg_at(3, 3);
	struct xmc_xmem d = attach(A(3, 0), 3 * PG);
	static uint8_t b[3 * PG], r[3 * PG], z[3 * PG];

	fill(b, sizeof(b), 2);
	ck_assert_int_eq(P->page_out(w, sid, 0), 0);
	ck_assert_int_eq(P->protect(w, sid, 2, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 3 * PG, &d), XMEM_FAIL);
	ck_assert_int_eq(P->peek(w, sid, 0, r, 3 * PG), 0);
	ck_assert_mem_eq(r, z, 3 * PG);
	ck_assert_int_eq(st(sid, 0).in_memory, 0);
	ck_assert_int_eq(st(sid, 1).modified, 0);
	ck_assert_int_eq(P->protect(w, sid, 2, XMC_PROT_NONE), 0);
	ck_assert_int_eq(P->xmemin(w, A(3, 0), r, 3 * PG, &d), XMEM_FAIL);
	ck_assert_int_eq(st(sid, 0).in_memory, 0);
}
END_TEST

START_TEST(t_xmem_hidden_refused)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0), PG);
	uint8_t b[4] = {0};

	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(w, A(3, 0), b, 4, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 4, &d), XMEM_FAIL);
	ck_assert_int_ne(P->poke(w, sid, 0, b, 4), 0);
	ck_assert_int_ne(P->protect(w, sid, 0, XMC_PROT_RO), 0);
	ck_assert_int_ne(P->unpin(w, sid, 0), 0);
}
END_TEST

/* ---- xmemdma (W7, W8) ---- */

START_TEST(t_dma_fails)
{
	uint32_t sid = seg_at(3, 3);
	struct xmc_xmem d = attach(A(3, 0), 3 * PG), e;

	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, PG), 0), XMEM_FAIL);
	ck_assert_int_eq(P->page_out(w, sid, 2), 0);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 2 * PG), 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 3 * PG), 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(w, &d, A(4, 0), 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 0), 0x8), XMEM_FAIL);
	e = d;
	e.aspace_id = XMEM_INVAL;
	ck_assert_int_eq(P->xmemdma(w, &e, A(3, 0), 0), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(w, NULL, A(3, 0), 0), XMEM_FAIL);
	ck_assert_int_eq(P->protect(w, sid, 0, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 0), XMEM_ACC_CHK), XMEM_FAIL);
	ck_assert_int_ne(
	    P->xmemdma(w, &d, A(3, 0), XMEM_ACC_CHK | XMEM_WRITE_ONLY),
	    XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), 0), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert_int_eq(P->protect(w, sid, 0, XMC_PROT_NONE), 0);
	ck_assert_int_eq(
	    P->xmemdma(w, &d, A(3, 0), XMEM_ACC_CHK | XMEM_WRITE_ONLY),
	    XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), 0), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	/* W3: an unbalanced unhide is refused */
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert_int_eq(st(sid, 0).hide_count, 0);
	/* deleted segment */
	ck_assert_int_eq(P->unpin(w, sid, 0), 0);
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 0), 0), XMEM_FAIL);
}
END_TEST

START_TEST(t_dma_real_address)
{
	uint32_t sid = seg_at(3, 4);
	struct xmc_xmem d = attach(A(3, 0), 4 * PG);
	int a0, a1, b0;

	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_eq(P->pin(w, sid, 1), 0);
	a0 = P->xmemdma(w, &d, A(3, 0x123), XMEM_HIDE);
	a1 = P->xmemdma(w, &d, A(3, PG + 0xfff), XMEM_HIDE);
	ck_assert_int_ne(a0, XMEM_FAIL);
	ck_assert_int_eq(a0 & 0xfff, 0x123);
	ck_assert_int_eq(a1 & 0xfff, 0xfff);
	ck_assert_int_ne(a0 >> 12, a1 >> 12);
	ck_assert_int_eq(P->page_out(w, sid, 2), 0);
	ck_assert_int_eq(P->page_in(w, sid, 2), 0);
	ck_assert_int_eq(P->seg_new(w, XMC_SID(1), 16, 0), 0);
	b0 = P->xmemdma(w, &d, A(3, 0x7), XMEM_UNHIDE);
	ck_assert_int_eq(b0, (a0 & ~0xfff) | 7);
}
END_TEST

START_TEST(t_dma_states)
{
	uint32_t sid = seg_at(3, 3);
	struct xmc_xmem d = attach(A(3, 0), 3 * PG);
	struct xmc_page_state s;

	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_ne(P->wait(w, sid, 0), 0);
	/* first hide: invalid; nested hide: still invalid */
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_HIDE), XMEM_FAIL);
	s = st(sid, 0);
	ck_assert_int_eq(s.hide_count, 1);
	ck_assert_int_eq(s.valid, 0);
	ck_assert_int_eq(s.modified, 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 9), XMEM_ACC_CHK), XMEM_FAIL);
	ck_assert_int_eq(st(sid, 0).hide_count, 2);
	ck_assert_int_eq(P->wait(w, sid, 0), 0);
	ck_assert_int_eq(P->wait(w, sid, 0), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	s = st(sid, 0);
	ck_assert_int_eq(s.hide_count, 1);
	ck_assert_int_eq(s.valid, 0);
	ck_assert_int_eq(s.waiters, 2);
	ck_assert_int_eq(s.modified, 0);
	/* last unhide: valid, waiters readied, modified */
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	s = st(sid, 0);
	ck_assert_int_eq(s.hide_count, 0);
	ck_assert_int_eq(s.valid, 1);
	ck_assert_int_eq(s.waiters, 0);
	ck_assert_int_eq(s.modified, 1);
	ck_assert_int_eq(s.pin_count, 1);
}
END_TEST

START_TEST(t_dma_pager_io_and_ro)
{
	uint32_t sid = seg_at(3, 3);
	struct xmc_xmem d = attach(A(3, 0), 3 * PG);
	struct xmc_page_state s;

	/* last unhide in pager I/O state: valid only */
	ck_assert_int_eq(P->pin(w, sid, 1), 0);
	ck_assert_int_eq(P->pager_io(w, sid, 1, 1), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, PG), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->wait(w, sid, 1), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, PG), XMEM_UNHIDE), XMEM_FAIL);
	s = st(sid, 1);
	ck_assert_int_eq(s.valid, 1);
	ck_assert_int_eq(s.waiters, 1);
	ck_assert_int_eq(s.modified, 0);
	ck_assert_int_eq(s.pager_io, 1);
	/* read-only key: readied but not marked modified */
	ck_assert_int_eq(P->pin(w, sid, 2), 0);
	ck_assert_int_eq(P->protect(w, sid, 2, XMC_PROT_RO), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 2 * PG), 0), XMEM_FAIL);
	ck_assert_int_eq(P->wait(w, sid, 2), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 2 * PG), 1), XMEM_FAIL);
	s = st(sid, 2);
	ck_assert_int_eq(s.valid, 1);
	ck_assert_int_eq(s.waiters, 0);
	ck_assert_int_eq(s.modified, 0);
	ck_assert_int_eq(s.prot, XMC_PROT_RO);
}
END_TEST

START_TEST(t_dma_powerpc)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0), PG);
	uint8_t b[32], r[32];
	struct xmc_page_state s;
	int a;

	fill(b, sizeof(b), 4);
	ck_assert_int_eq(P->poke(w, sid, 64, b, sizeof(b)), 0);
	ck_assert_int_eq(P->clear_mod(w, sid, 0), 0);
	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	a = P->xmemdma(w, &d, A(3, 64), XMEM_HIDE);
	ck_assert_int_ne(a, XMEM_FAIL);
	ck_assert_int_eq(a & 0xfff, 64);
	s = st(sid, 0);
	ck_assert_int_eq(s.hide_count, 0);
	ck_assert_int_eq(s.valid, 1);
	ck_assert_int_ne(P->wait(w, sid, 0), 0);
	/* no cache: the device sees processor stores at once */
	ck_assert_int_eq(P->dma_read(w, sid, 64, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_eq(P->xmemdma(w, &d, A(3, 64), XMEM_UNHIDE), a);
	s = st(sid, 0);
	ck_assert_int_eq(s.modified, 0);
	ck_assert_int_eq(s.hide_count, 0);
}
END_TEST

/* ---- the data cache (power) ---- */

START_TEST(t_cache_flush_on_hide)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0), PG);
	uint8_t b[200], r[200];
	uint16_t fi;

	fill(b, sizeof(b), 11);
	ck_assert_int_eq(P->poke(w, sid, 1000, b, sizeof(b)), 0);
	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	/* the stores sit in the cache: real memory is still zero */
	fi = w->seg[0].pg[0].frame;
	ck_assert_int_ne(memcmp(w->mem[fi] + 1000, b, sizeof(b)), 0);
	ck_assert_int_eq(P->peek(w, sid, 1000, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_ne(P->dma_read(w, sid, 1000, r, sizeof(r)), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->dma_read(w, sid, 1000, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
}
END_TEST

START_TEST(t_cache_invalidate_on_hide)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0), PG);
	uint8_t b[100], r[100];

	/* load the lines into the cache, then let a device overwrite memory */
	ck_assert_int_eq(P->xmemin(w, A(3, 0), r, sizeof(r), &d), 0);
	ck_assert_int_eq(P->pin(w, sid, 0), 0);
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_HIDE), XMEM_FAIL);
	fill(b, sizeof(b), 77);
	ck_assert_int_eq(P->dma_write(w, sid, 0, b, sizeof(b)), 0);
	ck_assert_int_eq(st(sid, 0).modified, 0);
	ck_assert_int_eq(P->peek(w, sid, 0, r, sizeof(r)), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
	ck_assert_int_ne(P->xmemdma(w, &d, A(3, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert_int_eq(st(sid, 0).modified, 1);
	memset(r, 0, sizeof(r));
	ck_assert_int_eq(P->xmemin(w, A(3, 0), r, sizeof(r), &d), 0);
	ck_assert_mem_eq(r, b, sizeof(b));
}
END_TEST

START_TEST(t_cache_eviction)
{
	uint32_t sid = seg_at(3, 8);
	struct xmc_xmem d = attach(A(3, 0), 8 * PG);
	static uint8_t b[8 * PG], r[8 * PG];

	/* 8 pages through a 2-way cache: lines are evicted and written back */
	fill(b, sizeof(b), 21);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 8 * PG, &d), 0);
	ck_assert_int_eq(P->peek(w, sid, 0, r, 8 * PG), 0);
	ck_assert_mem_eq(r, b, 8 * PG);
	ck_assert_int_eq(P->page_out(w, sid, 7), 0);
	ck_assert_int_eq(P->page_in(w, sid, 7), 0);
	memset(r, 0, sizeof(r));
	ck_assert_int_eq(P->xmemin(w, A(3, 0), r, 8 * PG, &d), 0);
	ck_assert_mem_eq(r, b, 8 * PG);
}
END_TEST

/* ---- address spaces (W9) ---- */

START_TEST(t_as_att)
{
	xmc_adspace *as = P->getadsp(w);
	uint32_t sid = new_seg(1, 0);
	xmc_vmhandle h = XMC_SRVAL(sid, 1);
	int i;

	map(4, sid);
	ck_assert_uint_eq(P->as_att(w, as, h, 0xf0001234u), A(3, 0x1234));
	ck_assert_uint_eq(as->srval[3], h);
	ck_assert_uint_eq(P->as_att(w, as, h, 0x5), A(5, 0x5));
	for (i = 6; i <= 13; i++)
		ck_assert_uint_eq(P->as_att(w, as, h, 0), A(i, 0));
	ck_assert_uint_eq(P->as_att(w, as, h, 0x10), A(15, 0x10));
	ck_assert_uint_eq(P->as_att(w, as, h, 0), 0);
	ck_assert_uint_eq(as->alloc, 0xffffffffu << 16);
	/* W3 choices: unknown handle, interrupt level */
	ck_assert_int_eq(P->as_det(w, as, A(7, 0)), 0);
	ck_assert_uint_eq(P->as_att(w, as, XMC_SRVAL(XMC_SID(3), 0), 0), 0);
	P->set_env(w, 1);
	ck_assert_uint_eq(P->as_att(w, as, h, 0), 0);
	P->set_env(w, 0);
	ck_assert_uint_eq(P->as_att(w, as, h, 0), A(7, 0));
}
END_TEST

START_TEST(t_as_det)
{
	xmc_adspace *as = P->getadsp(w);
	uint32_t sid = seg_at(3, 1);
	static const int fixed[] = {0, 1, 2, 14};
	unsigned i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(P->as_det(w, as, A(fixed[i], 0x40)),
				 XMC_EINVAL);
	ck_assert_uint_eq(as->alloc & 0xe0020000u, 0xe0020000u);
	ck_assert_int_eq(P->as_det(w, as, A(4, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(w, as, A(15, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(w, as, A(3, 0x0fffffff)), 0);
	ck_assert_uint_eq(as->alloc & (0x80000000u >> 3), 0);
	ck_assert_uint_eq(as->srval[3], XMC_NULLSEGVAL);
	ck_assert_int_eq(P->as_det(w, as, A(3, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->page_state(w, sid, 0, &(struct xmc_page_state){0}),
			 0);
}
END_TEST

START_TEST(t_as_det_keeps_descriptor)
{
	uint32_t sid = seg_at(3, 1);
	struct xmc_xmem d = attach(A(3, 0), 8);
	uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8}, r[8];

	ck_assert_int_eq(P->as_det(w, P->getadsp(w), A(3, 0)), 0);
	ck_assert_int_eq(P->xmemout(w, b, A(3, 0), 8, &d), 0);
	ck_assert_int_eq(P->peek(w, sid, 0, r, 8), 0);
	ck_assert_mem_eq(r, b, 8);
	ck_assert_int_eq(P->xmdetach(w, &d), 0);
}
END_TEST

START_TEST(t_as_geth_holds)
{
	xmc_adspace *as = P->getadsp(w);
	uint32_t sid = seg_at(3, 1), s2 = seg_at(4, 1);
	xmc_vmhandle h;

	ck_assert_uint_eq(P->as_getsrval(w, as, A(5, 0)), XMC_NULLSEGVAL);
	ck_assert_uint_eq(P->as_geth(w, as, A(5, 0)), XMC_NULLSEGVAL);
	ck_assert_uint_eq(P->as_getsrval(w, as, A(4, 9)), XMC_SRVAL(s2, 1));
	ck_assert_int_eq(P->seg_delete(w, s2), 0);
	ck_assert_int_ne(P->page_state(w, s2, 0, &(struct xmc_page_state){0}),
			 0);
	h = P->as_geth(w, as, A(3, 0));
	ck_assert_uint_eq(h, XMC_SRVAL(sid, 1));
	ck_assert_uint_eq(P->as_geth(w, as, A(3, 5)), h);
	ck_assert_int_eq(P->seg_delete(w, sid), 0);
	ck_assert_int_ne(P->seg_delete(w, sid), 0);
	/* pending: still there */
	ck_assert_int_eq(st(sid, 0).in_memory, 1);
	P->as_puth(w, as, h);
	ck_assert_int_eq(st(sid, 0).in_memory, 1);
	P->as_puth(w, as, h);
	ck_assert_int_ne(P->page_state(w, sid, 0, &(struct xmc_page_state){0}),
			 0);
	P->as_puth(w, as, h); /* W3: no hold left; ignored */
	/* fixed regions hold nothing */
	ck_assert_uint_eq(P->as_geth(w, as, A(1, 0)), as->srval[1]);
	P->as_puth(w, as, as->srval[1]);
}
END_TEST

START_TEST(t_getadsp_per_process)
{
	uint32_t sid = new_seg(1, 0);
	xmc_adspace *a0 = P->getadsp(w), *a1;
	struct xmc_xmem d = inval();

	ck_assert_int_eq(P->proc_new(w, 1), 0);
	ck_assert_int_eq(P->map(w, 1, 6, sid, 0), 0);
	ck_assert_int_eq(P->proc_switch(w, 1), 0);
	a1 = P->getadsp(w);
	ck_assert_ptr_ne(a0, a1);
	ck_assert_uint_eq(a1->srval[6], XMC_SRVAL(sid, 0));
	ck_assert_uint_eq(a0->srval[6], XMC_NULLSEGVAL);
	ck_assert_int_eq(P->xmattach(w, A(6, 0), 1, &d, 0), 0);
	/* as_att on a non-current address space */
	ck_assert_uint_eq(P->as_att(w, a0, XMC_SRVAL(sid, 0), 0), A(3, 0));
	ck_assert_uint_eq(a1->srval[3], XMC_NULLSEGVAL);
}
END_TEST

START_TEST(t_speed_smoke)
{
	uint32_t sid = seg_at(3, 4);
	struct xmc_xmem d = attach(A(3, 0), 4 * PG);
	uint8_t b[64];
	int i;

	for (i = 0; i < 20000; i++) {
		ck_assert_int_eq(
		    P->xmemin(w, A(3, (i * 64) % (4 * PG)), b, 64, &d), 0);
		if (i % 100 == 0)
			ck_assert_int_eq(P->reset(w), 0);
		if (i % 100 == 0) {
			nseg = 0;
			sid = seg_at(3, 4);
			d = attach(A(3, 0), 4 * PG);
		}
	}
	(void)sid;
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim");
	TCase *t = tcase_create("power");
	TCase *pc = tcase_create("powerpc");

	tcase_add_checked_fixture(t, setup_power, teardown);
	tcase_add_test(t, t_identity);
	tcase_add_test(t, t_hooks_filled);
	tcase_add_test(t, t_create_bad_profile);
	tcase_add_test(t, t_initial_state);
	tcase_add_test(t, t_reset);
	tcase_add_test(t, t_steps_legality);
	tcase_add_test(t, t_new_page_state);
	tcase_add_test(t, t_paging);
	tcase_add_test(t, t_pin_limit);
	tcase_add_test(t, t_xmattach_fails);
	tcase_add_test(t, t_xmattach_ok);
	tcase_add_test(t, t_xmattach_proc2);
	tcase_add_test(t, t_xmdetach);
	tcase_add_test(t, t_xmem_ok);
	tcase_add_test(t, t_xmem_fails);
	tcase_add_test(t, t_xmem_all_or_nothing);
	tcase_add_test(t, t_xmem_hidden_refused);
	tcase_add_test(t, t_dma_fails);
	tcase_add_test(t, t_dma_real_address);
	tcase_add_test(t, t_dma_states);
	tcase_add_test(t, t_dma_pager_io_and_ro);
	tcase_add_test(t, t_cache_flush_on_hide);
	tcase_add_test(t, t_cache_invalidate_on_hide);
	tcase_add_test(t, t_cache_eviction);
	tcase_add_test(t, t_as_att);
	tcase_add_test(t, t_as_det);
	tcase_add_test(t, t_as_det_keeps_descriptor);
	tcase_add_test(t, t_as_geth_holds);
	tcase_add_test(t, t_getadsp_per_process);
	tcase_add_test(t, t_speed_smoke);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(pc, setup_powerpc, teardown);
	tcase_add_test(pc, t_dma_powerpc);
	tcase_add_test(pc, t_xmem_ok);
	tcase_add_test(pc, t_xmattach_proc2);
	tcase_add_test(pc, t_cache_eviction);
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

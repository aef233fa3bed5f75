/*
 * test_linux.c - Check tests of the Linux shim, calling lnx_plugin's hooks
 * directly: for each failure condition of WORLD.md W4..W9 one case that
 * fails and one that does not, hiding at every alias, device DMA while
 * hidden, the address-space services, reset and the probe hook (Linux's
 * answer, and no state change). After most cases the shim's tables are
 * compared with Linux (lnx_xcheck: a probe per page per alias).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

static const struct xmc_plugin *P = &lnx_plugin;
static xmc_world *W;
static uint8_t kb[XMC_KBUF_SIZE];
static int PROFILE; /* of W */

#define A(r, page, off) (((uint32_t)(r) << 28) | ((page)*4096u + (off)))
#define NOSEG 0x007f0000u /* a register of a fixed region: no user segment */

static xmc_world *mk(int profile)
{
	struct xmc_config cfg = {profile, 1};
	PROFILE = profile;
	char err[256] = "";
	xmc_world *w = P->create(&cfg, err, sizeof err);
	ck_assert_msg(w != NULL, "create: %s", err);
	return w;
}

static void setup_power(void)
{
	W = mk(XMC_PROFILE_POWER);
}
static void setup_powerpc(void)
{
	W = mk(XMC_PROFILE_POWERPC);
}
static void setup_mprotect(void)
{
	setenv("LNX_NO_UFFD", "1", 1);
	W = mk(XMC_PROFILE_POWER);
	unsetenv("LNX_NO_UFFD");
	ck_assert_int_eq(lnx_uses_uffd(W), 0);
}
static void setup_fresh(void)
{
	setenv("XMCHECK_LINUX_FRESH", "1", 1);
	W = mk(XMC_PROFILE_POWER);
	unsetenv("XMCHECK_LINUX_FRESH");
}
static void teardown(void)
{
	ck_assert_int_eq(lnx_xcheck(W), 0);
	ck_assert_uint_eq(lnx_errors(W), 0);
	P->destroy(W);
	W = NULL;
}

/* The next segment, mapped at (pid, region) unless region < 0. */
static uint32_t seg(int npages, int high, int pid, int region)
{
	static int n; /* reset per world by counting from the world */
	uint32_t sid;
	for (n = 0; P->seg_new(W, XMC_SID(n), npages, high) != 0; n++)
		ck_assert_int_lt(n, 16);
	sid = XMC_SID(n);
	if (region >= 0)
		ck_assert_int_eq(P->map(W, pid, region, sid, 0), 0);
	return sid;
}

static struct xmc_xmem attach(uint32_t addr, int count)
{
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, addr, count, &d, USER_ADSPACE),
			 XMEM_SUCC);
	return d;
}

static struct xmc_page_state st(uint32_t sid, uint32_t page)
{
	struct xmc_page_state s;
	ck_assert_int_eq(P->page_state(W, sid, page, &s), 0);
	return s;
}

static int readable(int pid, uint32_t addr)
{
	char b;
	return lnx_probe(W, pid, addr, &b, 1) == 1;
}

/* ---- W4 xmattach ---- */

START_TEST(t_xmattach)
{
	uint32_t s = seg(2, 0, 0, 3);
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 10), 0, &d, USER_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 10), -5, &d, USER_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(W, A(4, 0, 0), 1, &d, USER_ADSPACE),
			 XMEM_FAIL); /* free region */
	ck_assert_int_eq(P->xmattach(W, A(3, 1, 4000), 200, &d, USER_ADSPACE),
			 XMEM_FAIL); /* runs onto page 2: not defined */
	ck_assert_int_eq(P->xmattach(W, A(2, 0, 0), 1, &d, USER_ADSPACE),
			 XMEM_FAIL); /* fixed region, no user segment */
	ck_assert_int_eq(P->xmattach(W, 0xffffff00u, 0x200, &d, USER_ADSPACE),
			 XMEM_FAIL); /* passes 2^32 */
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
	ck_assert_int_eq(P->xmattach(W, A(3, 1, 4000), 96, &d, USERI_ADSPACE),
			 XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(s, 0));
	ck_assert_uint_eq(d.subspace_id2, 0);
	ck_assert_uint_eq(d.uaddr, A(3, 1, 4000));
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 0), 1, &d, USER_ADSPACE),
			 XMEM_FAIL); /* descriptor in use */
	P->seg_delete(W, s);
	struct xmc_xmem e = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 0), 1, &e, USER_ADSPACE),
			 XMEM_FAIL); /* deleted segment */
}
END_TEST

START_TEST(t_xmattach_proc2)
{
	uint32_t hi = seg(1, 1, 0, 5), lo = seg(1, 0, 0, 6);
	ck_assert_int_eq(P->map(W, 0, 6, lo, 1), -1); /* region in use */
	struct xmc_xmem d = attach(A(5, 65535, 4000), 200);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC2);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(hi, 0));
	ck_assert_uint_eq(d.subspace_id2, XMC_SRVAL(lo, 0));
	memset(kb, 0xab, 200);
	ck_assert_int_eq(P->xmemout(W, kb, A(5, 65535, 4000), 200, &d),
			 XMEM_SUCC);
	memset(kb, 0, 200);
	ck_assert_int_eq(P->xmemin(W, A(5, 65535, 4000), kb, 200, &d),
			 XMEM_SUCC);
	for (int i = 0; i < 200; i++)
		ck_assert_uint_eq(kb[i], 0xab);
	uint8_t b[104];
	ck_assert_int_eq(P->peek(W, lo, 0, b, 104), 0);
	ck_assert_uint_eq(b[103], 0xab);
	ck_assert_int_eq(st(hi, 65535).modified, 1);
	ck_assert_int_eq(st(lo, 0).modified, 1);
}
END_TEST

/* ---- W5 xmdetach ---- */

START_TEST(t_xmdetach)
{
	uint32_t s = seg(1, 0, 0, 3);
	struct xmc_xmem bad = {XMEM_INVAL, XMC_SRVAL(s, 0), 0, A(3, 0, 0)};
	ck_assert_int_eq(P->xmdetach(W, &bad), XMEM_FAIL);
	bad = (struct xmc_xmem){XMEM_PROC, NOSEG, 0, A(3, 0, 0)};
	ck_assert_int_eq(P->xmdetach(W, &bad), XMEM_FAIL);
	bad = (struct xmc_xmem){XMEM_PROC2, XMC_SRVAL(s, 0), XMC_SID(9), 0};
	ck_assert_int_eq(P->xmdetach(W, &bad), XMEM_FAIL);
	struct xmc_xmem d = attach(A(3, 0, 8), 8);
	P->seg_delete(W, s); /* deleted segments stay "created" */
	ck_assert_int_eq(P->xmdetach(W, &d), XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(s, 0));
	ck_assert_uint_eq(d.uaddr, A(3, 0, 8));
}
END_TEST

/* ---- W6 xmemin / xmemout ---- */

START_TEST(t_xmem_desc)
{
	uint32_t s = seg(2, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 8192);
	struct xmc_xmem inv = d;
	inv.aspace_id = XMEM_INVAL;
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 8, &inv), XMEM_FAIL);
	inv = d;
	inv.subspace_id = NOSEG;
	ck_assert_int_eq(P->xmemout(W, kb, A(3, 0, 0), 8, &inv), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, -1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 0, &d), XMEM_SUCC);
	ck_assert_int_eq(P->xmemin(W, A(4, 0, 0), kb, 0, &d), XMEM_SUCC);
	ck_assert_int_eq(P->xmemin(W, A(4, 0, 0), kb, 8, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 4090), kb, 8, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 4088), kb, 8, &d), XMEM_SUCC);
	P->seg_delete(W, s);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 0, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 8, &d), XMEM_FAIL);
}
END_TEST

START_TEST(t_xmem_prot)
{
	uint32_t s = seg(3, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 3 * 4096);
	ck_assert_int_eq(P->poke(W, s, 4096 + 5, "hello", 5), 0);
	ck_assert_int_eq(P->protect(W, s, 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->protect(W, s, 2, XMC_PROT_NONE), 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 5), kb, 5, &d), XMEM_SUCC);
	ck_assert_mem_eq(kb, "hello", 5);
	memset(kb, 'Z', 64);
	ck_assert_int_eq(P->xmemout(W, kb, A(3, 1, 0), 64, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(W, kb, A(3, 0, 4000), 200, &d),
			 XMEM_FAIL); /* all or nothing: page 0 unchanged */
	uint8_t b[96];
	ck_assert_int_eq(P->peek(W, s, 4000, b, 96), 0);
	for (int i = 0; i < 96; i++)
		ck_assert_uint_eq(b[i], 0);
	ck_assert_int_eq(st(s, 0).modified, 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 2, 0), kb, 1, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemout(W, kb, A(3, 0, 0), 64, &d), XMEM_SUCC);
	ck_assert_int_eq(st(s, 0).modified, 1);
	ck_assert(!readable(0, A(3, 2, 0))); /* Linux agrees */
	ck_assert(readable(0, A(3, 1, 0)));
	ck_assert_int_eq(P->protect(W, s, 2, XMC_PROT_RW), 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 2, 0), kb, 1, &d), XMEM_SUCC);
}
END_TEST

START_TEST(t_xmem_paging)
{
	uint32_t s = seg(2, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 8192);
	ck_assert_int_eq(P->poke(W, s, 4096, "abc", 3), 0);
	ck_assert_int_eq(P->page_out(W, s, 1), 0);
	ck_assert(!readable(0, A(3, 1, 0))); /* no PTE: not in memory */
	ck_assert_int_eq(P->io_error(W, s, 1, 1), 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 0), kb, 3, &d), XMEM_FAIL);
	ck_assert_int_eq(st(s, 1).in_memory, 0);
	ck_assert_int_eq(P->io_error(W, s, 1, 0), 0);
	P->set_env(W, 1); /* interrupt level: not in memory fails */
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 0), kb, 3, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 3, &d), XMEM_SUCC);
	P->set_env(W, 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 0), kb, 3, &d), XMEM_SUCC);
	ck_assert_mem_eq(kb, "abc", 3);
	struct xmc_page_state p = st(s, 1);
	ck_assert_int_eq(p.in_memory, 1);
	ck_assert_int_eq(p.modified, 0);
	ck_assert(readable(0, A(3, 1, 0)));
	ck_assert_int_eq(P->page_out(W, s, 0), 0);
	ck_assert_int_eq(P->page_in(W, s, 0), 0);
	ck_assert(readable(0, A(3, 0, 0)));
}
END_TEST

/* ---- W7 / W8 xmemdma ---- */

START_TEST(t_xmemdma_fail)
{
	uint32_t s = seg(3, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 3 * 4096);
	struct xmc_xmem inv = d;
	inv.aspace_id = XMEM_INVAL;
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 0, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->pin(W, s, 0), 0);
	ck_assert_int_eq(P->pin(W, s, 1), 0);
	ck_assert_int_eq(P->pin(W, s, 2), 0);
	ck_assert_int_eq(P->xmemdma(W, &inv, A(3, 0, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(W, &d, A(4, 0, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 3, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 0, 0), 0x8), XMEM_FAIL);
	ck_assert_int_eq(P->protect(W, s, 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->protect(W, s, 2, XMC_PROT_NONE), 0);
	int chk = XMEM_ACC_CHK | XMEM_UNHIDE;
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 1, 0), XMEM_ACC_CHK),
			 XMEM_FAIL);
	ck_assert_int_eq(
	    P->xmemdma(W, &d, A(3, 2, 0), XMEM_ACC_CHK | XMEM_WRITE_ONLY),
	    XMEM_FAIL);
	int ra =
	    P->xmemdma(W, &d, A(3, 1, 0x123), XMEM_ACC_CHK | XMEM_WRITE_ONLY);
	ck_assert_int_ne(ra, XMEM_FAIL);
	ck_assert_int_eq(ra & 0xfff, 0x123);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), chk | XMEM_WRITE_ONLY),
			 XMEM_FAIL);
	ck_assert_int_eq(st(s, 1).modified, 0); /* RO key: not modified */
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 2, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 2, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert_int_eq(st(s, 2).modified, 1);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(P->unpin(W, s, (uint32_t)i), 0);
	ck_assert_int_eq(P->page_out(W, s, 0), 0);
	ck_assert_int_eq(P->pin(W, s, 0), 0); /* pages it in */
	ck_assert_int_eq(st(s, 0).in_memory, 1);
	ck_assert_int_eq(P->unpin(W, s, 0), 0);
	ck_assert_int_eq(P->seg_delete(W, s), 0);
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 0, 0), XMEM_HIDE), XMEM_FAIL);
}
END_TEST

START_TEST(t_xmemdma_frames)
{
	uint32_t s = seg(2, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 8192);
	ck_assert_int_eq(P->pin(W, s, 0), 0);
	ck_assert_int_eq(P->pin(W, s, 1), 0);
	int a = P->xmemdma(W, &d, A(3, 0, 0x10), XMEM_HIDE);
	int b = P->xmemdma(W, &d, A(3, 1, 0x20), XMEM_HIDE);
	int a2 = P->xmemdma(W, &d, A(3, 0, 0x30), XMEM_UNHIDE);
	ck_assert_int_ne(a, XMEM_FAIL);
	ck_assert_int_eq(a >> 12, a2 >> 12);
	ck_assert_int_ne(a >> 12, b >> 12);
	ck_assert_int_eq(b & 0xfff, 0x20);
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 0, 0), XMEM_UNHIDE),
			 XMEM_FAIL); /* W3: hide count 0 */
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
}
END_TEST

/* Hidden at every alias: two processes map the segment. */
START_TEST(t_hide_aliases)
{
	uint32_t s = seg(2, 0, 0, 3);
	ck_assert_int_eq(P->proc_new(W, 1), 0);
	ck_assert_int_eq(P->map(W, 1, 7, s, 1), 0);
	ck_assert_int_eq(P->map(W, 0, 9, s, 0), 0); /* second alias in 0 */
	ck_assert_int_eq(P->poke(W, s, 4096, "old", 3), 0);
	ck_assert_int_eq(st(s, 1).modified, 1);
	ck_assert_int_eq(P->clear_mod(W, s, 1), 0);
	struct xmc_xmem d = attach(A(3, 0, 0), 8192);
	ck_assert_int_eq(P->pin(W, s, 1), 0);
	ck_assert(readable(1, A(7, 1, 0)));
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(st(s, 1).valid, 0);
	ck_assert_int_eq(st(s, 1).hide_count, 2);
	ck_assert(!readable(0, A(3, 1, 0)));
	ck_assert(!readable(0, A(9, 1, 0)));
	ck_assert(!readable(1, A(7, 1, 0)));
	ck_assert(readable(1, A(7, 0, 0))); /* the other page is not hidden */
	ck_assert_int_eq(lnx_xcheck(W), 0);
	ck_assert_int_eq(P->dma_write(W, s, 4096, "dev", 3), 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 0), kb, 3, &d), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert(!readable(1, A(7, 1, 0))); /* one hide left */
	ck_assert_int_eq(st(s, 1).modified, 0);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert(readable(0, A(9, 1, 0)));
	ck_assert(readable(1, A(7, 1, 0)));
	struct xmc_page_state p = st(s, 1);
	ck_assert_int_eq(p.valid, 1);
	ck_assert_int_eq(p.modified, 1);
	ck_assert_int_eq(P->xmemin(W, A(3, 1, 0), kb, 3, &d), XMEM_SUCC);
	ck_assert_mem_eq(kb, "dev", 3);
	char b[3];
	ck_assert_int_eq(lnx_probe(W, 1, A(7, 1, 0), b, 3), 3);
	ck_assert_mem_eq(b, "dev", 3);
	ck_assert_int_eq(P->dma_read(W, s, 4096, b, 3), 0);
	ck_assert_mem_eq(b, "dev", 3);
}
END_TEST

START_TEST(t_powerpc_no_hide)
{
	uint32_t s = seg(1, 0, 0, 3);
	struct xmc_xmem d = attach(A(3, 0, 0), 16);
	ck_assert_int_eq(P->pin(W, s, 0), 0);
	int ra = P->xmemdma(W, &d, A(3, 0, 7), XMEM_HIDE);
	ck_assert_int_ne(ra, XMEM_FAIL);
	ck_assert_int_eq(st(s, 0).hide_count, 0);
	ck_assert(readable(0, A(3, 0, 0)));
	ck_assert_int_eq(P->xmemdma(W, &d, A(3, 0, 7), XMEM_UNHIDE), ra);
}
END_TEST

/* Regression: a CONTINUE still queued for a child when seg_delete
 * truncates the memfd (found by xmcheck run, seed 1, program 11142). */
START_TEST(t_delete_after_posted)
{
	uint32_t s = seg(4, 0, -1, -1);
	ck_assert_int_eq(P->page_out(W, s, 1), 0);
	ck_assert_int_eq(P->map(W, 0, 7, s, 0), 0);
	ck_assert_int_eq(P->page_in(W, s, 1), 0);
	ck_assert_int_eq(P->seg_delete(W, s), 0);
	ck_assert(!readable(0, A(7, 0, 0)));
	ck_assert_uint_eq(lnx_errors(W), 0);
}
END_TEST

/* ---- W9 address spaces ---- */

START_TEST(t_adspace)
{
	uint32_t s = seg(2, 0, 0, -1);
	xmc_adspace *as = P->getadsp(W);
	ck_assert_uint_eq(as->alloc, 0xe0020000u);
	xmc_caddr a = P->as_att(W, as, XMC_SRVAL(s, 1), 0xf0001234u);
	ck_assert_uint_eq(a, A(3, 1, 0x234));
	ck_assert_uint_eq(as->srval[3], XMC_SRVAL(s, 1));
	ck_assert_uint_eq(as->alloc & 0x10000000u, 0x10000000u);
	ck_assert(readable(0, A(3, 1, 0)));
	struct xmc_xmem d = attach(A(3, 0, 0), 100);
	ck_assert_int_eq(P->as_det(W, as, A(0, 0, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(W, as, A(14, 0, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(W, as, A(4, 0, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(W, as, A(3, 0, 0)), 0);
	ck_assert_uint_eq(as->srval[3], XMC_NULLSEGVAL);
	ck_assert(!readable(0, A(3, 0, 0))); /* slot re-reserved */
	ck_assert_uint_eq(P->as_getsrval(W, as, A(3, 0, 0)), XMC_NULLSEGVAL);
	/* the descriptor still names the segment: the kernel helper maps it */
	ck_assert_int_eq(P->poke(W, s, 0, "k", 1), 0);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 1, &d), XMEM_SUCC);
	ck_assert_uint_eq(kb[0], 'k');
	int n = 0;
	while (P->as_att(W, as, XMC_SRVAL(s, 0), 0) != 0)
		n++;
	ck_assert_int_eq(n, 12);		   /* regions 3..13 and 15 */
	ck_assert_uint_eq(as->alloc, 0xffff0000u); /* 16 regions */
}
END_TEST

START_TEST(t_geth_puth)
{
	uint32_t s = seg(1, 0, 0, 3);
	xmc_adspace *as = P->getadsp(W);
	ck_assert_uint_eq(P->as_geth(W, as, A(3, 0, 0)), XMC_SRVAL(s, 0));
	ck_assert_uint_eq(P->as_geth(W, as, A(5, 0, 0)), XMC_NULLSEGVAL);
	ck_assert_int_eq(P->seg_delete(W, s), 0); /* pending */
	ck_assert_int_eq(P->seg_delete(W, s), -1);
	struct xmc_xmem d = attach(A(3, 0, 0), 10); /* still live */
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 10, &d), XMEM_SUCC);
	P->as_puth(W, as, XMC_SRVAL(s, 0));
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 10, &d), XMEM_FAIL);
	ck_assert(!readable(0, A(3, 0, 0))); /* memfd truncated */
	ck_assert_uint_eq(P->as_getsrval(W, as, A(3, 0, 0)), XMC_SRVAL(s, 0));
}
END_TEST

START_TEST(t_procs)
{
	uint32_t s = seg(1, 0, 0, -1);
	ck_assert_int_eq(P->proc_new(W, 2), -1);
	ck_assert_int_eq(P->proc_new(W, 1), 0);
	ck_assert_int_eq(P->proc_switch(W, 1), 0);
	xmc_adspace *as = P->getadsp(W);
	ck_assert_uint_eq(P->as_att(W, as, XMC_SRVAL(s, 0), 0), A(3, 0, 0));
	ck_assert(readable(1, A(3, 0, 0)));
	ck_assert(!readable(0, A(3, 0, 0)));
	struct xmc_xmem d = attach(A(3, 0, 0), 4096);
	ck_assert_int_eq(P->proc_switch(W, 0), 0);
	struct xmc_xmem e = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 0), 1, &e, USER_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(3, 0, 0), kb, 4096, &d), XMEM_SUCC);
}
END_TEST

/* ---- probe: a processor load through the process's own mapping ---- */

/* probe() and the page's state: the probe must change nothing. */
static int probe_same(int pid, uint32_t addr, uint32_t sid, uint32_t page)
{
	struct xmc_page_state before = st(sid, page), after;
	unsigned err = lnx_errors(W);
	int r = P->probe(W, pid, addr);
	after = st(sid, page);
	ck_assert_mem_eq(&before, &after, sizeof before);
	ck_assert_int_eq(P->probe(W, pid, addr), r); /* nothing moved */
	ck_assert_uint_eq(lnx_errors(W), err);	     /* tables agree */
	return r;
}

START_TEST(t_probe_basic)
{
	uint32_t s = seg(3, 0, 0, 3);
	ck_assert_int_eq(probe_same(0, A(3, 0, 0), s, 0), 1); /* mapped RW */
	ck_assert_int_eq(probe_same(0, A(3, 2, 4095), s, 2), 1);
	ck_assert_int_eq(P->probe(W, 0, A(3, 3, 0)), 0); /* undefined page */
	ck_assert_int_eq(P->probe(W, 0, A(4, 0, 0)), 0); /* free region */
	ck_assert_int_eq(P->probe(W, 0, A(2, 0, 0)), 0); /* fixed region */
	ck_assert_int_eq(P->probe(W, 0, A(14, 0, 0)), 0);
	ck_assert_int_eq(P->probe(W, 1, A(3, 0, 0)), 0); /* no process 1 */
	ck_assert_int_eq(P->probe(W, 7, A(3, 0, 0)), -1);
	ck_assert_int_eq(P->protect(W, s, 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(probe_same(0, A(3, 1, 9), s, 1), 1); /* RO reads */
	ck_assert_int_eq(P->protect(W, s, 1, XMC_PROT_NONE), 0);
	ck_assert_int_eq(probe_same(0, A(3, 1, 9), s, 1), 0); /* no access */
	ck_assert_int_eq(P->protect(W, s, 1, XMC_PROT_RW), 0);
	ck_assert_int_eq(probe_same(0, A(3, 1, 9), s, 1), 1);
	ck_assert_int_eq(P->poke(W, s, 8192, "x", 1), 0);
	ck_assert_int_eq(P->page_out(W, s, 2), 0);
	ck_assert_int_eq(probe_same(0, A(3, 2, 0), s, 2), 0); /* paged out */
	ck_assert_int_eq(st(s, 2).in_memory, 0);	      /* not paged in */
	ck_assert_int_eq(P->page_in(W, s, 2), 0);
	ck_assert_int_eq(probe_same(0, A(3, 2, 0), s, 2), 1);
	ck_assert_int_eq(P->as_det(W, P->getadsp(W), A(3, 0, 0)), 0);
	ck_assert_int_eq(P->probe(W, 0, A(3, 0, 0)), 0); /* detached */
}
END_TEST

START_TEST(t_probe_delete)
{
	uint32_t s = seg(1, 1, 0, 5);
	xmc_adspace *as = P->getadsp(W);
	ck_assert_uint_eq(P->as_geth(W, as, A(5, 0, 0)), XMC_SRVAL(s, 0));
	ck_assert_int_eq(P->seg_delete(W, s), 0); /* pending: still live */
	ck_assert_int_eq(probe_same(0, A(5, 65535, 0), s, 65535), 1);
	P->as_puth(W, as, XMC_SRVAL(s, 0));
	ck_assert_int_eq(P->probe(W, 0, A(5, 65535, 0)), 0); /* deleted */
	ck_assert_uint_eq(lnx_errors(W), 0);
}
END_TEST

/* A hidden page faults through BOTH aliases (two processes) and a third
 * mapping in the first process, and loads again after the last unhide. On
 * powerpc nothing is hidden. */
START_TEST(t_probe_hide_aliases)
{
	static const int pid[3] = {0, 1, 0}, reg[3] = {3, 7, 9};
	int hidden = PROFILE == XMC_PROFILE_POWER;
	uint32_t s = seg(2, 0, 0, 3);
	ck_assert_int_eq(P->proc_new(W, 1), 0);
	ck_assert_int_eq(P->map(W, 1, 7, s, 1), 0);
	struct xmc_xmem d = attach(A(3, 0, 0), 8192);
	ck_assert_int_eq(P->pin(W, s, 1), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(probe_same(pid[i], A(reg[i], 1, 5), s, 1), 1);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(st(s, 1).valid, !hidden);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(probe_same(pid[i], A(reg[i], 1, 5), s, 1),
				 !hidden);
	ck_assert_int_eq(probe_same(1, A(7, 0, 5), s, 0), 1); /* other page */
	ck_assert_int_eq(P->map(W, 0, 9, s, 0), 0); /* mapped while hidden */
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
	for (int i = 0; i < 3; i++) /* one hide left */
		ck_assert_int_eq(probe_same(pid[i], A(reg[i], 1, 5), s, 1),
				 !hidden);
	ck_assert_int_ne(P->xmemdma(W, &d, A(3, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(probe_same(pid[i], A(reg[i], 1, 5), s, 1), 1);
	ck_assert_int_eq(st(s, 1).valid, 1);
}
END_TEST

/* ---- reset ---- */

START_TEST(t_reset)
{
	for (int round = 0; round < 3; round++) {
		uint32_t s = seg(4, 1, 0, 15);
		ck_assert_uint_eq(s, XMC_SID(0));
		ck_assert_int_eq(P->proc_new(W, 1), 0);
		ck_assert_int_eq(P->map(W, 1, 4, s, 0), 0);
		ck_assert_int_eq(P->pin(W, s, 65535), 0);
		struct xmc_xmem d = attach(A(15, 65532, 0), 4 * 4096);
		ck_assert_int_ne(P->xmemdma(W, &d, A(15, 65535, 0), XMEM_HIDE),
				 XMEM_FAIL);
		ck_assert(!readable(1, A(4, 65535, 0)));
		ck_assert_int_eq(P->reset(W), 0);
		ck_assert_uint_eq(P->getadsp(W)->alloc, 0xe0020000u);
		ck_assert_int_eq(P->proc_switch(W, 1), -1);
		ck_assert(!readable(0, A(15, 65535, 0)));
		ck_assert(!readable(0, A(15, 65532, 0)));
		ck_assert_int_eq(lnx_xcheck(W), 0);
	}
}
END_TEST

/* Fast reset: a program's mapping is parked and claimed by the next one
 * mapping the same segment there; what the last program did (bytes, pin,
 * hide, protection, page-out) is gone, as Linux sees it too. */
START_TEST(t_reuse)
{
	uint8_t b[8];
	for (int round = 0; round < 4; round++) {
		int high = round >= 2; /* rounds 1 and 3 claim the last one's */
		uint32_t s = seg(3, high, 0, 3);
		uint32_t p0 = high ? 65533 : 0;
		struct xmc_page_state z = st(s, p0);
		ck_assert_int_eq(z.pin_count + z.hide_count + z.modified, 0);
		ck_assert_int_eq(z.in_memory && z.valid, 1);
		ck_assert_int_eq(P->peek(W, s, p0 * 4096, b, 8), 0);
		for (int i = 0; i < 8; i++)
			ck_assert_uint_eq(b[i], 0);
		ck_assert(readable(0, A(3, p0 + 2, 0)));
		ck_assert(!readable(0, A(3, high ? 65532 : 3, 0)));
		ck_assert(!readable(0, A(4, 0, 0))); /* last round's, unclaimed */
		ck_assert_int_eq(P->poke(W, s, p0 * 4096, "dirty", 5), 0);
		ck_assert_int_eq(P->pin(W, s, p0), 0);
		ck_assert_int_eq(P->pin(W, s, p0), 0);
		struct xmc_xmem d = attach(A(3, p0, 0), 4096);
		ck_assert_int_ne(P->xmemdma(W, &d, A(3, p0, 0), XMEM_HIDE),
				 XMEM_FAIL);
		ck_assert_int_eq(P->protect(W, s, p0 + 1, XMC_PROT_NONE), 0);
		ck_assert_int_eq(P->page_out(W, s, p0 + 2), 0);
		uint32_t s2 = seg(1, 0, 0, 4); /* parked, never claimed */
		ck_assert(readable(0, A(4, 0, 0)));
		ck_assert_int_eq(st(s2, 0).pin_count, 0);
		ck_assert_int_eq(P->reset(W), 0);
	}
}
END_TEST

/* Random steps and services; after each, Linux must agree with the shim
 * at every alias (addressability and bytes). Refused steps are fine. */
static uint32_t rnd(uint64_t *x, uint32_t n)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*x >> 33) % n;
}

/* A random world step (op 0..7, 15..20); returns 1 when it was done. */
static int random_world(uint64_t *x, int *nseg, int op, uint32_t sid,
			uint32_t pg)
{
	int a = (int)rnd(x, 4), b = (int)rnd(x, 2); /* drawn in order */
	switch (op) {
	case 0:
		if (P->seg_new(W, XMC_SID(*nseg), 1 + a, b) != 0)
			return 0;
		return ++*nseg > 0;
	case 1: return !P->map(W, b, 3 + a % 2, sid, 0);
	case 2: return !P->protect(W, sid, pg, rnd(x, 2) ? 0 : (int)rnd(x, 3));
	case 3: return !P->pin(W, sid, pg);
	case 4: return !P->unpin(W, sid, pg);
	case 5: return !P->page_out(W, sid, pg);
	case 6: return !P->page_in(W, sid, pg);
	case 7: return !P->io_error(W, sid, pg, (int)rnd(x, 2));
	case 15: return !P->poke(W, sid, pg * 4096, "poke", 4);
	case 16: return !P->dma_write(W, sid, pg * 4096 + 8, "dma", 3);
	case 17: return !P->set_env(W, rnd(x, 4) == 0);
	case 19: return !P->image(W, b, 1 + a);
	case 20: return !P->kseg_new(W, b, 1 + a);
	}
	*nseg = 0;
	return !P->reset(W);
}

/* A random service (op 8..14) near the descriptor's regions. */
static int random_service(uint64_t *x, struct xmc_xmem *d, int op, uint32_t sid,
			  uint32_t pg)
{
	uint32_t r = d->aspace_id == XMEM_INVAL
			 ? 3 + rnd(x, 2)
			 : XMC_REGION(d->uaddr) + rnd(x, 2);
	uint32_t a = r << 28 | (pg * 4096 + rnd(x, 4096));
	int n = 1 + (int)rnd(x, rnd(x, 4) ? 200 : 6000);
	switch (op) {
	case 8:
		d->aspace_id = XMEM_INVAL;
		return P->xmattach(W, a, n, d, 0) == XMEM_SUCC;
	case 9: return P->xmemdma(W, d, a, (int)rnd(x, 8)) != XMEM_FAIL;
	case 10: return P->xmemin(W, a, kb, n, d) == XMEM_SUCC;
	case 11:
		memset(kb, (int)rnd(x, 256), (size_t)n);
		return P->xmemout(W, kb, a, n, d) == XMEM_SUCC;
	case 12: return P->as_att(W, P->getadsp(W), XMC_SRVAL(sid, 0), 0) != 0;
	case 13: return P->as_det(W, P->getadsp(W), a) == 0;
	}
	return !P->proc_new(W, 1) || !P->proc_switch(W, (int)rnd(x, 2));
}

/* Op 21: SYS_ADSPACE attach, or a move or xmemdma through XMEM_GLOBAL
 * at a kernel address (region 0 or 14). */
static int random_kernel(uint64_t *x, struct xmc_xmem *g, uint32_t pg)
{
	uint32_t a = (rnd(x, 2) ? 14u : 0u) << 28 | (pg * 4096 + rnd(x, 4096));
	int n = 1 + (int)rnd(x, 300), what = (int)rnd(x, 4);
	if (what == 0) {
		*g = (struct xmc_xmem){XMEM_INVAL, 0, 0, 0};
		return P->xmattach(W, a, n, g, SYS_ADSPACE) == XMEM_SUCC;
	}
	g->aspace_id = XMEM_GLOBAL;
	if (what == 1)
		return P->xmemin(W, a, kb, n, g) == XMEM_SUCC;
	if (what == 2) {
		memset(kb, (int)rnd(x, 256), (size_t)n);
		return P->xmemout(W, kb, a, n, g) == XMEM_SUCC;
	}
	return P->xmemdma(W, g, a, (int)rnd(x, 8)) != XMEM_FAIL;
}

static int random_step(uint64_t *x, struct xmc_xmem *d, int *nseg, int op)
{
	static const uint32_t pages[4] = {0, 1, 65534, 65535};
	static const int more[6] = {XMC_SEG_TEXT(0), XMC_SEG_DATA(0),
				    XMC_SEG_TEXT(1), XMC_SEG_DATA(1),
				    XMC_SEG_KERN(0), XMC_SEG_KERN(1)};
	static struct xmc_xmem g = {XMEM_INVAL, 0, 0, 0};
	uint32_t sid = XMC_SID(rnd(x, (uint32_t)(*nseg ? *nseg : 1)));
	uint32_t pg = pages[rnd(x, 4)];
	if (rnd(x, 5) == 0) /* images and kernel segments, now and then */
		sid = XMC_SID(more[rnd(x, 6)]);
	if (op == 21)
		return random_kernel(x, &g, pg);
	if (op >= 8 && op <= 14)
		return random_service(x, d, op, sid, pg);
	return random_world(x, nseg, op, sid, pg);
}

START_TEST(t_random_consistency)
{
	uint64_t x = 12345;
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
	int nseg = 0, done[22] = {0};
	for (int i = 0; i < 6000; i++) {
		int op = (int)rnd(&x, 22);
		if (op == 18 && rnd(&x, 4))
			op = 10; /* resets are rarer */
		done[op] += random_step(&x, &d, &nseg, op);
		ck_assert_msg(lnx_xcheck(W) == 0, "step %d op %d", i, op);
	}
	for (int op = 0; op < 22; op++) /* every kind happened */
		ck_assert_msg(done[op] > 0, "op %d never succeeded (%d %d %d)",
			      op, done[8], done[10], done[21]);
	ck_assert_uint_eq(lnx_errors(W), 0);
}
END_TEST

START_TEST(t_caps)
{
	uint32_t c = P->runtime_caps(W);
	ck_assert_uint_eq(c & (XMC_CAP_PAGER_IO | XMC_CAP_WAITERS), 0);
	ck_assert_uint_eq(c & XMC_CAP_PROCS, XMC_CAP_PROCS);
	ck_assert_ptr_nonnull(P->cap_reason(W, XMC_CAP_PAGER_IO));
	ck_assert_ptr_nonnull(P->cap_reason(W, XMC_CAP_WAITERS));
	ck_assert_ptr_null(P->pager_io);
	ck_assert_ptr_null(P->wait);
	ck_assert_ptr_nonnull(P->probe);
	ck_assert_uint_eq(c & XMC_CAP_PROBE, XMC_CAP_PROBE);
	ck_assert_uint_eq(P->caps & XMC_CAP_PROBE, XMC_CAP_PROBE);
	ck_assert_str_eq(P->name, "linux");
}
END_TEST

static void add(Suite *s, const char *name, void (*setup)(void),
		const TTest *const *tests)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	for (; *tests; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
}

int main(void)
{
	const TTest *const power[] = {t_xmattach,
				      t_xmattach_proc2,
				      t_xmdetach,
				      t_xmem_desc,
				      t_xmem_prot,
				      t_xmem_paging,
				      t_xmemdma_fail,
				      t_xmemdma_frames,
				      t_hide_aliases,
				      t_adspace,
				      t_geth_puth,
				      t_procs,
				      t_reset,
				      t_reuse,
				      t_caps,
				      t_random_consistency,
				      t_delete_after_posted,
				      t_probe_basic,
				      t_probe_delete,
				      t_probe_hide_aliases,
				      NULL};
	const TTest *const ppc[] = {t_powerpc_no_hide, t_xmem_paging,
				    t_probe_basic, t_probe_hide_aliases, NULL};
	const TTest *const mprot[] = {t_hide_aliases,	    t_xmem_prot,
				      t_xmem_paging,	    t_reset,
				      t_reuse,
				      t_random_consistency, t_probe_basic,
				      t_probe_hide_aliases, NULL};
	Suite *s = suite_create("linux");
	add(s, "power", setup_power, power);
	add(s, "powerpc", setup_powerpc, ppc);
	add(s, "mprotect", setup_mprotect, mprot);
	const TTest *const fresh[] = {t_reset, t_reuse, t_random_consistency,
				      NULL};
	add(s, "fresh", setup_fresh, fresh);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

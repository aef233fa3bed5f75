/*
 * test_linux_kern.c - Check tests of the Linux shim's process images
 * (WORLD.md W12) and kernel space (W13), calling lnx_plugin's hooks
 * directly: text and data mapped in the child (text read-only as Linux
 * enforces it), kernel segments in the shim's own memory (never a child's),
 * SYS_ADSPACE attaches, moves and xmemdma through XMEM_GLOBAL, hiding and
 * paging out at the shim's kernel mapping, the kernel-side observations
 * and reset. After each case the tables are compared with Linux
 * (lnx_xcheck). The random steps of test_linux.c cover them too.
 */
#include "lnx_int.h" /* white box: the children, the kernel mapping */

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct xmc_plugin *P = &lnx_plugin;
static xmc_world *W;
static uint8_t kb[XMC_KBUF_SIZE];
static int PROFILE;	     /* of W */
static unsigned EXPECT_ERRS; /* disagreements a test provoked on purpose */

#define A(r, page, off) (((uint32_t)(r) << 28) | ((page)*4096u + (off)))
#define NOSEG 0x007f0000u /* the fixed register of region 0 */

static void mk(int profile)
{
	struct xmc_config cfg = {profile, 1};
	char err[256] = "";
	PROFILE = profile;
	W = P->create(&cfg, err, sizeof err);
	ck_assert_msg(W != NULL, "create: %s", err);
}

static void setup_power(void)
{
	mk(XMC_PROFILE_POWER);
}
static void setup_powerpc(void)
{
	mk(XMC_PROFILE_POWERPC);
}
static void setup_mprotect(void)
{
	setenv("LNX_NO_UFFD", "1", 1);
	mk(XMC_PROFILE_POWER);
	unsetenv("LNX_NO_UFFD");
}
static void setup_fresh(void)
{
	setenv("XMCHECK_LINUX_FRESH", "1", 1);
	mk(XMC_PROFILE_POWER);
	unsetenv("XMCHECK_LINUX_FRESH");
}
static void teardown(void)
{
	ck_assert_int_eq(lnx_xcheck(W), 0);
	ck_assert_uint_eq(lnx_errors(W), EXPECT_ERRS);
	EXPECT_ERRS = 0;
	P->destroy(W);
	W = NULL;
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

/* ---- W12 process images, W13 kernel space ---- */

#define TEXT(pid) XMC_SID(XMC_SEG_TEXT(pid))
#define DATA(pid) XMC_SID(XMC_SEG_DATA(pid))
#define KSEG(j) XMC_SID(XMC_SEG_KERN(j))

/* A 1-byte process_vm_writev of 0 into process pid (a zero page stays
 * zero): 1 when Linux lets it through the child's mapping. */
static int child_write(int pid, uint32_t addr)
{
	char z = 0;
	ck_assert_int_eq(lnx_barrier(W, pid), 0);
	struct iovec l = {&z, 1},
		     r = {(void *)(uintptr_t)(W->ch[pid].base + addr), 1};
	return process_vm_writev(W->ch[pid].pid, &l, 1, &r, 1, 0) == 1;
}

/* Page p of kernel segment j in the shim's own memory (kernel alias). */
static uint8_t *kva(int j, uint32_t p)
{
	uint8_t *a = W->seg[XMC_SEG_KERN(j)].kva;
	ck_assert_ptr_nonnull(a);
	return a + (size_t)p * 4096;
}

/* Linux's view of the shim's kernel mapping: a 1-byte read or write of
 * the shim itself, and the pagemap present bit. */
static int self_io(const uint8_t *a, int out)
{
	char c = 0;
	struct iovec l = {&c, 1}, r = {(void *)(uintptr_t)a, 1};
	if (out && process_vm_readv(getpid(), &l, 1, &r, 1, 0) != 1)
		return 0;
	return (out ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
		    : process_vm_readv(getpid(), &l, 1, &r, 1, 0)) == 1;
}
static int self_present(const uint8_t *a)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &e, 8, (off_t)((uintptr_t)a / 4096 * 8)), 8);
	close(fd);
	return (int)(e >> 63);
}

START_TEST(t_image)
{
	ck_assert_int_eq(P->image(W, 1, 2), -1); /* no process 1 */
	ck_assert_int_eq(P->image(W, 0, 0), -1);
	ck_assert_int_eq(P->image(W, 0, 17), -1);
	ck_assert_int_eq(P->image(W, 0, 3), 0);
	ck_assert_int_eq(P->image(W, 0, 3), -1); /* has one */
	xmc_adspace *as = P->getadsp(W);
	ck_assert_uint_eq(as->srval[1], XMC_SRVAL(TEXT(0), 1));
	ck_assert_uint_eq(as->srval[2], XMC_SRVAL(DATA(0), 1));
	ck_assert_uint_eq(as->alloc, 0xe0020000u);
	ck_assert_int_eq(st(TEXT(0), 2).prot, XMC_PROT_RO);
	ck_assert_int_eq(st(DATA(0), 2).prot, XMC_PROT_RW);
	ck_assert_int_eq(P->seg_delete(W, TEXT(0)), -1);
	ck_assert_int_eq(P->map(W, 0, 5, DATA(0), 0), -1);
	ck_assert_int_eq(P->as_det(W, as, A(1, 0, 0)), XMC_EINVAL);
	ck_assert_int_eq(P->as_det(W, as, A(2, 0, 0)), XMC_EINVAL);
	/* Linux: the child maps text read-only, data read-write, 3 pages */
	ck_assert(readable(0, A(1, 2, 0)) && !readable(0, A(1, 3, 0)));
	ck_assert(readable(0, A(2, 2, 0)) && !readable(0, A(2, 3, 0)));
	ck_assert_int_eq(child_write(0, A(1, 0, 0)), 0);
	ck_assert_int_eq(child_write(0, A(2, 0, 0)), 1);
	/* readings user_text=allowed, useri_data=allowed */
	struct xmc_xmem t = {XMEM_INVAL, 0, 0, 0}, d = t, x = t;
	ck_assert_int_eq(P->xmattach(W, A(1, 0, 100), 8192, &t, USER_ADSPACE),
			 XMEM_SUCC);
	ck_assert_uint_eq(t.subspace_id, XMC_SRVAL(TEXT(0), 1));
	ck_assert_int_eq(P->xmattach(W, A(2, 1, 0), 4096, &d, USERI_ADSPACE),
			 XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_PROC);
	ck_assert_uint_eq(d.subspace_id, XMC_SRVAL(DATA(0), 1));
	ck_assert_int_eq(P->xmattach(W, A(2, 2, 4000), 200, &x, USER_ADSPACE),
			 XMEM_FAIL); /* page 3 is not defined */
	/* a driver's read() into the data segment */
	char b[6];
	memcpy(kb, "read()", 6);
	ck_assert_int_eq(P->xmemout(W, kb, A(2, 1, 10), 6, &d), XMEM_SUCC);
	ck_assert_int_eq(lnx_probe(W, 0, A(2, 1, 10), b, 6), 6);
	ck_assert_mem_eq(b, "read()", 6);
	ck_assert_int_eq(st(DATA(0), 1).modified, 1);
	ck_assert_int_eq(P->poke(W, TEXT(0), 100, "code", 4), 0);
	ck_assert_int_eq(P->xmemin(W, A(1, 0, 100), kb, 4, &t), XMEM_SUCC);
	ck_assert_mem_eq(kb, "code", 4);
	ck_assert_int_eq(P->xmemout(W, kb, A(1, 0, 100), 4, &t), XMEM_FAIL);
	ck_assert_int_eq(P->protect(W, TEXT(0), 0, XMC_PROT_RW), 0);
	ck_assert_int_eq(child_write(0, A(1, 0, 0)), 1); /* as mprotect */
	ck_assert_int_eq(P->xmemout(W, kb, A(1, 0, 100), 4, &t), XMEM_SUCC);
	/* DMA on data: hidden in the child's region 2 (power) */
	int hidden = PROFILE == XMC_PROFILE_POWER;
	ck_assert_int_eq(P->pin(W, DATA(0), 1), 0);
	ck_assert_int_ne(P->xmemdma(W, &d, A(2, 1, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(readable(0, A(2, 1, 0)), !hidden);
	ck_assert_int_eq(st(DATA(0), 1).valid, !hidden);
	ck_assert_int_ne(P->xmemdma(W, &d, A(2, 1, 0), XMEM_UNHIDE), XMEM_FAIL);
	ck_assert(readable(0, A(2, 1, 0)));
	/* process 1 has its own image in its own child; as_att may attach
	 * its text handle in a free region of process 0 */
	ck_assert_int_eq(P->proc_new(W, 1), 0);
	ck_assert_int_eq(P->image(W, 1, 1), 0);
	ck_assert(readable(1, A(1, 0, 0)) && !readable(1, A(1, 1, 0)));
	ck_assert_int_eq(P->poke(W, TEXT(1), 0, "T1", 2), 0);
	ck_assert_uint_eq(P->as_att(W, as, XMC_SRVAL(TEXT(1), 1), 0),
			  A(3, 0, 0));
	ck_assert_int_eq(lnx_probe(W, 0, A(3, 0, 0), b, 2), 2);
	ck_assert_mem_eq(b, "T1", 2);
	ck_assert_int_eq(child_write(0, A(3, 0, 0)), 0); /* RO key there too */
	ck_assert_int_eq(P->xmdetach(W, &t), XMEM_SUCC);
}
END_TEST

START_TEST(t_kernel_attach)
{
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, A(0, 0, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* no kernel segment yet */
	ck_assert_int_eq(P->kseg_new(W, 2, 1), -1);
	ck_assert_int_eq(P->kseg_new(W, 0, 0), -1);
	ck_assert_int_eq(P->kseg_new(W, 0, 2), 0);
	ck_assert_int_eq(P->kseg_new(W, 0, 2), -1);
	ck_assert_int_eq(P->kseg_new(W, 1, 1), 0);
	ck_assert_int_eq(P->seg_delete(W, KSEG(0)), -1);
	ck_assert_int_eq(P->map(W, 0, 5, KSEG(0), 0), -1);
	/* in no process: regions 0 and 14 keep their fixed registers */
	ck_assert(!readable(0, A(0, 0, 0)) && !readable(0, A(14, 0, 0)));
	ck_assert_uint_eq(P->getadsp(W)->srval[0], NOSEG);
	ck_assert_int_eq(P->xmattach(W, A(0, 0, 0), 0, &d, SYS_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(W, A(0, 1, 4000), 200, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* onto page 2 */
	ck_assert_int_eq(P->xmattach(W, A(3, 0, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(W, A(14, 1, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL);
	ck_assert_int_eq(P->xmattach(W, A(0, 0, 4000), 200, &d, SYS_ADSPACE),
			 XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_GLOBAL); /* sys_aspace=global */
	ck_assert_int_eq(P->xmattach(W, A(14, 0, 0), 8, &d, SYS_ADSPACE),
			 XMEM_FAIL); /* in use */
	/* moves between a kernel buffer and the shim's own kernel pages */
	uint8_t b[200];
	memset(kb, 0x5a, 200);
	ck_assert_int_eq(P->xmemout(W, kb, A(0, 0, 4000), 200, &d), XMEM_SUCC);
	ck_assert_int_eq(P->peek(W, KSEG(0), 4000, b, 200), 0);
	for (int i = 0; i < 200; i++)
		ck_assert_uint_eq(b[i], 0x5a);
	ck_assert_uint_eq(kva(0, 1)[103], 0x5a);
	ck_assert_int_eq(st(KSEG(0), 0).modified & st(KSEG(0), 1).modified, 1);
	ck_assert_int_eq(P->poke(W, KSEG(1), 8, "kext", 4), 0);
	ck_assert_int_eq(P->xmemin(W, A(14, 0, 8), kb, 4, &d), XMEM_SUCC);
	ck_assert_mem_eq(kb, "kext", 4);
	ck_assert_int_eq(P->xmemin(W, A(14, 1, 0), kb, 4, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(13, 0, 0), kb, 4, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(0, 0, 0), kb, 0, &d), XMEM_SUCC);
	ck_assert_int_eq(P->xmemin(W, A(0, 0, 0), kb, -1, &d), XMEM_FAIL);
	/* protection: Linux enforces the key on the kernel mapping */
	ck_assert_int_eq(P->protect(W, KSEG(1), 0, XMC_PROT_RO), 0);
	ck_assert(self_io(kva(1, 0), 0) && !self_io(kva(1, 0), 1));
	ck_assert_int_eq(P->xmemout(W, kb, A(14, 0, 0), 4, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmemin(W, A(14, 0, 0), kb, 4, &d), XMEM_SUCC);
	ck_assert_int_eq(P->protect(W, KSEG(1), 0, XMC_PROT_NONE), 0);
	ck_assert(!self_io(kva(1, 0), 0));
	ck_assert_int_eq(P->xmemin(W, A(14, 0, 0), kb, 4, &d), XMEM_FAIL);
	ck_assert_int_eq(P->xmdetach(W, &d), XMEM_SUCC);
	ck_assert_int_eq(d.aspace_id, XMEM_INVAL);
}
END_TEST

START_TEST(t_kernel_dma)
{
	int hidden = PROFILE == XMC_PROFILE_POWER;
	struct xmc_xmem g = {XMEM_GLOBAL, 0, 0, 0}; /* made by hand */
	ck_assert_int_eq(P->kseg_new(W, 0, 3), 0);
	ck_assert_int_eq(P->xmemdma(W, &g, A(0, 0, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->pin(W, KSEG(0), 0), 0);
	ck_assert_int_eq(P->pin(W, KSEG(0), 1), 0);
	ck_assert_int_eq(st(KSEG(0), 0).pin_count, 1); /* as Linux says */
	ck_assert_int_eq(P->xmemdma(W, &g, A(0, 5, 0), XMEM_HIDE), XMEM_FAIL);
	ck_assert_int_eq(P->xmemdma(W, &g, A(14, 0, 0), XMEM_HIDE), XMEM_FAIL);
	int ra = P->xmemdma(W, &g, A(0, 0, 0x123), XMEM_HIDE);
	ck_assert_int_ne(ra, XMEM_FAIL);
	ck_assert_int_eq(ra & 0xfff, 0x123);
	ck_assert_int_eq(st(KSEG(0), 0).valid, !hidden);
	ck_assert_int_eq(self_io(kva(0, 0), 0), !hidden);
	ck_assert_int_eq(self_present(kva(0, 0)), 1); /* still resident */
	ck_assert_int_eq(P->dma_write(W, KSEG(0), 0, "dev", 3), 0);
	if (hidden)
		ck_assert_int_eq(P->xmemin(W, A(0, 0, 0), kb, 3, &g),
				 XMEM_FAIL);
	int ra2 = P->xmemdma(W, &g, A(0, 0, 0x10), XMEM_UNHIDE);
	ck_assert_int_eq(ra2 >> 12, ra >> 12);
	ck_assert(self_io(kva(0, 0), 0));
	ck_assert_int_eq(st(KSEG(0), 0).valid, 1);
	ck_assert_int_eq(st(KSEG(0), 0).modified, hidden);
	ck_assert_int_eq(P->xmemin(W, A(0, 0, 0), kb, 3, &g), XMEM_SUCC);
	ck_assert_mem_eq(kb, "dev", 3);
	uint64_t r64 = P->xmemdma64(W, &g, A(0, 1, 0x20), XMEM_HIDE);
	ck_assert_uint_ne(r64 >> 12, (uint64_t)(ra >> 12));
	ck_assert_uint_eq(r64 & 0xfff, 0x20);
	ck_assert_uint_eq(P->xmemdma64(W, &g, A(0, 1, 0), XMEM_UNHIDE) >> 12,
			  r64 >> 12);
	ck_assert_int_eq(P->protect(W, KSEG(0), 1, XMC_PROT_RO), 0);
	ck_assert_int_eq(P->xmemdma(W, &g, A(0, 1, 0), XMEM_ACC_CHK),
			 XMEM_FAIL);
	/* page-out drops the PTE of the shim's own mapping */
	ck_assert_int_eq(P->page_out(W, KSEG(0), 2), 0);
	ck_assert_int_eq(self_present(kva(0, 2)), 0);
	ck_assert(!self_io(kva(0, 2), 0));
	ck_assert_int_eq(st(KSEG(0), 2).in_memory, 0);
	ck_assert_int_eq(P->io_error(W, KSEG(0), 2, 1), 0);
	ck_assert_int_eq(P->xmemin(W, A(0, 2, 0), kb, 3, &g), XMEM_FAIL);
	ck_assert_int_eq(P->io_error(W, KSEG(0), 2, 0), 0);
	P->set_env(W, 1);
	ck_assert_int_eq(P->xmemin(W, A(0, 2, 0), kb, 3, &g), XMEM_FAIL);
	P->set_env(W, 0);
	ck_assert_int_eq(P->xmemin(W, A(0, 2, 0), kb, 3, &g), XMEM_SUCC);
	ck_assert_int_eq(self_present(kva(0, 2)), 1);
	ck_assert_int_eq(st(KSEG(0), 2).in_memory, 1);
	ck_assert_int_eq(P->page_out(W, KSEG(0), 2), 0);
	ck_assert_int_eq(P->pin(W, KSEG(0), 2), 0); /* pages it in */
	ck_assert_int_eq(self_present(kva(0, 2)), 1);
}
END_TEST

/* The kernel side reports what Linux says: state changed behind the
 * shim's back (munlock, a dropped PTE, PROT_NONE) shows in page_state. */
START_TEST(t_kernel_observed)
{
	ck_assert_int_eq(P->kseg_new(W, 0, 2), 0);
	ck_assert_int_eq(P->image(W, 0, 1), 0);
	ck_assert_int_eq(P->pin(W, KSEG(0), 0), 0);
	ck_assert_int_eq(P->pin(W, DATA(0), 0), 0);
	lnx_sys_mlock(W->seg[XMC_SEG_KERN(0)].real, 4096, 0);
	lnx_sys_mlock(W->seg[XMC_SEG_DATA(0)].real, 4096, 0);
	W->lgen++; /* the shim's cache keys on its own actions */
	ck_assert_int_eq(st(KSEG(0), 0).pin_count, 0);
	ck_assert_int_eq(st(DATA(0), 0).pin_count, 0);
	lnx_sys_mlock(W->seg[XMC_SEG_KERN(0)].real, 4096, 1);
	lnx_sys_mlock(W->seg[XMC_SEG_DATA(0)].real, 4096, 1);
	W->lgen++;
	ck_assert_int_eq(st(KSEG(0), 0).pin_count, 1);
	ck_assert_int_eq(madvise(kva(0, 1), 4096, MADV_DONTNEED), 0);
	W->kgen++;
	ck_assert_int_eq(st(KSEG(0), 1).in_memory, 0);
	ck_assert(self_io(kva(0, 1), 0)); /* faults it back in */
	W->kgen++;
	ck_assert_int_eq(st(KSEG(0), 1).in_memory, 1);
	ck_assert_int_eq(mprotect(kva(0, 1), 4096, PROT_NONE), 0);
	ck_assert_int_eq(st(KSEG(0), 1).valid, 0);
	ck_assert_int_eq(mprotect(kva(0, 1), 4096, PROT_READ | PROT_WRITE), 0);
	ck_assert_int_eq(st(KSEG(0), 1).valid, 1);
	EXPECT_ERRS = 4;
	ck_assert_uint_eq(lnx_errors(W), EXPECT_ERRS);
}
END_TEST

/* Reset: images and kernel segments of one program are gone in the next
 * (tables and Linux), and come back clean when made again. */
START_TEST(t_kernel_reset)
{
	uint8_t *old = NULL, b[8];
	for (int round = 0; round < 3; round++) {
		int n = 1 + round;
		ck_assert_int_eq(P->image(W, 0, n), 0);
		ck_assert_int_eq(P->kseg_new(W, round & 1, n), 0);
		ck_assert(readable(0, A(1, n - 1, 0)) &&
			  !readable(0, A(1, n, 0)));
		ck_assert_int_eq(child_write(0, A(1, 0, 0)), 0);
		ck_assert_int_eq(st(TEXT(0), 0).modified, 0);
		ck_assert_int_eq(P->peek(W, KSEG(round & 1), 0, b, 8), 0);
		for (int i = 0; i < 8; i++)
			ck_assert_uint_eq(b[i], 0);
		if (old) /* last round's kernel mapping is gone */
			ck_assert(!self_io(old, 0));
		old = kva(round & 1, 0);
		ck_assert_int_eq(P->poke(W, TEXT(0), 0, "dirty", 5), 0);
		ck_assert_int_eq(P->poke(W, KSEG(round & 1), 0, "dirty", 5), 0);
		ck_assert_int_eq(P->pin(W, KSEG(round & 1), 0), 0);
		ck_assert_int_eq(P->pin(W, DATA(0), 0), 0);
		struct xmc_xmem g = {XMEM_GLOBAL, 0, 0, 0};
		ck_assert_int_ne(P->xmemdma(W, &g,
					    A(XMC_KREGION(round & 1), 0, 0),
					    XMEM_HIDE),
				 XMEM_FAIL);
		if (n > 1)
			ck_assert_int_eq(P->page_out(W, KSEG(round & 1), 1), 0);
		ck_assert_int_eq(P->protect(W, TEXT(0), 0, XMC_PROT_NONE), 0);
		ck_assert_int_eq(lnx_xcheck(W), 0);
		ck_assert_int_eq(P->reset(W), 0);
		ck_assert_uint_eq(P->getadsp(W)->srval[1], 0x007f0001u);
		ck_assert(!readable(0, A(1, 0, 0)));
	}
}
END_TEST

/* One program with pins in user, image and kernel segments, everything
 * checked against Linux; `extra` also pins a segment index that only this
 * process has made (in a forked one, its parent never had its pool). */
static void pin_program(int extra)
{
	uint32_t u = XMC_SID(0);
	ck_assert_int_eq(P->reset(W), 0);
	ck_assert_int_eq(P->seg_new(W, u, 4, 0), 0);
	ck_assert_int_eq(P->map(W, 0, 3, u, 0), 0);
	ck_assert_int_eq(P->image(W, 0, 2), 0);
	ck_assert_int_eq(P->kseg_new(W, 0, 2), 0);
	if (extra) {
		ck_assert_int_eq(P->seg_new(W, XMC_SID(1), 2, 1), 0);
		ck_assert_int_eq(P->map(W, 0, 5, XMC_SID(1), 0), 0);
		ck_assert_int_eq(P->pin(W, XMC_SID(1), 65535), 0);
		ck_assert_int_eq(st(XMC_SID(1), 65535).pin_count, 1);
	}
	ck_assert_int_eq(P->pin(W, u, 1), 0);
	ck_assert_int_eq(P->pin(W, DATA(0), 0), 0);
	ck_assert_int_eq(P->pin(W, KSEG(0), 1), 0);
	ck_assert_int_eq(st(u, 1).pin_count, 1);
	ck_assert_int_eq(st(DATA(0), 0).pin_count, 1);
	ck_assert_int_eq(st(KSEG(0), 1).pin_count, 1);
	ck_assert_int_eq(st(KSEG(0), 0).in_memory, 1);
	struct xmc_xmem g = {XMEM_INVAL, 0, 0, 0};
	ck_assert_int_eq(P->xmattach(W, A(XMC_KREGION(0), 0, 0), 64, &g,
				     SYS_ADSPACE),
			 XMEM_SUCC);
	ck_assert(readable(0, A(3, 3, 0)) && !readable(0, A(4, 0, 0)));
	ck_assert_int_eq(lnx_xcheck(W), 0);
}

/* A world made before fork() and used in the child, as AFL++'s fork
 * server does (the world is made before __AFL_INIT): the child's pins,
 * kernel pages and kernel attaches are what Linux says in the child, and
 * the parent's world still works after the child is gone. */
START_TEST(t_fork)
{
	pin_program(0); /* the parent's pool: segment 0, image, kernel */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			pin_program(1);
		ck_assert_uint_eq(lnx_errors(W), 0);
		P->destroy(W); /* its own children only */
		_exit(0);
	}
	int status = -1;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the forked process failed (status 0x%x)", status);
	pin_program(1);
}
END_TEST

/* PTEs present in [addr, +n pages) of process pid's window, by its
 * pagemap (after the barrier that makes the child and the shim done). */
static int child_present(int pid, uint32_t addr, int n)
{
	uint64_t e[16];
	uint64_t at = W->ch[pid].base + addr;
	int got = 0;
	ck_assert_int_eq(lnx_barrier(W, pid), 0);
	ck_assert_int_eq(pread(W->ch[pid].pagemap, e, (size_t)n * 8,
			       (off_t)(at / 4096 * 8)),
			 n * 8);
	for (int i = 0; i < n; i++)
		got += (int)(e[i] >> 63);
	return got;
}

/* Lazy PTEs (alias.c lnx_owe/lnx_pay) and the reset's hole punch: a
 * mapping gets its PTEs when something first looks at the child, hidden
 * and paged-out pages never get one, a set-up no one looked at leaves
 * nothing behind, a claimed mapping (every other round repeats the last
 * geometry) starts with none, and the bytes are the segment's. Without
 * userfaultfd a missing PTE is an ordinary fault: only the rest holds. */
START_TEST(t_lazy)
{
	uint8_t b[8];
	uint32_t s = XMC_SID(0);
	for (int round = 0; round < 12; round++) {
		int g = round / 2, high = g & 1, n = 3 + g % 3, r = 3 + g % 2;
		uint32_t p0 = high ? 65536u - (uint32_t)n : 0;
		ck_assert_int_eq(P->reset(W), 0);
		ck_assert_int_eq(P->seg_new(W, s, n, high), 0);
		for (int i = 0; i < n && (round & 1); i++) /* before a claim */
			ck_assert_int_eq(P->page_out(W, s, p0 + (uint32_t)i), 0);
		ck_assert_int_eq(P->map(W, 0, r, s, 0), 0);
		if (round % 5 == 4)
			continue; /* never looked at */
		for (int i = 0; i < n && (round & 1); i++) {
			ck_assert(!readable(0, A(r, p0 + (uint32_t)i, 0)));
			if (i != 1)
				ck_assert_int_eq(
				    P->page_in(W, s, p0 + (uint32_t)i), 0);
		}
		if (!(round & 1))
			ck_assert_int_eq(P->page_out(W, s, p0 + 1), 0);
		ck_assert(readable(0, A(r, p0, 0))); /* the first look */
		ck_assert(!readable(0, A(r, p0 + 1, 0)));
		if (W->use_uffd) /* without, PTEs come by faults */
			ck_assert_int_eq(child_present(0, A(r, p0, 0), n),
					 n - 1);
		ck_assert_int_eq(st(s, p0 + 1).in_memory, 0);
		ck_assert_int_eq(st(s, p0 + 2).in_memory, 1);
		ck_assert_int_eq(P->page_in(W, s, p0 + 1), 0);
		if (W->use_uffd)
			ck_assert_int_eq(child_present(0, A(r, p0, 0), n), n);
		ck_assert_int_eq(P->peek(W, s, (p0 + 2) * 4096, b, 8), 0);
		for (int i = 0; i < 8; i++)
			ck_assert_uint_eq(b[i], 0); /* last round's poke is gone */
		ck_assert_int_eq(P->poke(W, s, (p0 + 2) * 4096, "dirty", 5), 0);
		ck_assert_int_eq(P->peek(W, s, (p0 + 2) * 4096, b, 8), 0);
		ck_assert_int_eq(memcmp(b, "dirty", 5), 0);
		struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
		ck_assert_int_eq(P->xmattach(W, A(r, p0, 0), 64, &d,
					     USER_ADSPACE),
				 XMEM_SUCC);
		memcpy(kb, "moved", 5);
		ck_assert_int_eq(P->xmemout(W, kb, A(r, p0, 8), 5, &d),
				 XMEM_SUCC);
		ck_assert_int_eq(P->peek(W, s, p0 * 4096 + 8, b, 5), 0);
		ck_assert_int_eq(memcmp(b, "moved", 5), 0);
		ck_assert_int_eq(lnx_xcheck(W), 0);
	}
}
END_TEST

/* VmLck (kB) of a process; -1 when unreadable. */
static long vmlck(pid_t pid)
{
	char path[64], line[128];
	long n = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmLck: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* Many programs in one process, each leaving pins for reset to undo:
 * every pin is mlocked (the kernel check agrees) and locked memory does
 * not grow, in the shim or in any child. */
START_TEST(t_pin_loop)
{
	long first = -1;
	for (int n = 0; n < 600; n++) {
		pin_program(n & 1);
		long l = vmlck(getpid());
		ck_assert_int_ge(l, 0);
		if (n == 0)
			first = l;
		ck_assert_msg(l <= first + 8, "VmLck grew: %ld kB -> %ld kB",
			      first, l);
		for (int c = 0; c < LNX_NCHILD; c++)
			ck_assert_int_eq(vmlck(W->ch[c].pid), 0);
	}
	ck_assert_int_eq(P->reset(W), 0);
	ck_assert_int_le(vmlck(getpid()), first - 12); /* 3 pins = 12 kB */
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
	const TTest *const power[] = {t_image,	      t_kernel_attach,
				      t_kernel_dma,   t_kernel_observed,
				      t_kernel_reset, t_fork,
				      t_pin_loop,     t_lazy,
				      NULL};
	const TTest *const ppc[] = {t_image, t_kernel_dma, NULL};
	const TTest *const mprot[] = {t_image, t_kernel_dma, t_kernel_reset,
				      t_fork, t_lazy, NULL};
	const TTest *const fresh[] = {t_kernel_reset, t_fork, t_lazy, NULL};
	Suite *s = suite_create("linux_kern");
	add(s, "power", setup_power, power);
	add(s, "powerpc", setup_powerpc, ppc);
	add(s, "mprotect", setup_mprotect, mprot);
	add(s, "fresh", setup_fresh, fresh);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * bench_lnx.c - ns per op of typical shim services against the raw syscall
 * cost of the mechanism they rest on (median of batches).
 *
 * A benchmark, not a test: `make bench` builds and runs it (LINUX=1).
 */
#include "lnx_int.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 41
#define PER 2000

static const struct xmc_plugin *P = &lnx_plugin;
static xmc_world *W;
static struct xmc_xmem D;
static uint8_t kb[4096];
static char *raw;      /* raw-mechanism mapping (self) */
static int rfd, ruffd; /* its memfd and uffd */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* CPU time of the caller and the world's children (ns): other load on
 * this 2-vCPU machine does not count. */
static double cpu(void)
{
	struct timespec t;
	double ns;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	ns = t.tv_sec * 1e9 + t.tv_nsec;
	for (int c = 0; W && c < LNX_NCHILD; c++) {
		char path[64];
		unsigned long long run = 0;
		snprintf(path, sizeof path, "/proc/%d/schedstat",
			 (int)W->ch[c].pid);
		FILE *f = fopen(path, "r");
		if (f && fscanf(f, "%llu", &run) == 1)
			ns += (double)run;
		if (f)
			fclose(f);
	}
	return ns;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double (*clk)(void) = now; /* wall or CPU time */

/* Median ns per call of fn over BATCHES batches of PER calls. */
static double bench(void (*fn)(void))
{
	double v[BATCHES];
	for (int b = 0; b < BATCHES; b++) {
		double t = clk();
		for (int i = 0; i < PER; i++)
			fn();
		for (int c = 0; c < LNX_NCHILD; c++)
			lnx_barrier(W, c); /* posted work counts */
		v[b] = (clk() - t) / PER;
	}
	qsort(v, BATCHES, sizeof v[0], cmp);
	return v[BATCHES / 2];
}

static void s_xmemin(void)
{
	P->xmemin(W, 0x30000000u, kb, 64, &D);
}

static void r_pvm(void)
{
	struct iovec l = {kb, 64};
	struct iovec r = {(void *)(uintptr_t)(W->ch[0].base + 0x30000000u), 64};
	process_vm_readv(W->ch[0].pid, &l, 1, &r, 1, 0);
}

static void s_dma(void)
{
	P->xmemdma(W, &D, 0x30000000u, XMEM_HIDE);
	P->xmemdma(W, &D, 0x30000000u, XMEM_UNHIDE);
}

static void r_uffd(void)
{
	struct uffdio_continue ct = {.range = {(uintptr_t)raw, 4096}};
	madvise(raw, 4096, MADV_DONTNEED);
	ioctl(ruffd, UFFDIO_CONTINUE, &ct);
}

static void r_mprotect(void)
{
	mprotect(raw, 4096, PROT_NONE);
	mprotect(raw, 4096, PROT_READ | PROT_WRITE);
}

static void s_dma_obs(void)
{
	s_dma();
	s_xmemin();
}

static void r_uffd_obs(void)
{
	r_uffd();
	r_pvm();
}

static void s_att(void)
{
	xmc_adspace *as = P->getadsp(W);
	xmc_caddr a = P->as_att(W, as, XMC_SRVAL(XMC_SID(0), 0), 0);
	P->as_det(W, as, a);
}

static void r_mmap_pair(void)
{
	void *a = raw + 16 * 4096;
	mmap(a, 16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, rfd,
	     0);
	mmap(a, 16 * 4096, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

static void r_mmap_full(void)
{
	void *a = raw + 16 * 4096;
	struct uffdio_register r = {.range = {(uintptr_t)a, 16 * 4096},
				    .mode = UFFDIO_REGISTER_MODE_MINOR};
	mmap(a, 16 * 4096, PROT_READ | PROT_WRITE,
	     MAP_SHARED | MAP_FIXED | MAP_POPULATE, rfd, 0);
	ioctl(ruffd, UFFDIO_REGISTER, &r);
	mmap(a, 16 * 4096, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

static void s_attach(void)
{
	struct xmc_xmem d = {XMEM_INVAL, 0, 0, 0};
	P->xmattach(W, 0x30000000u, 64, &d, USER_ADSPACE);
}

static void s_reset_prog(void)
{
	P->reset(W);
	P->seg_new(W, XMC_SID(0), 16, 0);
	P->map(W, 0, 3, XMC_SID(0), 0);
}

/* A program's set-up that never matches the previous one's mappings: the
 * region and the size change every time (reuse keeps only the memfd). */
static void s_reset_vary(void)
{
	static unsigned n;
	n++;
	P->reset(W);
	P->seg_new(W, XMC_SID(0), 16 - (int)(n & 1), 0);
	P->map(W, 0, 3 + (int)(n % 3), XMC_SID(0), 0);
}

/* The set-up and the program's first look at its mapping (the probe
 * hook: Linux's answer through the child after a barrier), so work the
 * shim defers until something can see it is counted too. */
static void s_reset_look(void)
{
	s_reset_prog();
	P->probe(W, 0, 0x30000000u);
}

static void s_reset_vary_look(void)
{
	static unsigned n;
	n++;
	P->reset(W);
	P->seg_new(W, XMC_SID(0), 16 - (int)(n & 1), 0);
	P->map(W, 0, 3 + (int)(n % 3), XMC_SID(0), 0);
	P->probe(W, 0, (3 + (n % 3)) << 28);
}

/* A self mapping of a 32-page memfd: page 0 registered MINOR. */
static void raw_setup(void)
{
	rfd = memfd_create("raw", 0);
	if (ftruncate(rfd, 32 * 4096) < 0 || fallocate(rfd, 0, 0, 32 * 4096))
		exit(1);
	raw = mmap(NULL, 32 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	if (raw == MAP_FAILED)
		exit(1);
	raw[0] = 1; /* a PTE before MINOR registration */
	ruffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	struct uffdio_api api = {.api = UFFD_API,
				 .features = UFFD_FEATURE_SIGBUS |
					     UFFD_FEATURE_MINOR_SHMEM};
	struct uffdio_register r = {.range = {(uintptr_t)raw, 4096},
				    .mode = UFFDIO_REGISTER_MODE_MINOR};
	if (ioctl(ruffd, UFFDIO_API, &api) || ioctl(ruffd, UFFDIO_REGISTER, &r))
		exit(1);
}

static void world(int uffd)
{
	struct xmc_config cfg = {XMC_PROFILE_POWER, 1};
	char err[200];
	if (!uffd)
		setenv("LNX_NO_UFFD", "1", 1);
	W = P->create(&cfg, err, sizeof err);
	unsetenv("LNX_NO_UFFD");
	if (!W) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	P->seg_new(W, XMC_SID(0), 16, 0);
	P->map(W, 0, 3, XMC_SID(0), 0);
	D = (struct xmc_xmem){XMEM_INVAL, 0, 0, 0};
	P->xmattach(W, 0x30000000u, 16 * 4096, &D, USER_ADSPACE);
	P->pin(W, XMC_SID(0), 0);
}

static void row(const char *what, double shim, const char *rawname, double rawv)
{
	printf("%-34s %9.0f ns   %-36s %7.0f ns   x%.2f\n", what, shim, rawname,
	       rawv, shim / rawv);
}

static void run(void)
{
	world(1);
	double pvm = bench(r_pvm), uf = bench(r_uffd), mp = bench(r_mprotect);
	double mm = bench(r_mmap_pair), mf = bench(r_mmap_full);
	row("xmemin 64 B", bench(s_xmemin), "process_vm_readv 64 B", pvm);
	row("xmemdma HIDE+UNHIDE (uffd)", bench(s_dma),
	    "MADV_DONTNEED+UFFDIO_CONTINUE", uf);
	row("HIDE+UNHIDE then xmemin 64 B", bench(s_dma_obs),
	    "DONTNEED+CONTINUE+readv 64 B", bench(r_uffd_obs));
	row("as_att+as_det (uffd)", bench(s_att), "mmap+POPULATE+REGISTER+mmap",
	    mf);
	row("as_att+as_det (uffd)", bench(s_att), "mmap pair (plain)", mm);
	row("xmattach 64 B (PROCMAP_QUERY x2)", bench(s_attach),
	    "process_vm_readv 64 B", pvm);
	printf("reset + seg_new + map (one program's setup): %.0f ns\n",
	       bench(s_reset_prog));
	printf("  the same, region and size vary:            %.0f ns\n",
	       bench(s_reset_vary));
	printf("  set-up + first look (probe), same program: %.0f ns\n",
	       bench(s_reset_look));
	printf("  set-up + first look, region and size vary: %.0f ns\n",
	       bench(s_reset_vary_look));
	P->destroy(W);
	setenv("XMCHECK_LINUX_FRESH", "1", 1);
	world(1);
	unsetenv("XMCHECK_LINUX_FRESH");
	printf("  the same, fresh worlds (XMCHECK_LINUX_FRESH=1): %.0f ns\n",
	       bench(s_reset_prog));
	P->destroy(W);
	world(0);
	row("xmemdma HIDE+UNHIDE (mprotect)", bench(s_dma), "mprotect pair",
	    mp);
	row("as_att+as_det (mprotect)", bench(s_att), "mmap pair (plain)", mm);
	P->destroy(W);
	W = NULL;
}

int main(void)
{
	raw_setup();
	printf("== wall clock, median ns per op ==\n");
	run();
	printf("== CPU time of shim + children, median ns per op ==\n");
	clk = cpu;
	run();
	return 0;
}

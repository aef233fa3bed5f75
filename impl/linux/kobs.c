/*
 * kobs.c - the optional kernel features the shim uses, probed at create,
 * and Linux's own view of a page, folded into page_state.
 *
 * page_state starts from the shim's tables (bookkeeping) and then asks the
 * kernel where the kernel can tell:
 *   - pinned: the mlocked bit (KPF_MLOCKED, bit 33) of /proc/kpageflags at
 *     the page's PFN, read from the pagemap of the shim's own mapping of the
 *     memfd (the one it mlocks; a child's PTE names the same page-cache
 *     page); without kpageflags, VmFlags "lo" of that mapping's VMA in
 *     /proc/self/smaps;
 *   - resident / hidden: the state of every alias mapping in the children:
 *     with userfaultfd the pagemap present bit (bit 63; one PAGEMAP_SCAN
 *     per alias, or pread of the entries), with mprotect a 1-byte
 *     process_vm_readv (what probe reads).
 * The AIX modified bit has no Linux counterpart (dma_write writes without
 * setting it, the last unhide sets it without a write): it stays
 * bookkeeping, and so do the protection key, the I/O-error flag and the
 * hide count itself.
 *
 * Where the kernel disagrees with the tables, page_state reports what the
 * kernel says (pin_count 0 for a page Linux does not hold mlocked, 1 for
 * one it does although no pin is counted; in_memory 0 for a resident page
 * missing at an alias; valid 1 for a hidden page still mapped somewhere),
 * so the executor's comparison with the model names the op that broke it;
 * the disagreement is also told on stderr and counted (lnx_errors).
 *
 * Readings are cached until the shim's next action Linux can see (every
 * request posted, UFFDIO_CONTINUE, copy, mlock, munlock, truncate bumps
 * kgen), so the end-of-program sweep reads each alias once per segment;
 * the mlocked bits until the shim's next mlock, munlock or segment change
 * (lgen: nothing else moves them).
 */
#include "lnx_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef PAGEMAP_SCAN
/* linux/fs.h of kernels >= 6.7; this toolchain's headers predate it */
struct page_region {
	uint64_t start;	     /* first byte of the run */
	uint64_t end;	     /* end of the run */
	uint64_t categories; /* PAGE_IS_* of the run */
};
struct pm_scan_arg {
	uint64_t size;		      /* sizeof(struct pm_scan_arg) */
	uint64_t flags;		      /* PM_SCAN_* */
	uint64_t start;		      /* range start */
	uint64_t end;		      /* range end */
	uint64_t walk_end;	      /* out: where the walk stopped */
	uint64_t vec;		      /* struct page_region array */
	uint64_t vec_len;	      /* its length */
	uint64_t max_pages;	      /* 0 = no limit */
	uint64_t category_inverted;   /* categories matched when absent */
	uint64_t category_mask;	      /* categories that must all match */
	uint64_t category_anyof_mask; /* categories of which one matches */
	uint64_t return_mask;	      /* categories reported */
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT (1 << 3)
#endif

#define PM_PRESENT (1ull << 63)
#define PM_PFN ((1ull << 55) - 1)
#define KPF_MLOCKED 33

/* Names (XMCHECK_LINUX_DISABLE), uses, and what is lost without each. */
static const struct {
	const char *name; /* as in the summary and the env list */
	const char *use;  /* what it does when on */
	const char *lost; /* the effect when off */
} feat_info[LNX_NFEAT] = {
    [LNX_F_UFFD] = {"uffd",
		    "hide and page-out drop the PTE at every alias "
		    "(userfaultfd MINOR, SIGBUS)",
		    "hide and page-out use mprotect(PROT_NONE): VMAs split, "
		    "residency is read by probing each alias"},
    [LNX_F_PMQ] = {"procmap_query",
		   "xmattach and probe check the VMA's memfd and offset",
		   "xmattach and probe check with a 1-byte process_vm_readv "
		   "(memfd identity and offset unchecked)"},
    [LNX_F_SCAN] = {"pagemap_scan",
		    "residency at an alias read with one PAGEMAP_SCAN",
		    "residency read from /proc/PID/pagemap entries (pread)"},
    [LNX_F_KPF] = {"kpageflags",
		   "pinned read from KPF_MLOCKED at the page's PFN",
		   "pinned read from VmFlags 'lo' in /proc/self/smaps "
		   "(per VMA; one parse per world change, slower)"},
    [LNX_F_KCHECK] = {"kernel_check",
		      "page_state reports what Linux says where it can tell",
		      "page_state reports the shim's bookkeeping only"},
};

static void feat_off(xmc_world *w, int f, const char *why, int err)
{
	w->feat[f].on = 0;
	snprintf(w->feat[f].why, sizeof w->feat[f].why, "%s%s%s", why,
		 err ? ": " : "", err ? strerror(err) : "");
}

/* XMCHECK_LINUX_DISABLE=name,name: forced off. -1 on an unknown name. */
static int parse_disable(xmc_world *w, char *err, size_t errlen)
{
	const char *env = getenv("XMCHECK_LINUX_DISABLE");
	const char *no = getenv("LNX_NO_UFFD"); /* older spelling */
	if (no && *no && *no != '0')
		feat_off(w, LNX_F_UFFD, "disabled by LNX_NO_UFFD", 0);
	for (const char *p = env; p && *p;) {
		size_t n = strcspn(p, ",");
		int f = 0;
		while (f < LNX_NFEAT && (strlen(feat_info[f].name) != n ||
					 strncmp(p, feat_info[f].name, n)))
			f++;
		if (f == LNX_NFEAT && n) {
			snprintf(
			    err, errlen,
			    "linux: XMCHECK_LINUX_DISABLE: unknown feature "
			    "'%.*s' (known: uffd, procmap_query, "
			    "pagemap_scan, kpageflags, kernel_check)",
			    (int)n, p);
			return -1;
		}
		if (n)
			feat_off(w, f, "disabled by XMCHECK_LINUX_DISABLE", 0);
		p += n + (p[n] == ',');
	}
	return 0;
}

static uint64_t self_entry(xmc_world *w, const void *a)
{
	uint64_t e = 0;
	if (pread(w->pm_self, &e, 8, (off_t)((uintptr_t)a / LNX_PG * 8)) != 8)
		return 0;
	return e;
}

static int kpf_mlocked(xmc_world *w, uint64_t pfn)
{
	uint64_t f = 0;
	if (pread(w->kpf, &f, 8, (off_t)(pfn * 8)) != 8)
		return -1;
	return (int)((f >> KPF_MLOCKED) & 1);
}

/* kpageflags works when a locked page of ours shows MLOCKED, and stops
 * showing it after munlock (real PFNs need CAP_SYS_ADMIN). */
static void probe_kpf(xmc_world *w)
{
	char *p = mmap(NULL, LNX_PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w->kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (w->kpf < 0 || w->pm_self < 0)
		feat_off(w, LNX_F_KPF, "cannot open /proc/kpageflags", errno);
	else if (p == MAP_FAILED || lnx_sys_mlock(p, LNX_PG, 1) < 0)
		feat_off(w, LNX_F_KPF, "mlock refused", errno);
	if (!w->feat[LNX_F_KPF].on || p == MAP_FAILED)
		goto out;
	uint64_t e = self_entry(w, p), pfn = e & PM_PFN;
	int before = pfn ? kpf_mlocked(w, pfn) : -1;
	lnx_sys_mlock(p, LNX_PG, 0);
	int after = pfn ? kpf_mlocked(w, pfn) : -1;
	if (!(e & PM_PRESENT) || !pfn)
		feat_off(w, LNX_F_KPF, "pagemap hides PFNs (no CAP_SYS_ADMIN)",
			 0);
	else if (before != 1 || after != 0)
		feat_off(w, LNX_F_KPF,
			 "KPF_MLOCKED does not follow mlock/munlock", 0);
out:
	if (p != MAP_FAILED)
		munmap(p, LNX_PG);
}

static void probe_scan(xmc_world *w)
{
	struct page_region r[1];
	struct pm_scan_arg a = {.size = sizeof a,
				.start = w->ch[0].base,
				.end = w->ch[0].base + LNX_PG,
				.vec = (uintptr_t)r,
				.vec_len = 1,
				.category_mask = PAGE_IS_PRESENT,
				.return_mask = PAGE_IS_PRESENT};
	if (w->ch[0].pagemap < 0)
		feat_off(w, LNX_F_SCAN, "cannot open /proc/PID/pagemap", 0);
	else if (ioctl(w->ch[0].pagemap, PAGEMAP_SCAN, &a) < 0)
		feat_off(w, LNX_F_SCAN, "PAGEMAP_SCAN refused (kernel < 6.7?)",
			 errno);
}

/* One line per feature: "name\tyes|no\tdetail" (see lnx_features_text). */
static void build_text(xmc_world *w)
{
	size_t o = 0, cap = sizeof w->feat_text;
	for (int f = 0; f < LNX_NFEAT && o < cap; f++) {
		int n =
		    w->feat[f].on
			? snprintf(w->feat_text + o, cap - o, "%s\tyes\t%s\n",
				   feat_info[f].name, feat_info[f].use)
			: snprintf(w->feat_text + o, cap - o,
				   "%s\tno\t%s; %s\n", feat_info[f].name,
				   w->feat[f].why, feat_info[f].lost);
		o += n > 0 ? (size_t)n : 0;
	}
}

int lnx_features_probe(xmc_world *w, char *err, size_t errlen)
{
	for (int f = 0; f < LNX_NFEAT; f++)
		w->feat[f].on = 1;
	w->kgen = w->lgen = 1;
	if (parse_disable(w, err, errlen) < 0)
		return -1;
	for (int c = 0; c < LNX_NCHILD && w->feat[LNX_F_UFFD].on; c++)
		if (w->ch[c].uffd < 0)
			feat_off(w, LNX_F_UFFD, w->uffd_why, 0);
	if (w->feat[LNX_F_PMQ].on && !lnx_pmq_works(w))
		feat_off(w, LNX_F_PMQ, "PROCMAP_QUERY refused (kernel < 6.11?)",
			 0);
	w->pm_self = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (w->feat[LNX_F_PMQ].on) /* kernel-space VMAs are the shim's */
		w->maps_self = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (w->feat[LNX_F_SCAN].on)
		probe_scan(w);
	if (w->feat[LNX_F_KPF].on)
		probe_kpf(w);
	w->use_uffd = w->feat[LNX_F_UFFD].on;
	w->have_pmq = w->feat[LNX_F_PMQ].on;
	build_text(w);
	return 0;
}

void lnx_features_close(xmc_world *w)
{
	if (w->pm_self >= 0)
		close(w->pm_self);
	if (w->kpf >= 0)
		close(w->kpf);
	if (w->maps_self >= 0)
		close(w->maps_self);
	w->pm_self = w->kpf = w->maps_self = -1;
}

/* /proc/self of this process (a forked one gets its own). */
void lnx_features_reopen(xmc_world *w)
{
	int maps = w->maps_self >= 0;
	if (w->pm_self >= 0)
		close(w->pm_self);
	if (maps)
		close(w->maps_self);
	w->pm_self = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	w->maps_self =
	    maps ? open("/proc/self/maps", O_RDONLY | O_CLOEXEC) : -1;
}

const char *lnx_features_text(xmc_world *w)
{
	return w->feat_text;
}

/* The system calls themselves: AddressSanitizer's mlock and munlock are
 * no-ops that return 0 (the kernel check finds those pins missing). */
int lnx_sys_mlock(void *addr, size_t len, int lock)
{
	return (int)syscall(lock ? SYS_mlock : SYS_munlock, addr, len);
}

int lnx_mlock(xmc_world *w, void *addr)
{
	w->kgen++;
	w->lgen++;
	return lnx_sys_mlock(addr, LNX_PG, 1);
}

int lnx_munlock(xmc_world *w, void *addr)
{
	w->kgen++;
	w->lgen++;
	return lnx_sys_mlock(addr, LNX_PG, 0);
}

/* ---- readings ---- */

/* PTE present at one alias, bit i = defined page i; -1 cannot tell. */
static int alias_present(xmc_world *w, const struct lnx_alias *al, int k,
			 uint16_t *bits)
{
	struct lnx_child *ch = &w->ch[al->c];
	int r = (int)((al->slot - ch->base) / LNX_SLOT);
	struct lnx_kcache *kc = &w->kc;
	const struct lnx_seg *s = &w->seg[k];
	uint64_t start = al->slot + (uint64_t)s->first * LNX_PG;
	uint64_t end = start + (uint64_t)s->npages * LNX_PG;
	if (kc->pres_gen[al->c][r] == w->kgen) {
		*bits = kc->pres[al->c][r];
		return 0;
	}
	if (ch->pagemap < 0 || lnx_barrier(w, al->c) < 0)
		return -1;
	uint16_t b = 0;
	if (w->feat[LNX_F_SCAN].on) {
		struct page_region v[XMC_OBJ_PAGES];
		struct pm_scan_arg a = {.size = sizeof a,
					.start = start,
					.end = end,
					.vec = (uintptr_t)v,
					.vec_len = XMC_OBJ_PAGES,
					.category_mask = PAGE_IS_PRESENT,
					.return_mask = PAGE_IS_PRESENT};
		int n = ioctl(ch->pagemap, PAGEMAP_SCAN, &a);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++)
			for (uint64_t p = v[i].start; p < v[i].end; p += LNX_PG)
				b |= (uint16_t)(1u << ((p - start) / LNX_PG));
	} else {
		uint64_t e[XMC_OBJ_PAGES];
		size_t len = (size_t)s->npages * 8;
		if (pread(ch->pagemap, e, len, (off_t)(start / LNX_PG * 8)) !=
		    (ssize_t)len)
			return -1;
		for (int i = 0; i < s->npages; i++)
			if (e[i] & PM_PRESENT)
				b |= (uint16_t)(1u << i);
	}
	kc->pres_gen[al->c][r] = w->kgen;
	kc->pres[al->c][r] = b;
	*bits = b;
	return 0;
}

/* The page reachable at one alias: 1, 0, or -1 when Linux cannot tell. */
static int alias_ok(xmc_world *w, const struct lnx_alias *al, int k, uint32_t i)
{
	const struct lnx_seg *s = &w->seg[k];
	if (w->use_uffd) { /* hidden and paged-out pages have no PTE */
		uint16_t b;
		return alias_present(w, al, k, &b) < 0 ? -1 : (b >> i) & 1;
	}
	if (s->pg[i].prot == XMC_PROT_NONE || lnx_barrier(w, al->c) < 0)
		return -1; /* a PROT_NONE page faults either way */
	char c;
	uint64_t a = al->slot + (uint64_t)(s->first + i) * LNX_PG;
	struct iovec l = {&c, 1}, r = {(void *)(uintptr_t)a, 1};
	return process_vm_readv(w->ch[al->c].pid, &l, 1, &r, 1, 0) == 1;
}

/* VmFlags "lo" of the VMAs over the segments' real mappings. */
static int parse_smaps(xmc_world *w)
{
	struct lnx_kcache *kc = &w->kc;
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	unsigned long lo = 0, hi = 0;
	if (!f)
		return -1;
	for (int k = 0; k < XMC_NSEGS; k++)
		kc->locked[k] = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
			lo = a;
			hi = b;
			continue;
		}
		if (strncmp(line, "VmFlags:", 8) || !strstr(line, " lo"))
			continue;
		for (int k = 0; k < XMC_NSEGS; k++)
			for (int i = 0; w->seg[k].real && i < w->seg[k].npages;
			     i++) {
				uintptr_t p = (uintptr_t)w->seg[k].real +
					      (uintptr_t)i * LNX_PG;
				if (p >= lo && p < hi)
					kc->locked[k] |= (uint16_t)(1u << i);
			}
	}
	fclose(f);
	for (int k = 0; k < XMC_NSEGS; k++) {
		kc->lock_gen[k] = w->lgen;
		kc->lock_ok[k] = 0xffff;
	}
	kc->smaps_gen = w->lgen;
	return 0;
}

/* Linux holds page i of segment k mlocked: 1, 0, or -1 cannot tell. */
static int page_locked(xmc_world *w, int k, uint32_t i)
{
	struct lnx_kcache *kc = &w->kc;
	const struct lnx_seg *s = &w->seg[k];
	if (!s->real)
		return -1;
	if (kc->lock_gen[k] != w->lgen) {
		kc->lock_gen[k] = w->lgen;
		kc->lock_ok[k] = kc->locked[k] = 0;
	}
	if ((kc->lock_ok[k] >> i) & 1)
		return (kc->locked[k] >> i) & 1;
	int l;
	if (w->feat[LNX_F_KPF].on) {
		uint64_t e = self_entry(w, s->real + (size_t)i * LNX_PG);
		/* mlock populates: a page without a PTE here is not locked */
		l = (e & PM_PRESENT) ? kpf_mlocked(w, e & PM_PFN) : 0;
		if (l < 0)
			return -1;
	} else {
		if (kc->smaps_gen != w->lgen && parse_smaps(w) < 0)
			return -1;
		return (kc->locked[k] >> i) & 1;
	}
	kc->lock_ok[k] |= (uint16_t)(1u << i);
	kc->locked[k] |= (uint16_t)(l << i);
	return l;
}

static void kdisagree(xmc_world *w, int k, uint32_t page, const char *what)
{
	if (w->errors++ < 20)
		fprintf(stderr,
			"xmcheck linux shim: kernel: segment %d page %u: %s\n",
			k, page, what);
}

/* PTE present at the kernel alias of kernel segment k (the shim's own
 * pagemap), bit i = page i; -1 cannot tell. */
static int self_present(xmc_world *w, int k, uint16_t *bits)
{
	struct lnx_kcache *kc = &w->kc;
	const struct lnx_seg *s = &w->seg[k];
	int j = k - XMC_SEG_KERN(0);
	uint64_t e[XMC_OBJ_PAGES];
	size_t len = (size_t)s->npages * 8;
	if (kc->kpres_gen[j] == w->kgen) {
		*bits = kc->kpres[j];
		return 0;
	}
	if (w->pm_self < 0 ||
	    pread(w->pm_self, e, len,
		  (off_t)((uintptr_t)s->kva / LNX_PG * 8)) != (ssize_t)len)
		return -1;
	uint16_t b = 0;
	for (int i = 0; i < s->npages; i++)
		if (e[i] & PM_PRESENT)
			b |= (uint16_t)(1u << i);
	kc->kpres_gen[j] = w->kgen;
	kc->kpres[j] = b;
	*bits = b;
	return 0;
}

/* A kernel page at the shim's own mapping: resident is the pagemap
 * present bit (hiding keeps the PTE, paging out drops it); hidden is a
 * 1-byte process_vm_readv of the shim itself failing on a resident page
 * (unless its key forbids any access, when it cannot tell). */
static void kobserve_self(xmc_world *w, int k, uint32_t i,
			  struct xmc_page_state *out)
{
	const struct lnx_seg *s = &w->seg[k];
	const struct lnx_page *pg = &s->pg[i];
	uint16_t b;
	if (self_present(w, k, &b) < 0)
		return;
	int present = (b >> i) & 1;
	if (present != pg->in_memory) {
		out->in_memory = (uint8_t)present;
		kdisagree(w, k, s->first + i,
			  present ? "paged out in the tables, resident in the "
				    "kernel mapping"
				  : "resident in the tables, no PTE in the "
				    "kernel mapping");
	}
	if (!present || pg->prot == XMC_PROT_NONE)
		return;
	char c;
	struct iovec l = {&c, 1}, r = {s->kva + (size_t)i * LNX_PG, 1};
	int readable = process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1;
	if (readable != (pg->hide_count == 0)) {
		out->valid = (uint8_t)readable;
		kdisagree(w, k, s->first + i,
			  readable ? "hidden in the tables, readable in the "
				     "kernel mapping"
				   : "valid in the tables, unreadable in the "
				     "kernel mapping");
	}
}

void lnx_kobserve(xmc_world *w, int k, uint32_t page,
		  struct xmc_page_state *out)
{
	struct lnx_seg *s = &w->seg[k];
	uint32_t i = page - s->first;
	const struct lnx_page *pg = &s->pg[i];
	struct lnx_alias al[LNX_MAX_ALIAS];
	int n = lnx_aliases(w, k, al), any = 0, all = 1, seen = 0;
	if (!w->feat[LNX_F_KCHECK].on)
		return;
	if (s->kva)
		kobserve_self(w, k, i, out);
	for (int a = 0; a < n; a++) {
		if (al[a].c == LNX_SELF)
			continue; /* kobserve_self */
		int ok = alias_ok(w, &al[a], k, i);
		if (ok < 0)
			continue;
		seen = 1;
		any |= ok;
		all &= ok;
	}
	int vis = lnx_visible(pg);
	if (seen && vis && !all) {
		out->in_memory = 0;
		kdisagree(w, k, page,
			  "resident in the tables, gone at an alias");
	} else if (seen && !vis && any) {
		if (pg->hide_count)
			out->valid = 1;
		else
			out->in_memory = 1;
		kdisagree(w, k, page,
			  pg->hide_count
			      ? "hidden in the tables, mapped at an alias"
			      : "paged out in the tables, mapped at an alias");
	}
	int l = page_locked(w, k, i);
	if (l == 0 && pg->pin_count) {
		out->pin_count = 0;
		kdisagree(w, k, page, "pinned in the tables, not mlocked");
	} else if (l == 1 && !pg->pin_count) {
		out->pin_count = 1;
		kdisagree(w, k, page, "mlocked, but no pin in the tables");
	}
}

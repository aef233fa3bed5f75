/*
 * alias.c - segment pages as Linux sees them: every slot of every child that
 * maps a segment (an "alias") is kept in step with the shim's page state.
 *
 * A page is addressable at an alias exactly when it is in memory, not hidden
 * and its protection allows the access. With userfaultfd (MINOR mode,
 * SIGBUS feature) a page that is hidden or paged out has no PTE: any access,
 * direct or through process_vm_*, fails because its minor fault is refused;
 * making it addressable again is a UFFDIO_CONTINUE the parent issues itself.
 * Without userfaultfd the same is done with mprotect(PROT_NONE).
 */
#include "lnx_int.h"

#include <errno.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef PROCMAP_QUERY
/* linux/fs.h of kernels >= 6.11; this toolchain's headers predate it */
struct procmap_query {
	uint64_t size;		/* sizeof(struct procmap_query) */
	uint64_t query_flags;	/* in: PROCMAP_QUERY_* */
	uint64_t query_addr;	/* in: address to look up */
	uint64_t vma_start;	/* out: VMA start */
	uint64_t vma_end;	/* out: VMA end */
	uint64_t vma_flags;	/* out: PROCMAP_QUERY_VMA_* */
	uint64_t vma_page_size; /* out: page size */
	uint64_t vma_offset;	/* out: file offset of vma_start */
	uint64_t inode;		/* out: backing inode */
	uint32_t dev_major;	/* out: device */
	uint32_t dev_minor;	/* out: device */
	uint32_t vma_name_size; /* in/out: name buffer size */
	uint32_t build_id_size; /* in/out: build id buffer size */
	uint64_t vma_name_addr; /* in: name buffer */
	uint64_t build_id_addr; /* in: build id buffer */
};
#define PROCMAP_QUERY _IOWR('f', 17, struct procmap_query)
#define PROCMAP_QUERY_VMA_SHARED 0x08
#endif

void lnx_complain(xmc_world *w, const char *what, int err)
{
	if (w->errors++ < 20)
		fprintf(stderr, "xmcheck linux shim: %s: %s\n", what,
			strerror(err));
}

unsigned lnx_errors(xmc_world *w)
{
	return w->errors;
}

int lnx_uses_uffd(xmc_world *w)
{
	return w->use_uffd;
}

struct lnx_seg *lnx_seg_of(xmc_world *w, uint32_t sid, int *k)
{
	uint32_t i = XMC_SRVAL_SID(sid) - XMC_SID(0);
	if (i >= XMC_NSEGS || !w->seg[i].created)
		return NULL;
	if (k)
		*k = (int)i;
	return &w->seg[i];
}

/* The shim's own record of a segment's life and holds (seg_state hook). */
int lnx_seg_state(xmc_world *w, uint32_t sid, int *state, int *holds)
{
	struct lnx_seg *s = lnx_seg_of(w, sid, NULL);
	if (!s)
		return -1;
	*state = s->deleted   ? XMC_SEG_DELETED
		 : s->pending ? XMC_SEG_PENDING
			      : XMC_SEG_LIVE;
	*holds = s->holds;
	return 0;
}

struct lnx_page *lnx_pg(struct lnx_seg *s, uint32_t page)
{
	uint32_t i = page - s->first;
	return i < (uint32_t)s->npages ? &s->pg[i] : NULL;
}

int lnx_visible(const struct lnx_page *pg)
{
	return pg->in_memory && pg->hide_count == 0;
}

/* Protection an alias carries for the page. */
static uint8_t alias_prot(xmc_world *w, const struct lnx_page *pg)
{
	return w->use_uffd || lnx_visible(pg) ? pg->prot : XMC_PROT_NONE;
}

static uint64_t slot_addr(xmc_world *w, int c, int slot)
{
	return w->ch[c].base + (uint64_t)slot * LNX_SLOT;
}

/* Every place segment k is mapped; returns how many. */
int lnx_aliases(xmc_world *w, int k, struct lnx_alias *al)
{
	int n = 0;
	for (int p = 0; p < XMC_MAX_PROCS; p++) {
		if (!w->proc[p].exists)
			continue;
		for (int r = 0; r < 16; r++)
			if (w->proc[p].seg[r] == k)
				al[n++] =
				    (struct lnx_alias){p, slot_addr(w, p, r)};
	}
	if (w->kmap & (1u << k))
		al[n++] =
		    (struct lnx_alias){LNX_KPROC, slot_addr(w, LNX_KPROC, k)};
	if (w->seg[k].kva) /* a kernel segment in the shim's kernel space */
		al[n++] = (struct lnx_alias){
		    LNX_SELF, (uint64_t)(uintptr_t)w->seg[k].kva};
	return n;
}

static int release(xmc_world *w, int c, int slot);

/* First byte of a mapping of segment geometry (npages, high) in a slot. */
static uint64_t map_addr(xmc_world *w, int c, int slot, int npages, int high)
{
	uint32_t first = high ? XMC_SEG_PAGES - (uint32_t)npages : 0;
	return slot_addr(w, c, slot) + (uint64_t)first * LNX_PG;
}

/* Posts a ZAP of page i of a mapping at a: the page leaves the alias.
 * Its memfd page must be in the page cache (lnx_fill), or the access
 * would be a missing-page fault that allocates one, not refused. */
static int post_zap(xmc_world *w, int c, int k, uint64_t a, int i)
{
	struct lnx_req rq = {.op = LNX_OP_ZAP, .npages = 1};
	rq.addr = a + (uint64_t)i * LNX_PG;
	if (lnx_fill(w, k) < 0)
		return -1;
	lnx_owe(w, c, rq.addr, LNX_PG, 0);
	return lnx_post(w, c, &rq, -1);
}

/* A parked mapping of segment k as the tables want it now: claimed, and
 * each page brought from the state it was left in to the wanted one:
 * protections first (no PTE is there to change), then the PTEs the reset's
 * hole punch took are owed to the visible pages (lnx_pay installs them at
 * the child's next barrier, with no request and no flush). */
static int reclaim(xmc_world *w, int c, int slot, int k)
{
	struct lnx_slotmap *m = &w->ch[c].sm[slot];
	struct lnx_seg *s = &w->seg[k];
	uint64_t a = map_addr(w, c, slot, s->npages, s->first != 0);
	int rc = 0;
	m->parked = 0;
	w->ch[c].nparked--;
	for (int i = 0; i < s->npages; i++) {
		struct lnx_req rq = {.op = LNX_OP_PROT, .npages = 1};
		uint8_t want = alias_prot(w, &s->pg[i]);
		int zap = w->use_uffd && !lnx_visible(&s->pg[i]);
		int absent = (m->absent >> i) & 1;
		rq.addr = a + (uint64_t)i * LNX_PG;
		rq.prot[0] = want;
		if (m->prot[i] != want && lnx_post(w, c, &rq, -1) < 0)
			rc = -1;
		if (absent && !zap)
			lnx_owe(w, c, rq.addr, LNX_PG, 1);
		if (absent && zap && lnx_fill(w, k) < 0)
			rc = -1; /* no PTE, and a fault must be refused */
		if (!absent && zap && post_zap(w, c, k, a, i) < 0)
			rc = -1;
	}
	return rc;
}

int lnx_map_slot(xmc_world *w, int c, int slot, int k)
{
	struct lnx_seg *s = &w->seg[k];
	struct lnx_slotmap *m = &w->ch[c].sm[slot];
	if (m->parked && m->reuse && m->k == k && m->npages == s->npages &&
	    m->high == (s->first != 0))
		return reclaim(w, c, slot, k);
	if (m->k >= 0 && release(w, c, slot) < 0) /* another geometry */
		return -1;
	struct lnx_req rq = {.op = LNX_OP_MAP, .npages = (uint32_t)s->npages};
	rq.k = (uint32_t)k;
	rq.addr = map_addr(w, c, slot, s->npages, s->first != 0);
	rq.foff = s->foff;
	rq.uffd = (uint8_t)w->use_uffd;
	uint16_t owe = 0;
	int hidden = 0;
	for (int i = 0; i < s->npages; i++) {
		rq.prot[i] = alias_prot(w, &s->pg[i]);
		if (lnx_visible(&s->pg[i]))
			owe |= (uint16_t)(1u << i);
		else
			hidden = 1;
	}
	*m = (struct lnx_slotmap){.k = (int8_t)k,
				  .npages = (uint8_t)s->npages,
				  .high = s->first != 0};
	if (w->use_uffd && hidden && lnx_fill(w, k) < 0)
		return -1; /* a hidden page must be in the page cache */
	if (lnx_post(w, c, &rq, s->fd) < 0)
		return -1;
	if (w->use_uffd) /* installed by lnx_pay once the child mapped it */
		lnx_owe(w, c, rq.addr, (uint64_t)s->npages * LNX_PG, 1);
	m->owe &= owe;
	return 0;
}

/* Re-reserves what slot holds (its own geometry: the segment table may
 * describe another program's segment k by now). */
static int release(xmc_world *w, int c, int slot)
{
	struct lnx_slotmap *m = &w->ch[c].sm[slot];
	struct lnx_req rq = {.op = LNX_OP_UNMAP, .npages = m->npages};
	if (m->k < 0)
		return 0;
	rq.addr = map_addr(w, c, slot, m->npages, m->high);
	if (m->parked)
		w->ch[c].nparked--;
	*m = (struct lnx_slotmap){.k = -1};
	return lnx_post(w, c, &rq, -1);
}

int lnx_unmap_slot(xmc_world *w, int c, int slot, int k)
{
	(void)k;
	return release(w, c, slot);
}

void lnx_park(xmc_world *w, int c)
{
	for (int r = 0; r < 16; r++) {
		struct lnx_slotmap *m = &w->ch[c].sm[r];
		const struct lnx_seg *s = m->k >= 0 ? &w->seg[m->k] : NULL;
		if (!s || m->parked)
			continue; /* empty, or parked since an earlier reset */
		m->parked = 1;
		m->reuse = !s->deleted;
		m->absent = 0;
		m->owe = 0; /* the reset's hole punch drops every PTE */
		for (int i = 0; i < m->npages; i++) {
			m->prot[i] = alias_prot(w, &s->pg[i]);
			if (w->use_uffd && !lnx_visible(&s->pg[i]))
				m->absent |= (uint16_t)(1u << i);
		}
		w->ch[c].nparked++;
	}
}

/* The reset punched the pages of the segments in `zapped`: their parked
 * mappings keep their VMAs but no PTE (in userfaultfd mode a hidden page;
 * without it an ordinary fault). Those of the segments in `lost` (their
 * restore failed) may still have PTEs: never claimed, only unmapped. */
void lnx_park_zapped(xmc_world *w, int c, uint32_t zapped, uint32_t lost)
{
	for (int r = 0; r < 16; r++) {
		struct lnx_slotmap *m = &w->ch[c].sm[r];
		if (!m->parked || m->k < 0)
			continue;
		if (w->use_uffd && ((zapped >> m->k) & 1))
			m->absent = (uint16_t)((1u << m->npages) - 1);
		if ((lost >> m->k) & 1)
			m->reuse = 0;
	}
}

/* Page(s) [addr, +len) of a slot mapping of child c get their PTE at the
 * child's next barrier (owe = 1), or no longer (owe = 0: a ZAP for them
 * follows). Paid in lnx_pay, after the child has done its requests. */
void lnx_owe(xmc_world *w, int c, uint64_t addr, uint64_t len, int owe)
{
	struct lnx_child *ch = &w->ch[c];
	int r = (int)((addr - ch->base) / LNX_SLOT);
	struct lnx_slotmap *m = &ch->sm[r];
	uint64_t a = map_addr(w, c, r, m->npages, m->high);
	uint32_t i = (uint32_t)((addr - a) / LNX_PG);
	uint32_t n = (uint32_t)(len / LNX_PG);
	uint16_t bits = (uint16_t)(((1u << n) - 1) << i);
	w->kgen++;
	if (!owe) {
		m->owe &= (uint16_t)~bits;
		return;
	}
	m->owe |= bits;
	ch->nowe = 1;
}

/* UFFDIO_CONTINUE of [a, +len), going on past pages that have a PTE; a
 * run over several VMAs (pages of other protections) is done page by
 * page, as one call stays in one VMA (ENOENT otherwise). */
static int cont_range(xmc_world *w, int uffd, uint64_t a, uint64_t len)
{
	while (len) {
		struct uffdio_continue ct = {.range = {a, len}};
		if (ioctl(uffd, UFFDIO_CONTINUE, &ct) == 0)
			return 0;
		if (errno == ENOENT && len > LNX_PG) {
			for (uint64_t o = 0; o < len; o += LNX_PG)
				if (cont_range(w, uffd, a + o, LNX_PG) < 0)
					return -1;
			return 0;
		}
		uint64_t done = errno == EAGAIN && ct.mapped > 0
				    ? (uint64_t)ct.mapped
				    : errno == EEXIST ? LNX_PG : 0;
		if (!done) {
			lnx_complain(w, "UFFDIO_CONTINUE", errno);
			return -1;
		}
		a += done;
		len -= done < len ? done : len;
	}
	return 0;
}

/* The PTEs child c's slots owe, installed by the shim itself with
 * UFFDIO_CONTINUE on the child's userfaultfd once the child has done its
 * requests (lnx_barrier): the child's address space is not loaded, so it
 * costs neither a TLB flush nor a round trip, and only programs that
 * look at a mapping pay for its PTEs. */
int lnx_pay(xmc_world *w, int c)
{
	struct lnx_child *ch = &w->ch[c];
	int rc = 0;
	for (int r = 0; r < 16; r++) {
		struct lnx_slotmap *m = &ch->sm[r];
		uint64_t a = map_addr(w, c, r, m->npages, m->high);
		if (!m->owe || w->seg[m->k].deleted) {
			m->owe = 0; /* a deleted segment's pages are gone */
			continue;
		}
		if (lnx_fill(w, m->k) < 0)
			rc = -1;
		for (int i = 0; i < m->npages;) {
			int j = i;
			while (j < m->npages && ((m->owe >> j) & 1))
				j++;
			if (j > i && cont_range(w, ch->uffd, a + (uint64_t)i * LNX_PG,
						(uint64_t)(j - i) * LNX_PG) < 0)
				rc = -1;
			i = j + 1;
		}
		m->owe = 0;
	}
	ch->nowe = 0;
	w->kgen++;
	return rc;
}

void lnx_flush_parked(xmc_world *w, int c)
{
	for (int r = 0; r < 16 && w->ch[c].nparked; r++)
		if (w->ch[c].sm[r].parked)
			release(w, c, r);
}

/* Brings one alias of a page in step; see the file comment. */
static int enact_one(xmc_world *w, const struct lnx_alias *al, int k,
		     const struct lnx_page *pg, uint32_t page, int prot_changed)
{
	struct lnx_req rq = {.npages = 1};
	if (al->c == LNX_SELF)
		return lnx_kenact(w, k, page);
	rq.addr = al->slot + (uint64_t)page * LNX_PG;
	if (prot_changed || !w->use_uffd) {
		rq.op = LNX_OP_PROT;
		rq.prot[0] = alias_prot(w, pg);
		return lnx_post(w, al->c, &rq, -1);
	}
	if (lnx_visible(pg)) {
		lnx_owe(w, al->c, rq.addr, LNX_PG, 1);
		return 0;
	}
	if (lnx_fill(w, k) < 0)
		return -1;
	lnx_owe(w, al->c, rq.addr, LNX_PG, 0);
	rq.op = LNX_OP_ZAP;
	return lnx_post(w, al->c, &rq, -1);
}

int lnx_enact(xmc_world *w, int k, uint32_t page, int prot_changed)
{
	struct lnx_alias al[LNX_MAX_ALIAS];
	struct lnx_page *pg = lnx_pg(&w->seg[k], page);
	int n = lnx_aliases(w, k, al), rc = 0;
	for (int i = 0; i < n; i++)
		if (enact_one(w, &al[i], k, pg, page, prot_changed) < 0)
			rc = -1;
	return rc;
}

#ifndef LNX_MUTANT
#define LNX_MUTANT 0 /* 1: the planted bug linux-skip-alias (Makefile) */
#endif

/* The first hide of a page (power): it leaves every alias. */
int lnx_enact_hide(xmc_world *w, int k, uint32_t page)
{
	struct lnx_alias al[LNX_MAX_ALIAS];
	struct lnx_page *pg = lnx_pg(&w->seg[k], page);
	int n = lnx_aliases(w, k, al), rc = 0;
#if LNX_MUTANT == 1
	if (n > 1) /* planted bug: later mappings of the segment stay readable */
		n = 1;
#endif
	for (int i = 0; i < n; i++)
		if (enact_one(w, &al[i], k, pg, page, 0) < 0)
			rc = -1;
	return rc;
}

int lnx_page_in(xmc_world *w, int k, uint32_t page)
{
	struct lnx_page *pg = lnx_pg(&w->seg[k], page);
	pg->in_memory = 1;
	pg->modified = 0;
	pg->frame = w->next_frame++;
	return lnx_enact(w, k, page, 0);
}

/* An alias of segment k, preferring the current process's region. */
static int pick_alias(xmc_world *w, int k, int region, uint64_t *slot)
{
	if (w->proc[w->cur].seg[region] == k) {
		*slot = slot_addr(w, w->cur, region);
		return w->cur;
	}
	if (w->seg[k].kva) { /* kernel space: the shim's own mapping */
		*slot = (uint64_t)(uintptr_t)w->seg[k].kva;
		return LNX_SELF;
	}
	struct lnx_alias al[LNX_MAX_ALIAS];
	if (lnx_aliases(w, k, al) > 0) {
		*slot = al[0].slot;
		return al[0].c;
	}
	/* mapped nowhere: the kernel helper attaches it (slot k); images
	 * never get here (regions 1 and 2 stay mapped) */
	if (k >= XMC_MAX_SEGS || lnx_map_slot(w, LNX_KPROC, k, k) < 0)
		return -1;
	w->kmap |= 1u << k;
	*slot = slot_addr(w, LNX_KPROC, k);
	return LNX_KPROC;
}

static ssize_t pvm(pid_t pid, struct iovec *l, struct iovec *r, int n, int out)
{
	return out ? process_vm_writev(pid, l, 1, r, (unsigned long)n, 0)
		   : process_vm_readv(pid, l, 1, r, (unsigned long)n, 0);
}

int lnx_copy(xmc_world *w, const struct lnx_piece *pc, int n, void *kbuf,
	     int out)
{
	struct iovec rv[2];
	int c[2];
	char *kb = kbuf;
	w->kgen++; /* a copy may populate PTEs (mprotect mode) */
	for (int i = 0; i < n; i++) {
		uint64_t slot;
		c[i] = pick_alias(w, pc[i].k, pc[i].region, &slot);
		if (c[i] == LNX_SELF) /* the shim's kernel space: no child */
			c[i] = LNX_NCHILD;
		else if (c[i] < 0 || lnx_barrier(w, c[i]) < 0)
			return -1;
		rv[i].iov_base = (void *)(uintptr_t)(slot + pc[i].off);
		rv[i].iov_len = pc[i].len;
	}
	for (int i = 0; i < n;) {
		int m = i + 1 < n && c[i + 1] == c[i] ? 2 : 1; /* one call */
		size_t want = rv[i].iov_len + (m == 2 ? rv[i + 1].iov_len : 0);
		struct iovec l = {kb, want};
		pid_t pid = c[i] == LNX_NCHILD ? getpid() : w->ch[c[i]].pid;
		ssize_t got = pvm(pid, &l, &rv[i], m, out);
		if (got != (ssize_t)want) {
			lnx_complain(w, "process_vm copy came up short",
				     got < 0 ? errno : EFAULT);
			return -1;
		}
		kb += want;
		i += m;
	}
	return 0;
}

/* PROCMAP_QUERY: page `page` of segment k must be a shared mapping of the
 * segment's memfd at the right offset. Falls back to a 1-byte probe. */
int lnx_vma_check(xmc_world *w, int c, uint64_t addr, int k, uint32_t page)
{
	struct lnx_seg *s = &w->seg[k];
	int maps = c == LNX_SELF ? w->maps_self : w->ch[c].maps;
	pid_t pid = c == LNX_SELF ? getpid() : w->ch[c].pid;
	if (c != LNX_SELF && lnx_barrier(w, c) < 0)
		return -1;
	if (!w->have_pmq || maps < 0) {
		const struct lnx_page *pg = lnx_pg(s, page);
		char b;
		struct iovec l = {&b, 1}, r = {(void *)(uintptr_t)addr, 1};
		if (!lnx_visible(pg) || pg->prot == XMC_PROT_NONE)
			return 0; /* a probe cannot tell */
		return process_vm_readv(pid, &l, 1, &r, 1, 0) == 1 ? 0 : -1;
	}
	struct procmap_query q;
	memset(&q, 0, sizeof q);
	q.size = sizeof q;
	q.query_addr = addr;
	if (ioctl(maps, PROCMAP_QUERY, &q) < 0)
		return -1;
	uint64_t want = (uint64_t)(page - s->first + s->foff) * LNX_PG;
	return (q.vma_flags & PROCMAP_QUERY_VMA_SHARED) && q.inode == s->ino &&
		       q.vma_offset + (addr - q.vma_start) == want
		   ? 0
		   : -1;
}

int lnx_pmq_works(xmc_world *w)
{
	struct procmap_query q;
	if (w->ch[0].maps < 0)
		return 0;
	memset(&q, 0, sizeof q);
	q.size = sizeof q;
	q.query_addr = w->ch[0].base; /* the window reservation */
	return ioctl(w->ch[0].maps, PROCMAP_QUERY, &q) == 0;
}

ssize_t lnx_probe(xmc_world *w, int pid, xmc_caddr addr, void *buf, size_t len)
{
	if (pid < 0 || pid >= XMC_MAX_PROCS || lnx_barrier(w, pid) < 0)
		return -1;
	struct iovec l = {buf, len};
	struct iovec r = {(void *)(uintptr_t)(w->ch[pid].base + addr), len};
	return process_vm_readv(w->ch[pid].pid, &l, 1, &r, 1, 0);
}

static int xcheck_alias(xmc_world *w, const struct lnx_alias *al,
			const struct lnx_seg *s)
{
	int bad = 0;
	pid_t pid = al->c == LNX_SELF ? getpid() : w->ch[al->c].pid;
	if (al->c != LNX_SELF && lnx_barrier(w, al->c) < 0)
		return 1;
	for (int i = 0; i < s->npages; i++) {
		const struct lnx_page *pg = &s->pg[i];
		int want = lnx_visible(pg) && pg->prot != XMC_PROT_NONE;
		uint8_t b[64], real[64];
		off_t o = (off_t)(s->foff + (uint32_t)i) * LNX_PG;
		uint64_t a =
		    al->slot + (uint64_t)(s->first + (uint32_t)i) * LNX_PG;
		struct iovec l = {b, sizeof b},
			     r = {(void *)(uintptr_t)a, sizeof b};
		ssize_t got = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if ((got == (ssize_t)sizeof b) != want ||
		    (want && (pread(s->fd, real, sizeof real, o) !=
				  (ssize_t)sizeof real ||
			      memcmp(b, real, sizeof b)))) {
			fprintf(stderr,
				"xcheck: child %d page %u: probe %zd, "
				"shim says %s\n",
				al->c, s->first + (uint32_t)i, got,
				want ? "addressable" : "not addressable");
			bad++;
		}
	}
	return bad;
}

int lnx_xcheck(xmc_world *w)
{
	int bad = 0;
	for (int k = 0; k < XMC_NSEGS; k++) {
		struct lnx_alias al[LNX_MAX_ALIAS];
		if (!w->seg[k].created || w->seg[k].deleted)
			continue;
		int n = lnx_aliases(w, k, al);
		for (int i = 0; i < n; i++)
			bad += xcheck_alias(w, &al[i], &w->seg[k]);
	}
	return bad;
}

/*
 * world.c - lifecycle (create, reset, destroy, capabilities) and the world
 * steps on processes and segments.
 *
 * Children are forked once in create and live until destroy (or until the
 * world is used in a forked process: rehome); reset parks their slot
 * mappings, zeroes the memfds in place by punching holes (which drops
 * every PTE on them without a TLB flush) and clears the shim's tables, so
 * a program costs no fork, no memfd and no PTE it does not look at.
 */
#include "lnx_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const char lnx_probe_byte = 'x'; /* read back from a child */

/* ---- a world used after fork() ----
 * A world made before a fork() and used in the child (AFL++'s fork server
 * starts after LLVMFuzzerInitialize made the worlds, and every persistent
 * process it forks runs thousands of programs) must not drive the
 * parent's helper children: their slots are what the last forked process
 * left, not what its tables say, and its /proc/self descriptors (pagemap,
 * maps) read the parent, so pins it made were "not mlocked" to the kernel
 * check. The first reset in the new process gives the world children,
 * pool entries and /proc/self descriptors of its own. */
unsigned lnx_forks;

static void on_fork(void)
{
	lnx_forks++;
}

static void atfork_once(void)
{
	pthread_atfork(NULL, NULL, on_fork);
}

static pthread_once_t lnx_atfork = PTHREAD_ONCE_INIT;

static void proc_init(struct lnx_proc *p, int exists)
{
	static const uint32_t fixed[16] = {[0] = 0x007f0000u,
					   [1] = 0x007f0001u,
					   [2] = 0x007f0002u,
					   [14] = 0x007f000eu};
	p->exists = exists;
	p->adsp.alloc = LNX_FIXED_REGIONS;
	for (int r = 0; r < 16; r++) {
		p->adsp.srval[r] = fixed[r] ? fixed[r] : XMC_NULLSEGVAL;
		p->seg[r] = -1;
	}
}

static void state_init(xmc_world *w)
{
	w->nsegs = 0;
	w->cur = 0;
	w->intr = 0;
	w->kmap = 0;
	w->next_frame = LNX_FRAME0;
	for (int p = 0; p < XMC_MAX_PROCS; p++)
		proc_init(&w->proc[p], p == 0);
	for (int k = 0; k < XMC_NSEGS; k++) { /* the pool entry stays */
		struct lnx_seg *s = &w->seg[k];
		if (!s->created)
			continue; /* untouched since the last reset */
		int fd = s->fd, filled = s->filled;
		uint8_t *base = s->base;
		uint64_t ino = s->ino;
		memset(s, 0, sizeof *s);
		s->fd = fd;
		s->base = base;
		s->ino = ino;
		s->filled = filled;
	}
}

static void seg_release(struct lnx_seg *s)
{
	if (s->base)
		munmap(s->base, (size_t)XMC_OBJ_PAGES * LNX_PG);
	if (s->fd >= 0)
		close(s->fd);
	s->base = s->real = NULL;
	s->fd = -1;
}

/* Pins the caller and (by inheritance) the children to its current CPU. */
static void pin_cpu(xmc_world *w)
{
	cpu_set_t one;
	int cpu = sched_getcpu();
	if (cpu < 0 || sched_getaffinity(0, sizeof w->oldmask, &w->oldmask))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	w->cpu_pinned = sched_setaffinity(0, sizeof one, &one) == 0;
}

static int probe_pvm(xmc_world *w, char *err, size_t errlen)
{
	char b = 0;
	struct iovec l = {&b, 1}, r = {(void *)&lnx_probe_byte, 1};
	if (process_vm_readv(w->ch[0].pid, &l, 1, &r, 1, 0) == 1 &&
	    b == lnx_probe_byte)
		return 0;
	snprintf(err, errlen,
		 "linux: process_vm_readv on a child refused "
		 "(%s): the shim cannot reach user memory",
		 strerror(errno));
	return -1;
}

static void probe_pin(xmc_world *w)
{
	void *p = mmap(NULL, LNX_PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED && lnx_sys_mlock(p, LNX_PG, 1) == 0) {
		lnx_sys_mlock(p, LNX_PG, 0);
		munmap(p, LNX_PG);
		return;
	}
	snprintf(w->pin_why, sizeof w->pin_why,
		 "mlock refused (%s): RLIMIT_MEMLOCK without CAP_IPC_LOCK",
		 strerror(errno));
	if (p != MAP_FAILED)
		munmap(p, LNX_PG);
	w->caps &= ~(uint32_t)(XMC_CAP_PIN | XMC_CAP_DMA_DEVICE);
}

static int probe_mechanisms(xmc_world *w, char *err, size_t errlen)
{
	w->caps = LNX_CAPS;
	probe_pin(w);
	return lnx_features_probe(w, err, errlen);
}

static int pool_create(struct lnx_seg *s);

/* What any program may need, made before the first one (and again when a
 * child was restarted): every pool entry, the children's copies of the
 * user and image memfds, the kernel space. A program then takes the same
 * paths whatever ran before it in this process (AFL++ calibrates an input
 * by running it again: a first use would differ) and pays none of it. */
static void prime(xmc_world *w)
{
	if (w->fresh) /* its reset closes them all */
		return;
	for (int k = 0; k < XMC_NSEGS; k++)
		if (w->seg[k].fd < 0 && pool_create(&w->seg[k]) < 0) {
			lnx_complain(w, "memfd segment", errno);
			seg_release(&w->seg[k]); /* made when needed */
		}
	for (int c = 0; c < LNX_NCHILD; c++) {
		for (int k = 0; k < XMC_SEG_KERN(0) && !w->ch[c].broken; k++)
			if (w->seg[k].fd >= 0)
				lnx_give_fd(w, c, k);
		if (!w->ch[c].broken)
			lnx_barrier(w, c);
	}
	lnx_kwin(w);
}

xmc_world *lnx_create(const struct xmc_config *cfg, char *err, size_t errlen)
{
	if (!cfg || (cfg->profile != XMC_PROFILE_POWER &&
		     cfg->profile != XMC_PROFILE_POWERPC)) {
		snprintf(err, errlen, "linux: unknown profile");
		return NULL;
	}
	xmc_world *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "linux: out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	const char *fr = getenv("XMCHECK_LINUX_FRESH");
	const char *se = getenv("XMCHECK_LINUX_SETTLE");
	w->fresh = fr && *fr && *fr != '0';
	w->settle = se && *se && *se != '0';
	for (int k = 0; k < XMC_NSEGS; k++)
		w->seg[k].fd = -1;
	for (int c = 0; c < LNX_NCHILD; c++)
		w->ch[c].sock = w->ch[c].uffd = w->ch[c].maps =
		    w->ch[c].pagemap = -1;
	w->pm_self = w->kpf = w->maps_self = -1;
	pthread_once(&lnx_atfork, atfork_once);
	w->forks = lnx_forks;
	state_init(w);
	pin_cpu(w);
	for (int c = 0; c < LNX_NCHILD; c++)
		if (lnx_child_start(w, c, err, errlen) < 0) {
			lnx_destroy(w);
			return NULL;
		}
	if (probe_pvm(w, err, errlen) < 0 ||
	    probe_mechanisms(w, err, errlen) < 0) {
		lnx_destroy(w);
		return NULL;
	}
	prime(w);
	return w;
}

/* Fresh worlds (XMCHECK_LINUX_FRESH): every slot re-reserved, the
 * child's cached memfds closed; nothing waits, the next barrier drains. */
static void reset_child_fresh(xmc_world *w, int c)
{
	struct lnx_req rq = {.op = LNX_OP_RESET};
	if (w->ch[c].broken)
		return;
	for (int r = 0; r < 16; r++)
		lnx_unmap_slot(w, c, r, -1);
	if (w->ch[c].fds)
		lnx_post(w, c, &rq, -1);
}

/* Every page of a pool entry zero, and no PTE on it left anywhere: the
 * hole punched (or the truncated size restored) drops the pages and every
 * process's PTEs on them. Why not memset: the PTEs a program's mappings
 * had must go before its parked slots are claimed or unmapped, and a PTE
 * zapped by the child itself costs a TLB flush per page (about 3 us each
 * on this PVM guest); zapped through the file by the shim, the children's
 * address spaces are not loaded and no flush is needed. The shim's own
 * mapping holds PTEs only where it pins (pages.c reads and writes through
 * the file). The pages come back when needed (lnx_fill). */
static int pool_zero(struct lnx_seg *s, int truncated)
{
	s->filled = 0;
	if (truncated)
		return ftruncate(s->fd, (off_t)XMC_OBJ_PAGES * LNX_PG);
	/* only the program's defined pages can have been given pages */
	return fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)s->foff * LNX_PG, (off_t)s->npages * LNX_PG);
}

/* Every defined page of segment k in the page cache (zero where it was
 * a hole). Needed before a page leaves an alias (userfaultfd MINOR mode
 * refuses a fault only on a page the cache holds: on a hole the fault
 * would allocate one) and before UFFDIO_CONTINUE (which maps the cache's
 * page); a program that does neither never pays for it. */
int lnx_fill(xmc_world *w, int k)
{
	struct lnx_seg *s = &w->seg[k];
	if (s->filled || s->fd < 0 || s->deleted)
		return 0;
	if (fallocate(s->fd, 0, (off_t)s->foff * LNX_PG,
		      (off_t)s->npages * LNX_PG) < 0) {
		lnx_complain(w, "fallocate of a segment", errno);
		return -1;
	}
	s->filled = 1;
	return 0;
}

/* A segment's pool entry back as seg_new leaves it: nothing mlocked, every
 * page in memory and zero, no PTE in any process (pool_fill). */
static int seg_restore(xmc_world *w, struct lnx_seg *s)
{
	for (int i = 0; i < s->npages; i++)
		if (s->pg[i].pin_count &&
		    lnx_munlock(w, s->real + (size_t)i * LNX_PG) < 0)
			return -1;
	return pool_zero(s, s->deleted);
}

/* Reuse (the default): children keep their mappings, parked until a
 * program claims them or their next barrier (chan.c); segments are
 * restored in place. A pool entry that cannot be restored is dropped. */
static void reset_reuse(xmc_world *w)
{
	uint32_t zapped = 0, lost = 0; /* restored, failed */
	/* No request a child has not done yet makes a PTE (a MAP does not
	 * populate; PTEs are installed by the shim, lnx_pay), so the hole
	 * punch needs no wait for the children. */
	for (int c = 0; c < LNX_NCHILD; c++)
		if (!w->ch[c].broken)
			lnx_park(w, c);
	for (int k = 0; k < XMC_NSEGS; k++) {
		if (!w->seg[k].created || w->seg[k].fd < 0)
			continue;
		if (seg_restore(w, &w->seg[k]) == 0) {
			zapped |= 1u << k;
			continue;
		}
		lost |= 1u << k;
		lnx_complain(w, "restoring a segment", errno);
		for (int c = 0; c < LNX_NCHILD; c++) /* send anew */
			w->ch[c].fds &= ~(1u << k);
		seg_release(&w->seg[k]);
	}
	for (int c = 0; c < LNX_NCHILD; c++)
		if (!w->ch[c].broken)
			lnx_park_zapped(w, c, zapped, lost);
}

/* The world in a forked process: our copies of the parent's descriptors
 * and mappings go (the parent's children stay the parent's; they end with
 * it), and the children are started anew by lnx_reset (broken). */
static void rehome(xmc_world *w)
{
	for (int c = 0; c < LNX_NCHILD; c++) {
		struct lnx_child *ch = &w->ch[c];
		ch->pid = 0; /* not ours: never signalled nor waited for */
		lnx_child_stop(w, c);
		if (ch->ctl) /* shared with the parent's child: a new ring */
			munmap(ch->ctl, sizeof *ch->ctl);
		ch->ctl = NULL;
		ch->broken = 1;
	}
	lnx_kclose(w);
	for (int k = 0; k < XMC_NSEGS; k++) {
		seg_release(&w->seg[k]);
		memset(&w->seg[k], 0, sizeof w->seg[k]);
		w->seg[k].fd = -1;
	}
	lnx_features_reopen(w);
	w->forks = lnx_forks;
}

int lnx_reset(xmc_world *w)
{
	char err[160];
	int rc = 0;
	if (w->forks != lnx_forks)
		rehome(w);
	lnx_kreset(w); /* kernel mappings first: they name pool entries */
	if (w->fresh) {
		for (int c = 0; c < LNX_NCHILD; c++)
			reset_child_fresh(w, c);
		for (int k = 0; k < XMC_NSEGS; k++)
			seg_release(&w->seg[k]);
	} else {
		reset_reuse(w);
	}
	state_init(w);
	w->kgen++;
	w->lgen++;
	int restarted = 0;
	for (int c = 0; c < LNX_NCHILD; c++) {
		if (!w->ch[c].broken) { /* no wait: the next barrier drains */
			if (w->settle)
				lnx_settle(w, c);
			continue;
		}
		lnx_child_stop(w, c); /* restart a child that failed */
		restarted = 1;
		if (lnx_child_start(w, c, err, sizeof err) < 0) {
			fprintf(stderr, "xmcheck linux shim: %s\n", err);
			rc = -1;
		}
	}
	if (restarted)
		prime(w);
	return rc;
}

void lnx_destroy(xmc_world *w)
{
	if (!w)
		return;
	for (int c = 0; c < LNX_NCHILD; c++) {
		if (w->forks != lnx_forks)
			w->ch[c].pid = 0; /* the parent's: leave them be */
		lnx_child_stop(w, c);
		if (w->ch[c].ctl)
			munmap(w->ch[c].ctl, sizeof *w->ch[c].ctl);
	}
	lnx_kclose(w);
	for (int k = 0; k < XMC_NSEGS; k++)
		seg_release(&w->seg[k]);
	lnx_features_close(w);
	if (w->cpu_pinned)
		sched_setaffinity(0, sizeof w->oldmask, &w->oldmask);
	free(w);
}

uint32_t lnx_runtime_caps(xmc_world *w)
{
	return w->caps;
}

const char *lnx_cap_reason(xmc_world *w, uint32_t cap)
{
	if (cap == 0) /* not a capability: the optional kernel features */
		return lnx_features_text(w);
	if (w->caps & cap)
		return NULL;
	switch (cap) {
	case XMC_CAP_PAGER_IO:
		return "Linux shows user space no pager I/O state of a page "
		       "(no swap, page-cache locks are invisible)";
	case XMC_CAP_WAITERS:
		return "waiting processes need blocking userfaultfd faults and "
		       "a handler thread; this shim runs uffd in SIGBUS mode";
	case XMC_CAP_PIN: return w->pin_why;
	case XMC_CAP_DMA_DEVICE:
		return "device DMA needs pinned pages and mlock is refused";
	}
	return NULL;
}

int lnx_proc_new(xmc_world *w, int pid)
{
	if (pid < 1 || pid >= XMC_MAX_PROCS || w->proc[pid].exists ||
	    !w->proc[pid - 1].exists || w->ch[pid].broken)
		return -1;
	proc_init(&w->proc[pid], 1); /* its child runs, window empty */
	return 0;
}

int lnx_proc_switch(xmc_world *w, int pid)
{
	if (pid < 0 || pid >= XMC_MAX_PROCS || !w->proc[pid].exists)
		return -1;
	w->cur = pid;
	return 0;
}

/* A pool entry: a memfd of XMC_OBJ_PAGES pages, zero (pool_zero), and
 * the parent's mapping of it (for mlock; it holds no PTE but on pinned
 * pages). */
static int pool_create(struct lnx_seg *s)
{
	size_t len = (size_t)XMC_OBJ_PAGES * LNX_PG;
	struct stat st;
	s->fd = memfd_create("xmc-seg", MFD_CLOEXEC);
	if (s->fd < 0 || pool_zero(s, 1) < 0 || fstat(s->fd, &st) < 0)
		return -1;
	s->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->base == MAP_FAILED) {
		s->base = NULL;
		return -1;
	}
	s->ino = st.st_ino;
	return 0;
}

static int seg_create(xmc_world *w, struct lnx_seg *s, int npages, int high)
{
	if (s->fd < 0 && pool_create(s) < 0)
		return -1;
	s->created = 1;
	s->npages = npages;
	s->first = high ? XMC_SEG_PAGES - (uint32_t)npages : 0;
	s->foff = high ? XMC_OBJ_PAGES - (uint32_t)npages : 0;
	s->real = s->base + (size_t)s->foff * LNX_PG;
	for (int i = 0; i < npages; i++)
		s->pg[i] =
		    (struct lnx_page){.in_memory = 1, .frame = w->next_frame++};
	return 0;
}

/* Segment index k made (user, image or kernel); on failure nothing is. */
int lnx_seg_create(xmc_world *w, int k, int npages, int high)
{
	struct lnx_seg *s = &w->seg[k];
	if (npages < 1 || npages > (int)XMC_OBJ_PAGES)
		return -1;
	if (seg_create(w, s, npages, high) < 0) {
		lnx_complain(w, "memfd segment", errno);
		seg_release(s);
		memset(s, 0, sizeof *s);
		s->fd = -1;
		for (int c = 0; c < LNX_NCHILD; c++)
			w->ch[c].fds &= ~(1u << k); /* stale memfd */
		return -1;
	}
	w->kgen++;
	w->lgen++;
	return 0;
}

int lnx_seg_new(xmc_world *w, uint32_t sid, int npages, int high)
{
	if (sid != XMC_SID(w->nsegs) || w->nsegs >= XMC_MAX_SEGS ||
	    lnx_seg_create(w, w->nsegs, npages, high) < 0)
		return -1;
	w->nsegs++;
	return 0;
}

/* The segment goes away: its memfd is truncated to 0 under every mapping
 * (any access then faults); the regions keep their registers. The truncate
 * acts on the children's mappings directly, so the requests they have not
 * done yet (a UFFDIO_CONTINUE needs the page) go first. */
void lnx_seg_do_delete(xmc_world *w, int k)
{
	struct lnx_seg *s = &w->seg[k];
	for (int c = 0; c < LNX_NCHILD; c++)
		if (!w->ch[c].broken && w->ch[c].pid > 0)
			lnx_barrier(w, c);
	w->kgen++;
	w->lgen++;
	s->deleted = 1;
	s->pending = 0;
	/* the parent's mapping stays (pool); nothing reads a deleted one */
	if (ftruncate(s->fd, 0) < 0)
		lnx_complain(w, "ftruncate on delete", errno);
}

int lnx_seg_delete(xmc_world *w, uint32_t sid)
{
	int k;
	struct lnx_seg *s = lnx_seg_of(w, sid, &k);
	if (!s || k >= XMC_MAX_SEGS || s->deleted || s->pending)
		return -1; /* images and kernel segments are never deleted */
	for (int i = 0; i < s->npages; i++)
		if (s->pg[i].pin_count)
			return -1;
	if (s->holds > 0)
		s->pending = 1; /* takes effect at the last as_puth (W9) */
	else
		lnx_seg_do_delete(w, k);
	return 0;
}

int lnx_map(xmc_world *w, int pid, int region, uint32_t sid, int key)
{
	int k;
	struct lnx_seg *s = lnx_seg_of(w, sid, &k);
	if (pid < 0 || pid >= XMC_MAX_PROCS || !w->proc[pid].exists)
		return -1;
	struct lnx_proc *p = &w->proc[pid];
	uint32_t bit = 0x80000000u >> (region & 15);
	if (region < 3 || region > 15 || region == 14 ||
	    (p->adsp.alloc & bit) || !s || k >= XMC_MAX_SEGS || s->deleted)
		return -1;
	if (lnx_map_slot(w, pid, region, k) < 0)
		return -1;
	p->adsp.alloc |= bit;
	p->adsp.srval[region] = XMC_SRVAL(sid, key);
	p->seg[region] = (int8_t)k;
	return 0;
}

int lnx_set_env(xmc_world *w, int interrupt)
{
	w->intr = interrupt != 0;
	return 0;
}

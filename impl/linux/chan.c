/*
 * chan.c - the forked children ("user processes" and the kernel helper) and
 * the request channel between the shim and them.
 *
 * A child owns a 4 GiB PROT_NONE window and a userfaultfd (passed to the
 * parent). The parent posts requests into a ring in memory shared with the
 * child, without waking it; a memfd goes once per segment over a
 * SOCK_SEQPACKET socket (SCM_RIGHTS) and the child caches it. Before the
 * parent touches a child's memory itself (process_vm_*, UFFDIO_CONTINUE,
 * PROCMAP_QUERY, a probe) it calls lnx_barrier(), which wakes the child
 * (futex) and waits until the ring is empty, so no observer can see the
 * world's state half enacted, and a run of posted requests costs one
 * context-switch pair. Parent and children share one CPU (cross-vCPU
 * wakeups cost ~53 us here).
 */
#include "lnx_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

/* The hello a child sends once its window and uffd are ready. */
struct lnx_hello {
	int32_t err;	  /* 0, or errno of the window reservation */
	int32_t has_uffd; /* 1 when a uffd fd rides along */
	int32_t uffd_err; /* errno of userfaultfd() when has_uffd is 0 */
};

static int send_with_fd(int s, const void *buf, size_t len, int fd)
{
	struct iovec io = {(void *)buf, len};
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1};

	if (fd >= 0) {
		memset(&cb, 0, sizeof cb);
		m.msg_control = cb.b;
		m.msg_controllen = sizeof cb.b;
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof fd);
	}
	ssize_t n;
	do
		n = sendmsg(s, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t recv_with_fd(int s, void *buf, size_t len, int *fd)
{
	struct iovec io = {buf, len};
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1};
	m.msg_control = cb.b;
	m.msg_controllen = sizeof cb.b;
	*fd = -1;
	ssize_t n;
	do
		n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(h), sizeof *fd);
	return n;
}

/* ---- child side ---- */

static int child_uffd(int *err)
{
	int u = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u < 0) /* unprivileged: kernel-mode faults then fail (SIGBUS) */
		u = (int)syscall(SYS_userfaultfd,
				 O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (u < 0) {
		*err = errno;
		return -1;
	}
	struct uffdio_api api = {.api = UFFD_API,
				 .features = UFFD_FEATURE_SIGBUS |
					     UFFD_FEATURE_MINOR_SHMEM};
	if (ioctl(u, UFFDIO_API, &api) < 0) {
		*err = errno;
		close(u);
		return -1;
	}
	return u;
}

static int prot_bits(uint8_t p)
{
	return p == XMC_PROT_RW	  ? PROT_READ | PROT_WRITE
	       : p == XMC_PROT_RO ? PROT_READ
				  : PROT_NONE;
}

static int child_reserve(uint64_t addr, uint64_t len)
{
	void *p = mmap((void *)(uintptr_t)addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		       -1, 0);
	return p == MAP_FAILED ? errno : 0;
}

/* The memfd of segment rq->k, sent along with the request (newfd). */
static int child_take_fd(const struct lnx_req *rq, int sock, int *fds)
{
	uint32_t k;
	int fd;
	if (rq->k >= XMC_NSEGS)
		return EINVAL;
	if (!rq->newfd)
		return 0;
	if (recv_with_fd(sock, &k, sizeof k, &fd) != sizeof k || fd < 0)
		return EBADF;
	if (fds[rq->k] >= 0)
		close(fds[rq->k]);
	fds[rq->k] = fd;
	return 0;
}

static int child_map(const struct lnx_req *rq, int sock, int *fds, int uffd)
{
	size_t len = (size_t)rq->npages * LNX_PG;
	char *a = (char *)(uintptr_t)rq->addr;
	int e = child_take_fd(rq, sock, fds);
	if (e || rq->npages > XMC_OBJ_PAGES)
		return e ? e : EINVAL;
	if (fds[rq->k] < 0)
		return EBADF;
	/* no MAP_POPULATE: the shim installs the PTEs it owes (lnx_pay) */
	if (mmap(a, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fds[rq->k], (off_t)rq->foff * LNX_PG) == MAP_FAILED)
		return errno;
	if (rq->uffd && uffd >= 0) {
		struct uffdio_register r = {.range = {rq->addr, len},
					    .mode = UFFDIO_REGISTER_MODE_MINOR};
		if (ioctl(uffd, UFFDIO_REGISTER, &r) < 0)
			return errno;
	}
	for (uint32_t i = 0; i < rq->npages; i++) {
		if (rq->prot[i] != XMC_PROT_RW &&
		    mprotect(a + i * LNX_PG, LNX_PG, prot_bits(rq->prot[i])) <
			0)
			return errno;
	}
	return 0;
}

/* The slots were unmapped by the UNMAP requests before this one. */
static int child_reset(int *fds)
{
	for (int k = 0; k < XMC_NSEGS; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
		fds[k] = -1;
	}
	return 0;
}

static int child_do(const struct lnx_req *rq, int sock, int *fds, int uffd,
		    uint64_t base)
{
	uint64_t len = (uint64_t)rq->npages * LNX_PG;
	void *a = (void *)(uintptr_t)rq->addr;
	if (rq->op != LNX_OP_RESET && rq->op != LNX_OP_FD &&
	    (rq->addr < base || rq->addr + len > base + LNX_WINDOW))
		return EFAULT;
	switch (rq->op) {
	case LNX_OP_MAP: return child_map(rq, sock, fds, uffd);
	case LNX_OP_UNMAP: return child_reserve(rq->addr, len);
	case LNX_OP_ZAP: return madvise(a, len, MADV_DONTNEED) < 0 ? errno : 0;
	case LNX_OP_PROT:
		return mprotect(a, len, prot_bits(rq->prot[0])) < 0 ? errno : 0;
	case LNX_OP_RESET: return child_reset(fds);
	case LNX_OP_FD: return child_take_fd(rq, sock, fds);
	}
	return EINVAL;
}

static long futex(_Atomic uint32_t *f, int op, uint32_t v,
		  const struct timespec *ts)
{
	return syscall(SYS_futex, f, op, v, ts, NULL, 0);
}

/* Sleeps until the parent posted past t (checked after announcing it). */
static void child_sleep(struct lnx_ctl *ctl, uint32_t t)
{
	atomic_store(&ctl->sleeping, 1);
	if (atomic_load(&ctl->head) == t)
		futex(&ctl->head, FUTEX_WAIT, t, NULL);
	atomic_store(&ctl->sleeping, 0);
}

static void child_loop(int sock, struct lnx_ctl *ctl, int uffd, uint64_t base)
{
	int fds[XMC_NSEGS];
	for (int k = 0; k < XMC_NSEGS; k++)
		fds[k] = -1;
	for (uint32_t t = atomic_load(&ctl->tail);;) {
		if (atomic_load(&ctl->head) == t) {
			child_sleep(ctl, t);
			continue;
		}
		const struct lnx_req *rq = &ctl->ring[t % LNX_RING];
		int e = child_do(rq, sock, fds, uffd, base);
		int32_t zero = 0;
		if (e && atomic_compare_exchange_strong(&ctl->err, &zero, e))
			atomic_store(&ctl->errop, rq->op);
		atomic_store(&ctl->tail, ++t);
		if (atomic_load(&ctl->head) == t && atomic_load(&ctl->waiting))
			futex(&ctl->tail, FUTEX_WAKE, 1, NULL); /* drained */
	}
}

/* ---- coverage (issue 11): children flush their gcov counters ---- begin
 * A child is forked from the harness and ends by a signal, never by exit(),
 * so a --coverage build (make coverage defines LNX_GCOV) would lose what it
 * counted. The child starts from zero (the parent's counts are the
 * parent's to write), and lnx_child_stop ends it with SIGTERM, whose handler
 * writes the counters (merged into the .gcda files) before _exit. */
#ifdef LNX_GCOV
void __gcov_dump(void);
void __gcov_reset(void);
static void child_gcov_exit(int sig)
{
	(void)sig;
	__gcov_dump();
	_exit(0);
}
#define LNX_STOP_SIGNAL SIGTERM
#else
#define LNX_STOP_SIGNAL SIGKILL
#endif
/* ---- coverage ---- end ---- */

/* ---- AFL++: a child's edges are not the input's ---- begin
 * Forked from an AFL++-instrumented harness, a child would count its
 * edges into the engine's shared coverage map, whenever it is scheduled:
 * how often it sleeps and wakes depends on timing, not on the input, and
 * AFL++ saw those edges as unstable. The child counts into a private map
 * instead. The symbols are AFL++'s runtime's, exported by its dynamic
 * list (afl-clang-fast), so dlsym finds them; a module may not declare
 * them (the instrumentation pass then renames its own). Elsewhere none
 * is found and nothing is done. */
static void child_private_coverage(void)
{
	uint8_t **area = dlsym(RTLD_DEFAULT, "__afl_area_ptr");
	const uint32_t *size = dlsym(RTLD_DEFAULT, "__afl_map_size");
	const uint32_t *last = dlsym(RTLD_DEFAULT, "__afl_final_loc");
	size_t n = 1u << 16;
	if (!area || !*area)
		return;
	if (size && *size > n)
		n = *size;
	if (last && (size_t)*last + 1 > n)
		n = (size_t)*last + 1;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		*area = p;
}
/* ---- AFL++ ---- end */

static void child_main(int sock, struct lnx_ctl *ctl, uint64_t base,
		       pid_t parent)
{
	struct lnx_hello h = {0, 0, 0};
	child_private_coverage();
#ifdef LNX_GCOV
	__gcov_reset();
	signal(SIGTERM, child_gcov_exit);
#endif
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_DUMPABLE, 1); /* process_vm_* and /proc/PID/maps */
	signal(SIGINT, SIG_IGN);   /* ^C is the harness's; we die with it */
	if (sock != 3) {
		dup2(sock, 3);
		sock = 3;
	}
	syscall(SYS_close_range, 4u, ~0u, 0u);
	void *p = mmap((void *)(uintptr_t)base, LNX_WINDOW, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			   MAP_FIXED_NOREPLACE,
		       -1, 0);
	if (p != (void *)(uintptr_t)base)
		h.err = p == MAP_FAILED ? errno : EEXIST;
	int uffd = h.err ? -1 : child_uffd(&h.uffd_err);
	h.has_uffd = uffd >= 0;
	if (send_with_fd(sock, &h, sizeof h, uffd) < 0 || h.err)
		_exit(1);
	child_loop(sock, ctl, uffd, base);
}

/* ---- parent side ---- */

static int hello(xmc_world *w, int c, char *err, size_t errlen)
{
	struct lnx_child *ch = &w->ch[c];
	struct timeval tv = {10, 0};
	struct lnx_hello h;
	int fd;
	setsockopt(ch->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ssize_t n = recv_with_fd(ch->sock, &h, sizeof h, &fd);
	if (n != (ssize_t)sizeof h || h.err) {
		snprintf(err, errlen,
			 "linux: child %d cannot reserve its "
			 "window at 0x%llx: %s",
			 c, (unsigned long long)ch->base,
			 n == (ssize_t)sizeof h ? strerror(h.err)
						: "no answer");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ch->uffd = h.has_uffd ? fd : -1;
	if (!h.has_uffd)
		snprintf(w->uffd_why, sizeof w->uffd_why,
			 "userfaultfd (MINOR shmem + SIGBUS features) "
			 "refused: %s",
			 strerror(h.uffd_err));
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)ch->pid);
	ch->maps = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/pagemap", (int)ch->pid);
	ch->pagemap = open(path, O_RDONLY | O_CLOEXEC);
	return 0;
}

int lnx_child_start(xmc_world *w, int c, char *err, size_t errlen)
{
	struct lnx_child *ch = &w->ch[c];
	int sv[2];
	if (!ch->ctl) {
		void *p = mmap(NULL, sizeof *ch->ctl, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "linux: mmap: %s",
				 strerror(errno));
			return -1;
		}
		ch->ctl = p;
	}
	memset(ch->ctl, 0, sizeof *ch->ctl);
	ch->fds = 0;
	ch->broken = 0;
	ch->nparked = 0;
	ch->nowe = 0;
	for (int r = 0; r < 16; r++)
		ch->sm[r] = (struct lnx_slotmap){.k = -1};
	ch->base = LNX_BASE + (uint64_t)c * LNX_STRIDE;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "linux: socketpair: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child_main(sv[1], ch->ctl, ch->base, parent);
		_exit(1);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		snprintf(err, errlen, "linux: fork: %s", strerror(errno));
		return -1;
	}
	ch->pid = pid;
	ch->sock = sv[0];
	return hello(w, c, err, errlen);
}

void lnx_child_stop(xmc_world *w, int c)
{
	struct lnx_child *ch = &w->ch[c];
	if (ch->sock >= 0)
		close(ch->sock);
	if (ch->uffd >= 0)
		close(ch->uffd);
	if (ch->maps >= 0)
		close(ch->maps);
	if (ch->pagemap >= 0)
		close(ch->pagemap);
	ch->sock = ch->uffd = ch->maps = ch->pagemap = -1;
	if (ch->pid > 0) {
		kill(ch->pid, LNX_STOP_SIGNAL);
		while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	ch->pid = 0;
}

/* Wakes the child if it sleeps; it then drains the ring. */
static void kick(struct lnx_child *ch)
{
	if (atomic_load(&ch->ctl->sleeping))
		futex(&ch->ctl->head, FUTEX_WAKE, 1, NULL);
}

static int child_dead(struct lnx_child *ch)
{
	pid_t r = waitpid(ch->pid, NULL, WNOHANG);
	if (r == ch->pid) {
		ch->pid = 0; /* reaped */
		return 1;
	}
	return r == 0 ? 0 : kill(ch->pid, 0) < 0;
}

/* Wakes the child and waits until it has done every request posted. */
static int drain(xmc_world *w, struct lnx_child *ch)
{
	struct lnx_ctl *t = ch->ctl;
	uint32_t head = atomic_load(&t->head);
	struct timespec ts = {0, 200 * 1000 * 1000};
	if (atomic_load(&t->tail) == head)
		return 0;
	atomic_store(&t->waiting, 1);
	kick(ch);
	for (uint32_t v; (v = atomic_load(&t->tail)) != head;) {
		if (futex(&t->tail, FUTEX_WAIT, v, &ts) < 0 &&
		    errno == ETIMEDOUT && child_dead(ch)) {
			ch->broken = 1;
			lnx_complain(w, "child vanished", ESRCH);
			return -1;
		}
	}
	atomic_store(&t->waiting, 0);
	return 0;
}

static int send_fd_once(xmc_world *w, struct lnx_child *ch, struct lnx_req *rq,
			int fd)
{
	rq->newfd = !(ch->fds & (1u << rq->k));
	if (!rq->newfd)
		return 0;
	if (send_with_fd(ch->sock, &rq->k, sizeof rq->k, fd) < 0) {
		ch->broken = 1;
		lnx_complain(w, "passing a memfd", errno);
		return -1;
	}
	ch->fds |= 1u << rq->k;
	return 0;
}

static int full(struct lnx_child *ch)
{
	return atomic_load(&ch->ctl->head) - atomic_load(&ch->ctl->tail) >=
	       LNX_RING;
}

int lnx_post(xmc_world *w, int c, struct lnx_req *rq, int fd)
{
	struct lnx_child *ch = &w->ch[c];
	if (ch->broken || ch->pid <= 0 || (full(ch) && drain(w, ch) < 0))
		return -1;
	if ((rq->op == LNX_OP_MAP || rq->op == LNX_OP_FD) &&
	    send_fd_once(w, ch, rq, fd) < 0)
		return -1;
	if (rq->op == LNX_OP_RESET)
		ch->fds = 0;
	uint32_t head = atomic_load(&ch->ctl->head);
	w->kgen++; /* Linux's view changes: kernel readings are stale */
	ch->ctl->ring[head % LNX_RING] = *rq;
	atomic_store(&ch->ctl->head, head + 1); /* publishes the request */
	return 0;
}

/* Child c holds segment k's memfd (sent now unless it has it). */
int lnx_give_fd(xmc_world *w, int c, int k)
{
	struct lnx_req rq = {.op = LNX_OP_FD, .k = (uint32_t)k};
	if (w->ch[c].fds & (1u << k))
		return 0;
	return lnx_post(w, c, &rq, w->seg[k].fd);
}

/* Child c has no request left and no slot parked (XMCHECK_LINUX_SETTLE:
 * the work a program leaves is done before the next one starts). */
int lnx_settle(xmc_world *w, int c)
{
	struct lnx_ctl *t = w->ch[c].ctl;
	if (!w->ch[c].nparked && atomic_load(&t->head) == atomic_load(&t->tail))
		return 0;
	return lnx_barrier(w, c);
}

int lnx_barrier(xmc_world *w, int c)
{
	struct lnx_child *ch = &w->ch[c];
	if (ch->nparked) /* nothing may see an unclaimed slot mapped */
		lnx_flush_parked(w, c);
	if (ch->broken || ch->pid <= 0 || drain(w, ch) < 0)
		return -1;
	int e = atomic_exchange(&ch->ctl->err, 0);
	if (e) {
		lnx_complain(w, "request in child failed", e);
		return -1;
	}
	return ch->nowe ? lnx_pay(w, c) : 0;
}

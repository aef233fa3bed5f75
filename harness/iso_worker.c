/*
 * iso_worker.c - the worker side of an isolated implementation: the
 * sandbox, the plug-in wrapped in a tap that notes the hook running (what a
 * crash is laid to), and the request loop that runs whole programs on a
 * one-implementation executor.
 *
 * Sandbox (unless --no-sandbox): no core files, killed with the harness
 * (PR_SET_PDEATHSIG), RLIMIT_CPU, RLIMIT_DATA at the data size after loading
 * plus --max-rss (not RLIMIT_AS: sanitizers and the Linux shim reserve
 * large windows), PR_SET_NO_NEW_PRIVS and a seccomp allow-list; a refused
 * call traps (SIGSYS) and the handler notes its number for the harness.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "exec_int.h"
#include "iso_int.h"

#define ISO_HOOK_NAME(h) #h,
const char *const iso_hook_names[ISO_NHOOKS] = {"executor",
						ISO_HOOKS(ISO_HOOK_NAME) "load"};

static struct iso_shm *S; /* the worker's shared memory */
static const struct xmc_plugin *real; /* the plug-in under test */

/* ---- the tap: every hook notes itself, then calls the plug-in ---- */
static inline void enter(int h)
{
	S->hook = S->last_hook = h;
}
static inline void leave(void)
{
	S->hook = ISO_H_none;
}
#define TAP(h, R, P, A)                 \
	static R tap_##h P              \
	{                               \
		enter(ISO_H_##h);       \
		R r_ = real->h A;       \
		leave();                \
		return r_;              \
	}
#define TAPV(h, P, A)                   \
	static void tap_##h P           \
	{                               \
		enter(ISO_H_##h);       \
		real->h A;              \
		leave();                \
	}
typedef xmc_world W;
typedef uint32_t U;
TAP(create, W *, (const struct xmc_config *c, char *e, size_t n), (c, e, n))
TAP(reset, int, (W * w), (w))
TAPV(destroy, (W * w), (w))
TAP(runtime_caps, U, (W * w), (w))
TAP(cap_reason, const char *, (W * w, U c), (w, c))
TAP(proc_new, int, (W * w, int p), (w, p))
TAP(proc_switch, int, (W * w, int p), (w, p))
TAP(seg_new, int, (W * w, U s, int n, int h), (w, s, n, h))
TAP(seg_delete, int, (W * w, U s), (w, s))
TAP(map, int, (W * w, int p, int g, U s, int k), (w, p, g, s, k))
TAP(protect, int, (W * w, U s, U g, int p), (w, s, g, p))
TAP(pin, int, (W * w, U s, U g), (w, s, g))
TAP(unpin, int, (W * w, U s, U g), (w, s, g))
TAP(page_out, int, (W * w, U s, U g), (w, s, g))
TAP(page_in, int, (W * w, U s, U g), (w, s, g))
TAP(io_error, int, (W * w, U s, U g, int o), (w, s, g, o))
TAP(pager_io, int, (W * w, U s, U g, int o), (w, s, g, o))
TAP(wait, int, (W * w, U s, U g), (w, s, g))
TAP(set_env, int, (W * w, int i), (w, i))
TAP(poke, int, (W * w, U s, U o, const void *b, U n), (w, s, o, b, n))
TAP(dma_read, int, (W * w, U s, U o, void *b, U n), (w, s, o, b, n))
TAP(dma_write, int, (W * w, U s, U o, const void *b, U n), (w, s, o, b, n))
TAP(clear_mod, int, (W * w, U s, U g), (w, s, g))
TAP(xmattach, int, (W * w, U a, int c, struct xmc_xmem *d, int f),
    (w, a, c, d, f))
TAP(xmdetach, int, (W * w, struct xmc_xmem *d), (w, d))
TAP(xmemin, int, (W * w, U u, void *k, int c, struct xmc_xmem *d),
    (w, u, k, c, d))
TAP(xmemout, int, (W * w, void *k, U u, int c, struct xmc_xmem *d),
    (w, k, u, c, d))
TAP(xmemdma, int, (W * w, struct xmc_xmem *d, U a, int f), (w, d, a, f))
TAP(as_att, U, (W * w, xmc_adspace *a, U h, U o), (w, a, h, o))
TAP(as_det, int, (W * w, xmc_adspace *a, U e), (w, a, e))
TAP(getadsp, xmc_adspace *, (W * w), (w))
TAP(as_geth, U, (W * w, xmc_adspace *a, U e), (w, a, e))
TAPV(as_puth, (W * w, xmc_adspace *a, U h), (w, a, h))
TAP(as_getsrval, U, (W * w, xmc_adspace *a, U e), (w, a, e))
TAP(page_state, int, (W * w, U s, U g, struct xmc_page_state *o),
    (w, s, g, o))
TAP(peek, int, (W * w, U s, U o, void *b, U n), (w, s, o, b, n))
TAP(probe, int, (W * w, int p, U a), (w, p, a))
TAP(seg_state, int, (W * w, U s, int *st, int *h), (w, s, st, h))
TAP(xmemdma64, uint64_t, (W * w, struct xmc_xmem *d, U a, int f), (w, d, a, f))
TAP(image, int, (W * w, int p, int n), (w, p, n))
TAP(kseg_new, int, (W * w, int j, int n), (w, j, n))

/* The tapped plug-in: a hook the plug-in lacks stays NULL. */
static void make_tap(struct xmc_plugin *t)
{
	*t = *real;
#define SET(h) t->h = real->h ? tap_##h : NULL;
	ISO_HOOKS(SET)
#undef SET
}

/* ---- loading a .so ---- */

/* A copy of a shorter (older) struct, zero-extended: missing hooks = NULL. */
static const struct xmc_plugin *adopt(const struct xmc_plugin *pl,
				      const char *path, char *err,
				      size_t errlen)
{
	if (pl->abi_version != XMC_ABI_VERSION)
		return snprintf(err, errlen, "%s: ABI version %u, expected %u",
				path, pl->abi_version, XMC_ABI_VERSION),
		       NULL;
	size_t n = pl->struct_size;
	if (n < offsetof(struct xmc_plugin, proc_new) ||
	    n > sizeof(struct xmc_plugin))
		return snprintf(err, errlen, "%s: bad struct_size %zu", path, n),
		       NULL;
	if (!pl->name || !pl->version)
		return snprintf(err, errlen, "%s: no name or version", path),
		       NULL;
	struct xmc_plugin *copy = calloc(1, sizeof *copy);
	if (!copy)
		return snprintf(err, errlen, "out of memory"), NULL;
	memcpy(copy, pl, n);
	return copy;
}

const struct xmc_plugin *hx_so_load(const char *path, char *err,
				    size_t errlen)
{
	char rel[4096];
	/* dlopen searches the library path for a name without a slash. */
	snprintf(rel, sizeof rel, "%s%s", strchr(path, '/') ? "" : "./", path);
	void *h = dlopen(rel, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return snprintf(err, errlen, "%s: cannot load: %s", path,
				dlerror()),
		       NULL;
	xmc_plugin_fn fn;
	*(void **)&fn = dlsym(h, XMC_PLUGIN_SYMBOL);
	const struct xmc_plugin *pl = fn ? fn() : NULL;
	if (!pl) {
		snprintf(err, errlen, fn ? "%s: %s() returned NULL"
					 : "%s: no symbol %s",
			 path, XMC_PLUGIN_SYMBOL);
		dlclose(h);
		return NULL;
	}
	/* The handle stays open for the life of the process. */
	return adopt(pl, path, err, errlen);
}

/* ---- the sandbox ---- */

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	S->sys_nr = si->si_syscall;
	raise(sig); /* SA_RESETHAND: the default action ends the worker */
}

/* Kilobytes of data segment (VmData) now, 0 when unknown. */
static uint64_t vm_data_kb(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *p = strstr(buf, "VmData:");
	return p ? strtoull(p + 7, NULL, 10) : 0;
}

static void limits(void)
{
	struct rlimit r = {0, 0};
	setrlimit(RLIMIT_CORE, &r);
	if (hx_iso_opts.no_sandbox)
		return;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); /* no setuid way out */
	/* A backstop for a hang the harness missed: generous CPU seconds. */
	r.rlim_cur = 600 + hx_iso_opts.refork / 100;
	r.rlim_max = r.rlim_cur + 5;
	setrlimit(RLIMIT_CPU, &r);
	uint64_t data = vm_data_kb();
	if (data && hx_iso_opts.max_rss) {
		/* Room for the executor too: 32 MiB above the plug-in's. */
		r.rlim_cur = r.rlim_max = data * 1024 + hx_iso_opts.max_rss +
					  (32u << 20);
		setrlimit(RLIMIT_DATA, &r);
	}
}

#define ALLOW(nr) seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(nr), 0)

/* The allow-list: files, memory, signals to itself, time, futexes. */
static int seccomp_setup(int children, char *err, size_t errlen)
{
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_TRAP);
	if (!c)
		return snprintf(err, errlen, "seccomp_init failed"), -1;
	static const char *const allow[] = {
		"read", "write", "readv", "writev", "pread64", "pwrite64",
		"lseek", "close", "fstat", "newfstatat", "stat", "lstat",
		"statx", "openat", "open", "access", "faccessat", "faccessat2",
		"readlink", "readlinkat", "getcwd", "getdents64", "fcntl",
		"dup", "dup2", "dup3", "pipe", "pipe2", "ioctl", "poll",
		"ppoll", "select", "pselect6", "mmap", "munmap", "mprotect",
		"mremap", "madvise", "brk", "msync", "mlock", "munlock",
		"mincore", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
		"rt_sigsuspend", "sigaltstack", "getpid", "gettid",
		"getppid", "getuid", "geteuid", "getgid", "getegid",
		"getrusage", "getrlimit", "clock_gettime", "clock_getres",
		"clock_nanosleep", "nanosleep", "gettimeofday", "time",
		"sched_yield", "sched_getaffinity", "sched_getparam",
		"sched_getscheduler", "futex", "set_robust_list",
		"get_robust_list", "rseq", "set_tid_address", "exit",
		"exit_group", "restart_syscall", "uname", "sysinfo",
		"getrandom", "arch_prctl", "prctl", "memfd_create",
		"ftruncate", "fallocate", "unlink", "unlinkat", "mkdir",
		"rename", "fsync", "fdatasync", "socketpair", "sendmsg",
		"recvmsg", "sendto", "recvfrom", "shutdown", "close_range",
	};
	int r = 0;
	for (size_t i = 0; i < sizeof allow / sizeof allow[0]; i++) {
		int nr = seccomp_syscall_resolve_name(allow[i]);
		if (nr != __NR_SCMP_ERROR)
			r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, nr, 0);
	}
	/* Limits may be read, never raised (prlimit with a new limit). */
	r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1,
			      SCMP_A2(SCMP_CMP_EQ, 0));
	/* Local sockets (fd passing), never the network. */
	r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			      SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	/* glibc falls back from clone3 to clone, whose flags can be read. */
	r |= seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (children) {
		static const char *const more[] = {
			"clone", "fork", "vfork", "wait4", "waitid", "kill",
			"tgkill", "tkill", "process_vm_readv",
			"process_vm_writev", "userfaultfd", "sched_setaffinity",
			"sched_getcpu", "mlockall", "munlockall", "pidfd_open",
			"setsockopt", "getsockopt", "getsockname", "eventfd2",
			"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
			"setpgid", "getpgid", "setsid", "prctl", "set_mempolicy",
			"get_mempolicy", "mbind", "pidfd_send_signal", "membarrier",
		};
		for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
			int nr = seccomp_syscall_resolve_name(more[i]);
			if (nr != __NR_SCMP_ERROR)
				r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, nr, 0);
		}
	} else {
		/* Threads only; signals to itself only. */
		r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					      CLONE_THREAD));
		r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid()));
		r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid()));
	}
	if (!r)
		r = seccomp_load(c);
	seccomp_release(c);
	if (r)
		return snprintf(err, errlen, "seccomp: %s", strerror(-r)), -1;
	return 0;
}

/* Before the plug-in is loaded: what needs no knowledge of it. */
static void prelude(void)
{
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0); /* the harness died before the call */
	/* Faults end the worker with their signal (no sanitizer report). */
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				   SIGTRAP, SIGPIPE, SIGXCPU};
	/* The raw system call: a sanitizer's signal() keeps its own handler. */
	struct {
		void (*handler)(int); /* SIG_DFL */
		unsigned long flags; /* none */
		void (*restorer)(void); /* unused for SIG_DFL */
		uint64_t mask; /* none blocked */
	} dfl = {SIG_DFL, 0, NULL, 0};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		syscall(SYS_rt_sigaction, sigs[i], &dfl, NULL, sizeof dfl.mask);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSYS, &sa, NULL);
	S->sys_nr = -1;
	S->last_op = -1;
}

/* ---- the doorbell (iso_int.h) ---- */

int iso_spin(const uint32_t *seq, uint32_t want, int us)
{
	struct timespec t0, t;
	if (us <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 1;; i++) {
		if (__atomic_load_n(seq, __ATOMIC_ACQUIRE) == want)
			return 1;
		__builtin_ia32_pause();
		if (i % 64)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000000 +
			    (t.tv_nsec - t0.tv_nsec) / 1000 >= us)
			return 0;
	}
}

/* The next request (request number seen + 1); 0 when the harness left. */
static int await_req(uint32_t *seen, int fd)
{
	char b[64];
	if (iso_spin(&S->req_seq, *seen + 1, S->spin_us))
		return ++*seen, 1;
	for (;;) {
		ISO_STORE(S->w_sleep, 1);
		if (ISO_LOAD(S->req_seq) != *seen)
			break;
		if (read(fd, b, sizeof b) <= 0)
			return 0;
		ISO_STORE(S->w_sleep, 0);
		if (ISO_LOAD(S->req_seq) != *seen)
			break;
	}
	ISO_STORE(S->w_sleep, 0);
	return ++*seen, 1;
}

static int reply(int fd)
{
	ISO_STORE(S->rep_seq, S->rep_seq + 1);
	if (ISO_LOAD(S->h_sleep))
		return write(fd, "r", 1) == 1 ? 0 : -1;
	return 0;
}

/* ---- the request loop ---- */

static void rec_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	(void)ctx;
	(void)p;
	struct iso_res *r = &S->res[S->cur];
	if (!r->has_div) {
		r->has_div = 1;
		r->div = *d;
	}
}

static void rec_op(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	(void)ctx;
	(void)impl;
	S->last_op = op;
	if ((S->flags & ISO_WANT_OPS) && S->nev < XMP_MAX_OPS) {
		S->ev[S->nev].op = op;
		S->ev[S->nev++].ev = *ev;
	}
}

/* Run program k of the request into slot k; 1 when the worker grew past
 * --max-rss (the request then ends there). */
static int run_one(struct hx_exec *x, FILE *tr, int k)
{
	size_t n = (size_t)S->nclauses * sizeof(uint32_t);
	struct iso_res *r = &S->res[k];
	memset(x->hits, 0, n);
	memset(x->fails, 0, n);
	x->ops = 0;
	x->programs = S->programs + (uint64_t)k - 1;
	x->verbose = !!(S->flags & ISO_WANT_VERBOSE);
	x->trace = (S->flags & ISO_WANT_TRACE) ? tr : NULL;
	if (x->trace)
		rewind(tr);
	memset(r, 0, sizeof *r);
	S->cur = k;
	S->nev = 0;
	S->last_op = -1;
	hx_run(x, &S->prog[k], &r->outcome);
	r->ops = x->ops;
	memcpy(iso_hits(S, k), x->hits, n);
	memcpy(iso_fails(S, k), x->fails, n);
	S->trace_len = 0;
	if (x->trace) {
		fflush(tr);
		long end = ftell(tr);
		S->trace_len = end > 0 ? (size_t)end : 0;
		if (S->trace_len >= ISO_TRACE_CAP)
			S->trace_len = ISO_TRACE_CAP - 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	r->oom = hx_iso_opts.max_rss &&
		 ((uint64_t)ru.ru_maxrss - S->base_rss) * 1024 >
			 hx_iso_opts.max_rss;
	for (int g = 0; g < MDL_NREADINGS; g++)
		r->rd[g] = (int8_t)mdl_reading(x->impl[0].m, g);
	ISO_STORE(S->done, (uint32_t)k + 1);
	return r->oom;
}

static void do_run(struct hx_exec *x, FILE *tr)
{
	ISO_STORE(S->done, 0);
	/* The readings as the harness's mirror has them (learnt so far). */
	x->fresh_readings = S->fresh;
	for (int g = 0; g < MDL_NREADINGS; g++) {
		mdl_set_reading(x->impl[0].m, g, S->rd[g]);
		x->impl[0].rd0[g] = S->rd0[g];
	}
	for (int k = 0; k < S->nprog && k < HX_ISO_BATCH; k++)
		if (run_one(x, tr, k))
			break;
}

static int do_open(struct hx_exec *x, const struct mdl_spec *spec,
		   const struct xmc_plugin *tap)
{
	const struct xmc_plugin *pls[1] = {tap};
	if (hx_init(x, spec, S->profile, pls, 1, S->seed, S->err,
		    sizeof S->err))
		return -1;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	S->base_rss = (uint64_t)ru.ru_maxrss;
	S->eff_caps = x->impl[0].caps;
	/* The reasons for what is missing, while the world is here. */
	for (int b = 0; b < 32; b++) {
		const char *why = !(S->eff_caps & (1u << b)) && real->cap_reason
					  ? real->cap_reason(x->impl[0].w, 1u << b)
					  : NULL;
		snprintf(S->reason[b], sizeof S->reason[b], "%s", why ? why : "");
	}
	x->on_div = rec_div;
	x->on_op = rec_op;
	return 0;
}

static int load(const struct xmc_plugin *builtin, const char *path)
{
	enter(ISO_H_load);
	real = builtin ? builtin : hx_so_load(path, S->err, sizeof S->err);
	leave();
	if (!real)
		return -1;
	snprintf(S->name, sizeof S->name, "%s", real->name);
	snprintf(S->version, sizeof S->version, "%s", real->version);
	const char *rd = hx_plugin_readings(real);
	snprintf(S->readings, sizeof S->readings, "%s", rd ? rd : "");
	S->profiles = real->profiles;
	S->caps = real->caps;
	return 0;
}

void iso_worker(struct iso_shm *s, int in, int out,
		const struct xmc_plugin *builtin, const char *path,
		const struct mdl_spec *spec)
{
	static struct hx_exec x;
	static struct xmc_plugin tap;
	uint32_t seen = 0;
	S = s;
	prelude();
	limits();
	int ready = 0;
	S->status = load(builtin, path);
	/* Sandboxed from here: the plug-in's create and every hook. */
	if (!S->status && !hx_iso_opts.no_sandbox &&
	    seccomp_setup(!!(real->caps & XMC_CAP_CHILDREN), S->err,
			  sizeof S->err))
		S->status = -1;
	if (!S->status)
		make_tap(&tap);
	FILE *tr = spec ? fmemopen(iso_trace(S), ISO_TRACE_CAP, "w") : NULL;
	(void)in;
	if (reply(out) || S->status)
		_exit(0);
	while (await_req(&seen, out)) {
		S->status = 0;
		if (S->req == ISO_OPEN && spec && !ready) {
			S->status = do_open(&x, spec, &tap);
			ready = !S->status;
		} else if ((S->req == ISO_RUN || S->req == ISO_BATCH) && ready) {
			do_run(&x, tr);
		} else {
			break; /* ISO_QUIT, or out of order */
		}
		if (reply(out))
			break;
	}
	/* No destroy, no exit handlers: the process's end frees it all. */
	_exit(0);
}

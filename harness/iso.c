/*
 * iso.c - the harness side of an isolated implementation: proxies, workers
 * (fork, hello, open), one round trip per program, and faults turned into
 * divergences. The worker's side is iso_worker.c.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec_int.h"
#include "iso_int.h"

struct hx_iso_opts hx_iso_opts = {.timeout_ms = 2000,
				  .max_rss = 1024ull << 20,
				  .refork = 10000};
const char *const hx_fault_names[HX_NFAULTS] = {"crash", "timeout", "oom",
						"sandbox"};

/* A proxy: identity copied from the plug-in, what to load, no hooks. */
struct proxy {
	struct xmc_plugin pl; /* first: a proxy is its plugin pointer */
	const struct xmc_plugin *builtin; /* built-in to run, or NULL */
	char *path; /* .so to load when not built in */
	char name[64], version[64]; /* identity, as the plug-in reported */
	char readings[256]; /* readings the plug-in declares */
};

struct hx_iso {
	const struct proxy *px; /* what runs */
	const struct mdl_spec *spec; /* for the worker's model */
	int profile; /* its world's profile */
	uint64_t seed; /* its world's seed */
	struct iso_shm *s; /* shared memory */
	size_t shm_size; /* its size */
	pid_t pid; /* the worker, 0 when none */
	int fd; /* our end of the doorbell socket */
	uint64_t served; /* programs this worker ran */
	uint32_t replies; /* replies awaited so far (the hello is the first) */
	int pf_total; /* programs of the prefetched batch, 0 none */
	int pf_n; /* of them answered (slots 0..pf_n-1) */
	int pf_next; /* the slot hx_iso_run takes next */
	int pf_fault; /* fault kind of slot pf_n (the worker died), or -1 */
	char pf_detail[64]; /* its detail */
	uint64_t faults[HX_NFAULTS]; /* per kind */
	char reason[32][96]; /* cap_reason() per capability bit, "" none */
};

/* The proxy's only hook: it marks the struct as a proxy. */
static xmc_world *proxy_create(const struct xmc_config *c, char *e, size_t n)
{
	(void)c;
	snprintf(e, n, "an isolated implementation runs in its worker");
	return NULL;
}

/* Why a capability is missing, as the worker's plug-in said at open. The
 * world handle of an isolated implementation is its struct hx_iso. */
static const char *proxy_cap_reason(xmc_world *w, uint32_t cap)
{
	const struct hx_iso *iso = (const struct hx_iso *)(void *)w;
	int b = 0;
	while (b < 31 && !(cap & (1u << b)))
		b++;
	return iso && iso->reason[b][0] ? iso->reason[b] : NULL;
}

int hx_iso_is_proxy(const struct xmc_plugin *pl)
{
	return pl && pl->create == proxy_create;
}

/* ---- workers ---- */

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait up to ms for reply number want: 1 there, 0 timed out, -1 died. */
static int wait_for(struct hx_iso *w, uint32_t want, unsigned ms)
{
	struct iso_shm *s = w->s;
	struct pollfd pf = {w->fd, POLLIN, 0};
	char b[64];
	if (iso_spin(&s->rep_seq, want, s->spin_us))
		return 1;
	long long end = now_ms() + ms;
	int r = 0;
	for (;;) {
		ISO_STORE(s->h_sleep, 1);
		if (ISO_LOAD(s->rep_seq) == want) {
			r = 1;
			break;
		}
		long long left = end - now_ms();
		int p = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (p < 0 && errno == EINTR)
			continue;
		if (p <= 0)
			break; /* r = 0: timed out */
		ssize_t n = read(w->fd, b, sizeof b);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			r = ISO_LOAD(s->rep_seq) == want ? 1 : -1;
			break;
		}
	}
	ISO_STORE(s->h_sleep, 0);
	return r;
}

static int wait_bell(struct hx_iso *w, unsigned ms)
{
	return wait_for(w, ++w->replies, ms);
}

/* Make a request: bump the counter, wake the worker if it sleeps. */
static int ring(struct hx_iso *w)
{
	ISO_STORE(w->s->req_seq, w->s->req_seq + 1);
	if (ISO_LOAD(w->s->w_sleep))
		return send(w->fd, "q", 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
	return 0;
}

/* Reap the worker (killed first when kill_it); its status and rusage. */
static void reap(struct hx_iso *w, int kill_it, int *status,
		 struct rusage *ru)
{
	int st = 0;
	struct rusage r;
	memset(&r, 0, sizeof r);
	if (w->pid > 0) {
		if (kill_it)
			kill(w->pid, SIGKILL);
		while (wait4(w->pid, &st, 0, &r) < 0 && errno == EINTR)
			;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->pid = 0;
	if (status)
		*status = st;
	if (ru)
		*ru = r;
}

static void stop(struct hx_iso *w)
{
	if (w->pid > 0) {
		w->s->req = ISO_QUIT;
		ring(w);
		reap(w, 0, NULL, NULL);
	}
}

/*
 * Spinning before sleeping saves the two context switches of a round trip
 * on an idle machine with a CPU each, and costs dearly on a busy one (the
 * spinner takes the CPU the other side needs: measured 10x slower on the
 * shared 2-CPU VM). Off unless XMC_ISO_SPIN_US asks, for measurements.
 */
static int spin_us(void)
{
	const char *e = getenv("XMC_ISO_SPIN_US");
	return e ? atoi(e) : 0;
}

/*
 * Pin the worker to the harness's CPU when they take turns sleeping: a
 * round trip stays on one cache. When they spin, they need a CPU each.
 */
static void pin(pid_t pid, int spin)
{
	int cpu = spin ? -1 : sched_getcpu();
	cpu_set_t set;
	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(pid, sizeof set, &set);
	sched_setaffinity(0, sizeof set, &set);
}

/* Fork a worker and wait for its hello; 0, or -1 (s->err says why). */
static int spawn(struct hx_iso *w, const struct mdl_spec *spec)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return snprintf(w->s->err, sizeof w->s->err, "socketpair: %s",
				strerror(errno)),
		       -1;
	memset(w->s, 0, sizeof *w->s);
	w->s->nclauses = spec ? spec->nclauses : 0;
	w->s->spin_us = spin_us();
	w->replies = 0;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return snprintf(w->s->err, sizeof w->s->err, "fork: %s",
				strerror(errno)),
		       -1;
	}
	if (pid == 0) {
		close(sv[0]);
		iso_worker(w->s, sv[1], sv[1], w->px->builtin, w->px->path,
			   spec);
		_exit(0);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->served = 0;
	pin(pid, w->s->spin_us);
	unsigned ms = hx_iso_opts.timeout_ms < 5000 ? 5000
						    : hx_iso_opts.timeout_ms;
	if (wait_bell(w, ms) == 1 && !w->s->status)
		return 0;
	return -1;
}

/* What ended a worker that did not answer, as a fault kind and detail. */
static int classify(struct hx_iso *w, int timed_out, char *detail, size_t n)
{
	int st;
	struct rusage ru;
	reap(w, 1, &st, &ru);
	uint64_t grew = (uint64_t)ru.ru_maxrss > w->s->base_rss
				? ((uint64_t)ru.ru_maxrss - w->s->base_rss) * 1024
				: 0;
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (timed_out || sig == SIGXCPU)
		return snprintf(detail, n, "%ums", hx_iso_opts.timeout_ms),
		       HX_FAULT_TIMEOUT;
	if (w->s->sys_nr >= 0) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							      w->s->sys_nr);
		snprintf(detail, n, "%s", name ? name : "unknown");
		free(name);
		return HX_FAULT_SANDBOX;
	}
	if (hx_iso_opts.max_rss && grew >= hx_iso_opts.max_rss / 2)
		return snprintf(detail, n, "rss"), HX_FAULT_OOM;
	if (sig)
		snprintf(detail, n, "SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig)
							       : "UNKNOWN");
	else
		snprintf(detail, n, "exit%d", WEXITSTATUS(st));
	return HX_FAULT_CRASH;
}

/* The op a fault in hook h is laid to: the next op that calls h. */
static int fault_op(const struct xmp_prog *p, int last_op, int h)
{
	if (h == ISO_H_reset || h == ISO_H_create)
		return 0;
	for (int j = last_op + 1; j < p->n; j++)
		if (!strcmp(xmp_ops[p->op[j].code].name, iso_hook_names[h]))
			return j;
	return last_op + 1 < p->n ? last_op + 1 : p->n;
}

/* A fault as the divergence of implementation i on p. */
static int fault(struct hx_exec *x, int i, const struct xmp_prog *p, int kind,
		 const char *detail)
{
	struct hx_iso *w = x->impl[i].iso;
	int h = w->s->hook != ISO_H_none ? w->s->hook : w->s->last_hook;
	struct hx_div d;
	memset(&d, 0, sizeof d);
	d.impl = i;
	d.op = fault_op(p, w->s->last_op, h);
	d.clause = -1;
	snprintf(d.field, sizeof d.field, "%s", hx_fault_names[kind]);
	snprintf(d.expected, sizeof d.expected, "the hook returns");
	if (kind == HX_FAULT_SANDBOX)
		snprintf(d.signature, sizeof d.signature, "%s/sandbox/%s",
			 w->px->name, detail);
	else
		snprintf(d.signature, sizeof d.signature, "%s/%s/%s%s%s",
			 w->px->name, hx_fault_names[kind], iso_hook_names[h],
			 kind == HX_FAULT_CRASH ? "/" : "",
			 kind == HX_FAULT_CRASH ? detail : "");
	static const char *const what[] = {"crashed (%s) in %s",
					   "still running after %s in %s",
					   "grew past --max-rss (%s) in %s",
					   ("made a refused system call (%s) "
					    "in %s")};
	snprintf(d.observed, sizeof d.observed, what[kind], detail,
		 iso_hook_names[h]);
	w->faults[kind]++;
	if (x->trace)
		fprintf(x->trace, "program %llu impl %s\n  DIVERGENCE %s\n"
				  "    expected: %s\n    observed: %s\n",
			(unsigned long long)x->programs, w->px->name,
			d.signature, d.expected, d.observed);
	if (x->on_div)
		x->on_div(x->ctx, p, &d);
	return HX_DIVERGED;
}

/* Start a worker and open its world; 0 or -1 with err. */
static int start(struct hx_iso *w, char *err, size_t errlen)
{
	char detail[64];
	const char *name = w->px->name;
	int r = -1;
	if (spawn(w, w->spec) == 0) {
		w->s->req = ISO_OPEN;
		w->s->profile = w->profile;
		w->s->seed = w->seed;
		r = ring(w) ? -1 : wait_bell(w, 5000 + hx_iso_opts.timeout_ms);
		if (r == 1) {
			if (!w->s->status)
				return 0;
			snprintf(err, errlen, "%s", w->s->err);
			stop(w);
			return -1;
		}
	} else if (w->pid && w->s->status) {
		snprintf(err, errlen, "%s: %s", name, w->s->err);
		stop(w);
		return -1;
	}
	if (!w->pid)
		return snprintf(err, errlen, "%s: %s", name, w->s->err), -1;
	int h = w->s->last_hook;
	int k = classify(w, r == 0, detail, sizeof detail);
	snprintf(err, errlen, "%s: worker %s (%s) in %s", name,
		 k == HX_FAULT_SANDBOX	  ? "made a refused system call"
		 : k == HX_FAULT_TIMEOUT ? "did not answer"
					  : "died",
		 detail, iso_hook_names[h]);
	return -1;
}

int hx_iso_open(struct hx_impl *im, const struct xmc_plugin *proxy,
		int profile, uint64_t seed, const struct mdl_spec *spec,
		char *err, size_t errlen)
{
	const struct proxy *px = (const struct proxy *)proxy;
	struct hx_iso *w = calloc(1, sizeof *w);
	memset(im, 0, sizeof *im);
	im->pl = proxy;
	if (!w)
		return snprintf(err, errlen, "out of memory"), -1;
	if (!(px->pl.profiles & (1u << profile)))
		return free(w), snprintf(err, errlen, "%s: does not claim this "
					 "profile", px->name), -1;
	w->px = px;
	w->spec = spec;
	w->profile = profile;
	w->seed = seed;
	w->fd = -1;
	w->shm_size = iso_shm_size(spec->nclauses);
	w->s = mmap(NULL, w->shm_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w->s == MAP_FAILED)
		return free(w), snprintf(err, errlen, "mmap: %s",
					 strerror(errno)), -1;
	im->iso = w;
	if (start(w, err, errlen))
		return hx_iso_close(im), -1;
	im->caps = w->s->eff_caps;
	memcpy(w->reason, w->s->reason, sizeof w->reason);
	/* A model world here holds only the readings (set by the caller,
	 * learnt by the worker): the worker's model does the work. */
	if (!(im->m = mdl_new(spec, profile)))
		return hx_iso_close(im), snprintf(err, errlen, "out of memory"),
		       -1;
	for (int g = 0; g < MDL_NREADINGS; g++)
		im->rd0[g] = -1;
	im->w = (xmc_world *)(void *)w; /* for proxy_cap_reason only */
	return 0;
}

void hx_iso_close(struct hx_impl *im)
{
	struct hx_iso *w = im->iso;
	if (!w)
		return;
	stop(w);
	munmap(w->s, w->shm_size);
	free(w);
	im->iso = NULL;
}

uint64_t hx_iso_faults(const struct hx_impl *im, int k)
{
	return im->iso ? im->iso->faults[k] : 0;
}

/* The worker's answer for slot k, as if the pair had run here. */
static int apply(struct hx_exec *x, int i, const struct xmp_prog *p, int k)
{
	struct iso_shm *s = x->impl[i].iso->s;
	const struct iso_res *r = &s->res[k];
	int ncl = x->spec->nclauses;
	for (int g = 0; g < MDL_NREADINGS; g++) /* what the worker learnt */
		mdl_set_reading(x->impl[i].m, g, r->rd[g]);
	x->ops += r->ops;
	for (int c = 0; c < ncl; c++) {
		x->hits[i * ncl + c] += iso_hits(s, k)[c];
		x->fails[i * ncl + c] += iso_fails(s, k)[c];
	}
	if (s->req == ISO_RUN && x->trace && s->trace_len)
		fwrite(iso_trace(s), 1, s->trace_len, x->trace);
	for (int e = 0; s->req == ISO_RUN && x->on_op && e < s->nev &&
			e < XMP_MAX_OPS;
	     e++)
		x->on_op(x->ctx, i, s->ev[e].op, &s->ev[e].ev);
	if (r->has_div && x->on_div) {
		struct hx_div d = r->div;
		d.impl = i;
		x->on_div(x->ctx, p, &d);
	}
	return r->outcome >= HX_PASS && r->outcome <= HX_UNSUPPORTED
		       ? r->outcome
		       : HX_DIVERGED;
}

/* The readings of the harness's mirror model, for the worker's. */
static void put_readings(struct hx_exec *x, int i)
{
	struct iso_shm *s = x->impl[i].iso->s;
	s->fresh = x->fresh_readings;
	for (int g = 0; g < MDL_NREADINGS; g++) {
		s->rd[g] = (int8_t)mdl_reading(x->impl[i].m, g);
		s->rd0[g] = x->impl[i].rd0[g];
	}
}

/* Send the request in shared memory; wait for the answer, a program at a
 * time: 1 answered, 0 no progress for --timeout-ms, -1 the worker died. */
static int request(struct hx_iso *w)
{
	uint32_t want = ++w->replies, seen = 0;
	w->s->hook = w->s->last_hook = ISO_H_none;
	w->s->last_op = -1;
	w->s->done = 0;
	if (ring(w))
		return -1;
	for (;;) {
		int r = wait_for(w, want, hx_iso_opts.timeout_ms);
		uint32_t done = ISO_LOAD(w->s->done);
		if (r != 0 || done <= seen)
			return r;
		seen = done; /* a slow batch, not a hang: wait on */
	}
}

static int prog_eq(const struct xmp_prog *a, const struct xmp_prog *b)
{
	return a->n == b->n &&
	       !memcmp(a->op, b->op, (size_t)a->n * sizeof a->op[0]);
}

void hx_iso_prefetch(struct hx_exec *x, const struct xmp_prog *ps, int n)
{
	char err[256];
	for (int i = 0; i < x->nimpl; i++) {
		struct hx_iso *w = x->impl[i].iso;
		if (!w)
			continue;
		w->pf_n = w->pf_next = w->pf_total = 0;
		w->pf_fault = -1;
		if (x->trace || x->on_op || n < 2 || n > HX_ISO_BATCH ||
		    (!w->pid && start(w, err, sizeof err)))
			continue; /* hx_iso_run goes a program at a time */
		struct iso_shm *s = w->s;
		s->req = ISO_BATCH;
		s->flags = 0;
		s->programs = x->programs + 1; /* what hx_run will count */
		s->nprog = n;
		for (int k = 0; k < n; k++)
			s->prog[k] = ps[k];
		put_readings(x, i);
		int r = request(w);
		w->pf_total = n;
		w->pf_n = (int)ISO_LOAD(s->done);
		if (r != 1)
			w->pf_fault = classify(w, r == 0, w->pf_detail,
					       sizeof w->pf_detail);
		w->served += (uint64_t)w->pf_n;
		if (w->pid && w->served >= hx_iso_opts.refork)
			stop(w); /* the answers stay in shared memory */
	}
}

/* Program p from the prefetched batch, or -1 when it is not the next. */
static int from_batch(struct hx_exec *x, int i, const struct xmp_prog *p)
{
	struct hx_iso *w = x->impl[i].iso;
	int k = w->pf_next;
	if (k >= w->pf_total || !prog_eq(p, &w->s->prog[k])) {
		w->pf_n = w->pf_next = w->pf_total = 0; /* off the batch */
		return -1;
	}
	w->pf_next++;
	if (k < w->pf_n) {
		int out = apply(x, i, p, k);
		if (!w->s->res[k].oom)
			return out;
		reap(w, 1, NULL, NULL);
		w->pf_total = w->pf_next; /* the rest was not run */
		return fault(x, i, p, HX_FAULT_OOM, "rss");
	}
	w->pf_total = w->pf_next; /* the worker died on this one */
	if (w->pf_fault < 0)
		return -1;
	int kind = w->pf_fault;
	w->pf_fault = -1;
	return fault(x, i, p, kind, w->pf_detail);
}

int hx_iso_run(struct hx_exec *x, int i, const struct xmp_prog *p)
{
	struct hx_iso *w = x->impl[i].iso;
	char err[256], detail[64];
	int out = w->pf_total ? from_batch(x, i, p) : -1;
	if (out >= 0)
		return out;
	if (!w->pid && start(w, err, sizeof err))
		return fault(x, i, p, HX_FAULT_CRASH, "restart");
	struct iso_shm *s = w->s;
	s->req = ISO_RUN;
	s->flags = (x->trace ? ISO_WANT_TRACE : 0) |
		   (x->verbose ? ISO_WANT_VERBOSE : 0) |
		   (x->on_op ? ISO_WANT_OPS : 0);
	s->programs = x->programs;
	s->nprog = 1;
	s->prog[0] = *p;
	put_readings(x, i);
	int r = request(w);
	if (r != 1) {
		int k = classify(w, r == 0, detail, sizeof detail);
		return fault(x, i, p, k, detail);
	}
	out = apply(x, i, p, 0);
	if (s->res[0].oom) {
		reap(w, 1, NULL, NULL);
		return fault(x, i, p, HX_FAULT_OOM, "rss");
	}
	if (++w->served >= hx_iso_opts.refork)
		stop(w); /* a fresh worker for the next program */
	return out;
}

/* ---- proxies ---- */

const struct xmc_plugin *hx_iso_proxy(const struct xmc_plugin *builtin,
				      const char *path, char *err,
				      size_t errlen)
{
	struct proxy *px = calloc(1, sizeof *px);
	struct hx_iso w = {.px = px, .fd = -1};
	if (!px || (path && !(px->path = strdup(path))))
		return free(px), snprintf(err, errlen, "out of memory"), NULL;
	px->builtin = builtin;
	w.shm_size = iso_shm_size(0);
	w.s = mmap(NULL, w.shm_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w.s == MAP_FAILED) {
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		hx_iso_proxy_free(&px->pl);
		return NULL;
	}
	snprintf(px->name, sizeof px->name, "%s", path ? path : builtin->name);
	int r = spawn(&w, NULL);
	if (!r) {
		snprintf(px->name, sizeof px->name, "%s", w.s->name);
		snprintf(px->version, sizeof px->version, "%s", w.s->version);
		px->pl.abi_version = XMC_ABI_VERSION;
		px->pl.struct_size = sizeof px->pl;
		px->pl.name = px->name;
		px->pl.version = px->version;
		px->pl.profiles = w.s->profiles;
		px->pl.caps = w.s->caps;
		snprintf(px->readings, sizeof px->readings, "%s", w.s->readings);
		px->pl.readings = px->readings[0] ? px->readings : NULL;
		px->pl.create = proxy_create;
		px->pl.cap_reason = proxy_cap_reason;
		stop(&w);
	} else if (w.pid && w.s->status) {
		snprintf(err, errlen, "%s", w.s->err);
		stop(&w);
	} else if (!w.pid) {
		snprintf(err, errlen, "%s: %s", px->name, w.s->err);
	} else {
		char detail[64];
		int k = classify(&w, 0, detail, sizeof detail);
		snprintf(err, errlen, "%s: %s (%s) while loading", px->name,
			 k == HX_FAULT_SANDBOX ? "refused system call" : "died",
			 detail);
	}
	munmap(w.s, w.shm_size);
	if (r) {
		hx_iso_proxy_free(&px->pl);
		return NULL;
	}
	return &px->pl;
}

void hx_iso_proxy_free(const struct xmc_plugin *pl)
{
	struct proxy *px = (struct proxy *)pl;
	if (!px)
		return;
	free(px->path);
	free(px);
}

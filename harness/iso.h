/*
 * iso.h - running an implementation in a sandboxed worker process.
 *
 * A vendor's plug-in is the code we trust least: a NULL dereference, an
 * abort, a hang or a leak in it must become a finding, not the end of the
 * run. An isolated implementation is represented in the harness by a proxy
 * `struct xmc_plugin` (identity only, no hooks are ever called on it); its
 * worker is a child process that loads the real plug-in and runs the whole
 * executor for that one implementation (model, hooks, observations). One
 * request per program (the program's ops in shared memory), one reply with
 * the outcome, the divergence, the clause counters, the model's verdict per
 * op and the trace text: one round trip per program, never per op; and
 * when the caller knows its next programs (hx_iso_prefetch), one round trip
 * per batch of HX_ISO_BATCH (a round trip is two context switches, tens of
 * microseconds in a virtual machine, as long as a whole program). The
 * plug-in only ever sees pointers into the worker's own address space
 * (descriptors, kernel buffers, the adspace), copied in with the program
 * and out with the reply.
 *
 * A worker that dies by a signal, outlives --timeout-ms, or grows past
 * --max-rss gives a divergence whose signature is
 * <impl>/crash/<hook>/<SIGNAME>, <impl>/timeout/<hook>/<ms>,
 * <impl>/oom/<hook>/rss, or <impl>/sandbox/<syscall>/SIGSYS, where hook is
 * the plug-in hook running at the time. The worker is forked again after a
 * fault, and every hx_iso_opts.refork programs (--refork). See iso_worker.c for the sandbox.
 */
#ifndef HX_ISO_H
#define HX_ISO_H

#include <stddef.h>
#include <stdint.h>

#include "exec.h"

#define HX_ISO_BATCH 32 /* programs one request may carry (hx_iso_prefetch) */

/* Options, set by the command line before plug-ins are opened. */
struct hx_iso_opts {
	int isolate; /* 1: built-in implementations isolated too */
	int no_isolate; /* 1: plug-in .so files run in process (debugging) */
	int no_sandbox; /* 1: no seccomp filter or resource limits */
	unsigned timeout_ms; /* one program's time limit in the worker */
	uint64_t max_rss; /* bytes the worker may grow by */
	uint64_t refork; /* programs one worker serves (a fork costs ~20 ms
			  * of page faults in a VM: not too often) */
};
extern struct hx_iso_opts hx_iso_opts;

/* Fault kinds, counted per implementation for the summary. */
enum hx_fault { HX_FAULT_CRASH, HX_FAULT_TIMEOUT, HX_FAULT_OOM,
		HX_FAULT_SANDBOX, HX_NFAULTS };
extern const char *const hx_fault_names[HX_NFAULTS];

struct hx_iso; /* one worker and its shared memory */

/*
 * A proxy plug-in for a built-in plug-in (builtin != NULL) or a .so file
 * (path): a first worker loads it and reports its identity. NULL with a
 * one-line message when it cannot be loaded.
 */
const struct xmc_plugin *hx_iso_proxy(const struct xmc_plugin *builtin,
				      const char *path, char *err,
				      size_t errlen);
/* 1 when pl is a proxy made by hx_iso_proxy. */
int hx_iso_is_proxy(const struct xmc_plugin *pl);
/* Free a proxy. */
void hx_iso_proxy_free(const struct xmc_plugin *pl);

/* Start im's worker (the world created in it); 0 or -1 with err. */
int hx_iso_open(struct hx_impl *im, const struct xmc_plugin *proxy,
		int profile, uint64_t seed, const struct mdl_spec *spec,
		char *err, size_t errlen);
void hx_iso_close(struct hx_impl *im);

/* Run p on implementation i of x in its worker; returns enum hx_outcome. */
int hx_iso_run(struct hx_exec *x, int i, const struct xmp_prog *p);

/*
 * The next n (<= HX_ISO_BATCH) programs the caller will hx_run, in order:
 * each isolated implementation of x runs them all in one round trip, and
 * hx_run then answers from the batch (a program that differs from the
 * next one prefetched is run alone, as usual). Not done while a trace or
 * on_op is wanted. Results are the same as without it.
 */
void hx_iso_prefetch(struct hx_exec *x, const struct xmp_prog *ps, int n);

/* Faults of kind k seen by an implementation (0 when in process). */
uint64_t hx_iso_faults(const struct hx_impl *im, int k);

/* Load a plug-in .so (dlopen, symbol, ABI checks); NULL with err. */
const struct xmc_plugin *hx_so_load(const char *path, char *err,
				    size_t errlen);

#endif /* HX_ISO_H */

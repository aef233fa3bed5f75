/*
 * iso_int.h - the shared memory between the harness and a worker (iso.c,
 * iso_worker.c). The harness writes a request and bumps req_seq; the worker
 * answers in place and bumps rep_seq. Each side first spins a while on the
 * other's counter (a program takes tens of microseconds; a context switch
 * costs as much in a virtual machine), then sleeps on the socket after
 * saying so (w_sleep, h_sleep), and the other side then sends a byte to
 * wake it. The worker also keeps here, as it goes, which hook it is in:
 * what a crash is laid to.
 */
#ifndef HX_ISO_INT_H
#define HX_ISO_INT_H

#include "iso.h"

#define ISO_TRACE_CAP (4u << 20) /* trace text one program may produce */

enum iso_req { ISO_HELLO, ISO_OPEN, ISO_RUN, ISO_BATCH, ISO_QUIT };
enum { ISO_WANT_TRACE = 1, ISO_WANT_VERBOSE = 2, ISO_WANT_OPS = 4 };

/* Hooks, in struct xmc_plugin order after the identity: crash blame. */
#define ISO_HOOKS(X)                                                          \
	X(create) X(reset) X(destroy) X(runtime_caps) X(cap_reason)           \
	X(proc_new) X(proc_switch) X(seg_new) X(seg_delete) X(map)            \
	X(protect) X(pin) X(unpin) X(page_out) X(page_in) X(io_error)         \
	X(pager_io) X(wait) X(set_env) X(poke) X(dma_read) X(dma_write)       \
	X(clear_mod) X(xmattach) X(xmdetach) X(xmemin) X(xmemout) X(xmemdma)  \
	X(as_att) X(as_det) X(getadsp) X(as_geth) X(as_puth) X(as_getsrval)   \
	X(page_state) X(peek) X(probe) X(seg_state) X(xmemdma64)      \
	X(image) X(kseg_new)
#define ISO_HOOK_ENUM(h) ISO_H_##h,
enum iso_hook { ISO_H_none, ISO_HOOKS(ISO_HOOK_ENUM) ISO_H_load, ISO_NHOOKS };
extern const char *const iso_hook_names[ISO_NHOOKS];

/* One program's answer (slot k of a batch; slot 0 of a single run). */
struct iso_res {
	int outcome; /* enum hx_outcome */
	uint64_t ops; /* ops run */
	int has_div; /* div is set */
	struct hx_div div; /* the divergence */
	int oom; /* the worker grew past max_rss on it */
	int8_t rd[MDL_NREADINGS]; /* the model's readings after it */
};

/* One op's verdict, for the caller's on_op. */
struct iso_opev {
	int op; /* op index */
	struct mdl_eval ev; /* the model's verdict */
};

struct iso_shm {
	/* request */
	int req; /* enum iso_req */
	int flags; /* ISO_WANT_* */
	int profile; /* ISO_OPEN: enum xmc_profile */
	uint64_t seed; /* ISO_OPEN: run seed */
	uint64_t programs; /* ISO_RUN: the caller's program count */
	int nprog; /* ISO_RUN: 1; ISO_BATCH: programs in prog[] */
	int8_t rd[MDL_NREADINGS]; /* readings the model holds before them */
	int8_t rd0[MDL_NREADINGS]; /* readings declared (fresh_readings) */
	int fresh; /* the caller's fresh_readings */
	struct xmp_prog prog[HX_ISO_BATCH]; /* the programs */
	/* reply */
	int status; /* 0 done, -1 failed (err) */
	char err[256]; /* why it failed */
	char name[64], version[64]; /* ISO_HELLO: identity */
	char readings[256]; /* ISO_HELLO: readings the plug-in declares */
	uint32_t profiles, caps; /* ISO_HELLO: as declared */
	uint32_t eff_caps; /* ISO_OPEN: capabilities in effect */
	char reason[32][96]; /* ISO_OPEN: cap_reason() per missing cap bit */
	uint64_t base_rss; /* ISO_OPEN: worker's peak RSS (KiB) after create */
	struct iso_res res[HX_ISO_BATCH]; /* per program */
	uint32_t done; /* programs answered so far in this request */
	int cur; /* program running (slot) */
	int nev; /* ISO_RUN: entries in ev */
	struct iso_opev ev[XMP_MAX_OPS]; /* ISO_RUN: verdicts (ISO_WANT_OPS) */
	size_t trace_len; /* ISO_RUN: bytes of trace text */
	/* doorbell */
	uint32_t req_seq; /* requests made (harness) */
	uint32_t rep_seq; /* replies made (worker; the hello is the first) */
	int w_sleep; /* worker sleeps on the socket: send it a byte */
	int h_sleep; /* harness sleeps on the socket: send it a byte */
	int spin_us; /* how long either side spins before sleeping */
	/* progress, written as the worker goes */
	volatile int hook; /* enum iso_hook running, or ISO_H_none */
	volatile int last_hook; /* the last hook entered */
	volatile int last_op; /* last op whose verdict was given, or -1 */
	volatile int sys_nr; /* syscall the sandbox refused, or -1 */
	/* then per slot: uint32_t hits[nclauses], fails[nclauses]; then
	 * char trace[ISO_TRACE_CAP] */
	int nclauses; /* counters that follow */
};

static inline uint32_t *iso_hits(struct iso_shm *s, int k)
{
	return (uint32_t *)(s + 1) + (size_t)k * 2 * (size_t)s->nclauses;
}
static inline uint32_t *iso_fails(struct iso_shm *s, int k)
{
	return iso_hits(s, k) + s->nclauses;
}
static inline char *iso_trace(struct iso_shm *s)
{
	return (char *)iso_hits(s, HX_ISO_BATCH);
}
static inline size_t iso_shm_size(int nclauses)
{
	return sizeof(struct iso_shm) +
	       2 * sizeof(uint32_t) * (size_t)nclauses * HX_ISO_BATCH +
	       ISO_TRACE_CAP;
}

#define ISO_LOAD(p) __atomic_load_n(&(p), __ATOMIC_SEQ_CST)
#define ISO_STORE(p, v) __atomic_store_n(&(p), (v), __ATOMIC_SEQ_CST)

/* Spin up to us microseconds until *seq == want; 1 when it did. */
int iso_spin(const uint32_t *seq, uint32_t want, int us);

/* The worker: serve requests on fd in/out until ISO_QUIT or EOF. */
void iso_worker(struct iso_shm *s, int in, int out,
		const struct xmc_plugin *builtin, const char *path,
		const struct mdl_spec *spec);

#endif /* HX_ISO_INT_H */

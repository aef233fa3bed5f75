/*
 * exec.h - the executor: runs a program on the model and on each
 * implementation under test, op by op, and compares observations.
 *
 * Each implementation is paired with its own model world (see model.h), so
 * the model can adopt an implementation's free choice without disturbing the
 * others. For each pair and op: the model evaluates the op; the
 * implementation performs it; the return value is checked against the
 * model's rule; then the descriptor, the bytes copied, the address space and
 * the DMA state of every page the op touched are compared. The first
 * divergence ends the program for that pair (later ops would only echo it);
 * so does an undefined call (a caller error, reported, never a divergence)
 * and a step the implementation does not support. At the end of a program
 * every live page is compared once more.
 *
 * hx_run() is engine-neutral and keeps all its state in struct hx_exec: the
 * CLI, the fuzzers, replay and the conformance suite call it alike.
 */
#ifndef HX_EXEC_H
#define HX_EXEC_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "prog.h"
#include "xmcheck.h"

#define HX_MAX_IMPLS 8 /* implementations compared in one run */
#define HX_TEXT 200 /* one observation, as text */

/* One implementation under test and its paired model world. */
struct hx_impl {
	const struct xmc_plugin *pl; /* its hooks */
	xmc_world *w; /* its world */
	struct mdl_world *m; /* the paired model world */
	uint32_t caps; /* capabilities in effect (runtime, hooks present) */
	struct xmc_xmem desc[XMC_MAX_DESCS]; /* descriptor slots it sees */
	uint8_t *kbuf[XMC_KBUFS]; /* kernel buffers it writes */
	uint64_t kmade[XMC_KBUFS][MDL_KWORDS]; /* kbuf chunks made this program */
	uint32_t kseed; /* this program's kbuf pattern seed (xmp_prog_seed) */
	int8_t rd0[MDL_NREADINGS]; /* readings declared (plug-in or file) */
	uint8_t *scratch; /* 8 KiB: dma_read bytes, poke data, peeks */
	struct hx_iso *iso; /* its worker when isolated (iso.h), else NULL */
};

/* A divergence, with enough to report and to reproduce it. */
struct hx_div {
	int impl; /* index in hx_exec.impl */
	int op; /* index of the diverging op in the program */
	int clause; /* spec clause index it is attributed to, -1 none */
	char signature[160]; /* impl/service/clause/field */
	char field[32]; /* what differed: return, bytes, desc, ... */
	char expected[HX_TEXT]; /* model side */
	char observed[HX_TEXT]; /* implementation side */
};

/* Per-impl outcome of one program. */
enum hx_outcome {
	HX_PASS, /* every op compared equal */
	HX_DIVERGED, /* a divergence was found */
	HX_UNDEFINED, /* stopped at an undefined (caller-error) call */
	HX_UNSUPPORTED, /* stopped at a step or service it lacks */
};

struct hx_exec {
	const struct mdl_spec *spec; /* the spec the models interpret */
	int profile; /* enum xmc_profile */
	int nimpl; /* implementations */
	struct hx_impl impl[HX_MAX_IMPLS]; /* them */
	FILE *trace; /* op-by-op trace, or NULL */
	int verbose; /* trace also the page states observed equal */
	uint64_t programs; /* programs run */
	uint64_t ops; /* ops run, summed over implementations */
	uint64_t divergences; /* programs that diverged, summed */
	uint64_t undefined; /* programs stopped by a caller error */
	uint64_t unsupported; /* programs stopped by a missing capability */
	uint32_t *hits; /* [impl * nclauses + clause]: times fired */
	uint32_t *fails; /* [impl * nclauses + clause]: divergences */
	/* called for each divergence; may be NULL */
	void (*on_div)(void *ctx, const struct xmp_prog *p,
		       const struct hx_div *d);
	/* called after each op with the model's verdict; may be NULL */
	void (*on_op)(void *ctx, int impl, int op, const struct mdl_eval *ev);
	void *ctx; /* passed to on_div and on_op */
	/*
	 * 0: a reading fixed in one program holds for the rest of the run
	 * (a run is one implementation's behaviour). 1: every program starts
	 * from the declared readings (replay, minimize, corpus, fuzz inputs),
	 * so that one program reproduces alone.
	 */
	int fresh_readings;
};

/*
 * Set up: create each plug-in's world for the profile and pair it with a
 * model world. Returns 0, or -1 with a one-line message in err.
 */
int hx_init(struct hx_exec *x, const struct mdl_spec *spec, int profile,
	    const struct xmc_plugin *const *pls, int n, uint64_t seed,
	    char *err, size_t errlen);
void hx_fini(struct hx_exec *x);

/*
 * Declare implementation i's readings, "name=option,..." (model.h); they
 * hold from now on. Returns 0, or -1 with a message in err.
 */
int hx_set_readings(struct hx_exec *x, int i, const char *s, char *err,
		    size_t errlen);

/*
 * 1 when two reading lists name the same reading with different options
 * (a corpus file written for a reading the implementation does not take).
 */
int hx_readings_conflict(const char *a, const char *b);

/* The readings a plug-in declares (struct_size permitting), or NULL. */
const char *hx_plugin_readings(const struct xmc_plugin *pl);

/*
 * Why effect e (an index of mdl_effect_names) of a clause is not observed
 * for implementation i, one line, or NULL when what it changes is compared
 * (item 9 of the envelope: nothing passes unobserved).
 */
const char *hx_unobserved(const struct hx_exec *x, int i, int e);

/* Capabilities every implementation has: what the generator may use. */
uint32_t hx_common_caps(const struct hx_exec *x);

/*
 * Run one program on every implementation. outcome[i] receives the outcome
 * of implementation i (may be NULL); returns the number that diverged.
 */
int hx_run(struct hx_exec *x, const struct xmp_prog *p, int *outcome);

#endif /* HX_EXEC_H */

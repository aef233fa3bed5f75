/*
 * core.h - the engine-neutral fuzzing core: one input against the model and
 * the selected implementations, from a fresh world, the way `xmcheck run`
 * runs a generated program (same decoder, same executor).
 *
 * An input is a program's binary form (harness/progbin.h): a header byte
 * (profile, form), then decoder bytes or the exact program form. The
 * entry points over this core are thin: fuzz/libfuzzer.c (libFuzzer),
 * fuzz/afl.c (AFL++ persistent mode); each only moves bytes in and reports.
 *
 * Environment, read once by fz_init():
 *   XMCHECK_IMPL           comma-separated implementations: a built-in name
 *                          or a plug-in .so path, loaded in process
 *                          (default sim)
 *   XMCHECK_SPEC           spec file or directory (default the built-in)
 *   XMCHECK_SPEC_FEEDBACK  0 turns spec coverage feedback off (default on)
 *   XMCHECK_SPEC_CONTEXT   0 leaves the context out of it: no clause in
 *                          context, no kind of memory in the page states
 *                          (default on; for measuring what it adds)
 *   XMCHECK_MAX_OPS        cut every program to at most N ops (benchmarks)
 *   XMCHECK_FZ_STATS       N > 0: every N seconds print the distinct
 *                          clauses, clause pairs and page-state combinations
 *                          reached so far to stderr (reporting only)
 *
 * Spec coverage feedback: after each op the model's verdict is turned into
 * counters an engine treats as coverage: the clause fired, the pair
 * (previous clause fired -> this clause), a hash of the page-state
 * fields of the pages the op touched (with the kind of memory each is:
 * user, text, data, kernel), and the clause (or the world step) in its
 * context: the kinds of memory touched, the kind of descriptor used
 * (XMEM_PROC, XMEM_PROC2, XMEM_GLOBAL, ...), the execution level. The
 * engine supplies the storage
 * (fz_set_counters); the core clears and fills it per input.
 */
#ifndef FZ_CORE_H
#define FZ_CORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Features, not bytes: the engines bucket a counter's value (1, 2, 3, 4-7,
 * 8-15, 16-31, 32-127, 128+: AFL's hit-count classes, which libFuzzer's
 * CounterToFeature shares), so one byte carries eight features, feature f
 * as byte f / 8 set to the representative of class f % 8. Two features of
 * one input in the same byte keep the higher class. libFuzzer scans and
 * clears the whole section on every input, so its size is time per input.
 */
#define FZ_CLAUSE_SLOTS 256 /* features for clauses (index mod) */
#define FZ_PAIR_SLOTS 8192 /* features for clause pairs (hashed) */
#define FZ_STATE_SLOTS 4096 /* features for page-state combinations */
#define FZ_CTX_SLOTS 4096 /* features for clauses and steps in context */
#define FZ_NFEATURES \
	(FZ_CLAUSE_SLOTS + FZ_PAIR_SLOTS + FZ_STATE_SLOTS + FZ_CTX_SLOTS)
#define FZ_NCOUNTERS (FZ_NFEATURES / 8) /* counter bytes */

/* What one input did. */
struct fz_result {
	int diverged; /* some implementation diverged */
	char signature[160]; /* the first divergence: impl/service/clause/field */
	int profile; /* enum xmc_profile the input ran under */
	int nops; /* ops in the decoded program */
};

/* Load the spec and the implementations; 0, or -1 with a message. */
int fz_init(char *err, size_t errlen);
void fz_fini(void);

/* Run one input; returns r->diverged. */
int fz_one(const uint8_t *data, size_t size, struct fz_result *r);

/* Where spec feedback goes: n bytes (FZ_NCOUNTERS), or NULL for none. */
void fz_set_counters(uint8_t *counters, size_t n);

/* Spec feedback on (XMCHECK_SPEC_FEEDBACK unset or not 0). */
int fz_feedback_on(void);

/* Distinct clauses, clause pairs and page-state hashes reached so far. */
void fz_stats(unsigned *clauses, unsigned *pairs, unsigned *states,
	      uint64_t *execs);
/* Distinct clauses and steps in context (memory, descriptor, level). */
unsigned fz_stats_contexts(void);

/* Print the stats line when XMCHECK_FZ_STATS asks (called per input). */
void fz_stats_tick(void);

#endif /* FZ_CORE_H */

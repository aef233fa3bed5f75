/*
 * findings.h - findings that last: the store and the minimizer.
 *
 * A finding is a program that makes an implementation diverge, kept as its
 * text form behind a header of '#' lines (signature, seed, profile, impl,
 * spec hash, the diverging op, expected and observed). It is written the
 * moment it is found: a temporary file in the same directory, fsync, rename,
 * fsync of the directory, so a killed run never leaves a truncated finding.
 * One bug is one finding: the store knows the signatures already on disk and
 * only counts a known one again.
 */
#ifndef HX_FINDINGS_H
#define HX_FINDINGS_H

#include <stdint.h>
#include <stdio.h>

#include "exec.h"

#define HX_MAX_SIGS 4096 /* signatures one store remembers */

struct hx_store {
	char dir[512]; /* the directory */
	int nsig; /* signatures known */
	char (*sig)[160]; /* them: on disk before the run, or written since */
	uint32_t *seen; /* times seen in this run, per signature */
	int nnew; /* findings written by this run */
};

/* What is written with a finding's program. */
struct hx_finding {
	const struct hx_div *div; /* the divergence (signature, op, sides) */
	const char *impl; /* implementation name */
	const char *impl_version; /* its version */
	const char *profile; /* profile name */
	uint64_t seed; /* run seed */
	uint64_t program; /* index of the program in the run */
	uint64_t spec_hash; /* spec identity */
	int orig_ops; /* ops before minimization */
	const struct xmp_prog *prog; /* the (minimized) program */
	const char *impl_path; /* the plug-in's file, NULL when built in */
	const char *readings; /* readings in force, "name=option,..." */
};

/* Open (create) a store and learn the signatures it holds. */
int hx_store_open(struct hx_store *s, const char *dir, char *err,
		  size_t errlen);
void hx_store_close(struct hx_store *s);

/* Index of a known signature and count it as seen; -1 when new. */
int hx_store_seen(struct hx_store *s, const char *sig);

/* Write a new finding durably; its path goes to path. 0 or -1 (err). */
int hx_store_put(struct hx_store *s, const struct hx_finding *f, char *path,
		 size_t pathlen, char *err, size_t errlen);

/* Write a finding (header, program, "# end") to f. */
void hx_finding_write(FILE *f, const struct hx_finding *fd);

/* The value of the first "# key: value" line of text; 1 when found. */
int hx_header_get(const char *text, const char *key, char *out, size_t len);

/*
 * The first divergence of p on the executor's first implementation: 1 and
 * *d filled, or 0 when p does not diverge. The executor's counters move.
 */
int hx_first_div(struct hx_exec *x, const struct xmp_prog *p,
		 struct hx_div *d);

/*
 * Shrink p while its first divergence keeps signature sig: drop ops (delta
 * debugging), then move arguments toward the smallest values, until nothing
 * changes. Deterministic. progress (may be NULL) gets a line per round.
 * Returns the number of trial runs.
 */
int hx_minimize(struct hx_exec *x, struct xmp_prog *p, const char *sig,
		void (*progress)(void *ctx, const char *line), void *ctx);

#endif /* HX_FINDINGS_H */

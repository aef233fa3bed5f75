/*
 * exec_int.h - internals shared by exec.c and observe.c.
 */
#ifndef HX_EXEC_INT_H
#define HX_EXEC_INT_H

#include <stdio.h>

#include "exec.h"

/* The state of one (program, implementation) run. */
struct hx_ctx {
	const struct xmp_prog *p; /* the program */
	int ii; /* implementation index */
	int opi; /* op index; p->n during the end-of-program sweep */
	struct mdl_eval *ev; /* the model's verdict on the op */
	int diverged; /* a divergence was recorded */
	struct hx_div div; /* the divergence */
};

int hx_impl_open(struct hx_impl *im, const struct xmc_plugin *pl,
		 int profile, uint64_t seed, const struct mdl_spec *spec,
		 char *err, size_t errlen);
void hx_impl_close(struct hx_impl *im);
int hx_has_hook(const struct hx_impl *im, const struct xmp_op *op);
int64_t hx_call(struct hx_impl *im, const struct xmp_op *op);
void hx_kbuf_prepare(struct hx_impl *im, int64_t k, int64_t count);
void hx_check(struct hx_exec *x, struct hx_ctx *c, int64_t ret);
int hx_sweep(struct hx_exec *x, struct hx_ctx *c);
/*
 * A hook appended to struct xmc_plugin after the first ABI is there: an
 * older plug-in's shorter struct (struct_size) ends before it.
 */
#define HX_HAS_TAIL(pl, f) \
	((pl)->struct_size >= offsetof(struct xmc_plugin, f) + sizeof(pl)->f)

/* What differed, as a mask: lets a divergence be laid to the clause whose
 * effect it is. */
enum {
	HX_F_RET = 1 << 0, HX_F_DESC = 1 << 1, HX_F_BYTES = 1 << 2,
	HX_F_ADSPACE = 1 << 3, HX_F_INMEM = 1 << 4, HX_F_VALID = 1 << 5,
	HX_F_MOD = 1 << 6, HX_F_PAGERIO = 1 << 7, HX_F_PROT = 1 << 8,
	HX_F_IOERR = 1 << 9, HX_F_PIN = 1 << 10, HX_F_HIDE = 1 << 11,
	HX_F_WAITERS = 1 << 12, HX_F_SEG = 1 << 13,
};

void hx_diverge(struct hx_exec *x, struct hx_ctx *c, const char *field,
		unsigned mask, const char *expected, const char *observed);
#define HX_BLAME (-2) /* hx_diverge_at: work the clause out (hx_blame) */
void hx_diverge_at(struct hx_exec *x, struct hx_ctx *c, int clause,
		   const char *field, unsigned mask, const char *expected,
		   const char *observed);
void hx_reset_pair(struct hx_exec *x, struct hx_impl *im, uint32_t kseed);

/* ---- blame.c: one bug, one signature (docs/WORLD.md) ---- */
/* The clause a divergence in the fields of mask is laid to, or -1. */
int hx_blame(const struct hx_exec *x, const struct mdl_eval *ev,
	     unsigned mask);
/* The first success clause of service svc (enum mdl_svc) whose effects
 * change a field of mask on this profile, or -1. */
int hx_effect_clause(const struct hx_exec *x, int svc, unsigned mask);
/* The signature impl/service/clause/field of a divergence at an op of code
 * (-1: the end-of-program sweep) laid to clause (-1 none). */
void hx_sign(const struct hx_exec *x, int ii, int code, int clause,
	     const char *field, char *out, size_t len);
/* The xmattach clause that made the descriptor a refused op uses, when the
 * counterfactual shows it bad from birth; else -1. Resets the pair. */
int hx_desc_origin(struct hx_exec *x, struct hx_ctx *c, int64_t ret);
/* A failed move reported done that only stopped short: reported as the
 * copy clause's divergence (1), else 0. Resets the pair. */
int hx_short_copy(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
		  const char *fired);
/* Counterfactual replays: the run's trace and readings kept aside. */
struct hx_cf {
	FILE *trace; /* the run's trace */
	int8_t rd[MDL_NREADINGS]; /* the run's readings */
};
void hx_cf_begin(struct hx_exec *x, int ii, struct hx_cf *s);
void hx_cf_end(struct hx_exec *x, int ii, const struct hx_cf *s);
/* Replay ops [0, end) of p on pair ii from a reset (model committing the
 * implementation's returns); made and at: the clause and op that last
 * attached slot (-1: none). 0, or -1 when it does not go as the run. */
int hx_replay(struct hx_exec *x, int ii, const struct xmp_prog *p, int end,
	      int slot, int *made, int *at);
void hx_trace_op(struct hx_exec *x, struct hx_ctx *c, const char *what);
void hx_trace_ret(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
		  const char *what);

#endif /* HX_EXEC_INT_H */

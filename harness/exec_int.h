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
void hx_trace_op(struct hx_exec *x, struct hx_ctx *c, const char *what);
void hx_trace_ret(struct hx_exec *x, struct hx_ctx *c, int64_t ret,
		  const char *what);

#endif /* HX_EXEC_INT_H */

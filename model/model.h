/*
 * model.h - the reference model: the world of docs/WORLD.md and the spec
 * interpreter. Pure C: no system calls, no allocation after mdl_new.
 *
 * One op is run in two halves, so that the model can check and then adopt
 * what the documentation leaves to the implementation:
 *
 *   mdl_eval()   decides, from the spec evaluated against the current world,
 *                whether a world step is legal, or which clauses fire for a
 *                service call and which return values are allowed;
 *   mdl_commit() checks the implementation's return value against the rule
 *                (W8 real address, W9 region), adopts it, and applies the
 *                effects (the step's, or the fired clauses' in order).
 *
 * The executor gives each implementation its own model world, so adopting one
 * implementation's choice never disturbs another's comparison.
 */
#ifndef MDL_MODEL_H
#define MDL_MODEL_H

#include "prog.h"
#include "spec.h"
#include "xmcheck.h"

#define MDL_MAX_FIRED 32 /* clauses fired by one op */
#define MDL_MAX_TOUCHED 40 /* pages one op touches */

enum mdl_evkind {
	MDL_EV_STEP, /* a legal world step */
	MDL_EV_ILLEGAL, /* a world step that is not legal now: skipped */
	MDL_EV_OK, /* a service call: success clauses fired */
	MDL_EV_FAIL, /* a service call: failure clauses fired */
	MDL_EV_UNDEF, /* a service call: an undefined clause fired */
	MDL_EV_NOCLAUSE, /* a service call no clause covers (spec gap) */
};

struct mdl_page_ref {
	uint16_t seg; /* segment number k */
	uint16_t page; /* page in the segment, 0..65535 */
};

/* The model's verdict on one op, before the implementation answers. */
struct mdl_eval {
	uint8_t kind; /* enum mdl_evkind */
	uint8_t rule; /* enum mdl_rule of the expected return */
	uint8_t nrets; /* allowed values for MDL_RULE_VALUES */
	uint16_t nfired; /* clauses in fired[] */
	uint16_t fired[MDL_MAX_FIRED]; /* spec clause indexes, spec order */
	int64_t rets[MDL_MAX_RETS * 2]; /* allowed return values */
	int16_t cause; /* probe: clause that last changed the page, or -1 */
	uint16_t ntouched; /* pages in touched[] */
	struct mdl_page_ref touched[MDL_MAX_TOUCHED]; /* pages to observe */
};

struct mdl_world;

/* A new world for a spec and a profile (enum xmc_profile); NULL on OOM. */
struct mdl_world *mdl_new(const struct mdl_spec *spec, int profile);
void mdl_reset(struct mdl_world *m);
void mdl_free(struct mdl_world *m);

void mdl_eval(struct mdl_world *m, const struct xmp_op *op,
	      struct mdl_eval *ev);

/*
 * Commit an evaluated op. ret is the implementation's return value (ignored
 * for steps). Returns 0, or 1 when ret breaks the return rule, with a one-line
 * reason in why; the world is then left as before the op.
 */
int mdl_commit(struct mdl_world *m, const struct xmp_op *op,
	       const struct mdl_eval *ev, int64_t ret, char *why,
	       size_t whylen);

/*
 * A return value the rule of an evaluated op allows (the first allowed value,
 * the page's frame, the first free region): the model's own answer, used when
 * it runs alone (benchmarks, the model as a plug-in).
 */
int64_t mdl_choose(struct mdl_world *m, const struct xmp_op *op,
		   const struct mdl_eval *ev);

/* Observation, with the semantics of the plug-in hooks. */
int mdl_page_state(const struct mdl_world *m, int seg, uint32_t page,
		   struct xmc_page_state *out);
int mdl_peek(const struct mdl_world *m, int seg, uint32_t off, void *buf,
	     uint32_t len);
const struct xmc_xmem *mdl_desc(const struct mdl_world *m, int slot);
const uint8_t *mdl_kbuf(const struct mdl_world *m, int kb);
const xmc_adspace *mdl_adspace(const struct mdl_world *m);

/* Segments for the end-of-program sweep: live ones and their pages. */
int mdl_nsegs(const struct mdl_world *m);
int mdl_seg_live(const struct mdl_world *m, int seg, uint32_t *first,
		 uint32_t *npages);

#endif /* MDL_MODEL_H */

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
#define MDL_MAX_ALT 7 /* other outcomes an op may have under open readings */

/*
 * Readings: where the pages allow several behaviours, each is a reading
 * (docs/WORLD.md, "Readings"). The model fixes the reading an implementation
 * takes at the first op that tells them apart and holds it for the rest of
 * the run; until then an op whose outcome depends on an open reading has one
 * outcome per option (mdl_eval.alt) and mdl_commit keeps those the
 * implementation's answer agrees with.
 */
enum mdl_reading {
	MDL_RD_XADDR, /* xmemdma xaddr, XMEM_PROC: region | offset */
	MDL_RD_UADDR, /* xmemin/xmemout uaddr, XMEM_PROC: region | offset */
	MDL_RD_KEY0_RO, /* key-0 handle on a read-only key: refused | allowed */
	MDL_RD_DETACH_DELETED, /* xmdetach after the delete: succeeds | fails */
	MDL_RD_PPC_MODIFIED, /* powerpc xmemdma modified bit: untouched | set */
	MDL_RD_USER_TEXT, /* USER_ADSPACE on text (W12): allowed | refused */
	MDL_RD_USERI_DATA, /* USERI_ADSPACE off text (W12): allowed | refused */
	MDL_RD_SYS_ASPACE, /* SYS_ADSPACE attach's aspace_id: proc | global */
	MDL_NREADINGS
};

struct mdl_reading_def {
	const char *name; /* "xaddr" */
	const char *opt[2]; /* option names, index = option */
	const char *source; /* the page sentence or decision allowing both */
};
extern const struct mdl_reading_def mdl_readings[MDL_NREADINGS];

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
	uint16_t idx; /* a move's page: its index in the range (0 = first) */
	uint8_t key; /* key bit of the handle that reaches it (moves, dma) */
};

/* One outcome of a service call under one choice of the open readings. */
struct mdl_outcome {
	uint8_t kind; /* enum mdl_evkind */
	uint8_t rule; /* enum mdl_rule of the expected return */
	uint8_t nrets; /* allowed values for MDL_RULE_VALUES */
	uint16_t nfired; /* clauses in fired[] */
	uint16_t fired[MDL_MAX_FIRED]; /* spec clause indexes, spec order */
	int64_t rets[MDL_MAX_RETS * 2]; /* allowed return values */
	int8_t rd[MDL_NREADINGS]; /* option assumed, -1 = not consulted */
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
	int8_t rd[MDL_NREADINGS]; /* options this outcome assumed, -1 none */
	uint8_t nalt; /* other outcomes in alt[] (open readings) */
	struct mdl_outcome alt[MDL_MAX_ALT]; /* they, in enumeration order */
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
 * for steps). Where open readings gave several outcomes, the ones ret agrees
 * with are kept: ev's primary fields become the chosen one and every reading
 * they all share is fixed. Returns 0, or 1 when ret breaks the return rule of
 * every outcome, with a one-line reason in why; the world is then left as
 * before the op.
 */
int mdl_commit(struct mdl_world *m, const struct xmp_op *op,
	       struct mdl_eval *ev, int64_t ret, char *why, size_t whylen);

/* Readings: the option fixed (0 or 1), or -1 while open. */
int mdl_reading(const struct mdl_world *m, int r);
/* Fix a reading (declared by a plug-in, or recorded in a finding). */
void mdl_set_reading(struct mdl_world *m, int r, int opt);
/* Open every reading again (a new run, or a fuzz input). */
void mdl_clear_readings(struct mdl_world *m);
/*
 * Parse "name=option,name=option" (names of mdl_readings) and fix each.
 * Returns 0, or -1 with a message naming the bad word in err.
 */
int mdl_parse_readings(struct mdl_world *m, const char *s, char *err,
		       size_t errlen);
/* Print the fixed readings as "name=option ..." ("" when none). */
int mdl_print_readings(const struct mdl_world *m, char *buf, size_t len);

/*
 * A page whose modified bit the last op left to an open reading (powerpc
 * xmemdma): given the implementation's observed bit, fix the reading and the
 * model's bit. Call before comparing the page; no-op for other pages.
 */
void mdl_settle_page(struct mdl_world *m, int seg, uint32_t page, int got_mod);
/*
 * A descriptor a SYS_ADSPACE attach filled while the reading sys_aspace was
 * open: given the implementation's aspace_id, fix the reading and the
 * model's descriptor. Call before comparing it; no-op otherwise.
 */
void mdl_settle_desc(struct mdl_world *m, int slot, int32_t got);
/* The implementation's capabilities (enum xmc_cap): KERNEL_SPACE. */
void mdl_set_caps(struct mdl_world *m, uint32_t caps);
/* 1 when process pid has its image (regions 1 and 2 compare). */
int mdl_has_image(const struct mdl_world *m, int pid);
/* The current process. */
int mdl_cur_pid(const struct mdl_world *m);
/* 1 at interrupt level, 0 at process level. */
int mdl_interrupt(const struct mdl_world *m);

/*
 * After a failed xmemin/xmemout (docs/WORLD.md W6): may the byte at index i
 * of the user range have taken the copied value (its page was reachable and
 * accessible for the move)? And may a touched page have the observed
 * in_memory/modified bits (as before, or as after an access)? The second
 * adopts them when allowed. Both return 1 when allowed.
 */
int mdl_failed_move_byte_ok(struct mdl_world *m, const struct xmp_op *op,
			    int64_t i);
int mdl_failed_move_page(struct mdl_world *m, const struct xmp_op *op,
			 int seg, uint32_t page, int in_mem, int mod);
/* Adopt bytes after a failed move: kernel buffer or segment bytes. */
void mdl_adopt_kbuf(struct mdl_world *m, int kb, uint32_t off,
		    const uint8_t *buf, uint32_t len);
int mdl_adopt_bytes(struct mdl_world *m, int seg, uint32_t off,
		    const uint8_t *buf, uint32_t len);

/*
 * Kernel buffers start with a pattern derived from the program (seed),
 * written lazily: mdl_kbuf_seed at reset, mdl_kbuf_touch before any op reads
 * or compares [off, off+len) of buffer kb. mdl_kbuf_pattern fills one
 * chunk; the executor fills an implementation's buffers with it too.
 */
void mdl_kbuf_seed(struct mdl_world *m, uint32_t seed);
void mdl_kbuf_touch(struct mdl_world *m, int kb, uint32_t off, uint32_t len);
void mdl_kbuf_pattern(uint32_t seed, int kb, uint32_t chunk, uint8_t *buf);
#define MDL_KCHUNK 1024u /* kernel-buffer bytes materialised at a time */
#define MDL_KWORDS (XMC_KBUF_SIZE / MDL_KCHUNK / 64) /* bitmap words */

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
/* A whole page's bytes without a copy (a shared zero page for an untouched
 * one), valid until the next step; NULL where mdl_peek would fail. */
const uint8_t *mdl_page_bytes(const struct mdl_world *m, int seg,
			      uint32_t page);
const struct xmc_xmem *mdl_desc(const struct mdl_world *m, int slot);
const uint8_t *mdl_kbuf(const struct mdl_world *m, int kb);
const xmc_adspace *mdl_adspace(const struct mdl_world *m);

/* A created segment's state (enum xmc_seg_state) and holds; -1 if none. */
int mdl_seg_state(const struct mdl_world *m, int seg, int *state, int *holds);

/* Segments for the end-of-program sweep: live ones and their pages. */
int mdl_nsegs(const struct mdl_world *m);
int mdl_seg_live(const struct mdl_world *m, int seg, uint32_t *first,
		 uint32_t *npages);

#endif /* MDL_MODEL_H */

/*
 * world.h - the model's world state (internal to model/).
 * world.c owns state, steps and effects; interp.c evaluates the spec.
 */
#ifndef MDL_WORLD_H
#define MDL_WORLD_H

#include "model.h"

#define MDL_FRAME_NONE (-1) /* no adopted real frame */

struct mdl_page {
	uint8_t in_mem; /* has a frame */
	uint8_t valid; /* not hidden for DMA */
	uint8_t mod; /* modified bit */
	uint8_t pager_io; /* pager I/O state */
	uint8_t prot; /* enum xmc_prot */
	uint8_t io_err; /* page-in fails */
	uint8_t zero; /* contents all zero, bytes not materialised */
	uint16_t pin; /* pin count */
	uint16_t hide; /* hide count */
	uint16_t waiters; /* waiting processes */
	int64_t frame; /* adopted frame (W8) while pinned, else NONE */
	uint16_t by; /* 1 + clause whose effect last changed it, 0 = a step */
	uint8_t mod_open; /* modified bit left to an open reading by this op */
};

struct mdl_seg {
	uint8_t deleted; /* deleted (never observed again) */
	uint8_t pending; /* delete deferred by as_geth holds */
	uint8_t high; /* defined pages end the segment */
	uint16_t npages; /* defined pages */
	uint32_t base; /* first defined page */
	uint16_t holds; /* as_geth holds */
	struct mdl_page pg[XMC_OBJ_PAGES]; /* defined pages, from base */
	uint8_t *mem; /* npages * XMC_PAGE_SIZE bytes */
};

struct mdl_proc {
	uint8_t exists; /* created */
	uint8_t image; /* has its text and data segments (W12) */
	uint8_t ran; /* a service ran while it was current (image illegal) */
	xmc_adspace as; /* its address space */
};

/* Per-op cache of a range resolved through a descriptor (W2). */
struct mdl_range {
	int valid; /* cache filled for (slot, u, count) */
	int slot; /* descriptor slot */
	int64_t u, count; /* range */
	uint8_t reach; /* every page reachable */
	uint8_t any_none, any_ro; /* some page XMC_PROT_NONE / RO */
	uint8_t any_ro_k0, any_ro_k1; /* an RO page through a key-0 / 1 handle */
	uint8_t any_nonres, any_ioerr, any_hidden; /* page flags seen */
	uint16_t n; /* pages resolved */
	struct mdl_page_ref pages[MDL_MAX_TOUCHED]; /* resolved pages */
};

struct mdl_world {
	const struct mdl_spec *spec; /* clauses */
	int profile; /* enum xmc_profile */
	int cur; /* current pid */
	int nprocs; /* processes created */
	int nsegs; /* segments created */
	int interrupt; /* 1 at interrupt level */
	struct mdl_proc proc[XMC_MAX_PROCS]; /* processes */
	struct mdl_seg seg[XMC_NSEGS]; /* segments, by index (xmcheck.h) */
	uint16_t xsegs; /* image and kernel segments made: bit k - 16 */
	uint32_t caps; /* the implementation's caps (KERNEL_SPACE) */
	struct xmc_xmem desc[XMC_MAX_DESCS]; /* descriptor slots */
	uint8_t *kbuf[XMC_KBUFS]; /* kernel buffers */
	uint32_t kseed; /* pattern seed of the kernel buffers (the program) */
	uint64_t kmade[XMC_KBUFS][MDL_KWORDS]; /* chunks materialised */
	int8_t dpid[XMC_MAX_DESCS]; /* process that attached each descriptor */
	uint8_t dsys[XMC_MAX_DESCS]; /* attached with SYS_ADSPACE (W13) */
	uint8_t dopen[XMC_MAX_DESCS]; /* its aspace_id awaits sys_aspace */
	int8_t rd[MDL_NREADINGS]; /* fixed option of each reading, -1 open */
	int8_t rd_try[MDL_NREADINGS]; /* option assumed while evaluating */
	uint32_t rd_sens; /* open readings the evaluation depended on */
	int op_rd; /* reading the current op's addresses use (xaddr/uaddr) */
	struct mdl_range rc; /* range cache of the current op */
	const struct xmp_op *op; /* op being evaluated */
	int clause_now; /* clause whose effects are being applied */
};

/* world.c */
int mdlw_seg_made(const struct mdl_world *m, int k);
int mdlw_sid_seg(const struct mdl_world *m, uint32_t srval);
int mdlw_sid_any(const struct mdl_world *m, uint32_t srval);
int mdlw_kresolve(const struct mdl_world *m, int64_t a, int *seg,
		  uint32_t *page);
int mdlw_kdefined(const struct mdl_world *m, int64_t addr, int64_t count);
int mdlw_text_pages(const struct mdl_world *m, int64_t addr, int64_t count);
struct mdl_page *mdlw_page(struct mdl_world *m, int seg, uint32_t page);
int mdlw_resolve(struct mdl_world *m, int slot, int64_t u, int *seg,
		 uint32_t *page);
int mdlw_resolve_key(struct mdl_world *m, int slot, int64_t u, int *seg,
		     uint32_t *page, int *key);
int mdlw_rd(struct mdl_world *m, int r);
int mdlw_desc_remapped(const struct mdl_world *m, int slot);
int mdlw_outcomes(struct mdl_world *m, const struct xmp_op *op,
		  struct mdl_outcome *out, int max);
void mdlw_eval_outcome(struct mdl_world *m, const struct xmp_op *op,
		       struct mdl_outcome *o);
int mdlw_desc_known(const struct mdl_world *m, int slot);
int mdlw_desc_deleted(const struct mdl_world *m, int slot);
int mdlw_defined(const struct mdl_world *m, int64_t addr, int64_t count);
const struct mdl_range *mdlw_range(struct mdl_world *m, int slot, int64_t u,
				   int64_t count);
int mdlw_step_legal(struct mdl_world *m, const struct xmp_op *op,
		    struct mdl_eval *ev);
void mdlw_step_apply(struct mdl_world *m, const struct xmp_op *op);
void mdlw_effect(struct mdl_world *m, int effect, const struct xmp_op *op,
		 int64_t ret);
int mdlw_region_eligible(int r);
int mdlw_probe(struct mdl_world *m, int pid, int64_t addr, int *seg,
	       uint32_t *page);
uint8_t *mdlw_bytes(struct mdl_world *m, int seg, uint32_t page);
void mdlw_proc_init(struct mdl_proc *p, int pid);

#endif /* MDL_WORLD_H */

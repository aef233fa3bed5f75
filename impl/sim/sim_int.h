/*
 * sim_int.h - internals of the simulator shared by its sim_*.c files.
 *
 * The simulator is laid out like an AIX virtual memory manager: a pool of
 * real page frames, a software page table per segment whose entries point at
 * a frame or at the page's paging-space copy, per-frame hardware state
 * (storage key, change bit, pin and hide counts), a processor data cache in
 * front of real memory on the `power` profile, and per-process address
 * spaces of 16 segment registers.
 *
 * The segment table holds every index of docs/WORLD.md: user segments
 * (0..15), each process's text and private data (W12) and the kernel's own
 * segments (W13), which live in a separate kernel address space: region
 * XMC_KREGION(j) of it holds kernel segment j once created.
 */
#ifndef SIM_INT_H
#define SIM_INT_H

#include <stdint.h>

#include "xmcheck.h"

/*
 * Planted-bug builds: SIM_MUTANT = N compiles in the one deliberate bug
 * numbered N in impl/sim/mutants.txt (`make mutants` builds each as its own
 * plug-in). 0, the default, is the correct simulator; every mutation point
 * is an `#if SIM_MUTANT == N`, so the normal build is unchanged.
 */
#ifndef SIM_MUTANT
#define SIM_MUTANT 0
#endif

/*
 * Legitimate-variant builds: SIM_VARIANT = N compiles in the other reading
 * of the pages numbered N in impl/sim/variants.txt (`make variants` builds
 * each as its own plug-in and expects the model to accept it). 0, the
 * default, is the normal simulator; every variant point is an
 * `#if SIM_VARIANT == N`.
 */
#ifndef SIM_VARIANT
#define SIM_VARIANT 0
#endif

#define SIM_NPAGES (XMC_NSEGS * XMC_OBJ_PAGES) /* every segment's pages */
#define SIM_NFRAMES SIM_NPAGES /* enough for every page to be resident */
#define SIM_NOFRAME 0xffffu /* vpage.frame of a page on paging space */
#define SIM_FRAME_BASE 0x100u /* real frame number of frame index 0 */

#define SIM_LINE 64u /* cache line size in bytes */
#define SIM_SETS 64u /* cache sets: one per line of a page */
#define SIM_WAYS 2u /* cache associativity */

/* A range touches at most 2 segments of XMC_OBJ_PAGES defined pages. */
#define SIM_MAX_SPANS (2 * XMC_OBJ_PAGES)

/* Kernel segment ids of the fixed regions (outside XMC_SID's range). */
#define SIM_KSID_KERNEL 0x000u /* region 0, shared */
#define SIM_KSID_KEXT 0x00eu /* region 14, shared */
#define SIM_KSID_TEXT(p) (0x010u + (uint32_t)(p)) /* region 1 of pid p */
#define SIM_KSID_PRIV(p) (0x020u + (uint32_t)(p)) /* region 2 of pid p */

/* Kinds of segment index (docs/WORLD.md, "Objects"). */
#define SIM_IS_TEXT(k) ((k) >= XMC_SEG_TEXT(0) && (k) < XMC_SEG_DATA(0))
#define SIM_IS_KERN(k) ((k) >= XMC_SEG_KERN(0))

enum sim_seg_state {
	SIM_SEG_FREE = 0, /* never created */
	SIM_SEG_LIVE, /* created, usable */
	SIM_SEG_PENDING, /* seg_delete waits for the last as_puth */
	SIM_SEG_DELETED, /* gone; frames released */
};

/* Hardware and VMM state of one real page frame. */
struct sim_frame {
	uint16_t pin; /* pin count */
	uint16_t hide; /* xmemdma hides not yet undone */
	uint16_t waiters; /* processes sleeping until the last unhide */
	uint8_t key; /* storage key, enum xmc_prot */
	uint8_t mod; /* change bit, set by processor stores */
	uint8_t valid; /* 0 while hidden: no virtual address reaches it */
	uint8_t ncached; /* cache lines holding it: 0 lets peek skip the cache */
#if SIM_VARIANT == 10 || SIM_VARIANT == 22
	uint16_t ppc_hide; /* powerpc-hide-count: hides counted on powerpc */
#endif
};

/* Software page table entry of one defined page. */
struct sim_vpage {
	uint16_t frame; /* frame index, or SIM_NOFRAME when paged out */
	uint8_t prot; /* protection, kept while the page has no frame */
	uint8_t pager_io; /* page in pager I/O state */
	uint8_t io_error; /* reading the paging-space copy fails */
};

/* One segment (virtual-memory object). */
struct sim_seg {
	uint8_t state; /* enum sim_seg_state */
	uint8_t npages; /* defined pages, 1..XMC_OBJ_PAGES */
	uint16_t holds; /* as_geth holds outstanding */
	uint32_t first; /* page number of the first defined page */
	struct sim_vpage pg[XMC_OBJ_PAGES]; /* defined pages, in order */
};

/* Tag of one cache line (data lives in xmc_world.cdata). */
struct sim_line {
	uint16_t frame; /* frame index the line caches */
	uint8_t valid; /* line holds data */
	uint8_t dirty; /* line newer than real memory */
};

/* One cache set: line n of any page maps to set n. */
struct sim_set {
	struct sim_line way[SIM_WAYS]; /* tags */
	uint8_t lru; /* way to replace next */
};

#if SIM_VARIANT == 17
#define SIM_NATT 64 /* desc-table: one per op of the longest program */
/* desc-table: one attachment a descriptor names by its index. */
struct sim_att {
	uint8_t used; /* attached, not yet detached */
	int32_t aspace_id; /* XMEM_PROC or XMEM_PROC2 */
	uint32_t srval[2]; /* registers of the first and second region */
	uint32_t uaddr; /* start of the attached buffer */
};
#endif

struct xmc_world {
	int profile; /* enum xmc_profile */
	uint32_t rot; /* seed-chosen first frame of the free list */
	int nproc; /* processes 0..nproc-1 exist */
	int cur; /* current process */
	int intr; /* 1 at interrupt level */
	int nseg; /* user segments created so far */
	uint8_t imaged; /* bit pid: the process has its text and data (W12) */
	uint8_t served; /* bit pid: a service ran while pid was current */
	int nfree; /* frames on the free list */
	uint16_t freelist[SIM_NFRAMES]; /* stack of free frame indices */
	uint16_t free0[SIM_NFRAMES]; /* the free list after a reset */
	struct sim_frame fr[SIM_NFRAMES]; /* frame table */
	struct sim_seg seg[XMC_NSEGS]; /* segment k has sid XMC_SID(k) */
	xmc_adspace as[XMC_MAX_PROCS]; /* address space of each process */
	struct sim_set cache[SIM_SETS]; /* data cache tags (power only) */
	uint8_t cdata[SIM_SETS][SIM_WAYS][SIM_LINE]; /* cache line data */
	uint8_t fdirty[SIM_NFRAMES]; /* frame written since last zeroed */
	uint8_t mem[SIM_NFRAMES][XMC_PAGE_SIZE]; /* real memory */
	uint8_t ps[SIM_NPAGES][XMC_PAGE_SIZE]; /* paging space, one per page */
#if SIM_VARIANT == 17
	struct sim_att att[SIM_NATT]; /* desc-table: attachments by index */
#endif
};

/* A piece of a range that lies in one defined page. */
struct sim_span {
	struct sim_seg *s; /* segment of the page */
	struct sim_vpage *vp; /* the page */
	uint32_t off; /* first byte in the page */
	uint32_t len; /* bytes in the page */
#if SIM_VARIANT == 15
	uint8_t key; /* key0-ro-bypass: key bit of the handle reaching it */
#endif
};

/* sim_mem.c: segments, pages, frames, paging, cache */
struct sim_seg *sim_seg(xmc_world *w, uint32_t sid);
int sim_seg_live(const struct sim_seg *s);
struct sim_vpage *sim_vpage(struct sim_seg *s, uint32_t page);
int sim_seg_create(xmc_world *w, int k, int npages, int high, int prot);
struct sim_seg *sim_kseg_at(xmc_world *w, uint32_t region);
void sim_seg_destroy(xmc_world *w, struct sim_seg *s);
int sim_page_in(xmc_world *w, struct sim_seg *s, struct sim_vpage *vp);
void sim_page_out(xmc_world *w, struct sim_seg *s, struct sim_vpage *vp);
void sim_mem_init(xmc_world *w);
void sim_mem_reset(xmc_world *w);
int sim_seg_span(struct sim_seg *s, uint32_t off, uint32_t len,
		 struct sim_span *sp, int max);
void sim_cpu_read(xmc_world *w, const struct sim_span *sp, uint8_t *buf);
void sim_cpu_write(xmc_world *w, const struct sim_span *sp,
		   const uint8_t *buf);
void sim_cpu_peek(xmc_world *w, const struct sim_span *sp, uint8_t *buf);
void sim_cache_flush(xmc_world *w, uint16_t frame, int writeback);
#if SIM_VARIANT == 13
void sim_frame_move(xmc_world *w, struct sim_vpage *vp);
#endif

/* Note that a service runs while the current process is current (W12). */
static inline void sim_served(xmc_world *w)
{
	w->served |= (uint8_t)(1u << w->cur);
}

/* Is s a process's text segment (W12)? */
static inline int sim_is_text(const xmc_world *w, const struct sim_seg *s)
{
	return s && SIM_IS_TEXT(s - w->seg);
}

/* sim_as.c: address spaces */
void sim_as_init(xmc_world *w, int pid);
xmc_adspace *sim_as_cur(xmc_world *w);

/* hooks (sim_step.c): world steps and observation */
int sim_proc_new(xmc_world *w, int pid);
int sim_proc_switch(xmc_world *w, int pid);
int sim_seg_new(xmc_world *w, uint32_t sid, int npages, int high);
int sim_seg_delete(xmc_world *w, uint32_t sid);
int sim_map(xmc_world *w, int pid, int region, uint32_t sid, int key);
int sim_protect(xmc_world *w, uint32_t sid, uint32_t page, int prot);
int sim_pin(xmc_world *w, uint32_t sid, uint32_t page);
int sim_unpin(xmc_world *w, uint32_t sid, uint32_t page);
int sim_page_out_step(xmc_world *w, uint32_t sid, uint32_t page);
int sim_page_in_step(xmc_world *w, uint32_t sid, uint32_t page);
int sim_io_error(xmc_world *w, uint32_t sid, uint32_t page, int on);
int sim_pager_io(xmc_world *w, uint32_t sid, uint32_t page, int on);
int sim_wait(xmc_world *w, uint32_t sid, uint32_t page);
int sim_set_env(xmc_world *w, int interrupt);
int sim_poke(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
	     uint32_t len);
int sim_dma_read(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		 uint32_t len);
int sim_dma_write(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		  uint32_t len);
int sim_clear_mod(xmc_world *w, uint32_t sid, uint32_t page);
int sim_page_state(xmc_world *w, uint32_t sid, uint32_t page,
		   struct xmc_page_state *out);
int sim_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
	     uint32_t len);
int sim_probe(xmc_world *w, int pid, xmc_caddr addr);
int sim_seg_state(xmc_world *w, uint32_t sid, int *state, int *holds);

/* hooks (sim_kern.c): process images and kernel segments (W12, W13) */
int sim_image(xmc_world *w, int pid, int npages);
int sim_kseg_new(xmc_world *w, int j, int npages);

/* hooks (sim_xmem.c): cross-memory services */
int sim_xmattach(xmc_world *w, xmc_caddr addr, int count,
		 struct xmc_xmem *dp, int segflag);
int sim_xmdetach(xmc_world *w, struct xmc_xmem *dp);
int sim_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
	       struct xmc_xmem *dp);
int sim_xmemout(xmc_world *w, void *kaddr, xmc_caddr uaddr, int count,
		struct xmc_xmem *dp);
int sim_xmemdma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag);
uint64_t sim_xmemdma64(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
		       int flag);

/* hooks (sim_as.c): address-space services */
xmc_adspace *sim_getadsp(xmc_world *w);
xmc_caddr sim_as_att(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h,
		     xmc_caddr offset);
int sim_as_det(xmc_world *w, xmc_adspace *adsp, xmc_caddr eaddr);
xmc_vmhandle sim_as_geth(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr);
void sim_as_puth(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h);
xmc_vmhandle sim_as_getsrval(xmc_world *w, xmc_adspace *adsp,
			     xmc_caddr addr);

#endif /* SIM_INT_H */

/*
 * lnx_int.h - internals shared by the files of the Linux shim.
 */
#ifndef LNX_INT_H
#define LNX_INT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, process_vm_*, sched_getcpu */
#endif

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "linux.h"
#include "xmcheck.h"

#define LNX_NCHILD 5 /* four user processes and the kernel helper */
#define LNX_KPROC 4  /* child index of the kernel helper */
#define LNX_BASE 0x200000000000ull	/* window of child 0 */
#define LNX_STRIDE 0x1000000000ull	/* distance between windows (64 GiB) */
#define LNX_WINDOW (1ull << 32)		/* 16 slots of 256 MiB */
#define LNX_SLOT (1ull << XMC_SEGSHIFT) /* one region */
#define LNX_PG 4096u			/* bytes per page */
#define LNX_FRAME0 0x100u		/* first synthetic frame number */
#define LNX_FIXED_REGIONS 0xe0020000u	/* alloc bits of regions 0, 1, 2, 14 */
#define LNX_CAPS                                                               \
	(XMC_CAP_PROCS | XMC_CAP_SEG_DELETE | XMC_CAP_PROTECT | XMC_CAP_PIN |  \
	 XMC_CAP_PAGEOUT | XMC_CAP_IO_ERROR | XMC_CAP_INTERRUPT |              \
	 XMC_CAP_DMA_DEVICE | XMC_CAP_MODIFIED | XMC_CAP_PROBE |              \
	 XMC_CAP_IMAGE | XMC_CAP_KERNEL)
#define LNX_SELF (-1) /* alias "child" index: the shim's own kernel mapping */
#define LNX_IS_KERN(k) ((k) >= XMC_SEG_KERN(0)) /* kernel segment index */

/* Requests the parent posts to a child (handled in order). */
enum lnx_op {
	LNX_OP_MAP = 1, /* map segment k's memfd at addr */
	LNX_OP_UNMAP,	/* re-reserve [addr, +npages) PROT_NONE */
	LNX_OP_ZAP,	/* MADV_DONTNEED [addr, +npages): drop the PTEs */
	LNX_OP_PROT,	/* mprotect [addr, +npages) to prot[0] */
	LNX_OP_RESET,	/* close the cached memfds (slots unmapped before) */
	LNX_OP_FD,	/* take segment k's memfd from the socket (newfd) */
};

/* One request in the ring. */
struct lnx_req {
	uint32_t op;	 /* enum lnx_op */
	uint32_t k;	 /* MAP: segment index (the child caches its memfd) */
	uint64_t addr;	 /* first byte, inside the child's window */
	uint32_t npages; /* pages from addr */
	uint32_t foff;	 /* MAP: memfd page mapped at addr */
	uint8_t uffd;	 /* MAP: register the range with the child's uffd */
	uint8_t newfd;	 /* MAP, FD: the memfd waits on the socket */
	uint8_t prot[XMC_OBJ_PAGES]; /* MAP/PROT: enum xmc_prot per page */
};

#define LNX_RING 256 /* requests in flight per child */

/* Memory shared by the parent and one child: a single-producer ring. The
 * child is woken only when the parent needs the work done (a barrier). */
struct lnx_ctl {
	_Atomic uint32_t head;	       /* requests posted (parent writes) */
	_Atomic uint32_t tail;	       /* requests done (child writes) */
	_Atomic uint32_t sleeping;     /* 1 while the child waits on head */
	_Atomic uint32_t waiting;      /* 1 while the parent waits on tail */
	_Atomic int32_t err;	       /* first errno a request met, 0 = none */
	_Atomic uint32_t errop;	       /* request kind that met it */
	struct lnx_req ring[LNX_RING]; /* requests, index seq % LNX_RING */
};

/* What a child really has in one slot (region r; slot k in the helper).
 * Between programs a mapping is "parked": kept, with the state its pages
 * were left in, so that a program mapping the same segment there again
 * reuses it; the first barrier of the child in the new program unmaps the
 * parked slots no one claimed (nothing observes the child before). */
struct lnx_slotmap {
	int8_t k;	 /* segment index mapped, -1 = reservation only */
	uint8_t npages;	 /* defined pages mapped */
	uint8_t high;	 /* at the top of the slot */
	uint8_t parked;	 /* left from an earlier program, unclaimed */
	uint8_t reuse;	 /* parked and may be claimed (segment restored) */
	uint16_t absent; /* parked: PTE dropped (uffd), bit i = page i */
	uint16_t owe;	 /* PTEs the next barrier installs (lnx_pay) */
	uint8_t prot[XMC_OBJ_PAGES]; /* parked: protection of each page */
};

/* One forked child: a world process (0..3) or the kernel helper (4). */
struct lnx_child {
	pid_t pid;     /* Linux pid, 0 when not running */
	int sock;      /* parent end of the SOCK_SEQPACKET pair */
	int uffd;      /* the child's userfaultfd, -1 without */
	int maps;      /* /proc/PID/maps for PROCMAP_QUERY, -1 without */
	int pagemap;   /* /proc/PID/pagemap (kernel observation), -1 */
	int broken;    /* the channel failed: restart at the next reset */
	int nparked;   /* slots parked (see struct lnx_slotmap) */
	int nowe;      /* 1 when some slot owes PTEs (lnx_pay) */
	uint64_t base; /* start of the child's 4 GiB window */
	uint32_t fds;  /* segments whose memfd the child holds (bit k) */
	struct lnx_slotmap sm[16]; /* what each slot really maps */
	struct lnx_ctl *ctl; /* shared ring */
};

/* Shim state of one defined page. */
struct lnx_page {
	uint8_t in_memory;   /* has a frame (else "paged out") */
	uint8_t modified;    /* modified bit kept by the shim */
	uint8_t prot;	     /* enum xmc_prot (storage key) */
	uint8_t io_error;    /* page-in fails */
	uint16_t pin_count;  /* pins held; mlock while > 0 */
	uint16_t hide_count; /* hides not yet undone */
	uint32_t frame;	     /* synthetic frame number, fixed while pinned */
};

/* One segment (virtual-memory object). The memfd, its mapping and inode
 * are a pool entry kept across programs (reset restores the bytes in
 * place); the rest is per program. A memfd holds XMC_OBJ_PAGES pages:
 * a low segment's pages from file page 0, a high one's ending at the last,
 * so a slot maps page p at the same file page whatever npages is. */
struct lnx_seg {
	int created;	/* made in this program (seg_new, image, kseg_new) */
	int fd;		/* pool: memfd, -1 when none */
	uint8_t *base;	/* pool: parent's mapping of all its pages */
	uint64_t ino;	/* pool: memfd inode, for PROCMAP_QUERY */
	int filled;	/* pool: every page in the page cache (lnx_fill) */
	uint8_t *real;	/* "real memory" of defined page 0 (in base) */
	uint32_t foff;	/* file page of defined page 0 */
	uint32_t first; /* segment page number of defined page 0 */
	int npages;	/* defined pages */
	int deleted;	/* seg_delete took effect */
	int pending;	/* seg_delete waits for the last as_puth */
	int holds;	/* as_geth holds outstanding */
	uint8_t *kva;	/* kernel segment: the shim's kernel-space mapping of
			 * defined page 0 (its own alias), NULL otherwise */
	uint16_t kabsent; /* kva: PTE dropped (paged out), bit i = page i */
	uint8_t kprot[XMC_OBJ_PAGES]; /* kva: enum xmc_prot mprotect'ed */
	struct lnx_page pg[XMC_OBJ_PAGES]; /* per defined page */
};

/* Optional kernel features the shim probes at create (kobs.c). */
enum lnx_feature {
	LNX_F_UFFD,	/* userfaultfd MINOR (shmem) + SIGBUS: hide, page-out */
	LNX_F_PMQ,	/* PROCMAP_QUERY ioctl (6.11): VMA cross-checks */
	LNX_F_SCAN,	/* PAGEMAP_SCAN ioctl (6.7): residency in one call */
	LNX_F_KPF,	/* /proc/kpageflags with real PFNs (root): mlocked */
	LNX_F_KCHECK,	/* page_state consults the kernel at all */
	LNX_NFEAT
};

/* One feature: whether it is used, and why not. */
struct lnx_feat {
	int on;		/* 1 when available and not disabled */
	char why[120];	/* reason it is off (probe result or disabled) */
};

/* Kernel readings, valid while the world's kgen is unchanged. */
struct lnx_kcache {
	uint64_t pres_gen[LNX_NCHILD][16]; /* kgen of pres, 0 = none */
	uint16_t pres[LNX_NCHILD][16];	   /* PTE present, bit i = page i */
	uint64_t lock_gen[XMC_NSEGS];	   /* lgen of locked/lock_ok */
	uint16_t lock_ok[XMC_NSEGS];	   /* pages whose bit was read */
	uint16_t locked[XMC_NSEGS];	   /* mlocked, bit i = page i */
	uint64_t kpres_gen[XMC_KSEGS];	   /* kgen of kpres, 0 = none */
	uint16_t kpres[XMC_KSEGS];	   /* kva PTE present, bit i = page i */
	uint64_t smaps_gen;		   /* lgen of the smaps parse */
};

/* One world process: the shim's adspace_t mirror of a child. */
struct lnx_proc {
	int exists;	  /* proc_new done (process 0 always) */
	xmc_adspace adsp; /* alloc bitmap and segment registers */
	int8_t seg[16];	  /* segment index mapped in region r, -1 none */
};

/* A place where a segment is mapped: child c, slot start. */
struct lnx_alias {
	int c;	       /* child index */
	uint64_t slot; /* address of segment page 0 in the child */
};

/* A piece of a user range inside one segment. */
struct lnx_piece {
	int k;	      /* segment index */
	int region;   /* region of the user address */
	uint32_t off; /* byte offset in the segment */
	uint32_t len; /* bytes */
};

struct xmc_world {
	struct xmc_config cfg;		     /* profile and seed */
	struct lnx_child ch[LNX_NCHILD];     /* forked children */
	struct lnx_proc proc[XMC_MAX_PROCS]; /* world processes */
	struct lnx_seg seg[XMC_NSEGS];	     /* segments by index */
	int nsegs;			     /* user segments created */
	uint8_t *kwin;	     /* the shim's kernel space: 16 regions, made at
			      * the first kseg_new, PROT_NONE between pages */
	int maps_self;	     /* /proc/self/maps (PROCMAP_QUERY), -1 */
	int cur;			     /* current process */
	int intr;			     /* 1 at interrupt level */
	uint32_t kmap;	     /* segments mapped in the kernel helper (bit k) */
	uint32_t next_frame; /* next synthetic frame number */
	int use_uffd;	     /* hide/page-out with uffd MINOR, else mprotect */
	int fresh;	     /* XMCHECK_LINUX_FRESH: no reuse across programs */
	int settle;	     /* XMCHECK_LINUX_SETTLE: reset leaves no work */
	int have_pmq;	     /* PROCMAP_QUERY works on /proc/PID/maps */
	struct lnx_feat feat[LNX_NFEAT]; /* optional kernel features */
	char feat_text[LNX_NFEAT * 200]; /* cap_reason(w, 0): feature lines */
	int pm_self;	     /* /proc/self/pagemap, -1 without */
	int kpf;	     /* /proc/kpageflags, -1 without */
	uint64_t kgen;	     /* bumped by every action Linux can see */
	uint64_t lgen;	     /* bumped by mlock, munlock, segment changes */
	struct lnx_kcache kc; /* kernel readings of generation kgen */
	uint32_t caps;	     /* capabilities available in this world */
	char pin_why[96];    /* reason when XMC_CAP_PIN is missing */
	char uffd_why[96];   /* reason when userfaultfd is not used */
	unsigned errors;     /* internal disagreements met */
	int cpu_pinned;	     /* affinity changed; restore oldmask */
	cpu_set_t oldmask;   /* caller's affinity before create */
	unsigned forks;	     /* lnx_forks when this process got the world */
	uint64_t bgen;	     /* bumped by poke and dma_write (real bytes) */
	int pk_k;	     /* segment whose defined pages pk_buf holds */
	uint64_t pk_kgen, pk_bgen; /* kgen and bgen pk_buf was read at */
	uint8_t pk_buf[XMC_OBJ_PAGES * LNX_PG]; /* peek: one pread */
};

/* chan.c: children and the request channel */
int lnx_child_start(xmc_world *w, int c, char *err, size_t errlen);
void lnx_child_stop(xmc_world *w, int c);
int lnx_post(xmc_world *w, int c, struct lnx_req *rq, int fd);
int lnx_barrier(xmc_world *w, int c);
int lnx_settle(xmc_world *w, int c);
int lnx_give_fd(xmc_world *w, int c, int k);
/* alias.c: slots kept across programs */
void lnx_park(xmc_world *w, int c);
void lnx_park_zapped(xmc_world *w, int c, uint32_t zapped, uint32_t lost);
void lnx_flush_parked(xmc_world *w, int c);
void lnx_owe(xmc_world *w, int c, uint64_t addr, uint64_t len, int owe);
int lnx_pay(xmc_world *w, int c);

/* alias.c: page state enacted at every alias, copies, probes */
struct lnx_seg *lnx_seg_of(xmc_world *w, uint32_t sid, int *k);
int lnx_seg_state(xmc_world *w, uint32_t sid, int *state, int *holds);
uint64_t lnx_xmemdma64(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
		       int flag);
struct lnx_page *lnx_pg(struct lnx_seg *s, uint32_t page);
int lnx_visible(const struct lnx_page *pg);
int lnx_map_slot(xmc_world *w, int c, int slot, int k);
int lnx_unmap_slot(xmc_world *w, int c, int slot, int k);
int lnx_enact(xmc_world *w, int k, uint32_t page, int prot_changed);
int lnx_enact_hide(xmc_world *w, int k, uint32_t page);
int lnx_page_in(xmc_world *w, int k, uint32_t page);
int lnx_copy(xmc_world *w, const struct lnx_piece *pc, int n, void *kbuf,
	     int out);
int lnx_vma_check(xmc_world *w, int c, uint64_t addr, int k, uint32_t page);
void lnx_complain(xmc_world *w, const char *what, int err);
int lnx_pmq_works(xmc_world *w);
int lnx_aliases(xmc_world *w, int k, struct lnx_alias *al);

#define LNX_MAX_ALIAS (XMC_MAX_PROCS * 16 + 2) /* slots, helper, self */

/* kobs.c: optional features and the kernel's view of a page */
int lnx_features_probe(xmc_world *w, char *err, size_t errlen);
void lnx_features_close(xmc_world *w);
void lnx_features_reopen(xmc_world *w);
const char *lnx_features_text(xmc_world *w);
void lnx_kobserve(xmc_world *w, int k, uint32_t page,
		  struct xmc_page_state *out);
int lnx_mlock(xmc_world *w, void *addr);
int lnx_sys_mlock(void *addr, size_t len, int lock);
int lnx_munlock(xmc_world *w, void *addr);

/* world.c */
extern unsigned lnx_forks; /* bumped in the child of every fork() */
void lnx_seg_do_delete(xmc_world *w, int k);
int lnx_fill(xmc_world *w, int k);
uint32_t lnx_runtime_caps(xmc_world *w);

/* xmem.c / adspace.c: the services (plugin.c wires them) */
int lnx_xmattach(xmc_world *w, xmc_caddr addr, int count, struct xmc_xmem *dp,
		 int segflag);
int lnx_xmdetach(xmc_world *w, struct xmc_xmem *dp);
int lnx_xmemin(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
	       struct xmc_xmem *dp);
int lnx_xmemout(xmc_world *w, void *kaddr, xmc_caddr uaddr, int count,
		struct xmc_xmem *dp);
int lnx_xmemdma(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr, int flag);
xmc_caddr lnx_as_att(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h,
		     xmc_caddr offset);
int lnx_as_det(xmc_world *w, xmc_adspace *adsp, xmc_caddr eaddr);
xmc_adspace *lnx_getadsp(xmc_world *w);
xmc_vmhandle lnx_as_geth(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr);
void lnx_as_puth(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h);
xmc_vmhandle lnx_as_getsrval(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr);

/* world.c: lifecycle and world steps (plugin.c wires them) */
xmc_world *lnx_create(const struct xmc_config *cfg, char *err, size_t errlen);
int lnx_reset(xmc_world *w);
void lnx_destroy(xmc_world *w);
const char *lnx_cap_reason(xmc_world *w, uint32_t cap);
int lnx_proc_new(xmc_world *w, int pid);
int lnx_proc_switch(xmc_world *w, int pid);
int lnx_seg_new(xmc_world *w, uint32_t sid, int npages, int high);
int lnx_seg_delete(xmc_world *w, uint32_t sid);
int lnx_map(xmc_world *w, int pid, int region, uint32_t sid, int key);
int lnx_set_env(xmc_world *w, int interrupt);
int lnx_seg_create(xmc_world *w, int k, int npages, int high);

/* kseg.c: process images and kernel space (WORLD.md W12, W13) */
int lnx_image(xmc_world *w, int pid, int npages);
int lnx_kseg_new(xmc_world *w, int j, int npages);
int lnx_kseg_at(xmc_world *w, int region);
int lnx_kwin(xmc_world *w);
int lnx_kenact(xmc_world *w, int k, uint32_t page);
void lnx_kreset(xmc_world *w);
void lnx_kclose(xmc_world *w);

/* pages.c: page-level world steps and observation */
int lnx_protect(xmc_world *w, uint32_t sid, uint32_t page, int prot);
int lnx_pin(xmc_world *w, uint32_t sid, uint32_t page);
int lnx_unpin(xmc_world *w, uint32_t sid, uint32_t page);
int lnx_page_out(xmc_world *w, uint32_t sid, uint32_t page);
int lnx_page_in_step(xmc_world *w, uint32_t sid, uint32_t page);
int lnx_io_error(xmc_world *w, uint32_t sid, uint32_t page, int on);
int lnx_poke(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
	     uint32_t len);
int lnx_dma_read(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		 uint32_t len);
int lnx_dma_write(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		  uint32_t len);
int lnx_clear_mod(xmc_world *w, uint32_t sid, uint32_t page);
int lnx_page_state(xmc_world *w, uint32_t sid, uint32_t page,
		   struct xmc_page_state *out);
int lnx_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf, uint32_t len);

/* probe.c: the probe hook, Linux's answer cross-checked with the tables */
int lnx_probe_load(xmc_world *w, int pid, xmc_caddr addr);

#endif /* LNX_INT_H */

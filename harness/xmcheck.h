/*
 * xmcheck.h - the xmcheck plug-in ABI.
 *
 * This one header is the whole contract between the harness and an
 * implementation under test (the reference model, the simulator, the Linux
 * shim, a vendor's .so). A plug-in exports one symbol, XMC_PLUGIN_SYMBOL
 * ("xmcheck_plugin"), a function of type xmc_plugin_fn returning its
 * `const struct xmc_plugin`. Any function pointer may be NULL: the harness
 * then treats that step or service as unsupported for the plug-in.
 *
 * The world the services act on is described in docs/WORLD.md: processes with
 * 16 segment registers, segments (virtual-memory objects) of up to
 * XMC_OBJ_PAGES defined pages, cross-memory descriptors and kernel buffers
 * owned by the harness, an execution environment and per-page DMA state.
 * The harness names every object it creates (process ids, segment ids), so
 * that descriptors and segment register values compare exactly across
 * implementations. World steps are only issued when docs/WORLD.md says they
 * are legal; a plug-in returns non-zero from a step it cannot perform.
 *
 * Addresses are 32-bit AIX effective addresses: region (4 bits) | offset.
 * Nothing here depends on the plug-in living in the harness's address space:
 * every pointer argument points to a buffer of known size that a sandbox
 * proxy can copy in and out.
 *
 * Versioning: abi_version must equal XMC_ABI_VERSION; struct_size lets a newer
 * harness accept an older, shorter struct (missing tail hooks = NULL).
 */
#ifndef XMCHECK_H
#define XMCHECK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XMC_ABI_VERSION 1u
#define XMC_PLUGIN_SYMBOL "xmcheck_plugin"

/* ---- AIX constants (values of AIX's own headers; see aix-services.md) ---- */
#ifndef XMEM_SUCC
#define XMEM_SUCC 0 /* service succeeded */
#define XMEM_FAIL (-1) /* service failed */
#define XMEM_PROC 0 /* aspace_id: one process segment */
#define XMEM_GLOBAL (-1) /* aspace_id: kernel space, set by hand */
#define XMEM_INVAL (-2) /* aspace_id: descriptor free */
#define XMEM_PROC2 (-3) /* aspace_id: buffer spans two segments */
#define USER_ADSPACE 0 /* segflag: user data space */
#define SYS_ADSPACE 1 /* segflag: kernel space */
#define USERI_ADSPACE 2 /* segflag: user instruction space */
#define XMEM_HIDE 0x0 /* xmemdma: prepare page for DMA */
#define XMEM_UNHIDE 0x1 /* xmemdma: page done with DMA */
#define XMEM_ACC_CHK 0x2 /* xmemdma: check page protection */
#define XMEM_WRITE_ONLY 0x4 /* xmemdma: outbound only, read suffices */
#endif
#define XMC_SEGSHIFT 28 /* a region is one 256 MiB segment */
#define XMC_NULLSEGVAL 0x007fffffu /* empty segment register value */
#define XMC_EINVAL 22 /* as_det failure value */
#define XMC_VM_PRIV 0u /* key bit value: privileged */
#define XMC_VM_UNPRIV 1u /* key bit value: unprivileged */

/* ---- The harness's world (docs/WORLD.md) ---- */
#define XMC_PAGE_SIZE 4096u /* bytes per page */
#define XMC_SEG_PAGES 65536u /* pages in one 256 MiB segment */
#define XMC_OBJ_PAGES 16u /* most defined pages in one object */
#define XMC_MAX_PROCS 4 /* process ids 0..3; 0 exists after create */
#define XMC_MAX_SEGS 16 /* user segments, sid XMC_SID(0..15) */
#define XMC_MAX_DESCS 4 /* descriptor slots the harness owns */
#define XMC_KBUFS 2 /* kernel buffers the harness owns */
#define XMC_KBUF_SIZE (2 * XMC_OBJ_PAGES * XMC_PAGE_SIZE) /* bytes per kbuf */
#define XMC_SID(k) (0x1000u + (uint32_t)(k)) /* segment id of object k */
/*
 * Segment indexes past the user segments (docs/WORLD.md, "Process text and
 * data", "Kernel space"): every index k names sid XMC_SID(k).
 */
#define XMC_SEG_TEXT(pid) (16 + (pid)) /* text segment of process pid */
#define XMC_SEG_DATA(pid) (20 + (pid)) /* private data segment of pid */
#define XMC_KSEGS 2 /* kernel segments */
#define XMC_SEG_KERN(j) (24 + (j)) /* kernel segment j, 0..XMC_KSEGS-1 */
#define XMC_NSEGS 26 /* every segment index: user, text, data, kernel */
#define XMC_KREGION(j) ((j) ? 14 : 0) /* kernel region of kernel segment j */
#define XMC_SRVAL(sid, key) ((((uint32_t)(key)&1u) << 30) | ((sid)&0xffffffu))
#define XMC_SRVAL_SID(v) ((v)&0xffffffu) /* segment id of a handle */
#define XMC_REGION(a) ((uint32_t)(a) >> XMC_SEGSHIFT) /* region of an address */
#define XMC_OFFSET(a) ((uint32_t)(a)&0x0fffffffu) /* offset in the region */

/* Page protection (storage key) of one page. */
enum xmc_prot {
	XMC_PROT_RW = 0, /* read and write */
	XMC_PROT_RO = 1, /* read-only storage key */
	XMC_PROT_NONE = 2, /* no access */
};

/* Platform profiles. */
enum xmc_profile {
	XMC_PROFILE_POWER = 1, /* cache-inconsistent: xmemdma hides pages */
	XMC_PROFILE_POWERPC = 2, /* cache-consistent: translation only */
};

/*
 * Capabilities: world steps a plug-in can produce faithfully. A clause of the
 * spec that needs a capability the plug-in lacks reads `unsupported`, and
 * the generator does not produce the steps for it.
 */
enum xmc_cap {
	XMC_CAP_PROCS = 1u << 0, /* proc_new / proc_switch */
	XMC_CAP_SEG_DELETE = 1u << 1, /* seg_delete */
	XMC_CAP_PROTECT = 1u << 2, /* protect: RO key and no-access pages */
	XMC_CAP_PIN = 1u << 3, /* pin / unpin */
	XMC_CAP_PAGEOUT = 1u << 4, /* page_out / page_in */
	XMC_CAP_IO_ERROR = 1u << 5, /* io_error: paging I/O error on page-in */
	XMC_CAP_PAGER_IO = 1u << 6, /* pager_io: page in pager I/O state */
	XMC_CAP_WAITERS = 1u << 7, /* wait: processes waiting on a page */
	XMC_CAP_INTERRUPT = 1u << 8, /* set_env: interrupt level */
	XMC_CAP_DMA_DEVICE = 1u << 9, /* dma_read / dma_write */
	XMC_CAP_MODIFIED = 1u << 10, /* modified bit observable, clear_mod */
	XMC_CAP_PROBE = 1u << 11, /* probe: a processor load, as it would go */
	XMC_CAP_IMAGE = 1u << 12, /* image: process text and private data */
	XMC_CAP_KERNEL = 1u << 13, /* kseg_new: kernel segments, XMEM_GLOBAL */
};
#define XMC_CAP_ALL 0x3fffu
/*
 * Not a world capability: set in caps when the plug-in creates processes
 * (fork, clone), which the harness's sandbox otherwise refuses (the Linux
 * shim does). Harnesses older than this flag ignore it.
 */
#define XMC_CAP_CHILDREN (1u << 31)

/* DMA state of one page, as observed (docs/WORLD.md, "Page state"). */
struct xmc_page_state {
	uint8_t in_memory; /* 1 when the page has a real frame */
	uint8_t valid; /* 0 while hidden for DMA (power profile) */
	uint8_t modified; /* modified (change) bit */
	uint8_t pager_io; /* 1 while in pager I/O state */
	uint8_t prot; /* enum xmc_prot */
	uint8_t io_error; /* 1 when a page-in of it fails */
	uint16_t pin_count; /* pins held */
	uint16_t hide_count; /* hides not yet undone */
	uint16_t waiters; /* processes waiting on the page */
};

/* Cross-memory descriptor: AIX's struct xmem, four 32-bit words. */
struct xmc_xmem {
	int32_t aspace_id; /* XMEM_PROC, XMEM_PROC2, XMEM_INVAL, ... */
	uint32_t subspace_id; /* segment register value of the first segment */
	uint32_t subspace_id2; /* second segment, for XMEM_PROC2 */
	uint32_t uaddr; /* start of the attached buffer */
};

typedef uint32_t xmc_caddr; /* 32-bit effective address */
typedef uint32_t xmc_vmhandle; /* segment register value */

/* AIX's adspace_t: region n in use when alloc & (0x80000000 >> n). */
typedef struct xmc_adspace {
	uint32_t alloc; /* allocation bitmap */
	xmc_vmhandle srval[16]; /* segment register values */
} xmc_adspace;

typedef struct xmc_world xmc_world; /* opaque, owned by the plug-in */

/* What the harness asks for when it creates a world. */
struct xmc_config {
	int profile; /* enum xmc_profile */
	uint64_t seed; /* run seed, for deterministic internal choices */
};

struct xmc_plugin {
	/* identity */
	uint32_t abi_version; /* XMC_ABI_VERSION */
	uint32_t struct_size; /* sizeof(struct xmc_plugin) when built */
	const char *name; /* short name: "sim", "linux", "acme" */
	const char *version; /* implementation version string */
	uint32_t profiles; /* bitmask of 1u << enum xmc_profile it claims */
	uint32_t caps; /* enum xmc_cap bits it can ever have */

	/* lifecycle: create returns NULL and fills err on failure */
	xmc_world *(*create)(const struct xmc_config *cfg, char *err,
			     size_t errlen);
	int (*reset)(xmc_world *w); /* back to the state after create */
	void (*destroy)(xmc_world *w);
	/* caps actually available in this world (privileges); NULL = caps */
	uint32_t (*runtime_caps)(xmc_world *w);
	/* why a capability is missing, one line; NULL = no reason given */
	const char *(*cap_reason)(xmc_world *w, uint32_t cap);

	/* world steps: 0 = done, non-zero = refused (docs/WORLD.md) */
	int (*proc_new)(xmc_world *w, int pid);
	int (*proc_switch)(xmc_world *w, int pid);
	int (*seg_new)(xmc_world *w, uint32_t sid, int npages, int high);
	int (*seg_delete)(xmc_world *w, uint32_t sid);
	int (*map)(xmc_world *w, int pid, int region, uint32_t sid, int key);
	int (*protect)(xmc_world *w, uint32_t sid, uint32_t page, int prot);
	int (*pin)(xmc_world *w, uint32_t sid, uint32_t page);
	int (*unpin)(xmc_world *w, uint32_t sid, uint32_t page);
	int (*page_out)(xmc_world *w, uint32_t sid, uint32_t page);
	int (*page_in)(xmc_world *w, uint32_t sid, uint32_t page);
	int (*io_error)(xmc_world *w, uint32_t sid, uint32_t page, int on);
	int (*pager_io)(xmc_world *w, uint32_t sid, uint32_t page, int on);
	int (*wait)(xmc_world *w, uint32_t sid, uint32_t page);
	int (*set_env)(xmc_world *w, int interrupt);
	int (*poke)(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		    uint32_t len);
	int (*dma_read)(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
			uint32_t len);
	int (*dma_write)(xmc_world *w, uint32_t sid, uint32_t off,
			 const void *buf, uint32_t len);
	int (*clear_mod)(xmc_world *w, uint32_t sid, uint32_t page);

	/* the services, AIX signatures after the world handle */
	int (*xmattach)(xmc_world *w, xmc_caddr addr, int count,
			struct xmc_xmem *dp, int segflag);
	int (*xmdetach)(xmc_world *w, struct xmc_xmem *dp);
	int (*xmemin)(xmc_world *w, xmc_caddr uaddr, void *kaddr, int count,
		      struct xmc_xmem *dp);
	int (*xmemout)(xmc_world *w, void *kaddr, xmc_caddr uaddr, int count,
		       struct xmc_xmem *dp);
	int (*xmemdma)(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
		       int flag);
	xmc_caddr (*as_att)(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h,
			    xmc_caddr offset);
	int (*as_det)(xmc_world *w, xmc_adspace *adsp, xmc_caddr eaddr);
	xmc_adspace *(*getadsp)(xmc_world *w);
	xmc_vmhandle (*as_geth)(xmc_world *w, xmc_adspace *adsp,
				xmc_caddr addr);
	void (*as_puth)(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h);
	xmc_vmhandle (*as_getsrval)(xmc_world *w, xmc_adspace *adsp,
				    xmc_caddr addr);

	/* observation: 0 = done, non-zero = cannot observe */
	int (*page_state)(xmc_world *w, uint32_t sid, uint32_t page,
			  struct xmc_page_state *out);
	int (*peek)(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		    uint32_t len);
	/*
	 * Would a processor load by process pid at addr complete now, through
	 * that process's own mapping (docs/WORLD.md, "Probes")? 1 yes, 0 it
	 * would fault, -1 cannot tell. Must not change the world.
	 */
	int (*probe)(xmc_world *w, int pid, xmc_caddr addr);

	/*
	 * Readings the implementation takes where the pages allow several
	 * (docs/WORLD.md, "Readings"), "name=option,...", e.g.
	 * "xaddr=offset,key0_ro=refused"; NULL or "" = let the harness learn
	 * them. Declared readings are held from the first op.
	 */
	const char *readings;

	/*
	 * Observation of a created segment: its state (enum xmc_seg_state)
	 * and the as_geth holds outstanding on it. The as_geth page promises
	 * the hold ("holds the object against deletion until as_puth"), the
	 * xmattach page that resources stay until the last detach: both are
	 * visible through what seg_delete does. 0 = done, non-zero = cannot
	 * observe. NULL = not observed (holds are then judged only by what
	 * later ops do).
	 */
	int (*seg_state)(xmc_world *w, uint32_t sid, int *state, int *holds);

	/*
	 * xmemdma64 (AIX 4.3 Kernel and Subsystems Technical Reference,
	 * Volume 1: xmemdma64 Kernel Service): as xmemdma, with a 64-bit real
	 * address; XMEM_FAIL is returned as (uint64_t)-1.
	 */
	uint64_t (*xmemdma64)(xmc_world *w, struct xmc_xmem *xp, xmc_caddr xaddr,
			      int flag);

	/*
	 * World step (docs/WORLD.md, "Process text and data"): give process
	 * pid its text segment XMC_SID(XMC_SEG_TEXT(pid)), loaded in region 1,
	 * and its private data segment XMC_SID(XMC_SEG_DATA(pid)), loaded in
	 * region 2, each with npages (1..16) defined pages from page 0 and
	 * register XMC_SRVAL(sid, 1); every text page is XMC_PROT_RO, every
	 * data page XMC_PROT_RW. NULL = no process image (XMC_CAP_IMAGE off).
	 */
	int (*image)(xmc_world *w, int pid, int npages);
	/*
	 * World step (docs/WORLD.md, "Kernel space"): create kernel segment
	 * j, sid XMC_SID(XMC_SEG_KERN(j)), in the kernel's own address space
	 * at region XMC_KREGION(j), with npages (1..16) defined pages from
	 * page 0. Kernel addresses (SYS_ADSPACE attaches, XMEM_GLOBAL
	 * descriptors) resolve through that address space. NULL = no kernel
	 * space (XMC_CAP_KERNEL off).
	 */
	int (*kseg_new)(xmc_world *w, int j, int npages);
};

/* A segment's life (seg_state hook). */
enum xmc_seg_state {
	XMC_SEG_LIVE = 0, /* created, usable */
	XMC_SEG_PENDING = 1, /* seg_delete waits for the last as_puth */
	XMC_SEG_DELETED = 2, /* gone */
};

/* The one exported symbol of a plug-in .so. */
typedef const struct xmc_plugin *(*xmc_plugin_fn)(void);
const struct xmc_plugin *xmcheck_plugin(void);

#ifdef __cplusplus
}
#endif
#endif /* XMCHECK_H */

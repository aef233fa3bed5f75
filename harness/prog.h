/*
 * prog.h - programs: the op set, the byte decoder and the text form.
 *
 * A program is a sequence of ops. An op is a world step or a service call
 * with concrete arguments (addresses, counts, slots), so that a program reads
 * the same in every implementation and prints as text that parses back to the
 * same program. Every byte string decodes to a valid program: the decoder
 * reads bytes (zeros past the end) and steers each argument toward values
 * that matter (mapped regions, page edges, attached buffers), keeping a small
 * shadow of what earlier ops of the same program created. The shadow is only
 * guidance; which ops are legal in the world is decided by the model.
 *
 * Service ops carry their arguments in the order of the AIX signature (the
 * order of the spec's params); a kbuf argument is XMP_KADDR(kbuf, offset), a
 * descriptor argument a slot 0..XMC_MAX_DESCS-1, an adspace argument 0.
 */
#ifndef XMP_PROG_H
#define XMP_PROG_H

#include <stddef.h>
#include <stdint.h>

#define XMP_MAX_OPS 64 /* ops in one program */
#define XMP_NARGS 5 /* arguments of one op */
#define XMP_KADDR(kb, off) ((int64_t)(kb) * XMC_KBUF_SIZE + (off))

enum xmp_code {
	/* world steps */
	XMP_PROC_NEW, /* pid */
	XMP_PROC_SWITCH, /* pid */
	XMP_SEG_NEW, /* seg npages high */
	XMP_SEG_DELETE, /* seg */
	XMP_MAP, /* pid region seg key */
	XMP_PROTECT, /* seg page prot */
	XMP_PIN, /* seg page */
	XMP_UNPIN, /* seg page */
	XMP_PAGE_OUT, /* seg page */
	XMP_PAGE_IN, /* seg page */
	XMP_IO_ERROR, /* seg page on */
	XMP_PAGER_IO, /* seg page on */
	XMP_WAIT, /* seg page */
	XMP_SET_ENV, /* interrupt */
	XMP_POKE, /* seg off len pattern */
	XMP_DMA_READ, /* seg off len */
	XMP_DMA_WRITE, /* seg off len pattern */
	XMP_CLEAR_MOD, /* seg page */
	XMP_PROBE, /* pid addr: observation, result compared */
	XMP_DESC_SET, /* slot aspace_id subspace_id subspace_id2 uaddr */
	XMP_IMAGE, /* pid npages: process text and data (W12) */
	XMP_KSEG_NEW, /* j npages: kernel segment (W13) */
	/* services, in enum mdl_svc order */
	XMP_XMATTACH, /* addr count dp segflag */
	XMP_XMDETACH, /* dp */
	XMP_XMEMIN, /* uaddr kaddr count dp */
	XMP_XMEMOUT, /* kaddr uaddr count dp */
	XMP_XMEMDMA, /* xp xaddr flag */
	XMP_XMEMDMA64, /* xp xaddr flag (64-bit real address) */
	XMP_AS_ATT, /* adsp h offset */
	XMP_AS_DET, /* adsp eaddr */
	XMP_GETADSP, /* (none) */
	XMP_AS_GETH, /* adsp addr */
	XMP_AS_PUTH, /* adsp h */
	XMP_AS_GETSRVAL, /* adsp addr */
	XMP_NCODES
};
#define XMP_FIRST_SVC XMP_XMATTACH
#define XMP_IS_SVC(c) ((c) >= XMP_FIRST_SVC)

/* How an argument is printed, parsed and range-checked. */
enum xmp_argkind {
	XMP_A_INT, /* signed 32-bit, printed in decimal */
	XMP_A_ADDR, /* unsigned 32-bit, printed in hex */
	XMP_A_SMALL, /* small index with a [lo, hi] range */
	XMP_A_KADDR, /* kernel buffer address, XMP_KADDR */
	XMP_A_ZERO, /* placeholder (adspace pointer), always 0 */
};

struct xmp_argdef {
	const char *name; /* key in the text form */
	uint8_t kind; /* enum xmp_argkind */
	int32_t lo, hi; /* range of XMP_A_SMALL */
};

struct xmp_opdef {
	const char *name; /* op name in the text form */
	uint8_t nargs; /* arguments */
	uint32_t cap; /* enum xmc_cap bits the step needs (0 = none) */
	struct xmp_argdef args[XMP_NARGS]; /* argument definitions */
};

extern const struct xmp_opdef xmp_ops[XMP_NCODES];

struct xmp_op {
	uint8_t code; /* enum xmp_code */
	int64_t a[XMP_NARGS]; /* arguments; unused ones are 0 */
};

struct xmp_prog {
	int n; /* ops in use */
	struct xmp_op op[XMP_MAX_OPS]; /* the ops */
};

/* A source of decoder bytes: a buffer (fuzzers) or a PRNG stream (CLI). */
struct xmp_src {
	const uint8_t *buf; /* bytes, or NULL for the PRNG */
	size_t len, pos; /* buffer length and read position */
	uint64_t rng[4]; /* xoshiro256** state when buf is NULL */
	uint64_t cur; /* current PRNG draw, consumed a byte at a time */
};

void xmp_src_bytes(struct xmp_src *s, const uint8_t *buf, size_t len);
void xmp_src_rng(struct xmp_src *s, uint64_t seed);
uint8_t xmp_byte(struct xmp_src *s);
uint32_t xmp_u32(struct xmp_src *s);
uint64_t xmp_rng_next(uint64_t st[4]);
uint64_t xmp_splitmix(uint64_t *x);

/*
 * Decode a program. maxops bounds the length (<= XMP_MAX_OPS); with a byte
 * buffer decoding also stops when the bytes run out. caps masks the world
 * steps that may be generated (enum xmc_cap bits); profile is enum
 * xmc_profile.
 */
void xmp_decode(struct xmp_src *s, int maxops, uint32_t caps, int profile,
		struct xmp_prog *p);

/* Text form: one op per line, "name key=value ...", '#' comments. */
int xmp_print_op(const struct xmp_op *op, char *buf, size_t len);
int xmp_print(const struct xmp_prog *p, char *buf, size_t len);

/*
 * Parse a program from text. Returns 0, or -1 with "name:line:col: message"
 * in err. Lines starting with '#' are comments, blank lines are ignored.
 */
int xmp_parse(const char *name, const char *text, struct xmp_prog *p,
	      char *err, size_t errlen);

/* The value of an AIX constant name (XMEM_ACC_CHK, USERI_ADSPACE, ...). */
int xmp_const(const char *s, size_t len, int64_t *v);

/* The values an argument accepts, as text for messages ("0..15"). */
int xmp_arg_range(const struct xmp_argdef *d, char *buf, size_t len);

/*
 * Expectations: `expect` lines after an op in a hand-written program
 * (docs/PROGRAMS.md), checked by `xmcheck corpus` against the model's verdict
 * and the world after that op. xmp_parse skips them; xmp_parse_expects reads
 * them (and the line of every op) from the same text.
 *
 *   expect ret=-1                    the model allows exactly this set
 *   expect ret=0,-1                    (comma-separated, constants allowed)
 *   expect fires=ID[,ID]             the op fires these clauses
 *   expect misses=ID[,ID]            ... and not these
 *   expect seg=S page=P valid=0 ...  page-state fields after the op
 *   expect dp=D aspace_id=XMEM_PROC  the descriptor word after the op
 */
#define XMP_MAX_EXPECT 128 /* expectations in one program */
#define XMP_NPAGE_FIELDS 9 /* page-state fields an expectation may name */

enum xmp_exp_kind {
	XMP_X_RET, /* allowed return values */
	XMP_X_FIRES, /* a clause fires */
	XMP_X_MISSES, /* a clause does not fire */
	XMP_X_PAGE, /* page-state fields */
	XMP_X_ASPACE, /* a descriptor's aspace_id */
};

struct xmp_expect {
	int op; /* index of the op it follows */
	int line, col; /* where it is written (1-based) */
	uint8_t kind; /* enum xmp_exp_kind */
	uint8_t nvals; /* XMP_X_RET: values in vals */
	int64_t vals[4]; /* RET: allowed set; PAGE: seg, page; ASPACE: slot */
	uint8_t nfields; /* XMP_X_PAGE: fields named */
	uint8_t field[XMP_NPAGE_FIELDS]; /* index in xmp_page_fields */
	int64_t fval[XMP_NPAGE_FIELDS]; /* value each must have */
	int64_t value; /* XMP_X_ASPACE: the aspace_id */
	char clause[96]; /* XMP_X_FIRES, XMP_X_MISSES: clause id */
};

struct xmp_expects {
	int n; /* expectations */
	struct xmp_expect e[XMP_MAX_EXPECT]; /* in text order */
	int op_line[XMP_MAX_OPS]; /* line of each op in the text */
};

/* in_memory valid modified pager_io prot io_error pin hide waiters */
extern const char *const xmp_page_fields[XMP_NPAGE_FIELDS];

/* Read the expectations of a program text; 0 or -1 ("name:line:col: ..."). */
int xmp_parse_expects(const char *name, const char *text,
		      struct xmp_expects *x, char *err, size_t errlen);
/* Line (1-based) of the first "# key:" header line of text, or 0. */
int xmp_header_line(const char *text, const char *key);
/* One expectation as its `expect` line (no newline). */
int xmp_print_expect(const struct xmp_expect *e, char *buf, size_t len);

/* 1 when every argument is in range (what xmp_parse would accept). */
int xmp_valid(const struct xmp_op *op);

/* The bytes a poke or dma_write with this pattern writes (the first len of
 * one endless stream per pattern). */
#define XMP_FILL_MAX 8192 /* the longest poke */
void xmp_fill(uint32_t pattern, uint8_t *buf, uint32_t len);
/* Forget the last fill xmp_fill keeps (a program's reset calls it). */
void xmp_fill_forget(void);

/*
 * The seed of a program's kernel-buffer pattern: a hash of its ops, so that a
 * replay, a corpus file and a fuzz input see the same bytes.
 */
uint32_t xmp_prog_seed(const struct xmp_prog *p);

/* The descriptor slot a service op takes, or -1. */
int xmp_desc_slot(const struct xmp_op *op);

/* Find an op by name; -1 when unknown. */
int xmp_find_op(const char *name);

#endif /* XMP_PROG_H */

/*
 * repro.c - `xmcheck repro FILE --c OUT.c`: a standalone C reproducer, in the
 * manner of syzkaller's prog2c. The program is run once on the model and the
 * implementation to learn what the model expects after each op; the C file
 * then calls the plug-in's hooks in the same order, prints each result with
 * the expected one, and exits 1 at the first difference.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "iso.h"
#include "outfile.h"
#include "world.h" /* mdlw_region_eligible */

#define MAXP 40 /* pages checked after one op */

/* What the model expects after one op. */
struct after {
	struct mdl_eval ev; /* verdict: kind, rule, allowed values */
	int npages; /* pages in st[] */
	struct mdl_page_ref ref[MAXP]; /* touched pages */
	struct xmc_page_state st[MAXP]; /* their expected states */
	struct xmc_xmem desc; /* descriptor of the op, when it takes one */
	xmc_adspace as; /* current address space */
	uint32_t free_before; /* eligible regions free before the op */
	xmc_adspace before; /* current address space before the op */
	uint64_t hash; /* FNV-1a of copied bytes (kbuf or user range) */
	int8_t segst[XMC_MAX_SEGS]; /* segment states after the op, -1 none */
	int8_t segholds[XMC_MAX_SEGS]; /* their holds */
};

struct rctx {
	struct hx_exec *x; /* executor, one implementation */
	const struct xmp_prog *p; /* the program */
	struct after a[XMP_MAX_OPS]; /* per op */
	int ran; /* ops run */
	xmc_adspace cur; /* current address space after the last op run */
	int div_op; /* diverging op, -1 none */
	struct hx_div div; /* the divergence */
};

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* The bytes an op moved, as the model has them, hashed. */
static uint64_t moved(const struct mdl_world *m, const struct xmp_op *op,
		      const struct mdl_eval *ev)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t buf[XMC_PAGE_SIZE];
	if (op->code == XMP_XMEMIN && ev->kind == MDL_EV_OK && op->a[2] > 0)
		return fnv(h, mdl_kbuf(m, (int)(op->a[1] / XMC_KBUF_SIZE)) +
				      op->a[1] % XMC_KBUF_SIZE,
			   (size_t)op->a[2]);
	if (op->code == XMP_DMA_READ && ev->kind == MDL_EV_STEP) {
		mdl_peek(m, (int)op->a[0], (uint32_t)op->a[1], buf,
			 (uint32_t)op->a[2]);
		return fnv(h, buf, (size_t)op->a[2]);
	}
	return h;
}

static void on_op(void *ctx, int impl, int opi, const struct mdl_eval *ev)
{
	struct rctx *r = ctx;
	const struct mdl_world *m = r->x->impl[impl].m;
	struct after *a = &r->a[opi];
	const struct xmp_op *op = &r->p->op[opi];
	int slot = xmp_desc_slot(op);
	a->ev = *ev;
	if (slot >= 0)
		a->desc = *mdl_desc(m, slot);
	a->hash = moved(m, op, ev);
	a->npages = 0;
	for (int i = 0; i < ev->ntouched && a->npages < MAXP; i++)
		if (!mdl_page_state(m, ev->touched[i].seg, ev->touched[i].page,
				    &a->st[a->npages]))
			a->ref[a->npages++] = ev->touched[i];
	a->as = *mdl_adspace(m);
	/* as_att must return one of these: what the model checks too. */
	a->free_before = 0;
	for (int g = 0; g < 16; g++)
		if (mdlw_region_eligible(g) && !(r->cur.alloc & (0x80000000u >> g)))
			a->free_before |= 0x80000000u >> g;
	for (int k = 0; k < XMC_MAX_SEGS; k++) {
		int st = -1, h = 0;
		if (k >= mdl_nsegs(m) || mdl_seg_state(m, k, &st, &h))
			st = -1;
		a->segst[k] = (int8_t)st;
		a->segholds[k] = (int8_t)h;
	}
	a->before = r->cur;
	r->cur = a->as;
	r->ran = opi + 1;
}

static void on_div(void *ctx, const struct xmp_prog *p, const struct hx_div *d)
{
	struct rctx *r = ctx;
	(void)p;
	if (r->div_op < 0) {
		r->div_op = d->op;
		r->div = *d;
	}
}

/* The helpers every reproducer carries. */
static const char prologue[] =
	"#include <dlfcn.h>\n#include <stdint.h>\n#include <stdio.h>\n"
	"#include <stdlib.h>\n#include <string.h>\n#include \"xmcheck.h\"\n\n"
	"static const struct xmc_plugin *pl;\nstatic xmc_world *w;\n"
	"static struct xmc_xmem dp[XMC_MAX_DESCS];\n"
	"static __attribute__((unused)) unsigned char kbuf[XMC_KBUFS][XMC_KBUF_SIZE + XMC_PAGE_SIZE];\n"
	"static __attribute__((unused)) unsigned char buf[8192];\n\n"
	"/* The kernel buffers' starting pattern (model/world.c, mdl_kbuf_pattern). */\n"
	"static void kbuf_fill(uint32_t seed)\n{\n"
	"\tuint64_t x = 0x2545f4914f6cdd1dull;\n"
	"\tfor (int b = 0; b < XMC_KBUFS; b++) {\n"
	"\t\tuint64_t key = ((uint64_t)seed << 8 | (uint64_t)b) *\n"
	"\t\t\t       0x9e3779b97f4a7c15ull;\n"
	"\t\tfor (size_t i = 0; i < XMC_KBUF_SIZE / 8; i++) {\n"
	"\t\t\tx ^= x << 13;\n\t\t\tx ^= x >> 7;\n\t\t\tx ^= x << 17;\n"
	"\t\t\tuint64_t v = x ^ key;\n"
	"\t\t\tmemcpy(kbuf[b] + 8 * i, &v, 8);\n\t\t}\n\t}\n}\n\n"
	"static __attribute__((unused)) void fail(int op, const char *what, long got, long want)\n{\n"
	"\tprintf(\"op %d: %s: got %ld (0x%lx), expected %ld (0x%lx)\\n\", op,\n"
	"\t       what, got, got, want, want);\n\texit(1);\n}\n\n"
	"static __attribute__((unused)) void ret(int op, const char *name, long r, const long *want, "
	"int n)\n{\n\tprintf(\"op %d %s: returned %ld, expected %ld%s\\n\", op, name, r,\n"
	"\t       want[0], n > 1 ? \" (or another allowed value)\" : \"\");\n"
	"\tfor (int i = 0; i < n; i++)\n\t\tif ((uint32_t)want[i] == "
	"(uint32_t)r)\n\t\t\treturn;\n\tfail(op, \"return\", r, want[0]);\n}\n\n"
	"static __attribute__((unused)) uint64_t fnv(const unsigned char *p, size_t n)\n{\n"
	"\tuint64_t h = 0xcbf29ce484222325ull;\n\tfor (size_t i = 0; i < n; "
	"i++)\n\t\th = (h ^ p[i]) * 0x100000001b3ull;\n\treturn h;\n}\n\n"
	"static __attribute__((unused)) void page(int op, uint32_t sid, uint32_t pg, const uint16_t "
	"*want, int mod)\n{\n\tstruct xmc_page_state s;\n"
	"\tif (pl->page_state(w, sid, pg, &s))\n\t\tfail(op, \"page_state\", "
	"-1, 0);\n\tuint16_t got[9] = {s.in_memory, s.valid, s.modified, "
	"s.pager_io,\n\t\t\t   s.prot, s.io_error, s.pin_count, "
	"s.hide_count, s.waiters};\n"
	"\tstatic const char *const f[9] = {\"in_memory\", \"valid\", "
	"\"modified\",\n\t\t\"pager_io\", \"prot\", \"io_error\", \"pin\", "
	"\"hide\", \"waiters\"};\n\tfor (int i = 0; i < 9; i++)\n"
	"\t\tif ((i != 2 || mod) && got[i] != want[i])\n\t\t\tfail(op, f[i], "
	"got[i], want[i]);\n}\n\n"
	/* A segment's state and holds, as the executor compares them. */
	"static __attribute__((unused)) void seg(int op, uint32_t sid, int ws, int wh)\n{\n"
	"\tint gs = -1, gh = 0;\n"
	"\tif (pl->struct_size < offsetof(struct xmc_plugin, seg_state) +\n"
	"\t    sizeof pl->seg_state || !pl->seg_state)\n\t\treturn;\n"
	"\tif (pl->seg_state(w, sid, &gs, &gh))\n\t\tfail(op, \"seg_state\", -1, 0);\n"
	"\tif (gs != ws)\n\t\tfail(op, \"segment state\", gs, ws);\n"
	"\tif (ws != XMC_SEG_DELETED && gh != wh)\n\t\tfail(op, \"segment holds\", gh, wh);\n}\n\n"
	"static __attribute__((unused)) void bytes(int op, const unsigned char *p, size_t n, uint64_t "
	"want)\n{\n\tif (fnv(p, n) != want)\n\t\tfail(op, \"bytes (hash)\", "
	"(long)fnv(p, n), (long)want);\n}\n\n"
	"static __attribute__((unused)) void peekpage(int op, uint32_t sid, uint32_t pg, uint64_t "
	"want)\n{\n\tif (pl->peek(w, sid, pg * XMC_PAGE_SIZE, buf, "
	"XMC_PAGE_SIZE))\n\t\tfail(op, \"peek\", -1, 0);\n"
	"\tbytes(op, buf, XMC_PAGE_SIZE, want);\n}\n\n"
	"static __attribute__((unused)) void desc(int op, int d, const long *want)\n{\n"
	"\tlong got[4] = {dp[d].aspace_id, dp[d].subspace_id, "
	"dp[d].subspace_id2,\n\t\t       dp[d].uaddr};\n"
	"\tfor (int i = 0; i < 4; i++)\n\t\tif ((uint32_t)got[i] != "
	"(uint32_t)want[i])\n\t\t\tfail(op, \"descriptor word\", got[i], "
	"want[i]);\n}\n\n"
	"static __attribute__((unused)) void adspace(int op, const uint32_t *want)\n{\n"
	"\tconst xmc_adspace *a = pl->getadsp(w);\n"
	"\tif (!a || a->alloc != want[0])\n\t\tfail(op, \"adspace alloc\", a ? "
	"(long)a->alloc : -1, want[0]);\n"
	"\tfor (int r = 1; r < 16; r++) /* 1, 2: when named (an image) */\n"
	"\t\tif (r != 14 && (r > 2 || (want[1 + r] & 0xffffffu) >= 0x1000u) &&\n"
	"\t\t    (want[0] & (0x80000000u >> r)) &&\n\t\t    a->srval[r] != want[1 + r])\n"
	"\t\t\tfail(op, \"adspace srval\", a->srval[r], want[1 + r]);\n}\n\n";

static void emit_load(FILE *f, int profile, const char *src, const char *sig)
{
	fprintf(f, "int main(int argc, char **argv)\n{\n"
		   "\tconst char *so = argc > 1 ? argv[1] : \"./plugin.so\";\n"
		   "\tvoid *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);\n"
		   "\tconst struct xmc_plugin *(*entry)(void);\n"
		   "\tchar err[256] = \"\";\n\tlong r;\n"
		   "\tif (!h)\n\t\treturn fprintf(stderr, \"%%s\\n\", dlerror()), "
		   "2;\n\t*(void **)&entry = dlsym(h, XMC_PLUGIN_SYMBOL);\n"
		   "\tif (!entry || !(pl = entry()))\n\t\treturn fprintf(stderr, "
		   "\"%%s: no plug-in\\n\", so), 2;\n"
		   "\tstruct xmc_config cfg = {%d, 1};\n"
		   "\tif (!(w = pl->create(&cfg, err, sizeof err)))\n\t\treturn "
		   "fprintf(stderr, \"create: %%s\\n\", err), 2;\n"
		   "\tfor (int i = 0; i < XMC_MAX_DESCS; i++)\n"
		   "\t\tdp[i].aspace_id = XMEM_INVAL;\n"
		   "\tprintf(\"reproducer of %%s from %s\\n\", \"%s\");\n",
		profile, src, sig);
}

/* The call of one op, as call.c makes it. */
static void emit_call(FILE *f, const struct xmp_op *op)
{
	const int64_t *a = op->a;
	unsigned sid = XMC_SID(a[0]);
	int kb = (int)(a[1] / XMC_KBUF_SIZE);
	switch (op->code) {
	case XMP_PROC_NEW: fprintf(f, "\tr = pl->proc_new(w, %d);\n", (int)a[0]); return;
	case XMP_PROC_SWITCH: fprintf(f, "\tr = pl->proc_switch(w, %d);\n", (int)a[0]); return;
	case XMP_SEG_NEW:
		fprintf(f, "\tr = pl->seg_new(w, 0x%x, %d, %d);\n", sid,
			(int)a[1], (int)a[2]);
		return;
	case XMP_SEG_DELETE: fprintf(f, "\tr = pl->seg_delete(w, 0x%x);\n", sid); return;
	case XMP_MAP:
		fprintf(f, "\tr = pl->map(w, %d, %d, 0x%x, %d);\n", (int)a[0],
			(int)a[1], XMC_SID(a[2]), (int)a[3]);
		return;
	case XMP_SET_ENV: fprintf(f, "\tr = pl->set_env(w, %d);\n", (int)a[0]); return;
	case XMP_POKE:
	case XMP_DMA_WRITE:
		fprintf(f, "\tfor (unsigned i = 0, x = %uu * 2654435761u + "
			   "0x9e3779b9u; i < %u; i++) {\n\t\tx ^= x << 13;\n"
			   "\t\tx ^= x >> 17;\n\t\tx ^= x << 5;\n"
			   "\t\tbuf[i] = (unsigned char)x;\n\t}\n"
			   "\tr = pl->%s(w, 0x%x, %u, buf, %u);\n",
			(unsigned)a[3], (unsigned)a[2], xmp_ops[op->code].name, sid,
			(unsigned)a[1], (unsigned)a[2]);
		return;
	case XMP_DMA_READ:
		fprintf(f, "\tr = pl->dma_read(w, 0x%x, %u, buf, %u);\n", sid,
			(unsigned)a[1], (unsigned)a[2]);
		return;
	case XMP_PROBE:
		fprintf(f, "\tr = pl->probe(w, %d, 0x%xu);\n", (int)a[0],
			(unsigned)a[1]);
		return;
	case XMP_IMAGE:
	case XMP_KSEG_NEW:
		fprintf(f, "\tr = pl->%s(w, %d, %d);\n", xmp_ops[op->code].name,
			(int)a[0], (int)a[1]);
		return;
	case XMP_DESC_SET:
		fprintf(f, "\tdp[%d].aspace_id = %d;\n\tr = 0;\n", (int)a[0],
			(int)a[1]);
		return;
	case XMP_XMATTACH:
		fprintf(f, "\tr = pl->xmattach(w, 0x%xu, %d, &dp[%d], %d);\n",
			(unsigned)a[0], (int)a[1], (int)a[2], (int)a[3]);
		return;
	case XMP_XMDETACH: fprintf(f, "\tr = pl->xmdetach(w, &dp[%d]);\n", (int)a[0]); return;
	case XMP_XMEMIN:
		fprintf(f, "\tr = pl->xmemin(w, 0x%xu, kbuf[%d] + %u, %d, &dp[%d]);\n",
			(unsigned)a[0], kb, (unsigned)(a[1] % XMC_KBUF_SIZE),
			(int)a[2], (int)a[3]);
		return;
	case XMP_XMEMOUT:
		fprintf(f, "\tr = pl->xmemout(w, kbuf[%d] + %u, 0x%xu, %d, &dp[%d]);\n",
			(int)(a[0] / XMC_KBUF_SIZE), (unsigned)(a[0] % XMC_KBUF_SIZE),
			(unsigned)a[1], (int)a[2], (int)a[3]);
		return;
	case XMP_XMEMDMA:
		fprintf(f, "\tr = pl->xmemdma(w, &dp[%d], 0x%xu, %d);\n",
			(int)a[0], (unsigned)a[1], (int)a[2]);
		return;
	case XMP_XMEMDMA64:
		fprintf(f, "\tr = (long)pl->xmemdma64(w, &dp[%d], 0x%xu, %d);\n",
			(int)a[0], (unsigned)a[1], (int)a[2]);
		return;
	case XMP_AS_ATT:
		fprintf(f, "\tr = (uint32_t)pl->as_att(w, pl->getadsp(w), 0x%xu, "
			   "0x%xu);\n", (unsigned)a[1], (unsigned)a[2]);
		return;
	case XMP_AS_DET:
		fprintf(f, "\tr = pl->as_det(w, pl->getadsp(w), 0x%xu);\n",
			(unsigned)a[1]);
		return;
	case XMP_GETADSP: fprintf(f, "\tr = pl->getadsp(w) != NULL;\n"); return;
	case XMP_AS_PUTH:
		fprintf(f, "\tpl->as_puth(w, pl->getadsp(w), 0x%xu);\n\tr = 0;\n",
			(unsigned)a[1]);
		return;
	case XMP_AS_GETH:
	case XMP_AS_GETSRVAL:
		fprintf(f, "\tr = (uint32_t)pl->%s(w, pl->getadsp(w), 0x%xu);\n",
			xmp_ops[op->code].name, (unsigned)a[1]);
		return;
	}
	fprintf(f, "\tr = pl->%s(w, 0x%x, %u%s);\n", xmp_ops[op->code].name, sid,
		(unsigned)a[1],
		op->code == XMP_PROTECT || op->code == XMP_IO_ERROR ||
				op->code == XMP_PAGER_IO
			? (op->code == XMP_PROTECT ? (a[2] == 0 ? ", 0" : a[2] == 1 ? ", 1" : ", 2")
						   : (a[2] ? ", 1" : ", 0"))
			: "");
}

static void emit_ret(FILE *f, int i, const struct xmp_op *op,
		     const struct mdl_eval *ev, uint32_t free_before)
{
	const char *name = xmp_ops[op->code].name;
	switch (ev->rule) {
	case MDL_RULE_VALUES:
		fprintf(f, "\tret(%d, \"%s\", r, (const long[]){", i, name);
		for (int k = 0; k < ev->nrets; k++)
			fprintf(f, "%s%" PRId64, k ? ", " : "", ev->rets[k]);
		fprintf(f, "}, %d);\n", ev->nrets);
		return;
	case MDL_RULE_REALADDR:
		fprintf(f, "\tprintf(\"op %d %s: returned 0x%%lx, expected a real "
			   "address ending in 0x%03x\\n\", r);\n"
			   "\tif ((uint32_t)r == (uint32_t)XMEM_FAIL || (r & 0xfff) "
			   "!= 0x%x)\n\t\tfail(%d, \"real address\", r, 0x%x);\n",
			i, name, (unsigned)(op->a[1] & 0xfff),
			(unsigned)(op->a[1] & 0xfff), i, (unsigned)(op->a[1] & 0xfff));
		return;
	case MDL_RULE_REGION_ADDR:
		/* The region too, not only the offset: one that was free and
		 * eligible (mask in alloc-bit order, region 0 = top bit). */
		fprintf(f, "\tprintf(\"op %d %s: returned 0x%%lx, expected a free "
			   "region (mask 0x%08x) + 0x%x\\n\", r);\n"
			   "\tif (!r || !(0x%08xu & (0x80000000u >> ((uint32_t)r >> "
			   "28))) ||\n\t    (r & 0x0fffffff) != 0x%x)\n\t\tfail(%d, "
			   "\"region address\", r, 0x%x);\n",
			i, name, free_before, XMC_OFFSET((uint32_t)op->a[2]),
			free_before, XMC_OFFSET((uint32_t)op->a[2]), i,
			XMC_OFFSET((uint32_t)op->a[2]));
		return;
	}
	fprintf(f, "\tprintf(\"op %d %s: returned %%ld\\n\", r);\n", i, name);
}

static void emit_checks(FILE *f, int i, const struct xmp_op *op,
			const struct after *a, int mod)
{
	int slot = xmp_desc_slot(op);
	if (op->code == XMP_PROBE)
		fprintf(f, "\tprintf(\"op %d probe: %%ld\\n\", r);\n\tif (r != %d)\n"
			   "\t\tfail(%d, \"probe (1 = load completes)\", r, %d);\n",
			i, (int)a->ev.rets[0], i, (int)a->ev.rets[0]);
	else if (a->ev.kind == MDL_EV_STEP)
		fprintf(f, "\tif (r)\n\t\tfail(%d, \"step refused\", r, 0);\n", i);
	else
		emit_ret(f, i, op, &a->ev, a->free_before);
	if (slot >= 0)
		fprintf(f, "\tdesc(%d, %d, (const long[]){%d, 0x%x, 0x%x, 0x%x});\n",
			i, slot, a->desc.aspace_id, a->desc.subspace_id,
			a->desc.subspace_id2, a->desc.uaddr);
	if (op->code == XMP_XMEMIN && a->ev.kind == MDL_EV_OK && op->a[2] > 0)
		fprintf(f, "\tbytes(%d, kbuf[%d] + %u, %u, 0x%" PRIx64 "ull);\n",
			i, (int)(op->a[1] / XMC_KBUF_SIZE),
			(unsigned)(op->a[1] % XMC_KBUF_SIZE), (unsigned)op->a[2],
			a->hash);
	if (op->code == XMP_DMA_READ)
		fprintf(f, "\tbytes(%d, buf, %u, 0x%" PRIx64 "ull);\n", i,
			(unsigned)op->a[2], a->hash);
	if (op->code == XMP_AS_ATT && a->ev.kind == MDL_EV_OK) {
		/* The region is the implementation's choice: expect the one
		 * it returned, allocated and holding the handle. */
		fprintf(f, "\t{\n\t\tuint32_t as[17] = {0x%x", a->before.alloc);
		for (int g = 0; g < 16; g++)
			fprintf(f, ", 0x%x", a->before.srval[g]);
		fprintf(f, "};\n\t\tas[0] |= 0x80000000u >> ((uint32_t)r >> 28);\n"
			   "\t\tas[1 + ((uint32_t)r >> 28)] = 0x%xu;\n"
			   "\t\tadspace(%d, as);\n\t}\n",
			(uint32_t)op->a[1], i);
	} else if (op->code >= XMP_AS_ATT) {
		fprintf(f, "\tadspace(%d, (const uint32_t[]){0x%x", i, a->as.alloc);
		for (int r = 0; r < 16; r++)
			fprintf(f, ", 0x%x", a->as.srval[r]);
		fprintf(f, "});\n");
	}
	/* Segments: where the executor compares them (observe.c). */
	if (op->code == XMP_SEG_DELETE || op->code == XMP_AS_GETH ||
	    op->code == XMP_AS_PUTH)
		for (int k = 0; k < XMC_MAX_SEGS; k++)
			if (a->segst[k] >= 0)
				fprintf(f, "\tseg(%d, 0x%x, %d, %d);\n", i,
					XMC_SID(k), a->segst[k], a->segholds[k]);
	for (int k = 0; k < a->npages; k++) {
		const struct xmc_page_state *s = &a->st[k];
		fprintf(f, "\tpage(%d, 0x%x, %u, (const uint16_t[]){%u, %u, %u, "
			   "%u, %u, %u, %u, %u, %u}, %d);\n",
			i, XMC_SID(a->ref[k].seg), a->ref[k].page, s->in_memory,
			s->valid, s->modified, s->pager_io, s->prot, s->io_error,
			s->pin_count, s->hide_count, s->waiters, mod);
	}
}

/* The end-of-program sweep: every live page's state and bytes. */
static void emit_sweep(FILE *f, const struct mdl_world *m, int n, int mod)
{
	uint8_t b[XMC_PAGE_SIZE];
	fprintf(f, "\t/* end of program: every live page */\n");
	for (int k = 0; k < mdl_nsegs(m); k++) {
		uint32_t first, np;
		struct xmc_page_state s;
		if (!mdl_seg_live(m, k, &first, &np))
			continue;
		for (uint32_t pg = first; pg < first + np; pg++) {
			mdl_page_state(m, k, pg, &s);
			mdl_peek(m, k, pg * XMC_PAGE_SIZE, b, XMC_PAGE_SIZE);
			fprintf(f, "\tpage(%d, 0x%x, %u, (const uint16_t[]){%u, %u, "
				   "%u, %u, %u, %u, %u, %u, %u}, %d);\n"
				   "\tpeekpage(%d, 0x%x, %u, 0x%" PRIx64 "ull);\n",
				n, XMC_SID(k), pg, s.in_memory, s.valid, s.modified,
				s.pager_io, s.prot, s.io_error, s.pin_count,
				s.hide_count, s.waiters, mod, n, XMC_SID(k), pg,
				fnv(0xcbf29ce484222325ull, b, XMC_PAGE_SIZE));
		}
	}
}

static void emit(FILE *f, const struct rctx *r, const struct hx_opts *o,
		 const char *src)
{
	const struct xmp_prog *p = r->p;
	int mod = !!(r->x->impl[0].caps & XMC_CAP_MODIFIED);
	int last = r->div_op >= 0 && r->div_op < p->n ? r->div_op : r->ran - 1;
	char text[200];
	fprintf(f, "/*\n * Reproducer generated by xmcheck repro from %s.\n"
		   " * %s%s\n * Build: cc -I/path/to/xmcheck/harness -o repro "
		   "repro.c -ldl\n * Run:   ./repro path/to/plugin.so   (exit 1: "
		   "a difference from the model; 0: none)\n */\n",
		src, r->div_op >= 0 ? "Divergence: " : "No divergence on ",
		r->div_op >= 0 ? r->div.signature : r->x->impl[0].pl->name);
	fputs(prologue, f);
	emit_load(f, o->profile, src, r->div_op >= 0 ? r->div.signature : "-");
	fprintf(f, "\tkbuf_fill(0x%xu);\n", xmp_prog_seed(p));
	for (int i = 0; i <= last; i++) {
		const struct after *a = &r->a[i];
		xmp_print_op(&p->op[i], text, sizeof text);
		fprintf(f, "\n\t/* %d: %s */\n", i, text);
		if (a->ev.kind == MDL_EV_ILLEGAL) {
			fprintf(f, "\t/* not legal in this world: skipped */\n");
			continue;
		}
		emit_call(f, &p->op[i]);
		if (a->ev.kind == MDL_EV_UNDEF) {
			fprintf(f, "\tprintf(\"op %d: undefined (a caller error), "
				   "returned %%ld; not compared\\n\", r);\n"
				   "\treturn 0;\n}\n", i);
			return;
		}
		if (i == r->div_op && !strcmp(r->div.field, "return")) {
			/* The model kept its state: only the value is known. */
			emit_ret(f, i, &p->op[i], &a->ev, a->free_before);
			break;
		}
		emit_checks(f, i, &p->op[i], a, mod);
	}
	if (r->div_op < 0 || r->div_op >= p->n)
		emit_sweep(f, r->x->impl[0].m, p->n, mod);
	fprintf(f, "\tpl->destroy(w);\n\tputs(\"no difference from the "
		   "model\");\n\treturn 0;\n}\n");
}

static const char repro_help[] =
	"Usage: xmcheck repro FILE --c OUT.c [--impl NAME|PATH.so] "
	"[--profile P]\n"
	"Write a standalone C program that makes the calls of FILE through the\n"
	"plug-in ABI, prints each result with the model's expectation, and exits\n"
	"1 at the first difference (0 when there is none). The expectations are\n"
	"the model's, learnt by running FILE once against the implementation.\n"
	"Build it with: cc -I<dir of xmcheck.h> -o repro OUT.c -ldl\n";

int hx_cmd_repro(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER};
	static struct xmp_prog p;
	static struct rctx rc;
	struct hx_exec x;
	struct mdl_spec *spec;
	char *text;
	int r = hx_cli_opts("repro", repro_help, argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind != argc - 1 || !o.out)
		return hx_cli_usage("repro", "expected FILE and --c OUT.c", NULL);
	if ((r = hx_load_prog(argv[optind], &o, &p, &text)))
		return r;
	free(text);
	/* The reproducer is written from the model's state after each op,
	 * which lives next to the implementation: run it in process. */
	hx_iso_opts.isolate = 0;
	hx_iso_opts.no_isolate = 1;
	struct hx_out out;
	char err[1200];
	if (hx_out_open(&out, o.out, err, sizeof err))
		return fprintf(stderr, "xmcheck repro: %s\n", err), 2;
	if ((r = hx_cli_setup("repro", &o, &x, &spec)))
		return hx_out_abort(&out), r;
	memset(&rc, 0, sizeof rc);
	rc.x = &x;
	rc.p = &p;
	rc.div_op = -1;
	rc.cur = *mdl_adspace(x.impl[0].m); /* a fresh world's */
	x.on_op = on_op;
	x.on_div = on_div;
	x.ctx = &rc;
	hx_run(&x, &p, NULL);
	emit(out.f, &rc, &o, argv[optind]);
	r = 0;
	if (hx_out_commit(&out, err, sizeof err)) {
		fprintf(stderr, "xmcheck repro: %s\n", err);
		hx_cli_teardown(&x, spec);
		return 2;
	}
	printf("%s: %s\n", o.out, rc.div_op >= 0 ? rc.div.signature
						: "no divergence");
	hx_cli_teardown(&x, spec);
	return r;
}

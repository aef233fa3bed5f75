/*
 * call.c - opening an implementation and calling its hooks for an op.
 * Nothing here assumes the plug-in lives in this address space beyond the
 * pointers the ABI passes, which a sandbox proxy can copy.
 */
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "iso.h"

/* A hook appended after the first ABI: NULL in an older, shorter struct. */
#define TAIL(pl, f) (HX_HAS_TAIL(pl, f) ? (const void *)(pl)->f : NULL)

/* Hooks each op needs; DESC_SET needs none (the harness owns descriptors). */
static const void *hook(const struct xmc_plugin *pl, int code)
{
	switch (code) {
	case XMP_PROC_NEW: return (const void *)pl->proc_new;
	case XMP_PROC_SWITCH: return (const void *)pl->proc_switch;
	case XMP_SEG_NEW: return (const void *)pl->seg_new;
	case XMP_SEG_DELETE: return (const void *)pl->seg_delete;
	case XMP_MAP: return (const void *)pl->map;
	case XMP_PROTECT: return (const void *)pl->protect;
	case XMP_PIN: return (const void *)pl->pin;
	case XMP_UNPIN: return (const void *)pl->unpin;
	case XMP_PAGE_OUT: return (const void *)pl->page_out;
	case XMP_PAGE_IN: return (const void *)pl->page_in;
	case XMP_IO_ERROR: return (const void *)pl->io_error;
	case XMP_PAGER_IO: return (const void *)pl->pager_io;
	case XMP_WAIT: return (const void *)pl->wait;
	case XMP_SET_ENV: return (const void *)pl->set_env;
	case XMP_POKE: return (const void *)pl->poke;
	case XMP_DMA_READ: return (const void *)pl->dma_read;
	case XMP_DMA_WRITE: return (const void *)pl->dma_write;
	case XMP_CLEAR_MOD: return (const void *)pl->clear_mod;
	case XMP_PROBE: return (const void *)pl->probe;
	case XMP_DESC_SET: return (const void *)pl;
	case XMP_IMAGE: return TAIL(pl, image);
	case XMP_KSEG_NEW: return TAIL(pl, kseg_new);
	case XMP_XMATTACH: return (const void *)pl->xmattach;
	case XMP_XMDETACH: return (const void *)pl->xmdetach;
	case XMP_XMEMIN: return (const void *)pl->xmemin;
	case XMP_XMEMOUT: return (const void *)pl->xmemout;
	case XMP_XMEMDMA: return (const void *)pl->xmemdma;
	case XMP_XMEMDMA64: return TAIL(pl, xmemdma64);
	case XMP_AS_ATT: return (const void *)pl->as_att;
	case XMP_AS_DET: return (const void *)pl->as_det;
	case XMP_GETADSP: return (const void *)pl->getadsp;
	case XMP_AS_GETH: return (const void *)pl->as_geth;
	case XMP_AS_PUTH: return (const void *)pl->as_puth;
	case XMP_AS_GETSRVAL: return (const void *)pl->as_getsrval;
	}
	return NULL;
}

int hx_readings_conflict(const char *a, const char *b)
{
	for (; a && *a; a += strspn(a, ", ")) {
		size_t n = strcspn(a, ", "), eq = strcspn(a, "=");
		for (const char *q = b; q && *q; q += strspn(q, ", ")) {
			size_t m = strcspn(q, ", ");
			if (eq < n && m > eq && q[eq] == '=' &&
			    !strncmp(a, q, eq) &&
			    (m != n || strncmp(a, q, n)))
				return 1;
			q += m;
		}
		a += n;
	}
	return 0;
}

const char *hx_plugin_readings(const struct xmc_plugin *pl)
{
	return HX_HAS_TAIL(pl, readings) ? pl->readings : NULL;
}

int hx_has_hook(const struct hx_impl *im, const struct xmp_op *op)
{
	if (op->code >= XMP_AS_ATT && op->code != XMP_GETADSP &&
	    !im->pl->getadsp)
		return 0;
	return hook(im->pl, op->code) != NULL;
}

/* Capabilities in effect: declared, allowed at run time, hooks present. */
static uint32_t effective_caps(const struct hx_impl *im)
{
	uint32_t caps = im->pl->caps & XMC_CAP_ALL;
	if (im->pl->runtime_caps)
		caps &= im->pl->runtime_caps(im->w);
	for (int c = 0; c < XMP_FIRST_SVC; c++)
		if (xmp_ops[c].cap && !hook(im->pl, c))
			caps &= ~xmp_ops[c].cap;
	if (!im->pl->page_state)
		caps = 0;
	return caps;
}

int hx_impl_open(struct hx_impl *im, const struct xmc_plugin *pl,
		 int profile, uint64_t seed, const struct mdl_spec *spec,
		 char *err, size_t errlen)
{
	if (hx_iso_is_proxy(pl)) /* isolated: the world lives in a worker */
		return hx_iso_open(im, pl, profile, seed, spec, err, errlen);
	memset(im, 0, sizeof *im);
	memset(im->rd0, -1, sizeof im->rd0);
	im->pl = pl;
	if (!(pl->profiles & (1u << profile)))
		return snprintf(err, errlen, "%s: does not claim this profile",
				pl->name), -1;
	if (!pl->create || !pl->reset || !pl->destroy || !pl->page_state ||
	    !pl->peek)
		return snprintf(err, errlen, "%s: lacks a lifecycle or "
				"observation hook", pl->name), -1;
	struct xmc_config cfg = {profile, seed};
	char why[160] = "";
	im->w = pl->create(&cfg, why, sizeof why);
	if (!im->w)
		return snprintf(err, errlen, "%s: create failed: %s", pl->name,
				why[0] ? why : "no reason given"), -1;
	im->m = mdl_new(spec, profile);
	im->scratch = malloc(8192);
	for (int b = 0; b < XMC_KBUFS; b++) {
		/* A page of slack: a buggy copy past the end stays ours. */
		im->kbuf[b] = calloc(1, XMC_KBUF_SIZE + XMC_PAGE_SIZE);
	}
	if (!im->m || !im->scratch || !im->kbuf[0] || !im->kbuf[1])
		return hx_impl_close(im), snprintf(err, errlen, "out of memory"),
		       -1;
	im->caps = effective_caps(im);
	mdl_set_caps(im->m, im->caps); /* KERNEL_SPACE in the spec */
	return 0;
}

void hx_impl_close(struct hx_impl *im)
{
	if (im->iso) { /* im->w is the worker's handle, not a world */
		hx_iso_close(im);
		mdl_free(im->m); /* the readings mirror */
		memset(im, 0, sizeof *im);
		return;
	}
	if (im->w)
		im->pl->destroy(im->w);
	mdl_free(im->m);
	free(im->scratch);
	for (int b = 0; b < XMC_KBUFS; b++)
		free(im->kbuf[b]);
	memset(im, 0, sizeof *im);
}

/*
 * The kernel buffers hold the program's pattern (model.h), written lazily:
 * a move's range and the guard bytes around it, in the implementation's
 * buffer and in the model's, before the call.
 */
void hx_kbuf_prepare(struct hx_impl *im, int64_t k, int64_t count)
{
	int kb = (int)(k / XMC_KBUF_SIZE);
	uint32_t off = (uint32_t)(k % XMC_KBUF_SIZE);
	uint32_t lo = off < 16 ? 0 : off - 16;
	uint32_t end = off + (count > 0 ? (uint32_t)count : 0) + 16;
	if (end > XMC_KBUF_SIZE)
		end = XMC_KBUF_SIZE;
	mdl_kbuf_touch(im->m, kb, lo, end - lo);
	/* Both sides make a chunk at the same moment, so the model's, made
	 * just now, still holds the pattern: copy it. */
	const uint8_t *pat = mdl_kbuf(im->m, kb);
	for (uint32_t c = lo / MDL_KCHUNK; c <= (end - 1) / MDL_KCHUNK; c++)
		if (!(im->kmade[kb][c / 64] & (1ull << c % 64))) {
			memcpy(im->kbuf[kb] + c * MDL_KCHUNK,
			       pat + c * MDL_KCHUNK, MDL_KCHUNK);
			im->kmade[kb][c / 64] |= 1ull << c % 64;
		}
}

static uint8_t *kaddr(struct hx_impl *im, int64_t k)
{
	return im->kbuf[k / XMC_KBUF_SIZE] + k % XMC_KBUF_SIZE;
}

static int64_t call_step(struct hx_impl *im, const struct xmp_op *op)
{
	const struct xmc_plugin *pl = im->pl;
	xmc_world *w = im->w;
	const int64_t *a = op->a;
	uint32_t sid = XMC_SID(a[0]), pg = (uint32_t)a[1];
	switch (op->code) {
	case XMP_PROC_NEW: return pl->proc_new(w, (int)a[0]);
	case XMP_PROC_SWITCH: return pl->proc_switch(w, (int)a[0]);
	case XMP_SEG_NEW: return pl->seg_new(w, sid, (int)a[1], (int)a[2]);
	case XMP_SEG_DELETE: return pl->seg_delete(w, sid);
	case XMP_MAP:
		return pl->map(w, (int)a[0], (int)a[1], XMC_SID(a[2]),
			       (int)a[3]);
	case XMP_PROTECT: return pl->protect(w, sid, pg, (int)a[2]);
	case XMP_PIN: return pl->pin(w, sid, pg);
	case XMP_UNPIN: return pl->unpin(w, sid, pg);
	case XMP_PAGE_OUT: return pl->page_out(w, sid, pg);
	case XMP_PAGE_IN: return pl->page_in(w, sid, pg);
	case XMP_IO_ERROR: return pl->io_error(w, sid, pg, (int)a[2]);
	case XMP_PAGER_IO: return pl->pager_io(w, sid, pg, (int)a[2]);
	case XMP_WAIT: return pl->wait(w, sid, pg);
	case XMP_SET_ENV: return pl->set_env(w, (int)a[0]);
	case XMP_CLEAR_MOD: return pl->clear_mod(w, sid, pg);
	case XMP_DMA_READ:
		return pl->dma_read(w, sid, pg, im->scratch, (uint32_t)a[2]);
	case XMP_PROBE: return pl->probe(w, (int)a[0], (uint32_t)a[1]);
	case XMP_IMAGE: return pl->image(w, (int)a[0], (int)a[1]);
	case XMP_KSEG_NEW: return pl->kseg_new(w, (int)a[0], (int)a[1]);
	}
	xmp_fill((uint32_t)a[3], im->scratch, (uint32_t)a[2]);
	if (op->code == XMP_POKE)
		return pl->poke(w, sid, pg, im->scratch, (uint32_t)a[2]);
	return pl->dma_write(w, sid, pg, im->scratch, (uint32_t)a[2]);
}

static int64_t call_adspace(struct hx_impl *im, const struct xmp_op *op)
{
	const struct xmc_plugin *pl = im->pl;
	xmc_adspace *as = pl->getadsp(im->w);
	uint32_t v = (uint32_t)op->a[1];
	switch (op->code) {
	case XMP_AS_ATT: return pl->as_att(im->w, as, v, (uint32_t)op->a[2]);
	case XMP_AS_DET: return pl->as_det(im->w, as, v);
	case XMP_AS_GETH: return pl->as_geth(im->w, as, v);
	case XMP_AS_PUTH: pl->as_puth(im->w, as, v); return 0;
	}
	return pl->as_getsrval(im->w, as, v);
}

int64_t hx_call(struct hx_impl *im, const struct xmp_op *op)
{
	const struct xmc_plugin *pl = im->pl;
	const int64_t *a = op->a;
	switch (op->code) {
	case XMP_DESC_SET:
		im->desc[a[0]].aspace_id = (int32_t)a[1];
		return 0;
	case XMP_XMATTACH:
		return pl->xmattach(im->w, (uint32_t)a[0], (int)a[1],
				    &im->desc[a[2]], (int)a[3]);
	case XMP_XMDETACH: return pl->xmdetach(im->w, &im->desc[a[0]]);
	case XMP_XMEMIN:
		hx_kbuf_prepare(im, a[1], a[2]);
		return pl->xmemin(im->w, (uint32_t)a[0], kaddr(im, a[1]),
				  (int)a[2], &im->desc[a[3]]);
	case XMP_XMEMOUT:
		hx_kbuf_prepare(im, a[0], a[2]);
		return pl->xmemout(im->w, kaddr(im, a[0]), (uint32_t)a[1],
				   (int)a[2], &im->desc[a[3]]);
	case XMP_XMEMDMA:
		return pl->xmemdma(im->w, &im->desc[a[0]], (uint32_t)a[1],
				   (int)a[2]);
	case XMP_XMEMDMA64:
		return (int64_t)pl->xmemdma64(im->w, &im->desc[a[0]],
					      (uint32_t)a[1], (int)a[2]);
	case XMP_GETADSP: return pl->getadsp(im->w) != NULL;
	}
	if (XMP_IS_SVC(op->code))
		return (uint32_t)call_adspace(im, op);
	return call_step(im, op);
}

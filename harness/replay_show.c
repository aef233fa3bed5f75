/*
 * replay_show.c - what `xmcheck replay` adds after each op of the trace: the
 * model's allowed results, the descriptor word compared (aspace_id, both
 * sides), the kernel buffers (FNV-1a of each side and the first differing
 * byte), the probe answer. Read only: it runs from the executor's on_op hook
 * after the comparisons, and changes nothing.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

static uint32_t fnv(const uint8_t *b, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static const char *rule_name(int r)
{
	static const char *const n[] = {"one of", "any value", "no value",
					"a real address (W8)",
					"a free region (W9)",
					"the address space"};
	return r >= 0 && r < 6 ? n[r] : "?";
}

static void show_rets(FILE *f, const struct mdl_eval *ev)
{
	fprintf(f, "      compared: return %s", rule_name(ev->rule));
	if (ev->rule == MDL_RULE_VALUES) {
		fputs(" {", f);
		for (int i = 0; i < ev->nrets; i++)
			fprintf(f, "%s%" PRId64, i ? "," : "", ev->rets[i]);
		fputc('}', f);
	}
	fputc('\n', f);
}

static void show_kbufs(FILE *f, const struct hx_impl *im)
{
	for (int kb = 0; kb < XMC_KBUFS; kb++) {
		const uint8_t *m = mdl_kbuf(im->m, kb), *i = im->kbuf[kb];
		uint32_t hm = fnv(m, XMC_KBUF_SIZE), hi = fnv(i, XMC_KBUF_SIZE);
		fprintf(f, "      compared: k%d fnv1a model %08" PRIx32
			   " impl %08" PRIx32, kb, hm, hi);
		for (uint32_t o = 0; hm != hi && o < XMC_KBUF_SIZE; o++)
			if (m[o] != i[o]) {
				fprintf(f, " (first difference k%d+0x%" PRIx32
					   ": model 0x%02x impl 0x%02x)",
					kb, o, m[o], i[o]);
				break;
			}
		fputc('\n', f);
	}
}

void hx_replay_show(void *ctx, int impl, int op, const struct mdl_eval *ev)
{
	const struct hx_replay *r = ctx;
	const struct hx_exec *x = r->x;
	const struct hx_impl *im = &x->impl[impl];
	const struct xmp_op *o = op < r->p->n ? &r->p->op[op] : NULL;
	FILE *f = x->trace;
	if (!f || !o)
		return;
	if (o->code == XMP_PROBE) {
		fprintf(f, "      compared: probe, the model says %s\n",
			ev->rets[0] ? "the load completes (1)" : "it faults (0)");
		return;
	}
	if (!XMP_IS_SVC(o->code))
		return;
	show_rets(f, ev);
	if (im->iso) { /* its model and buffers live in the worker */
		fprintf(f, "      compared in the isolated worker\n");
		return;
	}
	int slot = xmp_desc_slot(o);
	if (slot >= 0 && slot < XMC_MAX_DESCS)
		fprintf(f, "      compared: dp%d aspace_id model %d impl %d\n",
			slot, (int)mdl_desc(im->m, slot)->aspace_id,
			(int)im->desc[slot].aspace_id);
	if (o->code == XMP_XMEMIN || o->code == XMP_XMEMOUT)
		show_kbufs(f, im);
}

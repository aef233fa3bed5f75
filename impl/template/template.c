/*
 * template.c - start here to put your implementation under xmcheck.
 *
 * Copy this file, rename `tpl_`, and fill in the hooks of struct xmc_plugin
 * (harness/xmcheck.h) with calls into your kernel layer. The world your hooks
 * must build and the decisions behind each service are in docs/WORLD.md.
 *
 * Rules of the road:
 *  - Any hook may stay NULL: the harness then reads the steps and clauses
 *    that need it as `unsupported` for you, never as failures.
 *  - Declare in `caps` only what you can produce faithfully, and say why a
 *    capability is missing in cap_reason(); runtime_caps() may drop more when
 *    privileges are missing.
 *  - Return non-zero from a world step you cannot perform; never crash.
 *  - Never let a clock, a pid or a host address reach a return value.
 *
 * Build:  cc $(pkg-config --cflags xmcheck) -shared -fPIC -o mine.so template.c
 *         (after `make install PREFIX=...`; docs/PLUGINS.md walks it through)
 * Run:    xmcheck run --impl mine.so --seed 1 --runs 10000
 */
#include <stdlib.h>
#include <string.h>

#include "xmcheck.h"

struct xmc_world {
	int profile; /* enum xmc_profile asked for */
	/* your kernel layer's handles go here */
};

static xmc_world *tpl_create(const struct xmc_config *cfg, char *err,
			     size_t errlen)
{
	xmc_world *w = calloc(1, sizeof *w);
	if (!w) {
		strncpy(err, "out of memory", errlen);
		return NULL;
	}
	w->profile = cfg->profile;
	return w;
}

static int tpl_reset(xmc_world *w)
{
	(void)w; /* back to one process, no segments, process level */
	return 0;
}

static void tpl_destroy(xmc_world *w)
{
	free(w);
}

static const char *tpl_cap_reason(xmc_world *w, uint32_t cap)
{
	(void)w;
	(void)cap;
	return "not implemented yet in this template";
}

/* Observation: the DMA state of one page (docs/WORLD.md, "Page state"). */
static int tpl_page_state(xmc_world *w, uint32_t sid, uint32_t page,
			  struct xmc_page_state *out)
{
	(void)w;
	(void)sid;
	(void)page;
	memset(out, 0, sizeof *out);
	return -1; /* cannot observe yet */
}

/* Observation: bytes of a segment as a processor would read them. */
static int tpl_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		    uint32_t len)
{
	(void)w;
	(void)sid;
	(void)off;
	(void)buf;
	(void)len;
	return -1;
}

static const struct xmc_plugin tpl_plugin = {
	.abi_version = XMC_ABI_VERSION,
	.struct_size = sizeof(struct xmc_plugin),
	.name = "template",
	.version = "0.0",
	.profiles = (1u << XMC_PROFILE_POWER) | (1u << XMC_PROFILE_POWERPC),
	.caps = 0, /* add XMC_CAP_* bits as you implement steps */
	.create = tpl_create,
	.reset = tpl_reset,
	.destroy = tpl_destroy,
	.cap_reason = tpl_cap_reason,
	.page_state = tpl_page_state,
	.peek = tpl_peek,
	/* .seg_new = ..., .map = ..., .xmattach = ..., and so on */
};

const struct xmc_plugin *xmcheck_plugin(void)
{
	return &tpl_plugin;
}

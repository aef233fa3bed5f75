/*
 * sim.c - the simulator's lifecycle and its plug-in descriptor.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"
#include "sim_int.h"

_Static_assert(SIM_SETS * SIM_LINE == XMC_PAGE_SIZE,
	       "cache set index is the line number inside a page");
_Static_assert(SIM_WAYS == 2, "LRU replacement keeps one bit per set");
_Static_assert(SIM_NFRAMES < SIM_NOFRAME, "frame indices fit below NOFRAME");

static int sim_reset(xmc_world *w)
{
	if (!w)
		return -1;
	sim_mem_reset(w);
	w->nproc = 1;
	w->cur = 0;
	w->intr = 0;
	sim_as_init(w, 0);
	return 0;
}

static xmc_world *sim_create(const struct xmc_config *cfg, char *err,
			     size_t errlen)
{
	xmc_world *w;

	if (!cfg || (cfg->profile != XMC_PROFILE_POWER &&
		     cfg->profile != XMC_PROFILE_POWERPC)) {
		if (err && errlen)
			snprintf(err, errlen, "sim: unknown profile %d",
				 cfg ? cfg->profile : -1);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		if (err && errlen)
			snprintf(err, errlen, "sim: out of memory");
		return NULL;
	}
	w->profile = cfg->profile;
	/* the seed only rotates the free list, so frame numbers vary (W8) */
	w->rot = (uint32_t)(cfg->seed % SIM_NFRAMES);
	sim_mem_init(w);
	sim_reset(w);
	return w;
}

static void sim_destroy(xmc_world *w)
{
	free(w);
}

static uint32_t sim_runtime_caps(xmc_world *w)
{
	(void)w;
	return XMC_CAP_ALL;
}

static const char *sim_cap_reason(xmc_world *w, uint32_t cap)
{
	(void)w;
	(void)cap;
	return NULL; /* every capability is always available */
}


/*
 * The readings each build takes (docs/WORLD.md, "Readings"), declared so
 * that the harness holds it to them and skips corpus files written for the
 * other option; a variant (impl/sim/variants.txt) that reads a page the
 * other way declares that option instead.
 */
#if SIM_VARIANT == 1 || SIM_VARIANT == 21
#define SIM_XADDR "xaddr=offset,"
#else
#define SIM_XADDR "xaddr=region,"
#endif
#if SIM_VARIANT == 2 || SIM_VARIANT == 21
#define SIM_UADDR "uaddr=offset,"
#else
#define SIM_UADDR "uaddr=region,"
#endif
#if SIM_VARIANT == 15
#define SIM_KEY0 "key0_ro=allowed,"
#else
#define SIM_KEY0 "key0_ro=refused,"
#endif
#if SIM_VARIANT == 14
#define SIM_DETACH "detach_deleted=fails,"
#else
#define SIM_DETACH "detach_deleted=succeeds,"
#endif
#if SIM_VARIANT == 5 || SIM_VARIANT == 23
#define SIM_PPC "ppc_modified=set"
#else
#define SIM_PPC "ppc_modified=untouched"
#endif
/* W12, W13: what USER_ADSPACE, USERI_ADSPACE and SYS_ADSPACE attach */
#if SIM_VARIANT == 27
#define SIM_UTEXT ",user_text=refused"
#else
#define SIM_UTEXT ",user_text=allowed"
#endif
#if SIM_VARIANT == 28
#define SIM_UIDATA ",useri_data=refused"
#else
#define SIM_UIDATA ",useri_data=allowed"
#endif
#if SIM_VARIANT == 26
#define SIM_SYSAS ",sys_aspace=proc"
#else
#define SIM_SYSAS ",sys_aspace=global"
#endif
#define SIM_READINGS_W13 SIM_UTEXT SIM_UIDATA SIM_SYSAS
#define SIM_READINGS \
	SIM_XADDR SIM_UADDR SIM_KEY0 SIM_DETACH SIM_PPC SIM_READINGS_W13

const struct xmc_plugin sim_plugin = {
	.abi_version = XMC_ABI_VERSION,
	.struct_size = sizeof(struct xmc_plugin),
	.name = "sim",
	.version = "1.0",
	.profiles = (1u << XMC_PROFILE_POWER) | (1u << XMC_PROFILE_POWERPC),
	.caps = XMC_CAP_ALL,
	.create = sim_create,
	.reset = sim_reset,
	.destroy = sim_destroy,
	.runtime_caps = sim_runtime_caps,
	.cap_reason = sim_cap_reason,
	.proc_new = sim_proc_new,
	.proc_switch = sim_proc_switch,
	.seg_new = sim_seg_new,
	.seg_delete = sim_seg_delete,
	.map = sim_map,
	.protect = sim_protect,
	.pin = sim_pin,
	.unpin = sim_unpin,
	.page_out = sim_page_out_step,
	.page_in = sim_page_in_step,
	.io_error = sim_io_error,
	.pager_io = sim_pager_io,
	.wait = sim_wait,
	.set_env = sim_set_env,
	.poke = sim_poke,
	.dma_read = sim_dma_read,
	.dma_write = sim_dma_write,
	.clear_mod = sim_clear_mod,
	.xmattach = sim_xmattach,
	.xmdetach = sim_xmdetach,
	.xmemin = sim_xmemin,
	.xmemout = sim_xmemout,
	.xmemdma = sim_xmemdma,
	.as_att = sim_as_att,
	.as_det = sim_as_det,
	.getadsp = sim_getadsp,
	.as_geth = sim_as_geth,
	.as_puth = sim_as_puth,
	.as_getsrval = sim_as_getsrval,
	.page_state = sim_page_state,
	.peek = sim_peek,
	.probe = sim_probe,
	.readings = SIM_READINGS,
	.seg_state = sim_seg_state,
	.xmemdma64 = sim_xmemdma64,
	.image = sim_image,
	.kseg_new = sim_kseg_new,
};

/*
 * plugin.c - the Linux shim's plug-in table.
 *
 * pager_io and wait are NULL: Linux shows no pager I/O state and this shim
 * runs userfaultfd in SIGBUS mode, so nothing waits on a page (see
 * lnx_cap_reason); the capabilities are not claimed either.
 */
#include "lnx_int.h"

/* clang-format off */
const struct xmc_plugin lnx_plugin = {
	.abi_version = XMC_ABI_VERSION,
	.struct_size = sizeof(struct xmc_plugin),
	.name = "linux",
	.version = "1.0",
	.profiles = (1u << XMC_PROFILE_POWER) | (1u << XMC_PROFILE_POWERPC),
	.caps = LNX_CAPS | XMC_CAP_CHILDREN, /* its address spaces are processes */

	.create = lnx_create,
	.reset = lnx_reset,
	.destroy = lnx_destroy,
	.runtime_caps = lnx_runtime_caps,
	.cap_reason = lnx_cap_reason,

	.proc_new = lnx_proc_new,
	.proc_switch = lnx_proc_switch,
	.seg_new = lnx_seg_new,
	.seg_delete = lnx_seg_delete,
	.map = lnx_map,
	.protect = lnx_protect,
	.pin = lnx_pin,
	.unpin = lnx_unpin,
	.page_out = lnx_page_out,
	.page_in = lnx_page_in_step,
	.io_error = lnx_io_error,
	.pager_io = NULL,
	.wait = NULL,
	.set_env = lnx_set_env,
	.poke = lnx_poke,
	.dma_read = lnx_dma_read,
	.dma_write = lnx_dma_write,
	.clear_mod = lnx_clear_mod,

	.xmattach = lnx_xmattach,
	.xmdetach = lnx_xmdetach,
	.xmemin = lnx_xmemin,
	.xmemout = lnx_xmemout,
	.xmemdma = lnx_xmemdma,
	.as_att = lnx_as_att,
	.as_det = lnx_as_det,
	.getadsp = lnx_getadsp,
	.as_geth = lnx_as_geth,
	.as_puth = lnx_as_puth,
	.as_getsrval = lnx_as_getsrval,

	.page_state = lnx_page_state,
	.peek = lnx_peek,
	.probe = lnx_probe_load,
	.readings = "xaddr=region,uaddr=region,key0_ro=refused,"
		    "detach_deleted=succeeds,ppc_modified=untouched,"
		    "user_text=allowed,useri_data=allowed,sys_aspace=global",
	.seg_state = lnx_seg_state,
	.xmemdma64 = lnx_xmemdma64,
	.image = lnx_image,
	.kseg_new = lnx_kseg_new,
};
/* clang-format on */

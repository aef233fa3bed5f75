/*
 * tables.c - the names the spec may use: builtins, constants, services,
 * effects, capabilities. The loader checks a spec against them; the model's
 * evaluator (model.c) implements each builtin and effect by its index, so the
 * order here is the order of the enums in model.h.
 */
#include <string.h>

#include "model.h"
#include "spec.h"
#include "xmcheck.h"

#define I MDL_T_INT
#define B MDL_T_BOOL
#define D MDL_T_DESC

const struct mdl_builtin mdl_builtins[] = {
	{"INTERRUPT", 0, {0}, B},
	{"defined", 2, {I, I}, B},
	{"desc_known", 1, {D}, B},
	{"desc_deleted", 1, {D}, B},
	{"reachable", 3, {D, I, I}, B},
	{"any_prot", 4, {D, I, I, I}, B},
	{"any_nonresident", 3, {D, I, I}, B},
	{"any_io_error", 3, {D, I, I}, B},
	{"any_hidden", 3, {D, I, I}, B},
	{"in_memory", 2, {D, I}, B},
	{"pin_count", 2, {D, I}, I},
	{"hide_count", 2, {D, I}, I},
	{"prot", 2, {D, I}, I},
	{"pager_io", 2, {D, I}, B},
	{"waiters", 2, {D, I}, I},
	{"allocated", 1, {I}, B},
	{"free_regions", 0, {0}, I},
	{"seg_exists", 1, {I}, B},
	{"user_region", 1, {I}, B},
	{"srval", 1, {I}, I},
	{"held", 1, {I}, I},
	{"delete_pending", 1, {I}, B},
	{"page_deleted", 2, {D, I}, B},
	{"desc_remapped", 1, {D}, B},
	{"ro_refused", 3, {D, I, I}, B},
	{"reading", 1, {I}, I},
	{"KERNEL_SPACE", 0, {0}, B},
	{"kdefined", 2, {I, I}, B},
	{"any_text", 2, {I, I}, B},
	{"all_text", 2, {I, I}, B},
	{"desc_sys", 1, {D}, B},
};
const int mdl_nbuiltins = sizeof mdl_builtins / sizeof mdl_builtins[0];

const struct mdl_const mdl_consts[] = {
	{"XMEM_SUCC", XMEM_SUCC},
	{"XMEM_FAIL", XMEM_FAIL},
	{"XMEM_PROC", XMEM_PROC},
	{"XMEM_GLOBAL", XMEM_GLOBAL},
	{"XMEM_INVAL", XMEM_INVAL},
	{"XMEM_PROC2", XMEM_PROC2},
	{"USER_ADSPACE", USER_ADSPACE},
	{"SYS_ADSPACE", SYS_ADSPACE},
	{"USERI_ADSPACE", USERI_ADSPACE},
	{"XMEM_HIDE", XMEM_HIDE},
	{"XMEM_UNHIDE", XMEM_UNHIDE},
	{"XMEM_ACC_CHK", XMEM_ACC_CHK},
	{"XMEM_WRITE_ONLY", XMEM_WRITE_ONLY},
	{"PROT_RW", XMC_PROT_RW},
	{"PROT_RO", XMC_PROT_RO},
	{"PROT_NONE", XMC_PROT_NONE},
	{"NULLSEGVAL", XMC_NULLSEGVAL},
	{"EINVAL", XMC_EINVAL},
	{"NULL", 0},
	{"RD_XADDR", MDL_RD_XADDR},
	{"RD_UADDR", MDL_RD_UADDR},
	{"RD_KEY0_RO", MDL_RD_KEY0_RO},
	{"RD_DETACH_DELETED", MDL_RD_DETACH_DELETED},
	{"RD_PPC_MODIFIED", MDL_RD_PPC_MODIFIED},
	{"RD_USER_TEXT", MDL_RD_USER_TEXT},
	{"RD_USERI_DATA", MDL_RD_USERI_DATA},
	{"RD_SYS_ASPACE", MDL_RD_SYS_ASPACE},
};
const int mdl_nconsts = sizeof mdl_consts / sizeof mdl_consts[0];

#define K MDL_T_KBUF
#define A MDL_T_ADSP
const struct mdl_svcdef mdl_svcdefs[MDL_NSVC] = {
	[MDL_XMATTACH] = {"xmattach", 4, {I, I, D, I}},
	[MDL_XMDETACH] = {"xmdetach", 1, {D}},
	[MDL_XMEMIN] = {"xmemin", 4, {I, K, I, D}},
	[MDL_XMEMOUT] = {"xmemout", 4, {K, I, I, D}},
	[MDL_XMEMDMA] = {"xmemdma", 3, {D, I, I}},
	[MDL_XMEMDMA64] = {"xmemdma64", 3, {D, I, I}},
	[MDL_AS_ATT] = {"as_att", 3, {A, I, I}},
	[MDL_AS_DET] = {"as_det", 2, {A, I}},
	[MDL_GETADSP] = {"getadsp", 0, {0}},
	[MDL_AS_GETH] = {"as_geth", 2, {A, I}},
	[MDL_AS_PUTH] = {"as_puth", 2, {A, I}},
	[MDL_AS_GETSRVAL] = {"as_getsrval", 2, {A, I}},
};

const char *const mdl_effect_names[] = {
	"attach",	 "detach",     "page_in_range", "copy_in",
	"copy_out",	 "mark_modified_range", "hide_inc", "hide_dec",
	"flush",	 "invalidate", "validate",	"ready_waiters",
	"set_modified", "alloc_region", "free_region", "hold",
	"release",	 "ppc_modified",
};
const int mdl_neffects = sizeof mdl_effect_names / sizeof mdl_effect_names[0];

const char *const mdl_cap_names[] = {
	"procs",   "seg_delete", "protect",   "pin",
	"pageout", "io_error",	 "pager_io",  "waiters",
	"interrupt", "dma_device", "modified", "probe",
	"image",     "kernel",
};
const int mdl_ncaps = sizeof mdl_cap_names / sizeof mdl_cap_names[0];

uint32_t mdl_cap_mask(const char *s)
{
	uint32_t m = 0;
	while (s && *s) {
		size_t n = strcspn(s, ", ");
		for (int b = 0; b < mdl_ncaps; b++)
			if (n && strlen(mdl_cap_names[b]) == n &&
			    !strncmp(s, mdl_cap_names[b], n))
				m |= 1u << b;
		s += n;
		s += strspn(s, ", ");
	}
	return m;
}

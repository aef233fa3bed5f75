/*
 * sim_kern.c - process images and kernel segments (docs/WORLD.md W12, W13):
 * the `image` and `kseg_new` world steps. Both create ordinary segments of
 * the segment table, so every page step and observation acts on them as on
 * user pages; what differs is where they are reached from: a process's
 * regions 1 and 2, or the kernel's own address space (sim_kseg_at).
 */
#include "sim_int.h"

int sim_image(xmc_world *w, int pid, int npages)
{
	uint32_t text = XMC_SID(XMC_SEG_TEXT(pid)), data;
	xmc_adspace *as;

	if (pid < 0 || pid >= w->nproc || npages < 1 ||
	    npages > (int)XMC_OBJ_PAGES || w->nfree < 2 * npages)
		return -1;
	/* once a service has seen the process, its regions 1 and 2 stay */
	if (((w->imaged | w->served) >> pid) & 1u)
		return -1;
#if SIM_MUTANT == 42 /* image-data-shared: every process gets pid 0's data */
	data = XMC_SID(XMC_SEG_DATA(0));
#else
	data = XMC_SID(XMC_SEG_DATA(pid));
#endif
	sim_seg_create(w, XMC_SEG_TEXT(pid), npages, 0, XMC_PROT_RO);
	sim_seg_create(w, XMC_SEG_DATA(pid), npages, 0, XMC_PROT_RW);
	as = &w->as[pid];
	as->srval[1] = XMC_SRVAL(text, XMC_VM_UNPRIV);
	as->srval[2] = XMC_SRVAL(data, XMC_VM_UNPRIV);
	w->imaged |= (uint8_t)(1u << pid);
	return 0;
}

int sim_kseg_new(xmc_world *w, int j, int npages)
{
	if (j < 0 || j >= XMC_KSEGS || npages < 1 ||
	    npages > (int)XMC_OBJ_PAGES)
		return -1;
	if (sim_seg(w, XMC_SID(XMC_SEG_KERN(j))))
		return -1; /* created once, never deleted */
	return sim_seg_create(w, XMC_SEG_KERN(j), npages, 0, XMC_PROT_RW);
}

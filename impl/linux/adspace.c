/*
 * adspace.c - getadsp, as_att, as_det, as_geth, as_puth, as_getsrval (W9).
 *
 * The shim keeps an adspace_t mirror per world process; a region is slot r
 * of the process's window. as_att maps the segment's memfd into the slot
 * (MAP_SHARED|MAP_FIXED over the reservation), as_det re-reserves it
 * PROT_NONE; both are requests posted to the process's child.
 */
#include "lnx_int.h"

/* Which process an adspace_t pointer stands for. A pointer that is not one
 * of the mirrors (a copy made by a sandbox proxy) means the current one. */
static int proc_of(xmc_world *w, const xmc_adspace *adsp)
{
	for (int p = 0; p < XMC_MAX_PROCS; p++)
		if (adsp == &w->proc[p].adsp)
			return p;
	return w->cur;
}

/* Keeps a caller's copy in step with the mirror. */
static void copy_back(xmc_world *w, xmc_adspace *adsp, int p)
{
	if (adsp && adsp != &w->proc[p].adsp)
		*adsp = w->proc[p].adsp;
}

static uint32_t bit(int r)
{
	return 0x80000000u >> r;
}

static int fixed_region(int r)
{
	return r <= 2 || r == 14;
}

xmc_adspace *lnx_getadsp(xmc_world *w)
{
	return &w->proc[w->cur].adsp;
}

xmc_caddr lnx_as_att(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h,
		     xmc_caddr offset)
{
	int pid = proc_of(w, adsp), k;
	struct lnx_proc *p = &w->proc[pid];
	if (!lnx_seg_of(w, h, &k) || LNX_IS_KERN(k))
		return 0; /* W3: a handle naming no segment a process holds */
	for (int r = 3; r < 16; r++) {
		if (fixed_region(r) || (p->adsp.alloc & bit(r)))
			continue;
		if (lnx_map_slot(w, pid, r, k) < 0)
			return 0;
		p->adsp.alloc |= bit(r);
		p->adsp.srval[r] = h;
		p->seg[r] = (int8_t)k;
		copy_back(w, adsp, pid);
		return ((xmc_caddr)r << XMC_SEGSHIFT) | XMC_OFFSET(offset);
	}
	return 0; /* no free region */
}

int lnx_as_det(xmc_world *w, xmc_adspace *adsp, xmc_caddr eaddr)
{
	int pid = proc_of(w, adsp), r = (int)XMC_REGION(eaddr);
	struct lnx_proc *p = &w->proc[pid];
	if (fixed_region(r) || !(p->adsp.alloc & bit(r)))
		return XMC_EINVAL;
	if (p->seg[r] >= 0 && lnx_unmap_slot(w, pid, r, p->seg[r]) < 0)
		return XMC_EINVAL;
	p->adsp.alloc &= ~bit(r);
	p->adsp.srval[r] = XMC_NULLSEGVAL;
	p->seg[r] = -1;
	copy_back(w, adsp, pid);
	return 0;
}

static xmc_vmhandle reg(const struct lnx_proc *p, int r)
{
	return (p->adsp.alloc & bit(r)) ? p->adsp.srval[r] : XMC_NULLSEGVAL;
}

xmc_vmhandle lnx_as_geth(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr)
{
	struct lnx_proc *p = &w->proc[proc_of(w, adsp)];
	int r = (int)XMC_REGION(addr);
	if ((p->adsp.alloc & bit(r)) && p->seg[r] >= 0)
		w->seg[p->seg[r]].holds++; /* defers seg_delete (W9) */
	return reg(p, r);
}

void lnx_as_puth(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h)
{
	int k;
	struct lnx_seg *s = lnx_seg_of(w, h, &k);
	(void)adsp;
	if (!s || s->holds == 0)
		return; /* W3: no hold */
	if (--s->holds == 0 && s->pending)
		lnx_seg_do_delete(w, k);
}

xmc_vmhandle lnx_as_getsrval(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr)
{
	return reg(&w->proc[proc_of(w, adsp)], (int)XMC_REGION(addr));
}

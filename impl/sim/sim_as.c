/*
 * sim_as.c - address spaces: getadsp, as_att, as_det, as_geth, as_puth,
 * as_getsrval (WORLD.md W9).
 */
#include <string.h>

#include "sim_int.h"

#define BIT(r) (0x80000000u >> (r))
#define FIXED_REGIONS (BIT(0) | BIT(1) | BIT(2) | BIT(14))

void sim_as_init(xmc_world *w, int pid)
{
	xmc_adspace *as = &w->as[pid];
	int r;

	for (r = 0; r < 16; r++)
		as->srval[r] = XMC_NULLSEGVAL;
	as->alloc = FIXED_REGIONS;
	as->srval[0] = XMC_SRVAL(SIM_KSID_KERNEL, XMC_VM_PRIV);
	as->srval[1] = XMC_SRVAL(SIM_KSID_TEXT(pid), XMC_VM_UNPRIV);
	as->srval[2] = XMC_SRVAL(SIM_KSID_PRIV(pid), XMC_VM_UNPRIV);
	as->srval[14] = XMC_SRVAL(SIM_KSID_KEXT, XMC_VM_PRIV);
}

xmc_adspace *sim_as_cur(xmc_world *w)
{
	return &w->as[w->cur];
}

/*
 * The adspace_t a service acts on. A pointer getadsp returned names its
 * process; any other pointer (e.g. a sandbox proxy's copy) is read as the
 * current process's address space, and *foreign is set so the caller
 * copies the result back into it.
 */
static xmc_adspace *as_of(xmc_world *w, xmc_adspace *adsp, int *foreign)
{
	int p;

	*foreign = 0;
	for (p = 0; p < w->nproc; p++)
		if (adsp == &w->as[p])
			return adsp;
	*foreign = 1;
	return sim_as_cur(w);
}

static void sync_back(const xmc_adspace *as, xmc_adspace *adsp, int foreign)
{
	if (foreign)
		memcpy(adsp, as, sizeof(*as));
}

/* Does the handle name a segment (a fixed region's, or a created one)? */
static int sid_known(xmc_world *w, uint32_t sid)
{
	if (sim_seg(w, sid))
		return 1;
	if (sid == SIM_KSID_KERNEL || sid == SIM_KSID_KEXT)
		return 1;
	return (sid >= SIM_KSID_TEXT(0) && sid < SIM_KSID_TEXT(w->nproc)) ||
	       (sid >= SIM_KSID_PRIV(0) && sid < SIM_KSID_PRIV(w->nproc));
}

xmc_adspace *sim_getadsp(xmc_world *w)
{
	sim_served(w);
	return sim_as_cur(w);
}

xmc_caddr sim_as_att(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h,
		     xmc_caddr offset)
{
	xmc_adspace *as;
	int r, foreign;

	if (!w)
		return 0;
	sim_served(w);
	if (!adsp || w->intr || !sid_known(w, XMC_SRVAL_SID(h)))
		return 0;
	as = as_of(w, adsp, &foreign);
#if SIM_MUTANT == 30 /* as-att-no-region-15: eligible 3..13 only */
	for (r = 3; r < 15; r++) {
#elif SIM_VARIANT == 7 /* as-att-highest: the highest free region first */
	for (r = 15; r >= 3; r--) {
#else
	for (r = 3; r < 16; r++) {
#endif
#if SIM_MUTANT == 31 /* as-att-alloc-bit-order: bit r counted from the LSB */
		if (r == 14 || (as->alloc & (1u << r)))
			continue;
#else
		if (r == 14 || (as->alloc & BIT(r)))
			continue;
#endif
		as->alloc |= BIT(r);
		as->srval[r] = h;
		sync_back(as, adsp, foreign);
#if SIM_MUTANT == 32 /* as-att-keeps-upper-bits of offset */
		return ((uint32_t)r << XMC_SEGSHIFT) | offset;
#else
		return ((uint32_t)r << XMC_SEGSHIFT) | XMC_OFFSET(offset);
#endif
	}
	return 0;
}

int sim_as_det(xmc_world *w, xmc_adspace *adsp, xmc_caddr eaddr)
{
	uint32_t r = XMC_REGION(eaddr);
	xmc_adspace *as;
	int foreign;

	if (!w)
		return XMC_EINVAL;
	sim_served(w);
	if (!adsp || w->intr)
		return XMC_EINVAL;
	as = as_of(w, adsp, &foreign);
#if SIM_MUTANT == 33 /* as-det-allows-14: kernel extension region freed */
	if (((FIXED_REGIONS & ~BIT(14)) & BIT(r)) || !(as->alloc & BIT(r)))
		return XMC_EINVAL;
#elif SIM_MUTANT == 34 /* as-det-free-ok: a free region "detaches" */
	if (FIXED_REGIONS & BIT(r))
		return XMC_EINVAL;
#else
	if ((FIXED_REGIONS & BIT(r)) || !(as->alloc & BIT(r)))
		return XMC_EINVAL;
#endif
	as->alloc &= ~BIT(r);
	as->srval[r] = XMC_NULLSEGVAL;
	sync_back(as, adsp, foreign);
	return 0;
}

xmc_vmhandle sim_as_getsrval(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr)
{
	uint32_t r = XMC_REGION(addr);
	xmc_adspace *as;
	int foreign;

	if (!w)
		return XMC_NULLSEGVAL;
	sim_served(w);
	if (!adsp)
		return XMC_NULLSEGVAL;
	as = as_of(w, adsp, &foreign);
	return (as->alloc & BIT(r)) ? as->srval[r] : XMC_NULLSEGVAL;
}

/*
 * The segment a handle names that as_geth holds: any but a kernel segment
 * (holds defer a user segment's deletion, W9; a process's text and data
 * are held like any other, W12).
 */
static struct sim_seg *held_seg(xmc_world *w, xmc_vmhandle h)
{
	struct sim_seg *s = sim_seg(w, XMC_SRVAL_SID(h));

	return s && !SIM_IS_KERN(s - w->seg) ? s : NULL;
}

/* A hold keeps a live user segment from being deleted (W9). */
xmc_vmhandle sim_as_geth(xmc_world *w, xmc_adspace *adsp, xmc_caddr addr)
{
	xmc_vmhandle h;
	struct sim_seg *s;

	if (!w)
		return XMC_NULLSEGVAL;
	sim_served(w);
	if (w->intr)
		return XMC_NULLSEGVAL;
	h = sim_as_getsrval(w, adsp, addr);
	s = h == XMC_NULLSEGVAL ? NULL : held_seg(w, h);
#if SIM_MUTANT != 35 /* as-geth-no-hold */
	if (sim_seg_live(s) && s->holds < UINT16_MAX)
		s->holds++;
#else
	(void)s;
#endif
	return h;
}

void sim_as_puth(xmc_world *w, xmc_adspace *adsp, xmc_vmhandle h)
{
	struct sim_seg *s;

	(void)adsp;
	if (!w)
		return;
	sim_served(w);
	if (w->intr)
		return;
	s = held_seg(w, h);
	if (!sim_seg_live(s) || s->holds == 0)
		return;
#if SIM_MUTANT == 36 /* as-puth-no-delete: the deferred delete is lost */
	--s->holds;
#else
	if (--s->holds == 0 && s->state == SIM_SEG_PENDING)
		sim_seg_destroy(w, s);
#endif
}

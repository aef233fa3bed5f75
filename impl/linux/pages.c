/*
 * pages.c - page-level world steps (protect, pin, page-out, I/O error, poke,
 * device DMA) and the observation hooks.
 *
 * The parent's own MAP_SHARED mapping of a segment's memfd is "real memory":
 * the device (dma_read/dma_write), poke and peek use it, whatever the page's
 * state at the aliases. Pinning is mlock of that mapping (the frame is
 * locked for every alias); the pin count is the shim's, as mlock does not
 * nest.
 */
#include "lnx_int.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#ifndef LNX_MUTANT
#define LNX_MUTANT 0 /* planted bugs: impl/linux/mutants.txt */
#endif

/* The page of a live segment, or NULL. */
static struct lnx_page *live_page(xmc_world *w, uint32_t sid, uint32_t page,
				  int *k)
{
	struct lnx_seg *s = lnx_seg_of(w, sid, k);
	if (!s || s->deleted)
		return NULL;
	return lnx_pg(s, page);
}

/* Real memory of [off, off+len) of a live segment, all on defined pages. */
static uint8_t *real_range(xmc_world *w, uint32_t sid, uint32_t off,
			   uint32_t len, int *k)
{
	struct lnx_seg *s = lnx_seg_of(w, sid, k);
	if (!s || s->deleted || !s->real || len == 0 ||
	    (uint64_t)off + len > LNX_SLOT)
		return NULL;
	uint32_t lo = off / LNX_PG, hi = (off + len - 1) / LNX_PG;
	if (!lnx_pg(s, lo) || !lnx_pg(s, hi))
		return NULL;
	return s->real + (off - s->first * LNX_PG);
}

static uint8_t *real_page(xmc_world *w, int k, uint32_t page)
{
	struct lnx_seg *s = &w->seg[k];
	return s->real + (size_t)(page - s->first) * LNX_PG;
}

int lnx_protect(xmc_world *w, uint32_t sid, uint32_t page, int prot)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || pg->hide_count || prot < XMC_PROT_RW || prot > XMC_PROT_NONE)
		return -1;
	if (pg->prot == prot)
		return 0;
	pg->prot = (uint8_t)prot;
	return lnx_enact(w, k, page, 1);
}

int lnx_pin(xmc_world *w, uint32_t sid, uint32_t page)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || pg->pin_count >= 100 || (!pg->in_memory && pg->io_error))
		return -1;
	if (pg->pin_count == 0 && lnx_mlock(w, real_page(w, k, page)) < 0) {
		lnx_complain(w, "mlock", errno);
		return -1; /* nothing changed yet */
	}
	if (!pg->in_memory && lnx_page_in(w, k, page) < 0)
		return -1;
	pg->pin_count++;
	return 0;
}

int lnx_unpin(xmc_world *w, uint32_t sid, uint32_t page)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || pg->pin_count == 0 || pg->hide_count)
		return -1;
#if LNX_MUTANT == 2
	/* planted bug linux-munlock-early: the unpin taking the count from 2
	 * to 1 already munlocks (the count itself stays right) */
	if (pg->pin_count == 2 && lnx_munlock(w, real_page(w, k, page)) < 0)
		lnx_complain(w, "munlock", errno);
#endif
	if (--pg->pin_count == 0 && lnx_munlock(w, real_page(w, k, page)) < 0)
		lnx_complain(w, "munlock", errno);
	return 0;
}

int lnx_page_out(xmc_world *w, uint32_t sid, uint32_t page)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || !pg->in_memory || pg->pin_count || pg->hide_count)
		return -1;
	pg->in_memory = 0;
	pg->modified = 0;
	return lnx_enact(w, k, page, 0);
}

int lnx_page_in_step(xmc_world *w, uint32_t sid, uint32_t page)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || pg->in_memory || pg->io_error)
		return -1;
	return lnx_page_in(w, k, page);
}

/* The flag only: a non-resident page already has no PTE at any alias, so
 * a page-in through the services is refused by the shim's check. */
int lnx_io_error(xmc_world *w, uint32_t sid, uint32_t page, int on)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg)
		return -1;
	pg->io_error = on != 0;
	return 0;
}

int lnx_poke(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
	     uint32_t len)
{
	int k;
	uint8_t *p = real_range(w, sid, off, len, &k);
	if (!p || len > 8192)
		return -1;
	memcpy(p, buf, len);
	for (uint32_t pg = off / LNX_PG; pg <= (off + len - 1) / LNX_PG; pg++)
		lnx_pg(&w->seg[k], pg)->modified = 1;
	return 0;
}

/* Device access to real memory: within one defined page. */
static uint8_t *dma_range(xmc_world *w, uint32_t sid, uint32_t off,
			  uint32_t len)
{
	int k;
	uint8_t *p = real_range(w, sid, off, len, &k);
	if (!p || off / LNX_PG != (off + len - 1) / LNX_PG)
		return NULL;
	return p;
}

int lnx_dma_read(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		 uint32_t len)
{
	uint8_t *p = dma_range(w, sid, off, len);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

int lnx_dma_write(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		  uint32_t len)
{
	uint8_t *p = dma_range(w, sid, off, len);
	if (!p)
		return -1;
	memcpy(p, buf, len); /* the modified bit is not touched */
	return 0;
}

int lnx_clear_mod(xmc_world *w, uint32_t sid, uint32_t page)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg)
		return -1;
	pg->modified = 0;
	return 0;
}

int lnx_page_state(xmc_world *w, uint32_t sid, uint32_t page,
		   struct xmc_page_state *out)
{
	int k;
	struct lnx_page *pg = live_page(w, sid, page, &k);
	if (!pg || !out)
		return -1;
	memset(out, 0, sizeof *out);
	out->in_memory = pg->in_memory;
	out->valid = pg->hide_count == 0;
	out->modified = pg->modified;
	out->prot = pg->prot;
	out->io_error = pg->io_error;
	out->pin_count = pg->pin_count;
	out->hide_count = pg->hide_count;
	lnx_kobserve(w, k, page, out); /* what Linux says, where it can */
	return 0; /* pager_io and waiters: never set (caps not claimed) */
}

int lnx_peek(xmc_world *w, uint32_t sid, uint32_t off, void *buf, uint32_t len)
{
	int k;
	uint8_t *p = real_range(w, sid, off, len, &k);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

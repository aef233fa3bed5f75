/*
 * pages.c - page-level world steps (protect, pin, page-out, I/O error, poke,
 * device DMA) and the observation hooks.
 *
 * A segment's memfd is "real memory": the device (dma_read/dma_write), poke
 * and peek read and write it with pread/pwrite, whatever the page's state
 * at the aliases (a system call, but no PTE in the shim for the reset's
 * hole punch to flush: world.c pool_fill). Pinning is mlock of the shim's
 * own MAP_SHARED mapping of the memfd (the frame is locked for every
 * alias); the pin count is the shim's, as mlock does not nest.
 */
#include "lnx_int.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* File offset of [off, off+len) of a live segment, all on defined pages;
 * -1 otherwise. */
static off_t real_range(xmc_world *w, uint32_t sid, uint32_t off, uint32_t len,
			int *k)
{
	struct lnx_seg *s = lnx_seg_of(w, sid, k);
	if (!s || s->deleted || s->fd < 0 || len == 0 ||
	    (uint64_t)off + len > LNX_SLOT)
		return -1;
	uint32_t lo = off / LNX_PG, hi = (off + len - 1) / LNX_PG;
	if (!lnx_pg(s, lo) || !lnx_pg(s, hi))
		return -1;
	return (off_t)s->foff * LNX_PG + (off - s->first * LNX_PG);
}

/* len bytes of real memory at file offset o, in or out; 0 or -1. */
static int real_io(xmc_world *w, int k, off_t o, void *buf, uint32_t len,
		   int out)
{
	int fd = w->seg[k].fd;
	ssize_t n = out ? pwrite(fd, buf, len, o) : pread(fd, buf, len, o);
	if (n == (ssize_t)len)
		return 0;
	lnx_complain(w, out ? "pwrite of real memory" : "pread of real memory",
		     n < 0 ? errno : EIO);
	return -1;
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
	off_t o = real_range(w, sid, off, len, &k);
	if (o < 0 || len > 8192 || real_io(w, k, o, (void *)buf, len, 1) < 0)
		return -1;
	w->bgen++;
	for (uint32_t pg = off / LNX_PG; pg <= (off + len - 1) / LNX_PG; pg++)
		lnx_pg(&w->seg[k], pg)->modified = 1;
	return 0;
}

/* Device access to real memory: within one defined page. */
static int dma_io(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		  uint32_t len, int out)
{
	int k;
	off_t o = real_range(w, sid, off, len, &k);
	if (o < 0 || off / LNX_PG != (off + len - 1) / LNX_PG)
		return -1;
	return real_io(w, k, o, buf, len, out);
}

int lnx_dma_read(xmc_world *w, uint32_t sid, uint32_t off, void *buf,
		 uint32_t len)
{
	return dma_io(w, sid, off, buf, len, 0);
}

int lnx_dma_write(xmc_world *w, uint32_t sid, uint32_t off, const void *buf,
		  uint32_t len)
{
	/* the modified bit is not touched */
	w->bgen++;
	return dma_io(w, sid, off, (void *)buf, len, 1);
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
	off_t o = real_range(w, sid, off, len, &k);
	if (o < 0)
		return -1;
	/* the end-of-program sweep peeks every page: one pread of the
	 * segment's defined pages, kept while nothing can have changed
	 * them (bytes: bgen; copies into children and every other action
	 * Linux sees: kgen) */
	const struct lnx_seg *s = &w->seg[k];
	off_t at = (off_t)s->foff * LNX_PG;
	if (w->pk_k != k || w->pk_kgen != w->kgen || w->pk_bgen != w->bgen) {
		if (real_io(w, k, at, w->pk_buf,
			    (uint32_t)s->npages * LNX_PG, 0) < 0)
			return -1;
		w->pk_k = k;
		w->pk_kgen = w->kgen;
		w->pk_bgen = w->bgen;
	}
	memcpy(buf, w->pk_buf + (o - at), len);
	return 0;
}

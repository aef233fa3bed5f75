/*
 * interp.c - the spec interpreter: evaluates a service's clauses against the
 * world (which fire, what may be returned), checks and adopts the
 * implementation's answer, and applies the fired clauses' effects.
 */
#include <stdio.h>
#include <string.h>

#include "world.h"

#define STACK MDL_MAX_DEPTH /* deepest expression the loader accepts */

enum {
	F_INTERRUPT, F_DEFINED, F_DESC_KNOWN, F_DESC_DELETED, F_REACHABLE,
	F_ANY_PROT, F_ANY_NONRESIDENT, F_ANY_IO_ERROR, F_ANY_HIDDEN,
	F_IN_MEMORY, F_PIN_COUNT, F_HIDE_COUNT, F_PROT, F_PAGER_IO, F_WAITERS,
	F_ALLOCATED, F_FREE_REGIONS, F_SEG_EXISTS, F_USER_REGION, F_SRVAL,
	F_HELD, F_DELETE_PENDING, F_PAGE_DELETED, F_DESC_REMAPPED, F_RO_REFUSED,
	F_READING, F_KERNEL_SPACE, F_KDEFINED, F_ANY_TEXT, F_ALL_TEXT,
	F_DESC_SYS,
};

static int slot_ok(int64_t slot)
{
	return slot >= 0 && slot < XMC_MAX_DESCS;
}

/* Builtins about one page named through a descriptor. */
static int64_t page_fn(struct mdl_world *m, int fn, const int64_t *a)
{
	int k;
	uint32_t page;
	if (!slot_ok(a[0]) || mdlw_resolve(m, (int)a[0], a[1], &k, &page))
		return 0;
	const struct mdl_page *p = mdlw_page(m, k, page);
	switch (fn) {
	case F_IN_MEMORY: return p->in_mem;
	case F_PIN_COUNT: return p->pin;
	case F_HIDE_COUNT: return p->hide;
	case F_PROT: return p->prot;
	case F_PAGER_IO: return p->pager_io;
	case F_WAITERS: return p->waiters;
	case F_PAGE_DELETED: return m->seg[k].deleted;
	}
	return 0;
}

static int64_t range_fn(struct mdl_world *m, int fn, const int64_t *a)
{
	if (!slot_ok(a[0]))
		return 0;
	const struct mdl_range *rc = mdlw_range(m, (int)a[0], a[1], a[2]);
	switch (fn) {
	case F_REACHABLE: return rc->reach;
	case F_ANY_PROT:
		return a[3] == XMC_PROT_NONE ? rc->any_none
		       : a[3] == XMC_PROT_RO ? rc->any_ro
					     : 0;
	case F_ANY_NONRESIDENT: return rc->any_nonres;
	case F_ANY_IO_ERROR: return rc->any_ioerr;
	case F_ANY_HIDDEN: return rc->any_hidden;
	}
	return 0;
}

static int64_t region_fn(struct mdl_world *m, int fn, int64_t r)
{
	const xmc_adspace *as = &m->proc[m->cur].as;
	if (r < 0 || r > 15)
		return fn == F_SRVAL ? XMC_NULLSEGVAL : 0;
	int alloc = !!(as->alloc & (0x80000000u >> r));
	switch (fn) {
	case F_ALLOCATED: return alloc;
	case F_USER_REGION: /* regions 1 and 2 once the image is there */
		return alloc && r != 14 && r != 0 &&
		       mdlw_sid_seg(m, as->srval[r]) >= 0;
	}
	return 0;
}

static int64_t call(struct mdl_world *m, int fn, const int64_t *a)
{
	int k;
	switch (fn) {
	case F_INTERRUPT: return m->interrupt;
	case F_DEFINED: return mdlw_defined(m, a[0], a[1]);
	case F_DESC_KNOWN: return slot_ok(a[0]) && mdlw_desc_known(m, (int)a[0]);
	case F_DESC_DELETED:
		return slot_ok(a[0]) && mdlw_desc_deleted(m, (int)a[0]);
	case F_DESC_REMAPPED:
		return slot_ok(a[0]) && mdlw_desc_remapped(m, (int)a[0]);
	case F_RO_REFUSED: {
		/* W10: a read-only key refuses a write through a key-1 handle,
		 * and through a key-0 one unless the reading says allowed. */
		if (!slot_ok(a[0]))
			return 0;
		const struct mdl_range *rc = mdlw_range(m, (int)a[0], a[1], a[2]);
		return rc->any_ro_k1 ||
		       (rc->any_ro_k0 && mdlw_rd(m, MDL_RD_KEY0_RO) == 0);
	}
	case F_READING:
		return a[0] >= 0 && a[0] < MDL_NREADINGS ? mdlw_rd(m, (int)a[0])
							 : 0;
	case F_KERNEL_SPACE: return !!(m->caps & XMC_CAP_KERNEL);
	case F_KDEFINED: return mdlw_kdefined(m, a[0], a[1]);
	case F_ANY_TEXT: return mdlw_text_pages(m, a[0], a[1]) > 0;
	case F_ALL_TEXT: {
		int64_t n = mdlw_text_pages(m, a[0], a[1]);
		return n > 0 && n == (a[0] + a[1] - 1) / XMC_PAGE_SIZE -
					     a[0] / XMC_PAGE_SIZE + 1;
	}
	case F_DESC_SYS: return slot_ok(a[0]) && m->dsys[a[0]];
	case F_ALLOCATED:
	case F_USER_REGION: return region_fn(m, fn, a[0]);
	case F_SRVAL:
		return a[0] < 0 || a[0] > 0xffffffffll
			       ? XMC_NULLSEGVAL
			       : m->proc[m->cur].as.srval[XMC_REGION(a[0])];
	case F_FREE_REGIONS: {
		int n = 0;
		for (int r = 0; r < 16; r++)
			n += mdlw_region_eligible(r) &&
			     !(m->proc[m->cur].as.alloc & (0x80000000u >> r));
		return n;
	}
	case F_SEG_EXISTS:
	case F_HELD:
	case F_DELETE_PENDING:
		k = a[0] < 0 || a[0] > 0xffffffffll
			    ? -1
			    : mdlw_sid_seg(m, (uint32_t)a[0]);
		if (k < 0)
			return 0;
		return fn == F_SEG_EXISTS ? 1
		       : fn == F_HELD	  ? m->seg[k].holds
					  : m->seg[k].pending;
	}
	if (fn >= F_REACHABLE && fn <= F_ANY_HIDDEN)
		return range_fn(m, fn, a);
	return page_fn(m, fn, a);
}

static int64_t binop(int op, int64_t x, int64_t y)
{
	uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
	switch (op) {
	case MDL_B_ADD: return (int64_t)(ux + uy);
	case MDL_B_SUB: return (int64_t)(ux - uy);
	case MDL_B_MUL: return (int64_t)(ux * uy);
	case MDL_B_AND: return x & y;
	case MDL_B_OR: return x | y;
	case MDL_B_XOR: return x ^ y;
	case MDL_B_SHL: return y < 0 || y > 63 ? 0 : (int64_t)(ux << y);
	case MDL_B_SHR:
		if (y < 0 || y > 63)
			return 0;
		return x < 0 ? ~(~x >> y) : x >> y;
	case MDL_B_EQ: return x == y;
	case MDL_B_NE: return x != y;
	case MDL_B_LT: return x < y;
	case MDL_B_LE: return x <= y;
	case MDL_B_GT: return x > y;
	case MDL_B_GE: return x >= y;
	}
	return 0;
}

static int64_t param(struct mdl_world *m, int i, int field)
{
	int64_t v = m->op->a[i];
	if (field < 0)
		return v;
	if (!slot_ok(v))
		return 0;
	const struct xmc_xmem *d = &m->desc[v];
	switch (field) {
	case 0: return d->aspace_id;
	case 1: return d->subspace_id;
	case 2: return d->subspace_id2;
	}
	return d->uaddr;
}

static int64_t eval(struct mdl_world *m, const struct mdl_expr *e)
{
	int64_t st[STACK];
	int sp = 0;
	if (!e->code)
		return 1;
	if (e->depth > STACK)
		return 0;
	for (int pc = 0; pc < e->n; pc++) {
		const struct mdl_ins *in = &e->code[pc];
		switch (in->op) {
		case MDL_X_CONST: st[sp++] = in->imm; break;
		case MDL_X_PARAM: st[sp++] = param(m, in->a, -1); break;
		case MDL_X_FIELD: st[sp++] = param(m, in->a, in->b); break;
		case MDL_X_CALL:
			sp -= in->b;
			st[sp] = call(m, in->a, &st[sp]);
			sp++;
			break;
		case MDL_X_NOT: st[sp - 1] = !st[sp - 1]; break;
		case MDL_X_NEG: st[sp - 1] = (int64_t)(0 - (uint64_t)st[sp - 1]); break;
		case MDL_X_BNOT: st[sp - 1] = ~st[sp - 1]; break;
		case MDL_X_BIN:
			sp--;
			st[sp - 1] = binop(in->a, st[sp - 1], st[sp]);
			break;
		case MDL_X_JZ_KEEP:
			if (!st[sp - 1])
				pc = (int)in->imm - 1;
			else
				sp--;
			break;
		case MDL_X_JNZ_KEEP:
			if (st[sp - 1])
				pc = (int)in->imm - 1;
			else
				sp--;
			break;
		case MDL_X_BOOL: st[sp - 1] = !!st[sp - 1]; break;
		}
	}
	return sp ? st[sp - 1] : 0;
}

static int in_profile(const struct mdl_world *m, const struct mdl_clause *c)
{
	return !c->profiles || (c->profiles & (1u << m->profile));
}

static void add_rets(struct mdl_world *m, const struct mdl_clause *c,
		     struct mdl_outcome *o)
{
	for (int i = 0; i < c->nrets && o->nrets < MDL_MAX_RETS * 2; i++)
		o->rets[o->nrets++] = eval(m, &c->rets[i]);
}

static void fire(struct mdl_outcome *o, const struct mdl_clause *c)
{
	if (o->nfired < MDL_MAX_FIRED)
		o->fired[o->nfired++] = c->index;
}

/* The pages a service call touches, for observation. */
static void touched(struct mdl_world *m, const struct xmp_op *op,
		    struct mdl_eval *ev)
{
	const struct mdl_range *rc = NULL;
	int64_t slot = 0, u = 0, n = 0;
	ev->ntouched = 0;
	if (op->code == XMP_XMEMIN)
		slot = op->a[3], u = op->a[0], n = op->a[2];
	else if (op->code == XMP_XMEMOUT)
		slot = op->a[3], u = op->a[1], n = op->a[2];
	else if (op->code == XMP_XMEMDMA || op->code == XMP_XMEMDMA64)
		slot = op->a[0], u = op->a[1], n = 1;
	else
		return;
	if (!slot_ok(slot))
		return;
	rc = mdlw_range(m, (int)slot, u, n);
	memcpy(ev->touched, rc->pages, rc->n * sizeof rc->pages[0]);
	ev->ntouched = rc->n;
}

/*
 * Precedence: an undefined clause of rank environment or machine-dependent
 * outranks everything; then failures; then the other undefined clauses;
 * then success.
 */
void mdlw_eval_outcome(struct mdl_world *m, const struct xmp_op *op,
		       struct mdl_outcome *o)
{
	const struct mdl_service *s =
		&m->spec->svc[op->code - XMP_FIRST_SVC];
	int undef = 0, first = 0, fail = 0;
	o->nfired = o->nrets = 0;
	o->kind = MDL_EV_NOCLAUSE;
	o->rule = MDL_RULE_ANY;
	if (!s->count)
		return; /* a spec without this service: nothing to say */
	const struct mdl_clause *c0 = &m->spec->clauses[s->first];
	for (int i = 0; i < s->count; i++) {
		const struct mdl_clause *c = &c0[i];
		if (c->kind == MDL_SUCCESS || !in_profile(m, c) ||
		    !eval(m, &c->when))
			continue;
		fire(o, c);
		if (c->kind == MDL_UNDEFINED)
			undef = 1, first |= c->rank != MDL_RANK_DEFAULT;
		else
			fail = 1, add_rets(m, c, o);
	}
	if (first || (undef && !fail)) {
		o->kind = MDL_EV_UNDEF;
		o->rule = MDL_RULE_ANY;
		return;
	}
	if (fail) {
		o->kind = MDL_EV_FAIL;
		o->rule = MDL_RULE_VALUES;
		return;
	}
	o->kind = MDL_EV_NOCLAUSE;
	o->rule = MDL_RULE_ANY;
	for (int i = 0; i < s->count; i++) {
		const struct mdl_clause *c = &c0[i];
		if (c->kind != MDL_SUCCESS || !in_profile(m, c) ||
		    !eval(m, &c->when))
			continue;
		if (o->kind == MDL_EV_NOCLAUSE) {
			o->kind = MDL_EV_OK;
			o->rule = c->rule;
			add_rets(m, c, o);
		}
		fire(o, c);
	}
}

/* Copy an outcome into the primary fields of ev. */
static void set_primary(struct mdl_eval *ev, const struct mdl_outcome *o)
{
	ev->kind = o->kind;
	ev->rule = o->rule;
	ev->nrets = o->nrets;
	ev->nfired = o->nfired;
	memcpy(ev->fired, o->fired, o->nfired * sizeof o->fired[0]);
	memcpy(ev->rets, o->rets, o->nrets * sizeof o->rets[0]);
	memcpy(ev->rd, o->rd, sizeof ev->rd);
}

/* Assume the options an outcome took for the open readings. */
static void assume(struct mdl_world *m, const int8_t *rd)
{
	for (int r = 0; r < MDL_NREADINGS; r++) {
		int8_t o = rd[r] < 0 ? 0 : rd[r];
		if (m->rd_try[r] != o)
			m->rc.valid = 0; /* the range cache assumed another */
		m->rd_try[r] = o;
	}
}

static void eval_service(struct mdl_world *m, const struct xmp_op *op,
			 struct mdl_eval *ev)
{
	struct mdl_outcome o[MDL_MAX_ALT + 1];
	int n = mdlw_outcomes(m, op, o, MDL_MAX_ALT + 1), u = -1;
	/* An op undefined under some reading is compared under none. */
	for (int i = 0; i < n && u < 0; i++)
		if (o[i].kind == MDL_EV_UNDEF)
			u = i;
	set_primary(ev, &o[u < 0 ? 0 : u]);
	ev->nalt = 0;
	if (u < 0)
		for (int i = 1; i < n; i++)
			ev->alt[ev->nalt++] = o[i];
	assume(m, ev->rd);
	touched(m, op, ev);
}

void mdl_eval(struct mdl_world *m, const struct xmp_op *op,
	      struct mdl_eval *ev)
{
	ev->nfired = 0;
	ev->nrets = 0;
	ev->ntouched = 0;
	ev->nalt = 0;
	ev->cause = -1;
	ev->rule = MDL_RULE_ANY;
	memset(ev->rd, -1, sizeof ev->rd);
	m->rc.valid = 0;
	m->op = op;
	m->op_rd = op->code == XMP_XMEMDMA || op->code == XMP_XMEMDMA64
			   ? MDL_RD_XADDR
			   : MDL_RD_UADDR;
	if (!XMP_IS_SVC(op->code)) {
		ev->kind = mdlw_step_legal(m, op, ev) ? MDL_EV_STEP
						      : MDL_EV_ILLEGAL;
		return;
	}
	eval_service(m, op, ev);
}

static uint64_t real(const struct xmp_op *op, int64_t ret);

static int check_values(const struct xmp_op *op, const struct mdl_eval *ev,
			int64_t ret, char *why, size_t len)
{
	for (int i = 0; i < ev->nrets; i++)
		if (real(op, ev->rets[i]) == real(op, ret))
			return 0;
	int o = snprintf(why, len, "returned %d (0x%x), expected",
			 (int32_t)ret, (uint32_t)ret);
	for (int i = 0, n = 0; i < ev->nrets && o > 0 && (size_t)o < len;
	     i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= (uint32_t)ev->rets[j] == (uint32_t)ev->rets[i];
		if (!dup)
			o += snprintf(why + o, len - (size_t)o, "%s %d",
				      n++ ? " or" : "", (int32_t)ev->rets[i]);
	}
	return 1;
}

/* W8: a real address consistent with the page and with other pins. */
/*
 * A real address as the service returns it: 32 bits for xmemdma, 64 for
 * xmemdma64 (whose XMEM_FAIL is all ones).
 */
static uint64_t real(const struct xmp_op *op, int64_t ret)
{
	return op->code == XMP_XMEMDMA64 ? (uint64_t)ret : (uint32_t)ret;
}

/* W8: a real address consistent with the page and with other pins. */
static int check_realaddr(struct mdl_world *m, const struct xmp_op *op,
			  int64_t ret, char *why, size_t len)
{
	int k;
	uint32_t page;
	uint64_t r = real(op, ret);
	int64_t frame = (int64_t)(r >> 12);
	if (r == real(op, XMEM_FAIL))
		return snprintf(why, len, "returned XMEM_FAIL, expected a "
					  "real address"), 1;
	if ((r & 0xfff) != ((uint32_t)op->a[1] & 0xfff))
		return snprintf(why, len, "real address 0x%llx does not keep "
					  "xaddr's low 12 bits",
				(unsigned long long)r), 1;
	if (mdlw_resolve(m, (int)op->a[0], op->a[1], &k, &page))
		return 0;
	const struct mdl_page *p = mdlw_page(m, k, page);
	if (p->frame != MDL_FRAME_NONE && p->frame != frame)
		return snprintf(why, len, "frame 0x%llx changed to 0x%llx while "
					  "pinned", (unsigned long long)p->frame,
				(unsigned long long)frame), 1;
	for (int s = 0; s < mdl_nsegs(m); s++)
		for (int i = 0; mdlw_seg_made(m, s) && i < m->seg[s].npages;
		     i++) {
			const struct mdl_page *q = &m->seg[s].pg[i];
			if (q != p && q->pin && q->frame == frame)
				return snprintf(why, len, "frame 0x%llx shared "
						"with seg %d page %u",
						(unsigned long long)frame, s,
						m->seg[s].base + i), 1;
		}
	return 0;
}

/* W9: as_att's region was free and eligible, the offset kept. */
static int check_region(struct mdl_world *m, const struct xmp_op *op,
			int64_t ret, char *why, size_t len)
{
	uint32_t r = XMC_REGION((uint32_t)ret);
	if ((uint32_t)ret == 0)
		return snprintf(why, len, "returned NULL with a free region"), 1;
	if (!mdlw_region_eligible((int)r) ||
	    (m->proc[m->cur].as.alloc & (0x80000000u >> r)))
		return snprintf(why, len, "region %u was not free and "
					  "eligible", r), 1;
	if (XMC_OFFSET((uint32_t)ret) != XMC_OFFSET((uint32_t)op->a[2]))
		return snprintf(why, len, "offset 0x%x is not the low 28 bits "
					  "of 0x%x", XMC_OFFSET((uint32_t)ret),
				(uint32_t)op->a[2]), 1;
	return 0;
}

static void adopt_frame(struct mdl_world *m, const struct xmp_op *op,
			int64_t ret)
{
	int k;
	uint32_t page;
	if (mdlw_resolve(m, (int)op->a[0], op->a[1], &k, &page))
		return;
	struct mdl_page *p = mdlw_page(m, k, page);
	if (p->pin)
		p->frame = (int64_t)(real(op, ret) >> 12);
}

static int check_ret(struct mdl_world *m, const struct xmp_op *op,
		     const struct mdl_eval *ev, int64_t ret, char *why,
		     size_t len)
{
	switch (ev->rule) {
	case MDL_RULE_VALUES: return check_values(op, ev, ret, why, len);
	case MDL_RULE_REALADDR: return check_realaddr(m, op, ret, why, len);
	case MDL_RULE_REGION_ADDR: return check_region(m, op, ret, why, len);
	}
	return 0;
}

/*
 * Several outcomes (open readings): keep those ret agrees with, take the
 * last of them (the most lenient for a failed move's leftovers) and fix
 * every reading they all took the same option of.
 */
static int choose(struct mdl_world *m, const struct xmp_op *op,
		  struct mdl_eval *ev, int64_t ret, char *why, size_t len)
{
	struct mdl_outcome all[MDL_MAX_ALT + 1];
	int n = 0, ok = 0, pick = -1;
	int8_t agree[MDL_NREADINGS];
	char w0[200] = "";
	all[n].kind = ev->kind, all[n].rule = ev->rule;
	all[n].nrets = ev->nrets, all[n].nfired = ev->nfired;
	memcpy(all[n].fired, ev->fired, ev->nfired * sizeof ev->fired[0]);
	memcpy(all[n].rets, ev->rets, ev->nrets * sizeof ev->rets[0]);
	memcpy(all[n++].rd, ev->rd, sizeof ev->rd);
	for (int i = 0; i < ev->nalt; i++)
		all[n++] = ev->alt[i];
	for (int i = 0; i < n; i++) {
		set_primary(ev, &all[i]);
		assume(m, all[i].rd);
		if (check_ret(m, op, ev, ret, i ? NULL : w0, i ? 0 : sizeof w0))
			continue;
		if (!ok++)
			memcpy(agree, all[i].rd, sizeof agree);
		for (int r = 0; r < MDL_NREADINGS; r++)
			if (agree[r] != all[i].rd[r])
				agree[r] = -1;
		pick = i;
	}
	if (pick < 0) {
		set_primary(ev, &all[0]);
		assume(m, all[0].rd);
		snprintf(why, len, "%s (under every reading)", w0);
		return 1;
	}
	set_primary(ev, &all[pick]);
	assume(m, all[pick].rd);
	for (int r = 0; r < MDL_NREADINGS; r++)
		if (agree[r] >= 0 && m->rd[r] < 0)
			m->rd[r] = agree[r];
	ev->nalt = 0;
	touched(m, op, ev);
	return 0;
}

int mdl_commit(struct mdl_world *m, const struct xmp_op *op,
	       struct mdl_eval *ev, int64_t ret, char *why, size_t whylen)
{
	m->op = op;
	if (ev->kind == MDL_EV_STEP)
		mdlw_step_apply(m, op);
	else if (XMP_IS_SVC(op->code))
		m->proc[m->cur].ran = 1; /* its image can no longer be given */
	if (ev->kind != MDL_EV_OK && ev->kind != MDL_EV_FAIL)
		return 0;
	int bad = ev->nalt ? choose(m, op, ev, ret, why, whylen)
			   : (assume(m, ev->rd),
			      check_ret(m, op, ev, ret, why, whylen));
	if (bad || ev->kind == MDL_EV_FAIL)
		return bad;
	if (ev->rule == MDL_RULE_REALADDR)
		adopt_frame(m, op, ret);
	for (int i = 0; i < ev->nfired; i++) {
		const struct mdl_clause *c = &m->spec->clauses[ev->fired[i]];
		m->clause_now = c->index;
		for (int e = 0; e < c->neffects; e++)
			mdlw_effect(m, c->effects[e], op, ret);
	}
	return 0;
}

int64_t mdl_choose(struct mdl_world *m, const struct xmp_op *op,
		   const struct mdl_eval *ev)
{
	int k;
	uint32_t page;
	switch (ev->rule) {
	case MDL_RULE_VALUES: return ev->nrets ? ev->rets[0] : 0;
	case MDL_RULE_REALADDR:
		if (mdlw_resolve(m, (int)op->a[0], op->a[1], &k, &page))
			return 0x100000 | (op->a[1] & 0xfff);
		const struct mdl_page *p = mdlw_page(m, k, page);
		uint64_t frame = p->frame != MDL_FRAME_NONE
					 ? (uint64_t)p->frame
					 : 0x100u + (uint32_t)k * XMC_OBJ_PAGES +
						   (page - m->seg[k].base);
		return (int64_t)(frame << 12 | ((uint32_t)op->a[1] & 0xfff));
	case MDL_RULE_REGION_ADDR:
		for (uint32_t r = 3; r < 16; r++)
			if (mdlw_region_eligible((int)r) &&
			    !(m->proc[m->cur].as.alloc & (0x80000000u >> r)))
				return (int64_t)(r << XMC_SEGSHIFT |
						 XMC_OFFSET((uint32_t)op->a[2]));
	}
	return 0;
}

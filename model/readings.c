/*
 * readings.c - several readings the pages allow: one outcome per option of
 * each open reading an op depends on, and the choice among them once the
 * implementation has answered (docs/WORLD.md, "Readings").
 */
#include <stdio.h>
#include <string.h>

#include "world.h"

const struct mdl_reading_def mdl_readings[MDL_NREADINGS] = {
	[MDL_RD_XADDR] = {"xaddr", {"region", "offset"},
			  "xmemdma Kernel Service: \"the xaddr parameter "
			  "specifies the offset in the region described in the "
			  "cross-memory descriptor\""},
	[MDL_RD_UADDR] = {"uaddr", {"region", "offset"},
			  "xmemin Kernel Service: \"uaddr specifies the address "
			  "in memory specified by a cross-memory descriptor\""},
	[MDL_RD_KEY0_RO] = {"key0_ro", {"refused", "allowed"},
			    "no page says how the handle's key bit enters the "
			    "access check (WORLD.md W10)"},
	[MDL_RD_DETACH_DELETED] = {"detach_deleted", {"succeeds", "fails"},
				   "xmdetach Kernel Service: fails when \"the "
				   "buffer was not defined\"; the segment is "
				   "gone, the descriptor is not"},
	[MDL_RD_PPC_MODIFIED] = {"ppc_modified", {"untouched", "set"},
				 "xmemdma64 Kernel Service: \"If "
				 "cache-consistent, then the modified bit is "
				 "set\"; the xmemdma page says nothing"},
	[MDL_RD_USER_TEXT] = {"user_text", {"allowed", "refused"},
			      "xmattach Kernel Service names USER_ADSPACE "
			      "and USERI_ADSPACE, not what separates them "
			      "(WORLD.md W12)"},
	[MDL_RD_USERI_DATA] = {"useri_data", {"allowed", "refused"},
			       "xmattach Kernel Service names USERI_ADSPACE "
			       "(user instruction space), not whether it "
			       "reaches data (WORLD.md W12)"},
	[MDL_RD_SYS_ASPACE] = {"sys_aspace", {"proc", "global"},
			       "no page says whether xmattach with "
			       "SYS_ADSPACE yields XMEM_PROC or XMEM_GLOBAL "
			       "(WORLD.md W13)"},
};

int mdl_reading(const struct mdl_world *m, int r)
{
	return m->rd[r];
}

void mdl_set_reading(struct mdl_world *m, int r, int opt)
{
	m->rd[r] = (int8_t)opt;
}

void mdl_clear_readings(struct mdl_world *m)
{
	memset(m->rd, -1, sizeof m->rd);
}

/* The option of reading r for this evaluation; records the dependence. */
int mdlw_rd(struct mdl_world *m, int r)
{
	if (m->rd[r] >= 0)
		return m->rd[r];
	m->rd_sens |= 1u << r;
	return m->rd_try[r];
}

int mdl_parse_readings(struct mdl_world *m, const char *s, char *err,
		       size_t errlen)
{
	while (s && *s) {
		size_t n = strcspn(s, ", "), eq = strcspn(s, "=");
		int r, o = -1;
		if (eq > n)
			return snprintf(err, errlen, "reading '%.*s' has no "
					"'=option'", (int)n, s), -1;
		for (r = 0; r < MDL_NREADINGS; r++)
			if (strlen(mdl_readings[r].name) == eq &&
			    !strncmp(s, mdl_readings[r].name, eq))
				break;
		if (r == MDL_NREADINGS)
			return snprintf(err, errlen, "unknown reading '%.*s'",
					(int)eq, s), -1;
		for (int i = 0; i < 2; i++)
			if (strlen(mdl_readings[r].opt[i]) == n - eq - 1 &&
			    !strncmp(s + eq + 1, mdl_readings[r].opt[i],
				     n - eq - 1))
				o = i;
		if (o < 0)
			return snprintf(err, errlen, "reading %s has no option "
					"'%.*s' (%s or %s)", mdl_readings[r].name,
					(int)(n - eq - 1), s + eq + 1,
					mdl_readings[r].opt[0],
					mdl_readings[r].opt[1]), -1;
		m->rd[r] = (int8_t)o;
		s += n;
		s += strspn(s, ", ");
	}
	return 0;
}

int mdl_print_readings(const struct mdl_world *m, char *buf, size_t len)
{
	int o = 0;
	buf[0] = 0;
	for (int r = 0; r < MDL_NREADINGS && (size_t)o < len; r++)
		if (m->rd[r] >= 0)
			o += snprintf(buf + o, len - (size_t)o, "%s%s=%s",
				      o ? "," : "", mdl_readings[r].name,
				      mdl_readings[r].opt[m->rd[r]]);
	return o;
}

static int same_outcome(const struct mdl_outcome *a,
			const struct mdl_outcome *b)
{
	return a->kind == b->kind && a->rule == b->rule &&
	       a->nrets == b->nrets && a->nfired == b->nfired &&
	       !memcmp(a->fired, b->fired, a->nfired * sizeof a->fired[0]) &&
	       !memcmp(a->rets, b->rets, a->nrets * sizeof a->rets[0]);
}

/* Evaluate under one assignment of the open readings in mask. */
static void eval_under(struct mdl_world *m, const struct xmp_op *op,
		       uint32_t mask, unsigned bits, struct mdl_outcome *o)
{
	int b = 0;
	for (int r = 0; r < MDL_NREADINGS; r++)
		m->rd_try[r] = (mask & (1u << r)) ? (int8_t)((bits >> b++) & 1)
						  : 0;
	m->rd_sens = 0;
	if (mask)
		m->rc.valid = 0; /* options differ from the last evaluation */
	mdlw_eval_outcome(m, op, o);
	for (int r = 0; r < MDL_NREADINGS; r++)
		o->rd[r] = (m->rd_sens & (1u << r)) ? m->rd_try[r] : -1;
}

/*
 * All outcomes of a service call: the open readings it depends on are
 * found as it is evaluated, and each assignment of them is evaluated again.
 * Equal outcomes merge (their differing readings stay open). Returns the
 * number of outcomes in out[].
 */
int mdlw_outcomes(struct mdl_world *m, const struct xmp_op *op,
		  struct mdl_outcome *out, int max)
{
	uint32_t mask = 0;
	int n;
	for (;;) {
		uint32_t seen = 0;
		int k = __builtin_popcount(mask);
		n = 0;
		for (unsigned bits = 0; bits < (1u << k); bits++) {
			struct mdl_outcome o;
			eval_under(m, op, mask, bits, &o);
			seen |= m->rd_sens;
			int dup = -1;
			for (int i = 0; i < n && dup < 0; i++)
				if (same_outcome(&out[i], &o))
					dup = i;
			if (dup >= 0) {
				for (int r = 0; r < MDL_NREADINGS; r++)
					if (out[dup].rd[r] != o.rd[r])
						out[dup].rd[r] = -1;
			} else if (n < max) {
				out[n++] = o;
			}
		}
		if (!(seen & ~mask) || __builtin_popcount(seen) > 3)
			break;
		mask |= seen;
	}
	for (int r = 0; r < MDL_NREADINGS; r++)
		if (m->rd_try[r])
			m->rd_try[r] = 0, m->rc.valid = 0;
	return n;
}

/*
 * prog_expect.c - `expect` lines of hand-written programs (prog.h): parsed
 * from the same text as the ops, attached to the op before them, printed
 * back in the same form. Checking them is corpus.c's job: it needs the model.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmcheck.h"
#include "prog.h"

const char *const xmp_page_fields[XMP_NPAGE_FIELDS] = {
	"in_memory", "valid", "modified", "pager_io", "prot",
	"io_error", "pin", "hide", "waiters",
};

struct ectx {
	const char *name; /* file name */
	int line; /* current line */
	const char *bol; /* its first byte */
	char *err; /* message buffer */
	size_t errlen; /* its size */
};

static int eerr(struct ectx *c, const char *at, const char *msg,
		const char *arg, size_t arglen)
{
	snprintf(c->err, c->errlen, "%s:%d:%d: %s%s%.*s%s", c->name, c->line,
		 (int)(at - c->bol) + 1, msg, arg ? " '" : "", (int)arglen,
		 arg ? arg : "", arg ? "'" : "");
	return -1;
}

/* A number or an AIX constant name. */
static int value(const char *s, const char *e, int64_t *v)
{
	char tmp[40], *end;
	if (e - s <= 0 || e - s >= (long)sizeof tmp)
		return -1;
	if (!xmp_const(s, (size_t)(e - s), v))
		return 0;
	memcpy(tmp, s, (size_t)(e - s));
	tmp[e - s] = 0;
	errno = 0;
	*v = strtoll(tmp, &end, 0);
	return errno || *end ? -1 : 0;
}

static struct xmp_expect *add(struct ectx *c, struct xmp_expects *x,
			      int op, int kind, const char *at)
{
	if (x->n == XMP_MAX_EXPECT) {
		eerr(c, at, "too many expectations", NULL, 0);
		return NULL;
	}
	struct xmp_expect *e = &x->e[x->n++];
	memset(e, 0, sizeof *e);
	e->op = op;
	e->kind = (uint8_t)kind;
	e->line = c->line;
	e->col = (int)(at - c->bol) + 1;
	return e;
}

/* key=value pairs of one expect line, keys and values as spans. */
struct kv {
	const char *k, *ke, *v, *ve; /* spans */
};

static int split(struct ectx *c, const char *p, const char *eol,
		 struct kv *kv, int max)
{
	int n = 0;
	for (;;) {
		while (p < eol && isspace((unsigned char)*p))
			p++;
		if (p >= eol || *p == '#')
			return n;
		const char *k = p;
		while (p < eol && *p != '=' && !isspace((unsigned char)*p))
			p++;
		if (p >= eol || *p != '=')
			return eerr(c, k, "expected key=value", NULL, 0);
		if (n == max)
			return eerr(c, k, "too many terms", NULL, 0);
		kv[n] = (struct kv){k, p, p + 1, p + 1};
		while (kv[n].ve < eol && !isspace((unsigned char)*kv[n].ve))
			kv[n].ve++;
		p = kv[n++].ve;
	}
}

static int is_key(const struct kv *t, const char *k)
{
	return (size_t)(t->ke - t->k) == strlen(k) &&
	       !strncmp(t->k, k, (size_t)(t->ke - t->k));
}

/* ret=V,V / fires=ID,ID / misses=ID,ID */
static int list_term(struct ectx *c, struct xmp_expects *x, int op,
		     const struct kv *t)
{
	int kind = is_key(t, "ret")	  ? XMP_X_RET
		   : is_key(t, "fires")	  ? XMP_X_FIRES
		   : is_key(t, "misses") ? XMP_X_MISSES
					  : -1;
	if (kind < 0)
		return eerr(c, t->k, "unknown expectation (ret, fires, misses, "
			    "seg/page, dp/aspace_id)", t->k,
			    (size_t)(t->ke - t->k));
	struct xmp_expect *e = kind == XMP_X_RET ? add(c, x, op, kind, t->k)
						 : NULL;
	if (kind == XMP_X_RET && !e)
		return -1;
	for (const char *s = t->v; s <= t->ve;) {
		const char *end = memchr(s, ',', (size_t)(t->ve - s));
		end = end ? end : t->ve;
		if (end == s)
			return eerr(c, s, "empty value", NULL, 0);
		if (kind == XMP_X_RET) {
			if (e->nvals == 4)
				return eerr(c, s, "more than 4 values", NULL, 0);
			if (value(s, end, &e->vals[e->nvals++]))
				return eerr(c, s, "bad return value", s,
					    (size_t)(end - s));
		} else {
			struct xmp_expect *f = add(c, x, op, kind, s);
			if (!f)
				return -1;
			if ((size_t)(end - s) >= sizeof f->clause)
				return eerr(c, s, "clause id too long", NULL, 0);
			memcpy(f->clause, s, (size_t)(end - s));
			f->col = (int)(s - c->bol) + 1;
		}
		s = end + 1;
	}
	return 0;
}

static int page_term(struct ectx *c, struct xmp_expect *e,
		     const struct kv *t)
{
	int64_t v;
	if (value(t->v, t->ve, &v))
		return eerr(c, t->v, "bad value", t->v, (size_t)(t->ve - t->v));
	if (is_key(t, "seg") || is_key(t, "page")) {
		e->vals[is_key(t, "page")] = v;
		return 0;
	}
	for (int f = 0; f < XMP_NPAGE_FIELDS; f++)
		if (is_key(t, xmp_page_fields[f])) {
			e->field[e->nfields] = (uint8_t)f;
			e->fval[e->nfields++] = v;
			return 0;
		}
	return eerr(c, t->k, "unknown page-state field (in_memory valid "
		    "modified pager_io prot io_error pin hide waiters)", t->k,
		    (size_t)(t->ke - t->k));
}

static int expect_line(struct ectx *c, struct xmp_expects *x, int op,
		       const char *p, const char *eol)
{
	struct kv t[XMP_NPAGE_FIELDS + 2];
	int n = split(c, p, eol, t, XMP_NPAGE_FIELDS + 2), seg = 0, dp = 0;
	if (n <= 0)
		return n < 0 ? -1 : eerr(c, p, "empty expect line", NULL, 0);
	for (int i = 0; i < n; i++) {
		seg |= is_key(&t[i], "seg");
		dp |= is_key(&t[i], "dp");
	}
	if (seg) { /* seg=S page=P field=V ... */
		struct xmp_expect *e = add(c, x, op, XMP_X_PAGE, t[0].k);
		int page = 0;
		for (int i = 0; e && i < n; i++) {
			page |= is_key(&t[i], "page");
			if (page_term(c, e, &t[i]))
				return -1;
		}
		if (e && (!page || !e->nfields))
			return eerr(c, t[0].k, "a page expectation needs seg=, "
				    "page= and a field", NULL, 0);
		return e ? 0 : -1;
	}
	if (dp) { /* dp=D aspace_id=V */
		struct xmp_expect *e = add(c, x, op, XMP_X_ASPACE, t[0].k);
		if (!e || n != 2)
			return e ? eerr(c, t[0].k, "expected dp=D aspace_id=V",
					NULL, 0)
				 : -1;
		for (int i = 0; i < 2; i++) {
			int is_dp = is_key(&t[i], "dp");
			if (!is_dp && !is_key(&t[i], "aspace_id"))
				return eerr(c, t[i].k, "expected dp=D "
					    "aspace_id=V", NULL, 0);
			if (value(t[i].v, t[i].ve, is_dp ? &e->vals[0]
							 : &e->value))
				return eerr(c, t[i].v, "bad value", t[i].v,
					    (size_t)(t[i].ve - t[i].v));
		}
		if (e->vals[0] < 0 || e->vals[0] >= XMC_MAX_DESCS)
			return eerr(c, t[0].v, "bad value for dp (0..3)", NULL,
				    0);
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (list_term(c, x, op, &t[i]))
			return -1;
	return 0;
}

int xmp_parse_expects(const char *name, const char *text,
		      struct xmp_expects *x, char *err, size_t errlen)
{
	struct ectx c = {name, 1, text, err, errlen};
	int ops = 0;
	x->n = 0;
	for (const char *s = text; *s; c.line++) {
		const char *eol = strchr(s, '\n'), *p = s;
		eol = eol ? eol : s + strlen(s);
		c.bol = s;
		while (p < eol && isspace((unsigned char)*p))
			p++;
		const char *w = p;
		while (p < eol && !isspace((unsigned char)*p))
			p++;
		if (p - w == 6 && !strncmp(w, "expect", 6)) {
			if (!ops)
				return eerr(&c, w, "expect before any op", NULL,
					    0);
			if (expect_line(&c, x, ops - 1, p, eol))
				return -1;
		} else if (p > w && *w != '#' && ops < XMP_MAX_OPS) {
			x->op_line[ops++] = c.line;
		}
		s = *eol ? eol + 1 : eol;
	}
	return 0;
}

int xmp_print_expect(const struct xmp_expect *e, char *buf, size_t len)
{
	int o = snprintf(buf, len, "expect ");
	size_t l = len;
#define P(...)                                                                 \
	(o += snprintf(buf + (o < (int)l ? o : (int)l),                        \
		       (size_t)o < l ? l - (size_t)o : 0, __VA_ARGS__))
	switch (e->kind) {
	case XMP_X_RET:
		P("ret=");
		for (int i = 0; i < e->nvals; i++)
			P("%s%" PRId64, i ? "," : "", e->vals[i]);
		break;
	case XMP_X_FIRES: P("fires=%s", e->clause); break;
	case XMP_X_MISSES: P("misses=%s", e->clause); break;
	case XMP_X_PAGE:
		P("seg=%" PRId64 " page=%" PRId64, e->vals[0], e->vals[1]);
		for (int i = 0; i < e->nfields; i++)
			P(" %s=%" PRId64, xmp_page_fields[e->field[i]],
			  e->fval[i]);
		break;
	case XMP_X_ASPACE:
		P("dp=%" PRId64 " aspace_id=%" PRId64, e->vals[0], e->value);
		break;
	}
#undef P
	return o;
}

int xmp_header_line(const char *text, const char *key)
{
	size_t kl = strlen(key);
	int line = 1;
	for (const char *s = text; *s; line++) {
		const char *p = s;
		if (*p == '#') {
			p++;
			while (*p == ' ')
				p++;
			if (!strncmp(p, key, kl) && p[kl] == ':')
				return line;
		}
		const char *eol = strchr(s, '\n');
		if (!eol)
			break;
		s = eol + 1;
	}
	return 0;
}

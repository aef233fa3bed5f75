/*
 * prog.c - the op table, the byte sources and the text form of programs.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmcheck.h"
#include "prog.h"

#define SEG {"seg", XMP_A_SMALL, 0, XMC_NSEGS - 1}
#define PAGE {"page", XMP_A_SMALL, 0, 0xffff}
#define PID {"pid", XMP_A_SMALL, 0, XMC_MAX_PROCS - 1}
#define ON {"on", XMP_A_SMALL, 0, 1}
#define SLOT(n) {n, XMP_A_SMALL, 0, XMC_MAX_DESCS - 1}
#define ADDR(n) {n, XMP_A_ADDR, 0, 0}
#define INT(n) {n, XMP_A_INT, 0, 0}
#define ADSP {"adsp", XMP_A_ZERO, 0, 0}
#define KADDR {"kaddr", XMP_A_KADDR, 0, 0}
#define OFF {"off", XMP_A_SMALL, 0, 0x0fffffff}

const struct xmp_opdef xmp_ops[XMP_NCODES] = {
	[XMP_PROC_NEW] = {"proc_new", 1, XMC_CAP_PROCS, {PID}},
	[XMP_PROC_SWITCH] = {"proc_switch", 1, XMC_CAP_PROCS, {PID}},
	[XMP_SEG_NEW] = {"seg_new", 3, 0,
			 {SEG, {"npages", XMP_A_SMALL, 1, XMC_OBJ_PAGES},
			  {"high", XMP_A_SMALL, 0, 1}}},
	[XMP_SEG_DELETE] = {"seg_delete", 1, XMC_CAP_SEG_DELETE, {SEG}},
	[XMP_MAP] = {"map", 4, 0,
		     {PID, {"region", XMP_A_SMALL, 0, 15}, SEG,
		      {"key", XMP_A_SMALL, 0, 1}}},
	[XMP_PROTECT] = {"protect", 3, XMC_CAP_PROTECT,
			 {SEG, PAGE, {"prot", XMP_A_SMALL, 0, 2}}},
	[XMP_PIN] = {"pin", 2, XMC_CAP_PIN, {SEG, PAGE}},
	[XMP_UNPIN] = {"unpin", 2, XMC_CAP_PIN, {SEG, PAGE}},
	[XMP_PAGE_OUT] = {"page_out", 2, XMC_CAP_PAGEOUT, {SEG, PAGE}},
	[XMP_PAGE_IN] = {"page_in", 2, XMC_CAP_PAGEOUT, {SEG, PAGE}},
	[XMP_IO_ERROR] = {"io_error", 3, XMC_CAP_IO_ERROR, {SEG, PAGE, ON}},
	[XMP_PAGER_IO] = {"pager_io", 3, XMC_CAP_PAGER_IO, {SEG, PAGE, ON}},
	[XMP_WAIT] = {"wait", 2, XMC_CAP_WAITERS, {SEG, PAGE}},
	[XMP_SET_ENV] = {"set_env", 1, XMC_CAP_INTERRUPT,
			 {{"interrupt", XMP_A_SMALL, 0, 1}}},
	[XMP_POKE] = {"poke", 4, 0,
		      {SEG, OFF, {"len", XMP_A_SMALL, 1, 8192},
		       ADDR("pattern")}},
	[XMP_DMA_READ] = {"dma_read", 3, XMC_CAP_DMA_DEVICE,
			  {SEG, OFF, {"len", XMP_A_SMALL, 1, 4096}}},
	[XMP_DMA_WRITE] = {"dma_write", 4, XMC_CAP_DMA_DEVICE,
			   {SEG, OFF, {"len", XMP_A_SMALL, 1, 4096},
			    ADDR("pattern")}},
	[XMP_CLEAR_MOD] = {"clear_mod", 2, XMC_CAP_MODIFIED, {SEG, PAGE}},
	[XMP_PROBE] = {"probe", 2, XMC_CAP_PROBE, {PID, ADDR("addr")}},
	[XMP_DESC_SET] = {"desc_set", 2, 0, {SLOT("dp"), INT("aspace_id")}},
	[XMP_IMAGE] = {"image", 2, XMC_CAP_IMAGE,
		       {PID, {"npages", XMP_A_SMALL, 1, XMC_OBJ_PAGES}}},
	[XMP_KSEG_NEW] = {"kseg_new", 2, XMC_CAP_KERNEL,
			  {{"j", XMP_A_SMALL, 0, XMC_KSEGS - 1},
			   {"npages", XMP_A_SMALL, 1, XMC_OBJ_PAGES}}},
	[XMP_XMATTACH] = {"xmattach", 4, 0,
			  {ADDR("addr"), INT("count"), SLOT("dp"),
			   INT("segflag")}},
	[XMP_XMDETACH] = {"xmdetach", 1, 0, {SLOT("dp")}},
	[XMP_XMEMIN] = {"xmemin", 4, 0,
			{ADDR("uaddr"), KADDR, INT("count"), SLOT("dp")}},
	[XMP_XMEMOUT] = {"xmemout", 4, 0,
			 {KADDR, ADDR("uaddr"), INT("count"), SLOT("dp")}},
	[XMP_XMEMDMA] = {"xmemdma", 3, 0,
			 {SLOT("xp"), ADDR("xaddr"), INT("flag")}},
	[XMP_XMEMDMA64] = {"xmemdma64", 3, 0,
			   {SLOT("xp"), ADDR("xaddr"), INT("flag")}},
	[XMP_AS_ATT] = {"as_att", 3, 0, {ADSP, ADDR("h"), ADDR("offset")}},
	[XMP_AS_DET] = {"as_det", 2, 0, {ADSP, ADDR("eaddr")}},
	[XMP_GETADSP] = {"getadsp", 0, 0, {{0}}},
	[XMP_AS_GETH] = {"as_geth", 2, 0, {ADSP, ADDR("addr")}},
	[XMP_AS_PUTH] = {"as_puth", 2, 0, {ADSP, ADDR("h")}},
	[XMP_AS_GETSRVAL] = {"as_getsrval", 2, 0, {ADSP, ADDR("addr")}},
};

/* ---- byte sources ---- */

uint64_t xmp_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t xmp_rng_next(uint64_t s[4])
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

void xmp_src_bytes(struct xmp_src *s, const uint8_t *buf, size_t len)
{
	memset(s, 0, sizeof *s);
	s->buf = buf;
	s->len = len;
}

void xmp_src_rng(struct xmp_src *s, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < 4; i++)
		s->rng[i] = xmp_splitmix(&seed);
}

uint8_t xmp_byte(struct xmp_src *s)
{
	if (s->buf)
		return s->pos < s->len ? s->buf[s->pos++] : 0;
	/* Eight bytes per PRNG draw: the decoder reads many small values. */
	if ((s->pos & 7) == 0)
		s->cur = xmp_rng_next(s->rng);
	uint8_t b = (uint8_t)(s->cur >> ((s->pos & 7) * 8));
	s->pos++;
	return b;
}

uint32_t xmp_u32(struct xmp_src *s)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | xmp_byte(s);
	return v;
}

/*
 * A serial xorshift, about 6 cycles a byte. The model and the harness fill
 * the same bytes for one step back to back, so the last fill is kept (per
 * thread; a pure function's cache, never an input to anything, forgotten
 * at each program's reset so that no path depends on an earlier program).
 */
static _Thread_local struct {
	uint32_t pattern, len; /* the last fill; len 0: none */
	uint8_t b[XMP_FILL_MAX]; /* its bytes */
} last;

void xmp_fill_forget(void)
{
	last.len = 0;
}

void xmp_fill(uint32_t pattern, uint8_t *buf, uint32_t len)
{
	if (len <= last.len && pattern == last.pattern) {
		memcpy(buf, last.b, len);
		return;
	}
	uint32_t x = pattern * 2654435761u + 0x9e3779b9u;
	for (uint32_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	if (len <= XMP_FILL_MAX) {
		memcpy(last.b, buf, len);
		last.pattern = pattern;
		last.len = len;
	}
}

uint32_t xmp_prog_seed(const struct xmp_prog *p)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < p->n; i++) {
		h = (h ^ p->op[i].code) * 16777619u;
		for (int a = 0; a < XMP_NARGS; a++)
			h = (h ^ (uint32_t)p->op[i].a[a]) * 16777619u;
	}
	return h;
}

int xmp_desc_slot(const struct xmp_op *op)
{
	switch (op->code) {
	case XMP_XMATTACH: return (int)op->a[2];
	case XMP_XMDETACH:
	case XMP_XMEMDMA:
	case XMP_XMEMDMA64: return (int)op->a[0];
	case XMP_XMEMIN:
	case XMP_XMEMOUT: return (int)op->a[3];
	}
	return -1;
}

int xmp_find_op(const char *name)
{
	for (int c = 0; c < XMP_NCODES; c++)
		if (!strcmp(xmp_ops[c].name, name))
			return c;
	return -1;
}

/* ---- text form ---- */

static int print_arg(const struct xmp_argdef *d, int64_t v, char *buf,
		     size_t len)
{
	switch (d->kind) {
	case XMP_A_ADDR:
		return snprintf(buf, len, " %s=0x%08" PRIx32, d->name,
				(uint32_t)v);
	case XMP_A_KADDR:
		return snprintf(buf, len, " %s=k%d+0x%" PRIx32, d->name,
				(int)(v / XMC_KBUF_SIZE),
				(uint32_t)(v % XMC_KBUF_SIZE));
	case XMP_A_ZERO:
		return 0;
	}
	return snprintf(buf, len, " %s=%" PRId64, d->name, v);
}

int xmp_print_op(const struct xmp_op *op, char *buf, size_t len)
{
	const struct xmp_opdef *d = &xmp_ops[op->code];
	int o = snprintf(buf, len, "%s", d->name);
	for (int i = 0; i < d->nargs && o >= 0 && (size_t)o < len; i++)
		o += print_arg(&d->args[i], op->a[i], buf + o, len - (size_t)o);
	return o;
}

int xmp_print(const struct xmp_prog *p, char *buf, size_t len)
{
	size_t o = 0;
	for (int i = 0; i < p->n; i++) {
		int n = xmp_print_op(&p->op[i], buf + o, len - o);
		if (n < 0 || o + (size_t)n + 2 > len)
			return -1;
		o += (size_t)n;
		buf[o++] = '\n';
		buf[o] = 0;
	}
	if (len)
		buf[o < len ? o : len - 1] = 0;
	return (int)o;
}

/* ---- parser ---- */

struct pctx {
	const char *name; /* file name for messages */
	int line; /* current line, 1-based */
	const char *bol; /* beginning of the current line */
	char *err; /* message buffer */
	size_t errlen; /* its size */
};

static int perr(struct pctx *c, const char *at, const char *fmt,
		const char *arg)
{
	int n = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->name, c->line,
			 (int)(at - c->bol) + 1);
	if (n >= 0 && (size_t)n < c->errlen)
		snprintf(c->err + n, c->errlen - (size_t)n, fmt, arg);
	return -1;
}

static int parse_num(const char *s, const char *e, int64_t *v)
{
	char tmp[32];
	if (e - s <= 0 || e - s >= (long)sizeof tmp)
		return -1;
	memcpy(tmp, s, (size_t)(e - s));
	tmp[e - s] = 0;
	char *end;
	errno = 0;
	long long x = strtoll(tmp, &end, 0);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

/* Names a program may use for a number (AIX's header values). */
static const struct {
	const char *name; /* as in the AIX headers */
	int64_t value; /* its value */
} consts[] = {
	{"XMEM_SUCC", XMEM_SUCC}, {"XMEM_FAIL", XMEM_FAIL},
	{"XMEM_PROC", XMEM_PROC}, {"XMEM_GLOBAL", XMEM_GLOBAL},
	{"XMEM_INVAL", XMEM_INVAL}, {"XMEM_PROC2", XMEM_PROC2},
	{"USER_ADSPACE", USER_ADSPACE}, {"SYS_ADSPACE", SYS_ADSPACE},
	{"USERI_ADSPACE", USERI_ADSPACE}, {"XMEM_HIDE", XMEM_HIDE},
	{"XMEM_UNHIDE", XMEM_UNHIDE}, {"XMEM_ACC_CHK", XMEM_ACC_CHK},
	{"XMEM_WRITE_ONLY", XMEM_WRITE_ONLY}, {"PROT_RW", XMC_PROT_RW},
	{"PROT_RO", XMC_PROT_RO}, {"PROT_NONE", XMC_PROT_NONE},
	{"VM_PRIV", XMC_VM_PRIV}, {"VM_UNPRIV", XMC_VM_UNPRIV},
	{"NULLSEGVAL", XMC_NULLSEGVAL}, {"EINVAL", XMC_EINVAL},
};

int xmp_const(const char *s, size_t len, int64_t *v)
{
	for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
		if (strlen(consts[i].name) == len &&
		    !strncmp(consts[i].name, s, len)) {
			*v = consts[i].value;
			return 0;
		}
	return -1;
}

/* NAME|NAME|... (bitwise or) or a number; -1 when neither. */
static int parse_expr(const char *s, const char *e, int64_t *v)
{
	if (s >= e || !(isalpha((unsigned char)*s) || *s == '_'))
		return parse_num(s, e, v);
	*v = 0;
	while (s < e) {
		const char *bar = memchr(s, '|', (size_t)(e - s));
		const char *end = bar ? bar : e;
		int64_t x;
		if (xmp_const(s, (size_t)(end - s), &x) &&
		    parse_num(s, end, &x))
			return -1;
		*v |= x;
		s = bar ? bar + 1 : e;
	}
	return 0;
}

int xmp_arg_range(const struct xmp_argdef *d, char *buf, size_t len)
{
	switch (d->kind) {
	case XMP_A_INT:
		return snprintf(buf, len, "a 32-bit signed number or AIX "
			   "constant names joined by |");
	case XMP_A_ADDR:
		return snprintf(buf, len, "0..0xffffffff");
	case XMP_A_KADDR:
		return snprintf(buf, len, "k0+0..k%d+0x%x", XMC_KBUFS - 1,
				XMC_KBUF_SIZE - 1);
	case XMP_A_ZERO: return snprintf(buf, len, "0");
	}
	return snprintf(buf, len, "%d..%d", d->lo, d->hi);
}

static int parse_value(const struct xmp_argdef *d, const char *s,
		       const char *e, int64_t *v)
{
	if (d->kind == XMP_A_KADDR && s < e && *s == 'k') {
		const char *plus = memchr(s, '+', (size_t)(e - s));
		int64_t kb, off;
		if (!plus || parse_num(s + 1, plus, &kb) ||
		    parse_num(plus + 1, e, &off))
			return -1;
		if (kb < 0 || kb >= XMC_KBUFS || off < 0 ||
		    off >= XMC_KBUF_SIZE)
			return -1;
		*v = XMP_KADDR(kb, off);
		return 0;
	}
	if (parse_expr(s, e, v))
		return -1;
	switch (d->kind) {
	case XMP_A_INT: return *v < INT32_MIN || *v > INT32_MAX ? -1 : 0;
	case XMP_A_ADDR: return *v < 0 || *v > 0xffffffffll ? -1 : 0;
	case XMP_A_SMALL: return *v < d->lo || *v > d->hi ? -1 : 0;
	case XMP_A_KADDR:
		return *v < 0 || *v >= (int64_t)XMC_KBUFS * XMC_KBUF_SIZE;
	}
	return *v != 0;
}

/* Moves must not reach past their kernel buffer. */
static const char *check_op(const struct xmp_op *op)
{
	int64_t k, n = op->a[2];
	if (op->code == XMP_XMEMIN)
		k = op->a[1];
	else if (op->code == XMP_XMEMOUT)
		k = op->a[0];
	else
		return NULL;
	if (n > 0 && k % XMC_KBUF_SIZE + n > XMC_KBUF_SIZE)
		return "kaddr + count passes the end of the kernel buffer";
	return NULL;
}

int xmp_valid(const struct xmp_op *op)
{
	if (op->code >= XMP_NCODES)
		return 0;
	const struct xmp_opdef *d = &xmp_ops[op->code];
	for (int i = 0; i < XMP_NARGS; i++) {
		int64_t v = op->a[i];
		if (i >= d->nargs) {
			if (v)
				return 0;
			continue;
		}
		switch (d->args[i].kind) {
		case XMP_A_INT:
			if (v < INT32_MIN || v > INT32_MAX)
				return 0;
			break;
		case XMP_A_ADDR:
			if (v < 0 || v > 0xffffffffll)
				return 0;
			break;
		case XMP_A_SMALL:
			if (v < d->args[i].lo || v > d->args[i].hi)
				return 0;
			break;
		case XMP_A_KADDR:
			if (v < 0 || v >= (int64_t)XMC_KBUFS * XMC_KBUF_SIZE)
				return 0;
			break;
		case XMP_A_ZERO:
			if (v)
				return 0;
		}
	}
	return check_op(op) == NULL;
}

static int parse_args(struct pctx *c, const char *p, const char *eol,
		      struct xmp_op *op)
{
	const struct xmp_opdef *d = &xmp_ops[op->code];
	unsigned seen = 0;
	while (p < eol) {
		while (p < eol && isspace((unsigned char)*p))
			p++;
		if (p >= eol || *p == '#')
			break;
		const char *k = p, *eq = p;
		while (eq < eol && *eq != '=' && !isspace((unsigned char)*eq))
			eq++;
		if (eq >= eol || *eq != '=')
			return perr(c, k, "expected key=value%s", "");
		const char *v = eq + 1, *ve = v;
		while (ve < eol && !isspace((unsigned char)*ve))
			ve++;
		int i = 0;
		while (i < d->nargs && (strlen(d->args[i].name) != (size_t)(eq - k) ||
					strncmp(d->args[i].name, k, (size_t)(eq - k))))
			i++;
		if (i == d->nargs)
			return perr(c, k, "unknown argument of %s", d->name);
		if (seen & (1u << i))
			return perr(c, k, "argument %s given twice",
				    d->args[i].name);
		if (parse_value(&d->args[i], v, ve, &op->a[i])) {
			char m[160], r[80];
			xmp_arg_range(&d->args[i], r, sizeof r);
			snprintf(m, sizeof m, "bad value for %s (%s)",
				 d->args[i].name, r);
			return perr(c, v, "%s", m);
		}
		seen |= 1u << i;
		p = ve;
	}
	for (int i = 0; i < d->nargs; i++)
		if (!(seen & (1u << i)) && d->args[i].kind != XMP_A_ZERO)
			return perr(c, eol, "missing argument %s",
				    d->args[i].name);
	const char *bad = check_op(op);
	return bad ? perr(c, c->bol, "%s", bad) : 0;
}

static int parse_line(struct pctx *c, const char *p, const char *eol,
		      struct xmp_prog *prog)
{
	while (p < eol && isspace((unsigned char)*p))
		p++;
	if (p >= eol || *p == '#')
		return 0;
	const char *w = p;
	while (p < eol && !isspace((unsigned char)*p))
		p++;
	char name[32];
	int code = -1;
	if (p - w < (long)sizeof name) {
		memcpy(name, w, (size_t)(p - w));
		name[p - w] = 0;
		code = xmp_find_op(name);
	}
	if (code < 0 && p - w == 6 && !strncmp(w, "expect", 6)) {
		/* an expectation of the op before (xmp_parse_expects) */
		return prog->n ? 0 : perr(c, w, "expect before any op%s", "");
	}
	if (code < 0)
		return perr(c, w, "unknown op%s", "");
	if (prog->n == XMP_MAX_OPS)
		return perr(c, w, "more than %s ops", "64");
	struct xmp_op *op = &prog->op[prog->n];
	memset(op, 0, sizeof *op);
	op->code = (uint8_t)code;
	if (parse_args(c, p, eol, op))
		return -1;
	prog->n++;
	return 0;
}

int xmp_parse(const char *name, const char *text, struct xmp_prog *p,
	      char *err, size_t errlen)
{
	struct pctx c = {name, 1, text, err, errlen};
	p->n = 0;
	for (const char *s = text; *s; c.line++) {
		const char *eol = strchr(s, '\n');
		if (!eol)
			eol = s + strlen(s);
		c.bol = s;
		for (const char *q = s; q < eol; q++)
			if (!isprint((unsigned char)*q) && *q != '\t' &&
			    *q != '\r')
				return perr(&c, q, "unexpected byte%s", "");
		if (parse_line(&c, s, eol, p))
			return -1;
		s = *eol ? eol + 1 : eol;
	}
	return 0;
}

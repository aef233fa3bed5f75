/*
 * expr.c - the expression language of the spec: a recursive-descent parser
 * that type-checks as it goes and emits the postfix program of spec.h, and a
 * reference evaluator that fixes its semantics (spec/SYNTAX.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

#define MAX_NEST 200 /* bounds the parser's recursion */
#define MAX_CODE 65535 /* struct mdl_expr.n is 16 bits */
#define ANY_TYPE (-1) /* `want` accepting every type */

enum tok_kind {
	T_END, T_INT, T_IDENT, T_LP, T_RP, T_COMMA, T_DOT, T_NOT, T_TILDE,
	T_MINUS, T_PLUS, T_STAR, T_SHL, T_SHR, T_LT, T_LE, T_GT, T_GE, T_EQ,
	T_NE, T_AMP, T_CARET, T_PIPE, T_ANDAND, T_OROR,
};

struct tok {
	int kind; /* enum tok_kind */
	int col; /* 0-based offset in the source */
	int len; /* bytes */
	int64_t val; /* T_INT value */
};

/* A compiled operand: its type and where it starts, for messages. */
struct val {
	int type; /* enum mdl_type, -1 after an error */
	int col; /* first column of the operand */
};

struct cx {
	const char *src; /* whole source */
	int pos; /* lexer position */
	struct tok t; /* current token */
	const struct mdl_param *params; /* names in scope */
	int nparams;
	struct mdl_ins *code; /* program being emitted */
	int n, cap;
	int nest; /* current nesting, limited by MAX_NEST */
	char *err; /* message buffer */
	size_t errlen;
	int errcol; /* column of the first error */
	int failed; /* an error is recorded */
};

/* The result of a step whose error is already recorded. */
#define FAILED ((struct val){-1, 0})

static const char *const type_names[] = {"int", "bool", "desc", "kbuf",
					 "adsp"};
static const char *const field_names[] = {"aspace_id", "subspace_id",
					  "subspace_id2", "uaddr"};

/* Binary operators: token, precedence (higher binds tighter), opcode. */
static const struct {
	int tok, prec, op;
	const char *name;
} binops[] = {
	{T_OROR, 1, -1, "||"},	      {T_ANDAND, 2, -1, "&&"},
	{T_PIPE, 3, MDL_B_OR, "|"},   {T_CARET, 4, MDL_B_XOR, "^"},
	{T_AMP, 5, MDL_B_AND, "&"},   {T_EQ, 6, MDL_B_EQ, "=="},
	{T_NE, 6, MDL_B_NE, "!="},    {T_LT, 7, MDL_B_LT, "<"},
	{T_LE, 7, MDL_B_LE, "<="},    {T_GT, 7, MDL_B_GT, ">"},
	{T_GE, 7, MDL_B_GE, ">="},    {T_SHL, 8, MDL_B_SHL, "<<"},
	{T_SHR, 8, MDL_B_SHR, ">>"},  {T_PLUS, 9, MDL_B_ADD, "+"},
	{T_MINUS, 9, MDL_B_SUB, "-"}, {T_STAR, 10, MDL_B_MUL, "*"},
};
#define NBINOPS ((int)(sizeof binops / sizeof binops[0]))

static const char *tname(int t)
{
	return t >= 0 && t <= MDL_T_ADSP ? type_names[t] : "?";
}

static struct val fail(struct cx *c, int col, const char *fmt, ...)
{
	va_list ap;
	struct val v = {-1, col};

	if (c->failed)
		return v;
	c->failed = 1;
	c->errcol = col;
	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return v;
}

static int is_ident_start(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static int is_ident_char(int ch)
{
	return is_ident_start(ch) || (ch >= '0' && ch <= '9');
}

static int digit_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

/* Decimal literals stop at INT64_MAX; hex ones may spell any 64-bit pattern. */
static int lex_number(struct cx *c, struct tok *t)
{
	const char *s = c->src;
	int p = c->pos, base = 10;
	uint64_t v = 0, lim = INT64_MAX;

	if (s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
		base = 16;
		lim = UINT64_MAX;
		p += 2;
		if (digit_value((unsigned char)s[p]) >= 16)
			return -1;
	}
	for (; digit_value((unsigned char)s[p]) < base; p++) {
		unsigned d = (unsigned)digit_value((unsigned char)s[p]);
		if (v > (lim - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	if (is_ident_char((unsigned char)s[p]))
		return -1;
	t->kind = T_INT;
	t->val = (int64_t)v;
	t->len = p - c->pos;
	return 0;
}

static const struct {
	const char *s;
	int kind;
} puncts[] = {
	{"<<", T_SHL}, {">>", T_SHR}, {"<=", T_LE}, {">=", T_GE},
	{"==", T_EQ},  {"!=", T_NE},  {"&&", T_ANDAND}, {"||", T_OROR},
	{"(", T_LP},   {")", T_RP},   {",", T_COMMA}, {".", T_DOT},
	{"!", T_NOT},  {"~", T_TILDE}, {"-", T_MINUS}, {"+", T_PLUS},
	{"*", T_STAR}, {"<", T_LT},   {">", T_GT},   {"&", T_AMP},
	{"^", T_CARET}, {"|", T_PIPE},
};

/* Reads the next token into c->t; returns -1 (error recorded) on bad input. */
static int next(struct cx *c)
{
	const char *s = c->src;
	struct tok *t = &c->t;
	size_t i;

	while (s[c->pos] == ' ' || s[c->pos] == '\t' || s[c->pos] == '\n' ||
	       s[c->pos] == '\r')
		c->pos++;
	t->col = c->pos;
	t->len = 0;
	if (!s[c->pos]) {
		t->kind = T_END;
		return 0;
	}
	if (s[c->pos] >= '0' && s[c->pos] <= '9') {
		if (lex_number(c, t) < 0) {
			fail(c, t->col, "bad integer literal");
			return -1;
		}
	} else if (is_ident_start((unsigned char)s[c->pos])) {
		t->kind = T_IDENT;
		while (is_ident_char((unsigned char)s[c->pos + t->len]))
			t->len++;
	} else {
		for (i = 0; i < sizeof puncts / sizeof puncts[0]; i++)
			if (!strncmp(s + c->pos, puncts[i].s,
				     strlen(puncts[i].s)))
				break;
		if (i == sizeof puncts / sizeof puncts[0]) {
			fail(c, t->col, "unexpected character '%c'%s",
			     s[c->pos] > ' ' && s[c->pos] < 127 ? s[c->pos]
								  : '?',
			     s[c->pos] == '=' ? " (did you mean '=='?)" : "");
			return -1;
		}
		t->kind = puncts[i].kind;
		t->len = (int)strlen(puncts[i].s);
	}
	c->pos += t->len;
	return 0;
}

static int tok_is(const struct cx *c, const char *word)
{
	return c->t.kind == T_IDENT && (int)strlen(word) == c->t.len &&
	       !strncmp(c->src + c->t.col, word, (size_t)c->t.len);
}

static struct val unexpected(struct cx *c)
{
	if (c->t.kind == T_END)
		return fail(c, c->t.col, "unexpected end of expression");
	return fail(c, c->t.col, "unexpected '%.*s'", c->t.len,
		    c->src + c->t.col);
}

static int emit(struct cx *c, int op, int a, int b, int64_t imm)
{
	struct mdl_ins *p;

	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 16;
		if (c->n >= MAX_CODE) {
			fail(c, c->t.col, "expression too long");
			return -1;
		}
		p = realloc(c->code, (size_t)cap * sizeof *p);
		if (!p) {
			fail(c, c->t.col, "out of memory");
			return -1;
		}
		c->code = p;
		c->cap = cap;
	}
	p = &c->code[c->n++];
	p->op = (uint8_t)op;
	p->a = (uint8_t)a;
	p->b = (uint8_t)b;
	p->imm = imm;
	return 0;
}

static struct val expr(struct cx *c, int minprec);

static int find_param(const struct cx *c, const char *s, int len)
{
	for (int i = 0; i < c->nparams; i++)
		if ((int)strlen(c->params[i].name) == len &&
		    !strncmp(c->params[i].name, s, (size_t)len))
			return i;
	return -1;
}

static int find_name(const char *const *names, size_t stride, int n,
		     const char *s, int len)
{
	for (int i = 0; i < n; i++) {
		const char *nm = *(const char *const *)((const char *)names +
							(size_t)i * stride);
		if ((int)strlen(nm) == len && !strncmp(nm, s, (size_t)len))
			return i;
	}
	return -1;
}

static int find_builtin(const char *s, int len)
{
	return find_name(&mdl_builtins[0].name, sizeof mdl_builtins[0],
			 mdl_nbuiltins, s, len);
}

static int find_const(const char *s, int len)
{
	return find_name(&mdl_consts[0].name, sizeof mdl_consts[0],
			 mdl_nconsts, s, len);
}

/* Emits a builtin call; bool results are normalised so `==` on bools holds. */
static struct val emit_call(struct cx *c, int bi, int nargs, int col)
{
	struct val v = {mdl_builtins[bi].ret, col};

	if (emit(c, MDL_X_CALL, bi, nargs, 0) < 0)
		v.type = -1;
	else if (v.type == MDL_T_BOOL && emit(c, MDL_X_BOOL, 0, 0, 0) < 0)
		v.type = -1;
	return v;
}

/* f(a, ...) with the name already consumed and c->t on the '('. */
static struct val parse_call(struct cx *c, int bi, struct tok name)
{
	const struct mdl_builtin *b = &mdl_builtins[bi];
	struct val args[MDL_MAX_ARGS];
	int lp = c->t.col, nargs = 0;

	if (next(c) < 0)
		return FAILED;
	if (c->t.kind != T_RP) {
		for (;;) {
			struct val a = expr(c, 1);
			if (a.type < 0)
				return a;
			if (nargs < MDL_MAX_ARGS)
				args[nargs] = a;
			nargs++;
			if (c->t.kind != T_COMMA)
				break;
			if (next(c) < 0)
				return FAILED;
		}
		if (c->t.kind == T_END)
			return fail(c, lp, "unclosed '('");
		if (c->t.kind != T_RP)
			return unexpected(c);
	}
	if (nargs != b->nargs)
		return fail(c, name.col, "%s takes %d argument%s, got %d",
			    b->name, b->nargs, b->nargs == 1 ? "" : "s",
			    nargs);
	for (int i = 0; i < nargs; i++)
		if (args[i].type != b->argt[i])
			return fail(c, args[i].col,
				    "type mismatch: argument %d of %s is %s, "
				    "expected %s",
				    i + 1, b->name, tname(args[i].type),
				    tname(b->argt[i]));
	if (next(c) < 0)
		return FAILED;
	return emit_call(c, bi, nargs, name.col);
}

/* param.field, with c->t on the '.'. */
static struct val field(struct cx *c, int pi, int col)
{
	int f;

	if (c->params[pi].type != MDL_T_DESC)
		return fail(c, c->t.col,
			    "type mismatch: '.' needs a desc, '%s' is %s",
			    c->params[pi].name, tname(c->params[pi].type));
	if (next(c) < 0)
		return FAILED;
	if (c->t.kind != T_IDENT)
		return unexpected(c);
	f = find_name(field_names, sizeof field_names[0], 4,
		      c->src + c->t.col, c->t.len);
	if (f < 0)
		return fail(c, c->t.col, "unknown descriptor field '%.*s'",
			    c->t.len, c->src + c->t.col);
	if (emit(c, MDL_X_FIELD, pi, f, 0) < 0 || next(c) < 0)
		return FAILED;
	return (struct val){MDL_T_INT, col};
}

static struct val ident(struct cx *c)
{
	struct tok name = c->t;
	const char *s = c->src + name.col;
	int i, bi;

	if (tok_is(c, "true") || tok_is(c, "false")) {
		if (emit(c, MDL_X_CONST, 0, 0, tok_is(c, "true")) < 0 ||
		    next(c) < 0)
			return FAILED;
		return (struct val){MDL_T_BOOL, name.col};
	}
	if (next(c) < 0)
		return FAILED;
	bi = find_builtin(s, name.len);
	if (c->t.kind == T_LP) {
		if (bi < 0)
			return fail(c, name.col, "unknown function '%.*s'",
				    name.len, s);
		return parse_call(c, bi, name);
	}
	i = find_param(c, s, name.len);
	if (i >= 0) {
		if (c->t.kind == T_DOT)
			return field(c, i, name.col);
		if (emit(c, MDL_X_PARAM, i, 0, 0) < 0)
			return FAILED;
		if (c->params[i].type == MDL_T_BOOL &&
		    emit(c, MDL_X_BOOL, 0, 0, 0) < 0)
			return FAILED;
		return (struct val){c->params[i].type, name.col};
	}
	i = find_const(s, name.len);
	if (i >= 0) {
		if (emit(c, MDL_X_CONST, 0, 0, mdl_consts[i].value) < 0)
			return FAILED;
		return (struct val){MDL_T_INT, name.col};
	}
	if (bi >= 0 && mdl_builtins[bi].nargs == 0)
		return emit_call(c, bi, 0, name.col);
	if (bi >= 0)
		return fail(c, name.col, "%s takes %d argument%s, got 0",
			    mdl_builtins[bi].name, mdl_builtins[bi].nargs,
			    mdl_builtins[bi].nargs == 1 ? "" : "s");
	return fail(c, name.col, "unknown identifier '%.*s'", name.len, s);
}

static struct val primary(struct cx *c)
{
	struct val v;
	int lp;

	switch (c->t.kind) {
	case T_INT:
		v = (struct val){MDL_T_INT, c->t.col};
		if (emit(c, MDL_X_CONST, 0, 0, c->t.val) < 0 || next(c) < 0)
			return FAILED;
		return v;
	case T_IDENT:
		return ident(c);
	case T_LP:
		lp = c->t.col;
		if (next(c) < 0)
			return FAILED;
		v = expr(c, 1);
		if (v.type < 0)
			return v;
		if (c->t.kind == T_END)
			return fail(c, lp, "unclosed '('");
		if (c->t.kind != T_RP)
			return unexpected(c);
		if (next(c) < 0)
			return FAILED;
		v.col = lp;
		return v;
	default:
		return unexpected(c);
	}
}

/* Folds a unary operator into a lone constant operand: `-1` is one push. */
static int unary_emit(struct cx *c, int op, int start)
{
	struct mdl_ins *k = &c->code[c->n - 1];

	if (c->n - start != 1 || k->op != MDL_X_CONST)
		return emit(c, op, 0, 0, 0);
	if (op == MDL_X_NOT)
		k->imm = !k->imm;
	else if (op == MDL_X_NEG)
		k->imm = (int64_t)(0 - (uint64_t)k->imm);
	else
		k->imm = ~k->imm;
	return 0;
}

static struct val unary(struct cx *c)
{
	struct tok op = c->t;
	struct val v;
	int want, opc, start;

	if (op.kind != T_NOT && op.kind != T_MINUS && op.kind != T_TILDE)
		return primary(c);
	if (++c->nest > MAX_NEST)
		return fail(c, op.col, "expression nested too deeply");
	if (next(c) < 0)
		return FAILED;
	start = c->n;
	v = unary(c);
	c->nest--;
	if (v.type < 0)
		return v;
	want = op.kind == T_NOT ? MDL_T_BOOL : MDL_T_INT;
	opc = op.kind == T_NOT ? MDL_X_NOT
	      : op.kind == T_MINUS ? MDL_X_NEG : MDL_X_BNOT;
	if (v.type != want)
		return fail(c, v.col,
			    "type mismatch: operand of '%.*s' is %s, "
			    "expected %s",
			    op.len, c->src + op.col, tname(v.type),
			    tname(want));
	if (unary_emit(c, opc, start) < 0)
		return FAILED;
	return (struct val){want, op.col};
}

static int find_binop(int tok)
{
	for (int i = 0; i < NBINOPS; i++)
		if (binops[i].tok == tok)
			return i;
	return -1;
}

/* Checks the operands of binop b; returns the result type or -1. */
static int bin_type(struct cx *c, int b, struct tok op, struct val l,
		    struct val r)
{
	int o = binops[b].op;

	if (o == MDL_B_EQ || o == MDL_B_NE) {
		if (l.type != MDL_T_INT && l.type != MDL_T_BOOL)
			return fail(c, l.col, "type mismatch: operand of "
				    "'%s' is %s", binops[b].name,
				    tname(l.type)).type;
		if (r.type != l.type)
			return fail(c, op.col, "type mismatch: '%s' compares "
				    "%s with %s", binops[b].name,
				    tname(l.type), tname(r.type)).type;
		return MDL_T_BOOL;
	}
	int want = o < 0 ? MDL_T_BOOL : MDL_T_INT;
	struct val bad = l.type != want ? l : r;
	if (bad.type != want)
		return fail(c, bad.col, "type mismatch: operand of '%s' is "
			    "%s, expected %s", binops[b].name,
			    tname(bad.type), tname(want)).type;
	if (o < 0 || o >= MDL_B_EQ)
		return MDL_T_BOOL;
	return MDL_T_INT;
}

/* Precedence climbing over the binary operators binding at least minprec. */
static struct val expr(struct cx *c, int minprec)
{
	struct val l, r;
	int b, jump = 0;

	if (++c->nest > MAX_NEST)
		return fail(c, c->t.col, "expression nested too deeply");
	l = unary(c);
	while (l.type >= 0 && (b = find_binop(c->t.kind)) >= 0 &&
	       binops[b].prec >= minprec) {
		struct tok op = c->t;
		int sc = binops[b].op < 0;
		if (sc) {
			if (l.type != MDL_T_BOOL) {
				bin_type(c, b, op, l, l);
				l.type = -1;
				break;
			}
			jump = c->n;
			if (emit(c, op.kind == T_ANDAND ? MDL_X_JZ_KEEP
							: MDL_X_JNZ_KEEP,
				 0, 0, 0) < 0)
				break;
		}
		if (next(c) < 0)
			break;
		r = expr(c, binops[b].prec + 1);
		if (r.type < 0 || (l.type = bin_type(c, b, op, l, r)) < 0) {
			l.type = -1;
			break;
		}
		if (sc)
			c->code[jump].imm = c->n;
		else if (emit(c, MDL_X_BIN, binops[b].op, 0, 0) < 0)
			break;
	}
	c->nest--;
	if (c->failed)
		l.type = -1;
	return l;
}

/* Stack depth: jumps go forward to a point reached with the same height. */
static int max_depth(const struct mdl_ins *code, int n)
{
	int h = 0, max = 0;

	for (int i = 0; i < n; i++) {
		switch (code[i].op) {
		case MDL_X_CONST:
		case MDL_X_PARAM:
		case MDL_X_FIELD:
			h++;
			break;
		case MDL_X_CALL:
			h += 1 - code[i].b;
			break;
		case MDL_X_BIN:
		case MDL_X_JZ_KEEP:
		case MDL_X_JNZ_KEEP:
			h--;
			break;
		}
		if (h > max)
			max = h;
	}
	return max;
}

int mdl_expr_compile(const char *src, const struct mdl_param *params,
		     int nparams, int want, struct mdl_expr *out, char *err,
		     size_t errlen, int *errcol)
{
	struct cx c = {0};
	struct val v;

	memset(out, 0, sizeof *out);
	c.src = src ? src : "";
	c.params = params;
	c.nparams = params ? nparams : 0;
	c.err = err;
	c.errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	if (next(&c) == 0) {
		v = expr(&c, 1);
		if (v.type >= 0 && c.t.kind != T_END)
			fail(&c, c.t.col, "unexpected '%.*s' after the "
			     "expression", c.t.len, c.src + c.t.col);
		else if (v.type >= 0 && want != ANY_TYPE && v.type != want)
			fail(&c, v.col, "type mismatch: expression is %s, "
			     "expected %s", tname(v.type), tname(want));
	}
	if (!c.failed && max_depth(c.code, c.n) > MDL_MAX_DEPTH)
		fail(&c, 0, "expression needs more than %d stack slots",
		     MDL_MAX_DEPTH);
	if (!c.failed) {
		out->src = malloc(strlen(c.src) + 1);
		if (!out->src)
			fail(&c, 0, "out of memory");
		else
			strcpy(out->src, c.src);
	}
	if (c.failed) {
		free(c.code);
		if (errcol)
			*errcol = c.errcol;
		return -1;
	}
	out->code = c.code;
	out->n = (uint16_t)c.n;
	out->depth = (uint16_t)max_depth(c.code, c.n);
	return 0;
}

void mdl_expr_free(struct mdl_expr *e)
{
	if (!e)
		return;
	free(e->code);
	free(e->src);
	memset(e, 0, sizeof *e);
}

/* Two's-complement arithmetic through uint64_t: wraps, never UB. */
static int64_t binop(int op, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op) {
	case MDL_B_ADD: return (int64_t)(ua + ub);
	case MDL_B_SUB: return (int64_t)(ua - ub);
	case MDL_B_MUL: return (int64_t)(ua * ub);
	case MDL_B_AND: return a & b;
	case MDL_B_OR: return a | b;
	case MDL_B_XOR: return a ^ b;
	case MDL_B_SHL: return ub > 63 ? 0 : (int64_t)(ua << ub);
	case MDL_B_SHR: /* arithmetic: sign bits come in */
		if (ub > 63)
			return 0;
		return a < 0 ? ~(int64_t)(~ua >> ub) : (int64_t)(ua >> ub);
	case MDL_B_EQ: return a == b;
	case MDL_B_NE: return a != b;
	case MDL_B_LT: return a < b;
	case MDL_B_LE: return a <= b;
	case MDL_B_GT: return a > b;
	case MDL_B_GE: return a >= b;
	}
	return 0;
}

int64_t mdl_expr_eval_generic(const struct mdl_expr *e,
			      int64_t (*param)(void *ctx, int idx, int field),
			      int64_t (*call)(void *ctx, int builtin,
					      const int64_t *args),
			      void *ctx)
{
	int64_t st[MDL_MAX_DEPTH];
	int sp = 0;

	if (!e->code)
		return 1;
	if (e->depth > MDL_MAX_DEPTH) /* the compiler never makes one */
		return 0;
	for (int pc = 0; pc < e->n; pc++) {
		const struct mdl_ins *k = &e->code[pc];
		switch (k->op) {
		case MDL_X_CONST: st[sp++] = k->imm; break;
		case MDL_X_PARAM: st[sp++] = param(ctx, k->a, -1); break;
		case MDL_X_FIELD: st[sp++] = param(ctx, k->a, k->b); break;
		case MDL_X_CALL:
			sp -= k->b;
			st[sp] = call(ctx, k->a, st + sp);
			sp++;
			break;
		case MDL_X_NOT: st[sp - 1] = !st[sp - 1]; break;
		case MDL_X_NEG:
			st[sp - 1] = (int64_t)(0 - (uint64_t)st[sp - 1]);
			break;
		case MDL_X_BNOT: st[sp - 1] = ~st[sp - 1]; break;
		case MDL_X_BOOL: st[sp - 1] = st[sp - 1] != 0; break;
		case MDL_X_BIN:
			sp--;
			st[sp - 1] = binop(k->a, st[sp - 1], st[sp]);
			break;
		case MDL_X_JZ_KEEP:
		case MDL_X_JNZ_KEEP:
			if ((st[sp - 1] != 0) == (k->op == MDL_X_JNZ_KEEP))
				pc = (int)k->imm - 1;
			else
				sp--;
			break;
		}
	}
	return sp > 0 ? st[sp - 1] : 0;
}

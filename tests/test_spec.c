/*
 * test_spec.c - the spec loader (model/spec_load.c) and the expression
 * compiler (model/expr.c): the real spec, expressions, malformed specs with
 * their exact positions, and robustness on truncated and mutated input.
 * Run from the project root, or set SPEC_DIR.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "xmcheck.h"

static const char *spec_dir(void)
{
	const char *d = getenv("SPEC_DIR");
	return d && *d ? d : "spec";
}

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *b;
	long n;

	snprintf(path, sizeof path, "%s/%s", spec_dir(), name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

/* ---- the real spec ---- */

static const struct mdl_clause *clause(const struct mdl_spec *s,
				       const char *id)
{
	int i = mdl_spec_find(s, id);
	ck_assert_msg(i >= 0, "no clause %s", id);
	ck_assert_str_eq(s->clauses[i].id, id);
	ck_assert_int_eq(s->clauses[i].index, i);
	return &s->clauses[i];
}

START_TEST(t_load_dir)
{
	struct mdl_spec *s = NULL;
	char err[512];

	ck_assert_msg(mdl_spec_load(spec_dir(), &s, err, sizeof err) == 0,
		      "%s", err);
	ck_assert_str_eq(s->origin, spec_dir());
	ck_assert_int_eq(s->nclauses, 105);
	ck_assert_int_eq(s->nprofiles, 2);
	ck_assert_uint_ne(s->hash, 0xcbf29ce484222325ull);
	for (int v = 0, at = 0; v < MDL_NSVC; v++) {
		const struct mdl_service *sv = &s->svc[v];
		ck_assert_int_eq(sv->defined, 1);
		ck_assert_str_eq(sv->name, mdl_svcdefs[v].name);
		ck_assert_int_eq(sv->nparams, mdl_svcdefs[v].nparams);
		ck_assert_int_eq(sv->first, at);
		ck_assert_int_gt(sv->count, 0);
		for (int i = sv->first; i < sv->first + sv->count; i++) {
			ck_assert_int_eq(s->clauses[i].svc, v);
			ck_assert_int_eq(s->clauses[i].index, i);
		}
		at += sv->count;
	}
	ck_assert_int_eq(s->svc[MDL_XMATTACH].count, 13);
	ck_assert_uint_eq(s->svc[MDL_XMATTACH].env, 1);
	ck_assert_uint_eq(s->svc[MDL_XMDETACH].env, 3);
	ck_assert_str_eq(s->svc[MDL_XMATTACH].params[2].name, "dp");
	ck_assert_int_eq(s->svc[MDL_XMATTACH].params[2].type, MDL_T_DESC);
	ck_assert_int_eq(mdl_spec_find(s, "xmattach.nope"), -1);
	mdl_spec_free(s);
}
END_TEST

START_TEST(t_clause_fields)
{
	struct mdl_spec *s = NULL;
	const struct mdl_clause *c;
	char err[512];

	ck_assert_msg(mdl_spec_load(spec_dir(), &s, err, sizeof err) == 0,
		      "%s", err);
	c = clause(s, "xmattach.count-nonpositive");
	ck_assert_int_eq(c->kind, MDL_FAILURE);
	ck_assert_int_eq(c->prov, MDL_DOCUMENTED);
	ck_assert_int_eq(c->rule, MDL_RULE_VALUES);
	ck_assert_int_eq(c->nrets, 1);
	ck_assert_str_eq(c->rets[0].src, "XMEM_FAIL");
	ck_assert_str_eq(c->when.src, "count <= 0");
	ck_assert_ptr_nonnull(strstr(c->file, "xmem.yaml"));
	ck_assert_int_eq(c->line, 39);
	ck_assert_int_eq(c->col, 9);
	ck_assert_uint_eq(c->profiles, 0);
	ck_assert_uint_eq(c->needs, 0);

	c = clause(s, "xmemdma.translate");
	ck_assert_int_eq(c->prov, MDL_PROFILE);
	ck_assert_int_eq(c->rule, MDL_RULE_REALADDR);
	ck_assert_uint_eq(c->profiles, 1u << XMC_PROFILE_POWERPC);
	ck_assert_str_eq(c->when.src, "(flag & XMEM_UNHIDE) == 0");

	c = clause(s, "xmemdma.desc-global");
	ck_assert_int_eq(c->kind, MDL_UNDEFINED);
	ck_assert_int_eq(c->rank, MDL_RANK_UNMODELLED);
	c = clause(s, "xmattach.interrupt");
	ck_assert_int_eq(c->rank, MDL_RANK_ENVIRONMENT);

	c = clause(s, "xmemin.paging-error");
	ck_assert_uint_eq(c->needs, XMC_CAP_PAGEOUT | XMC_CAP_IO_ERROR);

	c = clause(s, "xmemdma.hide-first");
	ck_assert_uint_eq(c->profiles, 1u << XMC_PROFILE_POWER);
	ck_assert_int_eq(c->neffects, 3);
	ck_assert_str_eq(mdl_effect_names[c->effects[0]], "hide_inc");
	ck_assert_str_eq(mdl_effect_names[c->effects[2]], "invalidate");

	c = clause(s, "xmattach.interrupt");
	ck_assert_int_eq(c->kind, MDL_UNDEFINED);
	ck_assert_int_eq(c->prov, MDL_INFERRED);
	ck_assert_int_eq(c->rule, MDL_RULE_ANY);
	ck_assert_ptr_nonnull(c->reason);
	ck_assert_uint_eq(c->needs, XMC_CAP_INTERRUPT);

	ck_assert_int_eq(clause(s, "as_att.attach")->rule,
			 MDL_RULE_REGION_ADDR);
	ck_assert_int_eq(clause(s, "as_puth.release")->rule, MDL_RULE_NONE);
	ck_assert_int_eq(clause(s, "getadsp.current")->rule,
			 MDL_RULE_ADSPACE);
	ck_assert_int_eq(clause(s, "as_geth.fixed-region")->rule,
			 MDL_RULE_ANY);
	mdl_spec_free(s);
}
END_TEST

/* ---- expressions ---- */

/* A fake world: parameters and fields from a table, builtins counted. */
struct fake {
	int64_t p[MDL_MAX_PARAMS][5]; /* [i][0] value, [i][1 + f] field f */
	int calls[64]; /* per builtin */
	int64_t last[MDL_MAX_ARGS]; /* arguments of the last call */
};

static int64_t fake_param(void *ctx, int i, int f)
{
	return ((struct fake *)ctx)->p[i][f + 1];
}

static int64_t fake_call(void *ctx, int b, const int64_t *a)
{
	struct fake *k = ctx;

	k->calls[b]++;
	memcpy(k->last, a, (size_t)mdl_builtins[b].nargs * sizeof *a);
	if (!strcmp(mdl_builtins[b].name, "defined"))
		return a[0] + a[1] > 0 ? 7 : 0; /* non-0/1 "true" on purpose */
	if (!strcmp(mdl_builtins[b].name, "pin_count"))
		return 3;
	return 1;
}

static const struct mdl_param xp[] = {
	{"addr", MDL_T_INT},
	{"count", MDL_T_INT},
	{"dp", MDL_T_DESC},
	{"flag", MDL_T_BOOL},
	{"kaddr", MDL_T_KBUF},
};

static int builtin(const char *name)
{
	for (int i = 0; i < mdl_nbuiltins; i++)
		if (!strcmp(mdl_builtins[i].name, name))
			return i;
	ck_abort_msg("no builtin %s", name);
	return -1;
}

static int64_t run(const char *src, int want, struct fake *k)
{
	struct mdl_expr e;
	char err[200];
	int col = -1;
	int64_t v;

	ck_assert_msg(mdl_expr_compile(src, xp, 5, want, &e, err, sizeof err,
				       &col) == 0,
		      "%s: %s at %d", src, err, col);
	ck_assert_str_eq(e.src, src);
	ck_assert_int_le(e.depth, MDL_MAX_DEPTH);
	v = mdl_expr_eval_generic(&e, fake_param, fake_call, k);
	mdl_expr_free(&e);
	return v;
}

static int64_t ival(const char *src)
{
	struct fake k = {0};
	return run(src, MDL_T_INT, &k);
}

static int64_t bval(const char *src)
{
	struct fake k = {0};
	return run(src, MDL_T_BOOL, &k);
}

START_TEST(t_expr_precedence)
{
	ck_assert_int_eq(ival("1 + 2 * 3"), 7);
	ck_assert_int_eq(ival("(1 + 2) * 3"), 9);
	ck_assert_int_eq(ival("10 - 3 - 2"), 5);
	ck_assert_int_eq(ival("1 << 2 + 1"), 8);
	ck_assert_int_eq(ival("1 | 2 ^ 3 & 1"), 3);
	ck_assert_int_eq(ival("-2 * 3"), -6);
	ck_assert_int_eq(ival("~0"), -1);
	ck_assert_int_eq(ival("- -5"), 5);
	ck_assert_int_eq(ival("0x10 >> 2"), 4);
	ck_assert_int_eq(ival("(0x12345678 >> 28) + 0XF"), 16);
	ck_assert_int_eq(ival("XMEM_FAIL"), XMEM_FAIL);
	ck_assert_int_eq(ival("NULL"), 0);
	ck_assert_int_eq(bval("1 < 2 == true"), 1);
	ck_assert_int_eq(bval("1 == 1 && 2 != 2 || 3 >= 3"), 1);
	ck_assert_int_eq(bval("false || true && false"), 0);
	ck_assert_int_eq(bval("!(1 > 2) && !false"), 1);
	ck_assert_int_eq(bval("(7 & ~7) != 0"), 0);
}
END_TEST

START_TEST(t_expr_semantics)
{
	ck_assert_int_eq(ival("1 << 64"), 0);
	ck_assert_int_eq(ival("1 << -1"), 0);
	ck_assert_int_eq(ival("-8 >> 1"), -4);
	ck_assert_int_eq(ival("-1 >> 63"), -1);
	ck_assert_int_eq(ival("-1 >> 64"), 0);
	ck_assert_int_eq(ival("0x7fffffffffffffff + 1"), INT64_MIN);
	ck_assert_int_eq(ival("-0x8000000000000000"), INT64_MIN);
	ck_assert_int_eq(ival("0xffffffffffffffff"), -1);
	ck_assert_int_eq(ival("9223372036854775807 * 2"), -2);
}
END_TEST

START_TEST(t_expr_params_calls)
{
	struct fake k = {0};
	struct mdl_expr e;
	char err[200];
	int col;

	k.p[0][0] = 0x30001000; /* addr */
	k.p[1][0] = 16; /* count */
	k.p[2][1 + 0] = XMEM_PROC; /* dp.aspace_id */
	k.p[2][1 + 3] = 0x30000000; /* dp.uaddr */
	k.p[3][0] = 5; /* flag: a bool read as 5 is normalised */
	ck_assert_int_eq(run("dp.uaddr + count", MDL_T_INT, &k),
			 0x30000010);
	ck_assert_int_eq(run("dp . aspace_id == XMEM_PROC", MDL_T_BOOL, &k),
			 1);
	ck_assert_int_eq(run("flag == true", MDL_T_BOOL, &k), 1);
	ck_assert_int_eq(run("defined(addr, count) == true", MDL_T_BOOL, &k),
			 1);
	ck_assert_int_eq(k.last[0], 0x30001000);
	ck_assert_int_eq(k.last[1], 16);
	ck_assert_int_eq(run("pin_count(dp, 9) + 1", MDL_T_INT, &k), 4);
	ck_assert_int_eq(k.last[1], 9);
	ck_assert_int_eq(run("!INTERRUPT", MDL_T_BOOL, &k), 0);
	ck_assert_int_eq(run("INTERRUPT()", MDL_T_BOOL, &k), 1);
	ck_assert_int_eq(k.calls[builtin("INTERRUPT")], 2);
	ck_assert_int_eq(run("free_regions() * 2", MDL_T_INT, &k), 2);

	/* the shape of the program: a call pops its arguments */
	ck_assert_int_eq(mdl_expr_compile("reachable(dp, addr, count)", xp, 5,
					  MDL_T_BOOL, &e, err, sizeof err,
					  &col), 0);
	ck_assert_int_eq(e.code[0].op, MDL_X_PARAM);
	ck_assert_int_eq(e.code[0].a, 2);
	ck_assert_int_eq(e.code[3].op, MDL_X_CALL);
	ck_assert_int_eq(e.code[3].a, builtin("reachable"));
	ck_assert_int_eq(e.code[3].b, 3);
	ck_assert_int_eq(e.depth, 3);
	mdl_expr_free(&e);
	ck_assert_ptr_null(e.code);
}
END_TEST

START_TEST(t_expr_short_circuit)
{
	struct fake k = {0};
	struct mdl_expr e;
	char err[200];
	int col, d = builtin("defined");

	ck_assert_int_eq(run("false && defined(1, 2)", MDL_T_BOOL, &k), 0);
	ck_assert_int_eq(run("true || defined(1, 2)", MDL_T_BOOL, &k), 1);
	ck_assert_int_eq(k.calls[d], 0);
	ck_assert_int_eq(run("true && defined(1, 2)", MDL_T_BOOL, &k), 1);
	ck_assert_int_eq(run("false || defined(0, 0)", MDL_T_BOOL, &k), 0);
	ck_assert_int_eq(k.calls[d], 2);
	ck_assert_int_eq(run("defined(0, 0) && defined(1, 1) || "
			     "defined(1, 2)", MDL_T_BOOL, &k), 1);
	ck_assert_int_eq(k.calls[d], 4);

	ck_assert_int_eq(mdl_expr_compile("flag && flag || flag", xp, 5,
					  MDL_T_BOOL, &e, err, sizeof err,
					  &col), 0);
	/* PARAM BOOL JZ PARAM BOOL JNZ PARAM BOOL */
	ck_assert_int_eq(e.n, 8);
	ck_assert_int_eq(e.code[2].op, MDL_X_JZ_KEEP);
	ck_assert_int_eq(e.code[2].imm, 5);
	ck_assert_int_eq(e.code[5].op, MDL_X_JNZ_KEEP);
	ck_assert_int_eq(e.code[5].imm, 8);
	ck_assert_int_eq(e.depth, 1);
	mdl_expr_free(&e);
}
END_TEST

static void refuse(const char *src, int want, int col, const char *part)
{
	struct mdl_expr e;
	char err[200] = "";
	int c = -1;

	ck_assert_msg(mdl_expr_compile(src, xp, 5, want, &e, err, sizeof err,
				       &c) < 0,
		      "'%s' compiled", src);
	ck_assert_msg(c == col, "'%s': column %d, not %d (%s)", src, c, col,
		      err);
	ck_assert_msg(strstr(err, part) != NULL, "'%s': '%s' lacks '%s'",
		      src, err, part);
	ck_assert_ptr_null(e.code);
	ck_assert_ptr_null(e.src);
}

START_TEST(t_expr_errors)
{
	int B = MDL_T_BOOL, I = MDL_T_INT;

	refuse("count && 1", B, 0, "operand of '&&' is int, expected bool");
	refuse("true && 1", B, 8, "is int, expected bool");
	refuse("count == true", B, 6, "compares int with bool");
	refuse("!count", B, 1, "operand of '!' is int");
	refuse("-true", I, 1, "operand of '-' is bool");
	refuse("1 + (2 < 3)", I, 4, "is bool, expected int");
	refuse("dp + 1", I, 0, "is desc");
	refuse("dp == dp", B, 0, "is desc");
	refuse("kaddr", I, 0, "expression is kbuf, expected int");
	refuse("count", B, 0, "expression is int, expected bool");
	refuse("count.uaddr", I, 5, "'.' needs a desc");
	refuse("dp.frob", I, 3, "unknown descriptor field");
	refuse("defined(addr)", B, 0, "defined takes 2 arguments, got 1");
	refuse("desc_known()", B, 0, "takes 1 argument, got 0");
	refuse("reachable", B, 0, "takes 3 arguments, got 0");
	refuse("defined(addr, true)", B, 14, "argument 2 of defined is bool");
	refuse("reachable(addr, addr, count)", B, 10,
	       "argument 1 of reachable is int, expected desc");
	refuse("frob + 1", I, 0, "unknown identifier 'frob'");
	refuse("frob(1)", I, 0, "unknown function 'frob'");
	refuse("count(1)", I, 0, "unknown function 'count'");
	refuse("1 +", I, 3, "unexpected end");
	refuse("", I, 0, "unexpected end");
	refuse("1 2", I, 2, "after the expression");
	refuse("(1 + 2) )", I, 8, "after the expression");
	refuse("(1 + 2", I, 0, "unclosed '('");
	refuse("2 * (1 + (2", I, 9, "unclosed '('");
	refuse("defined(1, 2", B, 7, "unclosed '('");
	refuse("defined(1 2)", B, 10, "unexpected '2'");
	refuse("1 = 2", B, 2, "'=='");
	refuse("1 @ 2", I, 2, "unexpected character '@'");
	refuse("99999999999999999999", I, 0, "bad integer literal");
	refuse("0x", I, 0, "bad integer literal");
	refuse("12ab", I, 0, "bad integer literal");
	refuse("1 + )", I, 4, "unexpected ')'");
}
END_TEST

START_TEST(t_expr_limits)
{
	char buf[4096];
	int n = 0;

	for (int i = 0; i < 1000; i++)
		buf[n++] = '(';
	buf[n++] = '1';
	for (int i = 0; i < 1000; i++)
		buf[n++] = ')';
	buf[n] = 0;
	refuse(buf, MDL_T_INT, 200, "nested too deeply");
	for (n = 0; n < 1000; n++)
		buf[n] = '!';
	strcpy(buf + n, "true");
	refuse(buf, MDL_T_BOOL, 199, "nested too deeply");
	/* each level leaves 1, 2 and dp on the stack */
	for (int levels = 21; levels <= 22; levels++) {
		n = 0;
		for (int i = 0; i < levels; i++)
			n += sprintf(buf + n, "1 + 2 * pin_count(dp, ");
		buf[n++] = '1';
		for (int i = 0; i < levels; i++)
			buf[n++] = ')';
		buf[n] = 0;
		if (levels == 21)
			ck_assert_int_eq(ival(buf), 1 + 2 * 3);
		else
			refuse(buf, MDL_T_INT, 0, "stack slots");
	}
}
END_TEST

/* ---- malformed specs ---- */

#define HEAD                                                                 \
	"profiles:\n"                                                        \
	"  - {name: power, text: p}\n"                                       \
	"services:\n"                                                        \
	"  - name: xmattach\n"                                               \
	"    signature: \"int xmattach(...)\"\n"                             \
	"    env: [process]\n"                                               \
	"    params:\n"                                                      \
	"      - {name: addr, type: int}\n"                                  \
	"      - {name: count, type: int}\n"                                 \
	"      - {name: dp, type: desc}\n"                                   \
	"      - {name: segflag, type: int}\n"                               \
	"    clauses:\n"
/* Line 13 of a test spec: a clause starting at column 9. */
#define CLAUSE(id, kind, rest)                                               \
	"      - id: " id "\n"                                               \
	"        kind: " kind "\n" rest "        source: s\n"                \
	"        text: t\n"
#define FAIL_CLAUSE(id, when)                                                \
	CLAUSE(id, "failure",                                                \
	       "        when: " when "\n"                                    \
	       "        returns: XMEM_FAIL\n"                                \
	       "        provenance: documented\n")

/* Loads nfiles texts named a.yaml, b.yaml...; expects `prefix` then `part`. */
static void bad_n(int nfiles, const char *const *texts, const char *prefix,
		  const char *part)
{
	static const char *const names[] = {"a.yaml", "b.yaml", "c.yaml"};
	size_t lens[3];
	struct mdl_spec *s = (struct mdl_spec *)1;
	char err[512] = "";

	for (int i = 0; i < nfiles; i++)
		lens[i] = strlen(texts[i]);
	ck_assert_int_eq(mdl_spec_load_mem(nfiles, names, texts, lens, &s,
					   err, sizeof err), -1);
	ck_assert_ptr_null(s);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)),
		      "'%s' does not start with '%s'", err, prefix);
	ck_assert_msg(strstr(err, part) != NULL, "'%s' lacks '%s'", err,
		      part);
	ck_assert_ptr_null(strchr(err, '\n'));
}

static void bad(const char *text, const char *prefix, const char *part)
{
	bad_n(1, &text, prefix, part);
}

static void good(const char *text)
{
	const char *names[] = {"a.yaml"};
	size_t len = strlen(text);
	struct mdl_spec *s = NULL;
	char err[512] = "";

	ck_assert_msg(mdl_spec_load_mem(1, names, &text, &len, &s, err,
					sizeof err) == 0,
		      "%s", err);
	ck_assert_str_eq(s->origin, "built-in");
	mdl_spec_free(s);
}

START_TEST(t_bad_yaml)
{
	good(HEAD FAIL_CLAUSE("xmattach.a", "count <= 0"));
	good("");
	good("# only a comment\n");
	bad("services: [a, b\n", "a.yaml:2:1: ", "YAML: ");
	bad("services:\n  - name: x\n   bad: y\n", "a.yaml:3:4: ", "YAML: did not find expected '-'");
	bad("a: 1\n---\nb: 2\n", "a.yaml:2:1: ", "only one document");
	bad("x: &a 1\ny: *a\n", "a.yaml:2:4: ", "aliases");
	bad("services: 3\n", "a.yaml:1:11: ",
	    "services must be a sequence, not a scalar");
	bad("- 1\n", "a.yaml:1:1: ", "the document must be a mapping");
	bad("ok: \"\xff\"\n", "a.yaml:1:6: ", "YAML: ");
	bad("\x01\x02garbage", "a.yaml:1:1: ", "YAML: ");
}
END_TEST

START_TEST(t_bad_names)
{
	bad("services:\n  - name: xmfoo\n", "a.yaml:2:11: ",
	    "unknown service 'xmfoo'");
	bad("colours: []\n", "a.yaml:1:1: ", "unknown key 'colours'");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        colour: red\n"
			"        provenance: documented\n"),
	    "a.yaml:15:9: ", "unknown key 'colour' in a clause");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "count <= 0")
		    FAIL_CLAUSE("xmattach.a", "count > 9"),
	    "a.yaml:20:13: ",
	    "duplicate clause id 'xmattach.a' (first at a.yaml:13:9)");
	bad(HEAD FAIL_CLAUSE("xmdetach.a", "true"), "a.yaml:13:13: ",
	    "must start with 'xmattach.'");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "frob(dp)"), "a.yaml:15:15: ",
	    "unknown function 'frob'");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "count && 1"), "a.yaml:15:15: ",
	    "operand of '&&' is int, expected bool");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "\"!defined(addr)\""),
	    "a.yaml:15:17: ", "defined takes 2 arguments, got 1");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "'count > 0 && segflag'"),
	    "a.yaml:15:29: ", "operand of '&&' is int");
	bad(HEAD FAIL_CLAUSE("xmattach.a", "count >\n          2 + true"),
	    "a.yaml:15:15: ", "(at offset 12 of the when)");
	bad(HEAD CLAUSE("xmattach.a", "success",
			"        returns: XMEM_SUCC\n"
			"        effects: [attach, teleport]\n"
			"        provenance: documented\n"),
	    "a.yaml:16:27: ", "unknown effect 'teleport'");
}
END_TEST

START_TEST(t_bad_clauses)
{
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        provenance: inferred\n"),
	    "a.yaml:15:21: ", "an inferred clause needs a 'reason'");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        returns: XMEM_FAIL\n"
			"        provenance: documented\n"),
	    "a.yaml:15:18: ", "an undefined clause has no 'returns'");
	bad(HEAD CLAUSE("xmattach.a", "failure",
			"        provenance: documented\n"),
	    "a.yaml:13:9: ", "a failure clause needs 'returns'");
	bad(HEAD CLAUSE("xmattach.a", "failure",
			"        returns: XMEM_FAIL\n"
			"        effects: [attach]\n"
			"        provenance: documented\n"),
	    "a.yaml:16:18: ", "only success clauses have 'effects'");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        profiles: [pentium]\n"
			"        provenance: documented\n"),
	    "a.yaml:15:20: ", "unknown profile 'pentium'");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        profiles: [powerpc]\n"
			"        provenance: documented\n"),
	    "a.yaml:15:20: ", "profile 'powerpc' is not declared");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        needs: [pin, teleport]\n"
			"        provenance: documented\n"),
	    "a.yaml:15:22: ", "unknown capability 'teleport'");
	bad(HEAD CLAUSE("xmattach.a", "undefined",
			"        provenance: profile\n"),
	    "a.yaml:15:21: ", "needs 'profiles'");
	bad(HEAD CLAUSE("xmattach.a", "fatal",
			"        provenance: documented\n"),
	    "a.yaml:14:15: ", "unknown kind 'fatal'");
	bad(HEAD "      - id: xmattach.a\n        kind: undefined\n"
		 "        provenance: documented\n        source: s\n",
	    "a.yaml:13:9: ", "clause has no 'text'");
	bad(HEAD CLAUSE("xmattach.a", "success",
			"        returns: {rule: sometimes}\n"
			"        provenance: documented\n"),
	    "a.yaml:15:25: ", "unknown rule 'sometimes'");
	bad(HEAD CLAUSE("xmattach.a", "success",
			"        returns: [1, 2, 3, 4, 5]\n"
			"        provenance: documented\n"),
	    "a.yaml:15:18: ", "1 to 4 values");
	bad(HEAD CLAUSE("xmattach.a", "success",
			"        returns: [1, true]\n"
			"        provenance: documented\n"),
	    "a.yaml:15:22: ", "expression is bool, expected int");
}
END_TEST

START_TEST(t_bad_services)
{
	const char *two[2] = {HEAD FAIL_CLAUSE("xmattach.a", "true"),
			      "services:\n  - name: xmattach\n"};

	bad("services:\n  - name: xmdetach\n    signature: s\n"
	    "    env: [process]\n    params:\n"
	    "      - {name: dp, type: int}\n    clauses: []\n",
	    "a.yaml:6:26: ", "parameter 1 of xmdetach is desc, not int");
	bad("services:\n  - name: xmdetach\n    signature: s\n"
	    "    env: [process]\n    params: []\n    clauses: []\n",
	    "a.yaml:5:13: ", "xmdetach takes 1 parameters, not 0");
	bad("services:\n  - name: xmdetach\n    signature: s\n"
	    "    env: [process]\n    params:\n"
	    "      - {name: NULL, type: desc}\n    clauses: []\n",
	    "a.yaml:6:16: ", "parameter name 'NULL' is a constant");
	bad("services:\n  - name: xmdetach\n    signature: s\n"
	    "    env: [daytime]\n",
	    "a.yaml:4:11: ", "unknown env 'daytime'");
	bad("services:\n  - name: xmdetach\n    env: [process]\n",
	    "a.yaml:2:5: ", "service has no 'signature'");
	bad("profiles:\n  - {name: power, text: a}\n"
	    "  - {name: power, text: b}\n",
	    "a.yaml:3:12: ", "profile 'power' declared twice");
	bad("profiles:\n  - {name: risc, text: a}\n", "a.yaml:2:12: ",
	    "unknown profile 'risc'");
	bad_n(2, two, "b.yaml:2:11: ", "service 'xmattach' is defined twice");
}
END_TEST

START_TEST(t_single_file)
{
	struct mdl_spec *s = (struct mdl_spec *)1;
	char path[512], err[512], prefix[600];

	/* xmem.yaml alone: without a profiles: list the known names stand */
	snprintf(path, sizeof path, "%s/xmem.yaml", spec_dir());
	ck_assert_msg(mdl_spec_load(path, &s, err, sizeof err) == 0, "%s",
		      err);
	ck_assert_int_eq(s->nclauses, 84);
	mdl_spec_free(s);
	/* with a profiles: list, an undeclared one is refused */
	static const char *const names[] = {"p.yaml", "x.yaml"};
	static const char *const bufs[] = {
		"profiles:\n  - {name: powerpc, text: a}\n",
		"services:\n  - name: getadsp\n    signature: s\n"
		"    env: [process]\n    params: []\n    clauses:\n"
		"      - id: getadsp.x\n        kind: success\n"
		"        returns: {rule: adspace}\n        profiles: [power]\n"
		"        provenance: profile\n        source: s\n"
		"        text: t\n"};
	size_t lens[] = {strlen(bufs[0]), strlen(bufs[1])};
	ck_assert_int_eq(mdl_spec_load_mem(2, names, bufs, lens, &s, err,
					   sizeof err), -1);
	snprintf(prefix, sizeof prefix, "x.yaml:10:20: profile 'power' is not");
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)), "%s", err);
	snprintf(path, sizeof path, "%s/adspace.yaml", spec_dir());
	ck_assert_msg(mdl_spec_load(path, &s, err, sizeof err) == 0, "%s",
		      err);
	ck_assert_int_eq(s->nclauses, 21);
	ck_assert_int_eq(s->svc[MDL_XMATTACH].defined, 0);
	ck_assert_int_eq(s->svc[MDL_AS_ATT].defined, 1);
	mdl_spec_free(s);
	ck_assert_int_eq(mdl_spec_load("/nonexistent/x.yaml", &s, err,
				       sizeof err), -1);
	ck_assert_str_eq(err, "/nonexistent/x.yaml:1:1: cannot read: "
			      "No such file or directory");
}
END_TEST

/* ---- robustness ---- */

static void try_load(int n, const char *const *names, const char *const *b,
		     const size_t *lens)
{
	struct mdl_spec *s = NULL;
	char err[512] = "";

	if (mdl_spec_load_mem(n, names, b, lens, &s, err, sizeof err) == 0) {
		ck_assert_ptr_nonnull(s);
		mdl_spec_free(s);
		return;
	}
	ck_assert_ptr_null(s);
	ck_assert_msg(!strncmp(err, "p.yaml:", 7) ||
			      !strncmp(err, "x.yaml:", 7),
		      "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(t_truncated)
{
	const char *names[] = {"p.yaml", "x.yaml"};
	const char *b[2];
	size_t lens[2], len;
	char *prof = slurp("profiles.yaml", &lens[0]);
	char *xmem = slurp("xmem.yaml", &len);

	b[0] = prof;
	b[1] = xmem;
	for (size_t n = 0; n <= len; n += 7) {
		lens[1] = n;
		try_load(2, names, b, lens);
	}
	free(prof);
	free(xmem);
}
END_TEST

START_TEST(t_mutated)
{
	const char *names[] = {"p.yaml", "x.yaml"};
	const char *b[2];
	size_t lens[2], len;
	char *prof = slurp("profiles.yaml", &lens[0]);
	char *xmem = slurp("xmem.yaml", &len);
	char *m = malloc(len + 1);
	static const char junk[] = "\0\n\t :-[]{}\"'&*!|>#%@`?,\xff\x80";
	uint32_t r = 12345;

	ck_assert_ptr_nonnull(m);
	b[0] = prof;
	b[1] = m;
	lens[1] = len;
	for (int i = 0; i < 400; i++) {
		memcpy(m, xmem, len);
		for (int j = 0; j < 1 + i % 4; j++) {
			r = r * 1103515245u + 12345u;
			size_t at = (r >> 8) % len;
			r = r * 1103515245u + 12345u;
			m[at] = junk[(r >> 8) % (sizeof junk - 1)];
		}
		try_load(2, names, b, lens);
	}
	free(m);
	free(prof);
	free(xmem);
}
END_TEST

START_TEST(t_hostile)
{
	const char *names[] = {"x.yaml"};
	size_t n = 200000, len;
	char *b = malloc(n + 16);
	const char *bb[1] = {b};

	ck_assert_ptr_nonnull(b);
	memset(b, '[', n); /* deep nesting */
	len = n;
	try_load(1, names, bb, &len);
	memcpy(b, "services: \"", 11); /* a huge scalar */
	memset(b + 11, 'a', n);
	memcpy(b + 11 + n, "\"\n", 3);
	len = strlen(b);
	try_load(1, names, bb, &len);
	memcpy(b, "services:\n  - name: xmdetach\n    signature: \"", 45);
	memset(b + 45, 'a', n - 45);
	memcpy(b + n, "\"\n", 3);
	len = strlen(b);
	try_load(1, names, bb, &len);
	for (size_t i = 0; i < n; i++) /* binary garbage */
		b[i] = (char)(i * 2654435761u >> 13);
	len = n;
	try_load(1, names, bb, &len);
	free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spec");
	TCase *t = tcase_create("spec");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, t_load_dir);
	tcase_add_test(t, t_clause_fields);
	tcase_add_test(t, t_expr_precedence);
	tcase_add_test(t, t_expr_semantics);
	tcase_add_test(t, t_expr_params_calls);
	tcase_add_test(t, t_expr_short_circuit);
	tcase_add_test(t, t_expr_errors);
	tcase_add_test(t, t_expr_limits);
	tcase_add_test(t, t_bad_yaml);
	tcase_add_test(t, t_bad_names);
	tcase_add_test(t, t_bad_clauses);
	tcase_add_test(t, t_bad_services);
	tcase_add_test(t, t_single_file);
	tcase_add_test(t, t_truncated);
	tcase_add_test(t, t_mutated);
	tcase_add_test(t, t_hostile);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * spec.h - the services as data: tables loaded from spec/ (*.yaml).
 *
 * The loader (spec_load.c, libyaml) reads one file or every *.yaml of a
 * directory in name order, checks names and types, compiles each condition
 * and return expression into a small stack program (expr.c), and fills these
 * tables. The model (model.c) evaluates them against its world; the C code
 * owns the state and the effects, the tables decide which clause fires and
 * what the service returns. spec/SYNTAX.md documents the file format.
 *
 * Errors are reported as "file:line:col: message" (1-based line and column),
 * and the load fails as a whole.
 */
#ifndef MDL_SPEC_H
#define MDL_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define MDL_MAX_PARAMS 6 /* parameters of one service */
#define MDL_MAX_EFFECTS 6 /* effects of one clause */
#define MDL_MAX_RETS 4 /* allowed return values of one clause */
#define MDL_MAX_ARGS 4 /* arguments of one builtin */
#define MDL_MAX_DEPTH 64 /* stack slots one expression may need */

/* Types of expressions and parameters. */
enum mdl_type {
	MDL_T_INT, /* 64-bit signed integer */
	MDL_T_BOOL, /* truth value (0 or 1 at run time) */
	MDL_T_DESC, /* a descriptor; only its fields and builtins take it */
	MDL_T_KBUF, /* a kernel buffer address; no operation takes it */
	MDL_T_ADSP, /* an address space pointer; no operation takes it */
};

/* The services, in the order of the op set (harness/prog.h). */
enum mdl_svc {
	MDL_XMATTACH,
	MDL_XMDETACH,
	MDL_XMEMIN,
	MDL_XMEMOUT,
	MDL_XMEMDMA,
	MDL_XMEMDMA64,
	MDL_AS_ATT,
	MDL_AS_DET,
	MDL_GETADSP,
	MDL_AS_GETH,
	MDL_AS_PUTH,
	MDL_AS_GETSRVAL,
	MDL_NSVC
};

/* What a clause is. */
enum mdl_kind {
	MDL_FAILURE, /* a failure condition and its return value */
	MDL_SUCCESS, /* an effect on success, with its return value */
	MDL_UNDEFINED, /* a caller error: report, never a divergence */
};

/*
 * Where an undefined clause stands against failures (issue: precedence):
 * environment caller errors and machine-dependent effects outrank every
 * failure; any other undefined clause is outranked by a failure that fires.
 */
enum mdl_rank {
	MDL_RANK_DEFAULT, /* outranked by failures */
	MDL_RANK_ENVIRONMENT, /* a caller error of the execution environment */
	MDL_RANK_MACHINE, /* a page says the effects are machine-dependent */
	MDL_RANK_UNMODELLED, /* the world cannot say yet (kernel space) */
};

enum mdl_prov {
	MDL_DOCUMENTED, /* a page says so */
	MDL_INFERRED, /* the pages are silent; `reason` says why */
	MDL_PROFILE, /* true on one platform only */
};

/* How a return value is checked when it is not a fixed value. */
enum mdl_rule {
	MDL_RULE_VALUES, /* one of `rets` exactly */
	MDL_RULE_ANY, /* any value (implementation-defined) */
	MDL_RULE_NONE, /* void service */
	MDL_RULE_REALADDR, /* WORLD.md W8, checked then adopted */
	MDL_RULE_REGION_ADDR, /* WORLD.md W9 as_att, checked then adopted */
	MDL_RULE_ADSPACE, /* getadsp: the address space, by content */
};

/* Stack-machine instructions of a compiled expression. */
enum mdl_opc {
	MDL_X_CONST, /* push imm */
	MDL_X_PARAM, /* push parameter a */
	MDL_X_FIELD, /* push field b (0..3) of descriptor parameter a */
	MDL_X_CALL, /* call builtin a with b arguments popped */
	MDL_X_NOT, /* logical not */
	MDL_X_NEG, /* arithmetic negation */
	MDL_X_BNOT, /* bitwise not */
	MDL_X_BIN, /* binary operator a (enum mdl_binop), pops 2 */
	MDL_X_JZ_KEEP, /* && : if top is 0 jump to imm, else pop */
	MDL_X_JNZ_KEEP, /* || : if top is not 0 jump to imm, else pop */
	MDL_X_BOOL, /* normalise top to 0/1 */
};

enum mdl_binop {
	MDL_B_ADD, MDL_B_SUB, MDL_B_MUL, MDL_B_AND, MDL_B_OR, MDL_B_XOR,
	MDL_B_SHL, MDL_B_SHR, MDL_B_EQ, MDL_B_NE, MDL_B_LT, MDL_B_LE,
	MDL_B_GT, MDL_B_GE,
};

struct mdl_ins {
	uint8_t op; /* enum mdl_opc */
	uint8_t a; /* parameter, builtin or binop index */
	uint8_t b; /* field index or argument count */
	int64_t imm; /* constant or jump target (instruction index) */
};

struct mdl_expr {
	struct mdl_ins *code; /* NULL when absent: "always true" */
	uint16_t n; /* instructions */
	uint16_t depth; /* stack slots it needs */
	char *src; /* source text, for messages and reports */
};

/* A builtin function of the world, typed (model provides the table). */
struct mdl_builtin {
	const char *name; /* as written in the spec */
	uint8_t nargs; /* arity; 0-ary ones may be written without () */
	uint8_t argt[MDL_MAX_ARGS]; /* enum mdl_type of each argument */
	uint8_t ret; /* enum mdl_type of the result */
};

/* A named integer constant usable in expressions (model provides). */
struct mdl_const {
	const char *name; /* XMEM_FAIL, PROT_RO, ... */
	int64_t value; /* its value */
};

/* A service signature the model knows (model provides the table). */
struct mdl_svcdef {
	const char *name; /* "xmattach" */
	uint8_t nparams; /* parameter count */
	uint8_t paramt[MDL_MAX_PARAMS]; /* enum mdl_type of each */
};

struct mdl_clause {
	char *id; /* stable id, "xmattach.count-nonpositive" */
	uint16_t index; /* index in spec->clauses */
	uint8_t svc; /* enum mdl_svc */
	uint8_t kind; /* enum mdl_kind */
	uint8_t prov; /* enum mdl_prov */
	uint8_t rule; /* enum mdl_rule */
	uint8_t rank; /* enum mdl_rank (undefined clauses) */
	uint8_t nrets; /* allowed values, MDL_RULE_VALUES */
	uint8_t neffects; /* effects to apply, in order */
	struct mdl_expr when; /* condition; code NULL = always */
	struct mdl_expr rets[MDL_MAX_RETS]; /* allowed return values */
	uint8_t effects[MDL_MAX_EFFECTS]; /* indexes in mdl_effect_names */
	uint32_t profiles; /* bitmask 1u << enum xmc_profile; 0 = all */
	uint32_t needs; /* enum xmc_cap bits needed to reach it */
	char *reason; /* why, for inferred clauses (may be NULL) */
	char *source; /* the page or decision it comes from */
	char *text; /* the rule in a sentence, for reports */
	char *file; /* spec file it was read from */
	int line, col; /* position of the clause in that file */
};

struct mdl_param {
	char *name; /* as used in expressions */
	uint8_t type; /* enum mdl_type */
};

struct mdl_service {
	char *name; /* "xmattach" */
	char *signature; /* the AIX prototype, for reports */
	uint32_t env; /* bit 0: process level, bit 1: interrupt level */
	uint8_t nparams; /* parameters */
	struct mdl_param params[MDL_MAX_PARAMS]; /* in signature order */
	uint16_t first, count; /* its clauses: spec->clauses[first..] */
	int defined; /* 1 when a spec file defines it */
};

struct mdl_profile {
	char *name; /* "power", "powerpc" */
	char *text; /* description */
	int id; /* enum xmc_profile */
};

struct mdl_spec {
	struct mdl_service svc[MDL_NSVC]; /* indexed by enum mdl_svc */
	struct mdl_clause *clauses; /* all clauses, grouped by service */
	uint16_t nclauses; /* total */
	struct mdl_profile profiles[4]; /* declared profiles */
	int nprofiles; /* how many */
	uint64_t hash; /* FNV-1a 64 of the file contents read, in order */
	char *origin; /* path given, or "built-in" */
};

/* Tables the model provides (model.c) and the loader checks against. */
extern const struct mdl_builtin mdl_builtins[];
extern const int mdl_nbuiltins;
extern const struct mdl_const mdl_consts[];
extern const int mdl_nconsts;
extern const struct mdl_svcdef mdl_svcdefs[MDL_NSVC];
extern const char *const mdl_effect_names[];
extern const int mdl_neffects;
extern const char *const mdl_cap_names[]; /* index = bit number */
extern const int mdl_ncaps;
/*
 * The capability bits of a list of cap names ("kernel, image"), as a
 * program's "# without:" header names them: the file is written for an
 * implementation that lacks them. Unknown names are ignored.
 */
uint32_t mdl_cap_mask(const char *list);

/*
 * Load a spec from a file or a directory of *.yaml files. Returns 0 and sets
 * *out, or returns -1 and writes "file:line:col: message" to err.
 */
int mdl_spec_load(const char *path, struct mdl_spec **out, char *err,
		  size_t errlen);

/*
 * Load from memory: nfiles buffers with their names (the built-in spec is
 * compiled in this way). Same result convention as mdl_spec_load.
 */
int mdl_spec_load_mem(int nfiles, const char *const *names,
		      const char *const *bufs, const size_t *lens,
		      struct mdl_spec **out, char *err, size_t errlen);

void mdl_spec_free(struct mdl_spec *s);

/* Load from buffers with an origin name (spec_files.c's way in). */
int mdl_load_bufs(int nfiles, const char *const *names,
		  const char *const *bufs, const size_t *lens,
		  const char *origin, struct mdl_spec **out, char *err,
		  size_t errlen);

/* Find a clause by id; -1 when absent. */
int mdl_spec_find(const struct mdl_spec *s, const char *id);

/*
 * Compile one expression (exposed for tests and the CLI). `params` are the
 * names in scope; want is the required result type. On error returns -1 and
 * writes "message" plus the 0-based column in the source to *errcol.
 */
int mdl_expr_compile(const char *src, const struct mdl_param *params,
		     int nparams, int want, struct mdl_expr *out, char *err,
		     size_t errlen, int *errcol);
void mdl_expr_free(struct mdl_expr *e);

/*
 * Reference evaluator (tests, documentation of the semantics): param(ctx, i,
 * -1) reads parameter i, param(ctx, i, f) field f of descriptor parameter i;
 * call(ctx, b, args) runs builtin b. An absent expression (code NULL) is 1.
 */
int64_t mdl_expr_eval_generic(const struct mdl_expr *e,
			      int64_t (*param)(void *ctx, int idx, int field),
			      int64_t (*call)(void *ctx, int builtin,
					      const int64_t *args),
			      void *ctx);

#endif /* MDL_SPEC_H */

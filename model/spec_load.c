/*
 * spec_load.c - reads the spec files (format: spec/SYNTAX.md) into the tables
 * of spec.h. libyaml's event parser builds a small tree (with positions, a depth
 * limit and no aliases), which is then checked against tables.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "spec.h"
#include "xmcheck.h"

#define MAX_DEPTH 32 /* a spec needs 6 levels; bounds recursion on bad input */
#define MAX_CLAUSES 65535 /* spec->nclauses is 16 bits */

enum { N_SCALAR, N_SEQ, N_MAP };

struct node {
	int kind; /* N_SCALAR, N_SEQ or N_MAP */
	int line, col; /* 1-based start */
	int exact; /* one-line plain or quoted scalar: columns map 1:1 */
	int quoted; /* its text starts one column after the node */
	char *str; /* scalar text, NUL-terminated */
	struct node **kid; /* items; a mapping alternates key, value */
	int nkid, cap;
};

/* A clause id seen, in the open-addressing set of struct ld. */
struct idref {
	const char *id; /* owned by the clause */
	int clause; /* index in ld->cl */
};

struct ld {
	struct mdl_spec *s; /* being filled */
	const char *file; /* current file, for messages */
	char *err; /* message buffer */
	size_t errlen;
	struct mdl_clause *cl; /* clauses in load order */
	int ncl, capcl;
	struct idref *ids; /* clause id set, size nids (power of 2) */
	int nids;
	uint32_t declared; /* bits of the profiles declared (first pass) */
};

static const char *const kind_names[] = {"failure", "success", "undefined"};
static const char *const rank_names[] = {"default", "environment",
					 "machine-dependent", "unmodelled"};
static const char *const prov_names[] = {"documented", "inferred",
					 "profile"};
static const char *const type_names[] = {"int", "bool", "desc", "kbuf",
					 "adsp"};
static const char *const env_names[] = {"process", "interrupt"};
static const char *const rule_names[] = {"values", "any", "none",
					 "realaddr", "region_address",
					 "adspace"};
/* Indexed by enum xmc_profile; "" is never a valid (non-empty) name. */
static const char *const prof_names[] = {"", "power", "powerpc"};
_Static_assert(XMC_PROFILE_POWER == 1 && XMC_PROFILE_POWERPC == 2,
	       "prof_names follows enum xmc_profile");

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int lerr(struct ld *ld, int line, int col, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!ld->err || !ld->errlen)
		return -1;
	k = snprintf(ld->err, ld->errlen, "%s:%d:%d: ", ld->file, line, col);
	if (k >= 0 && (size_t)k < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + k, ld->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}
#define NERR(ld, n, ...) lerr(ld, (n)->line, (n)->col, __VA_ARGS__)

/* ---- the node tree ---- */

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nkid; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n->str);
	free(n);
}

static int node_add(struct node *p, struct node *k)
{
	if (p->nkid == p->cap) {
		int cap = p->cap ? p->cap * 2 : 8;
		struct node **v = realloc(p->kid, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		p->kid = v;
		p->cap = cap;
	}
	p->kid[p->nkid++] = k;
	return 0;
}

static struct node *scalar_node(const yaml_event_t *ev)
{
	struct node *n = calloc(1, sizeof *n);
	size_t len = ev->data.scalar.length;
	yaml_scalar_style_t st = ev->data.scalar.style;

	if (!n || !(n->str = malloc(len + 1))) {
		free(n);
		return NULL;
	}
	memcpy(n->str, ev->data.scalar.value, len);
	n->str[len] = 0;
	n->quoted = st == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		    st == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	n->exact = ev->start_mark.line == ev->end_mark.line &&
		   (n->quoted || st == YAML_PLAIN_SCALAR_STYLE);
	return n;
}

/* Turns one parser event into tree nodes; stack holds the open collections. */
static int on_event(struct ld *ld, const yaml_event_t *ev,
		    struct node **stack, int *sp, struct node **root,
		    int *ndocs)
{
	int line = (int)ev->start_mark.line + 1;
	int col = (int)ev->start_mark.column + 1;
	struct node *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*ndocs > 1)
			return lerr(ld, line, col,
				    "only one document per file");
		return 0;
	case YAML_ALIAS_EVENT:
		return lerr(ld, line, col, "aliases are not supported");
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		(*sp)--;
		return 0;
	case YAML_SCALAR_EVENT:
		if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
			return lerr(ld, line, col, "NUL character in a string");
		n = scalar_node(ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (*sp == MAX_DEPTH)
			return lerr(ld, line, col, "nested too deeply");
		n = calloc(1, sizeof *n);
		break;
	default:
		return 0;
	}
	if (!n)
		return lerr(ld, line, col, "out of memory");
	n->kind = ev->type == YAML_SCALAR_EVENT		? N_SCALAR
		  : ev->type == YAML_SEQUENCE_START_EVENT ? N_SEQ
							  : N_MAP;
	n->line = line;
	n->col = col;
	if (*sp == 0) {
		*root = n;
	} else if (node_add(stack[*sp - 1], n) < 0) {
		node_free(n);
		return lerr(ld, line, col, "out of memory");
	}
	if (n->kind != N_SCALAR)
		stack[(*sp)++] = n;
	return 0;
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static int yaml_fail(struct ld *ld, const yaml_parser_t *p, const char *buf,
		     size_t len)
{
	int line = (int)p->problem_mark.line + 1;
	int col = (int)p->problem_mark.column + 1;
	const char *prob = p->problem ? p->problem : "syntax error";

	if (p->error == YAML_MEMORY_ERROR)
		return lerr(ld, 1, 1, "out of memory");
	if (p->error == YAML_READER_ERROR) {
		line = col = 1;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			col++;
			if (buf[i] == '\n') {
				line++;
				col = 1;
			}
		}
	}
	if (p->context)
		return lerr(ld, line, col, "YAML: %s (%s at line %d)", prob,
			    p->context, (int)p->context_mark.line + 1);
	return lerr(ld, line, col, "YAML: %s", prob);
}

static int parse_tree(struct ld *ld, const char *buf, size_t len,
		      struct node **root)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct node *stack[MAX_DEPTH];
	int sp = 0, ndocs = 0, rc = 0, done = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		return lerr(ld, 1, 1, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_fail(ld, &p, buf, len);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(ld, &ev, stack, &sp, root, &ndocs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		node_free(*root);
		*root = NULL;
	}
	return rc;
}

/* ---- checked access to the tree ---- */

static int want_kind(struct ld *ld, const struct node *n, int kind,
		     const char *what)
{
	static const char *const k[] = {"a scalar", "a sequence",
					"a mapping"};

	if (n->kind == kind)
		return 0;
	return NERR(ld, n, "%s must be %s, not %s", what, k[kind],
		    k[n->kind]);
}

static const struct node *map_get(const struct node *m, const char *key)
{
	for (int i = 0; i + 1 < m->nkid; i += 2)
		if (m->kid[i]->kind == N_SCALAR && !strcmp(m->kid[i]->str, key))
			return m->kid[i + 1];
	return NULL;
}

/* A mapping `what` whose keys are all in `keys` (NULL-ended), each once. */
static int check_map(struct ld *ld, const struct node *m,
		     const char *const *keys, const char *what)
{
	if (want_kind(ld, m, N_MAP, what) < 0)
		return -1;
	for (int i = 0; i + 1 < m->nkid; i += 2) {
		const struct node *k = m->kid[i];
		int j;
		if (k->kind != N_SCALAR)
			return NERR(ld, k, "keys of %s must be scalars", what);
		for (j = 0; keys[j] && strcmp(keys[j], k->str); j++)
			;
		if (!keys[j])
			return NERR(ld, k, "unknown key '%s' in %s", k->str,
				    what);
		for (j = 0; j < i; j += 2)
			if (!strcmp(m->kid[j]->str, k->str))
				return NERR(ld, k, "duplicate key '%s'",
					    k->str);
	}
	return 0;
}

/* The value of a required key. */
static const struct node *need(struct ld *ld, const struct node *m,
			       const char *key, const char *what)
{
	const struct node *v = map_get(m, key);

	if (!v)
		NERR(ld, m, "%s has no '%s'", what, key);
	return v;
}

/* A scalar's text, or NULL after an error. */
static const char *scalar(struct ld *ld, const struct node *n,
			  const char *what)
{
	if (want_kind(ld, n, N_SCALAR, what) < 0)
		return NULL;
	if (!n->str[0]) {
		NERR(ld, n, "%s is empty", what);
		return NULL;
	}
	return n->str;
}

/* String key `key` of mapping `what` copied to *out; what NULL: optional. */
static int get_str(struct ld *ld, const struct node *m, const char *key,
		   const char *what, char **out)
{
	const struct node *v = what ? need(ld, m, key, what)
				    : map_get(m, key);
	const char *s;

	if (!v)
		return what ? -1 : 0;
	if (!(s = scalar(ld, v, key)))
		return -1;
	if (!(*out = strdup(s)))
		return NERR(ld, v, "out of memory");
	return 0;
}

/* A scalar that must be one of names[0..n); returns its index or -1. */
static int get_enum(struct ld *ld, const struct node *v, const char *what,
		    const char *const *names, int n)
{
	const char *s = scalar(ld, v, what);
	int i;

	if (!s)
		return -1;
	if ((i = lookup(names, n, s)) < 0)
		return NERR(ld, v, "unknown %s '%s'", what, s);
	return i;
}

/* ---- expressions ---- */

static int compile(struct ld *ld, const struct node *n,
		   const struct mdl_service *sv, int want, struct mdl_expr *e,
		   const char *what)
{
	char msg[200];
	int col = 0;

	if (want_kind(ld, n, N_SCALAR, what) < 0)
		return -1;
	if (!mdl_expr_compile(n->str, sv->params, sv->nparams, want, e, msg,
			      sizeof msg, &col))
		return 0;
	if (n->exact)
		return lerr(ld, n->line, n->col + n->quoted + col, "%s", msg);
	return NERR(ld, n, "%s (at offset %d of the %s)", msg, col, what);
}

/* returns: one expression, a list of them, or {rule: name}. */
static int load_returns(struct ld *ld, const struct node *v,
			const struct mdl_service *sv, struct mdl_clause *c)
{
	static const char *const keys[] = {"rule", NULL};
	const struct node *r;
	int i;

	if (v->kind == N_SCALAR) {
		c->nrets = 1;
		return compile(ld, v, sv, MDL_T_INT, &c->rets[0], "returns");
	}
	if (v->kind == N_SEQ) {
		if (v->nkid < 1 || v->nkid > MDL_MAX_RETS)
			return NERR(ld, v, "returns: 1 to %d values, not %d",
				    MDL_MAX_RETS, v->nkid);
		for (c->nrets = 0; c->nrets < v->nkid; c->nrets++)
			if (compile(ld, v->kid[c->nrets], sv, MDL_T_INT,
				    &c->rets[c->nrets], "returns") < 0)
				return -1;
		return 0;
	}
	if (check_map(ld, v, keys, "returns") < 0 ||
	    !(r = need(ld, v, "rule", "returns")))
		return -1;
	i = get_enum(ld, r, "rule", rule_names + 1,
		     (int)(sizeof rule_names / sizeof rule_names[0]) - 1);
	if (i < 0)
		return -1;
	c->rule = (uint8_t)(i + 1);
	return 0;
}

/* ---- clauses ---- */

static int add_id(struct ld *ld, const struct node *n, int clause);

static int new_clause(struct ld *ld, const struct node *m, int svc)
{
	struct mdl_clause *c;

	if (ld->ncl == MAX_CLAUSES)
		return NERR(ld, m, "more than %d clauses", MAX_CLAUSES);
	if (ld->ncl == ld->capcl) {
		int cap = ld->capcl ? ld->capcl * 2 : 64;
		c = realloc(ld->cl, (size_t)cap * sizeof *c);
		if (!c)
			return NERR(ld, m, "out of memory");
		ld->cl = c;
		ld->capcl = cap;
	}
	c = &ld->cl[ld->ncl++];
	memset(c, 0, sizeof *c);
	c->svc = (uint8_t)svc;
	c->line = m->line;
	c->col = m->col;
	if (!(c->file = strdup(ld->file)))
		return NERR(ld, m, "out of memory");
	return 0;
}

/* A list of names from `names`; calls add(ld, c, index, item node). */
static int name_list(struct ld *ld, const struct node *v, const char *what,
		     const char *const *names, int n, struct mdl_clause *c,
		     int (*add)(struct ld *, struct mdl_clause *, int,
				const struct node *))
{
	if (want_kind(ld, v, N_SEQ, what) < 0)
		return -1;
	if (!v->nkid)
		return NERR(ld, v, "%s: empty list (leave the key out)",
			    what);
	for (int i = 0; i < v->nkid; i++) {
		int k = get_enum(ld, v->kid[i], what, names, n);
		if (k < 0 || add(ld, c, k, v->kid[i]) < 0)
			return -1;
	}
	return 0;
}

static int add_effect(struct ld *ld, struct mdl_clause *c, int k,
		      const struct node *n)
{
	if (c->neffects == MDL_MAX_EFFECTS)
		return NERR(ld, n, "more than %d effects", MDL_MAX_EFFECTS);
	c->effects[c->neffects++] = (uint8_t)k;
	return 0;
}

static int add_need(struct ld *ld, struct mdl_clause *c, int k,
		    const struct node *n)
{
	(void)ld;
	(void)n;
	c->needs |= 1u << k;
	return 0;
}

static int add_profile(struct ld *ld, struct mdl_clause *c, int k,
		       const struct node *n)
{
	/* Without any profiles: list, the known names stand (one-file checks). */
	if (ld->declared && !(ld->declared & (1u << k)))
		return NERR(ld, n, "profile '%s' is not declared in any "
			    "'profiles:'", prof_names[k]);
	c->profiles |= 1u << k;
	return 0;
}

/* kind, when, returns and effects: what the clause decides. */
static int clause_logic(struct ld *ld, const struct node *m,
			const struct mdl_service *sv, struct mdl_clause *c)
{
	const struct node *v;
	int k;

	if (!(v = need(ld, m, "kind", "clause")) ||
	    (k = get_enum(ld, v, "kind", kind_names, 3)) < 0)
		return -1;
	c->kind = (uint8_t)k;
	if ((v = map_get(m, "rank"))) {
		int r = get_enum(ld, v, "rank", rank_names, 4);
		if (r < 0)
			return -1;
		if (k != MDL_UNDEFINED)
			return NERR(ld, v, "only undefined clauses have a 'rank'");
		c->rank = (uint8_t)r;
	}
	if ((v = map_get(m, "when")) &&
	    compile(ld, v, sv, MDL_T_BOOL, &c->when, "when") < 0)
		return -1;
	v = map_get(m, "returns");
	if (k == MDL_UNDEFINED && v)
		return NERR(ld, v, "an undefined clause has no 'returns'");
	if (k == MDL_UNDEFINED)
		c->rule = MDL_RULE_ANY;
	else if (!v)
		return NERR(ld, m, "a %s clause needs 'returns'",
			    kind_names[k]);
	else if (load_returns(ld, v, sv, c) < 0)
		return -1;
	if (!(v = map_get(m, "effects")))
		return 0;
	if (k != MDL_SUCCESS)
		return NERR(ld, v, "only success clauses have 'effects'");
	return name_list(ld, v, "effect", mdl_effect_names, mdl_neffects, c,
			 add_effect);
}

/* provenance, reason, source, text: where the clause comes from. */
static int clause_origin(struct ld *ld, const struct node *m,
			 struct mdl_clause *c)
{
	const struct node *v;
	int k;

	if (!(v = need(ld, m, "provenance", "clause")) ||
	    (k = get_enum(ld, v, "provenance", prov_names, 3)) < 0)
		return -1;
	c->prov = (uint8_t)k;
	if (get_str(ld, m, "reason", NULL, &c->reason) < 0 ||
	    get_str(ld, m, "source", "clause", &c->source) < 0 ||
	    get_str(ld, m, "text", "clause", &c->text) < 0)
		return -1;
	if (k == MDL_INFERRED && !c->reason)
		return NERR(ld, v, "an inferred clause needs a 'reason'");
	if (k == MDL_PROFILE && !c->profiles)
		return NERR(ld, v, "provenance 'profile' needs 'profiles'");
	return 0;
}

static int load_clause(struct ld *ld, const struct node *m, int svc)
{
	static const char *const keys[] = {
		"id",	   "kind",	 "when",   "returns", "effects",
		"profiles", "needs",	 "provenance", "reason", "source",
		"text",	    "rank",	 NULL};
	const struct mdl_service *sv = &ld->s->svc[svc];
	const struct node *v;
	struct mdl_clause *c;
	size_t n = strlen(sv->name);

	if (check_map(ld, m, keys, "a clause") < 0 ||
	    new_clause(ld, m, svc) < 0)
		return -1;
	c = &ld->cl[ld->ncl - 1];
	if (get_str(ld, m, "id", "clause", &c->id) < 0)
		return -1;
	v = map_get(m, "id");
	if (strncmp(c->id, sv->name, n) || c->id[n] != '.' || !c->id[n + 1])
		return NERR(ld, v, "clause id '%s' must start with '%s.'",
			    c->id, sv->name);
	if (add_id(ld, v, ld->ncl - 1) < 0 ||
	    clause_logic(ld, m, sv, c) < 0)
		return -1;
	if ((v = map_get(m, "profiles")) &&
	    name_list(ld, v, "profile", prof_names, 3, c, add_profile) < 0)
		return -1;
	if ((v = map_get(m, "needs")) &&
	    name_list(ld, v, "capability", mdl_cap_names, mdl_ncaps, c,
		      add_need) < 0)
		return -1;
	return clause_origin(ld, m, c);
}

/* Clause ids: an open-addressing set, so that large inputs stay linear. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}
#define FNV_BASIS 0xcbf29ce484222325ull

static int id_slot(const struct idref *t, int size, const char *id)
{
	int i = (int)(fnv(FNV_BASIS, id, strlen(id)) & (uint64_t)(size - 1));

	while (t[i].id && strcmp(t[i].id, id))
		i = (i + 1) & (size - 1);
	return i;
}

static int add_id(struct ld *ld, const struct node *n, int clause)
{
	const char *id = ld->cl[clause].id;
	int i;

	if (2 * (ld->ncl + 1) > ld->nids) {
		int size = ld->nids ? ld->nids * 2 : 256;
		struct idref *t = calloc((size_t)size, sizeof *t);
		if (!t)
			return NERR(ld, n, "out of memory");
		for (i = 0; i < ld->nids; i++)
			if (ld->ids[i].id)
				t[id_slot(t, size, ld->ids[i].id)] =
					ld->ids[i];
		free(ld->ids);
		ld->ids = t;
		ld->nids = size;
	}
	i = id_slot(ld->ids, ld->nids, id);
	if (ld->ids[i].id) {
		const struct mdl_clause *f = &ld->cl[ld->ids[i].clause];
		return NERR(ld, n, "duplicate clause id '%s' (first at "
			    "%s:%d:%d)", id, f->file, f->line, f->col);
	}
	ld->ids[i] = (struct idref){id, clause};
	return 0;
}

/* ---- services, profiles, files ---- */

/* A parameter name must be an identifier no other name of the DSL uses. */
static const char *param_name_problem(const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "false"))
		return "is a keyword";
	for (int i = 0; i < mdl_nbuiltins; i++)
		if (!strcmp(s, mdl_builtins[i].name))
			return "is a builtin";
	for (int i = 0; i < mdl_nconsts; i++)
		if (!strcmp(s, mdl_consts[i].name))
			return "is a constant";
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return "is not an identifier";
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return "is not an identifier";
	return NULL;
}

static int load_params(struct ld *ld, const struct node *v,
		       struct mdl_service *sv, const struct mdl_svcdef *d)
{
	static const char *const keys[] = {"name", "type", NULL};

	if (want_kind(ld, v, N_SEQ, "params") < 0)
		return -1;
	if (v->nkid != d->nparams)
		return NERR(ld, v, "%s takes %d parameters, not %d", d->name,
			    d->nparams, v->nkid);
	for (int i = 0; i < v->nkid; i++) {
		const struct node *p = v->kid[i], *t;
		struct mdl_param *pp = &sv->params[i];
		const char *why;
		int k;
		if (check_map(ld, p, keys, "a parameter") < 0 ||
		    get_str(ld, p, "name", "parameter", &pp->name) < 0)
			return -1;
		if ((why = param_name_problem(pp->name)))
			return NERR(ld, map_get(p, "name"),
				    "parameter name '%s' %s", pp->name, why);
		if (!(t = need(ld, p, "type", "parameter")) ||
		    (k = get_enum(ld, t, "type", type_names, 5)) < 0)
			return -1;
		if (k != d->paramt[i])
			return NERR(ld, t, "parameter %d of %s is %s, not %s",
				    i + 1, d->name, type_names[d->paramt[i]],
				    type_names[k]);
		pp->type = (uint8_t)k;
		for (int j = 0; j < i; j++)
			if (!strcmp(sv->params[j].name, pp->name))
				return NERR(ld, p, "duplicate parameter '%s'",
					    pp->name);
	}
	sv->nparams = (uint8_t)v->nkid;
	return 0;
}

static int load_service(struct ld *ld, const struct node *m)
{
	static const char *const keys[] = {"name",   "signature", "env",
					   "params", "clauses",   NULL};
	const struct node *v, *cl;
	struct mdl_service *sv;
	int i, k;

	if (check_map(ld, m, keys, "a service") < 0 ||
	    !(v = need(ld, m, "name", "service")) ||
	    !scalar(ld, v, "name"))
		return -1;
	for (i = 0; i < MDL_NSVC && strcmp(mdl_svcdefs[i].name, v->str); i++)
		;
	if (i == MDL_NSVC)
		return NERR(ld, v, "unknown service '%s'", v->str);
	sv = &ld->s->svc[i];
	if (sv->defined)
		return NERR(ld, v, "service '%s' is defined twice", v->str);
	sv->defined = 1;
	if (get_str(ld, m, "name", "service", &sv->name) < 0 ||
	    get_str(ld, m, "signature", "service", &sv->signature) < 0 ||
	    !(v = need(ld, m, "env", "service")) ||
	    want_kind(ld, v, N_SEQ, "env") < 0)
		return -1;
	for (int j = 0; j < v->nkid; j++) {
		if ((k = get_enum(ld, v->kid[j], "env", env_names, 2)) < 0)
			return -1;
		sv->env |= 1u << k;
	}
	if (!sv->env)
		return NERR(ld, v, "env: empty list");
	if (!(v = need(ld, m, "params", "service")) ||
	    load_params(ld, v, sv, &mdl_svcdefs[i]) < 0 ||
	    !(cl = need(ld, m, "clauses", "service")) ||
	    want_kind(ld, cl, N_SEQ, "clauses") < 0)
		return -1;
	for (int j = 0; j < cl->nkid; j++)
		if (load_clause(ld, cl->kid[j], i) < 0)
			return -1;
	return 0;
}

static int load_profiles(struct ld *ld, const struct node *v)
{
	static const char *const keys[] = {"name", "text", NULL};
	struct mdl_spec *s = ld->s;

	if (want_kind(ld, v, N_SEQ, "profiles") < 0)
		return -1;
	for (int i = 0; i < v->nkid; i++) {
		const struct node *p = v->kid[i], *n;
		struct mdl_profile *pr = &s->profiles[s->nprofiles];
		int k;
		if (check_map(ld, p, keys, "a profile") < 0 ||
		    !(n = need(ld, p, "name", "profile")) ||
		    (k = get_enum(ld, n, "profile", prof_names, 3)) < 0)
			return -1;
		if (ld->declared & (1u << k))
			return NERR(ld, n, "profile '%s' declared twice",
				    prof_names[k]);
		ld->declared |= 1u << k;
		pr->id = k;
		s->nprofiles++;
		if (get_str(ld, p, "name", "profile", &pr->name) < 0 ||
		    get_str(ld, p, "text", "profile", &pr->text) < 0)
			return -1;
	}
	return 0;
}

/* Pass 0 declares the profiles of every file, pass 1 loads the services. */
static int load_doc(struct ld *ld, const struct node *root, int pass)
{
	static const char *const keys[] = {"services", "profiles", NULL};
	const struct node *v;

	if (!root || (root->kind == N_SCALAR && !root->str[0]))
		return 0; /* an empty file defines nothing */
	if (pass == 0) {
		if (check_map(ld, root, keys, "the document") < 0)
			return -1;
		v = map_get(root, "profiles");
		return v ? load_profiles(ld, v) : 0;
	}
	if (!(v = map_get(root, "services")))
		return 0;
	if (want_kind(ld, v, N_SEQ, "services") < 0)
		return -1;
	for (int i = 0; i < v->nkid; i++)
		if (load_service(ld, v->kid[i]) < 0)
			return -1;
	return 0;
}

static void clause_free(struct mdl_clause *c)
{
	mdl_expr_free(&c->when);
	for (int i = 0; i < MDL_MAX_RETS; i++)
		mdl_expr_free(&c->rets[i]);
	free(c->id);
	free(c->reason);
	free(c->source);
	free(c->text);
	free(c->file);
}

/* Moves the clauses, in load order, into their service's group. */
static int finish(struct ld *ld)
{
	struct mdl_spec *s = ld->s;
	int at[MDL_NSVC] = {0}, n = 0;

	if (ld->ncl && !(s->clauses = malloc((size_t)ld->ncl *
					     sizeof *s->clauses)))
		return lerr(ld, 1, 1, "out of memory");
	for (int i = 0; i < ld->ncl; i++)
		s->svc[ld->cl[i].svc].count++;
	for (int v = 0; v < MDL_NSVC; v++) {
		s->svc[v].first = (uint16_t)n;
		at[v] = n;
		n += s->svc[v].count;
	}
	for (int i = 0; i < ld->ncl; i++) {
		struct mdl_clause *c = &s->clauses[at[ld->cl[i].svc]++];
		*c = ld->cl[i];
		c->index = (uint16_t)(c - s->clauses);
	}
	s->nclauses = (uint16_t)ld->ncl;
	ld->ncl = 0; /* the spec owns them now */
	return 0;
}

int mdl_load_bufs(int nfiles, const char *const *names,
		     const char *const *bufs, const size_t *lens,
		  const char *origin, struct mdl_spec **out, char *err,
		  size_t errlen)
{
	struct ld ld = {.err = err, .errlen = errlen, .file = origin};
	struct node **root = NULL;
	int rc = 0, i, pass;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!(ld.s = calloc(1, sizeof *ld.s)) ||
	    !(ld.s->origin = strdup(origin)) ||
	    !(root = calloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof *root)))
		rc = lerr(&ld, 1, 1, "out of memory");
	else
		ld.s->hash = FNV_BASIS;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nfiles && rc == 0; i++) {
			const char *buf = bufs[i] ? bufs[i] : "";
			size_t len = bufs[i] ? lens[i] : 0;
			ld.file = names[i] ? names[i] : "?";
			if (pass == 0) {
				ld.s->hash = fnv(ld.s->hash, buf, len);
				rc = parse_tree(&ld, buf, len, &root[i]);
			}
			if (rc == 0)
				rc = load_doc(&ld, root[i], pass);
		}
	if (rc == 0)
		rc = finish(&ld);
	for (i = 0; root && i < nfiles; i++)
		node_free(root[i]);
	free(root);
	for (i = 0; i < ld.ncl; i++)
		clause_free(&ld.cl[i]);
	free(ld.cl);
	free(ld.ids);
	if (rc < 0) {
		mdl_spec_free(ld.s);
		return -1;
	}
	*out = ld.s;
	return 0;
}

int mdl_spec_load_mem(int nfiles, const char *const *names,
		      const char *const *bufs, const size_t *lens,
		      struct mdl_spec **out, char *err, size_t errlen)
{
	return mdl_load_bufs(nfiles, names, bufs, lens, "built-in", out, err,
			 errlen);
}

void mdl_spec_free(struct mdl_spec *s)
{
	if (!s)
		return;
	for (int i = 0; i < MDL_NSVC; i++) {
		free(s->svc[i].name);
		free(s->svc[i].signature);
		for (int j = 0; j < MDL_MAX_PARAMS; j++)
			free(s->svc[i].params[j].name);
	}
	for (int i = 0; i < s->nclauses; i++)
		clause_free(&s->clauses[i]);
	free(s->clauses);
	for (int i = 0; i < s->nprofiles; i++) {
		free(s->profiles[i].name);
		free(s->profiles[i].text);
	}
	free(s->origin);
	free(s);
}

int mdl_spec_find(const struct mdl_spec *s, const char *id)
{
	if (!s || !id)
		return -1;
	for (int i = 0; i < s->nclauses; i++)
		if (!strcmp(s->clauses[i].id, id))
			return i;
	return -1;
}

/*
 * cf_yaml.c - what `conform` reads: the waivers file (YAML), a baseline
 * report.json and the oracle measurements (JSON). All go through libyaml's
 * document loader: JSON as written by our own writers and by jq is YAML flow
 * style, so one maintained parser reads both, with line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "conform.h"

/* Load path as one YAML document; 0, or -1 with a message in err. */
static int load(const char *path, yaml_document_t *doc, char *err,
		size_t errlen)
{
	yaml_parser_t p;
	FILE *f = fopen(path, "rb");
	if (!f)
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)),
		       -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	int ok = yaml_parser_load(&p, doc);
	if (!ok)
		snprintf(err, errlen, "%s:%zu:%zu: %s", path,
			 p.problem_mark.line + 1, p.problem_mark.column + 1,
			 p.problem ? p.problem : "cannot parse");
	else if (!yaml_document_get_root_node(doc)) {
		snprintf(err, errlen, "%s:1:1: empty document", path);
		yaml_document_delete(doc);
		ok = 0;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return ok ? 0 : -1;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
						: NULL;
}

/* Value of key in a mapping node, or NULL. */
static yaml_node_t *get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(d, p->key));
		if (k && !strcmp(k, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

#define FOR_ITEMS(d, seq, it)                                                  \
	for (yaml_node_item_t *it = (seq)->data.sequence.items.start;          \
	     it < (seq)->data.sequence.items.top; it++)

static int is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	int mo = atoi(s + 5), dd = atoi(s + 8);
	return mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31;
}

/* One waiver mapping; 0 or -1 with err. */
static int waiver(const char *path, yaml_document_t *d, yaml_node_t *n,
		  struct hx_cf_waiver *w, char *err, size_t errlen)
{
	int line = (int)n->start_mark.line + 1, col = (int)n->start_mark.column + 1;
	static const char *const keys[] = {"clause", "reason", "expires"};
	const char *v[3];
	if (n->type != YAML_MAPPING_NODE)
		return snprintf(err, errlen, "%s:%d:%d: a waiver is a mapping "
			"with clause, reason and expires", path, line, col), -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		const char *ks = scalar(k);
		if (!ks || (strcmp(ks, "clause") && strcmp(ks, "reason") &&
			    strcmp(ks, "expires")))
			return snprintf(err, errlen, "%s:%zu:%zu: unknown key "
				"'%s' (clause, reason, expires)", path,
				k->start_mark.line + 1, k->start_mark.column + 1,
				ks ? ks : "?"), -1;
	}
	for (int i = 0; i < 3; i++) {
		yaml_node_t *x = get(d, n, keys[i]);
		if (!(v[i] = scalar(x)) || !*v[i])
			return snprintf(err, errlen, "%s:%d:%d: waiver without "
				"'%s'", path, line, col, keys[i]), -1;
	}
	if (!is_date(v[2])) {
		yaml_node_t *x = get(d, n, "expires");
		return snprintf(err, errlen, "%s:%zu:%zu: expires: '%s' is not "
			"a date YYYY-MM-DD", path, x->start_mark.line + 1,
			x->start_mark.column + 1, v[2]), -1;
	}
	snprintf(w->clause, sizeof w->clause, "%s", v[0]);
	snprintf(w->reason, sizeof w->reason, "%s", v[1]);
	snprintf(w->expires, sizeof w->expires, "%s", v[2]);
	w->line = line;
	return 0;
}

int hx_cf_read_waivers(const char *path, struct hx_cf_report *r, char *err,
		       size_t errlen)
{
	yaml_document_t d;
	if (load(path, &d, err, errlen))
		return -1;
	yaml_node_t *root = yaml_document_get_root_node(&d), *seq = root;
	if (root->type == YAML_MAPPING_NODE)
		seq = get(&d, root, "waivers");
	int rc = 0;
	if (!seq || seq->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "%s:%zu:%zu: expected a list of waivers "
			 "(or 'waivers:' with one)", path,
			 root->start_mark.line + 1, root->start_mark.column + 1);
		rc = -1;
	} else {
		FOR_ITEMS(&d, seq, it) {
			yaml_node_t *n = yaml_document_get_node(&d, *it);
			if (r->nwaivers == HX_CF_MAX_WAIVERS) {
				snprintf(err, errlen, "%s:%zu:1: more than %d "
					 "waivers", path, n->start_mark.line + 1,
					 HX_CF_MAX_WAIVERS);
				rc = -1;
				break;
			}
			if ((rc = waiver(path, &d, n, &r->waivers[r->nwaivers],
					 err, errlen)))
				break;
			r->nwaivers++;
		}
	}
	yaml_document_delete(&d);
	return rc;
}

/* Collect "profile/clause" for every failing clause of one profile entry. */
static int base_profile(yaml_document_t *d, yaml_node_t *pe,
			char (**fails)[180], int *n)
{
	const char *prof = scalar(get(d, pe, "profile"));
	yaml_node_t *cls = get(d, pe, "clauses");
	if (!prof || !cls || cls->type != YAML_SEQUENCE_NODE)
		return -1;
	FOR_ITEMS(d, cls, it) {
		yaml_node_t *c = yaml_document_get_node(d, *it);
		const char *id = scalar(get(d, c, "id"));
		const char *out = scalar(get(d, c, "outcome"));
		if (!id || !out)
			return -1;
		if (strcmp(out, "fail") && strcmp(out, "flaky") &&
		    strcmp(out, "crash") && strcmp(out, "timeout"))
			continue;
		char (*nf)[180] = realloc(*fails, (size_t)(*n + 1) * 180);
		if (!nf)
			return -1;
		*fails = nf;
		snprintf(nf[(*n)++], 180, "%s/%s", prof, id);
	}
	return 0;
}

int hx_cf_read_baseline(const char *path, char (**fails)[180], int *n,
			char *err, size_t errlen)
{
	yaml_document_t d;
	if (load(path, &d, err, errlen))
		return -1;
	yaml_node_t *root = yaml_document_get_root_node(&d);
	yaml_node_t *profs = get(&d, root, "profiles");
	int rc = 0;
	if (!profs || profs->type != YAML_SEQUENCE_NODE)
		rc = -1;
	else
		FOR_ITEMS(&d, profs, it) {
			yaml_node_t *pe = yaml_document_get_node(&d, *it);
			if (!rc)
				rc = base_profile(&d, pe, fails, n);
		}
	if (rc)
		snprintf(err, errlen, "%s:1:1: not a conform report.json "
			 "(profiles[].clauses[].{id,outcome})", path);
	yaml_document_delete(&d);
	return rc;
}

static int truthy(const char *s)
{
	return s && !strcmp(s, "true");
}

void hx_cf_read_oracle(const char *dir, struct hx_cf_oracle *o)
{
	char path[1024], err[256];
	yaml_document_t d;
	snprintf(path, sizeof path, "%s/mutants.json", dir);
	if (!load(path, &d, err, sizeof err)) {
		yaml_node_t *root = yaml_document_get_root_node(&d);
		if (root->type == YAML_SEQUENCE_NODE) {
			o->have_mutants = 1;
			FOR_ITEMS(&d, root, it) {
				yaml_node_t *m = yaml_document_get_node(&d, *it);
				o->mutants++;
				o->killed += truthy(scalar(get(&d, m, "killed")));
				o->equivalent +=
					truthy(scalar(get(&d, m, "equivalent")));
			}
		}
		yaml_document_delete(&d);
	}
	snprintf(path, sizeof path, "%s/variants.json", dir);
	if (!load(path, &d, err, sizeof err)) {
		yaml_node_t *root = yaml_document_get_root_node(&d);
		if (root->type == YAML_SEQUENCE_NODE) {
			o->have_variants = 1;
			FOR_ITEMS(&d, root, it) {
				yaml_node_t *v = yaml_document_get_node(&d, *it);
				const char *dv = scalar(get(&d, v, "divergences"));
				o->variants++;
				o->passed += dv && !strcmp(dv, "0");
			}
		}
		yaml_document_delete(&d);
	}
}

static struct hx_cf_sentence *sent_find(struct hx_cf_sents *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].id, id))
			return &s->s[i];
	return NULL;
}

/* One entry {sentence, reason, detail?}; 0 or -1 with err. */
static int not_covered_one(const char *path, yaml_document_t *d,
			   yaml_node_t *n, struct hx_cf_sents *s, char *err,
			   size_t errlen)
{
	size_t line = n->start_mark.line + 1, col = n->start_mark.column + 1;
	if (n->type != YAML_MAPPING_NODE)
		return snprintf(err, errlen, "%s:%zu:%zu: an entry is a mapping "
			"with sentence, reason and an optional detail", path,
			line, col), -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		const char *ks = scalar(k);
		if (!ks || (strcmp(ks, "sentence") && strcmp(ks, "reason") &&
			    strcmp(ks, "detail")))
			return snprintf(err, errlen, "%s:%zu:%zu: unknown key "
				"'%s' (sentence, reason, detail)", path,
				k->start_mark.line + 1, k->start_mark.column + 1,
				ks ? ks : "?"), -1;
	}
	const char *id = scalar(get(d, n, "sentence"));
	const char *why = scalar(get(d, n, "reason"));
	const char *more = scalar(get(d, n, "detail"));
	if (!id || !*id || !why || !*why)
		return snprintf(err, errlen, "%s:%zu:%zu: an entry needs "
			"'sentence' and 'reason'", path, line, col), -1;
	struct hx_cf_sentence *st = sent_find(s, id);
	if (!st)
		return snprintf(err, errlen, "%s:%zu:%zu: unknown sentence "
			"'%s' (no {#%s} in %s)", path, line, col, id, id,
			s->path), -1;
	if (*st->reason)
		return snprintf(err, errlen, "%s:%zu:%zu: sentence '%s' is "
			"listed twice", path, line, col, id), -1;
	snprintf(st->reason, sizeof st->reason, "%s%s%s", why,
		 more ? ": " : "", more ? more : "");
	return 0;
}

int hx_cf_read_not_covered(const char *path, struct hx_cf_sents *s,
			   char *err, size_t errlen)
{
	yaml_document_t d;
	if (access(path, F_OK))
		return 1;
	if (load(path, &d, err, errlen))
		return -1;
	yaml_node_t *root = yaml_document_get_root_node(&d);
	yaml_node_t *l = get(&d, root, "not_covered");
	int rc = 0;
	if (!l || l->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "%s:1:1: expected a mapping with a "
			 "'not_covered' list", path);
		rc = -1;
	} else
		FOR_ITEMS(&d, l, it) {
			if (!rc)
				rc = not_covered_one(path, &d,
					yaml_document_get_node(&d, *it), s,
					err, errlen);
		}
	yaml_document_delete(&d);
	return rc;
}

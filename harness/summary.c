/*
 * summary.c - the run summary: clause statuses, JSON for tools, text for
 * people. Statuses are the documented outcome set (README, "Outcomes").
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "iso.h"
#include "cli.h"

static int applies(const struct hx_exec *x, const struct mdl_clause *c)
{
	return !c->profiles || (c->profiles & (1u << x->profile));
}

const char *hx_clause_status(const struct hx_exec *x, int impl, int clause)
{
	const struct mdl_clause *c = &x->spec->clauses[clause];
	size_t i = (size_t)impl * x->spec->nclauses + (size_t)clause;
	if (!applies(x, c))
		return "n/a";
	if (x->fails[i])
		return "fail";
	if (c->needs & ~x->impl[impl].caps)
		return "unsupported";
	if (!x->hits[i])
		return "untested";
	/* Nothing passes unobserved: with every effect unobserved, the
	 * clause cannot be said to pass (item 9). */
	int seen = 0;
	for (int e = 0; e < c->neffects; e++)
		seen |= !hx_unobserved(x, impl, c->effects[e]);
	return c->neffects && !seen ? "unsupported" : "pass";
}

/* What a clause changes that implementation impl's run did not observe. */
static int not_observed(const struct hx_exec *x, int impl, int clause,
			FILE *f)
{
	const struct mdl_clause *c = &x->spec->clauses[clause];
	int n = 0;
	for (int e = 0; e < c->neffects; e++) {
		const char *why = hx_unobserved(x, impl, c->effects[e]);
		if (!why)
			continue;
		if (f)
			fprintf(f, "%s%s", n ? "; " : "", why);
		n++;
	}
	return n;
}

static uint64_t hits_of(const struct hx_exec *x, int clause)
{
	uint64_t h = 0;
	for (int i = 0; i < x->nimpl; i++)
		h += x->hits[(size_t)i * x->spec->nclauses + (size_t)clause];
	return h;
}

static void jstrn(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; s && i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void jstr(FILE *f, const char *s)
{
	jstrn(f, s, SIZE_MAX);
}

static const char *cap_reason(const struct hx_impl *im, uint32_t cap)
{
	const char *r = im->pl->cap_reason ? im->pl->cap_reason(im->w, cap)
					   : NULL;
	return r ? r : "not declared by the implementation";
}

/* ---- plug-in features (kernel helper) ---- begin ----
 * A plug-in may describe its optional mechanisms through cap_reason(w, 0)
 * (no capability bit): lines "name<TAB>yes|no<TAB>effect". The Linux shim
 * lists its kernel features (userfaultfd, PROCMAP_QUERY, PAGEMAP_SCAN,
 * kpageflags, the kernel check) so a degraded run says what it lost.
 * Lines of any other shape are ignored. */
static const char *features_text(const struct hx_impl *im)
{
	return im->pl->cap_reason ? im->pl->cap_reason(im->w, 0) : NULL;
}

/* One line's fields; 0 when the line is not a feature line. */
static int feature_line(const char *s, size_t n, size_t *name, size_t *eff,
			int *yes)
{
	const char *t1 = memchr(s, '\t', n);
	const char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s))
			    : NULL;
	if (!t1 || !t2 || t1 == s)
		return 0;
	*yes = t2 - t1 == 4 && !strncmp(t1 + 1, "yes", 3);
	if (!*yes && !(t2 - t1 == 3 && !strncmp(t1 + 1, "no", 2)))
		return 0;
	*name = (size_t)(t1 - s);
	*eff = (size_t)(t2 + 1 - s);
	return 1;
}

static void jstrn(FILE *f, const char *s, size_t n);

static void json_features(const struct hx_impl *im, FILE *f)
{
	const char *s = features_text(im);
	int first = 1;
	fprintf(f, ", \"features\": [");
	while (s && *s) {
		size_t n = strcspn(s, "\n"), name, eff;
		int yes;
		if (feature_line(s, n, &name, &eff, &yes)) {
			fprintf(f, "%s{\"name\": ", first ? "" : ", ");
			jstrn(f, s, name);
			fprintf(f, ", \"available\": %s, \"effect\": ",
				yes ? "true" : "false");
			jstrn(f, s + eff, n - eff);
			fputc('}', f);
			first = 0;
		}
		s += n + (s[n] == '\n');
	}
	fputc(']', f);
}

/* Text summary: the features that are missing, one line each. */
static void text_features(const struct hx_impl *im, FILE *f)
{
	const char *s = features_text(im);
	while (s && *s) {
		size_t n = strcspn(s, "\n"), name, eff;
		int yes;
		if (feature_line(s, n, &name, &eff, &yes) && !yes)
			fprintf(f, "  %s: feature %.*s unavailable: %.*s\n",
				im->pl->name, (int)name, s, (int)(n - eff),
				s + eff);
		s += n + (s[n] == '\n');
	}
}
/* ---- plug-in features ---- end ---- */

static void json_impl(const struct hx_exec *x, int i, FILE *f)
{
	const struct hx_impl *im = &x->impl[i];
	fprintf(f, "    {\"name\": ");
	jstr(f, im->pl->name);
	fprintf(f, ", \"version\": ");
	jstr(f, im->pl->version);
	fprintf(f, ", \"missing_caps\": [");
	int first = 1;
	for (int b = 0; b < mdl_ncaps; b++) {
		if (im->caps & (1u << b))
			continue;
		fprintf(f, "%s{\"cap\": \"%s\", \"reason\": ", first ? "" : ", ",
			mdl_cap_names[b]);
		jstr(f, cap_reason(im, 1u << b));
		fputc('}', f);
		first = 0;
	}
	fputc(']', f);
	json_features(im, f);
	/* ---- isolation (iso.h): faults of the worker ---- */
	fprintf(f, ", \"isolated\": %s", im->iso ? "true" : "false");
	for (int k = 0; im->iso && k < HX_NFAULTS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64 "%s", k ? ", " : ", \"faults\": {",
			hx_fault_names[k], hx_iso_faults(im, k),
			k + 1 == HX_NFAULTS ? "}" : "");
	fprintf(f, "}%s\n", i + 1 < x->nimpl ? "," : "");
}

static void json_unsupported(const struct hx_exec *x, int i, FILE *f)
{
	const struct hx_impl *im = &x->impl[i];
	int first = 1;
	fprintf(f, "    ");
	jstr(f, im->pl->name);
	fprintf(f, ": [");
	for (int k = 0; k < x->spec->nclauses; k++) {
		const struct mdl_clause *c = &x->spec->clauses[k];
		if (strcmp(hx_clause_status(x, i, k), "unsupported"))
			continue;
		uint32_t miss = c->needs & ~im->caps;
		if (!miss) { /* none of its effects observed (item 9) */
			fprintf(f, "%s\n      {\"id\": \"%s\", \"needs\": null, "
				   "\"reason\": \"", first ? "" : ",", c->id);
			not_observed(x, i, k, f);
			fprintf(f, "\"}");
			first = 0;
			continue;
		}
		int b = __builtin_ctz(miss);
		fprintf(f, "%s\n      {\"id\": \"%s\", \"needs\": \"%s\", "
			   "\"reason\": ", first ? "" : ",", c->id,
			mdl_cap_names[b]);
		jstr(f, cap_reason(im, 1u << b));
		fputc('}', f);
		first = 0;
	}
	fprintf(f, "]%s\n", i + 1 < x->nimpl ? "," : "");
}

static void json_findings(const struct hx_store *st, FILE *f)
{
	fprintf(f, "  \"findings\": {\"dir\": ");
	jstr(f, st->dir);
	fprintf(f, ", \"new\": %d, \"signatures\": [", st->nnew);
	for (int i = 0, n = 0; i < st->nsig; i++) {
		if (!st->seen[i])
			continue;
		fprintf(f, "%s\n    {\"signature\": ", n++ ? "," : "");
		jstr(f, st->sig[i]);
		fprintf(f, ", \"seen\": %u}", st->seen[i]);
	}
	fprintf(f, "]},\n");
}

static void json_clauses(const struct hx_exec *x, FILE *f)
{
	int total = 0, hit = 0;
	for (int k = 0; k < x->spec->nclauses; k++)
		if (applies(x, &x->spec->clauses[k])) {
			total++;
			hit += hits_of(x, k) > 0;
		}
	fprintf(f, "  \"clauses\": {\"total\": %d, \"hit\": %d, \"hits\": {",
		total, hit);
	for (int k = 0, n = 0; k < x->spec->nclauses; k++) {
		if (!applies(x, &x->spec->clauses[k]))
			continue;
		fprintf(f, "%s\n    \"%s\": %" PRIu64, n++ ? "," : "",
			x->spec->clauses[k].id, hits_of(x, k));
	}
	fprintf(f, "},\n  \"status\": {");
	for (int i = 0; i < x->nimpl; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		jstr(f, x->impl[i].pl->name);
		fprintf(f, ": {");
		for (int k = 0, n = 0; k < x->spec->nclauses; k++)
			if (applies(x, &x->spec->clauses[k]))
				fprintf(f, "%s\"%s\": \"%s\"", n++ ? ", " : "",
					x->spec->clauses[k].id,
					hx_clause_status(x, i, k));
		fprintf(f, "}");
	}
	fprintf(f, "}},\n");
}

/* ---- fuzz (issue 9): what `xmcheck merge` needs from a shard ---- */
static void json_shard(const struct hx_shard *sh, const struct hx_store *st,
		       FILE *f)
{
	fprintf(f, "  \"shard\": {\"index\": %" PRIu64 ", \"count\": %" PRIu64
		   ", \"program_ops\": [", sh->k, sh->n);
	for (uint64_t i = 0; i < sh->nprog; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", sh->prog_ops[i]);
	fprintf(f, "], \"keys\": {");
	for (int i = 0, n = 0; st && i < st->nsig; i++) {
		if (!st->seen[i])
			continue;
		fprintf(f, "%s", n++ ? ", " : "");
		jstr(f, st->sig[i]);
		fprintf(f, ": %" PRIu64, sh->key[i]);
	}
	fprintf(f, "}},\n");
}

int hx_summary_json(const struct hx_exec *x, const struct hx_summary *s,
		    FILE *f)
{
	fprintf(f, "{\n  \"tool\": \"xmcheck\",\n  \"seed\": %" PRIu64 ",\n"
		   "  \"profile\": \"%s\",\n  \"spec\": {\"origin\": ",
		s->seed, s->profile);
	jstr(f, x->spec->origin);
	fprintf(f, ", \"hash\": \"%016" PRIx64 "\"},\n  \"impls\": [\n",
		x->spec->hash);
	for (int i = 0; i < x->nimpl; i++)
		json_impl(x, i, f);
	fprintf(f, "  ],\n  \"programs\": %" PRIu64 ",\n  \"ops\": %" PRIu64
		   ",\n  \"divergences\": %" PRIu64
		   ",\n  \"stopped_undefined\": %" PRIu64
		   ",\n  \"stopped_unsupported\": %" PRIu64 ",\n",
		x->programs, x->ops, x->divergences, x->undefined,
		x->unsupported);
	json_clauses(x, f);
	fprintf(f, "  \"readings\": {");
	for (int i = 0; i < x->nimpl; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		jstr(f, x->impl[i].pl->name);
		fprintf(f, ": {");
		for (int r = 0; r < MDL_NREADINGS; r++) {
			int o = mdl_reading(x->impl[i].m, r);
			fprintf(f, "%s\"%s\": \"%s\"", r ? ", " : "",
				mdl_readings[r].name,
				o < 0 ? "open" : mdl_readings[r].opt[o]);
		}
		fprintf(f, "}");
	}
	fprintf(f, "},\n  \"first_divergence\": ");
	if (s->first_sig) {
		fprintf(f, "{\"signature\": ");
		jstr(f, s->first_sig);
		fprintf(f, ", \"program\": %" PRIu64 ", \"ops\": %" PRIu64 "},\n",
			s->first_program, s->first_ops);
	} else {
		fprintf(f, "null,\n");
	}
	if (s->store)
		json_findings(s->store, f);
	if (s->shard)
		json_shard(s->shard, s->store, f);
	fprintf(f, "  \"not_observed\": {");
	for (int i = 0; i < x->nimpl; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		jstr(f, x->impl[i].pl->name);
		fprintf(f, ": {");
		for (int k = 0, n = 0; k < x->spec->nclauses; k++) {
			if (strcmp(hx_clause_status(x, i, k), "pass") ||
			    !not_observed(x, i, k, NULL))
				continue;
			fprintf(f, "%s\"%s\": \"", n++ ? ", " : "",
				x->spec->clauses[k].id);
			not_observed(x, i, k, f);
			fputc('"', f);
		}
		fprintf(f, "}");
	}
	fprintf(f, "},\n  \"unsupported\": {\n");
	for (int i = 0; i < x->nimpl; i++)
		json_unsupported(x, i, f);
	fprintf(f, "  },\n  \"elapsed_s\": %.3f\n}\n", s->elapsed);
	return ferror(f) ? -1 : 0;
}

static int seen_sigs(const struct hx_store *st)
{
	int n = 0;
	for (int i = 0; i < st->nsig; i++)
		n += st->seen[i] > 0;
	return n;
}

void hx_summary_text(const struct hx_exec *x, const struct hx_summary *s,
		     FILE *f)
{
	fprintf(f, "programs %" PRIu64 "  ops %" PRIu64 "  divergences %" PRIu64
		   "  (stopped: %" PRIu64 " undefined, %" PRIu64
		   " unsupported)  %.2fs  %.0f ops/s\n",
		x->programs, x->ops, x->divergences, x->undefined,
		x->unsupported, s->elapsed,
		s->elapsed > 0 ? (double)x->ops / s->elapsed : 0.0);
	if (s->store)
		fprintf(f, "findings: %d new in %s, %d signatures seen\n",
			s->store->nnew, s->store->dir, seen_sigs(s->store));
	for (int i = 0; i < x->nimpl; i++) {
		int n[5] = {0};
		static const char *const names[] = {"pass", "fail", "unsupported",
						    "untested", "n/a"};
		for (int k = 0; k < x->spec->nclauses; k++)
			for (int j = 0; j < 5; j++)
				n[j] += !strcmp(hx_clause_status(x, i, k), names[j]);
		fprintf(f, "%s: clauses pass %d, fail %d, unsupported %d, "
			   "untested %d (profile %s)\n",
			x->impl[i].pl->name, n[0], n[1], n[2], n[3], s->profile);
		text_features(&x->impl[i], f);
		/* ---- isolation (iso.h): faults of the worker ---- */
		if (x->impl[i].iso)
			fprintf(f, "%s: isolated; faults: crash %" PRIu64
				   ", timeout %" PRIu64 ", oom %" PRIu64
				   ", sandbox %" PRIu64 "\n",
				x->impl[i].pl->name,
				hx_iso_faults(&x->impl[i], HX_FAULT_CRASH),
				hx_iso_faults(&x->impl[i], HX_FAULT_TIMEOUT),
				hx_iso_faults(&x->impl[i], HX_FAULT_OOM),
				hx_iso_faults(&x->impl[i], HX_FAULT_SANDBOX));
		for (int k = 0; k < x->spec->nclauses; k++) {
			const char *st = hx_clause_status(x, i, k);
			if (!strcmp(st, "fail") || !strcmp(st, "untested"))
				fprintf(f, "  %-11s %s\n", st,
					x->spec->clauses[k].id);
		}
	}
}

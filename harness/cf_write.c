/*
 * cf_write.c - the machine and pull-request formats of a conform report:
 * report.json (schema: reports/report.schema.json), junit.xml (checked
 * against tests/junit.xsd) and report.md. Every string from specs, programs
 * and plug-ins goes through an escaper; nothing here reads a clock.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "conform.h"

const char *const hx_cf_outcome_names[HX_CF_NOUTCOMES] = {
	"crash", "timeout", "fail", "flaky", "waived",
	"unsupported", "pass", "untested", "n/a",
};

const char *hx_cf_prov_name(int prov)
{
	static const char *const n[] = {"documented", "inferred", "profile"};
	return prov >= 0 && prov < 3 ? n[prov] : "?";
}

const char *hx_cf_kind_name(int kind)
{
	static const char *const n[] = {"failure", "success", "undefined"};
	return kind >= 0 && kind < 3 ? n[kind] : "?";
}

void hx_cf_count(const struct hx_cf_report *r, int profile, int *n)
{
	memset(n, 0, sizeof(int) * HX_CF_NOUTCOMES);
	for (int k = 0; k < r->spec->nclauses; k++)
		n[r->prof[profile].cl[k].outcome]++;
}

int hx_cf_undirected(const struct hx_cf_report *r, int k)
{
	int applies = 0;
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		const struct hx_cf_clause *cl = r->prof[p].cl;
		if (!r->prof[p].ran || cl[k].outcome == HX_CF_NA)
			continue;
		if (cl[k].ndirected)
			return 0;
		applies = 1;
	}
	return applies;
}

void hx_cf_xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* XML 1.0 has no other control characters */
			if (c < 0x20 && c != '\n' && c != '\t')
				fputc('?', f);
			else
				fputc(c, f);
		}
	}
}

void hx_cf_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Markdown table cell: no pipes, no HTML, one line. */
static void md(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|': fputs("\\|", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '`': fputs("\\`", f); break;
		case '\n': fputc(' ', f); break;
		default: fputc(*s, f);
		}
	}
}

static const char *base_name(int b)
{
	return b == HX_CF_BASE_NEW ? "new" : b == HX_CF_BASE_KNOWN ? "known"
								     : NULL;
}

/* ---- JSON ---------------------------------------------------------------- */

static void jkey(FILE *f, const char *ind, const char *k, const char *v,
		 const char *end)
{
	fprintf(f, "%s\"%s\": ", ind, k);
	if (v)
		hx_cf_json_str(f, v);
	else
		fputs("null", f);
	fputs(end, f);
}

static void json_impl(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "  \"impl\": {\"name\": ");
	hx_cf_json_str(f, r->impl);
	fprintf(f, ", \"version\": ");
	hx_cf_json_str(f, r->impl_version);
	fprintf(f, ",\n    \"caps\": [");
	for (int b = 0, n = 0; b < mdl_ncaps; b++)
		if (r->caps & (1u << b))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", mdl_cap_names[b]);
	fprintf(f, "],\n    \"missing_caps\": [");
	for (int b = 0, n = 0; b < mdl_ncaps; b++) {
		if (r->caps & (1u << b))
			continue;
		fprintf(f, "%s\n      {\"cap\": \"%s\", \"reason\": ",
			n++ ? "," : "", mdl_cap_names[b]);
		hx_cf_json_str(f, r->cap_reason[b]);
		fputc('}', f);
	}
	fprintf(f, "]},\n");
}

static void json_clause(const struct hx_cf_report *r, int p, int k, FILE *f)
{
	const struct mdl_clause *c = &r->spec->clauses[k];
	const struct hx_cf_clause *cl = &r->prof[p].cl[k];
	fprintf(f, "        {\"id\": ");
	hx_cf_json_str(f, c->id);
	fprintf(f, ", \"service\": \"%s\", \"kind\": \"%s\", "
		   "\"provenance\": \"%s\",\n",
		r->spec->svc[c->svc].name, hx_cf_kind_name(c->kind),
		hx_cf_prov_name(c->prov));
	jkey(f, "         ", "source", c->source, ",\n");
	jkey(f, "         ", "text", c->text, ",\n");
	jkey(f, "         ", "inferred_reason", c->reason, ",\n");
	fprintf(f, "         \"hits\": %" PRIu64 ", \"fails\": %u, "
		   "\"flaky\": %u, \"crashes\": %u, \"timeouts\": %u, "
		   "\"outcome\": \"%s\",\n",
		cl->hits, cl->fails, cl->flaky, cl->crashes, cl->timeouts,
		hx_cf_outcome_names[cl->outcome]);
	jkey(f, "         ", "reason", *cl->reason ? cl->reason : NULL, ", ");
	jkey(f, "", "not_observed", *cl->not_observed ? cl->not_observed : NULL,
	     ",\n");
	jkey(f, "         ", "baseline", base_name(cl->base), ", ");
	fprintf(f, "\"directed\": [");
	for (int i = 0; i < cl->ndirected; i++) {
		fprintf(f, "%s{\"file\": ", i ? ", " : "");
		hx_cf_json_str(f, cl->directed[i]);
		fprintf(f, ", \"as_stated\": %s}",
			cl->directed_ok[i] ? "true" : "false");
	}
	fprintf(f, "]}");
}

static void json_profile(const struct hx_cf_report *r, int p, FILE *f)
{
	const struct hx_cf_profile *pr = &r->prof[p];
	int n[HX_CF_NOUTCOMES];
	hx_cf_count(r, p, n);
	fprintf(f, "    {\"profile\": \"%s\", \"directed\": %" PRIu64
		   ", \"regressions\": %" PRIu64 ", \"generated\": %" PRIu64
		   ", \"ops\": %" PRIu64 ",\n     \"stopped_undefined\": %" PRIu64
		   ", \"stopped_unsupported\": %" PRIu64 ",\n     \"crashes\": %u"
		   ", \"timeouts\": %u,\n     \"counts\": {",
		hx_profile_name(p), pr->directed, pr->regressions,
		pr->generated, pr->ops, pr->stopped_undefined,
		pr->stopped_unsupported, pr->crashes, pr->timeouts);
	for (int o = 0; o < HX_CF_NOUTCOMES; o++)
		fprintf(f, "%s\"%s\": %d", o ? ", " : "", hx_cf_outcome_names[o],
			n[o]);
	fprintf(f, "},\n     \"readings\": [");
	for (int i = 0; i < pr->nreadings; i++) {
		fprintf(f, "%s{\"decision\": ", i ? ", " : "");
		hx_cf_json_str(f, pr->readings[i].decision);
		fprintf(f, ", \"reading\": ");
		hx_cf_json_str(f, pr->readings[i].reading);
		fputc('}', f);
	}
	fprintf(f, "],\n     \"clauses\": [\n");
	for (int k = 0; k < r->spec->nclauses; k++) {
		json_clause(r, p, k, f);
		fputs(k + 1 < r->spec->nclauses ? ",\n" : "\n", f);
	}
	fprintf(f, "     ]}");
}

static void json_finding(const struct hx_cf_report *r,
			 const struct hx_cf_finding *fd, FILE *f)
{
	static const char *const kinds[] = {"divergence", "crash", "timeout"};
	fprintf(f, "    {\"profile\": \"%s\", \"kind\": \"%s\", "
		   "\"signature\": ",
		hx_profile_name(fd->profile), kinds[fd->kind]);
	hx_cf_json_str(f, fd->signature);
	fprintf(f, ", \"clause\": ");
	if (fd->clause >= 0)
		hx_cf_json_str(f, r->spec->clauses[fd->clause].id);
	else
		fputs("null", f);
	fprintf(f, ",\n     \"flaky\": %s, \"count\": %u, \"op\": %d, "
		   "\"orig_ops\": %d, ",
		fd->flaky ? "true" : "false", fd->count, fd->op, fd->orig_ops);
	jkey(f, "", "baseline", base_name(fd->base), ",\n");
	jkey(f, "     ", "origin", fd->origin, ", ");
	jkey(f, "", "field", fd->field, ",\n");
	jkey(f, "     ", "expected", fd->expected, ",\n");
	jkey(f, "     ", "observed", fd->observed, ",\n");
	fprintf(f, "     \"rerun\": {");
	jkey(f, "", "expected", fd->expected2, ", ");
	jkey(f, "", "observed", fd->observed2, "},\n");
	jkey(f, "     ", "program", fd->program, "}");
}

/* What the suite cannot reach, and why (also in HTML and Markdown). */
const struct hx_cf_gap hx_cf_uncovered[] = {
	{"kernel processes",
	 "The world has user processes only. A descriptor with aspace_id "
	 "XMEM_GLOBAL and SYS_ADSPACE attaches need the kernel address space, "
	 "which is not modelled; those calls are undefined."},
	{"descriptor inheritance by a child",
	 "The world has no fork step: what a child process gets of its "
	 "parent's cross-memory descriptors and attached buffers is never "
	 "exercised."},
	{"a non-current address space",
	 "as_att, as_det, as_geth, as_puth and as_getsrval are always given "
	 "the address space getadsp returns for the current process; another "
	 "process's adspace_t is never passed."},
	{"an interrupt handler concurrent with a process",
	 "Programs are sequential. set_env switches the execution level "
	 "between ops; no service call is interrupted half way by another."},
};
const int hx_cf_nuncovered = 4;

static void json_uncovered(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "  \"not_covered\": [");
	int n = 0;
	for (int i = 0; i < hx_cf_nuncovered; i++) {
		fprintf(f, "%s\n    {\"what\": ", n++ ? "," : "");
		hx_cf_json_str(f, hx_cf_uncovered[i].what);
		fprintf(f, ", \"why\": ");
		hx_cf_json_str(f, hx_cf_uncovered[i].why);
		fputc('}', f);
	}
	for (int k = 0; k < r->spec->nclauses; k++) {
		const struct mdl_clause *c = &r->spec->clauses[k];
		if (c->kind != MDL_UNDEFINED)
			continue;
		fprintf(f, ",\n    {\"what\": ");
		hx_cf_json_str(f, c->id);
		fprintf(f, ", \"why\": ");
		hx_cf_json_str(f, c->text);
		fputc('}', f);
	}
	for (int i = 0; i < r->sent->n; i++) {
		const struct hx_cf_sentence *st = &r->sent->s[i];
		if (!*st->reason)
			continue;
		fprintf(f, ",\n    {\"what\": ");
		hx_cf_json_str(f, st->text);
		fprintf(f, ", \"sentence\": ");
		hx_cf_json_str(f, st->id);
		fprintf(f, ", \"why\": ");
		hx_cf_json_str(f, st->reason);
		fputc('}', f);
	}
	for (int k = 0; k < r->spec->nclauses; k++) {
		if (!hx_cf_undirected(r, k))
			continue;
		fprintf(f, ",\n    {\"what\": ");
		hx_cf_json_str(f, r->spec->clauses[k].id);
		fprintf(f, ", \"why\": \"no directed program states it; "
			   "reached by generated programs only\"}");
	}
	fprintf(f, "],\n");
}

static void json_oracle(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_oracle *o = &r->oracle;
	fprintf(f, "  \"oracle\": {\"mutants\": ");
	if (o->have_mutants)
		fprintf(f, "{\"total\": %d, \"killed\": %d, \"equivalent\": %d}",
			o->mutants, o->killed, o->equivalent);
	else
		fputs("null", f);
	fprintf(f, ", \"variants\": ");
	if (o->have_variants)
		fprintf(f, "{\"total\": %d, \"passed\": %d}", o->variants,
			o->passed);
	else
		fputs("null", f);
	fprintf(f, "},\n");
}

static void json_waivers(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "  \"waivers\": [");
	for (int i = 0; i < r->nwaivers; i++) {
		const struct hx_cf_waiver *w = &r->waivers[i];
		fprintf(f, "%s\n    {\"clause\": ", i ? "," : "");
		hx_cf_json_str(f, w->clause);
		fprintf(f, ", \"reason\": ");
		hx_cf_json_str(f, w->reason);
		fprintf(f, ", \"expires\": \"%s\", \"expired\": %s, "
			   "\"used\": %s}",
			w->expires, w->expired ? "true" : "false",
			w->used ? "true" : "false");
	}
	fprintf(f, "],\n  \"baseline\": ");
	if (!r->have_baseline) {
		fprintf(f, "null,\n");
		return;
	}
	fprintf(f, "{\"fixed\": [");
	for (int i = 0; i < r->nfixed; i++) {
		fputs(i ? ", " : "", f);
		hx_cf_json_str(f, r->fixed[i]);
	}
	fprintf(f, "]},\n");
}

int hx_cf_write_json(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "{\n  \"tool\": \"xmcheck\",\n  \"report_version\": 1,\n"
		   "  \"harness_version\": \"%s\",\n", HX_CF_HARNESS_VERSION);
	jkey(f, "  ", "verdict", r->verdict, ",\n");
	fprintf(f, "  \"conformant\": %s,\n  \"spec\": {\"origin\": ",
		r->conformant ? "true" : "false");
	hx_cf_json_str(f, r->spec->origin);
	fprintf(f, ", \"hash\": \"%016" PRIx64 "\"},\n", r->spec->hash);
	json_impl(r, f);
	fprintf(f, "  \"seed\": %" PRIu64 ", \"runs\": %" PRIu64
		   ", \"max_ops\": %d,\n",
		r->seed, r->runs, r->max_ops);
	jkey(f, "  ", "command", r->cmdline, ",\n");
	fprintf(f, "  \"date\": \"%s\", \"date_source\": \"%s\",\n", r->date,
		r->date_src);
	json_waivers(r, f);
	json_oracle(r, f);
	jkey(f, "  ", "coverage", *r->coverage ? r->coverage : NULL, ",\n");
	fprintf(f, "  \"profiles\": [\n");
	for (int p = 1, n = 0; p < HX_CF_PROFILES; p++)
		if (r->prof[p].ran) {
			fputs(n++ ? ",\n" : "", f);
			json_profile(r, p, f);
		}
	fprintf(f, "\n  ],\n  \"findings\": [");
	for (int i = 0; i < r->nfind; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_finding(r, &r->find[i], f);
	}
	fprintf(f, "],\n  \"more_findings\": %" PRIu64 ",\n", r->more_findings);
	hx_cf_sent_json(r, f);
	json_uncovered(r, f);
	fprintf(f, "  \"end\": true\n}\n");
	return ferror(f) ? -1 : 0;
}

/* ---- JUnit --------------------------------------------------------------- */

static const struct hx_cf_finding *finding_of(const struct hx_cf_report *r,
					      int p, int k)
{
	for (int i = 0; i < r->nfind; i++)
		if (r->find[i].profile == p && r->find[i].clause == k)
			return &r->find[i];
	return NULL;
}

static void junit_case(const struct hx_cf_report *r, int p, int k, FILE *f)
{
	const struct mdl_clause *c = &r->spec->clauses[k];
	const struct hx_cf_clause *cl = &r->prof[p].cl[k];
	const struct hx_cf_finding *fd = finding_of(r, p, k);
	const char *on = hx_cf_outcome_names[cl->outcome];
	fprintf(f, "    <testcase name=\"");
	hx_cf_xml(f, c->id);
	fprintf(f, "\" classname=\"xmcheck.");
	hx_cf_xml(f, r->impl);
	fprintf(f, ".%s.%s\">", hx_profile_name(p), r->spec->svc[c->svc].name);
	const char *tag = NULL;
	switch (cl->outcome) {
	case HX_CF_FAIL:
	case HX_CF_FLAKY: tag = "failure"; break;
	case HX_CF_CRASH:
	case HX_CF_TIMEOUT: tag = "error"; break;
	case HX_CF_PASS: break;
	default:
		fprintf(f, "<skipped message=\"%s: ", on);
		hx_cf_xml(f, *cl->reason ? cl->reason : "never reached");
		fprintf(f, "\"/>");
	}
	if (tag) {
		fprintf(f, "\n      <%s type=\"%s\" message=\"%s %s", tag, on, on,
			c->id);
		if (*cl->reason) {
			fputs(" (", f);
			hx_cf_xml(f, cl->reason);
			fputc(')', f);
		}
		fprintf(f, "\">");
		if (fd) {
			hx_cf_xml(f, fd->signature);
			fputs("\nexpected: ", f);
			hx_cf_xml(f, fd->expected);
			fputs("\nobserved: ", f);
			hx_cf_xml(f, fd->observed);
			fputs("\nprogram:\n", f);
			hx_cf_xml(f, fd->program);
		}
		fprintf(f, "</%s>\n    ", tag);
	}
	fprintf(f, "</testcase>\n");
}

/* Crashes and hangs no clause could be named for: a test case each. */
static void junit_unattributed(const struct hx_cf_report *r, int p, FILE *f)
{
	for (int i = 0; i < r->nfind; i++) {
		const struct hx_cf_finding *fd = &r->find[i];
		if (fd->profile != p || fd->clause >= 0 ||
		    fd->kind == HX_CF_K_DIVERGENCE)
			continue;
		fprintf(f, "    <testcase name=\"");
		hx_cf_xml(f, fd->signature);
		fprintf(f, "\" classname=\"xmcheck.");
		hx_cf_xml(f, r->impl);
		fprintf(f, ".%s.isolation\">\n      <error type=\"%s\" "
			   "message=\"", hx_profile_name(p),
			fd->kind == HX_CF_K_CRASH ? "crash" : "timeout");
		hx_cf_xml(f, fd->signature);
		fprintf(f, "\">");
		hx_cf_xml(f, fd->observed);
		fputs("\nprogram:\n", f);
		hx_cf_xml(f, fd->program);
		fprintf(f, "</error>\n    </testcase>\n");
	}
}

static int unattributed(const struct hx_cf_report *r, int p)
{
	int n = 0;
	for (int i = 0; i < r->nfind; i++)
		n += r->find[i].profile == p && r->find[i].clause < 0 &&
		     r->find[i].kind != HX_CF_K_DIVERGENCE;
	return n;
}

int hx_cf_write_junit(const struct hx_cf_report *r, FILE *f)
{
	int tot[HX_CF_NOUTCOMES] = {0}, n[HX_CF_NOUTCOMES], sn[4];
	for (int p = 1; p < HX_CF_PROFILES; p++)
		if (r->prof[p].ran) {
			hx_cf_count(r, p, n);
			n[HX_CF_CRASH] += unattributed(r, p);
			for (int o = 0; o < HX_CF_NOUTCOMES; o++)
				tot[o] += n[o];
		}
	/* the sentences suite: tests, failures, errors, skipped */
	hx_cf_sent_counts(r, sn);
	tot[HX_CF_PASS] += sn[0] - sn[1] - sn[2] - sn[3];
	tot[HX_CF_FAIL] += sn[1];
	tot[HX_CF_CRASH] += sn[2];
	tot[HX_CF_UNTESTED] += sn[3];
#define JU_COUNTS(n)                                                           \
	n[HX_CF_CRASH] + n[HX_CF_TIMEOUT] + n[HX_CF_FAIL] + n[HX_CF_FLAKY] +   \
		n[HX_CF_WAIVED] + n[HX_CF_UNSUPPORTED] + n[HX_CF_PASS] +       \
		n[HX_CF_UNTESTED],                                             \
		n[HX_CF_FAIL] + n[HX_CF_FLAKY],                                \
		n[HX_CF_CRASH] + n[HX_CF_TIMEOUT],                             \
		n[HX_CF_WAIVED] + n[HX_CF_UNSUPPORTED] + n[HX_CF_UNTESTED]
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"xmcheck conform\" tests=\"%d\" "
		   "failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
		JU_COUNTS(tot));
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		if (!r->prof[p].ran)
			continue;
		hx_cf_count(r, p, n);
		n[HX_CF_CRASH] += unattributed(r, p);
		fprintf(f, "  <testsuite name=\"");
		hx_cf_xml(f, r->impl);
		fprintf(f, "/%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
			   "skipped=\"%d\">\n",
			hx_profile_name(p), JU_COUNTS(n));
		fprintf(f, "    <properties>\n      <property name=\"seed\" "
			   "value=\"%" PRIu64 "\"/>\n      <property "
			   "name=\"spec_hash\" value=\"%016" PRIx64 "\"/>\n"
			   "      <property name=\"verdict\" value=\"",
			r->seed, r->spec->hash);
		hx_cf_xml(f, r->verdict);
		fprintf(f, "\"/>\n    </properties>\n");
		for (int k = 0; k < r->spec->nclauses; k++)
			if (r->prof[p].cl[k].outcome != HX_CF_NA)
				junit_case(r, p, k, f);
		junit_unattributed(r, p, f);
		fprintf(f, "  </testsuite>\n");
	}
#undef JU_COUNTS
	hx_cf_sent_junit(r, f);
	fprintf(f, "</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

/* ---- Markdown ------------------------------------------------------------ */

static void md_profile(const struct hx_cf_report *r, int p, FILE *f)
{
	const struct hx_cf_profile *pr = &r->prof[p];
	int n[HX_CF_NOUTCOMES];
	hx_cf_count(r, p, n);
	fprintf(f, "| %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " |",
		hx_profile_name(p), pr->directed + pr->regressions,
		pr->generated, pr->ops);
	for (int o = 0; o < HX_CF_NA; o++)
		fprintf(f, " %d |", n[o]);
	fputc('\n', f);
}

static void md_clauses(const struct hx_cf_report *r, FILE *f, int bad)
{
	int any = 0;
	for (int p = 1; p < HX_CF_PROFILES; p++)
		for (int k = 0; r->prof[p].ran && k < r->spec->nclauses; k++) {
			const struct hx_cf_clause *cl = &r->prof[p].cl[k];
			int is_bad = cl->outcome <= HX_CF_FLAKY;
			if (is_bad != bad || cl->outcome == HX_CF_PASS ||
			    cl->outcome == HX_CF_NA)
				continue;
			if (!any++)
				fprintf(f, "| profile | clause | outcome | "
					   "hits | why |\n|---|---|---|---|---|"
					   "\n");
			fprintf(f, "| %s | `%s` | **%s**%s%s | %" PRIu64 " | ",
				hx_profile_name(p), r->spec->clauses[k].id,
				hx_cf_outcome_names[cl->outcome],
				base_name(cl->base) ? " " : "",
				base_name(cl->base) ? base_name(cl->base) : "",
				cl->hits);
			md(f, *cl->reason ? cl->reason : r->spec->clauses[k].text);
			fprintf(f, " |\n");
		}
	if (!any)
		fprintf(f, "None.\n");
}

int hx_cf_write_md(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "## xmcheck conformance: %s\n\n**", r->conformant ? "✅" : "❌");
	md(f, r->verdict);
	fprintf(f, "**\n\nImplementation `");
	md(f, r->impl);
	fprintf(f, "` ");
	md(f, r->impl_version);
	fprintf(f, ", spec `%016" PRIx64 "`, seed %" PRIu64 ", %" PRIu64
		   " generated programs per profile, harness %s.\n\n",
		r->spec->hash, r->seed, r->runs, HX_CF_HARNESS_VERSION);
	fprintf(f, "| profile | files | generated | ops |");
	for (int o = 0; o < HX_CF_NA; o++)
		fprintf(f, " %s |", hx_cf_outcome_names[o]);
	fprintf(f, "\n|---|---|---|---|");
	for (int o = 0; o < HX_CF_NA; o++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (int p = 1; p < HX_CF_PROFILES; p++)
		if (r->prof[p].ran)
			md_profile(r, p, f);
	fprintf(f, "\n### Failing clauses\n\n");
	md_clauses(r, f, 1);
	for (int i = 0; i < r->nfind; i++) {
		const struct hx_cf_finding *fd = &r->find[i];
		fprintf(f, "\n<details><summary>%s `", fd->flaky ? "flaky" : "finding");
		md(f, fd->signature);
		fprintf(f, "` (%s)</summary>\n\nexpected: `", hx_profile_name(fd->profile));
		md(f, fd->expected);
		fprintf(f, "`  \nobserved: `");
		md(f, fd->observed);
		fprintf(f, "`\n\n```\n");
		/* inside a fence only a fence line could escape */
		for (const char *s = fd->program; s && *s; s++)
			fputc(*s == '`' ? '\'' : *s, f);
		fprintf(f, "```\n</details>\n");
	}
	hx_cf_sent_md(r, f);
	if (r->have_baseline) {
		fprintf(f, "\n### Fixed since the baseline\n\n");
		for (int i = 0; i < r->nfixed; i++)
			fprintf(f, "- `%s`\n", r->fixed[i]);
		if (!r->nfixed)
			fprintf(f, "None.\n");
	}
	fprintf(f, "\n<details><summary>Not passing, not failing</summary>\n\n");
	md_clauses(r, f, 0);
	fprintf(f, "\n</details>\n");
	if (r->nwaivers) {
		fprintf(f, "\n### Waivers\n\n");
		for (int i = 0; i < r->nwaivers; i++) {
			const struct hx_cf_waiver *w = &r->waivers[i];
			fprintf(f, "- `");
			md(f, w->clause);
			fprintf(f, "` until %s%s: ", w->expires,
				w->expired ? " — **EXPIRED, no longer waives**"
					   : "");
			md(f, w->reason);
			fputc('\n', f);
		}
	}
	fprintf(f, "\nReproduce: `");
	md(f, r->cmdline);
	fprintf(f, "` (waivers judged on %s, from %s)\n", r->date, r->date_src);
	return ferror(f) ? -1 : 0;
}

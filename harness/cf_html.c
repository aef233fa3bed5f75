/*
 * cf_html.c - index.html of a conform report: one self-contained page (inline
 * CSS and SVG, no script, no network) that reads the same in a browser, a
 * mail client and a CI artifact viewer. Every string is escaped (hx_cf_xml).
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "conform.h"

#define E(s) hx_cf_xml(f, (s))

static const char *const colour[HX_CF_NOUTCOMES] = {
	"#8e0000", "#6a1b9a", "#c62828", "#ef6c00", "#546e7a",
	"#9e9e9e", "#2e7d32", "#f9a825", "#d0d0d0",
};

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"sans-serif;margin:0;color:#1d2329;background:#f5f6f8}"
	"main{max-width:1200px;margin:0 auto;padding:0 24px 48px}"
	"h1{margin:0;font-size:26px}h2{margin:36px 0 12px;font-size:20px;"
	"border-bottom:2px solid #dde1e6;padding-bottom:4px}"
	"h3{font-size:16px;margin:20px 0 8px}"
	".verdict{padding:22px 24px;color:#fff}.verdict p{margin:6px 0 0;"
	"opacity:.9}.ok{background:#2e7d32}.bad{background:#c62828}"
	"table{border-collapse:collapse;background:#fff;width:100%}"
	"th,td{border:1px solid #dde1e6;padding:5px 8px;text-align:left;"
	"vertical-align:top}th{background:#eef1f4;font-weight:600}"
	"table.kv th{width:210px}td:first-child code{white-space:nowrap}td.n{text-align:right;font-variant-numeric:"
	"tabular-nums}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,"
	"monospace}pre{background:#fff;border:1px solid #dde1e6;padding:8px;"
	"overflow-x:auto;margin:4px 0}.badge{display:inline-block;padding:1px "
	"8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;"
	"white-space:nowrap}.small{font-size:12px;color:#5b6670}"
	".charts{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}.chart{background:#fff;"
	"border:1px solid #dde1e6;padding:8px}.chart h4{margin:0 0 4px;"
	"font-size:13px}.sides{display:grid;grid-template-columns:1fr 1fr;"
	"gap:8px}.finding{background:#fff;border:1px solid #dde1e6;"
	"border-left:5px solid #c62828;padding:10px 14px;margin:12px 0}"
	".legend span{margin-right:12px}nav a{margin-right:14px}"
	"nav{padding:10px 0}";

static void badge(FILE *f, int o)
{
	fprintf(f, "<span class=\"badge\" style=\"background:%s%s\">%s</span>",
		colour[o], o == HX_CF_UNTESTED || o == HX_CF_NA ? ";color:#222"
								 : "",
		hx_cf_outcome_names[o]);
}

static void kv(FILE *f, const char *k, const char *v)
{
	fprintf(f, "<tr><th>%s</th><td>", k);
	E(v);
	fprintf(f, "</td></tr>\n");
}

static void header(const struct hx_cf_report *r, FILE *f)
{
	char b[256];
	fprintf(f, "<h2 id=\"run\">The run</h2>\n<table class=\"kv\">\n");
	kv(f, "harness version", HX_CF_HARNESS_VERSION);
	snprintf(b, sizeof b, "%016" PRIx64 " (%s)", r->spec->hash,
		 r->spec->origin);
	kv(f, "spec hash", b);
	snprintf(b, sizeof b, "%s %s", r->impl, r->impl_version);
	kv(f, "implementation", b);
	fprintf(f, "<tr><th>profiles</th><td>");
	for (int p = 1, n = 0; p < HX_CF_PROFILES; p++)
		if (r->prof[p].ran)
			fprintf(f, "%s%s", n++ ? ", " : "", hx_profile_name(p));
	fprintf(f, "</td></tr>\n");
	snprintf(b, sizeof b, "%" PRIu64, r->seed);
	kv(f, "seed", b);
	snprintf(b, sizeof b,
		 "%" PRIu64 " generated programs per profile, at most %d ops, "
		 "plus the directed suite and the regression corpus",
		 r->runs, r->max_ops);
	kv(f, "budget", b);
	fprintf(f, "<tr><th>command</th><td><code>");
	E(r->cmdline);
	fprintf(f, "</code></td></tr>\n");
	snprintf(b, sizeof b, "%s (%s)", r->date, r->date_src);
	kv(f, "waivers judged on", b);
	fprintf(f, "<tr><th>capabilities found and used</th><td>");
	for (int b2 = 0, n = 0; b2 < mdl_ncaps; b2++)
		if (r->caps & (1u << b2))
			fprintf(f, "%s<code>%s</code>", n++ ? " " : "",
				mdl_cap_names[b2]);
	fprintf(f, "</td></tr>\n<tr><th>capabilities missing</th><td>");
	int miss = 0;
	for (int b2 = 0; b2 < mdl_ncaps; b2++) {
		if (r->caps & (1u << b2))
			continue;
		fprintf(f, "%s<code>%s</code>: ", miss++ ? "<br>" : "",
			mdl_cap_names[b2]);
		E(*r->cap_reason[b2] ? r->cap_reason[b2]
				     : "not declared by the implementation");
	}
	fprintf(f, "%s</td></tr>\n</table>\n", miss ? "" : "none");
}

static void totals(const struct hx_cf_report *r, FILE *f)
{
	int n[HX_CF_NOUTCOMES];
	fprintf(f, "<table><tr><th>profile</th><th>directed + regression "
		   "files</th><th>generated</th><th>ops</th><th>stopped "
		   "undefined</th>");
	for (int o = 0; o < HX_CF_NA; o++) {
		fprintf(f, "<th>");
		badge(f, o);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		const struct hx_cf_profile *pr = &r->prof[p];
		if (!pr->ran)
			continue;
		hx_cf_count(r, p, n);
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%" PRIu64 "</td>"
			   "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
			   PRIu64 "</td><td class=\"n\">%" PRIu64 "</td>",
			hx_profile_name(p), pr->directed + pr->regressions,
			pr->generated, pr->ops, pr->stopped_undefined);
		for (int o = 0; o < HX_CF_NA; o++)
			fprintf(f, "<td class=\"n\">%d</td>", n[o]);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

/* The failing clauses first, each with its finding's signature. */
static void failing(const struct hx_cf_report *r, FILE *f)
{
	int any = 0;
	for (int p = 1; p < HX_CF_PROFILES; p++)
		for (int k = 0; r->prof[p].ran && k < r->spec->nclauses; k++) {
			const struct hx_cf_clause *cl = &r->prof[p].cl[k];
			if (cl->outcome > HX_CF_FLAKY)
				continue;
			if (!any++)
				fprintf(f, "<h2 id=\"failing\">Failing clauses"
					   "</h2>\n<ul>\n");
			fprintf(f, "<li>");
			badge(f, cl->outcome);
			fprintf(f, " <code>");
			E(r->spec->clauses[k].id);
			fprintf(f, "</code> on %s%s: ", hx_profile_name(p),
				cl->base == HX_CF_BASE_NEW     ? " (new)"
				: cl->base == HX_CF_BASE_KNOWN ? " (known)"
							       : "");
			E(r->spec->clauses[k].text);
			if (*cl->reason) {
				fprintf(f, " <span class=\"small\">");
				E(cl->reason);
				fprintf(f, "</span>");
			}
			fprintf(f, " <a href=\"#findings\">finding</a></li>\n");
		}
	if (any)
		fprintf(f, "</ul>\n");
}

/* One service's clauses: outcome dot, name, a bar of log hits. */
static void chart(const struct hx_cf_report *r, int p, int s, FILE *f)
{
	const struct mdl_service *sv = &r->spec->svc[s];
	const struct hx_cf_clause *cl = r->prof[p].cl;
	uint64_t max = 1;
	int rows = 0;
	for (int k = sv->first; k < sv->first + sv->count; k++)
		if (cl[k].outcome != HX_CF_NA) {
			rows++;
			max = cl[k].hits > max ? cl[k].hits : max;
		}
	if (!rows)
		return;
	int h = rows * 18 + 6;
	fprintf(f, "<div class=\"chart\"><h4>%s</h4><svg xmlns=\"http://www."
		   "w3.org/2000/svg\" width=\"372\" height=\"%d\" role=\"img\" "
		   "aria-label=\"%s clauses: outcome and hits\">\n",
		sv->name, h, sv->name);
	int y = 4;
	size_t pre = strlen(sv->name) + 1;
	for (int k = sv->first; k < sv->first + sv->count; k++) {
		if (cl[k].outcome == HX_CF_NA)
			continue;
		const char *id = r->spec->clauses[k].id;
		double w = 130.0 * log((double)cl[k].hits + 1) /
			   log((double)max + 1);
		fprintf(f, "<g><title>");
		E(id);
		fprintf(f, ": %s, %" PRIu64 " hits</title>"
			   "<circle cx=\"7\" cy=\"%d\" r=\"5\" fill=\"%s\"/>"
			   "<text x=\"17\" y=\"%d\" font-size=\"11\" "
			   "font-family=\"sans-serif\">",
			hx_cf_outcome_names[cl[k].outcome], cl[k].hits, y + 7,
			colour[cl[k].outcome], y + 11);
		E(strlen(id) > pre ? id + pre : id);
		fprintf(f, "</text><rect x=\"190\" y=\"%d\" width=\"%.1f\" "
			   "height=\"11\" fill=\"%s\" opacity=\"0.75\"/>"
			   "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
			   "font-family=\"sans-serif\" fill=\"#5b6670\">%"
			   PRIu64 "</text></g>\n",
			y + 2, w, colour[cl[k].outcome], 194 + w, y + 11,
			cl[k].hits);
		y += 18;
	}
	fprintf(f, "</svg></div>\n");
}

static void charts(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"charts\">Clauses per service</h2>\n<p class="
		   "\"legend small\">");
	for (int o = 0; o < HX_CF_NA; o++) {
		fprintf(f, "<span><svg width=\"10\" height=\"10\"><circle "
			   "cx=\"5\" cy=\"5\" r=\"5\" fill=\"%s\"/></svg> %s"
			   "</span>", colour[o], hx_cf_outcome_names[o]);
	}
	fprintf(f, " Bars: times the model fired the clause (log scale).</p>\n");
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		if (!r->prof[p].ran)
			continue;
		fprintf(f, "<h3>%s</h3><div class=\"charts\">\n",
			hx_profile_name(p));
		for (int s = 0; s < MDL_NSVC; s++)
			chart(r, p, s, f);
		fprintf(f, "</div>\n");
	}
}

static void clause_row(const struct hx_cf_report *r, int p, int k, FILE *f)
{
	const struct mdl_clause *c = &r->spec->clauses[k];
	const struct hx_cf_clause *cl = &r->prof[p].cl[k];
	fprintf(f, "<tr class=\"clause\" data-clause=\"");
	E(c->id);
	fprintf(f, "\" data-outcome=\"%s\"><td><code>",
		hx_cf_outcome_names[cl->outcome]);
	E(c->id);
	fprintf(f, "</code></td><td>%s", hx_cf_prov_name(c->prov));
	if (c->reason) {
		fprintf(f, "<div class=\"small\">");
		E(c->reason);
		fprintf(f, "</div>");
	}
	fprintf(f, "</td><td>");
	E(c->text);
	fprintf(f, "<div class=\"small\">");
	E(c->source);
	fprintf(f, "</div>");
	for (int i = 0; i < cl->ndirected; i++) {
		fprintf(f, "<div class=\"small\">directed: <code>");
		E(cl->directed[i]);
		fprintf(f, "</code>%s</div>",
			cl->directed_ok[i] ? "" : " (not as stated)");
	}
	fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td>", cl->hits);
	badge(f, cl->outcome);
	if (cl->base)
		fprintf(f, " <span class=\"small\">%s</span>",
			cl->base == HX_CF_BASE_NEW ? "new" : "known");
	fprintf(f, "</td><td>");
	E(cl->reason);
	if (*cl->reason && *cl->not_observed)
		fprintf(f, "<br>");
	if (cl->outcome != HX_CF_UNSUPPORTED ||
	    strcmp(cl->reason, cl->not_observed))
		E(cl->not_observed);
	fprintf(f, "</td></tr>\n");
}

static void clauses(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"clauses\">Clause by clause</h2>\n<p>Each clause "
		   "is one sentence of the IBM pages (or a decision where "
		   "they are silent), paraphrased, with the page it comes "
		   "from.</p>\n");
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		if (!r->prof[p].ran)
			continue;
		fprintf(f, "<h3>%s</h3>\n<table id=\"clauses-%s\"><tr><th>"
			   "clause</th><th>provenance</th><th>page sentence "
			   "(paraphrased) and page</th><th>hits</th><th>"
			   "outcome</th><th>why / not observed</th></tr>\n",
			hx_profile_name(p), hx_profile_name(p));
		for (int k = 0; k < r->spec->nclauses; k++)
			if (r->prof[p].cl[k].outcome != HX_CF_NA)
				clause_row(r, p, k, f);
		fprintf(f, "</table>\n");
	}
}

static void readings(const struct hx_cf_report *r, FILE *f)
{
	int any = 0;
	fprintf(f, "<h2 id=\"readings\">Readings taken</h2>\n");
	for (int p = 1; p < HX_CF_PROFILES; p++)
		for (int i = 0; r->prof[p].ran && i < r->prof[p].nreadings;
		     i++) {
			if (!any++)
				fprintf(f, "<table><tr><th>profile</th><th>"
					   "where the pages allow several"
					   "</th><th>reading taken</th></tr>\n");
			fprintf(f, "<tr><td>%s</td><td>", hx_profile_name(p));
			E(r->prof[p].readings[i].decision);
			fprintf(f, "</td><td>");
			E(r->prof[p].readings[i].reading);
			fprintf(f, "</td></tr>\n");
		}
	fprintf(f, any ? "</table>\n"
		       : "<p>No reading was recorded: this model holds every "
			 "implementation to one reading of each decision "
			 "(docs/WORLD.md).</p>\n");
}

static void side(FILE *f, const char *title, const char *a, const char *b)
{
	fprintf(f, "<div><h4>%s</h4><pre>", title);
	E(a);
	if (b && *b) {
		fprintf(f, "\n<span class=\"small\">re-run: </span>");
		E(b);
	}
	fprintf(f, "</pre></div>");
}

static void findings(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"findings\">Findings</h2>\n");
	if (!r->nfind)
		fprintf(f, "<p>None: every program compared equal.</p>\n");
	for (int i = 0; i < r->nfind; i++) {
		const struct hx_cf_finding *fd = &r->find[i];
		static const char *const kinds[] = {"fail", "crash", "timeout"};
		fprintf(f, "<div class=\"finding\"%s><h3>%s <code>",
			fd->flaky ? " style=\"border-left-color:#ef6c00\"" : "",
			fd->flaky ? "flaky" : kinds[fd->kind]);
		E(fd->signature);
		fprintf(f, "</code></h3><p class=\"small\">profile %s; first "
			   "seen in ", hx_profile_name(fd->profile));
		E(fd->origin);
		fprintf(f, "; %u program%s; diverges at op %d of the %s "
			   "program (%d ops before minimizing)%s%s</p>\n",
			fd->count, fd->count > 1 ? "s" : "", fd->op,
			fd->flaky ? "original" : "minimized", fd->orig_ops,
			fd->base ? "; " : "",
			fd->base == HX_CF_BASE_NEW     ? "new since the baseline"
			: fd->base == HX_CF_BASE_KNOWN ? "known in the baseline"
						       : "");
		fprintf(f, "<div class=\"sides\">");
		side(f, "model (expected)", fd->expected, fd->expected2);
		side(f, "implementation (observed)", fd->observed,
		     fd->observed2);
		fprintf(f, "</div><h4>program</h4><pre>");
		E(fd->program);
		fprintf(f, "</pre></div>\n");
	}
	if (r->more_findings)
		fprintf(f, "<p>%" PRIu64 " more divergences with other "
			   "signatures are counted in the clause table.</p>\n",
			r->more_findings);
}

static void waivers(const struct hx_cf_report *r, FILE *f)
{
	if (!r->nwaivers && !r->have_baseline)
		return;
	fprintf(f, "<h2 id=\"waivers\">Waivers and baseline</h2>\n");
	if (r->nwaivers)
		fprintf(f, "<table><tr><th>clause</th><th>reason</th><th>"
			   "expires</th><th>status</th></tr>\n");
	for (int i = 0; i < r->nwaivers; i++) {
		const struct hx_cf_waiver *w = &r->waivers[i];
		fprintf(f, "<tr><td><code>");
		E(w->clause);
		fprintf(f, "</code></td><td>");
		E(w->reason);
		fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n", w->expires,
			w->expired ? "<b>expired: no longer waives</b>"
			: w->used  ? "waives a failure"
				   : "unused (the clause does not fail)");
	}
	if (r->nwaivers)
		fprintf(f, "</table>\n");
	if (r->have_baseline) {
		fprintf(f, "<p>Baseline failures now passing: %s", r->nfixed ? ""
								   : "none");
		for (int i = 0; i < r->nfixed; i++) {
			fprintf(f, "%s<code>", i ? ", " : "");
			E(r->fixed[i]);
			fprintf(f, "</code>");
		}
		fprintf(f, "</p>\n");
	}
}

static void uncovered(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"uncovered\">Not covered</h2>\n<table><tr><th>"
		   "what</th><th>why</th></tr>\n");
	for (int i = 0; i < hx_cf_nuncovered; i++) {
		fprintf(f, "<tr><td>");
		E(hx_cf_uncovered[i].what);
		fprintf(f, "</td><td>");
		E(hx_cf_uncovered[i].why);
		fprintf(f, "</td></tr>\n");
	}
	for (int k = 0; k < r->spec->nclauses; k++) {
		const struct mdl_clause *c = &r->spec->clauses[k];
		if (c->kind != MDL_UNDEFINED)
			continue;
		fprintf(f, "<tr><td><code>");
		E(c->id);
		fprintf(f, "</code> (undefined)</td><td>");
		E(c->text);
		fprintf(f, " The call is reported, never compared.</td></tr>\n");
	}
	hx_cf_sent_html_uncovered(r, f);
	for (int k = 0; k < r->spec->nclauses; k++) {
		if (!hx_cf_undirected(r, k))
			continue;
		fprintf(f, "<tr><td><code>");
		E(r->spec->clauses[k].id);
		fprintf(f, "</code></td><td>No directed program states it "
			   "(reached by generated programs only).</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

static void oracle(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_oracle *o = &r->oracle;
	fprintf(f, "<h2 id=\"oracle\">Strength of the oracle</h2>\n<ul>");
	if (o->have_mutants)
		fprintf(f, "<li>Mutants (planted bugs) killed: <b>%d of %d</b>"
			   "%s (reports/mutants.json)</li>",
			o->killed, o->mutants,
			o->equivalent ? ", equivalent ones listed there" : "");
	else
		fprintf(f, "<li>Mutants: not measured (run <code>make mutants"
			   "</code>)</li>");
	if (o->have_variants)
		fprintf(f, "<li>Legitimate variants passed: <b>%d of %d</b> "
			   "runs (reports/variants.json)</li>",
			o->passed, o->variants);
	else
		fprintf(f, "<li>Legitimate variants: not measured (run <code>"
			   "make variants</code>)</li>");
	fprintf(f, "</ul>\n");
}

/* Clause coverage per profile next to line and branch coverage. */
static void coverage(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"coverage\">Coverage</h2>\n<table class=\"kv\">");
	for (int p = 1; p < HX_CF_PROFILES; p++) {
		int n[HX_CF_NOUTCOMES], all = 0;
		if (!r->prof[p].ran)
			continue;
		hx_cf_count(r, p, n);
		for (int o = 0; o < HX_CF_NA; o++)
			all += n[o];
		fprintf(f, "<tr><th>clauses reached, %s</th><td>%d of %d"
			   "</td></tr>\n", hx_profile_name(p),
			all - n[HX_CF_UNTESTED] - n[HX_CF_UNSUPPORTED], all);
	}
	fprintf(f, "<tr><th>lines and branches</th><td>");
	if (*r->coverage) {
		fprintf(f, "<pre>");
		E(r->coverage);
		fprintf(f, "</pre>");
	}
	if (r->have_coverage_html)
		fprintf(f, "<a href=\"coverage/index.html\">line and branch "
			   "coverage by file</a>");
	if (!*r->coverage && !r->have_coverage_html)
		fprintf(f, "not measured (<code>make coverage</code>)");
	fprintf(f, "</td></tr>\n</table>\n");
}

int hx_cf_write_html(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		   "charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
		   "device-width\"><title>xmcheck conformance: ");
	E(r->impl);
	fprintf(f, "</title><style>%s</style></head>\n<body>\n<div "
		   "class=\"verdict %s\"><main style=\"padding:0\"><h1 "
		   "id=\"verdict\">",
		css, r->conformant ? "ok" : "bad");
	E(r->verdict);
	fprintf(f, "</h1><p>xmcheck conformance report: ");
	E(r->impl);
	fprintf(f, " ");
	E(r->impl_version);
	fprintf(f, " against the AIX cross-memory and address-space "
		   "services</p></main></div>\n<main>\n<nav><a href=\"#run\">"
		   "run</a><a href=\"#charts\">charts</a><a href=\"#clauses\">"
		   "clauses</a><a href=\"#sentences\">sentences</a><a href=\"#findings\">findings</a><a href=\""
		   "#uncovered\">not covered</a><a href=\"#oracle\">oracle"
		   "</a><a href=\"#coverage\">coverage</a></nav>\n");
	totals(r, f);
	failing(r, f);
	coverage(r, f);
	header(r, f);
	charts(r, f);
	clauses(r, f);
	hx_cf_sent_html(r, f);
	readings(r, f);
	findings(r, f);
	waivers(r, f);
	uncovered(r, f);
	oracle(r, f);
	fprintf(f, "</main>\n</body></html>\n");
	return ferror(f) ? -1 : 0;
}

/*
 * cf_sent.c - page sentences for `xmcheck conform` (conform.h): the ids in
 * docs/SERVICES.md, the directed files that name them, the list of those no
 * program can state (CORPUS/not-covered.yaml, read in cf_yaml.c), and each
 * sentence's outcome. The page file's only syntax of ours is the id marker
 * `{#id}` ending a sentence; the rest is prose, read line by line.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conform.h"

/* Reading the page file: the sentence being gathered. */
struct pg {
	const char *path; /* the page file */
	struct hx_cf_sents *s; /* where sentences go */
	char page[64]; /* current section title */
	char buf[800]; /* text since the last id, one line */
	size_t len; /* its length */
	int first; /* line the text began on */
	char *err; /* message buffer */
	size_t errlen; /* its size */
};

static int has_words(const char *t)
{
	for (; *t; t++)
		if (isalnum((unsigned char)*t))
			return 1;
	return 0;
}

/* Where a second sentence starts inside t ('.' then a capital or a
 * backtick, outside backticks), or NULL. */
static const char *second_sentence(const char *t)
{
	int code = 0;
	for (const char *p = t; *p; p++) {
		code ^= *p == '`';
		if (code || !strchr(".!?", *p))
			continue;
		const char *q = p + 1;
		while (*q == '"' || *q == ')' || *q == '\'')
			q++;
		if (*q == ' ' && (isupper((unsigned char)q[1]) || q[1] == '`'))
			return q + 1;
	}
	return NULL;
}

static int pg_err(struct pg *g, int line, const char *msg, const char *what)
{
	snprintf(g->err, g->errlen, "%s:%d:1: %s '%.60s'", g->path, line, msg,
		 what);
	return -1;
}

static int valid_id(const char *id)
{
	const char *dot = strchr(id, '.');
	if (!dot || dot == id || !dot[1] || strchr(dot + 1, '.'))
		return 0;
	for (const char *p = id; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_' && *p != '.')
			return 0;
	return 1;
}

/* The text gathered so far ends with id. */
static int pg_sentence(struct pg *g, const char *id, size_t idlen, int line)
{
	char name[40];
	struct hx_cf_sents *s = g->s;
	snprintf(name, sizeof name, "%.*s", (int)idlen, id);
	while (g->len && g->buf[g->len - 1] == ' ')
		g->buf[--g->len] = 0;
	if (!valid_id(name) || idlen >= sizeof name)
		return pg_err(g, line, "bad sentence id (service.sN, "
			      "lower case)", name);
	if (!has_words(g->buf))
		return pg_err(g, line, "an id without a sentence before it",
			      name);
	const char *two = second_sentence(g->buf);
	if (two)
		return pg_err(g, line, "two sentences before one id: give this "
			      "one its own {#id}", two);
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].id, name))
			return pg_err(g, line, "duplicate sentence id", name);
	if (s->n == HX_CF_MAX_SENTENCES)
		return pg_err(g, line, "too many sentences at", name);
	struct hx_cf_sentence *st = &s->s[s->n++];
	memset(st, 0, sizeof *st);
	snprintf(st->id, sizeof st->id, "%s", name);
	snprintf(st->page, sizeof st->page, "%s", g->page);
	snprintf(st->text, sizeof st->text, "%s", g->buf);
	st->line = line;
	g->len = 0;
	g->buf[0] = 0;
	return 0;
}

static void pg_add(struct pg *g, const char *t, size_t n, int line)
{
	if (!has_words(g->buf))
		g->first = line;
	if (g->len && n && g->len + 1 < sizeof g->buf)
		g->buf[g->len++] = ' ';
	if (g->len + n >= sizeof g->buf)
		n = sizeof g->buf - g->len - 1;
	memcpy(g->buf + g->len, t, n);
	g->len += n;
	g->buf[g->len] = 0;
}

/* One line of a section: list markers off, ids split it into sentences. */
static int pg_line(struct pg *g, char *l, int line)
{
	while (*l == ' ')
		l++;
	if (l[0] == '-' && l[1] == ' ')
		l += 2;
	char *d = l;
	while (isdigit((unsigned char)*d))
		d++;
	if (d > l && d[0] == '.' && d[1] == ' ')
		l = d + 2;
	for (char *m; (m = strstr(l, "{#"));) {
		char *e = strchr(m, '}');
		if (!e)
			return pg_err(g, line, "unclosed id", m);
		pg_add(g, l, (size_t)(m - l), line);
		if (pg_sentence(g, m + 2, (size_t)(e - m - 2), line))
			return -1;
		l = e + 1;
		while (*l == ' ')
			l++;
	}
	pg_add(g, l, strlen(l), line);
	return 0;
}

/* A section ends: what is left must not be a sentence. */
static int pg_flush(struct pg *g)
{
	if (has_words(g->buf))
		return pg_err(g, g->first, "a sentence without an id {#...}:",
			      g->buf);
	g->len = 0;
	g->buf[0] = 0;
	return 0;
}

static int read_page(struct pg *g, char *text)
{
	int line = 0, body = 0;
	for (char *l = text, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = 0;
		line++;
		if (!strncmp(l, "#", 1)) { /* a heading */
			if (body && pg_flush(g))
				return -1;
			body = !strncmp(l, "## ", 3);
			snprintf(g->page, sizeof g->page, "%s",
				 body ? l + 3 : "");
			continue;
		}
		if (!body || l[0] == '>') /* the preamble; quoted notes */
			continue;
		if (pg_line(g, l, line))
			return -1;
	}
	return body ? pg_flush(g) : 0;
}

static struct hx_cf_sentence *sent_find(struct hx_cf_sents *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].id, id))
			return &s->s[i];
	return NULL;
}

struct hx_cf_dfile *hx_cf_sent_file(struct hx_cf_sents *s, const char *name)
{
	for (int i = 0; i < s->ndfile; i++)
		if (!strcmp(s->dfile[i].name, name))
			return &s->dfile[i];
	return NULL;
}

/* The "# sentence:" lines of one file. */
static int scan_file(struct hx_cf_sents *s, const char *path,
		     const char *name, const char *text, char *err,
		     size_t errlen)
{
	int line = 1, fi = -1;
	for (const char *l = text; l && *l; line++) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n > 12 && !strncmp(l, "# sentence:", 11)) {
			char ids[512], prof[32] = "power";
			snprintf(ids, sizeof ids, "%.*s", (int)(n - 11), l + 11);
			if (fi < 0) {
				if (s->ndfile == HX_CF_MAX_DFILES)
					return snprintf(err, errlen, "%s: more "
						"than %d files name sentences",
						path, HX_CF_MAX_DFILES), -1;
				fi = s->ndfile++;
				struct hx_cf_dfile *f = &s->dfile[fi];
				memset(f, 0, sizeof *f);
				snprintf(f->name, sizeof f->name, "%.95s", name);
				hx_header_get(text, "profile", prof, sizeof prof);
				f->profile = hx_parse_profile(prof);
				f->clause = -1;
			}
			for (char *sv, *id = strtok_r(ids, ", \t\r", &sv); id;
			     id = strtok_r(NULL, ", \t\r", &sv)) {
				struct hx_cf_sentence *st = sent_find(s, id);
				if (!st)
					return snprintf(err, errlen, "%s:%d:1: "
						"unknown sentence '%s' (no {#%s} "
						"in %s)", path, line, id, id,
						s->path), -1;
				if (st->nfiles < HX_CF_MAX_SFILES)
					st->file[st->nfiles++] = (int16_t)fi;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int scan_dir(struct hx_cf_sents *s, const char *corpus,
		    const char *sub, char *err, size_t errlen)
{
	char dir[1024], path[1400], name[300];
	struct dirent **ents;
	snprintf(dir, sizeof dir, "%s/%s", corpus, sub);
	int n = scandir(dir, &ents, NULL, alphasort), rc = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		char *text = NULL;
		if (!rc && l > 5 && !strcmp(nm + l - 5, ".prog")) {
			snprintf(path, sizeof path, "%s/%s", dir, nm);
			snprintf(name, sizeof name, "%s/%s", sub, nm);
			if ((text = hx_read_text(path)))
				rc = scan_file(s, path, name, text, err, errlen);
			free(text);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return rc;
}

int hx_cf_sent_load(struct hx_cf_sents *s, const char *page, int required,
		    const char *corpus, const struct mdl_spec *spec, char *err,
		    size_t errlen)
{
	char nc[1100];
	(void)spec;
	snprintf(nc, sizeof nc, "%s/not-covered.yaml", corpus);
	if (!required && access(nc, F_OK)) {
		snprintf(s->note, sizeof s->note, "%.180s not found: page "
			 "sentences not mapped (give --sentences FILE)", nc);
		return 0;
	}
	char *text = hx_read_text(page);
	if (!text) {
		snprintf(s->note, sizeof s->note, "%.180s not found: no page "
			 "sentences read (give --sentences FILE)", page);
		return required ? snprintf(err, errlen, "%s: cannot read the "
					   "page file", page), -1 : 0;
	}
	snprintf(s->path, sizeof s->path, "%s", page);
	struct pg g = {.path = page, .s = s, .err = err, .errlen = errlen};
	int rc = read_page(&g, text);
	free(text);
	if (rc)
		return -1;
	if (!s->n)
		return snprintf(err, errlen, "%s:1:1: no sentence ids {#...}",
				page), -1;
	if (scan_dir(s, corpus, "seeds", err, errlen) ||
	    scan_dir(s, corpus, "directed", err, errlen))
		return -1;
	if (hx_cf_read_not_covered(nc, s, err, errlen) < 0)
		return -1;
	for (int i = 0; i < s->n; i++) {
		struct hx_cf_sentence *st = &s->s[i];
		if (st->nfiles && *st->reason)
			return snprintf(err, errlen, "%s: sentence '%s' is "
				"listed as not covered, but %s tests it: "
				"remove it from the list", nc, st->id,
				s->dfile[st->file[0]].name), -1;
		if (!st->nfiles && !*st->reason)
			return snprintf(err, errlen, "%s:%d:1: sentence '%s' "
				"is neither tested (no '# sentence: %s' in "
				"%s/seeds or %s/directed) nor listed in %s",
				page, st->line, st->id, st->id, corpus,
				corpus, nc), -1;
	}
	return 0;
}

/* What one file's run says of its sentence on its profile. */
static int file_outcome(const struct hx_cf_report *r,
			const struct hx_cf_dfile *f)
{
	switch (f->run) {
	case HX_CF_R_PASS: return HX_CF_PASS;
	case HX_CF_R_UNMET: return HX_CF_FAIL;
	case HX_CF_R_UNSUPPORTED: return HX_CF_UNSUPPORTED;
	case HX_CF_R_DIVERGED:
		if (f->clause >= 0 && r->prof[f->profile].cl)
			return r->prof[f->profile].cl[f->clause].outcome;
		return f->kind == HX_CF_K_TIMEOUT ? HX_CF_TIMEOUT
		       : f->kind == HX_CF_K_CRASH ? HX_CF_CRASH
						  : HX_CF_FAIL;
	}
	return HX_CF_UNTESTED; /* not run, or another reading's test */
}

void hx_cf_sent_judge(struct hx_cf_report *r)
{
	struct hx_cf_sents *s = r->sent;
	s->unmet = 0;
	for (int i = 0; i < s->n; i++) {
		struct hx_cf_sentence *st = &s->s[i];
		int worst = HX_CF_UNTESTED, unmet = 0, seen[HX_CF_NOUTCOMES];
		memset(seen, 0, sizeof seen);
		for (int j = 0; j < st->nfiles; j++) {
			const struct hx_cf_dfile *f = &s->dfile[st->file[j]];
			int o = file_outcome(r, f);
			seen[o] = 1;
			/* no clause carries these into the verdict */
			unmet |= f->run == HX_CF_R_UNMET ||
				 (f->run == HX_CF_R_DIVERGED && f->clause < 0 &&
				  f->kind == HX_CF_K_DIVERGENCE);
		}
		/* failures first, then waived; a pass beats unsupported */
		for (int o = HX_CF_CRASH; o <= HX_CF_WAIVED; o++)
			if (seen[o] && worst == HX_CF_UNTESTED)
				worst = o;
		if (worst == HX_CF_UNTESTED)
			worst = seen[HX_CF_PASS]	  ? HX_CF_PASS
				: seen[HX_CF_UNSUPPORTED] ? HX_CF_UNSUPPORTED
							  : HX_CF_UNTESTED;
		st->outcome = (uint8_t)(*st->reason ? HX_CF_NA : worst);
		if (unmet && !s->unmet++)
			snprintf(s->first_unmet, sizeof s->first_unmet, "%s",
				 st->id);
	}
}

/* ---- the report's sentence sections ------------------------------------ */

static const char *const run_names[] = {
	"not run", "pass", "diverged", "expectation not met", "unsupported",
	"other reading",
};

static const char *sent_outcome(const struct hx_cf_sentence *st)
{
	return st->outcome == HX_CF_NA ? "not covered"
				       : hx_cf_outcome_names[st->outcome];
}

/* One file's result, one line ("pass", "fail: why", ...). */
static void file_result(const struct hx_cf_report *r,
			const struct hx_cf_dfile *f, char *b, size_t n)
{
	int o = file_outcome(r, f);
	if (f->run == HX_CF_R_DIVERGED || f->run == HX_CF_R_UNMET)
		snprintf(b, n, "%s (%s)", hx_cf_outcome_names[o], f->why);
	else
		snprintf(b, n, "%s", run_names[f->run]);
}

void hx_cf_sent_json(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_sents *s = r->sent;
	char b[400];
	fprintf(f, "  \"sentences\": {\"page\": ");
	if (*s->path)
		hx_cf_json_str(f, s->path);
	else
		fputs("null", f);
	fprintf(f, ", \"note\": ");
	if (*s->note)
		hx_cf_json_str(f, s->note);
	else
		fputs("null", f);
	fprintf(f, ",\n    \"items\": [");
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		fprintf(f, "%s\n      {\"id\": ", i ? "," : "");
		hx_cf_json_str(f, st->id);
		fprintf(f, ", \"page\": ");
		hx_cf_json_str(f, st->page);
		fprintf(f, ", \"line\": %d, \"outcome\": \"%s\",\n       "
			   "\"text\": ", st->line, sent_outcome(st));
		hx_cf_json_str(f, st->text);
		fprintf(f, ",\n       \"not_covered\": ");
		if (*st->reason)
			hx_cf_json_str(f, st->reason);
		else
			fputs("null", f);
		fprintf(f, ",\n       \"tests\": [");
		for (int j = 0; j < st->nfiles; j++) {
			const struct hx_cf_dfile *d = &s->dfile[st->file[j]];
			file_result(r, d, b, sizeof b);
			fprintf(f, "%s{\"file\": ", j ? ", " : "");
			hx_cf_json_str(f, d->name);
			fprintf(f, ", \"profile\": \"%s\", \"run\": \"%s\", "
				   "\"result\": ",
				d->profile > 0 ? hx_profile_name(d->profile)
					       : "?",
				run_names[d->run]);
			hx_cf_json_str(f, b);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]},\n");
}

/* Sentences by outcome: n[HX_CF_NOUTCOMES], not covered in n[HX_CF_NA]. */
static void sent_count(const struct hx_cf_report *r, int *n)
{
	memset(n, 0, sizeof(int) * HX_CF_NOUTCOMES);
	for (int i = 0; i < r->sent->n; i++)
		n[r->sent->s[i].outcome]++;
}

/* Markdown cell text: no pipes, no HTML, one line. */
static void md(FILE *f, const char *s)
{
	for (; s && *s; s++)
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

void hx_cf_sent_md(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_sents *s = r->sent;
	int n[HX_CF_NOUTCOMES], bad = 0;
	char b[400];
	fprintf(f, "\n### Page sentences\n\n");
	if (!s->n) {
		md(f, s->note);
		fputc('\n', f);
		return;
	}
	sent_count(r, n);
	fprintf(f, "%d sentences of `", s->n);
	md(f, s->path);
	fprintf(f, "`: %d tested (", s->n - n[HX_CF_NA]);
	for (int o = 0, k = 0; o < HX_CF_NA; o++)
		if (n[o])
			fprintf(f, "%s%d %s", k++ ? ", " : "", n[o],
				hx_cf_outcome_names[o]);
	fprintf(f, "), %d not covered.\n\n", n[HX_CF_NA]);
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		if (st->outcome > HX_CF_FLAKY)
			continue;
		if (!bad++)
			fprintf(f, "| sentence | outcome | test | result |\n"
				   "|---|---|---|---|\n");
		for (int j = 0; j < st->nfiles; j++) {
			const struct hx_cf_dfile *d = &s->dfile[st->file[j]];
			if (d->run != HX_CF_R_DIVERGED && d->run != HX_CF_R_UNMET)
				continue;
			file_result(r, d, b, sizeof b);
			fprintf(f, "| `%s` | **%s** | `", st->id,
				sent_outcome(st));
			md(f, d->name);
			fprintf(f, "` | ");
			md(f, b);
			fprintf(f, " |\n");
		}
	}
	fprintf(f, "%s\n<details><summary>Every sentence</summary>\n\n"
		   "| sentence | page | outcome | tests or why not |\n"
		   "|---|---|---|---|\n", bad ? "" : "No failing sentence.\n");
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		fprintf(f, "| `%s` | ", st->id);
		md(f, st->page);
		fprintf(f, " | %s | ", sent_outcome(st));
		md(f, st->reason);
		for (int j = 0; j < st->nfiles; j++) {
			fprintf(f, "%s`", j ? ", " : "");
			md(f, s->dfile[st->file[j]].name);
			fputc('`', f);
		}
		fprintf(f, " |\n");
	}
	fprintf(f, "\n</details>\n");
}

#define E(s) hx_cf_xml(f, (s))

/* Page text: escaped, with its `code` spans as <code>. */
static void text_html(FILE *f, const char *t)
{
	char part[800];
	int code = 0;
	for (const char *p = t; *p;) {
		const char *q = strchr(p, '`');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		snprintf(part, sizeof part, "%.*s", (int)n, p);
		E(part);
		if (!q)
			break;
		fputs(code ? "</code>" : "<code>", f);
		code = !code;
		p = q + 1;
	}
	if (code)
		fputs("</code>", f);
}

static void html_badge(FILE *f, const struct hx_cf_sentence *st)
{
	fprintf(f, "<span class=\"badge\" style=\"background:%s\">%s</span>",
		st->outcome == HX_CF_PASS			? "#2e7d32"
		: st->outcome <= HX_CF_FLAKY			? "#c62828"
		: st->outcome == HX_CF_NA || st->outcome == HX_CF_UNTESTED
			? "#757575"
			: "#546e7a",
		sent_outcome(st));
}

void hx_cf_sent_html(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_sents *s = r->sent;
	char b[400];
	fprintf(f, "<h2 id=\"sentences\">Page sentences</h2>\n");
	if (!s->n) {
		fprintf(f, "<p>");
		E(s->note);
		fprintf(f, "</p>\n");
		return;
	}
	fprintf(f, "<p>Each sentence of <code>");
	E(s->path);
	fprintf(f, "</code> (the IBM pages in our words, with its id), the "
		   "directed programs that state it and how each ran; the "
		   "ones no program can state are under <a href=\"#uncovered"
		   "\">not covered</a>.</p>\n<table id=\"sentence-table\"><tr>"
		   "<th>sentence</th><th>page sentence (paraphrased)</th><th>"
		   "directed programs</th><th>outcome</th></tr>\n");
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		fprintf(f, "<tr class=\"sentence\" data-sentence=\"");
		E(st->id);
		fprintf(f, "\" data-outcome=\"%s\"><td><code>", sent_outcome(st));
		E(st->id);
		fprintf(f, "</code></td><td>");
		text_html(f, st->text);
		fprintf(f, "<div class=\"small\">");
		E(st->page);
		fprintf(f, "</div></td><td>");
		for (int j = 0; j < st->nfiles; j++) {
			const struct hx_cf_dfile *d = &s->dfile[st->file[j]];
			file_result(r, d, b, sizeof b);
			fprintf(f, "<div class=\"small\"><code>");
			E(d->name);
			fprintf(f, "</code>: ");
			E(b);
			fprintf(f, "</div>");
		}
		if (*st->reason) {
			fprintf(f, "<div class=\"small\">not covered: ");
			E(st->reason);
			fprintf(f, "</div>");
		}
		fprintf(f, "</td><td>");
		html_badge(f, st);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

void hx_cf_sent_html_uncovered(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_sents *s = r->sent;
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		if (!*st->reason)
			continue;
		fprintf(f, "<tr class=\"uncovered-sentence\" data-sentence=\"");
		E(st->id);
		fprintf(f, "\"><td>sentence <code>");
		E(st->id);
		fprintf(f, "</code>: ");
		text_html(f, st->text);
		fprintf(f, "</td><td>");
		E(st->reason);
		fprintf(f, "</td></tr>\n");
	}
}

void hx_cf_sent_counts(const struct hx_cf_report *r, int *n)
{
	int c[HX_CF_NOUTCOMES];
	sent_count(r, c);
	n[0] = r->sent->n;
	n[1] = c[HX_CF_FAIL] + c[HX_CF_FLAKY];
	n[2] = c[HX_CF_CRASH] + c[HX_CF_TIMEOUT];
	n[3] = c[HX_CF_NA] + c[HX_CF_UNTESTED] + c[HX_CF_UNSUPPORTED] +
	       c[HX_CF_WAIVED];
}

void hx_cf_sent_junit(const struct hx_cf_report *r, FILE *f)
{
	const struct hx_cf_sents *s = r->sent;
	int n[4];
	char b[400];
	if (!s->n)
		return;
	hx_cf_sent_counts(r, n);
	fprintf(f, "  <testsuite name=\"");
	E(r->impl);
	fprintf(f, "/sentences\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		   "skipped=\"%d\">\n", n[0], n[1], n[2], n[3]);
	for (int i = 0; i < s->n; i++) {
		const struct hx_cf_sentence *st = &s->s[i];
		int o = st->outcome;
		fprintf(f, "    <testcase name=\"");
		E(st->id);
		fprintf(f, "\" classname=\"xmcheck.");
		E(r->impl);
		fprintf(f, ".sentences\">");
		if (o == HX_CF_PASS) {
			fprintf(f, "</testcase>\n");
			continue;
		}
		if (o > HX_CF_FLAKY) {
			fprintf(f, "<skipped message=\"%s: ", sent_outcome(st));
			E(*st->reason ? st->reason : st->text);
			fprintf(f, "\"/></testcase>\n");
			continue;
		}
		const char *tag = o <= HX_CF_TIMEOUT ? "error" : "failure";
		fprintf(f, "\n      <%s type=\"%s\" message=\"%s ", tag,
			hx_cf_outcome_names[o], hx_cf_outcome_names[o]);
		E(st->id);
		fprintf(f, "\">");
		E(st->text);
		for (int j = 0; j < st->nfiles; j++) {
			file_result(r, &s->dfile[st->file[j]], b, sizeof b);
			fputc('\n', f);
			E(s->dfile[st->file[j]].name);
			fputs(": ", f);
			E(b);
		}
		fprintf(f, "</%s>\n    </testcase>\n", tag);
	}
	fprintf(f, "  </testsuite>\n");
}

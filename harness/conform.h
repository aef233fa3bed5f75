/*
 * conform.h - `xmcheck conform`: one implementation against the model on
 * every profile it claims, and the report set written from the result.
 *
 * conform.c runs the directed suite (corpus/seeds), the regression corpus
 * (corpus/regressions) and N generated programs per profile, re-runs each
 * divergence from a fresh world (a divergence that does not come back is
 * `flaky`, kept with both runs), minimizes the ones that do, and fills a
 * struct hx_cf_report. The writers (cf_write.c: report.json, report.md,
 * junit.xml, summary.txt; cf_html.c: index.html) read only that struct, so
 * two runs with the same seed and SOURCE_DATE_EPOCH write the same bytes:
 * nothing in it comes from the clock except the day waivers are judged on.
 * cf_sent.c maps the page sentences of docs/SERVICES.md to the directed
 * programs and writes their sections; cf_files.c puts the set on disk.
 * cf_yaml.c reads the waivers file, the --baseline report and the oracle
 * measurements (reports/mutants.json, reports/variants.json) with libyaml
 * (JSON is read as YAML flow style).
 */
#ifndef HX_CONFORM_H
#define HX_CONFORM_H

#include <stdint.h>
#include <stdio.h>

#include "exec.h"
#include "spec.h"

#define HX_CF_MAX_FINDINGS 32 /* findings kept in full per report */
#define HX_CF_MAX_WAIVERS 64 /* waivers one file may hold */
#define HX_CF_MAX_DIRECTED 4 /* directed files listed per clause */
#define HX_CF_MAX_FIXED 128 /* baseline fails now passing, listed */
#define HX_CF_PROFILES 3 /* indexed by enum xmc_profile (0 unused) */
#ifndef HX_CF_HARNESS_VERSION
#define HX_CF_HARNESS_VERSION "0.1" /* printed in every report */
#endif

/* Outcome of one clause on one profile, most serious first. */
enum hx_cf_outcome {
	HX_CF_CRASH, /* the implementation crashed on a program reaching it */
	HX_CF_TIMEOUT, /* it hung on a program reaching it */
	HX_CF_FAIL, /* a reproducible divergence was laid to it */
	HX_CF_FLAKY, /* a divergence that did not come back on a re-run */
	HX_CF_WAIVED, /* it would fail, and a valid waiver covers it */
	HX_CF_UNSUPPORTED, /* needs what the implementation lacks */
	HX_CF_PASS, /* reached, and every effect compared equal */
	HX_CF_UNTESTED, /* never reached */
	HX_CF_NA, /* not part of this profile */
	HX_CF_NOUTCOMES
};
extern const char *const hx_cf_outcome_names[HX_CF_NOUTCOMES];

/* Against a --baseline report. */
enum hx_cf_base {
	HX_CF_BASE_NONE, /* no baseline, or not a failure */
	HX_CF_BASE_NEW, /* fails now, did not in the baseline */
	HX_CF_BASE_KNOWN, /* failed in the baseline too */
};

/* One clause on one profile. */
struct hx_cf_clause {
	uint64_t hits; /* times the model fired it */
	uint32_t fails; /* reproduced divergences laid to it */
	uint32_t flaky; /* divergences that did not reproduce */
	uint32_t crashes; /* crashes of programs reaching it */
	uint32_t timeouts; /* hangs of programs reaching it */
	uint8_t outcome; /* enum hx_cf_outcome */
	uint8_t base; /* enum hx_cf_base */
	int waiver; /* index in report->waivers, or -1 */
	char reason[320]; /* why unsupported / waived, "" otherwise */
	char not_observed[400]; /* effects not observed and why, or "" */
	uint8_t blind; /* none of its effects is observed (hx_unobserved) */
	int ndirected; /* directed files naming it (fires or misses) */
	char directed[HX_CF_MAX_DIRECTED][96]; /* their names */
	uint8_t directed_ok[HX_CF_MAX_DIRECTED]; /* it behaved as stated */
};

/* A reading the implementation took where the pages allow several. */
struct hx_cf_reading {
	char decision[96]; /* what the pages leave open */
	char reading[160]; /* which reading was taken */
};

/* One profile's run. */
struct hx_cf_profile {
	int ran; /* the implementation claims it and it was run */
	uint64_t directed, regressions; /* program files run */
	uint64_t generated; /* generated programs run */
	uint64_t ops; /* ops run */
	uint64_t stopped_undefined; /* programs cut short by an undefined op */
	uint64_t stopped_unsupported; /* by a missing capability */
	uint32_t crashes, timeouts; /* ones no clause could be named for */
	int nreadings; /* readings recorded (none until the model has them) */
	struct hx_cf_reading readings[16]; /* them */
	struct hx_cf_clause *cl; /* [nclauses] */
};

/* What a finding is, from its signature's second part (issue 10's isolated
 * plug-ins report impl/crash/..., impl/timeout/..., impl/oom/...). */
enum hx_cf_kind {
	HX_CF_K_DIVERGENCE, /* a difference from the model */
	HX_CF_K_CRASH, /* a signal, memory limit or refused system call */
	HX_CF_K_TIMEOUT, /* a hang */
};

/* A divergence, with what it takes to see it again. */
struct hx_cf_finding {
	int profile; /* enum xmc_profile */
	int kind; /* enum hx_cf_kind */
	int clause; /* clause index, or -1 */
	int flaky; /* 1 when the re-run did not diverge the same way */
	int base; /* enum hx_cf_base */
	uint32_t count; /* programs that showed this signature */
	char signature[160]; /* impl/service/clause/field */
	char origin[160]; /* file, or "generated program N" */
	char field[32]; /* what differed */
	int op; /* the diverging op (in the minimized program) */
	char expected[HX_TEXT], observed[HX_TEXT]; /* first run */
	char expected2[HX_TEXT], observed2[HX_TEXT]; /* the re-run's */
	char *program; /* minimized program, text form (owned) */
	int orig_ops; /* ops before minimizing */
};

/* A waiver from the --waivers file. */
struct hx_cf_waiver {
	char clause[160]; /* clause id */
	char reason[256]; /* why */
	char expires[16]; /* YYYY-MM-DD */
	int line; /* line in the file */
	int expired; /* expires before the report's date */
	int used; /* it waived a failure */
};

/* Strength of the oracle, from the measurement files when present. */
struct hx_cf_oracle {
	int mutants, killed, equivalent; /* reports/mutants.json */
	int variants, passed; /* reports/variants.json */
	int have_mutants, have_variants; /* the files were there */
};

/*
 * Page sentences (cf_sent.c). docs/SERVICES.md ends each sentence with its
 * id, `{#xmattach.s8}`; a directed program (CORPUS/seeds, CORPUS/directed)
 * names the sentences it tests with "# sentence: ID[, ID]"; the ones no
 * program can state are in CORPUS/not-covered.yaml with the reason. Each
 * sentence is tested or listed, never both, never neither.
 */
#define HX_CF_MAX_SENTENCES 160 /* sentences of the page file */
#define HX_CF_MAX_DFILES 512 /* directed files that name a sentence */
#define HX_CF_MAX_SFILES 24 /* files listed per sentence */

/* How one directed file ran (conform.c fills it). */
enum hx_cf_run {
	HX_CF_R_NOTRUN, /* not its profile, or the run stopped before it */
	HX_CF_R_PASS, /* no divergence, every expectation met */
	HX_CF_R_DIVERGED, /* the implementation diverged: see the clause */
	HX_CF_R_UNMET, /* an expectation about the model was not met */
	HX_CF_R_UNSUPPORTED, /* stopped at a step it declares it cannot do */
	HX_CF_R_READING, /* written for a reading it does not take */
};

/* A directed file that names page sentences. */
struct hx_cf_dfile {
	char name[96]; /* "seeds/NAME.prog" or "directed/NAME.prog" */
	int profile; /* the profile it is written for */
	uint8_t run; /* enum hx_cf_run */
	uint8_t kind; /* enum hx_cf_kind of a divergence */
	int clause; /* clause a divergence was laid to, or -1 */
	char why[240]; /* unmet expectation or divergence, one line */
};

/* One sentence of the page file. */
struct hx_cf_sentence {
	char id[40]; /* "xmattach.s8" */
	char page[64]; /* its section title: "xmattach Kernel Service" */
	int line; /* line of its id in the page file */
	char text[800]; /* the sentence, one line */
	char reason[640]; /* not covered: why; "" when tested */
	int nfiles; /* files naming it (indexes into dfile) */
	int16_t file[HX_CF_MAX_SFILES]; /* them */
	uint8_t outcome; /* enum hx_cf_outcome (HX_CF_NA: not covered) */
};

struct hx_cf_sents {
	char path[256]; /* the page file read, or "" */
	char note[256]; /* why there are no sentences, or "" */
	int n; /* sentences */
	struct hx_cf_sentence s[HX_CF_MAX_SENTENCES]; /* in page order */
	int ndfile; /* directed files naming a sentence */
	struct hx_cf_dfile dfile[HX_CF_MAX_DFILES]; /* them */
	int unmet; /* sentences failing where no clause fails: an unmet
		    * expectation, or a divergence laid to no clause */
	char first_unmet[40]; /* the first one's id */
};

struct hx_cf_report {
	const struct mdl_spec *spec; /* the spec judged against */
	char impl[64], impl_version[64]; /* implementation */
	uint32_t caps; /* capabilities in effect */
	char cap_reason[32][160]; /* why each missing bit is missing */
	uint64_t seed, runs; /* --seed, --runs */
	int max_ops; /* longest generated program */
	char cmdline[1024]; /* the exact command, shell-quoted */
	char date[16]; /* YYYY-MM-DD the waivers were judged on */
	char date_src[32]; /* "SOURCE_DATE_EPOCH" or "today" */
	struct hx_cf_profile prof[HX_CF_PROFILES]; /* by enum xmc_profile */
	int nfind; /* findings kept */
	struct hx_cf_finding find[HX_CF_MAX_FINDINGS]; /* them */
	uint64_t more_findings; /* signatures beyond HX_CF_MAX_FINDINGS */
	int nwaivers; /* waivers read */
	struct hx_cf_waiver waivers[HX_CF_MAX_WAIVERS]; /* them */
	int have_baseline; /* --baseline given */
	int nfixed; /* baseline failures now passing */
	char fixed[HX_CF_MAX_FIXED][180]; /* "profile clause" */
	struct hx_cf_oracle oracle; /* mutants and variants */
	char coverage[1024]; /* coverage summary lines, or "" */
	int have_coverage_html; /* coverage/index.html beside the report */
	struct hx_cf_sents *sent; /* page sentences (owned), never NULL */
	int conformant; /* the verdict */
	char verdict[400]; /* one line */
};

/* cf_yaml.c: 0, or -1 with "file:line:col: message" in err. */
int hx_cf_read_waivers(const char *path, struct hx_cf_report *r, char *err,
		       size_t errlen);
/* Failing "profile/clause" pairs of a baseline report.json. */
int hx_cf_read_baseline(const char *path, char (**fails)[180], int *n,
			char *err, size_t errlen);
/* Mutant and variant counts; a missing file leaves have_* at 0. */
void hx_cf_read_oracle(const char *dir, struct hx_cf_oracle *o);

/* cf_sent.c. Read the page file, the corpus's "# sentence:" lines and
 * CORPUS/not-covered.yaml, and check that each sentence is tested or
 * listed; 0, or -1 with "file:line:col: message" in err. A page file that
 * is not there leaves s->note set and is an error only when required. */
int hx_cf_sent_load(struct hx_cf_sents *s, const char *page, int required,
		    const char *corpus, const struct mdl_spec *spec, char *err,
		    size_t errlen);
/* The entry of a directed file ("seeds/x.prog"), or NULL. */
struct hx_cf_dfile *hx_cf_sent_file(struct hx_cf_sents *s, const char *name);
/* Each sentence's outcome from its files' runs and the clause outcomes. */
void hx_cf_sent_judge(struct hx_cf_report *r);
/* The sentence sections of each format. */
void hx_cf_sent_json(const struct hx_cf_report *r, FILE *f);
void hx_cf_sent_md(const struct hx_cf_report *r, FILE *f);
void hx_cf_sent_html(const struct hx_cf_report *r, FILE *f);
void hx_cf_sent_html_uncovered(const struct hx_cf_report *r, FILE *f);
void hx_cf_sent_junit(const struct hx_cf_report *r, FILE *f);
/* Sentences per JUnit class: tests, failures, errors, skipped. */
void hx_cf_sent_counts(const struct hx_cf_report *r, int *n);
/* cf_yaml.c: CORPUS/not-covered.yaml into s (reasons by id); 0, 1 when
 * the file is not there, or -1 with "file:line:col: message" in err. */
int hx_cf_read_not_covered(const char *path, struct hx_cf_sents *s,
			   char *err, size_t errlen);

/* cf_files.c. The command line, each word shell-quoted when it needs it
 * (argv[0] is "conform"); the coverage summary in OUT/coverage/, if any;
 * the five files into DIR (made with its parents): 0, or -1 after a
 * message. */
void hx_cf_set_cmdline(struct hx_cf_report *r, int argc, char **argv);
void hx_cf_read_coverage(struct hx_cf_report *r, const char *out);
int hx_cf_write_all(const struct hx_cf_report *r, const char *dir);

/* cf_write.c: each writes DIR/<name>; 0 or -1 (errno set). */
int hx_cf_write_json(const struct hx_cf_report *r, FILE *f);
int hx_cf_write_md(const struct hx_cf_report *r, FILE *f);
int hx_cf_write_junit(const struct hx_cf_report *r, FILE *f);
int hx_cf_write_html(const struct hx_cf_report *r, FILE *f);
/* Helpers the writers share. */
void hx_cf_xml(FILE *f, const char *s); /* XML/HTML-escaped text */
void hx_cf_json_str(FILE *f, const char *s); /* a JSON string */
const char *hx_cf_prov_name(int prov);
const char *hx_cf_kind_name(int kind);
/* 1 when clause k applies to a profile that ran and no directed file
 * states what it does (the report lists it under "not covered"). */
int hx_cf_undirected(const struct hx_cf_report *r, int k);
/* Count clauses of a profile per outcome into n[HX_CF_NOUTCOMES]. */
void hx_cf_count(const struct hx_cf_report *r, int profile, int *n);

/* What the suite cannot reach, and why (every format lists them). */
struct hx_cf_gap {
	const char *what; /* the situation */
	const char *why; /* why the world cannot express it */
};
extern const struct hx_cf_gap hx_cf_uncovered[];
extern const int hx_cf_nuncovered;

int hx_cmd_conform(int argc, char **argv);

#endif /* HX_CONFORM_H */

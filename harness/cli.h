/*
 * cli.h - the command line's parts: plug-in lookup, the built-in spec,
 * the run summary.
 */
#ifndef HX_CLI_H
#define HX_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "exec.h"
#include "findings.h"
#include "spec.h"
#include "xmcheck.h"

const struct xmc_plugin *hx_plugin_open(const char *name, char *err,
					size_t errlen);
const char *hx_builtin_names(void);
/* The absolute path of an opened plug-in file; NULL for a built-in one. */
const char *hx_plugin_path(const struct xmc_plugin *pl);
/* Release what hx_plugin_open returned (a built-in one is kept). */
void hx_plugin_close(const struct xmc_plugin *pl);

/* Options shared by the subcommands. */
struct hx_opts {
	const char *impls[HX_MAX_IMPLS]; /* --impl values */
	int nimpls; /* how many */
	const char *spec; /* --spec, NULL = built-in */
	const char *trace; /* --trace FILE */
	const char *summary; /* --summary-json FILE */
	const char *findings; /* --findings DIR */
	const char *out; /* -o / --c OUT */
	int profile; /* enum xmc_profile */
	uint64_t seed; /* --seed */
	uint64_t runs; /* --runs */
	int max_ops; /* --max-ops */
	int quiet; /* --quiet: no divergence details */
	int no_minimize; /* --no-minimize */
	int profile_set; /* --profile was given */
	int impl_default; /* no --impl given: impls[0] is the default */
	int seed_set; /* --seed was given */
	char readings[256]; /* "# readings:" of a program file, or "" */
};

int hx_cli_usage(const char *cmd, const char *msg, const char *arg);
int hx_cli_opts(const char *cmd, const char *help, int argc, char **argv,
		struct hx_opts *o);
int hx_cli_setup(const char *cmd, const struct hx_opts *o, struct hx_exec *x,
		 struct mdl_spec **spec);
void hx_cli_teardown(struct hx_exec *x, struct mdl_spec *spec);
#define HX_MAX_TEXT (16u << 20) /* largest program or spec text, bytes */
char *hx_read_text(const char *path);
/* Read and parse a program file; the profile from its header unless given.
 * Returns 0 (text and program filled) or 2 after a one-line message. */
int hx_load_prog(const char *path, struct hx_opts *o, struct xmp_prog *p,
		 char **text);
const char *hx_profile_name(int p);
int hx_parse_profile(const char *s);
int hx_parse_u64(const char *s, uint64_t *v);
/* 1 after a one-line message when an implementation had no service
 * compared at all (an untouched template): the run tested nothing. */
int hx_nothing_compared(const struct hx_exec *x, const char *cmd);
extern const char hx_run_help[];

int hx_cmd_run(int argc, char **argv);
int hx_cmd_minimize(int argc, char **argv);
int hx_cmd_corpus(int argc, char **argv);
int hx_cmd_repro(int argc, char **argv);
int hx_cmd_gen(int argc, char **argv);

/* The spec compiled into the binary (tools/embed.c). */
int hx_spec_builtin(struct mdl_spec **out, char *err, size_t errlen);

/* What a run reports in its summary. */
struct hx_summary {
	uint64_t seed; /* the run's seed */
	const char *profile; /* profile name */
	uint64_t runs; /* programs asked for */
	double elapsed; /* seconds (reported only, never decides anything) */
	const char *first_sig; /* first divergence's signature, or NULL */
	uint64_t first_program; /* its program index */
	uint64_t first_ops; /* ops run up to and including it */
	const struct hx_store *store; /* findings store, or NULL */
};

/* Status of a clause for an implementation: pass, fail, unsupported, ... */
const char *hx_clause_status(const struct hx_exec *x, int impl, int clause);

/* Write the summary JSON; 0 or -1 (errno set). */
int hx_summary_json(const struct hx_exec *x, const struct hx_summary *s,
		    FILE *f);
/* Print the human summary. */
void hx_summary_text(const struct hx_exec *x, const struct hx_summary *s,
		     FILE *f);

#endif /* HX_CLI_H */

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
	/* ---- fuzz (issue 9): scale-out ---- */
	uint64_t shard_k, shard_n; /* --shard K/N: programs K, K+N, ...; n 0 = off */
	int jobs; /* --jobs J: J shard processes, summaries merged */
	const char *findings_write; /* a --jobs shard writes findings here */
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
	const struct hx_shard *shard; /* shard bookkeeping, or NULL */
};

/* replay_show.c: after each op of a replay, everything compared. */
struct hx_replay {
	const struct hx_exec *x; /* the executor (trace, worlds) */
	const struct xmp_prog *p; /* the program replayed */
};
void hx_replay_show(void *ctx, int impl, int op, const struct mdl_eval *ev);

/* ---- fuzz (issue 9): shards and merge ---- begin ----
 * What a shard adds to its summary so that `xmcheck merge` can give exactly
 * the unsharded run's summary: the ops of each program it ran (to place the
 * first divergence in the whole run's op count) and, per signature of the
 * store, its order key (pre-existing: its store index; new:
 * HX_MAX_SIGS + program * HX_MAX_IMPLS + impl, the order an unsharded run
 * writes them in). */
struct hx_shard {
	uint64_t k, n; /* this shard, of n */
	uint64_t *prog_ops; /* ops of each program run, in order */
	uint64_t nprog, cap; /* entries, allocated */
	uint64_t key[HX_MAX_SIGS]; /* order key per store signature */
};

int hx_cmd_merge(int argc, char **argv);
/* Run J shards as processes and merge (run.c calls it for --jobs). */
int hx_run_jobs(struct hx_opts *o, int (*one)(struct hx_opts *o));
/* ---- fuzz ---- end ---- */

/*
 * corpus.c: a hand-written program's expectations, its `expect` lines and
 * its "# expect: fires|misses" header lines (on the last op); 0, or -1 with
 * "file:line:col: message" in err. hx_expects_known: 0, or -1 after a
 * printed "file:line:col: unknown clause" line. hx_expect_check: 0 when e
 * holds after its op for implementation impl, else 1 and what differs.
 */
int hx_expects_read(const char *path, const char *text, int nops,
		    struct xmp_expects *ex, char *err, size_t errlen);
int hx_expects_known(const char *path, const struct mdl_spec *spec,
		     const struct xmp_expects *ex);
int hx_expect_check(const struct hx_exec *x, int impl,
		    const struct mdl_eval *ev, const struct xmp_expect *e,
		    char *why, size_t len);

/* Status of a clause for an implementation: pass, fail, unsupported, ... */
const char *hx_clause_status(const struct hx_exec *x, int impl, int clause);

/* Write the summary JSON; 0 or -1 (errno set). */
int hx_summary_json(const struct hx_exec *x, const struct hx_summary *s,
		    FILE *f);
/* Print the human summary. */
void hx_summary_text(const struct hx_exec *x, const struct hx_summary *s,
		     FILE *f);

#endif /* HX_CLI_H */

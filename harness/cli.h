/*
 * cli.h - the command line's parts: plug-in lookup, the built-in spec,
 * the run summary.
 */
#ifndef HX_CLI_H
#define HX_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "exec.h"
#include "spec.h"
#include "xmcheck.h"

const struct xmc_plugin *hx_plugin_open(const char *name, char *err,
					size_t errlen);
const char *hx_builtin_names(void);
/* Release what hx_plugin_open returned (a built-in one is kept). */
void hx_plugin_close(const struct xmc_plugin *pl);

/* The spec compiled into the binary (tools/embed.c). */
int hx_spec_builtin(struct mdl_spec **out, char *err, size_t errlen);

/* What a run reports in its summary. */
struct hx_summary {
	uint64_t seed; /* the run's seed */
	const char *profile; /* profile name */
	uint64_t runs; /* programs asked for */
	double elapsed; /* seconds (reported only, never decides anything) */
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

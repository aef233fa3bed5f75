/*
 * target_findings.c - the findings loader: one input = one finding file
 * (a '#' header, then a program), read the way replay, minimize and the
 * store read it (hx_header_get, xmp_parse). A finding that loads must be
 * written back by hx_finding_write to a file that loads to the same
 * signature and program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "findings.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int load(const char *text, struct xmp_prog *p, char *sig, size_t len)
{
	char err[512], prof[32], seed[32];
	if (!hx_header_get(text, "signature", sig, len))
		snprintf(sig, len, "x/y/z/w");
	hx_header_get(text, "profile", prof, sizeof prof);
	hx_header_get(text, "seed", seed, sizeof seed);
	return xmp_parse("fuzz.finding", text, p, err, sizeof err);
}

/* The header writer is line-based: a value with a newline or a NUL can
 * not survive; such a finding is not written, so not checked. */
static int writable(const char *sig)
{
	return !strpbrk(sig, "\r") && strlen(sig) < 150;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmp_prog p, q;
	char sig[160], sig2[160], *buf = malloc(size + 1), *out = NULL;
	size_t outlen = 0;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	if (load(buf, &p, sig, sizeof sig) || !writable(sig)) {
		free(buf);
		return 0;
	}
	free(buf);
	struct hx_div d = {0};
	snprintf(d.signature, sizeof d.signature, "%s", sig);
	snprintf(d.field, sizeof d.field, "return");
	struct hx_finding f = {&d, "fuzz", "0", "power", 1, 0, 0, p.n, &p};
	FILE *m = open_memstream(&out, &outlen);
	if (!m)
		return 0;
	hx_finding_write(m, &f);
	fclose(m);
	if (load(out, &q, sig2, sizeof sig2) || strcmp(sig, sig2) || p.n != q.n)
		fz_crash("finding write/load round trip", "findings/round-trip");
	free(out);
	return 0;
}

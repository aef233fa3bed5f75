/*
 * seeds.c - fz-seeds: convert program texts (corpus/seeds, corpus/regressions,
 * findings) into the binary program form the fuzz targets read.
 *
 *   fz-seeds OUTDIR FILE...    writes OUTDIR/<basename>.bin for each FILE
 *
 * The profile comes from the file's '# profile:' line (default power). A
 * file that does not parse is named on one line and the exit status is 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "progbin.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	if (buf)
		n = fread(buf, 1, cap, f);
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

static int convert(const char *outdir, const char *path)
{
	static struct xmp_prog p;
	static uint8_t bin[XMP_BIN_MAX];
	char err[512], prof[32] = "power", out[1024];
	char *text = slurp(path);
	if (!text)
		return fprintf(stderr, "%s: %s\n", path, strerror(errno)), 2;
	int bad = xmp_parse(path, text, &p, err, sizeof err);
	hx_header_get(text, "profile", prof, sizeof prof);
	free(text);
	if (bad)
		return fprintf(stderr, "%s\n", err), 2;
	int profile = strcmp(prof, "powerpc") ? XMC_PROFILE_POWER
					      : XMC_PROFILE_POWERPC;
	size_t n = xmp_bin_encode(&p, profile, bin, sizeof bin);
	const char *base = strrchr(path, '/');
	snprintf(out, sizeof out, "%s/%s.bin", outdir, base ? base + 1 : path);
	FILE *f = fopen(out, "wb");
	if (!f || fwrite(bin, 1, n, f) != n || fclose(f))
		return fprintf(stderr, "%s: cannot write\n", out), 2;
	return 0;
}

int main(int argc, char **argv)
{
	int r = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: fz-seeds OUTDIR FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		r |= convert(argv[1], argv[i]);
	return r;
}

/*
 * target_prog.c - the program text parser: one input = one program text.
 * Parsing must succeed or fail with "name:line:col: message"; a parsed
 * program must print back to a text that parses to the same program, and
 * its binary form must decode to it too.
 */
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "progbin.h"
#include "xmcheck.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int same(const struct xmp_prog *a, const struct xmp_prog *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++)
		if (a->op[i].code != b->op[i].code ||
		    memcmp(a->op[i].a, b->op[i].a, sizeof a->op[i].a))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmp_prog p, q;
	static char text[XMP_MAX_OPS * 200];
	static uint8_t bin[XMP_BIN_MAX];
	char err[512] = "", *buf = malloc(size + 1);
	int profile;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	if (xmp_parse("fuzz.prog", buf, &p, err, sizeof err)) {
		if (strncmp(err, "fuzz.prog:", 10))
			fz_crash("parse error without a position", "prog/message");
		free(buf);
		return 0;
	}
	free(buf);
	for (int i = 0; i < p.n; i++)
		if (!xmp_valid(&p.op[i]))
			fz_crash("parsed op not valid", "prog/valid");
	if (xmp_print(&p, text, sizeof text) < 0 ||
	    xmp_parse("printed", text, &q, err, sizeof err) || !same(&p, &q))
		fz_crash("print/parse round trip", "prog/round-trip");
	size_t n = xmp_bin_encode(&p, XMC_PROFILE_POWERPC, bin, sizeof bin);
	xmp_bin_decode(bin, n, &profile, &q);
	if (!n || profile != XMC_PROFILE_POWERPC || !same(&p, &q))
		fz_crash("binary round trip", "prog/binary");
	return 0;
}

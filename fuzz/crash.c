/*
 * crash.c - fz_crash for the targets without spec feedback.
 */
#include <stdio.h>
#include <stdlib.h>

#include "entry.h"

void fz_crash(const char *what, const char *sig)
{
	fprintf(stderr, "DEDUP_TOKEN: %s\n%s: %s\n", sig, what, sig);
	fflush(stderr);
	abort();
}

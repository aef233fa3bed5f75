/*
 * outfile.h - output files that are whole or absent. A regular file (or a
 * new one) is written to a temporary file beside it and renamed over it
 * only once every byte is written and flushed: a full disk, a file-size
 * limit or a kill never leaves a truncated JSON, trace or C file. A target
 * that exists and is not a regular file (/dev/stdout, /dev/full, a FIFO)
 * is written in place. Opening checks the target at once, so a bad path is
 * reported before any work is done.
 */
#ifndef HX_OUTFILE_H
#define HX_OUTFILE_H

#include <stdio.h>

struct hx_out {
	FILE *f; /* where to write, NULL when not open */
	char path[1024]; /* the target */
	char tmp[1100]; /* the temporary file, "" when written in place */
};

/* Open; 0, or -1 with "PATH: reason" in err (nothing left behind). */
int hx_out_open(struct hx_out *o, const char *path, char *err, size_t errlen);
/* Finish: flush, close, rename; 0, or -1 with err (temporary removed). */
int hx_out_commit(struct hx_out *o, char *err, size_t errlen);
/* Give up: close and remove the temporary file. Safe when not open. */
void hx_out_abort(struct hx_out *o);

#endif /* HX_OUTFILE_H */

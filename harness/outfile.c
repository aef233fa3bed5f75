/*
 * outfile.c - whole-or-absent output files (outfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int hx_out_open(struct hx_out *o, const char *path, char *err, size_t errlen)
{
	struct stat st;
	memset(o, 0, sizeof *o);
	if (!path || !*path)
		return snprintf(err, errlen, "empty output path"), -1;
	if (strlen(path) >= sizeof o->path)
		return snprintf(err, errlen, "%.40s...: path too long", path), -1;
	snprintf(o->path, sizeof o->path, "%s", path);
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return snprintf(err, errlen, "%s: is a directory", path), -1;
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		if (!(o->f = fopen(path, "w")))
			return snprintf(err, errlen, "%s: %s", path,
					strerror(errno)),
			       -1;
		return 0;
	}
	snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		o->tmp[0] = 0;
		return -1;
	}
	fchmod(fd, 0644);
	if (!(o->f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		hx_out_abort(o);
		return -1;
	}
	return 0;
}

int hx_out_commit(struct hx_out *o, char *err, size_t errlen)
{
	int bad = !o->f || fflush(o->f) || ferror(o->f);
	int e = errno;
	if (o->f && fclose(o->f) && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (!bad && o->tmp[0] && rename(o->tmp, o->path)) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		snprintf(err, errlen, "%s: %s", o->path,
			 strerror(e ? e : EIO));
		hx_out_abort(o);
		return -1;
	}
	o->tmp[0] = 0;
	return 0;
}

void hx_out_abort(struct hx_out *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}

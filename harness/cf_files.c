/*
 * cf_files.c - the report set on disk: the command line as the report
 * prints it, the coverage summary `make coverage` leaves beside the report,
 * and the five files, each written to a temporary name and renamed into
 * place so that a reader never sees half a report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

/* The command line, each word quoted for a POSIX shell when it needs it. */
void hx_cf_set_cmdline(struct hx_cf_report *r, int argc, char **argv)
{
	size_t cap = sizeof r->cmdline;
	size_t o = (size_t)snprintf(r->cmdline, cap, "xmcheck ");
	for (int i = 0; i < argc && o < cap; i++) {
		const char *a = argv[i];
		int plain = *a != 0;
		for (const char *s = a; *s; s++)
			plain &= !!strchr("abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_./=:,+-@%", *s);
		o += (size_t)snprintf(r->cmdline + o, cap - o, "%s%s",
				      i ? " " : "", plain ? a : "'");
		for (const char *s = a; !plain && *s && o < cap; s++)
			o += (size_t)snprintf(r->cmdline + o, cap - o, "%s",
					      *s == '\'' ? "'\\''"
							 : (char[2]){*s, 0});
		if (!plain && o < cap)
			o += (size_t)snprintf(r->cmdline + o, cap - o, "'");
	}
}

/* Coverage written beside the report by `make coverage`, if any. */
void hx_cf_read_coverage(struct hx_cf_report *r, const char *out)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/coverage/summary.txt", out);
	FILE *f = fopen(path, "r");
	if (f) {
		size_t n = fread(r->coverage, 1, sizeof r->coverage - 1, f);
		r->coverage[n] = 0;
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/coverage/index.html", out);
	r->have_coverage_html = access(path, R_OK) == 0;
}

static int write_one(const char *dir, const char *name,
		     const struct hx_cf_report *r,
		     int (*fn)(const struct hx_cf_report *, FILE *))
{
	char path[1024], tmp[1040];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fn(r, f) || fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "xmcheck conform: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int write_summary(const struct hx_cf_report *r, FILE *f)
{
	fprintf(f, "%s\n", r->verdict);
	return ferror(f) ? -1 : 0;
}

/* mkdir -p: the report directory and any parent it needs. */
static int mkdir_p(const char *dir)
{
	char p[1024];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0777) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}

int hx_cf_write_all(const struct hx_cf_report *r, const char *dir)
{
	if (mkdir_p(dir)) {
		fprintf(stderr, "xmcheck conform: %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	return write_one(dir, "report.json", r, hx_cf_write_json) ||
	       write_one(dir, "report.md", r, hx_cf_write_md) ||
	       write_one(dir, "junit.xml", r, hx_cf_write_junit) ||
	       write_one(dir, "index.html", r, hx_cf_write_html) ||
	       write_one(dir, "summary.txt", r, write_summary);
}

/*
 * spec_files.c - where spec text comes from: one file, or every *.yaml of a
 * directory in name order. spec_load.c turns the text into tables.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec.h"

#define MAX_FILE ((size_t)64 << 20) /* bytes per spec file */

static int io_err(char *err, size_t errlen, const char *path, int e)
{
	if (err && errlen)
		snprintf(err, errlen, "%s:1:1: cannot read: %s", path,
			 strerror(e));
	return -1;
}

/* Reads until EOF rather than trusting a size: pipes and /dev/stdin work. */
static int read_file(const char *path, char **buf, size_t *len, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0, k = 1;
	char *b = NULL, *nb;
	int e = 0;

	if (!f)
		return io_err(err, errlen, path, errno);
	while (k > 0 && !e) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE + 1)
				e = EFBIG;
			else if (!(nb = realloc(b, cap)))
				e = ENOMEM;
			else
				b = nb;
		}
		if (!e)
			n += (k = fread(b + n, 1, cap - n, f));
	}
	if (!e && ferror(f))
		e = EIO;
	fclose(f);
	if (e) {
		free(b);
		return io_err(err, errlen, path, e);
	}
	*buf = b;
	*len = n;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml files of a directory, sorted, as "dir/name" paths. */
static int list_dir(const char *dir, char ***names, int *n, char *err,
		    size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **nv;
	int cap = 0, oom = 0;
	size_t dl = strlen(dir);
	int slash = dl && dir[dl - 1] == '/';

	*n = 0;
	if (!d)
		return io_err(err, errlen, dir, errno);
	while (!oom && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 ||
		    strcmp(e->d_name + l - 5, ".yaml"))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(nv = realloc(v, (size_t)cap * sizeof *v))) {
				oom = 1;
				break;
			}
			v = nv;
		}
		if (!(v[*n] = malloc(dl + l + 2)))
			oom = 1;
		else
			sprintf(v[(*n)++], "%s%s%s", dir, slash ? "" : "/",
				e->d_name);
	}
	closedir(d);
	*names = v;
	if (oom)
		return io_err(err, errlen, dir, ENOMEM);
	if (!*n && err && errlen)
		snprintf(err, errlen, "%s:1:1: no *.yaml file", dir);
	if (!*n)
		return -1;
	qsort(v, (size_t)*n, sizeof *v, by_name);
	return 0;
}

int mdl_spec_load(const char *path, struct mdl_spec **out, char *err,
		  size_t errlen)
{
	struct stat st;
	char **names = NULL, **bufs = NULL;
	size_t *lens = NULL;
	int n = 0, rc = -1, i = 0;

	*out = NULL;
	if (stat(path, &st) < 0)
		return io_err(err, errlen, path, errno);
	if (!S_ISDIR(st.st_mode)) {
		if (!(names = malloc(sizeof *names)) ||
		    !(names[0] = strdup(path))) {
			free(names);
			return io_err(err, errlen, path, ENOMEM);
		}
		n = 1;
	} else if (list_dir(path, &names, &n, err, errlen) < 0) {
		goto out;
	}
	bufs = calloc((size_t)n, sizeof *bufs);
	lens = calloc((size_t)n, sizeof *lens);
	if (!bufs || !lens) {
		io_err(err, errlen, path, ENOMEM);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (read_file(names[i], &bufs[i], &lens[i], err, errlen) < 0)
			goto out;
	rc = mdl_load_bufs(n, (const char *const *)names,
		       (const char *const *)bufs, lens, path, out, err,
		       errlen);
out:
	for (int j = 0; j < n; j++) {
		free(names[j]);
		if (bufs)
			free(bufs[j]);
	}
	free(names);
	free(bufs);
	free(lens);
	return rc;
}


/*
 * findings.c - the findings store: durable, one file per signature.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findings.h"

static int mkdirs(const char *dir)
{
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

/* The signature a finding file declares, from its header. */
static int read_sig(const char *path, char *sig, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f) && line[0] == '#')
		if (!strncmp(line, "# signature: ", 13)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(sig, len, "%.*s", (int)len - 1, line + 13);
			found = 1;
		}
	fclose(f);
	return found;
}

static int add_sig(struct hx_store *s, const char *sig)
{
	if (s->nsig == HX_MAX_SIGS)
		return -1;
	snprintf(s->sig[s->nsig], sizeof s->sig[0], "%s", sig);
	s->seen[s->nsig] = 0;
	return s->nsig++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* A temporary file a killed run left behind. */
static int is_tmp(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] == '.' && n > 5 && !strcmp(e->d_name + n - 4, ".tmp");
}

static void drop_tmp(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, is_tmp, NULL);
	for (int i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		unlink(path);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static int is_prog(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && !strcmp(e->d_name + n - 5, ".prog");
}

int hx_store_open(struct hx_store *s, const char *dir, char *err,
		  size_t errlen)
{
	struct dirent **ents;
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	s->sig = calloc(HX_MAX_SIGS, sizeof *s->sig);
	s->seen = calloc(HX_MAX_SIGS, sizeof *s->seen);
	if (!s->sig || !s->seen)
		return snprintf(err, errlen, "out of memory"), -1;
	struct stat st;
	if (!stat(dir, &st) && !S_ISDIR(st.st_mode))
		return snprintf(err, errlen, "%s: not a directory", dir), -1;
	if (stat(dir, &st))
		return 0; /* made by the first finding: a clean run leaves none */
	drop_tmp(dir);
	int n = scandir(dir, &ents, is_prog, by_name);
	if (n < 0)
		return snprintf(err, errlen, "%s: %s", dir, strerror(errno)),
		       -1;
	for (int i = 0; i < n; i++) {
		char path[1024], sig[160];
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		if (read_sig(path, sig, sizeof sig) && hx_store_seen(s, sig) < 0)
			add_sig(s, sig);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

void hx_store_close(struct hx_store *s)
{
	free(s->sig);
	free(s->seen);
	s->sig = NULL;
	s->seen = NULL;
}

int hx_store_seen(struct hx_store *s, const char *sig)
{
	for (int i = 0; i < s->nsig; i++)
		if (!strcmp(s->sig[i], sig)) {
			s->seen[i]++;
			return i;
		}
	return -1;
}

/* A file name from a signature: [A-Za-z0-9._-], '/' becomes "--". */
static void file_name(const char *sig, char *out, size_t len)
{
	size_t o = 0;
	for (; *sig && o + 3 < len; sig++) {
		char c = *sig;
		if (c == '/') {
			out[o++] = '-';
			out[o++] = '-';
		} else {
			int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '.' || c == '-' ||
				 c == '_';
			out[o++] = ok ? c : '_';
		}
	}
	out[o] = 0;
}

void hx_finding_write(FILE *f, const struct hx_finding *fd)
{
	static char text[XMP_MAX_OPS * 160];
	const struct hx_div *d = fd->div;
	fprintf(f, "# xmcheck finding\n# signature: %s\n# impl: %s %s\n"
		   "# profile: %s\n# seed: %" PRIu64 "\n# program: %" PRIu64
		   "\n# spec: %016" PRIx64 "\n# op: %d (of %d; %d before "
		   "minimizing)\n# expected: %s\n# observed: %s\n"
		   "# expect: diverged %s\n",
		d->signature, fd->impl, fd->impl_version, fd->profile, fd->seed,
		fd->program, fd->spec_hash, d->op, fd->prog->n, fd->orig_ops,
		d->expected, d->observed, d->signature);
	if (fd->impl_path) /* so that repro and replay need no guess */
		fprintf(f, "# impl-path: %s\n", fd->impl_path);
	if (fd->readings && fd->readings[0])
		fprintf(f, "# readings: %s\n", fd->readings);
	if (xmp_print(fd->prog, text, sizeof text) >= 0)
		fputs(text, f);
	fputs("# end\n", f);
}

int hx_store_put(struct hx_store *s, const struct hx_finding *f, char *path,
		 size_t pathlen, char *err, size_t errlen)
{
	char name[400], tmp[1024];
	file_name(f->div->signature, name, sizeof name);
	snprintf(path, pathlen, "%s/%s.prog", s->dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", s->dir, name);
	if (mkdirs(s->dir))
		return snprintf(err, errlen, "%s: %s", s->dir, strerror(errno)),
		       -1;
	FILE *out = fopen(tmp, "w");
	if (!out)
		return snprintf(err, errlen, "%s: %s", tmp, strerror(errno)), -1;
	hx_finding_write(out, f);
	int bad = fflush(out) || fsync(fileno(out));
	bad |= fclose(out);
	if (bad || rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	int dfd = open(s->dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	int i = add_sig(s, f->div->signature);
	if (i >= 0)
		s->seen[i] = 1;
	s->nnew++;
	return 0;
}

int hx_header_get(const char *text, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if (l[0] != '#')
			continue;
		const char *p = l + 1;
		while (*p == ' ')
			p++;
		if (strncmp(p, key, k) || p[k] != ':')
			continue;
		p += k + 1;
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, "\n");
		snprintf(out, len, "%.*s", (int)n, p);
		return 1;
	}
	return 0;
}

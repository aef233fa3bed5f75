/*
 * merge.c - scale-out of `xmcheck run`: `xmcheck merge` combines the
 * summaries of the shards of one run (--shard K/N, on any machines) into
 * the summary the unsharded run writes, and `run --jobs J` runs J shards as
 * processes here and merges them. Summaries are read with jansson.
 *
 * What adds up is summed (programs, ops, divergences, stops, clause hits);
 * a clause's status is the strongest of its shards' (fail, unsupported,
 * pass, untested); the first divergence is the one with the lowest program
 * index, its op count placed in the whole run with the shards' per-program
 * op counts; findings are ordered as one run keeps them (the shards' order
 * keys, cli.h), each counted once.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static json_int_t geti(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *gets(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The shards must be one run's, each once. */
static int check(json_t **js, const char *const *paths, int n, char *err,
		 size_t errlen)
{
	int seen[4096] = {0};
	for (int i = 0; i < n; i++) {
		json_t *sh = json_object_get(js[i], "shard");
		json_int_t k = geti(sh, "index"), c = geti(sh, "count");
		if (!json_is_object(sh) || c != n || k < 0 || k >= c || c > 4096)
			return snprintf(err, errlen, "%s: not shard of %d "
				"(run with --shard K/%d)", paths[i], n, n), -1;
		if (seen[k]++)
			return snprintf(err, errlen, "%s: shard %lld given twice",
					paths[i], (long long)k), -1;
		if (geti(js[i], "seed") != geti(js[0], "seed") ||
		    strcmp(gets(js[i], "profile"), gets(js[0], "profile")) ||
		    strcmp(gets(json_object_get(js[i], "spec"), "hash"),
			   gets(json_object_get(js[0], "spec"), "hash")))
			return snprintf(err, errlen, "%s: another run (seed, "
				"profile or spec differ from %s)", paths[i],
				paths[0]), -1;
	}
	return 0;
}

static void sum_field(json_t *out, json_t **js, int n, const char *key)
{
	json_int_t t = 0;
	for (int i = 0; i < n; i++)
		t += geti(js[i], key);
	json_object_set_new(out, key, json_integer(t));
}

static int rank(const char *status)
{
	static const char *const order[] = {"untested", "pass", "unsupported",
					    "fail"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(status, order[i]))
			return i;
	return -1; /* n/a: the same in every shard */
}

static void merge_clauses(json_t *out, json_t **js, int n)
{
	json_t *cl = json_object_get(out, "clauses");
	json_t *hits = json_object_get(cl, "hits"), *v, *imp, *st;
	const char *id, *name;
	json_int_t hit = 0;
	json_object_foreach(hits, id, v) {
		json_int_t t = 0;
		for (int i = 0; i < n; i++)
			t += json_integer_value(json_object_get(
				json_object_get(json_object_get(js[i], "clauses"),
						"hits"), id));
		json_object_set_new(hits, id, json_integer(t));
		hit += t > 0;
	}
	json_object_set_new(cl, "hit", json_integer(hit));
	json_object_foreach(json_object_get(cl, "status"), name, imp) {
		json_object_foreach(imp, id, st) {
			const char *best = json_string_value(st);
			for (int i = 0; i < n; i++) {
				const char *o = json_string_value(json_object_get(
					json_object_get(json_object_get(
						json_object_get(js[i], "clauses"),
						"status"), name), id));
				if (o && rank(o) > rank(best))
					best = o;
			}
			json_object_set_new(imp, id, json_string(best));
		}
	}
}

/* The position of clause id in the spec (the order of clauses.hits). */
static int clause_pos(json_t *out, const char *id)
{
	const char *k;
	json_t *v;
	int i = 0;
	json_object_foreach(json_object_get(json_object_get(out, "clauses"),
					    "hits"), k, v) {
		if (!strcmp(k, id))
			return i;
		i++;
	}
	return i;
}

static const char *status_of(json_t *out, const char *impl, const char *id)
{
	const char *s = json_string_value(json_object_get(json_object_get(
		json_object_get(json_object_get(out, "clauses"), "status"),
		impl), id));
	return s ? s : "";
}

/*
 * "unsupported" (per impl, a list of {id, ...}) and "not_observed" (per
 * impl, {id: reason}): what one shard says of a clause depends only on the
 * implementation and the profile, but which clauses appear depends on the
 * merged status (a clause some shard never reached): the union of the
 * shards' entries whose merged status is unsupported, resp. pass, in spec
 * order.
 */
static void merge_lists(json_t *out, json_t **js, int n)
{
	const char *impl;
	json_t *v;
	json_object_foreach(json_object_get(out, "unsupported"), impl, v) {
		json_t *arr = json_array();
		int nc = clause_pos(out, "");
		for (int c = 0; c < nc; c++)
			for (int i = 0; i < n; i++) {
				json_t *l = json_object_get(json_object_get(
					js[i], "unsupported"), impl), *e, *hit = NULL;
				size_t j;
				json_array_foreach(l, j, e)
					if (clause_pos(out, gets(e, "id")) == c)
						hit = e;
				if (hit && !strcmp(status_of(out, impl, gets(hit, "id")),
						   "unsupported")) {
					json_array_append(arr, hit);
					break;
				}
			}
		json_object_set_new(json_object_get(out, "unsupported"), impl, arr);
	}
	json_object_foreach(json_object_get(out, "not_observed"), impl, v) {
		json_t *obj = json_object();
		const char *id;
		json_t *r;
		json_object_foreach(json_object_get(json_object_get(out, "clauses"),
						    "hits"), id, r)
			for (int i = 0; i < n; i++) {
				json_t *why = json_object_get(json_object_get(
					json_object_get(js[i], "not_observed"),
					impl), id);
				if (why && !strcmp(status_of(out, impl, id), "pass")) {
					json_object_set(obj, id, why);
					break;
				}
			}
		json_object_set_new(json_object_get(out, "not_observed"), impl, obj);
	}
}

/* Ops shard sh ran in programs with an index below p. */
static json_int_t ops_before(json_t *sh, json_int_t p)
{
	json_int_t k = geti(sh, "index"), c = geti(sh, "count"), t = 0;
	json_t *ops = json_object_get(sh, "program_ops");
	for (size_t i = 0; i < json_array_size(ops) &&
			   k + (json_int_t)i * c < p; i++)
		t += json_integer_value(json_array_get(ops, i));
	return t;
}

static void merge_first(json_t *out, json_t **js, int n)
{
	int w = -1;
	json_int_t p = 0;
	for (int i = 0; i < n; i++) {
		json_t *fd = json_object_get(js[i], "first_divergence");
		if (json_is_object(fd) && (w < 0 || geti(fd, "program") < p)) {
			w = i;
			p = geti(fd, "program");
		}
	}
	if (w < 0)
		return; /* null in every shard, and in out */
	json_t *fd = json_deep_copy(json_object_get(js[w], "first_divergence"));
	json_int_t ops = geti(fd, "ops");
	for (int i = 0; i < n; i++)
		if (i != w)
			ops += ops_before(json_object_get(js[i], "shard"), p);
	json_object_set_new(fd, "ops", json_integer(ops));
	json_object_set_new(out, "first_divergence", fd);
}

/* A signature of the merged store. */
struct msig {
	const char *sig; /* signature */
	json_int_t seen; /* summed */
	json_int_t key; /* lowest order key */
	int shard; /* shard holding that key */
};

static int by_key(const void *a, const void *b)
{
	json_int_t x = ((const struct msig *)a)->key;
	json_int_t y = ((const struct msig *)b)->key;
	return x < y ? -1 : x > y;
}

/* The merged signatures, in store order; *count entries (caller frees). */
static struct msig *merge_sigs(json_t **js, int n, int *count)
{
	struct msig *m = calloc(HX_MAX_SIGS, sizeof *m);
	int nm = 0;
	for (int i = 0; m && i < n; i++) {
		json_t *keys = json_object_get(json_object_get(js[i], "shard"),
					       "keys");
		json_t *arr = json_object_get(json_object_get(js[i], "findings"),
					      "signatures"), *e;
		size_t j;
		json_array_foreach(arr, j, e) {
			const char *sig = gets(e, "signature");
			json_int_t key = geti(keys, sig);
			int at = 0;
			while (at < nm && strcmp(m[at].sig, sig))
				at++;
			if (at == nm) {
				if (nm == HX_MAX_SIGS)
					continue;
				m[nm++] = (struct msig){sig, 0, key, i};
			}
			m[at].seen += geti(e, "seen");
			if (key < m[at].key) {
				m[at].key = key;
				m[at].shard = i;
			}
		}
	}
	if (m)
		qsort(m, (size_t)nm, sizeof *m, by_key);
	*count = nm;
	return m;
}

static int merge_findings(json_t *out, json_t **js, int n, const char *dir,
			  struct msig **sigs, int *nsig)
{
	json_t *fo = json_object_get(out, "findings");
	if (!json_is_object(fo))
		return 0;
	if (!(*sigs = merge_sigs(js, n, nsig)))
		return -1;
	json_t *arr = json_array();
	json_int_t nnew = 0;
	for (int i = 0; i < *nsig; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "signature", json_string((*sigs)[i].sig));
		json_object_set_new(e, "seen", json_integer((*sigs)[i].seen));
		json_array_append_new(arr, e);
		nnew += (*sigs)[i].key >= HX_MAX_SIGS;
	}
	if (dir)
		json_object_set_new(fo, "dir", json_string(dir));
	json_object_set_new(fo, "new", json_integer(nnew));
	json_object_set_new(fo, "signatures", arr);
	return 0;
}

/* The whole run's summary from its shards'; NULL with a message in err. */
static json_t *merge(json_t **js, const char *const *paths, int n,
		     const char *dir, struct msig **sigs, int *nsig, char *err,
		     size_t errlen)
{
	static const char *const sums[] = {"programs", "ops", "divergences",
					   "stopped_undefined",
					   "stopped_unsupported"};
	*sigs = NULL;
	*nsig = 0;
	if (check(js, paths, n, err, errlen))
		return NULL;
	json_t *out = json_deep_copy(js[0]);
	json_object_del(out, "shard");
	for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++)
		sum_field(out, js, n, sums[i]);
	merge_clauses(out, js, n);
	merge_lists(out, js, n);
	merge_first(out, js, n);
	double el = 0;
	for (int i = 0; i < n; i++) {
		double e = json_number_value(json_object_get(js[i], "elapsed_s"));
		el = e > el ? e : el;
	}
	json_object_set_new(out, "elapsed_s", json_real(el));
	if (merge_findings(out, js, n, dir, sigs, nsig)) {
		json_decref(out);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return out;
}

static int load(const char *const *paths, int n, json_t **js)
{
	for (int i = 0; i < n; i++) {
		json_error_t e;
		if (!(js[i] = json_load_file(paths[i], 0, &e))) {
			fprintf(stderr, "%s:%d:%d: %s\n", paths[i], e.line,
				e.column, e.text);
			return -1;
		}
	}
	return 0;
}

static void free_all(json_t **js, int n)
{
	for (int i = 0; i < n; i++)
		json_decref(js[i]);
}

static int write_json(json_t *out, const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int bad = !f || json_dumpf(out, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						   JSON_REAL_PRECISION(6));
	if (f)
		fputc('\n', f);
	if (path && f)
		bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "xmcheck: %s: %s\n", path ? path : "stdout",
			strerror(errno));
	return bad ? 2 : 0;
}

/* The human summary of a merged run (hx_summary_text's lines). */
static void print_text(json_t *out, FILE *f)
{
	double el = json_number_value(json_object_get(out, "elapsed_s"));
	json_int_t ops = geti(out, "ops");
	json_t *fo = json_object_get(out, "findings"), *imp, *st;
	const char *name, *id;
	fprintf(f, "programs %lld  ops %lld  divergences %lld  (stopped: %lld "
		   "undefined, %lld unsupported)  %.2fs  %.0f ops/s\n",
		(long long)geti(out, "programs"), (long long)ops,
		(long long)geti(out, "divergences"),
		(long long)geti(out, "stopped_undefined"),
		(long long)geti(out, "stopped_unsupported"), el,
		el > 0 ? (double)ops / el : 0.0);
	if (json_is_object(fo))
		fprintf(f, "findings: %lld new in %s, %zu signatures seen\n",
			(long long)geti(fo, "new"), gets(fo, "dir"),
			json_array_size(json_object_get(fo, "signatures")));
	json_object_foreach(json_object_get(json_object_get(out, "clauses"),
					    "status"), name, imp) {
		int c[4] = {0};
		json_object_foreach(imp, id, st) {
			int r = rank(json_string_value(st));
			if (r >= 0)
				c[r]++;
		}
		fprintf(f, "%s: clauses pass %d, fail %d, unsupported %d, "
			   "untested %d (profile %s)\n", name, c[1], c[3], c[2],
			c[0], gets(out, "profile"));
		json_object_foreach(imp, id, st) {
			const char *s = json_string_value(st);
			if (!strcmp(s, "fail") || !strcmp(s, "untested"))
				fprintf(f, "  %-11s %s\n", s, id);
		}
	}
}

static const char merge_help[] =
	"Usage: xmcheck merge SHARD.json... [-o OUT]\n"
	"Combine the summaries of the N shards of one run (`xmcheck run\n"
	"--shard K/N --summary-json SHARD.json`, K = 0..N-1, on any machines)\n"
	"into the summary the unsharded run writes: programs, ops,\n"
	"divergences, clause hits and statuses, findings, and the first\n"
	"divergence (lowest program index). Writes JSON to OUT or standard\n"
	"output. Exit status: 0, or 2 when a file is unreadable or the files\n"
	"are not every shard of one run.\n";

int hx_cmd_merge(int argc, char **argv)
{
	const char *out = NULL, *paths[64];
	json_t *js[64] = {0};
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return fputs(merge_help, stdout), 0;
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return hx_cli_usage("merge", "unknown option", argv[i]);
		else if (n == 64)
			return hx_cli_usage("merge", "at most 64 shards", NULL);
		else
			paths[n++] = argv[i];
	}
	if (!n)
		return hx_cli_usage("merge", "expected SHARD.json files", NULL);
	if (load(paths, n, js))
		return free_all(js, n), 2;
	char err[512];
	struct msig *sigs;
	int nsig, r = 2;
	json_t *m = merge(js, paths, n, NULL, &sigs, &nsig, err, sizeof err);
	if (m)
		r = write_json(m, out);
	else
		fprintf(stderr, "xmcheck merge: %s\n", err);
	json_decref(m);
	free(sigs);
	free_all(js, n);
	return r;
}

/* Move the finding with signature sig from src into dst; with sig "",
 * remove src and what it holds. */
static int adopt(const char *src, const char *sig, const char *dst)
{
	struct dirent **ents;
	int n = scandir(src, &ents, NULL, alphasort), r = -1;
	for (int i = 0; i < n; i++) {
		char path[1024], to[1024], got[160] = "";
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		snprintf(path, sizeof path, "%s/%s", src, nm);
		char *text = l > 5 && !strcmp(nm + l - 5, ".prog")
				     ? hx_read_text(path) : NULL;
		if (text && r && hx_header_get(text, "signature", got, sizeof got) &&
		    !strcmp(got, sig)) {
			/* the store makes its directory at the first finding */
			if (mkdir(dst, 0777) && errno != EEXIST)
				r = -1;
			snprintf(to, sizeof to, "%s/%s", dst, nm);
			r = rename(path, to) ? -1 : 0;
		}
		if (!sig[0]) /* cleaning up */
			unlink(path);
		free(text);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (!sig[0])
		rmdir(src);
	return r;
}

static void cleanup(const char *tmp, int jobs)
{
	char p[1024];
	for (int k = 0; k < jobs; k++) {
		snprintf(p, sizeof p, "%s/shard-%d.json", tmp, k);
		unlink(p);
		snprintf(p, sizeof p, "%s/findings-%d", tmp, k);
		adopt(p, "", tmp); /* empties and removes it */
	}
	rmdir(tmp);
}

/* Start the shards; 0 when every one exited 0 or 1. */
static int spawn(struct hx_opts *o, int (*one)(struct hx_opts *o),
		 const char *tmp)
{
	pid_t pids[64];
	int bad = 0;
	fflush(NULL);
	for (int k = 0; k < o->jobs; k++) {
		if ((pids[k] = fork()) < 0)
			return perror("xmcheck run: fork"), -1;
		if (pids[k])
			continue;
		static char sum[1024], fw[1024];
		struct hx_opts c = *o;
		snprintf(sum, sizeof sum, "%s/shard-%d.json", tmp, k);
		snprintf(fw, sizeof fw, "%s/findings-%d", tmp, k);
		c.jobs = 0;
		c.shard_k = (uint64_t)k;
		c.shard_n = (uint64_t)o->jobs;
		c.summary = sum;
		c.findings_write = fw;
		c.quiet = 1;
		c.trace = NULL;
		if (!freopen("/dev/null", "w", stdout))
			_exit(2);
		_exit(one(&c));
	}
	for (int k = 0; k < o->jobs; k++) {
		int st;
		if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) > 1)
			bad = 1;
	}
	return bad ? -1 : 0;
}

int hx_run_jobs(struct hx_opts *o, int (*one)(struct hx_opts *o))
{
	char tmp[] = "/tmp/xmcheck-jobs-XXXXXX", err[512];
	char paths[64][1024];
	const char *pp[64];
	json_t *js[64] = {0};
	if (o->trace)
		return hx_cli_usage("run", "--trace with --jobs", NULL);
	printf("seed %" PRIu64 "\n", o->seed);
	if (!mkdtemp(tmp))
		return perror("xmcheck run: mkdtemp"), 2;
	if (spawn(o, one, tmp)) {
		fprintf(stderr, "xmcheck run: a shard failed\n");
		return cleanup(tmp, o->jobs), 2;
	}
	for (int k = 0; k < o->jobs; k++) {
		snprintf(paths[k], sizeof paths[k], "%s/shard-%d.json", tmp, k);
		pp[k] = paths[k];
	}
	int r = 2, nsig = 0;
	struct msig *sigs = NULL;
	json_t *m = NULL;
	if (!load(pp, o->jobs, js) &&
	    (m = merge(js, pp, o->jobs, o->findings, &sigs, &nsig, err,
		       sizeof err))) {
		r = geti(m, "divergences") ? 1 : 0;
		for (int i = 0; i < nsig; i++) {
			char src[1024];
			snprintf(src, sizeof src, "%s/findings-%d", tmp,
				 sigs[i].shard);
			if (sigs[i].key >= HX_MAX_SIGS &&
			    adopt(src, sigs[i].sig, o->findings))
				r = 2;
		}
		print_text(m, stdout);
		if (o->summary && write_json(m, o->summary))
			r = 2;
	} else if (!m) {
		fprintf(stderr, "xmcheck run: %s\n", err);
	}
	json_decref(m);
	free(sigs);
	free_all(js, o->jobs);
	cleanup(tmp, o->jobs);
	return r;
}

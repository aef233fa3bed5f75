/*
 * cli.c - the xmcheck command line: run, replay, spec check, spec list.
 * Exit status: 0 nothing diverged, 1 something diverged, 2 usage or input
 * error (always with one line naming the file and position).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "conform.h"
#include "iso.h"
#include "progbin.h"

#define MAX_SHOWN 10 /* divergences printed in full per run */

extern const int mdl_builtin_nfiles;
extern const char *const mdl_builtin_names[];
extern const char *const mdl_builtin_bufs[];
extern const size_t mdl_builtin_lens[];

int hx_spec_builtin(struct mdl_spec **out, char *err, size_t errlen)
{
	int r = mdl_spec_load_mem(mdl_builtin_nfiles, mdl_builtin_names,
				  mdl_builtin_bufs, mdl_builtin_lens, out, err,
				  errlen);
	return r;
}


int hx_cli_usage(const char *cmd, const char *msg, const char *arg)
{
	/* One line: the hint rides on it. */
	fprintf(stderr, "xmcheck %s: %s%s%s (see 'xmcheck %s --help')\n", cmd,
		msg, arg ? ": " : "", arg ? arg : "", cmd);
	return 2;
}

/*
 * A number: decimal, or 0x hexadecimal. No sign, no space, no leading zero
 * (010 is neither 10 nor 8), nothing past 2^64-1.
 */
int hx_parse_u64(const char *s, uint64_t *v)
{
	int hex = s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *d = hex ? s + 2 : s;
	uint64_t n = 0;
	if (!s || !*d || (!hex && d[0] == '0' && d[1]))
		return -1;
	for (; *d; d++) {
		int k = *d >= '0' && *d <= '9'		  ? *d - '0'
			: hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
			: hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
							  : -1;
		uint64_t base = hex ? 16 : 10;
		if (k < 0 || n > (UINT64_MAX - (uint64_t)k) / base)
			return -1;
		n = n * base + (uint64_t)k;
	}
	*v = n;
	return 0;
}

int hx_parse_profile(const char *s)
{
	if (!strcmp(s, "power"))
		return XMC_PROFILE_POWER;
	if (!strcmp(s, "powerpc"))
		return XMC_PROFILE_POWERPC;
	return -1;
}

const char *hx_profile_name(int p)
{
	return p == XMC_PROFILE_POWER ? "power" : "powerpc";
}

const char hx_run_help[] =
	"Usage: xmcheck run [--impl NAME|PATH.so]... [options]\n"
	"Generate programs from a seed and run them on the reference model and\n"
	"on each implementation, comparing every op.\n\n"
	"  --impl NAME       implementation to compare with the model: a\n"
	"                    built-in one (%s) or a plug-in .so; repeatable\n"
	"                    (default: sim)\n"
	"  --profile P       power (default) or powerpc\n"
	"  --seed N          PRNG seed (default 1); printed first\n"
	"  --runs N          programs to generate (default 1000)\n"
	"  --max-ops N       longest program (default 48, at most 64)\n"
	"  --spec PATH       spec file or directory (default: the built-in one)\n"
	"  --trace FILE      write the op-by-op trace\n"
	"  --summary-json F  write the run summary as JSON\n"
	"  --findings DIR    where findings are kept (default findings/)\n"
	"  --no-minimize     keep findings as found\n"
	"  --shard K/N       run programs K, K+N, K+2N, ... (0 <= K < N); the\n"
	"                    summary then carries what 'xmcheck merge' needs\n"
	"  --jobs J          run J shards as processes here, merge them\n"
	"  --quiet           print only the summary\n"
	"  --isolate         run built-in implementations in a sandboxed\n"
	"                    worker too (a plug-in .so always is)\n"
	"  --no-isolate      run a plug-in .so in process (for a debugger)\n"
	"  --no-sandbox      worker without seccomp filter or limits\n"
	"  --timeout-ms N    a program's time limit in the worker (2000)\n"
	"  --max-rss MIB     how much the worker may grow (1024)\n"
	"  --refork N        programs one worker runs before a fresh one (10000)\n"
	"  -h, --help        this help\n\n"
	"Exit status: 0 no divergence, 1 divergence, 2 usage or input error.\n";

static const char replay_help[] =
	"Usage: xmcheck replay FILE [--impl NAME|PATH.so]... [options]\n"
	"Run the program in FILE (text form, or a fuzzing engine's binary input)\n"
	"and print the op-by-op trace with "
	"the model's and each implementation's observations.\n\n"
	"  --impl NAME       as for 'run' (default: sim)\n"
	"  --profile P       power or powerpc (default: the file's '# profile:',\n"
	"                    else power)\n"
	"  --spec PATH       spec file or directory\n"
	"  -h, --help        this help\n\n"
	"Exit status: 0 no divergence, 1 divergence, 2 usage or input error.\n";

static const char spec_help[] =
	"Usage: xmcheck spec check [PATH]\n"
	"       xmcheck spec list [--spec PATH]\n"
	"'check' loads a spec file or directory (default: the built-in spec) and\n"
	"reports the first error as file:line:col: message (exit 2).\n"
	"'list' prints every clause: id, kind, provenance, profiles, text.\n";

static const char main_help[] =
	"Usage: xmcheck COMMAND [options]\n"
	"Differential fuzzing and conformance harness for the AIX cross-memory\n"
	"and address-space kernel services.\n\n"
	"Commands:\n"
	"  run       generate programs from a seed, compare implementations\n"
	"  replay    run one program file and print its trace\n"
	"  minimize  shrink a diverging program, keeping its signature\n"
	"  corpus    replay program files, check their stated outcomes\n"
	"  repro     write a standalone C reproducer of a program\n"
	"  gen       print one generated program of a seed\n"
	"  conform   conformance report set for one implementation\n"
	"  spec      check or list a spec\n"
	"  merge     combine shard summaries into the whole run's summary\n\n"
	"'xmcheck COMMAND --help' describes each.\n";

enum { O_IMPL = 256, O_PROFILE, O_SEED, O_RUNS, O_SPEC, O_TRACE, O_SUMMARY,
       O_MAXOPS, O_QUIET, O_FINDINGS, O_NOMIN, O_C, O_SHARD, O_JOBS,
       /* isolation (iso.h) */
       O_ISOLATE, O_NOISOLATE, O_NOSANDBOX, O_TIMEOUT, O_MAXRSS, O_REFORK };

static const struct option long_opts[] = {
	{"impl", required_argument, 0, O_IMPL},
	{"profile", required_argument, 0, O_PROFILE},
	{"seed", required_argument, 0, O_SEED},
	{"runs", required_argument, 0, O_RUNS},
	{"program", required_argument, 0, O_RUNS},
	{"spec", required_argument, 0, O_SPEC},
	{"trace", required_argument, 0, O_TRACE},
	{"summary-json", required_argument, 0, O_SUMMARY},
	{"max-ops", required_argument, 0, O_MAXOPS},
	{"quiet", no_argument, 0, O_QUIET},
	{"findings", required_argument, 0, O_FINDINGS},
	{"no-minimize", no_argument, 0, O_NOMIN},
	{"c", required_argument, 0, O_C},
	{"shard", required_argument, 0, O_SHARD},
	{"jobs", required_argument, 0, O_JOBS},
	{"output", required_argument, 0, 'o'},
	{"help", no_argument, 0, 'h'},
	/* ---- isolation options (iso.h) ---- */
	{"isolate", no_argument, 0, O_ISOLATE},
	{"no-isolate", no_argument, 0, O_NOISOLATE},
	{"no-sandbox", no_argument, 0, O_NOSANDBOX},
	{"timeout-ms", required_argument, 0, O_TIMEOUT},
	{"max-rss", required_argument, 0, O_MAXRSS},
	{"refork", required_argument, 0, O_REFORK},
	{0, 0, 0, 0},
};

/* --shard K/N (fuzz, issue 9) */
static int parse_shard(const char *s, struct hx_opts *o)
{
	char k[32];
	const char *slash = strchr(s, '/');
	if (!slash || slash - s >= (long)sizeof k)
		return -1;
	snprintf(k, sizeof k, "%.*s", (int)(slash - s), s);
	if (hx_parse_u64(k, &o->shard_k) || hx_parse_u64(slash + 1, &o->shard_n) ||
	    o->shard_n < 1 || o->shard_k >= o->shard_n)
		return -1;
	return 0;
}

/* ---- isolation options (iso.h) ---- */
static int iso_opt(int c, const char *arg)
{
	uint64_t v;
	switch (c) {
	case O_ISOLATE: hx_iso_opts.isolate = 1; return 0;
	case O_NOISOLATE: hx_iso_opts.no_isolate = 1; return 0;
	case O_NOSANDBOX: hx_iso_opts.no_sandbox = 1; return 0;
	case O_TIMEOUT:
		if (hx_parse_u64(arg, &v) || v < 1 || v > 3600000)
			return -1;
		hx_iso_opts.timeout_ms = (unsigned)v;
		return 0;
	case O_REFORK:
		if (hx_parse_u64(arg, &v) || v < 1 || v > 1000000000)
			return -1;
		hx_iso_opts.refork = v;
		return 0;
	}
	if (hx_parse_u64(arg, &v) || v < 1 || v > (1u << 20))
		return -1;
	hx_iso_opts.max_rss = v << 20;
	return 0;
}
/* ---- isolation options ---- end ---- */

/* ---- vendor checks (issue 10) ---- */
int hx_nothing_compared(const struct hx_exec *x, const char *cmd)
{
	for (int i = 0; i < x->nimpl; i++) {
		uint64_t n = 0;
		for (int k = 0; k < x->spec->nclauses; k++)
			n += x->hits[i * x->spec->nclauses + k];
		if (n)
			continue;
		fprintf(stderr, "xmcheck %s: %s: no service was compared in %"
			PRIu64 " programs (%" PRIu64 " stopped at an unsupported "
			"step or service): nothing was tested\n", cmd,
			x->impl[i].pl->name, x->programs, x->unsupported);
		return 1;
	}
	return 0;
}
/* ---- vendor checks ---- end ---- */

/* Parse options; returns -1 to go on, or an exit status. */
int hx_cli_opts(const char *cmd, const char *help, int argc, char **argv,
		      struct hx_opts *o)
{
	uint64_t v;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': printf(help, hx_builtin_names()); return 0;
		case O_IMPL:
			if (o->nimpls == HX_MAX_IMPLS)
				return hx_cli_usage(cmd, "too many --impl", NULL);
			o->impls[o->nimpls++] = optarg;
			break;
		case O_PROFILE:
			if ((o->profile = hx_parse_profile(optarg)) < 0)
				return hx_cli_usage(cmd, "unknown profile "
						   "(power, powerpc)", optarg);
			o->profile_set = 1;
			break;
		case O_SEED:
			if (hx_parse_u64(optarg, &o->seed))
				return hx_cli_usage(cmd, "bad --seed", optarg);
			o->seed_set = 1;
			break;
		case O_RUNS:
			if (hx_parse_u64(optarg, &o->runs))
				return hx_cli_usage(cmd, "bad --runs", optarg);
			break;
		case O_MAXOPS:
			if (hx_parse_u64(optarg, &v) || v < 1 || v > XMP_MAX_OPS)
				return hx_cli_usage(cmd, "bad --max-ops (1..64)",
						   optarg);
			o->max_ops = (int)v;
			break;
		case O_SPEC: o->spec = optarg; break;
		case O_TRACE: o->trace = optarg; break;
		case O_SUMMARY: o->summary = optarg; break;
		case O_QUIET: o->quiet = 1; break;
		case O_FINDINGS: o->findings = optarg; break;
		case O_NOMIN: o->no_minimize = 1; break;
		case O_C:
		case 'o': o->out = optarg; break;
		/* ---- fuzz (issue 9): scale-out ---- */
		case O_SHARD:
			if (parse_shard(optarg, o))
				return hx_cli_usage(cmd, "bad --shard (K/N, "
						   "0 <= K < N)", optarg);
			break;
		case O_JOBS:
			if (hx_parse_u64(optarg, &v) || v < 1 || v > 64)
				return hx_cli_usage(cmd, "bad --jobs (1..64)",
						   optarg);
			o->jobs = (int)v;
			break;
		/* ---- isolation (iso.h) ---- */
		case O_ISOLATE:
		case O_NOISOLATE:
		case O_NOSANDBOX:
		case O_TIMEOUT:
		case O_MAXRSS:
		case O_REFORK:
			if (iso_opt(c, optarg))
				return hx_cli_usage(cmd, c == O_TIMEOUT
						   ? "bad --timeout-ms (1..3600000)"
						   : c == O_REFORK
						   ? "bad --refork (1..10^9)"
						   : "bad --max-rss (MiB, 1..1048576)",
						   optarg);
			break;
		case ':': return hx_cli_usage(cmd, "missing value", argv[optind - 1]);
		default: return hx_cli_usage(cmd, "unknown option", argv[optind - 1]);
		}
	}
	if (!o->nimpls) {
		o->impls[o->nimpls++] = "sim";
		o->impl_default = 1;
	}
	return -1;
}

static struct mdl_spec *load_spec(const char *path, int whole)
{
	struct mdl_spec *s = NULL;
	char err[512];
	int r = path ? mdl_spec_load(path, &s, err, sizeof err)
		     : hx_spec_builtin(&s, err, sizeof err);
	if (r) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	if (!s->nclauses) { /* an empty file would test nothing */
		fprintf(stderr, "%s: no clauses: not a spec\n", path);
		mdl_spec_free(s);
		return NULL;
	}
	/* `spec check` accepts a partial file; a spec a run would use must
	 * define every service, with at least one clause. */
	for (int v = 0; v < MDL_NSVC && whole; v++)
		if (!s->svc[v].defined || !s->svc[v].count) {
			fprintf(stderr, "%s: service %s %s: a run needs every "
				"service with its clauses\n", s->origin,
				mdl_svcdefs[v].name,
				s->svc[v].defined ? "has no clause" : "is not defined");
			mdl_spec_free(s);
			return NULL;
		}
	return s;
}

/* Spec, implementations and executor; returns 0 or an exit status. */
int hx_cli_setup(const char *cmd, const struct hx_opts *o, struct hx_exec *x,
		 struct mdl_spec **spec)
{
	const struct xmc_plugin *pls[HX_MAX_IMPLS];
	char err[512];
	int n = 0, r = 0;
	if (!(*spec = load_spec(o->spec, 1)))
		return 2;
	for (; n < o->nimpls && !r; n++)
		if (!(pls[n] = hx_plugin_open(o->impls[n], err, sizeof err)))
			r = 2;
	if (!r && hx_init(x, *spec, o->profile, pls, o->nimpls, o->seed, err,
			  sizeof err))
		r = 2;
	/* Every command but run replays single programs: fresh readings. */
	x->fresh_readings = strcmp(cmd, "run") != 0;
	for (int i = 0; !r && o->readings[0] && i < x->nimpl; i++)
		if (hx_set_readings(x, i, o->readings, err, sizeof err))
			r = 2, n = 0, hx_fini(x);
	if (!r)
		return 0;
	fprintf(stderr, "xmcheck %s: %s\n", cmd, err);
	for (int i = 0; i < n; i++)
		if (pls[i])
			hx_plugin_close(pls[i]);
	mdl_spec_free(*spec);
	return r;
}

/* Tear down what setup built. */
void hx_cli_teardown(struct hx_exec *x, struct mdl_spec *spec)
{
	const struct xmc_plugin *pls[HX_MAX_IMPLS];
	int n = x->nimpl;
	for (int i = 0; i < n; i++)
		pls[i] = x->impl[i].pl;
	hx_fini(x);
	for (int i = 0; i < n; i++)
		hx_plugin_close(pls[i]);
	mdl_spec_free(spec);
}

/* Read a whole text file; NULL with a one-line message on error. */
char *hx_read_text(const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: is a directory, not a file\n", path);
		fclose(f);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || n > HX_MAX_TEXT)
			break;
		char *nb = realloc(buf, (cap *= 2) + 1);
		if (!nb)
			free(buf);
		buf = nb;
	}
	int bad = ferror(f) || !buf, e = errno;
	fclose(f);
	if (bad || n > HX_MAX_TEXT) {
		if (!buf)
			fprintf(stderr, "%s: out of memory\n", path);
		else if (bad)
			fprintf(stderr, "%s: cannot read: %s\n", path, strerror(e));
		else
			fprintf(stderr, "%s:1:1: larger than the %u MiB a text "
				"may have\n", path, HX_MAX_TEXT >> 20);
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		fprintf(stderr, "%s:1:1: binary data, not a program text\n",
			path);
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- fuzz: an engine's crash file (binary form, progbin.h) ---- begin ----
 * 0 with the program, its profile (unless --profile) and an empty header
 * text; -1 when the file is named *.prog (a program text), is not binary,
 * or is unreadable (the text reader names the error). */
static int load_binary(const char *path, struct hx_opts *o,
		       struct xmp_prog *p, char **text)
{
	static uint8_t buf[1 << 16];
	size_t l = strlen(path);
	int profile;
	if (l >= 5 && !strcmp(path + l - 5, ".prog"))
		return -1; /* a program text, even a damaged one */
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (!xmp_bin_is_binary(buf, n) || !(*text = strdup("")))
		return -1;
	xmp_bin_decode(buf, n, &profile, p);
	if (!o->profile_set)
		o->profile = profile;
	return 0;
}
/* ---- fuzz ---- end ---- */

/*
 * A finding names the implementation it was found on: without --impl, use
 * it (a built-in name, or the plug-in file kept in '# impl-path:'), never
 * another one. 0, or -1 after a one-line message.
 */
static int finding_impl(const char *path, const char *text, struct hx_opts *o)
{
	static char name[128], file[1024];
	char *sp;
	if (!hx_header_get(text, "impl", name, sizeof name))
		return 0;
	if ((sp = strchr(name, ' ')))
		*sp = 0;
	struct stat st;
	/* The file first: a mutant may call itself by a built-in's name. */
	if (hx_header_get(text, "impl-path", file, sizeof file) &&
	    !stat(file, &st) && S_ISREG(st.st_mode))
		return o->impls[0] = file, 0;
	if (file[0])
		goto gone;
	for (const char *b = hx_builtin_names(); *b;) {
		size_t n = strcspn(b, ", ");
		if (n == strlen(name) && !strncmp(b, name, n))
			return o->impls[0] = name, 0;
		b += n;
		b += strspn(b, ", ");
	}
gone:
	fprintf(stderr, "%s: found on implementation '%s'%s%s%s; name its "
		"plug-in with --impl PATH.so\n", path, name,
		file[0] ? " (" : "", file[0] ? file : "",
		file[0] ? " is gone)" : "");
	return -1;
}

/* Read and parse a program file; its profile from the header if unset. */
int hx_load_prog(const char *path, struct hx_opts *o, struct xmp_prog *p,
		     char **text)
{
	char err[512], prof[32];
	if (!load_binary(path, o, p, text))
		return 0;
	if (!(*text = hx_read_text(path)))
		return 2;
	if (xmp_parse(path, *text, p, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		free(*text);
		return 2;
	}
	if (!p->n) {
		fprintf(stderr, "%s:1:1: no ops: an empty program tests "
			"nothing\n", path);
		free(*text);
		return 2;
	}
	if (o->impl_default && finding_impl(path, *text, o)) {
		free(*text);
		return 2;
	}
	/* A finding replays as it was found: its seed and readings. */
	if (!o->seed_set && hx_header_get(*text, "seed", prof, sizeof prof) &&
	    hx_parse_u64(prof, &o->seed)) {
		fprintf(stderr, "%s: bad '# seed:' line\n", path);
		free(*text);
		return 2;
	}
	hx_header_get(*text, "readings", o->readings, sizeof o->readings);
	if (!o->profile_set && hx_header_get(*text, "profile", prof, sizeof prof)) {
		if ((o->profile = hx_parse_profile(prof)) < 0) {
			fprintf(stderr, "%s:%d:1: unknown profile '%s' "
				"(power, powerpc)\n", path,
				xmp_header_line(*text, "profile"), prof);
			free(*text);
			return 2;
		}
	}
	return 0;
}

static int cmd_replay(int argc, char **argv)
{
	struct hx_opts o = {.profile = XMC_PROFILE_POWER, .seed = 1};
	struct hx_exec x;
	struct mdl_spec *spec;
	static struct xmp_prog p;
	char *text;
	int r = hx_cli_opts("replay", replay_help, argc, argv, &o);
	if (r >= 0)
		return r;
	if (optind != argc - 1)
		return hx_cli_usage("replay", "expected one program FILE", NULL);
	if ((r = hx_load_prog(argv[optind], &o, &p, &text)))
		return r;
	free(text);
	if ((r = hx_cli_setup("replay", &o, &x, &spec)))
		return r;
	x.trace = stdout;
	x.verbose = 1;
	struct hx_replay show = {&x, &p}; /* replay_show.c */
	x.on_op = hx_replay_show;
	x.ctx = &show;
	int outcome[HX_MAX_IMPLS];
	static const char *const names[] = {"pass", "diverged", "undefined",
					    "unsupported"};
	hx_run(&x, &p, outcome);
	for (int i = 0; i < x.nimpl; i++)
		printf("result %s: %s\n", x.impl[i].pl->name, names[outcome[i]]);
	r = x.divergences ? 1 : 0;
	hx_cli_teardown(&x, spec);
	return r;
}

static const char *const kind_names[] = {"failure", "success", "undefined"};
static const char *const prov_names[] = {"documented", "inferred", "profile"};

static int cmd_spec(int argc, char **argv)
{
	if (argc < 2)
		return hx_cli_usage("spec", "expected 'check' or 'list'", NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(spec_help, stdout);
		return 0;
	}
	const char *path = NULL;
	if (!strcmp(argv[1], "check")) {
		if (argc > 3)
			return hx_cli_usage("spec", "expected at most one PATH",
					   NULL);
		path = argc == 3 ? argv[2] : NULL;
	} else if (!strcmp(argv[1], "list")) {
		if (argc == 4 && !strcmp(argv[2], "--spec"))
			path = argv[3];
		else if (argc != 2)
			return hx_cli_usage("spec", "usage: spec list [--spec "
					   "PATH]", NULL);
	} else {
		return hx_cli_usage("spec", "unknown subcommand", argv[1]);
	}
	struct mdl_spec *s = load_spec(path, 0);
	if (!s)
		return 2;
	if (!strcmp(argv[1], "check")) {
		printf("%s: ok: %d clauses, hash %016" PRIx64 "\n", s->origin,
		       s->nclauses, s->hash);
	} else {
		for (int k = 0; k < s->nclauses; k++) {
			const struct mdl_clause *c = &s->clauses[k];
			printf("%-34s %-9s %-10s %-8s %s\n", c->id,
			       kind_names[c->kind], prov_names[c->prov],
			       !c->profiles ? "all"
			       : c->profiles & (1u << XMC_PROFILE_POWER)
				       ? "power"
				       : "powerpc",
			       c->text);
		}
	}
	mdl_spec_free(s);
	return 0;
}

static int dispatch(int argc, char **argv);

/* A full disk or a file-size limit is an error (exit 2), never a signal. */
int main(int argc, char **argv)
{
	signal(SIGXFSZ, SIG_IGN);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	int r = dispatch(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "xmcheck: standard output: %s\n",
			strerror(errno ? errno : EIO));
		return 2;
	}
	return r;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "xmcheck: expected a command (see 'xmcheck "
			"--help')\n");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(main_help, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return hx_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "gen"))
		return hx_cmd_gen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "repro"))
		return hx_cmd_repro(argc - 1, argv + 1);
	if (!strcmp(argv[1], "corpus"))
		return hx_cmd_corpus(argc - 1, argv + 1);
	if (!strcmp(argv[1], "minimize"))
		return hx_cmd_minimize(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return cmd_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "conform"))
		return hx_cmd_conform(argc - 1, argv + 1);
	if (!strcmp(argv[1], "spec"))
		return cmd_spec(argc - 1, argv + 1);
	if (!strcmp(argv[1], "merge")) /* fuzz, issue 9 */
		return hx_cmd_merge(argc - 1, argv + 1);
	fprintf(stderr, "xmcheck: unknown command '%s' (see 'xmcheck "
		"--help')\n", argv[1]);
	return 2;
}

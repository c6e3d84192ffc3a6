/* util.c - messages, exits and atomic output shared by the commands. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libfold/input.h"
#include "cmd/util.h"

static const char *prog = "fgkit";
/* The temporary output file while one exists ("" otherwise). */
static char tmp_path[PATH_MAX];
static char out_path[PATH_MAX];	/* a symlinked output's target */
static volatile sig_atomic_t have_tmp;
static int warn_max, warn_seen;

void fg_setprog(const char *argv0)
{
	const char *s = strrchr(argv0, '/');

	prog = s ? s + 1 : argv0;
}

const char *fg_prog(void)
{
	return prog;
}

static void vmsg(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: %s\n", prog, buf);
}

void fg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void remove_tmp(void)
{
	if (have_tmp) {
		unlink(tmp_path);
		have_tmp = 0;
	}
}

noreturn void fg_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	remove_tmp();
	exit(status);
}

noreturn void fg_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(FG_EXIT_USAGE);
}

noreturn void fg_bad_option(int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		fg_usage_error("option '%s' needs an argument", opt);
	fg_usage_error("unrecognized option '%s'", opt);
}

void fg_common_option(int c, char **argv, void (*usage)(FILE *f), int *quiet)
{
	switch (c) {
	case 'q':
		*quiet = 1;
		return;
	case 'h':
		usage(stdout);
		exit(0);
	case 'V':
		puts(FG_VERSION_TEXT);
		exit(0);
	}
	fg_bad_option(c, argv);
}

size_t fg_size_arg(const char *opt, const char *arg)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' && shift != 0 && end[1] == 'B')
		end += 2;
	else if (*end == 'B' && shift != 0)
		end++;
	if (errno != 0 || end == arg || *end != '\0' || !isdigit((unsigned char)*arg) ||
	    v == 0 || v > (SIZE_MAX >> 1) >> shift)
		fg_usage_error("%s: '%s' is not a size (a number of bytes, "
			       "with K, M or G)", opt, arg);
	return (size_t)v << shift;
}

void fg_regcomp(regex_t *rx, const char *opt, const char *re)
{
	struct fold_diag d = { 0 };

	if (fold_regcomp(rx, opt, re, &d) != 0)
		fg_usage_error("%s", d.err);
}

uint64_t fg_file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

static void diag_warn(void *arg, const char *msg)
{
	(void)arg;
	if (warn_seen++ < warn_max)
		fg_warn("%s", msg);
}

void fg_diag_init(struct fold_diag *d, int max)
{
	memset(d, 0, sizeof(*d));
	d->warn = diag_warn;
	warn_max = max;
	warn_seen = 0;
}

void fg_diag_done(struct fold_diag *d)
{
	(void)d;
	if (warn_seen > warn_max && warn_max > 0)
		fg_warn("%d more warnings not shown", warn_seen - warn_max);
}

static void on_signal(int sig)
{
	if (have_tmp)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

#define TMP_TAG ".fgkit-tmp-"

/*
 * The temporaries of path that a killed run left (".NAME.fgkit-tmp-PID"
 * whose process is gone), removed: a kill -9 runs no handler, and an
 * output written every CI run would pile them up.  A PID that is alive,
 * or that is not ours to signal, is left alone: it may be writing.
 */
static void remove_stale(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char dir[PATH_MAX], prefix[NAME_MAX + 1];
	size_t plen;
	struct dirent *e;
	DIR *dp;

	if (slash == NULL)
		strcpy(dir, ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		return;
	if ((size_t)snprintf(prefix, sizeof(prefix), ".%s" TMP_TAG, base) >= sizeof(prefix))
		return;
	plen = strlen(prefix);
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		const char *p = e->d_name + plen;
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, plen) != 0 || !isdigit((unsigned char)*p))
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (*end != '\0' || errno != 0 || pid <= 0 || pid > INT_MAX ||
		    pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			(void)unlinkat(dirfd(dp), e->d_name, 0);
	}
	closedir(dp);
}

void fg_out_open(struct fg_out *o, const char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct stat st;
	const char *slash;
	size_t i;
	int fd;

	o->path = path;
	o->keep_mode = 0;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->path = NULL;
		return;
	}
	/*
	 * A device or FIFO (-o /dev/null, -o /dev/stderr, a named pipe) is
	 * written as it is: renaming a file over it would replace it.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fg_die(FG_EXIT_ERR, "%s: cannot open output: %s", path,
			       strerror(errno));
		o->fd = fd;
		o->path = NULL;
		return;
	}
	/* Through a symlink: its target is the file replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    realpath(path, out_path) != NULL)
		o->path = path = out_path;
	if (stat(path, &st) == 0) {
		o->mode = st.st_mode & 07777;
		o->keep_mode = 1;
	}
	/*
	 * ".NAME.fgkit-tmp-PID" beside it: hidden, saying what it is and
	 * whose, so that a later run can tell a stale one from a live one.
	 */
	slash = strrchr(path, '/');
	if ((size_t)snprintf(tmp_path, sizeof(tmp_path), "%.*s.%s" TMP_TAG "%ld",
			     slash ? (int)(slash - path + 1) : 0, path,
			     slash ? slash + 1 : path, (long)getpid()) >= sizeof(tmp_path))
		fg_die(FG_EXIT_ERR, "%s: path too long", path);
	remove_stale(path);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
	/*
	 * Close-on-exec: a command fg-record starts must not write into it.
	 * One of our PID is a dead process's (PIDs are reused): replaced.
	 */
	(void)unlink(tmp_path);
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		fg_die(FG_EXIT_ERR, "%s: cannot create output: %s", path,
		       strerror(errno));
	have_tmp = 1;
	o->fd = fd;
}

void fg_out_commit(struct fg_out *o)
{
	mode_t mask;

	if (o->path == NULL)
		return;
	/*
	 * It was made 0600; give it the mode of the file it replaces, or
	 * the one a plain create would.
	 */
	mask = umask(0);
	umask(mask);
	if (fchmod(o->fd, o->keep_mode ? (mode_t)o->mode : 0666 & ~mask) != 0 ||
	    close(o->fd) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", o->path, strerror(errno));
	if (rename(tmp_path, o->path) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", o->path, strerror(errno));
	have_tmp = 0;
}

/* ------------------------------------------------------------- inputs */

static int has_long(const struct option *v, const char *name)
{
	for (; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return 1;
	return 0;
}

void fg_input_init(struct fg_input *in, const struct fold_reader *only,
		   const struct option *own, void (*usage)(FILE *f))
{
	static const struct option common[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "max-line", required_argument, NULL, FG_OPT_MAX_LINE },
		FG_COMMON_OPTIONS,
	};
	size_t nown = 0, nr = 0, k = 0, i;
	const struct fold_reader_option *o;

	memset(in, 0, sizeof(*in));
	in->usage = usage;
	if (readers_init(&in->rs, only) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	while (own[nown].name != NULL)
		nown++;
	in->nown = nown;
	for (i = 0; i < in->rs.n; i++)
		for (o = in->rs.slot[i].r->options; o && o->name; o++)
			nr++;
	in->longopts = calloc(nown + nr + 8, sizeof(*in->longopts));
	in->ropt = calloc(nr ? nr : 1, sizeof(*in->ropt));
	if (in->longopts == NULL || in->ropt == NULL)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	/* The command's own options first: its names win over the readers'. */
	for (i = 0; i < nown; i++)
		in->longopts[k++] = own[i];
	for (i = 0; i < in->rs.n; i++)
		for (o = in->rs.slot[i].r->options; o && o->name; o++) {
			if (has_long(in->longopts, o->name))
				continue;	/* the command's, or a reader's before */
			in->ropt[in->nropt] = o->name;
			in->longopts[k].name = o->name;
			in->longopts[k].has_arg = o->arg ? required_argument : no_argument;
			in->longopts[k].val = FG_OPT_READER + (int)in->nropt++;
			k++;
		}
	for (i = 0; common[i].name != NULL; i++)
		if (!has_long(in->longopts, common[i].name))
			in->longopts[k++] = common[i];
}

void fg_input_option(struct fg_input *in, int c, char **argv)
{
	if (c >= FG_OPT_READER && c < FG_OPT_READER + (int)in->nropt) {
		struct fold_diag d = { 0 };

		if (readers_set(&in->rs, in->ropt[c - FG_OPT_READER], optarg, &d) < 0)
			fg_usage_error("%s", d.err);
		return;
	}
	if (c == 'v') {
		in->verbose = 1;
	} else if (c == FG_OPT_MAX_LINE) {
		in->max_line = fg_size_arg("--max-line", optarg);
	} else if (c == 'h') {
		/* The command's help, then its readers' options. */
		in->usage(stdout);
		fg_input_help(stdout, in);
		exit(0);
	} else {
		fg_common_option(c, argv, in->usage, &in->quiet);
	}
}

void fg_input_ready(struct fg_input *in)
{
	struct fold_diag d = { 0 };

	if (readers_check(&in->rs, &d) != 0)
		fg_usage_error("%s", d.err);
	fg_diag_init(&in->d, in->quiet ? 0 : 20);
}

/* "      --opt=ARG     help text", the text wrapped at 78 columns. */
static void help_line(FILE *f, const char *left, const char *help)
{
	enum { INDENT = 6, TEXT = 28, WIDTH = 78 };
	int col = fprintf(f, "%*s%s", INDENT, "", left);
	const char *p = help;

	if (col + 1 > TEXT) {
		fputc('\n', f);
		col = 0;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (col > TEXT && col + 1 + (int)n > WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		if (col < TEXT)
			col += fprintf(f, "%*s", TEXT - col, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void fg_input_help(FILE *f, const struct fg_input *in)
{
	size_t i;

	for (i = 0; i < in->rs.n; i++) {
		const struct fold_reader *r = in->rs.slot[i].r;
		const struct fold_reader_option *o;

		if (r->options == NULL || r->options[0].name == NULL)
			continue;
		fprintf(f, "\nOptions for %s:\n", r->title);
		for (o = r->options; o->name != NULL; o++) {
			char left[64];
			size_t k;

			/* One the command has itself is the command's. */
			for (k = 0; k < in->nown; k++)
				if (strcmp(in->longopts[k].name, o->name) == 0)
					break;
			if (k < in->nown)
				continue;
			snprintf(left, sizeof(left), "--%s%s%s", o->name,
				 o->arg ? "=" : "", o->arg ? o->arg : "");
			help_line(f, left, o->help);
		}
	}
}

void fg_input_read(struct fg_input *in, struct fold_profile *p, char **paths,
		   int n, const struct fold_read_opts *ro)
{
	struct fold_read_opts r = *ro;
	char **inputs = calloc((size_t)n + 1, sizeof(*inputs));
	int ninputs = 0, i, col;
	struct fold_unit first;

	if (inputs == NULL)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	/* Paths that are a reader's own (a program), the rest inputs. */
	for (i = 0; i < n; i++)
		if (in->no_arguments ||
		    !readers_argument(&in->rs, paths[i], n - i - 1))
			inputs[ninputs++] = paths[i];
	if (in->rs.only != NULL && in->rs.only->argument != NULL && ninputs > 1)
		fg_usage_error("%s takes [BINARY] PROFILE", in->rs.only->name);
	/* A program alone: its profile would be read from the terminal. */
	if (ninputs == 0 && n > 0 && isatty(STDIN_FILENO))
		fg_usage_error("%s is the program of a gperftools profile; give "
			       "the profile too", paths[n - 1]);
	if (r.max_line == 0)
		r.max_line = in->max_line;
	/* Each reader is told how much input follows, to size tables once. */
	for (i = 1; i < ninputs; i++)
		r.more += fg_file_size(inputs[i]);
	for (i = 0; i < (ninputs ? ninputs : 1); i++) {
		const char *path = ninputs ? inputs[i] : NULL;
		const char *name = path && strcmp(path, "-") ? path : "<stdin>";
		const struct fold_reader *used;
		const char *what;

		if (i > 0)
			r.more -= fg_file_size(inputs[i]);
		if (in->first == NULL)
			in->first = name;
		in->ninputs++;
		if (readers_read(&in->rs, p, path, &r, &in->d, &used, &what) != 0)
			fg_die(FG_EXIT_ERR, "%s", in->d.err);
		if (in->verbose)
			fg_warn("%s: %s", name, what);
		/* Summing seconds with bytes means nothing: say so, go on. */
		col = p->ncols == 2 ? ro->col : 0;
		if (i == 0) {
			first = p->unit[col];
		} else if (!fold_unit_same(&first, &p->unit[col])) {
			char a[2 * FOLD_UNIT_LEN], b[2 * FOLD_UNIT_LEN];

			fold_unit_name(&p->unit[col], a, sizeof(a));
			fold_unit_name(&first, b, sizeof(b));
			if (!in->quiet)
				fg_warn("%s: counts %s, but the inputs before "
					"count %s; summed as they are", name, a, b);
		}
		p->unit[col] = first;
	}
	free(inputs);
}

void fg_input_done(struct fg_input *in)
{
	readers_done(&in->rs, &in->d);
	fg_diag_done(&in->d);
	readers_free(&in->rs);
	free(in->longopts);
	free(in->ropt);
}

int fg_input_empty(const struct fold_profile *p)
{
	int col;

	for (col = 0; col < p->ncols; col++)
		if (!fold_col_empty(p, col))
			return 0;
	return 1;
}

const char *fg_input_what(const struct fg_input *in)
{
	if (in->ninputs > 1)
		return "the inputs";
	return in->first ? in->first : "<stdin>";
}

void fg_input_warn_empty(const struct fg_input *in, const struct fold_profile *p)
{
	if (!in->quiet && fg_input_empty(p))
		fg_warn("%s: no samples", fg_input_what(in));
}

/* util.c - messages, exits and atomic output shared by the commands. */
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

void fg_regcomp(regex_t *rx, const char *opt, const char *re)
{
	int rc = regcomp(rx, re, REG_EXTENDED | REG_NOSUB);

	if (rc != 0) {
		char msg[256];

		regerror(rc, rx, msg, sizeof(msg));
		fg_usage_error("%s: %s", opt, msg);
	}
}

uint64_t fg_file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

void fg_read_folded(struct fold_profile *p, char **paths, int n,
		    const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct fold_read_opts r = *ro;
	int i;

	/* Each reader is told how much input follows, to size tables once. */
	for (i = 1; i < n; i++)
		r.more += fg_file_size(paths[i]);
	for (i = 0; i < (n ? n : 1); i++) {
		struct fold_input in;
		int rc;

		if (i > 0)
			r.more -= fg_file_size(paths[i]);
		if (fold_input_open(&in, n ? paths[i] : NULL, d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d->err);
		rc = fold_read(p, &in, &r, d);
		fold_input_close(&in);
		if (rc != 0)
			fg_die(FG_EXIT_ERR, "%s", d->err);
	}
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

void fg_out_open(struct fg_out *o, const char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct stat st;
	size_t i;
	int fd;

	o->path = path;
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
	if ((size_t)snprintf(tmp_path, sizeof(tmp_path), "%s.tmpXXXXXX", path) >=
	    sizeof(tmp_path))
		fg_die(FG_EXIT_ERR, "%s: path too long", path);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
	fd = mkstemp(tmp_path);
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
	/* mkstemp made it 0600; give it the mode a plain create would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(o->fd, 0666 & ~mask) != 0 || close(o->fd) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", o->path, strerror(errno));
	if (rename(tmp_path, o->path) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", o->path, strerror(errno));
	have_tmp = 0;
}

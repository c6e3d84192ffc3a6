/*
 * util.h - what every fgkit command shares: its name in messages, error
 * exits, warnings with a cap, and output files that appear whole or not at
 * all.
 */
#ifndef FG_UTIL_H
#define FG_UTIL_H

#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdnoreturn.h>

#include "formats/readers.h"

#define FG_VERSION_TEXT "fgkit " FGKIT_VERSION

/* The options every command has, closing its getopt_long table. */
#define FG_COMMON_OPTIONS \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

/* Exit statuses: bad input or I/O, and bad usage. */
#define FG_EXIT_ERR 1
#define FG_EXIT_USAGE 2

void fg_setprog(const char *argv0);
const char *fg_prog(void);

void fg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fg_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "PROG: usage problem" plus a pointer to --help, exit 2. */
noreturn void fg_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Report getopt_long's ':' or '?' for argv's last option, exit 2. */
noreturn void fg_bad_option(int c, char **argv);

/*
 * The options every command shares (FG_COMMON_OPTIONS): -q sets *quiet,
 * -h prints usage and exits 0, -V prints the version and exits 0; anything
 * else is bad usage.
 */
void fg_common_option(int c, char **argv, void (*usage)(FILE *f), int *quiet);

/*
 * Option opt's size argument in bytes: a number with an optional K, M or
 * G (KiB, MiB, GiB); not one, zero, or absurd is a usage error.
 */
size_t fg_size_arg(const char *opt, const char *arg);

/* Compile option --opt's POSIX extended regex re, or a usage error. */
void fg_regcomp(regex_t *rx, const char *opt, const char *re);

/* Bytes in a regular file; 0 for "-", pipes and what cannot be seen. */
uint64_t fg_file_size(const char *path);

/*
 * A diagnostics sink printing "PROG: msg" warnings, the first max of them
 * (0: none) and a count of the rest at fg_diag_done().
 */
void fg_diag_init(struct fold_diag *d, int max);
void fg_diag_done(struct fold_diag *d);

/*
 * Output to stdout (path NULL or "-"), or to a temporary file beside path
 * that fg_out_commit() renames into place, as sort -o does: through a
 * symlink to its target, with the mode of the file it replaces.  If the
 * command dies first, the temporary file is removed (also on SIGINT,
 * SIGTERM, SIGHUP, SIGPIPE); one that a kill -9 left, ".NAME.fgkit-tmp-PID"
 * of a PID that is gone, is removed by the next run writing to NAME.
 */
struct fg_out {
	int fd;
	const char *path;	/* the file replaced: a symlink's target */
	unsigned mode;		/* the mode of the file replaced, kept */
	int keep_mode;
};

void fg_out_open(struct fg_out *o, const char *path);
void fg_out_commit(struct fg_out *o);

/*
 * The inputs of a command that reads profiles: every format fgkit reads
 * (formats/readers.h), detected from content unless one is named, with the
 * readers' options and -q, -v, -h and -V handled here, so that a command's
 * main only parses its own options and runs.
 */
struct fg_input {
	struct readers rs;
	struct fold_diag d;
	int quiet, verbose;
	int no_arguments;		/* every path is an input (fg-diff) */
	const char *first;		/* the first input read, for messages */
	int ninputs;			/* inputs read */
	struct option *longopts;	/* the command's, the readers', ours */
	size_t nown;			/* the command's, first in longopts */
	const char **ropt;		/* reader option of code FG_OPT_READER + i */
	size_t nropt;
	void (*usage)(FILE *f);		/* the command's help text */
	size_t max_line;		/* --max-line, or 0 */
};

#define FG_OPT_READER 0x1000
#define FG_OPT_MAX_LINE 0x0fff

/*
 * Start: only is the format named (fg-collapse FORMAT) or NULL; own is the
 * command's getopt table (ending with FG_COMMON_OPTIONS); usage prints its
 * help.  in->longopts is the table to give getopt_long, with an optstring
 * that ends in "qvhV".
 */
void fg_input_init(struct fg_input *in, const struct fold_reader *only,
		   const struct option *own, void (*usage)(FILE *f));
/*
 * An option the command's switch does not know: a reader's, -q, -v, -h
 * (the command's usage, then the readers' options) or -V (which exit), or
 * bad usage (which exits with 2).
 */
void fg_input_option(struct fg_input *in, int c, char **argv);
/* After the options: readers' option conflicts are usage errors. */
void fg_input_ready(struct fg_input *in);
/* The readers' options for --help, under a heading. */
void fg_input_help(FILE *f, const struct fg_input *in);
/*
 * Read paths[0..n) (stdin when n is 0) into p with ro; a path that is a
 * reader's argument (a gperftools program) is taken as such.  Dies with
 * the reader's message on bad input; warns when inputs' units differ.
 */
void fg_input_read(struct fg_input *in, struct fold_profile *p, char **paths,
		   int n, const struct fold_read_opts *ro);
/* The readers' closing warnings, the warning count; frees. */
void fg_input_done(struct fg_input *in);

/*
 * Empty input, one rule for every command (formats/README.md, "Empty
 * input"): whether p has no samples (no stacks, or all counts 0).  A filter
 * (fg-collapse, fg-diff, fg-pprof) then warns, "INPUT: no samples", and
 * writes its empty output with status 0; a renderer (fg-svg, fg-icicle,
 * fg-top, fg-dot) writes its "no valid input" output and exits
 * FG_EXIT_USAGE, as flamegraph.pl does.
 */
int fg_input_empty(const struct fold_profile *p);
/* What the inputs were, for that message: the input's name, or "the inputs". */
const char *fg_input_what(const struct fg_input *in);
/* The filter's warning, unless -q. */
void fg_input_warn_empty(const struct fg_input *in, const struct fold_profile *p);

#endif

/*
 * util.h - what every fgkit command shares: its name in messages, error
 * exits, warnings with a cap, and output files that appear whole or not at
 * all.
 */
#ifndef FG_UTIL_H
#define FG_UTIL_H

#include <regex.h>
#include <stdnoreturn.h>

#include "libfold/fold.h"

#define FG_VERSION_TEXT "fgkit " FGKIT_VERSION

/* Exit statuses: bad input or I/O, and bad usage. */
/* The options every command has, closing its getopt_long table. */
#define FG_COMMON_OPTIONS \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

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

/* Compile option opt's POSIX extended regex re, or a usage error. */
void fg_regcomp(regex_t *rx, const char *opt, const char *re);

/* Bytes in a regular file; 0 for "-", pipes and what cannot be seen. */
uint64_t fg_file_size(const char *path);

/*
 * Read folded files (all of paths[0..n), or stdin when n is 0) into p;
 * dies with the reader's message on error.  ro->more is kept as the input
 * that follows the last file.
 */
void fg_read_folded(struct fold_profile *p, char **paths, int n,
		    const struct fold_read_opts *ro, struct fold_diag *d);

/*
 * A diagnostics sink printing "PROG: msg" warnings, the first max of them
 * (0: none) and a count of the rest at fg_diag_done().
 */
void fg_diag_init(struct fold_diag *d, int max);
void fg_diag_done(struct fold_diag *d);

/*
 * Output to stdout (path NULL or "-"), or to a temporary file beside path
 * that fg_out_commit() renames into place.  If the command dies first, the
 * temporary file is removed (also on SIGINT, SIGTERM, SIGHUP, SIGPIPE).
 */
struct fg_out {
	int fd;
	const char *path;
};

void fg_out_open(struct fg_out *o, const char *path);
void fg_out_commit(struct fg_out *o);

#endif

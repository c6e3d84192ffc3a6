/*
 * readers.h - every input format behind one table (struct fold_reader,
 * libfold/fold.h), and a command's inputs read through it: each input's
 * format told from its first bytes (or named: fg-collapse FORMAT), the
 * readers' options set once for the run, and one clear line when an input
 * is no format fgkit reads.
 */
#ifndef READERS_H
#define READERS_H

#include "libfold/input.h"

/*
 * The readers, ending with NULL.  When two detectors are equally sure, the
 * earlier reader wins.
 */
extern const struct fold_reader *const readers[];

/* The reader of format name ("perf", "pprof" ...), or NULL. */
const struct fold_reader *readers_find(const char *name);

/* The readers of one run: each one's state, and what it was given. */
struct readers {
	const struct fold_reader *only;	/* the format named, or NULL */
	struct reader_slot {
		const struct fold_reader *r;
		void *state;
		int used;		/* read an input */
		const char *set[8];	/* options set, to tell if unused */
		size_t nset;
	} *slot;
	size_t n;
};

/*
 * The readers of a run: only one format's when only is not NULL (inputs
 * are then not detected), else all.  -1 when out of memory.
 */
int readers_init(struct readers *rs, const struct fold_reader *only);
void readers_free(struct readers *rs);

/*
 * Set option name to arg (NULL when it takes none) in every reader of the
 * run that has it.  0 when set, 1 when no reader has it, -1 with a message
 * in d when arg is not valid (a usage error).
 */
int readers_set(struct readers *rs, const char *name, const char *arg,
		struct fold_diag *d);
/* After the options: -1 with a message when they do not go together. */
int readers_check(struct readers *rs, struct fold_diag *d);

/*
 * Whether path is a reader's own argument rather than an input (a
 * gperftools profile's program); more: how many paths follow it.
 */
int readers_argument(struct readers *rs, const char *path, int more);

/*
 * Read the input at path (NULL or "-": stdin) into p through its reader:
 * the one named, else the one whose detector is surest about its first
 * bytes.  *used is set to the reader (and *what to what the input is, for
 * -v).  -1 with a one-line message in d: the reader's, with what the input
 * looks like when it is no format of the reader's.
 */
int readers_read(struct readers *rs, struct fold_profile *p, const char *path,
		 const struct fold_read_opts *ro, struct fold_diag *d,
		 const struct fold_reader **used, const char **what);

/*
 * After the last input: the readers' own warnings, and one for each option
 * that no input read used.
 */
void readers_done(struct readers *rs, struct fold_diag *d);

#endif

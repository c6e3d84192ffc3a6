/*
 * pprof.h - pprof profile.proto to folded stacks, and folded stacks to
 * profile.proto, by the rules of `go tool pprof` (formats/README.md,
 * "pprof profile.proto").
 *
 * The message is decoded by protobuf-c from formats/profile.proto.  A
 * profile.proto cannot be read in pieces (its string table usually comes
 * last), so the reader takes the whole, already gunzipped, message.
 */
#ifndef PPROF_H
#define PPROF_H

#include <regex.h>

#include "libfold/fold.h"

struct pprof_read_opts {
	/*
	 * Which Sample.value: NULL for pprof's default (default_sample_type,
	 * else the last type), a decimal index, or a type name ("cpu",
	 * "alloc_space"; "inuse_X" also finds "X", as pprof allows).
	 */
	const char *sample_index;
	int no_inline;		/* only the outermost function of a location */
	int lines;		/* "func:LINE" */
	int files;		/* "func:FILE" (with lines "func:FILE:LINE") */
	int addresses;		/* symbol-less locations as "[module+0xOFF]"
				   or "0xADDR" instead of "[module]" */
	char *const *labels;	/* label keys to add as root frames, */
	size_t nlabels;		/*   the first one rootmost */
	const regex_t *focus;	/* keep samples with a frame matching */
	const regex_t *ignore;	/* drop samples with a frame matching */
};

struct pprof_read_stats {
	uint64_t samples;	/* added to the profile */
	uint64_t negative;	/* skipped: negative values */
	uint64_t filtered;	/* dropped by focus/ignore */
	char type[128];		/* the chosen sample type, "type/unit" */
};

/*
 * Decode the profile.proto message data[0..len) (name is for messages) and
 * add each sample's chosen value to column col of p, frames root to leaf:
 * the label frames, then each location's functions, outermost first.
 * Returns -1 with a one-line message in d when the message is not a valid
 * profile; warnings (no match for focus, skipped samples) go to d->warn.
 */
int pprof_fold(struct fold_profile *p, int col, const char *data, size_t len,
	       const char *name, const struct pprof_read_opts *opts,
	       struct pprof_read_stats *st, struct fold_diag *d);

/*
 * For the fuzz target: decode each sample of the message data[0..len) both
 * with the reader's fast path and with protobuf-c.  0 when they agree on
 * every sample the fast path takes, 1 when they differ, -1 when the
 * message's framing is broken.
 */
int pprof_check_samples(const char *data, size_t len);

/*
 * A reader's detector (struct fold_reader): head parses as the top-level
 * fields of a Profile message.
 */
enum fold_detect pprof_detect(const char *head, size_t n, int eof);

/* profile.proto, as every command reads it (formats/readers.c). */
extern const struct fold_reader pprof_reader;

struct pprof_write_opts {
	/* "type/unit" of each column; NULL: see pprof_write() */
	const char *type[FOLD_MAXCOLS];
	int64_t period;		/* 0: none */
	int level;		/* gzip level, 0-9; -1 for zlib's default */
};

/*
 * Write p as a gzipped profile.proto: one Function and one Location per
 * distinct frame name, one Sample per stack with p->ncols values.  Types
 * default to samples/count, or before/count and after/count for two
 * columns.  Fractional counts are rounded.  Returns -1 with a message in
 * d (and errno set) on failure.
 */
int pprof_write(const struct fold_profile *p, int fd,
		const struct pprof_write_opts *opts, struct fold_diag *d);

#endif

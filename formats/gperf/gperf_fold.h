/*
 * gperf_fold.h - gperftools CPU and heap profiles to folded stacks, with
 * their addresses symbolized through the binaries named in the profile's
 * maps (elfsym), as google-pprof --collapsed does.
 */
#ifndef GPERF_FOLD_H
#define GPERF_FOLD_H

#include "libfold/fold.h"

/* Which value of a heap profile (google-pprof's flags). */
enum gperf_value {
	GPERF_INUSE_SPACE,	/* the default */
	GPERF_INUSE_OBJECTS,
	GPERF_ALLOC_SPACE,
	GPERF_ALLOC_OBJECTS,
};

struct gperf_fold_opts {
	const char *binary;	/* replaces the main program's path, or NULL */
	enum gperf_value value;
	int no_inline;		/* only the function an address is in, not
				   the functions inlined into it there */
	int col;		/* the profile's column the counts go to */
	int strict;		/* a profile cut short is an error, not a
				   warning */
};

struct gperf_fold_stats {
	int heap;		/* 1: a heap profile, 0: a CPU profile */
	uint64_t samples;	/* records or buckets read */
	uint64_t stacks;	/* distinct address stacks */
	uint64_t addresses;	/* distinct addresses */
	uint64_t raw;		/* of those, left as [module+0xOFF] */
};

/*
 * Convert the profile data[0..len) (CPU or heap, told apart by content;
 * name for messages) into p's column o->col.  Addresses that cannot be
 * symbolized (no binary, a binary that does not match the mapping, no
 * symbol) are [module+0xOFF] frames, with one warning per module saying
 * why; a profile that is neither kind, or is broken, is an error (-1,
 * message in d).  Zero values are left out.
 */
int gperf_fold(struct fold_profile *p, const char *data, size_t len,
	       const char *name, const struct gperf_fold_opts *o,
	       struct gperf_fold_stats *st, struct fold_diag *d);

/* gperftools profiles, as every command reads them (formats/readers.c). */
extern const struct fold_reader gperf_reader;

#endif

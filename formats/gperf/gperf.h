/*
 * gperf.h - gperftools profiles: the binary CPU profile of libprofiler and
 * the text heap profile of tcmalloc, and the /proc/self/maps text both end
 * with (formats/README.md, "gperftools: CPU profile", "gperftools: heap
 * profile", "gperftools: maps text and address lookup").
 *
 * The parsers give raw address stacks (innermost first, as recorded) to a
 * callback, one record or bucket at a time; turning addresses into names
 * is the symbolizer's job, once the maps at the end are known.
 */
#ifndef GPERF_H
#define GPERF_H

#include "libfold/input.h"

/* One line of the maps text. */
struct gperf_map {
	uint64_t start, end;	/* [start, end) */
	uint64_t offset;	/* file offset of start */
	const char *path;	/* "" when anonymous */
	int exec;		/* perms have 'x' */
};

struct gperf_maps {
	struct gperf_map *v;
	size_t n, cap;
	struct fold_arena arena;	/* the paths */
};

void gperf_maps_init(struct gperf_maps *m);
void gperf_maps_free(struct gperf_maps *m);
/*
 * Add the mappings of one maps line (without its newline); lines that are
 * not mappings are ignored, as pprof does.  -1 only when out of memory.
 */
int gperf_maps_line(struct gperf_maps *m, const char *s, size_t len);
/* The executable mapping holding addr, or NULL. */
const struct gperf_map *gperf_maps_find(const struct gperf_maps *m,
					uint64_t addr);

/*
 * Called per record or bucket: pcs[0..n) innermost first, exactly as in
 * the file (return addresses not yet adjusted).  Returns 0, or -1 to stop
 * with the message the callee left in the diag.
 */
struct gperf_sample {
	uint64_t count;		/* CPU: ticks */
	uint64_t inuse_objects, inuse_bytes;	/* heap */
	uint64_t alloc_objects, alloc_bytes;	/* heap */
	const uint64_t *pcs;
	size_t n;
	uint64_t line;		/* heap: the bucket's line; CPU: 0 */
	uint64_t byte;		/* where the record or line starts */
};
typedef int (*gperf_sample_fn)(void *arg, const struct gperf_sample *s);

struct gperf_cpu_info {
	int word;		/* 4 or 8 bytes */
	int big_endian;
	uint64_t period_us;	/* sampling period */
	uint64_t records, ticks;
};

/* 1 if data starts like a CPU profile (pprof's header test), else 0. */
int gperf_cpu_detect(const char *data, size_t len);

/*
 * Parse the CPU profile data[0..len) (name for messages): each record to
 * fn, then the maps text into maps.  A header that is not a CPU profile's
 * is an error (-1, message in d).  Signs of a profile cut short are
 * warnings naming the byte, or with strict errors: a record running past
 * the end or a missing trailer (the records end there), no maps text, or
 * a last maps line without its newline (left out: a cut path could name
 * another file).
 */
int gperf_cpu_parse(const char *data, size_t len, const char *name,
		    int strict, gperf_sample_fn fn, void *arg,
		    struct gperf_maps *maps, struct gperf_cpu_info *info,
		    struct fold_diag *d);

struct gperf_heap_info {
	char tag[64];		/* "heapprofile", "heap_v2" ... */
	uint64_t sampling;	/* the /N after the tag, or 0 */
	uint64_t buckets;
};

/* 1 if the text starts with a heap profile header, else 0. */
int gperf_heap_detect(const char *data, size_t len);

/*
 * Parse a heap profile from in: each bucket to fn, then the maps after
 * MAPPED_LIBRARIES: (or --- Memory map: ---) into maps.  A malformed
 * bucket line, or a count past 2^64 - 1, is an error naming its line.  Signs of a profile cut short
 * are warnings naming the line and byte, or with strict errors: a last
 * line without its newline (left out: its last address may be cut, and
 * would be another address), or no maps.
 */
int gperf_heap_parse(struct fold_input *in, int strict, gperf_sample_fn fn,
		     void *arg, struct gperf_maps *maps,
		     struct gperf_heap_info *info, struct fold_diag *d);

#endif

/*
 * perf_fold.h - perf script samples to folded stacks, by the rules of
 * FlameGraph's stackcollapse-perf.pl (frame tidying, annotations, event
 * filter, period weights), with its known parsing bugs fixed.
 *
 * A consumer for perf_script_parse(): create one with perf_fold_new() and
 * pass perf_fold_sample with it as the callback.
 */
#ifndef PERF_FOLD_H
#define PERF_FOLD_H

#include <regex.h>

#include "libfold/fold.h"
#include "formats/perf/perf_script.h"

struct perf_fold_opts {
	int pid;		/* root frame "comm-PID" */
	int tid;		/* root frame "comm-PID/TID" */
	int kernel;		/* "_[k]" on kernel frames */
	int jit;		/* "_[j]" on /tmp/perf-PID.map frames */
	int addrs;		/* "[dso <addr>]" for unknown symbols */
	int inline_frames;	/* expand inlined calls from DWARF */
	int context;		/* with inline_frames: "func:file:line" */
	int srcline;		/* append ":file:line" from -F +srcline */
	int no_comm;		/* no process-name root frame */
	int no_idle;		/* drop samples in the kernel idle loop */
	const char *event_filter;	/* NULL: the first event type seen */
	const regex_t *skip_after;	/* drop frames rootward of the last match */
	int col;		/* the profile's column the counts go to */
	int keep_order;		/* also each sample in p->seq (flame charts) */
};

struct perf_fold_stats {
	uint64_t samples;	/* folded into the profile */
	uint64_t weighted;	/* of those, counted by their period */
	uint64_t filtered;	/* other event types */
	uint64_t idle;		/* dropped by no_idle */
	uint64_t empty;		/* no frames left */
};

struct perf_fold;

/* Counts go to column opts->col of p.  NULL on failure (message in d). */
struct perf_fold *perf_fold_new(struct fold_profile *p,
				const struct perf_fold_opts *opts,
				struct fold_diag *d);
/* A perf_sample_fn: returns -1 on failure, with the message in d. */
int perf_fold_sample(void *pf, const struct perf_sample *s);
const struct perf_fold_stats *perf_fold_stats(const struct perf_fold *pf);
/*
 * What the counts are: the kept event's sample periods (nanoseconds for
 * cpu-clock and task-clock, event counts for the others), or samples when
 * perf printed no periods.
 */
void perf_fold_unit(const struct perf_fold *pf, struct fold_unit *u);
void perf_fold_free(struct perf_fold *pf);

/* perf script text, as every command reads it (formats/readers.c). */
extern const struct fold_reader perf_script_reader;

#endif

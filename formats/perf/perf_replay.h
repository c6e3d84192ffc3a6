/*
 * perf_replay.h - perf_event ring-buffer records to symbolized samples.
 *
 * Records from several rings arrive in ring order; perf_replay queues them,
 * and at each flush replays those that can no longer be overtaken in time
 * order (perf's "finished round" rule: whatever is older than the newest
 * record of the previous round).  Replaying keeps the state perf keeps:
 * each thread's name (COMM, FORK, /proc), each process's executable
 * mappings (MMAP2, FORK copies, exec clears, /proc), so a sample is named
 * through the mappings its process had at that time, even when the process
 * is long gone by the end.  Each sample is handed on as a struct
 * perf_sample, the same one the perf script reader gives, with frames as
 * perf script prints them ("ADDR SYM+0xOFF (DSO)"), so fg-record's output
 * and `fg-collapse perf` of it go through one path.
 */
#ifndef PERF_REPLAY_H
#define PERF_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "libfold/fold.h"
#include "formats/perf/perf_script.h"

/* One event of a recording with several, told apart by their ids. */
struct perf_replay_event {
	const char *name;	/* printed: "page-faults", "sched:sched_switch" */
	uint64_t sample_type;	/* the common bits, and RAW for tracepoints */
	int offcpu;		/* sched:sched_switch feeding off-CPU time */
};

/*
 * Off-CPU time (formats/README.md, "perf_event: off-CPU time"): each
 * sched_switch sample of the offcpu event is held by the task it switched
 * out, and handed on when the task runs again (the next sched_switch that
 * names it next_pid, or a SWITCH record of its own) as an "offcpu-time"
 * sample whose period is the nanoseconds between.
 */
struct perf_replay_offcpu {
	size_t prev_pid, prev_state, next_pid;	/* offsets in the raw data */
	size_t state_size;			/* of prev_state: 4 or 8 */
	int all;	/* runnable waits (preempted) too, not only blocked */
	int mark;	/* "_[o]" after every frame's name (hot/cold) */
};

struct perf_replay_opts {
	uint64_t sample_type;	/* of the events (PERF_SAMPLE_* bits) */
	const char *event;	/* name printed: "cpu-clock", "cpu-clock:u" */
	const char *kallsyms;	/* NULL: /proc/kallsyms; "": no kernel names */
	/*
	 * Several events (NULL: the one above): samples start with their
	 * PERF_SAMPLE_IDENTIFIER, ids[i] being of events[id_event[i]].
	 */
	const struct perf_replay_event *events;
	size_t nevents;
	const uint64_t *ids;
	const uint32_t *id_event;
	size_t nids;
	const struct perf_replay_offcpu *offcpu;	/* NULL: none */
};

struct perf_replay_stats {
	uint64_t records;
	uint64_t samples;	/* handed on */
	uint64_t lost;		/* dropped by the kernel, buffer full */
	uint64_t throttled;	/* THROTTLE records */
	uint64_t late;		/* arrived after newer records were replayed */
	uint64_t bad;		/* malformed records skipped */
	uint64_t offcpu_ns;	/* off-CPU time handed on */
};

struct perf_replay;

struct perf_replay *perf_replay_new(const struct perf_replay_opts *o,
				    struct fold_diag *d);
void perf_replay_free(struct perf_replay *rp);

/*
 * Take the threads' names and executable mappings of process pid (every
 * process when pid < 0) from /proc, as it is now: for processes that were
 * running before the recording started.
 */
void perf_replay_scan_proc(struct perf_replay *rp, int pid);

/* Queue a copy of one record (header included).  -1 when out of memory. */
int perf_replay_add(struct perf_replay *rp, const void *rec, size_t size);

/*
 * End a round: replay, in time order, the queued records that no later
 * round can precede (all of them when final), calling fn per sample.
 * Returns 0, fn's non-zero value, or -1 (message in d).
 */
int perf_replay_flush(struct perf_replay *rp, int final, perf_sample_fn fn,
		      void *arg);

const struct perf_replay_stats *perf_replay_stats(const struct perf_replay *rp);

#endif

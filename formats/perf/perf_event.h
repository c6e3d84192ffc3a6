/*
 * perf_event.h - the live side of fg-record: sampling events opened with
 * perf_event_open(2), one per CPU (and per thread for -p/-t), and their
 * mmap ring buffers drained record by record (formats/README.md,
 * "perf_event recording (fg-record)").
 *
 * What the records mean is perf_replay's business; this module only opens,
 * enables, waits and copies records out of the rings in order, each one
 * whole even where it wraps around the end of its buffer.
 */
#ifndef PERF_EVENT_H
#define PERF_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum perfev_event { PERFEV_CPU_CLOCK, PERFEV_TASK_CLOCK, PERFEV_CYCLES };

struct perfev_opts {
	enum perfev_event event;
	unsigned freq;		/* samples a second (Hz) */
	int callchain;		/* PERF_SAMPLE_CALLCHAIN */
	int user_only;		/* exclude_kernel */
	int kernel_only;	/* exclude_user */
	unsigned pages;		/* ring data pages per buffer, a power of 2 */
	const char *cpus;	/* "0-3,6" to sample, NULL: all online */
	/*
	 * Targets, one of: a launched command (pid > 0 and enable_on_exec:
	 * it starts counting at its exec), every task (all_cpus), or the
	 * threads listed in tids (from -p, with inherit, or -t, without).
	 */
	pid_t command;
	int all_cpus;
	const pid_t *tids;
	size_t ntids;
	int inherit;
};

/* What was opened, after any fallback. */
struct perfev_info {
	uint64_t sample_type;
	char event[32];		/* as perf script names it: "cpu-clock:u" */
	int fell_back;		/* cycles could not be opened: cpu-clock */
	int user_fallback;	/* kernel samples denied: user only */
	size_t nrings;
};

struct perfev;

/*
 * Open and mmap everything, disabled (a command's events enable at its
 * exec).  NULL on failure, with a one-line message in err saying what to
 * change (perf_event_paranoid, CAP_PERFMON, the buffer size ...).
 */
struct perfev *perfev_open(const struct perfev_opts *o, struct perfev_info *info,
			   char *err, size_t errlen);
/* Enable or disable every event. */
int perfev_enable(struct perfev *ev, int on);

/* Called once per record, whole: header included, size from the header. */
typedef int (*perfev_record_fn)(void *arg, const void *rec, size_t size);

/*
 * Copy every record now in the rings out to fn, ring by ring (each ring in
 * the order written), and hand the space back to the kernel.  Returns 0,
 * fn's non-zero value, or -1 if a ring holds a malformed header (err).
 */
int perfev_drain(struct perfev *ev, perfev_record_fn fn, void *arg,
		 char *err, size_t errlen);

/*
 * Wait until some ring passes its wakeup mark or timeout_ms passes.  A
 * signal ends the wait early (returns 0 then too); -1 on error.
 */
int perfev_wait(struct perfev *ev, int timeout_ms);

void perfev_close(struct perfev *ev);

/*
 * Parse a CPU list ("0-3,6") into a bitmap of max bits; the number of CPUs
 * set, or -1 if the text is not a list or names a CPU >= max.
 */
int perfev_cpulist(const char *s, unsigned char *set, int max);

#endif

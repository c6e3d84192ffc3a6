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

/*
 * One event to sample, as perf names it (perfev_event_parse): a software
 * event, a hardware one (cpu-clock where the PMU has none), or a
 * tracepoint, whose id comes from tracefs.
 */
struct perfev_event {
	char name[64];		/* as given: "page-faults", "sched:sched_switch" */
	uint32_t type;		/* PERF_TYPE_SOFTWARE, _HARDWARE, _TRACEPOINT */
	uint64_t config;
	int raw;		/* PERF_SAMPLE_RAW: the tracepoint's fields */
	int context_switch;	/* SWITCH records too (off-CPU switch-ins) */
};

/*
 * Fill e for perf's name of an event.  0; 1 if the name is no event
 * perf knows (a usage error, no message); -1 with a one-line message in err
 * saying what to change (tracefs not mounted, not readable, no such
 * tracepoint).
 */
int perfev_event_parse(const char *name, struct perfev_event *e, char *err,
		       size_t errlen);

/*
 * Where tracepoint SUBSYS:NAME's tracefs folder is ("/sys/kernel/tracing/
 * events/sched/sched_switch"): 0, or -1 with err set as above.
 */
int perfev_tracepoint_dir(const char *tp, char *dir, size_t dirlen,
			  char *err, size_t errlen);

/*
 * A field of a tracepoint's raw data, from its format file ("field:pid_t
 * prev_pid; offset:24; size:4; signed:1;").  0, or -1 if there is none.
 */
int perfev_tracepoint_field(const char *dir, const char *field,
			    size_t *offset, size_t *size);

struct perfev_opts {
	const struct perfev_event *events;	/* the first leads each ring */
	size_t nevents;
	unsigned freq;		/* samples a second (Hz), or ... */
	uint64_t period;	/* ... every PERIOD events (-c); tracepoints: 1 */
	unsigned max_stack;	/* call chain frames at most; 0: the kernel's */
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
	uint64_t sample_type;	/* of every event, but RAW for tracepoints */
	struct perfev_opened {
		char name[72];	/* as perf script names it: "cpu-clock:u" */
		uint64_t sample_type;
		int fell_back;	/* a hardware event became cpu-clock */
	} *events;		/* opts' events, in order (owned by perfev) */
	/* With several events, each sample's PERF_SAMPLE_IDENTIFIER. */
	const uint64_t *ids;
	const uint32_t *id_event;	/* ids[i] is of events[id_event[i]] */
	size_t nids;
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

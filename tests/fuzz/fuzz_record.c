/*
 * fuzz_record - libFuzzer target for perf_replay, fg-record's reader of
 * perf_event ring-buffer records.  The first byte picks the sample_type
 * (call chains, CPU, IDENTIFIER shifting every field); the rest is read as
 * records, each sized by its own header as in a ring buffer, flushed in
 * rounds of eight and finally all at once.  With bit 4 of the first byte
 * the text after the last whole record is read as /proc/kallsyms; with
 * bit 5, samples are of two events told apart by IDENTIFIER (ids 1 and
 * 2), the second a sched_switch with RAW fields feeding off-CPU time
 * (held samples, SWITCH records, _[o] frames).  MMAP2 paths in the input may
 * name real files, which are then opened and symbolized; that is fine.
 *
 *   make fuzz && build/fuzz/fuzz_record -max_total_time=60 \
 *           build/fuzz/corpus-record tests/fuzz/corpus/record
 */
#include <linux/perf_event.h>
#include <stdint.h>

#include "fuzz.h"
#include "formats/perf/perf_replay.h"

/* Touch what the replay hands out, so ASan sees any bad pointer. */
static int consume(void *arg, const struct perf_sample *s)
{
	uint64_t *sum = arg;
	size_t i;

	for (i = 0; i < s->nframes; i++)
		*sum += s->frames[i].len + (unsigned char)s->frames[i].text[0];
	*sum += s->comm_len + (unsigned char)s->comm[0] + s->event_len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_replay_opts o = { .event = "cpu-clock", .kallsyms = "" };
	struct perf_replay_event events[2] = {
		{ .name = "cpu-clock" }, { .name = "sched:sched_switch", .offcpu = 1 },
	};
	static const uint64_t ids[2] = { 1, 2 };
	static const uint32_t id_event[2] = { 0, 1 };
	/* sched_switch's offsets on Linux 6.x. */
	struct perf_replay_offcpu oc = { .prev_pid = 24, .prev_state = 32,
					 .next_pid = 56, .state_size = 8, .mark = 1 };
	struct fold_diag d = { 0 };
	struct perf_replay *rp;
	uint64_t sum = 0;
	size_t off = 1, n = 0, end;
	char kpath[64];
	int kfd = -1;

	if (size < 1)
		return 0;
	o.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			PERF_SAMPLE_PERIOD;
	if (data[0] & 1)
		o.sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (data[0] & 2)
		o.sample_type |= PERF_SAMPLE_CPU;
	if (data[0] & 4)
		o.sample_type |= PERF_SAMPLE_IDENTIFIER;
	if (data[0] & 8)
		o.sample_type &= ~(uint64_t)PERF_SAMPLE_TIME;
	/* Where the records end, so the rest can be the kallsyms text. */
	for (end = 1; size - end >= 8;) {
		uint16_t len;

		memcpy(&len, data + end + 6, 2);
		if (len < 8 || len > size - end)
			break;
		end += len;
	}
	if ((data[0] & 16) && (kfd = memfd_create("kallsyms", 0)) >= 0 &&
	    write(kfd, data + end, size - end) == (ssize_t)(size - end)) {
		snprintf(kpath, sizeof(kpath), "/proc/self/fd/%d", kfd);
		o.kallsyms = kpath;
	}
	if (data[0] & 32) {
		/* What fg-record --hot-cold gives the replay. */
		o.sample_type |= PERF_SAMPLE_IDENTIFIER;
		events[0].sample_type = o.sample_type;
		events[1].sample_type = o.sample_type | PERF_SAMPLE_RAW;
		o.events = events;
		o.nevents = 2;
		o.ids = ids;
		o.id_event = id_event;
		o.nids = 2;
		o.offcpu = &oc;
		oc.all = (data[0] & 64) != 0;
	}
	if ((rp = perf_replay_new(&o, &d)) == NULL) {
		if (kfd >= 0)
			close(kfd);
		return 0;
	}
	while (off < end) {	/* records already sized and checked above */
		uint16_t len;

		memcpy(&len, data + off + 6, 2);
		if (perf_replay_add(rp, data + off, len) != 0)
			break;
		off += len;
		if (++n % 8 == 0 && perf_replay_flush(rp, 0, consume, &sum) != 0)
			break;
	}
	perf_replay_flush(rp, 1, consume, &sum);
	sum += perf_replay_stats(rp)->lost;
	perf_replay_free(rp);
	if (kfd >= 0)
		close(kfd);
	return sum == 42;	/* any value will do; keeps sum alive */
}

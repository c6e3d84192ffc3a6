/* perf_script_write.c - samples as `perf script` text. */
#include <inttypes.h>
#include <stdio.h>

#include "formats/perf/perf_script.h"
#include "libfold/out.h"

/* A frame, its address word right-aligned in 16 columns as perf does. */
static void put_frame(struct fold_out *o, const struct perf_frame *fr)
{
	static const char sp[] = "                ";
	const char *blank = memchr(fr->text, ' ', fr->len);
	size_t a = blank ? (size_t)(blank - fr->text) : fr->len;

	if (a < 16)
		fold_out_bytes(o, sp, 16 - a);
	fold_out_bytes(o, fr->text, fr->len);
}

void perf_script_write(struct fold_out *o, const struct perf_sample *s)
{
	size_t i;

	fold_out_printf(o, "%.*s %5" PRId64 "/%-5" PRId64 " ", (int)s->comm_len,
			s->comm, s->pid, s->tid);
	if (s->cpu >= 0)
		fold_out_printf(o, "[%03d] ", s->cpu);
	if (s->has_time) {
		char t[32];

		snprintf(t, sizeof(t), "%" PRIu64 ".%06" PRIu64,
			 s->time_ns / 1000000000, s->time_ns % 1000000000 / 1000);
		fold_out_printf(o, "%12s: ", t);
	}
	if (s->has_period)
		fold_out_printf(o, "%10" PRIu64 " ", s->period);
	fold_out_printf(o, "%.*s: ", (int)s->event_len, s->event);
	if (s->one_line) {
		if (s->nframes > 0)
			put_frame(o, &s->frames[0]);
		fold_out_char(o, '\n');
		return;
	}
	fold_out_char(o, '\n');
	for (i = 0; i < s->nframes; i++) {
		fold_out_char(o, '\t');
		put_frame(o, &s->frames[i]);
		fold_out_char(o, '\n');
	}
	fold_out_char(o, '\n');
}

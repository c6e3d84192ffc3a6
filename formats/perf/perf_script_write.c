/* perf_script_write.c - samples as `perf script` text. */
#include <inttypes.h>

#include "formats/perf/perf_script.h"

/* A frame, its address word right-aligned in 16 columns as perf does. */
static void put_frame(FILE *f, const struct perf_frame *fr)
{
	const char *sp = memchr(fr->text, ' ', fr->len);
	size_t a = sp ? (size_t)(sp - fr->text) : fr->len;

	fprintf(f, "%*s%.*s", a < 16 ? (int)(16 - a) : 0, "", (int)fr->len,
		fr->text);
}

int perf_script_write(FILE *f, const struct perf_sample *s)
{
	size_t i;

	fprintf(f, "%.*s %5" PRId64 "/%-5" PRId64 " ", (int)s->comm_len, s->comm,
		s->pid, s->tid);
	if (s->cpu >= 0)
		fprintf(f, "[%03d] ", s->cpu);
	if (s->has_time) {
		char t[32];

		snprintf(t, sizeof(t), "%" PRIu64 ".%06" PRIu64,
			 s->time_ns / 1000000000, s->time_ns % 1000000000 / 1000);
		fprintf(f, "%12s: ", t);
	}
	if (s->has_period)
		fprintf(f, "%10" PRIu64 " ", s->period);
	fprintf(f, "%.*s: ", (int)s->event_len, s->event);
	if (s->one_line) {
		if (s->nframes > 0)
			put_frame(f, &s->frames[0]);
		putc('\n', f);
		return ferror(f);
	}
	putc('\n', f);
	for (i = 0; i < s->nframes; i++) {
		putc('\t', f);
		put_frame(f, &s->frames[i]);
		putc('\n', f);
	}
	putc('\n', f);
	return ferror(f);
}

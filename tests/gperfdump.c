/*
 * gperfdump - what the gperftools parsers read from a profile, for the
 * tests: totals, the header, and where the first stack's addresses are
 * mapped.  One line per fact:
 *
 *   cpu word=8 big=0 period=4000 records=N ticks=N maps=N exec=N
 *   heap tag=heapprofile sampling=0 buckets=N inuse=OBJS/BYTES alloc=OBJS/BYTES maps=N
 *   first=PATH+0xOFF		(the innermost PC of the first stack)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "libfold/input.h"
#include "formats/gperf/gperf.h"

struct sums {
	uint64_t inuse[2], alloc[2];
	uint64_t first;
	int have_first;
};

static int add(void *arg, const struct gperf_sample *s)
{
	struct sums *t = arg;

	t->inuse[0] += s->inuse_objects;
	t->inuse[1] += s->inuse_bytes;
	t->alloc[0] += s->alloc_objects;
	t->alloc[1] += s->alloc_bytes;
	if (!t->have_first) {
		t->first = s->pcs[0];
		t->have_first = 1;
	}
	return 0;
}

static void warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "gperfdump: warning: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct fold_diag d = { warn, NULL, "" };
	struct gperf_maps maps;
	struct sums t = { 0 };
	size_t len, i, nexec = 0;
	char *data = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: gperfdump PROFILE\n");
		return 2;
	}
	gperf_maps_init(&maps);
	if (fold_slurp(argv[1], (size_t)1 << 30, &data, &len, &d) != 0)
		goto fail;
	if (gperf_cpu_detect(data, len)) {
		struct gperf_cpu_info ci;

		if (gperf_cpu_parse(data, len, argv[1], 0, add, &t, &maps, &ci,
				    &d) != 0)
			goto fail;
		for (i = 0; i < maps.n; i++)
			nexec += maps.v[i].exec;
		printf("cpu word=%d big=%d period=%" PRIu64 " records=%" PRIu64
		       " ticks=%" PRIu64 " maps=%zu exec=%zu\n", ci.word,
		       ci.big_endian, ci.period_us, ci.records, ci.ticks,
		       maps.n, nexec);
	} else {
		struct gperf_heap_info hi;
		struct fold_input in;
		int rc;

		if (fold_input_open(&in, argv[1], &d) != 0)
			goto fail;
		rc = gperf_heap_parse(&in, 0, add, &t, &maps, &hi, &d);
		fold_input_close(&in);
		if (rc != 0)
			goto fail;
		printf("heap tag=%s sampling=%" PRIu64 " buckets=%" PRIu64
		       " inuse=%" PRIu64 "/%" PRIu64 " alloc=%" PRIu64 "/%"
		       PRIu64 " maps=%zu\n", hi.tag, hi.sampling, hi.buckets,
		       t.inuse[0], t.inuse[1], t.alloc[0], t.alloc[1], maps.n);
	}
	if (t.have_first) {
		const struct gperf_map *m = gperf_maps_find(&maps, t.first);

		if (m != NULL)
			printf("first=%s+0x%" PRIx64 "\n", m->path,
			       t.first - m->start + m->offset);
		else
			printf("first=?\n");
	}
	free(data);
	gperf_maps_free(&maps);
	return 0;
fail:
	fprintf(stderr, "gperfdump: %s\n", d.err);
	free(data);
	gperf_maps_free(&maps);
	return 1;
}

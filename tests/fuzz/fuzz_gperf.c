/*
 * fuzz_gperf - libFuzzer target for the gperftools parsers: the input is
 * a CPU profile when it starts like one, else it is read as a heap
 * profile (through a memfd, like a real file).  Then the whole
 * conversion, gperf_fold, runs on the same bytes with the first byte's
 * low bits choosing the options; the maps' paths it may open are what the
 * input names (a real library now and then, which is fine).
 *
 *   make fuzz && build/fuzz/fuzz_gperf -max_total_time=60 \
 *           build/fuzz/corpus-gperf tests/fuzz/corpus/gperf
 */
#include <stdint.h>
#include <stdlib.h>

#include "libfold/input.h"
#include "fuzz.h"
#include "formats/gperf/gperf.h"
#include "formats/gperf/gperf_fold.h"

/* Touch what the parsers hand out, so ASan sees any bad pointer. */
static int consume(void *arg, const struct gperf_sample *s)
{
	uint64_t *sum = arg;
	size_t i;

	for (i = 0; i < s->n; i++)
		*sum += s->pcs[i];
	*sum += s->count + s->inuse_bytes + s->alloc_objects;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_diag d = { 0 };
	struct gperf_maps maps;
	uint64_t sum = 0;
	size_t i;

	gperf_maps_init(&maps);
	if (gperf_cpu_detect((const char *)data, size)) {
		struct gperf_cpu_info ci;

		gperf_cpu_parse((const char *)data, size, "fuzz",
				size > 0 && (data[0] & 8), consume, &sum,
				&maps, &ci, &d);
	} else {
		struct gperf_heap_info hi;
		struct fold_input in;

		if (fuzz_input(&in, data, size, &d) == 0) {
			gperf_heap_parse(&in, size > 0 && (data[0] & 8),
					 consume, &sum, &maps, &hi, &d);
			fold_input_close(&in);
		}
	}
	for (i = 0; i < maps.n; i++)
		sum += strlen(maps.v[i].path) + (gperf_maps_find(&maps, maps.v[i].start) != NULL);
	gperf_maps_free(&maps);
	{
		struct gperf_fold_opts o = { 0 };
		struct gperf_fold_stats st;
		struct fold_profile p;
		char *copy = malloc(size + FOLD_INPUT_SLACK);

		if (copy != NULL && fold_profile_init(&p, 1) == 0) {
			memcpy(copy, data, size);
			memset(copy + size, 0, FOLD_INPUT_SLACK);
			o.value = size > 0 ? (enum gperf_value)(data[0] & 3) :
					     GPERF_INUSE_SPACE;
			o.no_inline = size > 0 && (data[0] & 4);
			o.strict = size > 0 && (data[0] & 8);
			if (gperf_fold(&p, copy, size, "fuzz", &o, &st, &d) == 0)
				sum += p.nstacks + st.raw;
			fold_profile_free(&p);
		}
		free(copy);
	}
	return sum == 42;	/* any value will do; keeps sum alive */
}

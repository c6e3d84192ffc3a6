/*
 * fuzz_perf - libFuzzer target for the perf script reader and the folding
 * rules.  The first byte picks the options; the rest is the input.
 *
 *   make fuzz && build/fuzz/fuzz_perf -max_total_time=60 \
 *           build/fuzz/corpus-perf tests/fuzz/corpus/perf
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "libfold/input.h"
#include "formats/perf/perf_fold.h"
#include "formats/perf/perf_script.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_fold_opts o = { 0 };
	struct perf_parse_opts po = { 0 };
	struct perf_parse_stats st;
	struct fold_diag d = { 0 };
	struct fold_profile p;
	struct fold_input in;
	struct perf_fold *pf;
	unsigned char opt;
	int out;

	if (size == 0)
		return 0;
	opt = data[0];
	o.pid = opt & 1;
	o.tid = opt & 2;
	o.kernel = opt & 4;
	o.jit = opt & 8;
	o.addrs = opt & 16;
	o.srcline = opt & 32;
	o.no_comm = opt & 64;
	o.no_idle = opt & 128;
	if (fuzz_input(&in, data + 1, size - 1, &d) != 0)
		return 0;
	if (fold_profile_init(&p, 1) == 0) {
		pf = perf_fold_new(&p, &o, &d);
		if (pf != NULL) {
			if (perf_script_parse(&in, &po, perf_fold_sample, pf, &st, &d) == 0) {
				out = open("/dev/null", O_WRONLY);
				fold_write(&p, out);
				close(out);
			}
			perf_fold_free(pf);
		}
		fold_profile_free(&p);
	}
	fold_input_close(&in);
	return 0;
}

/*
 * fuzz_diff - libFuzzer target for fg-diff's path: two folded inputs read
 * into the columns of one profile (then hex addresses stripped, if asked),
 * -n normalization, the per-function sums and every report format.
 *
 * The input is BEFORE, a NUL byte, then AFTER; the first byte picks the
 * options.
 *
 *   make fuzz && build/fuzz/fuzz_diff -max_total_time=60 \
 *           build/fuzz/corpus-diff tests/fuzz/corpus/diff
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "formats/report/diff_report.h"
#include "libfold/input.h"
#include "fuzz.h"

/* Read data[0..size) into column col of p. */
static int read_col(struct fold_profile *p, int col, const uint8_t *data,
		    size_t size)
{
	struct fold_read_opts o = { .ncols = 1, .col = col };
	struct fold_diag d = { 0 };
	struct fold_input in;
	int rc;

	if (fuzz_input(&in, data, size, &d) != 0)
		return -1;
	rc = fold_read(p, &in, &o, &d);
	fold_input_close(&in);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep;
	struct fold_profile p;
	struct diff_report r;
	int flags, out, f;

	if (size == 0)
		return 0;
	flags = data[0];
	data++;
	size--;
	sep = memchr(data, '\0', size);
	if (sep == NULL)
		return 0;
	if (fold_profile_init(&p, 2) != 0)
		return 0;
	if (read_col(&p, 0, data, (size_t)(sep - data)) == 0 &&
	    read_col(&p, 1, sep + 1, size - (size_t)(sep + 1 - data)) == 0 &&
	    (!(flags & 1) || fold_rename(&p, fold_strip_hex, NULL) == 0)) {
		if (flags & 2)
			fold_normalize(&p);
		out = open("/dev/null", O_WRONLY);
		fold_write(&p, out);
		if (diff_report_build(&r, &p, (flags >> 2) & 1) == 0) {
			struct fold_out o;

			if (fold_out_init(&o, out, 4096) == 0) {
				for (f = TABLE_TEXT; f <= TABLE_JSON; f++)
					diff_report_write(&o, (enum table_format)f, &r,
							  r.rows, r.n,
							  (flags & 8) ? 1.5 : -1);
				fold_out_close(&o);
			}
			diff_report_free(&r);
		}
		close(out);
	}
	fold_profile_free(&p);
	return 0;
}

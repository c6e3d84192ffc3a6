/*
 * fuzz_folded - libFuzzer target for the folded reader, writer and prefix
 * tree.  The first byte picks strict mode and the column count.
 *
 *   make fuzz && build/fuzz/fuzz_folded -max_total_time=60 \
 *           build/fuzz/corpus-folded tests/fuzz/corpus/folded
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "libfold/input.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	struct fold_profile p;
	struct fold_input in;
	struct fold_tree t;
	int out;

	if (size == 0)
		return 0;
	o.strict = data[0] & 1;
	o.ncols = (data[0] >> 1) % 3;	/* 0 (detect), 1 or 2 */
	if (fuzz_input(&in, data + 1, size - 1, &d) != 0)
		return 0;
	if (fold_profile_init(&p, 1) == 0) {
		if (fold_read(&p, &in, &o, &d) == 0) {
			size_t i;

			/* the reader's sort hints are all true */
			for (i = 1; i < p.nstacks; i++)
				if (fold_stack_ascending(&p, i) &&
				    fold_stack_cmp(&p, i - 1, i) >= 0)
					abort();
			out = open("/dev/null", O_WRONLY);
			fold_write(&p, out);
			close(out);
			if (fold_tree_build(&t, &p) == 0)
				fold_tree_free(&t);
		}
		fold_profile_free(&p);
	}
	fold_input_close(&in);
	return 0;
}

/*
 * fuzz_stacks - libFuzzer target for the text stack readers of
 * formats/text/ (dtrace, stap, bpftrace, gdb, elfutils, sample, vtune,
 * vsprof, recursive): every one's detector on the input, then the input
 * folded by the reader the first byte names, with the options and profile
 * shape it also picks, and the result written as folded text.
 *
 *   make fuzz && build/fuzz/fuzz_stacks -max_total_time=60 \
 *           build/fuzz/corpus-stacks tests/fuzz/corpus/stacks
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/text/stacks.h"
#include "fuzz.h"

static const struct fold_reader *const stack_readers[] = {
	&stk_dtrace_reader, &stk_stap_reader, &stk_bpftrace_reader,
	&stk_gdb_reader, &stk_elfutils_reader, &stk_sample_reader,
	&stk_vtune_reader, &stk_vsprof_reader, &stk_recursive_reader,
};

#define NREADERS (sizeof(stack_readers) / sizeof(stack_readers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_read_opts ro = { 0 };
	struct fold_diag d = { 0 };
	const struct fold_reader *r;
	const struct fold_reader_option *o;
	struct fold_profile p;
	struct fold_input in;
	void *state;
	char *copy;
	size_t i;
	int out, k = 0;

	if (size < 2)
		return 0;
	/* Byte 0: the reader; byte 1: its options, input order, columns. */
	r = stack_readers[data[0] % NREADERS];
	ro.keep_order = data[1] & 1;
	ro.col = (data[1] >> 1) & 1;
	copy = calloc(1, size + FOLD_INPUT_SLACK);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 2, size - 2);
	for (i = 0; i < NREADERS; i++) {
		stack_readers[i]->detect(copy, size - 2, 1);
		stack_readers[i]->detect(copy, size - 2, 0);
	}
	free(copy);
	state = calloc(1, r->state_size ? r->state_size : 1);
	if (state == NULL)
		return 0;
	for (o = r->options; o != NULL && o->name != NULL; o++, k++)
		if ((data[1] >> (2 + k)) & 1)
			r->set(state, o->name, "", &d);
	if (fold_profile_init(&p, ro.col ? 2 : 1) == 0) {
		if (fuzz_input(&in, data + 2, size - 2, &d) == 0) {
			if (r->fold(state, &p, &in, &ro, &d) == 0) {
				out = open("/dev/null", O_WRONLY);
				fold_write(&p, out);
				close(out);
			}
			fold_input_close(&in);
		}
		fold_profile_free(&p);
	}
	if (r->free != NULL)
		r->free(state);
	free(state);
	return 0;
}

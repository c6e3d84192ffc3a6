/*
 * fuzz_readers - libFuzzer target for format detection and the reader
 * table: every detector on the input's first bytes, then the input read as
 * fgkit's commands read it (detected, or named by the first byte), into a
 * one- or two-column profile, and the result written as folded text.
 *
 *   make fuzz && build/fuzz/fuzz_readers -max_total_time=60 \
 *           build/fuzz/corpus-readers tests/fuzz/corpus/readers
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/readers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_read_opts ro = { 0 };
	struct fold_diag d = { 0 };
	const struct fold_reader *only = NULL, *used;
	const char *what;
	struct readers rs;
	struct fold_profile p;
	char *copy, path[64];
	size_t i, nr = 0;
	int fd, out;

	if (size == 0)
		return 0;
	while (readers[nr] != NULL)
		nr++;
	/* First byte: which reader (or detection), columns, input order. */
	if (data[0] % (nr + 1) < nr)
		only = readers[data[0] % (nr + 1)];
	ro.keep_order = (data[0] >> 4) & 1;
	ro.col = (data[0] >> 5) & 1;
	data++;
	size--;
	/* Each detector on the bytes alone, with the slack they may read. */
	copy = calloc(1, size + FOLD_INPUT_SLACK);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	for (i = 0; i < nr; i++) {
		readers[i]->detect(copy, size, 1);
		readers[i]->detect(copy, size, 0);
	}
	free(copy);
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readers_init(&rs, only) == 0) {
		if (fold_profile_init(&p, ro.col ? 2 : 1) == 0) {
			if (readers_read(&rs, &p, path, &ro, &d, &used, &what) == 0) {
				out = open("/dev/null", O_WRONLY);
				fold_write(&p, out);
				close(out);
			}
			readers_done(&rs, &d);
			fold_profile_free(&p);
		}
		readers_free(&rs);
	}
	close(fd);
	return 0;
}

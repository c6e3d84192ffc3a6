/* fuzz.h - what the libFuzzer targets share. */
#ifndef FG_FUZZ_H
#define FG_FUZZ_H

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libfold/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An input over data[0..size), read through a memfd like a real file (so
 * the gzip and refill paths run too).  0, or -1 if it could not be opened.
 */
static inline int fuzz_input(struct fold_input *in, const uint8_t *data,
			     size_t size, struct fold_diag *d)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0 || fold_input_fd(in, fd, "fuzz", d) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	in->owned = 1;
	return 0;
}

/* fold_slurp() of what the descriptor fd holds, as if it were a file. */
static inline int fuzz_slurp_fd(int fd, char **buf, size_t *len,
				struct fold_diag *d)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fold_slurp(path, (size_t)64 << 20, buf, len, d);
}

#endif

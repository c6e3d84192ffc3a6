/* fuzz.h - what the libFuzzer targets share. */
#ifndef FG_FUZZ_H
#define FG_FUZZ_H

#include <sys/mman.h>
#include <unistd.h>

#include "fold.h"

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

#endif

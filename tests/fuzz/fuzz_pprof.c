/*
 * fuzz_pprof - libFuzzer target for `fg-collapse pprof`: the input (after
 * its first byte, which picks options) is a profile.proto message, gzipped
 * or not, read as fold_slurp reads a file.  The samples are also decoded
 * by both decoders, which must agree, and what was read is written back
 * with pprof_write.
 *
 *   make fuzz && build/fuzz/fuzz_pprof -max_total_time=60 \
 *           build/fuzz/corpus-pprof tests/fuzz/corpus/pprof
 */
#include <fcntl.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libfold/input.h"
#include "fuzz.h"
#include "formats/pprof/pprof.h"

/*
 * Write p with pprof_write and read it back: the writer's own sample
 * encoding must decode the same with protobuf-c, and give p's stacks.
 */
static void write_back(const struct fold_profile *p,
		       const struct pprof_write_opts *wo)
{
	struct pprof_read_opts o = { 0 };
	struct pprof_read_stats st;
	struct fold_diag d = { 0 };
	struct fold_profile q;
	char *buf;
	size_t len;
	int fd = memfd_create("back", 0);

	if (fd < 0)
		abort();
	if (pprof_write(p, fd, wo, &d) != 0) {
		close(fd);
		return;
	}
	if (fuzz_slurp_fd(fd, &buf, &len, &d) != 0)
		abort();
	if (pprof_check_samples(buf, len) != 0 || fold_profile_init(&q, 1) != 0)
		abort();
	if (pprof_fold(&q, 0, buf, len, "back", &o, &st, &d) != 0)
		abort();
	/* Zero-count stacks are not written; every other one comes back. */
	if (q.nstacks > p->nstacks)
		abort();
	fold_profile_free(&q);
	free(buf);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const keys[] = { "stage", "shard" };
	static const char *const index[] = { NULL, "0", "1", "cpu",
					     "inuse_space", "samples", NULL, "9" };
	struct pprof_read_opts o = { 0 };
	struct pprof_write_opts wo = { .level = 1 };
	struct pprof_read_stats st;
	struct fold_diag d = { 0 };
	struct fold_profile p;
	regex_t focus, ignore;
	char *buf;
	size_t len;
	int fd, flags;

	if (size == 0)
		return 0;
	flags = data[0];
	data++;
	size--;
	o.sample_index = index[flags & 7];
	o.no_inline = flags >> 3 & 1;
	o.lines = flags >> 4 & 1;
	o.files = o.addresses = flags >> 5 & 1;
	if (flags >> 6 & 1) {
		o.labels = keys;
		o.nlabels = 2;
	}
	if (flags >> 7 & 1) {
		regcomp(&focus, "main", REG_EXTENDED | REG_NOSUB);
		regcomp(&ignore, "^runtime\\.", REG_EXTENDED | REG_NOSUB);
		o.focus = &focus;
		o.ignore = &ignore;
	}
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	if (fuzz_slurp_fd(fd, &buf, &len, &d) == 0) {
		if (pprof_check_samples(buf, len) == 1)
			abort();	/* the fast path and protobuf-c disagree */
		if (fold_profile_init(&p, 1) == 0) {
			if (pprof_fold(&p, 0, buf, len, "fuzz", &o, &st, &d) == 0)
				write_back(&p, &wo);
			fold_profile_free(&p);
		}
		free(buf);
	}
	close(fd);
	if (o.focus != NULL) {
		regfree(&focus);
		regfree(&ignore);
	}
	return 0;
}

/*
 * fuzz_runtimes - libFuzzer target for the runtime dump readers
 * (formats/runtime/, perf-sched): the first byte picks the reader and its
 * options, the rest is the input, read as fg-collapse FORMAT reads it,
 * into a one- or two-column profile, written as folded text; and every
 * runtime detector on the bytes alone.
 *
 *   make fuzz && build/fuzz/fuzz_runtimes -max_total_time=60 \
 *           build/fuzz/corpus-runtimes tests/fuzz/corpus/runtimes
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/readers.h"
#include "fuzz.h"

/* The readers fuzzed here, and an option of each to turn on by a bit. */
static const struct {
	const char *name;
	const char *opt[2];
} targets[] = {
	{ "jstack", { "no-include-tname", "shorten-pkgs" } },
	{ "java-exceptions", { "shorten-pkgs", "no-pkgs" } },
	{ "go", { NULL, NULL } },
	{ "faulthandler", { NULL, NULL } },
	{ "chrome-tracing", { NULL, NULL } },
	{ "perf-sched", { "record-wake-stack", "recurse" } },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t nt = sizeof(targets) / sizeof(targets[0]);
	struct fold_read_opts ro = { 0 };
	struct fold_diag d = { 0 };
	const struct fold_reader *only, *used;
	const char *what;
	struct readers rs;
	struct fold_profile p;
	char *copy, path[64];
	size_t i;
	int fd, out, k;

	if (size == 0)
		return 0;
	only = readers_find(targets[data[0] % nt].name);
	k = (int)(data[0] % nt);
	ro.keep_order = (data[0] >> 7) & 1;
	ro.col = (data[0] >> 6) & 1;
	data++;
	size--;
	copy = calloc(1, size + FOLD_INPUT_SLACK);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	for (i = 0; i < nt; i++) {
		const struct fold_reader *r = readers_find(targets[i].name);

		if (r != NULL) {
			r->detect(copy, size, 1);
			r->detect(copy, size, 0);
		}
	}
	free(copy);
	if (only == NULL)
		return 0;	/* not built in (yet) */
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readers_init(&rs, only) == 0) {
		for (i = 0; i < 2; i++)
			if (targets[k].opt[i] != NULL && (size & (i + 1)))
				readers_set(&rs, targets[k].opt[i], NULL, &d);
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

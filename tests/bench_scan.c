/*
 * bench_scan - the machine's baseline for `make bench`: read stdin in 1 MiB
 * blocks and count lines with memchr(), the least a line parser must do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static char buf[1 << 20];
	unsigned long lines = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		const char *p = buf, *e = buf + n;

		while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			lines++;
			p++;
		}
	}
	printf("%lu\n", lines);
	return n < 0;
}

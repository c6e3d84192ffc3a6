/*
 * perfsym - name file addresses the way fg-record does (elfsym's perf
 * rules), for the test that checks them against real perf script output.
 *
 *   perfsym < "PATH ADDR" lines  ->  "SYM+0xOFF" or "[unknown]" lines
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf/elfsym.h"

int main(void)
{
	struct elfsym *es = elfsym_new();
	char line[4096], path[4000];
	unsigned long long addr;

	if (es == NULL)
		return 1;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		uint64_t off;
		const char *sym;

		if (sscanf(line, "%3999s %llx", path, &addr) != 2) {
			puts("?");
			continue;
		}
		sym = elfsym_perf_symbol(es, path, addr, &off);
		if (sym != NULL)
			printf("%s+0x%" PRIx64 "\n", sym, off);
		else
			puts("[unknown]");
	}
	elfsym_free(es);
	return 0;
}

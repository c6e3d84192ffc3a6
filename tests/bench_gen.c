/*
 * bench_gen - make a large perf script input from a real one: COPIES
 * copies of stdin on stdout, copy k with every pid and tid raised by
 * k * 1000000, so threads stay distinct across copies.  Used by
 * `make bench`.
 *
 *   bench_gen COPIES < base.perf > big.perf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Write a header line with its pid[/tid] word shifted by add. */
static void shift_header(const char *s, size_t len, unsigned long add, FILE *out)
{
	size_t i = 0, a, b;

	/* the first blank-delimited all-digit word after the comm */
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		a = i;
		while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '/'))
			i++;
		b = i;
		if (a == len || (b > a && (i == len || s[i] == ' ' || s[i] == '\t')))
			break;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
	}
	if (b == a) {
		fwrite(s, 1, len, out);
		return;
	}
	fwrite(s, 1, a, out);
	while (a < b) {
		char *end;
		unsigned long v = strtoul(s + a, &end, 10);

		fprintf(out, "%lu", v + add);
		a = (size_t)(end - s);
		if (a < b && s[a] == '/')
			fputc(s[a++], out);
	}
	fwrite(s + b, 1, len - b, out);
}

int main(int argc, char **argv)
{
	int copies = argc > 1 ? atoi(argv[1]) : 4, k;
	char *data = NULL, *p, *e;
	size_t len = 0, cap = 0, n;

	if (copies < 1) {
		fprintf(stderr, "usage: bench_gen COPIES < in > out\n");
		return 2;
	}
	for (;;) {
		if (cap - len < 1 << 20) {
			cap = cap ? cap * 2 : 1 << 24;
			data = realloc(data, cap);
			if (data == NULL) {
				perror("bench_gen");
				return 1;
			}
		}
		n = fread(data + len, 1, cap - len, stdin);
		if (n == 0)
			break;
		len += n;
	}
	for (k = 0; k < copies; k++) {
		for (p = data, e = data + len; p < e;) {
			char *nl = memchr(p, '\n', (size_t)(e - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);

			if (k > 0 && l > 0 && p[0] != '\t' && p[0] != ' ' && p[0] != '#')
				shift_header(p, l, (unsigned long)k * 1000000ul, stdout);
			else
				fwrite(p, 1, l, stdout);
			fputc('\n', stdout);
			p += l + 1;
		}
	}
	free(data);
	return fflush(stdout) == 0 ? 0 : 1;
}

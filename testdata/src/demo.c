/*
 * demo.c - the workload `make run` profiles: a parser, a hash table and a
 * sort, each in its own function so the flame graph has some shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned parse_digits(const char *s)
{
	unsigned v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	return v;
}

static void format_digits(unsigned v, char *buf)
{
	char tmp[16];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*buf++ = tmp[--n];
	*buf = '\0';
}

static unsigned long parse_numbers(unsigned n)
{
	char buf[32];
	unsigned long sum = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		format_digits(i * 2654435761u, buf);
		sum += parse_digits(buf);
	}
	return sum;
}

static unsigned hash_word(unsigned x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	return x;
}

static unsigned long hash_table(unsigned n)
{
	static unsigned table[1 << 16];
	unsigned long hits = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		unsigned h = hash_word(i) & 0xffff;

		hits += table[h] == i;
		table[h] = i;
	}
	return hits;
}

static void merge(unsigned *v, unsigned *tmp, unsigned lo, unsigned mid,
		  unsigned hi)
{
	unsigned i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < hi)
		tmp[k++] = v[j++];
	memcpy(v + lo, tmp + lo, (hi - lo) * sizeof(*v));
}

static void merge_sort(unsigned *v, unsigned *tmp, unsigned lo, unsigned hi)
{
	unsigned mid = lo + (hi - lo) / 2;

	if (hi - lo < 2)
		return;
	merge_sort(v, tmp, lo, mid);
	merge_sort(v, tmp, mid, hi);
	merge(v, tmp, lo, mid, hi);
}

static unsigned long sort_block(unsigned n)
{
	unsigned *v = malloc(2 * n * sizeof(*v)), i;
	unsigned long r;

	if (v == NULL)
		return 0;
	for (i = 0; i < n; i++)
		v[i] = hash_word(i * 7919u);
	merge_sort(v, v + n, 0, n);
	r = v[n / 2];
	free(v);
	return r;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	clock_t end = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
	unsigned long acc = 0;

	while (clock() < end) {
		acc += parse_numbers(20000);
		acc += hash_table(200000);
		acc += sort_block(50000);
	}
	printf("%lu\n", acc & 0xff);
	return 0;
}

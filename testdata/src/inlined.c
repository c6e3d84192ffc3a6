/*
 * inlined.c - mix() inlined into inner() inlined into outer(), for the
 * fg-collapse --inline tests (built with cc -O2 -g).  mix() ends in a call
 * of leaf(), so the return address of that call is already in inner():
 * a caller frame is looked up at its return address - 1, in mix().
 */
#include <stdlib.h>

__attribute__((noinline)) unsigned leaf(unsigned x)
{
	__asm__ volatile("" : "+r"(x));
	return x ^ (x >> 7);
}

static inline __attribute__((always_inline)) unsigned mix(unsigned x)
{
	x ^= x >> 13;
	x *= 0x5bd1e995u;
	return leaf(x ^ (x >> 15));
}

static inline __attribute__((always_inline)) unsigned inner(unsigned x)
{
	return mix(x + 1) * 3;
}

__attribute__((noinline)) unsigned outer(unsigned x)
{
	unsigned s = 0, i;

	for (i = 0; i < x; i++)
		s += inner(i);
	return s;
}

int main(int argc, char **argv)
{
	return (int)(outer(argc > 1 ? (unsigned)atoi(argv[1]) : 10) & 1);
}

/* index.c - the hash function and open-addressing index used by every table. */
#include <errno.h>
#include <stdlib.h>

#include "libfold/fold.h"

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/*
 * Multiply/xorshift hash over two independent 8-byte lanes, so the
 * multiply latencies overlap.  Tails are read as overlapping loads: short
 * keys cost a couple of multiplies and no byte loop.
 */
uint64_t fold_hash(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t a = 0x243f6a8885a308d3ull ^ (n * 0x9e3779b97f4a7c15ull);
	uint64_t b = 0x13198a2e03707344ull;

	if (n > 16) {
		const unsigned char *last = p + n - 16;

		while (p < last) {
			a = (a ^ load64(p)) * 0xbf58476d1ce4e5b9ull;
			b = (b ^ load64(p + 8)) * 0x94d049bb133111ebull;
			a ^= a >> 29;
			b ^= b >> 32;
			p += 16;
		}
		a = (a ^ load64(last)) * 0xff51afd7ed558ccdull;
		b = (b ^ load64(last + 8)) * 0xc4ceb9fe1a85ec53ull;
	} else if (n >= 8) {
		a = (a ^ load64(p)) * 0xff51afd7ed558ccdull;
		b = (b ^ load64(p + n - 8)) * 0xc4ceb9fe1a85ec53ull;
	} else {
		uint64_t v = 0;

		if (n >= 4) {
			uint32_t x, y;

			memcpy(&x, p, 4);
			memcpy(&y, p + n - 4, 4);
			v = (uint64_t)x << 32 | y;
		} else if (n > 0) {
			v = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 |
			    p[n - 1];
		}
		a = (a ^ v) * 0xff51afd7ed558ccdull;
	}
	a ^= rotl(b, 23);
	a ^= a >> 31;
	a *= 0xd6e8feb86659fd93ull;
	a ^= a >> 32;
	return a;
}

int fold_index_init(struct fold_index *ix, size_t capacity)
{
	size_t n = 16;

	while (n < capacity * 2)
		n *= 2;
	ix->slot = fold_big_alloc(n * sizeof(*ix->slot), 1);
	if (ix->slot == NULL)
		return -1;
	ix->mask = n - 1;
	ix->count = 0;
	return 0;
}

void fold_index_free(struct fold_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->mask = 0;
	ix->count = 0;
}

/* Rehash into n slots (a power of two, more than there are now). */
static int resize(struct fold_index *ix, size_t n)
{
	size_t i;
	uint64_t *slot;

	if (n > ((size_t)1 << 33)) {
		errno = EOVERFLOW;
		return -1;
	}
	slot = fold_big_alloc(n * sizeof(*slot), 1);
	if (slot == NULL)
		return -1;
	for (i = 0; i <= ix->mask; i++) {
		uint64_t s = ix->slot[i];
		size_t pos;

		if (s == 0)
			continue;
		pos = (size_t)(s >> 32) & (n - 1);
		while (slot[pos] != 0)
			pos = (pos + 1) & (n - 1);
		slot[pos] = s;
	}
	free(ix->slot);
	ix->slot = slot;
	ix->mask = n - 1;
	return 0;
}

int fold_index_insert(struct fold_index *ix, size_t pos, uint32_t hash,
		      uint32_t entry)
{
	if (entry >= UINT32_MAX - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	ix->slot[pos] = (uint64_t)hash << 32 | (uint64_t)(entry + 1);
	ix->count++;
	/* Keep the load under 1/2 so probe runs stay short. */
	if (ix->count * 2 > ix->mask + 1)
		return resize(ix, (ix->mask + 1) * 2);
	return 0;
}

int fold_index_reserve(struct fold_index *ix, size_t capacity)
{
	size_t n = ix->mask + 1;

	while (n < capacity * 2 && n <= ((size_t)1 << 33))
		n *= 2;
	return n > ix->mask + 1 ? resize(ix, n) : 0;
}

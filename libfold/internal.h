/*
 * internal.h - libfold's internals: the allocator, hash index and byte
 * helpers the model is built from.  Readers and writers with hot loops use
 * them too, but they are not the model: a new reader or renderer needs only
 * fold.h (and input.h for text input, out.h for output).
 */
#ifndef FOLD_INTERNAL_H
#define FOLD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------- arena */

/*
 * Bump allocator for data that lives as long as its owner (names, cache
 * keys).  Memory is released all at once by fold_arena_free().
 */
struct fold_arena_chunk;
struct fold_arena {
	struct fold_arena_chunk *head;
	char *cur, *end;
	size_t reserved;	/* bytes obtained from malloc */
};

void fold_arena_init(struct fold_arena *a);
/*
 * n bytes, 8-byte aligned; NULL when out of memory.  FOLD_ARENA_SLACK
 * readable bytes follow every allocation, so copies may move whole 16-byte
 * blocks past a string's end.
 */
#define FOLD_ARENA_SLACK 16
void *fold_arena_alloc(struct fold_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *fold_arena_strndup(struct fold_arena *a, const char *s, size_t n);
void fold_arena_free(struct fold_arena *a);

/*
 * Large tables (2 MiB and more) are placed on 2 MiB boundaries and the
 * kernel is asked for huge pages under them where it gives them on
 * request: filling a fresh table then costs one fault per 2 MiB instead of
 * 512, which is most of the cost of a big profile on some machines.
 * Smaller ones are plain malloc.  Freed with free().
 *   fold_big_alloc: n bytes, zeroed if zero is set;
 *   fold_big_realloc: n bytes holding the first used bytes of old.
 * NULL (errno ENOMEM) on failure, old then untouched.
 */
void *fold_big_alloc(size_t n, int zero);
void *fold_big_realloc(void *old, size_t used, size_t n);

/*
 * Make room for need elements of elem bytes in the malloc'd array *vp
 * (vp is the address of the array pointer) of capacity *cap, doubling it
 * (16 at first).  -1 when out of memory, the array then untouched.
 */
int fold_grow_to(void *vp, size_t *cap, size_t need, size_t elem);
/* Inline, as it guards hot loops: the call is only made to grow. */
static inline int fold_grow(void *vp, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? 0 : fold_grow_to(vp, cap, need, elem);
}
/* fold_grow, with the new elements zeroed (arrays indexed by id). */
int fold_grow0(void *vp, size_t *cap, size_t need, size_t elem);

/*
 * In an array of n elements of elem bytes, each starting with a uint64_t
 * key and sorted by it: how many have a key <= key (the index of the
 * first greater one).  The element holding an address is then the one
 * before, if any: symbols, mappings.
 */
size_t fold_upto_u64(const void *base, size_t n, size_t elem, uint64_t key);

/* ---------------------------------------------------------------- index */

/*
 * Open-addressing hash index from a 32-bit hash to a 32-bit entry number.
 * The owner keeps the entries and decides equality; the index only stores
 * (hash, entry) pairs, so growing never needs to look at the entries.
 */
struct fold_index {
	uint64_t *slot;		/* 0 = empty, else hash << 32 | (entry + 1) */
	size_t mask;
	size_t count;
};

int fold_index_init(struct fold_index *ix, size_t capacity);
void fold_index_free(struct fold_index *ix);
/* Store entry at the empty slot pos found by a failed probe; may grow. */
int fold_index_insert(struct fold_index *ix, size_t pos, uint32_t hash,
		      uint32_t entry);
/* Grow now to hold capacity entries (probe positions change). */
int fold_index_reserve(struct fold_index *ix, size_t capacity);

/* 64-bit hash of a byte string (not cryptographic, well mixed). */
uint64_t fold_hash(const void *data, size_t n);

/*
 * memcmp(a, b, n) == 0 for the short keys of hash tables, inline: whole
 * 16- or 8-byte blocks, then one overlapping block for the tail, so the only
 * data-dependent branch is the loop.
 */
static inline int fold_same_bytes(const void *a, const void *b, size_t n)
{
	const char *x = (const char *)a, *y = (const char *)b;
	uint64_t u, v, d = 0;
	uint32_t p, q;
	size_t i;

#ifdef __SSE2__
	if (n >= 16) {
		for (i = 0; i + 16 < n; i += 16)
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(
				    _mm_loadu_si128((const __m128i *)(const void *)(x + i)),
				    _mm_loadu_si128((const __m128i *)(const void *)(y + i)))) != 0xffff)
				return 0;
		return _mm_movemask_epi8(_mm_cmpeq_epi8(
			       _mm_loadu_si128((const __m128i *)(const void *)(x + n - 16)),
			       _mm_loadu_si128((const __m128i *)(const void *)(y + n - 16)))) ==
		       0xffff;
	}
#endif
	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&u, x + i, 8);
			memcpy(&v, y + i, 8);
			d |= u ^ v;
		}
		memcpy(&u, x + n - 8, 8);
		memcpy(&v, y + n - 8, 8);
		return (d | (u ^ v)) == 0;
	}
	if (n >= 4) {
		memcpy(&p, x, 4);
		memcpy(&q, y, 4);
		d = p ^ q;
		memcpy(&p, x + n - 4, 4);
		memcpy(&q, y + n - 4, 4);
		return (d | (p ^ q)) == 0;
	}
	if (n > 0)
		return ((x[0] ^ y[0]) | (x[n >> 1] ^ y[n >> 1]) |
			(x[n - 1] ^ y[n - 1])) == 0;
	return 1;
}

/*
 * Length of the common prefix of a[0..n) and b[0..n), in bytes.  Folded
 * input is mostly sorted, so neighbouring lines (and neighbouring stacks'
 * id arrays) share long prefixes: this compares 16 bytes at a time.
 */
static inline size_t fold_common_prefix(const void *a, const void *b, size_t n)
{
	const char *x = (const char *)a, *y = (const char *)b;
	size_t i = 0;
	uint64_t u, v;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(x + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(y + i))));

		if (m != 0xffff)
			return i + (size_t)__builtin_ctz(~m);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		if (u != v)
			return i + (size_t)__builtin_ctzll(u ^ v) / 8;
	}
	while (i < n && x[i] == y[i])
		i++;
	return i;
}

/* How many leading ids a[0..n) and b[0..n) have in common. */
static inline size_t fold_common_ids(const uint32_t *a, const uint32_t *b,
				     size_t n)
{
	return fold_common_prefix(a, b, n * sizeof(*a)) / sizeof(*a);
}

#endif

/* arena.c - bump allocation for long-lived small objects. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libfold/fold.h"

struct fold_arena_chunk {
	struct fold_arena_chunk *next;
	size_t size;
	/* data follows, max_align_t aligned */
	_Alignas(16) char data[];
};

#define ARENA_MIN_CHUNK (64u * 1024u)
#define ARENA_MAX_CHUNK (4u * 1024u * 1024u)

void fold_arena_init(struct fold_arena *a)
{
	a->head = NULL;
	a->cur = a->end = NULL;
	a->reserved = 0;
}

void *fold_arena_alloc(struct fold_arena *a, size_t n)
{
	size_t want = (n + 7) & ~(size_t)7;
	struct fold_arena_chunk *c;
	size_t size;
	void *p;

	if (want < n) {
		errno = ENOMEM;
		return NULL;
	}
	if ((size_t)(a->end - a->cur) >= want) {
		p = a->cur;
		a->cur += want;
		return p;
	}
	/* Chunks grow with the arena so big profiles make few mallocs. */
	size = a->reserved / 2;
	if (size < ARENA_MIN_CHUNK)
		size = ARENA_MIN_CHUNK;
	if (size > ARENA_MAX_CHUNK)
		size = ARENA_MAX_CHUNK;
	if (size < want)
		size = want;
	c = fold_big_alloc(sizeof(*c) + size + FOLD_ARENA_SLACK, 0);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->next = a->head;
	a->head = c;
	a->reserved += size;
	a->cur = c->data + want;
	a->end = c->data + size;
	return c->data;
}

char *fold_arena_strndup(struct fold_arena *a, const char *s, size_t n)
{
	char *p = fold_arena_alloc(a, n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void fold_arena_free(struct fold_arena *a)
{
	struct fold_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	fold_arena_init(a);
}

enum { HUGE_PAGE = 2 << 20 };

void *fold_big_alloc(size_t n, int zero)
{
	void *p;

	if (n < HUGE_PAGE)
		return zero ? calloc(1, n ? n : 1) : malloc(n ? n : 1);
	if (n > SIZE_MAX - HUGE_PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	n = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, n);
	if (p == NULL)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	if (zero)
		memset(p, 0, n);
	return p;
}

void *fold_big_realloc(void *old, size_t used, size_t n)
{
	void *p;

	if (n < HUGE_PAGE)
		return realloc(old, n ? n : 1);
	p = fold_big_alloc(n, 0);
	if (p == NULL)
		return NULL;
	if (used > 0)
		memcpy(p, old, used);
	free(old);
	return p;
}

int fold_grow_to(void *vp, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;
	void *old, *v;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem) {
			errno = ENOMEM;
			return -1;
		}
		c *= 2;
	}
	/* Through memcpy: vp points to a T *, not to a void *. */
	memcpy(&old, vp, sizeof(old));
	v = fold_big_realloc(old, *cap * elem, c * elem);
	if (v == NULL)
		return -1;
	memcpy(vp, &v, sizeof(v));
	*cap = c;
	return 0;
}

int fold_grow0(void *vp, size_t *cap, size_t need, size_t elem)
{
	size_t old = *cap;
	char *v;

	if (fold_grow(vp, cap, need, elem) != 0)
		return -1;
	memcpy(&v, vp, sizeof(v));
	memset(v + old * elem, 0, (*cap - old) * elem);
	return 0;
}

size_t fold_upto_u64(const void *base, size_t n, size_t elem, uint64_t key)
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;

		memcpy(&k, b + mid * elem, sizeof(k));
		if (k <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

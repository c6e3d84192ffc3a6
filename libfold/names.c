/* names.c - interned frame names. */
#include <errno.h>
#include <stdlib.h>

#include "libfold/fold.h"

int fold_names_init(struct fold_names *nm)
{
	fold_arena_init(&nm->arena);
	nm->v = NULL;
	nm->n = nm->cap = 0;
	return fold_index_init(&nm->ix, 1024);
}

void fold_names_free(struct fold_names *nm)
{
	fold_arena_free(&nm->arena);
	free(nm->v);
	nm->v = NULL;
	nm->n = nm->cap = 0;
	fold_index_free(&nm->ix);
}

/* Probe for s; on a miss *pos is the empty slot where it would go. */
static fold_id probe(const struct fold_names *nm, const char *s, size_t len,
		     uint32_t h, size_t *pos)
{
	size_t i = h & nm->ix.mask;

	for (;; i = (i + 1) & nm->ix.mask) {
		uint64_t e = nm->ix.slot[i];
		const struct fold_name *n;

		if (e == 0)
			break;
		if ((uint32_t)(e >> 32) != h)
			continue;
		n = &nm->v[(uint32_t)e - 1];
		if (n->len == len && fold_same_bytes(n->str, s, len))
			return (uint32_t)e - 1;
	}
	*pos = i;
	return FOLD_NOID;
}

fold_id fold_names_find(const struct fold_names *nm, const char *s, size_t len)
{
	size_t pos;

	return probe(nm, s, len, (uint32_t)(fold_hash(s, len) >> 32), &pos);
}

fold_id fold_intern(struct fold_names *nm, const char *s, size_t len)
{
	uint32_t h = (uint32_t)(fold_hash(s, len) >> 32);
	struct fold_name *n;
	size_t pos;
	fold_id id;
	char *copy;

	id = probe(nm, s, len, h, &pos);
	if (id != FOLD_NOID)
		return id;
	if (len > UINT32_MAX - 1) {
		errno = EOVERFLOW;
		return FOLD_NOID;
	}
	if (fold_grow(&nm->v, &nm->cap, nm->n + 1, sizeof(*nm->v)) != 0)
		return FOLD_NOID;
	copy = fold_arena_strndup(&nm->arena, s, len);
	if (copy == NULL)
		return FOLD_NOID;
	id = (fold_id)nm->n;
	n = &nm->v[nm->n++];
	n->str = copy;
	n->len = (uint32_t)len;
	n->hash = h;
	/* On failure the entry stays valid; only the index could not grow. */
	if (fold_index_insert(&nm->ix, pos, h, id) != 0)
		return FOLD_NOID;
	return id;
}

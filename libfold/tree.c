/* tree.c - the prefix tree (call tree) of a profile. */
#include <errno.h>
#include <stdlib.h>

#include "fold.h"

struct builder {
	struct fold_tree *t;
	uint32_t *tail;		/* last child of each node */
	struct fold_index ix;	/* (parent, name) -> node */
};

static uint32_t child_hash(uint32_t parent, fold_id name)
{
	uint32_t key[2] = { parent, name };

	return (uint32_t)(fold_hash(key, sizeof(key)) >> 32);
}

static long child(struct builder *b, uint32_t parent, fold_id name,
		  uint32_t depth)
{
	struct fold_tree *t = b->t;
	uint32_t h = child_hash(parent, name);
	struct fold_node *n;
	size_t i;

	for (i = h & b->ix.mask;; i = (i + 1) & b->ix.mask) {
		uint64_t e = b->ix.slot[i];

		if (e == 0)
			break;
		if ((uint32_t)(e >> 32) != h)
			continue;
		n = &t->nodes[(uint32_t)e - 1];
		if (n->parent == parent && n->name == name)
			return (long)((uint32_t)e - 1);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap * 2;
		struct fold_node *v = realloc(t->nodes, cap * sizeof(*v));
		uint32_t *tail;

		if (v == NULL)
			return -1;
		t->nodes = v;
		tail = realloc(b->tail, cap * sizeof(*tail));
		if (tail == NULL)
			return -1;
		b->tail = tail;
		t->cap = cap;
	}
	if (t->n >= UINT32_MAX - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->depth = depth;
	b->tail[t->n] = 0;
	if (b->tail[parent] == 0)
		t->nodes[parent].first_child = (uint32_t)t->n;
	else
		t->nodes[b->tail[parent]].next_sibling = (uint32_t)t->n;
	b->tail[parent] = (uint32_t)t->n;
	if (depth > t->maxdepth)
		t->maxdepth = depth;
	t->n++;
	if (fold_index_insert(&b->ix, i, h, (uint32_t)(t->n - 1)) != 0)
		return -1;
	return (long)(t->n - 1);
}

int fold_tree_build(struct fold_tree *t, const struct fold_profile *p)
{
	struct builder b = { .t = t };
	uint32_t *order;
	size_t k, j, depth;
	int c, rc = -1;

	memset(t, 0, sizeof(*t));
	t->prof = p;
	t->cap = 1024;
	t->nodes = calloc(t->cap, sizeof(*t->nodes));
	b.tail = calloc(t->cap, sizeof(*b.tail));
	order = fold_sorted(p);
	if (t->nodes == NULL || b.tail == NULL || order == NULL ||
	    fold_index_init(&b.ix, p->nstacks) != 0)
		goto out;
	t->nodes[0].name = FOLD_NOID;
	t->n = 1;
	/* Inserting stacks in folded-string order fixes the sibling order. */
	for (k = 0; k < p->nstacks; k++) {
		const fold_id *f = fold_stack_frames(p, order[k], &depth);
		double v[FOLD_MAXCOLS];
		uint32_t cur = 0;

		for (c = 0; c < p->ncols; c++) {
			v[c] = fold_count_double(p, fold_stack_count(p, order[k], c));
			t->nodes[0].total[c] += v[c];
		}
		for (j = 0; j < depth; j++) {
			long n = child(&b, cur, f[j], (uint32_t)j + 1);

			if (n < 0)
				goto out;
			cur = (uint32_t)n;
			for (c = 0; c < p->ncols; c++)
				t->nodes[cur].total[c] += v[c];
		}
		for (c = 0; c < p->ncols; c++)
			t->nodes[cur].self[c] += v[c];
	}
	rc = 0;
out:
	free(order);
	free(b.tail);
	fold_index_free(&b.ix);
	if (rc != 0)
		fold_tree_free(t);
	return rc;
}

void fold_tree_free(struct fold_tree *t)
{
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

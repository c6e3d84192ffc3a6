/* tree.c - the prefix tree (call tree) of a profile. */
#include <errno.h>
#include <stdlib.h>

#include "libfold/fold.h"

struct builder {
	struct fold_tree *t;
	uint32_t *tail;		/* last child of each node */
	size_t tailcap;
	struct fold_index ix;	/* (parent, name) -> node */
};

static uint32_t child_hash(uint32_t parent, fold_id name)
{
	uint32_t key[2] = { parent, name };

	return (uint32_t)(fold_hash(key, sizeof(key)) >> 32);
}

/* A new last child of parent; -1 on failure. */
static long add_node(struct builder *b, uint32_t parent, fold_id name)
{
	struct fold_tree *t = b->t;
	struct fold_node *n;

	if (fold_grow(&t->nodes, &t->cap, t->n + 1, sizeof(*t->nodes)) != 0 ||
	    fold_grow(&b->tail, &b->tailcap, t->n + 1, sizeof(*b->tail)) != 0)
		return -1;
	if (t->n >= UINT32_MAX - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->depth = t->nodes[parent].depth + 1;
	b->tail[t->n] = 0;
	if (b->tail[parent] == 0)
		t->nodes[parent].first_child = (uint32_t)t->n;
	else
		t->nodes[b->tail[parent]].next_sibling = (uint32_t)t->n;
	b->tail[parent] = (uint32_t)t->n;
	if (n->depth > t->maxdepth)
		t->maxdepth = n->depth;
	return (long)t->n++;
}

/* The child of parent named name, added if new. */
static long child(struct builder *b, uint32_t parent, fold_id name)
{
	struct fold_tree *t = b->t;
	uint32_t h = child_hash(parent, name);
	struct fold_node *n;
	size_t i;
	long k;

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
	k = add_node(b, parent, name);
	if (k < 0 || fold_index_insert(&b->ix, i, h, (uint32_t)k) != 0)
		return -1;
	return k;
}

/*
 * Insert the stacks in drawing order, each sharing the nodes of the
 * previous stack's common first frames (a stack mostly repeats them, so
 * this saves most lookups).  The rest of a stack gets nodes:
 *   name order:  sorted stacks, merged by (parent, name) through the index;
 *   input order: the profile's sequence (or its stacks), always new nodes
 *                starting at the clock, so only consecutive stacks merge
 *                (flamegraph.pl --flamechart).
 * Only self counts are added here; totals are summed bottom-up at the end
 * (children are created after their parent, so a reverse walk sees every
 * child before its parent).
 */
static int build(struct builder *b, const struct fold_profile *p, int ordered,
		 int col)
{
	struct fold_tree *t = b->t;
	int seq = ordered && p->seq != NULL;
	size_t n = seq ? p->nseq : p->nstacks, k, j, depth, pdepth = 0, cap = 0, i;
	uint32_t *order = NULL, *path = NULL;
	const fold_id *prev = NULL;
	double clock = 0;
	/* the profile's columns, and the larger of the two if asked for */
	int ncols = col == FOLD_COL_MAX ? FOLD_TREE_COLS : p->ncols;
	int frac = p->fractional, c, rc = -1;

	if (!ordered && ((order = fold_sorted(p)) == NULL ||
			 fold_index_init(&b->ix, p->nstacks) != 0))
		goto out;
	for (k = 0; k < n; k++) {
		size_t s = seq ? p->seq[k].stack : order ? order[k] : k;
		const fold_id *f = fold_stack_frames(p, s, &depth);
		fold_count v[FOLD_TREE_COLS];
		uint32_t cur;

		if (fold_grow(&path, &cap, depth, sizeof(*path)) != 0)
			goto out;
		for (j = 0; j < depth && j < pdepth && f[j] == prev[j]; j++)
			;
		cur = j ? path[j - 1] : 0;
		for (; j < depth; j++) {
			long m = ordered ? add_node(b, cur, f[j]) : child(b, cur, f[j]);

			if (m < 0)
				goto out;
			cur = path[j] = (uint32_t)m;
			if (ordered)
				t->nodes[cur].start = clock;
		}
		for (c = 0; c < p->ncols; c++)
			v[c] = seq ? p->seq[k].v[c] : fold_stack_count(p, s, c);
		if (ncols == FOLD_TREE_COLS)
			v[FOLD_COL_MAX] = (frac ? v[0].f > v[1].f : v[0].u > v[1].u) ?
						  v[0] : v[1];
		/* No sum wraps: the profile's totals bound them all. */
		for (c = 0; c < ncols; c++)
			fold_count_add(&t->nodes[cur].self[c], v[c], frac);
		clock += fold_count_value(v[col], frac);
		prev = f;
		pdepth = depth;
	}
	/* One loop per representation: this runs once per node. */
	for (i = t->n; i-- > 0;) {
		struct fold_node *nd = &t->nodes[i], *up = &t->nodes[nd->parent];

		for (c = 0; c < ncols; c++) {
			if (frac) {
				nd->total[c].f += nd->self[c].f;
				if (i > 0)
					up->total[c].f += nd->total[c].f;
			} else {
				nd->total[c].u += nd->self[c].u;
				if (i > 0)
					up->total[c].u += nd->total[c].u;
			}
		}
	}
	rc = 0;
out:
	free(order);
	free(path);
	return rc;
}

struct sib {
	uint32_t node, pos;
	double w;
};

static int heavier(const void *a, const void *b)
{
	const struct sib *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Reorder every sibling list by total[col], heaviest first. */
static int sort_by_weight(struct fold_tree *t, int col)
{
	struct sib *v = NULL;
	size_t cap = 0, i;

	for (i = 0; i < t->n; i++) {
		uint32_t c, n = 0, k;

		for (c = t->nodes[i].first_child; c; c = t->nodes[c].next_sibling) {
			if (fold_grow(&v, &cap, (size_t)n + 1, sizeof(*v)) != 0) {
				free(v);
				return -1;
			}
			v[n].node = c;
			v[n].pos = n;
			v[n].w = fold_node_total(t, c, col);
			n++;
		}
		if (n < 2)
			continue;
		qsort(v, n, sizeof(*v), heavier);
		t->nodes[i].first_child = v[0].node;
		for (k = 0; k + 1 < n; k++)
			t->nodes[v[k].node].next_sibling = v[k + 1].node;
		t->nodes[v[n - 1].node].next_sibling = 0;
	}
	free(v);
	return 0;
}

/* Self first, then the children left to right; parents precede children. */
static void place(struct fold_tree *t, int col)
{
	int frac = t->prof->fractional;
	size_t i;

	for (i = 0; i < t->n; i++) {
		double x = t->nodes[i].start +
			   fold_count_value(t->nodes[i].self[col], frac);
		uint32_t c;

		for (c = t->nodes[i].first_child; c; c = t->nodes[c].next_sibling) {
			t->nodes[c].start = x;
			x += fold_count_value(t->nodes[c].total[col], frac);
		}
	}
}

int fold_tree_build_opts(struct fold_tree *t, const struct fold_profile *p,
			 const struct fold_tree_opts *opts)
{
	struct builder b = { .t = t };
	int col = opts->col, rc = -1;

	memset(t, 0, sizeof(*t));
	if (col < 0 || (col >= p->ncols && !(col == FOLD_COL_MAX && p->ncols == 2))) {
		errno = EINVAL;
		return -1;
	}
	t->prof = p;
	if (fold_grow(&t->nodes, &t->cap, 1024, sizeof(*t->nodes)) != 0 ||
	    fold_grow(&b.tail, &b.tailcap, 1024, sizeof(*b.tail)) != 0)
		goto out;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	b.tail[0] = 0;
	t->nodes[0].name = FOLD_NOID;
	t->n = 1;
	if (build(&b, p, opts->order == FOLD_ORDER_INPUT, col) != 0)
		goto out;
	if (opts->order != FOLD_ORDER_INPUT) {
		if (opts->order == FOLD_ORDER_WEIGHT && sort_by_weight(t, col) != 0)
			goto out;
		place(t, col);
	}
	rc = 0;
out:
	free(b.tail);
	fold_index_free(&b.ix);
	if (rc != 0)
		fold_tree_free(t);
	return rc;
}

int fold_tree_build(struct fold_tree *t, const struct fold_profile *p)
{
	struct fold_tree_opts o = { FOLD_ORDER_NAME, p->ncols - 1 };

	return fold_tree_build_opts(t, p, &o);
}

void fold_tree_free(struct fold_tree *t)
{
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

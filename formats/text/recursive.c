/*
 * recursive.c - folded stacks with direct recursion merged: a frame equal
 * to the one before it goes (stackcollapse-recursive.pl; formats/README.md,
 * "Text stacks: recursive").  The input is read by libfold's folded reader
 * into a profile of its own (summed as it streams), then each distinct
 * stack is merged into the caller's.
 */
#include <errno.h>
#include <stdlib.h>

#include "formats/text/stacks.h"

/* q's name id in p, interned once per name; FOLD_NOID when out of memory. */
static fold_id name_in(struct fold_profile *p, const struct fold_profile *q,
		       fold_id *map, fold_id id)
{
	if (map[id] == FOLD_NOID)
		map[id] = fold_intern(&p->names, fold_name(&q->names, id),
				      fold_name_len(&q->names, id));
	return map[id];
}

/* Stack k of q, its runs of one frame cut to one, as p's names in st. */
static int merged(struct fold_profile *p, const struct fold_profile *q,
		  fold_id *map, size_t k, struct stk_stack *st)
{
	size_t depth, i;
	const fold_id *f = fold_stack_frames(q, k, &depth);

	st->n = 0;
	for (i = 0; i < depth; i++) {
		fold_id id;

		if (i > 0 && f[i] == f[i - 1])
			continue;
		id = name_in(p, q, map, f[i]);
		if (id == FOLD_NOID ||
		    fold_grow(&st->ids, &st->cap, st->n + 1, sizeof(*st->ids)) != 0)
			return -1;
		st->ids[st->n++] = id;
	}
	return 0;
}

static int add(struct fold_profile *p, const struct fold_profile *q,
	       struct stk_stack *st, fold_count c, const struct fold_read_opts *ro)
{
	if (q->fractional)
		return stk_add_f(p, st, 0, c.f, ro);
	return stk_add(p, st, 0, c.u, ro);
}

static int recursive_fold(void *state, struct fold_profile *p,
			  struct fold_input *in, const struct fold_read_opts *ro,
			  struct fold_diag *d)
{
	struct fold_read_opts o = *ro;
	struct fold_profile q;
	struct stk_stack st = { 0 };
	fold_id *map = NULL;
	size_t k;
	int rc = -1;

	(void)state;
	o.ncols = 1;
	o.col = 0;
	if (fold_profile_init(&q, 1) != 0) {
		stk_oom(d, in);
		return -1;
	}
	if (fold_read(&q, in, &o, d) != 0)
		goto out;
	map = malloc((q.names.n ? q.names.n : 1) * sizeof(*map));
	if (map == NULL)
		goto oom;
	memset(map, 0xff, q.names.n * sizeof(*map));	/* FOLD_NOID */
	if (ro->keep_order) {
		for (k = 0; k < q.nseq; k++)
			if (merged(p, &q, map, q.seq[k].stack, &st) != 0 ||
			    add(p, &q, &st, q.seq[k].v[0], ro) != 0)
				goto oom;
	} else {
		for (k = 0; k < q.nstacks; k++)
			if (merged(p, &q, map, k, &st) != 0 ||
			    add(p, &q, &st, fold_stack_count(&q, k, 0), ro) != 0)
				goto oom;
	}
	rc = 0;
	goto out;
oom:
	fold_diag_error(d, "%s: %s", in->name,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
out:
	free(map);
	stk_stack_free(&st);
	fold_profile_free(&q);
	return rc;
}

/* Its input is folded stacks, which the folded reader takes: name it. */
static enum fold_detect recursive_detect(const char *head, size_t n, int eof)
{
	(void)head;
	(void)n;
	(void)eof;
	return FOLD_DETECT_NO;
}

static const struct fold_reader_option no_options[] = {
	{ NULL, NULL, NULL },
};

const struct fold_reader stk_recursive_reader = {
	.name = "recursive",
	.title = "folded stacks (recursion merged)",
	.detect = recursive_detect,
	.options = no_options,
	.fold = recursive_fold,
};

/* rt_util.c - what the runtime dump readers share (runtime.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "formats/runtime/runtime.h"

int rt_push(struct rt_stack *st, struct fold_profile *p, const char *s,
	    size_t len)
{
	fold_id id;

	if (fold_grow(&st->ids, &st->cap, st->n + 1, sizeof(*st->ids)) != 0)
		return -1;
	id = fold_intern(&p->names, s, len);
	if (id == FOLD_NOID)
		return -1;
	st->ids[st->n++] = id;
	return 0;
}

int rt_push_id(struct rt_stack *st, fold_id id)
{
	if (fold_grow(&st->ids, &st->cap, st->n + 1, sizeof(*st->ids)) != 0)
		return -1;
	st->ids[st->n++] = id;
	return 0;
}

int rt_buf_add(struct rt_stack *st, const char *s, size_t len)
{
	if (fold_grow(&st->buf, &st->bufcap, st->buflen + len + 1, 1) != 0)
		return -1;
	memcpy(st->buf + st->buflen, s, len);
	st->buflen += len;
	return 0;
}

int rt_add(struct fold_profile *p, const struct fold_read_opts *ro,
	   const fold_id *ids, size_t n, double v)
{
	int col = rt_col(p, ro);
	fold_count c[FOLD_MAXCOLS] = { { 0 } };
	long k;

	if (n == 0)
		return 0;
	k = fold_stack_get(p, ids, n);
	if (k < 0)
		return -1;
	/* Whole counts stay integers; a fractional one switches the profile. */
	if (v >= 0 && v < 18446744073709551616.0 && v == floor(v) &&
	    !p->fractional) {
		if (fold_add_at(p, (size_t)k, col, (uint64_t)v) != 0)
			return -1;
	} else {
		fold_add_at_f(p, (size_t)k, col, v);
	}
	if (!ro->keep_order)
		return 0;
	if (p->fractional)
		c[col].f = v;
	else
		c[col].u = (uint64_t)v;
	return fold_seq_add(p, (size_t)k, c);
}

int rt_flush(struct rt_stack *st, struct fold_profile *p,
	     const struct fold_read_opts *ro, uint64_t v)
{
	size_t i, n = st->n;
	int col = rt_col(p, ro);
	fold_count c[FOLD_MAXCOLS] = { { 0 } };
	long k;

	if (n == 0)
		return 0;
	st->n = 0;
	for (i = 0; i < n / 2; i++) {
		fold_id t = st->ids[i];

		st->ids[i] = st->ids[n - 1 - i];
		st->ids[n - 1 - i] = t;
	}
	k = fold_stack_get(p, st->ids, n);
	if (k < 0)
		return -1;
	if (p->fractional) {
		fold_add_at_f(p, (size_t)k, col, (double)v);
		c[col].f = (double)v;
	} else {
		if (fold_add_at(p, (size_t)k, col, v) != 0)
			return -1;
		c[col].u = v;
	}
	return ro->keep_order ? fold_seq_add(p, (size_t)k, c) : 0;
}

void rt_stack_free(struct rt_stack *st)
{
	free(st->ids);
	free(st->buf);
	memset(st, 0, sizeof(*st));
}

int rt_fail(struct fold_diag *d, const struct fold_input *in)
{
	fold_diag_error(d, "%s:%llu: %s", in->name,
			(unsigned long long)in->lineno,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
	return -1;
}

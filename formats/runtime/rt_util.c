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
	if (n == 0)
		return 0;
	/* Whole counts stay integers; a fractional one switches the profile. */
	if (v >= 0 && v < 18446744073709551616.0 && v == floor(v) &&
	    !p->fractional)
		return fold_add_sample(p, ids, n, rt_col(p, ro), (uint64_t)v,
				       ro->keep_order);
	return fold_add_sample_f(p, ids, n, rt_col(p, ro), v, ro->keep_order);
}

int rt_flush(struct rt_stack *st, struct fold_profile *p,
	     const struct fold_read_opts *ro, uint64_t v)
{
	size_t i, n = st->n;

	if (n == 0)
		return 0;
	st->n = 0;
	for (i = 0; i < n / 2; i++) {
		fold_id t = st->ids[i];

		st->ids[i] = st->ids[n - 1 - i];
		st->ids[n - 1 - i] = t;
	}
	return fold_add_sample(p, st->ids, n, rt_col(p, ro), v, ro->keep_order);
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

/* diff.c - differential (before/after) profiles, as difffolded.pl makes them. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "libfold/fold.h"

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

fold_id fold_strip_hex(void *arg, struct fold_names *dst, const char *s,
		       size_t len)
{
	/* "0x1" (3 bytes) becomes "0x..." (5): at most 5/3 of the input. */
	size_t need = len / 3 * 5 + 5, i = 0, n = 0;
	char stack_buf[256];
	char *out = need <= sizeof(stack_buf) ? stack_buf : malloc(need);
	fold_id id;

	(void)arg;
	if (out == NULL)
		return FOLD_NOID;
	while (i < len) {
		if (s[i] == '0' && i + 2 < len && s[i + 1] == 'x' &&
		    is_hex(s[i + 2])) {
			memcpy(out + n, "0x...", 5);
			n += 5;
			for (i += 2; i < len && is_hex(s[i]); i++)
				;
		} else {
			out[n++] = s[i++];
		}
	}
	out[n] = '\0';
	id = fold_intern(dst, out, n);
	if (out != stack_buf)
		free(out);
	return id;
}

void fold_totals(const struct fold_profile *p, double *total)
{
	size_t i;
	int c;

	for (c = 0; c < p->ncols; c++)
		total[c] = 0;
	for (i = 0; i < p->nstacks; i++)
		for (c = 0; c < p->ncols; c++)
			total[c] += fold_count_double(p, fold_stack_count(p, i, c));
}

int fold_col_empty(const struct fold_profile *p, int col)
{
	size_t i;

	for (i = 0; i < p->nstacks; i++)
		if (!fold_count_is_zero(p, fold_stack_count(p, i, col)))
			return 0;
	return 1;
}

/*
 * Column c's total as an integer, as Perl sums it; 0 with *exact clear
 * when it does not fit (Perl would switch to a double, and so do we).
 */
static uint64_t total_u(const struct fold_profile *p, int c, int *exact)
{
	uint64_t t = 0;
	size_t i;

	*exact = !p->fractional;
	for (i = 0; i < p->nstacks && *exact; i++)
		if (__builtin_add_overflow(t, fold_stack_count(p, i, c).u, &t))
			*exact = 0;
	return *exact ? t : 0;
}

int fold_normalize(struct fold_profile *p)
{
	double t[FOLD_MAXCOLS];
	uint64_t t0, t1;
	int exact0, exact1;
	size_t i;

	if (p->ncols != 2) {
		errno = EINVAL;
		return -1;
	}
	t0 = total_u(p, 0, &exact0);
	t1 = total_u(p, 1, &exact1);
	if (exact0 && exact1) {
		if (t0 == t1 || t0 == 0)
			return 0;
		/*
		 * Perl multiplies integers exactly while the product fits
		 * and divides exactly when the division is; otherwise both
		 * steps are in doubles.
		 */
		for (i = 0; i < p->nstacks; i++) {
			fold_count *c = &fold_srec(p, i)->counts[0];
			uint64_t prod;

			if (!__builtin_mul_overflow(c->u, t1, &prod) &&
			    prod % t0 == 0)
				c->u = prod / t0;
			else
				c->u = (uint64_t)trunc((double)c->u * (double)t1 /
						       (double)t0);
		}
		return 0;
	}
	fold_totals(p, t);
	if (t[0] == t[1] || t[0] == 0)
		return 0;
	fold_set_fractional(p);
	for (i = 0; i < p->nstacks; i++) {
		fold_count *c = &fold_srec(p, i)->counts[0];

		c->f = trunc(c->f * t[1] / t[0]);
	}
	return 0;
}

struct fold_func *fold_funcs(const struct fold_profile *p)
{
	size_t nn = p->names.n ? p->names.n : 1, i, j, depth;
	struct fold_func *fn = calloc(nn, sizeof(*fn));
	uint32_t *seen = calloc(nn, sizeof(*seen));	/* last stack + 1 */
	int c;

	if (fn == NULL || seen == NULL || p->nstacks >= UINT32_MAX) {
		if (fn != NULL && seen != NULL)
			errno = EOVERFLOW;
		free(fn);
		free(seen);
		return NULL;
	}
	for (i = 0; i < p->nstacks; i++) {
		const fold_id *f = fold_stack_frames(p, i, &depth);
		double v[FOLD_MAXCOLS];

		for (c = 0; c < p->ncols; c++)
			v[c] = fold_count_double(p, fold_stack_count(p, i, c));
		for (c = 0; c < p->ncols; c++)
			fn[f[depth - 1]].self[c] += v[c];
		for (j = 0; j < depth; j++) {
			if (seen[f[j]] == i + 1)
				continue;	/* recursion: counted once */
			seen[f[j]] = (uint32_t)i + 1;
			for (c = 0; c < p->ncols; c++)
				fn[f[j]].total[c] += v[c];
		}
	}
	free(seen);
	return fn;
}

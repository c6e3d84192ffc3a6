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

int fold_col_empty(const struct fold_profile *p, int col)
{
	return fold_count_is_zero(p, p->total[col]);
}

int fold_normalize(struct fold_profile *p)
{
	size_t i;

	if (p->ncols != 2) {
		errno = EINVAL;
		return -1;
	}
	if (!p->fractional) {
		uint64_t t0 = p->total[0].u, t1 = p->total[1].u, sum = 0;

		if (t0 == t1 || t0 == 0)
			return 0;
		/*
		 * Perl multiplies integers exactly while the product fits
		 * and divides exactly when the division is; otherwise both
		 * steps are in doubles.  Either way a count only shrinks or
		 * grows to at most t1, so the new total fits.
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
			sum += c->u;
		}
		p->total[0].u = sum;
		return 0;
	} else {
		double t0 = p->total[0].f, t1 = p->total[1].f, sum = 0;

		if (t0 == t1 || t0 == 0)
			return 0;
		for (i = 0; i < p->nstacks; i++) {
			fold_count *c = &fold_srec(p, i)->counts[0];

			c->f = trunc(c->f * t1 / t0);
			sum += c->f;
		}
		p->total[0].f = sum;
		return 0;
	}
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
		const fold_count *v = fold_srec(p, i)->counts;

		/* No sum can wrap: the profile's totals bound them all. */
		for (c = 0; c < p->ncols; c++)
			fold_count_add(&fn[f[depth - 1]].self[c], v[c], p->fractional);
		for (j = 0; j < depth; j++) {
			if (seen[f[j]] == i + 1)
				continue;	/* recursion: counted once */
			seen[f[j]] = (uint32_t)i + 1;
			for (c = 0; c < p->ncols; c++)
				fold_count_add(&fn[f[j]].total[c], v[c], p->fractional);
		}
	}
	free(seen);
	return fn;
}

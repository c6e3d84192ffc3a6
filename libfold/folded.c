/* folded.c - the folded stack text format: "root;...;leaf COUNT [COUNT2]". */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "fold.h"

struct count {
	uint64_t u;
	double f;
	int frac;		/* has a non-zero fractional part */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Split the trailing count off s[0..*len): the count is the last
 * blank-separated word, DIGITS[.DIGITS], and exactly one blank before it is
 * dropped (flamegraph.pl's rule, so "a;b  5" keeps a frame "b ").
 */
static int split_count(const char *s, size_t *len, struct count *c)
{
	size_t j = *len, k;
	int ndots = 0;

	while (j > 0 && ((s[j - 1] >= '0' && s[j - 1] <= '9') || s[j - 1] == '.'))
		j--;
	if (j == *len || j == 0 || !is_blank(s[j - 1]) || s[j] == '.')
		return -1;
	c->u = 0;
	c->frac = 0;
	for (k = j; k < *len; k++) {
		if (s[k] == '.') {
			if (ndots++)
				return -1;
			continue;
		}
		if (ndots) {
			if (s[k] != '0')
				c->frac = 1;
			continue;
		}
		if (__builtin_mul_overflow(c->u, 10, &c->u) ||
		    __builtin_add_overflow(c->u, (uint64_t)(s[k] - '0'), &c->u))
			return -1;
	}
	if (c->frac) {
		char tmp[64];
		size_t n = *len - j;

		if (n >= sizeof(tmp)) {
			/* Absurdly many decimals: the leading ones suffice. */
			n = sizeof(tmp) - 1;
		}
		memcpy(tmp, s + j, n);
		tmp[n] = '\0';
		c->f = strtod(tmp, NULL);
	}
	*len = j - 1;
	return 0;
}

static int set_ncols(struct fold_profile *p, int ncols)
{
	return p->ncols == ncols ? 0 : fold_profile_set_ncols(p, ncols);
}

static int add(struct fold_profile *p, const fold_id *ids, size_t n, int col,
	       const struct count *c)
{
	if (c->frac)
		return fold_add_f(p, ids, n, col, c->f);
	return fold_add(p, ids, n, col, c->u);
}

static void bad_line(struct fold_diag *d, const struct fold_input *in,
		     const char *why, const char *s, size_t len)
{
	char shown[64];
	size_t i, n = len < sizeof(shown) - 4 ? len : sizeof(shown) - 4;

	for (i = 0; i < n; i++)
		shown[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (n < len)
		memcpy(shown + n, "...", 3), n += 3;
	shown[n] = '\0';
	fold_diag_error(d, "%s:%llu: %s: \"%s\"", in->name,
			(unsigned long long)in->lineno, why, shown);
}

/* Length of the common prefix of a[0..n) and b[0..n). */
static size_t prefix_len(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (size_t)__builtin_ctzll(x ^ y) / 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * The frames of the previous line: its text, where each frame ends, and
 * the frames' ids.  Folded files are mostly sorted, so a line usually
 * shares a long prefix with the one before, and only the rest is split and
 * interned.
 */
struct frames {
	char *text;
	size_t len, textcap;
	size_t *end;		/* frame k is text[end[k-1]+1 .. end[k]) */
	fold_id *ids;
	size_t n, cap;
};

static int split_frames(struct fold_profile *p, struct frames *fr,
			const char *s, size_t len)
{
	size_t common = prefix_len(s, fr->text, len < fr->len ? len : fr->len);
	size_t k = 0, start;

	if (common == len && len == fr->len)
		return 0;	/* the same stack again */
	/* Keep the frames whose closing ';' lies in the shared prefix. */
	while (k + 1 < fr->n && fr->end[k] < common)
		k++;
	start = k > 0 ? fr->end[k - 1] + 1 : 0;
	if (fr->textcap < len) {
		char *t = realloc(fr->text, len * 2);

		if (t == NULL)
			return -1;
		fr->text = t;
		fr->textcap = len * 2;
	}
	memcpy(fr->text + common, s + common, len - common);
	fr->len = len;
	fr->n = k;
	for (;;) {
		const char *e = memchr(s + start, ';', len - start);
		size_t stop = e ? (size_t)(e - s) : len;

		if (fr->n == fr->cap) {
			size_t cap = fr->cap ? fr->cap * 2 : 64;
			size_t *ends = realloc(fr->end, cap * sizeof(*ends));
			fold_id *ids;

			if (ends == NULL)
				return -1;
			fr->end = ends;
			ids = realloc(fr->ids, cap * sizeof(*ids));
			if (ids == NULL)
				return -1;
			fr->ids = ids;
			fr->cap = cap;
		}
		fr->ids[fr->n] = fold_intern(&p->names, s + start, stop - start);
		if (fr->ids[fr->n] == FOLD_NOID)
			return -1;
		fr->end[fr->n++] = stop;
		if (e == NULL)
			return 0;
		start = stop + 1;
	}
}

/* Record the line just added in p's input-order sequence. */
static int keep(struct fold_profile *p, const struct frames *fr, int ncols,
		const struct count *c1, const struct count *c2)
{
	long k = fold_stack_get(p, fr->ids, fr->n);
	double v[FOLD_MAXCOLS];

	if (k < 0)
		return -1;
	if (ncols == 2)
		v[0] = c1->frac ? c1->f : (double)c1->u;
	v[ncols - 1] = c2->frac ? c2->f : (double)c2->u;
	return fold_seq_add(p, (size_t)k, v);
}

int fold_read(struct fold_profile *p, struct fold_input *in,
	      const struct fold_read_opts *opts, struct fold_diag *d)
{
	int ncols = opts->ncols ? opts->ncols : (p->nstacks ? p->ncols : 0);
	struct frames fr = { 0 };
	struct fold_line ln;
	int r, rc = -1;

	if (opts->ncols && set_ncols(p, opts->ncols) != 0) {
		fold_diag_error(d, "%s: cannot mix one- and two-column folded "
				"input", in->name);
		return -1;
	}
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len;
		struct count c1, c2;
		const char *why = NULL;

		while (len > 0 && is_blank(s[len - 1]))
			len--;
		if (len == 0 || s[0] == '#')
			continue;
		if (split_count(s, &len, &c2) != 0) {
			why = "malformed line (expected \"frame;frame;... "
			      "COUNT\")";
			goto bad;
		}
		if (ncols == 0) {
			/* The first line decides whether this is a diff. */
			size_t l2 = len;
			struct count t;

			ncols = split_count(s, &l2, &t) == 0 && l2 > 0 ? 2 : 1;
			if (set_ncols(p, ncols) != 0) {
				fold_diag_error(d, "%s: %s", in->name,
						strerror(errno));
				goto out;
			}
		}
		if (ncols == 2 && split_count(s, &len, &c1) != 0) {
			why = "malformed line (expected \"frame;frame;... "
			      "COUNT1 COUNT2\")";
			goto bad;
		}
		if (len == 0) {
			why = "empty stack";
			goto bad;
		}
		if (split_frames(p, &fr, s, len) != 0)
			goto oom;
		if (ncols == 2 && add(p, fr.ids, fr.n, 0, &c1) != 0)
			goto oom;
		if (add(p, fr.ids, fr.n, ncols - 1, &c2) != 0)
			goto oom;
		if (opts->keep_order && keep(p, &fr, ncols, &c1, &c2) != 0)
			goto oom;
		continue;
bad:
		bad_line(d, in, why, ln.s, ln.len);
		if (opts->strict)
			goto out;
		fold_diag_warn(d, "%s", d->err);
		d->err[0] = '\0';
	}
	if (r == 0)
		rc = 0;
	goto out;
oom:
	fold_diag_error(d, "%s:%llu: %s", in->name,
			(unsigned long long)in->lineno,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
out:
	free(fr.text);
	free(fr.end);
	free(fr.ids);
	return rc;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int fold_write(const struct fold_profile *p, int fd)
{
	enum { BUFSZ = 1 << 20 };
	uint32_t *order = fold_sorted(p);
	char *buf = malloc(BUFSZ);
	size_t k, j, n = 0, depth;
	int c, rc = -1;

	if (order == NULL || buf == NULL)
		goto out;
	for (k = 0; k < p->nstacks; k++) {
		const fold_id *f = fold_stack_frames(p, order[k], &depth);
		int zero = 1;

		for (c = 0; c < p->ncols; c++)
			if (!fold_count_is_zero(p, fold_stack_count(p, order[k], c)))
				zero = 0;
		if (zero)
			continue;
		for (j = 0; j < depth; j++) {
			size_t len = fold_name_len(&p->names, f[j]);

			if (BUFSZ - n < len + 1) {
				if (write_all(fd, buf, n) != 0)
					goto out;
				n = 0;
			}
			if (len + 1 > BUFSZ) {
				/* A name bigger than the buffer: write it alone. */
				if (write_all(fd, fold_name(&p->names, f[j]), len) != 0)
					goto out;
			} else {
				memcpy(buf + n, fold_name(&p->names, f[j]), len);
				n += len;
			}
			buf[n++] = j + 1 < depth ? ';' : ' ';
		}
		for (c = 0; c < p->ncols; c++) {
			if (BUFSZ - n < FOLD_COUNT_BUFSZ + 1) {
				if (write_all(fd, buf, n) != 0)
					goto out;
				n = 0;
			}
			n += fold_count_format(p, fold_stack_count(p, order[k], c),
					       buf + n);
			buf[n++] = c + 1 < p->ncols ? ' ' : '\n';
		}
	}
	rc = write_all(fd, buf, n);
out:
	free(order);
	free(buf);
	return rc;
}

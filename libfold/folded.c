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
static int split_count_slow(const char *s, size_t *len, struct count *c)
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

/* The common case first: a whole number of at most 19 digits. */
static int split_count(const char *s, size_t *len, struct count *c)
{
	size_t j = *len, stop = j > 19 ? j - 19 : 0;
	uint64_t v = 0, scale = 1;	/* 19 digits cannot overflow */

	while (j > stop && (unsigned char)(s[j - 1] - '0') <= 9) {
		v += (uint64_t)(s[j - 1] - '0') * scale;
		scale *= 10;
		j--;
	}
	if (j < *len && j > 0 && is_blank(s[j - 1])) {
		c->u = v;
		c->frac = 0;
		*len = j - 1;
		return 0;
	}
	return split_count_slow(s, len, c);
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

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(b + i))));

		if (m != 0xffff)
			return i + (size_t)__builtin_ctz(~m);
	}
#endif
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
 * The first ';' in s[i..len), or len.  The input line is followed by
 * FOLD_INPUT_SLACK readable bytes, so whole 16-byte blocks may be loaded.
 */
static size_t next_semicolon(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
	const __m128i semi = _mm_set1_epi8(';');

	for (; i < len; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(s + i)), semi));

		if (m != 0) {
			i += (size_t)__builtin_ctz(m);
			return i < len ? i : len;
		}
	}
	return len;
#else
	const char *e = memchr(s + i, ';', len - i);

	return e ? (size_t)(e - s) : len;
#endif
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
		size_t stop = next_semicolon(s, start, len);

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
		if (stop == len)
			return 0;
		start = stop + 1;
	}
}

/* Value of a parsed count as a double. */
static double count_double(const struct count *c)
{
	return c->frac ? c->f : (double)c->u;
}

/*
 * Record the line just added in p's input-order sequence: c1 (NULL for
 * one-count lines) to column 0, c2 to column col.
 */
static int keep(struct fold_profile *p, const struct frames *fr,
		const struct count *c1, const struct count *c2, int col)
{
	long k = fold_stack_get(p, fr->ids, fr->n);
	double v[FOLD_MAXCOLS] = { 0 };

	if (k < 0)
		return -1;
	if (c1 != NULL)
		v[0] = count_double(c1);
	v[col] = count_double(c2);
	return fold_seq_add(p, (size_t)k, v);
}

int fold_read(struct fold_profile *p, struct fold_input *in,
	      const struct fold_read_opts *opts, struct fold_diag *d)
{
	int ncols = opts->ncols ? opts->ncols : (p->nstacks ? p->ncols : 0);
	/* one-count lines into one column of a differential profile */
	int into = opts->ncols == 1 && p->ncols == 2;
	int col;		/* where the last count of a line goes */
	struct frames fr = { 0 };
	struct fold_line ln;
	int r, rc = -1;

	if (into && (opts->col < 0 || opts->col > 1)) {
		errno = EINVAL;
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	if (opts->ncols && !into && set_ncols(p, opts->ncols) != 0) {
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
		col = into ? opts->col : ncols - 1;
		if (add(p, fr.ids, fr.n, col, &c2) != 0)
			goto oom;
		if (opts->keep_order &&
		    keep(p, &fr, ncols == 2 ? &c1 : NULL, &c2, col) != 0)
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

int fold_write_all(int fd, const void *data, size_t n)
{
	const char *buf = data;

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

/*
 * Copy a name in 16-byte blocks: the arena's slack makes reading past its
 * end safe, and the output buffer keeps room for the overshoot.
 */
static inline void copy_name(char *dst, const char *src, size_t len)
{
	size_t k;

	for (k = 0; k < len; k += 16)
		memcpy(dst + k, src + k, 16);
}

/*
 * The output buffer of fold_write.  Sorted stacks share their first frames
 * with the stack before, so a line starts as one copy of the previous
 * line's shared prefix and only the other frames are looked up and copied.
 * A flush therefore keeps the previous line.
 */
struct wbuf {
	char *buf;
	size_t cap, n;
	size_t line;		/* where the previous line starts */
};

/* Room for need more bytes (plus copy overshoot); -1 with errno. */
static int wbuf_room(struct wbuf *w, int fd, size_t need)
{
	char *b;

	need += 16;
	if (w->cap - w->n >= need)
		return 0;
	if (fold_write_all(fd, w->buf, w->line) != 0)
		return -1;
	memmove(w->buf, w->buf + w->line, w->n - w->line);
	w->n -= w->line;
	w->line = 0;
	if (w->cap - w->n >= need)
		return 0;
	/* A line longer than the buffer. */
	b = realloc(w->buf, w->n + need);
	if (b == NULL)
		return -1;
	w->buf = b;
	w->cap = w->n + need;
	return 0;
}

int fold_write(const struct fold_profile *p, int fd)
{
	/* Small enough to stay in cache, which also spares page faults. */
	struct wbuf w = { .cap = 128 << 10 };
	uint32_t *order = fold_sorted(p);
	size_t *end = NULL;	/* end[j]: frame j's ';' + 1, from line start */
	size_t endcap = 0, k, j, m, depth, pdepth = 0, need, start;
	const fold_id *prev = NULL;
	int c, rc = -1;

	w.buf = malloc(w.cap);
	if (order == NULL || w.buf == NULL)
		goto out;
	for (k = 0; k < p->nstacks; k++) {
		const fold_id *f = fold_stack_frames(p, order[k], &depth);
		int zero = 1;

		for (c = 0; c < p->ncols; c++)
			if (!fold_count_is_zero(p, fold_stack_count(p, order[k], c)))
				zero = 0;
		if (zero)
			continue;
		if (depth > endcap) {
			size_t *e = realloc(end, depth * 2 * sizeof(*e));

			if (e == NULL)
				goto out;
			end = e;
			endcap = depth * 2;
		}
		/* Frames shared with the previous line, each followed by ';'. */
		for (m = 0; m + 1 < pdepth && m < depth && f[m] == prev[m]; m++)
			;
		need = (m ? end[m - 1] : 0) + (size_t)p->ncols * FOLD_COUNT_BUFSZ;
		for (j = m; j < depth; j++)
			need += fold_name_len(&p->names, f[j]) + 1;
		if (wbuf_room(&w, fd, need) != 0)
			goto out;
		start = w.n;
		if (m > 0) {
			memcpy(w.buf + w.n, w.buf + w.line, end[m - 1]);
			w.n += end[m - 1];
		}
		for (j = m; j < depth; j++) {
			size_t len = fold_name_len(&p->names, f[j]);

			copy_name(w.buf + w.n, fold_name(&p->names, f[j]), len);
			w.n += len;
			w.buf[w.n++] = ';';
			end[j] = w.n - start;
		}
		w.buf[w.n - 1] = ' ';
		for (c = 0; c < p->ncols; c++) {
			w.n += fold_count_format(p, fold_stack_count(p, order[k], c),
						 w.buf + w.n);
			w.buf[w.n++] = c + 1 < p->ncols ? ' ' : '\n';
		}
		w.line = start;
		prev = f;
		pdepth = depth;
	}
	rc = fold_write_all(fd, w.buf, w.n);
out:
	free(order);
	free(w.buf);
	free(end);
	return rc;
}

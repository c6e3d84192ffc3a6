/* folded.c - the folded stack text format: "root;...;leaf COUNT [COUNT2]". */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "libfold/input.h"
#include "libfold/out.h"

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

static void bad_line(struct fold_diag *d, const struct fold_input *in,
		     const char *why, const char *s, size_t len)
{
	char shown[FOLD_EXCERPT];

	fold_excerpt(shown, s, len);
	fold_diag_error(d, "%s:%llu: %s: \"%s\"", in->name,
			(unsigned long long)in->lineno, why, shown);
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
	size_t endcap;
	fold_id *ids;
	size_t n, cap;
	uint32_t hash;		/* of ids[0..n), once hashed is set */
	int hashed;
	int after;		/* the line sorts after the one before */
};

static int split_frames(struct fold_profile *p, struct frames *fr,
			const char *s, size_t len)
{
	size_t common = fold_common_prefix(s, fr->text,
					   len < fr->len ? len : fr->len);
	size_t k = 0, hi = fr->n ? fr->n - 1 : 0, start;

	if (common == len && len == fr->len) {
		fr->after = 0;	/* the same stack again */
		return 0;
	}
	fr->after = common == fr->len ||
		    (common < len && (unsigned char)s[common] >
				     (unsigned char)fr->text[common]);
	/*
	 * Keep the frames whose closing ';' lies in the shared prefix: k is
	 * the first frame ending at or after it (the last frame at most).
	 */
	while (k < hi) {
		size_t mid = (k + hi) / 2;

		if (fr->end[mid] < common)
			k = mid + 1;
		else
			hi = mid;
	}
	start = k > 0 ? fr->end[k - 1] + 1 : 0;
	if (fold_grow(&fr->text, &fr->textcap, len, 1) != 0)
		return -1;
	memcpy(fr->text + common, s + common, len - common);
	fr->len = len;
	fr->n = k;
	fr->hashed = 0;
	for (;;) {
		size_t stop = next_semicolon(s, start, len);

		if (fold_grow(&fr->end, &fr->endcap, fr->n + 1, sizeof(*fr->end)) != 0 ||
		    fold_grow(&fr->ids, &fr->cap, fr->n + 1, sizeof(*fr->ids)) != 0)
			return -1;
		fr->ids[fr->n] = fold_intern(&p->names, s + start, stop - start);
		if (fr->ids[fr->n] == FOLD_NOID)
			return -1;
		fr->end[fr->n++] = stop;
		if (stop == len)
			return 0;
		start = stop + 1;
	}
}

/* A parsed count as the profile now holds counts. */
static fold_count as_count(const struct fold_profile *p, const struct count *c)
{
	fold_count v;

	if (p->fractional)
		v.f = c->frac ? c->f : (double)c->u;
	else
		v.u = c->u;
	return v;
}

static int add_count(struct fold_profile *p, size_t stack, int col,
		     const struct count *c)
{
	if (!c->frac)
		return fold_add_at(p, stack, col, c->u);
	fold_add_at_f(p, stack, col, c->f);
	return 0;
}

/*
 * A line whose stack is looked up only after the next line is split: the
 * stack index is larger than the cache, so its slot is prefetched and the
 * miss overlaps with that work.
 */
struct pending {
	fold_id *ids;
	size_t n, cap;		/* n 0: nothing pending */
	uint32_t hash;
	struct count c1, c2;	/* c1 to column 0 if two, c2 to column col */
	int two, col;
	int after;		/* sorts after the line before */
	uint64_t lineno;
	long last;		/* the stack of the line before, or -1 */
};

static int stash(struct pending *pd, const struct frames *fr,
		 const struct count *c1, const struct count *c2, int two,
		 int col, uint64_t lineno)
{
	if (fold_grow(&pd->ids, &pd->cap, fr->n, sizeof(*pd->ids)) != 0)
		return -1;
	memcpy(pd->ids, fr->ids, fr->n * sizeof(*fr->ids));
	pd->n = fr->n;
	pd->hash = fr->hash;
	if (two)
		pd->c1 = *c1;
	pd->c2 = *c2;
	pd->two = two;
	pd->col = col;
	pd->after = fr->after;
	pd->lineno = lineno;
	return 0;
}

/* Add the pending line's counts to its stack (and keep its place). */
static int commit(struct fold_profile *p, struct pending *pd, int keep_order)
{
	fold_count v[FOLD_MAXCOLS] = { { 0 } };
	size_t n = p->nstacks;
	long k;

	if (pd->n == 0)
		return 0;
	k = fold_stack_get_hashed(p, pd->ids, pd->n, pd->hash);
	pd->n = 0;
	if (k < 0 || (pd->two && add_count(p, (size_t)k, 0, &pd->c1) != 0) ||
	    add_count(p, (size_t)k, pd->col, &pd->c2) != 0)
		return -1;
	/* A new stack after the last one, from a sorted line: tell sorting. */
	if ((size_t)k == n && n > 0 && pd->last == (long)n - 1 && pd->after &&
	    fold_stack_ascends(p, n) != 0)
		return -1;
	pd->last = k;
	if (!keep_order)
		return 0;
	/* Input order, for flame charts. */
	if (pd->two)
		v[0] = as_count(p, &pd->c1);
	v[pd->col] = as_count(p, &pd->c2);
	return fold_seq_add(p, (size_t)k, v);
}

/* Lines read before the tables are sized for the rest of the input. */
#define GUESS_AFTER 1024
/* The most stacks a guess reserves room for; beyond, tables double. */
#define GUESS_MAX (1u << 20)

/*
 * Size the tables for the whole input from its first lines: at most as
 * many more stacks as lines remain (a sorted folded file has a stack per
 * line), in this input and in those that follow, of the depth seen so far.
 */
static void guess_size(struct fold_profile *p, const struct fold_input *in,
		       uint64_t after, uint64_t nframes, uint64_t nlines)
{
	uint64_t done = in->offset + in->pos, left, more;

	if (in->size <= done || nlines == 0 || after > UINT64_MAX / 2)
		return;
	left = in->size - done + after;
	more = left / done * in->lineno + left % done * in->lineno / done;
	if (more > GUESS_MAX)
		more = GUESS_MAX;
	/* Only a hint: failing to reserve is not an error. */
	(void)fold_profile_reserve(p, p->nstacks + (size_t)more,
				   (size_t)(nframes / nlines));
}

int fold_read(struct fold_profile *p, struct fold_input *in,
	      const struct fold_read_opts *opts, struct fold_diag *d)
{
	int ncols = opts->ncols ? opts->ncols : (p->nstacks ? p->ncols : 0);
	/* one-count lines into one column of a differential profile */
	int into = opts->ncols == 1 && p->ncols == 2;
	int col;		/* where the last count of a line goes */
	struct frames fr = { 0 };
	struct pending pd = { .last = -1 };
	struct fold_line ln;
	uint64_t nframes = 0, nlines = 0;	/* for guess_size */
	uint64_t errline = 0, nbad = 0;
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
			if (nlines == 0 && nbad == 0) {
				/*
				 * The first line already is no folded line:
				 * this is some other format, not folded
				 * stacks with a bad line.
				 */
				bad_line(d, in, "not folded stacks (expected "
					 "\"frame;frame;... COUNT\")", ln.s, ln.len);
				d->refused = 1;
				goto out;
			}
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
		errline = in->lineno;
		if (split_frames(p, &fr, s, len) != 0)
			goto oom;
		if (nlines < GUESS_AFTER) {
			nframes += fr.n;
			if (++nlines == GUESS_AFTER && in->size > 0) {
				int e = errno;

				guess_size(p, in, opts->more, nframes, nlines);
				errno = e;
			}
		}
		if (!fr.hashed) {
			fr.hash = fold_stack_hash(fr.ids, fr.n);
			fr.hashed = 1;
		}
		fold_stack_prefetch(p, fr.hash);
		errline = pd.lineno;
		if (commit(p, &pd, opts->keep_order) != 0)
			goto oom;
		errline = in->lineno;
		col = into ? opts->col : ncols - 1;
		if (stash(&pd, &fr, &c1, &c2, ncols == 2, col, in->lineno) != 0)
			goto oom;
		continue;
bad:
		nbad++;
		bad_line(d, in, why, ln.s, ln.len);
		if (opts->strict)
			goto out;
		fold_diag_warn(d, "%s", d->err);
		d->err[0] = '\0';
	}
	if (r != 0)
		goto out;
	if (!in->last_nl && nlines > 0) {
		/*
		 * Every writer ends its last line; one that is not ended was
		 * most likely cut short, inside its count as often as not.
		 */
		fold_diag_error(d, "%s:%llu: the last line has no newline: the "
				"input may be cut short", in->name,
				(unsigned long long)in->lineno);
		if (opts->strict)
			goto out;
		fold_diag_warn(d, "%s", d->err);
		d->err[0] = '\0';
	}
	errline = pd.lineno;
	if (commit(p, &pd, opts->keep_order) != 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	fold_diag_error(d, "%s:%llu: %s", in->name, (unsigned long long)errline,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
out:
	free(fr.text);
	free(fr.end);
	free(fr.ids);
	free(pd.ids);
	return rc;
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
 * Sorted stacks share their first frames with the stack before, so a line
 * starts as one copy of the previous line's shared prefix, and only the
 * other frames are looked up and copied.  The output's mark keeps the
 * previous line in the buffer across flushes.
 */
int fold_write(const struct fold_profile *p, int fd)
{
	struct fold_out o;
	uint32_t *order;
	size_t *end = NULL;	/* end[j]: frame j's ';' + 1, from line start */
	size_t endcap = 0, k, j, m, depth, pdepth = 0, need, start;
	const fold_id *prev = NULL;
	int c, rc = -1;

	/* Small enough to stay in cache, which also spares page faults. */
	if (fold_out_init(&o, fd, 128 << 10) != 0)
		return -1;
	order = fold_sorted(p);
	if (order == NULL)
		goto out;
	for (k = 0; k < p->nstacks; k++) {
		const fold_id *f = fold_stack_frames(p, order[k], &depth);
		int zero = 1;
		char *d;

		for (c = 0; c < p->ncols; c++)
			if (!fold_count_is_zero(p, fold_stack_count(p, order[k], c)))
				zero = 0;
		if (zero)
			continue;
		if (fold_grow(&end, &endcap, depth, sizeof(*end)) != 0)
			goto out;
		/* Frames shared with the previous line, each followed by ';'. */
		m = fold_common_ids(f, prev, depth < pdepth ? depth : pdepth);
		if (m > 0 && m == pdepth)
			m--;	/* the previous line's last frame ends in ' ' */
		need = (m ? end[m - 1] : 0) + (size_t)p->ncols * FOLD_NUM_BUFSZ + 16;
		for (j = m; j < depth; j++)
			need += fold_name_len(&p->names, f[j]) + 1;
		if ((d = fold_out_room(&o, need)) == NULL)
			break;
		start = o.n;
		if (m > 0) {
			memcpy(d, o.buf + o.mark, end[m - 1]);
			o.n += end[m - 1];
		}
		for (j = m; j < depth; j++) {
			size_t len = fold_name_len(&p->names, f[j]);

			copy_name(o.buf + o.n, fold_name(&p->names, f[j]), len);
			o.n += len;
			o.buf[o.n++] = ';';
			end[j] = o.n - start;
		}
		o.buf[o.n - 1] = ' ';
		for (c = 0; c < p->ncols; c++) {
			o.n += fold_fmt_count(o.buf + o.n,
					      fold_stack_count(p, order[k], c),
					      p->fractional);
			o.buf[o.n++] = c + 1 < p->ncols ? ' ' : '\n';
		}
		o.mark = start;
		prev = f;
		pdepth = depth;
	}
	rc = 0;
out:
	if (fold_out_close(&o) != 0)
		rc = -1;
	free(order);
	free(end);
	return rc;
}

int fold_is_folded_line(const char *s, size_t len)
{
	struct count c;

	while (len > 0 && is_blank(s[len - 1]))
		len--;
	return len > 0 && split_count(s, &len, &c) == 0 && len > 0;
}

/* ------------------------------------------------------------- reader */

/*
 * The first content lines of head decide: folded if they all are folded
 * lines; text that is empty (or only comments) is an empty profile, as
 * flamegraph.pl takes it.
 */
static enum fold_detect folded_detect(const char *head, size_t n, int eof)
{
	size_t i = 0, checked = 0;
	struct fold_line ln;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (checked < 4 && fold_head_line(head, n, eof, &i, &ln)) {
		const char *s = ln.s;
		size_t len = ln.len;

		while (len > 0 && is_blank(s[len - 1]))
			len--;
		if (len == 0 || s[0] == '#')
			continue;
		if (!fold_is_folded_line(s, len))
			return checked == 0 ? FOLD_DETECT_NO : FOLD_DETECT_MAYBE;
		checked++;
	}
	if (checked > 0)
		return FOLD_DETECT_YES;
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_MAYBE : FOLD_DETECT_MORE;
}

struct folded_state {
	int strict;
	int have_unit;
	struct fold_unit unit;
};

static const struct fold_reader_option folded_options[] = {
	{ "strict", NULL, "malformed lines are errors, not warnings" },
	{ "unit", "[TYPE/]UNIT", "what the counts are: samples (default), "
	  "nanoseconds, bytes, cpu/nanoseconds ..." },
	{ NULL, NULL, NULL },
};

static int folded_set(void *state, const char *opt, const char *arg,
		      struct fold_diag *d)
{
	struct folded_state *st = state;

	if (strcmp(opt, "strict") == 0) {
		st->strict = 1;
		return 0;
	}
	if (fold_unit_parse(&st->unit, arg) != 0) {
		fold_diag_error(d, "--unit: '%s' is not UNIT or TYPE/UNIT", arg);
		return -1;
	}
	st->have_unit = 1;
	return 0;
}

static int folded_fold(void *state, struct fold_profile *p,
		       struct fold_input *in, const struct fold_read_opts *ro,
		       struct fold_diag *d)
{
	const struct folded_state *st = state;
	struct fold_read_opts o = *ro;
	int c;

	o.strict |= st->strict;
	if (fold_read(p, in, &o, d) != 0)
		return -1;
	if (st->have_unit)
		for (c = 0; c < p->ncols; c++)
			if (p->ncols == 1 || o.ncols != 1 || c == o.col)
				p->unit[c] = st->unit;
	return 0;
}

const struct fold_reader fold_folded_reader = {
	.name = "folded",
	.title = "folded stacks",
	.detect = folded_detect,
	.options = folded_options,
	.state_size = sizeof(struct folded_state),
	.set = folded_set,
	.fold = folded_fold,
};

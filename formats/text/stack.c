/*
 * stack.c - what the text stack readers share: a stack built frame by
 * frame, counts added through the profile API, one-line errors naming the
 * input and line, and the lexer of "frame lines, then a count" blocks
 * (dtrace and stap).
 */
#include <errno.h>
#include <stdlib.h>

#include "formats/text/chars.h"
#include "formats/text/stacks.h"

void stk_stack_free(struct stk_stack *s)
{
	free(s->ids);
	free(s->rev);
	memset(s, 0, sizeof(*s));
}

int stk_push(struct fold_profile *p, struct stk_stack *s, const char *name,
	     size_t len)
{
	fold_id id;

	if (s->n == s->cap &&
	    fold_grow(&s->ids, &s->cap, s->n + 1, sizeof(*s->ids)) != 0)
		return -1;
	id = fold_intern(&p->names, name, len);
	if (id == FOLD_NOID)
		return -1;
	s->ids[s->n++] = id;
	return 0;
}

/* The stack's frames root first, in s->ids or s->rev; NULL: no memory. */
static const fold_id *root_first(struct fold_profile *p, struct stk_stack *s,
				 int leaf_first)
{
	size_t i;

	if (s->n == 0) {
		/* No frames is still a sample: counted, as "[unknown]". */
		if (stk_push(p, s, "[unknown]", 9) != 0)
			return NULL;
		s->n = 1;
	}
	if (!leaf_first)
		return s->ids;
	if (fold_grow(&s->rev, &s->revcap, s->n, sizeof(*s->rev)) != 0)
		return NULL;
	for (i = 0; i < s->n; i++)
		s->rev[i] = s->ids[s->n - 1 - i];
	return s->rev;
}

static int column(const struct fold_profile *p, const struct fold_read_opts *ro)
{
	return p->ncols == 2 ? ro->col : 0;
}

int stk_add(struct fold_profile *p, struct stk_stack *s, int leaf_first,
	    uint64_t v, const struct fold_read_opts *ro)
{
	const fold_id *f = root_first(p, s, leaf_first);

	return f == NULL ? -1 : fold_add_sample(p, f, s->n, column(p, ro), v,
						ro->keep_order);
}

int stk_add_f(struct fold_profile *p, struct stk_stack *s, int leaf_first,
	      double v, const struct fold_read_opts *ro)
{
	const fold_id *f = root_first(p, s, leaf_first);

	return f == NULL ? -1 : fold_add_sample_f(p, f, s->n, column(p, ro), v,
						  ro->keep_order);
}

void stk_bad_line(struct fold_diag *d, const struct fold_input *in,
		  const char *why, const char *s, size_t len)
{
	char shown[FOLD_EXCERPT];

	fold_excerpt(shown, s, len);
	fold_diag_error(d, "%s:%llu: %s: \"%s\"", in->name,
			(unsigned long long)in->lineno, why, shown);
}

void stk_refuse(struct fold_diag *d, const struct fold_input *in,
		const char *title, const char *why, const char *s, size_t len)
{
	char shown[FOLD_EXCERPT];

	fold_excerpt(shown, s, len);
	fold_diag_refuse(d, "%s:%llu: not %s (%s: \"%s\")", in->name,
			 (unsigned long long)in->lineno, title, why, shown);
}

void stk_oom(struct fold_diag *d, const struct fold_input *in)
{
	fold_diag_error(d, "%s:%llu: %s", in->name,
			(unsigned long long)in->lineno,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
}

int stk_uint(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!ch_is(s[i], CH_DIGIT) ||
		    __builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(s[i] - '0'), &x))
			return -1;
	}
	*v = x;
	return 0;
}

void stk_trim(const char **s, size_t *len)
{
	while (*len > 0 && ch_is(**s, CH_SPACE)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ch_is((*s)[*len - 1], CH_SPACE))
		(*len)--;
}

int stk_is_count_line(const char *s, size_t len)
{
	size_t i;

	stk_trim(&s, &len);
	for (i = 0; i < len; i++)
		if (!ch_is(s[i], CH_DIGIT))
			return 0;
	return len > 0;
}

static int blank_line(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!ch_is(s[i], CH_SPACE))
			return 0;
	return 1;
}

int stk_read_blocks(const struct stk_block_fmt *fmt, struct fold_profile *p,
		    struct fold_input *in, const struct fold_read_opts *ro,
		    struct fold_diag *d)
{
	struct stk_stack st = { 0 };
	struct fold_line ln;
	uint64_t stacks = 0, first = 0;	/* line of the stack's first frame */
	int r, rc = -1;

	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s, *t = s, *e = s + ln.len;
		size_t len = ln.len;

		/* The hot path: one pass over the indentation. */
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		if (t == e || (ch_is(*t, CH_SPACE) && blank_line(t, (size_t)(e - t))))
			continue;
		if (ch_is(*t, CH_DIGIT) && stk_is_count_line(t, (size_t)(e - t))) {
			uint64_t v;
			const char *c = t;
			size_t n = (size_t)(e - t);

			stk_trim(&c, &n);
			if (stk_uint(c, n, &v) != 0) {
				stk_bad_line(d, in, "count too large", ln.s, ln.len);
				goto out;
			}
			if (stk_add(p, &st, 1, v, ro) != 0) {
				stk_oom(d, in);
				goto out;
			}
			st.n = 0;
			stacks++;
			continue;
		}
		/* Between blocks: outputs printed one after another (a
		   tick probe printing its aggregation) repeat the header. */
		if (st.n == 0 && fmt->header != NULL &&
		    fmt->header(s, len, in->lineno))
			continue;
		if (!fmt->is_frame(s, len)) {
			if (stacks == 0 && st.n == 0) {
				stk_refuse(d, in, fmt->title, "unrecognized line",
					   s, len);
				goto out;
			}
			stk_bad_line(d, in, "not a frame or a count", s, len);
			goto out;
		}
		if (stacks == 0 && st.n == 0 && fmt->other != NULL &&
		    fmt->other(s, len)) {
			stk_refuse(d, in, fmt->title, "a frame of another format",
				   s, len);
			goto out;
		}
		if (st.n == 0)
			first = in->lineno;
		if (fmt->frame(p, &st, t, (size_t)(e - t)) != 0) {
			stk_oom(d, in);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if (st.n > 0) {
		/* The count closes a stack: without it the input was cut. */
		if (stacks == 0)
			fold_diag_refuse(d, "%s:%llu: not %s (frame lines, but no "
					 "count line)", in->name,
					 (unsigned long long)first, fmt->title);
		else
			fold_diag_error(d, "%s:%llu: the stack from line %llu has "
					"no count line: the input may be cut short",
					in->name, (unsigned long long)in->lineno,
					(unsigned long long)first);
		goto out;
	}
	rc = 0;
out:
	stk_stack_free(&st);
	return rc;
}

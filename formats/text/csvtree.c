/*
 * csvtree.c - call trees exported as CSV, a node per line under a header
 * line: Intel VTune's "Function Stack,CPU Time:Self,Module" (depth in
 * leading blanks; stackcollapse-vtune.pl) and Visual Studio's
 * CallTreeSummary (a level column; stackcollapse-vsprof.pl).  See
 * formats/README.md, "Text stacks: vtune and vsprof".
 */
#include <stdio.h>
#include <stdlib.h>

#include "formats/text/chars.h"
#include "formats/text/stacks.h"

/* s[0..len) without a UTF-8 byte order mark. */
static void skip_bom(const char **s, size_t *len)
{
	if (*len >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
		*s += 3;
		*len -= 3;
	}
}

/* The input's first line, the header: 1 when it starts with word. */
static int header_is(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	skip_bom(&s, &len);
	if (len > 0 && s[0] == '"') {
		s++;
		len--;
	}
	return len >= n && memcmp(s, word, n) == 0;
}

/* Read the header line; 1 if it is one, 0 at the end, -1 (d set). */
static int read_header(struct fold_input *in, const char *word,
		       const char *title, struct fold_diag *d)
{
	struct fold_line ln;
	int r = fold_input_line(in, &ln, d);

	if (r <= 0)
		return r;
	if (!header_is(ln.s, ln.len, word)) {
		char why[64];

		snprintf(why, sizeof(why), "no \"%s\" header", word);
		stk_refuse(d, in, title, why, ln.s, ln.len);
		return -1;
	}
	return 1;
}

/* ---------------------------------------------------------------- vtune */

/*
 * A number [0-9]*\.?[0-9]+ at s[i..len) ending at a ',': where that comma
 * is, or 0.
 */
static size_t number_then_comma(const char *s, size_t i, size_t len)
{
	size_t j = i;
	int digits = 0;

	while (j < len && ch_is(s[j], CH_DIGIT)) {
		j++;
		digits = 1;
	}
	if (j < len && s[j] == '.') {
		size_t k = ++j;

		while (j < len && ch_is(s[j], CH_DIGIT))
			j++;
		if (j == k)
			return 0;
		digits = 1;
	}
	return digits && j < len && s[j] == ',' ? j : 0;
}

/*
 * The self time (seconds) s[0..len) in milliseconds, as the reference's
 * $3 * 1000 but exact: the decimal point moved three places.  Whole: 1
 * and *u; else 0 and *f.
 */
static int milliseconds(const char *s, size_t len, uint64_t *u, double *f)
{
	char buf[96];
	size_t n = 0, dot = len, k;
	int frac = 0;

	for (k = 0; k < len; k++)
		if (s[k] == '.')
			dot = k;
	/* integer digits, then the first three decimals (0-padded) */
	for (k = 0; k < dot && n < 40; k++)
		buf[n++] = s[k];
	for (k = 0; k < 3; k++)
		buf[n++] = dot + 1 + k < len ? s[dot + 1 + k] : '0';
	for (k = dot + 4; k < len; k++)
		if (s[k] != '0')
			frac = 1;
	if (!frac && stk_uint(buf, n, u) == 0)
		return 1;
	if (frac) {
		buf[n++] = '.';
		for (k = dot + 4; k < len && n < sizeof(buf) - 1; k++)
			buf[n++] = s[k];
	}
	buf[n] = '\0';
	*f = strtod(buf, NULL);
	return 0;
}

static int vtune_fold(void *state, struct fold_profile *p,
		      struct fold_input *in, const struct fold_read_opts *ro,
		      struct fold_diag *d)
{
	struct stk_stack st = { 0 };
	struct fold_line ln;
	char *buf = NULL, *name = NULL;
	size_t cap = 0, namecap = 0;
	int r, rc = -1;

	(void)state;
	r = read_header(in, "Function Stack", "VTune CSV", d);
	if (r <= 0)
		return r;
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len, depth = 0, c, k, n;
		uint64_t u = 0;
		double f = 0;
		int whole;

		if (memchr(s, '"', len) != NULL) {
			/* Quotes mean nothing here: the reference drops them all. */
			if (fold_grow(&buf, &cap, len, 1) != 0)
				goto oom;
			for (k = n = 0; k < len; k++)
				if (s[k] != '"')
					buf[n++] = s[k];
			s = buf;
			len = n;
		}
		while (depth < len && ch_is(s[depth], CH_SPACE))
			depth++;
		/* The function: up to the first ",NUMBER," */
		for (c = depth; c < len; c++)
			if (s[c] == ',' && number_then_comma(s, c + 1, len))
				break;
		if (c == len) {
			if (depth == len)
				continue;	/* a blank line */
			stk_bad_line(d, in, "not \"FUNCTION,SECONDS,MODULE\"",
				     ln.s, ln.len);
			goto out;
		}
		k = number_then_comma(s, c + 1, len);
		if (depth > st.n) {
			stk_bad_line(d, in, "deeper than the line before by "
				     "more than one", ln.s, ln.len);
			goto out;
		}
		/* The frame: MODULE!FUNCTION */
		n = (len - k - 1) + 1 + (c - depth);
		if (fold_grow(&name, &namecap, n, 1) != 0)
			goto oom;
		memcpy(name, s + k + 1, len - k - 1);
		name[len - k - 1] = '!';
		memcpy(name + (len - k), s + depth, c - depth);
		stk_cut(&st, depth);
		if (stk_push(p, &st, name, n) != 0)
			goto oom;
		whole = milliseconds(s + c + 1, k - c - 1, &u, &f);
		if (whole ? u == 0 : f == 0)
			continue;	/* no time of its own */
		if ((whole ? stk_add(p, &st, 0, u, ro) :
			     stk_add_f(p, &st, 0, f, ro)) != 0)
			goto oom;
	}
	if (r < 0)
		goto out;
	/* Self times in milliseconds: shown as time, not as samples. */
	fold_unit_set(&p->unit[p->ncols == 2 ? ro->col : 0], "cpu", "milliseconds");
	rc = 0;
	goto out;
oom:
	stk_oom(d, in);
out:
	free(buf);
	free(name);
	stk_stack_free(&st);
	return rc;
}

/* --------------------------------------------------------------- vsprof */

/*
 * A CSV field at s[*i] followed by ',': "quoted" (no quote inside) or
 * bare; [*f, *fl) is the field, *i moves past its comma.  0: none.
 */
static int field(const char *s, size_t len, size_t *i, size_t *f, size_t *fl)
{
	size_t j = *i;

	if (j < len && s[j] == '"') {
		const char *q = memchr(s + j + 1, '"', len - j - 1);

		if (q != NULL && q > s + j + 1 && (size_t)(q - s) + 1 < len &&
		    q[1] == ',') {
			*f = j;
			*fl = (size_t)(q - s) + 1 - j;
			*i = (size_t)(q - s) + 2;
			return 1;
		}
	}
	while (j < len && s[j] != ',')
		j++;
	if (j == *i || j == len)
		return 0;
	*f = *i;
	*fl = j - *i;
	*i = j + 1;
	return 1;
}

/* The function name as the reference writes it: no blanks, no quotes. */
static size_t vsprof_name(char *dst, const char *s, size_t len)
{
	size_t k, n = 0;

	if (len > 0 && s[0] == '"') {
		s++;
		len--;
	}
	if (len > 0 && s[len - 1] == '"')
		len--;
	for (k = 0; k < len; k++)
		if (!ch_is(s[k], CH_SPACE))
			dst[n++] = s[k];
	return n;
}

/* The calls column, "2,893,824" or 471: digits, separators dropped. */
static int vsprof_count(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t k;

	for (k = 0; k < len; k++) {
		if (s[k] == '.' || s[k] == ',' || s[k] == ' ' || s[k] == '"')
			continue;
		if (!ch_is(s[k], CH_DIGIT))
			break;	/* Perl's int() stops at the first non-digit */
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(s[k] - '0'), &x))
			return -1;
	}
	*v = x;
	return 0;
}

static int vsprof_fold(void *state, struct fold_profile *p,
		       struct fold_input *in, const struct fold_read_opts *ro,
		       struct fold_diag *d)
{
	struct stk_stack st = { 0 };
	struct fold_line ln;
	char *name = NULL;
	size_t namecap = 0;
	uint64_t prev = 0;	/* the count of the last node read */
	int r, rc = -1;

	(void)state;
	r = read_header(in, "Level,", "Visual Studio call tree CSV", d);
	if (r <= 0)
		return r;
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len, i = 0, f, fl, cf, cl, n;
		uint64_t level = 0, calls;

		while (i < len && ch_is(s[i], CH_SPACE))
			i++;
		if (i == len)
			continue;
		n = i;
		while (i < len && ch_is(s[i], CH_DIGIT))
			i++;
		if (i == n || i == len || s[i] != ',' ||
		    stk_uint(s + n, i - n, &level) != 0 ||
		    (++i, !field(s, len, &i, &f, &fl)) ||
		    !field(s, len, &i, &cf, &cl)) {
			stk_bad_line(d, in, "not \"LEVEL,FUNCTION,CALLS,...\"",
				     ln.s, ln.len);
			goto out;
		}
		if (vsprof_count(s + cf, cl, &calls) != 0) {
			stk_bad_line(d, in, "count too large", ln.s, ln.len);
			goto out;
		}
		if (level == 0)
			continue;	/* the process itself */
		if (level > st.n + 1) {
			stk_bad_line(d, in, "deeper than the line before by "
				     "more than one", ln.s, ln.len);
			goto out;
		}
		if (level <= st.n) {
			/* The tree turns back: the path so far is a stack. */
			if (stk_add(p, &st, 0, prev, ro) != 0)
				goto oom;
			stk_cut(&st, (size_t)level - 1);
		}
		if (fold_grow(&name, &namecap, fl + 1, 1) != 0)
			goto oom;
		if (stk_push(p, &st, name, vsprof_name(name, s + f, fl)) != 0)
			goto oom;
		prev = calls;
	}
	if (r < 0)
		goto out;
	if (st.n > 0 && stk_add(p, &st, 0, prev, ro) != 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	stk_oom(d, in);
out:
	free(name);
	stk_stack_free(&st);
	return rc;
}

/* ------------------------------------------------------------ detectors */

static enum fold_detect header_detect(const char *head, size_t n, int eof,
				      const char *word)
{
	struct fold_line ln;
	size_t i = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	if (!fold_head_line(head, n, eof, &i, &ln))
		return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
	return header_is(ln.s, ln.len, word) ? FOLD_DETECT_YES : FOLD_DETECT_NO;
}

static enum fold_detect vtune_detect(const char *head, size_t n, int eof)
{
	return header_detect(head, n, eof, "Function Stack,");
}

static enum fold_detect vsprof_detect(const char *head, size_t n, int eof)
{
	return header_detect(head, n, eof, "Level,Function Name,");
}

static const struct fold_reader_option no_options[] = {
	{ NULL, NULL, NULL },
};

const struct fold_reader stk_vtune_reader = {
	.name = "vtune",
	.title = "VTune CSV",
	.detect = vtune_detect,
	.options = no_options,
	.fold = vtune_fold,
};

const struct fold_reader stk_vsprof_reader = {
	.name = "vsprof",
	.title = "Visual Studio call tree CSV",
	.detect = vsprof_detect,
	.options = no_options,
	.fold = vsprof_fold,
};

/*
 * blocks.c - DTrace and SystemTap aggregations printed as blocks of frame
 * lines (leaf first), each closed by a count line: stackcollapse.pl and
 * stackcollapse-stap.pl (formats/README.md, "Text stacks: dtrace and stap").
 */
#include <stdlib.h>

#include "formats/text/chars.h"
#include "formats/text/stacks.h"

/* The first "ab" in s[0..len), or NULL: memchr runs a vector at a time. */
static const char *find2(const char *s, size_t len, char a, char b)
{
	const char *e = s + len, *q = s;

	while (q + 1 < e && (q = memchr(q, a, (size_t)(e - q - 1))) != NULL) {
		if (q[1] == b)
			return q;
		q++;
	}
	return NULL;
}

/* s[0..len) without trailing blanks (the indentation is already gone). */
static void trim_end(const char *s, size_t *len)
{
	while (*len > 0 && ch_is(s[*len - 1], CH_SPACE))
		--*len;
}

/* The last '+' of s[0..len) and what follows it cut ("f+0x1c" -> "f"). */
static size_t cut_offset(const char *s, size_t len)
{
	const char *plus = memrchr(s, '+', len);

	return plus ? (size_t)(plus - s) : len;
}

/*
 * Push one "->"-separated part of a dtrace frame as stackcollapse.pl
 * writes it: ';' (Java signatures) as ':', a leading 'L' dropped, and
 * "_[i]" after inlined parts.
 */
static int push_part(struct fold_profile *p, struct stk_stack *st,
		     const char *s, size_t len, int inlined)
{
	char small[256], *buf = small;
	size_t i, n;
	int rc;

	if (len > 0 && s[0] == 'L') {
		s++;
		len--;
	}
	if (!inlined && memchr(s, ';', len) == NULL)
		return stk_push(p, st, s, len);
	n = len + (inlined ? 4 : 0);
	if (n > sizeof(small) && (buf = malloc(n)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = s[i] == ';' ? ':' : s[i];
	if (inlined)
		memcpy(buf + len, "_[i]", 4);
	rc = stk_push(p, st, buf, n);
	if (buf != small)
		free(buf);
	return rc;
}

static int dtrace_frame(struct fold_profile *p, struct stk_stack *st,
			const char *s, size_t len)
{
	const char *cc, *q;
	size_t nparts = 0, k;
	struct { const char *s; size_t len; } part[64];

	trim_end(s, &len);
	len = cut_offset(s, len);
	/* C++ argument lists cut at the last ( or < after the first "::". */
	cc = find2(s, len, ':', ':');
	if (cc != NULL) {
		for (q = s + len; q > cc + 2; q--)
			if (q[-1] == '(' || q[-1] == '<')
				break;
		if (q > cc + 2)
			len = (size_t)(q - 1 - s);
	}
	if (len == 0)
		return stk_push(p, st, "-", 1);
	/* "a->b->c": inlined calls, a outermost.  Rare, so split slowly. */
	if (find2(s, len, '-', '>') == NULL)
		return push_part(p, st, s, len, 0);
	for (;;) {
		const char *arrow = memmem(s, len, "->", 2);
		size_t n = arrow ? (size_t)(arrow - s) : len;

		if (nparts == sizeof(part) / sizeof(part[0]))
			break;	/* the rest stays one (long) name */
		part[nparts].s = s;
		part[nparts++].len = arrow ? n : len;
		if (arrow == NULL)
			break;
		s = arrow + 2;
		len -= n + 2;
	}
	if (nparts == sizeof(part) / sizeof(part[0]))
		part[nparts - 1].len = (size_t)(s + len - part[nparts - 1].s);
	/* Leaf first within the block: the innermost part goes in first. */
	for (k = nparts; k-- > 0;)
		if (push_part(p, st, part[k].s, part[k].len, k > 0) != 0)
			return -1;
	return 0;
}

/* A digits-only word at s[*i], blanks after it skipped. */
static int digits_word(const char *s, size_t len, size_t *i)
{
	size_t j = *i;

	while (j < len && ch_is(s[j], CH_DIGIT))
		j++;
	if (j == *i)
		return 0;
	while (j < len && ch_is(s[j], CH_BLANK))
		j++;
	*i = j;
	return 1;
}

/*
 * DTrace's header: "CPU     ID                    FUNCTION:NAME" and the
 * probe that printed ("  0  64091                        :tick-60s").
 */
static int dtrace_header_line(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(s, "CPU", 3) == 0)
		return 1;
	while (i < len && ch_is(s[i], CH_BLANK))
		i++;
	if (!digits_word(s, len, &i) || !digits_word(s, len, &i))
		return 0;
	while (len > i && ch_is(s[len - 1], CH_SPACE))
		len--;
	return i < len && memchr(s + i, ':', len - i) != NULL &&
	       memchr(s + i, ' ', len - i) == NULL;
}

static int dtrace_header(const char *s, size_t len, uint64_t lineno)
{
	(void)lineno;
	return dtrace_header_line(s, len);
}

/* DTrace indents every frame of a printed stack. */
static int dtrace_is_frame(const char *s, size_t len)
{
	return len > 0 && ch_is(s[0], CH_BLANK);
}

static int stap_frame_line(const char *s, size_t len);

static const struct stk_block_fmt dtrace_fmt = {
	.title = "DTrace stacks",
	.header = dtrace_header,
	.frame = dtrace_frame,
	.is_frame = dtrace_is_frame,
	/* The same shape, but "0xADDR : name" frames are SystemTap's. */
	.other = stap_frame_line,
};

/*
 * SystemTap's print_stack: " 0xffffffff8103ce4b : native_safe_halt+0xb/0x10
 * [kernel]".  stackcollapse-stap.pl cuts the last '+' and what follows,
 * then everything up to the last " : ".
 */
static int stap_frame(struct fold_profile *p, struct stk_stack *st,
		      const char *s, size_t len)
{
	size_t i;

	trim_end(s, &len);
	len = cut_offset(s, len);
	for (i = len; i >= 3; i--)
		if (memcmp(s + i - 3, " : ", 3) == 0) {
			s += i;
			len -= i;
			break;
		}
	if (len == 0)
		return stk_push(p, st, "-", 1);
	return stk_push(p, st, s, len);
}

/* Frames are indented, or start with their address. */
static int stap_is_frame(const char *s, size_t len)
{
	return len > 0 && (ch_is(s[0], CH_BLANK) ||
			   (len > 2 && s[0] == '0' && s[1] == 'x'));
}

static const struct stk_block_fmt stap_fmt = {
	.title = "SystemTap stacks",
	.frame = stap_frame,
	.is_frame = stap_is_frame,
};

/* ----------------------------------------------------------- detectors */

/* "0xHEX : " after blanks: a SystemTap frame. */
static int stap_frame_line(const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len && ch_is(s[i], CH_BLANK))
		i++;
	if (len - i < 3 || s[i] != '0' || s[i + 1] != 'x')
		return 0;
	for (j = i + 2; j < len && ch_is(s[j], CH_HEX); j++)
		;
	return j > i + 2 && len - j >= 3 && memcmp(s + j, " : ", 3) == 0;
}

/*
 * The first block of head: frame lines up to a count line.  *frames counts
 * its frames, *marked those that look like the format's own (a '`' for
 * DTrace, "0x… : " for SystemTap).  1: a whole block, 0: not this shape,
 * -1: head ends first.
 */
static int first_block(const char *head, size_t n, int eof, int stap,
		       size_t *frames, size_t *marked)
{
	struct fold_line ln;
	size_t i = 0;
	int begun = 0;

	*frames = *marked = 0;
	if (memchr(head, '\0', n) != NULL)
		return 0;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		const char *s = ln.s;
		size_t len = ln.len;

		if (stk_trim(&s, &len), len == 0)
			continue;
		if (!begun && !stap && dtrace_header_line(ln.s, ln.len))
			continue;
		begun = 1;
		if (stk_is_count_line(ln.s, ln.len))
			return *frames > 0;
		if (stap ? !stap_is_frame(ln.s, ln.len) :
			   !dtrace_is_frame(ln.s, ln.len))
			return 0;
		++*frames;
		if (stap ? stap_frame_line(ln.s, ln.len) :
			   memchr(s, '`', len) != NULL)
			++*marked;
	}
	return -1;
}

static enum fold_detect block_detect(const char *head, size_t n, int eof,
				     int stap)
{
	size_t frames, marked;
	int k = first_block(head, n, eof, stap, &frames, &marked);

	if (k == 0)
		return FOLD_DETECT_NO;
	if (k < 0)
		return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
	if (stap)
		return marked == frames ? FOLD_DETECT_YES : FOLD_DETECT_NO;
	return marked > 0 ? FOLD_DETECT_YES : FOLD_DETECT_MAYBE;
}

static enum fold_detect dtrace_detect(const char *head, size_t n, int eof)
{
	size_t i = 0;
	struct fold_line ln;

	/* The header alone says DTrace. */
	while (fold_head_line(head, n, eof, &i, &ln)) {
		const char *s = ln.s;
		size_t len = ln.len;

		if (stk_trim(&s, &len), len == 0)
			continue;
		if (len >= 3 && memcmp(ln.s, "CPU", 3) == 0 &&
		    memmem(s, len, "FUNCTION:NAME", 13) != NULL)
			return FOLD_DETECT_YES;
		break;
	}
	return block_detect(head, n, eof, 0);
}

static enum fold_detect stap_detect(const char *head, size_t n, int eof)
{
	return block_detect(head, n, eof, 1);
}

static int dtrace_fold(void *state, struct fold_profile *p,
		       struct fold_input *in, const struct fold_read_opts *ro,
		       struct fold_diag *d)
{
	(void)state;
	return stk_read_blocks(&dtrace_fmt, p, in, ro, d);
}

static int stap_fold(void *state, struct fold_profile *p,
		     struct fold_input *in, const struct fold_read_opts *ro,
		     struct fold_diag *d)
{
	(void)state;
	return stk_read_blocks(&stap_fmt, p, in, ro, d);
}

static const struct fold_reader_option no_options[] = {
	{ NULL, NULL, NULL },
};

const struct fold_reader stk_dtrace_reader = {
	.name = "dtrace",
	.title = "DTrace stacks",
	.detect = dtrace_detect,
	.options = no_options,
	.fold = dtrace_fold,
};

const struct fold_reader stk_stap_reader = {
	.name = "stap",
	.title = "SystemTap stacks",
	.detect = stap_detect,
	.options = no_options,
	.fold = stap_fold,
};

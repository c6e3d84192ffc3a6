/*
 * bpftrace.c - a bpftrace map of stacks printed at exit: "@[", the key's
 * lines (stack frames leaf first, indented; ", " between the keys of a
 * multi-key map), then "]: COUNT" (stackcollapse-bpftrace.pl; formats/
 * README.md, "Text stacks: bpftrace").
 */
#include "formats/text/chars.h"
#include "formats/text/stacks.h"

/* Whether s[0..len) opens a map entry: "@[" or "@NAME[" and nothing else. */
static int entry_open(const char *s, size_t len, size_t *key)
{
	size_t i = 1;

	if (len < 2 || s[0] != '@')
		return 0;
	while (i < len && ch_is(s[i], CH_WORD))
		i++;
	if (i == len || s[i] != '[')
		return 0;
	*key = i + 1;
	return 1;
}

/*
 * The entry's end: s[0..len) ends in "]: DIGITS"; *keylen is what comes
 * before the ']', *v the count.  0: not an end, -1: a count past 2^64.
 */
static int entry_close(const char *s, size_t len, size_t *keylen, uint64_t *v)
{
	size_t j = len;

	while (j > 0 && ch_is(s[j - 1], CH_DIGIT))
		j--;
	if (j == len || j < 3 || s[j - 1] != ' ' || s[j - 2] != ':' ||
	    s[j - 3] != ']')
		return 0;
	*keylen = j - 3;
	return stk_uint(s + j, len - j, v) == 0 ? 1 : -1;
}

/*
 * Key text outside the stacks (", ", ", pmpwork", ", , comm"): the ", "
 * separators go, each value between them is a frame.  The reference keeps
 * the separators as frames (", pmpwork", ", ").
 */
static int push_keys(struct fold_profile *p, struct stk_stack *st,
		     const char *s, size_t len)
{
	while (len > 0) {
		const char *sep = memmem(s, len, ", ", 2);
		size_t n = sep ? (size_t)(sep - s) : len;
		const char *v = s;
		size_t vl = n;

		if (sep == NULL && vl > 0 && v[vl - 1] == ',')
			vl--;	/* ", " at the end of a line, its blank trimmed */
		stk_trim(&v, &vl);
		if (vl > 0 && stk_push(p, st, v, vl) != 0)
			return -1;
		if (sep == NULL)
			break;
		s = sep + 2;
		len -= n + 2;
	}
	return 0;
}

static int bpftrace_fold(void *state, struct fold_profile *p,
			 struct fold_input *in, const struct fold_read_opts *ro,
			 struct fold_diag *d)
{
	struct stk_stack st = { 0 };
	struct fold_line ln;
	uint64_t open = 0;	/* line of the open entry, or 0 */
	int r, rc = -1, seen = 0;

	(void)state;
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len, key, keylen;
		uint64_t v;
		int k;

		if (open) {
			if (len > 0 && ch_is(s[0], CH_SPACE)) {
				/* A frame: "    func+12" or "\tADDR func+12 (dso)". */
				stk_trim(&s, &len);
				if (len > 0 && stk_push(p, &st, s, len) != 0)
					goto oom;
				continue;
			}
			k = entry_close(s, len, &keylen, &v);
			if (k < 0) {
				stk_bad_line(d, in, "count too large", s, len);
				goto out;
			}
			if (push_keys(p, &st, s, k ? keylen : len) != 0)
				goto oom;
			if (k == 0)
				continue;
			/* Frames came leaf first, keys last to first root. */
			if (stk_add(p, &st, 1, v, ro) != 0)
				goto oom;
			st.n = 0;
			open = 0;
			continue;
		}
		if (entry_open(s, len, &key)) {
			seen = 1;
			k = entry_close(s, len, &keylen, &v);
			if (k < 0) {
				stk_bad_line(d, in, "count too large", s, len);
				goto out;
			}
			if (k == 0) {
				if (key != len) {
					stk_bad_line(d, in, "not a map entry of "
						     "counts", s, len);
					goto out;
				}
				open = in->lineno;
				continue;
			}
			/* One line: "@[comm]: 5", or "@[]: 540" (no stack). */
			if (push_keys(p, &st, s + key, keylen - key) != 0 ||
			    stk_add(p, &st, 1, v, ro) != 0)
				goto oom;
			st.n = 0;
			continue;
		}
		stk_trim(&s, &len);
		if (len == 0 || seen)
			continue;	/* the program's other output */
		if (len >= 10 && memcmp(s, "Attaching ", 10) == 0) {
			seen = 1;
			continue;
		}
		stk_refuse(d, in, "bpftrace output", "no map entry \"@[\"",
			   s, len);
		goto out;
	}
	if (r < 0)
		goto out;
	if (open) {
		fold_diag_error(d, "%s:%llu: the map entry from line %llu has no "
				"closing \"]: COUNT\": the input may be cut short",
				in->name, (unsigned long long)in->lineno,
				(unsigned long long)open);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	stk_oom(d, in);
out:
	stk_stack_free(&st);
	return rc;
}

/* "Attaching N probes...", or "@[" with an indented frame after it. */
static enum fold_detect bpftrace_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0, key;
	int opened = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		const char *s = ln.s;
		size_t len = ln.len;

		if (opened)
			return len > 0 && ch_is(s[0], CH_SPACE) ?
			       FOLD_DETECT_YES : FOLD_DETECT_NO;
		if (entry_open(s, len, &key)) {
			size_t kl;
			uint64_t v;

			if (key == len) {
				opened = 1;
				continue;
			}
			return entry_close(s, len, &kl, &v) ?
			       FOLD_DETECT_MAYBE : FOLD_DETECT_NO;
		}
		stk_trim(&s, &len);
		if (len == 0)
			continue;
		if (len > 10 && memcmp(s, "Attaching ", 10) == 0 &&
		    memmem(s, len, " probe", 6) != NULL)
			return FOLD_DETECT_YES;
		return FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

static const struct fold_reader_option no_options[] = {
	{ NULL, NULL, NULL },
};

const struct fold_reader stk_bpftrace_reader = {
	.name = "bpftrace",
	.title = "bpftrace stacks",
	.detect = bpftrace_detect,
	.options = no_options,
	.fold = bpftrace_fold,
};

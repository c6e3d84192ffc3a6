/*
 * pmp.c - the poor man's profiler: backtraces of every thread taken again
 * and again, by gdb ("thread apply all bt") or eu-stack, each thread's
 * backtrace one sample, frame #0 the leaf (stackcollapse-gdb.pl and
 * stackcollapse-elfutils.pl; formats/README.md, "Text stacks: gdb and
 * elfutils").
 */
#include <stdio.h>

#include "formats/text/chars.h"
#include "formats/text/stacks.h"

static int starts(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && memcmp(s, w, n) == 0;
}

/* "#N" and the blanks after it: the frame's text at *i. */
static int frame_number(const char *s, size_t len, size_t *i)
{
	size_t j = 1;

	if (len < 2 || s[0] != '#' || !ch_is(s[1], CH_DIGIT))
		return 0;
	while (j < len && ch_is(s[j], CH_DIGIT))
		j++;
	while (j < len && s[j] == ' ')
		j++;
	*i = j;
	return 1;
}

/* "0x" and hex digits at s[*i]: *i moves past them. */
static int address(const char *s, size_t len, size_t *i)
{
	size_t j = *i;

	if (len - j < 3 || s[j] != '0' || s[j + 1] != 'x')
		return 0;
	for (j += 2; j < len && ch_is(s[j], CH_HEX); j++)
		;
	*i = j;
	return 1;
}

/* ---------------------------------------------------------------- gdb */

/*
 * The function name of a gdb frame, s[0..len) after "#N  " (and "0xADDR
 * in "): up to its argument list, the first " (" outside <...>, or the
 * whole rest without one ("<signal handler called>").  "operator<" and
 * its kin are names, not brackets.
 */
static size_t gdb_name_len(const char *s, size_t len)
{
	size_t i = 0;
	int depth = 0;

	while (i < len) {
		if (len - i >= 8 && memcmp(s + i, "operator", 8) == 0) {
			i += 8;
			while (i < len && s[i] != '\0' && strchr("<>=-", s[i]) != NULL)
				i++;
			continue;
		}
		if (s[i] == '<')
			depth++;
		else if (s[i] == '>' && depth > 0)
			depth--;
		else if (s[i] == ' ' && depth == 0 && i + 1 < len &&
			 s[i + 1] == '(')
			return i;
		i++;
	}
	return len;
}

/*
 * The name of gdb frame line s[0..len): 1, or 0 when the line is not a
 * gdb frame (an address without " in ").
 */
static int gdb_frame(const char *s, size_t len, const char **name,
		     size_t *nlen)
{
	size_t i, j;

	if (!frame_number(s, len, &i))
		return 0;
	j = i;
	if (address(s, len, &j)) {
		if (len - j < 4 || memcmp(s + j, " in ", 4) != 0)
			return 0;
		i = j + 4;
	}
	s += i;
	len -= i;
	*nlen = gdb_name_len(s, len);
	*name = s;
	while (*nlen > 0 && ch_is(s[*nlen - 1], CH_SPACE))
		--*nlen;
	return 1;
}

static int gdb_fold(void *state, struct fold_profile *p, struct fold_input *in,
		    const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct stk_stack st = { 0 };
	struct fold_line ln;
	uint64_t frames = 0;
	int r, rc = -1;

	(void)state;
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s, *name;
		size_t len = ln.len, nlen;

		if (len > 0 && s[0] == '#' && len > 1 && ch_is(s[1], CH_DIGIT)) {
			if (!gdb_frame(s, len, &name, &nlen)) {
				if (frames == 0) {
					stk_refuse(d, in, "gdb backtraces",
						   "a frame without \" in \"", s, len);
					goto out;
				}
				/* Lenient later: the text after "#N". */
				frame_number(s, len, &nlen);
				name = s + nlen;
				nlen = len - nlen;
			}
			frames++;
			if (stk_push(p, &st, name, nlen) != 0)
				goto oom;
			continue;
		}
		/* A wrapped frame line's rest (" at file.c:12") */
		if (st.n > 0 && len > 0 && ch_is(s[0], CH_BLANK))
			continue;
		/* Any other line ends a backtrace ("Thread N", a blank ...). */
		if (st.n > 0) {
			if (stk_add(p, &st, 1, 1, ro) != 0)
				goto oom;
			st.n = 0;
		}
	}
	if (r < 0)
		goto out;
	if (st.n > 0 && stk_add(p, &st, 1, 1, ro) != 0)
		goto oom;
	if (frames == 0 && in->lineno > 0) {
		fold_diag_refuse(d, "%s: not gdb backtraces (no frame line "
				 "\"#0 ...\" in %llu lines)", in->name,
				 (unsigned long long)in->lineno);
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

/* A "Thread N (...)" line, then a gdb frame "#0 ...". */
static enum fold_detect gdb_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0, nlen;
	const char *name;
	int thread = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (thread)
			return starts(ln.s, ln.len, "#0 ") &&
			       gdb_frame(ln.s, ln.len, &name, &nlen) ?
			       FOLD_DETECT_YES : FOLD_DETECT_NO;
		if (starts(ln.s, ln.len, "Thread ") &&
		    memmem(ln.s, ln.len, "(Thread ", 8) != NULL)
			thread = 1;
		else if (starts(ln.s, ln.len, "#0 "))
			return gdb_frame(ln.s, ln.len, &name, &nlen) &&
			       memmem(ln.s, ln.len, " (", 2) != NULL ?
			       FOLD_DETECT_MAYBE : FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

/* ----------------------------------------------------------- elfutils */

struct eu_state {
	int pid, tid;		/* --pid, --tid */
};

static const struct fold_reader_option eu_options[] = {
	{ "pid", NULL, "a root frame PID=N for each process" },
	{ "tid", NULL, "a frame TID=N for each thread (under PID=N with --pid)" },
	{ NULL, NULL, NULL },
};

static int eu_set(void *state, const char *opt, const char *arg,
		  struct fold_diag *d)
{
	struct eu_state *st = state;

	(void)arg;
	(void)d;
	if (strcmp(opt, "pid") == 0)
		st->pid = 1;
	else
		st->tid = 1;
	return 0;
}

/* The digits after word w ("PID ", "TID "), into buf as "PID=N". */
static int eu_id(const char *s, size_t len, const char *w, char *buf,
		 size_t size)
{
	size_t i = 4, j;

	if (!starts(s, len, w))
		return 0;
	for (j = i; j < len && ch_is(s[j], CH_DIGIT); j++)
		;
	if (j - i + 5 > size)
		j = i + size - 5;
	/* "PID=" as the reference writes it, then the digits */
	memcpy(buf, w, 3);
	buf[3] = '=';
	memcpy(buf + 4, s + i, j - i);
	buf[4 + j - i] = '\0';
	return 1;
}

/*
 * The name of eu-stack frame line s[0..len) ("#0  0x00007f8687f63545
 * clock_nanosleep@GLIBC_2.2.5"): 1, or 0 when it is none.  -v's "- 1"
 * marker and frame #0's padding go (the reference keeps them).
 */
static int eu_frame(const char *s, size_t len, const char **name, size_t *nlen)
{
	size_t i;

	if (!frame_number(s, len, &i) || !address(s, len, &i))
		return 0;
	s += i;
	len -= i;
	stk_trim(&s, &len);
	if (len >= 3 && memcmp(s, "- 1", 3) == 0 &&
	    (len == 3 || s[3] == ' ')) {
		s += 3;
		len -= 3;
		stk_trim(&s, &len);
	}
	*name = s;
	*nlen = len;
	return 1;
}

/* Add the backtrace read (under PID=N and TID=N frames when asked). */
static int eu_add(struct fold_profile *p, struct stk_stack *st,
		  const struct eu_state *o, const char *pid, const char *tid,
		  const struct fold_read_opts *ro)
{
	int rc;

	if (st->n == 0)
		return 0;
	/* Pushed last, so first once the leaf-first frames are reversed. */
	if ((o->tid && stk_push(p, st, tid, strlen(tid)) != 0) ||
	    (o->pid && stk_push(p, st, pid, strlen(pid)) != 0))
		return -1;
	rc = stk_add(p, st, 1, 1, ro);
	st->n = 0;
	return rc;
}

static int eu_fold(void *state, struct fold_profile *p, struct fold_input *in,
		   const struct fold_read_opts *ro, struct fold_diag *d)
{
	const struct eu_state *o = state;
	struct stk_stack st = { 0 };
	struct fold_line ln;
	char pid[32] = "PID=", tid[32] = "TID=";
	int r, rc = -1, seen = 0;

	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s, *name;
		size_t len = ln.len, nlen;

		if (len > 0 && s[0] == '#') {
			if (!eu_frame(s, len, &name, &nlen)) {
				if (frame_number(s, len, &nlen) && !seen) {
					stk_refuse(d, in, "eu-stack output",
						   "not a frame \"#N 0xADDR\"", s, len);
					goto out;
				}
				continue;
			}
			seen = 1;
			if (nlen == 0) {
				name = "[unknown]";
				nlen = 9;
			}
			if (stk_push(p, &st, name, nlen) != 0)
				goto oom;
			continue;
		}
		if (starts(s, len, "PID ") || starts(s, len, "TID ")) {
			if (eu_add(p, &st, o, pid, tid, ro) != 0)
				goto oom;
			eu_id(s, len, s[0] == 'P' ? "PID " : "TID ",
			      s[0] == 'P' ? pid : tid, sizeof(pid));
			seen = 1;
			continue;
		}
		if (!seen) {
			const char *t = s;
			size_t tl = len;

			stk_trim(&t, &tl);
			if (tl == 0)
				continue;
			stk_refuse(d, in, "eu-stack output", "no \"PID N\" or "
				   "\"TID N:\" line first", s, len);
			goto out;
		}
		/* Source lines of -s, anything else: not part of a stack. */
	}
	if (r < 0)
		goto out;
	if (eu_add(p, &st, o, pid, tid, ro) != 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	stk_oom(d, in);
out:
	stk_stack_free(&st);
	return rc;
}

/* "PID N - process" (or a thread's "TID N:"), then frames. */
static enum fold_detect eu_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0, nlen;
	const char *name;
	int header = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (ln.len == 0 && !header)
			continue;
		if (starts(ln.s, ln.len, "PID ") || starts(ln.s, ln.len, "TID ")) {
			header = 1;
			continue;
		}
		if (!header)
			return FOLD_DETECT_NO;
		return eu_frame(ln.s, ln.len, &name, &nlen) ? FOLD_DETECT_YES :
		       FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

static const struct fold_reader_option no_options[] = {
	{ NULL, NULL, NULL },
};

const struct fold_reader stk_gdb_reader = {
	.name = "gdb",
	.title = "gdb backtraces",
	.detect = gdb_detect,
	.options = no_options,
	.fold = gdb_fold,
};

const struct fold_reader stk_elfutils_reader = {
	.name = "elfutils",
	.title = "eu-stack output",
	.detect = eu_detect,
	.options = eu_options,
	.state_size = sizeof(struct eu_state),
	.set = eu_set,
	.fold = eu_fold,
};

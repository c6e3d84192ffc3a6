/*
 * faulthandler.c - Python faulthandler dumps (faulthandler.enable(),
 * dump_traceback_later(), register()): a "Thread 0x..." or "Current thread
 * 0x..." line, then the thread's frames innermost first,
 *   File "FILE", line N in FUNCTION
 * folded as stackcollapse-faulthandler.pl does, one count per thread dump,
 * frames "FILE:N:FUNCTION".
 */
#include <errno.h>

#include "formats/runtime/runtime.h"

/* A thread's header: its stack ends at the next one. */
static int fh_header(const char *s, size_t len)
{
	return rt_starts(s, len, "Thread 0x") ||
	       rt_starts(s, len, "Current thread 0x") ||
	       rt_starts(s, len, "Stack (most recent call first):");
}

/*
 * '  File "FILE", line N in FUNCTION' into "FILE:N:FUNCTION" in st's
 * buffer: 1, or 0 when s is no frame line (the script's regular
 * expression: the file ends at the first '"', N may be empty).
 */
static int fh_frame(struct rt_stack *st, const char *s, size_t len, int *oom)
{
	const char *e = s + len, *file, *q, *num, *p;

	*oom = 0;
	if (!rt_starts(s, len, "  File \""))
		return 0;
	file = s + 8;
	q = memchr(file, '"', (size_t)(e - file));
	if (q == NULL || !rt_starts(q, (size_t)(e - q), "\", line "))
		return 0;
	num = q + 8;
	for (p = num; p < e && *p >= '0' && *p <= '9'; p++)
		;
	if (!rt_starts(p, (size_t)(e - p), " in "))
		return 0;
	rt_buf_clear(st);
	if (rt_buf_add(st, file, (size_t)(q - file)) != 0 ||
	    rt_buf_add(st, ":", 1) != 0 ||
	    rt_buf_add(st, num, (size_t)(p - num)) != 0 ||
	    rt_buf_add(st, ":", 1) != 0 ||
	    rt_buf_add(st, p + 4, (size_t)(e - p - 4)) != 0) {
		*oom = 1;
		return 0;
	}
	return 1;
}

static int fh_fold(void *state, struct fold_profile *p, struct fold_input *in,
		   const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct rt_stack st = { 0 };
	struct fold_line ln;
	uint64_t frames = 0, headers = 0, text = 0;
	int r, oom, rc = -1;

	(void)state;
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		if (fh_frame(&st, ln.s, ln.len, &oom)) {
			frames++;
			if (rt_push(&st, p, st.buf, st.buflen) != 0)
				goto fail;
			continue;
		}
		if (oom)
			goto fail;
		/*
		 * Any other line ends the stack.  The script resets it at a
		 * "Thread" line instead, losing the stack of a dump that no
		 * blank line closes (register()'s current thread).
		 */
		if (rt_flush(&st, p, ro, 1) != 0)
			goto fail;
		headers += fh_header(ln.s, ln.len);
		text += ln.len > 0;
	}
	if (r < 0)
		goto out;
	if (rt_flush(&st, p, ro, 1) != 0)
		goto fail;
	if (frames == 0 && headers == 0 && text > 0) {
		fold_diag_refuse(d, "%s: not a Python faulthandler dump (no "
				 "\"Thread 0x...\" or '  File \"...\", line N "
				 "in ...' line)", in->name);
		goto out;
	}
	fold_unit_set(&p->unit[rt_col(p, ro)], "samples", "count");
	rc = 0;
	goto out;
fail:
	rt_fail(d, in);
out:
	rt_stack_free(&st);
	return rc;
}

/*
 * A dump starts with its first thread's header, or with what faulthandler
 * prints before it ("Fatal Python error: ...", "Timeout (0:00:05)!"); a
 * frame line follows the header.
 */
static enum fold_detect fh_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0;
	int lines = 0, header = 0;

	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (ln.len == 0 && !header)
			continue;
		if (header)
			return rt_starts(ln.s, ln.len, "  File \"") ?
			       FOLD_DETECT_YES : FOLD_DETECT_NO;
		if (fh_header(ln.s, ln.len)) {
			header = 1;
			continue;
		}
		if (lines++ > 0 || !(rt_starts(ln.s, ln.len, "Fatal Python error: ") ||
				     rt_starts(ln.s, ln.len, "Timeout (")))
			return FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader faulthandler_reader = {
	.name = "faulthandler",
	.title = "Python faulthandler dump",
	.detect = fh_detect,
	.fold = fh_fold,
};

/*
 * java_exceptions.c - Java exception stack traces in logs (what
 * Throwable.printStackTrace() writes), folded as
 * stackcollapse-java-exceptions.pl does: each run of "at CLASS.METHOD(...)"
 * lines is one stack, counted once; the line after it ("Caused by: ...",
 * "... 2 more", the next log line) ends it, except a "waiting on" line.
 */
#include <errno.h>

#include "formats/runtime/runtime.h"
#include "formats/text/chars.h"

/* How --shorten-pkgs and --no-pkgs name a frame (shared with jstack.c). */
enum rt_pkgs { RT_PKGS_KEEP, RT_PKGS_SHORT, RT_PKGS_NONE };

/*
 * "  at NAME(..." (the script's /^\s*at ([^\(]*)/): NAME, which runs to
 * the first '(' or the end of the line.  0 when s is no frame line.
 */
int rt_java_at(const char *s, size_t len, const char **name, size_t *nlen);
int rt_java_at(const char *s, size_t len, const char **name, size_t *nlen)
{
	const char *e = s + len, *p = s, *q;

	while (p < e && ch_is(*p, CH_SPACE))
		p++;
	if (e - p < 3 || p[0] != 'a' || p[1] != 't' || p[2] != ' ')
		return 0;
	p += 3;
	q = memchr(p, '(', (size_t)(e - p));
	*name = p;
	*nlen = (size_t)((q ? q : e) - p);
	return 1;
}

/*
 * The frame name under --shorten-pkgs ("java.util.HashMap.get" to
 * "j.u.HashMap.get": each word of the package cut to its first character)
 * or --no-pkgs ("HashMap.get"), into st's buffer.  The package is what
 * precedes the last two dot-separated parts.  A name with fewer parts (a
 * class of the default package, "Main.run") has no package and stays
 * whole, where the script's pattern fails and leaves an empty name.
 */
int rt_java_pkgs(struct rt_stack *st, const char *s, size_t len, int how);
int rt_java_pkgs(struct rt_stack *st, const char *s, size_t len, int how)
{
	size_t i, dots = 0, cut = 0, last = 0;

	for (i = len; i > 0; i--)
		if (s[i - 1] == '.') {
			if (++dots == 1)
				last = i;
			else if (dots == 2) {
				cut = i;	/* the package is s[0..cut) */
				break;
			}
		}
	/* CLASS.METHOD: both parts non-empty, or there is no package. */
	if (dots < 2 || last == cut + 1 || last == len)
		cut = 0;
	rt_buf_clear(st);
	if (cut == 0 || how == RT_PKGS_NONE)
		return rt_buf_add(st, s + cut, len - cut);
	if (fold_grow(&st->buf, &st->bufcap, len + 1, 1) != 0)
		return -1;
	/* s/(\w)\w*\/$1/g over the package: each run of \w keeps its first. */
	for (i = 0; i < cut; i++)
		if (!ch_is(s[i], CH_WORD) || i == 0 || !ch_is(s[i - 1], CH_WORD))
			st->buf[st->buflen++] = s[i];
	memcpy(st->buf + st->buflen, s + cut, len - cut);
	st->buflen += len - cut;
	return 0;
}

struct jex_state {
	int pkgs;		/* enum rt_pkgs */
};

static const struct fold_reader_option jex_options[] = {
	{ "shorten-pkgs", NULL, "shorten package names: j.u.HashMap.get" },
	{ "no-pkgs", NULL, "no package names: HashMap.get" },
	{ NULL, NULL, NULL },
};

static int jex_set(void *state, const char *opt, const char *arg,
		   struct fold_diag *d)
{
	struct jex_state *js = state;

	(void)arg;
	(void)d;
	/* --no-pkgs wins over --shorten-pkgs, in the script too. */
	if (strcmp(opt, "no-pkgs") == 0)
		js->pkgs = RT_PKGS_NONE;
	else if (js->pkgs != RT_PKGS_NONE)
		js->pkgs = RT_PKGS_SHORT;
	return 0;
}

static int jex_fold(void *state, struct fold_profile *p, struct fold_input *in,
		    const struct fold_read_opts *ro, struct fold_diag *d)
{
	const struct jex_state *js = state;
	struct rt_stack st = { 0 };
	struct fold_line ln;
	uint64_t stacks = 0, text = 0;
	const char *name;
	size_t nlen;
	int r, rc = -1;

	while ((r = fold_input_line(in, &ln, d)) > 0) {
		if (rt_java_at(ln.s, ln.len, &name, &nlen)) {
			if (js->pkgs != RT_PKGS_KEEP) {
				if (rt_java_pkgs(&st, name, nlen, js->pkgs) != 0)
					goto fail;
				name = st.buf;
				nlen = st.buflen;
			}
			if (rt_push(&st, p, name, nlen) != 0)
				goto fail;
			continue;
		}
		/* A thread dump has "at" lines too: fg-collapse jstack. */
		if (text < 2 && stacks == 0 && rt_jstack_line(ln.s, ln.len)) {
			fold_diag_refuse(d, "%s:%llu: not Java exception stack "
					 "traces: a Java thread dump", in->name,
					 (unsigned long long)in->lineno);
			goto out;
		}
		text += ln.len > 0;
		if (st.n == 0 || memmem(ln.s, ln.len, "waiting on ", 11) != NULL)
			continue;
		stacks++;
		if (rt_flush(&st, p, ro, 1) != 0)
			goto fail;
	}
	if (r < 0)
		goto out;
	stacks += st.n > 0;
	if (rt_flush(&st, p, ro, 1) != 0)
		goto fail;
	if (stacks == 0 && text > 0) {
		fold_diag_refuse(d, "%s: not Java exception stack traces (no "
				 "\"\\tat CLASS.METHOD(...)\" line)", in->name);
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

/* "java.lang.IllegalStateException: ..." or "Exception in thread ..." */
static int jex_throwable(const char *s, size_t len)
{
	const char *e = s + len, *p = s, *w;

	if (rt_starts(s, len, "Exception in thread \""))
		return 1;
	if (rt_starts(s, len, "Caused by: "))
		p += 11;
	for (w = p; p < e && (ch_is(*p, CH_WORD) || *p == '.' || *p == '$'); p++)
		;
	if (p == w || (p < e && *p != ':'))
		return 0;
	/* the class name ends so: FooException, BarError, Throwable */
	return (p - w >= 9 && memcmp(p - 9, "Exception", 9) == 0) ||
	       (p - w >= 5 && memcmp(p - 5, "Error", 5) == 0) ||
	       (p - w >= 9 && memcmp(p - 9, "Throwable", 9) == 0);
}

/*
 * A throwable's line followed by an "at" line, among the first lines of a
 * log (whatever else it has).
 */
static enum fold_detect jex_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	const char *name;
	size_t i = 0, nlen;
	int lines = 0, thrown = 0;

	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (thrown && rt_java_at(ln.s, ln.len, &name, &nlen) &&
		    nlen > 0 && ln.s[0] == '\t')
			return FOLD_DETECT_YES;
		thrown = jex_throwable(ln.s, ln.len);
		if (++lines >= 200)
			return FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader java_exceptions_reader = {
	.name = "java-exceptions",
	.title = "Java exception stack traces",
	.detect = jex_detect,
	.options = jex_options,
	.state_size = sizeof(struct jex_state),
	.set = jex_set,
	.fold = jex_fold,
};

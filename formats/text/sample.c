/*
 * sample.c - macOS sample(1) output: the "Call graph:" section, one call
 * tree per thread, each node "COUNT NAME  (in MODULE) + OFF  [ADDR]"
 * indented two columns a level (stackcollapse-sample.awk; formats/
 * README.md, "Text stacks: sample").
 */
#include <stdio.h>

#include "formats/text/chars.h"
#include "formats/text/stacks.h"

struct sample_state {
	int no_modules;		/* --no-modules: the script's MODULES=0 */
};

static const struct fold_reader_option sample_options[] = {
	{ "no-modules", NULL, "frame names without their module (MODULES=0 "
	  "of stackcollapse-sample.awk)" },
	{ NULL, NULL, NULL },
};

static int sample_set(void *state, const char *opt, const char *arg,
		      struct fold_diag *d)
{
	struct sample_state *st = state;

	(void)opt;
	(void)arg;
	(void)d;
	st->no_modules = 1;
	return 0;
}

/*
 * The script's idle functions: a stack whose leaf is one is not written
 * (nor are the levels popped with it), so waiting threads do not fill the
 * graph.
 */
static int idle_function(const char *s, size_t len)
{
	static const char *const idle[] = {
		"__psynch_cvwait", "__select", "__semwait_signal",
		"__ulock_wait", "__wait4", "__workq_kernreturn", "kevent",
		"mach_msg_trap", "read", "semaphore_wait_trap",
	};
	size_t i, n;

	if (len > 17 && memcmp(s, "libsystem_kernel`", 17) == 0) {
		s += 17;
		len -= 17;
	}
	for (i = 0; i < sizeof(idle) / sizeof(idle[0]); i++) {
		n = strlen(idle[i]);
		if (n == len && memcmp(s, idle[i], n) == 0)
			return 1;
	}
	return 0;
}

struct tree {
	struct stk_stack st;	/* the names of the levels, root first */
	int64_t *times;		/* each level's count less its children's */
	size_t cap;
	long level;		/* the deepest level read, -1: none */
};

/*
 * The script's printStack(from, to): each level from `from` up to `to`
 * written with its own count, root first, unless the leaf at `from` is an
 * idle function; then those levels are dropped.
 */
static int pop(struct fold_profile *p, struct tree *t, long from, long to,
	       const struct fold_read_opts *ro)
{
	int write;
	long l;

	if (from < 0 || (size_t)from >= t->st.n)
		return 0;
	write = !idle_function(fold_name(&p->names, t->st.ids[from]),
			       fold_name_len(&p->names, t->st.ids[from]));
	for (l = from; l >= to && l >= 0; l--) {
		t->st.n = (size_t)l + 1;
		/* Zero is no sample; a negative count (children counted
		   more than their parent) cannot be one either. */
		if (write && t->times[l] > 0 &&
		    stk_add(p, &t->st, 0, (uint64_t)t->times[l], ro) != 0)
			return -1;
	}
	stk_cut(&t->st, to > 0 ? (size_t)to : 0);
	return 0;
}

/* The next blank-separated word of s[*i..len). */
static int word(const char *s, size_t len, size_t *i, size_t *w, size_t *wl)
{
	size_t j = *i;

	while (j < len && ch_is(s[j], CH_BLANK))
		j++;
	*w = j;
	while (j < len && !ch_is(s[j], CH_BLANK))
		j++;
	*wl = j - *w;
	*i = j;
	return *wl > 0;
}

/*
 * The node's name into buf ("MODULE`NAME", .dylib dropped from MODULE):
 * the whole name up to "  (in MODULE)"; without a module (threads, "???")
 * the script's rule, the first two words joined by '.'.  Returns its
 * length, buf has len + 1 bytes at least.
 */
static size_t node_name(const char *s, size_t len, int modules, char *buf)
{
	const char *in = memmem(s, len, "(in ", 4), *close = NULL;
	size_t i = 0, w1, l1, w2, l2, n = 0, k;

	if (in != NULL)
		close = memchr(in, ')', (size_t)(s + len - in));
	if (in != NULL && close != NULL) {
		size_t mlen = (size_t)(close - in) - 4;

		if (modules) {
			for (k = 0; k < mlen; k++) {
				if (mlen - k >= 6 && memcmp(in + 4 + k, ".dylib", 6) == 0) {
					k += 5;
					continue;
				}
				buf[n++] = in[4 + k];
			}
			buf[n++] = '`';
		}
		/* the name: after the count, up to the module */
		word(s, len, &i, &w1, &l1);
		while (i < len && ch_is(s[i], CH_BLANK))
			i++;
		k = (size_t)(in - s);
		while (k > i && ch_is(s[k - 1], CH_BLANK))
			k--;
		if (k > i) {
			memcpy(buf + n, s + i, k - i);
			n += k - i;
		}
		return n;
	}
	word(s, len, &i, &w1, &l1);	/* the count */
	if (!word(s, len, &i, &w1, &l1))
		return 0;
	memcpy(buf, s + w1, l1);
	n = l1;
	if (word(s, len, &i, &w2, &l2)) {
		buf[n++] = '.';
		memcpy(buf + n, s + w2, l2);
		n += l2;
	}
	return n;
}

static int sample_fold(void *state, struct fold_profile *p,
		       struct fold_input *in, const struct fold_read_opts *ro,
		       struct fold_diag *d)
{
	const struct sample_state *o = state;
	struct tree t = { .level = -1 };
	struct fold_line ln;
	char *buf = NULL;
	size_t bufcap = 0;
	int r, rc = -1, graph = 0, seen = 0;

	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len, i, n;
		long nest;
		uint64_t v = 0;

		if (!seen) {
			const char *t0 = s;
			size_t tl = len;

			stk_trim(&t0, &tl);
			if (tl == 0)
				continue;
			if (!(tl >= 21 && memcmp(t0, "Analysis of sampling ", 21) == 0) &&
			    !(tl >= 16 && memcmp(t0, "Sampling process", 16) == 0) &&
			    !(tl >= 11 && memcmp(t0, "Call graph:", 11) == 0)) {
				stk_refuse(d, in, "macOS sample output", "no "
					   "\"Analysis of sampling\" line first",
					   s, len);
				goto out;
			}
			seen = 1;
		}
		if (len >= 10 && memcmp(s, "Call graph", 10) == 0) {
			graph = 1;
			continue;
		}
		if (len >= 12 && memcmp(s, "Total number", 12) == 0) {
			if (graph && pop(p, &t, t.level, 0, ro) != 0)
				goto oom;
			t.level = -1;
			graph = 0;
			continue;
		}
		if (!graph || len < 5 || memcmp(s, "    ", 4) != 0)
			continue;
		/* "    + ! : | 825 name": the level is where the count starts */
		for (i = 4; i < len && !ch_is(s[i], CH_DIGIT); i++)
			;
		if (i == len)
			continue;
		nest = (long)(i - 4) / 2;
		s += i;
		len -= i;
		for (i = 0; i < len && ch_is(s[i], CH_DIGIT); i++)
			if (__builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v) ||
			    v > INT64_MAX) {
				stk_bad_line(d, in, "count too large", ln.s, ln.len);
				goto out;
			}
		if (nest > t.level + 1) {
			stk_bad_line(d, in, "deeper than the line before by "
				     "more than one", ln.s, ln.len);
			goto out;
		}
		if (nest <= t.level && pop(p, &t, t.level, nest, ro) != 0)
			goto oom;
		if (fold_grow(&buf, &bufcap, len + 1, 1) != 0 ||
		    fold_grow(&t.times, &t.cap, (size_t)nest + 1,
			      sizeof(*t.times)) != 0)
			goto oom;
		n = node_name(s, len, !o->no_modules, buf);
		stk_cut(&t.st, (size_t)nest);
		if (stk_push(p, &t.st, buf, n) != 0)
			goto oom;
		t.times[nest] = (int64_t)v;
		if (nest > 0)
			t.times[nest - 1] -= (int64_t)v;
		t.level = nest;
	}
	if (r < 0)
		goto out;
	if (graph) {
		/* No "Total number" line: the input was cut short. */
		fold_diag_error(d, "%s:%llu: the call graph has no end (\"Total "
				"number in stack\"): the input may be cut short",
				in->name, (unsigned long long)in->lineno);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	stk_oom(d, in);
out:
	free(buf);
	free(t.times);
	stk_stack_free(&t.st);
	return rc;
}

static enum fold_detect sample_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		const char *s = ln.s;
		size_t len = ln.len;

		stk_trim(&s, &len);
		if (len == 0)
			continue;
		return len > 21 && memcmp(s, "Analysis of sampling ", 21) == 0 ?
		       FOLD_DETECT_YES : FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader stk_sample_reader = {
	.name = "sample",
	.title = "macOS sample output",
	.detect = sample_detect,
	.options = sample_options,
	.state_size = sizeof(struct sample_state),
	.set = sample_set,
	.fold = sample_fold,
};

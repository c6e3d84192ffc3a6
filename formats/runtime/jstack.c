/*
 * jstack.c - Java thread dumps (jstack, jcmd Thread.print, kill -3),
 * folded as stackcollapse-jstack.pl does: each RUNNABLE thread's stack is
 * one count, under a root frame of the thread's name.  A thread block is
 * its '"NAME" #N ... prio=...' line, its "java.lang.Thread.State:" line
 * and its "at CLASS.METHOD(...)" frames, leaf first, up to a blank line.
 */
#include <errno.h>

#include "formats/runtime/runtime.h"
#include "formats/text/chars.h"

/* java_exceptions.c's frame line and package shortening. */
int rt_java_at(const char *s, size_t len, const char **name, size_t *nlen);
int rt_java_pkgs(struct rt_stack *st, const char *s, size_t len, int how);
#define RT_PKGS_SHORT 1

struct jstack_state {
	int no_tname;		/* --no-include-tname */
	int tid;		/* --include-tid */
	int shorten;		/* --shorten-pkgs */
};

static const struct fold_reader_option jstack_options[] = {
	{ "include-tname", NULL, "thread names as root frames (the default)" },
	{ "no-include-tname", NULL, "no thread-name root frames" },
	{ "include-tid", NULL, "keep the -N suffix of thread names" },
	{ "no-include-tid", NULL, "drop the -N suffix of thread names (the "
	  "default)" },
	{ "shorten-pkgs", NULL, "shorten package names: j.u.HashMap.get" },
	{ "no-shorten-pkgs", NULL, "keep package names (the default)" },
	{ NULL, NULL, NULL },
};

static int jstack_set(void *state, const char *opt, const char *arg,
		      struct fold_diag *d)
{
	struct jstack_state *js = state;

	(void)arg;
	(void)d;
	if (strcmp(opt, "include-tname") == 0)
		js->no_tname = 0;
	else if (strcmp(opt, "no-include-tname") == 0)
		js->no_tname = 1;
	else if (strcmp(opt, "include-tid") == 0)
		js->tid = 1;
	else if (strcmp(opt, "no-include-tid") == 0)
		js->tid = 0;
	else if (strcmp(opt, "shorten-pkgs") == 0)
		js->shorten = 1;
	else
		js->shorten = 0;
	return 0;
}

/* Whether s[0..len) contains the string lit. */
#define has(s, len, lit) (memmem((s), (len), (lit), sizeof(lit) - 1) != NULL)

/*
 * Threads the script counts as BACKGROUND whatever their state (its
 * /C. CompilerThread/ and three fixed names).
 */
static int background(const char *s, size_t len)
{
	const char *p = s, *e = s + len, *c;

	if (has(s, len, "Signal Dispatcher") || has(s, len, "Service Thread") ||
	    has(s, len, "Attach Listener"))
		return 1;
	while ((c = memmem(p, (size_t)(e - p), " CompilerThread", 15)) != NULL) {
		if (c - s >= 2 && c[-2] == 'C')
			return 1;
		p = c + 1;
	}
	return 0;
}

/* What the script's frame rules make of the thread's state. */
static void frame_state(const char *f, size_t len, int *waiting, int *network)
{
	const char *sock;

	const char *p = f, *e = f + len, *o;

	/* /epollWait/, /EPoll\.wait/: both have "oll", rare in frames */
	while ((o = memmem(p, (size_t)(e - p), "oll", 3)) != NULL) {
		if ((o - f >= 2 && e - o >= 7 && memcmp(o - 2, "epollWait", 9) == 0) ||
		    (o - f >= 2 && e - o >= 8 && memcmp(o - 2, "EPoll.wait", 10) == 0))
			*waiting = 1;
		p = o + 1;
	}
	/* /socketAccept$/, /socketRead0$/, /Socket.*accept0$/ */
	if ((len >= 12 && memcmp(f + len - 12, "socketAccept", 12) == 0) ||
	    (len >= 11 && memcmp(f + len - 11, "socketRead0", 11) == 0))
		*network = 1;
	if (len >= 7 && memcmp(f + len - 7, "accept0", 7) == 0 &&
	    (sock = memmem(f, len, "Socket", 6)) != NULL &&
	    (size_t)(sock - f) + 6 <= len - 7)
		*network = 1;
}

/*
 * Where "java.lang.Thread.State: " is in s[0..len), or NULL.  Found from
 * its ": ", which frame lines ("(Main.java:12)") do not have: a search
 * for the whole string on every line was a third of the time.
 */
static const char *thread_state(const char *s, size_t len)
{
	const char *p = s, *e = s + len, *c;

	while ((c = memchr(p, ':', (size_t)(e - p))) != NULL) {
		if (c - s >= 22 && e - c >= 2 && c[1] == ' ' &&
		    memcmp(c - 22, "java.lang.Thread.State", 22) == 0)
			return c - 22;
		p = c + 1;
	}
	return NULL;
}

struct thread {
	int runnable;		/* the state: RUNNABLE, and nothing said otherwise */
	int state_set;		/* a state was set (the script's $state ne "?") */
	int background, waiting, network;
	int have_name;
	fold_id name;
};

static int jstack_fold(void *state, struct fold_profile *p,
		       struct fold_input *in, const struct fold_read_opts *ro,
		       struct fold_diag *d)
{
	const struct jstack_state *js = state;
	struct rt_stack st = { 0 };
	struct thread t = { 0 };
	struct fold_line ln;
	uint64_t threads = 0, text = 0, odd = 0, odd_line = 0;
	char odd_text[FOLD_EXCERPT];
	int r, rc = -1;

	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s, *name;
		size_t len = ln.len, nlen;

		if (len > 0 && s[0] == '#')
			continue;
		if (len == 0) {
			/* The end of a thread: only RUNNABLE ones count. */
			if (t.runnable && !t.background && !t.waiting &&
			    !t.network) {
				if (t.have_name && rt_push_id(&st, t.name) != 0)
					goto fail;
				if (rt_flush(&st, p, ro, 1) != 0)
					goto fail;
			}
			st.n = 0;
			memset(&t, 0, sizeof(t));
			continue;
		}
		text++;
		if (s[0] == '"') {
			const char *q = memchr(s + 1, '"', len - 1);
			size_t n = (size_t)((q ? q : s + len) - (s + 1)), k;

			threads++;
			if (!js->no_tname) {
				/* "pool-1-thread-3" is "pool-1-thread" */
				for (k = n; !js->tid && k > 0 &&
				     ch_is(s[k], CH_DIGIT); k--)
					;
				if (!js->tid && k < n && k > 0 && s[k] == '-')
					n = k - 1;
				t.name = fold_intern(&p->names, s + 1, n);
				if (t.name == FOLD_NOID)
					goto fail;
				t.have_name = 1;
			}
			if (background(s + 1, (size_t)((q ? q : s + len) - (s + 1))))
				t.background = 1;
			continue;
		}
		{
			const char *m = thread_state(s, len);

			if (m != NULL && !t.state_set && m + 24 < s + len &&
			    !ch_is(m[24], CH_SPACE)) {
				const char *w = m + 24, *e = w;

				while (e < s + len && !ch_is(*e, CH_SPACE))
					e++;
				t.state_set = 1;
				t.runnable = e - w == 8 && memcmp(w, "RUNNABLE", 8) == 0;
				continue;
			}
			if (m != NULL)
				continue;
		}
		if (rt_java_at(s, len, &name, &nlen)) {
			if (js->shorten) {
				if (rt_java_pkgs(&st, name, nlen, RT_PKGS_SHORT) != 0)
					goto fail;
				name = st.buf;
				nlen = st.buflen;
			}
			frame_state(name, nlen, &t.waiting, &t.network);
			if (rt_push(&st, p, name, nlen) != 0)
				goto fail;
			continue;
		}
		/* Lines the script skips, and newer JDKs' that it warns of. */
		{
			const char *w = s;

			while (w < s + len && ch_is(*w, CH_SPACE))
				w++;
			if (*w == '-' || (len >= 5 && s[0] == '2' &&
					  ch_is(s[1], CH_DIGIT) && ch_is(s[2], CH_DIGIT) &&
					  ch_is(s[3], CH_DIGIT) && s[4] == '-') ||
			    rt_starts(s, len, "Full thread dump") ||
			    rt_starts(s, len, "JNI global ") ||
			    rt_starts(s, len, "Threads class SMR info:") ||
			    rt_starts(s, len, "_java_thread_list=") ||
			    rt_starts(s, len, "0x") || rt_starts(s, len, "}") ||
			    rt_starts(w, (size_t)(s + len - w), "No compile task") ||
			    rt_starts(w, (size_t)(s + len - w), "Locked ownable synchronizers:") ||
			    rt_starts(w, (size_t)(s + len - w), "Compiling:") ||
			    rt_starts(s, len, "Found ") ||
			    rt_starts(s, len, "Java stack information"))
				continue;
		}
		if (odd++ == 0) {
			fold_excerpt(odd_text, s, len);
			odd_line = in->lineno;
		}
	}
	if (r < 0)
		goto out;
	/*
	 * A last thread that no blank line closes still counts (the script
	 * drops it).
	 */
	if (t.runnable && !t.background && !t.waiting && !t.network) {
		if (t.have_name && rt_push_id(&st, t.name) != 0)
			goto fail;
		if (rt_flush(&st, p, ro, 1) != 0)
			goto fail;
	}
	if (threads == 0 && text > 0) {
		fold_diag_refuse(d, "%s: not a Java thread dump (no '\"NAME\" "
				 "... prio=' thread line)", in->name);
		goto out;
	}
	if (odd > 0)
		fold_diag_warn(d, "%s:%llu: unrecognized line: \"%s\"%s",
			       in->name, (unsigned long long)odd_line, odd_text,
			       odd > 1 ? " (and more)" : "");
	fold_unit_set(&p->unit[rt_col(p, ro)], "samples", "count");
	rc = 0;
	goto out;
fail:
	rt_fail(d, in);
out:
	rt_stack_free(&st);
	return rc;
}

/* A line only a thread dump has: its title, or a thread's first line. */
int rt_jstack_line(const char *s, size_t len)
{
	return rt_starts(s, len, "Full thread dump ") ||
	       (len > 0 && s[0] == '"' && has(s, len, "\" ") &&
		(has(s, len, " prio=") || has(s, len, " nid=")));
}

/*
 * A dump starts with its date line and "Full thread dump ...", or (as a
 * JVM's SIGQUIT output, or cut) with a thread line '"NAME" #1 ... prio=5'.
 */
static enum fold_detect jstack_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0;
	int lines = 0;

	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (ln.len == 0)
			continue;
		if (rt_jstack_line(ln.s, ln.len))
			return FOLD_DETECT_YES;
		/* the date line: "2026-12-07 18:31:39" */
		if (lines++ > 0 || ln.len < 10 || ln.s[0] != '2' || ln.s[4] != '-')
			return FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader jstack_reader = {
	.name = "jstack",
	.title = "Java thread dump (jstack)",
	.detect = jstack_detect,
	.options = jstack_options,
	.state_size = sizeof(struct jstack_state),
	.set = jstack_set,
	.fold = jstack_fold,
};

/*
 * runtime.h - readers of language runtimes' stack dumps and traces
 * (formats/readers.c lists them): jstack thread dumps, Java exception
 * traces, `go tool pprof -raw` text, Python faulthandler dumps and Chrome
 * trace-event JSON.  Each folds as the FlameGraph script of the same name
 * does (formats/README.md has the differences), and rt_* below is what
 * they share: a stack of frame ids built a line at a time, and adding it.
 */
#ifndef FG_RUNTIME_H
#define FG_RUNTIME_H

#include "libfold/input.h"

extern const struct fold_reader jstack_reader;
extern const struct fold_reader java_exceptions_reader;
extern const struct fold_reader go_raw_reader;
extern const struct fold_reader faulthandler_reader;
extern const struct fold_reader chrome_tracing_reader;

/*
 * Frames of one stack as they are read, in the order the dump prints them
 * (leaf first, for all of these formats), and a scratch buffer for names
 * built from pieces.  Reused from stack to stack: no allocation per frame.
 */
struct rt_stack {
	fold_id *ids;
	size_t n, cap;
	char *buf;
	size_t buflen, bufcap;
};

/* Append the name s[0..len) (interned in p); -1 when out of memory. */
int rt_push(struct rt_stack *st, struct fold_profile *p, const char *s,
	    size_t len);
/* Append the name id; -1 when out of memory. */
int rt_push_id(struct rt_stack *st, fold_id id);
/* The scratch buffer: empty it, and append s[0..len) to it. */
static inline void rt_buf_clear(struct rt_stack *st)
{
	st->buflen = 0;
}
int rt_buf_add(struct rt_stack *st, const char *s, size_t len);
/*
 * Add the stack (leaf first in st) with count v to p, root first, into the
 * column ro says (and p->seq with ro->keep_order); st is emptied.  An
 * empty stack adds nothing.  -1 with errno (ENOMEM, EOVERFLOW).
 */
int rt_flush(struct rt_stack *st, struct fold_profile *p,
	     const struct fold_read_opts *ro, uint64_t v);
/* The same with root-first ids[0..n) and a count that may be fractional. */
int rt_add(struct fold_profile *p, const struct fold_read_opts *ro,
	   const fold_id *ids, size_t n, double v);
void rt_stack_free(struct rt_stack *st);

/* Whether a line is one only a Java thread dump has (jstack.c). */
int rt_jstack_line(const char *s, size_t len);

/* The column of p a reader's counts go to. */
static inline int rt_col(const struct fold_profile *p,
			 const struct fold_read_opts *ro)
{
	return p->ncols == 2 ? ro->col : 0;
}

/* "INPUT:LINE: out of memory" (or "count overflow") into d; returns -1. */
int rt_fail(struct fold_diag *d, const struct fold_input *in);

/* Whether s[0..len) starts with the string lit. */
#define rt_starts(s, len, lit) \
	((len) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

#endif

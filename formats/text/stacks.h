/*
 * stacks.h - readers of the text stack formats FlameGraph's stackcollapse-*
 * scripts read (dtrace, stap, bpftrace, gdb, elfutils, sample, vtune,
 * vsprof, recursive), and what they share: a stack built frame by frame
 * as the lines come, and the lexer of "a block of frame lines, then a
 * count" (formats/README.md, "Text stacks").
 */
#ifndef STACKS_H
#define STACKS_H

#include "libfold/input.h"

extern const struct fold_reader stk_dtrace_reader;
extern const struct fold_reader stk_stap_reader;
extern const struct fold_reader stk_bpftrace_reader;
extern const struct fold_reader stk_gdb_reader;
extern const struct fold_reader stk_elfutils_reader;
extern const struct fold_reader stk_sample_reader;
extern const struct fold_reader stk_vtune_reader;
extern const struct fold_reader stk_vsprof_reader;
extern const struct fold_reader stk_recursive_reader;

/*
 * One stack as it is read: frame ids in input order (leaf first in most
 * of these formats), interned as they come, so a line's text need not be
 * kept once it is read.
 */
struct stk_stack {
	fold_id *ids;
	size_t n, cap;
	fold_id *rev;		/* the frames root first, when reversed */
	size_t revcap;
};

void stk_stack_free(struct stk_stack *s);
/* Append frame s[0..len) (an empty name is kept as it is); -1: no memory. */
int stk_push(struct fold_profile *p, struct stk_stack *s, const char *name,
	     size_t len);
/* Drop the last frames down to depth n. */
static inline void stk_cut(struct stk_stack *s, size_t n)
{
	if (n < s->n)
		s->n = n;
}

/*
 * Add the stack with count v to p (column ro->col of a two-column p, in
 * input order too with ro->keep_order), root first: reversed when
 * leaf_first.  A stack without frames counts as "[unknown]" (an empty
 * stack is still samples).  -1 with errno (ENOMEM, EOVERFLOW).
 */
int stk_add(struct fold_profile *p, struct stk_stack *s, int leaf_first,
	    uint64_t v, const struct fold_read_opts *ro);
/* The same with a count that need not be whole. */
int stk_add_f(struct fold_profile *p, struct stk_stack *s, int leaf_first,
	      double v, const struct fold_read_opts *ro);

/* "INPUT:LINE: why: "excerpt"" into d (an error). */
void stk_bad_line(struct fold_diag *d, const struct fold_input *in,
		  const char *why, const char *s, size_t len);
/* "INPUT:LINE: not TITLE (why: "excerpt")", a refusal. */
void stk_refuse(struct fold_diag *d, const struct fold_input *in,
		const char *title, const char *why, const char *s, size_t len);
/* The error for a failed stk_add / stk_push at the current line. */
void stk_oom(struct fold_diag *d, const struct fold_input *in);

/* s[0..len) as a whole number; -1 when it is not one or overflows. */
int stk_uint(const char *s, size_t len, uint64_t *v);

/* s[0..len) without leading and trailing blanks (\s). */
void stk_trim(const char **s, size_t *len);

/*
 * The block lexer: frames, one per line, then a line holding only a
 * count, then the next block (blank lines anywhere).  A format gives how
 * a frame line becomes frames, and what its header lines are.
 */
struct stk_block_fmt {
	const char *title;
	/* Whether the line, before any frame, is a header line to skip. */
	int (*header)(const char *s, size_t len, uint64_t lineno);
	/* Push the frames of one frame line, its indentation skipped (leaf
	   first within the block). */
	int (*frame)(struct fold_profile *p, struct stk_stack *st,
		     const char *s, size_t len);
	/* Whether a line can be a frame line at all (else: refused/bad). */
	int (*is_frame)(const char *s, size_t len);
	/* Whether the first frame line says this is another format (or NULL). */
	int (*other)(const char *s, size_t len);
};

int stk_read_blocks(const struct stk_block_fmt *fmt, struct fold_profile *p,
		    struct fold_input *in, const struct fold_read_opts *ro,
		    struct fold_diag *d);

/* Whether s[0..len) is a count line, /^\s*\d+\s*$/. */
int stk_is_count_line(const char *s, size_t len);

#endif

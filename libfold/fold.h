/*
 * fold.h - libfold, the folded-stack data model shared by every fgkit command.
 *
 * A profile is a set of call stacks, each with one count (or two, for a
 * differential "before after" profile) and what the counts are (a unit per
 * column).  Frame names are interned once; a stack is an array of name
 * ids, root first.  Everything else is built on that, in this order below:
 * names, the profile and its transforms, per-function sums (diff), the
 * prefix tree, diagnostics, folded text in and out, and the reader
 * interface through which every input format fills a profile.
 *
 * The other headers: libfold/out.h is the output layer every writer uses
 * (buffered writer, numbers in their unit, escaping); libfold/input.h the
 * buffered input text readers use; libfold/internal.h the allocator, hash
 * index and byte helpers the model is made of (not the model).
 *
 * Conventions: functions returning int give 0 on success and -1 on failure
 * with errno set (ENOMEM, EOVERFLOW, EIO ...).  Functions that read input
 * take a struct fold_diag and leave a one-line message in it on failure.
 * Nothing here keeps global state; every call works on the structures it is
 * given, so independent profiles can live side by side.
 */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>
#include <stdint.h>

/* The allocator and index the model is built on (not part of the API). */
#include "libfold/internal.h"

struct fold_input;		/* libfold/input.h */

/* ---------------------------------------------------------------- names */

typedef uint32_t fold_id;
#define FOLD_NOID UINT32_MAX

struct fold_name {
	const char *str;	/* NUL-terminated (names may not contain NUL) */
	uint32_t len;
	uint32_t hash;
};

/* Interned frame names: each distinct string gets one id, 0, 1, 2 ... */
struct fold_names {
	struct fold_arena arena;
	struct fold_name *v;
	size_t n, cap;
	struct fold_index ix;
};

int fold_names_init(struct fold_names *nm);
void fold_names_free(struct fold_names *nm);
/* The id of s[0..len), added if new; FOLD_NOID when out of memory. */
fold_id fold_intern(struct fold_names *nm, const char *s, size_t len);
/* The id of s[0..len) if present, else FOLD_NOID. */
fold_id fold_names_find(const struct fold_names *nm, const char *s, size_t len);

static inline const char *fold_name(const struct fold_names *nm, fold_id id)
{
	return nm->v[id].str;
}

static inline size_t fold_name_len(const struct fold_names *nm, fold_id id)
{
	return nm->v[id].len;
}

/* -------------------------------------------------------------- profile */

/*
 * A count is an unsigned 64-bit integer, or a double once any fractional
 * count has been added (the whole profile then switches, so "1.5" read
 * from a folded file is written back as "1.5").  Integers stay integers
 * end to end: sums in the tree and per function are exact, and counts
 * above 2^53 print with every digit.
 */
typedef union {
	uint64_t u;
	double f;
} fold_count;

#define FOLD_MAXCOLS 2

/* A count as a double, however the profile holds it. */
static inline double fold_count_value(fold_count c, int fractional)
{
	return fractional ? c.f : (double)c.u;
}

/* *a += b, as integers or as doubles. */
static inline void fold_count_add(fold_count *a, fold_count b, int fractional)
{
	if (fractional)
		a->f += b.f;
	else
		a->u += b.u;
}

/*
 * What a column counts, named as pprof names sample types: a type and a
 * unit ("cpu"/"nanoseconds", "alloc_space"/"bytes", "samples"/"count").
 * Readers set it from what their input says; renderers show values scaled
 * by it (libfold/out.h).  Empty strings: not known, read as samples.
 */
#define FOLD_UNIT_LEN 64
struct fold_unit {
	char type[FOLD_UNIT_LEN];
	char unit[FOLD_UNIT_LEN];
};

/* Set u to type and unit (cut to fit; NULL is ""). */
void fold_unit_set(struct fold_unit *u, const char *type, const char *unit);
/*
 * Set u from "TYPE/UNIT" or a bare "UNIT" (the type is then named after
 * it: "samples" for counts, "time", "space"); -1 with EINVAL when s is
 * empty, too long or has an empty part.
 */
int fold_unit_parse(struct fold_unit *u, const char *s);
/*
 * Whether counts in a and b add up: the same unit (not known reads as
 * count), whatever the types are called (cpu-clock and cpu nanoseconds).
 */
int fold_unit_same(const struct fold_unit *a, const struct fold_unit *b);
/* "type/unit" into buf (size bytes), "samples/count" when not known. */
void fold_unit_name(const struct fold_unit *u, char *buf, size_t size);

/*
 * Each stack is one record, so adding to a stack touches one place:
 * { depth, index, counts[ncols], frames[depth] }, 8-byte aligned in
 * fold_profile.recs.  Stack i's record is at recs + 8 * stacks[i].
 */
struct fold_srec {
	uint32_t depth;
	uint32_t index;
	fold_count counts[];	/* then the frame ids */
};

/*
 * One input line in input order, kept only when asked for (flame charts
 * draw time-ordered stacks, where a stack seen twice is two boxes).
 */
struct fold_seq {
	uint32_t stack;
	fold_count v[FOLD_MAXCOLS];
};

struct fold_profile {
	struct fold_names names;
	int ncols;		/* 1, or 2 for differential profiles */
	int fractional;		/* counts are doubles */
	char *recs;		/* stack records */
	size_t nrecs, caprecs;	/* bytes */
	uint32_t *stacks;	/* record of each stack, in 8-byte units */
	size_t nstacks, capstacks;
	struct fold_index ix;	/* hash -> record */
	struct fold_seq *seq;	/* input order, if kept (see fold_read) */
	size_t nseq, capseq;
	uint64_t *ascends;	/* bit i: stack i sorts after stack i - 1 */
	size_t capascends;	/* words */
	/*
	 * The sum of each column, kept as counts are added: adding fails
	 * (EOVERFLOW) rather than let it pass 2^64 - 1, together with the
	 * other column's, so every sum derived from a profile fits.
	 */
	fold_count total[FOLD_MAXCOLS];
	struct fold_unit unit[FOLD_MAXCOLS];
};

int fold_profile_init(struct fold_profile *p, int ncols);
void fold_profile_free(struct fold_profile *p);
/* Change the number of columns; only while the profile is empty. */
int fold_profile_set_ncols(struct fold_profile *p, int ncols);
/*
 * Room for nstacks stacks in all, of depth frames on average: a reader
 * that can tell how much input is coming sizes the tables once, where
 * doubling them would rehash and fault in fresh memory again and again.
 * Only a hint; the tables still grow past it.
 */
int fold_profile_reserve(struct fold_profile *p, size_t nstacks, size_t depth);

/*
 * The index of the stack frames[0..depth) (root first), added with zero
 * counts if new; -1 on failure.  A stack has at least one frame.
 */
long fold_stack_get(struct fold_profile *p, const fold_id *frames, size_t depth);
/* Add v to column col of the stack; -1 with EOVERFLOW if the sum wraps. */
int fold_add(struct fold_profile *p, const fold_id *frames, size_t depth,
	     int col, uint64_t v);
int fold_add_f(struct fold_profile *p, const fold_id *frames, size_t depth,
	       int col, double v);
/*
 * fold_stack_get in two steps, for a reader with other work to do while
 * the stack's index slot comes into cache: the hash, a prefetch of its
 * slot, then the lookup.
 */
uint32_t fold_stack_hash(const fold_id *frames, size_t depth);
static inline void fold_stack_prefetch(const struct fold_profile *p,
				       uint32_t hash)
{
	__builtin_prefetch(&p->ix.slot[hash & p->ix.mask]);
}
long fold_stack_get_hashed(struct fold_profile *p, const fold_id *frames,
			   size_t depth, uint32_t hash);
/*
 * A reader's sample: add v to column col of the stack frames[0..depth), as
 * fold_add (fold_add_f) does, and when keep_order record it in p->seq
 * too.  -1 with errno (ENOMEM, EOVERFLOW).
 */
int fold_add_sample(struct fold_profile *p, const fold_id *frames, size_t depth,
		    int col, uint64_t v, int keep_order);
int fold_add_sample_f(struct fold_profile *p, const fold_id *frames,
		      size_t depth, int col, double v, int keep_order);
/* fold_add and fold_add_f for stack number stack (from fold_stack_get). */
int fold_add_at(struct fold_profile *p, size_t stack, int col, uint64_t v);
void fold_add_at_f(struct fold_profile *p, size_t stack, int col, double v);
/* Switch every count to double (done by fold_add_f; idempotent). */
void fold_set_fractional(struct fold_profile *p);

static inline struct fold_srec *fold_srec(const struct fold_profile *p,
					  size_t i)
{
	return (struct fold_srec *)(void *)(p->recs + (size_t)p->stacks[i] * 8);
}

static inline const fold_id *fold_stack_frames(const struct fold_profile *p,
					       size_t i, size_t *depth)
{
	const struct fold_srec *r = fold_srec(p, i);

	*depth = r->depth;
	return (const fold_id *)(const void *)(r->counts + p->ncols);
}

static inline fold_count fold_stack_count(const struct fold_profile *p,
					  size_t i, int col)
{
	return fold_srec(p, i)->counts[col];
}

/* A count as a double, whichever representation the profile uses. */
static inline double fold_count_double(const struct fold_profile *p,
				       fold_count c)
{
	return fold_count_value(c, p->fractional);
}

static inline int fold_count_is_zero(const struct fold_profile *p,
				     fold_count c)
{
	return p->fractional ? c.f == 0 : c.u == 0;
}

/*
 * Compare stacks a and b as their folded strings ("f1;f2;...") would
 * compare bytewise, without building the strings.
 */
int fold_stack_cmp(const struct fold_profile *p, size_t a, size_t b);
/*
 * The stack indexes ordered by folded string, in a malloc'd array the
 * caller frees; NULL on failure (an empty profile gives a valid pointer).
 */
uint32_t *fold_sorted(const struct fold_profile *p);
/*
 * Record that stack i sorts after stack i - 1, as a reader of sorted input
 * knows from its text; fold_sorted then need not compare them.  Stacks
 * never change or move, so this stays true.  -1 when out of memory.
 */
int fold_stack_ascends(struct fold_profile *p, size_t i);
/* Whether stack i is known (by fold_stack_ascends) to sort after i - 1. */
static inline int fold_stack_ascending(const struct fold_profile *p, size_t i)
{
	return i / 64 < p->capascends && (p->ascends[i / 64] >> (i % 64) & 1);
}

/*
 * Add every stack of src to dst (which may have a different name table):
 * column scol of src goes to column dcol of dst.
 */
int fold_merge(struct fold_profile *dst, int dcol,
	       const struct fold_profile *src, int scol);

/*
 * Maps a name of the source profile to an id in the destination's table
 * (normally through fold_intern); FOLD_NOID on failure.  Called once per
 * distinct source name.
 */
typedef fold_id (*fold_rename_fn)(void *arg, struct fold_names *dst,
				  const char *s, size_t len);

/*
 * Append (stack, v[0..ncols)) to p's input-order sequence; v holds counts
 * as the profile does (integers, or doubles once fractional).
 */
int fold_seq_add(struct fold_profile *p, size_t stack, const fold_count *v);

/*
 * Rewrite every stack of src into the empty profile dst (same columns,
 * names and input-order sequence):
 *   fold_reverse: frames leaf first (a "reverse" flame graph merges leaves);
 *   fold_reroot:  frames from the first (rootmost) one whose id has
 *                 is_base[id] set; stacks with no such frame are dropped.
 */
int fold_reverse(struct fold_profile *dst, const struct fold_profile *src);
int fold_reroot(struct fold_profile *dst, const struct fold_profile *src,
		const unsigned char *is_base);
/*
 * Pass every frame name of p through rename(arg, ...), in place: stacks
 * whose new names coincide merge.  When no name changes, p is left as it
 * is, at the cost of one pass over the names.  On failure p is unchanged.
 */
int fold_rename(struct fold_profile *p, fold_rename_fn rename, void *arg);

/* ----------------------------------------------------------------- diff */

/*
 * Differential profiles: two columns, "before" (0) and "after" (1), as
 * difffolded.pl writes them.
 */

/*
 * A fold_rename_fn that writes every "0x" followed by hex digits as "0x..."
 * (difffolded.pl -s), so stacks differing only in raw addresses merge.
 */
fold_id fold_strip_hex(void *arg, struct fold_names *dst, const char *s,
		       size_t len);

/* Whether column col has no samples. */
int fold_col_empty(const struct fold_profile *p, int col);

/*
 * difffolded.pl -n: when the column totals T0 and T1 differ, scale column
 * 0 to column 1's total, each count becoming trunc(c0 * T1 / T0) as Perl's
 * int() computes it.  Needs two columns.
 */
int fold_normalize(struct fold_profile *p);

/*
 * Per function (frame name): self counts the stacks whose leaf it is,
 * total the stacks it appears in (once per stack, however deep the
 * recursion), for each column.
 */
struct fold_func {
	fold_count self[FOLD_MAXCOLS];	/* as the profile holds counts */
	fold_count total[FOLD_MAXCOLS];
};

/*
 * A calloc'd array of p->names.n entries indexed by name id, which the
 * caller frees; NULL when out of memory.
 */
struct fold_func *fold_funcs(const struct fold_profile *p);

/* ----------------------------------------------------------------- tree */

/*
 * The prefix tree of a profile: one node per distinct stack prefix.  Node 0
 * is the root (all samples, name FOLD_NOID).  total counts every stack
 * through the node, self only those ending at it.
 *
 * start places a node on the x axis, in counts of column opts.col from the
 * root's left edge: a node spans [start, start + total[col]).  In name and
 * weight order a node's self count comes first, then its children left to
 * right, as flamegraph.pl draws them.
 *
 * For a differential profile opts.col may also be FOLD_COL_MAX: widths from
 * each stack's larger count, so a frame is as wide as it was at its
 * biggest, before or after; total and self then have that third column.
 */
#define FOLD_COL_MAX 2
#define FOLD_TREE_COLS 3
enum fold_order {
	FOLD_ORDER_NAME,	/* siblings by folded string (flamegraph.pl) */
	FOLD_ORDER_WEIGHT,	/* siblings by total, heaviest first; ties by name */
	FOLD_ORDER_INPUT,	/* flame chart: the profile's input sequence
				   (or stack order without one); a stack merges
				   only with the one right before it */
};

struct fold_tree_opts {
	enum fold_order order;
	int col;		/* column that gives widths and starts */
};

struct fold_node {
	fold_id name;
	uint32_t parent;
	uint32_t first_child, next_sibling;	/* 0 = none (root is never a child) */
	uint32_t depth;				/* root 0 */
	double start;				/* x, in counts */
	fold_count total[FOLD_TREE_COLS];	/* exact, as the profile's */
	fold_count self[FOLD_TREE_COLS];
};

struct fold_tree {
	const struct fold_profile *prof;
	struct fold_node *nodes;
	size_t n, cap;
	uint32_t maxdepth;
};

/* Node i's total and self counts in column col, as doubles. */
static inline double fold_node_total(const struct fold_tree *t, size_t i,
				     int col)
{
	return fold_count_value(t->nodes[i].total[col], t->prof->fractional);
}

static inline double fold_node_self(const struct fold_tree *t, size_t i,
				    int col)
{
	return fold_count_value(t->nodes[i].self[col], t->prof->fractional);
}

/* Name order, widths from the last column. */
int fold_tree_build(struct fold_tree *t, const struct fold_profile *p);
int fold_tree_build_opts(struct fold_tree *t, const struct fold_profile *p,
			 const struct fold_tree_opts *opts);
void fold_tree_free(struct fold_tree *t);

/* ---------------------------------------------------------- diagnostics */

/*
 * Where readers report problems.  warn (optional) gets non-fatal messages
 * already formatted as "FILE:LINE: text"; a fatal error leaves its message
 * in err and makes the call return -1.
 */
struct fold_diag {
	void (*warn)(void *arg, const char *msg);
	void *arg;
	char err[512];
	/*
	 * Set with the error when the input is not of the reader's format
	 * at all (rather than broken): the caller may then say what it looks
	 * like instead.
	 */
	int refused;
};

void fold_diag_error(struct fold_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* fold_diag_error for an input that is not of the reader's format. */
void fold_diag_refuse(struct fold_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fold_diag_warn(struct fold_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --------------------------------------------------------------- folded */

/*
 * How an input is to be read into a profile.  Every reader takes these
 * (see struct fold_reader); ncols and strict are the folded reader's.
 */
struct fold_read_opts {
	int strict;		/* a malformed line is an error, not a warning */
	int ncols;		/* 1, 2, or 0: decided by the first valid line */
	int keep_order;		/* also record each sample in p->seq */
	int col;		/* one-count input into a two-column p: the
				   column the counts go to */
	uint64_t more;		/* bytes of further input into p after this
				   one, if known: a hint for sizing tables */
	size_t max_line;	/* the longest line read (0: FOLD_MAX_LINE) */
};

/*
 * Read folded stacks ("f1;f2;...;fn COUNT" or "... COUNT1 COUNT2", in any
 * order) into p, summing duplicates.  Blank lines and lines starting with
 * '#' are skipped.  A line whose column count differs from p->ncols is
 * malformed.  When opts->ncols is 0 and p is still empty, the first valid
 * line may switch p to two columns.  One-count input (opts->ncols 1) read
 * into a two-column p fills column opts->col, so the two sides of a
 * differential profile can be read straight from two files.
 */
int fold_read(struct fold_profile *p, struct fold_input *in,
	      const struct fold_read_opts *opts, struct fold_diag *d);

/* Write p as folded text, sorted by stack string; -1 with errno on error. */
int fold_write(const struct fold_profile *p, int fd);

/*
 * Whether s[0..len) is a folded line "STACK COUNT" (or "STACK COUNT
 * COUNT"): the test a folded input's first line must pass, and the one its
 * detector applies.
 */
int fold_is_folded_line(const char *s, size_t len);

/* -------------------------------------------------------------- readers */

/*
 * An input format, as every command reads it.  libfold defines the
 * interface; formats/readers.c holds the table of readers, one per format,
 * and picks the reader of an input by asking each one's detector about its
 * first bytes.  A new format is one reader and one line in that table.
 */
enum fold_detect {
	FOLD_DETECT_NO,		/* not this format */
	FOLD_DETECT_MAYBE,	/* a weak sign: taken if nothing says yes */
	FOLD_DETECT_YES,	/* this format */
	FOLD_DETECT_MORE,	/* cannot tell yet: show me more bytes */
};

/*
 * The most a detector is shown (a head this long, and it must decide):
 * a first line may be longer, and a detector that sees none of its end
 * judges what it has.
 */
#define FOLD_HEAD_MAX (1u << 20)

/* An option of a reader, as a command's long option "--NAME[=ARG]". */
struct fold_reader_option {
	const char *name;
	const char *arg;	/* the argument's name in help; NULL: none */
	const char *help;	/* one line */
};

struct fold_reader {
	const char *name;	/* the format's word: "perf" */
	const char *title;	/* for messages: "perf script output" */
	int binary;		/* read whole, as bytes, not as lines */
	/*
	 * What head[0..n) (the input's first bytes, ungzipped, with
	 * FOLD_INPUT_SLACK readable bytes after; eof: that is all of it)
	 * says about the format.
	 */
	enum fold_detect (*detect)(const char *head, size_t n, int eof);
	/* What a detected input is, more precisely than title (or NULL). */
	const char *(*what)(const char *head, size_t n);
	const struct fold_reader_option *options;	/* up to a NULL name */
	/*
	 * The reader's state, state_size zeroed bytes kept by the caller
	 * for all the inputs of a run: its options, and what it carries from
	 * one input to the next.
	 */
	size_t state_size;
	/* Set option opt (one of options) to arg; -1 with a message in d when
	   arg is not valid for it (a usage error). */
	int (*set)(void *state, const char *opt, const char *arg,
		   struct fold_diag *d);
	/* After the options: -1 with a message in d when they do not go
	   together (a usage error).  NULL: nothing to check. */
	int (*check)(void *state, struct fold_diag *d);
	/*
	 * Add the samples of in to p, counts to column ro->col when p has
	 * two columns (else 0), in input order too with ro->keep_order, and
	 * set that column's unit.  -1 with a message in d; an input that is
	 * not this format at all sets d->refused too (fold_diag_refuse).
	 */
	int (*fold)(void *state, struct fold_profile *p, struct fold_input *in,
		    const struct fold_read_opts *ro, struct fold_diag *d);
	/* After the last input: warnings about the run as a whole (or NULL). */
	void (*done)(void *state, struct fold_diag *d);
	/* Free what the state holds, not the state itself (or NULL). */
	void (*free)(void *state);
	/*
	 * A command-line path that is not an input but the reader's own
	 * argument (a gperftools profile's program): 1 if taken.  head[0..n)
	 * are its first bytes; forced: the reader was named (fg-collapse
	 * gperf), not detected; more: paths that follow it.  NULL: none.
	 */
	int (*argument)(void *state, const char *path, const char *head,
			size_t n, int forced, int more);
};

/* The folded stacks reader (libfold's own format). */
extern const struct fold_reader fold_folded_reader;

#endif

/*
 * fold.h - libfold, the folded-stack data model shared by every fgkit command.
 *
 * A profile is a set of call stacks, each with one count (or two, for a
 * differential "before after" profile).  Frame names are interned once; a
 * stack is an array of name ids, root first.  Everything else (the prefix
 * tree, the folded text reader and writer) is built on that.
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
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------- arena */

/*
 * Bump allocator for data that lives as long as its owner (names, cache
 * keys).  Memory is released all at once by fold_arena_free().
 */
struct fold_arena_chunk;
struct fold_arena {
	struct fold_arena_chunk *head;
	char *cur, *end;
	size_t reserved;	/* bytes obtained from malloc */
};

void fold_arena_init(struct fold_arena *a);
/*
 * n bytes, 8-byte aligned; NULL when out of memory.  FOLD_ARENA_SLACK
 * readable bytes follow every allocation, so copies may move whole 16-byte
 * blocks past a string's end.
 */
#define FOLD_ARENA_SLACK 16
void *fold_arena_alloc(struct fold_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *fold_arena_strndup(struct fold_arena *a, const char *s, size_t n);
void fold_arena_free(struct fold_arena *a);

/*
 * Make room for need elements of elem bytes in the malloc'd array *vp
 * (vp is the address of the array pointer) of capacity *cap, doubling it
 * (16 at first).  -1 when out of memory, the array then untouched.
 */
int fold_grow(void *vp, size_t *cap, size_t need, size_t elem);

/*
 * In an array of n elements of elem bytes, each starting with a uint64_t
 * key and sorted by it: how many have a key <= key (the index of the
 * first greater one).  The element holding an address is then the one
 * before, if any: symbols, mappings.
 */
size_t fold_upto_u64(const void *base, size_t n, size_t elem, uint64_t key);

/* ---------------------------------------------------------------- index */

/*
 * Open-addressing hash index from a 32-bit hash to a 32-bit entry number.
 * The owner keeps the entries and decides equality; the index only stores
 * (hash, entry) pairs, so growing never needs to look at the entries.
 */
struct fold_index {
	uint64_t *slot;		/* 0 = empty, else hash << 32 | (entry + 1) */
	size_t mask;
	size_t count;
};

int fold_index_init(struct fold_index *ix, size_t capacity);
void fold_index_free(struct fold_index *ix);
/* Store entry at the empty slot pos found by a failed probe; may grow. */
int fold_index_insert(struct fold_index *ix, size_t pos, uint32_t hash,
		      uint32_t entry);
/* Grow now to hold capacity entries (probe positions change). */
int fold_index_reserve(struct fold_index *ix, size_t capacity);

/* 64-bit hash of a byte string (not cryptographic, well mixed). */
uint64_t fold_hash(const void *data, size_t n);

/*
 * memcmp(a, b, n) == 0 for the short keys of hash tables, inline: whole
 * 16- or 8-byte blocks, then one overlapping block for the tail, so the only
 * data-dependent branch is the loop.
 */
static inline int fold_same_bytes(const void *a, const void *b, size_t n)
{
	const char *x = (const char *)a, *y = (const char *)b;
	uint64_t u, v, d = 0;
	uint32_t p, q;
	size_t i;

#ifdef __SSE2__
	if (n >= 16) {
		for (i = 0; i + 16 < n; i += 16)
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(
				    _mm_loadu_si128((const __m128i *)(const void *)(x + i)),
				    _mm_loadu_si128((const __m128i *)(const void *)(y + i)))) != 0xffff)
				return 0;
		return _mm_movemask_epi8(_mm_cmpeq_epi8(
			       _mm_loadu_si128((const __m128i *)(const void *)(x + n - 16)),
			       _mm_loadu_si128((const __m128i *)(const void *)(y + n - 16)))) ==
		       0xffff;
	}
#endif
	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&u, x + i, 8);
			memcpy(&v, y + i, 8);
			d |= u ^ v;
		}
		memcpy(&u, x + n - 8, 8);
		memcpy(&v, y + n - 8, 8);
		return (d | (u ^ v)) == 0;
	}
	if (n >= 4) {
		memcpy(&p, x, 4);
		memcpy(&q, y, 4);
		d = p ^ q;
		memcpy(&p, x + n - 4, 4);
		memcpy(&q, y + n - 4, 4);
		return (d | (p ^ q)) == 0;
	}
	if (n > 0)
		return ((x[0] ^ y[0]) | (x[n >> 1] ^ y[n >> 1]) |
			(x[n - 1] ^ y[n - 1])) == 0;
	return 1;
}

/*
 * Length of the common prefix of a[0..n) and b[0..n), in bytes.  Folded
 * input is mostly sorted, so neighbouring lines (and neighbouring stacks'
 * id arrays) share long prefixes: this compares 16 bytes at a time.
 */
static inline size_t fold_common_prefix(const void *a, const void *b, size_t n)
{
	const char *x = (const char *)a, *y = (const char *)b;
	size_t i = 0;
	uint64_t u, v;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(x + i)),
			_mm_loadu_si128((const __m128i *)(const void *)(y + i))));

		if (m != 0xffff)
			return i + (size_t)__builtin_ctz(~m);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		if (u != v)
			return i + (size_t)__builtin_ctzll(u ^ v) / 8;
	}
	while (i < n && x[i] == y[i])
		i++;
	return i;
}

/* How many leading ids a[0..n) and b[0..n) have in common. */
static inline size_t fold_common_ids(const uint32_t *a, const uint32_t *b,
				     size_t n)
{
	return fold_common_prefix(a, b, n * sizeof(*a)) / sizeof(*a);
}

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
 * from a folded file is written back as "1.5").
 */
typedef union {
	uint64_t u;
	double f;
} fold_count;

#define FOLD_MAXCOLS 2

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
	double v[FOLD_MAXCOLS];
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
	return p->fractional ? c.f : (double)c.u;
}

static inline int fold_count_is_zero(const struct fold_profile *p,
				     fold_count c)
{
	return p->fractional ? c.f == 0 : c.u == 0;
}

/*
 * Decimal text of a count: integers as digits, doubles in the shortest
 * fixed-point form that reads back to the same value.  Returns the length;
 * buf needs FOLD_COUNT_BUFSZ bytes.
 */
#define FOLD_COUNT_BUFSZ 352
size_t fold_count_format(const struct fold_profile *p, fold_count c, char *buf);

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

/* Append (stack, v[0..ncols)) to p's input-order sequence. */
int fold_seq_add(struct fold_profile *p, size_t stack, const double *v);

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

/* The sum of each column (as doubles) into total[0..p->ncols). */
void fold_totals(const struct fold_profile *p, double *total);
/* Whether column col has no samples (stops at the first that it has). */
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
	double self[FOLD_MAXCOLS];
	double total[FOLD_MAXCOLS];
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
	double start;
	double total[FOLD_TREE_COLS];
	double self[FOLD_TREE_COLS];
};

struct fold_tree {
	const struct fold_profile *prof;
	struct fold_node *nodes;
	size_t n, cap;
	uint32_t maxdepth;
};

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
};

void fold_diag_error(struct fold_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fold_diag_warn(struct fold_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- input */

/*
 * Buffered line input from a file or stdin, plain or gzip (detected from
 * the magic bytes).  Lines come back without their LF and without a CR
 * before it.  Input containing a NUL byte, or a line longer than max_line,
 * is an error: text formats never contain them and a reader should not
 * guess at binary data.
 *
 * At least FOLD_INPUT_SLACK bytes of readable memory follow every line, so
 * parsers may load whole words across a line's end (and must ignore what
 * they read there).
 *
 * A consumer that must keep earlier lines while it reads on (a perf sample
 * spans many lines) pins the first of them: nothing from the pin onward is
 * discarded, and fold_input_pinned() tells where the pinned bytes are now.
 */
struct fold_input {
	const char *name;	/* for messages: the path, or "<stdin>" */
	int fd;
	int owned;		/* fd was opened here and is closed here */
	int gz;			/* 1 while decompressing, 2 between members */
	void *z;		/* z_stream */
	unsigned char *zbuf;
	size_t zcap;
	int zdone;		/* compressed input exhausted */
	char *buf;
	size_t cap, pos, end;
	size_t pin;		/* SIZE_MAX: nothing pinned */
	/* newlines of the 64-byte block at mbase not yet returned, bit i for
	   byte mbase + i; the next block to scan starts at scan */
	uint64_t mask;
	size_t mbase, scan;
	size_t max_line;
	uint64_t lineno;	/* of the line last returned */
	uint64_t offset;	/* bytes (uncompressed) before buf[0] */
	int eof;
	int last_nl;		/* 0 once the last line, without LF, is returned */
	int binary;		/* NUL bytes allowed (fold_slurp) */
	const char *mem;	/* fold_input_mem: the bytes read instead */
	size_t memlen, mempos;
	char *map;		/* a mapped text file (then also buf) */
	size_t maplen, page;
	size_t unmapped;	/* leading pages of map already unmapped */
	uint64_t size;		/* bytes of text in all, if known (else 0) */
};

struct fold_line {
	char *s;
	size_t len;
};

#define FOLD_MAX_LINE (512u * 1024u)
#define FOLD_INPUT_SLACK 64

/* path NULL or "-" reads stdin.  Returns -1 with a message in d. */
int fold_input_open(struct fold_input *in, const char *path,
		    struct fold_diag *d);
/* Wrap an open descriptor (not closed by fold_input_close). */
int fold_input_fd(struct fold_input *in, int fd, const char *name,
		  struct fold_diag *d);
/*
 * Read the text data[0..len) (not copied: it must outlive in), for a
 * format recognised after fold_slurp() has read the whole input.
 */
int fold_input_mem(struct fold_input *in, const char *data, size_t len,
		   const char *name, struct fold_diag *d);
void fold_input_close(struct fold_input *in);

/*
 * The whole of a binary input (path NULL or "-": stdin), gunzipped when it
 * starts with the gzip magic, in a malloc'd buffer the caller frees, with
 * FOLD_INPUT_SLACK zero bytes after it.  For formats that cannot be read
 * in pieces (a protobuf message is decoded as a whole).  More than max
 * bytes is an error.  Returns -1 with a message in d.
 */
int fold_slurp(const char *path, size_t max, char **data, size_t *len,
	       struct fold_diag *d);

int fold_input_fill(struct fold_input *in, struct fold_line *ln,
		    struct fold_diag *d);
int fold_input_toolong(struct fold_input *in, struct fold_diag *d);

int fold_input_nul(struct fold_input *in, size_t at, struct fold_diag *d);

/*
 * Bit i set where p[i] is a newline, for i < n (at most 64); *nul gets
 * the same for NUL bytes, which text must not contain.  Checking them here
 * spares a separate pass over the input.
 */
static inline uint64_t fold_nl_mask(const char *p, size_t n, uint64_t *nul)
{
	uint64_t m = 0, z = 0;
#ifdef __SSE2__
	/* p has 64 readable bytes: the input buffer's slack covers the tail. */
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	const __m128i *v = (const __m128i *)(const void *)p;
	int k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128(v + k);

		m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl)) << (16 * k);
		z |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero)) << (16 * k);
	}
	if (n < 64) {
		m &= ((uint64_t)1 << n) - 1;
		z &= ((uint64_t)1 << n) - 1;
	}
#else
	size_t i;

	for (i = 0; i < n && i < 64; i++) {
		if (p[i] == '\n')
			m |= (uint64_t)1 << i;
		else if (p[i] == '\0')
			z |= (uint64_t)1 << i;
	}
#endif
	*nul = z;
	return m;
}

/* Find the newlines of the next 64-byte block; -1 on a NUL byte. */
static inline int fold_input_scan(struct fold_input *in, struct fold_diag *d)
{
	uint64_t nul;

	/* Ahead of use, and across page boundaries, which hardware stops at. */
	__builtin_prefetch(in->buf + in->scan + 1024);
	in->mbase = in->scan;
	in->mask = fold_nl_mask(in->buf + in->scan, in->end - in->scan, &nul);
	in->scan += 64;
	return nul ? fold_input_nul(in, in->mbase + (size_t)__builtin_ctzll(nul), d) : 0;
}

/*
 * Next line: 1, 0 at end of input, -1 on error (message in d).  Newlines are
 * found 64 bytes at a time through a bitmap, which beats a memchr() per
 * short line.
 */
/* Return the line ending at the lowest newline in in->mask. */
static inline int fold_input_take(struct fold_input *in, struct fold_line *ln,
				  struct fold_diag *d)
{
	char *s = in->buf + in->pos;
	char *nl = in->buf + in->mbase + __builtin_ctzll(in->mask);

	in->mask &= in->mask - 1;
	if ((size_t)(nl - s) > in->max_line)
		return fold_input_toolong(in, d);
	in->pos = (size_t)(nl - in->buf) + 1;
	in->lineno++;
	if (nl > s && nl[-1] == '\r')
		nl--;
	ln->s = s;
	ln->len = (size_t)(nl - s);
	return 1;
}

static inline int fold_input_line(struct fold_input *in, struct fold_line *ln,
				  struct fold_diag *d)
{
	while (in->mask == 0) {
		if (in->scan >= in->end)
			return fold_input_fill(in, ln, d);
		if (fold_input_scan(in, d) != 0)
			return -1;
	}
	return fold_input_take(in, ln, d);
}

static inline void fold_input_pin(struct fold_input *in, const char *p)
{
	in->pin = (size_t)(p - in->buf);
}

static inline void fold_input_unpin(struct fold_input *in)
{
	in->pin = SIZE_MAX;
}

/* Where the pinned bytes are now; only while something is pinned. */
static inline char *fold_input_pinned(const struct fold_input *in)
{
	return in->buf + in->pin;
}

/* --------------------------------------------------------------- folded */

struct fold_read_opts {
	int strict;		/* a malformed line is an error, not a warning */
	int ncols;		/* 1, 2, or 0: decided by the first valid line */
	int keep_order;		/* also record each line in p->seq */
	int col;		/* ncols 1 into a two-column p: the column
				   the counts go to */
	uint64_t more;		/* bytes of further input into p after this
				   one, if known: a hint for sizing tables */
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

/* write(2) all of data[0..n), retrying short writes and EINTR. */
int fold_write_all(int fd, const void *data, size_t n);

#endif

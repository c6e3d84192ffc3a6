/*
 * input.h - libfold's buffered input (an internal, used by the text
 * readers): plain or gzip files and stdin, lines found 64 bytes at a
 * time, large files mapped, binary inputs read whole.
 */
#ifndef FOLD_INPUT_H
#define FOLD_INPUT_H

#include <regex.h>

#include "libfold/fold.h"

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
	int probe;		/* opened to be looked at: the first bytes are
				   not checked for NUL until read as text */
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

/*
 * The longest line read, by default: what one fgkit command writes, the
 * next reads (fg-collapse writes a 100,000-frame stack as one line of
 * 700 KB); a cap only against input that is no text at all.  Commands
 * change it with --max-line.
 */
#define FOLD_MAX_LINE (64u << 20)
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

/*
 * Open an input whose format is not known yet: nothing is checked until
 * it is read as text (fold_input_line) or whole (fold_input_slurp), and
 * fold_input_peek shows its first bytes, ungzipped, without using them up.
 */
int fold_input_probe(struct fold_input *in, const char *path,
		     struct fold_diag *d);
/*
 * The next unread bytes of in, at least want of them unless the input
 * ends first (*eof set) or the buffer's limit is reached: *head points at
 * them, with FOLD_INPUT_SLACK readable bytes after.  -1 on a read error.
 */
int fold_input_peek(struct fold_input *in, size_t want, const char **head,
		    size_t *n, int *eof, struct fold_diag *d);
/*
 * A format's look at an input as fold_input_slurp() reads it, so that what
 * cannot be that format is refused before the rest of it is inflated and
 * kept (a gzip of zeros unpacks to a thousand times its size).  fn gets
 * all of the input read so far, data[0..len) (it moves between calls: keep
 * offsets), each time more has come, in steps of at most a few MiB, and
 * once more at the end (eof set).  It returns 0 to read on, -1 to refuse
 * the input (a message in d), or 1 when the format's reader will look no
 * further than data[0..*cut): the rest is left unread.
 */
struct fold_check {
	int (*fn)(void *arg, const char *data, size_t len, int eof,
		  size_t *cut, struct fold_diag *d);
	void *arg;
};

/*
 * The unread rest of in, whole, as fold_slurp() gives a file: a malloc'd
 * buffer the caller frees, FOLD_INPUT_SLACK zero bytes after it.  check
 * (NULL: none) looks at it as it comes.
 */
int fold_input_slurp(struct fold_input *in, size_t max,
		     const struct fold_check *check, char **data, size_t *len,
		     struct fold_diag *d);

/*
 * A reader option's POSIX extended regular expression re into *rx (freed
 * by the caller with regfree); -1 with "--opt: why" in d when it is not
 * one, *rx then unset.
 */
int fold_regcomp(regex_t *rx, const char *opt, const char *re,
		 struct fold_diag *d);

/*
 * A line for a message: its first 60 bytes, those that are not printable
 * ASCII as '?', and "..." when cut; buf has FOLD_EXCERPT bytes.
 */
#define FOLD_EXCERPT 64
void fold_excerpt(char *buf, const char *s, size_t len);

/*
 * The next line of head[0..n) from *pos (a detector's walk over an input's
 * first bytes), without its LF or CR LF: 1, or 0 at the end of head or
 * at a line the end of head cuts (unless eof: then that is the last line).
 */
int fold_head_line(const char *head, size_t n, int eof, size_t *pos,
		   struct fold_line *ln);

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

#endif

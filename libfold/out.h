/*
 * out.h - libfold's one output layer: a buffered writer whose first error
 * sticks (so a writer checks once, at the end), number formatting (counts,
 * fixed-point, thousands separators, values scaled by their unit as pprof
 * prints them) and escaping of names for XML, JSON, CSV, Markdown and
 * terminals.  Every writer in fgkit, folded text to SVG, goes through it.
 *
 * Names are arbitrary bytes (no NUL): each escaper says what it does with
 * control bytes and invalid UTF-8, so no output format can be broken by a
 * frame name.
 */
#ifndef FOLD_OUT_H
#define FOLD_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libfold/fold.h"

/* ------------------------------------------------------------- writer */

struct fold_out {
	int fd;
	int err;		/* errno of the first failure; 0 while all is well */
	char *buf;
	size_t n, cap;
	/*
	 * A flush writes only what lies before the mark and keeps the rest
	 * in the buffer (SIZE_MAX: no mark), for a writer that copies from
	 * the line it wrote last (fold_write).
	 */
	size_t mark;
};

/* A writer to fd with a cap-byte buffer; -1 (ENOMEM) on failure. */
int fold_out_init(struct fold_out *o, int fd, size_t cap);
/* Flush and free; 0, or -1 with errno of the first failure. */
int fold_out_close(struct fold_out *o);

/*
 * Room for need bytes at o->buf + o->n, which the caller fills and then
 * counts into o->n; NULL once a write has failed (or memory ran out).
 * The buffer grows when need exceeds it.
 */
char *fold_out_grow(struct fold_out *o, size_t need);
static inline char *fold_out_room(struct fold_out *o, size_t need)
{
	return o->cap - o->n >= need ? o->buf + o->n : fold_out_grow(o, need);
}

static inline void fold_out_bytes(struct fold_out *o, const void *s, size_t n)
{
	char *d;

	if (o->cap - o->n >= n) {
		memcpy(o->buf + o->n, s, n);
		o->n += n;
	} else if ((d = fold_out_grow(o, n)) != NULL) {
		memcpy(d, s, n);
		o->n += n;
	}
}

static inline void fold_out_str(struct fold_out *o, const char *s)
{
	fold_out_bytes(o, s, strlen(s));
}

static inline void fold_out_char(struct fold_out *o, char c)
{
	if (o->n < o->cap)
		o->buf[o->n++] = c;
	else
		fold_out_bytes(o, &c, 1);
}

void fold_out_printf(struct fold_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fold_fmt_fixed (below) into the output. */
void fold_out_fixed(struct fold_out *o, double v, int dec);

/* ------------------------------------------------------------ numbers */

/* Room any of the number formatters below needs. */
#define FOLD_NUM_BUFSZ 352

/* Decimal digits of v; returns the length (buf is NUL-terminated). */
size_t fold_fmt_u64(char *buf, uint64_t v);
/* v with thousands separators, "1,234,567", as flamegraph.pl prints counts. */
size_t fold_fmt_commas(char *buf, uint64_t v);
/* A double rounded to an integer, with thousands separators. */
size_t fold_fmt_commas_double(char *buf, double v);
/*
 * v rounded to dec decimals (0 to 9; half to even, as printf), never
 * "-0.00".  dec < 0 prints integers and halves without trailing zeros
 * (svg coordinates).  Fast: glibc formats doubles exactly, with
 * multi-precision arithmetic, which dominated the SVG writer.
 */
size_t fold_fmt_fixed(char *buf, double v, int dec);
/*
 * A count as folded text writes it: integers as digits, doubles in the
 * shortest fixed-point form that reads back to the same value (folded text
 * has no exponents).
 */
size_t fold_fmt_count(char *buf, fold_count c, int fractional);

/*
 * pprof's scaled label (measurement.ScaledLabel with "auto"): v, counted in
 * unit, in the largest unit of its kind that keeps it at 1 or more, with two
 * decimals and ".00" dropped: "3.28s", "12.50ms", "512.01kB", "0".  Units
 * that are not times or sizes give the plain number followed by the unit
 * (none for "count").  Returns the length.
 */
size_t fold_fmt_scaled(char *buf, double v, const char *unit);
/*
 * The same in one given step of the unit's kind (its index in
 * fold_unit_kind's steps; -1: v's own, as fold_fmt_scaled), so that a
 * report shows every value in one unit as pprof does ("0.02s" beside
 * "2.36s").
 */
size_t fold_fmt_scaled_step(char *buf, double v, const char *unit, int step);
/* The step fold_fmt_scaled shows |v| in; -1 when unit is not scaled. */
int fold_scale_step(const char *unit, double v);
/*
 * pprof's "minimum" output unit of a report whose smallest non-zero value
 * is minv and whose total is maxv: the unit of the smallest, or a larger
 * one where that shows the smallest as 0.01 or more.  -1 when not scaled.
 */
int fold_scale_minimum(const char *unit, double minv, double maxv);
/*
 * A share in percent as pprof prints it: "100%" near 100, two decimals
 * from 1 ("71.95%"), two significant digits below ("0.089%").
 */
size_t fold_fmt_share(char *buf, double pct);

/*
 * How a column's values read: scaled (3.28s, 512kB: times and sizes), or
 * counts with a noun ("1,234 samples", "17 alloc_objects").  For counts,
 * the noun is returned.
 */
int fold_unit_is_scaled(const struct fold_unit *u);
const char *fold_unit_noun(const struct fold_unit *u);
/*
 * A kind of scaled unit (sizes, times), as pprof knows them: its units,
 * smallest first, each with its size in the kind's base unit (B, ns), and
 * the unit a value too small for all of them is shown in.
 */
struct fold_scale_step {
	const char *name;	/* as shown: "kB", "ms" */
	double factor;		/* base units in one of these */
};

struct fold_unit_kind {
	const struct fold_scale_step *steps;
	size_t nsteps;
	size_t fallback;	/* the step of values below 1 of every unit */
};

/*
 * The kind of unit name ("nanoseconds", "bytes", "ms", "kilobyte"...;
 * pprof's aliases, any case, a plural 's' dropped) and in *factor the size
 * of one such unit in base units; NULL for units that are not scaled.
 */
const struct fold_unit_kind *fold_unit_kind(const char *unit, double *factor);

/* ----------------------------------------------------------- escaping */

/*
 * Length of the valid UTF-8 character at s[0..n) (n > 0) that XML allows,
 * or 0: XML 1.0 forbids C0 controls but TAB, LF and CR, surrogates, U+FFFE
 * and U+FFFF.
 */
size_t fold_utf8_char(const unsigned char *s, size_t n);

/*
 * XML character data or attribute value: & < > " escaped, what XML cannot
 * hold replaced by U+FFFD.  raw8 passes bytes >= 0x80 through (a document
 * in another encoding, which gives them their meaning).
 */
void fold_out_xml(struct fold_out *o, const char *s, size_t n, int raw8);
/*
 * A JSON string with its quotes, safe inside XML text too: '<', '>' and
 * '&' as \u escapes, control bytes escaped, invalid UTF-8 as \ufffd.
 */
void fold_out_json(struct fold_out *o, const char *s, size_t n);
/* A CSV field (RFC 4180): quoted when it needs to be. */
void fold_out_csv(struct fold_out *o, const char *s, size_t n);
/* A Markdown table cell: a code span, shown verbatim, '|' escaped. */
void fold_out_markdown(struct fold_out *o, const char *s, size_t n);
/* Text for a terminal or log: control bytes and invalid UTF-8 as U+FFFD. */
void fold_out_text(struct fold_out *o, const char *s, size_t n);
/* The same into buf (size bytes, NUL-terminated), cut at a character. */
size_t fold_text_safe(char *buf, size_t size, const char *s, size_t n);

#endif

/*
 * table.h - tables of functions and numbers in text, Markdown, CSV or
 * JSON: fg-diff's report and gate, and any report of per-function numbers
 * (pprof's -top table has the same shape).
 *
 * A table is a list of columns, each a kind of cell: the function's name,
 * a percentage, a change in percentage points, or a value (a count in the
 * profile's unit).  Text aligns the columns and puts the name last, as
 * pprof and perf report do; the other formats put it first.  Values read
 * as people read them in text and Markdown (3.28s, 512.01kB, 1234) and as
 * exact numbers in CSV and JSON.  Names are escaped for each format.
 */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include "libfold/out.h"

enum table_format { TABLE_TEXT, TABLE_MARKDOWN, TABLE_CSV, TABLE_JSON };

/* The format named s ("text", "markdown" or "md", "csv", "json"); -1 if none. */
int table_format_find(const char *s);

enum table_cell {
	TABLE_NAME,		/* a function name */
	TABLE_PCT,		/* a share, percent */
	TABLE_DELTA,		/* a change, percentage points (signed) */
	TABLE_VALUE,		/* a count, in the table's unit */
	TABLE_SHARE,		/* a share, percent, as pprof prints it */
	TABLE_NUMBER,		/* a signed value in the table's unit */
};

struct table_col {
	enum table_cell cell;
	const char *text;	/* header in text */
	const char *markdown;	/* header in Markdown */
	const char *key;	/* CSV header and JSON key */
	int text_pos;		/* the column's place in text */
	int gap;		/* text: blanks before it */
	int width;		/* text: its least width */
};

struct table_val {
	double pct;		/* TABLE_PCT, TABLE_DELTA */
	fold_count count;	/* TABLE_VALUE */
	double num;		/* TABLE_NUMBER */
	const char *name;	/* TABLE_NAME */
	size_t len;
};

struct table {
	const struct table_col *cols;
	int ncols;
	const struct fold_unit *unit;	/* of the values */
	int fractional;			/* values are doubles */
	/* The cells of row i, one per column, into v[0..ncols). */
	void (*row)(void *arg, size_t i, struct table_val *v);
	void *arg;
	int step;		/* values shown in step step - 1 of their
				   unit (fold_fmt_scaled_step); 0: each in
				   its own */
	int fixed;		/* text: widths are each cell's least, as
				   printf's, not the widest cell's (pprof) */
};

/*
 * Write rows 0..n of t in fmt: text and Markdown with a header row, CSV
 * with a header line (CRLF line ends), JSON as an array of objects (the
 * caller writes what surrounds it).  Errors stay in o.
 */
void table_write(struct fold_out *o, enum table_format fmt,
		 const struct table *t, size_t n);

/* A value as text shows it: scaled by its unit, or plain digits. */
size_t table_value_text(char *buf, fold_count c, int fractional,
			const struct fold_unit *u);
/* A signed number as CSV and JSON show it: digits while it is whole. */
size_t table_number_raw(char *buf, double v);
/* A number v as t's text shows its values (t's unit and step). */
size_t table_number_text(char *buf, const struct table *t, double v);

#endif

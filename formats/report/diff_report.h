/*
 * diff_report.h - which functions changed between the two sides of a
 * differential profile, as a table in text, Markdown, CSV or JSON
 * (fg-diff --report and --fail-above).
 *
 * A function's share is its count over all samples of that side, so
 * profiles of different lengths compare; the change is after% - before%,
 * in percentage points.  Counts are self (stacks ending in the function)
 * or total (stacks through it, once however deep the recursion).
 */
#ifndef DIFF_REPORT_H
#define DIFF_REPORT_H

#include "libfold/fold.h"

enum diff_format { DIFF_TEXT, DIFF_MARKDOWN, DIFF_CSV, DIFF_JSON };

/* The format named s ("text", "markdown" or "md", "csv", "json"); -1 if none. */
int diff_format_find(const char *s);

struct diff_row {
	fold_id name;
	double before, after;		/* counts */
	double before_pct, after_pct;	/* share of each side's total, % */
	double delta;			/* after_pct - before_pct, points */
};

struct diff_report {
	const struct fold_profile *prof;
	int by_total;		/* inclusive counts, else self */
	double total[2];	/* all samples before and after */
	struct diff_row *rows;	/* every function with a count on either
				   side, biggest change (either way) first */
	size_t n;
};

/* Rank the functions of the two-column profile p; -1 with errno on failure. */
int diff_report_build(struct diff_report *r, const struct fold_profile *p,
		      int by_total);
void diff_report_free(struct diff_report *r);

/*
 * Write rows[0..n) (rows of r, in the given order) as a table with a header
 * and, in text and Markdown, a line naming the measure and the totals;
 * limit >= 0 adds the gate's threshold to that line and to the JSON.
 * Returns -1 with errno on a write error.
 */
int diff_report_write(int fd, enum diff_format fmt, const struct diff_report *r,
		      const struct diff_row *rows, size_t n, double limit);

/* A name made safe for one line of a terminal or log: no control bytes. */
void diff_report_name(const struct diff_report *r, const struct diff_row *row,
		      char *buf, size_t size);

#endif

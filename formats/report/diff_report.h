/*
 * diff_report.h - which functions changed between the two sides of a
 * differential profile (fg-diff --report and --fail-above), as a table
 * (formats/report/table.h).
 *
 * A function's share is its count over all samples of that side, so
 * profiles of different lengths compare; the change is after% - before%,
 * in percentage points.  Counts are self (stacks ending in the function)
 * or total (stacks through it, once however deep the recursion).
 */
#ifndef DIFF_REPORT_H
#define DIFF_REPORT_H

#include "formats/report/table.h"

struct diff_row {
	fold_id name;
	fold_count before, after;	/* exact, as the profile holds counts */
	double before_pct, after_pct;	/* share of each side's total, % */
	double delta;			/* after_pct - before_pct, points */
	double peak;			/* the larger count, to rank ties */
};

struct diff_report {
	const struct fold_profile *prof;
	int by_total;		/* inclusive counts, else self */
	struct diff_row *rows;	/* every function with a count on either
				   side, biggest change (either way) first */
	size_t n;
};

/* Rank the functions of the two-column profile p; -1 with errno on failure. */
int diff_report_build(struct diff_report *r, const struct fold_profile *p,
		      int by_total);
void diff_report_free(struct diff_report *r);

/*
 * Write rows[0..n) (rows of r, in the given order) as a table with, in
 * text and Markdown, a line naming the measure and the totals before it;
 * limit >= 0 adds the gate's threshold to that line and to the JSON.
 * Errors stay in o.
 */
void diff_report_write(struct fold_out *o, enum table_format fmt,
		       const struct diff_report *r, const struct diff_row *rows,
		       size_t n, double limit);

#endif

/* diff_report.c - the function table of a differential profile. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/report/diff_report.h"

/* Biggest change first, either way; then the bigger count; then by name. */
static int bigger_change(const void *a, const void *b, void *arg)
{
	const struct diff_row *x = a, *y = b;
	const struct fold_profile *p = arg;
	double dx = fabs(x->delta), dy = fabs(y->delta);

	if (dx != dy)
		return dx > dy ? -1 : 1;
	if (x->peak != y->peak)
		return x->peak > y->peak ? -1 : 1;
	return strcmp(fold_name(&p->names, x->name), fold_name(&p->names, y->name));
}

static double share(const struct fold_profile *p, fold_count v, int col)
{
	double total = fold_count_double(p, p->total[col]);

	return total > 0 ? 100 * fold_count_double(p, v) / total : 0;
}

int diff_report_build(struct diff_report *r, const struct fold_profile *p,
		      int by_total)
{
	struct fold_func *fn;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (p->ncols != 2) {
		errno = EINVAL;
		return -1;
	}
	r->prof = p;
	r->by_total = by_total;
	if ((fn = fold_funcs(p)) == NULL)
		return -1;
	r->rows = malloc((p->names.n ? p->names.n : 1) * sizeof(*r->rows));
	if (r->rows == NULL) {
		free(fn);
		return -1;
	}
	for (i = 0; i < p->names.n; i++) {
		const fold_count *v = by_total ? fn[i].total : fn[i].self;
		struct diff_row *row = &r->rows[r->n];

		if (fold_count_is_zero(p, v[0]) && fold_count_is_zero(p, v[1]))
			continue;
		row->name = (fold_id)i;
		row->before = v[0];
		row->after = v[1];
		row->before_pct = share(p, v[0], 0);
		row->after_pct = share(p, v[1], 1);
		row->delta = row->after_pct - row->before_pct;
		row->peak = fmax(fold_count_double(p, v[0]), fold_count_double(p, v[1]));
		r->n++;
	}
	free(fn);
	qsort_r(r->rows, r->n, sizeof(*r->rows), bigger_change, (void *)p);
	return 0;
}

void diff_report_free(struct diff_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/*
 * The unit both sides count in; when they differ (seconds and samples),
 * none: the report then shows plain numbers.
 */
static const struct fold_unit *report_unit(const struct diff_report *r)
{
	static const struct fold_unit plain;	/* counts, no unit */
	const struct fold_profile *p = r->prof;

	return fold_unit_same(&p->unit[0], &p->unit[1]) ? &p->unit[1] : &plain;
}

/* Text order: the change first, as the eye looks for it; the name last. */
static const struct table_col cols[] = {
	{ TABLE_NAME, "function", "function", "function", 5, 2, 0 },
	{ TABLE_PCT, "before%", "before %", "before_pct", 1, 1, 8 },
	{ TABLE_PCT, "after%", "after %", "after_pct", 2, 1, 8 },
	{ TABLE_DELTA, "delta", "delta (points)", "delta_points", 0, 0, 8 },
	{ TABLE_VALUE, "before", "before", "before", 3, 2, 6 },
	{ TABLE_VALUE, "after", "after", "after", 4, 1, 6 },
};

struct rows {
	const struct diff_report *r;
	const struct diff_row *rows;
};

static void row_cells(void *arg, size_t i, struct table_val *v)
{
	const struct rows *rs = arg;
	const struct diff_row *row = &rs->rows[i];
	const struct fold_names *nm = &rs->r->prof->names;

	v[0].name = fold_name(nm, row->name);
	v[0].len = fold_name_len(nm, row->name);
	v[1].pct = row->before_pct;
	v[2].pct = row->after_pct;
	v[3].pct = row->delta;
	v[4].count = row->before;
	v[5].count = row->after;
}

void diff_report_write(struct fold_out *o, enum table_format fmt,
		       const struct diff_report *r, const struct diff_row *rows,
		       size_t n, double limit)
{
	const struct fold_profile *p = r->prof;
	const struct fold_unit *unit = report_unit(r);
	const char *by = r->by_total ? "total" : "self";
	struct rows rs = { r, rows };
	struct table t = { cols, 6, unit, p->fractional, row_cells, &rs };
	char buf[FOLD_NUM_BUFSZ];
	int c;

	if (fmt == TABLE_TEXT || fmt == TABLE_MARKDOWN) {
		fold_out_str(o, fmt == TABLE_TEXT ? "# " : "");
		fold_out_printf(o, "Share of all samples by %s: before ", by);
		fold_out_bytes(o, buf, table_value_text(buf, p->total[0], p->fractional, unit));
		fold_out_str(o, ", after ");
		fold_out_bytes(o, buf, table_value_text(buf, p->total[1], p->fractional, unit));
		if (limit >= 0)
			fold_out_printf(o, "; functions that grew by more than "
					"%.15g point%s", limit, limit == 1 ? "" : "s");
		fold_out_str(o, fmt == TABLE_TEXT ? "\n" : "\n\n");
	} else if (fmt == TABLE_JSON) {
		fold_out_printf(o, "{\"by\": \"%s\", ", by);
		if (unit->unit[0] != '\0') {
			fold_out_str(o, "\"type\": ");
			fold_out_json(o, unit->type, strlen(unit->type));
			fold_out_str(o, ", \"unit\": ");
			fold_out_json(o, unit->unit, strlen(unit->unit));
			fold_out_str(o, ", ");
		}
		for (c = 0; c < 2; c++) {
			fold_out_str(o, c ? ", \"after_total\": " : "\"before_total\": ");
			fold_out_bytes(o, buf, fold_fmt_count(buf, p->total[c],
							       p->fractional));
		}
		if (limit >= 0)
			fold_out_printf(o, ", \"fail_above\": %.15g", limit);
		fold_out_str(o, ", \"functions\": ");
	}
	table_write(o, fmt, &t, n);
	if (fmt == TABLE_JSON)
		fold_out_str(o, "}\n");
}

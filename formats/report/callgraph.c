/* callgraph.c - the report over a trimmed call graph, and its top table. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/report/callgraph.h"

int cg_report_build(struct cg_report *r, const struct fold_profile *p,
		    const struct fold_graph_opts *o, double total)
{
	double min = 0;
	size_t i;

	r->unit = &p->unit[p->ncols - 1];
	r->node_fraction = o->node_fraction;
	r->edge_fraction = o->edge_fraction;
	if (fold_graph_build(&r->g, p, o, total) != 0)
		return -1;
	/* pprof's selectOutputUnit: from the smallest value shown. */
	for (i = 0; i < r->g.n; i++) {
		double v = fabs(r->g.nodes[i].flatv);

		if (v == 0)
			v = fabs(r->g.nodes[i].cumv);
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	r->step = fold_scale_minimum(r->unit->unit, min, r->g.total);
	return 0;
}

void cg_report_free(struct cg_report *r)
{
	fold_graph_free(&r->g);
}

size_t cg_value(char *buf, const struct cg_report *r, double v)
{
	return fold_fmt_scaled_step(buf, v, r->unit->unit, r->step);
}

double cg_share(const struct cg_report *r, double v)
{
	return r->g.total != 0 ? fabs(v / r->g.total) * 100 : 0;
}

static void linef(void (*line)(void *, const char *, size_t), void *arg,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void linef(void (*line)(void *, const char *, size_t), void *arg,
		  const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	line(arg, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void cg_labels(const struct cg_report *r, int full,
	       void (*line)(void *arg, const char *s, size_t len), void *arg)
{
	static const char *const filter[] = { "focus", "ignore", "hide", "show" };
	char a[FOLD_NUM_BUFSZ], b[FOLD_NUM_BUFSZ], pct[FOLD_NUM_BUFSZ];
	double shown = 0, total = r->g.total;
	size_t i;
	int any = 0;

	if (r->title != NULL)
		linef(line, arg, "File: %s", r->title);
	if (r->unit->type[0] != '\0')
		linef(line, arg, "Type: %s", r->unit->type);
	for (i = 0; i < 4; i++) {
		if (r->filters[i] == NULL)
			continue;
		if (!any++)
			linef(line, arg, "Active filters:");
		/* pprof cuts a long one at 80 bytes. */
		linef(line, arg, "   %s=%.80s%s", filter[i], r->filters[i],
		      strlen(r->filters[i]) > 80 ? "\xe2\x80\xa6" : "");
	}
	for (i = 0; i < r->g.n; i++)
		shown += r->g.nodes[i].flatv;
	cg_value(a, r, shown);
	cg_value(b, r, total);
	fold_fmt_share(pct, cg_share(r, shown));
	linef(line, arg, "Showing nodes accounting for %s, %s of %s total", a, pct, b);
	if (total != 0) {
		if (r->g.dropped_nodes > 0) {
			cg_value(a, r, fabs(trunc(total * r->node_fraction)));
			linef(line, arg, "Dropped %zu node%s (cum <= %s)", r->g.dropped_nodes,
			      r->g.dropped_nodes > 1 ? "s" : "", a);
		}
		if (full && r->g.dropped_edges > 0) {
			cg_value(a, r, fabs(trunc(total * r->edge_fraction)));
			linef(line, arg, "Dropped %zu edge%s (freq <= %s)", r->g.dropped_edges,
			      r->g.dropped_edges > 1 ? "s" : "", a);
		}
		if (r->g.n > 0 && r->g.n < r->g.orig_count)
			linef(line, arg, "Showing top %zu nodes out of %zu", r->g.n,
			      r->g.orig_count);
	}
	if (full) {
		line(arg, "", 0);
		linef(line, arg, "See https://git.io/JfYMW for how to read the graph");
	}
}

/* ------------------------------------------------------------------ top */

/* Text order as pprof's: flat flat% sum% cum cum%, then the name. */
static const struct table_col top_cols[] = {
	{ TABLE_VALUE, "flat", "flat", "flat", 0, 0, 10 },
	{ TABLE_SHARE, "flat%", "flat%", "flat_pct", 1, 1, 6 },
	{ TABLE_SHARE, "sum%", "sum%", "sum_pct", 2, 1, 6 },
	{ TABLE_VALUE, "cum", "cum", "cum", 3, 1, 10 },
	{ TABLE_SHARE, "cum%", "cum%", "cum_pct", 4, 1, 6 },
	{ TABLE_NAME, "", "function", "function", 5, 2, 0 },
};

/* Differential: the two sides' flat counts, then pprof's -diff_base table. */
static const struct table_col diff_cols[] = {
	{ TABLE_VALUE, "before", "before", "before", 0, 0, 10 },
	{ TABLE_VALUE, "after", "after", "after", 1, 1, 10 },
	{ TABLE_NUMBER, "flat", "flat", "flat", 2, 1, 10 },
	{ TABLE_SHARE, "flat%", "flat%", "flat_pct", 3, 1, 6 },
	{ TABLE_SHARE, "sum%", "sum%", "sum_pct", 4, 1, 6 },
	{ TABLE_NUMBER, "cum", "cum", "cum", 5, 1, 10 },
	{ TABLE_SHARE, "cum%", "cum%", "cum_pct", 6, 1, 6 },
	{ TABLE_NAME, "", "function", "function", 7, 2, 0 },
};

struct top_rows {
	const struct cg_report *r;
	double sum;		/* flat of the rows so far */
	size_t next;		/* the row sum is at */
};

static void top_row(void *arg, size_t i, struct table_val *v)
{
	struct top_rows *t = arg;
	const struct cg_report *r = t->r;
	const struct fold_gnode *nd = &r->g.nodes[i];
	const struct fold_names *nm = &r->g.prof->names;
	int k = 0;

	/* Rows come in order, twice in text (widths, then output). */
	if (i == 0)
		t->sum = 0;
	t->sum += nd->flatv;
	if (r->g.prof->ncols == 2) {
		v[k++].count = nd->flat[0];
		v[k++].count = nd->flat[1];
		v[k++].num = nd->flatv;
	} else {
		v[k++].count = nd->flat[0];
	}
	v[k++].pct = cg_share(r, nd->flatv);
	v[k++].pct = cg_share(r, t->sum);
	if (r->g.prof->ncols == 2)
		v[k++].num = nd->cumv;
	else
		v[k++].count = nd->cum[0];
	v[k++].pct = cg_share(r, nd->cumv);
	v[k].name = fold_name(nm, nd->name);
	v[k].len = fold_name_len(nm, nd->name);
}

struct label_out {
	struct fold_out *o;
	const char *end;
};

static void label_line(void *arg, const char *s, size_t len)
{
	struct label_out *l = arg;

	fold_out_bytes(l->o, s, len);
	fold_out_str(l->o, l->end);
}

void cg_top_write(struct fold_out *o, enum table_format fmt,
		  const struct cg_report *r)
{
	const struct fold_profile *p = r->g.prof;
	int diff = p->ncols == 2;
	struct top_rows rows = { r, 0, 0 };
	struct table t = { diff ? diff_cols : top_cols, diff ? 8 : 6, r->unit,
			   p->fractional, top_row, &rows, r->step + 1,
			   fmt == TABLE_TEXT };
	char buf[FOLD_NUM_BUFSZ];

	if (fmt == TABLE_TEXT || fmt == TABLE_MARKDOWN) {
		/* Markdown: a hard line break after each legend line. */
		struct label_out l = { o, fmt == TABLE_TEXT ? "\n" : "  \n" };

		cg_labels(r, 0, label_line, &l);
		if (fmt == TABLE_MARKDOWN)
			fold_out_char(o, '\n');
	} else if (fmt == TABLE_JSON) {
		fold_out_str(o, "{");
		if (r->unit->unit[0] != '\0') {
			fold_out_str(o, "\"type\": ");
			fold_out_json(o, r->unit->type, strlen(r->unit->type));
			fold_out_str(o, ", \"unit\": ");
			fold_out_json(o, r->unit->unit, strlen(r->unit->unit));
			fold_out_str(o, ", ");
		}
		fold_out_str(o, "\"total\": ");
		fold_out_bytes(o, buf, table_number_raw(buf, r->g.total));
		fold_out_printf(o, ", \"dropped_nodes\": %zu, \"nodes\": ",
				r->g.dropped_nodes);
	}
	table_write(o, fmt, &t, r->g.n);
	if (fmt == TABLE_JSON)
		fold_out_str(o, "}\n");
}

/*
 * callgraph.h - pprof's reports of a call graph: the top table (-top) and
 * the Graphviz drawing (-dot), over libfold's trimmed graph (libfold/graph.h).
 *
 * A report shows every value in one unit, chosen as pprof's "minimum"
 * output unit does (the unit of the smallest value shown, or a larger one
 * that still shows it as 0.01 or more), and heads its output with pprof's
 * legend: file, type, active filters, what the shown nodes account for and
 * what was dropped.
 */
#ifndef REPORT_CALLGRAPH_H
#define REPORT_CALLGRAPH_H

#include "formats/report/table.h"
#include "libfold/graph.h"

struct cg_report {
	struct fold_graph g;
	const struct fold_unit *unit;	/* of the values (the profile's) */
	int step;		/* the output unit: a step of the unit's kind,
				   -1 when the unit is not scaled */
	const char *title;	/* "File: " in the legend, the graph's name;
				   NULL: none */
	const char *filters[4];	/* focus, ignore, hide, show regexes or NULL */
	double node_fraction, edge_fraction;	/* as trimmed */
	const char *empty;	/* not built: the profile had no samples, and
				   this says so in the graph (or NULL) */
};

/*
 * Trim p's graph with o and pick the output unit.  total: pprof's report
 * total (fold_graph_total of the profile before filters).  -1 with errno.
 */
int cg_report_build(struct cg_report *r, const struct fold_profile *p,
		    const struct fold_graph_opts *o, double total);
void cg_report_free(struct cg_report *r);

/* |v| as a percentage of the report's total (0 when the total is 0). */
double cg_share(const struct cg_report *r, double v);

/* v in the report's unit, as pprof formats it ("2.36s", "0", "-1.50MB"). */
size_t cg_value(char *buf, const struct cg_report *r, double v);

/*
 * pprof's legend lines, each written by line(arg, text, len); full adds
 * the dropped edges and the pointer to how to read a graph (as -dot's).
 */
void cg_labels(const struct cg_report *r, int full,
	       void (*line)(void *arg, const char *s, size_t len), void *arg);

/*
 * The top table: flat flat% sum% cum cum% name, one row per node in the
 * report's order; a differential profile adds the before and after flat
 * counts in front.  Text is laid out as go tool pprof -top prints it.
 */
void cg_top_write(struct fold_out *o, enum table_format fmt,
		  const struct cg_report *r);

/*
 * The graph as Graphviz dot text, laid out as go tool pprof -dot writes
 * it: legend, node labels and sizes, colours by cum (red grew, green shrank
 * for differential profiles), edge widths and residual edges dotted.
 */
void cg_dot_write(struct fold_out *o, const struct cg_report *r);

/*
 * Render dot text (dot[0..len), NUL-terminated) through Graphviz's
 * libraries in format ("svg", "png", "pdf") to fd; -1 with a message in
 * err (size errsz) on failure.
 */
int cg_dot_render(const char *dot, const char *format, int fd, char *err,
		  size_t errsz);

#endif

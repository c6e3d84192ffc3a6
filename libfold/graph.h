/*
 * graph.h - the call graph of a profile, trimmed as pprof's reports trim
 * it (google/pprof internal/report newTrimmedGraph, internal/graph).
 *
 * One node per function name: flat is the weight of the stacks it ends
 * (their leaf), cum the weight of the stacks through it, counted once per
 * stack however deep the recursion.  One edge per caller -> callee pair,
 * once per stack.  Each keeps exact counts per column; the weight pprof
 * ranks and prunes by is the count, or after - before for a differential
 * (two-column) profile, as pprof's -diff_base computes it.
 *
 * Trimming, in pprof's order: drop nodes whose |cum| is under
 * node_fraction of the graph's total flat and rebuild the graph from the
 * stacks without them (an edge over dropped frames is "residual"); keep the
 * node_count most important nodes (entropy order for drawings, else flat or
 * cum) and rebuild; drop edges under edge_fraction; in drawings drop
 * residual edges that another path already implies.
 */
#ifndef FOLD_GRAPH_H
#define FOLD_GRAPH_H

#include <regex.h>

#include "libfold/fold.h"

struct fold_gnode {
	fold_id name;
	fold_count flat[FOLD_MAXCOLS], cum[FOLD_MAXCOLS];	/* exact */
	double flatv, cumv;	/* the weights: count, or after - before */
};

struct fold_gedge {
	uint32_t src, dst;	/* caller and callee, indexes into nodes */
	int residual;		/* goes over frames that were dropped */
	fold_count w[FOLD_MAXCOLS];
	double wv;
};

struct fold_graph_opts {
	double node_fraction;	/* pprof's defaults: 0.005 */
	double edge_fraction;	/* 0.001 */
	size_t node_count;	/* keep at most this many; 0: all */
	int visual;		/* a drawing: entropy order, redundant
				   residual edges removed (pprof -dot) */
	int cum_sort;		/* otherwise by cum rather than flat */
	int nodes_only;		/* no edges (a table needs none): each build
				   then does half the work */
};

struct fold_graph {
	const struct fold_profile *prof;
	struct fold_gnode *nodes;	/* in report order */
	size_t n;
	struct fold_gedge *edges;	/* heaviest first, as pprof draws them */
	size_t nedges;
	double total;		/* what percentages are of (see below) */
	size_t orig_count;	/* nodes before node_count selection */
	size_t dropped_nodes;	/* under node_fraction */
	size_t dropped_edges;	/* under edge_fraction */
	double node_cutoff, edge_cutoff;	/* in counts */
};

/*
 * Build the trimmed graph of p.  total is pprof's report total: the sum
 * of column 0 (for a differential profile the "before" side, or the after
 * side when before is empty); pass the total of the profile before any
 * filter (fold_filter), as pprof takes percentages of all samples, or a
 * negative value for p's own.  -1 with errno on failure.
 */
int fold_graph_build(struct fold_graph *g, const struct fold_profile *p,
		     const struct fold_graph_opts *o, double total);
void fold_graph_free(struct fold_graph *g);
/* pprof's report total of p (see fold_graph_build). */
double fold_graph_total(const struct fold_profile *p);
/*
 * The weight of counts v[0..p->ncols): the count, or v[1] - v[0].  Exact
 * below 2^53.
 */
double fold_gweight(const struct fold_profile *p, const fold_count *v);

/*
 * pprof's sample filters, by frame name (POSIX extended regexes; NULL for
 * none): focus keeps the stacks with a frame that matches, ignore drops
 * those with one (before focus), hide takes matching frames out of stacks,
 * show keeps only matching frames; a stack left with no frame is dropped.
 * dst is an empty profile; matched[0..4) says whether each of focus,
 * ignore, hide and show matched any name (pprof warns when one did not).
 */
struct fold_filter {
	const regex_t *focus, *ignore, *hide, *show;
	int matched[4];
};

int fold_filter(struct fold_profile *dst, const struct fold_profile *src,
		struct fold_filter *f);

#endif

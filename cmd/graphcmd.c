/* graphcmd.c - the options and inputs fg-dot and fg-top share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/graphcmd.h"

static const char *const filter_names[] = { "focus", "ignore", "hide", "show" };

void graph_cmd_init(struct graph_cmd *c)
{
	memset(c, 0, sizeof(*c));
	/* pprof's defaults. */
	c->go.node_fraction = 0.005;
	c->go.edge_fraction = 0.001;
	c->node_count = -1;
}

static double fraction(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= 0) || v > 1)
		fg_usage_error("--%s: '%s' is not a fraction from 0 to 1", opt, s);
	return v;
}

/* Option opt if it is one of GRAPH_OPTIONS (1), else 0. */
static int graph_cmd_option(struct graph_cmd *c, int opt, const char *arg)
{
	char *end;
	int k;

	switch (opt) {
	case GRAPH_OPT_NODECOUNT:
		errno = 0;
		c->node_count = strtol(arg, &end, 10);
		if (end == arg || *end != '\0' || errno != 0 || c->node_count < 0)
			fg_usage_error("--nodecount: '%s' is not a count", arg);
		return 1;
	case GRAPH_OPT_NODEFRACTION:
		c->go.node_fraction = fraction("nodefraction", arg);
		return 1;
	case GRAPH_OPT_EDGEFRACTION:
		c->go.edge_fraction = fraction("edgefraction", arg);
		return 1;
	case GRAPH_OPT_FOCUS:
	case GRAPH_OPT_IGNORE:
	case GRAPH_OPT_HIDE:
	case GRAPH_OPT_SHOW:
		k = opt - GRAPH_OPT_FOCUS;
		if (c->re[k] != NULL)
			regfree(&c->rx[k]);
		fg_regcomp(&c->rx[k], filter_names[k], arg);
		c->re[k] = arg;
		return 1;
	case GRAPH_OPT_BASE:
		c->base = arg;
		return 1;
	case GRAPH_OPT_CUM:
		c->go.cum_sort = 1;
		return 1;
	case 'o':
		c->output = arg;
		return 1;
	}
	return 0;
}

void graph_cmd_parse(struct graph_cmd *c, struct fg_input *in, int argc,
		     char **argv, const char *own_short,
		     int (*own)(void *arg, int opt, const char *val), void *arg)
{
	char optstring[64];
	int opt;

	snprintf(optstring, sizeof(optstring), ":n:o:%sqvhV", own_short);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, in->longopts, NULL)) != -1)
		if (!graph_cmd_option(c, opt, optarg) && !own(arg, opt, optarg))
			fg_input_option(in, opt, argv);
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	fg_input_ready(in);
}

/* The legend's "File:": the input's name without its folders. */
static const char *title(const struct graph_cmd *c)
{
	const char *s;

	if (c->ninputs == 0 || strcmp(c->inputs[0], "-") == 0)
		return NULL;
	s = strrchr(c->inputs[0], '/');
	return s ? s + 1 : c->inputs[0];
}

/* One side of a comparison, into q: one count per stack. */
static void read_side(struct fg_input *in, struct fold_profile *q, char **paths,
		      int n, const struct fold_read_opts *ro0, const char *what)
{
	struct fold_read_opts ro = *ro0;

	ro.ncols = 0;	/* told by the first line, to refuse two counts */
	if (fold_profile_init(q, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_input_read(in, q, paths, n, &ro);
	if (q->ncols == 2)
		fg_die(FG_EXIT_ERR, "%s: two counts per stack (a differential "
		       "profile); with --base, give %s one count per stack",
		       n && strcmp(paths[0], "-") ? paths[0] : "<stdin>", what);
}

static void read_inputs(struct graph_cmd *c, struct fg_input *in,
			struct fold_profile *p)
{
	struct fold_profile before, after;
	char *base = (char *)c->base;

	if (c->base == NULL) {
		if (fold_profile_init(p, 1) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		fg_input_read(in, p, c->inputs, c->ninputs, &c->ro);
		return;
	}
	/*
	 * pprof -diff_base: the base is "before", the inputs "after"; read
	 * first, so that a program among the inputs (gperftools' "PROG
	 * a.0002.heap") also names the base's frames.
	 */
	read_side(in, &after, c->inputs, c->ninputs, &c->ro, "the input");
	read_side(in, &before, &base, 1, &c->ro, "the base");
	if (fold_profile_init(p, 2) != 0 || fold_merge(p, 0, &before, 0) != 0 ||
	    fold_merge(p, 1, &after, 0) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	if (!fold_unit_same(&p->unit[0], &p->unit[1]) && !in->quiet)
		fg_warn("--base counts %s and the input %s; compared as they are",
			p->unit[0].unit[0] ? p->unit[0].unit : "samples",
			p->unit[1].unit[0] ? p->unit[1].unit : "samples");
	fold_profile_free(&before);
	fold_profile_free(&after);
}

int graph_cmd_report(struct graph_cmd *c, struct fg_input *in,
		      struct fold_profile *prof, struct cg_report *r,
		      size_t default_count, int visual)
{
	struct fold_filter f = { NULL, NULL, NULL, NULL, { 0, 0, 0, 0 } };
	const regex_t **rx[4] = { &f.focus, &f.ignore, &f.hide, &f.show };
	double total;
	int k, any = 0;

	read_inputs(c, in, prof);
	fg_input_done(in);
	memset(r, 0, sizeof(*r));
	/* (stacks whose counts are all 0 are no samples either) */
	if (fg_input_empty(prof)) {
		snprintf(c->empty, sizeof(c->empty), "%s: no valid input: no samples",
			 fg_input_what(in));
		r->empty = c->empty;
		r->title = title(c);
		return 1;
	}
	/* Percentages are of all samples, as pprof's are by default. */
	total = fold_graph_total(prof);
	for (k = 0; k < 4; k++)
		if (c->re[k] != NULL) {
			*rx[k] = &c->rx[k];
			any = 1;
		}
	if (any) {
		struct fold_profile q;

		if (fold_profile_init(&q, prof->ncols) != 0 ||
		    fold_filter(&q, prof, &f) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		for (k = 0; k < 4; k++)
			if (c->re[k] != NULL && !f.matched[k] && !in->quiet)
				fg_warn("--%s=%s matched no function", filter_names[k],
					c->re[k]);
		fold_profile_free(prof);
		*prof = q;
	}
	c->go.node_count = c->node_count < 0 ? default_count : (size_t)c->node_count;
	c->go.visual = visual;
	c->go.nodes_only = !visual;	/* tables have no edges */
	if (cg_report_build(r, prof, &c->go, total) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	r->title = title(c);
	for (k = 0; k < 4; k++)
		r->filters[k] = c->re[k];
	return 0;
}

void graph_cmd_free(struct graph_cmd *c, struct fold_profile *prof,
		    struct cg_report *r)
{
	int k;

	cg_report_free(r);
	fold_profile_free(prof);
	for (k = 0; k < 4; k++)
		if (c->re[k] != NULL)
			regfree(&c->rx[k]);
}

/*
 * graphcmd.h - what fg-dot and fg-top share: pprof's options for trimming
 * and filtering a call graph, reading the inputs (and a --base profile to
 * compare against), and building the report.
 */
#ifndef FG_GRAPHCMD_H
#define FG_GRAPHCMD_H

#include <limits.h>

#include "cmd/util.h"
#include "formats/report/callgraph.h"

/* The options' codes, for the commands' getopt tables (GRAPH_OPTIONS). */
enum {
	GRAPH_OPT_NODECOUNT = 'n',
	GRAPH_OPT_NODEFRACTION = 0x200,
	GRAPH_OPT_EDGEFRACTION,
	GRAPH_OPT_FOCUS,	/* then IGNORE, HIDE, SHOW in order */
	GRAPH_OPT_IGNORE,
	GRAPH_OPT_HIDE,
	GRAPH_OPT_SHOW,
	GRAPH_OPT_BASE,
	GRAPH_OPT_CUM,
};

#define GRAPH_OPTIONS \
	{ "nodecount", required_argument, NULL, GRAPH_OPT_NODECOUNT }, \
	{ "node-count", required_argument, NULL, GRAPH_OPT_NODECOUNT }, \
	{ "nodefraction", required_argument, NULL, GRAPH_OPT_NODEFRACTION }, \
	{ "node-fraction", required_argument, NULL, GRAPH_OPT_NODEFRACTION }, \
	{ "edgefraction", required_argument, NULL, GRAPH_OPT_EDGEFRACTION }, \
	{ "edge-fraction", required_argument, NULL, GRAPH_OPT_EDGEFRACTION }, \
	{ "focus", required_argument, NULL, GRAPH_OPT_FOCUS }, \
	{ "ignore", required_argument, NULL, GRAPH_OPT_IGNORE }, \
	{ "hide", required_argument, NULL, GRAPH_OPT_HIDE }, \
	{ "show", required_argument, NULL, GRAPH_OPT_SHOW }, \
	{ "base", required_argument, NULL, GRAPH_OPT_BASE }, \
	{ "diff-base", required_argument, NULL, GRAPH_OPT_BASE }, \
	{ "cum", no_argument, NULL, GRAPH_OPT_CUM }, \
	{ "output", required_argument, NULL, 'o' }

/* The options' help lines, for the commands' usage texts. */
#define GRAPH_HELP \
"  -n, --nodecount=N     show at most N nodes (0: all)\n" \
"      --nodefraction=F  drop nodes under F of the total (default 0.005)\n" \
"      --edgefraction=F  drop edges under F of the total (default 0.001)\n" \
"      --focus=REGEX     only stacks through a function matching REGEX\n" \
"      --ignore=REGEX    no stacks through a function matching REGEX\n" \
"      --hide=REGEX      take functions matching REGEX out of the stacks\n" \
"      --show=REGEX      keep only functions matching REGEX in the stacks\n" \
"      --base=FILE       compare with the profile FILE (pprof -diff_base):\n" \
"                        values are the change, red grew, green shrank\n"

struct graph_cmd {
	struct fold_read_opts ro;
	struct fold_graph_opts go;
	long node_count;	/* -1: the command's default */
	const char *base;	/* --base FILE, or NULL */
	const char *output;	/* -o FILE, or NULL */
	char empty[PATH_MAX + 64];	/* the report's "no valid input" message */
	const char *re[4];	/* focus, ignore, hide, show */
	regex_t rx[4];
	char **inputs;
	int ninputs;
};

void graph_cmd_init(struct graph_cmd *c);
/*
 * Parse argv: GRAPH_OPTIONS (and -o) into c, the command's own options
 * (short letters in own_short) through own(arg, opt, val), which
 * returns 0 for one it does not know; the readers' and the common ones
 * through in.  Then the inputs, and the readers' options checked.
 */
void graph_cmd_parse(struct graph_cmd *c, struct fg_input *in, int argc,
		     char **argv, const char *own_short,
		     int (*own)(void *arg, int opt, const char *val), void *arg);
/*
 * Read the inputs (and the base), filter, and build the report with the
 * given default node count; dies on failure.  prof is the caller's, freed
 * with graph_cmd_free.  1 when the profile has no samples: r is then not
 * built but has r->empty, the "no valid input" message, and the command
 * writes what it writes for that and exits FG_EXIT_USAGE with it.
 */
int graph_cmd_report(struct graph_cmd *c, struct fg_input *in,
		      struct fold_profile *prof, struct cg_report *r,
		      size_t default_count, int visual);
void graph_cmd_free(struct graph_cmd *c, struct fold_profile *prof,
		    struct cg_report *r);

#endif

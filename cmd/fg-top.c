/*
 * fg-top - the functions that take the most, as go tool pprof -top lists
 * them: flat flat% sum% cum cum% name, in the profile's unit.
 *
 *   fg-top [-n N] [--cum] [--format=FMT] [FILE...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/graphcmd.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-top [-n N] [--cum] [-f FMT] [-o FILE] [OPTIONS] [FILE...]\n"
"\n"
"List the functions of a profile in any format fg-collapse reads (told from\n"
"its content; stdin when no FILE) as go tool pprof -top does: flat (samples\n"
"where the function is the leaf), cum (samples of stacks through it), their\n"
"shares of the total and the running sum of flat, heaviest first, in the\n"
"profile's unit (2.36s, 512.01kB, or plain counts).  Nodes under pprof's\n"
"node fraction are dropped, as pprof drops them.  A differential input (two\n"
"counts per stack, or --base) shows the before and after flat counts, then\n"
"the change.\n"
"\n"
GRAPH_HELP
"      --cum             rank by cum rather than flat\n"
"  -f, --format=FMT      text (default, as pprof's), markdown, csv or json\n"
"                        (csv and json with exact counts)\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --max-line=SIZE   longest input line (default 64M)\n"
"  -v, --verbose         say which format each input is\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

static const struct option options[] = {
	GRAPH_OPTIONS,
	{ "format", required_argument, NULL, 'f' },
	FG_COMMON_OPTIONS,
};

/* -f FMT, fg-top's own option. */
static int own_option(void *arg, int opt, const char *val)
{
	enum table_format *fmt = arg;

	if (opt != 'f')
		return 0;
	if (table_format_find(val) < 0)
		fg_usage_error("--format: '%s' is not text, markdown, csv or json",
			       val);
	*fmt = (enum table_format)table_format_find(val);
	return 1;
}

int main(int argc, char **argv)
{
	struct fg_input in;
	struct graph_cmd c;
	struct fold_profile prof;
	struct cg_report r;
	struct fold_out o;
	struct fg_out out;
	enum table_format fmt = TABLE_TEXT;

	fg_setprog(argv[0]);
	fg_input_init(&in, NULL, options, usage);
	graph_cmd_init(&c);
	graph_cmd_parse(&c, &in, argc, argv, "f:", own_option, &fmt);

	/* As pprof's -top: every node above the node fraction. */
	if (graph_cmd_report(&c, &in, &prof, &r, 0, 0) != 0)
		fg_die(FG_EXIT_USAGE, "%s", r.empty);	/* a table of nothing */
	fg_out_open(&out, c.output);
	if (fold_out_init(&o, out.fd, 1 << 16) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	cg_top_write(&o, fmt, &r);
	if (fold_out_close(&o) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", c.output ? c.output : "<stdout>",
		       strerror(errno));
	fg_out_commit(&out);
	graph_cmd_free(&c, &prof, &r);
	return 0;
}

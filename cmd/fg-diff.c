/*
 * fg-diff - compare two folded profiles.
 *
 *   fg-diff [-n] [-s] BEFORE AFTER          "stack before after" lines
 *   fg-diff --report [...] BEFORE AFTER     the functions that changed most
 *   fg-diff --fail-above=PCT [...] ...      exit 3 if one grew by more
 *
 * Report and gate also take one two-column file (fg-diff's own output).
 */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/report/diff_report.h"
#include "libfold/out.h"
#include "cmd/util.h"

/* The gate found a function that grew too much. */
#define EXIT_GATE 3


static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-diff [-n] [-s] [-o FILE] BEFORE AFTER\n"
"       fg-diff --report [--top=N] [--by=self|total] [--format=FMT] BEFORE AFTER\n"
"       fg-diff --fail-above=PCT [--match=REGEX] [...] BEFORE AFTER\n"
"\n"
"Compare two profiles, each in any format fg-collapse reads, told from its\n"
"content (gzip is detected; '-' is stdin).  By default write \"stack before\n"
"after\" for every stack of either, as difffolded.pl does; pipe it to fg-svg\n"
"for a differential flame graph.  The report and the gate rank functions by\n"
"the change of their share of all samples, in percentage points, and show\n"
"counts in their unit; they also read one two-column file (or stdin).\n"
"\n"
"  -n, --normalize       scale BEFORE's counts to AFTER's total\n"
"  -s, --strip-hex       write hex addresses (0x1f...) as 0x... so stacks\n"
"                        differing only in addresses merge\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --report          list the functions whose share changed most\n"
"      --top=N           report N functions (default 20; 0: all)\n"
"      --by=self|total   a function's own samples (default) or all the\n"
"                        samples of stacks through it\n"
"  -f, --format=FMT      report as text (default), markdown, csv or json\n"
"      --fail-above=PCT  exit 3 if a function's share grew by more than PCT\n"
"                        points, after listing those functions\n"
"      --match=REGEX     gate only functions matching REGEX (extended)\n"
"      --max-line=SIZE   longest input line (default 64M)\n"
"  -v, --verbose         say which format each input is\n"
"  -q, --quiet           no warnings and no gate verdict on stderr\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"Exit status: 0, 1 on bad input, 2 on bad usage, 3 when the gate fails.\n");
}

enum { OPT_REPORT = 256, OPT_TOP, OPT_BY, OPT_FAIL, OPT_MATCH };

static const struct option options[] = {
	{ "normalize", no_argument, NULL, 'n' },
	{ "strip-hex", no_argument, NULL, 's' },
	{ "output", required_argument, NULL, 'o' },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "by", required_argument, NULL, OPT_BY },
	{ "format", required_argument, NULL, 'f' },
	{ "fail-above", required_argument, NULL, OPT_FAIL },
	{ "match", required_argument, NULL, OPT_MATCH },
	FG_COMMON_OPTIONS,
};

/* BEFORE and AFTER, each read straight into its column of p. */
static void read_pair(struct fg_input *in, struct fold_profile *p, char **paths,
		      const struct fold_read_opts *ro0)
{
	struct fold_read_opts ro = *ro0;
	char a[2 * FOLD_UNIT_LEN], b[2 * FOLD_UNIT_LEN];

	ro.ncols = 1;
	for (ro.col = 0; ro.col < 2; ro.col++) {
		/* While reading BEFORE, AFTER's size helps size the tables. */
		ro.more = ro.col == 0 ? fg_file_size(paths[1]) : 0;
		fg_input_read(in, p, paths + ro.col, 1, &ro);
	}
	fold_unit_name(&p->unit[0], a, sizeof(a));
	fold_unit_name(&p->unit[1], b, sizeof(b));
	if (!fold_unit_same(&p->unit[0], &p->unit[1]) && !in->quiet)
		fg_warn("BEFORE counts %s and AFTER %s; compared as they are", a, b);
}

/* -s: hex addresses stripped from the names. */
static void strip_hex(struct fold_profile *p)
{
	if (fold_rename(p, fold_strip_hex, NULL) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
}

/*
 * A side without samples is most likely a failed recording: the report and
 * the gate refuse it (a gate must not pass on an empty profile); the plain
 * diff warns.
 */
static void empty_sides(const struct fold_profile *p, char **paths, int nargs,
			int judging, int quiet)
{
	int empty[2] = { fold_col_empty(p, 0), fold_col_empty(p, 1) };
	int col;

	if (nargs < 2 && empty[0] && empty[1] && judging)
		fg_die(FG_EXIT_ERR, "%s: no samples (expected two-count lines "
		       "\"stack BEFORE AFTER\", or give BEFORE and AFTER)",
		       nargs ? paths[0] : "<stdin>");
	for (col = 0; col < 2; col++) {
		const char *what = nargs == 2 ? (strcmp(paths[col], "-") ? paths[col] : "<stdin>") :
				   col ? "the AFTER column" : "the BEFORE column";

		if (!empty[col])
			continue;
		if (judging)
			fg_die(FG_EXIT_ERR, "%s: no samples", what);
		if (!quiet)
			fg_warn("%s: no samples", what);
	}
}

static double number(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (end == s || *end != '\0' || errno != 0 || !(v >= 0) || v > 1e15)
		fg_usage_error("--%s: '%s' is not a number >= 0", opt, s);
	return v;
}

/* The gate: list functions that grew by more than limit points. */
static int gate(const struct diff_report *r, double limit, const regex_t *match,
		int show, enum table_format fmt, struct fold_out *o, int quiet)
{
	struct diff_row *bad = malloc((r->n ? r->n : 1) * sizeof(*bad));
	const struct diff_row *top = NULL;
	char name[256];
	size_t i, n = 0;

	if (bad == NULL)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	for (i = 0; i < r->n; i++) {
		const struct diff_row *row = &r->rows[i];

		if (match != NULL &&
		    regexec(match, fold_name(&r->prof->names, row->name), 0, NULL, 0) != 0)
			continue;
		if (row->delta > limit)
			bad[n++] = *row;
		else if (row->delta > 0 && (top == NULL || row->delta > top->delta))
			top = row;
	}
	if (n > 0 && show)
		diff_report_write(o, fmt, r, bad, n, limit);
	if (!quiet && n > 0) {
		fold_text_safe(name, sizeof(name), fold_name(&r->prof->names, bad[0].name),
			       fold_name_len(&r->prof->names, bad[0].name));
		fprintf(stderr, "%s: FAIL: %zu function%s grew by more than %g "
			"point%s of all samples (by %s), most: %s %+.2f\n",
			fg_prog(), n, n == 1 ? "" : "s", limit, limit == 1 ? "" : "s",
			r->by_total ? "total" : "self", name, bad[0].delta);
	} else if (!quiet) {
		if (top != NULL)
			fold_text_safe(name, sizeof(name),
				       fold_name(&r->prof->names, top->name),
				       fold_name_len(&r->prof->names, top->name));
		fprintf(stderr, "%s: ok: no function grew by more than %g point%s "
			"of all samples (by %s)%s%s",
			fg_prog(), limit, limit == 1 ? "" : "s",
			r->by_total ? "total" : "self",
			top ? "; most: " : "", top ? name : "");
		if (top != NULL)
			fprintf(stderr, " %+.2f", top->delta);
		fputc('\n', stderr);
	}
	free(bad);
	return n > 0 ? EXIT_GATE : 0;
}

/* What the options say. */
struct diff_cmd {
	struct fold_read_opts ro;
	const char *output;
	enum table_format fmt;
	int normalize, strip, report, by_total, have_match;
	long top;
	double limit;		/* the gate's, or -1 */
	regex_t match;
	char **inputs;
	int ninputs;
};

static void parse(struct diff_cmd *c, struct fg_input *in, int argc, char **argv)
{
	char *end;
	int opt;

	memset(c, 0, sizeof(*c));
	c->fmt = TABLE_TEXT;
	c->top = 20;
	c->limit = -1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":nso:f:qvhV", in->longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': c->normalize = 1; break;
		case 's': c->strip = 1; break;
		case 'o': c->output = optarg; break;
		case OPT_REPORT: c->report = 1; break;
		case OPT_TOP:
			errno = 0;
			c->top = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || c->top < 0)
				fg_usage_error("--top: '%s' is not a count", optarg);
			break;
		case OPT_BY:
			if (strcmp(optarg, "self") == 0)
				c->by_total = 0;
			else if (strcmp(optarg, "total") == 0)
				c->by_total = 1;
			else
				fg_usage_error("--by: '%s' is not self or total", optarg);
			break;
		case 'f':
			if (table_format_find(optarg) < 0)
				fg_usage_error("--format: '%s' is not text, markdown, "
					       "csv or json", optarg);
			c->fmt = (enum table_format)table_format_find(optarg);
			break;
		case OPT_FAIL: c->limit = number("fail-above", optarg); break;
		case OPT_MATCH:
			if (c->have_match)
				regfree(&c->match);
			fg_regcomp(&c->match, "match", optarg);
			c->have_match = 1;
			break;
		default: fg_input_option(in, opt, argv);
		}
	}
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	/* A gate must not pass on a damaged input: any flaw is fatal. */
	if (c->limit >= 0)
		c->ro.strict = 1;
	if (c->have_match && c->limit < 0)
		fg_usage_error("--match needs --fail-above");
	if (c->report || c->limit >= 0) {
		if (c->ninputs > 2)
			fg_usage_error("too many inputs: BEFORE AFTER, or one "
				       "two-column file");
	} else if (c->ninputs != 2) {
		fg_usage_error("needs two inputs, BEFORE and AFTER");
	}
	if (c->ninputs == 2 && strcmp(c->inputs[0], "-") == 0 &&
	    strcmp(c->inputs[1], "-") == 0)
		fg_usage_error("BEFORE and AFTER cannot both be stdin");
}

static int diff_run(struct diff_cmd *c, struct fg_input *in)
{
	const char *errpath = c->output ? c->output : "<stdout>";
	int judging = c->report || c->limit >= 0, status = 0;
	struct fold_profile prof;
	struct fg_out out;

	if (fold_profile_init(&prof, 2) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	if (c->ninputs == 2) {
		read_pair(in, &prof, c->inputs, &c->ro);
	} else {
		/* one differential profile: fg-diff's own output */
		c->ro.ncols = 2;
		fg_input_read(in, &prof, c->inputs, c->ninputs, &c->ro);
	}
	fg_input_done(in);
	if (c->strip)
		strip_hex(&prof);
	empty_sides(&prof, c->inputs, c->ninputs, judging, in->quiet);
	if (c->normalize && fold_normalize(&prof) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));

	fg_out_open(&out, c->output);
	if (judging) {
		struct diff_report r;
		struct fold_out o;

		if (diff_report_build(&r, &prof, c->by_total) != 0 ||
		    fold_out_init(&o, out.fd, 1 << 16) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		if (c->report)
			diff_report_write(&o, c->fmt, &r, r.rows,
					  c->top == 0 || (size_t)c->top > r.n ?
						  r.n : (size_t)c->top, -1);
		if (c->limit >= 0)
			status = gate(&r, c->limit, c->have_match ? &c->match : NULL,
				      !c->report, c->fmt, &o, in->quiet);
		if (fold_out_close(&o) != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
		diff_report_free(&r);
	} else if (fold_write(&prof, out.fd) != 0) {
		fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
	}
	fg_out_commit(&out);
	if (c->have_match)
		regfree(&c->match);
	fold_profile_free(&prof);
	return status;
}

int main(int argc, char **argv)
{
	struct fg_input in;
	struct diff_cmd c;

	fg_setprog(argv[0]);
	fg_input_init(&in, NULL, options, usage);
	/* Each side is one input: a program cannot stand among them. */
	in.no_arguments = 1;
	parse(&c, &in, argc, argv);
	fg_input_ready(&in);
	return diff_run(&c, &in);
}

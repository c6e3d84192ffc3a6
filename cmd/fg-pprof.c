/*
 * fg-pprof - any profile to a pprof profile (gzipped profile.proto), for
 * go tool pprof, Parca, Pyroscope and every other pprof reader.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/pprof/pprof.h"
#include "cmd/util.h"


static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-pprof [-o FILE] [--type=TYPE/UNIT[,TYPE/UNIT]] [--period=N]\n"
"                [OPTIONS] [FILE...]\n"
"\n"
"Write a profile (files, or stdin; any format fg-collapse reads, told from\n"
"its content; gzip is detected) as a gzipped pprof profile.proto: one\n"
"function and location per frame name, one sample per stack.  Two-count\n"
"(\"before after\") input gives two values per sample.\n"
"\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"  -t, --type=TYPE/UNIT  what a count is (default: what the input counts,\n"
"                        e.g. cpu/nanoseconds from a Go profile, else\n"
"                        samples/count; for two counts before/count,\n"
"                        after/count, or TYPE_before and TYPE_after from\n"
"                        one TYPE/UNIT)\n"
"      --period=N        the profile's period (e.g. 10000000 for 100 Hz in\n"
"                        nanoseconds); its type is the first sample type\n"
"      --max-line=SIZE   longest input line (default 64M)\n"
"  -v, --verbose         say which format each input is\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

enum { OPT_PERIOD = 256 };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "period", required_argument, NULL, OPT_PERIOD },
	FG_COMMON_OPTIONS,
};

/* "TYPE/UNIT" with both parts non-empty and no second '/'. */
static int valid_type(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);

	return slash != NULL && slash > s && slash < s + n - 1 &&
	       memchr(slash + 1, '/', (size_t)(s + n - slash - 1)) == NULL;
}

/* What the options say. */
struct pprof_cmd {
	struct pprof_write_opts wo;
	struct fold_read_opts ro;
	const char *output, *type;
	char **inputs;
	int ninputs;
};

static void parse(struct pprof_cmd *c, struct fg_input *in, int argc, char **argv)
{
	int opt;

	memset(c, 0, sizeof(*c));
	c->wo.level = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:t:qvhV", in->longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': c->output = optarg; break;
		case 't': c->type = optarg; break;
		case OPT_PERIOD: {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || v <= 0)
				fg_usage_error("--period: '%s' is not a number "
					       "> 0", optarg);
			c->wo.period = v;
			break;
		}
		default: fg_input_option(in, opt, argv);
		}
	}
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	if (c->output == NULL && isatty(STDOUT_FILENO))
		fg_usage_error("the profile is binary; give -o FILE or "
			       "redirect the output");
	if (c->type != NULL) {
		const char *comma = strchr(c->type, ',');
		size_t n = comma ? (size_t)(comma - c->type) : strlen(c->type);

		if (!valid_type(c->type, n) ||
		    (comma && !valid_type(comma + 1, strlen(comma + 1))))
			fg_usage_error("--type: '%s' is not TYPE/UNIT or "
				       "TYPE/UNIT,TYPE/UNIT", c->type);
	}
}

/*
 * The sample types: --type's, else what the input counts (a pprof's own
 * type, perf's cpu-clock/nanoseconds, ...); for two columns TYPE_before
 * and TYPE_after of one TYPE/UNIT.
 */
static void sample_types(struct pprof_cmd *c, const struct fold_profile *p,
			 char derived[2][2 * FOLD_UNIT_LEN + 16])
{
	const char *type = c->type, *comma, *slash;
	char own[2 * FOLD_UNIT_LEN];

	if (type == NULL && p->unit[p->ncols - 1].unit[0] != '\0') {
		fold_unit_name(&p->unit[p->ncols - 1], own, sizeof(own));
		type = own;
	}
	if (type == NULL)
		return;		/* pprof_write's defaults */
	comma = strchr(type, ',');
	if (comma != NULL && p->ncols == 1)
		fg_usage_error("--type: two types, but the input has "
			       "one count per line");
	if (comma != NULL) {
		snprintf(derived[0], sizeof(derived[0]), "%.*s",
			 (int)(comma - type), type);
		snprintf(derived[1], sizeof(derived[1]), "%s", comma + 1);
	} else if (p->ncols == 2) {
		/* cpu/nanoseconds -> cpu_before/..., cpu_after/... */
		slash = strchr(type, '/');
		snprintf(derived[0], sizeof(derived[0]), "%.*s_before%s",
			 (int)(slash - type), type, slash);
		snprintf(derived[1], sizeof(derived[1]), "%.*s_after%s",
			 (int)(slash - type), type, slash);
	} else {
		snprintf(derived[0], sizeof(derived[0]), "%s", type);
	}
	c->wo.type[0] = derived[0];
	if (p->ncols == 2)
		c->wo.type[1] = derived[1];
}

static int pprof_run(struct pprof_cmd *c, struct fg_input *in)
{
	char derived[2][2 * FOLD_UNIT_LEN + 16];
	struct fold_profile prof;
	struct fg_out out;

	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_input_read(in, &prof, c->inputs, c->ninputs, &c->ro);
	fg_input_done(in);
	sample_types(c, &prof, derived);
	if (fg_input_empty(&prof) && !in->quiet)
		fg_warn("%s: no samples; writing an empty profile", fg_input_what(in));
	if (prof.fractional && !in->quiet)
		fg_warn("fractional counts rounded to integers (pprof values "
			"are integers)");
	fg_out_open(&out, c->output);
	if (pprof_write(&prof, out.fd, &c->wo, &in->d) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", c->output ? c->output : "<stdout>",
		       in->d.err);
	fg_out_commit(&out);
	fold_profile_free(&prof);
	return 0;
}

int main(int argc, char **argv)
{
	struct fg_input in;
	struct pprof_cmd c;

	fg_setprog(argv[0]);
	fg_input_init(&in, NULL, options, usage);
	parse(&c, &in, argc, argv);
	fg_input_ready(&in);
	return pprof_run(&c, &in);
}

/*
 * fg-pprof - folded stacks to a pprof profile (gzipped profile.proto), for
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
"                [--strict] [-q] [FILE...]\n"
"\n"
"Write folded stacks (files, or stdin; gzip is detected) as a gzipped pprof\n"
"profile.proto: one function and location per frame name, one sample per\n"
"stack.  Two-count (\"before after\") input gives two values per sample.\n"
"\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"  -t, --type=TYPE/UNIT  what a count is (default samples/count; for two\n"
"                        counts before/count,after/count, or TYPE_before\n"
"                        and TYPE_after from one TYPE/UNIT)\n"
"      --period=N        the profile's period (e.g. 10000000 for 100 Hz in\n"
"                        nanoseconds); its type is the first sample type\n"
"      --strict          malformed folded lines are errors, not warnings\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

enum { OPT_PERIOD = 256, OPT_STRICT };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "strict", no_argument, NULL, OPT_STRICT },
	FG_COMMON_OPTIONS,
};

/* "TYPE/UNIT" with both parts non-empty and no second '/'. */
static int valid_type(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);

	return slash != NULL && slash > s && slash < s + n - 1 &&
	       memchr(slash + 1, '/', (size_t)(s + n - slash - 1)) == NULL;
}

int main(int argc, char **argv)
{
	struct pprof_write_opts wo = { .level = 1 };
	struct fold_read_opts ro = { 0 };
	const char *output = NULL, *type = NULL;
	char derived[2][256];
	struct fold_profile prof;
	struct fold_diag d;
	struct fg_out out;
	int c, quiet = 0;

	fg_setprog(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 't': type = optarg; break;
		case OPT_PERIOD: {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || v <= 0)
				fg_usage_error("--period: '%s' is not a number "
					       "> 0", optarg);
			wo.period = v;
			break;
		}
		case OPT_STRICT: ro.strict = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts(FG_VERSION_TEXT); return 0;
		default: fg_bad_option(c, argv);
		}
	}
	if (output == NULL && isatty(STDOUT_FILENO))
		fg_usage_error("the profile is binary; give -o FILE or "
			       "redirect the output");
	if (type != NULL) {
		const char *comma = strchr(type, ',');
		size_t n = comma ? (size_t)(comma - type) : strlen(type);

		if (!valid_type(type, n) ||
		    (comma && !valid_type(comma + 1, strlen(comma + 1))))
			fg_usage_error("--type: '%s' is not TYPE/UNIT or "
				       "TYPE/UNIT,TYPE/UNIT", type);
	}
	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_read_folded(&prof, argv + optind, argc - optind, &ro, &d);
	fg_diag_done(&d);
	if (type != NULL) {
		const char *comma = strchr(type, ',');

		if (comma != NULL && prof.ncols == 1)
			fg_usage_error("--type: two types, but the input has "
				       "one count per line");
		if (comma != NULL) {
			snprintf(derived[0], sizeof(derived[0]), "%.*s",
				 (int)(comma - type), type);
			wo.type[0] = derived[0];
			wo.type[1] = comma + 1;
		} else if (prof.ncols == 2) {
			/* cpu/nanoseconds -> cpu_before/..., cpu_after/... */
			const char *slash = strchr(type, '/');

			snprintf(derived[0], sizeof(derived[0]), "%.*s_before%s",
				 (int)(slash - type), type, slash);
			snprintf(derived[1], sizeof(derived[1]), "%.*s_after%s",
				 (int)(slash - type), type, slash);
			wo.type[0] = derived[0];
			wo.type[1] = derived[1];
		} else {
			wo.type[0] = type;
		}
	}
	if (prof.nstacks == 0 && !quiet)
		fg_warn("no stacks in the input; writing an empty profile");
	if (prof.fractional && !quiet)
		fg_warn("fractional counts rounded to integers (pprof values "
			"are integers)");
	fg_out_open(&out, output);
	if (pprof_write(&prof, out.fd, &wo, &d) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
		       d.err);
	fg_out_commit(&out);
	fold_profile_free(&prof);
	return 0;
}

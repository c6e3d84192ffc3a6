/*
 * fg-collapse - convert profiler output to folded stacks.
 *
 *   fg-collapse perf [OPTIONS] [FILE...]     perf script text
 *   fg-collapse folded [OPTIONS] [FILE...]   folded stacks: merge and sort
 *
 * Inputs may be gzip-compressed.
 */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "perf_fold.h"
#include "perf_script.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-collapse perf [OPTIONS] [FILE...]\n"
"       fg-collapse folded [-o FILE] [--strict] [-q] [FILE...]\n"
"\n"
"Fold 'perf script' output (files, or stdin; gzip is detected) into one line\n"
"per distinct stack: \"comm;root;...;leaf COUNT\", sorted, as\n"
"stackcollapse-perf.pl does.  COUNT sums sample periods when perf printed\n"
"them after a time stamp, else counts samples.\n"
"\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --pid             root frame comm-PID\n"
"      --tid             root frame comm-PID/TID\n"
"      --kernel          annotate kernel frames with _[k]\n"
"      --jit             annotate JIT frames (/tmp/perf-PID.map) with _[j]\n"
"      --all             --kernel and --jit\n"
"      --addrs           keep addresses of unknown frames: [dso <addr>]\n"
"      --inline          expand inlined functions (DWARF of the binaries)\n"
"      --context         with --inline: func:file:line\n"
"      --srcline         input made with -F +srcline: append :file:line\n"
"      --event-filter=EV keep samples of event EV only (default: the\n"
"                        first event type seen)\n"
"      --no-comm         no process-name root frame\n"
"      --skip-after=RE   drop frames rootward of the last frame matching\n"
"                        the extended regular expression RE\n"
"      --idle, --no-idle keep (default) or drop kernel idle-loop samples\n"
"      --strict          unrecognized lines are errors, not warnings\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"'fg-collapse folded' reads folded stacks (one or two count columns, any\n"
"order, duplicates summed, blank and '#' lines skipped) and writes them\n"
"merged and sorted.\n");
}

enum {
	OPT_PID = 256, OPT_TID, OPT_KERNEL, OPT_JIT, OPT_ALL, OPT_ADDRS,
	OPT_INLINE, OPT_CONTEXT, OPT_SRCLINE, OPT_EVENT, OPT_NOCOMM, OPT_SKIP,
	OPT_IDLE, OPT_NOIDLE, OPT_STRICT,
};

static const struct option perf_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pid", no_argument, NULL, OPT_PID },
	{ "tid", no_argument, NULL, OPT_TID },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "jit", no_argument, NULL, OPT_JIT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "addrs", no_argument, NULL, OPT_ADDRS },
	{ "inline", no_argument, NULL, OPT_INLINE },
	{ "context", no_argument, NULL, OPT_CONTEXT },
	{ "srcline", no_argument, NULL, OPT_SRCLINE },
	{ "event-filter", required_argument, NULL, OPT_EVENT },
	{ "no-comm", no_argument, NULL, OPT_NOCOMM },
	{ "skip-after", required_argument, NULL, OPT_SKIP },
	{ "idle", no_argument, NULL, OPT_IDLE },
	{ "no-idle", no_argument, NULL, OPT_NOIDLE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int collapse_perf(int argc, char **argv)
{
	struct perf_fold_opts fo = { 0 };
	struct perf_parse_opts po = { 0 };
	const char *output = NULL;
	regex_t skip;
	int c, quiet = 0, i, nfiles;
	struct fold_profile prof;
	struct fold_diag d;
	struct perf_fold *pf;
	struct fg_out out;
	uint64_t headers = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", perf_options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_PID: fo.pid = 1; break;
		case OPT_TID: fo.tid = 1; break;
		case OPT_KERNEL: fo.kernel = 1; break;
		case OPT_JIT: fo.jit = 1; break;
		case OPT_ALL: fo.kernel = fo.jit = 1; break;
		case OPT_ADDRS: fo.addrs = 1; break;
		case OPT_INLINE: fo.inline_frames = 1; break;
		case OPT_CONTEXT: fo.context = 1; break;
		case OPT_SRCLINE: fo.srcline = 1; break;
		case OPT_EVENT:
			if (optarg[0] == '\0')
				fg_usage_error("--event-filter needs an event name");
			fo.event_filter = optarg;
			break;
		case OPT_NOCOMM: fo.no_comm = 1; break;
		case OPT_SKIP: {
			int rc = regcomp(&skip, optarg, REG_EXTENDED | REG_NOSUB);

			if (rc != 0) {
				char msg[256];

				regerror(rc, &skip, msg, sizeof(msg));
				fg_usage_error("--skip-after: %s", msg);
			}
			fo.skip_after = &skip;
			break;
		}
		case OPT_IDLE: fo.no_idle = 0; break;
		case OPT_NOIDLE: fo.no_idle = 1; break;
		case OPT_STRICT: po.strict = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts(FG_VERSION_TEXT); exit(0);
		default: fg_bad_option(c, argv);
		}
	}
	if (fo.context && !fo.inline_frames)
		fg_usage_error("--context needs --inline");
	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	pf = perf_fold_new(&prof, &fo, &d);
	if (pf == NULL)
		fg_die(FG_EXIT_ERR, "%s", d.err);
	nfiles = argc - optind;
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? argv[optind + i] : NULL;
		struct perf_parse_stats st;
		struct fold_input in;
		int rc;

		if (fold_input_open(&in, path, &d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		rc = perf_script_parse(&in, &po, perf_fold_sample, pf, &st, &d);
		fold_input_close(&in);
		if (rc != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		headers += st.samples;
	}
	fg_diag_done(&d);
	if (!quiet && headers > 0 && perf_fold_stats(pf)->samples == 0)
		fg_warn("no samples left%s", fo.event_filter ?
			" (does --event-filter name an event of the input?)" : "");
	fg_out_open(&out, output);
	if (fold_write(&prof, out.fd) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
		       strerror(errno));
	fg_out_commit(&out);
	perf_fold_free(pf);
	fold_profile_free(&prof);
	if (fo.skip_after != NULL)
		regfree(&skip);
	return 0;
}

static const struct option folded_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int collapse_folded(int argc, char **argv)
{
	struct fold_read_opts ro = { 0 };
	const char *output = NULL;
	struct fold_profile prof;
	struct fold_diag d;
	struct fg_out out;
	int c, quiet = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", folded_options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_STRICT: ro.strict = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts(FG_VERSION_TEXT); exit(0);
		default: fg_bad_option(c, argv);
		}
	}
	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_read_folded(&prof, argv + optind, argc - optind, &ro, &d);
	fg_diag_done(&d);
	fg_out_open(&out, output);
	if (fold_write(&prof, out.fd) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
		       strerror(errno));
	fg_out_commit(&out);
	fold_profile_free(&prof);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} formats[] = {
	{ "perf", collapse_perf },
	{ "folded", collapse_folded },
};

int main(int argc, char **argv)
{
	size_t i;

	fg_setprog(argv[0]);
	if (argc < 2)
		fg_usage_error("which input format? (perf, folded)");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		puts(FG_VERSION_TEXT);
		return 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(argv[1], formats[i].name) == 0)
			return formats[i].run(argc - 1, argv + 1);
	fg_usage_error("unknown input format '%s' (known: perf, folded)",
		       argv[1]);
}

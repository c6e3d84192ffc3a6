/*
 * fg-collapse - convert profiler output to folded stacks.
 *
 *   fg-collapse perf [OPTIONS] [FILE...]     perf script text
 *   fg-collapse pprof [OPTIONS] [FILE...]    pprof profile.proto
 *   fg-collapse gperf [OPTIONS] [BINARY] PROFILE   gperftools CPU or heap
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

#include "libfold/input.h"
#include "formats/gperf/gperf_fold.h"
#include "formats/perf/perf_fold.h"
#include "formats/pprof/pprof.h"
#include "formats/perf/perf_script.h"
#include "cmd/util.h"

/* p as folded text to output (stdout if NULL), whole or not at all. */
static void write_folded(const struct fold_profile *p, const char *output)
{
	struct fg_out out;

	fg_out_open(&out, output);
	if (fold_write(p, out.fd) != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
		       strerror(errno));
	fg_out_commit(&out);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-collapse perf [OPTIONS] [FILE...]\n"
"       fg-collapse pprof [OPTIONS] [FILE...]\n"
"       fg-collapse gperf [OPTIONS] [BINARY] [PROFILE]\n"
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
"'fg-collapse pprof' reads pprof profiles (profile.proto, gzipped or not;\n"
"several files are summed) and writes their samples as folded stacks:\n"
"\n"
"      --sample-index=N|NAME  the value to use: an index or a type name\n"
"                        (cpu, samples, alloc_space ...); default as go\n"
"                        tool pprof: the default type, else the last one\n"
"      --no-inline       only the outermost function of each location\n"
"      --lines           func:LINE frames\n"
"      --files           func:FILE frames (with --lines func:FILE:LINE)\n"
"      --addresses       [module+0xOFF] or 0xADDR for frames without a\n"
"                        function, instead of [module] or [unknown]\n"
"      --labels=KEY,...  root frames with each sample's label values\n"
"      --focus=RE        keep samples with a frame matching RE\n"
"      --ignore=RE       drop samples with a frame matching RE\n"
"\n"
"'fg-collapse gperf' reads a gperftools CPU profile (libprofiler) or heap\n"
"profile (tcmalloc), symbolized through the files of its memory map;\n"
"BINARY, if given, stands in for the profiled program's path there:\n"
"\n"
"      --inuse_space     heap: bytes in use (the default)\n"
"      --inuse_objects   heap: objects in use\n"
"      --alloc_space     heap: bytes allocated\n"
"      --alloc_objects   heap: objects allocated\n"
"      --no-inline       one frame per address, no inlined functions\n"
"\n"
"'fg-collapse folded' reads folded stacks (one or two count columns, any\n"
"order, duplicates summed, blank and '#' lines skipped) and writes them\n"
"merged and sorted.\n");
}

enum {
	OPT_PID = 256, OPT_TID, OPT_KERNEL, OPT_JIT, OPT_ALL, OPT_ADDRS,
	OPT_INLINE, OPT_CONTEXT, OPT_SRCLINE, OPT_EVENT, OPT_NOCOMM, OPT_SKIP,
	OPT_IDLE, OPT_NOIDLE, OPT_STRICT, OPT_INDEX, OPT_NOINLINE, OPT_LINES,
	OPT_FILES, OPT_ADDRESSES, OPT_LABELS, OPT_FOCUS, OPT_IGNORE,
	OPT_INUSE_SPACE, OPT_INUSE_OBJECTS, OPT_ALLOC_SPACE, OPT_ALLOC_OBJECTS,
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
	FG_COMMON_OPTIONS,
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
		case OPT_SKIP:
			fg_regcomp(&skip, "--skip-after", optarg);
			fo.skip_after = &skip;
			break;
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
	write_folded(&prof, output);
	perf_fold_free(pf);
	fold_profile_free(&prof);
	if (fo.skip_after != NULL)
		regfree(&skip);
	return 0;
}

static const struct option pprof_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "sample-index", required_argument, NULL, OPT_INDEX },
	{ "no-inline", no_argument, NULL, OPT_NOINLINE },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "files", no_argument, NULL, OPT_FILES },
	{ "addresses", no_argument, NULL, OPT_ADDRESSES },
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	FG_COMMON_OPTIONS,
};

/* A profile.proto is decoded whole; this bounds the memory that takes. */
#define PPROF_MAX_BYTES ((size_t)2 << 30)

static int collapse_pprof(int argc, char **argv)
{
	struct pprof_read_opts po = { 0 };
	const char *output = NULL;
	char *labels = NULL, **keys = NULL;
	regex_t focus, ignore;
	int c, quiet = 0, i, nfiles;
	struct fold_profile prof;
	struct fold_diag d;
	char first_type[128] = "";

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", pprof_options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_INDEX:
			if (optarg[0] == '\0')
				fg_usage_error("--sample-index needs an index or a name");
			po.sample_index = optarg;
			break;
		case OPT_NOINLINE: po.no_inline = 1; break;
		case OPT_LINES: po.lines = 1; break;
		case OPT_FILES: po.files = 1; break;
		case OPT_ADDRESSES: po.addresses = 1; break;
		case OPT_LABELS: labels = optarg; break;
		case OPT_FOCUS:
			fg_regcomp(&focus, "--focus", optarg);
			po.focus = &focus;
			break;
		case OPT_IGNORE:
			fg_regcomp(&ignore, "--ignore", optarg);
			po.ignore = &ignore;
			break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts(FG_VERSION_TEXT); exit(0);
		default: fg_bad_option(c, argv);
		}
	}
	if (labels != NULL) {
		char *k, *save = NULL;

		keys = calloc(strlen(labels) / 2 + 2, sizeof(*keys));
		if (keys == NULL)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		for (k = strtok_r(labels, ",", &save); k != NULL;
		     k = strtok_r(NULL, ",", &save))
			keys[po.nlabels++] = k;
		if (po.nlabels == 0)
			fg_usage_error("--labels needs at least one key");
		po.labels = keys;
	}
	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	nfiles = argc - optind;
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? argv[optind + i] : NULL;
		struct pprof_read_stats st;
		char *data;
		size_t len;

		if (fold_slurp(path, PPROF_MAX_BYTES, &data, &len, &d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		if (pprof_fold(&prof, 0, data, len, path ? path : "<stdin>",
			       &po, &st, &d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		free(data);
		/* Summing cpu time of one file with bytes of another is
		   meaningless; say so, but go on (the user may mean it). */
		if (i == 0)
			snprintf(first_type, sizeof(first_type), "%s", st.type);
		else if (strcmp(first_type, st.type) != 0 && !quiet)
			fg_warn("%s: sample type %s differs from %s of the "
				"first file", path, st.type, first_type);
	}
	fg_diag_done(&d);
	write_folded(&prof, output);
	fold_profile_free(&prof);
	free(keys);
	if (po.focus != NULL)
		regfree(&focus);
	if (po.ignore != NULL)
		regfree(&ignore);
	return 0;
}

static const struct option gperf_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "inuse_space", no_argument, NULL, OPT_INUSE_SPACE },
	{ "inuse_objects", no_argument, NULL, OPT_INUSE_OBJECTS },
	{ "alloc_space", no_argument, NULL, OPT_ALLOC_SPACE },
	{ "alloc_objects", no_argument, NULL, OPT_ALLOC_OBJECTS },
	{ "no-inline", no_argument, NULL, OPT_NOINLINE },
	FG_COMMON_OPTIONS,
};

/* Profiles are read whole (the CPU format ends with the maps). */
#define GPERF_MAX_BYTES ((size_t)4 << 30)

static int is_elf(const char *path)
{
	char magic[4];
	FILE *f = fopen(path, "rb");
	int elf = f != NULL && fread(magic, 1, 4, f) == 4 &&
		  memcmp(magic, "\177ELF", 4) == 0;

	if (f != NULL)
		fclose(f);
	return elf;
}

static int collapse_gperf(int argc, char **argv)
{
	struct gperf_fold_opts go = { 0 };
	struct gperf_fold_stats st;
	const char *output = NULL, *path = NULL, *name;
	struct fold_profile prof;
	struct fold_diag d;
	int c, quiet = 0;
	char *data;
	size_t len;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", gperf_options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_INUSE_SPACE: go.value = GPERF_INUSE_SPACE; break;
		case OPT_INUSE_OBJECTS: go.value = GPERF_INUSE_OBJECTS; break;
		case OPT_ALLOC_SPACE: go.value = GPERF_ALLOC_SPACE; break;
		case OPT_ALLOC_OBJECTS: go.value = GPERF_ALLOC_OBJECTS; break;
		case OPT_NOINLINE: go.no_inline = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts(FG_VERSION_TEXT); exit(0);
		default: fg_bad_option(c, argv);
		}
	}
	switch (argc - optind) {
	case 0: break;
	case 1:
		/* One argument: the program (the profile on stdin) or the
		   profile, told apart by the ELF magic. */
		if (is_elf(argv[optind]))
			go.binary = argv[optind];
		else
			path = argv[optind];
		break;
	case 2: go.binary = argv[optind]; path = argv[optind + 1]; break;
	default: fg_usage_error("gperf takes [BINARY] PROFILE");
	}
	name = path != NULL && strcmp(path, "-") != 0 ? path : "<stdin>";
	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	if (fold_slurp(path, GPERF_MAX_BYTES, &data, &len, &d) != 0)
		fg_die(FG_EXIT_ERR, "%s", d.err);
	if (gperf_fold(&prof, data, len, name, &go, &st, &d) != 0)
		fg_die(FG_EXIT_ERR, "%s", d.err);
	free(data);
	fg_diag_done(&d);
	if (!quiet && go.value != GPERF_INUSE_SPACE && !st.heap)
		fg_warn("%s: a CPU profile; the heap value options do not "
			"apply", name);
	write_folded(&prof, output);
	fold_profile_free(&prof);
	return 0;
}

static const struct option folded_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	FG_COMMON_OPTIONS,
};

static int collapse_folded(int argc, char **argv)
{
	struct fold_read_opts ro = { 0 };
	const char *output = NULL;
	struct fold_profile prof;
	struct fold_diag d;
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
	write_folded(&prof, output);
	fold_profile_free(&prof);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} formats[] = {
	{ "perf", collapse_perf },
	{ "pprof", collapse_pprof },
	{ "gperf", collapse_gperf },
	{ "folded", collapse_folded },
};

int main(int argc, char **argv)
{
	size_t i;

	fg_setprog(argv[0]);
	if (argc < 2)
		fg_usage_error("which input format? (perf, pprof, gperf, folded)");
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
	fg_usage_error("unknown input format '%s' (known: perf, pprof, gperf, folded)",
		       argv[1]);
}

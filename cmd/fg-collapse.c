/*
 * fg-collapse - profiler output to folded stacks.
 *
 *   fg-collapse [auto] [OPTIONS] [FILE...]     any format, told by content
 *   fg-collapse FORMAT [OPTIONS] [FILE...]     perf, pprof, gperf, folded
 *
 * The formats are formats/readers.c's; inputs may be gzip-compressed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/util.h"


static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-collapse [auto] [OPTIONS] [FILE...]\n"
"       fg-collapse FORMAT [OPTIONS] [FILE...]\n"
"       fg-collapse gperf [OPTIONS] [BINARY] [PROFILE]\n"
"\n"
"Fold profiler output (files, or stdin; gzip is detected) into folded\n"
"stacks, one line per distinct stack, \"root;...;leaf COUNT\", sorted.\n"
"The format of each input is told from its content, or named:\n"
"\n"
"  perf     perf script output (and fg-record's), as stackcollapse-perf.pl\n"
"           folds it: COUNT sums sample periods where perf printed them\n"
"  pprof    pprof profile.proto, gzipped or not (go tool pprof -traces)\n"
"  gperf    gperftools CPU or heap profile, symbolized through the files\n"
"           of its memory map; BINARY stands in for the profiled program\n"
"  jstack   Java thread dumps (stackcollapse-jstack.pl)\n"
"  java-exceptions  Java exception stack traces in logs\n"
"  go       go tool pprof -raw text (stackcollapse-go.pl)\n"
"  faulthandler  Python faulthandler dumps\n"
"  chrome-tracing  Chrome trace-event JSON (clang -ftime-trace, V8, node)\n"
"  perf-sched  off-CPU time from perf script's sched_switch and\n"
"           sched_stat_* events (only when named)\n"
"  folded   folded stacks: merged and sorted\n"
"  dtrace, stap, bpftrace, gdb, elfutils, sample, vtune, vsprof, recursive\n"
"           the inputs of FlameGraph's stackcollapse-* scripts (recursive:\n"
"           folded stacks with direct recursion merged; named, not detected)\n"
"  auto     tell each input's format from its content (the default)\n"
"\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --max-line=SIZE   longest input line (default 64M)\n"
"  -v, --verbose         say which format each input is\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	FG_COMMON_OPTIONS,
};

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

/*
 * The format word, if argv[1] is one: a reader's name or "auto".  A file
 * (or an option) there means auto; anything else is a mistyped format.
 */
static int format_word(int argc, char **argv, const struct fold_reader **only)
{
	struct stat st;
	size_t i;

	*only = NULL;
	if (argc < 2)
		fg_usage_error("which input format? (perf, pprof, gperf, folded "
			       "or auto; auto reads stdin too)");
	if (strcmp(argv[1], "auto") == 0)
		return 1;
	if ((*only = readers_find(argv[1])) != NULL)
		return 1;
	/* A format is a word: a path (or a file mistyped) is read as one. */
	if (argv[1][0] == '-' || stat(argv[1], &st) == 0 ||
	    strspn(argv[1], "abcdefghijklmnopqrstuvwxyz") != strlen(argv[1]))
		return 0;
	{
		char known[1024];
		size_t k = 0;

		/* (k stops at the end: a longer list is cut, never overrun) */
		for (i = 0; readers[i] != NULL && k < sizeof(known) - 1; i++)
			k += (size_t)snprintf(known + k, sizeof(known) - k, "%s, ",
					      readers[i]->name);
		fg_usage_error("unknown input format '%s' (known: %sauto)",
			       argv[1], known);
	}
}

int main(int argc, char **argv)
{
	struct fold_read_opts ro = { 0 };
	const struct fold_reader *only;
	struct fg_input in;
	struct fold_profile prof;
	const char *output = NULL;
	int c, shift;

	fg_setprog(argv[0]);
	shift = format_word(argc, argv, &only);
	argc -= shift;
	argv += shift;
	fg_input_init(&in, only, options, usage);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qvhV", in.longopts, NULL)) != -1) {
		if (c == 'o')
			output = optarg;
		else
			fg_input_option(&in, c, argv);
	}
	fg_input_ready(&in);
	if (only == NULL && optind < argc && readers_find(argv[optind]) != NULL &&
	    access(argv[optind], F_OK) != 0)
		fg_usage_error("the format comes first: fg-collapse %s [OPTIONS] "
			       "[FILE...]", argv[optind]);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_input_read(&in, &prof, argv + optind, argc - optind, &ro);
	fg_input_done(&in);
	fg_input_warn_empty(&in, &prof);
	write_folded(&prof, output);
	fold_profile_free(&prof);
	return 0;
}

/*
 * fg-dot - the call graph of a profile, as go tool pprof -dot draws it:
 * Graphviz dot text, or SVG, PNG or PDF rendered by Graphviz's libraries.
 *
 *   fg-dot [OPTIONS] [FILE...] > graph.dot
 *   fg-dot [OPTIONS] -o graph.svg [FILE...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/graphcmd.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-dot [-T dot|svg|png|pdf] [-o FILE] [OPTIONS] [FILE...]\n"
"\n"
"Draw the call graph of a profile in any format fg-collapse reads (told\n"
"from its content; stdin when no FILE) as go tool pprof -dot does: one box\n"
"per function with its flat and cum values (font size by flat, colour by\n"
"cum), one arrow per call with its weight; dotted arrows go over functions\n"
"that were dropped.  As pprof, it keeps the 80 most important functions,\n"
"drops those under the node fraction and calls under the edge fraction.\n"
"Writes dot text, or with -o FILE.svg, .png or .pdf (or -T) the drawing,\n"
"laid out by Graphviz's libraries: no dot program needed.\n"
"\n"
GRAPH_HELP
"  -T, --type=FMT        dot (text), svg, png or pdf (default: from the\n"
"                        name given to -o, else dot)\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --max-line=SIZE   longest input line (default 64M)\n"
"  -v, --verbose         say which format each input is\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

static const struct option options[] = {
	GRAPH_OPTIONS,
	{ "type", required_argument, NULL, 'T' },
	FG_COMMON_OPTIONS,
};

static const char *const types[] = { "dot", "svg", "png", "pdf" };

static const char *type_find(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(s, types[i]) == 0)
			return types[i];
	return NULL;
}

/* The type an output name asks for: its extension, which must be known. */
static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.'), *t;

	if (strcmp(path, "-") == 0)
		return "dot";
	if (dot == NULL || strchr(dot, '/') != NULL)
		fg_usage_error("-o %s: no extension to tell the format by "
			       "(.dot, .svg, .png or .pdf; or give -T)", path);
	t = type_find(dot + 1);
	if (t == NULL && strcasecmp(dot + 1, "gv") == 0)
		t = "dot";
	if (t == NULL)
		fg_usage_error("-o %s: unknown format '%s' (.dot, .svg, .png or "
			       ".pdf; or give -T)", path, dot + 1);
	return t;
}

/* The dot text, written to memory (a memfd) for Graphviz to read. */
static char *dot_text(const struct cg_report *r)
{
	struct fold_out o;
	struct stat st;
	char *text, *map;
	int fd = memfd_create("fg-dot", MFD_CLOEXEC);

	if (fd < 0 || fold_out_init(&o, fd, 1 << 16) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	cg_dot_write(&o, r);
	if (fold_out_close(&o) != 0 || fstat(fd, &st) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	text = malloc((size_t)st.st_size + 1);
	map = mmap(NULL, (size_t)st.st_size + 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == NULL || map == MAP_FAILED)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	memcpy(text, map, (size_t)st.st_size);
	text[st.st_size] = '\0';
	munmap(map, (size_t)st.st_size + 1);
	close(fd);
	return text;
}

/* -T FMT, fg-dot's own option. */
static int own_option(void *arg, int opt, const char *val)
{
	const char **type = arg;

	if (opt != 'T')
		return 0;
	*type = type_find(val);
	if (*type == NULL)
		fg_usage_error("-T: '%s' is not dot, svg, png or pdf", val);
	return 1;
}

int main(int argc, char **argv)
{
	struct fg_input in;
	struct graph_cmd c;
	struct fold_profile prof;
	struct cg_report r;
	struct fg_out out;
	const char *output, *type = NULL, *errpath;
	int empty;

	fg_setprog(argv[0]);
	fg_input_init(&in, NULL, options, usage);
	graph_cmd_init(&c);
	graph_cmd_parse(&c, &in, argc, argv, "T:", own_option, &type);
	output = c.output;
	if (type == NULL)
		type = output ? type_of(output) : "dot";
	errpath = output ? output : "<stdout>";
	if (strcmp(type, "dot") != 0 && (output == NULL || strcmp(output, "-") == 0) &&
	    isatty(STDOUT_FILENO))
		fg_usage_error("-T %s: not writing %s to a terminal; use -o FILE "
			       "or redirect", type, type);

	/* As pprof's -dot: the 80 most important nodes, in entropy order. */
	empty = graph_cmd_report(&c, &in, &prof, &r, 80, 1);
	fg_out_open(&out, output);
	if (strcmp(type, "dot") == 0) {
		struct fold_out o;

		if (fold_out_init(&o, out.fd, 1 << 16) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		cg_dot_write(&o, &r);
		if (fold_out_close(&o) != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
	} else {
		char *text = dot_text(&r), err[512];

		if (cg_dot_render(text, type, out.fd, err, sizeof(err)) != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", errpath, err);
		free(text);
	}
	fg_out_commit(&out);
	if (empty)
		fg_die(FG_EXIT_USAGE, "%s", r.empty);
	graph_cmd_free(&c, &prof, &r);
	return 0;
}

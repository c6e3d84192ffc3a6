/*
 * flamecmd.c - fg-svg and fg-icicle: profiles to a flame graph or an icicle
 * chart, as SVG (interactive), PNG or PDF.  The two commands are this one
 * with different defaults: options are parsed into a struct flame_cmd,
 * then flame_run() reads, lays out and writes.
 */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd/flamecmd.h"
#include "cmd/util.h"
#include "formats/flame/flame_cairo.h"
#include "formats/flame/svg_flame.h"
#include "libfold/out.h"

/* Which command this is, for the help text's defaults. */
static int run_icicle;

static void usage_of(FILE *f, int icicle)
{
	fprintf(f,
"usage: %s [OPTIONS] [FILE...]\n"
"\n"
"Draw profiles (files merged, or stdin; gzip is detected) as %s,\n"
"laid out and coloured as flamegraph.pl does.  Any format fg-collapse\n"
"reads is taken, told from its content: folded stacks, perf script, pprof,\n"
"gperftools.  Two-count lines (fg-diff output) make a differential graph:\n"
"red grew, blue shrank.  Counts show in their unit (3.28s, 512.01kB) when\n"
"the input says what it counts.\n"
"\n"
"  -o, --output=FILE      write to FILE (replaced only when complete)\n"
"  -f, --format=FMT       svg (default), png or pdf; else from -o's suffix\n"
"      --title=TEXT       default \"%s\"\n"
"      --subtitle=TEXT    second title line\n"
"      --width=PX         image width (1200)\n"
"      --height=PX        frame height (16)\n"
"      --minwidth=PX|P%%   omit frames narrower than PX (0.1) or P%% of all\n"
"      --fonttype=FONTS   font-family list (" FLAME_FONT ")\n"
"      --fontsize=PX      font size (12)\n"
"      --fontwidth=F      average glyph width / font size (0.59)\n"
"      --countname=TEXT   count unit (samples; the input's unit if it has one)\n"
"      --nametype=TEXT    details prefix (Function:)\n"
"      --colors=PALETTE   hot (default) mem io wakeup chain java js perl\n"
"                         python rust red green blue aqua yellow purple orange\n"
"      --bgcolors=COLOR   yellow blue green grey, or #rrggbb\n"
"      --hash             colour by name hash (stable across graphs)\n"
"      --random           random colours\n"
"      --cp               consistent colours through ./palette.map\n"
"      --reverse          reverse each stack (merge on leaves)\n"
"      --inverted         icicle: root at the top%s\n"
"      --flamedown        root at the bottom\n"
"      --flamechart       keep input order (time-ordered stacks)\n"
"      --sort=name|weight siblings by name (default) or heaviest first\n"
"      --base=REGEX       re-root each stack at its first frame matching REGEX\n"
"                         (extended regular expression); others are dropped\n"
"      --negate           swap red and blue in differentials\n"
"      --diff-color=self|total  colour by a frame's own change (default) or\n"
"                         by the change of everything under it\n"
"      --diff-width=before|after|max  widths of a differential from the\n"
"                         before or after counts (default after), or the\n"
"                         larger of the two, so vanished stacks show too\n"
"      --total=N          width reference when larger than the sum\n"
"      --factor=F         multiply displayed counts by F\n"
"      --notes=TEXT       put TEXT in an XML comment\n"
"      --nameattr=FILE    extra SVG attributes: FUNC<TAB>key=value...\n"
"      --encoding=ENC     XML encoding declaration\n"
"      --no-javascript    static SVG, no script\n"
"      --dom-frames=N     with the script, at most N frames as SVG elements\n"
"                         (the widest; 5000); the rest are drawn on zoom.\n"
"                         0: all\n"
"      --search-color=C   fill of search matches (rgb(230,0,230))\n"
"      --stroke-color=C   outline frames in colour C\n"
"      --truncate-text-right  cut long labels at the end (default)\n"
"      --truncate-text-left   cut long labels at the start\n"
"      --max-line=SIZE    longest input line (default 64M)\n"
"  -v, --verbose          say which format each input is\n"
"  -q, --quiet            no warnings\n"
"  -h, --help             this help\n"
"  -V, --version          print the version\n",
		fg_prog(), icicle ? "an icicle chart (root on top)" : "a flame graph",
		icicle ? "Icicle Graph" : "Flame Graph",
		icicle ? " (default)" : "");
}

static void usage(FILE *f)
{
	usage_of(f, run_icicle);
}

enum {
	OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_MINWIDTH,
	OPT_FONTTYPE, OPT_FONTSIZE, OPT_FONTWIDTH, OPT_COUNTNAME, OPT_NAMETYPE,
	OPT_COLORS, OPT_BGCOLORS, OPT_HASH, OPT_RANDOM, OPT_CP, OPT_REVERSE,
	OPT_INVERTED, OPT_FLAMEDOWN, OPT_FLAMECHART, OPT_SORT, OPT_BASE,
	OPT_NEGATE, OPT_DIFFCOLOR, OPT_DIFFWIDTH, OPT_TOTAL, OPT_FACTOR, OPT_NOTES,
	OPT_NAMEATTR, OPT_ENCODING, OPT_NOJS, OPT_SEARCHCOLOR, OPT_STROKECOLOR,
	OPT_TRUNCRIGHT, OPT_TRUNCLEFT, OPT_DOMFRAMES,
};

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
	{ "fonttype", required_argument, NULL, OPT_FONTTYPE },
	{ "fontsize", required_argument, NULL, OPT_FONTSIZE },
	{ "fontwidth", required_argument, NULL, OPT_FONTWIDTH },
	{ "countname", required_argument, NULL, OPT_COUNTNAME },
	{ "nametype", required_argument, NULL, OPT_NAMETYPE },
	{ "colors", required_argument, NULL, OPT_COLORS },
	{ "bgcolors", required_argument, NULL, OPT_BGCOLORS },
	{ "hash", no_argument, NULL, OPT_HASH },
	{ "random", no_argument, NULL, OPT_RANDOM },
	{ "cp", no_argument, NULL, OPT_CP },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "flamedown", no_argument, NULL, OPT_FLAMEDOWN },
	{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "negate", no_argument, NULL, OPT_NEGATE },
	{ "diff-color", required_argument, NULL, OPT_DIFFCOLOR },
	{ "diff-width", required_argument, NULL, OPT_DIFFWIDTH },
	{ "total", required_argument, NULL, OPT_TOTAL },
	{ "factor", required_argument, NULL, OPT_FACTOR },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "nameattr", required_argument, NULL, OPT_NAMEATTR },
	{ "encoding", required_argument, NULL, OPT_ENCODING },
	{ "no-javascript", no_argument, NULL, OPT_NOJS },
	{ "dom-frames", required_argument, NULL, OPT_DOMFRAMES },
	{ "search-color", required_argument, NULL, OPT_SEARCHCOLOR },
	{ "stroke-color", required_argument, NULL, OPT_STROKECOLOR },
	{ "truncate-text-right", no_argument, NULL, OPT_TRUNCRIGHT },
	{ "truncate-text-left", no_argument, NULL, OPT_TRUNCLEFT },
	FG_COMMON_OPTIONS,
};

/* Everything the options say, before any input is read. */
struct flame_cmd {
	struct flame_opts fo;
	struct svg_opts so;
	struct fold_read_opts ro;
	struct fold_tree_opts to;
	const char *output, *title, *bg, *nameattr;
	enum flame_format format;
	int have_format, reverse, flamechart, cp, have_base, diffwidth;
	int plain;		/* --countname or --factor: plain counts */
	regex_t base;
	char **inputs;
	int ninputs;
};

/* A number > 0 (>= 0 with zero_ok), or a usage error naming the option. */
static double number(const char *opt, const char *s, int zero_ok)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v == v) ||
	    v > 1e12 || (zero_ok ? v < 0 : v <= 0))
		fg_usage_error("--%s: '%s' is not a %s number", opt, s,
			       zero_ok ? "non-negative" : "positive");
	return v;
}

/* A colour for CSS: letters, digits, '#', '(', ')', ',', '.', '%', ' '. */
static const char *css_colour(const char *opt, const char *s)
{
	if (s[0] == '\0' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789#(),.% ") != strlen(s))
		fg_usage_error("--%s: '%s' is not a colour", opt, s);
	return s;
}

/* The format named s; -1 if none. */
static int format_named(const char *s)
{
	if (strcasecmp(s, "svg") == 0)
		return FLAME_SVG;
	if (strcasecmp(s, "png") == 0)
		return FLAME_PNG;
	if (strcasecmp(s, "pdf") == 0)
		return FLAME_PDF;
	return -1;
}

/*
 * The format an output file's suffix asks for; SVG for a name without one.
 * A suffix that is none of them is refused: "out.jpg" written as SVG
 * would not be what its name says.
 */
static enum flame_format format_of_path(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	int f;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base || strcmp(path, "-") == 0)
		return FLAME_SVG;
	f = format_named(dot + 1);
	if (f < 0)
		fg_usage_error("-o %s: unknown format '%s' (.svg, .png or .pdf; "
			       "or give --format)", path, dot + 1);
	return (enum flame_format)f;
}

/* Replace *p by the result of a libfold transform of it. */
static void transform(struct fold_profile *p, int reverse,
		      const unsigned char *is_base)
{
	struct fold_profile q;
	int rc;

	if (fold_profile_init(&q, p->ncols) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	rc = reverse ? fold_reverse(&q, p) : fold_reroot(&q, p, is_base);
	if (rc != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fold_profile_free(p);
	*p = q;
}

static void reroot(struct fold_profile *p, const regex_t *re)
{
	unsigned char *is_base = calloc(p->names.n ? p->names.n : 1, 1);
	size_t i;

	if (is_base == NULL)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	for (i = 0; i < p->names.n; i++)
		is_base[i] = regexec(re, fold_name(&p->names, (fold_id)i), 0,
				     NULL, 0) == 0;
	transform(p, 0, is_base);
	free(is_base);
}

static void parse(struct flame_cmd *c, struct fg_input *in, int icicle,
		  int argc, char **argv)
{
	int opt;

	memset(c, 0, sizeof(*c));
	flame_opts_default(&c->fo);
	c->fo.inverted = icicle;
	c->so.countname = "samples";
	c->so.nametype = "Function:";
	c->so.fonttype = FLAME_FONT;
	c->so.search_color = "rgb(230,0,230)";
	c->so.javascript = 1;
	c->so.dom_frames = SVG_DOM_FRAMES;
	c->to.order = FOLD_ORDER_NAME;
	c->diffwidth = -1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:f:qvhV", in->longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': c->output = optarg; break;
		case 'f':
			if (format_named(optarg) < 0)
				fg_usage_error("--format: '%s' is not svg, png or pdf", optarg);
			c->format = (enum flame_format)format_named(optarg);
			c->have_format = 1;
			break;
		case OPT_TITLE: c->title = optarg; break;
		case OPT_SUBTITLE: c->so.subtitle = optarg; break;
		case OPT_WIDTH: c->fo.width = number("width", optarg, 0); break;
		case OPT_HEIGHT: c->fo.frameheight = number("height", optarg, 0); break;
		case OPT_MINWIDTH: {
			size_t n = strlen(optarg);

			c->fo.minwidth_pct = n > 0 && optarg[n - 1] == '%';
			if (c->fo.minwidth_pct)
				optarg[n - 1] = '\0';
			c->fo.minwidth = number("minwidth", optarg, 1);
			break;
		}
		case OPT_FONTTYPE:
			/* It goes into the SVG's CSS: a list of names only. */
			if (!flame_font_valid(optarg))
				fg_usage_error("--fonttype: '%s' is not a font-family list "
					       "(names of letters, digits, spaces, '-' and "
					       "'_', or quoted, separated by commas)", optarg);
			c->so.fonttype = optarg;
			break;
		case OPT_FONTSIZE: c->fo.fontsize = number("fontsize", optarg, 0); break;
		case OPT_FONTWIDTH: c->fo.fontwidth = number("fontwidth", optarg, 0); break;
		case OPT_COUNTNAME: c->so.countname = optarg; c->plain = 1; break;
		case OPT_NAMETYPE: c->so.nametype = optarg; break;
		case OPT_COLORS:
			c->fo.palette = flame_palette_find(optarg);
			if (c->fo.palette < 0)
				fg_usage_error("--colors: unknown palette '%s'", optarg);
			break;
		case OPT_BGCOLORS: c->bg = optarg; break;
		case OPT_HASH: c->fo.hash = 1; break;
		case OPT_RANDOM: c->fo.random = 1; break;
		case OPT_CP: c->cp = 1; break;
		case OPT_REVERSE: c->reverse = 1; break;
		case OPT_INVERTED: c->fo.inverted = 1; break;
		case OPT_FLAMEDOWN: c->fo.inverted = 0; break;
		case OPT_FLAMECHART: c->flamechart = 1; break;
		case OPT_SORT:
			if (strcmp(optarg, "name") == 0)
				c->to.order = FOLD_ORDER_NAME;
			else if (strcmp(optarg, "weight") == 0)
				c->to.order = FOLD_ORDER_WEIGHT;
			else
				fg_usage_error("--sort: '%s' is not name or weight", optarg);
			break;
		case OPT_BASE:
			if (c->have_base)
				regfree(&c->base);
			fg_regcomp(&c->base, "base", optarg);
			c->have_base = 1;
			break;
		case OPT_NEGATE: c->fo.negate = 1; break;
		case OPT_DIFFCOLOR:
			if (strcmp(optarg, "self") == 0)
				c->fo.diffcolor = FLAME_DIFF_SELF;
			else if (strcmp(optarg, "total") == 0)
				c->fo.diffcolor = FLAME_DIFF_TOTAL;
			else
				fg_usage_error("--diff-color: '%s' is not self or total", optarg);
			break;
		case OPT_DIFFWIDTH:
			if (strcmp(optarg, "before") == 0)
				c->diffwidth = 0;
			else if (strcmp(optarg, "after") == 0)
				c->diffwidth = 1;
			else if (strcmp(optarg, "max") == 0)
				c->diffwidth = FOLD_COL_MAX;
			else
				fg_usage_error("--diff-width: '%s' is not before, after or max",
					       optarg);
			break;
		case OPT_TOTAL: c->fo.total = number("total", optarg, 0); break;
		case OPT_FACTOR: c->fo.factor = number("factor", optarg, 0); c->plain = 1; break;
		case OPT_NOTES:
			if (strpbrk(optarg, "<>") != NULL)
				fg_usage_error("--notes: the text cannot contain '<' or '>'");
			c->so.notes = optarg;
			break;
		case OPT_NAMEATTR: c->nameattr = optarg; break;
		case OPT_ENCODING:
			if (optarg[0] == '\0' ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789._-") != strlen(optarg))
				fg_usage_error("--encoding: '%s' is not an encoding name", optarg);
			c->so.encoding = optarg;
			break;
		case OPT_NOJS: c->so.javascript = 0; break;
		case OPT_DOMFRAMES: c->so.dom_frames = (size_t)number("dom-frames", optarg, 1); break;
		case OPT_SEARCHCOLOR: c->so.search_color = css_colour("search-color", optarg); break;
		case OPT_STROKECOLOR: c->so.stroke_color = css_colour("stroke-color", optarg); break;
		case OPT_TRUNCRIGHT: c->so.truncate_left = 0; break;
		case OPT_TRUNCLEFT: c->so.truncate_left = 1; break;
		default: fg_input_option(in, opt, argv);
		}
	}
	c->inputs = argv + optind;
	c->ninputs = argc - optind;
	if (!c->have_format && c->output != NULL)
		c->format = format_of_path(c->output);
	if (c->title == NULL)
		c->title = c->flamechart ? "Flame Chart" :
			   c->fo.inverted ? "Icicle Graph" : "Flame Graph";
	c->so.title = c->title;
	c->fo.subtitle = c->so.subtitle != NULL;
	if (c->bg != NULL) {
		if (flame_bgcolors(c->bg, &c->so.bgtop, &c->so.bgbottom) != 0)
			fg_usage_error("--bgcolors: '%s' is not yellow, blue, green, "
				       "grey or #rrggbb", c->bg);
	} else {
		flame_palette_bg(c->fo.palette, &c->so.bgtop, &c->so.bgbottom);
	}
	/* --random is random; everything else is deterministic. */
	c->fo.seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	c->ro.keep_order = c->flamechart;
	if (c->flamechart)
		c->to.order = FOLD_ORDER_INPUT;
}

/*
 * Counts shown in their unit: times and sizes scaled (the unit goes to the
 * writers), other counts named by it; --countname and --factor keep them
 * plain, as flamegraph.pl shows them.
 */
static void show_unit(struct flame_cmd *c, const struct fold_unit *u)
{
	if (c->plain)
		return;
	if (fold_unit_is_scaled(u))
		c->so.unit = u;
	else
		c->so.countname = fold_unit_noun(u);
}

static int flame_run(struct flame_cmd *c, struct fg_input *in)
{
	struct fold_profile prof;
	struct fold_tree tree;
	struct flame_layout lay;
	struct flame_cmap cmap;
	struct svg_nameattr na;
	struct fg_out out;
	const char *errpath = c->output ? c->output : "<stdout>";
	int rc;

	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	fg_input_read(in, &prof, c->inputs, c->ninputs, &c->ro);
	if (c->nameattr != NULL) {
		if (svg_nameattr_init(&na) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		if (svg_nameattr_load(&na, c->nameattr, &in->d) != 0)
			fg_die(FG_EXIT_ERR, "%s", in->d.err);
		c->so.nameattr = &na;
	}
	if (c->cp) {
		if (flame_cmap_init(&cmap) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		if (flame_cmap_load(&cmap, "palette.map", &in->d) != 0)
			fg_die(FG_EXIT_ERR, "%s", in->d.err);
		c->fo.cmap = &cmap;
	}
	if (c->reverse)
		transform(&prof, 1, NULL);
	if (c->have_base) {
		reroot(&prof, &c->base);
		regfree(&c->base);
	}
	c->to.col = prof.ncols - 1;
	if (c->diffwidth >= 0 && prof.ncols == 2)
		c->to.col = c->diffwidth;
	else if (c->diffwidth >= 0 && !in->quiet && prof.nstacks > 0)
		fg_warn("--diff-width: the input has one count per stack; ignored");
	show_unit(c, &prof.unit[c->to.col == FOLD_COL_MAX ? 1 : c->to.col]);
	if (fold_tree_build_opts(&tree, &prof, &c->to) != 0 ||
	    flame_layout(&lay, &tree, c->to.col, &c->fo) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	if (c->fo.total > 0 && c->fo.total < fold_node_total(&tree, 0, c->to.col) &&
	    !in->quiet && c->fo.total >= fold_node_total(&tree, 0, c->to.col) * 0.02)
		fg_warn("--total %.10g is less than the sum of counts (%.10g); "
			"ignored", c->fo.total, fold_node_total(&tree, 0, c->to.col));
	fg_input_done(in);

	fg_out_open(&out, c->output);
	if (lay.n == 0) {
		/* flamegraph.pl's answer to empty input, and status 2. */
		if (c->format == FLAME_SVG)
			rc = svg_flame_write_empty(out.fd, &c->fo, &c->so);
		else
			rc = flame_cairo_write_empty(out.fd, c->format, &c->fo, &c->so);
		if (rc != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
		fg_out_commit(&out);
		fg_die(FG_EXIT_USAGE, "%s: no valid input: no stack counts found",
		       fg_input_what(in));
	}
	if (c->format == FLAME_SVG)
		rc = svg_flame_write(out.fd, &lay, &c->fo, &c->so);
	else
		rc = flame_cairo_write(out.fd, c->format, &lay, &c->fo, &c->so);
	if (rc != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
	fg_out_commit(&out);
	if (c->cp && flame_cmap_save(&cmap, "palette.map", &in->d) != 0)
		fg_die(FG_EXIT_ERR, "%s", in->d.err);
	flame_layout_free(&lay);
	fold_tree_free(&tree);
	fold_profile_free(&prof);
	if (c->cp)
		flame_cmap_free(&cmap);
	if (c->nameattr != NULL)
		svg_nameattr_free(&na);
	return 0;
}

int fg_flame_main(int argc, char **argv, int icicle)
{
	struct fg_input in;
	struct flame_cmd c;

	fg_setprog(argv[0]);
	fg_input_init(&in, NULL, options, usage);
	run_icicle = icicle;
	parse(&c, &in, icicle, argc, argv);
	fg_input_ready(&in);
	return flame_run(&c, &in);
}

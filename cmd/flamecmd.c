/*
 * flamecmd.c - fg-svg and fg-icicle: folded stacks to a flame graph or an
 * icicle chart, as SVG (interactive), PNG or PDF.  The two commands are
 * this one function with different defaults.
 */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "formats/flame/flame_cairo.h"
#include "cmd/flamecmd.h"
#include "formats/flame/svg_flame.h"
#include "cmd/util.h"

static void usage(FILE *f, int icicle)
{
	fprintf(f,
"usage: %s [OPTIONS] [FILE...]\n"
"\n"
"Draw folded stacks (files merged, or stdin; gzip is detected) as %s,\n"
"laid out and coloured as flamegraph.pl does.  Two-count lines (fg-diff\n"
"output) make a differential graph: red grew, blue shrank.\n"
"\n"
"  -o, --output=FILE      write to FILE (replaced only when complete)\n"
"  -f, --format=FMT       svg (default), png or pdf; else from -o's suffix\n"
"      --title=TEXT       default \"%s\"\n"
"      --subtitle=TEXT    second title line\n"
"      --width=PX         image width (1200)\n"
"      --height=PX        frame height (16)\n"
"      --minwidth=PX|P%%   omit frames narrower than PX (0.1) or P%% of all\n"
"      --fonttype=FONT    font family (Verdana)\n"
"      --fontsize=PX      font size (12)\n"
"      --fontwidth=F      average glyph width / font size (0.59)\n"
"      --countname=TEXT   count unit (samples)\n"
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
"      --strict           malformed lines are errors, not warnings\n"
"  -q, --quiet            no warnings\n"
"  -h, --help             this help\n"
"  -V, --version          print the version\n",
		fg_prog(), icicle ? "an icicle chart (root on top)" : "a flame graph",
		icicle ? "Icicle Graph" : "Flame Graph",
		icicle ? " (default)" : "");
}

enum {
	OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_MINWIDTH,
	OPT_FONTTYPE, OPT_FONTSIZE, OPT_FONTWIDTH, OPT_COUNTNAME, OPT_NAMETYPE,
	OPT_COLORS, OPT_BGCOLORS, OPT_HASH, OPT_RANDOM, OPT_CP, OPT_REVERSE,
	OPT_INVERTED, OPT_FLAMEDOWN, OPT_FLAMECHART, OPT_SORT, OPT_BASE,
	OPT_NEGATE, OPT_DIFFCOLOR, OPT_DIFFWIDTH, OPT_TOTAL, OPT_FACTOR, OPT_NOTES,
	OPT_NAMEATTR, OPT_ENCODING, OPT_NOJS, OPT_SEARCHCOLOR, OPT_STROKECOLOR,
	OPT_TRUNCRIGHT, OPT_TRUNCLEFT, OPT_STRICT, OPT_DOMFRAMES,
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
	{ "strict", no_argument, NULL, OPT_STRICT },
	FG_COMMON_OPTIONS,
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

/* The format an output file's suffix asks for; SVG for any other. */
static enum flame_format format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	int f = dot ? format_named(dot + 1) : -1;

	return f < 0 ? FLAME_SVG : (enum flame_format)f;
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

int fg_flame_main(int argc, char **argv, int icicle)
{
	struct flame_opts fo;
	struct svg_opts so = { 0 };
	struct fold_read_opts ro = { 0 };
	struct fold_tree_opts to = { FOLD_ORDER_NAME, 0 };
	struct fold_profile prof;
	struct fold_tree tree;
	struct flame_layout lay;
	struct flame_cmap cmap;
	struct svg_nameattr na;
	struct fold_diag d;
	struct fg_out out;
	const char *output = NULL, *title = NULL, *bg = NULL, *nameattr = NULL;
	const char *errpath;
	enum flame_format format = FLAME_SVG;
	int c, quiet = 0, reverse = 0, flamechart = 0, cp = 0, have_format = 0;
	int have_base = 0, diffwidth = -1, rc;
	regex_t base;

	fg_setprog(argv[0]);
	flame_opts_default(&fo);
	fo.inverted = icicle;
	so.countname = "samples";
	so.nametype = "Function:";
	so.fonttype = "Verdana";
	so.search_color = "rgb(230,0,230)";
	so.javascript = 1;
	so.dom_frames = SVG_DOM_FRAMES;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'f':
			if (format_named(optarg) < 0)
				fg_usage_error("--format: '%s' is not svg, png or pdf", optarg);
			format = (enum flame_format)format_named(optarg);
			have_format = 1;
			break;
		case OPT_TITLE: title = optarg; break;
		case OPT_SUBTITLE: so.subtitle = optarg; break;
		case OPT_WIDTH: fo.width = number("width", optarg, 0); break;
		case OPT_HEIGHT: fo.frameheight = number("height", optarg, 0); break;
		case OPT_MINWIDTH: {
			size_t n = strlen(optarg);

			fo.minwidth_pct = n > 0 && optarg[n - 1] == '%';
			if (fo.minwidth_pct)
				optarg[n - 1] = '\0';
			fo.minwidth = number("minwidth", optarg, 1);
			break;
		}
		case OPT_FONTTYPE: so.fonttype = optarg; break;
		case OPT_FONTSIZE: fo.fontsize = number("fontsize", optarg, 0); break;
		case OPT_FONTWIDTH: fo.fontwidth = number("fontwidth", optarg, 0); break;
		case OPT_COUNTNAME: so.countname = optarg; break;
		case OPT_NAMETYPE: so.nametype = optarg; break;
		case OPT_COLORS:
			fo.palette = flame_palette_find(optarg);
			if (fo.palette < 0)
				fg_usage_error("--colors: unknown palette '%s'", optarg);
			break;
		case OPT_BGCOLORS: bg = optarg; break;
		case OPT_HASH: fo.hash = 1; break;
		case OPT_RANDOM: fo.random = 1; break;
		case OPT_CP: cp = 1; break;
		case OPT_REVERSE: reverse = 1; break;
		case OPT_INVERTED: fo.inverted = 1; break;
		case OPT_FLAMEDOWN: fo.inverted = 0; break;
		case OPT_FLAMECHART: flamechart = 1; break;
		case OPT_SORT:
			if (strcmp(optarg, "name") == 0)
				to.order = FOLD_ORDER_NAME;
			else if (strcmp(optarg, "weight") == 0)
				to.order = FOLD_ORDER_WEIGHT;
			else
				fg_usage_error("--sort: '%s' is not name or weight", optarg);
			break;
		case OPT_BASE:
			if ((rc = regcomp(&base, optarg, REG_EXTENDED | REG_NOSUB)) != 0) {
				char msg[256];

				regerror(rc, &base, msg, sizeof(msg));
				fg_usage_error("--base: %s", msg);
			}
			have_base = 1;
			break;
		case OPT_NEGATE: fo.negate = 1; break;
		case OPT_DIFFCOLOR:
			if (strcmp(optarg, "self") == 0)
				fo.diffcolor = FLAME_DIFF_SELF;
			else if (strcmp(optarg, "total") == 0)
				fo.diffcolor = FLAME_DIFF_TOTAL;
			else
				fg_usage_error("--diff-color: '%s' is not self or total", optarg);
			break;
		case OPT_DIFFWIDTH:
			if (strcmp(optarg, "before") == 0)
				diffwidth = 0;
			else if (strcmp(optarg, "after") == 0)
				diffwidth = 1;
			else if (strcmp(optarg, "max") == 0)
				diffwidth = FOLD_COL_MAX;
			else
				fg_usage_error("--diff-width: '%s' is not before, after or max",
					       optarg);
			break;
		case OPT_TOTAL: fo.total = number("total", optarg, 0); break;
		case OPT_FACTOR: fo.factor = number("factor", optarg, 0); break;
		case OPT_NOTES:
			if (strpbrk(optarg, "<>") != NULL)
				fg_usage_error("--notes: the text cannot contain '<' or '>'");
			so.notes = optarg;
			break;
		case OPT_NAMEATTR: nameattr = optarg; break;
		case OPT_ENCODING:
			if (optarg[0] == '\0' ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789._-") != strlen(optarg))
				fg_usage_error("--encoding: '%s' is not an encoding name", optarg);
			so.encoding = optarg;
			break;
		case OPT_NOJS: so.javascript = 0; break;
		case OPT_DOMFRAMES: so.dom_frames = (size_t)number("dom-frames", optarg, 1); break;
		case OPT_SEARCHCOLOR: so.search_color = css_colour("search-color", optarg); break;
		case OPT_STROKECOLOR: so.stroke_color = css_colour("stroke-color", optarg); break;
		case OPT_TRUNCRIGHT: so.truncate_left = 0; break;
		case OPT_TRUNCLEFT: so.truncate_left = 1; break;
		case OPT_STRICT: ro.strict = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout, icicle); exit(0);
		case 'V': puts(FG_VERSION_TEXT); exit(0);
		default: fg_bad_option(c, argv);
		}
	}
	if (!have_format && output != NULL)
		format = format_of_path(output);
	if (title == NULL)
		title = flamechart ? "Flame Chart" :
			fo.inverted ? "Icicle Graph" : "Flame Graph";
	so.title = title;
	fo.subtitle = so.subtitle != NULL;
	if (bg != NULL) {
		if (flame_bgcolors(bg, &so.bgtop, &so.bgbottom) != 0)
			fg_usage_error("--bgcolors: '%s' is not yellow, blue, green, "
				       "grey or #rrggbb", bg);
	} else {
		flame_palette_bg(fo.palette, &so.bgtop, &so.bgbottom);
	}
	/* --random is random; everything else is deterministic. */
	fo.seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

	fg_diag_init(&d, quiet ? 0 : 20);
	if (fold_profile_init(&prof, 1) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	ro.keep_order = flamechart;
	fg_read_folded(&prof, argv + optind, argc - optind, &ro, &d);
	fg_diag_done(&d);
	if (nameattr != NULL) {
		if (svg_nameattr_init(&na) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		if (svg_nameattr_load(&na, nameattr, &d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		so.nameattr = &na;
	}
	if (cp) {
		if (flame_cmap_init(&cmap) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
		if (flame_cmap_load(&cmap, "palette.map", &d) != 0)
			fg_die(FG_EXIT_ERR, "%s", d.err);
		fo.cmap = &cmap;
	}
	if (reverse)
		transform(&prof, 1, NULL);
	if (have_base) {
		reroot(&prof, &base);
		regfree(&base);
	}
	to.col = prof.ncols - 1;
	if (diffwidth >= 0 && prof.ncols == 2)
		to.col = diffwidth;
	else if (diffwidth >= 0 && !quiet && prof.nstacks > 0)
		fg_warn("--diff-width: the input has one count per stack; ignored");
	if (flamechart)
		to.order = FOLD_ORDER_INPUT;
	if (fold_tree_build_opts(&tree, &prof, &to) != 0 ||
	    flame_layout(&lay, &tree, to.col, &fo) != 0)
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	if (fo.total > 0 && fo.total < fold_node_total(&tree, 0, to.col) && !quiet &&
	    fo.total >= fold_node_total(&tree, 0, to.col) * 0.02)
		fg_warn("--total %.10g is less than the sum of counts (%.10g); "
			"ignored", fo.total, fold_node_total(&tree, 0, to.col));

	errpath = output ? output : "<stdout>";
	fg_out_open(&out, output);
	if (lay.n == 0) {
		/* flamegraph.pl's answer to empty input, and status 2. */
		if (format == FLAME_SVG)
			rc = svg_flame_write_empty(out.fd, &fo, &so);
		else
			rc = flame_cairo_write_empty(out.fd, format, &fo, &so);
		if (rc != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
		fg_out_commit(&out);
		fg_die(FG_EXIT_USAGE, "%s: no valid input: no stack counts found",
		       argc > optind ? argv[optind] : "<stdin>");
	}
	if (format == FLAME_SVG)
		rc = svg_flame_write(out.fd, &lay, &fo, &so);
	else
		rc = flame_cairo_write(out.fd, format, &lay, &fo, &so);
	if (rc != 0)
		fg_die(FG_EXIT_ERR, "%s: %s", errpath, strerror(errno));
	fg_out_commit(&out);
	if (cp && flame_cmap_save(&cmap, "palette.map", &d) != 0)
		fg_die(FG_EXIT_ERR, "%s", d.err);
	flame_layout_free(&lay);
	fold_tree_free(&tree);
	fold_profile_free(&prof);
	if (cp)
		flame_cmap_free(&cmap);
	if (nameattr != NULL)
		svg_nameattr_free(&na);
	return 0;
}

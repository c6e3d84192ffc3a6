/*
 * dot.c - a trimmed call graph as Graphviz dot text, in go tool pprof
 * -dot's layout (google/pprof internal/graph/dotgraph.go): the same
 * legend, labels, font sizes, colours and edge weights, so that a graph
 * drawn from fgkit reads like one drawn from pprof.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/report/callgraph.h"

/* ---------------------------------------------------------------- names */

static int word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

static int upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static size_t run(const char *s, size_t i, size_t n, int dollar)
{
	size_t j = i;

	while (j < n && (word_char((unsigned char)s[j]) || (dollar && s[j] == '$')))
		j++;
	return j - i;
}

/*
 * Go: "(?:[\w\-\.]+/)+([^.]+\..+)": after the longest run of path
 * segments that leaves a "pkg.Func" behind, that rest
 * ("github.com/x/y/pkg.Func" is "pkg.Func").
 */
static int short_go(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t ends[64], k = 0, pos = 0;

	for (;;) {
		size_t j = pos;

		while (j < n && (word_char((unsigned char)s[j]) || s[j] == '-' ||
				 s[j] == '.'))
			j++;
		if (j == pos || j >= n || s[j] != '/' || k == 64)
			break;
		ends[k++] = pos = j + 1;
	}
	while (k-- > 0) {
		const char *r = s + ends[k], *dot;
		size_t rn = n - ends[k];

		if (rn == 0 || r[0] == '.')
			continue;
		dot = memchr(r, '.', rn);
		if (dot != NULL && (size_t)(dot - r) + 1 < rn && dot[1] != '\n') {
			*start = ends[k];
			*end = n;
			return 1;
		}
	}
	return 0;
}

/*
 * Java: "(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*))(?:\(|$)":
 * Class.method without the package and the arguments.
 */
static int short_java(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t pos = 0, j;

	while (pos < n && lower((unsigned char)s[pos])) {
		j = pos + run(s, pos, n, 0);
		if (j >= n || s[j] != '.')
			break;
		pos = j + 1;
	}
	if (pos >= n || !upper((unsigned char)s[pos]))
		return 0;
	j = pos + run(s, pos, n, 1);
	if (j >= n || s[j] != '.')
		return 0;
	j++;
	if (n - j >= 6 && memcmp(s + j, "<init>", 6) == 0)
		j += 6;
	else if (j < n && lower((unsigned char)s[j]))
		j += run(s, j, n, 1);
	else
		return 0;
	if (j < n && s[j] != '(')
		return 0;
	*start = pos;
	*end = j;
	return 1;
}

/*
 * C++: "(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)":
 * Class::method (with its template arguments) without the namespaces.
 */
static int short_cpp(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t ends[64], k = 0, pos = 0, j;

	while (pos < n && (s[pos] == '_' || upper((unsigned char)s[pos]) ||
			   lower((unsigned char)s[pos])) && k < 64) {
		j = pos + run(s, pos, n, 0);
		if (n - j < 2 || s[j] != ':' || s[j + 1] != ':')
			break;
		ends[k++] = pos = j + 2;
	}
	while (k-- > 0) {
		const char *gt;

		j = ends[k];
		while (j < n && s[j] == '_')
			j++;
		if (j >= n || !upper((unsigned char)s[j]))
			continue;
		j += run(s, j, n, 0);
		if (n - j < 2 || s[j] != ':' || s[j + 1] != ':')
			continue;
		j += 2;
		if (j < n && s[j] == '~')
			j++;
		if (j >= n || !(s[j] == '_' || upper((unsigned char)s[j]) ||
				lower((unsigned char)s[j])))
			continue;
		j += run(s, j, n, 0);
		/* Template arguments: up to the last '>' of the line. */
		if (j < n && s[j] == '<') {
			const char *nl = memchr(s + j, '\n', n - j);
			size_t lim = nl ? (size_t)(nl - s) : n;

			gt = memrchr(s + j + 1, '>', lim - j - 1);
			if (gt != NULL)
				j = (size_t)(gt - s) + 1;
		}
		*start = ends[k];
		*end = j;
		return 1;
	}
	return 0;
}

/*
 * pprof's ShortenFunctionName into buf (n + 1 bytes): without C++'s
 * anonymous namespace, Go's module version ("/v2"), and then the package
 * or namespace part of Go, Java or C++ names.  Returns the length.
 */
static size_t shorten(const char *s, size_t n, char *buf)
{
	static const char anon[] = "(anonymous namespace)::";
	size_t i, start, end, len = 0;

	if (n >= sizeof(anon) - 1 && memcmp(s, anon, sizeof(anon) - 1) == 0) {
		s += sizeof(anon) - 1;
		n -= sizeof(anon) - 1;
	}
	/* "^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$": the first version. */
	for (i = 0; i + 3 < n; i++) {
		size_t d = i + 2;

		if (s[i] != '/' || s[i + 1] != 'v' || s[d] < '1' || s[d] > '9')
			continue;
		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d - (i + 2) == 1 && s[i + 2] == '1')
			continue;
		if (d < n && (s[d] == '.' || s[d] == '/') &&
		    !memchr(s + d, '\n', n - d)) {
			memcpy(buf, s, i);
			memcpy(buf + i, s + d, n - d);
			len = n - (d - i);
			break;
		}
	}
	if (len == 0) {
		memcpy(buf, s, n);
		len = n;
	}
	if (short_go(buf, len, &start, &end) || short_java(buf, len, &start, &end) ||
	    short_cpp(buf, len, &start, &end)) {
		memmove(buf, buf + start, end - start);
		len = end - start;
	}
	buf[len] = '\0';
	return len;
}

/* pprof's escapeForDot: backslashes and quotes escaped, newlines \l. */
static void out_escaped(struct fold_out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			fold_out_char(o, '\\');
		if (s[i] == '\n')
			fold_out_str(o, "\\l");
		else
			fold_out_char(o, s[i]);
	}
}

/* A node's name on lines: "main\nmixA\n", "Builder\ngrow\n" (escaped). */
static void out_multiline(struct fold_out *o, const char *s, size_t n)
{
	char *buf = malloc(n + 1);
	size_t i, len;

	if (buf == NULL) {
		o->err = ENOMEM;
		return;
	}
	len = shorten(s, n, buf);
	for (i = 0; i < len; i++) {
		if (len - i >= 2 && memcmp(buf + i, "::", 2) == 0) {
			fold_out_str(o, "\\n");
			i++;
		} else if (len - i >= 5 && memcmp(buf + i, "[...]", 5) == 0) {
			fold_out_str(o, "[\xe2\x80\xa6]");
			i += 4;
		} else if (buf[i] == '.') {
			fold_out_str(o, "\\n");
		} else {
			out_escaped(o, buf + i, 1);
		}
	}
	fold_out_str(o, "\\n");
	free(buf);
}

/* ------------------------------------------------------------- colours */

/*
 * pprof's dotColor: score -1 (green: shrank) through 0 (grey) to 1 (red:
 * grew, or heavy), a dark shade for lines and text or a light one for
 * backgrounds.
 */
static void dot_color(char *buf, double score, int background)
{
	double saturation = background ? 0.1 : 1.0;
	double value = background ? 0.93 : 0.7;
	double r, g, b;

	if (isnan(score))
		score = 0;
	score = fmax(-1.0, fmin(1.0, score));
	if (fabs(score) < 0.2)
		saturation *= fabs(score) / 0.2;
	/* Away from grey: scores near 0 still show their sign. */
	if (score > 0)
		score = pow(score, 0.3);
	if (score < 0)
		score = -pow(-score, 0.3);
	if (score < 0) {
		g = value;
		r = value * (1 + saturation * score);
	} else {
		r = value;
		g = value * (1 - saturation * score);
	}
	b = value * (1 - saturation);
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned)(uint8_t)(r * 255.0),
		 (unsigned)(uint8_t)(g * 255.0), (unsigned)(uint8_t)(b * 255.0));
}

/* ---------------------------------------------------------------- graph */

struct legend {
	struct fold_out *o;
	int n;
};

static void legend_line(void *arg, const char *s, size_t len)
{
	struct legend *l = arg;

	out_escaped(l->o, s, len);
	fold_out_str(l->o, "\\l");
	l->n++;
}

/* The legend box's node name: its first line. */
static void first_line(void *arg, const char *s, size_t len)
{
	struct legend *l = arg;

	if (l->n++ == 0)
		out_escaped(l->o, s, len);
}

static void out_share(struct fold_out *o, const struct cg_report *r, double v)
{
	char buf[FOLD_NUM_BUFSZ];

	fold_out_bytes(o, buf, fold_fmt_share(buf, cg_share(r, v)));
}

static void write_node(struct fold_out *o, const struct cg_report *r, size_t i,
		       double max_flat)
{
	const struct fold_gnode *nd = &r->g.nodes[i];
	const struct fold_names *nm = &r->g.prof->names;
	const char *name = fold_name(nm, nd->name);
	size_t len = fold_name_len(nm, nd->name);
	char flat[FOLD_NUM_BUFSZ], cum[FOLD_NUM_BUFSZ], color[8];
	double score = r->g.total != 0 ? nd->cumv / fabs(r->g.total) : 0;
	int font = 8;

	cg_value(flat, r, nd->flatv);
	fold_out_printf(o, "N%zu [label=\"", i + 1);
	out_multiline(o, name, len);
	if (nd->flatv != 0) {
		fold_out_printf(o, "%s (", flat);
		out_share(o, r, nd->flatv);
		fold_out_char(o, ')');
	} else {
		fold_out_char(o, '0');
	}
	memcpy(cum, flat, sizeof(cum));
	if (nd->cumv != nd->flatv) {
		cg_value(cum, r, nd->cumv);
		fold_out_printf(o, "%sof %s (", nd->flatv != 0 ? "\\n" : " ", cum);
		out_share(o, r, nd->cumv);
		fold_out_char(o, ')');
	}
	/* Font size grows with the square root of flat, 8 to 24. */
	if (max_flat != 0 && nd->flatv != 0 && fabs(nd->flatv) <= max_flat)
		font += (int)ceil(16.0 * sqrt(fabs(nd->flatv) / max_flat));
	fold_out_printf(o, "\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"",
			i + 1, font);
	out_escaped(o, name, len);
	fold_out_printf(o, " (%s)\" color=\"", cum);
	dot_color(color, score, 0);
	fold_out_printf(o, "%s\" fillcolor=\"", color);
	dot_color(color, score, 1);
	fold_out_printf(o, "%s\"]\n", color);
}

static void write_edge(struct fold_out *o, const struct cg_report *r,
		       const struct fold_gedge *e)
{
	const struct fold_names *nm = &r->g.prof->names;
	fold_id from = r->g.nodes[e->src].name, to = r->g.nodes[e->dst].name;
	double total = r->g.total;
	char w[FOLD_NUM_BUFSZ], color[8];
	int k;

	cg_value(w, r, e->wv);
	fold_out_printf(o, "N%u -> N%u [label=\" %s\"", e->src + 1, e->dst + 1, w);
	if (total != 0) {
		/* pprof's integer arithmetic: int(w * 100 / total), capped. */
		double weight = 1 + fmin(fabs(trunc(e->wv * 100 / total)), 100);
		double width = 1 + fmin(fabs(trunc(e->wv * 5 / total)), 5);

		if (weight > 1)
			fold_out_printf(o, " weight=%.0f", weight);
		if (width > 1)
			fold_out_printf(o, " penwidth=%.0f", width);
		dot_color(color, e->wv / fabs(total), 0);
		fold_out_printf(o, " color=\"%s\"", color);
	}
	for (k = 0; k < 2; k++) {
		fold_out_str(o, k ? " labeltooltip=\"" : " tooltip=\"");
		out_escaped(o, fold_name(nm, from), fold_name_len(nm, from));
		fold_out_str(o, e->residual ? " ... " : " -> ");
		out_escaped(o, fold_name(nm, to), fold_name_len(nm, to));
		fold_out_printf(o, " (%s)\"", w);
	}
	if (e->residual)
		fold_out_str(o, " style=\"dotted\"");
	fold_out_str(o, "]\n");
}

void cg_dot_write(struct fold_out *o, const struct cg_report *r)
{
	const char *title = r->title ? r->title : "unnamed";
	struct legend l = { o, 0 };
	double max_flat = 0;
	size_t i;

	fold_out_str(o, "digraph \"");
	out_escaped(o, title, strlen(title));
	fold_out_str(o, "\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n");
	if (r->empty != NULL) {
		/* flamegraph.pl's empty image, as a graph: what is wrong. */
		fold_out_str(o, "subgraph cluster_L { \"No valid input\" "
			     "[shape=box fontsize=16 label=\"");
		out_escaped(o, r->empty, strlen(r->empty));
		fold_out_str(o, "\\l\"] }\n}\n");
		return;
	}
	fold_out_str(o, "subgraph cluster_L { \"");
	cg_labels(r, 1, first_line, &l);
	fold_out_str(o, "\" [shape=box fontsize=16 label=\"");
	cg_labels(r, 1, legend_line, &l);
	fold_out_str(o, "\"");
	if (r->title != NULL) {
		fold_out_str(o, " tooltip=\"");
		out_escaped(o, r->title, strlen(r->title));
		fold_out_str(o, "\"");
	}
	fold_out_str(o, "] }\n");
	for (i = 0; i < r->g.n; i++)
		max_flat = fmax(max_flat, fabs(r->g.nodes[i].flatv));
	for (i = 0; i < r->g.n; i++)
		write_node(o, r, i, max_flat);
	for (i = 0; i < r->g.nedges; i++)
		write_edge(o, r, &r->g.edges[i]);
	fold_out_str(o, "}\n");
}

/* svg_flame.c - the flame graph SVG document. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "libfold/input.h"
#include "formats/flame/svg_flame.h"
#include "libfold/out.h"

/* The interactive script, formats/flame.js, embedded by flame_js.c. */
extern const char svg_flame_js[];

/* v rounded to dec (0 to 3) decimals, as the coordinates are written. */
static double rounded(double v, int dec)
{
	static const double pow10_[] = { 1, 10, 100, 1000 };

	return nearbyint(v * pow10_[dec]) / pow10_[dec];
}

/* Start of the next character (a valid UTF-8 sequence, else one byte). */
static size_t next_char(const char *s, size_t n, size_t i)
{
	size_t k = fold_utf8_char((const unsigned char *)s + i, n - i);

	return i + (k ? k : 1);
}

size_t svg_label(const char *s, size_t n, double w, double fontsize,
		 double fontwidth, int truncate_left, char *buf)
{
	double fit = w / (fontsize * fontwidth);
	size_t chars, count = 0, i, cut;

	if (!(fit >= 3))
		return 0;
	chars = fit > 1e6 ? 1000000 : (size_t)fit;
	n = flame_strip_annotation(s, n);
	for (i = 0; i < n && count <= chars; i = next_char(s, n, i))
		count++;
	if (count <= chars) {
		memcpy(buf, s, n);
		return n;
	}
	if (!truncate_left) {
		for (i = 0, count = 0; count < chars - 2; i = next_char(s, n, i))
			count++;
		memcpy(buf, s, i);
		memcpy(buf + i, "..", 2);
		return i + 2;
	}
	/* Keep the last chars - 2 characters. */
	for (i = 0, count = 0; i < n; i = next_char(s, n, i))
		count++;
	for (i = 0, cut = 0; cut < count - (chars - 2); i = next_char(s, n, i))
		cut++;
	memcpy(buf, "..", 2);
	memcpy(buf + 2, s + i, n - i);
	return n - i + 2;
}

/* ----------------------------------------------------------- nameattr */

int svg_nameattr_init(struct svg_nameattr *na)
{
	memset(na, 0, sizeof(*na));
	fold_arena_init(&na->arena);
	return fold_names_init(&na->names);
}

void svg_nameattr_free(struct svg_nameattr *na)
{
	fold_names_free(&na->names);
	fold_arena_free(&na->arena);
	free(na->attrs);
	memset(na, 0, sizeof(*na));
}

/*
 * --nameattr attributes are written only when they are inert: nothing in
 * them may run script or load anything when the SVG is opened, hovered or
 * clicked (flamegraph.pl writes any, so onmouseover=... ran in the
 * browser, as did a javascript: link).
 */
static int name_is(const char *s, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* data-* with a name XML and the DOM's dataset both take. */
static int data_attr(const char *k, size_t n)
{
	size_t i;

	if (n <= 5 || memcmp(k, "data-", 5) != 0)
		return 0;
	for (i = 5; i < n; i++)
		if (!is_alnum((unsigned char)k[i]) && k[i] != '-' && k[i] != '_' &&
		    k[i] != '.')
			return 0;
	return 1;
}

/*
 * CSS that loads nothing: no function but the colour ones (url() loads,
 * and so do image-set(), src() and whatever CSS adds next), and no
 * backslash, whose escapes could spell "url".
 */
static int style_inert(const char *v, size_t n)
{
	static const char *const fns[] = { "rgb", "rgba", "hsl", "hsla" };
	size_t i, j, f;

	for (i = 0; i < n; i++) {
		if (v[i] == '\\')
			return 0;
		if (v[i] != '(')
			continue;
		for (j = i; j > 0 && (is_alnum((unsigned char)v[j - 1]) ||
				      v[j - 1] == '-' || v[j - 1] == '_'); j--)
			;
		for (f = 0; f < sizeof(fns) / sizeof(fns[0]); f++)
			if (name_is(v + j, i - j, fns[f]))
				break;
		if (f == sizeof(fns) / sizeof(fns[0]))
			return 0;
	}
	return 1;
}

/*
 * A link to an http or https URL, or a relative one (no scheme).  Control
 * bytes and spaces are refused: browsers drop leading ones and tabs and
 * newlines inside, so " javascript:" would still be a script.
 */
static int href_inert(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
			return 0;
	if (!((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
		return 1;	/* a path, "//host", "?q" or "#frag" */
	for (i = 1; i < n && (is_alnum((unsigned char)v[i]) || v[i] == '+' ||
			      v[i] == '-' || v[i] == '.'); i++)
		;
	if (i == n || v[i] != ':')
		return 1;	/* no scheme: relative */
	return name_is(v, i, "http") || name_is(v, i, "https");
}

/*
 * Why attribute k=v is not written, or NULL if it is; *key is the name it
 * is written under ("href" for xlink:href too, which open_frame writes).
 */
static const char *attr_refusal(const char *k, size_t kn, const char *v,
				size_t vn, const char **key, size_t *keylen)
{
	*key = k;
	*keylen = kn;
	if (kn == 10 && memcmp(k, "xlink:href", 10) == 0) {
		*key = "href";
		*keylen = 4;
	}
	if (*keylen == 4 && memcmp(*key, "href", 4) == 0)
		return href_inert(v, vn) ? NULL :
		       "a link must be an http, https or relative URL, without "
		       "spaces or control characters";
	if (kn == 5 && memcmp(k, "style", 5) == 0)
		return style_inert(v, vn) ? NULL :
		       "it may call only rgb(), rgba(), hsl() and hsla() (no url()) "
		       "and hold no backslash";
	if ((kn == 5 && memcmp(k, "class", 5) == 0) ||
	    (kn == 5 && memcmp(k, "title", 5) == 0) ||
	    (kn == 6 && memcmp(k, "target", 6) == 0) || data_attr(k, kn))
		return NULL;
	return "only class, style, target, title, href, xlink:href and data-* "
	       "are written";
}

/* Value of attribute key[0..k) in a "k=v\tk=v" list, or NULL. */
static const char *attr_get(const char *attrs, const char *key, size_t k,
			    size_t *len)
{
	const char *p = attrs;

	while (p && *p) {
		const char *end = strchr(p, '\t');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > k && memcmp(p, key, k) == 0 && p[k] == '=') {
			*len = n - k - 1;
			return p + k + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/*
 * The inert attributes of one line's list (tab-separated k=v items) into
 * out (room for n + 1 bytes), NUL-terminated; a warning for each other.
 */
static void attrs_filter(const char *s, size_t n, char *out, const char *path,
			 unsigned long long lineno, struct fold_diag *d)
{
	size_t i = 0, o = 0, vlen;

	out[0] = '\0';
	while (i < n) {
		const char *item = s + i, *end = memchr(item, '\t', n - i);
		size_t len = end ? (size_t)(end - item) : n - i;
		const char *eq = memchr(item, '=', len), *why, *key;
		size_t klen;
		char shown[64];

		i += len + 1;
		if (len == 0)
			continue;
		if (eq == NULL || eq == item) {
			fold_text_safe(shown, sizeof(shown), item, len);
			fold_diag_warn(d, "--nameattr: %s:%llu: '%s' is not NAME=VALUE; "
				       "ignored", path, lineno, shown);
			continue;
		}
		why = attr_refusal(item, (size_t)(eq - item), eq + 1,
				   len - (size_t)(eq - item) - 1, &key, &klen);
		fold_text_safe(shown, sizeof(shown), item, (size_t)(eq - item));
		if (why != NULL) {
			fold_diag_warn(d, "--nameattr: %s:%llu: attribute '%s' refused: %s",
				       path, lineno, shown, why);
			continue;
		}
		if (attr_get(out, key, klen, &vlen) != NULL) {
			fold_diag_warn(d, "--nameattr: %s:%llu: attribute '%s' given again; "
				       "ignored", path, lineno, shown);
			continue;
		}
		if (o > 0)
			out[o++] = '\t';
		memcpy(out + o, key, klen);
		o += klen;
		memcpy(out + o, eq, len - (size_t)(eq - item));
		o += len - (size_t)(eq - item);
		out[o] = '\0';
	}
}

int svg_nameattr_load(struct svg_nameattr *na, const char *path,
		      struct fold_diag *d)
{
	struct fold_input in;
	struct fold_line ln;
	int r;

	if (fold_input_open(&in, path, d) != 0)
		return -1;
	while ((r = fold_input_line(&in, &ln, d)) > 0) {
		const char *tab = memchr(ln.s, '\t', ln.len);
		size_t rest;
		fold_id id;

		if (ln.len == 0)
			continue;
		if (tab == NULL || tab == ln.s ||
		    memchr(tab, '=', ln.len - (size_t)(tab - ln.s)) == NULL) {
			fold_diag_error(d, "%s:%llu: expected FUNCTION<TAB>NAME=VALUE...",
					path, (unsigned long long)in.lineno);
			r = -1;
			break;
		}
		id = fold_intern(&na->names, ln.s, (size_t)(tab - ln.s));
		if (id == FOLD_NOID)
			goto oom;
		if (fold_grow0(&na->attrs, &na->cap, (size_t)id + 1,
			       sizeof(*na->attrs)) != 0)
			goto oom;
		/* Kept attributes never take more room than they had. */
		rest = ln.len - (size_t)(tab - ln.s) - 1;
		na->attrs[id] = fold_arena_alloc(&na->arena, rest + 1);
		if (na->attrs[id] == NULL)
			goto oom;
		attrs_filter(tab + 1, rest, na->attrs[id], path,
			     (unsigned long long)in.lineno, d);
	}
	fold_input_close(&in);
	return r < 0 ? -1 : 0;
oom:
	fold_diag_error(d, "%s: %s", path, strerror(errno));
	fold_input_close(&in);
	return -1;
}

/* The attributes for a frame: the <g> (or <a>) opening and its title. */
static const char *frame_attrs(const struct svg_opts *so, const char *s,
			       size_t n)
{
	fold_id id;

	if (so->nameattr == NULL)
		return NULL;
	id = fold_names_find(&so->nameattr->names, s, n);
	return id == FOLD_NOID || id >= so->nameattr->cap ? NULL :
							    so->nameattr->attrs[id];
}

/*
 * Open a frame: <g> or, with an href, <a>; the extra attributes (inert
 * ones only, see attr_refusal) escaped.  Returns 1 for <a>.
 */
static int open_frame(struct fold_out *o, const char *attrs, int raw8)
{
	const char *p = attrs;
	int link = 0;
	size_t n;

	if (attr_get(attrs, "href", 4, &n) != NULL)
		link = 1;
	fold_out_str(o, link ? "<a" : "<g");
	while (*p) {
		const char *end = strchr(p, '\t'), *eq;
		size_t klen;

		n = end ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', n);
		klen = (size_t)(eq - p);
		if (!(klen == 5 && memcmp(p, "title", 5) == 0)) {
			fold_out_str(o, " ");
			if (klen == 4 && memcmp(p, "href", 4) == 0)
				fold_out_str(o, "xlink:");
			fold_out_bytes(o, p, klen);
			fold_out_str(o, "=\"");
			fold_out_xml(o, eq + 1, n - klen - 1, raw8);
			fold_out_str(o, "\"");
		}
		p = end ? end + 1 : p + n;
	}
	if (link && attr_get(attrs, "target", 6, &n) == NULL)
		fold_out_str(o, " target=\"_top\"");
	fold_out_str(o, ">\n");
	return link;
}

/* ------------------------------------------------------------ document */

/*
 * Text of an XML comment: escaped as character data, and every "--",
 * which may not occur in a comment (and "-->" ends one), written "- -".
 */
static void comment_text(struct fold_out *o, const char *s, size_t n, int raw8)
{
	size_t i, start = 0;

	for (i = 1; i < n; i++)
		if (s[i] == '-' && s[i - 1] == '-') {
			fold_out_xml(o, s + start, i - start, raw8);
			fold_out_str(o, " ");
			start = i;
		}
	fold_out_xml(o, s + start, n - start, raw8);
}

static void header(struct fold_out *o, double w, double h,
		   const struct svg_opts *so, int raw8)
{
	fold_out_str(o, "<?xml version=\"1.0\"");
	if (so->encoding != NULL) {
		/* XML wants encoding before standalone. */
		fold_out_str(o, " encoding=\"");
		fold_out_xml(o, so->encoding, strlen(so->encoding), raw8);
		fold_out_str(o, "\"");
	}
	fold_out_str(o, " standalone=\"no\"?>\n");
	fold_out_str(o, "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
		 "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
	fold_out_printf(o, "<svg version=\"1.1\" width=\"%.10g\" height=\"%.10g\"%s "
	       "viewBox=\"0 0 %.10g %.10g\" xmlns=\"http://www.w3.org/2000/svg\" "
	       "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n",
	    w, h, so->javascript ? " onload=\"init(evt)\"" : "", w, h);
	fold_out_str(o, "<!-- Flame graph stack visualization, drawn by fgkit "
		 "(after Brendan Gregg's flamegraph.pl: "
		 "https://github.com/brendangregg/FlameGraph). -->\n");
	fold_out_str(o, "<!-- NOTES: ");
	if (so->notes)
		comment_text(o, so->notes, strlen(so->notes), raw8);
	fold_out_str(o, " -->\n");
}

/*
 * A string in the script's settings: JSON's escaping, which is a JS string
 * and safe inside CDATA ('<', '>', '&' and controls as \u escapes, invalid
 * UTF-8 as \ufffd, as in the data block).
 */
static void js_string(struct fold_out *o, const char *s)
{
	fold_out_json(o, s, strlen(s));
}

/*
 * The unit for the script's scaling, as pprof's: {f: the size of one count
 * in base units, s: [[name, size], ...] smallest first, d: the step for
 * values below all}, or null for plain counts.
 */
static void js_unit(struct fold_out *o, const struct fold_unit *u, double factor)
{
	const struct fold_unit_kind *k;
	double f;
	size_t i;

	if (u == NULL || (k = fold_unit_kind(u->unit, &f)) == NULL) {
		fold_out_str(o, "null");
		return;
	}
	fold_out_printf(o, "{f: %.17g, d: %zu, s: [", f * factor, k->fallback);
	for (i = 0; i < k->nsteps; i++) {
		fold_out_str(o, i ? ", [" : "[");
		js_string(o, k->steps[i].name);
		fold_out_printf(o, ", %.17g]", k->steps[i].factor);
	}
	fold_out_str(o, "]}");
}

static void style_and_script(struct fold_out *o, const struct flame_layout *l,
			     const struct flame_opts *fo,
			     const struct svg_opts *so, int raw8, double tdom)
{
	const char *font;

	fold_out_str(o, "<defs>\n\t<linearGradient id=\"background\" y1=\"0\" y2=\"1\" "
		 "x1=\"0\" x2=\"0\" >\n\t\t<stop stop-color=\"");
	fold_out_xml(o, so->bgtop, strlen(so->bgtop), raw8);
	fold_out_str(o, "\" offset=\"5%\" />\n\t\t<stop stop-color=\"");
	fold_out_xml(o, so->bgbottom, strlen(so->bgbottom), raw8);
	fold_out_str(o, "\" offset=\"95%\" />\n\t</linearGradient>\n</defs>\n");
	/* Anything but a list of names could end the rule: never written. */
	font = flame_font_valid(so->fonttype) ? so->fonttype : FLAME_FONT;
	fold_out_str(o, "<style type=\"text/css\">\n\ttext { font-family:");
	fold_out_xml(o, font, strlen(font), raw8);
	fold_out_printf(o, "; font-size:%.10gpx; fill:rgb(0,0,0); }\n", fo->fontsize);
	fold_out_str(o, "\t#search, #ignorecase { opacity:0.1; cursor:pointer; }\n"
		 "\t#search:hover, #search.show, #ignorecase:hover, "
		 "#ignorecase.show { opacity:1; }\n"
		 "\t#subtitle { text-anchor:middle; fill:rgb(160,160,160); }\n");
	fold_out_printf(o, "\t#title { text-anchor:middle; font-size:%.10gpx}\n",
	    fo->fontsize + 5);
	fold_out_str(o, "\t#unzoom { cursor:pointer; }\n"
		 "\t#frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }\n"
		 "\t#frames text { pointer-events:none; }\n"
		 "\t.hide { display:none; }\n"
		 "\t.parent { opacity:0.5; }\n"
		 "\t#frames.zoomed > * { display:none; }\n"
		 "\t#frames.zoomed > .z { display:inline; }\n");
	if (so->stroke_color != NULL) {
		fold_out_str(o, "\t#frames rect { stroke:");
		fold_out_xml(o, so->stroke_color, strlen(so->stroke_color), raw8);
		fold_out_str(o, "; stroke-width:0.5; }\n");
	}
	fold_out_str(o, "</style>\n");
	if (!so->javascript)
		return;
	/* Settings first, then the script itself (formats/flame.js). */
	fold_out_str(o, "<script type=\"text/ecmascript\"><![CDATA[\nvar fg_conf = {");
	fold_out_printf(o, "fontsize: %.10g, fontwidth: %.10g, xpad: %.10g, width: %.10g, "
	       "inverted: %d, ",
	    fo->fontsize, fo->fontwidth, l->xpad, l->width, fo->inverted);
	fold_out_str(o, "nametype: ");
	js_string(o, so->nametype);
	fold_out_str(o, ", countname: ");
	js_string(o, so->countname);
	fold_out_str(o, ", unit: ");
	js_unit(o, so->unit, fo->factor);
	fold_out_str(o, ", searchcolor: ");
	js_string(o, so->search_color);
	fold_out_printf(o, ", truncleft: %d, frameheight: %.10g, rooty: %.10g, dommin: %.17g};\n",
	    so->truncate_left, fo->frameheight, l->n ? l->f[0].y1 : 0, tdom);
	fold_out_str(o, svg_flame_js);
	fold_out_str(o, "]]></script>\n");
}

/*
 * A frame's count (its self count with self set) as shown: exact digits
 * for integer counts, else rounded, multiplied by --factor.  The root
 * shows the width reference, which --total may have raised.
 */
static size_t count_digits(char *buf, const struct flame_layout *l,
			   const struct flame_opts *fo, uint32_t node, int self,
			   int commas)
{
	const struct fold_tree *t = l->tree;
	fold_count c = self ? t->nodes[node].self[l->col] :
			      t->nodes[node].total[l->col];
	double v;

	if (node == 0 && !self && l->timemax != fold_node_total(t, 0, l->col))
		v = l->timemax;
	else if (!t->prof->fractional && fo->factor == 1)
		return commas ? fold_fmt_commas(buf, c.u) : fold_fmt_u64(buf, c.u);
	else
		v = fold_count_value(c, t->prof->fractional);
	v = nearbyint(v * fo->factor);
	return commas ? fold_fmt_commas_double(buf, v) : fold_fmt_fixed(buf, v, 0);
}

/* "NAME (N samples, P%[; D%])", or "NAME (3.28s, P%...)" with a unit. */
static void title_text(struct fold_out *o, const struct flame_layout *l,
		       const struct flame_frame *f, const struct flame_opts *fo,
		       const struct svg_opts *so, const char *name, size_t nlen,
		       int raw8)
{
	char count[FOLD_NUM_BUFSZ];
	double samples, pct;

	fold_out_xml(o, name, nlen, raw8);
	fold_out_str(o, " (");
	if (so->unit != NULL) {
		double v = f->node == 0 ? l->timemax :
					  fold_node_total(l->tree, f->node, l->col);

		fold_out_bytes(o, count, fold_fmt_scaled(count, v * fo->factor,
							 so->unit->unit));
	} else {
		fold_out_bytes(o, count, count_digits(count, l, fo, f->node, 0, 1));
		fold_out_str(o, " ");
		fold_out_xml(o, so->countname, strlen(so->countname), raw8);
	}
	if (f->node == 0) {
		fold_out_str(o, ", 100%)");
		return;
	}
	samples = nearbyint(fold_node_total(l->tree, f->node, l->col) * fo->factor);
	pct = 100 * samples / (l->timemax * fo->factor);
	fold_out_str(o, ", ");
	fold_out_fixed(o, pct, 2);
	fold_out_str(o, "%");
	if (l->diff) {
		double d = 100 * f->delta / (l->timemax * fo->factor);

		if (fo->negate && d != 0)
			d = -d;	/* never "-0.00" */
		fold_out_str(o, d > 0 ? "; +" : "; ");
		fold_out_fixed(o, d, 2);
		fold_out_str(o, "%)");
	} else {
		fold_out_str(o, ")");
	}
}

/*
 * The script shows self counts as the count minus the drawn children's;
 * where pruned children make that wrong, the frame carries data-self.
 */
static int self_needed(const struct flame_layout *l, const struct flame_frame *f,
		       const struct flame_opts *fo)
{
	const struct fold_tree *t = l->tree;
	const struct fold_node *n = &t->nodes[f->node];
	double shown = 0, minw = l->minw;
	uint32_t c;

	if (f->node == 0)
		return 0;
	for (c = n->first_child; c; c = t->nodes[c].next_sibling)
		if (fold_node_total(t, c, l->col) >= minw)
			shown += nearbyint(fold_node_total(t, c, l->col) * fo->factor);
	return nearbyint(fold_node_total(t, f->node, l->col) * fo->factor) - shown !=
	       nearbyint(fold_node_self(t, f->node, l->col) * fo->factor);
}

static int wider(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

/*
 * The narrowest width (px) a frame needs to be an element, so that about
 * so->dom_frames frames are; 0 when all of them fit.  Children are never
 * wider than their parent, so the elements always include their parents.
 */
static double dom_threshold(const struct flame_layout *l,
			    const struct svg_opts *so)
{
	double *w, t;
	size_t i;

	if (!so->javascript || so->dom_frames == 0 || l->n <= so->dom_frames)
		return 0;
	w = malloc(l->n * sizeof(*w));
	if (w == NULL)
		return 0;	/* no budget: every frame an element */
	for (i = 0; i < l->n; i++)
		w[i] = l->f[i].x2 - l->f[i].x1;
	qsort(w, l->n, sizeof(*w), wider);
	t = w[so->dom_frames - 1];
	free(w);
	/* Ties at the threshold would overshoot: take the next width up. */
	return nextafter(t, INFINITY);
}

/*
 * Every frame, for the script: names once each, then per frame
 * depth, x, width (px), samples, self, name index, fill (0xRRGGBB),
 * element (1 if drawn as one) [, delta %].
 */
static void data_block(struct fold_out *o, const struct flame_layout *l,
		       const struct flame_opts *fo, double tdom)
{
	const struct fold_tree *t = l->tree;
	const struct fold_names *nm = &t->prof->names;
	uint32_t *idx = malloc((nm->n ? nm->n : 1) * sizeof(*idx)), next = 0;
	size_t i;

	if (idx == NULL) {
		o->err = ENOMEM;
		return;
	}
	for (i = 0; i < nm->n; i++)
		idx[i] = UINT32_MAX;
	fold_out_printf(o, "<metadata id=\"fg-data\">{\"k\":%d,\"names\":[\"all\"", l->diff ? 9 : 8);
	for (i = 1; i < l->n; i++) {
		fold_id id = t->nodes[l->f[i].node].name;
		const char *s = fold_name(nm, id);

		if (idx[id] != UINT32_MAX)
			continue;
		idx[id] = ++next;
		fold_out_str(o, ",");
		fold_out_json(o, s, flame_strip_annotation(s, fold_name_len(nm, id)));
	}
	fold_out_str(o, "],\n\"frames\":[");
	for (i = 0; i < l->n; i++) {
		const struct flame_frame *f = &l->f[i];
		const struct fold_node *n = &t->nodes[f->node];
		char num[FOLD_NUM_BUFSZ];

		fold_out_printf(o, "%s%u,", i ? ",\n" : "", f->depth);
		fold_out_fixed(o, f->x1, 3);
		fold_out_str(o, ",");
		fold_out_fixed(o, f->x2 - f->x1, 3);
		fold_out_str(o, ",");
		fold_out_bytes(o, num, count_digits(num, l, fo, f->node, 0, 0));
		fold_out_str(o, ",");
		fold_out_bytes(o, num, count_digits(num, l, fo, f->node, 1, 0));
		fold_out_printf(o, ",%u,%u,%d", f->node ? idx[n->name] : 0,
		    (unsigned)f->rgb[0] << 16 | (unsigned)f->rgb[1] << 8 | f->rgb[2],
		    f->x2 - f->x1 >= tdom || i == 0);
		if (l->diff)
			fold_out_str(o, ","), fold_out_fixed(o, (fo->negate ? -1 : 1) * 100 * f->delta /
					     (l->timemax * fo->factor), 2);
	}
	fold_out_str(o, "]}</metadata>\n");
	free(idx);
}

int svg_flame_write(int fd, const struct flame_layout *l,
		    const struct flame_opts *fo, const struct svg_opts *so)
{
	struct fold_out out, *o = &out;
	const struct fold_names *nm = &l->tree->prof->names;
	int raw8 = so->encoding != NULL && strcasecmp(so->encoding, "utf-8") != 0 &&
		   strcasecmp(so->encoding, "utf8") != 0;
	double w = l->width, h = l->height, mid = floor(w / 2);
	char *label = NULL;
	size_t labcap = 0, i;
	double tdom = dom_threshold(l, so);

	if (fold_out_init(o, fd, 1 << 16) != 0)
		return -1;
	header(o, w, h, so, raw8);
	style_and_script(o, l, fo, so, raw8, tdom);
	fold_out_printf(o, "<rect x=\"0.0\" y=\"0\" width=\"%.1f\" height=\"%.1f\" "
	       "fill=\"url(#background)\"  />\n", w, h);
	fold_out_printf(o, "<text id=\"title\" x=\"%.2f\" y=\"%.10g\" >", mid, fo->fontsize * 2);
	fold_out_xml(o, so->title, strlen(so->title), raw8);
	fold_out_str(o, "</text>\n");
	if (so->subtitle != NULL) {
		fold_out_printf(o, "<text id=\"subtitle\" x=\"%.2f\" y=\"%.10g\" >", mid,
		    fo->fontsize * 4);
		fold_out_xml(o, so->subtitle, strlen(so->subtitle), raw8);
		fold_out_str(o, "</text>\n");
	}
	fold_out_printf(o, "<text id=\"details\" x=\"%.2f\" y=\"%.10g\" > </text>\n",
	    l->xpad, h - l->ypad2 / 2);
	fold_out_printf(o, "<text id=\"unzoom\" x=\"%.2f\" y=\"%.10g\" class=\"hide\">"
	       "Reset Zoom</text>\n", l->xpad, fo->fontsize * 2);
	fold_out_printf(o, "<text id=\"search\" x=\"%.2f\" y=\"%.10g\" >Search</text>\n",
	    w - l->xpad - 100, fo->fontsize * 2);
	fold_out_printf(o, "<text id=\"ignorecase\" x=\"%.2f\" y=\"%.10g\" >ic</text>\n",
	    w - l->xpad - 16, fo->fontsize * 2);
	fold_out_printf(o, "<text id=\"matched\" x=\"%.2f\" y=\"%.10g\" > </text>\n",
	    w - l->xpad - 100, h - l->ypad2 / 2);
	fold_out_str(o, "<g id=\"frames\">\n");
	for (i = 0; i < l->n && !o->err; i++) {
		const struct flame_frame *f = &l->f[i];
		const struct fold_node *n = &l->tree->nodes[f->node];
		const char *name = f->node ? fold_name(nm, n->name) : "";
		size_t nlen = f->node ? fold_name_len(nm, n->name) : 0, tlen, lab;
		const char *attrs, *tattr;
		double x1, x2;
		char num[FOLD_NUM_BUFSZ];
		int link = 0;

		if (i > 0 && f->x2 - f->x1 < tdom)
			continue;	/* in the data block only */
		attrs = f->node ? frame_attrs(so, name, nlen) : NULL;
		x1 = rounded(f->x1, 1);
		x2 = rounded(f->x2, 1);
		if (attrs != NULL)
			link = open_frame(o, attrs, raw8);
		else
			fold_out_str(o, "<g>\n");
		/* Attributes on the title, so the <g> stays as it was. */
		fold_out_str(o, "<title");
		if (so->unit != NULL) {
			/* The count itself, as the title shows it scaled. */
			fold_out_str(o, " data-n=\"");
			fold_out_bytes(o, num, count_digits(num, l, fo, f->node, 0, 0));
			fold_out_str(o, "\"");
		}
		if (self_needed(l, f, fo)) {
			fold_out_str(o, " data-self=\"");
			fold_out_bytes(o, num, count_digits(num, l, fo, f->node, 1, 0));
			fold_out_str(o, "\"");
		}
		fold_out_str(o, ">");
		if (attrs != NULL && (tattr = attr_get(attrs, "title", 5, &tlen)) != NULL)
			fold_out_xml(o, tattr, tlen, raw8);
		else if (f->node == 0)
			title_text(o, l, f, fo, so, "all", 3, raw8);
		else
			title_text(o, l, f, fo, so, name,
				   flame_strip_annotation(name, nlen), raw8);
		fold_out_str(o, "</title><rect x=\"");
		fold_out_fixed(o, x1, 1);
		fold_out_str(o, "\" y=\"");
		fold_out_fixed(o, f->y1, -1);
		fold_out_str(o, "\" width=\"");
		fold_out_fixed(o, x2 - x1, 1);
		fold_out_str(o, "\" height=\"");
		fold_out_fixed(o, f->y2 - f->y1, 1);
		fold_out_str(o, "\" fill=\"rgb(");
		fold_out_fixed(o, f->rgb[0], 0);
		fold_out_str(o, ",");
		fold_out_fixed(o, f->rgb[1], 0);
		fold_out_str(o, ",");
		fold_out_fixed(o, f->rgb[2], 0);
		fold_out_str(o, ")\" rx=\"2\" ry=\"2\" />\n");
		if (fold_grow(&label, &labcap, 4 * nlen + 3, 1) != 0) {
			o->err = ENOMEM;
			break;
		}
		lab = svg_label(name, nlen, f->x2 - f->x1, fo->fontsize,
				fo->fontwidth, so->truncate_left, label);
		if (lab > 0) {
			fold_out_str(o, "<text x=\"");
			fold_out_fixed(o, f->x1 + 3, 2);
			fold_out_str(o, "\" y=\"");
			fold_out_fixed(o, 3 + (f->y1 + f->y2) / 2, -1);
			fold_out_str(o, "\" >");
			fold_out_xml(o, label, lab, raw8);
			fold_out_str(o, "</text>\n");
		}
		fold_out_str(o, link ? "</a>\n" : "</g>\n");
	}
	fold_out_str(o, "</g>\n");
	if (tdom > 0)
		data_block(o, l, fo, tdom);
	fold_out_str(o, "</svg>\n");
	free(label);
	return fold_out_close(o);
}

int svg_flame_write_empty(int fd, const struct flame_opts *fo,
			  const struct svg_opts *so)
{
	struct fold_out out, *o = &out;
	struct svg_opts plain = *so;
	double w = fo->width, h = fo->fontsize * 5;

	if (fold_out_init(o, fd, 1 << 12) != 0)
		return -1;
	plain.javascript = 0;
	header(o, w, h, &plain, 0);
	fold_out_printf(o, "<text  x=\"%.2f\" y=\"%.10g\" >ERROR: No valid input provided."
	       "</text>\n</svg>\n", floor(w / 2), fo->fontsize * 2);
	return fold_out_close(o);
}

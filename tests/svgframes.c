/*
 * svgframes - read flame graph SVGs with libxml2, for the tests.
 *
 *   svgframes FILE                   print one line per frame:
 *                                    depth, name, samples, delta, x, width, fill
 *   svgframes --compare [--fill] REF OUT
 *                                    the frames of OUT equal REF's: same
 *                                    (depth, name, samples, delta), x and
 *                                    width within 0.5 px (and the same fill)
 *   svgframes --scripts FILE         print the number of <script> elements
 *
 * Any document that is not well-formed XML is an error (exit 1).  Depth is
 * the rank of a frame's y counted from the root frame "all", as the corpus
 * README defines it, so the order of frames in the file does not matter.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	char *name, *samples, *delta, *fill;
	double x, y, w;
	int depth, used;
};

struct doc {
	xmlDocPtr xml;
	struct frame *f;
	size_t n;
};

static xmlNodePtr find_id(xmlNodePtr n, const char *id)
{
	for (; n; n = n->next) {
		xmlChar *v;
		xmlNodePtr r;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = xmlGetProp(n, (const xmlChar *)"id");
		if (v && strcmp((char *)v, id) == 0) {
			xmlFree(v);
			return n;
		}
		xmlFree(v);
		if ((r = find_id(n->children, id)) != NULL)
			return r;
	}
	return NULL;
}

static int count_scripts(xmlNodePtr n)
{
	int k = 0;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "script") == 0)
			k++;
		k += count_scripts(n->children);
	}
	return k;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (n = n->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static double prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	double d = v ? strtod((char *)v, NULL) : NAN;

	xmlFree(v);
	return d;
}

/* "NAME (1,234 samples, 5.67%[; +1.23%])" */
static void parse_title(struct frame *f, const char *t)
{
	const char *open = NULL, *p, *sp, *semi;
	char *s, *q;

	for (p = t; (p = strstr(p, " (")) != NULL; p++)
		open = p;
	if (open == NULL) {
		f->name = strdup(t);
		f->samples = strdup("?");
		f->delta = strdup("");
		return;
	}
	f->name = strndup(t, (size_t)(open - t));
	sp = strchr(open + 2, ' ');
	f->samples = strndup(open + 2, sp ? (size_t)(sp - open - 2) : 0);
	for (s = q = f->samples; *s; s++)
		if (*s != ',')
			*q++ = *s;
	*q = '\0';
	semi = strstr(open, "; ");
	f->delta = semi ? strndup(semi + 2, strcspn(semi + 2, ")")) : strdup("");
}

static int by_y(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int load(struct doc *d, const char *path)
{
	xmlNodePtr frames, g;
	double *ys, root_y = NAN, root_w = -1;
	size_t i, nys = 0;

	d->xml = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (d->xml == NULL) {
		fprintf(stderr, "svgframes: %s: not well-formed XML\n", path);
		return -1;
	}
	frames = find_id(xmlDocGetRootElement(d->xml), "frames");
	d->n = 0;
	d->f = NULL;
	if (frames == NULL)
		return 0;
	for (g = frames->children; g; g = g->next)
		if (g->type == XML_ELEMENT_NODE)
			d->n++;
	d->f = calloc(d->n ? d->n : 1, sizeof(*d->f));
	ys = calloc(d->n ? d->n : 1, sizeof(*ys));
	i = 0;
	for (g = frames->children; g; g = g->next) {
		xmlNodePtr t, r;
		xmlChar *tt, *fill;
		struct frame *f;

		if (g->type != XML_ELEMENT_NODE)
			continue;
		f = &d->f[i++];
		t = child(g, "title");
		r = child(g, "rect");
		if (t == NULL || r == NULL) {
			fprintf(stderr, "svgframes: %s: a frame without title or rect\n", path);
			return -1;
		}
		tt = xmlNodeGetContent(t);
		parse_title(f, (char *)tt);
		xmlFree(tt);
		/* A title in units ("3.28s") carries the count as data-n. */
		tt = xmlGetProp(t, (const xmlChar *)"data-n");
		if (tt != NULL) {
			free(f->samples);
			f->samples = strdup((char *)tt);
			xmlFree(tt);
		}
		f->x = prop(r, "x");
		f->y = prop(r, "y");
		f->w = prop(r, "width");
		fill = xmlGetProp(r, (const xmlChar *)"fill");
		f->fill = strdup(fill ? (char *)fill : "");
		xmlFree(fill);
		if (strcmp(f->name, "all") == 0 && f->w > root_w) {
			root_w = f->w;
			root_y = f->y;
		}
	}
	for (i = 0; i < d->n; i++) {
		size_t k;

		for (k = 0; k < nys && ys[k] != d->f[i].y; k++)
			;
		if (k == nys)
			ys[nys++] = d->f[i].y;
	}
	qsort(ys, nys, sizeof(*ys), by_y);
	for (i = 0; i < d->n; i++) {
		size_t k, r = 0;

		for (k = 0; k < nys; k++)
			if (ys[k] == d->f[i].y)
				r = k;
		/* Flame graphs have the root lowest (largest y). */
		d->f[i].depth = nys && ys[nys - 1] == root_y ? (int)(nys - 1 - r) : (int)r;
	}
	free(ys);
	return 0;
}

static int same_key(const struct frame *a, const struct frame *b)
{
	return a->depth == b->depth && strcmp(a->name, b->name) == 0 &&
	       strcmp(a->samples, b->samples) == 0 && strcmp(a->delta, b->delta) == 0;
}

static void show(const char *tag, const struct frame *f)
{
	printf("%s depth=%d name=\"%s\" samples=%s delta=%s x=%.1f width=%.1f fill=%s\n",
	       tag, f->depth, f->name, f->samples, f->delta, f->x, f->w, f->fill);
}

int main(int argc, char **argv)
{
	struct doc a, b;
	size_t i, j, bad = 0;
	int fill = 0, k = 1;

	if (argc == 3 && strcmp(argv[1], "--scripts") == 0) {
		xmlDocPtr x = xmlReadFile(argv[2], NULL, XML_PARSE_NONET);

		if (x == NULL) {
			fprintf(stderr, "svgframes: %s: not well-formed XML\n", argv[2]);
			return 1;
		}
		printf("%d\n", count_scripts(xmlDocGetRootElement(x)));
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--compare") == 0) {
		k = 2;
		if (argc > k && strcmp(argv[k], "--fill") == 0)
			fill = 1, k++;
		if (argc != k + 2) {
			fprintf(stderr, "usage: svgframes --compare [--fill] REF OUT\n");
			return 2;
		}
		if (load(&a, argv[k]) != 0 || load(&b, argv[k + 1]) != 0)
			return 1;
		for (i = 0; i < a.n; i++) {
			for (j = 0; j < b.n; j++) {
				if (b.f[j].used || !same_key(&a.f[i], &b.f[j]) ||
				    fabs(a.f[i].x - b.f[j].x) > 0.5 ||
				    fabs(a.f[i].w - b.f[j].w) > 0.5)
					continue;
				if (fill && strcmp(a.f[i].fill, b.f[j].fill) != 0)
					continue;
				break;
			}
			if (j == b.n) {
				if (bad++ < 10)
					show("missing:", &a.f[i]);
				continue;
			}
			b.f[j].used = 1;
		}
		for (j = 0; j < b.n; j++)
			if (!b.f[j].used && bad++ < 20)
				show("extra:", &b.f[j]);
		if (a.n != b.n)
			printf("%zu frames, want %zu\n", b.n, a.n), bad++;
		return bad ? 1 : 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: svgframes FILE | --compare [--fill] REF OUT | "
				"--scripts FILE\n");
		return 2;
	}
	if (load(&a, argv[1]) != 0)
		return 1;
	for (i = 0; i < a.n; i++)
		printf("%d\t%s\t%s\t%s\t%.1f\t%.1f\t%s\n", a.f[i].depth, a.f[i].name,
		       a.f[i].samples, a.f[i].delta, a.f[i].x, a.f[i].w, a.f[i].fill);
	return 0;
}

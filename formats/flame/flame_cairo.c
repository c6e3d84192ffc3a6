/* flame_cairo.c - flame graphs as PNG and PDF through cairo. */
#include <cairo.h>
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/flame/flame_cairo.h"
#include "libfold/out.h"

/* cairo's output goes through libfold's writer. */
static cairo_status_t sink_write(void *arg, const unsigned char *data,
				 unsigned int len)
{
	struct fold_out *o = arg;

	fold_out_bytes(o, data, len);
	return o->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* "#rrggbb" to cairo's 0..1 components; black if malformed. */
static void hex_rgb(const char *s, double *rgb)
{
	unsigned int v = 0;

	if (s[0] == '#' && strlen(s) == 7)
		v = (unsigned int)strtoul(s + 1, NULL, 16);
	rgb[0] = ((v >> 16) & 0xff) / 255.0;
	rgb[1] = ((v >> 8) & 0xff) / 255.0;
	rgb[2] = (v & 0xff) / 255.0;
}

/* cairo wants valid UTF-8: anything else becomes '?'. */
static void utf8_clean(const char *s, size_t n, char *out)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t len = fold_utf8_char((const unsigned char *)s + i, n - i);

		if (len == 0) {
			out[k++] = '?';
			i++;
			continue;
		}
		memcpy(out + k, s + i, len);
		k += len;
		i += len;
	}
	out[k] = '\0';
}

/*
 * Select the font-family list fonts (flame_font_valid) as the SVG's CSS
 * does: the first family installed, else fontconfig's choice for the
 * generic names.  (cairo's toy API takes one family, so a list would be a
 * name that matches nothing.)
 */
static void select_font(cairo_t *cr, const char *fonts)
{
	FcPattern *pat = FcPatternCreate();
	cairo_font_face_t *face;
	const char *p = fonts, *name;
	size_t len;
	char buf[256];

	if (pat == NULL)
		return;
	while (flame_font_next(&p, &name, &len) > 0) {
		if (len >= sizeof(buf))
			continue;
		memcpy(buf, name, len);
		buf[len] = '\0';
		FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)buf);
	}
	face = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	cairo_set_font_face(cr, face);
	cairo_font_face_destroy(face);
}

static void centred(cairo_t *cr, const char *text, double x, double y)
{
	cairo_text_extents_t e;
	char *clean = malloc(strlen(text) + 1);

	if (clean == NULL)
		return;
	utf8_clean(text, strlen(text), clean);
	cairo_text_extents(cr, clean, &e);
	cairo_move_to(cr, x - e.x_advance / 2, y);
	cairo_show_text(cr, clean);
	free(clean);
}

static void rounded(cairo_t *cr, double x, double y, double w, double h)
{
	double r = 2;

	if (w < 2 * r)
		r = w / 2;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static cairo_surface_t *surface(enum flame_format f, double w, double h,
				struct fold_out *s)
{
	if (f == FLAME_PDF)
		return cairo_pdf_surface_create_for_stream(sink_write, s, w, h);
	return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w),
					  (int)ceil(h));
}

static int finish(cairo_t *cr, cairo_surface_t *sf, enum flame_format f,
		  struct fold_out *s)
{
	cairo_status_t st;
	int err;

	cairo_destroy(cr);
	if (f == FLAME_PNG)
		st = cairo_surface_write_to_png_stream(sf, sink_write, s);
	else {
		cairo_surface_finish(sf);
		st = cairo_surface_status(sf);
	}
	cairo_surface_destroy(sf);
	err = s->err;
	if (fold_out_close(s) != 0)
		return -1;
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	errno = err ? err : (st == CAIRO_STATUS_NO_MEMORY ? ENOMEM : EIO);
	return -1;
}

static int too_big(enum flame_format f, double w, double h)
{
	if (f == FLAME_PNG && (w > 32767 || h > 32767)) {
		errno = EFBIG;
		return 1;
	}
	return 0;
}

static void background(cairo_t *cr, double w, double h,
		       const struct svg_opts *so)
{
	cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, 0, h);
	double top[3], bottom[3];

	hex_rgb(so->bgtop, top);
	hex_rgb(so->bgbottom, bottom);
	cairo_pattern_add_color_stop_rgb(g, 0.05, top[0], top[1], top[2]);
	cairo_pattern_add_color_stop_rgb(g, 0.95, bottom[0], bottom[1], bottom[2]);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_set_source(cr, g);
	cairo_fill(cr);
	cairo_pattern_destroy(g);
}

int flame_cairo_write(int fd, enum flame_format f, const struct flame_layout *l,
		      const struct flame_opts *fo, const struct svg_opts *so)
{
	const struct fold_names *nm = &l->tree->prof->names;
	struct fold_out s;
	cairo_surface_t *sf;
	cairo_t *cr;
	char *label = NULL, *clean = NULL;
	size_t lcap = 0, ccap = 0, i;

	if (too_big(f, l->width, l->height) || fold_out_init(&s, fd, 1 << 16) != 0)
		return -1;
	sf = surface(f, l->width, l->height, &s);
	cr = cairo_create(sf);
	background(cr, l->width, l->height, so);
	select_font(cr, so->fonttype);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_font_size(cr, fo->fontsize + 5);
	centred(cr, so->title, floor(l->width / 2), fo->fontsize * 2);
	cairo_set_font_size(cr, fo->fontsize);
	if (so->subtitle != NULL) {
		cairo_set_source_rgb(cr, 160 / 255.0, 160 / 255.0, 160 / 255.0);
		centred(cr, so->subtitle, floor(l->width / 2), fo->fontsize * 4);
	}
	for (i = 0; i < l->n; i++) {
		const struct flame_frame *fr = &l->f[i];
		const struct fold_node *n = &l->tree->nodes[fr->node];
		const char *name = fr->node ? fold_name(nm, n->name) : "";
		size_t len = fr->node ? fold_name_len(nm, n->name) : 0, lab;

		rounded(cr, fr->x1, fr->y1, fr->x2 - fr->x1, fr->y2 - fr->y1);
		cairo_set_source_rgb(cr, fr->rgb[0] / 255.0, fr->rgb[1] / 255.0,
				     fr->rgb[2] / 255.0);
		cairo_fill(cr);
		if (fold_grow(&label, &lcap, 4 * len + 3, 1) != 0 ||
		    fold_grow(&clean, &ccap, 4 * len + 3, 1) != 0)
			continue;	/* no label: it stays a box */
		lab = svg_label(name, len, fr->x2 - fr->x1, fo->fontsize,
				fo->fontwidth, so->truncate_left, label);
		if (lab == 0)
			continue;
		utf8_clean(label, lab, clean);
		/* The label is fitted by an estimate; clip it to its frame. */
		cairo_save(cr);
		cairo_rectangle(cr, fr->x1, fr->y1, fr->x2 - fr->x1, fr->y2 - fr->y1);
		cairo_clip(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, fr->x1 + 3, 3 + (fr->y1 + fr->y2) / 2);
		cairo_show_text(cr, clean);
		cairo_restore(cr);
	}
	free(label);
	free(clean);
	return finish(cr, sf, f, &s);
}

int flame_cairo_write_empty(int fd, enum flame_format f,
			    const struct flame_opts *fo,
			    const struct svg_opts *so)
{
	struct fold_out s;
	double w = fo->width, h = fo->fontsize * 5;
	cairo_surface_t *sf;
	cairo_t *cr;

	if (too_big(f, w, h) || fold_out_init(&s, fd, 1 << 16) != 0)
		return -1;
	sf = surface(f, w, h, &s);
	cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	select_font(cr, so->fonttype);
	cairo_set_font_size(cr, fo->fontsize);
	cairo_set_source_rgb(cr, 0, 0, 0);
	centred(cr, "ERROR: No valid input provided.", floor(w / 2),
		fo->fontsize * 2);
	return finish(cr, sf, f, &s);
}

/*
 * flame.h - flame graph layout and colours, shared by the SVG writer and
 * the cairo (PNG/PDF) renderer.
 *
 * flame_layout() turns a prefix tree into positioned, coloured frames with
 * flamegraph.pl's geometry: frames narrower than the minimum width are
 * pruned, x grows with the count, the root sits at the bottom (flame graph)
 * or the top (icicle).  Colours follow flamegraph.pl's palettes, so the
 * same name gets the same colour in every graph.
 */
#ifndef FLAME_H
#define FLAME_H

#include "libfold/fold.h"

enum flame_palette {
	FLAME_HOT, FLAME_MEM, FLAME_IO, FLAME_WAKEUP, FLAME_CHAIN, FLAME_JAVA,
	FLAME_JS, FLAME_PERL, FLAME_PYTHON, FLAME_RUST, FLAME_RED, FLAME_GREEN,
	FLAME_BLUE, FLAME_AQUA, FLAME_YELLOW, FLAME_PURPLE, FLAME_ORANGE,
};

/* The palette named s (flamegraph.pl's --colors names); -1 if unknown. */
int flame_palette_find(const char *s);
/* The background gradient's two colours ("#rrggbb") for a palette. */
void flame_palette_bg(int palette, const char **top, const char **bottom);
/* Gradient colours for --bgcolors NAME or "#rrggbb"; -1 if invalid. */
int flame_bgcolors(const char *s, const char **top, const char **bottom);

/* Colours remembered across graphs (--cp, flamegraph.pl's palette.map). */
struct flame_cmap {
	struct fold_names names;	/* map key: the frame name */
	unsigned char (*rgb)[3];	/* by name id */
	size_t cap;
};

int flame_cmap_init(struct flame_cmap *m);
void flame_cmap_free(struct flame_cmap *m);
/* Read "NAME->rgb(R,G,B)" lines; a missing file is an empty map. */
int flame_cmap_load(struct flame_cmap *m, const char *path, struct fold_diag *d);
/* Write the map sorted by name, replacing path whole. */
int flame_cmap_save(const struct flame_cmap *m, const char *path,
		    struct fold_diag *d);

enum flame_diffcolor {
	FLAME_DIFF_SELF,	/* a frame's own change (flamegraph.pl) */
	FLAME_DIFF_TOTAL,	/* the change of everything under it */
};

struct flame_opts {
	double width;		/* image width, px */
	double frameheight;	/* px per level, including 1 px of padding */
	double fontsize;
	double fontwidth;	/* average glyph width / fontsize */
	double minwidth;	/* px, or percent of the total with minwidth_pct */
	int minwidth_pct;
	int inverted;		/* icicle: root on top */
	int subtitle;		/* leave room for a subtitle line */
	double total;		/* width reference, if larger than the sum */
	double factor;		/* multiplies displayed counts */
	int palette;
	int hash, random;
	int negate;		/* swap red and blue in differentials */
	enum flame_diffcolor diffcolor;
	struct flame_cmap *cmap;	/* --cp, or NULL */
	unsigned int seed;	/* for random colours */
};

void flame_opts_default(struct flame_opts *o);

struct flame_frame {
	uint32_t node;		/* in the tree */
	uint32_t depth;		/* root 0 */
	double x1, x2;		/* px */
	double y1, y2;		/* px, y1 < y2 */
	double delta;		/* differential: after - before (0 otherwise) */
	unsigned char rgb[3];
};

struct flame_layout {
	const struct fold_tree *tree;
	struct flame_frame *f;	/* root first, then depth-first, left to right */
	size_t n;
	int col;		/* column of the widths */
	double timemax;		/* counts spanning the full width */
	double width, height;
	double xpad, ypad1, ypad2, ypad3;
	double minw;		/* narrower frames (in counts) were pruned */
	uint32_t depthmax;
	int diff;		/* the profile has two columns */
	double maxdelta;
};

/*
 * Lay out tree t (built with widths from column col).  Returns -1 on
 * failure (out of memory).
 */
int flame_layout(struct flame_layout *l, const struct fold_tree *t, int col,
		 const struct flame_opts *o);
void flame_layout_free(struct flame_layout *l);

/*
 * Font-family lists (--fonttype), CSS's syntax for the SVG's <style> and
 * fontconfig families for cairo: names of letters, digits, spaces, '-'
 * and '_' (and non-ASCII UTF-8), or such names quoted with " or ' (where
 * '.' may occur too), separated by commas.  Nothing else can end the CSS
 * rule they go into.
 *
 * flame_font_next: the next name of the list at *p, unquoted and without
 * the spaces around it, at *name, *len; *p moves past it and its comma.
 * 1 for a name, 0 at the end, -1 where the list is not one.
 */
int flame_font_next(const char **p, const char **name, size_t *len);
/* Whether s is a list of at least one name. */
int flame_font_valid(const char *s);

/*
 * The font of labels and titles unless --fonttype says: flamegraph.pl's
 * Verdana, then DejaVu Sans (Debian's fonts-dejavu-core), whose names are
 * no wider than Verdana's (0.49 to 0.59 of the font size on function names,
 * so --fontwidth's 0.59 still fits them), then any sans-serif font.
 * Without the fallbacks a browser without Verdana draws serif text.
 */
#define FLAME_FONT "Verdana, 'DejaVu Sans', sans-serif"

/* A name without a trailing _[k], _[j], _[i] or _[w] annotation. */
size_t flame_strip_annotation(const char *s, size_t n);

#endif

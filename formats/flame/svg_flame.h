/*
 * svg_flame.h - write a flame graph layout as an interactive SVG document,
 * frame for frame what flamegraph.pl writes (same structure, titles,
 * geometry and colours), with fgkit's own script for zoom and search.
 */
#ifndef SVG_FLAME_H
#define SVG_FLAME_H

#include "formats/flame/flame.h"

/* --nameattr: extra attributes per function name. */
struct svg_nameattr {
	struct fold_names names;	/* function names */
	struct fold_arena arena;
	char **attrs;			/* by name id: "k=v\tk=v", NUL-terminated */
	size_t cap;
};

int svg_nameattr_init(struct svg_nameattr *na);
void svg_nameattr_free(struct svg_nameattr *na);
/*
 * Read "FUNC<TAB>key=value<TAB>key=value..." lines.  Only attributes that
 * cannot run script or load anything are kept (xlink:href as href); each
 * other one, and one given again, is a warning in d.  -1 on a line that is
 * not FUNC<TAB>key=value... or on a read error.
 */
int svg_nameattr_load(struct svg_nameattr *na, const char *path,
		      struct fold_diag *d);

struct svg_opts {
	const char *title, *subtitle;
	const char *countname;		/* "samples" */
	/*
	 * A time or size unit (fold_unit_is_scaled): values then read as
	 * pprof shows them, "3.28s", "512.01kB", in titles and in the
	 * script, instead of "N countname".  NULL: plain counts.
	 */
	const struct fold_unit *unit;
	const char *nametype;		/* "Function:" */
	const char *fonttype;		/* FLAME_FONT, or a flame_font_valid list */
	const char *notes;		/* XML comment, no '<' or '>' */
	const char *encoding;		/* XML declaration, or NULL */
	const char *bgtop, *bgbottom;	/* gradient colours */
	const char *search_color;	/* fill of matched frames */
	const char *stroke_color;	/* frame outline, or NULL for none */
	int javascript;			/* embed the interactive script */
	int truncate_left;		/* labels keep the end of the name */
	/*
	 * Browsers slow down with the number of elements (100,000 frames
	 * take seconds to load), so with the script on, at most dom_frames
	 * of the widest frames become elements; all frames also go to a
	 * compact data block (<metadata id="fg-data">) from which the
	 * script searches them and draws the others when a zoom makes them
	 * wide enough.  0: every frame is an element.
	 */
	size_t dom_frames;
	const struct svg_nameattr *nameattr;	/* or NULL */
};

/*
 * Write the document for layout l (made with flame options fo) to fd.
 * Returns -1 with errno set on a write error.
 */
int svg_flame_write(int fd, const struct flame_layout *l,
		    const struct flame_opts *fo, const struct svg_opts *so);

#define SVG_DOM_FRAMES 5000

/* flamegraph.pl's document for empty input: "ERROR: No valid input ...". */
int svg_flame_write_empty(int fd, const struct flame_opts *fo,
			  const struct svg_opts *so);

/*
 * The label drawn in a frame w pixels wide: at most w / (fontsize *
 * fontwidth) characters of the name without its annotation, the last two
 * replaced by ".." when cut (the first two with truncate_left).  Writes
 * into buf (4 * n + 3 bytes) and returns the length; 0 when too narrow.
 * Characters are UTF-8 sequences, never split.
 */
size_t svg_label(const char *s, size_t n, double w, double fontsize,
		 double fontwidth, int truncate_left, char *buf);

#endif

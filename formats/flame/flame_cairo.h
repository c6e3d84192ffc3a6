/*
 * flame_cairo.h - a flame graph layout drawn with cairo: static PNG or
 * PDF images of the same frames, colours and labels as the SVG.
 */
#ifndef FLAME_CAIRO_H
#define FLAME_CAIRO_H

#include "formats/flame/svg_flame.h"

enum flame_format { FLAME_SVG, FLAME_PNG, FLAME_PDF };

/*
 * Draw layout l to fd as PNG or PDF (1 px = 1 pt).  Returns -1 with errno
 * set on failure; EFBIG when the image is too large for PNG (32767 px).
 */
int flame_cairo_write(int fd, enum flame_format f, const struct flame_layout *l,
		      const struct flame_opts *fo, const struct svg_opts *so);

/* The "ERROR: No valid input provided." image. */
int flame_cairo_write_empty(int fd, enum flame_format f,
			    const struct flame_opts *fo,
			    const struct svg_opts *so);

#endif

/*
 * pngpixel - decode a PNG with cairo, for the tests: prints "WIDTH HEIGHT",
 * then "R G B" for each X Y pair given.
 */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cairo_surface_t *s;
	unsigned char *data;
	int w, h, stride, i;

	if (argc < 2 || argc % 2 != 0) {
		fprintf(stderr, "usage: pngpixel FILE [X Y]...\n");
		return 2;
	}
	s = cairo_image_surface_create_from_png(argv[1]);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "pngpixel: %s: %s\n", argv[1],
			cairo_status_to_string(cairo_surface_status(s)));
		return 1;
	}
	cairo_surface_flush(s);
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	printf("%d %d\n", w, h);
	for (i = 2; i + 1 < argc; i += 2) {
		int x = atoi(argv[i]), y = atoi(argv[i + 1]);
		unsigned int px;

		if (x < 0 || y < 0 || x >= w || y >= h) {
			printf("outside\n");
			continue;
		}
		/* RGB24 and ARGB32 keep a native-endian 32-bit word per pixel. */
		px = *(const unsigned int *)(const void *)(data + y * stride + x * 4);
		printf("%u %u %u\n", (px >> 16) & 0xff, (px >> 8) & 0xff, px & 0xff);
	}
	cairo_surface_destroy(s);
	return 0;
}

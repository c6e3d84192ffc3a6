/*
 * fuzz_svg - libFuzzer target for the flame graph path: folded text read
 * into a profile, the tree in the order the first byte picks, the layout
 * and the SVG (with and without the data block), the palette.map and
 * --nameattr readers on the same bytes.
 *
 *   make fuzz && build/fuzz/fuzz_svg -max_total_time=60 \
 *           build/fuzz/corpus-svg tests/fuzz/corpus/svg
 *
 * Input: one byte of options (bits, low first: 2 tree order (the byte mod
 * 3), inverted, minwidth 0, --hash, --diff-color=total, a data block past
 * 3 frames, --truncate-text-left), then folded text; palette.map and
 * --nameattr read the whole input.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "libfold/input.h"
#include "fuzz.h"
#include "formats/flame/svg_flame.h"

/* Warnings are formatted (their arguments read) and dropped. */
static void drop_warning(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void side_files(const uint8_t *data, size_t size)
{
	struct flame_cmap cm;
	struct svg_nameattr na;
	struct fold_diag d = { .warn = drop_warning };
	char path[] = "/tmp/fuzz_svgXXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		if (flame_cmap_init(&cm) == 0) {
			flame_cmap_load(&cm, path, &d);
			flame_cmap_free(&cm);
		}
		if (svg_nameattr_init(&na) == 0) {
			svg_nameattr_load(&na, path, &d);
			svg_nameattr_free(&na);
		}
	}
	close(fd);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_read_opts ro = { 0 };
	struct fold_tree_opts to = { FOLD_ORDER_NAME, 0 };
	struct svg_opts so = { 0 };
	struct fold_diag d = { 0 };
	struct flame_opts fo;
	struct flame_layout l;
	struct fold_profile p;
	struct fold_input in;
	struct fold_tree t;
	int out;

	if (size == 0)
		return 0;
	side_files(data, size);
	flame_opts_default(&fo);
	to.order = (enum fold_order)(data[0] % 3);
	ro.keep_order = to.order == FOLD_ORDER_INPUT;
	fo.inverted = data[0] >> 2 & 1;
	fo.minwidth = data[0] >> 3 & 1 ? 0 : 0.1;
	fo.hash = data[0] >> 4 & 1;
	fo.diffcolor = data[0] >> 5 & 1 ? FLAME_DIFF_TOTAL : FLAME_DIFF_SELF;
	so.title = so.countname = so.nametype = so.fonttype = "x";
	so.bgtop = so.bgbottom = so.search_color = "#ffffff";
	so.javascript = 1;
	so.dom_frames = data[0] >> 6 & 1 ? 3 : 0;
	so.truncate_left = data[0] >> 7 & 1;
	if (fuzz_input(&in, data + 1, size - 1, &d) != 0)
		return 0;
	if (fold_profile_init(&p, 1) == 0) {
		if (fold_read(&p, &in, &ro, &d) == 0) {
			to.col = p.ncols - 1;
			if (fold_tree_build_opts(&t, &p, &to) == 0) {
				if (flame_layout(&l, &t, to.col, &fo) == 0) {
					out = open("/dev/null", O_WRONLY);
					svg_flame_write(out, &l, &fo, &so);
					close(out);
					flame_layout_free(&l);
				}
				fold_tree_free(&t);
			}
		}
		fold_profile_free(&p);
	}
	fold_input_close(&in);
	return 0;
}

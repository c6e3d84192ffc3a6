/*
 * fuzz_graph - libFuzzer target for fg-top's and fg-dot's path: folded
 * input (one count per stack, or two: differential), pprof's filters, the
 * call graph trimmed with fractions and a node count the input picks, and
 * the top table in every format and the dot text.
 *
 * The first byte picks the options; the rest is folded text.
 *
 *   make fuzz && build/fuzz/fuzz_graph -max_total_time=60 \
 *           build/fuzz/corpus-graph tests/fuzz/corpus/graph
 */
#include <fcntl.h>
#include <regex.h>
#include <stdint.h>
#include <unistd.h>

#include "formats/report/callgraph.h"
#include "libfold/input.h"
#include "fuzz.h"

static void report(const struct fold_profile *p, int flags, int out)
{
	struct fold_graph_opts go = {
		.node_fraction = (flags & 1) ? 0.05 : 0,
		.edge_fraction = (flags & 2) ? 0.02 : 0,
		.node_count = (size_t)((flags >> 2) & 7),
		.visual = (flags >> 5) & 1,
		.cum_sort = (flags >> 6) & 1,
	};
	struct cg_report r = { 0 };
	struct fold_out o;
	int f;

	go.nodes_only = !go.visual;
	if (cg_report_build(&r, p, &go, -1) != 0)
		return;
	r.title = "fuzz\"\\";
	if (fold_out_init(&o, out, 4096) == 0) {
		if (go.visual)
			cg_dot_write(&o, &r);
		for (f = TABLE_TEXT; f <= TABLE_JSON; f++)
			cg_top_write(&o, (enum table_format)f, &r);
		fold_out_close(&o);
	}
	cg_report_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fold_read_opts ro = { 0 };
	struct fold_diag d = { 0 };
	struct fold_profile p, q;
	struct fold_input in;
	int flags, out;

	if (size == 0)
		return 0;
	flags = data[0];
	if (fold_profile_init(&p, 1) != 0)
		return 0;
	if (fuzz_input(&in, data + 1, size - 1, &d) == 0) {
		if (fold_read(&p, &in, &ro, &d) == 0) {
			out = open("/dev/null", O_WRONLY);
			report(&p, flags, out);
			/* pprof's filters, then the same reports */
			if (flags & 0x80) {
				struct fold_filter ft = { 0 };
				regex_t hide;

				if (regcomp(&hide, "^[a-c]", REG_EXTENDED | REG_NOSUB) == 0) {
					ft.hide = &hide;
					if (fold_profile_init(&q, p.ncols) == 0) {
						if (fold_filter(&q, &p, &ft) == 0)
							report(&q, flags, out);
						fold_profile_free(&q);
					}
					regfree(&hide);
				}
			}
			close(out);
		}
		fold_input_close(&in);
	}
	fold_profile_free(&p);
	return 0;
}

/*
 * dot_render.c - dot text drawn as SVG, PNG or PDF by Graphviz's own
 * libraries (libgvc, libcgraph), in this process: no dot binary needed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "formats/report/callgraph.h"

/*
 * Graphviz reports errors through one process-wide callback without a
 * context pointer: the first message of a render is kept here.
 */
static _Thread_local char gv_err[256];

static int keep_error(char *msg)
{
	size_t n;

	if (gv_err[0] == '\0') {
		snprintf(gv_err, sizeof(gv_err), "%s", msg);
		n = strlen(gv_err);
		while (n > 0 && (gv_err[n - 1] == '\n' || gv_err[n - 1] == ' '))
			gv_err[--n] = '\0';
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cg_dot_render(const char *dot, const char *format, int fd, char *err,
		  size_t errsz)
{
	GVC_t *gvc;
	Agraph_t *g = NULL;
	char *data = NULL;
	unsigned int len = 0;
	int rc = -1, laid = 0;

	gv_err[0] = '\0';
	agseterrf(keep_error);
	gvc = gvContext();
	if (gvc == NULL) {
		snprintf(err, errsz, "Graphviz: cannot start");
		return -1;
	}
	g = agmemread(dot);
	if (g == NULL) {
		snprintf(err, errsz, "Graphviz: %s", gv_err[0] ? gv_err :
			 "cannot read the graph");
		goto out;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		snprintf(err, errsz, "Graphviz layout: %s", gv_err[0] ? gv_err :
			 "failed (is the dot layout plugin installed?)");
		goto out;
	}
	laid = 1;
	if (gvRenderData(gvc, g, format, &data, &len) != 0 || data == NULL) {
		snprintf(err, errsz, "Graphviz cannot render %s%s%s", format,
			 gv_err[0] ? ": " : " (is its plugin installed?)", gv_err);
		goto out;
	}
	if (write_all(fd, data, len) != 0) {
		snprintf(err, errsz, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (data != NULL)
		gvFreeRenderData(data);
	if (laid)
		gvFreeLayout(gvc, g);
	if (g != NULL)
		agclose(g);
	gvFreeContext(gvc);
	agseterrf(NULL);
	return rc;
}

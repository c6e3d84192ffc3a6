/* flame.c - flame graph layout and colours (flamegraph.pl's rules). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libfold/input.h"
#include "formats/flame/flame.h"
#include "libfold/out.h"

static const char *const palette_names[] = {
	"hot", "mem", "io", "wakeup", "chain", "java", "js", "perl", "python",
	"rust", "red", "green", "blue", "aqua", "yellow", "purple", "orange",
};

int flame_palette_find(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(palette_names) / sizeof(palette_names[0]); i++)
		if (strcmp(s, palette_names[i]) == 0)
			return (int)i;
	return -1;
}

static const struct {
	const char *name, *top, *bottom;
} backgrounds[] = {
	{ "yellow", "#eeeeee", "#eeeeb0" },
	{ "blue", "#eeeeee", "#e0e0ff" },
	{ "green", "#eef2ee", "#e0ffe0" },
	{ "grey", "#f8f8f8", "#e8e8e8" },
	{ "gray", "#f8f8f8", "#e8e8e8" },
};

void flame_palette_bg(int palette, const char **top, const char **bottom)
{
	int k = 0;

	switch (palette) {
	case FLAME_MEM:
		k = 2;
		break;
	case FLAME_IO: case FLAME_WAKEUP: case FLAME_CHAIN:
		k = 1;
		break;
	case FLAME_RED: case FLAME_GREEN: case FLAME_BLUE: case FLAME_AQUA:
	case FLAME_YELLOW: case FLAME_PURPLE: case FLAME_ORANGE:
		k = 3;
		break;
	default:
		break;
	}
	*top = backgrounds[k].top;
	*bottom = backgrounds[k].bottom;
}

int flame_bgcolors(const char *s, const char **top, const char **bottom)
{
	size_t i;

	for (i = 0; i < sizeof(backgrounds) / sizeof(backgrounds[0]); i++)
		if (strcmp(s, backgrounds[i].name) == 0) {
			*top = backgrounds[i].top;
			*bottom = backgrounds[i].bottom;
			return 0;
		}
	if (s[0] != '#' || strlen(s) != 7 || strspn(s + 1, "0123456789abcdefABCDEF") != 6)
		return -1;
	*top = *bottom = s;	/* flat */
	return 0;
}

void flame_opts_default(struct flame_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frameheight = 16;
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->minwidth = 0.1;
	o->factor = 1;
	o->palette = FLAME_HOT;
}

/* ------------------------------------------------------------- colours */

/*
 * flamegraph.pl seeds Perl's drand48 with the sum of the name's characters
 * and draws once, so a name always gets the same colour.
 */
static double name_rand(const char *s, size_t n)
{
	uint32_t sum = 0;
	uint64_t x;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (unsigned char)s[i];
	x = ((uint64_t)sum << 16) + 0x330E;
	x = (0x5DEECE66Dull * x + 0xB) & ((1ull << 48) - 1);
	return (double)x / (double)(1ull << 48);
}

/* --hash: from the first three characters, after any DTrace "module`". */
static double name_hash(const char *s, size_t n, int reversed)
{
	double vector = 0, weight = 1, max = 1;
	size_t i, start = 0;
	int k;

	if (!reversed) {
		for (i = 1; i < n; i++)
			if (s[i] == '`') {
				start = i + 1;
				break;
			}
	}
	for (k = 0; k < 3 && start + (size_t)k < n; k++) {
		unsigned char c = (unsigned char)(reversed ? s[n - 1 - (size_t)k] :
							     s[start + (size_t)k]);
		int mod = 10 + k;

		vector += (double)(c % mod) / (double)(mod - 1) * weight;
		max += weight;
		weight *= 0.7;
	}
	return 1 - vector / max;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

static int starts_with(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(s, pre, k) == 0;
}

/* The flat palette a rule palette picks for a name. */
static int rule_palette(int pal, const char *s, size_t n, int waker)
{
	static const char *const javapkg[] = {
		"java/", "javax/", "jdk/", "net/", "org/", "com/", "io/", "sun/",
	};
	size_t i;
	const char *p;

	switch (pal) {
	case FLAME_JAVA:
		if (ends_with(s, n, "_[j]"))
			return FLAME_GREEN;
		if (ends_with(s, n, "_[i]"))
			return FLAME_AQUA;
		for (i = 0; i < sizeof(javapkg) / sizeof(javapkg[0]); i++)
			if (starts_with(s, n, javapkg[i]) ||
			    (n > 0 && s[0] == 'L' && starts_with(s + 1, n - 1, javapkg[i])))
				return FLAME_GREEN;
		if (contains(s, n, ":::"))
			return FLAME_GREEN;
		if (contains(s, n, "::"))
			return FLAME_YELLOW;
		return ends_with(s, n, "_[k]") ? FLAME_ORANGE : FLAME_RED;
	case FLAME_PERL:
		if (contains(s, n, "::"))
			return FLAME_YELLOW;
		if (contains(s, n, "Perl") || contains(s, n, ".pl"))
			return FLAME_GREEN;
		return ends_with(s, n, "_[k]") ? FLAME_ORANGE : FLAME_RED;
	case FLAME_JS:
		if (ends_with(s, n, "_[j]"))
			return memchr(s, '/', n) ? FLAME_GREEN : FLAME_AQUA;
		if (contains(s, n, "::"))
			return FLAME_YELLOW;
		if ((p = memchr(s, '/', n)) != NULL &&
		    contains(p, n - (size_t)(p - s), ".js"))
			return FLAME_GREEN;
		if (memchr(s, ':', n))
			return FLAME_AQUA;
		if ((p = memchr(s, ' ', n)) != NULL &&
		    memchr(p + 1, ' ', n - (size_t)(p - s) - 1) == NULL)
			return FLAME_GREEN;
		return contains(s, n, "_[k]") ? FLAME_ORANGE : FLAME_RED;
	case FLAME_PYTHON:
		/* fgkit's own: third-party code, the standard library and
		   runtime, your code, the kernel, native code. */
		if (contains(s, n, "site-packages") || contains(s, n, "dist-packages"))
			return FLAME_AQUA;
		if (contains(s, n, "/lib/python") || contains(s, n, "<frozen") ||
		    contains(s, n, "<built-in"))
			return FLAME_YELLOW;
		if (contains(s, n, ".py"))
			return FLAME_GREEN;
		return ends_with(s, n, "_[k]") ? FLAME_ORANGE : FLAME_RED;
	case FLAME_RUST:
		/* fgkit's own: the kernel, std/core/alloc, other Rust paths,
		   everything else (C, the runtime). */
		if (ends_with(s, n, "_[k]"))
			return FLAME_ORANGE;
		if (n > 0 && s[0] == '<')
			s++, n--;
		if (starts_with(s, n, "std::") || starts_with(s, n, "core::") ||
		    starts_with(s, n, "alloc::"))
			return FLAME_YELLOW;
		return contains(s, n, "::") ? FLAME_GREEN : FLAME_RED;
	case FLAME_HOT:
		/* fg-record --hot-cold's off-CPU frames: cold, blue. */
		return contains(s, n, "_[o]") ? FLAME_BLUE : FLAME_HOT;
	case FLAME_WAKEUP:
		return FLAME_AQUA;
	case FLAME_CHAIN:
		return waker ? FLAME_AQUA : FLAME_BLUE;
	default:
		return pal;
	}
}

static void palette_rgb(int pal, double v1, double v2, double v3,
			unsigned char *rgb)
{
	int r = 0, g = 0, b = 0;

	switch (pal) {
	case FLAME_HOT:
		r = 205 + (int)(50 * v3), g = (int)(230 * v1), b = (int)(55 * v2);
		break;
	case FLAME_MEM:
		r = 0, g = 190 + (int)(50 * v2), b = (int)(210 * v1);
		break;
	case FLAME_IO:
		r = g = 80 + (int)(60 * v1), b = 190 + (int)(55 * v2);
		break;
	case FLAME_RED:
		r = 200 + (int)(55 * v1), g = b = 50 + (int)(80 * v1);
		break;
	case FLAME_GREEN:
		r = b = 50 + (int)(60 * v1), g = 200 + (int)(55 * v1);
		break;
	case FLAME_BLUE:
		r = g = 80 + (int)(60 * v1), b = 205 + (int)(50 * v1);
		break;
	case FLAME_YELLOW:
		r = g = 175 + (int)(55 * v1), b = 50 + (int)(20 * v1);
		break;
	case FLAME_PURPLE:
		r = b = 190 + (int)(65 * v1), g = 80 + (int)(60 * v1);
		break;
	case FLAME_AQUA:
		r = 50 + (int)(60 * v1), g = b = 165 + (int)(55 * v1);
		break;
	case FLAME_ORANGE:
		r = 190 + (int)(65 * v1), g = 90 + (int)(65 * v1), b = 0;
		break;
	default:
		break;
	}
	rgb[0] = (unsigned char)r;
	rgb[1] = (unsigned char)g;
	rgb[2] = (unsigned char)b;
}

/* A small PRNG for --random, so no global state is touched. */
static double next_random(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return (double)((*state >> 8) & 0xffffff) / 16777216.0;
}

static void name_colour(const struct flame_opts *o, const char *s, size_t n,
			int waker, unsigned int *rs, unsigned char *rgb)
{
	int pal = rule_palette(o->palette, s, n, waker);
	double v1, v2, v3;

	if (o->random) {
		v1 = next_random(rs);
		v2 = next_random(rs);
		v3 = next_random(rs);
	} else if (o->hash) {
		v1 = name_hash(s, n, 0);
		v2 = v3 = name_hash(s, n, 1);
	} else {
		v1 = v2 = v3 = name_rand(s, n);
	}
	palette_rgb(pal, v1, v2, v3, rgb);
}

static void diff_colour(double delta, double maxdelta, int negate,
			unsigned char *rgb)
{
	if (negate)
		delta = -delta;
	if (delta > maxdelta)
		delta = maxdelta;
	if (delta < -maxdelta)
		delta = -maxdelta;
	if (delta > 0) {
		rgb[0] = 255;
		rgb[1] = rgb[2] = (unsigned char)(int)(210 * (maxdelta - delta) / maxdelta);
	} else if (delta < 0) {
		rgb[0] = rgb[1] = (unsigned char)(int)(210 * (maxdelta + delta) / maxdelta);
		rgb[2] = 255;
	} else {
		rgb[0] = rgb[1] = rgb[2] = 255;
	}
}

/* -------------------------------------------------------- colour map */

int flame_cmap_init(struct flame_cmap *m)
{
	memset(m, 0, sizeof(*m));
	return fold_names_init(&m->names);
}

void flame_cmap_free(struct flame_cmap *m)
{
	fold_names_free(&m->names);
	free(m->rgb);
	memset(m, 0, sizeof(*m));
}

static int cmap_set(struct flame_cmap *m, const char *s, size_t n,
		    const unsigned char *rgb)
{
	fold_id id = fold_intern(&m->names, s, n);

	if (id == FOLD_NOID)
		return -1;
	if (fold_grow(&m->rgb, &m->cap, (size_t)id + 1, sizeof(*m->rgb)) != 0)
		return -1;
	memcpy(m->rgb[id], rgb, 3);
	return 0;
}

int flame_cmap_load(struct flame_cmap *m, const char *path, struct fold_diag *d)
{
	struct fold_input in;
	struct fold_line ln;
	int r, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		fold_diag_error(d, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fold_input_fd(&in, fd, path, d) != 0) {
		close(fd);
		return -1;
	}
	while ((r = fold_input_line(&in, &ln, d)) > 0) {
		const char *arrow = memmem(ln.s, ln.len, "->rgb(", 6);
		unsigned int c[3];
		unsigned char rgb[3];
		char tail[64];
		size_t k = arrow ? ln.len - (size_t)(arrow - ln.s) : 0;

		if (ln.len == 0)
			continue;
		if (arrow == NULL || k >= sizeof(tail))
			goto bad;
		memcpy(tail, arrow, k);
		tail[k] = '\0';
		if (sscanf(tail, "->rgb(%u,%u,%u)%c", &c[0], &c[1], &c[2],
			   (char *)&rgb[0]) != 3 ||
		    c[0] > 255 || c[1] > 255 || c[2] > 255)
			goto bad;
		rgb[0] = (unsigned char)c[0];
		rgb[1] = (unsigned char)c[1];
		rgb[2] = (unsigned char)c[2];
		if (cmap_set(m, ln.s, (size_t)(arrow - ln.s), rgb) != 0) {
			fold_diag_error(d, "%s: %s", path, strerror(errno));
			r = -1;
			break;
		}
		continue;
bad:
		fold_diag_error(d, "%s:%llu: expected NAME->rgb(R,G,B)", path,
				(unsigned long long)in.lineno);
		r = -1;
		break;
	}
	fold_input_close(&in);
	close(fd);
	return r < 0 ? -1 : 0;
}

static int by_name(const void *a, const void *b, void *arg)
{
	const struct fold_names *nm = arg;
	const struct fold_name *x = &nm->v[*(const fold_id *)a];
	const struct fold_name *y = &nm->v[*(const fold_id *)b];
	size_t k = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->str, y->str, k);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

int flame_cmap_save(const struct flame_cmap *m, const char *path,
		    struct fold_diag *d)
{
	size_t n = m->names.n, i, plen = strlen(path);
	fold_id *order = malloc((n ? n : 1) * sizeof(*order));
	char *tmp = malloc(plen + 8);
	struct fold_out o;
	int fd = -1, rc = -1;

	if (order == NULL || tmp == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		order[i] = (fold_id)i;
	qsort_r(order, n, sizeof(*order), by_name, (void *)&m->names);
	snprintf(tmp, plen + 8, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || fold_out_init(&o, fd, 1 << 16) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		const unsigned char *c = m->rgb[order[i]];

		fold_out_bytes(&o, fold_name(&m->names, order[i]),
			       fold_name_len(&m->names, order[i]));
		fold_out_printf(&o, "->rgb(%u,%u,%u)\n", c[0], c[1], c[2]);
	}
	rc = fold_out_close(&o);
	if (close(fd) != 0)
		rc = -1;
	fd = -1;
	if (rc != 0)
		goto fail;
	rc = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fold_diag_error(d, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
out:
	free(order);
	free(tmp);
	return rc;
}

/* --------------------------------------------------------------- fonts */

/* Length of a character a font name may hold at s (NUL-terminated), or 0. */
static size_t font_char(const char *s, int quoted)
{
	unsigned char c = (unsigned char)*s;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '_' ||
	    (quoted && c == '.'))
		return 1;
	return c >= 0x80 ? fold_utf8_char((const unsigned char *)s, strnlen(s, 4)) : 0;
}

int flame_font_next(const char **p, const char **name, size_t *len)
{
	const char *s = *p;
	size_t k;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	if (*s == '"' || *s == '\'') {
		char q = *s++;

		*name = s;
		while (*s != q) {
			if ((k = font_char(s, 1)) == 0)
				return -1;
			s += k;
		}
		*len = (size_t)(s++ - *name);
	} else {
		*name = s;
		while ((k = font_char(s, 0)) > 0)
			s += k;
		*len = (size_t)(s - *name);
	}
	while (*len > 0 && (*name)[0] == ' ')
		(*name)++, (*len)--;
	while (*len > 0 && (*name)[*len - 1] == ' ')
		(*len)--;
	while (*s == ' ')
		s++;
	if (*len == 0 || (*s != ',' && *s != '\0'))
		return -1;
	if (*s == ',') {
		/* A comma is followed by a name. */
		for (s++; *s == ' '; s++)
			;
		if (*s == '\0' || *s == ',')
			return -1;
	}
	*p = s;
	return 1;
}

int flame_font_valid(const char *s)
{
	const char *name;
	size_t len;
	int r, n = 0;

	while ((r = flame_font_next(&s, &name, &len)) > 0)
		n++;
	return r == 0 && n > 0;
}

/* -------------------------------------------------------------- layout */

size_t flame_strip_annotation(const char *s, size_t n)
{
	if (n >= 4 && s[n - 4] == '_' && s[n - 3] == '[' && s[n - 1] == ']' &&
	    (s[n - 2] == 'k' || s[n - 2] == 'j' || s[n - 2] == 'i' ||
	     s[n - 2] == 'w'))
		return n - 4;
	return n;
}

void flame_layout_free(struct flame_layout *l)
{
	free(l->f);
	memset(l, 0, sizeof(*l));
}

static double node_delta(const struct fold_tree *t, size_t i,
			 enum flame_diffcolor dc)
{
	return dc == FLAME_DIFF_TOTAL ?
		       fold_node_total(t, i, 1) - fold_node_total(t, i, 0) :
		       fold_node_self(t, i, 1) - fold_node_self(t, i, 0);
}

int flame_layout(struct flame_layout *l, const struct fold_tree *t, int col,
		 const struct flame_opts *o)
{
	const struct fold_profile *p = t->prof;
	const struct fold_names *nm = &p->names;
	double wpt, minw, fh = o->frameheight;
	uint32_t *stack = NULL, *waker = NULL;
	size_t sp = 0, cap = 0, wcap = 0, fcap = 0, i;
	int frac = p->fractional;
	unsigned int rs = o->seed;

	memset(l, 0, sizeof(*l));
	l->tree = t;
	l->col = col;
	l->width = o->width;
	l->xpad = 10;
	l->ypad1 = o->fontsize * 3;
	l->ypad2 = o->fontsize * 2 + 10;
	l->ypad3 = o->subtitle ? o->fontsize * 2 : 0;
	l->diff = p->ncols == 2;
	l->timemax = fold_node_total(t, 0, col);
	if (o->total > l->timemax)
		l->timemax = o->total;
	if (l->timemax <= 0)
		return 0;	/* nothing to draw: the caller reports it */
	wpt = (o->width - 2 * l->xpad) / l->timemax;
	minw = o->minwidth_pct ? l->timemax * o->minwidth / 100 : o->minwidth / wpt;
	l->minw = minw;

	/* maxdelta: the largest change, as the colour scale's end. */
	l->maxdelta = 1;
	if (l->diff && o->diffcolor == FLAME_DIFF_SELF) {
		for (i = 0; i < p->nstacks; i++) {
			double d = fabs(fold_count_double(p, fold_stack_count(p, i, 1)) -
					fold_count_double(p, fold_stack_count(p, i, 0)));
			if (d > l->maxdelta)
				l->maxdelta = d;
		}
	} else if (l->diff) {
		for (i = 1; i < t->n; i++) {
			double d = fabs(node_delta(t, i, FLAME_DIFF_TOTAL));
			if (d > l->maxdelta)
				l->maxdelta = d;
		}
	}

	/* Depth-first, children left to right; prune narrow frames. */
	if (fold_grow(&stack, &cap, 64, sizeof(*stack)) != 0 ||
	    fold_grow(&waker, &wcap, 64, sizeof(*waker)) != 0)
		goto oom;
	stack[sp] = 0;
	waker[sp++] = 0;
	while (sp > 0) {
		uint32_t id = stack[--sp], c, k, nkids = 0;
		int own = (int)waker[sp], wk = own;
		const struct fold_node *n = &t->nodes[id];
		struct flame_frame *f;
		double end;

		if (id != 0 && fold_count_value(n->total[col], frac) < minw)
			continue;
		if (fold_grow(&l->f, &fcap, l->n + 1, sizeof(*l->f)) != 0)
			goto oom;
		f = &l->f[l->n++];
		f->node = id;
		f->depth = n->depth;
		end = id == 0 ? l->timemax :
				n->start + fold_count_value(n->total[col], frac);
		f->x1 = l->xpad + n->start * wpt;
		f->x2 = l->xpad + end * wpt;
		f->delta = l->diff ? node_delta(t, id, o->diffcolor) : 0;
		if (n->depth > l->depthmax)
			l->depthmax = n->depth;
		if (id != 0 && fold_name_len(nm, n->name) == 2 &&
		    memcmp(fold_name(nm, n->name), "--", 2) == 0)
			wk = 1;	/* chain: frames past "--" are wakers */
		/* Push the children right to left, to pop them in order. */
		for (c = n->first_child; c; c = t->nodes[c].next_sibling)
			nkids++;
		if (fold_grow(&stack, &cap, sp + nkids, sizeof(*stack)) != 0 ||
		    fold_grow(&waker, &wcap, sp + nkids, sizeof(*waker)) != 0)
			goto oom;
		k = nkids;
		for (c = n->first_child; c; c = t->nodes[c].next_sibling) {
			k--;
			stack[sp + k] = c;
			waker[sp + k] = (uint32_t)wk;
		}
		sp += nkids;
		/* colour */
		if (id == 0) {
			if (l->diff)
				diff_colour(f->delta, l->maxdelta, o->negate, f->rgb);
			else
				name_colour(o, "", 0, 0, &rs, f->rgb);
			continue;
		}
		{
			const char *s = fold_name(nm, n->name);
			size_t len = fold_name_len(nm, n->name);
			fold_id cm;

			if (len == 2 && memcmp(s, "--", 2) == 0)
				memset(f->rgb, 160, 3);
			else if (len == 1 && s[0] == '-')
				memset(f->rgb, 200, 3);
			else if (l->diff)
				diff_colour(f->delta, l->maxdelta, o->negate, f->rgb);
			else if (o->cmap != NULL &&
				 (cm = fold_names_find(&o->cmap->names, s, len)) != FOLD_NOID)
				memcpy(f->rgb, o->cmap->rgb[cm], 3);
			else {
				name_colour(o, s, len, own, &rs, f->rgb);
				if (o->cmap != NULL &&
				    cmap_set(o->cmap, s, len, f->rgb) != 0)
					goto oom;
			}
		}
	}
	/* Heights need depthmax, known only now. */
	l->height = (l->depthmax + 1) * fh + l->ypad1 + l->ypad2 + l->ypad3;
	for (i = 0; i < l->n; i++) {
		struct flame_frame *f = &l->f[i];

		if (o->inverted) {
			f->y1 = l->ypad1 + l->ypad3 + f->depth * fh;
			f->y2 = f->y1 + fh - 1;
		} else {
			f->y2 = l->height - l->ypad2 - f->depth * fh;
			f->y1 = f->y2 - fh + 1;
		}
	}
	free(stack);
	free(waker);
	return 0;
oom:
	free(stack);
	free(waker);
	flame_layout_free(l);
	errno = ENOMEM;
	return -1;
}

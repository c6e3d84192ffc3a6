/* profile.c - the stack table: stacks of interned names and their counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "libfold/fold.h"
#include "libfold/graph.h"

int fold_profile_init(struct fold_profile *p, int ncols)
{
	memset(p, 0, sizeof(*p));
	if (ncols < 1 || ncols > FOLD_MAXCOLS) {
		errno = EINVAL;
		return -1;
	}
	p->ncols = ncols;
	if (fold_names_init(&p->names) != 0)
		return -1;
	if (fold_index_init(&p->ix, 1024) != 0) {
		fold_names_free(&p->names);
		return -1;
	}
	return 0;
}

void fold_profile_free(struct fold_profile *p)
{
	fold_names_free(&p->names);
	free(p->recs);
	free(p->stacks);
	free(p->seq);
	free(p->ascends);
	fold_index_free(&p->ix);
	memset(p, 0, sizeof(*p));
}

int fold_profile_set_ncols(struct fold_profile *p, int ncols)
{
	if (ncols < 1 || ncols > FOLD_MAXCOLS || p->nstacks != 0) {
		errno = EINVAL;
		return -1;
	}
	p->ncols = ncols;
	return 0;
}

/* Bytes of a record of depth frames, padded to 8. */
static size_t rec_size(const struct fold_profile *p, size_t depth)
{
	size_t size = sizeof(struct fold_srec) +
		      (size_t)p->ncols * sizeof(fold_count) +
		      depth * sizeof(fold_id);

	return (size + 7) & ~(size_t)7;
}

/* Record bytes for need more, cap growing from at least want; -1 if not. */
static int recs_room(struct fold_profile *p, size_t need, size_t want)
{
	size_t cap = p->caprecs ? p->caprecs * 2 : 1 << 16;
	char *v;

	if (p->caprecs - p->nrecs >= need && p->caprecs >= want)
		return 0;
	if (cap < want)
		cap = want;
	while (cap - p->nrecs < need)
		cap *= 2;
	if (cap / 8 >= UINT32_MAX - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	v = fold_big_realloc(p->recs, p->nrecs, cap);
	if (v == NULL)
		return -1;
	p->recs = v;
	p->caprecs = cap;
	return 0;
}

int fold_profile_reserve(struct fold_profile *p, size_t nstacks, size_t depth)
{
	if (nstacks <= p->nstacks)
		return 0;
	if (nstacks > UINT32_MAX / 2 || depth > UINT32_MAX / 8) {
		errno = EOVERFLOW;
		return -1;
	}
	/* Untouched record memory costs nothing, so err on the large side. */
	if (recs_room(p, 0, p->nrecs + (nstacks - p->nstacks) *
		      rec_size(p, depth + depth / 4)) != 0 ||
	    fold_grow(&p->stacks, &p->capstacks, nstacks,
		      sizeof(*p->stacks)) != 0)
		return -1;
	return fold_index_reserve(&p->ix, nstacks);
}

static struct fold_srec *rec_at(const struct fold_profile *p, uint32_t off)
{
	return (struct fold_srec *)(void *)(p->recs + (size_t)off * 8);
}

/* The record of a stack, added with zero counts if new; NULL on failure. */
uint32_t fold_stack_hash(const fold_id *frames, size_t depth)
{
	return (uint32_t)(fold_hash(frames, depth * sizeof(*frames)) >> 32);
}

static struct fold_srec *get_hashed(struct fold_profile *p,
				    const fold_id *frames, size_t depth,
				    uint32_t h)
{
	size_t bytes = depth * sizeof(*frames), i, size;
	struct fold_srec *r;
	uint32_t off;
	int c;

	if (depth == 0 || depth > UINT32_MAX / 8) {
		errno = EINVAL;
		return NULL;
	}
	for (i = h & p->ix.mask;; i = (i + 1) & p->ix.mask) {
		uint64_t e = p->ix.slot[i];

		if (e == 0)
			break;
		if ((uint32_t)(e >> 32) != h)
			continue;
		r = rec_at(p, (uint32_t)e - 1);
		if (r->depth == depth &&
		    fold_same_bytes(r->counts + p->ncols, frames, bytes))
			return r;
	}
	size = rec_size(p, depth);
	if (recs_room(p, size, 0) != 0 ||
	    fold_grow(&p->stacks, &p->capstacks, p->nstacks + 1,
		      sizeof(*p->stacks)) != 0)
		return NULL;
	off = (uint32_t)(p->nrecs / 8);
	r = rec_at(p, off);
	r->depth = (uint32_t)depth;
	r->index = (uint32_t)p->nstacks;
	for (c = 0; c < p->ncols; c++) {
		if (p->fractional)
			r->counts[c].f = 0;
		else
			r->counts[c].u = 0;
	}
	memcpy(r->counts + p->ncols, frames, bytes);
	p->nrecs += size;
	p->stacks[p->nstacks++] = off;
	if (fold_index_insert(&p->ix, i, h, off) != 0)
		return NULL;
	return r;
}

static struct fold_srec *get(struct fold_profile *p, const fold_id *frames,
			     size_t depth)
{
	return get_hashed(p, frames, depth, fold_stack_hash(frames, depth));
}

long fold_stack_get(struct fold_profile *p, const fold_id *frames, size_t depth)
{
	struct fold_srec *r = get(p, frames, depth);

	return r ? (long)r->index : -1;
}

long fold_stack_get_hashed(struct fold_profile *p, const fold_id *frames,
			   size_t depth, uint32_t hash)
{
	struct fold_srec *r = get_hashed(p, frames, depth, hash);

	return r ? (long)r->index : -1;
}

void fold_set_fractional(struct fold_profile *p)
{
	size_t i;
	int c;

	if (p->fractional)
		return;
	for (i = 0; i < p->nstacks; i++) {
		struct fold_srec *r = fold_srec(p, i);

		for (c = 0; c < p->ncols; c++)
			r->counts[c].f = (double)r->counts[c].u;
	}
	for (i = 0; i < p->nseq; i++)
		for (c = 0; c < FOLD_MAXCOLS; c++)
			p->seq[i].v[c].f = (double)p->seq[i].v[c].u;
	for (c = 0; c < FOLD_MAXCOLS; c++)
		p->total[c].f = (double)p->total[c].u;
	p->fractional = 1;
}

/* Add v to column col of record r, in a fractional profile. */
static void add_f(struct fold_profile *p, struct fold_srec *r, int col, double v)
{
	r->counts[col].f += v;
	p->total[col].f += v;
}

/*
 * Add the integer v to column col of record r.  The column totals are
 * checked, both together: then no sum over stacks, functions or tree
 * nodes can wrap, whichever columns it takes.
 */
static int add_u(struct fold_profile *p, struct fold_srec *r, int col,
		 uint64_t v)
{
	uint64_t t, both;

	if (p->fractional) {
		add_f(p, r, col, (double)v);
		return 0;
	}
	if (__builtin_add_overflow(p->total[col].u, v, &t) ||
	    __builtin_add_overflow(t, p->total[1 - col].u, &both)) {
		errno = EOVERFLOW;
		return -1;
	}
	p->total[col].u = t;
	r->counts[col].u += v;
	return 0;
}

int fold_add(struct fold_profile *p, const fold_id *frames, size_t depth,
	     int col, uint64_t v)
{
	struct fold_srec *r = get(p, frames, depth);

	return r == NULL ? -1 : add_u(p, r, col, v);
}

int fold_add_f(struct fold_profile *p, const fold_id *frames, size_t depth,
	       int col, double v)
{
	struct fold_srec *r = get(p, frames, depth);

	if (r == NULL)
		return -1;
	fold_add_at_f(p, r->index, col, v);
	return 0;
}

int fold_add_at(struct fold_profile *p, size_t stack, int col, uint64_t v)
{
	return add_u(p, fold_srec(p, stack), col, v);
}

void fold_add_at_f(struct fold_profile *p, size_t stack, int col, double v)
{
	fold_set_fractional(p);
	add_f(p, fold_srec(p, stack), col, v);
}

int fold_add_sample(struct fold_profile *p, const fold_id *frames, size_t depth,
		    int col, uint64_t v, int keep_order)
{
	fold_count c[FOLD_MAXCOLS] = { { 0 } };
	long k = fold_stack_get(p, frames, depth);

	if (k < 0 || fold_add_at(p, (size_t)k, col, v) != 0)
		return -1;
	if (!keep_order)
		return 0;
	if (p->fractional)
		c[col].f = (double)v;
	else
		c[col].u = v;
	return fold_seq_add(p, (size_t)k, c);
}

int fold_add_sample_f(struct fold_profile *p, const fold_id *frames,
		      size_t depth, int col, double v, int keep_order)
{
	fold_count c[FOLD_MAXCOLS] = { { 0 } };
	long k = fold_stack_get(p, frames, depth);

	if (k < 0)
		return -1;
	fold_add_at_f(p, (size_t)k, col, v);
	if (!keep_order)
		return 0;
	c[col].f = v;
	return fold_seq_add(p, (size_t)k, c);
}


/*
 * Walk a stack's folded string one byte at a time: *fi is the frame, *ci the
 * byte within its name, and ci == len stands for the ';' after it.
 */
static int next_byte(const struct fold_profile *p, const fold_id *f, size_t n,
		     size_t *fi, size_t *ci)
{
	for (;;) {
		const struct fold_name *nm = &p->names.v[f[*fi]];

		if (*ci < nm->len)
			return (unsigned char)nm->str[(*ci)++];
		if (*ci == nm->len) {
			if (*fi + 1 >= n)
				return -1;
			(*ci)++;
			return ';';
		}
		(*fi)++;
		*ci = 0;
	}
}

int fold_stack_cmp(const struct fold_profile *p, size_t a, size_t b)
{
	size_t na, nb, i = 0, fa_i, fb_i, ca, cb, la, lb, m;
	const fold_id *fa = fold_stack_frames(p, a, &na);
	const fold_id *fb = fold_stack_frames(p, b, &nb);
	int r;

	i = fold_common_ids(fa, fb, na < nb ? na : nb);
	if (i == na || i == nb)
		return na < nb ? -1 : na > nb;
	la = p->names.v[fa[i]].len;
	lb = p->names.v[fb[i]].len;
	m = la < lb ? la : lb;
	r = memcmp(p->names.v[fa[i]].str, p->names.v[fb[i]].str, m);
	if (r != 0)
		return r;
	/* One name is a prefix of the other: compare what follows bytewise. */
	fa_i = fb_i = i;
	ca = cb = m;
	for (;;) {
		int x = next_byte(p, fa, na, &fa_i, &ca);
		int y = next_byte(p, fb, nb, &fb_i, &cb);

		if (x != y)
			return x < y ? -1 : 1;
		if (x < 0)
			return 0;
	}
}

/*
 * Natural merge sort of stack indexes (stable, n log n, no recursion): the
 * ascending runs already there are merged pairwise.  Stacks read from
 * sorted folded files come in a few long runs (one per file), so this is
 * nearly linear on them.
 */
int fold_stack_ascends(struct fold_profile *p, size_t i)
{
	size_t old = p->capascends;

	if (fold_grow(&p->ascends, &p->capascends, i / 64 + 1,
		      sizeof(*p->ascends)) != 0)
		return -1;
	memset(p->ascends + old, 0,
	       (p->capascends - old) * sizeof(*p->ascends));
	p->ascends[i / 64] |= (uint64_t)1 << (i % 64);
	return 0;
}

uint32_t *fold_sorted(const struct fold_profile *p)
{
	size_t n = p->nstacks, nruns = 0, i, r;
	uint32_t *a = malloc((n ? n : 1) * sizeof(*a));
	uint32_t *b = malloc((n ? n : 1) * sizeof(*b));
	size_t *run = malloc((n + 1) * sizeof(*run));	/* run starts, then n */
	uint32_t *t;

	if (a == NULL || b == NULL || run == NULL) {
		free(a);
		free(b);
		free(run);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		a[i] = (uint32_t)i;
		if (i == 0 || (!fold_stack_ascending(p, i) && fold_stack_cmp(p, i - 1, i) > 0))
			run[nruns++] = i;
	}
	run[nruns] = n;
	while (nruns > 1) {
		size_t m = 0;

		for (r = 0; r < nruns; r += 2) {
			/* an odd last run is copied: run[nruns] is n */
			size_t lo = run[r], mid = run[r + 1];
			size_t hi = r + 2 <= nruns ? run[r + 2] : n;
			size_t x = lo, y = mid, k = lo;

			while (x < mid && y < hi)
				b[k++] = fold_stack_cmp(p, a[y], a[x]) < 0 ?
						 a[y++] : a[x++];
			while (x < mid)
				b[k++] = a[x++];
			while (y < hi)
				b[k++] = a[y++];
			run[m++] = lo;
		}
		run[m] = n;
		nruns = m;
		t = a;
		a = b;
		b = t;
	}
	free(b);
	free(run);
	return a;
}

/* The deepest stack of p (at least 1, for buffer sizes). */
static size_t max_depth(const struct fold_profile *p)
{
	size_t i, m = 1;

	for (i = 0; i < p->nstacks; i++)
		if (fold_srec(p, i)->depth > m)
			m = fold_srec(p, i)->depth;
	return m;
}

int fold_merge(struct fold_profile *dst, int dcol,
	       const struct fold_profile *src, int scol)
{
	size_t nn = src->names.n, i, j, depth;
	fold_id *map = malloc((nn ? nn : 1) * sizeof(*map));
	fold_id *buf = malloc(max_depth(src) * sizeof(*buf));
	int rc = -1;

	if (map == NULL || buf == NULL)
		goto out;
	if (dst->unit[dcol].unit[0] == '\0')
		dst->unit[dcol] = src->unit[scol];
	for (i = 0; i < nn; i++)
		map[i] = FOLD_NOID;
	for (i = 0; i < src->nstacks; i++) {
		const fold_id *f = fold_stack_frames(src, i, &depth);
		fold_count c = fold_stack_count(src, i, scol);

		for (j = 0; j < depth; j++) {
			if (map[f[j]] == FOLD_NOID) {
				map[f[j]] = fold_intern(&dst->names,
							fold_name(&src->names, f[j]),
							fold_name_len(&src->names, f[j]));
				if (map[f[j]] == FOLD_NOID)
					goto out;
			}
			buf[j] = map[f[j]];
		}
		if (src->fractional) {
			if (fold_add_f(dst, buf, depth, dcol, c.f) != 0)
				goto out;
		} else if (fold_add(dst, buf, depth, dcol, c.u) != 0) {
			goto out;
		}
	}
	rc = 0;
out:
	free(map);
	free(buf);
	return rc;
}

int fold_seq_add(struct fold_profile *p, size_t stack, const fold_count *v)
{
	struct fold_seq *e;
	int c;

	if (fold_grow(&p->seq, &p->capseq, p->nseq + 1, sizeof(*p->seq)) != 0)
		return -1;
	e = &p->seq[p->nseq++];
	e->stack = (uint32_t)stack;
	for (c = 0; c < FOLD_MAXCOLS; c++)
		e->v[c].u = 0;
	for (c = 0; c < p->ncols; c++)
		e->v[c] = v[c];
	return 0;
}

/*
 * Each name of src as an id in dst: rename()'s, or the same id when rename
 * is NULL (the names are then interned in id order).  A malloc'd array in
 * *names; -1 on failure.
 */
static int map_names(struct fold_profile *dst, const struct fold_profile *src,
		     fold_rename_fn rename, void *rarg, fold_id **names)
{
	size_t nn = src->names.n, i;

	*names = malloc((nn ? nn : 1) * sizeof(**names));
	if (*names == NULL)
		return -1;
	for (i = 0; i < nn; i++) {
		const char *s = fold_name(&src->names, (fold_id)i);
		size_t len = fold_name_len(&src->names, (fold_id)i);

		(*names)[i] = rename ? rename(rarg, &dst->names, s, len) :
				       fold_intern(&dst->names, s, len);
		if ((*names)[i] == FOLD_NOID)
			return -1;
	}
	return 0;
}

/*
 * Copy src into the empty dst, rewriting each stack: xform() puts the new
 * frames in out and returns their number (0 drops the stack), on src's ids;
 * names[] (from map_names) then gives them in dst.
 */
typedef size_t (*xform_fn)(const fold_id *f, size_t n, fold_id *out,
			   const void *arg);

static int transform(struct fold_profile *dst, const struct fold_profile *src,
		     xform_fn xform, const void *arg, const fold_id *names)
{
	size_t i, j, n;
	fold_id *buf = malloc(max_depth(src) * sizeof(*buf));
	uint32_t *map = malloc((src->nstacks ? src->nstacks : 1) * sizeof(*map));
	int c, rc = -1;

	if (buf == NULL || map == NULL ||
	    fold_profile_set_ncols(dst, src->ncols) != 0)
		goto out;
	if (src->fractional)
		fold_set_fractional(dst);
	/* At most as many stacks, of the same size, as src: one allocation. */
	if (src->nstacks > 0 &&
	    fold_profile_reserve(dst, src->nstacks,
				 (src->nrecs / src->nstacks) / sizeof(fold_id)) != 0)
		goto out;
	for (i = 0; i < src->nstacks; i++) {
		const fold_id *f = fold_stack_frames(src, i, &n);
		struct fold_srec *r;

		map[i] = UINT32_MAX;
		n = xform(f, n, buf, arg);
		if (n == 0)
			continue;
		for (j = 0; j < n; j++)
			buf[j] = names[buf[j]];
		r = get(dst, buf, n);
		if (r == NULL)
			goto out;
		map[i] = r->index;
		for (c = 0; c < src->ncols; c++) {
			fold_count v = fold_stack_count(src, i, c);

			if (src->fractional)
				add_f(dst, r, c, v.f);
			else if (add_u(dst, r, c, v.u) != 0)
				goto out;
		}
	}
	for (c = 0; c < FOLD_MAXCOLS; c++)
		dst->unit[c] = src->unit[c];
	for (j = 0; j < src->nseq; j++)
		if (map[src->seq[j].stack] != UINT32_MAX &&
		    fold_seq_add(dst, map[src->seq[j].stack], src->seq[j].v) != 0)
			goto out;
	rc = 0;
out:
	free(buf);
	free(map);
	return rc;
}

/* transform with src's names as they are. */
static int transform_same_names(struct fold_profile *dst,
				const struct fold_profile *src, xform_fn xform,
				const void *arg)
{
	fold_id *names;
	int rc = map_names(dst, src, NULL, NULL, &names) == 0 &&
		 transform(dst, src, xform, arg, names) == 0 ? 0 : -1;

	free(names);
	return rc;
}

static size_t same_xf(const fold_id *f, size_t n, fold_id *out, const void *arg)
{
	(void)arg;
	memcpy(out, f, n * sizeof(*f));
	return n;
}

int fold_rename(struct fold_profile *p, fold_rename_fn rename, void *arg)
{
	struct fold_profile q;
	fold_id *names = NULL;
	size_t i, len;
	int same = 1;

	if (fold_profile_init(&q, p->ncols) != 0)
		return -1;
	if (map_names(&q, p, rename, arg, &names) != 0)
		goto fail;
	/*
	 * When no name changes (no hex address to strip, say) the renamed
	 * profile would be a copy, so p stays as it is.
	 */
	for (i = 0; i < p->names.n && same; i++) {
		len = fold_name_len(&p->names, (fold_id)i);
		same = names[i] == i && fold_name_len(&q.names, names[i]) == len &&
		       memcmp(fold_name(&q.names, names[i]),
			      fold_name(&p->names, (fold_id)i), len) == 0;
	}
	if (!same) {
		if (transform(&q, p, same_xf, NULL, names) != 0)
			goto fail;
		fold_profile_free(p);
		*p = q;
	} else {
		fold_profile_free(&q);
	}
	free(names);
	return 0;
fail:
	free(names);
	fold_profile_free(&q);
	return -1;
}

static size_t reverse_xf(const fold_id *f, size_t n, fold_id *out,
			 const void *arg)
{
	size_t j;

	(void)arg;
	for (j = 0; j < n; j++)
		out[j] = f[n - 1 - j];
	return n;
}

int fold_reverse(struct fold_profile *dst, const struct fold_profile *src)
{
	return transform_same_names(dst, src, reverse_xf, NULL);
}

static size_t reroot_xf(const fold_id *f, size_t n, fold_id *out,
			const void *arg)
{
	const unsigned char *is_base = arg;
	size_t j = 0;

	while (j < n && !is_base[f[j]])
		j++;
	memcpy(out, f + j, (n - j) * sizeof(*f));
	return n - j;
}

int fold_reroot(struct fold_profile *dst, const struct fold_profile *src,
		const unsigned char *is_base)
{
	return transform_same_names(dst, src, reroot_xf, is_base);
}

/* What a name does to the stacks through it, under fold_filter. */
enum { F_FOCUS = 1, F_IGNORE = 2, F_HIDE = 4 };

static size_t filter_xf(const fold_id *f, size_t n, fold_id *out,
			const void *arg)
{
	const unsigned char *flags = arg;
	size_t i, k = 0;
	int focus = 0;

	for (i = 0; i < n; i++) {
		if (flags[f[i]] & F_IGNORE)
			return 0;
		focus |= flags[f[i]] & F_FOCUS;
		if (!(flags[f[i]] & F_HIDE))
			out[k++] = f[i];
	}
	return focus ? k : 0;
}

int fold_filter(struct fold_profile *dst, const struct fold_profile *src,
		struct fold_filter *ft)
{
	unsigned char *flags = calloc(src->names.n ? src->names.n : 1, 1);
	size_t i;
	int rc;

	if (flags == NULL)
		return -1;
	memset(ft->matched, 0, sizeof(ft->matched));
	for (i = 0; i < src->names.n; i++) {
		const char *s = fold_name(&src->names, (fold_id)i);

		/* As pprof's FilterSamplesByName: ignore first, then focus. */
		if (ft->ignore && regexec(ft->ignore, s, 0, NULL, 0) == 0) {
			flags[i] |= F_IGNORE;
			ft->matched[1] = 1;
		} else if (ft->focus == NULL ||
			   regexec(ft->focus, s, 0, NULL, 0) == 0) {
			flags[i] |= F_FOCUS;
			ft->matched[0] = 1;
		}
		if (ft->hide && regexec(ft->hide, s, 0, NULL, 0) == 0) {
			flags[i] |= F_HIDE;
			ft->matched[2] = 1;
		}
		if (ft->show) {
			if (regexec(ft->show, s, 0, NULL, 0) == 0)
				ft->matched[3] = 1;
			else
				flags[i] |= F_HIDE;
		}
	}
	rc = transform_same_names(dst, src, filter_xf, flags);
	free(flags);
	return rc;
}

/* ---------------------------------------------------------------- units */

void fold_unit_set(struct fold_unit *u, const char *type, const char *unit)
{
	snprintf(u->type, sizeof(u->type), "%s", type ? type : "");
	snprintf(u->unit, sizeof(u->unit), "%s", unit ? unit : "");
}

int fold_unit_parse(struct fold_unit *u, const char *s)
{
	const char *slash = strchr(s, '/');
	size_t tlen = slash ? (size_t)(slash - s) : 0;
	const char *unit = slash ? slash + 1 : s;

	if (*unit == '\0' || (slash && tlen == 0) || strchr(unit, '/') != NULL ||
	    tlen >= sizeof(u->type) || strlen(unit) >= sizeof(u->unit)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(u->type, s, tlen);
	u->type[tlen] = '\0';
	strcpy(u->unit, unit);
	if (tlen == 0) {
		/* A bare unit: pprof's usual type names for it. */
		static const char *const time[] = { "ns", "nanoseconds", "us",
			"microseconds", "ms", "milliseconds", "s", "seconds" };
		static const char *const space[] = { "B", "bytes", "kB",
			"kilobytes", "MB", "megabytes" };
		const char *type = "samples";
		size_t i;

		for (i = 0; i < sizeof(time) / sizeof(time[0]); i++)
			if (strcmp(unit, time[i]) == 0)
				type = "time";
		for (i = 0; i < sizeof(space) / sizeof(space[0]); i++)
			if (strcmp(unit, space[i]) == 0)
				type = "space";
		strcpy(u->type, type);
	}
	return 0;
}

int fold_unit_same(const struct fold_unit *a, const struct fold_unit *b)
{
	return strcmp(a->unit[0] ? a->unit : "count",
		      b->unit[0] ? b->unit : "count") == 0;
}

void fold_unit_name(const struct fold_unit *u, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", u->type[0] ? u->type : "samples",
		 u->unit[0] ? u->unit : "count");
}

/*
 * pprof_write.c - folded stacks to a gzipped profile.proto
 * (formats/README.md, "pprof: messages and fields", "pprof: writer
 * conventions").
 *
 * Folded stacks carry only names, so each distinct frame name becomes one
 * Function and one Location with a single Line, and each stack one Sample
 * whose location ids run leaf first.  The message is packed by protobuf-c
 * straight into a gzip stream, so the packed bytes are never held whole.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "formats/pprof/pprof.h"
#include "libfold/out.h"
#include "formats/pprof/profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__ValueType ValueType;

/* --------------------------------------------------- gzip output stream */

#define STAGE_SIZE (64u << 10)
#define OUT_SIZE (256u << 10)

/*
 * A ProtobufCBuffer that gzips what it is given into libfold's writer.
 * protobuf-c appends a few bytes at a time, so they are staged first and
 * deflated in large blocks, straight into the writer's buffer.
 */
struct gzout {
	ProtobufCBuffer base;
	z_stream z;
	struct fold_out o;
	size_t nstage;
	unsigned char stage[STAGE_SIZE];
};

static void deflate_some(struct gzout *g, const unsigned char *data,
			 size_t len, int flush)
{
	g->z.next_in = (unsigned char *)data;
	g->z.avail_in = (uInt)len;
	do {
		char *room = fold_out_room(&g->o, OUT_SIZE / 4);
		size_t avail;

		if (room == NULL)
			return;		/* the writer keeps the error */
		avail = g->o.cap - g->o.n;
		g->z.next_out = (unsigned char *)room;
		g->z.avail_out = (uInt)avail;
		if (deflate(&g->z, flush) == Z_STREAM_ERROR) {
			g->o.err = EIO;
			return;
		}
		g->o.n += avail - g->z.avail_out;
	} while (g->z.avail_out == 0 || g->z.avail_in > 0);
}

static void gz_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct gzout *g = (struct gzout *)(void *)b;

	if (len >= STAGE_SIZE / 2) {
		deflate_some(g, g->stage, g->nstage, Z_NO_FLUSH);
		g->nstage = 0;
		deflate_some(g, data, len, Z_NO_FLUSH);
		return;
	}
	if (STAGE_SIZE - g->nstage < len) {
		deflate_some(g, g->stage, g->nstage, Z_NO_FLUSH);
		g->nstage = 0;
	}
	memcpy(g->stage + g->nstage, data, len);
	g->nstage += len;
}

/* ----------------------------------------------------------- the writer */

struct strtab {
	char **v;
	size_t n, cap;
};

static int64_t add_string(struct strtab *t, const char *s)
{
	if (fold_grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != 0)
		return -1;
	t->v[t->n] = (char *)s;
	return (int64_t)t->n++;
}

/* "type/unit" into a ValueType; -1 if it has no '/'. */
static int value_type(struct strtab *t, struct fold_arena *a, const char *spec,
		      ValueType *vt)
{
	const char *slash = strchr(spec, '/');
	char *type;

	if (slash == NULL)
		return -1;
	type = fold_arena_strndup(a, spec, (size_t)(slash - spec));
	if (type == NULL)
		return -1;
	perftools__profiles__value_type__init(vt);
	vt->type = add_string(t, type);
	vt->unit = add_string(t, slash + 1);
	return vt->type < 0 || vt->unit < 0 ? -1 : 0;
}

/* A count as pprof's int64: fractional counts rounded. */
static int to_int64(const struct fold_profile *p, fold_count c, int64_t *v)
{
	if (p->fractional) {
		double r = nearbyint(c.f);

		if (!(r >= 0 && r < 9223372036854775808.0))
			return -1;
		*v = (int64_t)r;
		return 0;
	}
	if (c.u > INT64_MAX)
		return -1;
	*v = (int64_t)c.u;
	return 0;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Bytes a Sample field of depth ids and ncols values may take. */
#define SAMPLE_MAX(depth, ncols) (3 * 11 + ((depth) + (ncols)) * 10)

/*
 * Profile field 2 (a Sample) for stack i into buf; returns its length.
 * Samples are most of the message, and protobuf-c's generic packer spends
 * more on each than this does; the layout is the one protobuf-c writes for
 * proto3 (packed repeated scalars), and the tests read it back with
 * protobuf-c and go tool pprof.
 */
static size_t put_sample(uint8_t *buf, const struct fold_profile *p, size_t i,
			 const uint64_t *loc_of, const int64_t *v)
{
	size_t depth, k, nids = 0, nvals = 0, body;
	const fold_id *f = fold_stack_frames(p, i, &depth);
	uint8_t *q = buf;
	int col;

	for (k = 0; k < depth; k++)
		nids += varint_size(loc_of[f[k]]);
	for (col = 0; col < p->ncols; col++)
		nvals += varint_size((uint64_t)v[col]);
	body = 1 + varint_size(nids) + nids + 1 + varint_size(nvals) + nvals;
	*q++ = 2 << 3 | 2;
	q = put_varint(q, body);
	*q++ = 1 << 3 | 2;		/* location_id, leaf first */
	q = put_varint(q, nids);
	for (k = depth; k-- > 0;)
		q = put_varint(q, loc_of[f[k]]);
	*q++ = 2 << 3 | 2;		/* value */
	q = put_varint(q, nvals);
	for (col = 0; col < p->ncols; col++)
		q = put_varint(q, (uint64_t)v[col]);
	return (size_t)(q - buf);
}

struct use {
	uint64_t n;
	size_t name;
};

static int by_use(const void *a, const void *b)
{
	const struct use *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/*
 * use[0..n) holds each name's number of uses; replace it with the name's
 * id, 1 for the most used and so on, 0 for unused ones; *count gets how
 * many are used.
 */
static int number_by_use(uint64_t *use, size_t n, size_t *count)
{
	struct use *u = malloc((n ? n : 1) * sizeof(*u));
	size_t i, m = 0;

	if (u == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (use[i] > 0) {
			u[m].n = use[i];
			u[m++].name = i;
		}
	qsort(u, m, sizeof(*u), by_use);
	for (i = 0; i < m; i++)
		use[u[i].name] = i + 1;
	*count = m;
	free(u);
	return 0;
}

int pprof_write(const struct fold_profile *p, int fd,
		const struct pprof_write_opts *opts, struct fold_diag *d)
{
	static const char *const one[] = { "samples/count" };
	static const char *const two[] = { "before/count", "after/count" };
	Profile pr = PERFTOOLS__PROFILES__PROFILE__INIT;
	ValueType vts[FOLD_MAXCOLS], period_type;
	ValueType *vtp[FOLD_MAXCOLS];
	Mapping map = PERFTOOLS__PROFILES__MAPPING__INIT;
	Mapping *mapp = &map;
	struct strtab st = { 0 };
	struct fold_arena a;
	struct gzout *g = NULL;
	uint64_t *loc_of = NULL;	/* name id -> location id, 0 = unused */
	Function *funcs = NULL, **funcp = NULL;
	Location *locs = NULL, **locp = NULL;
	Line *lines = NULL, **linep = NULL;
	uint8_t *sbuf = NULL;
	size_t i, nfn = 0, maxdepth = 0;
	int col, rc = -1, zinit = 0;

	fold_arena_init(&a);
	if (add_string(&st, "") < 0)
		goto nomem;
	for (col = 0; col < p->ncols; col++) {
		const char *spec = opts->type[col] ? opts->type[col] :
				   (p->ncols == 1 ? one : two)[col];

		if (value_type(&st, &a, spec, &vts[col]) != 0) {
			fold_diag_error(d, "sample type '%s' is not TYPE/UNIT",
					spec);
			errno = EINVAL;
			goto out;
		}
		vtp[col] = &vts[col];
	}
	pr.n_sample_type = (size_t)p->ncols;
	pr.sample_type = vtp;
	if (opts->period > 0) {
		period_type = vts[0];
		pr.period_type = &period_type;
		pr.period = opts->period;
	}

	/*
	 * One Function and Location per frame name that a stack uses.  Ids
	 * go to names by how often stacks use them, so the commonest frames
	 * get one-byte varints: a smaller message packs and gzips faster.
	 */
	loc_of = calloc(p->names.n ? p->names.n : 1, sizeof(*loc_of));
	if (loc_of == NULL)
		goto nomem;
	for (i = 0; i < p->nstacks; i++) {
		size_t depth, k;
		const fold_id *f = fold_stack_frames(p, i, &depth);

		for (k = 0; k < depth; k++)
			loc_of[f[k]]++;
	}
	if (number_by_use(loc_of, p->names.n, &nfn) != 0)
		goto nomem;
	funcs = calloc(nfn + 1, sizeof(*funcs));
	funcp = calloc(nfn + 1, sizeof(*funcp));
	locs = calloc(nfn + 1, sizeof(*locs));
	locp = calloc(nfn + 1, sizeof(*locp));
	lines = calloc(nfn + 1, sizeof(*lines));
	linep = calloc(nfn + 1, sizeof(*linep));
	if (funcs == NULL || funcp == NULL || locs == NULL || locp == NULL ||
	    lines == NULL || linep == NULL)
		goto nomem;
	for (i = 0; i < p->names.n; i++) {
		size_t k = loc_of[i];

		if (k == 0)
			continue;
		k--;
		perftools__profiles__function__init(&funcs[k]);
		funcs[k].id = k + 1;
		funcs[k].name = add_string(&st, fold_name(&p->names, (fold_id)i));
		if (funcs[k].name < 0)
			goto nomem;
		funcp[k] = &funcs[k];
		perftools__profiles__line__init(&lines[k]);
		lines[k].function_id = k + 1;
		linep[k] = &lines[k];
		perftools__profiles__location__init(&locs[k]);
		locs[k].id = k + 1;
		locs[k].mapping_id = 1;
		locs[k].n_line = 1;
		locs[k].line = &linep[k];
		locp[k] = &locs[k];
	}
	pr.n_function = pr.n_location = nfn;
	pr.function = funcp;
	pr.location = locp;

	/*
	 * One mapping that says the names are already there, so pprof does
	 * not look for a binary to symbolize with (formats/README.md, "pprof:
	 * what go tool pprof accepts").
	 */
	map.id = 1;
	map.has_functions = 1;
	pr.n_mapping = 1;
	pr.mapping = &mapp;

	pr.n_string_table = st.n;
	pr.string_table = st.v;

	g = malloc(sizeof(*g));
	if (g == NULL)
		goto nomem;
	memset(&g->z, 0, sizeof(g->z));
	g->base.append = gz_append;
	g->nstage = 0;
	if (fold_out_init(&g->o, fd, OUT_SIZE) != 0) {
		free(g);
		g = NULL;
		goto nomem;
	}
	if (deflateInit2(&g->z, opts->level, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		fold_diag_error(d, "cannot start the gzip encoder");
		errno = EINVAL;
		goto out;
	}
	zinit = 1;
	/* The tables through protobuf-c; then the samples (see put_sample). */
	perftools__profiles__profile__pack_to_buffer(&pr, &g->base);
	for (i = 0; i < p->nstacks; i++) {
		size_t depth;

		fold_stack_frames(p, i, &depth);
		if (depth > maxdepth)
			maxdepth = depth;
	}
	sbuf = malloc(SAMPLE_MAX(maxdepth, p->ncols));
	if (sbuf == NULL)
		goto nomem;
	for (i = 0; i < p->nstacks; i++) {
		int64_t v[FOLD_MAXCOLS];
		int zero = 1;

		for (col = 0; col < p->ncols; col++) {
			if (to_int64(p, fold_stack_count(p, i, col), &v[col]) != 0) {
				fold_diag_error(d, "a count is too large for "
						"pprof's 64-bit signed values");
				errno = EOVERFLOW;
				goto out;
			}
			zero &= v[col] == 0;
		}
		if (!zero)
			gz_append(&g->base, put_sample(sbuf, p, i, loc_of, v), sbuf);
	}
	deflate_some(g, g->stage, g->nstage, Z_FINISH);
	if (fold_out_close(&g->o) != 0) {
		g->o.buf = NULL;
		fold_diag_error(d, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	errno = ENOMEM;
	fold_diag_error(d, "%s", strerror(errno));
out:
	if (zinit)
		deflateEnd(&g->z);
	if (g != NULL)
		free(g->o.buf);	/* NULL once closed */
	free(g);
	free(sbuf);
	free(funcs);
	free(funcp);
	free(locs);
	free(locp);
	free(lines);
	free(linep);
	free(loc_of);
	free(st.v);
	fold_arena_free(&a);
	return rc;
}

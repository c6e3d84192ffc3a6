/*
 * go_raw.c - `go tool pprof -raw` text, folded as stackcollapse-go.pl
 * does: the "Samples:" section lists each sample's values and its
 * locations by id, leaf first; the "Locations" section that follows names
 * them.  The count is a sample's first value (samples, contentions,
 * goroutines ...).  A location with inlined calls prints one line per
 * function, innermost first; each is a frame here (the script keeps only
 * the first), and a single-value sample ("12: 1 2 3", a goroutine
 * profile) counts its value (the script misreads it).
 *
 * The text must be read to its end before a stack can be named, so the
 * samples are kept meanwhile: each distinct list of location ids once, in
 * a profile of its own whose "names" are the ids.
 */
#include <errno.h>
#include <stdlib.h>

#include "formats/runtime/runtime.h"
#include "formats/text/chars.h"

enum go_section { GO_HEAD, GO_TYPES, GO_SAMPLES, GO_LOCATIONS, GO_END };

struct go_raw {
	struct fold_profile ids;	/* stacks of location ids, leaf first */
	fold_id *tmp;			/* one sample's ids */
	size_t ntmp, captmp;
	/* per location id (a name of ids): its frames in pool, innermost first */
	uint32_t *start, *nframes;
	size_t capstart, capn;
	fold_id *pool;
	size_t npool, cappool;
	long cur;			/* the location whose lines are being read */
	/*
	 * The interned id of each small location number, once looked up: a
	 * sample lists dozens, and hashing each one's text was most of the
	 * time spent on large profiles.
	 */
	fold_id *small;			/* GO_SMALL entries, FOLD_NOID: not yet */
};

#define GO_SMALL 65536u

static const char *skip_blanks(const char *p, const char *e)
{
	while (p < e && ch_is(*p, CH_SPACE))
		p++;
	return p;
}

static const char *skip_digits(const char *p, const char *e)
{
	while (p < e && ch_is(*p, CH_DIGIT))
		p++;
	return p;
}

/* The id of location number s[0..len) (digits) among g->ids' names. */
static fold_id go_loc(struct go_raw *g, const char *s, size_t len)
{
	size_t v = 0, i;
	fold_id id;

	/* (a leading zero is other text than the number: not cached) */
	if (len > 5 || (s[0] == '0' && len > 1))
		return fold_intern(&g->ids.names, s, len);
	for (i = 0; i < len; i++)
		v = v * 10 + (size_t)(s[i] - '0');
	if (v >= GO_SMALL)
		return fold_intern(&g->ids.names, s, len);
	if (g->small[v] != FOLD_NOID)
		return g->small[v];
	id = fold_intern(&g->ids.names, s, len);
	g->small[v] = id;
	return id;
}

/*
 * "  COUNT [VALUE...]: ID ID ..." into g->tmp and *count: 1, 0 for other
 * lines (label lines: "      worker:[fib]"), -1 when out of memory or
 * past 2^64 - 1.
 */
static int go_sample(struct go_raw *g, const char *s, size_t len,
		     uint64_t *count)
{
	const char *e = s + len, *p = skip_blanks(s, e), *q;
	uint64_t v = 0;

	q = skip_digits(p, e);
	if (q == p)
		return 0;
	for (; p < q; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v)) {
			errno = EOVERFLOW;
			return -1;
		}
	/* the other values */
	for (;;) {
		p = skip_blanks(q, e);
		q = skip_digits(p, e);
		if (q == p)
			break;
	}
	if (p == e || *p != ':')
		return 0;
	*count = v;
	g->ntmp = 0;
	for (p++;;) {
		p = skip_blanks(p, e);
		if (p == e)
			break;
		q = skip_digits(p, e);
		if (q == p || (q < e && !ch_is(*q, CH_SPACE)))
			return 0;
		if (fold_grow(&g->tmp, &g->captmp, g->ntmp + 1, sizeof(*g->tmp)) != 0)
			return -1;
		g->tmp[g->ntmp] = go_loc(g, p, (size_t)(q - p));
		if (g->tmp[g->ntmp++] == FOLD_NOID)
			return -1;
		p = q;
	}
	return 1;
}

/* One of a location's functions, "NAME FILE:LINE s=N", as its frame. */
static int go_frame(struct go_raw *g, struct fold_profile *p, const char *s,
		    const char *e)
{
	const char *w = s;
	fold_id id;

	while (w < e && *w != ' ')
		w++;
	id = fold_intern(&p->names, s, (size_t)(w - s));
	if (id == FOLD_NOID ||
	    fold_grow(&g->pool, &g->cappool, g->npool + 1, sizeof(*g->pool)) != 0)
		return -1;
	g->pool[g->npool++] = id;
	g->nframes[g->cur]++;
	return 0;
}

/*
 * "   ID: 0xADDR [M=N] [[F]] NAME FILE:LINE s=N" starts location ID; a line
 * of blanks and "NAME ..." continues it (an inlined call's caller).
 */
static int go_location(struct go_raw *g, struct fold_profile *p,
		       const char *s, size_t len)
{
	const char *e = s + len, *w = skip_blanks(s, e), *q, *a;
	fold_id id;

	q = skip_digits(w, e);
	if (q > w && e - q >= 4 && q[0] == ':' && q[1] == ' ' && q[2] == '0' &&
	    q[3] == 'x') {
		id = fold_names_find(&g->ids.names, w, (size_t)(q - w));
		g->cur = -1;
		if (id == FOLD_NOID)
			return 0;	/* in no sample */
		g->cur = (long)id;
		g->start[id] = (uint32_t)g->npool;
		g->nframes[id] = 0;
		a = q + 2;
		for (w = a; w < e && *w != ' '; w++)
			;
		w = skip_blanks(w, e);
		if (rt_starts(w, (size_t)(e - w), "M=")) {
			for (; w < e && *w != ' '; w++)
				;
			w = skip_blanks(w, e);
		}
		if (rt_starts(w, (size_t)(e - w), "[F] "))
			w = skip_blanks(w + 4, e);
		if (w == e) {
			/* no function: the address stands for it */
			for (w = a; w < e && *w != ' '; w++)
				;
			return go_frame(g, p, a, w);
		}
		return go_frame(g, p, w, e);
	}
	if (g->cur >= 0 && w > s && w < e && q == w)
		return go_frame(g, p, w, e);
	return 0;
}

/* Each kept list of ids, named, into p. */
static int go_emit(struct go_raw *g, struct fold_profile *p,
		   const struct fold_read_opts *ro, struct rt_stack *st)
{
	size_t i, n = ro->keep_order ? g->ids.nseq : g->ids.nstacks;

	for (i = 0; i < n; i++) {
		size_t k = ro->keep_order ? g->ids.seq[i].stack : i, depth, j;
		const fold_id *f = fold_stack_frames(&g->ids, k, &depth);
		uint64_t v = ro->keep_order ? g->ids.seq[i].v[0].u :
			     fold_stack_count(&g->ids, k, 0).u;

		st->n = 0;
		for (j = 0; j < depth; j++) {
			fold_id loc = f[j];
			uint32_t m = loc < g->capn ? g->nframes[loc] : 0;

			/* leaf first, as st keeps them: innermost first */
			if (m == 0) {
				/* a location never listed: its id, as the script */
				if (rt_push(st, p, fold_name(&g->ids.names, loc),
					    fold_name_len(&g->ids.names, loc)) != 0)
					return -1;
				continue;
			}
			while (m-- > 0)
				if (rt_push_id(st, g->pool[g->start[loc] +
					(g->nframes[loc] - 1 - m)]) != 0)
					return -1;
		}
		if (rt_flush(st, p, ro, v) != 0)
			return -1;
	}
	return 0;
}

static int go_fold(void *state, struct fold_profile *p, struct fold_input *in,
		   const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct go_raw g = { .cur = -1 };
	struct rt_stack st = { 0 };
	enum go_section sec = GO_HEAD;
	struct fold_line ln;
	char type[FOLD_UNIT_LEN] = "", unit[FOLD_UNIT_LEN] = "";
	int r, rc = -1, started = 0;

	(void)state;
	g.small = malloc(GO_SMALL * sizeof(*g.small));
	if (g.small == NULL || fold_profile_init(&g.ids, 1) != 0) {
		free(g.small);
		return rt_fail(d, in);
	}
	memset(g.small, 0xff, GO_SMALL * sizeof(*g.small));	/* FOLD_NOID */
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s;
		size_t len = ln.len;
		uint64_t count;

		if (len > 0 && s[0] == '#')
			continue;
		switch (sec) {
		case GO_HEAD:
			if (len == 0)
				continue;
			if (rt_starts(s, len, "Samples:")) {
				sec = GO_TYPES;
			} else if (!started && !rt_starts(s, len, "PeriodType: ")) {
				char shown[FOLD_EXCERPT];

				fold_excerpt(shown, s, len);
				fold_diag_refuse(d, "%s:%llu: not 'go tool pprof "
						 "-raw' text (no \"PeriodType: \" "
						 "line first): \"%s\"", in->name,
						 (unsigned long long)in->lineno,
						 shown);
				goto out;
			}
			started = 1;
			continue;
		case GO_TYPES: {
			/* "samples/count cpu/nanoseconds": the first is counted */
			const char *slash = memchr(s, '/', len), *sp = memchr(s, ' ', len);
			size_t e = sp ? (size_t)(sp - s) : len;

			sec = GO_SAMPLES;
			if (slash != NULL && (size_t)(slash - s) < e &&
			    (size_t)(slash - s) < sizeof(type) &&
			    e - (size_t)(slash - s) - 1 < sizeof(unit)) {
				memcpy(type, s, (size_t)(slash - s));
				type[slash - s] = '\0';
				memcpy(unit, slash + 1, e - (size_t)(slash - s) - 1);
				unit[e - (size_t)(slash - s) - 1] = '\0';
				continue;
			}
			type[0] = '\0';
		}
			/* no type line: this is a sample already */
			__attribute__((fallthrough));
		case GO_SAMPLES:
			if (rt_starts(s, len, "Locations")) {
				sec = GO_LOCATIONS;
				if (fold_grow0(&g.start, &g.capstart, g.ids.names.n + 1,
					       sizeof(*g.start)) != 0 ||
				    fold_grow0(&g.nframes, &g.capn, g.ids.names.n + 1,
					       sizeof(*g.nframes)) != 0)
					goto fail;
				continue;
			}
			r = go_sample(&g, s, len, &count);
			if (r < 0)
				goto fail;
			if (r == 0 || g.ntmp == 0)
				continue;
			{
				long k = fold_stack_get(&g.ids, g.tmp, g.ntmp);
				fold_count c[FOLD_MAXCOLS] = { { 0 } };

				c[0].u = count;
				if (k < 0 || fold_add_at(&g.ids, (size_t)k, 0, count) != 0 ||
				    (ro->keep_order && fold_seq_add(&g.ids, (size_t)k, c) != 0))
					goto fail;
			}
			continue;
		case GO_LOCATIONS:
			if (rt_starts(s, len, "Mappings")) {
				sec = GO_END;
				continue;
			}
			if (go_location(&g, p, s, len) != 0)
				goto fail;
			continue;
		case GO_END:
			continue;
		}
	}
	if (r < 0)
		goto out;
	if (sec == GO_HEAD && started) {
		fold_diag_error(d, "%s:%llu: no \"Samples:\" section (is the "
				"input cut short?)", in->name,
				(unsigned long long)in->lineno);
		goto out;
	}
	if ((sec == GO_SAMPLES || sec == GO_TYPES) && g.ids.nstacks > 0) {
		fold_diag_error(d, "%s:%llu: no \"Locations\" section after the "
				"samples (is the input cut short?)", in->name,
				(unsigned long long)in->lineno);
		goto out;
	}
	if (go_emit(&g, p, ro, &st) != 0)
		goto fail;
	if (unit[0] != '\0')
		fold_unit_set(&p->unit[rt_col(p, ro)], type, unit);
	else
		fold_unit_set(&p->unit[rt_col(p, ro)], "samples", "count");
	rc = 0;
	goto out;
fail:
	rt_fail(d, in);
out:
	fold_profile_free(&g.ids);
	free(g.tmp);
	free(g.start);
	free(g.nframes);
	free(g.pool);
	free(g.small);
	rt_stack_free(&st);
	return rc;
}

static enum fold_detect go_detect(const char *head, size_t n, int eof)
{
	struct fold_line ln;
	size_t i = 0;

	while (fold_head_line(head, n, eof, &i, &ln)) {
		if (ln.len == 0)
			continue;
		return rt_starts(ln.s, ln.len, "PeriodType: ") ?
		       FOLD_DETECT_YES : FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader go_raw_reader = {
	.name = "go",
	.title = "'go tool pprof -raw' text",
	.detect = go_detect,
	.fold = go_fold,
};

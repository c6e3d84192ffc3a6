/*
 * gperf.c - gperftools CPU and heap profiles into raw address stacks, and
 * the maps text that follows them (formats/README.md, "gperftools profiles").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "libfold/input.h"
#include "formats/gperf/gperf.h"

/* ----------------------------------------------------------------- maps */

void gperf_maps_init(struct gperf_maps *m)
{
	m->v = NULL;
	m->n = m->cap = 0;
	fold_arena_init(&m->arena);
}

void gperf_maps_free(struct gperf_maps *m)
{
	free(m->v);
	fold_arena_free(&m->arena);
	gperf_maps_init(m);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_perm(char c)
{
	return c != '\0' && strchr("rwxps-", c) != NULL;
}

/* Hex digits at *p (an optional 0x first) into *v; 0 if there were any. */
static int hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s < end; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits >= 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*p = s;
	*v = x;
	return digits > 0 ? 0 : -1;
}

static void skip_spaces(const char **p, const char *end)
{
	while (*p < end && is_space(**p))
		(*p)++;
}

/* The next blank-separated token: [*tok, *p). */
static size_t token(const char **p, const char *end, const char **tok)
{
	skip_spaces(p, end);
	*tok = *p;
	while (*p < end && !is_space(**p))
		(*p)++;
	return (size_t)(*p - *tok);
}

int gperf_maps_line(struct gperf_maps *m, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *tok;
	struct gperf_map mp = { 0 };
	size_t n;

	/* START-END [PERMS] OFFSET [DEV INODE] [PATH] */
	skip_spaces(&p, end);
	if (hex(&p, end, &mp.start) != 0 || p >= end || *p++ != '-' ||
	    hex(&p, end, &mp.end) != 0 || mp.end <= mp.start)
		return 0;
	n = token(&p, end, &tok);
	if (n == 4 && is_perm(tok[0]) && is_perm(tok[1]) && is_perm(tok[2]) &&
	    is_perm(tok[3])) {
		mp.exec = tok[2] == 'x';
		n = token(&p, end, &tok);
	} else {
		mp.exec = 1;	/* no perms: pprof takes the line */
	}
	{
		const char *q = tok;

		if (n == 0 || hex(&q, tok + n, &mp.offset) != 0 || q != tok + n)
			return 0;
	}
	/* dev and inode, if present */
	{
		const char *save = p;

		n = token(&p, end, &tok);
		if (n > 0 && memchr(tok, ':', n) != NULL) {
			token(&p, end, &tok);
		} else {
			p = save;
		}
	}
	skip_spaces(&p, end);
	while (end > p && is_space(end[-1]))
		end--;
	mp.path = fold_arena_strndup(&m->arena, p, (size_t)(end - p));
	if (mp.path == NULL)
		return -1;
	if (fold_grow(&m->v, &m->cap, m->n + 1, sizeof(*m->v)) != 0)
		return -1;
	m->v[m->n++] = mp;
	return 0;
}

const struct gperf_map *gperf_maps_find(const struct gperf_maps *m,
					uint64_t addr)
{
	size_t i;

	/* Few mappings, looked up once per distinct address by the caller. */
	for (i = 0; i < m->n; i++)
		if (m->v[i].exec && m->v[i].start <= addr && addr < m->v[i].end)
			return &m->v[i];
	return NULL;
}

/*
 * A sign that the profile was cut short, its message already in d: a
 * warning, or with strict an error (-1).  Every writer ends its lines and
 * writes the maps, so a profile without them lost its end.
 */
static int cut_short(struct fold_diag *d, int strict)
{
	if (strict)
		return -1;
	fold_diag_warn(d, "%s", d->err);
	d->err[0] = '\0';
	return 0;
}

/* Every line of text[0..len) to gperf_maps_line. */
static int maps_text(struct gperf_maps *m, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (gperf_maps_line(m, p, n) != 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* ------------------------------------------------------------------ CPU */

struct slots {
	const unsigned char *p;
	size_t n;		/* words */
	int size, big;
};

static uint64_t slot(const struct slots *w, size_t i)
{
	const unsigned char *b = w->p + i * (size_t)w->size;
	uint64_t v = 0;
	int k;

	for (k = 0; k < w->size; k++)
		v |= (uint64_t)b[w->big ? w->size - 1 - k : k] << (8 * k);
	return v;
}

/* The layout whose first five words are 0, 3, 0 or 1, > 0, 0. */
static int cpu_layout(const char *data, size_t len, struct slots *w)
{
	static const int sizes[4] = { 4, 4, 8, 8 }, bigs[4] = { 0, 1, 0, 1 };
	int i;

	for (i = 0; i < 4; i++) {
		w->p = (const unsigned char *)data;
		w->size = sizes[i];
		w->big = bigs[i];
		w->n = len / (size_t)w->size;
		if (w->n >= 5 && slot(w, 0) == 0 && slot(w, 1) == 3 &&
		    slot(w, 2) <= 1 && slot(w, 3) > 0 && slot(w, 4) == 0)
			return 0;
	}
	return -1;
}

int gperf_cpu_detect(const char *data, size_t len)
{
	struct slots w;

	return cpu_layout(data, len, &w) == 0;
}

int gperf_cpu_parse(const char *data, size_t len, const char *name,
		    int strict, gperf_sample_fn fn, void *arg,
		    struct gperf_maps *maps, struct gperf_cpu_info *info,
		    struct fold_diag *d)
{
	struct slots w;
	uint64_t *pcs = NULL;
	size_t cap = 0, i = 5, k, at, end;
	int trailer = 0, rc = -1;

	memset(info, 0, sizeof(*info));
	if (cpu_layout(data, len, &w) != 0) {
		fold_diag_error(d, "%s: not a gperftools CPU profile (its "
				"header must be the words 0, 3, 0, period, 0)",
				name);
		return -1;
	}
	info->word = w.size;
	info->big_endian = w.big;
	info->period_us = slot(&w, 3);
	while (i + 2 <= w.n) {
		uint64_t count = slot(&w, i), n = slot(&w, i + 1);
		struct gperf_sample s = { 0 };

		if (count == 0 && n == 1 && i + 3 <= w.n && slot(&w, i + 2) == 0) {
			trailer = 1;
			i += 3;
			break;
		}
		if (n == 0 || n > w.n - i - 2) {
			fold_diag_error(d, "%s: record at byte %zu has %" PRIu64
					" PCs, past the end of the file; the "
					"rest is ignored", name,
					i * (size_t)w.size, n);
			if (cut_short(d, strict) != 0)
				goto out;
			break;
		}
		if (fold_grow(&pcs, &cap, (size_t)n, sizeof(*pcs)) != 0) {
			fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
			goto out;
		}
		for (k = 0; k < n; k++)
			pcs[k] = slot(&w, i + 2 + k);
		s.count = count;
		s.pcs = pcs;
		s.n = (size_t)n;
		s.byte = i * (size_t)w.size;
		info->records++;
		info->ticks += count;
		if (count > 0 && fn(arg, &s) != 0)
			goto out;
		i += 2 + (size_t)n;
	}
	if (!trailer) {
		if (i + 2 > w.n) {
			fold_diag_error(d, "%s: truncated: the profile ends at "
					"byte %zu without its trailer record",
					name, len);
			if (cut_short(d, strict) != 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	/* The maps text, up to the end of its last whole line. */
	at = i * (size_t)w.size;
	for (end = len; end > at && data[end - 1] != '\n'; end--)
		;
	if (maps_text(maps, data + at, end - at) != 0) {
		fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
		goto out;
	}
	if (end < len) {
		fold_diag_error(d, "%s: the last line of the memory map (at "
				"byte %zu) has no newline: the profile may be "
				"cut short; the line is left out", name, end);
		if (cut_short(d, strict) != 0)
			goto out;
	}
	/* (Version 1, Java's, need not carry maps.) */
	if (maps->n == 0 && slot(&w, 2) == 0) {
		fold_diag_error(d, "%s: no memory map after the records (at "
				"byte %zu): the profile may be cut short; its "
				"addresses stay unnamed", name, at);
		if (cut_short(d, strict) != 0)
			goto out;
	}
	rc = 0;
out:
	free(pcs);
	return rc;
}

/* ----------------------------------------------------------------- heap */

/*
 * Decimal digits at *p into *v, exactly: 0 if there were any, -1 if
 * none, -2 if the number is past 2^64 - 1.
 */
static int dec(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	skip_spaces(&s, end);
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(*s - '0'), &x))
			return -2;
	*p = s;
	*v = x;
	return 0;
}

static int expect(const char **p, const char *end, char c)
{
	skip_spaces(p, end);
	if (*p < end && **p == c) {
		(*p)++;
		return 0;
	}
	return -1;
}

/*
 * "N: N [ N: N] @" into v[0..4); the rest starts at *p.  -1 when
 * malformed, -2 when a count is past 2^64 - 1.
 */
static int counts(const char **p, const char *end, uint64_t *v)
{
	static const char after[4] = { ':', '[', ':', ']' };
	int i, r;

	for (i = 0; i < 4; i++) {
		if ((r = dec(p, end, &v[i])) != 0)
			return r;
		if (expect(p, end, after[i]) != 0)
			return -1;
	}
	return expect(p, end, '@');
}

int gperf_heap_detect(const char *data, size_t len)
{
	return len >= 13 && memcmp(data, "heap profile:", 13) == 0;
}

int gperf_heap_parse(struct fold_input *in, int strict, gperf_sample_fn fn,
		     void *arg, struct gperf_maps *maps,
		     struct gperf_heap_info *info, struct fold_diag *d)
{
	struct fold_line ln;
	uint64_t *pcs = NULL, v[4];
	size_t cap = 0;
	int r, in_maps = 0, rc = -1;

	memset(info, 0, sizeof(*info));
	r = fold_input_line(in, &ln, d);
	if (r < 0)
		return -1;
	{
		const char *p, *end, *tag;
		size_t n;

		int k = -1;

		/* No line at all is no header either (and ln is then unset). */
		if (r == 0 || !gperf_heap_detect(ln.s, ln.len) ||
		    (p = ln.s + 13, end = ln.s + ln.len,
		     (k = counts(&p, end, v)) != 0)) {
			if (k == -2)
				fold_diag_error(d, "%s:1: a count in the header "
						"is past 2^64 - 1", in->name);
			else
				fold_diag_error(d, "%s:1: not a gperftools heap "
						"profile (no 'heap profile: N: "
						"N [N: N] @ ...' header)",
						in->name);
			return -1;
		}
		n = token(&p, end, &tag);
		if (n == 0 || n >= sizeof(info->tag)) {
			fold_diag_error(d, "%s:1: heap profile header without "
					"a tag after '@'", in->name);
			return -1;
		}
		memcpy(info->tag, tag, n);
		info->tag[n] = '\0';
		if ((tag = memchr(info->tag, '/', n)) != NULL) {
			const char *q = tag + 1;

			if (dec(&q, info->tag + n, &info->sampling) != 0)
				info->sampling = 0;
			info->tag[tag - info->tag] = '\0';
		}
	}
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *p = ln.s, *end = ln.s + ln.len;
		struct gperf_sample s = { 0 };
		size_t n = 0;
		int k;

		if (!in->last_nl) {
			fold_diag_error(d, "%s:%llu: the last line (at byte "
					"%llu) has no newline: the profile may "
					"be cut short; the line is left out",
					in->name, (unsigned long long)in->lineno,
					(unsigned long long)(in->offset +
					(size_t)(ln.s - in->buf)));
			if (cut_short(d, strict) != 0)
				goto out;
			break;
		}
		if (in_maps) {
			if (gperf_maps_line(maps, ln.s, ln.len) != 0)
				goto nomem;
			continue;
		}
		skip_spaces(&p, end);
		if (p == end)
			continue;
		if ((ln.len >= 17 && memmem(ln.s, ln.len, "MAPPED_LIBRARIES:", 17)) ||
		    (ln.len >= 19 && memmem(ln.s, ln.len, "--- Memory map: ---", 19))) {
			in_maps = 1;
			continue;
		}
		if ((k = counts(&p, end, v)) != 0) {
			if (k == -2)
				fold_diag_error(d, "%s:%llu: a count in the bucket "
						"line is past 2^64 - 1", in->name,
						(unsigned long long)in->lineno);
			else
				fold_diag_error(d, "%s:%llu: malformed bucket "
						"line (want 'N: N [N: N] @ "
						"0x...')", in->name,
						(unsigned long long)in->lineno);
			goto out;
		}
		for (;;) {
			uint64_t pc;

			skip_spaces(&p, end);
			if (p == end)
				break;
			if (hex(&p, end, &pc) != 0 || (p < end && !is_space(*p))) {
				fold_diag_error(d, "%s:%llu: malformed address "
						"in bucket line", in->name,
						(unsigned long long)in->lineno);
				goto out;
			}
			if (fold_grow(&pcs, &cap, n + 1, sizeof(*pcs)) != 0)
				goto nomem;
			pcs[n++] = pc;
		}
		s.inuse_objects = v[0];
		s.inuse_bytes = v[1];
		s.alloc_objects = v[2];
		s.alloc_bytes = v[3];
		s.pcs = pcs;
		s.n = n;
		s.line = in->lineno;
		s.byte = in->offset + (size_t)(ln.s - in->buf);
		info->buckets++;
		if (n > 0 && fn(arg, &s) != 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (maps->n == 0) {
		fold_diag_error(d, "%s:%llu: no memory map after the buckets "
				"(MAPPED_LIBRARIES:): the profile may be cut "
				"short; its addresses stay unnamed", in->name,
				(unsigned long long)in->lineno);
		if (cut_short(d, strict) != 0)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	fold_diag_error(d, "%s: %s", in->name, strerror(ENOMEM));
out:
	free(pcs);
	return rc;
}

/*
 * pprof.c - profile.proto to folded stacks (formats/README.md, "pprof:
 * messages and fields", "pprof: what go tool pprof accepts", "pprof:
 * samples to folded stacks").
 *
 * protobuf-c decodes the message into an arena; then every location's
 * frames are named and interned once, and each sample becomes a stack of
 * those ids.  What go tool pprof does to a profile before it prints traces
 * is done here too: drop_frames/keep_frames pruning, focus/ignore, label
 * root frames.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/pprof/pprof.h"
#include "libfold/input.h"
#include "formats/pprof/profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__Label Label;

/* ------------------------------------------------------------ wire walk */

/*
 * protobuf-c only says "could not decode".  To name the byte where a
 * message goes wrong, walk the wire format of the fields that hold
 * messages: for each message type, the numbers of its message fields.
 */
enum { M_PROFILE, M_VALUETYPE, M_SAMPLE, M_LABEL, M_MAPPING, M_LOCATION,
       M_LINE, M_FUNCTION, M_NONE };

static int submsg(int type, uint64_t field)
{
	switch (type) {
	case M_PROFILE:
		/* Samples are checked as they are decoded (decode_sample). */
		switch (field) {
		case 1: case 11: return M_VALUETYPE;
		case 3: return M_MAPPING;
		case 4: return M_LOCATION;
		case 5: return M_FUNCTION;
		}
		break;
	case M_SAMPLE:
		if (field == 3)
			return M_LABEL;
		break;
	case M_LOCATION:
		if (field == 4)
			return M_LINE;
		break;
	}
	return M_NONE;
}

static int varint(const unsigned char **pp, const unsigned char *end,
		  uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;
	int shift;

	for (shift = 0; shift < 70 && p < end; shift += 7) {
		x |= (uint64_t)(*p & 0x7f) << (shift < 64 ? shift : 63);
		if ((*p++ & 0x80) == 0) {
			*pp = p;
			*v = x;
			return 0;
		}
	}
	*pp = p;
	return -1;
}

/* varint() with the one- to three-byte cases (ids, counts) inline. */
static inline int varint_fast(const unsigned char **pp,
			      const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;

	if (end - p >= 3) {
		if (p[0] < 0x80) {
			*v = p[0];
			*pp = p + 1;
			return 0;
		}
		if (p[1] < 0x80) {
			*v = (p[0] & 0x7fu) | (uint64_t)p[1] << 7;
			*pp = p + 2;
			return 0;
		}
		if (p[2] < 0x80) {
			*v = (p[0] & 0x7fu) | (uint64_t)(p[1] & 0x7fu) << 7 |
			     (uint64_t)p[2] << 14;
			*pp = p + 3;
			return 0;
		}
	}
	return varint(pp, end, v);
}

/* One field of a message: its key, where it starts, and its value. */
struct field {
	uint64_t key;
	const unsigned char *at;	/* the key's first byte */
	const unsigned char *val;	/* the value (after the length) */
	size_t n;			/* the value's bytes */
};

/*
 * The field at *pp, checked against the wire format: 1 and *pp past it,
 * 0 at end, -1 with *what saying what is wrong (f->at tells where).
 */
static inline int field(const unsigned char **pp, const unsigned char *end,
		 struct field *f, const char **what)
{
	const unsigned char *p = *pp;
	uint64_t v;

	if (p >= end)
		return 0;
	f->at = p;
	if (varint_fast(&p, end, &f->key) != 0) {
		*what = "bad field key";
		return -1;
	}
	if (f->key >> 3 == 0) {
		*what = "field number 0";
		return -1;
	}
	f->val = p;
	switch (f->key & 7) {
	case 0:
		if (varint_fast(&p, end, &v) != 0) {
			*what = "truncated or overlong varint";
			return -1;
		}
		break;
	case 1:
	case 5:
		v = (f->key & 7) == 1 ? 8 : 4;
		if ((uint64_t)(end - p) < v) {
			*what = "truncated fixed-width field";
			return -1;
		}
		p += v;
		break;
	case 2:
		if (varint_fast(&p, end, &v) != 0 || (uint64_t)(end - p) < v) {
			*what = "length past the end of its message";
			return -1;
		}
		f->val = p;
		p += v;
		break;
	default:
		*what = "unsupported wire type (groups are not allowed)";
		return -1;
	}
	f->n = (size_t)(p - f->val);
	*pp = p;
	return 1;
}

/*
 * Check the fields of data p[0..end) as message type, and of the messages
 * inside it; on the first fault, its offset from base and a description.
 */
static int walk(const unsigned char *base, const unsigned char *p,
		const unsigned char *end, int type, int depth,
		size_t *off, const char **what)
{
	struct field f;
	int r;

	while ((r = field(&p, end, &f, what)) > 0) {
		int sub = (f.key & 7) == 2 ? submsg(type, f.key >> 3) : M_NONE;

		if (sub != M_NONE && depth < 4 &&
		    walk(base, f.val, f.val + f.n, sub, depth + 1, off, what) != 0)
			return -1;
	}
	if (r < 0)
		*off = (size_t)(f.at - base);
	return r;
}

#define SAMPLE_KEY (2 << 3 | 2)

/* ------------------------------------------------------------ id tables */

/*
 * Id -> index of the table entry.  Ids are usually 1..n, so a dense array
 * serves; sparse ids fall back to open addressing.
 */
struct idmap {
	uint32_t *dense;	/* [id], UINT32_MAX = none */
	uint64_t maxid;
	struct fold_index ix;	/* sparse ids: their hash -> table entry */
	uint64_t (*getid)(const void *arr, size_t i);	/* entry i's id */
	const void *arr;
};

static uint32_t id_hash(uint64_t id)
{
	return (uint32_t)(fold_hash(&id, sizeof(id)) >> 32);
}

/* The entry with id, or UINT32_MAX and *pos the slot where it would go. */
static uint32_t idmap_probe(const struct idmap *m, uint64_t id, size_t *pos)
{
	uint32_t h = id_hash(id);
	size_t i;

	for (i = h & m->ix.mask; m->ix.slot[i] != 0; i = (i + 1) & m->ix.mask) {
		uint64_t e = m->ix.slot[i];

		if ((uint32_t)(e >> 32) == h &&
		    m->getid(m->arr, (uint32_t)e - 1) == id)
			return (uint32_t)e - 1;
	}
	*pos = i;
	return UINT32_MAX;
}

static inline uint32_t idmap_get(const struct idmap *m, uint64_t id)
{
	size_t pos;

	if (m->dense != NULL)
		return id <= m->maxid ? m->dense[id] : UINT32_MAX;
	if (m->ix.slot == NULL)
		return UINT32_MAX;
	return idmap_probe(m, id, &pos);
}

static void idmap_free(struct idmap *m)
{
	free(m->dense);
	fold_index_free(&m->ix);
	memset(m, 0, sizeof(*m));
}

/*
 * Index the n entries of the message array arr by id (getid reads one);
 * what names the table for messages.
 */
static int idmap_build(struct idmap *m, size_t n, uint64_t (*getid)(const void *, size_t),
		       const void *arr, const char *name, const char *what,
		       struct fold_diag *d)
{
	uint64_t maxid = 0;
	size_t i, pos;

	memset(m, 0, sizeof(*m));
	m->getid = getid;
	m->arr = arr;
	for (i = 0; i < n; i++) {
		uint64_t id = getid(arr, i);

		if (id == 0) {
			fold_diag_error(d, "%s: %s with reserved id 0", name,
					what);
			return -1;
		}
		if (id > maxid)
			maxid = id;
	}
	if (maxid <= 4 * (uint64_t)n + 1024) {
		m->maxid = maxid;
		m->dense = malloc((size_t)(maxid + 1) * sizeof(*m->dense));
		if (m->dense == NULL)
			goto nomem;
		memset(m->dense, 0xff, (size_t)(maxid + 1) * sizeof(*m->dense));
		for (i = 0; i < n; i++) {
			uint64_t id = getid(arr, i);

			if (m->dense[id] != UINT32_MAX)
				goto dup;
			m->dense[id] = (uint32_t)i;
		}
		return 0;
	}
	if (fold_index_init(&m->ix, n) != 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		uint64_t id = getid(arr, i);

		if (idmap_probe(m, id, &pos) != UINT32_MAX)
			goto dup;
		if (fold_index_insert(&m->ix, pos, id_hash(id), (uint32_t)i) != 0)
			goto nomem;
	}
	return 0;
dup:
	fold_diag_error(d, "%s: several %ss with id %" PRIu64, name, what,
			getid(arr, i));
	idmap_free(m);
	return -1;
nomem:
	fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
	idmap_free(m);
	return -1;
}

static uint64_t mapping_id(const void *a, size_t i)
{
	return ((Mapping *const *)a)[i]->id;
}

static uint64_t function_id(const void *a, size_t i)
{
	return ((Function *const *)a)[i]->id;
}

static uint64_t location_id(const void *a, size_t i)
{
	return ((Location *const *)a)[i]->id;
}

/* ------------------------------------------------------------- decoding */

/*
 * The memory decoding may take, as a budget that protobuf-c's allocations
 * and the stack records draw from.  protobuf-c unpacks every entry of a
 * repeated field into a slot of an array and a struct or string of its
 * own, after a 32-byte record per field while it scans: an empty string,
 * 2 bytes of input, takes 56, so a message of little else takes 28 times
 * its size, and gzip makes that size 1,000 times its own (64 million
 * empty strings, 131 KB gzipped, took 3.4 GB).  The profiles of real
 * programs take 3 to 8 times their size (their locations and stacks cost
 * the most); beyond 16 times, and the 64 MiB any profile may take, a
 * profile is refused as implausible rather than let it take what its
 * bytes cannot justify.
 */
#define BUDGET_FACTOR 16
#define BUDGET_BASE ((size_t)64 << 20)

struct budget {
	size_t left;		/* bytes decoding may still take */
	int spent;		/* something was refused for want of them */
};

static void budget_init(struct budget *b, size_t len)
{
	b->left = len > (SIZE_MAX - BUDGET_BASE) / BUDGET_FACTOR ? SIZE_MAX :
		  len * BUDGET_FACTOR + BUDGET_BASE;
	b->spent = 0;
}

static int budget_take(struct budget *b, size_t n)
{
	if (n > b->left) {
		b->spent = 1;
		return -1;
	}
	b->left -= n;
	return 0;
}

/*
 * At least what protobuf-c takes for one entry of a table (a field of the
 * Profile other than a sample): its scan record, its array slot, and 8
 * bytes for its string or struct.  Counting entries against it refuses
 * most implausible profiles before any of them is decoded.
 */
#define ENTRY_COST 48

/* The tables of a profile, decoded by protobuf-c into an arena. */
struct tables {
	struct fold_arena arena;
	struct budget *b;
};

static void *arena_alloc(void *a, size_t n)
{
	struct tables *t = a;

	return budget_take(t->b, n) == 0 ? fold_arena_alloc(&t->arena, n) : NULL;
}

static void arena_free(void *a, void *p)
{
	(void)a;
	(void)p;
}

/*
 * Samples are decoded one at a time into a scratch allocator that is
 * emptied before the next: a bump buffer, with malloc for what does not
 * fit (freed at the reset, and the buffer grown to cover it next time).
 * What a sample takes is drawn from the budget and given back at the reset.
 */
struct scratch {
	char *buf;
	size_t size, used;
	void **big;		/* malloc'd overflow blocks */
	size_t nbig, capbig, bigbytes;
	struct budget *b;
};

static void *scratch_alloc(void *arg, size_t n)
{
	struct scratch *a = arg;
	size_t want = (n + 15) & ~(size_t)15;
	void *p;

	if (want >= n && a->size - a->used >= want) {
		if (budget_take(a->b, want) != 0)
			return NULL;
		p = a->buf + a->used;
		a->used += want;
		return p;
	}
	if (budget_take(a->b, n) != 0 ||
	    fold_grow(&a->big, &a->capbig, a->nbig + 1, sizeof(*a->big)) != 0)
		return NULL;
	p = malloc(n);
	if (p == NULL)
		return NULL;
	a->big[a->nbig++] = p;
	a->bigbytes += n;
	return p;
}

static void scratch_reset(struct scratch *a)
{
	size_t i, want = a->used + a->bigbytes + 256;

	if (a->b != NULL)
		a->b->left += a->used + a->bigbytes;
	for (i = 0; i < a->nbig; i++)
		free(a->big[i]);
	if (a->nbig > 0 && want > a->size) {
		free(a->buf);
		a->size = want * 2;
		a->buf = malloc(a->size);
		if (a->buf == NULL)
			a->size = 0;
	}
	a->nbig = 0;
	a->bigbytes = 0;
	a->used = 0;
}

static void scratch_free(struct scratch *a)
{
	scratch_reset(a);
	free(a->buf);
	free(a->big);
}

/* A sample as decoded: by the fast path, or by protobuf-c. */
struct rsample {
	const uint64_t *ids;
	size_t n;
	const int64_t *vals;
	size_t nv;
	Label *const *labels;
	size_t nlabels;
};

/* A growable array of 64-bit words, for the fast path's decoding. */
struct words {
	uint64_t *v;
	size_t n, cap;
};

/* Room for n more words. */
static int words_reserve(struct words *w, size_t n)
{
	return fold_grow(&w->v, &w->cap, w->n + n, sizeof(*w->v));
}

/* Per location: its frames (root-side first) and what pruning says. */
struct loc {
	uint32_t off, n;	/* in ctx.frames */
	unsigned char prune;	/* drop_frames matched its outermost line */
	unsigned char beneath;	/* drop_frames matched one of its lines */
	unsigned char focus;	/* 0 neither, 1 focused, 2 ignored */
};

struct ctx {
	const Profile *pr;
	const char *name;
	const struct pprof_read_opts *o;
	struct fold_profile *p;
	struct fold_diag *d;
	struct idmap maps, funcs, locs;
	struct loc *loc;
	fold_id *frames;
	size_t nframes, capframes;
	fold_id *fname;		/* per function: its frame name, or NOID */
	char *buf;		/* scratch for names */
	size_t cap;
	int pruning;		/* drop_frames matched some location */
	struct scratch sc;	/* protobuf-c's samples */
	struct words ids, vals;	/* the fast path's samples */
	struct budget budget;
	size_t len;		/* of the message */
};

/*
 * The message for a profile that would take more memory than its size
 * justifies: what would, and what it may take.
 */
static void implausible(const struct ctx *c, const char *what)
{
	char size[32];

	if (c->len < 10240)
		snprintf(size, sizeof(size), "%zu bytes", c->len);
	else if (c->len < (1 << 20))
		snprintf(size, sizeof(size), "%.1f KiB", (double)c->len / 1024);
	else
		snprintf(size, sizeof(size), "%.1f MiB",
			 (double)c->len / (1 << 20));
	fold_diag_error(c->d, "%s: implausible profile: %s would take more "
			"memory than its %s justify (%d times that, plus %zu "
			"MiB)", c->name, what, size, BUDGET_FACTOR,
			BUDGET_BASE >> 20);
}

static const char *S(const struct ctx *c, int64_t idx)
{
	return c->pr->string_table[idx];
}

/* Every string index in range, so S() needs no checks later. */
static int check_strings(struct ctx *c)
{
	const Profile *pr = c->pr;
	size_t i, n = pr->n_string_table;
	int64_t bad = -1;

#define IDX(x) do { if ((uint64_t)(x) >= n) { bad = (x); goto out; } } while (0)
	if (n == 0 || pr->string_table[0][0] != '\0') {
		fold_diag_error(c->d, "%s: invalid profile: the string table "
				"must start with \"\"", c->name);
		return -1;
	}
	for (i = 0; i < pr->n_sample_type; i++) {
		IDX(pr->sample_type[i]->type);
		IDX(pr->sample_type[i]->unit);
	}
	if (pr->period_type != NULL) {
		IDX(pr->period_type->type);
		IDX(pr->period_type->unit);
	}
	IDX(pr->drop_frames);
	IDX(pr->keep_frames);
	IDX(pr->default_sample_type);
	IDX(pr->doc_url);
	for (i = 0; i < pr->n_comment; i++)
		IDX(pr->comment[i]);
	for (i = 0; i < pr->n_mapping; i++) {
		IDX(pr->mapping[i]->filename);
		IDX(pr->mapping[i]->build_id);
	}
	for (i = 0; i < pr->n_function; i++) {
		IDX(pr->function[i]->name);
		IDX(pr->function[i]->system_name);
		IDX(pr->function[i]->filename);
	}
#undef IDX
	return 0;
out:
	fold_diag_error(c->d, "%s: invalid profile: string index %" PRId64
			" out of range (the table has %zu strings)", c->name,
			bad, n);
	return -1;
}

/* The sample value index the options ask for, or -1 (message in d). */
static long pick_index(struct ctx *c)
{
	const Profile *pr = c->pr;
	const char *want = c->o->sample_index;
	size_t i, n = pr->n_sample_type;
	char *end;

	if (want == NULL) {
		const char *dst = S(c, pr->default_sample_type);

		if (*dst != '\0')
			for (i = 0; i < n; i++)
				if (strcmp(S(c, pr->sample_type[i]->type), dst) == 0)
					return (long)i;
		return (long)n - 1;
	}
	errno = 0;
	i = strtoul(want, &end, 10);
	if (*want >= '0' && *want <= '9' && *end == '\0' && errno == 0) {
		if (i < n)
			return (long)i;
		fold_diag_error(c->d, "%s: --sample-index=%s is outside the "
				"range [0..%zu]", c->name, want, n - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *t = S(c, pr->sample_type[i]->type);

		if (strcmp(t, want) == 0 ||
		    (strncmp(want, "inuse_", 6) == 0 && strcmp(t, want + 6) == 0))
			return (long)i;
	}
	{
		char list[256];
		size_t len = 0;

		list[0] = '\0';
		for (i = 0; i < n && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", i ? ", " : "",
						S(c, pr->sample_type[i]->type));
		fold_diag_error(c->d, "%s: no sample type '%s' (the profile "
				"has: %s)", c->name, want, list);
	}
	return -1;
}

static int grow_buf(struct ctx *c, size_t need)
{
	return fold_grow(&c->buf, &c->cap, need, 1);
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : path;
}

/* The frame name of line ln (NULL: none) of location l. */
static fold_id name_frame(struct ctx *c, const Location *l, const Line *ln,
			  const Function *f)
{
	const char *fn = NULL;
	size_t len;
	int w;

	if (f != NULL) {
		fn = S(c, f->name);
		if (*fn == '\0')
			fn = S(c, f->system_name);
		if (*fn == '\0')
			fn = NULL;
	}
	if (fn == NULL) {
		uint32_t mi = idmap_get(&c->maps, l->mapping_id);
		const Mapping *m = mi != UINT32_MAX ? c->pr->mapping[mi] : NULL;
		const char *file = m != NULL ? S(c, m->filename) : "";

		if (grow_buf(c, strlen(file) + 64) != 0)
			return FOLD_NOID;
		if (c->o->addresses && l->address != 0 && *file != '\0')
			w = snprintf(c->buf, c->cap, "[%s+0x%" PRIx64 "]",
				     basename_of(file),
				     l->address - m->memory_start + m->file_offset);
		else if (c->o->addresses && l->address != 0)
			w = snprintf(c->buf, c->cap, "0x%" PRIx64, l->address);
		else if (*file == '[')	/* [vdso], [vsyscall] */
			w = snprintf(c->buf, c->cap, "%s", file);
		else if (*file != '\0')
			w = snprintf(c->buf, c->cap, "[%s]", basename_of(file));
		else
			w = snprintf(c->buf, c->cap, "[unknown]");
		return fold_intern(&c->p->names, c->buf, (size_t)w);
	}
	len = strlen(fn);
	if (!c->o->files && !(c->o->lines && ln->line != 0))
		return fold_intern(&c->p->names, fn, len);
	if (grow_buf(c, len + strlen(S(c, f->filename)) + 32) != 0)
		return FOLD_NOID;
	memcpy(c->buf, fn, len);
	if (c->o->files && *S(c, f->filename) != '\0')
		len += (size_t)sprintf(c->buf + len, ":%s", S(c, f->filename));
	if (c->o->lines && ln->line != 0)
		len += (size_t)sprintf(c->buf + len, ":%" PRId64, ln->line);
	return fold_intern(&c->p->names, c->buf, len);
}

/*
 * pprof's simplifyFunc: the name matched against drop_frames, without a
 * leading '.' and cut at the first '(' that does not start
 * "(anonymous namespace)" or "operator()".
 */
static size_t simplify_func(const char *s, const char **start)
{
	const char *p;

	if (*s == '.')
		s++;
	*start = s;
	for (p = s; (p = strchr(p, '(')) != NULL; p++) {
		if (strncmp(p, "(anonymous namespace)", 21) == 0) {
			p += 20;
			continue;
		}
		if (p - s >= 8 && strncmp(p - 8, "operator()", 10) == 0) {
			p++;
			continue;
		}
		return (size_t)(p - s);
	}
	return strlen(s);
}

static int rx_match(const regex_t *rx, const char *s, size_t n, struct ctx *c)
{
	if (s[n] == '\0')
		return regexec(rx, s, 0, NULL, 0) == 0;
	if (grow_buf(c, n + 1) != 0)
		return 0;
	memcpy(c->buf, s, n);
	c->buf[n] = '\0';
	return regexec(rx, c->buf, 0, NULL, 0) == 0;
}

/* pprof's Location.matchesName: any function name or file, or the mapping. */
static int loc_matches(struct ctx *c, const Location *l, const regex_t *rx)
{
	size_t i;
	uint32_t mi;

	for (i = 0; i < l->n_line; i++) {
		uint32_t fi = idmap_get(&c->funcs, l->line[i]->function_id);
		const Function *f = c->pr->function[fi];

		if (regexec(rx, S(c, f->name), 0, NULL, 0) == 0 ||
		    regexec(rx, S(c, f->filename), 0, NULL, 0) == 0)
			return 1;
	}
	mi = idmap_get(&c->maps, l->mapping_id);
	return mi != UINT32_MAX &&
	       regexec(rx, S(c, c->pr->mapping[mi]->filename), 0, NULL, 0) == 0;
}

static int push_frame(struct ctx *c, fold_id id)
{
	if (id == FOLD_NOID)
		return -1;
	if (fold_grow(&c->frames, &c->capframes, c->nframes + 1,
		      sizeof(*c->frames)) != 0)
		return -1;
	c->frames[c->nframes++] = id;
	return 0;
}

/* Name every location's frames; apply drop_frames and focus/ignore. */
static int prepare_locations(struct ctx *c, const regex_t *drop,
			     const regex_t *keep)
{
	const Profile *pr = c->pr;
	size_t i, k;

	c->loc = calloc(pr->n_location ? pr->n_location : 1, sizeof(*c->loc));
	c->fname = malloc((pr->n_function ? pr->n_function : 1) * sizeof(*c->fname));
	if (c->loc == NULL || c->fname == NULL)
		goto nomem;
	memset(c->fname, 0xff, (pr->n_function ? pr->n_function : 1) * sizeof(*c->fname));
	for (i = 0; i < pr->n_location; i++) {
		const Location *l = pr->location[i];
		struct loc *lc = &c->loc[i];
		size_t first = 0;	/* lines kept: [first, n_line) */

		for (k = 0; k < l->n_line; k++)
			if (idmap_get(&c->funcs, l->line[k]->function_id) ==
			    UINT32_MAX) {
				fold_diag_error(c->d, "%s: invalid profile: "
						"location %" PRIu64 " has a line "
						"with unknown function id %"
						PRIu64, c->name, l->id,
						l->line[k]->function_id);
				return -1;
			}
		if (drop != NULL) {
			size_t j;

			for (j = l->n_line; j-- > 0;) {
				const Function *f = pr->function[idmap_get(
					&c->funcs, l->line[j]->function_id)];
				const char *s;
				size_t n;

				if (*S(c, f->name) == '\0')
					continue;
				n = simplify_func(S(c, f->name), &s);
				if (rx_match(drop, s, n, c) &&
				    (keep == NULL || !rx_match(keep, s, n, c)))
					break;
			}
			if (j != (size_t)-1) {
				c->pruning = 1;
				lc->beneath = 1;
				if (j == l->n_line - 1)
					lc->prune = 1;
				else
					first = j + 1;
			}
		}
		if (c->o->ignore != NULL && loc_matches(c, l, c->o->ignore))
			lc->focus = 2;
		else if (c->o->focus == NULL || loc_matches(c, l, c->o->focus))
			lc->focus = 1;
		lc->off = (uint32_t)c->nframes;
		if (l->n_line == first) {
			if (push_frame(c, name_frame(c, l, NULL, NULL)) != 0)
				goto nomem;
		} else {
			/* line[0] is the innermost: outermost first here. */
			size_t stop = c->o->no_inline ? l->n_line - 1 : first;

			for (k = l->n_line; k-- > stop;) {
				const Line *ln = l->line[k];
				uint32_t fi = idmap_get(&c->funcs, ln->function_id);
				fold_id id;

				if (c->o->lines || c->o->files)
					id = name_frame(c, l, ln, pr->function[fi]);
				else if ((id = c->fname[fi]) == FOLD_NOID)
					id = c->fname[fi] = name_frame(
						c, l, ln, pr->function[fi]);
				if (push_frame(c, id) != 0)
					goto nomem;
			}
		}
		lc->n = (uint32_t)(c->nframes - lc->off);
	}
	return 0;
nomem:
	fold_diag_error(c->d, "%s: %s", c->name, strerror(ENOMEM));
	return -1;
}

/* The label root frame of key for sample s: its values joined by ','. */
static fold_id label_frame(struct ctx *c, const struct rsample *s,
			   const char *key, int *found)
{
	size_t i, len = 0, round;

	/* String labels first, then numeric ones, as pprof lists them. */
	for (round = 0; round < 2; round++)
		for (i = 0; i < s->nlabels; i++) {
			const Label *l = s->labels[i];
			const char *unit = S(c, l->num_unit);
			size_t need;

			if (strcmp(S(c, l->key), key) != 0 ||
			    (round == 0) != (l->str != 0))
				continue;
			need = len + strlen(S(c, l->str)) + strlen(unit) + 32;
			if (grow_buf(c, need) != 0)
				return FOLD_NOID;
			if (len > 0)
				c->buf[len++] = ',';
			if (round == 0)
				len += (size_t)sprintf(c->buf + len, "%s",
						       S(c, l->str));
			else
				len += (size_t)sprintf(c->buf + len, "%" PRId64
						       "%s%s", l->num,
						       *unit ? " " : "", unit);
		}
	if (len == 0)
		return fold_intern(&c->p->names, "[unknown]", 9);
	*found = 1;
	return fold_intern(&c->p->names, c->buf, len);
}

static int label_matches(struct ctx *c, fold_id id, const char *key,
			 const regex_t *rx)
{
	return regexec(rx, fold_name(&c->p->names, id), 0, NULL, 0) == 0 ||
	       regexec(rx, key, 0, NULL, 0) == 0;
}

static int compile_anchored(regex_t *rx, const char *re)
{
	size_t n = strlen(re);
	char *s = malloc(n + 5);
	int rc;

	if (s == NULL)
		return -1;
	sprintf(s, "^(%s)$", re);
	rc = regcomp(rx, s, REG_EXTENDED | REG_NOSUB);
	free(s);
	return rc == 0 ? 0 : -1;
}

/*
 * Samples are most of a profile and protobuf-c's generic decoder spends
 * about 1,500 instructions on each.  A sample without labels is only two
 * lists of varints, so those are decoded here; anything else (labels,
 * unknown fields, damage) returns 0 and goes to protobuf-c, which stays
 * the reference: the fuzz target checks that both agree.
 */
static int fast_sample(const unsigned char *p, const unsigned char *end,
		       struct words *ids, struct words *vals)
{
	ids->n = vals->n = 0;
	while (p < end) {
		uint64_t key, x, n;
		struct words *w;

		if (varint_fast(&p, end, &key) != 0)
			return 0;
		switch (key) {
		case 1 << 3 | 0:
		case 2 << 3 | 0:
			w = key >> 3 == 1 ? ids : vals;
			if (varint_fast(&p, end, &x) != 0 || words_reserve(w, 1) != 0)
				return 0;
			w->v[w->n++] = x;
			break;
		case 1 << 3 | 2:
		case 2 << 3 | 2: {
			const unsigned char *q;

			w = key >> 3 == 1 ? ids : vals;
			if (varint_fast(&p, end, &n) != 0 ||
			    (uint64_t)(end - p) < n ||
			    words_reserve(w, (size_t)n) != 0)	/* n bytes hold <= n varints */
				return 0;
			for (q = p, p += n; q < p;) {
				if (varint_fast(&q, p, &x) != 0)
					return 0;
				w->v[w->n++] = x;
			}
			break;
		}
		default:
			return 0;
		}
	}
	return 1;
}

/* Decode the sample at val[0..vlen), number i; -1 with a message. */
static int decode_sample(struct ctx *c, const unsigned char *val, size_t vlen,
			 size_t off, size_t i, struct rsample *rs)
{
	ProtobufCAllocator alloc = { scratch_alloc, arena_free, &c->sc };
	const Sample *s;
	size_t j;

	if (fast_sample(val, val + vlen, &c->ids, &c->vals)) {
		rs->ids = c->ids.v;
		rs->n = c->ids.n;
		rs->vals = (const int64_t *)c->vals.v;
		rs->nv = c->vals.n;
		rs->labels = NULL;
		rs->nlabels = 0;
		return 0;
	}
	scratch_reset(&c->sc);
	s = perftools__profiles__sample__unpack(&alloc, vlen, val);
	if (s == NULL && c->budget.spent) {
		char what[64];

		snprintf(what, sizeof(what), "decoding sample %zu", i);
		implausible(c, what);
		return -1;
	}
	if (s == NULL) {
		fold_diag_error(c->d, "%s: invalid profile: sample %zu at byte "
				"%zu cannot be decoded (a field has the wrong "
				"type)", c->name, i, off);
		return -1;
	}
	for (j = 0; j < s->n_label; j++) {
		const Label *l = s->label[j];
		uint64_t ns = c->pr->n_string_table;

		if ((uint64_t)l->key >= ns || (uint64_t)l->str >= ns ||
		    (uint64_t)l->num_unit >= ns) {
			fold_diag_error(c->d, "%s: invalid profile: sample %zu "
					"has a label with a string index out of "
					"range", c->name, i);
			return -1;
		}
	}
	rs->ids = s->location_id;
	rs->n = s->n_location_id;
	rs->vals = s->value;
	rs->nv = s->n_value;
	rs->labels = s->label;
	rs->nlabels = s->n_label;
	return 0;
}

/*
 * Decode and fold the samples of the message data[0..len) one at a time:
 * a sample is only its location ids, values and labels, so nothing of it
 * needs to outlive its turn.
 */
#define SWAP(T, a, b) do { T swap_ = (a); (a) = (b); (b) = swap_; } while (0)

/* A decoded stack waiting for its index slot to come into cache. */
struct pending {
	fold_id *stack;
	size_t cap, depth;
	uint32_t hash;
	uint64_t v;
};

/*
 * Add the pending stack; what its record takes is drawn from the budget:
 * a location id is a byte of a sample, but its frames, every line of it,
 * are 4 bytes each of the record.
 */
static int add_pending(struct ctx *c, const struct pending *pd, int col)
{
	size_t before = c->p->nrecs;
	long k = fold_stack_get_hashed(c->p, pd->stack, pd->depth, pd->hash);

	if (k < 0 || fold_add_at(c->p, (size_t)k, col, pd->v) != 0) {
		fold_diag_error(c->d, "%s: %s", c->name, strerror(errno));
		return -1;
	}
	if (budget_take(&c->budget, c->p->nrecs - before) != 0) {
		implausible(c, "the stacks of its samples");
		return -1;
	}
	return 0;
}

static int fold_samples(struct ctx *c, int col, long idx, const char *data,
			size_t len, struct pprof_read_stats *st)
{
	const struct pprof_read_opts *o = c->o;
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	const char *what;
	struct field f;
	fold_id *stack = NULL;
	uint32_t *li = NULL;	/* the sample's location indexes */
	size_t cap = 0, capli = 0, i = 0, j;
	int label_seen = 0, focus_seen = 0, ignore_seen = 0;
	struct pending pend = { NULL, 0, 0, 0, 0 };
	uint32_t h;

	/* pprof_fold checked the framing: field() cannot fail here. */
	while (field(&p, end, &f, &what) > 0) {
		struct rsample s;
		size_t n, cut = 0, depth = 0, need;
		int focused = 0, ignored = 0, found = 0, user = 0;
		int64_t v;

		if (f.key != SAMPLE_KEY)
			continue;
		i++;
		if (decode_sample(c, f.val, f.n,
				  (size_t)(f.val - (const unsigned char *)data),
				  i, &s) != 0)
			goto fail;
		if (s.nv != c->pr->n_sample_type) {
			fold_diag_error(c->d, "%s: invalid profile: sample %zu "
					"has %zu values for %zu sample types",
					c->name, i, s.nv, c->pr->n_sample_type);
			goto fail;
		}
		n = s.n;
		if (fold_grow(&li, &capli, n, sizeof(*li)) != 0)
			goto nomem;
		need = o->nlabels;
		for (j = 0; j < n; j++) {
			if ((li[j] = idmap_get(&c->locs, s.ids[j])) == UINT32_MAX) {
				fold_diag_error(c->d, "%s: invalid profile: sample "
						"%zu has unknown location id %"
						PRIu64, c->name, i, s.ids[j]);
				goto fail;
			}
			need += c->loc[li[j]].n;
		}
		v = s.vals[idx];
		if (v == 0)
			continue;
		if (v < 0) {
			st->negative++;
			continue;
		}
		if (need > c->budget.left / sizeof(*stack)) {
			char big[96];

			snprintf(big, sizeof(big), "the stack of sample %zu "
				 "(%zu frames)", i, need);
			implausible(c, big);
			goto fail;
		}
		if (fold_grow(&stack, &cap, need, sizeof(*stack)) != 0)
			goto nomem;
		/*
		 * Prune: from the root, after the first location drop_frames
		 * left alone, the first one it matched ends the stack.
		 */
		if (c->pruning)
			for (j = n; j-- > 0;) {
				const struct loc *lc = &c->loc[li[j]];

				if (!lc->prune && !lc->beneath) {
					user = 1;
					continue;
				}
				if (!user)
					continue;
				cut = lc->prune ? j + 1 : j;
				break;
			}
		for (j = 0; j < o->nlabels; j++) {
			fold_id id = label_frame(c, &s, o->labels[j], &found);

			if (id == FOLD_NOID)
				goto nomem;
			if (o->ignore != NULL &&
			    label_matches(c, id, o->labels[j], o->ignore))
				ignored = 1;
			else if (o->focus == NULL ||
				 label_matches(c, id, o->labels[j], o->focus))
				focused = 1;
			stack[depth++] = id;
		}
		label_seen |= found;
		for (j = n; j-- > cut;) {
			const struct loc *lc = &c->loc[li[j]];
			const fold_id *fr = c->frames + lc->off;
			uint32_t k;

			/* Mostly one frame: a loop beats a memcpy call. */
			for (k = 0; k < lc->n; k++)
				stack[depth++] = fr[k];
			if (lc->focus == 1)
				focused = 1;
			else if (lc->focus == 2)
				ignored = 1;
		}
		if (o->focus != NULL || o->ignore != NULL) {
			focus_seen |= focused;
			ignore_seen |= ignored;
			if (ignored || !focused) {
				st->filtered++;
				continue;
			}
		}
		if (depth == 0)
			continue;
		/*
		 * The stack's slot in the profile's index is fetched from
		 * memory while the next sample is decoded; the stack before
		 * goes in now, its slot fetched by the same means.
		 */
		h = fold_stack_hash(stack, depth);
		fold_stack_prefetch(c->p, h);
		if (pend.depth > 0 && add_pending(c, &pend, col) != 0)
			goto fail;
		SWAP(fold_id *, stack, pend.stack);
		SWAP(size_t, cap, pend.cap);
		pend.depth = depth;
		pend.hash = h;
		pend.v = (uint64_t)v;
		st->samples++;
	}
	if (pend.depth > 0 && add_pending(c, &pend, col) != 0)
		goto fail;
	if (o->nlabels > 0 && !label_seen && i > 0)
		fold_diag_warn(c->d, "%s: no sample has any of the --labels keys",
			       c->name);
	if (o->focus != NULL && !focus_seen && i > 0)
		fold_diag_warn(c->d, "%s: --focus matched no sample", c->name);
	if (o->ignore != NULL && !ignore_seen && i > 0)
		fold_diag_warn(c->d, "%s: --ignore matched no sample", c->name);
	if (st->negative > 0)
		fold_diag_warn(c->d, "%s: %" PRIu64 " samples with negative "
			       "values skipped", c->name, st->negative);
	free(li);
	free(stack);
	free(pend.stack);
	return 0;
nomem:
	fold_diag_error(c->d, "%s: %s", c->name, strerror(ENOMEM));
fail:
	free(li);
	free(stack);
	free(pend.stack);
	return -1;
}

int pprof_check_samples(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	struct words ids = { 0 }, vals = { 0 };
	const char *what;
	struct field f;
	size_t j;
	int r, rc = 0;

	while (rc == 0 && (r = field(&p, end, &f, &what)) > 0) {
		Sample *s;

		if (f.key != SAMPLE_KEY || !fast_sample(f.val, f.val + f.n, &ids, &vals))
			continue;
		s = perftools__profiles__sample__unpack(NULL, f.n, f.val);
		if (s == NULL || s->n_label != 0 || s->n_location_id != ids.n ||
		    s->n_value != vals.n)
			rc = 1;
		for (j = 0; rc == 0 && j < ids.n; j++)
			rc = s->location_id[j] != ids.v[j];
		for (j = 0; rc == 0 && j < vals.n; j++)
			rc = s->value[j] != (int64_t)vals.v[j];
		if (s != NULL)
			perftools__profiles__sample__free_unpacked(s, NULL);
	}
	free(ids.v);
	free(vals.v);
	return rc == 0 && r < 0 ? -1 : rc;
}

int pprof_fold(struct fold_profile *p, int col, const char *data, size_t len,
	       const char *name, const struct pprof_read_opts *opts,
	       struct pprof_read_stats *st, struct fold_diag *d)
{
	struct ctx c = { 0 };
	struct tables tab = { .b = &c.budget };
	ProtobufCAllocator alloc = { arena_alloc, arena_free, &tab };
	regex_t drop, keep;
	int have_drop = 0, have_keep = 0, rc = -1, tn = 0;
	const char *what = NULL;
	size_t off = 0, nrest = 0, nsamples = 0, sbytes = 0, nres;
	/* table entries, and of them: other, strings, locations, functions,
	   mappings */
	size_t nent = 0, nkind[5] = { 0 };
	unsigned char *rest = NULL;
	long idx;

	memset(st, 0, sizeof(*st));
	fold_arena_init(&tab.arena);
	c.name = name;
	c.o = opts;
	c.p = p;
	c.d = d;
	c.len = len;
	budget_init(&c.budget, len);
	c.sc.b = &c.budget;
	if (len == 0) {
		fold_diag_refuse(d, "%s: empty profile", name);
		return -1;
	}
	/*
	 * One pass over the top-level fields checks the framing (of the
	 * samples too; what is inside them is checked as they are decoded)
	 * and copies all but the samples, the tables, to be decoded at once;
	 * samples, most of the bytes, are decoded one by one later.
	 */
	rest = malloc(len);
	if (rest == NULL) {
		fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
		goto out;
	}
	{
		const unsigned char *q = (const unsigned char *)data;
		const unsigned char *qend = q + len;
		struct field f;
		int sub, r;

		while ((r = field(&q, qend, &f, &what)) > 0) {
			if (f.key == SAMPLE_KEY) {
				nsamples++;
				sbytes += f.n;
				continue;
			}
			if (f.key == (9 << 3 | 0))	/* time_nanos */
				tn++;
			/*
			 * protobuf-c would keep a field it does not know, at
			 * 56 bytes and a copy; nothing reads one.
			 */
			if (f.key >> 3 > 15)
				continue;
			sub = (f.key & 7) == 2 ? submsg(M_PROFILE, f.key >> 3) : M_NONE;
			if (sub != M_NONE &&
			    walk((const unsigned char *)data, f.val, f.val + f.n,
				 sub, 1, &off, &what) != 0)
				break;	/* off and what are set */
			switch (f.key >> 3) {
			case 6: nkind[1]++; break;
			case 4: nkind[2]++; break;
			case 5: nkind[3]++; break;
			case 3: nkind[4]++; break;
			default: nkind[0]++; break;
			}
			/* Past the budget, only counted, for the message. */
			if (++nent > c.budget.left / ENTRY_COST)
				continue;
			memcpy(rest + nrest, f.at, (size_t)(q - f.at));
			nrest += (size_t)(q - f.at);
		}
		if (r < 0)
			off = (size_t)(f.at - (const unsigned char *)data);
		if (r != 0) {
			fold_diag_refuse(d, "%s: not a profile.proto message: %s "
					 "at byte %zu", name, what, off);
			goto out;
		}
	}
	if (tn > 1) {
		fold_diag_error(d, "%s: concatenated profiles (time_nanos "
				"appears %d times); give them as separate files",
				name, tn);
		goto out;
	}
	if (nent > c.budget.left / ENTRY_COST) {
		static const char *const kind[5] = { "other fields", "strings",
			"locations", "functions", "mappings" };
		char msg[128];
		int k, most = 0;

		for (k = 1; k < 5; k++)
			if (nkind[k] > nkind[most])
				most = k;
		snprintf(msg, sizeof(msg), "decoding its %zu table entries "
			 "(%zu %s)", nent, nkind[most], kind[most]);
		implausible(&c, msg);
		goto out;
	}
	c.pr = perftools__profiles__profile__unpack(&alloc, nrest,
						    (const uint8_t *)rest);
	if (c.pr == NULL && c.budget.spent) {
		implausible(&c, "decoding its tables");
		goto out;
	}
	if (c.pr == NULL) {
		fold_diag_refuse(d, "%s: not a profile.proto message: a field "
				 "has the wrong type", name);
		goto out;
	}
	if (check_strings(&c) != 0)
		goto out;
	if (nsamples > 0 && c.pr->n_sample_type == 0) {
		fold_diag_error(d, "%s: invalid profile: samples but no sample "
				"types", name);
		goto out;
	}
	if (idmap_build(&c.maps, c.pr->n_mapping, mapping_id, c.pr->mapping,
			name, "mapping", d) != 0 ||
	    idmap_build(&c.funcs, c.pr->n_function, function_id, c.pr->function,
			name, "function", d) != 0 ||
	    idmap_build(&c.locs, c.pr->n_location, location_id, c.pr->location,
			name, "location", d) != 0)
		goto out;
	if (c.pr->n_sample_type == 0) {
		rc = 0;
		goto out;
	}
	idx = pick_index(&c);
	if (idx < 0)
		goto out;
	snprintf(st->type, sizeof(st->type), "%s/%s",
		 S(&c, c.pr->sample_type[idx]->type),
		 S(&c, c.pr->sample_type[idx]->unit));
	if (*S(&c, c.pr->drop_frames) != '\0') {
		if (compile_anchored(&drop, S(&c, c.pr->drop_frames)) == 0)
			have_drop = 1;
		else
			fold_diag_warn(d, "%s: drop_frames is not a regular "
				       "expression fgkit can use; not applied",
				       name);
		if (have_drop && *S(&c, c.pr->keep_frames) != '\0') {
			if (compile_anchored(&keep, S(&c, c.pr->keep_frames)) == 0)
				have_keep = 1;
			else
				fold_diag_warn(d, "%s: keep_frames is not a "
					       "regular expression fgkit can "
					       "use; not applied", name);
		}
	}
	/*
	 * Tables sized once for every sample (a location id takes a byte or
	 * two of a sample), rather than grown and copied as samples come; as
	 * many as half the budget can hold, since a sample may take only two
	 * bytes and a stack's index slots 32.
	 */
	nres = nsamples < c.budget.left / 64 ? nsamples : c.budget.left / 64;
	(void)budget_take(&c.budget, nres * 32);
	if (nres > 0 &&
	    fold_profile_reserve(p, p->nstacks + nres, sbytes / nsamples) != 0) {
		fold_diag_error(d, "%s: %s", name, strerror(errno));
		goto out;
	}
	if (prepare_locations(&c, have_drop ? &drop : NULL,
			      have_keep ? &keep : NULL) != 0 ||
	    fold_samples(&c, col, idx, data, len, st) != 0)
		goto out;
	rc = 0;
out:
	if (have_drop)
		regfree(&drop);
	if (have_keep)
		regfree(&keep);
	idmap_free(&c.maps);
	idmap_free(&c.funcs);
	idmap_free(&c.locs);
	free(c.loc);
	free(c.frames);
	free(c.fname);
	free(c.buf);
	free(rest);
	scratch_free(&c.sc);
	free(c.ids.v);
	free(c.vals.v);
	fold_arena_free(&tab.arena);
	return rc;
}

/* ------------------------------------------------------------ detector */

/* Whether key is a top-level field of Profile, of its wire type. */
static int profile_key(uint64_t key)
{
	/* 1 + the wire type of each field, by number */
	static const unsigned char wire[16] = {
		[1] = 3, [2] = 3, [3] = 3, [4] = 3, [5] = 3, [6] = 3, [7] = 1,
		[8] = 1, [9] = 1, [10] = 1, [11] = 3, [12] = 1, [13] = 1,
		[14] = 1, [15] = 1,
	};
	uint64_t num = key >> 3;
	unsigned wt = (unsigned)(key & 7);

	/* comment (13) is a repeated int64: packed too */
	return num <= 15 && (wire[num] == wt + 1 || (num == 13 && wt == 2));
}

enum fold_detect pprof_detect(const char *head, size_t n, int eof)
{
	const unsigned char *p = (const unsigned char *)head, *end = p + n;
	struct field f;
	const char *what;
	size_t off;
	int fields = 0, r;

	/*
	 * Every field must be one of Profile's, of its wire type, and what a
	 * message field holds must be that message's fields.  Random bytes
	 * pass a field now and then, so a head that is cut short must show a
	 * few whole ones before it counts.
	 */
	while ((r = field(&p, end, &f, &what)) > 0) {
		uint64_t num = f.key >> 3;
		int sub;

		if (!profile_key(f.key))
			return FOLD_DETECT_NO;
		sub = (f.key & 7) == 2 ? submsg(M_PROFILE, num) : M_NONE;
		if (num == 2)
			sub = M_SAMPLE;
		if (sub != M_NONE &&
		    walk(f.val, f.val, f.val + f.n, sub, 1, &off, &what) != 0)
			return FOLD_DETECT_NO;
		fields++;
	}
	if (r == 0)
		return fields > 0 && eof ? FOLD_DETECT_YES :
		       fields >= 4 ? FOLD_DETECT_YES : FOLD_DETECT_MORE;
	/*
	 * A field running past the end of what was read: more may follow;
	 * at the end, a cut profile is better told as such by its reader
	 * than as "unrecognized".
	 */
	{
		uint64_t key = 0;
		const unsigned char *q = f.at;

		if (varint(&q, end, &key) != 0 || !profile_key(key))
			return FOLD_DETECT_NO;
	}
	if (!eof)
		return fields >= 4 ? FOLD_DETECT_YES : FOLD_DETECT_MORE;
	return fields >= 4 ? FOLD_DETECT_MAYBE : FOLD_DETECT_NO;
}

/* ------------------------------------------------------------- reader */

/* A profile.proto is decoded whole; this bounds the memory that takes. */
#define PPROF_MAX_BYTES ((size_t)2 << 30)

/*
 * The framing of a profile as it arrives (fold_input_slurp's check), so
 * that what cannot be one is refused at the first bytes that show it
 * rather than after all of it is inflated: a gzip of zeros (field number
 * 0) stops at byte 0, not at 2 GiB.  The top-level fields must be
 * Profile's, of their wire types.  The fields inside a message (a sample
 * too, whose faults its decoding would find) are looked at only when it
 * is large, where inflating it to its end would cost: pprof_fold walks
 * the small ones anyway, and looking at every one would add a seventh to
 * the time a profile takes.  A fault is told as pprof_fold tells it; what
 * only the end can tell, a field cut short, is left to pprof_fold.
 */
#define SCAN_INSIDE (64u << 10)

struct scan {
	const char *name;
	size_t pos;		/* the next field's first byte */
	int depth;		/* messages open in the Profile */
	struct {
		int type;
		size_t end;	/* the byte after it */
	} open[4];
	size_t sample;		/* the samples begun, the last one's */
	size_t sample_at;	/*   value at this byte */
};

/*
 * The varint at p[*at] before stop: 1 with *at past it, 0 if stop comes
 * first, -1 when it is longer than ten bytes.
 */
static inline int scan_varint(const unsigned char *p, size_t *at,
			      size_t stop, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = *at;
	int k;

	if (i < stop && p[i] < 0x80) {	/* keys, and most lengths */
		*v = p[i];
		*at = i + 1;
		return 1;
	}
	for (k = 0; k < 10; k++, i++) {
		if (i >= stop)
			return 0;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * k);
		if ((p[i] & 0x80) == 0) {
			*at = i + 1;
			*v = x;
			return 1;
		}
	}
	return -1;
}

/*
 * Most fields are top-level ones, small and here whole: those go through
 * field() at once; the rest (cut short, large, faulty) the careful way,
 * which tells more to come from faults.
 */
static inline void scan_whole(struct scan *s, const unsigned char *p,
			      size_t len)
{
	const char *what;

	for (;;) {
		const unsigned char *q = p + s->pos;
		struct field f;

		/*
		 * The careful way may have skipped past what has come so far
		 * (a field whose length is known before its bytes are here).
		 */
		if (s->pos >= len)
			return;
		/* Samples, most of the fields, with lengths under 16 KiB. */
		while (s->pos + 3 <= len && q[0] == SAMPLE_KEY) {
			size_t n = q[1] < 0x80 ? q[1] : q[2] < 0x80 ?
				   (q[1] & 0x7fu) | (size_t)q[2] << 7 : SIZE_MAX;
			size_t at = s->pos + (q[1] < 0x80 ? 2 : 3);

			if (n > len - at)
				break;
			s->sample++;
			s->sample_at = at;
			s->pos = at + n;
			q = p + s->pos;
		}
		if (field(&q, p + len, &f, &what) <= 0 ||
		    (f.key >> 3 <= 15 && !profile_key(f.key)) ||
		    ((f.key & 7) == 2 && f.n >= SCAN_INSIDE))
			return;
		if (f.key == SAMPLE_KEY) {
			s->sample++;
			s->sample_at = (size_t)(f.val - p);
		}
		s->pos = (size_t)(q - p);
	}
}

static int scan_check(void *arg, const char *data, size_t len, int eof,
		      size_t *cut, struct fold_diag *d)
{
	struct scan *s = arg;
	const unsigned char *p = (const unsigned char *)data;
	const char *what;
	size_t off;

	(void)eof;
	(void)cut;
	for (;;) {
		size_t at, q, end;
		uint64_t key, n;
		int type, sub, r;

		while (s->depth > 0 && s->pos == s->open[s->depth - 1].end)
			s->depth--;
		if (s->depth == 0)
			scan_whole(s, p, len);
		at = q = s->pos;
		if (at >= len)
			return 0;
		type = s->depth > 0 ? s->open[s->depth - 1].type : M_PROFILE;
		end = s->depth > 0 ? s->open[s->depth - 1].end : PPROF_MAX_BYTES;
		/* r == 0 past len: more is to come (or, at the end, pprof_fold
		   says what is cut short) */
		if ((r = scan_varint(p, &q, end < len ? end : len, &key)) == 0 &&
		    end > len)
			return 0;
		if (r <= 0) {
			what = "bad field key";
			goto fault;
		}
		if (key >> 3 == 0) {
			what = "field number 0";
			goto fault;
		}
		if ((key & 7) == 3 || (key & 7) == 4 || (key & 7) > 5) {
			what = "unsupported wire type (groups are not allowed)";
			goto fault;
		}
		if (type == M_PROFILE && key >> 3 <= 15 && !profile_key(key)) {
			what = "a field of the wrong wire type";
			goto fault;
		}
		switch (key & 7) {
		case 0:
			if ((r = scan_varint(p, &q, end < len ? end : len, &n)) == 0 &&
			    end > len)
				return 0;
			if (r <= 0) {
				what = "truncated or overlong varint";
				goto fault;
			}
			break;
		case 1:
		case 5:
			n = (key & 7) == 1 ? 8 : 4;
			if (n > end - q) {
				what = "truncated fixed-width field";
				goto fault;
			}
			q += n;		/* perhaps past len: waited for */
			break;
		case 2:
			if ((r = scan_varint(p, &q, end < len ? end : len, &n)) == 0 &&
			    end > len)
				return 0;
			if (r <= 0 || n > end - q) {
				what = "length past the end of its message";
				goto fault;
			}
			sub = submsg(type, key >> 3);
			if (type == M_PROFILE && key == SAMPLE_KEY) {
				sub = M_SAMPLE;
				s->sample++;
				s->sample_at = q;
			}
			/*
			 * A message here whole and small is walked now, as
			 * pprof_fold walks it (a sample is left to its
			 * decoding); another is entered, and its fields looked
			 * at as they come.
			 */
			if (sub != M_NONE && n < SCAN_INSIDE && n <= len - q) {
				if (sub != M_SAMPLE &&
				    walk(p, p + q, p + q + n, sub, s->depth + 1,
					 &off, &what) != 0) {
					s->pos = off;
					goto fault;
				}
				q += (size_t)n;
			} else if (sub != M_NONE && s->depth < 4) {
				s->open[s->depth].type = sub;
				s->open[s->depth++].end = q + (size_t)n;
			} else {
				q += (size_t)n;
			}
			break;
		}
		s->pos = q;
	}
fault:
	if (s->depth > 0 && s->open[0].type == M_SAMPLE)
		fold_diag_error(d, "%s: invalid profile: sample %zu at byte %zu "
				"cannot be decoded (a field has the wrong type)",
				s->name, s->sample, s->sample_at);
	else
		fold_diag_refuse(d, "%s: not a profile.proto message: %s at "
				 "byte %zu", s->name, what, s->pos);
	return -1;
}

struct pprof_reader {
	struct pprof_read_opts o;
	char *labels;		/* --labels' copy, cut at the commas */
	char **keys;
	regex_t focus, ignore;
};

static const struct fold_reader_option pprof_options[] = {
	{ "sample-index", "N|NAME", "the value to use: an index or a type "
	  "name (cpu, samples, alloc_space ...); default as go tool pprof" },
	{ "no-inline", NULL, "only the outermost function of each location" },
	{ "lines", NULL, "func:LINE frames" },
	{ "files", NULL, "func:FILE frames (with --lines func:FILE:LINE)" },
	{ "addresses", NULL, "[module+0xOFF] or 0xADDR for frames without a "
	  "function" },
	{ "labels", "KEY,...", "root frames with each sample's label values" },
	{ "focus", "RE", "keep samples with a frame matching RE" },
	{ "ignore", "RE", "drop samples with a frame matching RE" },
	{ NULL, NULL, NULL },
};

/* An option's expression into rx, which *slot then points to. */
static int compile(regex_t *rx, const regex_t **slot, const char *opt,
		   const char *re, struct fold_diag *d)
{
	if (*slot != NULL)
		regfree(rx);
	*slot = NULL;
	if (fold_regcomp(rx, opt, re, d) != 0)
		return -1;
	*slot = rx;
	return 0;
}

static int pprof_set(void *state, const char *opt, const char *arg,
		     struct fold_diag *d)
{
	struct pprof_reader *r = state;

	if (strcmp(opt, "sample-index") == 0) {
		if (arg[0] == '\0') {
			fold_diag_error(d, "--sample-index needs an index or a name");
			return -1;
		}
		r->o.sample_index = arg;
	} else if (strcmp(opt, "no-inline") == 0) {
		r->o.no_inline = 1;
	} else if (strcmp(opt, "lines") == 0) {
		r->o.lines = 1;
	} else if (strcmp(opt, "files") == 0) {
		r->o.files = 1;
	} else if (strcmp(opt, "addresses") == 0) {
		r->o.addresses = 1;
	} else if (strcmp(opt, "focus") == 0) {
		return compile(&r->focus, &r->o.focus, opt, arg, d);
	} else if (strcmp(opt, "ignore") == 0) {
		return compile(&r->ignore, &r->o.ignore, opt, arg, d);
	} else if (strcmp(opt, "labels") == 0) {
		char *k, *save = NULL;

		free(r->labels);
		free(r->keys);
		r->o.nlabels = 0;
		r->labels = strdup(arg);
		r->keys = calloc(strlen(arg) / 2 + 2, sizeof(*r->keys));
		if (r->labels == NULL || r->keys == NULL) {
			fold_diag_error(d, "%s", strerror(errno));
			return -1;
		}
		for (k = strtok_r(r->labels, ",", &save); k != NULL;
		     k = strtok_r(NULL, ",", &save))
			r->keys[r->o.nlabels++] = k;
		if (r->o.nlabels == 0) {
			fold_diag_error(d, "--labels needs at least one key");
			return -1;
		}
		r->o.labels = r->keys;
	}
	return 0;
}

static int pprof_read(void *state, struct fold_profile *p, struct fold_input *in,
		      const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct pprof_reader *r = state;
	int col = p->ncols == 2 ? ro->col : 0;
	struct pprof_read_stats st;
	struct scan sc = { .name = in->name };
	struct fold_check check = { scan_check, &sc };
	char *data;
	size_t len;
	int rc;

	if (fold_input_slurp(in, PPROF_MAX_BYTES, &check, &data, &len, d) != 0)
		return -1;
	rc = pprof_fold(p, col, data, len, in->name, &r->o, &st, d);
	free(data);
	if (rc != 0)
		return -1;
	if (st.type[0] != '\0')
		(void)fold_unit_parse(&p->unit[col], st.type);
	return 0;
}

static void pprof_free(void *state)
{
	struct pprof_reader *r = state;

	free(r->labels);
	free(r->keys);
	if (r->o.focus != NULL)
		regfree(&r->focus);
	if (r->o.ignore != NULL)
		regfree(&r->ignore);
}

const struct fold_reader pprof_reader = {
	.name = "pprof",
	.title = "pprof profile",
	.binary = 1,
	.detect = pprof_detect,
	.options = pprof_options,
	.state_size = sizeof(struct pprof_reader),
	.set = pprof_set,
	.fold = pprof_read,
	.free = pprof_free,
};

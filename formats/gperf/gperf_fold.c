/*
 * gperf_fold.c - gperftools profiles to folded stacks.
 *
 * The maps come last in both formats, so nothing can be symbolized while
 * the records stream by: identical address stacks are summed first (a
 * fold_profile whose frames are addresses), then each distinct address is
 * symbolized once and the stacks are rewritten with names.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "libfold/input.h"
#include "formats/elf/elfsym.h"
#include "formats/gperf/gperf.h"
#include "formats/gperf/gperf_fold.h"

/* Frames per address at most (an inline chain). */
#define MAXNAMES 64

struct conv {
	const struct gperf_fold_opts *o;
	struct fold_profile raw;	/* frames are encoded addresses */
	int heap;
	const struct gperf_heap_info *hi;	/* filled from the header on */
	fold_id *frames;
	size_t cap;
	/* per address (raw name id): RET_AFTER if address + 1 is a return
	   address (a caller's PC, moved back), RET_AT if it is one itself
	   (the first PC of a heap stack) */
	unsigned char *ret;
	size_t capret;
	struct fold_diag *d;
	const char *name;
	uint64_t samples;
};

#define RET_AFTER 1
#define RET_AT 2

/* An address as a name: 7 bits per byte, high bit set, so never NUL. */
static size_t pc_key(uint64_t pc, char *out)
{
	size_t n = 0;

	do {
		out[n++] = (char)(0x80 | (pc & 0x7f));
		pc >>= 7;
	} while (pc != 0);
	return n;
}

static uint64_t pc_of(const char *s, size_t len)
{
	uint64_t pc = 0;

	while (len-- > 0)
		pc = pc << 7 | ((unsigned char)s[len] & 0x7f);
	return pc;
}

static int grow_frames(struct conv *c, size_t n)
{
	return fold_grow(&c->frames, &c->cap, n, sizeof(*c->frames));
}

/*
 * google-pprof's heap sampling correction: heap_v2/R samples an allocation
 * of s bytes with probability 1 - exp(-s/R); the older form scales up only
 * buckets whose mean size is below the rate.
 */
static double unsample(const struct conv *c, double v, uint64_t objs,
		       uint64_t bytes)
{
	double ratio;

	if (c->hi->sampling == 0 || objs == 0)
		return v;
	ratio = (double)bytes / (double)objs / (double)c->hi->sampling;
	if (strcmp(c->hi->tag, "heap_v2") == 0 ||
	    strcmp(c->hi->tag, "heapz_v2") == 0)
		return v / (1 - exp(-ratio));
	return ratio < 1 ? v / ratio : v;
}

/* "FILE:LINE: " of a heap bucket, "FILE: record at byte N: " of a record. */
static void count_overflow(const struct conv *c, const struct gperf_sample *s)
{
	if (c->heap)
		fold_diag_error(c->d, "%s:%llu: count overflow (the values "
				"add up past 2^64 - 1)", c->name,
				(unsigned long long)s->line);
	else
		fold_diag_error(c->d, "%s: record at byte %llu: count overflow "
				"(the counts add up past 2^64 - 1)", c->name,
				(unsigned long long)s->byte);
}

/*
 * Counts are integers and stay exact (uint64 sums, which fail past
 * 2^64 - 1 rather than wrap); only a sampled heap profile's values,
 * scaled by a real factor, are summed as doubles and rounded at the end.
 */
static int sample(void *arg, const struct gperf_sample *s)
{
	struct conv *c = arg;
	uint64_t v, objs, bytes;
	double f = 0;
	size_t i;
	int scaled = c->heap && c->hi->sampling != 0;

	c->samples++;
	if (!c->heap) {
		v = s->count;
		objs = bytes = 0;
	} else {
		switch (c->o->value) {
		case GPERF_INUSE_OBJECTS:
			v = s->inuse_objects;
			break;
		case GPERF_ALLOC_SPACE:
			v = s->alloc_bytes;
			break;
		case GPERF_ALLOC_OBJECTS:
			v = s->alloc_objects;
			break;
		default:
			v = s->inuse_bytes;
			break;
		}
		if (c->o->value == GPERF_INUSE_OBJECTS ||
		    c->o->value == GPERF_INUSE_SPACE) {
			objs = s->inuse_objects;
			bytes = s->inuse_bytes;
		} else {
			objs = s->alloc_objects;
			bytes = s->alloc_bytes;
		}
	}
	if (v == 0 || s->n == 0)
		return 0;
	if (scaled)
		f = unsample(c, (double)v, objs, bytes);
	if (grow_frames(c, s->n) != 0)
		goto nomem;
	/*
	 * Root first.  Return addresses (all but the first PC) point after
	 * the call; one byte back lands inside it, as google-pprof looks up.
	 */
	for (i = 0; i < s->n; i++) {
		uint64_t pc = s->pcs[i] - (i > 0 && s->pcs[i] > 0);
		char key[10];
		fold_id id = fold_intern(&c->raw.names, key, pc_key(pc, key));

		if (id == FOLD_NOID)
			goto nomem;
		c->frames[s->n - 1 - i] = id;
		if (id >= c->capret) {
			size_t old = c->capret;

			if (fold_grow(&c->ret, &c->capret, (size_t)id + 1, 1) != 0)
				goto nomem;
			memset(c->ret + old, 0, c->capret - old);
		}
		if (i > 0)
			c->ret[id] |= RET_AFTER;
		else if (c->heap)
			c->ret[id] |= RET_AT;
	}
	if (scaled ? fold_add_f(&c->raw, c->frames, s->n, 0, f) :
		     fold_add(&c->raw, c->frames, s->n, 0, v)) {
		if (errno != EOVERFLOW)
			goto nomem;
		count_overflow(c, s);
		return -1;
	}
	return 0;
nomem:
	fold_diag_error(c->d, "%s: %s", c->name, strerror(ENOMEM));
	return -1;
}

/* ------------------------------------------------------------ symbolize */

/* One module (mapped file) as the profile names it. */
struct modinfo {
	const char *path;	/* the file read (BINARY for the main one) */
	const char *shown;	/* the name for [shown+0xOFF] */
	int usable;		/* -1 not checked yet */
	const char *why;	/* when not usable */
	uint64_t unread, nosym;	/* addresses left raw */
	int mismatch;		/* the file is not what the maps describe */
	uint64_t calls, notcalls;	/* return addresses after a call, not */
	int expand;		/* inline frames: -1 not checked yet */
};

struct sym {
	struct elfsym *es;
	const struct gperf_maps *maps;
	struct modinfo *mods;	/* per mapping */
	const char *main_path;	/* the main program's path in the maps */
	fold_id *ids;		/* names of all addresses ... */
	size_t nids, capids;
	uint32_t *first, *count;	/* ... per raw name id */
	uint64_t raw;
	uint64_t unmapped;	/* of those, in no mapping */
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* pprof's test for a shared library: ".so" or ".so.N..." at the end. */
static int is_library(const char *path)
{
	const char *s = strstr(path, ".so");

	while (s != NULL) {
		const char *p = s + 3;

		while (*p == '.' && p[1] >= '0' && p[1] <= '9') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == '\0')
			return 1;
		s = strstr(s + 3, ".so");
	}
	return 0;
}

static int add_id(struct sym *y, fold_id id)
{
	if (fold_grow(&y->ids, &y->capids, y->nids + 1, sizeof(*y->ids)) != 0)
		return -1;
	y->ids[y->nids++] = id;
	return 0;
}

static int add_name(struct sym *y, struct fold_profile *p, const char *s)
{
	fold_id id = fold_intern(&p->names, s, strlen(s));

	return id == FOLD_NOID ? -1 : add_id(y, id);
}

struct pcid {
	uint64_t pc;
	fold_id id;
};

/* Open mi's file on first use. */
static int mod_usable(struct sym *y, struct modinfo *mi)
{
	if (mi->usable < 0)
		mi->usable = elfsym_usable(y->es, mi->path, &mi->why);
	return mi->usable;
}

/*
 * Return addresses must follow call instructions.  When most of those
 * in a file do not, the file is not the one profiled (a rebuilt program,
 * or the wrong BINARY): its names would be garbage, so it is not used.
 */
static void check_calls(struct sym *y, const struct conv *c,
			const struct pcid *order, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char r = c->ret[order[i].id];
		const struct gperf_map *m;
		struct modinfo *mi;
		int k;

		if (r == 0 || (m = gperf_maps_find(y->maps, order[i].pc)) == NULL)
			continue;
		mi = &y->mods[m - y->maps->v];
		if (!mod_usable(y, mi))
			continue;
		k = elfsym_call_before(y->es, mi->path, order[i].pc - m->start +
				       m->offset + ((r & RET_AFTER) != 0));
		if (k == 1)
			mi->calls++;
		else if (k == 0)
			mi->notcalls++;
	}
	for (i = 0; i < y->maps->n; i++) {
		struct modinfo *mi = &y->mods[i];

		if (mi->notcalls >= 4 && mi->notcalls > mi->calls) {
			mi->usable = 0;
			mi->mismatch = 1;
		}
	}
}

/* The names of address pc into y->ids. */
static int symbolize(struct sym *y, struct fold_profile *p,
		     const struct gperf_fold_opts *o, uint64_t pc)
{
	const struct gperf_map *m = gperf_maps_find(y->maps, pc);
	const char *names[MAXNAMES];
	char raw[4200];
	struct modinfo *mi;
	uint64_t off, vaddr;
	int n = 0, i;

	if (m == NULL) {
		snprintf(raw, sizeof(raw), "0x%" PRIx64, pc);
		y->raw++;
		y->unmapped++;
		return add_name(y, p, raw);
	}
	mi = &y->mods[m - y->maps->v];
	off = pc - m->start + m->offset;
	if (!mod_usable(y, mi)) {
		mi->unread++;
	} else {
		if (elfsym_file_vaddr(y->es, mi->path, off, 1, &vaddr) != 0) {
			mi->unread++;	/* not in the segment: cannot be */
		} else {
			n = elfsym_functions(y->es, mi->path, vaddr, names,
					     MAXNAMES);
			if (n == 0)
				mi->nosym++;
		}
	}
	/*
	 * google-pprof expands inlined calls only in files that define _fini
	 * (elfsym.h): elsewhere it shows the innermost function alone.
	 * --no-inline drops what it marks [inline]: the outer function stays.
	 */
	if (n > 1) {
		if (mi->expand < 0)
			mi->expand = elfsym_defines_fini(y->es, mi->path);
		if (!mi->expand)
			names[0] = names[n - 1];
		if (!mi->expand || o->no_inline)
			n = 1;
	}
	if (n == 0) {
		snprintf(raw, sizeof(raw), "[%.*s+0x%" PRIx64 "]",
			 (int)strcspn(mi->shown + (mi->shown[0] == '['), "]"),
			 mi->shown + (mi->shown[0] == '['), off);
		y->raw++;
		return add_name(y, p, raw);
	}
	for (i = 0; i < n; i++)
		if (add_name(y, p, names[i]) != 0)
			return -1;
	return 0;
}

/* One warning per module that left addresses raw. */
static void report(const struct sym *y, const char *name, struct fold_diag *d)
{
	size_t i, j;

	/*
	 * Without maps the parser said so.  With them, addresses outside
	 * every mapping most often mean maps lost at their end (a profile
	 * cut at a line's end), whose libraries' frames would stay hex.
	 */
	if (y->unmapped > 0 && y->maps->n > 0)
		fold_diag_warn(d, "%s: %" PRIu64 " address%s in no executable "
			       "mapping of the profile's memory map (is it cut "
			       "short?); left as 0xADDR", name, y->unmapped,
			       y->unmapped == 1 ? "" : "es");

	for (i = 0; i < y->maps->n; i++) {
		const struct modinfo *mi = &y->mods[i];
		uint64_t unread = 0, nosym = 0;
		int seen = 0;

		/*
		 * Mappings of one file share the message: the first says it,
		 * with the addresses of them all.
		 */
		for (j = 0; j < y->maps->n && !seen; j++) {
			const struct modinfo *mj = &y->mods[j];

			if (strcmp(mj->path, mi->path) != 0 ||
			    mj->usable != mi->usable || mj->mismatch != mi->mismatch)
				continue;
			seen = j < i;
			unread += mj->unread;
			nosym += mj->nosym;
		}
		if (unread == 0 || seen)
			;
		else if (mi->mismatch)
			fold_diag_warn(d, "%s does not match the profile's "
				       "mapping of %s (%s); %" PRIu64
				       " address%s left as [%s+0xOFF]", mi->path,
				       y->maps->v[i].path, mi->path ==
				       y->maps->v[i].path ? "rebuilt or "
				       "updated since?" : "is it the profiled "
				       "program?", unread,
				       unread == 1 ? "" : "es", mi->shown);
		else if (mi->path[0] == '[' || mi->path[0] == '\0')
			fold_diag_warn(d, "%s: no file to read symbols from; %"
				       PRIu64 " address%s left raw",
				       mi->path[0] ? mi->path : "anonymous memory",
				       unread, unread == 1 ? "" : "es");
		else
			fold_diag_warn(d, "%s: cannot read (%s); %" PRIu64
				       " address%s left as [%s+0xOFF]", mi->path,
				       mi->why ? mi->why : "?", unread,
				       unread == 1 ? "" : "es", mi->shown);
		if (nosym > 0 && !seen)
			fold_diag_warn(d, "%s: no symbol for %" PRIu64
				       " address%s", mi->path, nosym,
				       nosym == 1 ? "" : "es");
	}
}

static int pcid_cmp(const void *a, const void *b)
{
	const struct pcid *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

/*
 * Symbolize every address, then add each address stack to p as names.
 * 0, -1 out of memory, -2 with the message in d (a count overflow).
 */
static int rewrite(struct conv *c, struct sym *y, struct fold_profile *p,
		   struct fold_diag *d)
{
	size_t s, i, depth, nraw = c->raw.names.n;
	struct pcid *order;

	y->first = calloc(nraw ? nraw : 1, sizeof(*y->first));
	y->count = calloc(nraw ? nraw : 1, sizeof(*y->count));
	order = malloc((nraw ? nraw : 1) * sizeof(*order));
	if (y->first == NULL || y->count == NULL || order == NULL) {
		free(order);
		return -1;
	}
	for (i = 0; i < nraw; i++) {
		order[i].pc = pc_of(fold_name(&c->raw.names, (fold_id)i),
				    fold_name_len(&c->raw.names, (fold_id)i));
		order[i].id = (fold_id)i;
	}
	/* In increasing order, as google-pprof asks addr2line (elfsym.h). */
	qsort(order, nraw, sizeof(*order), pcid_cmp);
	check_calls(y, c, order, nraw);
	for (i = 0; i < nraw; i++) {
		fold_id id = order[i].id;

		y->first[id] = (uint32_t)y->nids;
		if (symbolize(y, p, c->o, order[i].pc) != 0) {
			free(order);
			return -1;
		}
		y->count[id] = (uint32_t)(y->nids - y->first[id]);
	}
	free(order);
	report(y, c->name, d);
	for (s = 0; s < c->raw.nstacks; s++) {
		size_t n;
		const fold_id *f = fold_stack_frames(&c->raw, s, &n);
		fold_count cnt = fold_stack_count(&c->raw, s, 0);
		uint64_t u;

		if (c->raw.fractional) {
			/* A sampled heap profile's scaled sum, rounded. */
			double v = fold_count_double(&c->raw, cnt);

			if (!(v < 0x1p64)) {
				fold_diag_error(d, "%s: count overflow (a "
						"stack's scaled value is past "
						"2^64 - 1)", c->name);
				return -2;
			}
			u = v < 0x1p52 ? (uint64_t)(v + 0.5) : (uint64_t)v;
		} else {
			u = cnt.u;
		}
		if (u == 0)
			continue;
		for (i = 0, depth = 0; i < n; i++)
			depth += y->count[f[i]];
		if (grow_frames(c, depth) != 0)
			return -1;
		for (i = 0, depth = 0; i < n; i++) {
			memcpy(c->frames + depth, y->ids + y->first[f[i]],
			       y->count[f[i]] * sizeof(fold_id));
			depth += y->count[f[i]];
		}
		if (fold_add(p, c->frames, depth, c->o->col, u) != 0) {
			if (errno != EOVERFLOW)
				return -1;
			fold_diag_error(d, "%s: count overflow (with the inputs "
					"before, past 2^64 - 1)", c->name);
			return -2;
		}
	}
	return 0;
}

int gperf_fold(struct fold_profile *p, const char *data, size_t len,
	       const char *name, const struct gperf_fold_opts *o,
	       struct gperf_fold_stats *st, struct fold_diag *d)
{
	struct conv c = { .o = o, .d = d, .name = name };
	struct sym y = { 0 };
	struct gperf_maps maps;
	size_t i;
	int rc = -1, r;

	memset(st, 0, sizeof(*st));
	gperf_maps_init(&maps);
	if (fold_profile_init(&c.raw, 1) != 0) {
		fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
		return -1;
	}
	if (gperf_cpu_detect(data, len)) {
		struct gperf_cpu_info ci;

		if (gperf_cpu_parse(data, len, name, o->strict, sample, &c,
				    &maps, &ci, d) != 0)
			goto out;
	} else if (gperf_heap_detect(data, len)) {
		struct gperf_heap_info hi;
		struct fold_input in;

		c.heap = st->heap = 1;
		c.hi = &hi;
		if (fold_input_mem(&in, data, len, name, d) != 0)
			goto out;
		r = gperf_heap_parse(&in, o->strict, sample, &c, &maps, &hi, d);
		fold_input_close(&in);
		if (r != 0)
			goto out;
	} else {
		fold_diag_refuse(d, "%s: not a gperftools CPU or heap profile",
				 name);
		goto out;
	}
	st->samples = c.samples;
	st->stacks = c.raw.nstacks;
	st->addresses = c.raw.names.n;

	y.es = elfsym_new();
	y.maps = &maps;
	y.mods = calloc(maps.n ? maps.n : 1, sizeof(*y.mods));
	if (y.es == NULL || y.mods == NULL)
		goto nomem;
	for (i = 0; i < maps.n; i++) {
		const char *path = maps.v[i].path;

		if (y.main_path == NULL && path[0] != '\0' && path[0] != '[' &&
		    !is_library(path))
			y.main_path = path;
		y.mods[i].path = path;
		y.mods[i].shown = base_name(path);
		y.mods[i].usable = -1;
		y.mods[i].expand = -1;
		if (path[0] == '\0' || path[0] == '[') {
			y.mods[i].usable = 0;
			y.mods[i].why = "no file";
		}
		if (o->binary != NULL && y.main_path != NULL &&
		    strcmp(path, y.main_path) == 0)
			y.mods[i].path = o->binary;
	}
	if ((r = rewrite(&c, &y, p, d)) != 0) {
		if (r == -1)
			goto nomem;
		goto out;	/* the message is in d */
	}
	st->raw = y.raw;
	rc = 0;
	goto out;
nomem:
	fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
out:
	elfsym_free(y.es);
	free(y.mods);
	free(y.ids);
	free(y.first);
	free(y.count);
	free(c.frames);
	free(c.ret);
	fold_profile_free(&c.raw);
	gperf_maps_free(&maps);
	return rc;
}

/* ------------------------------------------------------------- reader */

/* Profiles are read whole (the CPU format ends with the maps). */
#define GPERF_MAX_BYTES ((size_t)4 << 30)

static enum fold_detect gperf_detect(const char *head, size_t n, int eof)
{
	if (gperf_cpu_detect(head, n) || gperf_heap_detect(head, n))
		return FOLD_DETECT_YES;
	/* The CPU header is five words: 40 bytes at most. */
	return n < 40 && !eof ? FOLD_DETECT_MORE : FOLD_DETECT_NO;
}

static const char *gperf_what(const char *head, size_t n)
{
	return gperf_heap_detect(head, n) ? "gperftools heap profile" :
					    "gperftools CPU profile";
}

struct gperf_reader {
	struct gperf_fold_opts o;
	int value_set;		/* a heap value was asked for */
};

static const struct fold_reader_option gperf_options[] = {
	{ "inuse_space", NULL, "heap: bytes in use (the default)" },
	{ "inuse_objects", NULL, "heap: objects in use" },
	{ "alloc_space", NULL, "heap: bytes allocated" },
	{ "alloc_objects", NULL, "heap: objects allocated" },
	{ "no-inline", NULL, "one frame per address, no inlined functions" },
	{ "strict", NULL, "a profile cut short is an error, not a warning" },
	{ "binary", "FILE", "the profiled program, for the path in the "
	  "profile's memory map" },
	{ NULL, NULL, NULL },
};

static int gperf_set(void *state, const char *opt, const char *arg,
		     struct fold_diag *d)
{
	static const struct {
		const char *name;
		enum gperf_value v;
	} values[] = {
		{ "inuse_space", GPERF_INUSE_SPACE },
		{ "inuse_objects", GPERF_INUSE_OBJECTS },
		{ "alloc_space", GPERF_ALLOC_SPACE },
		{ "alloc_objects", GPERF_ALLOC_OBJECTS },
	};
	struct gperf_reader *r = state;
	size_t i;

	(void)d;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (strcmp(opt, values[i].name) == 0) {
			r->o.value = values[i].v;
			r->value_set = r->o.value != GPERF_INUSE_SPACE;
			return 0;
		}
	if (strcmp(opt, "no-inline") == 0)
		r->o.no_inline = 1;
	else if (strcmp(opt, "strict") == 0)
		r->o.strict = 1;
	else if (strcmp(opt, "binary") == 0)
		r->o.binary = arg;
	return 0;
}

/*
 * pprof's command line, "pprof [BINARY] PROFILE": the program is an ELF
 * file among the paths or, when the format was named, the first of two.
 */
static int gperf_argument(void *state, const char *path, const char *head,
			  size_t n, int forced, int more)
{
	struct gperf_reader *r = state;

	if (r->o.binary != NULL)
		return 0;
	if ((n >= 4 && memcmp(head, "\177ELF", 4) == 0) || (forced && more == 1)) {
		r->o.binary = path;
		return 1;
	}
	return 0;
}

/*
 * A profile as it arrives (fold_input_slurp's check), so that what is not
 * one is not inflated whole first (a gzip of zeros to 4 GiB): what is
 * neither kind is refused at its header, as gperf_fold refuses it, and
 * reading stops where the parsers stop (a CPU record without PCs or longer
 * than any profile, a NUL byte or an overlong line in a heap profile), so
 * that they say of what was read what they would have said of the whole.
 * The maps text after a CPU profile's records ends at a NUL byte, with a
 * warning: text has none, and what follows would be read for nothing.
 */
struct scan {
	const char *name;
	int kind;		/* 0 not told yet, 1 CPU, 2 heap */
	int word, big;		/* CPU: the layout */
	int maps;		/* CPU: past the trailer */
	size_t pos;		/* the next byte to look at */
	size_t line;		/* heap: where the line at pos starts */
};

/* Word i of p, in the profile's byte order. */
static inline uint64_t scan_word(const struct scan *s, const unsigned char *p,
				 size_t i)
{
	int swap = s->big != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	uint64_t v;
	uint32_t w;

	if (s->word == 8) {
		memcpy(&v, p + i * 8, 8);
		return swap ? __builtin_bswap64(v) : v;
	}
	memcpy(&w, p + i * 4, 4);
	return swap ? __builtin_bswap32(w) : w;
}

static int scan_check(void *arg, const char *data, size_t len, int eof,
		      size_t *cut, struct fold_diag *d)
{
	struct scan *s = arg;
	const unsigned char *p = (const unsigned char *)data;
	const char *z, *nl;

	if (s->kind == 0) {
		/* The CPU header is five words: 40 bytes at most. */
		if (len < 40 && !eof)
			return 0;
		if (gperf_cpu_detect(data, len)) {
			s->kind = 1;
			s->word = gperf_cpu_detect(data, len < 20 ? len : 20) ? 4 : 8;
			s->big = p[s->word] != 3;	/* word 1 is 3 */
			s->pos = 5 * (size_t)s->word;
		} else if (gperf_heap_detect(data, len)) {
			s->kind = 2;
		} else {
			fold_diag_refuse(d, "%s: not a gperftools CPU or heap "
					 "profile", s->name);
			return -1;
		}
	}
	if (s->kind == 1 && !s->maps) {
		size_t i = s->pos / (size_t)s->word, nw = len / (size_t)s->word;

		while (i + 2 <= nw) {
			uint64_t count = scan_word(s, p, i), n = scan_word(s, p, i + 1);

			if (count == 0 && n == 1) {
				if (i + 3 > nw)
					break;
				if (scan_word(s, p, i + 2) == 0) {
					s->maps = 1;
					i += 3;
					break;
				}
			}
			if (n == 0 || n > GPERF_MAX_BYTES / (size_t)s->word - i - 2) {
				/* The records end here, with a warning. */
				*cut = (i + 2) * (size_t)s->word;
				return 1;
			}
			i += 2 + (size_t)n;
		}
		s->pos = i * (size_t)s->word;
		if (!s->maps)
			return 0;
	}
	if (s->kind == 1) {
		/* Text, which a NUL byte cannot be part of: binary data. */
		if (s->pos < len &&
		    (z = memchr(data + s->pos, '\0', len - s->pos)) != NULL) {
			*cut = (size_t)(z - data);
			fold_diag_warn(d, "%s: binary data in the maps text (a NUL "
				       "byte at byte %zu); the rest is ignored",
				       s->name, *cut);
			return 1;
		}
		s->pos = len;
		return 0;
	}
	/* Heap: up to where the text reader refuses it, the NUL kept. */
	while (s->pos < len) {
		size_t stop;

		nl = memchr(data + s->pos, '\n', len - s->pos);
		stop = nl != NULL ? (size_t)(nl - data) : len;
		if ((z = memchr(data + s->pos, '\0', stop - s->pos)) != NULL) {
			*cut = (size_t)(z - data) + 1;
			return 1;
		}
		if (stop - s->line > FOLD_MAX_LINE) {
			*cut = s->line + FOLD_MAX_LINE + 1;
			return 1;
		}
		s->pos = nl != NULL ? stop + 1 : len;
		if (nl != NULL)
			s->line = s->pos;
	}
	return 0;
}

static int gperf_read(void *state, struct fold_profile *p, struct fold_input *in,
		      const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct gperf_reader *r = state;
	struct gperf_fold_opts o = r->o;
	struct gperf_fold_stats st;
	struct scan sc = { .name = in->name };
	struct fold_check check = { scan_check, &sc };
	char *data;
	size_t len;
	int rc;

	o.col = p->ncols == 2 ? ro->col : 0;
	o.strict |= ro->strict;
	if (fold_input_slurp(in, GPERF_MAX_BYTES, &check, &data, &len, d) != 0)
		return -1;
	rc = gperf_fold(p, data, len, in->name, &o, &st, d);
	free(data);
	if (rc != 0)
		return -1;
	if (!st.heap) {
		fold_unit_set(&p->unit[o.col], "samples", "count");
		if (r->value_set)
			fold_diag_warn(d, "%s: a CPU profile; the heap value "
				       "options do not apply", in->name);
	} else {
		static const char *const types[] = { "inuse_space",
			"inuse_objects", "alloc_space", "alloc_objects" };

		fold_unit_set(&p->unit[o.col], types[o.value],
			      o.value == GPERF_INUSE_SPACE ||
			      o.value == GPERF_ALLOC_SPACE ? "bytes" : "count");
	}
	return 0;
}

const struct fold_reader gperf_reader = {
	.name = "gperf",
	.title = "gperftools CPU or heap profile",
	.binary = 1,
	.detect = gperf_detect,
	.what = gperf_what,
	.options = gperf_options,
	.state_size = sizeof(struct gperf_reader),
	.set = gperf_set,
	.fold = gperf_read,
	.argument = gperf_argument,
};

/*
 * unit_fold - unit tests of libfold.  Prints "PASS unit/NAME" or
 * "FAIL unit/NAME: why" per test; tests/run.sh counts them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "libfold/graph.h"
#include "libfold/input.h"
#include "libfold/out.h"

static int failed;
static char why[512];

#define CHECK(c)                                                          \
	do {                                                              \
		if (!(c)) {                                               \
			snprintf(why, sizeof(why), "%s:%d: %s", __FILE__, \
				 __LINE__, #c);                           \
			failed = 1;                                       \
			return;                                           \
		}                                                         \
	} while (0)

/* ------------------------------------------------------------ helpers */

/* An input over the bytes s[0..n) (through a memfd, like a real file). */
static int open_mem(struct fold_input *in, const void *s, size_t n,
		    struct fold_diag *d)
{
	int fd = memfd_create("unit", 0);

	if (fd < 0 || write(fd, s, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	if (fold_input_fd(in, fd, "mem", d) != 0) {
		close(fd);
		return -1;
	}
	in->owned = 1;
	return 0;
}

static int read_folded(struct fold_profile *p, const char *text,
		       const struct fold_read_opts *o, struct fold_diag *d)
{
	struct fold_input in;
	int rc;

	if (open_mem(&in, text, strlen(text), d) != 0)
		return -1;
	rc = fold_read(p, &in, o, d);
	fold_input_close(&in);
	return rc;
}

/* The folded text fold_write() produces, in a static buffer. */
static const char *write_folded(const struct fold_profile *p)
{
	static char out[1 << 16];
	int fd = memfd_create("out", 0);
	ssize_t n;

	if (fd < 0 || fold_write(p, fd) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return "<write failed>";
	n = read(fd, out, sizeof(out) - 1);
	close(fd);
	out[n < 0 ? 0 : n] = '\0';
	return out;
}

static void collect_warn(void *arg, const char *msg)
{
	int *n = arg;

	(void)msg;
	(*n)++;
}

/* Stack of names "a;b;c" into ids. */
static size_t ids_of(struct fold_profile *p, const char *stack, fold_id *ids)
{
	size_t n = 0;
	const char *s = stack, *e;

	for (;;) {
		e = strchr(s, ';');
		ids[n++] = fold_intern(&p->names, s, e ? (size_t)(e - s) : strlen(s));
		if (e == NULL)
			return n;
		s = e + 1;
	}
}

/* -------------------------------------------------------------- tests */

static void test_arena(void)
{
	struct fold_arena a;
	size_t i;
	char *last = NULL;

	fold_arena_init(&a);
	for (i = 1; i < 20000; i++) {
		char *p = fold_arena_alloc(&a, i % 97 + 1);

		CHECK(p != NULL);
		CHECK(((uintptr_t)p & 7) == 0);
		memset(p, 0xab, i % 97 + 1);
		last = p;
	}
	CHECK(last != NULL);
	CHECK(fold_arena_alloc(&a, 1 << 22) != NULL);	/* bigger than a chunk */
	CHECK(strcmp(fold_arena_strndup(&a, "hello world", 5), "hello") == 0);
	fold_arena_free(&a);
}

static void test_intern(void)
{
	struct fold_names nm;
	char buf[32];
	fold_id a, b, ids[5000];
	int i;

	CHECK(fold_names_init(&nm) == 0);
	a = fold_intern(&nm, "main", 4);
	b = fold_intern(&nm, "mainx", 4);	/* same bytes "main" */
	CHECK(a == b);
	CHECK(fold_intern(&nm, "", 0) != a);
	CHECK(fold_intern(&nm, "", 0) == fold_intern(&nm, "x", 0));
	CHECK(strcmp(fold_name(&nm, a), "main") == 0 && fold_name_len(&nm, a) == 4);
	/* grow well past the initial table; ids stay stable */
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "func_%d", i);
		ids[i] = fold_intern(&nm, buf, strlen(buf));
	}
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "func_%d", i);
		CHECK(fold_names_find(&nm, buf, strlen(buf)) == ids[i]);
		CHECK(strcmp(fold_name(&nm, ids[i]), buf) == 0);
	}
	CHECK(fold_names_find(&nm, "absent", 6) == FOLD_NOID);
	/* arbitrary bytes (not NUL) */
	CHECK(fold_intern(&nm, "\xff\xfe<&>\"", 6) != FOLD_NOID);
	fold_names_free(&nm);
}

static void test_add_and_sum(void)
{
	struct fold_profile p;
	fold_id ids[8];
	size_t n;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "a;b;c", ids);
	CHECK(fold_add(&p, ids, n, 0, 5) == 0);
	CHECK(fold_add(&p, ids, n, 0, 7) == 0);
	n = ids_of(&p, "a;b", ids);
	CHECK(fold_add(&p, ids, n, 0, 1) == 0);
	CHECK(p.nstacks == 2);
	CHECK(strcmp(write_folded(&p), "a;b 1\na;b;c 12\n") == 0);
	/* overflow is reported, not wrapped */
	CHECK(fold_add(&p, ids, n, 0, UINT64_MAX) != 0 && errno == EOVERFLOW);
	fold_profile_free(&p);
}

static void test_fractional(void)
{
	struct fold_profile p;
	fold_id ids[4];
	size_t n;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "x;y", ids);
	CHECK(fold_add(&p, ids, n, 0, 3) == 0);
	CHECK(fold_add_f(&p, ids, n, 0, 0.5) == 0);	/* switches to doubles */
	n = ids_of(&p, "x", ids);
	CHECK(fold_add_f(&p, ids, n, 0, 0.1) == 0);
	CHECK(p.fractional);
	CHECK(strcmp(write_folded(&p), "x 0.1\nx;y 3.5\n") == 0);
	fold_profile_free(&p);
}

static void test_count_format(void)
{
	char buf[FOLD_NUM_BUFSZ];
	fold_count c;
	static const double v[] = { 0.1, 12.5, 1e-7, 123456789.25, 3, 1e20 };
	size_t i;
	int frac = 0;

	c.u = 0;
	CHECK(fold_fmt_count(buf, c, frac) == 1 && strcmp(buf, "0") == 0);
	c.u = UINT64_MAX;
	fold_fmt_count(buf, c, frac);
	CHECK(strcmp(buf, "18446744073709551615") == 0);
	frac = 1;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c.f = v[i];
		fold_fmt_count(buf, c, frac);
		CHECK(strchr(buf, 'e') == NULL);
		CHECK(strtod(buf, NULL) == v[i]);
	}
	c.f = 12.5;
	fold_fmt_count(buf, c, frac);
	CHECK(strcmp(buf, "12.5") == 0);
}

/* fold_stack_cmp must order stacks exactly like strcmp of their text. */
static void test_sort_order(void)
{
	static const char *const stacks[] = {
		"main;foo", "main;foo.bar", "main;foo;x", "main;foo x",
		"main", "main;", "main;;b", "mai", "main;foo;", "a;b", "a b",
		"main;foo!", "main;foo;x;y", "zz", "main;fo", "\xffhi", "main;\x01",
	};
	size_t n = sizeof(stacks) / sizeof(stacks[0]), i, depth;
	struct fold_profile p;
	fold_id ids[8];
	uint32_t *order;
	char prev[64] = "", cur[64];

	CHECK(fold_profile_init(&p, 1) == 0);
	for (i = 0; i < n; i++) {
		size_t k = ids_of(&p, stacks[i], ids);

		CHECK(fold_add(&p, ids, k, 0, 1) == 0);
	}
	order = fold_sorted(&p);
	CHECK(order != NULL);
	for (i = 0; i < p.nstacks; i++) {
		const fold_id *f = fold_stack_frames(&p, order[i], &depth);
		size_t j;

		cur[0] = '\0';
		for (j = 0; j < depth; j++) {
			if (j)
				strcat(cur, ";");
			strcat(cur, fold_name(&p.names, f[j]));
		}
		if (i > 0)
			CHECK(strcmp(prev, cur) < 0);
		strcpy(prev, cur);
	}
	free(order);
	fold_profile_free(&p);
}

static void test_tree(void)
{
	struct fold_profile p;
	struct fold_tree t;
	fold_id ids[8];
	size_t n;
	const struct fold_node *root, *m, *a, *d;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "main;a;b", ids);
	fold_add(&p, ids, n, 0, 60);
	n = ids_of(&p, "main;a;c", ids);
	fold_add(&p, ids, n, 0, 30);
	n = ids_of(&p, "main;d", ids);
	fold_add(&p, ids, n, 0, 9);
	n = ids_of(&p, "main;a", ids);
	fold_add(&p, ids, n, 0, 1);
	CHECK(fold_tree_build(&t, &p) == 0);
	root = &t.nodes[0];
	CHECK(root->name == FOLD_NOID && root->total[0].u == 100);
	CHECK(t.maxdepth == 3);
	m = &t.nodes[root->first_child];
	CHECK(strcmp(fold_name(&p.names, m->name), "main") == 0);
	CHECK(m->next_sibling == 0 && m->total[0].u == 100 && m->self[0].u == 0);
	a = &t.nodes[m->first_child];
	CHECK(strcmp(fold_name(&p.names, a->name), "a") == 0);
	CHECK(a->total[0].u == 91 && a->self[0].u == 1 && a->depth == 2);
	d = &t.nodes[a->next_sibling];
	CHECK(strcmp(fold_name(&p.names, d->name), "d") == 0 && d->total[0].u == 9);
	CHECK(strcmp(fold_name(&p.names, t.nodes[a->first_child].name), "b") == 0);
	CHECK(t.n == 6);
	fold_tree_free(&t);
	fold_profile_free(&p);
}

/* The name of node k, for short checks. */
static const char *nm(const struct fold_tree *t, uint32_t k)
{
	return fold_name(&t->prof->names, t->nodes[k].name);
}

static void test_tree_starts_and_weight(void)
{
	struct fold_profile p;
	struct fold_tree t;
	struct fold_tree_opts o = { FOLD_ORDER_WEIGHT, 0 };
	fold_id ids[8];
	size_t n;
	uint32_t m, c1, c2;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "main;a", ids);
	fold_add(&p, ids, n, 0, 10);
	n = ids_of(&p, "main;b", ids);
	fold_add(&p, ids, n, 0, 30);
	n = ids_of(&p, "main", ids);
	fold_add(&p, ids, n, 0, 5);
	/* name order: main's self first, then a, then b */
	CHECK(fold_tree_build(&t, &p) == 0);
	m = t.nodes[0].first_child;
	c1 = t.nodes[m].first_child;
	c2 = t.nodes[c1].next_sibling;
	CHECK(strcmp(nm(&t, c1), "a") == 0 && t.nodes[c1].start == 5);
	CHECK(strcmp(nm(&t, c2), "b") == 0 && t.nodes[c2].start == 15);
	fold_tree_free(&t);
	/* weight order: b (30) before a (10) */
	CHECK(fold_tree_build_opts(&t, &p, &o) == 0);
	m = t.nodes[0].first_child;
	c1 = t.nodes[m].first_child;
	c2 = t.nodes[c1].next_sibling;
	CHECK(strcmp(nm(&t, c1), "b") == 0 && t.nodes[c1].start == 5);
	CHECK(strcmp(nm(&t, c2), "a") == 0 && t.nodes[c2].start == 35);
	CHECK(t.nodes[c2].next_sibling == 0);
	fold_tree_free(&t);
	fold_profile_free(&p);
}

static void test_tree_input_order(void)
{
	static const char text[] = "main;a;b 1\nmain 1\nmain;a;c 2\nmain;a;b 1\n";
	struct fold_profile p;
	struct fold_read_opts ro = { 0 };
	struct fold_tree_opts o = { FOLD_ORDER_INPUT, 0 };
	struct fold_tree t;
	struct fold_diag d = { 0 };
	struct fold_input in;
	uint32_t m, a1, a2;

	ro.keep_order = 1;
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(open_mem(&in, text, sizeof(text) - 1, &d) == 0);
	CHECK(fold_read(&p, &in, &ro, &d) == 0);
	fold_input_close(&in);
	CHECK(p.nstacks == 3 && p.nseq == 4);
	CHECK(fold_tree_build_opts(&t, &p, &o) == 0);
	/* "main" closes the first a; the second a opens at 2 and holds c, b */
	m = t.nodes[0].first_child;
	CHECK(t.nodes[m].next_sibling == 0 && t.nodes[m].total[0].u == 5);
	a1 = t.nodes[m].first_child;
	a2 = t.nodes[a1].next_sibling;
	CHECK(a2 != 0 && strcmp(nm(&t, a2), "a") == 0);
	CHECK(t.nodes[a1].start == 0 && t.nodes[a1].total[0].u == 1);
	CHECK(t.nodes[a2].start == 2 && t.nodes[a2].total[0].u == 3);
	CHECK(strcmp(nm(&t, t.nodes[a2].first_child), "c") == 0);
	CHECK(t.nodes[t.nodes[t.nodes[a2].first_child].next_sibling].start == 4);
	fold_tree_free(&t);
	fold_profile_free(&p);
}

static void test_reverse_reroot(void)
{
	struct fold_profile p, r, b;
	fold_id ids[8];
	size_t n, depth;
	const fold_id *f;
	unsigned char *is_base;

	CHECK(fold_profile_init(&p, 2) == 0);
	n = ids_of(&p, "main;x;leaf", ids);
	fold_add(&p, ids, n, 0, 3);
	fold_add(&p, ids, n, 1, 4);
	n = ids_of(&p, "main;y", ids);
	fold_add(&p, ids, n, 1, 7);
	CHECK(fold_profile_init(&r, 1) == 0);
	CHECK(fold_reverse(&r, &p) == 0);
	CHECK(r.ncols == 2 && r.nstacks == 2);
	f = fold_stack_frames(&r, 0, &depth);
	CHECK(depth == 3 && strcmp(fold_name(&r.names, f[0]), "leaf") == 0);
	CHECK(fold_stack_count(&r, 0, 0).u == 3 && fold_stack_count(&r, 0, 1).u == 4);
	is_base = calloc(p.names.n, 1);
	CHECK(is_base != NULL);
	is_base[fold_names_find(&p.names, "x", 1)] = 1;
	CHECK(fold_profile_init(&b, 1) == 0);
	CHECK(fold_reroot(&b, &p, is_base) == 0);
	free(is_base);
	CHECK(b.nstacks == 1);
	f = fold_stack_frames(&b, 0, &depth);
	CHECK(depth == 2 && strcmp(fold_name(&b.names, f[0]), "x") == 0);
	fold_profile_free(&p);
	fold_profile_free(&r);
	fold_profile_free(&b);
}

static void test_read_basic(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	int warns = 0;

	d.warn = collect_warn;
	d.arg = &warns;
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p,
			  "# a comment\n"
			  "\n"
			  "main;a 3\r\n"		/* CRLF */
			  "main;b\t2\n"			/* tab before the count */
			  "main;a 4   \n"		/* trailing blanks, duplicate */
			  "main;c  5\n"			/* frame "c " */
			  "a;;b 1\n"			/* empty frame */
			  "z 7",			/* no final newline */
			  &o, &d) == 0);
	CHECK(warns == 1);	/* read, but the last line may be cut short */
	CHECK(strcmp(write_folded(&p),
		     "a;;b 1\nmain;a 7\nmain;b 2\nmain;c  5\nz 7\n") == 0);
	fold_profile_free(&p);
}

/* Lines sharing prefixes whose frame boundaries differ. */
static void test_read_shared_prefixes(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };

	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p,
			  "a;bc 1\na;b;c 2\na;b 3\nab;c 4\nab;c 5\nab 6\n"
			  "a;b;cd 7\na;b;c;d 8\n;a 9\n;; 10\n", &o, &d) == 0);
	CHECK(p.nstacks == 9);
	CHECK(strcmp(write_folded(&p),
		     ";; 10\n;a 9\na;b 3\na;b;c 2\na;b;c;d 8\na;b;cd 7\n"
		     "a;bc 1\nab 6\nab;c 9\n") == 0);
	fold_profile_free(&p);
}

static void test_read_bad_lines(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	const char *text = "good 1\nno count here\nneg -2\nexp 1e3\n.5\n 9\nok 2\n";
	int warns = 0;

	d.warn = collect_warn;
	d.arg = &warns;
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, text, &o, &d) == 0);
	CHECK(warns == 5);
	CHECK(strcmp(write_folded(&p), "good 1\nok 2\n") == 0);
	fold_profile_free(&p);
	/* --strict: the first bad line is an error naming it */
	o.strict = 1;
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, text, &o, &d) == -1);
	CHECK(strstr(d.err, "mem:2:") != NULL);
	fold_profile_free(&p);
}

static void test_read_fractional_roundtrip(void)
{
	struct fold_profile p, q;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	const char *text = "a;b 1.5\na;c 2\na;d 0.25\na;e 12.\n";
	const char *out;

	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, text, &o, &d) == 0);
	out = write_folded(&p);
	CHECK(strcmp(out, "a;b 1.5\na;c 2\na;d 0.25\na;e 12\n") == 0);
	/* and the written text reads back to the same profile */
	CHECK(fold_profile_init(&q, 1) == 0);
	CHECK(read_folded(&q, out, &o, &d) == 0);
	CHECK(strcmp(write_folded(&q), out) == 0);
	fold_profile_free(&p);
	fold_profile_free(&q);
}

static void test_read_two_columns(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	size_t depth;

	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, "main;a 10 30\nmain;b 20 10\nmain;a 1 1\n", &o, &d) == 0);
	CHECK(p.ncols == 2 && p.nstacks == 2);
	fold_stack_frames(&p, 0, &depth);
	CHECK(depth == 2);
	CHECK(fold_stack_count(&p, 0, 0).u == 11 && fold_stack_count(&p, 0, 1).u == 31);
	CHECK(strcmp(write_folded(&p), "main;a 11 31\nmain;b 20 10\n") == 0);
	fold_profile_free(&p);
}

static void test_merge(void)
{
	struct fold_profile a, b;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };

	CHECK(fold_profile_init(&a, 1) == 0 && fold_profile_init(&b, 1) == 0);
	CHECK(read_folded(&a, "x;y 1\nx 2\n", &o, &d) == 0);
	CHECK(read_folded(&b, "q 5\nx;y 3\n", &o, &d) == 0);
	CHECK(fold_merge(&a, 0, &b, 0) == 0);
	CHECK(strcmp(write_folded(&a), "q 5\nx 2\nx;y 4\n") == 0);
	fold_profile_free(&a);
	fold_profile_free(&b);
}

static void test_input_gzip(void)
{
	const char *text = "a;b 1\na;c 2\n";
	unsigned char gz[256];
	z_stream z = { 0 };
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	struct fold_input in;
	size_t n;

	CHECK(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			   Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	n = sizeof(gz) - z.avail_out;
	deflateEnd(&z);
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(open_mem(&in, gz, n, &d) == 0);
	CHECK(fold_read(&p, &in, &o, &d) == 0);
	fold_input_close(&in);
	CHECK(strcmp(write_folded(&p), text) == 0);
	fold_profile_free(&p);
	/* cut short: an error, not a partial profile */
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(open_mem(&in, gz, n - 6, &d) == 0);
	CHECK(fold_read(&p, &in, &o, &d) == -1);
	CHECK(strstr(d.err, "truncated gzip") != NULL);
	fold_input_close(&in);
	fold_profile_free(&p);
}

/* What a slurp's check saw, and what it does past a point. */
struct seen {
	int calls, eofs, order;	/* order: 0 once len went down or eof twice */
	size_t last, step;	/* the last len, the largest growth */
	size_t stop, cut;	/* from len >= stop: cut there, or refuse */
	int refuse;
};

static int look_check(void *arg, const char *data, size_t len, int eof,
		      size_t *cut, struct fold_diag *d)
{
	struct seen *s = arg;

	if (len < s->last || (s->eofs && eof))
		s->order = 0;
	if (len - s->last > s->step)
		s->step = len - s->last;
	s->last = len;
	s->calls++;
	s->eofs += eof;
	if (len > 0 && data[len - 1] != 'x')
		s->order = 0;
	if (s->stop == 0 || len < s->stop)
		return 0;
	if (s->refuse) {
		fold_diag_error(d, "refused at %zu", len);
		return -1;
	}
	*cut = s->cut;
	return 1;
}

/*
 * fold_input_slurp's check sees the input as it comes, a few MiB at a
 * time, gzip or mapped, and stops the reading (cut or refused).
 */
static void test_slurp_check(void)
{
	size_t n = (size_t)10 << 20, zn = n / 100, i;
	char *text = malloc(n), *data;
	unsigned char *gz = malloc(zn);
	z_stream z = { 0 };
	struct fold_diag d = { 0 };
	struct fold_input in;
	struct seen s;
	struct fold_check check = { look_check, &s };
	size_t len;

	CHECK(text != NULL && gz != NULL);
	memset(text, 'x', n);
	CHECK(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			   Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)zn;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	zn -= z.avail_out;
	deflateEnd(&z);
	for (i = 0; i < 2; i++) {
		const void *src = i == 0 ? (const void *)gz : text;
		size_t srcn = i == 0 ? zn : n;

		/* read whole, looked at in steps, the end once */
		memset(&s, 0, sizeof(s));
		s.order = 1;
		CHECK(open_mem(&in, src, srcn, &d) == 0);
		CHECK(fold_input_slurp(&in, 2 * n, &check, &data, &len, &d) == 0);
		fold_input_close(&in);
		CHECK(len == n && s.last == n && s.eofs == 1 && s.order);
		CHECK(s.calls >= 3 && s.step <= ((size_t)4 << 20) + (512 << 10));
		CHECK(data[len] == '\0');
		free(data);
		/* cut where the check says: the rest is not read */
		memset(&s, 0, sizeof(s));
		s.order = 1;
		s.stop = (size_t)3 << 20;
		s.cut = 1000;
		CHECK(open_mem(&in, src, srcn, &d) == 0);
		CHECK(fold_input_slurp(&in, 2 * n, &check, &data, &len, &d) == 0);
		fold_input_close(&in);
		CHECK(len == 1000 && s.eofs == 0 && s.last < (size_t)8 << 20);
		CHECK(data[999] == 'x' && data[len] == '\0');
		free(data);
		/* refused: an error, with the check's message */
		memset(&s, 0, sizeof(s));
		s.order = 1;
		s.stop = (size_t)3 << 20;
		s.refuse = 1;
		CHECK(open_mem(&in, src, srcn, &d) == 0);
		CHECK(fold_input_slurp(&in, 2 * n, &check, &data, &len, &d) == -1);
		fold_input_close(&in);
		CHECK(data == NULL && strncmp(d.err, "refused at ", 11) == 0);
		CHECK(s.last < (size_t)8 << 20);
	}
	free(text);
	free(gz);
}

static void test_input_errors(void)
{
	struct fold_input in;
	struct fold_diag d = { 0 };
	struct fold_line ln;
	char *big;
	int r;

	/* a NUL byte is binary data, reported with its line */
	CHECK(open_mem(&in, "ok line\nbad\0line\n", 17, &d) == 0);
	while ((r = fold_input_line(&in, &ln, &d)) > 0)
		;
	CHECK(r == -1 && strstr(d.err, "mem:2: binary data") != NULL);
	fold_input_close(&in);
	/* also when it is in the very first bytes */
	CHECK(open_mem(&in, "a\nb\0", 5, &d) == -1);
	CHECK(strstr(d.err, "mem:2: binary data") != NULL);
	/* a line up to the limit is read whole; one longer is an error */
	big = malloc((2u << 20) + 3);
	CHECK(big != NULL);
	memset(big, 'x', (2u << 20) + 2);
	big[1u << 20] = '\n';		/* a line of 1 MiB, then one of 1 MiB + 1 */
	big[(2u << 20) + 2] = '\n';
	CHECK(open_mem(&in, big, (2u << 20) + 3, &d) == 0);
	in.max_line = 1u << 20;
	r = fold_input_line(&in, &ln, &d);
	CHECK(r == 1 && ln.len == 1u << 20);
	r = fold_input_line(&in, &ln, &d);
	fold_input_close(&in);
	free(big);
	CHECK(r == -1 && strstr(d.err, "mem:2: line too long (more than 1048576 bytes; --max-line") != NULL);
	/*
	 * Binary data read as text is an error at its first NUL (what it
	 * is, perf.data here, is formats/readers.c's to say: libfold knows
	 * no format but folded text).
	 */
	CHECK(open_mem(&in, "PERFILE2\x68\0\0\0", 12, &d) == 0);
	CHECK(fold_input_line(&in, &ln, &d) == -1);
	CHECK(strstr(d.err, "mem:1: binary data (NUL byte at offset 9)") != NULL);
	fold_input_close(&in);
	/* a missing file */
	CHECK(fold_input_open(&in, "/nonexistent/x.folded", &d) == -1);
	CHECK(strstr(d.err, "/nonexistent/x.folded: No such file") != NULL);
}

/* Lines across many buffer refills, with a pinned region kept. */
static void test_input_lines_and_pin(void)
{
	size_t n = 3 << 20, i, lines = 0, total = 0;
	char *text = malloc(n);
	struct fold_input in;
	struct fold_diag d = { 0 };
	struct fold_line ln;
	const char *pinned_text = NULL;
	int r;

	CHECK(text != NULL);
	for (i = 0; i < n; i++)
		text[i] = (i % 37 == 36) ? '\n' : (char)('a' + i % 26);
	text[n - 1] = '\n';
	CHECK(open_mem(&in, text, n, &d) == 0);
	while ((r = fold_input_line(&in, &ln, &d)) > 0) {
		lines++;
		total += ln.len + 1;
		if (lines == 1000) {
			fold_input_pin(&in, ln.s);
			pinned_text = ln.s;
		}
		if (lines == 1000 + 60000) {
			/* the pinned line moved with the buffer but is intact */
			CHECK(memcmp(fold_input_pinned(&in), text + 999 * 37, 36) == 0);
			fold_input_unpin(&in);
		}
	}
	CHECK(r == 0 && pinned_text != NULL);
	CHECK(total == n && lines == in.lineno);
	fold_input_close(&in);
	free(text);
}


/*
 * Large regular files are mapped, not read: an end on a page boundary
 * without a final newline (the slack after it is a page of its own), a NUL
 * byte deep inside, and the pages let go behind the reader, which new
 * allocations may reuse and closing must not unmap.
 */
static void test_input_mapped(void)
{
	size_t n = 2 << 20, i, lines = 0, total = 0, lastlen = 0;
	char *text = malloc(n), *blocks[8] = { 0 }, last = 0;
	struct fold_input in;
	struct fold_diag d = { 0 };
	struct fold_line ln;
	int r;

	CHECK(text != NULL);
	for (i = 0; i < n; i++)
		text[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	text[n - 1] = 'z';
	CHECK(open_mem(&in, text, n, &d) == 0);
	CHECK(in.map != NULL);
	while ((r = fold_input_line(&in, &ln, &d)) > 0) {
		lines++;
		total += ln.len;
		lastlen = ln.len;
		last = ln.len ? ln.s[ln.len - 1] : 0;
		if (lines % 2000 == 0 && lines / 2000 <= 8) {
			/* asked for where the file's first pages were */
			void *b = mmap(in.map + (lines / 2000 - 1) * (200 << 10),
				       200 << 10, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			CHECK(b != MAP_FAILED);
			blocks[lines / 2000 - 1] = b == MAP_FAILED ? NULL : b;
			if (b != MAP_FAILED)
				memset(b, 1, 200 << 10);
		}
	}
	CHECK(r == 0 && lines == n / 100 + 1 && total == n - n / 100);
	CHECK(lastlen == n % 100 && last == 'z');
	fold_input_close(&in);
	for (i = 0; i < 8; i++) {
		if (blocks[i] == NULL)
			continue;
		memset(blocks[i], 2, 200 << 10);	/* still mapped */
		munmap(blocks[i], 200 << 10);
	}
	/* a NUL byte on line 15001, at offset 1500042 */
	text[1500042] = '\0';
	CHECK(open_mem(&in, text, n, &d) == 0);
	while ((r = fold_input_line(&in, &ln, &d)) > 0)
		;
	CHECK(r == -1 && strstr(d.err, "mem:15001: binary data (NUL byte at "
				"offset 1500042)") != NULL);
	fold_input_close(&in);
	free(text);
}

/* Two one-count files into the columns of one profile (fg-diff). */
static void test_read_into_columns(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { .ncols = 1, .col = 0 };
	struct fold_diag d = { 0 };

	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "m;a 10\nm;b 20\nm;c 5\n", &o, &d) == 0);
	o.col = 1;
	CHECK(read_folded(&p, "m;a 30\nm;d 8\nm;b 10\n", &o, &d) == 0);
	CHECK(p.ncols == 2);
	CHECK(strcmp(write_folded(&p), "m;a 10 30\nm;b 20 10\nm;c 5 0\nm;d 0 8\n") == 0);
	o.col = 2;
	CHECK(read_folded(&p, "m 1\n", &o, &d) == -1);
	fold_profile_free(&p);
}

static void test_strip_hex(void)
{
	struct fold_profile a;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	const char *plain = "a;b 1\na;c 2\nz 3\n";

	CHECK(fold_profile_init(&a, 1) == 0);
	CHECK(read_folded(&a, "0x7f12;main 3\n0x7FAB;main 1\nf00x1g;0x;0xg 2\n", &o, &d) == 0);
	CHECK(fold_rename(&a, fold_strip_hex, NULL) == 0);
	CHECK(strcmp(write_folded(&a), "0x...;main 4\nf00x...g;0x;0xg 2\n") == 0);
	CHECK(a.nstacks == 2 && a.names.n == 5);
	fold_profile_free(&a);
	/* the only hex is in the first name: its id stays, its text not */
	CHECK(fold_profile_init(&a, 1) == 0);
	CHECK(read_folded(&a, "0x1;m 1\nm 2\n", &o, &d) == 0);
	CHECK(fold_rename(&a, fold_strip_hex, NULL) == 0);
	CHECK(strcmp(write_folded(&a), "0x...;m 1\nm 2\n") == 0);
	fold_profile_free(&a);
	/* nothing to strip: the profile stays as it is */
	CHECK(fold_profile_init(&a, 1) == 0);
	CHECK(read_folded(&a, plain, &o, &d) == 0);
	{
		const char *recs = a.recs;

		CHECK(fold_rename(&a, fold_strip_hex, NULL) == 0);
		CHECK(a.recs == recs && strcmp(write_folded(&a), plain) == 0);
	}
	fold_profile_free(&a);
}

static void test_normalize(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };

	/* formats/README.md, "Diff: reading, -s and -n": T1 = 40, T2 = 51,
	   int(10 * 51 / 40) = 12 */
	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "m;a 10 30\nm;b 20 10\nm;c 5 0\nm 2 2\nz 3 9\n", &o, &d) == 0);
	CHECK(fold_normalize(&p) == 0);
	CHECK(strcmp(write_folded(&p), "m 2 2\nm;a 12 30\nm;b 25 10\nm;c 6 0\nz 3 9\n") == 0);
	fold_profile_free(&p);
	/* a product past 64 bits is computed in doubles, as Perl does */
	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "a 9007199254740993 0\nb 9007199254740993 36028797018963972\n",
			  &o, &d) == 0);
	CHECK(fold_normalize(&p) == 0);
	CHECK(fold_stack_count(&p, 0, 0).u == 18014398509481984ull);
	fold_profile_free(&p);
	/* fractional counts are truncated too */
	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "a 1.5 3\nb 0.5 0\n", &o, &d) == 0);
	CHECK(fold_normalize(&p) == 0);
	CHECK(strcmp(write_folded(&p), "a 2 3\n") == 0);
	fold_profile_free(&p);
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(fold_normalize(&p) == -1);
	fold_profile_free(&p);
}

static void test_funcs(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	struct fold_func *fn;
	fold_id f, m;

	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "m;f;g;f 4 1\nm;f 2 6\nm;g 1 0\n", &o, &d) == 0);
	CHECK((fn = fold_funcs(&p)) != NULL);
	f = fold_names_find(&p.names, "f", 1);
	m = fold_names_find(&p.names, "m", 1);
	/* recursion counts a stack once */
	CHECK(fn[f].total[0].u == 6 && fn[f].total[1].u == 7);
	CHECK(fn[f].self[0].u == 6 && fn[f].self[1].u == 7);
	CHECK(fn[m].total[0].u == 7 && fn[m].self[0].u == 0);
	free(fn);
	fold_profile_free(&p);
}

/* Sorting merges the runs that are there; writing reuses shared prefixes. */
static void test_sort_runs_and_write(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };

	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, "a;b;c 1\na;b;d 2\nz 3\na;b 4\na;b;c;e 5\nab 6\na;b;c 0\n"
			  "a;bb 7\ny 0\na 8\n", &o, &d) == 0);
	CHECK(strcmp(write_folded(&p),
		     "a 8\na;b 4\na;b;c 1\na;b;c;e 5\na;b;d 2\na;bb 7\nab 6\nz 3\n") == 0);
	fold_profile_free(&p);
}

/*
 * Readers tell sorting which new stacks follow the one before (from the
 * text of sorted lines): every such hint must be true, and a sorted file
 * gives one for each stack after its first.  Digits sort before ';', so
 * "a;b0" comes before "a;b;c".
 */
static void test_sort_hints(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	size_t i, hints = 0;

	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, "a 1\na;b 1\na;b0 1\na;b;c 1\na;b;c;d 1\nab 1\nb 1\n",
			  &o, &d) == 0);
	for (i = 1; i < p.nstacks; i++)
		hints += fold_stack_ascending(&p, i);
	CHECK(hints == p.nstacks - 1);
	/* unsorted, repeated and prefix lines, and a second file */
	CHECK(read_folded(&p, "a;b;c 1\na;b0 2\nz 1\nz 1\nab;c 1\nab;c;d 1\n"
			  "a;b;a 1\nc 1\nb;x 1\n", &o, &d) == 0);
	CHECK(read_folded(&p, "a;a 1\nb;a 1\n", &o, &d) == 0);
	for (i = 1; i < p.nstacks; i++)
		if (fold_stack_ascending(&p, i))
			CHECK(fold_stack_cmp(&p, i - 1, i) < 0);
	CHECK(strcmp(write_folded(&p),
		     "a 1\na;a 1\na;b 1\na;b0 3\na;b;a 1\na;b;c 2\na;b;c;d 1\n"
		     "ab 1\nab;c 1\nab;c;d 1\nb 1\nb;a 1\nb;x 1\nc 1\nz 2\n") == 0);
	fold_profile_free(&p);
}

/* Widths from the larger column keep a stack that vanished. */
static void test_tree_max_width(void)
{
	struct fold_profile p;
	struct fold_read_opts o = { 0 };
	struct fold_diag d = { 0 };
	struct fold_tree_opts to = { FOLD_ORDER_NAME, FOLD_COL_MAX };
	struct fold_tree t;

	CHECK(fold_profile_init(&p, 2) == 0);
	CHECK(read_folded(&p, "m;a 10 30\nm;b 20 10\nm;c 5 0\n", &o, &d) == 0);
	CHECK(fold_tree_build_opts(&t, &p, &to) == 0);
	CHECK(t.nodes[0].total[FOLD_COL_MAX].u == 55);
	CHECK(t.nodes[0].total[0].u == 35 && t.nodes[0].total[1].u == 40);
	/* m, then a, b, c placed side by side in max widths */
	CHECK(t.n == 5 && t.nodes[4].start == 50 && t.nodes[4].total[FOLD_COL_MAX].u == 5);
	fold_tree_free(&t);
	fold_profile_free(&p);
	CHECK(fold_profile_init(&p, 1) == 0);
	CHECK(read_folded(&p, "m 1\n", &o, &d) == 0);
	CHECK(fold_tree_build_opts(&t, &p, &to) == -1);
	fold_profile_free(&p);
}

/* ---------------------------------------------------------------- units */

/* Values as go tool pprof prints them (measurement.ScaledLabel, "auto"). */
static void test_scaled(void)
{
	static const struct {
		double v;
		const char *unit, *want;
	} c[] = {
		{ 3280000000.0, "nanoseconds", "3.28s" },
		{ 12500000, "nanoseconds", "12.50ms" },
		{ 999, "ns", "999ns" },
		{ 1000, "ns", "1us" },
		{ 7200e9, "nanoseconds", "2hrs" },
		{ -2500, "ms", "-2.50s" },
		{ 0, "nanoseconds", "0" },
		{ 0.001, "nanoseconds", "0" },
		{ 524298, "bytes", "512.01kB" },
		{ 22938317, "bytes", "21.88MB" },
		{ 1536, "kilobytes", "1.50MB" },
		{ 512, "B", "512B" },
		{ 3, "Bytes", "3B" },
		{ 1234, "count", "1234" },
		{ 5, "widgets", "5" },
		{ 1500, "milligcu", "1.50GCU" },
	};
	char buf[FOLD_NUM_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		fold_fmt_scaled(buf, c[i].v, c[i].unit);
		if (strcmp(buf, c[i].want) != 0) {
			snprintf(why, sizeof(why), "%g %s: \"%s\", want \"%s\"",
				 c[i].v, c[i].unit, buf, c[i].want);
			failed = 1;
		}
	}
}

static void test_units(void)
{
	struct fold_unit u;
	char buf[2 * FOLD_UNIT_LEN];

	CHECK(fold_unit_parse(&u, "cpu/nanoseconds") == 0);
	CHECK(strcmp(u.type, "cpu") == 0 && strcmp(u.unit, "nanoseconds") == 0);
	CHECK(fold_unit_is_scaled(&u) && strcmp(fold_unit_noun(&u), "nanoseconds") == 0);
	CHECK(fold_unit_parse(&u, "bytes") == 0 && strcmp(u.type, "space") == 0);
	CHECK(fold_unit_parse(&u, "ms") == 0 && strcmp(u.type, "time") == 0);
	CHECK(fold_unit_parse(&u, "alloc_objects/count") == 0 && !fold_unit_is_scaled(&u));
	CHECK(strcmp(fold_unit_noun(&u), "alloc_objects") == 0);
	CHECK(fold_unit_parse(&u, "") == -1 && fold_unit_parse(&u, "a/") == -1);
	CHECK(fold_unit_parse(&u, "/ns") == -1 && fold_unit_parse(&u, "a/b/c") == -1);
	memset(&u, 0, sizeof(u));
	fold_unit_name(&u, buf, sizeof(buf));
	CHECK(strcmp(buf, "samples/count") == 0);
	CHECK(strcmp(fold_unit_noun(&u), "samples") == 0);
}

/* Column totals bound every sum: adding fails before they pass 2^64 - 1. */
static void test_totals_bound(void)
{
	struct fold_profile p;
	fold_id ids[4];
	size_t n;

	CHECK(fold_profile_init(&p, 2) == 0);
	n = ids_of(&p, "a;b", ids);
	CHECK(fold_add(&p, ids, n, 0, UINT64_MAX - 10) == 0);
	n = ids_of(&p, "a;c", ids);
	CHECK(fold_add(&p, ids, n, 1, 10) == 0);
	CHECK(fold_add(&p, ids, n, 1, 1) == -1 && errno == EOVERFLOW);
	CHECK(p.total[0].u == UINT64_MAX - 10 && p.total[1].u == 10);
	fold_profile_free(&p);
}

/* pprof's output unit and percentages (report.selectOutputUnit, Percentage). */
static void test_output_unit(void)
{
	char buf[FOLD_NUM_BUFSZ];

	/* 20ms beside 3.28s: seconds, as 0.02s still reads */
	CHECK(fold_scale_minimum("nanoseconds", 20e6, 3.28e9) == 3);
	fold_fmt_scaled_step(buf, 20e6, "nanoseconds", 3);
	CHECK(strcmp(buf, "0.02s") == 0);
	/* 30ms beside 2.76s: 100 x 30ms passes the total, so ms stays */
	CHECK(fold_scale_minimum("nanoseconds", 30e6, 2.76e9) == 2);
	fold_fmt_scaled_step(buf, 2.76e9, "nanoseconds", 2);
	CHECK(strcmp(buf, "2760ms") == 0);
	CHECK(fold_scale_minimum("bytes", 563, 22939597) == 1);	/* kB */
	CHECK(fold_scale_minimum("count", 1, 1000) == -1);
	fold_fmt_scaled_step(buf, 1234, "count", -1);
	CHECK(strcmp(buf, "1234") == 0);
	fold_fmt_share(buf, 71.9512);
	CHECK(strcmp(buf, "71.95%") == 0);
	fold_fmt_share(buf, 99.96);
	CHECK(strcmp(buf, "100%") == 0);
	fold_fmt_share(buf, 0.0892857);
	CHECK(strcmp(buf, "0.089%") == 0);
	fold_fmt_share(buf, 0);
	CHECK(strcmp(buf, "0%") == 0);
}

/* The node of name s in g, or NULL. */
static const struct fold_gnode *gnode(const struct fold_graph *g, const char *s)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strcmp(fold_name(&g->prof->names, g->nodes[i].name), s) == 0)
			return &g->nodes[i];
	return NULL;
}

static const struct fold_gedge *gedge(const struct fold_graph *g, const char *a,
				      const char *b)
{
	size_t i;

	for (i = 0; i < g->nedges; i++)
		if (strcmp(fold_name(&g->prof->names, g->nodes[g->edges[i].src].name), a) == 0 &&
		    strcmp(fold_name(&g->prof->names, g->nodes[g->edges[i].dst].name), b) == 0)
			return &g->edges[i];
	return NULL;
}

/*
 * The call graph: cum and edges once per stack under recursion; a dropped
 * node leaves a residual edge over it; a differential profile weighs by
 * the change.
 */
static void test_graph(void)
{
	struct fold_graph_opts all = { 0, 0, 0, 0, 0 }, cut = { 0.1, 0, 0, 1, 0 };
	struct fold_profile p;
	struct fold_graph g;
	const struct fold_gnode *nd;
	const struct fold_gedge *e;
	fold_id ids[8];
	size_t n;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "a;b;a;b", ids);
	CHECK(fold_add(&p, ids, n, 0, 1) == 0);
	n = ids_of(&p, "a;x;c", ids);
	CHECK(fold_add(&p, ids, n, 0, 100) == 0);
	n = ids_of(&p, "a;c", ids);
	CHECK(fold_add(&p, ids, n, 0, 1000) == 0);
	CHECK(fold_graph_build(&g, &p, &all, -1) == 0);
	CHECK(g.n == 4 && g.total == 1101);
	CHECK((nd = gnode(&g, "a")) != NULL && nd->cumv == 1101 && nd->flatv == 0);
	CHECK((nd = gnode(&g, "b")) != NULL && nd->cumv == 1 && nd->flatv == 1);
	CHECK((e = gedge(&g, "a", "b")) != NULL && e->wv == 1 && !e->residual);
	CHECK((e = gedge(&g, "b", "a")) != NULL && e->wv == 1);
	CHECK((e = gedge(&g, "a", "c")) != NULL && e->wv == 1000);
	/* nodes by flat, then name */
	CHECK(strcmp(fold_name(&p.names, g.nodes[0].name), "c") == 0);
	fold_graph_free(&g);

	/* x (cum 100) under 0.1 of 1101: gone, a -> c carries it, residual */
	CHECK(fold_graph_build(&g, &p, &cut, -1) == 0);
	CHECK(gnode(&g, "x") == NULL && gnode(&g, "b") == NULL && g.dropped_nodes == 2);
	CHECK((e = gedge(&g, "a", "c")) != NULL && e->wv == 1100 && e->residual);
	CHECK(g.node_cutoff == 110);
	fold_graph_free(&g);
	fold_profile_free(&p);

	/* before 10, after 4: a change of -6, percentages of the before side */
	CHECK(fold_profile_init(&p, 2) == 0);
	n = ids_of(&p, "m;f", ids);
	CHECK(fold_add(&p, ids, n, 0, 10) == 0 && fold_add(&p, ids, n, 1, 4) == 0);
	n = ids_of(&p, "m;g", ids);
	CHECK(fold_add(&p, ids, n, 0, 5) == 0 && fold_add(&p, ids, n, 1, 5) == 0);
	CHECK(fold_graph_build(&g, &p, &all, -1) == 0);
	CHECK(g.total == 15 && gnode(&g, "g") == NULL);	/* unchanged: not shown */
	CHECK((nd = gnode(&g, "f")) != NULL && nd->flatv == -6 && nd->flat[0].u == 10);
	CHECK((nd = gnode(&g, "m")) != NULL && nd->cumv == -6);
	fold_graph_free(&g);
	fold_profile_free(&p);
}

/* pprof's filters: ignore wins, focus keeps, hide and show take frames out. */
static void test_filter(void)
{
	struct fold_profile p, q;
	struct fold_filter f = { 0 };
	regex_t focus, hide;
	fold_id ids[8];
	size_t n;

	CHECK(fold_profile_init(&p, 1) == 0);
	n = ids_of(&p, "main;lib;leaf", ids);
	CHECK(fold_add(&p, ids, n, 0, 3) == 0);
	n = ids_of(&p, "main;other", ids);
	CHECK(fold_add(&p, ids, n, 0, 5) == 0);
	n = ids_of(&p, "main;leaf", ids);
	CHECK(fold_add(&p, ids, n, 0, 7) == 0);
	CHECK(regcomp(&focus, "^leaf$", REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(regcomp(&hide, "^lib$", REG_EXTENDED | REG_NOSUB) == 0);
	f.focus = &focus;
	f.hide = &hide;
	CHECK(fold_profile_init(&q, 1) == 0 && fold_filter(&q, &p, &f) == 0);
	CHECK(strcmp(write_folded(&q), "main;leaf 10\n") == 0);
	CHECK(f.matched[0] && f.matched[2] && !f.matched[1] && !f.matched[3]);
	fold_profile_free(&q);
	f.focus = NULL;
	f.hide = NULL;
	f.ignore = &focus;
	CHECK(fold_profile_init(&q, 1) == 0 && fold_filter(&q, &p, &f) == 0);
	CHECK(strcmp(write_folded(&q), "main;other 5\n") == 0);
	fold_profile_free(&q);
	f.ignore = NULL;
	f.show = &hide;
	CHECK(fold_profile_init(&q, 1) == 0 && fold_filter(&q, &p, &f) == 0);
	CHECK(strcmp(write_folded(&q), "lib 3\n") == 0);
	fold_profile_free(&q);
	regfree(&focus);
	regfree(&hide);
	fold_profile_free(&p);
}

/* ---------------------------------------------------------------- main */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "arena", test_arena },
	{ "intern", test_intern },
	{ "add-and-sum", test_add_and_sum },
	{ "fractional", test_fractional },
	{ "count-format", test_count_format },
	{ "sort-order", test_sort_order },
	{ "tree", test_tree },
	{ "tree-starts-and-weight", test_tree_starts_and_weight },
	{ "tree-input-order", test_tree_input_order },
	{ "reverse-reroot", test_reverse_reroot },
	{ "read-basic", test_read_basic },
	{ "read-shared-prefixes", test_read_shared_prefixes },
	{ "read-bad-lines", test_read_bad_lines },
	{ "read-fractional-roundtrip", test_read_fractional_roundtrip },
	{ "read-two-columns", test_read_two_columns },
	{ "merge", test_merge },
	{ "read-into-columns", test_read_into_columns },
	{ "strip-hex", test_strip_hex },
	{ "normalize", test_normalize },
	{ "funcs", test_funcs },
	{ "sort-runs-and-write", test_sort_runs_and_write },
	{ "tree-max-width", test_tree_max_width },
	{ "input-gzip", test_input_gzip },
	{ "slurp-check", test_slurp_check },
	{ "input-errors", test_input_errors },
	{ "input-lines-and-pin", test_input_lines_and_pin },
	{ "input-mapped", test_input_mapped },
	{ "sort-hints", test_sort_hints },
	{ "scaled", test_scaled },
	{ "units", test_units },
	{ "totals-bound", test_totals_bound },
	{ "output-unit", test_output_unit },
	{ "graph", test_graph },
	{ "filter", test_filter },
};

int main(int argc, char **argv)
{
	size_t i;
	int bad = 0;

	/* How many tests there are, for the runner to check the count. */
	if (argc > 1 && strcmp(argv[1], "--count") == 0) {
		printf("%zu\n", sizeof(tests) / sizeof(tests[0]));
		return 0;
	}

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failed = 0;
		why[0] = '\0';
		tests[i].fn();
		if (failed) {
			printf("FAIL unit/%s: %s\n", tests[i].name, why);
			bad++;
		} else {
			printf("PASS unit/%s\n", tests[i].name);
		}
	}
	return bad != 0;
}

/*
 * readers.c - the table of input formats, and how an input finds its
 * reader.  To add a format: write its struct fold_reader (a detector, its
 * options, a fold function) in its family's folder and list it here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "formats/gperf/gperf_fold.h"
#include "formats/perf/perf_fold.h"
#include "formats/perf/perf_sched.h"
#include "formats/pprof/pprof.h"
#include "formats/readers.h"
#include "formats/text/stacks.h"
#include "formats/runtime/runtime.h"

const struct fold_reader *const readers[] = {
	&fold_folded_reader,
	/*
	 * Before perf: a gdb "Thread N (...)" line followed by "#0 ..." reads
	 * to perf's detector as a sample header and a comment.
	 */
	&stk_gdb_reader,
	&perf_script_reader,
	&pprof_reader,
	&gperf_reader,
	&stk_dtrace_reader,
	&stk_stap_reader,
	&stk_bpftrace_reader,
	&stk_elfutils_reader,
	&stk_vtune_reader,
	&stk_vsprof_reader,
	&stk_sample_reader,
	&stk_recursive_reader,
	&jstack_reader,
	&java_exceptions_reader,
	&go_raw_reader,
	&faulthandler_reader,
	&chrome_tracing_reader,
	&perf_sched_reader,
	NULL,
};

/* How much of an input detection looks at, and at most. */
#define HEAD_BYTES (64u << 10)
#define HEAD_MAX FOLD_HEAD_MAX
/* What is kept of it for messages after a reader has used the input. */
#define HINT_BYTES 4096u

const struct fold_reader *readers_find(const char *name)
{
	size_t i;

	for (i = 0; readers[i] != NULL; i++)
		if (strcmp(readers[i]->name, name) == 0)
			return readers[i];
	return NULL;
}

int readers_init(struct readers *rs, const struct fold_reader *only)
{
	size_t i, n = 0;

	memset(rs, 0, sizeof(*rs));
	rs->only = only;
	while (readers[n] != NULL)
		n++;
	rs->slot = calloc(n, sizeof(*rs->slot));
	if (rs->slot == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (only != NULL && readers[i] != only)
			continue;
		rs->slot[rs->n].r = readers[i];
		rs->slot[rs->n].state = calloc(1, readers[i]->state_size ?
						  readers[i]->state_size : 1);
		if (rs->slot[rs->n++].state == NULL) {
			readers_free(rs);
			return -1;
		}
	}
	return 0;
}

void readers_free(struct readers *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (rs->slot[i].r->free != NULL && rs->slot[i].state != NULL)
			rs->slot[i].r->free(rs->slot[i].state);
		free(rs->slot[i].state);
	}
	free(rs->slot);
	memset(rs, 0, sizeof(*rs));
}

static const struct fold_reader_option *find_option(const struct fold_reader *r,
						    const char *name)
{
	const struct fold_reader_option *o;

	for (o = r->options; o != NULL && o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int readers_set(struct readers *rs, const char *name, const char *arg,
		struct fold_diag *d)
{
	size_t i;
	int found = 0;

	for (i = 0; i < rs->n; i++) {
		struct reader_slot *s = &rs->slot[i];
		const struct fold_reader_option *o = find_option(s->r, name);

		if (o == NULL)
			continue;
		found = 1;
		if (s->r->set(s->state, name, arg ? arg : "", d) != 0)
			return -1;
		if (s->nset < sizeof(s->set) / sizeof(s->set[0]))
			s->set[s->nset++] = o->name;
	}
	return found ? 0 : 1;
}

int readers_check(struct readers *rs, struct fold_diag *d)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->slot[i].r->check != NULL &&
		    rs->slot[i].r->check(rs->slot[i].state, d) != 0)
			return -1;
	return 0;
}

int readers_argument(struct readers *rs, const char *path, int more)
{
	char head[64 + FOLD_INPUT_SLACK] = { 0 };
	struct stat st;
	ssize_t n = 0;
	size_t i;
	FILE *f;

	for (i = 0; i < rs->n && rs->slot[i].r->argument == NULL; i++)
		;
	if (i == rs->n)
		return 0;	/* no reader takes arguments: nothing to open */
	/* Only a regular file can be looked at without using it up. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (f = fopen(path, "rb")) != NULL) {
		n = (ssize_t)fread(head, 1, 64, f);
		fclose(f);
	}
	for (i = 0; i < rs->n; i++) {
		const struct reader_slot *s = &rs->slot[i];

		if (s->r->argument != NULL &&
		    s->r->argument(s->state, path, head, (size_t)n,
				   rs->only != NULL, more))
			return 1;
	}
	return 0;
}

/* Known formats that no reader reads, to say what an input is. */
static const char *known_other(const char *head, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} known[] = {
		{ "PERFILE2", 8, "this is a perf.data file; convert it with "
		  "'perf script' first (fgkit does not read perf.data yet)" },
		{ "\177ELF", 4, "this is an ELF file, not a profile (the program "
		  "of a gperftools profile goes with it: --binary=PROGRAM)" },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (n >= known[i].len && memcmp(head, known[i].magic, known[i].len) == 0)
			return known[i].what;
	return NULL;
}

/*
 * The reader surest about head (NULL if none says more than no); *more
 * when a detector needs more bytes to tell.  Only yes counts when strong.
 */
static const struct fold_reader *detect(const struct fold_reader *const *rv,
					const struct fold_reader *skip,
					const char *head, size_t n, int eof,
					int strong, int *more)
{
	const struct fold_reader *best = NULL;
	enum fold_detect top = FOLD_DETECT_NO;
	size_t i;

	*more = 0;
	for (i = 0; rv[i] != NULL; i++) {
		const struct fold_reader *r = rv[i];
		enum fold_detect k;

		if (r == skip)
			continue;
		k = r->detect(head, n, eof);
		if (k == FOLD_DETECT_MORE) {
			*more = 1;
			continue;
		}
		if (k > top && (!strong || k == FOLD_DETECT_YES)) {
			top = k;
			best = r;
		}
	}
	/*
	 * One detector sure of its format settles it: a longer head would only
	 * show it more of what follows (a pprof message cut short and padded
	 * with zeros says yes at 64 KiB and no at 1 MiB).
	 */
	if (top == FOLD_DETECT_YES)
		*more = 0;
	return best;
}

/* The first line of a text head that is not blank, for a message. */
static void first_line(char *buf, const char *head, size_t n)
{
	struct fold_line ln = { (char *)head, 0 };
	size_t pos = 0;

	while (fold_head_line(head, n, 1, &pos, &ln) && ln.len == 0)
		;
	fold_excerpt(buf, ln.s, ln.len);
}

/* The message for an input that no reader takes. */
static void unrecognized(const struct readers *rs, const char *name,
			 const char *head, size_t n, struct fold_diag *d)
{
	const char *other = known_other(head, n);
	char formats[1024] = "", line[FOLD_EXCERPT];
	size_t i, k = 0;

	if (other != NULL) {
		fold_diag_error(d, "%s: %s", name, other);
		return;
	}
	/* Stop at a full buffer: snprintf's count would run past it. */
	for (i = 0; i < rs->n && k < sizeof(formats); i++)
		k += (size_t)snprintf(formats + k, sizeof(formats) - k, "%s%s",
				      i == 0 ? "" : i + 1 == rs->n ? " or " : ", ",
				      rs->slot[i].r->title);
	if (memchr(head, '\0', n) == NULL && n > 0) {
		first_line(line, head, n);
		fold_diag_error(d, "%s: unrecognized input: not %s (it starts "
				"\"%s\")", name, formats, line);
	} else {
		fold_diag_error(d, "%s: unrecognized input: not %s", name,
				formats);
	}
}

/*
 * Add to a named reader's refusal what the input looks like instead, if
 * another reader is sure of it.
 */
static void hint(const struct readers *rs, const char *head, size_t n, int eof,
		 struct fold_diag *d)
{
	const struct fold_reader *r;
	const char *other = known_other(head, n);
	size_t len = strlen(d->err);
	int more;

	if (other != NULL) {
		snprintf(d->err + len, sizeof(d->err) - len, "; %s", other);
		return;
	}
	r = detect(readers, rs->only, head, n, eof, 1, &more);
	if (r == NULL)
		return;
	/* "a gperftools CPU profile (...)", "text (perf script output: ...)" */
	snprintf(d->err + len, sizeof(d->err) - len, "; it looks like %s%s%s"
		 "fg-collapse %s, or fg-collapse auto)",
		 r->binary ? "a " : "text (", r->what ? r->what(head, n) : r->title,
		 r->binary ? " (" : ": ", r->name);
}

static struct reader_slot *slot_of(struct readers *rs,
				   const struct fold_reader *r)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->slot[i].r == r)
			return &rs->slot[i];
	return NULL;
}

int readers_read(struct readers *rs, struct fold_profile *p, const char *path,
		 const struct fold_read_opts *ro, struct fold_diag *d,
		 const struct fold_reader **used, const char **what)
{
	const struct fold_reader *r = rs->only;
	struct reader_slot *s;
	struct fold_input in;
	char saved[HINT_BYTES + FOLD_INPUT_SLACK];
	const char *head, *nul;
	size_t n, want = HEAD_BYTES, kept;
	int eof, more = 0, rc = -1;

	*used = NULL;
	*what = NULL;
	d->refused = 0;
	if (fold_input_probe(&in, path, d) != 0)
		return -1;
	if (ro->max_line != 0)
		in.max_line = ro->max_line;
	for (;;) {
		if (fold_input_peek(&in, want, &head, &n, &eof, d) != 0)
			goto out;
		if (rs->only != NULL)
			break;
		r = detect(readers, NULL, head, n, eof, 0, &more);
		if (!more || eof || want >= HEAD_MAX)
			break;
		want *= 4;
	}
	kept = n < HINT_BYTES ? n : HINT_BYTES;
	memcpy(saved, head, kept);
	memset(saved + kept, 0, FOLD_INPUT_SLACK);
	if (r == NULL) {
		unrecognized(rs, in.name, head, n, d);
		goto out;
	}
	if (!r->binary && known_other(head, n) != NULL) {
		/* A named text reader would only say "binary data". */
		fold_diag_error(d, "%s: not %s; %s", in.name, r->title,
				known_other(head, n));
		goto out;
	}
	if (!r->binary && (nul = memchr(head, '\0', n)) != NULL) {
		/* Said before a text reader judges the first line. */
		fold_input_nul(&in, (size_t)(nul - in.buf), d);
		if (rs->only != NULL)
			hint(rs, saved, kept, eof && kept == n, d);
		goto out;
	}
	*used = r;
	*what = r->what ? r->what(head, n) : r->title;
	s = slot_of(rs, r);
	s->used = 1;
	if (r->fold(s->state, p, &in, ro, d) != 0) {
		if (d->refused && rs->only != NULL)
			hint(rs, saved, kept, eof && kept == n, d);
		goto out;
	}
	rc = 0;
out:
	fold_input_close(&in);
	return rc;
}

void readers_done(struct readers *rs, struct fold_diag *d)
{
	size_t i, j, k;

	for (i = 0; i < rs->n; i++)
		if (rs->slot[i].used && rs->slot[i].r->done != NULL)
			rs->slot[i].r->done(rs->slot[i].state, d);
	/* An option of readers that read nothing did nothing: say so. */
	for (i = 0; i < rs->n; i++) {
		const struct reader_slot *s = &rs->slot[i];

		for (j = 0; j < s->nset && !s->used; j++) {
			int elsewhere = 0;

			for (k = 0; k < rs->n; k++)
				elsewhere |= rs->slot[k].used &&
					     find_option(rs->slot[k].r, s->set[j]);
			/* once per option, at the first reader that has it */
			for (k = 0; k < i && !elsewhere; k++)
				elsewhere |= find_option(rs->slot[k].r, s->set[j]) != NULL;
			if (!elsewhere)
				fold_diag_warn(d, "--%s is an option of %s, and "
					       "no input was that; ignored",
					       s->set[j], s->r->title);
		}
	}
}

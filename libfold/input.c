/* input.c - buffered line input, plain or gzip, with diagnostics. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "libfold/input.h"

#define INPUT_CHUNK (512u << 10)
#define INPUT_MAX_BUF (256u << 20)	/* pinned data plus one line */
#define INPUT_MAP_MIN (1u << 20)	/* smaller regular files are read */
/* What a slurp reads between two looks of its check (struct fold_check). */
#define INPUT_CHECK_STEP (4u << 20)

void fold_diag_error(struct fold_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
}

void fold_diag_refuse(struct fold_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	d->refused = 1;
}

void fold_diag_warn(struct fold_diag *d, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (d->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->warn(d->arg, msg);
}

static ssize_t read_raw(struct fold_input *in, void *dst, size_t n)
{
	ssize_t r;

	if (in->mem != NULL) {
		if (n > in->memlen - in->mempos)
			n = in->memlen - in->mempos;
		memcpy(dst, in->mem + in->mempos, n);
		in->mempos += n;
		return (ssize_t)n;
	}
	do
		r = read(in->fd, dst, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Read until n bytes or end of file; the count read, or -1. */
static ssize_t read_full(struct fold_input *in, unsigned char *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read_raw(in, dst + got, n - got);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Decompressed bytes into dst; 0 at the end of the last gzip member. */
static ssize_t read_gz(struct fold_input *in, char *dst, size_t n,
		       struct fold_diag *d)
{
	z_stream *z = in->z;

	z->next_out = (unsigned char *)dst;
	z->avail_out = (uInt)n;
	while (z->avail_out == n) {
		int rc;

		if (z->avail_in == 0 && !in->zdone) {
			ssize_t r = read_raw(in, in->zbuf, in->zcap);

			if (r < 0) {
				fold_diag_error(d, "%s: %s", in->name,
						strerror(errno));
				return -1;
			}
			if (r == 0)
				in->zdone = 1;
			z->next_in = in->zbuf;
			z->avail_in = (uInt)r;
		}
		if (z->avail_in == 0 && in->zdone) {
			if (in->gz == 2)	/* between members */
				return 0;
			fold_diag_error(d, "%s: truncated gzip data", in->name);
			return -1;
		}
		if (in->gz == 2) {
			/* Another member follows (concatenated .gz files). */
			inflateReset(z);
			in->gz = 1;
		}
		rc = inflate(z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			in->gz = 2;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			fold_diag_error(d, "%s: corrupt gzip data at compressed "
					"byte %lu: %s", in->name,
					(unsigned long)z->total_in,
					z->msg ? z->msg : "inflate error");
			return -1;
		}
	}
	return (ssize_t)(n - z->avail_out);
}

/*
 * Bytes after buf[end], up to room of them (at most cap - end): gunzipped
 * if need be; -1 with a message.
 */
static ssize_t read_more(struct fold_input *in, size_t room,
			 struct fold_diag *d)
{
	ssize_t n;

	if (in->buf == in->map) {
		/*
		 * The next chunk of a mapped file: its pages are mapped in
		 * with one call rather than a fault each (a hint; faults do
		 * the same where the kernel lacks it).
		 */
		n = (ssize_t)(room < INPUT_CHUNK ? room : INPUT_CHUNK);
#ifdef MADV_POPULATE_READ
		(void)madvise(in->map + in->end / in->page * in->page,
			      (size_t)n + in->end % in->page, MADV_POPULATE_READ);
#endif
		return n;
	}
	if (in->gz)
		return read_gz(in, in->buf + in->end, room, d);
	n = read_raw(in, in->buf + in->end, room);
	if (n < 0)
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
	return n;
}

/*
 * The buffer enlarged to cap bytes; -1 with a message.  For text the new
 * bytes (slack included) are zeroed so that word loads past a line are
 * defined; a binary input is only read up to its end (fold_slurp zeroes
 * the slack there), and its unused capacity stays untouched memory.
 */
static int grow(struct fold_input *in, size_t cap, struct fold_diag *d)
{
	char *b = fold_big_realloc(in->buf, in->buf ? in->cap + FOLD_INPUT_SLACK : 0,
				   cap + FOLD_INPUT_SLACK);

	if (b == NULL) {
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	if (!in->binary)
		memset(b + in->cap, 0, cap - in->cap + FOLD_INPUT_SLACK);
	in->buf = b;
	in->cap = cap;
	return 0;
}

static uint64_t line_of(const struct fold_input *in, const char *p);

/*
 * A large regular file is mapped rather than read: reading copies every
 * byte once more and faults in a buffer, which costs as much as parsing
 * does in the fastest filters.  The file is mapped over a zeroed anonymous
 * reservation, so the slack after its end reads as zeros even when the
 * size is a multiple of the page size.  It is still taken a chunk at a
 * time (see read_more and fold_input_fill), so that only about a chunk of
 * it is mapped in at once.  Anything unusual (a pipe, an offset, a failed
 * mmap, gzip data) falls back to read().
 */
static void map_file(struct fold_input *in)
{
	struct stat st;
	size_t size, len, page = (size_t)sysconf(_SC_PAGESIZE);
	void *a, *f;

	if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)INPUT_MAP_MIN ||
	    (uint64_t)st.st_size > SIZE_MAX / 2 ||
	    lseek(in->fd, 0, SEEK_CUR) != 0)
		return;
	size = (size_t)st.st_size;
	len = (size + FOLD_INPUT_SLACK + page - 1) / page * page;
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (a == MAP_FAILED)
		return;
	f = mmap(a, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, in->fd, 0);
	if (f == MAP_FAILED) {
		munmap(a, len);
		return;
	}
	in->map = f;
	in->maplen = len;
	in->page = page;
	in->size = size;
}

/*
 * Text is checked for NUL bytes as its lines are found (fold_input_scan),
 * and its first bytes when it is opened, as the magic numbers are.
 */
static int head_text(struct fold_input *in, size_t n, struct fold_diag *d)
{
	const char *z = in->binary || in->probe ? NULL : memchr(in->buf, 0, n);

	return z != NULL ? fold_input_nul(in, (size_t)(z - in->buf), d) : 0;
}

static int start(struct fold_input *in, struct fold_diag *d)
{
	unsigned char head[8];
	ssize_t n;
	int gz;

	n = read_full(in, head, sizeof(head));
	if (n < 0) {
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	if ((n >= 6 && memcmp(head, "\xfd" "7zXZ\0", 6) == 0) ||
	    (n >= 4 && memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0) ||
	    (n >= 3 && memcmp(head, "BZh", 3) == 0)) {
		fold_diag_error(d, "%s: xz, zstd and bzip2 input is not "
				"supported; decompress it first (gzip is)",
				in->name);
		return -1;
	}
	gz = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
	if (in->map != NULL && !gz) {
		/* Mapped text: the mapping is the buffer (head included). */
		in->buf = in->map;
		in->cap = (size_t)in->size;
		in->end = (size_t)n;
		/* As if read: a shell script sharing the descriptor sees it used. */
		(void)lseek(in->fd, (off_t)in->size, SEEK_SET);
		return head_text(in, (size_t)n, d);
	}
	if (in->map != NULL) {
		/* Compressed input is read: its pages would stay mapped. */
		munmap(in->map, in->maplen);
		in->map = NULL;
		in->size = 0;
	}
	in->cap = INPUT_CHUNK;
	/* Zeroed, slack included, so word loads past a line end are defined. */
	in->buf = calloc(1, in->cap + FOLD_INPUT_SLACK);
	if (in->buf == NULL) {
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	if (gz) {
		z_stream *z = calloc(1, sizeof(*z));

		in->zcap = INPUT_CHUNK;
		in->zbuf = malloc(in->zcap);
		if (z == NULL || in->zbuf == NULL ||
		    inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
			free(z);
			fold_diag_error(d, "%s: cannot start gzip decoder",
					in->name);
			return -1;
		}
		memcpy(in->zbuf, head, (size_t)n);
		z->next_in = in->zbuf;
		z->avail_in = (uInt)n;
		in->z = z;
		in->gz = 1;
		return 0;
	}
	memcpy(in->buf, head, (size_t)n);
	in->end = (size_t)n;
	return head_text(in, (size_t)n, d);
}

/* How an input is opened: as text, as bytes, or to be looked at first. */
enum { AS_TEXT, AS_BINARY, AS_PROBE };

static void input_init(struct fold_input *in, int fd, const char *name,
		       int mode)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->binary = mode == AS_BINARY;
	in->probe = mode == AS_PROBE;
	in->name = name;
	in->pin = SIZE_MAX;
	in->max_line = FOLD_MAX_LINE;
	in->last_nl = 1;
}

static int input_fd(struct fold_input *in, int fd, const char *name,
		    int mode, struct fold_diag *d)
{
	input_init(in, fd, name, mode);
	if (mode != AS_BINARY)
		map_file(in);
	if (start(in, d) != 0) {
		fold_input_close(in);	/* not owned: the fd stays open */
		return -1;
	}
	return 0;
}

int fold_input_fd(struct fold_input *in, int fd, const char *name,
		  struct fold_diag *d)
{
	return input_fd(in, fd, name, AS_TEXT, d);
}

int fold_input_mem(struct fold_input *in, const char *data, size_t len,
		   const char *name, struct fold_diag *d)
{
	input_init(in, -1, name, AS_TEXT);
	in->mem = data;
	in->memlen = len;
	if (start(in, d) != 0) {
		fold_input_close(in);
		return -1;
	}
	return 0;
}

static int input_open(struct fold_input *in, const char *path, int mode,
		      struct fold_diag *d)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return input_fd(in, STDIN_FILENO, "<stdin>", mode, d);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		memset(in, 0, sizeof(*in));
		in->fd = -1;
		fold_diag_error(d, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (input_fd(in, fd, path, mode, d) != 0) {
		close(fd);
		return -1;
	}
	in->owned = 1;
	return 0;
}

int fold_input_open(struct fold_input *in, const char *path,
		    struct fold_diag *d)
{
	return input_open(in, path, AS_TEXT, d);
}

int fold_input_probe(struct fold_input *in, const char *path,
		     struct fold_diag *d)
{
	return input_open(in, path, AS_PROBE, d);
}

/*
 * Read on into the buffer, which grows up to limit bytes, at most step
 * bytes: what was read (0 at the end of input, in->eof then set), -1 on an
 * error (message in d), -2 when the buffer is full at limit.
 */
static ssize_t read_on(struct fold_input *in, size_t limit, size_t step,
		       struct fold_diag *d)
{
	ssize_t r;

	if (in->end == in->cap && in->buf != in->map) {
		if (in->cap >= limit)
			return -2;
		if (grow(in, in->cap * 2 < limit ? in->cap * 2 : limit, d) != 0)
			return -1;
	}
	r = read_more(in, in->cap - in->end < step ? in->cap - in->end : step, d);
	if (r < 0)
		return -1;
	if (r == 0)
		in->eof = 1;
	in->end += (size_t)r;
	return r;
}

int fold_input_peek(struct fold_input *in, size_t want, const char **head,
		    size_t *n, int *eof, struct fold_diag *d)
{
	while (in->end - in->pos < want && !in->eof) {
		ssize_t r = read_on(in, INPUT_MAX_BUF, SIZE_MAX, d);

		if (r == -2)
			break;		/* as much as a line may take */
		if (r < 0)
			return -1;
	}
	*head = in->buf + in->pos;
	*n = in->end - in->pos;
	*eof = in->eof;
	return 0;
}

/*
 * check's look at data[0..len): 0 to read on, 1 to stop with *len cut to
 * what the reader will look at, -1 to refuse.
 */
static int look(const struct fold_check *check, const char *data,
		size_t *len, int eof, struct fold_diag *d)
{
	size_t cut = *len;
	int rc;

	if (check == NULL)
		return 0;
	rc = check->fn(check->arg, data, *len, eof, &cut, d);
	if (rc > 0 && cut < *len)
		*len = cut;
	return rc;
}

/*
 * The rest of a mapped file, read into memory: a binary reader wants it
 * whole, and reading spares faulting in (and keeping) the mapped pages.
 */
static int slurp_mapped(struct fold_input *in, size_t max,
			const struct fold_check *check, char **data,
			size_t *len, struct fold_diag *d)
{
	size_t n = in->cap - in->pos, got = 0;
	off_t at = (off_t)(in->offset + in->pos);
	char *b;
	int rc;

	if (n > max) {
		fold_diag_error(d, "%s: too large (more than %zu MiB)", in->name,
				max >> 20);
		return -1;
	}
	b = malloc(n + FOLD_INPUT_SLACK);
	if (b == NULL) {
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	while ((rc = look(check, b, &got, got == n, d)) == 0 && got < n) {
		size_t step = check != NULL && n - got > INPUT_CHECK_STEP ?
			      INPUT_CHECK_STEP : n - got;
		ssize_t r = pread(in->fd, b + got, step, at + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fold_diag_error(d, "%s: %s", in->name,
					r < 0 ? strerror(errno) : "the file shrank");
			free(b);
			return -1;
		}
		got += (size_t)r;
	}
	if (rc < 0) {
		free(b);
		return -1;
	}
	n = got;
	memset(b + n, 0, FOLD_INPUT_SLACK);
	*data = b;
	*len = n;
	return 0;
}

/*
 * A gzip file says its unpacked size (mod 2^32, of its last member) in its
 * last four bytes: room for that at once, rather than doubling and copying
 * a buffer up to it.  Only a hint; the buffer still grows past it.
 */
static void gzip_presize(struct fold_input *in, size_t max,
			 struct fold_diag *d)
{
	unsigned char t[4];
	struct stat st;
	size_t isize;

	if (in->z == NULL || fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 18 || pread(in->fd, t, 4, st.st_size - 4) != 4)
		return;
	isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 |
		(size_t)t[3] << 24;
	/* One byte more, so the read that finds the end needs no room. */
	if (isize < max && isize + 1 > in->cap)
		(void)grow(in, isize + 1, d);
}

int fold_input_slurp(struct fold_input *in, size_t max,
		     const struct fold_check *check, char **data, size_t *len,
		     struct fold_diag *d)
{
	int rc;

	*data = NULL;
	*len = 0;
	if (in->buf == in->map && in->map != NULL)
		return slurp_mapped(in, max, check, data, len, d);
	in->binary = 1;
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->offset += in->pos;
		in->pos = 0;
	}
	gzip_presize(in, max, d);
	/* Looked at from the bytes a detector has seen, before more come. */
	while ((rc = look(check, in->buf, &in->end, in->eof, d)) == 0 &&
	       !in->eof) {
		ssize_t n = read_on(in, max, check != NULL ? INPUT_CHECK_STEP :
				    SIZE_MAX, d);

		if (n == -2)
			fold_diag_error(d, "%s: too large (more than %zu MiB)",
					in->name, max >> 20);
		if (n < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	memset(in->buf + in->end, 0, FOLD_INPUT_SLACK);
	*data = in->buf;
	*len = in->end;
	/* The buffer is the caller's now; the input reads nothing more. */
	in->buf = NULL;
	in->cap = in->pos = in->end = 0;
	return 0;
}

int fold_slurp(const char *path, size_t max, char **data, size_t *len,
	       struct fold_diag *d)
{
	struct fold_input in;
	int rc;

	*data = NULL;
	*len = 0;
	if (input_open(&in, path, AS_BINARY, d) != 0)
		return -1;
	rc = fold_input_slurp(&in, max, NULL, data, len, d);
	fold_input_close(&in);
	return rc;
}

void fold_input_close(struct fold_input *in)
{
	if (in->z != NULL) {
		inflateEnd(in->z);
		free(in->z);
	}
	free(in->zbuf);
	if (in->buf != in->map)
		free(in->buf);
	/* Not the pages let go: new mappings may have taken their place. */
	if (in->map != NULL)
		munmap(in->map + in->unmapped * in->page,
		       in->maplen - in->unmapped * in->page);
	if (in->owned)
		close(in->fd);
	in->owned = 0;
	in->z = NULL;
	in->zbuf = NULL;
	in->buf = NULL;
	in->map = NULL;
	in->unmapped = 0;
	in->fd = -1;
}

int fold_regcomp(regex_t *rx, const char *opt, const char *re,
		 struct fold_diag *d)
{
	int rc = regcomp(rx, re, REG_EXTENDED | REG_NOSUB);
	char msg[256];

	if (rc == 0)
		return 0;
	regerror(rc, rx, msg, sizeof(msg));
	fold_diag_error(d, "--%s: %s", opt, msg);
	return -1;
}

void fold_excerpt(char *buf, const char *s, size_t len)
{
	size_t i, n = len < FOLD_EXCERPT - 4 ? len : FOLD_EXCERPT - 4;

	for (i = 0; i < n; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (n < len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
}

int fold_head_line(const char *head, size_t n, int eof, size_t *pos,
		   struct fold_line *ln)
{
	const char *s = head + *pos, *nl;
	size_t len;

	if (*pos >= n)
		return 0;
	nl = memchr(s, '\n', n - *pos);
	if (nl == NULL && !eof)
		return 0;
	len = nl ? (size_t)(nl - s) : n - *pos;
	*pos += len + 1;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	ln->s = (char *)s;
	ln->len = len;
	return 1;
}

int fold_input_toolong(struct fold_input *in, struct fold_diag *d)
{
	fold_diag_error(d, "%s:%llu: line too long (more than %zu bytes; "
			"--max-line raises the limit)",
			in->name, (unsigned long long)in->lineno + 1,
			in->max_line);
	return -1;
}

/* Line number of byte p (in buf), for messages about the current line. */
static uint64_t line_of(const struct fold_input *in, const char *p)
{
	const char *s = in->buf + in->pos;
	uint64_t n = in->lineno + 1;

	while ((s = memchr(s, '\n', (size_t)(p - s))) != NULL) {
		s++;
		n++;
	}
	return n;
}

int fold_input_nul(struct fold_input *in, size_t at, struct fold_diag *d)
{
	fold_diag_error(d, "%s:%llu: binary data (NUL byte at offset %llu); "
			"expected text", in->name,
			(unsigned long long)line_of(in, in->buf + at),
			(unsigned long long)(in->offset + at));
	return -1;
}

/*
 * Called when every newline before in->end has been returned: compact,
 * read more, and return the next line (or the last one, without LF).
 */
int fold_input_fill(struct fold_input *in, struct fold_line *ln,
		    struct fold_diag *d)
{
	for (;;) {
		size_t keep = in->pin < in->pos ? in->pin : in->pos;
		ssize_t n;

		if (in->buf == in->map && keep / in->page > in->unmapped) {
			/*
			 * What was read of a mapped file is let go, page by
			 * page, as a read buffer would be overwritten.
			 */
			(void)munmap(in->map + in->unmapped * in->page,
				     (keep / in->page - in->unmapped) * in->page);
			in->unmapped = keep / in->page;
		} else if (keep > 0 && in->buf != in->map) {
			memmove(in->buf, in->buf + keep, in->end - keep);
			in->pos -= keep;
			in->end -= keep;
			if (in->pin != SIZE_MAX)
				in->pin -= keep;
			in->offset += keep;
		}
		/* New data is scanned from where the old data ended. */
		in->scan = in->end;
		in->mask = 0;
		if (in->end - in->pos > in->max_line)
			return fold_input_toolong(in, d);
		if (in->eof) {
			if (in->pos == in->end)
				return 0;
			/* A last line without LF. */
			ln->s = in->buf + in->pos;
			ln->len = in->end - in->pos;
			if (ln->len > 0 && ln->s[ln->len - 1] == '\r')
				ln->len--;
			in->pos = in->end;
			in->lineno++;
			in->last_nl = 0;
			return 1;
		}
		if (in->end == in->cap && in->buf != in->map) {
			/* Room for what is pinned and one whole line. */
			size_t max = INPUT_MAX_BUF + in->max_line;

			if (in->cap * 2 > max) {
				fold_diag_error(d, "%s:%llu: record too large "
						"(more than %zu MiB)", in->name,
						(unsigned long long)in->lineno + 1,
						max >> 20);
				return -1;
			}
			if (grow(in, in->cap * 2, d) != 0)
				return -1;
		}
		n = read_more(in, in->cap - in->end, d);
		if (n < 0)
			return -1;
		if (n == 0) {
			in->eof = 1;
			continue;
		}
		in->end += (size_t)n;
		while (in->mask == 0 && in->scan < in->end)
			if (fold_input_scan(in, d) != 0)
				return -1;
		if (in->mask != 0)
			return fold_input_take(in, ln, d);
	}
}

/* perf_script.c - streaming reader for `perf script` text output. */
#include <errno.h>
#include <stdlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "libfold/input.h"
#include "formats/text/chars.h"
#include "formats/perf/perf_script.h"

static inline int is_blank(char c)
{
	return ch_is(c, CH_BLANK);
}

static inline int is_space(char c)
{
	return ch_is(c, CH_SPACE);
}

static inline int is_digit(char c)
{
	return ch_is(c, CH_DIGIT);
}

static inline int is_word(char c)
{
	return ch_is(c, CH_WORD);
}

static inline int is_hex(char c)
{
	return ch_is(c, CH_HEX);
}

int perf_frame_split(const char *s, size_t len, struct perf_frame_fields *f)
{
	const char *e = s + len, *q, *r, *p, *start;

	while (s < e && is_space(*s))
		s++;
	for (q = s; q < e && is_word(*q); q++)
		;
	if (q == s)
		return -1;
	f->addr = s;
	f->addr_len = (size_t)(q - s);
	f->dso = NULL;
	f->dso_len = 0;
	/* The DSO ends at the last ')' and starts after the last " (" before it. */
	for (r = e; r > q && r[-1] != ')'; r--)
		;
	p = NULL;
	if (r > q) {
		r--;
		for (p = r - 1; p > q; p--)
			if (p[-1] == ' ' && p[0] == '(')
				break;
		p = p > q ? p - 1 : NULL;	/* p: the blank of " (" */
	}
	if (p != NULL && p >= q) {
		if (p == q) {
			/* The symbol must be non-empty: borrow from the address. */
			if (f->addr_len < 2)
				return -1;
			f->addr_len--;
			start = q - 1;
		} else {
			for (start = q; start < p - 1 && is_space(*start); start++)
				;
		}
		f->sym = start;
		f->sym_len = (size_t)(p - start);
		f->dso = p + 2;
		f->dso_len = (size_t)(r - (p + 2));
		return 0;
	}
	/* No "(DSO)": -F without dso, or an inlined frame before its srcline. */
	for (start = q; start < e && is_space(*start); start++)
		;
	while (e > start && is_space(e[-1]))
		e--;
	f->sym = start;
	f->sym_len = (size_t)(e - start);
	return 0;
}

/* ------------------------------------------------------------- headers */

struct header {
	int record;		/* a PERF_RECORD_* line, not a sample */
	size_t time_at;		/* offset of the time word, 0: none */
	size_t comm, comm_len;
	int64_t pid, tid;
	int cpu;
	int has_time, has_period;
	uint64_t time_ns, period;
	size_t event, event_len;	/* event_len 0: none */
	size_t trailer, trailer_len;
};

/*
 * Blank-separated words of a header line, found on demand: a header has
 * half a dozen words, a tracepoint's payload may have hundreds.
 */
#define MAXTOK 32

struct words {
	const char *s, *e, *next;
	int n, full;		/* full: more than MAXTOK words */
	const char *ws[MAXTOK], *we[MAXTOK];
};

static inline uint64_t w_blanks(uint64_t x)
{
	return w_eq(x, ' ') | w_eq(x, '\t');
}

/*
 * Where the blanks at p end, and where the word at p ends (e at the
 * latest).  Eight bytes at a time: lines have FOLD_INPUT_SLACK readable
 * bytes after them, and anything found past the line end is clamped away.
 */
static inline const char *blanks_end(const char *p, const char *e)
{
	for (; p < e; p += 8) {
		uint64_t m = ~w_blanks(w_load(p)) & W_HI;

		if (m != 0)
			return p + w_first(m) < e ? p + w_first(m) : e;
	}
	return e;
}

static inline const char *word_end(const char *p, const char *e)
{
	for (; p < e; p += 8) {
		uint64_t m = w_blanks(w_load(p));

		if (m != 0)
			return p + w_first(m) < e ? p + w_first(m) : e;
	}
	return e;
}

/* Make word k available; 0 if the line has fewer words. */
static inline int word(struct words *w, int k)
{
	while (w->n <= k) {
		const char *p = blanks_end(w->next, w->e);

		if (p == w->e)
			return 0;
		if (w->n == MAXTOK) {
			w->full = 1;
			return 0;
		}
		w->ws[w->n] = p;
		w->next = w->we[w->n++] = word_end(p, w->e);
	}
	return 1;
}

/*
 * Up to eight ASCII digits as a number, without a loop: check them with a
 * byte-range mask, then combine pairs, quads and halves by multiplies.
 * (Reads 8 bytes from s; the input's slack makes that safe.)
 */
static inline int number8(const char *s, size_t n, uint64_t *v)
{
	uint64_t w = w_load(s), keep = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;

	if ((w_range(w, '0', '9') & keep) != (keep & W_HI))
		return 0;
	w = (w & keep) - (0x3030303030303030ull & keep);
	w <<= 8 * (8 - n);	/* right-align: missing leading digits are 0 */
	w = (w * 10 + (w >> 8)) & 0x00ff00ff00ff00ffull;
	w = (w * 100 + (w >> 16)) & 0x0000ffff0000ffffull;
	w = (w * 10000 + (w >> 32)) & 0xffffffffull;
	*v = w;
	return 1;
}

/* Digits s[0..n) as a number; 0 unless 1..19 digits. */
static inline int number(const char *s, const char *e, uint64_t *v)
{
	uint64_t x = 0, hi;
	const char *p;

	if (e == s || e - s > 19)
		return 0;
	if (e - s <= 8)
		return number8(s, (size_t)(e - s), v);
	if (e - s <= 16 && number8(s, (size_t)(e - s) - 8, &hi) &&
	    number8(e - 8, 8, &x)) {
		*v = hi * 100000000ull + x;
		return 1;
	}
	for (p = s; p < e; p++) {
		unsigned d = (unsigned char)*p - '0';

		if (d > 9)
			return 0;
		x = x * 10 + d;
	}
	*v = x;
	return 1;
}

/* "123" or "123/456" */
static int pid_word(const char *s, const char *e, int64_t *pid, int64_t *tid)
{
	const char *slash;
	uint64_t a, b;

	if (number(s, e, &b)) {
		*pid = -1;
		*tid = (int64_t)b;
		return 1;
	}
	slash = memchr(s, '/', (size_t)(e - s));
	if (slash == NULL || !number(s, slash, &a) || !number(slash + 1, e, &b))
		return 0;
	*pid = (int64_t)a;
	*tid = (int64_t)b;
	return 1;
}

/* "[003]" */
static int cpu_word(const char *s, const char *e, int *cpu)
{
	uint64_t v;

	if (e - s < 3 || s[0] != '[' || e[-1] != ']' || !number(s + 1, e - 1, &v))
		return 0;
	*cpu = (int)v;
	return 1;
}

/* "196.542880:" (or "196:") as nanoseconds */
static int time_word(const char *s, const char *e, uint64_t *ns)
{
	const char *dot, *f, *p;
	uint64_t sec, frac = 0, m;
	size_t flen;

	if (e - s < 2 || e[-1] != ':')
		return 0;
	e--;
	/* the seconds have at most 12 digits: the dot is in the first 16 bytes */
	m = w_eq(w_load(s), '.');
	if (m != 0)
		dot = s + w_first(m);
	else if ((m = w_eq(w_load(s + 8), '.')) != 0)
		dot = s + 8 + w_first(m);
	else
		dot = NULL;
	if (dot != NULL && dot >= e)
		dot = NULL;	/* past this word */
	f = dot ? dot : e;
	if (f - s > 12 || !number(s, f, &sec))
		return 0;
	if (dot != NULL) {
		flen = (size_t)(e - dot - 1);
		if (flen == 0)
			return 0;
		if (flen > 9) {
			/* nanoseconds are enough; the rest must still be digits */
			for (p = dot + 10; p < e; p++)
				if (!is_digit(*p))
					return 0;
			flen = 9;
		}
		if (!number(dot + 1, dot + 1 + flen, &frac))
			return 0;
		for (; flen < 9; flen++)
			frac *= 10;
	}
	*ns = sec * 1000000000ull + frac;
	return 1;
}

/* "cpu-clock:ppp:", "sched:sched_switch:", "cpu/cycles/u:" */
static inline int event_word(const char *s, const char *e)
{
	char c = s[0];

	return e - s >= 2 && e[-1] == ':' &&
	       ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		c == '{');
}

/*
 * Do the words after the pid word (word i) read as perf's header fields?
 * [CPU] [TIME: [PERIOD] | PERIOD] [EVENT: [trailer]]
 */
/*
 * The fields from word j on: [TIME: [PERIOD] | PERIOD] [EVENT: [trailer]].
 * h->time_at is set to where TIME starts (0: no time).
 */
static int header_tail(struct words *w, int j, struct header *h)
{
	h->record = 0;
	h->has_time = h->has_period = 0;
	h->event_len = h->trailer_len = 0;
	h->time_at = 0;
	if (word(w, j) && time_word(w->ws[j], w->we[j], &h->time_ns)) {
		h->has_time = 1;
		h->time_at = (size_t)(w->ws[j] - w->s);
		j++;
		if (word(w, j) && number(w->ws[j], w->we[j], &h->period)) {
			h->has_period = 1;
			j++;
		}
	} else if (word(w, j + 1) && event_word(w->ws[j + 1], w->we[j + 1]) &&
		   number(w->ws[j], w->we[j], &h->period)) {
		h->has_period = 1;
		j++;
	}
	if (!word(w, j))
		return !w->full;	/* nothing after the fields */
	if (w->we[j] - w->ws[j] > 12 && memcmp(w->ws[j], "PERF_RECORD_", 12) == 0) {
		/* --show-*-events side-band record, not a sample */
		h->record = 1;
		return 1;
	}
	if (!event_word(w->ws[j], w->we[j]))
		return 0;
	h->event = (size_t)(w->ws[j] - w->s);
	h->event_len = (size_t)(w->we[j] - w->ws[j]) - 1;
	{
		const char *t = blanks_end(w->we[j], w->e), *e = w->e;

		while (e > t && is_blank(e[-1]))
			e--;
		h->trailer = (size_t)(t - w->s);
		h->trailer_len = (size_t)(e - t);
	}
	return 1;
}

/*
 * Do the words after the pid word (word i) read as perf's header fields?
 * [CPU] [TIME: [PERIOD] | PERIOD] [EVENT: [trailer]]
 */
static int header_fits(struct words *w, int i, struct header *h)
{
	int j = i + 1;

	h->cpu = -1;
	if (word(w, j) && cpu_word(w->ws[j], w->we[j], &h->cpu))
		j++;
	/*
	 * "COMM PID" alone must be followed by a blank, as perf prints it
	 * (stackcollapse-perf.pl insists too): a folded line "a;b 5" is no
	 * header.
	 */
	if (j == i + 1 && !word(w, j) && w->we[i] == w->e)
		return 0;
	return header_tail(w, j, h);
}

/* Bit i set where s[i] is a blank, for i < n <= 64 (n rounded up to 16). */
static inline uint64_t blank_mask(const char *s, size_t n)
{
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	size_t k;

	for (k = 0; k < n; k += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
		__m128i b = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab));

		m |= (uint64_t)(uint32_t)_mm_movemask_epi8(b) << k;
	}
#else
	size_t k;

	for (k = 0; k < n; k++)
		if (is_blank(s[k]))
			m |= (uint64_t)1 << k;
#endif
	return m;
}

/*
 * Find the words of the first 128 bytes at once, from a mask of blanks: a
 * header's fields fit there.  Words beyond are left to word().  Loads may
 * run 15 bytes past the line, into the input's slack.
 */
static void words_start(struct words *w, const char *s, size_t len)
{
	size_t n = len < 128 ? len : 128, base;

	w->s = w->next = s;
	w->e = s + len;
	w->n = w->full = 0;
	for (base = 0; base < n; base += 64) {
		size_t m = n - base < 64 ? n - base : 64;
		uint64_t valid = m == 64 ? ~0ull : (1ull << m) - 1;
		uint64_t word = ~blank_mask(s + base, m) & valid;

		/* A word running on past this block is finished by word(). */
		while (word != 0) {
			unsigned a = (unsigned)__builtin_ctzll(word);
			uint64_t rest = ~(word >> a);
			unsigned l = rest ? (unsigned)__builtin_ctzll(rest) : 64 - a;

			if (a + l == 64 && base + 64 < len)
				return;
			if (w->n == MAXTOK)
				return;
			w->ws[w->n] = s + base + a;
			w->we[w->n++] = s + base + a + l;
			w->next = s + base + a + l;
			word = a + l >= 64 ? 0 : word & ~(((1ull << l) - 1) << a);
		}
	}
}

/*
 * A header is "COMM PID[/TID] fields...".  COMM may itself contain blanks
 * and all-digit words, so the pid word is the first one after which the
 * rest of the line reads as perf's header fields.
 */
static int parse_header(const char *s, size_t len, struct header *h,
			int *first)
{
	struct words w;
	int i, candidates = 0;

	words_start(&w, s, len);
	for (i = 1; word(&w, i); i++) {
		if (!pid_word(w.ws[i], w.we[i], &h->pid, &h->tid))
			continue;
		candidates++;
		if (header_fits(&w, i, h)) {
			h->comm = (size_t)(w.ws[0] - s);
			h->comm_len = (size_t)(w.we[i - 1] - w.ws[0]);
			*first = candidates == 1;
			return 1;
		}
	}
	return 0;
}

/*
 * Recent header prefixes ("comm  tid [cpu]  ", everything before the time)
 * and what they parsed to.  A thread's samples repeat its prefix, so most
 * headers only need their time, period and event read.  Only prefixes
 * whose pid word was the first all-digit word are kept: then no other
 * reading of a line starting with them could come first, and a hit gives
 * exactly what the full parse would.
 */
#define HCACHE 4
#define HPREFIX 56

#define HEVENT 48

struct hcache {
	char prefix[HPREFIX];
	size_t len;		/* 0: unused */
	struct header h;
	char event[HEVENT];	/* the event word, ':' included */
	size_t event_len;	/* 0: not kept (no event, or too long) */
};

/*
 * After a cached prefix, a header of the same thread usually differs only
 * in its time and period: read "TIME: [PERIOD] EVENT: " laid out as the
 * cached one was, with the same event word.  0 sends the line to the
 * general reading (same result, only slower).
 */
static int header_again(const struct hcache *c, const char *s, size_t len,
			struct header *h)
{
	const char *p = s + c->len, *e = s + len, *t;

	if (c->event_len == 0)
		return 0;
	*h = c->h;
	t = word_end(p, e);
	if (!time_word(p, t, &h->time_ns))
		return 0;
	p = blanks_end(t, e);
	if (c->h.has_period) {
		t = word_end(p, e);
		if (!number(p, t, &h->period))
			return 0;
		p = blanks_end(t, e);
	}
	if ((size_t)(e - p) < c->event_len ||
	    !fold_same_bytes(p, c->event, c->event_len))
		return 0;
	t = p + c->event_len;
	if (blanks_end(t, e) != e)
		return 0;	/* more words after the event: a trailer */
	h->event = (size_t)(p - s);
	h->trailer = (size_t)(t - s);
	return 1;
}

static int header(struct hcache *hc, unsigned *next, const char *s,
		  size_t len, struct header *h)
{
	struct words w;
	int k, first;

	for (k = 0; k < HCACHE; k++) {
		const struct hcache *c = &hc[k];

		if (c->len == 0 || len <= c->len || is_blank(s[c->len]) ||
		    !fold_same_bytes(s, c->prefix, c->len))
			continue;
		if (header_again(c, s, len, h))
			return 1;
		*h = c->h;
		w.s = s;
		w.next = s + c->len;
		w.e = s + len;
		w.n = w.full = 0;
		if (header_tail(&w, 0, h) && h->has_time)
			return 1;
		break;
	}
	if (!parse_header(s, len, h, &first))
		return 0;
	if (first && h->has_time && h->time_at <= HPREFIX) {
		struct hcache *c = &hc[*next];

		*next = (*next + 1) % HCACHE;
		memcpy(c->prefix, s, h->time_at);
		c->len = h->time_at;
		c->h = *h;
		c->event_len = 0;
		if (h->event_len > 0 && h->event_len < HEVENT && h->trailer_len == 0) {
			memcpy(c->event, s + h->event, h->event_len + 1);
			c->event_len = h->event_len + 1;
		}
	}
	return 1;
}

/* --------------------------------------------------------------- parser */

struct parser {
	struct fold_input *in;
	const struct perf_parse_opts *opts;
	struct perf_parse_stats *st;
	struct fold_diag *d;
	perf_sample_fn fn;
	void *arg;
	int in_sample;
	uint64_t line;
	struct header h;
	/*
	 * The frames of the current sample point into the input buffer,
	 * which keeps them (pinned) but may move them: base is where the
	 * pinned bytes were when the pointers were taken.
	 */
	struct perf_frame *frames;
	size_t nframes, cap;
	const char *base;
	struct hcache hc[HCACHE];
	unsigned hnext;
	uint64_t first_bad_line;	/* a held-back warning: line ... */
	char first_bad[FOLD_EXCERPT];	/* ... and text */
	int seen;			/* a header or frame line was read */
};

static int grow_frames(struct parser *P)
{
	if (fold_grow(&P->frames, &P->cap, P->nframes + 1, sizeof(*P->frames)) != 0) {
		fold_diag_error(P->d, "%s: %s", P->in->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Point the sample's frames at where the input buffer now keeps them. */
static void rebase(struct parser *P)
{
	const char *now;
	size_t i;

	if (!P->in_sample)
		return;		/* nothing pinned, no frames */
	now = fold_input_pinned(P->in);
	if (now == P->base)
		return;
	for (i = 0; i < P->nframes; i++) {
		P->frames[i].text = now + (P->frames[i].text - P->base);
		if (P->frames[i].srclen)
			P->frames[i].src = now + (P->frames[i].src - P->base);
	}
	P->base = now;
}

static inline int add_frame(struct parser *P, const char *s, size_t len)
{
	struct perf_frame *f;

	if (P->nframes == P->cap && grow_frames(P) != 0)
		return -1;
	if (P->base != fold_input_pinned(P->in))
		rebase(P);
	f = &P->frames[P->nframes++];
	f->text = s;
	f->len = len;
	f->src = NULL;
	f->srclen = 0;
	f->line = P->in->lineno;
	return 0;
}

/* Skip blanks; perf right-aligns addresses, so runs of spaces are long. */
static inline const char *skip_space(const char *t, const char *e)
{
#ifdef __SSE2__
	if (e - t >= 16) {
		/* "\t%16lx": the address is right-aligned in one 16-byte field */
		unsigned other = ~v16_eq(t, ' ') & 0xffff;

		if (other != 0) {
			t += __builtin_ctz(other);
			return is_space(*t) ? skip_space(t + 1, e) : t;
		}
		t += 16;
	}
#endif
	while (e - t >= 8) {
		uint64_t other = ~w_eq(w_load(t), ' ') & W_HI;

		if (other != 0) {
			t += w_first(other);
			break;
		}
		t += 8;
	}
	while (t < e && is_space(*t))
		t++;
	return t;
}

static int end_sample(struct parser *P)
{
	const char *base;
	struct perf_sample smp;

	if (!P->in_sample)
		return 0;
	rebase(P);
	P->in_sample = 0;
	base = P->base;
	smp.file = P->in->name;
	smp.line = P->line;
	smp.comm = base + P->h.comm;
	smp.comm_len = P->h.comm_len;
	smp.pid = P->h.pid;
	smp.tid = P->h.tid;
	smp.cpu = P->h.cpu;
	smp.has_time = P->h.has_time;
	smp.time_ns = P->h.time_ns;
	smp.has_period = P->h.has_period;
	smp.period = P->h.period;
	smp.event = P->h.event_len ? base + P->h.event : NULL;
	smp.event_len = P->h.event_len;
	smp.trailer = P->h.trailer_len ? base + P->h.trailer : NULL;
	smp.trailer_len = P->h.trailer_len;
	smp.one_line = 0;
	smp.frames = P->frames;
	smp.nframes = P->nframes;
	P->nframes = 0;
	fold_input_unpin(P->in);
	return P->fn(P->arg, &smp);
}

static int unrecognized(struct parser *P, const char *s, size_t len)
{
	char shown[FOLD_EXCERPT];

	fold_excerpt(shown, s, len);
	if (P->opts->strict) {
		fold_diag_error(P->d, "%s:%llu: unrecognized line: \"%s\"",
				P->in->name, (unsigned long long)P->in->lineno,
				shown);
		return -1;
	}
	if (P->st->unrecognized++ == 0 && P->st->samples == 0) {
		/*
		 * Before the first sample a bad line may mean this is not perf
		 * script text at all: hold the warning back until a sample
		 * shows it is (else the end is one error about this line).
		 */
		memcpy(P->first_bad, shown, sizeof(shown));
		P->first_bad_line = P->in->lineno;
		return 0;
	}
	if (P->st->samples == 0)
		return 0;
	fold_diag_warn(P->d, "%s:%llu: unrecognized line: \"%s\"", P->in->name,
		       (unsigned long long)P->in->lineno, shown);
	return 0;
}

/* The input's first line is no part of perf script output. */
static void refuse(struct parser *P, const char *s, size_t len)
{
	char shown[FOLD_EXCERPT];

	fold_excerpt(shown, s, len);
	fold_diag_refuse(P->d, "%s:%llu: not perf script output (no sample "
			 "header; unrecognized line: \"%s\")", P->in->name,
			 (unsigned long long)P->in->lineno, shown);
}

/* The first sample arrived: report what was held back before it. */
static void release_warnings(struct parser *P)
{
	if (P->first_bad_line == 0)
		return;
	fold_diag_warn(P->d, "%s:%llu: unrecognized line: \"%s\"", P->in->name,
		       (unsigned long long)P->first_bad_line, P->first_bad);
	if (P->st->unrecognized > 1)
		fold_diag_warn(P->d, "%s: %llu more unrecognized lines before the "
			       "first sample", P->in->name,
			       (unsigned long long)P->st->unrecognized - 1);
	P->first_bad_line = 0;
}

/* The one-line form: the ip part follows the event on the header line. */
static int one_line_frame(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_hex(s[i]))
		i++;
	return i > 0 && i < len && is_blank(s[i]) && s[len - 1] == ')';
}

int perf_script_parse(struct fold_input *in, const struct perf_parse_opts *opts,
		      perf_sample_fn fn, void *arg, struct perf_parse_stats *st,
		      struct fold_diag *d)
{
	struct parser P = { .in = in, .opts = opts, .st = st, .d = d,
			    .fn = fn, .arg = arg };
	struct fold_line ln;
	int r, rc = -1, srcline_ok = 0, last_ok = 1;
	uint64_t lines = 0;

	memset(st, 0, sizeof(*st));
	while ((r = fold_input_line(in, &ln, d)) > 0) {
		const char *s = ln.s, *t = s, *e = s + ln.len;
		struct header h;
		int is_header;

		lines++;
		last_ok = 1;
		t = skip_space(t + (t < e && *t == '\t'), e);
		if (t == e) {
			/* Blank (or all-blank) line: the end of a sample. */
			srcline_ok = 0;
			r = end_sample(&P);
			if (r != 0)
				goto out_rc;
			continue;
		}
		if (s[0] == '\t' && is_word(*t)) {
			/* The common case: one frame of a call chain. */
			if (!P.in_sample) {
				st->orphans++;
				P.seen = 1;
				continue;
			}
			if (add_frame(&P, t, (size_t)(e - t)) != 0)
				goto out;
			srcline_ok = 1;
			continue;
		}
		if (s[0] == '#')
			continue;
		is_header = s[0] != '\t' && header(P.hc, &P.hnext, s, ln.len, &h);
		if (!is_header && s[0] == ' ' && srcline_ok && P.in_sample) {
			/* -F +srcline: "  file.c:27" under its frame. */
			struct perf_frame *f;

			rebase(&P);
			f = &P.frames[P.nframes - 1];
			while (e > t && is_space(e[-1]))
				e--;
			f->src = t;
			f->srclen = (size_t)(e - t);
			srcline_ok = 0;
			continue;
		}
		srcline_ok = 0;
		if (is_header) {
			P.seen = 1;
			r = end_sample(&P);
			if (r != 0)
				goto out_rc;
			if (h.record)
				continue;
			fold_input_pin(in, s);
			P.base = fold_input_pinned(in);
			P.in_sample = 1;
			P.line = in->lineno;
			P.h = h;
			if (st->samples++ == 0)
				release_warnings(&P);
			if (h.event_len && one_line_frame(s + h.trailer,
							  h.trailer_len)) {
				if (add_frame(&P, s + h.trailer,
					      h.trailer_len) != 0)
					goto out;
				P.h.trailer_len = 0;
				srcline_ok = 1;
			}
			continue;
		}
		{
			struct perf_frame_fields ff;

			/* Old layouts indent frames with spaces, or not at all. */
			if (perf_frame_split(t, (size_t)(e - t), &ff) == 0 &&
			    ff.dso != NULL) {
				P.seen = 1;
				if (!P.in_sample)
					st->orphans++;
				else if (add_frame(&P, t, (size_t)(e - t)) != 0)
					goto out;
				continue;
			}
		}
		last_ok = 0;
		if (!P.seen) {
			/* The first line of a sample says this is none. */
			refuse(&P, s, ln.len);
			goto out;
		}
		if (!in->last_nl)
			break;
		if (unrecognized(&P, s, ln.len) != 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (!in->last_nl && lines > 0) {
		/* A cut-off last line: the input was truncated. */
		struct perf_frame_fields ff;
		const struct perf_frame *f;

		rebase(&P);
		f = P.nframes ? &P.frames[P.nframes - 1] : NULL;
		if (!last_ok || (f != NULL && f->line == in->lineno &&
				 (perf_frame_split(f->text, f->len, &ff) != 0 ||
				  ff.dso == NULL))) {
			fold_diag_error(d, "%s:%llu: truncated input (the last "
					"line is incomplete)", in->name,
					(unsigned long long)in->lineno);
			goto out;
		}
	}
	r = end_sample(&P);
	if (r != 0)
		goto out_rc;
	if (st->samples == 0 && P.first_bad_line != 0) {
		fold_diag_error(d, "%s:%llu: not perf script output (no sample "
				"header; unrecognized line: \"%s\")", in->name,
				(unsigned long long)P.first_bad_line, P.first_bad);
		goto out;
	}
	if (st->samples == 0 && st->orphans > 0) {
		fold_diag_error(d, "%s: no perf script samples found (frame "
				"lines without a sample header)", in->name);
		goto out;
	}
	rc = 0;
	goto out;
out_rc:
	rc = r;
out:
	free(P.frames);
	return rc;
}

/* ------------------------------------------------------------ detector */

enum line_kind { L_BLANK, L_COMMENT, L_HEADER, L_FRAME, L_OTHER };

/* What the parser would take s[0..len) for, out of context. */
static enum line_kind line_kind(const char *s, size_t len)
{
	const char *e = s + len, *t;
	struct perf_frame_fields ff;
	struct header h;
	int first;

	t = skip_space(s + (len > 0 && s[0] == '\t'), e);
	if (t == e)
		return L_BLANK;
	if (s[0] == '\t' && is_word(*t))
		return L_FRAME;
	if (s[0] == '#')
		return L_COMMENT;
	if (s[0] != '\t' && parse_header(s, len, &h, &first))
		return L_HEADER;
	if (perf_frame_split(t, (size_t)(e - t), &ff) == 0 && ff.dso != NULL)
		return L_FRAME;
	return L_OTHER;
}

enum fold_detect perf_script_detect(const char *head, size_t n, int eof)
{
	enum line_kind first = L_BLANK, k;
	struct fold_line ln;
	size_t i = 0;

	if (memchr(head, '\0', n) != NULL)
		return FOLD_DETECT_NO;
	while (fold_head_line(head, n, eof, &i, &ln)) {
		k = line_kind(ln.s, ln.len);
		if (k == L_BLANK || k == L_COMMENT) {
			if (first == L_HEADER)
				return FOLD_DETECT_YES;	/* a sample without frames */
			continue;
		}
		if (first == L_BLANK) {
			if (k == L_OTHER)
				return FOLD_DETECT_NO;
			first = k;
			continue;
		}
		/*
		 * A header and a frame, or a sample after a sample.  Text that
		 * starts with frame-like lines ("word ... (word)") without a
		 * header is only likely: other dumps' lines read so too.
		 */
		return k == L_OTHER || first == L_FRAME ? FOLD_DETECT_MAYBE :
		       FOLD_DETECT_YES;
	}
	if (first == L_BLANK)
		return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
	return first == L_HEADER ? FOLD_DETECT_YES : FOLD_DETECT_MAYBE;
}

/* out.c - buffered output, number formatting and escaping. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "libfold/out.h"

/* ------------------------------------------------------------- writer */

/* write(2) all of data[0..n), retrying short writes and EINTR. */
static int write_all(int fd, const void *data, size_t n)
{
	const char *buf = data;

	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int fold_out_init(struct fold_out *o, int fd, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->mark = SIZE_MAX;
	/* Room past the end for writers that copy in 16-byte blocks. */
	o->buf = malloc(cap + 16);
	if (o->buf == NULL)
		return -1;
	o->cap = cap;
	return 0;
}

/* Write out the buffer, up to the mark. */
static void flush(struct fold_out *o)
{
	size_t upto = o->mark < o->n ? o->mark : o->n;

	if (o->err == 0 && upto > 0 && write_all(o->fd, o->buf, upto) != 0)
		o->err = errno ? errno : EIO;
	if (o->err != 0) {
		/* Nothing more goes out; keep taking bytes cheaply. */
		o->n = 0;
		o->mark = o->mark == SIZE_MAX ? SIZE_MAX : 0;
		return;
	}
	memmove(o->buf, o->buf + upto, o->n - upto);
	o->n -= upto;
	if (o->mark != SIZE_MAX)
		o->mark = 0;
}

char *fold_out_grow(struct fold_out *o, size_t need)
{
	char *b;

	if (o->cap - o->n >= need)
		return o->buf + o->n;
	flush(o);
	if (o->err != 0)
		return NULL;
	if (o->cap - o->n >= need)
		return o->buf + o->n;
	/* More than the buffer holds (a long line, or a kept one). */
	b = realloc(o->buf, o->n + need + 16);
	if (b == NULL) {
		o->err = ENOMEM;
		return NULL;
	}
	o->buf = b;
	o->cap = o->n + need;
	return o->buf + o->n;
}

int fold_out_close(struct fold_out *o)
{
	int err;

	o->mark = SIZE_MAX;
	flush(o);
	err = o->err;
	free(o->buf);
	o->buf = NULL;
	o->n = o->cap = 0;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void fold_out_printf(struct fold_out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		fold_out_bytes(o, tmp, (size_t)n);
		return;
	}
	/* Longer than the scratch buffer: format straight into the output. */
	{
		char *d = fold_out_room(o, (size_t)n + 1);

		if (d == NULL)
			return;
		va_start(ap, fmt);
		vsnprintf(d, (size_t)n + 1, fmt, ap);
		va_end(ap);
		o->n += (size_t)n;
	}
}

/* ------------------------------------------------------------ numbers */

void fold_out_fixed(struct fold_out *o, double v, int dec)
{
	char b[FOLD_NUM_BUFSZ];

	fold_out_bytes(o, b, fold_fmt_fixed(b, v, dec));
}

size_t fold_fmt_u64(char *buf, uint64_t v)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	size_t n = 1, i;
	uint64_t t;

	/* Count the digits four at a time: a chain of divisions is slow. */
	for (t = v; t >= 10000; t /= 10000)
		n += 4;
	n += (t >= 10) + (t >= 100) + (t >= 1000);
	buf[n] = '\0';
	/* Two digits at a time from the end. */
	for (i = n; v >= 100; v /= 100) {
		i -= 2;
		memcpy(buf + i, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(buf + i - 2, pairs + 2 * v, 2);
	else
		buf[i - 1] = (char)('0' + v);
	return n;
}

/* Digits of u with a ',' every three from the right, sign first. */
static size_t commas(char *buf, uint64_t u, int neg)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	int k = 0;

	do {
		if (k++ % 3 == 0 && k > 1)
			*--p = ',';
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p));
	buf[tmp + sizeof(tmp) - p] = '\0';
	return (size_t)(tmp + sizeof(tmp) - p);
}

size_t fold_fmt_commas(char *buf, uint64_t v)
{
	return commas(buf, v, 0);
}

size_t fold_fmt_commas_double(char *buf, double v)
{
	v = nearbyint(v);
	if (!(fabs(v) < 1e18))
		return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "%.0f", v);
	return commas(buf, (uint64_t)(v < 0 ? -v : v), v < 0);
}

static const double pow10_[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };

size_t fold_fmt_fixed(char *buf, double v, int dec)
{
	char tmp[40], *e = tmp + sizeof(tmp), *p = e;
	uint64_t u;
	int neg, d;

	if (dec < 0) {
		if (v == nearbyint(v))
			dec = 0;
		else if (v * 2 == nearbyint(v * 2))
			dec = 1;
		else
			return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "%.10g", v);
	}
	if (dec > 9)
		dec = 9;
	if (!(fabs(v) < 1e15 && fabs(v) * pow10_[dec] < 1e18)) {
		int n = snprintf(buf, FOLD_NUM_BUFSZ, "%.*f", dec, v);

		return n < 0 ? 0 : (size_t)n;
	}
	v = nearbyint(v * pow10_[dec]);
	neg = v < 0;
	u = (uint64_t)(neg ? -v : v);
	for (d = 0; d < dec; d++) {
		*--p = (char)('0' + u % 10);
		u /= 10;
	}
	if (dec > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	/* Never "-0.00": a value that rounds to zero has no sign. */
	if (neg && (p[0] != '0' || strspn(p, "0.") != (size_t)(e - p)))
		*--p = '-';
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return (size_t)(e - p);
}

size_t fold_fmt_count(char *buf, fold_count c, int fractional)
{
	double v = c.f;
	int prec, n = 0;

	if (!fractional)
		return fold_fmt_u64(buf, c.u);
	/*
	 * Folded counts have no exponent syntax, so print fixed-point with
	 * the fewest decimals that read back to the same double.
	 */
	for (prec = 0; prec <= 40; prec++) {
		n = snprintf(buf, FOLD_NUM_BUFSZ, "%.*f", prec, v);
		if (n < 0 || n >= FOLD_NUM_BUFSZ) {
			n = snprintf(buf, FOLD_NUM_BUFSZ, "%.0f", v);
			break;
		}
		if (strtod(buf, NULL) == v)
			break;
	}
	return n < 0 ? 0 : (size_t)n;
}

/* ---------------------------------------------------------------- units */

/*
 * pprof's unit kinds (internal/measurement): each unit with the aliases
 * its name is recognised by, after lowercasing and dropping a plural 's'.
 */
struct alias {
	const char *alias;
	size_t step;
};

static const struct fold_scale_step size_steps[] = {
	{ "B", 1 }, { "kB", 1024.0 }, { "MB", 1048576.0 },
	{ "GB", 1073741824.0 }, { "TB", 1099511627776.0 },
	{ "PB", 1125899906842624.0 },
};
static const struct alias size_aliases[] = {
	{ "b", 0 }, { "byte", 0 }, { "kb", 1 }, { "kbyte", 1 }, { "kilobyte", 1 },
	{ "mb", 2 }, { "mbyte", 2 }, { "megabyte", 2 }, { "gb", 3 },
	{ "gbyte", 3 }, { "gigabyte", 3 }, { "tb", 4 }, { "tbyte", 4 },
	{ "terabyte", 4 }, { "pb", 5 }, { "pbyte", 5 }, { "petabyte", 5 },
};

static const struct fold_scale_step time_steps[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "hrs", 3.6e12 },
};
static const struct alias time_aliases[] = {
	{ "ns", 0 }, { "nanosecond", 0 }, { "\xce\xbcs", 1 }, { "us", 1 },
	{ "microsecond", 1 }, { "ms", 2 }, { "millisecond", 2 }, { "s", 3 },
	{ "sec", 3 }, { "second", 3 }, { "hour", 4 }, { "hr", 4 },
};

static const struct fold_scale_step gcu_steps[] = {
	{ "n*GCU", 1e-9 }, { "u*GCU", 1e-6 }, { "m*GCU", 1e-3 }, { "GCU", 1 },
	{ "k*GCU", 1e3 }, { "M*GCU", 1e6 }, { "G*GCU", 1e9 }, { "T*GCU", 1e12 },
	{ "P*GCU", 1e15 },
};
static const struct alias gcu_aliases[] = {
	{ "nanogcu", 0 }, { "microgcu", 1 }, { "milligcu", 2 }, { "gcu", 3 },
	{ "kilogcu", 4 }, { "megagcu", 5 }, { "gigagcu", 6 }, { "teragcu", 7 },
	{ "petagcu", 8 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	struct fold_unit_kind kind;
	const struct alias *aliases;
	size_t naliases;
} kinds[] = {
	{ { size_steps, NELEM(size_steps), 0 }, size_aliases, NELEM(size_aliases) },
	{ { time_steps, NELEM(time_steps), 3 }, time_aliases, NELEM(time_aliases) },
	{ { gcu_steps, NELEM(gcu_steps), 3 }, gcu_aliases, NELEM(gcu_aliases) },
};

const struct fold_unit_kind *fold_unit_kind(const char *unit, double *factor)
{
	char low[32];
	size_t n = strlen(unit), i, k;

	if (n == 0 || n >= sizeof(low))
		return NULL;
	for (i = 0; i < n; i++)
		low[i] = (unit[i] >= 'A' && unit[i] <= 'Z') ? (char)(unit[i] + 32) :
							      unit[i];
	if (n > 2 && low[n - 1] == 's')
		n--;
	low[n] = '\0';
	for (k = 0; k < NELEM(kinds); k++)
		for (i = 0; i < kinds[k].naliases; i++)
			if (strcmp(kinds[k].aliases[i].alias, low) == 0) {
				*factor = kinds[k].kind.steps[kinds[k].aliases[i].step].factor;
				return &kinds[k].kind;
			}
	return NULL;
}

int fold_scale_step(const char *unit, double v)
{
	double factor, base, f = 0;
	const struct fold_unit_kind *k = fold_unit_kind(unit, &factor);
	int step = -1;
	size_t i;

	if (k == NULL)
		return -1;
	base = fabs(v) * factor;
	for (i = 0; i < k->nsteps; i++)
		if (k->steps[i].factor >= f && base / k->steps[i].factor >= 1) {
			f = k->steps[i].factor;
			step = (int)i;
		}
	return step < 0 ? (int)k->fallback : step;
}

int fold_scale_minimum(const char *unit, double minv, double maxv)
{
	int lo, hi;

	minv = fabs(minv);
	maxv = fabs(maxv);
	if (minv == 0)
		minv = maxv;
	lo = fold_scale_step(unit, minv);
	hi = fold_scale_step(unit, maxv);
	/* Values as small as 0.01 of the larger unit still read well. */
	if (lo != hi && minv * 100 < maxv)
		return fold_scale_step(unit, 100 * minv);
	return lo;
}

size_t fold_fmt_scaled_step(char *buf, double v, const char *unit, int step)
{
	double factor;
	const struct fold_unit_kind *k = fold_unit_kind(unit, &factor);
	int n;

	if (k != NULL) {
		if (step < 0 || (size_t)step >= k->nsteps)
			step = fold_scale_step(unit, v);
		v = v * factor / k->steps[step].factor;
	}
	n = snprintf(buf, FOLD_NUM_BUFSZ, "%.2f", v);
	if (n < 0)
		return 0;
	if (n >= 3 && memcmp(buf + n - 3, ".00", 3) == 0)
		n -= 3;
	buf[n] = '\0';
	if (strcmp(buf, "0") == 0 || strcmp(buf, "-0") == 0)
		return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "0");
	/* pprof shows no unit for what it does not scale. */
	if (k == NULL)
		return (size_t)n;
	return (size_t)n + (size_t)snprintf(buf + n, FOLD_NUM_BUFSZ - (size_t)n,
					    "%s", k->steps[step].name);
}

size_t fold_fmt_scaled(char *buf, double v, const char *unit)
{
	return fold_fmt_scaled_step(buf, v, unit, -1);
}

size_t fold_fmt_share(char *buf, double pct)
{
	pct = fabs(pct);
	if (pct >= 99.95 && pct <= 100.05)
		return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "100%%");
	return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, pct >= 1 ? "%.2f%%" : "%.2g%%",
				pct);
}

int fold_unit_is_scaled(const struct fold_unit *u)
{
	double f;

	return fold_unit_kind(u->unit, &f) != NULL;
}

const char *fold_unit_noun(const struct fold_unit *u)
{
	static const char *const plain[] = { "", "count", "sample", "samples" };
	size_t i;

	for (i = 0; i < NELEM(plain); i++)
		if (strcmp(u->unit, plain[i]) == 0)
			return u->type[0] != '\0' ? u->type : "samples";
	return u->unit;
}

/* ----------------------------------------------------------- escaping */

size_t fold_utf8_char(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t k, i;

	if (s[0] < 0x80)
		return (s[0] >= 0x20 || s[0] == '\t') ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return k;
}

#define REPLACEMENT "\xef\xbf\xbd"

void fold_out_xml(struct fold_out *o, const char *str, size_t n, int raw8)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, k;

	while (i < n) {
		const char *rep = NULL;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default:
			if (s[i] >= 0x20 && s[i] < 0x80) {
				i++;
				continue;
			}
			if (raw8 && s[i] >= 0x80) {
				i++;
				continue;
			}
			k = fold_utf8_char(s + i, n - i);
			if (k > 0) {
				i += k;
				continue;
			}
			rep = REPLACEMENT;
		}
		fold_out_bytes(o, str + start, i - start);
		fold_out_str(o, rep);
		i++;
		start = i;
	}
	fold_out_bytes(o, str + start, n - start);
}

void fold_out_json(struct fold_out *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, k;

	fold_out_char(o, '"');
	while (i < n) {
		unsigned char c = s[i];
		char esc[8];

		if (c >= 0x80) {
			k = fold_utf8_char(s + i, n - i);
			if (k > 0) {
				i += k;
				continue;
			}
			fold_out_bytes(o, str + start, i - start);
			fold_out_str(o, "\\ufffd");
			start = ++i;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' &&
		    c != '&') {
			i++;
			continue;
		}
		fold_out_bytes(o, str + start, i - start);
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			fold_out_bytes(o, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			fold_out_bytes(o, esc, 6);
		}
		start = ++i;
	}
	fold_out_bytes(o, str + start, n - start);
	fold_out_char(o, '"');
}

/*
 * The name with control bytes and invalid UTF-8 replaced, and every ch
 * written as the string as (ch 0: none; names hold no NUL).
 */
static void out_escaped(struct fold_out *o, const char *str, size_t n, char ch,
			const char *as)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, k;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != (unsigned char)ch) {
			i++;
			continue;
		}
		k = s[i] >= 0x80 ? fold_utf8_char(s + i, n - i) : 0;
		if (k > 0) {
			i += k;
			continue;
		}
		fold_out_bytes(o, str + start, i - start);
		fold_out_str(o, s[i] == (unsigned char)ch && ch != '\0' ? as : REPLACEMENT);
		start = ++i;
	}
	fold_out_bytes(o, str + start, n - start);
}

void fold_out_text(struct fold_out *o, const char *s, size_t n)
{
	out_escaped(o, s, n, '\0', NULL);
}

void fold_out_csv(struct fold_out *o, const char *s, size_t n)
{
	size_t i;
	int quote = n == 0 || s[0] == ' ' || s[n - 1] == ' ';

	for (i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		out_escaped(o, s, n, '\0', NULL);
		return;
	}
	fold_out_char(o, '"');
	out_escaped(o, s, n, '"', "\"\"");
	fold_out_char(o, '"');
}

void fold_out_markdown(struct fold_out *o, const char *s, size_t n)
{
	size_t i, run = 0, longest = 0;
	int pad = n > 0 && (s[0] == '`' || s[n - 1] == '`');

	/* A code span delimited by one more backtick than the longest run. */
	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		fold_out_char(o, '`');
	if (pad)
		fold_out_char(o, ' ');
	out_escaped(o, s, n, '|', "\\|");
	if (pad)
		fold_out_char(o, ' ');
	for (i = 0; i <= longest; i++)
		fold_out_char(o, '`');
}

size_t fold_text_safe(char *buf, size_t size, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n = 0;

	if (size == 0)
		return 0;
	while (i < len) {
		size_t k = s[i] >= 0x20 && s[i] < 0x7f ? 1 :
			   s[i] >= 0x80 ? fold_utf8_char(s + i, len - i) : 0;
		const char *src = k ? str + i : REPLACEMENT;
		size_t m = k ? k : 3;

		if (n + m + 1 > size)
			break;
		memcpy(buf + n, src, m);
		n += m;
		i += k ? k : 1;
	}
	buf[n] = '\0';
	return n;
}

/* diff_report.c - the function table of a differential profile. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/report/diff_report.h"
#include "formats/flame/flame.h"

int diff_format_find(const char *s)
{
	static const struct {
		const char *name;
		enum diff_format fmt;
	} names[] = {
		{ "text", DIFF_TEXT }, { "markdown", DIFF_MARKDOWN },
		{ "md", DIFF_MARKDOWN }, { "csv", DIFF_CSV }, { "json", DIFF_JSON },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return (int)names[i].fmt;
	return -1;
}

/* Biggest change first, either way; then the bigger count; then by name. */
static int bigger_change(const void *a, const void *b, void *arg)
{
	const struct diff_row *x = a, *y = b;
	const struct fold_names *nm = arg;
	double dx = fabs(x->delta), dy = fabs(y->delta);
	double mx = fmax(x->before, x->after), my = fmax(y->before, y->after);

	if (dx != dy)
		return dx > dy ? -1 : 1;
	if (mx != my)
		return mx > my ? -1 : 1;
	return strcmp(fold_name(nm, x->name), fold_name(nm, y->name));
}

static double share(double v, double total)
{
	return total > 0 ? 100 * v / total : 0;
}

int diff_report_build(struct diff_report *r, const struct fold_profile *p,
		      int by_total)
{
	struct fold_func *fn;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (p->ncols != 2) {
		errno = EINVAL;
		return -1;
	}
	r->prof = p;
	r->by_total = by_total;
	fold_totals(p, r->total);
	if ((fn = fold_funcs(p)) == NULL)
		return -1;
	r->rows = malloc((p->names.n ? p->names.n : 1) * sizeof(*r->rows));
	if (r->rows == NULL) {
		free(fn);
		return -1;
	}
	for (i = 0; i < p->names.n; i++) {
		const double *v = by_total ? fn[i].total : fn[i].self;
		struct diff_row *row = &r->rows[r->n];

		if (v[0] == 0 && v[1] == 0)
			continue;
		row->name = (fold_id)i;
		row->before = v[0];
		row->after = v[1];
		row->before_pct = share(v[0], r->total[0]);
		row->after_pct = share(v[1], r->total[1]);
		row->delta = row->after_pct - row->before_pct;
		r->n++;
	}
	free(fn);
	qsort_r(r->rows, r->n, sizeof(*r->rows), bigger_change,
		(void *)&p->names);
	return 0;
}

void diff_report_free(struct diff_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* The bytes of a name to show as c: a valid UTF-8 character, else U+FFFD. */
static size_t next_char(const char *s, size_t len, size_t i, size_t *adv)
{
	unsigned char c = (unsigned char)s[i];
	size_t k;

	if (c >= 0x20 && c < 0x7f) {
		*adv = 1;
		return 1;
	}
	k = c >= 0x80 ? flame_utf8_char((const unsigned char *)s + i, len - i) : 0;
	*adv = k ? k : 1;
	return k;	/* 0: replace */
}

#define REPLACEMENT "\xef\xbf\xbd"

/*
 * The name with control bytes and invalid UTF-8 replaced, and every ch
 * written as the string as (what the format escapes; ch 0 for none, names
 * hold no NUL).
 */
static void put_escaped(FILE *f, const char *s, size_t len, char ch,
			const char *as)
{
	size_t i = 0, adv;

	while (i < len) {
		if (s[i] == ch && ch != '\0') {
			fputs(as, f);
			adv = 1;
		} else if (next_char(s, len, i, &adv)) {
			fwrite(s + i, 1, adv, f);
		} else {
			fputs(REPLACEMENT, f);
		}
		i += adv;
	}
}

void diff_report_name(const struct diff_report *r, const struct diff_row *row,
		      char *buf, size_t size)
{
	const char *s = fold_name(&r->prof->names, row->name);
	size_t len = fold_name_len(&r->prof->names, row->name), i = 0, n = 0, adv;

	if (size == 0)
		return;
	while (i < len) {
		size_t k = next_char(s, len, i, &adv);
		const char *src = k ? s + i : REPLACEMENT;
		size_t m = k ? adv : 3;

		if (n + m + 1 > size)
			break;
		memcpy(buf + n, src, m);
		n += m;
		i += adv;
	}
	buf[n] = '\0';
}

/* Markdown: a code span (shown verbatim), pipes escaped for the table. */
static void put_markdown(FILE *f, const char *s, size_t len)
{
	size_t i, run = 0, longest = 0;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		fputc('`', f);
	if (len > 0 && (s[0] == '`' || s[len - 1] == '`'))
		fputc(' ', f);
	put_escaped(f, s, len, '|', "\\|");
	if (len > 0 && (s[0] == '`' || s[len - 1] == '`'))
		fputc(' ', f);
	for (i = 0; i <= longest; i++)
		fputc('`', f);
}

static void put_csv(FILE *f, const char *s, size_t len)
{
	if (len > 0 && strcspn(s, ",\"\r\n") == len && s[0] != ' ' &&
	    s[len - 1] != ' ') {
		put_escaped(f, s, len, '\0', NULL);
		return;
	}
	fputc('"', f);
	put_escaped(f, s, len, '"', "\"\"");
	fputc('"', f);
}

static void put_json(FILE *f, const char *s, size_t len)
{
	size_t i = 0, adv;

	fputc('"', f);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			adv = 1;
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
			adv = 1;
		} else if (next_char(s, len, i, &adv) || c == 0x7f) {
			fwrite(s + i, 1, adv, f);
		} else {
			fputs("\\ufffd", f);
		}
		i += adv;
	}
	fputc('"', f);
}

/* v rounded to prec decimals, never "-0.00"; with a sign if plus. */
static void put_fixed(FILE *f, const char *fmt, double v, int prec)
{
	double scale = pow(10, prec), r = nearbyint(v * scale) / scale;

	fprintf(f, fmt, prec, r == 0 ? 0.0 : r);
}

/* A count: integers exactly, fractions with 15 significant digits. */
static int count_text(double v, char *buf, size_t size)
{
	if (v == trunc(v) && fabs(v) < 9007199254740992.0)
		return snprintf(buf, size, "%.0f", v);
	return snprintf(buf, size, "%.15g", v);
}

static void put_count(FILE *f, double v)
{
	char buf[64];

	count_text(v, buf, sizeof(buf));
	fputs(buf, f);
}

static void write_text(FILE *f, const struct diff_report *r,
		       const struct diff_row *rows, size_t n)
{
	const struct fold_names *nm = &r->prof->names;
	char buf[64];
	int w = 6, k;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((k = count_text(rows[i].before, buf, sizeof(buf))) > w)
			w = k;
		if ((k = count_text(rows[i].after, buf, sizeof(buf))) > w)
			w = k;
	}
	fprintf(f, "%8s %8s %8s  %*s %*s  %s\n", "delta", "before%", "after%",
		w, "before", w, "after", "function");
	for (i = 0; i < n; i++) {
		put_fixed(f, "%+8.*f", rows[i].delta, 2);
		put_fixed(f, " %8.*f", rows[i].before_pct, 2);
		put_fixed(f, " %8.*f", rows[i].after_pct, 2);
		count_text(rows[i].before, buf, sizeof(buf));
		fprintf(f, "  %*s", w, buf);
		count_text(rows[i].after, buf, sizeof(buf));
		fprintf(f, " %*s  ", w, buf);
		put_escaped(f, fold_name(nm, rows[i].name), fold_name_len(nm, rows[i].name),
			    '\0', NULL);
		fputc('\n', f);
	}
}

/* The numbers of a row, each after its separator. */
static void put_fields(FILE *f, const struct diff_row *row,
		       const char *const sep[5], int prec, int plus)
{
	fputs(sep[0], f);
	put_fixed(f, "%.*f", row->before_pct, prec);
	fputs(sep[1], f);
	put_fixed(f, "%.*f", row->after_pct, prec);
	fputs(sep[2], f);
	put_fixed(f, plus ? "%+.*f" : "%.*f", row->delta, prec);
	fputs(sep[3], f);
	put_count(f, row->before);
	fputs(sep[4], f);
	put_count(f, row->after);
}

static void write_markdown(FILE *f, const struct diff_report *r,
			   const struct diff_row *rows, size_t n)
{
	static const char *const sep[5] = { " | ", " | ", " | ", " | ", " | " };
	const struct fold_names *nm = &r->prof->names;
	size_t i;

	fputs("| function | before % | after % | delta (points) | before | after |\n"
	      "|:---|---:|---:|---:|---:|---:|\n", f);
	for (i = 0; i < n; i++) {
		fputs("| ", f);
		put_markdown(f, fold_name(nm, rows[i].name), fold_name_len(nm, rows[i].name));
		put_fields(f, &rows[i], sep, 2, 1);
		fputs(" |\n", f);
	}
}

static void write_csv(FILE *f, const struct diff_report *r,
		      const struct diff_row *rows, size_t n)
{
	static const char *const sep[5] = { ",", ",", ",", ",", "," };
	const struct fold_names *nm = &r->prof->names;
	size_t i;

	fputs("function,before_pct,after_pct,delta_points,before,after\r\n", f);
	for (i = 0; i < n; i++) {
		put_csv(f, fold_name(nm, rows[i].name), fold_name_len(nm, rows[i].name));
		put_fields(f, &rows[i], sep, 6, 0);
		fputs("\r\n", f);
	}
}

static void write_json(FILE *f, const struct diff_report *r,
		       const struct diff_row *rows, size_t n, double limit)
{
	static const char *const sep[5] = {
		", \"before_pct\": ", ", \"after_pct\": ", ", \"delta_points\": ",
		", \"before\": ", ", \"after\": ",
	};
	const struct fold_names *nm = &r->prof->names;
	size_t i;

	fprintf(f, "{\"by\": \"%s\", \"before_total\": ", r->by_total ? "total" : "self");
	put_count(f, r->total[0]);
	fputs(", \"after_total\": ", f);
	put_count(f, r->total[1]);
	if (limit >= 0)
		fprintf(f, ", \"fail_above\": %.15g", limit);
	fputs(", \"functions\": [", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n  {\"function\": " : "\n  {\"function\": ", f);
		put_json(f, fold_name(nm, rows[i].name), fold_name_len(nm, rows[i].name));
		put_fields(f, &rows[i], sep, 6, 0);
		fputc('}', f);
	}
	fputs(n ? "\n]}\n" : "]}\n", f);
}

int diff_report_write(int fd, enum diff_format fmt, const struct diff_report *r,
		      const struct diff_row *rows, size_t n, double limit)
{
	const char *by = r->by_total ? "total" : "self";
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int rc;

	if (f == NULL)
		return -1;
	if (fmt == DIFF_TEXT || fmt == DIFF_MARKDOWN) {
		fputs(fmt == DIFF_TEXT ? "# " : "", f);
		fprintf(f, "Share of all samples by %s: before ", by);
		put_count(f, r->total[0]);
		fputs(", after ", f);
		put_count(f, r->total[1]);
		if (limit >= 0)
			fprintf(f, "; functions that grew by more than %.15g point%s",
				limit, limit == 1 ? "" : "s");
		fputs(fmt == DIFF_TEXT ? "\n" : "\n\n", f);
	}
	switch (fmt) {
	case DIFF_TEXT: write_text(f, r, rows, n); break;
	case DIFF_MARKDOWN: write_markdown(f, r, rows, n); break;
	case DIFF_CSV: write_csv(f, r, rows, n); break;
	case DIFF_JSON: write_json(f, r, rows, n, limit); break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	if (fclose(f) != 0) {
		free(buf);
		return -1;
	}
	rc = fold_write_all(fd, buf, size);
	free(buf);
	return rc;
}

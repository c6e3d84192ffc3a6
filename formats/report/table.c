/* table.c - function tables in text, Markdown, CSV and JSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/report/table.h"

int table_format_find(const char *s)
{
	static const struct {
		const char *name;
		enum table_format fmt;
	} names[] = {
		{ "text", TABLE_TEXT }, { "markdown", TABLE_MARKDOWN },
		{ "md", TABLE_MARKDOWN }, { "csv", TABLE_CSV }, { "json", TABLE_JSON },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return (int)names[i].fmt;
	return -1;
}

size_t table_value_text(char *buf, fold_count c, int fractional,
			const struct fold_unit *u)
{
	if (u != NULL && fold_unit_is_scaled(u))
		return fold_fmt_scaled(buf, fold_count_value(c, fractional), u->unit);
	return fold_fmt_count(buf, c, fractional);
}

size_t table_number_text(char *buf, const struct table *t, double v)
{
	return fold_fmt_scaled_step(buf, v, t->unit ? t->unit->unit : "",
				    t->step - 1);
}

size_t table_number_raw(char *buf, double v)
{
	if (v == trunc(v) && fabs(v) < 9007199254740992.0)
		return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "%.0f", v);
	return (size_t)snprintf(buf, FOLD_NUM_BUFSZ, "%.17g", v);
}

/*
 * The text of a numeric cell: text and Markdown show two decimals, a sign
 * on changes and values in their unit; CSV and JSON six decimals and raw
 * values.
 */
static size_t cell_text(char *buf, const struct table *t, enum table_format fmt,
			enum table_cell cell, const struct table_val *v)
{
	int human = fmt == TABLE_TEXT || fmt == TABLE_MARKDOWN;
	size_t n;

	switch (cell) {
	case TABLE_PCT:
		return fold_fmt_fixed(buf, v->pct, human ? 2 : 6);
	case TABLE_DELTA:
		n = fold_fmt_fixed(buf + 1, v->pct, human ? 2 : 6);
		if (!human || buf[1] == '-') {
			memmove(buf, buf + 1, n + 1);
			return n;
		}
		buf[0] = '+';
		return n + 1;
	case TABLE_VALUE:
		if (human && t->step != 0)
			return table_number_text(buf, t,
						 fold_count_value(v->count, t->fractional));
		if (human)
			return table_value_text(buf, v->count, t->fractional, t->unit);
		return fold_fmt_count(buf, v->count, t->fractional);
	case TABLE_SHARE:
		if (human)
			return fold_fmt_share(buf, v->pct);
		return fold_fmt_fixed(buf, v->pct, 6);
	case TABLE_NUMBER:
		if (human)
			return table_number_text(buf, t, v->num);
		return table_number_raw(buf, v->num);
	case TABLE_NAME:
		break;
	}
	buf[0] = '\0';
	return 0;
}

/* Blanks, n of them. */
static void pad(struct fold_out *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		fold_out_bytes(o, sp, k);
		n -= k;
	}
}

static void write_text(struct fold_out *o, const struct table *t, size_t n,
		       struct table_val *v)
{
	char buf[FOLD_NUM_BUFSZ];
	int *order = calloc((size_t)t->ncols, sizeof(*order));
	size_t *width = calloc((size_t)t->ncols, sizeof(*width)), i;
	int c, k;

	if (order == NULL || width == NULL) {
		o->err = ENOMEM;
		goto out;
	}
	for (c = 0; c < t->ncols; c++) {
		order[t->cols[c].text_pos] = c;
		width[c] = (size_t)t->cols[c].width;
		if (strlen(t->cols[c].text) > width[c])
			width[c] = strlen(t->cols[c].text);
	}
	/* Columns as wide as their widest cell (unless fixed). */
	for (i = 0; i < n && !t->fixed; i++) {
		t->row(t->arg, i, v);
		for (c = 0; c < t->ncols; c++) {
			size_t len = cell_text(buf, t, TABLE_TEXT, t->cols[c].cell, &v[c]);

			if (t->cols[c].cell != TABLE_NAME && len > width[c])
				width[c] = len;
		}
	}
	for (k = 0; k < t->ncols; k++) {
		const struct table_col *col = &t->cols[order[k]];

		if (col->cell == TABLE_NAME) {
			/* An unnamed last column leaves no trailing blanks. */
			if (col->text[0] != '\0')
				pad(o, (size_t)col->gap);
			fold_out_str(o, col->text);
			continue;
		}
		pad(o, (size_t)col->gap);
		pad(o, width[order[k]] - strlen(col->text));
		fold_out_str(o, col->text);
	}
	fold_out_char(o, '\n');
	for (i = 0; i < n; i++) {
		t->row(t->arg, i, v);
		for (k = 0; k < t->ncols; k++) {
			const struct table_col *col = &t->cols[order[k]];
			const struct table_val *cv = &v[order[k]];
			size_t len;

			pad(o, (size_t)col->gap);
			if (col->cell == TABLE_NAME) {
				fold_out_text(o, cv->name, cv->len);
				continue;
			}
			len = cell_text(buf, t, TABLE_TEXT, col->cell, cv);
			pad(o, width[order[k]] > len ? width[order[k]] - len : 0);
			fold_out_bytes(o, buf, len);
		}
		fold_out_char(o, '\n');
	}
out:
	free(order);
	free(width);
}

static void write_markdown(struct fold_out *o, const struct table *t, size_t n,
			   struct table_val *v)
{
	char buf[FOLD_NUM_BUFSZ];
	size_t i;
	int c;

	for (c = 0; c < t->ncols; c++) {
		fold_out_str(o, c ? " | " : "| ");
		fold_out_str(o, t->cols[c].markdown);
	}
	fold_out_str(o, " |\n|");
	for (c = 0; c < t->ncols; c++)
		fold_out_str(o, t->cols[c].cell == TABLE_NAME ? ":---|" : "---:|");
	fold_out_char(o, '\n');
	for (i = 0; i < n; i++) {
		t->row(t->arg, i, v);
		for (c = 0; c < t->ncols; c++) {
			fold_out_str(o, c ? " | " : "| ");
			if (t->cols[c].cell == TABLE_NAME)
				fold_out_markdown(o, v[c].name, v[c].len);
			else
				fold_out_bytes(o, buf, cell_text(buf, t, TABLE_MARKDOWN,
								 t->cols[c].cell, &v[c]));
		}
		fold_out_str(o, " |\n");
	}
}

static void write_csv(struct fold_out *o, const struct table *t, size_t n,
		      struct table_val *v)
{
	char buf[FOLD_NUM_BUFSZ];
	size_t i;
	int c;

	for (c = 0; c < t->ncols; c++) {
		if (c)
			fold_out_char(o, ',');
		fold_out_str(o, t->cols[c].key);
	}
	fold_out_str(o, "\r\n");
	for (i = 0; i < n; i++) {
		t->row(t->arg, i, v);
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fold_out_char(o, ',');
			if (t->cols[c].cell == TABLE_NAME)
				fold_out_csv(o, v[c].name, v[c].len);
			else
				fold_out_bytes(o, buf, cell_text(buf, t, TABLE_CSV,
								 t->cols[c].cell, &v[c]));
		}
		fold_out_str(o, "\r\n");
	}
}

static void write_json(struct fold_out *o, const struct table *t, size_t n,
		       struct table_val *v)
{
	char buf[FOLD_NUM_BUFSZ];
	size_t i;
	int c;

	fold_out_char(o, '[');
	for (i = 0; i < n; i++) {
		t->row(t->arg, i, v);
		fold_out_str(o, i ? ",\n  {" : "\n  {");
		for (c = 0; c < t->ncols; c++) {
			fold_out_str(o, c ? ", \"" : "\"");
			fold_out_str(o, t->cols[c].key);
			fold_out_str(o, "\": ");
			if (t->cols[c].cell == TABLE_NAME)
				fold_out_json(o, v[c].name, v[c].len);
			else
				fold_out_bytes(o, buf, cell_text(buf, t, TABLE_JSON,
								 t->cols[c].cell, &v[c]));
		}
		fold_out_char(o, '}');
	}
	fold_out_str(o, n ? "\n]" : "]");
}

void table_write(struct fold_out *o, enum table_format fmt,
		 const struct table *t, size_t n)
{
	struct table_val *v = calloc((size_t)t->ncols, sizeof(*v));

	if (v == NULL) {
		o->err = ENOMEM;
		return;
	}
	switch (fmt) {
	case TABLE_TEXT: write_text(o, t, n, v); break;
	case TABLE_MARKDOWN: write_markdown(o, t, n, v); break;
	case TABLE_CSV: write_csv(o, t, n, v); break;
	case TABLE_JSON: write_json(o, t, n, v); break;
	}
	free(v);
}

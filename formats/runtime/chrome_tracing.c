/*
 * chrome_tracing.c - Chrome trace-event JSON (chrome://tracing, Perfetto's
 * legacy JSON, V8 and node --trace-events, clang -ftime-trace), folded as
 * stackcollapse-chrome-tracing.py does: per thread (pid, tid), the
 * complete events ("ph": "X", with "ts" and "dur" in microseconds) nest
 * by time, and each event's self time (its duration less its children's)
 * is the count of its stack.
 *
 * JSON is parsed by json-c, the one input read whole: a trace is one JSON
 * value.  Each event is parsed on its own and kept as 40 bytes; the array
 * is sorted once all are read.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "formats/runtime/runtime.h"

struct ct_event {
	int64_t pid, tid;
	double ts, dur;
	fold_id name;
	uint32_t seq;		/* input order, the last tie-break */
};

/*
 * By thread, then start time; of two events that start together the longer
 * is the parent and comes first.  The script sorts on the start alone,
 * keeping input order, and clang writes a child before its parent, so a
 * parent and child starting in the same microsecond came out nested the
 * wrong way round (negative self times).
 */
static int ct_cmp(const void *va, const void *vb)
{
	const struct ct_event *a = va, *b = vb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->dur != b->dur)
		return a->dur > b->dur ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A number, or a string that is one, as Python's int() and float() take. */
static int ct_number(struct json_object *o, double *v)
{
	const char *s;
	char *end;

	switch (json_object_get_type(o)) {
	case json_type_int:
	case json_type_double:
		*v = json_object_get_double(o);
		return 1;
	case json_type_string:
		s = json_object_get_string(o);
		errno = 0;
		*v = strtod(s, &end);
		return end != s && errno == 0;
	default:
		return 0;
	}
}

struct ct_walk {
	fold_id *ids;		/* the open events' names, root first */
	double *self;		/* and their self times */
	double *stop;
	size_t n, cap, capself, capstop;
};

/* Count the innermost open event's self time for its stack, and close it. */
static int ct_close(struct ct_walk *w, struct fold_profile *p,
		    const struct fold_read_opts *ro)
{
	if (rt_add(p, ro, w->ids, w->n, w->self[w->n - 1]) != 0)
		return -1;
	w->n--;
	return 0;
}

/* One thread's events, sorted: nest them and count each one's self time. */
static int ct_thread(struct ct_walk *w, const struct ct_event *ev, size_t n,
		     struct fold_profile *p, const struct fold_read_opts *ro)
{
	size_t i;

	w->n = 0;
	for (i = 0; i < n; i++) {
		while (w->n > 0 && w->stop[w->n - 1] <= ev[i].ts)
			if (ct_close(w, p, ro) != 0)
				return -1;
		if (w->n > 0)
			w->self[w->n - 1] -= ev[i].dur;
		if (fold_grow(&w->ids, &w->cap, w->n + 1, sizeof(*w->ids)) != 0 ||
		    fold_grow(&w->self, &w->capself, w->n + 1, sizeof(*w->self)) != 0 ||
		    fold_grow(&w->stop, &w->capstop, w->n + 1, sizeof(*w->stop)) != 0)
			return -1;
		w->ids[w->n] = ev[i].name;
		w->self[w->n] = ev[i].dur;
		w->stop[w->n++] = ev[i].ts + ev[i].dur;
	}
	while (w->n > 0)
		if (ct_close(w, p, ro) != 0)
			return -1;
	return 0;
}

/* The line of byte off of data, for messages. */
static unsigned long long ct_line(const char *data, size_t off)
{
	unsigned long long line = 1;
	const char *p = data, *e = data + off;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* json-c takes an int length: a longer value goes in pieces. */
#define CT_PIECE (1u << 30)

/* A trace being read: the input, and the events found so far. */
struct ct_read {
	const char *data;
	size_t len, pos;
	const char *name;
	struct json_tokener *tok;
	struct fold_profile *p;
	struct ct_event *ev;
	size_t nev, capev;
	struct rt_stack tmp;
	struct fold_diag *d;
};

static int ct_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void ct_skip(struct ct_read *r)
{
	while (r->pos < r->len && ct_blank(r->data[r->pos]))
		r->pos++;
}

/*
 * The JSON value at r->pos, parsed by json-c, and r->pos past it; NULL
 * with a message (JSON null is no value any caller wants either).
 */
static struct json_object *ct_value(struct ct_read *r)
{
	enum json_tokener_error err = json_tokener_continue;
	struct json_object *o = NULL;
	size_t at = r->pos, piece;

	json_tokener_reset(r->tok);
	while (at < r->len) {
		piece = r->len - at < CT_PIECE ? r->len - at : CT_PIECE;
		o = json_tokener_parse_ex(r->tok, r->data + at, (int)piece);
		err = json_tokener_get_error(r->tok);
		if (err != json_tokener_continue) {
			at += (size_t)json_tokener_get_parse_end(r->tok);
			break;
		}
		at += piece;
	}
	if (err == json_tokener_success && o != NULL) {
		r->pos = at;
		return o;
	}
	if (err == json_tokener_continue)
		fold_diag_error(r->d, "%s:%llu: truncated JSON (the input ends "
				"inside it)", r->name, ct_line(r->data, r->len));
	else if (err == json_tokener_success)
		fold_diag_error(r->d, "%s:%llu: invalid JSON (null where a "
				"value is expected)", r->name,
				ct_line(r->data, r->pos));
	else
		fold_diag_error(r->d, "%s:%llu: invalid JSON (%s)", r->name,
				ct_line(r->data, at < r->len ? at : r->len),
				json_tokener_error_desc(err));
	return NULL;
}

/* Expect the byte c at r->pos (after blanks), and step over it. */
static int ct_expect(struct ct_read *r, const char *what)
{
	ct_skip(r);
	if (r->pos < r->len && strchr(what, r->data[r->pos]) != NULL)
		return r->data[r->pos++];
	if (r->pos >= r->len)
		fold_diag_error(r->d, "%s:%llu: truncated JSON (the input ends "
				"inside it)", r->name, ct_line(r->data, r->len));
	else
		fold_diag_error(r->d, "%s:%llu: invalid JSON (expected one of "
				"'%s')", r->name, ct_line(r->data, r->pos), what);
	return -1;
}

/* Keep event e if it is a complete one ("ph": "X" with ts and dur). */
static int ct_event(struct ct_read *r, struct json_object *e)
{
	struct json_object *ph, *v;
	struct ct_event *x;
	const char *name;
	double pid = 0, tid = 0;
	size_t k, nl;

	if (!json_object_is_type(e, json_type_object) ||
	    !json_object_object_get_ex(e, "ph", &ph) ||
	    !json_object_is_type(ph, json_type_string) ||
	    strcmp(json_object_get_string(ph), "X") != 0)
		return 0;
	if (fold_grow(&r->ev, &r->capev, r->nev + 1, sizeof(*r->ev)) != 0)
		return -1;
	x = &r->ev[r->nev];
	if (!json_object_object_get_ex(e, "dur", &v) || !ct_number(v, &x->dur) ||
	    !json_object_object_get_ex(e, "ts", &v) || !ct_number(v, &x->ts))
		return 0;
	if (json_object_object_get_ex(e, "pid", &v))
		ct_number(v, &pid);
	if (json_object_object_get_ex(e, "tid", &v))
		ct_number(v, &tid);
	name = json_object_object_get_ex(e, "name", &v) ?
	       json_object_get_string(v) : "";
	if (name == NULL)
		name = "";
	/* a line break in a name would end the folded line */
	nl = strcspn(name, "\r\n");
	if (name[nl] == '\0') {
		x->name = fold_intern(&r->p->names, name, nl);
	} else {
		rt_buf_clear(&r->tmp);
		if (rt_buf_add(&r->tmp, name, strlen(name)) != 0)
			return -1;
		for (k = 0; k < r->tmp.buflen; k++)
			if (r->tmp.buf[k] == '\n' || r->tmp.buf[k] == '\r')
				r->tmp.buf[k] = ' ';
		x->name = fold_intern(&r->p->names, r->tmp.buf, r->tmp.buflen);
	}
	if (x->name == FOLD_NOID)
		return -1;
	x->pid = (int64_t)pid;	/* int(), as the script */
	x->tid = (int64_t)tid;
	x->seq = (uint32_t)r->nev++;
	return 0;
}

/*
 * The array of events at r->pos, one element at a time: each is parsed
 * by json-c on its own and freed at once, so no tree of the whole trace
 * is ever built (that was 14 times slower and took 14 bytes of memory per
 * byte of input).  Only the separators are looked at here.
 */
static int ct_events(struct ct_read *r)
{
	struct json_object *e;
	int c;

	if (ct_expect(r, "[") < 0)
		return -1;
	ct_skip(r);
	if (r->pos < r->len && r->data[r->pos] == ']') {
		r->pos++;
		return 0;
	}
	for (;;) {
		ct_skip(r);
		e = ct_value(r);
		if (e == NULL)
			return -1;
		c = ct_event(r, e);
		json_object_put(e);
		if (c != 0) {
			fold_diag_error(r->d, "%s: %s", r->name, strerror(errno));
			return -1;
		}
		c = ct_expect(r, ",]");
		if (c < 0)
			return -1;
		if (c == ']')
			return 0;
	}
}

/*
 * The trace: {"traceEvents": [...], other keys...}, or the bare array.
 * The object's keys and other values are json-c's to parse too.
 */
static int ct_trace(struct ct_read *r)
{
	struct json_object *k, *v;
	int c, found = 0;

	ct_skip(r);
	if (r->data[r->pos] == '[') {
		if (ct_events(r) != 0)
			return -1;
	} else if (r->data[r->pos] == '{') {
		r->pos++;
		ct_skip(r);
		c = r->pos < r->len && r->data[r->pos] == '}' ? '}' : ',';
		if (c == '}')
			r->pos++;
		while (c == ',') {
			ct_skip(r);
			k = ct_value(r);
			if (k == NULL)
				return -1;
			if (!json_object_is_type(k, json_type_string)) {
				json_object_put(k);
				fold_diag_error(r->d, "%s:%llu: invalid JSON (a key "
						"that is no string)", r->name,
						ct_line(r->data, r->pos));
				return -1;
			}
			c = strcmp(json_object_get_string(k), "traceEvents") == 0;
			json_object_put(k);
			if (ct_expect(r, ":") < 0)
				return -1;
			ct_skip(r);
			if (c && r->pos < r->len && r->data[r->pos] == '[') {
				if (ct_events(r) != 0)
					return -1;
				found = 1;
			} else {
				v = ct_value(r);
				if (v == NULL)
					return -1;
				json_object_put(v);
			}
			if ((c = ct_expect(r, ",}")) < 0)
				return -1;
		}
		if (!found) {
			fold_diag_refuse(r->d, "%s: not Chrome trace-event JSON (no "
					 "\"traceEvents\" array)", r->name);
			return -1;
		}
	} else {
		fold_diag_refuse(r->d, "%s:%llu: not Chrome trace-event JSON (it "
				 "starts with neither '{' nor '[')", r->name,
				 ct_line(r->data, r->pos));
		return -1;
	}
	ct_skip(r);
	if (r->pos < r->len) {
		fold_diag_error(r->d, "%s:%llu: invalid JSON (more after the "
				"trace's value)", r->name, ct_line(r->data, r->pos));
		return -1;
	}
	return 0;
}

static int ct_fold(void *state, struct fold_profile *p, struct fold_input *in,
		   const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct ct_read r = { .name = in->name, .p = p, .d = d };
	struct ct_walk w = { 0 };
	char *data = NULL;
	size_t len, i, start;
	int rc = -1;

	(void)state;
	if (fold_input_slurp(in, SIZE_MAX / 4, NULL, &data, &len, d) != 0)
		return -1;
	r.data = data;
	r.len = len;
	ct_skip(&r);
	if (r.pos == len) {
		rc = 0;		/* empty: no samples */
		goto out;
	}
	r.tok = json_tokener_new_ex(64);
	if (r.tok == NULL) {
		fold_diag_error(d, "%s: %s", in->name, strerror(ENOMEM));
		goto out;
	}
	if (ct_trace(&r) != 0)
		goto out;
	free(data);
	data = NULL;
	if (r.nev > 0)
		qsort(r.ev, r.nev, sizeof(*r.ev), ct_cmp);
	for (start = 0, i = 1; i <= r.nev; i++) {
		if (i < r.nev && r.ev[i].pid == r.ev[start].pid &&
		    r.ev[i].tid == r.ev[start].tid)
			continue;
		if (ct_thread(&w, r.ev + start, i - start, p, ro) != 0) {
			fold_diag_error(d, "%s: %s", in->name, errno == EOVERFLOW ?
					"count overflow" : strerror(errno));
			goto out;
		}
		start = i;
	}
	fold_unit_set(&p->unit[rt_col(p, ro)], "time", "microseconds");
	rc = 0;
out:
	if (r.tok != NULL)
		json_tokener_free(r.tok);
	free(data);
	free(r.ev);
	rt_stack_free(&r.tmp);
	free(w.ids);
	free(w.self);
	free(w.stop);
	return rc;
}

/*
 * A JSON object with a "traceEvents" key, or an array whose first element
 * is an object with a "ph" key, among the first bytes.
 */
static enum fold_detect ct_detect(const char *head, size_t n, int eof)
{
	size_t i = 0;

	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' ||
			 head[i] == '\r'))
		i++;
	if (i >= n)
		return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
	if (head[i] == '{') {
		if (memmem(head, n, "\"traceEvents\"", 13) != NULL)
			return FOLD_DETECT_YES;
	} else if (head[i] == '[') {
		for (i++; i < n && (head[i] == ' ' || head[i] == '\t' ||
				    head[i] == '\n' || head[i] == '\r'); i++)
			;
		if (i < n && head[i] == '{' && memmem(head, n, "\"ph\"", 4) != NULL)
			return FOLD_DETECT_YES;
		if (i < n && head[i] != '{')
			return FOLD_DETECT_NO;
	} else {
		return FOLD_DETECT_NO;
	}
	return eof || n >= FOLD_HEAD_MAX ? FOLD_DETECT_NO : FOLD_DETECT_MORE;
}

const struct fold_reader chrome_tracing_reader = {
	.name = "chrome-tracing",
	.title = "Chrome trace-event JSON",
	.detect = ct_detect,
	.fold = ct_fold,
};

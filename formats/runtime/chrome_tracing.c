/*
 * chrome_tracing.c - Chrome trace-event JSON (chrome://tracing, Perfetto's
 * legacy JSON, V8 and node --trace-events, clang -ftime-trace), folded as
 * stackcollapse-chrome-tracing.py does: per thread (pid, tid), the
 * complete events ("ph": "X", with "ts" and "dur" in microseconds) nest
 * by time, and each event's self time (its duration less its children's)
 * is the count of its stack.
 *
 * JSON is parsed by json-c, the one input read whole: a trace is one JSON
 * value.  The events are then kept as a flat array (40 bytes each) and
 * the parsed tree freed before they are sorted.
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

/* json-c takes an int length: a longer input goes in pieces. */
#define CT_PIECE (1u << 30)

/* Parse data[0..len) whole; NULL with a message naming the line. */
static struct json_object *ct_parse(const char *data, size_t len,
				    const char *name, struct fold_diag *d)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *root = NULL;
	enum json_tokener_error err = json_tokener_continue;
	size_t done = 0, piece, at;

	if (tok == NULL) {
		fold_diag_error(d, "%s: %s", name, strerror(ENOMEM));
		return NULL;
	}
	while (done < len) {
		piece = len - done < CT_PIECE ? len - done : CT_PIECE;
		root = json_tokener_parse_ex(tok, data + done, (int)piece);
		err = json_tokener_get_error(tok);
		if (err != json_tokener_continue)
			break;
		done += piece;
	}
	/* where the tokener stopped */
	at = done + (err == json_tokener_continue ? 0 :
		     (size_t)json_tokener_get_parse_end(tok));
	json_tokener_free(tok);
	if (err == json_tokener_success && root != NULL) {
		while (at < len && (data[at] == ' ' || data[at] == '\t' ||
				    data[at] == '\n' || data[at] == '\r'))
			at++;
		if (at == len)
			return root;
		json_object_put(root);
		fold_diag_refuse(d, "%s:%llu: not Chrome trace-event JSON (more "
				 "after the JSON value)", name, ct_line(data, at));
		return NULL;
	}
	if (root != NULL)
		json_object_put(root);
	if (err == json_tokener_continue || err == json_tokener_success)
		fold_diag_error(d, "%s:%llu: truncated JSON (the input ends "
				"inside it)", name, ct_line(data, len));
	else
		fold_diag_refuse(d, "%s:%llu: not Chrome trace-event JSON (%s)",
				 name, ct_line(data, at < len ? at : len),
				 json_tokener_error_desc(err));
	return NULL;
}

static int ct_fold(void *state, struct fold_profile *p, struct fold_input *in,
		   const struct fold_read_opts *ro, struct fold_diag *d)
{
	struct json_object *root = NULL, *events = NULL;
	struct ct_event *ev = NULL;
	struct ct_walk w = { 0 };
	char *data = NULL;
	size_t len, n, i, nev = 0, start;
	int rc = -1;

	(void)state;
	if (fold_input_slurp(in, SIZE_MAX / 4, &data, &len, d) != 0)
		return -1;
	for (i = 0; i < len && (data[i] == ' ' || data[i] == '\t' ||
				data[i] == '\n' || data[i] == '\r'); i++)
		;
	if (i == len) {
		rc = 0;		/* empty: no samples */
		goto out;
	}
	root = ct_parse(data, len, in->name, d);
	if (root == NULL)
		goto out;
	/* {"traceEvents": [...], ...}, or the bare array of events */
	if (json_object_is_type(root, json_type_array))
		events = root;
	else if (!json_object_is_type(root, json_type_object) ||
		 !json_object_object_get_ex(root, "traceEvents", &events) ||
		 !json_object_is_type(events, json_type_array)) {
		fold_diag_refuse(d, "%s: not Chrome trace-event JSON (no "
				 "\"traceEvents\" array)", in->name);
		goto out;
	}
	n = json_object_array_length(events);
	ev = malloc((n ? n : 1) * sizeof(*ev));
	if (ev == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		struct json_object *ph, *v;
		const char *name;
		double pid = 0, tid = 0;
		size_t k, nl;

		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "ph", &ph) ||
		    !json_object_is_type(ph, json_type_string) ||
		    strcmp(json_object_get_string(ph), "X") != 0)
			continue;
		if (!json_object_object_get_ex(e, "dur", &v) ||
		    !ct_number(v, &ev[nev].dur) ||
		    !json_object_object_get_ex(e, "ts", &v) ||
		    !ct_number(v, &ev[nev].ts))
			continue;
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
			ev[nev].name = fold_intern(&p->names, name, nl);
		} else {
			struct rt_stack tmp = { 0 };

			if (rt_buf_add(&tmp, name, strlen(name)) != 0)
				goto fail;
			for (k = 0; k < tmp.buflen; k++)
				if (tmp.buf[k] == '\n' || tmp.buf[k] == '\r')
					tmp.buf[k] = ' ';
			ev[nev].name = fold_intern(&p->names, tmp.buf, tmp.buflen);
			rt_stack_free(&tmp);
		}
		if (ev[nev].name == FOLD_NOID)
			goto fail;
		ev[nev].pid = (int64_t)pid;	/* int(), as the script */
		ev[nev].tid = (int64_t)tid;
		ev[nev].seq = (uint32_t)nev;
		nev++;
	}
	/* The tree is no longer needed: free it before sorting. */
	json_object_put(root);
	root = NULL;
	free(data);
	data = NULL;
	qsort(ev, nev, sizeof(*ev), ct_cmp);
	for (start = 0, i = 1; i <= nev; i++) {
		if (i < nev && ev[i].pid == ev[start].pid && ev[i].tid == ev[start].tid)
			continue;
		if (nev > 0 && ct_thread(&w, ev + start, i - start, p, ro) != 0)
			goto fail;
		start = i;
	}
	fold_unit_set(&p->unit[rt_col(p, ro)], "time", "microseconds");
	rc = 0;
	goto out;
fail:
	fold_diag_error(d, "%s: %s", in->name,
			errno == EOVERFLOW ? "count overflow" : strerror(errno));
out:
	if (root != NULL)
		json_object_put(root);
	free(data);
	free(ev);
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

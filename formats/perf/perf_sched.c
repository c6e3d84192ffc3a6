/*
 * perf_sched.c - off-CPU time per stack from `perf script` output of
 * scheduler events, as stackcollapse-perf-sched.awk folds it: a
 * sched:sched_switch sample keeps the stack a task left the CPU with (its
 * prev_pid), and a later sched:sched_stat_sleep or sched_stat_blocked
 * sample for that task (its pid=, delay= nanoseconds) counts the delay for
 * that stack, under a root frame of the task's comm=.  Options, the
 * script's awk variables: --record-tid (comm-PID roots), --record-wake-stack
 * (the waker's stack and name on top), --recurse (and the waker's own
 * off-CPU chain after a "-" frame, when it was woken after the task slept).
 *
 * Samples come from perf_script.c's parser; the state between them is
 * per task: its stack at the last switch-out, the time of it, when it was
 * last woken and its last folded chain.  Only named (fg-collapse
 * perf-sched): detected, the input is perf script output, read as perf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/perf/perf_sched.h"
#include "formats/perf/perf_script.h"
#include "formats/text/chars.h"

/* A task, by its pid as the input prints it (the script's array keys). */
struct sched_task {
	fold_id *sw;		/* stack at its last switch-out, root first */
	size_t nsw, capsw;
	int switched;		/* sw is set (the script's "in switch_stacks") */
	uint64_t switch_ns;
	int woken;
	uint64_t wake_ns;	/* when its last stat event came */
	fold_id *chain;		/* its last folded stack (--recurse) */
	size_t nchain, capchain;
	int has_chain;
};

struct sched_opts {
	int record_tid, record_wake_stack, recurse;
};

struct sched_fold {
	const struct sched_opts *o;
	struct fold_profile *p;
	struct fold_names keys;		/* pids as text: their task index */
	struct sched_task *task;
	size_t captask;
	struct fold_profile acc;	/* nanoseconds per stack (ids of p) */
	fold_id *stack;			/* the stack being built */
	size_t n, cap;
	char *buf;			/* a frame or root name being built */
	size_t capbuf;
	fold_id dash, empty;
	uint64_t events;		/* stat events that counted */
};

/* The task of key s[0..len), made if new; NULL when out of memory. */
static struct sched_task *task_of(struct sched_fold *sf, const char *s,
				  size_t len)
{
	fold_id id = fold_intern(&sf->keys, s, len);

	if (id == FOLD_NOID ||
	    fold_grow0(&sf->task, &sf->captask, (size_t)id + 1, sizeof(*sf->task)) != 0)
		return NULL;
	return &sf->task[id];
}

/* The task of key s[0..len) if there is one. */
static struct sched_task *task_find(struct sched_fold *sf, const char *s,
				    size_t len)
{
	fold_id id = fold_names_find(&sf->keys, s, len);

	return id == FOLD_NOID ? NULL : &sf->task[id];
}

static int push(struct sched_fold *sf, fold_id id)
{
	if (fold_grow(&sf->stack, &sf->cap, sf->n + 1, sizeof(*sf->stack)) != 0)
		return -1;
	sf->stack[sf->n++] = id;
	return 0;
}

static int push_name(struct sched_fold *sf, const char *s, size_t len)
{
	fold_id id = fold_intern(&sf->p->names, s, len);

	return id == FOLD_NOID ? -1 : push(sf, id);
}

/*
 * The value of "NAME=" in the tracepoint fields t[0..len): its first
 * occurrence, up to a blank (the script's match(), which finds "comm=" in
 * "prev_comm=" too).  Empty when absent.
 */
static void field(const char *t, size_t len, const char *name,
		  const char **v, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *at = t ? memmem(t, len, name, nl) : NULL, *e;

	*v = "";
	*vlen = 0;
	if (at == NULL)
		return;
	at += nl;
	for (e = at; e < t + len && !ch_is(*e, CH_SPACE); e++)
		;
	*v = at;
	*vlen = (size_t)(e - at);
}

/*
 * A frame as the script names it: the line's fields 2 to NF-1 joined by
 * one blank ("ADDR sym+0x12 (dso)" is "sym+0x12"), or field 2 alone.
 */
static int frame_name(struct sched_fold *sf, const struct perf_frame *f,
		      size_t *len)
{
	const char *s = f->text, *e = s + f->len, *ps = NULL, *pe = NULL;
	size_t n = 0;
	int nf = 0;

	if (fold_grow(&sf->buf, &sf->capbuf, f->len + 1, 1) != 0)
		return -1;
	for (;;) {
		const char *w;

		while (s < e && ch_is(*s, CH_SPACE))
			s++;
		if (s == e)
			break;
		for (w = s; s < e && !ch_is(*s, CH_SPACE); s++)
			;
		/* a field (2 .. NF-1) is written once another follows it */
		if (ps != NULL) {
			if (n > 0)
				sf->buf[n++] = ' ';
			memcpy(sf->buf + n, ps, (size_t)(pe - ps));
			n += (size_t)(pe - ps);
		}
		if (++nf >= 2) {
			ps = w;
			pe = s;
		}
	}
	if (nf == 2) {
		memcpy(sf->buf, ps, (size_t)(pe - ps));
		n = (size_t)(pe - ps);
	}
	*len = n;
	return 0;
}

/* Copy ids[0..n) into *dst (grown as needed). */
static int keep(fold_id **dst, size_t *ndst, size_t *cap, const fold_id *ids,
		size_t n)
{
	if (fold_grow(dst, cap, n ? n : 1, sizeof(**dst)) != 0)
		return -1;
	if (n > 0)	/* (a switch without frames has no ids at all) */
		memcpy(*dst, ids, n * sizeof(*ids));
	*ndst = n;
	return 0;
}

/* The stack of a switch-out: root first, as the task will be charged. */
static int on_switch(struct sched_fold *sf, const struct perf_sample *smp)
{
	struct sched_task *t;
	const char *pid;
	size_t plen, i, len;

	field(smp->trailer, smp->trailer_len, "prev_pid=", &pid, &plen);
	if (plen == 0 || (plen == 1 && pid[0] == '0'))
		return 0;	/* the idle task, or no pid: the script skips it */
	sf->n = 0;
	for (i = smp->nframes; i-- > 0;) {
		if (frame_name(sf, &smp->frames[i], &len) != 0 ||
		    push_name(sf, sf->buf, len) != 0)
			return -1;
	}
	t = task_of(sf, pid, plen);
	if (t == NULL || keep(&t->sw, &t->nsw, &t->capsw, sf->stack, sf->n) != 0)
		return -1;
	t->switched = 1;
	t->has_chain = 0;	/* the script's delete last_switch_stacks[] */
	t->switch_ns = smp->time_ns;
	return 0;
}

/* "comm PID" or "comm PID/TID" as the script's $1 and $2 read them. */
static void waker(const struct perf_sample *smp, char *pidbuf, size_t size,
		  const char **comm, size_t *clen, const char **pid,
		  size_t *plen)
{
	const char *s = smp->comm, *e = s + smp->comm_len, *b;

	for (b = s; b < e && !ch_is(*b, CH_SPACE); b++)
		;
	*comm = s;
	*clen = (size_t)(b - s);
	if (b < e) {
		/* a comm with blanks: its second word is $2 */
		while (b < e && ch_is(*b, CH_SPACE))
			b++;
		for (*pid = b; b < e && !ch_is(*b, CH_SPACE); b++)
			;
		*plen = (size_t)(b - *pid);
		return;
	}
	if (smp->pid >= 0)
		snprintf(pidbuf, size, "%lld/%lld", (long long)smp->pid,
			 (long long)smp->tid);
	else
		snprintf(pidbuf, size, "%lld", (long long)smp->tid);
	*pid = pidbuf;
	*plen = strlen(pidbuf);
}

/* awk's int() of a delay: its leading digits. */
static uint64_t delay_of(const char *v, size_t len)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < len && ch_is(v[i], CH_DIGIT); i++)
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(v[i] - '0'), &x))
			return UINT64_MAX;
	return x;
}

/* A stat event: the sleeping task's switch-out stack gets the delay. */
static int on_stat(struct sched_fold *sf, const struct perf_sample *smp)
{
	const struct sched_opts *o = sf->o;
	struct sched_task *t, *w;
	const char *comm, *pid, *wcomm, *wpid, *dv;
	size_t clen, plen, wclen, wplen, dlen, i, len;
	char pidbuf[48];
	uint64_t delay;
	long k;

	field(smp->trailer, smp->trailer_len, "comm=", &comm, &clen);
	field(smp->trailer, smp->trailer_len, "pid=", &pid, &plen);
	field(smp->trailer, smp->trailer_len, "delay=", &dv, &dlen);
	if (plen == 0 || (plen == 1 && pid[0] == '0'))
		return 0;
	t = task_find(sf, pid, plen);
	if (t == NULL || !t->switched)
		return 0;
	delay = delay_of(dv, dlen);
	waker(smp, pidbuf, sizeof(pidbuf), &wcomm, &wclen, &wpid, &wplen);
	t->woken = 1;
	t->wake_ns = smp->time_ns;
	/* the root: comm, or comm-PID */
	sf->n = 0;
	if (fold_grow(&sf->buf, &sf->capbuf, clen + plen + 2, 1) != 0)
		return -1;
	memcpy(sf->buf, comm, clen);
	len = clen;
	if (o->record_tid) {
		sf->buf[len++] = '-';
		memcpy(sf->buf + len, pid, plen);
		len += plen;
	}
	if (push_name(sf, sf->buf, len) != 0)
		return -1;
	for (i = 0; i < t->nsw; i++)
		if (push(sf, t->sw[i]) != 0)
			return -1;
	if (o->recurse || o->record_wake_stack) {
		/* the waker's frames leaf first, then its name, as the script */
		for (i = 0; i < smp->nframes; i++)
			if (frame_name(sf, &smp->frames[i], &len) != 0 ||
			    push_name(sf, sf->buf, len) != 0)
				return -1;
		if (fold_grow(&sf->buf, &sf->capbuf, wclen + wplen + 2, 1) != 0)
			return -1;
		memcpy(sf->buf, wcomm, wclen);
		len = wclen;
		if (o->record_tid) {
			sf->buf[len++] = '-';
			memcpy(sf->buf + len, wpid, wplen);
			len += wplen;
		}
		if (push_name(sf, sf->buf, len) != 0)
			return -1;
	}
	if (o->recurse) {
		/*
		 * The waker's own chain, when it was woken after this task
		 * went to sleep.  The script compares with last_switch_time,
		 * which it never sets, so it appends the chain whenever the
		 * waker was ever woken.
		 */
		w = task_find(sf, wpid, wplen);
		if (w != NULL && w->woken && w->wake_ns > t->switch_ns) {
			if (push(sf, sf->dash) != 0)
				return -1;
			if (!w->has_chain) {
				/* the script's ";-;" with nothing after it */
				if (push(sf, sf->empty) != 0)
					return -1;
			} else {
				for (i = 0; i < w->nchain; i++)
					if (push(sf, w->chain[i]) != 0)
						return -1;
			}
		}
		/* (the chain leaves out the root: the script's stack) */
		if (keep(&t->chain, &t->nchain, &t->capchain, sf->stack + 1,
			 sf->n - 1) != 0)
			return -1;
		t->has_chain = 1;
	}
	t->switched = 0;
	k = fold_stack_get(&sf->acc, sf->stack, sf->n);
	if (k < 0 || fold_add_at(&sf->acc, (size_t)k, 0, delay) != 0)
		return -1;
	sf->events++;
	return 0;
}

static int sched_sample(void *arg, const struct perf_sample *smp)
{
	struct sched_fold *sf = arg;
	const char *ev = smp->event;
	size_t n = smp->event_len;

	if (ev == NULL)
		return 0;
	if (n == 18 && memcmp(ev, "sched:sched_switch", 18) == 0)
		return on_switch(sf, smp);
	if ((n == 22 && memcmp(ev, "sched:sched_stat_sleep", 22) == 0) ||
	    (n == 24 && memcmp(ev, "sched:sched_stat_blocked", 24) == 0))
		return on_stat(sf, smp);
	return 0;
}

static const struct fold_reader_option sched_options[] = {
	{ "record-tid", NULL, "root frames comm-PID (awk: -v record_tid=1)" },
	{ "record-wake-stack", NULL, "the waker's stack and name on top "
	  "(-v record_wake_stack=1)" },
	{ "recurse", NULL, "and the waker's own off-CPU chain (-v recurse=1)" },
	{ NULL, NULL, NULL },
};

static int sched_set(void *state, const char *opt, const char *arg,
		     struct fold_diag *d)
{
	struct sched_opts *o = state;

	(void)arg;
	(void)d;
	if (strcmp(opt, "record-tid") == 0)
		o->record_tid = 1;
	else if (strcmp(opt, "record-wake-stack") == 0)
		o->record_wake_stack = 1;
	else
		o->recurse = 1;
	return 0;
}

static void sched_free_fold(struct sched_fold *sf)
{
	size_t i;

	for (i = 0; i < sf->keys.n; i++) {
		free(sf->task[i].sw);
		free(sf->task[i].chain);
	}
	free(sf->task);
	fold_names_free(&sf->keys);
	fold_profile_free(&sf->acc);
	free(sf->stack);
	free(sf->buf);
}

static int sched_fold(void *state, struct fold_profile *p,
		      struct fold_input *in, const struct fold_read_opts *ro,
		      struct fold_diag *d)
{
	struct sched_fold sf = { .o = state, .p = p };
	struct perf_parse_opts po = { .strict = ro->strict };
	struct perf_parse_stats st;
	int col = p->ncols == 2 ? ro->col : 0, rc = -1, r;
	size_t i;

	if (fold_names_init(&sf.keys) != 0 || fold_profile_init(&sf.acc, 1) != 0 ||
	    (sf.dash = fold_intern(&p->names, "-", 1)) == FOLD_NOID ||
	    (sf.empty = fold_intern(&p->names, "", 0)) == FOLD_NOID) {
		fold_diag_error(d, "%s: %s", in->name, strerror(errno));
		goto out;
	}
	r = perf_script_parse(in, &po, sched_sample, &sf, &st, d);
	if (r != 0) {
		if (r > 0 || d->err[0] == '\0')
			fold_diag_error(d, "%s: %s", in->name,
					errno == EOVERFLOW ? "count overflow" :
					strerror(errno));
		goto out;
	}
	/* The script prints whole microseconds of each stack's total. */
	for (i = 0; i < sf.acc.nstacks; i++) {
		size_t depth;
		const fold_id *f = fold_stack_frames(&sf.acc, i, &depth);
		uint64_t us = fold_stack_count(&sf.acc, i, 0).u / 1000;

		if (us == 0)
			continue;
		if (fold_add_sample(p, f, depth, col, us, ro->keep_order) != 0) {
			fold_diag_error(d, "%s: %s", in->name,
					errno == EOVERFLOW ? "count overflow" :
					strerror(errno));
			goto out;
		}
	}
	if (st.samples > 0 && sf.events == 0)
		fold_diag_warn(d, "%s: no sched:sched_stat_sleep or "
			       "sched_stat_blocked samples after a "
			       "sched:sched_switch of their task (perf-sched "
			       "needs them: CONFIG_SCHEDSTATS, perf record -e "
			       "'sched:sched_stat_*')", in->name);
	fold_unit_set(&p->unit[col], "off-cpu", "microseconds");
	rc = 0;
out:
	sched_free_fold(&sf);
	return rc;
}

/* perf script text is perf's when detected: perf-sched only when named. */
static enum fold_detect sched_detect(const char *head, size_t n, int eof)
{
	(void)head;
	(void)n;
	(void)eof;
	return FOLD_DETECT_NO;
}

const struct fold_reader perf_sched_reader = {
	.name = "perf-sched",
	.title = "perf script scheduler events (perf-sched)",
	.detect = sched_detect,
	.options = sched_options,
	.state_size = sizeof(struct sched_opts),
	.set = sched_set,
	.fold = sched_fold,
};

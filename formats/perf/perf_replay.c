/* perf_replay.c - ring-buffer records to symbolized samples. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "libfold/input.h"
#include "formats/elf/elfsym.h"
#include "formats/perf/perf_replay.h"

/* One executable mapping of a process (start first: fold_upto_u64). */
struct map {
	uint64_t start, end, pgoff;
	fold_id path;
};

/*
 * A thread (its name) and, when it leads a process, the process's
 * mappings.  Keyed by tid; a process is the task whose tid is its pid.
 */
struct task {
	int32_t id;
	fold_id comm;		/* FOLD_NOID: not known */
	struct map *maps;
	size_t nmaps, capmaps;
	/* Off-CPU: the sched_switch sample that switched it out, if any. */
	unsigned char *out;
	size_t outlen, outcap;
	uint64_t out_time, out_seq;
};

/* An event id and the event it is of (sorted by id). */
struct idmap {
	uint64_t id;
	uint32_t event;
};

struct ksym {
	uint64_t addr;		/* first: fold_upto_u64 */
	const char *name;	/* in kbuf */
	fold_id dso;
	uint32_t order;		/* line in kallsyms */
};

/* A queued record: where its copy is, when it happened, when it came. */
struct qent {
	uint64_t time, seq;
	size_t off;
};

struct perf_replay {
	struct perf_replay_opts o;
	struct fold_diag *d;
	struct perf_replay_stats st;
	struct perf_replay_event *events;	/* copies, names strdup'ed */
	size_t nevents;
	struct idmap *ids;
	size_t nids;
	struct perf_replay_offcpu offcpu;
	int has_offcpu;
	/* Set while a held sample goes out as off-CPU time. */
	int emitting;
	uint64_t emit_period;
	struct fold_names names;	/* comms, paths, kernel symbols */
	struct task *tasks;
	size_t ntasks, captasks;
	struct fold_index tix;		/* tid -> tasks */
	struct elfsym *es;
	int ksyms_loaded;
	char *kbuf;			/* kallsyms' text, cut into names */
	struct ksym *ksyms;
	size_t nksyms, capksyms;
	fold_id kdso;			/* "[kernel.kallsyms]" */
	/* The queue, and the buffer the flush compacts it into. */
	unsigned char *buf, *buf2;
	size_t len, cap, cap2;
	struct qent *q;
	size_t nq, capq;
	uint64_t seq;
	uint64_t round_max, limit, last;
	size_t sample_time_off;		/* of TIME in a SAMPLE; 0: none */
	size_t trailer, trailer_time;	/* sample_id size, time's place */
	/* The sample being built. */
	char *text;
	size_t textlen, captext;
	struct perf_frame *frames;
	size_t capframes;
	size_t *frame_off;
	size_t capframe_off;
};

static uint32_t hash_id(int32_t id)
{
	uint64_t h = (uint64_t)(uint32_t)id * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

/* The task with this id, or a new one (FOLD_NOID comm) when create. */
static struct task *task(struct perf_replay *rp, int32_t id, int create)
{
	uint32_t h = hash_id(id);
	size_t i = h & rp->tix.mask;
	struct task *t;

	for (;; i = (i + 1) & rp->tix.mask) {
		uint64_t e = rp->tix.slot[i];

		if (e == 0)
			break;
		if ((uint32_t)(e >> 32) == h &&
		    rp->tasks[(uint32_t)e - 1].id == id)
			return &rp->tasks[(uint32_t)e - 1];
	}
	if (!create || fold_grow(&rp->tasks, &rp->captasks, rp->ntasks + 1,
				 sizeof(*rp->tasks)) != 0)
		return NULL;
	t = &rp->tasks[rp->ntasks];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->comm = FOLD_NOID;
	if (fold_index_insert(&rp->tix, i, h, (uint32_t)rp->ntasks) != 0)
		return NULL;
	rp->ntasks++;
	return t;
}

static int idmap_cmp(const void *a, const void *b)
{
	const struct idmap *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Copies of the events and their ids; -1 when out of memory. */
static int replay_events(struct perf_replay *rp, const struct perf_replay_opts *o)
{
	size_t i;

	if (o->offcpu != NULL) {
		rp->offcpu = *o->offcpu;
		rp->has_offcpu = 1;
	}
	if (o->events == NULL || o->nevents == 0)
		return 0;
	if ((rp->events = calloc(o->nevents, sizeof(*rp->events))) == NULL ||
	    (o->nids > 0 &&
	     (rp->ids = calloc(o->nids, sizeof(*rp->ids))) == NULL))
		return -1;
	rp->nevents = o->nevents;
	for (i = 0; i < o->nevents; i++) {
		rp->events[i] = o->events[i];
		if ((rp->events[i].name = strdup(o->events[i].name)) == NULL)
			return -1;
	}
	for (i = 0; i < o->nids; i++) {
		rp->ids[i].id = o->ids[i];
		rp->ids[i].event = o->id_event[i];
	}
	rp->nids = o->nids;
	if (rp->nids > 1)
		qsort(rp->ids, rp->nids, sizeof(*rp->ids), idmap_cmp);
	return 0;
}

/* The event a sample is of: by its identifier, or the only one. */
static const struct perf_replay_event *event_of(const struct perf_replay *rp,
						uint64_t id)
{
	struct idmap key = { id, 0 }, *m;

	if (rp->nids == 0)
		return rp->nevents == 1 ? &rp->events[0] : NULL;
	m = bsearch(&key, rp->ids, rp->nids, sizeof(*rp->ids), idmap_cmp);
	return m != NULL && m->event < rp->nevents ? &rp->events[m->event] : NULL;
}

struct perf_replay *perf_replay_new(const struct perf_replay_opts *o,
				    struct fold_diag *d)
{
	struct perf_replay *rp = calloc(1, sizeof(*rp));
	uint64_t t = o->sample_type;

	if (rp == NULL || fold_names_init(&rp->names) != 0 ||
	    fold_index_init(&rp->tix, 256) != 0 ||
	    (rp->es = elfsym_new()) == NULL) {
		fold_diag_error(d, "%s", strerror(errno ? errno : ENOMEM));
		perf_replay_free(rp);
		return NULL;
	}
	rp->o = *o;
	rp->o.events = NULL;
	rp->o.ids = NULL;
	rp->o.id_event = NULL;
	rp->o.offcpu = NULL;
	rp->d = d;
	if (replay_events(rp, o) != 0) {
		fold_diag_error(d, "%s", strerror(ENOMEM));
		perf_replay_free(rp);
		return NULL;
	}
	rp->kdso = fold_intern(&rp->names, "[kernel.kallsyms]", 17);
	if (t & PERF_SAMPLE_TIME)
		rp->sample_time_off = 8 + 8 * !!(t & PERF_SAMPLE_IDENTIFIER) +
				      8 * !!(t & PERF_SAMPLE_IP) +
				      8 * !!(t & PERF_SAMPLE_TID);
	/* sample_id: pid,tid  time  id  stream_id  cpu,res  identifier */
	rp->trailer = 8 * (!!(t & PERF_SAMPLE_TID) + !!(t & PERF_SAMPLE_TIME) +
			   !!(t & PERF_SAMPLE_ID) + !!(t & PERF_SAMPLE_STREAM_ID) +
			   !!(t & PERF_SAMPLE_CPU) +
			   !!(t & PERF_SAMPLE_IDENTIFIER));
	rp->trailer_time = 8 * !!(t & PERF_SAMPLE_TID);
	return rp;
}

void perf_replay_free(struct perf_replay *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->ntasks; i++) {
		free(rp->tasks[i].maps);
		free(rp->tasks[i].out);
	}
	free(rp->tasks);
	for (i = 0; i < rp->nevents; i++)
		free((char *)rp->events[i].name);
	free(rp->events);
	free(rp->ids);
	fold_index_free(&rp->tix);
	fold_names_free(&rp->names);
	if (rp->es != NULL)
		elfsym_free(rp->es);
	free(rp->ksyms);
	free(rp->kbuf);
	free(rp->buf);
	free(rp->buf2);
	free(rp->q);
	free(rp->text);
	free(rp->frames);
	free(rp->frame_off);
	free(rp);
}

const struct perf_replay_stats *perf_replay_stats(const struct perf_replay *rp)
{
	return &rp->st;
}

/* ------------------------------------------------------------ mappings */

/*
 * Map [start, end) of path at file offset pgoff into t, cutting away what
 * it covers of older mappings, as mmap(2) does.
 */
static int map_add(struct task *t, uint64_t start, uint64_t end,
		   uint64_t pgoff, fold_id path)
{
	size_t i;

	if (end <= start)
		return 0;
	/* At most one split and the new entry: room for two more. */
	if (fold_grow(&t->maps, &t->capmaps, t->nmaps + 2, sizeof(*t->maps)))
		return -1;
	for (i = 0; i < t->nmaps;) {
		struct map *m = &t->maps[i];

		if (m->end <= start || m->start >= end) {
			i++;
		} else if (m->start < start && m->end > end) {
			struct map right = *m;

			right.pgoff += end - m->start;
			right.start = end;
			m->end = start;
			memmove(m + 2, m + 1, (t->nmaps - i - 1) * sizeof(*m));
			m[1] = right;
			t->nmaps++;
			i += 2;
		} else if (m->start < start) {
			m->end = start;
			i++;
		} else if (m->end > end) {
			m->pgoff += end - m->start;
			m->start = end;
			i++;
		} else {
			memmove(m, m + 1, (t->nmaps - i - 1) * sizeof(*m));
			t->nmaps--;
		}
	}
	for (i = t->nmaps; i > 0 && t->maps[i - 1].start > start; i--)
		t->maps[i] = t->maps[i - 1];
	t->maps[i] = (struct map){ start, end, pgoff, path };
	t->nmaps++;
	return 0;
}

static const struct map *map_find(const struct task *t, uint64_t addr)
{
	size_t lo = fold_upto_u64(t->maps, t->nmaps, sizeof(*t->maps), addr);

	if (lo > 0 && addr < t->maps[lo - 1].end)
		return &t->maps[lo - 1];
	return NULL;
}

static int maps_copy(struct task *dst, const struct task *src)
{
	dst->nmaps = 0;
	if (src == NULL || src->nmaps == 0)
		return 0;
	if (fold_grow(&dst->maps, &dst->capmaps, src->nmaps, sizeof(*dst->maps)))
		return -1;
	memcpy(dst->maps, src->maps, src->nmaps * sizeof(*dst->maps));
	dst->nmaps = src->nmaps;
	return 0;
}

/* --------------------------------------------------------------- /proc */

static void set_comm(struct perf_replay *rp, int32_t tid, const char *s,
		     size_t n)
{
	struct task *t = task(rp, tid, 1);

	if (t != NULL)
		t->comm = fold_intern(&rp->names, s, n);
}

static void scan_maps(struct perf_replay *rp, int pid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct task *t;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, off, ino;
		char perms[8];
		int n = 0;
		char *name;
		size_t len;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %llu %n", &start, &end,
			   perms, &off, &ino, &n) < 5 || n == 0 ||
		    strchr(perms, 'x') == NULL)
			continue;
		name = line + n;
		len = strcspn(name, "\n");
		if (len == 0)
			name = "//anon", len = 6;
		t = task(rp, pid, 1);
		if (t == NULL || map_add(t, start, end, off,
					 fold_intern(&rp->names, name, len)) != 0)
			break;
	}
	free(line);
	fclose(f);
}

static void scan_threads(struct perf_replay *rp, int pid)
{
	char path[64], comm[64];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		int tid = atoi(de->d_name);
		FILE *f;

		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL)
			set_comm(rp, tid, comm, strcspn(comm, "\n"));
		fclose(f);
	}
	closedir(dir);
}

void perf_replay_scan_proc(struct perf_replay *rp, int pid)
{
	struct dirent *de;
	DIR *dir;

	if (pid >= 0) {
		scan_threads(rp, pid);
		scan_maps(rp, pid);
		return;
	}
	if ((dir = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		int p = atoi(de->d_name);

		if (p > 0) {
			scan_threads(rp, p);
			scan_maps(rp, p);
		}
	}
	closedir(dir);
}

/* -------------------------------------------------------------- kernel */

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Text symbols of /proc/kallsyms (formats/README.md, "perf_event:
 * symbols"), sorted by address and
 * then file order: of aliases (memcpy, __memcpy, __pi_memcpy) the last
 * listed is found, the one perf names (its size-0 symbols end where the
 * next begins, so only the last of a run covers anything).
 */
static void load_kallsyms(struct perf_replay *rp)
{
	const char *path = rp->o.kallsyms ? rp->o.kallsyms : "/proc/kallsyms";
	struct fold_diag quiet = { 0 };
	size_t len, nonzero = 0;
	char *p, *end;
	int sorted = 1;

	rp->ksyms_loaded = 1;
	/* Read whole: names stay in the buffer, nothing is interned. */
	if (*path == '\0' || fold_slurp(path, (size_t)1 << 28, &rp->kbuf, &len,
					&quiet) != 0)
		return;
	for (p = rp->kbuf, end = p + len; p < end; p++) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *name, *mod, *q;
		unsigned long long a = strtoull(p, &q, 16);
		struct ksym *k;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (q == p || q + 3 > nl || q[0] != ' ' || q[2] != ' ' ||
		    (q[1] != 't' && q[1] != 'T' && q[1] != 'w' && q[1] != 'W')) {
			p = nl;
			continue;
		}
		name = q + 3;
		mod = memchr(name, '\t', (size_t)(nl - name));
		if (mod != NULL)
			*mod++ = '\0';
		if (fold_grow(&rp->ksyms, &rp->capksyms, rp->nksyms + 1,
			      sizeof(*rp->ksyms)) != 0)
			break;
		k = &rp->ksyms[rp->nksyms];
		k->order = (uint32_t)rp->nksyms++;
		k->addr = a;
		k->name = name;
		k->dso = mod != NULL ? fold_intern(&rp->names, mod, strlen(mod)) :
				       rp->kdso;
		if (k->dso == FOLD_NOID)
			k->name = NULL;
		nonzero += a != 0;
		sorted &= rp->nksyms < 2 || k[-1].addr <= a;
		p = nl;
	}
	/* kptr_restrict shows every address as 0: no names then. */
	if (nonzero == 0) {
		rp->nksyms = 0;
		return;
	}
	if (!sorted)
		qsort(rp->ksyms, rp->nksyms, sizeof(*rp->ksyms), ksym_cmp);
}

static const struct ksym *ksym_find(struct perf_replay *rp, uint64_t addr)
{
	size_t lo;

	if (!rp->ksyms_loaded)
		load_kallsyms(rp);
	lo = fold_upto_u64(rp->ksyms, rp->nksyms, sizeof(*rp->ksyms), addr);
	if (lo == 0 || rp->ksyms[lo - 1].name == NULL)
		return NULL;
	return &rp->ksyms[lo - 1];
}

/* -------------------------------------------------------------- frames */

static int text_printf(struct perf_replay *rp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int text_printf(struct perf_replay *rp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rp->text == NULL &&
	    fold_grow(&rp->text, &rp->captext, 4096, 1) != 0)
		return -1;
	for (;;) {
		size_t room = rp->captext - rp->textlen;

		va_start(ap, fmt);
		n = vsnprintf(rp->text + rp->textlen, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < room) {
			rp->textlen += (size_t)n;
			return 0;
		}
		if (fold_grow(&rp->text, &rp->captext,
			      rp->textlen + (size_t)n + 256, 1) != 0)
			return -1;
	}
}

enum ctx { CTX_KERNEL, CTX_USER, CTX_OTHER };

/*
 * One frame as perf script prints it.  ret: a return address, named by the
 * call before it (addr - 1) but printed as itself.  raw: print the run-time
 * address, as perf 6.1 does for samples without call chains; in call
 * chains it prints user addresses as the file's (formats/README.md, "perf
 * script: frame lines").
 */
static int frame(struct perf_replay *rp, const struct task *proc,
		 enum ctx ctx, uint64_t addr, int ret, int raw)
{
	/* Hot/cold: off-CPU frames' names end in "_[o]". */
	const char *mk = rp->emitting && rp->offcpu.mark ? "_[o]" : "";

	if (ctx == CTX_KERNEL) {
		const struct ksym *k = ksym_find(rp, addr - ret);

		if (k == NULL)
			return text_printf(rp, "%" PRIx64 " [unknown]%s "
					   "([kernel.kallsyms])", addr, mk);
		return text_printf(rp, "%" PRIx64 " %s%s+0x%" PRIx64 " (%s)",
				   addr, k->name, mk, addr - k->addr,
				   fold_name(&rp->names, k->dso));
	}
	if (ctx == CTX_USER && proc != NULL) {
		const struct map *m = map_find(proc, addr - ret);

		if (m != NULL) {
			const char *path = fold_name(&rp->names, m->path);
			uint64_t off = addr - m->start + m->pgoff, vaddr, soff;
			const char *sym = NULL;

			/* perf 6.1 prints the address inside the file. */
			if (path[0] == '/' &&
			    elfsym_file_vaddr(rp->es, path, off - ret, 1,
					      &vaddr) == 0) {
				vaddr += ret;
				off = vaddr;
				sym = elfsym_perf_symbol(rp->es, path, vaddr - ret,
						    &soff);
			}
			if (raw)
				off = addr;
			if (sym != NULL)
				return text_printf(rp, "%" PRIx64 " %s%s+0x%" PRIx64
						   " (%s)", off, sym, mk, soff + ret,
						   path);
			return text_printf(rp, "%" PRIx64 " [unknown]%s (%s)",
					   off, mk, path);
		}
	}
	return text_printf(rp, "%" PRIx64 " [unknown]%s ([unknown])", addr, mk);
}

static int frame_start(struct perf_replay *rp, size_t n)
{
	if (fold_grow(&rp->frame_off, &rp->capframe_off, n + 1,
		      sizeof(*rp->frame_off)) != 0)
		return -1;
	rp->frame_off[n] = rp->textlen;
	return 0;
}

/* ------------------------------------------------------------- records */

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void bad_record(struct perf_replay *rp, const char *what, uint64_t seq)
{
	if (rp->st.bad++ == 0)
		fold_diag_warn(rp->d, "record %" PRIu64 ": malformed %s record "
			       "skipped", seq, what);
}

static int sample(struct perf_replay *rp, const unsigned char *r, size_t size,
		  uint64_t seq, perf_sample_fn fn, void *arg);

/* A field of n (4 or 8) bytes of a tracepoint's raw data, or 0. */
static uint64_t raw_field(const unsigned char *raw, uint32_t rawlen,
			  size_t off, size_t n)
{
	if (off + n > rawlen)
		return 0;
	return n == 8 ? get64(raw + off) : get32(raw + off);
}

/*
 * Task tid runs again at time: the sample that switched it out goes on as
 * off-CPU time.
 */
static int offcpu_in(struct perf_replay *rp, int32_t tid, uint64_t time,
		     perf_sample_fn fn, void *arg)
{
	struct task *t = task(rp, tid, 0);
	int rc;

	if (t == NULL || t->outlen == 0)
		return 0;
	rp->emitting = 1;
	rp->emit_period = time > t->out_time ? time - t->out_time : 0;
	rp->st.offcpu_ns += rp->emit_period;
	rc = sample(rp, t->out, t->outlen, t->out_seq, fn, arg);
	rp->emitting = 0;
	t = task(rp, tid, 0);	/* the table may have grown */
	if (t != NULL)
		t->outlen = 0;
	return rc;
}

/*
 * A sched_switch sample: next_pid runs again (its off-CPU time is known),
 * and prev_pid is held until it does, when it blocked (prev_state has a
 * state bit: S, D ...) or, with all, also when preempted (R, R+).  Since
 * Linux 4.14 prev_state is 0 or a TASK_REPORT bit (S 0x1 ... I 0x80),
 * with TASK_REPORT_MAX (0x100) added when preempted; before, the raw task
 * state, whose low byte is also 0 for a preempted task.
 */
static int offcpu_switch(struct perf_replay *rp, const unsigned char *r,
			 size_t size, uint64_t seq, uint64_t time,
			 const unsigned char *raw, uint32_t rawlen,
			 perf_sample_fn fn, void *arg)
{
	const struct perf_replay_offcpu *oc = &rp->offcpu;
	int32_t prev = (int32_t)raw_field(raw, rawlen, oc->prev_pid, 4);
	int32_t next = (int32_t)raw_field(raw, rawlen, oc->next_pid, 4);
	uint64_t state = raw_field(raw, rawlen, oc->prev_state, oc->state_size);
	struct task *t;
	int rc;

	if (oc->next_pid + 4 > rawlen || oc->prev_pid + 4 > rawlen) {
		bad_record(rp, "sched_switch", seq);
		return 0;
	}
	if (next > 0 && (rc = offcpu_in(rp, next, time, fn, arg)) != 0)
		return rc;
	/* The idle task is never waiting for anything. */
	if (prev <= 0 || (!(state & 0xff) && !oc->all))
		return 0;
	if ((t = task(rp, prev, 1)) == NULL ||
	    fold_grow(&t->out, &t->outcap, size, 1) != 0) {
		fold_diag_error(rp->d, "out of memory");
		return -1;
	}
	memcpy(t->out, r, size);
	t->outlen = size;
	t->out_time = time;
	t->out_seq = seq;
	return 0;
}

static int sample(struct perf_replay *rp, const unsigned char *r, size_t size,
		  uint64_t seq, perf_sample_fn fn, void *arg)
{
	uint64_t t = rp->o.sample_type, ip = 0, time = 0, period = 0, nr = 0;
	const unsigned char *p = r + 8, *end = r + size, *chain = NULL;
	const unsigned char *raw = NULL;
	uint32_t rawlen = 0;
	const struct perf_replay_event *ev = NULL;
	const char *evname = rp->o.event;
	uint16_t misc;
	int32_t pid = -1, tid = -1, cpu = -1;
	struct perf_sample s;
	const struct task *thr, *proc;
	size_t nf = 0, i;
	enum ctx ctx;
	char comm[32];
	int ret = 0;

	memcpy(&misc, r + 4, 2);
#define NEED(n) do { if ((size_t)(end - p) < (n)) goto bad; } while (0)
	if (t & PERF_SAMPLE_IDENTIFIER) {
		NEED(8);
		ev = event_of(rp, get64(p));
		p += 8;
	} else if (rp->nevents > 0) {
		ev = &rp->events[0];
	}
	if (rp->nevents > 0) {
		if (ev == NULL)
			goto bad;
		t = ev->sample_type;
		evname = ev->name;
	}
	if (t & PERF_SAMPLE_IP) { NEED(8); ip = get64(p); p += 8; }
	if (t & PERF_SAMPLE_TID) {
		NEED(8);
		pid = (int32_t)get32(p);
		tid = (int32_t)get32(p + 4);
		p += 8;
	}
	if (t & PERF_SAMPLE_TIME) { NEED(8); time = get64(p); p += 8; }
	if (t & PERF_SAMPLE_ADDR) { NEED(8); p += 8; }
	if (t & PERF_SAMPLE_ID) { NEED(8); p += 8; }
	if (t & PERF_SAMPLE_STREAM_ID) { NEED(8); p += 8; }
	if (t & PERF_SAMPLE_CPU) { NEED(8); cpu = (int32_t)get32(p); p += 8; }
	if (t & PERF_SAMPLE_PERIOD) { NEED(8); period = get64(p); p += 8; }
	if (t & PERF_SAMPLE_READ)
		goto bad;	/* never asked for */
	if (t & PERF_SAMPLE_CALLCHAIN) {
		NEED(8);
		nr = get64(p);
		p += 8;
		if (nr > (size_t)(end - p) / 8)
			goto bad;
		chain = p;
		p += nr * 8;
	}
	if (t & PERF_SAMPLE_RAW) {
		NEED(4);
		rawlen = get32(p);
		p += 4;
		NEED(rawlen);
		raw = p;
	}
#undef NEED
	if (ev != NULL && ev->offcpu && rp->has_offcpu && !rp->emitting)
		return offcpu_switch(rp, r, size, seq, time, raw, rawlen, fn, arg);
	if (rp->emitting) {
		period = rp->emit_period;
		t |= PERF_SAMPLE_PERIOD;
		evname = "offcpu-time";
	}
	rp->textlen = 0;
	proc = task(rp, pid, 0);
	ctx = (misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL ?
	      CTX_KERNEL :
	      (misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_USER ?
	      CTX_USER : CTX_OTHER;
	if (chain != NULL) {
		for (i = 0; i < nr; i++) {
			uint64_t a = get64(chain + 8 * i);

			if (a >= (uint64_t)PERF_CONTEXT_MAX) {
				ctx = a == (uint64_t)PERF_CONTEXT_KERNEL ? CTX_KERNEL :
				      a == (uint64_t)PERF_CONTEXT_USER ? CTX_USER :
									 CTX_OTHER;
				ret = 0;
				continue;
			}
			if (frame_start(rp, nf) != 0 ||
			    frame(rp, proc, ctx, a, ret && a > 0, 0) != 0)
				goto nomem;
			nf++;
			ret = 1;
		}
	} else if (t & PERF_SAMPLE_IP) {
		if (frame_start(rp, nf) != 0 || frame(rp, proc, ctx, ip, 0, 1) != 0)
			goto nomem;
		nf++;
	}
	if (fold_grow(&rp->frames, &rp->capframes, nf + 1, sizeof(*rp->frames)) ||
	    frame_start(rp, nf) != 0)
		goto nomem;
	for (i = 0; i < nf; i++) {
		memset(&rp->frames[i], 0, sizeof(rp->frames[i]));
		rp->frames[i].text = rp->text + rp->frame_off[i];
		rp->frames[i].len = rp->frame_off[i + 1] - rp->frame_off[i];
	}
	memset(&s, 0, sizeof(s));
	thr = task(rp, tid, 0);
	if (thr != NULL && thr->comm != FOLD_NOID) {
		s.comm = fold_name(&rp->names, thr->comm);
		s.comm_len = fold_name_len(&rp->names, thr->comm);
	} else {
		/* perf's names for threads it never heard of. */
		snprintf(comm, sizeof(comm), tid == 0 ? "swapper" : ":%d", tid);
		s.comm = comm;
		s.comm_len = strlen(comm);
	}
	s.file = "<recording>";
	s.line = seq;
	s.pid = pid;
	s.tid = tid;
	s.cpu = cpu;
	s.has_time = (t & PERF_SAMPLE_TIME) != 0;
	s.time_ns = time;
	s.has_period = (t & PERF_SAMPLE_PERIOD) != 0;
	s.period = period;
	s.event = evname;
	s.event_len = strlen(evname);
	s.one_line = chain == NULL;
	s.frames = rp->frames;
	s.nframes = nf;
	rp->st.samples++;
	return fn(arg, &s);
bad:
	bad_record(rp, "SAMPLE", seq);
	return 0;
nomem:
	fold_diag_error(rp->d, "out of memory");
	return -1;
}

/* The file name of an MMAP/MMAP2 record, NUL within the record. */
static const char *rec_name(const unsigned char *p, const unsigned char *end,
			    size_t *len)
{
	const unsigned char *z = memchr(p, '\0', (size_t)(end - p));

	if (p >= end || z == NULL)
		return NULL;
	*len = (size_t)(z - p);
	return (const char *)p;
}

static int record(struct perf_replay *rp, const unsigned char *r, size_t size,
		  uint64_t seq, perf_sample_fn fn, void *arg)
{
	uint32_t type = get32(r);
	uint16_t misc;
	const unsigned char *p = r + 8, *end;
	struct task *t;

	memcpy(&misc, r + 4, 2);
	if (type == PERF_RECORD_SAMPLE)
		return sample(rp, r, size, seq, fn, arg);
	if (size < 8 + rp->trailer)
		goto bad;
	end = r + size - rp->trailer;
	switch (type) {
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2: {
		int two = type == PERF_RECORD_MMAP2;
		size_t fixed = 32 + (two ? 32 : 0), len;
		uint64_t addr, mlen, pgoff;
		const char *name;
		int32_t pid;

		if ((size_t)(end - p) < fixed + 1)
			goto bad;
		pid = (int32_t)get32(p);
		addr = get64(p + 8);
		mlen = get64(p + 16);
		pgoff = get64(p + 24);
		/* MMAP2: prot at 56; only executable mappings matter. */
		if (two && !(get32(p + 56) & PROT_EXEC))
			return 0;
		if ((name = rec_name(p + fixed, end, &len)) == NULL)
			goto bad;
		if (pid <= 0 || (misc & PERF_RECORD_MISC_CPUMODE_MASK) ==
				PERF_RECORD_MISC_KERNEL || addr + mlen < addr)
			return 0;
		t = task(rp, pid, 1);
		if (t == NULL || map_add(t, addr, addr + mlen, pgoff,
					 fold_intern(&rp->names, name, len)) != 0)
			goto nomem;
		return 0;
	}
	case PERF_RECORD_COMM: {
		size_t len;
		const char *name;

		if ((size_t)(end - p) < 9 ||
		    (name = rec_name(p + 8, end, &len)) == NULL)
			goto bad;
		set_comm(rp, (int32_t)get32(p + 4), name, len);
		/* An exec replaces the whole address space. */
		if ((misc & PERF_RECORD_MISC_COMM_EXEC) &&
		    (t = task(rp, (int32_t)get32(p), 0)) != NULL)
			t->nmaps = 0;
		return 0;
	}
	case PERF_RECORD_FORK: {
		int32_t pid, ppid, tid, ptid;
		struct task *parent, *child;

		if ((size_t)(end - p) < 24)
			goto bad;
		pid = (int32_t)get32(p);
		ppid = (int32_t)get32(p + 4);
		tid = (int32_t)get32(p + 8);
		ptid = (int32_t)get32(p + 12);
		if ((child = task(rp, tid, 1)) == NULL)
			goto nomem;
		parent = task(rp, ptid, 0);
		child->comm = parent != NULL ? parent->comm : FOLD_NOID;
		/* A new process starts with a copy of its parent's maps. */
		if (pid != ppid && pid == tid &&
		    maps_copy(child, task(rp, ppid, 0)) != 0)
			goto nomem;
		return 0;
	}
	case PERF_RECORD_LOST:
		if ((size_t)(end - p) < 16)
			goto bad;
		rp->st.lost += get64(p + 8);
		return 0;
	case PERF_RECORD_LOST_SAMPLES:
		if ((size_t)(end - p) < 8)
			goto bad;
		rp->st.lost += get64(p);
		return 0;
	case PERF_RECORD_THROTTLE:
		rp->st.throttled++;
		return 0;
	case PERF_RECORD_SWITCH:
		/* A followed task runs again (fg-record --off-cpu). */
		if (!rp->has_offcpu || (misc & PERF_RECORD_MISC_SWITCH_OUT) ||
		    !(rp->o.sample_type & PERF_SAMPLE_TID) ||
		    !(rp->o.sample_type & PERF_SAMPLE_TIME))
			return 0;
		return offcpu_in(rp, (int32_t)get32(end + 4),
				 get64(end + rp->trailer_time), fn, arg);
	default:
		return 0;	/* EXIT, UNTHROTTLE and what we never asked for */
	}
bad:
	bad_record(rp, "side-band", seq);
	return 0;
nomem:
	fold_diag_error(rp->d, "out of memory");
	return -1;
}

/* --------------------------------------------------------------- queue */

/* When the record happened: its TIME, or the sample_id trailer's. */
static uint64_t rec_time(const struct perf_replay *rp, const unsigned char *r,
			 size_t size, int *ok)
{
	uint32_t type = get32(r);

	*ok = 0;
	if (type == PERF_RECORD_SAMPLE) {
		if (rp->sample_time_off == 0 || size < rp->sample_time_off + 8)
			return 0;
		*ok = 1;
		return get64(r + rp->sample_time_off);
	}
	if (!(rp->o.sample_type & PERF_SAMPLE_TIME) || size < 8 + rp->trailer)
		return 0;
	*ok = 1;
	return get64(r + size - rp->trailer + rp->trailer_time);
}

int perf_replay_add(struct perf_replay *rp, const void *rec, size_t size)
{
	struct qent *e;
	int ok;

	if (size < 8 || size > 65535) {
		bad_record(rp, "short", rp->seq);
		return 0;
	}
	if (fold_grow(&rp->buf, &rp->cap, rp->len + size, 1) != 0 ||
	    fold_grow(&rp->q, &rp->capq, rp->nq + 1, sizeof(*rp->q)) != 0) {
		fold_diag_error(rp->d, "out of memory");
		return -1;
	}
	memcpy(rp->buf + rp->len, rec, size);
	e = &rp->q[rp->nq++];
	e->off = rp->len;
	e->seq = rp->seq++;
	e->time = rec_time(rp, rp->buf + rp->len, size, &ok);
	/* Without a time it goes where it came: just after what is out. */
	if (!ok)
		e->time = rp->last;
	if (e->time > rp->round_max)
		rp->round_max = e->time;
	rp->len += size;
	rp->st.records++;
	return 0;
}

static int qent_cmp(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int perf_replay_flush(struct perf_replay *rp, int final, perf_sample_fn fn,
		      void *arg)
{
	uint64_t limit = final ? UINT64_MAX : rp->limit;
	size_t i, keep, len2 = 0;
	int rc = 0;

	if (rp->nq > 1)
		qsort(rp->q, rp->nq, sizeof(*rp->q), qent_cmp);
	for (i = 0; i < rp->nq && rp->q[i].time <= limit; i++) {
		const unsigned char *r = rp->buf + rp->q[i].off;
		uint16_t size;

		memcpy(&size, r + 6, 2);
		if (rp->q[i].time < rp->last)
			rp->st.late++;
		else
			rp->last = rp->q[i].time;
		if ((rc = record(rp, r, size, rp->q[i].seq, fn, arg)) != 0) {
			i++;
			break;
		}
	}
	/* What must wait for the next round moves to the front. */
	keep = i;
	if (fold_grow(&rp->buf2, &rp->cap2, rp->len, 1) != 0) {
		fold_diag_error(rp->d, "out of memory");
		return -1;
	}
	for (i = keep; i < rp->nq; i++) {
		const unsigned char *r = rp->buf + rp->q[i].off;
		uint16_t size;

		memcpy(&size, r + 6, 2);
		memcpy(rp->buf2 + len2, r, size);
		rp->q[i - keep] = rp->q[i];
		rp->q[i - keep].off = len2;
		len2 += size;
	}
	rp->nq -= keep;
	{
		unsigned char *b = rp->buf;
		size_t c = rp->cap;

		rp->buf = rp->buf2;
		rp->cap = rp->cap2;
		rp->buf2 = b;
		rp->cap2 = c;
	}
	rp->len = len2;
	rp->limit = rp->round_max;
	return rc;
}

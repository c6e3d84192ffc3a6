/*
 * perf_event.c - sampling events and their ring buffers (formats/README.md,
 * "perf_event recording (fg-record)").
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "formats/perf/perf_event.h"

#define MAXCPU 4096

struct ring {
	int fd;
	int cpu;
	struct perf_event_mmap_page *page;	/* page 0 of the mapping */
	unsigned char *data;
	uint64_t size;				/* data area, a power of 2 */
	size_t maplen;
};

struct perfev {
	int *fds;		/* every event, ring owners included */
	size_t nfds;
	struct perfev_opened *opened;	/* per event, for perfev_info */
	uint64_t *ids;			/* with several events: fds' ids */
	uint32_t *id_event;
	struct ring *rings;
	size_t nrings;
	struct pollfd *pfd;
	unsigned char *tmp;	/* a record that wraps, put back together */
};

static int sys_perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

int perfev_cpulist(const char *s, unsigned char *set, int max)
{
	int n = 0;

	memset(set, 0, (size_t)max);
	while (*s != '\0' && *s != '\n') {
		char *end;
		long a, b;

		if (*s < '0' || *s > '9')
			return -1;
		a = b = strtol(s, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			b = strtol(end + 1, &end, 10);
		}
		if (a > b || b >= max)
			return -1;
		for (; a <= b; a++)
			if (!set[a]) {
				set[a] = 1;
				n++;
			}
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != '\n')
			return -1;
	}
	return n;
}

/* The online CPUs; -1 when sysfs does not say. */
static int online_cpus(unsigned char *set)
{
	char buf[4096];
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = -1;

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL)
			n = perfev_cpulist(buf, set, MAXCPU);
		fclose(f);
	}
	if (n <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		if (c <= 0 || c > MAXCPU)
			return -1;
		memset(set, 0, MAXCPU);
		memset(set, 1, (size_t)c);
		n = (int)c;
	}
	return n;
}

static int paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = 99;

	if (f == NULL)
		return 99;
	if (fscanf(f, "%d", &v) != 1)
		v = 99;
	fclose(f);
	return v;
}

/* The one line that says what to change when the kernel said no. */
static void denied(char *err, size_t n, int e, const struct perfev_opts *o,
		   int kernel)
{
	int p = paranoid();
	const char *what = o->all_cpus ? "system-wide recording (-a, -C) is" :
			   kernel ? "kernel samples are" : "recording is";
	int need = o->all_cpus ? 0 : kernel ? 1 : 2;

	if (e == ENOSYS || p == 99) {
		snprintf(err, n, "this kernel has no perf_event support "
			 "(perf_event_open: %s)", strerror(e));
		return;
	}
	snprintf(err, n, "%s not permitted (kernel.perf_event_paranoid "
		 "is %d): run as root or with CAP_PERFMON, or set "
		 "kernel.perf_event_paranoid to %d or lower", what, p, need);
}

/* perf's names for the generic events (perf list: "Hardware event" ...). */
static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} generic[] = {
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
};

/* Where tracefs may be, as perf looks: its own mount, then debugfs's. */
static const char *const tracefs_roots[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
};

int perfev_tracepoint_dir(const char *tp, char *dir, size_t dirlen,
			  char *err, size_t errlen)
{
	const char *colon = strchr(tp, ':');
	size_t i, n = strlen(tp);
	int root = -1, e = 0;

	/* SUBSYS:NAME of word characters only: no path tricks. */
	if (colon == NULL || colon == tp || colon[1] == '\0' ||
	    strchr(colon + 1, ':') != NULL || n > 200) {
		snprintf(err, errlen, "'%s' is not a tracepoint (SUBSYS:NAME)", tp);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (tp[i] != ':' && tp[i] != '_' && tp[i] != '-' &&
		    !(tp[i] >= 'a' && tp[i] <= 'z') &&
		    !(tp[i] >= 'A' && tp[i] <= 'Z') && !(tp[i] >= '0' && tp[i] <= '9')) {
			snprintf(err, errlen, "'%s' is not a tracepoint "
				 "(SUBSYS:NAME)", tp);
			return -1;
		}
	for (i = 0; i < sizeof(tracefs_roots) / sizeof(*tracefs_roots); i++) {
		char events[64];

		snprintf(events, sizeof(events), "%s/events", tracefs_roots[i]);
		if (access(events, F_OK) == 0) {
			root = (int)i;
			if (access(events, R_OK | X_OK) != 0)
				e = errno;
			break;
		}
	}
	if (root < 0) {
		snprintf(err, errlen, "tracepoints need tracefs, which is not "
			 "mounted: mount -t tracefs nodev /sys/kernel/tracing");
		return -1;
	}
	if (e != 0) {
		snprintf(err, errlen, "cannot read %s/events: %s (tracepoints "
			 "need root, or tracefs mounted with a group you are in: "
			 "mount -o remount,gid=GID %s)", tracefs_roots[root],
			 strerror(e), tracefs_roots[root]);
		return -1;
	}
	snprintf(dir, dirlen, "%s/events/%.*s/%s", tracefs_roots[root],
		 (int)(colon - tp), tp, colon + 1);
	if (access(dir, F_OK) != 0) {
		snprintf(err, errlen, "no tracepoint %s here (see %s/events, or "
			 "perf list tracepoint)", tp, tracefs_roots[root]);
		return -1;
	}
	return 0;
}

/* The whole of a small tracefs file, NUL-terminated; -1 with errno. */
static ssize_t read_small(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)got + 1 < n &&
	       (r = read(fd, buf + got, n - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	buf[got] = '\0';
	return got;
}

int perfev_tracepoint_field(const char *dir, const char *field,
			    size_t *offset, size_t *size)
{
	char path[512], *buf, *p;
	size_t k = strlen(field);
	int rc = -1;

	if ((buf = malloc(65536)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/format", dir);
	if (read_small(path, buf, 65536) < 0) {
		free(buf);
		return -1;
	}
	/* "\tfield:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;" */
	for (p = buf; (p = strstr(p, "field:")) != NULL; p++) {
		char *semi = strchr(p, ';'), *name;
		unsigned long off, sz;

		if (semi == NULL)
			break;
		for (name = semi; name > p && name[-1] != ' '; name--)
			;
		if ((size_t)(semi - name) != k || memcmp(name, field, k) != 0)
			continue;
		if (sscanf(semi, "; offset:%lu; size:%lu;", &off, &sz) == 2) {
			*offset = off;
			*size = sz;
			rc = 0;
		}
		break;
	}
	free(buf);
	return rc;
}

int perfev_event_parse(const char *name, struct perfev_event *e, char *err,
		       size_t errlen)
{
	char dir[400], path[450], buf[64];
	size_t i;

	memset(e, 0, sizeof(*e));
	if (strlen(name) >= sizeof(e->name))
		return 1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	for (i = 0; i < sizeof(generic) / sizeof(*generic); i++)
		if (strcmp(name, generic[i].name) == 0) {
			e->type = generic[i].type;
			e->config = generic[i].config;
			return 0;
		}
	if (strchr(name, ':') == NULL)
		return 1;
	if (perfev_tracepoint_dir(name, dir, sizeof(dir), err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/id", dir);
	if (read_small(path, buf, sizeof(buf)) <= 0) {
		snprintf(err, errlen, "cannot read %s: %s (tracepoints need "
			 "root)", path, strerror(errno));
		return -1;
	}
	e->type = PERF_TYPE_TRACEPOINT;
	e->config = strtoull(buf, NULL, 10);
	return 0;
}

/*
 * Event k's attributes.  fallback: a hardware event taken as cpu-clock.
 * Only the first event asks for the side-band records (mappings, names,
 * forks), so they come once.  Tracepoints fire in the kernel: --user-only
 * and --kernel-only cut their call chains, not their samples.
 */
static void attr_init(struct perf_event_attr *a, const struct perfev_opts *o,
		      size_t k, int fallback)
{
	const struct perfev_event *e = &o->events[k];
	int tp = e->type == PERF_TYPE_TRACEPOINT;

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = fallback ? PERF_TYPE_SOFTWARE : e->type;
	a->config = fallback ? PERF_COUNT_SW_CPU_CLOCK : e->config;
	if (o->period > 0 || tp) {
		a->sample_period = o->period > 0 ? o->period : 1;
	} else {
		a->freq = 1;
		a->sample_freq = o->freq;
	}
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (o->nevents > 1)
		a->sample_type |= PERF_SAMPLE_IDENTIFIER;
	if (o->callchain)
		a->sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (e->raw)
		a->sample_type |= PERF_SAMPLE_RAW;
	a->sample_max_stack = (uint16_t)o->max_stack;
	a->context_switch = e->context_switch;
	a->disabled = 1;
	a->inherit = o->command > 0 || o->inherit;
	a->enable_on_exec = o->command > 0;
	a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = k == 0;
	a->sample_id_all = 1;
	if (tp) {
		a->exclude_callchain_kernel = o->user_only;
		a->exclude_callchain_user = o->kernel_only;
	} else {
		a->exclude_kernel = o->user_only;
		a->exclude_hv = o->user_only;
		a->exclude_user = o->kernel_only;
	}
	/* Wake the reader when a quarter of a buffer is full. */
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)((size_t)o->pages *
					 (size_t)sysconf(_SC_PAGESIZE) / 4);
}

/*
 * Open event k the first time, settling the attributes its other fds get:
 * a hardware event falls back to cpu-clock where there is no PMU, and
 * kernel samples are dropped where they are not allowed, as perf does
 * (formats/README.md, "perf_event: permissions", "perf_event: cycles
 * fallback").  The fd, or -1 with err set.
 */
static int open_settle(struct perf_event_attr *a, const struct perfev_opts *o,
		       size_t k, struct perfev_info *info, pid_t pid, int cpu,
		       char *err, size_t n)
{
	const struct perfev_event *ev = &o->events[k];
	int tp = ev->type == PERF_TYPE_TRACEPOINT, fallback = 0;

	for (;;) {
		int fd, e;

		attr_init(a, o, k, fallback);
		if (info->user_fallback && !tp) {
			a->exclude_kernel = 1;
			a->exclude_hv = 1;
		}
		fd = sys_perf_event_open(a, pid, cpu);
		if (fd >= 0) {
			info->events[k].fell_back = fallback;
			return fd;
		}
		e = errno;
		if (ev->type == PERF_TYPE_HARDWARE && !fallback &&
		    (e == ENOENT || e == ENXIO || e == ENODEV ||
		     e == EOPNOTSUPP)) {
			fallback = 1;
			continue;
		}
		if ((e == EACCES || e == EPERM) && !tp && !a->exclude_kernel &&
		    !o->kernel_only && !o->all_cpus) {
			info->user_fallback = 1;
			continue;
		}
		if ((e == EACCES || e == EPERM) && tp)
			snprintf(err, n, "tracepoint %s is not permitted "
				 "(kernel.perf_event_paranoid is %d): run as root "
				 "or with CAP_PERFMON, or set "
				 "kernel.perf_event_paranoid to -1", ev->name,
				 paranoid());
		else if (e == EACCES || e == EPERM || e == ENOSYS)
			denied(err, n, e, o, o->kernel_only);
		else if (e == ESRCH)
			snprintf(err, n, "no such process or thread: %d",
				 (int)pid);
		else if (e == EMFILE)
			snprintf(err, n, "too many open files (one event per "
				 "CPU and thread): raise ulimit -n");
		else if (e == EOVERFLOW && o->max_stack > 0)
			snprintf(err, n, "--max-stack=%u is above "
				 "kernel.perf_event_max_stack", o->max_stack);
		else if (e == EINVAL && o->freq > 1000 && !o->period && !tp)
			snprintf(err, n, "perf_event_open: %s (is -F %u above "
				 "kernel.perf_event_max_sample_rate?)",
				 strerror(e), o->freq);
		else
			snprintf(err, n, "perf_event_open of %s (pid %d, cpu %d): "
				 "%s", ev->name, (int)pid, cpu, strerror(e));
		return -1;
	}
}

static int map_ring(struct perfev *ev, int fd, int cpu, unsigned pages,
		    char *err, size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (1 + (size_t)pages) * pg;
	struct ring *r = &ev->rings[ev->nrings];
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		if (errno == EPERM || errno == ENOMEM)
			snprintf(err, n, "cannot map a %zu KiB ring buffer: %s "
				 "(give a smaller -m, or raise "
				 "kernel.perf_event_mlock_kb)", len / 1024,
				 strerror(errno));
		else
			snprintf(err, n, "mmap of the ring buffer: %s",
				 strerror(errno));
		return -1;
	}
	r->fd = fd;
	r->cpu = cpu;
	r->page = m;
	r->data = (unsigned char *)m + pg;
	r->size = (uint64_t)pages * pg;
	r->maplen = len;
	ev->nrings++;
	return 0;
}

/* How perf script names event k as opened: "cpu-clock:u". */
static void set_info(struct perfev_info *info, const struct perfev_opts *o,
		     size_t k, const struct perf_event_attr *a)
{
	const char *mod = a->exclude_kernel ? ":u" : a->exclude_user ? ":k" : "";

	snprintf(info->events[k].name, sizeof(info->events[k].name), "%s%s",
		 info->events[k].fell_back ? "cpu-clock" : o->events[k].name,
		 mod);
	info->events[k].sample_type = a->sample_type;
	info->sample_type = a->sample_type & ~(uint64_t)PERF_SAMPLE_RAW;
}

/* Open event k for pid on cpu, with attr[k] once it is settled. */
static int open_one(struct perfev *ev, const struct perfev_opts *o, size_t k,
		    struct perf_event_attr *attr, int *settled,
		    struct perfev_info *info, pid_t pid, int cpu, char *err,
		    size_t errlen)
{
	int fd, e;

	if (!settled[k]) {
		fd = open_settle(&attr[k], o, k, info, pid, cpu, err, errlen);
		if (fd < 0)
			return -1;
		settled[k] = 1;
		set_info(info, o, k, &attr[k]);
	} else if ((fd = sys_perf_event_open(&attr[k], pid, cpu)) < 0) {
		e = errno;
		snprintf(err, errlen, "perf_event_open of %s (pid %d, cpu %d): %s",
			 o->events[k].name, (int)pid, cpu,
			 e == ESRCH ? "no such process" : strerror(e));
		errno = e;
		return -1;
	}
	ev->fds[ev->nfds] = fd;
	if (o->nevents > 1) {
		if (ioctl(fd, PERF_EVENT_IOC_ID, &ev->ids[ev->nfds]) != 0) {
			snprintf(err, errlen, "PERF_EVENT_IOC_ID: %s",
				 strerror(errno));
			close(fd);
			errno = EINVAL;
			return -1;
		}
		ev->id_event[ev->nfds] = (uint32_t)k;
	}
	ev->nfds++;
	return fd;
}

struct perfev *perfev_open(const struct perfev_opts *o, struct perfev_info *info,
			   char *err, size_t errlen)
{
	unsigned char online[MAXCPU], want[MAXCPU];
	struct perf_event_attr *attr = NULL;
	int *settled = NULL;
	struct perfev *ev;
	size_t ntask, ncpu = 0, nmax, i, t, k;
	int c;

	memset(info, 0, sizeof(*info));
	if (o->nevents == 0) {
		snprintf(err, errlen, "no event to record");
		return NULL;
	}
	if (o->pages == 0 || (o->pages & (o->pages - 1)) != 0) {
		snprintf(err, errlen, "the ring buffer size must be a power "
			 "of 2 pages, not %u", o->pages);
		return NULL;
	}
	if (online_cpus(online) < 0) {
		snprintf(err, errlen, "cannot tell which CPUs are online");
		return NULL;
	}
	if (o->cpus != NULL) {
		if (perfev_cpulist(o->cpus, want, MAXCPU) <= 0) {
			snprintf(err, errlen, "bad CPU list '%s'", o->cpus);
			return NULL;
		}
		for (c = 0; c < MAXCPU; c++)
			if (want[c] && !online[c]) {
				snprintf(err, errlen, "CPU %d is not online", c);
				return NULL;
			}
	} else {
		memcpy(want, online, sizeof(want));
	}
	for (c = 0; c < MAXCPU; c++)
		ncpu += want[c];
	ntask = o->command > 0 || o->all_cpus ? 1 : o->ntids;
	nmax = ncpu * ntask * o->nevents;
	ev = calloc(1, sizeof(*ev));
	if (ev == NULL || (ev->fds = calloc(nmax, sizeof(int))) == NULL ||
	    (ev->ids = calloc(nmax, sizeof(*ev->ids))) == NULL ||
	    (ev->id_event = calloc(nmax, sizeof(*ev->id_event))) == NULL ||
	    (ev->opened = calloc(o->nevents, sizeof(*ev->opened))) == NULL ||
	    (attr = calloc(o->nevents, sizeof(*attr))) == NULL ||
	    (settled = calloc(o->nevents, sizeof(*settled))) == NULL ||
	    (ev->rings = calloc(ncpu, sizeof(struct ring))) == NULL ||
	    (ev->pfd = calloc(ncpu, sizeof(struct pollfd))) == NULL ||
	    (ev->tmp = malloc(65536)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	info->events = ev->opened;
	for (c = 0; c < MAXCPU; c++) {
		int owner = -1;

		if (!want[c])
			continue;
		for (t = 0; t < ntask; t++) {
			pid_t pid = o->command > 0 ? o->command :
				    o->all_cpus ? -1 : o->tids[t];

			for (k = 0; k < o->nevents; k++) {
				int fd = open_one(ev, o, k, attr, settled, info,
						  pid, c, err, errlen);

				/* A thread of -p may end while we open. */
				if (fd < 0 && errno == ESRCH && ntask > 1 &&
				    settled[k])
					break;
				if (fd < 0)
					goto fail;
				/* One ring per CPU; the CPU's other events feed it. */
				if (owner < 0) {
					if (map_ring(ev, fd, c, o->pages, err,
						     errlen))
						goto fail;
					owner = fd;
				} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT,
						 owner)) {
					snprintf(err, errlen,
						 "PERF_EVENT_IOC_SET_OUTPUT: %s",
						 strerror(errno));
					goto fail;
				}
			}
		}
	}
	for (i = 0; i < ev->nrings; i++) {
		ev->pfd[i].fd = ev->rings[i].fd;
		ev->pfd[i].events = POLLIN;
	}
	if (o->nevents > 1) {
		info->ids = ev->ids;
		info->id_event = ev->id_event;
		info->nids = ev->nfds;
	}
	info->nrings = ev->nrings;
	free(attr);
	free(settled);
	return ev;
fail:
	free(attr);
	free(settled);
	perfev_close(ev);
	info->events = NULL;
	return NULL;
}

int perfev_enable(struct perfev *ev, int on)
{
	size_t i;

	for (i = 0; i < ev->nfds; i++)
		if (ioctl(ev->fds[i], on ? PERF_EVENT_IOC_ENABLE :
					   PERF_EVENT_IOC_DISABLE, 0) != 0)
			return -1;
	return 0;
}

int perfev_drain(struct perfev *ev, perfev_record_fn fn, void *arg,
		 char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < ev->nrings; i++) {
		struct ring *r = &ev->rings[i];
		/* The kernel's writes to the data are visible after this. */
		uint64_t head = __atomic_load_n(&r->page->data_head,
						__ATOMIC_ACQUIRE);
		uint64_t tail = r->page->data_tail;
		int rc = 0;

		while (tail < head) {
			uint64_t off = tail & (r->size - 1);
			struct perf_event_header h;
			const unsigned char *p = r->data + off;

			/* Records are 8-byte aligned: a header never wraps. */
			memcpy(&h, p, sizeof(h));
			if (h.size < sizeof(h) || h.size > head - tail ||
			    h.size % 8 != 0) {
				snprintf(err, errlen, "ring buffer of CPU %d: "
					 "bad record size %u at byte %llu",
					 r->cpu, h.size,
					 (unsigned long long)tail);
				return -1;
			}
			if (off + h.size > r->size) {
				size_t first = (size_t)(r->size - off);

				memcpy(ev->tmp, p, first);
				memcpy(ev->tmp + first, r->data, h.size - first);
				p = ev->tmp;
			}
			rc = fn(arg, p, h.size);
			tail += h.size;
			if (rc != 0)
				break;
		}
		/* Our reads are done before the kernel may reuse the space. */
		__atomic_store_n(&r->page->data_tail, tail, __ATOMIC_RELEASE);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int perfev_wait(struct perfev *ev, int timeout_ms)
{
	size_t i;
	int n = poll(ev->pfd, ev->nrings, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	/*
	 * A ring whose event's task has exited reports POLLHUP for good;
	 * stop polling it (it is still drained) so poll does not spin.
	 */
	for (i = 0; i < ev->nrings; i++)
		if (ev->pfd[i].revents & (POLLHUP | POLLERR))
			ev->pfd[i].fd = -1;
	return 0;
}

void perfev_close(struct perfev *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nrings; i++)
		munmap(ev->rings[i].page, ev->rings[i].maplen);
	for (i = 0; i < ev->nfds; i++)
		close(ev->fds[i]);
	free(ev->fds);
	free(ev->ids);
	free(ev->id_event);
	free(ev->opened);
	free(ev->rings);
	free(ev->pfd);
	free(ev->tmp);
	free(ev);
}

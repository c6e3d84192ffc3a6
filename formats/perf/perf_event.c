/*
 * perf_event.c - sampling events and their ring buffers (formats/README.md,
 * "perf_event recording (fg-record)").
 */
#include <errno.h>
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

static void attr_init(struct perf_event_attr *a, const struct perfev_opts *o,
		      int hw)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
	a->config = hw ? PERF_COUNT_HW_CPU_CYCLES :
		    o->event == PERFEV_TASK_CLOCK ? PERF_COUNT_SW_TASK_CLOCK :
						    PERF_COUNT_SW_CPU_CLOCK;
	a->freq = 1;
	a->sample_freq = o->freq;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (o->callchain)
		a->sample_type |= PERF_SAMPLE_CALLCHAIN;
	a->disabled = 1;
	a->inherit = o->command > 0 || o->inherit;
	a->enable_on_exec = o->command > 0;
	a->mmap = 1;
	a->mmap2 = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->sample_id_all = 1;
	a->exclude_kernel = o->user_only;
	a->exclude_hv = o->user_only;
	a->exclude_user = o->kernel_only;
	/* Wake the reader when a quarter of a buffer is full. */
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)((size_t)o->pages *
					 (size_t)sysconf(_SC_PAGESIZE) / 4);
}

/*
 * Open the first event, settling the attributes every other event gets:
 * cycles falls back to cpu-clock where there is no PMU, and kernel samples
 * are dropped where they are not allowed, as perf does (formats/README.md,
 * "perf_event: permissions", "perf_event: cycles fallback").  The fd, or -1
 * with err set.
 */
static int open_first(struct perf_event_attr *a, const struct perfev_opts *o,
		      struct perfev_info *info, pid_t pid, int cpu,
		      char *err, size_t n)
{
	int hw = o->event == PERFEV_CYCLES;

	for (;;) {
		int fd, e;

		attr_init(a, o, hw);
		if (info->user_fallback) {
			a->exclude_kernel = 1;
			a->exclude_hv = 1;
		}
		fd = sys_perf_event_open(a, pid, cpu);
		if (fd >= 0)
			return fd;
		e = errno;
		if (hw && (e == ENOENT || e == ENXIO || e == ENODEV ||
			   e == EOPNOTSUPP)) {
			hw = 0;
			info->fell_back = 1;
			continue;
		}
		if ((e == EACCES || e == EPERM) && !a->exclude_kernel &&
		    !o->kernel_only && !o->all_cpus) {
			info->user_fallback = 1;
			continue;
		}
		if (e == EACCES || e == EPERM || e == ENOSYS)
			denied(err, n, e, o, o->kernel_only);
		else if (e == ESRCH)
			snprintf(err, n, "no such process or thread: %d",
				 (int)pid);
		else if (e == EMFILE)
			snprintf(err, n, "too many open files (one event per "
				 "CPU and thread): raise ulimit -n");
		else if (e == EINVAL && o->freq > 1000)
			snprintf(err, n, "perf_event_open: %s (is -F %u above "
				 "kernel.perf_event_max_sample_rate?)",
				 strerror(e), o->freq);
		else
			snprintf(err, n, "perf_event_open (pid %d, cpu %d): %s",
				 (int)pid, cpu, strerror(e));
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

static void set_info(struct perfev_info *info, const struct perf_event_attr *a)
{
	const char *name = a->type == PERF_TYPE_HARDWARE ? "cycles" :
			   a->config == PERF_COUNT_SW_TASK_CLOCK ? "task-clock" :
								   "cpu-clock";
	const char *mod = a->exclude_kernel ? ":u" : a->exclude_user ? ":k" : "";

	info->sample_type = a->sample_type;
	snprintf(info->event, sizeof(info->event), "%s%s", name, mod);
}

struct perfev *perfev_open(const struct perfev_opts *o, struct perfev_info *info,
			   char *err, size_t errlen)
{
	unsigned char online[MAXCPU], want[MAXCPU];
	struct perf_event_attr a;
	struct perfev *ev;
	size_t ntask, ncpu = 0, i, t;
	int c;

	memset(info, 0, sizeof(*info));
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
	ev = calloc(1, sizeof(*ev));
	if (ev == NULL || (ev->fds = calloc(ncpu * ntask, sizeof(int))) == NULL ||
	    (ev->rings = calloc(ncpu, sizeof(struct ring))) == NULL ||
	    (ev->pfd = calloc(ncpu, sizeof(struct pollfd))) == NULL ||
	    (ev->tmp = malloc(65536)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		perfev_close(ev);
		return NULL;
	}
	for (c = 0; c < MAXCPU; c++) {
		int owner = -1;

		if (!want[c])
			continue;
		for (t = 0; t < ntask; t++) {
			pid_t pid = o->command > 0 ? o->command :
				    o->all_cpus ? -1 : o->tids[t];
			int fd, e = 0;

			if (ev->nfds == 0) {
				fd = open_first(&a, o, info, pid, c, err, errlen);
			} else if ((fd = sys_perf_event_open(&a, pid, c)) < 0) {
				e = errno;
				snprintf(err, errlen, "perf_event_open (pid %d, "
					 "cpu %d): %s", (int)pid, c,
					 e == ESRCH ? "no such process" :
					 strerror(e));
			}
			if (fd < 0) {
				/* A thread of -p may end while we open. */
				if (e == ESRCH && ntask > 1)
					continue;
				perfev_close(ev);
				return NULL;
			}
			ev->fds[ev->nfds++] = fd;
			/* One ring per CPU; the CPU's other events feed it. */
			if (owner < 0) {
				if (map_ring(ev, fd, c, o->pages, err, errlen)) {
					perfev_close(ev);
					return NULL;
				}
				owner = fd;
			} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, owner)) {
				snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT: "
					 "%s", strerror(errno));
				perfev_close(ev);
				return NULL;
			}
		}
	}
	for (i = 0; i < ev->nrings; i++) {
		ev->pfd[i].fd = ev->rings[i].fd;
		ev->pfd[i].events = POLLIN;
	}
	set_info(info, &a);
	info->nrings = ev->nrings;
	return ev;
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
	free(ev->rings);
	free(ev->pfd);
	free(ev->tmp);
	free(ev);
}

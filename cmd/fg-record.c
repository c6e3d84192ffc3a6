/*
 * fg-record - sample call stacks with perf_event_open and write them as
 * `perf script` text (or folded stacks), so a machine without perf can
 * still go record -> fg-collapse -> fg-svg.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "formats/perf/perf_event.h"
#include "libfold/out.h"
#include "formats/perf/perf_fold.h"
#include "formats/perf/perf_replay.h"
#include "cmd/util.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: fg-record [OPTIONS] [--] COMMAND [ARGS...]\n"
"       fg-record [OPTIONS] -a | -C CPUS | -p PID[,PID...] | -t TID[,TID...]\n"
"\n"
"Sample call stacks with perf_event_open and write them as `perf script`\n"
"text, symbolized (ELF symbols, /proc/kallsyms), for fg-collapse perf or\n"
"stackcollapse-perf.pl.  With a COMMAND, record it and its children until\n"
"it exits, and exit with its status (128+N if signal N killed it);\n"
"otherwise record until SIGINT or SIGTERM.\n"
"\n"
"  -F, --freq=HZ         samples a second, per CPU (default 99)\n"
"  -c, --count=PERIOD    a sample every PERIOD events instead\n"
"  -a, --all-cpus        every task on every CPU (system-wide)\n"
"  -C, --cpu=CPUS        system-wide on these CPUs only (\"0-3,6\"); with -p\n"
"                        or -t, those tasks on these CPUs\n"
"  -p, --pid=PIDS        these running processes, all their threads\n"
"  -t, --tid=TIDS        these running threads only\n"
"  -g, --call-graph      record call chains (the default)\n"
"      --no-call-graph   record only the sampled address\n"
"  -e, --event=EVENT     what to sample (repeat, or EV,EV, for several):\n"
"                        cpu-clock (default), task-clock, page-faults,\n"
"                        minor-faults, major-faults, context-switches,\n"
"                        cpu-migrations; cycles, instructions,\n"
"                        cache-misses, branch-misses (cpu-clock where\n"
"                        there is no PMU); a tracepoint SUBSYS:NAME\n"
"      --max-stack=N     call chains of N frames at most\n"
"      --off-cpu[=WHICH] off-CPU time per stack (offcpu-time, in ns) from\n"
"                        sched:sched_switch: WHICH is blocked (the default:\n"
"                        waiting on I/O, locks, sleeps) or all (preempted\n"
"                        too, runnable but waiting for a CPU)\n"
"      --hot-cold        on-CPU samples (cpu-clock) and off-CPU time in one\n"
"                        profile, off-CPU frames marked _[o]\n"
"      --user-only       user-space samples only\n"
"      --kernel-only     kernel samples only\n"
"  -m, --mmap-pages=N    ring buffer pages per CPU, a power of 2 (default\n"
"                        128, 512 with --off-cpu)\n"
"      --folded          write folded stacks (fg-collapse perf's output)\n"
"  -o, --output=FILE     write to FILE (replaced only when complete)\n"
"      --child-stdout=FILE  the command's standard output to FILE (default:\n"
"                        its own, or standard error while the profile goes\n"
"                        to standard output)\n"
"  -q, --quiet           no notes, no summary, no status line\n"
"  -v, --verbose         say where the command's output goes\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n");
}

enum { OPT_NO_CG = 256, OPT_USER, OPT_KERNEL, OPT_FOLDED, OPT_CHILD_STDOUT,
       OPT_OFFCPU, OPT_HOTCOLD, OPT_MAXSTACK };

static const struct option options[] = {
	{ "freq", required_argument, NULL, 'F' },
	{ "count", required_argument, NULL, 'c' },
	{ "off-cpu", optional_argument, NULL, OPT_OFFCPU },
	{ "hot-cold", no_argument, NULL, OPT_HOTCOLD },
	{ "max-stack", required_argument, NULL, OPT_MAXSTACK },
	{ "all-cpus", no_argument, NULL, 'a' },
	{ "cpu", required_argument, NULL, 'C' },
	{ "pid", required_argument, NULL, 'p' },
	{ "tid", required_argument, NULL, 't' },
	{ "call-graph", no_argument, NULL, 'g' },
	{ "no-call-graph", no_argument, NULL, OPT_NO_CG },
	{ "event", required_argument, NULL, 'e' },
	{ "user-only", no_argument, NULL, OPT_USER },
	{ "kernel-only", no_argument, NULL, OPT_KERNEL },
	{ "mmap-pages", required_argument, NULL, 'm' },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "output", required_argument, NULL, 'o' },
	{ "child-stdout", required_argument, NULL, OPT_CHILD_STDOUT },
	{ "verbose", no_argument, NULL, 'v' },
	FG_COMMON_OPTIONS,
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static unsigned long number(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max ||
	    *s == '-')
		fg_usage_error("%s: '%s' is not a number from 1 to %lu", opt, s,
			       max);
	return v;
}

/* What is being recorded, and what the output goes through. */
struct rec {
	pid_t *tids;		/* -p's threads, -t's list */
	size_t ntids, captids;
	struct perf_replay *rp;
	struct fold_diag d;
	struct fold_out out;	/* perf script text, or ... */
	struct perf_fold *pf;	/* ... folded stacks */
	uint64_t samples;	/* SAMPLE records seen, for the status line */
};

static void add_tid(struct rec *r, pid_t t)
{
	if (fold_grow(&r->tids, &r->captids, r->ntids + 1, sizeof(*r->tids)))
		fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	r->tids[r->ntids++] = t;
}

/* -p PIDS: every thread of each; -t TIDS: those threads. */
static void parse_tasks(struct rec *r, const char *opt, char *list, int all)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		pid_t pid = (pid_t)number(opt, tok, 0x7fffffff);
		char path[64];
		struct dirent *de;
		DIR *dir;

		snprintf(path, sizeof(path), all ? "/proc/%d/task" : "/proc/%d",
			 (int)pid);
		if ((dir = opendir(path)) == NULL)
			fg_die(FG_EXIT_ERR, "no such %s: %d",
			       all ? "process" : "thread", (int)pid);
		if (!all) {
			add_tid(r, pid);
		} else {
			while ((de = readdir(dir)) != NULL)
				if (atoi(de->d_name) > 0)
					add_tid(r, (pid_t)atoi(de->d_name));
		}
		closedir(dir);
	}
}

static int emit(void *arg, const struct perf_sample *s)
{
	struct rec *r = arg;

	if (r->pf != NULL)
		return perf_fold_sample(r->pf, s);
	perf_script_write(&r->out, s);
	if (r->out.err != 0) {
		fold_diag_error(&r->d, "write error: %s", strerror(r->out.err));
		return -1;
	}
	return 0;
}

static int take(void *arg, const void *rec, size_t size)
{
	struct rec *r = arg;
	uint32_t type;

	memcpy(&type, rec, 4);
	r->samples += type == PERF_RECORD_SAMPLE;
	return perf_replay_add(r->rp, rec, size);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Any of the -p/-t threads still there? */
static int tasks_alive(const struct rec *r)
{
	size_t i;

	for (i = 0; i < r->ntids; i++)
		if (kill(r->tids[i], 0) == 0 || errno == EPERM)
			return 1;
	return 0;
}

/*
 * Fork the command, held on a pipe until the events exist; its exec then
 * enables them.  *go is the pipe's write end, *fail the read end of a pipe
 * through which a failed exec sends its errno.
 */
static pid_t launch(char **argv, int out, int *go, int *fail)
{
	int g[2], f[2];
	pid_t pid;

	if (pipe2(g, O_CLOEXEC) != 0 || pipe2(f, O_CLOEXEC) != 0)
		fg_die(FG_EXIT_ERR, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fg_die(FG_EXIT_ERR, "fork: %s", strerror(errno));
	if (pid == 0) {
		char c;
		int e;

		close(g[1]);
		close(f[0]);
		if (read(g[0], &c, 1) != 1)
			_exit(127);	/* fg-record gave up */
		if (out >= 0 && dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(f[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(g[0]);
	close(f[1]);
	*go = g[1];
	*fail = f[0];
	return pid;
}

static void status_line(const struct rec *r, double secs, int done)
{
	const struct perf_replay_stats *st = perf_replay_stats(r->rp);

	if (done) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[K%s: %.0f s, %llu samples, %llu lost", fg_prog(),
		secs, (unsigned long long)r->samples,
		(unsigned long long)st->lost);
}

#define MAX_EVENTS 16

/* What the options say. */
struct record_cmd {
	struct perfev_opts eo;
	struct perfev_event events[MAX_EVENTS + 1];	/* and off-CPU's */
	size_t nevents;		/* -e's */
	int offcpu;		/* 0, OFFCPU_BLOCKED or OFFCPU_ALL */
	int hotcold;
	const char *output;
	const char *child_stdout;	/* --child-stdout, or NULL */
	char *pids, *tids;
	int quiet, folded, verbose;
	char **command;		/* and its arguments, or NULL */
};

enum { OFFCPU_BLOCKED = 1, OFFCPU_ALL };

/* -e EV[,EV...]: perf's names, checked now (tracefs included). */
static void add_events(struct record_cmd *c, char *list)
{
	char *tok, *save = NULL, err[512];

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		int rc;

		if (c->nevents == MAX_EVENTS)
			fg_usage_error("-e: at most %d events", MAX_EVENTS);
		rc = perfev_event_parse(tok, &c->events[c->nevents], err,
					sizeof(err));
		if (rc > 0)
			fg_usage_error("-e: '%s' is not an event fg-record knows "
				       "(see fg-record --help, or a tracepoint "
				       "SUBSYS:NAME)", tok);
		if (rc < 0)
			fg_die(FG_EXIT_ERR, "%s", err);
		c->nevents++;
	}
}

/*
 * Off-CPU time's event: sched:sched_switch with its raw fields, and, when
 * following tasks rather than CPUs, the SWITCH records that say when they
 * run again (a task's own sched_switch samples fire only as it leaves).
 */
static void add_offcpu(struct record_cmd *c, struct perf_replay_offcpu *oc)
{
	struct perfev_event *e = &c->events[c->nevents];
	char err[512], dir[400];
	size_t sz;

	if (perfev_event_parse("sched:sched_switch", e, err, sizeof(err)) != 0 ||
	    perfev_tracepoint_dir("sched:sched_switch", dir, sizeof(dir), err,
				  sizeof(err)) != 0)
		fg_die(FG_EXIT_ERR, "--off-cpu: %s", err);
	if (perfev_tracepoint_field(dir, "prev_pid", &oc->prev_pid, &sz) != 0 ||
	    perfev_tracepoint_field(dir, "next_pid", &oc->next_pid, &sz) != 0 ||
	    perfev_tracepoint_field(dir, "prev_state", &oc->prev_state,
				    &oc->state_size) != 0 ||
	    (oc->state_size != 4 && oc->state_size != 8))
		fg_die(FG_EXIT_ERR, "--off-cpu: %s/format has no prev_pid, "
		       "prev_state and next_pid fields", dir);
	e->raw = 1;
	e->context_switch = !c->eo.all_cpus;
	oc->all = c->offcpu == OFFCPU_ALL;
	oc->mark = c->hotcold;
}

static void parse(struct record_cmd *c, struct rec *r, int argc, char **argv)
{
	int opt;
	char *evlists[MAX_EVENTS];
	size_t nlists = 0, i;

	memset(c, 0, sizeof(*c));
	c->eo.freq = 99;
	c->eo.callchain = 1;
	c->eo.pages = 0;	/* 128, or 512 with --off-cpu (below) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:F:c:aC:p:t:ge:m:o:qvhV", options,
				  NULL)) != -1) {
		switch (opt) {
		case 'F': c->eo.freq = (unsigned)number("-F", optarg, 1000000); break;
		case 'c':
			c->eo.period = number("-c", optarg, 1ul << 40);
			break;
		case OPT_MAXSTACK:
			c->eo.max_stack = (unsigned)number("--max-stack", optarg,
							   65535);
			break;
		case OPT_OFFCPU:
			if (optarg == NULL || strcmp(optarg, "blocked") == 0)
				c->offcpu = OFFCPU_BLOCKED;
			else if (strcmp(optarg, "all") == 0)
				c->offcpu = OFFCPU_ALL;
			else
				fg_usage_error("--off-cpu: '%s' is not blocked "
					       "or all", optarg);
			break;
		case OPT_HOTCOLD: c->hotcold = 1; break;
		case 'a': c->eo.all_cpus = 1; break;
		case 'C': c->eo.cpus = optarg; break;
		case 'p': c->pids = optarg; break;
		case 'v': c->verbose = 1; break;
		case OPT_CHILD_STDOUT: c->child_stdout = optarg; break;
		case 't': c->tids = optarg; break;
		case 'g': c->eo.callchain = 1; break;
		case OPT_NO_CG: c->eo.callchain = 0; break;
		case 'e':
			/* Checked after the options: -a changes off-CPU's. */
			if (nlists == MAX_EVENTS)
				fg_usage_error("-e: at most %d events", MAX_EVENTS);
			evlists[nlists++] = optarg;
			break;
		case OPT_USER: c->eo.user_only = 1; break;
		case OPT_KERNEL: c->eo.kernel_only = 1; break;
		case 'm':
			c->eo.pages = (unsigned)number("-m", optarg, 1u << 20);
			if (c->eo.pages & (c->eo.pages - 1))
				fg_usage_error("-m: %s is not a power of 2",
					       optarg);
			break;
		case OPT_FOLDED: c->folded = 1; break;
		case 'o': c->output = optarg; break;
		default: fg_common_option(opt, argv, usage, &c->quiet);
		}
	}
	if (c->hotcold && !c->offcpu)
		c->offcpu = OFFCPU_BLOCKED;
	/*
	 * A busy machine switches tens of thousands of times a second, each
	 * record with its call chain: 2 MiB a CPU rides out the moments
	 * fg-record waits for a CPU itself (512 KiB lost samples at 20,000
	 * switches a second on a loaded 2-CPU machine).
	 */
	if (c->eo.pages == 0)
		c->eo.pages = c->offcpu ? 512 : 128;
	if (c->eo.user_only && c->eo.kernel_only)
		fg_usage_error("--user-only and --kernel-only exclude each other");
	if (!!c->pids + !!c->tids + c->eo.all_cpus > 1)
		fg_usage_error("give one of -a, -p and -t");
	if ((c->pids || c->tids) && optind < argc)
		fg_usage_error("-p and -t record running tasks; give no COMMAND");
	if (c->eo.cpus != NULL && !c->pids && !c->tids)
		c->eo.all_cpus = 1;
	if (!c->pids && !c->tids && !c->eo.all_cpus && optind == argc)
		fg_usage_error("nothing to record: give a COMMAND, -a, -C, -p "
			       "or -t");
	if (optind < argc)
		c->command = argv + optind;
	for (i = 0; i < nlists; i++)
		add_events(c, evlists[i]);
	/* cpu-clock by default; --off-cpu alone is off-CPU time alone. */
	if (c->nevents == 0 && (!c->offcpu || c->hotcold))
		add_events(c, (char[]){ "cpu-clock" });
	if (c->folded && c->nevents > 1)
		fg_usage_error("--folded folds one event: give one -e (or write "
			       "perf script text, and choose with fg-collapse "
			       "perf --event-filter)");
	if (c->folded && c->offcpu && c->nevents > 0 && !c->hotcold)
		fg_usage_error("--folded folds one event: --off-cpu with -e "
			       "needs perf script text (or --hot-cold)");
	if (c->pids)
		parse_tasks(r, "-p", c->pids, 1);
	if (c->tids)
		parse_tasks(r, "-t", c->tids, 0);
	c->eo.tids = r->tids;
	c->eo.ntids = r->ntids;
	c->eo.inherit = c->pids != NULL;
}

/*
 * Where the command's standard output goes: never into the profile.  With
 * the profile on standard output, the command's goes to standard error
 * (perf record writes perf.data, so a command's output never met it).
 * -1: the command keeps fg-record's.
 */
static int child_output(const struct record_cmd *c)
{
	int fd;

	if (c->child_stdout != NULL) {
		fd = open(c->child_stdout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0)
			fg_die(FG_EXIT_ERR, "--child-stdout: %s: %s", c->child_stdout,
			       strerror(errno));
		if (c->verbose)
			fg_warn("the output of %s goes to %s", c->command[0],
				c->child_stdout);
		return fd;
	}
	if (c->output != NULL && strcmp(c->output, "-") != 0)
		return -1;
	if (c->verbose)
		fg_warn("the output of %s goes to standard error (the profile "
			"goes to standard output; --child-stdout=FILE to keep it)",
			c->command[0]);
	return STDERR_FILENO;
}

/*
 * fg-record's status when the command ended by itself: the command's, as
 * perf record's, so a failing benchmark fails its CI job; 128+N for signal
 * N, with a note.  A command fg-record stopped (on SIGINT) is not judged.
 */
static int command_status(const struct record_cmd *c, int status, int done)
{
	if (!done)
		return 0;
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) != 0 && !c->quiet)
			fg_warn("%s exited with status %d", c->command[0],
				WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		if (!c->quiet)
			fg_warn("%s was killed by signal %d (%s)%s", c->command[0],
				WTERMSIG(status), strsignal(WTERMSIG(status)),
				WCOREDUMP(status) ? ", core dumped" : "");
		return 128 + WTERMSIG(status);
	}
	return 0;
}

static int record(struct record_cmd *c, struct rec *r)
{
	struct perfev_opts eo = c->eo;
	struct perf_replay_opts ro = { 0 };
	struct perf_replay_offcpu oc = { 0 };
	struct perf_replay_event rev[MAX_EVENTS + 1];
	struct perfev_info info;
	char names[256] = "", hcfilter[96];
	struct fold_profile prof;
	struct perf_fold_opts fo = { 0 };
	const char *output = c->output;
	char err[512];
	int quiet = c->quiet, go = -1, fail = -1, status = 0;
	int tty, child_done = 0;
	double start, last_status;
	struct perfev *ev;
	struct fg_out out;
	struct sigaction sa;
	pid_t child = 0;

	fg_diag_init(&r->d, quiet ? 0 : 20);
	eo.events = c->events;
	eo.nevents = c->nevents;
	if (c->offcpu) {
		add_offcpu(c, &oc);
		eo.nevents++;
		ro.offcpu = &oc;
	}
	fg_out_open(&out, output);
	if (c->command != NULL) {
		child = launch(c->command, child_output(c), &go, &fail);
		if (!eo.all_cpus)
			eo.command = child;
	}
	ev = perfev_open(&eo, &info, err, sizeof(err));
	if (ev == NULL) {
		if (child > 0) {
			close(go);	/* the child exits without running */
			waitpid(child, NULL, 0);
		}
		fg_die(FG_EXIT_ERR, "%s", err);
	}
	for (size_t k = 0; k < eo.nevents; k++) {
		if (!quiet && info.events[k].fell_back)
			fg_warn("the %s event is not supported here; falling "
				"back to cpu-clock", eo.events[k].name);
		rev[k].name = info.events[k].name;
		rev[k].sample_type = info.events[k].sample_type;
		rev[k].offcpu = c->offcpu && k == c->nevents;
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", k ? ", " : "", rev[k].offcpu ? "off-CPU" :
			 info.events[k].name);
	}
	if (!quiet && info.user_fallback)
		fg_warn("kernel samples are not permitted "
			"(kernel.perf_event_paranoid); recording user space only");

	ro.sample_type = info.sample_type;
	ro.event = info.events[0].name;
	ro.events = rev;
	ro.nevents = eo.nevents;
	ro.ids = info.ids;
	ro.id_event = info.id_event;
	ro.nids = info.nids;
	/* Hot/cold folds both halves: the on-CPU event (-e's, if given). */
	if (c->hotcold) {
		snprintf(hcfilter, sizeof(hcfilter), "%s,offcpu-time",
			 info.events[0].name);
		fo.event_filter = hcfilter;
	}
	r->rp = perf_replay_new(&ro, &r->d);
	if (r->rp == NULL)
		fg_die(FG_EXIT_ERR, "%s", r->d.err);
	if (c->folded) {
		if (fold_profile_init(&prof, 1) != 0 ||
		    (r->pf = perf_fold_new(&prof, &fo, &r->d)) == NULL)
			fg_die(FG_EXIT_ERR, "%s", r->d.err[0] ? r->d.err :
			       strerror(errno));
	} else {
		if (fold_out_init(&r->out, out.fd, 1 << 16) != 0)
			fg_die(FG_EXIT_ERR, "%s", strerror(errno));
	}

	/* SIGINT and SIGTERM end the recording; the output is then kept. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (perfev_enable(ev, 1) != 0 && eo.command == 0)
		fg_die(FG_EXIT_ERR, "enabling the events: %s", strerror(errno));
	/* Tasks already running are known from /proc, as perf does. */
	if (eo.all_cpus)
		perf_replay_scan_proc(r->rp, -1);
	else if (c->pids)
		for (size_t i = 0; i < r->ntids; i++)
			perf_replay_scan_proc(r->rp, r->tids[i]);
	if (child > 0) {
		int e;
		ssize_t n;

		if (write(go, "g", 1) != 1)
			fg_die(FG_EXIT_ERR, "starting the command: %s",
			       strerror(errno));
		close(go);
		n = read(fail, &e, sizeof(e));
		close(fail);
		if (n == (ssize_t)sizeof(e)) {
			waitpid(child, NULL, 0);
			fg_die(FG_EXIT_ERR, "cannot run '%s': %s", c->command[0],
			       strerror(e));
		}
	}

	tty = !quiet && isatty(STDERR_FILENO);
	start = last_status = now();
	while (!stop_signal) {
		if (perfev_wait(ev, 100) != 0)
			fg_die(FG_EXIT_ERR, "poll: %s", strerror(errno));
		if (perfev_drain(ev, take, r, err, sizeof(err)) != 0)
			fg_die(FG_EXIT_ERR, "%s", err[0] ? err : r->d.err);
		if (perf_replay_flush(r->rp, 0, emit, r) != 0)
			fg_die(FG_EXIT_ERR, "%s", r->d.err);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child_done = 1;
			break;
		}
		if (r->ntids > 0 && !tasks_alive(r))
			break;
		if (tty && now() - last_status >= 1) {
			last_status = now();
			status_line(r, last_status - start, 0);
		}
	}
	if (child > 0 && !child_done) {
		kill(child, SIGTERM);
		waitpid(child, &status, 0);
	}
	perfev_enable(ev, 0);
	err[0] = '\0';
	if (perfev_drain(ev, take, r, err, sizeof(err)) != 0 ||
	    perf_replay_flush(r->rp, 1, emit, r) != 0)
		fg_die(FG_EXIT_ERR, "%s", err[0] ? err : r->d.err);
	perfev_close(ev);
	if (tty)
		status_line(r, 0, 1);

	if (r->pf != NULL) {
		if (fold_write(&prof, out.fd) != 0)
			fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
			       strerror(errno));
		perf_fold_free(r->pf);
		fold_profile_free(&prof);
	} else if (fold_out_close(&r->out) != 0) {
		fg_die(FG_EXIT_ERR, "%s: %s", output ? output : "<stdout>",
		       strerror(errno));
	}
	fg_out_commit(&out);
	{
		const struct perf_replay_stats *st = perf_replay_stats(r->rp);

		if (st->lost > 0)
			fg_warn("%llu samples lost (the ring buffer was full): "
				"raise -m or lower -F",
				(unsigned long long)st->lost);
		char rate[48] = "";
		size_t k;

		/* Tracepoints are sampled at every hit: no rate to tell. */
		for (k = 0; k < eo.nevents; k++)
			if (eo.events[k].type != PERF_TYPE_TRACEPOINT)
				break;
		if (eo.period > 0)
			snprintf(rate, sizeof(rate), ", every %llu",
				 (unsigned long long)eo.period);
		else if (k < eo.nevents)
			snprintf(rate, sizeof(rate), ", %u Hz", eo.freq);
		if (!quiet)
			fg_warn("%llu samples, %llu lost, %.1f s (%s%s, %zu "
				"ring%s)", (unsigned long long)st->samples,
				(unsigned long long)st->lost, now() - start,
				names, rate, info.nrings,
				info.nrings == 1 ? "" : "s");
		if (!quiet && c->offcpu)
			fg_warn("%.3f s off-CPU (%s)", st->offcpu_ns / 1e9,
				c->offcpu == OFFCPU_ALL ? "blocked and runnable" :
				"blocked");
		if (!quiet && st->throttled > 0)
			fg_warn("the kernel throttled sampling %llu times "
				"(kernel.perf_event_max_sample_rate)",
				(unsigned long long)st->throttled);
	}
	fg_diag_done(&r->d);
	perf_replay_free(r->rp);
	free(r->tids);
	return command_status(c, status, child_done);
}

int main(int argc, char **argv)
{
	struct record_cmd c;
	struct rec r = { 0 };

	fg_setprog(argv[0]);
	parse(&c, &r, argc, argv);
	return record(&c, &r);
}

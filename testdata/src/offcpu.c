/*
 * offcpu.c - fg-record --off-cpu's test workload: known off-CPU time.
 *
 *   offcpu block SECONDS   main calls block_a and block_b in turn, which
 *                          sleep 35 and 15 ms: about 70 % of the off-CPU
 *                          time under block_a, 30 % under block_b, and
 *                          the process off-CPU nearly all its wall time.
 *                          Each wake-up's wait for a CPU counts too (off
 *                          the CPU until it runs again) and is about the
 *                          same after either sleep: long sleeps keep it
 *                          from pulling the split towards 50/50 when the
 *                          machine is busy (a 3 ms wait: 69/31).
 *   offcpu spin SECONDS    two threads spinning in spin_runnable, pinned
 *                          to one CPU: each waits for the CPU (runnable,
 *                          not blocked) about half the time
 *   offcpu pingpong SECONDS RATE
 *                          about RATE context switches a second (make
 *                          bench's off-CPU overhead): a paced thread
 *                          sends a byte through a pipe and waits for
 *                          the answer, three switches a round; the
 *                          switches made are reported on stderr
 *
 * SECONDS are of wall time.  Built with frame pointers so call chains
 * unwind; each blocking call goes through sleep_ms, which calls libc: a
 * frame-pointer unwind from inside libc (no frame pointer of its own)
 * skips its caller, sleep_ms, and keeps block_a and block_b.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile unsigned long sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
	sink++;
}

__attribute__((noinline)) static void block_a(void)
{
	sleep_ms(35);
	sink++;		/* not a tail call: block_a stays on the stack */
}

__attribute__((noinline)) static void block_b(void)
{
	sleep_ms(15);
	sink++;
}

static double end;

__attribute__((noinline)) static void spin_runnable(void)
{
	unsigned long i, x = sink;

	while (now() < end)
		for (i = 0; i < 100000; i++)
			x = x * 6364136223846793005ul + 1442695040888963407ul;
	sink = x;
}

static void *spinner(void *arg)
{
	(void)arg;
	spin_runnable();
	return NULL;
}

static int ping[2], pong[2];

static void *answerer(void *arg)
{
	char c;

	(void)arg;
	while (read(ping[0], &c, 1) == 1)
		if (write(pong[1], &c, 1) != 1)
			break;
	return NULL;
}

/* Rounds paced by absolute deadlines: RATE / 3 of them a second. */
static int pingpong(double secs, double rate)
{
	struct timespec next;
	struct rusage ru;
	double start = now();
	long step_ns = (long)(3e9 / rate), rounds = 0;
	pthread_t t;
	char c = 'x';

	prctl(PR_SET_TIMERSLACK, 1UL);	/* sleep as long as asked, no more */
	if (pipe(ping) != 0 || pipe(pong) != 0 ||
	    pthread_create(&t, NULL, answerer, NULL) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (now() < end) {
		next.tv_nsec += step_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			return 1;
		rounds++;
	}
	close(ping[1]);
	pthread_join(t, NULL);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "offcpu: %ld rounds, %.0f context switches a second\n",
		rounds, (double)(ru.ru_nvcsw + ru.ru_nivcsw) / (now() - start));
	(void)secs;
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 1.0;

	end = now() + secs;
	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		cpu_set_t one;
		pthread_t t;

		/* Set before the thread starts, so it inherits the CPU. */
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one) != 0) {
			perror("sched_setaffinity");
			return 1;
		}
		if (pthread_create(&t, NULL, spinner, NULL) != 0)
			return 1;
		spin_runnable();
		pthread_join(t, NULL);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "pingpong") == 0)
		return pingpong(secs, argc > 3 ? atof(argv[3]) : 20000);
	if (argc > 1 && strcmp(argv[1], "block") != 0) {
		fprintf(stderr, "usage: offcpu block|spin|pingpong [SECONDS [RATE]]\n");
		return 2;
	}
	while (now() < end) {
		block_a();
		block_b();
	}
	return 0;
}

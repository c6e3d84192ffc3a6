/*
 * split.c - fg-record's test workload: a known call structure.  main calls
 * work_a and work_b in turn; both spin in the same leaf, work_a for 7
 * units and work_b for 3, so a profile shows about 70 % under work_a and
 * 30 % under work_b.  Built with frame pointers so call chains unwind.
 *
 *   split [SECONDS [CHILDREN]]   (default 1 s; CHILDREN forked copies)
 *
 * SECONDS are of CPU time, each copy its own: the same work, and about the
 * same number of samples, however busy the machine is.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void spin(unsigned long n)
{
	unsigned long i, x = sink;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	sink = x;
}

__attribute__((noinline)) static void work_a(void)
{
	spin(7 * 100000);
	sink++;		/* not a tail call: work_a stays on the stack */
}

__attribute__((noinline)) static void work_b(void)
{
	spin(3 * 100000);
	sink++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0, end;
	int children = argc > 2 ? atoi(argv[2]) : 0, i;

	for (i = 0; i < children; i++)
		if (fork() == 0)
			break;
	end = now() + secs;
	while (now() < end) {
		work_a();
		work_b();
	}
	if (i == children)
		while (wait(NULL) > 0)
			;
	return 0;
}

/*
 * measure - run a command several times; print its best and median wall
 * time, the input throughput and its peak RSS.  Used by `make bench`.
 *
 *   measure [-n RUNS] [-i INPUT] [-o OUTPUT] [-b BYTES] [-e] -- COMMAND [ARG...]
 *
 * INPUT is opened as the command's stdin and OUTPUT (default /dev/null)
 * as its stdout.  BYTES is the input size the MiB/s figure is based on
 * (default: INPUT's size).  Output, one line:
 *   best_s median_s MiB/s(best) MiB/s(median) peak_rss_KiB cpu_s(median)
 * where cpu_s is user + system time of the command (and the children it
 * waited for).  A command that fails stops the measurement, unless -e (a
 * test of an error's cost): then its last exit status follows, a seventh
 * column.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *input = NULL, *output = "/dev/null";
	double bytes = 0, t[64], cpu[64], mib;
	long maxrss = 0;
	int runs = 3, c, i, may_fail = 0, code = 0;

	while ((c = getopt(argc, argv, "n:i:o:b:e")) != -1) {
		switch (c) {
		case 'n': runs = atoi(optarg); break;
		case 'i': input = optarg; break;
		case 'o': output = optarg; break;
		case 'b': bytes = atof(optarg); break;
		case 'e': may_fail = 1; break;
		default:
			fprintf(stderr, "usage: measure [-n RUNS] [-i IN] [-o OUT] "
				"[-b BYTES] [-e] -- CMD [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || runs > 64) {
		fprintf(stderr, "measure: need a command and 1..64 runs\n");
		return 2;
	}
	if (bytes == 0 && input != NULL) {
		struct stat st;

		if (stat(input, &st) != 0) {
			perror(input);
			return 1;
		}
		bytes = (double)st.st_size;
	}
	for (i = 0; i < runs; i++) {
		struct rusage ru;
		int status;
		double t0 = now();
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			int in = input ? open(input, O_RDONLY) : -1;
			int out = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if ((input && in < 0) || out < 0) {
				perror("measure: open");
				_exit(127);
			}
			if (in >= 0)
				dup2(in, 0);
			dup2(out, 1);
			execvp(argv[optind], argv + optind);
			perror(argv[optind]);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0) {
			perror("wait4");
			return 1;
		}
		t[i] = now() - t0;
		cpu[i] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
			 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (!may_fail && code != 0) {
			fprintf(stderr, "measure: %s failed (status %d)\n",
				argv[optind], status);
			return 1;
		}
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmp_double);
	mib = bytes / (1024.0 * 1024.0);
	printf("%.3f %.3f %.0f %.0f %ld %.3f", t[0], t[runs / 2],
	       mib / t[0], mib / t[runs / 2], maxrss, cpu[runs / 2]);
	if (may_fail)
		printf(" %d", code);
	printf("\n");
	return 0;
}

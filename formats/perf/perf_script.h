/*
 * perf_script.h - streaming reader for `perf script` text output.
 *
 * The reader splits the text into samples (an event header line, then the
 * call chain, leaf first, then a blank line) and hands each one to a
 * callback.  It keeps everything perf printed about the sample (comm, pid,
 * tid, cpu, time, period, event) so collapsing, time-window filters and
 * timecharts can all be built on it.  Frame lines are handed over as text;
 * perf_frame_split() takes one apart when a consumer needs the pieces, so a
 * consumer that caches by frame text never pays for parsing twice.
 *
 * Accepted besides perf's default layout: any -F field selection (pid/tid,
 * cpu, time, period may each be missing), --header comment blocks, CRLF line
 * ends, a last sample without its blank line, one-line samples recorded
 * without call chains, -F +srcline lines, and comm names containing blanks
 * or digits.
 */
#ifndef PERF_SCRIPT_H
#define PERF_SCRIPT_H

#include "libfold/input.h"

struct perf_frame {
	const char *text;	/* "ADDR SYM[+0xOFF] (DSO)", leading blanks gone */
	size_t len;
	const char *src;	/* its -F +srcline line, trimmed; srclen 0: none */
	size_t srclen;
	uint64_t line;
};

struct perf_sample {
	const char *file;
	uint64_t line;		/* of the header */
	const char *comm;	/* as printed; may contain blanks */
	size_t comm_len;
	int64_t pid;		/* -1 when not printed */
	int64_t tid;
	int cpu;		/* -1 when not printed */
	int has_time;
	uint64_t time_ns;
	int has_period;
	uint64_t period;
	const char *event;	/* "cpu-clock:ppp" (no final ':'); NULL: none */
	size_t event_len;
	const char *trailer;	/* text after the event (tracepoint fields) */
	size_t trailer_len;
	int one_line;		/* the only frame came from the header line */
	const struct perf_frame *frames;	/* leaf first */
	size_t nframes;
};

struct perf_frame_fields {
	const char *addr;	/* the address word as printed */
	size_t addr_len;
	const char *sym;	/* symbol text, "+0x..." offset included */
	size_t sym_len;
	const char *dso;	/* inside the parentheses; NULL when absent */
	size_t dso_len;
};

struct perf_parse_opts {
	int strict;		/* an unrecognized line is an error */
};

struct perf_parse_stats {
	uint64_t samples;	/* headers seen */
	uint64_t unrecognized;	/* lines that fit no rule (warned) */
	uint64_t orphans;	/* frame lines outside any sample */
};

/* Return 0 to go on; anything else stops the parse and is returned. */
typedef int (*perf_sample_fn)(void *arg, const struct perf_sample *s);

/*
 * Parse all of in, calling fn once per sample.  Returns 0, the callback's
 * non-zero value, or -1 on an input error (message in d).  Unrecognized
 * lines are reported through d's warn hook, or are fatal with opts->strict.
 * Input with lines but not a single sample header is an error.
 */
int perf_script_parse(struct fold_input *in, const struct perf_parse_opts *opts,
		      perf_sample_fn fn, void *arg, struct perf_parse_stats *st,
		      struct fold_diag *d);

/*
 * A reader's detector (struct fold_reader): the first lines of head are a
 * sample header (or a side-band record line) followed by frame lines, a
 * blank line or the next header.
 */
enum fold_detect perf_script_detect(const char *head, size_t n, int eof);

/*
 * Split a frame line the way stackcollapse-perf.pl does: the address word,
 * then the symbol up to the last " (" that has a ')' after it, then the DSO
 * up to the last ')'.  Without a "(DSO)" part the rest is the symbol.
 * Returns -1 if the text does not start with an address word.
 */
int perf_frame_split(const char *s, size_t len, struct perf_frame_fields *f);

/*
 * Write one sample as `perf script` prints it (formats/README.md, "perf
 * script: header line", "perf script: frame lines"): the header "comm
 * pid/tid [cpu] time: period event: " (cpu, time and period only when s has
 * them), then the frames, "\t%16s" address first, leaf first, and a blank
 * line; a one_line sample puts its frame on the header line.  Frame texts
 * are "ADDR SYM+0xOFF (DSO)".  Errors stay in o.
 */
struct fold_out;
void perf_script_write(struct fold_out *o, const struct perf_sample *s);

#endif

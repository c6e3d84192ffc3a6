/*
 * perf_sched.h - off-CPU time from perf script's scheduler events, as
 * stackcollapse-perf-sched.awk folds it (perf_sched.c).  Read only when
 * named: fg-collapse perf-sched.
 */
#ifndef PERF_SCHED_H
#define PERF_SCHED_H

#include "libfold/fold.h"

extern const struct fold_reader perf_sched_reader;

#endif
